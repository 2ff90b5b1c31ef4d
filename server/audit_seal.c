/* The audit sealer on the event loop and the verification row reader
 * (see audit_seal.h). */
#include "audit_seal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrow.h"
#include "server.h"

/* While sealing is switched off, how often to look whether it was switched
 * on again by a reload. */
#define AUDIT_SEAL_IDLE_MS 1000u
/* The first round, soon after start (the pool is connecting meanwhile). */
#define AUDIT_SEAL_FIRST_MS 200u

qt_status_t audit_verdict_from_result(const PGresult *res, audit_verdict_t *out)
{
	audit_verdict_t v;
	const char *hash;

	if (res == NULL || PQntuples(res) != 1 || PQnfields(res) != 11)
		return QT_INTERNAL;
	memset(&v, 0, sizeof(v));
	v.sealed = (uint64_t)pgrow_i64(res, 0, 0);
	v.checked = (uint64_t)pgrow_i64(res, 0, 1);
	v.pending = (uint64_t)pgrow_i64(res, 0, 2);
	v.redacted = (uint64_t)pgrow_i64(res, 0, 3);
	v.head_pos = pgrow_i64(res, 0, 4);
	hash = pgrow_null(res, 0, 5) ? "" : PQgetvalue(res, 0, 5);
	snprintf(v.head_hash, sizeof(v.head_hash), "%s", hash);
	if (audit_verdict_set_finding(&v, pgrow_null(res, 0, 6) ? NULL : PQgetvalue(res, 0, 6)) !=
	    QT_OK)
		return QT_INTERNAL;
	v.bad_id = pgrow_i64(res, 0, 7);
	v.bad_pos = pgrow_i64(res, 0, 8);
	v.other_id = pgrow_i64(res, 0, 9);
	v.other_pos = pgrow_i64(res, 0, 10);
	*out = v;
	return QT_OK;
}

static void audit_seal_schedule(audit_seal_t *s, uint64_t ms);

static void audit_seal_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	audit_seal_t *s = arg;
	server_t *srv = s->srv;
	uint64_t sealed;
	int more;

	s->running = 0;
	if (!s->timer_open)
		return; /* shut down meanwhile */
	if (err != NULL || PQntuples(res) != 1) {
		srv->metrics.audit_seal_failures++;
		if (!s->failing)
			log_error(&srv->log, "event=audit_seal status=failed error=\"%s\"",
			          err != NULL ? err->message : "no result");
		s->failing = 1;
		audit_seal_schedule(s, srv->cfg.audit_seal_ms);
		return;
	}
	if (s->failing)
		log_notice(&srv->log, "event=audit_seal status=recovered");
	s->failing = 0;
	/* sealed, more, busy, known_ok, head_pos, head_hash */
	sealed = (uint64_t)pgrow_i64(res, 0, 0);
	more = PQgetvalue(res, 0, 1)[0] == 't';
	if (PQgetvalue(res, 0, 3)[0] == 'f') {
		srv->metrics.audit_breaks++;
		log_error(&srv->log,
		          "event=audit_chain_broken position=%" PRId64
		          " hash=%s msg=\"the chain no "
		          "longer holds the head this server saw: audit rows were deleted or "
		          "rewritten; run quartierd audit verify\"",
		          s->known_pos, s->known_hash);
	}
	srv->metrics.audit_sealed += sealed;
	if (!pgrow_null(res, 0, 4) && !pgrow_null(res, 0, 5)) {
		s->known_pos = pgrow_i64(res, 0, 4);
		snprintf(s->known_hash, sizeof(s->known_hash), "%s", PQgetvalue(res, 0, 5));
	}
	if (sealed > 0)
		log_info(&srv->log, "event=audit_sealed rows=%" PRIu64 " head=%" PRId64 ":%s",
		         sealed, s->known_pos, s->known_hash);
	audit_seal_schedule(s, more ? 0 : srv->cfg.audit_seal_ms);
}

static void audit_seal_fire(uv_timer_t *t)
{
	audit_seal_t *s = t->data;
	server_t *srv = s->srv;
	qt_status_t st;

	if (s->running || srv->shutting_down)
		return;
	if (srv->cfg.audit_seal_ms == 0 || srv->db == NULL || db_pool_connected(srv->db) == 0) {
		/* Off, or no database yet: look again later (an outage is
		 * the pool's to report). */
		audit_seal_schedule(s, srv->cfg.audit_seal_ms);
		return;
	}
	snprintf(s->p_limit, sizeof(s->p_limit), "%u", AUDIT_SEAL_BATCH);
	s->params[0] = s->p_limit;
	if (s->known_pos > 0) {
		snprintf(s->p_pos, sizeof(s->p_pos), "%" PRId64, s->known_pos);
		s->params[1] = s->p_pos;
		s->params[2] = s->known_hash;
	} else {
		s->params[1] = NULL;
		s->params[2] = NULL;
	}
	st = db_query(srv->db,
	              "SELECT sealed, more, busy, known_ok, head_pos, encode(head_hash, 'hex') "
	              "FROM qt_audit_seal(false, $1::int, $2::bigint, decode($3, 'hex'))",
	              3, s->params, audit_seal_cb, s);
	if (st == QT_OK)
		s->running = 1;
	else
		audit_seal_schedule(s, srv->cfg.audit_seal_ms);
}

/* Arms the timer for the next round in ms (0: at once); while sealing is
 * off, in AUDIT_SEAL_IDLE_MS. */
static void audit_seal_schedule(audit_seal_t *s, uint64_t ms)
{
	if (!s->timer_open)
		return;
	if (ms == 0 && s->srv->cfg.audit_seal_ms == 0)
		ms = AUDIT_SEAL_IDLE_MS;
	uv_timer_start(&s->timer, audit_seal_fire, ms, 0);
}

void audit_seal_init(audit_seal_t *s, server_t *srv)
{
	memset(s, 0, sizeof(*s));
	s->srv = srv;
	uv_timer_init(srv->loop, &s->timer);
	s->timer.data = s;
	s->timer_open = 1;
	uv_timer_start(&s->timer, audit_seal_fire, AUDIT_SEAL_FIRST_MS, 0);
}

void audit_seal_close(audit_seal_t *s)
{
	if (!s->timer_open)
		return;
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, NULL);
	s->timer_open = 0;
}
