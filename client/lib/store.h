/* Internals of the store (store.c): the SQLite file behind qt_store_t
 * with the replica, its feed position and the outbox, shared by the sync
 * (sync.c) and outbox (outbox.c) layers.  Nothing here is public. */
#ifndef QUARTIER_CLIENT_STORE_H
#define QUARTIER_CLIENT_STORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "internal.h"

#define STORE_MAGIC 0x51535452u /* "QSTR": a live store */

struct qt_store {
	uint32_t magic;       /* STORE_MAGIC while the handle is valid */
	sqlite3 *db;          /* owned */
	char *path;           /* owned */
	char *instance_id;    /* owned; NULL until the first one is given */
	qt_error_t err;       /* last error; strings point to err_message */
	char *err_message;    /* owned, or NULL */
};

/* A feed position; epoch is owned by whoever fills the struct. */
typedef struct store_cursor {
	int set;              /* 0: no position */
	char *epoch;
	uint64_t xid, seq;
} store_cursor_t;

void store_cursor_clear(store_cursor_t *cur);

/* Copies a wire cursor (borrowed) into *out (cleared first). */
qt_status_t store_cursor_from_wire(const Quartier__V1__Cursor *w, store_cursor_t *out);

/* "epoch/xid/seq" into buf (at most len bytes); "-" when not set. */
const char *store_cursor_text(const store_cursor_t *cur, char *buf, size_t len);

/* Compares positions of one epoch; another epoch compares as newer. */
int store_cursor_cmp(const store_cursor_t *a, const store_cursor_t *b);

/* What the replica holds, from its one-row table. */
typedef struct store_state {
	qt_scope_t scope;
	store_cursor_t cursor;       /* the feed position of the replica */
	store_cursor_t snap_cursor;  /* a snapshot in progress: its position */
	int snap_has_after;          /* ... and where to go on */
	qt_record_type_t snap_after_type;
	int64_t snap_after_id;
	int64_t last_sync;
} store_state_t;

void store_state_clear(store_state_t *st);
qt_status_t store_state_read(qt_store_t *s, store_state_t *out);

/* Clears the records, the cursor and any snapshot in progress, and sets
 * the scope: the replica starts over (one transaction). */
qt_status_t store_reset(qt_store_t *s, const qt_scope_t *scope);

/* Applies one snapshot page (borrowed) in one transaction: its records,
 * and either the position to go on from (more) or, after the last page,
 * the cursor (the snapshot is complete).  first: the snapshot starts now,
 * so the records of the replica are cleared in the same transaction. */
qt_status_t store_apply_snapshot(qt_store_t *s, const Quartier__V1__SyncSnapshotPage *pg,
                                 int first);

/* Applies a page of the feed (borrowed) with its cursor in one
 * transaction; at_head also stamps the time of the last sync.  A page
 * whose cursor is not newer than the replica's is old news and skipped
 * (*applied 0). */
qt_status_t store_apply_changes(qt_store_t *s, const Quartier__V1__SyncChanges *ch, int at_head,
                                int *applied, uint64_t *changed, uint64_t *deleted);

/* Stamps the time of the last successful sync. */
qt_status_t store_touch(qt_store_t *s);

/* Per type: count and checksum of the replica's records (arrays indexed by
 * type value, QT_STORE_NTYPES entries, zeroed by the caller). */
#define QT_STORE_NTYPES 32
qt_status_t store_sums(qt_store_t *s, uint64_t *count, uint64_t *sum);

/* ---------------------------------------------------------------- outbox rows */

typedef struct store_outbox_row {
	qt_outbox_entry_t e;     /* the public view */
	uint8_t *request;        /* owned; the serialized Request (id 0, no seq) */
	size_t request_len;
	char *instance_id;       /* owned */
} store_outbox_row_t;

void store_outbox_row_clear(store_outbox_row_t *r);

/* Stores a new queued entry (one transaction with the next sequence
 * number): *id and *seq are written on success. */
qt_status_t store_outbox_add(qt_store_t *s, const char *request_type, qt_record_type_t ttype,
                             int64_t tid, int64_t expected_version, const uint8_t *req,
                             size_t len, int64_t *id, uint64_t *seq);

/* Reads the entry #id (QT_NOT_FOUND) or, with id 0, the first queued one
 * with a seq above after_seq (QT_NOT_FOUND when there is none). */
qt_status_t store_outbox_read(qt_store_t *s, int64_t id, uint64_t after_seq,
                              store_outbox_row_t *out);

/* Settles an entry after an attempt: state, cursor (done; may be NULL)
 * and the error (conflicted, failed; status QT_OK for none). */
qt_status_t store_outbox_settle(qt_store_t *s, int64_t id, qt_outbox_state_t state,
                                const store_cursor_t *cursor, qt_status_t est,
                                const char *emsg, const char *efield);

/* Queues an entry again under a new sequence number, optionally with a
 * new request (req NULL keeps it) and expected version (-1 keeps it). */
qt_status_t store_outbox_requeue(qt_store_t *s, int64_t id, const uint8_t *req, size_t len,
                                 int64_t expected_version, uint64_t *seq);

/* Records the error text on s and returns st. */
qt_status_t store_error(qt_store_t *s, qt_status_t st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copies the store's last error onto the client and returns its status. */
qt_status_t store_error_to_client(qt_client_t *c, qt_store_t *s);

/* ---------------------------------------------------------------- pbjson.c */

/* Writes msg (borrowed) as a JSON object into a new string *out (caller
 * frees); only fields that are set.  QT_NOMEM on failure. */
qt_status_t pbjson_message(const ProtobufCMessage *msg, char **out);

/* The message descriptor of a record type's body; NULL if unknown. */
const ProtobufCMessageDescriptor *record_descriptor(qt_record_type_t t);

#endif
