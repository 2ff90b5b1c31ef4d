/* Reference data: districts (Stadtbezirke), quarters (Quartiere), offices
 * (Ämter) and organisations (Träger), read-only lists. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void qt_ref_list_free(qt_ref_t *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].short_name);
		free(list[i].org_type);
	}
	free(list);
}

static qt_status_t reference_from_wire(const Quartier__V1__Reference *w,
                                       qt_ref_t *out)
{
	memset(out, 0, sizeof(*out));
	out->id = w->id;
	out->district_id = w->has_district_id ? w->district_id : 0;
	if (copy_str(w->name != NULL ? w->name : "", &out->name) != QT_OK ||
	    copy_opt_str(w->short_name, &out->short_name) != QT_OK ||
	    copy_opt_str(w->org_type, &out->org_type) != QT_OK) {
		free(out->name);
		free(out->short_name);
		memset(out, 0, sizeof(*out));
		return QT_NOMEM;
	}
	return QT_OK;
}

qt_status_t qt_ref_list(qt_client_t *c, qt_ref_kind_t kind, int64_t district_id,
                        qt_ref_t **out, size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ReferenceListRequest body =
		QUARTIER__V1__REFERENCE_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__ReferenceList *rl;
	qt_ref_t *list = NULL;
	size_t i, count = 0;
	qt_status_t rc;

	client_begin(c);
	body.kind = (Quartier__V1__ReferenceKind)kind;
	body.has_district_id = district_id != 0;
	body.district_id = district_id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_REFERENCE_LIST;
	req.reference_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_REFERENCE_LIST, &in);
	if (rc != QT_OK)
		goto out;
	rl = in->response->reference_list;
	if (rl->n_items > 0) {
		list = calloc(rl->n_items, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < rl->n_items; i++) {
		rc = reference_from_wire(rl->items[i], &list[i]);
		if (rc != QT_OK) {
			rc = client_error(c, rc, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	list = NULL;
out:
	qt_ref_list_free(list, count);
	envelope_free(in);
	return rc;
}
