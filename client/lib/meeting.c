/* Inter-office coordination (ämterübergreifende Kooperation, AGSP):
 * meetings, agenda items and hand-overs — the calls, the names of their
 * enums and the conversion of their wire messages to the public structs. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ names */

static const char *const meeting_status_names[] = {
	"unspecified", "draft", "open", "in_progress", "closed", "minutes_approved",
};
static const char *const meeting_origin_names[] = {"unspecified", "bottom_up", "top_down"};
static const char *const meeting_item_names[] = {"unspecified", "backlog", "scheduled",
                                                 "concluded"};
static const char *const meeting_outcome_names[] = {
	"", "information", "decision", "deferral", "hand_over", "carried_over",
};
static const char *const meeting_handover_names[] = {
	"unspecified", "open", "acknowledged", "done", "declined",
};

#define MEETING_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *meeting_name(const char *const *t, int n, int v)
{
	return v >= 0 && v < n ? t[v] : t[0];
}

/* The value named s (ASCII case-insensitive; '-' matches '_'), or 0. */
static int meeting_find(const char *const *t, int n, const char *s)
{
	char buf[32];
	size_t len;

	if (s == NULL || (len = strlen(s)) >= sizeof(buf))
		return 0;
	for (size_t i = 0; i <= len; i++)
		buf[i] = s[i] == '-' ? '_' : s[i];
	for (int i = 1; i < n; i++)
		if (strcasecmp(t[i], buf) == 0)
			return i;
	return 0;
}

const char *qt_meeting_status_name(qt_meeting_status_t s)
{
	return meeting_name(meeting_status_names, MEETING_COUNT(meeting_status_names), (int)s);
}

qt_meeting_status_t qt_meeting_status_parse(const char *s)
{
	return (qt_meeting_status_t)meeting_find(meeting_status_names,
	                                         MEETING_COUNT(meeting_status_names), s);
}

const char *qt_agenda_origin_name(qt_agenda_origin_t o)
{
	return meeting_name(meeting_origin_names, MEETING_COUNT(meeting_origin_names), (int)o);
}

qt_agenda_origin_t qt_agenda_origin_parse(const char *s)
{
	return (qt_agenda_origin_t)meeting_find(meeting_origin_names,
	                                        MEETING_COUNT(meeting_origin_names), s);
}

const char *qt_item_status_name(qt_item_status_t s)
{
	return meeting_name(meeting_item_names, MEETING_COUNT(meeting_item_names), (int)s);
}

qt_item_status_t qt_item_status_parse(const char *s)
{
	return (qt_item_status_t)meeting_find(meeting_item_names, MEETING_COUNT(meeting_item_names),
	                                      s);
}

const char *qt_outcome_name(qt_outcome_t o)
{
	return meeting_name(meeting_outcome_names, MEETING_COUNT(meeting_outcome_names), (int)o);
}

qt_outcome_t qt_outcome_parse(const char *s)
{
	return (qt_outcome_t)meeting_find(meeting_outcome_names,
	                                  MEETING_COUNT(meeting_outcome_names), s);
}

const char *qt_handover_status_name(qt_handover_status_t s)
{
	return meeting_name(meeting_handover_names, MEETING_COUNT(meeting_handover_names), (int)s);
}

qt_handover_status_t qt_handover_status_parse(const char *s)
{
	return (qt_handover_status_t)meeting_find(meeting_handover_names,
	                                          MEETING_COUNT(meeting_handover_names), s);
}

/* ------------------------------------------------------------ clearing */

static void meeting_entry_clear(qt_agenda_entry_t *e)
{
	free(e->outcome_text);
	free(e->item_title);
	free(e->meeting_title);
	free(e->origin_name);
	memset(e, 0, sizeof(*e));
}

static void meeting_entries_free(qt_agenda_entry_t *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		meeting_entry_clear(&v[i]);
	free(v);
}

void qt_handover_clear(qt_handover_t *h)
{
	if (h == NULL)
		return;
	free(h->lead_office_name);
	free(h->office_ids);
	free(h->due_date);
	free(h->note);
	free(h->reason);
	free(h->item_title);
	free(h->meeting_title);
	free(h->project_ids);
	memset(h, 0, sizeof(*h));
}

void qt_handover_list_free(qt_handover_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_handover_clear(&list[i]);
	free(list);
}

void qt_meeting_clear(qt_meeting_t *m)
{
	if (m == NULL)
		return;
	free(m->title);
	free(m->place);
	free(m->organiser_office_name);
	free(m->quarter_ids);
	free(m->district_ids);
	free(m->project_ids);
	if (m->participants != NULL) {
		for (size_t i = 0; i < m->n_participants; i++)
			free(m->participants[i].name);
		free(m->participants);
	}
	meeting_entries_free(m->agenda, m->n_agenda);
	qt_handover_list_free(m->handovers, m->n_handovers);
	memset(m, 0, sizeof(*m));
}

void qt_meeting_list_free(qt_meeting_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_meeting_clear(&list[i]);
	free(list);
}

void qt_agenda_item_clear(qt_agenda_item_t *it)
{
	if (it == NULL)
		return;
	free(it->title);
	free(it->description);
	free(it->origin_name);
	free(it->project_ids);
	meeting_entries_free(it->history, it->n_history);
	memset(it, 0, sizeof(*it));
}

void qt_agenda_item_list_free(qt_agenda_item_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		qt_agenda_item_clear(&list[i]);
	free(list);
}

/* ------------------------------------------------------------ conversions */

/* Each fills *out (zeroed first) from a wire message (borrowed); on
 * QT_NOMEM *out holds nothing that needs freeing. */

static qt_status_t meeting_entry_from_wire(const Quartier__V1__AgendaEntry *w,
                                           qt_agenda_entry_t *e)
{
	memset(e, 0, sizeof(*e));
	e->meeting_id = w->meeting_id;
	e->item_id = w->item_id;
	e->position = w->position;
	e->outcome = w->has_outcome ? (qt_outcome_t)w->outcome : QT_OUTCOME_NONE;
	e->handover_id = w->has_handover_id ? w->handover_id : 0;
	e->recorded_at = w->has_recorded_at ? w->recorded_at : 0;
	e->meeting_starts_at = w->has_meeting_starts_at ? w->meeting_starts_at : 0;
	e->origin = w->has_origin ? (qt_agenda_origin_t)w->origin : QT_ORIGIN_UNSPECIFIED;
	e->requested_minutes = w->has_requested_minutes ? w->requested_minutes : 0;
	if (copy_opt_str(w->outcome_text, &e->outcome_text) != QT_OK ||
	    copy_str(w->item_title != NULL ? w->item_title : "", &e->item_title) != QT_OK ||
	    copy_str(w->meeting_title != NULL ? w->meeting_title : "", &e->meeting_title) != QT_OK ||
	    copy_opt_str(w->origin_name, &e->origin_name) != QT_OK) {
		meeting_entry_clear(e);
		return QT_NOMEM;
	}
	return QT_OK;
}

static qt_status_t meeting_entries_from_wire(Quartier__V1__AgendaEntry *const *w, size_t n,
                                             qt_agenda_entry_t **out, size_t *n_out)
{
	qt_agenda_entry_t *v = NULL;
	size_t done = 0;

	if (n > 0) {
		v = calloc(n, sizeof(*v));
		if (v == NULL)
			return QT_NOMEM;
	}
	for (; done < n; done++) {
		if (meeting_entry_from_wire(w[done], &v[done]) != QT_OK) {
			meeting_entries_free(v, done);
			return QT_NOMEM;
		}
	}
	*out = v;
	*n_out = n;
	return QT_OK;
}

static qt_status_t meeting_handover_from_wire(const Quartier__V1__Handover *w, qt_handover_t *h)
{
	memset(h, 0, sizeof(*h));
	h->id = w->id;
	h->version = w->version;
	h->item_id = w->item_id;
	h->meeting_id = w->meeting_id;
	h->lead_office_id = w->lead_office_id;
	h->status = (qt_handover_status_t)w->status;
	h->acknowledged_by = w->has_acknowledged_by ? w->acknowledged_by : 0;
	h->acknowledged_at = w->has_acknowledged_at ? w->acknowledged_at : 0;
	h->closed_by = w->has_closed_by ? w->closed_by : 0;
	h->closed_at = w->has_closed_at ? w->closed_at : 0;
	h->created_at = w->has_created_at ? w->created_at : 0;
	h->updated_at = w->has_updated_at ? w->updated_at : 0;
	h->n_office_ids = w->n_office_ids;
	h->n_project_ids = w->n_project_ids;
	if (copy_opt_str(w->lead_office_name, &h->lead_office_name) != QT_OK ||
	    copy_ids(w->office_ids, w->n_office_ids, &h->office_ids) != QT_OK ||
	    copy_str(w->due_date != NULL ? w->due_date : "", &h->due_date) != QT_OK ||
	    copy_opt_str(w->note, &h->note) != QT_OK ||
	    copy_opt_str(w->reason, &h->reason) != QT_OK ||
	    copy_opt_str(w->item_title, &h->item_title) != QT_OK ||
	    copy_opt_str(w->meeting_title, &h->meeting_title) != QT_OK ||
	    copy_ids(w->project_ids, w->n_project_ids, &h->project_ids) != QT_OK) {
		qt_handover_clear(h);
		return QT_NOMEM;
	}
	return QT_OK;
}

static qt_status_t meeting_handovers_from_wire(Quartier__V1__Handover *const *w, size_t n,
                                               qt_handover_t **out, size_t *n_out)
{
	qt_handover_t *v = NULL;
	size_t done = 0;

	if (n > 0) {
		v = calloc(n, sizeof(*v));
		if (v == NULL)
			return QT_NOMEM;
	}
	for (; done < n; done++) {
		if (meeting_handover_from_wire(w[done], &v[done]) != QT_OK) {
			qt_handover_list_free(v, done);
			return QT_NOMEM;
		}
	}
	*out = v;
	*n_out = n;
	return QT_OK;
}

static qt_status_t meeting_from_wire(const Quartier__V1__Meeting *w, qt_meeting_t *m)
{
	memset(m, 0, sizeof(*m));
	m->id = w->id;
	m->version = w->version;
	m->status = (qt_meeting_status_t)w->status;
	m->starts_at = w->starts_at;
	m->ends_at = w->has_ends_at ? w->ends_at : 0;
	m->organiser_office_id = w->organiser_office_id;
	m->created_at = w->has_created_at ? w->created_at : 0;
	m->updated_at = w->has_updated_at ? w->updated_at : 0;
	m->n_quarter_ids = w->n_quarter_ids;
	m->n_district_ids = w->n_district_ids;
	m->n_project_ids = w->n_project_ids;
	if (copy_str(w->title != NULL ? w->title : "", &m->title) != QT_OK ||
	    copy_opt_str(w->place, &m->place) != QT_OK ||
	    copy_opt_str(w->organiser_office_name, &m->organiser_office_name) != QT_OK ||
	    copy_ids(w->quarter_ids, w->n_quarter_ids, &m->quarter_ids) != QT_OK ||
	    copy_ids(w->district_ids, w->n_district_ids, &m->district_ids) != QT_OK ||
	    copy_ids(w->project_ids, w->n_project_ids, &m->project_ids) != QT_OK)
		goto nomem;
	if (w->n_participants > 0) {
		m->participants = calloc(w->n_participants, sizeof(*m->participants));
		if (m->participants == NULL)
			goto nomem;
	}
	for (size_t i = 0; i < w->n_participants; i++) {
		const Quartier__V1__MeetingParticipant *p = w->participants[i];
		qt_participant_t *q = &m->participants[i];

		q->office_id = p->has_office_id ? p->office_id : 0;
		q->person_id = p->has_person_id ? p->person_id : 0;
		q->attended = p->has_attended && p->attended;
		m->n_participants++;
		if (copy_opt_str(p->name, &q->name) != QT_OK)
			goto nomem;
	}
	if (meeting_entries_from_wire(w->agenda, w->n_agenda, &m->agenda, &m->n_agenda) != QT_OK ||
	    meeting_handovers_from_wire(w->handovers, w->n_handovers, &m->handovers,
	                                &m->n_handovers) != QT_OK)
		goto nomem;
	return QT_OK;
nomem:
	qt_meeting_clear(m);
	return QT_NOMEM;
}

static qt_status_t meeting_item_from_wire(const Quartier__V1__AgendaItem *w, qt_agenda_item_t *it)
{
	memset(it, 0, sizeof(*it));
	it->id = w->id;
	it->version = w->version;
	it->origin = (qt_agenda_origin_t)w->origin;
	it->origin_project_id = w->has_origin_project_id ? w->origin_project_id : 0;
	it->origin_quarter_id = w->has_origin_quarter_id ? w->origin_quarter_id : 0;
	it->origin_office_id = w->has_origin_office_id ? w->origin_office_id : 0;
	it->proposed_by = w->has_proposed_by ? w->proposed_by : 0;
	it->requested_minutes = w->has_requested_minutes ? w->requested_minutes : 0;
	it->status = (qt_item_status_t)w->status;
	it->meeting_id = w->has_meeting_id ? w->meeting_id : 0;
	it->position = w->has_position ? w->position : 0;
	it->created_at = w->has_created_at ? w->created_at : 0;
	it->updated_at = w->has_updated_at ? w->updated_at : 0;
	it->n_project_ids = w->n_project_ids;
	if (copy_str(w->title != NULL ? w->title : "", &it->title) != QT_OK ||
	    copy_opt_str(w->description, &it->description) != QT_OK ||
	    copy_opt_str(w->origin_name, &it->origin_name) != QT_OK ||
	    copy_ids(w->project_ids, w->n_project_ids, &it->project_ids) != QT_OK ||
	    meeting_entries_from_wire(w->history, w->n_history, &it->history, &it->n_history) !=
	        QT_OK) {
		qt_agenda_item_clear(it);
		return QT_NOMEM;
	}
	return QT_OK;
}

/* ------------------------------------------------------------ calls */

/* Sends req and converts the meeting in the answer into *out (if not NULL). */
static qt_status_t meeting_call(qt_client_t *c, Quartier__V1__Request *req, qt_meeting_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_MEETING, &in);
	if (rc == QT_OK && out != NULL && meeting_from_wire(in->response->meeting, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

static qt_status_t meeting_item_call(qt_client_t *c, Quartier__V1__Request *req,
                                     qt_agenda_item_t *out)
{
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_AGENDA_ITEM, &in);
	if (rc == QT_OK && out != NULL &&
	    meeting_item_from_wire(in->response->agenda_item, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_meeting_create(qt_client_t *c, const qt_meeting_new_t *m, qt_meeting_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingCreateRequest body = QUARTIER__V1__MEETING_CREATE_REQUEST__INIT;

	client_begin(c);
	if (m == NULL || m->title == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "title", "title missing");
	body.title = (char *)m->title;
	body.starts_at = m->starts_at;
	body.has_ends_at = m->ends_at != 0;
	body.ends_at = m->ends_at;
	body.place = (char *)m->place;
	body.has_organiser_office_id = m->organiser_office_id != 0;
	body.organiser_office_id = m->organiser_office_id;
	body.quarter_ids = (int64_t *)m->quarter_ids;
	body.n_quarter_ids = m->n_quarter_ids;
	body.district_ids = (int64_t *)m->district_ids;
	body.n_district_ids = m->n_district_ids;
	body.project_ids = (int64_t *)m->project_ids;
	body.n_project_ids = m->n_project_ids;
	body.participant_office_ids = (int64_t *)m->office_ids;
	body.n_participant_office_ids = m->n_office_ids;
	body.participant_person_ids = (int64_t *)m->person_ids;
	body.n_participant_person_ids = m->n_person_ids;
	req.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_CREATE;
	req.meeting_create = &body;
	return meeting_call(c, &req, out);
}

qt_status_t qt_meeting_get(qt_client_t *c, int64_t id, qt_meeting_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingGetRequest body = QUARTIER__V1__MEETING_GET_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_GET;
	req.meeting_get = &body;
	return meeting_call(c, &req, out);
}

qt_status_t qt_meeting_list(qt_client_t *c, const qt_meeting_filter_t *f, qt_meeting_t **out,
                            size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingListRequest body = QUARTIER__V1__MEETING_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__MeetingList *ml;
	qt_meeting_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	if (f != NULL) {
		body.has_status = f->status != QT_MEETING_UNSPECIFIED;
		body.status = (Quartier__V1__MeetingStatus)f->status;
		body.has_organiser_office_id = f->organiser_office_id != 0;
		body.organiser_office_id = f->organiser_office_id;
		body.has_project_id = f->project_id != 0;
		body.project_id = f->project_id;
		body.has_from = f->from != 0;
		body.from = f->from;
		body.has_until = f->until != 0;
		body.until = f->until;
		body.has_limit = f->limit != 0;
		body.limit = f->limit;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_LIST;
	req.meeting_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_MEETING_LIST, &in);
	if (rc != QT_OK)
		goto out;
	ml = in->response->meeting_list;
	if (ml->n_meetings > 0) {
		list = calloc(ml->n_meetings, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < ml->n_meetings; i++) {
		if (meeting_from_wire(ml->meetings[i], &list[i]) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	list = NULL;
out:
	qt_meeting_list_free(list, count);
	envelope_free(in);
	return rc;
}

qt_status_t qt_meeting_update(qt_client_t *c, const qt_meeting_patch_t *p, qt_meeting_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingUpdateRequest body = QUARTIER__V1__MEETING_UPDATE_REQUEST__INIT;

	client_begin(c);
	if (p == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "meeting", "no patch");
	body.id = p->id;
	body.expected_version = p->expected_version;
	body.title = (char *)p->title;
	body.has_starts_at = p->starts_at != 0;
	body.starts_at = p->starts_at;
	body.has_ends_at = p->set_ends_at != 0;
	body.ends_at = p->set_ends_at ? p->ends_at : 0;
	body.place = (char *)p->place;
	body.has_set_scope = p->set_scope != 0;
	body.set_scope = p->set_scope != 0;
	if (p->set_scope) {
		body.quarter_ids = (int64_t *)p->quarter_ids;
		body.n_quarter_ids = p->n_quarter_ids;
		body.district_ids = (int64_t *)p->district_ids;
		body.n_district_ids = p->n_district_ids;
		body.project_ids = (int64_t *)p->project_ids;
		body.n_project_ids = p->n_project_ids;
	}
	body.has_set_participants = p->set_participants != 0;
	body.set_participants = p->set_participants != 0;
	if (p->set_participants) {
		body.participant_office_ids = (int64_t *)p->office_ids;
		body.n_participant_office_ids = p->n_office_ids;
		body.participant_person_ids = (int64_t *)p->person_ids;
		body.n_participant_person_ids = p->n_person_ids;
	}
	body.has_set_attended = p->set_attended != 0;
	body.set_attended = p->set_attended != 0;
	if (p->set_attended) {
		body.attended_office_ids = (int64_t *)p->attended_office_ids;
		body.n_attended_office_ids = p->n_attended_office_ids;
		body.attended_person_ids = (int64_t *)p->attended_person_ids;
		body.n_attended_person_ids = p->n_attended_person_ids;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_UPDATE;
	req.meeting_update = &body;
	return meeting_call(c, &req, out);
}

qt_status_t qt_meeting_transition(qt_client_t *c, int64_t id, int64_t expected_version,
                                  qt_meeting_status_t to, qt_meeting_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingTransitionRequest body = QUARTIER__V1__MEETING_TRANSITION_REQUEST__INIT;

	client_begin(c);
	body.id = id;
	body.expected_version = expected_version;
	body.to = (Quartier__V1__MeetingStatus)to;
	req.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_TRANSITION;
	req.meeting_transition = &body;
	return meeting_call(c, &req, out);
}

qt_status_t qt_agenda_propose(qt_client_t *c, const qt_agenda_new_t *a, qt_agenda_item_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AgendaProposeRequest body = QUARTIER__V1__AGENDA_PROPOSE_REQUEST__INIT;

	client_begin(c);
	if (a == NULL || a->title == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "title", "title missing");
	body.title = (char *)a->title;
	body.description = (char *)a->description;
	body.origin = (Quartier__V1__AgendaOrigin)a->origin;
	body.has_origin_project_id = a->origin_project_id != 0;
	body.origin_project_id = a->origin_project_id;
	body.has_origin_quarter_id = a->origin_quarter_id != 0;
	body.origin_quarter_id = a->origin_quarter_id;
	body.has_origin_office_id = a->origin_office_id != 0;
	body.origin_office_id = a->origin_office_id;
	body.project_ids = (int64_t *)a->project_ids;
	body.n_project_ids = a->n_project_ids;
	body.has_requested_minutes = a->requested_minutes != 0;
	body.requested_minutes = a->requested_minutes;
	req.body_case = QUARTIER__V1__REQUEST__BODY_AGENDA_PROPOSE;
	req.agenda_propose = &body;
	return meeting_item_call(c, &req, out);
}

qt_status_t qt_agenda_schedule(qt_client_t *c, int64_t item_id, int64_t meeting_id,
                               uint32_t position, qt_agenda_item_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AgendaScheduleRequest body = QUARTIER__V1__AGENDA_SCHEDULE_REQUEST__INIT;

	client_begin(c);
	body.item_id = item_id;
	body.meeting_id = meeting_id;
	body.has_position = position != 0;
	body.position = position;
	req.body_case = QUARTIER__V1__REQUEST__BODY_AGENDA_SCHEDULE;
	req.agenda_schedule = &body;
	return meeting_item_call(c, &req, out);
}

qt_status_t qt_agenda_outcome(qt_client_t *c, const qt_agenda_outcome_t *o,
                              qt_agenda_item_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AgendaOutcomeRequest body = QUARTIER__V1__AGENDA_OUTCOME_REQUEST__INIT;

	client_begin(c);
	if (o == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "outcome", "no outcome");
	body.meeting_id = o->meeting_id;
	body.item_id = o->item_id;
	body.outcome = (Quartier__V1__AgendaOutcome)o->outcome;
	body.text = (char *)o->text;
	body.has_lead_office_id = o->lead_office_id != 0;
	body.lead_office_id = o->lead_office_id;
	body.office_ids = (int64_t *)o->office_ids;
	body.n_office_ids = o->n_office_ids;
	body.due_date = (char *)o->due_date;
	req.body_case = QUARTIER__V1__REQUEST__BODY_AGENDA_OUTCOME;
	req.agenda_outcome = &body;
	return meeting_item_call(c, &req, out);
}

qt_status_t qt_agenda_backlog(qt_client_t *c, const qt_agenda_filter_t *f,
                              qt_agenda_item_t **out, size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AgendaBacklogRequest body = QUARTIER__V1__AGENDA_BACKLOG_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__AgendaItemList *il;
	qt_agenda_item_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	if (f != NULL) {
		body.has_status = f->status != QT_ITEM_UNSPECIFIED;
		body.status = (Quartier__V1__AgendaItemStatus)f->status;
		body.has_all = f->all != 0;
		body.all = f->all != 0;
		body.has_project_id = f->project_id != 0;
		body.project_id = f->project_id;
		body.has_item_id = f->item_id != 0;
		body.item_id = f->item_id;
		body.has_limit = f->limit != 0;
		body.limit = f->limit;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_AGENDA_BACKLOG;
	req.agenda_backlog = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_AGENDA_LIST, &in);
	if (rc != QT_OK)
		goto out;
	il = in->response->agenda_list;
	if (il->n_items > 0) {
		list = calloc(il->n_items, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < il->n_items; i++) {
		if (meeting_item_from_wire(il->items[i], &list[i]) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	list = NULL;
out:
	qt_agenda_item_list_free(list, count);
	envelope_free(in);
	return rc;
}

qt_status_t qt_handover_update(qt_client_t *c, int64_t id, int64_t expected_version,
                               qt_handover_status_t to, const char *reason, qt_handover_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__HandoverUpdateRequest body = QUARTIER__V1__HANDOVER_UPDATE_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	body.id = id;
	body.expected_version = expected_version;
	body.to = (Quartier__V1__HandoverStatus)to;
	body.reason = (char *)reason;
	req.body_case = QUARTIER__V1__REQUEST__BODY_HANDOVER_UPDATE;
	req.handover_update = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_HANDOVER, &in);
	if (rc == QT_OK && out != NULL &&
	    meeting_handover_from_wire(in->response->handover, out) != QT_OK)
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
	envelope_free(in);
	return rc;
}

qt_status_t qt_handover_list(qt_client_t *c, const qt_handover_filter_t *f, qt_handover_t **out,
                             size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__HandoverListRequest body = QUARTIER__V1__HANDOVER_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__HandoverList *hl;
	qt_handover_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	if (f != NULL) {
		body.has_mine = f->mine != 0;
		body.mine = f->mine != 0;
		body.has_office_id = f->office_id != 0;
		body.office_id = f->office_id;
		body.has_project_id = f->project_id != 0;
		body.project_id = f->project_id;
		body.has_status = f->status != QT_HANDOVER_UNSPECIFIED;
		body.status = (Quartier__V1__HandoverStatus)f->status;
		body.has_meeting_id = f->meeting_id != 0;
		body.meeting_id = f->meeting_id;
		body.has_id = f->id != 0;
		body.id = f->id;
		body.has_limit = f->limit != 0;
		body.limit = f->limit;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_HANDOVER_LIST;
	req.handover_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_HANDOVER_LIST, &in);
	if (rc != QT_OK)
		goto out;
	hl = in->response->handover_list;
	rc = meeting_handovers_from_wire(hl->handovers, hl->n_handovers, &list, &count);
	if (rc != QT_OK) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	*out = list;
	*n = count;
	list = NULL;
	count = 0;
out:
	qt_handover_list_free(list, count);
	envelope_free(in);
	return rc;
}
