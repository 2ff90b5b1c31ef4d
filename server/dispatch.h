/* Routes a request envelope to its handler: one table row per request
 * type with its log name and whether it needs a logged-in session.
 * Authentication is checked here, before any handler runs; permissions
 * are checked by the handlers with perm.c. */
#ifndef QUARTIERD_DISPATCH_H
#define QUARTIERD_DISPATCH_H

#include "conn.h"
#include "request.h"

/* Takes ownership of env (a REQUEST envelope) and answers it, now or
 * later. */
void dispatch_request(conn_t *c, qt_envelope_t *env);

/* Routes r (made by req_new(), owned by the request machinery from here
 * on): unknown types and missing logins are answered here, everything else
 * goes to its handler, which validates, checks permissions and then talks
 * to the database.  dispatch_request() is req_new() plus this; the fuzz
 * target of tests/fuzz/ calls it with r->on_done set, to see the answer
 * without a socket. */
void dispatch_run(req_t *r);

#endif
