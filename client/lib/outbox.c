/* The outbox: changes to synced records are stored in the store before
 * they are sent, sent with a client mutation id (instance id + sequence)
 * and settled by the answer (done, conflicted, failed) or left queued when
 * the answer does not arrive; replayed in order, retried (and rebased onto
 * the server's current version) on request.  Also offline handles, whose
 * reads the replica answers.  Requests are handled generically through the
 * protobuf-c descriptors: which field is the target id, where the expected
 * version sits, which answer body carries a record. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

/* The requests that go through the outbox: every change of a synced
 * record.  Not logins, not account administration (a password must never
 * wait in a file), not reads.  One row per request: its name in the
 * Request oneof, the record type it changes and the field naming that
 * record (NULL for creations). */
static const struct outbox_kind {
	const char *name;
	qt_record_type_t type;
	const char *id_field;
} outbox_kinds[] = {
	{ "project_create", QT_RECORD_PROJECT, NULL },
	{ "project_update", QT_RECORD_PROJECT, "id" },
	{ "project_transition", QT_RECORD_PROJECT, "id" },
	{ "person_create", QT_RECORD_PERSON, NULL },
	{ "person_update", QT_RECORD_PERSON, "id" },
	{ "membership_add", QT_RECORD_MEMBERSHIP, NULL },
	{ "membership_end", QT_RECORD_MEMBERSHIP, "id" },
	{ "fund_create", QT_RECORD_FUND, NULL },
	{ "fund_entry_add", QT_RECORD_FUND, "fund_id" },
	{ "assessment_create", QT_RECORD_ASSESSMENT, NULL },
	{ "continuation_set", QT_RECORD_CONTINUATION, "project_id" },
	{ "meeting_create", QT_RECORD_MEETING, NULL },
	{ "meeting_update", QT_RECORD_MEETING, "id" },
	{ "meeting_transition", QT_RECORD_MEETING, "id" },
	{ "agenda_propose", QT_RECORD_AGENDA_ITEM, NULL },
	{ "agenda_schedule", QT_RECORD_AGENDA_ITEM, "item_id" },
	{ "agenda_outcome", QT_RECORD_AGENDA_ITEM, "item_id" },
	{ "handover_update", QT_RECORD_HANDOVER, "id" },
	{ "goal_create", QT_RECORD_GOAL, NULL },
	{ "goal_change", QT_RECORD_GOAL, "id" },
	{ "goal_accept", QT_RECORD_GOAL, "id" },
	{ "goal_retire", QT_RECORD_GOAL, "id" },
	{ "progress_submit", QT_RECORD_PROGRESS_UPDATE, NULL },
	{ "progress_revise", QT_RECORD_PROGRESS_UPDATE, "id" },
	{ "progress_review", QT_RECORD_PROGRESS_UPDATE, "id" },
};

/* Reads the offline handle can answer from the replica: the request's
 * name, the record type and the field naming the record. */
static const struct outbox_kind offline_reads[] = {
	{ "project_get", QT_RECORD_PROJECT, "id" },
	{ "person_get", QT_RECORD_PERSON, "id" },
	{ "fund_get", QT_RECORD_FUND, "id" },
	{ "assessment_get", QT_RECORD_ASSESSMENT, "id" },
	{ "continuation_get", QT_RECORD_CONTINUATION, "project_id" },
	{ "meeting_get", QT_RECORD_MEETING, "id" },
	{ "goal_get", QT_RECORD_GOAL, "id" },
	{ "progress_get", QT_RECORD_PROGRESS_UPDATE, "id" },
};

#define OUTBOX_N(t) (sizeof(t) / sizeof((t)[0]))

/* The descriptor of the body field of req (the set member of its oneof). */
static const ProtobufCFieldDescriptor *outbox_body_field(const Quartier__V1__Request *req)
{
	return protobuf_c_message_descriptor_get_field(&quartier__v1__request__descriptor,
	                                               (unsigned)req->body_case);
}

/* The body message of req, or NULL. */
static ProtobufCMessage *outbox_body(const Quartier__V1__Request *req,
                                     const ProtobufCFieldDescriptor *f)
{
	return *(ProtobufCMessage *const *)((const char *)req + f->offset);
}

static const struct outbox_kind *outbox_find(const struct outbox_kind *t, size_t n,
                                             const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* Reads an int64 field by name of m; 0 if m has none. */
static int outbox_get_i64(const ProtobufCMessage *m, const char *name, int64_t *out)
{
	const ProtobufCFieldDescriptor *f;

	if (m == NULL || name == NULL)
		return 0;
	f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);
	if (f == NULL || f->type != PROTOBUF_C_TYPE_INT64 || f->label == PROTOBUF_C_LABEL_REPEATED)
		return 0;
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
	    !*(const protobuf_c_boolean *)((const char *)m + f->quantifier_offset))
		return 0;
	*out = *(const int64_t *)((const char *)m + f->offset);
	return 1;
}

/* Sets an int64 field by name of m; 0 if m has none. */
static int outbox_set_i64(ProtobufCMessage *m, const char *name, int64_t v)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);

	if (f == NULL || f->type != PROTOBUF_C_TYPE_INT64 || f->label == PROTOBUF_C_LABEL_REPEATED)
		return 0;
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL)
		*(protobuf_c_boolean *)((char *)m + f->quantifier_offset) = 1;
	*(int64_t *)((char *)m + f->offset) = v;
	return 1;
}

int outbox_applies(const qt_client_t *c, const Quartier__V1__Request *req)
{
	const ProtobufCFieldDescriptor *f;

	if (c->store == NULL || req->has_mutation_seq)
		return 0;
	f = outbox_body_field(req);
	return f != NULL && outbox_find(outbox_kinds, OUTBOX_N(outbox_kinds), f->name) != NULL;
}

/* Packs req without its id and mutation id into a new buffer. */
static qt_status_t outbox_pack(const Quartier__V1__Request *req, uint8_t **out, size_t *len)
{
	Quartier__V1__Request copy = *req;
	size_t n;
	uint8_t *buf;

	copy.id = 0;
	copy.has_mutation_seq = 0;
	copy.mutation_seq = 0;
	n = quartier__v1__request__get_packed_size(&copy);
	buf = malloc(n > 0 ? n : 1);
	if (buf == NULL)
		return QT_NOMEM;
	quartier__v1__request__pack(&copy, buf);
	*out = buf;
	*len = n;
	return QT_OK;
}

/* Whether a failure of a send leaves the outcome open (the entry stays
 * queued) rather than being the server's verdict on the change.  An
 * expired session is not a verdict either: after a login it goes through. */
static int outbox_open_outcome(qt_status_t st, const qt_error_t *e)
{
	switch (st) {
	case QT_IO:
	case QT_TLS:
	case QT_NOMEM:
	case QT_UNAVAILABLE:
	case QT_RESOURCE_EXHAUSTED:
	case QT_UNAUTHENTICATED:
	case QT_PROTOCOL_ERROR:
	case QT_INTERNAL:
		return 1;
	default:
		return e->retryable;
	}
}

/* Settles entry id by the outcome of one send (rc, and the answer in when
 * rc is QT_OK).  A store failure here is not reported: the entry then stays
 * queued and its next send is answered from the server's record of it. */
static void outbox_settle(qt_client_t *c, int64_t id, qt_status_t rc, const qt_envelope_t *in)
{
	store_cursor_t cur;

	memset(&cur, 0, sizeof(cur));
	if (rc == QT_OK) {
		if (in != NULL && in->response != NULL)
			store_cursor_from_wire(in->response->cursor, &cur);
		store_outbox_settle(c->store, id, QT_OUTBOX_DONE, &cur, QT_OK, NULL, NULL);
		store_cursor_clear(&cur);
		return;
	}
	if (outbox_open_outcome(rc, &c->err)) {
		store_outbox_settle(c->store, id, QT_OUTBOX_QUEUED, NULL, rc, c->err.message,
		                    c->err.field);
		c->queued = id;
		return;
	}
	store_outbox_settle(c->store, id, rc == QT_CONFLICT ? QT_OUTBOX_CONFLICTED : QT_OUTBOX_FAILED,
	                    NULL, rc, c->err.message, c->err.field);
}

qt_status_t outbox_call(qt_client_t *c, Quartier__V1__Request *req,
                        Quartier__V1__Response__BodyCase want, qt_envelope_t **out)
{
	const ProtobufCFieldDescriptor *f = outbox_body_field(req);
	const struct outbox_kind *k = outbox_find(outbox_kinds, OUTBOX_N(outbox_kinds), f->name);
	const ProtobufCMessage *body = outbox_body(req, f);
	qt_envelope_t *in = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	int64_t id = 0, tid = 0, ver = -1;
	uint64_t seq = 0;
	qt_status_t rc;

	outbox_get_i64(body, k->id_field, &tid);
	outbox_get_i64(body, "expected_version", &ver);
	rc = outbox_pack(req, &buf, &len);
	if (rc != QT_OK) {
		rc = client_error(c, rc, NULL, "out of memory");
		goto out;
	}
	rc = store_outbox_add(c->store, f->name, k->type, tid, ver, buf, len, &id, &seq);
	if (rc != QT_OK) {
		rc = store_error_to_client(c, c->store);
		goto out;
	}
	if (c->offline) {
		c->queued = id;
		rc = client_error(c, QT_UNAVAILABLE, NULL,
		                  "not connected; the change is queued as #%lld", (long long)id);
		goto out;
	}
	if (c->instance_id == NULL || c->store->instance_id == NULL ||
	    strcmp(c->instance_id, c->store->instance_id) != 0) {
		/* Sent under another instance id, the sequence would not name
		 * this change; leave it queued for a connection that fits. */
		c->queued = id;
		rc = client_error(c, QT_UNAVAILABLE, NULL,
		                  "this connection's client instance id is not the outbox's; "
		                  "the change is queued as #%lld", (long long)id);
		goto out;
	}
	req->has_mutation_seq = 1;
	req->mutation_seq = seq;
	rc = call_request_raw(c, req, want, &in);
	req->has_mutation_seq = 0;
	req->mutation_seq = 0;
	outbox_settle(c, id, rc, in);
	if (rc == QT_OK && in->response->body_case != want &&
	    want != QUARTIER__V1__RESPONSE__BODY_EMPTY) {
		/* A replayed answer that was lost: the change is applied, but
		 * there is nothing to hand back. */
		rc = client_error(c, QT_INTERNAL, NULL,
		                  "the change (#%lld) was applied, but the server kept no answer; "
		                  "read the record again", (long long)id);
		goto out;
	}
	if (rc == QT_OK) {
		*out = in;
		in = NULL;
	}
out:
	envelope_free(in);
	free(buf);
	return rc;
}

/* Sends one stored entry (row r) and settles it; returns the status of
 * the send. */
static qt_status_t outbox_send_row(qt_client_t *c, store_outbox_row_t *r)
{
	Quartier__V1__Request *req;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	req = quartier__v1__request__unpack(NULL, r->request_len, r->request);
	if (req == NULL) {
		client_error(c, QT_PROTOCOL_ERROR, NULL, "outbox entry #%lld is unreadable",
		             (long long)r->e.id);
		store_outbox_settle(c->store, r->e.id, QT_OUTBOX_FAILED, NULL, QT_PROTOCOL_ERROR,
		                    c->err.message, NULL);
		return QT_PROTOCOL_ERROR;
	}
	if (c->instance_id == NULL || r->instance_id == NULL ||
	    strcmp(c->instance_id, r->instance_id) != 0) {
		rc = client_error(c, QT_FAILED_PRECONDITION, NULL,
		                  "queued under client instance %s, but this connection is %s; "
		                  "`quartier outbox retry %lld` sends it anew",
		                  r->instance_id != NULL ? r->instance_id : "?",
		                  c->instance_id != NULL ? c->instance_id : "?", (long long)r->e.id);
		store_outbox_settle(c->store, r->e.id, QT_OUTBOX_FAILED, NULL, rc, c->err.message,
		                    NULL);
		goto out;
	}
	req->has_mutation_seq = 1;
	req->mutation_seq = r->e.seq;
	/* Any answer body will do: the entry only needs the verdict. */
	rc = call_request_raw(c, req, QUARTIER__V1__RESPONSE__BODY__NOT_SET, &in);
	outbox_settle(c, r->e.id, rc, in);
out:
	envelope_free(in);
	quartier__v1__request__free_unpacked(req, NULL);
	return rc;
}

qt_status_t qt_outbox_replay(qt_client_t *c, qt_store_t *s, qt_replay_stats_t *stats)
{
	store_outbox_row_t r;
	qt_replay_stats_t z;
	qt_store_t *saved = c->store;
	uint64_t after = 0;
	qt_status_t rc = QT_OK, st;

	client_begin(c);
	memset(&z, 0, sizeof(z));
	c->store = s;
	for (;;) {
		st = store_outbox_read(s, 0, after, &r);
		if (st == QT_NOT_FOUND)
			break;
		if (st != QT_OK) {
			rc = store_error_to_client(c, s);
			break;
		}
		after = r.e.seq;
		c->queued = 0;
		st = outbox_send_row(c, &r);
		z.sent++;
		store_outbox_row_clear(&r);
		if (st == QT_OK) {
			z.done++;
		} else if (c->queued != 0) {
			/* The outcome is open: the connection failed or the
			 * server cannot take it now.  Later entries wait, so
			 * that changes arrive in the order they were made. */
			z.queued++;
			rc = st;
			break;
		} else if (st == QT_CONFLICT) {
			z.conflicted++;
		} else {
			z.failed++;
		}
	}
	if (rc == QT_OK)
		client_begin(c);
	c->store = saved;
	if (stats != NULL)
		*stats = z;
	return rc;
}

qt_status_t qt_outbox_retry(qt_client_t *c, qt_store_t *s, int64_t id, int rebase)
{
	store_outbox_row_t r;
	Quartier__V1__Request *req = NULL;
	ProtobufCMessage *body, *rec = NULL;
	const ProtobufCFieldDescriptor *f;
	const ProtobufCMessageDescriptor *d;
	qt_record_t cur;
	qt_store_t *saved = c->store;
	uint8_t *buf = NULL;
	size_t len = 0;
	int64_t version = -1;
	uint64_t seq = 0;
	qt_status_t rc;

	client_begin(c);
	memset(&r, 0, sizeof(r));
	memset(&cur, 0, sizeof(cur));
	rc = store_outbox_read(s, id, 0, &r);
	if (rc != QT_OK) {
		rc = store_error_to_client(c, s);
		goto out;
	}
	if (r.e.state != QT_OUTBOX_CONFLICTED && r.e.state != QT_OUTBOX_FAILED) {
		rc = client_error(c, QT_FAILED_PRECONDITION, NULL,
		                  "outbox entry #%lld is %s; only conflicted or failed entries are retried",
		                  (long long)id, qt_outbox_state_name(r.e.state));
		goto out;
	}
	if (rebase) {
		req = quartier__v1__request__unpack(NULL, r.request_len, r.request);
		f = req != NULL ? outbox_body_field(req) : NULL;
		body = f != NULL ? outbox_body(req, f) : NULL;
		if (body == NULL) {
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL, "outbox entry #%lld is unreadable",
			                  (long long)id);
			goto out;
		}
		if (protobuf_c_message_descriptor_get_field_by_name(body->descriptor,
		                                                    "expected_version") == NULL ||
		    r.e.target_id == 0) {
			rc = client_error(c, QT_FAILED_PRECONDITION, NULL,
			                  "a %s names no version to rebase on; retry it without --rebase",
			                  r.e.request_type);
			goto out;
		}
		rc = qt_store_get(s, r.e.target_type, r.e.target_id, &cur);
		if (rc == QT_NOT_FOUND) {
			rc = client_error(c, QT_NOT_FOUND, NULL,
			                  "the replica holds no %s %lld to rebase on (it is gone, or "
			                  "outside the replica's scope)",
			                  qt_record_type_name(r.e.target_type), (long long)r.e.target_id);
			goto out;
		}
		if (rc != QT_OK) {
			rc = store_error_to_client(c, s);
			goto out;
		}
		d = record_descriptor(cur.type);
		rec = d != NULL ? protobuf_c_message_unpack(d, NULL, cur.body_len, cur.body) : NULL;
		if (rec == NULL || !outbox_get_i64(rec, "version", &version)) {
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
			                  "the replica's %s %lld has no readable version",
			                  qt_record_type_name(cur.type), (long long)cur.id);
			goto out;
		}
		outbox_set_i64(body, "expected_version", version);
		rc = outbox_pack(req, &buf, &len);
		if (rc != QT_OK) {
			rc = client_error(c, rc, NULL, "out of memory");
			goto out;
		}
	}
	/* A new sequence number: the old one may be on record at the server
	 * with its refusal. */
	rc = store_outbox_requeue(s, id, buf, len, version, &seq);
	if (rc != QT_OK) {
		rc = store_error_to_client(c, s);
		goto out;
	}
	store_outbox_row_clear(&r);
	rc = store_outbox_read(s, id, 0, &r);
	if (rc != QT_OK) {
		rc = store_error_to_client(c, s);
		goto out;
	}
	c->store = s;
	c->queued = 0;
	if (c->offline) {
		c->queued = id;
		rc = client_error(c, QT_UNAVAILABLE, NULL, "not connected; #%lld is queued again",
		                  (long long)id);
	} else {
		rc = outbox_send_row(c, &r);
	}
	c->store = saved;
out:
	if (rec != NULL)
		protobuf_c_message_free_unpacked(rec, NULL);
	if (req != NULL)
		quartier__v1__request__free_unpacked(req, NULL);
	qt_record_clear(&cur);
	store_outbox_row_clear(&r);
	free(buf);
	return rc;
}

void qt_client_set_store(qt_client_t *c, qt_store_t *s)
{
	c->store = s;
}

int64_t qt_client_queued(const qt_client_t *c)
{
	return c->queued;
}

int qt_client_is_offline(const qt_client_t *c)
{
	return c->offline;
}

/* ------------------------------------------------------------ offline reads */

/* Packs resp into an envelope and unpacks it again, so that the result is
 * one allocation tree that envelope_free() releases. */
static qt_status_t offline_envelope(qt_client_t *c, Quartier__V1__Response *resp,
                                    qt_envelope_t **out)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	uint8_t *buf;
	size_t n;

	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_RESPONSE;
	env.response = resp;
	n = quartier__v1__envelope__get_packed_size(&env);
	buf = malloc(n > 0 ? n : 1);
	if (buf == NULL)
		return client_error(c, QT_NOMEM, NULL, "out of memory");
	quartier__v1__envelope__pack(&env, buf);
	*out = quartier__v1__envelope__unpack(NULL, n, buf);
	free(buf);
	if (*out == NULL)
		return client_error(c, QT_NOMEM, NULL, "out of memory");
	return QT_OK;
}

/* Sets the Response oneof member whose message type is that of m. */
static int offline_set_body(Quartier__V1__Response *resp, ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *rd = &quartier__v1__response__descriptor;
	unsigned i;

	for (i = 0; i < rd->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &rd->fields[i];

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    f->descriptor == m->descriptor) {
			*(uint32_t *)((char *)resp + f->quantifier_offset) = f->id;
			*(ProtobufCMessage **)((char *)resp + f->offset) = m;
			return 1;
		}
	}
	return 0;
}

/* project_list from the replica, with the request's filters. */
static qt_status_t offline_project_list(qt_client_t *c, const Quartier__V1__ProjectListRequest *q,
                                        qt_envelope_t **out)
{
	Quartier__V1__Response resp = QUARTIER__V1__RESPONSE__INIT;
	Quartier__V1__ProjectList pl = QUARTIER__V1__PROJECT_LIST__INIT;
	qt_project_filter_t f;
	qt_record_t rec;
	qt_project_t *list = NULL;
	Quartier__V1__Project **wire = NULL;
	size_t n = 0, i, made = 0;
	int64_t next = 0;
	qt_status_t rc;

	memset(&f, 0, sizeof(f));
	f.district_id = q->has_district_id ? q->district_id : 0;
	f.district = q->district != NULL && q->district[0] != '\0' ? q->district : NULL;
	f.quarter_id = q->has_quarter_id ? q->quarter_id : 0;
	f.kind = q->has_kind ? (qt_project_kind_t)q->kind : QT_KIND_UNSPECIFIED;
	f.status = q->has_status ? (qt_project_status_t)q->status : QT_PSTATUS_UNSPECIFIED;
	f.lead_office_id = q->has_lead_office_id ? q->lead_office_id : 0;
	f.page_size = q->has_page_size && q->page_size != 0 ? q->page_size : 50;
	f.after_id = q->has_after_id ? q->after_id : 0;
	rc = qt_store_project_list(c->store, &f, &list, &n, &next);
	if (rc != QT_OK)
		return store_error_to_client(c, c->store);
	/* Back to the wire form: the records themselves, unpacked. */
	if (n > 0 && (wire = calloc(n, sizeof(*wire))) == NULL) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (qt_store_get(c->store, QT_RECORD_PROJECT, list[i].id, &rec) != QT_OK) {
			rc = store_error_to_client(c, c->store);
			goto out;
		}
		wire[i] = quartier__v1__project__unpack(NULL, rec.body_len, rec.body);
		qt_record_clear(&rec);
		if (wire[i] == NULL) {
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL, "unreadable project in the replica");
			goto out;
		}
		made++;
	}
	pl.n_projects = n;
	pl.projects = wire;
	pl.has_next_after_id = next != 0;
	pl.next_after_id = next;
	resp.body_case = QUARTIER__V1__RESPONSE__BODY_PROJECT_LIST;
	resp.project_list = &pl;
	rc = offline_envelope(c, &resp, out);
out:
	for (i = 0; i < made; i++)
		quartier__v1__project__free_unpacked(wire[i], NULL);
	free(wire);
	qt_project_list_free(list, n);
	return rc;
}

qt_status_t offline_read(qt_client_t *c, const Quartier__V1__Request *req,
                         Quartier__V1__Response__BodyCase want, qt_envelope_t **out)
{
	Quartier__V1__Response resp = QUARTIER__V1__RESPONSE__INIT;
	const ProtobufCFieldDescriptor *f = outbox_body_field(req);
	const struct outbox_kind *k;
	const ProtobufCMessageDescriptor *d;
	ProtobufCMessage *m = NULL;
	qt_record_t rec;
	int64_t id = 0;
	qt_status_t rc;

	if (f == NULL || !c->serve_reads || c->store == NULL)
		return client_error(c, QT_UNAVAILABLE, NULL, "not connected (working offline)");
	if (req->body_case == QUARTIER__V1__REQUEST__BODY_PROJECT_LIST)
		return offline_project_list(c, req->project_list, out);
	k = outbox_find(offline_reads, OUTBOX_N(offline_reads), f->name);
	if (k == NULL)
		return client_error(c, QT_UNAVAILABLE, NULL,
		                    "%s is not available offline (the replica answers reads of "
		                    "single records and project lists)", f->name);
	outbox_get_i64(outbox_body(req, f), k->id_field, &id);
	rc = qt_store_get(c->store, k->type, id, &rec);
	if (rc != QT_OK)
		return store_error_to_client(c, c->store);
	d = record_descriptor(k->type);
	m = protobuf_c_message_unpack(d, NULL, rec.body_len, rec.body);
	qt_record_clear(&rec);
	if (m == NULL)
		return client_error(c, QT_PROTOCOL_ERROR, NULL, "unreadable %s %lld in the replica",
		                    qt_record_type_name(k->type), (long long)id);
	if (!offline_set_body(&resp, m) || (want != QUARTIER__V1__RESPONSE__BODY__NOT_SET &&
	                                    resp.body_case != want))
		rc = client_error(c, QT_INTERNAL, NULL, "the replica cannot answer %s", f->name);
	else
		rc = offline_envelope(c, &resp, out);
	protobuf_c_message_free_unpacked(m, NULL);
	return rc;
}
