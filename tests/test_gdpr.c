/* Personal data under the GDPR against a real quartierd and PostgreSQL,
 * through libquartier over TLS: the export of everything stored about a
 * person (Art. 15) is valid JSON holding the person, its memberships with
 * project names, its meetings and the audit rows about it; the erasure
 * (Art. 17) leaves no copy of the name, function, e-mail addresses or
 * phone number in any table (audit snapshots and stored mutation answers
 * included), keeps memberships, deputies and meeting participation, and
 * reaches a replica that synced the person before; a second erasure
 * changes nothing and says so; non-admins are refused by the server, an
 * unknown id is "not found" naming the field. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(gdpr, .fini = harness_fini, .timeout = 300);

#define NAME      "Jürgen Müller-Lüdenscheidt"
#define FUNCTION  "Sprecher des Quartiersbeirats Heslach"
#define OLD_EMAIL "j.mueller@alt.example.org"
#define EMAIL     "juergen.mueller@example.org"
#define PHONE     "+49 711 2345678"
#define DEPUTY    "Erika Mustermann-Heslach"
#define REASON    "Antrag nach Art. 17 DSGVO vom 2026-03-01, Az. 50-123"

/* ------------------------------------------------------------ fixture */

typedef struct world {
	qt_client_t *admin; /* with a store: its changes carry mutation ids */
	qt_store_t *admin_store;
	qt_client_t *office; /* staff of the lead office: sees contact data */
	qt_store_t *replica; /* the office's replica */
	int64_t office_account;
	int64_t project;
	int64_t person;     /* NAME, with contact data, in the project's group */
	int64_t deputy;     /* DEPUTY, deputising for the person */
	int64_t membership; /* of the person */
	int64_t deputy_membership;
	int64_t meeting; /* the person is invited */
	char pseudonym[64];
} world_t;

static const char *err_msg(qt_client_t *c)
{
	return qt_client_last_error(c)->message;
}

static const char *err_field(qt_client_t *c)
{
	const char *f = qt_client_last_error(c)->field;

	return f != NULL ? f : "(none)";
}

static void store_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s.db", H.dir, name);
	unlink(buf);
}

/* A client logged in as login whose changes go through a store (so they
 * carry client mutation ids), with instance id instance. */
static qt_client_t *client_with_store(const char *login, const char *instance, qt_store_t **s)
{
	qt_connect_opts_t o;
	qt_client_t *c = NULL;
	char path[PATH_MAX], err[256] = "";
	qt_status_t st;

	store_path(path, sizeof(path), login);
	st = qt_store_open(path, 1, instance, s, err, sizeof(err));
	cr_assert_eq(st, QT_OK, "store: %s", err);
	harness_opts(&H, &o);
	o.instance_id = instance;
	st = qt_client_connect(&o, &c, err, sizeof(err));
	cr_assert_eq(st, QT_OK, "connect: %s", err);
	st = qt_login(c, login, HARNESS_PASSWORD, NULL, NULL);
	cr_assert_eq(st, QT_OK, "login %s: %s", login, err_msg(c));
	qt_client_set_store(c, *s);
	return c;
}

static int64_t new_person(world_t *w, const char *name, const char *function, const char *email,
                          const char *phone)
{
	qt_person_new_t in;
	qt_person_t p;
	qt_status_t st;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.function = function;
	in.email = email;
	in.phone = phone;
	memset(&p, 0, sizeof(p));
	st = qt_person_create(w->admin, &in, &p);
	cr_assert_eq(st, QT_OK, "person %s: %s: %s", name, qt_status_name(st), err_msg(w->admin));
	id = p.id;
	qt_person_clear(&p);
	return id;
}

static int64_t add_member(world_t *w, int64_t person, int64_t deputy_of)
{
	qt_membership_new_t in;
	qt_membership_t m;
	qt_status_t st;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.project_id = w->project;
	in.person_id = person;
	in.role = QT_MEMBER_CIVIC;
	in.deputy_of_id = deputy_of;
	in.start_date = "2025-01-01";
	memset(&m, 0, sizeof(m));
	st = qt_membership_add(w->admin, &in, &m);
	cr_assert_eq(st, QT_OK, "membership: %s: %s (field %s)", qt_status_name(st),
	             err_msg(w->admin), err_field(w->admin));
	id = m.id;
	qt_membership_clear(&m);
	return id;
}

static int64_t person_version(int64_t id)
{
	char p[32];

	snprintf(p, sizeof(p), "%lld", (long long)id);
	return harness_sql_int(&H, "SELECT version FROM person WHERE id = $1", 1, p, NULL, NULL);
}

/* The standard world: a project led by the Sozialamt with the person and
 * its deputy in the support group and a meeting the person is invited to;
 * the person's e-mail address changed once. */
static void world_setup(world_t *w)
{
	int64_t quarters[1], offices[1], persons[1];
	qt_project_new_t pin;
	qt_project_t p;
	qt_person_patch_t patch;
	qt_meeting_new_t min;
	qt_meeting_t m;
	qt_status_t st;

	memset(w, 0, sizeof(*w));
	harness_standard(&H, NULL);
	w->office_account =
	    harness_account(&H, "amt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	w->admin = client_with_store("admin", "test-gdpr-admin-0001", &w->admin_store);

	quarters[0] = H.seed.quarter_heslach;
	offices[0] = H.seed.office_social;
	memset(&pin, 0, sizeof(pin));
	pin.name = "KUGEL Heslach";
	pin.kind = QT_KIND_COMPREHENSIVE;
	pin.quarter_ids = quarters;
	pin.n_quarter_ids = 1;
	pin.lead_office_ids = offices;
	pin.n_lead_office_ids = 1;
	memset(&p, 0, sizeof(p));
	st = qt_project_create(w->admin, &pin, &p);
	cr_assert_eq(st, QT_OK, "project: %s", err_msg(w->admin));
	w->project = p.id;
	qt_project_clear(&p);

	w->person = new_person(w, NAME, FUNCTION, OLD_EMAIL, PHONE);
	memset(&patch, 0, sizeof(patch));
	patch.id = w->person;
	patch.expected_version = person_version(w->person);
	patch.email = EMAIL;
	st = qt_person_update(w->admin, &patch, NULL);
	cr_assert_eq(st, QT_OK, "person update: %s", err_msg(w->admin));
	w->deputy = new_person(w, DEPUTY, NULL, "erika@example.org", NULL);
	w->membership = add_member(w, w->person, 0);
	w->deputy_membership = add_member(w, w->deputy, w->person);

	persons[0] = w->person;
	memset(&min, 0, sizeof(min));
	min.title = "AGSP Süd, Frühjahr";
	min.starts_at = 1900000000;
	min.organiser_office_id = H.seed.office_social;
	min.person_ids = persons;
	min.n_person_ids = 1;
	memset(&m, 0, sizeof(m));
	st = qt_meeting_create(w->admin, &min, &m);
	cr_assert_eq(st, QT_OK, "meeting: %s (field %s)", err_msg(w->admin), err_field(w->admin));
	w->meeting = m.id;
	qt_meeting_clear(&m);
	snprintf(w->pseudonym, sizeof(w->pseudonym), "Person %lld (gelöscht)",
	         (long long)w->person);
}

static void world_free(world_t *w)
{
	qt_client_free(w->admin);
	qt_client_free(w->office);
	qt_store_close(w->admin_store);
	qt_store_close(w->replica);
}

/* ------------------------------------------------------------ checks */

/* Tables of the public schema (whose rows are searched as text). */
static char **public_tables(size_t *n)
{
	PGresult *res = PQexec(harness_pg(&H),
	                       "SELECT c.relname FROM pg_class c "
	                       "JOIN pg_namespace s ON s.oid = c.relnamespace "
	                       "WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1");
	char **v;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	*n = (size_t)PQntuples(res);
	v = calloc(*n + 1, sizeof(*v));
	cr_assert_not_null(v);
	for (size_t i = 0; i < *n; i++)
		v[i] = strdup(PQgetvalue(res, (int)i, 0));
	PQclear(res);
	return v;
}

/* How many rows of the database hold s: any row whose text form contains
 * it (jsonb of audit snapshots included), and stored mutation answers
 * (bytea) that contain its bytes.  *where names the tables. */
static int64_t rows_holding(const char *s, char *where, size_t len)
{
	size_t n = 0;
	char **tables = public_tables(&n);
	int64_t total = 0, k;
	char sql[256];

	where[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql),
		         "SELECT count(*) FROM \"%s\" x WHERE strpos(x::text, $1) > 0", tables[i]);
		k = harness_sql_int(&H, sql, 1, s, NULL, NULL);
		if (k > 0)
			snprintf(where + strlen(where), len - strlen(where), " %s(%lld)", tables[i],
			         (long long)k);
		total += k;
		free(tables[i]);
	}
	free(tables);
	k = harness_sql_int(&H,
	                    "SELECT count(*) FROM client_mutation "
	                    "WHERE position(convert_to($1, 'UTF8') IN response) > 0",
	                    1, s, NULL, NULL);
	if (k > 0)
		snprintf(where + strlen(where), len - strlen(where),
		         " client_mutation.response(%lld)", (long long)k);
	return total + k;
}

/* The person record of the replica as JSON (caller frees), NULL if the
 * replica does not hold it. */
static char *replica_person_json(world_t *w)
{
	qt_record_t rec;
	char *json = NULL;

	memset(&rec, 0, sizeof(rec));
	if (qt_store_get(w->replica, QT_RECORD_PERSON, w->person, &rec) != QT_OK)
		return NULL;
	cr_assert_eq(qt_record_json(&rec, &json), QT_OK);
	qt_record_clear(&rec);
	return json;
}

/* Syncs the replica until its person record holds needle (or 60 s pass):
 * the feed serves a change once every older write transaction of the
 * cluster has finished, which on a loaded machine may take a moment.
 * With pull_only, every sync must catch up from the replica's cursor (the
 * change came through the feed), never take a snapshot again. */
static void replica_sync_until(world_t *w, const char *needle, int pull_only)
{
	for (int i = 0; i < 600; i++) {
		qt_sync_stats_t stats;
		qt_status_t st;
		char *json;
		int found;

		memset(&stats, 0, sizeof(stats));
		st = qt_sync(w->office, w->replica, NULL, NULL, NULL, &stats);
		cr_assert_eq(st, QT_OK, "sync: %s: %s", qt_status_name(st), err_msg(w->office));
		if (pull_only)
			cr_assert(!stats.snapshot && !stats.resync,
			          "the replica took a snapshot instead of pulling the change");
		qt_sync_stats_clear(&stats);
		json = replica_person_json(w);
		found = json != NULL && strstr(json, needle) != NULL;
		free(json);
		if (found)
			return;
		harness_sleep_ms(100);
	}
	cr_assert_fail("the replica never received a person record holding \"%s\"", needle);
}

/* Every record of the replica as JSON, concatenated (caller frees). */
static char *replica_text(world_t *w)
{
	static const qt_record_type_t types[] = {QT_RECORD_PERSON, QT_RECORD_MEMBERSHIP,
	                                         QT_RECORD_MEETING, QT_RECORD_PROJECT};
	size_t cap = 1, len = 0;
	char *all = calloc(1, 1);

	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		qt_record_t *recs = NULL;
		size_t n = 0;

		cr_assert_eq(qt_store_list(w->replica, types[t], &recs, &n), QT_OK);
		for (size_t i = 0; i < n; i++) {
			char *json = NULL;
			size_t l;

			cr_assert_eq(qt_record_json(&recs[i], &json), QT_OK);
			l = strlen(json);
			cap = len + l + 2;
			all = realloc(all, cap);
			cr_assert_not_null(all);
			memcpy(all + len, json, l);
			len += l;
			all[len++] = '\n';
			all[len] = '\0';
			free(json);
		}
		qt_record_list_free(recs, n);
	}
	return all;
}

/* Runs python3 to check the export file against the expected facts. */
static int python_check(const char *path, const char *script)
{
	char cmd[PATH_MAX + 4096];
	int st;

	snprintf(cmd, sizeof(cmd), "python3 -c '%s' '%s'", script, path);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------ tests */

Test(gdpr, export_holds_everything_about_the_person_as_valid_json)
{
	world_t w;
	char *json = NULL, path[PATH_MAX], script[3072], ids[32];
	FILE *f;
	qt_status_t st;

	world_setup(&w);
	st = qt_person_export(w.admin, w.person, &json);
	cr_assert_eq(st, QT_OK, "export: %s: %s", qt_status_name(st), err_msg(w.admin));
	cr_assert_not_null(json);
	snprintf(path, sizeof(path), "%s/export.json", H.dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(json, f);
	fclose(f);

	/* Parsed by Python's json module, not by us. */
	snprintf(script, sizeof(script),
	         "import json, sys\n"
	         "d = json.load(open(sys.argv[1], encoding=\"utf-8\"))\n"
	         "p = d[\"person\"]\n"
	         "assert d[\"format\"] == \"quartier-person-export/1\", d[\"format\"]\n"
	         "assert p[\"id\"] == %lld and p[\"name\"] == \"%s\", p\n"
	         "assert p[\"email\"] == \"%s\" and p[\"phone\"] == \"%s\", p\n"
	         "assert p[\"function\"] == \"%s\" and p[\"erased_at\"] is None, p\n"
	         "ms = d[\"memberships\"]\n"
	         "assert [m[\"id\"] for m in ms] == [%lld], ms\n"
	         "assert ms[0][\"project_name\"] == \"KUGEL Heslach\" and ms[0][\"role\"] == "
	         "\"civic\", ms\n"
	         "assert [x[\"person_id\"] for x in d[\"deputised_by\"]] == [%lld], "
	         "d[\"deputised_by\"]\n"
	         "assert [x[\"meeting_id\"] for x in d[\"meetings\"]] == [%lld], d[\"meetings\"]\n"
	         "assert d[\"meetings\"][0][\"title\"] == \"AGSP Süd, Frühjahr\"\n"
	         "assert d[\"account\"] is None\n"
	         "acts = [(a[\"entity\"], a[\"action\"]) for a in d[\"audit\"]]\n"
	         "for want in [(\"person\", \"person.create\"), (\"person\", \"person.update\"),\n"
	         "             (\"membership\", \"membership.add\"), (\"meeting\", "
	         "\"meeting.create\")]:\n"
	         "    assert want in acts, (want, acts)\n"
	         "old = [a for a in d[\"audit\"] if a[\"action\"] == \"person.update\"][0]\n"
	         "assert old[\"before\"][\"email\"] == \"%s\", old\n"
	         "meet = [a for a in d[\"audit\"] if a[\"entity\"] == \"meeting\"][0]\n"
	         "assert \"before\" not in meet and \"after\" not in meet, meet\n",
	         (long long)w.person, NAME, EMAIL, PHONE, FUNCTION, (long long)w.membership,
	         (long long)w.deputy, (long long)w.meeting, OLD_EMAIL);
	cr_assert_eq(python_check(path, script), 0, "the export fails the checks:\n%s", json);
	free(json);

	/* The export is audited, without content. */
	snprintf(ids, sizeof(ids), "%lld", (long long)w.person);
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM audit WHERE action = 'person.export' "
	                             "AND entity = 'person' AND entity_id = $1 AND before IS NULL "
	                             "AND after IS NULL",
	                             1, ids, NULL, NULL),
	             1);
	world_free(&w);
	harness_finish(&H);
}

Test(gdpr, only_admins_and_known_ids)
{
	world_t w;
	qt_client_t *office, *viewer;
	qt_person_erasure_t e;
	char *json = NULL, ids[32];
	int64_t audit;

	world_setup(&w);
	snprintf(ids, sizeof(ids), "%lld", (long long)w.person);
	audit = harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL);

	/* Refused by the server, whatever the client library would allow. */
	office = harness_login(&H, "amt", HARNESS_PASSWORD);
	viewer = harness_login(&H, "leser", HARNESS_PASSWORD);
	cr_expect_eq(qt_person_export(office, w.person, &json), QT_PERMISSION_DENIED);
	cr_expect_null(json);
	cr_expect_eq(qt_person_export(viewer, w.person, &json), QT_PERMISSION_DENIED);
	cr_expect_eq(qt_person_erase(office, w.person, REASON, NULL), QT_PERMISSION_DENIED);
	cr_expect_eq(qt_person_erase(viewer, w.person, REASON, NULL), QT_PERMISSION_DENIED);
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL), audit,
	             "a refused request wrote audit rows");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM person WHERE id = $1 AND email = '" EMAIL
	                             "' AND erased_at IS NULL",
	                             1, ids, NULL, NULL),
	             1, "a refused erasure changed the person");

	/* Unknown and invalid ids, a missing reason: the field at fault. */
	cr_expect_eq(qt_person_export(w.admin, 999999, &json), QT_NOT_FOUND);
	cr_expect_str_eq(err_field(w.admin), "id");
	cr_expect_eq(qt_person_erase(w.admin, 999999, REASON, NULL), QT_NOT_FOUND);
	cr_expect_str_eq(err_field(w.admin), "id");
	cr_expect_eq(qt_person_export(w.admin, 0, &json), QT_INVALID_ARGUMENT);
	cr_expect(harness_field_is(qt_client_last_error(w.admin)->field, "id"), "field %s",
	          err_field(w.admin));
	cr_expect_eq(qt_person_erase(w.admin, -3, REASON, NULL), QT_INVALID_ARGUMENT);
	cr_expect(harness_field_is(qt_client_last_error(w.admin)->field, "id"), "field %s",
	          err_field(w.admin));
	memset(&e, 0, sizeof(e));
	cr_expect_eq(qt_person_erase(w.admin, w.person, "", &e), QT_INVALID_ARGUMENT);
	cr_expect(harness_field_is(qt_client_last_error(w.admin)->field, "reason"), "field %s",
	          err_field(w.admin));
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL), audit,
	             "a failed request wrote audit rows");

	qt_client_free(office);
	qt_client_free(viewer);
	world_free(&w);
	harness_finish(&H);
}

Test(gdpr, erase_removes_the_data_everywhere_and_reaches_the_replica)
{
	static const char *const secrets[] = {NAME, FUNCTION, OLD_EMAIL, EMAIL, PHONE};
	world_t w;
	qt_person_erasure_t e, again;
	qt_group_t g;
	char ids[32], where[1024], *text, sql[256];
	int64_t audit_before, memberships_before, erase_row, version;
	qt_status_t st;

	world_setup(&w);
	snprintf(ids, sizeof(ids), "%lld", (long long)w.person);

	/* A replica of the lead office's staff, who see contact data. */
	w.office = client_with_store("amt", "test-gdpr-office-0001", &w.replica);
	replica_sync_until(&w, EMAIL, 0);
	text = replica_text(&w);
	cr_assert(strstr(text, NAME) != NULL && strstr(text, PHONE) != NULL,
	          "the replica should hold the person before the erasure:\n%s", text);
	free(text);
	/* Before: the data is in the person, the audit snapshots and the
	 * stored answers of the admin's mutations. */
	cr_assert_gt(rows_holding(EMAIL, where, sizeof(where)), 2, "found in:%s", where);
	cr_assert_gt(rows_holding(NAME, where, sizeof(where)), 2, "found in:%s", where);
	cr_assert(strstr(where, "client_mutation.response") != NULL,
	          "the stored answers should hold the name before the erasure:%s", where);

	audit_before = harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL);
	memberships_before =
	    harness_sql_int(&H, "SELECT count(*) FROM membership", 0, NULL, NULL, NULL);
	memset(&e, 0, sizeof(e));
	st = qt_person_erase(w.admin, w.person, REASON, &e);
	cr_assert_eq(st, QT_OK, "erase: %s: %s (field %s)", qt_status_name(st), err_msg(w.admin),
	             err_field(w.admin));
	cr_expect_eq(e.already_erased, 0);
	cr_expect_eq(e.person.id, w.person);
	cr_expect_str_eq(e.person.name, w.pseudonym);
	cr_expect_null(e.person.email);
	cr_expect_null(e.person.phone);
	cr_expect_null(e.person.function);
	cr_expect_gt(e.erased_at, 0);
	/* person.create, person.update, membership.add, meeting.create */
	cr_expect_geq(e.audit_rows_redacted, 4, "%u audit rows redacted", e.audit_rows_redacted);
	cr_expect_geq(e.answers_cleared, 1, "%u stored answers cleared", e.answers_cleared);

	/* The row stays, pseudonymised and marked. */
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM person WHERE id = $1 AND name = $2 "
	                             "AND function IS NULL AND email IS NULL AND phone IS NULL "
	                             "AND account_id IS NULL AND erased_at IS NOT NULL",
	                             2, ids, w.pseudonym, NULL),
	             1);
	/* Nothing of it is left anywhere in the database. */
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		cr_expect_eq(rows_holding(secrets[i], where, sizeof(where)), 0,
		             "\"%s\" is still stored in:%s", secrets[i], where);
	/* Memberships, the deputy and the meeting participation are kept. */
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM membership", 0, NULL, NULL, NULL),
	             memberships_before);
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM membership WHERE person_id = $1 "
	                             "AND start_date = '2025-01-01' AND end_date IS NULL",
	                             1, ids, NULL, NULL),
	             1);
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM membership WHERE deputy_of_id = $1",
	                             1, ids, NULL, NULL),
	             1);
	cr_expect_eq(
	    harness_sql_int(&H, "SELECT count(*) FROM meeting_participant WHERE person_id = $1", 1,
	                    ids, NULL, NULL),
	    1);
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_group_members(w.admin, w.project, NULL, 0, &g), QT_OK, "%s",
	             err_msg(w.admin));
	cr_expect_eq(g.n_members, 2);
	for (size_t i = 0; i < g.n_members; i++) {
		if (g.members[i].person_id == w.person)
			cr_expect_str_eq(g.members[i].person.name, w.pseudonym);
		else
			cr_expect_str_eq(g.members[i].deputy_of_name, w.pseudonym);
	}
	qt_group_clear(&g);

	/* The audit keeps every row, plus the erasure's own; the redacted
	 * rows name it, and it names them. */
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL),
	             audit_before + 1);
	erase_row =
	    harness_sql_int(&H,
	                    "SELECT id FROM audit WHERE action = 'person.erase' "
	                    "AND entity_id = $1 AND before IS NULL AND after->>'reason' = $2",
	                    2, ids, REASON, NULL);
	snprintf(
	    sql, sizeof(sql),
	    "SELECT count(*) FROM audit WHERE id <> %lld AND (before->'_redacted' @> "
	    "'[{\"by_audit_id\": %lld}]' OR after->'_redacted' @> '[{\"by_audit_id\": %lld}]')",
	    (long long)erase_row, (long long)erase_row, (long long)erase_row);
	cr_expect_eq(harness_sql_int(&H, sql, 0, NULL, NULL, NULL), (int64_t)e.audit_rows_redacted);
	snprintf(
	    sql, sizeof(sql),
	    "SELECT jsonb_array_length(after->'redacted_audit_ids') FROM audit WHERE id = %lld",
	    (long long)erase_row);
	cr_expect_eq(harness_sql_int(&H, sql, 0, NULL, NULL, NULL), (int64_t)e.audit_rows_redacted);

	/* The replica that held the person receives the pseudonymised
	 * records: the person, its membership, its deputy's and the meeting. */
	replica_sync_until(&w, "gelöscht", 1);
	text = replica_text(&w);
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		cr_expect(strstr(text, secrets[i]) == NULL, "the replica still holds \"%s\":\n%s",
		          secrets[i], text);
	cr_expect(strstr(text, DEPUTY) != NULL, "the deputy is no longer in the replica");
	{
		/* the person, its membership, the deputy's membership, the meeting */
		int n = 0;

		for (const char *q = strstr(text, w.pseudonym); q != NULL;
		     q = strstr(q + 1, w.pseudonym))
			n++;
		cr_expect_geq(n, 4, "the pseudonym is in %d records of the replica:\n%s", n, text);
	}
	free(text);

	/* Again: nothing changes, and the answer says so. */
	version = person_version(w.person);
	memset(&again, 0, sizeof(again));
	st = qt_person_erase(w.admin, w.person, "noch einmal", &again);
	cr_assert_eq(st, QT_OK, "second erase: %s", err_msg(w.admin));
	cr_expect_eq(again.already_erased, 1);
	cr_expect_eq(again.erased_at, e.erased_at);
	cr_expect_str_eq(again.person.name, w.pseudonym);
	cr_expect_eq(person_version(w.person), version);
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL),
	             audit_before + 1);
	qt_person_erasure_clear(&again);
	qt_person_erasure_clear(&e);

	/* An erased person stays erased: no new name or contact data, no new
	 * support group. */
	{
		qt_person_patch_t patch;
		qt_membership_new_t in;

		memset(&patch, 0, sizeof(patch));
		patch.id = w.person;
		patch.expected_version = version;
		patch.email = "neu@example.org";
		cr_expect_eq(qt_person_update(w.admin, &patch, NULL), QT_FAILED_PRECONDITION);
		memset(&in, 0, sizeof(in));
		in.project_id = w.project;
		in.person_id = w.person;
		in.role = QT_MEMBER_CIVIC;
		in.start_date = "2020-01-01";
		in.end_date = "2020-12-31";
		cr_expect_eq(qt_membership_add(w.admin, &in, NULL), QT_FAILED_PRECONDITION);
		cr_expect_str_eq(err_field(w.admin), "person_id");
	}
	world_free(&w);
	harness_finish(&H);
}

Test(gdpr, a_person_of_an_enabled_account_is_not_erased)
{
	world_t w;
	qt_person_patch_t patch;
	qt_account_change_t ch;
	qt_person_erasure_t e;
	char *json = NULL, ids[32];
	int64_t acct;

	world_setup(&w);
	snprintf(ids, sizeof(ids), "%lld", (long long)w.person);
	acct = harness_account(&H, "bv-sued", "viewer", 0, 0, HARNESS_PASSWORD);
	memset(&patch, 0, sizeof(patch));
	patch.id = w.person;
	patch.expected_version = person_version(w.person);
	patch.set_account_id = 1;
	patch.account_id = acct;
	cr_assert_eq(qt_person_update(w.admin, &patch, NULL), QT_OK, "%s", err_msg(w.admin));

	/* The export holds the account. */
	cr_assert_eq(qt_person_export(w.admin, w.person, &json), QT_OK, "%s", err_msg(w.admin));
	cr_expect(strstr(json, "\"login\": \"bv-sued\"") != NULL, "%s", json);
	free(json);

	memset(&e, 0, sizeof(e));
	cr_expect_eq(qt_person_erase(w.admin, w.person, REASON, &e), QT_FAILED_PRECONDITION);
	cr_expect_str_eq(err_field(w.admin), "id");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM person WHERE id = $1 AND erased_at "
	                             "IS NULL AND account_id IS NOT NULL",
	                             1, ids, NULL, NULL),
	             1);

	/* Disabled, the account is unlinked by the erasure and stays. */
	memset(&ch, 0, sizeof(ch));
	ch.id = acct;
	ch.set_disabled = 1;
	ch.disabled = 1;
	cr_assert_eq(qt_account_update(w.admin, &ch, NULL), QT_OK, "%s", err_msg(w.admin));
	cr_assert_eq(qt_person_erase(w.admin, w.person, REASON, &e), QT_OK, "%s", err_msg(w.admin));
	cr_expect_eq(e.person.account_id, 0);
	qt_person_erasure_clear(&e);
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM person WHERE id = $1 "
	                             "AND account_id IS NULL AND erased_at IS NOT NULL",
	                             1, ids, NULL, NULL),
	             1);
	world_free(&w);
	harness_finish(&H);
}

/* The audit log is append-only and hash-chained: the erasure redacts
 * through qt_audit_redact(), so the chain stays intact and verification
 * counts the redacted rows; any other change of an audit row is refused. */
Test(gdpr, the_redaction_keeps_the_audit_chain_intact)
{
	world_t w;
	qt_person_erasure_t e;
	qt_audit_verify_t v;
	PGresult *res;
	qt_status_t st;

	world_setup(&w);
	(void)harness_wait_audit_sealed(&H, 60000);
	memset(&e, 0, sizeof(e));
	st = qt_person_erase(w.admin, w.person, REASON, &e);
	cr_assert_eq(st, QT_OK, "erase: %s: %s", qt_status_name(st), err_msg(w.admin));
	cr_expect_geq(e.audit_rows_redacted, 4);

	memset(&v, 0, sizeof(v));
	st = qt_audit_verify(w.admin, NULL, &v);
	cr_assert_eq(st, QT_OK, "audit verify: %s", err_msg(w.admin));
	cr_expect_eq(v.problem, QT_AUDIT_INTACT, "chain damaged by the erasure: %s",
	             v.message != NULL ? v.message : "");
	cr_expect_eq(v.redacted, (uint64_t)e.audit_rows_redacted, "%llu rows counted as redacted",
	             (unsigned long long)v.redacted);
	qt_audit_verify_clear(&v);
	qt_person_erasure_clear(&e);

	/* Any other change of an audit row is refused. */
	res = PQexec(harness_pg(&H), "UPDATE audit SET after = '{}' WHERE entity = 'person'");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "an audit row was changed");
	PQclear(res);
	world_free(&w);
	harness_finish(&H);
}
