/* The server object: everything one quartierd process owns, passed
 * explicitly to every module (there is no global state).  main.c creates
 * it, server.c starts and stops it. */
#ifndef QUARTIERD_SERVER_H
#define QUARTIERD_SERVER_H

#include <openssl/ssl.h>
#include <stdint.h>
#include <uv.h>

#include "addrcount.h"
#include "audit_seal.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "feed.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "project_cache.h"
#include "session_check.h"
#include "throttle.h"

#define SERVER_NAME "quartierd/" QUARTIER_VERSION
#define SERVER_READ_BUF 65536
#define SERVER_OOM_RESERVE (1024u * 1024u) /* bytes, see oom_reserve */

typedef struct conn conn_t;
typedef struct hash_job hash_job_t;
typedef struct login_delay login_delay_t;
typedef struct req_answer req_answer_t;

/* Answers of client mutations waiting to be stored for replays (their
 * requests wait too); request.c writes them in batches, one statement and
 * one commit per batch, and replies to each after that commit. */
typedef struct req_answers {
	req_answer_t *head, *tail;   /* owned, oldest first */
	unsigned waiting;
	int busy;                    /* a batch is being written */
} req_answers_t;

typedef struct server {
	uv_loop_t *loop;             /* borrowed */
	config_t cfg;                /* owned; replaced as a whole by a reload */
	char *config_path;           /* owned, NULL if none */
	char **overrides;            /* owned "key=value" from the command line, re-applied on reload */
	size_t noverrides;
	qlog_t log;
	SSL_CTX *ssl_ctx;            /* owned; new handshakes use it, a reload swaps it */
	notify_t notify;             /* sd_notify state and the watchdog timer */
	uv_check_t ready_check;      /* until READY=1: runs after each poll, checks the pool */
	int ready_check_open;
	unsigned status_conns;       /* connection count in the last STATUS= line */
	db_pool_t *db;               /* owned */
	uv_tcp_t listener;
	int listening;
	uv_signal_t sig_term, sig_int, sig_hup;
	uv_timer_t sweep;            /* one coarse timer for all connection deadlines */
	conn_t *conns;               /* doubly linked list of open connections */
	unsigned n_conns;
	addrcount_t per_addr;        /* open connections per source address */
	uint64_t next_conn_id;
	int shutting_down;
	uint64_t shutdown_deadline;  /* uv_now() milliseconds */
	auth_params_t auth;          /* read by hash jobs on pool threads */
	auth_params_t auth_next;     /* from a reload, applied once no hash job runs */
	int auth_pending;
	char dummy_hash[AUTH_ENCODED_MAX]; /* verified against for unknown logins */
	unsigned hash_running;       /* Argon2id jobs in the thread pool */
	hash_job_t *hash_head, *hash_tail;
	unsigned hash_queued;
	throttle_policy_t throttle;  /* login delays and lockout, from cfg (session.c) */
	throttle_addr_t login_addr;  /* failed logins per source address */
	login_delay_t *login_delays; /* logins waiting out their delay (list) */
	unsigned n_login_delays;
	uint64_t throttle_maint_at;  /* uv_now() ms of the next prune of login counts */
	int throttle_maint_running;  /* its query is out */
	char throttle_maint_param[16]; /* the query's parameter, borrowed by db_query */
	feed_t feed;                 /* change feed subscriptions and watcher */
	project_cache_t projects;    /* rendered projects for project_get */
	size_t person_memo_bytes;    /* held by all connections' person memos (person_memo.h) */
	uv_check_t checks_tick;      /* sends the cache hits' checks once per loop turn */
	int checks_tick_open;
	uv_check_t out_tick;         /* gives the turn's answers to TLS, one write per connection */
	uv_prepare_t out_guard;      /* the same for answers gathered after out_tick ran */
	int out_tick_open;
	conn_t *out_head;            /* connections with answers in their obuf (list, referenced) */
	audit_seal_t audit_seal;     /* appends finished audit rows to the hash chain */
	listen_t *listen;            /* owned: LISTEN connection for account changes; NULL when closed */
	session_check_t session_check; /* checks logged-in connections on those changes */
	req_answers_t answers;       /* mutation answers waiting to be stored */
	metrics_t metrics;           /* counters for the Prometheus endpoint */
	metrics_http_t *metrics_http; /* owned; NULL when metrics_port = 0 */
	int exit_code;
	/* Memory that requests fall back on when malloc fails (request.c), so
	 * that such a request finishes with a retryable error instead of the
	 * server aborting.  Bump-allocated; whole again once no request holds
	 * memory in it. */
	unsigned char *oom_reserve;  /* owned, SERVER_OOM_RESERVE bytes; NULL: none */
	size_t oom_reserve_used;     /* bytes handed out */
	unsigned oom_reserve_users;  /* requests holding memory in it */
	int accept_deferred;         /* a connection waits: no memory to accept it */
	char read_buf[SERVER_READ_BUF]; /* loop-wide: every read is consumed at once */
} server_t;

/* Prepares srv on loop with cfg (ownership of cfg's strings moves to srv):
 * TLS context, database pool, listener.  config_path (may be NULL) and
 * overrides ("key=value", noverrides of them, applied after the file) are
 * copied: a reload builds the configuration from them again.  Nothing is
 * served until the loop runs; READY=1 goes to the service manager once the
 * listener is up and a database connection is established.  On failure
 * writes a message to err. */
qt_status_t server_start(server_t *srv, uv_loop_t *loop, config_t *cfg,
                         const char *config_path, char *const *overrides, size_t noverrides,
                         char *err, size_t err_len);

/* Reloads the configuration (SIGHUP): builds a new config from the file and
 * the overrides, validates it and builds a new TLS context aside.  On
 * success new handshakes use the new context (established connections keep
 * theirs) and every reloadable key takes effect; keys that need a restart
 * keep their running values, with a warning if they changed.  On failure
 * logs why and changes nothing.  Returns QT_OK if the new configuration
 * was taken. */
qt_status_t server_reload(server_t *srv);

/* Stops accepting, lets in-flight requests finish (up to
 * shutdown_timeout), closes every connection and handle so that uv_run
 * returns.  Called on SIGTERM/SIGINT. */
void server_shutdown(server_t *srv);

/* Frees what server_start allocated, after uv_run has returned. */
void server_free(server_t *srv);

/* Fills g with the gauges of the metrics page (open connections, database
 * pool, hash queue, readiness), as a scrape and admin_stats see them. */
void server_gauges(server_t *srv, metrics_gauges_t *g);

/* Called by conn.c when a connection is gone, so a shutdown can finish. */
void server_conn_gone(server_t *srv);

#endif
