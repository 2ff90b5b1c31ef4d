/* Account administration and server statistics against a real quartierd:
 * disable/enable (an open connection of a disabled account stops working
 * at once), password reset, session revocation, the last-admin rule, the
 * refusal of non-admins, admin_stats, the quartierd host subcommands
 * (account-list, -disable, -enable, -reset-password, -revoke-sessions), and
 * changes made on the host or through one instance reaching the open
 * connections of every instance sharing the database. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

TestSuite(admin, .fini = harness_fini, .timeout = 180);

#define NEW_PASSWORD "a brand new passphrase 2026"

/* ------------------------------------------------------------ helpers */

static qt_client_t *login_as(const char *login, const char *password, char **token)
{
	qt_client_t *c = harness_connect(&H);
	qt_status_t st = qt_login(c, login, password, token, NULL);

	cr_assert_eq(st, QT_OK, "login %s: %s: %s", login, qt_status_name(st),
	             qt_client_last_error(c)->message);
	return c;
}

/* The status of a login attempt on a fresh connection. */
static qt_status_t try_login(const char *login, const char *password)
{
	qt_client_t *c = harness_connect(&H);
	qt_status_t st = qt_login(c, login, password, NULL, NULL);

	qt_client_free(c);
	return st;
}

/* The status of a resume on a fresh connection. */
static qt_status_t try_resume(const char *token)
{
	qt_client_t *c = harness_connect(&H);
	qt_status_t st = qt_resume(c, token, NULL);

	qt_client_free(c);
	return st;
}

static qt_status_t set_disabled(qt_client_t *admin, int64_t id, int disabled)
{
	qt_account_change_t ch;

	memset(&ch, 0, sizeof(ch));
	ch.id = id;
	ch.set_disabled = 1;
	ch.disabled = disabled;
	return qt_account_update(admin, &ch, NULL);
}

static int64_t audit_count(const char *action, int64_t id)
{
	char ids[32];

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	return harness_sql_int(&H,
	                       "SELECT count(*) FROM audit WHERE action = $1 AND entity = 'account' "
	                       "AND entity_id = $2",
	                       2, action, ids, NULL);
}

/* Runs `quartierd SUB ARG -c FILE` (arg may be NULL), input
 * on its standard input; its output goes to *out (malloc, caller frees).
 * Returns the exit status, or -1 if it did not exit normally. */
static int run_quartierd(const char *sub, const char *arg, const char *input, char **out)
{
	return harness_quartierd(&H, (const char *const[]){sub, arg, NULL}, input, out);
}

/* Milliseconds of the test's monotonic clock. */
static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Polls whoami on c until the server answers QT_UNAUTHENTICATED; returns
 * the milliseconds it took, or -1 after timeout_ms. */
static int wait_unauthenticated(qt_client_t *c, unsigned timeout_ms)
{
	uint64_t start = ms_now();

	for (;;) {
		qt_account_t a;
		qt_status_t st;

		memset(&a, 0, sizeof(a));
		st = qt_whoami(c, &a);
		qt_account_clear(&a);
		if (st == QT_UNAUTHENTICATED)
			return (int)(ms_now() - start);
		cr_assert_eq(st, QT_OK, "whoami: %s", qt_status_name(st));
		if (ms_now() - start > timeout_ms)
			return -1;
		harness_sleep_ms(20);
	}
}

/* ------------------------------------------------------------ disable / enable */

Test(admin, disable_logs_out_at_once_and_enable_restores)
{
	qt_client_t *admin, *alice;
	qt_account_t a, acct;
	char *token = NULL;
	int64_t id;
	qt_status_t st;

	harness_standard(&H, NULL);
	id = harness_account(&H, "alice", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	admin = login_as("admin", HARNESS_PASSWORD, NULL);
	alice = login_as("alice", HARNESS_PASSWORD, &token);
	cr_assert_eq(qt_whoami(alice, &acct), QT_OK);
	qt_account_clear(&acct);

	cr_assert_eq(set_disabled(admin, id, 1), QT_OK, "%s", qt_client_last_error(admin)->message);
	/* The open connection of alice is logged out on its next request. */
	st = qt_whoami(alice, &acct);
	cr_assert_eq(st, QT_UNAUTHENTICATED, "open connection after disable: %s", qt_status_name(st));
	cr_assert_eq(try_login("alice", HARNESS_PASSWORD), QT_PERMISSION_DENIED);
	cr_assert_eq(try_resume(token), QT_UNAUTHENTICATED);
	cr_assert_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM session s JOIN account a ON a.id = "
	                             "s.account_id WHERE a.login = 'alice' AND s.revoked_at IS NULL",
	                             0, NULL, NULL, NULL),
	             0, "disabling revokes the sessions");
	cr_assert_eq(audit_count("account.update", id), 1);

	/* Enabled again: a new login works; the revoked session stays ended. */
	memset(&a, 0, sizeof(a));
	{
		qt_account_change_t ch;
		memset(&ch, 0, sizeof(ch));
		ch.id = id;
		ch.set_disabled = 1;
		ch.disabled = 0;
		cr_assert_eq(qt_account_update(admin, &ch, &a), QT_OK);
	}
	cr_assert_eq(a.disabled, 0);
	cr_assert_str_eq(a.login, "alice");
	qt_account_clear(&a);
	cr_assert_eq(try_login("alice", HARNESS_PASSWORD), QT_OK);
	cr_assert_eq(try_resume(token), QT_UNAUTHENTICATED);
	cr_assert_eq(audit_count("account.update", id), 2);

	free(token);
	qt_client_free(alice);
	qt_client_free(admin);
	harness_finish(&H);
}

Test(admin, role_and_name_change_take_effect_on_open_connections)
{
	qt_client_t *admin, *bob;
	qt_account_change_t ch;
	qt_account_t a, *list = NULL;
	size_t n = 0;
	int64_t id;

	harness_standard(&H, NULL);
	id = harness_account(&H, "bob", "viewer", 0, 0, HARNESS_PASSWORD);
	admin = login_as("admin", HARNESS_PASSWORD, NULL);
	bob = login_as("bob", HARNESS_PASSWORD, NULL);
	cr_assert_eq(qt_account_list(bob, &list, &n), QT_PERMISSION_DENIED);

	memset(&ch, 0, sizeof(ch));
	ch.id = id;
	ch.role = QT_ROLE_OFFICE; /* without an office */
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_INVALID_ARGUMENT);
	cr_assert(harness_field_is(qt_client_last_error(admin)->field, "office_id"));
	ch.office_id = H.seed.office_social;
	ch.display_name = "Bob im Sozialamt";
	cr_assert_eq(qt_account_update(admin, &ch, &a), QT_OK, "%s",
	             qt_client_last_error(admin)->message);
	cr_assert_eq(a.role, QT_ROLE_OFFICE);
	cr_assert_eq(a.office_id, H.seed.office_social);
	cr_assert_str_eq(a.display_name, "Bob im Sozialamt");
	qt_account_clear(&a);
	cr_assert_eq(qt_whoami(bob, &a), QT_OK);
	cr_assert_eq(a.role, QT_ROLE_OFFICE);
	qt_account_clear(&a);

	/* Promoted to admin: bob's open connection may now list accounts. */
	memset(&ch, 0, sizeof(ch));
	ch.id = id;
	ch.role = QT_ROLE_ADMIN;
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_OK);
	cr_assert_eq(qt_account_list(bob, &list, &n), QT_OK, "%s", qt_client_last_error(bob)->message);
	qt_account_list_free(list, n);
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM account WHERE login = 'bob' AND "
	                                 "office_id IS NULL AND role = 'admin'",
	                             0, NULL, NULL, NULL),
	             1, "the new role's scope replaces the old one");

	/* Nothing to change, an unknown account. */
	memset(&ch, 0, sizeof(ch));
	ch.id = id;
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_INVALID_ARGUMENT);
	ch.id = 999999;
	ch.display_name = "Niemand";
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_NOT_FOUND);

	qt_client_free(bob);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ passwords and sessions */

Test(admin, reset_password)
{
	qt_client_t *admin;
	qt_account_t a;
	int64_t id;

	harness_standard(&H, NULL);
	id = harness_account(&H, "carol", "viewer", 0, 0, HARNESS_PASSWORD);
	admin = login_as("admin", HARNESS_PASSWORD, NULL);
	cr_assert_eq(qt_account_reset_password(admin, id, "short", NULL), QT_INVALID_ARGUMENT);
	cr_assert_eq(qt_account_reset_password(admin, 999999, NEW_PASSWORD, NULL), QT_NOT_FOUND);
	cr_assert_eq(qt_account_reset_password(admin, id, NEW_PASSWORD, &a), QT_OK, "%s",
	             qt_client_last_error(admin)->message);
	cr_assert_str_eq(a.login, "carol");
	qt_account_clear(&a);
	cr_assert_eq(try_login("carol", HARNESS_PASSWORD), QT_UNAUTHENTICATED);
	cr_assert_eq(try_login("carol", NEW_PASSWORD), QT_OK);
	cr_assert_eq(audit_count("account.reset_password", id), 1);
	cr_assert_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM audit WHERE coalesce(before::text, '') || "
	                             "coalesce(after::text, '') LIKE '%argon2%'",
	                             0, NULL, NULL, NULL),
	             0, "no password hash in the audit log");
	qt_client_free(admin);
	harness_finish(&H);
}

Test(admin, revoke_sessions)
{
	qt_client_t *admin, *dave1, *dave2;
	char *t1 = NULL, *t2 = NULL;
	uint32_t sessions = 0, conns = 0;
	qt_account_t a;
	int64_t id;

	harness_standard(&H, NULL);
	id = harness_account(&H, "dave", "viewer", 0, 0, HARNESS_PASSWORD);
	admin = login_as("admin", HARNESS_PASSWORD, NULL);
	dave1 = login_as("dave", HARNESS_PASSWORD, &t1);
	dave2 = login_as("dave", HARNESS_PASSWORD, &t2);
	cr_assert_eq(qt_account_revoke_sessions(admin, id, &sessions, &conns), QT_OK, "%s",
	             qt_client_last_error(admin)->message);
	cr_assert_eq(sessions, 2);
	cr_assert_eq(conns, 2);
	cr_assert_eq(try_resume(t1), QT_UNAUTHENTICATED);
	cr_assert_eq(try_resume(t2), QT_UNAUTHENTICATED);
	cr_assert_eq(qt_whoami(dave1, &a), QT_UNAUTHENTICATED);
	cr_assert_eq(qt_whoami(dave2, &a), QT_UNAUTHENTICATED);
	cr_assert_eq(audit_count("account.revoke_sessions", id), 1);
	/* The admin's own connection is untouched; a new login works. */
	cr_assert_eq(qt_whoami(admin, &a), QT_OK);
	qt_account_clear(&a);
	cr_assert_eq(try_login("dave", HARNESS_PASSWORD), QT_OK);
	cr_assert_eq(qt_account_revoke_sessions(admin, 999999, NULL, NULL), QT_NOT_FOUND);
	free(t1);
	free(t2);
	qt_client_free(dave1);
	qt_client_free(dave2);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ rules */

Test(admin, last_enabled_admin_is_kept)
{
	qt_client_t *admin, *admin2;
	qt_account_change_t ch;
	qt_account_t a;
	int64_t id2;

	harness_standard(&H, NULL);
	admin = login_as("admin", HARNESS_PASSWORD, NULL);
	cr_assert_eq(set_disabled(admin, H.admin_id, 1), QT_FAILED_PRECONDITION);
	memset(&ch, 0, sizeof(ch));
	ch.id = H.admin_id;
	ch.role = QT_ROLE_VIEWER;
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_FAILED_PRECONDITION);
	cr_assert_eq(audit_count("account.update", H.admin_id), 0, "a refusal is not audited");
	cr_assert_eq(qt_whoami(admin, &a), QT_OK);
	cr_assert_eq(a.role, QT_ROLE_ADMIN);
	qt_account_clear(&a);

	/* With a second admin the first may step down; then the second is the
	 * last one. */
	id2 = harness_account(&H, "admin2", "admin", 0, 0, HARNESS_PASSWORD);
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_OK, "%s",
	             qt_client_last_error(admin)->message);
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_PERMISSION_DENIED,
	             "the demoted admin's open connection lost its rights");
	admin2 = login_as("admin2", HARNESS_PASSWORD, NULL);
	cr_assert_eq(set_disabled(admin2, id2, 1), QT_FAILED_PRECONDITION);
	/* A disabled admin does not count: enable and disable someone else. */
	cr_assert_eq(set_disabled(admin2, H.admin_id, 1), QT_OK);
	memset(&ch, 0, sizeof(ch));
	ch.id = id2;
	ch.role = QT_ROLE_VIEWER;
	cr_assert_eq(qt_account_update(admin2, &ch, NULL), QT_FAILED_PRECONDITION);
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM account WHERE role = 'admin' AND NOT "
	                                 "disabled",
	                             0, NULL, NULL, NULL),
	             1);
	qt_client_free(admin2);
	qt_client_free(admin);
	harness_finish(&H);
}

Test(admin, non_admins_are_refused_and_nothing_changes)
{
	const char *const logins[] = {"office", "viewer"};
	qt_account_change_t ch;
	qt_admin_stats_t s;
	int64_t before, audit_before, victim;
	const char *sum = "SELECT ('x' || substr(md5(string_agg(a::text, ',' ORDER BY id)), 1, 15))"
	                  "::bit(60)::bigint FROM account a";
	const char *open_sessions = "SELECT count(*) FROM session WHERE revoked_at IS NULL";

	harness_standard(&H, NULL);
	harness_account(&H, "office", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "viewer", "viewer", 0, 0, HARNESS_PASSWORD);
	victim = harness_account(&H, "victim", "viewer", 0, 0, HARNESS_PASSWORD);
	{
		qt_client_t *v = login_as("victim", HARNESS_PASSWORD, NULL);
		qt_client_free(v);
	}
	for (size_t i = 0; i < sizeof(logins) / sizeof(logins[0]); i++) {
		qt_client_t *c = login_as(logins[i], HARNESS_PASSWORD, NULL);
		int64_t sessions;

		before = harness_sql_int(&H, sum, 0, NULL, NULL, NULL);
		audit_before = harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL);
		sessions = harness_sql_int(&H, open_sessions, 0, NULL, NULL, NULL);
		memset(&ch, 0, sizeof(ch));
		ch.id = victim;
		ch.set_disabled = 1;
		ch.disabled = 1;
		cr_assert_eq(qt_account_update(c, &ch, NULL), QT_PERMISSION_DENIED, "%s", logins[i]);
		memset(&ch, 0, sizeof(ch));
		ch.id = victim;
		ch.role = QT_ROLE_ADMIN;
		cr_assert_eq(qt_account_update(c, &ch, NULL), QT_PERMISSION_DENIED, "%s", logins[i]);
		cr_assert_eq(qt_account_reset_password(c, victim, NEW_PASSWORD, NULL),
		             QT_PERMISSION_DENIED);
		cr_assert_eq(qt_account_revoke_sessions(c, victim, NULL, NULL), QT_PERMISSION_DENIED);
		cr_assert_eq(qt_admin_stats(c, &s), QT_PERMISSION_DENIED);
		cr_assert_eq(harness_sql_int(&H, sum, 0, NULL, NULL, NULL), before, "%s", logins[i]);
		cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL),
		             audit_before);
		cr_assert_eq(harness_sql_int(&H, open_sessions, 0, NULL, NULL, NULL), sessions);
		qt_client_free(c);
	}
	cr_assert_eq(try_login("victim", HARNESS_PASSWORD), QT_OK);
	{ /* Before a login: unauthenticated. */
		qt_client_t *c = harness_connect(&H);
		cr_assert_eq(qt_admin_stats(c, &s), QT_UNAUTHENTICATED);
		cr_assert_eq(qt_account_revoke_sessions(c, victim, NULL, NULL), QT_UNAUTHENTICATED);
		qt_client_free(c);
	}
	harness_finish(&H);
}

/* ------------------------------------------------------------ statistics */

static const qt_request_stats_t *stats_type(const qt_admin_stats_t *s, const char *type)
{
	for (size_t i = 0; i < s->n_requests; i++)
		if (strcmp(s->requests[i].type, type) == 0)
			return &s->requests[i];
	return NULL;
}

Test(admin, stats_move_with_requests)
{
	qt_client_t *admin, *c;
	qt_admin_stats_t s1, s2;
	const qt_request_stats_t *w1, *w2, *l2;
	qt_account_t a;
	uint64_t before = 0;

	harness_standard(&H, NULL);
	admin = login_as("admin", HARNESS_PASSWORD, NULL);
	cr_assert_eq(qt_admin_stats(admin, &s1), QT_OK, "%s", qt_client_last_error(admin)->message);
	cr_assert(s1.ready);
	cr_assert_geq(s1.conn_open, 1);
	cr_assert_gt(s1.started_at, 0);
	cr_assert_gt(s1.db_size, 0);
	cr_assert_gt(s1.n_latency_bounds, 0);
	w1 = stats_type(&s1, "whoami");
	if (w1 != NULL)
		before = w1->count;

	for (int i = 0; i < 5; i++) {
		cr_assert_eq(qt_whoami(admin, &a), QT_OK);
		qt_account_clear(&a);
	}
	cr_assert_eq(try_login("admin", "wrong password here"), QT_UNAUTHENTICATED);
	c = harness_connect(&H);

	cr_assert_eq(qt_admin_stats(admin, &s2), QT_OK);
	w2 = stats_type(&s2, "whoami");
	cr_assert_not_null(w2);
	cr_assert_eq(w2->count, before + 5);
	cr_assert_eq(w2->by_status[QT_OK], before + 5);
	cr_assert_eq(w2->n_buckets, s2.n_latency_bounds);
	cr_assert_leq(w2->buckets[w2->n_buckets - 1], w2->count);
	l2 = stats_type(&s2, "login");
	cr_assert_not_null(l2);
	cr_assert_geq(l2->by_status[QT_UNAUTHENTICATED], 1);
	cr_assert_eq(s2.logins_failed, s1.logins_failed + 1);
	cr_assert_geq(s2.conn_accepted, s1.conn_accepted + 2);
	cr_assert_geq(s2.conn_open, 2);
	cr_assert_not_null(stats_type(&s2, "admin.stats"), "the first stats request is counted");

	qt_admin_stats_clear(&s1);
	qt_admin_stats_clear(&s2);
	qt_client_free(c);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ quartierd host subcommands */

Test(admin, host_subcommands)
{
	qt_client_t *erin;
	qt_account_t a;
	char *out = NULL, *token = NULL;
	int64_t id;

	harness_standard(&H, NULL);
	id = harness_account(&H, "erin", "viewer", 0, 0, HARNESS_PASSWORD);

	cr_assert_eq(run_quartierd("account-list", NULL, NULL, &out), 0, "%s", out);
	cr_assert_not_null(strstr(out, "erin"), "%s", out);
	cr_assert_not_null(strstr(out, "admin"), "%s", out);
	free(out);

	/* Disable: login refused, sessions revoked. */
	erin = login_as("erin", HARNESS_PASSWORD, &token);
	qt_client_free(erin);
	cr_assert_eq(run_quartierd("account-disable", "erin", NULL, &out), 0, "%s", out);
	free(out);
	cr_assert_eq(try_login("erin", HARNESS_PASSWORD), QT_PERMISSION_DENIED);
	cr_assert_eq(try_resume(token), QT_UNAUTHENTICATED);
	cr_assert_eq(run_quartierd("account-list", NULL, NULL, &out), 0);
	cr_assert_not_null(strstr(out, "yes"), "erin shows as disabled: %s", out);
	free(out);
	cr_assert_eq(run_quartierd("account-enable", "erin", NULL, &out), 0, "%s", out);
	free(out);
	cr_assert_eq(try_login("erin", HARNESS_PASSWORD), QT_OK);

	/* Reset the password from standard input. */
	cr_assert_eq(run_quartierd("account-reset-password", "erin", "short\n", &out), 2, "%s", out);
	free(out);
	cr_assert_eq(run_quartierd("account-reset-password", "erin", NEW_PASSWORD "\n", &out), 0,
	             "%s", out);
	cr_assert_null(strstr(out, "argon2"), "no hash in the output: %s", out);
	free(out);
	cr_assert_eq(try_login("erin", HARNESS_PASSWORD), QT_UNAUTHENTICATED);
	erin = login_as("erin", NEW_PASSWORD, NULL);

	/* Revoke sessions: the open connection is on a running server, which
	 * learns of it on the next resume; resume is refused. */
	free(token);
	token = NULL;
	qt_client_free(erin);
	erin = login_as("erin", NEW_PASSWORD, &token);
	cr_assert_eq(run_quartierd("account-revoke-sessions", "erin", NULL, &out), 0, "%s", out);
	cr_assert_not_null(strstr(out, "revoked"), "%s", out);
	free(out);
	cr_assert_eq(try_resume(token), QT_UNAUTHENTICATED);

	/* Unknown login, the last admin, no login given. */
	cr_assert_eq(run_quartierd("account-disable", "nobody", NULL, &out), 3, "%s", out);
	free(out);
	cr_assert_eq(run_quartierd("account-disable", "admin", NULL, &out), 3, "%s", out);
	free(out);
	cr_assert_eq(run_quartierd("account-enable", NULL, NULL, &out), 2, "%s", out);
	free(out);
	/* The running server hears of the revocation (NOTIFY) and logs erin's
	 * open connection out. */
	cr_assert_geq(wait_unauthenticated(erin, 10000), 0,
	              "a host revocation did not reach the running server's open connection");
	(void)a;

	{
		char ids[32];
		snprintf(ids, sizeof(ids), "%lld", (long long)id);
		cr_assert_eq(harness_sql_int(&H,
		                             "SELECT count(*) FROM audit WHERE account_id IS NULL AND "
		                             "entity_id = $1 AND action IN ('account.update', "
		                             "'account.reset_password', 'account.revoke_sessions')",
		                             1, ids, NULL, NULL),
		             4, "disable, enable, reset, revoke: four host audit rows");
	}
	free(token);
	qt_client_free(erin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ across instances */

/* Starts a second quartierd on the test's database (its own directory,
 * config and log under the test's). */
static void second_instance(harness_t *h2)
{
	harness_server_second(&H, h2, NULL);
	harness_wait_log(h2, "event=listen_ready", 10000);
}

/* The limit for a change to reach another instance's connection: it takes
 * a notification and one query (well under a second), with room for a
 * loaded test machine. */
#define REACH_MS 5000

Test(admin, host_disable_and_revoke_reach_every_running_instance)
{
	harness_t h2;
	qt_client_t *alice_a, *alice_b, *bob_b, *carol_b;
	char *out = NULL;
	int ms;

	harness_standard(&H, NULL);
	harness_account(&H, "alice", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "bob", "viewer", 0, 0, HARNESS_PASSWORD);
	harness_account(&H, "carol", "viewer", 0, 0, HARNESS_PASSWORD);
	harness_wait_log(&H, "event=listen_ready", 10000);
	second_instance(&h2);
	alice_a = harness_login(&H, "alice", HARNESS_PASSWORD);
	alice_b = harness_login(&h2, "alice", HARNESS_PASSWORD);
	bob_b = harness_login(&h2, "bob", HARNESS_PASSWORD);
	carol_b = harness_login(&h2, "carol", HARNESS_PASSWORD);

	/* Revoked on the host: both instances log alice's connections out at
	 * once; nobody else is touched. */
	cr_assert_eq(run_quartierd("account-revoke-sessions", "alice", NULL, &out), 0, "%s", out);
	free(out);
	ms = wait_unauthenticated(alice_b, REACH_MS);
	cr_assert_geq(ms, 0, "the revocation did not reach instance B within %d ms", REACH_MS);
	cr_log_info("host revocation reached instance B after about %d ms", ms);
	cr_assert_geq(wait_unauthenticated(alice_a, REACH_MS), 0,
	              "the revocation did not reach instance A");
	{
		qt_account_t a;
		memset(&a, 0, sizeof(a));
		cr_assert_eq(qt_whoami(bob_b, &a), QT_OK, "bob was logged out too");
		qt_account_clear(&a);
	}
	/* Revoking is not disabling: alice logs in again on the same connection. */
	cr_assert_eq(qt_login(alice_b, "alice", HARNESS_PASSWORD, NULL, NULL), QT_OK);

	/* Disabled on the host. */
	cr_assert_eq(run_quartierd("account-disable", "bob", NULL, &out), 0, "%s", out);
	free(out);
	ms = wait_unauthenticated(bob_b, REACH_MS);
	cr_assert_geq(ms, 0, "the disable did not reach instance B within %d ms", REACH_MS);
	cr_log_info("host disable reached instance B after about %d ms", ms);
	cr_assert_eq(qt_login(bob_b, "bob", HARNESS_PASSWORD, NULL, NULL), QT_PERMISSION_DENIED);

	/* While the listener's connection is away, notifications are lost; on
	 * its return every logged-in connection is checked. */
	cr_assert_eq(harness_sql_int(&H,
	                             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
	                             "WHERE application_name = 'quartierd listen' "
	                             "AND datname = current_database()",
	                             0, NULL, NULL, NULL),
	             2, "one listener per instance");
	harness_sql_exec(&H, "UPDATE session SET revoked_at = now() WHERE revoked_at IS NULL AND "
	                     "account_id = (SELECT id FROM account WHERE login = 'carol')");
	ms = wait_unauthenticated(carol_b, REACH_MS);
	cr_assert_geq(ms, 0, "after the listener came back, carol was not logged out");
	cr_log_info("with the listener away, the change arrived after about %d ms", ms);
	harness_wait_log(&h2, "event=listen_lost", 1000);
	{
		qt_account_t a;
		memset(&a, 0, sizeof(a));
		cr_assert_eq(qt_whoami(alice_b, &a), QT_OK, "alice (logged in again) stays in");
		qt_account_clear(&a);
	}

	qt_client_free(alice_a);
	qt_client_free(alice_b);
	qt_client_free(bob_b);
	qt_client_free(carol_b);
	cr_assert_eq(harness_server_stop(&h2, 15000), 0, "instance B did not exit cleanly");
	harness_finish(&H);
}

Test(admin, changes_through_one_instance_reach_connections_of_another)
{
	harness_t h2;
	qt_client_t *admin, *alice_a, *alice_b, *bob_b;
	qt_account_t *list = NULL;
	qt_account_change_t ch;
	char *token = NULL;
	size_t n = 0;
	int64_t alice, bob;
	int ms = -1;

	harness_standard(&H, NULL);
	alice = harness_account(&H, "alice", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	bob = harness_account(&H, "bob", "viewer", 0, 0, HARNESS_PASSWORD);
	harness_wait_log(&H, "event=listen_ready", 10000);
	second_instance(&h2);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	alice_b = harness_login(&h2, "alice", HARNESS_PASSWORD);
	bob_b = harness_login(&h2, "bob", HARNESS_PASSWORD);

	/* Disabled by an admin on instance A. */
	cr_assert_eq(set_disabled(admin, alice, 1), QT_OK, "%s", qt_client_last_error(admin)->message);
	ms = wait_unauthenticated(alice_b, REACH_MS);
	cr_assert_geq(ms, 0, "the disable on A did not reach B within %d ms", REACH_MS);
	cr_log_info("disable through instance A reached B after about %d ms", ms);
	cr_assert_eq(set_disabled(admin, alice, 0), QT_OK);

	/* A logout on A ends the same session resumed on B. */
	alice_a = harness_connect(&H);
	cr_assert_eq(qt_login(alice_a, "alice", HARNESS_PASSWORD, &token, NULL), QT_OK);
	cr_assert_eq(qt_resume(alice_b, token, NULL), QT_OK);
	cr_assert_eq(qt_logout(alice_a), QT_OK);
	cr_assert_geq(wait_unauthenticated(alice_b, REACH_MS), 0,
	              "a logout on A did not end the session on B");

	/* Promoted on A: bob's open connection on B gets the new role. */
	cr_assert_eq(qt_account_list(bob_b, &list, &n), QT_PERMISSION_DENIED);
	memset(&ch, 0, sizeof(ch));
	ch.id = bob;
	ch.role = QT_ROLE_ADMIN;
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_OK);
	for (uint64_t start = ms_now(); ms_now() - start < REACH_MS;) {
		qt_status_t st = qt_account_list(bob_b, &list, &n);
		if (st == QT_OK) {
			qt_account_list_free(list, n);
			ms = (int)(ms_now() - start);
			break;
		}
		cr_assert_eq(st, QT_PERMISSION_DENIED, "%s", qt_status_name(st));
		ms = -1;
		harness_sleep_ms(20);
	}
	cr_assert_geq(ms, 0, "the new role did not reach B's open connection");

	free(token);
	qt_client_free(alice_a);
	qt_client_free(alice_b);
	qt_client_free(bob_b);
	qt_client_free(admin);
	cr_assert_eq(harness_server_stop(&h2, 15000), 0, "instance B did not exit cleanly");
	harness_finish(&H);
}
