/* Reference data of the registry: districts (Stadtbezirke), quarters
 * (Quartiere), offices (Ämter) and carrier organisations (Träger). */
#include "handlers.h"
#include "pgrow.h"

static void reference_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__ReferenceList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__reference_list__init(out);
	out->kind = r->rq->reference_list->kind;
	out->items = req_alloc(r, (size_t)n * sizeof(*out->items) + 1);
	for (int i = 0; i < n; i++) {
		Quartier__V1__Reference *it = req_alloc(r, sizeof(*it));
		quartier__v1__reference__init(it);
		it->id = pgrow_i64(res, i, 0);
		it->name = pgrow_str(r, res, i, 1);
		it->short_name = pgrow_str(r, res, i, 2);
		if (!pgrow_null(res, i, 3)) {
			it->has_district_id = 1;
			it->district_id = pgrow_i64(res, i, 3);
		}
		it->org_type = pgrow_str(r, res, i, 4);
		out->items[i] = it;
	}
	out->n_items = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_REFERENCE_LIST;
	r->resp.reference_list = out;
	req_reply(r);
}

void reference_list(req_t *r)
{
	Quartier__V1__ReferenceListRequest *in = r->rq->reference_list;
	const char **p = req_alloc(r, sizeof(*p));
	const char *sql;
	int np = 0;

	switch (in->kind) {
	case QUARTIER__V1__REFERENCE_KIND__REFERENCE_DISTRICT:
		sql = "SELECT id, name, short_name, NULL, NULL FROM district ORDER BY id";
		break;
	case QUARTIER__V1__REFERENCE_KIND__REFERENCE_QUARTER:
		sql = "SELECT id, name, NULL, district_id, NULL FROM quarter "
		      "WHERE $1::bigint IS NULL OR district_id = $1 ORDER BY id";
		p[0] = in->has_district_id && in->district_id > 0 ? req_i64(r, in->district_id) : NULL;
		np = 1;
		break;
	case QUARTIER__V1__REFERENCE_KIND__REFERENCE_OFFICE:
		sql = "SELECT id, name, short_name, NULL, NULL FROM office ORDER BY id";
		break;
	case QUARTIER__V1__REFERENCE_KIND__REFERENCE_ORGANISATION:
		sql = "SELECT id, name, NULL, NULL, org_type FROM organisation ORDER BY id";
		break;
	default:
		req_fail(r, QT_INVALID_ARGUMENT, "unknown reference kind", "kind");
		return;
	}
	req_query(r, sql, np, p, reference_cb);
}

/* ------------------------------------------------------------ sync */

void reference_load(req_t *r, int64_t id)
{
	static const char *const sql[] = {
		[QUARTIER__V1__REFERENCE_KIND__REFERENCE_DISTRICT] =
		    "SELECT id, name, short_name, NULL, NULL FROM district WHERE id = $1",
		[QUARTIER__V1__REFERENCE_KIND__REFERENCE_QUARTER] =
		    "SELECT id, name, NULL, district_id, NULL FROM quarter WHERE id = $1",
		[QUARTIER__V1__REFERENCE_KIND__REFERENCE_OFFICE] =
		    "SELECT id, name, short_name, NULL, NULL FROM office WHERE id = $1",
		[QUARTIER__V1__REFERENCE_KIND__REFERENCE_ORGANISATION] =
		    "SELECT id, name, NULL, NULL, org_type FROM organisation WHERE id = $1",
	};
	const char **p = req_alloc(r, sizeof(*p));
	unsigned kind = (unsigned)r->rq->reference_list->kind;

	if (kind >= sizeof(sql) / sizeof(sql[0]) || sql[kind] == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown reference kind", "kind");
		return;
	}
	p[0] = req_i64(r, id);
	req_query(r, sql[kind], 1, p, reference_cb);
}
