/* Integration tests of the coordinators' updates (Zielsteuerung) through
 * libquartier against a real quartierd and PostgreSQL: goal versions kept
 * across changes, proposals and their acceptance, progress updates
 * submitted, returned with a comment, revised and approved, nobody
 * reviewing their own update (in the server and in SQL), permissions (a
 * refused request changes nothing, not even the audit table), bad input
 * naming the field with nothing stored, and the annual report. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

TestSuite(goal, .fini = harness_fini, .timeout = 240);

/* ------------------------------------------------------------ helpers */

static const char *err_field(qt_client_t *c)
{
	const char *f = qt_client_last_error(c)->field;

	return f != NULL ? f : "(none)";
}

static const char *err_msg(qt_client_t *c)
{
	const char *m = qt_client_last_error(c)->message;

	return m != NULL ? m : "(none)";
}

static int64_t count_rows(const char *table)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return harness_sql_int(&H, sql, 0, NULL, NULL, NULL);
}

/* Row counts of every table a refused request must leave alone, and a
 * checksum of the mutable columns. */
typedef struct snapshot {
	int64_t audit, goal, version, update, value, event, sum;
} snapshot_t;

static snapshot_t snap(void)
{
	snapshot_t s = {count_rows("audit"),
	                count_rows("goal"),
	                count_rows("goal_version"),
	                count_rows("progress_update"),
	                count_rows("progress_value"),
	                count_rows("progress_update_event"),
	                0};

	s.sum =
	    harness_sql_int(&H,
	                    "SELECT coalesce(sum(version), 0) + (SELECT coalesce(sum(version), 0) "
	                    "FROM progress_update) + (SELECT count(*) FROM goal_version "
	                    "WHERE state = 'accepted') + (SELECT count(*) FROM goal WHERE "
	                    "retired_at IS NOT NULL) FROM goal",
	                    0, NULL, NULL, NULL);
	return s;
}

static void expect_unchanged(const snapshot_t *before, const char *what)
{
	snapshot_t now = snap();

	cr_expect_eq(now.audit, before->audit, "%s: audit rows %lld -> %lld", what,
	             (long long)before->audit, (long long)now.audit);
	cr_expect_eq(now.goal, before->goal, "%s: goals changed", what);
	cr_expect_eq(now.version, before->version, "%s: goal versions changed", what);
	cr_expect_eq(now.update, before->update, "%s: updates changed", what);
	cr_expect_eq(now.value, before->value, "%s: values changed", what);
	cr_expect_eq(now.event, before->event, "%s: update events changed", what);
	cr_expect_eq(now.sum, before->sum, "%s: versions or states changed", what);
}

/* A project in Heslach led by office with coordinator (0: none). */
static int64_t project(qt_client_t *c, const char *name, int64_t office, int64_t coordinator)
{
	int64_t quarters[1] = {H.seed.quarter_heslach};
	int64_t offices[1] = {office};
	int64_t coords[1] = {coordinator};
	qt_project_new_t in;
	qt_project_t p;
	qt_status_t st;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.kind = QT_KIND_COMPREHENSIVE;
	in.quarter_ids = quarters;
	in.n_quarter_ids = 1;
	in.lead_office_ids = offices;
	in.n_lead_office_ids = 1;
	in.coordinator_ids = coords;
	in.n_coordinator_ids = coordinator != 0 ? 1 : 0;
	memset(&p, 0, sizeof(p));
	st = qt_project_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "project %s: %s: %s", name, qt_status_name(st), err_msg(c));
	id = p.id;
	qt_project_clear(&p);
	return id;
}

/* The usual cast: the KUGEL project led by the social office with one
 * coordinator, another project with another office and coordinator. */
typedef struct cast {
	qt_client_t *admin, *office, *other_office, *coord, *other_coord, *viewer;
	int64_t office_acct, coord_acct, other_coord_acct;
	int64_t proj, other_proj;
} cast_t;

static void cast_begin(cast_t *k)
{
	memset(k, 0, sizeof(*k));
	harness_standard(&H, NULL);
	k->office_acct =
	    harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "planung", "office", H.seed.office_planning, 0, HARNESS_PASSWORD);
	k->coord_acct = harness_account(&H, "koordination", "coordinator", 0, H.seed.org_caritas,
	                                HARNESS_PASSWORD);
	k->other_coord_acct = harness_account(&H, "koordination2", "coordinator", 0,
	                                      H.seed.org_initiative, HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	k->admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	k->proj = project(k->admin, "KUGEL", H.seed.office_social, k->coord_acct);
	k->other_proj = project(k->admin, "Anderes", H.seed.office_planning, k->other_coord_acct);
	k->office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	k->other_office = harness_login(&H, "planung", HARNESS_PASSWORD);
	k->coord = harness_login(&H, "koordination", HARNESS_PASSWORD);
	k->other_coord = harness_login(&H, "koordination2", HARNESS_PASSWORD);
	k->viewer = harness_login(&H, "leser", HARNESS_PASSWORD);
}

static void cast_end(cast_t *k)
{
	qt_client_free(k->viewer);
	qt_client_free(k->other_coord);
	qt_client_free(k->coord);
	qt_client_free(k->other_office);
	qt_client_free(k->office);
	qt_client_free(k->admin);
	harness_finish(&H);
}

static qt_goal_new_t goal_in(int64_t proj, int propose, const char *statement, const char *target)
{
	qt_goal_new_t in;

	memset(&in, 0, sizeof(in));
	in.project_id = proj;
	in.statement = statement;
	in.indicator = "Teilnehmende am offenen Mittagstisch";
	in.baseline = "12";
	in.target_value = target;
	in.unit = "Personen";
	in.due_date = "2027-12-31";
	in.note = "in der Projektbegleitgruppe besprochen";
	in.propose = propose;
	return in;
}

/* Creates a goal and returns its id. */
static int64_t goal_ok(qt_client_t *c, int64_t proj, int propose, const char *target)
{
	qt_goal_new_t in = goal_in(proj, propose, "Mehr Begegnung im Quartier", target);
	qt_goal_t g;
	qt_status_t st = qt_goal_create(c, &in, &g);
	int64_t id;

	cr_assert_eq(st, QT_OK, "goal create: %s: %s (field %s)", qt_status_name(st), err_msg(c),
	             err_field(c));
	cr_assert_eq(g.version, 1);
	cr_assert_eq(g.current.state, propose ? QT_GOAL_PROPOSED : QT_GOAL_ACCEPTED);
	cr_assert_eq(g.has_accepted, !propose);
	cr_assert_str_eq(g.current.target_value, target);
	id = g.id;
	qt_goal_clear(&g);
	return id;
}

static qt_goal_t goal_get(qt_client_t *c, int64_t id)
{
	qt_goal_t g;
	qt_status_t st = qt_goal_get(c, id, &g);

	cr_assert_eq(st, QT_OK, "goal get %lld: %s: %s", (long long)id, qt_status_name(st),
	             err_msg(c));
	return g;
}

/* A change of the target (and nothing else) on top of version expected. */
static qt_status_t goal_retarget(qt_client_t *c, int64_t id, int64_t expected, const char *target,
                                 int propose, qt_goal_t *out)
{
	qt_goal_patch_t in;
	qt_goal_t g;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	in.id = id;
	in.expected_version = expected;
	in.target_value = target;
	in.note = "nach einem Jahr angepasst";
	in.propose = propose;
	st = qt_goal_change(c, &in, out != NULL ? out : &g);
	if (st == QT_OK && out == NULL)
		qt_goal_clear(&g);
	return st;
}

static void expect_refused(qt_client_t *c, qt_status_t st, qt_status_t want, const char *field,
                           const char *what)
{
	cr_expect_eq(st, want, "%s: got %s (%s), expected %s", what, qt_status_name(st), err_msg(c),
	             qt_status_name(want));
	if (field != NULL)
		cr_expect(harness_field_is(qt_client_last_error(c)->field, field),
		          "%s: field %s, expected %s", what, err_field(c), field);
	cr_expect(strlen(err_msg(c)) > 10, "%s: a reason is given (%s)", what, err_msg(c));
}

/* An update of the first quarter of year with one value (goal 0: none). */
static qt_status_t submit(qt_client_t *c, int64_t proj, const char *from, const char *to,
                          int64_t goal, const char *value, qt_progress_update_t *out)
{
	qt_progress_value_new_t v[1] = {{goal, value, "gezählt an drei Terminen"}};
	qt_progress_new_t in;
	qt_progress_update_t u;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	in.project_id = proj;
	in.period_from = from;
	in.period_to = to;
	in.narrative = "Der Mittagstisch läuft; zwei neue Ehrenamtliche.";
	in.events = "Frühlingsfest, zwei Stadtteilspaziergänge";
	in.participation = "rund 60 Menschen, davon 20 erstmals";
	in.topics = "Hitze in den Dachwohnungen";
	in.values = v;
	in.n_values = goal != 0 ? 1 : 0;
	st = qt_progress_submit(c, &in, out != NULL ? out : &u);
	if (st == QT_OK && out == NULL)
		qt_progress_update_clear(&u);
	return st;
}

static int64_t submit_ok(qt_client_t *c, int64_t proj, const char *from, const char *to,
                         int64_t goal, const char *value)
{
	qt_progress_update_t u;
	qt_status_t st = submit(c, proj, from, to, goal, value, &u);
	int64_t id;

	cr_assert_eq(st, QT_OK, "submit: %s: %s (field %s)", qt_status_name(st), err_msg(c),
	             err_field(c));
	cr_assert_eq(u.state, QT_PROGRESS_SUBMITTED);
	cr_assert_eq(u.version, 1);
	id = u.id;
	qt_progress_update_clear(&u);
	return id;
}

static qt_status_t review(qt_client_t *c, int64_t id, int64_t expected, qt_review_decision_t d,
                          const char *comment, qt_progress_update_t *out)
{
	qt_progress_update_t u;
	qt_status_t st = qt_progress_review(c, id, expected, d, comment, out != NULL ? out : &u);

	if (st == QT_OK && out == NULL)
		qt_progress_update_clear(&u);
	return st;
}

static qt_progress_update_t update_get(qt_client_t *c, int64_t id)
{
	qt_progress_update_t u;
	qt_status_t st = qt_progress_get(c, id, &u);

	cr_assert_eq(st, QT_OK, "update get %lld: %s: %s", (long long)id, qt_status_name(st),
	             err_msg(c));
	return u;
}

static int this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;

	cr_assert_not_null(localtime_r(&now, &tm));
	return tm.tm_year + 1900;
}

/* ------------------------------------------------------------ goals */

Test(goal, history_is_kept_across_changes)
{
	cast_t k;
	int64_t g;
	qt_goal_t x;
	qt_goal_patch_t p;
	snapshot_t before;
	PGconn *pg;
	static const char *const statements[] = {
	    "UPDATE goal_version SET target_value = 1",
	    "UPDATE goal_version SET statement = 'anders' WHERE version = 1",
	    "DELETE FROM goal_version",
	    "DELETE FROM goal",
	    "TRUNCATE goal_version CASCADE",
	};

	cast_begin(&k);
	g = goal_ok(k.office, k.proj, 0, "40");
	cr_assert_eq(goal_retarget(k.office, g, 1, "45.5", 0, NULL), QT_OK, "%s",
	             err_msg(k.office));
	memset(&p, 0, sizeof(p));
	p.id = g;
	p.expected_version = 2;
	p.baseline = ""; /* clears */
	p.due_date = "2028-06-30";
	p.note = "Laufzeit verlängert";
	cr_assert_eq(qt_goal_change(k.admin, &p, &x), QT_OK, "%s", err_msg(k.admin));
	cr_expect_eq(x.version, 3);
	cr_expect_null(x.current.baseline, "baseline cleared");
	cr_expect_str_eq(x.current.target_value, "45.5", "kept from version 2");
	cr_expect_str_eq(x.current.due_date, "2028-06-30");
	qt_goal_clear(&x);

	x = goal_get(k.viewer, g);
	cr_assert_eq(x.n_history, 3, "every version is kept");
	cr_expect_str_eq(x.history[0].target_value, "40");
	cr_expect_str_eq(x.history[0].baseline, "12");
	cr_expect_str_eq(x.history[0].due_date, "2027-12-31");
	cr_expect_str_eq(x.history[1].target_value, "45.5");
	cr_expect_str_eq(x.history[1].note, "nach einem Jahr angepasst");
	cr_expect_eq(x.history[1].proposed_by, k.office_acct);
	cr_expect_eq(x.history[2].proposed_by, H.admin_id);
	for (size_t i = 0; i < 3; i++) {
		cr_expect_eq(x.history[i].version, (int64_t)i + 1);
		cr_expect_eq(x.history[i].state, QT_GOAL_ACCEPTED, "set directly: accepted");
	}
	cr_expect(x.has_accepted && x.accepted.version == 3, "the newest accepted counts");
	cr_expect_eq(x.current.version, 3);
	qt_goal_clear(&x);
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM audit WHERE entity = 'goal'", 0,
	                             NULL, NULL, NULL),
	             3, "one audit row per change");

	/* A change on top of an old version is a conflict; nothing moves. */
	before = snap();
	expect_refused(k.office, goal_retarget(k.office, g, 2, "50", 0, NULL), QT_CONFLICT,
	               "expected_version", "stale change");
	expect_unchanged(&before, "stale change");

	/* Versions are evidence, also for anyone with SQL access. */
	pg = harness_pg(&H);
	for (size_t i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
		PGresult *res = PQexec(pg, statements[i]);
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "%s succeeded", statements[i]);
		cr_expect(state != NULL && strcmp(state, "Q0412") == 0, "%s: sqlstate %s",
		          statements[i], state != NULL ? state : "-");
		PQclear(res);
	}
	expect_unchanged(&before, "SQL changes");

	/* Retired: kept with its history, but no more changes. */
	cr_assert_eq(qt_goal_retire(k.office, g, 3, "im Ziel Nachbarschaftshilfe aufgegangen", &x),
	             QT_OK, "%s", err_msg(k.office));
	cr_expect(x.retired && x.retired_at > 0);
	cr_expect_str_eq(x.retire_reason, "im Ziel Nachbarschaftshilfe aufgegangen");
	qt_goal_clear(&x);
	before = snap();
	expect_refused(k.office, goal_retarget(k.office, g, 3, "50", 0, NULL),
	               QT_FAILED_PRECONDITION, "id", "change after retirement");
	expect_refused(k.office, qt_goal_retire(k.office, g, 3, "nochmal", &x),
	               QT_FAILED_PRECONDITION, "id", "retired twice");
	expect_unchanged(&before, "retired goal");
	{
		qt_goal_t *list = NULL;
		size_t n = 9;

		cr_assert_eq(qt_goal_list(k.coord, k.proj, 0, &list, &n), QT_OK);
		cr_expect_eq(n, 0, "retired goals are left out by default");
		qt_goal_list_free(list, n);
		cr_assert_eq(qt_goal_list(k.coord, k.proj, 1, &list, &n), QT_OK);
		cr_assert_eq(n, 1);
		cr_expect(list[0].retired);
		cr_expect_eq(list[0].n_history, 0, "lists carry no history");
		qt_goal_list_free(list, n);
	}
	cast_end(&k);
}

Test(goal, proposal_counts_once_accepted)
{
	cast_t k;
	int64_t g;
	qt_goal_t x;
	qt_goal_new_t in;
	qt_goal_t *list = NULL;
	size_t n = 0;
	snapshot_t before;

	cast_begin(&k);
	/* The coordination proposes; it may not set goals directly. */
	before = snap();
	in = goal_in(k.proj, 0, "Mehr Begegnung", "40");
	expect_refused(k.coord, qt_goal_create(k.coord, &in, &x), QT_PERMISSION_DENIED, "propose",
	               "coordinator sets a goal");
	expect_unchanged(&before, "coordinator sets a goal");
	g = goal_ok(k.coord, k.proj, 1, "40");
	x = goal_get(k.office, g);
	cr_expect_eq(x.current.state, QT_GOAL_PROPOSED);
	cr_expect_eq(x.current.proposed_by, k.coord_acct);
	cr_expect(!x.has_accepted, "a proposal does not count yet");
	qt_goal_clear(&x);

	/* Reporting against a goal that is only proposed is refused. */
	before = snap();
	expect_refused(k.coord, submit(k.coord, k.proj, "2026-01-01", "2026-03-31", g, "3", NULL),
	               QT_INVALID_ARGUMENT, "values.goal_id", "value for a proposal");
	expect_unchanged(&before, "value for a proposal");

	/* Only the lead office (or an admin) accepts. */
	before = snap();
	expect_refused(k.coord, qt_goal_accept(k.coord, g, 1, &x), QT_PERMISSION_DENIED, "id",
	               "coordinator accepts");
	expect_refused(k.other_office, qt_goal_accept(k.other_office, g, 1, &x),
	               QT_PERMISSION_DENIED, "id", "another office accepts");
	expect_refused(k.viewer, qt_goal_accept(k.viewer, g, 1, &x), QT_PERMISSION_DENIED, "id",
	               "viewer accepts");
	expect_unchanged(&before, "refused acceptance");
	cr_assert_eq(qt_goal_accept(k.office, g, 1, &x), QT_OK, "%s", err_msg(k.office));
	cr_expect(x.has_accepted && x.accepted.version == 1);
	cr_expect_eq(x.accepted.accepted_by, k.office_acct);
	cr_expect(x.accepted.accepted_at > 0);
	cr_expect_eq(x.accepted.proposed_by, k.coord_acct, "the proposer stays on record");
	qt_goal_clear(&x);
	before = snap();
	expect_refused(k.office, qt_goal_accept(k.office, g, 1, &x), QT_FAILED_PRECONDITION, "id",
	               "accepted twice");
	expect_unchanged(&before, "accepted twice");

	/* A proposed change leaves the accepted version in force. */
	cr_assert_eq(goal_retarget(k.coord, g, 1, "50", 1, &x), QT_OK, "%s", err_msg(k.coord));
	cr_expect_eq(x.version, 2);
	cr_expect_eq(x.current.state, QT_GOAL_PROPOSED);
	cr_expect_str_eq(x.current.target_value, "50");
	cr_expect(x.has_accepted && x.accepted.version == 1);
	cr_expect_str_eq(x.accepted.target_value, "40");
	qt_goal_clear(&x);
	cr_assert_eq(qt_goal_list(k.viewer, k.proj, 0, &list, &n), QT_OK);
	cr_assert_eq(n, 1);
	cr_expect_eq(list[0].accepted.version, 1);
	cr_expect_eq(list[0].current.version, 2);
	qt_goal_list_free(list, n);
	/* A value now is reported against the accepted version 1. */
	{
		qt_progress_update_t u;

		cr_assert_eq(submit(k.coord, k.proj, "2026-01-01", "2026-03-31", g, "17", &u),
		             QT_OK, "%s", err_msg(k.coord));
		cr_assert_eq(u.n_values, 1);
		cr_expect_eq(u.values[0].goal_version, 1);
		cr_expect_str_eq(u.values[0].target_value, "40");
		cr_expect_str_eq(u.values[0].unit, "Personen");
		qt_progress_update_clear(&u);
	}
	cr_assert_eq(qt_goal_accept(k.admin, g, 2, &x), QT_OK, "%s", err_msg(k.admin));
	cr_expect_eq(x.accepted.version, 2);
	cr_expect_str_eq(x.accepted.target_value, "50");
	qt_goal_clear(&x);
	x = goal_get(k.viewer, g);
	cr_expect_eq(x.n_history, 2);
	cr_expect_eq(x.history[0].state, QT_GOAL_ACCEPTED);
	cr_expect_eq(x.history[1].state, QT_GOAL_ACCEPTED);
	qt_goal_clear(&x);
	cr_expect_eq(
	    harness_sql_int(&H,
	                    "SELECT count(*) FROM audit WHERE entity = 'goal' AND action IN "
	                    "('goal.create', 'goal.accept', 'goal.change')",
	                    0, NULL, NULL, NULL),
	    4, "create, accept, change, accept");
	cast_end(&k);
}

/* ------------------------------------------------------------ updates */

Test(goal, update_is_returned_revised_and_approved)
{
	cast_t k;
	int64_t g, u;
	qt_progress_update_t x;
	qt_progress_update_t *list = NULL;
	qt_progress_filter_t f;
	qt_progress_new_t rev;
	qt_progress_value_new_t v[1];
	size_t n = 0;
	snapshot_t before;

	cast_begin(&k);
	g = goal_ok(k.office, k.proj, 0, "40");
	u = submit_ok(k.coord, k.proj, "2026-01-01", "2026-03-31", g, "17.25");
	x = update_get(k.office, u);
	cr_expect_eq(x.submitted_by, k.coord_acct);
	cr_expect_str_eq(x.values[0].actual_value, "17.25");
	cr_expect_str_eq(x.events, "Frühlingsfest, zwei Stadtteilspaziergänge");
	cr_expect_eq(x.n_history, 1);
	qt_progress_update_clear(&x);

	/* Until approved, only the project's people read it. */
	expect_refused(k.viewer, qt_progress_get(k.viewer, u, &x), QT_PERMISSION_DENIED, "id",
	               "viewer reads a submitted update");
	expect_refused(k.other_coord, qt_progress_get(k.other_coord, u, &x), QT_PERMISSION_DENIED,
	               "id", "another coordinator reads it");
	memset(&f, 0, sizeof(f));
	f.project_id = k.proj;
	cr_assert_eq(qt_progress_list(k.viewer, &f, &list, &n), QT_OK);
	cr_expect_eq(n, 0, "the viewer's list leaves it out");
	qt_progress_list_free(list, n);
	cr_assert_eq(qt_progress_list(k.coord, &f, &list, &n), QT_OK);
	cr_expect_eq(n, 1, "the coordinator's list has it");
	qt_progress_list_free(list, n);

	/* Returned, with a comment. */
	before = snap();
	expect_refused(k.office, review(k.office, u, 1, QT_REVIEW_RETURN, NULL, NULL),
	               QT_INVALID_ARGUMENT, "comment", "return without a comment");
	expect_refused(k.coord,
	               qt_progress_revise(k.coord,
	                                  &(qt_progress_new_t){.id = u,
	                                                       .expected_version = 1,
	                                                       .period_from = "2026-01-01",
	                                                       .period_to = "2026-03-31",
	                                                       .narrative = "x"},
	                                  &x),
	               QT_FAILED_PRECONDITION, "id", "revise before a return");
	expect_unchanged(&before, "refused steps");
	cr_assert_eq(review(k.office, u, 1, QT_REVIEW_RETURN, "Bitte die Zählung erläutern", &x),
	             QT_OK, "%s", err_msg(k.office));
	cr_expect_eq(x.state, QT_PROGRESS_RETURNED);
	cr_expect_eq(x.version, 2);
	cr_expect_eq(x.reviewed_by, k.office_acct);
	cr_expect(x.reviewed_at > 0);
	cr_expect_str_eq(x.review_comment, "Bitte die Zählung erläutern");
	qt_progress_update_clear(&x);
	before = snap();
	expect_refused(k.office, review(k.office, u, 2, QT_REVIEW_APPROVE, NULL, NULL),
	               QT_FAILED_PRECONDITION, "id", "approve a returned update");
	expect_unchanged(&before, "approve a returned update");

	/* Revised (stale version first) and submitted again. */
	memset(v, 0, sizeof(v));
	v[0].goal_id = g;
	v[0].actual_value = "18";
	v[0].note = "nachgezählt";
	memset(&rev, 0, sizeof(rev));
	rev.id = u;
	rev.expected_version = 1;
	rev.period_from = "2026-01-01";
	rev.period_to = "2026-03-31";
	rev.narrative = "Der Mittagstisch läuft; Zählung an drei Terminen, Mittelwert 18.";
	rev.values = v;
	rev.n_values = 1;
	before = snap();
	expect_refused(k.coord, qt_progress_revise(k.coord, &rev, &x), QT_CONFLICT,
	               "expected_version", "stale revision");
	expect_unchanged(&before, "stale revision");
	rev.expected_version = 2;
	cr_assert_eq(qt_progress_revise(k.coord, &rev, &x), QT_OK, "%s", err_msg(k.coord));
	cr_expect_eq(x.state, QT_PROGRESS_SUBMITTED);
	cr_expect_eq(x.version, 3);
	cr_expect_eq(x.reviewed_by, 0, "the new submission is not reviewed yet");
	cr_expect_null(x.events, "replaced as a whole");
	cr_assert_eq(x.n_values, 1);
	cr_expect_str_eq(x.values[0].actual_value, "18");
	qt_progress_update_clear(&x);

	/* Approved by the lead office: final. */
	cr_assert_eq(review(k.office, u, 3, QT_REVIEW_APPROVE, "danke", &x), QT_OK, "%s",
	             err_msg(k.office));
	cr_expect_eq(x.state, QT_PROGRESS_APPROVED);
	cr_expect_eq(x.reviewed_by, k.office_acct);
	cr_assert_eq(x.n_history, 4, "submit, return, revise, approve");
	cr_expect_eq(x.history[0].action, QT_PROGRESS_ACTION_SUBMIT);
	cr_expect_eq(x.history[0].account_id, k.coord_acct);
	cr_expect_eq(x.history[1].action, QT_PROGRESS_ACTION_RETURN);
	cr_expect_eq(x.history[1].account_id, k.office_acct);
	cr_expect_str_eq(x.history[1].comment, "Bitte die Zählung erläutern");
	cr_expect(x.history[1].at > 0);
	cr_expect_eq(x.history[2].action, QT_PROGRESS_ACTION_REVISE);
	cr_expect_eq(x.history[2].account_id, k.coord_acct);
	cr_expect_eq(x.history[3].action, QT_PROGRESS_ACTION_APPROVE);
	cr_expect_eq(x.history[3].account_id, k.office_acct);
	qt_progress_update_clear(&x);
	before = snap();
	rev.expected_version = 4;
	expect_refused(k.coord, qt_progress_revise(k.coord, &rev, &x), QT_FAILED_PRECONDITION, "id",
	               "revise an approved update");
	expect_refused(k.office, review(k.office, u, 4, QT_REVIEW_RETURN, "doch nicht", NULL),
	               QT_FAILED_PRECONDITION, "id", "return an approved update");
	{
		PGresult *res =
		    PQexec(harness_pg(&H), "UPDATE progress_update SET narrative = 'x'");

		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR,
		             "SQL changes an approved update");
		PQclear(res);
		res = PQexec(harness_pg(&H), "DELETE FROM progress_value");
		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "SQL deletes approved values");
		PQclear(res);
	}
	expect_unchanged(&before, "approved is final");

	/* Now everyone reads it. */
	x = update_get(k.viewer, u);
	cr_expect_eq(x.state, QT_PROGRESS_APPROVED);
	qt_progress_update_clear(&x);
	f.state = QT_PROGRESS_APPROVED;
	cr_assert_eq(qt_progress_list(k.other_coord, &f, &list, &n), QT_OK);
	cr_expect_eq(n, 1);
	qt_progress_list_free(list, n);
	{
		char id[24];

		snprintf(id, sizeof(id), "%lld", (long long)u);
		cr_expect_eq(
		    harness_sql_int(&H,
		                    "SELECT count(*) FROM audit WHERE entity = "
		                    "'progress_update' AND entity_id = $1::bigint AND action IN "
		                    "('progress_update.submit', 'progress_update.return', "
		                    "'progress_update.revise', 'progress_update.approve')",
		                    1, id, NULL, NULL),
		    4, "one audit row per step");
	}
	cast_end(&k);
}

Test(goal, nobody_reviews_their_own_update)
{
	cast_t k;
	int64_t g, u1, u2;
	qt_progress_update_t x;
	qt_client_t *turned;
	snapshot_t before;
	char id[24], acct[24];
	PGresult *res;
	const char *state;

	cast_begin(&k);
	g = goal_ok(k.office, k.proj, 0, "40");

	/* An admin may submit, but not approve or return what it submitted. */
	u1 = submit_ok(k.admin, k.proj, "2026-01-01", "2026-03-31", g, "10");
	before = snap();
	expect_refused(k.admin, review(k.admin, u1, 1, QT_REVIEW_APPROVE, NULL, NULL),
	               QT_PERMISSION_DENIED, "id", "admin approves its own update");
	expect_refused(k.admin, review(k.admin, u1, 1, QT_REVIEW_RETURN, "selbst", NULL),
	               QT_PERMISSION_DENIED, "id", "admin returns its own update");
	expect_unchanged(&before, "own update");

	/* A coordinator submits, then moves to the lead office (a new job in
	 * the Sozialamt): staff of the lead office now, and still the
	 * submitter. */
	u2 = submit_ok(k.coord, k.proj, "2026-04-01", "2026-06-30", g, "20");
	snprintf(acct, sizeof(acct), "%lld", (long long)k.coord_acct);
	snprintf(id, sizeof(id), "%lld", (long long)H.seed.office_social);
	harness_sql_int(&H,
	                "WITH u AS (UPDATE account SET role = 'office', office_id = $2::bigint "
	                "WHERE id = $1::bigint RETURNING id) SELECT count(*) FROM u",
	                2, acct, id, NULL);
	turned = harness_login(&H, "koordination", HARNESS_PASSWORD);
	before = snap();
	expect_refused(turned, review(turned, u2, 1, QT_REVIEW_APPROVE, NULL, NULL),
	               QT_PERMISSION_DENIED, "id", "lead-office staff approves what it submitted");
	expect_refused(turned, review(turned, u2, 1, QT_REVIEW_RETURN, "selbst", NULL),
	               QT_PERMISSION_DENIED, "id", "lead-office staff returns what it submitted");
	expect_unchanged(&before, "own update as lead-office staff");
	/* Yet it reviews an update someone else submitted. */
	cr_assert_eq(review(turned, u1, 1, QT_REVIEW_APPROVE, NULL, &x), QT_OK, "%s",
	             err_msg(turned));
	cr_expect_eq(x.reviewed_by, k.coord_acct);
	qt_progress_update_clear(&x);

	/* The database refuses it too, whoever asks. */
	before = snap();
	snprintf(id, sizeof(id), "%lld", (long long)u2);
	{
		const char *params[2] = {acct, id};

		res = PQexecParams(harness_pg(&H),
		                   "SELECT * FROM qt_progress_review($1::bigint, $2::bigint, 1, "
		                   "'approve', NULL)",
		                   2, NULL, params, NULL, NULL, 0);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR,
		             "qt_progress_review by the submitter");
		cr_expect(state != NULL && strcmp(state, "Q0403") == 0, "sqlstate %s",
		          state != NULL ? state : "-");
		PQclear(res);
		res = PQexecParams(
		    harness_pg(&H),
		    "UPDATE progress_update SET state = 'approved', reviewed_by = $1::bigint, "
		    "reviewed_at = now() WHERE id = $2::bigint",
		    2, NULL, params, NULL, NULL, 0);
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "UPDATE to self-review");
		cr_expect(state != NULL && strcmp(state, "23514") == 0, "sqlstate %s",
		          state != NULL ? state : "-");
		cr_expect(strstr(PQresultErrorMessage(res), "progress_update_not_self_reviewed") !=
		              NULL,
		          "%s", PQresultErrorMessage(res));
		PQclear(res);
	}
	expect_unchanged(&before, "SQL self-review");

	/* Someone else in the lead office approves it. */
	cr_assert_eq(review(k.office, u2, 1, QT_REVIEW_APPROVE, NULL, &x), QT_OK, "%s",
	             err_msg(k.office));
	cr_expect_eq(x.state, QT_PROGRESS_APPROVED);
	cr_expect_eq(x.submitted_by, k.coord_acct);
	cr_expect_eq(x.reviewed_by, k.office_acct);
	qt_progress_update_clear(&x);
	qt_client_free(turned);
	cast_end(&k);
}

/* ------------------------------------------------------------ permissions */

Test(goal, refused_requests_change_nothing)
{
	cast_t k;
	int64_t g, u, other_g;
	qt_goal_t x;
	qt_goal_new_t in;
	qt_progress_update_t p;
	qt_annual_report_t r;
	qt_progress_new_t rev;
	snapshot_t before;

	cast_begin(&k);
	g = goal_ok(k.office, k.proj, 0, "40");
	other_g = goal_ok(k.other_office, k.other_proj, 0, "5");
	u = submit_ok(k.coord, k.proj, "2026-01-01", "2026-03-31", g, "17");

	before = snap();
	{
		struct {
			qt_client_t *c;
			const char *who;
		} outsiders[] = {
		    {k.viewer, "viewer"},
		    {k.other_office, "another office"},
		    {k.other_coord, "coordinator of another project"},
		};

		for (size_t i = 0; i < 3; i++) {
			qt_client_t *c = outsiders[i].c;
			char what[160];

			in = goal_in(k.proj, 0, "Fremdes Ziel", "1");
			snprintf(what, sizeof(what), "%s sets a goal", outsiders[i].who);
			expect_refused(c, qt_goal_create(c, &in, &x), QT_PERMISSION_DENIED, NULL,
			               what);
			in.propose = 1;
			snprintf(what, sizeof(what), "%s proposes a goal", outsiders[i].who);
			expect_refused(c, qt_goal_create(c, &in, &x), QT_PERMISSION_DENIED,
			               "project_id", what);
			snprintf(what, sizeof(what), "%s changes a goal", outsiders[i].who);
			expect_refused(c, goal_retarget(c, g, 1, "2", 1, NULL),
			               QT_PERMISSION_DENIED, "id", what);
			snprintf(what, sizeof(what), "%s retires a goal", outsiders[i].who);
			expect_refused(c, qt_goal_retire(c, g, 1, "weg", &x), QT_PERMISSION_DENIED,
			               "id", what);
			snprintf(what, sizeof(what), "%s submits", outsiders[i].who);
			expect_refused(c,
			               submit(c, k.proj, "2026-04-01", "2026-06-30", g, "1", NULL),
			               QT_PERMISSION_DENIED, "project_id", what);
			snprintf(what, sizeof(what), "%s approves", outsiders[i].who);
			expect_refused(c, review(c, u, 1, QT_REVIEW_APPROVE, NULL, NULL),
			               QT_PERMISSION_DENIED, "id", what);
			snprintf(what, sizeof(what), "%s returns", outsiders[i].who);
			expect_refused(c, review(c, u, 1, QT_REVIEW_RETURN, "nein", NULL),
			               QT_PERMISSION_DENIED, "id", what);
		}
	}
	/* The coordination neither reviews nor accepts nor retires; the lead
	 * office does not write the coordination's updates. */
	expect_refused(k.coord, review(k.coord, u, 1, QT_REVIEW_APPROVE, NULL, NULL),
	               QT_PERMISSION_DENIED, "id", "coordinator approves");
	expect_refused(k.coord, qt_goal_retire(k.coord, g, 1, "weg", &x), QT_PERMISSION_DENIED,
	               "id", "coordinator retires");
	expect_refused(k.coord, goal_retarget(k.coord, g, 1, "41", 0, NULL), QT_PERMISSION_DENIED,
	               "propose", "coordinator changes a goal directly");
	expect_refused(k.office, submit(k.office, k.proj, "2026-04-01", "2026-06-30", g, "1", NULL),
	               QT_PERMISSION_DENIED, "project_id", "lead office submits");
	expect_refused(k.coord,
	               submit(k.coord, k.proj, "2026-04-01", "2026-06-30", other_g, "1", NULL),
	               QT_INVALID_ARGUMENT, "values.goal_id", "value for another project's goal");
	cr_assert_eq(review(k.admin, u, 1, QT_REVIEW_RETURN, "bitte ergänzen", NULL), QT_OK);
	before = snap();
	memset(&rev, 0, sizeof(rev));
	rev.id = u;
	rev.expected_version = 2;
	rev.period_from = "2026-01-01";
	rev.period_to = "2026-03-31";
	rev.narrative = "fremd";
	expect_refused(k.other_coord, qt_progress_revise(k.other_coord, &rev, &p),
	               QT_PERMISSION_DENIED, "id", "another coordinator revises");
	expect_refused(k.office, qt_progress_revise(k.office, &rev, &p), QT_PERMISSION_DENIED, "id",
	               "lead office revises");
	expect_unchanged(&before, "refused writes");

	/* Everyone logged in reads goals and reports. */
	x = goal_get(k.viewer, g);
	qt_goal_clear(&x);
	x = goal_get(k.other_coord, g);
	qt_goal_clear(&x);
	cr_assert_eq(qt_annual_report(k.viewer, k.proj, 2026, &r), QT_OK, "%s", err_msg(k.viewer));
	cr_expect_eq(r.n_updates, 0, "a returned update is not in the report");
	qt_annual_report_clear(&r);
	expect_unchanged(&before, "reads");
	cast_end(&k);
}

/* ------------------------------------------------------------ validation */

typedef struct goal_case {
	const char *what;
	int64_t project; /* 0: the test's project; -1: unknown */
	const char *statement, *indicator, *baseline, *target, *unit, *due;
	const char *field;
	qt_status_t want;
} goal_case_t;

typedef struct update_case {
	const char *what;
	int64_t project; /* 0: the test's project; -1: unknown */
	const char *from, *to, *narrative, *events;
	int64_t goal; /* 0: the test's goal; -1: unknown; -2: another project's;
	               * -3: id 0; -4: the test's goal twice */
	const char *value;
	const char *field;
	qt_status_t want;
} update_case_t;

Test(goal, bad_input_names_the_field_and_stores_nothing)
{
	cast_t k;
	int64_t g, other_g, u;
	snapshot_t before;
	char long_note[2002], long_text[20002];
	qt_goal_t x;
	qt_progress_update_t p;
	qt_annual_report_t r;
	const char *S = "Mehr Begegnung", *I = "Teilnehmende", *T = "40", *U = "Personen",
	           *D = "2027-12-31";

	memset(long_note, 'x', sizeof(long_note) - 1);
	long_note[sizeof(long_note) - 1] = '\0';
	memset(long_text, 'y', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	{
		const goal_case_t gc[] = {
		    {"empty statement", 0, "", I, NULL, T, U, D, "statement", QT_INVALID_ARGUMENT},
		    {"invalid UTF-8 statement", 0, "Ziel \xff\xfe", I, NULL, T, U, D, "statement",
		     QT_INVALID_ARGUMENT},
		    {"overlong UTF-8", 0, "\xc0\xaf", I, NULL, T, U, D, "statement",
		     QT_INVALID_ARGUMENT},
		    {"control character", 0, "Ziel\x01", I, NULL, T, U, D, "statement",
		     QT_INVALID_ARGUMENT},
		    {"statement too long", 0, long_note, I, NULL, T, U, D, "statement",
		     QT_INVALID_ARGUMENT},
		    {"empty indicator", 0, S, "", NULL, T, U, D, "indicator", QT_INVALID_ARGUMENT},
		    {"target not a number", 0, S, I, NULL, "viele", U, D, "target_value",
		     QT_INVALID_ARGUMENT},
		    {"target with a comma", 0, S, I, NULL, "12,5", U, D, "target_value",
		     QT_INVALID_ARGUMENT},
		    {"target empty", 0, S, I, NULL, "", U, D, "target_value", QT_INVALID_ARGUMENT},
		    {"target too many decimals", 0, S, I, NULL, "1.23456", U, D, "target_value",
		     QT_INVALID_ARGUMENT},
		    {"target too large", 0, S, I, NULL, "123456789012345", U, D, "target_value",
		     QT_INVALID_ARGUMENT},
		    {"baseline exponent", 0, S, I, "1e3", T, U, D, "baseline", QT_INVALID_ARGUMENT},
		    {"empty unit", 0, S, I, NULL, T, "", D, "unit", QT_INVALID_ARGUMENT},
		    {"unit too long", 0, S, I, NULL, T,
		     "123456789012345678901234567890123456789012345678901", D, "unit",
		     QT_INVALID_ARGUMENT},
		    {"no due date", 0, S, I, NULL, T, U, "", "due_date", QT_INVALID_ARGUMENT},
		    {"impossible due date", 0, S, I, NULL, T, U, "2026-02-30", "due_date",
		     QT_INVALID_ARGUMENT},
		    {"unknown project", -1, S, I, NULL, T, U, D, "project_id", QT_INVALID_ARGUMENT},
		};

		cast_begin(&k);
		g = goal_ok(k.office, k.proj, 0, "40");
		other_g = goal_ok(k.other_office, k.other_proj, 0, "5");
		before = snap();
		for (size_t i = 0; i < sizeof(gc) / sizeof(gc[0]); i++) {
			qt_goal_new_t in = goal_in(gc[i].project == 0 ? k.proj : 999999, 0,
			                           gc[i].statement, gc[i].target);

			in.indicator = gc[i].indicator;
			in.baseline = gc[i].baseline;
			in.unit = gc[i].unit;
			in.due_date = gc[i].due;
			expect_refused(k.office, qt_goal_create(k.office, &in, &x), gc[i].want,
			               gc[i].field, gc[i].what);
		}
		expect_unchanged(&before, "bad goals");
	}
	/* Changes: each field as for create; at least one; a version read. */
	{
		qt_goal_patch_t pa;

		memset(&pa, 0, sizeof(pa));
		pa.id = g;
		pa.expected_version = 1;
		expect_refused(k.office, qt_goal_change(k.office, &pa, &x), QT_INVALID_ARGUMENT,
		               "statement", "a change of nothing");
		pa.target_value = "x";
		expect_refused(k.office, qt_goal_change(k.office, &pa, &x), QT_INVALID_ARGUMENT,
		               "target_value", "change to a non-number");
		pa.target_value = "41";
		pa.statement = "";
		expect_refused(k.office, qt_goal_change(k.office, &pa, &x), QT_INVALID_ARGUMENT,
		               "statement", "change to an empty statement");
		pa.statement = NULL;
		pa.note = long_note;
		expect_refused(k.office, qt_goal_change(k.office, &pa, &x), QT_INVALID_ARGUMENT,
		               "note", "note too long");
		pa.note = NULL;
		pa.expected_version = 0;
		expect_refused(k.office, qt_goal_change(k.office, &pa, &x), QT_INVALID_ARGUMENT,
		               "expected_version", "no version");
		pa.expected_version = 1;
		pa.id = 999999;
		expect_refused(k.office, qt_goal_change(k.office, &pa, &x), QT_NOT_FOUND, "id",
		               "unknown goal");
		expect_refused(k.viewer, qt_goal_get(k.viewer, 999999, &x), QT_NOT_FOUND, "id",
		               "get an unknown goal");
		expect_refused(k.office, qt_goal_retire(k.office, g, 1, "", &x),
		               QT_INVALID_ARGUMENT, "reason", "retire without a reason");
		expect_unchanged(&before, "bad changes");
	}
	/* Updates. */
	{
		const update_case_t uc[] = {
		    {"period end before start", 0, "2026-03-31", "2026-01-01", "Text", NULL, 0, "1",
		     "period_to", QT_INVALID_ARGUMENT},
		    {"bad start date", 0, "2026-13-01", "2026-03-31", "Text", NULL, 0, "1",
		     "period_from", QT_INVALID_ARGUMENT},
		    {"no end date", 0, "2026-01-01", "", "Text", NULL, 0, "1", "period_to",
		     QT_INVALID_ARGUMENT},
		    {"empty narrative", 0, "2026-01-01", "2026-03-31", "", NULL, 0, "1",
		     "narrative", QT_INVALID_ARGUMENT},
		    {"invalid UTF-8 narrative", 0, "2026-01-01", "2026-03-31", "Bericht \xe2\x82",
		     NULL, 0, "1", "narrative", QT_INVALID_ARGUMENT},
		    {"narrative too long", 0, "2026-01-01", "2026-03-31", long_text, NULL, 0, "1",
		     "narrative", QT_INVALID_ARGUMENT},
		    {"invalid UTF-8 events", 0, "2026-01-01", "2026-03-31", "Text", "\xed\xa0\x80",
		     0, "1", "events", QT_INVALID_ARGUMENT},
		    {"value not a number", 0, "2026-01-01", "2026-03-31", "Text", NULL, 0, "zwölf",
		     "values.actual_value", QT_INVALID_ARGUMENT},
		    {"value empty", 0, "2026-01-01", "2026-03-31", "Text", NULL, 0, "",
		     "values.actual_value", QT_INVALID_ARGUMENT},
		    {"value NaN", 0, "2026-01-01", "2026-03-31", "Text", NULL, 0, "NaN",
		     "values.actual_value", QT_INVALID_ARGUMENT},
		    {"unknown goal", 0, "2026-01-01", "2026-03-31", "Text", NULL, -1, "1",
		     "values.goal_id", QT_INVALID_ARGUMENT},
		    {"goal of another project", 0, "2026-01-01", "2026-03-31", "Text", NULL, -2,
		     "1", "values.goal_id", QT_INVALID_ARGUMENT},
		    {"goal id 0", 0, "2026-01-01", "2026-03-31", "Text", NULL, -3, "1",
		     "values.goal_id", QT_INVALID_ARGUMENT},
		    {"goal twice", 0, "2026-01-01", "2026-03-31", "Text", NULL, -4, "1",
		     "values.goal_id", QT_INVALID_ARGUMENT},
		    {"unknown project", -1, "2026-01-01", "2026-03-31", "Text", NULL, 0, "1",
		     "project_id", QT_INVALID_ARGUMENT},
		};

		for (size_t i = 0; i < sizeof(uc) / sizeof(uc[0]); i++) {
			qt_progress_value_new_t v[2];
			qt_progress_new_t in;
			int64_t goal = uc[i].goal == 0 || uc[i].goal == -4 ? g
			               : uc[i].goal == -1                  ? 999999
			               : uc[i].goal == -2                  ? other_g
			                                                   : 0;

			memset(v, 0, sizeof(v));
			v[0].goal_id = v[1].goal_id = goal;
			v[0].actual_value = v[1].actual_value = uc[i].value;
			memset(&in, 0, sizeof(in));
			in.project_id = uc[i].project == 0 ? k.proj : 999999;
			in.period_from = uc[i].from;
			in.period_to = uc[i].to;
			in.narrative = uc[i].narrative;
			in.events = uc[i].events;
			in.values = v;
			in.n_values = uc[i].goal == -4 ? 2 : 1;
			/* The admin submits: permission is never what refuses it. */
			expect_refused(k.admin, qt_progress_submit(k.admin, &in, &p), uc[i].want,
			               uc[i].field, uc[i].what);
		}
		expect_unchanged(&before, "bad updates");
	}
	/* Reviews and the report. */
	u = submit_ok(k.coord, k.proj, "2026-01-01", "2026-03-31", g, "3");
	before = snap();
	expect_refused(k.office, review(k.office, u, 1, QT_REVIEW_UNSPECIFIED, NULL, NULL),
	               QT_INVALID_ARGUMENT, "decision", "no decision");
	expect_refused(k.office, review(k.office, u, 1, QT_REVIEW_RETURN, "", NULL),
	               QT_INVALID_ARGUMENT, "comment", "return with an empty comment");
	expect_refused(k.office, review(k.office, u, 0, QT_REVIEW_APPROVE, NULL, NULL),
	               QT_INVALID_ARGUMENT, "expected_version", "review without a version");
	expect_refused(k.office, review(k.office, 999999, 1, QT_REVIEW_APPROVE, NULL, NULL),
	               QT_NOT_FOUND, "id", "review an unknown update");
	expect_refused(k.office, review(k.office, u, 7, QT_REVIEW_APPROVE, NULL, NULL), QT_CONFLICT,
	               "expected_version", "review a stale version");
	expect_refused(k.viewer, qt_annual_report(k.viewer, k.proj, 1800, &r), QT_INVALID_ARGUMENT,
	               "year", "report for 1800");
	expect_refused(k.viewer, qt_annual_report(k.viewer, 999999, 2026, &r), QT_NOT_FOUND,
	               "project_id", "report of an unknown project");
	expect_refused(k.viewer,
	               qt_goal_list(k.viewer, 999999, 0, &(qt_goal_t *){NULL}, &(size_t){0}),
	               QT_NOT_FOUND, "project_id", "goals of an unknown project");
	expect_unchanged(&before, "bad reviews");
	cast_end(&k);
}

/* ------------------------------------------------------------ annual report */

Test(goal, annual_report_assembles_the_year)
{
	cast_t k;
	int64_t a, b, c, u_this, u_returned, u_last, fund_this, fund_last;
	int year = this_year();
	char from1[24], to1[24], from2[24], to2[24], from0[24], to0[24];
	qt_goal_t x;
	qt_annual_report_t r;
	qt_fund_t f;
	qt_fund_entry_new_t e;
	qt_fund_entry_t fe;
	qt_continuation_new_t plan;
	qt_block_plan_new_t blk[1];
	qt_continuation_t cp;

	snprintf(from1, sizeof(from1), "%d-01-01", year);
	snprintf(to1, sizeof(to1), "%d-03-31", year);
	snprintf(from2, sizeof(from2), "%d-04-01", year);
	snprintf(to2, sizeof(to2), "%d-06-30", year);
	snprintf(from0, sizeof(from0), "%d-10-01", year - 1);
	snprintf(to0, sizeof(to0), "%d-12-31", year - 1);
	cast_begin(&k);

	/* Goals: A set and changed (two versions), B only proposed, C retired. */
	a = goal_ok(k.office, k.proj, 0, "40");
	cr_assert_eq(goal_retarget(k.office, a, 1, "45", 0, NULL), QT_OK);
	b = goal_ok(k.coord, k.proj, 1, "3");
	c = goal_ok(k.office, k.proj, 0, "4");
	goal_ok(k.other_office, k.other_proj, 0, "9");
	cr_assert_eq(qt_goal_retire(k.office, c, 1, "zusammengelegt", &x), QT_OK);
	qt_goal_clear(&x);

	/* Updates: one approved this year, one returned this year, one
	 * approved last year. */
	u_this = submit_ok(k.coord, k.proj, from1, to1, a, "17.5");
	cr_assert_eq(review(k.office, u_this, 1, QT_REVIEW_APPROVE, NULL, NULL), QT_OK);
	u_returned = submit_ok(k.coord, k.proj, from2, to2, a, "19");
	cr_assert_eq(review(k.office, u_returned, 1, QT_REVIEW_RETURN, "Zahlen fehlen", NULL),
	             QT_OK);
	u_last = submit_ok(k.coord, k.proj, from0, to0, a, "12");
	cr_assert_eq(review(k.office, u_last, 1, QT_REVIEW_APPROVE, NULL, NULL), QT_OK);

	/* Funds of this year and last year. */
	cr_assert_eq(qt_fund_create(k.office, k.proj, 0, year, &f), QT_OK);
	fund_this = f.id;
	qt_fund_clear(&f);
	cr_assert_eq(qt_fund_create(k.office, k.proj, 0, year - 1, &f), QT_OK);
	fund_last = f.id;
	qt_fund_clear(&f);
	memset(&e, 0, sizeof(e));
	e.fund_id = fund_this;
	e.kind = QT_FUND_ALLOCATION;
	e.amount_cents = 100000;
	cr_assert_eq(qt_fund_entry_add(k.office, &e, &fe), QT_OK);
	qt_fund_entry_clear(&fe);
	e.kind = QT_FUND_COMMITMENT;
	e.amount_cents = 20000;
	e.applicant = "Seniorennetzwerk";
	e.purpose = "Geschirr";
	cr_assert_eq(qt_fund_entry_add(k.coord, &e, &fe), QT_OK);
	memset(&e, 0, sizeof(e));
	e.fund_id = fund_this;
	e.kind = QT_FUND_PAYOUT;
	e.amount_cents = 15000;
	e.commitment_id = fe.id;
	qt_fund_entry_clear(&fe);
	cr_assert_eq(qt_fund_entry_add(k.coord, &e, &fe), QT_OK);
	qt_fund_entry_clear(&fe);

	/* The continuation plan, agreed by the lead office. */
	memset(blk, 0, sizeof(blk));
	blk[0].block = QT_BLOCK_STANDING_FACILITY;
	blk[0].responsible = "Stadtteilhaus Süd";
	blk[0].tasks = "Offener Treff";
	memset(&plan, 0, sizeof(plan));
	plan.project_id = k.proj;
	plan.summary = "Das Stadtteilhaus übernimmt den Treff.";
	plan.blocks = blk;
	plan.n_blocks = 1;
	cr_assert_eq(qt_continuation_set(k.office, &plan, &cp), QT_OK);
	qt_continuation_clear(&cp);

	/* This year's report, as anyone logged in reads it. */
	cr_assert_eq(qt_annual_report(k.viewer, k.proj, year, &r), QT_OK, "%s", err_msg(k.viewer));
	cr_expect_eq(r.year, year);
	cr_expect_eq(r.project.id, k.proj);
	cr_expect_str_eq(r.project.name, "KUGEL");
	cr_expect(r.generated_at > 0);
	cr_assert_eq(r.n_goals, 2, "A and C; B has no accepted version");
	cr_expect_eq(r.goals[0].id, a);
	cr_expect_eq(r.goals[0].version, 2, "A has two versions");
	cr_expect(r.goals[0].has_accepted && r.goals[0].accepted.version == 2);
	cr_expect_str_eq(r.goals[0].accepted.target_value, "45");
	cr_expect_eq(r.goals[0].n_history, 0);
	cr_expect_eq(r.goals[1].id, c);
	cr_expect(r.goals[1].retired, "C is reported as retired");
	for (size_t i = 0; i < r.n_goals; i++)
		cr_expect_neq(r.goals[i].id, b);
	cr_assert_eq(r.n_updates, 1, "only the approved update of the year");
	cr_expect_eq(r.updates[0].id, u_this);
	cr_expect_eq(r.updates[0].state, QT_PROGRESS_APPROVED);
	cr_assert_eq(r.updates[0].n_values, 1);
	cr_expect_str_eq(r.updates[0].values[0].actual_value, "17.5");
	cr_expect_str_eq(r.updates[0].values[0].unit, "Personen");
	cr_expect_str_eq(r.updates[0].topics, "Hitze in den Dachwohnungen");
	cr_expect_eq(r.updates[0].reviewed_by, k.office_acct);
	cr_assert_eq(r.n_funds, 1, "only this year's fund");
	cr_expect_eq(r.funds[0].id, fund_this);
	cr_expect_eq(r.funds[0].allocated_cents, 100000);
	cr_expect_eq(r.funds[0].committed_cents, 20000);
	cr_expect_eq(r.funds[0].paid_cents, 15000);
	cr_expect_eq(r.funds[0].balance_cents, 85000);
	cr_expect_eq(r.continuation.version, 1);
	cr_expect_eq(r.continuation.status, QT_CONTINUATION_AGREED);
	cr_expect_str_eq(r.continuation.summary, "Das Stadtteilhaus übernimmt den Treff.");
	cr_assert_eq(r.continuation.n_blocks, 1);
	cr_expect_eq(r.continuation.blocks[0].block, QT_BLOCK_STANDING_FACILITY);
	cr_expect_str_eq(r.continuation.blocks[0].responsible, "Stadtteilhaus Süd");
	qt_annual_report_clear(&r);

	/* Last year's: its approved update and fund; no goal existed yet. */
	cr_assert_eq(qt_annual_report(k.other_coord, k.proj, year - 1, &r), QT_OK);
	cr_expect_eq(r.n_goals, 0);
	cr_assert_eq(r.n_updates, 1);
	cr_expect_eq(r.updates[0].id, u_last);
	cr_assert_eq(r.n_funds, 1);
	cr_expect_eq(r.funds[0].id, fund_last);
	cr_expect_eq(r.funds[0].allocated_cents, 0);
	qt_annual_report_clear(&r);

	/* Another project: nothing of KUGEL's, no plan. */
	cr_assert_eq(qt_annual_report(k.coord, k.other_proj, year, &r), QT_OK);
	cr_expect_eq(r.n_goals, 1);
	cr_expect_eq(r.n_updates, 0);
	cr_expect_eq(r.n_funds, 0);
	cr_expect_eq(r.continuation.version, 0);
	cr_expect_eq(r.continuation.n_blocks, 0);
	qt_annual_report_clear(&r);
	cast_end(&k);
}
