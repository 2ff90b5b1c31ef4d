/* The audit log's sealer on the event loop, and the SQL interface of the
 * chain (migration 0011) that the sealer, the audit_verify request and
 * `quartierd audit verify` share.
 *
 * Audit rows are written unchained by the transactions of the changes
 * they record.  Every audit_seal_ms the sealer asks the database to
 * append the rows of finished transactions to the hash chain
 * (qt_audit_seal(): never waits for another instance's sealer, seals at
 * most AUDIT_SEAL_BATCH rows per transaction and goes on at once while
 * there are more).  Every round that sealed rows logs the new head
 * (event=audit_sealed head=POSITION:HASH), an anchor kept outside the
 * database.  It passes the head it saw last, so a chain whose end was
 * deleted or rewritten while this server runs is reported at once
 * (event=audit_chain_broken); a failed seal is logged once per run of
 * failures (event=audit_seal status=failed).  The loop never waits for
 * any of it. */
#ifndef QUARTIERD_AUDIT_SEAL_H
#define QUARTIERD_AUDIT_SEAL_H

#include <libpq-fe.h>
#include <stdint.h>
#include <uv.h>

#include "audit_chain.h"

typedef struct server server_t;

#define AUDIT_SEAL_BATCH 1000 /* rows per seal transaction */

/* Seals what can be sealed, then verifies the whole chain; $1 anchor
 * position, $2 anchor hash in hex (both NULL: no anchor).  One row, read
 * with audit_verdict_from_result(). */
#define AUDIT_VERIFY_SQL                                                                           \
	"SELECT sealed, checked, pending, redacted, head_pos, encode(head_hash, 'hex'), "          \
	"finding, bad_id, bad_pos, other_id, other_pos "                                           \
	"FROM qt_audit_verify($1::bigint, decode($2, 'hex'))"

/* Reads the row of AUDIT_VERIFY_SQL into *out.  QT_INTERNAL if res does
 * not hold one such row or names an unknown finding. */
qt_status_t audit_verdict_from_result(const PGresult *res, audit_verdict_t *out);

typedef struct audit_seal {
	server_t *srv;    /* borrowed */
	uv_timer_t timer; /* next round */
	int timer_open;
	int running;       /* a seal query is in flight */
	int failing;       /* the last round failed (logged once) */
	int64_t known_pos; /* the head this server saw last (0: none yet) */
	char known_hash[AUDIT_HASH_HEX + 1];
	char p_limit[16], p_pos[24]; /* parameters of the query in flight */
	const char *params[3];
} audit_seal_t;

/* Sets s up for srv (a timer on srv's loop); the first round runs soon
 * after the loop starts.  Rounds follow srv->cfg.audit_seal_ms (0: none). */
void audit_seal_init(audit_seal_t *s, server_t *srv);

/* Stops the timer (shutdown); a query in flight finishes on its own. */
void audit_seal_close(audit_seal_t *s);

#endif
