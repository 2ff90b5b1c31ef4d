/* Reading the audit log.  Every mutation writes its audit row in the same
 * transaction as the change (see the SQL functions in the migrations);
 * this file only lists them: administrators see everything, everyone else
 * the history of projects, which all roles may read. */
#include <string.h>

#include "handlers.h"
#include "pgrow.h"
#include "validate.h"

static void audit_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AuditList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__audit_list__init(out);
	out->entries = req_alloc(r, (size_t)n * sizeof(*out->entries) + 1);
	for (int i = 0; i < n; i++) {
		Quartier__V1__AuditEntry *e = req_alloc(r, sizeof(*e));
		quartier__v1__audit_entry__init(e);
		e->id = pgrow_i64(res, i, 0);
		e->at = pgrow_i64(res, i, 1);
		if (!pgrow_null(res, i, 2)) {
			e->has_account_id = 1;
			e->account_id = pgrow_i64(res, i, 2);
		}
		e->action = pgrow_str(r, res, i, 3);
		e->entity = pgrow_str(r, res, i, 4);
		e->entity_id = pgrow_i64(res, i, 5);
		e->before_json = pgrow_str(r, res, i, 6);
		e->after_json = pgrow_str(r, res, i, 7);
		out->entries[i] = e;
	}
	out->n_entries = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_AUDIT_LIST;
	r->resp.audit_list = out;
	req_reply(r);
}

void audit_list(req_t *r)
{
	Quartier__V1__AuditListRequest *in = r->rq->audit_list;
	const char **p = req_alloc(r, 3 * sizeof(*p));
	const char *entity = in->entity != NULL && in->entity[0] != '\0' ? in->entity : NULL;
	uint32_t limit = in->has_limit && in->limit > 0 ? in->limit : 50;
	validation_t v;

	if (entity != NULL && validate_text(&v, "entity", entity, 1, 40, 0) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (perm_admin(&r->actor) != QT_OK) {
		if (entity == NULL)
			entity = "project";
		else if (strcmp(entity, "project") != 0) {
			req_fail(r, QT_PERMISSION_DENIED,
			         "only administrators read the audit log beyond projects", "entity");
			return;
		}
	}
	if (limit > 500)
		limit = 500;
	p[0] = entity;
	p[1] = in->has_entity_id && in->entity_id > 0 ? req_i64(r, in->entity_id) : NULL;
	p[2] = req_printf(r, "%u", limit);
	req_query(r,
	          "SELECT id, extract(epoch FROM at)::bigint, account_id, action, entity, entity_id, "
	          "before::text, after::text FROM audit "
	          "WHERE ($1::text IS NULL OR entity = $1) AND ($2::bigint IS NULL OR entity_id = $2) "
	          "ORDER BY id DESC LIMIT $3::int",
	          3, p, audit_cb);
}
