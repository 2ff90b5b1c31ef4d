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

/* ------------------------------------------------------------ people and support groups */

/* How a person relates to the actor, for the contact-data rule. */
typedef enum {
	PREL_SELF,          /* the person is linked to the actor's account */
	PREL_LEAD_OFFICE,   /* the actor's office leads a project the person is or was in */
	PREL_FELLOW,        /* both are members of one group today */
	PREL_FORMER_FELLOW, /* they share a group, but the person is no member today */
	PREL_OTHER_GROUP,   /* both are members today, of different groups */
	PREL_NONE,          /* nothing in common */
	PREL_COUNT
} person_rel_t;

static const char *const prel_names[] = {"self",          "lead office", "fellow member",
                                         "former fellow", "other group", "none"};

static const int64_t p_my_leads[] = {OTHER_OFFICE, MY_OFFICE};
static const int64_t p_other_leads[] = {OTHER_OFFICE};
static const int64_t p_groups_shared[] = {7, 9};
static const int64_t p_groups_other[] = {8};
static const int64_t actor_groups[] = {3, 9};

static perm_person_t person_for(person_rel_t rel)
{
	perm_person_t p;

	memset(&p, 0, sizeof(p));
	p.account_id = 300;
	p.lead_office_ids = p_other_leads;
	p.n_lead_office_ids = 1;
	p.actor_group_ids = actor_groups;
	p.n_actor_group_ids = 2;
	switch (rel) {
	case PREL_SELF:
		p.account_id = MY_ACCOUNT;
		break;
	case PREL_LEAD_OFFICE:
		p.lead_office_ids = p_my_leads;
		p.n_lead_office_ids = 2;
		break;
	case PREL_FELLOW:
		p.group_ids = p_groups_shared;
		p.n_group_ids = 2;
		break;
	case PREL_FORMER_FELLOW:
		/* Was in group 9 (so its lead offices are listed), is in none. */
		break;
	case PREL_OTHER_GROUP:
		p.group_ids = p_groups_other;
		p.n_group_ids = 1;
		break;
	default:
		p.account_id = 0;
		break;
	}
	return p;
}

/* clang-format off */
static const qt_status_t contact_expected[5][PREL_COUNT] = {
	/*                 self lead fellow former other none */
	[ROLE_NONE]        = {UA, UA, UA, UA, UA, UA},
	[ROLE_ADMIN]       = {OK, OK, OK, OK, OK, OK},
	[ROLE_OFFICE]      = {OK, OK, OK, NO, NO, NO},
	[ROLE_COORDINATOR] = {OK, NO, OK, NO, NO, NO}, /* lead offices matter only for offices */
	[ROLE_VIEWER]      = {OK, NO, OK, NO, NO, NO},
};
/* clang-format on */

Test(perm, person_contact_matrix)
{
	int checked = 0;

	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int rel = 0; rel < PREL_COUNT; rel++) {
			perm_person_t p = person_for((person_rel_t)rel);
			qt_status_t got = perm_person_contact(&a, &p);
			cr_expect_eq(got, contact_expected[role][rel],
			             "%s / %s: got %s, expected %s", perm_role_name((role_t)role),
			             prel_names[rel], qt_status_name(got),
			             qt_status_name(contact_expected[role][rel]));
			checked++;
		}
	}
	cr_assert_eq(checked, 5 * PREL_COUNT);
}

Test(perm, person_contact_edge_cases)
{
	actor_t a = actor_for(ROLE_VIEWER);
	perm_person_t p = person_for(PREL_NONE);

	/* An actor with no person of its own shares no group. */
	p.group_ids = p_groups_shared;
	p.n_group_ids = 2;
	p.actor_group_ids = NULL;
	p.n_actor_group_ids = 0;
	cr_assert_eq(perm_person_contact(&a, &p), QT_PERMISSION_DENIED);
	/* A person without account is nobody's self, not even account 0's. */
	a.account_id = 0;
	p.account_id = 0;
	cr_assert_eq(perm_person_contact(&a, &p), QT_PERMISSION_DENIED);
	/* Office staff without an office lead nothing. */
	a = actor_for(ROLE_OFFICE);
	a.office_id = 0;
	{
		static const int64_t zero[] = {0};
		p.lead_office_ids = zero;
		p.n_lead_office_ids = 1;
		cr_assert_eq(perm_person_contact(&a, &p), QT_PERMISSION_DENIED);
	}
}

typedef enum {
	PW_CREATE_PLAIN,        /* a person without office or account */
	PW_CREATE_WITH_OFFICE,  /* office staff */
	PW_CREATE_WITH_ACCOUNT, /* linked to an account */
	PW_UPDATE_PLAIN,
	PW_UPDATE_ACCOUNT, /* links or unlinks an account */
	PW_COUNT
} person_write_t;

static const char *const pw_names[] = {"create plain", "create with office", "create with account",
                                       "update", "update account"};

static perm_person_change_t person_change_for(person_write_t w, int coordinates_any)
{
	perm_person_change_t ch;

	memset(&ch, 0, sizeof(ch));
	ch.create = w <= PW_CREATE_WITH_ACCOUNT;
	ch.has_office = w == PW_CREATE_WITH_OFFICE;
	ch.sets_account = w == PW_CREATE_WITH_ACCOUNT || w == PW_UPDATE_ACCOUNT;
	ch.coordinates_any = coordinates_any;
	return ch;
}

/* clang-format off */
/* [role][coordinates any project][write] */
static const qt_status_t person_write_expected[5][2][PW_COUNT] = {
	[ROLE_NONE]        = {{UA, UA, UA, UA, UA}, {UA, UA, UA, UA, UA}},
	[ROLE_ADMIN]       = {{OK, OK, OK, OK, OK}, {OK, OK, OK, OK, OK}},
	[ROLE_OFFICE]      = {{OK, OK, NO, OK, NO}, {OK, OK, NO, OK, NO}},
	[ROLE_COORDINATOR] = {{NO, NO, NO, NO, NO}, {OK, NO, NO, NO, NO}},
	[ROLE_VIEWER]      = {{NO, NO, NO, NO, NO}, {NO, NO, NO, NO, NO}},
};
/* clang-format on */

Test(perm, person_write_matrix)
{
	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int any = 0; any < 2; any++) {
			for (int w = 0; w < PW_COUNT; w++) {
				perm_person_change_t ch = person_change_for((person_write_t)w, any);
				qt_status_t got = perm_person_write(&a, &ch);
				qt_status_t want = person_write_expected[role][any][w];
				cr_expect_eq(got, want, "%s / %s / %s: got %s, expected %s",
				             perm_role_name((role_t)role),
				             any ? "coordinates a project" : "coordinates none",
				             pw_names[w], qt_status_name(got),
				             qt_status_name(want));
			}
		}
	}
}

/* clang-format off */
/* Managing memberships: [role][relation to the project]. */
static const qt_status_t membership_expected[5][REL_COUNT] = {
	/*                 own office own project none */
	[ROLE_NONE]        = {UA, UA, UA},
	[ROLE_ADMIN]       = {OK, OK, OK},
	[ROLE_OFFICE]      = {OK, NO, NO},
	[ROLE_COORDINATOR] = {NO, OK, NO},
	[ROLE_VIEWER]      = {NO, NO, NO},
};
/* clang-format on */

Test(perm, membership_manage_matrix)
{
	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int rel = 0; rel < REL_COUNT; rel++) {
			perm_project_t p = project_for((relation_t)rel);
			qt_status_t got = perm_membership_manage(&a, &p);
			cr_expect_eq(got, membership_expected[role][rel], "%s / %s: got %s",
			             perm_role_name((role_t)role), rel_names[rel],
			             qt_status_name(got));
		}
	}
}

/* ------------------------------------------------------------ quarter fund */

/* clang-format off */
/* Creating a fund: [role][relation to the fund's project]. */
static const qt_status_t fund_create_expected[5][REL_COUNT] = {
	/*                 own office own project none */
	[ROLE_NONE]        = {UA, UA, UA},
	[ROLE_ADMIN]       = {OK, OK, OK},
	[ROLE_OFFICE]      = {OK, NO, NO},
	[ROLE_COORDINATOR] = {NO, NO, NO},
	[ROLE_VIEWER]      = {NO, NO, NO},
};

/* Booking: [role][relation][0: commitment, payout, refund or a correction
 * of one; 1: an allocation or a correction of one]. */
static const qt_status_t fund_book_expected[5][REL_COUNT][2] = {
	/*                  own office  own project  none */
	[ROLE_NONE]        = {{UA, UA}, {UA, UA}, {UA, UA}},
	[ROLE_ADMIN]       = {{OK, OK}, {OK, OK}, {OK, OK}},
	[ROLE_OFFICE]      = {{OK, OK}, {NO, NO}, {NO, NO}},
	[ROLE_COORDINATOR] = {{NO, NO}, {OK, NO}, {NO, NO}},
	[ROLE_VIEWER]      = {{NO, NO}, {NO, NO}, {NO, NO}},
};
/* clang-format on */

Test(perm, fund_matrix)
{
	int checked = 0;

	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int rel = 0; rel < REL_COUNT; rel++) {
			perm_project_t p = project_for((relation_t)rel);
			qt_status_t got = perm_fund_create(&a, &p);

			cr_expect_eq(got, fund_create_expected[role][rel], "%s / %s / create: got %s",
			             perm_role_name((role_t)role), rel_names[rel], qt_status_name(got));
			checked++;
			for (int alloc = 0; alloc < 2; alloc++) {
				got = perm_fund_book(&a, &p, alloc);
				cr_expect_eq(got, fund_book_expected[role][rel][alloc],
				             "%s / %s / book %s: got %s", perm_role_name((role_t)role),
				             rel_names[rel], alloc ? "allocation" : "grant entry",
				             qt_status_name(got));
				checked++;
			}
		}
	}
	cr_assert_eq(checked, 5 * 3 * 3);
}

Test(perm, fund_office_without_office_id_books_nothing)
{
	actor_t a = actor_for(ROLE_OFFICE);
	perm_project_t p = project_for(REL_OWN_OFFICE);

	/* An office account whose office is unknown (0) leads nothing. */
	a.office_id = 0;
	cr_expect_eq(perm_fund_create(&a, &p), QT_PERMISSION_DENIED);
	cr_expect_eq(perm_fund_book(&a, &p, 0), QT_PERMISSION_DENIED);
	cr_expect_eq(perm_fund_book(&a, &p, 1), QT_PERMISSION_DENIED);
}

/* ------------------------------------------------------------ quality assessment and continuation */

/* clang-format off */
/* [role][relation to the project]: recording an assessment, setting the
 * continuation plan, and whether that plan counts as agreed. */
static const qt_status_t assessment_expected[5][REL_COUNT] = {
	/*                 own office own project none */
	[ROLE_NONE]        = {UA, UA, UA},
	[ROLE_ADMIN]       = {OK, OK, OK},
	[ROLE_OFFICE]      = {OK, NO, NO},
	[ROLE_COORDINATOR] = {NO, NO, NO},
	[ROLE_VIEWER]      = {NO, NO, NO},
};
static const qt_status_t continuation_expected[5][REL_COUNT] = {
	[ROLE_NONE]        = {UA, UA, UA},
	[ROLE_ADMIN]       = {OK, OK, OK},
	[ROLE_OFFICE]      = {OK, NO, NO},
	[ROLE_COORDINATOR] = {NO, OK, NO},
	[ROLE_VIEWER]      = {NO, NO, NO},
};
static const int continuation_agreed_expected[5][REL_COUNT] = {
	[ROLE_NONE]        = {0, 0, 0},
	[ROLE_ADMIN]       = {1, 1, 1},
	[ROLE_OFFICE]      = {1, 0, 0},
	[ROLE_COORDINATOR] = {0, 0, 0},
	[ROLE_VIEWER]      = {0, 0, 0},
};
/* clang-format on */

Test(perm, assessment_and_continuation_matrix)
{
	int checked = 0;

	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int rel = 0; rel < REL_COUNT; rel++) {
			perm_project_t p = project_for((relation_t)rel);
			qt_status_t got = perm_assessment_create(&a, &p);

			cr_expect_eq(got, assessment_expected[role][rel], "%s / %s / assess: got %s",
			             perm_role_name((role_t)role), rel_names[rel], qt_status_name(got));
			got = perm_continuation_set(&a, &p);
			cr_expect_eq(got, continuation_expected[role][rel],
			             "%s / %s / continuation: got %s", perm_role_name((role_t)role),
			             rel_names[rel], qt_status_name(got));
			cr_expect_eq(perm_continuation_agreed(&a, &p),
			             continuation_agreed_expected[role][rel], "%s / %s / agreed",
			             perm_role_name((role_t)role), rel_names[rel]);
			/* Whoever may set a plan and is not agreed proposes. */
			if (got == QT_OK && !continuation_agreed_expected[role][rel])
				cr_expect_eq(role, ROLE_COORDINATOR);
			checked += 3;
		}
	}
	cr_assert_eq(checked, 5 * 3 * 3);
}

Test(perm, assessment_office_without_office_id_assesses_nothing)
{
	actor_t a = actor_for(ROLE_OFFICE);
	perm_project_t p = project_for(REL_OWN_OFFICE);

	a.office_id = 0;
	cr_expect_eq(perm_assessment_create(&a, &p), QT_PERMISSION_DENIED);
	cr_expect_eq(perm_continuation_set(&a, &p), QT_PERMISSION_DENIED);
	cr_expect_eq(perm_continuation_agreed(&a, &p), 0);
}

/* ------------------------------------------------------------ inter-office coordination (AGSP) */

/* The organiser of a meeting, the lead office of a hand-over, the office a
 * top-down item comes from: the actor's own office or another one. */
typedef enum {
	AGSP_OWN_OFFICE,
	AGSP_OTHER_OFFICE,
	AGSP_REL_COUNT
} agsp_rel_t;

static const char *const agsp_rel_names[] = {"own office", "other office"};

static int64_t agsp_office(agsp_rel_t rel)
{
	return rel == AGSP_OWN_OFFICE ? MY_OFFICE : OTHER_OFFICE;
}

/* clang-format off */
/* Creating, managing (update, lifecycle, agenda order, outcomes) a meeting
 * and answering for a hand-over share one rule: [role][relation]. */
static const qt_status_t agsp_office_expected[5][AGSP_REL_COUNT] = {
	/*                 own other */
	[ROLE_NONE]        = {UA, UA},
	[ROLE_ADMIN]       = {OK, OK},
	[ROLE_OFFICE]      = {OK, NO},
	[ROLE_COORDINATOR] = {NO, NO},
	[ROLE_VIEWER]      = {NO, NO},
};
/* clang-format on */

Test(perm, meeting_and_handover_matrix)
{
	static const char *const what[] = {"meeting create", "meeting manage", "handover update"};

	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int rel = 0; rel < AGSP_REL_COUNT; rel++) {
			int64_t office = agsp_office((agsp_rel_t)rel);
			qt_status_t got[3] = {
				perm_meeting_create(&a, office),
				perm_meeting_manage(&a, office),
				perm_handover_update(&a, office),
			};
			for (int w = 0; w < 3; w++)
				cr_expect_eq(got[w], agsp_office_expected[role][rel],
				             "%s / %s / %s: got %s", what[w],
				             perm_role_name((role_t)role), agsp_rel_names[rel],
				             qt_status_name(got[w]));
		}
	}
}

typedef enum {
	AP_BOTTOM_UP_OWN_PROJECT,   /* from a project the actor coordinates */
	AP_BOTTOM_UP_LED_PROJECT,   /* from a project the actor's office leads */
	AP_BOTTOM_UP_OTHER_PROJECT, /* from neither */
	AP_TOP_DOWN_OWN_OFFICE,
	AP_TOP_DOWN_OTHER_OFFICE,
	AP_COUNT
} agenda_propose_t;

static const char *const ap_names[] = {"bottom-up own project", "bottom-up led project",
                                       "bottom-up other project", "top-down own office",
                                       "top-down other office"};

/* clang-format off */
static const qt_status_t agenda_propose_expected[5][AP_COUNT] = {
	/*                 own  led  other own-off other-off */
	[ROLE_NONE]        = {UA, UA, UA, UA, UA},
	[ROLE_ADMIN]       = {OK, OK, OK, OK, OK},
	[ROLE_OFFICE]      = {NO, NO, NO, OK, NO}, /* offices propose top-down */
	[ROLE_COORDINATOR] = {OK, NO, NO, NO, NO}, /* coordinations bottom-up, own projects */
	[ROLE_VIEWER]      = {NO, NO, NO, NO, NO},
};
/* clang-format on */

Test(perm, agenda_propose_matrix)
{
	for (int role = ROLE_NONE; role <= ROLE_VIEWER; role++) {
		actor_t a = actor_for((role_t)role);
		for (int w = 0; w < AP_COUNT; w++) {
			perm_project_t p;
			perm_agenda_origin_t o;
			qt_status_t got;

			memset(&o, 0, sizeof(o));
			switch ((agenda_propose_t)w) {
			case AP_BOTTOM_UP_OWN_PROJECT: p = project_for(REL_OWN_PROJECT); break;
			case AP_BOTTOM_UP_LED_PROJECT: p = project_for(REL_OWN_OFFICE); break;
			default: p = project_for(REL_NONE); break;
			}
			if (w <= AP_BOTTOM_UP_OTHER_PROJECT) {
				o.origin = PERM_ORIGIN_BOTTOM_UP;
				o.project = &p;
			} else {
				o.origin = PERM_ORIGIN_TOP_DOWN;
				o.office_id = w == AP_TOP_DOWN_OWN_OFFICE ? MY_OFFICE : OTHER_OFFICE;
			}
			got = perm_agenda_propose(&a, &o);
			cr_expect_eq(got, agenda_propose_expected[role][w], "%s / %s: got %s",
			             perm_role_name((role_t)role), ap_names[w], qt_status_name(got));
		}
	}
}

Test(perm, agsp_edge_cases)
{
	actor_t a = actor_for(ROLE_OFFICE);
	perm_agenda_origin_t o;

	/* Office staff without an office organise and answer for nothing,
	 * not even for "office 0". */
	a.office_id = 0;
	cr_assert_eq(perm_meeting_create(&a, 0), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_meeting_manage(&a, 0), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_handover_update(&a, 0), QT_PERMISSION_DENIED);
	memset(&o, 0, sizeof(o));
	o.origin = PERM_ORIGIN_TOP_DOWN;
	cr_assert_eq(perm_agenda_propose(&a, &o), QT_PERMISSION_DENIED);
	/* A bottom-up proposal without its project is nobody's but an admin's. */
	a = actor_for(ROLE_COORDINATOR);
	o.origin = PERM_ORIGIN_BOTTOM_UP;
	o.project = NULL;
	cr_assert_eq(perm_agenda_propose(&a, &o), QT_PERMISSION_DENIED);
	/* An unknown origin is refused for everyone but admins. */
	o.origin = 0;
	cr_assert_eq(perm_agenda_propose(&a, &o), QT_PERMISSION_DENIED);
	a = actor_for(ROLE_OFFICE);
	o.office_id = MY_OFFICE;
	cr_assert_eq(perm_agenda_propose(&a, &o), QT_PERMISSION_DENIED);
}

/* ------------------------------------------------------------ district heads (Bezirksvorsteher*innen) */

#define MY_DISTRICT    4
#define OTHER_DISTRICT 2

static const int64_t dh_in_my_district[] = {MY_DISTRICT};
static const int64_t dh_in_other_district[] = {OTHER_DISTRICT};
static const int64_t dh_in_both[] = {OTHER_DISTRICT, MY_DISTRICT};

static actor_t district_head(void)
{
	actor_t a;

	memset(&a, 0, sizeof(a));
	a.account_id = MY_ACCOUNT;
	a.role = ROLE_DISTRICT_HEAD;
	a.district_id = MY_DISTRICT;
	return a;
}

/* A project of relation rel (as for the other roles) whose quarters lie in
 * the districts given. */
static perm_project_t project_in(relation_t rel, const int64_t *districts, size_t n)
{
	perm_project_t p = project_for(rel);

	p.district_ids = districts;
	p.n_district_ids = n;
	return p;
}

Test(perm, district_head_role_name)
{
	cr_assert_eq(perm_role_parse("district_head"), ROLE_DISTRICT_HEAD);
	cr_assert_str_eq(perm_role_name(ROLE_DISTRICT_HEAD), "district_head");
	cr_assert_eq(perm_role_parse("district-head"), ROLE_NONE);
	cr_assert_eq(perm_role_parse("District_Head"), ROLE_NONE);
}

Test(perm, district_head_reads_but_writes_nothing)
{
	actor_t a = district_head();
	static const int64_t all_offices[] = {MY_OFFICE, OTHER_OFFICE, 0};
	int checked = 0;

	cr_assert_eq(perm_registry_read(&a), QT_OK);
	cr_assert_eq(perm_admin(&a), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_project_create(&a, all_offices, 3), QT_PERMISSION_DENIED);
	/* Not even projects of the own district: heading a district is no
	 * lead office, no coordination. */
	for (int rel = 0; rel < REL_COUNT; rel++) {
		for (int where = 0; where < 3; where++) {
			const int64_t *d = where == 0 ? dh_in_my_district
			                   : where == 1 ? dh_in_other_district : dh_in_both;
			perm_project_t p = project_in((relation_t)rel, d, where == 2 ? 2 : 1);
			perm_change_t ch;

			memset(&ch, 0, sizeof(ch));
			cr_expect_eq(perm_project_update(&a, &p, &ch), QT_PERMISSION_DENIED);
			ch.structural = 1;
			cr_expect_eq(perm_project_update(&a, &p, &ch), QT_PERMISSION_DENIED);
			for (int from = LIFECYCLE_APPLICATION; from <= LIFECYCLE_ENDED; from++)
				for (int to = LIFECYCLE_APPLICATION; to <= LIFECYCLE_ENDED; to++)
					cr_expect_eq(perm_project_transition(&a, &p, from, to),
					             QT_PERMISSION_DENIED);
			cr_expect_eq(perm_membership_manage(&a, &p), QT_PERMISSION_DENIED);
			cr_expect_eq(perm_fund_create(&a, &p), QT_PERMISSION_DENIED);
			cr_expect_eq(perm_fund_book(&a, &p, 0), QT_PERMISSION_DENIED);
			cr_expect_eq(perm_fund_book(&a, &p, 1), QT_PERMISSION_DENIED);
			cr_expect_eq(perm_assessment_create(&a, &p), QT_PERMISSION_DENIED);
			cr_expect_eq(perm_continuation_set(&a, &p), QT_PERMISSION_DENIED);
			cr_expect_eq(perm_continuation_agreed(&a, &p), 0);
			checked++;
		}
	}
	for (int w = 0; w < PW_COUNT; w++) {
		for (int any = 0; any < 2; any++) {
			perm_person_change_t ch = person_change_for((person_write_t)w, any);
			cr_expect_eq(perm_person_write(&a, &ch), QT_PERMISSION_DENIED, "%s", pw_names[w]);
		}
	}
	for (size_t i = 0; i < 3; i++) {
		cr_expect_eq(perm_meeting_create(&a, all_offices[i]), QT_PERMISSION_DENIED);
		cr_expect_eq(perm_meeting_manage(&a, all_offices[i]), QT_PERMISSION_DENIED);
		cr_expect_eq(perm_handover_update(&a, all_offices[i]), QT_PERMISSION_DENIED);
	}
	cr_assert_eq(checked, REL_COUNT * 3);
}

/* Where a proposed agenda item comes from, seen from district MY_DISTRICT. */
typedef enum {
	DP_OWN_DISTRICT,              /* bottom-up, the project lies in the district */
	DP_OWN_DISTRICT_OWN_QUARTER,  /* ... naming a quarter of the district */
	DP_OWN_DISTRICT_FOREIGN_QUARTER, /* ... naming a quarter of another district */
	DP_BOTH_DISTRICTS,            /* the project spans the district and another */
	DP_BOTH_FOREIGN_QUARTER,      /* ... naming its quarter in the other district */
	DP_OTHER_DISTRICT,            /* the project lies elsewhere */
	DP_NO_QUARTERS,               /* the project has no quarter (lies nowhere) */
	DP_NO_PROJECT,                /* bottom-up without the project */
	DP_TOP_DOWN,                  /* top-down, from any office */
	DP_TOP_DOWN_NO_OFFICE,        /* top-down, office 0 */
	DP_COUNT
} dh_propose_t;

static const char *const dp_names[] = {
	"own district", "own district, own quarter", "own district, foreign quarter",
	"both districts", "both districts, foreign quarter", "other district", "no quarters",
	"no project", "top-down", "top-down without office",
};

/* clang-format off */
/* [district head of MY_DISTRICT / of none (district_id 0)][origin]. */
static const qt_status_t dh_propose_expected[2][DP_COUNT] = {
	/*  own own-q foreign-q both both-foreign other none no-proj top top-0 */
	{   OK, OK,   NO,       OK,  NO,          NO,   NO,  NO,     NO, NO },
	{   NO, NO,   NO,       NO,  NO,          NO,   NO,  NO,     NO, NO },
};
/* clang-format on */

Test(perm, district_head_agenda_propose_matrix)
{
	for (int none = 0; none < 2; none++) {
		actor_t a = district_head();

		if (none)
			a.district_id = 0;
		/* Coordinating, leading or not changes nothing for a district head. */
		for (int rel = 0; rel < REL_COUNT; rel++) {
			for (int w = 0; w < DP_COUNT; w++) {
				perm_project_t p;
				perm_agenda_origin_t o;
				qt_status_t got;

				memset(&o, 0, sizeof(o));
				switch ((dh_propose_t)w) {
				case DP_OWN_DISTRICT:
				case DP_OWN_DISTRICT_OWN_QUARTER:
				case DP_OWN_DISTRICT_FOREIGN_QUARTER:
					p = project_in((relation_t)rel, dh_in_my_district, 1);
					break;
				case DP_BOTH_DISTRICTS:
				case DP_BOTH_FOREIGN_QUARTER:
					p = project_in((relation_t)rel, dh_in_both, 2);
					break;
				case DP_OTHER_DISTRICT:
					p = project_in((relation_t)rel, dh_in_other_district, 1);
					break;
				default:
					p = project_in((relation_t)rel, NULL, 0);
					break;
				}
				o.origin = w >= DP_TOP_DOWN ? PERM_ORIGIN_TOP_DOWN : PERM_ORIGIN_BOTTOM_UP;
				o.project = w >= DP_NO_PROJECT ? NULL : &p;
				o.office_id = w == DP_TOP_DOWN ? MY_OFFICE : 0;
				if (w == DP_OWN_DISTRICT_OWN_QUARTER)
					o.quarter_district_id = MY_DISTRICT;
				if (w == DP_OWN_DISTRICT_FOREIGN_QUARTER || w == DP_BOTH_FOREIGN_QUARTER)
					o.quarter_district_id = OTHER_DISTRICT;
				got = perm_agenda_propose(&a, &o);
				cr_expect_eq(got, dh_propose_expected[none][w], "%s / %s / %s: got %s",
				             none ? "no district" : "own district", rel_names[rel],
				             dp_names[w], qt_status_name(got));
			}
		}
	}
}

Test(perm, district_head_in_the_agenda_rules_of_the_other_roles)
{
	/* The districts of a project matter to district heads alone: a
	 * coordinator of a project elsewhere, an office, a viewer decide as
	 * before whatever the districts are. */
	perm_project_t own = project_in(REL_OWN_PROJECT, dh_in_my_district, 1);
	perm_project_t other = project_in(REL_NONE, dh_in_my_district, 1);
	perm_agenda_origin_t o;
	actor_t c = actor_for(ROLE_COORDINATOR), off = actor_for(ROLE_OFFICE),
	        v = actor_for(ROLE_VIEWER);

	c.district_id = off.district_id = v.district_id = MY_DISTRICT;
	memset(&o, 0, sizeof(o));
	o.origin = PERM_ORIGIN_BOTTOM_UP;
	o.quarter_district_id = OTHER_DISTRICT;
	o.project = &own;
	cr_assert_eq(perm_agenda_propose(&c, &o), QT_OK);
	o.project = &other;
	cr_assert_eq(perm_agenda_propose(&c, &o), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_agenda_propose(&off, &o), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_agenda_propose(&v, &o), QT_PERMISSION_DENIED);
}

/* clang-format off */
/* A district head sees contact data as any fellow member does: self and
 * fellow members only; leading offices do not count (it leads none). */
static const qt_status_t dh_contact_expected[PREL_COUNT] = {
	/* self lead fellow former other none */
	   OK,  NO,  OK,    NO,    NO,   NO,
};
/* clang-format on */

Test(perm, district_head_contact_data)
{
	actor_t a = district_head();

	for (int rel = 0; rel < PREL_COUNT; rel++) {
		perm_person_t p = person_for((person_rel_t)rel);
		qt_status_t got = perm_person_contact(&a, &p);
		cr_expect_eq(got, dh_contact_expected[rel], "%s: got %s", prel_names[rel],
		             qt_status_name(got));
	}
	/* Even a district head whose office_id were set by mistake is no
	 * lead office. */
	a.office_id = MY_OFFICE;
	{
		perm_person_t p = person_for(PREL_LEAD_OFFICE);
		cr_assert_eq(perm_person_contact(&a, &p), QT_PERMISSION_DENIED);
	}
}

/* ------------------------------------------------------------ goals and progress updates (Zielsteuerung) */

typedef enum {
	ZA_GOAL_SET,         /* set a goal directly (accepted at once) */
	ZA_GOAL_PROPOSE,     /* propose a goal or a change */
	ZA_GOAL_ACCEPT,      /* accept a proposal, retire a goal */
	ZA_SUBMIT,           /* submit or revise an update */
	ZA_REVIEW,           /* approve or return someone else's update */
	ZA_REVIEW_OWN,       /* approve or return an update the actor submitted or revised */
	ZA_READ_UNAPPROVED,  /* read a submitted or returned update */
	ZA_READ_APPROVED,    /* read an approved update */
	ZA_COUNT
} goal_action_t;

static const char *const za_names[] = {"goal set",     "goal propose",     "goal accept",
                                       "submit",       "review",           "review own",
                                       "read unapproved", "read approved"};

/* The roles in the order of goal_expected's rows; the district head reads
 * like a viewer and writes nothing here. */
static const role_t za_roles[] = {ROLE_NONE,        ROLE_ADMIN,  ROLE_OFFICE,
                                  ROLE_COORDINATOR, ROLE_VIEWER, ROLE_DISTRICT_HEAD};

/* clang-format off */
static const qt_status_t goal_expected[6][ZA_COUNT][REL_COUNT] = {
	/*                 own office, own project, none */
	[0] = { /* none */
		{UA, UA, UA}, {UA, UA, UA}, {UA, UA, UA}, {UA, UA, UA},
		{UA, UA, UA}, {UA, UA, UA}, {UA, UA, UA}, {UA, UA, UA}},
	[1] = { /* admin: all, but never a review of its own update */
		{OK, OK, OK}, {OK, OK, OK}, {OK, OK, OK}, {OK, OK, OK},
		{OK, OK, OK}, {NO, NO, NO}, {OK, OK, OK}, {OK, OK, OK}},
	[2] = { /* office: goals and reviews of projects it leads */
		{OK, NO, NO}, {OK, NO, NO}, {OK, NO, NO}, {NO, NO, NO},
		{OK, NO, NO}, {NO, NO, NO}, {OK, NO, NO}, {OK, OK, OK}},
	[3] = { /* coordinator: proposals and updates of its projects */
		{NO, NO, NO}, {NO, OK, NO}, {NO, NO, NO}, {NO, OK, NO},
		{NO, NO, NO}, {NO, NO, NO}, {NO, OK, NO}, {OK, OK, OK}},
	[4] = { /* viewer */
		{NO, NO, NO}, {NO, NO, NO}, {NO, NO, NO}, {NO, NO, NO},
		{NO, NO, NO}, {NO, NO, NO}, {NO, NO, NO}, {OK, OK, OK}},
	[5] = { /* district head */
		{NO, NO, NO}, {NO, NO, NO}, {NO, NO, NO}, {NO, NO, NO},
		{NO, NO, NO}, {NO, NO, NO}, {NO, NO, NO}, {OK, OK, OK}},
};
/* clang-format on */

static qt_status_t goal_decide(const actor_t *a, const perm_project_t *p, goal_action_t act)
{
	switch (act) {
	case ZA_GOAL_SET: return perm_goal_set(a, p);
	case ZA_GOAL_PROPOSE: return perm_goal_propose(a, p);
	case ZA_GOAL_ACCEPT: return perm_goal_accept(a, p);
	case ZA_SUBMIT: return perm_progress_submit(a, p);
	case ZA_REVIEW: return perm_progress_review(a, p, 0);
	case ZA_REVIEW_OWN: return perm_progress_review(a, p, 1);
	case ZA_READ_UNAPPROVED: return perm_progress_read(a, p, 0);
	case ZA_READ_APPROVED: return perm_progress_read(a, p, 1);
	case ZA_COUNT: break;
	}
	return QT_INTERNAL;
}

Test(perm, goal_and_progress_matrix)
{
	for (size_t r = 0; r < sizeof(za_roles) / sizeof(za_roles[0]); r++) {
		actor_t a = actor_for(za_roles[r]);

		if (za_roles[r] == ROLE_DISTRICT_HEAD)
			a.district_id = MY_DISTRICT;
		for (int act = 0; act < ZA_COUNT; act++) {
			for (int rel = 0; rel < REL_COUNT; rel++) {
				perm_project_t p = project_for((relation_t)rel);
				qt_status_t got = goal_decide(&a, &p, (goal_action_t)act);

				cr_expect_eq(got, goal_expected[r][act][rel], "%s / %s / %s: got %s",
				             perm_role_name(za_roles[r]), za_names[act], rel_names[rel],
				             qt_status_name(got));
			}
		}
	}
}

Test(perm, goal_and_progress_edge_cases)
{
	actor_t a = actor_for(ROLE_OFFICE);
	perm_project_t p = project_for(REL_OWN_OFFICE);
	perm_project_t empty;

	/* Office staff without an office set and review nothing. */
	a.office_id = 0;
	cr_assert_eq(perm_goal_set(&a, &p), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_progress_review(&a, &p, 0), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_progress_read(&a, &p, 0), QT_PERMISSION_DENIED);
	/* A project without lead offices and coordinators: admins only. */
	memset(&empty, 0, sizeof(empty));
	a = actor_for(ROLE_ADMIN);
	cr_assert_eq(perm_goal_set(&a, &empty), QT_OK);
	a = actor_for(ROLE_COORDINATOR);
	cr_assert_eq(perm_goal_propose(&a, &empty), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_progress_submit(&a, &empty), QT_PERMISSION_DENIED);
	/* An unknown role value is refused every write and unapproved reads. */
	a.role = (role_t)99;
	p = project_for(REL_OWN_PROJECT);
	cr_assert_eq(perm_goal_propose(&a, &p), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_progress_submit(&a, &p), QT_PERMISSION_DENIED);
	cr_assert_eq(perm_progress_read(&a, &p, 0), QT_PERMISSION_DENIED);
}

/* Logins over a connection with a client certificate: without one anyone;
 * with one, only staff of the office it names; one naming no office
 * serves nobody. */
Test(perm, cert_login_matrix)
{
	static const struct {
		int64_t cert_office;
		qt_status_t want[6]; /* by role: none, admin, office, coordinator, viewer, district head */
	} rows[] = {
	    {0, {QT_OK, QT_OK, QT_OK, QT_OK, QT_OK, QT_OK}},
	    {MY_OFFICE,
	     {QT_PERMISSION_DENIED, QT_PERMISSION_DENIED, QT_OK, QT_PERMISSION_DENIED,
	      QT_PERMISSION_DENIED, QT_PERMISSION_DENIED}},
	    {OTHER_OFFICE,
	     {QT_PERMISSION_DENIED, QT_PERMISSION_DENIED, QT_PERMISSION_DENIED,
	      QT_PERMISSION_DENIED, QT_PERMISSION_DENIED, QT_PERMISSION_DENIED}},
	    {-1,
	     {QT_PERMISSION_DENIED, QT_PERMISSION_DENIED, QT_PERMISSION_DENIED,
	      QT_PERMISSION_DENIED, QT_PERMISSION_DENIED, QT_PERMISSION_DENIED}},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (int role = ROLE_NONE; role <= ROLE_DISTRICT_HEAD; role++) {
			actor_t a = actor_for((role_t)role);
			cr_assert_eq(perm_cert_login(rows[i].cert_office, &a), rows[i].want[role],
			             "cert office %lld, role %s", (long long)rows[i].cert_office,
			             perm_role_name((role_t)role));
		}
	}
}
