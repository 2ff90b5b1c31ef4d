/* Requests in flight (see request.h). */
#include "request.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"

struct req_chunk {
	req_chunk_t *next;
	size_t used, size;
	int reserved;        /* lies in the server's reserve: not freed on its own */
	_Alignas(16) unsigned char data[];
};

#define REQ_CHUNK_MIN 4096
#define REQ_OOM_MESSAGE "the server is short of memory; try again"

req_t *req_new(conn_t *c, qt_envelope_t *env)
{
	req_t *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->conn = c;
	r->srv = c->srv;
	r->env = env;
	r->rq = env->request;
	r->id = env->request->id;
	r->type = "unknown";
	r->actor = c->actor;
	r->started_ns = uv_hrtime();
	quartier__v1__response__init(&r->resp);
	r->resp.id = r->id;
	conn_ref(c);
	c->in_flight++;
	return r;
}

/* A chunk of exactly n bytes from the server's reserve, for a request whose
 * arena could not grow; marks the request.  Aborts when the reserve cannot
 * hold it: then there is no memory left to answer with. */
static req_chunk_t *req_reserve_chunk(req_t *r, size_t n)
{
	server_t *srv = r->srv;
	size_t at = (srv->oom_reserve_used + 15) & ~(size_t)15;
	req_chunk_t *ch;

	if (srv->oom_reserve == NULL || at + sizeof(*ch) + n > SERVER_OOM_RESERVE) {
		log_error(&srv->log, "event=out_of_memory conn=%llu type=%s bytes=%zu reserve=spent",
		          (unsigned long long)r->conn->id, r->type, n);
		abort();
	}
	ch = (req_chunk_t *)(srv->oom_reserve + at);
	srv->oom_reserve_used = at + sizeof(*ch) + n;
	ch->size = n;
	ch->used = 0;
	ch->reserved = 1;
	if (!r->oom) {
		r->oom = 1;
		srv->oom_reserve_users++;
		log_warning(&srv->log, "event=out_of_memory conn=%llu type=%s bytes=%zu reserve=used",
		            (unsigned long long)r->conn->id, r->type, n);
	}
	return ch;
}

void *req_alloc(req_t *r, size_t n)
{
	req_chunk_t *ch = r->arena;

	n = (n + 15) & ~(size_t)15;
	if (ch == NULL || ch->size - ch->used < n) {
		size_t size = n > REQ_CHUNK_MIN ? n : REQ_CHUNK_MIN;
		ch = malloc(sizeof(*ch) + size);
		if (ch != NULL) {
			ch->size = size;
			ch->used = 0;
			ch->reserved = 0;
		} else {
			ch = req_reserve_chunk(r, n);
		}
		ch->next = r->arena;
		r->arena = ch;
	}
	void *p = ch->data + ch->used;
	ch->used += n;
	memset(p, 0, n);
	return p;
}

char *req_strdup(req_t *r, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = req_alloc(r, n);
	memcpy(p, s, n);
	return p;
}

char *req_printf(req_t *r, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;
	char *p;

	/* Most messages fit the stack buffer; measure and format once more
	 * only for longer ones.  (The explicit check also keeps GCC's
	 * sanitizer builds from warning about a null format.) */
	if (fmt == NULL)
		return req_strdup(r, "");
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = req_alloc(r, (size_t)n + 1);
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
		return p;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

const char *req_i64(req_t *r, int64_t v)
{
	return req_printf(r, "%" PRId64, v);
}

char *req_id_array_write(char *out, const int64_t *ids, size_t n)
{
	size_t o = 0;

	out[o++] = '{';
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(out + o, "%s%" PRId64, i ? "," : "", ids[i]);
	out[o++] = '}';
	out[o] = '\0';
	return out;
}

const char *req_id_array(req_t *r, const int64_t *ids, size_t n)
{
	return req_id_array_write(req_alloc(r, REQ_ID_ARRAY_LEN(n)), ids, n);
}

const char *req_text_array(req_t *r, const char *const *v, size_t n)
{
	size_t len = 3;
	char *out, *o;

	for (size_t i = 0; i < n; i++)
		len += 3 + 2 * (v[i] != NULL ? strlen(v[i]) : 0);
	out = o = req_alloc(r, len);
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*o++ = ',';
		*o++ = '"';
		/* Inside quotes only '"' and '\\' need a backslash. */
		for (const char *s = v[i] != NULL ? v[i] : ""; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				*o++ = '\\';
			*o++ = *s;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

void req_hold_input(req_t *r)
{
	if (r->holds_input)
		return;
	r->holds_input = 1;
	r->conn->held++;
}

static void req_free(req_t *r)
{
	conn_t *c = r->conn;
	server_t *srv = r->srv;
	int holds_input = r->holds_input;

	while (r->arena != NULL) {
		req_chunk_t *next = r->arena->next;
		if (!r->arena->reserved)
			free(r->arena);
		r->arena = next;
	}
	/* The reserve is whole again once no request holds memory in it. */
	if (r->oom && --srv->oom_reserve_users == 0)
		srv->oom_reserve_used = 0;
	envelope_free(r->env);
	if (r->replay != NULL)
		quartier__v1__response__free_unpacked(r->replay, NULL);
	free(r);
	c->in_flight--;
	if (holds_input)
		c->held--;
	if (srv->shutting_down && c->in_flight == 0)
		conn_close(c, QT_UNAVAILABLE, "the server is shutting down");
	/* Input may have waited for this slot. */
	if (c->state != CONN_CLOSING)
		conn_process(c);
	conn_unref(c);
}

/* ------------------------------------------------------------ client mutation ids */

/* One answer waiting to be stored; its request waits for the commit. */
struct req_answer {
	req_answer_t *next;
	req_t *r;            /* borrowed: the request whose reply waits */
	char *hex;           /* owned: the packed Response as hex */
	size_t hex_len;
};

#define REQ_ANSWERS_BATCH 256          /* answers per statement */
#define REQ_ANSWERS_BYTES (4u << 20)   /* hex bytes per statement */

typedef struct answers_batch {
	server_t *srv;
	req_answer_t *list;  /* owned, oldest first */
	char *params[4];     /* owned array literals */
} answers_batch_t;

static void req_answers_flush(server_t *srv);

/* The answer's row is committed (or could not be written): the reply goes
 * out now.  The change itself is committed either way; a lost answer only
 * means that a replay is answered without the record. */
static void req_answer_done(req_answer_t *a, const db_error_t *err)
{
	req_t *r = a->r;

	free(a->hex);
	free(a);
	if (err != NULL)
		log_warning(&r->srv->log, "event=mutation_answer_lost conn=%llu acct=%lld type=%s msg=\"%s\"",
		            (unsigned long long)r->conn->id, (long long)r->actor.account_id, r->type,
		            err->message != NULL ? err->message : "?");
	r->claimed = 0;
	req_reply(r);
}

static void req_answers_done(const PGresult *res, const db_error_t *err, void *arg)
{
	answers_batch_t *b = arg;
	server_t *srv = b->srv;

	(void)res;
	for (size_t i = 0; i < 4; i++)
		free(b->params[i]);
	srv->answers.busy = 0;
	/* The next batch goes out before these replies: their connections
	 * read on, and new answers join the next batch after it. */
	req_answers_flush(srv);
	while (b->list != NULL) {
		req_answer_t *a = b->list;
		b->list = a->next;
		req_answer_done(a, err);
	}
	free(b);
}

/* Writes the batch's four array literals (account ids, client ids, seqs,
 * hex bodies) into arr, each allocated once at its largest possible size.
 * Returns 0, or -1 without memory (arr is then freed). */
static int req_answers_arrays(const req_answer_t *list, char *arr[4])
{
	size_t cap[4] = {3, 3, 3, 3};
	char *p[4];
	const req_answer_t *a;

	for (a = list; a != NULL; a = a->next) {
		cap[0] += 21;
		cap[1] += 2 * strlen(a->r->conn->instance_id) + 3;
		cap[2] += 21;
		cap[3] += a->hex_len + 1;
	}
	for (size_t i = 0; i < 4; i++) {
		arr[i] = malloc(cap[i]);
		if (arr[i] == NULL) {
			for (size_t k = 0; k < i; k++)
				free(arr[k]);
			return -1;
		}
		p[i] = arr[i];
		*p[i]++ = '{';
	}
	for (a = list; a != NULL; a = a->next) {
		const req_t *r = a->r;

		if (a != list)
			for (size_t i = 0; i < 4; i++)
				*p[i]++ = ',';
		p[0] += snprintf(p[0], 21, "%lld", (long long)r->actor.account_id);
		*p[1]++ = '"';
		/* Inside quotes only '"' and '\\' need a backslash. */
		for (const char *c = r->conn->instance_id; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				*p[1]++ = '\\';
			*p[1]++ = *c;
		}
		*p[1]++ = '"';
		p[2] += snprintf(p[2], 21, "%llu", (unsigned long long)r->rq->mutation_seq);
		memcpy(p[3], a->hex, a->hex_len);
		p[3] += a->hex_len;
	}
	for (size_t i = 0; i < 4; i++) {
		*p[i]++ = '}';
		*p[i] = '\0';
	}
	return 0;
}

/* Writes the waiting answers (up to a batch) in one statement, so one
 * commit makes them all durable; their replies go out after it.  Only
 * one batch is written at a time: answers that come meanwhile wait for
 * the next one, so under load many share a commit. */
static void req_answers_flush(server_t *srv)
{
	req_answers_t *q = &srv->answers;
	answers_batch_t *b;
	req_answer_t *list, **tailp;
	size_t n = 0, bytes = 0;

	if (q->busy || q->head == NULL)
		return;
	list = q->head;
	tailp = &list;
	while (*tailp != NULL && n < REQ_ANSWERS_BATCH &&
	       (n == 0 || bytes + (*tailp)->hex_len <= REQ_ANSWERS_BYTES)) {
		bytes += (*tailp)->hex_len;
		n++;
		tailp = &(*tailp)->next;
	}
	q->head = *tailp;
	if (q->head == NULL)
		q->tail = NULL;
	*tailp = NULL;
	q->waiting -= (unsigned)n;
	b = calloc(1, sizeof(*b));
	if (b == NULL || req_answers_arrays(list, b->params) != 0) {
		/* Without memory to store them the answers go out unstored: the
		 * changes are committed; a replay is answered as applied. */
		db_error_t err = {QT_RESOURCE_EXHAUSTED, "no memory to store the answer", NULL, NULL, NULL};
		free(b);
		while (list != NULL) {
			req_answer_t *a = list;
			list = a->next;
			req_answer_done(a, &err);
		}
		return;
	}
	b->srv = srv;
	b->list = list;
	q->busy = 1;
	if (db_query(srv->db,
	             "UPDATE client_mutation c SET response = decode(v.hex, 'hex') "
	             "FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[]) "
	             "AS v(account_id, client_id, seq, hex) "
	             "WHERE c.account_id = v.account_id AND c.client_id = v.client_id AND c.seq = v.seq",
	             4, (const char *const *)b->params, req_answers_done, b) != QT_OK) {
		db_error_t err = {QT_UNAVAILABLE, "the database is unavailable", NULL, NULL, NULL};
		req_answers_done(NULL, &err, b);
	}
}

static char *req_hex(const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(2 * n + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

/* Stores the answer of a mutation whose id was recorded, so that a replay
 * gets the original answer, and then sends it (req_reply again): an
 * acknowledged mutation always has its answer stored.  The answer joins
 * the next batch (req_answers_flush); each reply waits for the commit of
 * the batch that holds its own answer.  The change itself is already
 * committed; if the server stops in between, a replay is answered as
 * applied, without the record. */
static void req_store_answer(req_t *r)
{
	req_answers_t *q = &r->srv->answers;
	size_t n = quartier__v1__response__get_packed_size(&r->resp);
	uint8_t *buf = malloc(n + 1);
	req_answer_t *a = calloc(1, sizeof(*a));

	if (buf != NULL && a != NULL) {
		quartier__v1__response__pack(&r->resp, buf);
		a->hex = req_hex(buf, n);
	}
	free(buf);
	if (a == NULL || a->hex == NULL) {
		/* Without memory to store it the answer goes out unstored: the
		 * change is committed; a replay is answered as applied. */
		free(a);
		r->claimed = 0;
		req_reply(r);
		return;
	}
	a->r = r;
	a->hex_len = 2 * n;
	if (q->tail != NULL)
		q->tail->next = a;
	else
		q->head = a;
	q->tail = a;
	q->waiting++;
	req_answers_flush(r->srv);
}

static int req_unhex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;
		for (int k = 0; k < 2; k++) {
			char ch = s[2 * i + (size_t)k];
			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= ch - '0';
			else if (ch >= 'a' && ch <= 'f')
				v |= ch - 'a' + 10;
			else
				return -1;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* The stored original answer of a mutation sent again. */
static void req_replay_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	const char *hex;
	size_t n;
	uint8_t *buf;

	r->claimed = 0;
	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		/* The record vanished between the conflict and this read: only a
		 * prune racing a replay days late can do that. */
		req_fail(r, QT_UNAVAILABLE, "the mutation is being applied; try again", NULL);
		return;
	}
	if (strcmp(PQgetvalue(res, 0, 0), r->type) != 0) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "mutation_seq %llu was already used for a %s request",
		                    (unsigned long long)r->rq->mutation_seq, PQgetvalue(res, 0, 0)),
		         "mutation_seq");
		return;
	}
	log_info(&r->srv->log, "event=mutation_replayed conn=%llu acct=%lld type=%s seq=%llu answer=%s",
	         (unsigned long long)r->conn->id, (long long)r->actor.account_id, r->type,
	         (unsigned long long)r->rq->mutation_seq, PQgetisnull(res, 0, 1) ? "lost" : "stored");
	if (!PQgetisnull(res, 0, 1)) {
		hex = PQgetvalue(res, 0, 1);
		n = strlen(hex) / 2;
		buf = req_alloc(r, n + 1);
		if (req_unhex(hex, buf, n) == 0)
			r->replay = quartier__v1__response__unpack(NULL, n, buf);
		if (r->replay == NULL) {
			req_fail(r, QT_INTERNAL, "the stored answer of this mutation cannot be read", NULL);
			return;
		}
		r->resp = *r->replay;
		r->resp.id = r->id;
	}
	/* Else it was never acknowledged: the server that applied it stopped
	 * before storing its answer (or storing failed).  The change is in,
	 * and the answer says so without a body; the record itself comes
	 * through the feed. */
	r->resp.has_replayed = 1;
	r->resp.replayed = 1;
	req_reply(r);
}

/* Reads the stored record of r's client mutation id (request type, answer
 * as hex) and hands it to cb. */
static void req_lookup_mutation(req_t *r, db_result_cb cb)
{
	const char **p = req_alloc(r, 3 * sizeof(*p));

	p[0] = req_i64(r, r->actor.account_id);
	p[1] = r->conn->instance_id;
	p[2] = req_printf(r, "%llu", (unsigned long long)r->rq->mutation_seq);
	req_query(r,
	          "SELECT request_type, encode(response, 'hex') FROM client_mutation "
	          "WHERE account_id = $1 AND client_id = $2 AND seq = $3",
	          3, p, cb);
}

static void req_mutate_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	int last;
	unsigned long long xid, seq;
	char epoch[33];

	if (err != NULL && r->claimed && err->field != NULL && strcmp(err->field, "mutation_seq") == 0) {
		req_lookup_mutation(r, req_replay_cb);
		return;
	}
	if (err != NULL)
		r->claimed = 0;
	if (err == NULL && PQntuples(res) > 0 && (last = PQnfields(res) - 1) >= 0 &&
	    strcmp(PQfname(res, last), "qt_cursor") == 0 && !PQgetisnull(res, 0, last) &&
	    sscanf(PQgetvalue(res, 0, last), "%32[0-9a-f.]/%llu/%llu", epoch, &xid, &seq) == 3) {
		quartier__v1__cursor__init(&r->cursor);
		snprintf(r->cursor_epoch, sizeof(r->cursor_epoch), "%s", epoch);
		r->cursor.epoch = r->cursor_epoch;
		r->cursor.xid = xid;
		r->cursor.seq = seq;
		r->resp.cursor = &r->cursor;
		feed_kick(&r->srv->feed);
	}
	r->mutate_cb(res, err, r);
}

typedef struct replay_check {
	void (*handler)(req_t *r);
} replay_check_t;

static void req_replay_check_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err == NULL && PQntuples(res) == 1) {
		req_replay_cb(res, err, arg);
		return;
	}
	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	((replay_check_t *)r->ctx)->handler(r);
}

void req_run_mutation(req_t *r, void (*handler)(req_t *r))
{
	replay_check_t *chk;

	if (!r->rq->has_mutation_seq || r->rq->mutation_seq == 0 || r->conn->instance_id[0] == '\0') {
		handler(r);
		return;
	}
	chk = req_alloc(r, sizeof(*chk));
	chk->handler = handler;
	r->ctx = chk;
	req_lookup_mutation(r, req_replay_check_cb);
}

int req_mutate(req_t *r, const char *sql, int nparams, const char *const *values,
               db_result_cb cb)
{
	const char **p;
	const char *wrapped;
	int np = nparams;

	r->mutate_cb = cb;
	/* $n+1 is the account: the cursor is in its epoch (migration 0009). */
	p = req_alloc(r, ((size_t)nparams + 4) * sizeof(*p));
	for (int i = 0; i < nparams; i++)
		p[i] = values[i];
	p[np++] = req_i64(r, r->actor.account_id);
	if (r->rq->has_mutation_seq && r->rq->mutation_seq > 0 && r->on_done == NULL &&
	    r->conn->instance_id[0] != '\0') {
		p[np++] = r->conn->instance_id;
		p[np++] = req_printf(r, "%llu", (unsigned long long)r->rq->mutation_seq);
		p[np++] = r->type;
		wrapped = req_printf(r,
		                     "WITH qt_claim AS (INSERT INTO client_mutation "
		                     "(account_id, client_id, seq, request_type) "
		                     "VALUES ($%d::bigint, $%d, $%d::bigint, $%d) RETURNING 1) "
		                     "SELECT qt_q.*, qt_feed_mark($%d::bigint) AS qt_cursor "
		                     "FROM (%s OFFSET 0) qt_q",
		                     nparams + 1, nparams + 2, nparams + 3, nparams + 4, nparams + 1, sql);
		r->claimed = 1;
	} else {
		wrapped = req_printf(r,
		                     "SELECT qt_q.*, qt_feed_mark($%d::bigint) AS qt_cursor "
		                     "FROM (%s OFFSET 0) qt_q",
		                     nparams + 1, sql);
	}
	return req_query(r, wrapped, np, p, req_mutate_cb);
}

/* ------------------------------------------------------------ answers */

void req_reply(req_t *r)
{
	conn_t *c = r->conn;
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	const char *status = "ok";
	double ms = (double)(uv_hrtime() - r->started_ns) / 1e6;
	qt_status_t st;

	if (r->on_done != NULL) {
		r->on_done(r, r->done_arg);
		req_free(r);
		return;
	}
	if (r->claimed && r->resp.error == NULL) {
		req_store_answer(r); /* replies when stored */
		return;
	}
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_RESPONSE;
	env.response = &r->resp;
	if (r->resp.error != NULL)
		status = qt_status_name((qt_status_t)r->resp.error->status);
	if (c->state != CONN_CLOSING) {
		st = conn_send(c, &env);
		if (st == QT_RESOURCE_EXHAUSTED) {
			/* The answer is larger than a frame may be: say so instead. */
			req_fail(r, QT_RESOURCE_EXHAUSTED,
			         "the answer exceeds the maximum frame size; ask for a smaller page", NULL);
			return;
		}
	}
	metrics_request(&r->srv->metrics, r->type,
	                r->resp.error != NULL ? (qt_status_t)r->resp.error->status : QT_OK, ms / 1000.0);
	log_info(&r->srv->log, "event=request conn=%llu acct=%lld id=%llu type=%s status=%s ms=%.2f",
	         (unsigned long long)c->id, (long long)r->actor.account_id,
	         (unsigned long long)r->id, r->type, status, ms);
	req_free(r);
}

void req_fail(req_t *r, qt_status_t st, const char *msg, const char *field)
{
	Quartier__V1__Error *err = req_alloc(r, sizeof(*err));

	envelope_error_set(err, st, req_strdup(r, msg != NULL ? msg : qt_status_str(st)),
	                   field != NULL ? req_strdup(r, field) : NULL);
	/* An error answer carries no body. */
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY__NOT_SET;
	r->resp.error = err;
	req_reply(r);
}

void req_fail_db(req_t *r, const db_error_t *err)
{
	if (err->status == QT_INTERNAL)
		log_error(&r->srv->log, "event=db_error conn=%llu type=%s sqlstate=%s msg=\"%s\"",
		          (unsigned long long)r->conn->id, r->type,
		          err->sqlstate != NULL ? err->sqlstate : "-",
		          err->detail != NULL ? err->detail : err->message);
	req_fail(r, err->status, err->message, err->field);
}

int req_query(req_t *r, const char *sql, int nparams, const char *const *values,
              db_result_cb cb)
{
	qt_status_t st;

	/* A request that ran out of memory starts no more database work: it
	 * ends here and gives its reserve memory back. */
	if (r->oom) {
		req_fail(r, QT_RESOURCE_EXHAUSTED, REQ_OOM_MESSAGE, NULL);
		return -1;
	}
	st = db_query(r->srv->db, sql, nparams, values, cb, r);
	if (st == QT_OK)
		return 0;
	req_fail_unqueued(r, st);
	return -1;
}

void req_fail_unqueued(req_t *r, qt_status_t st)
{
	if (st == QT_UNAVAILABLE)
		req_fail(r, st, "the database is unavailable; try again", NULL);
	else if (st == QT_NOMEM)
		req_fail(r, QT_RESOURCE_EXHAUSTED, REQ_OOM_MESSAGE, NULL);
	else
		req_fail(r, st, "the server is overloaded; try again", NULL);
}

req_t *req_new_internal(conn_t *c, const Quartier__V1__Request *body, const char *name,
                        void (*on_done)(req_t *r, void *arg), void *arg)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	qt_envelope_t *copy;
	uint8_t *buf;
	size_t n;
	req_t *r;

	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = (Quartier__V1__Request *)body;
	n = quartier__v1__envelope__get_packed_size(&env);
	buf = malloc(n + 1);
	if (buf == NULL)
		return NULL;
	quartier__v1__envelope__pack(&env, buf);
	copy = envelope_unpack(buf, n);
	free(buf);
	if (copy == NULL)
		return NULL;
	r = req_new(c, copy);
	if (r == NULL) {
		envelope_free(copy);
		return NULL;
	}
	r->type = name;
	r->on_done = on_done;
	r->done_arg = arg;
	return r;
}
