/* The LISTEN connection (see listen.h).  It follows the same non-blocking
 * libpq rules as the query pool (db.c): connect with
 * PQconnectStartParams/PQconnectPoll, re-reading PQsocket() after every
 * step and watching a new descriptor with a new poll handle; after sending,
 * PQflush until it returns 0, watching for writable only meanwhile; on
 * readable, PQconsumeInput, then collect results and notifications. */
#include "listen.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LISTEN_APP_NAME "quartierd listen"

/* States and their transitions:
 *   LISTEN_DOWN        -> LISTEN_CONNECTING   retry timer (or start)
 *   LISTEN_CONNECTING  -> LISTEN_SUBSCRIBING  connected, LISTEN sent
 *   LISTEN_SUBSCRIBING -> LISTEN_READY        LISTEN answered
 *   any                -> LISTEN_DOWN         connection lost or refused */
typedef enum {
	LISTEN_DOWN,
	LISTEN_CONNECTING,
	LISTEN_SUBSCRIBING,
	LISTEN_READY,
} listen_state_t;

/* Heap-allocated because the socket may change while connecting: the old
 * handle is closed before a new one watches the new descriptor. */
typedef struct listen_poll {
	uv_poll_t poll;
	listen_t *l;   /* NULL once detached */
	int fd;
	int events;    /* UV_READABLE | UV_WRITABLE watched now */
} listen_poll_t;

struct listen_conn {
	uv_loop_t *loop;          /* borrowed */
	const qlog_t *log;        /* borrowed */
	char *conninfo;           /* owned */
	char *sql;                /* owned: "LISTEN a; LISTEN b" */
	unsigned reconnect_ms;
	listen_notify_cb on_notify;
	listen_ready_cb on_ready;
	void *arg;
	listen_state_t state;
	PGconn *pg;               /* owned; NULL in LISTEN_DOWN */
	listen_poll_t *poll;      /* owned until closed; NULL if none */
	uv_timer_t retry;         /* the object is freed in its close callback */
	int was_ready;            /* LISTEN was in place on this connection */
	int failed_attempts;      /* since the last successful connection */
	int closing;
};

static void listen_connect(listen_t *l);
static void listen_poll_cb(uv_poll_t *h, int status, int events);

/* ------------------------------------------------------------ handles */

static void listen_poll_closed(uv_handle_t *h)
{
	free(h->data);
}

static void listen_unwatch(listen_t *l)
{
	if (l->poll == NULL)
		return;
	l->poll->l = NULL;
	uv_poll_stop(&l->poll->poll);
	uv_close((uv_handle_t *)&l->poll->poll, listen_poll_closed);
	l->poll = NULL;
}

/* Watches the connection's current socket for events; -1 on failure. */
static int listen_watch(listen_t *l, int events)
{
	int fd = PQsocket(l->pg);

	if (fd < 0)
		return -1;
	if (l->poll != NULL && l->poll->fd != fd)
		listen_unwatch(l);
	if (l->poll == NULL) {
		listen_poll_t *p = calloc(1, sizeof(*p));
		if (p == NULL)
			abort();
		if (uv_poll_init(l->loop, &p->poll, fd) != 0) {
			free(p);
			return -1;
		}
		p->poll.data = p;
		p->l = l;
		p->fd = fd;
		l->poll = p;
	}
	if (l->poll->events != events) {
		if (uv_poll_start(&l->poll->poll, events, listen_poll_cb) != 0)
			return -1;
		l->poll->events = events;
	}
	return 0;
}

/* ------------------------------------------------------------ connection */

static void listen_retry_cb(uv_timer_t *t)
{
	listen_t *l = t->data;

	if (!l->closing && l->state == LISTEN_DOWN)
		listen_connect(l);
}

/* Drops the connection and tries again after reconnect_ms. */
static void listen_lost(listen_t *l, const char *why)
{
	size_t len = strcspn(why, "\n");

	if (l->was_ready)
		log_warning(l->log, "event=listen_lost error=\"%.*s\" msg=\"account changes made "
		                    "elsewhere wait until the connection is back\"",
		            (int)len, why);
	else if (l->failed_attempts++ == 0)
		log_warning(l->log, "event=listen_failed error=\"%.*s\"", (int)len, why);
	listen_unwatch(l);
	if (l->pg != NULL) {
		PQfinish(l->pg);
		l->pg = NULL;
	}
	l->state = LISTEN_DOWN;
	l->was_ready = 0;
	if (!l->closing)
		uv_timer_start(&l->retry, listen_retry_cb, l->reconnect_ms, 0);
}

static void listen_connect(listen_t *l)
{
	const char *keys[] = {"dbname", "application_name", NULL};
	const char *values[] = {l->conninfo, LISTEN_APP_NAME, NULL};

	/* expand_dbname: conninfo is a whole connection string; the keys after
	 * it override what it says. */
	l->pg = PQconnectStartParams(keys, values, 1);
	if (l->pg == NULL)
		abort();
	if (PQstatus(l->pg) == CONNECTION_BAD || PQsetnonblocking(l->pg, 1) != 0) {
		listen_lost(l, PQerrorMessage(l->pg));
		return;
	}
	l->state = LISTEN_CONNECTING;
	/* libpq: behave as if PQconnectPoll last returned POLLING_WRITING. */
	if (listen_watch(l, UV_WRITABLE) != 0)
		listen_lost(l, "cannot watch the database socket");
}

/* Sends what libpq holds; watches for writable only while it has more. */
static void listen_flush(listen_t *l)
{
	int f = PQflush(l->pg);

	if (f < 0) {
		listen_lost(l, PQerrorMessage(l->pg));
		return;
	}
	if (listen_watch(l, f == 1 ? (UV_READABLE | UV_WRITABLE) : UV_READABLE) != 0)
		listen_lost(l, "cannot watch the database socket");
}

static void listen_connect_step(listen_t *l)
{
	switch (PQconnectPoll(l->pg)) {
	case PGRES_POLLING_READING:
		if (listen_watch(l, UV_READABLE) != 0)
			listen_lost(l, "cannot watch the database socket");
		return;
	case PGRES_POLLING_WRITING:
		if (listen_watch(l, UV_WRITABLE) != 0)
			listen_lost(l, "cannot watch the database socket");
		return;
	case PGRES_POLLING_OK:
		if (!PQsendQuery(l->pg, l->sql)) {
			listen_lost(l, PQerrorMessage(l->pg));
			return;
		}
		l->state = LISTEN_SUBSCRIBING;
		listen_flush(l);
		return;
	case PGRES_POLLING_FAILED:
	default:
		listen_lost(l, PQerrorMessage(l->pg));
		return;
	}
}

/* Reads what arrived: the answers to LISTEN, then notifications. */
static void listen_read(listen_t *l)
{
	PGnotify *n;

	if (PQconsumeInput(l->pg) == 0) {
		listen_lost(l, PQerrorMessage(l->pg));
		return;
	}
	while (l->state == LISTEN_SUBSCRIBING && !PQisBusy(l->pg)) {
		PGresult *res = PQgetResult(l->pg);

		if (res == NULL) {
			l->state = LISTEN_READY;
			l->was_ready = 1;
			l->failed_attempts = 0;
			log_info(l->log, "event=listen_ready backend_pid=%d", PQbackendPID(l->pg));
			if (l->on_ready != NULL)
				l->on_ready(l->arg);
			if (l->closing || l->pg == NULL)
				return;
			break;
		}
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			char msg[256];
			snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
			PQclear(res);
			listen_lost(l, msg);
			return;
		}
		PQclear(res);
	}
	while ((n = PQnotifies(l->pg)) != NULL) {
		if (!l->closing)
			l->on_notify(l->arg, n->relname, n->extra);
		PQfreemem(n);
	}
	if (l->pg != NULL && PQstatus(l->pg) == CONNECTION_BAD)
		listen_lost(l, PQerrorMessage(l->pg));
}

static void listen_poll_cb(uv_poll_t *h, int status, int events)
{
	listen_poll_t *p = h->data;
	listen_t *l = p->l;

	if (l == NULL || l->pg == NULL)
		return;
	if (status < 0)
		events = UV_READABLE | UV_WRITABLE; /* let libpq find the error */
	switch (l->state) {
	case LISTEN_CONNECTING:
		listen_connect_step(l);
		return;
	case LISTEN_SUBSCRIBING:
		if (events & UV_WRITABLE) {
			listen_flush(l);
			if (l->state != LISTEN_SUBSCRIBING)
				return;
		}
		if (events & UV_READABLE)
			listen_read(l);
		return;
	case LISTEN_READY:
		if (events & UV_READABLE)
			listen_read(l);
		return;
	case LISTEN_DOWN:
		return;
	}
}

/* ------------------------------------------------------------ public */

qt_status_t listen_start(uv_loop_t *loop, const qlog_t *log, const listen_opts_t *opts,
                         listen_t **out)
{
	listen_t *l = calloc(1, sizeof(*l));
	size_t len = 1;

	if (l == NULL)
		abort();
	for (const char *const *c = opts->channels; *c != NULL; c++)
		len += strlen(*c) + 10;
	l->sql = calloc(1, len);
	l->conninfo = strdup(opts->conninfo);
	if (l->sql == NULL || l->conninfo == NULL)
		abort();
	for (const char *const *c = opts->channels; *c != NULL; c++) {
		strcat(l->sql, "LISTEN ");
		strcat(l->sql, *c);
		strcat(l->sql, ";");
	}
	l->loop = loop;
	l->log = log;
	l->reconnect_ms = opts->reconnect_ms;
	l->on_notify = opts->on_notify;
	l->on_ready = opts->on_ready;
	l->arg = opts->arg;
	l->state = LISTEN_DOWN;
	uv_timer_init(loop, &l->retry);
	l->retry.data = l;
	listen_connect(l);
	*out = l;
	return QT_OK;
}

int listen_ready(const listen_t *l)
{
	return l != NULL && l->state == LISTEN_READY;
}

static void listen_retry_closed(uv_handle_t *h)
{
	listen_t *l = h->data;

	free(l->conninfo);
	free(l->sql);
	free(l);
}

void listen_close(listen_t *l)
{
	if (l == NULL || l->closing)
		return;
	l->closing = 1;
	listen_unwatch(l);
	if (l->pg != NULL) {
		PQfinish(l->pg);
		l->pg = NULL;
	}
	l->state = LISTEN_DOWN;
	uv_timer_stop(&l->retry);
	uv_close((uv_handle_t *)&l->retry, listen_retry_closed);
}
