/* Continuation (Verstetigung, chapter 9): per project a plan of building
 * blocks — who takes which tasks with which resources — and the date the
 * current funding ends; setting it with optimistic concurrency, reading
 * it, and the projects whose funding ends soon without a plan.  A plan set
 * by the coordination is a proposal, one set by a lead office or an admin
 * is agreed (perm_continuation_agreed()). */
#include <string.h>

#include "handlers.h"
#include "lifecycle.h"
#include "pgrow.h"
#include "validate.h"

#define CONTINUATION_BLOCKS_MAX      6
#define CONTINUATION_RESPONSIBLE_MAX 200
#define CONTINUATION_TEXT_MAX        4000
#define CONTINUATION_MONTHS_MAX      120

/* The columns of continuation_v but block_order. */
#define CONTINUATION_COLS                                                                          \
	"project_id, project_name, project_end_date, version, funding_ends_on, summary, "          \
	"status, updated_by, updated_at, block, responsible, tasks, resources"
#define CONTINUATION_BLOCK_COL 9

static const char *const continuation_blocks[] = {
    [QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_CITY_OVERALL_RESPONSIBILITY] =
        "city_overall_responsibility",
    [QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_STANDING_FACILITY] = "standing_facility",
    [QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_ORGANISED_CIVIC_ENGAGEMENT] =
        "organised_civic_engagement",
    [QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_ESTABLISHED_NETWORK] =
        "established_network",
    [QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_DISTRICT_HEAD] = "district_head",
    [QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_CITY_SERVICES] = "city_services",
};

#define CONTINUATION_NBLOCKS (int)(sizeof(continuation_blocks) / sizeof(continuation_blocks[0]))

static const char *continuation_block_name(int b)
{
	return b > 0 && b < CONTINUATION_NBLOCKS ? continuation_blocks[b] : NULL;
}

static int continuation_block_parse(const char *s)
{
	for (int i = 1; i < CONTINUATION_NBLOCKS; i++)
		if (strcmp(continuation_blocks[i], s) == 0)
			return i;
	return 0;
}

/* Answers with the plan in CONTINUATION_COLS rows (one per block, or one
 * without a block). */
static void continuation_row_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__Continuation *c;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	if (n < 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "project_id");
		return;
	}
	c = req_alloc(r, sizeof(*c));
	quartier__v1__continuation__init(c);
	c->project_id = pgrow_i64(res, 0, 0);
	c->project_name = pgrow_str(r, res, 0, 1);
	c->project_end_date = pgrow_str(r, res, 0, 2);
	c->version = pgrow_i64(res, 0, 3);
	c->funding_ends_on = pgrow_str(r, res, 0, 4);
	c->summary = pgrow_str(r, res, 0, 5);
	if (!pgrow_null(res, 0, 6)) {
		c->has_status = 1;
		c->status = strcmp(PQgetvalue(res, 0, 6), "agreed") == 0
		                ? QUARTIER__V1__CONTINUATION_STATUS__CONTINUATION_STATUS_AGREED
		                : QUARTIER__V1__CONTINUATION_STATUS__CONTINUATION_STATUS_PROPOSED;
	}
	if (!pgrow_null(res, 0, 7)) {
		c->has_updated_by = 1;
		c->updated_by = pgrow_i64(res, 0, 7);
	}
	if (!pgrow_null(res, 0, 8)) {
		c->has_updated_at = 1;
		c->updated_at = pgrow_i64(res, 0, 8);
	}
	c->blocks = req_alloc(r, (size_t)n * sizeof(*c->blocks));
	for (int i = 0; i < n; i++) {
		Quartier__V1__ContinuationBlockPlan *b;

		if (pgrow_null(res, i, CONTINUATION_BLOCK_COL))
			continue;
		b = req_alloc(r, sizeof(*b));
		quartier__v1__continuation_block_plan__init(b);
		b->block = (Quartier__V1__ContinuationBlock)continuation_block_parse(
		    PQgetvalue(res, i, CONTINUATION_BLOCK_COL));
		b->responsible = pgrow_str(r, res, i, CONTINUATION_BLOCK_COL + 1);
		b->tasks = pgrow_str(r, res, i, CONTINUATION_BLOCK_COL + 2);
		b->resources = pgrow_str(r, res, i, CONTINUATION_BLOCK_COL + 3);
		c->blocks[c->n_blocks++] = b;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_CONTINUATION;
	r->resp.continuation = c;
	req_reply(r);
}

/* ------------------------------------------------------------ set */

typedef struct set_ctx {
	const char *params[10];
} set_ctx_t;

static void continuation_set_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	set_ctx_t *ctx = r->ctx;
	Quartier__V1__ContinuationSetRequest *in = r->rq->continuation_set;
	const char **blocks, **responsible, **tasks, **resources;
	perm_project_t pp;
	qt_status_t st;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "project_id");
		return;
	}
	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 0), &pp.n_lead_office_ids);
	pp.coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 1), &pp.n_coordinator_ids);
	st = perm_continuation_set(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(
		    r, st,
		    r->actor.role == ROLE_OFFICE ? "you may set the continuation plan only of "
		                                   "projects your office leads"
		    : r->actor.role == ROLE_COORDINATOR
		        ? "you may propose a continuation plan only for projects you coordinate"
		        : "you may not set continuation plans",
		    "project_id");
		return;
	}
	blocks = req_alloc(r, in->n_blocks * sizeof(*blocks) + 1);
	responsible = req_alloc(r, in->n_blocks * sizeof(*responsible) + 1);
	tasks = req_alloc(r, in->n_blocks * sizeof(*tasks) + 1);
	resources = req_alloc(r, in->n_blocks * sizeof(*resources) + 1);
	for (size_t i = 0; i < in->n_blocks; i++) {
		blocks[i] = continuation_block_name(in->blocks[i]->block);
		responsible[i] = in->blocks[i]->responsible;
		tasks[i] = in->blocks[i]->tasks;
		resources[i] = in->blocks[i]->resources;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->project_id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = perm_continuation_agreed(&r->actor, &pp) ? "agreed" : "proposed";
	p[4] = in->funding_ends_on != NULL && in->funding_ends_on[0] != '\0' ? in->funding_ends_on
	                                                                     : NULL;
	p[5] = in->summary;
	p[6] = req_text_array(r, blocks, in->n_blocks);
	p[7] = req_text_array(r, responsible, in->n_blocks);
	p[8] = req_text_array(r, tasks, in->n_blocks);
	p[9] = req_text_array(r, resources, in->n_blocks);
	req_mutate(r,
	          "SELECT " CONTINUATION_COLS " FROM qt_continuation_set($1, $2, $3, $4, $5::date, "
	          "$6, $7::text[], $8::text[], $9::text[], $10::text[]) ORDER BY block_order",
	          10, p, continuation_row_cb);
}

/* Checks block i of the request (counting from 0); answers and returns -1
 * when it is bad. */
static int continuation_check_block(req_t *r, const Quartier__V1__ContinuationSetRequest *in,
                                    size_t i)
{
	const Quartier__V1__ContinuationBlockPlan *b = in->blocks[i];
	const char *name = continuation_block_name(b->block);
	validation_t v;

	if (name == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r,
		                    "block %zu: unknown building block; one of "
		                    "city_overall_responsibility, standing_facility, "
		                    "organised_civic_engagement, established_network, "
		                    "district_head, city_services",
		                    i + 1),
		         "blocks.block");
		return -1;
	}
	if (validate_text(&v, "blocks.responsible", b->responsible, 1, CONTINUATION_RESPONSIBLE_MAX,
	                  0) != QT_OK ||
	    validate_text(&v, "blocks.tasks", b->tasks, 1, CONTINUATION_TEXT_MAX, 1) != QT_OK ||
	    validate_text(&v, "blocks.resources", b->resources, 0, CONTINUATION_TEXT_MAX, 1) !=
	        QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, req_printf(r, "block %s: %s", name, v.message),
		         v.field);
		return -1;
	}
	for (size_t k = 0; k < i; k++) {
		if (in->blocks[k]->block == b->block) {
			req_fail(r, QT_INVALID_ARGUMENT,
			         req_printf(r, "building block %s is named twice", name),
			         "blocks.block");
			return -1;
		}
	}
	return 0;
}

void continuation_set(req_t *r)
{
	Quartier__V1__ContinuationSetRequest *in = r->rq->continuation_set;
	set_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	const char *ends = in->funding_ends_on;
	int32_t days;
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK ||
	    (ends != NULL && ends[0] != '\0' &&
	     validate_date(&v, "funding_ends_on", ends, &days) != QT_OK) ||
	    validate_text(&v, "summary", in->summary, 0, CONTINUATION_TEXT_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (in->expected_version < 0) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "expected_version must be the version read (0 when there is no plan yet)",
		         "expected_version");
		return;
	}
	if (in->n_blocks > CONTINUATION_BLOCKS_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "a plan has at most one of each of the six building blocks", "blocks");
		return;
	}
	for (size_t i = 0; i < in->n_blocks; i++)
		if (continuation_check_block(r, in, i) != 0)
			return;
	ctx->params[0] = req_i64(r, in->project_id);
	req_query(r, "SELECT lead_office_ids, coordinator_ids FROM project_v WHERE id = $1", 1,
	          ctx->params, continuation_set_loaded_cb);
}

/* ------------------------------------------------------------ get */

void continuation_get(req_t *r)
{
	const char **p = req_alloc(r, sizeof(*p));

	if (r->rq->continuation_get->project_id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "project_id must be a positive id", "project_id");
		return;
	}
	p[0] = req_i64(r, r->rq->continuation_get->project_id);
	req_query(r,
	          "SELECT " CONTINUATION_COLS " FROM continuation_v WHERE project_id = $1 "
	          "ORDER BY block_order",
	          1, p, continuation_row_cb);
}

/* ------------------------------------------------------------ due */

static void continuation_due_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__ContinuationDueList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	if (n < 1) {
		req_fail(r, QT_INTERNAL, "the due list query returned nothing", NULL);
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__continuation_due_list__init(out);
	out->from_date = pgrow_str(r, res, 0, 0);
	out->until_date = pgrow_str(r, res, 0, 1);
	out->projects = req_alloc(r, (size_t)n * sizeof(*out->projects));
	for (int i = 0; i < n; i++) {
		Quartier__V1__ContinuationDueItem *d;

		if (pgrow_null(res, i, 2)) /* nothing due: one row with the window only */
			continue;
		d = req_alloc(r, sizeof(*d));
		quartier__v1__continuation_due_item__init(d);
		d->project_id = pgrow_i64(res, i, 2);
		d->project_name = pgrow_str(r, res, i, 3);
		d->status = (Quartier__V1__ProjectStatus)lifecycle_parse(PQgetvalue(res, i, 4));
		d->funding_ends_on = pgrow_str(r, res, i, 5);
		d->lead_office_names =
		    pgrow_str_array(r, PQgetvalue(res, i, 6), &d->n_lead_office_names);
		d->has_has_plan_record = 1;
		d->has_plan_record = PQgetvalue(res, i, 7)[0] == 't';
		out->projects[out->n_projects++] = d;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_CONTINUATION_DUE;
	r->resp.continuation_due = out;
	req_reply(r);
}

void continuation_due(req_t *r)
{
	Quartier__V1__ContinuationDueRequest *in = r->rq->continuation_due;
	const char **p = req_alloc(r, sizeof(*p));

	if (in->months < 1 || in->months > CONTINUATION_MONTHS_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "months must be between 1 and 120", "months");
		return;
	}
	p[0] = req_printf(r, "%u", in->months);
	/* Ended and continued projects need no plan any more; the funding end
	 * is the plan's date where there is one, else the project's end. */
	req_query(
	    r,
	    "WITH w AS (SELECT current_date AS from_date, "
	    "                  (current_date + make_interval(months => $1::int))::date "
	    "                  AS until_date) "
	    "SELECT w.from_date::text, w.until_date::text, d.id, d.name, d.status, "
	    "       d.ends::text, d.lead_office_names, d.has_record "
	    "FROM w LEFT JOIN LATERAL ("
	    "  SELECT p.id, p.name, p.status, coalesce(c.funding_ends_on, p.end_date) AS ends, "
	    "         ARRAY(SELECT f.name FROM project_lead_office lo "
	    "               JOIN office f ON f.id = lo.office_id "
	    "               WHERE lo.project_id = p.id ORDER BY lo.office_id) "
	    "         AS lead_office_names, "
	    "         c.project_id IS NOT NULL AS has_record "
	    "    FROM project p LEFT JOIN continuation c ON c.project_id = p.id "
	    "   WHERE p.status NOT IN ('ended', 'continued') "
	    "     AND coalesce(c.funding_ends_on, p.end_date) "
	    "         BETWEEN w.from_date AND w.until_date "
	    "     AND NOT EXISTS (SELECT 1 FROM continuation_block b "
	    "                      WHERE b.project_id = p.id)"
	    ") d ON true "
	    "ORDER BY d.ends, d.id",
	    1, p, continuation_due_cb);
}
