/* The statements that change accounts, shared by the protocol handlers
 * (account.c) and the quartierd host subcommands (host_account.c), so both
 * keep the same rules: one statement writes the change and its audit row,
 * and the last enabled admin is never disabled or demoted.  $1 is the
 * acting account (NULL on the host). */
#ifndef QUARTIERD_ACCOUNT_H
#define QUARTIERD_ACCOUNT_H

#include "pgrow.h" /* PGROW_ACCOUNT_COLS */

/* $2 account id, $3 disabled ("true"/"false"/NULL = unchanged), $4 display
 * name (NULL = unchanged), $5 role (NULL = unchanged) and, with a role,
 * its scope $6 office_id, $7 organisation_id, $8 district_id (NULL = none).
 * Locks the account and the other enabled admins (two admins demoting each
 * other at once cannot both succeed), revokes the sessions of a disabled
 * account.  Answers one row: PGROW_ACCOUNT_COLS of the changed account
 * (NULL when refused because it is the last enabled admin), then the
 * number of accounts with that id (0: no such account). */
#define ACCOUNT_UPDATE_SQL                                                                         \
	"WITH t AS (SELECT * FROM account WHERE id = $2 FOR UPDATE), "                               \
	"others AS (SELECT id FROM account WHERE role = 'admin' AND NOT disabled AND id <> $2 "      \
	"FOR UPDATE), "                                                                              \
	"n AS (SELECT t.id, coalesce($3::boolean, t.disabled) AS disabled, "                         \
	"coalesce($4::text, t.display_name) AS display_name, coalesce($5::text, t.role) AS role, "   \
	"CASE WHEN $5::text IS NULL THEN t.office_id ELSE $6::bigint END AS office_id, "             \
	"CASE WHEN $5::text IS NULL THEN t.organisation_id ELSE $7::bigint END AS organisation_id, " \
	"CASE WHEN $5::text IS NULL THEN t.district_id ELSE $8::bigint END AS district_id "          \
	"FROM t), "                                                                                  \
	"ok AS (SELECT n.* FROM n, t WHERE NOT (t.role = 'admin' AND NOT t.disabled AND "            \
	"(n.role <> 'admin' OR n.disabled)) OR EXISTS (SELECT 1 FROM others)), "                     \
	"u AS (UPDATE account a SET disabled = ok.disabled, display_name = ok.display_name, "        \
	"role = ok.role, office_id = ok.office_id, organisation_id = ok.organisation_id, "           \
	"district_id = ok.district_id FROM ok WHERE a.id = ok.id RETURNING a.*), "                   \
	"s AS (UPDATE session SET revoked_at = now() WHERE account_id IN "                           \
	"(SELECT id FROM u WHERE disabled) AND revoked_at IS NULL AND expires_at > now() "           \
	"RETURNING 1), "                                                                             \
	"au AS (INSERT INTO audit (account_id, action, entity, entity_id, before, after) "           \
	"SELECT $1::bigint, 'account.update', 'account', u.id, "                                     \
	"jsonb_build_object('display_name', t.display_name, 'role', t.role, 'office_id', "           \
	"t.office_id, 'organisation_id', t.organisation_id, 'district_id', t.district_id, "          \
	"'disabled', t.disabled), "                                                                  \
	"jsonb_build_object('display_name', u.display_name, 'role', u.role, 'office_id', "           \
	"u.office_id, 'organisation_id', u.organisation_id, 'district_id', u.district_id, "          \
	"'disabled', u.disabled, 'sessions_revoked', (SELECT count(*) FROM s)) FROM u, t) "          \
	"SELECT x.*, (SELECT count(*) FROM t) FROM (SELECT 1) one LEFT JOIN "                        \
	"(SELECT " PGROW_ACCOUNT_COLS " FROM u) x ON true"

/* $2 account id, $3 the new Argon2id hash (never written to the audit
 * row).  Answers PGROW_ACCOUNT_COLS of the account; no row if unknown. */
#define ACCOUNT_RESET_PASSWORD_SQL                                                               \
	"WITH u AS (UPDATE account SET password_hash = $3 WHERE id = $2 RETURNING *), "            \
	"au AS (INSERT INTO audit (account_id, action, entity, entity_id, after) "                 \
	"SELECT $1::bigint, 'account.reset_password', 'account', u.id, "                           \
	"jsonb_build_object('login', u.login) FROM u) "                                            \
	"SELECT " PGROW_ACCOUNT_COLS " FROM u"

/* $2 account id.  Revokes its unexpired sessions; answers one row with
 * their number, no row if the account is unknown. */
#define ACCOUNT_REVOKE_SESSIONS_SQL                                                              \
	"WITH t AS (SELECT id FROM account WHERE id = $2), "                                       \
	"s AS (UPDATE session SET revoked_at = now() WHERE account_id = $2 "                       \
	"AND revoked_at IS NULL AND expires_at > now() RETURNING 1), "                             \
	"au AS (INSERT INTO audit (account_id, action, entity, entity_id, after) "                 \
	"SELECT $1::bigint, 'account.revoke_sessions', 'account', t.id, "                          \
	"jsonb_build_object('sessions_revoked', (SELECT count(*) FROM s)) FROM t) "                \
	"SELECT (SELECT count(*) FROM s) FROM t"

/* $2 account id.  Lifts the lock of its login and forgets its failed
 * attempts (migration 0010).  Answers one row: the id, whether the login
 * was locked, and the failures forgotten; no row if the account is
 * unknown. */
#define ACCOUNT_UNLOCK_SQL                                                                       \
	"WITH t AS (SELECT id, login FROM account WHERE id = $2), "                                \
	"d AS (DELETE FROM login_throttle l USING t WHERE l.login = t.login "                      \
	"RETURNING l.failures, l.locked_at IS NOT NULL AND "                                       \
	"(l.locked_until IS NULL OR l.locked_until > now()) AS locked), "                          \
	"au AS (INSERT INTO audit (account_id, action, entity, entity_id, after) "                 \
	"SELECT $1::bigint, 'account.unlock', 'account', t.id, "                                   \
	"jsonb_build_object('was_locked', coalesce((SELECT locked FROM d), false), "               \
	"'failures', coalesce((SELECT failures FROM d), 0)) FROM t) "                              \
	"SELECT t.id, coalesce((SELECT locked FROM d), false), "                                   \
	"coalesce((SELECT failures FROM d), 0) FROM t"

/* $1 the failure window in seconds.  The accounts whose login is locked
 * or has failures within the window: id, login, failures, last attempt
 * and lock end (unix seconds; NULL: until unlocked), whether locked. */
#define ACCOUNT_LOCKOUTS_SQL                                                                     \
	"SELECT a.id, a.login, l.failures, extract(epoch FROM l.last_attempt_at)::bigint, "       \
	"extract(epoch FROM l.locked_until)::bigint, l.locked FROM "                               \
	"(SELECT *, locked_at IS NOT NULL AND (locked_until IS NULL OR locked_until > now()) "     \
	"AS locked FROM login_throttle) l JOIN account a ON a.login = l.login "                    \
	"WHERE l.locked OR (l.locked_at IS NULL AND "                                              \
	"l.last_attempt_at >= now() - make_interval(secs => $1::int)) ORDER BY a.id"

#endif
