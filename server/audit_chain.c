/* Findings of the audit-chain verification, their descriptions, and the
 * anchor syntax (see audit_chain.h). */
#include "audit_chain.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One finding of qt_audit_verify() (see the table in migration 0011) and
 * its sentence.  The text names the verdict's numbers by placeholder:
 * {id} {pos} the bad row and its position, {oid} {opos} the row it was
 * checked against, {head} the recorded head, {from} {to} the positions
 * between the two rows.  A finding may have a second row for a verdict
 * without the other row (other_pos 0). */
typedef struct audit_finding {
	const char *name;
	audit_problem_t problem;
	int needs_other; /* this row only if other_pos is set */
	const char *text;
} audit_finding_t;

/* clang-format off */
static const audit_finding_t audit_findings[] = {
	{"edited", AUDIT_PROBLEM_EDITED, 0,
	 "row {id} (chain position {pos}) was edited: its content no longer matches the digest it "
	 "was sealed with"},
	{"seal", AUDIT_PROBLEM_EDITED, 0,
	 "the seal of row {id} (chain position {pos}) was altered: its hash does not follow from "
	 "its position, content digest and previous hash"},
	{"link", AUDIT_PROBLEM_LINK_BROKEN, 0,
	 "chain link broken at row {id} (chain position {pos}): it does not follow row {oid} at "
	 "position {opos}, so a row was inserted or replaced there"},
	{"head", AUDIT_PROBLEM_LINK_BROKEN, 0,
	 "chain link broken at row {id} (chain position {pos}): the chain's recorded head has "
	 "another hash"},
	{"gap", AUDIT_PROBLEM_DELETED, 1,
	 "rows deleted: chain positions {from} to {to} are missing between row {oid} (position "
	 "{opos}) and row {id} (position {pos})"},
	{"gap", AUDIT_PROBLEM_DELETED, 0,
	 "rows deleted: chain positions 1 to {to} are missing before row {id} (position {pos})"},
	{"missing", AUDIT_PROBLEM_DELETED, 0,
	 "row {id} (chain position {pos}) was deleted: it is sealed but no longer in the audit "
	 "log"},
	{"truncated", AUDIT_PROBLEM_DELETED, 1,
	 "rows deleted at the end: the chain's head is position {head}, but its last row is row "
	 "{oid} at position {opos}"},
	{"truncated", AUDIT_PROBLEM_DELETED, 0,
	 "rows deleted: the chain's head is position {head}, but the chain has no rows"},
	{"anchor_gone", AUDIT_PROBLEM_DELETED, 0,
	 "rows deleted: chain position {pos} of the anchor no longer exists"},
	{"no_head", AUDIT_PROBLEM_DELETED, 0,
	 "the chain's head record (table audit_chain) was deleted"},
	{"past_head", AUDIT_PROBLEM_INSERTED, 0,
	 "row {id} inserted at chain position {pos}, past the chain's recorded head (position "
	 "{head})"},
	{"unsealed", AUDIT_PROBLEM_INSERTED, 0,
	 "row {id} inserted behind the chain: it is not sealed although rows written after it "
	 "are"},
	{"anchor", AUDIT_PROBLEM_REWRITTEN, 0,
	 "the chain was rewritten: row {id} at chain position {pos} no longer has the anchor's "
	 "hash"},
};
/* clang-format on */

#define AUDIT_NFINDINGS (sizeof(audit_findings) / sizeof(audit_findings[0]))

qt_status_t audit_verdict_set_finding(audit_verdict_t *v, const char *name)
{
	if (name == NULL || name[0] == '\0') {
		v->finding = NULL;
		v->problem = AUDIT_PROBLEM_NONE;
		return QT_OK;
	}
	for (size_t i = 0; i < AUDIT_NFINDINGS; i++) {
		if (strcmp(audit_findings[i].name, name) == 0) {
			v->finding = audit_findings[i].name;
			v->problem = audit_findings[i].problem;
			return QT_OK;
		}
	}
	return QT_INTERNAL;
}

/* clang-format off */
const char *audit_problem_name(audit_problem_t p)
{
	switch (p) {
	case AUDIT_PROBLEM_NONE: return "none";
	case AUDIT_PROBLEM_EDITED: return "edited";
	case AUDIT_PROBLEM_LINK_BROKEN: return "link_broken";
	case AUDIT_PROBLEM_DELETED: return "deleted";
	case AUDIT_PROBLEM_INSERTED: return "inserted";
	case AUDIT_PROBLEM_REWRITTEN: return "rewritten";
	}
	return "unknown";
}
/* clang-format on */

/* The value of placeholder name (without braces) for v; 0 if unknown. */
static long long audit_placeholder(const audit_verdict_t *v, const char *name, size_t n)
{
	static const char *const names[] = {"id", "pos", "oid", "opos", "head", "from", "to"};
	const long long values[] = {
	    (long long)v->bad_id,      (long long)v->bad_pos,  (long long)v->other_id,
	    (long long)v->other_pos,   (long long)v->head_pos, (long long)v->other_pos + 1,
	    (long long)v->bad_pos - 1,
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncmp(names[i], name, n) == 0)
			return values[i];
	return 0;
}

size_t audit_verdict_describe(const audit_verdict_t *v, char *buf, size_t len)
{
	const audit_finding_t *f = NULL;
	size_t out = 0;
	int n;

	if (v->finding == NULL) {
		n = snprintf(buf, len, "the audit log is intact: %" PRIu64 " rows checked",
		             v->checked);
		return n < 0 ? 0 : (size_t)n;
	}
	for (size_t i = 0; i < AUDIT_NFINDINGS && f == NULL; i++)
		if (strcmp(audit_findings[i].name, v->finding) == 0 &&
		    (!audit_findings[i].needs_other || v->other_pos > 0))
			f = &audit_findings[i];
	if (f == NULL) {
		n = snprintf(buf, len, "the audit log is damaged (%s)", v->finding);
		return n < 0 ? 0 : (size_t)n;
	}
	/* Copies the text, numbers for the placeholders; counts what did not
	 * fit, as snprintf does. */
	for (const char *p = f->text; *p != '\0';) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		char num[24];
		const char *piece = p;
		size_t plen = 1;

		if (close != NULL) {
			snprintf(num, sizeof(num), "%lld",
			         audit_placeholder(v, p + 1, (size_t)(close - p - 1)));
			piece = num;
			plen = strlen(num);
			p = close + 1;
		} else {
			p++;
		}
		for (size_t k = 0; k < plen; k++, out++)
			if (out + 1 < len)
				buf[out] = piece[k];
	}
	if (len > 0)
		buf[out < len ? out : len - 1] = '\0';
	return out;
}

qt_status_t audit_anchor_parse(const char *s, int64_t *pos, char hash[AUDIT_HASH_HEX + 1])
{
	const char *colon;
	char *end;
	long long p;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return QT_INVALID_ARGUMENT;
	colon = strchr(s, ':');
	if (colon == NULL || strlen(colon + 1) != AUDIT_HASH_HEX)
		return QT_INVALID_ARGUMENT;
	errno = 0;
	p = strtoll(s, &end, 10);
	if (errno != 0 || end != colon || p <= 0)
		return QT_INVALID_ARGUMENT;
	for (size_t i = 0; i < AUDIT_HASH_HEX; i++)
		if (!isxdigit((unsigned char)colon[1 + i]))
			return QT_INVALID_ARGUMENT;
	*pos = (int64_t)p;
	for (size_t i = 0; i < AUDIT_HASH_HEX; i++)
		hash[i] = (char)tolower((unsigned char)colon[1 + i]);
	hash[AUDIT_HASH_HEX] = '\0';
	return QT_OK;
}
