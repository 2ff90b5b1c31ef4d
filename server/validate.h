/* Input validation for request fields: UTF-8, text lengths, dates, ids.
 * Pure logic without I/O; each check names the field at fault so the
 * answer can carry it. */
#ifndef QUARTIERD_VALIDATE_H
#define QUARTIERD_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "qt_status.h"

typedef struct validation {
	const char *field;  /* static string naming the field at fault */
	char message[160];  /* what is wrong, English */
} validation_t;

/* Whether s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int validate_utf8(const char *s, size_t len);

/* Counts code points of well-formed UTF-8. */
size_t validate_utf8_length(const char *s);

/* Checks a text field: well-formed UTF-8, between min and max code points,
 * no control characters except (if multiline) newline and tab.  s may be
 * NULL, which counts as empty. */
qt_status_t validate_text(validation_t *v, const char *field, const char *s,
                          size_t min, size_t max, int multiline);

/* Parses "YYYY-MM-DD" (a real calendar date between 1900 and 2199) into
 * days since 1970-01-01. */
qt_status_t validate_date(validation_t *v, const char *field, const char *s,
                          int32_t *days_out);

/* Checks that a list of ids is not longer than max, has at least min
 * entries and holds only positive ids. */
qt_status_t validate_ids(validation_t *v, const char *field, const int64_t *ids,
                         size_t n, size_t min, size_t max);

/* Checks that an id is positive. */
qt_status_t validate_id(validation_t *v, const char *field, int64_t id);

/* Checks the shape of an e-mail address: local@domain, at most 254
 * characters, no spaces or control characters, a local part of 1 to 64
 * characters without leading, trailing or doubled dots, a domain of at
 * least two dot-separated labels of letters, digits and inner hyphens
 * (non-ASCII letters allowed).  Deliverability is not checked. */
qt_status_t validate_email(validation_t *v, const char *field, const char *s);

/* Checks a telephone number as people write it: 3 to 40 characters of
 * digits, spaces and + - / ( ) ., a '+' only in front, at least 3 digits. */
qt_status_t validate_phone(validation_t *v, const char *field, const char *s);

#endif
