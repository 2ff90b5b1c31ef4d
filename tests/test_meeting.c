/* Integration tests of the inter-office coordination (AGSP) through
 * libquartier against a real quartierd and PostgreSQL: the hand-over loop
 * (bottom-up item -> meeting -> hand-over -> receiving office -> back to
 * the originating coordinator), the meeting lifecycle and the lock after
 * the minutes are approved, carry-over keeping an item's history, the
 * permission rules (a refused request changes nothing, not even the audit
 * table) and bad input naming the field. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(meeting, .fini = harness_fini, .timeout = 180);

/* 2026-03-10 09:00 and 12:00 UTC, 2026-04-14 09:00 UTC. */
#define T_MARCH     1773133200
#define T_MARCH_END 1773144000
#define T_APRIL     1776157200

/* ------------------------------------------------------------ helpers */

static const char *err_field(qt_client_t *c)
{
	const char *f = qt_client_last_error(c)->field;

	return f != NULL ? f : "(none)";
}

static const char *err_msg(qt_client_t *c)
{
	const char *m = qt_client_last_error(c)->message;

	return m != NULL ? m : "";
}

static int64_t count_rows(const char *table)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return harness_sql_int(&H, sql, 0, NULL, NULL, NULL);
}

/* Counts and a digest of the tables a refused request must leave alone. */
typedef struct snapshot {
	int64_t audit, meeting, participant, item, history, handover;
	int64_t digest; /* hash over the mutable columns */
} snapshot_t;

static snapshot_t snap(void)
{
	snapshot_t s;

	s.audit = count_rows("audit");
	s.meeting = count_rows("meeting");
	s.participant = count_rows("meeting_participant");
	s.item = count_rows("agenda_item");
	s.history = count_rows("agenda_item_history");
	s.handover = count_rows("handover");
	s.digest = harness_sql_int(
	    &H,
	    "SELECT coalesce((SELECT sum(hashtext(m::text)) FROM meeting m), 0)"
	    " + coalesce((SELECT sum(hashtext(i::text)) FROM agenda_item i), 0)"
	    " + coalesce((SELECT sum(hashtext(h::text)) FROM agenda_item_history h), 0)"
	    " + coalesce((SELECT sum(hashtext(o::text)) FROM handover o), 0)"
	    " + coalesce((SELECT sum(hashtext(p::text)) FROM meeting_participant p), 0)",
	    0, NULL, NULL, NULL);
	return s;
}

static void expect_unchanged(const snapshot_t *before, const char *what)
{
	snapshot_t now = snap();

	cr_expect_eq(now.audit, before->audit, "%s: audit rows %lld -> %lld", what,
	             (long long)before->audit, (long long)now.audit);
	cr_expect_eq(now.meeting, before->meeting, "%s: meetings changed", what);
	cr_expect_eq(now.participant, before->participant, "%s: participants changed", what);
	cr_expect_eq(now.item, before->item, "%s: items changed", what);
	cr_expect_eq(now.history, before->history, "%s: item history changed", what);
	cr_expect_eq(now.handover, before->handover, "%s: hand-overs changed", what);
	cr_expect_eq(now.digest, before->digest, "%s: a row was modified", what);
}

/* Expects st to be want and, if field is not NULL, the error to name it. */
#define expect_refused(c, st, want, fld, what)                                            \
	do {                                                                                    \
		qt_status_t st_ = (st);                                                             \
		cr_expect_eq(st_, (want), "%s: got %s (%s), expected %s", (what),                   \
		             qt_status_name(st_), err_msg(c), qt_status_name(want));                \
		if ((fld) != NULL)                                                                \
			cr_expect(harness_field_is(qt_client_last_error(c)->field, (fld)),            \
			          "%s: field %s, expected %s", (what), err_field(c),                    \
			          (const char *)(fld));                                                \
	} while (0)

/* The common cast: offices, accounts, a project KUGEL led by the
 * Sozialamt and coordinated by "kugel", another one by "andere". */
typedef struct cast {
	int64_t office_youth;          /* Jugendamt */
	int64_t kugel_acct, youth_acct;
	int64_t kugel, other;          /* projects */
	qt_client_t *admin, *social, *youth, *planning, *kugel_c, *other_c, *viewer;
} cast_t;

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
	cr_assert_eq(st, QT_OK, "project %s: %s: %s", name, qt_status_name(st), err_msg(c));
	id = p.id;
	qt_project_clear(&p);
	return id;
}

static void cast_begin(cast_t *k)
{
	memset(k, 0, sizeof(*k));
	harness_standard(&H, NULL);
	k->office_youth = harness_sql_int(
	    &H, "INSERT INTO office (name, short_name) VALUES ('Jugendamt', '51') RETURNING id", 0,
	    NULL, NULL, NULL);
	harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	k->youth_acct =
	    harness_account(&H, "jugendamt", "office", k->office_youth, 0, HARNESS_PASSWORD);
	harness_account(&H, "planung", "office", H.seed.office_planning, 0, HARNESS_PASSWORD);
	k->kugel_acct =
	    harness_account(&H, "kugel", "coordinator", 0, H.seed.org_caritas, HARNESS_PASSWORD);
	harness_account(&H, "andere", "coordinator", 0, H.seed.org_initiative, HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	k->admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	k->kugel = project(k->admin, "KUGEL", H.seed.office_social, k->kugel_acct);
	k->other = project(k->admin, "Anderes Projekt", H.seed.office_planning,
	                   harness_sql_int(&H, "SELECT id FROM account WHERE login = 'andere'", 0,
	                                   NULL, NULL, NULL));
	k->social = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	k->youth = harness_login(&H, "jugendamt", HARNESS_PASSWORD);
	k->planning = harness_login(&H, "planung", HARNESS_PASSWORD);
	k->kugel_c = harness_login(&H, "kugel", HARNESS_PASSWORD);
	k->other_c = harness_login(&H, "andere", HARNESS_PASSWORD);
	k->viewer = harness_login(&H, "leser", HARNESS_PASSWORD);
}

static void cast_end(cast_t *k)
{
	qt_client_free(k->admin);
	qt_client_free(k->social);
	qt_client_free(k->youth);
	qt_client_free(k->planning);
	qt_client_free(k->kugel_c);
	qt_client_free(k->other_c);
	qt_client_free(k->viewer);
	harness_finish(&H);
}

/* A meeting organised by the caller's office (admins: the Sozialamt). */
static int64_t meeting(qt_client_t *c, const char *title, int64_t starts, const cast_t *k)
{
	int64_t offices[2] = {H.seed.office_social, k->office_youth};
	int64_t projects[1] = {k->kugel};
	int64_t districts[1] = {H.seed.district_sued};
	qt_meeting_new_t in;
	qt_meeting_t m;
	qt_status_t st;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.title = title;
	in.starts_at = starts;
	in.ends_at = starts + 3 * 3600;
	in.place = "Rathaus, Raum 101";
	in.office_ids = offices;
	in.n_office_ids = 2;
	in.project_ids = projects;
	in.n_project_ids = 1;
	in.district_ids = districts;
	in.n_district_ids = 1;
	memset(&m, 0, sizeof(m));
	st = qt_meeting_create(c, &in, &m);
	cr_assert_eq(st, QT_OK, "meeting %s: %s: %s (field %s)", title, qt_status_name(st),
	             err_msg(c), err_field(c));
	cr_assert_eq(m.status, QT_MEETING_DRAFT);
	cr_assert_eq(m.version, 1);
	id = m.id;
	qt_meeting_clear(&m);
	return id;
}

static qt_status_t move(qt_client_t *c, int64_t id, qt_meeting_status_t to)
{
	qt_meeting_t m;
	int64_t version;
	qt_status_t st;

	memset(&m, 0, sizeof(m));
	st = qt_meeting_get(c, id, &m);
	if (st != QT_OK)
		return st;
	version = m.version;
	qt_meeting_clear(&m);
	st = qt_meeting_transition(c, id, version, to, &m);
	if (st == QT_OK) {
		cr_assert_eq(m.status, to);
		cr_assert_eq(m.version, version + 1);
		qt_meeting_clear(&m);
	}
	return st;
}

static void move_ok(qt_client_t *c, int64_t id, qt_meeting_status_t to)
{
	qt_status_t st = move(c, id, to);

	cr_assert_eq(st, QT_OK, "meeting %lld -> %s: %s: %s", (long long)id,
	             qt_meeting_status_name(to), qt_status_name(st), err_msg(c));
}

static qt_status_t propose(qt_client_t *c, const char *title, qt_agenda_origin_t origin,
                           int64_t origin_id, int64_t *id_out)
{
	qt_agenda_new_t in;
	qt_agenda_item_t it;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	in.title = title;
	in.description = "Aus dem Quartier:\nzu wenig Angebote f\u00fcr Jugendliche";
	in.origin = origin;
	if (origin == QT_ORIGIN_BOTTOM_UP)
		in.origin_project_id = origin_id;
	else
		in.origin_office_id = origin_id;
	in.requested_minutes = 20;
	memset(&it, 0, sizeof(it));
	st = qt_agenda_propose(c, &in, &it);
	if (st == QT_OK) {
		cr_assert_eq(it.status, QT_ITEM_BACKLOG);
		cr_assert_eq(it.origin, origin);
		cr_assert_str_eq(it.title, title);
		cr_assert_eq(it.requested_minutes, 20);
		cr_assert_eq(it.n_history, 0);
		if (id_out != NULL)
			*id_out = it.id;
		qt_agenda_item_clear(&it);
	}
	return st;
}

static int64_t propose_ok(qt_client_t *c, const char *title, qt_agenda_origin_t origin,
                          int64_t origin_id)
{
	int64_t id = 0;
	qt_status_t st = propose(c, title, origin, origin_id, &id);

	cr_assert_eq(st, QT_OK, "propose %s: %s: %s (field %s)", title, qt_status_name(st),
	             err_msg(c), err_field(c));
	return id;
}

static void schedule_ok(qt_client_t *c, int64_t item, int64_t meeting_id, uint32_t pos)
{
	qt_agenda_item_t it;
	qt_status_t st;

	memset(&it, 0, sizeof(it));
	st = qt_agenda_schedule(c, item, meeting_id, pos, &it);
	cr_assert_eq(st, QT_OK, "schedule %lld on %lld: %s: %s", (long long)item,
	             (long long)meeting_id, qt_status_name(st), err_msg(c));
	cr_assert_eq(it.status, meeting_id != 0 ? QT_ITEM_SCHEDULED : QT_ITEM_BACKLOG);
	cr_assert_eq(it.meeting_id, meeting_id);
	qt_agenda_item_clear(&it);
}

static qt_status_t outcome(qt_client_t *c, int64_t meeting_id, int64_t item, qt_outcome_t kind,
                           const char *text)
{
	qt_agenda_outcome_t in;
	qt_agenda_item_t it;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	in.meeting_id = meeting_id;
	in.item_id = item;
	in.outcome = kind;
	in.text = text;
	memset(&it, 0, sizeof(it));
	st = qt_agenda_outcome(c, &in, &it);
	if (st == QT_OK)
		qt_agenda_item_clear(&it);
	return st;
}

static void outcome_ok(qt_client_t *c, int64_t meeting_id, int64_t item, qt_outcome_t kind,
                       const char *text)
{
	qt_status_t st = outcome(c, meeting_id, item, kind, text);

	cr_assert_eq(st, QT_OK, "outcome %s for %lld: %s: %s", qt_outcome_name(kind),
	             (long long)item, qt_status_name(st), err_msg(c));
}

static qt_status_t hand_over(qt_client_t *c, int64_t meeting_id, int64_t item, int64_t lead,
                             int64_t other, const char *due, qt_agenda_item_t *out)
{
	int64_t offices[1] = {other};
	qt_agenda_outcome_t in;

	memset(&in, 0, sizeof(in));
	in.meeting_id = meeting_id;
	in.item_id = item;
	in.outcome = QT_OUTCOME_HAND_OVER;
	in.text = "Jugendamt pr\u00fcft ein Angebot der mobilen Jugendarbeit";
	in.lead_office_id = lead;
	in.office_ids = offices;
	in.n_office_ids = other != 0 ? 1 : 0;
	in.due_date = due;
	return qt_agenda_outcome(c, &in, out);
}

/* The hand-overs c sees with "mine"; asserts success. */
static size_t mine(qt_client_t *c, qt_handover_t **out)
{
	qt_handover_filter_t f;
	size_t n = 0;
	qt_status_t st;

	memset(&f, 0, sizeof(f));
	f.mine = 1;
	*out = NULL;
	st = qt_handover_list(c, &f, out, &n);
	cr_assert_eq(st, QT_OK, "handover list: %s: %s", qt_status_name(st), err_msg(c));
	return n;
}

static qt_item_status_t item_status(qt_client_t *c, int64_t item, qt_agenda_item_t *copy)
{
	qt_agenda_filter_t f;
	qt_agenda_item_t *list = NULL;
	qt_item_status_t s;
	size_t n = 0;

	memset(&f, 0, sizeof(f));
	f.item_id = item;
	cr_assert_eq(qt_agenda_backlog(c, &f, &list, &n), QT_OK, "%s", err_msg(c));
	cr_assert_eq(n, 1);
	s = list[0].status;
	if (copy != NULL) {
		*copy = list[0];
		memset(&list[0], 0, sizeof(list[0]));
	}
	qt_agenda_item_list_free(list, n);
	return s;
}

/* ------------------------------------------------------------ the hand-over loop */

Test(meeting, handover_is_seen_acknowledged_completed_and_visible_to_the_coordinator)
{
	cast_t k;
	int64_t m, bottom_up, top_down, ho;
	qt_agenda_item_t it;
	qt_handover_t *list = NULL, h;
	qt_meeting_t mt;
	size_t n;
	qt_status_t st;
	snapshot_t before;

	cast_begin(&k);
	/* The Sozialamt organises; the coordination of KUGEL brings a
	 * suggestion from the quarter, the Sozialamt a topic of its own. */
	m = meeting(k.social, "AGSP S\u00fcd, M\u00e4rz", T_MARCH, &k);
	bottom_up = propose_ok(k.kugel_c, "Treffpunkt f\u00fcr Jugendliche im Quartier",
	                       QT_ORIGIN_BOTTOM_UP, k.kugel);
	top_down = propose_ok(k.social, "Hitzeschutz f\u00fcr \u00e4ltere Menschen",
	                      QT_ORIGIN_TOP_DOWN, H.seed.office_social);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(item_status(k.viewer, bottom_up, &it), QT_ITEM_BACKLOG);
	cr_assert_eq(it.proposed_by, k.kugel_acct);
	cr_assert_eq(it.origin_project_id, k.kugel);
	cr_assert_str_eq(it.origin_name, "KUGEL");
	cr_assert_eq(it.n_project_ids, 1, "the origin project is linked");
	cr_assert_eq(it.project_ids[0], k.kugel);
	qt_agenda_item_clear(&it);

	schedule_ok(k.social, bottom_up, m, 0);
	schedule_ok(k.social, top_down, m, 1); /* in front */
	move_ok(k.social, m, QT_MEETING_OPEN);
	move_ok(k.social, m, QT_MEETING_IN_PROGRESS);

	memset(&it, 0, sizeof(it));
	st = hand_over(k.social, m, bottom_up, k.office_youth, H.seed.office_planning, "2026-04-30",
	               &it);
	cr_assert_eq(st, QT_OK, "hand-over: %s: %s (field %s)", qt_status_name(st), err_msg(k.social),
	             err_field(k.social));
	cr_assert_eq(it.status, QT_ITEM_CONCLUDED);
	cr_assert_eq(it.n_history, 1);
	cr_assert_eq(it.history[0].outcome, QT_OUTCOME_HAND_OVER);
	cr_assert_gt(it.history[0].handover_id, 0);
	ho = it.history[0].handover_id;
	qt_agenda_item_clear(&it);
	outcome_ok(k.social, m, top_down, QT_OUTCOME_DECISION,
	           "Die \u00c4mter legen bis Juni ein gemeinsames Konzept vor.");
	move_ok(k.social, m, QT_MEETING_CLOSED);
	move_ok(k.social, m, QT_MEETING_MINUTES_APPROVED);

	/* The receiving office sees it among its own. */
	n = mine(k.youth, &list);
	cr_assert_eq(n, 1, "the Jugendamt sees the hand-over");
	cr_assert_eq(list[0].id, ho);
	cr_assert_eq(list[0].status, QT_HANDOVER_OPEN);
	cr_assert_eq(list[0].lead_office_id, k.office_youth);
	cr_assert_str_eq(list[0].lead_office_name, "Jugendamt");
	cr_assert_str_eq(list[0].due_date, "2026-04-30");
	cr_assert_eq(list[0].meeting_id, m);
	cr_assert_eq(list[0].item_id, bottom_up);
	cr_assert_str_eq(list[0].item_title, "Treffpunkt f\u00fcr Jugendliche im Quartier");
	cr_assert_eq(list[0].n_office_ids, 1);
	cr_assert_eq(list[0].office_ids[0], H.seed.office_planning);
	cr_assert_eq(list[0].n_project_ids, 1);
	cr_assert_eq(list[0].project_ids[0], k.kugel);
	cr_assert_not_null(list[0].note);
	qt_handover_list_free(list, n);
	/* A participating office sees it too, but the lead office answers. */
	n = mine(k.planning, &list);
	cr_assert_eq(n, 1, "the participating office sees it");
	qt_handover_list_free(list, n);
	n = mine(k.social, &list);
	cr_assert_eq(n, 0, "the organiser is not addressed");
	qt_handover_list_free(list, n);
	/* The originating coordinator follows its status; another does not
	 * have it among its own. */
	n = mine(k.kugel_c, &list);
	cr_assert_eq(n, 1, "the coordinator of KUGEL follows the hand-over");
	cr_assert_eq(list[0].status, QT_HANDOVER_OPEN);
	qt_handover_list_free(list, n);
	n = mine(k.other_c, &list);
	cr_assert_eq(n, 0, "an unrelated coordinator has none");
	qt_handover_list_free(list, n);

	before = snap();
	memset(&h, 0, sizeof(h));
	expect_refused(k.planning,
	               qt_handover_update(k.planning, ho, 1, QT_HANDOVER_ACKNOWLEDGED, NULL, &h),
	               QT_PERMISSION_DENIED, NULL, "participating office acknowledging");
	expect_refused(k.kugel_c,
	               qt_handover_update(k.kugel_c, ho, 1, QT_HANDOVER_ACKNOWLEDGED, NULL, &h),
	               QT_PERMISSION_DENIED, NULL, "coordinator acknowledging");
	expect_refused(k.youth, qt_handover_update(k.youth, ho, 1, QT_HANDOVER_DONE, "fertig", &h),
	               QT_FAILED_PRECONDITION, "to", "done before acknowledged");
	expect_unchanged(&before, "refused hand-over updates");

	/* Acknowledged (after the minutes were approved: the follow-up is not
	 * part of the minutes). */
	memset(&h, 0, sizeof(h));
	st = qt_handover_update(k.youth, ho, 1, QT_HANDOVER_ACKNOWLEDGED, NULL, &h);
	cr_assert_eq(st, QT_OK, "acknowledge: %s: %s", qt_status_name(st), err_msg(k.youth));
	cr_assert_eq(h.status, QT_HANDOVER_ACKNOWLEDGED);
	cr_assert_eq(h.version, 2);
	cr_assert_eq(h.acknowledged_by, k.youth_acct);
	cr_assert_gt(h.acknowledged_at, 0);
	qt_handover_clear(&h);
	n = mine(k.kugel_c, &list);
	cr_assert_eq(n, 1);
	cr_assert_eq(list[0].status, QT_HANDOVER_ACKNOWLEDGED, "the coordinator sees it acknowledged");
	qt_handover_list_free(list, n);

	before = snap();
	expect_refused(k.youth, qt_handover_update(k.youth, ho, 2, QT_HANDOVER_DECLINED, "", &h),
	               QT_INVALID_ARGUMENT, "reason", "declining without a reason");
	expect_refused(k.youth, qt_handover_update(k.youth, ho, 1, QT_HANDOVER_DONE, NULL, &h),
	               QT_CONFLICT, "expected_version", "stale version");
	expect_unchanged(&before, "refused completion");

	/* Completed with a report; the coordinator sees it done. */
	memset(&h, 0, sizeof(h));
	st = qt_handover_update(k.youth, ho, 2, QT_HANDOVER_DONE,
	                        "Mobile Jugendarbeit ab Mai zweimal w\u00f6chentlich vor Ort", &h);
	cr_assert_eq(st, QT_OK, "done: %s: %s", qt_status_name(st), err_msg(k.youth));
	cr_assert_eq(h.status, QT_HANDOVER_DONE);
	cr_assert_eq(h.closed_by, k.youth_acct);
	qt_handover_clear(&h);
	n = mine(k.kugel_c, &list);
	cr_assert_eq(n, 1);
	cr_assert_eq(list[0].status, QT_HANDOVER_DONE, "the coordinator sees it done");
	cr_assert_str_eq(list[0].reason, "Mobile Jugendarbeit ab Mai zweimal w\u00f6chentlich vor Ort");
	qt_handover_list_free(list, n);
	{
		qt_handover_filter_t f;

		memset(&f, 0, sizeof(f));
		f.project_id = k.kugel;
		f.status = QT_HANDOVER_DONE;
		cr_assert_eq(qt_handover_list(k.viewer, &f, &list, &n), QT_OK);
		cr_assert_eq(n, 1, "viewers read hand-overs of a project");
		qt_handover_list_free(list, n);
	}
	before = snap();
	expect_refused(k.youth, qt_handover_update(k.youth, ho, 3, QT_HANDOVER_DECLINED, "doch nicht", &h),
	               QT_FAILED_PRECONDITION, "to", "a finished hand-over");
	expect_unchanged(&before, "finished hand-over");

	/* The minutes: both items with their outcomes, the hand-over done. */
	memset(&mt, 0, sizeof(mt));
	cr_assert_eq(qt_meeting_get(k.kugel_c, m, &mt), QT_OK);
	cr_assert_eq(mt.status, QT_MEETING_MINUTES_APPROVED);
	cr_assert_eq(mt.n_agenda, 2);
	cr_assert_eq(mt.agenda[0].item_id, top_down);
	cr_assert_eq(mt.agenda[0].position, 1);
	cr_assert_eq(mt.agenda[0].outcome, QT_OUTCOME_DECISION);
	cr_assert_eq(mt.agenda[0].origin, QT_ORIGIN_TOP_DOWN);
	cr_assert_eq(mt.agenda[1].item_id, bottom_up);
	cr_assert_eq(mt.agenda[1].position, 2);
	cr_assert_eq(mt.agenda[1].outcome, QT_OUTCOME_HAND_OVER);
	cr_assert_eq(mt.agenda[1].handover_id, ho);
	cr_assert_eq(mt.n_handovers, 1);
	cr_assert_eq(mt.handovers[0].status, QT_HANDOVER_DONE);
	cr_assert_eq(mt.n_participants, 2);
	cr_assert_eq(mt.organiser_office_id, H.seed.office_social);
	cr_assert_str_eq(mt.place, "Rathaus, Raum 101");
	cr_assert_eq(mt.starts_at, T_MARCH);
	qt_meeting_clear(&mt);

	/* Every change has its audit row in the same transaction. */
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM audit WHERE entity = 'handover'", 0,
	                             NULL, NULL, NULL),
	             3, "create, acknowledged, done");
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM audit WHERE entity = 'meeting'", 0,
	                             NULL, NULL, NULL),
	             5, "create + 4 transitions");
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM audit WHERE entity = 'agenda_item'",
	                             0, NULL, NULL, NULL),
	             6, "2 proposals, 2 schedules, 2 outcomes");
	cast_end(&k);
}

/* ------------------------------------------------------------ lifecycle and lock */

Test(meeting, lifecycle_and_lock_after_approval)
{
	cast_t k;
	int64_t m, later, a, b, c2;
	qt_meeting_t mt;
	qt_meeting_patch_t patch;
	qt_agenda_item_t it;
	snapshot_t before;
	qt_status_t st;

	cast_begin(&k);
	m = meeting(k.social, "AGSP", T_MARCH, &k);
	later = meeting(k.social, "AGSP sp\u00e4ter", T_APRIL, &k);
	a = propose_ok(k.social, "Punkt A", QT_ORIGIN_TOP_DOWN, 0);
	b = propose_ok(k.social, "Punkt B", QT_ORIGIN_TOP_DOWN, 0);
	c2 = propose_ok(k.kugel_c, "Punkt C", QT_ORIGIN_BOTTOM_UP, k.kugel);
	schedule_ok(k.social, a, m, 0);
	schedule_ok(k.social, b, m, 0);

	/* Skipping steps and going back are refused, and outcomes wait for
	 * the meeting. */
	before = snap();
	expect_refused(k.social, move(k.social, m, QT_MEETING_IN_PROGRESS), QT_FAILED_PRECONDITION,
	               "to", "draft -> in_progress");
	expect_refused(k.social, move(k.social, m, QT_MEETING_MINUTES_APPROVED),
	               QT_FAILED_PRECONDITION, "to", "draft -> approved");
	expect_refused(k.social, outcome(k.social, m, a, QT_OUTCOME_INFORMATION, NULL),
	               QT_FAILED_PRECONDITION, NULL, "outcome in a draft");
	expect_unchanged(&before, "refused draft steps");
	move_ok(k.social, m, QT_MEETING_OPEN);
	before = snap();
	expect_refused(k.social, move(k.social, m, QT_MEETING_DRAFT), QT_FAILED_PRECONDITION, "to",
	               "open -> draft");
	expect_refused(k.social, outcome(k.social, m, a, QT_OUTCOME_INFORMATION, NULL),
	               QT_FAILED_PRECONDITION, NULL, "outcome before the meeting");
	expect_refused(k.social, qt_meeting_transition(k.social, m, 1, QT_MEETING_IN_PROGRESS, &mt),
	               QT_CONFLICT, "expected_version", "stale version");
	expect_unchanged(&before, "refused open steps");
	move_ok(k.social, m, QT_MEETING_IN_PROGRESS);
	/* An item may still be added during the meeting. */
	schedule_ok(k.social, c2, m, 0);
	outcome_ok(k.social, m, a, QT_OUTCOME_DECISION, "Beschluss A");
	outcome_ok(k.social, m, b, QT_OUTCOME_INFORMATION, NULL);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(hand_over(k.social, m, c2, k.office_youth, 0, "2026-03-31", &it), QT_OK, "%s",
	             err_msg(k.social));
	qt_agenda_item_clear(&it);
	move_ok(k.social, m, QT_MEETING_CLOSED);

	/* Closed, not approved: outcomes may be corrected, except a hand-over. */
	outcome_ok(k.social, m, b, QT_OUTCOME_DECISION, "Korrektur: doch ein Beschluss");
	before = snap();
	expect_refused(k.social, outcome(k.social, m, c2, QT_OUTCOME_INFORMATION, NULL),
	               QT_FAILED_PRECONDITION, "item_id", "replacing a hand-over");
	expect_refused(k.social, qt_agenda_schedule(k.social, a, m, 0, &it), QT_FAILED_PRECONDITION,
	               NULL, "scheduling onto a closed meeting");
	expect_unchanged(&before, "refused in a closed meeting");
	move_ok(k.social, m, QT_MEETING_MINUTES_APPROVED);

	/* Approved minutes are locked: every change is refused, nothing moves. */
	before = snap();
	expect_refused(k.social, outcome(k.social, m, a, QT_OUTCOME_INFORMATION, NULL),
	               QT_FAILED_PRECONDITION, NULL, "outcome after approval");
	expect_refused(k.admin, outcome(k.admin, m, b, QT_OUTCOME_DECISION, "anders"),
	               QT_FAILED_PRECONDITION, NULL, "admin outcome after approval");
	memset(&it, 0, sizeof(it));
	expect_refused(k.social, hand_over(k.social, m, b, k.office_youth, 0, "2026-12-31", &it),
	               QT_FAILED_PRECONDITION, NULL, "hand-over after approval");
	expect_refused(k.social, move(k.social, m, QT_MEETING_CLOSED), QT_FAILED_PRECONDITION, "to",
	               "reopening");
	expect_refused(k.social, move(k.social, m, QT_MEETING_MINUTES_APPROVED),
	               QT_FAILED_PRECONDITION, "to", "approving twice");
	memset(&patch, 0, sizeof(patch));
	patch.id = m;
	patch.expected_version = 5;
	patch.title = "nachtr\u00e4glich";
	expect_refused(k.social, qt_meeting_update(k.social, &patch, &mt), QT_FAILED_PRECONDITION,
	               NULL, "update after approval");
	expect_refused(k.admin, qt_meeting_update(k.admin, &patch, &mt), QT_FAILED_PRECONDITION, NULL,
	               "admin update after approval");
	expect_refused(k.social, qt_agenda_schedule(k.social, a, m, 0, &it), QT_FAILED_PRECONDITION,
	               NULL, "scheduling onto an approved meeting");
	expect_refused(k.social, qt_agenda_schedule(k.social, a, later, 0, &it),
	               QT_FAILED_PRECONDITION, "item_id", "moving a concluded item on");
	expect_unchanged(&before, "changes to approved minutes");

	/* The database refuses too, whatever a server might judge. */
	{
		PGresult *res = PQexec(harness_pg(&H), "SELECT qt_meeting_update(NULL, id, version, "
		                                       "'x', NULL, false, NULL, NULL, false, '{}', '{}', "
		                                       "'{}', false, '{}', '{}', false, '{}', '{}') "
		                                       "FROM meeting WHERE status = 'minutes_approved'");
		cr_assert_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
		cr_assert_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "Q0412");
		PQclear(res);
	}

	memset(&mt, 0, sizeof(mt));
	cr_assert_eq(qt_meeting_get(k.viewer, m, &mt), QT_OK);
	cr_assert_eq(mt.n_agenda, 3);
	cr_assert_eq(mt.agenda[1].outcome, QT_OUTCOME_DECISION);
	cr_assert_str_eq(mt.agenda[1].outcome_text, "Korrektur: doch ein Beschluss");
	qt_meeting_clear(&mt);

	/* Update and attendance before approval, on the other meeting. */
	memset(&patch, 0, sizeof(patch));
	patch.id = later;
	patch.expected_version = 1;
	patch.place = "Stadtteilhaus";
	patch.set_attended = 1;
	patch.attended_office_ids = &k.office_youth;
	patch.n_attended_office_ids = 1;
	memset(&mt, 0, sizeof(mt));
	st = qt_meeting_update(k.social, &patch, &mt);
	cr_assert_eq(st, QT_OK, "update: %s: %s", qt_status_name(st), err_msg(k.social));
	cr_assert_eq(mt.version, 2);
	cr_assert_str_eq(mt.place, "Stadtteilhaus");
	cr_assert_str_eq(mt.title, "AGSP sp\u00e4ter");
	cr_assert_eq(mt.n_participants, 2);
	for (size_t i = 0; i < mt.n_participants; i++)
		cr_assert_eq(mt.participants[i].attended, mt.participants[i].office_id == k.office_youth);
	qt_meeting_clear(&mt);
	before = snap();
	patch.expected_version = 2;
	patch.place = NULL;
	patch.attended_office_ids = &H.seed.office_planning;
	expect_refused(k.social, qt_meeting_update(k.social, &patch, &mt), QT_INVALID_ARGUMENT,
	               "attended_office_ids", "attended without being invited");
	expect_unchanged(&before, "attendance of a stranger");
	cast_end(&k);
}

/* ------------------------------------------------------------ carry-over */

Test(meeting, items_not_reached_are_carried_over_keeping_their_history)
{
	cast_t k;
	int64_t m1, m2, m3, x, y, z;
	qt_agenda_item_t it;
	qt_agenda_item_t *list = NULL;
	qt_agenda_filter_t f;
	qt_meeting_t mt;
	size_t n;

	cast_begin(&k);
	m1 = meeting(k.social, "AGSP M\u00e4rz", T_MARCH, &k);
	m2 = meeting(k.social, "AGSP April", T_APRIL, &k);
	m3 = meeting(k.social, "AGSP Mai", T_APRIL + 28 * 86400, &k);
	x = propose_ok(k.social, "X", QT_ORIGIN_TOP_DOWN, 0);
	y = propose_ok(k.kugel_c, "Y", QT_ORIGIN_BOTTOM_UP, k.kugel);
	z = propose_ok(k.social, "Z", QT_ORIGIN_TOP_DOWN, 0);
	schedule_ok(k.social, x, m1, 0);
	schedule_ok(k.social, y, m1, 0);
	schedule_ok(k.social, z, m1, 0);

	/* Planning changes before the meeting: Z goes to May and back to the
	 * backlog; taking items off a draft leaves no history and no gap. */
	schedule_ok(k.social, z, m3, 0);
	schedule_ok(k.social, z, 0, 0);
	memset(&mt, 0, sizeof(mt));
	cr_assert_eq(qt_meeting_get(k.social, m1, &mt), QT_OK);
	cr_assert_eq(mt.n_agenda, 2);
	cr_assert(mt.agenda[0].item_id == x && mt.agenda[0].position == 1);
	cr_assert(mt.agenda[1].item_id == y && mt.agenda[1].position == 2);
	qt_meeting_clear(&mt);
	schedule_ok(k.social, z, m1, 2); /* between X and Y */

	move_ok(k.social, m1, QT_MEETING_OPEN);
	move_ok(k.social, m1, QT_MEETING_IN_PROGRESS);
	/* Once it runs, an item is not moved away but gets an outcome. */
	expect_refused(k.social, qt_agenda_schedule(k.social, y, m2, 0, &it), QT_FAILED_PRECONDITION,
	               "meeting_id", "moving an item away from a running meeting");
	outcome_ok(k.social, m1, x, QT_OUTCOME_DECISION, "Beschluss X");
	outcome_ok(k.social, m1, z, QT_OUTCOME_DEFERRAL, "vertagt");
	cr_assert_eq(item_status(k.viewer, z, NULL), QT_ITEM_BACKLOG, "deferred: back to the backlog");
	move_ok(k.social, m1, QT_MEETING_CLOSED);

	/* Y was not reached: carried over, back in the backlog. */
	memset(&it, 0, sizeof(it));
	cr_assert_eq(item_status(k.viewer, y, &it), QT_ITEM_BACKLOG);
	cr_assert_eq(it.n_history, 1);
	cr_assert_eq(it.history[0].meeting_id, m1);
	cr_assert_eq(it.history[0].outcome, QT_OUTCOME_CARRIED_OVER);
	cr_assert_eq(it.meeting_id, 0);
	qt_agenda_item_clear(&it);
	memset(&f, 0, sizeof(f));
	cr_assert_eq(qt_agenda_backlog(k.viewer, &f, &list, &n), QT_OK);
	cr_assert_eq(n, 2, "the backlog: Y and Z");
	cr_assert(list[0].id == y && list[1].id == z);
	qt_agenda_item_list_free(list, n);
	f.project_id = k.kugel;
	cr_assert_eq(qt_agenda_backlog(k.viewer, &f, &list, &n), QT_OK);
	cr_assert_eq(n, 1, "the backlog of KUGEL: Y");
	qt_agenda_item_list_free(list, n);

	/* Carried to the next meeting and dealt with there. */
	schedule_ok(k.social, y, m2, 0);
	schedule_ok(k.social, z, m2, 0);
	move_ok(k.social, m2, QT_MEETING_OPEN);
	move_ok(k.social, m2, QT_MEETING_IN_PROGRESS);
	outcome_ok(k.social, m2, y, QT_OUTCOME_INFORMATION, "Bericht der Koordination");
	move_ok(k.social, m2, QT_MEETING_CLOSED);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(item_status(k.viewer, y, &it), QT_ITEM_CONCLUDED);
	cr_assert_eq(it.n_history, 2, "both meetings in Y's history");
	cr_assert(it.history[0].meeting_id == m1 && it.history[0].outcome == QT_OUTCOME_CARRIED_OVER);
	cr_assert(it.history[1].meeting_id == m2 && it.history[1].outcome == QT_OUTCOME_INFORMATION);
	cr_assert_str_eq(it.history[0].meeting_title, "AGSP M\u00e4rz");
	qt_agenda_item_clear(&it);
	memset(&it, 0, sizeof(it));
	cr_assert_eq(item_status(k.viewer, z, &it), QT_ITEM_BACKLOG);
	cr_assert_eq(it.n_history, 2);
	cr_assert(it.history[0].outcome == QT_OUTCOME_DEFERRAL &&
	          it.history[1].outcome == QT_OUTCOME_CARRIED_OVER);
	qt_agenda_item_clear(&it);

	/* The first meeting's minutes still show Y as carried over. */
	memset(&mt, 0, sizeof(mt));
	cr_assert_eq(qt_meeting_get(k.viewer, m1, &mt), QT_OK);
	cr_assert_eq(mt.n_agenda, 3);
	cr_assert(mt.agenda[0].item_id == x && mt.agenda[0].outcome == QT_OUTCOME_DECISION);
	cr_assert(mt.agenda[1].item_id == z && mt.agenda[1].outcome == QT_OUTCOME_DEFERRAL);
	cr_assert(mt.agenda[2].item_id == y && mt.agenda[2].outcome == QT_OUTCOME_CARRIED_OVER);
	qt_meeting_clear(&mt);
	cr_assert_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM audit WHERE action = "
	                             "'agenda_item.carry_over'",
	                             0, NULL, NULL, NULL),
	             2, "Y from March, Z from April");
	cast_end(&k);
}

/* ------------------------------------------------------------ permissions */

Test(meeting, refused_requests_change_nothing)
{
	cast_t k;
	int64_t m, own, foreign, ho;
	int64_t planning_only[1];
	qt_meeting_new_t in;
	qt_meeting_t mt;
	qt_meeting_patch_t patch;
	qt_agenda_item_t it;
	qt_handover_t h;
	snapshot_t before;

	cast_begin(&k);
	planning_only[0] = H.seed.office_planning;
	m = meeting(k.social, "AGSP", T_MARCH, &k);
	own = propose_ok(k.kugel_c, "eigener Vorschlag", QT_ORIGIN_BOTTOM_UP, k.kugel);
	foreign = propose_ok(k.planning, "Thema der Planung", QT_ORIGIN_TOP_DOWN, 0);
	schedule_ok(k.social, own, m, 0);

	before = snap();
	memset(&in, 0, sizeof(in));
	in.title = "nicht erlaubt";
	in.starts_at = T_MARCH;
	expect_refused(k.viewer, qt_meeting_create(k.viewer, &in, &mt), QT_PERMISSION_DENIED, NULL,
	               "viewer creating a meeting");
	expect_refused(k.kugel_c, qt_meeting_create(k.kugel_c, &in, &mt), QT_PERMISSION_DENIED, NULL,
	               "coordinator creating a meeting");
	in.organiser_office_id = H.seed.office_social;
	expect_refused(k.planning, qt_meeting_create(k.planning, &in, &mt), QT_PERMISSION_DENIED,
	               "organiser_office_id", "office creating a meeting of another office");
	expect_refused(k.planning, move(k.planning, m, QT_MEETING_OPEN), QT_PERMISSION_DENIED, NULL,
	               "another office opening the meeting");
	expect_refused(k.kugel_c, move(k.kugel_c, m, QT_MEETING_OPEN), QT_PERMISSION_DENIED, NULL,
	               "coordinator opening the meeting");
	expect_refused(k.viewer, move(k.viewer, m, QT_MEETING_OPEN), QT_PERMISSION_DENIED, NULL,
	               "viewer opening the meeting");
	memset(&patch, 0, sizeof(patch));
	patch.id = m;
	patch.expected_version = 1;
	patch.title = "umbenannt";
	expect_refused(k.planning, qt_meeting_update(k.planning, &patch, &mt), QT_PERMISSION_DENIED,
	               NULL, "another office updating");
	expect_refused(k.kugel_c, qt_meeting_update(k.kugel_c, &patch, &mt), QT_PERMISSION_DENIED,
	               NULL, "coordinator updating");
	expect_refused(k.planning, qt_agenda_schedule(k.planning, foreign, m, 0, &it),
	               QT_PERMISSION_DENIED, NULL, "another office scheduling onto the meeting");
	expect_refused(k.kugel_c, qt_agenda_schedule(k.kugel_c, own, 0, 0, &it), QT_PERMISSION_DENIED,
	               NULL, "coordinator taking its item off the agenda");
	expect_refused(k.viewer, qt_agenda_schedule(k.viewer, own, m, 1, &it), QT_PERMISSION_DENIED,
	               NULL, "viewer reordering");
	/* Proposals: only from one's own quarter or office. */
	expect_refused(k.other_c, propose(k.other_c, "fremd", QT_ORIGIN_BOTTOM_UP, k.kugel, NULL),
	               QT_PERMISSION_DENIED, "origin_project_id",
	               "coordinator proposing for a project not its own");
	expect_refused(k.kugel_c,
	               propose(k.kugel_c, "von oben", QT_ORIGIN_TOP_DOWN, H.seed.office_social, NULL),
	               QT_PERMISSION_DENIED, "origin_office_id", "coordinator proposing top-down");
	expect_refused(k.planning,
	               propose(k.planning, "f\u00fcr andere", QT_ORIGIN_TOP_DOWN, H.seed.office_social,
	                       NULL),
	               QT_PERMISSION_DENIED, "origin_office_id", "office proposing for another office");
	expect_refused(k.social, propose(k.social, "von unten", QT_ORIGIN_BOTTOM_UP, k.kugel, NULL),
	               QT_PERMISSION_DENIED, "origin_project_id", "office proposing bottom-up");
	expect_refused(k.viewer, propose(k.viewer, "leser", QT_ORIGIN_TOP_DOWN, H.seed.office_social,
	                                 NULL),
	               QT_PERMISSION_DENIED, NULL, "viewer proposing");
	expect_unchanged(&before, "refused meeting and agenda requests");

	/* Outcomes: the organiser only. */
	move_ok(k.social, m, QT_MEETING_OPEN);
	move_ok(k.social, m, QT_MEETING_IN_PROGRESS);
	before = snap();
	expect_refused(k.planning, outcome(k.planning, m, own, QT_OUTCOME_INFORMATION, NULL),
	               QT_PERMISSION_DENIED, NULL, "another office recording an outcome");
	expect_refused(k.youth, hand_over(k.youth, m, own, k.office_youth, 0, "2026-05-01", &it),
	               QT_PERMISSION_DENIED, NULL, "the receiving office handing over to itself");
	expect_refused(k.kugel_c, outcome(k.kugel_c, m, own, QT_OUTCOME_DECISION, "selbst"),
	               QT_PERMISSION_DENIED, NULL, "coordinator recording an outcome");
	expect_refused(k.viewer, outcome(k.viewer, m, own, QT_OUTCOME_INFORMATION, NULL),
	               QT_PERMISSION_DENIED, NULL, "viewer recording an outcome");
	expect_unchanged(&before, "refused outcomes");

	/* Hand-overs: the lead office only. */
	memset(&it, 0, sizeof(it));
	cr_assert_eq(hand_over(k.admin, m, own, k.office_youth, 0, "2026-05-01", &it), QT_OK, "%s",
	             err_msg(k.admin));
	ho = it.history[0].handover_id;
	qt_agenda_item_clear(&it);
	before = snap();
	memset(&h, 0, sizeof(h));
	expect_refused(k.social, qt_handover_update(k.social, ho, 1, QT_HANDOVER_ACKNOWLEDGED, NULL, &h),
	               QT_PERMISSION_DENIED, NULL, "the organiser acknowledging");
	expect_refused(k.viewer, qt_handover_update(k.viewer, ho, 1, QT_HANDOVER_ACKNOWLEDGED, NULL, &h),
	               QT_PERMISSION_DENIED, NULL, "viewer acknowledging");
	expect_refused(k.kugel_c,
	               qt_handover_update(k.kugel_c, ho, 1, QT_HANDOVER_ACKNOWLEDGED, NULL, &h),
	               QT_PERMISSION_DENIED, NULL, "the originating coordinator acknowledging");
	expect_unchanged(&before, "refused hand-over updates");
	/* Admins may act for any office. */
	cr_assert_eq(qt_handover_update(k.admin, ho, 1, QT_HANDOVER_ACKNOWLEDGED, NULL, &h), QT_OK);
	qt_handover_clear(&h);
	memset(&in, 0, sizeof(in));
	in.title = "von der Koordination der Stadt";
	in.starts_at = T_APRIL;
	in.organiser_office_id = H.seed.office_planning;
	in.office_ids = planning_only;
	in.n_office_ids = 1;
	memset(&mt, 0, sizeof(mt));
	cr_assert_eq(qt_meeting_create(k.admin, &in, &mt), QT_OK, "%s", err_msg(k.admin));
	cr_assert_eq(mt.organiser_office_id, H.seed.office_planning);
	qt_meeting_clear(&mt);
	cast_end(&k);
}

/* ------------------------------------------------------------ bad input */

Test(meeting, bad_input_names_the_field_and_stores_nothing)
{
	cast_t k;
	int64_t m, item, unknown[1] = {999999}, offices[1];
	qt_meeting_new_t in;
	qt_meeting_t mt;
	qt_agenda_new_t an;
	qt_agenda_outcome_t oc;
	qt_agenda_item_t it;
	qt_handover_t h;
	char long_title[260];
	snapshot_t before;

	cast_begin(&k);
	m = meeting(k.social, "AGSP", T_MARCH, &k);
	item = propose_ok(k.kugel_c, "Vorschlag", QT_ORIGIN_BOTTOM_UP, k.kugel);
	schedule_ok(k.social, item, m, 0);
	move_ok(k.social, m, QT_MEETING_OPEN);
	move_ok(k.social, m, QT_MEETING_IN_PROGRESS);
	memset(long_title, 'x', sizeof(long_title) - 1);
	long_title[sizeof(long_title) - 1] = '\0';
	before = snap();

	/* Meetings. */
	memset(&in, 0, sizeof(in));
	in.starts_at = T_MARCH;
	in.title = "";
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT, "title",
	               "empty title");
	in.title = "Sitzung \xff\xfe";
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT, "title",
	               "invalid UTF-8 title");
	in.title = long_title;
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT, "title",
	               "oversized title");
	in.title = "ok";
	in.place = "Raum \xc3";
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT, "place",
	               "invalid UTF-8 place");
	in.place = NULL;
	in.ends_at = T_MARCH - 60;
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT, "ends_at",
	               "end before start");
	in.ends_at = 0;
	in.starts_at = 9000000000LL;
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT,
	               "starts_at", "start after 2199");
	in.starts_at = T_MARCH;
	in.quarter_ids = unknown;
	in.n_quarter_ids = 1;
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT,
	               "quarter_ids", "unknown quarter");
	in.n_quarter_ids = 0;
	in.project_ids = unknown;
	in.n_project_ids = 1;
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT,
	               "project_ids", "unknown project");
	in.n_project_ids = 0;
	in.office_ids = unknown;
	in.n_office_ids = 1;
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT,
	               "participant_office_ids", "unknown participant office");
	in.n_office_ids = 0;
	in.person_ids = unknown;
	in.n_person_ids = 1;
	expect_refused(k.social, qt_meeting_create(k.social, &in, &mt), QT_INVALID_ARGUMENT,
	               "participant_person_ids", "unknown participant person");
	in.n_person_ids = 0;
	in.organiser_office_id = 999999;
	expect_refused(k.admin, qt_meeting_create(k.admin, &in, &mt), QT_INVALID_ARGUMENT,
	               "organiser_office_id", "unknown organiser");
	in.organiser_office_id = 0;
	expect_refused(k.admin, qt_meeting_create(k.admin, &in, &mt), QT_INVALID_ARGUMENT,
	               "organiser_office_id", "admin without organiser");
	expect_refused(k.social, qt_meeting_get(k.social, 999999, &mt), QT_NOT_FOUND, "id",
	               "unknown meeting");
	expect_refused(k.social, qt_meeting_transition(k.social, m, 3, (qt_meeting_status_t)42, &mt),
	               QT_INVALID_ARGUMENT, "to", "unknown status");

	/* Agenda proposals. */
	memset(&an, 0, sizeof(an));
	an.origin = QT_ORIGIN_BOTTOM_UP;
	an.origin_project_id = k.kugel;
	an.title = "";
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT, "title",
	               "empty item title");
	an.title = "Vorschlag";
	an.description = "kaputt \xed\xa0\x80"; /* an encoded surrogate */
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT,
	               "description", "invalid UTF-8 description");
	an.description = NULL;
	an.origin = QT_ORIGIN_UNSPECIFIED;
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT, "origin",
	               "no origin");
	an.origin = QT_ORIGIN_BOTTOM_UP;
	an.origin_project_id = 0;
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT,
	               "origin_project_id", "bottom-up without a project");
	an.origin_project_id = 999999;
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT,
	               "origin_project_id", "unknown origin project");
	an.origin_project_id = k.kugel;
	an.project_ids = unknown;
	an.n_project_ids = 1;
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT,
	               "project_ids", "unknown linked project");
	an.n_project_ids = 0;
	an.origin_quarter_id = 999999;
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT,
	               "origin_quarter_id", "unknown origin quarter");
	an.origin_quarter_id = 0;
	an.requested_minutes = 481;
	expect_refused(k.kugel_c, qt_agenda_propose(k.kugel_c, &an, &it), QT_INVALID_ARGUMENT,
	               "requested_minutes", "too long");
	an.requested_minutes = 0;
	an.origin = QT_ORIGIN_TOP_DOWN;
	an.origin_project_id = 0;
	an.origin_office_id = 999999;
	expect_refused(k.admin, qt_agenda_propose(k.admin, &an, &it), QT_INVALID_ARGUMENT,
	               "origin_office_id", "unknown origin office");

	/* Scheduling. */
	expect_refused(k.social, qt_agenda_schedule(k.social, 999999, m, 0, &it), QT_INVALID_ARGUMENT,
	               "item_id", "unknown item");
	expect_refused(k.social, qt_agenda_schedule(k.social, item, 999999, 0, &it),
	               QT_INVALID_ARGUMENT, "meeting_id", "unknown meeting");
	expect_refused(k.social, qt_agenda_schedule(k.social, 0, m, 0, &it), QT_INVALID_ARGUMENT,
	               "item_id", "item 0");

	/* Outcomes. */
	expect_refused(k.social, outcome(k.social, m, item, QT_OUTCOME_DECISION, ""),
	               QT_INVALID_ARGUMENT, "text", "decision without text");
	expect_refused(k.social, outcome(k.social, m, item, QT_OUTCOME_CARRIED_OVER, NULL),
	               QT_INVALID_ARGUMENT, "outcome", "carried_over by hand");
	expect_refused(k.social, outcome(k.social, m, item, QT_OUTCOME_INFORMATION, "\x01"),
	               QT_INVALID_ARGUMENT, "text", "control character");
	expect_refused(k.social, outcome(k.social, 999999, item, QT_OUTCOME_INFORMATION, NULL),
	               QT_INVALID_ARGUMENT, "meeting_id", "outcome in an unknown meeting");
	expect_refused(k.social, outcome(k.social, m, 999999, QT_OUTCOME_INFORMATION, NULL),
	               QT_INVALID_ARGUMENT, "item_id", "outcome for an unknown item");
	{
		int64_t elsewhere = propose_ok(k.social, "nicht hier", QT_ORIGIN_TOP_DOWN, 0);

		before = snap();
		expect_refused(k.social, outcome(k.social, m, elsewhere, QT_OUTCOME_INFORMATION, NULL),
		               QT_INVALID_ARGUMENT, "item_id", "item not on the agenda");
	}
	memset(&it, 0, sizeof(it));
	expect_refused(k.social, hand_over(k.social, m, item, k.office_youth, 0, "2026-02-30", &it),
	               QT_INVALID_ARGUMENT, "due_date", "due date that does not exist");
	expect_refused(k.social, hand_over(k.social, m, item, k.office_youth, 0, "30.04.2026", &it),
	               QT_INVALID_ARGUMENT, "due_date", "due date in another format");
	expect_refused(k.social, hand_over(k.social, m, item, k.office_youth, 0, NULL, &it),
	               QT_INVALID_ARGUMENT, "due_date", "hand-over without a due date");
	expect_refused(k.social, hand_over(k.social, m, item, k.office_youth, 0, "2026-03-09", &it),
	               QT_INVALID_ARGUMENT, "due_date", "due before the meeting");
	expect_refused(k.social, hand_over(k.social, m, item, 999999, 0, "2026-04-30", &it),
	               QT_INVALID_ARGUMENT, "lead_office_id", "unknown lead office");
	expect_refused(k.social, hand_over(k.social, m, item, 0, 0, "2026-04-30", &it),
	               QT_INVALID_ARGUMENT, "lead_office_id", "hand-over without a lead office");
	expect_refused(k.social, hand_over(k.social, m, item, k.office_youth, 999999, "2026-04-30", &it),
	               QT_INVALID_ARGUMENT, "office_ids", "unknown participating office");
	offices[0] = k.office_youth;
	memset(&oc, 0, sizeof(oc));
	oc.meeting_id = m;
	oc.item_id = item;
	oc.outcome = QT_OUTCOME_INFORMATION;
	oc.due_date = "2026-04-30";
	expect_refused(k.social, qt_agenda_outcome(k.social, &oc, &it), QT_INVALID_ARGUMENT,
	               "due_date", "due date without a hand-over");
	oc.due_date = NULL;
	oc.office_ids = offices;
	oc.n_office_ids = 1;
	expect_refused(k.social, qt_agenda_outcome(k.social, &oc, &it), QT_INVALID_ARGUMENT,
	               "office_ids", "offices without a hand-over");

	/* Hand-overs. */
	memset(&h, 0, sizeof(h));
	expect_refused(k.youth, qt_handover_update(k.youth, 999999, 1, QT_HANDOVER_ACKNOWLEDGED, NULL,
	                                           &h),
	               QT_NOT_FOUND, "id", "unknown hand-over");
	expect_refused(k.youth, qt_handover_update(k.youth, 1, 1, QT_HANDOVER_DECLINED, NULL, &h),
	               QT_INVALID_ARGUMENT, "reason", "declining without a reason");
	expect_refused(k.youth, qt_handover_update(k.youth, 1, 1, (qt_handover_status_t)9, NULL, &h),
	               QT_INVALID_ARGUMENT, "to", "unknown hand-over status");
	expect_refused(k.youth, qt_handover_update(k.youth, 1, 1, QT_HANDOVER_DONE, "\xc0\xaf", &h),
	               QT_INVALID_ARGUMENT, "reason", "overlong UTF-8 reason");
	expect_unchanged(&before, "bad input");
	cast_end(&k);
}
