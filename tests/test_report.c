/* Unit tests of the annual report formatter (client/cli/report.c): every
 * section with the right pieces, Markdown and HTML escaping of texts from
 * the registry, a self-contained HTML page, and the latest value of a
 * goal among the approved updates. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define S(x) ((char *)(x))

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

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* A report with everything: two goals (one with a pending proposal), two
 * approved updates (the later one with a newer value), one of them
 * returned once before, two funds and an agreed plan with a block.  The
 * texts carry markup that must be escaped. */
typedef struct fixture {
	qt_annual_report_t r;
	qt_goal_t goals[2];
	qt_progress_update_t updates[2];
	qt_progress_value_t values0[2], values1[1];
	qt_progress_event_t history1[4];
	qt_fund_t funds[2];
	qt_block_plan_t blocks[1];
	char *quarters[2], *offices[1];
} fixture_t;

static void fixture_init(fixture_t *x)
{
	qt_annual_report_t *r = &x->r;
	qt_goal_t *g;
	qt_progress_update_t *u;

	memset(x, 0, sizeof(*x));
	r->year = 2026;
	r->generated_at = 1767225600; /* 2026-01-01 */
	r->project.id = 1;
	r->project.name = S("KUGEL <Süd> & Co");
	r->project.kind = QT_KIND_COMPREHENSIVE;
	r->project.status = QT_PSTATUS_RUNNING;
	r->project.district_names = S("Süd");
	x->quarters[0] = S("Heslach");
	x->quarters[1] = S("Bopser");
	r->project.quarter_names = x->quarters;
	r->project.n_quarter_names = 2;
	x->offices[0] = S("Sozialamt");
	r->project.lead_office_names = x->offices;
	r->project.n_lead_office_names = 1;
	r->project.start_date = S("2019-10-01");

	g = &x->goals[0];
	g->id = 11;
	g->project_id = 1;
	g->version = 3;
	g->has_accepted = 1;
	g->accepted.goal_id = 11;
	g->accepted.version = 2;
	g->accepted.state = QT_GOAL_ACCEPTED;
	g->accepted.statement = S("Mehr *Nachbarschaft* | weniger <Einsamkeit>");
	g->accepted.indicator = S("Teilnehmende am Mittagstisch");
	g->accepted.baseline = S("12");
	g->accepted.target_value = S("40");
	g->accepted.unit = S("Personen");
	g->accepted.due_date = S("2026-12-31");
	g->current = g->accepted;
	g->current.version = 3;
	g->current.state = QT_GOAL_PROPOSED;
	g->current.target_value = S("45");

	g = &x->goals[1];
	g->id = 12;
	g->version = 1;
	g->has_accepted = 1;
	g->accepted.goal_id = 12;
	g->accepted.version = 1;
	g->accepted.state = QT_GOAL_ACCEPTED;
	g->accepted.statement = S("Stadtteilforum etablieren");
	g->accepted.indicator = S("Foren");
	g->accepted.target_value = S("4");
	g->accepted.unit = S("Veranstaltungen");
	g->accepted.due_date = S("2026-12-31");
	g->current = g->accepted;
	g->retired = 1;
	g->retired_at = 1767225600;
	g->retire_reason = S("in Ziel 11 aufgegangen");
	r->goals = x->goals;
	r->n_goals = 2;

	u = &x->updates[0];
	u->id = 21;
	u->state = QT_PROGRESS_APPROVED;
	u->period_from = S("2026-01-01");
	u->period_to = S("2026-03-31");
	u->narrative = S("- kein Listenpunkt\n1. keine Aufzählung\n# keine Überschrift");
	u->events = S("Frühlingsfest");
	u->submitted_by_name = S("Quartierskoordination KUGEL");
	u->reviewed_by_name = S("Sozialamt");
	x->values0[0].goal_id = 11;
	x->values0[0].actual_value = S("17.25");
	x->values0[0].unit = S("Personen");
	x->values0[0].indicator = S("Teilnehmende am Mittagstisch");
	x->values0[0].target_value = S("40");
	x->values0[1].goal_id = 12;
	x->values0[1].actual_value = S("1");
	x->values0[1].unit = S("Veranstaltungen");
	u->values = x->values0;
	u->n_values = 2;

	u = &x->updates[1];
	u->id = 22;
	u->state = QT_PROGRESS_APPROVED;
	u->period_from = S("2026-04-01");
	u->period_to = S("2026-06-30");
	u->narrative = S("<script>alert('x')</script> \"zitiert\"");
	u->topics = S("Hitze im Sommer");
	x->values1[0].goal_id = 11;
	x->values1[0].actual_value = S("23");
	x->values1[0].unit = S("Personen");
	x->values1[0].note = S("zwei neue Gruppen");
	u->values = x->values1;
	u->n_values = 1;
	x->history1[0].action = QT_PROGRESS_ACTION_SUBMIT;
	x->history1[1].action = QT_PROGRESS_ACTION_RETURN;
	x->history1[1].account_name = S("Sozialamt");
	x->history1[1].comment = S("Bitte die Teilnehmendenzahl belegen");
	x->history1[2].action = QT_PROGRESS_ACTION_REVISE;
	x->history1[3].action = QT_PROGRESS_ACTION_APPROVE;
	u->history = x->history1;
	u->n_history = 4;
	r->updates = x->updates;
	r->n_updates = 2;

	x->funds[0].id = 1;
	x->funds[0].year = 2026;
	x->funds[0].allocated_cents = 1500000;
	x->funds[0].committed_cents = 192000;
	x->funds[0].paid_cents = 105000;
	x->funds[0].balance_cents = 1395000;
	x->funds[0].available_cents = 1308000;
	x->funds[1].id = 2;
	x->funds[1].quarter_id = 402;
	x->funds[1].quarter_name = S("Heslach");
	x->funds[1].allocated_cents = 50;
	x->funds[1].balance_cents = 50;
	x->funds[1].available_cents = 50;
	r->funds = x->funds;
	r->n_funds = 2;

	r->continuation.version = 3;
	r->continuation.status = QT_CONTINUATION_AGREED;
	r->continuation.funding_ends_on = S("2027-12-31");
	r->continuation.summary = S("Ein Stadtteilverein übernimmt den Treff.");
	x->blocks[0].block = QT_BLOCK_ORGANISED_CIVIC_ENGAGEMENT;
	x->blocks[0].responsible = S("Bürgerverein Heslach");
	x->blocks[0].tasks = S("Mittagstisch weiterführen");
	r->continuation.blocks = x->blocks;
	r->continuation.n_blocks = 1;
}

Test(report, markdown_has_every_section_with_the_right_pieces)
{
	fixture_t x;
	capture_t c;
	char *md;

	fixture_init(&x);
	cap_open(&c);
	cr_assert_eq(report_markdown(c.f, &x.r), 0);
	md = cap_close(&c);
	cr_expect(strstr(md, "# Annual report (Jahresbericht) 2026: KUGEL \\<Süd\\> \\& Co\n") ==
	              md,
	          "title first:\n%s", md);
	cr_expect(strstr(md, "## Goals (Ziele)") != NULL);
	cr_expect(strstr(md, "## Progress updates (Sachstandsberichte)") != NULL);
	cr_expect(strstr(md, "## Quarter fund (Quartiersfonds) 2026") != NULL);
	cr_expect(strstr(md, "## Continuation (Verstetigung)") != NULL);
	/* Goals: the accepted version counts, the proposal is named. */
	cr_expect(strstr(md, "| 11 | Mehr \\*Nachbarschaft\\* \\| weniger \\<Einsamkeit\\> |") !=
	              NULL,
	          "%s", md);
	cr_expect(strstr(md, "| 12 Personen | 40 Personen | 2026-12-31 |") != NULL, "%s", md);
	cr_expect(strstr(md, "23 Personen (to 2026-06-30)") != NULL, "latest value of the year");
	cr_expect(strstr(md, "2 of 3; version 3 proposed") != NULL);
	cr_expect(strstr(md, "45 Personen") == NULL, "the proposal's target is not reported");
	cr_expect(strstr(md, "Goal 12 retired on") != NULL);
	/* Updates, with values and the return before approval. */
	cr_expect(strstr(md, "### 2026-01-01 – 2026-03-31 (update 21)") != NULL);
	cr_expect(strstr(md, "**Events held (Veranstaltungen):** Frühlingsfest") != NULL);
	cr_expect(strstr(md, "**Topics raised (Themen aus dem Quartier):** Hitze im Sommer") !=
	          NULL);
	cr_expect(strstr(md, "| 11 | – | 23 Personen | – | zwei neue Gruppen |") != NULL, "%s", md);
	cr_expect(strstr(md, "Bitte die Teilnehmendenzahl belegen") != NULL);
	cr_expect(strstr(md, "approved by Sozialamt") != NULL);
	/* Funds in euros, with a total over both. */
	cr_expect(strstr(md, "| 1 | whole project | 15000.00 | 1920.00 | 1050.00 | 13950.00 | "
	                     "13080.00 |") != NULL,
	          "%s", md);
	cr_expect(strstr(md, "| – | total | 15000.50 |") != NULL, "%s", md);
	/* Continuation. */
	cr_expect(strstr(md, "agreed (vereinbart), version 3") != NULL);
	cr_expect(strstr(md, "organised\\_civic\\_engagement (organisiertes Engagement (z. B. "
	                     "Verein))") != NULL,
	          "%s", md);
	cr_expect(strstr(md, "Bürgerverein Heslach") != NULL);
	free(md);
}

Test(report, markdown_escapes_markup_from_the_registry)
{
	fixture_t x;
	capture_t c;
	char *md;

	fixture_init(&x);
	cap_open(&c);
	cr_assert_eq(report_markdown(c.f, &x.r), 0);
	md = cap_close(&c);
	/* Line starts that would make a list, an ordered list or a heading. */
	cr_expect(
	    strstr(md,
	           "\\- kein Listenpunkt  \n1\\. keine Aufzählung  \n\\# keine Überschrift\n") !=
	        NULL,
	    "%s", md);
	cr_expect(strstr(md, "\\<script\\>alert('x')\\</script\\>") != NULL, "%s", md);
	cr_expect(strstr(md, "<script>") == NULL, "no raw HTML from the registry");
	cr_expect(strstr(md, "*Nachbarschaft*") == NULL ||
	          strstr(md, "\\*Nachbarschaft\\*") != NULL);
	free(md);
}

Test(report, html_is_one_self_contained_escaped_page)
{
	fixture_t x;
	capture_t c;
	char *html;

	fixture_init(&x);
	cap_open(&c);
	cr_assert_eq(report_html(c.f, &x.r), 0);
	html = cap_close(&c);
	cr_expect(strncmp(html, "<!DOCTYPE html>\n<html lang=\"de\">", 31) == 0);
	cr_expect(strstr(html, "<meta charset=\"utf-8\">") != NULL);
	cr_expect(strstr(html, "<title>Jahresbericht 2026 – KUGEL &lt;Süd&gt; &amp; Co</title>") !=
	              NULL,
	          "%s", html);
	cr_expect(strstr(html, "</html>\n") != NULL);
	/* Nothing from elsewhere, nothing executable. */
	cr_expect(strstr(html, "http:") == NULL && strstr(html, "https:") == NULL);
	cr_expect(strstr(html, "<script") == NULL && strstr(html, "<link") == NULL &&
	          strstr(html, "<img") == NULL);
	cr_expect(
	    strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;zitiert&quot;") !=
	        NULL,
	    "%s", html);
	cr_expect(strstr(html, "Mehr *Nachbarschaft* | weniger &lt;Einsamkeit&gt;") != NULL);
	/* Every section, tables balanced. */
	cr_expect_eq(count(html, "<h1>"), 1);
	cr_expect_eq(count(html, "<h2>"), 4);
	cr_expect_eq(count(html, "<h3>"), 2);
	cr_expect_eq(count(html, "<table>"), count(html, "</table>"));
	cr_expect_eq(count(html, "<table>"), 5, "goals, two value tables, funds, blocks");
	cr_expect_eq(count(html, "<ul>"), count(html, "</ul>"));
	cr_expect_eq(count(html, "<p>"), count(html, "</p>"));
	cr_expect(strstr(html, "<td class=\"num\">23 Personen (to 2026-06-30)</td>") != NULL);
	cr_expect(strstr(html, "- kein Listenpunkt<br>\n1. keine Aufzählung") != NULL);
	free(html);
}

Test(report, an_empty_year_says_so_in_every_section)
{
	qt_annual_report_t r;
	capture_t c;
	char *md;

	memset(&r, 0, sizeof(r));
	r.year = 2030;
	r.project.id = 5;
	r.project.name = S("Neu");
	cap_open(&c);
	cr_assert_eq(report_markdown(c.f, &r), 0);
	md = cap_close(&c);
	cr_expect(strstr(md, "No goal of the project has an accepted version in this year.") !=
	          NULL);
	cr_expect(strstr(md, "No approved progress update covers this year.") != NULL);
	cr_expect(strstr(md, "The project has no quarter fund in this year.") != NULL);
	cr_expect(strstr(md, "No continuation plan has been recorded yet.") != NULL);
	cr_expect(strstr(md, "| --- |") == NULL && strstr(md, "|---|") == NULL, "no empty tables");
	free(md);
	cap_open(&c);
	cr_assert_eq(report_html(c.f, &r), 0);
	md = cap_close(&c);
	cr_expect(strstr(md, "<table>") == NULL);
	free(md);
}

Test(report, latest_value_is_the_one_of_the_latest_period)
{
	fixture_t x;
	const qt_progress_update_t *u = NULL;
	const qt_progress_value_t *v;

	fixture_init(&x);
	v = report_latest_value(&x.r, 11, &u);
	cr_assert_not_null(v);
	cr_expect_str_eq(v->actual_value, "23");
	cr_expect_eq(u->id, 22);
	v = report_latest_value(&x.r, 12, &u);
	cr_assert_not_null(v);
	cr_expect_str_eq(v->actual_value, "1");
	cr_expect_eq(u->id, 21);
	cr_expect_null(report_latest_value(&x.r, 99, NULL));
	/* Only approved updates count. */
	x.updates[1].state = QT_PROGRESS_RETURNED;
	v = report_latest_value(&x.r, 11, NULL);
	cr_assert_not_null(v);
	cr_expect_str_eq(v->actual_value, "17.25");
}
