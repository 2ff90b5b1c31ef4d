/* Quarter projects (Quartiersprojekte): create, get, list, partial update
 * and lifecycle transitions, and the conversion of wire projects to
 * qt_project_t. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void qt_project_clear(qt_project_t *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->quarter_ids);
	copy_strv_free(p->quarter_names, p->n_quarter_names);
	free(p->lead_office_ids);
	copy_strv_free(p->lead_office_names, p->n_lead_office_names);
	free(p->carrier_name);
	free(p->coordinator_ids);
	free(p->start_date);
	free(p->end_date);
	free(p->description);
	free(p->district_names);
	memset(p, 0, sizeof(*p));
}

void qt_project_list_free(qt_project_t *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		qt_project_clear(&list[i]);
	free(list);
}

qt_status_t project_from_wire(const Quartier__V1__Project *w, qt_project_t *p)
{
	memset(p, 0, sizeof(*p));
	p->id = w->id;
	p->version = w->version;
	p->kind = (qt_project_kind_t)w->kind;
	p->status = (qt_project_status_t)w->status;
	p->carrier_id = w->has_carrier_id ? w->carrier_id : 0;
	p->created_at = w->has_created_at ? w->created_at : 0;
	p->updated_at = w->has_updated_at ? w->updated_at : 0;
	if (copy_str(w->name != NULL ? w->name : "", &p->name) != QT_OK)
		goto fail;
	if (copy_ids(w->quarter_ids, w->n_quarter_ids, &p->quarter_ids) != QT_OK)
		goto fail;
	p->n_quarter_ids = w->n_quarter_ids;
	if (copy_strv(w->quarter_names, w->n_quarter_names, &p->quarter_names) != QT_OK)
		goto fail;
	p->n_quarter_names = w->n_quarter_names;
	if (copy_ids(w->lead_office_ids, w->n_lead_office_ids,
	             &p->lead_office_ids) != QT_OK)
		goto fail;
	p->n_lead_office_ids = w->n_lead_office_ids;
	if (copy_strv(w->lead_office_names, w->n_lead_office_names,
	              &p->lead_office_names) != QT_OK)
		goto fail;
	p->n_lead_office_names = w->n_lead_office_names;
	if (copy_ids(w->coordinator_ids, w->n_coordinator_ids,
	             &p->coordinator_ids) != QT_OK)
		goto fail;
	p->n_coordinator_ids = w->n_coordinator_ids;
	if (copy_opt_str(w->carrier_name, &p->carrier_name) != QT_OK ||
	    copy_opt_str(w->start_date, &p->start_date) != QT_OK ||
	    copy_opt_str(w->end_date, &p->end_date) != QT_OK ||
	    copy_opt_str(w->description, &p->description) != QT_OK ||
	    copy_opt_str(w->district_names, &p->district_names) != QT_OK)
		goto fail;
	return QT_OK;
fail:
	qt_project_clear(p);
	return QT_NOMEM;
}

/* Checks that a counted array has storage; records the error on c. */
static qt_status_t project_check_ids(qt_client_t *c, const int64_t *ids,
                                     size_t n, const char *field)
{
	if (n > 0 && ids == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, field,
		                    "%zu ids announced but none given", n);
	return QT_OK;
}

/* Sends req and converts the project in the answer into *out (if not
 * NULL); shared by create, get, update and transition. */
static qt_status_t project_call(qt_client_t *c, Quartier__V1__Request *req,
                                qt_project_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_PROJECT, &in);
	if (rc == QT_OK && out != NULL &&
	    project_from_wire(in->response->project, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_project_create(qt_client_t *c, const qt_project_new_t *p,
                              qt_project_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectCreateRequest body =
		QUARTIER__V1__PROJECT_CREATE_REQUEST__INIT;
	qt_status_t rc;

	client_begin(c);
	if (p == NULL || p->name == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "project.name",
		                    "name missing");
	rc = project_check_ids(c, p->quarter_ids, p->n_quarter_ids,
	                       "project.quarter_ids");
	if (rc == QT_OK)
		rc = project_check_ids(c, p->lead_office_ids, p->n_lead_office_ids,
		                       "project.lead_office_ids");
	if (rc == QT_OK)
		rc = project_check_ids(c, p->coordinator_ids, p->n_coordinator_ids,
		                       "project.coordinator_ids");
	if (rc != QT_OK)
		return rc;
	body.name = (char *)p->name;
	body.kind = (Quartier__V1__ProjectKind)p->kind;
	body.n_quarter_ids = p->n_quarter_ids;
	body.quarter_ids = (int64_t *)p->quarter_ids;
	body.n_lead_office_ids = p->n_lead_office_ids;
	body.lead_office_ids = (int64_t *)p->lead_office_ids;
	body.has_carrier_id = p->carrier_id != 0;
	body.carrier_id = p->carrier_id;
	body.n_coordinator_ids = p->n_coordinator_ids;
	body.coordinator_ids = (int64_t *)p->coordinator_ids;
	body.start_date = (char *)p->start_date;
	body.end_date = (char *)p->end_date;
	body.description = (char *)p->description;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE;
	req.project_create = &body;
	return project_call(c, &req, out);
}

qt_status_t qt_project_get(qt_client_t *c, int64_t id, qt_project_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectGetRequest body = QUARTIER__V1__PROJECT_GET_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_GET;
	req.project_get = &body;
	return project_call(c, &req, out);
}

qt_status_t qt_project_list(qt_client_t *c, const qt_project_filter_t *f,
                            qt_project_t **out, size_t *n,
                            int64_t *next_after_id)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectListRequest body =
		QUARTIER__V1__PROJECT_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__ProjectList *pl;
	qt_project_t *list = NULL;
	size_t i, count = 0;
	qt_status_t rc;

	client_begin(c);
	if (f != NULL) {
		body.has_district_id = f->district_id != 0;
		body.district_id = f->district_id;
		body.district = (char *)f->district;
		body.has_quarter_id = f->quarter_id != 0;
		body.quarter_id = f->quarter_id;
		body.has_kind = f->kind != QT_KIND_UNSPECIFIED;
		body.kind = (Quartier__V1__ProjectKind)f->kind;
		body.has_status = f->status != QT_PSTATUS_UNSPECIFIED;
		body.status = (Quartier__V1__ProjectStatus)f->status;
		body.has_lead_office_id = f->lead_office_id != 0;
		body.lead_office_id = f->lead_office_id;
		body.has_page_size = f->page_size != 0;
		body.page_size = f->page_size;
		body.has_after_id = f->after_id != 0;
		body.after_id = f->after_id;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_LIST;
	req.project_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_PROJECT_LIST, &in);
	if (rc != QT_OK)
		goto out;
	pl = in->response->project_list;
	if (pl->n_projects > 0) {
		list = calloc(pl->n_projects, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < pl->n_projects; i++) {
		rc = project_from_wire(pl->projects[i], &list[i]);
		if (rc != QT_OK) {
			rc = client_error(c, rc, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	if (next_after_id != NULL)
		*next_after_id = pl->has_next_after_id ? pl->next_after_id : 0;
	list = NULL;
out:
	qt_project_list_free(list, count);
	envelope_free(in);
	return rc;
}

qt_status_t qt_project_update(qt_client_t *c, const qt_project_patch_t *p,
                              qt_project_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectUpdateRequest body =
		QUARTIER__V1__PROJECT_UPDATE_REQUEST__INIT;
	qt_status_t rc;

	client_begin(c);
	if (p == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "project", "no patch");
	rc = project_check_ids(c, p->quarter_ids,
	                       p->set_quarter_ids ? p->n_quarter_ids : 0,
	                       "project.quarter_ids");
	if (rc == QT_OK)
		rc = project_check_ids(c, p->lead_office_ids,
		                       p->set_lead_office_ids ? p->n_lead_office_ids : 0,
		                       "project.lead_office_ids");
	if (rc == QT_OK)
		rc = project_check_ids(c, p->coordinator_ids,
		                       p->set_coordinator_ids ? p->n_coordinator_ids : 0,
		                       "project.coordinator_ids");
	if (rc != QT_OK)
		return rc;
	body.id = p->id;
	body.expected_version = p->expected_version;
	body.name = (char *)p->name;
	body.has_kind = p->kind != QT_KIND_UNSPECIFIED;
	body.kind = (Quartier__V1__ProjectKind)p->kind;
	if (p->set_quarter_ids) {
		body.has_set_quarter_ids = 1;
		body.set_quarter_ids = 1;
		body.n_quarter_ids = p->n_quarter_ids;
		body.quarter_ids = (int64_t *)p->quarter_ids;
	}
	if (p->set_lead_office_ids) {
		body.has_set_lead_office_ids = 1;
		body.set_lead_office_ids = 1;
		body.n_lead_office_ids = p->n_lead_office_ids;
		body.lead_office_ids = (int64_t *)p->lead_office_ids;
	}
	if (p->set_coordinator_ids) {
		body.has_set_coordinator_ids = 1;
		body.set_coordinator_ids = 1;
		body.n_coordinator_ids = p->n_coordinator_ids;
		body.coordinator_ids = (int64_t *)p->coordinator_ids;
	}
	body.has_carrier_id = p->set_carrier_id != 0;
	body.carrier_id = p->set_carrier_id ? p->carrier_id : 0;
	body.start_date = (char *)p->start_date;
	body.end_date = (char *)p->end_date;
	body.description = (char *)p->description;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_UPDATE;
	req.project_update = &body;
	return project_call(c, &req, out);
}

qt_status_t qt_project_transition(qt_client_t *c, int64_t id,
                                  int64_t expected_version,
                                  qt_project_status_t to, const char *reason,
                                  qt_project_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectTransitionRequest body =
		QUARTIER__V1__PROJECT_TRANSITION_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	body.expected_version = expected_version;
	body.to = (Quartier__V1__ProjectStatus)to;
	body.reason = (char *)reason;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_TRANSITION;
	req.project_transition = &body;
	return project_call(c, &req, out);
}
