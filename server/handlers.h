/* Request handlers, one group per domain file.  Each takes a request whose
 * authentication dispatch.c has already checked, and ends it with exactly
 * one answer (see request.h). */
#ifndef QUARTIERD_HANDLERS_H
#define QUARTIERD_HANDLERS_H

#include "request.h"

/* session.c */
void session_login(req_t *r);
void session_resume(req_t *r);
void session_logout(req_t *r);
void session_whoami(req_t *r);
/* Logs out every connection of this server that is logged in as
 * account_id (its sessions were revoked or the account disabled), so its
 * next request is answered STATUS_UNAUTHENTICATED; returns how many. */
unsigned session_unbind_account(server_t *srv, int64_t account_id);
/* How many connections of this server are logged in as account_id. */
unsigned session_count_account(const server_t *srv, int64_t account_id);
/* Gives the connections of this server logged in as a->id the account's
 * current role and scope (a is borrowed), after an admin changed them. */
void session_refresh_account(server_t *srv, const Quartier__V1__Account *a);
/* Logs c out if its account (with the role and scope it has now) may no
 * longer be logged in over c's client certificate (perm_cert_login()). */
void session_cert_recheck(conn_t *c);
/* Answers every login waiting out its delay with STATUS_UNAVAILABLE
 * (shutdown). */
void session_login_cancel_all(server_t *srv);
/* Called once a second (now: uv_now()): ends waiting logins whose
 * connection is gone, and now and then forgets login failures that no
 * longer count, in memory and in the database. */
void session_throttle_tick(server_t *srv, uint64_t now);

/* account.c */
void account_create(req_t *r);
void account_list(req_t *r);
void account_update(req_t *r);
void account_reset_password(req_t *r);
void account_revoke_sessions(req_t *r);
void account_unlock(req_t *r);
void account_lockouts(req_t *r);

/* admin.c */
void admin_stats(req_t *r);

/* reference.c */
void reference_list(req_t *r);
/* The one record id of the kind named by the request's reference_list body,
 * answered as a list of one (none if it does not exist); for sync.c. */
void reference_load(req_t *r, int64_t id);

/* project.c */
void project_create(req_t *r);
void project_get(req_t *r);
void project_list(req_t *r);
void project_update(req_t *r);
void project_transition(req_t *r);
/* Answers r with a project list of those of the n ids (borrowed) that
 * exist, in no particular order; for sync.c, which renders a page with
 * one such request per record type (the *_load_many below alike). */
void project_load_many(req_t *r, const int64_t *ids, size_t n);
/* The loop-turn handle that sends project_get's cache checks in batches:
 * set up with the server, closed when it stops. */
void project_checks_init(server_t *srv);
void project_checks_close(server_t *srv);

/* audit.c */
void audit_list(req_t *r);
/* Seals what can be sealed and verifies the audit log's hash chain (admins). */
void audit_verify(req_t *r);

/* person.c */
void person_create(req_t *r);
void person_get(req_t *r);
void person_list(req_t *r);
void person_update(req_t *r);
/* Persons of ids as r's actor sees them, as a person list (sync.c). */
void person_load_many(req_t *r, const int64_t *ids, size_t n);

/* gdpr.c: a person's data under the GDPR (admins) */
void person_export(req_t *r);
void person_erase(req_t *r);

/* support_group.c */
void membership_add(req_t *r);
void membership_end(req_t *r);
void group_members(req_t *r);
/* Memberships of ids as r's actor sees them, as group members (sync.c). */
void membership_load_many(req_t *r, const int64_t *ids, size_t n);

/* fund.c */
void fund_create(req_t *r);
void fund_get(req_t *r);
void fund_list(req_t *r);
/* Funds of ids (borrowed) with their totals, as a fund list (sync.c). */
void fund_load_many(req_t *r, const int64_t *ids, size_t n);
void fund_entry_add(req_t *r);
void fund_ledger(req_t *r);
/* Fund entries of ids (borrowed), of any funds, as a ledger with fund_id 0
 * (sync.c). */
void fund_entry_load_many(req_t *r, const int64_t *ids, size_t n);

/* assessment.c */
void criteria_list(req_t *r);
void assessment_create(req_t *r);
void assessment_get(req_t *r);
void assessment_list(req_t *r);
/* Assessments of ids (borrowed), each with its ratings and missing
 * criteria, as an assessment list (sync.c). */
void assessment_load_many(req_t *r, const int64_t *ids, size_t n);

/* continuation.c */
void continuation_set(req_t *r);
void continuation_get(req_t *r);
void continuation_due(req_t *r);

/* meeting.c: inter-office coordination (AGSP) */
void meeting_create(req_t *r);
void meeting_get(req_t *r);
void meeting_list(req_t *r);
void meeting_update(req_t *r);
void meeting_transition(req_t *r);
/* Agenda items of ids with their history, as an agenda list (sync.c). */
void agenda_item_load_many(req_t *r, const int64_t *ids, size_t n);
/* Hand-overs of ids (borrowed), as a hand-over list (sync.c). */
void handover_load_many(req_t *r, const int64_t *ids, size_t n);
void agenda_propose(req_t *r);
void agenda_schedule(req_t *r);
void agenda_outcome(req_t *r);
void agenda_backlog(req_t *r);
void handover_update(req_t *r);
void handover_list(req_t *r);

/* goal.c and progress.c: coordinators' updates (Zielsteuerung) */
void goal_create(req_t *r);
void goal_change(req_t *r);
void goal_accept(req_t *r);
void goal_retire(req_t *r);
void goal_get(req_t *r);
void goal_list(req_t *r);
/* Goals of ids (borrowed) with their history, as goal_get answers them,
 * as a goal list (sync.c). */
void goal_load_many(req_t *r, const int64_t *ids, size_t n);
void progress_submit(req_t *r);
void progress_revise(req_t *r);
void progress_review(req_t *r);
void progress_get(req_t *r);
void progress_list(req_t *r);
/* Updates of ids (borrowed) that r's actor may read, as a progress list
 * (sync.c). */
void progress_load_many(req_t *r, const int64_t *ids, size_t n);
void annual_report(req_t *r);

/* sync.c: the change feed, snapshots, live push, verification */
void sync_snapshot(req_t *r);
void sync_pull(req_t *r);
void sync_subscribe(req_t *r);
void sync_unsubscribe(req_t *r);
void sync_verify(req_t *r);

#endif
