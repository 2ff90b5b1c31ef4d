/* The verdict of an audit-chain verification, as qt_audit_verify()
 * (migration 0011) returns it: what was checked, the chain's head, and
 * the first thing wrong -- named by the SQL's finding ("edited", "gap",
 * ...), mapped to the protocol's problem kinds and described in one
 * English sentence.  Also the anchor syntax "POSITION:HASH".  Pure logic
 * without I/O, shared by `quartierd audit verify` (host_audit.c) and the
 * audit_verify request (audit.c). */
#ifndef QUARTIERD_AUDIT_CHAIN_H
#define QUARTIERD_AUDIT_CHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "qt_status.h"

/* What kind of damage; the wire values of quartier.v1.AuditProblem. */
typedef enum audit_problem {
	AUDIT_PROBLEM_NONE = 0,        /* intact */
	AUDIT_PROBLEM_EDITED = 1,      /* a sealed row's content or seal changed */
	AUDIT_PROBLEM_LINK_BROKEN = 2, /* a row does not follow the one before it */
	AUDIT_PROBLEM_DELETED = 3,     /* sealed rows are gone */
	AUDIT_PROBLEM_INSERTED = 4,    /* a row was put in behind the sealer's back */
	AUDIT_PROBLEM_REWRITTEN = 5,   /* the chain no longer holds an earlier head (anchor) */
} audit_problem_t;

#define AUDIT_HASH_HEX 64 /* hex digits of a SHA-256 */

typedef struct audit_verdict {
	uint64_t checked;  /* sealed rows recomputed */
	uint64_t sealed;   /* of them sealed by this verification */
	uint64_t pending;  /* rows of transactions still running, not sealable yet */
	uint64_t redacted; /* rows whose content was replaced by qt_audit_redact() */
	int64_t head_pos;  /* last position of the chain (0: empty) */
	char head_hash[AUDIT_HASH_HEX + 1]; /* its hash, lowercase hex */
	const char *finding; /* static: the SQL's name of what is wrong; NULL if intact */
	audit_problem_t problem;
	int64_t bad_id, bad_pos;     /* the first bad row and its position (0: none) */
	int64_t other_id, other_pos; /* the row it was checked against (0: none) */
} audit_verdict_t;

/* Sets v->finding and v->problem from name, a finding of
 * qt_audit_verify() (NULL or "" means intact).  Returns QT_INTERNAL for a
 * name this build does not know (v unchanged). */
qt_status_t audit_verdict_set_finding(audit_verdict_t *v, const char *name);

/* Writes one English sentence about v to buf (len bytes, always
 * terminated): "intact" or what is wrong, naming the first bad row and
 * position.  Returns the length it needed (as snprintf). */
size_t audit_verdict_describe(const audit_verdict_t *v, char *buf, size_t len);

/* The lowercase name of a problem kind ("edited", "link_broken", ...),
 * for logs and JSON. */
const char *audit_problem_name(audit_problem_t p);

/* Parses an anchor "POSITION:HASH" (a positive position, 64 hex digits,
 * either case) into *pos and hash (lowercase, terminated).  Returns
 * QT_INVALID_ARGUMENT (outputs unchanged) if s is not one. */
qt_status_t audit_anchor_parse(const char *s, int64_t *pos, char hash[AUDIT_HASH_HEX + 1]);

#endif
