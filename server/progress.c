/* Progress updates of the coordination (Zielüberprüfung, chapter 4) and
 * the annual report (Jahresbericht).  A coordinator submits, for a
 * reporting period, the actual value of goals' indicators and a narrative;
 * the lead office approves it or returns it with a comment, and a returned
 * update is revised and submitted again (update_state.c).  Nobody reviews
 * an update they submitted or revised (perm.c, and again in SQL).  The
 * annual report assembles a project's goals, its approved updates of the
 * year, the year's fund figures and the continuation plan. */
#include <string.h>
#include <time.h>

#include "goal.h"
#include "handlers.h"
#include "pgrow.h"
#include "update_state.h"
#include "validate.h"

#define PROGRESS_TEXT_MAX      20000
#define PROGRESS_NOTE_MAX      2000
#define PROGRESS_COMMENT_MAX   4000
#define PROGRESS_VALUES_MAX    100
#define PROGRESS_LIMIT_DEFAULT 100
#define PROGRESS_LIMIT_MAX     500
#define PROGRESS_YEAR_MIN      1900
#define PROGRESS_YEAR_MAX      2199

/* The columns of progress_update_v, in the order progress_row() reads them. */
#define PROGRESS_COLS                                                                              \
	"id, project_id, project_name, version, period_from, period_to, state, narrative, "        \
	"events, "                                                                                 \
	"participation, topics, submitted_by, submitted_by_name, submitted_at, reviewed_by, "      \
	"reviewed_by_name, reviewed_at, review_comment, created_at, updated_at, value_goal_ids, "  \
	"value_goal_versions, value_actuals, value_notes, value_indicators, value_units, "         \
	"value_targets, event_actions, event_account_ids, event_account_names, event_ats, "        \
	"event_comments, submitter_ids, lead_office_ids, coordinator_ids"
#define PROGRESS_COL_VALUES    20
#define PROGRESS_COL_EVENTS    27
#define PROGRESS_COL_SUBMITTER 32
#define PROGRESS_COL_PERM      33

/* ------------------------------------------------------------ rows */

static void progress_values_row(req_t *r, const PGresult *res, int row,
                                Quartier__V1__ProgressUpdate *u)
{
	const int c = PROGRESS_COL_VALUES;
	size_t n, nv, na, nn, ni, nu, nt;
	int64_t *goals = pgrow_i64_array(r, PQgetvalue(res, row, c), &n);
	int64_t *versions = pgrow_i64_array(r, PQgetvalue(res, row, c + 1), &nv);
	char **actuals = pgrow_str_array(r, PQgetvalue(res, row, c + 2), &na);
	char **notes = pgrow_str_array(r, PQgetvalue(res, row, c + 3), &nn);
	char **indicators = pgrow_str_array(r, PQgetvalue(res, row, c + 4), &ni);
	char **units = pgrow_str_array(r, PQgetvalue(res, row, c + 5), &nu);
	char **targets = pgrow_str_array(r, PQgetvalue(res, row, c + 6), &nt);

	/* The arrays come from one view in one order; a mismatch would be a
	 * bug in the view, and then only the common part is sent. */
	if (nv < n)
		n = nv;
	if (na < n)
		n = na;
	if (nn < n)
		n = nn;
	if (ni < n)
		n = ni;
	if (nu < n)
		n = nu;
	if (nt < n)
		n = nt;
	u->values = req_alloc(r, n * sizeof(*u->values) + 1);
	for (size_t i = 0; i < n; i++) {
		Quartier__V1__ProgressValue *v = req_alloc(r, sizeof(*v));

		quartier__v1__progress_value__init(v);
		v->goal_id = goals[i];
		v->has_goal_version = 1;
		v->goal_version = versions[i];
		v->actual_value = actuals[i];
		v->note = notes[i][0] != '\0' ? notes[i] : NULL;
		v->indicator = indicators[i];
		v->unit = units[i];
		v->target_value = targets[i];
		u->values[u->n_values++] = v;
	}
}

static void progress_events_row(req_t *r, const PGresult *res, int row,
                                Quartier__V1__ProgressUpdate *u)
{
	const int c = PROGRESS_COL_EVENTS;
	size_t n, na, nn, nt, nc;
	char **actions = pgrow_str_array(r, PQgetvalue(res, row, c), &n);
	int64_t *accounts = pgrow_i64_array(r, PQgetvalue(res, row, c + 1), &na);
	char **names = pgrow_str_array(r, PQgetvalue(res, row, c + 2), &nn);
	int64_t *ats = pgrow_i64_array(r, PQgetvalue(res, row, c + 3), &nt);
	char **comments = pgrow_str_array(r, PQgetvalue(res, row, c + 4), &nc);

	if (na < n)
		n = na;
	if (nn < n)
		n = nn;
	if (nt < n)
		n = nt;
	if (nc < n)
		n = nc;
	u->history = req_alloc(r, n * sizeof(*u->history) + 1);
	for (size_t i = 0; i < n; i++) {
		Quartier__V1__ProgressEvent *e = req_alloc(r, sizeof(*e));

		quartier__v1__progress_event__init(e);
		e->action = (Quartier__V1__ProgressAction)update_action_parse(actions[i]);
		if (accounts[i] != 0) {
			e->has_account_id = 1;
			e->account_id = accounts[i];
			e->account_name = names[i];
		}
		e->at = ats[i];
		e->comment = comments[i][0] != '\0' ? comments[i] : NULL;
		u->history[u->n_history++] = e;
	}
}

static Quartier__V1__ProgressUpdate *progress_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__ProgressUpdate *u = req_alloc(r, sizeof(*u));

	quartier__v1__progress_update__init(u);
	u->id = pgrow_i64(res, row, 0);
	u->project_id = pgrow_i64(res, row, 1);
	u->project_name = pgrow_str(r, res, row, 2);
	u->version = pgrow_i64(res, row, 3);
	u->period_from = pgrow_str(r, res, row, 4);
	u->period_to = pgrow_str(r, res, row, 5);
	u->state = (Quartier__V1__ProgressState)update_state_parse(PQgetvalue(res, row, 6));
	u->narrative = pgrow_str(r, res, row, 7);
	u->events = pgrow_str(r, res, row, 8);
	u->participation = pgrow_str(r, res, row, 9);
	u->topics = pgrow_str(r, res, row, 10);
	if (!pgrow_null(res, row, 11)) {
		u->has_submitted_by = 1;
		u->submitted_by = pgrow_i64(res, row, 11);
	}
	u->submitted_by_name = pgrow_str(r, res, row, 12);
	u->has_submitted_at = 1;
	u->submitted_at = pgrow_i64(res, row, 13);
	if (!pgrow_null(res, row, 14)) {
		u->has_reviewed_by = 1;
		u->reviewed_by = pgrow_i64(res, row, 14);
	}
	u->reviewed_by_name = pgrow_str(r, res, row, 15);
	if (!pgrow_null(res, row, 16)) {
		u->has_reviewed_at = 1;
		u->reviewed_at = pgrow_i64(res, row, 16);
	}
	u->review_comment = pgrow_str(r, res, row, 17);
	u->has_created_at = u->has_updated_at = 1;
	u->created_at = pgrow_i64(res, row, 18);
	u->updated_at = pgrow_i64(res, row, 19);
	progress_values_row(r, res, row, u);
	progress_events_row(r, res, row, u);
	return u;
}

/* The permission view of the project of a PROGRESS_COLS row. */
static perm_project_t progress_project_view(req_t *r, const PGresult *res, int row)
{
	perm_project_t pp;

	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids =
	    pgrow_i64_array(r, PQgetvalue(res, row, PROGRESS_COL_PERM), &pp.n_lead_office_ids);
	pp.coordinator_ids =
	    pgrow_i64_array(r, PQgetvalue(res, row, PROGRESS_COL_PERM + 1), &pp.n_coordinator_ids);
	return pp;
}

static int progress_readable(req_t *r, const PGresult *res, int row)
{
	perm_project_t pp = progress_project_view(r, res, row);

	return perm_progress_read(&r->actor, &pp,
	                          strcmp(PQgetvalue(res, row, 6), "approved") == 0) == QT_OK;
}

/* Answers with the one update of a PROGRESS_COLS result. */
static void progress_reply_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such update", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROGRESS_UPDATE;
	r->resp.progress_update = progress_row(r, res, 0);
	req_reply(r);
}

/* ------------------------------------------------------------ validation */

/* The part of submit and revise that needs no database (borrowed). */
typedef struct progress_fields {
	const char *period_from, *period_to, *narrative, *events, *participation, *topics;
	Quartier__V1__ProgressValue **values;
	size_t n_values;
} progress_fields_t;

/* Checks the fields; on failure answers and returns non-zero. */
static int progress_check(req_t *r, const progress_fields_t *f)
{
	int32_t from, to;
	validation_t v;

	if (validate_date(&v, "period_from", f->period_from, &from) != QT_OK ||
	    validate_date(&v, "period_to", f->period_to, &to) != QT_OK ||
	    validate_text(&v, "narrative", f->narrative, 1, PROGRESS_TEXT_MAX, 1) != QT_OK ||
	    validate_text(&v, "events", f->events, 0, PROGRESS_TEXT_MAX, 1) != QT_OK ||
	    validate_text(&v, "participation", f->participation, 0, PROGRESS_TEXT_MAX, 1) !=
	        QT_OK ||
	    validate_text(&v, "topics", f->topics, 0, PROGRESS_TEXT_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return 1;
	}
	if (to < from) {
		req_fail(r, QT_INVALID_ARGUMENT, "period_to lies before period_from", "period_to");
		return 1;
	}
	if (f->n_values > PROGRESS_VALUES_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "an update has at most %d values", PROGRESS_VALUES_MAX),
		         "values");
		return 1;
	}
	for (size_t i = 0; i < f->n_values; i++) {
		const Quartier__V1__ProgressValue *x = f->values[i];

		if (validate_id(&v, "values.goal_id", x->goal_id) != QT_OK ||
		    update_decimal_check(&v, "values.actual_value", x->actual_value) != QT_OK ||
		    validate_text(&v, "values.note", x->note, 0, PROGRESS_NOTE_MAX, 1) != QT_OK) {
			req_fail(r, QT_INVALID_ARGUMENT,
			         req_printf(r, "value %zu: %s", i + 1, v.message), v.field);
			return 1;
		}
		for (size_t k = 0; k < i; k++) {
			if (f->values[k]->goal_id == x->goal_id) {
				req_fail(r, QT_INVALID_ARGUMENT,
				         req_printf(r, "goal %lld has more than one value",
				                    (long long)x->goal_id),
				         "values.goal_id");
				return 1;
			}
		}
	}
	return 0;
}

/* Parameters $n.. of the qt_progress_* functions for the fields:
 * period_from, period_to, narrative, events, participation, topics, goal
 * ids, values, notes (9 entries). */
static void progress_params(req_t *r, const progress_fields_t *f, const char **p)
{
	int64_t *goals = req_alloc(r, f->n_values * sizeof(*goals) + 1);
	const char **vals = req_alloc(r, f->n_values * sizeof(*vals) + 1);
	const char **notes = req_alloc(r, f->n_values * sizeof(*notes) + 1);

	for (size_t i = 0; i < f->n_values; i++) {
		goals[i] = f->values[i]->goal_id;
		vals[i] = f->values[i]->actual_value;
		notes[i] = f->values[i]->note;
	}
	p[0] = f->period_from;
	p[1] = f->period_to;
	p[2] = f->narrative;
	p[3] = f->events;
	p[4] = f->participation;
	p[5] = f->topics;
	p[6] = req_id_array(r, goals, f->n_values);
	p[7] = req_text_array(r, vals, f->n_values);
	p[8] = req_text_array(r, notes, f->n_values);
}

/* The state of a loaded update; answers and returns non-zero if action is
 * not allowed in it. */
static int progress_state_refused(req_t *r, const char *state, update_action_t action)
{
	update_state_t to;
	const char *why = NULL;

	if (update_state_next(update_state_parse(state), action, &to, &why) == QT_OK)
		return 0;
	req_fail(r, QT_FAILED_PRECONDITION, req_printf(r, "the update is %s: %s", state, why),
	         "id");
	return 1;
}

typedef struct progress_ctx {
	const char *params[12];
	Quartier__V1__AnnualReport *report; /* annual_report */
} progress_ctx_t;

/* ------------------------------------------------------------ submit */

static void progress_submit_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;
	Quartier__V1__ProgressSubmitRequest *in = r->rq->progress_submit;
	progress_fields_t f = {in->period_from,   in->period_to, in->narrative, in->events,
	                       in->participation, in->topics,    in->values,    in->n_values};
	perm_project_t pp;
	qt_status_t st;
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
	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 0), &pp.n_lead_office_ids);
	pp.coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 1), &pp.n_coordinator_ids);
	st = perm_progress_submit(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_COORDINATOR
		             ? "you may submit updates only for projects you coordinate"
		             : "progress updates are submitted by the project's coordination",
		         "project_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->project_id);
	progress_params(r, &f, p + 2);
	req_mutate(r,
	          "SELECT " PROGRESS_COLS " FROM qt_progress_submit($1, $2, $3::date, $4::date, "
	          "$5, $6, $7, $8, $9::bigint[], $10::numeric[], $11::text[])",
	          11, p, progress_reply_cb);
}

void progress_submit(req_t *r)
{
	Quartier__V1__ProgressSubmitRequest *in = r->rq->progress_submit;
	progress_fields_t f = {in->period_from,   in->period_to, in->narrative, in->events,
	                       in->participation, in->topics,    in->values,    in->n_values};
	progress_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (progress_check(r, &f) != 0)
		return;
	ctx->params[0] = req_i64(r, in->project_id);
	req_query(r, "SELECT " GOAL_PERM_COLS("p.id") " FROM project p WHERE p.id = $1", 1,
	          ctx->params, progress_submit_loaded_cb);
}

/* ------------------------------------------------------------ revise, review */

/* What revise and review load about the update: its state, the
 * permission view of its project and who submitted or revised it. */
#define PROGRESS_LOAD_SQL                                                                          \
	"SELECT u.state, " GOAL_PERM_COLS(                                                         \
	    "u.project_id") ", ARRAY(SELECT DISTINCT e.account_id "                                \
	                    "FROM progress_update_event e WHERE e.update_id = u.id AND e.action "  \
	                    "IN ('submit', "                                                       \
	                    "'revise') AND e.account_id IS NOT NULL) FROM progress_update u "      \
	                    "WHERE u.id = $1"

static int progress_loaded(req_t *r, const PGresult *res, const db_error_t *err, perm_project_t *pp)
{
	if (err != NULL) {
		req_fail_db(r, err);
		return 1;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such update", "id");
		return 1;
	}
	memset(pp, 0, sizeof(*pp));
	pp->lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 1), &pp->n_lead_office_ids);
	pp->coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 2), &pp->n_coordinator_ids);
	return 0;
}

static void progress_revise_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;
	Quartier__V1__ProgressReviseRequest *in = r->rq->progress_revise;
	progress_fields_t f = {in->period_from,   in->period_to, in->narrative, in->events,
	                       in->participation, in->topics,    in->values,    in->n_values};
	perm_project_t pp;
	qt_status_t st;
	const char **p = ctx->params;

	if (progress_loaded(r, res, err, &pp))
		return;
	st = perm_progress_submit(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_COORDINATOR
		             ? "you may revise only updates of projects you coordinate"
		             : "returned updates are revised by the project's coordination",
		         "id");
		return;
	}
	if (progress_state_refused(r, PQgetvalue(res, 0, 0), UPDATE_ACTION_REVISE))
		return;
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	progress_params(r, &f, p + 3);
	req_mutate(r,
	          "SELECT " PROGRESS_COLS " FROM qt_progress_revise($1, $2, $3, $4::date, "
	          "$5::date, $6, $7, $8, $9, $10::bigint[], $11::numeric[], $12::text[])",
	          12, p, progress_reply_cb);
}

static qt_status_t progress_check_version(validation_t *v, int64_t id, int64_t expected)
{
	if (validate_id(v, "id", id) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (expected >= 1)
		return QT_OK;
	v->field = "expected_version";
	snprintf(v->message, sizeof(v->message),
	         "expected_version must be the update's version as read (1 or more)");
	return QT_INVALID_ARGUMENT;
}

void progress_revise(req_t *r)
{
	Quartier__V1__ProgressReviseRequest *in = r->rq->progress_revise;
	progress_fields_t f = {in->period_from,   in->period_to, in->narrative, in->events,
	                       in->participation, in->topics,    in->values,    in->n_values};
	progress_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (progress_check_version(&v, in->id, in->expected_version) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (progress_check(r, &f) != 0)
		return;
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, PROGRESS_LOAD_SQL, 1, ctx->params, progress_revise_loaded_cb);
}

static void progress_review_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;
	Quartier__V1__ProgressReviewRequest *in = r->rq->progress_review;
	int approve = in->decision == QUARTIER__V1__PROGRESS_DECISION__PROGRESS_DECISION_APPROVE;
	perm_project_t pp;
	int64_t *submitters;
	size_t n_submitters;
	int own = 0;
	qt_status_t st;
	const char **p = ctx->params;

	if (progress_loaded(r, res, err, &pp))
		return;
	submitters = pgrow_i64_array(r, PQgetvalue(res, 0, 3), &n_submitters);
	for (size_t i = 0; i < n_submitters; i++)
		if (submitters[i] == r->actor.account_id)
			own = 1;
	st = perm_progress_review(&r->actor, &pp, own);
	if (st != QT_OK) {
		req_fail(r, st,
		         own ? "nobody approves or returns an update they submitted or revised"
		         : r->actor.role == ROLE_OFFICE
		             ? "you may review only updates of projects your office leads"
		             : "updates are reviewed by the lead office",
		         "id");
		return;
	}
	if (progress_state_refused(r, PQgetvalue(res, 0, 0),
	                           approve ? UPDATE_ACTION_APPROVE : UPDATE_ACTION_RETURN))
		return;
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = update_action_name(approve ? UPDATE_ACTION_APPROVE : UPDATE_ACTION_RETURN);
	p[4] = in->comment;
	req_mutate(r, "SELECT " PROGRESS_COLS " FROM qt_progress_review($1, $2, $3, $4, $5)", 5, p,
	          progress_reply_cb);
}

void progress_review(req_t *r)
{
	Quartier__V1__ProgressReviewRequest *in = r->rq->progress_review;
	int ret = in->decision == QUARTIER__V1__PROGRESS_DECISION__PROGRESS_DECISION_RETURN;
	progress_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (progress_check_version(&v, in->id, in->expected_version) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (!ret && in->decision != QUARTIER__V1__PROGRESS_DECISION__PROGRESS_DECISION_APPROVE) {
		req_fail(r, QT_INVALID_ARGUMENT, "decision must be approve or return", "decision");
		return;
	}
	if (validate_text(&v, "comment", in->comment, ret ? 1 : 0, PROGRESS_COMMENT_MAX, 1) !=
	    QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         ret && (in->comment == NULL || in->comment[0] == '\0')
		             ? "returning an update needs a comment saying what to change"
		             : v.message,
		         v.field);
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, PROGRESS_LOAD_SQL, 1, ctx->params, progress_review_loaded_cb);
}

/* ------------------------------------------------------------ get, list */

static void progress_get_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such update", "id");
		return;
	}
	if (!progress_readable(r, res, 0)) {
		req_fail(r, QT_PERMISSION_DENIED,
		         "until the lead office approves it, an update is read by the project's "
		         "coordination, its lead offices and admins",
		         "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROGRESS_UPDATE;
	r->resp.progress_update = progress_row(r, res, 0);
	req_reply(r);
}

void progress_get(req_t *r)
{
	const char **p = req_alloc(r, sizeof(*p));

	if (r->rq->progress_get->id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "id must be a positive id", "id");
		return;
	}
	p[0] = req_i64(r, r->rq->progress_get->id);
	req_query(r, "SELECT " PROGRESS_COLS " FROM progress_update_v WHERE id = $1", 1, p,
	          progress_get_cb);
}

static void progress_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__ProgressUpdateList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__progress_update_list__init(out);
	out->updates = req_alloc(r, (size_t)n * sizeof(*out->updates) + 1);
	for (int i = 0; i < n; i++)
		if (progress_readable(r, res, i))
			out->updates[out->n_updates++] = progress_row(r, res, i);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROGRESS_LIST;
	r->resp.progress_list = out;
	req_reply(r);
}

void progress_load_many(req_t *r, const int64_t *ids, size_t n)
{
	const char **p = req_alloc(r, sizeof(*p));

	p[0] = req_id_array(r, ids, n);
	req_query(r,
	          "SELECT " PROGRESS_COLS " FROM progress_update_v WHERE id = ANY ($1::bigint[]) "
	          "ORDER BY id",
	          1, p, progress_list_cb);
}

void progress_list(req_t *r)
{
	Quartier__V1__ProgressListRequest *in = r->rq->progress_list;
	progress_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	const char *state = NULL;
	uint32_t limit;
	const char **p = ctx->params;

	r->ctx = ctx;
	limit = in->has_limit && in->limit > 0 ? in->limit : PROGRESS_LIMIT_DEFAULT;
	if (limit > PROGRESS_LIMIT_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "limit must not exceed 500", "limit");
		return;
	}
	if (in->has_state && in->state != 0) {
		state = update_state_name((update_state_t)in->state);
		if (state == NULL) {
			req_fail(r, QT_INVALID_ARGUMENT,
			         "state must be submitted, approved or returned", "state");
			return;
		}
	}
	if (in->has_year && in->year != 0 &&
	    (in->year < PROGRESS_YEAR_MIN || in->year > PROGRESS_YEAR_MAX)) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "year must lie between %d and %d", PROGRESS_YEAR_MIN,
		                    PROGRESS_YEAR_MAX),
		         "year");
		return;
	}
	p[0] = in->has_project_id && in->project_id > 0 ? req_i64(r, in->project_id) : NULL;
	p[1] = state;
	p[2] = in->has_year && in->year != 0 ? req_printf(r, "%d", (int)in->year) : NULL;
	p[3] = req_printf(r, "%u", limit);
	/* The query narrows to rows the actor may possibly read, so that the
	 * limit counts them; perm_progress_read() decides each row after. */
	p[4] = r->actor.role == ROLE_ADMIN ? "true" : "false";
	p[5] = req_i64(r, r->actor.role == ROLE_OFFICE ? r->actor.office_id : 0);
	p[6] = req_i64(r, r->actor.role == ROLE_COORDINATOR ? r->actor.account_id : 0);
	req_query(r,
	          "SELECT " PROGRESS_COLS " FROM progress_update_v v "
	          "WHERE ($1::bigint IS NULL OR v.project_id = $1) "
	          "AND ($2::text IS NULL OR v.state = $2) "
	          "AND ($3::int IS NULL OR (v.period_from::date <= make_date($3::int, 12, 31) "
	          "AND v.period_to::date >= make_date($3::int, 1, 1))) "
	          "AND (v.state = 'approved' OR $5::boolean OR $6::bigint = ANY(v.lead_office_ids) "
	          "OR $7::bigint = ANY(v.coordinator_ids)) "
	          "ORDER BY v.period_from, v.id LIMIT $4::int",
	          7, p, progress_list_cb);
}

/* ------------------------------------------------------------ annual report */

static void report_continuation_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;
	Quartier__V1__Continuation *c;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	c = req_alloc(r, sizeof(*c));
	quartier__v1__continuation__init(c);
	c->project_id = ctx->report->project->id;
	c->blocks = req_alloc(r, (size_t)n * sizeof(*c->blocks) + 1);
	if (n > 0) {
		c->project_name = pgrow_str(r, res, 0, 1);
		c->project_end_date = pgrow_str(r, res, 0, 2);
		c->version = pgrow_i64(res, 0, 3);
		c->funding_ends_on = pgrow_str(r, res, 0, 4);
		c->summary = pgrow_str(r, res, 0, 5);
		if (!pgrow_null(res, 0, 6)) {
			c->has_status = 1;
			c->status =
			    strcmp(PQgetvalue(res, 0, 6), "agreed") == 0
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
	}
	for (int i = 0; i < n; i++) {
		Quartier__V1__ContinuationBlockPlan *b;

		if (pgrow_null(res, i, 9))
			continue;
		b = req_alloc(r, sizeof(*b));
		quartier__v1__continuation_block_plan__init(b);
		/* block_order is the position in the enum's order (0004). */
		b->block = (Quartier__V1__ContinuationBlock)pgrow_i64(res, i, 9);
		b->responsible = pgrow_str(r, res, i, 10);
		b->tasks = pgrow_str(r, res, i, 11);
		b->resources = pgrow_str(r, res, i, 12);
		c->blocks[c->n_blocks++] = b;
	}
	ctx->report->continuation = c;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ANNUAL_REPORT;
	r->resp.annual_report = ctx->report;
	req_reply(r);
}

static void report_funds_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;
	Quartier__V1__AnnualReport *rep = ctx->report;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	rep->funds = req_alloc(r, (size_t)n * sizeof(*rep->funds) + 1);
	for (int i = 0; i < n; i++) {
		Quartier__V1__Fund *f = req_alloc(r, sizeof(*f));

		quartier__v1__fund__init(f);
		f->id = pgrow_i64(res, i, 0);
		f->project_id = pgrow_i64(res, i, 1);
		f->project_name = pgrow_str(r, res, i, 2);
		if (!pgrow_null(res, i, 3)) {
			f->has_quarter_id = 1;
			f->quarter_id = pgrow_i64(res, i, 3);
		}
		f->quarter_name = pgrow_str(r, res, i, 4);
		f->year = (int32_t)pgrow_i64(res, i, 5);
		f->allocated_cents = pgrow_i64(res, i, 6);
		f->committed_cents = pgrow_i64(res, i, 7);
		f->paid_cents = pgrow_i64(res, i, 8);
		f->balance_cents = pgrow_i64(res, i, 9);
		f->available_cents = pgrow_i64(res, i, 10);
		f->has_entry_count = f->has_created_at = 1;
		f->entry_count = pgrow_i64(res, i, 11);
		f->created_at = pgrow_i64(res, i, 12);
		rep->funds[rep->n_funds++] = f;
	}
	req_query(r,
	          "SELECT project_id, project_name, project_end_date, version, funding_ends_on, "
	          "summary, status, updated_by, updated_at, block_order, responsible, tasks, "
	          "resources FROM continuation_v WHERE project_id = $1 ORDER BY block_order",
	          1, ctx->params, report_continuation_cb);
}

static void report_updates_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;
	Quartier__V1__AnnualReport *rep = ctx->report;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	rep->updates = req_alloc(r, (size_t)n * sizeof(*rep->updates) + 1);
	for (int i = 0; i < n; i++)
		rep->updates[rep->n_updates++] = progress_row(r, res, i);
	req_query(r,
	          "SELECT id, project_id, project_name, quarter_id, quarter_name, year, "
	          "allocated_cents, committed_cents, paid_cents, balance_cents, available_cents, "
	          "entry_count, created_at FROM fund_v WHERE project_id = $1 AND year = $2::int "
	          "ORDER BY id",
	          2, ctx->params, report_funds_cb);
}

static void report_goals_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	ctx->report->goals = goal_rows(r, res, 0, &ctx->report->n_goals);
	req_query(r,
	          "SELECT " PROGRESS_COLS " FROM progress_update_v WHERE project_id = $1 "
	          "AND state = 'approved' AND period_from::date <= make_date($2::int, 12, 31) "
	          "AND period_to::date >= make_date($2::int, 1, 1) ORDER BY period_from, id",
	          2, ctx->params, report_updates_cb);
}

static void report_project_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	progress_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "project_id");
		return;
	}
	ctx->report->project = pgrow_project(r, res, 0);
	/* The goals of the year: created before it ended, not retired before
	 * it began, with an accepted version; each with the version that
	 * counts and the newest one. */
	req_query(r,
	          "SELECT " GOAL_COLS " FROM goal_version_v WHERE project_id = $1 "
	          "AND (is_current OR is_accepted) AND goal_id IN (SELECT g.id FROM goal g "
	          "WHERE g.project_id = $1 AND g.created_at < make_date($2::int + 1, 1, 1) "
	          "AND (g.retired_at IS NULL OR g.retired_at >= make_date($2::int, 1, 1)) "
	          "AND EXISTS (SELECT 1 FROM goal_version a WHERE a.goal_id = g.id "
	          "AND a.state = 'accepted')) ORDER BY goal_id, version",
	          2, ctx->params, report_goals_cb);
}

void annual_report(req_t *r)
{
	Quartier__V1__AnnualReportRequest *in = r->rq->annual_report;
	progress_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (in->year < PROGRESS_YEAR_MIN || in->year > PROGRESS_YEAR_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "year must lie between %d and %d", PROGRESS_YEAR_MIN,
		                    PROGRESS_YEAR_MAX),
		         "year");
		return;
	}
	ctx->report = req_alloc(r, sizeof(*ctx->report));
	quartier__v1__annual_report__init(ctx->report);
	ctx->report->year = in->year;
	ctx->report->generated_at = (int64_t)time(NULL);
	ctx->params[0] = req_i64(r, in->project_id);
	ctx->params[1] = req_printf(r, "%d", (int)in->year);
	req_query(r, "SELECT " PGROW_PROJECT_COLS " FROM project_v WHERE id = $1", 1, ctx->params,
	          report_project_cb);
}
