/* The state machine of progress updates (Zielüberprüfung, chapter 4),
 * pure logic without I/O.  Values equal the wire enums ProgressState and
 * ProgressAction.
 *
 *   (new)      --submit-->  submitted
 *   submitted  --approve--> approved   (final: never changed again)
 *   submitted  --return-->  returned   (with a comment)
 *   returned   --revise-->  submitted
 *
 * Who may take which step is decided in perm.c; that nobody reviews an
 * update they submitted or revised is checked there and again in SQL.
 * Also the check of exact decimal figures as the protocol sends them. */
#ifndef QUARTIERD_UPDATE_STATE_H
#define QUARTIERD_UPDATE_STATE_H

#include "qt_status.h"
#include "validate.h"

typedef enum {
	UPDATE_STATE_NONE = 0, /* not submitted yet */
	UPDATE_STATE_SUBMITTED = 1,
	UPDATE_STATE_APPROVED = 2,
	UPDATE_STATE_RETURNED = 3,
} update_state_t;

typedef enum {
	UPDATE_ACTION_NONE = 0,
	UPDATE_ACTION_SUBMIT = 1,
	UPDATE_ACTION_REVISE = 2,
	UPDATE_ACTION_APPROVE = 3,
	UPDATE_ACTION_RETURN = 4,
} update_action_t;

/* Database spellings ("submitted", "approve", ...) by value; NULL for
 * invalid values.  The parsers return the NONE value if unknown. */
const char *update_state_name(update_state_t s);
update_state_t update_state_parse(const char *s);
const char *update_action_name(update_action_t a);
update_action_t update_action_parse(const char *s);

/* The state action leads to from `from`: QT_OK and *to, or
 * QT_FAILED_PRECONDITION (then *to is untouched and, if msg is not NULL,
 * *msg a static English sentence saying what the state allows). */
qt_status_t update_state_next(update_state_t from, update_action_t action, update_state_t *to,
                              const char **msg);

#define UPDATE_DECIMAL_INT_DIGITS  14 /* numeric(18,4) */
#define UPDATE_DECIMAL_FRAC_DIGITS 4

/* Checks an exact decimal as text: an optional '-', 1 to 14 digits,
 * optionally '.' and 1 to 4 digits; nothing else (no spaces, exponents,
 * commas or '+').  Figures are never converted to floating point. */
qt_status_t update_decimal_check(validation_t *v, const char *field, const char *s);

#endif
