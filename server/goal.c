/* Goals per project (Zielsteuerung, chapter 4 of the Rahmenkonzeption):
 * SMART goals whose every change is a new version.  Admins and lead
 * offices set goals directly; the coordination proposes new goals and
 * changes, which count once a lead office accepts them.  Fields are
 * validated and permissions decided here, on the project as stored; the
 * qt_goal_* functions (migration 0007) lock the goal, re-check its version
 * and write the change with its audit row in one transaction. */
#include <string.h>

#include "goal.h"
#include "handlers.h"
#include "pgrow.h"
#include "update_state.h"
#include "validate.h"

#define GOAL_STATEMENT_MAX 2000
#define GOAL_INDICATOR_MAX 500
#define GOAL_UNIT_MAX      50
#define GOAL_NOTE_MAX      2000

/* ------------------------------------------------------------ rows */

static Quartier__V1__GoalVersion *goal_version_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__GoalVersion *v = req_alloc(r, sizeof(*v));

	quartier__v1__goal_version__init(v);
	v->goal_id = pgrow_i64(res, row, 0);
	v->version = pgrow_i64(res, row, 9);
	v->statement = pgrow_str(r, res, row, 10);
	v->indicator = pgrow_str(r, res, row, 11);
	v->baseline = pgrow_str(r, res, row, 12);
	v->target_value = pgrow_str(r, res, row, 13);
	v->unit = pgrow_str(r, res, row, 14);
	v->due_date = pgrow_str(r, res, row, 15);
	v->note = pgrow_str(r, res, row, 16);
	v->state = strcmp(PQgetvalue(res, row, 17), "accepted") == 0
	               ? QUARTIER__V1__GOAL_STATE__GOAL_STATE_ACCEPTED
	               : QUARTIER__V1__GOAL_STATE__GOAL_STATE_PROPOSED;
	if (!pgrow_null(res, row, 18)) {
		v->has_proposed_by = 1;
		v->proposed_by = pgrow_i64(res, row, 18);
	}
	v->proposed_by_name = pgrow_str(r, res, row, 19);
	v->has_proposed_at = 1;
	v->proposed_at = pgrow_i64(res, row, 20);
	if (!pgrow_null(res, row, 21)) {
		v->has_accepted_by = 1;
		v->accepted_by = pgrow_i64(res, row, 21);
	}
	v->accepted_by_name = pgrow_str(r, res, row, 22);
	if (!pgrow_null(res, row, 23)) {
		v->has_accepted_at = 1;
		v->accepted_at = pgrow_i64(res, row, 23);
	}
	return v;
}

/* A goal from the goal columns of a row, with room for nrows history
 * entries. */
static Quartier__V1__Goal *goal_head(req_t *r, const PGresult *res, int row, size_t nrows)
{
	Quartier__V1__Goal *g = req_alloc(r, sizeof(*g));

	quartier__v1__goal__init(g);
	g->id = pgrow_i64(res, row, 0);
	g->project_id = pgrow_i64(res, row, 1);
	g->project_name = pgrow_str(r, res, row, 2);
	g->version = pgrow_i64(res, row, 3);
	g->has_retired = 1;
	g->retired = !pgrow_null(res, row, 4);
	if (g->retired) {
		g->has_retired_at = 1;
		g->retired_at = pgrow_i64(res, row, 4);
		if (!pgrow_null(res, row, 5)) {
			g->has_retired_by = 1;
			g->retired_by = pgrow_i64(res, row, 5);
		}
		g->retire_reason = pgrow_str(r, res, row, 6);
	}
	g->has_created_at = g->has_updated_at = 1;
	g->created_at = pgrow_i64(res, row, 7);
	g->updated_at = pgrow_i64(res, row, 8);
	if (nrows > 0)
		g->history = req_alloc(r, nrows * sizeof(*g->history));
	return g;
}

Quartier__V1__Goal **goal_rows(req_t *r, const PGresult *res, int with_history, size_t *n)
{
	int rows = PQntuples(res);
	Quartier__V1__Goal **out = req_alloc(r, (size_t)rows * sizeof(*out) + 1);
	Quartier__V1__Goal *g = NULL;
	size_t count = 0;

	for (int i = 0; i < rows; i++) {
		Quartier__V1__GoalVersion *v;

		if (g == NULL || g->id != pgrow_i64(res, i, 0)) {
			/* With the history: room for this goal's rows (they are
			 * ordered by goal). */
			int end = i + 1;

			while (with_history && end < rows && pgrow_i64(res, end, 0) == pgrow_i64(res, i, 0))
				end++;
			g = goal_head(r, res, i, with_history ? (size_t)(end - i) : 0);
			out[count++] = g;
		}
		v = goal_version_row(r, res, i);
		if (PQgetvalue(res, i, 24)[0] == 't')
			g->current = v;
		if (PQgetvalue(res, i, 25)[0] == 't')
			g->accepted = v;
		if (with_history)
			g->history[g->n_history++] = v;
	}
	/* Every query selects the newest version of each goal; should one
	 * not, the accepted version stands in, so that the required field is
	 * never missing. */
	for (size_t k = 0; k < count; k++)
		if (out[k]->current == NULL)
			out[k]->current = out[k]->accepted;
	*n = count;
	return out;
}

/* Answers with the one goal in GOAL_COLS rows (every version). */
static void goal_reply_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__Goal **goals;
	size_t n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	goals = goal_rows(r, res, 1, &n);
	if (n != 1 || goals[0]->current == NULL) {
		req_fail(r, QT_NOT_FOUND, "no such goal", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_GOAL;
	r->resp.goal = goals[0];
	req_reply(r);
}

/* ------------------------------------------------------------ validation */

static int goal_has(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The SMART fields; required ones must be present (create), optional ones
 * are checked only when present (change, where NULL keeps a value). */
typedef struct goal_fields {
	const char *statement, *indicator, *baseline, *target_value, *unit, *due_date, *note;
} goal_fields_t;

static qt_status_t goal_check(validation_t *v, const goal_fields_t *f, int create)
{
	int32_t days;

	if ((create || f->statement != NULL) &&
	    validate_text(v, "statement", f->statement, 1, GOAL_STATEMENT_MAX, 1) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if ((create || f->indicator != NULL) &&
	    validate_text(v, "indicator", f->indicator, 1, GOAL_INDICATOR_MAX, 0) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (goal_has(f->baseline) && update_decimal_check(v, "baseline", f->baseline) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if ((create || f->target_value != NULL) &&
	    update_decimal_check(v, "target_value", f->target_value) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if ((create || f->unit != NULL) &&
	    validate_text(v, "unit", f->unit, 1, GOAL_UNIT_MAX, 0) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (create || f->due_date != NULL) {
		if (!goal_has(f->due_date)) {
			v->field = "due_date";
			snprintf(v->message, sizeof(v->message),
			         "due_date is required: a goal is timed (YYYY-MM-DD)");
			return QT_INVALID_ARGUMENT;
		}
		if (validate_date(v, "due_date", f->due_date, &days) != QT_OK)
			return QT_INVALID_ARGUMENT;
	}
	if (validate_text(v, "note", f->note, 0, GOAL_NOTE_MAX, 1) != QT_OK)
		return QT_INVALID_ARGUMENT;
	return QT_OK;
}

/* The permission view of a project from two int8[] cells at col. */
static perm_project_t goal_project_view(req_t *r, const PGresult *res, int col)
{
	perm_project_t pp;

	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, col), &pp.n_lead_office_ids);
	pp.coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, col + 1), &pp.n_coordinator_ids);
	return pp;
}

/* Decides a set (propose = 0) or a proposal; answers and returns non-zero
 * when refused. */
static int goal_write_denied(req_t *r, const perm_project_t *pp, int propose, const char *field)
{
	qt_status_t st = propose ? perm_goal_propose(&r->actor, pp) : perm_goal_set(&r->actor, pp);

	if (st == QT_OK)
		return 0;
	if (!propose && perm_goal_propose(&r->actor, pp) == QT_OK)
		req_fail(
		    r, st,
		    "coordinators propose goals (propose = true); the lead office accepts them",
		    "propose");
	else
		req_fail(r, st,
		         r->actor.role == ROLE_OFFICE
		             ? "you may set goals only of projects your office leads"
		         : r->actor.role == ROLE_COORDINATOR
		             ? "you may propose goals only of projects you coordinate"
		             : "you may not set or propose goals",
		         field);
	return 1;
}

/* ------------------------------------------------------------ create */

typedef struct goal_ctx {
	const char *params[12];
} goal_ctx_t;

static void goal_create_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	goal_ctx_t *ctx = r->ctx;
	Quartier__V1__GoalCreateRequest *in = r->rq->goal_create;
	int propose = in->has_propose && in->propose;
	perm_project_t pp;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown project %lld", (long long)in->project_id),
		         "project_id");
		return;
	}
	pp = goal_project_view(r, res, 0);
	if (goal_write_denied(r, &pp, propose, "project_id"))
		return;
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->project_id);
	p[2] = propose ? "proposed" : "accepted";
	p[3] = in->statement;
	p[4] = in->indicator;
	p[5] = goal_has(in->baseline) ? in->baseline : NULL;
	p[6] = in->target_value;
	p[7] = in->unit;
	p[8] = in->due_date;
	p[9] = in->note;
	req_mutate(r,
	          "SELECT " GOAL_COLS " FROM qt_goal_create($1, $2, $3, $4, $5, $6::numeric, "
	          "$7::numeric, $8, $9::date, $10) ORDER BY version",
	          10, p, goal_reply_cb);
}

void goal_create(req_t *r)
{
	Quartier__V1__GoalCreateRequest *in = r->rq->goal_create;
	goal_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	goal_fields_t f = {in->statement, in->indicator, in->baseline, in->target_value,
	                   in->unit,      in->due_date,  in->note};
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK ||
	    goal_check(&v, &f, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->params[0] = req_i64(r, in->project_id);
	req_query(r, "SELECT " GOAL_PERM_COLS("p.id") " FROM project p WHERE p.id = $1", 1,
	          ctx->params, goal_create_loaded_cb);
}

/* ------------------------------------------------------------ change, accept, retire */

/* Loads the permission view of the project of goal id, then calls next. */
static void goal_load(req_t *r, int64_t id, db_result_cb next)
{
	goal_ctx_t *ctx = r->ctx;

	ctx->params[11] = req_i64(r, id);
	req_query(r, "SELECT " GOAL_PERM_COLS("g.project_id") " FROM goal g WHERE g.id = $1", 1,
	          ctx->params + 11, next);
}

/* Common start of the callbacks of goal_load(): answers and returns
 * non-zero on an error or an unknown goal. */
static int goal_loaded(req_t *r, const PGresult *res, const db_error_t *err)
{
	if (err != NULL) {
		req_fail_db(r, err);
		return 1;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such goal", "id");
		return 1;
	}
	return 0;
}

static qt_status_t goal_check_version(validation_t *v, int64_t expected)
{
	if (expected >= 1)
		return QT_OK;
	v->field = "expected_version";
	snprintf(v->message, sizeof(v->message),
	         "expected_version must be the goal's newest version as read (1 or more)");
	return QT_INVALID_ARGUMENT;
}

static void goal_change_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	goal_ctx_t *ctx = r->ctx;
	Quartier__V1__GoalChangeRequest *in = r->rq->goal_change;
	int propose = in->has_propose && in->propose;
	perm_project_t pp;
	const char **p = ctx->params;

	if (goal_loaded(r, res, err))
		return;
	pp = goal_project_view(r, res, 0);
	if (goal_write_denied(r, &pp, propose, "id"))
		return;
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = propose ? "proposed" : "accepted";
	p[4] = in->statement;
	p[5] = in->indicator;
	p[6] = in->baseline != NULL ? "true" : "false";
	p[7] = goal_has(in->baseline) ? in->baseline : NULL;
	p[8] = in->target_value;
	p[9] = in->unit;
	p[10] = in->due_date;
	p[11] = in->note;
	req_mutate(r,
	          "SELECT " GOAL_COLS " FROM qt_goal_change($1, $2, $3, $4, $5, $6, $7::boolean, "
	          "$8::numeric, $9::numeric, $10, $11::date, $12) ORDER BY version",
	          12, p, goal_reply_cb);
}

void goal_change(req_t *r)
{
	Quartier__V1__GoalChangeRequest *in = r->rq->goal_change;
	goal_fields_t f = {in->statement, in->indicator, in->baseline, in->target_value,
	                   in->unit,      in->due_date,  in->note};
	validation_t v;

	r->ctx = req_alloc(r, sizeof(goal_ctx_t));
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    goal_check_version(&v, in->expected_version) != QT_OK ||
	    goal_check(&v, &f, 0) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (f.statement == NULL && f.indicator == NULL && f.baseline == NULL &&
	    f.target_value == NULL && f.unit == NULL && f.due_date == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "a change names at least one of statement, indicator, baseline, "
		         "target_value, unit and due_date",
		         "statement");
		return;
	}
	goal_load(r, in->id, goal_change_loaded_cb);
}

static void goal_accept_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	goal_ctx_t *ctx = r->ctx;
	Quartier__V1__GoalAcceptRequest *in = r->rq->goal_accept;
	perm_project_t pp;
	qt_status_t st;
	const char **p = ctx->params;

	if (goal_loaded(r, res, err))
		return;
	pp = goal_project_view(r, res, 0);
	st = perm_goal_accept(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_OFFICE
		             ? "you may accept goals only of projects your office leads"
		             : "only administrators and the lead offices accept goals",
		         "id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	req_mutate(r, "SELECT " GOAL_COLS " FROM qt_goal_accept($1, $2, $3) ORDER BY version", 3, p,
	          goal_reply_cb);
}

void goal_accept(req_t *r)
{
	Quartier__V1__GoalAcceptRequest *in = r->rq->goal_accept;
	validation_t v;

	r->ctx = req_alloc(r, sizeof(goal_ctx_t));
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    goal_check_version(&v, in->expected_version) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	goal_load(r, in->id, goal_accept_loaded_cb);
}

static void goal_retire_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	goal_ctx_t *ctx = r->ctx;
	Quartier__V1__GoalRetireRequest *in = r->rq->goal_retire;
	perm_project_t pp;
	qt_status_t st;
	const char **p = ctx->params;

	if (goal_loaded(r, res, err))
		return;
	pp = goal_project_view(r, res, 0);
	st = perm_goal_accept(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_OFFICE
		             ? "you may retire goals only of projects your office leads"
		             : "only administrators and the lead offices retire goals",
		         "id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = in->reason;
	req_mutate(r, "SELECT " GOAL_COLS " FROM qt_goal_retire($1, $2, $3, $4) ORDER BY version", 4,
	          p, goal_reply_cb);
}

void goal_retire(req_t *r)
{
	Quartier__V1__GoalRetireRequest *in = r->rq->goal_retire;
	validation_t v;

	r->ctx = req_alloc(r, sizeof(goal_ctx_t));
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    goal_check_version(&v, in->expected_version) != QT_OK ||
	    validate_text(&v, "reason", in->reason, 1, GOAL_NOTE_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	goal_load(r, in->id, goal_retire_loaded_cb);
}

/* ------------------------------------------------------------ get, list */

void goal_get(req_t *r)
{
	const char **p = req_alloc(r, sizeof(*p));

	if (r->rq->goal_get->id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "id must be a positive id", "id");
		return;
	}
	p[0] = req_i64(r, r->rq->goal_get->id);
	req_query(r, "SELECT " GOAL_COLS " FROM goal_version_v WHERE goal_id = $1 ORDER BY version",
	          1, p, goal_reply_cb);
}

/* Answers with the goals of GOAL_COLS rows (every version, ordered by
 * goal and version) that goal_get would answer: those with a current
 * version. */
static void goal_many_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__GoalList *out;
	Quartier__V1__Goal **goals;
	size_t n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	goals = goal_rows(r, res, 1, &n);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__goal_list__init(out);
	out->goals = req_alloc(r, n * sizeof(*out->goals) + 1);
	for (size_t i = 0; i < n; i++)
		if (goals[i]->current != NULL)
			out->goals[out->n_goals++] = goals[i];
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_GOAL_LIST;
	r->resp.goal_list = out;
	req_reply(r);
}

void goal_load_many(req_t *r, const int64_t *ids, size_t n)
{
	const char **p = req_alloc(r, sizeof(*p));

	p[0] = req_id_array(r, ids, n);
	req_query(r,
	          "SELECT " GOAL_COLS " FROM goal_version_v WHERE goal_id = ANY ($1::bigint[]) "
	          "ORDER BY goal_id, version",
	          1, p, goal_many_cb);
}

static void goal_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__GoalList *out;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__goal_list__init(out);
	out->goals = goal_rows(r, res, 0, &out->n_goals);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_GOAL_LIST;
	r->resp.goal_list = out;
	req_reply(r);
}

/* The project exists: now its goals, each with its current and accepted
 * version. */
static void goal_list_project_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	goal_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "project_id");
		return;
	}
	req_query(r,
	          "SELECT " GOAL_COLS " FROM goal_version_v WHERE project_id = $1 "
	          "AND (is_current OR is_accepted) AND ($2::boolean OR retired_at IS NULL) "
	          "ORDER BY goal_id, version",
	          2, ctx->params, goal_list_cb);
}

void goal_list(req_t *r)
{
	Quartier__V1__GoalListRequest *in = r->rq->goal_list;
	goal_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->params[0] = req_i64(r, in->project_id);
	ctx->params[1] = in->has_include_retired && in->include_retired ? "true" : "false";
	req_query(r, "SELECT 1 FROM project WHERE id = $1", 1, ctx->params, goal_list_project_cb);
}
