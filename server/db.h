/* Asynchronous PostgreSQL pool: a fixed number of libpq connections in
 * non-blocking pipeline mode, each registered with the event loop through
 * a uv_poll_t.  Every query is its own implicit transaction, sent as a
 * prepared statement of its connection; queries wait in a FIFO queue until
 * a connection has room in its pipeline.  A lost connection fails its
 * queries with a retryable QT_UNAVAILABLE and is re-established in the
 * background.  The loop never blocks on the database. */
#ifndef QUARTIERD_DB_H
#define QUARTIERD_DB_H

#include <libpq-fe.h>
#include <stdint.h>
#include <uv.h>

#include "log.h"
#include "qt_status.h"

typedef struct db_pool db_pool_t;

/* What went wrong with a query, translated once at the edge. */
typedef struct db_error {
	qt_status_t status;      /* QT_OK on success */
	const char *message;     /* borrowed from the PGresult or static; valid during the callback */
	const char *field;       /* offending request field, or NULL */
	const char *sqlstate;    /* five characters, or NULL */
	const char *detail;      /* full database message for the log (never sent), or NULL */
} db_error_t;

/* Called once per query on the loop thread.  On success res is the last
 * result of the query (owned by the pool: do not PQclear it; valid only
 * during the callback).  On failure res is NULL and err says why. */
typedef void (*db_result_cb)(const PGresult *res, const db_error_t *err, void *arg);

typedef struct db_pool_opts {
	const char *conninfo;       /* borrowed for the pool's lifetime */
	unsigned size;              /* connections */
	unsigned queue_max;         /* waiting queries */
	unsigned reconnect_ms;      /* delay between reconnect attempts */
} db_pool_opts_t;

/* Creates a pool on loop and starts connecting.  The pool is owned by the
 * caller and released with db_pool_close(). */
qt_status_t db_pool_new(uv_loop_t *loop, const qlog_t *log,
                        const db_pool_opts_t *opts, db_pool_t **out);

/* Fails waiting queries with QT_UNAVAILABLE, closes all connections and
 * frees the pool once its handles are closed (asynchronously). */
void db_pool_close(db_pool_t *pool);

/* Sends sql with nparams text parameters (NULL entries are SQL NULL).  The
 * array values is copied; sql and the strings it points to are borrowed
 * until cb has been called.  Returns QT_OK and
 * calls cb exactly once later; on an immediate failure (no connection up:
 * QT_UNAVAILABLE, queue full: QT_RESOURCE_EXHAUSTED, no memory: QT_NOMEM)
 * it returns that status and never calls cb. */
qt_status_t db_query(db_pool_t *pool, const char *sql, int nparams,
                     const char *const *values, db_result_cb cb, void *arg);

/* Number of connections currently usable, and queries in flight or waiting. */
unsigned db_pool_connected(const db_pool_t *pool);
unsigned db_pool_pending(const db_pool_t *pool);

typedef struct db_pool_stats {
	unsigned size, connected, in_use, waiting;
	uint64_t errors;      /* queries answered with an error (database or connection) */
	uint64_t reconnects;  /* connections re-established after a loss */
} db_pool_stats_t;

/* Current figures of the pool, for metrics. */
void db_pool_stats(const db_pool_t *pool, db_pool_stats_t *out);

/* Translates a failed PGresult into a status and, for the project's own
 * SQLSTATEs (class Q0) and known constraints, the request field at fault. */
void db_error_from_result(const PGresult *res, db_error_t *err);

#endif
