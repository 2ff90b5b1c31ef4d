/* The request routing table (see dispatch.h). */
#include "dispatch.h"

#include "handlers.h"
#include "request.h"

typedef struct route {
	Quartier__V1__Request__BodyCase body;
	const char *name;        /* for logs */
	void (*handler)(req_t *r);
	int needs_session;
} route_t;

static const route_t routes[] = {
	{QUARTIER__V1__REQUEST__BODY_LOGIN, "login", session_login, 0},
	{QUARTIER__V1__REQUEST__BODY_RESUME, "resume", session_resume, 0},
	{QUARTIER__V1__REQUEST__BODY_LOGOUT, "logout", session_logout, 1},
	{QUARTIER__V1__REQUEST__BODY_WHOAMI, "whoami", session_whoami, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_CREATE, "account.create", account_create, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_LIST, "account.list", account_list, 1},
	{QUARTIER__V1__REQUEST__BODY_REFERENCE_LIST, "reference.list", reference_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE, "project.create", project_create, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_GET, "project.get", project_get, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_LIST, "project.list", project_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_UPDATE, "project.update", project_update, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_TRANSITION, "project.transition", project_transition, 1},
	{QUARTIER__V1__REQUEST__BODY_AUDIT_LIST, "audit.list", audit_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_CREATE, "person.create", person_create, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_GET, "person.get", person_get, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_LIST, "person.list", person_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_UPDATE, "person.update", person_update, 1},
	{QUARTIER__V1__REQUEST__BODY_MEMBERSHIP_ADD, "membership.add", membership_add, 1},
	{QUARTIER__V1__REQUEST__BODY_MEMBERSHIP_END, "membership.end", membership_end, 1},
	{QUARTIER__V1__REQUEST__BODY_GROUP_MEMBERS, "group.members", group_members, 1},
	{QUARTIER__V1__REQUEST__BODY_FUND_CREATE, "fund.create", fund_create, 1},
	{QUARTIER__V1__REQUEST__BODY_FUND_GET, "fund.get", fund_get, 1},
	{QUARTIER__V1__REQUEST__BODY_FUND_LIST, "fund.list", fund_list, 1},
	{QUARTIER__V1__REQUEST__BODY_FUND_ENTRY_ADD, "fund.book", fund_entry_add, 1},
	{QUARTIER__V1__REQUEST__BODY_FUND_LEDGER, "fund.ledger", fund_ledger, 1},
	{QUARTIER__V1__REQUEST__BODY_CRITERIA_LIST, "criteria.list", criteria_list, 1},
	{QUARTIER__V1__REQUEST__BODY_ASSESSMENT_CREATE, "assessment.create", assessment_create, 1},
	{QUARTIER__V1__REQUEST__BODY_ASSESSMENT_GET, "assessment.get", assessment_get, 1},
	{QUARTIER__V1__REQUEST__BODY_ASSESSMENT_LIST, "assessment.list", assessment_list, 1},
	{QUARTIER__V1__REQUEST__BODY_CONTINUATION_SET, "continuation.set", continuation_set, 1},
	{QUARTIER__V1__REQUEST__BODY_CONTINUATION_GET, "continuation.get", continuation_get, 1},
	{QUARTIER__V1__REQUEST__BODY_CONTINUATION_DUE, "continuation.due", continuation_due, 1},
	/* inter-office coordination (AGSP), meeting.c */
	{QUARTIER__V1__REQUEST__BODY_MEETING_CREATE, "meeting.create", meeting_create, 1},
	{QUARTIER__V1__REQUEST__BODY_MEETING_GET, "meeting.get", meeting_get, 1},
	{QUARTIER__V1__REQUEST__BODY_MEETING_LIST, "meeting.list", meeting_list, 1},
	{QUARTIER__V1__REQUEST__BODY_MEETING_UPDATE, "meeting.update", meeting_update, 1},
	{QUARTIER__V1__REQUEST__BODY_MEETING_TRANSITION, "meeting.transition", meeting_transition, 1},
	{QUARTIER__V1__REQUEST__BODY_AGENDA_PROPOSE, "agenda.propose", agenda_propose, 1},
	{QUARTIER__V1__REQUEST__BODY_AGENDA_SCHEDULE, "agenda.schedule", agenda_schedule, 1},
	{QUARTIER__V1__REQUEST__BODY_AGENDA_OUTCOME, "agenda.outcome", agenda_outcome, 1},
	{QUARTIER__V1__REQUEST__BODY_AGENDA_BACKLOG, "agenda.backlog", agenda_backlog, 1},
	{QUARTIER__V1__REQUEST__BODY_HANDOVER_UPDATE, "handover.update", handover_update, 1},
	{QUARTIER__V1__REQUEST__BODY_HANDOVER_LIST, "handover.list", handover_list, 1},
	/* coordinators' updates: goals, progress updates, annual report (goal.c, progress.c) */
	{QUARTIER__V1__REQUEST__BODY_GOAL_CREATE, "goal.create", goal_create, 1},
	{QUARTIER__V1__REQUEST__BODY_GOAL_CHANGE, "goal.change", goal_change, 1},
	{QUARTIER__V1__REQUEST__BODY_GOAL_ACCEPT, "goal.accept", goal_accept, 1},
	{QUARTIER__V1__REQUEST__BODY_GOAL_RETIRE, "goal.retire", goal_retire, 1},
	{QUARTIER__V1__REQUEST__BODY_GOAL_GET, "goal.get", goal_get, 1},
	{QUARTIER__V1__REQUEST__BODY_GOAL_LIST, "goal.list", goal_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PROGRESS_SUBMIT, "progress.submit", progress_submit, 1},
	{QUARTIER__V1__REQUEST__BODY_PROGRESS_REVISE, "progress.revise", progress_revise, 1},
	{QUARTIER__V1__REQUEST__BODY_PROGRESS_REVIEW, "progress.review", progress_review, 1},
	{QUARTIER__V1__REQUEST__BODY_PROGRESS_GET, "progress.get", progress_get, 1},
	{QUARTIER__V1__REQUEST__BODY_PROGRESS_LIST, "progress.list", progress_list, 1},
	{QUARTIER__V1__REQUEST__BODY_ANNUAL_REPORT, "report.annual", annual_report, 1},
	/* account administration and server statistics (account.c, admin.c) */
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_UPDATE, "account.update", account_update, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_RESET_PASSWORD, "account.reset_password",
	 account_reset_password, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_REVOKE_SESSIONS, "account.revoke_sessions",
	 account_revoke_sessions, 1},
	{QUARTIER__V1__REQUEST__BODY_ADMIN_STATS, "admin.stats", admin_stats, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_UNLOCK, "account.unlock", account_unlock, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_LOCKOUTS, "account.lockouts", account_lockouts, 1},
	/* sync: change feed, snapshot, live push, verification (sync.c, feed.c) */
	{QUARTIER__V1__REQUEST__BODY_SYNC_SNAPSHOT, "sync.snapshot", sync_snapshot, 1},
	{QUARTIER__V1__REQUEST__BODY_SYNC_PULL, "sync.pull", sync_pull, 1},
	{QUARTIER__V1__REQUEST__BODY_SYNC_SUBSCRIBE, "sync.subscribe", sync_subscribe, 1},
	{QUARTIER__V1__REQUEST__BODY_SYNC_UNSUBSCRIBE, "sync.unsubscribe", sync_unsubscribe, 1},
	{QUARTIER__V1__REQUEST__BODY_SYNC_VERIFY, "sync.verify", sync_verify, 1},
	/* personal data under the GDPR (gdpr.c) */
	{QUARTIER__V1__REQUEST__BODY_PERSON_EXPORT, "person.export", person_export, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_ERASE, "person.erase", person_erase, 1},
	/* the audit log's hash chain (audit.c) */
	{QUARTIER__V1__REQUEST__BODY_AUDIT_VERIFY, "audit.verify", audit_verify, 1},
};

void dispatch_request(conn_t *c, qt_envelope_t *env)
{
	req_t *r = req_new(c, env);

	if (r == NULL) {
		/* Without a request there is nothing to answer with. */
		envelope_free(env);
		conn_close(c, QT_RESOURCE_EXHAUSTED, "the server is short of memory");
		return;
	}
	dispatch_run(r);
}

void dispatch_run(req_t *r)
{
	const route_t *route = NULL;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].body == r->rq->body_case) {
			route = &routes[i];
			break;
		}
	}
	if (route == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown request type", "request.body");
		return;
	}
	r->type = route->name;
	if (route->needs_session) {
		if (!conn_authenticated(r->conn)) {
			req_fail(r, QT_UNAUTHENTICATED, "log in first (or the session has expired)", NULL);
			return;
		}
		r->actor = r->conn->actor;
		req_run_mutation(r, route->handler);
		return;
	}
	route->handler(r);
}
