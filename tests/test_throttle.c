/* Login throttling and lockout against a real quartierd and PostgreSQL:
 * delays that grow with the failures of a login name and of a source
 * address (each answer comes no sooner than its delay), a success that
 * clears the count, identical answers for an unknown login, a wrong
 * password and a locked login, lockout and its end by time, by an admin
 * over the protocol and on the host, other clients (and the same
 * address) served while one login waits, logins pipelined on one
 * connection taken one at a time, and waiting logins answered at
 * shutdown or dropped when their client leaves.  Settings are small so that the tests are quick; the waits
 * are only ever checked from below (an answer never comes before its
 * delay), never from above. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(throttle, .fini = harness_fini, .timeout = 240);

#define WRONG "not-the-password-7431"

/* The outcome of one login attempt on a fresh connection. */
typedef struct attempt {
	qt_status_t status;
	char message[256];
	char field[64];
	int retryable;
	uint64_t ms;               /* from sending the login to its answer */
} attempt_t;

static attempt_t try_login(const char *login, const char *password)
{
	qt_client_t *c = harness_connect(&H);
	const qt_error_t *e;
	attempt_t a;
	uint64_t t0;

	memset(&a, 0, sizeof(a));
	t0 = harness_now_ms();
	a.status = qt_login(c, login, password, NULL, NULL);
	a.ms = harness_now_ms() - t0;
	e = qt_client_last_error(c);
	snprintf(a.message, sizeof(a.message), "%s", e->message != NULL ? e->message : "");
	snprintf(a.field, sizeof(a.field), "%s", e->field != NULL ? e->field : "");
	a.retryable = e->retryable;
	qt_client_free(c);
	return a;
}

/* A failed attempt (asserts that it failed as a wrong login does). */
static attempt_t fail_login(const char *login)
{
	attempt_t a = try_login(login, WRONG);

	cr_assert_eq(a.status, QT_UNAUTHENTICATED, "login %s: %s (%s)", login,
	             qt_status_name(a.status), a.message);
	return a;
}

/* The failures counted for login in the database, -1 if it has no row. */
static int64_t failures_of(const char *login)
{
	if (harness_sql_int(&H, "SELECT count(*) FROM login_throttle WHERE login = $1", 1, login,
	                    NULL, NULL) == 0)
		return -1;
	return harness_sql_int(&H, "SELECT failures FROM login_throttle WHERE login = $1", 1, login,
	                       NULL, NULL);
}

static int locked_in_db(const char *login)
{
	return harness_sql_int(&H,
	                       "SELECT count(*) FROM login_throttle WHERE login = $1 "
	                       "AND locked_at IS NOT NULL",
	                       1, login, NULL, NULL) == 1;
}

/* Runs `quartierd sub [arg]` with the server's configuration; see
 * harness_quartierd(). */
static int quartierd_cmd(const char *sub, const char *arg, char **out)
{
	return harness_quartierd(&H, (const char *const[]){sub, arg, NULL}, NULL, out);
}

/* Whether a line of the server log mentions needle. */
static int log_has(const char *needle)
{
	return harness_log_has(&H, needle);
}

/* ------------------------------------------------------------ delays */

Test(throttle, delays_grow_with_failures_and_a_success_clears_them)
{
	attempt_t a;

	harness_standard(&H, "login_delay_after = 2\n"
	                     "login_delay_ms = 300\n"
	                     "login_delay_max_ms = 1200\n"
	                     "login_lockout_failures = 0\n"
	                     "login_address_delay_after = 1000\n");
	harness_account(&H, "alice", "office", H.seed.office_social, 0, HARNESS_PASSWORD);

	fail_login("alice");
	fail_login("alice");
	cr_assert_eq(failures_of("alice"), 2);
	/* Two failures before: 300 ms, then doubling to the cap. */
	a = fail_login("alice");
	cr_assert_geq(a.ms, 300, "third attempt answered after %llu ms", (unsigned long long)a.ms);
	a = fail_login("alice");
	cr_assert_geq(a.ms, 600, "fourth attempt answered after %llu ms", (unsigned long long)a.ms);
	a = fail_login("alice");
	cr_assert_geq(a.ms, 1200, "fifth attempt answered after %llu ms", (unsigned long long)a.ms);
	cr_assert_eq(failures_of("alice"), 5);

	/* The right password waits as long, then succeeds and clears the count. */
	a = try_login("alice", HARNESS_PASSWORD);
	cr_assert_eq(a.status, QT_OK, "%s", a.message);
	cr_assert_geq(a.ms, 1200, "answered after %llu ms", (unsigned long long)a.ms);
	cr_assert_eq(failures_of("alice"), -1, "a success forgets the failures");
	fail_login("alice");
	cr_assert_eq(failures_of("alice"), 1, "counting starts again");

	cr_assert(log_has("event=login_delayed"));
	/* Neither the wrong passwords nor the right one reach the log. */
	cr_assert_not(log_has(WRONG));
	cr_assert_not(log_has(HARNESS_PASSWORD));
	harness_finish(&H);
}

Test(throttle, unknown_logins_are_counted_and_delayed_like_known_ones)
{
	attempt_t a;

	harness_standard(&H, "login_delay_after = 1\n"
	                     "login_delay_ms = 500\n"
	                     "login_delay_max_ms = 500\n"
	                     "login_lockout_failures = 0\n"
	                     "login_address_delay_after = 1000\n");
	harness_account(&H, "bob", "viewer", 0, 0, HARNESS_PASSWORD);

	fail_login("ghost");
	fail_login("bob");
	cr_assert_eq(failures_of("ghost"), 1);
	cr_assert_eq(failures_of("bob"), 1);
	a = fail_login("ghost");
	cr_assert_geq(a.ms, 500, "unknown login answered after %llu ms", (unsigned long long)a.ms);
	a = fail_login("bob");
	cr_assert_geq(a.ms, 500, "known login answered after %llu ms", (unsigned long long)a.ms);
	cr_assert_eq(failures_of("ghost"), 2);
	cr_assert_eq(failures_of("bob"), 2);
	harness_finish(&H);
}

Test(throttle, address_failures_delay_every_login_from_it)
{
	attempt_t a;

	harness_standard(&H, "login_delay_after = 1000\n"
	                     "login_address_delay_after = 2\n"
	                     "login_delay_ms = 400\n"
	                     "login_delay_max_ms = 400\n"
	                     "login_lockout_failures = 0\n");
	/* Different logins, one address (the test's 127.0.0.1). */
	fail_login("carl1");
	fail_login("carl2");
	a = fail_login("carl3");
	cr_assert_geq(a.ms, 400, "answered after %llu ms", (unsigned long long)a.ms);
	/* Even the right password of another account waits, and succeeds;
	 * a success is not counted as a failure of the address. */
	a = try_login("admin", HARNESS_PASSWORD);
	cr_assert_eq(a.status, QT_OK, "%s", a.message);
	cr_assert_geq(a.ms, 400, "answered after %llu ms", (unsigned long long)a.ms);
	fail_login("carl4");
	cr_assert(log_has("address_failures=4"), "the success was taken back");
	cr_assert_not(log_has("address_failures=5"));
	harness_finish(&H);
}

/* ------------------------------------------------------------ same answers */

Test(throttle, unknown_wrong_and_locked_are_answered_alike)
{
	attempt_t a[6];
	const char *what[6] = {"unknown login",          "wrong password",
	                       "wrong password (2nd)",   "wrong password (locks)",
	                       "locked, right password", "locked, wrong password"};

	harness_standard(&H, "login_delay_ms = 0\n"
	                     "login_delay_max_ms = 0\n"
	                     "login_lockout_failures = 3\n"
	                     "login_lockout_seconds = 0\n"
	                     "login_address_delay_after = 1000\n");
	harness_account(&H, "bob", "viewer", 0, 0, HARNESS_PASSWORD);

	a[0] = try_login("nobody", WRONG);
	a[1] = try_login("bob", WRONG);
	a[2] = try_login("bob", WRONG);
	a[3] = try_login("bob", WRONG);
	cr_assert(locked_in_db("bob"), "three failures lock the login");
	a[4] = try_login("bob", HARNESS_PASSWORD);
	a[5] = try_login("bob", WRONG);
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(a[i].status, QT_UNAUTHENTICATED, "%s: %s", what[i],
		             qt_status_name(a[i].status));
		cr_assert_str_eq(a[i].message, a[0].message, "%s", what[i]);
		cr_assert_str_eq(a[i].field, a[0].field, "%s", what[i]);
		cr_assert_eq(a[i].retryable, a[0].retryable, "%s", what[i]);
	}
	cr_assert_not_null(strstr(a[0].message, "invalid login or password"), "%s", a[0].message);

	/* An unknown login is counted and locked in the same way. */
	cr_assert_eq(failures_of("nobody"), 1);
	try_login("nobody", WRONG);
	try_login("nobody", WRONG);
	cr_assert(locked_in_db("nobody"));

	/* The lock of an account is logged with its id; the login names
	 * typed are not logged at all. */
	{
		char needle[64];
		snprintf(needle, sizeof(needle), "acct=%lld failures=3",
		         (long long)harness_sql_int(&H, "SELECT id FROM account WHERE login = 'bob'", 0,
		                                    NULL, NULL, NULL));
		cr_assert(log_has("event=login_locked"));
		cr_assert(log_has(needle), "no lock line with %s", needle);
		cr_assert_not(log_has("nobody"));
	}
	harness_finish(&H);
}

/* ------------------------------------------------------------ lockout */

Test(throttle, lockout_lifted_by_an_admin)
{
	qt_client_t *admin, *staff;
	qt_account_lockout_t *list = NULL;
	size_t n = 0;
	int64_t carol, found = -1;
	int was_locked = -1;
	uint32_t failures = 0;
	char *out = NULL, ids[32];
	attempt_t a;

	harness_standard(&H, "login_delay_ms = 0\n"
	                     "login_delay_max_ms = 0\n"
	                     "login_lockout_failures = 3\n"
	                     "login_lockout_seconds = 0\n"
	                     "login_address_delay_after = 1000\n");
	carol = harness_account(&H, "carol", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "dave", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	staff = harness_login(&H, "dave", HARNESS_PASSWORD);

	for (int i = 0; i < 3; i++)
		fail_login("carol");
	a = try_login("carol", HARNESS_PASSWORD);
	cr_assert_eq(a.status, QT_UNAUTHENTICATED, "locked: even the right password fails");

	/* Admins see the lock; others may neither see nor lift it. */
	cr_assert_eq(qt_account_lockouts(admin, &list, &n), QT_OK);
	for (size_t i = 0; i < n; i++) {
		if (list[i].account_id != carol)
			continue;
		found = (int64_t)i;
		cr_assert_str_eq(list[i].login, "carol");
		cr_assert_eq(list[i].locked, 1);
		cr_assert_eq(list[i].failures, 4);
		cr_assert_eq(list[i].locked_until, 0, "until unlocked");
		cr_assert_gt(list[i].last_attempt_at, 0);
	}
	cr_assert_geq(found, 0, "carol is not listed");
	qt_account_lockouts_free(list, n);
	cr_assert_eq(qt_account_lockouts(staff, &list, &n), QT_PERMISSION_DENIED);
	cr_assert_eq(qt_account_unlock(staff, carol, NULL, NULL), QT_PERMISSION_DENIED);
	cr_assert(locked_in_db("carol"));

	cr_assert_eq(qt_account_unlock(admin, carol, &was_locked, &failures), QT_OK);
	cr_assert_eq(was_locked, 1);
	cr_assert_eq(failures, 4);
	snprintf(ids, sizeof(ids), "%lld", (long long)carol);
	cr_assert_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM audit WHERE action = 'account.unlock' "
	                             "AND entity = 'account' AND entity_id = $1",
	                             1, ids, NULL, NULL),
	             1, "the unlock is audited");
	a = try_login("carol", HARNESS_PASSWORD);
	cr_assert_eq(a.status, QT_OK, "unlocked: %s", a.message);
	cr_assert_eq(qt_account_unlock(admin, carol, &was_locked, &failures), QT_OK);
	cr_assert_eq(was_locked, 0, "nothing left to unlock");
	cr_assert_eq(failures, 0);
	cr_assert_eq(qt_account_unlock(admin, 999999, NULL, NULL), QT_NOT_FOUND);

	/* On the host, without a running server's help. */
	for (int i = 0; i < 3; i++)
		fail_login("carol");
	cr_assert(locked_in_db("carol"));
	cr_assert_eq(quartierd_cmd("account-lockouts", NULL, &out), 0, "%s", out);
	cr_assert_not_null(strstr(out, "carol"), "%s", out);
	cr_assert_not_null(strstr(out, "until unlocked"), "%s", out);
	free(out);
	cr_assert_eq(quartierd_cmd("account-unlock", "carol", &out), 0, "%s", out);
	cr_assert_not_null(strstr(out, "unlocked account carol"), "%s", out);
	free(out);
	cr_assert_eq(quartierd_cmd("account-unlock", "nosuch", &out), 3, "%s", out);
	free(out);
	a = try_login("carol", HARNESS_PASSWORD);
	cr_assert_eq(a.status, QT_OK, "unlocked on the host: %s", a.message);

	qt_client_free(staff);
	qt_client_free(admin);
	harness_finish(&H);
}

Test(throttle, lockout_ends_by_itself)
{
	uint64_t deadline;
	attempt_t a;

	harness_standard(&H, "login_delay_ms = 0\n"
	                     "login_delay_max_ms = 0\n"
	                     "login_lockout_failures = 2\n"
	                     "login_lockout_seconds = 2\n"
	                     "login_address_delay_after = 1000\n");
	harness_account(&H, "erin", "viewer", 0, 0, HARNESS_PASSWORD);
	fail_login("erin");
	fail_login("erin");
	cr_assert(locked_in_db("erin"));
	cr_assert_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM login_throttle WHERE login = 'erin' "
	                             "AND locked_until > locked_at",
	                             0, NULL, NULL, NULL),
	             1, "the lock has an end");
	/* Tried while locked, the right password fails; once the lock is
	 * over, it works (however slowly this machine reaches that point). */
	a = try_login("erin", HARNESS_PASSWORD);
	if (a.status == QT_OK) {
		harness_finish(&H); /* the lock was over already */
		return;
	}
	cr_assert_eq(a.status, QT_UNAUTHENTICATED);
	deadline = harness_now_ms() + 60000;
	do {
		harness_sleep_ms(300);
		a = try_login("erin", HARNESS_PASSWORD);
	} while (a.status == QT_UNAUTHENTICATED && harness_now_ms() < deadline);
	cr_assert_eq(a.status, QT_OK, "still locked: %s", a.message);
	cr_assert_eq(failures_of("erin"), -1);
	harness_finish(&H);
}

/* ------------------------------------------------------------ concurrency */

typedef struct waiting_login {
	pthread_t thread;
	const char *login;
	attempt_t result;
	atomic_int done;
} waiting_login_t;

static void *waiting_login_main(void *arg)
{
	waiting_login_t *w = arg;

	w->result = try_login(w->login, WRONG);
	atomic_store(&w->done, 1);
	return NULL;
}

Test(throttle, others_are_served_while_a_login_waits)
{
	waiting_login_t w;
	qt_client_t *b, *c;
	qt_account_t acct;

	harness_standard(&H, "login_delay_after = 1\n"
	                     "login_delay_ms = 4000\n"
	                     "login_delay_max_ms = 4000\n"
	                     "login_lockout_failures = 0\n"
	                     "login_address_delay_after = 1000\n");
	b = harness_login(&H, "admin", HARNESS_PASSWORD);
	fail_login("frank");

	memset(&w, 0, sizeof(w));
	w.login = "frank";
	cr_assert_eq(pthread_create(&w.thread, NULL, waiting_login_main, &w), 0);
	harness_wait_log(&H, "event=login_delayed", 30000);
	/* While frank's attempt waits: a logged-in client is served, and a
	 * new client from the same address connects and logs in. */
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(qt_whoami(b, &acct), QT_OK);
		qt_account_clear(&acct);
		cr_assert_eq(qt_ping(b), QT_OK);
	}
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	cr_assert_eq(qt_whoami(c, &acct), QT_OK);
	qt_account_clear(&acct);
	cr_assert_eq(atomic_load(&w.done), 0, "the waiting login was answered before the others");

	pthread_join(w.thread, NULL);
	cr_assert_eq(w.result.status, QT_UNAUTHENTICATED);
	cr_assert_geq(w.result.ms, 4000, "answered after %llu ms",
	              (unsigned long long)w.result.ms);
	qt_client_free(c);
	qt_client_free(b);
	harness_finish(&H);
}

/* Sends n logins of login back to back on one raw connection and reads
 * their answers; returns the milliseconds until the last one. */
static uint64_t pipelined_logins(const char *login, unsigned n)
{
	raw_conn_t r;
	uint64_t t0;

	raw_open(&H, &r);
	raw_hello(&r);
	t0 = harness_now_ms();
	for (unsigned i = 1; i <= n; i++) {
		Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;

		lr.login = (char *)login;
		lr.password = WRONG;
		rq.id = i;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
		rq.login = &lr;
		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
		env.request = &rq;
		cr_assert_eq(raw_send(&r, &env), 0);
	}
	for (unsigned i = 1; i <= n; i++) {
		qt_envelope_t *in = NULL;

		cr_assert_eq(raw_recv(&r, 60000, &in), 1, "answer %u", i);
		cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
		cr_assert_eq(in->response->id, i, "answers come in order");
		cr_assert_not_null(in->response->error);
		cr_assert_eq(in->response->error->status, QUARTIER__V1__STATUS__STATUS_UNAUTHENTICATED);
		envelope_free(in);
	}
	raw_close(&r);
	return harness_now_ms() - t0;
}

Test(throttle, logins_pipelined_on_one_connection_wait_in_turn)
{
	uint64_t ms;

	harness_standard(&H, "login_delay_after = 0\n"
	                     "login_delay_ms = 100\n"
	                     "login_delay_max_ms = 10000\n"
	                     "login_lockout_failures = 0\n"
	                     "login_address_delay_after = 1000\n");
	/* Attempt k finds k - 1 failures before it: 100, 200, 400 and 800 ms.
	 * Taken one after the other that is at least 1500 ms; had they waited
	 * side by side, the last answer would come after about 800. */
	ms = pipelined_logins("gina", 4);
	cr_assert_geq(ms, 1500, "four pipelined logins answered after %llu ms",
	              (unsigned long long)ms);
	cr_assert_eq(failures_of("gina"), 4);
	harness_finish(&H);
}

Test(throttle, waiting_logins_are_bounded_and_answered_at_shutdown)
{
	waiting_login_t w;
	attempt_t a;

	harness_standard(&H, "login_delay_after = 0\n"
	                     "login_delay_ms = 600000\n"
	                     "login_delay_max_ms = 600000\n"
	                     "login_lockout_failures = 0\n"
	                     "login_waiting_max = 1\n");
	memset(&w, 0, sizeof(w));
	w.login = "henry";
	cr_assert_eq(pthread_create(&w.thread, NULL, waiting_login_main, &w), 0);
	harness_wait_log(&H, "event=login_delayed", 30000);
	/* One may wait; the next that would have to is refused at once,
	 * retryable, its password unchecked. */
	a = try_login("admin", HARNESS_PASSWORD);
	cr_assert_eq(a.status, QT_RESOURCE_EXHAUSTED, "%s: %s", qt_status_name(a.status), a.message);
	cr_assert_eq(a.retryable, 1);
	/* The server stops cleanly (exit status 0) without waiting ten
	 * minutes, and the waiting login hears why. */
	harness_finish(&H);
	pthread_join(w.thread, NULL);
	cr_assert_eq(w.result.status, QT_UNAVAILABLE, "%s: %s", qt_status_name(w.result.status),
	             w.result.message);
}

Test(throttle, a_login_whose_client_left_stops_waiting)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;
	raw_conn_t r;

	harness_standard(&H, "login_delay_after = 0\n"
	                     "login_delay_ms = 600000\n"
	                     "login_delay_max_ms = 600000\n"
	                     "login_lockout_failures = 0\n");
	raw_open(&H, &r);
	raw_hello(&r);
	lr.login = "ivan";
	lr.password = WRONG;
	rq.id = 1;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	rq.login = &lr;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &rq;
	cr_assert_eq(raw_send(&r, &env), 0);
	harness_wait_log(&H, "event=login_delayed", 30000);
	raw_close(&r);
	/* Within a sweep or two, not after ten minutes.  The password was
	 * never checked, so nothing was learnt and nothing is counted. */
	harness_wait_log(&H, "type=login status=unavailable", 30000);
	cr_assert_eq(failures_of("ivan"), -1);
	harness_finish(&H);
}

/* Migration numbers are handed out to work done side by side: a database
 * that already has later migrations still gets 0010 when it lacks it. */
Test(throttle, a_database_with_later_migrations_gets_0010)
{
	char *out = NULL;
	attempt_t a;

	harness_standard(&H, NULL);
	cr_assert_gt(harness_sql_int(&H, "SELECT max(version) FROM schema_migrations", 0, NULL, NULL,
	                             NULL),
	             10);
	harness_sql_exec(&H, "DROP TABLE login_throttle; "
	                     "DROP FUNCTION qt_login_attempt, qt_login_failed, "
	                     "qt_login_throttle_prune; "
	                     "DELETE FROM schema_migrations WHERE version = 10");
	cr_assert_eq(quartierd_cmd("migrate", NULL, &out), 0, "%s", out);
	cr_assert_not_null(strstr(out, "version=10"), "%s", out);
	free(out);
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM schema_migrations WHERE version = 10",
	                             0, NULL, NULL, NULL),
	             1);
	a = try_login("admin", HARNESS_PASSWORD);
	cr_assert_eq(a.status, QT_OK, "%s", a.message);
	fail_login("admin");
	cr_assert_eq(failures_of("admin"), 1);
	harness_finish(&H);
}
