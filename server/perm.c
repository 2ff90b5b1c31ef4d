/* The v1 permission matrix (see perm.h). */
#include "perm.h"

#include <string.h>

#include "lifecycle.h"

static int ids_contain(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

role_t perm_role_parse(const char *s)
{
	if (s == NULL) return ROLE_NONE;
	if (strcmp(s, "admin") == 0) return ROLE_ADMIN;
	if (strcmp(s, "office") == 0) return ROLE_OFFICE;
	if (strcmp(s, "coordinator") == 0) return ROLE_COORDINATOR;
	if (strcmp(s, "viewer") == 0) return ROLE_VIEWER;
	if (strcmp(s, "district_head") == 0) return ROLE_DISTRICT_HEAD;
	return ROLE_NONE;
}

const char *perm_role_name(role_t r)
{
	switch (r) {
	case ROLE_ADMIN: return "admin";
	case ROLE_OFFICE: return "office";
	case ROLE_COORDINATOR: return "coordinator";
	case ROLE_VIEWER: return "viewer";
	case ROLE_DISTRICT_HEAD: return "district_head";
	case ROLE_NONE: break;
	}
	return "none";
}

qt_status_t perm_registry_read(const actor_t *a)
{
	return a->role == ROLE_NONE ? QT_UNAUTHENTICATED : QT_OK;
}

static int leads(const actor_t *a, const perm_project_t *p)
{
	return a->role == ROLE_OFFICE && a->office_id > 0 &&
	       ids_contain(p->lead_office_ids, p->n_lead_office_ids, a->office_id);
}

static int coordinates(const actor_t *a, const perm_project_t *p)
{
	return a->role == ROLE_COORDINATOR &&
	       ids_contain(p->coordinator_ids, p->n_coordinator_ids, a->account_id);
}

/* Whether one of the project's quarters lies in the district the actor
 * heads. */
static int in_own_district(const actor_t *a, const perm_project_t *p)
{
	return a->role == ROLE_DISTRICT_HEAD && a->district_id > 0 &&
	       ids_contain(p->district_ids, p->n_district_ids, a->district_id);
}

qt_status_t perm_project_create(const actor_t *a, const int64_t *lead_office_ids,
                                size_t n)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		/* Office staff create projects that their own office leads. */
		return a->office_id > 0 && ids_contain(lead_office_ids, n, a->office_id)
		           ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_project_update(const actor_t *a, const perm_project_t *p,
                                const perm_change_t *ch)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		if (!leads(a, p))
			return QT_PERMISSION_DENIED;
		/* An office may not hand a project it leads to other offices
		 * alone: that would be a decision of the city-wide coordination. */
		if (ch->lead_office_ids_set &&
		    !ids_contain(ch->new_lead_office_ids, ch->n_new_lead_office_ids, a->office_id))
			return QT_PERMISSION_DENIED;
		return QT_OK;
	case ROLE_COORDINATOR:
		/* Kind, lead offices, carrier and coordinators are decisions of
		 * the city; the coordination edits the descriptive fields. */
		return coordinates(a, p) && !ch->structural ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_project_transition(const actor_t *a, const perm_project_t *p,
                                    int from, int to)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
		/* The coordination submits its application for assessment; all
		 * other steps are decisions of the offices. */
		return coordinates(a, p) && from == LIFECYCLE_APPLICATION &&
		               to == LIFECYCLE_ASSESSMENT
		           ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_admin(const actor_t *a)
{
	if (a->role == ROLE_NONE)
		return QT_UNAUTHENTICATED;
	return a->role == ROLE_ADMIN ? QT_OK : QT_PERMISSION_DENIED;
}

qt_status_t perm_cert_login(int64_t cert_office, const actor_t *a)
{
	if (cert_office == 0)
		return QT_OK;
	switch (a->role) {
	case ROLE_OFFICE:
		return cert_office > 0 && a->office_id == cert_office ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_ADMIN:
	case ROLE_COORDINATOR:
	case ROLE_VIEWER:
	case ROLE_DISTRICT_HEAD:
	case ROLE_NONE:
		return QT_PERMISSION_DENIED;
	}
	return QT_PERMISSION_DENIED;
}

/* ------------------------------------------------------------ people and support groups */

static int ids_intersect(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		if (ids_contain(b, nb, a[i]))
			return 1;
	return 0;
}

qt_status_t perm_person_contact(const actor_t *a, const perm_person_t *p)
{
	if (a->role == ROLE_NONE)
		return QT_UNAUTHENTICATED;
	if (a->role == ROLE_ADMIN)
		return QT_OK;
	/* A person linked to the account sees its own data. */
	if (p->account_id != 0 && p->account_id == a->account_id)
		return QT_OK;
	/* The lead office of a project keeps sight of the people who are or
	 * were in its support group. */
	if (a->role == ROLE_OFFICE && a->office_id > 0 &&
	    ids_contain(p->lead_office_ids, p->n_lead_office_ids, a->office_id))
		return QT_OK;
	/* Fellow members, whatever their role: both belong to one group today. */
	if (ids_intersect(p->group_ids, p->n_group_ids, p->actor_group_ids, p->n_actor_group_ids))
		return QT_OK;
	return QT_PERMISSION_DENIED;
}

qt_status_t perm_person_write(const actor_t *a, const perm_person_change_t *ch)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return ch->sets_account ? QT_PERMISSION_DENIED : QT_OK;
	case ROLE_COORDINATOR:
		/* Civic representatives are private persons: no office, no
		 * account; and only a coordination that has a group adds them. */
		return ch->create && !ch->sets_account && !ch->has_office && ch->coordinates_any
		           ? QT_OK
		           : QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_membership_manage(const actor_t *a, const perm_project_t *p)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
		/* The support group is the coordination's own. */
		return coordinates(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

/* ------------------------------------------------------------ quarter fund */

qt_status_t perm_fund_create(const actor_t *a, const perm_project_t *p)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_fund_book(const actor_t *a, const perm_project_t *p, int allocation)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
		/* The coordination administers the fund: grants, payouts and
		 * refunds; how much money the fund gets is the city's decision. */
		return coordinates(a, p) && !allocation ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

/* ------------------------------------------------------------ quality assessment and continuation */

qt_status_t perm_assessment_create(const actor_t *a, const perm_project_t *p)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
		/* The coordination's work is what is assessed. */
		return QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_continuation_set(const actor_t *a, const perm_project_t *p)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
		/* Working out a continuation strategy is a task of the
		 * coordination (chapter 9); it proposes the plan. */
		return coordinates(a, p) ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

int perm_continuation_agreed(const actor_t *a, const perm_project_t *p)
{
	return a->role == ROLE_ADMIN || leads(a, p);
}

/* ------------------------------------------------------------ inter-office coordination (AGSP) */

static qt_status_t perm_own_office(const actor_t *a, int64_t office_id)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		return a->office_id > 0 && a->office_id == office_id ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
	case ROLE_DISTRICT_HEAD:
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_meeting_create(const actor_t *a, int64_t organiser_office_id)
{
	/* An office organises its own meetings; the city-wide coordination
	 * (admins) organises on behalf of any office. */
	return perm_own_office(a, organiser_office_id);
}

qt_status_t perm_meeting_manage(const actor_t *a, int64_t organiser_office_id)
{
	return perm_own_office(a, organiser_office_id);
}

qt_status_t perm_agenda_propose(const actor_t *a, const perm_agenda_origin_t *o)
{
	switch (a->role) {
	case ROLE_ADMIN:
		return QT_OK;
	case ROLE_OFFICE:
		/* Top-down: topics of the own office. */
		return o->origin == PERM_ORIGIN_TOP_DOWN && a->office_id > 0 &&
		               o->office_id == a->office_id
		           ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_COORDINATOR:
		/* Bottom-up: suggestions from the quarters the coordination works in. */
		return o->origin == PERM_ORIGIN_BOTTOM_UP && o->project != NULL &&
		               coordinates(a, o->project)
		           ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_DISTRICT_HEAD:
		/* The district head brings in topics from the quarters of the
		 * district (member of the AGSP for the district): bottom-up,
		 * from a project of the district and, when a quarter is named,
		 * a quarter of the district. */
		return o->origin == PERM_ORIGIN_BOTTOM_UP && o->project != NULL &&
		               in_own_district(a, o->project) &&
		               (o->quarter_district_id == 0 ||
		                o->quarter_district_id == a->district_id)
		           ? QT_OK : QT_PERMISSION_DENIED;
	case ROLE_VIEWER:
		return QT_PERMISSION_DENIED;
	case ROLE_NONE:
		break;
	}
	return QT_UNAUTHENTICATED;
}

qt_status_t perm_handover_update(const actor_t *a, int64_t lead_office_id)
{
	/* The receiving (lead) office answers for the hand-over. */
	return perm_own_office(a, lead_office_id);
}

/* ------------------------------------------------------------ goals and progress updates
 *
 * Written without a switch over the roles, so that a role added later is
 * refused every write until these rules name it. */

qt_status_t perm_goal_set(const actor_t *a, const perm_project_t *p)
{
	if (a->role == ROLE_NONE)
		return QT_UNAUTHENTICATED;
	/* Goals count once the city side agrees (accepted, chapter 4). */
	return a->role == ROLE_ADMIN || leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
}

qt_status_t perm_goal_propose(const actor_t *a, const perm_project_t *p)
{
	if (a->role == ROLE_NONE)
		return QT_UNAUTHENTICATED;
	/* The coordination formulates the goals with the quarter and proposes
	 * them; adapting them during the project is part of it. */
	return a->role == ROLE_ADMIN || leads(a, p) || coordinates(a, p) ? QT_OK
	                                                                 : QT_PERMISSION_DENIED;
}

qt_status_t perm_goal_accept(const actor_t *a, const perm_project_t *p)
{
	return perm_goal_set(a, p);
}

qt_status_t perm_progress_submit(const actor_t *a, const perm_project_t *p)
{
	if (a->role == ROLE_NONE)
		return QT_UNAUTHENTICATED;
	return a->role == ROLE_ADMIN || coordinates(a, p) ? QT_OK : QT_PERMISSION_DENIED;
}

qt_status_t perm_progress_review(const actor_t *a, const perm_project_t *p, int own)
{
	if (a->role == ROLE_NONE)
		return QT_UNAUTHENTICATED;
	/* Nobody approves their own update, admins included. */
	if (own)
		return QT_PERMISSION_DENIED;
	return a->role == ROLE_ADMIN || leads(a, p) ? QT_OK : QT_PERMISSION_DENIED;
}

qt_status_t perm_progress_read(const actor_t *a, const perm_project_t *p, int approved)
{
	if (a->role == ROLE_NONE)
		return QT_UNAUTHENTICATED;
	/* Drafts of the report stay between the coordination and the lead
	 * office until the lead office approves them. */
	if (approved)
		return QT_OK;
	return a->role == ROLE_ADMIN || leads(a, p) || coordinates(a, p) ? QT_OK
	                                                                 : QT_PERMISSION_DENIED;
}
