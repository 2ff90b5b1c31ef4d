/* libFuzzer target for request dispatch and validation: the server's own
 * code between a decoded frame and the database.  A payload is decoded as
 * the server decodes frames (envelope_unpack), and a REQUEST goes through
 * dispatch_run() -- routing, the login check, the mutation-id check and
 * the handler's validation, permission decision and query building -- on
 * a connection of a real server object whose database pool is down.  The
 * database is not imitated: every request that passes validation stops at
 * db_query(), which refuses because no connection is up, exactly as it
 * does while PostgreSQL is unreachable.
 *
 * Checked for every input: the request is answered exactly once; the
 * answer packs as a frame; an error carries a known status and a non-empty
 * message, and message and field are valid UTF-8 (other protobuf runtimes,
 * e.g. the Python interop client, reject anything else); an answer with
 * status ok only comes from requests that need no database; nothing is
 * left in flight, no reference is leaked and (ASan) no memory.
 *
 * Input: byte 0 chooses the actor (bits 0-2 role, bit 3 logged in, bit 4 a
 * hello with a client instance id, so mutation ids are looked up), the
 * rest is an Envelope payload. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "dispatch.h"
#include "request.h"
#include "server.h"
#include "validate.h"

#define FUZZ_ASSERT(cond) \
	do {                  \
		if (!(cond))      \
			abort();      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_answer {
	int calls;
	uint8_t *packed; /* owned: the answer as it would go out */
	size_t packed_len;
	int error;       /* the answer carries an error */
} fuzz_answer_t;

static server_t *fuzz_srv;
static uv_loop_t fuzz_loop;

/* One server object for the whole run: configuration defaults, a database
 * pool that cannot connect (no socket at that path), the change feed, and
 * the cheapest Argon2id parameters so that account requests, which hash
 * before they store, stay fast. */
static server_t *fuzz_server(void)
{
	server_t *srv;
	db_pool_opts_t dbo;

	if (fuzz_srv != NULL)
		return fuzz_srv;
	FUZZ_ASSERT(uv_loop_init(&fuzz_loop) == 0);
	srv = calloc(1, sizeof(*srv));
	FUZZ_ASSERT(srv != NULL);
	srv->loop = &fuzz_loop;
	config_init(&srv->cfg);
	throttle_policy_from_config(&srv->cfg, &srv->throttle);
	throttle_addr_init(&srv->login_addr, 1);
	srv->log.level = 0; /* silent */
	srv->auth.memory_kib = 8;
	srv->auth.iterations = 1;
	srv->auth.parallelism = 1;
	FUZZ_ASSERT(auth_dummy_hash(&srv->auth, srv->dummy_hash, sizeof(srv->dummy_hash)) == QT_OK);
	memset(&dbo, 0, sizeof(dbo));
	dbo.conninfo = "host=/nonexistent/quartier-fuzz dbname=none connect_timeout=1";
	dbo.size = 1;
	dbo.queue_max = 16;
	dbo.reconnect_ms = 60000;
	FUZZ_ASSERT(db_pool_new(&fuzz_loop, &srv->log, &dbo, &srv->db) == QT_OK);
	FUZZ_ASSERT(db_pool_connected(srv->db) == 0);
	feed_init(&srv->feed, srv);
	fuzz_srv = srv;
	return srv;
}

static conn_t *fuzz_conn(server_t *srv, uint8_t who)
{
	conn_t *c = calloc(1, sizeof(*c));
	role_t role = (role_t)(who & 7);

	FUZZ_ASSERT(c != NULL);
	c->magic = CONN_MAGIC;
	c->srv = srv;
	c->refs = 1;
	c->id = ++srv->next_conn_id;
	/* No socket: conn_process() returns at once, answers go to on_done. */
	c->handle_closed = 1;
	frame_reader_init(&c->reader, srv->cfg.max_frame_preauth);
	snprintf(c->peer, sizeof(c->peer), "fuzz:0");
	snprintf(c->client_name, sizeof(c->client_name), "fuzz");
	if (who & 16)
		snprintf(c->instance_id, sizeof(c->instance_id), "fuzz-instance");
	if ((who & 8) && role >= ROLE_ADMIN && role <= ROLE_DISTRICT_HEAD) {
		c->state = CONN_AUTHENTICATED;
		c->reader.max = srv->cfg.max_frame;
		c->session_expires = (int64_t)time(NULL) + 3600;
		c->actor.account_id = 7;
		c->actor.role = role;
		c->actor.office_id = role == ROLE_OFFICE ? 1 : 0;
		c->actor.organisation_id = role == ROLE_COORDINATOR ? 1 : 0;
		c->actor.district_id = role == ROLE_DISTRICT_HEAD ? 1 : 0;
	} else {
		c->state = CONN_OPEN;
	}
	return c;
}

static int utf8_ok(const char *s)
{
	return s == NULL || validate_utf8(s, strlen(s));
}

static void fuzz_done(req_t *r, void *arg)
{
	fuzz_answer_t *a = arg;
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	const Quartier__V1__Error *err = r->resp.error;

	a->calls++;
	FUZZ_ASSERT(a->calls == 1);
	FUZZ_ASSERT(r->resp.id == r->id);
	if (err != NULL) {
		a->error = 1;
		FUZZ_ASSERT(qt_status_valid_wire((int)err->status));
		FUZZ_ASSERT(err->status != (Quartier__V1__Status)QT_OK);
		FUZZ_ASSERT(err->message != NULL && err->message[0] != '\0');
		FUZZ_ASSERT(utf8_ok(err->message));
		FUZZ_ASSERT(utf8_ok(err->field));
		FUZZ_ASSERT(r->resp.body_case == QUARTIER__V1__RESPONSE__BODY__NOT_SET);
	}
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_RESPONSE;
	env.response = &r->resp;
	FUZZ_ASSERT(envelope_pack(&env, UINT32_MAX, &a->packed, &a->packed_len) == QT_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	server_t *srv = fuzz_server();
	fuzz_answer_t answer;
	qt_envelope_t *env;
	conn_t *c;
	req_t *r;
	Quartier__V1__Request__BodyCase body;

	if (size < 1)
		return 0;
	/* The server takes no frame over max_frame. */
	if (size - 1 > srv->cfg.max_frame)
		return 0;
	env = envelope_unpack(data + 1, size - 1);
	if (env == NULL)
		return 0;
	if (env->kind_case != QUARTIER__V1__ENVELOPE__KIND_REQUEST) {
		envelope_free(env);
		return 0;
	}
	body = env->request->body_case;
	memset(&answer, 0, sizeof(answer));
	c = fuzz_conn(srv, data[0]);
	r = req_new(c, env);
	FUZZ_ASSERT(r != NULL);
	r->on_done = fuzz_done;
	r->done_arg = &answer;
	dispatch_run(r); /* r and env belong to the request machinery now */
	/* Only password hashing (the thread pool) may still be running. */
	while (answer.calls == 0 && (srv->hash_running > 0 || srv->hash_queued > 0))
		uv_run(&fuzz_loop, UV_RUN_ONCE);
	FUZZ_ASSERT(answer.calls == 1);
	FUZZ_ASSERT(c->in_flight == 0);
	FUZZ_ASSERT(c->refs == 1);
	/* Nothing was stored, so nothing may be acknowledged: only requests
	 * that store nothing answer ok -- a feed subscription started or ended
	 * (its first pull goes to the database later), the server's own
	 * figures. */
	if (!answer.error)
		FUZZ_ASSERT(body == QUARTIER__V1__REQUEST__BODY_SYNC_SUBSCRIBE ||
		            body == QUARTIER__V1__REQUEST__BODY_SYNC_UNSUBSCRIBE ||
		            body == QUARTIER__V1__REQUEST__BODY_ADMIN_STATS);
	free(answer.packed);
	conn_unauthenticate(c);
	conn_unref(c);
	/* Close callbacks of what the connection owned (feed retry timers). */
	uv_run(&fuzz_loop, UV_RUN_NOWAIT);
	return 0;
}
