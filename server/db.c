/* The asynchronous PostgreSQL pool (see db.h).
 *
 * Each connection follows libpq's non-blocking rules: connect with
 * PQconnectStart/PQconnectPoll, re-reading PQsocket() after every step;
 * after sending, PQflush until it returns 0, polling for writable only
 * while it returns 1; on readable, PQconsumeInput and collect results until
 * PQisBusy says more input is needed.  Work is started from an idle
 * handle so that db_query() never runs a callback before it returns. */
#include "db.h"

#include <stdlib.h>
#include <string.h>

typedef enum {
	DBC_DOWN,        /* no connection; retry timer may be running */
	DBC_CONNECTING,  /* PQconnectPoll in progress */
	DBC_IDLE,        /* connected, no query */
	DBC_BUSY,        /* a query was sent, results pending */
} dbc_state_t;

typedef struct db_job {
	struct db_job *next;
	const char *sql;             /* borrowed until cb */
	int nparams;
	const char *const *values;   /* borrowed until cb */
	db_result_cb cb;
	void *arg;
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
	db_job_t *job;       /* query in flight (DBC_BUSY) */
	PGresult *last;      /* last result of the query in flight */
	PGresult *error;     /* first error result of the query in flight */
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
	unsigned connected;  /* connections in IDLE or BUSY */
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

static void db_job_fail(db_pool_t *pool, db_job_t *job, qt_status_t st, const char *msg)
{
	db_error_t err = {st, msg, NULL, NULL, NULL};
	pool->errors++;
	job->cb(NULL, &err, job->arg);
	free(job);
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

static void dbc_clear_results(db_conn_t *dc)
{
	if (dc->last != NULL)
		PQclear(dc->last);
	if (dc->error != NULL)
		PQclear(dc->error);
	dc->last = dc->error = NULL;
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
	db_job_t *job = dc->job;

	if (dc->state == DBC_IDLE || dc->state == DBC_BUSY) {
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
	dbc_clear_results(dc);
	dc->job = NULL;
	dc->state = DBC_DOWN;
	if (job != NULL) {
		pool->running--;
		db_job_fail(pool, job, QT_UNAVAILABLE, "the database connection was lost");
	}
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
		dc->state = DBC_IDLE;
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

static void dbc_complete(db_conn_t *dc)
{
	db_pool_t *pool = dc->pool;
	db_job_t *job = dc->job;
	db_error_t err = {QT_OK, NULL, NULL, NULL, NULL};

	dc->job = NULL;
	dc->state = DBC_IDLE;
	pool->running--;
	if (dc->error != NULL) {
		pool->errors++;
		db_error_from_result(dc->error, &err);
		job->cb(NULL, &err, job->arg);
	} else if (dc->last == NULL) {
		err.status = QT_INTERNAL;
		err.message = "the database returned no result";
		job->cb(NULL, &err, job->arg);
	} else {
		job->cb(dc->last, NULL, job->arg);
	}
	free(job);
	dbc_clear_results(dc);
	if (dc->pg != NULL && dbc_watch(dc, UV_READABLE) != 0) {
		dbc_lost(dc, "cannot watch the database socket");
		return;
	}
	db_pool_kick(pool);
}

/* Reads what has arrived and collects results; completes the job when the
 * last result is in. */
static void dbc_read(db_conn_t *dc)
{
	if (PQconsumeInput(dc->pg) == 0) {
		dbc_lost(dc, PQerrorMessage(dc->pg));
		return;
	}
	/* Notifications are not used yet; drop them so they do not pile up. */
	for (PGnotify *n; (n = PQnotifies(dc->pg)) != NULL;)
		PQfreemem(n);
	if (dc->state != DBC_BUSY) {
		if (PQstatus(dc->pg) == CONNECTION_BAD)
			dbc_lost(dc, PQerrorMessage(dc->pg));
		return;
	}
	while (!PQisBusy(dc->pg)) {
		PGresult *res = PQgetResult(dc->pg);
		if (res == NULL) {
			dbc_complete(dc);
			return;
		}
		switch (PQresultStatus(res)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_SINGLE_TUPLE:
			if (dc->last != NULL)
				PQclear(dc->last);
			dc->last = res;
			break;
		default:
			if (dc->error == NULL)
				dc->error = res;
			else
				PQclear(res);
			break;
		}
	}
	if (PQstatus(dc->pg) == CONNECTION_BAD)
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
		 * database died with our query unread): nothing would wake the
		 * connection again.  While connecting, let libpq judge and
		 * watch anew; a connection in use is given up after taking what
		 * libpq can still read, failing its query as retryable. */
		p->events = 0;
		if (dc->state == DBC_CONNECTING) {
			dbc_connect_step(dc);
		} else if (dc->state == DBC_IDLE || dc->state == DBC_BUSY) {
			dbc_read(dc);
			if (dc->state == DBC_IDLE || dc->state == DBC_BUSY)
				dbc_lost(dc, "the database socket reported an error");
		}
		return;
	}
	switch (dc->state) {
	case DBC_CONNECTING:
		dbc_connect_step(dc);
		return;
	case DBC_IDLE:
		if (events & UV_READABLE)
			dbc_read(dc);
		return;
	case DBC_BUSY:
		if (events & UV_WRITABLE) {
			dbc_flush(dc);
			if (dc->state != DBC_BUSY)
				return;
		}
		if (events & UV_READABLE) {
			dbc_read(dc);
			/* The server may have stopped reading until we read; now
			 * that we have, push the rest of the query. */
			if (dc->state == DBC_BUSY && dc->pg != NULL &&
			    dc->poll != NULL && (dc->poll->events & UV_WRITABLE))
				dbc_flush(dc);
		}
		return;
	case DBC_DOWN:
		return;
	}
}

static void dbc_start(db_conn_t *dc, db_job_t *job)
{
	db_pool_t *pool = dc->pool;

	dc->job = job;
	dc->state = DBC_BUSY;
	pool->running++;
	if (!PQsendQueryParams(dc->pg, job->sql, job->nparams, NULL, job->values,
	                       NULL, NULL, 0)) {
		dbc_lost(dc, PQerrorMessage(dc->pg));
		return;
	}
	dbc_flush(dc);
}

/* Starts queued jobs on idle connections. */
static void db_pool_work(db_pool_t *pool)
{
	for (unsigned i = 0; i < pool->size && pool->head != NULL; i++) {
		db_conn_t *dc = &pool->conns[i];
		db_job_t *job;

		if (dc->state != DBC_IDLE)
			continue;
		job = pool->head;
		pool->head = job->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		job->next = NULL;
		dbc_start(dc, job);
	}
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
		db_job_t *job = dc->job;
		dbc_unwatch(dc);
		if (dc->pg != NULL) {
			PQfinish(dc->pg);
			dc->pg = NULL;
		}
		dbc_clear_results(dc);
		dc->job = NULL;
		dc->state = DBC_DOWN;
		if (job != NULL)
			db_job_fail(pool, job, QT_UNAVAILABLE, "the server is shutting down");
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
	job = calloc(1, sizeof(*job));
	if (job == NULL)
		return QT_NOMEM;
	job->sql = sql;
	job->nparams = nparams;
	job->values = values;
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
	out->size = pool->size;
	out->connected = pool->connected;
	out->in_use = pool->running;
	out->waiting = pool->queued;
	out->errors = pool->errors;
	out->reconnects = pool->reconnects;
}
