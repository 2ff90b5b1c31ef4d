/* Argon2id work on libuv's thread pool with bounded concurrency: at most
 * hash_concurrency hashes run at once (each takes ~19 MiB and tens of
 * milliseconds), further ones wait in a bounded FIFO, and beyond that a
 * login is refused as retryable instead of stalling everyone. */
#ifndef QUARTIERD_HASH_H
#define QUARTIERD_HASH_H

#include "server.h"

/* Called on the loop thread.  For a verify, st is QT_OK on a match and
 * QT_UNAUTHENTICATED on a mismatch; for a new hash, encoded holds the
 * result (valid during the callback) when st is QT_OK. */
typedef void (*hash_cb)(qt_status_t st, const char *encoded, void *arg);

/* Verifies password against encoded (both copied).  Returns QT_OK and
 * calls cb later, or QT_RESOURCE_EXHAUSTED without calling cb. */
qt_status_t hash_verify(server_t *srv, const char *encoded, const char *password,
                        hash_cb cb, void *arg);

/* Hashes password (copied) with the configured parameters. */
qt_status_t hash_new(server_t *srv, const char *password, hash_cb cb, void *arg);

#endif
