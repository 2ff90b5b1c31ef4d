/* Client certificates (mutual TLS) against a real quartierd: a city CA and
 * client certificates made with the openssl command in the test's
 * directory, as an administrator would make them.  A certificate whose
 * subject OU names an office (by name or short name) lets only that
 * office's staff log in or resume over its connection; one naming no
 * office lets nobody; certificates of another CA or not meant for client
 * authentication fail the handshake; tls_client_cert = require refuses
 * clients without one; SIGHUP takes a new CA; and an account moved to
 * another office is logged out of a connection with its old office's
 * certificate. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(mtls, .fini = harness_fini, .timeout = 240);

/* Runs a shell command (printf-style) in the test's directory; asserts
 * that it succeeds. */
static void sh(const char *fmt, ...)
{
	char cmd[4096], full[8192];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && (%s) >>openssl.log 2>&1", H.dir, cmd);
	rc = system(full);
	cr_assert_eq(rc, 0, "failed (%d): %s", rc, cmd);
}

/* A CA for client certificates: NAME.pem and NAME.key. */
static void make_ca(const char *name)
{
	sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out %s.key && "
	   "openssl req -x509 -new -key %s.key -sha256 -days 30 "
	   "-subj '/O=Landeshauptstadt Stuttgart/CN=%s' "
	   "-addext 'basicConstraints=critical,CA:TRUE' "
	   "-addext 'keyUsage=critical,keyCertSign,cRLSign' -out %s.pem",
	   name, name, name, name);
}

/* A certificate NAME.pem (key NAME.key) with subject subj, issued by CA
 * ca, for extended key usage eku (clientAuth for client certificates). */
static void make_cert(const char *name, const char *ca, const char *subj, const char *eku)
{
	sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out %s.key && "
	   "openssl req -new -key %s.key -subj '%s' -out %s.csr && "
	   "printf 'basicConstraints = critical, CA:FALSE\\nkeyUsage = critical, "
	   "digitalSignature\\nextendedKeyUsage = %s\\n' >%s.ext && "
	   "openssl x509 -req -in %s.csr -CA %s.pem -CAkey %s.key -set_serial 0x$(openssl rand "
	   "-hex 16) -days 30 -sha256 -extfile %s.ext -out %s.pem",
	   name, name, subj, name, eku, name, name, ca, ca, name, name);
}

/* The path of NAME.EXT in the test's directory, in one of four static
 * buffers used in turn. */
static const char *file_of(const char *name, const char *ext)
{
	static char buf[4][PATH_MAX];
	static unsigned k;
	char *p = buf[k++ % 4];

	snprintf(p, PATH_MAX, "%s/%s.%s", H.dir, name, ext);
	return p;
}

/* Connects offering certificate name (NULL: none); returns the status,
 * and the client in *out on success. */
static qt_status_t connect_with(const char *name, qt_client_t **out)
{
	qt_connect_opts_t o;
	char err[512] = "";
	qt_status_t st;

	harness_opts(&H, &o);
	o.cert_file = name != NULL ? file_of(name, "pem") : NULL;
	o.key_file = name != NULL ? file_of(name, "key") : NULL;
	*out = NULL;
	st = qt_client_connect(&o, out, err, sizeof(err));
	return st;
}

static qt_client_t *connect_ok(const char *name)
{
	qt_client_t *c = NULL;
	qt_status_t st = connect_with(name, &c);

	cr_assert_eq(st, QT_OK, "connect with %s: %s", name != NULL ? name : "no certificate",
	             qt_status_name(st));
	return c;
}

/* The status of a login as login over a new connection with certificate
 * name; its message goes to msg (msg_len bytes) if not NULL. */
static qt_status_t login_with(const char *name, const char *login, const char *password,
                              char **token, char *msg, size_t msg_len)
{
	qt_client_t *c = connect_ok(name);
	qt_status_t st = qt_login(c, login, password, token, NULL);

	if (msg != NULL)
		snprintf(msg, msg_len, "%s", qt_client_last_error(c)->message != NULL
		                                 ? qt_client_last_error(c)->message
		                                 : "");
	qt_client_free(c);
	return st;
}

/* Writes the server's extra configuration naming the client CA file. */
static const char *ca_config(const char *ca_name, const char *more)
{
	static char text[PATH_MAX + 512];

	snprintf(text, sizeof(text), "tls_client_ca = \"%s\"\n%s", file_of(ca_name, "pem"),
	         more != NULL ? more : "");
	return text;
}

Test(mtls, an_office_certificate_serves_only_its_office)
{
	char msg[512], *soz_token = NULL, *plan_token = NULL;
	qt_client_t *c;
	qt_account_t acct;

	harness_begin(&H);
	make_ca("city");
	make_cert("sozial", "city", "/O=Landeshauptstadt Stuttgart/OU=Sozialamt/CN=pc-50-17",
	          "clientAuth");
	make_cert("amt61", "city", "/O=Landeshauptstadt Stuttgart/OU=61/CN=pc-61-03", "clientAuth");
	make_cert("nowhere", "city", "/O=Landeshauptstadt Stuttgart/OU=Tiefbauamt/CN=pc-66-01",
	          "clientAuth");
	make_cert("noou", "city", "/O=Landeshauptstadt Stuttgart/CN=pc-without-ou", "clientAuth");
	harness_standard(&H, ca_config("city", NULL));
	harness_account(&H, "soz1", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "plan1", "office", H.seed.office_planning, 0, HARNESS_PASSWORD);

	/* Without a certificate (it is only requested): everyone, as before. */
	cr_assert_eq(login_with(NULL, "plan1", HARNESS_PASSWORD, &plan_token, NULL, 0), QT_OK);
	cr_assert_eq(login_with(NULL, "admin", HARNESS_PASSWORD, NULL, NULL, 0), QT_OK);

	/* The Sozialamt's machine (OU = the office's name): its staff only. */
	c = connect_ok("sozial");
	cr_assert_eq(qt_login(c, "soz1", HARNESS_PASSWORD, &soz_token, NULL), QT_OK);
	cr_assert_eq(qt_whoami(c, &acct), QT_OK);
	cr_assert_eq(acct.office_id, H.seed.office_social);
	qt_account_clear(&acct);
	qt_client_free(c);
	cr_assert_eq(login_with("sozial", "plan1", HARNESS_PASSWORD, NULL, msg, sizeof(msg)),
	             QT_PERMISSION_DENIED);
	cr_assert_not_null(strstr(msg, "another office"), "%s", msg);
	cr_assert_eq(login_with("sozial", "admin", HARNESS_PASSWORD, NULL, NULL, 0),
	             QT_PERMISSION_DENIED, "city-wide accounts neither");
	/* A wrong password is answered as anywhere else. */
	cr_assert_eq(login_with("sozial", "plan1", "not the password", NULL, msg, sizeof(msg)),
	             QT_UNAUTHENTICATED);
	cr_assert_not_null(strstr(msg, "invalid login or password"), "%s", msg);

	/* OU = the office's short name ("61", the office number). */
	cr_assert_eq(login_with("amt61", "plan1", HARNESS_PASSWORD, NULL, NULL, 0), QT_OK);
	cr_assert_eq(login_with("amt61", "soz1", HARNESS_PASSWORD, NULL, NULL, 0),
	             QT_PERMISSION_DENIED);

	/* An OU that names no office, or none at all: nobody. */
	cr_assert_eq(login_with("nowhere", "soz1", HARNESS_PASSWORD, NULL, msg, sizeof(msg)),
	             QT_PERMISSION_DENIED);
	cr_assert_not_null(strstr(msg, "names no office"), "%s", msg);
	cr_assert_eq(login_with("noou", "admin", HARNESS_PASSWORD, NULL, NULL, 0),
	             QT_PERMISSION_DENIED);

	/* Resuming follows the same rule. */
	c = connect_ok("sozial");
	cr_assert_eq(qt_resume(c, plan_token, NULL), QT_PERMISSION_DENIED);
	cr_assert_eq(qt_whoami(c, &acct), QT_UNAUTHENTICATED, "the refused resume logs nobody in");
	cr_assert_eq(qt_resume(c, soz_token, NULL), QT_OK);
	cr_assert_eq(qt_whoami(c, &acct), QT_OK);
	qt_account_clear(&acct);
	qt_client_free(c);

	cr_assert(harness_log_has(&H, "event=client_cert"));
	cr_assert(harness_log_has(&H, "ou=\"Sozialamt\""));
	free(soz_token);
	free(plan_token);
	harness_finish(&H);
}

Test(mtls, certificates_of_another_ca_or_purpose_are_refused)
{
	qt_client_t *c = NULL;

	harness_begin(&H);
	make_ca("city");
	make_ca("foreign");
	make_cert("stranger", "foreign", "/O=Somewhere Else/OU=Sozialamt/CN=pc-1", "clientAuth");
	make_cert("server-only", "city", "/O=Landeshauptstadt Stuttgart/OU=Sozialamt/CN=pc-2",
	          "serverAuth");
	make_cert("sozial", "city", "/O=Landeshauptstadt Stuttgart/OU=Sozialamt/CN=pc-3",
	          "clientAuth");
	harness_standard(&H, ca_config("city", NULL));
	harness_account(&H, "soz1", "office", H.seed.office_social, 0, HARNESS_PASSWORD);

	cr_assert_neq(connect_with("stranger", &c), QT_OK, "a certificate of another CA");
	qt_client_free(c);
	cr_assert_neq(connect_with("server-only", &c), QT_OK, "a certificate not for clients");
	qt_client_free(c);
	cr_assert(harness_log_has(&H, "event=tls_error"));
	/* The server serves on. */
	cr_assert_eq(login_with("sozial", "soz1", HARNESS_PASSWORD, NULL, NULL, 0), QT_OK);
	cr_assert_eq(login_with(NULL, "admin", HARNESS_PASSWORD, NULL, NULL, 0), QT_OK);
	harness_finish(&H);
}

Test(mtls, require_refuses_clients_without_a_certificate)
{
	static char cert[PATH_MAX], key[PATH_MAX];
	qt_client_t *c = NULL;

	harness_begin(&H);
	make_ca("city");
	make_cert("sozial", "city", "/O=Landeshauptstadt Stuttgart/OU=Sozialamt/CN=pc-4",
	          "clientAuth");
	/* The harness itself connects with this certificate. */
	snprintf(cert, sizeof(cert), "%s", file_of("sozial", "pem"));
	snprintf(key, sizeof(key), "%s", file_of("sozial", "key"));
	H.client_cert = cert;
	H.client_key = key;
	harness_standard(&H, ca_config("city", "tls_client_cert = require\n"));
	harness_account(&H, "soz1", "office", H.seed.office_social, 0, HARNESS_PASSWORD);

	H.client_cert = H.client_key = NULL;
	cr_assert_neq(connect_with(NULL, &c), QT_OK, "no certificate, no connection");
	qt_client_free(c);
	cr_assert_eq(login_with("sozial", "soz1", HARNESS_PASSWORD, NULL, NULL, 0), QT_OK);
	H.client_cert = cert;
	H.client_key = key;
	harness_finish(&H);
}

Test(mtls, reload_takes_a_new_client_ca)
{
	qt_client_t *kept;
	qt_client_t *c = NULL;
	qt_account_t acct;

	harness_begin(&H);
	make_ca("ca-old");
	make_ca("ca-new");
	make_cert("old", "ca-old", "/O=Landeshauptstadt Stuttgart/OU=Sozialamt/CN=pc-5",
	          "clientAuth");
	make_cert("new", "ca-new", "/O=Landeshauptstadt Stuttgart/OU=Sozialamt/CN=pc-6",
	          "clientAuth");
	sh("cp ca-old.pem client-ca.pem");
	harness_standard(&H, ca_config("client-ca", NULL));
	harness_account(&H, "soz1", "office", H.seed.office_social, 0, HARNESS_PASSWORD);

	kept = connect_ok("old");
	cr_assert_eq(qt_login(kept, "soz1", HARNESS_PASSWORD, NULL, NULL), QT_OK);
	cr_assert_neq(connect_with("new", &c), QT_OK);
	qt_client_free(c);

	sh("cp ca-new.pem client-ca.pem");
	cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
	harness_wait_log(&H, "event=reload status=ok", 30000);

	cr_assert_eq(login_with("new", "soz1", HARNESS_PASSWORD, NULL, NULL, 0), QT_OK);
	cr_assert_neq(connect_with("old", &c), QT_OK, "the old CA is no longer trusted");
	qt_client_free(c);
	/* A connection made before stays as it is. */
	cr_assert_eq(qt_whoami(kept, &acct), QT_OK);
	qt_account_clear(&acct);
	qt_client_free(kept);
	harness_finish(&H);
}

Test(mtls, an_account_moved_to_another_office_is_logged_out)
{
	qt_client_t *admin, *c;
	qt_account_change_t ch;
	qt_account_t acct;
	int64_t soz1;
	uint64_t deadline;
	qt_status_t st;

	harness_begin(&H);
	make_ca("city");
	make_cert("sozial", "city", "/O=Landeshauptstadt Stuttgart/OU=Sozialamt/CN=pc-7",
	          "clientAuth");
	harness_standard(&H, ca_config("city", NULL));
	soz1 = harness_account(&H, "soz1", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	c = connect_ok("sozial");
	cr_assert_eq(qt_login(c, "soz1", HARNESS_PASSWORD, NULL, NULL), QT_OK);

	memset(&ch, 0, sizeof(ch));
	ch.id = soz1;
	ch.role = QT_ROLE_OFFICE;
	ch.office_id = H.seed.office_planning;
	cr_assert_eq(qt_account_update(admin, &ch, NULL), QT_OK);
	deadline = harness_now_ms() + 30000;
	while ((st = qt_whoami(c, &acct)) == QT_OK && harness_now_ms() < deadline) {
		qt_account_clear(&acct);
		harness_sleep_ms(50);
	}
	cr_assert_eq(st, QT_UNAUTHENTICATED, "still logged in over the Sozialamt's certificate");
	cr_assert_eq(qt_login(c, "soz1", HARNESS_PASSWORD, NULL, NULL), QT_PERMISSION_DENIED);
	qt_client_free(c);
	qt_client_free(admin);
	harness_finish(&H);
}
