/* Sync requests: the snapshot for a fresh replica, the catch-up pull, live
 * subscriptions (feed.c pushes) and verification sums.
 *
 * Which records changed, and where the feed stands, comes from PostgreSQL
 * (change_log, migration 0008).  What a record looks like to the account
 * is decided by the same code that answers its get request, run as an
 * internal request with the connection's actor, so the permission checks
 * and the contact-data rule apply exactly as they do online.  Most record
 * types are rendered per page with one internal request per type and
 * SYNC_BATCH_MAX records (project_load_many, ...), which builds its list
 * with the get request's row functions and rules; reference lists,
 * continuations and meetings go through their get handlers one record at
 * a time.  A record the handler or list refuses (not found, not
 * permitted) becomes a tombstone in the feed and is left out of
 * snapshots.  Snapshots and verification keep the persons they rendered
 * in the connection's memo, from which membership pages take theirs
 * (person_memo.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "feed.h"
#include "handlers.h"
#include "person_memo.h"
#include "validate.h"

#define SYNC_LIMIT_DEFAULT 200
#define SYNC_LIMIT_MAX 1000
#define SYNC_VERIFY_PAGE 500
#define SYNC_RENDER_PARALLEL 8     /* internal requests one sync request runs at once */
#define SYNC_RECORD_TYPE_MAX 21
#define SYNC_BATCH_MAX 250         /* records of one type one internal request renders */

typedef struct sync_item {
	int type;
	int64_t id;
	int tombstone;
	int batched;                    /* rendered by its type's sync_batch_t */
	uint64_t xid, seq;              /* feed: the record's last change in the page */
	Quartier__V1__Record rec;
	struct sync_ctx *ctx;
} sync_item_t;

typedef struct sync_ctx {
	req_t *r;
	sync_item_t *items;
	size_t n, next, running, done;
	int starting;                   /* sync_render_next() is starting renders */
	qt_status_t failed;             /* the first hard failure of a render */
	const char *fail_msg;
	void (*finish)(req_t *r);
	/* the request's decoded parameters */
	int kind;
	int64_t scope_id;
	uint32_t limit;
	const char *params[12];
	/* answer state */
	char epoch[33];
	uint64_t cur_xid, cur_seq;
	int more;
	int last_type;
	int64_t last_id;
	/* verify */
	uint64_t count[SYNC_RECORD_TYPE_MAX + 1], sum[SYNC_RECORD_TYPE_MAX + 1];
	uint64_t verify_xid, verify_seq;
	/* shared push (feed.c) */
	const struct sync_push *push;
	uint64_t memo_gen;              /* snapshot and verify: the person memo (person_memo.h) */
} sync_ctx_t;

static int sync_type_valid(int t)
{
	return (t >= 1 && t <= 4) || (t >= 10 && t <= SYNC_RECORD_TYPE_MAX);
}

/* ------------------------------------------------------------ rendering */

/* Records of one type in a page, rendered by one internal request. */
typedef struct sync_batch {
	sync_ctx_t *ctx;
	sync_item_t **items;            /* ordered by id */
	size_t n;
} sync_batch_t;

static void sync_render_next(sync_ctx_t *ctx);

/* The message an internal request answered with; NULL if none. */
static const ProtobufCMessage *sync_answer_body(const req_t *sub)
{
	const ProtobufCFieldDescriptor *fd;

	fd = protobuf_c_message_descriptor_get_field(&quartier__v1__response__descriptor,
	                                             (unsigned)sub->resp.body_case);
	if (fd == NULL || fd->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)&sub->resp + fd->offset);
}

/* Whether the internal request sub failed: a refusal (not found, not
 * permitted) returns 1, a hard failure is noted in ctx and returns -1. */
static int sync_answer_failed(sync_ctx_t *ctx, const req_t *sub)
{
	qt_status_t st;

	if (sub->resp.error == NULL)
		return 0;
	st = envelope_status_from_wire((int)sub->resp.error->status);
	if (st == QT_NOT_FOUND || st == QT_PERMISSION_DENIED)
		return 1;
	if (ctx->failed == QT_OK) {
		ctx->failed = st;
		ctx->fail_msg = req_strdup(ctx->r, sub->resp.error->message);
	}
	return -1;
}

/* Packs msg into its record body, in the sync request's arena. */
static void sync_record_body(sync_ctx_t *ctx, sync_item_t *it, const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = req_alloc(ctx->r, len + 1);

	protobuf_c_message_pack(msg, buf);
	it->rec.has_body = 1;
	it->rec.body.data = buf;
	it->rec.body.len = len;
}

static void sync_rendered(req_t *sub, void *arg)
{
	sync_item_t *it = arg;
	sync_ctx_t *ctx = it->ctx;
	const ProtobufCMessage *msg = NULL;
	int failed = sync_answer_failed(ctx, sub);

	if (failed > 0) {
		it->tombstone = 1;
	} else if (failed == 0 && sub->resp.body_case == QUARTIER__V1__RESPONSE__BODY_REFERENCE_LIST) {
		if (sub->resp.reference_list->n_items == 1)
			msg = &sub->resp.reference_list->items[0]->base;
		else
			it->tombstone = 1;
	} else if (failed == 0) {
		msg = sync_answer_body(sub);
		if (msg == NULL)
			it->tombstone = 1;
	}
	if (msg != NULL)
		sync_record_body(ctx, it, msg);
	ctx->running--;
	ctx->done++;
	sync_render_next(ctx);
}

/* The id of a record message (its field "id"); 0 if it has none. */
static int64_t sync_message_id(const ProtobufCMessage *m)
{
	const ProtobufCFieldDescriptor *fd =
	    protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "id");

	if (fd == NULL || fd->type != PROTOBUF_C_TYPE_INT64 || fd->label == PROTOBUF_C_LABEL_REPEATED)
		return 0;
	return *(const int64_t *)((const char *)m + fd->offset);
}

/* Gives each item of b the record of its id in the list the batch request
 * answered with (the first repeated message field of its body); items the
 * list lacks become tombstones, as a refused get does. */
static void sync_batch_rendered(req_t *sub, void *arg)
{
	sync_batch_t *b = arg;
	sync_ctx_t *ctx = b->ctx;
	const ProtobufCMessage *list = NULL;
	int failed = sync_answer_failed(ctx, sub);

	if (failed == 0)
		list = sync_answer_body(sub);
	for (unsigned f = 0; list != NULL && f < list->descriptor->n_fields; f++) {
		const ProtobufCFieldDescriptor *fd = &list->descriptor->fields[f];
		const ProtobufCMessage *const *elems;
		size_t n;

		if (fd->label != PROTOBUF_C_LABEL_REPEATED || fd->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		n = *(const size_t *)((const char *)list + fd->quantifier_offset);
		elems = *(const ProtobufCMessage *const *const *)((const char *)list + fd->offset);
		for (size_t i = 0; i < n; i++) {
			int64_t id = sync_message_id(elems[i]);
			size_t lo = 0, hi = b->n;

			while (lo < hi) { /* the first item with this id */
				size_t mid = lo + (hi - lo) / 2;
				if (b->items[mid]->id < id)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < b->n && b->items[lo]->id == id; lo++)
				if (!b->items[lo]->rec.has_body)
					sync_record_body(ctx, b->items[lo], elems[i]);
		}
		break;
	}
	for (size_t i = 0; i < b->n; i++)
		if (failed >= 0 && !b->items[i]->rec.has_body)
			b->items[i]->tombstone = 1;
	ctx->running--;
	ctx->done += b->n;
	sync_render_next(ctx);
}

/* The request that renders many records of a type at once; NULL if the
 * type is rendered record by record. */
static void (*sync_batch_loader(int type))(req_t *, const int64_t *, size_t)
{
	switch (type) {
	case 10: return project_load_many;
	case 11: return person_load_many;
	case 12: return membership_load_many;
	case 13: return fund_load_many;
	case 14: return fund_entry_load_many;
	case 15: return assessment_load_many;
	case 18: return agenda_item_load_many;
	case 19: return handover_load_many;
	case 20: return goal_load_many;
	case 21: return progress_load_many;
	default: return NULL;
	}
}

static int sync_item_id_cmp(const void *a, const void *b)
{
	const sync_item_t *x = *(const sync_item_t *const *)a, *y = *(const sync_item_t *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Starts internal requests for the items of each type that has a batch
 * loader, SYNC_BATCH_MAX at a time, and marks them batched; called with
 * ctx->starting set, so an answer that comes at once does not end the
 * page early. */
static void sync_batches_start(sync_ctx_t *ctx)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	sync_batch_t *batches[SYNC_RECORD_TYPE_MAX + 1] = {0};

	for (size_t i = 0; i < ctx->n; i++) {
		sync_item_t *it = &ctx->items[i];
		if (it->tombstone || it->type < 0 || it->type > SYNC_RECORD_TYPE_MAX ||
		    sync_batch_loader(it->type) == NULL)
			continue;
		if (batches[it->type] == NULL) {
			batches[it->type] = req_alloc(ctx->r, sizeof(sync_batch_t));
			batches[it->type]->ctx = ctx;
			batches[it->type]->items =
			    req_alloc(ctx->r, (ctx->n - i) * sizeof(*batches[it->type]->items));
		}
		batches[it->type]->items[batches[it->type]->n++] = it;
		it->batched = 1;
	}
	for (int t = 0; t <= SYNC_RECORD_TYPE_MAX; t++) {
		sync_batch_t *b = batches[t];
		int64_t *ids;
		req_t *sub;

		if (b == NULL)
			continue;
		qsort(b->items, b->n, sizeof(*b->items), sync_item_id_cmp);
		ids = req_alloc(ctx->r, b->n * sizeof(*ids));
		for (size_t i = 0; i < b->n; i++)
			ids[i] = b->items[i]->id;
		/* In parts, which the database runs on several connections. */
		for (size_t off = 0; off < b->n; off += SYNC_BATCH_MAX) {
			sync_batch_t *part = req_alloc(ctx->r, sizeof(*part));

			part->ctx = ctx;
			part->items = b->items + off;
			part->n = b->n - off < SYNC_BATCH_MAX ? b->n - off : SYNC_BATCH_MAX;
			sub = req_new_internal(ctx->r->conn, &rq, "sync.render", sync_batch_rendered, part);
			if (sub == NULL)
				abort();
			sub->actor = ctx->r->actor;
			sub->memo_gen = ctx->memo_gen;
			ctx->running++;
			sync_batch_loader(t)(sub, ids + off, part->n);
		}
	}
}

/* Starts the internal request that renders it: for the record types
 * without a batch loader (sync_batch_loader), whose items
 * sync_batches_start() leaves to this function. */
static void sync_render_start(sync_ctx_t *ctx, sync_item_t *it)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ReferenceListRequest ref = QUARTIER__V1__REFERENCE_LIST_REQUEST__INIT;
	Quartier__V1__ContinuationGetRequest cg = QUARTIER__V1__CONTINUATION_GET_REQUEST__INIT;
	Quartier__V1__MeetingGetRequest mg = QUARTIER__V1__MEETING_GET_REQUEST__INIT;
	void (*handler)(req_t *) = NULL;
	void (*loader)(req_t *, int64_t) = NULL;
	const char *name = "sync.render";
	req_t *sub;

	switch (it->type) {
	case 1: case 2: case 3: case 4:
		ref.kind = (Quartier__V1__ReferenceKind)it->type; /* same numbering */
		rq.body_case = QUARTIER__V1__REQUEST__BODY_REFERENCE_LIST;
		rq.reference_list = &ref;
		loader = reference_load;
		break;
	case 16:
		cg.project_id = it->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_CONTINUATION_GET;
		rq.continuation_get = &cg;
		handler = continuation_get;
		break;
	case 17:
		mg.id = it->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_GET;
		rq.meeting_get = &mg;
		handler = meeting_get;
		break;
	default:
		it->tombstone = 1;
		ctx->done++;
		return;
	}
	sub = req_new_internal(ctx->r->conn, &rq, name, sync_rendered, it);
	if (sub == NULL)
		abort();
	sub->actor = ctx->r->actor;
	ctx->running++;
	if (handler != NULL)
		handler(sub);
	else
		loader(sub, it->id);
}

/* Keeps up to SYNC_RENDER_PARALLEL renders running; calls finish once all
 * are done.  Items already marked tombstone are not rendered, batched
 * ones are counted when their batch is done.  A render answered at once
 * calls this again from within the loop: that call leaves the rest to
 * the loop, which alone may end the request. */
static void sync_render_next(sync_ctx_t *ctx)
{
	if (ctx->starting)
		return;
	ctx->starting = 1;
	while (ctx->failed == QT_OK && ctx->running < SYNC_RENDER_PARALLEL && ctx->next < ctx->n) {
		sync_item_t *it = &ctx->items[ctx->next++];
		if (it->batched)
			continue;
		if (it->tombstone) {
			ctx->done++;
			continue;
		}
		sync_render_start(ctx, it);
	}
	ctx->starting = 0;
	if (ctx->running > 0)
		return;
	if (ctx->failed != QT_OK) {
		req_fail(ctx->r, ctx->failed, ctx->fail_msg, NULL);
		return;
	}
	if (ctx->done == ctx->n)
		ctx->finish(ctx->r);
}

static void sync_render(sync_ctx_t *ctx, void (*finish)(req_t *r))
{
	ctx->finish = finish;
	ctx->next = ctx->done = ctx->running = 0;
	for (size_t i = 0; i < ctx->n; i++) {
		sync_item_t *it = &ctx->items[i];
		it->ctx = ctx;
		quartier__v1__record__init(&it->rec);
		it->rec.type = (Quartier__V1__RecordType)it->type;
		it->rec.id = it->id;
		it->batched = 0;
	}
	ctx->starting = 1;
	sync_batches_start(ctx);
	ctx->starting = 0;
	sync_render_next(ctx);
}

/* ------------------------------------------------------------ parameters */

static Quartier__V1__Cursor *sync_cursor(req_t *r, const char *epoch, uint64_t xid, uint64_t seq)
{
	Quartier__V1__Cursor *c = req_alloc(r, sizeof(*c));

	quartier__v1__cursor__init(c);
	c->epoch = req_strdup(r, epoch);
	c->xid = xid;
	c->seq = seq;
	return c;
}

static sync_ctx_t *sync_ctx_new(req_t *r)
{
	sync_ctx_t *ctx = req_alloc(r, sizeof(*ctx));

	ctx->r = r;
	r->ctx = ctx;
	return ctx;
}

/* Reads scope and limit; 0 if valid, else the request has been answered. */
static int sync_params(req_t *r, sync_ctx_t *ctx, const Quartier__V1__Scope *scope,
                       int has_limit, uint32_t limit)
{
	ctx->kind = scope != NULL && scope->has_kind ? (int)scope->kind : 0;
	ctx->scope_id = scope != NULL && scope->has_id ? scope->id : 0;
	if (ctx->kind < 0 || ctx->kind > 4) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown scope kind", "scope.kind");
		return -1;
	}
	if (ctx->kind != 0 && ctx->scope_id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "a project, quarter, district or office scope needs its id",
		         "scope.id");
		return -1;
	}
	if (has_limit && (limit == 0 || limit > SYNC_LIMIT_MAX)) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "limit must be between 1 and %d", SYNC_LIMIT_MAX), "limit");
		return -1;
	}
	ctx->limit = has_limit ? limit : SYNC_LIMIT_DEFAULT;
	ctx->params[0] = req_printf(r, "%d", ctx->kind);
	ctx->params[1] = req_i64(r, ctx->scope_id);
	return 0;
}

static int sync_check_cursor(req_t *r, const Quartier__V1__Cursor *c, const char *field)
{
	if (c == NULL || c->epoch == NULL || c->epoch[0] == '\0' || strlen(c->epoch) > 32) {
		req_fail(r, QT_INVALID_ARGUMENT, "a cursor from a snapshot or an earlier pull is required",
		         field);
		return -1;
	}
	if (c->xid > (uint64_t)INT64_MAX || c->seq > (uint64_t)INT64_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "cursor out of range", field);
		return -1;
	}
	return 0;
}

/* Fills params[at..at+4] with the actor's rights as this server holds
 * them (account, role, office, organisation, district), for
 * qt_feed_epoch() and qt_account_rights_are() of migration 0009. */
static void sync_actor_params(req_t *r, sync_ctx_t *ctx, int at)
{
	const actor_t *a = &r->actor;

	ctx->params[at] = req_i64(r, a->account_id);
	ctx->params[at + 1] = perm_role_name(a->role);
	ctx->params[at + 2] = a->office_id != 0 ? req_i64(r, a->office_id) : NULL;
	ctx->params[at + 3] = a->organisation_id != 0 ? req_i64(r, a->organisation_id) : NULL;
	ctx->params[at + 4] = a->district_id != 0 ? req_i64(r, a->district_id) : NULL;
}

/* Answers r if the database holds other rights for the account than the
 * request runs with; 0 if they are the same. */
static int sync_rights_current(req_t *r, const char *value)
{
	if (value[0] == 't')
		return 0;
	req_fail(r, QT_UNAVAILABLE,
	         "the rights of this account are being changed; try again in a moment", NULL);
	return -1;
}

/* ------------------------------------------------------------ pull */

static void sync_pull_finish(req_t *r)
{
	sync_ctx_t *ctx = r->ctx;
	Quartier__V1__SyncChanges *out = req_alloc(r, sizeof(*out));

	quartier__v1__sync_changes__init(out);
	out->cursor = sync_cursor(r, ctx->epoch, ctx->cur_xid, ctx->cur_seq);
	out->records = req_alloc(r, (ctx->n + 1) * sizeof(*out->records));
	for (size_t i = 0; i < ctx->n; i++) {
		sync_item_t *it = &ctx->items[i];
		if (it->tombstone) {
			it->rec.has_deleted = 1;
			it->rec.deleted = 1;
			it->rec.has_body = 0;
		}
		it->rec.cursor = sync_cursor(r, ctx->epoch, it->xid, it->seq);
		out->records[out->n_records++] = &it->rec;
	}
	out->has_more = 1;
	out->more = ctx->more;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_SYNC_CHANGES;
	r->resp.sync_changes = out;
	req_reply(r);
}

/* Why a pull from the given epoch gets resync, the current epoch being
 * "feed[.generation]" (migration 0009). */
static const char *sync_resync_reason(const char *current, const char *given)
{
	size_t feed = strcspn(current, ".");

	if (strcmp(current, given) == 0)
		return "the change feed cannot continue from this cursor (it was pruned, or the "
		       "database was restored from an earlier backup); start with a new snapshot";
	if (strncmp(current, given, feed) == 0 && (given[feed] == '.' || given[feed] == '\0'))
		return "the rights of this account changed; start with a new snapshot";
	return "the cursor belongs to another database; start with a new snapshot";
}

/* Answers r (a pull, or a shared push render) with resync: the cursor's
 * epoch is not current (the account's epoch now being current) or the
 * feed no longer reaches back to it. */
static void sync_reply_resync(req_t *r, const char *current)
{
	Quartier__V1__SyncChanges *out = req_alloc(r, sizeof(*out));

	quartier__v1__sync_changes__init(out);
	out->has_resync = 1;
	out->resync = 1;
	out->reason = (char *)sync_resync_reason(current, r->rq->sync_pull->cursor->epoch);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_SYNC_CHANGES;
	r->resp.sync_changes = out;
	req_reply(r);
}

static void sync_pull_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	sync_ctx_t *ctx = r->ctx;
	int rows;
	unsigned long long horizon = 0, x;
	long long sq, rid;
	int t;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	rows = PQntuples(res);
	if (rows < 1) {
		req_fail(r, QT_INTERNAL, "the change feed is not set up", NULL);
		return;
	}
	if (sync_rights_current(r, PQgetvalue(res, 0, 9)) != 0)
		return;
	snprintf(ctx->epoch, sizeof(ctx->epoch), "%s", PQgetvalue(res, 0, 0));
	if (PQgetvalue(res, 0, 1)[0] == 't') {
		sync_reply_resync(r, ctx->epoch);
		return;
	}
	(void)sscanf(PQgetvalue(res, 0, 2), "%llu", &horizon);
	ctx->items = req_alloc(r, ((size_t)rows + 1) * sizeof(*ctx->items));
	ctx->n = 0;
	for (int i = 0; i < rows; i++) {
		sync_item_t *it = NULL;

		if (PQgetisnull(res, i, 3))
			break;
		if (sscanf(PQgetvalue(res, i, 3), "%llu", &x) != 1 ||
		    sscanf(PQgetvalue(res, i, 4), "%lld", &sq) != 1 ||
		    sscanf(PQgetvalue(res, i, 6), "%lld", &rid) != 1)
			continue;
		t = atoi(PQgetvalue(res, i, 5));
		ctx->cur_xid = x;
		ctx->cur_seq = (uint64_t)sq;
		/* One record per (type, id) and page, at its last change. */
		for (size_t k = 0; k < ctx->n && it == NULL; k++)
			if (ctx->items[k].type == t && ctx->items[k].id == rid)
				it = &ctx->items[k];
		if (it == NULL) {
			it = &ctx->items[ctx->n++];
			it->type = t;
			it->id = rid;
		}
		it->xid = x;
		it->seq = (uint64_t)sq;
		it->tombstone = PQgetvalue(res, i, 7)[0] == 't' || PQgetvalue(res, i, 8)[0] != 't';
	}
	if (rows >= (int)ctx->limit && !PQgetisnull(res, rows - 1, 3)) {
		ctx->more = 1;
	} else if (horizon > ctx->cur_xid) {
		/* Every transaction below the horizon has finished and nothing of
		 * it is left in scope: the cursor moves up to it. */
		ctx->cur_xid = horizon;
		ctx->cur_seq = 0;
	}
	sync_render(ctx, sync_pull_finish);
}

void sync_pull(req_t *r)
{
	Quartier__V1__SyncPullRequest *in = r->rq->sync_pull;
	sync_ctx_t *ctx = sync_ctx_new(r);

	if (sync_check_cursor(r, in->cursor, "cursor") != 0 ||
	    sync_params(r, ctx, in->scope, in->has_limit, in->limit) != 0)
		return;
	ctx->cur_xid = in->cursor->xid;
	ctx->cur_seq = in->cursor->seq;
	ctx->params[2] = in->cursor->epoch;
	ctx->params[3] = req_printf(r, "%" PRIu64, in->cursor->xid);
	ctx->params[4] = req_printf(r, "%" PRIu64, in->cursor->seq);
	ctx->params[5] = req_printf(r, "%u", ctx->limit);
	sync_actor_params(r, ctx, 6);
	req_query(r,
	          "SELECT m.epoch, m.resync, pg_snapshot_xmin(pg_current_snapshot())::text, "
	          "c.xid::text, c.seq, c.rtype, c.rid, c.deleted, "
	          "CASE WHEN c.rid IS NULL THEN NULL "
	          "ELSE qt_record_in_scope($1::smallint, $2::bigint, c.rtype, c.rid) END, m.rights "
	          "FROM (SELECT f.epoch, f.epoch <> $3 OR qt_feed_cursor_lost($4::xid8, $5::bigint) "
	          "             AS resync, qt_account_rights_are($7, $8, $9, $10, $11) AS rights "
	          "        FROM (SELECT qt_feed_epoch($7::bigint) AS epoch FROM feed_meta) f) m "
	          "LEFT JOIN LATERAL (SELECT * FROM change_log c "
	          "  WHERE m.rights AND NOT m.resync AND (c.xid, c.seq) > ($4::xid8, $5::bigint) "
	          "    AND c.xid < pg_snapshot_xmin(pg_current_snapshot()) "
	          "    AND qt_scope_match($1::smallint, $2::bigint, c.global, c.project_ids, "
	          "                       c.quarter_ids, c.district_ids, c.office_ids) "
	          "  ORDER BY c.xid, c.seq LIMIT $6::int) c ON true "
	          "ORDER BY c.xid, c.seq",
	          11, ctx->params, sync_pull_cb);
}

/* ------------------------------------------------------------ shared push */

typedef struct sync_push {
	const feed_row_t *rows;
	size_t n;
	uint64_t to_xid, to_seq;
} sync_push_t;

static void sync_push_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	sync_ctx_t *ctx = r->ctx;
	const sync_push_t *push = ctx->push;
	const char *given = r->rq->sync_pull->cursor->epoch;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INTERNAL, "the change feed is not set up", NULL);
		return;
	}
	if (sync_rights_current(r, PQgetvalue(res, 0, 1)) != 0)
		return;
	snprintf(ctx->epoch, sizeof(ctx->epoch), "%s", PQgetvalue(res, 0, 0));
	if (strcmp(ctx->epoch, given) != 0) {
		sync_reply_resync(r, ctx->epoch);
		return;
	}
	/* The feed hands one row per (type, id), at its last change. */
	ctx->items = req_alloc(r, (push->n + 1) * sizeof(*ctx->items));
	for (ctx->n = 0; ctx->n < push->n; ctx->n++) {
		const feed_row_t *row = &push->rows[ctx->n];
		sync_item_t *it = &ctx->items[ctx->n];

		it->type = row->type;
		it->id = row->id;
		it->xid = row->xid;
		it->seq = row->seq;
		it->tombstone = row->deleted;
	}
	ctx->cur_xid = push->to_xid;
	ctx->cur_seq = push->to_seq;
	sync_render(ctx, sync_pull_finish);
}

void sync_push_rows(req_t *r, const feed_row_t *rows, size_t n, uint64_t to_xid,
                    uint64_t to_seq)
{
	sync_ctx_t *ctx = sync_ctx_new(r);
	sync_push_t *push = req_alloc(r, sizeof(*push));

	push->rows = rows;
	push->n = n;
	push->to_xid = to_xid;
	push->to_seq = to_seq;
	ctx->push = push;
	sync_actor_params(r, ctx, 0);
	req_query(r, "SELECT qt_feed_epoch($1::bigint), qt_account_rights_are($1, $2, $3, $4, $5)", 5,
	          ctx->params, sync_push_cb);
}

/* ------------------------------------------------------------ snapshot */

static void sync_snapshot_finish(req_t *r)
{
	sync_ctx_t *ctx = r->ctx;
	Quartier__V1__SyncSnapshotPage *out = req_alloc(r, sizeof(*out));

	quartier__v1__sync_snapshot_page__init(out);
	out->cursor = sync_cursor(r, ctx->epoch, ctx->cur_xid, ctx->cur_seq);
	out->records = req_alloc(r, (ctx->n + 1) * sizeof(*out->records));
	for (size_t i = 0; i < ctx->n; i++)
		if (!ctx->items[i].tombstone)
			out->records[out->n_records++] = &ctx->items[i].rec;
	out->has_more = 1;
	out->more = ctx->more;
	if (ctx->more) {
		out->has_next_type = out->has_next_id = 1;
		out->next_type = (Quartier__V1__RecordType)ctx->last_type;
		out->next_id = ctx->last_id;
	} else {
		person_memo_close(r->conn, ctx->memo_gen);
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_SYNC_SNAPSHOT;
	r->resp.sync_snapshot = out;
	req_reply(r);
}

/* Reads a page of ids (and, for the first page, the cursor); 0 if the
 * page is in ctx, else r has been answered. */
static int sync_ids_page(req_t *r, sync_ctx_t *ctx, const PGresult *res, const db_error_t *err,
                         const Quartier__V1__Cursor *given)
{
	int rows;
	unsigned long long horizon = 0;

	if (err != NULL) {
		req_fail_db(r, err);
		return -1;
	}
	rows = PQntuples(res);
	if (rows < 1) {
		req_fail(r, QT_INTERNAL, "the change feed is not set up", NULL);
		return -1;
	}
	if (sync_rights_current(r, PQgetvalue(res, 0, 5)) != 0)
		return -1;
	snprintf(ctx->epoch, sizeof(ctx->epoch), "%s", PQgetvalue(res, 0, 0));
	if (given != NULL) {
		if (strcmp(given->epoch, ctx->epoch) != 0 || PQgetvalue(res, 0, 2)[0] == 't') {
			req_fail(r, QT_FAILED_PRECONDITION,
			         "the snapshot's cursor is no longer served; start the snapshot again",
			         "cursor");
			return -1;
		}
		ctx->cur_xid = given->xid;
		ctx->cur_seq = given->seq;
	} else {
		(void)sscanf(PQgetvalue(res, 0, 1), "%llu", &horizon);
		ctx->cur_xid = horizon;
		ctx->cur_seq = 0;
	}
	ctx->items = req_alloc(r, ((size_t)rows + 1) * sizeof(*ctx->items));
	ctx->n = 0;
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(res, i, 3))
			break;
		sync_item_t *it = &ctx->items[ctx->n++];
		it->type = atoi(PQgetvalue(res, i, 3));
		it->id = strtoll(PQgetvalue(res, i, 4), NULL, 10);
		ctx->last_type = it->type;
		ctx->last_id = it->id;
	}
	ctx->more = ctx->n >= ctx->limit;
	return 0;
}

/* The ids query: the account's feed epoch, horizon, whether the given
 * cursor can no longer be continued ($3/$4: pruned, or in a restore's
 * gap), then up to $7 records in scope after ($5, $6); in column 5 whether
 * the actor's rights ($8..$12) are current.  The page's own columns are
 * computed once in a subquery (OFFSET 0 keeps it from being pulled up into
 * the join), not once per record: that cost 20 ms per page of 1,000. */
#define SYNC_IDS_SQL                                                                          \
	"SELECT h.epoch, h.horizon, h.lost, s.rtype, s.rid, h.rights FROM ("                      \
	" SELECT qt_feed_epoch($8::bigint) AS epoch, "                                            \
	" pg_snapshot_xmin(pg_current_snapshot())::text AS horizon, "                             \
	" ($3::text IS NOT NULL AND qt_feed_cursor_lost($3::xid8, $4::bigint)) AS lost, "         \
	" qt_account_rights_are($8, $9, $10, $11, $12) AS rights FROM feed_meta m OFFSET 0) h "   \
	"LEFT JOIN LATERAL qt_sync_ids($1::smallint, $2::bigint, $5::smallint, $6::bigint, $7::int) s " \
	"ON true ORDER BY s.rtype, s.rid"

static void sync_snapshot_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	sync_ctx_t *ctx = r->ctx;

	if (sync_ids_page(r, ctx, res, err, r->rq->sync_snapshot->cursor) != 0)
		return;
	ctx->memo_gen = person_memo_open(r->conn, r->actor.account_id, ctx->epoch, ctx->cur_xid,
	                                 ctx->cur_seq);
	sync_render(ctx, sync_snapshot_finish);
}

void sync_snapshot(req_t *r)
{
	Quartier__V1__SyncSnapshotRequest *in = r->rq->sync_snapshot;
	sync_ctx_t *ctx = sync_ctx_new(r);

	if (sync_params(r, ctx, in->scope, in->has_limit, in->limit) != 0)
		return;
	if (in->cursor != NULL && sync_check_cursor(r, in->cursor, "cursor") != 0)
		return;
	if (in->has_after_type && !sync_type_valid((int)in->after_type)) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown record type", "after_type");
		return;
	}
	ctx->params[2] = in->cursor != NULL ? req_printf(r, "%" PRIu64, in->cursor->xid) : NULL;
	ctx->params[3] = in->cursor != NULL ? req_printf(r, "%" PRIu64, in->cursor->seq) : NULL;
	ctx->params[4] = req_printf(r, "%d", in->has_after_type ? (int)in->after_type : 0);
	ctx->params[5] = req_i64(r, in->has_after_id ? in->after_id : 0);
	ctx->params[6] = req_printf(r, "%u", ctx->limit);
	sync_actor_params(r, ctx, 7);
	req_query(r, SYNC_IDS_SQL, 12, ctx->params, sync_snapshot_cb);
}

/* ------------------------------------------------------------ verify */

static void sync_verify_page(req_t *r);

static uint64_t sync_record_sum(int type, int64_t id, const uint8_t *body, size_t len)
{
	uint8_t head[16], md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	uint64_t v = 0;
	EVP_MD_CTX *h = EVP_MD_CTX_new();

	for (int i = 0; i < 8; i++) {
		head[i] = (uint8_t)((uint64_t)type >> (56 - 8 * i));
		head[8 + i] = (uint8_t)((uint64_t)id >> (56 - 8 * i));
	}
	if (h == NULL || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(h, head, sizeof(head)) != 1 ||
	    (len > 0 && EVP_DigestUpdate(h, body, len) != 1) || EVP_DigestFinal_ex(h, md, &mdlen) != 1)
		abort();
	EVP_MD_CTX_free(h);
	for (int i = 0; i < 8; i++)
		v = (v << 8) | md[i];
	return v;
}

static void sync_verify_finish(req_t *r)
{
	sync_ctx_t *ctx = r->ctx;
	Quartier__V1__SyncVerify *out;

	for (size_t i = 0; i < ctx->n; i++) {
		sync_item_t *it = &ctx->items[i];
		if (it->tombstone)
			continue;
		ctx->count[it->type]++;
		ctx->sum[it->type] += sync_record_sum(it->type, it->id, it->rec.body.data, it->rec.body.len);
	}
	if (ctx->more) {
		sync_verify_page(r);
		return;
	}
	person_memo_close(r->conn, ctx->memo_gen);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__sync_verify__init(out);
	out->cursor = sync_cursor(r, ctx->epoch, ctx->verify_xid, ctx->verify_seq);
	out->sums = req_alloc(r, (SYNC_RECORD_TYPE_MAX + 1) * sizeof(*out->sums));
	for (int t = 1; t <= SYNC_RECORD_TYPE_MAX; t++) {
		Quartier__V1__SyncTypeSum *s;
		if (!sync_type_valid(t))
			continue;
		s = req_alloc(r, sizeof(*s));
		quartier__v1__sync_type_sum__init(s);
		s->type = (Quartier__V1__RecordType)t;
		s->count = ctx->count[t];
		s->checksum = ctx->sum[t];
		out->sums[out->n_sums++] = s;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_SYNC_VERIFY;
	r->resp.sync_verify = out;
	req_reply(r);
}

static void sync_verify_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	sync_ctx_t *ctx = r->ctx;
	int first = ctx->epoch[0] == '\0';

	if (sync_ids_page(r, ctx, res, err, NULL) != 0)
		return;
	if (first) {
		ctx->verify_xid = ctx->cur_xid;
		ctx->verify_seq = ctx->cur_seq;
		ctx->memo_gen = person_memo_open(r->conn, r->actor.account_id, ctx->epoch,
		                                 ctx->verify_xid, ctx->verify_seq);
	}
	sync_render(ctx, sync_verify_finish);
}

static void sync_verify_page(req_t *r)
{
	sync_ctx_t *ctx = r->ctx;

	ctx->params[2] = NULL;
	ctx->params[3] = NULL;
	ctx->params[4] = req_printf(r, "%d", ctx->last_type);
	ctx->params[5] = req_i64(r, ctx->last_id);
	ctx->params[6] = req_printf(r, "%u", ctx->limit);
	sync_actor_params(r, ctx, 7);
	req_query(r, SYNC_IDS_SQL, 12, ctx->params, sync_verify_cb);
}

void sync_verify(req_t *r)
{
	Quartier__V1__SyncVerifyRequest *in = r->rq->sync_verify;
	sync_ctx_t *ctx = sync_ctx_new(r);

	if (sync_params(r, ctx, in->scope, 1, SYNC_VERIFY_PAGE) != 0)
		return;
	sync_verify_page(r);
}

/* ------------------------------------------------------------ subscriptions */

void sync_subscribe(req_t *r)
{
	Quartier__V1__SyncSubscribeRequest *in = r->rq->sync_subscribe;
	sync_ctx_t *ctx = sync_ctx_new(r);
	Quartier__V1__Empty *e;

	if (sync_check_cursor(r, in->cursor, "cursor") != 0 ||
	    sync_params(r, ctx, in->scope, 0, 0) != 0)
		return;
	/* The first pull answers asynchronously, so its event follows this
	 * answer on the wire. */
	feed_subscribe(&r->srv->feed, r->conn, in->cursor->epoch, in->cursor->xid, in->cursor->seq, ctx->kind,
	               ctx->scope_id);
	e = req_alloc(r, sizeof(*e));
	quartier__v1__empty__init(e);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_EMPTY;
	r->resp.empty = e;
	req_reply(r);
}

void sync_unsubscribe(req_t *r)
{
	Quartier__V1__Empty *e = req_alloc(r, sizeof(*e));

	feed_unsubscribe(&r->srv->feed, r->conn);
	quartier__v1__empty__init(e);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_EMPTY;
	r->resp.empty = e;
	req_reply(r);
}
