/* Requests in flight (see request.h). */
#include "request.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct req_chunk {
	req_chunk_t *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

#define REQ_CHUNK_MIN 4096

req_t *req_new(conn_t *c, qt_envelope_t *env)
{
	req_t *r = calloc(1, sizeof(*r));

	if (r == NULL)
		abort();
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

void *req_alloc(req_t *r, size_t n)
{
	req_chunk_t *ch = r->arena;

	n = (n + 15) & ~(size_t)15;
	if (ch == NULL || ch->size - ch->used < n) {
		size_t size = n > REQ_CHUNK_MIN ? n : REQ_CHUNK_MIN;
		ch = malloc(sizeof(*ch) + size);
		if (ch == NULL)
			abort();
		ch->size = size;
		ch->used = 0;
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

const char *req_id_array(req_t *r, const int64_t *ids, size_t n)
{
	char *p = req_alloc(r, 2 + n * 21);
	size_t o = 0;

	p[o++] = '{';
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(p + o, "%s%" PRId64, i ? "," : "", ids[i]);
	p[o++] = '}';
	p[o] = '\0';
	return p;
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

static void req_free(req_t *r)
{
	conn_t *c = r->conn;

	while (r->arena != NULL) {
		req_chunk_t *next = r->arena->next;
		free(r->arena);
		r->arena = next;
	}
	envelope_free(r->env);
	free(r);
	c->in_flight--;
	if (c->srv->shutting_down && c->in_flight == 0)
		conn_close(c, QT_UNAVAILABLE, "the server is shutting down");
	/* Input may have waited for this slot. */
	if (c->state != CONN_CLOSING)
		conn_process(c);
	conn_unref(c);
}

void req_reply(req_t *r)
{
	conn_t *c = r->conn;
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	const char *status = "ok";
	double ms = (double)(uv_hrtime() - r->started_ns) / 1e6;
	qt_status_t st;

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
	qt_status_t st = db_query(r->srv->db, sql, nparams, values, cb, r);

	if (st == QT_OK)
		return 0;
	req_fail(r, st, st == QT_UNAVAILABLE ? "the database is unavailable; try again"
	                                     : "the server is overloaded; try again", NULL);
	return -1;
}
