/* Backup and restore with deploy/quartier-backup (pg_dump/pg_restore)
 * against real PostgreSQL clusters and real quartierd processes: a
 * database populated with the demo data and with changes made through the
 * server (change-feed rows, recorded client mutations) is dumped, restored
 * into an empty database owned by an unprivileged role, and a server
 * started on it must hold every record (table by table, sequences, and the
 * server's own sync_verify checksums) and keep the feed: the epoch stays, a
 * replica synced before the dump continues without resync, one synced
 * after the dump is told to resync, new changes reach the old replica, and
 * a mutation applied before the dump is answered as a replay, not applied
 * twice.  Restored into another cluster, whose transaction ids lie below
 * the backup's feed positions, the restore refuses to finish until the
 * cluster's xid epoch is moved with pg_resetwal; a server started on such
 * a database anyway gives the feed a new epoch, so replicas resync instead
 * of missing changes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#ifndef QT_BACKUP_SCRIPT
#error "QT_BACKUP_SCRIPT must name deploy/quartier-backup"
#endif
#ifndef QT_DEMO_DATA
#error "QT_DEMO_DATA must name deploy/demo-data.sql"
#endif

TestSuite(backup, .fini = harness_fini, .timeout = 300);

#define DEMO_PROJECT 1        /* KUGEL in the demo data */
#define OTHER_PROJECT 2
#define REPLAY_SEQ 7          /* the raw client's mutation that is replayed */

/* ------------------------------------------------------------ helpers */

/* Runs a shell command line; its output (stdout and stderr) goes to *out
 * (malloc, caller frees; may be NULL to drop it).  Returns the exit
 * status, or -1 if it did not exit normally. */
static int run_sh(const char *cmd, char **out)
{
	char path[PATH_MAX + 32], line[PATH_MAX * 8];
	int st;

	snprintf(path, sizeof(path), "%s/cmd.out", H.dir);
	snprintf(line, sizeof(line), "( %s ) >'%s' 2>&1 </dev/null", cmd, path);
	st = system(line);
	if (out != NULL)
		*out = harness_read_file(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The PostgreSQL client programs of the test cluster's version first in
 * PATH (the script takes psql, pg_dump and pg_restore from there). */
static void pg_bin_path(void)
{
	const char *bindir = getenv("QT_TEST_PG_BINDIR");
	const char *path = getenv("PATH");
	char buf[8192];

	cr_assert_not_null(bindir, "QT_TEST_PG_BINDIR is not set");
	snprintf(buf, sizeof(buf), "%s:%s", bindir, path != NULL ? path : "/usr/bin:/bin");
	cr_assert_eq(setenv("PATH", buf, 1), 0);
}

/* Runs quartier-backup with args; output to *out (caller frees). */
static int backup_tool(const char *args, char **out)
{
	char cmd[PATH_MAX * 6];

	snprintf(cmd, sizeof(cmd), "'%s' %s", QT_BACKUP_SCRIPT, args);
	return run_sh(cmd, out);
}

/* A connection to database dbname on h's cluster as user (NULL: h's). */
static PGconn *pg_open(const harness_t *h, const char *dbname, const char *user)
{
	char ci[PATH_MAX + 256];
	PGconn *pg;

	snprintf(ci, sizeof(ci), "host=%s port=%s user=%s dbname=%s", h->pg_host, h->pg_port,
	         user != NULL ? user : h->pg_user, dbname);
	pg = PQconnectdb(ci);
	cr_assert_eq(PQstatus(pg), CONNECTION_OK, "connect %s: %s", ci, PQerrorMessage(pg));
	return pg;
}

static void pg_exec(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);

	cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
	          PQresultErrorMessage(res));
	PQclear(res);
}

/* The first cell of a one-row query as a new string (caller frees); NULL
 * for SQL NULL. */
static char *pg_text(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	char *v;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(res));
	cr_assert_eq(PQntuples(res), 1, "%s: %d rows", sql, PQntuples(res));
	v = PQgetisnull(res, 0, 0) ? NULL : strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return v;
}

static int64_t pg_int(PGconn *pg, const char *sql)
{
	char *v = pg_text(pg, sql);
	int64_t n;

	cr_assert_not_null(v, "%s: NULL", sql);
	n = strtoll(v, NULL, 10);
	free(v);
	return n;
}

/* Creates an empty database dbname owned by a new login role owner on h's
 * cluster (the role quartierd would use; not a superuser). */
static void create_owned_db(const harness_t *h, const char *dbname, const char *owner)
{
	PGconn *pg = pg_open(h, "postgres", NULL);
	char sql[256];

	if (owner != NULL) {
		snprintf(sql, sizeof(sql), "CREATE ROLE \"%s\" LOGIN", owner);
		pg_exec(pg, sql);
	}
	snprintf(sql, sizeof(sql),
	         "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
	         "LC_CTYPE 'C' OWNER \"%s\"",
	         dbname, owner != NULL ? owner : h->pg_user);
	pg_exec(pg, sql);
	PQfinish(pg);
}

static void drop_db(const harness_t *h, const char *dbname, const char *owner)
{
	PGconn *pg = pg_open(h, "postgres", NULL);
	char sql[256];

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", dbname);
	pg_exec(pg, sql);
	if (owner != NULL) {
		snprintf(sql, sizeof(sql), "DROP ROLE IF EXISTS \"%s\"", owner);
		pg_exec(pg, sql);
	}
	PQfinish(pg);
}

/* A harness for a second server on database dbname of h's cluster,
 * connecting as user (NULL: h's), in the subdirectory sub of H's. */
static void server_on(harness_t *out, const harness_t *h, const char *sub, const char *dbname,
                      const char *user)
{
	size_t dl = strnlen(H.dir, sizeof(H.dir) - 40);

	*out = *h;
	out->server_pid = 0;
	out->db = NULL;
	out->own_cluster = 0;
	out->own_cluster_running = 0;
	memcpy(out->dir, H.dir, dl);
	snprintf(out->dir + dl, sizeof(out->dir) - dl, "/%s", sub);
	mkdir(out->dir, 0755);
	snprintf(out->dbname, sizeof(out->dbname), "%s", dbname);
	snprintf(out->conninfo, sizeof(out->conninfo), "host=%s port=%s user=%s dbname=%s",
	         h->pg_host, h->pg_port, user != NULL ? user : h->pg_user, dbname);
	snprintf(out->config_path, sizeof(out->config_path), "%s/quartierd.conf", out->dir);
	snprintf(out->log_path, sizeof(out->log_path), "%s/server.log", out->dir);
	harness_server_start(out, NULL);
}

/* `quartierd audit verify` with h's configuration finds the audit log's
 * hash chain intact (the server may be running or not). */
static void expect_audit_intact(harness_t *h, const char *where)
{
	char *out = NULL;
	int rc = harness_quartierd(h, (const char *const[]){"audit", "verify", NULL}, NULL, &out);

	cr_assert_eq(rc, 0, "audit chain %s: exit status %d\n%s", where, rc, out);
	free(out);
}

static int log_has(const harness_t *h, const char *needle)
{
	FILE *f = fopen(h->log_path, "r");
	char line[4096];
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* The source: a database with the demo data, an admin, and the server. */
static void source_with_demo_data(void)
{
	char cmd[PATH_MAX * 3], *out = NULL;
	int st;

	harness_begin(&H);
	pg_bin_path();
	harness_db_create(&H);
	harness_server_start(&H, NULL);
	snprintf(cmd, sizeof(cmd), "psql -X -q -v ON_ERROR_STOP=1 -d '%s' -f '%s'", H.conninfo,
	         QT_DEMO_DATA);
	st = run_sh(cmd, &out);
	cr_assert_eq(st, 0, "loading the demo data failed:\n%s", out);
	free(out);
	H.admin_id = harness_account(&H, "admin", "admin", 0, 0, HARNESS_PASSWORD);
}

/* ------------------------------------------------------------ clients */

/* A libquartier client with a store (replica and outbox) of its own. */
typedef struct replica {
	char path[PATH_MAX + 32];
	char instance[32];
	qt_store_t *store;
	qt_client_t *c;
} replica_t;

static void replica_open(replica_t *r, const char *name)
{
	char err[256] = "";
	qt_status_t st;

	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s/%s.db", H.dir, name);
	snprintf(r->instance, sizeof(r->instance), "backup-test-%s", name);
	st = qt_store_open(r->path, 1, r->instance, &r->store, err, sizeof(err));
	cr_assert_eq(st, QT_OK, "store %s: %s", r->path, err);
}

/* Connects r to the server of h and logs in as admin; the store is the
 * client's outbox. */
static void replica_connect(replica_t *r, harness_t *h)
{
	qt_connect_opts_t o;
	char err[256] = "";
	qt_status_t st;

	harness_opts(h, &o);
	o.instance_id = r->instance;
	st = qt_client_connect(&o, &r->c, err, sizeof(err));
	cr_assert_eq(st, QT_OK, "connect: %s", err);
	st = qt_login(r->c, "admin", HARNESS_PASSWORD, NULL, NULL);
	cr_assert_eq(st, QT_OK, "login: %s", qt_client_last_error(r->c)->message);
	qt_client_set_store(r->c, r->store);
}

static void replica_disconnect(replica_t *r)
{
	qt_client_free(r->c);
	r->c = NULL;
}

static void replica_close(replica_t *r)
{
	replica_disconnect(r);
	qt_store_close(r->store);
	r->store = NULL;
}

/* Syncs; returns whether the server asked for a resync.  *changed gets the
 * records changed by the feed (may be NULL). */
static int replica_sync(replica_t *r, uint64_t *changed)
{
	qt_sync_stats_t stats;
	qt_status_t st;
	int resync;

	memset(&stats, 0, sizeof(stats));
	st = qt_sync(r->c, r->store, NULL, NULL, NULL, &stats);
	cr_assert_eq(st, QT_OK, "sync: %s: %s", qt_status_name(st), qt_client_last_error(r->c)->message);
	resync = stats.resync;
	if (changed != NULL)
		*changed = stats.changed;
	qt_sync_stats_clear(&stats);
	return resync;
}

/* Verifies the replica against the server (asserts no divergence) and
 * returns the server's per-type sums (caller frees; *n entries). */
static qt_verify_sum_t *replica_verify(replica_t *r, size_t *n, const char *when)
{
	qt_verify_sum_t *sums = NULL;
	size_t diverged = 0;
	int settled = 0;
	qt_status_t st = qt_verify(r->c, r->store, &sums, n, &diverged, &settled);

	cr_assert_eq(st, QT_OK, "verify %s: %s", when, qt_client_last_error(r->c)->message);
	cr_assert(settled, "verify %s: the registry kept changing", when);
	for (size_t i = 0; i < *n; i++)
		cr_expect(sums[i].local_count == sums[i].server_count &&
		              sums[i].local_checksum == sums[i].server_checksum,
		          "verify %s: %s differs: %" PRIu64 "/%" PRIu64 " records", when,
		          qt_record_type_name(sums[i].type), sums[i].local_count, sums[i].server_count);
	cr_assert_eq(diverged, 0, "verify %s: %zu record types diverge", when, diverged);
	return sums;
}

/* The replica's cursor (caller frees). */
static char *replica_cursor(replica_t *r)
{
	qt_store_info_t info;
	char *cur;

	cr_assert_eq(qt_store_info(r->store, &info), QT_OK);
	cr_assert(info.has_cursor, "the replica has no cursor");
	cur = strdup(info.cursor);
	qt_store_info_clear(&info);
	return cur;
}

/* Changes project id's description (through the outbox when r has one). */
static void change_project(qt_client_t *c, int64_t id, const char *description)
{
	qt_project_t p;
	qt_project_patch_t patch;
	qt_status_t st;

	memset(&p, 0, sizeof(p));
	cr_assert_eq(qt_project_get(c, id, &p), QT_OK, "%s", qt_client_last_error(c)->message);
	memset(&patch, 0, sizeof(patch));
	patch.id = id;
	patch.expected_version = p.version;
	patch.description = description;
	qt_project_clear(&p);
	st = qt_project_update(c, &patch, NULL);
	cr_assert_eq(st, QT_OK, "update project %" PRId64 ": %s", id, qt_client_last_error(c)->message);
}

/* ------------------------------------------------------------ a raw client with mutation ids */

/* Logs a raw connection (client instance "raw-0001") in as admin. */
static void raw_login(harness_t *h, raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lg = QUARTIER__V1__LOGIN_REQUEST__INIT;
	qt_envelope_t *in = NULL;

	raw_open(h, r);
	raw_hello(r);
	lg.login = "admin";
	lg.password = HARNESS_PASSWORD;
	rq.id = 1;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	rq.login = &lg;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &rq;
	cr_assert_eq(raw_send(r, &env), 0);
	cr_assert_eq(raw_recv(r, 30000, &in), 1);
	cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
	cr_assert_null(in->response->error, "raw login failed");
	envelope_free(in);
}

/* Sends project_update (description) of DEMO_PROJECT at version with
 * mutation sequence REPLAY_SEQ; returns the response envelope (caller
 * frees with envelope_free()). */
static qt_envelope_t *raw_mutation(raw_conn_t *r, int64_t version, const char *description)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectUpdateRequest up = QUARTIER__V1__PROJECT_UPDATE_REQUEST__INIT;

	up.id = DEMO_PROJECT;
	up.expected_version = version;
	up.description = (char *)description;
	rq.id = 2;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_UPDATE;
	rq.project_update = &up;
	rq.has_mutation_seq = 1;
	rq.mutation_seq = REPLAY_SEQ;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &rq;
	cr_assert_eq(raw_send(r, &env), 0);
	for (;;) {
		qt_envelope_t *in = NULL;
		cr_assert_eq(raw_recv(r, 30000, &in), 1, "no answer to the mutation");
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_RESPONSE && in->response->id == 2)
			return in;
		envelope_free(in);
	}
}

/* ------------------------------------------------------------ comparing databases */

/* What a database holds, table by table: per table of the public schema
 * its name, row count and an md5 over its rows in a fixed order (feed_meta
 * apart: its epoch, pruning point, backup mark and dated_on, but not its
 * home, which is the restore's own, and feed_gap, which a restore fills);
 * then every sequence's position.  One
 * line per item; caller frees. */
static char *db_digest(PGconn *pg)
{
	PGresult *tabs = PQexec(pg, "SELECT table_name FROM information_schema.tables "
	                            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
	                            "ORDER BY table_name");
	size_t cap = 65536, len = 0;
	char *out = malloc(cap), *seq;
	int n;

	cr_assert_not_null(out);
	out[0] = '\0';
	cr_assert_eq(PQresultStatus(tabs), PGRES_TUPLES_OK);
	n = PQntuples(tabs);
	cr_assert_gt(n, 30, "only %d tables", n);
	for (int i = 0; i < n; i++) {
		const char *t = PQgetvalue(tabs, i, 0);
		char sql[512];
		char *md5;
		int64_t rows;

		if (strcmp(t, "feed_gap") == 0)
			continue; /* the restore's own (checked by the test) */
		if (strcmp(t, "feed_meta") == 0)
			snprintf(sql, sizeof(sql),
			         "SELECT md5(string_agg(x, E'\\n' ORDER BY x)) FROM (SELECT "
			         "concat_ws('|', epoch, pruned_xid, pruned_seq, backup_xid, backup_at, "
			         "dated_on) AS x FROM feed_meta) s");
		else
			snprintf(sql, sizeof(sql),
			         "SELECT md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) FROM "
			         "(SELECT t::text AS x FROM \"%s\" t) s",
			         t);
		md5 = pg_text(pg, sql);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t);
		rows = pg_int(pg, sql);
		if (strcmp(t, "project") == 0 || strcmp(t, "change_log") == 0 ||
		    strcmp(t, "client_mutation") == 0 || strcmp(t, "fund_entry") == 0 ||
		    strcmp(t, "membership") == 0 || strcmp(t, "audit") == 0)
			cr_assert_gt(rows, 0, "table %s is empty: the test would compare nothing", t);
		len += (size_t)snprintf(out + len, cap - len, "%s rows=%" PRId64 " md5=%s\n", t, rows, md5);
		cr_assert_lt(len, cap - 256);
		free(md5);
	}
	PQclear(tabs);
	seq = pg_text(pg, "SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), E'\\n' "
	                  "ORDER BY sequencename) FROM pg_sequences WHERE schemaname = 'public'");
	cr_assert_not_null(seq);
	snprintf(out + len, cap - len, "%s\n", seq);
	free(seq);
	return out;
}

/* The two digests agree; the differing lines are reported. */
static void expect_same_digest(const char *a, const char *b)
{
	const char *pa = a, *pb = b;

	while (*pa != '\0' || *pb != '\0') {
		size_t la = strcspn(pa, "\n"), lb = strcspn(pb, "\n");
		cr_expect(la == lb && memcmp(pa, pb, la) == 0, "after the restore: %.*s\nbefore: %.*s",
		          (int)lb, pb, (int)la, pa);
		pa += la + (pa[la] != '\0');
		pb += lb + (pb[lb] != '\0');
	}
	cr_assert_str_eq(a, b, "the restored database differs from the dumped one");
}

/* The sums of two verifications agree type by type. */
static void expect_same_sums(const qt_verify_sum_t *a, size_t na, const qt_verify_sum_t *b,
                             size_t nb)
{
	cr_assert_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		cr_expect_eq(a[i].type, b[i].type);
		cr_expect_eq(a[i].server_count, b[i].server_count, "%s: %" PRIu64 " records, then %" PRIu64,
		             qt_record_type_name(a[i].type), a[i].server_count, b[i].server_count);
		cr_expect_eq(a[i].server_checksum, b[i].server_checksum, "%s: checksum differs",
		             qt_record_type_name(a[i].type));
	}
}

/* ------------------------------------------------------------ same cluster */

Test(backup, restore_keeps_every_record_and_the_cursors)
{
	replica_t before, after;
	harness_t r;
	raw_conn_t raw;
	qt_envelope_t *in;
	qt_verify_sum_t *sums0, *sums1;
	size_t n0, n1;
	char file[PATH_MAX + 32], args[PATH_MAX * 4], rdb[64], role[64], *out = NULL;
	char *cursor0, *cursor1, *epoch0, *digest0, *digest1;
	PGconn *src, *dst;
	uint64_t changed = 0;
	int64_t version;

	source_with_demo_data();
	src = harness_pg(&H);

	/* Changes through the server: a replica's outbox (client mutations)
	 * and a raw client with mutation id REPLAY_SEQ. */
	replica_open(&before, "before");
	replica_connect(&before, &H);
	change_project(before.c, OTHER_PROJECT, "geändert über den Server, vor der Sicherung");
	raw_login(&H, &raw);
	version = pg_int(src, "SELECT version FROM project WHERE id = 1");
	in = raw_mutation(&raw, version, "Mutation vor der Sicherung");
	cr_assert_null(in->response->error, "the mutation failed");
	envelope_free(in);
	raw_close(&raw);

	/* A replica synced before the backup. */
	cr_assert_eq(replica_sync(&before, NULL), 0);
	sums0 = replica_verify(&before, &n0, "on the source");
	cursor0 = replica_cursor(&before);
	epoch0 = pg_text(src, "SELECT epoch FROM feed_meta");
	cr_assert_eq(strncmp(cursor0, epoch0, strlen(epoch0)), 0, "cursor %s, epoch %s", cursor0,
	             epoch0);
	replica_disconnect(&before);

	/* The backup; what the database holds at that moment (with every
	 * audit row sealed, so that the sealer changes nothing after it). */
	harness_wait_audit_sealed(&H, 60000);
	snprintf(file, sizeof(file), "%s/quartier.dump", H.dir);
	snprintf(args, sizeof(args), "dump -d '%s' -f '%s'", H.conninfo, file);
	cr_assert_eq(backup_tool(args, &out), 0, "dump:\n%s", out);
	cr_log_info("%s", out);
	cr_assert_not_null(strstr(out, epoch0), "%s", out);
	free(out);
	digest0 = db_digest(src);
	cr_assert_eq(backup_tool(args, &out), 3, "a second dump over the file: %s", out);
	free(out);

	/* After the dump the source goes on: another client changes a project
	 * and syncs there. */
	replica_open(&after, "after");
	replica_connect(&after, &H);
	change_project(after.c, OTHER_PROJECT, "nach der Sicherung geändert");
	cr_assert_eq(replica_sync(&after, NULL), 0);
	cursor1 = replica_cursor(&after);
	cr_assert_gt(qt_cursor_cmp(cursor1, cursor0), 0, "%s after %s", cursor1, cursor0);
	replica_disconnect(&after);

	/* Restore into a new, empty database owned by an unprivileged role.
	 * While quartierd still serves the old database (same cluster, same
	 * transaction counter), the feed is not finished. */
	snprintf(rdb, sizeof(rdb), "%.40s_restored", H.dbname);
	snprintf(role, sizeof(role), "%.40s_owner", H.dbname);
	create_owned_db(&H, rdb, role);
	snprintf(args, sizeof(args), "restore -d 'host=%s port=%s user=%s dbname=%s' -f '%s'",
	         H.pg_host, H.pg_port, role, rdb, file);
	cr_assert_eq(backup_tool(args, &out), 4, "restore while the old database is served:\n%s",
	             out);
	cr_assert_not_null(strstr(out, "still serves"), "%s", out);
	free(out);
	/* Stopped there, the restore can be finished. */
	cr_assert_eq(harness_server_stop(&H, 15000), 0, "the source server did not exit cleanly");
	snprintf(args, sizeof(args), "finish -d 'host=%s port=%s user=%s dbname=%s'", H.pg_host,
	         H.pg_port, role, rdb);
	cr_assert_eq(backup_tool(args, &out), 0, "finish:\n%s", out);
	cr_log_info("%s", out);
	cr_assert_not_null(strstr(out, "kept"), "%s", out);
	free(out);
	cr_assert_eq(backup_tool(args, &out), 0, "finish again:\n%s", out);
	cr_assert_not_null(strstr(out, "already belongs"), "%s", out);
	free(out);
	/* Not twice into the same database. */
	snprintf(args, sizeof(args), "restore -d 'host=%s port=%s user=%s dbname=%s' -f '%s'",
	         H.pg_host, H.pg_port, role, rdb, file);
	cr_assert_eq(backup_tool(args, &out), 3, "restore into a non-empty database: %s", out);
	free(out);

	/* Table by table, every row as it was at the dump. */
	dst = pg_open(&H, rdb, role);
	digest1 = db_digest(dst);
	expect_same_digest(digest0, digest1);
	cr_assert_eq(pg_int(dst, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND "
	                         "tableowner <> current_user"),
	             0, "objects owned by another role than the restoring one");
	cr_assert_eq(pg_int(dst, "SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'"), 1);
	cr_assert_eq(pg_int(dst, "SELECT count(*) FROM feed_gap g, feed_meta m "
	                         "WHERE g.from_xid = m.backup_xid AND g.to_xid > m.backup_xid"),
	             1, "the restore recorded no gap from the backup's mark on");
	cr_assert_eq(pg_int(dst, "SELECT count(*) FROM feed_gap"), 1);

	/* A server on the restored database. */
	server_on(&r, &H, "restored", rdb, role);
	cr_assert(!log_has(&r, "event=feed_new_epoch"), "the restored feed got a new epoch");
	{
		char *e = pg_text(dst, "SELECT epoch FROM feed_meta");
		cr_assert_str_eq(e, epoch0, "feed epoch changed by the restore");
		free(e);
	}

	/* The replica from before the backup continues without resync and
	 * agrees with the restored server, whose sums are the source's. */
	replica_connect(&before, &r);
	cr_assert_eq(replica_sync(&before, &changed), 0, "the replica from before the dump was "
	                                                 "told to resync");
	sums1 = replica_verify(&before, &n1, "on the restored server");
	expect_same_sums(sums0, n0, sums1, n1);
	free(sums1);

	/* The replica synced after the dump holds changes the backup lacks:
	 * it is told to start again, and then agrees too. */
	replica_connect(&after, &r);
	cr_assert_eq(replica_sync(&after, NULL), 1, "a cursor from after the dump continued");
	free(replica_verify(&after, &n1, "after the resync"));

	/* New changes on the restored server reach the old replica, at
	 * positions above every old one. */
	change_project(after.c, DEMO_PROJECT, "auf dem wiederhergestellten Server geändert");
	changed = 0;
	/* The feed serves a change once every older transaction of the
	 * cluster has ended; tests running alongside may hold one open. */
	for (int i = 0; i < 200 && changed == 0; i++) {
		cr_assert_eq(replica_sync(&before, &changed), 0);
		if (changed == 0)
			usleep(50 * 1000);
	}
	cr_assert_geq(changed, 1, "the change on the restored server did not reach the replica");
	free(replica_verify(&before, &n1, "after a change on the restored server"));
	{
		char *cur = replica_cursor(&before);
		cr_assert_gt(qt_cursor_cmp(cur, cursor1), 0, "new positions %s lie above the old %s",
		             cur, cursor1);
		free(cur);
	}

	/* The mutation applied before the dump, sent again: answered from the
	 * restored record of client mutations, not applied a second time. */
	{
		int64_t audits = pg_int(dst, "SELECT count(*) FROM audit WHERE entity = 'project' AND "
		                             "entity_id = 1 AND action = 'project.update'");

		version = pg_int(dst, "SELECT version FROM project WHERE id = 1");
		raw_login(&r, &raw);
		in = raw_mutation(&raw, version - 2, "Mutation vor der Sicherung");
		cr_assert_null(in->response->error, "the replayed mutation failed: %s",
		               in->response->error ? in->response->error->message : "");
		cr_assert(in->response->replayed, "the mutation was not answered as a replay");
		envelope_free(in);
		raw_close(&raw);
		cr_assert_eq(pg_int(dst, "SELECT version FROM project WHERE id = 1"), version);
		cr_assert_eq(pg_int(dst, "SELECT count(*) FROM audit WHERE entity = 'project' AND "
		                         "entity_id = 1 AND action = 'project.update'"),
		             audits, "the replay wrote another audit row");
	}

	/* The audit log's chain came along whole and goes on. */
	expect_audit_intact(&r, "on the restored database");

	free(sums0);
	free(cursor0);
	free(cursor1);
	free(epoch0);
	free(digest0);
	free(digest1);
	replica_close(&before);
	replica_close(&after);
	PQfinish(dst);
	cr_assert_eq(harness_server_stop(&r, 15000), 0, "the restored server did not exit cleanly");
	drop_db(&H, rdb, role);
}

/* ------------------------------------------------------------ another cluster */

/* Runs a PostgreSQL server program as the cluster's owner (from /). */
static int pg_admin(const char *cmdline, char **out)
{
	const char *user = getenv("QT_TEST_RUN_AS");
	char cmd[PATH_MAX * 4];

	if (user != NULL && user[0] != '\0')
		snprintf(cmd, sizeof(cmd), "cd / && runuser -u %s -- %s", user, cmdline);
	else
		snprintf(cmd, sizeof(cmd), "cd / && %s", cmdline);
	return run_sh(cmd, out);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *o;
	char buf[8192];
	size_t n;

	cr_assert_not_null(in, "%s: %s", from, strerror(errno));
	o = fopen(to, "wb");
	cr_assert_not_null(o, "%s: %s", to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		cr_assert_eq(fwrite(buf, 1, n, o), n);
	fclose(in);
	cr_assert_eq(fclose(o), 0);
}

Test(backup, other_cluster_needs_higher_xid_epoch)
{
	replica_t a, b;
	harness_t o, ra, rb;
	qt_verify_sum_t *sums0, *sums1;
	size_t n0, n1;
	char file[PATH_MAX + 32], args[PATH_MAX * 4], cmd[PATH_MAX * 3], *out = NULL;
	char *epoch0, *cursor0;
	uint64_t changed = 0;
	PGconn *pg;

	source_with_demo_data();

	/* A replica synced before the backup, in two copies. */
	replica_open(&a, "a");
	replica_connect(&a, &H);
	change_project(a.c, OTHER_PROJECT, "vor der Sicherung geändert");
	cr_assert_eq(replica_sync(&a, NULL), 0);
	sums0 = replica_verify(&a, &n0, "on the source");
	cursor0 = replica_cursor(&a);
	replica_close(&a);
	{
		char to[PATH_MAX + 32];
		snprintf(to, sizeof(to), "%s/b.db", H.dir);
		snprintf(file, sizeof(file), "%s/a.db", H.dir);
		copy_file(file, to);
	}
	epoch0 = pg_text(harness_pg(&H), "SELECT epoch FROM feed_meta");
	snprintf(file, sizeof(file), "%s/quartier.dump", H.dir);
	snprintf(args, sizeof(args), "dump -d '%s' -f '%s'", H.conninfo, file);
	cr_assert_eq(backup_tool(args, &out), 0, "dump:\n%s", out);
	free(out);

	/* Another cluster, fresh: its xid epoch is the source's (0), so new
	 * positions there could fall behind the backup's. */
	o = H;
	o.db = NULL;
	o.server_pid = 0;
	{
		size_t dl = strnlen(H.dir, sizeof(H.dir) - 8);
		memcpy(o.dir + dl, "/o", 3); /* short: the cluster's socket lives below */
	}
	cr_assert_eq(mkdir(o.dir, 0755), 0, "mkdir %s: %s", o.dir, strerror(errno));
	harness_cluster_own(&o);
	create_owned_db(&o, "restored_a", NULL);
	snprintf(args, sizeof(args), "restore -d 'host=%s port=%s user=%s dbname=restored_a' -f '%s'",
	         o.pg_host, o.pg_port, o.pg_user, file);
	cr_assert_eq(backup_tool(args, &out), 4, "restore into another cluster:\n%s", out);
	cr_log_info("%s", out);
	cr_assert_not_null(strstr(out, "pg_resetwal -e 1 "), "%s", out);
	free(out);

	/* quartierd started on it anyway: the feed gets a new epoch, and the
	 * replica starts again instead of missing changes. */
	server_on(&ra, &o, "other-a", "restored_a", NULL);
	cr_assert(log_has(&ra, "event=feed_new_epoch"), "no new epoch on a foreign feed");
	replica_open(&a, "a");
	replica_connect(&a, &ra);
	cr_assert_eq(replica_sync(&a, NULL), 1, "a cursor of the other cluster continued");
	free(replica_verify(&a, &n1, "after the resync"));
	/* Audit rows written here carry transaction ids below the restored
	 * chain's frontier: the chain moves to this cluster and seals them. */
	change_project(a.c, OTHER_PROJECT, "im fremden Cluster geändert");
	replica_close(&a);
	cr_assert_eq(harness_server_stop(&ra, 15000), 0);
	expect_audit_intact(&ra, "in another cluster before pg_resetwal");
	pg = pg_open(&o, "restored_a", NULL);
	{
		char *e = pg_text(pg, "SELECT epoch FROM feed_meta");
		cr_assert_str_neq(e, epoch0, "the foreign feed kept its epoch");
		free(e);
	}
	cr_assert_eq(pg_int(pg, "SELECT count(*) FROM change_log c, feed_meta m "
	                        "WHERE c.xid >= pg_snapshot_xmax(pg_current_snapshot())"),
	             0, "feed rows of the other numbering were kept");
	PQfinish(pg);

	/* The cluster's xid epoch moved past the backup's, as the restore
	 * said: now the feed keeps its epoch and the replica continues. */
	snprintf(cmd, sizeof(cmd), "'%s/pg_ctl' -D '%s' -m fast -w -t 60 -s stop",
	         getenv("QT_TEST_PG_BINDIR"), o.pg_data);
	cr_assert_eq(pg_admin(cmd, &out), 0, "pg_ctl stop:\n%s", out);
	free(out);
	o.own_cluster_running = 0;
	snprintf(cmd, sizeof(cmd), "'%s/pg_resetwal' -e 1 -D '%s'", getenv("QT_TEST_PG_BINDIR"),
	         o.pg_data);
	cr_assert_eq(pg_admin(cmd, &out), 0, "pg_resetwal:\n%s", out);
	free(out);
	harness_cluster_start(&o);
	create_owned_db(&o, "restored_b", NULL);
	snprintf(args, sizeof(args), "restore -d 'host=%s port=%s user=%s dbname=restored_b' -f '%s'",
	         o.pg_host, o.pg_port, o.pg_user, file);
	cr_assert_eq(backup_tool(args, &out), 0, "restore after pg_resetwal:\n%s", out);
	cr_assert_not_null(strstr(out, "kept"), "%s", out);
	free(out);
	server_on(&rb, &o, "other-b", "restored_b", NULL);
	cr_assert(!log_has(&rb, "event=feed_new_epoch"));
	replica_open(&b, "b");
	snprintf(b.instance, sizeof(b.instance), "backup-test-a"); /* the copy's outbox */
	replica_connect(&b, &rb);
	cr_assert_eq(replica_sync(&b, NULL), 0, "the replica from before the dump was told to resync");
	sums1 = replica_verify(&b, &n1, "on the other cluster");
	expect_same_sums(sums0, n0, sums1, n1);
	free(sums1);
	change_project(b.c, DEMO_PROJECT, "im anderen Cluster geändert");
	cr_assert_eq(replica_sync(&b, &changed), 0);
	cr_assert_geq(changed, 1, "the change did not reach the replica");
	free(replica_verify(&b, &n1, "after a change on the other cluster"));
	{
		char *cur = replica_cursor(&b);
		cr_assert_gt(qt_cursor_cmp(cur, cursor0), 0, "%s after %s", cur, cursor0);
		cr_assert_eq(strncmp(cur, epoch0, strlen(epoch0)), 0, "epoch changed: %s", cur);
		cr_assert_geq(strtoull(strchr(cur, '/') + 1, NULL, 10), 1ull << 32,
		              "positions of epoch 1 expected: %s", cur);
		free(cur);
	}
	replica_close(&b);
	cr_assert_eq(harness_server_stop(&rb, 15000), 0);
	expect_audit_intact(&rb, "in another cluster after pg_resetwal");

	/* Or the feed starts a new epoch on purpose: no pg_resetwal needed. */
	create_owned_db(&o, "restored_c", NULL);
	snprintf(args, sizeof(args),
	         "restore -d 'host=%s port=%s user=%s dbname=restored_c' -f '%s' --new-epoch",
	         o.pg_host, o.pg_port, o.pg_user, file);
	cr_assert_eq(backup_tool(args, &out), 0, "restore --new-epoch:\n%s", out);
	cr_assert_not_null(strstr(out, "is new"), "%s", out);
	free(out);
	pg = pg_open(&o, "restored_c", NULL);
	{
		char *e = pg_text(pg, "SELECT epoch FROM feed_meta");
		cr_assert_str_neq(e, epoch0);
		free(e);
	}
	PQfinish(pg);

	free(sums0);
	free(cursor0);
	free(epoch0);
	harness_end(&o);
	harness_finish(&H);
}
