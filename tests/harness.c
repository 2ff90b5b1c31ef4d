/* The integration test harness (see harness.h): scratch directories,
 * databases, quartierd processes, a private PostgreSQL cluster on demand,
 * fixtures, and a raw TLS client for malformed input. */
#define _XOPEN_SOURCE 700 /* nftw() */

#include "harness.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

harness_t H;

/* ------------------------------------------------------------ small helpers */

void harness_sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : def;
}

/* A variable the integration tests cannot run without. */
static const char *env_required(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0')
		cr_assert_fail(
		    "%s is not set: the integration tests need the PostgreSQL cluster and "
		    "certificates that deploy/test.sh provides (run ./deploy/test.sh, or "
		    "export QT_TEST_PGHOST, QT_TEST_PGPORT, QT_TEST_PGUSER, "
		    "QT_TEST_CERT_DIR, QT_TEST_TMPDIR, QT_TEST_PG_BINDIR)",
		    name);
	return v;
}

static const char *run_as_user(void)
{
	return env_or("QT_TEST_RUN_AS", NULL);
}

int harness_field_is(const char *field, const char *want)
{
	size_t fl, wl;

	if (field == NULL)
		return 0;
	if (strcmp(field, want) == 0)
		return 1;
	fl = strlen(field);
	wl = strlen(want);
	return fl > wl && field[fl - wl - 1] == '.' && strcmp(field + fl - wl, want) == 0;
}

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void rm_rf(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* The scratch directory of a test, derived from its names so that the
 * runner-side hook can find it too. */
static void test_dir_for(char *out, size_t len, const char *category, const char *name)
{
	const char *base = env_or("QT_TEST_TMPDIR", "/tmp");

	snprintf(out, len, "%s/%s.%s", base, category, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0, "cannot write %s", path);
}

static void print_tail(const char *path, int lines, const char *title)
{
	FILE *f = fopen(path, "r");
	char **ring;
	char line[2048];
	int n = 0;

	if (f == NULL)
		return;
	ring = calloc((size_t)lines, sizeof(*ring));
	if (ring == NULL) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		free(ring[n % lines]);
		ring[n % lines] = strdup(line);
		n++;
	}
	fclose(f);
	fprintf(stderr, "---- %s (%s, last %d lines) ----\n", title, path, n < lines ? n : lines);
	for (int i = n < lines ? 0 : n - lines; i < n; i++)
		fputs(ring[i % lines] != NULL ? ring[i % lines] : "\n", stderr);
	fprintf(stderr, "---- end of %s ----\n", title);
	for (int i = 0; i < lines; i++)
		free(ring[i]);
	free(ring);
}

void harness_dump_log(const harness_t *h, int lines)
{
	print_tail(h->log_path, lines, "quartierd log");
}

/* Runs argv (argv[0] a path, or a name looked up in PATH) and returns its
 * wait status.  as_pg: through `runuser -u $QT_TEST_RUN_AS --` when set,
 * from "/" so that an unreadable working directory does not matter.  input
 * (may be NULL) goes to its standard input; stdout and stderr are appended
 * to log_path (or /dev/null). */
static int run_cmd(const char *const argv[], int as_pg, const char *input, const char *log_path)
{
	const char *user = as_pg ? run_as_user() : NULL;
	int in_pipe[2] = {-1, -1};
	pid_t pid;
	int status = 0;

	if (input != NULL)
		cr_assert_eq(pipe(in_pipe), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		const char *args[64];
		int k = 0, fd;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (input != NULL) {
			dup2(in_pipe[0], 0);
			close(in_pipe[0]);
			close(in_pipe[1]);
		} else {
			fd = open("/dev/null", O_RDONLY);
			dup2(fd, 0);
		}
		fd = open(log_path != NULL ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND,
		          0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (as_pg && chdir("/") != 0)
			_exit(126);
		if (user != NULL) {
			args[k++] = "runuser";
			args[k++] = "-u";
			args[k++] = user;
			args[k++] = "--";
		}
		for (int i = 0; argv[i] != NULL && k < 63; i++)
			args[k++] = argv[i];
		args[k] = NULL;
		execvp(args[0], (char *const *)args);
		fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}
	if (input != NULL) {
		size_t len = strlen(input), off = 0;
		close(in_pipe[0]);
		while (off < len) {
			ssize_t n = write(in_pipe[1], input + off, len - off);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		close(in_pipe[1]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static uint16_t free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port;

	cr_assert_geq(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "bind: %s", strerror(errno));
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* ------------------------------------------------------------ lifetime */

void harness_begin(harness_t *h)
{
	const char *pghost = env_required("QT_TEST_PGHOST");
	const char *certs;

	if (h->begun)
		return;
	memset(h, 0, sizeof(*h));
	signal(SIGPIPE, SIG_IGN);
	snprintf(h->pg_host, sizeof(h->pg_host), "%s", pghost);
	snprintf(h->pg_port, sizeof(h->pg_port), "%s", env_required("QT_TEST_PGPORT"));
	snprintf(h->pg_user, sizeof(h->pg_user), "%s", env_or("QT_TEST_PGUSER", "postgres"));
	certs = env_required("QT_TEST_CERT_DIR");
	snprintf(h->cert_dir, sizeof(h->cert_dir), "%s", certs);
	snprintf(h->ca_file, sizeof(h->ca_file), "%s/ca.pem", certs);
	cr_assert_eq(access(h->ca_file, R_OK), 0, "%s: %s", h->ca_file, strerror(errno));

	test_dir_for(h->dir, sizeof(h->dir), criterion_current_test->category,
	             criterion_current_test->name);
	rm_rf(h->dir);
	cr_assert_eq(mkdir(h->dir, 0755), 0, "mkdir %s: %s", h->dir, strerror(errno));
	chmod(h->dir, 0755);
	snprintf(h->config_path, sizeof(h->config_path), "%s/quartierd.conf", h->dir);
	snprintf(h->log_path, sizeof(h->log_path), "%s/server.log", h->dir);
	h->begun = 1;
}

static PGconn *pg_connect(const char *host, const char *port, const char *user, const char *dbname)
{
	char ci[PATH_MAX + 256];
	PGconn *db;

	snprintf(ci, sizeof(ci), "host=%s port=%s user=%s dbname=%s connect_timeout=10", host, port,
	         user, dbname);
	db = PQconnectdb(ci);
	if (PQstatus(db) != CONNECTION_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db));
		PQfinish(db);
		cr_assert_fail("cannot connect to PostgreSQL (%s): %s", ci, msg);
	}
	return db;
}

void harness_end(harness_t *h)
{
	if (!h->begun)
		return;
	if (h->server_pid > 0)
		(void)harness_server_stop(h, 5000);
	if (h->db != NULL) {
		PQfinish(h->db);
		h->db = NULL;
	}
	if (h->own_cluster) {
		if (h->own_cluster_running) {
			char bin[PATH_MAX];
			snprintf(bin, sizeof(bin), "%s/pg_ctl", env_or("QT_TEST_PG_BINDIR", ""));
			const char *argv[] = {bin,  "-D", h->pg_data, "-m", "immediate",
			                      "-w", "-s", "stop",     NULL};
			run_cmd(argv, 1, NULL, h->pg_log);
			h->own_cluster_running = 0;
		}
	} else if (h->dbname[0] != '\0') {
		char ci[PATH_MAX + 256];
		PGconn *db;

		snprintf(ci, sizeof(ci),
		         "host=%s port=%s user=%s dbname=postgres connect_timeout=10", h->pg_host,
		         h->pg_port, h->pg_user);
		db = PQconnectdb(ci);
		if (PQstatus(db) == CONNECTION_OK) {
			char sql[128];
			snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
			         h->dbname);
			PQclear(PQexec(db, sql));
		}
		PQfinish(db);
	}
	h->dbname[0] = '\0';
	h->begun = 0;
}

void harness_fini(void)
{
	harness_end(&H);
}

void harness_standard(harness_t *h, const char *extra_config)
{
	harness_begin(h);
	harness_db_create(h);
	harness_server_start(h, extra_config);
	harness_seed(h);
	h->admin_id = harness_account(h, "admin", "admin", 0, 0, HARNESS_PASSWORD);
}

/* ------------------------------------------------------------ PostgreSQL */

void harness_cluster_own(harness_t *h)
{
	const char *bindir = env_required("QT_TEST_PG_BINDIR");
	const char *user = run_as_user();
	char dir[2100], initdb[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/pg", h->dir);
	cr_assert_eq(mkdir(dir, 0700), 0, "mkdir %s: %s", dir, strerror(errno));
	if (user != NULL) {
		struct passwd *pw = getpwnam(user);
		cr_assert_not_null(pw, "QT_TEST_RUN_AS=%s: no such user", user);
		cr_assert_eq(chown(dir, pw->pw_uid, pw->pw_gid), 0, "chown %s: %s", dir,
		             strerror(errno));
	}
	snprintf(h->pg_data, sizeof(h->pg_data), "%s/data", dir);
	snprintf(h->pg_log, sizeof(h->pg_log), "%s/postgres.log", dir);
	snprintf(initdb, sizeof(initdb), "%s/initdb", bindir);
	{
		char initdb_log[PATH_MAX + 16];
		const char *argv[] = {initdb,     "-D", h->pg_data, "-A",         "trust", "-U",
		                      "postgres", "-E", "UTF8",     "--locale=C", "-N",    NULL};
		int st;

		snprintf(initdb_log, sizeof(initdb_log), "%s/initdb.log", h->dir);
		st = run_cmd(argv, 1, NULL, initdb_log);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			print_tail(initdb_log, 30, "initdb output");
			cr_assert_fail("initdb of the test's own cluster failed (status %d)", st);
		}
	}
	snprintf(h->pg_host, sizeof(h->pg_host), "%s", dir);
	snprintf(h->pg_port, sizeof(h->pg_port), "%u", (unsigned)free_port());
	snprintf(h->pg_user, sizeof(h->pg_user), "postgres");
	h->own_cluster = 1;
	harness_cluster_start(h);
}

void harness_cluster_start(harness_t *h)
{
	char bin[PATH_MAX], opts[PATH_MAX + 128];
	int st;

	cr_assert(h->own_cluster, "no own cluster");
	snprintf(bin, sizeof(bin), "%s/pg_ctl", env_required("QT_TEST_PG_BINDIR"));
	snprintf(opts, sizeof(opts), "-k %s -p %s -c listen_addresses='' -c fsync=off", h->pg_host,
	         h->pg_port);
	{
		const char *argv[] = {bin,  "-D", h->pg_data, "-l", h->pg_log, "-o", opts,
		                      "-w", "-t", "60",       "-s", "start",   NULL};
		st = run_cmd(argv, 1, NULL, NULL);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		print_tail(h->pg_log, 30, "PostgreSQL log");
		cr_assert_fail("pg_ctl start failed (status %d)", st);
	}
	h->own_cluster_running = 1;
}

void harness_cluster_stop(harness_t *h)
{
	char bin[PATH_MAX];
	int st;

	cr_assert(h->own_cluster_running, "the own cluster is not running");
	snprintf(bin, sizeof(bin), "%s/pg_ctl", env_required("QT_TEST_PG_BINDIR"));
	{
		const char *argv[] = {bin,  "-D", h->pg_data, "-m",   "immediate", "-w",
		                      "-t", "60", "-s",       "stop", NULL};
		st = run_cmd(argv, 1, NULL, NULL);
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "pg_ctl stop failed (status %d)", st);
	h->own_cluster_running = 0;
}

void harness_db_create(harness_t *h)
{
	static unsigned counter;
	PGconn *db = pg_connect(h->pg_host, h->pg_port, h->pg_user, "postgres");
	char sql[256];
	PGresult *res;

	snprintf(h->dbname, sizeof(h->dbname), "qt_%ld_%u", (long)getpid(), ++counter);
	snprintf(sql, sizeof(sql),
	         "CREATE DATABASE \"%s\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
	         "LC_CTYPE 'C'",
	         h->dbname);
	res = PQexec(db, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db));
		PQclear(res);
		PQfinish(db);
		h->dbname[0] = '\0';
		cr_assert_fail("CREATE DATABASE failed: %s", msg);
	}
	PQclear(res);
	PQfinish(db);
	snprintf(h->conninfo, sizeof(h->conninfo), "host=%s port=%s user=%s dbname=%s", h->pg_host,
	         h->pg_port, h->pg_user, h->dbname);
}

PGconn *harness_pg(harness_t *h)
{
	if (h->db == NULL || PQstatus(h->db) != CONNECTION_OK) {
		if (h->db != NULL)
			PQfinish(h->db);
		h->db = NULL;
		h->db = pg_connect(h->pg_host, h->pg_port, h->pg_user, h->dbname);
	}
	return h->db;
}

int64_t harness_sql_int(harness_t *h, const char *sql, int nparams, const char *p1, const char *p2,
                        const char *p3)
{
	const char *params[3] = {p1, p2, p3};
	PGresult *res = PQexecParams(harness_pg(h), sql, nparams, NULL, params, NULL, NULL, 0);
	int64_t v;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
		PQclear(res);
		cr_assert_fail("query failed: %s\n%s", sql, msg);
	}
	if (PQntuples(res) < 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		cr_assert_fail("query returned no value: %s", sql);
	}
	v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

void harness_sql_exec(harness_t *h, const char *sql)
{
	PGresult *res = PQexec(harness_pg(h), sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
		PQclear(res);
		cr_assert_fail("statement failed: %s\n%s", sql, msg);
	}
	PQclear(res);
}

/* ------------------------------------------------------------ server */

void harness_opts(const harness_t *h, qt_connect_opts_t *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->host = "127.0.0.1";
	opts->port = h->port;
	opts->ca_file = h->ca_file;
	opts->client_name = "quartier-tests";
	opts->timeout_ms = 15000;
	opts->cert_file = h->client_cert;
	opts->key_file = h->client_key;
}

static void write_config(harness_t *h, const char *extra)
{
	char text[4 * PATH_MAX + 4096];

	snprintf(text, sizeof(text),
	         "# written by the integration test harness\n"
	         "listen_addr = 127.0.0.1\n"
	         "listen_port = %u\n"
	         "tls_cert_file = \"%s/server.pem\"\n"
	         "tls_key_file = \"%s/server.key\"\n"
	         "db_conninfo = \"%s\"\n"
	         "log_level = debug\n"
	         "metrics_port = 0\n"
	         "%s",
	         (unsigned)h->port, h->cert_dir, h->cert_dir, h->conninfo,
	         extra != NULL ? extra : "");
	write_file(h->config_path, text);
}

/* Under the sanitizers (the second ctest run of deploy/test.sh) the
 * server's ASan/LSan reports go to files in the test's own directory, named
 * sanitizer-quartierd.<pid>: harness_finish() fails the test on them, and
 * deploy/test.sh fails the run on any report left anywhere.  (UBSan's go to
 * stderr, the server log, and abort the server.)  Called in the server
 * child before exec; a later log_path overrides an earlier one. */
static void sanitizer_log_in_test_dir(const harness_t *h, const char *var)
{
	const char *cur = getenv(var);
	char buf[4096];

	if (cur == NULL || cur[0] == '\0')
		return;
	snprintf(buf, sizeof(buf), "%s:log_path=%s/sanitizer-quartierd", cur, h->dir);
	setenv(var, buf, 1);
}

/* Prints the server's sanitizer reports (see sanitizer_log_in_test_dir)
 * and returns how many there are. */
static int sanitizer_reports(const harness_t *h)
{
	DIR *d = opendir(h->dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX + 256];
		if (strncmp(e->d_name, "sanitizer-quartierd.", 20) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", h->dir, e->d_name);
		print_tail(path, 80, "sanitizer report of quartierd");
		n++;
	}
	closedir(d);
	return n;
}

static pid_t spawn_server(harness_t *h)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd;

		/* The server dies with the test process, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		fd = open(h->log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		sanitizer_log_in_test_dir(h, "ASAN_OPTIONS");
		if (h->set_watchdog_pid) {
			char pid_text[32];
			snprintf(pid_text, sizeof(pid_text), "%ld", (long)getpid());
			setenv("WATCHDOG_PID", pid_text, 1);
		}
		const char *exe = h->server_exe != NULL ? h->server_exe : QUARTIERD_PATH;
		execl(exe, "quartierd", "-c", h->config_path, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	return pid;
}

static int log_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

void harness_project_in(const harness_t *h, qt_project_new_t *in, const char *name,
                        int64_t qo[2])
{
	qo[0] = h->seed.quarter_heslach;
	qo[1] = h->seed.office_social;
	memset(in, 0, sizeof(*in));
	in->name = name;
	in->kind = QT_KIND_FOCUSED;
	in->quarter_ids = &qo[0];
	in->n_quarter_ids = 1;
	in->lead_office_ids = &qo[1];
	in->n_lead_office_ids = 1;
}

unsigned harness_log_count(const harness_t *h, const char *needle)
{
	FILE *f = fopen(h->log_path, "r");
	char line[4096];
	unsigned n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/* Returns once the new server accepts TLS connections and has said
 * "event=ready" (its database answers): a test's first request must not
 * race the pool's first connection. */
void harness_server_start(harness_t *h, const char *extra_config)
{
	cr_assert_eq(h->server_pid, 0, "a server is already running");
	for (int attempt = 0; attempt < 3; attempt++) {
		uint64_t deadline;
		int status;
		unsigned readies = harness_log_count(h, "event=ready");

		h->port = free_port();
		write_config(h, extra_config);
		h->server_pid = spawn_server(h);
		deadline = now_ms() + 20000;
		for (;;) {
			qt_connect_opts_t o;
			qt_client_t *c = NULL;
			pid_t w = waitpid(h->server_pid, &status, WNOHANG);

			if (w == h->server_pid) {
				h->server_pid = 0;
				/* Another test may have taken the port between our probe
				 * and the server's bind: try another one. */
				if (attempt < 2 && (log_contains(h->log_path, "in use") ||
				                    log_contains(h->log_path, "EADDRINUSE")))
					break;
				harness_dump_log(h, 60);
				cr_assert_fail(
				    "quartierd exited during start-up (%s %d); see its log above",
				    WIFEXITED(status) ? "exit status" : "signal",
				    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			}
			harness_opts(h, &o);
			o.timeout_ms = 2000;
			if (harness_log_count(h, "event=ready") > readies &&
			    qt_client_connect(&o, &c, NULL, 0) == QT_OK) {
				qt_client_free(c);
				return;
			}
			if (now_ms() > deadline) {
				harness_dump_log(h, 60);
				cr_assert_fail(
				    "quartierd did not get ready and accept a TLS connection on port %u "
				    "within 20 s; see its log above",
				    (unsigned)h->port);
			}
			harness_sleep_ms(50);
		}
	}
	cr_assert_fail("quartierd could not bind a free port");
}

void harness_server_second(harness_t *h, harness_t *h2, const char *extra_config)
{
	size_t dl = strnlen(h->dir, sizeof(h->dir) - 8);

	*h2 = *h;
	h2->server_pid = 0;
	h2->db = NULL;
	h2->own_cluster = 0;
	memcpy(h2->dir + dl, "/second", 8);
	cr_assert_eq(mkdir(h2->dir, 0755), 0, "mkdir %s: %s", h2->dir, strerror(errno));
	snprintf(h2->config_path, sizeof(h2->config_path), "%s/quartierd.conf", h2->dir);
	snprintf(h2->log_path, sizeof(h2->log_path), "%s/server.log", h2->dir);
	harness_server_start(h2, extra_config);
}

int harness_log_has(const harness_t *h, const char *needle)
{
	return log_contains(h->log_path, needle);
}

int64_t harness_wait_audit_sealed(harness_t *h, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	while (harness_sql_int(h,
	                       "SELECT count(*) FROM audit a WHERE NOT EXISTS "
	                       "(SELECT 1 FROM audit_seal s WHERE s.audit_id = a.id)",
	                       0, NULL, NULL, NULL) > 0) {
		cr_assert_lt(now_ms(), deadline, "audit rows were not sealed within %u ms", timeout_ms);
		harness_sleep_ms(50);
	}
	return harness_sql_int(h, "SELECT count(*) FROM audit", 0, NULL, NULL, NULL);
}

int harness_server_wait(harness_t *h, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;
	int status;

	if (h->server_pid <= 0)
		return -1;
	for (;;) {
		pid_t w = waitpid(h->server_pid, &status, WNOHANG);
		if (w == h->server_pid) {
			h->server_pid = 0;
			return status;
		}
		if (w < 0 && errno != EINTR) {
			h->server_pid = 0;
			return -1;
		}
		if (now_ms() >= deadline)
			return -1;
		harness_sleep_ms(10);
	}
}

int harness_server_stop(harness_t *h, unsigned timeout_ms)
{
	int status;

	if (h->server_pid <= 0)
		return -1;
	kill(h->server_pid, SIGTERM);
	status = harness_server_wait(h, timeout_ms);
	if (status != -1)
		return status;
	if (h->server_pid > 0) {
		fprintf(stderr,
		        "quartierd (pid %ld) did not exit %u ms after SIGTERM; killing it\n",
		        (long)h->server_pid, timeout_ms);
		kill(h->server_pid, SIGKILL);
		while (waitpid(h->server_pid, &status, 0) < 0 && errno == EINTR)
			;
		h->server_pid = 0;
	}
	return status;
}

void harness_finish(harness_t *h)
{
	int st;

	cr_assert_gt(h->server_pid, 0, "quartierd is no longer running at the end of the test");
	st = harness_server_stop(h, 15000);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		harness_dump_log(h, 40);
		cr_assert_fail(
		    "quartierd did not exit cleanly after SIGTERM at the end of the test "
		    "(%s %d)",
		    st != -1 && WIFEXITED(st) ? "exit status" : "signal",
		    st == -1        ? -1
		    : WIFEXITED(st) ? WEXITSTATUS(st)
		                    : WTERMSIG(st));
	}
	cr_assert_eq(sanitizer_reports(h), 0,
	             "the sanitizers reported errors in quartierd; see the reports above");
}

int harness_server_alive(harness_t *h)
{
	int status;

	if (h->server_pid <= 0)
		return 0;
	if (waitpid(h->server_pid, &status, WNOHANG) == h->server_pid) {
		h->server_pid = 0;
		return 0;
	}
	return kill(h->server_pid, 0) == 0;
}

/* ------------------------------------------------------------ fixtures */

/* Inserts one row and returns the id it got. */
static int64_t insert_id(harness_t *h, const char *sql, const char *p1, const char *p2)
{
	return harness_sql_int(h, sql, p2 != NULL ? 2 : 1, p1, p2, NULL);
}

void harness_seed(harness_t *h)
{
	uint64_t deadline = now_ms() + 10000;

	/* The server migrates at start; wait until the schema is there. */
	while (harness_sql_int(h,
	                       "SELECT (to_regclass('public.audit') IS NOT NULL AND "
	                       "to_regclass('public.project_v') IS NOT NULL)::int",
	                       0, NULL, NULL, NULL) != 1) {
		cr_assert_lt(now_ms(), deadline,
		             "the server did not create the schema within 10 s");
		harness_sleep_ms(100);
	}
	h->seed.district_sued =
	    insert_id(h,
	              "INSERT INTO district (id, name, short_name) VALUES (4, $1, 'S-S\u00fcd') "
	              "RETURNING id",
	              "S\u00fcd", NULL);
	h->seed.district_nord = insert_id(
	    h, "INSERT INTO district (id, name, short_name) VALUES (2, $1, 'S-Nord') RETURNING id",
	    "Nord", NULL);
	h->seed.quarter_heslach =
	    insert_id(h, "INSERT INTO quarter (district_id, name) VALUES ($1, $2) RETURNING id",
	              "4", "Heslach");
	h->seed.quarter_rot = insert_id(
	    h, "INSERT INTO quarter (district_id, name) VALUES ($1, $2) RETURNING id", "2", "Rot");
	h->seed.office_social =
	    insert_id(h, "INSERT INTO office (name, short_name) VALUES ($1, $2) RETURNING id",
	              "Sozialamt", "50");
	h->seed.office_planning =
	    insert_id(h, "INSERT INTO office (name, short_name) VALUES ($1, $2) RETURNING id",
	              "Amt f\u00fcr Stadtplanung und Wohnen", "61");
	h->seed.org_caritas =
	    insert_id(h, "INSERT INTO organisation (name, org_type) VALUES ($1, $2) RETURNING id",
	              "Caritasverband Stuttgart", "welfare");
	h->seed.org_initiative =
	    insert_id(h, "INSERT INTO organisation (name, org_type) VALUES ($1, $2) RETURNING id",
	              "Stadtteilinitiative Heslach", "initiative");
}

int64_t harness_account(harness_t *h, const char *login, const char *role, int64_t office_id,
                        int64_t organisation_id, const char *password)
{
	char office[32], org[32], input[1100], log_path[PATH_MAX + 32], name[128];
	const char *argv[16];
	int k = 0, st;

	snprintf(office, sizeof(office), "%lld", (long long)office_id);
	snprintf(org, sizeof(org), "%lld", (long long)organisation_id);
	snprintf(name, sizeof(name), "Test %s", login);
	snprintf(input, sizeof(input), "%s\n", password);
	snprintf(log_path, sizeof(log_path), "%s/account-create.log", h->dir);
	argv[k++] = QUARTIERD_PATH;
	argv[k++] = "account-create";
	argv[k++] = "-c";
	argv[k++] = h->config_path;
	argv[k++] = "--login";
	argv[k++] = login;
	argv[k++] = "--name";
	argv[k++] = name;
	argv[k++] = "--role";
	argv[k++] = role;
	if (office_id != 0) {
		argv[k++] = "--office-id";
		argv[k++] = office;
	}
	if (organisation_id != 0) {
		argv[k++] = "--organisation-id";
		argv[k++] = org;
	}
	argv[k] = NULL;
	st = run_cmd(argv, 0, input, log_path);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		print_tail(log_path, 30, "quartierd account-create output");
		cr_assert_fail("quartierd account-create --login %s --role %s failed (status %d)",
		               login, role, st);
	}
	return harness_sql_int(h, "SELECT id FROM account WHERE login = $1", 1, login, NULL, NULL);
}

char *harness_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	cr_assert_geq(len, 0);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

int harness_quartierd(harness_t *h, const char *const *args, const char *input, char **out)
{
	char log_path[PATH_MAX + 32];
	const char *argv[32];
	int k = 0, st;

	snprintf(log_path, sizeof(log_path), "%s/quartierd-cmd.out", h->dir);
	unlink(log_path);
	argv[k++] = QUARTIERD_PATH;
	for (size_t i = 0; args[i] != NULL && k < 29; i++)
		argv[k++] = args[i];
	argv[k++] = "-c";
	argv[k++] = h->config_path;
	argv[k] = NULL;
	st = run_cmd(argv, 0, input, log_path);
	*out = harness_read_file(log_path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

qt_client_t *harness_connect(harness_t *h)
{
	qt_connect_opts_t o;
	qt_client_t *c = NULL;
	char err[512] = "";
	qt_status_t st;

	harness_opts(h, &o);
	st = qt_client_connect(&o, &c, err, sizeof(err));
	cr_assert_eq(st, QT_OK, "qt_client_connect: %s: %s", qt_status_name(st), err);
	cr_assert_not_null(c);
	return c;
}

qt_client_t *harness_login(harness_t *h, const char *login, const char *password)
{
	qt_client_t *c = harness_connect(h);
	char *token = NULL;
	qt_status_t st = qt_login(c, login, password, &token, NULL);

	cr_assert_eq(st, QT_OK, "login as %s: %s: %s", login, qt_status_name(st),
	             qt_client_last_error(c)->message);
	free(token);
	return c;
}

/* ------------------------------------------------------------ foreign CA */

void harness_write_foreign_ca(const char *path)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	FILE *f;

	cr_assert_not_null(key);
	cr_assert_not_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4711);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	cr_assert_eq(X509_set_pubkey(x, key), 1);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	                           (const unsigned char *)"Foreign Test CA", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
	cr_assert_not_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	cr_assert_gt(X509_sign(x, key, EVP_sha256()), 0);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(PEM_write_X509(f, x), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(key);
}

uint64_t harness_now_ms(void)
{
	return now_ms();
}

void harness_wait_log(const harness_t *h, const char *needle, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	while (!log_contains(h->log_path, needle)) {
		cr_assert_lt(now_ms(), deadline, "\"%s\" did not appear in %s", needle, h->log_path);
		harness_sleep_ms(20);
	}
}

/* ------------------------------------------------------------ raw TLS client */

static void raw_set_timeout(raw_conn_t *r, unsigned ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (long)(ms % 1000) * 1000};

	setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(r->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int raw_open_ex(harness_t *h, raw_conn_t *r, const char *src, int rcvbuf, int sndbuf)
{
	struct sockaddr_in a;
	struct timeval tv = {.tv_sec = 10};
	int one = 1;

	memset(r, 0, sizeof(*r));
	frame_reader_init(&r->reader, 16u * 1024u * 1024u);
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(r->fd, 0, "socket: %s", strerror(errno));
	setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(r->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (rcvbuf > 0)
		setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (sndbuf > 0)
		setsockopt(r->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (src != NULL) {
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		cr_assert_eq(inet_pton(AF_INET, src, &a.sin_addr), 1);
		cr_assert_eq(bind(r->fd, (struct sockaddr *)&a, sizeof(a)), 0, "bind %s: %s", src,
		             strerror(errno));
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(h->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(r->fd, (struct sockaddr *)&a, sizeof(a)), 0, "connect: %s",
	             strerror(errno));
	r->ctx = SSL_CTX_new(TLS_client_method());
	cr_assert_not_null(r->ctx);
	cr_assert_eq(SSL_CTX_load_verify_locations(r->ctx, h->ca_file, NULL), 1);
	SSL_CTX_set_verify(r->ctx, SSL_VERIFY_PEER, NULL);
	r->ssl = SSL_new(r->ctx);
	cr_assert_not_null(r->ssl);
	X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(r->ssl), "127.0.0.1");
	SSL_set_fd(r->ssl, r->fd);
	ERR_clear_error();
	if (SSL_connect(r->ssl) != 1) {
		r->eof = 1;
		raw_close(r);
		return -1;
	}
	return 0;
}

void raw_open(harness_t *h, raw_conn_t *r)
{
	cr_assert_eq(raw_open_ex(h, r, NULL, 0, 0), 0, "raw TLS handshake failed");
	raw_set_timeout(r, 5000);
}

int raw_write(raw_conn_t *r, const void *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		int n;
		ERR_clear_error();
		n = SSL_write(r->ssl, (const uint8_t *)buf + off, (int)(len - off));
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

void raw_pack(const qt_envelope_t *env, uint8_t **out, size_t *out_len)
{
	cr_assert_eq(envelope_pack(env, 64u * 1024u * 1024u, out, out_len), QT_OK);
}

int raw_send(raw_conn_t *r, const qt_envelope_t *env)
{
	uint8_t *buf;
	size_t len;
	int rc;

	raw_pack(env, &buf, &len);
	rc = raw_write(r, buf, len);
	free(buf);
	return rc;
}

int raw_recv(raw_conn_t *r, unsigned timeout_ms, qt_envelope_t **out)
{
	uint64_t deadline = now_ms() + timeout_ms;

	*out = NULL;
	for (;;) {
		if (r->pos < r->len) {
			const uint8_t *f;
			uint32_t flen;
			size_t used;
			qt_status_t st = frame_reader_feed(&r->reader, r->buf + r->pos,
			                                   r->len - r->pos, &used, &f, &flen);
			if (st != QT_OK)
				return -2;
			r->pos += used;
			if (f != NULL) {
				*out = envelope_unpack(f, flen);
				return *out != NULL ? 1 : -2;
			}
			continue;
		}
		if (r->eof)
			return 0;
		{
			uint64_t now = now_ms();
			int n, e;

			if (now >= deadline)
				return -1;
			raw_set_timeout(r, (unsigned)(deadline - now));
			ERR_clear_error();
			n = SSL_read(r->ssl, r->buf, (int)sizeof(r->buf));
			if (n > 0) {
				r->pos = 0;
				r->len = (size_t)n;
				continue;
			}
			e = SSL_get_error(r->ssl, n);
			if (e == SSL_ERROR_ZERO_RETURN) {
				r->eof = 1;
				return 0;
			}
			/* A receive timeout: with a socket BIO OpenSSL reports it as
			 * WANT_READ (or as a syscall error with EAGAIN). */
			if (e == SSL_ERROR_WANT_READ ||
			    (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)))
				return -1;
			/* Reset, EOF without close_notify: the server closed. */
			r->eof = 1;
			return 0;
		}
	}
}

void raw_hello(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
	qt_envelope_t *in = NULL;
	int rc;

	hello.protocol_version = QT_PROTOCOL_VERSION;
	hello.client_name = "raw-test-client";
	hello.client_instance_id = "raw-0001";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	cr_assert_eq(raw_send(r, &env), 0, "sending the hello failed");
	rc = raw_recv(r, 5000, &in);
	cr_assert_eq(rc, 1, "no welcome (raw_recv %d)", rc);
	cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_WELCOME,
	             "got kind %d instead of welcome", (int)in->kind_case);
	envelope_free(in);
}

int raw_expect_goodbye(raw_conn_t *r, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		qt_envelope_t *in = NULL;
		uint64_t now = now_ms();
		int rc;

		if (now >= deadline)
			return -2;
		rc = raw_recv(r, (unsigned)(deadline - now), &in);
		if (rc == 0)
			return -1;
		if (rc < 0)
			return rc == -1 ? -2 : -3;
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_GOODBYE) {
			int st = in->goodbye->error != NULL ? (int)in->goodbye->error->status : 0;
			envelope_free(in);
			return st;
		}
		envelope_free(in);
	}
}

void raw_close(raw_conn_t *r)
{
	if (r->ssl != NULL) {
		if (!r->eof)
			SSL_shutdown(r->ssl);
		SSL_free(r->ssl);
	}
	if (r->ctx != NULL)
		SSL_CTX_free(r->ctx);
	if (r->fd >= 0)
		close(r->fd);
	frame_reader_close(&r->reader);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* ------------------------------------------------------------ runner hook */

/* Runs in Criterion's runner process after each test: prints the server
 * log of a failed test and stops a cluster that a crashed or timed-out
 * test left running. */
static void after_test(struct criterion_test_stats *stats)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], marker[PATH_MAX + 64];
	int failed;

	if (stats == NULL || stats->test == NULL)
		return;
	test_dir_for(dir, sizeof(dir), stats->test->category, stats->test->name);
	snprintf(marker, sizeof(marker), "%s/.reported", dir);
	if (access(dir, F_OK) != 0 || access(marker, F_OK) == 0)
		return;
	failed = stats->test_status == CR_STATUS_FAILED || stats->crashed || stats->timed_out;
	if (failed) {
		snprintf(path, sizeof(path), "%s/server.log", dir);
		print_tail(path, 80, "quartierd log of the failed test");
	}
	snprintf(path, sizeof(path), "%s/pg/data/postmaster.pid", dir);
	if (access(path, F_OK) == 0) {
		char bin[PATH_MAX], data[PATH_MAX + 16];
		snprintf(bin, sizeof(bin), "%s/pg_ctl", env_or("QT_TEST_PG_BINDIR", ""));
		snprintf(data, sizeof(data), "%s/pg/data", dir);
		const char *argv[] = {bin, "-D", data, "-m", "immediate", "-w", "-s", "stop", NULL};
		run_cmd(argv, 1, NULL, NULL);
	}
	if (failed) {
		FILE *f = fopen(marker, "w");
		if (f != NULL)
			fclose(f);
	}
}

ReportHook(POST_FINI)(struct criterion_test_stats *stats)
{
	after_test(stats);
}

ReportHook(TEST_CRASH)(struct criterion_test_stats *stats)
{
	after_test(stats);
}
