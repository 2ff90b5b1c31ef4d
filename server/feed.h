/* The change feed's live side: subscriptions and the watcher that wakes
 * them.
 *
 * The feed itself lives in PostgreSQL (change_log, migration 0008); this
 * module never decides what a client may see -- it only decides whom to
 * wake.  A woken subscription runs an ordinary sync_pull for its
 * connection (sync.c), through the same permission checks as any request,
 * and the answer goes out as an Event.
 *
 * The watcher follows the feed with a cursor of its own: after a commit of
 * this server (feed_kick(), called when a mutation answer carries a
 * cursor) at once, and every feed_poll_ms while anybody is subscribed, for
 * the writes of other instances sharing the database and for changes that
 * become servable when an older transaction ends.  No NOTIFY on the write
 * path.  The rows it reads carry scope keys (projects, quarters, districts,
 * offices); subscriptions are indexed by their scope, so a change wakes
 * the subscriptions of its scopes and those that follow everything.
 *
 * Subscriptions to everything that are level with the watcher share its
 * work: the rows one watcher round read are rendered once per account
 * (sync_push_rows(), through the same handlers as a pull) and the result
 * goes to every such connection of that account, each getting the records
 * past its own cursor.  The others -- scoped subscriptions, which must
 * learn when a record left their scope, and any that fell behind -- pull
 * for themselves.  The watcher reads the next round only when the shared
 * renders of the last one are out.
 *
 * A subscription has at most one pull in flight.  When a connection has
 * more than feed_queue_max bytes unsent, it gets Event.overflow and loses
 * the subscription; the client pulls from its cursor and subscribes again,
 * so a slow reader costs bounded memory. */
#ifndef QUARTIERD_FEED_H
#define QUARTIERD_FEED_H

#include <stdint.h>
#include <uv.h>

#include "fanout.h"

typedef struct server server_t;
typedef struct conn conn_t;
typedef struct feed_sub feed_sub_t;
typedef struct req req_t;

/* One row of change_log as the watcher read it. */
typedef struct feed_row {
	int type;                 /* RecordType */
	int64_t id;
	int deleted;
	uint64_t xid, seq;
} feed_row_t;

#define FEED_BUCKETS 1024u

typedef struct feed {
	server_t *srv;            /* borrowed */
	char epoch[33];           /* this database's feed epoch; "" until read */
	uv_timer_t poll;          /* watcher tick */
	uv_timer_t maint;         /* epoch lookup, pruning, dated visibility */
	int timers_open;
	int watching;             /* a watcher query is in flight */
	int kicked;               /* a kick came while watching: look again */
	int head_known;
	uint64_t head_xid, head_seq; /* the watcher's own cursor */
	char watch_xid[24], watch_seq[24]; /* parameters of the query in flight */
	const char *watch_params[3];
	int maint_running;
	char maint_days[16], maint_mdays[16];
	const char *maint_params[2];
	feed_sub_t *all;          /* subscriptions to SCOPE_ALL */
	feed_sub_t *buckets[FEED_BUCKETS]; /* the others, by (kind, id) */
	unsigned n_subs;
	uint64_t wake_round;      /* dedupes wake-ups within one watcher round */
	feed_row_t *rows;         /* owned: the last round's rows, one per record
	                           * at its last change, while shared */
	size_t n_rows, cap_rows;  /* renders of them run */
	unsigned groups_pending;  /* shared renders in flight */
	uint64_t pushes, overflows; /* for metrics and tests */
	fanout_t fanout;          /* threads that write shared pushes */
} feed_t;

/* Sets up f for srv (timers on srv's loop); nothing runs until the loop
 * does.  The epoch is read as soon as the database answers. */
void feed_init(feed_t *f, server_t *srv);

/* Stops timers and drops every subscription (shutdown). */
void feed_close(feed_t *f);

/* The feed epoch ("" until known); borrowed from f. */
const char *feed_epoch(const feed_t *f);

/* A mutation of this server has committed: look at the feed now. */
void feed_kick(feed_t *f);

/* Subscribes c (replacing a previous subscription) from cursor (epoch, xid, seq)
 * in scope (kind, id) and schedules an immediate pull.  The subscription
 * belongs to c and ends with it. */
void feed_subscribe(feed_t *f, conn_t *c, const char *epoch, uint64_t xid, uint64_t seq,
                    int kind, int64_t id);

/* Renders rows (borrowed until r is answered; one per record) for r's connection and
 * actor, as sync_pull would: r is an internal sync_pull request whose
 * cursor carries the subscribers' epoch.  Answers r with sync_changes
 * (cursor (to_xid, to_seq)), with resync if the epoch is no longer the
 * account's, or with a retryable error if its rights are changing.
 * Defined in sync.c. */
void sync_push_rows(req_t *r, const feed_row_t *rows, size_t n, uint64_t to_xid,
                    uint64_t to_seq);

/* Ends c's subscription, if any (unsubscribe request, logout, close). */
void feed_unsubscribe(feed_t *f, conn_t *c);

/* Frees c's subscription object once c itself goes (conn.c). */
void feed_sub_free(feed_sub_t *s);

#endif
