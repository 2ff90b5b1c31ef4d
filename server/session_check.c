/* Logged-in connections checked against account and session changes made
 * elsewhere (see session_check.h). */
#include "session_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "handlers.h"
#include "server.h"

#define SESSION_CHECK_PENDING_MAX 1024 /* beyond this many accounts, check everyone */

/* Per session hash (in strcmp order, for a binary search): whether the
 * session is still valid and, if so, the account as it stands now. */
#define SESSION_CHECK_SQL                                                                     \
	"SELECT h.hex, a.id, a.role, a.office_id, a.organisation_id, a.district_id "             \
	"FROM (SELECT DISTINCT unnest($1::text[]) AS hex) h "                                     \
	"LEFT JOIN session s ON s.token_hash = decode(h.hex, 'hex') AND s.revoked_at IS NULL "   \
	"AND s.expires_at > now() "                                                               \
	"LEFT JOIN account a ON a.id = s.account_id AND NOT a.disabled "                         \
	"ORDER BY h.hex COLLATE \"C\""

static void session_check_run(session_check_t *sc);

void session_check_init(session_check_t *sc, server_t *srv)
{
	memset(sc, 0, sizeof(*sc));
	sc->srv = srv;
}

void session_check_close(session_check_t *sc)
{
	sc->closing = 1;
}

void session_check_free(session_check_t *sc)
{
	free(sc->pending);
	free(sc->hashes);
	sc->pending = NULL;
	sc->hashes = NULL;
	sc->npending = sc->cap = 0;
}

static int session_check_wanted(const session_check_t *sc, int64_t account_id)
{
	if (sc->pending_all)
		return 1;
	for (size_t i = 0; i < sc->npending; i++)
		if (sc->pending[i] == account_id)
			return 1;
	return 0;
}

static void session_hex(const uint8_t *hash, char out[2 * AUTH_TOKEN_HASH_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < AUTH_TOKEN_HASH_LEN; i++) {
		out[2 * i] = digits[hash[i] >> 4];
		out[2 * i + 1] = digits[hash[i] & 15];
	}
	out[2 * AUTH_TOKEN_HASH_LEN] = '\0';
}

static int64_t session_cell_i64(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* The row of res answering for hash hex, or -1 (rows are in strcmp
 * order of their first column). */
static int session_check_find(const PGresult *res, const char *hex)
{
	int lo = 0, hi = PQntuples(res) - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int cmp = strcmp(hex, PQgetvalue(res, mid, 0));

		if (cmp == 0)
			return mid;
		if (cmp < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Applies the answer to every connection logged in with a session it
 * names; connections logged in since the query was sent are not in it and
 * stay as they are. */
static void session_check_apply(session_check_t *sc, const PGresult *res)
{
	server_t *srv = sc->srv;
	char mine[2 * AUTH_TOKEN_HASH_LEN + 1];
	int row;

	for (conn_t *c = srv->conns; c != NULL; c = c->next) {
		if (c->state != CONN_AUTHENTICATED)
			continue;
		session_hex(c->session_hash, mine);
		if ((row = session_check_find(res, mine)) < 0)
			continue;
		if (PQgetisnull(res, row, 1) || session_cell_i64(res, row, 1) != c->actor.account_id) {
			log_notice(&srv->log,
			           "event=session_ended conn=%llu acct=%lld reason=\"the session was "
			           "revoked or the account disabled elsewhere\"",
			           (unsigned long long)c->id, (long long)c->actor.account_id);
			conn_unauthenticate(c);
			sc->ended++;
			continue;
		}
		/* The account may have a new role or scope (changed through
		 * another instance) -- unless it changed again since this query
		 * was sent: then the answer is older than what the connection
		 * holds (a change made through this server applied it at once,
		 * session_refresh_account), and the next query, which is already
		 * due, brings the current one. */
		if (session_check_wanted(sc, c->actor.account_id))
			continue;
		c->actor.role = perm_role_parse(PQgetvalue(res, row, 2));
		c->actor.office_id = session_cell_i64(res, row, 3);
		c->actor.organisation_id = session_cell_i64(res, row, 4);
		c->actor.district_id = session_cell_i64(res, row, 5);
		session_cert_recheck(c);
	}
}

static void session_check_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	session_check_t *sc = arg;

	sc->running = 0;
	free(sc->hashes);
	sc->hashes = NULL;
	if (err != NULL) {
		/* Nothing was checked: check everyone on the next tick. */
		log_warning(&sc->srv->log, "event=session_check status=%s msg=\"%s\"",
		            qt_status_name(err->status), err->message);
		sc->pending_all = 1;
		return;
	}
	session_check_apply(sc, res);
	session_check_run(sc);
}

/* Starts a query for the connections of the pending accounts, unless one
 * is running. */
static void session_check_run(session_check_t *sc)
{
	server_t *srv = sc->srv;
	size_t n = 0, len, pos;
	qt_status_t st;

	if (sc->running || sc->closing || srv->db == NULL ||
	    (!sc->pending_all && sc->npending == 0))
		return;
	for (conn_t *c = srv->conns; c != NULL; c = c->next)
		if (c->state == CONN_AUTHENTICATED && session_check_wanted(sc, c->actor.account_id))
			n++;
	if (n > 0) {
		len = n * (2 * AUTH_TOKEN_HASH_LEN + 1) + 3;
		sc->hashes = malloc(len);
		if (sc->hashes == NULL)
			abort();
		pos = 0;
		sc->hashes[pos++] = '{';
		for (conn_t *c = srv->conns; c != NULL; c = c->next) {
			if (c->state != CONN_AUTHENTICATED || !session_check_wanted(sc, c->actor.account_id))
				continue;
			if (pos > 1)
				sc->hashes[pos++] = ',';
			session_hex(c->session_hash, sc->hashes + pos);
			pos += 2 * AUTH_TOKEN_HASH_LEN;
		}
		sc->hashes[pos++] = '}';
		sc->hashes[pos] = '\0';
	}
	/* Everything named so far is covered by this query (or had no
	 * connection here). */
	sc->npending = 0;
	sc->pending_all = 0;
	if (n == 0)
		return;
	sc->params[0] = sc->hashes;
	st = db_query(srv->db, SESSION_CHECK_SQL, 1, sc->params, session_check_cb, sc);
	if (st != QT_OK) {
		log_warning(&srv->log, "event=session_check status=%s msg=\"cannot query the database; "
		                       "trying again in a second\"",
		            qt_status_name(st));
		free(sc->hashes);
		sc->hashes = NULL;
		sc->pending_all = 1;
		return;
	}
	sc->running = 1;
	log_debug(&srv->log, "event=session_check connections=%zu", n);
}

void session_check_account(session_check_t *sc, int64_t account_id)
{
	if (!session_check_wanted(sc, account_id)) {
		if (sc->npending >= SESSION_CHECK_PENDING_MAX) {
			sc->pending_all = 1;
		} else {
			if (sc->npending == sc->cap) {
				size_t cap = sc->cap ? 2 * sc->cap : 16;
				int64_t *p = realloc(sc->pending, cap * sizeof(*p));
				if (p == NULL)
					abort();
				sc->pending = p;
				sc->cap = cap;
			}
			sc->pending[sc->npending++] = account_id;
		}
	}
	session_check_run(sc);
}

void session_check_all(session_check_t *sc)
{
	sc->pending_all = 1;
	session_check_run(sc);
}

void session_check_tick(session_check_t *sc)
{
	session_check_run(sc);
}

void session_check_notify_cb(void *arg, const char *channel, const char *payload)
{
	session_check_t *sc = arg;
	char *end;
	long long id;

	if (strcmp(channel, SESSION_CHECK_CHANNEL) != 0)
		return;
	id = strtoll(payload, &end, 10);
	if (end == payload || *end != '\0' || id <= 0) {
		log_warning(&sc->srv->log, "event=session_check msg=\"unexpected notification payload\"");
		return;
	}
	log_debug(&sc->srv->log, "event=account_changed acct=%lld", id);
	session_check_account(sc, (int64_t)id);
}

void session_check_ready_cb(void *arg)
{
	session_check_all(arg);
}
