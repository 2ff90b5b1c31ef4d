/* Quarter projects (Quartiersprojekte): create, get, list, update with
 * optimistic concurrency, lifecycle transitions.  Every change runs as one
 * call of a SQL function that writes the project, its link rows and the
 * audit row in one transaction; permission and lifecycle decisions are
 * made here, on the row as stored, and the function re-checks the version
 * so the row that was judged is the row that is changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "lifecycle.h"
#include "pgrow.h"
#include "validate.h"

#define PROJECT_NAME_MAX 200
#define PROJECT_DESCRIPTION_MAX 20000
#define PROJECT_QUARTERS_MAX 50
#define PROJECT_OFFICES_MAX 10
#define PROJECT_COORDINATORS_MAX 20
#define PROJECT_PAGE_DEFAULT 50
#define PROJECT_PAGE_MAX 500

static void project_reply_row(req_t *r, const PGresult *res)
{
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROJECT;
	r->resp.project = pgrow_project(r, res, 0);
	req_reply(r);
}

static void project_row_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "id");
		return;
	}
	project_reply_row(r, res);
}

static qt_status_t project_check_dates(validation_t *v, const char *start, const char *end)
{
	int32_t ds = 0, de = 0;
	int has_s = start != NULL && start[0] != '\0';
	int has_e = end != NULL && end[0] != '\0';

	if (has_s && validate_date(v, "start_date", start, &ds) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (has_e && validate_date(v, "end_date", end, &de) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (has_s && has_e && de < ds) {
		v->field = "end_date";
		snprintf(v->message, sizeof(v->message), "end_date %s lies before start_date %s", end, start);
		return QT_INVALID_ARGUMENT;
	}
	return QT_OK;
}

/* ------------------------------------------------------------ create */

void project_create(req_t *r)
{
	Quartier__V1__ProjectCreateRequest *in = r->rq->project_create;
	validation_t v;
	qt_status_t st;
	const char **p;

	if (validate_text(&v, "name", in->name, 1, PROJECT_NAME_MAX, 0) != QT_OK ||
	    validate_ids(&v, "quarter_ids", in->quarter_ids, in->n_quarter_ids, 1, PROJECT_QUARTERS_MAX) != QT_OK ||
	    validate_ids(&v, "lead_office_ids", in->lead_office_ids, in->n_lead_office_ids, 1, PROJECT_OFFICES_MAX) != QT_OK ||
	    validate_ids(&v, "coordinator_ids", in->coordinator_ids, in->n_coordinator_ids, 0, PROJECT_COORDINATORS_MAX) != QT_OK ||
	    (in->has_carrier_id && validate_id(&v, "carrier_id", in->carrier_id) != QT_OK) ||
	    project_check_dates(&v, in->start_date, in->end_date) != QT_OK ||
	    validate_text(&v, "description", in->description, 0, PROJECT_DESCRIPTION_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (pgrow_kind_name(in->kind) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "kind must be comprehensive or focused", "kind");
		return;
	}
	st = perm_project_create(&r->actor, in->lead_office_ids, in->n_lead_office_ids);
	if (st != QT_OK) {
		req_fail(r, st, "you may create projects only for your own office", "lead_office_ids");
		return;
	}
	p = req_alloc(r, 10 * sizeof(*p));
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = in->name;
	p[2] = pgrow_kind_name(in->kind);
	p[3] = req_id_array(r, in->quarter_ids, in->n_quarter_ids);
	p[4] = req_id_array(r, in->lead_office_ids, in->n_lead_office_ids);
	p[5] = in->has_carrier_id ? req_i64(r, in->carrier_id) : NULL;
	p[6] = req_id_array(r, in->coordinator_ids, in->n_coordinator_ids);
	p[7] = in->start_date != NULL && in->start_date[0] ? in->start_date : NULL;
	p[8] = in->end_date != NULL && in->end_date[0] ? in->end_date : NULL;
	p[9] = in->description;
	req_mutate(r, "SELECT * FROM qt_project_create($1, $2, $3, $4::bigint[], $5::bigint[], $6, "
	             "$7::bigint[], $8::date, $9::date, $10)",
	          10, p, project_row_cb);
}

/* ------------------------------------------------------------ get */

/* The project_v row with the stamp it is cached under (project_cache.h):
 * the row's xmin and the reference generation, read in the same snapshot
 * as the row (its version is column 1). */
#define PROJECT_GET_SQL                                                          \
	"SELECT " PGROW_PROJECT_COLS ", "                                            \
	"(SELECT p.xmin FROM project p WHERE p.id = $1)::text, "                     \
	"(SELECT g.gen FROM qt_ref_gen g)::text FROM project_v WHERE id = $1"

/* The stamps of a batch of cached projects: one primary-key read per id
 * (duplicates answer once) and the one-row generation, by id. */
#define PROJECT_STAMPS_SQL                                                       \
	"SELECT p.id, p.xmin::text, p.version, g.gen::text "                         \
	"FROM project p CROSS JOIN qt_ref_gen g "                                    \
	"WHERE p.id = ANY ($1::bigint[]) ORDER BY p.id"

/* A cache hit waiting for its validating read; in its request's arena. */
struct project_check {
	project_check_t *next;
	req_t *r;
};

_Static_assert(sizeof(((project_check_batch_t *)0)->literal) >= REQ_ID_ARRAY_LEN(PROJECT_CHECK_BATCH),
               "a batch's literal holds its ids");

static void project_checks_flush(server_t *srv);
static void project_checks_tick_cb(uv_check_t *h);

static int project_stamp_same(const project_stamp_t *a, const project_stamp_t *b)
{
	return a->xmin == b->xmin && a->version == b->version && a->ref_gen == b->ref_gen;
}

static void project_get_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	project_stamp_t stamp;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		project_cache_drop(&r->srv->projects, r->rq->project_get->id);
		req_fail(r, QT_NOT_FOUND, "no such project", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROJECT;
	r->resp.project = pgrow_project(r, res, 0);
	n = PQnfields(res);
	if (project_stamp_parse(&stamp, PQgetvalue(res, 0, n - 2), PQgetvalue(res, 0, 1),
	                        PQgetvalue(res, 0, n - 1)) == 0)
		project_cache_put(&r->srv->projects, r->resp.project->id, &stamp, r->resp.project);
	req_reply(r);
}

static void project_get_load(req_t *r, const char *const *p)
{
	r->srv->projects.misses++;
	req_query(r, PROJECT_GET_SQL, 1, p, project_get_loaded_cb);
}

/* Answers r, a cache hit, by the stamp its batch read (row of res, or -1
 * when the project is not there): from the cache only if the entry's
 * stamp is the row's now, else by rendering the row anew. */
static void project_get_checked(req_t *r, const PGresult *res, int row)
{
	project_cache_t *pc = &r->srv->projects;
	int64_t id = r->rq->project_get->id;
	const project_cache_entry_t *e;
	project_stamp_t now;

	if (row < 0) {
		project_cache_drop(pc, id);
		req_fail(r, QT_NOT_FOUND, "no such project", "id");
		return;
	}
	e = project_cache_find(pc, id);
	if (e == NULL || project_stamp_parse(&now, PQgetvalue(res, row, 1), PQgetvalue(res, row, 2),
	                                     PQgetvalue(res, row, 3)) != 0 ||
	    !project_stamp_same(&e->stamp, &now)) {
		project_get_load(r, r->ctx);
		return;
	}
	pc->hits++;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROJECT;
	/* Borrowed from the cache: req_reply packs the answer (or an internal
	 * request's on_done reads it) before returning, and nothing changes
	 * the cache meanwhile. */
	r->resp.project = e->msg;
	req_reply(r);
}

/* The row of id in res (ordered by id, column 0), or -1. */
static int project_stamp_row(const PGresult *res, int64_t id)
{
	int lo = 0, hi = PQntuples(res) - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		long long v = strtoll(PQgetvalue(res, mid, 0), NULL, 10);
		if (v == id)
			return mid;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static void project_checks_done(const PGresult *res, const db_error_t *err, void *arg)
{
	project_check_batch_t *b = arg;
	server_t *srv = b->srv;

	/* Each request is answered (and freed) in turn; b keeps the list. */
	for (size_t i = 0; i < b->n; i++) {
		if (err != NULL)
			req_fail_db(b->reqs[i], err);
		else
			project_get_checked(b->reqs[i], res, project_stamp_row(res, b->ids[i]));
	}
	b->busy = 0;
	if (srv->projects.check_head != NULL && srv->checks_tick_open)
		uv_check_start(&srv->checks_tick, project_checks_tick_cb);
}

/* Sends the waiting cache hits' validating reads, up to
 * PROJECT_CHECK_BATCH per statement and PROJECT_CHECK_INFLIGHT statements
 * at once: hits that come while the batches are out wait for the next
 * one, so under load one primary-key read statement serves many gets. */
static void project_checks_flush(server_t *srv)
{
	project_cache_t *pc = &srv->projects;

	for (size_t k = 0; k < PROJECT_CHECK_INFLIGHT && pc->check_head != NULL; k++) {
		project_check_batch_t *b = &pc->batches[k];
		qt_status_t st;

		if (b->busy)
			continue;
		b->srv = srv;
		for (b->n = 0; pc->check_head != NULL && b->n < PROJECT_CHECK_BATCH; b->n++) {
			req_t *r = pc->check_head->r;

			pc->check_head = pc->check_head->next;
			b->reqs[b->n] = r;
			b->ids[b->n] = r->rq->project_get->id;
		}
		if (pc->check_head == NULL)
			pc->check_tail = NULL;
		b->params[0] = req_id_array_write(b->literal, b->ids, b->n);
		st = db_query(srv->db, PROJECT_STAMPS_SQL, 1, b->params, project_checks_done, b);
		if (st != QT_OK) {
			for (size_t i = 0; i < b->n; i++)
				req_fail_unqueued(b->reqs[i], st);
			return;
		}
		b->busy = 1;
		pc->check_batches++;
	}
}

/* Once per loop turn, after the turn's reads: the hits they brought go
 * out together. */
static void project_checks_tick_cb(uv_check_t *h)
{
	server_t *srv = h->data;

	project_checks_flush(srv);
	if (srv->projects.check_head == NULL)
		uv_check_stop(h);
}

void project_checks_init(server_t *srv)
{
	uv_check_init(srv->loop, &srv->checks_tick);
	srv->checks_tick.data = srv;
	srv->checks_tick_open = 1;
}

void project_checks_close(server_t *srv)
{
	if (!srv->checks_tick_open)
		return;
	srv->checks_tick_open = 0;
	uv_close((uv_handle_t *)&srv->checks_tick, NULL);
}

void project_get(req_t *r)
{
	project_cache_t *pc = &r->srv->projects;
	const char **p = req_alloc(r, sizeof(*p));
	int64_t id = r->rq->project_get->id;
	project_check_t *c;

	if (id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "id must be a positive id", "id");
		return;
	}
	p[0] = req_i64(r, id);
	r->ctx = p;
	if (project_cache_find(pc, id) == NULL) {
		project_get_load(r, p);
		return;
	}
	c = req_alloc(r, sizeof(*c));
	c->r = r;
	if (pc->check_tail != NULL)
		pc->check_tail->next = c;
	else
		pc->check_head = c;
	pc->check_tail = c;
	if (r->srv->checks_tick_open)
		uv_check_start(&r->srv->checks_tick, project_checks_tick_cb);
	else
		project_checks_flush(r->srv);
}

/* ------------------------------------------------------------ list */

typedef struct list_ctx {
	const char *params[8];
	uint32_t page;
} list_ctx_t;

static void project_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	list_ctx_t *ctx = r->ctx;
	Quartier__V1__ProjectList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__project_list__init(out);
	/* One row more than the page was asked for, to know whether there is
	 * a next page without a count. */
	if ((uint32_t)n > ctx->page) {
		n = (int)ctx->page;
		out->has_next_after_id = 1;
		out->next_after_id = pgrow_i64(res, n - 1, 0);
	}
	out->projects = req_alloc(r, (size_t)n * sizeof(*out->projects) + 1);
	for (int i = 0; i < n; i++)
		out->projects[i] = pgrow_project(r, res, i);
	out->n_projects = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROJECT_LIST;
	r->resp.project_list = out;
	req_reply(r);
}

static void project_list_run(req_t *r)
{
	list_ctx_t *ctx = r->ctx;

	req_query(r,
	          "SELECT " PGROW_PROJECT_COLS " FROM project_v v WHERE v.id > $7::bigint "
	          "AND ($1::bigint IS NULL OR EXISTS (SELECT 1 FROM project_quarter pq "
	          "  JOIN quarter q ON q.id = pq.quarter_id WHERE pq.project_id = v.id AND q.district_id = $1)) "
	          "AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM project_quarter pq "
	          "  WHERE pq.project_id = v.id AND pq.quarter_id = $2)) "
	          "AND ($3::text IS NULL OR v.kind = $3) "
	          "AND ($4::text IS NULL OR v.status = $4) "
	          "AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM project_lead_office lo "
	          "  WHERE lo.project_id = v.id AND lo.office_id = $5)) "
	          "ORDER BY v.id LIMIT $6::int",
	          7, ctx->params, project_list_cb);
}

static void project_district_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	list_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "no district named \"%s\"", r->rq->project_list->district),
		         "district");
		return;
	}
	ctx->params[0] = pgrow_str(r, res, 0, 0);
	project_list_run(r);
}

void project_list(req_t *r)
{
	Quartier__V1__ProjectListRequest *in = r->rq->project_list;
	list_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	ctx->page = in->has_page_size && in->page_size > 0 ? in->page_size : PROJECT_PAGE_DEFAULT;
	if (ctx->page > PROJECT_PAGE_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "page_size must not exceed 500", "page_size");
		return;
	}
	if (in->has_kind && in->kind != 0 && pgrow_kind_name(in->kind) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown kind", "kind");
		return;
	}
	if (in->has_status && in->status != 0 && lifecycle_name(in->status) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown status", "status");
		return;
	}
	ctx->params[0] = in->has_district_id && in->district_id > 0 ? req_i64(r, in->district_id) : NULL;
	ctx->params[1] = in->has_quarter_id && in->quarter_id > 0 ? req_i64(r, in->quarter_id) : NULL;
	ctx->params[2] = in->has_kind && in->kind != 0 ? pgrow_kind_name(in->kind) : NULL;
	ctx->params[3] = in->has_status && in->status != 0 ? lifecycle_name(in->status) : NULL;
	ctx->params[4] = in->has_lead_office_id && in->lead_office_id > 0 ? req_i64(r, in->lead_office_id) : NULL;
	ctx->params[5] = req_printf(r, "%u", ctx->page + 1);
	ctx->params[6] = req_i64(r, in->has_after_id && in->after_id > 0 ? in->after_id : 0);
	if (in->district != NULL && in->district[0] != '\0') {
		if (validate_text(&v, "district", in->district, 1, 100, 0) != QT_OK) {
			req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
			return;
		}
		ctx->params[7] = in->district;
		req_query(r,
		          "SELECT id FROM district WHERE lower(name) = lower($1) "
		          "OR lower(short_name) = lower($1) OR lower('Stuttgart-' || name) = lower($1)",
		          1, &ctx->params[7], project_district_cb);
		return;
	}
	project_list_run(r);
}

/* ------------------------------------------------------------ sync */

void project_load_many(req_t *r, const int64_t *ids, size_t n)
{
	list_ctx_t *ctx = req_alloc(r, sizeof(*ctx));

	r->ctx = ctx;
	ctx->page = (uint32_t)n; /* every row answers; none is one too many */
	ctx->params[0] = req_id_array(r, ids, n);
	req_query(r, "SELECT " PGROW_PROJECT_COLS " FROM qt_sync_projects($1::bigint[])", 1,
	          ctx->params, project_list_cb);
}

/* ------------------------------------------------------------ update */

typedef struct update_ctx {
	Quartier__V1__Project *cur;  /* the project as stored when judged */
	const char *params[18];
} update_ctx_t;

static perm_project_t project_perm_view(const Quartier__V1__Project *p)
{
	perm_project_t pp = {
		.lead_office_ids = p->lead_office_ids,
		.n_lead_office_ids = p->n_lead_office_ids,
		.coordinator_ids = p->coordinator_ids,
		.n_coordinator_ids = p->n_coordinator_ids,
	};
	return pp;
}

static void project_update_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	update_ctx_t *ctx = r->ctx;
	Quartier__V1__ProjectUpdateRequest *in = r->rq->project_update;
	perm_project_t pp;
	perm_change_t ch = {0};
	const char *start, *end;
	validation_t v;
	qt_status_t st;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "id");
		return;
	}
	ctx->cur = pgrow_project(r, res, 0);
	pp = project_perm_view(ctx->cur);
	ch.structural = (in->has_kind && in->kind != ctx->cur->kind) || in->set_lead_office_ids ||
	                in->set_coordinator_ids || in->has_carrier_id;
	ch.lead_office_ids_set = in->set_lead_office_ids;
	ch.new_lead_office_ids = in->lead_office_ids;
	ch.n_new_lead_office_ids = in->n_lead_office_ids;
	st = perm_project_update(&r->actor, &pp, &ch);
	if (st != QT_OK) {
		req_fail(r, st, r->actor.role == ROLE_COORDINATOR
		                    ? "coordinators edit only the descriptive fields of their own projects"
		                    : "you may edit only projects your office leads", NULL);
		return;
	}
	if (ctx->cur->version != in->expected_version) {
		req_fail(r, QT_CONFLICT,
		         req_printf(r, "the project was changed meanwhile (now version %lld); reload and try again",
		                    (long long)ctx->cur->version),
		         "expected_version");
		return;
	}
	/* Dates as they will be after the update. */
	start = in->start_date != NULL ? in->start_date : ctx->cur->start_date;
	end = in->end_date != NULL ? in->end_date : ctx->cur->end_date;
	if (project_check_dates(&v, start, end) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = in->name;
	p[4] = in->has_kind ? pgrow_kind_name(in->kind) : NULL;
	p[5] = in->set_quarter_ids ? "t" : "f";
	p[6] = req_id_array(r, in->quarter_ids, in->n_quarter_ids);
	p[7] = in->set_lead_office_ids ? "t" : "f";
	p[8] = req_id_array(r, in->lead_office_ids, in->n_lead_office_ids);
	p[9] = in->set_coordinator_ids ? "t" : "f";
	p[10] = req_id_array(r, in->coordinator_ids, in->n_coordinator_ids);
	p[11] = in->has_carrier_id ? "t" : "f";
	p[12] = in->has_carrier_id && in->carrier_id > 0 ? req_i64(r, in->carrier_id) : NULL;
	p[13] = in->start_date != NULL ? "t" : "f";
	p[14] = in->start_date != NULL && in->start_date[0] ? in->start_date : NULL;
	p[15] = in->end_date != NULL ? "t" : "f";
	p[16] = in->end_date != NULL && in->end_date[0] ? in->end_date : NULL;
	p[17] = in->description;
	req_mutate(r, "SELECT * FROM qt_project_update($1, $2, $3, $4, $5, $6, $7::bigint[], $8, "
	             "$9::bigint[], $10, $11::bigint[], $12, $13, $14, $15::date, $16, $17::date, $18)",
	          18, p, project_row_cb);
}

void project_update(req_t *r)
{
	Quartier__V1__ProjectUpdateRequest *in = r->rq->project_update;
	update_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    (in->name != NULL && validate_text(&v, "name", in->name, 1, PROJECT_NAME_MAX, 0) != QT_OK) ||
	    (in->set_quarter_ids && validate_ids(&v, "quarter_ids", in->quarter_ids, in->n_quarter_ids, 1, PROJECT_QUARTERS_MAX) != QT_OK) ||
	    (in->set_lead_office_ids && validate_ids(&v, "lead_office_ids", in->lead_office_ids, in->n_lead_office_ids, 1, PROJECT_OFFICES_MAX) != QT_OK) ||
	    (in->set_coordinator_ids && validate_ids(&v, "coordinator_ids", in->coordinator_ids, in->n_coordinator_ids, 0, PROJECT_COORDINATORS_MAX) != QT_OK) ||
	    (in->has_carrier_id && in->carrier_id < 0 && validate_id(&v, "carrier_id", in->carrier_id) != QT_OK) ||
	    (in->description != NULL && validate_text(&v, "description", in->description, 0, PROJECT_DESCRIPTION_MAX, 1) != QT_OK) ||
	    project_check_dates(&v, in->start_date, in->end_date) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (in->has_kind && pgrow_kind_name(in->kind) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "kind must be comprehensive or focused", "kind");
		return;
	}
	if ((!in->set_quarter_ids && in->n_quarter_ids) || (!in->set_lead_office_ids && in->n_lead_office_ids) ||
	    (!in->set_coordinator_ids && in->n_coordinator_ids)) {
		req_fail(r, QT_INVALID_ARGUMENT, "a list was sent without its set_* flag", "set_quarter_ids");
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, "SELECT " PGROW_PROJECT_COLS " FROM project_v WHERE id = $1", 1, ctx->params,
	          project_update_loaded_cb);
}

/* ------------------------------------------------------------ transition */

static void project_transition_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	update_ctx_t *ctx = r->ctx;
	Quartier__V1__ProjectTransitionRequest *in = r->rq->project_transition;
	perm_project_t pp;
	const char *why;
	qt_status_t st;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "id");
		return;
	}
	ctx->cur = pgrow_project(r, res, 0);
	pp = project_perm_view(ctx->cur);
	st = perm_project_transition(&r->actor, &pp, ctx->cur->status, in->to);
	if (st != QT_OK) {
		req_fail(r, st, "you may not change the status of this project", "to");
		return;
	}
	why = lifecycle_check(ctx->cur->status, in->to, in->reason);
	if (why != NULL) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         req_printf(r, "%s -> %s: %s", lifecycle_name(ctx->cur->status),
		                    lifecycle_name(in->to), why),
		         "to");
		return;
	}
	if (ctx->cur->version != in->expected_version) {
		req_fail(r, QT_CONFLICT,
		         req_printf(r, "the project was changed meanwhile (now version %lld); reload and try again",
		                    (long long)ctx->cur->version),
		         "expected_version");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = lifecycle_name(ctx->cur->status);
	p[4] = lifecycle_name(in->to);
	p[5] = in->reason;
	req_mutate(r, "SELECT * FROM qt_project_transition($1, $2, $3, $4, $5, $6)", 6, p,
	          project_row_cb);
}

void project_transition(req_t *r)
{
	Quartier__V1__ProjectTransitionRequest *in = r->rq->project_transition;
	update_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    (in->reason != NULL && validate_text(&v, "reason", in->reason, 0, 2000, 1) != QT_OK)) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (lifecycle_name(in->to) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown target status", "to");
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, "SELECT " PGROW_PROJECT_COLS " FROM project_v WHERE id = $1", 1, ctx->params,
	          project_transition_loaded_cb);
}
