/* Read cache of rendered projects (the project_v row as a message), for
 * project_get.  An entry is never answered unchecked: each hit is
 * validated by one primary-key read of the project row's xmin and
 * version and of the reference generation (qt_ref_gen, migration 0018,
 * moved by every change of districts, quarters, offices and
 * organisations, whose names the row carries).  A write by any quartierd
 * or by hand changes the row's xmin, so what is answered is always what
 * project_v would say in the validating read's snapshot; the cache only
 * saves the view's sub-selects.  The validating reads of the hits that
 * arrive in one loop turn go out as one statement (project.c), a read
 * that starts after each of those gets arrived.
 *
 * Direct-mapped: an id has one slot, a new entry replaces whatever was
 * there, and memory is bounded by PROJECT_CACHE_SLOTS entries.  Used on
 * the loop thread only. */
#ifndef QUARTIERD_PROJECT_CACHE_H
#define QUARTIERD_PROJECT_CACHE_H

#include <stdint.h>

#include "quartier.pb-c.h"

#define PROJECT_CACHE_SLOTS 32768u /* a power of two */

/* What a cached row was valid for. */
typedef struct project_stamp {
	uint32_t xmin;     /* the project row version's xmin */
	int64_t version;   /* its version column */
	uint64_t ref_gen;  /* qt_ref_gen.gen when it was read */
} project_stamp_t;

typedef struct project_cache_entry {
	int64_t id;                  /* 0: empty */
	project_stamp_t stamp;
	Quartier__V1__Project *msg;  /* owned (protobuf-c, default allocator) */
} project_cache_entry_t;

typedef struct project_check project_check_t;
struct req;
struct server;

#define PROJECT_CHECK_BATCH 256   /* cache hits validated by one statement */
#define PROJECT_CHECK_INFLIGHT 2  /* such statements in flight at once */

/* One statement reading the stamps of up to PROJECT_CHECK_BATCH waiting
 * hits (project.c); its callback answers each of them. */
typedef struct project_check_batch {
	struct server *srv;                      /* borrowed */
	int busy;                                /* its statement is in flight */
	size_t n;
	struct req *reqs[PROJECT_CHECK_BATCH];   /* borrowed until answered */
	int64_t ids[PROJECT_CHECK_BATCH];        /* their project ids */
	char literal[3 + 21 * PROJECT_CHECK_BATCH]; /* the ids as the statement's parameter */
	const char *params[1];
} project_check_batch_t;

typedef struct project_cache {
	project_cache_entry_t *slots; /* owned; NULL: caching off */
	uint64_t hits, misses, fills; /* counters, for metrics */
	/* Hits waiting for their validating read.  project.c reads the stamps
	 * of many waiting hits with one statement (a batch), so that under
	 * load one primary-key read serves the gets of many clients. */
	project_check_t *check_head, *check_tail; /* borrowed: each lives in its request's arena */
	project_check_batch_t batches[PROJECT_CHECK_INFLIGHT];
	uint64_t check_batches;       /* counter: batches sent */
} project_cache_t;

/* Allocates the slots; without memory the cache stays off (every lookup
 * misses).  Returns 0 or -1. */
int project_cache_init(project_cache_t *pc);

/* Frees every entry and the slots. */
void project_cache_free(project_cache_t *pc);

/* The entry for id, or NULL.  Borrowed: valid until the next call that
 * changes the cache (project_cache_put, _drop, _free). */
const project_cache_entry_t *project_cache_find(const project_cache_t *pc, int64_t id);

/* Stores a copy of msg (which stays the caller's) for id with stamp,
 * replacing the slot's previous entry.  Without memory nothing is
 * stored. */
void project_cache_put(project_cache_t *pc, int64_t id, const project_stamp_t *stamp,
                       const Quartier__V1__Project *msg);

/* Forgets id's entry, if any. */
void project_cache_drop(project_cache_t *pc, int64_t id);

/* Parses the stamp columns xmin, version, gen (text, as the queries of
 * project.c return them); returns 0 or -1 if one is missing or bad. */
int project_stamp_parse(project_stamp_t *out, const char *xmin, const char *version,
                        const char *gen);

#endif
