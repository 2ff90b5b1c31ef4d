/* Permission decisions, v1 matrix.  Pure functions of the actor (from the
 * authenticated session, never from the request) and the record as stored;
 * the request handlers call them and the unit tests enumerate them.
 *
 *   admin        everything
 *   office       reads all; creates and edits projects its office leads
 *   coordinator  reads all; edits descriptive fields of the projects it
 *                coordinates and submits their applications for assessment
 *   district_head  (Bezirksvorsteher*in of district D) reads all;
 *                proposes bottom-up agenda items from projects in D
 *                (see the AGSP block); nothing else
 *   viewer       reads all
 *
 * Every decision names every role: a new role fails to compile (-Wswitch)
 * until each rule has decided about it.
 *
 * People and support groups: see the block further down.
 */
#ifndef QUARTIERD_PERM_H
#define QUARTIERD_PERM_H

#include <stddef.h>
#include <stdint.h>

#include "qt_status.h"

typedef enum {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1,
	ROLE_OFFICE = 2,
	ROLE_COORDINATOR = 3,
	ROLE_VIEWER = 4,
	ROLE_DISTRICT_HEAD = 5,
} role_t;

typedef struct actor {
	int64_t account_id;
	role_t role;
	int64_t office_id;        /* ROLE_OFFICE, else 0 */
	int64_t organisation_id;  /* ROLE_COORDINATOR, else 0 */
	int64_t district_id;      /* ROLE_DISTRICT_HEAD, else 0 */
} actor_t;

/* The parts of a stored project that permissions depend on (borrowed). */
typedef struct perm_project {
	const int64_t *lead_office_ids;
	size_t n_lead_office_ids;
	const int64_t *coordinator_ids;
	size_t n_coordinator_ids;
	const int64_t *district_ids;  /* districts of its quarters; only the agenda
	                               * proposal rule reads them */
	size_t n_district_ids;
} perm_project_t;

/* What an update touches. */
typedef struct perm_change {
	int structural;  /* kind, lead offices, coordinators or carrier */
	int lead_office_ids_set;
	const int64_t *new_lead_office_ids;  /* borrowed, when lead_office_ids_set */
	size_t n_new_lead_office_ids;
} perm_change_t;

/* Maps "admin", "office", ... to a role (ROLE_NONE if unknown) and back. */
role_t perm_role_parse(const char *s);
const char *perm_role_name(role_t r);

/* Reading the registry (projects, reference data, project audit). */
qt_status_t perm_registry_read(const actor_t *a);

/* Creating a project led by the given offices. */
qt_status_t perm_project_create(const actor_t *a, const int64_t *lead_office_ids,
                                size_t n);

/* Changing fields of an existing project. */
qt_status_t perm_project_update(const actor_t *a, const perm_project_t *p,
                                const perm_change_t *ch);

/* Moving a project from one lifecycle status to another (the transition
 * itself is checked by lifecycle_check()). */
qt_status_t perm_project_transition(const actor_t *a, const perm_project_t *p,
                                    int from, int to);

/* Account administration and the full audit log. */
qt_status_t perm_admin(const actor_t *a);

/* Who may be logged in over a connection with a client certificate (see
 * README, "Client certificates"): cert_office is the office the
 * certificate's OU names (0: the connection has no certificate; -1: the
 * OU names no office).  Without a certificate anyone may; with one, only
 * staff of that office (ROLE_OFFICE with that office_id) — a machine of
 * one office does not serve accounts of another, nor city-wide ones. */
qt_status_t perm_cert_login(int64_t cert_office, const actor_t *a);

/* ------------------------------------------------------------ people and support groups
 *
 *   persons      admin and office staff create and update them; a
 *                coordinator of at least one project creates private
 *                (civic) persons for its support groups: no office, no
 *                account.  Only admins link a person to an account,
 *                because that link grants sight of contact data.
 *   memberships  admin; office staff for projects their office leads;
 *                coordinators for the projects they coordinate.
 *   contact data admin; the person itself; staff of an office leading a
 *                project whose support group the person is or was in;
 *                fellow members (the actor's own person and this one are
 *                both members of one support group today).  Everyone
 *                else gets the person without email and phone.
 */

/* What the contact-data rule depends on (arrays borrowed). */
typedef struct perm_person {
	int64_t account_id;              /* the account that is this person, 0 if none */
	const int64_t *lead_office_ids;  /* offices leading a project whose support group
	                                  * the person is or was a member of */
	size_t n_lead_office_ids;
	const int64_t *group_ids;        /* projects whose group the person is in today */
	size_t n_group_ids;
	const int64_t *actor_group_ids;  /* the same for the actor's own person */
	size_t n_actor_group_ids;
} perm_person_t;

/* What a person create or update does. */
typedef struct perm_person_change {
	int create;          /* a new person (else an update) */
	int sets_account;    /* links or unlinks an account */
	int has_office;      /* the person will belong to an office */
	int coordinates_any; /* the actor coordinates at least one project */
} perm_person_change_t;

/* Whether the actor may see the person's email and phone. */
qt_status_t perm_person_contact(const actor_t *a, const perm_person_t *p);

/* Creating or updating a person. */
qt_status_t perm_person_write(const actor_t *a, const perm_person_change_t *ch);

/* Adding or ending memberships in the support group of project p. */
qt_status_t perm_membership_manage(const actor_t *a, const perm_project_t *p);

/* ------------------------------------------------------------ quarter fund (Quartiersfonds)
 *
 *   create a fund  admin; staff of an office leading the fund's project
 *   book entries   admin; staff of a lead office: every kind; the
 *                  project's coordinators administer the fund (chapter 8):
 *                  commitments, payouts, refunds and corrections of those,
 *                  but no allocations and no corrections of allocations,
 *                  because allocating money is a decision of the city
 *   read           everyone logged in (perm_registry_read())
 */

/* Creating a fund for project p (or one of its quarters). */
qt_status_t perm_fund_create(const actor_t *a, const perm_project_t *p);

/* Booking an entry in a fund of project p; allocation is non-zero for an
 * allocation or a correction of one. */
qt_status_t perm_fund_book(const actor_t *a, const perm_project_t *p, int allocation);

/* ------------------------------------------------------------ quality assessment and continuation
 *
 *   assess a project   admin; staff of an office leading the project.  The
 *                      coordination is what is assessed: coordinators do
 *                      not assess, nor do viewers.
 *   continuation plan  admin; staff of a lead office; the project's
 *                      coordinators, whose plan is a proposal until an
 *                      admin or the lead office sets it (agreed)
 *   read both          everyone logged in (perm_registry_read())
 */

/* Recording an assessment of project p. */
qt_status_t perm_assessment_create(const actor_t *a, const perm_project_t *p);

/* Setting the continuation plan of project p. */
qt_status_t perm_continuation_set(const actor_t *a, const perm_project_t *p);

/* Whether a plan this actor may set counts as agreed (1) or as the
 * coordination's proposal (0). */
int perm_continuation_agreed(const actor_t *a, const perm_project_t *p);

/* ------------------------------------------------------------ inter-office coordination (AGSP)
 *
 *   meetings     admin; office staff create meetings their office
 *                organises and manage them (update, lifecycle, agenda
 *                order, outcomes).  Everyone logged in reads them.
 *   agenda items admin; office staff propose top-down items of their
 *                own office; coordinators propose bottom-up items of
 *                projects they coordinate; district heads bottom-up items
 *                of projects in their district (a quarter of the project
 *                lies in it, and so does the origin quarter if named).
 *   hand-overs   admin; staff of the lead office acknowledge them and
 *                report them done or declined.  Everyone logged in reads
 *                them (a coordinator follows those of its projects).
 */

#define PERM_ORIGIN_BOTTOM_UP 1 /* = AGENDA_ORIGIN_BOTTOM_UP on the wire */
#define PERM_ORIGIN_TOP_DOWN  2 /* = AGENDA_ORIGIN_TOP_DOWN */

/* Where a proposed agenda item comes from (project borrowed). */
typedef struct perm_agenda_origin {
	int origin;                    /* PERM_ORIGIN_* */
	int64_t office_id;             /* top-down: the proposing office */
	const perm_project_t *project; /* bottom-up: the origin project as stored */
	int64_t quarter_district_id;   /* bottom-up: district of the origin quarter,
	                                * 0 if no quarter is named */
} perm_agenda_origin_t;

/* Creating a meeting organised by the given office. */
qt_status_t perm_meeting_create(const actor_t *a, int64_t organiser_office_id);

/* Changing a meeting, its lifecycle, its agenda order or its outcomes. */
qt_status_t perm_meeting_manage(const actor_t *a, int64_t organiser_office_id);

/* Proposing an agenda item. */
qt_status_t perm_agenda_propose(const actor_t *a, const perm_agenda_origin_t *o);

/* Acknowledging a hand-over or reporting it done or declined. */
qt_status_t perm_handover_update(const actor_t *a, int64_t lead_office_id);


/* ------------------------------------------------------------ goals and progress updates (Zielsteuerung)
 *
 *   set a goal        admin; staff of a lead office: the version counts at
 *                     once (accepted)
 *   propose a goal    admin; staff of a lead office; the project's
 *                     coordinators (new goals and changes), accepted later
 *   accept, retire    admin; staff of a lead office
 *   submit, revise    admin; the project's coordinators: reporting on
 *                     the goals is the coordination's task (chapter 4)
 *   review            admin; staff of a lead office; never an update the
 *                     actor submitted or revised (checked again in SQL)
 *   read              goals, approved updates and annual reports: everyone
 *                     logged in; submitted and returned updates: admin,
 *                     staff of a lead office, the project's coordinators
 * Other roles are refused every write.
 */

/* Setting a goal of project p directly (new or changed, accepted at once). */
qt_status_t perm_goal_set(const actor_t *a, const perm_project_t *p);

/* Proposing a new goal of project p or a change of one. */
qt_status_t perm_goal_propose(const actor_t *a, const perm_project_t *p);

/* Accepting a proposed goal version of project p, or retiring a goal. */
qt_status_t perm_goal_accept(const actor_t *a, const perm_project_t *p);

/* Submitting a progress update for project p, or revising a returned one. */
qt_status_t perm_progress_submit(const actor_t *a, const perm_project_t *p);

/* Approving or returning an update of project p; own is non-zero if the
 * actor submitted or revised it. */
qt_status_t perm_progress_review(const actor_t *a, const perm_project_t *p, int own);

/* Reading an update of project p; approved is non-zero for approved ones. */
qt_status_t perm_progress_read(const actor_t *a, const perm_project_t *p, int approved);

#endif
