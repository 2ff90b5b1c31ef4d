/* Routes a request envelope to its handler: one table row per request
 * type with its log name and whether it needs a logged-in session.
 * Authentication is checked here, before any handler runs; permissions
 * are checked by the handlers with perm.c. */
#ifndef QUARTIERD_DISPATCH_H
#define QUARTIERD_DISPATCH_H

#include "conn.h"

/* Takes ownership of env (a REQUEST envelope) and answers it, now or
 * later. */
void dispatch_request(conn_t *c, qt_envelope_t *env);

#endif
