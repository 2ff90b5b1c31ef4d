/* People and support groups (Projektbegleitgruppen): persons (create, get,
 * list, partial update; export and erasure under the GDPR), memberships
 * (add, end) and the members of a group, and the conversion of their wire
 * messages to the public structs.
 * Contact data arrives only when the server allows it; an absent field
 * stays NULL. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ conversions */

void qt_person_clear(qt_person_t *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->function);
	free(p->office_name);
	free(p->organisation_name);
	free(p->email);
	free(p->phone);
	memset(p, 0, sizeof(*p));
}

void qt_person_list_free(qt_person_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_person_clear(&list[i]);
	free(list);
}

void qt_membership_clear(qt_membership_t *m)
{
	if (m == NULL)
		return;
	free(m->on_behalf_of_name);
	free(m->deputy_of_name);
	free(m->start_date);
	free(m->end_date);
	qt_person_clear(&m->person);
	memset(m, 0, sizeof(*m));
}

void qt_group_clear(qt_group_t *g)
{
	if (g == NULL)
		return;
	free(g->on_date);
	if (g->members != NULL) {
		for (size_t i = 0; i < g->n_members; i++)
			qt_membership_clear(&g->members[i]);
		free(g->members);
	}
	memset(g, 0, sizeof(*g));
}

/* Fills *p (zeroed first) from w (borrowed); on QT_NOMEM *p holds nothing. */
static qt_status_t person_from_wire(const Quartier__V1__Person *w, qt_person_t *p)
{
	memset(p, 0, sizeof(*p));
	p->id = w->id;
	p->version = w->version;
	p->office_id = w->has_office_id ? w->office_id : 0;
	p->organisation_id = w->has_organisation_id ? w->organisation_id : 0;
	p->account_id = w->has_account_id ? w->account_id : 0;
	p->contact_visible = w->has_contact_visible && w->contact_visible;
	p->created_at = w->has_created_at ? w->created_at : 0;
	p->updated_at = w->has_updated_at ? w->updated_at : 0;
	if (copy_str(w->name != NULL ? w->name : "", &p->name) != QT_OK ||
	    copy_opt_str(w->function, &p->function) != QT_OK ||
	    copy_opt_str(w->office_name, &p->office_name) != QT_OK ||
	    copy_opt_str(w->organisation_name, &p->organisation_name) != QT_OK ||
	    copy_opt_str(w->email, &p->email) != QT_OK ||
	    copy_opt_str(w->phone, &p->phone) != QT_OK) {
		qt_person_clear(p);
		return QT_NOMEM;
	}
	return QT_OK;
}

static qt_status_t membership_from_wire(const Quartier__V1__Membership *w, qt_membership_t *m)
{
	memset(m, 0, sizeof(*m));
	m->id = w->id;
	m->project_id = w->project_id;
	m->person_id = w->person_id;
	m->role = (qt_member_role_t)w->role;
	m->on_behalf_of_id = w->has_on_behalf_of_id ? w->on_behalf_of_id : 0;
	m->deputy_of_id = w->has_deputy_of_id ? w->deputy_of_id : 0;
	m->active = w->has_active && w->active;
	m->created_at = w->has_created_at ? w->created_at : 0;
	m->updated_at = w->has_updated_at ? w->updated_at : 0;
	if (copy_opt_str(w->on_behalf_of_name, &m->on_behalf_of_name) != QT_OK ||
	    copy_opt_str(w->deputy_of_name, &m->deputy_of_name) != QT_OK ||
	    copy_str(w->start_date != NULL ? w->start_date : "", &m->start_date) != QT_OK ||
	    copy_opt_str(w->end_date, &m->end_date) != QT_OK)
		goto fail;
	if (w->person != NULL && person_from_wire(w->person, &m->person) != QT_OK)
		goto fail;
	return QT_OK;
fail:
	qt_membership_clear(m);
	return QT_NOMEM;
}

/* ------------------------------------------------------------ persons */

/* Sends req and converts the person in the answer into *out (if not NULL). */
static qt_status_t person_call(qt_client_t *c, Quartier__V1__Request *req, qt_person_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_PERSON, &in);
	if (rc == QT_OK && out != NULL && person_from_wire(in->response->person, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_person_create(qt_client_t *c, const qt_person_new_t *p, qt_person_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonCreateRequest body = QUARTIER__V1__PERSON_CREATE_REQUEST__INIT;

	client_begin(c);
	if (p == NULL || p->name == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "person.name", "name missing");
	body.name = (char *)p->name;
	body.function = (char *)p->function;
	body.has_office_id = p->office_id != 0;
	body.office_id = p->office_id;
	body.has_organisation_id = p->organisation_id != 0;
	body.organisation_id = p->organisation_id;
	body.email = (char *)p->email;
	body.phone = (char *)p->phone;
	body.has_account_id = p->account_id != 0;
	body.account_id = p->account_id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_CREATE;
	req.person_create = &body;
	return person_call(c, &req, out);
}

qt_status_t qt_person_get(qt_client_t *c, int64_t id, qt_person_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonGetRequest body = QUARTIER__V1__PERSON_GET_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_GET;
	req.person_get = &body;
	return person_call(c, &req, out);
}

qt_status_t qt_person_list(qt_client_t *c, const qt_person_filter_t *f, qt_person_t **out,
                           size_t *n, int64_t *next_after_id)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonListRequest body = QUARTIER__V1__PERSON_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__PersonList *pl;
	qt_person_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	if (f != NULL) {
		body.name = (char *)f->name;
		body.has_office_id = f->office_id != 0;
		body.office_id = f->office_id;
		body.has_organisation_id = f->organisation_id != 0;
		body.organisation_id = f->organisation_id;
		body.has_page_size = f->page_size != 0;
		body.page_size = f->page_size;
		body.has_after_id = f->after_id != 0;
		body.after_id = f->after_id;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_LIST;
	req.person_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_PERSON_LIST, &in);
	if (rc != QT_OK)
		goto out;
	pl = in->response->person_list;
	if (pl->n_persons > 0) {
		list = calloc(pl->n_persons, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < pl->n_persons; i++) {
		if (person_from_wire(pl->persons[i], &list[i]) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
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
	qt_person_list_free(list, count);
	envelope_free(in);
	return rc;
}

qt_status_t qt_person_update(qt_client_t *c, const qt_person_patch_t *p, qt_person_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonUpdateRequest body = QUARTIER__V1__PERSON_UPDATE_REQUEST__INIT;

	client_begin(c);
	if (p == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "person", "no patch");
	body.id = p->id;
	body.expected_version = p->expected_version;
	body.name = (char *)p->name;
	body.function = (char *)p->function;
	body.has_office_id = p->set_office_id != 0;
	body.office_id = p->set_office_id ? p->office_id : 0;
	body.has_organisation_id = p->set_organisation_id != 0;
	body.organisation_id = p->set_organisation_id ? p->organisation_id : 0;
	body.email = (char *)p->email;
	body.phone = (char *)p->phone;
	body.has_account_id = p->set_account_id != 0;
	body.account_id = p->set_account_id ? p->account_id : 0;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_UPDATE;
	req.person_update = &body;
	return person_call(c, &req, out);
}

/* ------------------------------------------------------------ personal data (GDPR) */

qt_status_t qt_person_export(qt_client_t *c, int64_t id, char **json)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonExportRequest body = QUARTIER__V1__PERSON_EXPORT_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	if (json == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, NULL, "no place for the export");
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_EXPORT;
	req.person_export = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_PERSON_EXPORT, &in);
	if (rc == QT_OK && copy_str(in->response->person_export->json != NULL
	                                ? in->response->person_export->json
	                                : "",
	                            json) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

void qt_person_erasure_clear(qt_person_erasure_t *e)
{
	if (e == NULL)
		return;
	qt_person_clear(&e->person);
	memset(e, 0, sizeof(*e));
}

qt_status_t qt_person_erase(qt_client_t *c, int64_t id, const char *reason,
                            qt_person_erasure_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonEraseRequest body = QUARTIER__V1__PERSON_ERASE_REQUEST__INIT;
	const Quartier__V1__PersonErased *w;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	if (reason == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "reason", "reason missing");
	body.id = id;
	body.reason = (char *)reason;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_ERASE;
	req.person_erase = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_PERSON_ERASED, &in);
	if (rc != QT_OK || out == NULL)
		goto out;
	w = in->response->person_erased;
	memset(out, 0, sizeof(*out));
	if (w->person == NULL) {
		rc = client_error(c, QT_PROTOCOL_ERROR, NULL, "server sent no person");
		goto out;
	}
	if (person_from_wire(w->person, &out->person) != QT_OK) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	out->already_erased = w->already_erased;
	out->erased_at = w->erased_at;
	out->audit_rows_redacted = w->has_audit_rows_redacted ? w->audit_rows_redacted : 0;
	out->answers_cleared = w->has_answers_cleared ? w->answers_cleared : 0;
out:
	envelope_free(in);
	return rc;
}

/* ------------------------------------------------------------ support groups */

static qt_status_t membership_call(qt_client_t *c, Quartier__V1__Request *req, qt_membership_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_MEMBERSHIP, &in);
	if (rc == QT_OK && out != NULL &&
	    membership_from_wire(in->response->membership, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_membership_add(qt_client_t *c, const qt_membership_new_t *m, qt_membership_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MembershipAddRequest body = QUARTIER__V1__MEMBERSHIP_ADD_REQUEST__INIT;

	client_begin(c);
	if (m == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "membership", "no membership");
	body.project_id = m->project_id;
	body.person_id = m->person_id;
	body.role = (Quartier__V1__MembershipRole)m->role;
	body.has_on_behalf_of_id = m->on_behalf_of_id != 0;
	body.on_behalf_of_id = m->on_behalf_of_id;
	body.has_deputy_of_id = m->deputy_of_id != 0;
	body.deputy_of_id = m->deputy_of_id;
	body.start_date = (char *)m->start_date;
	body.end_date = (char *)m->end_date;
	req.body_case = QUARTIER__V1__REQUEST__BODY_MEMBERSHIP_ADD;
	req.membership_add = &body;
	return membership_call(c, &req, out);
}

qt_status_t qt_membership_end(qt_client_t *c, int64_t id, const char *end_date,
                              qt_membership_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MembershipEndRequest body = QUARTIER__V1__MEMBERSHIP_END_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	body.end_date = (char *)end_date;
	req.body_case = QUARTIER__V1__REQUEST__BODY_MEMBERSHIP_END;
	req.membership_end = &body;
	return membership_call(c, &req, out);
}

qt_status_t qt_group_members(qt_client_t *c, int64_t project_id, const char *on_date,
                             int include_history, qt_group_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GroupMembersRequest body = QUARTIER__V1__GROUP_MEMBERS_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__GroupMembers *gm;
	qt_group_t g;
	qt_status_t rc;

	client_begin(c);
	memset(&g, 0, sizeof(g));
	body.project_id = project_id;
	body.on_date = (char *)on_date;
	body.has_include_history = include_history != 0;
	body.include_history = include_history != 0;
	req.body_case = QUARTIER__V1__REQUEST__BODY_GROUP_MEMBERS;
	req.group_members = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_GROUP_MEMBERS, &in);
	if (rc != QT_OK)
		goto out;
	gm = in->response->group_members;
	g.project_id = gm->project_id;
	if (copy_str(gm->on_date != NULL ? gm->on_date : "", &g.on_date) != QT_OK)
		goto nomem;
	if (gm->n_memberships > 0) {
		g.members = calloc(gm->n_memberships, sizeof(*g.members));
		if (g.members == NULL)
			goto nomem;
	}
	for (size_t i = 0; i < gm->n_memberships; i++) {
		if (membership_from_wire(gm->memberships[i], &g.members[i]) != QT_OK)
			goto nomem;
		g.n_members++;
	}
	*out = g;
	memset(&g, 0, sizeof(g));
	goto out;
nomem:
	rc = client_error(c, QT_NOMEM, NULL, "out of memory");
out:
	qt_group_clear(&g);
	envelope_free(in);
	return rc;
}
