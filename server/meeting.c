/* Inter-office coordination (ämterübergreifende Kooperation, AGSP):
 * meetings and their lifecycle, the agenda backlog, scheduling items onto
 * meetings, per-item outcomes and the hand-overs they create, which the
 * receiving office acknowledges and reports done or declined.  Permission
 * (perm.c) and state (meeting_lifecycle.c) are judged here on the rows as
 * stored; every change is one call of a SQL function that re-checks the
 * state, writes the rows and the audit rows in one transaction and returns
 * the id to answer with, which is then read back through the views. */
#include <string.h>

#include "handlers.h"
#include "meeting_lifecycle.h"
#include "pgrow.h"
#include "validate.h"

#define MEETING_TITLE_MAX    200
#define MEETING_PLACE_MAX    200
#define MEETING_IDS_MAX      50
#define AGENDA_TEXT_MAX      20000
#define AGENDA_MINUTES_MAX   480
#define HANDOVER_OFFICES_MAX 20
#define HANDOVER_REASON_MAX  2000
#define MEETING_LIST_DEFAULT 100
#define MEETING_LIST_MAX     500
/* Unix seconds of 1900-01-01 and 2200-01-01 UTC: times lie in the years
 * dates may have (validate_date()). */
#define MEETING_TIME_MIN (-2208988800LL)
#define MEETING_TIME_MAX 7258118400LL

#define MEETING_COLS                                                                   \
	"id, version, title, status, starts_at, ends_at, place, organiser_office_id, "      \
	"organiser_office_name, created_at, updated_at, quarter_ids, district_ids, "        \
	"project_ids, participant_office_ids, participant_office_names, "                   \
	"participant_office_attended, participant_person_ids, participant_person_names, "   \
	"participant_person_attended"
#define ENTRY_COLS                                                                     \
	"meeting_id, item_id, position, outcome, outcome_text, handover_id, recorded_at, "  \
	"item_title, meeting_title, meeting_starts_at, origin, origin_name, "               \
	"requested_minutes"
#define ITEM_COLS                                                                      \
	"id, version, title, description, origin, origin_project_id, origin_quarter_id, "   \
	"origin_office_id, origin_name, proposed_by, requested_minutes, status, "           \
	"meeting_id, position, project_ids, created_at, updated_at"
#define HANDOVER_COLS                                                                  \
	"id, version, item_id, meeting_id, lead_office_id, lead_office_name, office_ids, "  \
	"due_date, status, note, reason, item_title, project_ids, acknowledged_by, "        \
	"acknowledged_at, closed_by, closed_at, created_at, updated_at, meeting_title"

/* The state of one request of this file, in its arena. */
typedef struct meeting_ctx {
	const char *params[20];           /* query parameters, borrowed by the pool */
	const char *answer_id[1];         /* the record to read back and answer with */
	Quartier__V1__Meeting *meeting;   /* meeting answer being assembled */
	Quartier__V1__AgendaItem **items; /* item answers being assembled */
	size_t n_items;
	int single;                       /* answer one item (agenda_item), not a list */
	uint32_t limit;
} meeting_ctx_t;

static meeting_ctx_t *meeting_ctx(req_t *r)
{
	meeting_ctx_t *ctx = req_alloc(r, sizeof(*ctx));

	r->ctx = ctx;
	return ctx;
}

/* ------------------------------------------------------------ rows */

/* A text cell as an optional string: NULL for SQL NULL and "". */
static char *meeting_opt_str(req_t *r, const PGresult *res, int row, int col)
{
	if (pgrow_null(res, row, col) || PQgetvalue(res, row, col)[0] == '\0')
		return NULL;
	return pgrow_str(r, res, row, col);
}

static void meeting_opt_i64(const PGresult *res, int row, int col, protobuf_c_boolean *has,
                            int64_t *v)
{
	*has = !pgrow_null(res, row, col);
	*v = *has ? pgrow_i64(res, row, col) : 0;
}

static void meeting_opt_u32(const PGresult *res, int row, int col, protobuf_c_boolean *has,
                            uint32_t *v)
{
	*has = !pgrow_null(res, row, col);
	*v = *has ? (uint32_t)pgrow_i64(res, row, col) : 0;
}

/* Participants from the parallel id, name and attended arrays at col. */
static void meeting_participants(req_t *r, const PGresult *res, int row, int col, int office,
                                 Quartier__V1__MeetingParticipant **out, size_t *n)
{
	size_t n_ids, n_names, n_att;
	int64_t *ids = pgrow_i64_array(r, PQgetvalue(res, row, col), &n_ids);
	char **names = pgrow_str_array(r, PQgetvalue(res, row, col + 1), &n_names);
	char **att = pgrow_str_array(r, PQgetvalue(res, row, col + 2), &n_att);

	for (size_t i = 0; i < n_ids; i++) {
		Quartier__V1__MeetingParticipant *p = req_alloc(r, sizeof(*p));

		quartier__v1__meeting_participant__init(p);
		if (office) {
			p->has_office_id = 1;
			p->office_id = ids[i];
		} else {
			p->has_person_id = 1;
			p->person_id = ids[i];
		}
		p->name = i < n_names ? names[i] : NULL;
		p->has_attended = 1;
		p->attended = i < n_att && att[i][0] == 't';
		out[(*n)++] = p;
	}
}

static Quartier__V1__Meeting *meeting_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__Meeting *m = req_alloc(r, sizeof(*m));
	size_t n_off, n_per;

	quartier__v1__meeting__init(m);
	m->id = pgrow_i64(res, row, 0);
	m->version = pgrow_i64(res, row, 1);
	m->title = pgrow_str(r, res, row, 2);
	m->status = (Quartier__V1__MeetingStatus)meeting_lifecycle_parse(PQgetvalue(res, row, 3));
	m->starts_at = pgrow_i64(res, row, 4);
	meeting_opt_i64(res, row, 5, &m->has_ends_at, &m->ends_at);
	m->place = meeting_opt_str(r, res, row, 6);
	m->organiser_office_id = pgrow_i64(res, row, 7);
	m->organiser_office_name = pgrow_str(r, res, row, 8);
	m->has_created_at = m->has_updated_at = 1;
	m->created_at = pgrow_i64(res, row, 9);
	m->updated_at = pgrow_i64(res, row, 10);
	m->quarter_ids = pgrow_i64_array(r, PQgetvalue(res, row, 11), &m->n_quarter_ids);
	m->district_ids = pgrow_i64_array(r, PQgetvalue(res, row, 12), &m->n_district_ids);
	m->project_ids = pgrow_i64_array(r, PQgetvalue(res, row, 13), &m->n_project_ids);
	pgrow_i64_array(r, PQgetvalue(res, row, 14), &n_off);
	pgrow_i64_array(r, PQgetvalue(res, row, 17), &n_per);
	m->participants = req_alloc(r, (n_off + n_per + 1) * sizeof(*m->participants));
	meeting_participants(r, res, row, 14, 1, m->participants, &m->n_participants);
	meeting_participants(r, res, row, 17, 0, m->participants, &m->n_participants);
	return m;
}

static Quartier__V1__AgendaEntry *meeting_entry_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__AgendaEntry *e = req_alloc(r, sizeof(*e));

	quartier__v1__agenda_entry__init(e);
	e->meeting_id = pgrow_i64(res, row, 0);
	e->item_id = pgrow_i64(res, row, 1);
	e->position = (uint32_t)pgrow_i64(res, row, 2);
	if (!pgrow_null(res, row, 3)) {
		e->has_outcome = 1;
		e->outcome = (Quartier__V1__AgendaOutcome)meeting_lifecycle_outcome_parse(
		    PQgetvalue(res, row, 3));
	}
	e->outcome_text = meeting_opt_str(r, res, row, 4);
	meeting_opt_i64(res, row, 5, &e->has_handover_id, &e->handover_id);
	meeting_opt_i64(res, row, 6, &e->has_recorded_at, &e->recorded_at);
	e->item_title = pgrow_str(r, res, row, 7);
	e->meeting_title = pgrow_str(r, res, row, 8);
	meeting_opt_i64(res, row, 9, &e->has_meeting_starts_at, &e->meeting_starts_at);
	e->has_origin = 1;
	e->origin = (Quartier__V1__AgendaOrigin)meeting_lifecycle_origin_parse(
	    PQgetvalue(res, row, 10));
	e->origin_name = pgrow_str(r, res, row, 11);
	meeting_opt_u32(res, row, 12, &e->has_requested_minutes, &e->requested_minutes);
	return e;
}

static Quartier__V1__AgendaItem *meeting_item_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__AgendaItem *it = req_alloc(r, sizeof(*it));

	quartier__v1__agenda_item__init(it);
	it->id = pgrow_i64(res, row, 0);
	it->version = pgrow_i64(res, row, 1);
	it->title = pgrow_str(r, res, row, 2);
	it->description = meeting_opt_str(r, res, row, 3);
	it->origin = (Quartier__V1__AgendaOrigin)meeting_lifecycle_origin_parse(
	    PQgetvalue(res, row, 4));
	meeting_opt_i64(res, row, 5, &it->has_origin_project_id, &it->origin_project_id);
	meeting_opt_i64(res, row, 6, &it->has_origin_quarter_id, &it->origin_quarter_id);
	meeting_opt_i64(res, row, 7, &it->has_origin_office_id, &it->origin_office_id);
	it->origin_name = pgrow_str(r, res, row, 8);
	meeting_opt_i64(res, row, 9, &it->has_proposed_by, &it->proposed_by);
	meeting_opt_u32(res, row, 10, &it->has_requested_minutes, &it->requested_minutes);
	it->status = (Quartier__V1__AgendaItemStatus)meeting_lifecycle_item_parse(
	    PQgetvalue(res, row, 11));
	meeting_opt_i64(res, row, 12, &it->has_meeting_id, &it->meeting_id);
	meeting_opt_u32(res, row, 13, &it->has_position, &it->position);
	it->project_ids = pgrow_i64_array(r, PQgetvalue(res, row, 14), &it->n_project_ids);
	it->has_created_at = it->has_updated_at = 1;
	it->created_at = pgrow_i64(res, row, 15);
	it->updated_at = pgrow_i64(res, row, 16);
	return it;
}

static Quartier__V1__Handover *meeting_handover_row(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__Handover *h = req_alloc(r, sizeof(*h));

	quartier__v1__handover__init(h);
	h->id = pgrow_i64(res, row, 0);
	h->version = pgrow_i64(res, row, 1);
	h->item_id = pgrow_i64(res, row, 2);
	h->meeting_id = pgrow_i64(res, row, 3);
	h->lead_office_id = pgrow_i64(res, row, 4);
	h->lead_office_name = pgrow_str(r, res, row, 5);
	h->office_ids = pgrow_i64_array(r, PQgetvalue(res, row, 6), &h->n_office_ids);
	h->due_date = pgrow_str(r, res, row, 7);
	h->status = (Quartier__V1__HandoverStatus)meeting_lifecycle_handover_parse(
	    PQgetvalue(res, row, 8));
	h->note = meeting_opt_str(r, res, row, 9);
	h->reason = meeting_opt_str(r, res, row, 10);
	h->item_title = pgrow_str(r, res, row, 11);
	h->project_ids = pgrow_i64_array(r, PQgetvalue(res, row, 12), &h->n_project_ids);
	meeting_opt_i64(res, row, 13, &h->has_acknowledged_by, &h->acknowledged_by);
	meeting_opt_i64(res, row, 14, &h->has_acknowledged_at, &h->acknowledged_at);
	meeting_opt_i64(res, row, 15, &h->has_closed_by, &h->closed_by);
	meeting_opt_i64(res, row, 16, &h->has_closed_at, &h->closed_at);
	h->has_created_at = h->has_updated_at = 1;
	h->created_at = pgrow_i64(res, row, 17);
	h->updated_at = pgrow_i64(res, row, 18);
	h->meeting_title = pgrow_str(r, res, row, 19);
	return h;
}

/* ------------------------------------------------------------ answers */

/* A meeting is answered with its agenda and its hand-overs: three reads. */
static void meeting_handovers_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	Quartier__V1__Meeting *m = ctx->meeting;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	m->handovers = req_alloc(r, ((size_t)n + 1) * sizeof(*m->handovers));
	for (int i = 0; i < n; i++)
		m->handovers[i] = meeting_handover_row(r, res, i);
	m->n_handovers = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_MEETING;
	r->resp.meeting = m;
	req_reply(r);
}

static void meeting_agenda_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	Quartier__V1__Meeting *m = ctx->meeting;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	m->agenda = req_alloc(r, ((size_t)n + 1) * sizeof(*m->agenda));
	for (int i = 0; i < n; i++)
		m->agenda[i] = meeting_entry_row(r, res, i);
	m->n_agenda = (size_t)n;
	req_query(r, "SELECT " HANDOVER_COLS " FROM handover_v WHERE meeting_id = $1 ORDER BY id", 1,
	          ctx->answer_id, meeting_handovers_cb);
}

static void meeting_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such meeting", "id");
		return;
	}
	ctx->meeting = meeting_row(r, res, 0);
	req_query(r,
	          "SELECT " ENTRY_COLS " FROM agenda_entry_v WHERE meeting_id = $1 "
	          "ORDER BY position, id",
	          1, ctx->answer_id, meeting_agenda_cb);
}

static void meeting_answer(req_t *r, int64_t id)
{
	meeting_ctx_t *ctx = r->ctx;

	ctx->answer_id[0] = req_i64(r, id);
	req_query(r, "SELECT " MEETING_COLS " FROM meeting_v WHERE id = $1", 1, ctx->answer_id,
	          meeting_loaded_cb);
}

/* A SQL function changed a meeting and returned its id. */
static void meeting_changed_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	meeting_answer(r, pgrow_i64(res, 0, 0));
}

/* Items are answered with their history: the entries of every item read. */
static void meeting_items_history_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	for (size_t k = 0; k < ctx->n_items; k++)
		ctx->items[k]->history = req_alloc(r, ((size_t)n + 1) * sizeof(void *));
	/* Rows come ordered by item and id, items by id: one merge pass. */
	for (int i = 0, k = 0; i < n && (size_t)k < ctx->n_items; i++) {
		int64_t item = pgrow_i64(res, i, 1);
		Quartier__V1__AgendaItem *it;

		while ((size_t)k < ctx->n_items && ctx->items[k]->id < item)
			k++;
		if ((size_t)k == ctx->n_items || ctx->items[k]->id != item)
			continue;
		it = ctx->items[k];
		it->history[it->n_history++] = meeting_entry_row(r, res, i);
	}
	if (ctx->single) {
		r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_AGENDA_ITEM;
		r->resp.agenda_item = ctx->items[0];
	} else {
		Quartier__V1__AgendaItemList *out = req_alloc(r, sizeof(*out));

		quartier__v1__agenda_item_list__init(out);
		out->items = ctx->items;
		out->n_items = ctx->n_items;
		r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_AGENDA_LIST;
		r->resp.agenda_list = out;
	}
	req_reply(r);
}

/* Rows of ITEM_COLS ordered by id. */
static void meeting_items_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	int64_t *ids;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	if (ctx->single && n != 1) {
		req_fail(r, QT_NOT_FOUND, "no such agenda item", "item_id");
		return;
	}
	ctx->items = req_alloc(r, ((size_t)n + 1) * sizeof(*ctx->items));
	ids = req_alloc(r, ((size_t)n + 1) * sizeof(*ids));
	for (int i = 0; i < n; i++) {
		ctx->items[i] = meeting_item_row(r, res, i);
		ids[i] = ctx->items[i]->id;
	}
	ctx->n_items = (size_t)n;
	ctx->answer_id[0] = req_id_array(r, ids, (size_t)n);
	req_query(r,
	          "SELECT " ENTRY_COLS " FROM agenda_entry_v WHERE item_id = ANY ($1::bigint[]) "
	          "ORDER BY item_id, id",
	          1, ctx->answer_id, meeting_items_history_cb);
}

static void meeting_item_answer(req_t *r, int64_t id)
{
	meeting_ctx_t *ctx = r->ctx;

	ctx->single = 1;
	ctx->answer_id[0] = req_i64(r, id);
	req_query(r, "SELECT " ITEM_COLS " FROM agenda_item_v WHERE id = $1", 1, ctx->answer_id,
	          meeting_items_loaded_cb);
}

static void meeting_item_changed_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	meeting_item_answer(r, pgrow_i64(res, 0, 0));
}

static void meeting_handover_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such hand-over", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_HANDOVER;
	r->resp.handover = meeting_handover_row(r, res, 0);
	req_reply(r);
}

static void meeting_handover_changed_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	ctx->answer_id[0] = req_i64(r, pgrow_i64(res, 0, 0));
	req_query(r, "SELECT " HANDOVER_COLS " FROM handover_v WHERE id = $1", 1, ctx->answer_id,
	          meeting_handover_loaded_cb);
}

/* ------------------------------------------------------------ validation */

static qt_status_t meeting_check_time(validation_t *v, const char *field, int64_t t)
{
	if (t < MEETING_TIME_MIN || t >= MEETING_TIME_MAX) {
		v->field = field;
		snprintf(v->message, sizeof(v->message),
		         "%s must lie between the years 1900 and 2199", field);
		return QT_INVALID_ARGUMENT;
	}
	return QT_OK;
}

static qt_status_t meeting_check_order(validation_t *v, int64_t starts, int64_t ends)
{
	if (ends < starts) {
		v->field = "ends_at";
		snprintf(v->message, sizeof(v->message), "ends_at lies before starts_at");
		return QT_INVALID_ARGUMENT;
	}
	return QT_OK;
}

static qt_status_t meeting_check_scope(validation_t *v, const int64_t *q, size_t nq,
                                       const int64_t *d, size_t nd, const int64_t *p, size_t np)
{
	if (validate_ids(v, "quarter_ids", q, nq, 0, MEETING_IDS_MAX) != QT_OK ||
	    validate_ids(v, "district_ids", d, nd, 0, MEETING_IDS_MAX) != QT_OK ||
	    validate_ids(v, "project_ids", p, np, 0, MEETING_IDS_MAX) != QT_OK)
		return QT_INVALID_ARGUMENT;
	return QT_OK;
}

static qt_status_t meeting_check_participants(validation_t *v, const char *f_off,
                                              const int64_t *o, size_t no, const char *f_per,
                                              const int64_t *p, size_t np)
{
	if (validate_ids(v, f_off, o, no, 0, MEETING_IDS_MAX) != QT_OK ||
	    validate_ids(v, f_per, p, np, 0, MEETING_IDS_MAX) != QT_OK)
		return QT_INVALID_ARGUMENT;
	return QT_OK;
}

static const char *meeting_denied(const actor_t *a)
{
	return a->role == ROLE_OFFICE
	           ? "only staff of the organising office (or admins) manage this meeting"
	           : "only the organising office's staff and admins manage meetings";
}

static void meeting_fail_version(req_t *r, const char *what, int64_t version)
{
	req_fail(r, QT_CONFLICT,
	         req_printf(r, "the %s was changed meanwhile (now version %lld); reload and try again",
	                    what, (long long)version),
	         "expected_version");
}

/* ------------------------------------------------------------ meetings */

void meeting_create(req_t *r)
{
	Quartier__V1__MeetingCreateRequest *in = r->rq->meeting_create;
	meeting_ctx_t *ctx = meeting_ctx(r);
	const char **p = ctx->params;
	int64_t organiser;
	validation_t v;
	qt_status_t st;

	if (validate_text(&v, "title", in->title, 1, MEETING_TITLE_MAX, 0) != QT_OK ||
	    meeting_check_time(&v, "starts_at", in->starts_at) != QT_OK ||
	    (in->has_ends_at && (meeting_check_time(&v, "ends_at", in->ends_at) != QT_OK ||
	                         meeting_check_order(&v, in->starts_at, in->ends_at) != QT_OK)) ||
	    (in->place != NULL &&
	     validate_text(&v, "place", in->place, 0, MEETING_PLACE_MAX, 0) != QT_OK) ||
	    (in->has_organiser_office_id &&
	     validate_id(&v, "organiser_office_id", in->organiser_office_id) != QT_OK) ||
	    meeting_check_scope(&v, in->quarter_ids, in->n_quarter_ids, in->district_ids,
	                        in->n_district_ids, in->project_ids, in->n_project_ids) != QT_OK ||
	    meeting_check_participants(&v, "participant_office_ids", in->participant_office_ids,
	                               in->n_participant_office_ids, "participant_person_ids",
	                               in->participant_person_ids,
	                               in->n_participant_person_ids) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	/* Office staff organise for their own office by default. */
	organiser = in->has_organiser_office_id ? in->organiser_office_id : r->actor.office_id;
	if (organiser == 0 && r->actor.role == ROLE_ADMIN) {
		req_fail(r, QT_INVALID_ARGUMENT, "organiser_office_id is required",
		         "organiser_office_id");
		return;
	}
	st = perm_meeting_create(&r->actor, organiser);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_OFFICE
		             ? "office staff create meetings organised by their own office"
		             : "only office staff and admins create meetings",
		         "organiser_office_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = in->title;
	p[2] = req_i64(r, in->starts_at);
	p[3] = in->has_ends_at ? req_i64(r, in->ends_at) : NULL;
	p[4] = in->place;
	p[5] = req_i64(r, organiser);
	p[6] = req_id_array(r, in->quarter_ids, in->n_quarter_ids);
	p[7] = req_id_array(r, in->district_ids, in->n_district_ids);
	p[8] = req_id_array(r, in->project_ids, in->n_project_ids);
	p[9] = req_id_array(r, in->participant_office_ids, in->n_participant_office_ids);
	p[10] = req_id_array(r, in->participant_person_ids, in->n_participant_person_ids);
	req_mutate(r,
	          "SELECT qt_meeting_create($1, $2, $3::bigint, $4::bigint, $5, $6, $7::bigint[], "
	          "$8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])",
	          11, p, meeting_changed_cb);
}

void meeting_get(req_t *r)
{
	meeting_ctx(r);
	if (r->rq->meeting_get->id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "id must be a positive id", "id");
		return;
	}
	meeting_answer(r, r->rq->meeting_get->id);
}

static void meeting_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__MeetingList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__meeting_list__init(out);
	out->meetings = req_alloc(r, ((size_t)n + 1) * sizeof(*out->meetings));
	for (int i = 0; i < n; i++)
		out->meetings[i] = meeting_row(r, res, i);
	out->n_meetings = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_MEETING_LIST;
	r->resp.meeting_list = out;
	req_reply(r);
}

void meeting_list(req_t *r)
{
	Quartier__V1__MeetingListRequest *in = r->rq->meeting_list;
	meeting_ctx_t *ctx = meeting_ctx(r);
	const char **p = ctx->params;
	uint32_t limit = in->has_limit && in->limit > 0 ? in->limit : MEETING_LIST_DEFAULT;

	if (limit > MEETING_LIST_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "limit must not exceed 500", "limit");
		return;
	}
	if (in->has_status && in->status != 0 && meeting_lifecycle_name(in->status) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown meeting status", "status");
		return;
	}
	p[0] = in->has_status && in->status != 0 ? meeting_lifecycle_name(in->status) : NULL;
	p[1] = in->has_organiser_office_id && in->organiser_office_id > 0
	           ? req_i64(r, in->organiser_office_id) : NULL;
	p[2] = in->has_project_id && in->project_id > 0 ? req_i64(r, in->project_id) : NULL;
	p[3] = in->has_from ? req_i64(r, in->from) : NULL;
	p[4] = in->has_until ? req_i64(r, in->until) : NULL;
	p[5] = req_printf(r, "%u", limit);
	req_query(r,
	          "SELECT " MEETING_COLS " FROM meeting_v v "
	          "WHERE ($1::text IS NULL OR v.status = $1) "
	          "AND ($2::bigint IS NULL OR v.organiser_office_id = $2) "
	          "AND ($3::bigint IS NULL OR $3 = ANY (v.project_ids)) "
	          "AND ($4::bigint IS NULL OR v.starts_at >= $4) "
	          "AND ($5::bigint IS NULL OR v.starts_at < $5) "
	          "ORDER BY v.starts_at, v.id LIMIT $6::int",
	          6, p, meeting_list_cb);
}

/* The meeting as update and transition judge it: organiser, status,
 * version. */
typedef struct meeting_stored {
	int64_t organiser;
	int status;
	int64_t version;
} meeting_stored_t;

static int meeting_stored(req_t *r, const PGresult *res, const db_error_t *err,
                          meeting_stored_t *out)
{
	if (err != NULL) {
		req_fail_db(r, err);
		return -1;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such meeting", "id");
		return -1;
	}
	out->organiser = pgrow_i64(res, 0, 0);
	out->status = meeting_lifecycle_parse(PQgetvalue(res, 0, 1));
	out->version = pgrow_i64(res, 0, 2);
	if (perm_meeting_manage(&r->actor, out->organiser) != QT_OK) {
		req_fail(r, perm_meeting_manage(&r->actor, out->organiser), meeting_denied(&r->actor),
		         "id");
		return -1;
	}
	return 0;
}

#define MEETING_STORED_SQL "SELECT organiser_office_id, status, version FROM meeting WHERE id = $1"

static void meeting_update_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	Quartier__V1__MeetingUpdateRequest *in = r->rq->meeting_update;
	const char **p = ctx->params;
	meeting_stored_t cur;

	if (meeting_stored(r, res, err, &cur) != 0)
		return;
	if (cur.status == MEETING_MINUTES_APPROVED) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         "the minutes are approved; the meeting can no longer be changed", "id");
		return;
	}
	if (cur.version != in->expected_version) {
		meeting_fail_version(r, "meeting", cur.version);
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = in->title;
	p[4] = in->has_starts_at ? req_i64(r, in->starts_at) : NULL;
	p[5] = in->has_ends_at ? "t" : "f";
	p[6] = in->has_ends_at && in->ends_at != 0 ? req_i64(r, in->ends_at) : NULL;
	p[7] = in->place;
	p[8] = in->set_scope ? "t" : "f";
	p[9] = req_id_array(r, in->quarter_ids, in->n_quarter_ids);
	p[10] = req_id_array(r, in->district_ids, in->n_district_ids);
	p[11] = req_id_array(r, in->project_ids, in->n_project_ids);
	p[12] = in->set_participants ? "t" : "f";
	p[13] = req_id_array(r, in->participant_office_ids, in->n_participant_office_ids);
	p[14] = req_id_array(r, in->participant_person_ids, in->n_participant_person_ids);
	p[15] = in->set_attended ? "t" : "f";
	p[16] = req_id_array(r, in->attended_office_ids, in->n_attended_office_ids);
	p[17] = req_id_array(r, in->attended_person_ids, in->n_attended_person_ids);
	req_mutate(r,
	          "SELECT qt_meeting_update($1, $2, $3, $4, $5::bigint, $6, $7::bigint, $8, $9, "
	          "$10::bigint[], $11::bigint[], $12::bigint[], $13, $14::bigint[], $15::bigint[], "
	          "$16, $17::bigint[], $18::bigint[])",
	          18, p, meeting_changed_cb);
}

void meeting_update(req_t *r)
{
	Quartier__V1__MeetingUpdateRequest *in = r->rq->meeting_update;
	meeting_ctx_t *ctx = meeting_ctx(r);
	validation_t v;

	if (validate_id(&v, "id", in->id) != QT_OK ||
	    (in->title != NULL &&
	     validate_text(&v, "title", in->title, 1, MEETING_TITLE_MAX, 0) != QT_OK) ||
	    (in->has_starts_at && meeting_check_time(&v, "starts_at", in->starts_at) != QT_OK) ||
	    (in->has_ends_at && in->ends_at != 0 &&
	     meeting_check_time(&v, "ends_at", in->ends_at) != QT_OK) ||
	    (in->has_starts_at && in->has_ends_at && in->ends_at != 0 &&
	     meeting_check_order(&v, in->starts_at, in->ends_at) != QT_OK) ||
	    (in->place != NULL &&
	     validate_text(&v, "place", in->place, 0, MEETING_PLACE_MAX, 0) != QT_OK) ||
	    meeting_check_scope(&v, in->quarter_ids, in->n_quarter_ids, in->district_ids,
	                        in->n_district_ids, in->project_ids, in->n_project_ids) != QT_OK ||
	    meeting_check_participants(&v, "participant_office_ids", in->participant_office_ids,
	                               in->n_participant_office_ids, "participant_person_ids",
	                               in->participant_person_ids,
	                               in->n_participant_person_ids) != QT_OK ||
	    meeting_check_participants(&v, "attended_office_ids", in->attended_office_ids,
	                               in->n_attended_office_ids, "attended_person_ids",
	                               in->attended_person_ids,
	                               in->n_attended_person_ids) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if ((!in->set_scope && (in->n_quarter_ids || in->n_district_ids || in->n_project_ids)) ||
	    (!in->set_participants &&
	     (in->n_participant_office_ids || in->n_participant_person_ids)) ||
	    (!in->set_attended && (in->n_attended_office_ids || in->n_attended_person_ids))) {
		req_fail(r, QT_INVALID_ARGUMENT, "a list was sent without its set_* flag", "set_scope");
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, MEETING_STORED_SQL, 1, ctx->params, meeting_update_loaded_cb);
}

static void meeting_transition_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	Quartier__V1__MeetingTransitionRequest *in = r->rq->meeting_transition;
	const char **p = ctx->params;
	meeting_stored_t cur;
	const char *why;

	if (meeting_stored(r, res, err, &cur) != 0)
		return;
	why = meeting_lifecycle_check(cur.status, in->to);
	if (why != NULL) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         req_printf(r, "%s -> %s: %s", meeting_lifecycle_name(cur.status),
		                    meeting_lifecycle_name(in->to), why),
		         "to");
		return;
	}
	if (cur.version != in->expected_version) {
		meeting_fail_version(r, "meeting", cur.version);
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = meeting_lifecycle_name(cur.status);
	p[4] = meeting_lifecycle_name(in->to);
	req_mutate(r, "SELECT qt_meeting_transition($1, $2, $3, $4, $5)", 5, p, meeting_changed_cb);
}

void meeting_transition(req_t *r)
{
	Quartier__V1__MeetingTransitionRequest *in = r->rq->meeting_transition;
	meeting_ctx_t *ctx = meeting_ctx(r);
	validation_t v;

	if (validate_id(&v, "id", in->id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (meeting_lifecycle_name(in->to) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown target status", "to");
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, MEETING_STORED_SQL, 1, ctx->params, meeting_transition_loaded_cb);
}

/* ------------------------------------------------------------ agenda: propose */

static void agenda_propose_run(req_t *r, const perm_project_t *project,
                               int64_t quarter_district_id)
{
	Quartier__V1__AgendaProposeRequest *in = r->rq->agenda_propose;
	meeting_ctx_t *ctx = r->ctx;
	const char **p = ctx->params;
	perm_agenda_origin_t o;
	int64_t office = in->has_origin_office_id ? in->origin_office_id : r->actor.office_id;
	qt_status_t st;

	memset(&o, 0, sizeof(o));
	o.origin = in->origin;
	o.office_id = office;
	o.project = project;
	o.quarter_district_id = quarter_district_id;
	st = perm_agenda_propose(&r->actor, &o);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_COORDINATOR
		             ? "coordinators propose bottom-up items of the projects they coordinate"
		         : r->actor.role == ROLE_OFFICE
		             ? "office staff propose top-down items of their own office"
		         : r->actor.role == ROLE_DISTRICT_HEAD
		             ? "district heads propose bottom-up items of projects and quarters in "
		               "their district"
		             : "you may not propose agenda items",
		         in->origin == QUARTIER__V1__AGENDA_ORIGIN__AGENDA_ORIGIN_BOTTOM_UP
		             ? "origin_project_id" : "origin_office_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = in->title;
	p[2] = in->description;
	p[3] = meeting_lifecycle_origin_name(in->origin);
	p[4] = in->has_origin_project_id ? req_i64(r, in->origin_project_id) : NULL;
	p[5] = in->has_origin_quarter_id ? req_i64(r, in->origin_quarter_id) : NULL;
	p[6] = in->origin == QUARTIER__V1__AGENDA_ORIGIN__AGENDA_ORIGIN_TOP_DOWN
	           ? req_i64(r, office) : NULL;
	p[7] = req_id_array(r, in->project_ids, in->n_project_ids);
	p[8] = in->has_requested_minutes ? req_i64(r, in->requested_minutes) : NULL;
	req_mutate(r,
	          "SELECT qt_agenda_propose($1, $2, $3, $4, $5::bigint, $6::bigint, $7::bigint, "
	          "$8::bigint[], $9::int)",
	          9, p, meeting_item_changed_cb);
}

static void agenda_propose_project_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	perm_project_t pp;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown project %lld",
		                    (long long)r->rq->agenda_propose->origin_project_id),
		         "origin_project_id");
		return;
	}
	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 0), &pp.n_lead_office_ids);
	pp.coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 1), &pp.n_coordinator_ids);
	pp.district_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 2), &pp.n_district_ids);
	agenda_propose_run(r, &pp, pgrow_i64(res, 0, 3));
}

void agenda_propose(req_t *r)
{
	Quartier__V1__AgendaProposeRequest *in = r->rq->agenda_propose;
	meeting_ctx_t *ctx = meeting_ctx(r);
	int bottom_up = in->origin == QUARTIER__V1__AGENDA_ORIGIN__AGENDA_ORIGIN_BOTTOM_UP;
	validation_t v;

	if (validate_text(&v, "title", in->title, 1, MEETING_TITLE_MAX, 0) != QT_OK ||
	    (in->description != NULL &&
	     validate_text(&v, "description", in->description, 0, AGENDA_TEXT_MAX, 1) != QT_OK) ||
	    validate_ids(&v, "project_ids", in->project_ids, in->n_project_ids, 0,
	                 MEETING_IDS_MAX) != QT_OK ||
	    (in->has_origin_project_id &&
	     validate_id(&v, "origin_project_id", in->origin_project_id) != QT_OK) ||
	    (in->has_origin_quarter_id &&
	     validate_id(&v, "origin_quarter_id", in->origin_quarter_id) != QT_OK) ||
	    (in->has_origin_office_id &&
	     validate_id(&v, "origin_office_id", in->origin_office_id) != QT_OK)) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (meeting_lifecycle_origin_name(in->origin) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "origin must be bottom_up or top_down", "origin");
		return;
	}
	if (in->has_requested_minutes &&
	    (in->requested_minutes < 1 || in->requested_minutes > AGENDA_MINUTES_MAX)) {
		req_fail(r, QT_INVALID_ARGUMENT, "requested_minutes must lie between 1 and 480",
		         "requested_minutes");
		return;
	}
	if (bottom_up && !in->has_origin_project_id) {
		req_fail(r, QT_INVALID_ARGUMENT, "a bottom-up item needs its origin project",
		         "origin_project_id");
		return;
	}
	if (bottom_up && in->has_origin_office_id) {
		req_fail(r, QT_INVALID_ARGUMENT, "origin_office_id is for top-down items",
		         "origin_office_id");
		return;
	}
	if (!bottom_up && (in->has_origin_project_id || in->has_origin_quarter_id)) {
		req_fail(r, QT_INVALID_ARGUMENT, "a top-down item comes from an office, not a project",
		         in->has_origin_project_id ? "origin_project_id" : "origin_quarter_id");
		return;
	}
	if (!bottom_up && !in->has_origin_office_id && r->actor.role == ROLE_ADMIN) {
		req_fail(r, QT_INVALID_ARGUMENT, "a top-down item needs its origin office",
		         "origin_office_id");
		return;
	}
	if (!bottom_up) {
		agenda_propose_run(r, NULL, 0);
		return;
	}
	ctx->params[0] = req_i64(r, in->origin_project_id);
	ctx->params[1] = in->has_origin_quarter_id ? req_i64(r, in->origin_quarter_id) : NULL;
	/* The districts of the project's quarters and of the origin quarter
	 * (for district heads; NULL when no or an unknown quarter is named). */
	req_query(r,
	          "SELECT v.lead_office_ids, v.coordinator_ids, "
	          "ARRAY(SELECT DISTINCT q.district_id FROM project_quarter pq "
	          "      JOIN quarter q ON q.id = pq.quarter_id WHERE pq.project_id = v.id "
	          "      ORDER BY 1), "
	          "(SELECT q.district_id FROM quarter q WHERE q.id = $2::bigint) "
	          "FROM project_v v WHERE v.id = $1",
	          2, ctx->params, agenda_propose_project_cb);
}

/* ------------------------------------------------------------ agenda: schedule */

static void agenda_schedule_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	Quartier__V1__AgendaScheduleRequest *in = r->rq->agenda_schedule;
	const char **p = ctx->params;
	int item_status, from_status, to_status, has_from, has_to = in->meeting_id > 0;
	int64_t from = 0;
	qt_status_t st;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown agenda item %lld", (long long)in->item_id), "item_id");
		return;
	}
	item_status = meeting_lifecycle_item_parse(PQgetvalue(res, 0, 0));
	has_from = !pgrow_null(res, 0, 1);
	if (has_from)
		from = pgrow_i64(res, 0, 1);
	from_status = meeting_lifecycle_parse(PQgetvalue(res, 0, 3));
	to_status = meeting_lifecycle_parse(PQgetvalue(res, 0, 6));
	if (has_to && pgrow_null(res, 0, 4)) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown meeting %lld", (long long)in->meeting_id), "meeting_id");
		return;
	}
	if (!has_to && !has_from) {
		req_fail(r, QT_INVALID_ARGUMENT, "the item is in the backlog already; name a meeting",
		         "meeting_id");
		return;
	}
	/* The organiser of every meeting whose agenda changes decides. */
	st = has_from ? perm_meeting_manage(&r->actor, pgrow_i64(res, 0, 2)) : QT_OK;
	if (st == QT_OK && has_to)
		st = perm_meeting_manage(&r->actor, pgrow_i64(res, 0, 5));
	if (st != QT_OK) {
		req_fail(r, st, "only the organising office (or admins) arrange a meeting's agenda",
		         "meeting_id");
		return;
	}
	if (item_status == ITEM_CONCLUDED) {
		req_fail(r, QT_FAILED_PRECONDITION, "the item has been dealt with already", "item_id");
		return;
	}
	if (has_to && !meeting_lifecycle_schedulable(to_status)) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         req_printf(r, "meeting %lld is %s; items can no longer be put on its agenda",
		                    (long long)in->meeting_id, meeting_lifecycle_name(to_status)),
		         "meeting_id");
		return;
	}
	if (has_from && from != in->meeting_id && !meeting_lifecycle_unschedulable(from_status)) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         req_printf(r, "meeting %lld is %s; record an outcome for the item instead of "
		                       "moving it", (long long)from, meeting_lifecycle_name(from_status)),
		         "meeting_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->item_id);
	p[2] = has_from ? req_i64(r, from) : NULL;
	p[3] = has_to ? req_i64(r, in->meeting_id) : NULL;
	p[4] = in->has_position && in->position > 0 ? req_printf(r, "%u", in->position) : NULL;
	req_mutate(r, "SELECT qt_agenda_schedule($1, $2, $3::bigint, $4::bigint, $5::int)", 5, p,
	          meeting_item_changed_cb);
}

void agenda_schedule(req_t *r)
{
	Quartier__V1__AgendaScheduleRequest *in = r->rq->agenda_schedule;
	meeting_ctx_t *ctx = meeting_ctx(r);
	validation_t v;

	if (validate_id(&v, "item_id", in->item_id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (in->meeting_id < 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "meeting_id must be a positive id (0: the backlog)",
		         "meeting_id");
		return;
	}
	if (in->has_position && in->position > 100000) {
		req_fail(r, QT_INVALID_ARGUMENT, "position is too large", "position");
		return;
	}
	ctx->params[0] = req_i64(r, in->item_id);
	ctx->params[1] = req_i64(r, in->meeting_id);
	req_query(r,
	          "SELECT i.status, h.meeting_id, pm.organiser_office_id, pm.status, t.id, "
	          "t.organiser_office_id, t.status "
	          "FROM agenda_item i "
	          "LEFT JOIN agenda_item_history h ON h.item_id = i.id AND h.outcome IS NULL "
	          "LEFT JOIN meeting pm ON pm.id = h.meeting_id "
	          "LEFT JOIN meeting t ON t.id = $2::bigint "
	          "WHERE i.id = $1",
	          2, ctx->params, agenda_schedule_loaded_cb);
}

/* ------------------------------------------------------------ agenda: outcome */

static void agenda_outcome_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	Quartier__V1__AgendaOutcomeRequest *in = r->rq->agenda_outcome;
	const char **p = ctx->params;
	int status, hand_over = in->outcome == QUARTIER__V1__AGENDA_OUTCOME__AGENDA_OUTCOME_HAND_OVER;
	const char *why;
	qt_status_t st;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown meeting %lld", (long long)in->meeting_id), "meeting_id");
		return;
	}
	st = perm_meeting_manage(&r->actor, pgrow_i64(res, 0, 0));
	if (st != QT_OK) {
		req_fail(r, st, "only the organising office (or admins) record outcomes",
		         "meeting_id");
		return;
	}
	if (PQgetvalue(res, 0, 5)[0] != 't') {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown agenda item %lld", (long long)in->item_id), "item_id");
		return;
	}
	if (PQgetvalue(res, 0, 2)[0] != 't') {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "item %lld is not on the agenda of meeting %lld",
		                    (long long)in->item_id, (long long)in->meeting_id),
		         "item_id");
		return;
	}
	status = meeting_lifecycle_parse(PQgetvalue(res, 0, 1));
	if (!meeting_lifecycle_records_outcomes(status)) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         status == MEETING_MINUTES_APPROVED
		             ? "the minutes are approved; the meeting can no longer be changed"
		             : req_printf(r, "meeting %lld is %s; outcomes are recorded while it is in "
		                             "progress or closed", (long long)in->meeting_id,
		                          meeting_lifecycle_name(status)),
		         "meeting_id");
		return;
	}
	why = meeting_lifecycle_outcome_check(
	    pgrow_null(res, 0, 3) ? OUTCOME_NONE : meeting_lifecycle_outcome_parse(PQgetvalue(res, 0, 3)),
	    meeting_lifecycle_item_parse(PQgetvalue(res, 0, 4)));
	if (why != NULL) {
		req_fail(r, QT_FAILED_PRECONDITION, why, "item_id");
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->meeting_id);
	p[2] = req_i64(r, in->item_id);
	p[3] = meeting_lifecycle_outcome_name(in->outcome);
	p[4] = in->text;
	p[5] = hand_over ? req_i64(r, in->lead_office_id) : NULL;
	p[6] = req_id_array(r, in->office_ids, in->n_office_ids);
	p[7] = hand_over ? in->due_date : NULL;
	req_mutate(r,
	          "SELECT qt_agenda_outcome($1, $2, $3, $4, $5, $6::bigint, $7::bigint[], $8::date)",
	          8, p, meeting_item_changed_cb);
}

void agenda_outcome(req_t *r)
{
	Quartier__V1__AgendaOutcomeRequest *in = r->rq->agenda_outcome;
	meeting_ctx_t *ctx = meeting_ctx(r);
	int hand_over = in->outcome == QUARTIER__V1__AGENDA_OUTCOME__AGENDA_OUTCOME_HAND_OVER;
	int decision = in->outcome == QUARTIER__V1__AGENDA_OUTCOME__AGENDA_OUTCOME_DECISION;
	int32_t due;
	validation_t v;

	if (validate_id(&v, "meeting_id", in->meeting_id) != QT_OK ||
	    validate_id(&v, "item_id", in->item_id) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (meeting_lifecycle_outcome_name(in->outcome) == NULL ||
	    in->outcome == QUARTIER__V1__AGENDA_OUTCOME__AGENDA_OUTCOME_CARRIED_OVER) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "outcome must be information, decision, deferral or hand_over", "outcome");
		return;
	}
	if (validate_text(&v, "text", in->text, decision ? 1 : 0, AGENDA_TEXT_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         decision && (in->text == NULL || in->text[0] == '\0')
		             ? "a decision needs its text" : v.message,
		         v.field);
		return;
	}
	if (hand_over) {
		if (!in->has_lead_office_id) {
			req_fail(r, QT_INVALID_ARGUMENT, "a hand-over needs a lead office",
			         "lead_office_id");
			return;
		}
		if (validate_id(&v, "lead_office_id", in->lead_office_id) != QT_OK ||
		    validate_ids(&v, "office_ids", in->office_ids, in->n_office_ids, 0,
		                 HANDOVER_OFFICES_MAX) != QT_OK ||
		    validate_date(&v, "due_date", in->due_date != NULL ? in->due_date : "", &due) !=
		        QT_OK) {
			req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
			return;
		}
	} else if (in->has_lead_office_id || in->n_office_ids > 0 ||
	           (in->due_date != NULL && in->due_date[0] != '\0')) {
		req_fail(r, QT_INVALID_ARGUMENT, "lead office, offices and due date are for hand-overs",
		         in->has_lead_office_id ? "lead_office_id"
		         : in->n_office_ids > 0 ? "office_ids" : "due_date");
		return;
	}
	ctx->params[0] = req_i64(r, in->meeting_id);
	ctx->params[1] = req_i64(r, in->item_id);
	req_query(r,
	          "SELECT m.organiser_office_id, m.status, h.id IS NOT NULL, h.outcome, i.status, "
	          "i.id IS NOT NULL "
	          "FROM meeting m "
	          "LEFT JOIN agenda_item i ON i.id = $2::bigint "
	          "LEFT JOIN agenda_item_history h ON h.meeting_id = m.id AND h.item_id = $2::bigint "
	          "WHERE m.id = $1",
	          2, ctx->params, agenda_outcome_loaded_cb);
}

/* ------------------------------------------------------------ agenda: backlog */

void agenda_backlog(req_t *r)
{
	Quartier__V1__AgendaBacklogRequest *in = r->rq->agenda_backlog;
	meeting_ctx_t *ctx = meeting_ctx(r);
	const char **p = ctx->params;
	uint32_t limit = in->has_limit && in->limit > 0 ? in->limit : MEETING_LIST_DEFAULT;
	int has_status = in->has_status && in->status != 0;

	if (limit > MEETING_LIST_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "limit must not exceed 500", "limit");
		return;
	}
	if (has_status && meeting_lifecycle_item_name(in->status) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown item status", "status");
		return;
	}
	/* Without a status and not asking for all or one item: the backlog. */
	p[0] = has_status ? meeting_lifecycle_item_name(in->status)
	       : (in->all || (in->has_item_id && in->item_id > 0)) ? NULL
	                                                           : "backlog";
	p[1] = in->has_project_id && in->project_id > 0 ? req_i64(r, in->project_id) : NULL;
	p[2] = in->has_item_id && in->item_id > 0 ? req_i64(r, in->item_id) : NULL;
	p[3] = req_printf(r, "%u", limit);
	req_query(r,
	          "SELECT " ITEM_COLS " FROM agenda_item_v v "
	          "WHERE ($1::text IS NULL OR v.status = $1) "
	          "AND ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM agenda_item_project x "
	          "  WHERE x.item_id = v.id AND x.project_id = $2)) "
	          "AND ($3::bigint IS NULL OR v.id = $3) "
	          "ORDER BY v.id LIMIT $4::int",
	          4, p, meeting_items_loaded_cb);
}

/* ------------------------------------------------------------ hand-overs */

static void handover_update_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	meeting_ctx_t *ctx = r->ctx;
	Quartier__V1__HandoverUpdateRequest *in = r->rq->handover_update;
	const char **p = ctx->params;
	int from;
	int64_t version;
	const char *why;
	qt_status_t st;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such hand-over", "id");
		return;
	}
	st = perm_handover_update(&r->actor, pgrow_i64(res, 0, 0));
	if (st != QT_OK) {
		req_fail(r, st, "only staff of the lead office (or admins) answer for a hand-over",
		         "id");
		return;
	}
	from = meeting_lifecycle_handover_parse(PQgetvalue(res, 0, 1));
	version = pgrow_i64(res, 0, 2);
	why = meeting_lifecycle_handover_check(from, in->to, in->reason);
	if (why != NULL) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         req_printf(r, "%s -> %s: %s", meeting_lifecycle_handover_name(from),
		                    meeting_lifecycle_handover_name(in->to), why),
		         "to");
		return;
	}
	if (version != in->expected_version) {
		meeting_fail_version(r, "hand-over", version);
		return;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = req_i64(r, in->expected_version);
	p[3] = meeting_lifecycle_handover_name(from);
	p[4] = meeting_lifecycle_handover_name(in->to);
	p[5] = in->reason;
	req_mutate(r, "SELECT qt_handover_update($1, $2, $3, $4, $5, $6)", 6, p,
	          meeting_handover_changed_cb);
}

void handover_update(req_t *r)
{
	Quartier__V1__HandoverUpdateRequest *in = r->rq->handover_update;
	meeting_ctx_t *ctx = meeting_ctx(r);
	validation_t v;

	if (validate_id(&v, "id", in->id) != QT_OK ||
	    (in->reason != NULL &&
	     validate_text(&v, "reason", in->reason, 0, HANDOVER_REASON_MAX, 1) != QT_OK)) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (meeting_lifecycle_handover_name(in->to) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown target status", "to");
		return;
	}
	if (in->to == QUARTIER__V1__HANDOVER_STATUS__HANDOVER_STATUS_DECLINED &&
	    (in->reason == NULL || in->reason[0] == '\0')) {
		req_fail(r, QT_INVALID_ARGUMENT, "declining a hand-over needs a reason", "reason");
		return;
	}
	ctx->params[0] = req_i64(r, in->id);
	req_query(r, "SELECT lead_office_id, status, version FROM handover WHERE id = $1", 1,
	          ctx->params, handover_update_loaded_cb);
}

static void handover_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__HandoverList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__handover_list__init(out);
	out->handovers = req_alloc(r, ((size_t)n + 1) * sizeof(*out->handovers));
	for (int i = 0; i < n; i++)
		out->handovers[i] = meeting_handover_row(r, res, i);
	out->n_handovers = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_HANDOVER_LIST;
	r->resp.handover_list = out;
	req_reply(r);
}

void handover_list(req_t *r)
{
	Quartier__V1__HandoverListRequest *in = r->rq->handover_list;
	meeting_ctx_t *ctx = meeting_ctx(r);
	const char **p = ctx->params;
	uint32_t limit = in->has_limit && in->limit > 0 ? in->limit : MEETING_LIST_DEFAULT;
	int64_t office = in->has_office_id && in->office_id > 0 ? in->office_id : 0;
	int64_t coordinator = 0, district = 0;

	if (limit > MEETING_LIST_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "limit must not exceed 500", "limit");
		return;
	}
	if (in->has_status && in->status != 0 && meeting_lifecycle_handover_name(in->status) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown hand-over status", "status");
		return;
	}
	/* "Mine": an office's are those addressed to it; a coordination's
	 * those of items linked to the projects it coordinates; a district
	 * head's those of items linked to projects in the district. */
	if (in->mine && office != 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "mine and office_id exclude each other", "office_id");
		return;
	}
	if (in->mine && r->actor.role == ROLE_OFFICE)
		office = r->actor.office_id;
	if (in->mine && r->actor.role == ROLE_COORDINATOR)
		coordinator = r->actor.account_id;
	if (in->mine && r->actor.role == ROLE_DISTRICT_HEAD)
		district = r->actor.district_id;
	p[0] = office != 0 ? req_i64(r, office) : NULL;
	p[1] = in->has_project_id && in->project_id > 0 ? req_i64(r, in->project_id) : NULL;
	p[2] = in->has_status && in->status != 0 ? meeting_lifecycle_handover_name(in->status) : NULL;
	p[3] = in->has_meeting_id && in->meeting_id > 0 ? req_i64(r, in->meeting_id) : NULL;
	p[4] = coordinator != 0 ? req_i64(r, coordinator) : NULL;
	p[5] = req_printf(r, "%u", limit);
	p[6] = in->has_id && in->id > 0 ? req_i64(r, in->id) : NULL;
	p[7] = district != 0 ? req_i64(r, district) : NULL;
	req_query(r,
	          "SELECT " HANDOVER_COLS " FROM handover_v v "
	          "WHERE ($1::bigint IS NULL OR v.lead_office_id = $1 OR $1 = ANY (v.office_ids)) "
	          "AND ($2::bigint IS NULL OR $2 = ANY (v.project_ids)) "
	          "AND ($3::text IS NULL OR v.status = $3) "
	          "AND ($4::bigint IS NULL OR v.meeting_id = $4) "
	          "AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM agenda_item_project x "
	          "  JOIN project_coordinator pc ON pc.project_id = x.project_id "
	          "  WHERE x.item_id = v.item_id AND pc.account_id = $5)) "
	          "AND ($7::bigint IS NULL OR v.id = $7) "
	          "AND ($8::bigint IS NULL OR EXISTS (SELECT 1 FROM agenda_item_project x "
	          "  JOIN project_quarter pq ON pq.project_id = x.project_id "
	          "  JOIN quarter q ON q.id = pq.quarter_id "
	          "  WHERE x.item_id = v.item_id AND q.district_id = $8)) "
	          "ORDER BY v.due_date, v.id LIMIT $6::int",
	          8, p, handover_list_cb);
}

/* ------------------------------------------------------------ sync */

void agenda_item_load_many(req_t *r, const int64_t *ids, size_t n)
{
	meeting_ctx_t *ctx = meeting_ctx(r);

	ctx->params[0] = req_id_array(r, ids, n);
	req_query(r, "SELECT " ITEM_COLS " FROM agenda_item_v WHERE id = ANY ($1::bigint[]) ORDER BY id",
	          1, ctx->params, meeting_items_loaded_cb);
}

void handover_load_many(req_t *r, const int64_t *ids, size_t n)
{
	meeting_ctx_t *ctx = meeting_ctx(r);

	ctx->params[0] = req_id_array(r, ids, n);
	req_query(r, "SELECT " HANDOVER_COLS " FROM handover_v WHERE id = ANY ($1::bigint[])", 1,
	          ctx->params, handover_list_cb);
}
