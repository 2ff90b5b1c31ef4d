/* Helpers of the hostile-input and crash tests (see hostile_util.h). */
#include "hostile_util.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ wire bytes */

void bb_put(bb_t *b, const void *data, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		cr_assert_not_null(b->p);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->n, data, n);
	b->n += n;
}

void bb_free(bb_t *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void pb_varint(bb_t *b, uint64_t v)
{
	uint8_t x[10];
	size_t n = 0;

	do {
		x[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			x[n] |= 0x80;
		n++;
	} while (v != 0);
	bb_put(b, x, n);
}

void pb_tag(bb_t *b, unsigned field, unsigned wire_type)
{
	pb_varint(b, ((uint64_t)field << 3) | wire_type);
}

void pb_uint(bb_t *b, unsigned field, uint64_t v)
{
	pb_tag(b, field, 0);
	pb_varint(b, v);
}

void pb_bytes(bb_t *b, unsigned field, const void *data, size_t n)
{
	pb_tag(b, field, 2);
	pb_varint(b, n);
	bb_put(b, data, n);
}

void pb_sub(bb_t *b, unsigned field, const bb_t *inner)
{
	pb_bytes(b, field, inner->p, inner->n);
}

void pb_frame(bb_t *out, const bb_t *payload)
{
	uint8_t hdr[FRAME_HEADER_SIZE];

	frame_put_header(hdr, (uint32_t)payload->n);
	bb_put(out, hdr, sizeof(hdr));
	bb_put(out, payload->p, payload->n);
}

/* ------------------------------------------------------------ figures */

uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t percentile(uint32_t *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u32);
	/* Nearest rank: the smallest value with at least p % of the samples
	 * at or below it. */
	k = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

int soak_mode(void)
{
	const char *v = getenv("QT_SOAK");

	return v != NULL && strcmp(v, "1") == 0;
}

unsigned env_uint(const char *name, unsigned def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long x;

	if (v == NULL || v[0] == '\0')
		return def;
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || x == 0 || x > 1000000)
		return def;
	return (unsigned)x;
}

void check_line(const char *name, int pass, const char *fmt, ...)
{
	const char *path;
	FILE *f;
	char fig[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fig, sizeof(fig), fmt, ap);
	va_end(ap);
	printf("check %s %s %s\n", name, fig, pass ? "PASS" : "FAIL");
	fflush(stdout);
	/* Under deploy/soak.sh the line also goes into its report. */
	path = getenv("QT_SOAK_REPORT");
	if (path != NULL && path[0] != '\0' && (f = fopen(path, "a")) != NULL) {
		fprintf(f, "check %s %s %s\n", name, fig, pass ? "PASS" : "FAIL");
		fclose(f);
	}
}

unsigned long raise_nofile(unsigned long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (unsigned long)rl.rlim_cur;
}

/* ------------------------------------------------------------ witness */

static void witness_sample(witness_t *w, uint32_t us)
{
	pthread_mutex_lock(&w->lock);
	if (w->sampling) {
		if (w->nsamples == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 1024;
			uint32_t *p = realloc(w->samples, cap * sizeof(*p));
			if (p != NULL) {
				w->samples = p;
				w->cap = cap;
			}
		}
		if (w->nsamples < w->cap)
			w->samples[w->nsamples++] = us;
	}
	pthread_mutex_unlock(&w->lock);
}

static void *witness_main(void *arg)
{
	witness_t *w = arg;

	while (!w->stop) {
		qt_project_t p;
		uint64_t t0 = mono_us();
		qt_status_t st = qt_project_get(w->c, w->project_id, &p);
		uint64_t t1 = mono_us();

		if (st == QT_OK) {
			qt_project_clear(&p);
			__atomic_add_fetch(&w->ok, 1, __ATOMIC_SEQ_CST);
			witness_sample(w, (uint32_t)(t1 - t0));
		} else {
			const qt_error_t *e = qt_client_last_error(w->c);
			snprintf(w->last_error, sizeof(w->last_error), "%s: %s", qt_status_name(st),
			         e->message != NULL ? e->message : "");
			__atomic_add_fetch(&w->failed, 1, __ATOMIC_SEQ_CST);
		}
		if (w->pause_us > 0) {
			struct timespec ts = {.tv_sec = w->pause_us / 1000000u,
			                      .tv_nsec = (long)(w->pause_us % 1000000u) * 1000L};
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

void witness_start(witness_t *w, harness_t *h, int64_t project_id, unsigned pause_us)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	w->c = harness_login(h, "admin", HARNESS_PASSWORD);
	w->project_id = project_id;
	w->pause_us = pause_us;
	cr_assert_eq(pthread_create(&w->thread, NULL, witness_main, w), 0);
}

void witness_stop(witness_t *w)
{
	w->stop = 1;
	pthread_join(w->thread, NULL);
	qt_client_free(w->c);
	w->c = NULL;
	free(w->samples);
	w->samples = NULL;
	pthread_mutex_destroy(&w->lock);
}

int witness_progress(witness_t *w, unsigned long since, unsigned long more, unsigned timeout_ms)
{
	uint64_t deadline = mono_us() + (uint64_t)timeout_ms * 1000u;

	while (__atomic_load_n(&w->ok, __ATOMIC_SEQ_CST) < since + more) {
		if (mono_us() > deadline)
			return 0;
		harness_sleep_ms(2);
	}
	return 1;
}

/* ------------------------------------------------------------ database */

char *db_checksum(harness_t *h)
{
	static const char build[] =
	    "SELECT string_agg(format('SELECT %L::text AS t, (SELECT md5(coalesce(string_agg("
	    "x::text, '','' ORDER BY x::text), '''')) FROM %I x) AS h', tablename, tablename), "
	    "' UNION ALL ' ORDER BY tablename) "
	    /* session rows are logins, login_throttle rows count failed
	     * ones (test_throttle checks them); feed_meta is the change
	     * feed's bookkeeping, updated by the server's maintenance timer;
	     * audit_seal and audit_chain the audit log's hash chain, extended
	     * by its sealer. */
	    "FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('session', "
	    "'login_throttle', 'feed_meta', 'audit_seal', 'audit_chain')";
	PGresult *res = PQexec(harness_pg(h), build);
	char *sql, *out;
	size_t len;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	len = strlen(PQgetvalue(res, 0, 0)) + 128;
	sql = malloc(len);
	cr_assert_not_null(sql);
	snprintf(sql, len, "SELECT string_agg(t || '=' || h, ';' ORDER BY t) FROM (%s) s",
	         PQgetvalue(res, 0, 0));
	PQclear(res);
	res = PQexec(harness_pg(h), sql);
	free(sql);
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	out = strdup(PQgetvalue(res, 0, 0));
	cr_assert_not_null(out);
	PQclear(res);
	return out;
}

void db_changed_tables(const char *a, const char *b, char *out, size_t len)
{
	char *x = strdup(a), *y = strdup(b), *sx = NULL, *sy = NULL;
	char *ex = strtok_r(x, ";", &sx), *ey = strtok_r(y, ";", &sy);

	out[0] = '\0';
	while (ex != NULL && ey != NULL) {
		if (strcmp(ex, ey) != 0) {
			size_t n = strcspn(ex, "=");
			snprintf(out + strlen(out), len - strlen(out), "%s%.*s", out[0] ? "," : "",
			         (int)n, ex);
		}
		ex = strtok_r(NULL, ";", &sx);
		ey = strtok_r(NULL, ";", &sy);
	}
	free(x);
	free(y);
}

/* ------------------------------------------------------------ connections */

int tcp_open_from(harness_t *h, const char *src)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (src != NULL) {
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		cr_assert_eq(inet_pton(AF_INET, src, &a.sin_addr), 1);
		cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0, "bind %s: %s", src,
		             strerror(errno));
	}
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(h->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "connect: %s",
	             strerror(errno));
	return fd;
}

int raw_try_hello(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
	qt_envelope_t *in = NULL;
	int ok;

	hello.protocol_version = QT_PROTOCOL_VERSION;
	hello.client_name = "hostile-test";
	hello.client_instance_id = "hostile-0001";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	if (raw_send(r, &env) != 0)
		return -1;
	if (raw_recv(r, 10000, &in) != 1)
		return -1;
	ok = in->kind_case == QUARTIER__V1__ENVELOPE__KIND_WELCOME;
	envelope_free(in);
	return ok ? 0 : -1;
}

int raw_login_as(raw_conn_t *r, const char *login, const char *password)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	int ok;

	lr.login = (char *)login;
	lr.password = (char *)password;
	rq.id = 1;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	rq.login = &lr;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &rq;
	if (raw_send(r, &env) != 0 || raw_recv(r, 20000, &in) != 1)
		return -1;
	ok = in->kind_case == QUARTIER__V1__ENVELOPE__KIND_RESPONSE && in->response->error == NULL;
	envelope_free(in);
	return ok ? 0 : -1;
}

uint16_t free_tcp_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t port;

	cr_assert_geq(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

long long metric_value(uint16_t port, const char *name)
{
	struct sockaddr_in a;
	struct timeval tv = {.tv_sec = 10};
	static const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	bb_t page = {0};
	char buf[4096], *line;
	size_t nl = strlen(name);
	long long v = -1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	cr_assert_geq(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "metrics: %s",
	             strerror(errno));
	cr_assert_eq(send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(req) - 1);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		bb_put(&page, buf, (size_t)n);
	close(fd);
	bb_put(&page, "", 1);
	for (line = (char *)page.p; line != NULL && *line != '\0';) {
		char *next = strchr(line, '\n');
		if (strncmp(line, name, nl) == 0 && line[nl] == ' ') {
			v = strtoll(line + nl + 1, NULL, 10);
			break;
		}
		line = next != NULL ? next + 1 : NULL;
	}
	bb_free(&page);
	return v;
}

unsigned long rss_kib(pid_t pid)
{
	char path[64], line[256];
	unsigned long kib = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}
