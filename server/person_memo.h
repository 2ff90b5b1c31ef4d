/* Persons rendered during one snapshot of one connection.
 *
 * A membership record carries its person.  An initial sync sends every
 * person (record type 11) before the memberships (type 12), so without a
 * memo the database renders each person once for its own record and once
 * more for every membership of it: in a registry of 20,000 persons and
 * 100,000 memberships, persons inside membership pages were about 60% of
 * the sync's render time in PostgreSQL.  The memo keeps, for the
 * snapshot a connection is paging through, each person as the actor saw
 * it (contact data included only where perm_person_contact() allowed it),
 * packed; membership pages take their persons from it and ask the
 * database only for the ones it lacks.
 *
 * Why that is consistent: a snapshot's pages are rendered at different
 * times anyway, all after the snapshot's horizon, and every change after
 * the horizon (a person's change is fed for each of its memberships too,
 * migration 0008) reaches the replica through the pull that follows.  A
 * person taken from the memo was rendered after the horizon of the same
 * snapshot, so it is no older than a page may be.  The memo is therefore
 * bound to one snapshot: the account, its feed epoch and the snapshot's
 * cursor; a page of another snapshot replaces it, and a replaced memo is
 * never used again.
 *
 * A connection holds at most one memo, of at most PERSON_MEMO_MAX_BYTES,
 * and all memos of the server together at most
 * PERSON_MEMO_SERVER_MAX_BYTES (the 20,000 persons of the bench registry
 * take a 4 MiB buffer and a 1 MiB table); beyond that persons are no
 * longer added, and membership pages ask the database for them as without
 * a memo.  A memo is freed after the snapshot's last page, on logout and
 * when the connection closes.
 *
 * Requests refer to a memo by its generation (req_t.memo_gen), not by
 * pointer: a memo replaced or freed while a render is in flight is simply
 * not found (person_memo_get() returns NULL).  Loop thread only. */
#ifndef QUARTIERD_PERSON_MEMO_H
#define QUARTIERD_PERSON_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "request.h"

#define PERSON_MEMO_MAX_BYTES (16u << 20)
#define PERSON_MEMO_SERVER_MAX_BYTES ((size_t)256 << 20)

typedef struct person_memo person_memo_t;

/* The generation of c's memo for the snapshot (account_id, epoch, xid,
 * seq): the memo c holds if it has that key, else a new empty one that
 * replaces it.  Returns 0 (no memo; callers render without one) if there
 * is no memory. */
uint64_t person_memo_open(conn_t *c, int64_t account_id, const char *epoch, uint64_t xid,
                          uint64_t seq);

/* c's memo if its generation is gen (non-zero), else NULL.  Borrowed:
 * valid until control returns to the loop. */
person_memo_t *person_memo_get(conn_t *c, uint64_t gen);

/* Adds p (packed; p stays the caller's) unless its id is there already or
 * the memo is full. */
void person_memo_put(person_memo_t *m, const Quartier__V1__Person *p);

/* The person of id as it was put, unpacked into r's arena; NULL if the
 * memo (which may be NULL) does not have it.  Counted in r's server's
 * metrics as a hit or a miss. */
Quartier__V1__Person *person_memo_find(person_memo_t *m, req_t *r, int64_t id);

/* The packed person of id: 1 and *data (borrowed, valid until the next
 * put) and *len if the memo (may be NULL) has it, else 0. */
int person_memo_lookup(const person_memo_t *m, int64_t id, const uint8_t **data, size_t *len);

/* Persons in the memo (may be NULL). */
size_t person_memo_count(const person_memo_t *m);

/* Frees c's memo if its generation is gen (the snapshot is complete). */
void person_memo_close(conn_t *c, uint64_t gen);

/* Frees c's memo, whatever it is (logout, close). */
void person_memo_drop(conn_t *c);

#endif
