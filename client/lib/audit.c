/* The audit log (Änderungsprotokoll): who changed what, newest first. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void audit_entry_clear(qt_audit_entry_t *e)
{
	free(e->action);
	free(e->entity);
	free(e->before_json);
	free(e->after_json);
	memset(e, 0, sizeof(*e));
}

void qt_audit_list_free(qt_audit_entry_t *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		audit_entry_clear(&list[i]);
	free(list);
}

static qt_status_t audit_from_wire(const Quartier__V1__AuditEntry *w,
                                   qt_audit_entry_t *out)
{
	memset(out, 0, sizeof(*out));
	out->id = w->id;
	out->at = w->at;
	out->account_id = w->has_account_id ? w->account_id : 0;
	out->entity_id = w->entity_id;
	if (copy_str(w->action != NULL ? w->action : "", &out->action) != QT_OK ||
	    copy_str(w->entity != NULL ? w->entity : "", &out->entity) != QT_OK ||
	    copy_opt_str(w->before_json, &out->before_json) != QT_OK ||
	    copy_opt_str(w->after_json, &out->after_json) != QT_OK) {
		audit_entry_clear(out);
		return QT_NOMEM;
	}
	return QT_OK;
}

qt_status_t qt_audit_list(qt_client_t *c, const char *entity, int64_t entity_id,
                          uint32_t limit, qt_audit_entry_t **out, size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AuditListRequest body = QUARTIER__V1__AUDIT_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__AuditList *al;
	qt_audit_entry_t *list = NULL;
	size_t i, count = 0;
	qt_status_t rc;

	client_begin(c);
	body.entity = (char *)entity;
	body.has_entity_id = entity_id != 0;
	body.entity_id = entity_id;
	body.has_limit = limit != 0;
	body.limit = limit;
	req.body_case = QUARTIER__V1__REQUEST__BODY_AUDIT_LIST;
	req.audit_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_AUDIT_LIST, &in);
	if (rc != QT_OK)
		goto out;
	al = in->response->audit_list;
	if (al->n_entries > 0) {
		list = calloc(al->n_entries, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < al->n_entries; i++) {
		rc = audit_from_wire(al->entries[i], &list[i]);
		if (rc != QT_OK) {
			rc = client_error(c, rc, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	list = NULL;
out:
	qt_audit_list_free(list, count);
	envelope_free(in);
	return rc;
}

void qt_audit_verify_clear(qt_audit_verify_t *v)
{
	if (v == NULL)
		return;
	free(v->head_hash);
	free(v->message);
	memset(v, 0, sizeof(*v));
}

qt_status_t qt_audit_verify(qt_client_t *c, const char *anchor, qt_audit_verify_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AuditVerifyRequest body = QUARTIER__V1__AUDIT_VERIFY_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__AuditVerify *w;
	qt_audit_verify_t v;
	qt_status_t rc;

	memset(&v, 0, sizeof(v));
	client_begin(c);
	body.anchor = (char *)anchor;
	req.body_case = QUARTIER__V1__REQUEST__BODY_AUDIT_VERIFY;
	req.audit_verify = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_AUDIT_VERIFY, &in);
	if (rc != QT_OK)
		goto out;
	w = in->response->audit_verify;
	v.checked = w->checked;
	v.sealed = w->sealed;
	v.pending = w->pending;
	v.redacted = w->redacted;
	v.head_position = w->head_position;
	v.problem = w->has_problem ? (qt_audit_problem_t)w->problem : QT_AUDIT_INTACT;
	v.bad_id = w->has_bad_id ? w->bad_id : 0;
	v.bad_position = w->has_bad_position ? w->bad_position : 0;
	v.other_id = w->has_other_id ? w->other_id : 0;
	v.other_position = w->has_other_position ? w->other_position : 0;
	if (copy_str(w->head_hash != NULL ? w->head_hash : "", &v.head_hash) != QT_OK ||
	    copy_opt_str(w->message, &v.message) != QT_OK) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	*out = v;
	memset(&v, 0, sizeof(v));
out:
	qt_audit_verify_clear(&v);
	envelope_free(in);
	return rc;
}
