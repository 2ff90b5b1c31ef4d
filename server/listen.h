/* A PostgreSQL connection of its own that LISTENs for notifications
 * (outside the query pool, whose connections come and go between
 * queries).  It connects without blocking, LISTENs on its channels and
 * hands every notification to a callback on the loop thread.  When the
 * connection is lost it reconnects after a delay and LISTENs again; since
 * notifications sent meanwhile are lost, the ready callback runs after
 * every (re)connection, so the owner can look at what it may have missed. */
#ifndef QUARTIERD_LISTEN_H
#define QUARTIERD_LISTEN_H

#include <uv.h>

#include "log.h"
#include "qt_status.h"

typedef struct listen_conn listen_t;

/* A notification on channel with payload (both borrowed for the call). */
typedef void (*listen_notify_cb)(void *arg, const char *channel, const char *payload);

/* LISTEN is in place (after the first connection and after every
 * reconnection). */
typedef void (*listen_ready_cb)(void *arg);

typedef struct listen_opts {
	const char *conninfo;       /* libpq connection string; copied */
	unsigned reconnect_ms;      /* delay between connection attempts */
	const char *const *channels; /* NULL-terminated; plain identifiers; copied */
	listen_notify_cb on_notify;
	listen_ready_cb on_ready;   /* may be NULL */
	void *arg;                  /* passed to both callbacks */
} listen_opts_t;

/* Creates the listener on loop and starts connecting; log is borrowed for
 * its lifetime.  *out belongs to the caller until listen_close(). */
qt_status_t listen_start(uv_loop_t *loop, const qlog_t *log, const listen_opts_t *opts,
                         listen_t **out);

/* Whether LISTEN is in place now. */
int listen_ready(const listen_t *l);

/* Closes the connection; the object is freed once its handles are closed
 * (asynchronously).  No callback runs after this.  NULL is allowed. */
void listen_close(listen_t *l);

#endif
