/* One request in flight: the envelope it came in, an arena for everything
 * built while answering it, and the response being filled.  A handler
 * ends every request with exactly one req_reply() or req_fail*(), possibly
 * later from a database or thread-pool callback; the arena, the envelope
 * and the connection reference are released right after the answer is
 * written.
 *
 * Out of memory: when the arena cannot grow, it takes memory from the
 * server's reserve (server.h) instead, so the handler runs on unchanged;
 * the request is marked and sends no further query (req_query() answers
 * RESOURCE_EXHAUSTED, retryable), and an answer it already has goes out.
 * Only when the reserve is spent too does the server abort. */
#ifndef QUARTIERD_REQUEST_H
#define QUARTIERD_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "db.h"
#include "envelope.h"

typedef struct req_chunk req_chunk_t;

typedef struct req {
	conn_t *conn;                    /* referenced until the answer */
	server_t *srv;                   /* borrowed */
	qt_envelope_t *env;              /* owned: the request as received */
	Quartier__V1__Request *rq;       /* points into env */
	uint64_t id;                     /* request id, echoed in the response */
	const char *type;                /* static, for logs ("project.update") */
	actor_t actor;                   /* copy taken at dispatch */
	uint64_t started_ns;             /* uv_hrtime() at dispatch */
	Quartier__V1__Response resp;     /* the answer; handlers set its body */
	req_chunk_t *arena;              /* owned chunks */
	void *ctx;                       /* handler state, in the arena */
	/* Internal requests (sync.c renders records through the handlers):
	 * instead of being sent, the finished answer goes to on_done, which
	 * borrows r for the call; the request ends right after. */
	void (*on_done)(struct req *r, void *arg);
	void *done_arg;
	uint64_t memo_gen;               /* internal renders of a snapshot: its person memo
	                                  * on conn (person_memo.h); 0: none */
	db_result_cb mutate_cb;          /* req_mutate(): the handler's callback */
	int claimed;                     /* the mutation id was recorded with the change */
	Quartier__V1__Response *replay;  /* owned: a stored answer being replayed */
	Quartier__V1__Cursor cursor;     /* resp.cursor points here after a mutation */
	char cursor_epoch[33];
	int oom;                         /* the arena took memory from the reserve */
	int holds_input;                 /* counted in conn->held: the connection reads no
	                                  * further frames until this is answered */
} req_t;

/* Creates a request for env (ownership moves to the request) on c.
 * Returns NULL if there is no memory for it; env is then still the
 * caller's. */
req_t *req_new(conn_t *c, qt_envelope_t *env);

/* Zeroed memory owned by the request, freed after the answer.  Never NULL:
 * if malloc fails, the memory comes from the server's reserve and the
 * request is marked out of memory (see above); the server aborts only when
 * the reserve is spent. */
void *req_alloc(req_t *r, size_t n);
char *req_strdup(req_t *r, const char *s);
char *req_printf(req_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Makes the connection read no further frames until r is answered, so
 * that requests of this kind (logins) are taken one at a time per
 * connection.  Idempotent. */
void req_hold_input(req_t *r);

/* Sends r->resp (body already set) and ends the request. */
void req_reply(req_t *r);

/* Answers with an error (msg and field are copied) and ends the request. */
void req_fail(req_t *r, qt_status_t st, const char *msg, const char *field);

/* Answers with the translated database error and ends the request. */
void req_fail_db(req_t *r, const db_error_t *err);

/* Sends a query for the request; if it cannot even be queued (database
 * down, queue full, no memory, or the request already ran out of memory),
 * answers with the error and returns non-zero (cb is then never called). */
int req_query(req_t *r, const char *sql, int nparams, const char *const *values,
              db_result_cb cb);

/* Answers r with the error of a query that db_query() refused with st
 * (database down, queue full, no memory), as req_query() does. */
void req_fail_unqueued(req_t *r, qt_status_t st);

/* Like req_query() for the statement that applies a mutation (a call of
 * one of the qt_* SQL functions, as one SELECT without OFFSET/LIMIT).  The
 * statement is wrapped so that, in the same transaction, the request's
 * client mutation id (Request.mutation_seq with the hello's instance id)
 * is recorded and the change's feed position is read; cb then sees the
 * original columns (the position follows them) and resp.cursor is set.  A
 * mutation id seen before is answered here with the stored original
 * answer, and cb is never called. */
int req_mutate(req_t *r, const char *sql, int nparams, const char *const *values,
               db_result_cb cb);

/* Runs handler for r, unless r carries a client mutation id that was
 * applied before: then the stored original answer is sent instead and the
 * handler never runs (checked before the handler loads and judges the
 * record, so a replay is not refused as stale).  The handler must not rely
 * on r->ctx being NULL. */
void req_run_mutation(req_t *r, void (*handler)(req_t *r));

/* Creates an internal request of type name on c for body (borrowed; the
 * request gets its own copy) whose answer goes to on_done instead of the
 * client.  The actor is c's.  Returns NULL if body cannot be copied. */
req_t *req_new_internal(conn_t *c, const Quartier__V1__Request *body, const char *name,
                        void (*on_done)(req_t *r, void *arg), void *arg);

/* Text form of integers for query parameters, in the request's arena. */
const char *req_i64(req_t *r, int64_t v);

/* A PostgreSQL array literal "{1,2,3}" of ids, in the request's arena. */
const char *req_id_array(req_t *r, const int64_t *ids, size_t n);

/* The same literal written into out (borrowed), which holds at least
 * REQ_ID_ARRAY_LEN(n) bytes; returns out. */
#define REQ_ID_ARRAY_LEN(n) (3 + (size_t)(n) * 21)
char *req_id_array_write(char *out, const int64_t *ids, size_t n);

/* A PostgreSQL text[] literal of n strings (NULL counts as ""), every
 * element quoted and escaped, in the request's arena. */
const char *req_text_array(req_t *r, const char *const *v, size_t n);

#endif
