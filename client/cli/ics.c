/* iCalendar (RFC 5545) formatting of meetings (see ics.h). */
#include "ics.h"

#include <string.h>
#include <time.h>

/* A content line being written: octets on the current physical line. */
typedef struct ics_line {
	FILE *f;
	size_t col;
} ics_line_t;

const char *ics_utc(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(buf, len, "19700101T000000Z");
	return buf;
}

/* Writes n octets that must stay on one physical line (a UTF-8 sequence or
 * an escape), folding first if they do not fit: CRLF and one space, which
 * counts towards the new line. */
static void ics_unit(ics_line_t *l, const char *s, size_t n)
{
	if (l->col + n > ICS_LINE_MAX) {
		fputs("\r\n ", l->f);
		l->col = 1;
	}
	fwrite(s, 1, n, l->f);
	l->col += n;
}

/* The length of the UTF-8 sequence starting with c (1 for stray bytes). */
static size_t ics_seq_len(unsigned char c)
{
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	return 1;
}

/* Writes s unescaped (names, parameters, values that need no escaping). */
static void ics_raw(ics_line_t *l, const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		size_t k = ics_seq_len((unsigned char)s[i]);

		if (k > len - i)
			k = len - i;
		ics_unit(l, s + i, k);
		i += k;
	}
}

/* Writes s as an escaped TEXT value. */
static void ics_escaped(ics_line_t *l, const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t k;

		if (c == '\\' || c == ';' || c == ',') {
			char esc[2] = {'\\', (char)c};
			ics_unit(l, esc, 2);
			i++;
		} else if (c == '\r' || c == '\n') {
			ics_unit(l, "\\n", 2);
			i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
		} else if (c < 0x20 || c == 0x7F) {
			i++; /* other control characters are not allowed in TEXT */
		} else {
			k = ics_seq_len(c);
			if (k > len - i)
				k = len - i;
			ics_unit(l, s + i, k);
			i += k;
		}
	}
}

static void ics_end(ics_line_t *l)
{
	fputs("\r\n", l->f);
	l->col = 0;
}

static void ics_plain(ics_line_t *l, const char *name, const char *value)
{
	ics_raw(l, name);
	ics_unit(l, ":", 1);
	ics_raw(l, value);
	ics_end(l);
}

int ics_text_line(FILE *f, const char *name, const char *value)
{
	ics_line_t l = {f, 0};

	ics_raw(&l, name);
	ics_unit(&l, ":", 1);
	ics_escaped(&l, value != NULL ? value : "");
	ics_end(&l);
	return ferror(f) ? -1 : 0;
}

/* The description of a meeting: organiser, agenda with outcomes, and
 * hand-overs, one per line (escaped as \n). */
static void ics_description(ics_line_t *l, const qt_meeting_t *m)
{
	char buf[256];

	ics_raw(l, "DESCRIPTION:");
	snprintf(buf, sizeof(buf), "Ämterübergreifende Kooperation (AGSP)\nStatus: %s\n",
	         qt_meeting_status_name(m->status));
	ics_escaped(l, buf);
	if (m->organiser_office_name != NULL) {
		ics_escaped(l, "Organisation: ");
		ics_escaped(l, m->organiser_office_name);
		ics_escaped(l, "\n");
	}
	if (m->n_agenda > 0)
		ics_escaped(l, "Tagesordnung:\n");
	for (size_t i = 0; i < m->n_agenda; i++) {
		const qt_agenda_entry_t *e = &m->agenda[i];

		snprintf(buf, sizeof(buf), "%u. ", e->position);
		ics_escaped(l, buf);
		ics_escaped(l, e->item_title != NULL ? e->item_title : "");
		snprintf(buf, sizeof(buf), " (%s", qt_agenda_origin_name(e->origin));
		ics_escaped(l, buf);
		if (e->origin_name != NULL) {
			ics_escaped(l, ": ");
			ics_escaped(l, e->origin_name);
		}
		if (e->requested_minutes > 0) {
			snprintf(buf, sizeof(buf), ", %u min", e->requested_minutes);
			ics_escaped(l, buf);
		}
		ics_escaped(l, ")");
		if (e->outcome != QT_OUTCOME_NONE) {
			ics_escaped(l, " – ");
			ics_escaped(l, qt_outcome_name(e->outcome));
			if (e->outcome_text != NULL) {
				ics_escaped(l, ": ");
				ics_escaped(l, e->outcome_text);
			}
		}
		ics_escaped(l, "\n");
	}
	for (size_t i = 0; i < m->n_handovers; i++) {
		const qt_handover_t *h = &m->handovers[i];

		ics_escaped(l, "Übergabe an ");
		ics_escaped(l, h->lead_office_name != NULL ? h->lead_office_name : "?");
		snprintf(buf, sizeof(buf), " bis %s (%s): ", h->due_date != NULL ? h->due_date : "?",
		         qt_handover_status_name(h->status));
		ics_escaped(l, buf);
		ics_escaped(l, h->item_title != NULL ? h->item_title : "");
		ics_escaped(l, "\n");
	}
	ics_end(l);
}

static void ics_event(ics_line_t *l, const qt_meeting_t *m, const char *stamp,
                      const char *uid_host)
{
	char buf[64], uid[320];

	ics_plain(l, "BEGIN", "VEVENT");
	snprintf(uid, sizeof(uid), "quartier-meeting-%lld@%s", (long long)m->id, uid_host);
	ics_plain(l, "UID", uid);
	ics_plain(l, "DTSTAMP", stamp);
	ics_plain(l, "DTSTART", ics_utc(buf, sizeof(buf), m->starts_at));
	if (m->ends_at != 0 && m->ends_at >= m->starts_at)
		ics_plain(l, "DTEND", ics_utc(buf, sizeof(buf), m->ends_at));
	if (m->updated_at != 0)
		ics_plain(l, "LAST-MODIFIED", ics_utc(buf, sizeof(buf), m->updated_at));
	snprintf(buf, sizeof(buf), "%lld", (long long)(m->version > 0 ? m->version - 1 : 0));
	ics_plain(l, "SEQUENCE", buf);
	ics_raw(l, "SUMMARY:");
	ics_escaped(l, m->title != NULL ? m->title : "");
	ics_end(l);
	if (m->place != NULL) {
		ics_raw(l, "LOCATION:");
		ics_escaped(l, m->place);
		ics_end(l);
	}
	ics_description(l, m);
	ics_plain(l, "CATEGORIES", "AGSP");
	/* A draft is a plan; from the published agenda on it takes place. */
	ics_plain(l, "STATUS", m->status == QT_MEETING_DRAFT ? "TENTATIVE" : "CONFIRMED");
	ics_plain(l, "END", "VEVENT");
}

int ics_write(FILE *f, const qt_meeting_t *meetings, size_t n, int64_t dtstamp,
              const char *uid_host)
{
	ics_line_t l = {f, 0};
	char stamp[32];

	ics_utc(stamp, sizeof(stamp), dtstamp);
	ics_plain(&l, "BEGIN", "VCALENDAR");
	ics_plain(&l, "VERSION", "2.0");
	ics_plain(&l, "PRODID", "-//Quartier//quartier-cli//DE");
	ics_plain(&l, "CALSCALE", "GREGORIAN");
	ics_plain(&l, "METHOD", "PUBLISH");
	for (size_t i = 0; i < n; i++)
		ics_event(&l, &meetings[i], stamp, uid_host != NULL ? uid_host : "quartier");
	ics_plain(&l, "END", "VCALENDAR");
	return ferror(f) ? -1 : 0;
}
