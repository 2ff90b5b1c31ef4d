/* Unit tests of server/perm.c and server/lifecycle.c: the v1 permission
 * matrix (every role x relation to the project x action) and the
 * lifecycle transition table, both enumerated exhaustively. */
#include <criterion/criterion.h>
#include <string.h>

#include "lifecycle.h"
#include "perm.h"

/* ------------------------------------------------------------ permissions */

#define MY_ACCOUNT   100
#define MY_OFFICE    10
#define OTHER_OFFICE 11
#define MY_ORG       5

typedef enum {
	REL_OWN_OFFICE,  /* the project is led by the actor's office */
	REL_OWN_PROJECT, /* the actor is one of the project's coordinators */
	REL_NONE,        /* neither */
	REL_COUNT
} relation_t;

typedef enum {
	ACT_CREATE,             /* a project led by the relation's lead offices */
	ACT_UPDATE_DESCRIPTIVE, /* name, description, dates */
	ACT_UPDATE_STRUCTURAL,  /* kind, carrier, coordinators (lead offices unchanged) */
	ACT_TRANSITION,         /* application -> assessment */
	ACT_COUNT
} action_t;

static const char *const rel_names[] = {"own office", "own project", "none"};
static const char *const act_names[] = {"create", "update descriptive", "update structural",
                                        "transition"};

static const int64_t own_office_leads[] = {MY_OFFICE, OTHER_OFFICE};
static const int64_t other_leads[] = {OTHER_OFFICE};
static const int64_t own_coordinators[] = {200, MY_ACCOUNT};
static const int64_t other_coordinators[] = {200};

static perm_project_t project_for(relation_t rel)
{
	perm_project_t p;

	memset(&p, 0, sizeof(p));
	switch (rel) {
	case REL_OWN_OFFICE:
		p.lead_office_ids = own_office_leads;
		p.n_lead_office_ids = 2;
		p.coordinator_ids = other_coordinators;
		p.n_coordinator_ids = 1;
		break;
	case REL_OWN_PROJECT:
		p.lead_office_ids = other_leads;
		p.n_lead_office_ids = 1;
		p.coordinator_ids = own_coordinators;
		p.n_coordinator_ids = 2;
		break;
	default:
		p.lead_office_ids = other_leads;
		p.n_lead_office_ids = 1;
		p.coordinator_ids = other_coordinators;
		p.n_coordinator_ids = 1;
		break;
	}
	return p;
}

static actor_t actor_for(role_t role)
{
	actor_t a;

	memset(&a, 0, sizeof(a));
	a.account_id = MY_ACCOUNT;
	a.role = role;
	if (role == ROLE_OFFICE)
		a.office_id = MY_OFFICE;
	if (role == ROLE_COORDINATOR)
		a.organisation_id = MY_ORG;
	return a;
}

static qt_status_t run_action(const actor_t *a, relation_t rel, action_t act)
{
	perm_project_t p = project_for(rel);
	perm_change_t ch;

	memset(&ch, 0, sizeof(ch));
	switch (act) {
	case ACT_CREATE:
		return perm_project_create(a, p.lead_office_ids, p.n_lead_office_ids);
	case ACT_UPDATE_DESCRIPTIVE:
		return perm_project_update(a, &p, &ch);
	case ACT_UPDATE_STRUCTURAL:
		ch.structural = 1;
		return perm_project_update(a, &p, &ch);
	case ACT_TRANSITION:
		return perm_project_transition(a, &p, LIFECYCLE_APPLICATION, LIFECYCLE_ASSESSMENT);
	default:
		break;
	}
	cr_assert_fail("bad action");
	return QT_INTERNAL;
}

#define OK QT_OK
#define NO QT_PERMISSION_DENIED
#define UA QT_UNAUTHENTICATED

/* clang-format off */
/* expected[role][relation][action]; role index = role_t value. */
static const qt_status_t expected[5][REL_COUNT][ACT_COUNT] = {
	/*                 create descr struct transition */
	[ROLE_NONE] = {
		[REL_OWN_OFFICE] = {UA, UA, UA, UA},
		[REL_OWN_PROJECT] = {UA, UA, UA, UA},
		[REL_NONE] = {UA, UA, UA, UA},
	},
	[ROLE_ADMIN] = {
		[REL_OWN_OFFICE] = {OK, OK, OK, OK},
		[REL_OWN_PROJECT] = {OK, OK, OK, OK},
		[REL_NONE] = {OK, OK, OK, OK},
	},
	[ROLE_OFFICE] = {
		[REL_OWN_OFFICE] = {OK, OK, OK, OK},
		[REL_OWN_PROJECT] = {NO, NO, NO, NO}, /* coordinator lists do not matter for offices */
		[REL_NONE] = {NO, NO, NO, NO},
	},
	[ROLE_COORDINATOR] = {
		[REL_OWN_OFFICE] = {NO, NO, NO, NO},
		[REL_OWN_PROJECT] = {NO, OK, NO, OK},
		[REL_NONE] = {NO, NO, NO, NO},
	},
	[ROLE_VIEWER] = {
		[REL_OWN_OFFICE] = {NO, NO, NO, NO},
		[REL_OWN_PROJECT] = {NO, NO, NO, NO},
		[REL_NONE] = {NO, NO, NO, NO},
	},
};
/* clang-format on */

Test(perm, matrix)
{
	int checked = 0;

	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int rel = 0; rel < REL_COUNT; rel++) {
			for (int act = 0; act < ACT_COUNT; act++) {
				qt_status_t got = run_action(&a, (relation_t)rel, (action_t)act);
				qt_status_t want = expected[role][rel][act];
				cr_expect_eq(got, want, "%s / %s / %s: got %s, expected %s",
				             perm_role_name((role_t)role), rel_names[rel],
				             act_names[act], qt_status_name(got),
				             qt_status_name(want));
				checked++;
			}
		}
	}
	cr_assert_eq(checked, 5 * 3 * 4);
}

Test(perm, office_lead_office_changes)
{
	actor_t a = actor_for(ROLE_OFFICE);
	perm_project_t p = project_for(REL_OWN_OFFICE);
	perm_change_t ch;
	static const int64_t keeps_me[] = {OTHER_OFFICE, MY_OFFICE};
	static const int64_t drops_me[] = {OTHER_OFFICE};

	memset(&ch, 0, sizeof(ch));
	ch.structural = 1;
	ch.lead_office_ids_set = 1;
	ch.new_lead_office_ids = keeps_me;
	ch.n_new_lead_office_ids = 2;
	cr_assert_eq(perm_project_update(&a, &p, &ch), QT_OK);
	ch.new_lead_office_ids = drops_me;
	ch.n_new_lead_office_ids = 1;
	cr_assert_eq(perm_project_update(&a, &p, &ch), QT_PERMISSION_DENIED,
	             "an office may not hand its project to other offices alone");
	ch.new_lead_office_ids = NULL;
	ch.n_new_lead_office_ids = 0;
	cr_assert_eq(perm_project_update(&a, &p, &ch), QT_PERMISSION_DENIED);

	/* The admin may. */
	a = actor_for(ROLE_ADMIN);
	cr_assert_eq(perm_project_update(&a, &p, &ch), QT_OK);
	/* A coordinator changing lead offices of its own project may not. */
	a = actor_for(ROLE_COORDINATOR);
	p = project_for(REL_OWN_PROJECT);
	ch.new_lead_office_ids = keeps_me;
	ch.n_new_lead_office_ids = 2;
	cr_assert_eq(perm_project_update(&a, &p, &ch), QT_PERMISSION_DENIED);
}

Test(perm, office_without_office_id_leads_nothing)
{
	actor_t a = actor_for(ROLE_OFFICE);
	static const int64_t zero_lead[] = {0};
	perm_project_t p;
	perm_change_t ch;

	a.office_id = 0;
	memset(&p, 0, sizeof(p));
	memset(&ch, 0, sizeof(ch));
	p.lead_office_ids = zero_lead;
	p.n_lead_office_ids = 1;
	cr_assert_eq(perm_project_create(&a, zero_lead, 1), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_project_update(&a, &p, &ch), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_project_transition(&a, &p, LIFECYCLE_APPLICATION, LIFECYCLE_ASSESSMENT),
	             QT_PERMISSION_DENIED);
}

Test(perm, coordinator_transitions)
{
	/* A coordinator only submits its own application for assessment. */
	actor_t a = actor_for(ROLE_COORDINATOR);
	perm_project_t own = project_for(REL_OWN_PROJECT);

	for (int from = LIFECYCLE_APPLICATION; from <= LIFECYCLE_ENDED; from++) {
		for (int to = LIFECYCLE_APPLICATION; to <= LIFECYCLE_ENDED; to++) {
			qt_status_t want =
			    from == LIFECYCLE_APPLICATION && to == LIFECYCLE_ASSESSMENT
			        ? QT_OK
			        : QT_PERMISSION_DENIED;
			cr_expect_eq(perm_project_transition(&a, &own, from, to), want, "%s -> %s",
			             lifecycle_name(from), lifecycle_name(to));
		}
	}
	/* Offices that lead and admins may move along every step. */
	for (int role = ROLE_ADMIN; role <= ROLE_OFFICE; role++) {
		actor_t b = actor_for((role_t)role);
		perm_project_t p = project_for(REL_OWN_OFFICE);
		for (int from = LIFECYCLE_APPLICATION; from <= LIFECYCLE_ENDED; from++)
			for (int to = LIFECYCLE_APPLICATION; to <= LIFECYCLE_ENDED; to++)
				cr_expect_eq(perm_project_transition(&b, &p, from, to), QT_OK);
	}
}

Test(perm, read_and_admin)
{
	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		cr_expect_eq(perm_registry_read(&a), role == ROLE_NONE ? QT_UNAUTHENTICATED : QT_OK,
		             "read as %s", perm_role_name((role_t)role));
		cr_expect_eq(perm_admin(&a),
		             role == ROLE_NONE    ? QT_UNAUTHENTICATED
		             : role == ROLE_ADMIN ? QT_OK
		                                  : QT_PERMISSION_DENIED,
		             "admin as %s", perm_role_name((role_t)role));
	}
}

Test(perm, role_names)
{
	static const char *const names[] = {"admin", "office", "coordinator", "viewer"};

	for (int i = 0; i < 4; i++) {
		role_t r = perm_role_parse(names[i]);
		cr_assert_eq(r, (role_t)(i + 1));
		cr_assert_str_eq(perm_role_name(r), names[i]);
	}
	cr_assert_eq(perm_role_parse("Admin"), ROLE_NONE);
	cr_assert_eq(perm_role_parse(""), ROLE_NONE);
	cr_assert_eq(perm_role_parse(NULL), ROLE_NONE);
	cr_assert_eq(perm_role_parse("root"), ROLE_NONE);
	cr_assert_not_null(perm_role_name(ROLE_NONE));
}

/* ------------------------------------------------------------ lifecycle */

/* clang-format off */
/* allowed[from][to]: '.' refused, 'y' allowed, 'r' allowed only with a
 * reason.  Index 0 is LIFECYCLE_NONE (never valid). */
static const char *const lifecycle_table[8] = {
	/* to: N A S P R E C X   (none, application, assessment, approved,
	 *                        running, evaluation, continued, ended) */
	"........", /* from none */
	"..y....r", /* from application */
	".r.y...r", /* from assessment */
	"....y..r", /* from approved */
	".....y.r", /* from running */
	"....r.yr", /* from evaluation */
	".......r", /* from continued */
	"........", /* from ended */
};
/* clang-format on */

Test(lifecycle, table_8x8_with_and_without_reason)
{
	for (int from = 0; from < 8; from++) {
		for (int to = 0; to < 8; to++) {
			char rule = lifecycle_table[from][to];
			const char *no_reason = lifecycle_check(from, to, NULL);
			const char *empty_reason = lifecycle_check(from, to, "");
			const char *with_reason = lifecycle_check(from, to, "Mittel gestrichen");

			switch (rule) {
			case 'y':
				cr_expect_null(no_reason, "%d -> %d must be allowed: %s", from, to,
				               no_reason);
				cr_expect_null(with_reason, "%d -> %d with reason", from, to);
				break;
			case 'r':
				cr_expect_not_null(no_reason, "%d -> %d needs a reason", from, to);
				cr_expect_not_null(empty_reason,
				                   "%d -> %d: an empty reason is none", from, to);
				if (no_reason != NULL)
					cr_expect_not_null(strstr(no_reason, "reason"),
					                   "%d -> %d: \"%s\"", from, to, no_reason);
				cr_expect_null(with_reason, "%d -> %d with reason: %s", from, to,
				               with_reason);
				break;
			default:
				cr_expect_not_null(no_reason, "%d -> %d must be refused", from, to);
				cr_expect_not_null(with_reason,
				                   "%d -> %d must be refused with a reason too",
				                   from, to);
				if (no_reason != NULL)
					cr_expect_gt(strlen(no_reason), 10, "%d -> %d: say why",
					             from, to);
				break;
			}
		}
	}
}

Test(lifecycle, refusal_reasons)
{
	cr_assert_not_null(
	    strstr(lifecycle_check(LIFECYCLE_RUNNING, LIFECYCLE_RUNNING, "x"), "already"));
	cr_assert_not_null(
	    strstr(lifecycle_check(LIFECYCLE_ENDED, LIFECYCLE_RUNNING, "x"), "ended"));
	cr_assert_not_null(
	    strstr(lifecycle_check(LIFECYCLE_APPLICATION, LIFECYCLE_RUNNING, NULL), "application"));
	cr_assert_not_null(strstr(lifecycle_check(0, LIFECYCLE_RUNNING, NULL), "unknown"));
	cr_assert_not_null(strstr(lifecycle_check(LIFECYCLE_RUNNING, 8, NULL), "unknown"));
	cr_assert_not_null(strstr(lifecycle_check(-1, 1, NULL), "unknown"));
	cr_assert_not_null(
	    strstr(lifecycle_check(LIFECYCLE_RUNNING, LIFECYCLE_ENDED, NULL), "reason"));
}

Test(lifecycle, names_round_trip)
{
	static const char *const names[] = {NULL,      "application", "assessment", "approved",
	                                    "running", "evaluation",  "continued",  "ended"};

	for (int s = 1; s < 8; s++) {
		cr_assert_str_eq(lifecycle_name(s), names[s]);
		cr_assert_eq(lifecycle_parse(names[s]), (lifecycle_t)s);
	}
	cr_assert_null(lifecycle_name(0));
	cr_assert_null(lifecycle_name(8));
	cr_assert_null(lifecycle_name(-1));
	cr_assert_eq(lifecycle_parse("Running"), LIFECYCLE_NONE);
	cr_assert_eq(lifecycle_parse(""), LIFECYCLE_NONE);
	cr_assert_eq(lifecycle_parse(NULL), LIFECYCLE_NONE);
}
