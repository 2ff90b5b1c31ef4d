/* Integration tests of people and support groups (Projektbegleitgruppen)
 * through libquartier against a real quartierd and PostgreSQL: persons,
 * dated memberships ("members on day D" across disjoint and open periods),
 * overlap and date rules, who sees contact data, the permission rules
 * (a refused request changes nothing, not even the audit table) and input
 * validation naming the field. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(group, .fini = harness_fini, .timeout = 120);

/* ------------------------------------------------------------ helpers */

static const char *err_field(qt_client_t *c)
{
	const char *f = qt_client_last_error(c)->field;

	return f != NULL ? f : "(none)";
}

static int64_t count_rows(const char *table)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return harness_sql_int(&H, sql, 0, NULL, NULL, NULL);
}

/* Counts of the tables a refused request must leave alone. */
typedef struct snapshot {
	int64_t audit, person, membership;
} snapshot_t;

static snapshot_t snap(void)
{
	snapshot_t s = {count_rows("audit"), count_rows("person"), count_rows("membership")};

	return s;
}

static void expect_unchanged(const snapshot_t *before, const char *what)
{
	snapshot_t now = snap();

	cr_expect_eq(now.audit, before->audit, "%s: audit rows %lld -> %lld", what,
	             (long long)before->audit, (long long)now.audit);
	cr_expect_eq(now.person, before->person, "%s: persons changed", what);
	cr_expect_eq(now.membership, before->membership, "%s: memberships changed", what);
}

/* A project led by the given office with the given coordinator (0: none). */
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
	cr_assert_eq(st, QT_OK, "project %s: %s: %s", name, qt_status_name(st),
	             qt_client_last_error(c)->message);
	id = p.id;
	qt_project_clear(&p);
	return id;
}

/* Creates a person (asserting success) and returns its id. */
static int64_t person(qt_client_t *c, const char *name, const char *email, const char *phone,
                      int64_t account)
{
	qt_person_new_t in;
	qt_person_t p;
	qt_status_t st;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.email = email;
	in.phone = phone;
	in.account_id = account;
	memset(&p, 0, sizeof(p));
	st = qt_person_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "person %s: %s: %s (field %s)", name, qt_status_name(st),
	             qt_client_last_error(c)->message, err_field(c));
	id = p.id;
	qt_person_clear(&p);
	return id;
}

static qt_status_t add(qt_client_t *c, int64_t proj, int64_t pers, qt_member_role_t role,
                       const char *from, const char *until, int64_t *id_out)
{
	qt_membership_new_t in;
	qt_membership_t m;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	in.project_id = proj;
	in.person_id = pers;
	in.role = role;
	in.start_date = from;
	in.end_date = until;
	memset(&m, 0, sizeof(m));
	st = qt_membership_add(c, &in, &m);
	if (st == QT_OK) {
		cr_assert_eq(m.project_id, proj);
		cr_assert_eq(m.person_id, pers);
		cr_assert_eq(m.role, role);
		cr_assert_str_eq(m.start_date, from);
		if (until != NULL)
			cr_assert_str_eq(m.end_date, until);
		else
			cr_assert_null(m.end_date);
		if (id_out != NULL)
			*id_out = m.id;
		qt_membership_clear(&m);
	}
	return st;
}

static int64_t add_ok(qt_client_t *c, int64_t proj, int64_t pers, qt_member_role_t role,
                      const char *from, const char *until)
{
	int64_t id = 0;
	qt_status_t st = add(c, proj, pers, role, from, until, &id);

	cr_assert_eq(st, QT_OK, "add person %lld %s..%s: %s: %s (field %s)", (long long)pers, from,
	             until != NULL ? until : "open", qt_status_name(st),
	             qt_client_last_error(c)->message, err_field(c));
	return id;
}

/* The membership ids of the group on a day, sorted, as "1,2,3". */
static void members_on(qt_client_t *c, int64_t proj, const char *day, char *out, size_t len)
{
	qt_group_t g;
	int64_t ids[64];
	size_t n = 0;
	qt_status_t st;

	memset(&g, 0, sizeof(g));
	st = qt_group_members(c, proj, day, 0, &g);
	cr_assert_eq(st, QT_OK, "members on %s: %s: %s", day ? day : "today", qt_status_name(st),
	             qt_client_last_error(c)->message);
	if (day != NULL)
		cr_assert_str_eq(g.on_date, day);
	cr_assert_lt(g.n_members, 64);
	for (size_t i = 0; i < g.n_members; i++) {
		cr_assert(g.members[i].active, "members on a day are active on it");
		cr_assert_eq(g.members[i].project_id, proj);
		ids[n++] = g.members[i].id;
	}
	qt_group_clear(&g);
	/* Sort for comparison; the server orders by role and name. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && ids[k - 1] > ids[k]; k--) {
			int64_t t = ids[k];
			ids[k] = ids[k - 1];
			ids[k - 1] = t;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%lld", i ? "," : "",
		         (long long)ids[i]);
}

static void expect_members(qt_client_t *c, int64_t proj, const char *day, const char *want)
{
	char got[512];

	members_on(c, proj, day, got, sizeof(got));
	cr_expect_str_eq(got, want, "members on %s: got [%s], expected [%s]",
	                 day != NULL ? day : "today", got, want);
}

static char *ids_str(char *buf, size_t len, int n, const int64_t *ids)
{
	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%lld", i ? "," : "",
		         (long long)ids[i]);
	return buf;
}

/* ------------------------------------------------------------ persons */

Test(group, person_create_get_list_update)
{
	qt_client_t *c;
	qt_person_new_t in;
	qt_person_patch_t patch;
	qt_person_t p, g, u;
	qt_person_filter_t f;
	qt_person_t *list = NULL;
	size_t n = 0;
	int64_t next = 0, ids[3];
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	memset(&in, 0, sizeof(in));
	in.name = "Anna M\u00fcller";
	in.function = "Sozialplanerin";
	in.office_id = H.seed.office_social;
	in.email = "anna.mueller@stuttgart.de";
	in.phone = "+49 711 216-12345";
	memset(&p, 0, sizeof(p));
	st = qt_person_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_gt(p.id, 0);
	cr_assert_eq(p.version, 1);
	cr_assert_str_eq(p.name, "Anna M\u00fcller");
	cr_assert_str_eq(p.function, "Sozialplanerin");
	cr_assert_eq(p.office_id, H.seed.office_social);
	cr_assert_str_eq(p.office_name, "Sozialamt");
	cr_assert_eq(p.organisation_id, 0);
	cr_assert(p.contact_visible, "admins see contact data");
	cr_assert_str_eq(p.email, "anna.mueller@stuttgart.de");
	cr_assert_str_eq(p.phone, "+49 711 216-12345");
	ids[0] = p.id;

	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_person_get(c, p.id, &g), QT_OK);
	cr_assert_str_eq(g.name, p.name);
	cr_assert_str_eq(g.email, p.email);
	qt_person_clear(&g);

	/* Partial update: the office goes, an organisation comes, the phone
	 * is cleared, the rest stays. */
	memset(&patch, 0, sizeof(patch));
	patch.id = p.id;
	patch.expected_version = 1;
	patch.set_office_id = 1;
	patch.office_id = 0;
	patch.set_organisation_id = 1;
	patch.organisation_id = H.seed.org_caritas;
	patch.phone = "";
	patch.function = "Quartiersmanagerin";
	memset(&u, 0, sizeof(u));
	st = qt_person_update(c, &patch, &u);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_eq(u.version, 2);
	cr_assert_eq(u.office_id, 0);
	cr_assert_null(u.office_name);
	cr_assert_eq(u.organisation_id, H.seed.org_caritas);
	cr_assert_str_eq(u.organisation_name, "Caritasverband Stuttgart");
	cr_assert_null(u.phone, "the phone was cleared");
	cr_assert_str_eq(u.email, "anna.mueller@stuttgart.de");
	cr_assert_str_eq(u.function, "Quartiersmanagerin");
	cr_assert_str_eq(u.name, "Anna M\u00fcller");
	qt_person_clear(&u);

	/* A stale version conflicts and changes nothing. */
	patch.function = "veraltet";
	st = qt_person_update(c, &patch, &u);
	cr_assert_eq(st, QT_CONFLICT, "got %s", qt_status_name(st));
	cr_assert(harness_field_is(qt_client_last_error(c)->field, "expected_version"));
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_person_get(c, p.id, &g), QT_OK);
	cr_assert_eq(g.version, 2);
	cr_assert_str_eq(g.function, "Quartiersmanagerin");
	qt_person_clear(&g);
	qt_person_clear(&p);

	ids[1] = person(c, "Bernd Bauer", NULL, NULL, 0);
	ids[2] = person(c, "Carla Baumann", NULL, "0711 123456", 0);

	/* List: all, by name part (case-insensitive), paged. */
	memset(&f, 0, sizeof(f));
	cr_assert_eq(qt_person_list(c, &f, &list, &n, &next), QT_OK);
	cr_assert_eq(n, 3);
	cr_assert(list[0].id == ids[0] && list[1].id == ids[1] && list[2].id == ids[2]);
	cr_assert_eq(next, 0);
	qt_person_list_free(list, n);
	f.name = "BAU";
	cr_assert_eq(qt_person_list(c, &f, &list, &n, &next), QT_OK);
	cr_assert_eq(n, 2, "Bauer and Baumann");
	cr_assert(list[0].id == ids[1] && list[1].id == ids[2]);
	qt_person_list_free(list, n);
	f.name = NULL;
	f.organisation_id = H.seed.org_caritas;
	cr_assert_eq(qt_person_list(c, &f, &list, &n, &next), QT_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(list[0].id, ids[0]);
	qt_person_list_free(list, n);
	memset(&f, 0, sizeof(f));
	f.page_size = 2;
	cr_assert_eq(qt_person_list(c, &f, &list, &n, &next), QT_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(next, ids[1]);
	qt_person_list_free(list, n);
	f.after_id = next;
	cr_assert_eq(qt_person_list(c, &f, &list, &n, &next), QT_OK);
	cr_assert_eq(n, 1);
	cr_assert_eq(list[0].id, ids[2]);
	cr_assert_eq(next, 0);
	qt_person_list_free(list, n);

	/* Every change has its audit row. */
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM audit WHERE entity = 'person'", 0,
	                             NULL, NULL, NULL),
	             4, "3 creates + 1 update");
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_person_get(c, 999999, &g), QT_NOT_FOUND);
	qt_client_free(c);
	harness_finish(&H);
}

Test(group, account_link_is_unique_and_for_admins)
{
	qt_client_t *admin, *office;
	qt_person_new_t in;
	qt_person_t p;
	int64_t acct, first;
	snapshot_t before;
	qt_status_t st;

	harness_standard(&H, NULL);
	acct = harness_account(&H, "planerin", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	office = harness_login(&H, "planerin", HARNESS_PASSWORD);
	first = person(admin, "Paula Planerin", NULL, NULL, acct);

	before = snap();
	memset(&in, 0, sizeof(in));
	in.name = "Zweite Paula";
	in.account_id = acct;
	st = qt_person_create(admin, &in, &p);
	cr_assert_eq(st, QT_CONFLICT, "a second person for one account: %s", qt_status_name(st));
	cr_assert(harness_field_is(qt_client_last_error(admin)->field, "account_id"), "field %s",
	          err_field(admin));
	expect_unchanged(&before, "duplicate account link");

	/* Office staff create persons, but may not link accounts. */
	st = qt_person_create(office, &in, &p);
	cr_assert_eq(st, QT_PERMISSION_DENIED, "office linking an account: %s", qt_status_name(st));
	expect_unchanged(&before, "office linking an account");
	{
		qt_person_patch_t patch;

		memset(&patch, 0, sizeof(patch));
		patch.id = first;
		patch.expected_version = 1;
		patch.set_account_id = 1;
		patch.account_id = 0;
		st = qt_person_update(office, &patch, &p);
		cr_assert_eq(st, QT_PERMISSION_DENIED, "office unlinking: %s", qt_status_name(st));
		expect_unchanged(&before, "office unlinking an account");
	}
	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ dated memberships */

Test(group, members_on_a_day_across_disjoint_and_open_periods)
{
	qt_client_t *c;
	qt_group_t g;
	qt_membership_t m;
	int64_t proj, other, anna, bernd, carla, a1, a2, b1, c1, x1;
	char want[128];
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Gruppe", H.seed.office_social, 0);
	other = project(c, "Andere Gruppe", H.seed.office_planning, 0);
	anna = person(c, "Anna", NULL, NULL, 0);
	bernd = person(c, "Bernd", NULL, NULL, 0);
	carla = person(c, "Carla", NULL, NULL, 0);

	/* Anna: two disjoint periods, the second open.  Bernd: one ended.
	 * Carla: open since 2021.  Anna in another group: not counted here. */
	a1 = add_ok(c, proj, anna, QT_MEMBER_CITY_STAFF, "2020-01-01", "2020-12-31");
	a2 = add_ok(c, proj, anna, QT_MEMBER_CITY_STAFF, "2022-01-01", NULL);
	b1 = add_ok(c, proj, bernd, QT_MEMBER_DISTRICT_HEAD, "2019-06-01", "2021-06-30");
	c1 = add_ok(c, proj, carla, QT_MEMBER_CIVIC, "2021-01-01", NULL);
	x1 = add_ok(c, other, anna, QT_MEMBER_CITY_STAFF, "2018-01-01", NULL);

	expect_members(c, proj, "2019-05-31", "");
	expect_members(c, proj, "2019-06-01", ids_str(want, sizeof(want), 1, (int64_t[]){b1}));
	expect_members(c, proj, "2019-12-31", ids_str(want, sizeof(want), 1, (int64_t[]){b1}));
	expect_members(c, proj, "2020-01-01", ids_str(want, sizeof(want), 2, (int64_t[]){a1, b1}));
	/* Both ends are inclusive. */
	expect_members(c, proj, "2020-12-31", ids_str(want, sizeof(want), 2, (int64_t[]){a1, b1}));
	expect_members(c, proj, "2021-01-01", ids_str(want, sizeof(want), 2, (int64_t[]){b1, c1}));
	expect_members(c, proj, "2021-06-30", ids_str(want, sizeof(want), 2, (int64_t[]){b1, c1}));
	expect_members(c, proj, "2021-07-01", ids_str(want, sizeof(want), 1, (int64_t[]){c1}));
	expect_members(c, proj, "2021-12-31", ids_str(want, sizeof(want), 1, (int64_t[]){c1}));
	expect_members(c, proj, "2022-01-01", ids_str(want, sizeof(want), 2, (int64_t[]){a2, c1}));
	/* Open periods last. */
	expect_members(c, proj, "2199-12-31", ids_str(want, sizeof(want), 2, (int64_t[]){a2, c1}));
	expect_members(c, proj, NULL, ids_str(want, sizeof(want), 2, (int64_t[]){a2, c1}));
	expect_members(c, other, "2020-06-01", ids_str(want, sizeof(want), 1, (int64_t[]){x1}));

	/* The history: every period, ordered by role, name, start; active on
	 * the day asked. */
	memset(&g, 0, sizeof(g));
	st = qt_group_members(c, proj, "2020-06-01", 1, &g);
	cr_assert_eq(st, QT_OK, "%s", qt_client_last_error(c)->message);
	cr_assert_eq(g.n_members, 4);
	cr_assert_eq(g.members[0].id, a1, "city staff first, earlier period first");
	cr_assert_eq(g.members[1].id, a2);
	cr_assert_eq(g.members[2].id, b1, "then the district head");
	cr_assert_eq(g.members[3].id, c1, "then civic representatives");
	cr_assert(g.members[0].active && !g.members[1].active && g.members[2].active &&
	          !g.members[3].active);
	cr_assert_str_eq(g.members[0].person.name, "Anna");
	cr_assert_str_eq(g.members[2].end_date, "2021-06-30");
	cr_assert_null(g.members[3].end_date);
	qt_group_clear(&g);

	/* Ending Carla's membership: she is a member until that day, inclusive. */
	memset(&m, 0, sizeof(m));
	st = qt_membership_end(c, c1, "2023-03-31", &m);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_str_eq(m.end_date, "2023-03-31");
	cr_assert_not(m.active, "ended in the past: not active today");
	qt_membership_clear(&m);
	expect_members(c, proj, "2023-03-31", ids_str(want, sizeof(want), 2, (int64_t[]){a2, c1}));
	expect_members(c, proj, "2023-04-01", ids_str(want, sizeof(want), 1, (int64_t[]){a2}));
	expect_members(c, proj, NULL, ids_str(want, sizeof(want), 1, (int64_t[]){a2}));
	/* Nothing is deleted: the history still holds all four periods. */
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_group_members(c, proj, NULL, 1, &g), QT_OK);
	cr_assert_eq(g.n_members, 4);
	qt_group_clear(&g);
	cr_assert_eq(count_rows("membership"), 5);
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM audit WHERE entity = 'membership'",
	                             0, NULL, NULL, NULL),
	             6, "5 adds + 1 end");

	/* Unknown group and bad days. */
	cr_assert_eq(qt_group_members(c, 999999, NULL, 0, &g), QT_NOT_FOUND);
	cr_assert(harness_field_is(qt_client_last_error(c)->field, "project_id"));
	cr_assert_eq(qt_group_members(c, proj, "2023-02-30", 0, &g), QT_INVALID_ARGUMENT);
	cr_assert(harness_field_is(qt_client_last_error(c)->field, "on_date"), "field %s",
	          err_field(c));
	qt_client_free(c);
	harness_finish(&H);
}

Test(group, overlapping_periods_and_bad_end_dates_are_refused)
{
	qt_client_t *c;
	int64_t proj, anna, bernd, a1, a2, b1;
	snapshot_t before;
	qt_membership_t m;
	qt_status_t st;
	static const struct {
		const char *from, *until, *what;
	} overlaps[] = {
	    {"2020-06-01", "2020-07-01", "inside"},
	    {"2019-01-01", "2020-01-01", "touching the start"},
	    {"2020-12-31", "2021-02-01", "touching the end"},
	    {"2019-01-01", NULL, "open, covering everything"},
	    {"2019-01-01", "2030-01-01", "around both"},
	    {"2023-01-01", "2023-01-31", "inside the open period"},
	    {"2030-01-01", NULL, "open, inside the open period"},
	};

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Gruppe", H.seed.office_social, 0);
	anna = person(c, "Anna", NULL, NULL, 0);
	bernd = person(c, "Bernd", NULL, NULL, 0);
	a1 = add_ok(c, proj, anna, QT_MEMBER_CIVIC, "2020-01-01", "2020-12-31");
	a2 = add_ok(c, proj, anna, QT_MEMBER_CIVIC, "2022-01-01", NULL);
	b1 = add_ok(c, proj, bernd, QT_MEMBER_CIVIC, "2020-01-01", NULL);

	before = snap();
	for (size_t i = 0; i < sizeof(overlaps) / sizeof(overlaps[0]); i++) {
		st = add(c, proj, anna, QT_MEMBER_CIVIC, overlaps[i].from, overlaps[i].until, NULL);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "%s: got %s", overlaps[i].what,
		             qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "start_date"),
		          "%s: field %s", overlaps[i].what, err_field(c));
		cr_expect_not_null(strstr(qt_client_last_error(c)->message, "overlap"), "%s: %s",
		                   overlaps[i].what, qt_client_last_error(c)->message);
	}
	expect_unchanged(&before, "overlapping periods");

	/* End before start, on add and on end. */
	st = add(c, proj, anna, QT_MEMBER_CIVIC, "2021-06-01", "2021-05-31", NULL);
	cr_assert_eq(st, QT_INVALID_ARGUMENT, "got %s", qt_status_name(st));
	cr_assert(harness_field_is(qt_client_last_error(c)->field, "end_date"), "field %s",
	          err_field(c));
	st = qt_membership_end(c, a2, "2021-12-31", &m);
	cr_assert_eq(st, QT_INVALID_ARGUMENT, "ending before the start: %s", qt_status_name(st));
	cr_assert(harness_field_is(qt_client_last_error(c)->field, "end_date"), "field %s",
	          err_field(c));
	/* Moving an end into the next period. */
	st = qt_membership_end(c, a1, "2022-01-01", &m);
	cr_assert_eq(st, QT_INVALID_ARGUMENT, "end running into the next period: %s",
	             qt_status_name(st));
	cr_assert(harness_field_is(qt_client_last_error(c)->field, "end_date"), "field %s",
	          err_field(c));
	st = qt_membership_end(c, a2, "", &m);
	cr_assert_eq(st, QT_INVALID_ARGUMENT, "no end date: %s", qt_status_name(st));
	cr_assert(harness_field_is(qt_client_last_error(c)->field, "end_date"));
	st = qt_membership_end(c, 999999, "2024-01-01", &m);
	cr_assert_eq(st, QT_NOT_FOUND, "unknown membership: %s", qt_status_name(st));
	expect_unchanged(&before, "bad end dates");

	/* The gap between Anna's periods may be filled exactly; an end on the
	 * start day is a one-day membership. */
	add_ok(c, proj, anna, QT_MEMBER_CIVIC, "2021-01-01", "2021-12-31");
	memset(&m, 0, sizeof(m));
	cr_assert_eq(qt_membership_end(c, b1, "2020-01-01", &m), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	qt_membership_clear(&m);
	/* A database-level guard too: the exclusion constraint. */
	{
		PGresult *res =
		    PQexec(harness_pg(&H),
		           "INSERT INTO membership (project_id, person_id, role, start_date) "
		           "SELECT project_id, person_id, role, '2025-01-01' FROM membership "
		           "WHERE end_date IS NULL LIMIT 1");
		cr_assert_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
		cr_assert_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23P01");
		PQclear(res);
	}
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ contact data */

/* The person as c sees it; asserts success. */
static qt_person_t seen_by(qt_client_t *c, int64_t id)
{
	qt_person_t p;
	qt_status_t st;

	memset(&p, 0, sizeof(p));
	st = qt_person_get(c, id, &p);
	cr_assert_eq(st, QT_OK, "get %lld: %s", (long long)id, qt_status_name(st));
	return p;
}

static void expect_contact(qt_client_t *c, int64_t proj, int64_t id, int visible, const char *who)
{
	qt_person_t p = seen_by(c, id);
	qt_person_filter_t f;
	qt_person_t *list = NULL;
	size_t n = 0;
	qt_group_t g;
	int found = 0;

	cr_expect_eq(p.contact_visible, visible, "%s: contact_visible", who);
	if (visible) {
		cr_expect_str_eq(p.email, "clara.civic@example.org", "%s: email", who);
		cr_expect_str_eq(p.phone, "0711 555-0100", "%s: phone", who);
	} else {
		cr_expect_null(p.email, "%s must not see the email", who);
		cr_expect_null(p.phone, "%s must not see the phone", who);
	}
	cr_expect_str_eq(p.name, "Clara Civic", "%s: the name is public", who);
	qt_person_clear(&p);

	/* The same rule in lists and in the group. */
	memset(&f, 0, sizeof(f));
	f.name = "Clara";
	cr_assert_eq(qt_person_list(c, &f, &list, &n, NULL), QT_OK);
	cr_assert_eq(n, 1);
	cr_expect_eq(list[0].email != NULL, visible, "%s: email in the list", who);
	cr_expect_eq(list[0].phone != NULL, visible, "%s: phone in the list", who);
	qt_person_list_free(list, n);
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_group_members(c, proj, NULL, 0, &g), QT_OK);
	for (size_t i = 0; i < g.n_members; i++) {
		if (g.members[i].person_id != id)
			continue;
		found = 1;
		cr_expect_eq(g.members[i].person.contact_visible, visible, "%s: in the group", who);
		cr_expect_eq(g.members[i].person.email != NULL, visible, "%s: email in the group",
		             who);
	}
	cr_expect(found, "%s: Clara is a member", who);
	qt_group_clear(&g);
}

/* Reads a person through the raw protocol and checks that the contact
 * fields are absent from the message (not empty strings). */
static void expect_contact_absent_on_the_wire(harness_t *h, const char *login, int64_t id)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;
	Quartier__V1__PersonGetRequest pg = QUARTIER__V1__PERSON_GET_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	raw_conn_t r;
	int rc;

	raw_open(h, &r);
	raw_hello(&r);
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &req;
	req.id = 1;
	req.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	req.login = &lr;
	lr.login = (char *)login;
	lr.password = HARNESS_PASSWORD;
	cr_assert_eq(raw_send(&r, &env), 0);
	rc = raw_recv(&r, 10000, &in);
	cr_assert_eq(rc, 1);
	cr_assert_null(in->response->error, "login as %s", login);
	envelope_free(in);
	req.id = 2;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_GET;
	req.person_get = &pg;
	pg.id = id;
	cr_assert_eq(raw_send(&r, &env), 0);
	rc = raw_recv(&r, 10000, &in);
	cr_assert_eq(rc, 1);
	cr_assert_eq(in->response->body_case, QUARTIER__V1__RESPONSE__BODY_PERSON);
	cr_expect(in->response->person->has_contact_visible &&
	              !in->response->person->contact_visible,
	          "%s: contact_visible false on the wire", login);
	cr_expect_null(in->response->person->email, "%s: email absent on the wire", login);
	cr_expect_null(in->response->person->phone, "%s: phone absent on the wire", login);
	envelope_free(in);
	raw_close(&r);
}

Test(group, contact_data_only_for_admin_lead_office_and_fellow_members)
{
	qt_client_t *admin, *office, *other_office, *fellow, *former, *viewer, *coord, *self;
	int64_t proj, other, clara, fellow_acct, former_acct, clara_acct, coord_acct, fp, xp;

	harness_standard(&H, NULL);
	harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "planung", "office", H.seed.office_planning, 0, HARNESS_PASSWORD);
	fellow_acct = harness_account(&H, "mitglied", "viewer", 0, 0, HARNESS_PASSWORD);
	former_acct = harness_account(&H, "ehemalig", "viewer", 0, 0, HARNESS_PASSWORD);
	clara_acct = harness_account(&H, "clara", "viewer", 0, 0, HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	coord_acct = harness_account(&H, "koordination", "coordinator", 0, H.seed.org_initiative,
	                             HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);

	/* The group of a project the Sozialamt leads; an unrelated coordinator
	 * coordinates another project (led by the planning office). */
	proj = project(admin, "Gruppe", H.seed.office_social, 0);
	other = project(admin, "Anderes Projekt", H.seed.office_planning, coord_acct);
	clara =
	    person(admin, "Clara Civic", "clara.civic@example.org", "0711 555-0100", clara_acct);
	fp = person(admin, "Fritz Fellow", NULL, NULL, fellow_acct);
	xp = person(admin, "Erika Ehemalig", NULL, NULL, former_acct);
	add_ok(admin, proj, clara, QT_MEMBER_CIVIC, "2021-01-01", NULL);
	add_ok(admin, proj, fp, QT_MEMBER_CIVIC, "2022-05-01", NULL);
	add_ok(admin, proj, xp, QT_MEMBER_CIVIC, "2019-01-01", "2020-12-31");
	/* The coordinator's own person sits in its own project's group. */
	add_ok(admin, other, person(admin, "Kora Koordination", NULL, NULL, coord_acct),
	       QT_MEMBER_CARRIER, "2020-01-01", NULL);

	office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	other_office = harness_login(&H, "planung", HARNESS_PASSWORD);
	fellow = harness_login(&H, "mitglied", HARNESS_PASSWORD);
	former = harness_login(&H, "ehemalig", HARNESS_PASSWORD);
	viewer = harness_login(&H, "leser", HARNESS_PASSWORD);
	coord = harness_login(&H, "koordination", HARNESS_PASSWORD);
	self = harness_login(&H, "clara", HARNESS_PASSWORD);

	expect_contact(admin, proj, clara, 1, "admin");
	expect_contact(office, proj, clara, 1, "staff of the lead office");
	expect_contact(fellow, proj, clara, 1, "a fellow member");
	expect_contact(self, proj, clara, 1, "the person itself");
	expect_contact(other_office, proj, clara, 0, "staff of another office");
	expect_contact(former, proj, clara, 0, "a former member");
	expect_contact(viewer, proj, clara, 0, "a viewer");
	expect_contact(coord, proj, clara, 0, "an unrelated coordinator");
	expect_contact_absent_on_the_wire(&H, "leser", clara);
	expect_contact_absent_on_the_wire(&H, "koordination", clara);

	/* The lead office keeps sight after the membership ended. */
	{
		qt_group_t g;
		int64_t mid = 0;

		memset(&g, 0, sizeof(g));
		cr_assert_eq(qt_group_members(admin, proj, NULL, 0, &g), QT_OK);
		for (size_t i = 0; i < g.n_members; i++)
			if (g.members[i].person_id == clara)
				mid = g.members[i].id;
		qt_group_clear(&g);
		cr_assert_gt(mid, 0);
		cr_assert_eq(qt_membership_end(admin, mid, "2022-12-31", NULL), QT_OK, "%s",
		             qt_client_last_error(admin)->message);
		{
			qt_person_t p = seen_by(office, clara);
			cr_expect(p.contact_visible && p.email != NULL,
			          "the lead office sees former members");
			qt_person_clear(&p);
			p = seen_by(fellow, clara);
			cr_expect(!p.contact_visible && p.email == NULL,
			          "fellow members do not see former members");
			qt_person_clear(&p);
		}
	}

	qt_client_free(self);
	qt_client_free(coord);
	qt_client_free(viewer);
	qt_client_free(former);
	qt_client_free(fellow);
	qt_client_free(other_office);
	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ permissions */

Test(group, unauthorised_mutations_change_nothing)
{
	qt_client_t *admin, *office, *other_office, *coord, *other_coord, *viewer, *idle_coord;
	int64_t proj, coord_acct, other_coord_acct, anna, m1;
	qt_person_new_t pin;
	qt_person_patch_t patch;
	qt_membership_new_t min;
	qt_person_t p;
	qt_membership_t m;
	snapshot_t before;
	qt_status_t st;

	harness_standard(&H, NULL);
	harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "planung", "office", H.seed.office_planning, 0, HARNESS_PASSWORD);
	coord_acct = harness_account(&H, "koordination", "coordinator", 0, H.seed.org_caritas,
	                             HARNESS_PASSWORD);
	other_coord_acct = harness_account(&H, "koordination2", "coordinator", 0,
	                                   H.seed.org_initiative, HARNESS_PASSWORD);
	harness_account(&H, "ohnegruppe", "coordinator", 0, H.seed.org_initiative,
	                HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(admin, "Gruppe", H.seed.office_social, coord_acct);
	project(admin, "Anderes", H.seed.office_planning, other_coord_acct);
	anna = person(admin, "Anna", "anna@example.org", NULL, 0);
	m1 = add_ok(admin, proj, anna, QT_MEMBER_CITY_STAFF, "2020-01-01", NULL);

	office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	other_office = harness_login(&H, "planung", HARNESS_PASSWORD);
	coord = harness_login(&H, "koordination", HARNESS_PASSWORD);
	other_coord = harness_login(&H, "koordination2", HARNESS_PASSWORD);
	idle_coord = harness_login(&H, "ohnegruppe", HARNESS_PASSWORD);
	viewer = harness_login(&H, "leser", HARNESS_PASSWORD);

	memset(&pin, 0, sizeof(pin));
	pin.name = "Neue Person";
	memset(&patch, 0, sizeof(patch));
	patch.id = anna;
	patch.expected_version = 1;
	patch.function = "ge\u00e4ndert";
	memset(&min, 0, sizeof(min));
	min.project_id = proj;
	min.person_id = anna;
	min.role = QT_MEMBER_CIVIC;
	min.start_date = "2010-01-01";
	min.end_date = "2010-12-31";

	before = snap();
	{
		struct {
			qt_client_t *c;
			const char *who;
		} refused[] = {
		    {viewer, "viewer"},
		    {other_office, "another office"},
		    {other_coord, "coordinator of another project"},
		};
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			qt_client_t *c = refused[i].c;
			const char *who = refused[i].who;

			st = qt_membership_add(c, &min, &m);
			cr_expect_eq(st, QT_PERMISSION_DENIED, "%s: membership add: %s", who,
			             qt_status_name(st));
			st = qt_membership_end(c, m1, "2024-12-31", &m);
			cr_expect_eq(st, QT_PERMISSION_DENIED, "%s: membership end: %s", who,
			             qt_status_name(st));
			expect_unchanged(&before, who);
		}
	}
	/* Persons: viewers and coordinators do not update; viewers do not
	 * create; a coordinator does not create office staff; a coordinator
	 * without a project creates nobody. */
	st = qt_person_create(viewer, &pin, &p);
	cr_expect_eq(st, QT_PERMISSION_DENIED, "viewer person create: %s", qt_status_name(st));
	st = qt_person_update(viewer, &patch, &p);
	cr_expect_eq(st, QT_PERMISSION_DENIED, "viewer person update: %s", qt_status_name(st));
	st = qt_person_update(coord, &patch, &p);
	cr_expect_eq(st, QT_PERMISSION_DENIED, "coordinator person update: %s", qt_status_name(st));
	st = qt_person_create(idle_coord, &pin, &p);
	cr_expect_eq(st, QT_PERMISSION_DENIED, "coordinator without a project: %s",
	             qt_status_name(st));
	pin.office_id = H.seed.office_social;
	st = qt_person_create(coord, &pin, &p);
	cr_expect_eq(st, QT_PERMISSION_DENIED, "coordinator creating office staff: %s",
	             qt_status_name(st));
	pin.office_id = 0;
	expect_unchanged(&before, "person writes");
	{
		qt_person_t a = seen_by(admin, anna);
		cr_expect_eq(a.version, 1);
		cr_expect_null(a.function);
		qt_person_clear(&a);
	}

	/* Allowed: the lead office and the project's coordinator manage the
	 * group; the coordinator adds a civic person; office staff update. */
	memset(&m, 0, sizeof(m));
	st = qt_membership_add(office, &min, &m);
	cr_assert_eq(st, QT_OK, "lead office adds: %s: %s", qt_status_name(st),
	             qt_client_last_error(office)->message);
	qt_membership_clear(&m);
	memset(&p, 0, sizeof(p));
	pin.name = "Carla Civic";
	pin.organisation_id = H.seed.org_initiative;
	pin.email = "carla@example.org";
	st = qt_person_create(coord, &pin, &p);
	cr_assert_eq(st, QT_OK, "coordinator creates a civic person: %s: %s", qt_status_name(st),
	             qt_client_last_error(coord)->message);
	cr_assert_not(p.contact_visible, "not yet a fellow member: no contact data");
	cr_assert_null(p.email);
	min.person_id = p.id;
	min.start_date = "2024-01-01";
	min.end_date = NULL;
	qt_person_clear(&p);
	memset(&m, 0, sizeof(m));
	st = qt_membership_add(coord, &min, &m);
	cr_assert_eq(st, QT_OK, "coordinator adds: %s: %s", qt_status_name(st),
	             qt_client_last_error(coord)->message);
	qt_membership_clear(&m);
	memset(&m, 0, sizeof(m));
	st = qt_membership_end(coord, m1, "2024-12-31", &m);
	cr_assert_eq(st, QT_OK, "coordinator ends: %s", qt_status_name(st));
	qt_membership_clear(&m);
	memset(&p, 0, sizeof(p));
	st = qt_person_update(office, &patch, &p);
	cr_assert_eq(st, QT_OK, "office updates a person: %s: %s", qt_status_name(st),
	             qt_client_last_error(office)->message);
	qt_person_clear(&p);
	cr_assert_eq(count_rows("audit"), before.audit + 5, "one audit row per change");

	qt_client_free(viewer);
	qt_client_free(idle_coord);
	qt_client_free(other_coord);
	qt_client_free(coord);
	qt_client_free(other_office);
	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ validation */

typedef struct person_case {
	const char *what;
	const char *name, *function, *email, *phone;
	int64_t office, organisation, account; /* -1: an unknown id */
	const char *field;
} person_case_t;

typedef struct membership_case {
	const char *what;
	int64_t project, person, on_behalf_of, deputy_of; /* -1: unknown; -2: not a member */
	qt_member_role_t role;
	const char *from, *until;
	const char *field;
} membership_case_t;

Test(group, bad_input_names_the_field_and_stores_nothing)
{
	qt_client_t *c;
	int64_t proj, anna, bernd;
	snapshot_t before;
	char long_name[2 * 201 + 1];
	const person_case_t pcases[] = {
	    {"empty name", "", NULL, NULL, NULL, 0, 0, 0, "name"},
	    {"invalid UTF-8", "Anna \xc3\x28", NULL, NULL, NULL, 0, 0, 0, "name"},
	    {"control character", "Anna\x07", NULL, NULL, NULL, 0, 0, 0, "name"},
	    {"name too long", long_name, NULL, NULL, NULL, 0, 0, 0, "name"},
	    {"function invalid UTF-8", "Anna", "\xff", NULL, NULL, 0, 0, 0, "function"},
	    {"email without @", "Anna", NULL, "anna.example.org", NULL, 0, 0, 0, "email"},
	    {"email invalid UTF-8", "Anna", NULL, "anna@\xc3.org", NULL, 0, 0, 0, "email"},
	    {"phone with letters", "Anna", NULL, NULL, "0711 CALL-ME", 0, 0, 0, "phone"},
	    {"unknown office", "Anna", NULL, NULL, NULL, -1, 0, 0, "office_id"},
	    {"unknown organisation", "Anna", NULL, NULL, NULL, 0, -1, 0, "organisation_id"},
	    {"unknown account", "Anna", NULL, NULL, NULL, 0, 0, -1, "account_id"},
	    {"office and organisation", "Anna", NULL, NULL, NULL, 1, 1, 0, "organisation_id"},
	};
	const membership_case_t mcases[] = {
	    {"unknown project", -1, 0, 0, 0, QT_MEMBER_CIVIC, "2024-01-01", NULL, "project_id"},
	    {"unknown person", 0, -1, 0, 0, QT_MEMBER_CIVIC, "2024-01-01", NULL, "person_id"},
	    {"unknown organisation", 0, 0, -1, 0, QT_MEMBER_CIVIC, "2024-01-01", NULL,
	     "on_behalf_of_id"},
	    {"unknown deputy", 0, 0, 0, -1, QT_MEMBER_CIVIC, "2024-01-01", NULL, "deputy_of_id"},
	    {"deputy not in the group", 0, 0, 0, -2, QT_MEMBER_CIVIC, "2024-01-01", NULL,
	     "deputy_of_id"},
	    {"no role", 0, 0, 0, 0, QT_MEMBER_UNSPECIFIED, "2024-01-01", NULL, "role"},
	    {"unknown role", 0, 0, 0, 0, (qt_member_role_t)9, "2024-01-01", NULL, "role"},
	    {"no start", 0, 0, 0, 0, QT_MEMBER_CIVIC, NULL, NULL, "start_date"},
	    {"empty start", 0, 0, 0, 0, QT_MEMBER_CIVIC, "", NULL, "start_date"},
	    {"no such day", 0, 0, 0, 0, QT_MEMBER_CIVIC, "2024-02-30", NULL, "start_date"},
	    {"not a date", 0, 0, 0, 0, QT_MEMBER_CIVIC, "1.1.2024", NULL, "start_date"},
	    {"bad end", 0, 0, 0, 0, QT_MEMBER_CIVIC, "2024-01-01", "2024-13-01", "end_date"},
	    {"end before start", 0, 0, 0, 0, QT_MEMBER_CIVIC, "2024-01-02", "2024-01-01",
	     "end_date"},
	};

	for (int i = 0; i < 201; i++)
		memcpy(long_name + 2 * i, "\xc3\xa4", 2);
	long_name[402] = '\0';
	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Gruppe", H.seed.office_social, 0);
	anna = person(c, "Anna", NULL, NULL, 0);
	bernd = person(c, "Bernd", NULL, NULL, 0);
	before = snap();

	for (size_t i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const person_case_t *k = &pcases[i];
		qt_person_new_t in;
		qt_person_t out;
		qt_status_t st;

		memset(&in, 0, sizeof(in));
		in.name = k->name;
		in.function = k->function;
		in.email = k->email;
		in.phone = k->phone;
		in.office_id = k->office < 0 ? 999999 : k->office > 0 ? H.seed.office_social : 0;
		in.organisation_id = k->organisation < 0   ? 999999
		                     : k->organisation > 0 ? H.seed.org_caritas
		                                           : 0;
		in.account_id = k->account < 0 ? 999999 : 0;
		memset(&out, 0, sizeof(out));
		st = qt_person_create(c, &in, &out);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "person %s: got %s (%s)", k->what,
		             qt_status_name(st), qt_client_last_error(c)->message);
		cr_expect(harness_field_is(qt_client_last_error(c)->field, k->field),
		          "person %s: field %s, expected %s", k->what, err_field(c), k->field);
		if (st == QT_OK)
			qt_person_clear(&out);
	}
	for (size_t i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
		const membership_case_t *k = &mcases[i];
		qt_membership_new_t in;
		qt_membership_t out;
		qt_status_t st;

		memset(&in, 0, sizeof(in));
		in.project_id = k->project < 0 ? 999999 : proj;
		in.person_id = k->person < 0 ? 999999 : anna;
		in.on_behalf_of_id = k->on_behalf_of < 0 ? 999999 : 0;
		in.deputy_of_id = k->deputy_of == -1 ? 999999 : k->deputy_of == -2 ? bernd : 0;
		in.role = k->role;
		in.start_date = k->from;
		in.end_date = k->until;
		memset(&out, 0, sizeof(out));
		st = qt_membership_add(c, &in, &out);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "membership %s: got %s (%s)", k->what,
		             qt_status_name(st), qt_client_last_error(c)->message);
		cr_expect(harness_field_is(qt_client_last_error(c)->field, k->field),
		          "membership %s: field %s, expected %s", k->what, err_field(c), k->field);
		if (st == QT_OK)
			qt_membership_clear(&out);
	}
	/* The same rules on update; unknown ids are not found. */
	{
		qt_person_patch_t patch;
		qt_person_t out;
		qt_status_t st;

		memset(&patch, 0, sizeof(patch));
		patch.id = anna;
		patch.expected_version = 1;
		patch.name = "";
		st = qt_person_update(c, &patch, &out);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "update empty name: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "name"));
		patch.name = NULL;
		patch.email = "kaputt@";
		st = qt_person_update(c, &patch, &out);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "update bad email: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "email"));
		patch.email = NULL;
		patch.set_office_id = 1;
		patch.office_id = 999999;
		st = qt_person_update(c, &patch, &out);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "update unknown office: %s",
		             qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "office_id"), "field %s",
		          err_field(c));
		patch.id = 999999;
		patch.office_id = 0;
		st = qt_person_update(c, &patch, &out);
		cr_expect_eq(st, QT_NOT_FOUND, "update unknown person: %s", qt_status_name(st));
	}
	expect_unchanged(&before, "bad input");
	qt_client_free(c);
	harness_finish(&H);
}
