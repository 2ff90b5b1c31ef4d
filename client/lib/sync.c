/* The sync layer: initial snapshot (resumable page by page), catch-up
 * from the replica's cursor, live push (subscribe, apply every event,
 * resume after an overflow) and verification against the server's
 * per-type counts and checksums.  Every page goes to the store in one
 * transaction with its position (store.c). */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#define SYNC_PAGE 500u          /* records per page asked for */
#define SYNC_MAX_RESTARTS 3     /* resyncs in one qt_sync() before giving up */
#define SYNC_PING_IDLE_MS 60000 /* silence after which qt_watch() pings */
#define SYNC_VERIFY_TRIES 5

void qt_sync_stats_clear(qt_sync_stats_t *st)
{
	if (st == NULL)
		return;
	free(st->resync_reason);
	memset(st, 0, sizeof(*st));
}

static void sync_scope_wire(const qt_scope_t *sc, Quartier__V1__Scope *w)
{
	w->has_kind = 1;
	w->kind = (Quartier__V1__ScopeKind)sc->kind;
	w->has_id = sc->kind != QT_SCOPE_ALL;
	w->id = sc->id;
}

static void sync_cursor_wire(const store_cursor_t *cur, Quartier__V1__Cursor *w)
{
	w->epoch = cur->epoch;
	w->xid = cur->xid;
	w->seq = cur->seq;
}

/* Pages a snapshot into the store, resuming the one in progress if any. */
static qt_status_t sync_snapshot(qt_client_t *c, qt_store_t *s, qt_sync_stats_t *stats,
                                 qt_sync_progress_cb progress, void *arg, uint64_t *done)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncSnapshotRequest body = QUARTIER__V1__SYNC_SNAPSHOT_REQUEST__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;
	Quartier__V1__Cursor wc = QUARTIER__V1__CURSOR__INIT;
	const Quartier__V1__SyncSnapshotPage *pg;
	qt_sync_progress_t p;
	store_state_t st;
	qt_envelope_t *in = NULL;
	int first, restarted = 0;
	qt_status_t rc;

	memset(&st, 0, sizeof(st));
	for (;;) {
		store_state_clear(&st);
		rc = store_state_read(s, &st);
		if (rc != QT_OK) {
			rc = store_error_to_client(c, s);
			goto out;
		}
		if (st.cursor.set)
			break; /* complete */
		first = !st.snap_cursor.set;
		stats->snapshot = 1;
		memset(&body, 0, sizeof(body));
		quartier__v1__sync_snapshot_request__init(&body);
		sync_scope_wire(&st.scope, &scope);
		body.scope = &scope;
		body.has_limit = 1;
		body.limit = SYNC_PAGE;
		if (!first) {
			sync_cursor_wire(&st.snap_cursor, &wc);
			body.cursor = &wc;
			if (st.snap_has_after && st.snap_after_type != QT_RECORD_UNSPECIFIED) {
				body.has_after_type = 1;
				body.after_type = (Quartier__V1__RecordType)st.snap_after_type;
				body.has_after_id = 1;
				body.after_id = st.snap_after_id;
			}
		}
		req.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_SNAPSHOT;
		req.sync_snapshot = &body;
		rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_SYNC_SNAPSHOT, &in);
		if (rc != QT_OK && !first && !restarted &&
		    (rc == QT_INVALID_ARGUMENT || rc == QT_FAILED_PRECONDITION ||
		     rc == QT_NOT_FOUND)) {
			/* The server no longer continues that snapshot (its
			 * position is too old): start it afresh. */
			restarted = 1;
			if (store_reset(s, NULL) != QT_OK) {
				rc = store_error_to_client(c, s);
				goto out;
			}
			client_begin(c);
			continue;
		}
		if (rc != QT_OK)
			goto out;
		pg = in->response->sync_snapshot;
		if (store_apply_snapshot(s, pg, first) != QT_OK) {
			rc = store_error_to_client(c, s);
			goto out;
		}
		stats->snapshot_records += pg->n_records;
		*done += pg->n_records;
		if (progress != NULL) {
			p.snapshot = 1;
			p.records = *done;
			p.total = 0;
			progress(&p, arg);
		}
		envelope_free(in);
		in = NULL;
	}
	rc = QT_OK;
out:
	envelope_free(in);
	store_state_clear(&st);
	return rc;
}

/* Pulls changes from the replica's cursor until the server has no more.
 * *resync is set (and nothing applied) when the server asks for one. */
static qt_status_t sync_pull(qt_client_t *c, qt_store_t *s, qt_sync_stats_t *stats,
                             qt_sync_progress_cb progress, void *arg, uint64_t *done,
                             int *resync)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncPullRequest body = QUARTIER__V1__SYNC_PULL_REQUEST__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;
	Quartier__V1__Cursor wc = QUARTIER__V1__CURSOR__INIT;
	const Quartier__V1__SyncChanges *ch;
	qt_sync_progress_t p;
	store_state_t st;
	qt_envelope_t *in = NULL;
	int applied, more;
	uint64_t before;
	qt_status_t rc;

	memset(&st, 0, sizeof(st));
	*resync = 0;
	for (;;) {
		store_state_clear(&st);
		rc = store_state_read(s, &st);
		if (rc != QT_OK) {
			rc = store_error_to_client(c, s);
			goto out;
		}
		if (!st.cursor.set) {
			*resync = 1; /* reset meanwhile (another process) */
			goto out;
		}
		sync_cursor_wire(&st.cursor, &wc);
		sync_scope_wire(&st.scope, &scope);
		body.cursor = &wc;
		body.scope = &scope;
		body.has_limit = 1;
		body.limit = SYNC_PAGE;
		req.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_PULL;
		req.sync_pull = &body;
		rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_SYNC_CHANGES, &in);
		if (rc != QT_OK)
			goto out;
		ch = in->response->sync_changes;
		if (ch->has_resync && ch->resync) {
			*resync = 1;
			free(stats->resync_reason);
			stats->resync_reason = ch->reason != NULL ? strdup(ch->reason) : NULL;
			goto out;
		}
		more = ch->has_more && ch->more;
		before = stats->changed + stats->deleted;
		if (store_apply_changes(s, ch, !more, &applied, &stats->changed, &stats->deleted) !=
		    QT_OK) {
			rc = store_error_to_client(c, s);
			goto out;
		}
		*done += stats->changed + stats->deleted - before;
		if (progress != NULL && ch->n_records > 0) {
			p.snapshot = 0;
			p.records = *done;
			p.total = 0;
			progress(&p, arg);
		}
		envelope_free(in);
		in = NULL;
		if (!more)
			break;
		if (!applied) {
			/* The server says there is more but the page did not
			 * advance our position: it would loop forever. */
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
			                  "the server's feed does not advance past the replica's cursor");
			goto out;
		}
	}
out:
	envelope_free(in);
	store_state_clear(&st);
	return rc;
}

/* qt_sync() on a store whose scope is already settled. */
static qt_status_t sync_run(qt_client_t *c, qt_store_t *s, qt_sync_progress_cb progress,
                            void *arg, qt_sync_stats_t *stats)
{
	uint64_t done = 0;
	int resync = 0, round;
	qt_status_t rc = QT_OK;

	for (round = 0; round <= SYNC_MAX_RESTARTS; round++) {
		rc = sync_snapshot(c, s, stats, progress, arg, &done);
		if (rc != QT_OK)
			return rc;
		rc = sync_pull(c, s, stats, progress, arg, &done, &resync);
		if (rc != QT_OK)
			return rc;
		if (!resync)
			break;
		stats->resync = 1;
		if (store_reset(s, NULL) != QT_OK)
			return store_error_to_client(c, s);
	}
	if (resync)
		return client_error(c, QT_UNAVAILABLE, NULL,
		                    "the server asked for a resync %d times in a row; try again later",
		                    SYNC_MAX_RESTARTS + 1);
	if (store_touch(s) != QT_OK)
		return store_error_to_client(c, s);
	return QT_OK;
}

qt_status_t qt_sync(qt_client_t *c, qt_store_t *s, const qt_scope_t *scope,
                    qt_sync_progress_cb progress, void *arg, qt_sync_stats_t *stats)
{
	qt_sync_stats_t local;
	store_state_t st;
	qt_status_t rc;

	client_begin(c);
	memset(&local, 0, sizeof(local));
	memset(&st, 0, sizeof(st));
	if (stats == NULL)
		stats = &local;
	else
		memset(stats, 0, sizeof(*stats));
	rc = store_state_read(s, &st);
	if (rc != QT_OK) {
		rc = store_error_to_client(c, s);
		goto out;
	}
	if (scope != NULL && (scope->kind != st.scope.kind || scope->id != st.scope.id)) {
		/* Another part of the registry: what the replica holds is of
		 * no use for it, start over. */
		if (store_reset(s, scope) != QT_OK) {
			rc = store_error_to_client(c, s);
			goto out;
		}
	}
	rc = sync_run(c, s, progress, arg, stats);
out:
	store_state_clear(&st);
	qt_sync_stats_clear(&local);
	return rc;
}

/* ------------------------------------------------------------ watch */

typedef struct sync_watch {
	qt_store_t *s;
	qt_watch_cb cb;
	void *arg;
	int stop;           /* the callback asked to end */
	int overflow;       /* the server dropped the subscription */
	int resync;         /* a pushed page asked for a resync */
	int after_overflow; /* the next page follows an overflow */
} sync_watch_t;

/* Applies one pushed page and hands it to the callback. */
static qt_status_t sync_event_cb(qt_client_t *c, const Quartier__V1__Event *ev, void *arg)
{
	sync_watch_t *w = arg;
	const Quartier__V1__SyncChanges *ch = ev->changes;
	qt_watch_page_t page;
	qt_record_t *recs = NULL;
	int *deleted = NULL;
	char cbuf[256];
	store_cursor_t cur;
	int applied = 0;
	size_t i;
	qt_status_t rc = QT_OK;

	memset(&cur, 0, sizeof(cur));
	if (ev->has_overflow && ev->overflow) {
		w->overflow = 1;
		return QT_OK;
	}
	if (ch == NULL || w->overflow || w->resync)
		return QT_OK; /* pages after an overflow: the pull fetches them */
	if (ch->has_resync && ch->resync) {
		w->resync = 1;
		return QT_OK;
	}
	if (store_apply_changes(w->s, ch, 1, &applied, NULL, NULL) != QT_OK)
		return store_error_to_client(c, w->s);
	if (!applied || w->cb == NULL || w->stop)
		return QT_OK;
	if (ch->n_records > 0) {
		recs = calloc(ch->n_records, sizeof(*recs));
		deleted = calloc(ch->n_records, sizeof(*deleted));
		if (recs == NULL || deleted == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < ch->n_records; i++) {
		const Quartier__V1__Record *r = ch->records[i];

		recs[i].type = (qt_record_type_t)r->type;
		recs[i].id = r->id;
		deleted[i] = r->has_deleted && r->deleted;
		recs[i].body = deleted[i] || !r->has_body ? NULL : r->body.data;
		recs[i].body_len = deleted[i] || !r->has_body ? 0 : r->body.len;
	}
	if (store_cursor_from_wire(ch->cursor, &cur) != QT_OK) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	page.records = recs;
	page.deleted = deleted;
	page.n = ch->n_records;
	page.cursor = store_cursor_text(&cur, cbuf, sizeof(cbuf));
	page.overflow = w->after_overflow;
	w->after_overflow = 0;
	if (w->cb(&page, w->arg) != 0)
		w->stop = 1;
out:
	store_cursor_clear(&cur);
	free(recs); /* bodies are borrowed from the event */
	free(deleted);
	return rc;
}

static qt_status_t sync_subscribe(qt_client_t *c, qt_store_t *s)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncSubscribeRequest body = QUARTIER__V1__SYNC_SUBSCRIBE_REQUEST__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;
	Quartier__V1__Cursor wc = QUARTIER__V1__CURSOR__INIT;
	qt_envelope_t *in = NULL;
	store_state_t st;
	qt_status_t rc;

	memset(&st, 0, sizeof(st));
	rc = store_state_read(s, &st);
	if (rc != QT_OK)
		return store_error_to_client(c, s);
	sync_cursor_wire(&st.cursor, &wc);
	sync_scope_wire(&st.scope, &scope);
	body.cursor = &wc;
	body.scope = &scope;
	req.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_SUBSCRIBE;
	req.sync_subscribe = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_EMPTY, &in);
	envelope_free(in);
	store_state_clear(&st);
	return rc;
}

qt_status_t qt_watch(qt_client_t *c, qt_store_t *s, const qt_scope_t *scope, qt_watch_cb cb,
                     void *arg, const volatile int *stop)
{
	sync_watch_t w;
	qt_sync_stats_t stats;
	qt_envelope_t *env = NULL;
	uint64_t idle_since;
	int r;
	qt_status_t rc;

	memset(&w, 0, sizeof(w));
	memset(&stats, 0, sizeof(stats));
	w.s = s;
	w.cb = cb;
	w.arg = arg;
	rc = qt_sync(c, s, scope, NULL, NULL, &stats);
	qt_sync_stats_clear(&stats);
	if (rc != QT_OK)
		return rc;
	c->event_cb = sync_event_cb;
	c->event_arg = &w;
	rc = sync_subscribe(c, s);
	idle_since = conn_now_ms();
	while (rc == QT_OK && !w.stop && (stop == NULL || !*stop)) {
		if (w.overflow || w.resync) {
			/* Catch up from the last applied cursor (a resync
			 * starts over), then subscribe again. */
			if (w.resync && store_reset(s, NULL) != QT_OK) {
				rc = store_error_to_client(c, s);
				break;
			}
			w.overflow = w.resync = 0;
			w.after_overflow = 1;
			rc = sync_run(c, s, NULL, NULL, &stats);
			qt_sync_stats_clear(&stats);
			if (rc == QT_OK)
				rc = sync_subscribe(c, s);
			continue;
		}
		r = conn_poll_input(c, 1000);
		if (r < 0) {
			rc = (qt_status_t)-r;
			break;
		}
		if (r == 0) {
			if (conn_now_ms() - idle_since >= SYNC_PING_IDLE_MS) {
				rc = qt_ping(c);
				idle_since = conn_now_ms();
			}
			continue;
		}
		rc = call_poll_one(c, conn_deadline(c), &env);
		idle_since = conn_now_ms();
		if (rc == QT_OK && env != NULL &&
		    env->kind_case != QUARTIER__V1__ENVELOPE__KIND_PONG) {
			c->broken = 1;
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
			                  "unexpected message (kind %d) while watching",
			                  (int)env->kind_case);
		}
		envelope_free(env);
		env = NULL;
	}
	if (rc == QT_OK && !c->broken) {
		/* Politely; pages that arrive before the answer are applied
		 * (the callback is not called any more). */
		Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__SyncUnsubscribeRequest body = QUARTIER__V1__SYNC_UNSUBSCRIBE_REQUEST__INIT;

		w.stop = 1;
		req.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_UNSUBSCRIBE;
		req.sync_unsubscribe = &body;
		if (call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_EMPTY, &env) != QT_OK)
			client_begin(c); /* the watch itself ended well */
		envelope_free(env);
	}
	c->event_cb = NULL;
	c->event_arg = NULL;
	return rc;
}

/* ------------------------------------------------------------ verify */

qt_status_t qt_verify(qt_client_t *c, qt_store_t *s, qt_verify_sum_t **out, size_t *n,
                      size_t *diverged, int *settled)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncVerifyRequest body = QUARTIER__V1__SYNC_VERIFY_REQUEST__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;
	const Quartier__V1__SyncVerify *v = NULL;
	uint64_t lcount[QT_STORE_NTYPES], lsum[QT_STORE_NTYPES];
	uint64_t scount[QT_STORE_NTYPES], ssum[QT_STORE_NTYPES];
	int present[QT_STORE_NTYPES];
	qt_verify_sum_t *list = NULL;
	qt_sync_stats_t stats;
	qt_envelope_t *in = NULL;
	store_state_t st;
	store_cursor_t vc;
	size_t i, k = 0, bad = 0, t;
	int tries, same = 0;
	qt_status_t rc = QT_OK;

	memset(&st, 0, sizeof(st));
	memset(&vc, 0, sizeof(vc));
	memset(&stats, 0, sizeof(stats));
	for (tries = 0; tries < SYNC_VERIFY_TRIES && !same; tries++) {
		envelope_free(in);
		in = NULL;
		rc = qt_sync(c, s, NULL, NULL, NULL, &stats);
		qt_sync_stats_clear(&stats);
		if (rc != QT_OK)
			goto out;
		store_state_clear(&st);
		rc = store_state_read(s, &st);
		if (rc != QT_OK) {
			rc = store_error_to_client(c, s);
			goto out;
		}
		sync_scope_wire(&st.scope, &scope);
		body.scope = &scope;
		req.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_VERIFY;
		req.sync_verify = &body;
		rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_SYNC_VERIFY, &in);
		if (rc != QT_OK)
			goto out;
		v = in->response->sync_verify;
		if (store_cursor_from_wire(v->cursor, &vc) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
		/* The sums describe the replica only if they were taken at
		 * the position the replica holds. */
		same = store_cursor_cmp(&vc, &st.cursor) == 0;
		store_cursor_clear(&vc);
	}
	memset(lcount, 0, sizeof(lcount));
	memset(lsum, 0, sizeof(lsum));
	memset(scount, 0, sizeof(scount));
	memset(ssum, 0, sizeof(ssum));
	memset(present, 0, sizeof(present));
	if (store_sums(s, lcount, lsum) != QT_OK) {
		rc = store_error_to_client(c, s);
		goto out;
	}
	for (i = 0; i < v->n_sums; i++) {
		t = (size_t)v->sums[i]->type;
		if (t >= QT_STORE_NTYPES)
			continue;
		scount[t] = v->sums[i]->count;
		ssum[t] = v->sums[i]->checksum;
		present[t] = 1;
	}
	for (t = 0; t < QT_STORE_NTYPES; t++)
		if (lcount[t] != 0 || present[t])
			k++;
	if (k > 0 && (list = calloc(k, sizeof(*list))) == NULL) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	k = 0;
	for (t = 0; t < QT_STORE_NTYPES; t++) {
		if (lcount[t] == 0 && !present[t])
			continue;
		list[k].type = (qt_record_type_t)t;
		list[k].local_count = lcount[t];
		list[k].local_checksum = lsum[t];
		list[k].server_count = scount[t];
		list[k].server_checksum = ssum[t];
		if (lcount[t] != scount[t] || lsum[t] != ssum[t])
			bad++;
		k++;
	}
	*out = list;
	*n = k;
	*diverged = bad;
	*settled = same;
	list = NULL;
out:
	free(list);
	envelope_free(in);
	store_state_clear(&st);
	store_cursor_clear(&vc);
	return rc;
}
