/* Subscriptions and the feed watcher (see feed.h). */
#include "feed.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "handlers.h"
#include "request.h"
#include "server.h"

#define FEED_WATCH_LIMIT 1000       /* feed rows one watcher round reads */
#define FEED_PUSH_LIMIT 200         /* records per pushed event */
#define FEED_MAINT_FIRST_MS 100     /* until the epoch is known: retry this often */
#define FEED_MAINT_EVERY_MS 3600000 /* then: prune and dated visibility hourly */
#define FEED_RETRY_MS 500           /* a failed push is tried again after this */
#define FEED_PUSH_THREADS_MAX 7     /* push helper threads at push_threads = 0 */
#define FEED_STR_(x) #x
#define FEED_STR(x) FEED_STR_(x)

struct feed_sub {
	feed_t *feed;
	conn_t *conn;               /* borrowed: the subscription lives inside it */
	char epoch[33];             /* the client's cursor's epoch */
	int kind;                   /* ScopeKind */
	int64_t scope_id;
	uint64_t xid, seq;          /* cursor: everything up to here was pushed */
	int active;                 /* in the index */
	int busy;                   /* a pull is in flight */
	int dirty;                  /* woken while busy */
	uint64_t woken_round;
	feed_sub_t *next;           /* in feed->all or a bucket chain */
	feed_sub_t **pprev;
	uv_timer_t *retry;          /* owned while a retry is scheduled */
	struct feed_group *group;   /* the shared render it waits for, or NULL */
	size_t group_slot;
};

/* A shared render of one watcher round for the subscriptions of one
 * account (same actor, same epoch). */
typedef struct feed_group {
	feed_t *feed;
	feed_sub_t **subs;          /* owned array; a slot is NULL once its sub goes */
	size_t n;
	uint64_t to_xid, to_seq;    /* the watcher's head after the round */
} feed_group_t;

static void feed_sub_pull(feed_sub_t *s);
static void feed_poll_fire(uv_timer_t *t);

/* ------------------------------------------------------------ index */

static feed_sub_t **feed_bucket(feed_t *f, int kind, int64_t id)
{
	uint64_t h = ((uint64_t)id * 0x9E3779B97F4A7C15ull) ^ (uint64_t)kind;

	return &f->buckets[(h >> 32) % FEED_BUCKETS];
}

static void feed_link(feed_t *f, feed_sub_t *s)
{
	feed_sub_t **head = s->kind == 0 ? &f->all : feed_bucket(f, s->kind, s->scope_id);

	s->next = *head;
	if (*head != NULL)
		(*head)->pprev = &s->next;
	s->pprev = head;
	*head = s;
	s->active = 1;
	f->n_subs++;
}

static void feed_unlink(feed_t *f, feed_sub_t *s)
{
	if (s->group != NULL) {
		s->group->subs[s->group_slot] = NULL;
		s->group = NULL;
		s->busy = 0;
	}
	if (!s->active)
		return;
	*s->pprev = s->next;
	if (s->next != NULL)
		s->next->pprev = s->pprev;
	s->next = NULL;
	s->pprev = NULL;
	s->active = 0;
	f->n_subs--;
	if (f->n_subs == 0 && f->timers_open) {
		uv_timer_stop(&f->poll);
		f->head_known = 0;
	}
}

static void feed_wake(feed_sub_t *s)
{
	if (!s->active || s->woken_round == s->feed->wake_round)
		return;
	s->woken_round = s->feed->wake_round;
	if (s->busy)
		s->dirty = 1;
	else
		feed_sub_pull(s);
}

static void feed_wake_chain(feed_t *f, feed_sub_t *s, int kind, int64_t id)
{
	feed_sub_t *next;

	for (; s != NULL; s = next) {
		next = s->next; /* a wake may unlink s (overflow) */
		if (s->kind == kind && s->scope_id == id)
			feed_wake(s);
	}
}

/* Wakes the scoped subscriptions (all), and with everything 1 also those
 * that follow everything. */
static void feed_wake_all(feed_t *f, int everything)
{
	feed_sub_t *s, *next;

	for (s = everything ? f->all : NULL; s != NULL; s = next) {
		next = s->next;
		feed_wake(s);
	}
	for (unsigned b = 0; b < FEED_BUCKETS; b++) {
		for (s = f->buckets[b]; s != NULL; s = next) {
			next = s->next;
			feed_wake(s);
		}
	}
}

/* Wakes the subscriptions whose scope kind matches one of the ids in the
 * PostgreSQL array literal text ("{1,2}"). */
static void feed_wake_keys(feed_t *f, int kind, const char *text)
{
	const char *p = text;
	char *end;

	while (*p != '\0') {
		if (*p == '{' || *p == ',' || *p == '}') {
			p++;
			continue;
		}
		long long id = strtoll(p, &end, 10);
		if (end == p)
			break;
		feed_wake_chain(f, *feed_bucket(f, kind, id), kind, id);
		p = end;
	}
}

/* ------------------------------------------------------------ pushing */

static void feed_retry_closed(uv_handle_t *h)
{
	free(h);
}

static void feed_retry_fire(uv_timer_t *t)
{
	feed_sub_t *s = t->data;

	uv_close((uv_handle_t *)t, feed_retry_closed);
	s->retry = NULL;
	if (s->active && !s->busy)
		feed_sub_pull(s);
}

static void feed_sub_retry_later(feed_sub_t *s)
{
	if (s->retry != NULL)
		return;
	s->retry = malloc(sizeof(*s->retry));
	if (s->retry == NULL)
		abort();
	uv_timer_init(s->feed->srv->loop, s->retry);
	s->retry->data = s;
	uv_timer_start(s->retry, feed_retry_fire, FEED_RETRY_MS, 0);
}

/* Tells the client to resume by pulling, and ends the subscription. */
static void feed_overflow(feed_sub_t *s, const char *reason)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Event ev = QUARTIER__V1__EVENT__INIT;

	ev.has_overflow = 1;
	ev.overflow = 1;
	ev.reason = (char *)reason;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_EVENT;
	env.event = &ev;
	s->feed->overflows++;
	log_info(&s->feed->srv->log, "event=feed_overflow conn=%llu reason=\"%s\"",
	         (unsigned long long)s->conn->id, reason);
	(void)conn_send(s->conn, &env);
	feed_unlink(s->feed, s);
}

static void feed_push_done(req_t *r, void *arg)
{
	feed_sub_t *s = arg;
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Event ev = QUARTIER__V1__EVENT__INIT;
	Quartier__V1__SyncChanges *ch = r->resp.sync_changes;
	int again;

	s->busy = 0;
	if (!s->active || s->conn->state == CONN_CLOSING)
		return;
	if (r->resp.error != NULL) {
		if (r->resp.error->retryable) {
			feed_sub_retry_later(s);
			return;
		}
		feed_overflow(s, r->resp.error->message);
		return;
	}
	if (ch == NULL)
		return;
	if (ch->resync) {
		feed_overflow(s, ch->reason != NULL ? ch->reason : "resync required");
		return;
	}
	if (s->conn->out_bytes > s->feed->srv->cfg.feed_queue_max) {
		feed_overflow(s, "the connection fell behind the change feed; pull from your cursor");
		return;
	}
	if (ch->cursor != NULL && (ch->cursor->xid != s->xid || ch->cursor->seq != s->seq ||
	                           ch->n_records > 0)) {
		ev.changes = ch;
		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_EVENT;
		env.event = &ev;
		if (ch->n_records > 0 || ch->more) {
			if (conn_send(s->conn, &env) != QT_OK) {
				feed_overflow(s, "a pushed page exceeded the frame size; pull from your cursor");
				return;
			}
			s->feed->pushes++;
			log_debug(&s->feed->srv->log, "event=feed_push conn=%llu records=%zu more=%d",
			          (unsigned long long)s->conn->id, ch->n_records, (int)ch->more);
		}
		s->xid = ch->cursor->xid;
		s->seq = ch->cursor->seq;
	}
	again = s->dirty || ch->more;
	s->dirty = 0;
	if (again)
		feed_sub_pull(s);
}

/* ------------------------------------------------------------ shared renders */

static int feed_pos_after(uint64_t xid, uint64_t seq, uint64_t cxid, uint64_t cseq)
{
	return xid > cxid || (xid == cxid && seq > cseq);
}

/* A group's answer packed once as an Event frame, for every subscription
 * whose cursor stood before all of its records (the usual case: the
 * subscriptions of one account level with the watcher). */
typedef struct feed_frame {
	int packed;                 /* tried: rc, buf and len are set */
	qt_status_t rc;
	uint8_t *buf;               /* owned, from envelope_pack() */
	size_t len;
} feed_frame_t;

/* Packs ev into the frame it is sent as (once per shared frame). */
static void feed_frame_pack(feed_t *f, feed_frame_t *fr, Quartier__V1__Event *ev)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;

	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_EVENT;
	env.event = ev;
	fr->packed = 1;
	fr->rc = envelope_pack(&env, f->srv->cfg.max_frame, &fr->buf, &fr->len);
	if (fr->rc == QT_NOMEM)
		abort();
}

/* Whether record w lies past s's cursor. */
static int feed_record_after(const Quartier__V1__Record *w, const feed_sub_t *s)
{
	return w->cursor != NULL && feed_pos_after(w->cursor->xid, w->cursor->seq, s->xid, s->seq);
}

/* Prepares job to send s the records of ch past its cursor and moves the
 * cursor to ch's (or keeps it, if already beyond).  A subscription that
 * gets all of ch gets shared's bytes (packed here on first use); one that
 * gets part of it gets a frame of its own in *own (freed by the caller
 * after the send).  Returns 1 if job is to be sent. */
static int feed_deliver(feed_sub_t *s, const Quartier__V1__SyncChanges *ch, feed_frame_t *shared,
                        conn_send_job_t *job, uint8_t **own_buf)
{
	Quartier__V1__Event ev = QUARTIER__V1__EVENT__INIT;
	Quartier__V1__SyncChanges mine = *ch;
	Quartier__V1__Record **recs = NULL;
	Quartier__V1__Cursor cur = *ch->cursor;
	feed_frame_t own = {0};
	feed_frame_t *fr = &own;
	size_t n = 0;
	int send = 0;

	if (s->conn->out_bytes > s->feed->srv->cfg.feed_queue_max) {
		feed_overflow(s, "the connection fell behind the change feed; pull from your cursor");
		return 0;
	}
	for (size_t i = 0; i < ch->n_records; i++)
		n += feed_record_after(ch->records[i], s);
	if (n > 0) {
		if (n == ch->n_records && feed_pos_after(cur.xid, cur.seq, s->xid, s->seq)) {
			/* The usual case: all of it, as the shared frame. */
			fr = shared;
			ev.changes = (Quartier__V1__SyncChanges *)ch;
		} else {
			recs = malloc(n * sizeof(*recs));
			if (recs == NULL)
				abort();
			n = 0;
			for (size_t i = 0; i < ch->n_records; i++)
				if (feed_record_after(ch->records[i], s))
					recs[n++] = ch->records[i];
			if (!feed_pos_after(cur.xid, cur.seq, s->xid, s->seq)) {
				cur.xid = s->xid;
				cur.seq = s->seq;
			}
			mine.records = recs;
			mine.n_records = n;
			mine.cursor = &cur;
			ev.changes = &mine;
		}
		if (!fr->packed)
			feed_frame_pack(s->feed, fr, &ev);
		if (fr->rc != QT_OK) {
			free(own.buf);
			free(recs);
			feed_overflow(s, "a pushed page exceeded the frame size; pull from your cursor");
			return 0;
		}
		send = conn_send_detach(s->conn, job, fr->buf, fr->len) == QT_OK;
		if (send && fr == &own)
			*own_buf = own.buf;
		else
			free(own.buf);
	}
	free(recs);
	if (feed_pos_after(ch->cursor->xid, ch->cursor->seq, s->xid, s->seq)) {
		s->xid = ch->cursor->xid;
		s->seq = ch->cursor->seq;
	}
	return send;
}

static void feed_watch(feed_t *f);

/* One shared render is out; the last one lets the watcher go on (unless
 * the watcher's callback itself is still running: may_watch 0). */
static void feed_groups_done(feed_t *f, int may_watch)
{
	if (--f->groups_pending > 0)
		return;
	f->n_rows = 0;
	if (!f->timers_open) { /* closed meanwhile */
		free(f->rows);
		f->rows = NULL;
		f->cap_rows = 0;
		return;
	}
	if (may_watch && f->kicked && f->n_subs > 0) {
		f->kicked = 0;
		feed_watch(f);
	}
}

static void feed_group_done(req_t *r, void *arg)
{
	feed_group_t *g = arg;
	Quartier__V1__SyncChanges *ch = r->resp.sync_changes;
	feed_frame_t shared = {0};
	conn_send_job_t *jobs = malloc((g->n + 1) * sizeof(*jobs));
	uint8_t **own = calloc(g->n + 1, sizeof(*own));
	size_t n_jobs = 0;

	if (jobs == NULL || own == NULL)
		abort();
	for (size_t i = 0; i < g->n; i++) {
		feed_sub_t *s = g->subs[i];

		if (s == NULL)
			continue;
		s->group = NULL;
		s->busy = 0;
		if (!s->active || s->conn->state == CONN_CLOSING)
			continue;
		if (r->resp.error != NULL) {
			if (r->resp.error->retryable)
				feed_sub_retry_later(s);
			else
				feed_overflow(s, r->resp.error->message);
		} else if (ch == NULL || ch->cursor == NULL) {
			feed_sub_retry_later(s);
		} else if (ch->resync) {
			feed_overflow(s, ch->reason != NULL ? ch->reason : "resync required");
		} else {
			n_jobs += (size_t)feed_deliver(s, ch, &shared, &jobs[n_jobs], &own[n_jobs]);
		}
	}
	/* The connections' TLS and sockets, on the push threads too. */
	fanout_run(&g->feed->fanout, jobs, n_jobs);
	for (size_t k = 0; k < n_jobs; k++) {
		if (conn_send_attach(&jobs[k]) == QT_OK)
			g->feed->pushes++;
		free(own[k]);
	}
	free(jobs);
	free(own);
	free(shared.buf);
	free(g->subs);
	feed_groups_done(g->feed, 1);
	free(g);
}

/* Orders subscriptions by account, then epoch. */
static int feed_sub_cmp(const void *a, const void *b)
{
	const feed_sub_t *x = *(feed_sub_t *const *)a, *y = *(feed_sub_t *const *)b;
	const actor_t *ax = &x->conn->actor, *ay = &y->conn->actor;

	if (ax->account_id != ay->account_id)
		return ax->account_id < ay->account_id ? -1 : 1;
	if (ax->role != ay->role)
		return ax->role < ay->role ? -1 : 1;
	if (ax->office_id != ay->office_id)
		return ax->office_id < ay->office_id ? -1 : 1;
	if (ax->organisation_id != ay->organisation_id)
		return ax->organisation_id < ay->organisation_id ? -1 : 1;
	if (ax->district_id != ay->district_id)
		return ax->district_id < ay->district_id ? -1 : 1;
	return strcmp(x->epoch, y->epoch);
}

/* Starts the shared render of f->rows for subs[0..n) (one account and
 * epoch); the group owns nothing of subs but its own copy. */
static void feed_group_start(feed_t *f, feed_sub_t **subs, size_t n)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncPullRequest pull = QUARTIER__V1__SYNC_PULL_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;
	feed_group_t *g = calloc(1, sizeof(*g));
	req_t *r;

	if (g == NULL || (g->subs = malloc(n * sizeof(*g->subs))) == NULL)
		abort();
	g->feed = f;
	g->n = n;
	g->to_xid = f->head_xid;
	g->to_seq = f->head_seq;
	for (size_t i = 0; i < n; i++) {
		g->subs[i] = subs[i];
		subs[i]->group = g;
		subs[i]->group_slot = i;
		subs[i]->busy = 1;
	}
	cur.epoch = subs[0]->epoch;
	cur.xid = subs[0]->xid;
	cur.seq = subs[0]->seq;
	pull.cursor = &cur;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_PULL;
	rq.sync_pull = &pull;
	f->groups_pending++;
	log_debug(&f->srv->log, "event=feed_share acct=%lld subscriptions=%zu rows=%zu",
	          (long long)subs[0]->conn->actor.account_id, n, f->n_rows);
	r = req_new_internal(subs[0]->conn, &rq, "sync.push", feed_group_done, g);
	if (r == NULL)
		abort();
	sync_push_rows(r, f->rows, f->n_rows, g->to_xid, g->to_seq);
}

/* After a watcher round that moved the head from (hx, hs): subscriptions
 * to everything that stood at least at (hx, hs) share the round's rows;
 * the others pull for themselves. */
static void feed_share_round(feed_t *f, uint64_t hx, uint64_t hs)
{
	feed_sub_t *s, *next, **level = NULL;
	size_t n = 0, cap = 0, i, j;

	f->groups_pending++; /* held while the groups start */
	for (s = f->all; s != NULL; s = next) {
		next = s->next;
		if (s->retry != NULL)
			continue; /* its retry timer pulls */
		if (s->busy || s->conn->state == CONN_CLOSING || !conn_authenticated(s->conn) ||
		    feed_pos_after(hx, hs, s->xid, s->seq)) {
			feed_wake(s);
			continue;
		}
		if (f->n_rows == 0) {
			/* Nothing happened between its cursor and the head. */
			if (feed_pos_after(f->head_xid, f->head_seq, s->xid, s->seq)) {
				s->xid = f->head_xid;
				s->seq = f->head_seq;
			}
			continue;
		}
		if (n == cap) {
			cap = cap > 0 ? cap * 2 : 64;
			level = realloc(level, cap * sizeof(*level));
			if (level == NULL)
				abort();
		}
		level[n++] = s;
	}
	/* Often the order already holds (all of them of one account): a pass
	 * over neighbours is cheaper than sorting thousands of subscriptions
	 * before anyone gets the round. */
	for (i = 1; i < n && feed_sub_cmp(&level[i - 1], &level[i]) <= 0; i++)
		;
	if (i < n)
		qsort(level, n, sizeof(*level), feed_sub_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && feed_sub_cmp(&level[i], &level[j]) == 0; j++)
			;
		feed_group_start(f, level + i, j - i);
	}
	free(level);
	feed_groups_done(f, 0);
}

/* Runs a sync_pull for the subscription's connection as an internal
 * request; its answer becomes an Event in feed_push_done(). */
static void feed_sub_pull(feed_sub_t *s)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncPullRequest pull = QUARTIER__V1__SYNC_PULL_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;
	req_t *r;

	if (!s->active || s->busy)
		return;
	if (s->conn->state == CONN_CLOSING || !conn_authenticated(s->conn)) {
		feed_unlink(s->feed, s);
		return;
	}
	if (s->conn->out_bytes > s->feed->srv->cfg.feed_queue_max) {
		feed_overflow(s, "the connection fell behind the change feed; pull from your cursor");
		return;
	}
	cur.epoch = s->epoch;
	cur.xid = s->xid;
	cur.seq = s->seq;
	scope.has_kind = 1;
	scope.kind = (Quartier__V1__ScopeKind)s->kind;
	scope.has_id = s->kind != 0;
	scope.id = s->scope_id;
	pull.cursor = &cur;
	pull.scope = &scope;
	pull.has_limit = 1;
	pull.limit = FEED_PUSH_LIMIT;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_PULL;
	rq.sync_pull = &pull;
	r = req_new_internal(s->conn, &rq, "sync.push", feed_push_done, s);
	if (r == NULL)
		return;
	s->busy = 1;
	sync_pull(r);
}

/* ------------------------------------------------------------ subscriptions */

void feed_subscribe(feed_t *f, conn_t *c, const char *epoch, uint64_t xid, uint64_t seq,
                    int kind, int64_t id)
{
	feed_sub_t *s = c->sub;

	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			abort();
		s->feed = f;
		s->conn = c;
		c->sub = s;
	}
	feed_unlink(f, s);
	snprintf(s->epoch, sizeof(s->epoch), "%s", epoch);
	s->kind = kind;
	s->scope_id = kind != 0 ? id : 0;
	s->xid = xid;
	s->seq = seq;
	s->dirty = 0;
	feed_link(f, s);
	if (f->n_subs == 1 && f->timers_open) {
		uv_timer_start(&f->poll, feed_poll_fire, f->srv->cfg.feed_poll_ms,
		               f->srv->cfg.feed_poll_ms);
		feed_kick(f);
	}
	if (s->busy)
		s->dirty = 1; /* the old subscription's pull: its answer is dropped below */
	else
		feed_sub_pull(s);
}

void feed_unsubscribe(feed_t *f, conn_t *c)
{
	if (c->sub != NULL)
		feed_unlink(f, c->sub);
}

void feed_sub_free(feed_sub_t *s)
{
	if (s == NULL)
		return;
	feed_unlink(s->feed, s);
	if (s->retry != NULL) {
		uv_timer_stop(s->retry);
		uv_close((uv_handle_t *)s->retry, feed_retry_closed);
	}
	free(s);
}

/* ------------------------------------------------------------ the watcher */

/* Adds row to the round's rows, or moves the row of the same record to
 * this later change: renders see each record once. */
static int feed_rows_add(feed_t *f, const feed_row_t *row)
{
	for (size_t i = 0; i < f->n_rows; i++) {
		if (f->rows[i].type == row->type && f->rows[i].id == row->id) {
			f->rows[i] = *row;
			return 0;
		}
	}
	if (f->n_rows == f->cap_rows) {
		size_t cap = f->cap_rows > 0 ? f->cap_rows * 2 : 256;
		feed_row_t *rows = realloc(f->rows, cap * sizeof(*rows));
		if (rows == NULL)
			return -1;
		f->rows = rows;
		f->cap_rows = cap;
	}
	f->rows[f->n_rows++] = *row;
	return 0;
}

static void feed_watch_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	feed_t *f = arg;
	int n, more = 0;
	unsigned long long hx, x;
	long long sq, rid;
	uint64_t from_xid, from_seq;
	feed_row_t row;

	f->watching = 0;
	if (err != NULL || PQntuples(res) < 1 || f->n_subs == 0)
		goto out;
	n = PQntuples(res);
	if (!f->head_known) {
		/* First look: every subscription pulls once, the watcher starts
		 * at the horizon. */
		if (sscanf(PQgetvalue(res, 0, 0), "%llu", &hx) != 1)
			goto out;
		f->head_xid = hx;
		f->head_seq = 0;
		f->head_known = 1;
		f->wake_round++;
		feed_wake_all(f, 1);
		goto out;
	}
	f->wake_round++;
	from_xid = f->head_xid;
	from_seq = f->head_seq;
	f->n_rows = 0;
	if (n > 1 || !PQgetisnull(res, 0, 1))
		log_debug(&f->srv->log, "event=feed_watch rows=%d subscriptions=%u", n, f->n_subs);
	for (int i = 0; i < n; i++) {
		if (PQgetisnull(res, i, 1))
			break;
		if (sscanf(PQgetvalue(res, i, 1), "%llu", &x) != 1 ||
		    sscanf(PQgetvalue(res, i, 2), "%lld", &sq) != 1 ||
		    sscanf(PQgetvalue(res, i, 9), "%lld", &rid) != 1)
			continue;
		f->head_xid = x;
		f->head_seq = (uint64_t)sq;
		row.type = atoi(PQgetvalue(res, i, 8));
		row.id = rid;
		row.deleted = PQgetvalue(res, i, 10)[0] == 't';
		row.xid = x;
		row.seq = (uint64_t)sq;
		if (feed_rows_add(f, &row) != 0) {
			/* No memory for the shared round: everybody pulls. */
			f->n_rows = 0;
			feed_wake_all(f, 1);
			goto out;
		}
		if (PQgetvalue(res, i, 3)[0] == 't') {
			feed_wake_all(f, 0);
			continue;
		}
		feed_wake_keys(f, 1, PQgetvalue(res, i, 4));
		feed_wake_keys(f, 2, PQgetvalue(res, i, 5));
		feed_wake_keys(f, 3, PQgetvalue(res, i, 6));
		feed_wake_keys(f, 4, PQgetvalue(res, i, 7));
	}
	if (n >= FEED_WATCH_LIMIT && !PQgetisnull(res, n - 1, 1)) {
		more = 1;
	} else if (sscanf(PQgetvalue(res, 0, 0), "%llu", &hx) == 1 && hx > f->head_xid) {
		f->head_xid = hx;
		f->head_seq = 0;
	}
	/* A round that found nothing and did not move the head leaves every
	 * subscription where the last round left it (level, or pulling up to
	 * at least that head): no need to visit them all again. */
	if (f->n_rows > 0 || f->head_xid != from_xid || f->head_seq != from_seq)
		feed_share_round(f, from_xid, from_seq);
out:
	if (more)
		f->kicked = 1;
	if (f->kicked && f->n_subs > 0 && f->groups_pending == 0) {
		f->kicked = 0;
		feed_watch(f);
	}
}

static void feed_watch(feed_t *f)
{
	static const char sql[] =
	    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, c.xid::text, c.seq, c.global, "
	    "c.project_ids, c.quarter_ids, c.district_ids, c.office_ids, c.rtype, c.rid, c.deleted "
	    "FROM (SELECT 1) one LEFT JOIN LATERAL ("
	    " SELECT * FROM change_log c WHERE $3 AND (c.xid, c.seq) > ($1::xid8, $2::bigint)"
	    " AND c.xid < pg_snapshot_xmin(pg_current_snapshot())"
	    " ORDER BY c.xid, c.seq LIMIT " FEED_STR(FEED_WATCH_LIMIT) ") c ON true "
	    "ORDER BY c.xid, c.seq";
	if (f->watching || f->groups_pending > 0) {
		f->kicked = 1;
		return;
	}
	/* The pool borrows the parameters until the callback. */
	snprintf(f->watch_xid, sizeof(f->watch_xid), "%" PRIu64, f->head_xid);
	snprintf(f->watch_seq, sizeof(f->watch_seq), "%" PRIu64, f->head_seq);
	f->watch_params[0] = f->watch_xid;
	f->watch_params[1] = f->watch_seq;
	f->watch_params[2] = f->head_known ? "true" : "false";
	if (db_query(f->srv->db, sql, 3, f->watch_params, feed_watch_cb, f) == QT_OK)
		f->watching = 1;
}

static void feed_poll_fire(uv_timer_t *t)
{
	feed_t *f = t->data;

	if (f->n_subs > 0 && f->epoch[0] != '\0')
		feed_watch(f);
}

void feed_kick(feed_t *f)
{
	if (f->n_subs == 0 || f->epoch[0] == '\0')
		return;
	feed_watch(f);
}

/* ------------------------------------------------------------ maintenance */

static void feed_maint_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	feed_t *f = arg;

	f->maint_running = 0;
	if (err != NULL) {
		log_warning(&f->srv->log, "event=feed_maintenance status=%s msg=\"%s\"",
		            qt_status_name(err->status), err->message);
		return;
	}
	if (f->epoch[0] == '\0' && PQntuples(res) == 1) {
		snprintf(f->epoch, sizeof(f->epoch), "%s", PQgetvalue(res, 0, 0));
		log_info(&f->srv->log, "event=feed_ready epoch=%s", f->epoch);
		uv_timer_start(&f->maint, f->maint.timer_cb, 5000, FEED_MAINT_EVERY_MS);
		return;
	}
	if (PQntuples(res) == 1 && PQnfields(res) == 2)
		log_info(&f->srv->log, "event=feed_pruned rows=%s dated_groups=%s", PQgetvalue(res, 0, 0),
		         PQgetvalue(res, 0, 1));
}

static void feed_maint_fire(uv_timer_t *t)
{
	feed_t *f = t->data;

	if (f->maint_running)
		return;
	if (f->epoch[0] == '\0') {
		if (db_query(f->srv->db, "SELECT epoch FROM feed_meta", 0, NULL, feed_maint_cb, f) ==
		    QT_OK)
			f->maint_running = 1;
		return;
	}
	snprintf(f->maint_days, sizeof(f->maint_days), "%u", f->srv->cfg.feed_retention_days);
	snprintf(f->maint_mdays, sizeof(f->maint_mdays), "%u", f->srv->cfg.mutation_retention_days);
	f->maint_params[0] = f->maint_days;
	f->maint_params[1] = f->maint_mdays;
	if (db_query(f->srv->db,
	             "SELECT qt_feed_prune(make_interval(days => $1::int), "
	             "make_interval(days => $2::int)), qt_feed_dated()",
	             2, f->maint_params, feed_maint_cb, f) == QT_OK)
		f->maint_running = 1;
}

void feed_init(feed_t *f, server_t *srv)
{
	unsigned helpers;

	memset(f, 0, sizeof(*f));
	f->srv = srv;
	uv_timer_init(srv->loop, &f->poll);
	uv_timer_init(srv->loop, &f->maint);
	f->poll.data = f;
	f->maint.data = f;
	f->timers_open = 1;
	uv_timer_start(&f->maint, feed_maint_fire, 0, FEED_MAINT_FIRST_MS);
	/* The loop thread writes pushes too: push_threads - 1 helpers, by
	 * default one for each other CPU. */
	if (srv->cfg.push_threads > 0) {
		helpers = srv->cfg.push_threads - 1;
	} else {
		helpers = uv_available_parallelism() - 1;
		if (helpers > FEED_PUSH_THREADS_MAX)
			helpers = FEED_PUSH_THREADS_MAX;
	}
	fanout_init(&f->fanout, helpers);
	log_info(&srv->log, "event=push_threads threads=%u", f->fanout.n_threads + 1);
}

const char *feed_epoch(const feed_t *f)
{
	return f->epoch;
}

void feed_close(feed_t *f)
{
	feed_sub_t *s;

	while ((s = f->all) != NULL)
		feed_unlink(f, s);
	for (unsigned b = 0; b < FEED_BUCKETS; b++)
		while ((s = f->buckets[b]) != NULL)
			feed_unlink(f, s);
	if (f->timers_open) {
		uv_timer_stop(&f->poll);
		uv_timer_stop(&f->maint);
		uv_close((uv_handle_t *)&f->poll, NULL);
		uv_close((uv_handle_t *)&f->maint, NULL);
		f->timers_open = 0;
		fanout_close(&f->fanout); /* later renders send on the loop thread alone */
	}
	if (f->groups_pending == 0) {
		free(f->rows);
		f->rows = NULL;
		f->cap_rows = 0;
	}
}
