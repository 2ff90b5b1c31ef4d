/* RFC 4180 formatting of agendas and outcomes (see csv.h). */
#include "csv.h"

#include <string.h>
#include <time.h>

void csv_field(FILE *f, const char *s, int first)
{
	if (!first)
		fputc(',', f);
	int formula;

	if (s == NULL)
		return;
	/* A cell starting like a formula would be run by spreadsheet
	 * programs (CSV injection): such cells get a leading apostrophe, which
	 * spreadsheets show as text, and are quoted. */
	formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	          s[0] == '\r';
	if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void csv_end(FILE *f)
{
	fputs("\r\n", f);
}

/* ISO 8601 UTC "2026-03-10T09:00:00Z" of unix seconds t. */
static const char *csv_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
	return buf;
}

static const qt_handover_t *csv_handover(const qt_meeting_t *m, int64_t id)
{
	for (size_t i = 0; id != 0 && i < m->n_handovers; i++)
		if (m->handovers[i].id == id)
			return &m->handovers[i];
	return NULL;
}

int csv_write_agenda(FILE *f, const qt_meeting_t *meetings, size_t n)
{
	static const char *const header[] = {
		"meeting_id", "meeting_title", "meeting_start_utc", "meeting_status", "position",
		"item_id", "item_title", "origin", "origin_name", "requested_minutes", "outcome",
		"outcome_text", "handover_id", "handover_lead_office", "handover_due_date",
		"handover_status",
	};
	char num[6][24], when[32];

	for (size_t i = 0; i < sizeof(header) / sizeof(header[0]); i++)
		csv_field(f, header[i], i == 0);
	csv_end(f);
	for (size_t k = 0; k < n; k++) {
		const qt_meeting_t *m = &meetings[k];

		for (size_t i = 0; i < m->n_agenda; i++) {
			const qt_agenda_entry_t *e = &m->agenda[i];
			const qt_handover_t *h = csv_handover(m, e->handover_id);

			snprintf(num[0], sizeof(num[0]), "%lld", (long long)m->id);
			snprintf(num[1], sizeof(num[1]), "%u", e->position);
			snprintf(num[2], sizeof(num[2]), "%lld", (long long)e->item_id);
			snprintf(num[3], sizeof(num[3]), "%u", e->requested_minutes);
			snprintf(num[4], sizeof(num[4]), "%lld", (long long)e->handover_id);
			csv_field(f, num[0], 1);
			csv_field(f, m->title, 0);
			csv_field(f, csv_time(when, sizeof(when), m->starts_at), 0);
			csv_field(f, qt_meeting_status_name(m->status), 0);
			csv_field(f, num[1], 0);
			csv_field(f, num[2], 0);
			csv_field(f, e->item_title, 0);
			csv_field(f, qt_agenda_origin_name(e->origin), 0);
			csv_field(f, e->origin_name, 0);
			csv_field(f, e->requested_minutes > 0 ? num[3] : NULL, 0);
			csv_field(f, qt_outcome_name(e->outcome), 0);
			csv_field(f, e->outcome_text, 0);
			csv_field(f, e->handover_id != 0 ? num[4] : NULL, 0);
			csv_field(f, h != NULL ? h->lead_office_name : NULL, 0);
			csv_field(f, h != NULL ? h->due_date : NULL, 0);
			csv_field(f, h != NULL ? qt_handover_status_name(h->status) : NULL, 0);
			csv_end(f);
		}
	}
	return ferror(f) ? -1 : 0;
}
