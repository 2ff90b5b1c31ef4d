/* Support groups (Projektbegleitgruppen): one per project, made of dated
 * memberships.  Adding and ending memberships (nothing is deleted), and
 * the members of a group on a day or its whole history.  "Active" is
 * derived from the dates at query time.  Permission is decided here on
 * the project as stored; the SQL functions check references and overlaps
 * and write the audit row in the same transaction. */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "person_memo.h"
#include "pgrow.h"
#include "validate.h"

/* The membership columns, whether it is active on date_expr, and the
 * actor's support groups (groups_expr). */
#define MEMBERSHIP_SELECT(date_expr, groups_expr)                                                  \
	"SELECT " PGROW_MEMBERSHIP_COLS("v") ", v.period @> " date_expr ", " groups_expr
#define MEMBERSHIP_ACTIVE_COL PGROW_MEMBERSHIP_NCOLS
#define MEMBERSHIP_GROUPS_COL (PGROW_MEMBERSHIP_NCOLS + 1)

typedef struct group_ctx {
	const char *params[8];
	int32_t start_days; /* membership_add: the start date, parsed */
	int32_t end_days;   /* membership_end: the new end date, parsed */
} group_ctx_t;

static void membership_row_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such membership", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_MEMBERSHIP;
	r->resp.membership =
	    pgrow_membership(r, res, 0, MEMBERSHIP_ACTIVE_COL, MEMBERSHIP_GROUPS_COL);
	req_reply(r);
}

/* The permission view of a project from two int8[] cells. */
static perm_project_t group_project_view(req_t *r, const PGresult *res, int col)
{
	perm_project_t pp;

	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, col), &pp.n_lead_office_ids);
	pp.coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, col + 1), &pp.n_coordinator_ids);
	return pp;
}

static const char *group_denied(const actor_t *a)
{
	switch (a->role) {
	case ROLE_OFFICE:
		return "you may manage only the support groups of projects your office leads";
	case ROLE_COORDINATOR:
		return "you may manage only the support groups of projects you coordinate";
	default:
		return "you may not manage support groups";
	}
}

/* A date that must be there: NULL and "" are refused too. */
static qt_status_t group_required_date(validation_t *v, const char *field, const char *s,
                                       int32_t *days)
{
	return validate_date(v, field, s != NULL ? s : "", days);
}

/* ------------------------------------------------------------ add */

static void membership_add_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	group_ctx_t *ctx = r->ctx;
	Quartier__V1__MembershipAddRequest *in = r->rq->membership_add;
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
	pp = group_project_view(r, res, 0);
	st = perm_membership_manage(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st, group_denied(&r->actor), "project_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->project_id);
	p[2] = req_i64(r, in->person_id);
	p[3] = pgrow_member_role_name(in->role);
	p[4] = in->has_on_behalf_of_id ? req_i64(r, in->on_behalf_of_id) : NULL;
	p[5] = in->has_deputy_of_id ? req_i64(r, in->deputy_of_id) : NULL;
	p[6] = in->start_date;
	p[7] = in->end_date != NULL && in->end_date[0] != '\0' ? in->end_date : NULL;
	req_mutate(
	    r,
	    MEMBERSHIP_SELECT("current_date",
	                      "qt_account_group_ids($1)") " FROM qt_membership_add($1, $2, $3, $4, "
	                                                  "$5, $6, $7::date, $8::date) v",
	    8, p, membership_row_cb);
}

void membership_add(req_t *r)
{
	Quartier__V1__MembershipAddRequest *in = r->rq->membership_add;
	group_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	int32_t end = 0;
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK ||
	    validate_id(&v, "person_id", in->person_id) != QT_OK ||
	    (in->has_on_behalf_of_id &&
	     validate_id(&v, "on_behalf_of_id", in->on_behalf_of_id) != QT_OK) ||
	    (in->has_deputy_of_id && validate_id(&v, "deputy_of_id", in->deputy_of_id) != QT_OK) ||
	    group_required_date(&v, "start_date", in->start_date, &ctx->start_days) != QT_OK ||
	    (in->end_date != NULL && in->end_date[0] != '\0' &&
	     validate_date(&v, "end_date", in->end_date, &end) != QT_OK)) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (pgrow_member_role_name(in->role) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "role must be city_staff, district_head, carrier or civic", "role");
		return;
	}
	if (in->end_date != NULL && in->end_date[0] != '\0' && end < ctx->start_days) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "end_date %s lies before start_date %s", in->end_date,
		                    in->start_date),
		         "end_date");
		return;
	}
	if (in->has_deputy_of_id && in->deputy_of_id == in->person_id) {
		req_fail(r, QT_INVALID_ARGUMENT, "a person cannot deputise for themselves",
		         "deputy_of_id");
		return;
	}
	ctx->params[0] = req_i64(r, in->project_id);
	req_query(r, "SELECT lead_office_ids, coordinator_ids FROM project_v WHERE id = $1", 1,
	          ctx->params, membership_add_loaded_cb);
}

/* ------------------------------------------------------------ end */

static void membership_end_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	group_ctx_t *ctx = r->ctx;
	Quartier__V1__MembershipEndRequest *in = r->rq->membership_end;
	perm_project_t pp;
	validation_t v;
	int32_t start = 0;
	qt_status_t st;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such membership", "id");
		return;
	}
	pp = group_project_view(r, res, 1);
	st = perm_membership_manage(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st, group_denied(&r->actor), "id");
		return;
	}
	if (validate_date(&v, "start_date", PQgetvalue(res, 0, 0), &start) == QT_OK &&
	    ctx->end_days < start) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "end_date %s lies before the start of the membership (%s)",
		                    in->end_date, PQgetvalue(res, 0, 0)),
		         "end_date");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = in->end_date;
	req_mutate(r,
	          MEMBERSHIP_SELECT(
	              "current_date",
	              "qt_account_group_ids($1)") " FROM qt_membership_end($1, $2, $3::date) v",
	          3, p, membership_row_cb);
}

void membership_end(req_t *r)
{
	Quartier__V1__MembershipEndRequest *in = r->rq->membership_end;
	group_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "id", in->id) != QT_OK ||
	    group_required_date(&v, "end_date", in->end_date, &ctx->end_days) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r,
	          "SELECT m.start_date::text, pv.lead_office_ids, pv.coordinator_ids "
	          "FROM membership m JOIN project_v pv ON pv.id = m.project_id WHERE m.id = $1",
	          1, ctx->params, membership_end_loaded_cb);
}

/* ------------------------------------------------------------ members */

/* Makes the memberships of rows of MEMBERSHIP_SELECT, in their order,
 * r's answer (not yet sent); the caller fills in what the list is of. */
static Quartier__V1__GroupMembers *group_members_rows(req_t *r, const PGresult *res)
{
	Quartier__V1__GroupMembers *out = req_alloc(r, sizeof(*out));
	int n = PQntuples(res);

	quartier__v1__group_members__init(out);
	out->memberships = req_alloc(r, (size_t)n * sizeof(*out->memberships) + 1);
	for (int i = 0; i < n; i++)
		out->memberships[i] =
		    pgrow_membership(r, res, i, MEMBERSHIP_ACTIVE_COL, MEMBERSHIP_GROUPS_COL);
	out->n_memberships = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_GROUP_MEMBERS;
	r->resp.group_members = out;
	return out;
}

static void group_members_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	group_ctx_t *ctx = r->ctx;
	Quartier__V1__GroupMembers *out;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	out = group_members_rows(r, res);
	out->project_id = r->rq->group_members->project_id;
	out->on_date = (char *)ctx->params[1];
	req_reply(r);
}

/* The project exists: now its members, on the day the database settled. */
static void group_members_project_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	group_ctx_t *ctx = r->ctx;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "project_id");
		return;
	}
	p[1] = pgrow_str(r, res, 0, 0);
	p[2] = pgrow_str(r, res, 0, 1);
	p[3] = r->rq->group_members->include_history ? "t" : "f";
	req_query(r,
	          MEMBERSHIP_SELECT(
	              "$2::date",
	              "$3::bigint[]") " FROM membership_v v WHERE v.project_id = $1 "
	                              "AND ($4::boolean OR v.period @> $2::date) "
	                              "ORDER BY array_position(ARRAY['city_staff', "
	                              "'district_head', 'carrier', "
	                              "'civic'], v.role), lower(v.person_name), v.start_date, v.id",
	          4, p, group_members_cb);
}

void group_members(req_t *r)
{
	Quartier__V1__GroupMembersRequest *in = r->rq->group_members;
	group_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	const char *on = in->on_date != NULL && in->on_date[0] != '\0' ? in->on_date : NULL;
	int32_t days;
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK ||
	    (on != NULL && validate_date(&v, "on_date", on, &days) != QT_OK)) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->params[0] = req_i64(r, in->project_id);
	ctx->params[1] = on;
	ctx->params[2] = req_i64(r, r->actor.account_id);
	req_query(r,
	          "SELECT coalesce($2::date, current_date)::text, qt_account_group_ids($3) "
	          "FROM project WHERE id = $1",
	          3, ctx->params, group_members_project_cb);
}

/* ------------------------------------------------------------ sync */

/* A page of memberships for sync: their own columns and the person's id
 * first; the persons then come from the snapshot's memo (person_memo.h)
 * or, for those it lacks (and in pulls and pushes, which have none), from
 * one query for all of them. */
#define MEMBERSHIP_ROWS_ACTIVE_COL (PGROW_MEMBERSHIP_PERSON_COL + 1)

typedef struct members_many {
	const char *params[2];
	Quartier__V1__GroupMembers *out;
} members_many_t;

static int person_ptr_id_cmp(const void *a, const void *b)
{
	const Quartier__V1__Person *x = *(Quartier__V1__Person *const *)a;
	const Quartier__V1__Person *y = *(Quartier__V1__Person *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The persons the memo lacked: each joins its memberships, and the memo.
 * A membership whose person is not among them (deleted meanwhile) is left
 * out of the list, so sync treats it as a refused get. */
static void membership_many_persons_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	members_many_t *ctx = r->ctx;
	Quartier__V1__GroupMembers *out = ctx->out;
	person_memo_t *memo = person_memo_get(r->conn, r->memo_gen);
	Quartier__V1__Person **persons;
	size_t np, kept = 0;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	np = (size_t)PQntuples(res);
	persons = req_alloc(r, np * sizeof(*persons) + 1);
	for (size_t i = 0; i < np; i++) {
		persons[i] = pgrow_person(r, res, (int)i, 0, PGROW_PERSON_NCOLS);
		if (memo != NULL)
			person_memo_put(memo, persons[i]);
	}
	qsort(persons, np, sizeof(*persons), person_ptr_id_cmp);
	for (size_t i = 0; i < out->n_memberships; i++) {
		Quartier__V1__Membership *m = out->memberships[i];

		if (m->person == NULL) {
			Quartier__V1__Person key = {.id = m->person_id}, *kp = &key, **found;

			found = bsearch(&kp, persons, np, sizeof(*persons), person_ptr_id_cmp);
			m->person = found != NULL ? *found : NULL;
		}
		if (m->person != NULL)
			out->memberships[kept++] = m;
	}
	out->n_memberships = kept;
	req_reply(r);
}

static void membership_many_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	members_many_t *ctx = r->ctx;
	person_memo_t *memo = person_memo_get(r->conn, r->memo_gen);
	Quartier__V1__GroupMembers *out;
	int64_t *missing;
	size_t n, nmissing = 0, distinct = 0;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = (size_t)PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__group_members__init(out);
	out->memberships = req_alloc(r, n * sizeof(*out->memberships) + 1);
	missing = req_alloc(r, n * sizeof(*missing) + 1);
	for (size_t i = 0; i < n; i++) {
		Quartier__V1__Membership *m =
		    pgrow_membership_head(r, res, (int)i, MEMBERSHIP_ROWS_ACTIVE_COL);

		m->person = person_memo_find(memo, r, m->person_id);
		if (m->person == NULL)
			missing[nmissing++] = m->person_id;
		out->memberships[i] = m;
	}
	out->n_memberships = n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_GROUP_MEMBERS;
	r->resp.group_members = out;
	if (nmissing == 0) {
		req_reply(r);
		return;
	}
	qsort(missing, nmissing, sizeof(*missing), id_cmp);
	for (size_t i = 0; i < nmissing; i++)
		if (distinct == 0 || missing[distinct - 1] != missing[i])
			missing[distinct++] = missing[i];
	ctx->out = out;
	ctx->params[0] = req_id_array(r, missing, distinct);
	ctx->params[1] = req_i64(r, r->actor.account_id);
	req_query(r, PGROW_SYNC_PERSONS_SQL, 2, ctx->params, membership_many_persons_cb);
}

void membership_load_many(req_t *r, const int64_t *ids, size_t n)
{
	members_many_t *ctx = req_alloc(r, sizeof(*ctx));

	r->ctx = ctx;
	ctx->params[0] = req_id_array(r, ids, n);
	req_query(r,
	          "SELECT " PGROW_MEMBERSHIP_HEAD_COLS("v") ", v.period @> current_date "
	          "FROM qt_sync_membership_rows($1::bigint[]) v",
	          1, ctx->params, membership_many_cb);
}
