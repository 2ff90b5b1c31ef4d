/* Integration tests of quartierd's operations side against a real server,
 * PostgreSQL and TLS: the sd_notify messages a service manager receives
 * (READY, WATCHDOG, RELOADING, STOPPING) read from a datagram socket that
 * stands in for systemd's, the SIGHUP reload (established connections stay,
 * new handshakes get the new certificate, a broken configuration or
 * certificate is refused, keys that need a restart keep their values; and
 * under a running client load, no request fails while certificates are
 * replaced and `openssl s_client` sees the new one), and TLS keys read from
 * systemd credentials. */
#include <criterion/criterion.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

TestSuite(ops, .fini = harness_fini, .timeout = 120);

/* ------------------------------------------------------------ helpers */

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Waits until needle occurs count times in the server log (asserts). */
static void log_wait(harness_t *h, const char *needle, int count)
{
	uint64_t deadline = ms_now() + 10000;

	while (harness_log_count(h, needle) < (unsigned)count) {
		if (ms_now() > deadline) {
			harness_dump_log(h, 40);
			cr_assert_fail("\"%s\" did not appear %d time(s) in the server log", needle,
			               count);
		}
		harness_sleep_ms(20);
	}
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[8192];
	size_t n;

	cr_assert_not_null(in, "%s: %s", from, strerror(errno));
	out = fopen(to, "wb");
	cr_assert_not_null(out, "%s: %s", to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		cr_assert_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	cr_assert_eq(fclose(out), 0);
}

static void append_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* Gives the test its own copy of the server certificate and key (so it can
 * replace them) and points the server configuration at it.  Call after
 * harness_begin(), before the server starts. */
static void own_certificates(harness_t *h)
{
	char dir[PATH_MAX], from[PATH_MAX + 32], to[PATH_MAX + 32];

	snprintf(dir, sizeof(dir), "%s/tls", h->dir);
	cr_assert_eq(mkdir(dir, 0700), 0, "mkdir %s: %s", dir, strerror(errno));
	snprintf(from, sizeof(from), "%s/server.pem", h->cert_dir);
	snprintf(to, sizeof(to), "%s/server.pem", dir);
	copy_file(from, to);
	snprintf(from, sizeof(from), "%s/server.key", h->cert_dir);
	snprintf(to, sizeof(to), "%s/server.key", dir);
	copy_file(from, to);
	snprintf(h->cert_dir, sizeof(h->cert_dir), "%s", dir);
}

/* Issues a server certificate for localhost and 127.0.0.1 from the test CA
 * (QT_TEST_CERT_DIR/ca.pem, ca.key) with the given serial and organisation,
 * and puts it and its new key in place of dir/server.pem and server.key
 * (each written aside and renamed). */
static void issue_certificate(const char *dir, long serial, const char *org)
{
	const char *ca_dir = getenv("QT_TEST_CERT_DIR");
	char path[PATH_MAX + 32], tmp[PATH_MAX + 40];
	EVP_PKEY *ca_key, *key;
	X509 *ca, *x;
	X509_NAME *name;
	X509V3_CTX ctx;
	FILE *f;
	static const char *const exts[][2] = {
	    {"basicConstraints", "critical,CA:FALSE"},
	    {"keyUsage", "critical,digitalSignature"},
	    {"extendedKeyUsage", "serverAuth"},
	    {"subjectAltName", "DNS:localhost,IP:127.0.0.1"},
	};

	cr_assert_not_null(ca_dir);
	snprintf(path, sizeof(path), "%s/ca.pem", ca_dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	ca = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ca.key", ca_dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert_not_null(ca);
	cr_assert_not_null(ca_key);

	key = EVP_EC_gen("P-256");
	x = X509_new();
	cr_assert_not_null(key);
	cr_assert_not_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	cr_assert_eq(X509_set_pubkey(x, key), 1);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)org, -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1,
	                           -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(ca));
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		X509_EXTENSION *ext = X509V3_EXT_conf(NULL, &ctx, exts[i][0], exts[i][1]);
		cr_assert_not_null(ext, "extension %s", exts[i][0]);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	cr_assert_gt(X509_sign(x, ca_key, EVP_sha256()), 0);

	snprintf(path, sizeof(path), "%s/server.key", dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	cr_assert_not_null(f);
	cr_assert_eq(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(rename(tmp, path), 0);
	snprintf(path, sizeof(path), "%s/server.pem", dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	cr_assert_not_null(f);
	cr_assert_eq(PEM_write_X509(f, x), 1);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(rename(tmp, path), 0);

	X509_free(x);
	X509_free(ca);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
}

/* The certificate a new TLS connection sees: its serial and its subject's
 * organisation (org, org_len bytes). */
static long peer_certificate(harness_t *h, char *org, size_t org_len)
{
	raw_conn_t r;
	X509 *x;
	long serial;

	raw_open(h, &r);
	x = SSL_get1_peer_certificate(r.ssl);
	cr_assert_not_null(x, "the server presented no certificate");
	serial = ASN1_INTEGER_get(X509_get0_serialNumber(x));
	org[0] = '\0';
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_organizationName, org, (int)org_len);
	X509_free(x);
	raw_close(&r);
	return serial;
}

/* A logged-in client still works: whoami answers with the admin. */
static void assert_still_working(qt_client_t *c, const char *when)
{
	qt_account_t me;
	qt_status_t st;

	memset(&me, 0, sizeof(me));
	st = qt_whoami(c, &me);
	cr_assert_eq(st, QT_OK, "whoami %s: %s: %s", when, qt_status_name(st),
	             qt_client_last_error(c)->message);
	qt_account_clear(&me);
	cr_assert_eq(qt_ping(c), QT_OK, "ping %s", when);
}

/* ------------------------------------------------------------ sd_notify */

/* The socket systemd would listen on: an AF_UNIX datagram socket in the
 * test's directory, exported as NOTIFY_SOCKET. */
static int notify_socket_open(const harness_t *h)
{
	struct sockaddr_un a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	cr_assert_lt((size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/notify.sock", h->dir),
	             sizeof(a.sun_path), "socket path too long");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "bind %s: %s", a.sun_path,
	             strerror(errno));
	cr_assert_eq(setenv("NOTIFY_SOCKET", a.sun_path, 1), 0);
	return fd;
}

/* Whether the newline-separated message msg has the line want. */
static int msg_has_line(const char *msg, const char *want)
{
	size_t wl = strlen(want);

	for (const char *p = msg; p != NULL && *p != '\0';) {
		const char *e = strchr(p, '\n');
		size_t l = e != NULL ? (size_t)(e - p) : strlen(p);
		if (l == wl && memcmp(p, want, wl) == 0)
			return 1;
		p = e != NULL ? e + 1 : NULL;
	}
	return 0;
}

/* Reads messages until one has the line want, within timeout_ms.  Counts
 * the WATCHDOG=1 messages seen on the way in *watchdogs (may be NULL); a
 * message with the line forbidden (may be NULL) before it fails the test.
 * The matching message is copied to last (if not NULL, 1024 bytes). */
static void notify_expect(int fd, const char *want, const char *forbidden, unsigned timeout_ms,
                          int *watchdogs, char *last)
{
	uint64_t deadline = ms_now() + timeout_ms;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char msg[1024];
		uint64_t now = ms_now();
		ssize_t n;

		cr_assert_lt(now, deadline, "no \"%s\" from the server within %u ms", want, timeout_ms);
		if (poll(&p, 1, (int)(deadline - now)) <= 0)
			continue;
		n = recv(fd, msg, sizeof(msg) - 1, 0);
		cr_assert_geq(n, 0, "recv: %s", strerror(errno));
		msg[n] = '\0';
		if (watchdogs != NULL && msg_has_line(msg, "WATCHDOG=1"))
			(*watchdogs)++;
		if (forbidden != NULL)
			cr_assert(!msg_has_line(msg, forbidden), "\"%s\" came before \"%s\": %s",
			          forbidden, want, msg);
		if (msg_has_line(msg, want)) {
			if (last != NULL)
				snprintf(last, 1024, "%s", msg);
			return;
		}
	}
}

/* Counts WATCHDOG=1 messages arriving within ms. */
static int notify_count_watchdogs(int fd, unsigned ms)
{
	uint64_t deadline = ms_now() + ms;
	int n = 0;

	for (uint64_t now; (now = ms_now()) < deadline;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char msg[1024];
		ssize_t len;

		if (poll(&p, 1, (int)(deadline - now)) <= 0)
			continue;
		len = recv(fd, msg, sizeof(msg) - 1, 0);
		cr_assert_geq(len, 0);
		msg[len] = '\0';
		if (msg_has_line(msg, "WATCHDOG=1"))
			n++;
	}
	return n;
}

Test(ops, notify_ready_watchdog_reload_stopping)
{
	char msg[1024];
	qt_client_t *c;
	int fd, status, watchdogs;

	harness_begin(&H);
	fd = notify_socket_open(&H);
	/* A 2 s watchdog for this very process: pings every second. */
	cr_assert_eq(setenv("WATCHDOG_USEC", "2000000", 1), 0);
	H.set_watchdog_pid = 1;
	harness_standard(&H, NULL);

	notify_expect(fd, "READY=1", "STOPPING=1", 10000, NULL, msg);
	cr_assert_not_null(strstr(msg, "STATUS=serving on 127.0.0.1:"), "READY without status: %s",
	                   msg);
	/* READY=1 waits for the database pool (logged before it is sent). */
	cr_assert_geq(harness_log_count(&H, "event=db_connected"), 1, "READY=1 before the database");
	watchdogs = notify_count_watchdogs(fd, 3500);
	cr_assert_geq(watchdogs, 2, "%d WATCHDOG=1 in 3.5 s with WATCHDOG_USEC=2000000", watchdogs);
	cr_assert_leq(watchdogs, 8, "%d WATCHDOG=1 in 3.5 s is far too many", watchdogs);

	/* Reload: RELOADING=1, then READY=1 again. */
	cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
	notify_expect(fd, "RELOADING=1", "READY=1", 5000, NULL, msg);
	cr_assert_not_null(strstr(msg, "MONOTONIC_USEC="), "%s", msg);
	notify_expect(fd, "READY=1", NULL, 5000, NULL, NULL);
	log_wait(&H, "event=reload status=ok", 1);
	c = harness_connect(&H);
	cr_assert_eq(qt_ping(c), QT_OK);
	qt_client_free(c);

	/* The watchdog keeps going after the reload. */
	notify_expect(fd, "WATCHDOG=1", NULL, 3000, NULL, NULL);

	/* SIGTERM: STOPPING=1 and a clean exit. */
	cr_assert_eq(kill(H.server_pid, SIGTERM), 0);
	notify_expect(fd, "STOPPING=1", NULL, 5000, NULL, NULL);
	status = harness_server_wait(&H, 15000);
	cr_assert_neq(status, -1, "quartierd did not exit after SIGTERM");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "quartierd exit status %d",
	          status);
	close(fd);
}

Test(ops, no_notify_socket_no_watchdog)
{
	qt_client_t *c;

	/* Without NOTIFY_SOCKET nothing is sent and nothing breaks; a
	 * WATCHDOG_PID naming another process disables the watchdog. */
	cr_assert_eq(unsetenv("NOTIFY_SOCKET"), 0);
	cr_assert_eq(setenv("WATCHDOG_USEC", "2000000", 1), 0);
	cr_assert_eq(setenv("WATCHDOG_PID", "1", 1), 0);
	harness_standard(&H, NULL);
	log_wait(&H, "event=ready", 1);
	cr_assert_eq(harness_log_count(&H, "event=watchdog"), 0, "watchdog enabled for another pid");
	cr_assert_eq(harness_log_count(&H, "event=sd_notify"), 0, "sd_notify failures logged");
	cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
	log_wait(&H, "event=reload status=ok", 1);
	c = harness_connect(&H);
	cr_assert_eq(qt_ping(c), QT_OK);
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ reload */

Test(ops, reload_swaps_certificate_and_keeps_connections)
{
	char org[128], saved[16384];
	qt_client_t *c, *c2;
	long old_serial, serial;
	FILE *f;
	size_t saved_len;

	harness_begin(&H);
	own_certificates(&H);
	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	assert_still_working(c, "before the reload");
	old_serial = peer_certificate(&H, org, sizeof(org));
	cr_assert_str_eq(org, "Quartier demo");

	/* New certificate from the same CA, then SIGHUP. */
	issue_certificate(H.cert_dir, 0x5eed01, "Quartier reload test");
	cr_assert_neq(old_serial, 0x5eed01);
	cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
	log_wait(&H, "event=reload status=ok", 1);
	assert_still_working(c, "after the reload (same connection)");
	serial = peer_certificate(&H, org, sizeof(org));
	cr_assert_eq(serial, 0x5eed01, "new handshakes see serial %lx, not the new certificate",
	             serial);
	cr_assert_str_eq(org, "Quartier reload test");
	c2 = harness_login(&H, "admin", HARNESS_PASSWORD);
	assert_still_working(c2, "on a connection made after the reload");
	qt_client_free(c2);

	/* A broken configuration is refused; everything stays as it was. */
	f = fopen(H.config_path, "r");
	cr_assert_not_null(f);
	saved_len = fread(saved, 1, sizeof(saved) - 1, f);
	saved[saved_len] = '\0';
	fclose(f);
	append_file(H.config_path, "no_such_key = 1\n");
	cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
	log_wait(&H, "event=reload status=refused", 1);
	cr_assert_eq(harness_log_count(&H, "key 'no_such_key'\""), 1, "the log names the bad key");
	cr_assert(harness_server_alive(&H), "the server died on a broken configuration");
	assert_still_working(c, "after a refused reload");
	cr_assert_eq(peer_certificate(&H, org, sizeof(org)), 0x5eed01);

	/* A broken certificate is refused too. */
	{
		char path[PATH_MAX + 16], good[PATH_MAX + 16];
		snprintf(path, sizeof(path), "%s/server.pem", H.cert_dir);
		snprintf(good, sizeof(good), "%s/server.pem.good", H.cert_dir);
		copy_file(path, good);
		f = fopen(H.config_path, "w");
		cr_assert_not_null(f);
		fputs(saved, f);
		cr_assert_eq(fclose(f), 0);
		f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n", f);
		cr_assert_eq(fclose(f), 0);
		cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
		log_wait(&H, "event=reload status=refused", 2);
		cr_assert(harness_server_alive(&H));
		assert_still_working(c, "after a refused certificate");
		cr_assert_eq(peer_certificate(&H, org, sizeof(org)), 0x5eed01);
		cr_assert_eq(rename(good, path), 0);
	}

	/* Keys that need a restart keep their running values (with a warning);
	 * reloadable keys next to them are applied. */
	{
		char extra[128];
		snprintf(extra, sizeof(extra), "listen_port = %u\nlog_level = info\n",
		         (unsigned)H.port == 65535 ? 1024u : (unsigned)H.port + 1);
		append_file(H.config_path, extra);
		cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
		log_wait(&H, "event=reload status=ok", 2);
		cr_assert_eq(harness_log_count(&H, "event=reload_restart_required keys=listen_port "), 1);
		c2 = harness_connect(&H); /* still on the old port */
		cr_assert_eq(qt_ping(c2), QT_OK);
		qt_client_free(c2);
		/* log_level = info is in force: debug lines stop. */
		{
			int before = harness_log_count(&H, "<7>");
			c2 = harness_connect(&H);
			qt_client_free(c2);
			harness_sleep_ms(200);
			cr_assert_eq(harness_log_count(&H, "<7>"), before, "debug lines after log_level = info");
		}
	}
	assert_still_working(c, "at the end");
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ reload under load */

#define LOAD_KEEP 3    /* clients that keep one connection all along */
#define LOAD_RENEW 2   /* clients that connect anew for every round */

typedef struct load_client {
	harness_t *h;
	const char *token;        /* session to resume (LOAD_RENEW clients) */
	qt_client_t *c;           /* the kept connection (LOAD_KEEP clients) */
	int renew;
	volatile int *stop;
	unsigned ok, failed;
	char first_error[256];
} load_client_t;

static void load_failed(load_client_t *lc, const char *what, qt_status_t st, const char *msg)
{
	if (lc->failed++ == 0)
		snprintf(lc->first_error, sizeof(lc->first_error), "%s: %s: %s", what,
		         qt_status_name(st), msg != NULL ? msg : "");
}

/* Issues requests until told to stop: whoami on the kept connection, or
 * connect + resume + whoami on a new one each round. */
static void *load_run(void *arg)
{
	load_client_t *lc = arg;

	while (!__atomic_load_n(lc->stop, __ATOMIC_ACQUIRE)) {
		qt_client_t *c = lc->c;
		qt_account_t me;
		qt_status_t st;

		if (lc->renew) {
			qt_connect_opts_t o;
			char err[256] = "";

			c = NULL;
			harness_opts(lc->h, &o);
			st = qt_client_connect(&o, &c, err, sizeof(err));
			if (st != QT_OK) {
				load_failed(lc, "connect", st, err);
				continue;
			}
			st = qt_resume(c, lc->token, NULL);
			if (st != QT_OK) {
				load_failed(lc, "resume", st, qt_client_last_error(c)->message);
				qt_client_free(c);
				continue;
			}
		}
		memset(&me, 0, sizeof(me));
		st = qt_whoami(c, &me);
		qt_account_clear(&me);
		if (st == QT_OK)
			lc->ok++;
		else
			load_failed(lc, "whoami", st, qt_client_last_error(c)->message);
		if (lc->renew)
			qt_client_free(c);
	}
	return NULL;
}

/* The SHA-256 fingerprint `openssl x509` prints for the certificate that
 * `openssl s_client` receives from the server (with verification against
 * the test CA), or for the PEM file (s_client NULL), into out. */
static void openssl_fingerprint(const harness_t *h, const char *pem, char *out, size_t len)
{
	char cmd[3 * PATH_MAX];
	FILE *p;

	if (pem == NULL)
		snprintf(cmd, sizeof(cmd),
		         "openssl s_client -connect 127.0.0.1:%u -CAfile '%s' -verify_return_error "
		         "-verify_ip 127.0.0.1 </dev/null 2>/dev/null | "
		         "openssl x509 -noout -fingerprint -sha256",
		         (unsigned)h->port, h->ca_file);
	else
		snprintf(cmd, sizeof(cmd), "openssl x509 -in '%s' -noout -fingerprint -sha256", pem);
	p = popen(cmd, "r");
	cr_assert_not_null(p, "popen: %s", strerror(errno));
	if (fgets(out, (int)len, p) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

Test(ops, reload_under_load_fails_no_request)
{
	load_client_t lc[LOAD_KEEP + LOAD_RENEW];
	pthread_t th[LOAD_KEEP + LOAD_RENEW];
	volatile int stop = 0;
	char org[128], served[256], file_fp[256], pem[PATH_MAX + 16];
	char *token = NULL;
	qt_client_t *tc;
	unsigned total = 0;
	const int reloads = 3;

	harness_begin(&H);
	own_certificates(&H);
	harness_standard(&H, NULL);
	tc = harness_connect(&H);
	cr_assert_eq(qt_login(tc, "admin", HARNESS_PASSWORD, &token, NULL), QT_OK);
	qt_client_free(tc);

	memset(lc, 0, sizeof(lc));
	for (int i = 0; i < LOAD_KEEP + LOAD_RENEW; i++) {
		lc[i].h = &H;
		lc[i].stop = &stop;
		lc[i].token = token;
		lc[i].renew = i >= LOAD_KEEP;
		if (!lc[i].renew)
			lc[i].c = harness_login(&H, "admin", HARNESS_PASSWORD);
		cr_assert_eq(pthread_create(&th[i], NULL, load_run, &lc[i]), 0);
	}

	/* Under that load: a new certificate and SIGHUP, three times. */
	harness_sleep_ms(500);
	for (int k = 1; k <= reloads; k++) {
		char name[64];
		snprintf(name, sizeof(name), "Quartier reload %d", k);
		issue_certificate(H.cert_dir, 0x10ad00 + k, name);
		cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
		log_wait(&H, "event=reload status=ok", k);
		harness_sleep_ms(700);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < LOAD_KEEP + LOAD_RENEW; i++)
		cr_assert_eq(pthread_join(th[i], NULL), 0);

	for (int i = 0; i < LOAD_KEEP + LOAD_RENEW; i++) {
		cr_log_info("client %d (%s): %u requests, %u failed", i,
		            lc[i].renew ? "new connection each time" : "one connection", lc[i].ok,
		            lc[i].failed);
		cr_expect_eq(lc[i].failed, 0, "client %d: %u failures, the first: %s", i, lc[i].failed,
		             lc[i].first_error);
		cr_expect_geq(lc[i].ok, 5, "client %d made only %u requests", i, lc[i].ok);
		total += lc[i].ok;
	}
	cr_assert_eq(harness_log_count(&H, "event=reload status=refused"), 0);
	/* The connections made before the first reload are the same ones and
	 * still work. */
	for (int i = 0; i < LOAD_KEEP; i++) {
		assert_still_working(lc[i].c, "after three reloads under load");
		qt_client_free(lc[i].c);
	}
	cr_log_info("%u requests during %d reloads", total, reloads);

	/* openssl s_client (verifying against the CA) gets the last certificate. */
	snprintf(pem, sizeof(pem), "%s/server.pem", H.cert_dir);
	openssl_fingerprint(&H, pem, file_fp, sizeof(file_fp));
	openssl_fingerprint(&H, NULL, served, sizeof(served));
	cr_assert_not_null(strstr(file_fp, "Fingerprint="), "openssl x509: %s", file_fp);
	cr_assert_str_eq(served, file_fp, "s_client saw \"%s\", the new certificate is \"%s\"",
	                 served, file_fp);
	cr_assert_eq(peer_certificate(&H, org, sizeof(org)), 0x10ad00 + reloads);
	cr_assert_str_eq(org, "Quartier reload 3");
	free(token);
	harness_finish(&H);
}

/* ------------------------------------------------------------ credentials */

Test(ops, key_from_credentials_directory)
{
	char creds[PATH_MAX], from[PATH_MAX + 16], to[PATH_MAX + 16], cmd[3 * PATH_MAX];
	qt_client_t *c;
	int st;

	harness_begin(&H);
	/* What LoadCredential=tls.key:... provides: a directory in
	 * $CREDENTIALS_DIRECTORY holding the key under its credential name. */
	snprintf(creds, sizeof(creds), "%s/credentials", H.dir);
	cr_assert_eq(mkdir(creds, 0700), 0);
	snprintf(from, sizeof(from), "%s/server.key", H.cert_dir);
	snprintf(to, sizeof(to), "%s/tls.key", creds);
	copy_file(from, to);
	cr_assert_eq(setenv("CREDENTIALS_DIRECTORY", creds, 1), 0);
	harness_standard(&H, "tls_key_file = credential:tls.key\n");
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	assert_still_working(c, "with the key from the credentials directory");
	/* A reload reads the credential again. */
	cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
	log_wait(&H, "event=reload status=ok", 1);
	assert_still_working(c, "after the reload");
	qt_client_free(c);

	/* Without $CREDENTIALS_DIRECTORY, or with a path for a name, the
	 * configuration is invalid. */
	snprintf(cmd, sizeof(cmd),
	         "env -u CREDENTIALS_DIRECTORY '%s' --check-config -c '%s' >'%s/check.out' 2>&1",
	         QUARTIERD_PATH, H.config_path, H.dir);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "check-config status %d", st);
	snprintf(cmd, sizeof(cmd), "grep -q CREDENTIALS_DIRECTORY '%s/check.out'", H.dir);
	cr_assert_eq(system(cmd), 0, "the error names CREDENTIALS_DIRECTORY");
	snprintf(cmd, sizeof(cmd),
	         "'%s' --check-config -c '%s' --tls_key_file=credential:../tls.key >/dev/null 2>&1",
	         QUARTIERD_PATH, H.config_path);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "credential with a path: status %d", st);
	harness_finish(&H);
}
