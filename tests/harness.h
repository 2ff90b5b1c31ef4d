/* Integration test harness: each test owns a scratch directory, a fresh
 * database on the private PostgreSQL cluster of deploy/test.sh (or on a
 * cluster of its own), a quartierd process on a free port, seeded
 * reference data and accounts.  It talks to the server through
 * libquartier, through a raw TLS client for malformed input, and to the
 * database directly through libpq.
 *
 * Criterion runs every test in its own process.  Tests call
 * harness_begin() (or harness_standard()) at the start of the test body,
 * not in .init, so that a failing setup is reported as a failure; the
 * suite's .fini calls harness_end(), which stops everything the test
 * started.  The server child also dies with the test process
 * (PR_SET_PDEATHSIG), and a runner hook prints the server log of a failed
 * test and stops a cluster a crashed test left running.
 *
 * Environment (from deploy/test.sh): QT_TEST_PG_BINDIR, QT_TEST_PGHOST,
 * QT_TEST_PGPORT, QT_TEST_PGUSER, QT_TEST_CERT_DIR, QT_TEST_TMPDIR,
 * QT_TEST_RUN_AS.  Without QT_TEST_PGHOST every integration test fails. */
#ifndef QUARTIER_TEST_HARNESS_H
#define QUARTIER_TEST_HARNESS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libpq-fe.h>
#include <openssl/ssl.h>

#include "envelope.h"
#include "frame.h"
#include "quartier/quartier.h"

#ifndef QUARTIERD_PATH
#error "QUARTIERD_PATH must name the quartierd binary"
#endif

#define HARNESS_PASSWORD "correct horse battery staple"

/* Reference data inserted by harness_seed(). */
typedef struct harness_seed {
	int64_t district_sued;   /* "Süd" */
	int64_t district_nord;   /* "Nord" */
	int64_t quarter_heslach; /* in Süd */
	int64_t quarter_rot;     /* in Nord */
	int64_t office_social;   /* "Sozialamt" */
	int64_t office_planning; /* "Amt für Stadtplanung und Wohnen" */
	int64_t org_caritas;     /* welfare */
	int64_t org_initiative;  /* initiative */
} harness_seed_t;

typedef struct harness {
	int begun;
	char dir[2048]; /* this test's scratch directory */
	/* The cluster in use: deploy/test.sh's, or the test's own. */
	char pg_host[PATH_MAX]; /* socket directory */
	char pg_port[16];
	char pg_user[64];
	int own_cluster; /* 1 if harness_cluster_own() made one */
	int own_cluster_running;
	char pg_data[PATH_MAX]; /* own cluster's data directory */
	char pg_log[PATH_MAX];
	/* The test database. */
	char dbname[64];
	char conninfo[PATH_MAX + 256];
	PGconn *db; /* to the test database, opened on demand */
	/* The server. */
	char config_path[PATH_MAX];
	char log_path[PATH_MAX];
	char cert_dir[PATH_MAX];
	char ca_file[PATH_MAX];
	uint16_t port;
	pid_t server_pid; /* 0 if not running */
	/* Fixtures. */
	harness_seed_t seed;
	int64_t admin_id;
	/* Set after harness_begin(): the server child exports WATCHDOG_PID=<its
	 * own pid>, as systemd does (sd_notify tests). */
	int set_watchdog_pid;
	/* Set after harness_begin(): another build of the server to start
	 * (e.g. quartierd-fault); NULL = QUARTIERD_PATH. */
	const char *server_exe;
	/* Set after harness_begin(): the client certificate and key that
	 * harness_opts() offers (servers with tls_client_cert = require);
	 * NULL = none. */
	const char *client_cert, *client_key;
} harness_t;

/* The harness of the running test (one per test process). */
extern harness_t H;

/* Suite .fini for integration tests: harness_end(&H). */
void harness_fini(void);

/* Checks the environment (fails the test with a clear message when it is
 * missing) and creates the test's scratch directory. */
void harness_begin(harness_t *h);

/* Stops the server and an own cluster, drops the test database, closes
 * the libpq connection.  Safe to call more than once. */
void harness_end(harness_t *h);

/* Everything most tests need: begin, database, server (extra_config are
 * additional config lines, may be NULL), seed data and an admin account
 * "admin" with HARNESS_PASSWORD. */
void harness_standard(harness_t *h, const char *extra_config);

/* Creates and starts a PostgreSQL cluster for this test alone (socket in
 * the scratch directory, no TCP), and makes it the cluster in use. */
void harness_cluster_own(harness_t *h);
/* Stops the own cluster immediately / starts it again (waits until up). */
void harness_cluster_stop(harness_t *h);
void harness_cluster_start(harness_t *h);

/* Creates a uniquely named database (UTF-8, C locale) on the cluster in
 * use and sets h->dbname and h->conninfo. */
void harness_db_create(harness_t *h);

/* Writes the server config (extra_config appended) and starts quartierd;
 * returns once a TLS handshake with it succeeds.  Fails the test (with the
 * server log) if the server exits or does not come up within 10 s. */
void harness_server_start(harness_t *h, const char *extra_config);

/* Starts a second quartierd on h's database: *h2 becomes a copy of h
 * with its own directory (h->dir/second), configuration, log and port and
 * without h's libpq connection.  End it with harness_server_stop(h2) or
 * harness_finish(h2). */
void harness_server_second(harness_t *h, harness_t *h2, const char *extra_config);

/* Whether a line of the server's log contains needle. */
int harness_log_has(const harness_t *h, const char *needle);

/* Waits up to timeout_ms until every audit row is sealed into the audit
 * log's hash chain (by the server's sealer); fails the test otherwise.
 * Returns the number of audit rows. */
int64_t harness_wait_audit_sealed(harness_t *h, unsigned timeout_ms);

/* Sends SIGTERM and waits up to timeout_ms for the server to exit, then
 * SIGKILLs it.  Returns the wait status, or -1 if nothing was running. */
int harness_server_stop(harness_t *h, unsigned timeout_ms);

/* Ends a test that passed so far: SIGTERM, and asserts that the server
 * exits with status 0 (a crash, a sanitizer report or a hang on the way out
 * fails the test). */
void harness_finish(harness_t *h);

/* Whether the server process is still running (not exited, not a zombie). */
int harness_server_alive(harness_t *h);

/* Waits up to timeout_ms for the server to exit by itself; returns the
 * wait status or -1 on timeout. */
int harness_server_wait(harness_t *h, unsigned timeout_ms);

/* Fills *in as a focused project called name (not copied) in the seed's
 * quarter Heslach, led by the social office; qo (the caller's, and it must
 * outlive *in) holds the quarter's and the office's id. */
void harness_project_in(const harness_t *h, qt_project_new_t *in, const char *name,
                        int64_t qo[2]);

/* How many lines of the server log (all runs of the test) contain needle;
 * 0 if there is no log yet. */
unsigned harness_log_count(const harness_t *h, const char *needle);

/* Prints the last lines of the server log to stderr. */
void harness_dump_log(const harness_t *h, int lines);

/* Inserts districts, quarters, offices and organisations (h->seed) once
 * the server has created the schema. */
void harness_seed(harness_t *h);

/* Creates an account with `quartierd account-create` (the password goes
 * to its standard input) and returns its id.  role: "admin", "office",
 * "coordinator" or "viewer"; office_id/organisation_id 0 = none. */
int64_t harness_account(harness_t *h, const char *login, const char *role, int64_t office_id,
                        int64_t organisation_id, const char *password);

/* The whole file at path, NUL-terminated (malloc, caller frees); fails
 * the test if it cannot be read. */
char *harness_read_file(const char *path);

/* Runs `quartierd ARGS... -c <the test's configuration>` (args is
 * NULL-terminated, e.g. {"audit", "verify", NULL}); input (may be NULL)
 * goes to its standard input.  *out (malloc, caller frees) receives what
 * it printed on stdout and stderr.  Returns its exit status, or -1 if it
 * did not exit normally. */
int harness_quartierd(harness_t *h, const char *const *args, const char *input, char **out);

/* Connection options for the running server (host 127.0.0.1, test CA,
 * h->client_cert if set). */
void harness_opts(const harness_t *h, qt_connect_opts_t *opts);

/* Connects (and asserts success); the caller frees the client. */
qt_client_t *harness_connect(harness_t *h);

/* Connects and logs in (asserts success). */
qt_client_t *harness_login(harness_t *h, const char *login, const char *password);

/* The test database connection (opened on first use). */
PGconn *harness_pg(harness_t *h);

/* Runs a query with up to 3 text parameters (NULL-terminated list is not
 * used: pass nparams) and returns the first column of the first row as an
 * integer; fails the test on error or if there is no row. */
int64_t harness_sql_int(harness_t *h, const char *sql, int nparams, const char *p1, const char *p2,
                        const char *p3);

/* Runs a statement; fails the test on error. */
void harness_sql_exec(harness_t *h, const char *sql);

/* Milliseconds of a monotonic clock. */
uint64_t harness_now_ms(void);

/* Waits until a line of h's server log contains needle (asserts within
 * timeout_ms). */
void harness_wait_log(const harness_t *h, const char *needle, unsigned timeout_ms);

/* Sleeps ms milliseconds. */
void harness_sleep_ms(unsigned ms);

/* Writes a fresh self-signed CA certificate (EC P-256) that did not sign
 * the server certificate, as PEM, to path. */
void harness_write_foreign_ca(const char *path);

/* Asserts that err->field names want, accepting a message-qualified form
 * such as "project.name" for "name". */
int harness_field_is(const char *field, const char *want);

/* ------------------------------------------------------------ raw TLS client */

typedef struct raw_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	frame_reader_t reader;
	uint8_t buf[16384];
	size_t pos, len; /* unconsumed decrypted bytes buf[pos..len) */
	int eof;
} raw_conn_t;

/* Opens TCP and TLS to the server (asserts success).  No hello is sent. */
void raw_open(harness_t *h, raw_conn_t *r);

/* Like raw_open(), from source address src (an IPv4 address on the
 * loopback, e.g. "127.0.0.2"; NULL: any) with the socket buffers set to
 * rcvbuf/sndbuf bytes (0: the kernel's default).  Returns 0 once TLS is
 * up, -1 if the server closed or refused the connection (r is then
 * closed). */
int raw_open_ex(harness_t *h, raw_conn_t *r, const char *src, int rcvbuf, int sndbuf);

/* Writes bytes through TLS; returns 0 on success, -1 if the connection is
 * gone. */
int raw_write(raw_conn_t *r, const void *buf, size_t len);

/* Packs and sends one envelope as a frame (0 / -1). */
int raw_send(raw_conn_t *r, const qt_envelope_t *env);

/* The frame bytes of env (caller frees *out). */
void raw_pack(const qt_envelope_t *env, uint8_t **out, size_t *out_len);

/* Reads the next envelope within timeout_ms.  Returns 1 and *out (free
 * with envelope_free()), 0 if the server closed the connection, -1 on
 * timeout or error, -2 if the server sent bytes that are not a frame. */
int raw_recv(raw_conn_t *r, unsigned timeout_ms, qt_envelope_t **out);

/* Sends a hello of the current protocol version and expects a welcome
 * (asserts). */
void raw_hello(raw_conn_t *r);

/* Reads until the server says goodbye or closes.  Returns the goodbye's
 * status, -1 if the connection closed without one, -2 on timeout. */
int raw_expect_goodbye(raw_conn_t *r, unsigned timeout_ms);

void raw_close(raw_conn_t *r);

#endif
