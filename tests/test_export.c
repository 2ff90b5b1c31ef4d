/* Unit tests of the CLI's export formatters: iCalendar (client/cli/ics.c,
 * RFC 5545: CRLF, folding at 75 octets without splitting UTF-8 sequences
 * or escapes, TEXT escaping, UID/DTSTAMP/DTSTART in UTC) and CSV
 * (client/cli/csv.c, RFC 4180 quoting). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "ics.h"

/* Output of a formatter, captured in memory. */
typedef struct capture {
	FILE *f;
	char *buf;
	size_t len;
} capture_t;

static void cap_open(capture_t *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	cr_assert_not_null(c->f);
}

static char *cap_close(capture_t *c)
{
	cr_assert_eq(fclose(c->f), 0);
	return c->buf;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Undoes RFC 5545 folding: every CRLF followed by a space goes. */
static char *unfold(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	cr_assert_not_null(out);
	while (*s) {
		if (s[0] == '\r' && s[1] == '\n' && s[2] == ' ') {
			s += 3;
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

static int utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = s[i] < 0x80 ? 1 : s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : s[i] >= 0xC2 ? 2 : 0;

		if (k == 0 || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

/* Every physical line ends in CRLF, has at most 75 octets, is valid
 * UTF-8 on its own, and no escape is split across lines. */
static void expect_wellformed(const char *ics)
{
	const char *p = ics;
	int lines = 0;

	while (*p) {
		const char *eol = strstr(p, "\r\n");
		size_t n;

		cr_assert_not_null(eol, "every line ends with CRLF: ...%.40s", p);
		n = (size_t)(eol - p);
		cr_expect_leq(n, 75, "line %d has %zu octets: %.*s", lines, n, (int)n, p);
		cr_expect(memchr(p, '\n', n) == NULL && memchr(p, '\r', n) == NULL,
		          "no bare CR or LF in line %d", lines);
		cr_expect(utf8_ok((const unsigned char *)p, n), "line %d splits a UTF-8 sequence",
		          lines);
		if (n > 0 && p[n - 1] == '\\') {
			/* A backslash at the end is only fine if it is itself escaped. */
			size_t k = 0;
			while (k < n && p[n - 1 - k] == '\\')
				k++;
			cr_expect(k % 2 == 0, "line %d splits an escape", lines);
		}
		p = eol + 2;
		lines++;
	}
	cr_assert_gt(lines, 0);
}

static qt_meeting_t sample_meeting(void)
{
	static qt_agenda_entry_t agenda[2];
	static qt_handover_t handovers[1];
	qt_meeting_t m;

	memset(&m, 0, sizeof(m));
	memset(agenda, 0, sizeof(agenda));
	memset(handovers, 0, sizeof(handovers));
	m.id = 7;
	m.version = 3;
	m.title = "AGSP Süd, März; \"Jugend\"";
	m.status = QT_MEETING_OPEN;
	m.starts_at = 1773133200; /* 2026-03-10 09:00:00 UTC */
	m.ends_at = 1773144000;   /* 12:00 */
	m.updated_at = 1773000000;
	m.place = "Rathaus\\Raum 101";
	m.organiser_office_name = "Sozialamt";
	agenda[0].meeting_id = 7;
	agenda[0].item_id = 11;
	agenda[0].position = 1;
	agenda[0].item_title = "Treffpunkt, \"Jugend\"";
	agenda[0].origin = QT_ORIGIN_BOTTOM_UP;
	agenda[0].origin_name = "KUGEL";
	agenda[0].requested_minutes = 20;
	agenda[0].outcome = QT_OUTCOME_HAND_OVER;
	agenda[0].outcome_text = "Jugendamt prüft\nmobile Jugendarbeit";
	agenda[0].handover_id = 5;
	agenda[1].meeting_id = 7;
	agenda[1].item_id = 12;
	agenda[1].position = 2;
	agenda[1].item_title = "Hitzeschutz";
	agenda[1].origin = QT_ORIGIN_TOP_DOWN;
	agenda[1].origin_name = "Gesundheitsamt";
	handovers[0].id = 5;
	handovers[0].lead_office_name = "Jugendamt";
	handovers[0].due_date = "2026-04-30";
	handovers[0].status = QT_HANDOVER_ACKNOWLEDGED;
	handovers[0].item_title = agenda[0].item_title;
	m.agenda = agenda;
	m.n_agenda = 2;
	m.handovers = handovers;
	m.n_handovers = 1;
	return m;
}

/* ------------------------------------------------------------ iCalendar */

Test(ics, utc_times)
{
	char buf[32];

	cr_assert_str_eq(ics_utc(buf, sizeof(buf), 1773133200), "20260310T090000Z");
	cr_assert_str_eq(ics_utc(buf, sizeof(buf), 0), "19700101T000000Z");
	cr_assert_str_eq(ics_utc(buf, sizeof(buf), 951782400), "20000229T000000Z");
}

Test(ics, text_escaping)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "S:plain\r\n"},
		{"a,b;c", "S:a\\,b\\;c\r\n"},
		{"back\\slash", "S:back\\\\slash\r\n"},
		{"two\nlines", "S:two\\nlines\r\n"},
		{"crlf\r\nend", "S:crlf\\nend\r\n"},
		{"cr\rend", "S:cr\\nend\r\n"},
		{"tab\there\x01", "S:tabhere\r\n"}, /* other control characters dropped */
		{"Süd: \"ok\"", "S:Süd: \"ok\"\r\n"},  /* quotes and colons need no escape */
		{"", "S:\r\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		capture_t c;
		char *out;

		cap_open(&c);
		cr_assert_eq(ics_text_line(c.f, "S", cases[i].in), 0);
		out = cap_close(&c);
		cr_expect_str_eq(out, cases[i].out, "case %zu", i);
		free(out);
	}
}

Test(ics, folding_at_75_octets)
{
	char ascii[301], umlauts[401], escapes[201], *out, *flat, want[1024];
	capture_t c;

	memset(ascii, 'x', 300);
	ascii[300] = '\0';
	for (int i = 0; i < 200; i++)
		memcpy(umlauts + 2 * i, "\xc3\xbc", 2); /* ü: 2 octets each */
	umlauts[400] = '\0';
	memset(escapes, ',', 200); /* each becomes \, : 2 octets that stay together */
	escapes[200] = '\0';

	cap_open(&c);
	cr_assert_eq(ics_text_line(c.f, "DESCRIPTION", ascii), 0);
	out = cap_close(&c);
	expect_wellformed(out);
	/* 12 + 300 + 5 folds... the first line holds exactly 75 octets. */
	cr_expect_eq(strstr(out, "\r\n") - out, 75);
	cr_expect_eq(out[77], ' ', "continuation lines start with a space");
	flat = unfold(out);
	snprintf(want, sizeof(want), "DESCRIPTION:%s\r\n", ascii);
	cr_expect_str_eq(flat, want);
	free(flat);
	free(out);

	cap_open(&c);
	cr_assert_eq(ics_text_line(c.f, "SUMMARY", umlauts), 0);
	out = cap_close(&c);
	expect_wellformed(out);
	flat = unfold(out);
	snprintf(want, sizeof(want), "SUMMARY:%s\r\n", umlauts);
	cr_expect_str_eq(flat, want, "unfolding gives the UTF-8 text back");
	free(flat);
	free(out);

	cap_open(&c);
	cr_assert_eq(ics_text_line(c.f, "X", escapes), 0);
	out = cap_close(&c);
	expect_wellformed(out);
	flat = unfold(out);
	cr_expect_eq(strlen(flat), 2 + 400 + 2);
	free(flat);
	free(out);
}

Test(ics, calendar_with_meetings)
{
	qt_meeting_t m[2];
	capture_t c;
	char *out, *flat;

	m[0] = sample_meeting();
	m[1] = m[0];
	m[1].id = 8;
	m[1].status = QT_MEETING_DRAFT;
	m[1].ends_at = 0;
	m[1].place = NULL;
	m[1].n_agenda = 0;
	m[1].n_handovers = 0;
	cap_open(&c);
	cr_assert_eq(ics_write(c.f, m, 2, 1773000000, "registry.example.org"), 0);
	out = cap_close(&c);
	expect_wellformed(out);
	flat = unfold(out);
	cr_expect(starts_with(flat, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"), "%.60s", flat);
	cr_expect_not_null(strstr(flat, "\r\nEND:VCALENDAR\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nUID:quartier-meeting-7@registry.example.org\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nUID:quartier-meeting-8@registry.example.org\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nDTSTAMP:20260308T200000Z\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nDTSTART:20260310T090000Z\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nDTEND:20260310T120000Z\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nSEQUENCE:2\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nSUMMARY:AGSP Süd\\, März\\; \"Jugend\"\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nLOCATION:Rathaus\\\\Raum 101\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nSTATUS:CONFIRMED\r\n"));
	cr_expect_not_null(strstr(flat, "\r\nSTATUS:TENTATIVE\r\n"), "a draft is tentative");
	cr_expect_not_null(strstr(flat, "1. Treffpunkt\\, \"Jugend\" (bottom_up: KUGEL\\, 20 min)"),
	                   "the agenda in the description");
	cr_expect_not_null(strstr(flat, "hand_over: Jugendamt prüft\\nmobile Jugendarbeit"));
	cr_expect_not_null(strstr(flat, "Übergabe an Jugendamt bis 2026-04-30 (acknowledged)"));
	/* Two events, one without DTEND and LOCATION. */
	cr_expect_not_null(strstr(strstr(flat, "BEGIN:VEVENT") + 1, "BEGIN:VEVENT"));
	cr_expect_null(strstr(strstr(flat, "UID:quartier-meeting-8"), "DTEND"));
	cr_expect_null(strstr(strstr(flat, "UID:quartier-meeting-8"), "LOCATION"));
	free(flat);
	free(out);
}

/* ------------------------------------------------------------ CSV */

Test(csv, field_quoting)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"two\nlines", "\"two\nlines\""},
		{"cr\rhere", "\"cr\rhere\""},
		{"Süd; ok", "Süd; ok"},
		{"", ""},
		{NULL, ""},
		/* Formula-like cells are neutralised (CSV injection). */
		{"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
		{"+49 711", "\"'+49 711\""},
		{"-1+2", "\"'-1+2\""},
		{"@SUM(A1)", "\"'@SUM(A1)\""},
		{"a=b", "a=b"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		capture_t c;
		char *out;

		cap_open(&c);
		csv_field(c.f, cases[i].in, 1);
		out = cap_close(&c);
		cr_expect_str_eq(out, cases[i].out, "case %zu", i);
		free(out);
	}
}

Test(csv, agenda_with_outcomes)
{
	qt_meeting_t m = sample_meeting();
	capture_t c;
	char *out, *line2;

	cap_open(&c);
	cr_assert_eq(csv_write_agenda(c.f, &m, 1), 0);
	out = cap_close(&c);
	cr_expect(starts_with(out, "meeting_id,meeting_title,meeting_start_utc,meeting_status,"
	                           "position,item_id,item_title,origin,origin_name,"
	                           "requested_minutes,outcome,outcome_text,handover_id,"
	                           "handover_lead_office,handover_due_date,handover_status\r\n"),
	          "header: %.80s", out);
	line2 = strstr(out, "\r\n") + 2;
	cr_expect(starts_with(line2, "7,\"AGSP Süd, März; \"\"Jugend\"\"\",2026-03-10T09:00:00Z,"
	                             "open,1,11,\"Treffpunkt, \"\"Jugend\"\"\",bottom_up,KUGEL,20,"
	                             "hand_over,\"Jugendamt prüft\nmobile Jugendarbeit\",5,"
	                             "Jugendamt,2026-04-30,acknowledged\r\n"),
	          "first record: %s", line2);
	cr_expect_not_null(strstr(out, "\r\n7,\"AGSP Süd, März; \"\"Jugend\"\"\",2026-03-10T09:00:00Z,"
	                               "open,2,12,Hitzeschutz,top_down,Gesundheitsamt,,,,,,,\r\n"),
	                   "an entry without outcome leaves the fields empty");
	cr_expect_eq(out[strlen(out) - 1], '\n');
	free(out);
}
