/* The client side of sync through libquartier: the pure parts (scopes,
 * cursors, checksums, the outbox of an offline handle) without a server,
 * then against a real quartierd and PostgreSQL: a client killed with
 * SIGKILL at random moments of its initial sync and of its catch-up
 * resumes without gap or duplicate; a server killed while the outbox is
 * replayed applies every change exactly once; an offline edit against a
 * concurrent online edit ends conflicted with both versions kept and is
 * rebased on request. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define INSTANCE "test-sync-client-0001"

TestSuite(sync_client, .fini = harness_fini, .timeout = 900);

/* ------------------------------------------------------------ pure parts */

Test(sync_client, scope_parse_table)
{
	static const struct {
		const char *in;
		int ok;
		qt_scope_kind_t kind;
		int64_t id;
		const char *out;
	} cases[] = {
		{ "all", 1, QT_SCOPE_ALL, 0, "all" },
		{ "project:12", 1, QT_SCOPE_PROJECT, 12, "project:12" },
		{ "quarter:3", 1, QT_SCOPE_QUARTER, 3, "quarter:3" },
		{ "district:1", 1, QT_SCOPE_DISTRICT, 1, "district:1" },
		{ "office:9", 1, QT_SCOPE_OFFICE, 9, "office:9" },
		{ "project:", 0, 0, 0, NULL },
		{ "project:0", 0, 0, 0, NULL },
		{ "project:-1", 0, 0, 0, NULL },
		{ "project:1x", 0, 0, 0, NULL },
		{ "projects:1", 0, 0, 0, NULL },
		{ "proj:1", 0, 0, 0, NULL },
		{ "ALL", 0, 0, 0, NULL },
		{ "", 0, 0, 0, NULL },
		{ "project:99999999999999999999", 0, 0, 0, NULL },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		qt_scope_t sc = { QT_SCOPE_OFFICE, 77 };
		qt_status_t st = qt_scope_parse(cases[i].in, &sc);

		if (!cases[i].ok) {
			cr_expect_eq(st, QT_INVALID_ARGUMENT, "'%s' accepted", cases[i].in);
			cr_expect(sc.kind == QT_SCOPE_OFFICE && sc.id == 77, "'%s' wrote *out", cases[i].in);
			continue;
		}
		cr_assert_eq(st, QT_OK, "'%s' refused", cases[i].in);
		cr_expect_eq(sc.kind, cases[i].kind);
		cr_expect_eq(sc.id, cases[i].id);
		cr_expect_str_eq(qt_scope_format(&sc, buf, sizeof(buf)), cases[i].out);
	}
}

Test(sync_client, cursor_compare)
{
	cr_expect_eq(qt_cursor_cmp("e1/5/1", "e1/5/1"), 0);
	cr_expect_lt(qt_cursor_cmp("e1/5/1", "e1/5/2"), 0);
	cr_expect_lt(qt_cursor_cmp("e1/5/9", "e1/6/0"), 0);
	cr_expect_gt(qt_cursor_cmp("e1/10/0", "e1/9/99"), 0); /* numeric, not text */
	cr_expect_gt(qt_cursor_cmp("a/b/10/0", "a/b/9/0"), 0); /* slashes in the epoch */
	cr_expect_neq(qt_cursor_cmp("e1/5/1", "e2/5/1"), 0);
}

Test(sync_client, checksum_matches_definition)
{
	/* SHA-256(be64(10) || be64(7) || "abc"), first 8 bytes, computed
	 * independently (Python hashlib). */
	const uint8_t body[] = { 'a', 'b', 'c' };

	cr_expect_eq(qt_record_checksum(QT_RECORD_PROJECT, 7, body, 3), 0x6e394a07e43af18full,
	             "got %016llx",
	             (unsigned long long)qt_record_checksum(QT_RECORD_PROJECT, 7, body, 3));
	cr_expect_eq(qt_record_checksum(QT_RECORD_DISTRICT, 1, NULL, 0), 0x532deabf88729cb4ull,
	             "got %016llx",
	             (unsigned long long)qt_record_checksum(QT_RECORD_DISTRICT, 1, NULL, 0));
}

Test(sync_client, record_type_names_round_trip)
{
	for (int t = 1; t < 32; t++) {
		const char *n = qt_record_type_name((qt_record_type_t)t);

		if (strcmp(n, "unknown") == 0)
			continue;
		cr_expect_eq(qt_record_type_parse(n), (qt_record_type_t)t, "%s", n);
	}
	cr_expect_eq(qt_record_type_parse("nope"), QT_RECORD_UNSPECIFIED);
}

/* A scratch file name for a store. */
static void scratch_path(char *buf, size_t len, const char *name)
{
	const char *tmp = getenv("QT_TEST_TMPDIR");

	snprintf(buf, len, "%s/sync-client-%d-%s.db", tmp != NULL ? tmp : "/tmp", (int)getpid(),
	         name);
	unlink(buf);
}

Test(sync_client, offline_change_is_queued_durably)
{
	char path[512], err[256];
	qt_store_t *s = NULL;
	qt_client_t *c = NULL;
	qt_project_patch_t patch;
	qt_project_t out, p;
	qt_outbox_entry_t *list = NULL;
	size_t n = 0;

	scratch_path(path, sizeof(path), "offline");
	cr_assert_eq(qt_store_open(path, 1, INSTANCE, &s, err, sizeof(err)), QT_OK, "%s", err);
	cr_assert_eq(qt_client_offline(s, 1, &c), QT_OK);

	/* Reads: the empty replica answers "not found", not a stale value. */
	cr_expect_eq(qt_project_get(c, 1, &p), QT_NOT_FOUND);

	memset(&patch, 0, sizeof(patch));
	patch.id = 42;
	patch.expected_version = 3;
	patch.description = "queued while offline";
	cr_assert_eq(qt_project_update(c, &patch, &out), QT_UNAVAILABLE);
	cr_assert_eq(qt_client_queued(c), 1);
	cr_assert_eq(qt_project_update(c, &patch, &out), QT_UNAVAILABLE);
	cr_assert_eq(qt_client_queued(c), 2);
	/* Reads never queue. */
	cr_expect_eq(qt_ping(c), QT_UNAVAILABLE);
	qt_client_free(c);
	qt_store_close(s);

	/* Durable: a new handle sees both, in order, with their change. */
	cr_assert_eq(qt_store_open(path, 0, NULL, &s, err, sizeof(err)), QT_OK, "%s", err);
	cr_assert_eq(qt_outbox_list(s, 1, &list, &n), QT_OK);
	cr_assert_eq(n, 2);
	cr_expect_eq(list[0].id, 1);
	cr_expect_lt(list[0].seq, list[1].seq);
	cr_expect_eq(list[0].state, QT_OUTBOX_QUEUED);
	cr_expect_str_eq(list[0].request_type, "project_update");
	cr_expect_eq(list[0].target_type, QT_RECORD_PROJECT);
	cr_expect_eq(list[0].target_id, 42);
	cr_expect_eq(list[0].expected_version, 3);
	cr_assert_not_null(list[0].change_json);
	cr_expect(strstr(list[0].change_json, "queued while offline") != NULL, "%s",
	          list[0].change_json);
	qt_outbox_list_free(list, n);

	cr_expect_eq(qt_outbox_discard(s, 2), QT_OK);
	cr_expect_eq(qt_outbox_discard(s, 2), QT_NOT_FOUND);
	cr_assert_eq(qt_outbox_list(s, 1, &list, &n), QT_OK);
	cr_expect_eq(n, 1);
	qt_outbox_list_free(list, n);
	qt_store_close(s);
	unlink(path);
}

/* ------------------------------------------------------------ helpers */

static qt_client_t *connect_as(const char *login)
{
	qt_connect_opts_t o;
	qt_client_t *c = NULL;
	char err[256];

	harness_opts(&H, &o);
	o.instance_id = INSTANCE;
	cr_assert_eq(qt_client_connect(&o, &c, err, sizeof(err)), QT_OK, "%s", err);
	cr_assert_eq(qt_login(c, login, HARNESS_PASSWORD, NULL, NULL), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	return c;
}

static qt_store_t *store_at(const char *path)
{
	qt_store_t *s = NULL;
	char err[256];

	cr_assert_eq(qt_store_open(path, 1, INSTANCE, &s, err, sizeof(err)), QT_OK, "%s", err);
	return s;
}

static int64_t make_project(qt_client_t *c, const char *name)
{
	int64_t qo[2];
	qt_project_new_t in;
	qt_project_t p;
	int64_t id;

	harness_project_in(&H, &in, name, qo);
	cr_assert_eq(qt_project_create(c, &in, &p), QT_OK, "%s", qt_client_last_error(c)->message);
	id = p.id;
	qt_project_clear(&p);
	return id;
}

static void touch_project(qt_client_t *c, int64_t id, const char *desc)
{
	qt_project_t p, out;
	qt_project_patch_t patch;

	cr_assert_eq(qt_project_get(c, id, &p), QT_OK);
	memset(&patch, 0, sizeof(patch));
	patch.id = id;
	patch.expected_version = p.version;
	patch.description = desc;
	cr_assert_eq(qt_project_update(c, &patch, &out), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	qt_project_clear(&p);
	qt_project_clear(&out);
}

/* Asserts that two replicas hold exactly the same records. */
static void assert_same_replica(qt_store_t *a, qt_store_t *b)
{
	for (int t = 1; t < 32; t++) {
		qt_record_t *ra = NULL, *rb = NULL;
		size_t na = 0, nb = 0;

		if (strcmp(qt_record_type_name((qt_record_type_t)t), "unknown") == 0)
			continue;
		cr_assert_eq(qt_store_list(a, (qt_record_type_t)t, &ra, &na), QT_OK);
		cr_assert_eq(qt_store_list(b, (qt_record_type_t)t, &rb, &nb), QT_OK);
		cr_assert_eq(na, nb, "%s: %zu records in the resumed replica, %zu in a fresh one",
		             qt_record_type_name((qt_record_type_t)t), na, nb);
		for (size_t i = 0; i < na; i++) {
			cr_assert_eq(ra[i].id, rb[i].id, "%s: ids differ", qt_record_type_name(ra[i].type));
			cr_assert(ra[i].body_len == rb[i].body_len &&
			          memcmp(ra[i].body, rb[i].body, ra[i].body_len) == 0,
			          "%s %lld differs", qt_record_type_name(ra[i].type), (long long)ra[i].id);
		}
		qt_record_list_free(ra, na);
		qt_record_list_free(rb, nb);
	}
}

/* Forks a child that syncs path and kills it with SIGKILL after a random
 * delay below max_us; returns 1 if the child finished by itself first. */
/* Tells the parent (fd in arg) that the first snapshot page is stored. */
static void sync_page_stored(const qt_sync_progress_t *p, void *arg)
{
	int *fd = arg;

	if (*fd >= 0 && p->snapshot) {
		(void)!write(*fd, "p", 1);
		close(*fd);
		*fd = -1;
	}
}

/* Runs a sync of the replica at path in a child process and kills it
 * after a random delay below max_us -- counted from the start, or with
 * after_first_page from the moment its first snapshot page is stored (so
 * that the kill lands inside the snapshot even when logging in takes
 * longest on a loaded machine).  Returns whether the sync finished before
 * the kill. */
static int sync_killed(const char *path, unsigned max_us, int after_first_page)
{
	int pfd[2], status;
	pid_t pid;

	cr_assert_eq(pipe(pfd), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		qt_connect_opts_t o;
		qt_client_t *c = NULL;
		qt_store_t *s = NULL;
		char err[256];
		int fd = pfd[1];

		close(pfd[0]);
		harness_opts(&H, &o);
		o.instance_id = INSTANCE;
		if (qt_client_connect(&o, &c, err, sizeof(err)) != QT_OK ||
		    qt_login(c, "admin", HARNESS_PASSWORD, NULL, NULL) != QT_OK ||
		    qt_store_open(path, 1, INSTANCE, &s, err, sizeof(err)) != QT_OK)
			_exit(2);
		_exit(qt_sync(c, s, NULL, sync_page_stored, &fd, NULL) == QT_OK ? 0 : 3);
	}
	close(pfd[1]);
	if (after_first_page) {
		struct pollfd pf = {.fd = pfd[0], .events = POLLIN};
		char b;
		/* A byte: the first page is in; EOF: the child ended first. */
		if (poll(&pf, 1, 60000) == 1)
			(void)!read(pfd[0], &b, 1);
	}
	close(pfd[0]);
	usleep((useconds_t)(rand() % (int)max_us));
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The longest delay before the kill in a round: growing linearly, and
 * doubling in the last rounds, so that a sync slowed by a loaded machine
 * (other tests hold the cluster's transaction horizon back) still gets to
 * finish once. */
static unsigned kill_window_us(unsigned base, unsigned step, int round)
{
	unsigned us = base + step * (unsigned)round;

	if (round >= 150)
		us <<= (round - 150 < 6 ? round - 150 : 6);
	return us;
}

/* Whether the replica at path holds an interrupted snapshot. */
static int snapshot_in_progress(const char *path)
{
	qt_store_t *s = store_at(path);
	qt_store_info_t info;
	int r;

	cr_assert_eq(qt_store_info(s, &info), QT_OK);
	r = info.snapshot_in_progress;
	qt_store_info_clear(&info);
	qt_store_close(s);
	return r;
}

/* Syncs a fresh replica at path2 and compares it with the one at path,
 * and verifies path against the server. */
static void compare_with_fresh(qt_client_t *c, const char *path, const char *path2)
{
	qt_store_t *s = store_at(path), *f = store_at(path2);
	qt_verify_sum_t *sums = NULL;
	size_t n = 0, bad = 0;
	int settled = 0;

	cr_assert_eq(qt_sync(c, s, NULL, NULL, NULL, NULL), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	cr_assert_eq(qt_sync(c, f, NULL, NULL, NULL, NULL), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	assert_same_replica(s, f);
	cr_assert_eq(qt_verify(c, s, &sums, &n, &bad, &settled), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	cr_expect_eq(bad, 0, "the resumed replica diverges from the server in %zu types", bad);
	free(sums);
	qt_store_close(s);
	qt_store_close(f);
}

/* ------------------------------------------------------------ (a) client killed */

Test(sync_client, killed_during_initial_sync_and_catch_up_resumes)
{
	char path[512], fresh[512], name[64];
	qt_client_t *c;
	int64_t ids[1200];
	int finished = 0, kills = 0, interrupted = 0;

	harness_standard(&H, NULL);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	c = connect_as("admin");
	/* More records than two snapshot pages. */
	for (int i = 0; i < 1200; i++) {
		snprintf(name, sizeof(name), "Projekt %04d", i);
		ids[i] = make_project(c, name);
	}
	scratch_path(path, sizeof(path), "killed");
	scratch_path(fresh, sizeof(fresh), "fresh1");

	/* Initial sync, killed at random moments until one run completes;
	 * the delays grow, so that early kills hit the first pages and later
	 * ones the last.  At least one kill must have interrupted a snapshot
	 * half way, or the test proves nothing. */
	for (int round = 0; round < 200 && !finished; round++) {
		/* Every third round counts from the first stored page. */
		finished = sync_killed(path, kill_window_us(5000, 5000, round), round % 3 == 1);
		if (!finished)
			interrupted += snapshot_in_progress(path);
		kills += !finished;
	}
	cr_assert(finished, "the initial sync never completed between the kills");
	cr_log_info("initial sync: %d kills, %d of them in the middle of the snapshot", kills,
	            interrupted);
	cr_assert_gt(interrupted, 0, "no kill hit the snapshot half way");
	compare_with_fresh(c, path, fresh);
	unlink(fresh);

	/* Catch-up: changes (and more records) after the cursor, then kills. */
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "Änderung %d", i);
		touch_project(c, ids[i], name);
	}
	finished = 0;
	kills = 0;
	for (int round = 0; round < 200 && !finished; round++) {
		finished = sync_killed(path, kill_window_us(2000, 3000, round), 0);
		kills += !finished;
	}
	cr_assert(finished, "the catch-up never completed between the kills");
	cr_log_info("catch-up: %d kills", kills);
	cr_assert_gt(kills, 0, "no kill hit the catch-up");
	scratch_path(fresh, sizeof(fresh), "fresh2");
	compare_with_fresh(c, path, fresh);
	unlink(fresh);
	unlink(path);
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ (b) server killed */

Test(sync_client, server_killed_during_replay_applies_each_change_once)
{
	char path[512], name[64];
	qt_store_t *s;
	qt_client_t *off = NULL, *c;
	qt_replay_stats_t rs;
	qt_store_info_t info;
	int64_t qo[2];
	int rounds = 0, cut = 0;

	harness_standard(&H, NULL);
	scratch_path(path, sizeof(path), "replay");
	s = store_at(path);
	cr_assert_eq(qt_client_offline(s, 0, &off), QT_OK);
	for (int i = 0; i < 200; i++) {
		qt_project_new_t in;
		qt_project_t p;

		snprintf(name, sizeof(name), "outbox-%03d", i);
		harness_project_in(&H, &in, name, qo);
		cr_assert_eq(qt_project_create(off, &in, &p), QT_UNAVAILABLE);
		cr_assert_eq(qt_client_queued(off), i + 1);
	}
	qt_client_free(off);

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (;;) {
		pid_t killer;
		pid_t server = H.server_pid;
		qt_status_t st;

		cr_assert_lt(rounds++, 60, "the outbox never drained");
		c = connect_as("admin");
		killer = fork();
		cr_assert_neq(killer, -1);
		if (killer == 0) {
			/* Growing delays: early rounds are cut, later ones
			 * finish. */
			usleep((useconds_t)(2000 + rand() % (20000 + 20000 * rounds)));
			kill(server, SIGKILL);
			_exit(0);
		}
		st = qt_outbox_replay(c, s, &rs);
		waitpid(killer, NULL, 0);
		qt_client_free(c);
		/* The kill may come after the replay ended: then it is done. */
		harness_server_wait(&H, 5000);
		H.server_pid = 0;
		harness_server_start(&H, NULL);
		cr_assert_eq(qt_store_info(s, &info), QT_OK);
		cr_expect_eq(info.outbox_conflicted + info.outbox_failed, 0,
		             "replayed creates were refused");
		if (st != QT_OK && rs.done > 0)
			cut++; /* killed half way through the queue */
		if (info.outbox_queued == 0 && st == QT_OK) {
			qt_store_info_clear(&info);
			break;
		}
		qt_store_info_clear(&info);
	}
	cr_log_info("outbox replay: %d rounds, %d cut half way by the kill", rounds, cut);
	cr_expect_gt(cut, 0, "the server was never killed in the middle of a replay");
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM project WHERE name LIKE 'outbox-%'", 0,
	                             NULL, NULL, NULL),
	             200, "each queued change exactly once");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(DISTINCT name) FROM project WHERE name LIKE 'outbox-%'",
	                             0, NULL, NULL, NULL),
	             200);
	qt_store_close(s);
	unlink(path);
	harness_finish(&H);
}

/* ------------------------------------------------------------ (c) conflict */

Test(sync_client, offline_edit_against_online_edit_conflicts_and_rebases)
{
	char path[512];
	qt_store_t *s;
	qt_client_t *c, *off = NULL, *other;
	qt_project_t p, out;
	qt_project_patch_t patch;
	qt_outbox_entry_t e;
	qt_record_t rec;
	qt_replay_stats_t rs;
	char *json = NULL;
	int64_t pid;

	harness_standard(&H, NULL);
	c = connect_as("admin");
	pid = make_project(c, "KUGEL");
	scratch_path(path, sizeof(path), "conflict");
	s = store_at(path);
	cr_assert_eq(qt_sync(c, s, NULL, NULL, NULL, NULL), QT_OK, "%s",
	             qt_client_last_error(c)->message);

	/* Offline: the description, based on the replica's version. */
	cr_assert_eq(qt_client_offline(s, 1, &off), QT_OK);
	cr_assert_eq(qt_project_get(off, pid, &p), QT_OK);
	memset(&patch, 0, sizeof(patch));
	patch.id = pid;
	patch.expected_version = p.version;
	patch.description = "Stadtteilfest am 3. Juli";
	cr_assert_eq(qt_project_update(off, &patch, &out), QT_UNAVAILABLE);
	cr_assert_eq(qt_client_queued(off), 1);
	qt_client_free(off);
	qt_project_clear(&p);

	/* Meanwhile, online: another change of the same project. */
	other = connect_as("admin");
	memset(&patch, 0, sizeof(patch));
	patch.id = pid;
	cr_assert_eq(qt_project_get(other, pid, &p), QT_OK);
	patch.expected_version = p.version;
	patch.name = "KUGEL Süd";
	cr_assert_eq(qt_project_update(other, &patch, &out), QT_OK);
	qt_project_clear(&p);
	qt_project_clear(&out);
	qt_client_free(other);

	/* Replay: conflicted, kept with the server's error. */
	cr_assert_eq(qt_outbox_replay(c, s, &rs), QT_OK);
	cr_expect_eq(rs.conflicted, 1);
	cr_assert_eq(qt_outbox_get(s, 1, &e), QT_OK);
	cr_expect_eq(e.state, QT_OUTBOX_CONFLICTED);
	cr_expect_eq(e.error_status, QT_CONFLICT);
	cr_expect(strstr(e.change_json, "Stadtteilfest") != NULL, "%s", e.change_json);
	qt_outbox_entry_clear(&e);
	/* Both versions: the server's one comes into the replica by a sync.
	 * The feed serves a change once every transaction older than it has
	 * ended, cluster-wide; tests running beside this one may hold such a
	 * transaction for a moment, so the sync is repeated until it has come
	 * (ten seconds at most). */
	for (int tries = 0;; tries++) {
		cr_assert_eq(qt_sync(c, s, NULL, NULL, NULL, NULL), QT_OK);
		cr_assert_eq(qt_store_get(s, QT_RECORD_PROJECT, pid, &rec), QT_OK);
		cr_assert_eq(qt_record_json(&rec, &json), QT_OK);
		qt_record_clear(&rec);
		if (strstr(json, "KUGEL Süd") != NULL || tries == 100)
			break;
		free(json);
		usleep(100 * 1000);
	}
	cr_assert(strstr(json, "KUGEL Süd") != NULL, "%s", json);
	free(json);

	/* Retry as it is: still stale.  Rebased: applied on top. */
	cr_expect_eq(qt_outbox_retry(c, s, 1, 0), QT_CONFLICT);
	cr_assert_eq(qt_outbox_retry(c, s, 1, 1), QT_OK, "%s", qt_client_last_error(c)->message);
	cr_assert_eq(qt_outbox_get(s, 1, &e), QT_OK);
	cr_expect_eq(e.state, QT_OUTBOX_DONE);
	cr_expect_not_null(e.cursor);
	qt_outbox_entry_clear(&e);
	cr_assert_eq(qt_project_get(c, pid, &p), QT_OK);
	cr_expect_str_eq(p.name, "KUGEL Süd", "the online change was lost");
	cr_expect_str_eq(p.description, "Stadtteilfest am 3. Juli", "the offline change was lost");
	qt_project_clear(&p);
	qt_store_close(s);
	unlink(path);
	qt_client_free(c);
	harness_finish(&H);
}
