/* Persons (with or without an account): create, get, list, update with
 * optimistic concurrency.  Contact data is personal data; every person
 * leaves the server through pgrow_person(), which applies the rule of
 * perm_person_contact() for the request's actor.  Changes run as one call
 * of a SQL function that writes the person and its audit row together. */
#include <string.h>

#include "handlers.h"
#include "person_memo.h"
#include "pgrow.h"
#include "validate.h"

#define PERSON_NAME_MAX     200
#define PERSON_FUNCTION_MAX 200
#define PERSON_PAGE_DEFAULT 50
#define PERSON_PAGE_MAX     500

/* The person columns followed by the actor's support groups. */
#define PERSON_SELECT(actor) "SELECT " PGROW_PERSON_COLS("v") ", qt_account_group_ids(" actor ")"

static void person_row_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such person", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PERSON;
	r->resp.person = pgrow_person(r, res, 0, 0, PGROW_PERSON_NCOLS);
	req_reply(r);
}

/* Checks the fields create and update share; absent (NULL or has_* 0)
 * fields pass.  On update, 0 clears a link and "" a text. */
static qt_status_t person_check(validation_t *v, const char *function, int has_office,
                                int64_t office, int has_org, int64_t org, const char *email,
                                const char *phone, int has_account, int64_t account, int update)
{
	if (function != NULL &&
	    validate_text(v, "function", function, 0, PERSON_FUNCTION_MAX, 0) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (has_office && !(update && office == 0) && validate_id(v, "office_id", office) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (has_org && !(update && org == 0) && validate_id(v, "organisation_id", org) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (has_office && office > 0 && has_org && org > 0) {
		v->field = "organisation_id";
		snprintf(v->message, sizeof(v->message),
		         "a person belongs to an office or to an organisation, not both");
		return QT_INVALID_ARGUMENT;
	}
	if (email != NULL && email[0] != '\0' && validate_email(v, "email", email) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (phone != NULL && phone[0] != '\0' && validate_phone(v, "phone", phone) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (has_account && !(update && account == 0) &&
	    validate_id(v, "account_id", account) != QT_OK)
		return QT_INVALID_ARGUMENT;
	return QT_OK;
}

static const char *person_denied(const actor_t *a)
{
	switch (a->role) {
	case ROLE_OFFICE:
		return "only administrators link persons to accounts";
	case ROLE_COORDINATOR:
		return "coordinators may only add private (civic) persons, without office or "
		       "account, for the support groups of their projects";
	default:
		return "you may not create or change persons";
	}
}

/* ------------------------------------------------------------ create */

typedef struct create_ctx {
	const char *params[8];
} create_ctx_t;

static void person_create_run(req_t *r)
{
	create_ctx_t *ctx = r->ctx;

	req_mutate(r, PERSON_SELECT("$1") " FROM qt_person_create($1, $2, $3, $4, $5, $6, $7, $8) v",
	          8, ctx->params, person_row_cb);
}

static void person_create_decide(req_t *r, int coordinates_any)
{
	Quartier__V1__PersonCreateRequest *in = r->rq->person_create;
	perm_person_change_t ch = {0};
	qt_status_t st;

	ch.create = 1;
	ch.sets_account = in->has_account_id;
	ch.has_office = in->has_office_id;
	ch.coordinates_any = coordinates_any;
	st = perm_person_write(&r->actor, &ch);
	if (st != QT_OK) {
		req_fail(r, st, person_denied(&r->actor),
		         in->has_account_id  ? "account_id"
		         : in->has_office_id ? "office_id"
		                             : NULL);
		return;
	}
	person_create_run(r);
}

static void person_create_coordinates_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	person_create_decide(r, PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't');
}

void person_create(req_t *r)
{
	Quartier__V1__PersonCreateRequest *in = r->rq->person_create;
	create_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	const char **p = ctx->params;
	validation_t v;

	r->ctx = ctx;
	if (validate_text(&v, "name", in->name, 1, PERSON_NAME_MAX, 0) != QT_OK ||
	    person_check(&v, in->function, in->has_office_id, in->office_id,
	                 in->has_organisation_id, in->organisation_id, in->email, in->phone,
	                 in->has_account_id, in->account_id, 0) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = in->name;
	p[2] = in->function != NULL && in->function[0] != '\0' ? in->function : NULL;
	p[3] = in->has_office_id ? req_i64(r, in->office_id) : NULL;
	p[4] = in->has_organisation_id ? req_i64(r, in->organisation_id) : NULL;
	p[5] = in->email != NULL && in->email[0] != '\0' ? in->email : NULL;
	p[6] = in->phone != NULL && in->phone[0] != '\0' ? in->phone : NULL;
	p[7] = in->has_account_id ? req_i64(r, in->account_id) : NULL;
	if (r->actor.role != ROLE_COORDINATOR) {
		person_create_decide(r, 0);
		return;
	}
	/* Whether the coordination has a support group to add people to. */
	req_query(r, "SELECT EXISTS (SELECT 1 FROM project_coordinator WHERE account_id = $1)", 1,
	          p, person_create_coordinates_cb);
}

/* ------------------------------------------------------------ get */

void person_get(req_t *r)
{
	const char **p = req_alloc(r, 2 * sizeof(*p));

	if (r->rq->person_get->id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "id must be a positive id", "id");
		return;
	}
	p[0] = req_i64(r, r->rq->person_get->id);
	p[1] = req_i64(r, r->actor.account_id);
	req_query(r, PERSON_SELECT("$2") " FROM person_v v WHERE v.id = $1", 2, p, person_row_cb);
}

/* ------------------------------------------------------------ list */

typedef struct list_ctx {
	const char *params[6];
	uint32_t page;
} list_ctx_t;

static void person_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	list_ctx_t *ctx = r->ctx;
	person_memo_t *memo = person_memo_get(r->conn, r->memo_gen);
	Quartier__V1__PersonList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__person_list__init(out);
	/* One row more than asked for says whether there is a next page. */
	if ((uint32_t)n > ctx->page) {
		n = (int)ctx->page;
		out->has_next_after_id = 1;
		out->next_after_id = pgrow_i64(res, n - 1, 0);
	}
	out->persons = req_alloc(r, (size_t)n * sizeof(*out->persons) + 1);
	for (int i = 0; i < n; i++) {
		out->persons[i] = pgrow_person(r, res, i, 0, PGROW_PERSON_NCOLS);
		if (memo != NULL) /* a snapshot's page: its memberships follow */
			person_memo_put(memo, out->persons[i]);
	}
	out->n_persons = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_PERSON_LIST;
	r->resp.person_list = out;
	req_reply(r);
}

void person_list(req_t *r)
{
	Quartier__V1__PersonListRequest *in = r->rq->person_list;
	list_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	const char *name = in->name != NULL && in->name[0] != '\0' ? in->name : NULL;
	validation_t v;

	r->ctx = ctx;
	ctx->page = in->has_page_size && in->page_size > 0 ? in->page_size : PERSON_PAGE_DEFAULT;
	if (ctx->page > PERSON_PAGE_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "page_size must not exceed 500", "page_size");
		return;
	}
	if (name != NULL && validate_text(&v, "name", name, 1, PERSON_NAME_MAX, 0) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->params[0] = req_i64(r, r->actor.account_id);
	ctx->params[1] = name;
	ctx->params[2] = in->has_office_id && in->office_id > 0 ? req_i64(r, in->office_id) : NULL;
	ctx->params[3] = in->has_organisation_id && in->organisation_id > 0
	                     ? req_i64(r, in->organisation_id)
	                     : NULL;
	ctx->params[4] = req_i64(r, in->has_after_id && in->after_id > 0 ? in->after_id : 0);
	ctx->params[5] = req_printf(r, "%u", ctx->page + 1);
	req_query(
	    r,
	    PERSON_SELECT("$1") " FROM person_v v WHERE v.id > $5::bigint "
	                        "AND ($2::text IS NULL OR strpos(lower(v.name), lower($2)) > 0) "
	                        "AND ($3::bigint IS NULL OR v.office_id = $3) "
	                        "AND ($4::bigint IS NULL OR v.organisation_id = $4) "
	                        "ORDER BY v.id LIMIT $6::int",
	    6, ctx->params, person_list_cb);
}

/* ------------------------------------------------------------ sync */

void person_load_many(req_t *r, const int64_t *ids, size_t n)
{
	list_ctx_t *ctx = req_alloc(r, sizeof(*ctx));

	r->ctx = ctx;
	ctx->page = (uint32_t)n; /* every row answers; none is one too many */
	ctx->params[0] = req_id_array(r, ids, n);
	ctx->params[1] = req_i64(r, r->actor.account_id);
	req_query(r, PGROW_SYNC_PERSONS_SQL, 2, ctx->params, person_list_cb);
}

/* ------------------------------------------------------------ update */

typedef struct update_ctx {
	const char *params[10];
} update_ctx_t;

static void person_update_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	update_ctx_t *ctx = r->ctx;
	Quartier__V1__PersonUpdateRequest *in = r->rq->person_update;
	perm_person_change_t ch = {0};
	int64_t version;
	int office_after, org_after;
	qt_status_t st;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such person", "id");
		return;
	}
	version = pgrow_i64(res, 0, 0);
	office_after = in->has_office_id ? in->office_id > 0 : !pgrow_null(res, 0, 1);
	org_after = in->has_organisation_id ? in->organisation_id > 0 : !pgrow_null(res, 0, 2);
	ch.sets_account = in->has_account_id;
	ch.has_office = office_after;
	st = perm_person_write(&r->actor, &ch);
	if (st != QT_OK) {
		req_fail(r, st, person_denied(&r->actor), in->has_account_id ? "account_id" : NULL);
		return;
	}
	if (version != in->expected_version) {
		req_fail(r, QT_CONFLICT,
		         req_printf(r,
		                    "the person was changed meanwhile (now version %lld); reload "
		                    "and try again",
		                    (long long)version),
		         "expected_version");
		return;
	}
	if (office_after && org_after) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "a person belongs to an office or to an organisation, not both",
		         in->has_organisation_id ? "organisation_id" : "office_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = in->name;
	p[4] = in->function;
	p[5] = in->has_office_id ? req_i64(r, in->office_id) : NULL;
	p[6] = in->has_organisation_id ? req_i64(r, in->organisation_id) : NULL;
	p[7] = in->email;
	p[8] = in->phone;
	p[9] = in->has_account_id ? req_i64(r, in->account_id) : NULL;
	req_mutate(r,
	          PERSON_SELECT("$1") " FROM qt_person_update($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	                              "$10) v",
	          10, p, person_row_cb);
}

void person_update(req_t *r)
{
	Quartier__V1__PersonUpdateRequest *in = r->rq->person_update;
	update_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    (in->name != NULL &&
	     validate_text(&v, "name", in->name, 1, PERSON_NAME_MAX, 0) != QT_OK) ||
	    person_check(&v, in->function, in->has_office_id, in->office_id,
	                 in->has_organisation_id, in->organisation_id, in->email, in->phone,
	                 in->has_account_id, in->account_id, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, "SELECT version, office_id, organisation_id FROM person WHERE id = $1", 1,
	          ctx->params, person_update_loaded_cb);
}
