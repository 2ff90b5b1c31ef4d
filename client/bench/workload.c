/* The workers: one thread and one epoll loop each, with their share of
 * the connections, generating the workload's operations (see bench.h).
 *
 * Closed loop (the default): every connection keeps `depth` operations
 * in flight and sends the next one when an answer comes.  Open loop
 * (--rate): operations are due on a fixed schedule and their latency is
 * counted from when they were due, so a server that falls behind cannot
 * hide it by slowing the client down (no coordinated omission). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WL_DRAIN_NS (30ull * 1000000000ull) /* answers awaited after the end */
#define WL_RETRIES_MAX 20                   /* conflicts one update may meet */

enum {
	OP_GET = 1,
	OP_LIST,
	OP_UPDATE,
	OP_REFRESH, /* the get after a conflict, before the update is retried */
	OP_CREATE,
	OP_SNAPSHOT,
	OP_PULL,
	OP_SUBSCRIBE,
};

/* Per connection state of sync-initial: where the snapshot stands. */
typedef struct snap_state {
	char epoch[40];
	uint64_t xid, seq;
	int have_cursor;
	int after_type;
	int64_t after_id;
	uint64_t records;
	uint64_t t_begin;
	uint64_t done;          /* snapshots finished on this connection */
} snap_state_t;

/* Per connection state of fanout subscribers. */
typedef struct sub_state {
	int64_t seen;           /* highest version of the written project received */
	int counted;            /* has seen the final version */
} sub_state_t;

static void wl_issue(worker_t *w, net_conn_t *c, uint64_t t_due);
static void wl_reply_cb(net_conn_t *c, net_slot_t *s, const Quartier__V1__Response *resp,
                        uint64_t now);

/* ------------------------------------------------------------ helpers */

static uint64_t wl_rand(worker_t *w)
{
	/* xorshift64* */
	uint64_t x = w->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static double wl_rand01(worker_t *w)
{
	return (double)(wl_rand(w) >> 11) / 9007199254740992.0;
}

void workload_payload(char *out, size_t len, uint64_t n)
{
	static const char words[] = "Stadtteilfest Nachbarschaftscafe Quartiersrundgang "
	                            "Sprechstunde Beteiligung Spielplatz Begegnung ";
	char head[48];
	size_t k, hl;

	if (len == 0)
		return;
	hl = (size_t)snprintf(head, sizeof(head), "bench %llu: ", (unsigned long long)n);
	for (k = 0; k < len - 1; k++)
		out[k] = k < hl ? head[k] : words[(k - hl + n) % (sizeof(words) - 1)];
	out[len - 1] = '\0';
}

static void wl_error(worker_t *w, const char *what, const Quartier__V1__Error *e)
{
	const char *field = e != NULL ? e->field : NULL;

	w->errors++;
	if (w->first_error[0] == '\0')
		snprintf(w->first_error, sizeof(w->first_error), "%s: %s%s%s%s", what,
		         e != NULL ? e->message : "unexpected answer", field != NULL ? " (field " : "",
		         field != NULL ? field : "", field != NULL ? ")" : "");
}

static int wl_measured(const worker_t *w, const net_slot_t *s, uint64_t now)
{
	const bench_t *b = w->b;

	return s->t_due >= b->t_start && (b->t_end == 0 || now <= b->t_end);
}

static void wl_done(worker_t *w, const net_slot_t *s, uint64_t now, int ok)
{
	w->ok_total += (uint64_t)ok;
	if (!wl_measured(w, s, now))
		return;
	if (ok) {
		w->ok++;
		(void)stats_add(&w->lat, now - s->t_due);
	}
	if (now > w->last_done_ns)
		w->last_done_ns = now;
}

/* Whether another operation may start (request budget, stop flag). */
static int wl_may_start(worker_t *w)
{
	bench_t *b = w->b;

	if (b->stop || !b->go)
		return 0;
	if (b->cfg->requests > 0 &&
	    __atomic_fetch_add(&b->issued, 1, __ATOMIC_RELAXED) >= b->cfg->requests)
		return 0;
	return 1;
}

/* ------------------------------------------------------------ requests */

static void wl_send_get(worker_t *w, net_conn_t *c, int op, size_t idx, uint64_t t_due, int retries)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectGetRequest g = QUARTIER__V1__PROJECT_GET_REQUEST__INIT;
	net_slot_t *s;

	g.id = w->b->data->ids[idx];
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_GET;
	rq.project_get = &g;
	s = net_send(c, &rq, wl_reply_cb, op, (int64_t)idx, t_due);
	if (s != NULL)
		s->retries = retries;
}

static void wl_send_update(worker_t *w, net_conn_t *c, size_t idx, uint64_t t_due, int retries)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectUpdateRequest u = QUARTIER__V1__PROJECT_UPDATE_REQUEST__INIT;
	char desc[4096];
	net_slot_t *s;
	uint64_t n = wl_rand(w);

	workload_payload(desc, w->b->cfg->payload + 1 < sizeof(desc) ? w->b->cfg->payload + 1 : sizeof(desc),
	                 n);
	u.id = w->b->data->ids[idx];
	u.expected_version = __atomic_load_n(&w->b->data->versions[idx], __ATOMIC_RELAXED);
	u.description = desc;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_UPDATE;
	rq.project_update = &u;
	if (w->b->cfg->mutation_ids) {
		rq.has_mutation_seq = 1;
		rq.mutation_seq = c->seq + 1; /* unique per connection (= instance) */
	}
	s = net_send(c, &rq, wl_reply_cb, OP_UPDATE, (int64_t)idx, t_due);
	if (s != NULL)
		s->retries = retries;
}

static void wl_send_create(worker_t *w, net_conn_t *c, uint64_t t_due)
{
	const bench_data_t *d = w->b->data;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectCreateRequest cr = QUARTIER__V1__PROJECT_CREATE_REQUEST__INIT;
	char desc[4096], name[96];
	int64_t quarter = d->quarters[wl_rand(w) % d->n_quarters];
	int64_t office = d->offices[wl_rand(w) % d->n_offices];
	uint64_t n = wl_rand(w);

	workload_payload(desc, w->b->cfg->payload + 1 < sizeof(desc) ? w->b->cfg->payload + 1 : sizeof(desc),
	                 n);
	snprintf(name, sizeof(name), "Benchmark-Projekt %u-%u-%llu", w->index, c->idx,
	         (unsigned long long)(c->seq + 1));
	cr.name = name;
	cr.kind = QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
	cr.n_quarter_ids = 1;
	cr.quarter_ids = &quarter;
	cr.n_lead_office_ids = 1;
	cr.lead_office_ids = &office;
	cr.description = desc;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE;
	rq.project_create = &cr;
	if (w->b->cfg->mutation_ids) {
		rq.has_mutation_seq = 1;
		rq.mutation_seq = c->seq + 1;
	}
	(void)net_send(c, &rq, wl_reply_cb, OP_CREATE, 0, t_due);
}

static void wl_send_list(worker_t *w, net_conn_t *c, uint64_t t_due)
{
	const bench_data_t *d = w->b->data;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectListRequest l = QUARTIER__V1__PROJECT_LIST_REQUEST__INIT;
	size_t span = d->n > w->b->cfg->page_size ? d->n - w->b->cfg->page_size : 1;
	size_t idx = (size_t)(wl_rand(w) % span);

	l.has_page_size = 1;
	l.page_size = w->b->cfg->page_size;
	l.has_after_id = 1;
	l.after_id = d->ids[idx] - 1;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_LIST;
	rq.project_list = &l;
	(void)net_send(c, &rq, wl_reply_cb, OP_LIST, l.after_id, t_due);
}

static void wl_send_snapshot(worker_t *w, net_conn_t *c, snap_state_t *st)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncSnapshotRequest sn = QUARTIER__V1__SYNC_SNAPSHOT_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;

	sn.has_limit = 1;
	sn.limit = w->b->cfg->page_size;
	if (st->have_cursor) {
		cur.epoch = st->epoch;
		cur.xid = st->xid;
		cur.seq = st->seq;
		sn.cursor = &cur;
		sn.has_after_type = 1;
		sn.after_type = (Quartier__V1__RecordType)st->after_type;
		sn.has_after_id = 1;
		sn.after_id = st->after_id;
	}
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_SNAPSHOT;
	rq.sync_snapshot = &sn;
	(void)net_send(c, &rq, wl_reply_cb, OP_SNAPSHOT, 0, st->t_begin);
}

static void wl_send_pull(worker_t *w, net_conn_t *c, snap_state_t *st)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncPullRequest p = QUARTIER__V1__SYNC_PULL_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;

	cur.epoch = st->epoch;
	cur.xid = st->xid;
	cur.seq = st->seq;
	p.cursor = &cur;
	p.has_limit = 1;
	p.limit = w->b->cfg->page_size;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_PULL;
	rq.sync_pull = &p;
	(void)net_send(c, &rq, wl_reply_cb, OP_PULL, 0, st->t_begin);
}

static void wl_send_subscribe(worker_t *w, net_conn_t *c)
{
	const bench_data_t *d = w->b->data;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncSubscribeRequest sub = QUARTIER__V1__SYNC_SUBSCRIBE_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;

	cur.epoch = (char *)d->cursor_epoch;
	cur.xid = d->cursor_xid;
	cur.seq = d->cursor_seq;
	sub.cursor = &cur;
	if (w->b->cfg->scope_project) {
		scope.has_kind = 1;
		scope.kind = QUARTIER__V1__SCOPE_KIND__SCOPE_PROJECT;
		scope.has_id = 1;
		scope.id = d->fanout_project;
		sub.scope = &scope;
	}
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_SUBSCRIBE;
	rq.sync_subscribe = &sub;
	if (net_send(c, &rq, wl_reply_cb, OP_SUBSCRIBE, 0, 0) == NULL)
		wl_error(w, "sync_subscribe", NULL);
}

/* Starts the workload's next operation on c. */
static void wl_issue(worker_t *w, net_conn_t *c, uint64_t t_due)
{
	const bench_cfg_t *cfg = w->b->cfg;
	const bench_data_t *d = w->b->data;

	switch (cfg->kind) {
	case WL_GET:
		wl_send_get(w, c, OP_GET, (size_t)(wl_rand(w) % d->n), t_due, 0);
		break;
	case WL_LIST:
		wl_send_list(w, c, t_due);
		break;
	case WL_UPDATE:
		wl_send_update(w, c, (size_t)(wl_rand(w) % d->n), t_due, 0);
		break;
	case WL_CREATE:
		wl_send_create(w, c, t_due);
		break;
	case WL_MIXED:
		if (wl_rand01(w) < cfg->read_fraction)
			wl_send_get(w, c, OP_GET, (size_t)(wl_rand(w) % d->n), t_due, 0);
		else
			wl_send_update(w, c, (size_t)(wl_rand(w) % d->n), t_due, 0);
		break;
	case WL_SYNC_INITIAL: {
		snap_state_t *st = c->user;
		memset(st, 0, sizeof(*st) - sizeof(st->done));
		st->t_begin = t_due != 0 ? t_due : net_now_ns();
		wl_send_snapshot(w, c, st);
		break;
	}
	default:
		break;
	}
}

/* After an operation ended on c: in a closed loop, the next one. */
static void wl_next(worker_t *w, net_conn_t *c)
{
	if (w->b->cfg->rate > 0 || c->state != NET_READY)
		return;
	while (net_conn_free_slot(c) && wl_may_start(w))
		wl_issue(w, c, 0);
}

/* ------------------------------------------------------------ answers */

static void wl_store_version(worker_t *w, size_t idx, int64_t v)
{
	int64_t *p = &w->b->data->versions[idx];
	int64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);

	while (v > cur && !__atomic_compare_exchange_n(p, &cur, v, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static void wl_snapshot_answer(worker_t *w, net_conn_t *c, const net_slot_t *s,
                               const Quartier__V1__Response *resp, uint64_t now)
{
	snap_state_t *st = c->user;

	if (s->op == OP_SNAPSHOT) {
		const Quartier__V1__SyncSnapshotPage *pg = resp->sync_snapshot;
		if (resp->body_case != QUARTIER__V1__RESPONSE__BODY_SYNC_SNAPSHOT || pg->cursor == NULL) {
			wl_error(w, "sync_snapshot", NULL);
			return;
		}
		st->records += pg->n_records;
		if (!st->have_cursor) {
			snprintf(st->epoch, sizeof(st->epoch), "%s", pg->cursor->epoch);
			st->xid = pg->cursor->xid;
			st->seq = pg->cursor->seq;
			st->have_cursor = 1;
		}
		if (pg->more) {
			st->after_type = (int)pg->next_type;
			st->after_id = pg->next_id;
			wl_send_snapshot(w, c, st);
			return;
		}
		wl_send_pull(w, c, st);
		return;
	}
	/* OP_PULL: catch up from the snapshot's cursor. */
	if (resp->body_case != QUARTIER__V1__RESPONSE__BODY_SYNC_CHANGES ||
	    resp->sync_changes->resync) {
		wl_error(w, "sync_pull", NULL);
		return;
	}
	st->records += resp->sync_changes->n_records;
	if (resp->sync_changes->cursor != NULL) {
		snprintf(st->epoch, sizeof(st->epoch), "%s", resp->sync_changes->cursor->epoch);
		st->xid = resp->sync_changes->cursor->xid;
		st->seq = resp->sync_changes->cursor->seq;
	}
	if (resp->sync_changes->more) {
		wl_send_pull(w, c, st);
		return;
	}
	st->done++;
	w->records += st->records;
	wl_done(w, s, now, 1);
	wl_next(w, c);
}

static void wl_reply_cb(net_conn_t *c, net_slot_t *s, const Quartier__V1__Response *resp,
                        uint64_t now)
{
	worker_t *w = c->loop->user;
	const bench_data_t *d = w->b->data;
	size_t idx = (size_t)s->arg;
	const Quartier__V1__Error *e = resp->error;

	switch (s->op) {
	case OP_GET:
		if (e != NULL || resp->body_case != QUARTIER__V1__RESPONSE__BODY_PROJECT ||
		    resp->project->id != d->ids[idx]) {
			wl_error(w, "project_get", e);
			wl_done(w, s, now, 0);
			break;
		}
		wl_store_version(w, idx, resp->project->version);
		w->reads++;
		wl_done(w, s, now, 1);
		break;
	case OP_REFRESH:
		if (e != NULL || resp->body_case != QUARTIER__V1__RESPONSE__BODY_PROJECT) {
			wl_error(w, "project_get after a conflict", e);
			wl_done(w, s, now, 0);
			break;
		}
		wl_store_version(w, idx, resp->project->version);
		wl_send_update(w, c, idx, s->t_due, s->retries);
		return; /* the operation goes on */
	case OP_UPDATE:
		if (e != NULL && e->status == QUARTIER__V1__STATUS__STATUS_CONFLICT) {
			if (wl_measured(w, s, now))
				w->conflicts++;
			if (s->retries < WL_RETRIES_MAX) {
				wl_send_get(w, c, OP_REFRESH, idx, s->t_due, s->retries + 1);
				return;
			}
		}
		if (e != NULL || resp->body_case != QUARTIER__V1__RESPONSE__BODY_PROJECT ||
		    resp->project->id != d->ids[idx]) {
			wl_error(w, "project_update", e);
			wl_done(w, s, now, 0);
			break;
		}
		wl_store_version(w, idx, resp->project->version);
		w->writes++;
		wl_done(w, s, now, 1);
		break;
	case OP_CREATE:
		if (e != NULL || resp->body_case != QUARTIER__V1__RESPONSE__BODY_PROJECT ||
		    resp->project->id <= 0 || resp->project->version != 1) {
			wl_error(w, "project_create", e);
			wl_done(w, s, now, 0);
			break;
		}
		w->writes++;
		wl_done(w, s, now, 1);
		break;
	case OP_LIST: {
		const Quartier__V1__ProjectList *pl = resp->project_list;
		int ok = e == NULL && resp->body_case == QUARTIER__V1__RESPONSE__BODY_PROJECT_LIST &&
		         pl->n_projects > 0 && pl->projects[0]->id > s->arg;
		for (size_t i = 1; ok && i < pl->n_projects; i++)
			ok = pl->projects[i]->id > pl->projects[i - 1]->id;
		if (!ok) {
			wl_error(w, "project_list", e);
			wl_done(w, s, now, 0);
			break;
		}
		w->records += pl->n_projects;
		wl_done(w, s, now, 1);
		break;
	}
	case OP_SNAPSHOT:
	case OP_PULL:
		if (e != NULL) {
			wl_error(w, s->op == OP_SNAPSHOT ? "sync_snapshot" : "sync_pull", e);
			wl_done(w, s, now, 0);
			break;
		}
		wl_snapshot_answer(w, c, s, resp, now);
		return;
	case OP_SUBSCRIBE:
		if (e != NULL)
			wl_error(w, "sync_subscribe", e);
		else
			w->subscribed++;
		return;
	default:
		break;
	}
	wl_next(w, c);
}

/* ------------------------------------------------------------ push and liveness */

static void wl_event(net_conn_t *c, const Quartier__V1__Event *ev, uint64_t now)
{
	worker_t *w = c->loop->user;
	sub_state_t *ss = c->user;
	int64_t pid = w->b->data->fanout_project;

	if (ev == NULL) { /* a pong */
		w->pongs++;
		return;
	}
	w->events++;
	if (ev->has_overflow && ev->overflow) {
		w->overflows++;
		wl_error(w, "push", NULL);
		return;
	}
	if (ev->changes == NULL || ss == NULL)
		return;
	for (size_t i = 0; i < ev->changes->n_records; i++) {
		const Quartier__V1__Record *r = ev->changes->records[i];
		Quartier__V1__Project *p;

		if (r->type != QUARTIER__V1__RECORD_TYPE__RECORD_PROJECT || r->id != pid || r->deleted ||
		    !r->has_body)
			continue;
		p = quartier__v1__project__unpack(NULL, r->body.len, r->body.data);
		if (p == NULL) {
			wl_error(w, "push: project body", NULL);
			continue;
		}
		if (p->version > ss->seen) {
			if (w->n_fan == w->cap_fan) {
				size_t cap = w->cap_fan ? 2 * w->cap_fan : 1024;
				fan_sample_t *nf = realloc(w->fan, cap * sizeof(*nf));
				if (nf == NULL)
					abort();
				w->fan = nf;
				w->cap_fan = cap;
			}
			w->fan[w->n_fan].prev = ss->seen;
			w->fan[w->n_fan].version = p->version;
			w->fan[w->n_fan].t_recv = now;
			w->n_fan++;
			ss->seen = p->version;
			if (w->final_seen > 0 && !ss->counted && ss->seen >= w->final_seen) {
				ss->counted = 1;
				w->complete++;
			}
		}
		quartier__v1__project__free_unpacked(p, NULL);
	}
}

static void wl_ready(net_conn_t *c)
{
	worker_t *w = c->loop->user;

	if (w->b->cfg->kind == WL_FANOUT)
		wl_send_subscribe(w, c);
	else if (w->b->go && w->b->cfg->rate <= 0)
		wl_next(w, c);
}

static void wl_fail(net_conn_t *c)
{
	worker_t *w = c->loop->user;

	w->errors++;
	if (w->first_error[0] == '\0')
		snprintf(w->first_error, sizeof(w->first_error), "connection %u: %s",
		         w->first_client + c->idx, c->err);
}

/* ------------------------------------------------------------ the thread */

static unsigned wl_inflight(const worker_t *w)
{
	unsigned n = 0;

	for (unsigned i = 0; i < w->loop.n; i++)
		n += w->loop.conns[i].inflight;
	return n;
}

/* Open loop: issues every operation that is due, as far as connections
 * have free slots; the rest wait (and their latency grows). */
static void wl_open_loop(worker_t *w, uint64_t now)
{
	bench_t *b = w->b;
	double step = 1e9 / w->rate;

	while (!b->stop) {
		uint64_t due = b->t_go + (uint64_t)((double)w->next_k * step);
		net_conn_t *c = NULL;

		if (due > now)
			break;
		for (unsigned k = 0; k < w->loop.n; k++) {
			net_conn_t *x = &w->loop.conns[(w->rr + k) % w->loop.n];
			if (net_conn_free_slot(x)) {
				c = x;
				w->rr = (w->rr + k + 1) % w->loop.n;
				break;
			}
		}
		if (c == NULL || !wl_may_start(w))
			break;
		wl_issue(w, c, due);
		w->next_k++;
	}
}

/* Counts the subscriptions that have seen the final version.  Once the
 * final version is known, events count their own subscription
 * (wl_event()); a full pass over the connections runs only when it
 * becomes known, so that the loop does not walk thousands of connections
 * after every wake-up while the pushes come in. */
static void wl_fanout_check(worker_t *w)
{
	int64_t final = __atomic_load_n(&w->b->fan_final, __ATOMIC_ACQUIRE);

	if (final <= 0 || final == w->final_seen)
		return;
	w->final_seen = final;
	for (unsigned i = 0; i < w->loop.n; i++) {
		sub_state_t *ss = w->loop.conns[i].user;
		if (ss != NULL && !ss->counted && ss->seen >= final) {
			ss->counted = 1;
			w->complete++;
		}
	}
}

static void *wl_thread(void *arg)
{
	worker_t *w = arg;
	bench_t *b = w->b;
	const bench_cfg_t *cfg = b->cfg;
	int announced = 0, started = 0, pinged = 0;
	uint64_t stop_at = 0;

	for (;;) {
		uint64_t now = net_now_ns();
		int timeout = 10;

		if (!announced && w->loop.ready + w->loop.failed == w->loop.n) {
			announced = 1;
			__atomic_fetch_add(&b->ready_threads, 1, __ATOMIC_RELEASE);
		}
		if (b->quit)
			break;
		if (b->go && !started) {
			started = 1;
			if (cfg->rate <= 0 && cfg->kind != WL_FANOUT && cfg->kind != WL_IDLE) {
				for (unsigned i = 0; i < w->loop.n; i++)
					wl_next(w, &w->loop.conns[i]);
			}
		}
		if (b->ping && !pinged) {
			qt_envelope_t env = QUARTIER__V1__ENVELOPE__INIT;
			Quartier__V1__Ping p = QUARTIER__V1__PING__INIT;
			pinged = 1;
			p.has_nonce = 1;
			p.nonce = 42;
			env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
			env.ping = &p;
			for (unsigned i = 0; i < w->loop.n; i++)
				if (w->loop.conns[i].state == NET_READY)
					(void)net_send_envelope(&w->loop.conns[i], &env);
		}
		if (started && cfg->rate > 0 && !b->stop) {
			wl_open_loop(w, now);
			timeout = 1;
		}
		if (cfg->kind == WL_FANOUT)
			wl_fanout_check(w);
		/* A request budget: done once it is spent and answered. */
		if (cfg->requests > 0 && started && wl_inflight(w) == 0 &&
		    __atomic_load_n(&b->issued, __ATOMIC_RELAXED) >= cfg->requests)
			break;
		if (b->stop && cfg->kind != WL_IDLE && cfg->kind != WL_FANOUT) {
			if (stop_at == 0)
				stop_at = now;
			if (wl_inflight(w) == 0)
				break;
			if (now - stop_at > WL_DRAIN_NS) {
				w->errors += wl_inflight(w);
				if (w->first_error[0] == '\0')
					snprintf(w->first_error, sizeof(w->first_error),
					         "%u requests unanswered 30 s after the end", wl_inflight(w));
				break;
			}
		}
		if (net_loop_turn(&w->loop, timeout) < 0) {
			snprintf(w->first_error, sizeof(w->first_error), "epoll_wait failed");
			w->errors++;
			break;
		}
	}
	if (!announced)
		__atomic_fetch_add(&b->ready_threads, 1, __ATOMIC_RELEASE);
	return NULL;
}

int workload_start(bench_t *b, char *err, size_t err_len)
{
	const bench_cfg_t *cfg = b->cfg;
	unsigned per = cfg->clients / cfg->threads, extra = cfg->clients % cfg->threads, first = 0;

	b->workers = calloc(cfg->threads, sizeof(*b->workers));
	if (b->workers == NULL) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (unsigned t = 0; t < cfg->threads; t++)
		b->workers[t].loop.ep = -1; /* nothing to close yet */
	for (unsigned t = 0; t < cfg->threads; t++) {
		worker_t *w = &b->workers[t];
		unsigned n = per + (t < extra ? 1 : 0);
		char inst[80];

		w->b = b;
		w->index = t;
		w->first_client = first;
		first += n;
		w->rng = cfg->seed * 0x9E3779B97F4A7C15ull + t + 1;
		w->rate = cfg->rate / cfg->threads;
		w->net = cfg->net;
		snprintf(inst, sizeof(inst), "%s-t%u", b->instance, t);
		w->net.instance_id = strdup(inst);
		stats_init(&w->lat);
		if (w->net.instance_id == NULL ||
		    net_loop_init(&w->loop, b->ctx, &w->net, n, cfg->depth, err, err_len) != 0)
			return -1;
		w->loop.user = w;
		w->loop.on_ready = wl_ready;
		w->loop.on_event = wl_event;
		w->loop.on_fail = wl_fail;
		for (unsigned i = 0; i < n; i++) {
			if (cfg->kind == WL_SYNC_INITIAL)
				w->loop.conns[i].user = calloc(1, sizeof(snap_state_t));
			else if (cfg->kind == WL_FANOUT)
				w->loop.conns[i].user = calloc(1, sizeof(sub_state_t));
			else
				continue;
			if (w->loop.conns[i].user == NULL) {
				snprintf(err, err_len, "out of memory");
				return -1;
			}
		}
	}
	for (unsigned t = 0; t < cfg->threads; t++) {
		if (pthread_create(&b->workers[t].thread, NULL, wl_thread, &b->workers[t]) != 0) {
			snprintf(err, err_len, "cannot start thread %u", t);
			b->quit = 1;
			for (unsigned k = 0; k < t; k++)
				pthread_join(b->workers[k].thread, NULL);
			return -1;
		}
	}
	return 0;
}

void workload_join(bench_t *b)
{
	for (unsigned t = 0; t < b->cfg->threads; t++)
		pthread_join(b->workers[t].thread, NULL);
}

unsigned workload_ready(const bench_t *b)
{
	unsigned n = 0;

	for (unsigned t = 0; t < b->cfg->threads; t++)
		n += __atomic_load_n(&b->workers[t].loop.ready, __ATOMIC_RELAXED);
	return n;
}

void workload_free(bench_t *b)
{
	if (b->workers == NULL)
		return;
	for (unsigned t = 0; t < b->cfg->threads; t++) {
		worker_t *w = &b->workers[t];
		for (unsigned i = 0; i < w->loop.n; i++)
			free(w->loop.conns[i].user);
		net_loop_close(&w->loop);
		stats_free(&w->lat);
		free(w->fan);
		free((char *)w->net.instance_id);
	}
	free(b->workers);
	b->workers = NULL;
}
