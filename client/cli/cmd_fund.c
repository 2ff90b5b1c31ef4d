/* `quartier fund ...`: the quarter fund (Quartiersfonds) — list funds, show
 * one with its figures and ledger, create one, book an entry, page through
 * a ledger.  Amounts are entered and shown as euros with two decimals and
 * converted to and from integer cents exactly (qt_euro_parse(),
 * qt_euro_format()); JSON carries the cents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
#include "output.h"

#define CMD            "fund"
#define CMD_FUND_KINDS "allocation, commitment, payout, refund or correction"
#define CMD_FUND_EURO  32 /* bytes of a formatted amount */

enum {
	OPT_PROJECT = 1,
	OPT_QUARTER,
	OPT_YEAR,
	OPT_LIMIT,
	OPT_AFTER,
	OPT_ALL,
	OPT_AMOUNT,
	OPT_COMMITMENT,
	OPT_CORRECTS,
	OPT_APPLICANT,
	OPT_PURPOSE,
	OPT_DECIDED_IN,
	OPT_NOTE,
	OPT_DATE,
};

static const args_opt_t cmd_fund_list_opts[] = {
    {"project", 1, OPT_PROJECT}, {"year", 1, OPT_YEAR}, {"limit", 1, OPT_LIMIT},
    {"after", 1, OPT_AFTER},     {"all", 0, OPT_ALL},   {NULL, 0, 0},
};

static const args_opt_t cmd_fund_create_opts[] = {
    {"project", 1, OPT_PROJECT},
    {"quarter", 1, OPT_QUARTER},
    {"year", 1, OPT_YEAR},
    {NULL, 0, 0},
};

static const args_opt_t cmd_fund_book_opts[] = {
    {"amount", 1, OPT_AMOUNT},
    {"commitment", 1, OPT_COMMITMENT},
    {"corrects", 1, OPT_CORRECTS},
    {"applicant", 1, OPT_APPLICANT},
    {"purpose", 1, OPT_PURPOSE},
    {"decided-in", 1, OPT_DECIDED_IN},
    {"note", 1, OPT_NOTE},
    {"date", 1, OPT_DATE},
    {NULL, 0, 0},
};

static const args_opt_t cmd_fund_ledger_opts[] = {
    {"limit", 1, OPT_LIMIT},
    {"after", 1, OPT_AFTER},
    {"all", 0, OPT_ALL},
    {NULL, 0, 0},
};

/* ------------------------------------------------------------ output */

static void cmd_fund_json(out_json_t *j, const qt_fund_t *f)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", f->id);
	out_json_kv_int(j, "project_id", f->project_id);
	out_json_kv_str(j, "project_name", f->project_name);
	out_json_kv_id(j, "quarter_id", f->quarter_id);
	out_json_kv_str(j, "quarter_name", f->quarter_name);
	out_json_kv_int(j, "year", f->year);
	out_json_kv_int(j, "allocated_cents", f->allocated_cents);
	out_json_kv_int(j, "committed_cents", f->committed_cents);
	out_json_kv_int(j, "paid_cents", f->paid_cents);
	out_json_kv_int(j, "balance_cents", f->balance_cents);
	out_json_kv_int(j, "available_cents", f->available_cents);
	out_json_kv_int(j, "entry_count", f->entry_count);
	out_json_kv_id(j, "created_at", f->created_at);
	out_json_end_object(j);
}

static void cmd_fund_json_entry(out_json_t *j, const qt_fund_entry_t *e)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", e->id);
	out_json_kv_int(j, "fund_id", e->fund_id);
	out_json_kv_str(j, "kind", qt_fund_entry_kind_name(e->kind));
	out_json_kv_int(j, "amount_cents", e->amount_cents);
	out_json_kv_id(j, "commitment_id", e->commitment_id);
	out_json_kv_id(j, "corrects_id", e->corrects_id);
	out_json_kv_str(j, "applicant", e->applicant);
	out_json_kv_str(j, "purpose", e->purpose);
	out_json_kv_str(j, "decided_in", e->decided_in);
	out_json_kv_str(j, "note", e->note);
	out_json_kv_str(j, "booked_on", e->booked_on);
	out_json_kv_id(j, "account_id", e->account_id);
	out_json_kv_id(j, "created_at", e->created_at);
	out_json_kv_int(j, "balance_after_cents", e->balance_after_cents);
	out_json_key(j, "effective_amount_cents");
	if (e->has_effective_amount)
		out_json_int(j, e->effective_amount_cents);
	else
		out_json_null(j);
	out_json_key(j, "paid_cents");
	if (e->has_paid)
		out_json_int(j, e->paid_cents);
	else
		out_json_null(j);
	out_json_end_object(j);
}

/* "Heslach (402)" or "whole project" into buf. */
static const char *cmd_fund_area(char *buf, size_t len, const qt_fund_t *f)
{
	if (f->quarter_id == 0)
		snprintf(buf, len, "%s", _("whole project"));
	else
		snprintf(buf, len, "%s (%lld)", f->quarter_name != NULL ? f->quarter_name : "",
		         (long long)f->quarter_id);
	return buf;
}

static void cmd_fund_print_figures(const qt_fund_t *f)
{
	char num[24], project[1024], area[512], year[16], n[24];
	char e1[CMD_FUND_EURO], e2[CMD_FUND_EURO], e3[CMD_FUND_EURO], e4[CMD_FUND_EURO],
	    e5[CMD_FUND_EURO];

	snprintf(num, sizeof(num), "%lld", (long long)f->id);
	snprintf(project, sizeof(project), "%s (%lld)",
	         f->project_name != NULL ? f->project_name : "", (long long)f->project_id);
	snprintf(year, sizeof(year), "%d", (int)f->year);
	snprintf(n, sizeof(n), "%lld", (long long)f->entry_count);
	out_kv(stdout, 11, _("id"), num);
	out_kv(stdout, 11, _("project"), project);
	out_kv(stdout, 11, _("area"), cmd_fund_area(area, sizeof(area), f));
	out_kv(stdout, 11, _("year"), year);
	out_kv(stdout, 11, _("allocated"), qt_euro_format(e1, sizeof(e1), f->allocated_cents));
	out_kv(stdout, 11, _("committed"), qt_euro_format(e2, sizeof(e2), f->committed_cents));
	out_kv(stdout, 11, _("paid"), qt_euro_format(e3, sizeof(e3), f->paid_cents));
	out_kv(stdout, 11, _("balance"), qt_euro_format(e4, sizeof(e4), f->balance_cents));
	out_kv(stdout, 11, _("available"), qt_euro_format(e5, sizeof(e5), f->available_cents));
	out_kv(stdout, 11, _("entries"), n);
}

/* What a ledger line says beyond its amount: the grant, the reason, the
 * amount after corrections. */
static const char *cmd_fund_details(char *buf, size_t len, const qt_fund_entry_t *e)
{
	char eff[CMD_FUND_EURO], paid[CMD_FUND_EURO];
	size_t o = 0;

	buf[0] = '\0';
	if (e->kind == QT_FUND_COMMITMENT) {
		o += (size_t)snprintf(buf, len, _("%s: %s; paid %s"),
		                      e->applicant != NULL ? e->applicant : "",
		                      e->purpose != NULL ? e->purpose : "",
		                      qt_euro_format(paid, sizeof(paid), e->paid_cents));
	} else if (e->note != NULL) {
		o += (size_t)snprintf(buf, len, "%s", e->note);
	}
	if (o < len && e->has_effective_amount && e->effective_amount_cents != e->amount_cents)
		snprintf(buf + o, len - o, _("%scorrected to %s"), o > 0 ? "; " : "",
		         qt_euro_format(eff, sizeof(eff), e->effective_amount_cents));
	return buf[0] != '\0' ? buf : NULL;
}

static int cmd_fund_ledger_table(const qt_fund_entry_t *list, size_t n)
{
	static const char *const headers[] = {
	    N_("ID"),  N_("DATE"),    N_("KIND"),       N_("AMOUNT"),
	    N_("REF"), N_("DETAILS"), N_("DECIDED IN"), N_("BALANCE"),
	};
	const char *row[8];
	char id[24], amount[CMD_FUND_EURO], ref[32], details[2048], balance[CMD_FUND_EURO];
	out_table_t t;
	int rc;

	out_table_init(&t, 8, headers, "rllrlllr");
	for (size_t i = 0; i < n; i++) {
		const qt_fund_entry_t *e = &list[i];

		snprintf(id, sizeof(id), "%lld", (long long)e->id);
		if (e->commitment_id != 0)
			snprintf(ref, sizeof(ref), "#%lld", (long long)e->commitment_id);
		else if (e->corrects_id != 0)
			snprintf(ref, sizeof(ref), "#%lld", (long long)e->corrects_id);
		row[0] = id;
		row[1] = e->booked_on;
		row[2] = label(LABEL_FUND_ENTRY, qt_fund_entry_kind_name(e->kind));
		row[3] = qt_euro_format(amount, sizeof(amount), e->amount_cents);
		row[4] = e->commitment_id != 0 || e->corrects_id != 0 ? ref : NULL;
		row[5] = cmd_fund_details(details, sizeof(details), e);
		row[6] = e->decided_in;
		row[7] = qt_euro_format(balance, sizeof(balance), e->balance_after_cents);
		out_table_add(&t, row);
	}
	rc = out_table_print(&t, stdout);
	out_table_free(&t);
	if (rc != 0) {
		fprintf(stderr, _("quartier: out of memory\n"));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

static int cmd_fund_print_entry(cli_t *cli, const qt_fund_entry_t *e)
{
	char num[24], fund[24], ref[24], kind[128], acct[24], t1[32];
	char amount[CMD_FUND_EURO], eff[CMD_FUND_EURO], paid[CMD_FUND_EURO], bal[CMD_FUND_EURO];
	out_json_t j;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_fund_json_entry(&j, e);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), "%lld", (long long)e->id);
	snprintf(fund, sizeof(fund), "%lld", (long long)e->fund_id);
	snprintf(acct, sizeof(acct), "%lld", (long long)e->account_id);
	label_pair(kind, sizeof(kind), LABEL_FUND_ENTRY, qt_fund_entry_kind_name(e->kind));
	out_kv(stdout, 14, _("id"), num);
	out_kv(stdout, 14, _("fund"), fund);
	out_kv(stdout, 14, _("kind"), kind);
	out_kv(stdout, 14, _("amount"), qt_euro_format(amount, sizeof(amount), e->amount_cents));
	if (e->commitment_id != 0) {
		snprintf(ref, sizeof(ref), "%lld", (long long)e->commitment_id);
		out_kv(stdout, 14, _("commitment"), ref);
	}
	if (e->corrects_id != 0) {
		snprintf(ref, sizeof(ref), "%lld", (long long)e->corrects_id);
		out_kv(stdout, 14, _("corrects"), ref);
	}
	if (e->kind == QT_FUND_COMMITMENT) {
		out_kv(stdout, 14, _("applicant"), e->applicant);
		out_kv(stdout, 14, _("purpose"), e->purpose);
		out_kv(stdout, 14, _("paid on it"),
		       qt_euro_format(paid, sizeof(paid), e->paid_cents));
	}
	if (e->has_effective_amount && e->effective_amount_cents != e->amount_cents)
		out_kv(stdout, 14, _("corrected to"),
		       qt_euro_format(eff, sizeof(eff), e->effective_amount_cents));
	out_kv(stdout, 14, _("decided in"), e->decided_in);
	out_kv(stdout, 14, _("note"), e->note);
	out_kv(stdout, 14, _("booked on"), e->booked_on);
	out_kv(stdout, 14, _("balance after"),
	       qt_euro_format(bal, sizeof(bal), e->balance_after_cents));
	out_kv(stdout, 14, _("booked by"), e->account_id != 0 ? acct : NULL);
	out_kv(stdout, 14, _("created"), out_time(t1, sizeof(t1), e->created_at));
	return CLI_EXIT_OK;
}

/* A fund year: 1..9999 here, the server checks the range it keeps. */
static int cmd_fund_year(const char *s, int32_t *out)
{
	int64_t v;
	int rc = cli_parse_id(CMD, N_("year"), s, &v);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (v > 9999)
		return cli_usage_error(CMD, _("invalid year '%s'"), s);
	*out = (int32_t)v;
	return CLI_EXIT_OK;
}

static int cmd_fund_limit(const char *s, uint32_t *out)
{
	int64_t v;
	int rc = cli_parse_id(CMD, N_("limit"), s, &v);

	if (rc == CLI_EXIT_OK && v > 100000)
		rc = cli_usage_error(CMD, _("limit too large"));
	if (rc == CLI_EXIT_OK)
		*out = (uint32_t)v;
	return rc;
}

/* Which ledger cmd_fund_ledger_page() reads. */
typedef struct cmd_fund_ledger_ctx {
	int64_t fund_id;
	uint32_t limit;
} cmd_fund_ledger_ctx_t;

static qt_status_t cmd_fund_ledger_page(cli_t *cli, void *ctx, int64_t after, void **page,
                                        size_t *n, int64_t *next)
{
	cmd_fund_ledger_ctx_t *lc = ctx;

	return qt_fund_ledger(cli->client, lc->fund_id, lc->limit, after,
	                      (qt_fund_entry_t **)page, n, next);
}

static void cmd_fund_ledger_page_free(void *list, size_t n)
{
	qt_fund_ledger_free(list, n);
}

/* All (fetch_all) or one page of a fund's ledger into *out and *n; *next is
 * the next page's after id (0: none).  Prints the error and returns an
 * exit code on failure. */
static int cmd_fund_fetch_ledger(cli_t *cli, int64_t fund_id, uint32_t limit, int64_t after,
                                 int fetch_all, qt_fund_entry_t **out, size_t *n, int64_t *next)
{
	cmd_fund_ledger_ctx_t lc = {fund_id, limit};

	return cli_collect_pages(cli, cmd_fund_ledger_page, &lc, sizeof(**out),
	                         cmd_fund_ledger_page_free, fetch_all, after, (void **)out, n, next);
}

/* ------------------------------------------------------------ list */

static int cmd_fund_list_table(const qt_fund_t *list, size_t n)
{
	static const char *const headers[] = {
	    N_("ID"),        N_("PROJECT"), N_("AREA"),    N_("YEAR"),      N_("ALLOCATED"),
	    N_("COMMITTED"), N_("PAID"),    N_("BALANCE"), N_("AVAILABLE"),
	};
	const char *row[9];
	char id[24], area[512], year[16];
	char e1[CMD_FUND_EURO], e2[CMD_FUND_EURO], e3[CMD_FUND_EURO], e4[CMD_FUND_EURO],
	    e5[CMD_FUND_EURO];
	out_table_t t;
	int rc;

	out_table_init(&t, 9, headers, "rllrrrrrr");
	for (size_t i = 0; i < n; i++) {
		const qt_fund_t *f = &list[i];

		snprintf(id, sizeof(id), "%lld", (long long)f->id);
		snprintf(year, sizeof(year), "%d", (int)f->year);
		row[0] = id;
		row[1] = f->project_name;
		row[2] =
		    f->quarter_id != 0 ? cmd_fund_area(area, sizeof(area), f) : _("whole project");
		row[3] = year;
		row[4] = qt_euro_format(e1, sizeof(e1), f->allocated_cents);
		row[5] = qt_euro_format(e2, sizeof(e2), f->committed_cents);
		row[6] = qt_euro_format(e3, sizeof(e3), f->paid_cents);
		row[7] = qt_euro_format(e4, sizeof(e4), f->balance_cents);
		row[8] = qt_euro_format(e5, sizeof(e5), f->available_cents);
		out_table_add(&t, row);
	}
	rc = out_table_print(&t, stdout);
	out_table_free(&t);
	if (rc != 0) {
		fprintf(stderr, _("quartier: out of memory\n"));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

/* Page fetcher and free function for cli_collect_pages(). */
static qt_status_t cmd_fund_page(cli_t *cli, void *ctx, int64_t after, void **page,
                                size_t *n, int64_t *next)
{
	qt_fund_filter_t *f = ctx;

	f->after_id = after;
	return qt_fund_list(cli->client, f, (qt_fund_t **)page, n, next);
}

static void cmd_fund_page_free(void *list, size_t n)
{
	qt_fund_list_free(list, n);
}

static int cmd_fund_list(cli_t *cli, args_t *a)
{
	qt_fund_filter_t f;
	qt_fund_t *all = NULL;
	size_t n_all = 0;
	int64_t next = 0;
	const char *val;
	int fetch_all = 0, id, rc;
	out_json_t j;

	memset(&f, 0, sizeof(f));
	while ((id = args_next(a, cmd_fund_list_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_PROJECT:
			rc = cli_parse_id(CMD, N_("project id"), val, &f.project_id);
			break;
		case OPT_YEAR:
			rc = cmd_fund_year(val, &f.year);
			break;
		case OPT_LIMIT:
			rc = cmd_fund_limit(val, &f.page_size);
			break;
		case OPT_AFTER:
			rc = cli_parse_id(CMD, N_("fund id"), val, &f.after_id);
			break;
		case OPT_ALL:
			fetch_all = 1;
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (!cli_start(cli, CMD, &rc))
		return rc;
	rc = cli_collect_pages(cli, cmd_fund_page, &f, sizeof(*all), cmd_fund_page_free,
	                       fetch_all, f.after_id, (void **)&all, &n_all, &next);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "funds");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n_all; i++)
			cmd_fund_json(&j, &all[i]);
		out_json_end_array(&j);
		out_json_kv_id(&j, "next_after_id", fetch_all ? 0 : next);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else {
		rc = cmd_fund_list_table(all, n_all);
		if (rc == CLI_EXIT_OK && !fetch_all && next != 0)
			fprintf(stderr, _("More funds: add --after %lld, or --all.\n"),
			        (long long)next);
	}
	qt_fund_list_free(all, n_all);
	return rc;
}

/* ------------------------------------------------------------ show */

/* The FUND positional of show and ledger. */
static int cmd_fund_id_arg(const char *s, int64_t *out)
{
	if (s == NULL)
		return cli_usage_error(CMD, _("missing FUND (the fund id)"));
	return cli_parse_id(CMD, N_("fund id"), s, out);
}

static int cmd_fund_show(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL;
	qt_fund_entry_t *entries = NULL;
	size_t n = 0;
	int64_t fid = 0, next = 0;
	qt_fund_t f;
	qt_status_t st;
	out_json_t j;
	int id, rc;

	memset(&f, 0, sizeof(f));
	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && ids == NULL) {
			ids = val;
			continue;
		}
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	rc = cmd_fund_id_arg(ids, &fid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_fund_get(cli->client, fid, &f);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_fund_fetch_ledger(cli, fid, 0, 0, 1, &entries, &n, &next);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "fund");
		cmd_fund_json(&j, &f);
		out_json_key(&j, "entries");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_fund_json_entry(&j, &entries[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		printf(_("Quarter fund (Quartiersfonds)\n"));
		cmd_fund_print_figures(&f);
		printf(_("\nLedger (amounts in EUR; BALANCE after each entry):\n"));
		rc = cmd_fund_ledger_table(entries, n);
	}
out:
	qt_fund_ledger_free(entries, n);
	qt_fund_clear(&f);
	return rc;
}

/* ------------------------------------------------------------ create */

static int cmd_fund_create(cli_t *cli, args_t *a)
{
	const char *val;
	int64_t project = 0, quarter = 0;
	int32_t year = 0;
	qt_fund_t f;
	qt_status_t st;
	out_json_t j;
	int id, rc;

	while ((id = args_next(a, cmd_fund_create_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_PROJECT:
			rc = cli_parse_id(CMD, N_("project id"), val, &project);
			break;
		case OPT_QUARTER:
			rc = cli_parse_id(CMD, N_("quarter id"), val, &quarter);
			break;
		case OPT_YEAR:
			rc = cmd_fund_year(val, &year);
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (project == 0)
		return cli_usage_error(CMD, _("missing --project"));
	if (year == 0)
		return cli_usage_error(CMD, _("missing --year"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_fund_create(cli->client, project, quarter, year, &f);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_fund_json(&j, &f);
		out_json_finish(&j);
	} else {
		cmd_fund_print_figures(&f);
	}
	qt_fund_clear(&f);
	return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ book */

static int cmd_fund_book(cli_t *cli, args_t *a)
{
	const char *val, *fund = NULL, *kind = NULL, *amount = NULL;
	qt_fund_entry_new_t in;
	qt_fund_entry_t out;
	qt_status_t st;
	int id, rc;

	memset(&in, 0, sizeof(in));
	while ((id = args_next(a, cmd_fund_book_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case ARGS_POSITIONAL:
			if (fund == NULL)
				fund = val;
			else if (kind == NULL)
				kind = val;
			else
				rc = cli_usage_error(CMD, _("unexpected argument '%s'"), val);
			break;
		case OPT_AMOUNT:
			amount = val;
			break;
		case OPT_COMMITMENT:
			rc = cli_parse_id(CMD, N_("commitment id"), val, &in.commitment_id);
			break;
		case OPT_CORRECTS:
			rc = cli_parse_id(CMD, N_("entry id"), val, &in.corrects_id);
			break;
		case OPT_APPLICANT:
			in.applicant = val;
			break;
		case OPT_PURPOSE:
			in.purpose = val;
			break;
		case OPT_DECIDED_IN:
			in.decided_in = val;
			break;
		case OPT_NOTE:
			in.note = val;
			break;
		case OPT_DATE:
			in.booked_on = val;
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	rc = cmd_fund_id_arg(fund, &in.fund_id);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (kind == NULL)
		return cli_usage_error(CMD, _("missing KIND (%s)"), CMD_FUND_KINDS);
	in.kind = qt_fund_entry_kind_parse(kind);
	if (in.kind == QT_FUND_ENTRY_UNSPECIFIED)
		return cli_usage_error(CMD, _("unknown kind '%s' (%s)"), kind, CMD_FUND_KINDS);
	if (amount == NULL)
		return cli_usage_error(CMD, _("missing --amount EUR (e.g. 125.50)"));
	if (qt_euro_parse(amount, &in.amount_cents) != QT_OK)
		return cli_usage_error(CMD,
		                       _("invalid amount '%s': euros with a point and two "
		                         "decimals, e.g. 125.50 (or whole euros)"),
		                       amount);
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_fund_entry_add(cli->client, &in, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_fund_print_entry(cli, &out);
	qt_fund_entry_clear(&out);
	return rc;
}

/* ------------------------------------------------------------ ledger */

static int cmd_fund_ledger(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL;
	qt_fund_entry_t *entries = NULL;
	size_t n = 0;
	int64_t fid = 0, after = 0, next = 0;
	uint32_t limit = 0;
	int fetch_all = 0, id, rc;
	out_json_t j;

	while ((id = args_next(a, cmd_fund_ledger_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case ARGS_POSITIONAL:
			if (ids == NULL)
				ids = val;
			else
				rc = cli_usage_error(CMD, _("unexpected argument '%s'"), val);
			break;
		case OPT_LIMIT:
			rc = cmd_fund_limit(val, &limit);
			break;
		case OPT_AFTER:
			rc = cli_parse_id(CMD, N_("entry id"), val, &after);
			break;
		case OPT_ALL:
			fetch_all = 1;
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	rc = cmd_fund_id_arg(ids, &fid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cmd_fund_fetch_ledger(cli, fid, limit, after, fetch_all, &entries, &n, &next);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_int(&j, "fund_id", fid);
		out_json_key(&j, "entries");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_fund_json_entry(&j, &entries[i]);
		out_json_end_array(&j);
		out_json_kv_id(&j, "next_after_id", fetch_all ? 0 : next);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		rc = cmd_fund_ledger_table(entries, n);
		if (rc == CLI_EXIT_OK && !fetch_all && next != 0)
			fprintf(stderr, _("More entries: add --after %lld, or --all.\n"),
			        (long long)next);
	}
	qt_fund_ledger_free(entries, n);
	return rc;
}

int cmd_fund(cli_t *cli, args_t *a)
{
	static const struct {
		const char *name;
		int (*run)(cli_t *cli, args_t *a);
	} subs[] = {
	    {"list", cmd_fund_list}, {"show", cmd_fund_show},     {"create", cmd_fund_create},
	    {"book", cmd_fund_book}, {"ledger", cmd_fund_ledger},
	};
	const char *val;
	int id, rc;

	/* Global options may come before the subcommand. */
	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_POSITIONAL) {
		if (id == ARGS_END)
			break;
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (id == ARGS_END) {
		if (cli->help) {
			cli_usage_command(CMD);
			return CLI_EXIT_OK;
		}
		return cli_usage_error(
		    CMD, _("missing subcommand (list, show, create, book or ledger)"));
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, val) == 0)
			return subs[i].run(cli, a);
	return cli_usage_error(CMD, _("unknown subcommand '%s'"), val);
}
