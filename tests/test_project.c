/* Integration tests of the project registry through libquartier against a
 * real quartierd and PostgreSQL: create/get/list/update, filters and keyset
 * paging, optimistic locking, the lifecycle, the permission matrix as the
 * server applies it, the audit log and input validation. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

TestSuite(project, .fini = harness_fini, .timeout = 120);

/* A project to create: zero ids are left out. */
typedef struct spec {
	const char *name;
	qt_project_kind_t kind;
	int64_t quarters[2];
	int64_t offices[2];
	int64_t coordinators[2];
	int64_t carrier;
} spec_t;

static size_t nonzero(const int64_t *ids, size_t n)
{
	size_t k = 0;

	while (k < n && ids[k] != 0)
		k++;
	return k;
}

static qt_project_new_t new_from(const spec_t *s)
{
	qt_project_new_t in;

	memset(&in, 0, sizeof(in));
	in.name = s->name;
	in.kind = s->kind;
	in.quarter_ids = s->quarters;
	in.n_quarter_ids = nonzero(s->quarters, 2);
	in.lead_office_ids = s->offices;
	in.n_lead_office_ids = nonzero(s->offices, 2);
	in.coordinator_ids = s->coordinators;
	in.n_coordinator_ids = nonzero(s->coordinators, 2);
	in.carrier_id = s->carrier;
	return in;
}

/* Creates a project (asserting success) and returns its id. */
static int64_t create(qt_client_t *c, const spec_t *s)
{
	qt_project_new_t in = new_from(s);
	qt_project_t p;
	qt_status_t st;
	int64_t id;

	memset(&p, 0, sizeof(p));
	st = qt_project_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "create \"%s\": %s: %s (field %s)", s->name, qt_status_name(st),
	             qt_client_last_error(c)->message,
	             qt_client_last_error(c)->field ? qt_client_last_error(c)->field : "-");
	id = p.id;
	cr_assert_gt(id, 0);
	qt_project_clear(&p);
	return id;
}

static qt_project_t get(qt_client_t *c, int64_t id)
{
	qt_project_t p;
	qt_status_t st;

	memset(&p, 0, sizeof(p));
	st = qt_project_get(c, id, &p);
	cr_assert_eq(st, QT_OK, "get %lld: %s: %s", (long long)id, qt_status_name(st),
	             qt_client_last_error(c)->message);
	return p;
}

static int64_t version_of(qt_client_t *c, int64_t id)
{
	qt_project_t p = get(c, id);
	int64_t v = p.version;

	qt_project_clear(&p);
	return v;
}

static int64_t audit_count(int64_t project_id)
{
	char id[32];

	snprintf(id, sizeof(id), "%lld", (long long)project_id);
	return harness_sql_int(
	    &H,
	    "SELECT count(*) FROM audit WHERE entity = 'project' AND entity_id = "
	    "$1::bigint",
	    1, id, NULL, NULL);
}

static int64_t project_count(void)
{
	return harness_sql_int(&H, "SELECT count(*) FROM project", 0, NULL, NULL, NULL);
}

/* Lists all pages of f (page size as given) and returns the ids in order
 * in ids (at most max); returns the count. */
static size_t list_all(qt_client_t *c, qt_project_filter_t f, int64_t *ids, size_t max)
{
	size_t total = 0;
	int pages = 0;

	f.after_id = 0;
	for (;;) {
		qt_project_t *list = NULL;
		size_t n = 0;
		int64_t next = -1;
		qt_status_t st = qt_project_list(c, &f, &list, &n, &next);

		cr_assert_eq(st, QT_OK, "list: %s: %s", qt_status_name(st),
		             qt_client_last_error(c)->message);
		cr_assert_lt(++pages, 100, "paging does not end");
		if (f.page_size != 0)
			cr_assert_leq(n, f.page_size, "page of %zu entries for page_size %u", n,
			              f.page_size);
		for (size_t i = 0; i < n; i++) {
			cr_assert_lt(total, max, "more projects than expected");
			ids[total++] = list[i].id;
		}
		qt_project_list_free(list, n);
		if (next == 0)
			break;
		cr_assert_gt(next, f.after_id, "next_after_id must move forward");
		if (n > 0)
			cr_assert_eq(next, ids[total - 1],
			             "next_after_id is the last id of the page");
		f.after_id = next;
	}
	return total;
}

static void expect_ids(const int64_t *got, size_t n_got, const int64_t *want, size_t n_want,
                       const char *what)
{
	char g[512] = "", w[512] = "";

	for (size_t i = 0; i < n_got; i++)
		snprintf(g + strlen(g), sizeof(g) - strlen(g), "%s%lld", i ? "," : "",
		         (long long)got[i]);
	for (size_t i = 0; i < n_want; i++)
		snprintf(w + strlen(w), sizeof(w) - strlen(w), "%s%lld", i ? "," : "",
		         (long long)want[i]);
	cr_assert_str_eq(g, w, "%s: got [%s], expected [%s]", what, g, w);
}

/* ------------------------------------------------------------ CRUD */

Test(project, create_get_update_as_admin)
{
	qt_client_t *c;
	qt_project_new_t in;
	qt_project_patch_t patch;
	qt_project_t p, g, u;
	int64_t quarters[] = {0};
	int64_t offices[] = {0};
	int64_t both[2];
	time_t now = time(NULL);
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	quarters[0] = H.seed.quarter_heslach;
	offices[0] = H.seed.office_social;
	memset(&in, 0, sizeof(in));
	in.name = "Quartiersarbeit Heslach \u2013 S\u00fcd";
	in.kind = QT_KIND_COMPREHENSIVE;
	in.quarter_ids = quarters;
	in.n_quarter_ids = 1;
	in.lead_office_ids = offices;
	in.n_lead_office_ids = 1;
	in.carrier_id = H.seed.org_caritas;
	in.start_date = "2024-01-01";
	in.end_date = "2026-12-31";
	in.description = "Stadtteilarbeit mit\nmehreren Zeilen";

	memset(&p, 0, sizeof(p));
	st = qt_project_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_gt(p.id, 0);
	cr_assert_eq(p.version, 1);
	cr_assert_str_eq(p.name, in.name);
	cr_assert_eq(p.kind, QT_KIND_COMPREHENSIVE);
	cr_assert_eq(p.status, QT_PSTATUS_APPLICATION);
	cr_assert_eq(p.n_quarter_ids, 1);
	cr_assert_eq(p.quarter_ids[0], H.seed.quarter_heslach);
	cr_assert_eq(p.n_quarter_names, 1);
	cr_assert_str_eq(p.quarter_names[0], "Heslach");
	cr_assert_eq(p.n_lead_office_ids, 1);
	cr_assert_eq(p.lead_office_ids[0], H.seed.office_social);
	cr_assert_eq(p.n_lead_office_names, 1);
	cr_assert_str_eq(p.lead_office_names[0], "Sozialamt");
	cr_assert_eq(p.carrier_id, H.seed.org_caritas);
	cr_assert_str_eq(p.carrier_name, "Caritasverband Stuttgart");
	cr_assert_eq(p.n_coordinator_ids, 0);
	cr_assert_str_eq(p.start_date, "2024-01-01");
	cr_assert_str_eq(p.end_date, "2026-12-31");
	cr_assert_str_eq(p.description, "Stadtteilarbeit mit\nmehreren Zeilen");
	cr_assert_str_eq(p.district_names, "S\u00fcd");
	cr_assert(p.created_at > now - 300 && p.created_at < now + 300, "created_at %lld",
	          (long long)p.created_at);
	cr_assert_geq(p.updated_at, p.created_at);

	g = get(c, p.id);
	cr_assert_eq(g.id, p.id);
	cr_assert_eq(g.version, 1);
	cr_assert_str_eq(g.name, p.name);
	cr_assert_str_eq(g.description, p.description);
	cr_assert_eq(g.carrier_id, p.carrier_id);
	cr_assert_str_eq(g.start_date, "2024-01-01");
	qt_project_clear(&g);

	/* A partial update changes only what it names. */
	memset(&patch, 0, sizeof(patch));
	patch.id = p.id;
	patch.expected_version = 1;
	patch.name = "Quartiersarbeit Heslach";
	patch.description = "neu";
	patch.end_date = "2027-06-30";
	memset(&u, 0, sizeof(u));
	st = qt_project_update(c, &patch, &u);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_eq(u.version, 2);
	cr_assert_str_eq(u.name, "Quartiersarbeit Heslach");
	cr_assert_str_eq(u.description, "neu");
	cr_assert_str_eq(u.end_date, "2027-06-30");
	cr_assert_str_eq(u.start_date, "2024-01-01");
	cr_assert_eq(u.kind, QT_KIND_COMPREHENSIVE);
	cr_assert_eq(u.carrier_id, H.seed.org_caritas);
	cr_assert_eq(u.n_quarter_ids, 1);
	cr_assert_eq(u.status, QT_PSTATUS_APPLICATION);
	qt_project_clear(&u);

	/* Clearing: "" clears a date, carrier 0 clears the carrier; lists are
	 * replaced as a whole. */
	memset(&patch, 0, sizeof(patch));
	patch.id = p.id;
	patch.expected_version = 2;
	patch.end_date = "";
	patch.set_carrier_id = 1;
	patch.carrier_id = 0;
	patch.kind = QT_KIND_FOCUSED;
	both[0] = H.seed.quarter_heslach;
	both[1] = H.seed.quarter_rot;
	patch.set_quarter_ids = 1;
	patch.quarter_ids = both;
	patch.n_quarter_ids = 2;
	memset(&u, 0, sizeof(u));
	st = qt_project_update(c, &patch, &u);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_eq(u.version, 3);
	cr_assert_null(u.end_date, "end_date was cleared");
	cr_assert_str_eq(u.start_date, "2024-01-01");
	cr_assert_eq(u.carrier_id, 0);
	cr_assert_null(u.carrier_name);
	cr_assert_eq(u.kind, QT_KIND_FOCUSED);
	cr_assert_eq(u.n_quarter_ids, 2);
	cr_assert_not_null(u.district_names);
	cr_assert_not_null(strstr(u.district_names, "Nord"), "%s", u.district_names);
	cr_assert_not_null(strstr(u.district_names, "S\u00fcd"), "%s", u.district_names);
	cr_assert_str_eq(u.description, "neu");
	qt_project_clear(&u);

	/* Unknown ids. */
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_project_get(c, 999999, &g), QT_NOT_FOUND);
	patch.id = 999999;
	patch.expected_version = 1;
	cr_assert_eq(qt_project_update(c, &patch, &u), QT_NOT_FOUND);

	cr_assert_eq(project_count(), 1);
	qt_project_clear(&p);
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ list and paging */

Test(project, list_filters_and_paging)
{
	qt_client_t *c;
	harness_seed_t *s = &H.seed;
	int64_t p[5], got[32];
	qt_project_filter_t f;
	qt_project_t moved;
	size_t n;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	{
		/* clang-format off */
		const spec_t specs[5] = {
			{"P1 Heslach umfassend", QT_KIND_COMPREHENSIVE, {s->quarter_heslach}, {s->office_social}, {0}, 0},
			{"P2 Rot fokussiert", QT_KIND_FOCUSED, {s->quarter_rot}, {s->office_planning}, {0}, 0},
			{"P3 beide", QT_KIND_FOCUSED, {s->quarter_heslach, s->quarter_rot},
			 {s->office_social, s->office_planning}, {0}, 0},
			{"P4 Rot umfassend", QT_KIND_COMPREHENSIVE, {s->quarter_rot}, {s->office_social}, {0}, 0},
			{"P5 Heslach fokussiert", QT_KIND_FOCUSED, {s->quarter_heslach}, {s->office_planning}, {0}, 0},
		}; /* clang-format on */

		for (int i = 0; i < 5; i++) {
			p[i] = create(c, &specs[i]);
			if (i > 0)
				cr_assert_gt(p[i], p[i - 1], "ids ascend with creation");
		}
	}
	memset(&moved, 0, sizeof(moved));
	cr_assert_eq(qt_project_transition(c, p[3], 1, QT_PSTATUS_ASSESSMENT, NULL, &moved), QT_OK,
	             "%s", qt_client_last_error(c)->message);
	qt_project_clear(&moved);

	/* No filter, default page size. */
	memset(&f, 0, sizeof(f));
	n = list_all(c, f, got, 32);
	expect_ids(got, n, p, 5, "all");

	/* District by name, case-insensitively; and by id. */
	f.district = "s\u00fcd";
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[0], p[2], p[4]}, 3, "district s\u00fcd");
	f.district = "S\u00fcD";
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[0], p[2], p[4]}, 3, "district S\u00fcD");
	/* An unknown district name is either refused, naming the field, or
	 * matches nothing. */
	{
		qt_project_t *list = NULL;
		size_t k = 0;
		int64_t next = 0;
		qt_status_t st;

		f.district = "Nowhere";
		st = qt_project_list(c, &f, &list, &k, &next);
		if (st == QT_OK) {
			cr_assert_eq(k, 0, "unknown district name: empty list");
			qt_project_list_free(list, k);
		} else {
			cr_assert_eq(st, QT_INVALID_ARGUMENT, "unknown district: %s",
			             qt_status_name(st));
			cr_assert(harness_field_is(qt_client_last_error(c)->field, "district"),
			          "field %s",
			          qt_client_last_error(c)->field ? qt_client_last_error(c)->field
			                                         : "(none)");
		}
	}
	f.district = NULL;
	f.district_id = s->district_sued;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[0], p[2], p[4]}, 3, "district id S\u00fcd");
	f.district_id = 0;

	f.quarter_id = s->quarter_rot;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[1], p[2], p[3]}, 3, "quarter Rot");
	f.quarter_id = 0;

	f.kind = QT_KIND_FOCUSED;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[1], p[2], p[4]}, 3, "kind focused");
	f.kind = QT_KIND_UNSPECIFIED;

	f.status = QT_PSTATUS_ASSESSMENT;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[3]}, 1, "status assessment");
	f.status = QT_PSTATUS_APPLICATION;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[0], p[1], p[2], p[4]}, 4, "status application");
	f.status = QT_PSTATUS_UNSPECIFIED;

	f.lead_office_id = s->office_social;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[0], p[2], p[3]}, 3, "lead office Sozialamt");
	f.lead_office_id = 0;

	/* Filters combine. */
	f.district = "s\u00fcd";
	f.kind = QT_KIND_FOCUSED;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[2], p[4]}, 2, "S\u00fcd and focused");
	memset(&f, 0, sizeof(f));

	/* Paging with page_size 2: every project once, ascending, no gaps. */
	f.page_size = 2;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, p, 5, "page_size 2");
	/* Page by page, checking sizes. */
	{
		qt_project_t *list = NULL;
		size_t k = 0;
		int64_t next = 0;

		f.after_id = 0;
		cr_assert_eq(qt_project_list(c, &f, &list, &k, &next), QT_OK);
		cr_assert_eq(k, 2);
		cr_assert(list[0].id == p[0] && list[1].id == p[1]);
		cr_assert_eq(next, p[1]);
		qt_project_list_free(list, k);
		f.after_id = next;
		cr_assert_eq(qt_project_list(c, &f, &list, &k, &next), QT_OK);
		cr_assert_eq(k, 2);
		cr_assert(list[0].id == p[2] && list[1].id == p[3]);
		qt_project_list_free(list, k);
		f.after_id = next;
		cr_assert_eq(qt_project_list(c, &f, &list, &k, &next), QT_OK);
		cr_assert_eq(k, 1);
		cr_assert_eq(list[0].id, p[4]);
		cr_assert_eq(next, 0, "the last page says there is no more");
		qt_project_list_free(list, k);
		/* Starting after an id in the middle. */
		f.after_id = p[2];
		f.page_size = 10;
		cr_assert_eq(qt_project_list(c, &f, &list, &k, &next), QT_OK);
		cr_assert_eq(k, 2);
		cr_assert(list[0].id == p[3] && list[1].id == p[4]);
		cr_assert_eq(next, 0);
		qt_project_list_free(list, k);
	}
	/* Paging combined with a filter. */
	memset(&f, 0, sizeof(f));
	f.page_size = 1;
	f.kind = QT_KIND_FOCUSED;
	n = list_all(c, f, got, 32);
	expect_ids(got, n, (int64_t[]){p[1], p[2], p[4]}, 3, "focused, page_size 1");

	/* Page size above the maximum is refused or capped, never more than 500. */
	{
		qt_project_t *list = NULL;
		size_t k = 0;
		int64_t next = 0;
		qt_status_t st;

		memset(&f, 0, sizeof(f));
		f.page_size = 100000;
		st = qt_project_list(c, &f, &list, &k, &next);
		cr_assert(st == QT_OK || st == QT_INVALID_ARGUMENT, "%s", qt_status_name(st));
		if (st == QT_OK)
			qt_project_list_free(list, k);
	}
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ optimistic locking */

Test(project, stale_version_conflicts)
{
	qt_client_t *a, *b;
	qt_project_patch_t patch;
	qt_project_t out, g;
	int64_t id;
	qt_status_t st;
	spec_t s = {"Konflikt", QT_KIND_FOCUSED, {0}, {0}, {0}, 0};

	harness_standard(&H, NULL);
	a = harness_login(&H, "admin", HARNESS_PASSWORD);
	b = harness_login(&H, "admin", HARNESS_PASSWORD);
	s.quarters[0] = H.seed.quarter_heslach;
	s.offices[0] = H.seed.office_social;
	id = create(a, &s);

	memset(&patch, 0, sizeof(patch));
	patch.id = id;
	patch.expected_version = 1;
	patch.name = "Erste Fassung";
	memset(&out, 0, sizeof(out));
	cr_assert_eq(qt_project_update(a, &patch, &out), QT_OK, "%s",
	             qt_client_last_error(a)->message);
	cr_assert_eq(out.version, 2);
	qt_project_clear(&out);

	patch.name = "Zweite Fassung"; /* same expected_version 1: stale */
	st = qt_project_update(b, &patch, &out);
	cr_assert_eq(st, QT_CONFLICT, "got %s", qt_status_name(st));
	cr_assert_not(qt_client_last_error(b)->retryable,
	              "a stale update must not be retried as is");

	g = get(b, id);
	cr_assert_str_eq(g.name, "Erste Fassung", "the first change is kept");
	cr_assert_eq(g.version, 2);
	qt_project_clear(&g);
	cr_assert_eq(audit_count(id), 2, "create + one update");

	/* A transition with a stale version conflicts too. */
	st = qt_project_transition(b, id, 1, QT_PSTATUS_ASSESSMENT, NULL, &out);
	cr_assert_eq(st, QT_CONFLICT, "got %s", qt_status_name(st));
	cr_assert_eq(version_of(b, id), 2);
	qt_client_free(b);
	qt_client_free(a);
	harness_finish(&H);
}

/* ------------------------------------------------------------ lifecycle */

Test(project, lifecycle_transitions)
{
	qt_client_t *c;
	qt_project_t out, g;
	const qt_error_t *e;
	int64_t id, v;
	qt_status_t st;
	spec_t s = {"Lebenszyklus", QT_KIND_COMPREHENSIVE, {0}, {0}, {0}, 0};
	static const qt_project_status_t chain[] = {QT_PSTATUS_ASSESSMENT, QT_PSTATUS_APPROVED,
	                                            QT_PSTATUS_RUNNING};

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	s.quarters[0] = H.seed.quarter_rot;
	s.offices[0] = H.seed.office_planning;
	id = create(c, &s);

	/* application -> running skips steps. */
	memset(&out, 0, sizeof(out));
	st = qt_project_transition(c, id, 1, QT_PSTATUS_RUNNING, NULL, &out);
	cr_assert_eq(st, QT_FAILED_PRECONDITION, "got %s", qt_status_name(st));
	e = qt_client_last_error(c);
	cr_assert_not_null(e->message);
	cr_assert_gt(strlen(e->message), 10, "the refusal says why: \"%s\"", e->message);
	g = get(c, id);
	cr_assert_eq(g.status, QT_PSTATUS_APPLICATION);
	cr_assert_eq(g.version, 1);
	qt_project_clear(&g);

	/* The regular chain. */
	v = 1;
	for (size_t i = 0; i < sizeof(chain) / sizeof(chain[0]); i++) {
		memset(&out, 0, sizeof(out));
		st = qt_project_transition(c, id, v, chain[i], NULL, &out);
		cr_assert_eq(st, QT_OK, "-> %s: %s: %s", qt_project_status_name(chain[i]),
		             qt_status_name(st), qt_client_last_error(c)->message);
		cr_assert_eq(out.status, chain[i]);
		cr_assert_eq(out.version, v + 1);
		v = out.version;
		qt_project_clear(&out);
	}

	/* Ending needs a reason. */
	st = qt_project_transition(c, id, v, QT_PSTATUS_ENDED, NULL, &out);
	cr_assert_eq(st, QT_FAILED_PRECONDITION, "ending without reason: %s", qt_status_name(st));
	cr_assert_not_null(strstr(qt_client_last_error(c)->message, "reason"), "\"%s\"",
	                   qt_client_last_error(c)->message);
	st = qt_project_transition(c, id, v, QT_PSTATUS_ENDED, "", &out);
	cr_assert_eq(st, QT_FAILED_PRECONDITION, "ending with an empty reason: %s",
	             qt_status_name(st));
	cr_assert_eq(version_of(c, id), v);

	memset(&out, 0, sizeof(out));
	st = qt_project_transition(c, id, v, QT_PSTATUS_ENDED, "F\u00f6rderung ausgelaufen", &out);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_eq(out.status, QT_PSTATUS_ENDED);
	v = out.version;
	qt_project_clear(&out);

	/* Ended is final. */
	st = qt_project_transition(c, id, v, QT_PSTATUS_RUNNING, "wieder aufnehmen", &out);
	cr_assert_eq(st, QT_FAILED_PRECONDITION, "got %s", qt_status_name(st));
	/* The same status again is refused as well. */
	st = qt_project_transition(c, id, v, QT_PSTATUS_ENDED, "nochmal", &out);
	cr_assert_eq(st, QT_FAILED_PRECONDITION, "got %s", qt_status_name(st));
	cr_assert_eq(audit_count(id), 5, "create + 4 transitions");
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ permissions */

Test(project, permissions_by_role)
{
	qt_client_t *admin, *coord, *office, *viewer;
	harness_seed_t *s;
	qt_project_patch_t patch;
	qt_project_t out, g;
	int64_t coord_id, coord2_id, own, other, audits, v;
	qt_status_t st;

	harness_standard(&H, NULL);
	s = &H.seed;
	coord_id =
	    harness_account(&H, "koordination", "coordinator", 0, s->org_caritas, HARNESS_PASSWORD);
	coord2_id = harness_account(&H, "koordination2", "coordinator", 0, s->org_initiative,
	                            HARNESS_PASSWORD);
	harness_account(&H, "sozialamt", "office", s->office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "planung", "office", s->office_planning, 0, HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);

	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	{
		spec_t a = {"Eigenes Projekt",    QT_KIND_COMPREHENSIVE,
		            {s->quarter_heslach}, {s->office_social},
		            {coord_id},           s->org_caritas};
		spec_t b = {"Fremdes Projekt",    QT_KIND_FOCUSED, {s->quarter_rot},
		            {s->office_planning}, {coord2_id},     s->org_initiative};
		own = create(admin, &a);
		other = create(admin, &b);
	}
	coord = harness_login(&H, "koordination", HARNESS_PASSWORD);
	office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	viewer = harness_login(&H, "leser", HARNESS_PASSWORD);

	/* Coordinator, project it does not coordinate: denied, nothing stored. */
	audits = audit_count(other);
	memset(&patch, 0, sizeof(patch));
	patch.id = other;
	patch.expected_version = 1;
	patch.description = "fremd bearbeitet";
	st = qt_project_update(coord, &patch, &out);
	cr_assert_eq(st, QT_PERMISSION_DENIED, "coordinator on other project: %s",
	             qt_status_name(st));
	g = get(admin, other);
	cr_assert_eq(g.version, 1, "the row is unchanged");
	cr_assert(g.description == NULL || strcmp(g.description, "fremd bearbeitet") != 0);
	qt_project_clear(&g);
	cr_assert_eq(audit_count(other), audits, "no audit row for a refused change");

	/* Coordinator, own project, descriptive field: allowed. */
	patch.id = own;
	patch.expected_version = 1;
	patch.description = "Beschreibung der Koordination";
	memset(&out, 0, sizeof(out));
	st = qt_project_update(coord, &patch, &out);
	cr_assert_eq(st, QT_OK, "coordinator on own project: %s: %s", qt_status_name(st),
	             qt_client_last_error(coord)->message);
	cr_assert_str_eq(out.description, "Beschreibung der Koordination");
	v = out.version;
	cr_assert_eq(v, 2);
	qt_project_clear(&out);

	/* Coordinator, own project, lead offices or kind: denied. */
	memset(&patch, 0, sizeof(patch));
	patch.id = own;
	patch.expected_version = v;
	{
		int64_t leads[] = {s->office_social, s->office_planning};
		patch.set_lead_office_ids = 1;
		patch.lead_office_ids = leads;
		patch.n_lead_office_ids = 2;
		st = qt_project_update(coord, &patch, &out);
	}
	cr_assert_eq(st, QT_PERMISSION_DENIED, "coordinator changing lead offices: %s",
	             qt_status_name(st));
	memset(&patch, 0, sizeof(patch));
	patch.id = own;
	patch.expected_version = v;
	patch.kind = QT_KIND_FOCUSED;
	st = qt_project_update(coord, &patch, &out);
	cr_assert_eq(st, QT_PERMISSION_DENIED, "coordinator changing the kind: %s",
	             qt_status_name(st));
	cr_assert_eq(version_of(admin, own), v);

	/* Office, project its office leads: allowed; other office's: denied. */
	memset(&patch, 0, sizeof(patch));
	patch.id = own;
	patch.expected_version = v;
	patch.name = "Eigenes Projekt (Sozialamt)";
	memset(&out, 0, sizeof(out));
	st = qt_project_update(office, &patch, &out);
	cr_assert_eq(st, QT_OK, "office on its project: %s: %s", qt_status_name(st),
	             qt_client_last_error(office)->message);
	v = out.version;
	qt_project_clear(&out);
	patch.id = other;
	patch.expected_version = 1;
	st = qt_project_update(office, &patch, &out);
	cr_assert_eq(st, QT_PERMISSION_DENIED, "office on another office's project: %s",
	             qt_status_name(st));
	cr_assert_eq(version_of(admin, other), 1);

	/* Office creates projects its office leads, no others. */
	{
		spec_t mine = {"Neu vom Sozialamt",
		               QT_KIND_FOCUSED,
		               {s->quarter_heslach},
		               {s->office_social},
		               {0},
		               0};
		spec_t theirs = {"Neu f\u00fcr Planung",
		                 QT_KIND_FOCUSED,
		                 {s->quarter_heslach},
		                 {s->office_planning},
		                 {0},
		                 0};
		qt_project_new_t in = new_from(&theirs);
		int64_t before = project_count();

		create(office, &mine);
		st = qt_project_create(office, &in, &out);
		cr_assert_eq(st, QT_PERMISSION_DENIED, "office creating for another office: %s",
		             qt_status_name(st));
		cr_assert_eq(project_count(), before + 1);
	}

	/* Viewer: reads, never writes. */
	{
		spec_t any = {
		    "Vom Leser", QT_KIND_FOCUSED, {s->quarter_heslach}, {s->office_social}, {0}, 0};
		qt_project_new_t in = new_from(&any);
		qt_project_filter_t f;
		qt_project_t *list = NULL;
		size_t n = 0;
		int64_t next;

		st = qt_project_create(viewer, &in, &out);
		cr_assert_eq(st, QT_PERMISSION_DENIED, "viewer create: %s", qt_status_name(st));
		memset(&patch, 0, sizeof(patch));
		patch.id = own;
		patch.expected_version = v;
		patch.description = "vom Leser";
		st = qt_project_update(viewer, &patch, &out);
		cr_assert_eq(st, QT_PERMISSION_DENIED, "viewer update: %s", qt_status_name(st));
		st = qt_project_transition(viewer, own, v, QT_PSTATUS_ASSESSMENT, NULL, &out);
		cr_assert_eq(st, QT_PERMISSION_DENIED, "viewer transition: %s", qt_status_name(st));
		g = get(viewer, own);
		cr_assert_eq(g.version, v);
		qt_project_clear(&g);
		memset(&f, 0, sizeof(f));
		cr_assert_eq(qt_project_list(viewer, &f, &list, &n, &next), QT_OK);
		cr_assert_eq(n, 3);
		qt_project_list_free(list, n);
	}

	/* Coordinator submits its application for assessment, nothing further. */
	memset(&out, 0, sizeof(out));
	st = qt_project_transition(coord, own, v, QT_PSTATUS_ASSESSMENT, NULL, &out);
	cr_assert_eq(st, QT_OK, "coordinator submitting: %s: %s", qt_status_name(st),
	             qt_client_last_error(coord)->message);
	v = out.version;
	qt_project_clear(&out);
	st = qt_project_transition(coord, own, v, QT_PSTATUS_APPROVED, NULL, &out);
	cr_assert_eq(st, QT_PERMISSION_DENIED, "coordinator approving: %s", qt_status_name(st));
	st = qt_project_transition(coord, other, 1, QT_PSTATUS_ASSESSMENT, NULL, &out);
	cr_assert_eq(st, QT_PERMISSION_DENIED, "coordinator submitting another's: %s",
	             qt_status_name(st));

	qt_client_free(viewer);
	qt_client_free(office);
	qt_client_free(coord);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ audit */

Test(project, audit_rows)
{
	qt_client_t *admin, *office;
	qt_project_patch_t patch;
	qt_project_t out;
	qt_audit_entry_t *entries = NULL;
	size_t n = 0;
	int64_t id, office_id;
	char idtxt[32];
	PGresult *res;
	const char *params[1];
	time_t now = time(NULL);
	spec_t s = {"Audit", QT_KIND_FOCUSED, {0}, {0}, {0}, 0};
	static const char *const actions[] = {"project.create", "project.update",
	                                      "project.transition"};

	harness_standard(&H, NULL);
	office_id =
	    harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	s.quarters[0] = H.seed.quarter_heslach;
	s.offices[0] = H.seed.office_social;
	id = create(admin, &s);

	memset(&patch, 0, sizeof(patch));
	patch.id = id;
	patch.expected_version = 1;
	patch.description = "vom Amt";
	memset(&out, 0, sizeof(out));
	cr_assert_eq(qt_project_update(office, &patch, &out), QT_OK, "%s",
	             qt_client_last_error(office)->message);
	qt_project_clear(&out);
	cr_assert_eq(qt_project_transition(admin, id, 2, QT_PSTATUS_ASSESSMENT, NULL, &out), QT_OK,
	             "%s", qt_client_last_error(admin)->message);
	qt_project_clear(&out);

	snprintf(idtxt, sizeof(idtxt), "%lld", (long long)id);
	params[0] = idtxt;
	res = PQexecParams(
	    harness_pg(&H),
	    "SELECT action, account_id, before IS NOT NULL, after IS NOT NULL FROM audit "
	    "WHERE entity = 'project' AND entity_id = $1::bigint ORDER BY id",
	    1, NULL, params, NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	cr_assert_eq(PQntuples(res), 3);
	{
		const int64_t who[] = {H.admin_id, office_id, H.admin_id};
		const char *before[] = {"f", "t", "t"};
		for (int i = 0; i < 3; i++) {
			cr_assert_str_eq(PQgetvalue(res, i, 0), actions[i], "row %d", i);
			cr_assert_eq(strtoll(PQgetvalue(res, i, 1), NULL, 10), who[i],
			             "row %d account", i);
			cr_assert_str_eq(PQgetvalue(res, i, 2), before[i], "row %d before", i);
			cr_assert_str_eq(PQgetvalue(res, i, 3), "t", "row %d after", i);
		}
	}
	PQclear(res);

	/* Through the API: newest first. */
	cr_assert_eq(qt_audit_list(admin, "project", id, 0, &entries, &n), QT_OK, "%s",
	             qt_client_last_error(admin)->message);
	cr_assert_eq(n, 3);
	for (size_t i = 0; i < 3; i++) {
		const qt_audit_entry_t *e = &entries[i];
		cr_assert_str_eq(e->action, actions[2 - i], "entry %zu", i);
		cr_assert_str_eq(e->entity, "project");
		cr_assert_eq(e->entity_id, id);
		cr_assert_eq(e->account_id, i == 1 ? office_id : H.admin_id, "entry %zu account",
		             i);
		cr_assert(e->at > now - 300 && e->at < now + 300, "entry %zu at %lld", i,
		          (long long)e->at);
		cr_assert_not_null(e->after_json);
		if (i > 0)
			cr_assert_lt(e->id, entries[i - 1].id, "newest first");
	}
	cr_assert_null(entries[2].before_json, "create has no before");
	cr_assert_not_null(entries[1].before_json);
	cr_assert_not_null(strstr(entries[1].after_json, "vom Amt"), "%s", entries[1].after_json);
	cr_assert_not_null(strstr(entries[0].after_json, "assessment"), "%s",
	                   entries[0].after_json);
	qt_audit_list_free(entries, n);

	/* A limit keeps the newest. */
	cr_assert_eq(qt_audit_list(admin, "project", id, 2, &entries, &n), QT_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(entries[0].action, "project.transition");
	qt_audit_list_free(entries, n);

	/* Non-admins see the project entries too. */
	cr_assert_eq(qt_audit_list(office, "project", id, 0, &entries, &n), QT_OK, "%s",
	             qt_client_last_error(office)->message);
	cr_assert_eq(n, 3);
	qt_audit_list_free(entries, n);

	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ validation */

typedef struct invalid_case {
	const char *what;
	const char *name;
	const char *start, *end;
	int64_t quarter; /* 0: the seeded one; -1: none */
	int64_t office;  /* 0: the seeded one; -1: none */
	int64_t carrier;
	const char *field; /* expected in the error */
} invalid_case_t;

Test(project, validation_errors_name_the_field)
{
	qt_client_t *c;
	int64_t before_projects, before_audit;
	char long_name[2 * 201 + 1];
	const invalid_case_t cases[] = {
	    {"empty name", "", NULL, NULL, 0, 0, 0, "name"},
	    {"end before start", "Daten", "2024-06-01", "2024-05-31", 0, 0, 0, "end_date"},
	    {"no such day", "Daten", "2024-02-30", NULL, 0, 0, 0, "start_date"},
	    {"not a date", "Daten", NULL, "31.12.2024", 0, 0, 0, "end_date"},
	    {"invalid UTF-8", "Quartier \xc3\x28 kaputt", NULL, NULL, 0, 0, 0, "name"},
	    {"control character", "Zeile\x01", NULL, NULL, 0, 0, 0, "name"},
	    {"name too long", long_name, NULL, NULL, 0, 0, 0, "name"},
	    {"unknown quarter", "Quartier", NULL, NULL, 999999, 0, 0, "quarter_ids"},
	    {"no quarter", "Quartier", NULL, NULL, -1, 0, 0, "quarter_ids"},
	    {"unknown office", "Quartier", NULL, NULL, 0, 999999, 0, "lead_office_ids"},
	    {"no office", "Quartier", NULL, NULL, 0, -1, 0, "lead_office_ids"},
	    {"unknown carrier", "Quartier", NULL, NULL, 0, 0, 999999, "carrier_id"},
	};

	for (int i = 0; i < 201; i++)
		memcpy(long_name + 2 * i, "\xc3\xa4", 2);
	long_name[402] = '\0';
	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	before_projects = project_count();
	before_audit = harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const invalid_case_t *k = &cases[i];
		int64_t q[1], o[1];
		qt_project_new_t in;
		qt_project_t out;
		const qt_error_t *e;
		qt_status_t st;

		q[0] = k->quarter > 0 ? k->quarter : H.seed.quarter_heslach;
		o[0] = k->office > 0 ? k->office : H.seed.office_social;
		memset(&in, 0, sizeof(in));
		in.name = k->name;
		in.kind = QT_KIND_FOCUSED;
		in.quarter_ids = q;
		in.n_quarter_ids = k->quarter < 0 ? 0 : 1;
		in.lead_office_ids = o;
		in.n_lead_office_ids = k->office < 0 ? 0 : 1;
		in.carrier_id = k->carrier;
		in.start_date = k->start;
		in.end_date = k->end;
		memset(&out, 0, sizeof(out));
		st = qt_project_create(c, &in, &out);
		e = qt_client_last_error(c);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "%s: got %s (%s)", k->what,
		             qt_status_name(st), e->message);
		cr_expect(harness_field_is(e->field, k->field), "%s: field \"%s\", expected \"%s\"",
		          k->what, e->field ? e->field : "(none)", k->field);
		cr_expect(e->message != NULL && strlen(e->message) > 0, "%s: no message", k->what);
		if (st == QT_OK)
			qt_project_clear(&out);
	}
	cr_assert_eq(project_count(), before_projects, "nothing was stored");
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL),
	             before_audit, "nothing was audited");

	/* The same rules on update; the version stays. */
	{
		spec_t s = {"Gueltig",
		            QT_KIND_FOCUSED,
		            {H.seed.quarter_heslach},
		            {H.seed.office_social},
		            {0},
		            0};
		qt_project_patch_t patch;
		qt_project_t out;
		int64_t id = create(c, &s);
		qt_status_t st;

		memset(&patch, 0, sizeof(patch));
		patch.id = id;
		patch.expected_version = 1;
		patch.start_date = "2025-01-01";
		patch.end_date = "2024-12-31";
		st = qt_project_update(c, &patch, &out);
		cr_assert_eq(st, QT_INVALID_ARGUMENT, "got %s", qt_status_name(st));
		cr_assert(harness_field_is(qt_client_last_error(c)->field, "end_date"), "field %s",
		          qt_client_last_error(c)->field ? qt_client_last_error(c)->field
		                                         : "(none)");
		memset(&patch, 0, sizeof(patch));
		patch.id = id;
		patch.expected_version = 1;
		patch.name = "";
		st = qt_project_update(c, &patch, &out);
		cr_assert_eq(st, QT_INVALID_ARGUMENT, "got %s", qt_status_name(st));
		cr_assert(harness_field_is(qt_client_last_error(c)->field, "name"));
		cr_assert_eq(version_of(c, id), 1);
	}
	qt_client_free(c);
	harness_finish(&H);
}
