/* Names of enum values (roles, statuses, kinds...) for people: the token
 * that the command line accepts and JSON carries ("running"), its label in
 * the user's language ("laufend"), and the German term that English output
 * gives as a hint ("running (laufend)"). */
#ifndef QUARTIER_CLI_LABEL_H
#define QUARTIER_CLI_LABEL_H

#include <stddef.h>
#include <stdio.h>

#include "i18n.h"

/* Contexts of the terms; each term's catalogue entry is
 * msgctxt CONTEXT, msgid TOKEN. */
#define LABEL_ROLE           "role"
#define LABEL_MEMBER_ROLE    "support group role"
#define LABEL_PROJECT_KIND   "project kind"
#define LABEL_PROJECT_STATUS "project status"
#define LABEL_COLUMN         "criterion column"
#define LABEL_PHASE          "assessment phase"
#define LABEL_RATING         "rating"
#define LABEL_BLOCK          "continuation block"
#define LABEL_CONTINUATION   "continuation status"
#define LABEL_FUND_ENTRY     "fund entry kind"
#define LABEL_MEETING        "meeting status"
#define LABEL_ORIGIN         "agenda item origin"
#define LABEL_ITEM           "agenda item status"
#define LABEL_OUTCOME        "agenda item outcome"
#define LABEL_HANDOVER       "hand-over status"
#define LABEL_GOAL           "goal state"
#define LABEL_UPDATE         "progress update state"
#define LABEL_ACTION         "progress update action"
#define LABEL_RECORD         "record type"
#define LABEL_OUTBOX         "outbox state"
#define LABEL_ORG_TYPE       "organisation type"

/* The label of token in context ctx: its translation, or token itself
 * (English, or a token without an entry).  Borrowed from the catalogue or
 * from token.  Inline, so that the formatters the unit tests link alone
 * (report.c) need nothing else. */
static inline const char *label(const char *ctx, const char *token)
{
	char key[128];
	const char *t;
	int n;

	n = snprintf(key, sizeof(key), "%s\004%s", ctx, token);
	if (n < 0 || (size_t)n >= sizeof(key))
		return token;
	t = gettext(key);
	return t != key ? t : token;
}

/* token and its other name in buf (at most len bytes): "label (token)" when
 * the label is translated, else "token (German term)" when the term has a
 * German hint, else the token alone.  Returns buf. */
const char *label_pair(char *buf, size_t len, const char *ctx, const char *token);

#endif
