/* Checks this server's logged-in connections against the database when an
 * account or its sessions changed elsewhere: a host subcommand
 * (account-disable, account-revoke-sessions), an admin request or a logout
 * answered by another instance sharing the database.  Word comes through
 * the listener (listen.c) on channel SESSION_CHECK_CHANNEL, whose payload
 * is the account id (migration 0012 notifies it from triggers).
 *
 * A connection whose session was revoked or has expired, or whose account
 * was disabled or removed, is logged out (back to CONN_OPEN, as after a
 * logout); the others take the account's current role and scope.  Nothing
 * runs per request: only a notification starts a query.  One query runs at
 * a time; accounts named meanwhile are checked by the next. */
#ifndef QUARTIERD_SESSION_CHECK_H
#define QUARTIERD_SESSION_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define SESSION_CHECK_CHANNEL "quartier_account"

typedef struct server server_t;

typedef struct session_check {
	server_t *srv;             /* borrowed */
	int64_t *pending;          /* owned: accounts named since the last query */
	size_t npending, cap;
	int pending_all;           /* check every logged-in connection */
	int running;               /* a query is in flight */
	int closing;               /* shutdown: no new queries */
	char *hashes;              /* owned while running: text[] literal of the session hashes */
	const char *params[1];     /* borrowed by the pool until the callback */
	uint64_t ended;            /* connections logged out so far */
} session_check_t;

void session_check_init(session_check_t *sc, server_t *srv);

/* No new queries from now on (shutdown); one in flight finishes or fails. */
void session_check_close(session_check_t *sc);

/* Frees what sc owns, once the loop has stopped. */
void session_check_free(session_check_t *sc);

/* Checks the connections logged in as account_id. */
void session_check_account(session_check_t *sc, int64_t account_id);

/* Checks every logged-in connection (after the listener (re)connected:
 * changes made while it was away were not heard of). */
void session_check_all(session_check_t *sc);

/* Called by the server's once-a-second sweep: runs a check that could not
 * start or failed (database unavailable) again. */
void session_check_tick(session_check_t *sc);

/* Listener callbacks (listen.h); arg is the session_check_t. */
void session_check_notify_cb(void *arg, const char *channel, const char *payload);
void session_check_ready_cb(void *arg);

#endif
