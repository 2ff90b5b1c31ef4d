/* Fault injection against the real server: quartierd-fault is quartierd
 * with the allocations and the reads/writes of its own code wrapped
 * (tests/fault/), so that the Nth of them fails.  For every N over one
 * request path -- TLS connect and hello, login, project get, project
 * update of the name -- the path runs once with the Nth call failing, until
 * an N is larger than the path.  After each run:
 *   - the server is still running (no crash, no abort);
 *   - every step either succeeded, was answered with an error, or found its
 *     connection closed -- none hung without answer;
 *   - an acknowledged update is in the database at once (nothing is
 *     acknowledged that was not committed), and the stored name is one the
 *     path sent (an update whose answer was lost may still commit);
 *   - a second client, logged in before, is served.
 * At the end the server must stop cleanly; under deploy/test.sh's sanitizer
 * run, LeakSanitizer at its exit proves that no failure leaked memory. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "harness.h"

#ifndef QUARTIERD_FAULT_PATH
#error "QUARTIERD_FAULT_PATH must name the quartierd-fault binary"
#endif

#define FAULT_MAX_N 5000         /* a path longer than this is a finding too */
#define FAULT_CALL_TIMEOUT_MS 8000

TestSuite(fault, .fini = harness_fini, .timeout = 900);

static fault_ctl_t *ctl;

typedef enum {
	PATH_OK,     /* every step succeeded */
	PATH_ERROR,  /* a step was answered with an error status */
	PATH_CLOSED, /* a step found the connection failed or closed */
} path_end_t;

typedef struct path_result {
	path_end_t end;
	const char *step;   /* the step that did not succeed */
	qt_status_t status;
	char message[256];
	int update_acked;   /* the update was answered ok */
} path_result_t;

typedef struct fault_tally {
	unsigned runs, ok, error, closed;
	unsigned retries; /* times the other client was told to retry */
} fault_tally_t;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Starts quartierd-fault with a control block in the test's directory. */
static void fault_start(void)
{
	char path[PATH_MAX + 32];
	int fd;

	harness_begin(&H);
	harness_db_create(&H);
	snprintf(path, sizeof(path), "%s/fault.ctl", H.dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, sizeof(fault_ctl_t)), 0);
	ctl = mmap(NULL, sizeof(fault_ctl_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	cr_assert_neq(ctl, MAP_FAILED);
	__atomic_store_n(&ctl->magic, FAULT_MAGIC, __ATOMIC_RELEASE);
	/* Inherited by the server child. */
	setenv("QT_FAULT_CTL", path, 1);
	H.server_exe = QUARTIERD_FAULT_PATH;
	/* Cheap password hashes and quick reconnects keep each run short. */
	harness_server_start(&H, "argon2_memory_kib = 64\n"
	                         "argon2_iterations = 1\n"
	                         "db_reconnect_ms = 50\n");
	harness_seed(&H);
	H.admin_id = harness_account(&H, "admin", "admin", 0, 0, HARNESS_PASSWORD);
}

static void fault_arm(fault_kind_t kind, int64_t n)
{
	__atomic_store_n(&ctl->calls, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ctl->countdown, n, __ATOMIC_RELAXED);
	__atomic_store_n(&ctl->armed, (int32_t)kind, __ATOMIC_RELEASE);
}

/* Disarms and returns the number of failures injected so far. */
static int64_t fault_disarm(void)
{
	__atomic_store_n(&ctl->armed, FAULT_NONE, __ATOMIC_RELEASE);
	return __atomic_load_n(&ctl->fired, __ATOMIC_ACQUIRE);
}

/* Waits until the server has stopped making calls of this kind (counted
 * with a countdown that never runs out) for 30 ms in a row, at most 3 s:
 * a request's work after its answer is out (reading again allocates TLS
 * buffers) must not take the failure meant for the next path.  A busy
 * machine stretches that work well beyond a fixed pause. */
static void fault_settle(fault_kind_t kind)
{
	uint64_t deadline = mono_ms() + 3000;
	int64_t seen;

	fault_arm(kind, INT64_MAX);
	do {
		seen = __atomic_load_n(&ctl->calls, __ATOMIC_ACQUIRE);
		harness_sleep_ms(30);
	} while (__atomic_load_n(&ctl->calls, __ATOMIC_ACQUIRE) != seen && mono_ms() < deadline);
	(void)fault_disarm();
}

/* Records how a step that did not succeed ended, and fails the test if the
 * server let it hang: neither an answer nor a closed connection. */
static void path_failed(path_result_t *res, const char *step, qt_status_t st, const char *msg,
                        uint64_t took_ms)
{
	res->step = step;
	res->status = st;
	snprintf(res->message, sizeof(res->message), "%s", msg != NULL ? msg : "");
	cr_assert(took_ms < FAULT_CALL_TIMEOUT_MS && strstr(res->message, "timed out") == NULL,
	          "%s: the server neither answered nor closed the connection (%s)", step,
	          res->message);
	res->end = (st == QT_IO || st == QT_TLS) ? PATH_CLOSED : PATH_ERROR;
}

static void run_path(int64_t pid, const char *new_name, path_result_t *res)
{
	qt_connect_opts_t o;
	qt_client_t *c = NULL;
	qt_project_t p, out;
	qt_project_patch_t patch;
	char err[256] = "";
	char *token = NULL;
	uint64_t t0;
	qt_status_t st;

	memset(res, 0, sizeof(*res));
	harness_opts(&H, &o);
	o.timeout_ms = FAULT_CALL_TIMEOUT_MS;

	t0 = mono_ms();
	st = qt_client_connect(&o, &c, err, sizeof(err));
	if (st != QT_OK) {
		path_failed(res, "connect", st, err, mono_ms() - t0);
		return;
	}
	t0 = mono_ms();
	st = qt_login(c, "admin", HARNESS_PASSWORD, &token, NULL);
	free(token);
	if (st != QT_OK) {
		path_failed(res, "login", st, qt_client_last_error(c)->message, mono_ms() - t0);
		goto out;
	}
	t0 = mono_ms();
	st = qt_project_get(c, pid, &p);
	if (st != QT_OK) {
		path_failed(res, "project.get", st, qt_client_last_error(c)->message, mono_ms() - t0);
		goto out;
	}
	memset(&patch, 0, sizeof(patch));
	patch.id = pid;
	patch.expected_version = p.version;
	patch.name = new_name;
	qt_project_clear(&p);
	t0 = mono_ms();
	st = qt_project_update(c, &patch, &out);
	if (st != QT_OK) {
		path_failed(res, "project.update", st, qt_client_last_error(c)->message,
		            mono_ms() - t0);
		goto out;
	}
	qt_project_clear(&out);
	res->update_acked = 1;
	res->end = PATH_OK;
out:
	qt_client_free(c);
}

/* The project's name as stored (caller frees). */
static char *stored_name(int64_t pid)
{
	char id[32];
	const char *params[1] = {id};
	PGresult *res;
	char *name;

	snprintf(id, sizeof(id), "%lld", (long long)pid);
	res = PQexecParams(harness_pg(&H), "SELECT name FROM project WHERE id = $1", 1, NULL, params,
	                   NULL, NULL, 0);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(harness_pg(&H)));
	cr_assert_eq(PQntuples(res), 1);
	name = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	cr_assert_not_null(name);
	return name;
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

/* Whether name is the project's first name or one the path sent in runs
 * 1..n.  An update that was not acknowledged may still be committed, even
 * after its client saw the connection close (the statement was already
 * running in PostgreSQL): such a name can turn up a run or two later. */
static int attempted(const char *name, const char *kind_name, int64_t n)
{
	char prefix[64];
	size_t len;
	char *end;
	long long k;

	if (strcmp(name, "Fault path") == 0)
		return 1;
	len = (size_t)snprintf(prefix, sizeof(prefix), "Fault %s ", kind_name);
	if (strncmp(name, prefix, len) != 0)
		return 0;
	k = strtoll(name + len, &end, 10);
	return *end == '\0' && k >= 1 && k <= n;
}

/* Runs the path for N = 1, 2, ... with the Nth call of kind failing, until
 * the path needs fewer than N calls. */
static void fault_every_n(fault_kind_t kind, const char *kind_name, qt_client_t *bystander,
                          int64_t pid, fault_tally_t *tally)
{
	int64_t n;

	memset(tally, 0, sizeof(*tally));
	for (n = 1; n <= FAULT_MAX_N; n++) {
		char name[64], fired_at[sizeof(ctl->fired_at)];
		int64_t before = fault_disarm(), fired;
		path_result_t res;
		qt_project_t p;
		char *now;

		snprintf(name, sizeof(name), "Fault %s %lld", kind_name, (long long)n);
		memset(ctl->fired_at, 0, sizeof(ctl->fired_at));
		/* The count starts with the path, not with the other client's
		 * last request. */
		fault_settle(kind);
		fault_arm(kind, n);
		run_path(pid, name, &res);
		fired = fault_disarm() - before;
		memcpy(fired_at, ctl->fired_at, sizeof(fired_at));
		fired_at[sizeof(fired_at) - 1] = '\0';

		if (!harness_server_alive(&H)) {
			harness_dump_log(&H, 60);
			cr_assert_fail("quartierd died when %s call %lld (%s) failed", kind_name,
			               (long long)n, fired_at);
		}
		now = stored_name(pid);
		if (res.update_acked)
			cr_assert_str_eq(now, name,
			                 "%s call %lld (%s): the update was acknowledged but not stored",
			                 kind_name, (long long)n, fired_at);
		else
			cr_assert(attempted(now, kind_name, n),
			          "%s call %lld (%s): stored name \"%s\" was never sent",
			          kind_name, (long long)n, fired_at, now);
		free(now);

		/* The other client is still served.  A failed database read or
		 * write costs the pool that connection; until it is back (after
		 * db_reconnect_ms) a request may find none, and is told to retry. */
		for (int tries = 0;; tries++) {
			qt_status_t st = qt_project_get(bystander, pid, &p);
			if (st == QT_OK)
				break;
			cr_assert(st == QT_UNAVAILABLE && tries < 100,
			          "%s call %lld (%s): the other client was not served: %s", kind_name,
			          (long long)n, fired_at, qt_client_last_error(bystander)->message);
			tally->retries++;
			harness_sleep_ms(20);
		}
		qt_project_clear(&p);

		tally->runs++;
		if (res.end == PATH_OK)
			tally->ok++;
		else if (res.end == PATH_ERROR)
			tally->error++;
		else
			tally->closed++;
		if (fired == 0) {
			/* The whole path ran in fewer than n calls, untouched: after
			 * all those failures the server serves it as before. */
			cr_assert_eq(res.end, PATH_OK, "after the %s faults the path fails: %s: %s",
			             kind_name, res.step, res.message);
			break;
		}
	}
	cr_assert_leq(n, FAULT_MAX_N, "the path made more than %d %s calls", FAULT_MAX_N, kind_name);
	cr_assert_geq(tally->runs, 2, "the %s path made no call that could fail", kind_name);
	fprintf(stderr,
	        "fault %s: path of %u calls, every one failed once: %u answered ok anyway, "
	        "%u answered with an error, %u closed the connection; the other client was "
	        "served throughout (%u retries while the database pool reconnected)\n",
	        kind_name, tally->runs - 1, tally->ok - 1, tally->error, tally->closed,
	        tally->retries);
}

/* Under deploy/soak.sh (QT_SOAK_REPORT names a file), appends this check's
 * result line; called only once everything passed, a failure shows as the
 * failed test. */
static void soak_report(const char *check, const fault_tally_t *t)
{
	const char *path = getenv("QT_SOAK_REPORT");
	FILE *f;

	if (path == NULL || path[0] == '\0')
		return;
	f = fopen(path, "a");
	cr_assert_not_null(f, "%s", path);
	fprintf(f, "check %s calls=%u ok=%u error=%u closed=%u crashed=0 PASS\n", check,
	        t->runs - 1, t->ok - 1, t->error, t->closed);
	fclose(f);
}

static void fault_test(fault_kind_t kind, const char *kind_name, const char *check)
{
	qt_client_t *admin, *bystander;
	fault_tally_t tally;
	int64_t pid;

	fault_start();
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	pid = make_project(admin, "Fault path");
	qt_client_free(admin);
	bystander = harness_login(&H, "admin", HARNESS_PASSWORD);
	fault_every_n(kind, kind_name, bystander, pid, &tally);
	/* Some failures must have been visible to the client: otherwise the
	 * wrappers did not reach the path. */
	cr_assert_gt(tally.error + tally.closed, 0);
	qt_client_free(bystander);
	harness_finish(&H);
	soak_report(check, &tally);
}

Test(fault, every_allocation_of_a_request_path_fails_once)
{
	fault_test(FAULT_ALLOC, "allocation", "fault-alloc");
}

Test(fault, every_read_and_write_of_a_request_path_fails_once)
{
	fault_test(FAULT_IO, "read/write", "fault-io");
}
