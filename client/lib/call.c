/* The request/response core: sending a request and waiting for the
 * response with its id, answering server pings on the way, turning a
 * goodbye or an error response into a status with details, and qt_ping()
 * with its pipelined variant. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Pings written at once by qt_ping_pipelined() before it reads pongs. */
#define CALL_PING_BATCH 4096u

/* Answers a server ping with a pong carrying the same nonce. */
static qt_status_t call_pong(qt_client_t *c, const Quartier__V1__Ping *ping,
                             uint64_t deadline)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Pong pong = QUARTIER__V1__PONG__INIT;

	pong.has_nonce = ping->has_nonce;
	pong.nonce = ping->nonce;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PONG;
	env.pong = &pong;
	return conn_send(c, &env, deadline);
}

/* Records why the server said goodbye; the stream ends here. */
static qt_status_t call_goodbye(qt_client_t *c, const Quartier__V1__Goodbye *g)
{
	const Quartier__V1__Error *e = g->error;

	c->broken = 1;
	if (e == NULL)
		return client_error(c, QT_UNAVAILABLE, NULL,
		                    "server closed the connection");
	if (envelope_status_from_wire((int)e->status) == QT_OK) {
		/* A normal shutdown: the caller may retry elsewhere/later. */
		return client_error(c, QT_UNAVAILABLE, NULL,
		                    "server is shutting down%s%s",
		                    e->message != NULL && e->message[0] ? ": " : "",
		                    e->message != NULL ? e->message : "");
	}
	return client_error_wire(c, e);
}

qt_status_t call_poll_one(qt_client_t *c, uint64_t deadline, qt_envelope_t **out)
{
	qt_envelope_t *env = NULL;
	qt_status_t rc;

	*out = NULL;
	rc = conn_recv(c, deadline, &env);
	if (rc != QT_OK)
		goto out;
	switch (env->kind_case) {
	case QUARTIER__V1__ENVELOPE__KIND_PING:
		rc = call_pong(c, env->ping, deadline);
		break;
	case QUARTIER__V1__ENVELOPE__KIND_EVENT:
		/* Pushed changes go to the subscription that asked for them
		 * (sync.c); without one they are stale and skipped. */
		if (c->event_cb != NULL && env->event != NULL)
			rc = c->event_cb(c, env->event, c->event_arg);
		break;
	case QUARTIER__V1__ENVELOPE__KIND_GOODBYE:
		rc = call_goodbye(c, env->goodbye);
		break;
	default:
		*out = env;
		env = NULL;
		break;
	}
out:
	envelope_free(env);
	return rc;
}

qt_status_t call_next(qt_client_t *c, uint64_t deadline, qt_envelope_t **out)
{
	qt_status_t rc;

	do
		rc = call_poll_one(c, deadline, out);
	while (rc == QT_OK && *out == NULL);
	return rc;
}

qt_status_t call_request(qt_client_t *c, Quartier__V1__Request *req,
                         Quartier__V1__Response__BodyCase want,
                         qt_envelope_t **out)
{
	c->queued = 0;
	if (outbox_applies(c, req))
		return outbox_call(c, req, want, out);
	if (c->offline)
		return offline_read(c, req, want, out);
	return call_request_raw(c, req, want, out);
}

qt_status_t call_request_raw(qt_client_t *c, Quartier__V1__Request *req,
                             Quartier__V1__Response__BodyCase want,
                             qt_envelope_t **out)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__Response *resp;
	uint64_t deadline = conn_deadline(c);
	qt_status_t rc;

	req->id = ++c->next_request_id;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = req;
	rc = conn_send(c, &env, deadline);
	if (rc != QT_OK)
		goto out;

	for (;;) {
		rc = call_next(c, deadline, &in);
		if (rc != QT_OK)
			goto out;
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_PONG) {
			/* A late answer to an earlier ping; harmless. */
			envelope_free(in);
			in = NULL;
			continue;
		}
		if (in->kind_case != QUARTIER__V1__ENVELOPE__KIND_RESPONSE) {
			c->broken = 1;
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
			                  "unexpected message (kind %d) from the server",
			                  (int)in->kind_case);
			goto out;
		}
		break;
	}

	resp = in->response;
	/* Id 0 marks an error about a request whose id the server could not
	 * read; with one request outstanding, that is ours. */
	if (resp->id != req->id && !(resp->id == 0 && resp->error != NULL)) {
		c->broken = 1;
		rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
		                  "response to request %llu while waiting for %llu",
		                  (unsigned long long)resp->id,
		                  (unsigned long long)req->id);
		goto out;
	}
	if (resp->error != NULL) {
		rc = client_error_wire(c, resp->error);
		goto out;
	}
	/* want NOT_SET takes any body (the outbox only needs the verdict);
	 * a replayed answer may have none (the original was lost). */
	if (resp->body_case != want && want != QUARTIER__V1__RESPONSE__BODY__NOT_SET &&
	    !(resp->replayed && resp->body_case == QUARTIER__V1__RESPONSE__BODY__NOT_SET) &&
	    !(want == QUARTIER__V1__RESPONSE__BODY_EMPTY &&
	      resp->body_case == QUARTIER__V1__RESPONSE__BODY__NOT_SET)) {
		rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
		                  "server answered with body %d, expected %d",
		                  (int)resp->body_case, (int)want);
		goto out;
	}
	*out = in;
	in = NULL;
	rc = QT_OK;
out:
	envelope_free(in);
	return rc;
}

/* Waits for the pong with nonce; other pongs are stale and skipped unless
 * strict (pipelining expects them in order). */
static qt_status_t call_await_pong(qt_client_t *c, uint64_t nonce, int strict,
                                   uint64_t deadline)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	for (;;) {
		rc = call_next(c, deadline, &in);
		if (rc != QT_OK)
			goto out;
		if (in->kind_case != QUARTIER__V1__ENVELOPE__KIND_PONG) {
			c->broken = 1;
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
			                  "unexpected message (kind %d) while waiting for a pong",
			                  (int)in->kind_case);
			goto out;
		}
		if (in->pong->has_nonce && in->pong->nonce == nonce)
			break;
		if (strict) {
			c->broken = 1;
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
			                  "pong %llu arrived while expecting %llu",
			                  (unsigned long long)in->pong->nonce,
			                  (unsigned long long)nonce);
			goto out;
		}
		envelope_free(in);
		in = NULL;
	}
	rc = QT_OK;
out:
	envelope_free(in);
	return rc;
}

qt_status_t qt_ping(qt_client_t *c)
{
	return qt_ping_pipelined(c, 1);
}

qt_status_t qt_ping_pipelined(qt_client_t *c, unsigned n)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Ping ping = QUARTIER__V1__PING__INIT;
	uint64_t deadline, first;
	uint8_t *all = NULL, *one = NULL, *grown;
	size_t len, cap = 0, one_len;
	uint32_t max;
	unsigned i, base, batch;
	qt_status_t rc = QT_OK;

	client_begin(c);
	if (n == 0)
		goto out;
	deadline = conn_deadline(c);
	max = c->authenticated ? c->max_frame : c->max_frame_preauth;
	first = c->next_nonce + 1;
	c->next_nonce += n;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
	env.ping = &ping;
	ping.has_nonce = 1;

	/* Each batch goes out in one write and its pongs are read before
	 * the next: up to CALL_PING_BATCH pings are truly pipelined, and no
	 * n can fill both sides' buffers while nobody reads. */
	for (base = 0; base < n; base += batch) {
		batch = n - base < CALL_PING_BATCH ? n - base : CALL_PING_BATCH;
		len = 0;
		for (i = 0; i < batch; i++) {
			ping.nonce = first + base + i;
			rc = envelope_pack(&env, max, &one, &one_len);
			if (rc != QT_OK) {
				rc = client_error(c, rc, NULL, "cannot pack a ping");
				goto out;
			}
			if (len + one_len > cap) {
				size_t ncap = cap != 0 ? cap * 2 : one_len * batch;

				while (ncap < len + one_len)
					ncap *= 2;
				grown = realloc(all, ncap);
				if (grown == NULL) {
					rc = client_error(c, QT_NOMEM, NULL, "out of memory");
					goto out;
				}
				all = grown;
				cap = ncap;
			}
			memcpy(all + len, one, one_len);
			len += one_len;
			free(one);
			one = NULL;
		}
		rc = conn_write(c, all, len, deadline);
		if (rc != QT_OK)
			goto out;
		for (i = 0; i < batch; i++) {
			rc = call_await_pong(c, first + base + i, n > 1, deadline);
			if (rc != QT_OK)
				goto out;
		}
	}
out:
	free(one);
	free(all);
	return rc;
}
