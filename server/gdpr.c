/* Personal data under the GDPR, for admins: the export of everything
 * stored about one person (Art. 15) and its erasure (Art. 17).  Both are
 * one call of a SQL function (migration 0014_gdpr.sql) that does the work
 * and writes the audit row in one transaction; the erasure runs as a
 * mutation, so its feed position comes back and a replay is answered from
 * the stored answer. */
#include "handlers.h"
#include "pgrow.h"
#include "validate.h"

#define GDPR_REASON_MAX 500

/* ------------------------------------------------------------ export */

static void person_export_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__PersonExport *out;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1 || pgrow_null(res, 0, 0)) {
		req_fail(r, QT_NOT_FOUND, "no such person", "id");
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__person_export__init(out);
	out->id = r->rq->person_export->id;
	out->json = pgrow_str(r, res, 0, 0);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PERSON_EXPORT;
	r->resp.person_export = out;
	req_reply(r);
}

void person_export(req_t *r)
{
	const char **p;
	validation_t v;
	qt_status_t st;

	if ((st = perm_admin(&r->actor)) != QT_OK) {
		req_fail(r, st, "only administrators export a person's data", NULL);
		return;
	}
	if (validate_id(&v, "id", r->rq->person_export->id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	p = req_alloc(r, 2 * sizeof(*p));
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, r->rq->person_export->id);
	req_query(r, "SELECT qt_person_export($1, $2)", 2, p, person_export_cb);
}

/* ------------------------------------------------------------ erase */

/* Columns of the erase statement: the person, the actor's support groups,
 * then the function's other results. */
#define ERASE_GROUPS_COL PGROW_PERSON_NCOLS
#define ERASE_WAS_COL    (PGROW_PERSON_NCOLS + 1)
#define ERASE_AT_COL     (PGROW_PERSON_NCOLS + 2)
#define ERASE_AUDIT_COL  (PGROW_PERSON_NCOLS + 3)
#define ERASE_ANSWER_COL (PGROW_PERSON_NCOLS + 4)

static void person_erase_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__PersonErased *out;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such person", "id");
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__person_erased__init(out);
	out->person = pgrow_person(r, res, 0, 0, ERASE_GROUPS_COL);
	out->id = out->person->id;
	out->already_erased = PQgetvalue(res, 0, ERASE_WAS_COL)[0] == 't';
	out->erased_at = pgrow_i64(res, 0, ERASE_AT_COL);
	out->has_audit_rows_redacted = out->has_answers_cleared = 1;
	out->audit_rows_redacted = (uint32_t)pgrow_i64(res, 0, ERASE_AUDIT_COL);
	out->answers_cleared = (uint32_t)pgrow_i64(res, 0, ERASE_ANSWER_COL);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PERSON_ERASED;
	r->resp.person_erased = out;
	req_reply(r);
}

void person_erase(req_t *r)
{
	Quartier__V1__PersonEraseRequest *in = r->rq->person_erase;
	const char **p;
	validation_t v;
	qt_status_t st;

	if ((st = perm_admin(&r->actor)) != QT_OK) {
		req_fail(r, st, "only administrators erase a person", NULL);
		return;
	}
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    validate_text(&v, "reason", in->reason, 1, GDPR_REASON_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	p = req_alloc(r, 3 * sizeof(*p));
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = in->reason;
	req_mutate(r,
	           "SELECT " PGROW_PERSON_COLS("(e.person_row)") ", qt_account_group_ids($1), "
	           "e.was_erased, e.erased_epoch, e.audit_rows, e.answers_cleared "
	           "FROM qt_person_erase($1, $2, $3) e",
	           3, p, person_erase_cb);
}
