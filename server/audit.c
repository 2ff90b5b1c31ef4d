/* Reading the audit log.  Every mutation writes its audit row in the same
 * transaction as the change (see the SQL functions in the migrations);
 * this file lists them -- administrators see everything, everyone else
 * the history of projects, which all roles may read -- and lets
 * administrators verify the log's hash chain (audit_seal.h, migration
 * 0011). */
#include <inttypes.h>
#include <string.h>

#include "audit_seal.h"
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

static void audit_verify_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AuditVerify *out;
	audit_verdict_t v;
	char msg[512];

	if (err != NULL) {
		log_error(&r->srv->log, "event=audit_verify status=failed error=\"%s\"", err->message);
		req_fail_db(r, err);
		return;
	}
	if (audit_verdict_from_result(res, &v) != QT_OK) {
		log_error(&r->srv->log, "event=audit_verify status=failed error=\"unexpected result\"");
		req_fail(r, QT_INTERNAL, "unexpected result of the verification", NULL);
		return;
	}
	audit_verdict_describe(&v, msg, sizeof(msg));
	if (v.problem != AUDIT_PROBLEM_NONE) {
		r->srv->metrics.audit_breaks++;
		log_error(&r->srv->log,
		          "event=audit_chain_broken via=audit_verify acct=%" PRId64 " problem=%s "
		          "finding=%s id=%" PRId64 " position=%" PRId64 " msg=\"%s\"",
		          r->actor.account_id, audit_problem_name(v.problem), v.finding, v.bad_id,
		          v.bad_pos, msg);
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__audit_verify__init(out);
	out->checked = v.checked;
	out->sealed = v.sealed;
	out->pending = v.pending;
	out->redacted = v.redacted;
	out->head_position = v.head_pos;
	out->head_hash = req_strdup(r, v.head_hash);
	if (v.problem != AUDIT_PROBLEM_NONE) {
		out->has_problem = 1;
		out->problem = (Quartier__V1__AuditProblem)v.problem;
		out->has_bad_id = v.bad_id != 0;
		out->bad_id = v.bad_id;
		out->has_bad_position = v.bad_pos != 0;
		out->bad_position = v.bad_pos;
		out->has_other_id = v.other_id != 0;
		out->other_id = v.other_id;
		out->has_other_position = v.other_pos != 0;
		out->other_position = v.other_pos;
		out->message = req_strdup(r, msg);
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_AUDIT_VERIFY;
	r->resp.audit_verify = out;
	req_reply(r);
}

void audit_verify(req_t *r)
{
	Quartier__V1__AuditVerifyRequest *in = r->rq->audit_verify;
	const char **p = req_alloc(r, 2 * sizeof(*p));
	char hash[AUDIT_HASH_HEX + 1];
	int64_t pos;
	qt_status_t st;

	if ((st = perm_admin(&r->actor)) != QT_OK) {
		req_fail(r, st, "only administrators verify the audit log", NULL);
		return;
	}
	if (in->anchor != NULL && in->anchor[0] != '\0') {
		if (audit_anchor_parse(in->anchor, &pos, hash) != QT_OK) {
			req_fail(r, QT_INVALID_ARGUMENT,
			         "the anchor must be POSITION:HASH, a position and 64 hex digits",
			         "anchor");
			return;
		}
		p[0] = req_i64(r, pos);
		p[1] = req_strdup(r, hash);
	}
	req_query(r, AUDIT_VERIFY_SQL, 2, p, audit_verify_cb);
}
