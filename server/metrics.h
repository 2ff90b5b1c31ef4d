/* Prometheus metrics: counters and histograms kept by the server (part of
 * server_t, no global state) and a small HTTP listener, by default on
 * loopback only, that answers GET /metrics in the Prometheus text format
 * (version 0.0.4).  Everything else on that port gets 404. */
#ifndef QUARTIERD_METRICS_H
#define QUARTIERD_METRICS_H

#include <stdint.h>
#include <uv.h>

#include "qt_status.h"

#define METRICS_MAX_TYPES 128      /* request types tracked (more than the dispatch table holds) */
#define METRICS_BUCKETS 12         /* latency histogram buckets (+Inf apart) */
#define METRICS_NSTATUS (QT_STATUS_WIRE_MAX + 1)

typedef struct metrics_type {
	const char *name;                        /* static string from the dispatch table */
	uint64_t by_status[METRICS_NSTATUS];     /* requests answered with each status */
	uint64_t buckets[METRICS_BUCKETS];       /* cumulative counts per upper bound */
	uint64_t count;                          /* all observations */
	double sum;                              /* seconds */
} metrics_type_t;

typedef struct metrics {
	uint64_t conn_accepted;      /* connections accepted */
	uint64_t conn_refused;       /* closed at accept (limits, shutdown) */
	uint64_t conn_refused_per_address; /* of those: over max_connections_per_address */
	uint64_t tls_handshakes;     /* completed handshakes */
	uint64_t tls_failures;       /* failed handshakes and TLS errors */
	uint64_t protocol_errors;    /* connections closed for protocol errors */
	uint64_t logins_failed;
	uint64_t logins_delayed;     /* login attempts made to wait (throttling) */
	uint64_t login_lockouts;     /* logins locked after too many failures */
	uint64_t audit_sealed;       /* audit rows appended to the hash chain by this server */
	uint64_t audit_seal_failures; /* sealing rounds that failed */
	uint64_t audit_breaks;       /* breaks of the audit chain found (sealer or verification) */
	uint64_t sync_person_memo_hits;   /* membership records whose person came from the memo */
	uint64_t sync_person_memo_misses; /* ... and those whose person the database rendered */
	metrics_type_t types[METRICS_MAX_TYPES];
	unsigned ntypes;
	uint64_t started_at;         /* unix seconds */
} metrics_t;

/* Gauges read when the page is rendered, supplied by the caller. */
typedef struct metrics_gauges {
	unsigned conn_open;
	unsigned db_connected, db_size, db_in_use, db_waiting;
	uint64_t db_errors, db_reconnects;
	uint64_t project_cache_hits, project_cache_misses; /* project_cache.h */
	uint64_t project_cache_check_batches;
	unsigned hash_running, hash_queued;
	unsigned logins_waiting;     /* login attempts waiting out their delay now */
	int ready;
} metrics_gauges_t;

typedef struct metrics_http metrics_http_t;

/* Records one answered request of type (a static string) with status st
 * that took seconds. */
void metrics_request(metrics_t *m, const char *type, qt_status_t st, double seconds);

/* Upper bound in seconds of latency bucket k (0 <= k < METRICS_BUCKETS). */
double metrics_bucket_bound(int k);

/* Renders the page into a new buffer (caller frees with free()); *len is
 * its length.  Pure: no I/O. */
char *metrics_render(const metrics_t *m, const metrics_gauges_t *g, size_t *len);

/* Called for each scrape to fill the gauges. */
typedef void (*metrics_gauges_cb)(void *arg, metrics_gauges_t *g);

/* Starts the HTTP listener on addr:port.  *out is owned by the caller and
 * closed with metrics_http_close().  Returns a libuv error code (0 on
 * success). */
int metrics_http_start(uv_loop_t *loop, const char *addr, unsigned port,
                       const metrics_t *m, metrics_gauges_cb gauges, void *arg,
                       metrics_http_t **out);

/* Stops listening and closes open scrapes; frees itself asynchronously. */
void metrics_http_close(metrics_http_t *h);

#endif
