/* Field validation (see validate.h). */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static qt_status_t validate_fail(validation_t *v, const char *field,
                                 const char *fmt, ...)
{
	va_list ap;

	v->field = field;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
	return QT_INVALID_ARGUMENT;
}

int validate_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		unsigned cp, need;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i - 1 < need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		if (cp >= 0xD800 && cp <= 0xDFFF)
			return 0;
		i += need + 1;
	}
	return 1;
}

size_t validate_utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

qt_status_t validate_text(validation_t *v, const char *field, const char *s,
                          size_t min, size_t max, int multiline)
{
	size_t len, cps;

	if (s == NULL)
		s = "";
	len = strlen(s);
	if (!validate_utf8(s, len))
		return validate_fail(v, field, "%s is not valid UTF-8", field);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7F)
			return validate_fail(v, field, "%s contains a control character", field);
	}
	cps = validate_utf8_length(s);
	if (cps < min)
		return validate_fail(v, field, min == 1 ? "%s must not be empty"
		                                        : "%s is too short", field);
	if (cps > max)
		return validate_fail(v, field, "%s is longer than %zu characters", field, max);
	return QT_OK;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

qt_status_t validate_date(validation_t *v, const char *field, const char *s,
                          int32_t *days_out)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, dim;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			goto bad;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2199)
		return validate_fail(v, field, "%s must lie between 1900 and 2199", field);
	if (m < 1 || m > 12)
		goto bad;
	dim = mdays[m - 1] + (m == 2 && is_leap(y));
	if (d < 1 || d > dim)
		goto bad;
	*days_out = days_from_civil(y, m, d);
	return QT_OK;
bad:
	return validate_fail(v, field, "%s must be a date YYYY-MM-DD", field);
}

qt_status_t validate_id(validation_t *v, const char *field, int64_t id)
{
	if (id <= 0)
		return validate_fail(v, field, "%s must be a positive id", field);
	return QT_OK;
}

qt_status_t validate_ids(validation_t *v, const char *field, const int64_t *ids,
                         size_t n, size_t min, size_t max)
{
	if (n < min)
		return validate_fail(v, field, "%s needs at least %zu entr%s", field, min,
		                     min == 1 ? "y" : "ies");
	if (n > max)
		return validate_fail(v, field, "%s has more than %zu entries", field, max);
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0)
			return validate_fail(v, field, "%s must hold positive ids", field);
	return QT_OK;
}

/* Characters RFC 5322 allows unquoted in a local part ("atext" and dots). */
static int email_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL;
}

static int email_domain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80 || c == '-';
}

qt_status_t validate_email(validation_t *v, const char *field, const char *s)
{
	const char *at, *p, *label;
	size_t len, labels = 0;

	if (validate_text(v, field, s, 1, 254, 0) != QT_OK)
		return QT_INVALID_ARGUMENT;
	len = strlen(s);
	at = strchr(s, '@');
	if (at == NULL || strchr(at + 1, '@') != NULL)
		return validate_fail(v, field, "%s must be an address of the form name@example.org",
		                     field);
	if (at == s || at - s > 64)
		return validate_fail(v, field, "%s needs 1 to 64 characters before the @", field);
	if (s[0] == '.' || at[-1] == '.')
		return validate_fail(v, field, "%s must not start or end its name with a dot",
		                     field);
	for (p = s; p < at; p++) {
		if (!email_local_char((unsigned char)*p))
			return validate_fail(
			    v, field, "%s contains a character not allowed in an address", field);
		if (p[0] == '.' && p[1] == '.')
			return validate_fail(v, field, "%s contains two dots in a row", field);
	}
	/* The domain: labels separated by single dots, none empty, none
	 * starting or ending with a hyphen, at least two of them. */
	label = at + 1;
	for (p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || label[0] == '-' || p[-1] == '-')
				return validate_fail(v, field,
				                     "%s has an invalid domain after the @", field);
			labels++;
			if (*p == '\0')
				break;
			label = p + 1;
			continue;
		}
		if (!email_domain_char((unsigned char)*p))
			return validate_fail(v, field, "%s has an invalid domain after the @",
			                     field);
	}
	if (labels < 2 || s + len - label < 2)
		return validate_fail(v, field, "%s needs a domain such as example.org after the @",
		                     field);
	return QT_OK;
}

qt_status_t validate_phone(validation_t *v, const char *field, const char *s)
{
	size_t digits = 0, len;

	if (s == NULL)
		s = "";
	len = strlen(s);
	if (len < 3 || len > 40)
		return validate_fail(v, field, "%s must have 3 to 40 characters", field);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			digits++;
		else if (c == '+' && i != 0)
			return validate_fail(v, field, "%s may have a + only in front", field);
		else if (c != '+' && strchr(" -/().", c) == NULL)
			return validate_fail(
			    v, field, "%s may contain only digits, spaces and + - / ( ) .", field);
	}
	if (digits < 3)
		return validate_fail(v, field, "%s needs at least 3 digits", field);
	return QT_OK;
}
