/* Integration tests of the connection and session layer through
 * libquartier against a real quartierd, real TLS and real PostgreSQL:
 * handshake, ping and pipelining, login/resume/logout, accounts, reference
 * data and shutdown on SIGTERM. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

TestSuite(session, .fini = harness_fini, .timeout = 120);

/* ------------------------------------------------------------ handshake */

Test(session, handshake_good_and_ping)
{
	qt_client_t *c;
	char *token = NULL;

	harness_standard(&H, NULL);
	c = harness_connect(&H);
	cr_assert_not_null(qt_client_server_name(c));
	cr_assert_eq(strncmp(qt_client_server_name(c), "quartierd/", 10), 0, "server name \"%s\"",
	             qt_client_server_name(c));
	cr_assert_gt(qt_client_max_frame(c), 0);
	cr_assert_eq(qt_ping(c), QT_OK, "%s", qt_client_last_error(c)->message);
	cr_assert_eq(qt_ping_pipelined(c, 200), QT_OK, "pipelined before login: %s",
	             qt_client_last_error(c)->message);
	cr_assert_eq(qt_login(c, "admin", HARNESS_PASSWORD, &token, NULL), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	free(token);
	cr_assert_eq(qt_ping_pipelined(c, 200), QT_OK, "pipelined after login: %s",
	             qt_client_last_error(c)->message);
	cr_assert_eq(qt_ping(c), QT_OK);
	qt_client_free(c);
	harness_finish(&H);
}

Test(session, wrong_protocol_version)
{
	qt_connect_opts_t o;
	qt_client_t *c = NULL;
	char err[512] = "";
	qt_status_t st;

	harness_standard(&H, NULL);
	harness_opts(&H, &o);
	o.protocol_version = 99;
	st = qt_client_connect(&o, &c, err, sizeof(err));
	cr_assert_eq(st, QT_UNSUPPORTED_VERSION, "got %s: %s", qt_status_name(st), err);
	cr_assert_null(c, "no handle on failure");
	cr_assert_gt(strlen(err), 0, "the reason is reported");
	/* The server is unaffected. */
	c = harness_connect(&H);
	cr_assert_eq(qt_ping(c), QT_OK);
	qt_client_free(c);
	harness_finish(&H);
}

Test(session, wrong_ca_is_tls_error)
{
	qt_connect_opts_t o;
	qt_client_t *c = NULL;
	char err[512] = "", foreign[PATH_MAX + 32];
	qt_status_t st;

	harness_standard(&H, NULL);
	snprintf(foreign, sizeof(foreign), "%s/foreign-ca.pem", H.dir);
	harness_write_foreign_ca(foreign);
	harness_opts(&H, &o);
	o.ca_file = foreign;
	st = qt_client_connect(&o, &c, err, sizeof(err));
	cr_assert_eq(st, QT_TLS, "got %s: %s", qt_status_name(st), err);
	cr_assert_null(c);
	cr_assert_gt(strlen(err), 0);

	/* A CA file that does not exist is a TLS error too. */
	harness_opts(&H, &o);
	o.ca_file = "/nonexistent/ca.pem";
	st = qt_client_connect(&o, &c, err, sizeof(err));
	cr_assert_eq(st, QT_TLS, "got %s: %s", qt_status_name(st), err);

	/* The server keeps serving. */
	c = harness_connect(&H);
	cr_assert_eq(qt_ping(c), QT_OK);
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ login */

Test(session, login_good)
{
	qt_client_t *c;
	char *token = NULL;
	qt_account_t who, me;
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_connect(&H);
	memset(&who, 0, sizeof(who));
	st = qt_login(c, "admin", HARNESS_PASSWORD, &token, &who);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cr_assert_not_null(token);
	cr_assert_eq(strlen(token), 43, "token \"%s\"", token);
	for (const char *p = token; *p; p++)
		cr_assert(
		    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p),
		    "token character '%c' is not base64url", *p);
	cr_assert_eq(who.id, H.admin_id);
	cr_assert_str_eq(who.login, "admin");
	cr_assert_eq(who.role, QT_ROLE_ADMIN);
	cr_assert_not(who.disabled);

	memset(&me, 0, sizeof(me));
	cr_assert_eq(qt_whoami(c, &me), QT_OK);
	cr_assert_eq(me.id, H.admin_id);
	cr_assert_str_eq(me.login, "admin");

	/* The token is stored only as a hash. */
	{
		char id[32];
		snprintf(id, sizeof(id), "%lld", (long long)H.admin_id);
		cr_assert_eq(
		    harness_sql_int(&H,
		                    "SELECT count(*) FROM session WHERE account_id = $1::bigint "
		                    "AND token_hash = sha256(convert_to($2, 'UTF8'))",
		                    2, id, token, NULL),
		    1, "the session row holds SHA-256 of the token");
	}
	qt_account_clear(&who);
	qt_account_clear(&me);
	free(token);
	qt_client_free(c);
	harness_finish(&H);
}

Test(session, login_bad_password_and_unknown_user)
{
	qt_client_t *c;
	char *token = NULL;
	const qt_error_t *e;
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_connect(&H);
	st = qt_login(c, "admin", "wrong password!", &token, NULL);
	cr_assert_eq(st, QT_UNAUTHENTICATED, "bad password: %s", qt_status_name(st));
	cr_assert_null(token, "no token on failure");
	e = qt_client_last_error(c);
	cr_assert_eq(e->status, QT_UNAUTHENTICATED);
	cr_assert_not_null(e->message);

	st = qt_login(c, "nobody", "wrong password!", &token, NULL);
	cr_assert_eq(st, QT_UNAUTHENTICATED, "unknown user: %s", qt_status_name(st));
	cr_assert_null(token);

	/* The connection stays usable: a correct login afterwards works. */
	st = qt_login(c, "admin", HARNESS_PASSWORD, &token, NULL);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	free(token);
	qt_client_free(c);
	harness_finish(&H);
}

Test(session, request_before_login)
{
	qt_client_t *c;
	qt_project_filter_t f;
	qt_project_t *list = NULL;
	size_t n = 0;
	int64_t next = 0;
	qt_account_t me;
	char *token = NULL;

	harness_standard(&H, NULL);
	c = harness_connect(&H);
	memset(&f, 0, sizeof(f));
	cr_assert_eq(qt_project_list(c, &f, &list, &n, &next), QT_UNAUTHENTICATED);
	cr_assert_eq(qt_client_last_error(c)->status, QT_UNAUTHENTICATED);
	cr_assert_null(list);
	memset(&me, 0, sizeof(me));
	cr_assert_eq(qt_whoami(c, &me), QT_UNAUTHENTICATED);
	/* Still connected: ping works, and so does login. */
	cr_assert_eq(qt_ping(c), QT_OK);
	cr_assert_eq(qt_login(c, "admin", HARNESS_PASSWORD, &token, NULL), QT_OK);
	free(token);
	cr_assert_eq(qt_project_list(c, &f, &list, &n, &next), QT_OK);
	cr_assert_eq(n, 0);
	qt_project_list_free(list, n);
	qt_client_free(c);
	harness_finish(&H);
}

Test(session, resume_and_logout)
{
	qt_client_t *c1, *c2, *c3;
	char *token = NULL;
	qt_account_t who;
	qt_project_filter_t f;
	qt_project_t *list = NULL;
	size_t n = 0;
	int64_t next = 0;
	qt_status_t st;

	harness_standard(&H, NULL);
	c1 = harness_connect(&H);
	cr_assert_eq(qt_login(c1, "admin", HARNESS_PASSWORD, &token, NULL), QT_OK);
	cr_assert_not_null(token);

	/* A second connection continues the session with the token. */
	c2 = harness_connect(&H);
	memset(&who, 0, sizeof(who));
	st = qt_resume(c2, token, &who);
	cr_assert_eq(st, QT_OK, "resume: %s: %s", qt_status_name(st),
	             qt_client_last_error(c2)->message);
	cr_assert_eq(who.id, H.admin_id);
	cr_assert_str_eq(who.login, "admin");
	qt_account_clear(&who);
	memset(&f, 0, sizeof(f));
	cr_assert_eq(qt_project_list(c2, &f, &list, &n, &next), QT_OK);
	qt_project_list_free(list, n);

	/* A malformed token is refused like an unknown one. */
	c3 = harness_connect(&H);
	cr_assert_eq(qt_resume(c3, "not-a-token", &who), QT_UNAUTHENTICATED);
	cr_assert_eq(qt_resume(c3, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &who),
	             QT_UNAUTHENTICATED);
	qt_client_free(c3);

	/* Logout ends the session: the token stops working. */
	cr_assert_eq(qt_logout(c1), QT_OK, "%s", qt_client_last_error(c1)->message);
	list = NULL;
	cr_assert_eq(qt_project_list(c1, &f, &list, &n, &next), QT_UNAUTHENTICATED,
	             "the connection that logged out is no longer authenticated");
	c3 = harness_connect(&H);
	st = qt_resume(c3, token, &who);
	cr_assert_eq(st, QT_UNAUTHENTICATED, "resume after logout: %s", qt_status_name(st));
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM session WHERE revoked_at IS NULL", 0,
	                             NULL, NULL, NULL),
	             0, "the session is revoked in the database");
	/* The other connection that resumed the same session lost it too. */
	list = NULL;
	st = qt_project_list(c2, &f, &list, &n, &next);
	cr_assert_eq(st, QT_UNAUTHENTICATED, "a connection sharing the ended session: %s",
	             qt_status_name(st));

	qt_client_free(c3);
	qt_client_free(c2);
	qt_client_free(c1);
	free(token);
	harness_finish(&H);
}

/* ------------------------------------------------------------ accounts, reference data */

Test(session, accounts_and_reference_data)
{
	qt_client_t *admin, *office;
	qt_account_new_t in;
	qt_account_t out, *list = NULL;
	qt_ref_t *refs = NULL;
	size_t n = 0;
	int found = 0;
	qt_status_t st;

	harness_standard(&H, NULL);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	memset(&in, 0, sizeof(in));
	in.login = "sozialamt1";
	in.display_name = "Erika Mustermann";
	in.password = "ein sicheres Passwort";
	in.role = QT_ROLE_OFFICE;
	in.office_id = H.seed.office_social;
	memset(&out, 0, sizeof(out));
	st = qt_account_create(admin, &in, &out);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(admin)->message);
	cr_assert_gt(out.id, 0);
	cr_assert_str_eq(out.login, "sozialamt1");
	cr_assert_eq(out.role, QT_ROLE_OFFICE);
	cr_assert_eq(out.office_id, H.seed.office_social);
	qt_account_clear(&out);

	/* Duplicate login: conflict.  Office without office: invalid. */
	cr_assert_eq(qt_account_create(admin, &in, &out), QT_CONFLICT);
	in.login = "sozialamt2";
	in.office_id = 0;
	cr_assert_eq(qt_account_create(admin, &in, &out), QT_INVALID_ARGUMENT);

	cr_assert_eq(qt_account_list(admin, &list, &n), QT_OK);
	for (size_t i = 0; i < n; i++)
		found += strcmp(list[i].login, "sozialamt1") == 0;
	cr_assert_eq(found, 1);
	qt_account_list_free(list, n);

	/* The new account logs in; it is not allowed to administer accounts. */
	office = harness_login(&H, "sozialamt1", "ein sicheres Passwort");
	in.login = "sozialamt3";
	in.office_id = H.seed.office_social;
	cr_assert_eq(qt_account_create(office, &in, &out), QT_PERMISSION_DENIED);
	cr_assert_eq(qt_account_list(office, &list, &n), QT_PERMISSION_DENIED);

	/* Reference data, ordered by id. */
	cr_assert_eq(qt_ref_list(office, QT_REF_DISTRICT, 0, &refs, &n), QT_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(refs[0].id, H.seed.district_nord);
	cr_assert_str_eq(refs[0].name, "Nord");
	cr_assert_eq(refs[1].id, H.seed.district_sued);
	cr_assert_str_eq(refs[1].name, "S\u00fcd");
	qt_ref_list_free(refs, n);
	cr_assert_eq(qt_ref_list(office, QT_REF_QUARTER, H.seed.district_sued, &refs, &n), QT_OK);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(refs[0].name, "Heslach");
	cr_assert_eq(refs[0].district_id, H.seed.district_sued);
	qt_ref_list_free(refs, n);
	cr_assert_eq(qt_ref_list(office, QT_REF_OFFICE, 0, &refs, &n), QT_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(refs[0].name, "Sozialamt");
	qt_ref_list_free(refs, n);
	cr_assert_eq(qt_ref_list(office, QT_REF_ORGANISATION, 0, &refs, &n), QT_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(refs[0].org_type, "welfare");
	qt_ref_list_free(refs, n);

	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ SIGTERM */

Test(session, sigterm_exits_zero)
{
	qt_client_t *idle;
	int status;

	harness_standard(&H, NULL);
	idle = harness_login(&H, "admin", HARNESS_PASSWORD);
	cr_assert_eq(kill(H.server_pid, SIGTERM), 0);
	status = harness_server_wait(&H, 20000);
	cr_assert_neq(status, -1, "quartierd did not exit within 20 s of SIGTERM");
	cr_assert(WIFEXITED(status), "quartierd died of signal %d", WTERMSIG(status));
	cr_assert_eq(WEXITSTATUS(status), 0, "quartierd exited with status %d after SIGTERM",
	             WEXITSTATUS(status));
	/* The idle client learns that the server is gone. */
	cr_assert_neq(qt_ping(idle), QT_OK);
	qt_client_free(idle);
}

typedef struct busy_client {
	qt_client_t *c;
	volatile int stop;
	unsigned ok;      /* calls answered before the shutdown */
	qt_status_t last; /* status of the first call that failed */
	char message[256];
} busy_client_t;

static void *busy_loop(void *arg)
{
	busy_client_t *b = arg;
	qt_project_filter_t f;

	memset(&f, 0, sizeof(f));
	b->last = QT_OK;
	while (!b->stop) {
		qt_project_t *list = NULL;
		size_t n = 0;
		int64_t next = 0;
		qt_status_t st = qt_project_list(b->c, &f, &list, &n, &next);
		if (st != QT_OK) {
			b->last = st;
			snprintf(b->message, sizeof(b->message), "%s",
			         qt_client_last_error(b->c)->message);
			break;
		}
		qt_project_list_free(list, n);
		b->ok++;
	}
	return NULL;
}

Test(session, sigterm_with_requests_in_flight)
{
	busy_client_t b;
	pthread_t t;
	int status;

	harness_standard(&H, NULL);
	memset(&b, 0, sizeof(b));
	b.c = harness_login(&H, "admin", HARNESS_PASSWORD);
	cr_assert_eq(pthread_create(&t, NULL, busy_loop, &b), 0);
	harness_sleep_ms(300);
	cr_assert_eq(kill(H.server_pid, SIGTERM), 0);
	status = harness_server_wait(&H, 20000);
	b.stop = 1;
	pthread_join(t, NULL);
	cr_assert_neq(status, -1, "quartierd did not exit within 20 s of SIGTERM");
	cr_assert(WIFEXITED(status), "quartierd died of signal %d", WTERMSIG(status));
	cr_assert_eq(WEXITSTATUS(status), 0, "exit status %d", WEXITSTATUS(status));
	cr_assert_gt(b.ok, 0, "requests before the shutdown must succeed");
	cr_assert_eq(b.last, QT_UNAVAILABLE,
	             "the client in the middle gets its answer or UNAVAILABLE, got %s (\"%s\") "
	             "after %u answers",
	             qt_status_name(b.last), b.message, b.ok);
	qt_client_free(b.c);
}
