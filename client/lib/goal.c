/* Coordinators' updates (Zielsteuerung): goals with their versions,
 * progress updates and their review, the annual report, and the
 * conversion of their wire messages to the public structs.  Figures stay
 * decimal text end to end; nothing here converts them to floating point. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ names */

static const char *const goal_state_names[] = {"unspecified", "proposed", "accepted"};
static const char *const progress_state_names[] = {"unspecified", "submitted", "approved",
                                                   "returned"};
static const char *const progress_action_names[] = {"unspecified", "submit", "revise", "approve",
                                                    "return"};

#define GOAL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *qt_goal_state_name(qt_goal_state_t s)
{
	return (size_t)s < GOAL_COUNT(goal_state_names) ? goal_state_names[s] : "unspecified";
}

const char *qt_progress_state_name(qt_progress_state_t s)
{
	return (size_t)s < GOAL_COUNT(progress_state_names) ? progress_state_names[s]
	                                                    : "unspecified";
}

qt_progress_state_t qt_progress_state_parse(const char *s)
{
	for (size_t i = 1; s != NULL && i < GOAL_COUNT(progress_state_names); i++)
		if (strcmp(progress_state_names[i], s) == 0)
			return (qt_progress_state_t)i;
	return QT_PROGRESS_UNSPECIFIED;
}

const char *qt_progress_action_name(qt_progress_action_t a)
{
	return (size_t)a < GOAL_COUNT(progress_action_names) ? progress_action_names[a]
	                                                     : "unspecified";
}

/* ------------------------------------------------------------ goals: conversions */

static void goal_version_clear(qt_goal_version_t *v)
{
	free(v->statement);
	free(v->indicator);
	free(v->baseline);
	free(v->target_value);
	free(v->unit);
	free(v->due_date);
	free(v->note);
	free(v->proposed_by_name);
	free(v->accepted_by_name);
	memset(v, 0, sizeof(*v));
}

static qt_status_t goal_version_from_wire(const Quartier__V1__GoalVersion *w, qt_goal_version_t *v)
{
	memset(v, 0, sizeof(*v));
	v->goal_id = w->goal_id;
	v->version = w->version;
	v->state = (qt_goal_state_t)w->state;
	v->proposed_by = w->has_proposed_by ? w->proposed_by : 0;
	v->proposed_at = w->has_proposed_at ? w->proposed_at : 0;
	v->accepted_by = w->has_accepted_by ? w->accepted_by : 0;
	v->accepted_at = w->has_accepted_at ? w->accepted_at : 0;
	if (copy_str(w->statement != NULL ? w->statement : "", &v->statement) != QT_OK ||
	    copy_str(w->indicator != NULL ? w->indicator : "", &v->indicator) != QT_OK ||
	    copy_opt_str(w->baseline, &v->baseline) != QT_OK ||
	    copy_str(w->target_value != NULL ? w->target_value : "", &v->target_value) != QT_OK ||
	    copy_str(w->unit != NULL ? w->unit : "", &v->unit) != QT_OK ||
	    copy_str(w->due_date != NULL ? w->due_date : "", &v->due_date) != QT_OK ||
	    copy_opt_str(w->note, &v->note) != QT_OK ||
	    copy_opt_str(w->proposed_by_name, &v->proposed_by_name) != QT_OK ||
	    copy_opt_str(w->accepted_by_name, &v->accepted_by_name) != QT_OK) {
		goal_version_clear(v);
		return QT_NOMEM;
	}
	return QT_OK;
}

void qt_goal_clear(qt_goal_t *g)
{
	if (g == NULL)
		return;
	free(g->project_name);
	free(g->retire_reason);
	goal_version_clear(&g->current);
	goal_version_clear(&g->accepted);
	for (size_t i = 0; g->history != NULL && i < g->n_history; i++)
		goal_version_clear(&g->history[i]);
	free(g->history);
	memset(g, 0, sizeof(*g));
}

void qt_goal_list_free(qt_goal_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_goal_clear(&list[i]);
	free(list);
}

static qt_status_t goal_from_wire(const Quartier__V1__Goal *w, qt_goal_t *g)
{
	memset(g, 0, sizeof(*g));
	g->id = w->id;
	g->project_id = w->project_id;
	g->version = w->version;
	g->retired = w->has_retired && w->retired;
	g->retired_at = w->has_retired_at ? w->retired_at : 0;
	g->retired_by = w->has_retired_by ? w->retired_by : 0;
	g->created_at = w->has_created_at ? w->created_at : 0;
	g->updated_at = w->has_updated_at ? w->updated_at : 0;
	if (copy_opt_str(w->project_name, &g->project_name) != QT_OK ||
	    copy_opt_str(w->retire_reason, &g->retire_reason) != QT_OK)
		goto fail;
	if (w->current != NULL && goal_version_from_wire(w->current, &g->current) != QT_OK)
		goto fail;
	if (w->accepted != NULL) {
		if (goal_version_from_wire(w->accepted, &g->accepted) != QT_OK)
			goto fail;
		g->has_accepted = 1;
	}
	if (w->n_history > 0) {
		g->history = calloc(w->n_history, sizeof(*g->history));
		if (g->history == NULL)
			goto fail;
	}
	for (size_t i = 0; i < w->n_history; i++) {
		if (goal_version_from_wire(w->history[i], &g->history[i]) != QT_OK)
			goto fail;
		g->n_history++;
	}
	return QT_OK;
fail:
	qt_goal_clear(g);
	return QT_NOMEM;
}

/* Fills a new array *out of n goals from the wire (borrowed). */
static qt_status_t goals_from_wire(Quartier__V1__Goal *const *w, size_t n, qt_goal_t **out,
                                   size_t *count)
{
	qt_goal_t *list = NULL;

	*count = 0;
	if (n > 0) {
		list = calloc(n, sizeof(*list));
		if (list == NULL)
			return QT_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (goal_from_wire(w[i], &list[i]) != QT_OK) {
			qt_goal_list_free(list, *count);
			*count = 0;
			return QT_NOMEM;
		}
		(*count)++;
	}
	*out = list;
	return QT_OK;
}

/* ------------------------------------------------------------ goals: calls */

/* Sends req and converts the goal in the answer into *out (if not NULL). */
static qt_status_t goal_call(qt_client_t *c, Quartier__V1__Request *req, qt_goal_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_GOAL, &in);
	if (rc == QT_OK && out != NULL && goal_from_wire(in->response->goal, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_goal_create(qt_client_t *c, const qt_goal_new_t *g, qt_goal_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalCreateRequest body = QUARTIER__V1__GOAL_CREATE_REQUEST__INIT;

	client_begin(c);
	if (g == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "goal", "no goal");
	body.project_id = g->project_id;
	body.statement = (char *)(g->statement != NULL ? g->statement : "");
	body.indicator = (char *)(g->indicator != NULL ? g->indicator : "");
	body.baseline = (char *)g->baseline;
	body.target_value = (char *)(g->target_value != NULL ? g->target_value : "");
	body.unit = (char *)(g->unit != NULL ? g->unit : "");
	body.due_date = (char *)(g->due_date != NULL ? g->due_date : "");
	body.note = (char *)g->note;
	body.has_propose = 1;
	body.propose = g->propose != 0;
	req.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_CREATE;
	req.goal_create = &body;
	return goal_call(c, &req, out);
}

qt_status_t qt_goal_change(qt_client_t *c, const qt_goal_patch_t *g, qt_goal_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalChangeRequest body = QUARTIER__V1__GOAL_CHANGE_REQUEST__INIT;

	client_begin(c);
	if (g == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "goal", "no change");
	body.id = g->id;
	body.expected_version = g->expected_version;
	body.statement = (char *)g->statement;
	body.indicator = (char *)g->indicator;
	body.baseline = (char *)g->baseline;
	body.target_value = (char *)g->target_value;
	body.unit = (char *)g->unit;
	body.due_date = (char *)g->due_date;
	body.note = (char *)g->note;
	body.has_propose = 1;
	body.propose = g->propose != 0;
	req.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_CHANGE;
	req.goal_change = &body;
	return goal_call(c, &req, out);
}

qt_status_t qt_goal_accept(qt_client_t *c, int64_t id, int64_t expected_version, qt_goal_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalAcceptRequest body = QUARTIER__V1__GOAL_ACCEPT_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	body.expected_version = expected_version;
	req.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_ACCEPT;
	req.goal_accept = &body;
	return goal_call(c, &req, out);
}

qt_status_t qt_goal_retire(qt_client_t *c, int64_t id, int64_t expected_version, const char *reason,
                           qt_goal_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalRetireRequest body = QUARTIER__V1__GOAL_RETIRE_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	body.expected_version = expected_version;
	body.reason = (char *)(reason != NULL ? reason : "");
	req.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_RETIRE;
	req.goal_retire = &body;
	return goal_call(c, &req, out);
}

qt_status_t qt_goal_get(qt_client_t *c, int64_t id, qt_goal_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalGetRequest body = QUARTIER__V1__GOAL_GET_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_GET;
	req.goal_get = &body;
	return goal_call(c, &req, out);
}

qt_status_t qt_goal_list(qt_client_t *c, int64_t project_id, int include_retired, qt_goal_t **out,
                         size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalListRequest body = QUARTIER__V1__GOAL_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__GoalList *gl;
	qt_goal_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	body.project_id = project_id;
	body.has_include_retired = 1;
	body.include_retired = include_retired != 0;
	req.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_LIST;
	req.goal_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_GOAL_LIST, &in);
	if (rc != QT_OK)
		goto out;
	gl = in->response->goal_list;
	if (goals_from_wire(gl->goals, gl->n_goals, &list, &count) != QT_OK) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	*out = list;
	*n = count;
out:
	envelope_free(in);
	return rc;
}

/* ------------------------------------------------------------ progress: conversions */

static void progress_value_clear(qt_progress_value_t *v)
{
	free(v->actual_value);
	free(v->note);
	free(v->indicator);
	free(v->unit);
	free(v->target_value);
	memset(v, 0, sizeof(*v));
}

static void progress_event_clear(qt_progress_event_t *e)
{
	free(e->account_name);
	free(e->comment);
	memset(e, 0, sizeof(*e));
}

void qt_progress_update_clear(qt_progress_update_t *u)
{
	if (u == NULL)
		return;
	free(u->project_name);
	free(u->period_from);
	free(u->period_to);
	free(u->narrative);
	free(u->events);
	free(u->participation);
	free(u->topics);
	free(u->submitted_by_name);
	free(u->reviewed_by_name);
	free(u->review_comment);
	for (size_t i = 0; u->values != NULL && i < u->n_values; i++)
		progress_value_clear(&u->values[i]);
	free(u->values);
	for (size_t i = 0; u->history != NULL && i < u->n_history; i++)
		progress_event_clear(&u->history[i]);
	free(u->history);
	memset(u, 0, sizeof(*u));
}

void qt_progress_list_free(qt_progress_update_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_progress_update_clear(&list[i]);
	free(list);
}

static qt_status_t progress_value_from_wire(const Quartier__V1__ProgressValue *w,
                                            qt_progress_value_t *v)
{
	v->goal_id = w->goal_id;
	v->goal_version = w->has_goal_version ? w->goal_version : 0;
	if (copy_str(w->actual_value != NULL ? w->actual_value : "", &v->actual_value) != QT_OK ||
	    copy_opt_str(w->note, &v->note) != QT_OK ||
	    copy_opt_str(w->indicator, &v->indicator) != QT_OK ||
	    copy_opt_str(w->unit, &v->unit) != QT_OK ||
	    copy_opt_str(w->target_value, &v->target_value) != QT_OK)
		return QT_NOMEM;
	return QT_OK;
}

static qt_status_t progress_from_wire(const Quartier__V1__ProgressUpdate *w,
                                      qt_progress_update_t *u)
{
	memset(u, 0, sizeof(*u));
	u->id = w->id;
	u->project_id = w->project_id;
	u->version = w->version;
	u->state = (qt_progress_state_t)w->state;
	u->submitted_by = w->has_submitted_by ? w->submitted_by : 0;
	u->submitted_at = w->has_submitted_at ? w->submitted_at : 0;
	u->reviewed_by = w->has_reviewed_by ? w->reviewed_by : 0;
	u->reviewed_at = w->has_reviewed_at ? w->reviewed_at : 0;
	u->created_at = w->has_created_at ? w->created_at : 0;
	u->updated_at = w->has_updated_at ? w->updated_at : 0;
	if (copy_opt_str(w->project_name, &u->project_name) != QT_OK ||
	    copy_str(w->period_from != NULL ? w->period_from : "", &u->period_from) != QT_OK ||
	    copy_str(w->period_to != NULL ? w->period_to : "", &u->period_to) != QT_OK ||
	    copy_str(w->narrative != NULL ? w->narrative : "", &u->narrative) != QT_OK ||
	    copy_opt_str(w->events, &u->events) != QT_OK ||
	    copy_opt_str(w->participation, &u->participation) != QT_OK ||
	    copy_opt_str(w->topics, &u->topics) != QT_OK ||
	    copy_opt_str(w->submitted_by_name, &u->submitted_by_name) != QT_OK ||
	    copy_opt_str(w->reviewed_by_name, &u->reviewed_by_name) != QT_OK ||
	    copy_opt_str(w->review_comment, &u->review_comment) != QT_OK)
		goto fail;
	if (w->n_values > 0) {
		u->values = calloc(w->n_values, sizeof(*u->values));
		if (u->values == NULL)
			goto fail;
	}
	for (size_t i = 0; i < w->n_values; i++) {
		u->n_values++;
		if (progress_value_from_wire(w->values[i], &u->values[i]) != QT_OK)
			goto fail;
	}
	if (w->n_history > 0) {
		u->history = calloc(w->n_history, sizeof(*u->history));
		if (u->history == NULL)
			goto fail;
	}
	for (size_t i = 0; i < w->n_history; i++) {
		const Quartier__V1__ProgressEvent *e = w->history[i];
		qt_progress_event_t *o = &u->history[i];

		u->n_history++;
		o->action = (qt_progress_action_t)e->action;
		o->account_id = e->has_account_id ? e->account_id : 0;
		o->at = e->at;
		if (copy_opt_str(e->account_name, &o->account_name) != QT_OK ||
		    copy_opt_str(e->comment, &o->comment) != QT_OK)
			goto fail;
	}
	return QT_OK;
fail:
	qt_progress_update_clear(u);
	return QT_NOMEM;
}

/* Fills a new array *out from n wire updates (borrowed). */
static qt_status_t progress_list_from_wire(Quartier__V1__ProgressUpdate *const *w, size_t n,
                                           qt_progress_update_t **out, size_t *count)
{
	qt_progress_update_t *list = NULL;

	*count = 0;
	if (n > 0) {
		list = calloc(n, sizeof(*list));
		if (list == NULL)
			return QT_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (progress_from_wire(w[i], &list[i]) != QT_OK) {
			qt_progress_list_free(list, *count);
			*count = 0;
			return QT_NOMEM;
		}
		(*count)++;
	}
	*out = list;
	return QT_OK;
}

/* ------------------------------------------------------------ progress: calls */

static qt_status_t progress_call(qt_client_t *c, Quartier__V1__Request *req,
                                 qt_progress_update_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_PROGRESS_UPDATE, &in);
	if (rc == QT_OK && out != NULL &&
	    progress_from_wire(in->response->progress_update, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

/* The wire values of p in new arrays (*vals and *ptrs, freed by the
 * caller); QT_NOMEM on failure with nothing allocated. */
static qt_status_t progress_values_to_wire(const qt_progress_new_t *p,
                                           Quartier__V1__ProgressValue **vals,
                                           Quartier__V1__ProgressValue ***ptrs)
{
	*vals = NULL;
	*ptrs = NULL;
	if (p->n_values == 0)
		return QT_OK;
	*vals = calloc(p->n_values, sizeof(**vals));
	*ptrs = calloc(p->n_values, sizeof(**ptrs));
	if (*vals == NULL || *ptrs == NULL) {
		free(*vals);
		free(*ptrs);
		*vals = NULL;
		*ptrs = NULL;
		return QT_NOMEM;
	}
	for (size_t i = 0; i < p->n_values; i++) {
		Quartier__V1__ProgressValue *v = &(*vals)[i];

		quartier__v1__progress_value__init(v);
		v->goal_id = p->values[i].goal_id;
		v->actual_value =
		    (char *)(p->values[i].actual_value != NULL ? p->values[i].actual_value : "");
		v->note = (char *)p->values[i].note;
		(*ptrs)[i] = v;
	}
	return QT_OK;
}

qt_status_t qt_progress_submit(qt_client_t *c, const qt_progress_new_t *p,
                               qt_progress_update_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressSubmitRequest body = QUARTIER__V1__PROGRESS_SUBMIT_REQUEST__INIT;
	Quartier__V1__ProgressValue *vals = NULL, **ptrs = NULL;
	qt_status_t rc;

	client_begin(c);
	if (p == NULL || (p->n_values > 0 && p->values == NULL))
		return client_error(c, QT_INVALID_ARGUMENT, "update", "no update");
	if (progress_values_to_wire(p, &vals, &ptrs) != QT_OK)
		return client_error(c, QT_NOMEM, NULL, "out of memory");
	body.project_id = p->project_id;
	body.period_from = (char *)(p->period_from != NULL ? p->period_from : "");
	body.period_to = (char *)(p->period_to != NULL ? p->period_to : "");
	body.narrative = (char *)(p->narrative != NULL ? p->narrative : "");
	body.events = (char *)p->events;
	body.participation = (char *)p->participation;
	body.topics = (char *)p->topics;
	body.n_values = p->n_values;
	body.values = ptrs;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_SUBMIT;
	req.progress_submit = &body;
	rc = progress_call(c, &req, out);
	free(ptrs);
	free(vals);
	return rc;
}

qt_status_t qt_progress_revise(qt_client_t *c, const qt_progress_new_t *p,
                               qt_progress_update_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressReviseRequest body = QUARTIER__V1__PROGRESS_REVISE_REQUEST__INIT;
	Quartier__V1__ProgressValue *vals = NULL, **ptrs = NULL;
	qt_status_t rc;

	client_begin(c);
	if (p == NULL || (p->n_values > 0 && p->values == NULL))
		return client_error(c, QT_INVALID_ARGUMENT, "update", "no update");
	if (progress_values_to_wire(p, &vals, &ptrs) != QT_OK)
		return client_error(c, QT_NOMEM, NULL, "out of memory");
	body.id = p->id;
	body.expected_version = p->expected_version;
	body.period_from = (char *)(p->period_from != NULL ? p->period_from : "");
	body.period_to = (char *)(p->period_to != NULL ? p->period_to : "");
	body.narrative = (char *)(p->narrative != NULL ? p->narrative : "");
	body.events = (char *)p->events;
	body.participation = (char *)p->participation;
	body.topics = (char *)p->topics;
	body.n_values = p->n_values;
	body.values = ptrs;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_REVISE;
	req.progress_revise = &body;
	rc = progress_call(c, &req, out);
	free(ptrs);
	free(vals);
	return rc;
}

qt_status_t qt_progress_review(qt_client_t *c, int64_t id, int64_t expected_version,
                               qt_review_decision_t decision, const char *comment,
                               qt_progress_update_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressReviewRequest body = QUARTIER__V1__PROGRESS_REVIEW_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	body.expected_version = expected_version;
	body.decision = (Quartier__V1__ProgressDecision)decision;
	body.comment = (char *)comment;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_REVIEW;
	req.progress_review = &body;
	return progress_call(c, &req, out);
}

qt_status_t qt_progress_get(qt_client_t *c, int64_t id, qt_progress_update_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressGetRequest body = QUARTIER__V1__PROGRESS_GET_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_GET;
	req.progress_get = &body;
	return progress_call(c, &req, out);
}

qt_status_t qt_progress_list(qt_client_t *c, const qt_progress_filter_t *f,
                             qt_progress_update_t **out, size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressListRequest body = QUARTIER__V1__PROGRESS_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__ProgressUpdateList *l;
	qt_progress_update_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	if (f != NULL) {
		body.has_project_id = f->project_id != 0;
		body.project_id = f->project_id;
		body.has_state = f->state != QT_PROGRESS_UNSPECIFIED;
		body.state = (Quartier__V1__ProgressState)f->state;
		body.has_year = f->year != 0;
		body.year = f->year;
		body.has_limit = f->limit != 0;
		body.limit = f->limit;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_LIST;
	req.progress_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_PROGRESS_LIST, &in);
	if (rc != QT_OK)
		goto out;
	l = in->response->progress_list;
	if (progress_list_from_wire(l->updates, l->n_updates, &list, &count) != QT_OK) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	*out = list;
	*n = count;
out:
	envelope_free(in);
	return rc;
}

/* ------------------------------------------------------------ annual report */

void qt_annual_report_clear(qt_annual_report_t *r)
{
	if (r == NULL)
		return;
	qt_project_clear(&r->project);
	qt_goal_list_free(r->goals, r->n_goals);
	qt_progress_list_free(r->updates, r->n_updates);
	qt_fund_list_free(r->funds, r->n_funds);
	qt_continuation_clear(&r->continuation);
	memset(r, 0, sizeof(*r));
}

static qt_status_t report_from_wire(const Quartier__V1__AnnualReport *w, qt_annual_report_t *r)
{
	memset(r, 0, sizeof(*r));
	r->year = w->year;
	r->generated_at = w->generated_at;
	if (w->project == NULL || project_from_wire(w->project, &r->project) != QT_OK)
		goto fail;
	if (goals_from_wire(w->goals, w->n_goals, &r->goals, &r->n_goals) != QT_OK ||
	    progress_list_from_wire(w->updates, w->n_updates, &r->updates, &r->n_updates) != QT_OK)
		goto fail;
	if (w->n_funds > 0) {
		r->funds = calloc(w->n_funds, sizeof(*r->funds));
		if (r->funds == NULL)
			goto fail;
	}
	for (size_t i = 0; i < w->n_funds; i++) {
		if (fund_from_wire(w->funds[i], &r->funds[i]) != QT_OK)
			goto fail;
		r->n_funds++;
	}
	if (w->continuation != NULL &&
	    continuation_from_wire(w->continuation, &r->continuation) != QT_OK)
		goto fail;
	return QT_OK;
fail:
	qt_annual_report_clear(r);
	return QT_NOMEM;
}

qt_status_t qt_annual_report(qt_client_t *c, int64_t project_id, int32_t year,
                             qt_annual_report_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AnnualReportRequest body = QUARTIER__V1__ANNUAL_REPORT_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	body.project_id = project_id;
	body.year = year;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ANNUAL_REPORT;
	req.annual_report = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ANNUAL_REPORT, &in);
	if (rc == QT_OK && report_from_wire(in->response->annual_report, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}
