/* Password hashing (Argon2id) and session tokens.  No I/O and no event
 * loop: the hash functions are CPU- and memory-heavy and are called from
 * libuv's thread pool by session.c, never on the loop thread. */
#ifndef QUARTIERD_AUTH_H
#define QUARTIERD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "qt_status.h"

#define AUTH_TOKEN_BYTES 32          /* random bytes in a session token */
#define AUTH_TOKEN_LEN 43            /* base64url characters of a token */
#define AUTH_TOKEN_HASH_LEN 32       /* SHA-256 */
#define AUTH_ENCODED_MAX 160         /* room for an encoded Argon2id hash */
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 1024

typedef struct auth_params {
	uint32_t memory_kib;
	uint32_t iterations;
	uint32_t parallelism;
} auth_params_t;

/* Hashes password with a fresh random salt into the encoded Argon2id
 * string form ($argon2id$v=19$m=...,t=...,p=...$salt$hash), written to out
 * (out_len >= AUTH_ENCODED_MAX).  Thread-safe. */
qt_status_t auth_hash_password(const auth_params_t *p, const char *password,
                               char *out, size_t out_len);

/* Checks password against an encoded Argon2id hash in constant time.
 * Returns QT_OK on a match, QT_UNAUTHENTICATED on a mismatch, QT_INTERNAL
 * if the stored hash is unusable.  Thread-safe. */
qt_status_t auth_verify_password(const char *encoded, const char *password);

/* An encoded hash of a random password, to verify against when a login
 * names an unknown account so that the answer takes as long as for a
 * known one.  Written to out (AUTH_ENCODED_MAX bytes). */
qt_status_t auth_dummy_hash(const auth_params_t *p, char *out, size_t out_len);

/* Makes a new token: AUTH_TOKEN_LEN base64url characters plus NUL in
 * token_out, and its SHA-256 in hash_out. */
qt_status_t auth_token_new(char token_out[AUTH_TOKEN_LEN + 1],
                           uint8_t hash_out[AUTH_TOKEN_HASH_LEN]);

/* Hashes a token presented by a client.  QT_INVALID_ARGUMENT if it does
 * not have the shape of a token. */
qt_status_t auth_token_hash(const char *token, uint8_t hash_out[AUTH_TOKEN_HASH_LEN]);

#endif
