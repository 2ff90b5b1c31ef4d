/* The annual report (Jahresbericht) as Markdown or HTML (see report.h).
 * The sections are written once against a small document writer with
 * two back ends, so that both formats always carry the same content and
 * every text goes through the same escaping. */
#include "report.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "label.h"

#define REPORT_CELL 256 /* bytes of a composed table cell */

/* ------------------------------------------------------------ document writer */

typedef struct doc {
	FILE *f;  /* borrowed */
	int html; /* 0: Markdown */
} doc_t;

/* Markdown: backslash-escapes ASCII punctuation that could start markup
 * anywhere.  In a block of its own (in_table 0) also what would make a
 * list, a quote, a heading underline or an ordered list at the start of a
 * line, and leading blanks are dropped (no accidental code blocks); line
 * breaks become hard breaks.  Inline (in_table: table cells, headings,
 * list items) no block can start, and a line break becomes <br>, since it
 * would end the row. */
static void md_text(FILE *f, const char *s, int in_table)
{
	int line_start = !in_table;

	for (const char *p = s != NULL ? s : ""; *p != '\0'; p++) {
		char c = *p;

		if (c == '\r')
			continue;
		if (c == '\n') {
			fputs(in_table ? "<br>" : "  \n", f);
			line_start = !in_table;
			continue;
		}
		if (line_start && (c == ' ' || c == '\t'))
			continue;
		if (line_start && (c == '-' || c == '+' || c == '>' || c == '=')) {
			fputc('\\', f);
		} else if (line_start && c >= '0' && c <= '9') {
			const char *q = p;

			while (*q >= '0' && *q <= '9')
				q++;
			fwrite(p, 1, (size_t)(q - p), f);
			if (*q == '.' || *q == ')')
				fputc('\\', f);
			p = q - 1;
			line_start = 0;
			continue;
		} else if (strchr("\\`*_[]<>|#~&!", c) != NULL) {
			fputc('\\', f);
		}
		fputc(c, f);
		line_start = 0;
	}
}

/* HTML: the five characters that matter in text and attribute values;
 * line breaks become <br> when br is set. */
static void html_text(FILE *f, const char *s, int br)
{
	for (const char *p = s != NULL ? s : ""; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\r':
			break;
		case '\n':
			fputs(br ? "<br>\n" : " ", f);
			break;
		default:
			fputc(*p, f);
			break;
		}
	}
}

static void doc_text(doc_t *d, const char *s)
{
	if (d->html)
		html_text(d->f, s, 1);
	else
		md_text(d->f, s, 0);
}

static void doc_heading(doc_t *d, int level, const char *text)
{
	if (d->html) {
		fprintf(d->f, "<h%d>", level);
		html_text(d->f, text, 0);
		fprintf(d->f, "</h%d>\n", level);
		return;
	}
	for (int i = 0; i < level; i++)
		fputc('#', d->f);
	fputc(' ', d->f);
	md_text(d->f, text, 1);
	fputs("\n\n", d->f);
}

static void doc_para(doc_t *d, const char *text)
{
	fputs(d->html ? "<p>" : "", d->f);
	doc_text(d, text);
	fputs(d->html ? "</p>\n" : "\n\n", d->f);
}

/* "**label:** text" as a paragraph of its own. */
static void doc_labelled(doc_t *d, const char *label, const char *text)
{
	if (d->html) {
		fputs("<p><strong>", d->f);
		html_text(d->f, label, 0);
		fputs(":</strong> ", d->f);
	} else {
		fputs("**", d->f);
		md_text(d->f, label, 1);
		fputs(":** ", d->f);
	}
	doc_text(d, text);
	fputs(d->html ? "</p>\n" : "\n\n", d->f);
}

static void doc_list_begin(doc_t *d)
{
	if (d->html)
		fputs("<ul>\n", d->f);
}

/* One list item "label: text" (label may be NULL). */
static void doc_item(doc_t *d, const char *label, const char *text)
{
	fputs(d->html ? "<li>" : "- ", d->f);
	if (label != NULL) {
		if (d->html) {
			fputs("<strong>", d->f);
			html_text(d->f, label, 0);
			fputs(":</strong> ", d->f);
		} else {
			fputs("**", d->f);
			md_text(d->f, label, 1);
			fputs(":** ", d->f);
		}
	}
	if (d->html)
		html_text(d->f, text != NULL ? text : "–", 1);
	else
		md_text(d->f, text != NULL ? text : "–", 1);
	fputs(d->html ? "</li>\n" : "\n", d->f);
}

static void doc_list_end(doc_t *d)
{
	fputs(d->html ? "</ul>\n" : "\n", d->f);
}

/* A table: headers (n, borrowed), align 'r' for right-aligned columns. */
static void doc_table_begin(doc_t *d, size_t n, const char *const *headers, const char *align)
{
	if (d->html) {
		fputs("<table>\n<thead><tr>", d->f);
		for (size_t i = 0; i < n; i++) {
			fputs(align[i] == 'r' ? "<th class=\"num\">" : "<th>", d->f);
			html_text(d->f, headers[i], 0);
			fputs("</th>", d->f);
		}
		fputs("</tr></thead>\n<tbody>\n", d->f);
		return;
	}
	fputc('|', d->f);
	for (size_t i = 0; i < n; i++) {
		fputc(' ', d->f);
		md_text(d->f, headers[i], 1);
		fputs(" |", d->f);
	}
	fputs("\n|", d->f);
	for (size_t i = 0; i < n; i++)
		fputs(align[i] == 'r' ? "---:|" : "---|", d->f);
	fputc('\n', d->f);
}

/* A row of n cells (NULL prints as a dash). */
static void doc_row(doc_t *d, size_t n, const char *const *cells, const char *align)
{
	fputs(d->html ? "<tr>" : "|", d->f);
	for (size_t i = 0; i < n; i++) {
		const char *c = cells[i] != NULL && cells[i][0] != '\0' ? cells[i] : "–";

		if (d->html) {
			fputs(align[i] == 'r' ? "<td class=\"num\">" : "<td>", d->f);
			html_text(d->f, c, 1);
			fputs("</td>", d->f);
		} else {
			fputc(' ', d->f);
			md_text(d->f, c, 1);
			fputs(" |", d->f);
		}
	}
	fputs(d->html ? "</tr>\n" : "\n", d->f);
}

static void doc_table_end(doc_t *d)
{
	fputs(d->html ? "</tbody>\n</table>\n" : "\n", d->f);
}

/* ------------------------------------------------------------ values */

/* "YYYY-MM-DD" of unix seconds in local time; "–" for 0. */
static const char *report_day(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "–");
	return buf;
}

/* "12.5 Personen", or NULL when there is no value. */
static const char *report_amount(char *buf, size_t len, const char *value, const char *unit)
{
	if (value == NULL || value[0] == '\0')
		return NULL;
	snprintf(buf, len, "%s %s", value, unit != NULL ? unit : "");
	return buf;
}

/* "Name, Name" of n names into buf (cut at len); NULL for none. */
static const char *report_join(char *buf, size_t len, char *const *names, size_t n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i > 0 ? ", " : "", names[i]);
	return n > 0 ? buf : NULL;
}

const qt_progress_value_t *report_latest_value(const qt_annual_report_t *r, int64_t goal_id,
                                               const qt_progress_update_t **update)
{
	const qt_progress_value_t *best = NULL;
	const qt_progress_update_t *best_u = NULL;

	for (size_t i = 0; i < r->n_updates; i++) {
		const qt_progress_update_t *u = &r->updates[i];

		if (u->state != QT_PROGRESS_APPROVED)
			continue;
		for (size_t k = 0; k < u->n_values; k++) {
			if (u->values[k].goal_id != goal_id)
				continue;
			/* ISO dates compare as text; a later end wins, ties by id. */
			if (best_u == NULL || strcmp(u->period_to, best_u->period_to) > 0 ||
			    (strcmp(u->period_to, best_u->period_to) == 0 && u->id > best_u->id)) {
				best = &u->values[k];
				best_u = u;
			}
		}
	}
	if (update != NULL)
		*update = best_u;
	return best;
}

/* The kind and the building blocks with their German names: in English
 * "token (German)", in German the German term alone. */
static const char *report_kind_text(qt_project_kind_t k)
{
	switch (k) {
	case QT_KIND_COMPREHENSIVE:
		return _("comprehensive (umfassende soziale Quartiersentwicklung)");
	case QT_KIND_FOCUSED:
		return _("focused (fokussiertes Projekt im Quartier)");
	case QT_KIND_UNSPECIFIED:
		break;
	}
	return "–";
}

static const char *report_block_text(qt_continuation_block_t b)
{
	switch (b) {
	case QT_BLOCK_CITY_OVERALL_RESPONSIBILITY:
		return _("city_overall_responsibility (Stadtverwaltung übernimmt die "
		         "Gesamtverantwortung)");
	case QT_BLOCK_STANDING_FACILITY:
		return _("standing_facility (soziale Regeleinrichtung (z. B. Stadtteilhaus))");
	case QT_BLOCK_ORGANISED_CIVIC_ENGAGEMENT:
		return _("organised_civic_engagement (organisiertes Engagement (z. B. Verein))");
	case QT_BLOCK_ESTABLISHED_NETWORK:
		return _("established_network (etabliertes Netzwerk mit Hauptamtlichen)");
	case QT_BLOCK_DISTRICT_HEAD:
		return _("district_head (Bezirksvorsteher*in)");
	case QT_BLOCK_CITY_SERVICES:
		return _("city_services (Dienste der Stadtverwaltung)");
	case QT_BLOCK_UNSPECIFIED:
		break;
	}
	return "–";
}

/* ------------------------------------------------------------ sections */

static void report_project(doc_t *d, const qt_annual_report_t *r)
{
	const qt_project_t *p = &r->project;
	char buf[2048], title[512], period[64];

	snprintf(title, sizeof(title), _("Annual report (Jahresbericht) %d: %s"), (int)r->year,
	         p->name != NULL ? p->name : "");
	doc_heading(d, 1, title);
	doc_list_begin(d);
	snprintf(buf, sizeof(buf), "%s (%lld)", p->name != NULL ? p->name : "", (long long)p->id);
	doc_item(d, _("Project"), buf);
	doc_item(d, _("Kind"), report_kind_text(p->kind));
	doc_item(d, _("Status"), label(LABEL_PROJECT_STATUS, qt_project_status_name(p->status)));
	doc_item(d, _("Districts"), p->district_names);
	doc_item(d, _("Quarters"),
	         report_join(buf, sizeof(buf), p->quarter_names, p->n_quarter_names));
	doc_item(d, _("Lead offices"),
	         report_join(buf, sizeof(buf), p->lead_office_names, p->n_lead_office_names));
	doc_item(d, _("Carrier (Träger)"), p->carrier_name);
	snprintf(period, sizeof(period), "%s – %s",
	         p->start_date != NULL ? p->start_date : C_("end date", "open"),
	         p->end_date != NULL ? p->end_date : C_("end date", "open"));
	doc_item(d, _("Term"), period);
	doc_list_end(d);
}

static void report_goals(doc_t *d, const qt_annual_report_t *r)
{
	const char *const headers[] = {
	    "#",      _("Goal"), _("Indicator"), _("Baseline"), _("Target"),
	    _("Due"), "",        _("Versions")};
	const char *align = "rllrrlrl";
	char latest_h[64], id[24], base[REPORT_CELL], target[REPORT_CELL], latest[REPORT_CELL],
	    versions[128], note[512];
	const char *head[8];
	int retired = 0;

	doc_heading(d, 2, _("Goals (Ziele)"));
	if (r->n_goals == 0) {
		doc_para(d, _("No goal of the project has an accepted version in this year."));
		return;
	}
	doc_para(d, _("The accepted version of each goal (the one that counts), with the latest "
	              "value reported in an approved update of the year."));
	memcpy(head, headers, sizeof(head));
	snprintf(latest_h, sizeof(latest_h), _("Latest value %d"), (int)r->year);
	head[6] = latest_h;
	doc_table_begin(d, 8, head, align);
	for (size_t i = 0; i < r->n_goals; i++) {
		const qt_goal_t *g = &r->goals[i];
		const qt_goal_version_t *v = g->has_accepted ? &g->accepted : &g->current;
		const qt_progress_update_t *u = NULL;
		const qt_progress_value_t *val = report_latest_value(r, g->id, &u);
		const char *cells[8];
		size_t o;

		snprintf(id, sizeof(id), "%lld", (long long)g->id);
		if (val != NULL)
			snprintf(latest, sizeof(latest), _("%s %s (to %s)"), val->actual_value,
			         val->unit != NULL ? val->unit : v->unit, u->period_to);
		o = (size_t)snprintf(versions, sizeof(versions), _("%lld of %lld"),
		                     (long long)v->version, (long long)g->version);
		if (g->current.state == QT_GOAL_PROPOSED && g->current.version > v->version &&
		    o < sizeof(versions))
			snprintf(versions + o, sizeof(versions) - o, _("; version %lld proposed"),
			         (long long)g->current.version);
		cells[0] = id;
		cells[1] = v->statement;
		cells[2] = v->indicator;
		cells[3] = report_amount(base, sizeof(base), v->baseline, v->unit);
		cells[4] = report_amount(target, sizeof(target), v->target_value, v->unit);
		cells[5] = v->due_date;
		cells[6] = val != NULL ? latest : NULL;
		cells[7] = versions;
		doc_row(d, 8, cells, align);
		retired |= g->retired;
	}
	doc_table_end(d);
	if (!retired)
		return;
	doc_list_begin(d);
	for (size_t i = 0; i < r->n_goals; i++) {
		const qt_goal_t *g = &r->goals[i];
		char day[32];

		if (!g->retired)
			continue;
		snprintf(note, sizeof(note), _("Goal %lld retired on %s: %s"), (long long)g->id,
		         report_day(day, sizeof(day), g->retired_at),
		         g->retire_reason != NULL ? g->retire_reason : "");
		doc_item(d, NULL, note);
	}
	doc_list_end(d);
}

static void report_update(doc_t *d, const qt_progress_update_t *u)
{
	const char *const headers[] = {_("Goal"), _("Indicator"), _("Actual"), _("Target"),
	                               _("Note")};
	const char *align = "rlrrl";
	char title[128], buf[1024], day1[32], day2[32], id[24], actual[REPORT_CELL],
	    target[REPORT_CELL];

	snprintf(title, sizeof(title), _("%s – %s (update %lld)"), u->period_from, u->period_to,
	         (long long)u->id);
	doc_heading(d, 3, title);
	snprintf(buf, sizeof(buf), _("submitted by %s on %s; approved by %s on %s"),
	         u->submitted_by_name != NULL ? u->submitted_by_name : _("the registry"),
	         report_day(day1, sizeof(day1), u->submitted_at),
	         u->reviewed_by_name != NULL ? u->reviewed_by_name : _("the registry"),
	         report_day(day2, sizeof(day2), u->reviewed_at));
	doc_para(d, buf);
	doc_para(d, u->narrative);
	if (u->events != NULL)
		doc_labelled(d, _("Events held (Veranstaltungen)"), u->events);
	if (u->participation != NULL)
		doc_labelled(d, _("Participation (Beteiligung)"), u->participation);
	if (u->topics != NULL)
		doc_labelled(d, _("Topics raised (Themen aus dem Quartier)"), u->topics);
	if (u->n_values > 0) {
		doc_table_begin(d, 5, headers, align);
		for (size_t i = 0; i < u->n_values; i++) {
			const qt_progress_value_t *v = &u->values[i];
			const char *cells[5];

			snprintf(id, sizeof(id), "%lld", (long long)v->goal_id);
			cells[0] = id;
			cells[1] = v->indicator;
			cells[2] = report_amount(actual, sizeof(actual), v->actual_value, v->unit);
			cells[3] = report_amount(target, sizeof(target), v->target_value, v->unit);
			cells[4] = v->note;
			doc_row(d, 5, cells, align);
		}
		doc_table_end(d);
	}
	/* Returns before the approval are part of the record. */
	for (size_t i = 0; i < u->n_history; i++) {
		const qt_progress_event_t *e = &u->history[i];

		if (e->action != QT_PROGRESS_ACTION_RETURN)
			continue;
		snprintf(buf, sizeof(buf), _("Returned on %s by %s: %s"),
		         report_day(day1, sizeof(day1), e->at),
		         e->account_name != NULL ? e->account_name : _("the registry"),
		         e->comment != NULL ? e->comment : "");
		doc_labelled(d, _("Review"), buf);
	}
}

static void report_updates(doc_t *d, const qt_annual_report_t *r)
{
	doc_heading(d, 2, _("Progress updates (Sachstandsberichte)"));
	if (r->n_updates == 0) {
		doc_para(d, _("No approved progress update covers this year."));
		return;
	}
	for (size_t i = 0; i < r->n_updates; i++)
		report_update(d, &r->updates[i]);
}

static void report_funds(doc_t *d, const qt_annual_report_t *r)
{
	const char *const headers[] = {_("Fund"), _("Area"),    _("Allocated"), _("Committed"),
	                               _("Paid"), _("Balance"), _("Available")};
	const char *align = "rlrrrrr";
	char title[96], id[24], area[512], e[5][32];
	int64_t sum[5] = {0, 0, 0, 0, 0};

	snprintf(title, sizeof(title), _("Quarter fund (Quartiersfonds) %d"), (int)r->year);
	doc_heading(d, 2, title);
	if (r->n_funds == 0) {
		doc_para(d, _("The project has no quarter fund in this year."));
		return;
	}
	doc_para(d, _("Amounts in EUR.  Paid is payouts minus refunds; balance is allocated minus "
	              "paid; available is allocated minus committed."));
	doc_table_begin(d, 7, headers, align);
	for (size_t i = 0; i < r->n_funds; i++) {
		const qt_fund_t *f = &r->funds[i];
		int64_t fig[5] = {f->allocated_cents, f->committed_cents, f->paid_cents,
		                  f->balance_cents, f->available_cents};
		const char *cells[7];

		snprintf(id, sizeof(id), "%lld", (long long)f->id);
		if (f->quarter_id != 0)
			snprintf(area, sizeof(area), "%s",
			         f->quarter_name != NULL ? f->quarter_name : _("quarter"));
		else
			snprintf(area, sizeof(area), "%s", _("whole project"));
		cells[0] = id;
		cells[1] = area;
		for (int k = 0; k < 5; k++) {
			sum[k] += fig[k];
			cells[2 + k] = qt_euro_format(e[k], sizeof(e[k]), fig[k]);
		}
		doc_row(d, 7, cells, align);
	}
	if (r->n_funds > 1) {
		const char *cells[7] = {NULL, _("total")};

		for (int k = 0; k < 5; k++)
			cells[2 + k] = qt_euro_format(e[k], sizeof(e[k]), sum[k]);
		doc_row(d, 7, cells, align);
	}
	doc_table_end(d);
}

static void report_continuation(doc_t *d, const qt_annual_report_t *r)
{
	const char *const headers[] = {_("Building block (Baustein)"), _("Responsible"), _("Tasks"),
	                               _("Resources")};
	const char *align = "llll";
	const qt_continuation_t *c = &r->continuation;
	char buf[512], day[32];

	doc_heading(d, 2, _("Continuation (Verstetigung)"));
	if (c->version == 0) {
		doc_para(d, _("No continuation plan has been recorded yet."));
		return;
	}
	doc_list_begin(d);
	snprintf(buf, sizeof(buf), _("%s, version %lld, last set on %s"),
	         c->status == QT_CONTINUATION_AGREED ? _("agreed (vereinbart)")
	                                             : _("proposed (vorgeschlagen)"),
	         (long long)c->version, report_day(day, sizeof(day), c->updated_at));
	doc_item(d, _("Status"), buf);
	doc_item(d, _("Current funding ends"),
	         c->funding_ends_on != NULL ? c->funding_ends_on : _("not known"));
	doc_list_end(d);
	if (c->summary != NULL)
		doc_para(d, c->summary);
	if (c->n_blocks == 0) {
		doc_para(d, _("The plan names no building block yet."));
		return;
	}
	doc_table_begin(d, 4, headers, align);
	for (size_t i = 0; i < c->n_blocks; i++) {
		const qt_block_plan_t *b = &c->blocks[i];
		const char *cells[4];

		cells[0] = report_block_text(b->block);
		cells[1] = b->responsible;
		cells[2] = b->tasks;
		cells[3] = b->resources;
		doc_row(d, 4, cells, align);
	}
	doc_table_end(d);
}

static void report_body(doc_t *d, const qt_annual_report_t *r)
{
	char day[32], buf[128];

	report_project(d, r);
	report_goals(d, r);
	report_updates(d, r);
	report_funds(d, r);
	report_continuation(d, r);
	snprintf(buf, sizeof(buf), _("Generated from the Quartier registry on %s."),
	         report_day(day, sizeof(day), r->generated_at));
	if (d->html) {
		fputs("<footer>", d->f);
		html_text(d->f, buf, 0);
		fputs("</footer>\n", d->f);
	} else {
		fputs("---\n\n", d->f);
		doc_para(d, buf);
	}
}

/* ------------------------------------------------------------ entry points */

int report_markdown(FILE *f, const qt_annual_report_t *r)
{
	doc_t d = {f, 0};

	report_body(&d, r);
	return ferror(f) ? -1 : 0;
}

int report_html(FILE *f, const qt_annual_report_t *r)
{
	doc_t d = {f, 1};
	char title[512];

	snprintf(title, sizeof(title), _("Jahresbericht %d – %s"), (int)r->year,
	         r->project.name != NULL ? r->project.name : "");
	fputs("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	html_text(f, title, 0);
	fputs(
	    "</title>\n<style>\n"
	    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
	    "padding:0 1rem;line-height:1.45;color:#222}\n"
	    "table{border-collapse:collapse;margin:0 0 1.2rem;width:100%}\n"
	    "th,td{border:1px solid #bbb;padding:.3rem .5rem;vertical-align:top;text-align:left}\n"
	    "th{background:#eee}\n.num{text-align:right;white-space:nowrap}\n"
	    "h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}\n"
	    "footer{margin-top:2rem;color:#666;font-size:.9rem}\n"
	    "</style>\n</head>\n<body>\n",
	    f);
	report_body(&d, r);
	fputs("</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}
