/* Hostile input against a real quartierd over real TLS, PostgreSQL behind
 * it: one table of malformed, oversized, out-of-order, out-of-range and
 * injection-shaped inputs, each row with the answer PROTOCOL.md documents
 * for it (a Goodbye with a status, an error answer with status and field,
 * a success with the text stored byte for byte, or a close).  After every
 * row the database is checked directly: unchanged, or for the injection
 * rows holding exactly the text sent and nothing else touched; and a
 * witness client on its own connection and thread has been served
 * throughout.  Further tests: the resource limits of the configuration
 * (connections overall and per address, in-flight requests, the output
 * queue, handshake/login/idle deadlines) and a slowloris run. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "hostile_util.h"

TestSuite(hostile, .fini = harness_fini, .timeout = 900);

/* ------------------------------------------------------------ fixtures */

/* Records made before the table runs, and a session token for the rows
 * that start logged in (resume is cheaper than a password hash). */
static struct {
	int64_t project;
	int64_t fund;
	int64_t quarter, office;
	char token[64];
	uint32_t max_frame, max_frame_preauth;
} F;

/* An SQL injection attempt that is also a valid text of at most 50
 * characters (the shortest limit of a field it is sent in). */
#define INJ  "x'); DROP TABLE account; --"
#define INJ2 "\\'; UPDATE account SET role='admin' WHERE '1'='1"
#define INJ3 "$1 %s %n \" ` ; /* */ E'\\x41' ::regclass"

/* ------------------------------------------------------------ raw requests */

enum { ROW_REQ_ID = 77 };

static void send_env(raw_conn_t *r, Quartier__V1__Envelope *env)
{
	/* The server may have closed already: that is an answer too. */
	(void)raw_send(r, env);
}

static void send_request(raw_conn_t *r, Quartier__V1__Request *rq)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;

	rq->id = ROW_REQ_ID;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = rq;
	send_env(r, &env);
}

static void send_raw_payload(raw_conn_t *r, const bb_t *payload)
{
	bb_t f = {0};

	pb_frame(&f, payload);
	(void)raw_write(r, f.p, f.n);
	bb_free(&f);
}

/* A Request envelope around body bytes of request field `field`. */
static void send_raw_request(raw_conn_t *r, unsigned field, const bb_t *body)
{
	bb_t rq = {0}, env = {0};

	pb_uint(&rq, 1, ROW_REQ_ID);
	pb_sub(&rq, field, body);
	pb_sub(&env, 3, &rq);
	send_raw_payload(r, &env);
	bb_free(&rq);
	bb_free(&env);
}

static void resume_raw(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ResumeRequest res = QUARTIER__V1__RESUME_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	int rc;

	res.token = F.token;
	rq.id = 1;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_RESUME;
	rq.resume = &res;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &rq;
	cr_assert_eq(raw_send(r, &env), 0);
	rc = raw_recv(r, 10000, &in);
	cr_assert_eq(rc, 1, "no answer to resume (%d)", rc);
	cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
	cr_assert_null(in->response->error, "resume: %s", in->response->error->message);
	envelope_free(in);
}

/* ------------------------------------------------------------ text */

static char *repeat(const char *unit, size_t times)
{
	size_t ul = strlen(unit);
	char *s = malloc(ul * times + 1);

	cr_assert_not_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * times] = '\0';
	return s;
}

/* ------------------------------------------------------------ row senders */

typedef struct row row_t;
typedef void (*send_fn)(raw_conn_t *r);

static void s_http(raw_conn_t *r)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
	(void)raw_write(r, req, sizeof(req) - 1);
}

static void s_header(raw_conn_t *r, uint32_t len, size_t body_bytes, uint8_t fill)
{
	uint8_t *b = malloc(FRAME_HEADER_SIZE + body_bytes);

	cr_assert_not_null(b);
	frame_put_header(b, len);
	memset(b + FRAME_HEADER_SIZE, fill, body_bytes);
	(void)raw_write(r, b, FRAME_HEADER_SIZE + body_bytes);
	free(b);
}

static void s_truncated_frame(raw_conn_t *r)
{
	s_header(r, 100, 10, 0x0a);
}
static void s_truncated_header(raw_conn_t *r)
{
	(void)raw_write(r, "\0\0", 2);
}
static void s_len0(raw_conn_t *r)
{
	s_header(r, 0, 0, 0);
}
static void s_len_ffffffff(raw_conn_t *r)
{
	s_header(r, 0xffffffffu, 3, 'x');
}
static void s_len_over_max(raw_conn_t *r)
{
	s_header(r, F.max_frame + 1, 8, 0);
}
static void s_len_over_preauth(raw_conn_t *r)
{
	s_header(r, F.max_frame_preauth + 1, 100, 'A');
}
/* Exactly the pre-login limit: the length is accepted, the body is junk. */
static void s_len_at_preauth(raw_conn_t *r)
{
	s_header(r, F.max_frame_preauth, F.max_frame_preauth, 0xff);
}
static void s_not_protobuf(raw_conn_t *r)
{
	s_header(r, 16, 16, 0xff);
}

static void s_truncated_varint(raw_conn_t *r)
{
	bb_t p = {0};
	static const uint8_t b[] = {0x08, 0xff, 0xff, 0xff}; /* varint without its end */

	bb_put(&p, b, sizeof(b));
	send_raw_payload(r, &p);
	bb_free(&p);
}

static void s_sub_overrun(raw_conn_t *r)
{
	bb_t p = {0};
	static const uint8_t b[] = {0x1a, 100, 0x08,
	                            0x01}; /* request: 100 bytes announced, 2 there */

	bb_put(&p, b, sizeof(b));
	send_raw_payload(r, &p);
	bb_free(&p);
}

static void s_unknown_kind(raw_conn_t *r)
{
	bb_t p = {0}, empty = {0};

	pb_sub(&p, 9, &empty); /* Envelope field 9: no such kind */
	send_raw_payload(r, &p);
	bb_free(&p);
}

static void s_no_kind(raw_conn_t *r)
{
	bb_t p = {0};

	pb_uint(&p, 100, 1); /* an unknown field only */
	send_raw_payload(r, &p);
	bb_free(&p);
}

static void s_welcome(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Welcome w = QUARTIER__V1__WELCOME__INIT;

	w.protocol_version = 1;
	w.server_name = "impostor";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_WELCOME;
	env.welcome = &w;
	send_env(r, &env);
}

static void s_response(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Response resp = QUARTIER__V1__RESPONSE__INIT;
	Quartier__V1__Empty e = QUARTIER__V1__EMPTY__INIT;

	resp.id = 5;
	resp.body_case = QUARTIER__V1__RESPONSE__BODY_EMPTY;
	resp.empty = &e;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_RESPONSE;
	env.response = &resp;
	send_env(r, &env);
}

static void s_event(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Event ev = QUARTIER__V1__EVENT__INIT;

	ev.has_overflow = 1;
	ev.overflow = 1;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_EVENT;
	env.event = &ev;
	send_env(r, &env);
}

static void s_goodbye(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Goodbye bye = QUARTIER__V1__GOODBYE__INIT;
	Quartier__V1__Error err;

	envelope_error_set(&err, QT_OK, "bye", NULL);
	bye.error = &err;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_GOODBYE;
	env.goodbye = &bye;
	send_env(r, &env);
}

static void s_ping(raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Ping ping = QUARTIER__V1__PING__INIT;

	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
	env.ping = &ping;
	send_env(r, &env);
}

static void s_hello_with(raw_conn_t *r, uint32_t version, char *name, char *instance)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;

	hello.protocol_version = version;
	hello.client_name = name;
	hello.client_instance_id = instance;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	send_env(r, &env);
}

static void s_hello(raw_conn_t *r)
{
	s_hello_with(r, QT_PROTOCOL_VERSION, "hostile", "hostile-1");
}
static void s_hello_v2(raw_conn_t *r)
{
	s_hello_with(r, 2, "hostile", "hostile-1");
}
static void s_hello_bad_utf8(raw_conn_t *r)
{
	s_hello_with(r, 1, "caf\xc3\x28", "hostile-1");
}
static void s_hello_empty_instance(raw_conn_t *r)
{
	s_hello_with(r, 1, "hostile", "");
}

static void s_hello_long_name(raw_conn_t *r)
{
	char *name = repeat("n", 129);
	s_hello_with(r, 1, name, "hostile-1");
	free(name);
}

static void s_hello_missing_instance(raw_conn_t *r)
{
	bb_t hello = {0}, env = {0};

	pb_uint(&hello, 1, 1);
	pb_bytes(&hello, 2, "hostile", 7); /* client_instance_id (required) missing */
	pb_sub(&env, 1, &hello);
	send_raw_payload(r, &env);
	bb_free(&hello);
	bb_free(&env);
}

static void s_project_list(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectListRequest pl = QUARTIER__V1__PROJECT_LIST_REQUEST__INIT;

	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_LIST;
	rq.project_list = &pl;
	send_request(r, &rq);
}

static void s_login_with(raw_conn_t *r, char *login, char *password)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;

	lr.login = login;
	lr.password = password;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	rq.login = &lr;
	send_request(r, &rq);
}

static void s_login_unknown(raw_conn_t *r)
{
	s_login_with(r, "nobody", HARNESS_PASSWORD);
}
static void s_login_wrong(raw_conn_t *r)
{
	s_login_with(r, "admin", "wrong password!");
}
static void s_login_inject(raw_conn_t *r)
{
	s_login_with(r, "admin' OR '1'='1' --", "x' OR '1'='1");
}
static void s_login_bad_utf8(raw_conn_t *r)
{
	s_login_with(r,
	             "adm\xff"
	             "in",
	             HARNESS_PASSWORD);
}

static void s_login_long_password(raw_conn_t *r)
{
	char *pw = repeat("p", 1025);
	s_login_with(r, "admin", pw);
	free(pw);
}

static void s_resume_bad_token(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ResumeRequest res = QUARTIER__V1__RESUME_REQUEST__INIT;

	res.token = "'; DELETE FROM session; --";
	rq.body_case = QUARTIER__V1__REQUEST__BODY_RESUME;
	rq.resume = &res;
	send_request(r, &rq);
}

static void s_no_body(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	send_request(r, &rq);
}

static void s_unknown_body(raw_conn_t *r)
{
	bb_t body = {0};
	send_raw_request(r, 999, &body);
}

static void s_request_without_id(raw_conn_t *r)
{
	bb_t get = {0}, rq = {0}, env = {0};

	pb_uint(&get, 1, 1);
	pb_sub(&rq, 31, &get); /* project_get, but no Request.id */
	pb_sub(&env, 3, &rq);
	send_raw_payload(r, &env);
	bb_free(&get);
	bb_free(&rq);
	bb_free(&env);
}

static void s_create_without_name(raw_conn_t *r)
{
	bb_t body = {0};

	pb_uint(&body, 2, 2); /* kind = focused; name (required) missing */
	pb_uint(&body, 3, (uint64_t)F.quarter);
	pb_uint(&body, 4, (uint64_t)F.office);
	send_raw_request(r, 30, &body);
	bb_free(&body);
}

static void s_get_id_as_string(raw_conn_t *r)
{
	bb_t body = {0};

	pb_bytes(&body, 1, "1", 1); /* int64 id sent length-delimited */
	send_raw_request(r, 31, &body);
	bb_free(&body);
}

static void s_create_name_as_varint(raw_conn_t *r)
{
	bb_t body = {0};

	pb_uint(&body, 1, 12345); /* string name sent as a varint */
	pb_uint(&body, 2, 2);
	pb_uint(&body, 3, (uint64_t)F.quarter);
	pb_uint(&body, 4, (uint64_t)F.office);
	send_raw_request(r, 30, &body);
	bb_free(&body);
}

/* A name with a NUL byte in the middle: C strings would silently cut it. */
static void s_create_name_with_nul(raw_conn_t *r)
{
	bb_t body = {0};
	static const char name[] = "Stadtteil\0DROP TABLE project";

	pb_bytes(&body, 1, name, sizeof(name) - 1);
	pb_uint(&body, 2, 2);
	pb_uint(&body, 3, (uint64_t)F.quarter);
	pb_uint(&body, 4, (uint64_t)F.office);
	send_raw_request(r, 30, &body);
	bb_free(&body);
}

static void s_get_with(raw_conn_t *r, int64_t id)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectGetRequest g = QUARTIER__V1__PROJECT_GET_REQUEST__INIT;

	g.id = id;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_GET;
	rq.project_get = &g;
	send_request(r, &rq);
}

static void s_get_negative(raw_conn_t *r)
{
	s_get_with(r, -5);
}
static void s_get_zero(raw_conn_t *r)
{
	s_get_with(r, 0);
}
static void s_get_max(raw_conn_t *r)
{
	s_get_with(r, INT64_MAX);
}

/* project_create with everything valid, then one thing changed by fix. */
static void s_create_fixed(raw_conn_t *r, void (*fix)(Quartier__V1__ProjectCreateRequest *pc))
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectCreateRequest pc = QUARTIER__V1__PROJECT_CREATE_REQUEST__INIT;
	int64_t q[1] = {F.quarter}, o[1] = {F.office};

	pc.name = "Feindliche Eingabe";
	pc.kind = QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
	pc.n_quarter_ids = 1;
	pc.quarter_ids = q;
	pc.n_lead_office_ids = 1;
	pc.lead_office_ids = o;
	fix(&pc);
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE;
	rq.project_create = &pc;
	send_request(r, &rq);
	if (pc.quarter_ids != q)
		free(pc.quarter_ids);
}

static char *long_text; /* 20,001 characters */
static char *name_201;  /* 201 characters, two bytes each */

static void f_kind99(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->kind = 99;
}
static void f_quarter_unknown(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->quarter_ids[0] = 987654321;
}
static void f_quarter_negative(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->quarter_ids[0] = -1;
}
static void f_many_quarters(Quartier__V1__ProjectCreateRequest *pc, size_t n)
{
	pc->quarter_ids = calloc(n, sizeof(int64_t));
	cr_assert_not_null(pc->quarter_ids);
	for (size_t i = 0; i < n; i++)
		pc->quarter_ids[i] = F.quarter;
	pc->n_quarter_ids = n;
}
static void f_51_quarters(Quartier__V1__ProjectCreateRequest *pc)
{
	f_many_quarters(pc, 51);
}
static void f_100k_quarters(Quartier__V1__ProjectCreateRequest *pc)
{
	f_many_quarters(pc, 100000);
}
static void f_name_overlong_utf8(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->name = "A\xc0\x80Z";
}
static void f_name_surrogate(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->name = "A\xed\xa0\x80Z";
}
static void f_name_truncated_utf8(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->name = "Stra\xc3";
}
static void f_name_long(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->name = name_201;
}
static void f_name_empty(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->name = "";
}
static void f_name_escape(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->name = "Name\x1b[2J";
}
static void f_description_long(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->description = long_text;
}
static void f_end_before_start(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->start_date = "2026-05-01";
	pc->end_date = "2026-04-30";
}
static void f_feb_30(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->start_date = "2023-02-29";
}
static void f_year_1899(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->start_date = "1899-12-31";
}
static void f_year_2200(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->end_date = "2200-01-01";
}
static void f_date_shape(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->start_date = "2024-1-01";
}
static void f_date_inject(Quartier__V1__ProjectCreateRequest *pc)
{
	pc->start_date = "2024-01-01'::date; --";
}

#define CREATE_ROW(fn, fix)                                                                        \
	static void fn(raw_conn_t *r)                                                              \
	{                                                                                          \
		s_create_fixed(r, fix);                                                            \
	}
CREATE_ROW(s_kind99, f_kind99)
CREATE_ROW(s_quarter_unknown, f_quarter_unknown)
CREATE_ROW(s_quarter_negative, f_quarter_negative)
CREATE_ROW(s_51_quarters, f_51_quarters)
CREATE_ROW(s_100k_quarters, f_100k_quarters)
CREATE_ROW(s_name_overlong_utf8, f_name_overlong_utf8)
CREATE_ROW(s_name_surrogate, f_name_surrogate)
CREATE_ROW(s_name_truncated_utf8, f_name_truncated_utf8)
CREATE_ROW(s_name_long, f_name_long)
CREATE_ROW(s_name_empty, f_name_empty)
CREATE_ROW(s_name_escape, f_name_escape)
CREATE_ROW(s_description_long, f_description_long)
CREATE_ROW(s_end_before_start, f_end_before_start)
CREATE_ROW(s_feb_30, f_feb_30)
CREATE_ROW(s_year_1899, f_year_1899)
CREATE_ROW(s_year_2200, f_year_2200)
CREATE_ROW(s_date_shape, f_date_shape)
CREATE_ROW(s_date_inject, f_date_inject)

static void s_fund_entry(raw_conn_t *r, Quartier__V1__FundEntryKind kind, int64_t amount)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundEntryAddRequest fe = QUARTIER__V1__FUND_ENTRY_ADD_REQUEST__INIT;

	fe.fund_id = F.fund;
	fe.kind = kind;
	fe.amount_cents = amount;
	if (kind == QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_CORRECTION) {
		fe.has_corrects_id = 1;
		fe.corrects_id = 1;
		fe.note = "correction";
	}
	rq.body_case = QUARTIER__V1__REQUEST__BODY_FUND_ENTRY_ADD;
	rq.fund_entry_add = &fe;
	send_request(r, &rq);
}

#define ALLOC QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_ALLOCATION
#define CORR  QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_CORRECTION
static void s_amount_negative(raw_conn_t *r)
{
	s_fund_entry(r, ALLOC, -1);
}
static void s_amount_zero(raw_conn_t *r)
{
	s_fund_entry(r, ALLOC, 0);
}
static void s_amount_int64_max(raw_conn_t *r)
{
	s_fund_entry(r, ALLOC, INT64_MAX);
}
static void s_amount_over_limit(raw_conn_t *r)
{
	s_fund_entry(r, ALLOC, 1000000000001LL);
}
static void s_amount_int64_min(raw_conn_t *r)
{
	s_fund_entry(r, CORR, INT64_MIN);
}
static void s_amount_kind_unknown(raw_conn_t *r)
{
	s_fund_entry(r, 42, 100);
}

static void s_fund_year(raw_conn_t *r, int32_t year)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundCreateRequest fc = QUARTIER__V1__FUND_CREATE_REQUEST__INIT;

	fc.project_id = F.project;
	fc.year = year;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_FUND_CREATE;
	rq.fund_create = &fc;
	send_request(r, &rq);
}
static void s_fund_year_1899(raw_conn_t *r)
{
	s_fund_year(r, 1899);
}
static void s_fund_year_int_min(raw_conn_t *r)
{
	s_fund_year(r, INT32_MIN);
}

static void s_meeting(raw_conn_t *r, int64_t starts, int has_ends, int64_t ends)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingCreateRequest mc = QUARTIER__V1__MEETING_CREATE_REQUEST__INIT;

	mc.title = "AGSP";
	mc.starts_at = starts;
	mc.has_ends_at = has_ends;
	mc.ends_at = ends;
	mc.has_organiser_office_id = 1;
	mc.organiser_office_id = F.office;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_CREATE;
	rq.meeting_create = &mc;
	send_request(r, &rq);
}
static void s_meeting_reversed(raw_conn_t *r)
{
	s_meeting(r, 1780000000, 1, 1779990000);
}
static void s_meeting_max(raw_conn_t *r)
{
	s_meeting(r, INT64_MAX, 0, 0);
}
static void s_meeting_min(raw_conn_t *r)
{
	s_meeting(r, INT64_MIN, 0, 0);
}

static void s_goal(raw_conn_t *r, char *target, char *due)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalCreateRequest g = QUARTIER__V1__GOAL_CREATE_REQUEST__INIT;

	g.project_id = F.project;
	g.statement = "Mehr Nachbarschaftstreffen";
	g.indicator = "Treffen pro Jahr";
	g.target_value = target;
	g.unit = "Treffen";
	g.due_date = due;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_CREATE;
	rq.goal_create = &g;
	send_request(r, &rq);
}
static void s_goal_exponent(raw_conn_t *r)
{
	s_goal(r, "1e5", "2027-12-31");
}
static void s_goal_overflow(raw_conn_t *r)
{
	s_goal(r, "999999999999999", "2027-12-31");
}
static void s_goal_nan(raw_conn_t *r)
{
	s_goal(r, "NaN", "2027-12-31");
}
static void s_goal_due_range(raw_conn_t *r)
{
	s_goal(r, "12", "0000-01-01");
}

static void s_progress_reversed(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressSubmitRequest ps = QUARTIER__V1__PROGRESS_SUBMIT_REQUEST__INIT;

	ps.project_id = F.project;
	ps.period_from = "2025-07-01";
	ps.period_to = "2025-06-30";
	ps.narrative = "Bericht";
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_SUBMIT;
	rq.progress_submit = &ps;
	send_request(r, &rq);
}

static void s_sync_bad_cursor(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncPullRequest sp = QUARTIER__V1__SYNC_PULL_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;

	cur.epoch = "'; TRUNCATE change_log; --";
	cur.xid = UINT64_MAX;
	cur.seq = UINT64_MAX;
	sp.cursor = &cur;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_PULL;
	rq.sync_pull = &sp;
	send_request(r, &rq);
}

static void s_person_email_inject(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonCreateRequest pc = QUARTIER__V1__PERSON_CREATE_REQUEST__INIT;

	pc.name = "Erika Mustermann";
	pc.email = "x'@example.org; DROP TABLE person; --";
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_CREATE;
	rq.person_create = &pc;
	send_request(r, &rq);
}

/* ------------------------------------------------------------ injection rows (stored) */

static void s_inj_project(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectCreateRequest pc = QUARTIER__V1__PROJECT_CREATE_REQUEST__INIT;
	int64_t q[1] = {F.quarter}, o[1] = {F.office};

	pc.name = INJ;
	pc.description = INJ2 "\n" INJ3;
	pc.kind = QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
	pc.n_quarter_ids = 1;
	pc.quarter_ids = q;
	pc.n_lead_office_ids = 1;
	pc.lead_office_ids = o;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE;
	rq.project_create = &pc;
	send_request(r, &rq);
}

static void s_inj_person(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonCreateRequest pc = QUARTIER__V1__PERSON_CREATE_REQUEST__INIT;

	pc.name = INJ2;
	pc.function = INJ3;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_CREATE;
	rq.person_create = &pc;
	send_request(r, &rq);
}

static void s_inj_fund_entry(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundEntryAddRequest fe = QUARTIER__V1__FUND_ENTRY_ADD_REQUEST__INIT;

	fe.fund_id = F.fund;
	fe.kind = QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_COMMITMENT;
	fe.amount_cents = 100;
	fe.applicant = INJ;
	fe.purpose = INJ2;
	fe.decided_in = INJ3;
	fe.note = "'||(SELECT password_hash FROM account LIMIT 1)||'";
	rq.body_case = QUARTIER__V1__REQUEST__BODY_FUND_ENTRY_ADD;
	rq.fund_entry_add = &fe;
	send_request(r, &rq);
}

static void s_inj_meeting(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingCreateRequest mc = QUARTIER__V1__MEETING_CREATE_REQUEST__INIT;

	mc.title = INJ3;
	mc.place = INJ;
	mc.starts_at = 1780000000;
	mc.has_organiser_office_id = 1;
	mc.organiser_office_id = F.office;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_CREATE;
	rq.meeting_create = &mc;
	send_request(r, &rq);
}

static void s_inj_agenda(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AgendaProposeRequest ap = QUARTIER__V1__AGENDA_PROPOSE_REQUEST__INIT;

	ap.title = INJ2;
	ap.description = INJ "\n" INJ3;
	ap.origin = QUARTIER__V1__AGENDA_ORIGIN__AGENDA_ORIGIN_TOP_DOWN;
	ap.has_origin_office_id = 1;
	ap.origin_office_id = F.office;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_AGENDA_PROPOSE;
	rq.agenda_propose = &ap;
	send_request(r, &rq);
}

static void s_inj_goal(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalCreateRequest g = QUARTIER__V1__GOAL_CREATE_REQUEST__INIT;

	g.project_id = F.project;
	g.statement = INJ;
	g.indicator = INJ2;
	g.target_value = "12.5";
	g.unit = INJ;
	g.due_date = "2027-12-31";
	g.note = INJ3;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_CREATE;
	rq.goal_create = &g;
	send_request(r, &rq);
}

static void s_inj_progress(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressSubmitRequest ps = QUARTIER__V1__PROGRESS_SUBMIT_REQUEST__INIT;

	ps.project_id = F.project;
	ps.period_from = "2025-01-01";
	ps.period_to = "2025-06-30";
	ps.narrative = INJ;
	ps.events = INJ2;
	ps.participation = INJ3;
	ps.topics = "');\nCOPY account TO '/tmp/x';--";
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_SUBMIT;
	rq.progress_submit = &ps;
	send_request(r, &rq);
}

static void s_inj_continuation(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ContinuationSetRequest cs = QUARTIER__V1__CONTINUATION_SET_REQUEST__INIT;
	Quartier__V1__ContinuationBlockPlan b = QUARTIER__V1__CONTINUATION_BLOCK_PLAN__INIT;
	Quartier__V1__ContinuationBlockPlan *bs[1] = {&b};

	b.block = QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_CITY_OVERALL_RESPONSIBILITY;
	b.responsible = INJ;
	b.tasks = INJ2;
	b.resources = INJ3;
	cs.project_id = F.project;
	cs.expected_version = 0;
	cs.summary = "\"; SELECT pg_sleep(10); --";
	cs.n_blocks = 1;
	cs.blocks = bs;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_CONTINUATION_SET;
	rq.continuation_set = &cs;
	send_request(r, &rq);
}

static void s_inj_project_filter(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectListRequest pl = QUARTIER__V1__PROJECT_LIST_REQUEST__INIT;

	pl.district = "' OR '1'='1";
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_LIST;
	rq.project_list = &pl;
	send_request(r, &rq);
}

static void s_inj_person_filter(raw_conn_t *r)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonListRequest pl = QUARTIER__V1__PERSON_LIST_REQUEST__INIT;

	pl.name = "%') OR ('a'='a";
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_LIST;
	rq.person_list = &pl;
	send_request(r, &rq);
}

/* ------------------------------------------------------------ checks of stored rows */

/* Every (sql, text) pair: the query with $1 = text counts exactly one row. */
typedef struct stored {
	const char *sql;
	const char *text;
} stored_t;

#define MAX_STORED 6

static int resp_no_persons(const Quartier__V1__Response *resp)
{
	return resp->body_case == QUARTIER__V1__RESPONSE__BODY_PERSON_LIST &&
	       resp->person_list->n_persons == 0;
}

/* ------------------------------------------------------------ the table */

typedef enum {
	AT_TCP,   /* plain TCP, no TLS */
	AT_TLS,   /* TLS up, nothing sent */
	AT_HELLO, /* hello and welcome done */
	AT_LOGIN, /* logged in as admin (resume) */
} stage_t;

typedef enum {
	EXP_GOODBYE, /* a Goodbye with `status`, then the server closes */
	EXP_ANSWER,  /* an error answer with `status` and `field`; the connection stays */
	EXP_OK,      /* a successful answer (check() holds); stored[] rows exist verbatim */
	EXP_CLOSED,  /* the client stops mid-frame; the server closes cleanly */
	EXP_CUSTOM,  /* run() does everything */
} expect_t;

struct row {
	const char *name;
	stage_t stage;
	send_fn send;
	expect_t expect;
	qt_status_t status;
	const char *field; /* EXP_ANSWER: the field named, or NULL for none */
	int (*check)(const Quartier__V1__Response *resp);
	stored_t stored[MAX_STORED];
	void (*run)(raw_conn_t *r);
};

static void plain_tcp_garbage(raw_conn_t *unused);
static void pipeline_10000(raw_conn_t *r);

#define SQL_COUNT(table, col) "SELECT count(*) FROM " table " WHERE " col " = $1"

#define GOODBYE(n, at, fn, st)                                                                     \
	{                                                                                          \
		.name = n, .stage = at, .send = fn, .expect = EXP_GOODBYE, .status = st            \
	}
#define ANSWER(n, at, fn, st, fld)                                                                 \
	{                                                                                          \
		.name = n, .stage = at, .send = fn, .expect = EXP_ANSWER, .status = st,            \
		.field = fld                                                                       \
	}
#define CLOSED(n, at, fn)                                                                          \
	{                                                                                          \
		.name = n, .stage = at, .send = fn, .expect = EXP_CLOSED                           \
	}
#define CHECKED(n, at, fn, chk)                                                                    \
	{                                                                                          \
		.name = n, .stage = at, .send = fn, .expect = EXP_OK, .check = chk                 \
	}
#define STORED(n, at, fn, ...)                                                                     \
	{                                                                                          \
		.name = n, .stage = at, .send = fn, .expect = EXP_OK, .stored = { __VA_ARGS__ }    \
	}
#define CUSTOM(n, at, fn)                                                                          \
	{                                                                                          \
		.name = n, .stage = at, .expect = EXP_CUSTOM, .run = fn                            \
	}

static const row_t rows[] = {
    /* transport and framing */
    CUSTOM("plain TCP bytes that are not TLS", AT_TCP, plain_tcp_garbage),
    GOODBYE("HTTP request inside TLS before hello", AT_TLS, s_http, QT_RESOURCE_EXHAUSTED),
    CLOSED("truncated frame, then the client closes", AT_HELLO, s_truncated_frame),
    CLOSED("truncated length prefix, then the client closes", AT_HELLO, s_truncated_header),
    GOODBYE("length 0", AT_HELLO, s_len0, QT_PROTOCOL_ERROR),
    GOODBYE("length 0xFFFFFFFF", AT_HELLO, s_len_ffffffff, QT_RESOURCE_EXHAUSTED),
    GOODBYE("length max_frame + 1 after login", AT_LOGIN, s_len_over_max, QT_RESOURCE_EXHAUSTED),
    GOODBYE("length max_frame_preauth + 1 after hello", AT_HELLO, s_len_over_preauth,
            QT_RESOURCE_EXHAUSTED),
    GOODBYE("length max_frame_preauth + 1 before hello", AT_TLS, s_len_over_preauth,
            QT_RESOURCE_EXHAUSTED),
    GOODBYE("length max_frame_preauth exactly, junk body", AT_HELLO, s_len_at_preauth,
            QT_PROTOCOL_ERROR),
    GOODBYE("body that is not protobuf", AT_HELLO, s_not_protobuf, QT_PROTOCOL_ERROR),
    GOODBYE("varint cut off inside the body", AT_HELLO, s_truncated_varint, QT_PROTOCOL_ERROR),
    GOODBYE("sub-message longer than the frame", AT_HELLO, s_sub_overrun, QT_PROTOCOL_ERROR),
    GOODBYE("unknown envelope kind (field 9)", AT_HELLO, s_unknown_kind, QT_PROTOCOL_ERROR),
    GOODBYE("envelope without a kind", AT_HELLO, s_no_kind, QT_PROTOCOL_ERROR),
    GOODBYE("client sends a welcome", AT_HELLO, s_welcome, QT_PROTOCOL_ERROR),
    GOODBYE("client sends a response", AT_LOGIN, s_response, QT_PROTOCOL_ERROR),
    GOODBYE("client sends an event", AT_LOGIN, s_event, QT_PROTOCOL_ERROR),
    GOODBYE("client sends a goodbye", AT_HELLO, s_goodbye, QT_PROTOCOL_ERROR),
    /* handshake order */
    GOODBYE("request before hello", AT_TLS, s_project_list, QT_PROTOCOL_ERROR),
    GOODBYE("ping before hello", AT_TLS, s_ping, QT_PROTOCOL_ERROR),
    GOODBYE("second hello", AT_HELLO, s_hello, QT_PROTOCOL_ERROR),
    GOODBYE("hello without its required instance id", AT_TLS, s_hello_missing_instance,
            QT_PROTOCOL_ERROR),
    GOODBYE("hello of protocol version 2", AT_TLS, s_hello_v2, QT_UNSUPPORTED_VERSION),
    GOODBYE("hello with invalid UTF-8", AT_TLS, s_hello_bad_utf8, QT_INVALID_ARGUMENT),
    GOODBYE("hello with a 129-character client name", AT_TLS, s_hello_long_name,
            QT_INVALID_ARGUMENT),
    GOODBYE("hello with an empty instance id", AT_TLS, s_hello_empty_instance, QT_INVALID_ARGUMENT),
    /* before login */
    ANSWER("request before login", AT_HELLO, s_project_list, QT_UNAUTHENTICATED, NULL),
    ANSWER("change before login", AT_HELLO, s_inj_project, QT_UNAUTHENTICATED, NULL),
    ANSWER("login of an unknown account", AT_HELLO, s_login_unknown, QT_UNAUTHENTICATED, NULL),
    ANSWER("login with a wrong password", AT_HELLO, s_login_wrong, QT_UNAUTHENTICATED, NULL),
    ANSWER("login with SQL in login and password", AT_HELLO, s_login_inject, QT_UNAUTHENTICATED,
           NULL),
    ANSWER("login with invalid UTF-8", AT_HELLO, s_login_bad_utf8, QT_INVALID_ARGUMENT, "login"),
    ANSWER("login with a 1025-byte password", AT_HELLO, s_login_long_password, QT_INVALID_ARGUMENT,
           "password"),
    ANSWER("resume with a token that is SQL", AT_HELLO, s_resume_bad_token, QT_UNAUTHENTICATED,
           "token"),
    /* request structure */
    ANSWER("request without a body", AT_LOGIN, s_no_body, QT_INVALID_ARGUMENT, "request.body"),
    ANSWER("request with an unknown body (field 999)", AT_LOGIN, s_unknown_body,
           QT_INVALID_ARGUMENT, "request.body"),
    GOODBYE("request without its required id", AT_LOGIN, s_request_without_id, QT_PROTOCOL_ERROR),
    GOODBYE("project_create without its required name", AT_LOGIN, s_create_without_name,
            QT_PROTOCOL_ERROR),
    GOODBYE("id of the wrong wire type (string for int64)", AT_LOGIN, s_get_id_as_string,
            QT_PROTOCOL_ERROR),
    GOODBYE("text of the wrong wire type (varint for string)", AT_LOGIN, s_create_name_as_varint,
            QT_PROTOCOL_ERROR),
    GOODBYE("text with a NUL byte", AT_LOGIN, s_create_name_with_nul, QT_PROTOCOL_ERROR),
    /* values */
    ANSWER("negative id", AT_LOGIN, s_get_negative, QT_INVALID_ARGUMENT, "id"),
    ANSWER("id 0", AT_LOGIN, s_get_zero, QT_INVALID_ARGUMENT, "id"),
    ANSWER("id INT64_MAX", AT_LOGIN, s_get_max, QT_NOT_FOUND, "id"),
    ANSWER("unknown enum value (kind 99)", AT_LOGIN, s_kind99, QT_INVALID_ARGUMENT, "kind"),
    ANSWER("id of no quarter", AT_LOGIN, s_quarter_unknown, QT_INVALID_ARGUMENT, "quarter_ids"),
    ANSWER("negative id in a list", AT_LOGIN, s_quarter_negative, QT_INVALID_ARGUMENT,
           "quarter_ids"),
    ANSWER("51 quarters (limit 50)", AT_LOGIN, s_51_quarters, QT_INVALID_ARGUMENT, "quarter_ids"),
    ANSWER("100,000 quarters in one request", AT_LOGIN, s_100k_quarters, QT_INVALID_ARGUMENT,
           "quarter_ids"),
    ANSWER("overlong UTF-8 encoding", AT_LOGIN, s_name_overlong_utf8, QT_INVALID_ARGUMENT, "name"),
    ANSWER("UTF-8 surrogate", AT_LOGIN, s_name_surrogate, QT_INVALID_ARGUMENT, "name"),
    ANSWER("UTF-8 cut off at the end", AT_LOGIN, s_name_truncated_utf8, QT_INVALID_ARGUMENT,
           "name"),
    ANSWER("name of 201 characters (limit 200)", AT_LOGIN, s_name_long, QT_INVALID_ARGUMENT,
           "name"),
    ANSWER("empty required text", AT_LOGIN, s_name_empty, QT_INVALID_ARGUMENT, "name"),
    ANSWER("terminal escape in a name", AT_LOGIN, s_name_escape, QT_INVALID_ARGUMENT, "name"),
    ANSWER("description of 20,001 characters", AT_LOGIN, s_description_long, QT_INVALID_ARGUMENT,
           "description"),
    ANSWER("end date before start date", AT_LOGIN, s_end_before_start, QT_INVALID_ARGUMENT,
           "end_date"),
    ANSWER("29 February of a common year", AT_LOGIN, s_feb_30, QT_INVALID_ARGUMENT, "start_date"),
    ANSWER("date in 1899", AT_LOGIN, s_year_1899, QT_INVALID_ARGUMENT, "start_date"),
    ANSWER("date in 2200", AT_LOGIN, s_year_2200, QT_INVALID_ARGUMENT, "end_date"),
    ANSWER("date of the wrong shape", AT_LOGIN, s_date_shape, QT_INVALID_ARGUMENT, "start_date"),
    ANSWER("date with SQL after it", AT_LOGIN, s_date_inject, QT_INVALID_ARGUMENT, "start_date"),
    ANSWER("negative amount", AT_LOGIN, s_amount_negative, QT_INVALID_ARGUMENT, "amount_cents"),
    ANSWER("amount 0", AT_LOGIN, s_amount_zero, QT_INVALID_ARGUMENT, "amount_cents"),
    ANSWER("amount INT64_MAX", AT_LOGIN, s_amount_int64_max, QT_INVALID_ARGUMENT, "amount_cents"),
    ANSWER("amount 10^12 + 1 cents", AT_LOGIN, s_amount_over_limit, QT_INVALID_ARGUMENT,
           "amount_cents"),
    ANSWER("correction of INT64_MIN", AT_LOGIN, s_amount_int64_min, QT_INVALID_ARGUMENT,
           "amount_cents"),
    ANSWER("unknown booking kind", AT_LOGIN, s_amount_kind_unknown, QT_INVALID_ARGUMENT, "kind"),
    ANSWER("fund year 1899", AT_LOGIN, s_fund_year_1899, QT_INVALID_ARGUMENT, "year"),
    ANSWER("fund year INT32_MIN", AT_LOGIN, s_fund_year_int_min, QT_INVALID_ARGUMENT, "year"),
    ANSWER("meeting ending before it starts", AT_LOGIN, s_meeting_reversed, QT_INVALID_ARGUMENT,
           "ends_at"),
    ANSWER("meeting at INT64_MAX seconds", AT_LOGIN, s_meeting_max, QT_INVALID_ARGUMENT,
           "starts_at"),
    ANSWER("meeting at INT64_MIN seconds", AT_LOGIN, s_meeting_min, QT_INVALID_ARGUMENT,
           "starts_at"),
    ANSWER("decimal with an exponent", AT_LOGIN, s_goal_exponent, QT_INVALID_ARGUMENT,
           "target_value"),
    ANSWER("decimal of 15 digits (limit 14)", AT_LOGIN, s_goal_overflow, QT_INVALID_ARGUMENT,
           "target_value"),
    ANSWER("decimal NaN", AT_LOGIN, s_goal_nan, QT_INVALID_ARGUMENT, "target_value"),
    ANSWER("due date in year 0", AT_LOGIN, s_goal_due_range, QT_INVALID_ARGUMENT, "due_date"),
    ANSWER("reporting period reversed", AT_LOGIN, s_progress_reversed, QT_INVALID_ARGUMENT,
           "period_to"),
    ANSWER("cursor that is SQL", AT_LOGIN, s_sync_bad_cursor, QT_INVALID_ARGUMENT, "cursor"),
    ANSWER("e-mail address with SQL", AT_LOGIN, s_person_email_inject, QT_INVALID_ARGUMENT,
           "email"),
    /* SQL metacharacters in every text field: stored verbatim, never run */
    STORED("SQL in project name and description", AT_LOGIN, s_inj_project,
           {SQL_COUNT("project", "name"), INJ},
           {SQL_COUNT("project", "description"), INJ2 "\n" INJ3}),
    STORED("SQL in person name and function", AT_LOGIN, s_inj_person,
           {SQL_COUNT("person", "name"), INJ2}, {SQL_COUNT("person", "function"), INJ3}),
    STORED("SQL in every text of a fund booking", AT_LOGIN, s_inj_fund_entry,
           {SQL_COUNT("fund_entry", "applicant"), INJ}, {SQL_COUNT("fund_entry", "purpose"), INJ2},
           {SQL_COUNT("fund_entry", "decided_in"), INJ3},
           {SQL_COUNT("fund_entry", "note"), "'||(SELECT password_hash FROM account LIMIT 1)||'"}),
    STORED("SQL in meeting title and place", AT_LOGIN, s_inj_meeting,
           {SQL_COUNT("meeting", "title"), INJ3}, {SQL_COUNT("meeting", "place"), INJ}),
    STORED("SQL in agenda item title and description", AT_LOGIN, s_inj_agenda,
           {SQL_COUNT("agenda_item", "title"), INJ2},
           {SQL_COUNT("agenda_item", "description"), INJ "\n" INJ3}),
    STORED("SQL in every text of a goal", AT_LOGIN, s_inj_goal,
           {SQL_COUNT("goal_version", "statement"), INJ},
           {SQL_COUNT("goal_version", "indicator"), INJ2}, {SQL_COUNT("goal_version", "unit"), INJ},
           {SQL_COUNT("goal_version", "note"), INJ3}),
    STORED("SQL in every text of a progress update", AT_LOGIN, s_inj_progress,
           {SQL_COUNT("progress_update", "narrative"), INJ},
           {SQL_COUNT("progress_update", "events"), INJ2},
           {SQL_COUNT("progress_update", "participation"), INJ3},
           {SQL_COUNT("progress_update", "topics"), "');\nCOPY account TO '/tmp/x';--"}),
    STORED("SQL in every text of a continuation plan", AT_LOGIN, s_inj_continuation,
           {SQL_COUNT("continuation_block", "responsible"), INJ},
           {SQL_COUNT("continuation_block", "tasks"), INJ2},
           {SQL_COUNT("continuation_block", "resources"), INJ3},
           {SQL_COUNT("continuation", "summary"), "\"; SELECT pg_sleep(10); --"}),
    ANSWER("SQL in the district filter", AT_LOGIN, s_inj_project_filter, QT_INVALID_ARGUMENT,
           "district"),
    CHECKED("SQL and LIKE wildcards in the name filter", AT_LOGIN, s_inj_person_filter,
            resp_no_persons),
    /* load */
    CUSTOM("10,000 pipelined requests without reading", AT_LOGIN, pipeline_10000),
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* ------------------------------------------------------------ custom rows */

static void plain_tcp_garbage(raw_conn_t *unused)
{
	struct sockaddr_in a;
	struct timeval tv = {.tv_sec = 5};
	char buf[256];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	(void)unused;
	cr_assert_geq(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(H.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	cr_assert_gt(send(fd, "HELO quartier\r\n\r\n", 17, MSG_NOSIGNAL), 0);
	/* Whatever the server sends (a TLS alert), it must close. */
	do {
		n = recv(fd, buf, sizeof(buf), 0);
	} while (n > 0);
	cr_expect(n == 0 || errno == ECONNRESET,
	          "the server did not close a non-TLS connection (%s)",
	          n < 0 ? strerror(errno) : "?");
	close(fd);
}

/* The frame of a project_get request with id. */
static void pack_get(bb_t *out, uint64_t id, int64_t project)
{
	bb_t get = {0}, rq = {0}, env = {0};

	pb_uint(&get, 1, (uint64_t)project);
	pb_uint(&rq, 1, id);
	pb_sub(&rq, 31, &get);
	pb_sub(&env, 3, &rq);
	pb_frame(out, &env);
	bb_free(&get);
	bb_free(&rq);
	bb_free(&env);
}

/* Writes n pipelined project_get requests without reading while the
 * server keeps taking them; when it stops taking them (back-pressure: its
 * output queue for us is full) for a while, starts reading too.  Every
 * request must be answered exactly once, successfully. */
static void pipeline_run(raw_conn_t *r, unsigned n, int *stalled_out, size_t *written_unread)
{
	bb_t all = {0};
	uint8_t *seen = calloc(n + 1, 1);
	size_t off = 0;
	unsigned answered = 0;
	int reading = 0, flags;
	uint64_t last_progress = mono_us(), deadline = mono_us() + 120u * 1000000u;
	uint8_t buf[16384];

	cr_assert_not_null(seen);
	for (unsigned i = 1; i <= n; i++)
		pack_get(&all, 1000000u + i, F.project);
	flags = fcntl(r->fd, F_GETFL);
	cr_assert_eq(fcntl(r->fd, F_SETFL, flags | O_NONBLOCK), 0);
	*stalled_out = 0;
	*written_unread = 0;
	while (answered < n) {
		struct pollfd p = {.fd = r->fd, .events = 0};
		int progressed = 0;

		cr_assert_lt(mono_us(), deadline,
		             "%u of %u answers after 120 s (%zu of %zu bytes sent)", answered, n,
		             off, all.n);
		if (off < all.n) {
			int w;
			ERR_clear_error();
			w = SSL_write(r->ssl, all.p + off,
			              (int)(all.n - off > 16384 ? 16384 : all.n - off));
			if (w > 0) {
				off += (size_t)w;
				progressed = 1;
			} else {
				int e = SSL_get_error(r->ssl, w);
				cr_assert(e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ,
				          "write failed after %zu bytes (ssl error %d)", off, e);
				p.events |= POLLOUT;
			}
		}
		if (!reading && off < all.n && mono_us() - last_progress > 3000000u) {
			/* The server has stopped reading from us: it holds answers
			 * we do not take.  Take them now. */
			*stalled_out = 1;
			*written_unread = off;
			reading = 1;
		}
		if (off == all.n)
			reading = 1;
		if (reading) {
			for (;;) {
				int k;
				ERR_clear_error();
				k = SSL_read(r->ssl, buf, sizeof(buf));
				if (k <= 0) {
					int e = SSL_get_error(r->ssl, k);
					cr_assert(
					    e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE,
					    "the connection failed after %u answers (ssl error %d)",
					    answered, e);
					p.events |= POLLIN;
					break;
				}
				progressed = 1;
				for (size_t pos = 0; pos < (size_t)k;) {
					const uint8_t *fr;
					uint32_t flen;
					size_t used;
					qt_status_t st =
					    frame_reader_feed(&r->reader, buf + pos,
					                      (size_t)k - pos, &used, &fr, &flen);
					qt_envelope_t *in;
					uint64_t id;

					cr_assert_eq(st, QT_OK);
					pos += used;
					if (fr == NULL)
						continue;
					in = envelope_unpack(fr, flen);
					cr_assert_not_null(in);
					cr_assert_eq(in->kind_case,
					             QUARTIER__V1__ENVELOPE__KIND_RESPONSE,
					             "kind %d after %u answers", (int)in->kind_case,
					             answered);
					cr_assert_null(in->response->error, "answer %u: %s",
					               answered, in->response->error->message);
					id = in->response->id;
					cr_assert(id > 1000000u && id <= 1000000u + n,
					          "unexpected id %llu", (unsigned long long)id);
					cr_assert_eq(seen[id - 1000000u], 0,
					             "id %llu answered twice",
					             (unsigned long long)id);
					seen[id - 1000000u] = 1;
					answered++;
					envelope_free(in);
				}
			}
		}
		if (progressed) {
			last_progress = mono_us();
			continue;
		}
		(void)poll(&p, 1, 100);
	}
	fcntl(r->fd, F_SETFL, flags);
	free(seen);
	bb_free(&all);
}

static void pipeline_10000(raw_conn_t *r)
{
	int stalled;
	size_t unread;

	pipeline_run(r, 10000, &stalled, &unread);
	cr_log_info("pipeline: 10000 answered; %s",
	            stalled ? "the server pushed back" : "no back-pressure needed");
}

/* ------------------------------------------------------------ running a row */

static void open_at(raw_conn_t *r, stage_t stage)
{
	raw_open(&H, r);
	if (stage >= AT_HELLO)
		raw_hello(r);
	if (stage >= AT_LOGIN)
		resume_raw(r);
}

static const char *goodbye_outcome(int got)
{
	switch (got) {
	case -1:
		return "a close without goodbye";
	case -2:
		return "nothing within 10 s";
	case -3:
		return "bytes that are not a frame";
	default:
		break;
	}
	return got >= 0 ? qt_status_name((qt_status_t)got) : "?";
}

/* Reads the answer to ROW_REQ_ID (skipping pings). */
static qt_envelope_t *read_answer(const row_t *row, raw_conn_t *r)
{
	for (;;) {
		qt_envelope_t *in = NULL;
		int rc = raw_recv(r, 20000, &in);

		cr_assert_eq(rc, 1, "%s: no answer (raw_recv %d)", row->name, rc);
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_PING ||
		    in->kind_case == QUARTIER__V1__ENVELOPE__KIND_PONG) {
			envelope_free(in);
			continue;
		}
		cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE,
		             "%s: got envelope kind %d (a goodbye: %s) instead of an answer",
		             row->name, (int)in->kind_case,
		             in->kind_case == QUARTIER__V1__ENVELOPE__KIND_GOODBYE
		                 ? in->goodbye->error->message
		                 : "-");
		cr_assert_eq(in->response->id, ROW_REQ_ID);
		return in;
	}
}

/* The connection is still served: a ping gets its pong. */
static void expect_still_open(const row_t *row, raw_conn_t *r)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Ping ping = QUARTIER__V1__PING__INIT;
	qt_envelope_t *in = NULL;

	ping.has_nonce = 1;
	ping.nonce = 4711;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
	env.ping = &ping;
	cr_assert_eq(raw_send(r, &env), 0, "%s: the connection was closed after an error answer",
	             row->name);
	cr_assert_eq(raw_recv(r, 10000, &in), 1, "%s: no pong after an error answer", row->name);
	cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_PONG, "%s", row->name);
	cr_assert_eq(in->pong->nonce, 4711);
	envelope_free(in);
}

/* Mismatches of the table, counted for its check line as well as
 * reported to Criterion. */
static unsigned row_mismatches;

#define ROW_EXPECT(cond, ...)                                                                      \
	do {                                                                                       \
		int ok_ = (cond);                                                                  \
		row_mismatches += !ok_;                                                            \
		cr_expect(ok_, __VA_ARGS__);                                                       \
	} while (0)
#define ROW_EXPECT_EQ(a, b, ...)     ROW_EXPECT((a) == (b), __VA_ARGS__)
#define ROW_EXPECT_NULL(p, ...)      ROW_EXPECT((p) == NULL, __VA_ARGS__)
#define ROW_EXPECT_NOT_NULL(p, ...)  ROW_EXPECT((p) != NULL, __VA_ARGS__)
#define ROW_EXPECT_STR_EQ(a, b, ...) ROW_EXPECT(strcmp((a), (b)) == 0, __VA_ARGS__)

static void run_row(const row_t *row, witness_t *w)
{
	raw_conn_t r;
	char *before, *after, changed[1024];
	unsigned long served = w->ok;

	before = db_checksum(&H);
	memset(&r, 0, sizeof(r));
	r.fd = -1;
	if (row->stage != AT_TCP)
		open_at(&r, row->stage);
	if (row->send != NULL)
		row->send(&r);

	switch (row->expect) {
	case EXP_GOODBYE: {
		int got = raw_expect_goodbye(&r, 10000);
		qt_envelope_t *more = NULL;
		ROW_EXPECT_EQ(got, (int)row->status, "%s: expected a goodbye with %s, got %s",
		              row->name, qt_status_name(row->status), goodbye_outcome(got));
		if (got >= 0)
			ROW_EXPECT_EQ(raw_recv(&r, 10000, &more), 0,
			              "%s: the connection stays open after the goodbye", row->name);
		envelope_free(more);
		break;
	}
	case EXP_ANSWER: {
		qt_envelope_t *in = read_answer(row, &r);
		const Quartier__V1__Error *e = in->response->error;
		ROW_EXPECT_NOT_NULL(e, "%s: succeeded, expected %s", row->name,
		                    qt_status_name(row->status));
		if (e != NULL) {
			ROW_EXPECT_EQ((int)e->status, (int)row->status,
			              "%s: expected %s, got %s (%s)", row->name,
			              qt_status_name(row->status),
			              qt_status_name((qt_status_t)e->status), e->message);
			if (row->field != NULL)
				ROW_EXPECT(harness_field_is(e->field, row->field),
				           "%s: expected field %s, got %s (%s)", row->name,
				           row->field, e->field != NULL ? e->field : "none",
				           e->message);
		}
		envelope_free(in);
		expect_still_open(row, &r);
		break;
	}
	case EXP_OK: {
		qt_envelope_t *in = read_answer(row, &r);
		ROW_EXPECT_NULL(in->response->error, "%s: %s (field %s)", row->name,
		                in->response->error ? in->response->error->message : "",
		                in->response->error && in->response->error->field
		                    ? in->response->error->field
		                    : "-");
		if (row->check != NULL && in->response->error == NULL)
			ROW_EXPECT(row->check(in->response), "%s: unexpected answer body",
			           row->name);
		envelope_free(in);
		break;
	}
	case EXP_CLOSED:
		/* The client goes away mid-frame; the witness below shows the
		 * server carried on. */
		break;
	case EXP_CUSTOM:
		row->run(&r);
		break;
	}
	if (r.fd >= 0)
		raw_close(&r);

	/* The database: unchanged, or exactly the rows this one stores. */
	after = db_checksum(&H);
	db_changed_tables(before, after, changed, sizeof(changed));
	if (row->stored[0].sql == NULL) {
		ROW_EXPECT_STR_EQ(before, after, "%s: the database changed (%s)", row->name,
		                  changed);
	} else {
		static const char *const untouchable[] = {
		    "account",      "district",          "quarter",  "office",
		    "organisation", "catalogue_version", "criterion"};
		for (size_t i = 0; i < sizeof(untouchable) / sizeof(untouchable[0]); i++) {
			char pat[64];
			snprintf(pat, sizeof(pat), ",%s,", untouchable[i]);
			char wrapped[1100];
			snprintf(wrapped, sizeof(wrapped), ",%s,", changed);
			ROW_EXPECT_NULL(strstr(wrapped, pat), "%s: table %s changed", row->name,
			                untouchable[i]);
		}
		for (int i = 0; i < MAX_STORED && row->stored[i].sql != NULL; i++)
			ROW_EXPECT_EQ(harness_sql_int(&H, row->stored[i].sql, 1,
			                              row->stored[i].text, NULL, NULL),
			              1, "%s: not stored verbatim: %s", row->name,
			              row->stored[i].text);
	}
	free(before);
	free(after);

	cr_assert(harness_server_alive(&H), "quartierd died after \"%s\"", row->name);
	ROW_EXPECT(witness_progress(w, served, 2, 10000),
	           "%s: the witness was not served (last error: %s)", row->name, w->last_error);
}

/* ------------------------------------------------------------ fixtures */

static void make_fixtures(void)
{
	qt_client_t *c = harness_login(&H, "admin", HARNESS_PASSWORD);
	int64_t qo[2];
	qt_project_new_t in;
	qt_project_t p;
	qt_fund_t fund;
	char *token = NULL;

	harness_project_in(&H, &in, "Quartier unter Beschuss", qo);
	F.quarter = qo[0];
	F.office = qo[1];
	cr_assert_eq(qt_project_create(c, &in, &p), QT_OK, "%s", qt_client_last_error(c)->message);
	F.project = p.id;
	qt_project_clear(&p);
	memset(&fund, 0, sizeof(fund));
	cr_assert_eq(qt_fund_create(c, F.project, 0, 2025, &fund), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	F.fund = fund.id;
	qt_fund_clear(&fund);
	{
		qt_fund_entry_new_t e;
		memset(&e, 0, sizeof(e));
		e.fund_id = F.fund;
		e.kind = QT_FUND_ALLOCATION;
		e.amount_cents = 500000;
		cr_assert_eq(qt_fund_entry_add(c, &e, NULL), QT_OK, "%s",
		             qt_client_last_error(c)->message);
	}
	qt_client_free(c);

	c = harness_connect(&H);
	cr_assert_eq(qt_login(c, "admin", HARNESS_PASSWORD, &token, NULL), QT_OK);
	snprintf(F.token, sizeof(F.token), "%s", token);
	free(token);
	F.max_frame = qt_client_max_frame(c);
	F.max_frame_preauth = 8192;
	qt_client_free(c);

	long_text = repeat("x", 20001);
	name_201 = repeat("\xc3\xa4", 201); /* "ä": 201 characters, 402 bytes */
}

Test(hostile, malformed_input_table)
{
	witness_t w;

	harness_standard(&H, "max_frame_preauth = 8192\n");
	make_fixtures();
	cr_assert_geq(NROWS, 30);
	witness_start(&w, &H, F.project, 5000);
	for (size_t i = 0; i < NROWS; i++) {
		/* QT_HOSTILE_ONLY=text runs only the rows whose name has it. */
		const char *only = getenv("QT_HOSTILE_ONLY");
		if (only != NULL && strstr(rows[i].name, only) == NULL)
			continue;
		run_row(&rows[i], &w);
	}
	witness_stop(&w);
	cr_expect_eq(w.failed, 0, "the witness saw %lu failures (last: %s)", w.failed,
	             w.last_error);
	cr_log_info("%zu rows; the witness had %lu answers, %lu failures", NROWS, w.ok, w.failed);
	check_line("hostile-input", row_mismatches == 0 && w.failed == 0,
	           "rows=%zu mismatches=%u witness_ok=%lu witness_failed=%lu", NROWS,
	           row_mismatches, w.ok, w.failed);
	free(long_text);
	free(name_201);
	harness_finish(&H);
}

/* ------------------------------------------------------------ limits */

/* Waits up to 10 s until the metrics page shows want open connections. */
static void wait_open_connections(uint16_t mport, long long want)
{
	long long v = -1;

	for (int i = 0; i < 200; i++) {
		v = metric_value(mport, "quartier_connections_open");
		if (v == want)
			return;
		harness_sleep_ms(50);
	}
	cr_assert_fail("%lld connections open, expected %lld", v, want);
}

Test(hostile, connections_per_address_limit)
{
	uint16_t mport = free_tcp_port();
	char cfg[256];
	raw_conn_t a[4], b;
	qt_client_t *c;

	snprintf(cfg, sizeof(cfg), "metrics_port = %u\nmax_connections_per_address = 4\n",
	         (unsigned)mport);
	harness_standard(&H, cfg);
	wait_open_connections(mport, 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(raw_open_ex(&H, &a[i], "127.0.0.2", 0, 0), 0, "connection %d refused",
		             i);
		cr_assert_eq(raw_try_hello(&a[i]), 0);
	}
	/* The fifth from the same address is closed at accept. */
	cr_assert_eq(raw_open_ex(&H, &b, "127.0.0.2", 0, 0), -1,
	             "a fifth connection from 127.0.0.2 was accepted");
	cr_expect_eq(metric_value(mport, "quartier_connections_refused_per_address_total"), 1);
	cr_expect_eq(metric_value(mport, "quartier_connections_refused_total"), 1);
	/* Other addresses are served as before. */
	cr_assert_eq(raw_open_ex(&H, &b, "127.0.0.3", 0, 0), 0, "127.0.0.3 was refused");
	cr_assert_eq(raw_try_hello(&b), 0);
	raw_close(&b);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	cr_assert_eq(qt_ping(c), QT_OK);
	qt_client_free(c);
	/* A closed connection gives its slot back. */
	raw_close(&a[0]);
	wait_open_connections(mport, 3);
	cr_assert_eq(raw_open_ex(&H, &a[0], "127.0.0.2", 0, 0), 0,
	             "127.0.0.2 still refused after one of its connections closed");
	cr_assert_eq(raw_try_hello(&a[0]), 0);
	cr_expect_eq(metric_value(mport, "quartier_connections_refused_per_address_total"), 1);
	for (int i = 0; i < 4; i++)
		raw_close(&a[i]);
	harness_finish(&H);
}

Test(hostile, connections_overall_limit)
{
	enum { MAX = 8 };
	uint16_t mport = free_tcp_port();
	char cfg[256];
	raw_conn_t a[MAX], b;

	snprintf(cfg, sizeof(cfg), "metrics_port = %u\nmax_connections = %d\n", (unsigned)mport,
	         MAX);
	harness_standard(&H, cfg);
	wait_open_connections(mport, 0);
	for (int i = 0; i < MAX; i++) {
		/* Spread over addresses: the overall limit is what bites. */
		char src[32];
		snprintf(src, sizeof(src), "127.0.1.%d", i + 1);
		cr_assert_eq(raw_open_ex(&H, &a[i], src, 0, 0), 0, "connection %d refused", i);
		cr_assert_eq(raw_try_hello(&a[i]), 0);
	}
	cr_assert_eq(raw_open_ex(&H, &b, "127.0.1.100", 0, 0), -1,
	             "connection %d of %d was accepted", MAX + 1, MAX);
	cr_expect_eq(metric_value(mport, "quartier_connections_refused_total"), 1);
	cr_expect_eq(metric_value(mport, "quartier_connections_refused_per_address_total"), 0);
	/* The accepted ones are still served. */
	for (int i = 0; i < MAX; i++) {
		Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
		Quartier__V1__Ping ping = QUARTIER__V1__PING__INIT;
		qt_envelope_t *in = NULL;
		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
		env.ping = &ping;
		cr_assert_eq(raw_send(&a[i], &env), 0);
		cr_assert_eq(raw_recv(&a[i], 10000, &in), 1);
		cr_expect_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_PONG);
		envelope_free(in);
	}
	raw_close(&a[0]);
	wait_open_connections(mport, MAX - 1);
	cr_assert_eq(raw_open_ex(&H, &a[0], "127.0.1.100", 0, 0), 0,
	             "still refused after a connection closed");
	cr_assert_eq(raw_try_hello(&a[0]), 0);
	for (int i = 0; i < MAX; i++)
		raw_close(&a[i]);
	harness_finish(&H);
}

/* Requests of one connection beyond max_in_flight wait unread: with the
 * project table locked in PostgreSQL, exactly max_in_flight of six
 * pipelined reads reach the database, a ping behind them is not answered,
 * and another connection is served meanwhile.  Once the lock goes every
 * request is answered. */
Test(hostile, in_flight_limit)
{
	enum { LIMIT = 3, N = 6 };
	raw_conn_t r;
	qt_client_t *other;
	bb_t all = {0};
	PGconn *locker;
	PGresult *res;
	int64_t project;
	int waiting = 0, seen_pong = 0, answered = 0;
	char ci[PATH_MAX + 256];

	harness_standard(&H, "max_in_flight = 3\ndb_pool_size = 4\n");
	other = harness_login(&H, "admin", HARNESS_PASSWORD);
	{
		int64_t qo[2];
		qt_project_new_t in;
		qt_project_t p;
		harness_project_in(&H, &in, "Gesperrt", qo);
		cr_assert_eq(qt_project_create(other, &in, &p), QT_OK);
		project = p.id;
		qt_project_clear(&p);
	}
	raw_open(&H, &r);
	raw_hello(&r);
	cr_assert_eq(raw_login_as(&r, "admin", HARNESS_PASSWORD), 0);

	snprintf(ci, sizeof(ci), "host=%s port=%s user=%s dbname=%s", H.pg_host, H.pg_port,
	         H.pg_user, H.dbname);
	locker = PQconnectdb(ci);
	cr_assert_eq(PQstatus(locker), CONNECTION_OK);
	res = PQexec(locker, "BEGIN; LOCK TABLE project IN ACCESS EXCLUSIVE MODE");
	cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
	PQclear(res);

	for (unsigned i = 1; i <= N; i++)
		pack_get(&all, 100 + i, project);
	{
		bb_t ping = {0}, env = {0};
		pb_uint(&ping, 1, 99); /* nonce */
		pb_sub(&env, 6, &ping);
		pb_frame(&all, &env);
		bb_free(&ping);
		bb_free(&env);
	}
	cr_assert_eq(raw_write(&r, all.p, all.n), 0);
	bb_free(&all);

	/* Exactly LIMIT queries of the server wait for the lock, and stay so. */
	for (int i = 0; i < 100 && waiting < LIMIT; i++) {
		waiting =
		    (int)harness_sql_int(&H,
		                         "SELECT count(*) FROM pg_stat_activity WHERE datname = "
		                         "current_database() AND wait_event_type = 'Lock'",
		                         0, NULL, NULL, NULL);
		harness_sleep_ms(50);
	}
	cr_assert_eq(waiting, LIMIT, "%d queries wait for the lock, expected %d", waiting, LIMIT);
	{
		qt_envelope_t *in = NULL;
		int rc = raw_recv(&r, 1500, &in);
		cr_assert_eq(rc, -1,
		             "the connection answered (kind %d) while its input should wait",
		             rc == 1 ? (int)in->kind_case : -1);
	}
	waiting = (int)harness_sql_int(&H,
	                               "SELECT count(*) FROM pg_stat_activity WHERE datname = "
	                               "current_database() AND wait_event_type = 'Lock'",
	                               0, NULL, NULL, NULL);
	cr_assert_eq(waiting, LIMIT, "%d queries wait for the lock after 1.5 s", waiting);
	/* Other connections are served meanwhile. */
	cr_assert_eq(qt_ping(other), QT_OK);

	res = PQexec(locker, "COMMIT");
	PQclear(res);
	PQfinish(locker);
	while (answered < N || !seen_pong) {
		qt_envelope_t *in = NULL;
		int rc = raw_recv(&r, 10000, &in);
		cr_assert_eq(rc, 1, "%d answers, pong %d, then nothing (raw_recv %d)", answered,
		             seen_pong, rc);
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_PONG) {
			cr_expect_eq(in->pong->nonce, 99);
			seen_pong = 1;
		} else {
			cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
			cr_assert_null(in->response->error, "%s", in->response->error->message);
			answered++;
		}
		envelope_free(in);
	}
	raw_close(&r);
	qt_client_free(other);
	harness_finish(&H);
}

/* A client that sends and never reads makes the server stop reading it
 * once max_output_queue bytes of answers wait: the client's writes stall
 * (nothing else could bound the server's memory), the server's size stays
 * put, and everything sent is answered once the client reads. */
Test(hostile, output_queue_limit)
{
	/* The kernel buffers of a loopback connection can take megabytes
	 * (tcp_rmem/tcp_wmem autotuning; 1.2 MB once vanished into them
	 * whole), so the client offers up to 96 MiB: far more than any
	 * socket buffer holds, and only an unbounded server takes it all. */
	const size_t max_bytes = (size_t)96 << 20;
	raw_conn_t r;
	bb_t all = {0};
	size_t off = 0, sent_frames;
	unsigned long rss0, rss1;
	uint64_t last = 0;
	int flags, stalled = 0;
	unsigned pongs = 0;
	qt_client_t *other;

	harness_standard(&H, "max_output_queue = 65536\n");
	other = harness_login(&H, "admin", HARNESS_PASSWORD);
	cr_assert_eq(raw_open_ex(&H, &r, NULL, 4096, 4096), 0);
	cr_assert_eq(raw_try_hello(&r), 0);
	/* The stream is the same 6-byte frame over and over: a block of
	 * whole frames, written from offset off % 6, stands for all of it. */
	for (unsigned i = 0; i < 1366; i++) {
		bb_t ping = {0}, env = {0};
		pb_sub(&env, 6, &ping); /* an empty ping: 6 bytes a frame */
		pb_frame(&all, &env);
		bb_free(&env);
	}
	cr_assert_eq(all.n, 1366u * 6u);
	rss0 = rss_kib(H.server_pid);
	flags = fcntl(r.fd, F_GETFL);
	cr_assert_eq(fcntl(r.fd, F_SETFL, flags | O_NONBLOCK), 0);
	last = mono_us();
	while (off < max_bytes) {
		int w;
		ERR_clear_error();
		w = SSL_write(r.ssl, all.p + off % 6, 4096);
		if (w > 0) {
			off += (size_t)w;
			last = mono_us();
			continue;
		}
		cr_assert_eq(SSL_get_error(r.ssl, w), SSL_ERROR_WANT_WRITE);
		if (mono_us() - last > 3000000u) {
			stalled = 1;
			break;
		}
		{
			struct pollfd p = {.fd = r.fd, .events = POLLOUT};
			(void)poll(&p, 1, 50);
		}
	}
	rss1 = rss_kib(H.server_pid);
	cr_log_info("output queue: stalled=%d after %zu of %zu bytes; server RSS %lu -> %lu KiB",
	            stalled, off, max_bytes, rss0, rss1);
	cr_assert(stalled,
	          "all %zu bytes of pings were taken without a single answer read: the "
	          "output queue is not bounded",
	          max_bytes);
	/* Under AddressSanitizer freed memory stays in its quarantine (256 MiB
	 * by default), so RSS says nothing about the queue's bound there. */
#if defined(__SANITIZE_ADDRESS__)
	cr_log_info("RSS bound not checked under AddressSanitizer");
#else
	cr_expect_lt(rss1, rss0 + 16384, "the server grew by %lu KiB", rss1 - rss0);
#endif
	/* The rest of the server does not care. */
	cr_assert_eq(qt_ping(other), QT_OK);

	/* Now read: every ping the server got whole gets its pong (the record
	 * SSL_write could not finish is never completed, so exactly the
	 * frames within the first `off` bytes arrived). */
	sent_frames = off / 6;
	fcntl(r.fd, F_SETFL, flags);
	while (pongs < sent_frames) {
		qt_envelope_t *in = NULL;
		int rc = raw_recv(&r, 10000, &in);
		cr_assert_eq(rc, 1, "%u of %zu pongs, then nothing (raw_recv %d)", pongs,
		             sent_frames, rc);
		cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_PONG);
		pongs++;
		envelope_free(in);
	}
	bb_free(&all);
	raw_close(&r);
	qt_client_free(other);
	harness_finish(&H);
}

/* ------------------------------------------------------------ deadlines */

typedef enum {
	DL_TCP_SILENT,    /* TCP only, no TLS */
	DL_TLS_SILENT,    /* TLS up, no hello */
	DL_HELLO_TRICKLE, /* TLS up, the hello one byte every 300 ms */
	DL_NO_LOGIN,      /* hello done, no login */
	DL_LOGIN_TRICKLE, /* hello done, a login request one byte every 300 ms */
	DL_IDLE,          /* logged in, silent */
	DL_PINGING,       /* logged in, a ping every 700 ms: stays */
} dl_kind_t;

typedef struct dl_case {
	const char *name;
	dl_kind_t kind;
	unsigned deadline_ms; /* when the server must close (0: it must not) */
	int goodbye;          /* expected goodbye status; -1: none (no TLS yet) */
	/* results, written by the thread */
	pthread_t thread;
	uint64_t closed_after_ms; /* from connect (logged in: from the login); 0 if still open */
	uint64_t login_ms;        /* how long the login took to be answered */
	int got;                  /* goodbye status seen, -1 none */
	char error[160];
} dl_case_t;

#define DL_WATCH_MS 9000 /* how long a case watches its connection */

/* Waits for the server to close a plain socket; returns ms or 0. */
static uint64_t dl_wait_close_fd(int fd, uint64_t t0)
{
	char buf[512];

	while (mono_us() - t0 < DL_WATCH_MS * 1000ull) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) > 0) {
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0)
				return (mono_us() - t0) / 1000u;
		}
	}
	return 0;
}

static void *dl_run(void *arg)
{
	dl_case_t *d = arg;
	raw_conn_t r;
	uint64_t t0 = mono_us();
	uint8_t *bytes = NULL;
	size_t nbytes = 0, sent = 0;

	d->got = -1;
	if (d->kind == DL_TCP_SILENT) {
		int fd = tcp_open_from(&H, NULL);
		d->closed_after_ms = dl_wait_close_fd(fd, t0);
		close(fd);
		return NULL;
	}
	raw_open(&H, &r);
	if (d->kind == DL_HELLO_TRICKLE) {
		Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
		Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
		hello.protocol_version = 1;
		hello.client_name = "trickle";
		hello.client_instance_id = "trickle-0001";
		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
		env.hello = &hello;
		raw_pack(&env, &bytes, &nbytes);
	}
	if (d->kind >= DL_NO_LOGIN && raw_try_hello(&r) != 0)
		snprintf(d->error, sizeof(d->error), "no welcome");
	if (d->kind == DL_LOGIN_TRICKLE) {
		Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;
		lr.login = "admin";
		lr.password = HARNESS_PASSWORD;
		rq.id = 1;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
		rq.login = &lr;
		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
		env.request = &rq;
		raw_pack(&env, &bytes, &nbytes);
	}
	if (d->kind >= DL_IDLE) {
		/* The idle deadline counts from the last frame, the login: from
		 * when it was sent, not from its answer, which a busy machine
		 * (Argon2, the throttle's bookkeeping) can delay by a second. */
		uint64_t sent_at = mono_us();

		if (raw_login_as(&r, "admin", HARNESS_PASSWORD) != 0)
			snprintf(d->error, sizeof(d->error), "login failed");
		d->login_ms = (mono_us() - sent_at) / 1000u;
		t0 = sent_at;
	}

	while (mono_us() - t0 < DL_WATCH_MS * 1000ull) {
		qt_envelope_t *in = NULL;
		int rc;

		if (bytes != NULL && sent < nbytes)
			(void)raw_write(&r, bytes + sent++, 1);
		if (d->kind == DL_PINGING) {
			Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
			Quartier__V1__Ping ping = QUARTIER__V1__PING__INIT;
			env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
			env.ping = &ping;
			(void)raw_send(&r, &env);
		}
		rc = raw_recv(&r, d->kind == DL_PINGING ? 700 : 300, &in);
		if (rc == 1) {
			if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_GOODBYE)
				d->got = (int)in->goodbye->error->status;
			envelope_free(in);
			continue;
		}
		if (rc == 0 || rc == -2) {
			d->closed_after_ms = (mono_us() - t0) / 1000u;
			break;
		}
	}
	free(bytes);
	raw_close(&r);
	return NULL;
}

/* Every deadline of a connection's life: handshake (TLS and hello), login,
 * idle; bytes trickling in do not move a deadline, pings keep a
 * logged-in connection.  Closing happens at the deadline, give or take the
 * one-second sweep. */
Test(hostile, connection_deadlines)
{
	dl_case_t cases[] = {
	    {.name = "TCP without TLS", .kind = DL_TCP_SILENT, .deadline_ms = 2000, .goodbye = -1},
	    {.name = "TLS without hello",
	     .kind = DL_TLS_SILENT,
	     .deadline_ms = 2000,
	     .goodbye = QT_UNAUTHENTICATED},
	    {.name = "hello trickling in",
	     .kind = DL_HELLO_TRICKLE,
	     .deadline_ms = 2000,
	     .goodbye = QT_UNAUTHENTICATED},
	    {.name = "no login",
	     .kind = DL_NO_LOGIN,
	     .deadline_ms = 4000,
	     .goodbye = QT_UNAUTHENTICATED},
	    {.name = "login trickling in",
	     .kind = DL_LOGIN_TRICKLE,
	     .deadline_ms = 4000,
	     .goodbye = QT_UNAUTHENTICATED},
	    {.name = "idle after login",
	     .kind = DL_IDLE,
	     .deadline_ms = 6000,
	     .goodbye = QT_UNAVAILABLE},
	    {.name = "pinging after login", .kind = DL_PINGING, .deadline_ms = 0, .goodbye = -1},
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	/* Slack above a deadline: the sweep runs once a second, and CI
	 * machines are slow. */
	const uint64_t slack_ms = 1000 + 1500;

	harness_standard(&H, "handshake_timeout = 2\nlogin_timeout = 4\nidle_timeout = 6\n");
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(pthread_create(&cases[i].thread, NULL, dl_run, &cases[i]), 0);
	for (size_t i = 0; i < n; i++)
		pthread_join(cases[i].thread, NULL);
	for (size_t i = 0; i < n; i++) {
		dl_case_t *d = &cases[i];
		cr_expect_str_empty(d->error, "%s: %s", d->name, d->error);
		cr_log_info("%s: closed after %llu ms (deadline %u ms), goodbye %d", d->name,
		            (unsigned long long)d->closed_after_ms, d->deadline_ms, d->got);
		if (d->deadline_ms == 0) {
			cr_expect_eq(d->closed_after_ms, 0, "%s: closed after %llu ms", d->name,
			             (unsigned long long)d->closed_after_ms);
			continue;
		}
		cr_expect_neq(d->closed_after_ms, 0, "%s: still open after %u ms", d->name,
		              DL_WATCH_MS);
		cr_expect_geq(d->closed_after_ms + 100, d->deadline_ms,
		              "%s: closed after %llu ms, before its deadline of %u ms", d->name,
		              (unsigned long long)d->closed_after_ms, d->deadline_ms);
		cr_expect_leq(d->closed_after_ms, d->deadline_ms + slack_ms + d->login_ms,
		              "%s: closed after %llu ms, deadline %u ms", d->name,
		              (unsigned long long)d->closed_after_ms, d->deadline_ms);
		cr_expect_eq(d->got, d->goodbye, "%s: goodbye %d, expected %d", d->name, d->got,
		             d->goodbye);
	}
	harness_finish(&H);
}

/* ------------------------------------------------------------ slowloris */

typedef enum {
	SL_TLS,   /* TCP, a TLS ClientHello trickled in: handshake deadline */
	SL_HELLO, /* TLS up, the hello trickled in: handshake deadline */
	SL_LOGIN, /* hello done, a login request trickled in: login deadline */
} sl_kind_t;

typedef struct sl_conn {
	int fd;
	SSL *ssl; /* SL_HELLO, SL_LOGIN */
	sl_kind_t kind;
	const bb_t *bytes; /* what it trickles (shared) */
	size_t sent;
	uint64_t opened_us; /* when the TCP connection was accepted */
	uint64_t closed_us; /* 0 while open */
} sl_conn_t;

typedef struct slowloris {
	sl_conn_t *c;
	size_t n;
	size_t ready; /* connections [0, ready) are open: the trickler's */
	SSL_CTX *ctx;
	bb_t client_hello, hello, login;
	pthread_t thread;
	volatile int stop;
	volatile int running;
	unsigned tick_ms;       /* one pass of the trickler */
	unsigned byte_every_ms; /* per connection */
	unsigned long bytes_sent;
} slowloris_t;

/* The bytes of a TLS ClientHello, produced by a client over memory BIOs. */
static void sl_client_hello(slowloris_t *s)
{
	SSL *ssl = SSL_new(s->ctx);
	BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
	char buf[4096];
	int n;

	cr_assert(ssl != NULL && rb != NULL && wb != NULL);
	SSL_set_bio(ssl, rb, wb);
	SSL_set_connect_state(ssl);
	(void)SSL_do_handshake(ssl);
	n = BIO_read(wb, buf, sizeof(buf));
	cr_assert_gt(n, 0);
	bb_put(&s->client_hello, buf, (size_t)n);
	SSL_free(ssl);
}

static void sl_init(slowloris_t *s, size_t n)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lr = QUARTIER__V1__LOGIN_REQUEST__INIT;
	uint8_t *b;
	size_t len;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->c = calloc(n, sizeof(*s->c));
	cr_assert_not_null(s->c);
	s->ctx = SSL_CTX_new(TLS_client_method());
	cr_assert_not_null(s->ctx);
	cr_assert_eq(SSL_CTX_load_verify_locations(s->ctx, H.ca_file, NULL), 1);
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
	sl_client_hello(s);
	hello.protocol_version = QT_PROTOCOL_VERSION;
	hello.client_name = "slowloris";
	hello.client_instance_id = "slowloris-0001";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	raw_pack(&env, &b, &len);
	bb_put(&s->hello, b, len);
	free(b);
	lr.login = "admin";
	lr.password = HARNESS_PASSWORD;
	rq.id = 1;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	rq.login = &lr;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &rq;
	raw_pack(&env, &b, &len);
	bb_put(&s->login, b, len);
	free(b);
	s->tick_ms = 10;
	s->byte_every_ms = 1000;
}

/* Opens connection i: from one of 16 loopback addresses (so that the
 * default per-address limit holds), of kind i % 3, brought to the stage
 * where its trickle starts. */
static void sl_open(slowloris_t *s, size_t i)
{
	sl_conn_t *c = &s->c[i];
	char src[32];

	uint64_t opened;

	memset(c, 0, sizeof(*c));
	c->kind = (sl_kind_t)(i % 3);
	snprintf(src, sizeof(src), "127.0.3.%zu", 1 + i % 16);
	opened = mono_us();
	c->fd = tcp_open_from(&H, src);
	if (c->kind == SL_TLS) {
		c->bytes = &s->client_hello;
	} else {
		c->ssl = SSL_new(s->ctx);
		cr_assert_not_null(c->ssl);
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), "127.0.0.1");
		SSL_set_fd(c->ssl, c->fd);
		ERR_clear_error();
		cr_assert_eq(SSL_connect(c->ssl), 1, "slowloris connection %zu: TLS failed", i);
		c->bytes = &s->hello;
	}
	if (c->kind == SL_LOGIN) {
		/* The hello in one piece, then its welcome. */
		char buf[4096];
		cr_assert_eq(SSL_write(c->ssl, s->hello.p, (int)s->hello.n), (int)s->hello.n);
		cr_assert_gt(SSL_read(c->ssl, buf, sizeof(buf)), 0, "no welcome on connection %zu",
		             i);
		c->bytes = &s->login;
	}
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	/* The server's deadlines count from its accept, a moment after
	 * tcp_open_from() returned: this is a lower bound of closing times. */
	c->opened_us = opened;
	__atomic_store_n(&s->ready, i + 1, __ATOMIC_RELEASE);
}

static void sl_close_all(slowloris_t *s)
{
	s->ready = 0;
	for (size_t i = 0; i < s->n; i++) {
		sl_conn_t *c = &s->c[i];
		if (c->ssl != NULL)
			SSL_free(c->ssl);
		if (c->fd > 0)
			close(c->fd);
		c->ssl = NULL;
		c->fd = -1;
	}
}

static void sl_free(slowloris_t *s)
{
	sl_close_all(s);
	free(s->c);
	SSL_CTX_free(s->ctx);
	bb_free(&s->client_hello);
	bb_free(&s->hello);
	bb_free(&s->login);
}

/* The trickler: every tick sends one byte on each connection whose turn
 * it is (each connection once per byte_every_ms) and notices connections
 * the server closed.  It never reads TLS: the server's bytes (a goodbye,
 * tickets) are taken off the socket unread. */
static void *sl_main(void *arg)
{
	slowloris_t *s = arg;
	size_t next = 0;
	struct pollfd *p = calloc(s->n, sizeof(*p));

	if (p == NULL)
		return NULL;
	while (!s->stop) {
		size_t ready = __atomic_load_n(&s->ready, __ATOMIC_ACQUIRE);
		size_t per_tick = s->n * s->tick_ms / s->byte_every_ms + 1;
		uint64_t now;

		for (size_t k = 0; k < per_tick && ready > 0; k++, next = (next + 1) % s->n) {
			sl_conn_t *c = &s->c[next];
			if (next >= ready || c->closed_us != 0 || c->sent >= c->bytes->n)
				continue;
			if (c->ssl != NULL) {
				ERR_clear_error();
				if (SSL_write(c->ssl, c->bytes->p + c->sent, 1) == 1)
					c->sent++;
			} else if (send(c->fd, c->bytes->p + c->sent, 1,
			                MSG_NOSIGNAL | MSG_DONTWAIT) == 1) {
				c->sent++;
			}
			s->bytes_sent++;
		}
		for (size_t i = 0; i < ready; i++) {
			p[i].fd = s->c[i].closed_us == 0 ? s->c[i].fd : -1;
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		if (ready == 0) {
			harness_sleep_ms(s->tick_ms);
			continue;
		}
		if (poll(p, ready, (int)s->tick_ms) > 0) {
			now = mono_us();
			for (size_t i = 0; i < ready; i++) {
				char buf[1024];
				ssize_t r;
				if (p[i].revents == 0)
					continue;
				while ((r = recv(s->c[i].fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
					;
				if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
					s->c[i].closed_us = now;
			}
		}
	}
	free(p);
	return NULL;
}

static void sl_start(slowloris_t *s)
{
	s->stop = 0;
	cr_assert_eq(pthread_create(&s->thread, NULL, sl_main, s), 0);
	s->running = 1;
}

static void sl_stop(slowloris_t *s)
{
	if (!s->running)
		return;
	s->stop = 1;
	pthread_join(s->thread, NULL);
	s->running = 0;
}

/* The witness's latencies over the next `count` answers (microseconds,
 * sorted into *out; caller frees). */
static size_t sample_latency(witness_t *w, size_t count, uint32_t **out)
{
	uint64_t deadline = mono_us() + 120u * 1000000u;
	size_t n;

	pthread_mutex_lock(&w->lock);
	w->nsamples = 0;
	w->sampling = 1;
	pthread_mutex_unlock(&w->lock);
	for (;;) {
		pthread_mutex_lock(&w->lock);
		n = w->nsamples;
		pthread_mutex_unlock(&w->lock);
		if (n >= count || mono_us() > deadline)
			break;
		harness_sleep_ms(20);
	}
	pthread_mutex_lock(&w->lock);
	w->sampling = 0;
	n = w->nsamples;
	*out = malloc((n + 1) * sizeof(**out));
	cr_assert_not_null(*out);
	memcpy(*out, w->samples, n * sizeof(**out));
	pthread_mutex_unlock(&w->lock);
	return n;
}

static void append_line(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static int log_has(const char *needle)
{
	FILE *f = fopen(H.log_path, "r");
	char line[4096];
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* Slowloris: NCONN connections (QT_SLOWLORIS_CONNS, default 1,000; 4,000
 * with QT_SOAK=1) trickle a byte per second each, a third each stuck in
 * the TLS handshake, the hello and the login.  Meanwhile a normal client's
 * p99 latency must stay within twice the unloaded p99 measured in the same
 * test (before and after the load, pooled).  Then, with short deadlines
 * (reloaded by SIGHUP), a fresh set of stalled connections must be closed
 * at their deadlines.  A suite of its own, so that ctest runs it alone
 * (test_slowloris): other tests' load would blur the comparison. */
#define SL_ATTEMPTS 3 /* measurements of the p99 comparison before it fails */

TestSuite(slowloris, .fini = harness_fini, .timeout = 900);

Test(slowloris, p99_and_deadlines)
{
	const size_t nconn = env_uint("QT_SLOWLORIS_CONNS", soak_mode() ? 4000 : 1000);
	const size_t nsamples = soak_mode() ? 5000 : 1500;
	uint16_t mport;
	char cfg[256];
	slowloris_t s;
	witness_t w;
	uint32_t *u1, *u2, *l, *u;
	size_t nu1, nu2, nl;
	uint32_t p99_u, p99_l, p50_u, p50_l;
	unsigned long rlim;
	int64_t project;

	rlim = raise_nofile(nconn + 512);
	cr_assert_geq(rlim, nconn + 256, "RLIMIT_NOFILE is %lu; %zu connections need more", rlim,
	              nconn);
	mport = free_tcp_port();
	snprintf(cfg, sizeof(cfg),
	         "metrics_port = %u\nmax_connections = %zu\nhandshake_timeout = 600\n"
	         "login_timeout = 600\nlog_level = info\n",
	         (unsigned)mport, nconn * 2 + 64);
	harness_standard(&H, cfg);
	{
		qt_client_t *c = harness_login(&H, "admin", HARNESS_PASSWORD);
		int64_t qo[2];
		qt_project_new_t in;
		qt_project_t p;
		harness_project_in(&H, &in, "Langsam", qo);
		cr_assert_eq(qt_project_create(c, &in, &p), QT_OK);
		project = p.id;
		qt_project_clear(&p);
		qt_client_free(c);
	}
	witness_start(&w, &H, project, 2000);
	sl_init(&s, nconn);

	/* Unloaded, loaded, unloaded again.  A comparison that fails is
	 * measured again, up to SL_ATTEMPTS times: a stall of a shared machine
	 * during the loaded phase alone can double a p99 of about 1 ms (ratios
	 * of 2.03-2.27 were seen with the server unchanged), while a server
	 * that slows down under slowloris fails every attempt. */
	for (int attempt = 1;; attempt++) {
		nu1 = sample_latency(&w, nsamples, &u1);
		sl_start(&s);
		for (size_t i = 0; i < nconn; i++)
			sl_open(&s, i);
		wait_open_connections(mport, (long long)nconn + 1);
		harness_sleep_ms(1000);
		nl = sample_latency(&w, nsamples, &l);
		sl_stop(&s);
		for (size_t i = 0; i < nconn; i++)
			cr_expect_eq(s.c[i].closed_us, 0, "slowloris connection %zu was closed early", i);
		sl_close_all(&s);
		wait_open_connections(mport, 1);
		nu2 = sample_latency(&w, nsamples, &u2);

		u = malloc((nu1 + nu2) * sizeof(*u));
		cr_assert_not_null(u);
		memcpy(u, u1, nu1 * sizeof(*u));
		memcpy(u + nu1, u2, nu2 * sizeof(*u));
		p99_u = percentile(u, nu1 + nu2, 99);
		p50_u = percentile(u, nu1 + nu2, 50);
		p99_l = percentile(l, nl, 99);
		p50_l = percentile(l, nl, 50);
		cr_log_info("slowloris: %zu connections, attempt %d; unloaded p50 %u us p99 %u us "
		            "(%zu samples); loaded p50 %u us p99 %u us (%zu samples); %lu bytes "
		            "trickled",
		            nconn, attempt, p50_u, p99_u, nu1 + nu2, p50_l, p99_l, nl,
		            s.bytes_sent);
		if (p99_l <= 2 * p99_u || attempt == SL_ATTEMPTS) {
			check_line("slowloris-p99", p99_l <= 2 * p99_u,
			           "conns=%zu unloaded_p99_us=%u loaded_p99_us=%u ratio=%.2f "
			           "attempts=%d",
			           nconn, p99_u, p99_l,
			           (double)p99_l / (double)(p99_u ? p99_u : 1), attempt);
			break;
		}
		free(u);
		free(u1);
		free(u2);
		free(l);
	}
	cr_expect_geq(nl, nsamples, "only %zu samples under load", nl);
	/* AddressSanitizer multiplies the cost and the jitter of every
	 * request (its allocator, its quarantine), which blurs a comparison of
	 * tails on a busy machine: the plain build asserts the bound; in the
	 * sanitizer build only the check line above judges it, and
	 * deploy/soak.sh fails on a FAIL line. */
#if defined(__SANITIZE_ADDRESS__)
	cr_log_info("slowloris p99 bound reported, not checked, under AddressSanitizer");
#else
	cr_expect_leq(p99_l, 2 * p99_u, "p99 under slowloris %u us > 2 x unloaded p99 %u us", p99_l,
	              p99_u);
#endif
	cr_expect_eq(w.failed, 0, "the witness failed %lu times: %s", w.failed, w.last_error);
	free(u);
	free(u1);
	free(u2);
	free(l);

	/* Deadlines: short ones by reload, then a fresh set of stalled
	 * connections. */
	append_line(H.config_path, "handshake_timeout = 2\nlogin_timeout = 4\n");
	cr_assert_eq(kill(H.server_pid, SIGHUP), 0);
	for (int i = 0; i < 100 && !log_has("event=reload status=ok"); i++)
		harness_sleep_ms(50);
	cr_assert(log_has("event=reload status=ok"), "the reload was not taken");
	{
		const uint64_t slack_us = (1000u + 2000u) * 1000u; /* sweep period + CI */
		size_t late = 0, early = 0, open = 0;
		uint64_t worst_us = 0;
		uint32_t *lat;
		size_t nlat;

		sl_start(&s);
		for (size_t i = 0; i < nconn; i++)
			sl_open(&s, i);
		nlat = sample_latency(&w, 400, &lat);
		for (int i = 0; i < 100; i++) {
			size_t still = 0;
			for (size_t k = 0; k < nconn; k++)
				still += s.c[k].closed_us == 0;
			if (still == 0)
				break;
			harness_sleep_ms(100);
		}
		sl_stop(&s);
		for (size_t i = 0; i < nconn; i++) {
			sl_conn_t *c = &s.c[i];
			uint64_t deadline_us = (c->kind == SL_LOGIN ? 4000u : 2000u) * 1000u;
			uint64_t after;
			if (c->closed_us == 0) {
				open++;
				continue;
			}
			after = c->closed_us - c->opened_us;
			if (after + 100000u < deadline_us)
				early++;
			else if (after > deadline_us + slack_us)
				late++;
			if (after > deadline_us && after - deadline_us > worst_us)
				worst_us = after - deadline_us;
		}
		check_line(
		    "slowloris-deadlines", open == 0 && early == 0 && late == 0,
		    "conns=%zu open=%zu early=%zu late=%zu worst_over_ms=%llu p99_during_us=%u",
		    nconn, open, early, late, (unsigned long long)(worst_us / 1000u),
		    percentile(lat, nlat, 99));
		cr_expect_eq(open, 0, "%zu stalled connections were not closed", open);
		cr_expect_eq(early, 0, "%zu connections were closed before their deadline", early);
		cr_expect_eq(late, 0,
		             "%zu connections were closed later than 3 s after their deadline",
		             late);
		free(lat);
	}
	witness_stop(&w);
	sl_free(&s);
	harness_finish(&H);
}
