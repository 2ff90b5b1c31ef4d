/* Integration tests of the quarter fund (Quartiersfonds) through
 * libquartier against a real quartierd and PostgreSQL: the ledger and its
 * figures, payouts beyond their commitment and negative balances refused,
 * corrections and what they may reference, the append-only rule in SQL,
 * permissions (a refused request changes nothing, not even the audit
 * table), input validation naming the field, and 1,000 random valid and
 * invalid bookings checked against a model and against SQL. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(fund, .fini = harness_fini, .timeout = 240);

/* ------------------------------------------------------------ helpers */

static const char *err_field(qt_client_t *c)
{
	const char *f = qt_client_last_error(c)->field;

	return f != NULL ? f : "(none)";
}

static const char *err_msg(qt_client_t *c)
{
	const char *m = qt_client_last_error(c)->message;

	return m != NULL ? m : "(none)";
}

static int64_t count_rows(const char *table)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return harness_sql_int(&H, sql, 0, NULL, NULL, NULL);
}

/* Counts of the tables a refused request must leave alone. */
typedef struct snapshot {
	int64_t audit, fund, entry;
} snapshot_t;

static snapshot_t snap(void)
{
	snapshot_t s = {count_rows("audit"), count_rows("fund"), count_rows("fund_entry")};

	return s;
}

static void expect_unchanged(const snapshot_t *before, const char *what)
{
	snapshot_t now = snap();

	cr_expect_eq(now.audit, before->audit, "%s: audit rows %lld -> %lld", what,
	             (long long)before->audit, (long long)now.audit);
	cr_expect_eq(now.fund, before->fund, "%s: funds changed", what);
	cr_expect_eq(now.entry, before->entry, "%s: ledger entries changed", what);
}

/* A project in Heslach led by office with coordinator (0: none). */
static int64_t project(qt_client_t *c, const char *name, int64_t office, int64_t coordinator)
{
	int64_t quarters[1] = {H.seed.quarter_heslach};
	int64_t offices[1] = {office};
	int64_t coords[1] = {coordinator};
	qt_project_new_t in;
	qt_project_t p;
	qt_status_t st;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.kind = QT_KIND_COMPREHENSIVE;
	in.quarter_ids = quarters;
	in.n_quarter_ids = 1;
	in.lead_office_ids = offices;
	in.n_lead_office_ids = 1;
	in.coordinator_ids = coords;
	in.n_coordinator_ids = coordinator != 0 ? 1 : 0;
	memset(&p, 0, sizeof(p));
	st = qt_project_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "project %s: %s: %s", name, qt_status_name(st),
	             qt_client_last_error(c)->message);
	id = p.id;
	qt_project_clear(&p);
	return id;
}

static int64_t fund_ok(qt_client_t *c, int64_t proj, int64_t quarter, int32_t year)
{
	qt_fund_t f;
	qt_status_t st;
	int64_t id;

	memset(&f, 0, sizeof(f));
	st = qt_fund_create(c, proj, quarter, year, &f);
	cr_assert_eq(st, QT_OK, "fund %lld/%lld/%d: %s: %s (field %s)", (long long)proj,
	             (long long)quarter, (int)year, qt_status_name(st), err_msg(c), err_field(c));
	cr_assert_eq(f.project_id, proj);
	cr_assert_eq(f.quarter_id, quarter);
	cr_assert_eq(f.year, year);
	cr_assert_eq(f.balance_cents, 0);
	cr_assert_eq(f.entry_count, 0);
	id = f.id;
	qt_fund_clear(&f);
	return id;
}

/* One booking; *out (if not NULL) receives the entry on success. */
static qt_status_t book(qt_client_t *c, int64_t fund, qt_fund_entry_kind_t kind, int64_t amount,
                        int64_t ref, qt_fund_entry_t *out)
{
	qt_fund_entry_new_t in;
	qt_fund_entry_t e;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	in.fund_id = fund;
	in.kind = kind;
	in.amount_cents = amount;
	if (kind == QT_FUND_PAYOUT || kind == QT_FUND_REFUND)
		in.commitment_id = ref;
	if (kind == QT_FUND_CORRECTION) {
		in.corrects_id = ref;
		in.note = "Tippfehler";
	}
	if (kind == QT_FUND_COMMITMENT) {
		in.applicant = "Seniorennetzwerk Heslach";
		in.purpose = "Material f\u00fcr den Mittagstisch";
	}
	memset(&e, 0, sizeof(e));
	st = qt_fund_entry_add(c, &in, &e);
	if (st == QT_OK) {
		cr_assert_eq(e.fund_id, fund);
		cr_assert_eq(e.kind, kind);
		cr_assert_eq(e.amount_cents, amount);
		if (out != NULL)
			*out = e;
		else
			qt_fund_entry_clear(&e);
	}
	return st;
}

static int64_t book_ok(qt_client_t *c, int64_t fund, qt_fund_entry_kind_t kind, int64_t amount,
                       int64_t ref)
{
	qt_fund_entry_t e;
	qt_status_t st = book(c, fund, kind, amount, ref, &e);
	int64_t id;

	cr_assert_eq(st, QT_OK, "book %s %lld (ref %lld): %s: %s (field %s)",
	             qt_fund_entry_kind_name(kind), (long long)amount, (long long)ref,
	             qt_status_name(st), err_msg(c), err_field(c));
	id = e.id;
	qt_fund_entry_clear(&e);
	return id;
}

/* Expects a booking to be refused with want, naming field. */
static void book_refused(qt_client_t *c, int64_t fund, qt_fund_entry_kind_t kind, int64_t amount,
                         int64_t ref, qt_status_t want, const char *field, const char *what)
{
	qt_status_t st = book(c, fund, kind, amount, ref, NULL);

	cr_expect_eq(st, want, "%s: got %s (%s), expected %s", what, qt_status_name(st), err_msg(c),
	             qt_status_name(want));
	cr_expect(harness_field_is(qt_client_last_error(c)->field, field),
	          "%s: field %s, expected %s", what, err_field(c), field);
	cr_expect(strlen(err_msg(c)) > 10, "%s: a reason is given", what);
}

static qt_fund_t get_fund(qt_client_t *c, int64_t id)
{
	qt_fund_t f;
	qt_status_t st;

	memset(&f, 0, sizeof(f));
	st = qt_fund_get(c, id, &f);
	cr_assert_eq(st, QT_OK, "fund get %lld: %s: %s", (long long)id, qt_status_name(st),
	             err_msg(c));
	return f;
}

static void expect_figures(qt_client_t *c, int64_t fund, int64_t allocated, int64_t committed,
                           int64_t paid, const char *what)
{
	qt_fund_t f = get_fund(c, fund);

	cr_expect_eq(f.allocated_cents, allocated, "%s: allocated %lld, expected %lld", what,
	             (long long)f.allocated_cents, (long long)allocated);
	cr_expect_eq(f.committed_cents, committed, "%s: committed %lld, expected %lld", what,
	             (long long)f.committed_cents, (long long)committed);
	cr_expect_eq(f.paid_cents, paid, "%s: paid %lld, expected %lld", what,
	             (long long)f.paid_cents, (long long)paid);
	cr_expect_eq(f.balance_cents, allocated - paid, "%s: balance", what);
	cr_expect_eq(f.available_cents, allocated - committed, "%s: available", what);
	qt_fund_clear(&f);
}

/* The whole ledger of a fund (all pages of page_size). */
static qt_fund_entry_t *ledger_all(qt_client_t *c, int64_t fund, uint32_t page_size, size_t *n)
{
	qt_fund_entry_t *all = NULL, *page = NULL;
	size_t n_all = 0, n_page = 0;
	int64_t after = 0, next = 0;
	qt_status_t st;

	for (;;) {
		st = qt_fund_ledger(c, fund, page_size, after, &page, &n_page, &next);
		cr_assert_eq(st, QT_OK, "ledger %lld: %s: %s", (long long)fund, qt_status_name(st),
		             err_msg(c));
		cr_assert_leq(n_page, page_size != 0 ? page_size : 100);
		if (n_page > 0) {
			all = realloc(all, (n_all + n_page) * sizeof(*all));
			cr_assert_not_null(all);
			memcpy(all + n_all, page, n_page * sizeof(*page));
			n_all += n_page;
		}
		free(page);
		page = NULL;
		if (next == 0)
			break;
		cr_assert_gt(next, after, "paging advances");
		after = next;
	}
	*n = n_all;
	return all;
}

/* The fund's balance as SQL computes it from the raw ledger rows: the
 * signed sum of the entries (a correction counts as the kind it corrects;
 * commitments do not move the balance). */
#define SQL_BALANCE                                                                                \
	"SELECT coalesce(sum(CASE coalesce(o.kind, e.kind) WHEN 'allocation' THEN e.amount_cents " \
	"WHEN 'refund' THEN e.amount_cents WHEN 'payout' THEN -e.amount_cents ELSE 0 END), 0) "    \
	"FROM fund_entry e LEFT JOIN fund_entry o ON o.id = e.corrects_id WHERE e.fund_id = $1"

static int64_t sql_balance(int64_t fund)
{
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)fund);
	return harness_sql_int(&H, SQL_BALANCE, 1, id, NULL, NULL);
}

/* ------------------------------------------------------------ basics */

Test(fund, ledger_basics)
{
	qt_client_t *c;
	int64_t proj, f, fq, alloc, a, b, pay, ref, corr;
	qt_fund_entry_t *ledger, e;
	qt_fund_t *funds = NULL;
	qt_fund_filter_t filter;
	size_t n = 0;
	int64_t next = 0;
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "KUGEL", H.seed.office_social, 0);
	f = fund_ok(c, proj, 0, 2026);
	fq = fund_ok(c, proj, H.seed.quarter_heslach, 2026);
	cr_assert_neq(f, fq, "the whole project and one of its quarters are different areas");

	/* One fund per area and year; the quarter must be the project's. */
	{
		qt_fund_t x;
		snapshot_t before = snap();

		st = qt_fund_create(c, proj, 0, 2026, &x);
		cr_expect_eq(st, QT_CONFLICT, "second fund: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "year"), "field %s",
		          err_field(c));
		st = qt_fund_create(c, proj, H.seed.quarter_rot, 2026, &x);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "foreign quarter: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "quarter_id"),
		          "field %s", err_field(c));
		expect_unchanged(&before, "refused fund create");
	}

	alloc = book_ok(c, f, QT_FUND_ALLOCATION, 1500000, 0);
	a = book_ok(c, f, QT_FUND_COMMITMENT, 120000, 0);
	b = book_ok(c, f, QT_FUND_COMMITMENT, 80000, 0);
	pay = book_ok(c, f, QT_FUND_PAYOUT, 120000, a);
	ref = book_ok(c, f, QT_FUND_REFUND, 15000, a);
	memset(&e, 0, sizeof(e));
	st = book(c, f, QT_FUND_CORRECTION, -8000, b, &e);
	cr_assert_eq(st, QT_OK, "correction: %s: %s", qt_status_name(st), err_msg(c));
	corr = e.id;
	cr_expect_eq(e.corrects_id, b);
	cr_expect_str_eq(e.note, "Tippfehler");
	cr_expect_not(e.has_effective_amount, "corrections have no effective amount");
	cr_expect_eq(e.balance_after_cents, 1395000);
	qt_fund_entry_clear(&e);
	cr_expect(alloc < a && a < b && b < pay && pay < ref && ref < corr, "ids ascend");

	expect_figures(c, f, 1500000, 192000, 105000, "after six entries");
	expect_figures(c, fq, 0, 0, 0, "the quarter's fund is separate");
	cr_expect_eq(sql_balance(f), 1395000);

	/* The ledger in booking order, with balances and grant figures. */
	ledger = ledger_all(c, f, 2, &n);
	cr_assert_eq(n, 6);
	{
		const int64_t ids[6] = {alloc, a, b, pay, ref, corr};
		const qt_fund_entry_kind_t kinds[6] = {QT_FUND_ALLOCATION, QT_FUND_COMMITMENT,
		                                       QT_FUND_COMMITMENT, QT_FUND_PAYOUT,
		                                       QT_FUND_REFUND,     QT_FUND_CORRECTION};
		const int64_t balances[6] = {1500000, 1500000, 1500000, 1380000, 1395000, 1395000};

		for (size_t i = 0; i < 6; i++) {
			cr_expect_eq(ledger[i].id, ids[i], "entry %zu", i);
			cr_expect_eq(ledger[i].kind, kinds[i], "entry %zu kind", i);
			cr_expect_eq(ledger[i].balance_after_cents, balances[i],
			             "entry %zu balance", i);
			cr_expect_not_null(ledger[i].booked_on);
			cr_expect_eq(ledger[i].account_id, H.admin_id, "entry %zu booked by admin",
			             i);
		}
	}
	cr_expect_eq(ledger[1].paid_cents, 105000, "paid on commitment A");
	cr_expect(ledger[1].has_paid);
	cr_expect_eq(ledger[1].effective_amount_cents, 120000);
	cr_expect_str_eq(ledger[1].applicant, "Seniorennetzwerk Heslach");
	cr_expect_eq(ledger[2].effective_amount_cents, 72000, "commitment B after its correction");
	cr_expect_eq(ledger[2].paid_cents, 0);
	cr_expect_eq(ledger[3].commitment_id, a);
	cr_expect_not(ledger[3].has_paid, "only commitments carry paid");
	cr_expect_null(ledger[3].applicant);
	qt_fund_ledger_free(ledger, n);

	/* Lists filter by project and year. */
	memset(&filter, 0, sizeof(filter));
	filter.project_id = proj;
	filter.year = 2026;
	filter.page_size = 1;
	st = qt_fund_list(c, &filter, &funds, &n, &next);
	cr_assert_eq(st, QT_OK, "list: %s", err_msg(c));
	cr_expect_eq(n, 1);
	cr_expect_eq(funds[0].id, f);
	cr_expect_eq(funds[0].balance_cents, 1395000);
	cr_expect_eq(next, f, "a second page");
	qt_fund_list_free(funds, n);
	filter.year = 2025;
	filter.page_size = 0;
	st = qt_fund_list(c, &filter, &funds, &n, &next);
	cr_assert_eq(st, QT_OK);
	cr_expect_eq(n, 0);
	cr_expect_eq(next, 0);
	qt_fund_list_free(funds, n);

	/* Unknown funds are not found. */
	{
		qt_fund_t x;
		qt_fund_entry_t *l = NULL;

		st = qt_fund_get(c, 999999, &x);
		cr_expect_eq(st, QT_NOT_FOUND, "get unknown: %s", qt_status_name(st));
		st = qt_fund_ledger(c, 999999, 0, 0, &l, &n, &next);
		cr_expect_eq(st, QT_NOT_FOUND, "ledger unknown: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "fund_id"));
	}

	/* One audit row per change, about the fund. */
	{
		char id[24];

		snprintf(id, sizeof(id), "%lld", (long long)f);
		cr_expect_eq(harness_sql_int(&H,
		                             "SELECT count(*) FROM audit WHERE entity = 'fund' AND "
		                             "entity_id = $1 AND action = 'fund.book'",
		                             1, id, NULL, NULL),
		             6);
		cr_expect_eq(
		    harness_sql_int(&H, "SELECT count(*) FROM audit WHERE action = 'fund.create'",
		                    0, NULL, NULL, NULL),
		    2);
	}
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ refusals */

Test(fund, payout_beyond_commitment_and_negative_balance_refused)
{
	qt_client_t *c;
	int64_t proj, f, alloc, grant, pay;
	snapshot_t before;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Fonds", H.seed.office_social, 0);
	f = fund_ok(c, proj, 0, 2026);
	alloc = book_ok(c, f, QT_FUND_ALLOCATION, 10000, 0);
	grant = book_ok(c, f, QT_FUND_COMMITMENT, 8000, 0);

	before = snap();
	book_refused(c, f, QT_FUND_PAYOUT, 8001, grant, QT_FAILED_PRECONDITION, "amount_cents",
	             "payout beyond the commitment");
	cr_expect(strstr(err_msg(c), "remaining") != NULL, "message: %s", err_msg(c));
	book_refused(c, f, QT_FUND_REFUND, 1, grant, QT_FAILED_PRECONDITION, "amount_cents",
	             "refund of nothing paid");
	book_refused(c, f, QT_FUND_COMMITMENT, 2001, 0, QT_FAILED_PRECONDITION, "amount_cents",
	             "commitment beyond what is available");
	book_refused(c, f, QT_FUND_PAYOUT, 1, alloc, QT_INVALID_ARGUMENT, "commitment_id",
	             "payout on an allocation");
	expect_unchanged(&before, "refused bookings");

	pay = book_ok(c, f, QT_FUND_PAYOUT, 8000, grant);
	before = snap();
	book_refused(c, f, QT_FUND_PAYOUT, 1, grant, QT_FAILED_PRECONDITION, "amount_cents",
	             "payout on a fully paid commitment");
	book_refused(c, f, QT_FUND_REFUND, 8001, grant, QT_FAILED_PRECONDITION, "amount_cents",
	             "refund beyond what was paid");
	/* 100.00 allocated, 80.00 paid: taking 50.00 from the allocation would
	 * leave the balance at -30.00. */
	book_refused(c, f, QT_FUND_CORRECTION, -5000, alloc, QT_FAILED_PRECONDITION, "amount_cents",
	             "negative balance");
	cr_expect(strstr(err_msg(c), "negative") != NULL, "message: %s", err_msg(c));
	book_refused(c, f, QT_FUND_CORRECTION, -2001, alloc, QT_FAILED_PRECONDITION, "amount_cents",
	             "less allocated than committed");
	book_refused(c, f, QT_FUND_CORRECTION, 1, pay, QT_FAILED_PRECONDITION, "amount_cents",
	             "payout corrected beyond its commitment");
	book_refused(c, f, QT_FUND_CORRECTION, -1, grant, QT_FAILED_PRECONDITION, "amount_cents",
	             "commitment corrected below what was paid");
	book_refused(c, f, QT_FUND_CORRECTION, -10001, alloc, QT_FAILED_PRECONDITION,
	             "amount_cents", "allocation corrected below zero");
	expect_unchanged(&before, "refused bookings on a paid commitment");

	/* What is allowed right at the edges. */
	book_ok(c, f, QT_FUND_COMMITMENT, 2000, 0);
	book_ok(c, f, QT_FUND_REFUND, 8000, grant);
	book_ok(c, f, QT_FUND_CORRECTION, -8000, grant);
	expect_figures(c, f, 10000, 2000, 0, "edges");
	cr_expect_eq(sql_balance(f), 10000);
	qt_client_free(c);
	harness_finish(&H);
}

Test(fund, corrections_reference_original_entries_of_the_same_fund)
{
	qt_client_t *c;
	int64_t proj, f, g, alloc, other, corr;
	qt_fund_entry_new_t in;
	qt_fund_entry_t e;
	snapshot_t before;
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Fonds", H.seed.office_social, 0);
	f = fund_ok(c, proj, 0, 2026);
	g = fund_ok(c, proj, 0, 2027);
	alloc = book_ok(c, f, QT_FUND_ALLOCATION, 50000, 0);
	other = book_ok(c, g, QT_FUND_ALLOCATION, 50000, 0);
	corr = book_ok(c, f, QT_FUND_CORRECTION, -1000, alloc);
	book_ok(c, f, QT_FUND_CORRECTION, 250, alloc);

	before = snap();
	book_refused(c, f, QT_FUND_CORRECTION, 100, corr, QT_INVALID_ARGUMENT, "corrects_id",
	             "a correction of a correction");
	book_refused(c, f, QT_FUND_CORRECTION, 100, other, QT_INVALID_ARGUMENT, "corrects_id",
	             "an entry of another fund");
	book_refused(c, f, QT_FUND_CORRECTION, 100, 999999, QT_INVALID_ARGUMENT, "corrects_id",
	             "an unknown entry");
	book_refused(c, f, QT_FUND_CORRECTION, 0, alloc, QT_INVALID_ARGUMENT, "amount_cents",
	             "a correction of nothing");
	memset(&in, 0, sizeof(in));
	in.fund_id = f;
	in.kind = QT_FUND_CORRECTION;
	in.amount_cents = 100;
	in.corrects_id = alloc;
	st = qt_fund_entry_add(c, &in, &e);
	cr_expect_eq(st, QT_INVALID_ARGUMENT, "correction without a reason: %s",
	             qt_status_name(st));
	cr_expect(harness_field_is(qt_client_last_error(c)->field, "note"), "field %s",
	          err_field(c));
	expect_unchanged(&before, "refused corrections");

	/* Corrections add up on the original; a correction to zero cancels it. */
	{
		qt_fund_entry_t *l;
		size_t n;

		l = ledger_all(c, f, 0, &n);
		cr_assert_eq(n, 3);
		cr_expect_eq(l[0].effective_amount_cents, 49250);
		cr_expect_eq(l[1].corrects_id, alloc);
		cr_expect_eq(l[2].balance_after_cents, 49250);
		qt_fund_ledger_free(l, n);
	}
	book_ok(c, f, QT_FUND_CORRECTION, -49250, alloc);
	expect_figures(c, f, 0, 0, 0, "cancelled allocation");
	expect_figures(c, g, 50000, 0, 0, "the other fund is untouched");
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ append-only */

Test(fund, ledger_rows_cannot_be_changed_or_deleted_in_sql)
{
	static const char *const statements[] = {
	    "UPDATE fund_entry SET amount_cents = amount_cents + 1",
	    "UPDATE fund_entry SET note = 'changed' WHERE kind = 'allocation'",
	    "DELETE FROM fund_entry WHERE kind = 'payout'",
	    "DELETE FROM fund_entry",
	    "TRUNCATE fund_entry CASCADE",
	};
	qt_client_t *c;
	int64_t proj, f, grant;
	snapshot_t before;
	PGconn *pg;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Fonds", H.seed.office_social, 0);
	f = fund_ok(c, proj, 0, 2026);
	book_ok(c, f, QT_FUND_ALLOCATION, 10000, 0);
	grant = book_ok(c, f, QT_FUND_COMMITMENT, 5000, 0);
	book_ok(c, f, QT_FUND_PAYOUT, 5000, grant);
	before = snap();
	pg = harness_pg(&H);
	for (size_t i = 0; i < sizeof(statements) / sizeof(statements[0]); i++) {
		PGresult *res = PQexec(pg, statements[i]);
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "%s succeeded", statements[i]);
		cr_expect(state != NULL && strcmp(state, "Q0412") == 0, "%s: sqlstate %s",
		          statements[i], state != NULL ? state : "-");
		cr_expect(strstr(PQresultErrorMessage(res), "append-only") != NULL, "%s: %s",
		          statements[i], PQresultErrorMessage(res));
		PQclear(res);
	}
	expect_unchanged(&before, "SQL changes");
	cr_expect_eq(
	    harness_sql_int(&H, "SELECT sum(amount_cents) FROM fund_entry", 0, NULL, NULL, NULL),
	    20000, "amounts unchanged");
	expect_figures(c, f, 10000, 5000, 5000, "after the attempts");
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ permissions */

Test(fund, permissions_and_refusals_change_nothing)
{
	qt_client_t *admin, *office, *other_office, *coord, *other_coord, *viewer;
	int64_t proj, other_proj, coord_acct, other_coord_acct, f, alloc, grant, pay;
	snapshot_t before;
	qt_status_t st;
	qt_fund_t x;

	harness_standard(&H, NULL);
	harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "planung", "office", H.seed.office_planning, 0, HARNESS_PASSWORD);
	coord_acct = harness_account(&H, "koordination", "coordinator", 0, H.seed.org_caritas,
	                             HARNESS_PASSWORD);
	other_coord_acct = harness_account(&H, "koordination2", "coordinator", 0,
	                                   H.seed.org_initiative, HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(admin, "KUGEL", H.seed.office_social, coord_acct);
	other_proj = project(admin, "Anderes", H.seed.office_planning, other_coord_acct);
	office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	other_office = harness_login(&H, "planung", HARNESS_PASSWORD);
	coord = harness_login(&H, "koordination", HARNESS_PASSWORD);
	other_coord = harness_login(&H, "koordination2", HARNESS_PASSWORD);
	viewer = harness_login(&H, "leser", HARNESS_PASSWORD);

	/* Creating funds: admins and the lead office only. */
	before = snap();
	{
		qt_client_t *refused[] = {viewer, coord, other_office, other_coord};
		const char *who[] = {"viewer", "coordinator", "another office",
		                     "other coordinator"};

		for (size_t i = 0; i < 4; i++) {
			st = qt_fund_create(refused[i], proj, 0, 2026, &x);
			cr_expect_eq(st, QT_PERMISSION_DENIED, "%s creates a fund: %s", who[i],
			             qt_status_name(st));
		}
	}
	expect_unchanged(&before, "refused fund creation");
	f = fund_ok(office, proj, 0, 2026);
	fund_ok(admin, other_proj, 0, 2026);

	/* The coordinator may not allocate; the lead office may. */
	before = snap();
	book_refused(coord, f, QT_FUND_ALLOCATION, 10000, 0, QT_PERMISSION_DENIED, "kind",
	             "coordinator allocates");
	expect_unchanged(&before, "coordinator allocation");
	alloc = book_ok(office, f, QT_FUND_ALLOCATION, 10000, 0);

	/* The coordinator administers grants: commit, pay, refund, correct them. */
	grant = book_ok(coord, f, QT_FUND_COMMITMENT, 4000, 0);
	pay = book_ok(coord, f, QT_FUND_PAYOUT, 3000, grant);
	book_ok(coord, f, QT_FUND_REFUND, 500, grant);
	book_ok(coord, f, QT_FUND_CORRECTION, -200, pay);
	book_ok(coord, f, QT_FUND_CORRECTION, 100, grant);

	/* Everyone else is refused, and nothing changes. */
	before = snap();
	book_refused(coord, f, QT_FUND_CORRECTION, -100, alloc, QT_PERMISSION_DENIED, "kind",
	             "coordinator corrects an allocation");
	{
		qt_client_t *refused[] = {viewer, other_office, other_coord};
		const char *who[] = {"viewer", "another office", "coordinator of another project"};

		for (size_t i = 0; i < 3; i++) {
			char what[128];

			snprintf(what, sizeof(what), "%s allocates", who[i]);
			book_refused(refused[i], f, QT_FUND_ALLOCATION, 100, 0,
			             QT_PERMISSION_DENIED, i == 2 ? "kind" : "fund_id", what);
			snprintf(what, sizeof(what), "%s commits", who[i]);
			book_refused(refused[i], f, QT_FUND_COMMITMENT, 100, 0,
			             QT_PERMISSION_DENIED, "fund_id", what);
			snprintf(what, sizeof(what), "%s pays", who[i]);
			book_refused(refused[i], f, QT_FUND_PAYOUT, 100, grant,
			             QT_PERMISSION_DENIED, "fund_id", what);
			snprintf(what, sizeof(what), "%s corrects", who[i]);
			book_refused(refused[i], f, QT_FUND_CORRECTION, 100, grant,
			             QT_PERMISSION_DENIED, "fund_id", what);
		}
	}
	expect_unchanged(&before, "refused bookings");

	/* Everyone reads. */
	{
		qt_fund_entry_t *l = NULL;
		size_t n = 0;
		int64_t next;

		st = qt_fund_get(viewer, f, &x);
		cr_assert_eq(st, QT_OK, "viewer reads the fund: %s", qt_status_name(st));
		cr_expect_eq(x.allocated_cents, 10000);
		cr_expect_eq(x.committed_cents, 4100);
		cr_expect_eq(x.paid_cents, 2300);
		cr_expect_eq(x.balance_cents, 7700);
		qt_fund_clear(&x);
		st = qt_fund_ledger(other_coord, f, 0, 0, &l, &n, &next);
		cr_assert_eq(st, QT_OK, "another coordinator reads the ledger: %s",
		             qt_status_name(st));
		cr_expect_eq(n, 6);
		cr_expect_eq(l[2].account_id, coord_acct, "booked by the coordinator");
		qt_fund_ledger_free(l, n);
	}
	cr_expect_eq(sql_balance(f), 7700);

	qt_client_free(viewer);
	qt_client_free(other_coord);
	qt_client_free(coord);
	qt_client_free(other_office);
	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ validation */

typedef struct entry_case {
	const char *what;
	int64_t fund; /* 0: the test's fund; -1: an unknown one */
	qt_fund_entry_kind_t kind;
	int64_t amount;
	int64_t commitment, corrects; /* -1: the test's commitment; -2: an unknown entry */
	const char *applicant, *purpose, *decided_in, *note, *booked_on;
	const char *field;
} entry_case_t;

#define APPLICANT "Elternbeirat"
#define PURPOSE   "Sommerfest"

Test(fund, bad_input_names_the_field_and_stores_nothing)
{
	qt_client_t *c;
	int64_t proj, f, grant;
	snapshot_t before;
	char long_text[2 * 2001 + 1];
	const entry_case_t cases[] = {
	    {"amount 0", 0, QT_FUND_ALLOCATION, 0, 0, 0, NULL, NULL, NULL, NULL, NULL,
	     "amount_cents"},
	    {"negative amount", 0, QT_FUND_ALLOCATION, -100, 0, 0, NULL, NULL, NULL, NULL, NULL,
	     "amount_cents"},
	    {"negative payout", 0, QT_FUND_PAYOUT, -1, -1, 0, NULL, NULL, NULL, NULL, NULL,
	     "amount_cents"},
	    {"amount over 10^12", 0, QT_FUND_ALLOCATION, QT_FUND_AMOUNT_MAX + 1, 0, 0, NULL, NULL,
	     NULL, NULL, NULL, "amount_cents"},
	    {"amount INT64_MAX", 0, QT_FUND_COMMITMENT, INT64_MAX, 0, 0, APPLICANT, PURPOSE, NULL,
	     NULL, NULL, "amount_cents"},
	    {"correction INT64_MIN", 0, QT_FUND_CORRECTION, INT64_MIN, 0, -1, NULL, NULL, NULL,
	     "Grund", NULL, "amount_cents"},
	    {"correction below -10^12", 0, QT_FUND_CORRECTION, -QT_FUND_AMOUNT_MAX - 1, 0, -1, NULL,
	     NULL, NULL, "Grund", NULL, "amount_cents"},
	    {"correction of 0", 0, QT_FUND_CORRECTION, 0, 0, -1, NULL, NULL, NULL, "Grund", NULL,
	     "amount_cents"},
	    {"unknown fund", -1, QT_FUND_ALLOCATION, 100, 0, 0, NULL, NULL, NULL, NULL, NULL,
	     "fund_id"},
	    {"fund id 0", -3, QT_FUND_ALLOCATION, 100, 0, 0, NULL, NULL, NULL, NULL, NULL,
	     "fund_id"},
	    {"no kind", 0, QT_FUND_ENTRY_UNSPECIFIED, 100, 0, 0, NULL, NULL, NULL, NULL, NULL,
	     "kind"},
	    {"unknown kind", 0, (qt_fund_entry_kind_t)9, 100, 0, 0, NULL, NULL, NULL, NULL, NULL,
	     "kind"},
	    {"purpose invalid UTF-8", 0, QT_FUND_COMMITMENT, 100, 0, 0, APPLICANT, "Fest \xc3\x28",
	     NULL, NULL, NULL, "purpose"},
	    {"applicant invalid UTF-8", 0, QT_FUND_COMMITMENT, 100, 0, 0, "\xff", PURPOSE, NULL,
	     NULL, NULL, "applicant"},
	    {"applicant control character", 0, QT_FUND_COMMITMENT, 100, 0, 0, "Eltern\x07", PURPOSE,
	     NULL, NULL, NULL, "applicant"},
	    {"no applicant", 0, QT_FUND_COMMITMENT, 100, 0, 0, NULL, PURPOSE, NULL, NULL, NULL,
	     "applicant"},
	    {"no purpose", 0, QT_FUND_COMMITMENT, 100, 0, 0, APPLICANT, "", NULL, NULL, NULL,
	     "purpose"},
	    {"purpose too long", 0, QT_FUND_COMMITMENT, 100, 0, 0, APPLICANT, long_text, NULL, NULL,
	     NULL, "purpose"},
	    {"applicant on an allocation", 0, QT_FUND_ALLOCATION, 100, 0, 0, APPLICANT, NULL, NULL,
	     NULL, NULL, "applicant"},
	    {"payout without commitment", 0, QT_FUND_PAYOUT, 100, 0, 0, NULL, NULL, NULL, NULL,
	     NULL, "commitment_id"},
	    {"payout on an unknown commitment", 0, QT_FUND_PAYOUT, 100, -2, 0, NULL, NULL, NULL,
	     NULL, NULL, "commitment_id"},
	    {"commitment with a commitment", 0, QT_FUND_COMMITMENT, 100, -1, 0, APPLICANT, PURPOSE,
	     NULL, NULL, NULL, "commitment_id"},
	    {"refund that corrects", 0, QT_FUND_REFUND, 100, -1, -1, NULL, NULL, NULL, NULL, NULL,
	     "corrects_id"},
	    {"correction without entry", 0, QT_FUND_CORRECTION, 100, 0, 0, NULL, NULL, NULL,
	     "Grund", NULL, "corrects_id"},
	    {"correction of an unknown entry", 0, QT_FUND_CORRECTION, 100, 0, -2, NULL, NULL, NULL,
	     "Grund", NULL, "corrects_id"},
	    {"correction without note", 0, QT_FUND_CORRECTION, 100, 0, -1, NULL, NULL, NULL, NULL,
	     NULL, "note"},
	    {"note invalid UTF-8", 0, QT_FUND_ALLOCATION, 100, 0, 0, NULL, NULL, NULL, "\xc3", NULL,
	     "note"},
	    {"decided_in with a newline", 0, QT_FUND_ALLOCATION, 100, 0, 0, NULL, NULL,
	     "AGSP\n2026", NULL, NULL, "decided_in"},
	    {"decided_in too long", 0, QT_FUND_ALLOCATION, 100, 0, 0, NULL, NULL, long_text, NULL,
	     NULL, "decided_in"},
	    {"no such day", 0, QT_FUND_ALLOCATION, 100, 0, 0, NULL, NULL, NULL, NULL, "2026-02-30",
	     "booked_on"},
	    {"not a date", 0, QT_FUND_ALLOCATION, 100, 0, 0, NULL, NULL, NULL, NULL, "1.3.2026",
	     "booked_on"},
	};

	for (int i = 0; i < 2001; i++)
		memcpy(long_text + 2 * i, "\xc3\xa4", 2);
	long_text[4002] = '\0';
	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Fonds", H.seed.office_social, 0);
	f = fund_ok(c, proj, 0, 2026);
	book_ok(c, f, QT_FUND_ALLOCATION, 100000, 0);
	grant = book_ok(c, f, QT_FUND_COMMITMENT, 1000, 0);
	before = snap();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const entry_case_t *k = &cases[i];
		qt_fund_entry_new_t in;
		qt_fund_entry_t out;
		qt_status_t st;

		memset(&in, 0, sizeof(in));
		in.fund_id = k->fund == -1 ? 999999 : k->fund == -3 ? 0 : f;
		in.kind = k->kind;
		in.amount_cents = k->amount;
		in.commitment_id = k->commitment == -1 ? grant : k->commitment == -2 ? 999999 : 0;
		in.corrects_id = k->corrects == -1 ? grant : k->corrects == -2 ? 999999 : 0;
		in.applicant = k->applicant;
		in.purpose = k->purpose;
		in.decided_in = k->decided_in;
		in.note = k->note;
		in.booked_on = k->booked_on;
		memset(&out, 0, sizeof(out));
		st = qt_fund_entry_add(c, &in, &out);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "%s: got %s (%s)", k->what,
		             qt_status_name(st), err_msg(c));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, k->field),
		          "%s: field %s, expected %s", k->what, err_field(c), k->field);
		if (st == QT_OK)
			qt_fund_entry_clear(&out);
	}
	/* Funds: year, project and quarter. */
	{
		static const struct {
			const char *what;
			int64_t project, quarter; /* -1: unknown; -2: this project's */
			int32_t year;
			const char *field;
		} fcases[] = {
		    {"year 0", -2, 0, 0, "year"},
		    {"year 1899", -2, 0, 1899, "year"},
		    {"year 2200", -2, 0, 2200, "year"},
		    {"unknown project", -1, 0, 2026, "project_id"},
		    {"project 0", 0, 0, 2026, "project_id"},
		    {"unknown quarter", -2, -1, 2026, "quarter_id"},
		    {"negative quarter", -2, -3, 2026, "quarter_id"},
		};

		for (size_t i = 0; i < sizeof(fcases) / sizeof(fcases[0]); i++) {
			qt_fund_t x;
			int64_t p = fcases[i].project == -1   ? 999999
			            : fcases[i].project == -2 ? proj
			                                      : 0;
			int64_t q = fcases[i].quarter == -1   ? 999999
			            : fcases[i].quarter == -3 ? -5
			                                      : 0;
			qt_status_t st = qt_fund_create(c, p, q, fcases[i].year, &x);

			cr_expect_eq(st, QT_INVALID_ARGUMENT, "fund %s: got %s (%s)",
			             fcases[i].what, qt_status_name(st), err_msg(c));
			cr_expect(harness_field_is(qt_client_last_error(c)->field, fcases[i].field),
			          "fund %s: field %s, expected %s", fcases[i].what, err_field(c),
			          fcases[i].field);
			if (st == QT_OK)
				qt_fund_clear(&x);
		}
	}
	expect_unchanged(&before, "bad input");
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ money text */

Test(fund, euro_text_converts_exactly)
{
	static const struct {
		const char *text;
		int ok;
		int64_t cents;
	} cases[] = {
	    {"125.50", 1, 12550},
	    {"125", 1, 12500},
	    {"0.01", 1, 1},
	    {"-80.00", 1, -8000},
	    {"+3.07", 1, 307},
	    {"0.29", 1, 29}, /* 0.29 is not exact in binary floating point */
	    {"92233720368547758.07", 1, INT64_MAX},
	    {"92233720368547758.08", 0, 0},
	    {"100000000000000000000", 0, 0},
	    {"125.5", 0, 0},
	    {"125.505", 0, 0},
	    {"1,50", 0, 0},
	    {"1.234,50", 0, 0},
	    {".50", 0, 0},
	    {"", 0, 0},
	    {"-", 0, 0},
	    {"12 EUR", 0, 0},
	    {" 12.00", 0, 0},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -42;
		qt_status_t st = qt_euro_parse(cases[i].text, &v);

		if (cases[i].ok) {
			cr_expect_eq(st, QT_OK, "'%s' is refused", cases[i].text);
			cr_expect_eq(v, cases[i].cents, "'%s' -> %" PRId64, cases[i].text, v);
		} else {
			cr_expect_eq(st, QT_INVALID_ARGUMENT, "'%s' is accepted", cases[i].text);
			cr_expect_eq(v, -42, "'%s': output written on failure", cases[i].text);
		}
	}
	cr_expect_str_eq(qt_euro_format(buf, sizeof(buf), 12550), "125.50");
	cr_expect_str_eq(qt_euro_format(buf, sizeof(buf), -5), "-0.05");
	cr_expect_str_eq(qt_euro_format(buf, sizeof(buf), 0), "0.00");
	cr_expect_str_eq(qt_euro_format(buf, sizeof(buf), INT64_MIN), "-92233720368547758.08");
	cr_expect_str_eq(qt_euro_format(buf, sizeof(buf), INT64_MAX), "92233720368547758.07");
}

/* ------------------------------------------------------------ concurrency */

typedef struct racer {
	qt_client_t *c; /* owned by the test; used by this thread only */
	int64_t fund, grant;
	int ok, refused, other; /* outcomes */
} racer_t;

/* Books payouts of 1.00 on one commitment as fast as it can.  No
 * Criterion assertions here: the main thread judges the counts. */
static void *racer_run(void *arg)
{
	racer_t *r = arg;

	for (int i = 0; i < 25; i++) {
		qt_fund_entry_new_t in;
		qt_status_t st;

		memset(&in, 0, sizeof(in));
		in.fund_id = r->fund;
		in.kind = QT_FUND_PAYOUT;
		in.amount_cents = 100;
		in.commitment_id = r->grant;
		st = qt_fund_entry_add(r->c, &in, NULL);
		if (st == QT_OK)
			r->ok++;
		else if (st == QT_FAILED_PRECONDITION)
			r->refused++;
		else
			r->other++;
	}
	return NULL;
}

Test(fund, concurrent_payouts_never_overdraw_a_commitment)
{
	enum { NRACERS = 8 };
	racer_t racers[NRACERS];
	pthread_t threads[NRACERS];
	qt_client_t *c;
	int64_t proj, f, grant;
	int ok = 0, refused = 0, other = 0;

	harness_standard(&H, NULL); /* db_pool_size 4: bookings run in parallel */
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Wettlauf", H.seed.office_social, 0);
	f = fund_ok(c, proj, 0, 2026);
	book_ok(c, f, QT_FUND_ALLOCATION, 100000, 0);
	grant = book_ok(c, f, QT_FUND_COMMITMENT, 10000, 0); /* room for 100 payouts of 1.00 */
	for (int i = 0; i < NRACERS; i++) {
		racers[i] =
		    (racer_t){harness_login(&H, "admin", HARNESS_PASSWORD), f, grant, 0, 0, 0};
	}
	for (int i = 0; i < NRACERS; i++)
		cr_assert_eq(pthread_create(&threads[i], NULL, racer_run, &racers[i]), 0);
	for (int i = 0; i < NRACERS; i++) {
		pthread_join(threads[i], NULL);
		ok += racers[i].ok;
		refused += racers[i].refused;
		other += racers[i].other;
		qt_client_free(racers[i].c);
	}
	cr_expect_eq(ok, 100, "payouts booked: %d", ok);
	cr_expect_eq(refused, NRACERS * 25 - 100, "payouts refused: %d", refused);
	cr_expect_eq(other, 0, "other outcomes: %d", other);
	expect_figures(c, f, 100000, 10000, 10000, "after the race");
	cr_expect_eq(sql_balance(f), 90000);
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ random operations */

/* splitmix64: a small, well-mixed PRNG with an explicit state. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int64_t rng_range(uint64_t *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

#define MODEL_MAX 1200

/* The test's own bookkeeping of the fund, to know which operations are
 * valid without asking the server. */
typedef struct model_entry {
	int64_t id;
	qt_fund_entry_kind_t kind;
	int64_t effective; /* amount after corrections (not for corrections) */
	int grant;         /* index of its commitment (payouts, refunds), else -1 */
	int64_t paid;      /* commitments: paid on it */
} model_entry_t;

typedef struct model {
	model_entry_t e[MODEL_MAX];
	int n;
	int64_t allocated, committed, paid;
} model_t;

static int model_find(const model_t *m, int64_t id)
{
	for (int i = 0; i < m->n; i++)
		if (m->e[i].id == id)
			return i;
	return -1;
}

/* Applies kind/amount/ref to a copy of the figures and says whether every
 * rule still holds; on success (apply) the model takes the new entry id. */
static int model_book(model_t *m, qt_fund_entry_kind_t kind, int64_t amount, int64_t ref,
                      int input_ok, int apply, int64_t new_id)
{
	int64_t allocated = m->allocated, committed = m->committed, paid = m->paid;
	int target_kind = kind, grant = -1, orig = -1;
	int64_t g_committed = 0, g_paid = 0;

	if (!input_ok)
		return 0;
	if (kind == QT_FUND_CORRECTION) {
		if (amount == 0 || amount > QT_FUND_AMOUNT_MAX || amount < -QT_FUND_AMOUNT_MAX)
			return 0;
		orig = model_find(m, ref);
		if (orig < 0 || m->e[orig].kind == QT_FUND_CORRECTION)
			return 0;
		target_kind = m->e[orig].kind;
		grant = target_kind == QT_FUND_COMMITMENT ? orig : m->e[orig].grant;
		if (m->e[orig].effective + amount < 0 ||
		    m->e[orig].effective + amount > QT_FUND_AMOUNT_MAX)
			return 0;
	} else {
		if (amount <= 0 || amount > QT_FUND_AMOUNT_MAX)
			return 0;
		if (kind == QT_FUND_PAYOUT || kind == QT_FUND_REFUND) {
			grant = model_find(m, ref);
			if (grant < 0 || m->e[grant].kind != QT_FUND_COMMITMENT)
				return 0;
		}
	}
	switch (target_kind) {
	case QT_FUND_ALLOCATION:
		allocated += amount;
		break;
	case QT_FUND_COMMITMENT:
		committed += amount;
		break;
	case QT_FUND_PAYOUT:
		paid += amount;
		break;
	case QT_FUND_REFUND:
		paid -= amount;
		break;
	default:
		return 0;
	}
	if (grant >= 0) {
		g_committed =
		    m->e[grant].effective + (target_kind == QT_FUND_COMMITMENT ? amount : 0);
		g_paid = m->e[grant].paid + (target_kind == QT_FUND_PAYOUT   ? amount
		                             : target_kind == QT_FUND_REFUND ? -amount
		                                                             : 0);
		if (g_paid > g_committed || g_paid < 0)
			return 0;
	}
	if (allocated - paid < 0 || committed > allocated)
		return 0;
	if (!apply)
		return 1;
	cr_assert_lt(m->n, MODEL_MAX);
	m->allocated = allocated;
	m->committed = committed;
	m->paid = paid;
	if (grant >= 0) {
		m->e[grant].paid = g_paid;
		if (target_kind == QT_FUND_COMMITMENT)
			m->e[grant].effective = g_committed;
	}
	if (orig >= 0 && target_kind != QT_FUND_COMMITMENT)
		m->e[orig].effective += amount;
	m->e[m->n].id = new_id;
	m->e[m->n].kind = kind;
	m->e[m->n].effective = kind == QT_FUND_CORRECTION ? 0 : amount;
	m->e[m->n].grant = kind == QT_FUND_PAYOUT || kind == QT_FUND_REFUND ? grant : -1;
	m->e[m->n].paid = 0;
	m->n++;
	return 1;
}

/* A random entry id of the model of the given kind (0: any kind), or 0. */
static int64_t model_pick(const model_t *m, uint64_t *s, qt_fund_entry_kind_t kind)
{
	int idx[MODEL_MAX], k = 0;

	for (int i = 0; i < m->n; i++)
		if (kind == QT_FUND_ENTRY_UNSPECIFIED || m->e[i].kind == kind)
			idx[k++] = i;
	return k > 0 ? m->e[idx[rng_range(s, 0, k - 1)]].id : 0;
}

/* An amount for a booking: mostly plausible, sometimes at an edge, now
 * and then plainly out of range. */
static int64_t random_amount(uint64_t *s, int64_t edge)
{
	switch (rng_range(s, 0, 19)) {
	case 0:
		return 0;
	case 1:
		return -rng_range(s, 1, 5000);
	case 2:
		return QT_FUND_AMOUNT_MAX + rng_range(s, 1, 1000);
	case 3:
		return edge;
	case 4:
		return edge + 1;
	case 5:
		return edge > 1 ? edge - 1 : 1;
	default:
		return rng_range(s, 1, 30000);
	}
}

Test(fund, thousand_random_operations_keep_the_books, .timeout = 600)
{
	const uint64_t seed = 20260315;
	uint64_t s = seed;
	qt_client_t *c;
	int64_t proj, f, g, foreign, unknown = 987654321;
	int valid = 0, invalid = 0, precondition = 0;
	model_t *m = calloc(1, sizeof(*m));
	char fid[24];

	cr_assert_not_null(m);
	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Zufall", H.seed.office_social, 0);
	f = fund_ok(c, proj, 0, 2026);
	g = fund_ok(c, proj, 0, 2027);
	book_ok(c, g, QT_FUND_ALLOCATION, 100000, 0);
	foreign = book_ok(c, g, QT_FUND_COMMITMENT, 5000, 0); /* an entry of another fund */

	for (int op = 0; op < 1000; op++) {
		qt_fund_entry_kind_t kind = (qt_fund_entry_kind_t)rng_range(&s, 1, 5);
		qt_fund_entry_new_t in;
		qt_fund_entry_t out;
		int64_t ref = 0, edge = 1;
		int input_ok = 1, predicted, mi;
		qt_status_t st;
		const qt_error_t *err;

		memset(&in, 0, sizeof(in));
		in.fund_id = f;
		in.kind = kind;
		switch (kind) {
		case QT_FUND_ALLOCATION:
			edge = rng_range(&s, 1, 40000);
			break;
		case QT_FUND_COMMITMENT:
			edge = m->allocated - m->committed; /* what is available */
			in.applicant = "Initiative";
			in.purpose = "Nachbarschaftsfest";
			if (rng_range(&s, 0, 24) == 0) {
				in.purpose = "Fest \xe2\x82"; /* cut-off UTF-8 */
				input_ok = 0;
			}
			break;
		case QT_FUND_PAYOUT:
		case QT_FUND_REFUND:
			switch (rng_range(&s, 0, 9)) {
			case 0:
				ref = model_pick(m, &s, QT_FUND_ENTRY_UNSPECIFIED);
				break;
			case 1:
				ref = rng_range(&s, 0, 1) ? foreign : unknown;
				break;
			default:
				ref = model_pick(m, &s, QT_FUND_COMMITMENT);
				break;
			}
			if (ref == 0)
				input_ok = 0; /* no commitment_id at all */
			mi = model_find(m, ref);
			if (mi >= 0)
				edge = kind == QT_FUND_PAYOUT ? m->e[mi].effective - m->e[mi].paid
				                              : m->e[mi].paid;
			in.commitment_id = ref;
			break;
		case QT_FUND_CORRECTION:
		default:
			switch (rng_range(&s, 0, 9)) {
			case 0:
				ref = rng_range(&s, 0, 1) ? foreign : unknown;
				break;
			default:
				ref = model_pick(m, &s, QT_FUND_ENTRY_UNSPECIFIED);
				break;
			}
			if (ref == 0)
				input_ok = 0;
			in.corrects_id = ref;
			in.note = "Korrektur laut Beleg";
			mi = model_find(m, ref);
			if (mi >= 0)
				edge = m->e[mi].effective;
			break;
		}
		in.amount_cents = random_amount(&s, edge);
		/* Corrections mostly reduce, sometimes cancel exactly. */
		if (kind == QT_FUND_CORRECTION && rng_range(&s, 0, 2) > 0)
			in.amount_cents = -in.amount_cents;
		predicted = model_book(m, kind, in.amount_cents, ref, input_ok, 0, 0);

		memset(&out, 0, sizeof(out));
		st = qt_fund_entry_add(c, &in, &out);
		err = qt_client_last_error(c);
		if (predicted) {
			cr_assert_eq(st, QT_OK,
			             "seed %" PRIu64 " op %d: valid %s of %" PRId64 " (ref %" PRId64
			             ") refused: %s: %s",
			             seed, op, qt_fund_entry_kind_name(kind), in.amount_cents, ref,
			             qt_status_name(st), err->message);
			model_book(m, kind, in.amount_cents, ref, input_ok, 1, out.id);
			cr_assert_eq(out.balance_after_cents, m->allocated - m->paid,
			             "seed %" PRIu64 " op %d: balance after", seed, op);
			qt_fund_entry_clear(&out);
			valid++;
		} else {
			cr_assert(st == QT_INVALID_ARGUMENT || st == QT_FAILED_PRECONDITION,
			          "seed %" PRIu64 " op %d: invalid %s of %" PRId64 " (ref %" PRId64
			          ") answered %s",
			          seed, op, qt_fund_entry_kind_name(kind), in.amount_cents, ref,
			          qt_status_name(st));
			cr_assert(err->message != NULL && strlen(err->message) > 0,
			          "op %d: refused without a reason", op);
			cr_assert_not_null(err->field, "op %d: refused without naming a field (%s)",
			                   op, err->message);
			precondition += st == QT_FAILED_PRECONDITION;
			invalid++;
		}
	}
	cr_log_info("seed %" PRIu64 ": %d valid operations booked, %d invalid ones refused (%d by "
	            "the fund's figures)",
	            seed, valid, invalid, precondition);
	cr_expect_gt(precondition, 100, "enough bookings refused by the figures (%d)",
	             precondition);
	cr_expect_gt(valid, 250, "enough valid operations (%d)", valid);
	cr_expect_gt(invalid, 250, "enough invalid operations (%d)", invalid);

	/* The server's figures are the model's ... */
	expect_figures(c, f, m->allocated, m->committed, m->paid, "after 1000 operations");
	/* ... and SQL over the raw rows agrees: balance = the signed sum of the
	 * entries, every balance after an entry is the running sum and never
	 * negative, no commitment is overpaid, nothing is over-committed. */
	snprintf(fid, sizeof(fid), "%lld", (long long)f);
	cr_expect_eq(sql_balance(f), m->allocated - m->paid);
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM fund_entry WHERE fund_id = $1", 1,
	                             fid, NULL, NULL),
	             valid, "one entry per valid operation");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM audit WHERE action = 'fund.book' AND "
	                             "entity_id = $1",
	                             1, fid, NULL, NULL),
	             valid, "one audit row per valid operation");
	cr_expect_eq(
	    harness_sql_int(&H,
	                    "SELECT count(*) FROM ("
	                    " SELECT e.balance_after_cents, sum(CASE coalesce(o.kind, e.kind)"
	                    "   WHEN 'allocation' THEN e.amount_cents"
	                    "   WHEN 'refund' THEN e.amount_cents"
	                    "   WHEN 'payout' THEN -e.amount_cents ELSE 0 END)"
	                    "   OVER (ORDER BY e.id) AS running"
	                    " FROM fund_entry e LEFT JOIN fund_entry o ON o.id = e.corrects_id"
	                    " WHERE e.fund_id = $1) x"
	                    " WHERE x.running < 0 OR x.running <> x.balance_after_cents",
	                    1, fid, NULL, NULL),
	    0, "running balances");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM fund_entry_v WHERE fund_id = $1 AND "
	                             "kind = 'commitment' AND (paid_cents < 0 OR "
	                             "paid_cents > effective_amount_cents)",
	                             1, fid, NULL, NULL),
	             0, "no commitment overpaid");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM fund_entry_v WHERE fund_id = $1 AND "
	                             "effective_amount_cents < 0",
	                             1, fid, NULL, NULL),
	             0, "no entry corrected below zero");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM fund_v WHERE balance_cents < 0 OR "
	                             "available_cents < 0",
	                             0, NULL, NULL, NULL),
	             0, "no fund negative");
	/* The ledger read back page by page ends at the balance. */
	{
		size_t n;
		qt_fund_entry_t *l = ledger_all(c, f, 37, &n);

		cr_expect_eq((int)n, valid);
		if (n > 0)
			cr_expect_eq(l[n - 1].balance_after_cents, m->allocated - m->paid);
		qt_fund_ledger_free(l, n);
	}
	expect_figures(c, g, 100000, 5000, 0, "the other fund is untouched");
	free(m);
	qt_client_free(c);
	harness_finish(&H);
}
