/* Integration tests of quartierd under hostile or unlucky conditions:
 * malformed frames and messages over real TLS (through a raw client), input
 * arriving one byte at a time, pipelining beyond the in-flight limit, and
 * the database going away and coming back while the server runs. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"

TestSuite(robustness, .fini = harness_fini, .timeout = 180);

/* ------------------------------------------------------------ helpers */

/* The witness: a normal client that must keep working throughout. */
static void witness_check(qt_client_t *w, const char *after)
{
	qt_project_filter_t f;
	qt_project_t *list = NULL;
	size_t n = 0;
	int64_t next = 0;
	qt_status_t st;

	cr_assert(harness_server_alive(&H), "quartierd died after \"%s\"", after);
	st = qt_ping(w);
	cr_assert_eq(st, QT_OK, "after \"%s\": witness ping: %s: %s", after, qt_status_name(st),
	             qt_client_last_error(w)->message);
	memset(&f, 0, sizeof(f));
	st = qt_project_list(w, &f, &list, &n, &next);
	cr_assert_eq(st, QT_OK, "after \"%s\": witness project list: %s: %s", after,
	             qt_status_name(st), qt_client_last_error(w)->message);
	cr_assert_eq(n, 1);
	qt_project_list_free(list, n);
}

static void create_one_project(qt_client_t *c)
{
	int64_t q[1] = {H.seed.quarter_heslach}, o[1] = {H.seed.office_social};
	qt_project_new_t in;
	qt_project_t p;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	in.name = "Robustheit";
	in.kind = QT_KIND_FOCUSED;
	in.quarter_ids = q;
	in.n_quarter_ids = 1;
	in.lead_office_ids = o;
	in.n_lead_office_ids = 1;
	memset(&p, 0, sizeof(p));
	st = qt_project_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	qt_project_clear(&p);
}

static void send_bytes(raw_conn_t *r, const void *b, size_t n)
{
	/* The server may already have closed: that is a valid reaction. */
	(void)raw_write(r, b, n);
}

static void send_http(raw_conn_t *r)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
	send_bytes(r, req, sizeof(req) - 1);
}

static void send_len_ffffffff(raw_conn_t *r)
{
	static const uint8_t b[] = {0xff, 0xff, 0xff, 0xff, 'x', 'y', 'z'};
	send_bytes(r, b, sizeof(b));
}

static void send_over_preauth(raw_conn_t *r)
{
	uint8_t b[4 + 100];

	frame_put_header(b, 9000);
	memset(b + 4, 'A', 100);
	send_bytes(r, b, sizeof(b));
}

static void send_zero_length(raw_conn_t *r)
{
	static const uint8_t b[] = {0, 0, 0, 0};
	send_bytes(r, b, sizeof(b));
}

static void send_not_envelope(raw_conn_t *r)
{
	uint8_t b[4 + 16];

	frame_put_header(b, 16);
	memset(b + 4, 0xff, 16);
	send_bytes(r, b, sizeof(b));
}

static void send_text_frame(raw_conn_t *r)
{
	static const char text[] = "this is not protobuf at all";
	uint8_t b[4 + sizeof(text) - 1];

	frame_put_header(b, sizeof(text) - 1);
	memcpy(b + 4, text, sizeof(text) - 1);
	send_bytes(r, b, sizeof(b));
}

static void send_request(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectListRequest pl = QUARTIER__V1__PROJECT_LIST_REQUEST__INIT;

	req.id = 1;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_LIST;
	req.project_list = &pl;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &req;
	(void)raw_send(r, &env);
}

static void send_ping(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Ping ping = QUARTIER__V1__PING__INIT;

	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
	env.ping = &ping;
	(void)raw_send(r, &env);
}

static void send_hello_named(raw_conn_t *r, char *name)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;

	hello.protocol_version = QT_PROTOCOL_VERSION;
	hello.client_name = name;
	hello.client_instance_id = "raw-0002";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	(void)raw_send(r, &env);
}

static void send_hello(raw_conn_t *r)
{
	send_hello_named(r, "raw-test-client");
}

static void send_hello_bad_utf8(raw_conn_t *r)
{
	send_hello_named(r, "caf\xc3\x28");
}

static void send_welcome(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Welcome w = QUARTIER__V1__WELCOME__INIT;

	w.protocol_version = 1;
	w.server_name = "impostor";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_WELCOME;
	env.welcome = &w;
	(void)raw_send(r, &env);
}

static void send_truncated(raw_conn_t *r)
{
	uint8_t b[4 + 10];

	frame_put_header(b, 100);
	memset(b + 4, 0x0a, 10);
	send_bytes(r, b, sizeof(b));
}

#define EXPECT_CLOSE (-100) /* the server closes; no need to read */

typedef struct bad_input {
	const char *name;
	int hello_first;
	void (*send)(raw_conn_t *r);
	int expect; /* goodbye status, or EXPECT_CLOSE */
} bad_input_t;

static const bad_input_t bad_inputs[] = {
    {"garbage bytes (HTTP) before hello", 0, send_http, QT_RESOURCE_EXHAUSTED},
    {"garbage bytes (HTTP) after hello", 1, send_http, QT_RESOURCE_EXHAUSTED},
    {"length 0xFFFFFFFF", 1, send_len_ffffffff, QT_RESOURCE_EXHAUSTED},
    {"length 9000 before login", 1, send_over_preauth, QT_RESOURCE_EXHAUSTED},
    {"length 9000 before hello", 0, send_over_preauth, QT_RESOURCE_EXHAUSTED},
    {"zero length", 1, send_zero_length, QT_PROTOCOL_ERROR},
    {"frame that is not an Envelope", 1, send_not_envelope, QT_PROTOCOL_ERROR},
    {"text frame", 1, send_text_frame, QT_PROTOCOL_ERROR},
    {"request before hello", 0, send_request, QT_PROTOCOL_ERROR},
    {"ping before hello", 0, send_ping, QT_PROTOCOL_ERROR},
    {"second hello", 1, send_hello, QT_PROTOCOL_ERROR},
    {"client sends a welcome", 1, send_welcome, QT_PROTOCOL_ERROR},
    {"hello with invalid UTF-8", 0, send_hello_bad_utf8, QT_INVALID_ARGUMENT},
    {"truncated frame, then close", 1, send_truncated, EXPECT_CLOSE},
    {"TLS, then close without hello", 0, NULL, EXPECT_CLOSE},
};

/* Plain TCP bytes that are no TLS at all: the server closes. */
static void plain_tcp_garbage(void)
{
	struct sockaddr_in a;
	struct timeval tv = {.tv_sec = 5};
	char buf[256];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	cr_assert_geq(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(H.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cr_assert_gt(send(fd, "HELO quartier\r\n\r\n", 17, MSG_NOSIGNAL), 0);
	/* Whatever the server sends (perhaps a TLS alert), it must close. */
	do {
		n = recv(fd, buf, sizeof(buf), 0);
	} while (n > 0);
	cr_assert(n == 0 || errno == ECONNRESET,
	          "the server did not close a non-TLS connection (%s)",
	          n < 0 ? strerror(errno) : "?");
	close(fd);
}

/* ------------------------------------------------------------ malformed input */

static const char *outcome(int got)
{
	switch (got) {
	case -1:
		return "a close without goodbye";
	case -2:
		return "nothing within 5 s";
	case -3:
		return "bytes that are not a frame";
	default:
		break;
	}
	return got >= 0 ? qt_status_name((qt_status_t)got) : "?";
}

Test(robustness, malformed_input)
{
	qt_client_t *w;

	harness_standard(&H, NULL);
	w = harness_login(&H, "admin", HARNESS_PASSWORD);
	create_one_project(w);
	witness_check(w, "start");

	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const bad_input_t *b = &bad_inputs[i];
		raw_conn_t r;

		raw_open(&H, &r);
		if (b->hello_first)
			raw_hello(&r);
		if (b->send != NULL)
			b->send(&r);
		if (b->expect != EXPECT_CLOSE) {
			int got = raw_expect_goodbye(&r, 5000);
			cr_expect_eq(got, b->expect, "%s: expected a goodbye with %s, got %s",
			             b->name, qt_status_name((qt_status_t)b->expect), outcome(got));
			/* After the goodbye the server closes. */
			if (got >= 0) {
				qt_envelope_t *more = NULL;
				int rc = raw_recv(&r, 5000, &more);
				cr_expect_eq(rc, 0,
				             "%s: the connection stays open after the goodbye",
				             b->name);
				envelope_free(more);
			}
		}
		raw_close(&r);
		witness_check(w, b->name);
	}
	plain_tcp_garbage();
	witness_check(w, "plain TCP garbage");
	qt_client_free(w);
	harness_finish(&H);
}

/* ------------------------------------------------------------ slow input */

static void write_slowly(raw_conn_t *r, const uint8_t *b, size_t n, unsigned delay_ms)
{
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(raw_write(r, b + i, 1), 0, "write of byte %zu failed", i);
		harness_sleep_ms(delay_ms);
	}
}

static qt_envelope_t *expect_response(raw_conn_t *r, uint64_t id)
{
	qt_envelope_t *in = NULL;
	int rc;

	for (;;) {
		rc = raw_recv(r, 10000, &in);
		cr_assert_eq(rc, 1, "no answer to request %llu (raw_recv %d)",
		             (unsigned long long)id, rc);
		if (in->kind_case != QUARTIER__V1__ENVELOPE__KIND_PONG &&
		    in->kind_case != QUARTIER__V1__ENVELOPE__KIND_PING)
			break;
		envelope_free(in);
	}
	cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE, "kind %d",
	             (int)in->kind_case);
	cr_assert_eq(in->response->id, id);
	cr_assert_null(in->response->error, "request %llu failed: %s", (unsigned long long)id,
	               in->response->error ? in->response->error->message : "");
	return in;
}

static void pack_login(uint64_t id, const char *login, const char *password, uint8_t **out,
                       size_t *len)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;

	lr.login = (char *)login;
	lr.password = (char *)password;
	req.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	req.login = &lr;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &req;
	raw_pack(&env, out, len);
}

static void pack_whoami(uint64_t id, uint8_t **out, size_t *len)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__WhoAmIRequest who = QUARTIER__V1__WHO_AM_IREQUEST__INIT;

	req.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_WHOAMI;
	req.whoami = &who;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &req;
	raw_pack(&env, out, len);
}

static void raw_login(raw_conn_t *r, uint64_t id)
{
	uint8_t *b;
	size_t n;
	qt_envelope_t *in;

	pack_login(id, "admin", HARNESS_PASSWORD, &b, &n);
	cr_assert_eq(raw_write(r, b, n), 0);
	free(b);
	in = expect_response(r, id);
	cr_assert_eq(in->response->body_case, QUARTIER__V1__RESPONSE__BODY_LOGIN);
	envelope_free(in);
}

Test(robustness, one_byte_at_a_time)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
	raw_conn_t r;
	uint8_t *b;
	size_t n;
	qt_envelope_t *in = NULL;
	int rc;

	harness_standard(&H, NULL);
	raw_open(&H, &r);

	hello.protocol_version = QT_PROTOCOL_VERSION;
	hello.client_name = "slow-client";
	hello.client_instance_id = "slow-0001";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	raw_pack(&env, &b, &n);
	write_slowly(&r, b, n, 2);
	free(b);
	rc = raw_recv(&r, 10000, &in);
	cr_assert_eq(rc, 1, "no welcome after a slow hello (raw_recv %d)", rc);
	cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_WELCOME);
	cr_assert_eq(strncmp(in->welcome->server_name, "quartierd/", 10), 0);
	envelope_free(in);

	pack_login(7, "admin", HARNESS_PASSWORD, &b, &n);
	write_slowly(&r, b, n, 2);
	free(b);
	in = expect_response(&r, 7);
	cr_assert_eq(in->response->body_case, QUARTIER__V1__RESPONSE__BODY_LOGIN);
	cr_assert_eq(strlen(in->response->login->token), 43);
	cr_assert_str_eq(in->response->login->account->login, "admin");
	envelope_free(in);

	/* Two requests in one write, the second split from the first at an
	 * odd boundary. */
	{
		uint8_t *w1, *w2, *both;
		size_t n1, n2;

		pack_whoami(8, &w1, &n1);
		pack_whoami(9, &w2, &n2);
		both = malloc(n1 + n2);
		cr_assert_not_null(both);
		memcpy(both, w1, n1);
		memcpy(both + n1, w2, n2);
		cr_assert_eq(raw_write(&r, both, n1 + 3), 0);
		harness_sleep_ms(20);
		cr_assert_eq(raw_write(&r, both + n1 + 3, n2 - 3), 0);
		free(w1);
		free(w2);
		free(both);
	}
	{
		int seen8 = 0, seen9 = 0;
		for (int i = 0; i < 2; i++) {
			rc = raw_recv(&r, 10000, &in);
			cr_assert_eq(rc, 1);
			cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
			cr_assert_null(in->response->error);
			cr_assert_eq(in->response->body_case, QUARTIER__V1__RESPONSE__BODY_ACCOUNT);
			seen8 += in->response->id == 8;
			seen9 += in->response->id == 9;
			envelope_free(in);
		}
		cr_assert(seen8 == 1 && seen9 == 1);
	}
	raw_close(&r);
	harness_finish(&H);
}

Test(robustness, pipelined_requests_beyond_in_flight_limit)
{
	enum { N = 300 };
	raw_conn_t r;
	uint8_t *all = NULL;
	size_t len = 0;
	static int seen[N + 1];

	harness_standard(&H, "max_in_flight = 8\n");
	raw_open(&H, &r);
	raw_hello(&r);
	raw_login(&r, 1);
	for (uint64_t id = 1; id <= N; id++) {
		uint8_t *b;
		size_t n;
		pack_whoami(1000 + id, &b, &n);
		all = realloc(all, len + n);
		cr_assert_not_null(all);
		memcpy(all + len, b, n);
		len += n;
		free(b);
	}
	cr_assert_eq(raw_write(&r, all, len), 0);
	free(all);
	for (int i = 0; i < N; i++) {
		qt_envelope_t *in = NULL;
		int rc = raw_recv(&r, 15000, &in);
		uint64_t id;

		cr_assert_eq(rc, 1, "answer %d of %d missing (raw_recv %d)", i + 1, N, rc);
		cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
		cr_assert_null(in->response->error, "%s",
		               in->response->error ? in->response->error->message : "");
		id = in->response->id;
		cr_assert(id > 1000 && id <= 1000 + N, "unexpected id %llu",
		          (unsigned long long)id);
		cr_assert_eq(seen[id - 1000], 0, "id %llu answered twice", (unsigned long long)id);
		seen[id - 1000] = 1;
		envelope_free(in);
	}
	raw_close(&r);
	harness_finish(&H);
}

Test(robustness, frame_limits_after_login)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectListRequest pl = QUARTIER__V1__PROJECT_LIST_REQUEST__INIT;
	raw_conn_t r;
	char *big;
	qt_envelope_t *in = NULL;
	uint8_t hdr[8];
	int rc;

	harness_standard(&H, NULL);
	raw_open(&H, &r);
	raw_hello(&r);
	raw_login(&r, 1);

	/* A 9000-byte request is fine once logged in. */
	big = malloc(9001);
	cr_assert_not_null(big);
	memset(big, 'x', 9000);
	big[9000] = '\0';
	pl.district = big;
	req.id = 2;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_LIST;
	req.project_list = &pl;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &req;
	cr_assert_eq(raw_send(&r, &env), 0);
	free(big);
	rc = raw_recv(&r, 10000, &in);
	cr_assert_eq(rc, 1, "no answer to a 9000-byte request after login (raw_recv %d)", rc);
	cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE,
	             "kind %d (a goodbye means the pre-login limit still applies)",
	             (int)in->kind_case);
	cr_assert_eq(in->response->id, 2);
	envelope_free(in);

	/* Over max_frame (1 MiB by default): resource exhausted. */
	frame_put_header(hdr, 2u * 1024u * 1024u);
	memset(hdr + 4, 0, 4);
	(void)raw_write(&r, hdr, sizeof(hdr));
	rc = raw_expect_goodbye(&r, 5000);
	cr_assert_eq(rc, QT_RESOURCE_EXHAUSTED, "got %d", rc);
	raw_close(&r);
	harness_finish(&H);
}

/* ------------------------------------------------------------ database down */

Test(robustness, database_down_and_back)
{
	qt_client_t *c;
	qt_project_filter_t f;
	qt_project_t *list = NULL;
	size_t n = 0;
	int64_t next = 0;
	qt_status_t st;
	int recovered = 0;

	harness_begin(&H);
	harness_cluster_own(&H);
	harness_db_create(&H);
	harness_server_start(&H, NULL);
	harness_seed(&H);
	H.admin_id = harness_account(&H, "admin", "admin", 0, 0, HARNESS_PASSWORD);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	create_one_project(c);
	memset(&f, 0, sizeof(f));
	cr_assert_eq(qt_project_list(c, &f, &list, &n, &next), QT_OK);
	qt_project_list_free(list, n);
	/* The harness's own connection must not hold the cluster up. */
	if (H.db != NULL) {
		PQfinish(H.db);
		H.db = NULL;
	}

	harness_cluster_stop(&H);
	for (int i = 0; i < 5; i++) {
		const qt_error_t *e;
		list = NULL;
		st = qt_project_list(c, &f, &list, &n, &next);
		e = qt_client_last_error(c);
		cr_assert_eq(st, QT_UNAVAILABLE, "request %d with the database down: %s (%s)", i,
		             qt_status_name(st), e->message);
		cr_assert_eq(e->status, QT_UNAVAILABLE);
		cr_assert_eq(e->retryable, 1, "UNAVAILABLE must be marked retryable");
		cr_assert(harness_server_alive(&H), "quartierd exited when the database went away");
		harness_sleep_ms(100);
	}
	/* Pings do not need the database. */
	cr_assert_eq(qt_ping(c), QT_OK);

	harness_cluster_start(&H);
	for (int i = 0; i < 50 && !recovered; i++) {
		list = NULL;
		st = qt_project_list(c, &f, &list, &n, &next);
		if (st == QT_OK) {
			recovered = 1;
			cr_assert_eq(n, 1);
			qt_project_list_free(list, n);
			break;
		}
		cr_assert_eq(st, QT_UNAVAILABLE, "while the database comes back: %s (%s)",
		             qt_status_name(st), qt_client_last_error(c)->message);
		harness_sleep_ms(100);
	}
	cr_assert(recovered, "requests did not succeed within 5 s after the database came back");
	cr_assert(harness_server_alive(&H));
	/* Writes work again too. */
	create_one_project(c);
	qt_client_free(c);
	harness_finish(&H);
}
