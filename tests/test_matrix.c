/* The permission matrix end to end: every request type of the protocol x
 * every role and relation to the records (admin; office staff of the lead
 * office O1 and of another office O2; the coordinator C1 of project P1 and
 * a coordinator C2 of nothing; the district head D1 of P1's district and D2
 * of another; a viewer; and a connection that never logged in), against
 * one real server.  Each cell sends one request that would succeed for an
 * allowed actor and asserts the answer; a refused one must leave every
 * table but `session` exactly as it was (checksums of all rows) and the
 * audit log untouched, and an allowed change must be audited.
 *
 * The request types come from the protobuf-c descriptor of Request (the
 * fields of its `body` oneof), so a request type added to quartier.proto
 * without a row here fails `every_request_type_has_a_row`. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

TestSuite(matrix, .fini = harness_fini, .timeout = 280);

/* ------------------------------------------------------------ columns */

typedef enum {
	COL_ANON, /* connected, never logged in */
	COL_ADMIN,
	COL_O1, /* staff of office O1, the lead office of P1 and organiser of the meetings */
	COL_O2, /* staff of another office */
	COL_C1, /* coordinator of P1 */
	COL_C2, /* coordinator of no project */
	COL_D1, /* district head of P1's district (Süd) */
	COL_D2, /* district head of another district (Nord) */
	COL_VIEWER,
	COL_COUNT
} mx_col_t;

static const char *const mx_col_names[COL_COUNT] = {
    "anonymous",
    "admin",
    "office O1 (lead)",
    "office O2 (other)",
    "coordinator C1 (own)",
    "coordinator C2 (none)",
    "district head D1 (own district)",
    "district head D2 (other district)",
    "viewer",
};

/* Accounts; the anonymous column logs in (login, resume) as the viewer. */
static const char *const mx_logins[COL_COUNT] = {
    "viewer", "admin", "o1", "o2", "c1", "c2", "d1", "d2", "viewer",
};

/* ------------------------------------------------------------ state */

typedef struct mx_conn {
	raw_conn_t raw;
	uint64_t next_id;
} mx_conn_t;

typedef struct mx {
	harness_t *h;
	mx_conn_t conn[COL_COUNT]; /* logged in as the column's account (not COL_ANON) */
	char *token[COL_COUNT];    /* their session tokens (malloc) */
	int64_t account[COL_COUNT];
	/* Records the requests address (see mx_setup()). */
	int64_t office_o1, office_o2, quarter, district;
	int64_t project;          /* P1: quarter in Süd, led by O1, coordinated by C1 */
	int64_t person;           /* with contact data, member of P1's group */
	int64_t fund;             /* of P1, with an allocation */
	int64_t assessment;       /* of P1 */
	int64_t criterion;        /* a criterion of the latest catalogue */
	int64_t meeting_draft;    /* organised by O1, draft */
	int64_t meeting_live;     /* organised by O1, in progress */
	int64_t handover;         /* addressed to O1 */
	int64_t goal;             /* of P1, accepted */
	int64_t update_submitted; /* a progress update of P1 by C1, not reviewed yet */
	int64_t update_approved;  /* one approved by the admin */
	int64_t spare;            /* a viewer account no column uses (account administration) */
	unsigned serial;          /* makes names and logins unique */
	int32_t next_year;        /* of the next fund of P1 */
	char *checksum_sql;       /* every table but session: name=md5 of its rows */
	void *arena[64];          /* what the request of one cell points to */
	size_t n_arena;
} mx_t;

static void *mx_alloc(mx_t *m, size_t size)
{
	void *p = calloc(1, size);

	cr_assert_not_null(p);
	cr_assert_lt(m->n_arena, sizeof(m->arena) / sizeof(m->arena[0]), "cell arena full");
	m->arena[m->n_arena++] = p;
	return p;
}

static char *mx_printf(mx_t *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *mx_printf(mx_t *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	char *s;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s = mx_alloc(m, strlen(buf) + 1);
	memcpy(s, buf, strlen(buf) + 1);
	return s;
}

static void mx_arena_reset(mx_t *m)
{
	for (size_t i = 0; i < m->n_arena; i++)
		free(m->arena[i]);
	m->n_arena = 0;
}

static int64_t *mx_ids(mx_t *m, int64_t id)
{
	int64_t *a = mx_alloc(m, sizeof(*a));

	a[0] = id;
	return a;
}

/* The Request fields that make up its `body` oneof. */
static int mx_is_body_field(const ProtobufCFieldDescriptor *f)
{
	return (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
	       f->quantifier_offset == offsetof(Quartier__V1__Request, body_case);
}

/* Sets body case bc of rq to a new, initialised message (in the cell
 * arena) and returns it. */
static void *mx_body(mx_t *m, Quartier__V1__Request *rq, Quartier__V1__Request__BodyCase bc)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
	    &quartier__v1__request__descriptor, (unsigned)bc);
	const ProtobufCMessageDescriptor *d;
	void *msg;

	cr_assert(f != NULL && mx_is_body_field(f), "no body case %d", (int)bc);
	d = f->descriptor;
	msg = mx_alloc(m, d->sizeof_message);
	d->message_init(msg);
	*(void **)((char *)rq + f->offset) = msg;
	rq->body_case = bc;
	return msg;
}

#define MX_BODY(m, rq, CASE, TYPE) ((TYPE *)mx_body((m), (rq), QUARTIER__V1__REQUEST__BODY_##CASE))

static const char *mx_body_name(int bc)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
	    &quartier__v1__request__descriptor, (unsigned)bc);

	return f != NULL ? f->name : "?";
}

/* ------------------------------------------------------------ protocol */

static void mx_conn_open(mx_t *m, mx_conn_t *c)
{
	raw_open(m->h, &c->raw);
	raw_hello(&c->raw);
	c->next_id = 0;
}

/* Sends rq and returns the envelope answering it (free with
 * envelope_free()). */
static qt_envelope_t *mx_call(mx_conn_t *c, Quartier__V1__Request *rq)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;

	rq->id = ++c->next_id;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = rq;
	cr_assert_eq(raw_send(&c->raw, &env), 0, "sending %s failed", mx_body_name(rq->body_case));
	for (;;) {
		qt_envelope_t *in = NULL;
		int rc = raw_recv(&c->raw, 20000, &in);

		cr_assert_eq(rc, 1, "no answer to %s (raw_recv %d)", mx_body_name(rq->body_case),
		             rc);
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_RESPONSE &&
		    in->response->id == rq->id)
			return in;
		cr_assert_neq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_GOODBYE,
		              "the server said goodbye to %s", mx_body_name(rq->body_case));
		envelope_free(in);
	}
}

static int mx_status(const qt_envelope_t *in)
{
	return in->response->error != NULL ? (int)in->response->error->status : 0;
}

/* The id of the record a successful answer carries (the field `id` of the
 * response body). */
static int64_t mx_answer_id(const qt_envelope_t *in)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
	    &quartier__v1__response__descriptor, (unsigned)in->response->body_case);
	const ProtobufCMessage *msg;
	const ProtobufCFieldDescriptor *id;

	cr_assert_not_null(f);
	msg = *(const ProtobufCMessage *const *)((const char *)in->response + f->offset);
	id = protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, "id");
	cr_assert(id != NULL && id->type == PROTOBUF_C_TYPE_INT64, "%s has no id", f->name);
	return *(const int64_t *)((const char *)msg + id->offset);
}

/* Sends rq as the column's account, asserts success and returns the
 * answer's id. */
static int64_t mx_as(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	qt_envelope_t *in = mx_call(&m->conn[col], rq);
	int64_t id;

	cr_assert_eq(mx_status(in), 0, "fixture %s: %s (field %s)", mx_body_name(rq->body_case),
	             in->response->error != NULL ? in->response->error->message : "",
	             in->response->error != NULL && in->response->error->field != NULL
	                 ? in->response->error->field
	                 : "-");
	id = mx_answer_id(in);
	envelope_free(in);
	return id;
}

static int64_t mx_admin(mx_t *m, Quartier__V1__Request *rq)
{
	return mx_as(m, COL_ADMIN, rq);
}

static void mx_login(mx_t *m, mx_conn_t *c, const char *login, char **token)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest *lr = MX_BODY(m, &rq, LOGIN, Quartier__V1__LoginRequest);
	qt_envelope_t *in;

	lr->login = (char *)login;
	lr->password = HARNESS_PASSWORD;
	in = mx_call(c, &rq);
	cr_assert_eq(mx_status(in), 0, "login as %s", login);
	if (token != NULL)
		*token = strdup(in->response->login->token);
	envelope_free(in);
}

static int64_t mx_sql_id(mx_t *m, const char *sql, int64_t id)
{
	char p[32];

	snprintf(p, sizeof(p), "%lld", (long long)id);
	return harness_sql_int(m->h, sql, 1, p, NULL, NULL);
}

/* ------------------------------------------------------------ checksums */

typedef struct mx_snap {
	char *tables;  /* "name=md5;name=md5;..." (malloc) */
	int64_t audit; /* rows in audit */
} mx_snap_t;

static void mx_checksum_prepare(mx_t *m)
{
	PGresult *res = PQexec(
	    harness_pg(m->h),
	    "SELECT string_agg(format('SELECT %L::text AS t, (SELECT md5(coalesce(string_agg("
	    "x::text, '','' ORDER BY x::text), '''')) FROM %I x) AS h', tablename, tablename), "
	    "' UNION ALL ' ORDER BY tablename) "
	    /* feed_meta is the change feed's bookkeeping, which the server's
	     * maintenance timer updates on its own schedule; audit_seal and
	     * audit_chain are the audit log's hash chain, which its sealer
	     * extends on its own (the audit rows themselves are counted). */
	    "FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('session', 'feed_meta', "
	    "'audit_seal', 'audit_chain')");
	const char *head = "SELECT string_agg(t || '=' || h, ';' ORDER BY t), "
	                   "(SELECT count(*) FROM audit) FROM (";
	size_t len;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	len = strlen(head) + strlen(PQgetvalue(res, 0, 0)) + 8;
	m->checksum_sql = malloc(len);
	cr_assert_not_null(m->checksum_sql);
	snprintf(m->checksum_sql, len, "%s%s) s", head, PQgetvalue(res, 0, 0));
	PQclear(res);
}

static void mx_snapshot(mx_t *m, mx_snap_t *s)
{
	PGresult *res = PQexec(harness_pg(m->h), m->checksum_sql);

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	s->tables = strdup(PQgetvalue(res, 0, 0));
	s->audit = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
}

/* The names of the tables whose checksums differ, comma separated. */
static void mx_changed_tables(const mx_snap_t *a, const mx_snap_t *b, char *out, size_t len)
{
	char *x = strdup(a->tables), *y = strdup(b->tables), *sx = NULL, *sy = NULL;
	char *ex = strtok_r(x, ";", &sx), *ey = strtok_r(y, ";", &sy);

	out[0] = '\0';
	while (ex != NULL && ey != NULL) {
		if (strcmp(ex, ey) != 0) {
			size_t n = strcspn(ex, "=");
			snprintf(out + strlen(out), len - strlen(out), "%s%.*s", out[0] ? ", " : "",
			         (int)n, ex);
		}
		ex = strtok_r(NULL, ";", &sx);
		ey = strtok_r(NULL, ";", &sy);
	}
	free(x);
	free(y);
}

/* ------------------------------------------------------------ fixtures built per cell */

static int64_t mx_new_person(mx_t *m, const char *email)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__PersonCreateRequest *b =
	    MX_BODY(m, &rq, PERSON_CREATE, Quartier__V1__PersonCreateRequest);

	b->name = mx_printf(m, "Matrix Person %u", ++m->serial);
	b->email = (char *)email;
	return mx_admin(m, &rq);
}

static int64_t mx_new_membership(mx_t *m, int64_t person)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MembershipAddRequest *b =
	    MX_BODY(m, &rq, MEMBERSHIP_ADD, Quartier__V1__MembershipAddRequest);

	b->project_id = m->project;
	b->person_id = person;
	b->role = QUARTIER__V1__MEMBERSHIP_ROLE__MEMBERSHIP_ROLE_CIVIC;
	b->start_date = "2025-01-01";
	return mx_admin(m, &rq);
}

static int64_t mx_new_meeting(mx_t *m)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingCreateRequest *b =
	    MX_BODY(m, &rq, MEETING_CREATE, Quartier__V1__MeetingCreateRequest);

	b->title = mx_printf(m, "AGSP Matrix %u", ++m->serial);
	b->starts_at = (int64_t)time(NULL) + 30 * 86400;
	b->has_organiser_office_id = 1;
	b->organiser_office_id = m->office_o1;
	return mx_admin(m, &rq);
}

static void mx_meeting_to(mx_t *m, int64_t meeting, Quartier__V1__MeetingStatus to)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__MeetingTransitionRequest *b =
	    MX_BODY(m, &rq, MEETING_TRANSITION, Quartier__V1__MeetingTransitionRequest);

	b->id = meeting;
	b->expected_version = mx_sql_id(m, "SELECT version FROM meeting WHERE id = $1", meeting);
	b->to = to;
	mx_admin(m, &rq);
}

/* A top-down item of O1 in the backlog, or on meeting's agenda. */
static int64_t mx_new_item(mx_t *m, int64_t meeting)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AgendaProposeRequest *b =
	    MX_BODY(m, &rq, AGENDA_PROPOSE, Quartier__V1__AgendaProposeRequest);
	int64_t item;

	b->title = mx_printf(m, "Matrix topic %u", ++m->serial);
	b->origin = QUARTIER__V1__AGENDA_ORIGIN__AGENDA_ORIGIN_TOP_DOWN;
	b->has_origin_office_id = 1;
	b->origin_office_id = m->office_o1;
	b->n_project_ids = 1;
	b->project_ids = mx_ids(m, m->project);
	item = mx_admin(m, &rq);
	if (meeting != 0) {
		Quartier__V1__Request rs = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__AgendaScheduleRequest *s =
		    MX_BODY(m, &rs, AGENDA_SCHEDULE, Quartier__V1__AgendaScheduleRequest);
		s->item_id = item;
		s->meeting_id = meeting;
		mx_admin(m, &rs);
	}
	return item;
}

/* An open hand-over to O1, made in the meeting in progress. */
static int64_t mx_new_handover(mx_t *m)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AgendaOutcomeRequest *b;
	int64_t item = mx_new_item(m, m->meeting_live);

	b = MX_BODY(m, &rq, AGENDA_OUTCOME, Quartier__V1__AgendaOutcomeRequest);
	b->meeting_id = m->meeting_live;
	b->item_id = item;
	b->outcome = QUARTIER__V1__AGENDA_OUTCOME__AGENDA_OUTCOME_HAND_OVER;
	b->has_lead_office_id = 1;
	b->lead_office_id = m->office_o1;
	b->due_date = "2100-01-01";
	mx_admin(m, &rq);
	return mx_sql_id(m, "SELECT id FROM handover WHERE item_id = $1", item);
}

/* A goal of P1, set by the admin (accepted) or proposed. */
static int64_t mx_new_goal(mx_t *m, int propose)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__GoalCreateRequest *b =
	    MX_BODY(m, &rq, GOAL_CREATE, Quartier__V1__GoalCreateRequest);

	b->project_id = m->project;
	b->statement = mx_printf(m, "Mehr Nachbarschaftstreffs %u", ++m->serial);
	b->indicator = "Teilnehmende je Monat";
	b->target_value = "40";
	b->unit = "Personen";
	b->due_date = "2027-12-31";
	b->has_propose = 1;
	b->propose = propose;
	return mx_admin(m, &rq);
}

/* A progress update of P1 submitted by C1. */
static int64_t mx_new_update(mx_t *m)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressSubmitRequest *b =
	    MX_BODY(m, &rq, PROGRESS_SUBMIT, Quartier__V1__ProgressSubmitRequest);

	b->project_id = m->project;
	b->period_from = "2026-01-01";
	b->period_to = "2026-06-30";
	b->narrative = mx_printf(m, "Halbjahresbericht %u", ++m->serial);
	return mx_as(m, COL_C1, &rq);
}

/* The admin approves (or returns) an update someone else submitted. */
static void mx_review(mx_t *m, int64_t update, Quartier__V1__ProgressDecision decision)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProgressReviewRequest *b =
	    MX_BODY(m, &rq, PROGRESS_REVIEW, Quartier__V1__ProgressReviewRequest);

	b->id = update;
	b->expected_version =
	    mx_sql_id(m, "SELECT version FROM progress_update WHERE id = $1", update);
	b->decision = decision;
	b->comment = "Bitte die Teilnehmerzahlen ergänzen.";
	mx_admin(m, &rq);
}

/* ------------------------------------------------------------ request builders, one per row */

typedef void mx_build_fn(mx_t *m, mx_col_t col, Quartier__V1__Request *rq);

static void b_login(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__LoginRequest *b = MX_BODY(m, rq, LOGIN, Quartier__V1__LoginRequest);

	b->login = (char *)mx_logins[col];
	b->password = HARNESS_PASSWORD;
}

static void b_resume(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ResumeRequest *b = MX_BODY(m, rq, RESUME, Quartier__V1__ResumeRequest);

	b->token = m->token[col == COL_ANON ? COL_VIEWER : col];
}

static void b_logout(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, LOGOUT, Quartier__V1__LogoutRequest);
}

static void b_whoami(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, WHOAMI, Quartier__V1__WhoAmIRequest);
}

static void b_account_create(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AccountCreateRequest *b =
	    MX_BODY(m, rq, ACCOUNT_CREATE, Quartier__V1__AccountCreateRequest);

	(void)col;
	b->login = mx_printf(m, "matrix-%u", ++m->serial);
	b->display_name = "Bezirksvorsteherin (Matrix)";
	b->password = "matrix password 2026";
	b->role = QUARTIER__V1__ROLE__ROLE_DISTRICT_HEAD;
	b->has_district_id = 1;
	b->district_id = m->district;
}

static void b_account_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, ACCOUNT_LIST, Quartier__V1__AccountListRequest);
}

static void b_reference_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ReferenceListRequest *b =
	    MX_BODY(m, rq, REFERENCE_LIST, Quartier__V1__ReferenceListRequest);

	(void)col;
	b->kind = QUARTIER__V1__REFERENCE_KIND__REFERENCE_QUARTER;
}

static void b_project_create(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ProjectCreateRequest *b =
	    MX_BODY(m, rq, PROJECT_CREATE, Quartier__V1__ProjectCreateRequest);

	(void)col;
	b->name = mx_printf(m, "Matrix project %u", ++m->serial);
	b->kind = QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
	b->n_quarter_ids = 1;
	b->quarter_ids = mx_ids(m, m->quarter);
	b->n_lead_office_ids = 1;
	b->lead_office_ids = mx_ids(m, m->office_o1);
}

static void b_project_get(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, PROJECT_GET, Quartier__V1__ProjectGetRequest)->id = m->project;
}

static void b_project_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, PROJECT_LIST, Quartier__V1__ProjectListRequest);
}

static Quartier__V1__ProjectUpdateRequest *mx_project_update(mx_t *m, Quartier__V1__Request *rq)
{
	Quartier__V1__ProjectUpdateRequest *b =
	    MX_BODY(m, rq, PROJECT_UPDATE, Quartier__V1__ProjectUpdateRequest);

	b->id = m->project;
	b->expected_version = mx_sql_id(m, "SELECT version FROM project WHERE id = $1", m->project);
	return b;
}

static void b_project_update_text(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	mx_project_update(m, rq)->description = mx_printf(m, "Beschreibung %u", ++m->serial);
}

static void b_project_update_kind(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ProjectUpdateRequest *b = mx_project_update(m, rq);
	int focused = mx_sql_id(m, "SELECT (kind = 'focused')::int FROM project WHERE id = $1",
	                        m->project) != 0;

	(void)col;
	b->has_kind = 1;
	b->kind = focused ? QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_COMPREHENSIVE
	                  : QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
}

static void b_project_transition(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ProjectTransitionRequest *b =
	    MX_BODY(m, rq, PROJECT_TRANSITION, Quartier__V1__ProjectTransitionRequest);
	char sql[128];

	(void)col;
	/* Back to the application, so that every cell asks for the one step a
	 * coordinator may take too: application -> assessment. */
	snprintf(sql, sizeof(sql), "UPDATE project SET status = 'application' WHERE id = %lld",
	         (long long)m->project);
	harness_sql_exec(m->h, sql);
	b->id = m->project;
	b->expected_version = mx_sql_id(m, "SELECT version FROM project WHERE id = $1", m->project);
	b->to = QUARTIER__V1__PROJECT_STATUS__PROJECT_STATUS_ASSESSMENT;
}

static void b_audit_list_project(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AuditListRequest *b =
	    MX_BODY(m, rq, AUDIT_LIST, Quartier__V1__AuditListRequest);

	(void)col;
	b->entity = "project";
	b->has_entity_id = 1;
	b->entity_id = m->project;
}

static void b_audit_list_person(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, AUDIT_LIST, Quartier__V1__AuditListRequest)->entity = "person";
}

static void b_person_create_private(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__PersonCreateRequest *b =
	    MX_BODY(m, rq, PERSON_CREATE, Quartier__V1__PersonCreateRequest);

	(void)col;
	b->name = mx_printf(m, "Bürgerin %u", ++m->serial);
	b->email = "buergerin@example.org";
}

static void b_person_create_office(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__PersonCreateRequest *b =
	    MX_BODY(m, rq, PERSON_CREATE, Quartier__V1__PersonCreateRequest);

	(void)col;
	b->name = mx_printf(m, "Sozialplaner %u", ++m->serial);
	b->has_office_id = 1;
	b->office_id = m->office_o1;
}

static void b_person_get(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, PERSON_GET, Quartier__V1__PersonGetRequest)->id = m->person;
}

static void b_person_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, PERSON_LIST, Quartier__V1__PersonListRequest);
}

static void b_person_update(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__PersonUpdateRequest *b =
	    MX_BODY(m, rq, PERSON_UPDATE, Quartier__V1__PersonUpdateRequest);

	(void)col;
	b->id = m->person;
	b->expected_version = mx_sql_id(m, "SELECT version FROM person WHERE id = $1", m->person);
	b->function = mx_printf(m, "Funktion %u", ++m->serial);
}

static void b_membership_add(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__MembershipAddRequest *b =
	    MX_BODY(m, rq, MEMBERSHIP_ADD, Quartier__V1__MembershipAddRequest);
	int64_t person = mx_new_person(m, NULL);

	(void)col;
	b->project_id = m->project;
	b->person_id = person;
	b->role = QUARTIER__V1__MEMBERSHIP_ROLE__MEMBERSHIP_ROLE_CIVIC;
	b->start_date = "2025-01-01";
}

static void b_membership_end(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t membership = mx_new_membership(m, mx_new_person(m, NULL));
	Quartier__V1__MembershipEndRequest *b =
	    MX_BODY(m, rq, MEMBERSHIP_END, Quartier__V1__MembershipEndRequest);

	(void)col;
	b->id = membership;
	b->end_date = "2025-12-31";
}

static void b_group_members(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, GROUP_MEMBERS, Quartier__V1__GroupMembersRequest)->project_id = m->project;
}

static void b_fund_create(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__FundCreateRequest *b =
	    MX_BODY(m, rq, FUND_CREATE, Quartier__V1__FundCreateRequest);

	(void)col;
	b->project_id = m->project;
	b->year = m->next_year++;
}

static void b_fund_get(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, FUND_GET, Quartier__V1__FundGetRequest)->id = m->fund;
}

static void b_fund_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__FundListRequest *b = MX_BODY(m, rq, FUND_LIST, Quartier__V1__FundListRequest);

	(void)col;
	b->has_project_id = 1;
	b->project_id = m->project;
}

static void b_fund_allocation(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__FundEntryAddRequest *b =
	    MX_BODY(m, rq, FUND_ENTRY_ADD, Quartier__V1__FundEntryAddRequest);

	(void)col;
	b->fund_id = m->fund;
	b->kind = QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_ALLOCATION;
	b->amount_cents = 10000;
}

static void b_fund_commitment(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__FundEntryAddRequest *b =
	    MX_BODY(m, rq, FUND_ENTRY_ADD, Quartier__V1__FundEntryAddRequest);

	(void)col;
	b->fund_id = m->fund;
	b->kind = QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_COMMITMENT;
	b->amount_cents = 100;
	b->applicant = "Nachbarschaftsverein";
	b->purpose = "Sommerfest";
}

static void b_fund_ledger(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, FUND_LEDGER, Quartier__V1__FundLedgerRequest)->fund_id = m->fund;
}

static void b_criteria_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, CRITERIA_LIST, Quartier__V1__CriteriaListRequest);
}

static void b_assessment_create(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AssessmentCreateRequest *b =
	    MX_BODY(m, rq, ASSESSMENT_CREATE, Quartier__V1__AssessmentCreateRequest);
	Quartier__V1__CriterionRating *cr = mx_alloc(m, sizeof(*cr));
	Quartier__V1__CriterionRating **list = mx_alloc(m, sizeof(*list));

	(void)col;
	quartier__v1__criterion_rating__init(cr);
	cr->criterion_id = m->criterion;
	cr->rating = QUARTIER__V1__RATING__RATING_MET;
	list[0] = cr;
	b->project_id = m->project;
	b->phase = QUARTIER__V1__ASSESSMENT_PHASE__ASSESSMENT_PHASE_RUNNING;
	b->n_ratings = 1;
	b->ratings = list;
}

static void b_assessment_get(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, ASSESSMENT_GET, Quartier__V1__AssessmentGetRequest)->id = m->assessment;
}

static void b_assessment_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, ASSESSMENT_LIST, Quartier__V1__AssessmentListRequest)->project_id =
	    m->project;
}

static void b_continuation_set(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ContinuationSetRequest *b =
	    MX_BODY(m, rq, CONTINUATION_SET, Quartier__V1__ContinuationSetRequest);
	Quartier__V1__ContinuationBlockPlan *bp = mx_alloc(m, sizeof(*bp));
	Quartier__V1__ContinuationBlockPlan **list = mx_alloc(m, sizeof(*list));

	(void)col;
	quartier__v1__continuation_block_plan__init(bp);
	bp->block = QUARTIER__V1__CONTINUATION_BLOCK__CONTINUATION_BLOCK_DISTRICT_HEAD;
	bp->responsible = "Bezirksvorsteherin";
	bp->tasks = mx_printf(m, "Runder Tisch %u", ++m->serial);
	list[0] = bp;
	b->project_id = m->project;
	b->expected_version = mx_sql_id(
	    m, "SELECT coalesce((SELECT version FROM continuation WHERE project_id = $1), 0)",
	    m->project);
	b->n_blocks = 1;
	b->blocks = list;
}

static void b_continuation_get(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, CONTINUATION_GET, Quartier__V1__ContinuationGetRequest)->project_id =
	    m->project;
}

static void b_continuation_due(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, CONTINUATION_DUE, Quartier__V1__ContinuationDueRequest)->months = 12;
}

static void b_meeting_create(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__MeetingCreateRequest *b =
	    MX_BODY(m, rq, MEETING_CREATE, Quartier__V1__MeetingCreateRequest);

	(void)col;
	b->title = mx_printf(m, "AGSP Matrix %u", ++m->serial);
	b->starts_at = (int64_t)time(NULL) + 60 * 86400;
	b->has_organiser_office_id = 1;
	b->organiser_office_id = m->office_o1;
}

static void b_meeting_get(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, MEETING_GET, Quartier__V1__MeetingGetRequest)->id = m->meeting_draft;
}

static void b_meeting_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, MEETING_LIST, Quartier__V1__MeetingListRequest);
}

static void b_meeting_update(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__MeetingUpdateRequest *b =
	    MX_BODY(m, rq, MEETING_UPDATE, Quartier__V1__MeetingUpdateRequest);

	(void)col;
	b->id = m->meeting_draft;
	b->expected_version =
	    mx_sql_id(m, "SELECT version FROM meeting WHERE id = $1", m->meeting_draft);
	b->place = mx_printf(m, "Bezirksrathaus, Raum %u", ++m->serial);
}

static void b_meeting_transition(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t meeting = mx_new_meeting(m);
	Quartier__V1__MeetingTransitionRequest *b =
	    MX_BODY(m, rq, MEETING_TRANSITION, Quartier__V1__MeetingTransitionRequest);

	(void)col;
	b->id = meeting;
	b->expected_version = mx_sql_id(m, "SELECT version FROM meeting WHERE id = $1", meeting);
	b->to = QUARTIER__V1__MEETING_STATUS__MEETING_STATUS_OPEN;
}

static void b_agenda_bottom_up(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AgendaProposeRequest *b =
	    MX_BODY(m, rq, AGENDA_PROPOSE, Quartier__V1__AgendaProposeRequest);

	(void)col;
	b->title = mx_printf(m, "Anregung aus dem Quartier %u", ++m->serial);
	b->origin = QUARTIER__V1__AGENDA_ORIGIN__AGENDA_ORIGIN_BOTTOM_UP;
	b->has_origin_project_id = 1;
	b->origin_project_id = m->project;
	b->has_origin_quarter_id = 1;
	b->origin_quarter_id = m->quarter;
}

static void b_agenda_top_down(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AgendaProposeRequest *b =
	    MX_BODY(m, rq, AGENDA_PROPOSE, Quartier__V1__AgendaProposeRequest);

	(void)col;
	b->title = mx_printf(m, "Thema des Amts %u", ++m->serial);
	b->origin = QUARTIER__V1__AGENDA_ORIGIN__AGENDA_ORIGIN_TOP_DOWN;
	b->has_origin_office_id = 1;
	b->origin_office_id = m->office_o1;
}

static void b_agenda_schedule(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t item = mx_new_item(m, 0);
	Quartier__V1__AgendaScheduleRequest *b =
	    MX_BODY(m, rq, AGENDA_SCHEDULE, Quartier__V1__AgendaScheduleRequest);

	(void)col;
	b->item_id = item;
	b->meeting_id = m->meeting_draft;
}

static void b_agenda_outcome(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t item = mx_new_item(m, m->meeting_live);
	Quartier__V1__AgendaOutcomeRequest *b =
	    MX_BODY(m, rq, AGENDA_OUTCOME, Quartier__V1__AgendaOutcomeRequest);

	(void)col;
	b->meeting_id = m->meeting_live;
	b->item_id = item;
	b->outcome = QUARTIER__V1__AGENDA_OUTCOME__AGENDA_OUTCOME_INFORMATION;
}

static void b_agenda_backlog(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AgendaBacklogRequest *b =
	    MX_BODY(m, rq, AGENDA_BACKLOG, Quartier__V1__AgendaBacklogRequest);

	(void)col;
	b->has_all = 1;
	b->all = 1;
}

static void b_handover_update(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t handover = mx_new_handover(m);
	Quartier__V1__HandoverUpdateRequest *b =
	    MX_BODY(m, rq, HANDOVER_UPDATE, Quartier__V1__HandoverUpdateRequest);

	(void)col;
	b->id = handover;
	b->expected_version = mx_sql_id(m, "SELECT version FROM handover WHERE id = $1", handover);
	b->to = QUARTIER__V1__HANDOVER_STATUS__HANDOVER_STATUS_ACKNOWLEDGED;
}

static void b_handover_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__HandoverListRequest *b =
	    MX_BODY(m, rq, HANDOVER_LIST, Quartier__V1__HandoverListRequest);

	(void)col;
	b->has_mine = 1;
	b->mine = 1;
}

static void mx_goal_fields(mx_t *m, Quartier__V1__GoalCreateRequest *b, int propose)
{
	b->project_id = m->project;
	b->statement = mx_printf(m, "Treffpunkt für Ältere %u", ++m->serial);
	b->indicator = "Besuche je Woche";
	b->baseline = "0";
	b->target_value = "25.5";
	b->unit = "Besuche";
	b->due_date = "2028-06-30";
	b->has_propose = 1;
	b->propose = propose;
}

static void b_goal_create_set(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	mx_goal_fields(m, MX_BODY(m, rq, GOAL_CREATE, Quartier__V1__GoalCreateRequest), 0);
}

static void b_goal_create_propose(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	mx_goal_fields(m, MX_BODY(m, rq, GOAL_CREATE, Quartier__V1__GoalCreateRequest), 1);
}

static void mx_goal_change(mx_t *m, Quartier__V1__Request *rq, int propose)
{
	int64_t goal = mx_new_goal(m, 0);
	Quartier__V1__GoalChangeRequest *b =
	    MX_BODY(m, rq, GOAL_CHANGE, Quartier__V1__GoalChangeRequest);

	b->id = goal;
	b->expected_version = mx_sql_id(m, "SELECT version FROM goal WHERE id = $1", goal);
	b->target_value = "45";
	b->note = mx_printf(m, "Ziel angepasst %u", ++m->serial);
	b->has_propose = 1;
	b->propose = propose;
}

static void b_goal_change_set(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	mx_goal_change(m, rq, 0);
}

static void b_goal_change_propose(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	mx_goal_change(m, rq, 1);
}

static void b_goal_accept(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t goal = mx_new_goal(m, 1);
	Quartier__V1__GoalAcceptRequest *b =
	    MX_BODY(m, rq, GOAL_ACCEPT, Quartier__V1__GoalAcceptRequest);

	(void)col;
	b->id = goal;
	b->expected_version = mx_sql_id(m, "SELECT version FROM goal WHERE id = $1", goal);
}

static void b_goal_retire(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t goal = mx_new_goal(m, 0);
	Quartier__V1__GoalRetireRequest *b =
	    MX_BODY(m, rq, GOAL_RETIRE, Quartier__V1__GoalRetireRequest);

	(void)col;
	b->id = goal;
	b->expected_version = mx_sql_id(m, "SELECT version FROM goal WHERE id = $1", goal);
	b->reason = "Erreicht";
}

static void b_goal_get(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, GOAL_GET, Quartier__V1__GoalGetRequest)->id = m->goal;
}

static void b_goal_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, GOAL_LIST, Quartier__V1__GoalListRequest)->project_id = m->project;
}

static void b_progress_submit(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ProgressSubmitRequest *b =
	    MX_BODY(m, rq, PROGRESS_SUBMIT, Quartier__V1__ProgressSubmitRequest);
	Quartier__V1__ProgressValue *v = mx_alloc(m, sizeof(*v));
	Quartier__V1__ProgressValue **list = mx_alloc(m, sizeof(*list));

	(void)col;
	quartier__v1__progress_value__init(v);
	v->goal_id = m->goal;
	v->actual_value = "12";
	list[0] = v;
	b->project_id = m->project;
	b->period_from = "2026-07-01";
	b->period_to = "2026-12-31";
	b->narrative = mx_printf(m, "Bericht zweites Halbjahr %u", ++m->serial);
	b->n_values = 1;
	b->values = list;
}

static void b_progress_revise(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t update = mx_new_update(m);
	Quartier__V1__ProgressReviseRequest *b;

	(void)col;
	mx_review(m, update, QUARTIER__V1__PROGRESS_DECISION__PROGRESS_DECISION_RETURN);
	b = MX_BODY(m, rq, PROGRESS_REVISE, Quartier__V1__ProgressReviseRequest);
	b->id = update;
	b->expected_version =
	    mx_sql_id(m, "SELECT version FROM progress_update WHERE id = $1", update);
	b->period_from = "2026-01-01";
	b->period_to = "2026-06-30";
	b->narrative = mx_printf(m, "Überarbeitet %u: 35 Teilnehmende je Monat", ++m->serial);
}

static void b_progress_review(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	int64_t update = mx_new_update(m);
	Quartier__V1__ProgressReviewRequest *b =
	    MX_BODY(m, rq, PROGRESS_REVIEW, Quartier__V1__ProgressReviewRequest);

	(void)col;
	b->id = update;
	b->expected_version =
	    mx_sql_id(m, "SELECT version FROM progress_update WHERE id = $1", update);
	b->decision = QUARTIER__V1__PROGRESS_DECISION__PROGRESS_DECISION_APPROVE;
}

static void b_progress_get_submitted(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, PROGRESS_GET, Quartier__V1__ProgressGetRequest)->id = m->update_submitted;
}

static void b_progress_get_approved(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, PROGRESS_GET, Quartier__V1__ProgressGetRequest)->id = m->update_approved;
}

static void b_progress_list(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__ProgressListRequest *b =
	    MX_BODY(m, rq, PROGRESS_LIST, Quartier__V1__ProgressListRequest);

	(void)col;
	b->has_project_id = 1;
	b->project_id = m->project;
}

static void b_annual_report(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AnnualReportRequest *b =
	    MX_BODY(m, rq, ANNUAL_REPORT, Quartier__V1__AnnualReportRequest);

	(void)col;
	b->project_id = m->project;
	b->year = 2026;
}

static void b_account_update(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AccountUpdateRequest *b =
	    MX_BODY(m, rq, ACCOUNT_UPDATE, Quartier__V1__AccountUpdateRequest);

	(void)col;
	b->id = m->spare;
	b->display_name = mx_printf(m, "Spare %u", ++m->serial);
}

static void b_account_reset_password(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AccountResetPasswordRequest *b =
	    MX_BODY(m, rq, ACCOUNT_RESET_PASSWORD, Quartier__V1__AccountResetPasswordRequest);

	(void)col;
	b->id = m->spare;
	b->password = "matrix password 2027";
}

static void b_account_revoke_sessions(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AccountRevokeSessionsRequest *b =
	    MX_BODY(m, rq, ACCOUNT_REVOKE_SESSIONS, Quartier__V1__AccountRevokeSessionsRequest);

	(void)col;
	b->id = m->spare;
}

static void b_admin_stats(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, ADMIN_STATS, Quartier__V1__AdminStatsRequest);
}

static void b_account_unlock(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__AccountUnlockRequest *b =
	    MX_BODY(m, rq, ACCOUNT_UNLOCK, Quartier__V1__AccountUnlockRequest);

	(void)col;
	b->id = m->spare;
}

static void b_account_lockouts(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, ACCOUNT_LOCKOUTS, Quartier__V1__AccountLockoutsRequest);
}

/* Personal data under the GDPR: the export of the member of P1's group
 * (audited), the erasure of a fresh member with contact data per cell. */
static void b_person_export(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, PERSON_EXPORT, Quartier__V1__PersonExportRequest)->id = m->person;
}

static void b_person_erase(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__PersonEraseRequest *b;
	int64_t person = mx_new_person(m, "erase-me@example.org");

	(void)col;
	mx_new_membership(m, person);
	b = MX_BODY(m, rq, PERSON_ERASE, Quartier__V1__PersonEraseRequest);
	b->id = person;
	b->reason = "Antrag nach Art. 17 DSGVO";
}

/* Verifying the audit chain seals rows (bookkeeping in audit_seal and
 * audit_chain, left out of the checksums) and changes no record. */
static void b_audit_verify(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, AUDIT_VERIFY, Quartier__V1__AuditVerifyRequest);
}

/* Sync requests: what an account receives is filtered by what it may read
 * (test_sync.c checks that); asking is open to everyone logged in.  The
 * cursors name no real feed epoch, so pulls answer "resync". */
static Quartier__V1__Cursor *mx_cursor(mx_t *m)
{
	Quartier__V1__Cursor *c = mx_alloc(m, sizeof(*c));

	quartier__v1__cursor__init(c);
	c->epoch = "matrix";
	return c;
}

static void b_sync_snapshot(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__SyncSnapshotRequest *b =
	    MX_BODY(m, rq, SYNC_SNAPSHOT, Quartier__V1__SyncSnapshotRequest);

	(void)col;
	b->has_limit = 1;
	b->limit = 5;
}

static void b_sync_pull(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__SyncPullRequest *b = MX_BODY(m, rq, SYNC_PULL, Quartier__V1__SyncPullRequest);

	(void)col;
	b->cursor = mx_cursor(m);
}

static void b_sync_subscribe(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__SyncSubscribeRequest *b =
	    MX_BODY(m, rq, SYNC_SUBSCRIBE, Quartier__V1__SyncSubscribeRequest);

	(void)col;
	b->cursor = mx_cursor(m);
}

static void b_sync_unsubscribe(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	(void)col;
	MX_BODY(m, rq, SYNC_UNSUBSCRIBE, Quartier__V1__SyncUnsubscribeRequest);
}

static void b_sync_verify(mx_t *m, mx_col_t col, Quartier__V1__Request *rq)
{
	Quartier__V1__SyncVerifyRequest *b =
	    MX_BODY(m, rq, SYNC_VERIFY, Quartier__V1__SyncVerifyRequest);
	Quartier__V1__Scope *scope = mx_alloc(m, sizeof(*scope));

	(void)col;
	quartier__v1__scope__init(scope);
	scope->has_kind = scope->has_id = 1;
	scope->kind = QUARTIER__V1__SCOPE_KIND__SCOPE_PROJECT;
	scope->id = m->project;
	b->scope = scope;
}

/* ------------------------------------------------------------ the matrix */

typedef enum {
	MX_READ,    /* changes nothing, whoever asks */
	MX_WRITE,   /* when allowed, changes records and writes audit rows */
	MX_SESSION, /* login, resume, logout: only the session table changes */
} mx_kind_t;

typedef enum {
	MX_OWN,         /* on the column's logged-in connection (anonymous: a new one) */
	MX_FRESH,       /* on a new connection, not logged in (login, resume) */
	MX_FRESH_LOGIN, /* on a new connection logged in as the column (logout) */
} mx_via_t;

typedef struct mx_row {
	Quartier__V1__Request__BodyCase body;
	/* One letter per column, in mx_col_t order: y allowed, n
	 * STATUS_PERMISSION_DENIED, u STATUS_UNAUTHENTICATED. */
	const char *expect;
	mx_kind_t kind;
	mx_via_t via;
	mx_build_fn *build;
	const char *what; /* the variant this row sends */
} mx_row_t;

#define B(x) QUARTIER__V1__REQUEST__BODY_##x

/* Everyone logged in reads; the anonymous connection is told to log in. */
#define READ "uyyyyyyyy"

/* clang-format off */
static const mx_row_t mx_rows[] = {
	/* request type        anon admin O1 O2 C1 C2 D1 D2 viewer */
	{B(LOGIN),              "yyyyyyyyy", MX_SESSION, MX_FRESH,       b_login,
	 "own password"},
	{B(RESUME),             "yyyyyyyyy", MX_SESSION, MX_FRESH,       b_resume,
	 "own token"},
	{B(LOGOUT),             "uyyyyyyyy", MX_SESSION, MX_FRESH_LOGIN, b_logout,
	 "own second session"},
	{B(WHOAMI),             READ,        MX_READ,    MX_OWN,         b_whoami,
	 "own account"},
	{B(ACCOUNT_CREATE),     "uynnnnnnn", MX_WRITE,   MX_OWN,         b_account_create,
	 "a district head"},
	{B(ACCOUNT_LIST),       "uynnnnnnn", MX_READ,    MX_OWN,         b_account_list,
	 "all"},
	{B(REFERENCE_LIST),     READ,        MX_READ,    MX_OWN,         b_reference_list,
	 "quarters"},
	{B(PROJECT_CREATE),     "uyynnnnnn", MX_WRITE,   MX_OWN,         b_project_create,
	 "led by O1"},
	{B(PROJECT_GET),        READ,        MX_READ,    MX_OWN,         b_project_get,
	 "P1"},
	{B(PROJECT_LIST),       READ,        MX_READ,    MX_OWN,         b_project_list,
	 "all"},
	{B(PROJECT_UPDATE),     "uyynynnnn", MX_WRITE,   MX_OWN,         b_project_update_text,
	 "P1 description"},
	{B(PROJECT_UPDATE),     "uyynnnnnn", MX_WRITE,   MX_OWN,         b_project_update_kind,
	 "P1 kind"},
	{B(PROJECT_TRANSITION), "uyynynnnn", MX_WRITE,   MX_OWN,         b_project_transition,
	 "P1 application -> assessment"},
	{B(AUDIT_LIST),         READ,        MX_READ,    MX_OWN,         b_audit_list_project,
	 "of P1"},
	{B(AUDIT_LIST),         "uynnnnnnn", MX_READ,    MX_OWN,         b_audit_list_person,
	 "of persons"},
	{B(PERSON_CREATE),      "uyyyynnnn", MX_WRITE,   MX_OWN,         b_person_create_private,
	 "private person"},
	{B(PERSON_CREATE),      "uyyynnnnn", MX_WRITE,   MX_OWN,         b_person_create_office,
	 "staff of O1"},
	{B(PERSON_GET),         READ,        MX_READ,    MX_OWN,         b_person_get,
	 "member of P1's group"},
	{B(PERSON_LIST),        READ,        MX_READ,    MX_OWN,         b_person_list,
	 "all"},
	{B(PERSON_UPDATE),      "uyyynnnnn", MX_WRITE,   MX_OWN,         b_person_update,
	 "function"},
	{B(MEMBERSHIP_ADD),     "uyynynnnn", MX_WRITE,   MX_OWN,         b_membership_add,
	 "to P1's group"},
	{B(MEMBERSHIP_END),     "uyynynnnn", MX_WRITE,   MX_OWN,         b_membership_end,
	 "in P1's group"},
	{B(GROUP_MEMBERS),      READ,        MX_READ,    MX_OWN,         b_group_members,
	 "of P1"},
	{B(FUND_CREATE),        "uyynnnnnn", MX_WRITE,   MX_OWN,         b_fund_create,
	 "for P1"},
	{B(FUND_GET),           READ,        MX_READ,    MX_OWN,         b_fund_get,
	 "of P1"},
	{B(FUND_LIST),          READ,        MX_READ,    MX_OWN,         b_fund_list,
	 "of P1"},
	{B(FUND_ENTRY_ADD),     "uyynnnnnn", MX_WRITE,   MX_OWN,         b_fund_allocation,
	 "allocation, fund of P1"},
	{B(FUND_ENTRY_ADD),     "uyynynnnn", MX_WRITE,   MX_OWN,         b_fund_commitment,
	 "commitment, fund of P1"},
	{B(FUND_LEDGER),        READ,        MX_READ,    MX_OWN,         b_fund_ledger,
	 "of P1's fund"},
	{B(CRITERIA_LIST),      READ,        MX_READ,    MX_OWN,         b_criteria_list,
	 "latest"},
	{B(ASSESSMENT_CREATE),  "uyynnnnnn", MX_WRITE,   MX_OWN,         b_assessment_create,
	 "of P1"},
	{B(ASSESSMENT_GET),     READ,        MX_READ,    MX_OWN,         b_assessment_get,
	 "of P1"},
	{B(ASSESSMENT_LIST),    READ,        MX_READ,    MX_OWN,         b_assessment_list,
	 "of P1"},
	{B(CONTINUATION_SET),   "uyynynnnn", MX_WRITE,   MX_OWN,         b_continuation_set,
	 "of P1"},
	{B(CONTINUATION_GET),   READ,        MX_READ,    MX_OWN,         b_continuation_get,
	 "of P1"},
	{B(CONTINUATION_DUE),   READ,        MX_READ,    MX_OWN,         b_continuation_due,
	 "12 months"},
	{B(MEETING_CREATE),     "uyynnnnnn", MX_WRITE,   MX_OWN,         b_meeting_create,
	 "organised by O1"},
	{B(MEETING_GET),        READ,        MX_READ,    MX_OWN,         b_meeting_get,
	 "organised by O1"},
	{B(MEETING_LIST),       READ,        MX_READ,    MX_OWN,         b_meeting_list,
	 "all"},
	{B(MEETING_UPDATE),     "uyynnnnnn", MX_WRITE,   MX_OWN,         b_meeting_update,
	 "organised by O1"},
	{B(MEETING_TRANSITION), "uyynnnnnn", MX_WRITE,   MX_OWN,         b_meeting_transition,
	 "organised by O1, draft -> open"},
	{B(AGENDA_PROPOSE),     "uynnynynn", MX_WRITE,   MX_OWN,         b_agenda_bottom_up,
	 "bottom-up from P1 (Süd)"},
	{B(AGENDA_PROPOSE),     "uyynnnnnn", MX_WRITE,   MX_OWN,         b_agenda_top_down,
	 "top-down from O1"},
	{B(AGENDA_SCHEDULE),    "uyynnnnnn", MX_WRITE,   MX_OWN,         b_agenda_schedule,
	 "onto a meeting of O1"},
	{B(AGENDA_OUTCOME),     "uyynnnnnn", MX_WRITE,   MX_OWN,         b_agenda_outcome,
	 "in a meeting of O1"},
	{B(AGENDA_BACKLOG),     READ,        MX_READ,    MX_OWN,         b_agenda_backlog,
	 "all items"},
	{B(HANDOVER_UPDATE),    "uyynnnnnn", MX_WRITE,   MX_OWN,         b_handover_update,
	 "addressed to O1: acknowledge"},
	{B(HANDOVER_LIST),      READ,        MX_READ,    MX_OWN,         b_handover_list,
	 "mine"},
	{B(GOAL_CREATE),        "uyynnnnnn", MX_WRITE,   MX_OWN,         b_goal_create_set,
	 "of P1, set"},
	{B(GOAL_CREATE),        "uyynynnnn", MX_WRITE,   MX_OWN,         b_goal_create_propose,
	 "of P1, proposed"},
	{B(GOAL_CHANGE),        "uyynnnnnn", MX_WRITE,   MX_OWN,         b_goal_change_set,
	 "of P1, set"},
	{B(GOAL_CHANGE),        "uyynynnnn", MX_WRITE,   MX_OWN,         b_goal_change_propose,
	 "of P1, proposed"},
	{B(GOAL_ACCEPT),        "uyynnnnnn", MX_WRITE,   MX_OWN,         b_goal_accept,
	 "a proposal for P1"},
	{B(GOAL_RETIRE),        "uyynnnnnn", MX_WRITE,   MX_OWN,         b_goal_retire,
	 "of P1"},
	{B(GOAL_GET),           READ,        MX_READ,    MX_OWN,         b_goal_get,
	 "of P1"},
	{B(GOAL_LIST),          READ,        MX_READ,    MX_OWN,         b_goal_list,
	 "of P1"},
	{B(PROGRESS_SUBMIT),    "uynnynnnn", MX_WRITE,   MX_OWN,         b_progress_submit,
	 "for P1"},
	{B(PROGRESS_REVISE),    "uynnynnnn", MX_WRITE,   MX_OWN,         b_progress_revise,
	 "returned, of P1"},
	{B(PROGRESS_REVIEW),    "uyynnnnnn", MX_WRITE,   MX_OWN,         b_progress_review,
	 "approve, submitted by C1"},
	{B(PROGRESS_GET),       "uyynynnnn", MX_READ,    MX_OWN,         b_progress_get_submitted,
	 "submitted, of P1"},
	{B(PROGRESS_GET),       READ,        MX_READ,    MX_OWN,         b_progress_get_approved,
	 "approved, of P1"},
	{B(PROGRESS_LIST),      READ,        MX_READ,    MX_OWN,         b_progress_list,
	 "of P1"},
	{B(ANNUAL_REPORT),      READ,        MX_READ,    MX_OWN,         b_annual_report,
	 "of P1, 2026"},
	{B(ACCOUNT_UPDATE),     "uynnnnnnn", MX_WRITE,   MX_OWN,         b_account_update,
	 "rename a spare account"},
	{B(ACCOUNT_RESET_PASSWORD), "uynnnnnnn", MX_WRITE, MX_OWN,       b_account_reset_password,
	 "of a spare account"},
	{B(ACCOUNT_REVOKE_SESSIONS), "uynnnnnnn", MX_WRITE, MX_OWN,      b_account_revoke_sessions,
	 "of a spare account"},
	{B(ADMIN_STATS),        "uynnnnnnn", MX_READ,    MX_OWN,         b_admin_stats,
	 "of this server"},
	{B(ACCOUNT_UNLOCK),     "uynnnnnnn", MX_WRITE,   MX_OWN,         b_account_unlock,
	 "of a spare account"},
	{B(ACCOUNT_LOCKOUTS),   "uynnnnnnn", MX_READ,    MX_OWN,         b_account_lockouts,
	 "all accounts"},
	{B(PERSON_EXPORT),      "uynnnnnnn", MX_WRITE,   MX_OWN,         b_person_export,
	 "member of P1's group (the export is audited)"},
	{B(PERSON_ERASE),       "uynnnnnnn", MX_WRITE,   MX_OWN,         b_person_erase,
	 "a member of P1's group"},
	{B(SYNC_SNAPSHOT),      READ,        MX_READ,    MX_OWN,         b_sync_snapshot,
	 "first page, 5 records"},
	{B(SYNC_PULL),          READ,        MX_READ,    MX_OWN,         b_sync_pull,
	 "with a foreign cursor (resync)"},
	{B(SYNC_SUBSCRIBE),     READ,        MX_READ,    MX_OWN,         b_sync_subscribe,
	 "with a foreign cursor"},
	{B(SYNC_UNSUBSCRIBE),   READ,        MX_READ,    MX_OWN,         b_sync_unsubscribe,
	 "after the subscription"},
	{B(SYNC_VERIFY),        READ,        MX_READ,    MX_OWN,         b_sync_verify,
	 "sums of P1's scope"},
	{B(AUDIT_VERIFY),       "uynnnnnnn", MX_READ,    MX_OWN,         b_audit_verify,
	 "the whole chain"},
};
/* clang-format on */

#define MX_NROWS (sizeof(mx_rows) / sizeof(mx_rows[0]))

Test(matrix, every_request_type_has_a_row)
{
	const ProtobufCMessageDescriptor *d = &quartier__v1__request__descriptor;
	char missing[4096] = "";
	unsigned body_fields = 0;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		int found = 0;

		if (!mx_is_body_field(f))
			continue;
		body_fields++;
		for (size_t r = 0; r < MX_NROWS; r++)
			if ((unsigned)mx_rows[r].body == f->id)
				found = 1;
		if (!found)
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
			         " %s (%u)", f->name, f->id);
	}
	cr_assert_gt(body_fields, 40, "the descriptor lists too few request types");
	cr_assert_str_empty(missing, "request types without a row in the permission matrix:%s",
	                    missing);
	for (size_t r = 0; r < MX_NROWS; r++) {
		const mx_row_t *row = &mx_rows[r];
		cr_assert_eq(strlen(row->expect), COL_COUNT, "%s: %zu columns",
		             mx_body_name(row->body), strlen(row->expect));
		cr_assert_eq(strspn(row->expect, "ynu"), COL_COUNT, "%s: bad letter in \"%s\"",
		             mx_body_name(row->body), row->expect);
		cr_assert_eq(row->expect[COL_ADMIN], 'y', "%s: admins may do everything",
		             mx_body_name(row->body));
	}
}

/* ------------------------------------------------------------ setup */

static int64_t mx_district_head(mx_t *m, const char *login, int64_t district)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountCreateRequest *b =
	    MX_BODY(m, &rq, ACCOUNT_CREATE, Quartier__V1__AccountCreateRequest);

	b->login = (char *)login;
	b->display_name = mx_printf(m, "Bezirksvorsteher*in %s", login);
	b->password = HARNESS_PASSWORD;
	b->role = QUARTIER__V1__ROLE__ROLE_DISTRICT_HEAD;
	b->has_district_id = 1;
	b->district_id = district;
	return mx_admin(m, &rq);
}

static void mx_setup(mx_t *m)
{
	harness_t *h = m->h;
	const harness_seed_t *s = &h->seed;

	harness_standard(h, NULL);
	m->office_o1 = s->office_social;
	m->office_o2 = s->office_planning;
	m->quarter = s->quarter_heslach;
	m->district = s->district_sued;
	m->account[COL_ADMIN] = h->admin_id;
	m->account[COL_O1] = harness_account(h, "o1", "office", m->office_o1, 0, HARNESS_PASSWORD);
	m->account[COL_O2] = harness_account(h, "o2", "office", m->office_o2, 0, HARNESS_PASSWORD);
	m->account[COL_C1] =
	    harness_account(h, "c1", "coordinator", 0, s->org_caritas, HARNESS_PASSWORD);
	m->account[COL_C2] =
	    harness_account(h, "c2", "coordinator", 0, s->org_initiative, HARNESS_PASSWORD);
	m->account[COL_VIEWER] = harness_account(h, "viewer", "viewer", 0, 0, HARNESS_PASSWORD);
	m->spare = harness_account(h, "spare", "viewer", 0, 0, HARNESS_PASSWORD);

	mx_conn_open(m, &m->conn[COL_ADMIN]);
	mx_login(m, &m->conn[COL_ADMIN], "admin", &m->token[COL_ADMIN]);
	/* District heads through the protocol: the admin's account_create. */
	m->account[COL_D1] = mx_district_head(m, "d1", s->district_sued);
	m->account[COL_D2] = mx_district_head(m, "d2", s->district_nord);
	for (int col = COL_ADMIN + 1; col < COL_COUNT; col++) {
		mx_conn_open(m, &m->conn[col]);
		mx_login(m, &m->conn[col], mx_logins[col], &m->token[col]);
	}

	{ /* P1 */
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__ProjectCreateRequest *b =
		    MX_BODY(m, &rq, PROJECT_CREATE, Quartier__V1__ProjectCreateRequest);
		b->name = "KUGEL Matrix";
		b->kind = QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_COMPREHENSIVE;
		b->n_quarter_ids = 1;
		b->quarter_ids = mx_ids(m, m->quarter);
		b->n_lead_office_ids = 1;
		b->lead_office_ids = mx_ids(m, m->office_o1);
		b->has_carrier_id = 1;
		b->carrier_id = s->org_caritas;
		b->n_coordinator_ids = 1;
		b->coordinator_ids = mx_ids(m, m->account[COL_C1]);
		m->project = mx_admin(m, &rq);
	}
	m->person = mx_new_person(m, "person@example.org");
	mx_new_membership(m, m->person);
	{ /* a fund with money in it */
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__Request ra = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__FundCreateRequest *b =
		    MX_BODY(m, &rq, FUND_CREATE, Quartier__V1__FundCreateRequest);
		Quartier__V1__FundEntryAddRequest *e;
		b->project_id = m->project;
		b->year = 2026;
		m->fund = mx_admin(m, &rq);
		e = MX_BODY(m, &ra, FUND_ENTRY_ADD, Quartier__V1__FundEntryAddRequest);
		e->fund_id = m->fund;
		e->kind = QUARTIER__V1__FUND_ENTRY_KIND__FUND_ENTRY_KIND_ALLOCATION;
		e->amount_cents = 100000000;
		mx_admin(m, &ra);
	}
	m->criterion = harness_sql_int(h,
	                               "SELECT min(id) FROM criterion WHERE version = "
	                               "(SELECT max(version) FROM criterion)",
	                               0, NULL, NULL, NULL);
	{
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		b_assessment_create(m, COL_ADMIN, &rq);
		m->assessment = mx_admin(m, &rq);
	}
	m->meeting_draft = mx_new_meeting(m);
	m->meeting_live = mx_new_meeting(m);
	mx_meeting_to(m, m->meeting_live, QUARTIER__V1__MEETING_STATUS__MEETING_STATUS_OPEN);
	mx_meeting_to(m, m->meeting_live, QUARTIER__V1__MEETING_STATUS__MEETING_STATUS_IN_PROGRESS);
	m->handover = mx_new_handover(m);
	m->goal = mx_new_goal(m, 0);
	m->update_submitted = mx_new_update(m);
	m->update_approved = mx_new_update(m);
	mx_review(m, m->update_approved,
	          QUARTIER__V1__PROGRESS_DECISION__PROGRESS_DECISION_APPROVE);
	mx_arena_reset(m);
	mx_checksum_prepare(m);
}

static void mx_teardown(mx_t *m)
{
	mx_arena_reset(m);
	for (int col = COL_ADMIN; col < COL_COUNT; col++) {
		raw_close(&m->conn[col].raw);
		free(m->token[col]);
	}
	free(m->checksum_sql);
}

/* ------------------------------------------------------------ one cell */

static int mx_cell(mx_t *m, const mx_row_t *row, mx_col_t col)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	const char *name = mx_body_name(row->body);
	mx_conn_t fresh, *c = &m->conn[col];
	int own_conn = row->via == MX_OWN && col != COL_ANON;
	char want = row->expect[col];
	int want_status = want == 'y'   ? 0
	                  : want == 'n' ? QUARTIER__V1__STATUS__STATUS_PERMISSION_DENIED
	                                : QUARTIER__V1__STATUS__STATUS_UNAUTHENTICATED;
	mx_snap_t before, after;
	qt_envelope_t *in;
	int got, ok = 1;

	row->build(m, col, &rq);
	if (!own_conn) {
		c = &fresh;
		mx_conn_open(m, c);
		if (row->via == MX_FRESH_LOGIN && col != COL_ANON)
			mx_login(m, c, mx_logins[col], NULL);
	}
	mx_snapshot(m, &before);
	in = mx_call(c, &rq);
	got = mx_status(in);
	mx_snapshot(m, &after);

	if (got != want_status) {
		ok = 0;
		cr_expect_fail("%s (%s) as %s: got %s, expected %s%s%s%s", name, row->what,
		               mx_col_names[col], qt_status_name(envelope_status_from_wire(got)),
		               qt_status_name(envelope_status_from_wire(want_status)),
		               in->response->error != NULL ? " — \"" : "",
		               in->response->error != NULL ? in->response->error->message : "",
		               in->response->error != NULL ? "\"" : "");
	}
	if (want != 'y' || row->kind == MX_READ) {
		/* Refused, or a read: not one row may change. */
		if (strcmp(before.tables, after.tables) != 0 || before.audit != after.audit) {
			char changed[1024];
			mx_changed_tables(&before, &after, changed, sizeof(changed));
			ok = 0;
			cr_expect_fail(
			    "%s (%s) as %s (%s) changed the database: tables %s; audit rows "
			    "%lld -> %lld",
			    name, row->what, mx_col_names[col], want == 'y' ? "a read" : "refused",
			    changed, (long long)before.audit, (long long)after.audit);
		}
	} else if (row->kind == MX_WRITE && got == 0 && after.audit <= before.audit) {
		ok = 0;
		cr_expect_fail("%s (%s) as %s: allowed, but no audit row was written", name,
		               row->what, mx_col_names[col]);
	}
	envelope_free(in);
	free(before.tables);
	free(after.tables);
	if (!own_conn)
		raw_close(&c->raw);
	mx_arena_reset(m);
	return ok;
}

Test(matrix, every_request_type_by_every_role)
{
	mx_t m;
	unsigned cells = 0, passed = 0;

	memset(&m, 0, sizeof(m));
	m.h = &H;
	m.next_year = 2030;
	mx_setup(&m);
	for (size_t r = 0; r < MX_NROWS; r++) {
		for (int col = 0; col < COL_COUNT; col++) {
			passed += (unsigned)mx_cell(&m, &mx_rows[r], (mx_col_t)col);
			cells++;
		}
	}
	cr_log_info("permission matrix: %zu rows x %d columns = %u cells, %u as expected", MX_NROWS,
	            COL_COUNT, cells, passed);
	cr_expect_eq(cells, MX_NROWS * COL_COUNT);
	mx_teardown(&m);
	harness_finish(&H);
}

/* ------------------------------------------------------------ district heads in detail */

static qt_envelope_t *mx_get_person(mx_t *m, mx_col_t col, int64_t id)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	qt_envelope_t *in;

	MX_BODY(m, &rq, PERSON_GET, Quartier__V1__PersonGetRequest)->id = id;
	in = mx_call(&m->conn[col], &rq);
	cr_assert_eq(mx_status(in), 0);
	return in;
}

static int mx_sees_contact(mx_t *m, mx_col_t col, int64_t person)
{
	qt_envelope_t *in = mx_get_person(m, col, person);
	const Quartier__V1__Person *p = in->response->person;
	int visible = p->has_contact_visible && p->contact_visible;

	cr_assert_eq(visible, p->email != NULL, "email present exactly when visible");
	envelope_free(in);
	mx_arena_reset(m);
	return visible;
}

/* Whether `handover_list{mine}` of the column lists the hand-over. */
static int mx_mine_lists(mx_t *m, mx_col_t col, int64_t handover)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	qt_envelope_t *in;
	int found = 0;

	b_handover_list(m, col, &rq);
	in = mx_call(&m->conn[col], &rq);
	cr_assert_eq(mx_status(in), 0);
	for (size_t i = 0; i < in->response->handover_list->n_handovers; i++)
		if (in->response->handover_list->handovers[i]->id == handover)
			found = 1;
	envelope_free(in);
	mx_arena_reset(m);
	return found;
}

static int mx_propose_status(mx_t *m, mx_conn_t *c, int64_t quarter)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	qt_envelope_t *in;
	int st;

	b_agenda_bottom_up(m, COL_D1, &rq);
	rq.agenda_propose->origin_quarter_id = quarter;
	in = mx_call(c, &rq);
	st = mx_status(in);
	envelope_free(in);
	mx_arena_reset(m);
	return st;
}

Test(matrix, district_head_account_session_contact_data_and_handovers)
{
	mx_t m;
	harness_t *h = &H;
	qt_client_t *admin, *d1;
	qt_account_new_t in;
	qt_account_t out, *list = NULL;
	size_t n = 0;
	int64_t accounts, linked, outsider, p2, h2;
	mx_conn_t resumed;

	memset(&m, 0, sizeof(m));
	m.h = h;
	m.next_year = 2030;
	mx_setup(&m);

	/* Accounts through libquartier: the district round-trips, and is
	 * required for district heads and refused for the other roles. */
	admin = harness_login(h, "admin", HARNESS_PASSWORD);
	memset(&in, 0, sizeof(in));
	in.login = "bezirk-nord";
	in.display_name = "Bezirksvorsteher Nord";
	in.password = HARNESS_PASSWORD;
	in.role = QT_ROLE_DISTRICT_HEAD;
	in.district_id = h->seed.district_nord;
	cr_assert_eq(qt_account_create(admin, &in, &out), QT_OK);
	cr_assert_eq(out.role, QT_ROLE_DISTRICT_HEAD);
	cr_assert_eq(out.district_id, h->seed.district_nord);
	cr_assert_str_eq(qt_role_name(out.role), "district_head");
	qt_account_clear(&out);
	accounts = harness_sql_int(h, "SELECT count(*) FROM account", 0, NULL, NULL, NULL);
	in.login = "bezirk-ohne";
	in.district_id = 0;
	cr_assert_eq(qt_account_create(admin, &in, &out), QT_INVALID_ARGUMENT);
	cr_assert(harness_field_is(qt_client_last_error(admin)->field, "district_id"));
	in.district_id = 999;
	cr_assert_eq(qt_account_create(admin, &in, &out), QT_INVALID_ARGUMENT);
	cr_assert(harness_field_is(qt_client_last_error(admin)->field, "district_id"));
	in.role = QT_ROLE_VIEWER;
	in.district_id = h->seed.district_sued;
	cr_assert_eq(qt_account_create(admin, &in, &out), QT_INVALID_ARGUMENT);
	cr_assert(harness_field_is(qt_client_last_error(admin)->field, "district_id"));
	cr_assert_eq(harness_sql_int(h, "SELECT count(*) FROM account", 0, NULL, NULL, NULL),
	             accounts, "a refused account was stored");
	cr_assert_eq(qt_account_list(admin, &list, &n), QT_OK);
	for (size_t i = 0; i < n; i++) {
		if (list[i].id == m.account[COL_D1]) {
			cr_assert_eq(list[i].role, QT_ROLE_DISTRICT_HEAD);
			cr_assert_eq(list[i].district_id, h->seed.district_sued);
		} else if (list[i].role != QT_ROLE_DISTRICT_HEAD) {
			cr_assert_eq(list[i].district_id, 0, "%s has a district", list[i].login);
		}
	}
	qt_account_list_free(list, n);

	/* The session knows the district: whoami, and a resumed session. */
	d1 = harness_login(h, "d1", HARNESS_PASSWORD);
	cr_assert_eq(qt_whoami(d1, &out), QT_OK);
	cr_assert_eq(out.role, QT_ROLE_DISTRICT_HEAD);
	cr_assert_eq(out.district_id, h->seed.district_sued);
	qt_account_clear(&out);
	qt_client_free(d1);
	mx_conn_open(&m, &resumed);
	{
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		qt_envelope_t *r;
		b_resume(&m, COL_D1, &rq);
		r = mx_call(&resumed, &rq);
		cr_assert_eq(mx_status(r), 0);
		cr_assert(r->response->login->account->has_district_id);
		cr_assert_eq(r->response->login->account->district_id, h->seed.district_sued);
		envelope_free(r);
		mx_arena_reset(&m);
	}
	cr_assert_eq(mx_propose_status(&m, &resumed, m.quarter), 0,
	             "a resumed district head proposes from its district");
	/* Naming a quarter of another district is not the district's topic. */
	cr_assert_eq(mx_propose_status(&m, &resumed, h->seed.quarter_rot),
	             QUARTIER__V1__STATUS__STATUS_PERMISSION_DENIED);
	cr_assert_eq(mx_propose_status(&m, &m.conn[COL_ADMIN], h->seed.quarter_rot), 0);
	raw_close(&resumed.raw);

	/* Contact data as for any fellow member: D1's own person joins P1's
	 * group as district head; then D1 sees the members' contact data, but
	 * not that of a person outside the group, and D2 sees neither. */
	cr_assert_eq(mx_sees_contact(&m, COL_D1, m.person), 0, "not a member yet");
	{
		qt_person_new_t pn;
		qt_person_t pd;
		qt_membership_new_t mn;
		qt_membership_t md;

		memset(&pn, 0, sizeof(pn));
		pn.name = "Bezirksvorsteherin Süd";
		pn.email = "bv-sued@example.org";
		pn.account_id = m.account[COL_D1];
		cr_assert_eq(qt_person_create(admin, &pn, &pd), QT_OK);
		linked = pd.id;
		qt_person_clear(&pd);
		memset(&mn, 0, sizeof(mn));
		mn.project_id = m.project;
		mn.person_id = linked;
		mn.role = QT_MEMBER_DISTRICT_HEAD;
		mn.start_date = "2024-01-01";
		cr_assert_eq(qt_membership_add(admin, &mn, &md), QT_OK);
		qt_membership_clear(&md);
	}
	outsider = mx_new_person(&m, "outsider@example.org");
	mx_arena_reset(&m);
	cr_assert_eq(mx_sees_contact(&m, COL_D1, m.person), 1, "fellow member");
	cr_assert_eq(mx_sees_contact(&m, COL_D1, linked), 1, "self");
	cr_assert_eq(mx_sees_contact(&m, COL_D1, outsider), 0, "outside the group");
	cr_assert_eq(mx_sees_contact(&m, COL_D2, m.person), 0, "other district head");
	cr_assert_eq(mx_sees_contact(&m, COL_D2, linked), 0, "other district head");

	/* "My hand-overs" of a district head: those of items linked to
	 * projects in its district. */
	{
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__ProjectCreateRequest *b =
		    MX_BODY(&m, &rq, PROJECT_CREATE, Quartier__V1__ProjectCreateRequest);
		b->name = "Projekt in Rot";
		b->kind = QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
		b->n_quarter_ids = 1;
		b->quarter_ids = mx_ids(&m, h->seed.quarter_rot);
		b->n_lead_office_ids = 1;
		b->lead_office_ids = mx_ids(&m, m.office_o1);
		p2 = mx_admin(&m, &rq);
		mx_arena_reset(&m);
	}
	{
		int64_t p1 = m.project;
		m.project = p2;
		h2 = mx_new_handover(&m);
		m.project = p1;
		mx_arena_reset(&m);
	}
	cr_assert(mx_mine_lists(&m, COL_D1, m.handover));
	cr_assert_not(mx_mine_lists(&m, COL_D1, h2));
	cr_assert(mx_mine_lists(&m, COL_D2, h2));
	cr_assert_not(mx_mine_lists(&m, COL_D2, m.handover));
	cr_assert(mx_mine_lists(&m, COL_VIEWER, h2), "for viewers, mine is all");

	qt_client_free(admin);
	mx_teardown(&m);
	harness_finish(h);
}
