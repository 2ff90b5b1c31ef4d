/* The asynchronous PostgreSQL pool (see db.h).
 *
 * Each connection follows libpq's non-blocking rules: connect with
 * PQconnectStart/PQconnectPoll, re-reading PQsocket() after every step;
 * after sending, PQflush until it returns 0, polling for writable only
 * while it returns 1; on readable, PQconsumeInput and collect results until
 * PQisBusy says more input is needed.  Work is started from an idle
 * handle so that db_query() never runs a callback before it returns.
 *
 * Connections run in libpq's pipeline mode: a query is sent as
 * [Parse] Bind/Execute Sync, so every query is still its own implicit
 * transaction and an error aborts nothing but that query, while a
 * connection may have several queries in flight (the next one is already
 * on the wire while PostgreSQL works on the current one).  A query goes to
 * an idle connection if there is one, and is queued behind others only
 * when every connection is busy, at most DB_PIPELINE_MAX deep.
 *
 * Each connection prepares every statement text it sees (up to
 * DB_STMT_MAX) the first time and executes the prepared statement from
 * then on, so PostgreSQL parses and plans the registry's views once per
 * connection rather than once per request.  A statement whose Prepare has
 * not been confirmed yet runs unnamed, so no query depends on another
 * query's Prepare. */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB_PIPELINE_MAX 16   /* queries in flight on one connection */
#define DB_STMT_MAX 512      /* prepared statements per connection */
#define DB_STMT_BUCKETS 256

/* States and their transitions:
 *   DBC_DOWN       -> DBC_CONNECTING  connect started (at once, or by the retry timer)
 *   DBC_CONNECTING -> DBC_READY       connected, pipeline mode entered
 *   any            -> DBC_DOWN        connection failed or lost */
typedef enum {
	DBC_DOWN,        /* no connection; retry timer may be running */
	DBC_CONNECTING,  /* PQconnectPoll in progress */
	DBC_READY,       /* connected; 0..DB_PIPELINE_MAX queries in flight */
} dbc_state_t;

/* A statement text prepared (or being prepared) on one connection. */
typedef struct db_stmt {
	struct db_stmt *next;        /* hash chain */
	char *sql;                   /* owned copy */
	uint64_t hash;
	unsigned id;                 /* the statement's name is "qt<id>" */
	int ready;                   /* PostgreSQL confirmed the Prepare */
} db_stmt_t;

typedef struct db_job {
	struct db_job *next;
	const char *sql;             /* borrowed until cb */
	int nparams;
	const char *const *values;   /* points to vals */
	db_result_cb cb;
	void *arg;
	db_stmt_t *preparing;        /* its Prepare went out in front of it, or NULL */
	unsigned used_id;            /* the prepared statement it ran, or 0 */
	unsigned segment;            /* query results finished so far (the Prepare's is 0) */
	PGresult *last;              /* last result of the query */
	PGresult *error;             /* first error result of the query */
	const char *vals[];          /* the caller's array, copied; the strings are borrowed until cb */
} db_job_t;

typedef struct db_conn db_conn_t;

/* A poll handle lives on the heap because the socket can change while a
 * connection is made; the old handle must be closed before a new one
 * watches the new descriptor. */
typedef struct db_poll {
	uv_poll_t poll;
	db_conn_t *dc;   /* NULL once detached */
	int fd;
	int events;      /* UV_READABLE | UV_WRITABLE currently watched */
} db_poll_t;

struct db_conn {
	db_pool_t *pool;
	unsigned idx;
	dbc_state_t state;
	PGconn *pg;          /* owned; NULL when DBC_DOWN */
	db_poll_t *poll;     /* owned until closed; NULL if none */
	uv_timer_t retry;    /* reconnect timer */
	db_job_t *head, *tail; /* owned: queries in flight, in the order sent */
	unsigned inflight;
	int flush_pending;   /* PQflush returned 1: watch for writable */
	db_stmt_t *stmts[DB_STMT_BUCKETS]; /* owned: this session's statements */
	unsigned n_stmts, next_stmt_id;
	int ever_connected;
};

struct db_pool {
	uv_loop_t *loop;
	const qlog_t *log;
	char *conninfo;      /* owned copy */
	unsigned size, queue_max, reconnect_ms;
	db_conn_t *conns;    /* size entries */
	db_job_t *head, *tail;
	unsigned queued;     /* jobs waiting in head..tail */
	unsigned running;    /* jobs in flight */
	unsigned connected;  /* connections in DBC_READY */
	uv_idle_t kick;      /* runs db_pool_work on the next loop turn */
	int kick_active;
	int closing;
	unsigned handles;    /* open uv handles; the pool is freed at 0 */
	uint64_t errors;     /* failed queries */
	uint64_t reconnects; /* connections re-established after a loss */
};

static void dbc_connect(db_conn_t *dc);
static void dbc_poll_cb(uv_poll_t *h, int status, int events);
static void db_pool_kick(db_pool_t *pool);

/* ------------------------------------------------------------ handles */

static void db_pool_handle_closed(db_pool_t *pool)
{
	if (--pool->handles == 0 && pool->closing) {
		free(pool->conns);
		free(pool->conninfo);
		free(pool);
	}
}

static void db_poll_close_cb(uv_handle_t *h)
{
	db_poll_t *p = h->data;
	free(p);
}

static void db_timer_close_cb(uv_handle_t *h)
{
	db_conn_t *dc = h->data;
	db_pool_handle_closed(dc->pool);
}

static void db_idle_close_cb(uv_handle_t *h)
{
	db_pool_handle_closed(h->data);
}

static void dbc_unwatch(db_conn_t *dc)
{
	if (dc->poll != NULL) {
		dc->poll->dc = NULL;
		uv_poll_stop(&dc->poll->poll);
		uv_close((uv_handle_t *)&dc->poll->poll, db_poll_close_cb);
		dc->poll = NULL;
	}
}

/* Watches the connection's current socket for events. */
static int dbc_watch(db_conn_t *dc, int events)
{
	int fd = PQsocket(dc->pg);
	int rc;

	if (fd < 0)
		return -1;
	if (dc->poll != NULL && dc->poll->fd != fd)
		dbc_unwatch(dc);
	if (dc->poll == NULL) {
		db_poll_t *p = calloc(1, sizeof(*p));
		if (p == NULL)
			return -1;
		rc = uv_poll_init(dc->pool->loop, &p->poll, fd);
		if (rc != 0) {
			log_error(dc->pool->log, "event=db_poll_init status=failed error=\"%s\"", uv_strerror(rc));
			free(p);
			return -1;
		}
		p->poll.data = p;
		p->dc = dc;
		p->fd = fd;
		dc->poll = p;
	}
	if (dc->poll->events != events) {
		rc = uv_poll_start(&dc->poll->poll, events, dbc_poll_cb);
		if (rc != 0)
			return -1;
		dc->poll->events = events;
	}
	return 0;
}

/* ------------------------------------------------------------ jobs */

static void db_job_free(db_job_t *job)
{
	if (job->last != NULL)
		PQclear(job->last);
	if (job->error != NULL)
		PQclear(job->error);
	free(job);
}

static void db_job_fail(db_pool_t *pool, db_job_t *job, qt_status_t st, const char *msg)
{
	db_error_t err = {st, msg, NULL, NULL, NULL};
	pool->errors++;
	job->cb(NULL, &err, job->arg);
	db_job_free(job);
}

static void db_pool_fail_queue(db_pool_t *pool, qt_status_t st, const char *msg)
{
	while (pool->head != NULL) {
		db_job_t *job = pool->head;
		pool->head = job->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		db_job_fail(pool, job, st, msg);
	}
}

/* ------------------------------------------------------------ statements */

static uint64_t db_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static db_stmt_t **dbc_stmt_slot(db_conn_t *dc, const char *sql, uint64_t h)
{
	db_stmt_t **pp = &dc->stmts[h % DB_STMT_BUCKETS];

	while (*pp != NULL && ((*pp)->hash != h || strcmp((*pp)->sql, sql) != 0))
		pp = &(*pp)->next;
	return pp;
}

static void dbc_stmt_remove(db_conn_t *dc, db_stmt_t *st)
{
	db_stmt_t **pp = dbc_stmt_slot(dc, st->sql, st->hash);

	if (*pp == st) {
		*pp = st->next;
		dc->n_stmts--;
	}
	free(st->sql);
	free(st);
}

/* A statement entry for sql, or NULL without memory (the query then runs
 * unnamed). */
static db_stmt_t *db_stmt_new(const char *sql)
{
	db_stmt_t *st = calloc(1, sizeof(*st));

	if (st != NULL && (st->sql = strdup(sql)) == NULL) {
		free(st);
		st = NULL;
	}
	return st;
}

/* Forgets every statement (the session that held them is gone). */
static void dbc_stmts_clear(db_conn_t *dc)
{
	for (unsigned b = 0; b < DB_STMT_BUCKETS; b++) {
		while (dc->stmts[b] != NULL) {
			db_stmt_t *st = dc->stmts[b];
			dc->stmts[b] = st->next;
			free(st->sql);
			free(st);
		}
	}
	dc->n_stmts = 0;
}

/* After job's prepared statement failed: if the statement itself is no
 * longer usable (its result type changed under it, e.g. a view replaced
 * by a migration while the server ran, or the session lost it), forget it
 * so that the next query with that text prepares it again. */
static void dbc_stmt_check_stale(db_conn_t *dc, const db_job_t *job, const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	db_stmt_t **slot;

	if (state == NULL || (strcmp(state, "0A000") != 0 && strcmp(state, "26000") != 0))
		return;
	slot = dbc_stmt_slot(dc, job->sql, db_hash(job->sql));
	if (*slot != NULL && (*slot)->id == job->used_id)
		dbc_stmt_remove(dc, *slot);
}

/* Fails every query in flight on dc. */
static void dbc_fail_inflight(db_conn_t *dc, qt_status_t st, const char *msg)
{
	db_pool_t *pool = dc->pool;

	while (dc->head != NULL) {
		db_job_t *job = dc->head;
		dc->head = job->next;
		if (dc->head == NULL)
			dc->tail = NULL;
		dc->inflight--;
		pool->running--;
		db_job_fail(pool, job, st, msg);
	}
}

/* ------------------------------------------------------------ connection */

static void dbc_retry_cb(uv_timer_t *t)
{
	db_conn_t *dc = t->data;
	if (!dc->pool->closing && dc->state == DBC_DOWN)
		dbc_connect(dc);
}

/* Drops the connection, fails its query as retryable, and schedules a
 * reconnect.  Called when libpq reports the connection broken. */
static void dbc_lost(db_conn_t *dc, const char *why)
{
	db_pool_t *pool = dc->pool;

	if (dc->state == DBC_READY) {
		pool->connected--;
		log_warning(pool->log, "event=db_lost conn=%u error=\"%s\"", dc->idx, why);
	} else if (dc->ever_connected || dc->idx == 0) {
		/* Report failed attempts once per connection slot 0 to keep the
		 * log readable while the database is down. */
		log_debug(pool->log, "event=db_connect_failed conn=%u error=\"%s\"", dc->idx, why);
	}
	dbc_unwatch(dc);
	if (dc->pg != NULL) {
		PQfinish(dc->pg);
		dc->pg = NULL;
	}
	dc->state = DBC_DOWN;
	dc->flush_pending = 0;
	dbc_stmts_clear(dc);
	dbc_fail_inflight(dc, QT_UNAVAILABLE, "the database connection was lost");
	if (pool->connected == 0)
		db_pool_fail_queue(pool, QT_UNAVAILABLE, "the database is unavailable");
	if (!pool->closing)
		uv_timer_start(&dc->retry, dbc_retry_cb, pool->reconnect_ms, 0);
}

/* Routes libpq's notices (e.g. "terminating connection due to
 * administrator command") into the log instead of raw stderr. */
static void dbc_notice_cb(void *arg, const char *message)
{
	db_conn_t *dc = arg;
	size_t len = strcspn(message, "\n");

	log_info(dc->pool->log, "event=db_notice conn=%u msg=\"%.*s\"", dc->idx, (int)len, message);
}

static void dbc_connect(db_conn_t *dc)
{
	db_pool_t *pool = dc->pool;

	dc->pg = PQconnectStart(pool->conninfo);
	if (dc->pg == NULL)
		abort();
	PQsetNoticeProcessor(dc->pg, dbc_notice_cb, dc);
	if (PQstatus(dc->pg) == CONNECTION_BAD || PQsetnonblocking(dc->pg, 1) != 0) {
		dbc_lost(dc, PQerrorMessage(dc->pg));
		return;
	}
	dc->state = DBC_CONNECTING;
	/* libpq: behave as if PQconnectPoll last returned POLLING_WRITING. */
	if (dbc_watch(dc, UV_WRITABLE) != 0)
		dbc_lost(dc, "cannot watch the database socket");
}

static void dbc_connect_step(db_conn_t *dc)
{
	db_pool_t *pool = dc->pool;

	switch (PQconnectPoll(dc->pg)) {
	case PGRES_POLLING_READING:
		if (dbc_watch(dc, UV_READABLE) != 0)
			dbc_lost(dc, "cannot watch the database socket");
		return;
	case PGRES_POLLING_WRITING:
		if (dbc_watch(dc, UV_WRITABLE) != 0)
			dbc_lost(dc, "cannot watch the database socket");
		return;
	case PGRES_POLLING_OK:
		if (PQenterPipelineMode(dc->pg) != 1) {
			dbc_lost(dc, PQerrorMessage(dc->pg));
			return;
		}
		dc->state = DBC_READY;
		if (dc->ever_connected)
			pool->reconnects++;
		dc->ever_connected = 1;
		pool->connected++;
		log_info(pool->log, "event=db_connected conn=%u", dc->idx);
		if (dbc_watch(dc, UV_READABLE) != 0) {
			dbc_lost(dc, "cannot watch the database socket");
			return;
		}
		db_pool_kick(pool);
		return;
	case PGRES_POLLING_FAILED:
	default:
		dbc_lost(dc, PQerrorMessage(dc->pg));
		return;
	}
}

/* The head query's Sync arrived: its results are complete. */
static void dbc_complete(db_conn_t *dc)
{
	db_pool_t *pool = dc->pool;
	db_job_t *job = dc->head;
	db_error_t err = {QT_OK, NULL, NULL, NULL, NULL};

	dc->head = job->next;
	if (dc->head == NULL)
		dc->tail = NULL;
	dc->inflight--;
	pool->running--;
	if (job->error != NULL) {
		pool->errors++;
		db_error_from_result(job->error, &err);
		job->cb(NULL, &err, job->arg);
	} else if (job->last == NULL) {
		err.status = QT_INTERNAL;
		err.message = "the database returned no result";
		job->cb(NULL, &err, job->arg);
	} else {
		job->cb(job->last, NULL, job->arg);
	}
	db_job_free(job);
	db_pool_kick(pool);
}

/* Files one result under the head query. */
static void dbc_result(db_conn_t *dc, PGresult *res)
{
	db_job_t *job = dc->head;
	int ok;

	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_SINGLE_TUPLE:
		ok = 1;
		break;
	case PGRES_PIPELINE_ABORTED:
		/* Follows the error that aborted it, which was kept. */
		PQclear(res);
		return;
	default:
		ok = 0;
		break;
	}
	if (job->preparing != NULL && job->segment == 0) {
		/* The Prepare in front of the query. */
		db_stmt_t *st = job->preparing;
		if (ok) {
			st->ready = 1;
		} else {
			dbc_stmt_remove(dc, st);
			job->preparing = NULL;
			job->segment = 1; /* what follows is the query's own (aborted) result */
			if (job->error == NULL) {
				job->error = res;
				return;
			}
		}
		PQclear(res);
		return;
	}
	if (!ok && job->used_id != 0)
		dbc_stmt_check_stale(dc, job, res);
	if (ok) {
		if (job->last != NULL)
			PQclear(job->last);
		job->last = res;
	} else if (job->error == NULL) {
		job->error = res;
	} else {
		PQclear(res);
	}
}

/* Reads what has arrived and collects results; completes each query when
 * its Sync is in. */
static void dbc_read(db_conn_t *dc)
{
	db_pool_t *pool = dc->pool;
	int nulls = 0;

	if (PQconsumeInput(dc->pg) == 0) {
		dbc_lost(dc, PQerrorMessage(dc->pg));
		return;
	}
	/* Notifications are not used yet; drop them so they do not pile up. */
	for (PGnotify *n; (n = PQnotifies(dc->pg)) != NULL;)
		PQfreemem(n);
	while (dc->state == DBC_READY && dc->head != NULL && !pool->closing && !PQisBusy(dc->pg)) {
		PGresult *res = PQgetResult(dc->pg);

		if (res == NULL) {
			/* The end of one query's results (the Prepare's or the
			 * query's); two in a row would mean nothing more is there. */
			if (nulls++ > 0)
				break;
			dc->head->segment++;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			dbc_complete(dc);
			continue;
		}
		dbc_result(dc, res);
	}
	if (dc->state == DBC_READY && PQstatus(dc->pg) == CONNECTION_BAD)
		dbc_lost(dc, PQerrorMessage(dc->pg));
}

/* Flushes pending output; watches for writable only while libpq has more. */
static void dbc_flush(db_conn_t *dc)
{
	int f = PQflush(dc->pg);

	if (f < 0) {
		dbc_lost(dc, PQerrorMessage(dc->pg));
		return;
	}
	dc->flush_pending = f == 1;
	if (dbc_watch(dc, f == 1 ? (UV_READABLE | UV_WRITABLE) : UV_READABLE) != 0)
		dbc_lost(dc, "cannot watch the database socket");
}

static void dbc_poll_cb(uv_poll_t *h, int status, int events)
{
	db_poll_t *p = h->data;
	db_conn_t *dc = p->dc;

	if (dc == NULL || dc->pg == NULL)
		return;
	if (status < 0) {
		/* libuv has already stopped this handle (POLLERR, e.g. the
		 * database died with our queries unread): nothing would wake the
		 * connection again.  While connecting, let libpq judge and
		 * watch anew; a connection in use is given up after taking what
		 * libpq can still read, failing its queries as retryable. */
		p->events = 0;
		if (dc->state == DBC_CONNECTING) {
			dbc_connect_step(dc);
		} else if (dc->state == DBC_READY) {
			dbc_read(dc);
			if (dc->state == DBC_READY)
				dbc_lost(dc, "the database socket reported an error");
		}
		return;
	}
	switch (dc->state) {
	case DBC_CONNECTING:
		dbc_connect_step(dc);
		return;
	case DBC_READY:
		if ((events & UV_WRITABLE) && dc->flush_pending) {
			dbc_flush(dc);
			if (dc->state != DBC_READY)
				return;
		}
		if (events & UV_READABLE) {
			dbc_read(dc);
			/* The server may have stopped reading until we read; now
			 * that we have, push the rest of the queries. */
			if (dc->state == DBC_READY && dc->pg != NULL && dc->flush_pending)
				dbc_flush(dc);
		}
		return;
	case DBC_DOWN:
		return;
	}
}

/* Puts job on the wire of dc (prepared, preparing or unnamed) with its
 * Sync.  Returns 0, or -1 after dc was lost (job is then failed). */
static int dbc_send(db_conn_t *dc, db_job_t *job)
{
	db_pool_t *pool = dc->pool;
	uint64_t h = db_hash(job->sql);
	db_stmt_t **slot = dbc_stmt_slot(dc, job->sql, h);
	db_stmt_t *st = *slot;
	char name[16];
	int ok;

	job->next = NULL;
	if (dc->tail != NULL)
		dc->tail->next = job;
	else
		dc->head = job;
	dc->tail = job;
	dc->inflight++;
	pool->running++;
	if (st == NULL && dc->n_stmts < DB_STMT_MAX && (st = db_stmt_new(job->sql)) != NULL) {
		st->hash = h;
		st->id = ++dc->next_stmt_id;
		*slot = st;
		dc->n_stmts++;
		snprintf(name, sizeof(name), "qt%u", st->id);
		job->preparing = st;
		ok = PQsendPrepare(dc->pg, name, job->sql, job->nparams, NULL) &&
		     PQsendQueryPrepared(dc->pg, name, job->nparams, job->values, NULL, NULL, 0);
	} else if (st != NULL && st->ready) {
		snprintf(name, sizeof(name), "qt%u", st->id);
		job->used_id = st->id;
		ok = PQsendQueryPrepared(dc->pg, name, job->nparams, job->values, NULL, NULL, 0);
	} else {
		/* Its Prepare is still on the way (or the cache is full). */
		ok = PQsendQueryParams(dc->pg, job->sql, job->nparams, NULL, job->values, NULL, NULL, 0);
	}
	if (!ok || !PQpipelineSync(dc->pg)) {
		dbc_lost(dc, PQerrorMessage(dc->pg));
		return -1;
	}
	return 0;
}

/* The connection the next query goes to: an idle one if there is one,
 * else the one with the fewest queries in flight below DB_PIPELINE_MAX. */
static db_conn_t *db_pool_pick(db_pool_t *pool)
{
	db_conn_t *best = NULL;

	for (unsigned i = 0; i < pool->size; i++) {
		db_conn_t *dc = &pool->conns[i];
		if (dc->state != DBC_READY || dc->inflight >= DB_PIPELINE_MAX)
			continue;
		if (best == NULL || dc->inflight < best->inflight)
			best = dc;
		if (best->inflight == 0)
			break;
	}
	return best;
}

/* Sends queued jobs, then flushes every connection that got some. */
static void db_pool_work(db_pool_t *pool)
{
	db_conn_t *dc;
	int sent[64] = {0};
	int many = pool->size > 64;

	while (pool->head != NULL && (dc = db_pool_pick(pool)) != NULL) {
		db_job_t *job = pool->head;
		pool->head = job->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		if (dbc_send(dc, job) == 0) {
			if (many)
				dbc_flush(dc);
			else
				sent[dc->idx] = 1;
		}
	}
	for (unsigned i = 0; i < pool->size && !many; i++)
		if (sent[i] && pool->conns[i].state == DBC_READY)
			dbc_flush(&pool->conns[i]);
	if (pool->connected == 0)
		db_pool_fail_queue(pool, QT_UNAVAILABLE, "the database is unavailable");
}

static void db_kick_cb(uv_idle_t *h)
{
	db_pool_t *pool = h->data;

	uv_idle_stop(h);
	pool->kick_active = 0;
	db_pool_work(pool);
}

static void db_pool_kick(db_pool_t *pool)
{
	if (!pool->kick_active && pool->head != NULL && !pool->closing) {
		uv_idle_start(&pool->kick, db_kick_cb);
		pool->kick_active = 1;
	}
}

/* ------------------------------------------------------------ public */

qt_status_t db_pool_new(uv_loop_t *loop, const qlog_t *log,
                        const db_pool_opts_t *opts, db_pool_t **out)
{
	db_pool_t *pool = calloc(1, sizeof(*pool));

	if (pool == NULL)
		abort();
	pool->loop = loop;
	pool->log = log;
	pool->conninfo = strdup(opts->conninfo);
	pool->size = opts->size > 0 ? opts->size : 1;
	pool->queue_max = opts->queue_max;
	pool->reconnect_ms = opts->reconnect_ms;
	pool->conns = calloc(pool->size, sizeof(*pool->conns));
	if (pool->conninfo == NULL || pool->conns == NULL)
		abort();
	uv_idle_init(loop, &pool->kick);
	pool->kick.data = pool;
	pool->handles++;
	for (unsigned i = 0; i < pool->size; i++) {
		db_conn_t *dc = &pool->conns[i];
		dc->pool = pool;
		dc->idx = i;
		dc->state = DBC_DOWN;
		uv_timer_init(loop, &dc->retry);
		dc->retry.data = dc;
		pool->handles++;
	}
	for (unsigned i = 0; i < pool->size; i++)
		dbc_connect(&pool->conns[i]);
	*out = pool;
	return QT_OK;
}

void db_pool_close(db_pool_t *pool)
{
	if (pool == NULL || pool->closing)
		return;
	pool->closing = 1;
	db_pool_fail_queue(pool, QT_UNAVAILABLE, "the server is shutting down");
	for (unsigned i = 0; i < pool->size; i++) {
		db_conn_t *dc = &pool->conns[i];
		dbc_unwatch(dc);
		if (dc->pg != NULL) {
			PQfinish(dc->pg);
			dc->pg = NULL;
		}
		dc->state = DBC_DOWN;
		dbc_stmts_clear(dc);
		dbc_fail_inflight(dc, QT_UNAVAILABLE, "the server is shutting down");
		uv_timer_stop(&dc->retry);
		uv_close((uv_handle_t *)&dc->retry, db_timer_close_cb);
	}
	uv_idle_stop(&pool->kick);
	uv_close((uv_handle_t *)&pool->kick, db_idle_close_cb);
}

qt_status_t db_query(db_pool_t *pool, const char *sql, int nparams,
                     const char *const *values, db_result_cb cb, void *arg)
{
	db_job_t *job;

	if (pool->closing || pool->connected == 0)
		return QT_UNAVAILABLE;
	if (pool->queued >= pool->queue_max)
		return QT_RESOURCE_EXHAUSTED;
	/* The array is copied: a query that waits in the queue is sent after
	 * the caller's stack frame is gone. */
	job = calloc(1, sizeof(*job) + (size_t)(nparams > 0 ? nparams : 0) * sizeof(job->vals[0]));
	if (job == NULL)
		return QT_NOMEM;
	job->sql = sql;
	job->nparams = nparams;
	for (int i = 0; i < nparams; i++)
		job->vals[i] = values[i];
	job->values = job->vals;
	job->cb = cb;
	job->arg = arg;
	if (pool->tail != NULL)
		pool->tail->next = job;
	else
		pool->head = job;
	pool->tail = job;
	pool->queued++;
	db_pool_kick(pool);
	return QT_OK;
}

unsigned db_pool_connected(const db_pool_t *pool)
{
	return pool->connected;
}

unsigned db_pool_pending(const db_pool_t *pool)
{
	return pool->queued + pool->running;
}

void db_pool_stats(const db_pool_t *pool, db_pool_stats_t *out)
{
	unsigned busy = 0;

	for (unsigned i = 0; i < pool->size; i++)
		busy += pool->conns[i].inflight > 0;
	out->size = pool->size;
	out->connected = pool->connected;
	out->in_use = busy;
	out->waiting = pool->queued;
	out->errors = pool->errors;
	out->reconnects = pool->reconnects;
}
