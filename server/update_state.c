/* Progress update states and exact decimals (see update_state.h). */
#include "update_state.h"

#include <stdio.h>
#include <string.h>

#define US_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const us_state_names[] = {NULL, "submitted", "approved", "returned"};
static const char *const us_action_names[] = {NULL, "submit", "revise", "approve", "return"};

static int us_parse(const char *const *t, int n, const char *s)
{
	for (int i = 1; s != NULL && i < n; i++)
		if (strcmp(s, t[i]) == 0)
			return i;
	return 0;
}

const char *update_state_name(update_state_t s)
{
	return (int)s > 0 && (int)s < US_COUNT(us_state_names) ? us_state_names[s] : NULL;
}

update_state_t update_state_parse(const char *s)
{
	return (update_state_t)us_parse(us_state_names, US_COUNT(us_state_names), s);
}

const char *update_action_name(update_action_t a)
{
	return (int)a > 0 && (int)a < US_COUNT(us_action_names) ? us_action_names[a] : NULL;
}

update_action_t update_action_parse(const char *s)
{
	return (update_action_t)us_parse(us_action_names, US_COUNT(us_action_names), s);
}

qt_status_t update_state_next(update_state_t from, update_action_t action, update_state_t *to,
                              const char **msg)
{
	update_state_t next = UPDATE_STATE_NONE;
	const char *why = NULL;

	switch (from) {
	case UPDATE_STATE_NONE:
		if (action == UPDATE_ACTION_SUBMIT)
			next = UPDATE_STATE_SUBMITTED;
		else
			why = "an update is submitted first";
		break;
	case UPDATE_STATE_SUBMITTED:
		if (action == UPDATE_ACTION_APPROVE)
			next = UPDATE_STATE_APPROVED;
		else if (action == UPDATE_ACTION_RETURN)
			next = UPDATE_STATE_RETURNED;
		else
			why = "a submitted update is approved or returned by the lead office";
		break;
	case UPDATE_STATE_RETURNED:
		if (action == UPDATE_ACTION_REVISE)
			next = UPDATE_STATE_SUBMITTED;
		else
			why = "a returned update is revised and submitted again";
		break;
	case UPDATE_STATE_APPROVED:
		why = "an approved update is final and never changed";
		break;
	}
	if (next == UPDATE_STATE_NONE) {
		if (msg != NULL)
			*msg = why != NULL ? why : "unknown update state";
		return QT_FAILED_PRECONDITION;
	}
	*to = next;
	return QT_OK;
}

qt_status_t update_decimal_check(validation_t *v, const char *field, const char *s)
{
	const char *p = s;
	int whole = 0, frac = 0;

	v->field = field;
	if (s == NULL || *s == '\0') {
		snprintf(v->message, sizeof(v->message), "%s is required (a decimal such as 12.5)",
		         field);
		return QT_INVALID_ARGUMENT;
	}
	if (*p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		whole++;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			frac++;
		if (frac == 0)
			whole = 0; /* "12." is not a number */
	}
	if (*p != '\0' || whole == 0) {
		snprintf(v->message, sizeof(v->message),
		         "%s is not a number: write digits with an optional minus and a point, "
		         "e.g. 12.5",
		         field);
		return QT_INVALID_ARGUMENT;
	}
	if (whole > UPDATE_DECIMAL_INT_DIGITS || frac > UPDATE_DECIMAL_FRAC_DIGITS) {
		snprintf(v->message, sizeof(v->message),
		         "%s has too many digits (at most %d before and %d after the point)", field,
		         UPDATE_DECIMAL_INT_DIGITS, UPDATE_DECIMAL_FRAC_DIGITS);
		return QT_INVALID_ARGUMENT;
	}
	return QT_OK;
}
