/* Quality assessment and continuation: the criteria catalogue, creating,
 * reading and listing assessments, continuation plans and the projects
 * whose funding ends without one; the names of their enums and the
 * conversion of their wire messages to the public structs. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ names */

static const char *const assess_columns[] = {
    [QT_COLUMN_KONZEPT] = "konzept",
    [QT_COLUMN_PROZESS] = "prozess",
};

static const char *const assess_phases[] = {
    [QT_PHASE_APPLICATION] = "application",
    [QT_PHASE_CONTINUED_FUNDING] = "continued_funding",
    [QT_PHASE_RUNNING] = "running",
};

static const char *const assess_ratings[] = {
    [QT_RATING_MET] = "met",
    [QT_RATING_NOT_MET] = "not_met",
    [QT_RATING_NOT_APPLICABLE] = "not_applicable",
};

static const char *const assess_blocks[] = {
    [QT_BLOCK_CITY_OVERALL_RESPONSIBILITY] = "city_overall_responsibility",
    [QT_BLOCK_STANDING_FACILITY] = "standing_facility",
    [QT_BLOCK_ORGANISED_CIVIC_ENGAGEMENT] = "organised_civic_engagement",
    [QT_BLOCK_ESTABLISHED_NETWORK] = "established_network",
    [QT_BLOCK_DISTRICT_HEAD] = "district_head",
    [QT_BLOCK_CITY_SERVICES] = "city_services",
};

static const char *const assess_cstatus[] = {
    [QT_CONTINUATION_PROPOSED] = "proposed",
    [QT_CONTINUATION_AGREED] = "agreed",
};

#define ASSESS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *assess_name(const char *const *t, size_t n, int v)
{
	if (v <= 0 || (size_t)v >= n || t[v] == NULL)
		return "unspecified";
	return t[v];
}

static int assess_find(const char *const *t, size_t n, const char *s)
{
	if (s == NULL)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (t[i] != NULL && strcasecmp(t[i], s) == 0)
			return (int)i;
	return 0;
}

const char *qt_criterion_column_name(qt_criterion_column_t c)
{
	return assess_name(assess_columns, ASSESS_COUNT(assess_columns), (int)c);
}

const char *qt_assessment_phase_name(qt_assessment_phase_t p)
{
	return assess_name(assess_phases, ASSESS_COUNT(assess_phases), (int)p);
}

qt_assessment_phase_t qt_assessment_phase_parse(const char *s)
{
	return (qt_assessment_phase_t)assess_find(assess_phases, ASSESS_COUNT(assess_phases), s);
}

const char *qt_rating_name(qt_rating_t r)
{
	return assess_name(assess_ratings, ASSESS_COUNT(assess_ratings), (int)r);
}

qt_rating_t qt_rating_parse(const char *s)
{
	if (s != NULL && strcasecmp(s, "na") == 0)
		return QT_RATING_NOT_APPLICABLE;
	return (qt_rating_t)assess_find(assess_ratings, ASSESS_COUNT(assess_ratings), s);
}

const char *qt_continuation_block_name(qt_continuation_block_t b)
{
	return assess_name(assess_blocks, ASSESS_COUNT(assess_blocks), (int)b);
}

qt_continuation_block_t qt_continuation_block_parse(const char *s)
{
	return (qt_continuation_block_t)assess_find(assess_blocks, ASSESS_COUNT(assess_blocks), s);
}

const char *qt_continuation_status_name(qt_continuation_status_t s)
{
	if (s == QT_CONTINUATION_NONE)
		return "none";
	return assess_name(assess_cstatus, ASSESS_COUNT(assess_cstatus), (int)s);
}

/* ------------------------------------------------------------ conversions */

static void criterion_clear(qt_criterion_t *c)
{
	free(c->text);
	free(c->lead_in);
	memset(c, 0, sizeof(*c));
}

/* Fills *c (zeroed first); on QT_NOMEM *c holds nothing. */
static qt_status_t criterion_from_wire(const Quartier__V1__Criterion *w, qt_criterion_t *c)
{
	memset(c, 0, sizeof(*c));
	c->id = w->id;
	c->version = w->version;
	c->section = w->section;
	c->column = (qt_criterion_column_t)w->column;
	c->required = w->required != 0;
	c->position = w->position;
	c->na_allowed = w->has_na_allowed && w->na_allowed;
	c->one_of = w->has_one_of ? w->one_of : 0;
	if (copy_str(w->text != NULL ? w->text : "", &c->text) != QT_OK ||
	    copy_opt_str(w->lead_in, &c->lead_in) != QT_OK) {
		criterion_clear(c);
		return QT_NOMEM;
	}
	return QT_OK;
}

void qt_catalogue_clear(qt_catalogue_t *c)
{
	if (c == NULL)
		return;
	free(c->title);
	free(c->source);
	for (size_t i = 0; c->sections != NULL && i < c->n_sections; i++)
		free(c->sections[i].title);
	free(c->sections);
	for (size_t i = 0; c->criteria != NULL && i < c->n_criteria; i++)
		criterion_clear(&c->criteria[i]);
	free(c->criteria);
	free(c->versions);
	memset(c, 0, sizeof(*c));
}

void qt_assessment_clear(qt_assessment_t *a)
{
	if (a == NULL)
		return;
	free(a->project_name);
	free(a->assessor_name);
	free(a->assessed_on);
	free(a->summary);
	free(a->missing_ids);
	for (size_t i = 0; a->ratings != NULL && i < a->n_ratings; i++)
		free(a->ratings[i].note);
	free(a->ratings);
	for (size_t i = 0; a->missing != NULL && i < a->n_missing; i++)
		criterion_clear(&a->missing[i]);
	free(a->missing);
	memset(a, 0, sizeof(*a));
}

void qt_assessment_list_free(qt_assessment_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_assessment_clear(&list[i]);
	free(list);
}

static qt_status_t assessment_from_wire(const Quartier__V1__Assessment *w, qt_assessment_t *a)
{
	memset(a, 0, sizeof(*a));
	a->id = w->id;
	a->project_id = w->project_id;
	a->phase = (qt_assessment_phase_t)w->phase;
	a->catalogue_version = w->catalogue_version;
	a->assessor_id = w->has_assessor_id ? w->assessor_id : 0;
	a->created_at = w->has_created_at ? w->created_at : 0;
	a->required_met = w->required_met != 0;
	a->required_total = w->has_required_total ? w->required_total : 0;
	a->enhancing_total = w->has_enhancing_total ? w->enhancing_total : 0;
	a->enhancing_met = w->has_enhancing_met ? w->enhancing_met : 0;
	a->rated = w->has_rated ? w->rated : 0;
	if (copy_opt_str(w->project_name, &a->project_name) != QT_OK ||
	    copy_opt_str(w->assessor_name, &a->assessor_name) != QT_OK ||
	    copy_str(w->assessed_on != NULL ? w->assessed_on : "", &a->assessed_on) != QT_OK ||
	    copy_opt_str(w->summary, &a->summary) != QT_OK ||
	    copy_ids(w->missing_ids, w->n_missing_ids, &a->missing_ids) != QT_OK)
		goto fail;
	a->n_missing_ids = w->n_missing_ids;
	if (w->n_ratings > 0) {
		a->ratings = calloc(w->n_ratings, sizeof(*a->ratings));
		if (a->ratings == NULL)
			goto fail;
	}
	for (size_t i = 0; i < w->n_ratings; i++) {
		qt_rating_entry_t *e = &a->ratings[i];

		e->criterion_id = w->ratings[i]->criterion_id;
		e->rating = (qt_rating_t)w->ratings[i]->rating;
		a->n_ratings++;
		if (copy_opt_str(w->ratings[i]->note, &e->note) != QT_OK)
			goto fail;
	}
	if (w->n_missing > 0) {
		a->missing = calloc(w->n_missing, sizeof(*a->missing));
		if (a->missing == NULL)
			goto fail;
	}
	for (size_t i = 0; i < w->n_missing; i++) {
		if (criterion_from_wire(w->missing[i], &a->missing[i]) != QT_OK)
			goto fail;
		a->n_missing++;
	}
	return QT_OK;
fail:
	qt_assessment_clear(a);
	return QT_NOMEM;
}

void qt_continuation_clear(qt_continuation_t *p)
{
	if (p == NULL)
		return;
	free(p->project_name);
	free(p->project_end_date);
	free(p->funding_ends_on);
	free(p->summary);
	for (size_t i = 0; p->blocks != NULL && i < p->n_blocks; i++) {
		free(p->blocks[i].responsible);
		free(p->blocks[i].tasks);
		free(p->blocks[i].resources);
	}
	free(p->blocks);
	memset(p, 0, sizeof(*p));
}

/* Also used for the plan in an annual report (goal.c). */
qt_status_t continuation_from_wire(const Quartier__V1__Continuation *w, qt_continuation_t *p)
{
	memset(p, 0, sizeof(*p));
	p->project_id = w->project_id;
	p->version = w->version;
	p->status = w->has_status ? (qt_continuation_status_t)w->status : QT_CONTINUATION_NONE;
	p->updated_by = w->has_updated_by ? w->updated_by : 0;
	p->updated_at = w->has_updated_at ? w->updated_at : 0;
	if (copy_opt_str(w->project_name, &p->project_name) != QT_OK ||
	    copy_opt_str(w->project_end_date, &p->project_end_date) != QT_OK ||
	    copy_opt_str(w->funding_ends_on, &p->funding_ends_on) != QT_OK ||
	    copy_opt_str(w->summary, &p->summary) != QT_OK)
		goto fail;
	if (w->n_blocks > 0) {
		p->blocks = calloc(w->n_blocks, sizeof(*p->blocks));
		if (p->blocks == NULL)
			goto fail;
	}
	for (size_t i = 0; i < w->n_blocks; i++) {
		qt_block_plan_t *b = &p->blocks[i];

		b->block = (qt_continuation_block_t)w->blocks[i]->block;
		p->n_blocks++;
		if (copy_str(w->blocks[i]->responsible != NULL ? w->blocks[i]->responsible : "",
		             &b->responsible) != QT_OK ||
		    copy_str(w->blocks[i]->tasks != NULL ? w->blocks[i]->tasks : "", &b->tasks) !=
		        QT_OK ||
		    copy_opt_str(w->blocks[i]->resources, &b->resources) != QT_OK)
			goto fail;
	}
	return QT_OK;
fail:
	qt_continuation_clear(p);
	return QT_NOMEM;
}

void qt_continuation_due_list_clear(qt_continuation_due_list_t *l)
{
	if (l == NULL)
		return;
	free(l->from_date);
	free(l->until_date);
	for (size_t i = 0; l->projects != NULL && i < l->n_projects; i++) {
		free(l->projects[i].project_name);
		free(l->projects[i].funding_ends_on);
		copy_strv_free(l->projects[i].lead_office_names,
		               l->projects[i].n_lead_office_names);
	}
	free(l->projects);
	memset(l, 0, sizeof(*l));
}

/* ------------------------------------------------------------ catalogue */

qt_status_t qt_criteria_list(qt_client_t *c, uint32_t version, qt_catalogue_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__CriteriaListRequest body = QUARTIER__V1__CRITERIA_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__Catalogue *w;
	qt_catalogue_t cat;
	qt_status_t rc;

	client_begin(c);
	memset(&cat, 0, sizeof(cat));
	body.has_version = version != 0;
	body.version = version;
	req.body_case = QUARTIER__V1__REQUEST__BODY_CRITERIA_LIST;
	req.criteria_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_CATALOGUE, &in);
	if (rc != QT_OK)
		goto out;
	w = in->response->catalogue;
	cat.version = w->version;
	if (copy_str(w->title != NULL ? w->title : "", &cat.title) != QT_OK ||
	    copy_opt_str(w->source, &cat.source) != QT_OK)
		goto nomem;
	if (w->n_sections > 0) {
		cat.sections = calloc(w->n_sections, sizeof(*cat.sections));
		if (cat.sections == NULL)
			goto nomem;
	}
	for (size_t i = 0; i < w->n_sections; i++) {
		cat.sections[i].section = w->sections[i]->section;
		cat.n_sections++;
		if (copy_str(w->sections[i]->title != NULL ? w->sections[i]->title : "",
		             &cat.sections[i].title) != QT_OK)
			goto nomem;
	}
	if (w->n_criteria > 0) {
		cat.criteria = calloc(w->n_criteria, sizeof(*cat.criteria));
		if (cat.criteria == NULL)
			goto nomem;
	}
	for (size_t i = 0; i < w->n_criteria; i++) {
		if (criterion_from_wire(w->criteria[i], &cat.criteria[i]) != QT_OK)
			goto nomem;
		cat.n_criteria++;
	}
	if (w->n_versions > 0) {
		cat.versions = calloc(w->n_versions, sizeof(*cat.versions));
		if (cat.versions == NULL)
			goto nomem;
		memcpy(cat.versions, w->versions, w->n_versions * sizeof(*cat.versions));
		cat.n_versions = w->n_versions;
	}
	*out = cat;
	memset(&cat, 0, sizeof(cat));
	goto out;
nomem:
	rc = client_error(c, QT_NOMEM, NULL, "out of memory");
out:
	qt_catalogue_clear(&cat);
	envelope_free(in);
	return rc;
}

/* ------------------------------------------------------------ assessments */

/* Sends req and converts the assessment in the answer into *out. */
static qt_status_t assessment_call(qt_client_t *c, Quartier__V1__Request *req, qt_assessment_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_ASSESSMENT, &in);
	if (rc == QT_OK && out != NULL &&
	    assessment_from_wire(in->response->assessment, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_assessment_create(qt_client_t *c, const qt_assessment_new_t *a, qt_assessment_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AssessmentCreateRequest body = QUARTIER__V1__ASSESSMENT_CREATE_REQUEST__INIT;
	Quartier__V1__CriterionRating *items = NULL, **ptrs = NULL;
	qt_status_t rc;

	client_begin(c);
	if (a == NULL || (a->n_ratings > 0 && a->ratings == NULL))
		return client_error(c, QT_INVALID_ARGUMENT, "ratings", "no assessment");
	if (a->n_ratings > 0) {
		items = calloc(a->n_ratings, sizeof(*items));
		ptrs = calloc(a->n_ratings, sizeof(*ptrs));
		if (items == NULL || ptrs == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < a->n_ratings; i++) {
		quartier__v1__criterion_rating__init(&items[i]);
		items[i].criterion_id = a->ratings[i].criterion_id;
		items[i].rating = (Quartier__V1__Rating)a->ratings[i].rating;
		items[i].note = (char *)a->ratings[i].note;
		ptrs[i] = &items[i];
	}
	body.project_id = a->project_id;
	body.phase = (Quartier__V1__AssessmentPhase)a->phase;
	body.n_ratings = a->n_ratings;
	body.ratings = ptrs;
	body.has_catalogue_version = a->catalogue_version != 0;
	body.catalogue_version = a->catalogue_version;
	body.assessed_on = (char *)a->assessed_on;
	body.summary = (char *)a->summary;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ASSESSMENT_CREATE;
	req.assessment_create = &body;
	rc = assessment_call(c, &req, out);
out:
	free(ptrs);
	free(items);
	return rc;
}

qt_status_t qt_assessment_get(qt_client_t *c, int64_t id, qt_assessment_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AssessmentGetRequest body = QUARTIER__V1__ASSESSMENT_GET_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ASSESSMENT_GET;
	req.assessment_get = &body;
	return assessment_call(c, &req, out);
}

qt_status_t qt_assessment_list(qt_client_t *c, int64_t project_id, qt_assessment_t **out, size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AssessmentListRequest body = QUARTIER__V1__ASSESSMENT_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__AssessmentList *w;
	qt_assessment_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	body.project_id = project_id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ASSESSMENT_LIST;
	req.assessment_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ASSESSMENT_LIST, &in);
	if (rc != QT_OK)
		goto out;
	w = in->response->assessment_list;
	if (w->n_assessments > 0) {
		list = calloc(w->n_assessments, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < w->n_assessments; i++) {
		if (assessment_from_wire(w->assessments[i], &list[i]) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	list = NULL;
out:
	qt_assessment_list_free(list, count);
	envelope_free(in);
	return rc;
}

/* ------------------------------------------------------------ continuation */

static qt_status_t continuation_call(qt_client_t *c, Quartier__V1__Request *req,
                                     qt_continuation_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_CONTINUATION, &in);
	if (rc == QT_OK && out != NULL &&
	    continuation_from_wire(in->response->continuation, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_continuation_set(qt_client_t *c, const qt_continuation_new_t *p,
                                qt_continuation_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ContinuationSetRequest body = QUARTIER__V1__CONTINUATION_SET_REQUEST__INIT;
	Quartier__V1__ContinuationBlockPlan *items = NULL, **ptrs = NULL;
	qt_status_t rc;

	client_begin(c);
	if (p == NULL || (p->n_blocks > 0 && p->blocks == NULL))
		return client_error(c, QT_INVALID_ARGUMENT, "blocks", "no plan");
	if (p->n_blocks > 0) {
		items = calloc(p->n_blocks, sizeof(*items));
		ptrs = calloc(p->n_blocks, sizeof(*ptrs));
		if (items == NULL || ptrs == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < p->n_blocks; i++) {
		quartier__v1__continuation_block_plan__init(&items[i]);
		items[i].block = (Quartier__V1__ContinuationBlock)p->blocks[i].block;
		/* Required on the wire: the server names the field if empty. */
		items[i].responsible =
		    (char *)(p->blocks[i].responsible != NULL ? p->blocks[i].responsible : "");
		items[i].tasks = (char *)(p->blocks[i].tasks != NULL ? p->blocks[i].tasks : "");
		items[i].resources = (char *)p->blocks[i].resources;
		ptrs[i] = &items[i];
	}
	body.project_id = p->project_id;
	body.expected_version = p->expected_version;
	body.funding_ends_on = (char *)p->funding_ends_on;
	body.summary = (char *)p->summary;
	body.n_blocks = p->n_blocks;
	body.blocks = ptrs;
	req.body_case = QUARTIER__V1__REQUEST__BODY_CONTINUATION_SET;
	req.continuation_set = &body;
	rc = continuation_call(c, &req, out);
out:
	free(ptrs);
	free(items);
	return rc;
}

qt_status_t qt_continuation_get(qt_client_t *c, int64_t project_id, qt_continuation_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ContinuationGetRequest body = QUARTIER__V1__CONTINUATION_GET_REQUEST__INIT;

	client_begin(c);
	body.project_id = project_id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_CONTINUATION_GET;
	req.continuation_get = &body;
	return continuation_call(c, &req, out);
}

qt_status_t qt_continuation_due(qt_client_t *c, uint32_t months, qt_continuation_due_list_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ContinuationDueRequest body = QUARTIER__V1__CONTINUATION_DUE_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__ContinuationDueList *w;
	qt_continuation_due_list_t l;
	qt_status_t rc;

	client_begin(c);
	memset(&l, 0, sizeof(l));
	body.months = months;
	req.body_case = QUARTIER__V1__REQUEST__BODY_CONTINUATION_DUE;
	req.continuation_due = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_CONTINUATION_DUE, &in);
	if (rc != QT_OK)
		goto out;
	w = in->response->continuation_due;
	if (copy_str(w->from_date != NULL ? w->from_date : "", &l.from_date) != QT_OK ||
	    copy_str(w->until_date != NULL ? w->until_date : "", &l.until_date) != QT_OK)
		goto nomem;
	if (w->n_projects > 0) {
		l.projects = calloc(w->n_projects, sizeof(*l.projects));
		if (l.projects == NULL)
			goto nomem;
	}
	for (size_t i = 0; i < w->n_projects; i++) {
		const Quartier__V1__ContinuationDueItem *d = w->projects[i];
		qt_continuation_due_t *e = &l.projects[i];

		e->project_id = d->project_id;
		e->status = (qt_project_status_t)d->status;
		e->has_plan_record = d->has_has_plan_record && d->has_plan_record;
		l.n_projects++;
		if (copy_str(d->project_name != NULL ? d->project_name : "", &e->project_name) !=
		        QT_OK ||
		    copy_str(d->funding_ends_on != NULL ? d->funding_ends_on : "",
		             &e->funding_ends_on) != QT_OK ||
		    copy_strv(d->lead_office_names, d->n_lead_office_names,
		              &e->lead_office_names) != QT_OK)
			goto nomem;
		e->n_lead_office_names = d->n_lead_office_names;
	}
	*out = l;
	memset(&l, 0, sizeof(l));
	goto out;
nomem:
	rc = client_error(c, QT_NOMEM, NULL, "out of memory");
out:
	qt_continuation_due_list_clear(&l);
	envelope_free(in);
	return rc;
}
