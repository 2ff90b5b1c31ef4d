/* The tamper-evident audit log against a real quartierd and PostgreSQL:
 * rows written through the client are sealed into the hash chain in the
 * background, in transaction order even when transactions commit out of
 * order; `quartierd audit verify` on the host and the audit_verify request
 * find the chain intact.  Then, behind the server's back (libpq as
 * superuser, with triggers switched off the way an intruder would), a
 * row's content is edited, rows are deleted, forged rows are inserted and
 * the end of the chain is cut off or rewritten: both verifications name
 * the first bad row, and the running sealer reports a cut at once.  Also
 * several instances sealing one chain, erasure through qt_audit_redact(),
 * and who may verify. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(audit, .fini = harness_fini, .timeout = 240);

/* Generous: the sealer runs every second, but a horizon held back by a
 * long transaction of another test on the same cluster delays it. */
#define SEAL_WAIT_MS 60000

/* ------------------------------------------------------------ helpers */

static int64_t sql_int1(const char *sql, int64_t arg)
{
	char a[32];

	snprintf(a, sizeof(a), "%lld", (long long)arg);
	return harness_sql_int(&H, sql, 1, a, NULL, NULL);
}

/* Runs sql with the triggers off, as someone with SQL access who bypasses
 * the append-only rules (superuser, session_replication_role = replica). */
static void tamper(const char *sql)
{
	char buf[4096];

	snprintf(buf, sizeof(buf),
	         "SET session_replication_role = replica; %s; RESET session_replication_role", sql);
	harness_sql_exec(&H, buf);
}

/* The SQLSTATE of sql run with the triggers on ("" if it succeeded). */
static void sql_state(const char *sql, char state[6])
{
	PGresult *res = PQexec(harness_pg(&H), sql);
	const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	snprintf(state, 6, "%s", s != NULL ? s : "");
	PQclear(res);
}

/* Creates a focused project led by the social office in Heslach (*p
 * holds it; clear it). */
static qt_status_t new_project(qt_client_t *c, const char *name, qt_project_t *p)
{
	int64_t quarter[1] = {H.seed.quarter_heslach}, office[1] = {H.seed.office_social};
	qt_project_new_t in;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.kind = QT_KIND_FOCUSED;
	in.quarter_ids = quarter;
	in.n_quarter_ids = 1;
	in.lead_office_ids = office;
	in.n_lead_office_ids = 1;
	memset(p, 0, sizeof(*p));
	return qt_project_create(c, &in, p);
}

/* A project, then `updates` changes of its description: 1 + updates audit
 * rows.  Returns the project's id. */
static int64_t write_records(qt_client_t *c, int updates)
{
	qt_project_patch_t patch;
	qt_project_t p;
	char text[64];
	int64_t id;

	cr_assert_eq(new_project(c, "Quartiersarbeit Heslach", &p), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	id = p.id;
	for (int i = 0; i < updates; i++) {
		memset(&patch, 0, sizeof(patch));
		patch.id = id;
		patch.expected_version = p.version;
		snprintf(text, sizeof(text), "Stand %d", i + 1);
		patch.description = text;
		qt_project_clear(&p);
		cr_assert_eq(qt_project_update(c, &patch, &p), QT_OK, "%s",
		             qt_client_last_error(c)->message);
	}
	qt_project_clear(&p);
	return id;
}

/* Verifies through the client (asserts the call succeeds). */
static void verify_client(qt_client_t *c, const char *anchor, qt_audit_verify_t *v)
{
	qt_status_t st;

	memset(v, 0, sizeof(*v));
	st = qt_audit_verify(c, anchor, v);
	cr_assert_eq(st, QT_OK, "audit_verify: %s: %s", qt_status_name(st),
	             qt_client_last_error(c)->message);
}

/* Runs `quartierd audit verify [--anchor A]`; *out is its output. */
static int verify_host(const char *anchor, char **out)
{
	if (anchor != NULL)
		return harness_quartierd(
		    &H, (const char *const[]){"audit", "verify", "--anchor", anchor, NULL}, NULL,
		    out);
	return harness_quartierd(&H, (const char *const[]){"audit", "verify", NULL}, NULL, out);
}

/* Both verifications name the same first bad row. */
static void expect_damage(qt_client_t *c, const char *anchor, qt_audit_problem_t problem,
                          int64_t bad_id, int64_t bad_pos, const char *says)
{
	qt_audit_verify_t v;
	char want[128], *out = NULL;
	int rc;

	verify_client(c, anchor, &v);
	cr_expect_eq(v.problem, problem, "problem %d, want %d: %s", v.problem, problem,
	             v.message ? v.message : "(no message)");
	cr_expect_eq(v.bad_id, bad_id, "bad row %lld, want %lld: %s", (long long)v.bad_id,
	             (long long)bad_id, v.message ? v.message : "");
	cr_expect_eq(v.bad_position, bad_pos, "bad position %lld, want %lld: %s",
	             (long long)v.bad_position, (long long)bad_pos, v.message ? v.message : "");
	cr_expect(v.message != NULL && strstr(v.message, says) != NULL,
	          "message \"%s\" lacks \"%s\"", v.message ? v.message : "(null)", says);
	qt_audit_verify_clear(&v);

	rc = verify_host(anchor, &out);
	cr_expect_eq(rc, 3, "quartierd audit verify exited %d:\n%s", rc, out);
	cr_expect(strstr(out, "audit log BROKEN") != NULL, "%s", out);
	cr_expect(strstr(out, says) != NULL, "host output lacks \"%s\":\n%s", says, out);
	if (bad_id != 0 && bad_pos != 0)
		snprintf(want, sizeof(want), "first bad row: id %lld, chain position %lld\n",
		         (long long)bad_id, (long long)bad_pos);
	else if (bad_id != 0)
		snprintf(want, sizeof(want), "first bad row: id %lld, not in the chain\n",
		         (long long)bad_id);
	else
		snprintf(want, sizeof(want), "first bad chain position: %lld\n",
		         (long long)bad_pos);
	cr_expect(strstr(out, want) != NULL, "host output lacks \"%s\":\n%s", want, out);
	free(out);
}

/* Both verifications find the chain intact; returns its length and writes
 * the anchor "POSITION:HASH" of its head to anchor (if not NULL). */
static int64_t expect_intact(qt_client_t *c, char anchor[96])
{
	qt_audit_verify_t v;
	char want[64], *out = NULL;
	int64_t n;
	int rc;

	verify_client(c, NULL, &v);
	cr_assert_eq(v.problem, QT_AUDIT_INTACT, "damaged: %s", v.message ? v.message : "");
	cr_expect_null(v.message);
	cr_expect_eq(strlen(v.head_hash), 64, "head hash \"%s\"", v.head_hash);
	cr_expect_eq((int64_t)v.checked, v.head_position);
	n = v.head_position;
	if (anchor != NULL)
		snprintf(anchor, 96, "%lld:%s", (long long)v.head_position, v.head_hash);
	qt_audit_verify_clear(&v);

	rc = verify_host(NULL, &out);
	cr_expect_eq(rc, 0, "quartierd audit verify exited %d:\n%s", rc, out);
	snprintf(want, sizeof(want), "audit log OK: %lld rows checked", (long long)n);
	cr_expect(strstr(out, want) != NULL, "host output lacks \"%s\":\n%s", want, out);
	free(out);
	return n;
}

/* The audit row at chain position pos. */
static int64_t id_at(int64_t pos)
{
	return sql_int1("SELECT audit_id FROM audit_seal WHERE pos = $1", pos);
}

/* ------------------------------------------------------------ intact */

Test(audit, rows_are_sealed_in_the_background_and_verify_intact)
{
	qt_client_t *admin;
	qt_audit_verify_t v;
	char anchor[96], *out = NULL;
	int64_t rows, n;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	write_records(admin, 5);

	/* Nobody asked: the server's sealer appends them on its own. */
	rows = harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	cr_assert_geq(rows, 7, "%lld audit rows", (long long)rows);
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM audit_seal", 0, NULL, NULL, NULL),
	             rows);
	cr_expect_eq(harness_sql_int(&H, "SELECT max(pos) FROM audit_seal", 0, NULL, NULL, NULL),
	             rows, "positions have holes");
	/* In transaction order: (xid, id) rises with the position. */
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM (SELECT a.xid, a.id, "
	                             "lag(a.xid) OVER w AS px, lag(a.id) OVER w AS pi "
	                             "FROM audit_seal s JOIN audit a ON a.id = s.audit_id "
	                             "WINDOW w AS (ORDER BY s.pos)) t WHERE (xid, id) < (px, pi)",
	                             0, NULL, NULL, NULL),
	             0, "rows sealed out of transaction order");

	n = expect_intact(admin, anchor);
	cr_expect_eq(n, rows);
	verify_client(admin, NULL, &v);
	cr_expect_eq(v.sealed, 0, "the sealer had sealed everything already");
	cr_expect_eq(v.redacted, 0);
	qt_audit_verify_clear(&v);

	/* More writes extend the chain; the earlier head is still in it. */
	write_records(admin, 2);
	harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	verify_client(admin, anchor, &v);
	cr_expect_eq(v.problem, QT_AUDIT_INTACT, "%s", v.message ? v.message : "");
	cr_expect_geq(v.head_position, rows + 3);
	qt_audit_verify_clear(&v);
	cr_expect_eq(verify_host(anchor, &out), 0, "%s", out);
	free(out);

	qt_client_free(admin);
	harness_finish(&H);
}

Test(audit, out_of_order_commits_are_sealed_in_transaction_order)
{
	qt_client_t *admin;
	qt_audit_verify_t v;
	PGconn *slow;
	PGresult *res;
	int64_t slow_id, last_id;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	write_records(admin, 1);
	harness_wait_audit_sealed(&H, SEAL_WAIT_MS);

	/* An older transaction writes an audit row and stays open while newer
	 * ones commit theirs. */
	slow = PQconnectdb(H.conninfo);
	cr_assert_eq(PQstatus(slow), CONNECTION_OK, "%s", PQerrorMessage(slow));
	res = PQexec(slow, "BEGIN; INSERT INTO audit (action, entity, entity_id) "
	                   "VALUES ('test.slow', 'project', 0) RETURNING id");
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(slow));
	slow_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	write_records(admin, 3);
	last_id = harness_sql_int(&H, "SELECT max(id) FROM audit", 0, NULL, NULL, NULL);
	cr_assert_gt(last_id, slow_id);

	/* Nothing newer than the open transaction may be sealed yet: it could
	 * still add rows before them. */
	verify_client(admin, NULL, &v);
	cr_expect_eq(v.problem, QT_AUDIT_INTACT, "%s", v.message ? v.message : "");
	cr_expect_geq(v.pending, 4, "pending %llu", (unsigned long long)v.pending);
	qt_audit_verify_clear(&v);
	cr_expect_eq(sql_int1("SELECT count(*) FROM audit a WHERE a.id > $1 AND NOT EXISTS "
	                      "(SELECT 1 FROM audit_seal s WHERE s.audit_id = a.id)",
	                      slow_id),
	             4, "rows of newer transactions were sealed while an older one was open");

	res = PQexec(slow, "COMMIT");
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(slow));
	PQclear(res);
	PQfinish(slow);
	harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	/* The older transaction's row comes first, although it committed last. */
	cr_expect_lt(sql_int1("SELECT pos FROM audit_seal WHERE audit_id = $1", slow_id),
	             sql_int1("SELECT min(pos) FROM audit_seal WHERE audit_id > $1", slow_id));
	expect_intact(admin, NULL);

	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ tampering */

Test(audit, an_edited_row_is_named)
{
	qt_client_t *admin;
	char state[6], sql[512], saved[1024], says[96];
	int64_t rows, pos, id;
	PGresult *res;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	write_records(admin, 4);
	rows = harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	expect_intact(admin, NULL);
	pos = rows / 2 + 1;
	id = id_at(pos);

	/* With the rules in force the database refuses. */
	snprintf(sql, sizeof(sql), "UPDATE audit SET after = '{\"name\": \"x\"}' WHERE id = %lld",
	         (long long)id);
	sql_state(sql, state);
	cr_expect_str_eq(state, "Q0412", "UPDATE of an audit row: SQLSTATE %s", state);
	snprintf(sql, sizeof(sql), "UPDATE audit_seal SET hash = sha256(hash) WHERE pos = %lld",
	         (long long)pos);
	sql_state(sql, state);
	cr_expect_str_eq(state, "Q0412", "UPDATE of a seal: SQLSTATE %s", state);

	/* Behind its back. */
	snprintf(sql, sizeof(sql),
	         "SELECT coalesce(after::text, 'null') FROM audit WHERE id = %lld", (long long)id);
	res = PQexec(harness_pg(&H), sql);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	snprintf(saved, sizeof(saved), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(sql, sizeof(sql),
	         "UPDATE audit SET after = '{\"name\": \"Gefälschter Eintrag\"}' WHERE id = %lld",
	         (long long)id);
	tamper(sql);
	snprintf(says, sizeof(says), "row %lld (chain position %lld) was edited", (long long)id,
	         (long long)pos);
	expect_damage(admin, NULL, QT_AUDIT_EDITED, id, pos, says);

	/* Put back exactly as it was, the row verifies again. */
	{
		char *lit = PQescapeLiteral(harness_pg(&H), saved, strlen(saved));
		snprintf(sql, sizeof(sql), "UPDATE audit SET after = %s::jsonb WHERE id = %lld",
		         lit, (long long)id);
		PQfreemem(lit);
	}
	tamper(sql);
	expect_intact(admin, NULL);

	/* Another row's seal altered instead. */
	snprintf(sql, sizeof(sql), "UPDATE audit_seal SET hash = sha256(hash) WHERE pos = %lld",
	         (long long)(pos - 1));
	tamper(sql);
	snprintf(says, sizeof(says), "the seal of row %lld (chain position %lld) was altered",
	         (long long)id_at(pos - 1), (long long)(pos - 1));
	expect_damage(admin, NULL, QT_AUDIT_EDITED, id_at(pos - 1), pos - 1, says);

	cr_expect(harness_log_has(&H, "event=audit_chain_broken via=audit_verify"),
	          "the server did not log the break it answered");
	qt_client_free(admin);
	harness_finish(&H);
}

Test(audit, a_deleted_row_is_named)
{
	qt_client_t *admin;
	char state[6], sql[256], says[160];
	int64_t rows, pos, id;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	write_records(admin, 4);
	rows = harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	pos = rows / 2 + 1;
	id = id_at(pos);

	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id = %lld", (long long)id);
	sql_state(sql, state);
	cr_expect_str_eq(state, "Q0412", "DELETE of an audit row: SQLSTATE %s", state);
	sql_state("TRUNCATE audit CASCADE", state);
	cr_expect_str_eq(state, "Q0412", "TRUNCATE: SQLSTATE %s", state);

	/* The row goes, its seal stays. */
	tamper(sql);
	snprintf(says, sizeof(says), "row %lld (chain position %lld) was deleted", (long long)id,
	         (long long)pos);
	expect_damage(admin, NULL, QT_AUDIT_DELETED, id, pos, says);

	/* The seal goes too: a hole in the positions. */
	snprintf(sql, sizeof(sql), "DELETE FROM audit_seal WHERE audit_id = %lld", (long long)id);
	tamper(sql);
	snprintf(says, sizeof(says), "chain positions %lld to %lld are missing", (long long)pos,
	         (long long)pos);
	expect_damage(admin, NULL, QT_AUDIT_DELETED, id_at(pos + 1), pos + 1, says);

	/* Later rows are sealed as before; the hole stays visible. */
	write_records(admin, 1);
	harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	expect_damage(admin, NULL, QT_AUDIT_DELETED, id_at(pos + 1), pos + 1, says);

	qt_client_free(admin);
	harness_finish(&H);
}

Test(audit, an_inserted_row_is_named)
{
	qt_client_t *admin;
	char sql[1024], says[160];
	int64_t rows, pos, forged, project;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	project = write_records(admin, 4);
	rows = harness_wait_audit_sealed(&H, SEAL_WAIT_MS);

	/* A forged entry made to look as old as the first ones: it sits
	 * behind the sealed part, and no sealer will ever seal it. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO audit (xid, at, account_id, action, entity, entity_id, after) "
	         "SELECT a.xid, a.at, %lld, 'project.update', 'project', %lld, "
	         "'{\"name\": \"Gefälscht\"}' FROM audit a WHERE a.id = %lld",
	         (long long)H.admin_id, (long long)project, (long long)id_at(1));
	tamper(sql);
	forged = harness_sql_int(&H, "SELECT max(id) FROM audit", 0, NULL, NULL, NULL);
	snprintf(says, sizeof(says), "row %lld inserted behind the chain", (long long)forged);
	expect_damage(admin, NULL, QT_AUDIT_INSERTED, forged, 0, says);
	cr_expect_eq(sql_int1("SELECT count(*) FROM audit_seal WHERE audit_id = $1", forged), 0,
	             "the forged row was sealed");
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE id = %lld", (long long)forged);
	tamper(sql);
	expect_intact(admin, NULL);

	/* A forged row with a seal of its own, appended past the recorded
	 * head. */
	snprintf(sql, sizeof(sql),
	         "WITH f AS (INSERT INTO audit (account_id, action, entity, entity_id, after) "
	         "VALUES (%lld, 'project.update', 'project', %lld, '{\"name\": \"Gefälscht\"}') "
	         "RETURNING *) "
	         "INSERT INTO audit_seal SELECT p.pos + 1, f.id, p.hash, qt_audit_digest(f), "
	         "qt_audit_link(p.hash, p.pos + 1, qt_audit_digest(f)) "
	         "FROM f, audit_seal p WHERE p.pos = (SELECT max(pos) FROM audit_seal)",
	         (long long)H.admin_id, (long long)project);
	tamper(sql);
	forged = harness_sql_int(&H, "SELECT max(id) FROM audit", 0, NULL, NULL, NULL);
	snprintf(says, sizeof(says), "row %lld inserted at chain position %lld", (long long)forged,
	         (long long)(rows + 1));
	expect_damage(admin, NULL, QT_AUDIT_INSERTED, forged, rows + 1, says);
	snprintf(sql, sizeof(sql),
	         "DELETE FROM audit_seal WHERE audit_id = %lld; DELETE FROM audit WHERE id = %lld",
	         (long long)forged, (long long)forged);
	tamper(sql);
	expect_intact(admin, NULL);

	/* A forged row slipped into the middle of the chain, by someone who
	 * knows how seals are computed: the positions after it are moved up
	 * and the head with them, but the next row no longer follows. */
	pos = rows / 2 + 1;
	snprintf(sql, sizeof(sql),
	         "UPDATE audit_seal SET pos = pos + 1000000 WHERE pos >= %lld; "
	         "UPDATE audit_seal SET pos = pos - 999999 WHERE pos > 1000000; "
	         "WITH f AS (INSERT INTO audit (account_id, action, entity, entity_id, after) "
	         "VALUES (%lld, 'project.update', 'project', %lld, '{\"name\": \"Gefälscht\"}') "
	         "RETURNING *) "
	         "INSERT INTO audit_seal SELECT %lld, f.id, p.hash, qt_audit_digest(f), "
	         "qt_audit_link(p.hash, %lld, qt_audit_digest(f)) FROM f, audit_seal p "
	         "WHERE p.pos = %lld; "
	         "UPDATE audit_chain SET head_pos = head_pos + 1",
	         (long long)pos, (long long)H.admin_id, (long long)project, (long long)pos,
	         (long long)pos, (long long)(pos - 1));
	tamper(sql);
	forged = harness_sql_int(&H, "SELECT max(id) FROM audit", 0, NULL, NULL, NULL);
	snprintf(says, sizeof(says), "it does not follow row %lld at position %lld",
	         (long long)forged, (long long)pos);
	expect_damage(admin, NULL, QT_AUDIT_LINK_BROKEN, id_at(pos + 1), pos + 1, says);

	qt_client_free(admin);
	harness_finish(&H);
}

Test(audit, a_cut_or_rewritten_end_is_caught)
{
	qt_client_t *admin;
	qt_audit_verify_t v;
	char anchor[96], sql[512], says[160];
	int64_t n, last;
	uint64_t deadline;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	write_records(admin, 4);
	harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	n = expect_intact(admin, anchor);
	last = id_at(n);

	/* The last row and its seal go; the recorded head says otherwise. */
	snprintf(sql, sizeof(sql),
	         "DELETE FROM audit_seal WHERE pos = %lld; DELETE FROM audit WHERE id = %lld",
	         (long long)n, (long long)last);
	tamper(sql);
	snprintf(says, sizeof(says), "the chain's head is position %lld", (long long)n);
	expect_damage(admin, NULL, QT_AUDIT_DELETED, 0, n, says);

	/* The running sealer saw that head and says so. */
	for (deadline = 0; !harness_log_has(&H, "event=audit_chain_broken position=");
	     deadline += 50) {
		cr_assert_lt(deadline, SEAL_WAIT_MS, "the sealer did not report the cut");
		harness_sleep_ms(50);
	}

	/* A careful intruder fixes the head too: the chain is whole again,
	 * and only an anchor taken before tells. */
	snprintf(sql, sizeof(sql),
	         "UPDATE audit_chain SET head_pos = %lld, head_hash = "
	         "(SELECT hash FROM audit_seal WHERE pos = %lld)",
	         (long long)(n - 1), (long long)(n - 1));
	tamper(sql);
	verify_client(admin, NULL, &v);
	cr_expect_eq(v.problem, QT_AUDIT_INTACT, "%s", v.message ? v.message : "");
	qt_audit_verify_clear(&v);
	snprintf(says, sizeof(says), "chain position %lld of the anchor no longer exists",
	         (long long)n);
	expect_damage(admin, anchor, QT_AUDIT_DELETED, 0, n, says);

	/* The next real change takes that position with another hash. */
	write_records(admin, 0);
	harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	snprintf(says, sizeof(says), "the chain was rewritten: row %lld at chain position %lld",
	         (long long)id_at(n), (long long)n);
	expect_damage(admin, anchor, QT_AUDIT_REWRITTEN, id_at(n), n, says);

	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ more */

Test(audit, erasure_through_redaction_keeps_the_chain)
{
	qt_client_t *admin;
	qt_audit_verify_t v;
	char sql[256], state[6];
	int64_t rows, id;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	write_records(admin, 2);
	rows = harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	id = id_at(rows);
	snprintf(sql, sizeof(sql),
	         "SELECT qt_audit_redact(%lld, NULL, '{\"description\": \"[gelöscht]\"}', "
	         "'Art. 17 DSGVO: Löschung der Person 7')",
	         (long long)id);
	harness_sql_exec(&H, sql);
	verify_client(admin, NULL, &v);
	cr_expect_eq(v.problem, QT_AUDIT_INTACT, "%s", v.message ? v.message : "");
	cr_expect_eq(v.redacted, 1);
	qt_audit_verify_clear(&v);
	/* Only through qt_audit_redact(). */
	sql_state("SET quartier.audit_redact = 'on'; UPDATE audit SET action = 'x' WHERE id = 1",
	          state);
	cr_expect_str_eq(state, "Q0412", "the redaction switch let the action change: %s", state);
	harness_sql_exec(&H, "RESET quartier.audit_redact");
	expect_intact(admin, NULL);

	qt_client_free(admin);
	harness_finish(&H);
}

Test(audit, verify_is_for_admins_and_checks_its_anchor)
{
	qt_client_t *admin, *viewer;
	qt_audit_verify_t v;
	char *out = NULL;
	qt_status_t st;

	harness_standard(&H, NULL);
	harness_account(&H, "viewer", "viewer", 0, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	viewer = harness_login(&H, "viewer", HARNESS_PASSWORD);

	memset(&v, 0, sizeof(v));
	st = qt_audit_verify(viewer, NULL, &v);
	cr_expect_eq(st, QT_PERMISSION_DENIED, "viewer: %s", qt_status_name(st));
	static const char *const bad[] = {
	    "1",
	    "0:"
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "1:00",
	    "x:y",
	    "1:"
	    "zz00000000000000000000000000000000000000000000000000000000000000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = qt_audit_verify(admin, bad[i], &v);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "anchor \"%s\": %s", bad[i],
		             qt_status_name(st));
		cr_expect(
		    harness_field_is(qt_client_last_error(admin)->field, "anchor"), "field %s",
		    qt_client_last_error(admin)->field ? qt_client_last_error(admin)->field : "-");
		cr_expect_eq(verify_host(bad[i], &out), 2, "host --anchor %s: %s", bad[i], out);
		free(out);
	}
	cr_expect_eq(harness_quartierd(&H, (const char *const[]){"audit", NULL}, NULL, &out), 2,
	             "%s", out);
	free(out);
	cr_expect_eq(
	    harness_quartierd(&H, (const char *const[]){"audit", "seal", NULL}, NULL, &out), 2,
	    "%s", out);
	free(out);

	qt_client_free(viewer);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ instances */

typedef struct writer {
	harness_t *h;
	int updates;
	int failed;
} writer_t;

static void *writer_main(void *arg)
{
	writer_t *w = arg;
	qt_client_t *c = harness_login(w->h, "admin", HARNESS_PASSWORD);

	/* Assertions in threads do not fail the test; count instead. */
	for (int i = 0; i < w->updates; i++) {
		qt_project_t p;

		if (new_project(c, "Parallel geschrieben", &p) != QT_OK)
			w->failed++;
		qt_project_clear(&p);
	}
	qt_client_free(c);
	return NULL;
}

Test(audit, several_instances_seal_one_chain)
{
	harness_t h2;
	writer_t w[4];
	pthread_t t[4];
	qt_client_t *admin;
	char *out = NULL;
	int64_t rows;

	harness_standard(&H, "audit_seal_ms = 20\n");
	harness_server_second(&H, &h2, "audit_seal_ms = 20\n");
	for (int i = 0; i < 4; i++) {
		w[i].h = i % 2 ? &h2 : &H;
		w[i].updates = 25;
		w[i].failed = 0;
		cr_assert_eq(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	}
	/* Meanwhile the host seals and verifies too. */
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(verify_host(NULL, &out), 0, "%s", out);
		free(out);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_expect_eq(w[i].failed, 0, "writer %d: %d failed", i, w[i].failed);
	}
	rows = harness_wait_audit_sealed(&H, SEAL_WAIT_MS);
	cr_expect_geq(rows, 100);
	cr_expect_eq(harness_sql_int(&H, "SELECT max(pos) FROM audit_seal", 0, NULL, NULL, NULL),
	             rows);
	admin = harness_login(&h2, "admin", HARNESS_PASSWORD);
	cr_expect_eq(expect_intact(admin, NULL), rows);
	qt_client_free(admin);
	cr_expect(!harness_log_has(&H, "event=audit_seal status=failed"));
	cr_expect(!harness_log_has(&h2, "event=audit_seal status=failed"));
	cr_expect(!harness_log_has(&H, "event=audit_chain_broken"));
	cr_expect(!harness_log_has(&h2, "event=audit_chain_broken"));
	harness_finish(&h2);
	harness_finish(&H);
}
