/* The terms of label.h: every enum value the command line shows, marked
 * for the catalogue with its context, and the German hints of English
 * output. */
#include "label.h"

#include <string.h>

static const struct label_term {
	const char *key; /* NC_(context, token) */
	const char *de;  /* German term shown after the English token, or NULL */
} label_terms[] = {
    {NC_("role", "admin"), NULL},
    {NC_("role", "office"), NULL},
    {NC_("role", "coordinator"), NULL},
    {NC_("role", "district_head"), NULL},
    {NC_("role", "viewer"), NULL},

    {NC_("support group role", "city_staff"), "Gebiets-/Themenverantwortliche"},
    {NC_("support group role", "district_head"), "Bezirksvorsteher*in"},
    {NC_("support group role", "carrier"), "Träger der Koordination"},
    {NC_("support group role", "civic"), "gesellschaftliches Engagement"},

    {NC_("project kind", "comprehensive"), "umfassende soziale Quartiersentwicklung"},
    {NC_("project kind", "focused"), "fokussiertes Projekt im Quartier"},

    {NC_("project status", "application"), "Antrag"},
    {NC_("project status", "assessment"), "Prüfung"},
    {NC_("project status", "approved"), "bewilligt"},
    {NC_("project status", "running"), "laufend"},
    {NC_("project status", "evaluation"), "Evaluation"},
    {NC_("project status", "continued"), "verstetigt"},
    {NC_("project status", "ended"), "beendet"},

    {NC_("criterion column", "konzept"), NULL},
    {NC_("criterion column", "prozess"), NULL},

    {NC_("assessment phase", "application"), NULL},
    {NC_("assessment phase", "continued_funding"), NULL},
    {NC_("assessment phase", "running"), NULL},

    {NC_("rating", "met"), NULL},
    {NC_("rating", "not_met"), NULL},
    {NC_("rating", "not_applicable"), NULL},

    {NC_("continuation block", "city_overall_responsibility"),
     "Gesamtverantwortung der Stadtverwaltung"},
    {NC_("continuation block", "standing_facility"), "soziale Regeleinrichtung im Quartier"},
    {NC_("continuation block", "organised_civic_engagement"),
     "organisiertes gesellschaftliches Engagement"},
    {NC_("continuation block", "established_network"), "etabliertes Netzwerk mit Hauptamtlichen"},
    {NC_("continuation block", "district_head"), "Bezirksvorsteher*innen"},
    {NC_("continuation block", "city_services"), "Dienste der Stadtverwaltung"},

    {NC_("continuation status", "proposed"), NULL},
    {NC_("continuation status", "agreed"), NULL},

    {NC_("fund entry kind", "allocation"), "Mittelzuweisung"},
    {NC_("fund entry kind", "commitment"), "Bewilligung"},
    {NC_("fund entry kind", "payout"), "Auszahlung"},
    {NC_("fund entry kind", "refund"), "Rückzahlung"},
    {NC_("fund entry kind", "correction"), "Korrektur"},

    {NC_("meeting status", "draft"), NULL},
    {NC_("meeting status", "open"), NULL},
    {NC_("meeting status", "in_progress"), NULL},
    {NC_("meeting status", "closed"), NULL},
    {NC_("meeting status", "minutes_approved"), NULL},

    {NC_("agenda item origin", "bottom_up"), NULL},
    {NC_("agenda item origin", "top_down"), NULL},

    {NC_("agenda item status", "backlog"), NULL},
    {NC_("agenda item status", "scheduled"), NULL},
    {NC_("agenda item status", "concluded"), NULL},

    {NC_("agenda item outcome", "information"), NULL},
    {NC_("agenda item outcome", "decision"), NULL},
    {NC_("agenda item outcome", "deferral"), NULL},
    {NC_("agenda item outcome", "hand_over"), NULL},
    {NC_("agenda item outcome", "carried_over"), NULL},

    {NC_("hand-over status", "open"), NULL},
    {NC_("hand-over status", "acknowledged"), NULL},
    {NC_("hand-over status", "done"), NULL},
    {NC_("hand-over status", "declined"), NULL},

    {NC_("goal state", "proposed"), NULL},
    {NC_("goal state", "accepted"), NULL},

    {NC_("progress update state", "submitted"), NULL},
    {NC_("progress update state", "approved"), NULL},
    {NC_("progress update state", "returned"), NULL},

    {NC_("progress update action", "submit"), NULL},
    {NC_("progress update action", "revise"), NULL},
    {NC_("progress update action", "approve"), NULL},
    {NC_("progress update action", "return"), NULL},

    {NC_("record type", "district"), NULL},
    {NC_("record type", "quarter"), NULL},
    {NC_("record type", "office"), NULL},
    {NC_("record type", "organisation"), NULL},
    {NC_("record type", "project"), NULL},
    {NC_("record type", "person"), NULL},
    {NC_("record type", "membership"), NULL},
    {NC_("record type", "fund"), NULL},
    {NC_("record type", "fund_entry"), NULL},
    {NC_("record type", "assessment"), NULL},
    {NC_("record type", "continuation"), NULL},
    {NC_("record type", "meeting"), NULL},
    {NC_("record type", "agenda_item"), NULL},
    {NC_("record type", "handover"), NULL},
    {NC_("record type", "goal"), NULL},
    {NC_("record type", "progress_update"), NULL},

    {NC_("outbox state", "queued"), NULL},
    {NC_("outbox state", "done"), NULL},
    {NC_("outbox state", "conflicted"), NULL},
    {NC_("outbox state", "failed"), NULL},

    {NC_("organisation type", "welfare"), "freie Wohlfahrtspflege"},
    {NC_("organisation type", "initiative"), "Initiative"},
    {NC_("organisation type", "self_organisation"), "Selbstorganisation"},
    {NC_("organisation type", "association"), "Verein"},
    {NC_("organisation type", "housing_company"), "Wohnungsunternehmen"},
    {NC_("organisation type", "religious"), "Religionsgemeinschaft"},
    {NC_("organisation type", "institute"), "Institut"},
    {NC_("organisation type", "office"), "Amt"},
};

#define LABEL_NTERMS (sizeof(label_terms) / sizeof(label_terms[0]))

/* The German hint of ctx/token, or NULL. */
static const char *label_de(const char *ctx, const char *token)
{
	size_t lc = strlen(ctx), i;
	const char *k;

	for (i = 0; i < LABEL_NTERMS; i++) {
		k = label_terms[i].key;
		if (strncmp(k, ctx, lc) == 0 && k[lc] == '\004' && strcmp(k + lc + 1, token) == 0)
			return label_terms[i].de;
	}
	return NULL;
}

const char *label_pair(char *buf, size_t len, const char *ctx, const char *token)
{
	const char *l = label(ctx, token);
	const char *de;

	if (l != token)
		snprintf(buf, len, "%s (%s)", l, token);
	else if ((de = label_de(ctx, token)) != NULL)
		snprintf(buf, len, "%s (%s)", token, de);
	else
		snprintf(buf, len, "%s", token);
	return buf;
}
