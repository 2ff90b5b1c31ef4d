/* Unit tests of server/validate.c: UTF-8, text fields, calendar dates and
 * id lists, table-driven; every failure must name the field. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "validate.h"

typedef struct utf8_case {
	const char *bytes;
	size_t len; /* 0: strlen(bytes) */
	int valid;
	const char *what;
} utf8_case_t;

static const utf8_case_t utf8_cases[] = {
    {"", 0, 1, "empty"},
    {"Heslach", 0, 1, "ASCII"},
    {"S\u00fcd", 0, 1, "two-byte"},
    {"\xe2\x80\x93", 0, 1, "three-byte en dash"},
    {"\xef\xbf\xbd", 0, 1, "U+FFFD"},
    {"\xf0\x9f\x8f\xa0", 0, 1, "four-byte emoji"},
    {"\xf4\x8f\xbf\xbf", 0, 1, "U+10FFFF"},
    {"\xed\x9f\xbf", 0, 1, "U+D7FF, just below the surrogates"},
    {"\xee\x80\x80", 0, 1, "U+E000, just above the surrogates"},
    {"\xc2\x80", 0, 1, "U+0080"},
    {"\xdf\xbf", 0, 1, "U+07FF"},
    {"\xe0\xa0\x80", 0, 1, "U+0800"},
    {"\xf0\x90\x80\x80", 0, 1, "U+10000"},
    {"\x80", 0, 0, "lone continuation byte"},
    {"\xbf", 0, 0, "lone continuation byte bf"},
    {"\xc0\x80", 0, 0, "overlong NUL"},
    {"\xc1\xbf", 0, 0, "overlong two-byte"},
    {"\xe0\x80\x80", 0, 0, "overlong three-byte"},
    {"\xe0\x9f\xbf", 0, 0, "overlong U+07FF in three bytes"},
    {"\xf0\x80\x80\x80", 0, 0, "overlong four-byte"},
    {"\xf0\x8f\xbf\xbf", 0, 0, "overlong U+FFFF in four bytes"},
    {"\xed\xa0\x80", 0, 0, "surrogate D800"},
    {"\xed\xbf\xbf", 0, 0, "surrogate DFFF"},
    {"\xf4\x90\x80\x80", 0, 0, "above U+10FFFF"},
    {"\xf5\x80\x80\x80", 0, 0, "lead byte f5"},
    {"\xfe", 0, 0, "byte fe"},
    {"\xff", 0, 0, "byte ff"},
    {"\xc3", 0, 0, "truncated two-byte"},
    {"\xe2\x80", 0, 0, "truncated three-byte"},
    {"\xf0\x9f\x8f", 0, 0, "truncated four-byte"},
    {"\xc3\x28", 0, 0, "bad continuation"},
    {"a\xe2\x28\xa1z", 0, 0, "bad continuation in three-byte"},
    {"ok\xc3\xbc\xc3", 0, 0, "valid then truncated"},
    {"a\0b", 3, 1, "embedded NUL is well-formed UTF-8"},
};

Test(validate, utf8_table)
{
	for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		const utf8_case_t *c = &utf8_cases[i];
		size_t len = c->len != 0 ? c->len : strlen(c->bytes);

		cr_assert_eq(!!validate_utf8(c->bytes, len), c->valid, "%s: expected %s", c->what,
		             c->valid ? "valid" : "invalid");
	}
}

Test(validate, utf8_respects_length)
{
	/* Only len bytes count: a cut inside a sequence is invalid, the bytes
	 * after len are never read. */
	cr_assert(validate_utf8("S\u00fcd", 1));
	cr_assert_not(validate_utf8("S\u00fcd", 2));
	cr_assert(validate_utf8("S\u00fcd", 3));
	cr_assert(validate_utf8("ab\xff", 2));
}

Test(validate, utf8_length_counts_code_points)
{
	cr_assert_eq(validate_utf8_length(""), 0);
	cr_assert_eq(validate_utf8_length("abc"), 3);
	cr_assert_eq(validate_utf8_length("S\u00fcd"), 3);
	cr_assert_eq(validate_utf8_length("\xe2\x80\x93"), 1);
	cr_assert_eq(validate_utf8_length("\xf0\x9f\x8f\xa0x"), 2);
}

typedef struct text_case {
	const char *s;
	size_t min, max;
	int multiline;
	qt_status_t want;
	const char *msg_part; /* expected in the message on failure */
} text_case_t;

Test(validate, text_table)
{
	static const text_case_t cases[] = {
	    {"Heslach", 1, 200, 0, QT_OK, NULL},
	    {"", 0, 200, 0, QT_OK, NULL},
	    {NULL, 0, 200, 0, QT_OK, NULL},
	    {"", 1, 200, 0, QT_INVALID_ARGUMENT, "must not be empty"},
	    {NULL, 1, 200, 0, QT_INVALID_ARGUMENT, "must not be empty"},
	    {"ab", 3, 200, 0, QT_INVALID_ARGUMENT, "too short"},
	    {"abcd", 1, 3, 0, QT_INVALID_ARGUMENT, "longer than 3"},
	    {"\xc3\xbc\xc3\xbc\xc3\xbc", 1, 3, 0, QT_OK, NULL}, /* 6 bytes, 3 code points */
	    {"\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc", 1, 3, 0, QT_INVALID_ARGUMENT, "longer"},
	    {"a\xc3\x28", 1, 200, 0, QT_INVALID_ARGUMENT, "UTF-8"},
	    {"a\nb", 1, 200, 0, QT_INVALID_ARGUMENT, "control"},
	    {"a\nb\tc\r\n", 1, 200, 1, QT_OK, NULL},
	    {"a\tb", 1, 200, 0, QT_INVALID_ARGUMENT, "control"},
	    {"a\001b", 1, 200, 1, QT_INVALID_ARGUMENT, "control"},
	    {"a\x1b[31m", 1, 200, 1, QT_INVALID_ARGUMENT, "control"},
	    {"a\x7f", 1, 200, 1, QT_INVALID_ARGUMENT, "control"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const text_case_t *c = &cases[i];
		validation_t v;

		memset(&v, 0, sizeof(v));
		qt_status_t st =
		    validate_text(&v, "project.name", c->s, c->min, c->max, c->multiline);
		cr_assert_eq(st, c->want, "case %zu: status %s", i, qt_status_name(st));
		if (c->want != QT_OK) {
			cr_assert_str_eq(v.field, "project.name", "case %zu", i);
			cr_assert_not_null(strstr(v.message, c->msg_part),
			                   "case %zu: message \"%s\"", i, v.message);
		}
	}
}

Test(validate, text_max_counts_code_points_at_200)
{
	char buf[2 * 201 + 1];
	validation_t v;

	for (int i = 0; i < 200; i++)
		memcpy(buf + 2 * i, "\xc3\xa4", 2);
	buf[400] = '\0';
	cr_assert_eq(validate_text(&v, "name", buf, 1, 200, 0), QT_OK, "200 x U+00E4 fits 200");
	memcpy(buf + 400, "\xc3\xa4", 2);
	buf[402] = '\0';
	cr_assert_eq(validate_text(&v, "name", buf, 1, 200, 0), QT_INVALID_ARGUMENT);
	cr_assert_str_eq(v.field, "name");
}

typedef struct date_case {
	const char *s;
	qt_status_t want;
	int32_t days;
} date_case_t;

Test(validate, date_table)
{
	static const date_case_t cases[] = {
	    {"1970-01-01", QT_OK, 0},
	    {"1969-12-31", QT_OK, -1},
	    {"1900-01-01", QT_OK, -25567},
	    {"2000-03-01", QT_OK, 11017},
	    {"2024-02-29", QT_OK, 19782},
	    {"2199-12-31", QT_OK, 84005},
	    {"2000-02-29", QT_OK, 11016},           /* divisible by 400: leap */
	    {"1900-02-29", QT_INVALID_ARGUMENT, 0}, /* divisible by 100: no leap */
	    {"2023-02-29", QT_INVALID_ARGUMENT, 0},
	    {"2024-02-30", QT_INVALID_ARGUMENT, 0},
	    {"2024-04-31", QT_INVALID_ARGUMENT, 0},
	    {"2024-12-32", QT_INVALID_ARGUMENT, 0},
	    {"2024-00-10", QT_INVALID_ARGUMENT, 0},
	    {"2024-13-01", QT_INVALID_ARGUMENT, 0},
	    {"2024-01-00", QT_INVALID_ARGUMENT, 0},
	    {"1899-12-31", QT_INVALID_ARGUMENT, 0},
	    {"2200-01-01", QT_INVALID_ARGUMENT, 0},
	    {"0000-01-01", QT_INVALID_ARGUMENT, 0},
	    {"2024-1-01", QT_INVALID_ARGUMENT, 0},
	    {"2024-01-1", QT_INVALID_ARGUMENT, 0},
	    {"2024/01/01", QT_INVALID_ARGUMENT, 0},
	    {"20240101", QT_INVALID_ARGUMENT, 0},
	    {"2024-01-01 ", QT_INVALID_ARGUMENT, 0},
	    {" 2024-01-01", QT_INVALID_ARGUMENT, 0},
	    {"2024-01-01T00", QT_INVALID_ARGUMENT, 0},
	    {"+024-01-01", QT_INVALID_ARGUMENT, 0},
	    {"2024-0a-01", QT_INVALID_ARGUMENT, 0},
	    {"", QT_INVALID_ARGUMENT, 0},
	    {NULL, QT_INVALID_ARGUMENT, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const date_case_t *c = &cases[i];
		validation_t v;
		int32_t days = 12345678;

		memset(&v, 0, sizeof(v));
		qt_status_t st = validate_date(&v, "start_date", c->s, &days);
		cr_assert_eq(st, c->want, "\"%s\": status %s", c->s ? c->s : "(null)",
		             qt_status_name(st));
		if (c->want == QT_OK) {
			cr_assert_eq(days, c->days, "\"%s\": %d days, expected %d", c->s, days,
			             c->days);
		} else {
			cr_assert_str_eq(v.field, "start_date");
			cr_assert_gt(strlen(v.message), 0);
			cr_assert_eq(days, 12345678, "\"%s\": out-parameter written on failure",
			             c->s ? c->s : "(null)");
		}
	}
}

Test(validate, dates_are_consecutive_across_years)
{
	/* Walking 1999-12-31 .. 2001-03-01 day by day yields consecutive numbers. */
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	validation_t v;
	int32_t prev, d;
	char s[32];

	cr_assert_eq(validate_date(&v, "d", "1999-12-31", &prev), QT_OK);
	for (int y = 2000; y <= 2001; y++) {
		for (int m = 1; m <= 12; m++) {
			int n = mdays[m - 1] + (m == 2 && y == 2000);
			for (int day = 1; day <= n; day++) {
				snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, day);
				cr_assert_eq(validate_date(&v, "d", s, &d), QT_OK, "%s", s);
				cr_assert_eq(d, prev + 1, "%s", s);
				prev = d;
			}
		}
	}
}

Test(validate, ids)
{
	static const int64_t good[] = {1, 2, 999999};
	static const int64_t zero[] = {1, 0};
	static const int64_t negative[] = {-5};
	validation_t v;

	cr_assert_eq(validate_ids(&v, "quarter_ids", good, 3, 1, 100), QT_OK);
	cr_assert_eq(validate_ids(&v, "quarter_ids", NULL, 0, 0, 100), QT_OK);
	cr_assert_eq(validate_ids(&v, "quarter_ids", NULL, 0, 1, 100), QT_INVALID_ARGUMENT);
	cr_assert_str_eq(v.field, "quarter_ids");
	cr_assert_not_null(strstr(v.message, "at least 1"), "%s", v.message);
	cr_assert_eq(validate_ids(&v, "lead_office_ids", good, 3, 1, 2), QT_INVALID_ARGUMENT);
	cr_assert_str_eq(v.field, "lead_office_ids");
	cr_assert_eq(validate_ids(&v, "quarter_ids", zero, 2, 1, 100), QT_INVALID_ARGUMENT);
	cr_assert_eq(validate_ids(&v, "quarter_ids", negative, 1, 1, 100), QT_INVALID_ARGUMENT);
	cr_assert_eq(validate_id(&v, "carrier_id", 1), QT_OK);
	cr_assert_eq(validate_id(&v, "carrier_id", 0), QT_INVALID_ARGUMENT);
	cr_assert_str_eq(v.field, "carrier_id");
	cr_assert_eq(validate_id(&v, "carrier_id", INT64_MIN), QT_INVALID_ARGUMENT);
}

typedef struct contact_case {
	const char *value;
	int valid;
} contact_case_t;

Test(validate, email_table)
{
	static const contact_case_t cases[] = {
	    {"anna.mueller@stuttgart.de", 1},
	    {"a@b.de", 1},
	    {"info+quartier@caritas-stuttgart.de", 1},
	    {"m\u00fcller@st\u00e4dte.example", 1},
	    {"o'brien@example.org", 1},
	    {"", 0},
	    {"anna", 0},
	    {"@stuttgart.de", 0},
	    {"anna@", 0},
	    {"anna@stuttgart", 0},
	    {"anna@@stuttgart.de", 0},
	    {"an@na@stuttgart.de", 0},
	    {"anna m@stuttgart.de", 0},
	    {".anna@stuttgart.de", 0},
	    {"anna.@stuttgart.de", 0},
	    {"an..na@stuttgart.de", 0},
	    {"anna@stuttgart..de", 0},
	    {"anna@.stuttgart.de", 0},
	    {"anna@stuttgart.de.", 0},
	    {"anna@-stuttgart.de", 0},
	    {"anna@stuttgart-.de", 0},
	    {"anna@stuttgart.d", 0},
	    {"anna@stutt_gart.de", 0},
	    {"anna\x01@stuttgart.de", 0},
	    {"anna\xc3@stuttgart.de", 0},
	    {"<anna@stuttgart.de>", 0},
	};
	char local65[80], long_domain[300];
	validation_t v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		qt_status_t st = validate_email(&v, "email", cases[i].value);
		cr_expect_eq(st == QT_OK, cases[i].valid, "\"%s\" should be %s", cases[i].value,
		             cases[i].valid ? "valid" : "invalid");
		if (st != QT_OK)
			cr_expect_str_eq(v.field, "email", "\"%s\": field", cases[i].value);
	}
	memset(local65, 'a', 65);
	strcpy(local65 + 65, "@example.org");
	cr_expect_eq(validate_email(&v, "email", local65), QT_INVALID_ARGUMENT,
	             "65 characters before the @");
	memset(long_domain, 'a', 64);
	long_domain[64] = '@';
	for (int i = 65; i < 255; i += 2)
		memcpy(long_domain + i, "b.", 2);
	strcpy(long_domain + 255, "de");
	cr_expect_eq(validate_email(&v, "email", long_domain), QT_INVALID_ARGUMENT,
	             "longer than 254 characters");
}

Test(validate, phone_table)
{
	static const contact_case_t cases[] = {
	    {"0711 216-12345", 1},
	    {"+49 711 216-0", 1},
	    {"(0711) 216/98 76", 1},
	    {"0711.2160", 1},
	    {"110", 1},
	    {"", 0},
	    {"12", 0},
	    {"++49 711", 0},
	    {"0711+216", 0},
	    {"0711 216 ext. 5", 0},
	    {"----", 0},
	    {"+4", 0},
	    {"0711\t216", 0},
	    {"0711 216 12345 0711 216 12345 0711 216 123", 0},
	};
	validation_t v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		qt_status_t st = validate_phone(&v, "phone", cases[i].value);
		cr_expect_eq(st == QT_OK, cases[i].valid, "\"%s\" should be %s", cases[i].value,
		             cases[i].valid ? "valid" : "invalid");
		if (st != QT_OK)
			cr_expect_str_eq(v.field, "phone", "\"%s\": field", cases[i].value);
	}
}
