/* The quarter fund (Quartiersfonds): funds per area (a project, optionally
 * one of its quarters) and year, and their append-only ledgers in integer
 * cents.  Fields are validated and permissions decided here, on the
 * project as stored; qt_fund_entry_add() then locks the fund, re-checks
 * references and figures (no payout beyond its commitment, no negative
 * balance) and writes the entry and its audit row in one transaction. */
#include <string.h>

#include "handlers.h"
#include "pgrow.h"
#include "validate.h"

#define FUND_YEAR_MIN            1900
#define FUND_YEAR_MAX            2199
#define FUND_AMOUNT_MAX          1000000000000LL /* cents: ten billion euros */
#define FUND_APPLICANT_MAX       200
#define FUND_PURPOSE_MAX         2000
#define FUND_DECIDED_IN_MAX      200
#define FUND_NOTE_MAX            2000
#define FUND_PAGE_DEFAULT        50
#define FUND_LEDGER_PAGE_DEFAULT 100
#define FUND_PAGE_MAX            500

/* The columns of fund_v, in the order fund_row() reads them. */
#define FUND_COLS                                                                                  \
	"id, project_id, project_name, quarter_id, quarter_name, year, allocated_cents, "          \
	"committed_cents, paid_cents, balance_cents, available_cents, entry_count, created_at"

/* The columns of fund_entry_v, in the order fund_entry_row() reads them. */
#define FUND_ENTRY_COLS                                                                            \
	"id, fund_id, kind, amount_cents, commitment_id, corrects_id, applicant, purpose, "        \
	"decided_in, note, booked_on, account_id, created_at, balance_after_cents, "               \
	"effective_amount_cents, paid_cents"

/* Spellings of entry kinds in the database, by wire value. */
static const char *const fund_kinds[] = {
    [QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_ALLOCATION] = "allocation",
    [QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_COMMITMENT] = "commitment",
    [QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_PAYOUT] = "payout",
    [QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_REFUND] = "refund",
    [QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_CORRECTION] = "correction",
};

#define FUND_NKINDS (int)(sizeof(fund_kinds) / sizeof(fund_kinds[0]))

static const char *fund_kind_name(int kind)
{
	return kind > 0 && kind < FUND_NKINDS ? fund_kinds[kind] : NULL;
}

static int fund_kind_parse(const char *s)
{
	for (int i = 1; i < FUND_NKINDS; i++)
		if (strcmp(fund_kinds[i], s) == 0)
			return i;
	return 0;
}

/* ------------------------------------------------------------ rows */

static Quartier__V1__Fund *fund_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__Fund *f = req_alloc(r, sizeof(*f));

	quartier__v1__fund__init(f);
	f->id = pgrow_i64(res, row, 0);
	f->project_id = pgrow_i64(res, row, 1);
	f->project_name = pgrow_str(r, res, row, 2);
	if (!pgrow_null(res, row, 3)) {
		f->has_quarter_id = 1;
		f->quarter_id = pgrow_i64(res, row, 3);
	}
	f->quarter_name = pgrow_str(r, res, row, 4);
	f->year = (int32_t)pgrow_i64(res, row, 5);
	f->allocated_cents = pgrow_i64(res, row, 6);
	f->committed_cents = pgrow_i64(res, row, 7);
	f->paid_cents = pgrow_i64(res, row, 8);
	f->balance_cents = pgrow_i64(res, row, 9);
	f->available_cents = pgrow_i64(res, row, 10);
	f->has_entry_count = f->has_created_at = 1;
	f->entry_count = pgrow_i64(res, row, 11);
	f->created_at = pgrow_i64(res, row, 12);
	return f;
}

static Quartier__V1__FundEntry *fund_entry_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__FundEntry *e = req_alloc(r, sizeof(*e));

	quartier__v1__fund_entry__init(e);
	e->id = pgrow_i64(res, row, 0);
	e->fund_id = pgrow_i64(res, row, 1);
	e->kind = (Quartier__V1__FundEntryKind)fund_kind_parse(PQgetvalue(res, row, 2));
	e->amount_cents = pgrow_i64(res, row, 3);
	if (!pgrow_null(res, row, 4)) {
		e->has_commitment_id = 1;
		e->commitment_id = pgrow_i64(res, row, 4);
	}
	if (!pgrow_null(res, row, 5)) {
		e->has_corrects_id = 1;
		e->corrects_id = pgrow_i64(res, row, 5);
	}
	e->applicant = pgrow_str(r, res, row, 6);
	e->purpose = pgrow_str(r, res, row, 7);
	e->decided_in = pgrow_str(r, res, row, 8);
	e->note = pgrow_str(r, res, row, 9);
	e->booked_on = pgrow_str(r, res, row, 10);
	if (!pgrow_null(res, row, 11)) {
		e->has_account_id = 1;
		e->account_id = pgrow_i64(res, row, 11);
	}
	e->has_created_at = 1;
	e->created_at = pgrow_i64(res, row, 12);
	e->balance_after_cents = pgrow_i64(res, row, 13);
	if (!pgrow_null(res, row, 14)) {
		e->has_effective_amount_cents = 1;
		e->effective_amount_cents = pgrow_i64(res, row, 14);
	}
	if (!pgrow_null(res, row, 15)) {
		e->has_paid_cents = 1;
		e->paid_cents = pgrow_i64(res, row, 15);
	}
	return e;
}

static void fund_row_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such fund", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_FUND;
	r->resp.fund = fund_row(r, res, 0);
	req_reply(r);
}

/* The permission view of a project from two int8[] cells. */
static perm_project_t fund_project_view(req_t *r, const PGresult *res, int col)
{
	perm_project_t pp;

	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, col), &pp.n_lead_office_ids);
	pp.coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, col + 1), &pp.n_coordinator_ids);
	return pp;
}

/* ------------------------------------------------------------ create */

typedef struct fund_ctx {
	const char *params[11];
	uint32_t page;
	int64_t fund_id;  /* the ledger's fund; 0 for entries of many funds (sync) */
} fund_ctx_t;

static void fund_create_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	fund_ctx_t *ctx = r->ctx;
	Quartier__V1__FundCreateRequest *in = r->rq->fund_create;
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
	pp = fund_project_view(r, res, 0);
	st = perm_fund_create(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_OFFICE
		             ? "you may create funds only for projects your office leads"
		             : "only administrators and the lead offices create funds",
		         "project_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->project_id);
	p[2] = in->has_quarter_id ? req_i64(r, in->quarter_id) : NULL;
	p[3] = req_printf(r, "%d", (int)in->year);
	req_mutate(r, "SELECT " FUND_COLS " FROM qt_fund_create($1, $2, $3, $4::int)", 4, p,
	          fund_row_cb);
}

void fund_create(req_t *r)
{
	Quartier__V1__FundCreateRequest *in = r->rq->fund_create;
	fund_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK ||
	    (in->has_quarter_id && validate_id(&v, "quarter_id", in->quarter_id) != QT_OK)) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (in->year < FUND_YEAR_MIN || in->year > FUND_YEAR_MAX) {
		req_fail(
		    r, QT_INVALID_ARGUMENT,
		    req_printf(r, "year must lie between %d and %d", FUND_YEAR_MIN, FUND_YEAR_MAX),
		    "year");
		return;
	}
	ctx->params[0] = req_i64(r, in->project_id);
	req_query(r, "SELECT lead_office_ids, coordinator_ids FROM project_v WHERE id = $1", 1,
	          ctx->params, fund_create_loaded_cb);
}

/* ------------------------------------------------------------ get, list */

void fund_get(req_t *r)
{
	const char **p = req_alloc(r, sizeof(*p));

	if (r->rq->fund_get->id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "id must be a positive id", "id");
		return;
	}
	p[0] = req_i64(r, r->rq->fund_get->id);
	req_query(r, "SELECT " FUND_COLS " FROM fund_v WHERE id = $1", 1, p, fund_row_cb);
}

static void fund_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	fund_ctx_t *ctx = r->ctx;
	Quartier__V1__FundList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__fund_list__init(out);
	/* One row more than asked for says whether there is a next page. */
	if ((uint32_t)n > ctx->page) {
		n = (int)ctx->page;
		out->has_next_after_id = 1;
		out->next_after_id = pgrow_i64(res, n - 1, 0);
	}
	out->funds = req_alloc(r, (size_t)n * sizeof(*out->funds) + 1);
	for (int i = 0; i < n; i++)
		out->funds[i] = fund_row(r, res, i);
	out->n_funds = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_FUND_LIST;
	r->resp.fund_list = out;
	req_reply(r);
}

void fund_load_many(req_t *r, const int64_t *ids, size_t n)
{
	fund_ctx_t *ctx = req_alloc(r, sizeof(*ctx));

	r->ctx = ctx;
	ctx->page = (uint32_t)n; /* every row answers; none is one too many */
	ctx->params[0] = req_id_array(r, ids, n);
	req_query(r, "SELECT " FUND_COLS " FROM fund_v WHERE id = ANY ($1::bigint[])", 1, ctx->params,
	          fund_list_cb);
}

void fund_list(req_t *r)
{
	Quartier__V1__FundListRequest *in = r->rq->fund_list;
	fund_ctx_t *ctx = req_alloc(r, sizeof(*ctx));

	r->ctx = ctx;
	ctx->page = in->has_page_size && in->page_size > 0 ? in->page_size : FUND_PAGE_DEFAULT;
	if (ctx->page > FUND_PAGE_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "page_size must not exceed 500", "page_size");
		return;
	}
	if (in->has_year && in->year != 0 &&
	    (in->year < FUND_YEAR_MIN || in->year > FUND_YEAR_MAX)) {
		req_fail(
		    r, QT_INVALID_ARGUMENT,
		    req_printf(r, "year must lie between %d and %d", FUND_YEAR_MIN, FUND_YEAR_MAX),
		    "year");
		return;
	}
	ctx->params[0] =
	    in->has_project_id && in->project_id > 0 ? req_i64(r, in->project_id) : NULL;
	ctx->params[1] = in->has_year && in->year != 0 ? req_printf(r, "%d", (int)in->year) : NULL;
	ctx->params[2] = req_i64(r, in->has_after_id && in->after_id > 0 ? in->after_id : 0);
	ctx->params[3] = req_printf(r, "%u", ctx->page + 1);
	req_query(r,
	          "SELECT " FUND_COLS " FROM fund_v v WHERE v.id > $3::bigint "
	          "AND ($1::bigint IS NULL OR v.project_id = $1) "
	          "AND ($2::int IS NULL OR v.year = $2) "
	          "ORDER BY v.id LIMIT $4::int",
	          4, ctx->params, fund_list_cb);
}

/* ------------------------------------------------------------ book */

static int fund_has_text(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Checks the fields of a booking that need no database; kind is valid. */
static qt_status_t fund_entry_check(validation_t *v, const Quartier__V1__FundEntryAddRequest *in,
                                    int kind)
{
	int correction = kind == QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_CORRECTION;
	int on_commitment = kind == QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_PAYOUT ||
	                    kind == QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_REFUND;
	int commitment = kind == QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_COMMITMENT;
	int32_t days;

	v->field = "amount_cents";
	if (correction && (in->amount_cents == 0 || in->amount_cents > FUND_AMOUNT_MAX ||
	                   in->amount_cents < -FUND_AMOUNT_MAX)) {
		snprintf(
		    v->message, sizeof(v->message),
		    "a correction's amount_cents must be a non-zero delta between -%lld and %lld",
		    FUND_AMOUNT_MAX, FUND_AMOUNT_MAX);
		return QT_INVALID_ARGUMENT;
	}
	if (!correction && (in->amount_cents <= 0 || in->amount_cents > FUND_AMOUNT_MAX)) {
		snprintf(v->message, sizeof(v->message),
		         "amount_cents must lie between 1 and %lld (the kind gives the direction)",
		         FUND_AMOUNT_MAX);
		return QT_INVALID_ARGUMENT;
	}
	v->field = "commitment_id";
	if (on_commitment && !in->has_commitment_id) {
		snprintf(v->message, sizeof(v->message),
		         "payouts and refunds need a commitment_id");
		return QT_INVALID_ARGUMENT;
	}
	if (!on_commitment && in->has_commitment_id) {
		snprintf(v->message, sizeof(v->message),
		         "only payouts and refunds reference a commitment");
		return QT_INVALID_ARGUMENT;
	}
	if (on_commitment && validate_id(v, "commitment_id", in->commitment_id) != QT_OK)
		return QT_INVALID_ARGUMENT;
	v->field = "corrects_id";
	if (correction && !in->has_corrects_id) {
		snprintf(v->message, sizeof(v->message), "a correction needs corrects_id");
		return QT_INVALID_ARGUMENT;
	}
	if (!correction && in->has_corrects_id) {
		snprintf(v->message, sizeof(v->message),
		         "only corrections reference a corrected entry");
		return QT_INVALID_ARGUMENT;
	}
	if (correction && validate_id(v, "corrects_id", in->corrects_id) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (commitment) {
		if (validate_text(v, "applicant", in->applicant, 1, FUND_APPLICANT_MAX, 0) !=
		        QT_OK ||
		    validate_text(v, "purpose", in->purpose, 1, FUND_PURPOSE_MAX, 1) != QT_OK)
			return QT_INVALID_ARGUMENT;
	} else if (fund_has_text(in->applicant) || fund_has_text(in->purpose)) {
		v->field = fund_has_text(in->applicant) ? "applicant" : "purpose";
		snprintf(v->message, sizeof(v->message),
		         "only commitments have an applicant and a purpose");
		return QT_INVALID_ARGUMENT;
	}
	if (validate_text(v, "decided_in", in->decided_in, 0, FUND_DECIDED_IN_MAX, 0) != QT_OK ||
	    validate_text(v, "note", in->note, correction ? 1 : 0, FUND_NOTE_MAX, 1) != QT_OK) {
		if (correction && strcmp(v->field, "note") == 0 && !fund_has_text(in->note))
			snprintf(v->message, sizeof(v->message),
			         "a correction needs a note saying why");
		return QT_INVALID_ARGUMENT;
	}
	if (fund_has_text(in->booked_on) &&
	    validate_date(v, "booked_on", in->booked_on, &days) != QT_OK)
		return QT_INVALID_ARGUMENT;
	return QT_OK;
}

static const char *fund_book_denied(const actor_t *a, int allocation)
{
	switch (a->role) {
	case ROLE_OFFICE:
		return "you may book only in funds of projects your office leads";
	case ROLE_COORDINATOR:
		return allocation
		           ? "coordinators book commitments, payouts and refunds; allocations "
		             "(and their corrections) are booked by the lead office"
		           : "you may book only in funds of projects you coordinate";
	default:
		return "you may not book fund entries";
	}
}

static void fund_entry_row_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INTERNAL, "the booking returned no entry", NULL);
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_FUND_ENTRY;
	r->resp.fund_entry = fund_entry_row(r, res, 0);
	req_reply(r);
}

/* The fund's project and, for a correction, the kind of the corrected
 * entry are loaded: decide, then book. */
static void fund_entry_add_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	fund_ctx_t *ctx = r->ctx;
	Quartier__V1__FundEntryAddRequest *in = r->rq->fund_entry_add;
	int correction = in->kind == QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_CORRECTION;
	int allocation = in->kind == QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_ALLOCATION;
	perm_project_t pp;
	qt_status_t st;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown fund %lld", (long long)in->fund_id), "fund_id");
		return;
	}
	if (correction) {
		if (pgrow_null(res, 0, 2)) {
			req_fail(r, QT_INVALID_ARGUMENT,
			         req_printf(r, "entry %lld is not an entry of fund %lld",
			                    (long long)in->corrects_id, (long long)in->fund_id),
			         "corrects_id");
			return;
		}
		allocation = strcmp(PQgetvalue(res, 0, 2), "allocation") == 0;
	}
	pp = fund_project_view(r, res, 0);
	st = perm_fund_book(&r->actor, &pp, allocation);
	if (st != QT_OK) {
		req_fail(r, st, fund_book_denied(&r->actor, allocation),
		         allocation && r->actor.role == ROLE_COORDINATOR ? "kind" : "fund_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->fund_id);
	p[2] = fund_kind_name(in->kind);
	p[3] = req_i64(r, in->amount_cents);
	p[4] = in->has_commitment_id ? req_i64(r, in->commitment_id) : NULL;
	p[5] = in->has_corrects_id ? req_i64(r, in->corrects_id) : NULL;
	p[6] = fund_has_text(in->applicant) ? in->applicant : NULL;
	p[7] = fund_has_text(in->purpose) ? in->purpose : NULL;
	p[8] = fund_has_text(in->decided_in) ? in->decided_in : NULL;
	p[9] = fund_has_text(in->note) ? in->note : NULL;
	p[10] = fund_has_text(in->booked_on) ? in->booked_on : NULL;
	req_mutate(r,
	          "SELECT " FUND_ENTRY_COLS
	          " FROM qt_fund_entry_add($1, $2, $3, $4, $5, $6, $7, $8, "
	          "$9, $10, $11::date)",
	          11, p, fund_entry_row_cb);
}

void fund_entry_add(req_t *r)
{
	Quartier__V1__FundEntryAddRequest *in = r->rq->fund_entry_add;
	fund_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "fund_id", in->fund_id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (fund_kind_name(in->kind) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "kind must be allocation, commitment, payout, refund or correction",
		         "kind");
		return;
	}
	if (fund_entry_check(&v, in, in->kind) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->params[0] = req_i64(r, in->fund_id);
	ctx->params[1] = in->has_corrects_id ? req_i64(r, in->corrects_id) : NULL;
	req_query(r,
	          "SELECT pv.lead_office_ids, pv.coordinator_ids, "
	          "(SELECT e.kind FROM fund_entry e WHERE e.id = $2::bigint AND e.fund_id = f.id) "
	          "FROM fund f JOIN project_v pv ON pv.id = f.project_id WHERE f.id = $1",
	          2, ctx->params, fund_entry_add_loaded_cb);
}

/* ------------------------------------------------------------ ledger */

static void fund_ledger_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	fund_ctx_t *ctx = r->ctx;
	Quartier__V1__FundLedger *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__fund_ledger__init(out);
	out->fund_id = ctx->fund_id;
	if ((uint32_t)n > ctx->page) {
		n = (int)ctx->page;
		out->has_next_after_id = 1;
		out->next_after_id = pgrow_i64(res, n - 1, 0);
	}
	out->entries = req_alloc(r, (size_t)n * sizeof(*out->entries) + 1);
	for (int i = 0; i < n; i++)
		out->entries[i] = fund_entry_row(r, res, i);
	out->n_entries = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_FUND_LEDGER;
	r->resp.fund_ledger = out;
	req_reply(r);
}

/* The fund exists: now a page of its entries. */
static void fund_ledger_fund_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	fund_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such fund", "fund_id");
		return;
	}
	req_query(r,
	          "SELECT " FUND_ENTRY_COLS " FROM fund_entry_v WHERE fund_id = $1 "
	          "AND id > $2::bigint ORDER BY id LIMIT $3::int",
	          3, ctx->params, fund_ledger_cb);
}

void fund_ledger(req_t *r)
{
	Quartier__V1__FundLedgerRequest *in = r->rq->fund_ledger;
	fund_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "fund_id", in->fund_id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	ctx->page =
	    in->has_page_size && in->page_size > 0 ? in->page_size : FUND_LEDGER_PAGE_DEFAULT;
	if (ctx->page > FUND_PAGE_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "page_size must not exceed 500", "page_size");
		return;
	}
	ctx->fund_id = in->fund_id;
	ctx->params[0] = req_i64(r, in->fund_id);
	ctx->params[1] = req_i64(r, in->has_after_id && in->after_id > 0 ? in->after_id : 0);
	ctx->params[2] = req_printf(r, "%u", ctx->page + 1);
	req_query(r, "SELECT 1 FROM fund WHERE id = $1", 1, ctx->params, fund_ledger_fund_cb);
}

/* ------------------------------------------------------------ sync */

void fund_entry_load_many(req_t *r, const int64_t *ids, size_t n)
{
	fund_ctx_t *ctx = req_alloc(r, sizeof(*ctx));

	r->ctx = ctx;
	ctx->page = (uint32_t)n; /* every row answers; none is one too many */
	ctx->params[0] = req_id_array(r, ids, n);
	req_query(r, "SELECT " FUND_ENTRY_COLS " FROM fund_entry_v WHERE id = ANY ($1::bigint[])", 1,
	          ctx->params, fund_ledger_cb);
}
