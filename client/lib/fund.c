/* The quarter fund (Quartiersfonds): funds (create, get, list), booking
 * ledger entries and reading a fund's ledger, the conversion of their wire
 * messages to the public structs, and exact conversion between euro text
 * and integer cents (no floating point anywhere). */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ names and money */

static const char *const fund_kind_names[] = {
    [QT_FUND_ALLOCATION] = "allocation", [QT_FUND_COMMITMENT] = "commitment",
    [QT_FUND_PAYOUT] = "payout",         [QT_FUND_REFUND] = "refund",
    [QT_FUND_CORRECTION] = "correction",
};

#define FUND_NKINDS (sizeof(fund_kind_names) / sizeof(fund_kind_names[0]))

const char *qt_fund_entry_kind_name(qt_fund_entry_kind_t k)
{
	if ((size_t)k > 0 && (size_t)k < FUND_NKINDS)
		return fund_kind_names[k];
	return "unspecified";
}

qt_fund_entry_kind_t qt_fund_entry_kind_parse(const char *s)
{
	if (s == NULL)
		return QT_FUND_ENTRY_UNSPECIFIED;
	for (size_t i = 1; i < FUND_NKINDS; i++)
		if (strcmp(fund_kind_names[i], s) == 0)
			return (qt_fund_entry_kind_t)i;
	return QT_FUND_ENTRY_UNSPECIFIED;
}

qt_status_t qt_euro_parse(const char *s, int64_t *cents)
{
	const char *p = s;
	uint64_t whole = 0, frac = 0;
	int neg = 0, digits = 0;

	if (s == NULL)
		return QT_INVALID_ARGUMENT;
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		/* Checked at every digit, so the next step cannot wrap. */
		if (whole > (uint64_t)INT64_MAX / 100)
			return QT_INVALID_ARGUMENT;
	}
	if (digits == 0)
		return QT_INVALID_ARGUMENT;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
			return QT_INVALID_ARGUMENT;
		frac = (uint64_t)(p[1] - '0') * 10 + (uint64_t)(p[2] - '0');
		p += 3;
	}
	if (*p != '\0' || whole * 100 > (uint64_t)INT64_MAX - frac)
		return QT_INVALID_ARGUMENT;
	*cents = neg ? -(int64_t)(whole * 100 + frac) : (int64_t)(whole * 100 + frac);
	return QT_OK;
}

char *qt_euro_format(char *buf, size_t len, int64_t cents)
{
	/* The magnitude of INT64_MIN does not fit in int64_t. */
	uint64_t u = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;

	snprintf(buf, len, "%s%" PRIu64 ".%02u", cents < 0 ? "-" : "", u / 100,
	         (unsigned)(u % 100));
	return buf;
}

/* ------------------------------------------------------------ conversions */

void qt_fund_clear(qt_fund_t *f)
{
	if (f == NULL)
		return;
	free(f->project_name);
	free(f->quarter_name);
	memset(f, 0, sizeof(*f));
}

void qt_fund_list_free(qt_fund_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_fund_clear(&list[i]);
	free(list);
}

void qt_fund_entry_clear(qt_fund_entry_t *e)
{
	if (e == NULL)
		return;
	free(e->applicant);
	free(e->purpose);
	free(e->decided_in);
	free(e->note);
	free(e->booked_on);
	memset(e, 0, sizeof(*e));
}

void qt_fund_ledger_free(qt_fund_entry_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_fund_entry_clear(&list[i]);
	free(list);
}

/* Fills *f (zeroed first) from w (borrowed); on QT_NOMEM *f holds nothing.
 * Also used for the funds of an annual report (goal.c). */
qt_status_t fund_from_wire(const Quartier__V1__Fund *w, qt_fund_t *f)
{
	memset(f, 0, sizeof(*f));
	f->id = w->id;
	f->project_id = w->project_id;
	f->quarter_id = w->has_quarter_id ? w->quarter_id : 0;
	f->year = w->year;
	f->allocated_cents = w->allocated_cents;
	f->committed_cents = w->committed_cents;
	f->paid_cents = w->paid_cents;
	f->balance_cents = w->balance_cents;
	f->available_cents = w->available_cents;
	f->entry_count = w->has_entry_count ? w->entry_count : 0;
	f->created_at = w->has_created_at ? w->created_at : 0;
	if (copy_opt_str(w->project_name, &f->project_name) != QT_OK ||
	    copy_opt_str(w->quarter_name, &f->quarter_name) != QT_OK) {
		qt_fund_clear(f);
		return QT_NOMEM;
	}
	return QT_OK;
}

static qt_status_t fund_entry_from_wire(const Quartier__V1__FundEntry *w, qt_fund_entry_t *e)
{
	memset(e, 0, sizeof(*e));
	e->id = w->id;
	e->fund_id = w->fund_id;
	e->kind = (qt_fund_entry_kind_t)w->kind;
	e->amount_cents = w->amount_cents;
	e->commitment_id = w->has_commitment_id ? w->commitment_id : 0;
	e->corrects_id = w->has_corrects_id ? w->corrects_id : 0;
	e->account_id = w->has_account_id ? w->account_id : 0;
	e->created_at = w->has_created_at ? w->created_at : 0;
	e->balance_after_cents = w->balance_after_cents;
	e->has_effective_amount = w->has_effective_amount_cents;
	e->effective_amount_cents = w->has_effective_amount_cents ? w->effective_amount_cents : 0;
	e->has_paid = w->has_paid_cents;
	e->paid_cents = w->has_paid_cents ? w->paid_cents : 0;
	if (copy_opt_str(w->applicant, &e->applicant) != QT_OK ||
	    copy_opt_str(w->purpose, &e->purpose) != QT_OK ||
	    copy_opt_str(w->decided_in, &e->decided_in) != QT_OK ||
	    copy_opt_str(w->note, &e->note) != QT_OK ||
	    copy_str(w->booked_on != NULL ? w->booked_on : "", &e->booked_on) != QT_OK) {
		qt_fund_entry_clear(e);
		return QT_NOMEM;
	}
	return QT_OK;
}

/* ------------------------------------------------------------ funds */

/* Sends req and converts the fund in the answer into *out (if not NULL). */
static qt_status_t fund_call(qt_client_t *c, Quartier__V1__Request *req, qt_fund_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_FUND, &in);
	if (rc == QT_OK && out != NULL && fund_from_wire(in->response->fund, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_fund_create(qt_client_t *c, int64_t project_id, int64_t quarter_id, int32_t year,
                           qt_fund_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundCreateRequest body = QUARTIER__V1__FUND_CREATE_REQUEST__INIT;

	client_begin(c);
	body.project_id = project_id;
	body.has_quarter_id = quarter_id != 0;
	body.quarter_id = quarter_id;
	body.year = year;
	req.body_case = QUARTIER__V1__REQUEST__BODY_FUND_CREATE;
	req.fund_create = &body;
	return fund_call(c, &req, out);
}

qt_status_t qt_fund_get(qt_client_t *c, int64_t id, qt_fund_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundGetRequest body = QUARTIER__V1__FUND_GET_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_FUND_GET;
	req.fund_get = &body;
	return fund_call(c, &req, out);
}

qt_status_t qt_fund_list(qt_client_t *c, const qt_fund_filter_t *f, qt_fund_t **out, size_t *n,
                         int64_t *next_after_id)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundListRequest body = QUARTIER__V1__FUND_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__FundList *fl;
	qt_fund_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	if (f != NULL) {
		body.has_project_id = f->project_id != 0;
		body.project_id = f->project_id;
		body.has_year = f->year != 0;
		body.year = f->year;
		body.has_page_size = f->page_size != 0;
		body.page_size = f->page_size;
		body.has_after_id = f->after_id != 0;
		body.after_id = f->after_id;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_FUND_LIST;
	req.fund_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_FUND_LIST, &in);
	if (rc != QT_OK)
		goto out;
	fl = in->response->fund_list;
	if (fl->n_funds > 0) {
		list = calloc(fl->n_funds, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < fl->n_funds; i++) {
		if (fund_from_wire(fl->funds[i], &list[i]) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	if (next_after_id != NULL)
		*next_after_id = fl->has_next_after_id ? fl->next_after_id : 0;
	list = NULL;
out:
	qt_fund_list_free(list, count);
	envelope_free(in);
	return rc;
}

/* ------------------------------------------------------------ ledger */

qt_status_t qt_fund_entry_add(qt_client_t *c, const qt_fund_entry_new_t *e, qt_fund_entry_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundEntryAddRequest body = QUARTIER__V1__FUND_ENTRY_ADD_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	if (e == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "fund_entry", "no entry");
	body.fund_id = e->fund_id;
	body.kind = (Quartier__V1__FundEntryKind)e->kind;
	body.amount_cents = e->amount_cents;
	body.has_commitment_id = e->commitment_id != 0;
	body.commitment_id = e->commitment_id;
	body.has_corrects_id = e->corrects_id != 0;
	body.corrects_id = e->corrects_id;
	body.applicant = (char *)e->applicant;
	body.purpose = (char *)e->purpose;
	body.decided_in = (char *)e->decided_in;
	body.note = (char *)e->note;
	body.booked_on = (char *)e->booked_on;
	req.body_case = QUARTIER__V1__REQUEST__BODY_FUND_ENTRY_ADD;
	req.fund_entry_add = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_FUND_ENTRY, &in);
	if (rc == QT_OK && out != NULL &&
	    fund_entry_from_wire(in->response->fund_entry, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_fund_ledger(qt_client_t *c, int64_t fund_id, uint32_t page_size, int64_t after_id,
                           qt_fund_entry_t **out, size_t *n, int64_t *next_after_id)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__FundLedgerRequest body = QUARTIER__V1__FUND_LEDGER_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__FundLedger *fl;
	qt_fund_entry_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	body.fund_id = fund_id;
	body.has_page_size = page_size != 0;
	body.page_size = page_size;
	body.has_after_id = after_id != 0;
	body.after_id = after_id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_FUND_LEDGER;
	req.fund_ledger = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_FUND_LEDGER, &in);
	if (rc != QT_OK)
		goto out;
	fl = in->response->fund_ledger;
	if (fl->n_entries > 0) {
		list = calloc(fl->n_entries, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < fl->n_entries; i++) {
		if (fund_entry_from_wire(fl->entries[i], &list[i]) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	if (next_after_id != NULL)
		*next_after_id = fl->has_next_after_id ? fl->next_after_id : 0;
	list = NULL;
out:
	qt_fund_ledger_free(list, count);
	envelope_free(in);
	return rc;
}
