/* Argon2id password hashes and session tokens (see auth.h). */
#include "auth.h"

#include <argon2.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

#define AUTH_SALT_BYTES 16
#define AUTH_HASH_BYTES 32

qt_status_t auth_hash_password(const auth_params_t *p, const char *password,
                               char *out, size_t out_len)
{
	uint8_t salt[AUTH_SALT_BYTES];
	int rc;

	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return QT_INTERNAL;
	rc = argon2id_hash_encoded(p->iterations, p->memory_kib, p->parallelism,
	                           password, strlen(password), salt, sizeof(salt),
	                           AUTH_HASH_BYTES, out, out_len);
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return QT_RESOURCE_EXHAUSTED;
	return rc == ARGON2_OK ? QT_OK : QT_INTERNAL;
}

qt_status_t auth_verify_password(const char *encoded, const char *password)
{
	int rc;

	if (strncmp(encoded, "$argon2id$", 10) != 0)
		return QT_INTERNAL;
	/* argon2id_verify recomputes the hash and compares in constant time. */
	rc = argon2id_verify(encoded, password, strlen(password));
	if (rc == ARGON2_OK)
		return QT_OK;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return QT_UNAUTHENTICATED;
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return QT_RESOURCE_EXHAUSTED;
	return QT_INTERNAL;
}

qt_status_t auth_dummy_hash(const auth_params_t *p, char *out, size_t out_len)
{
	uint8_t raw[24];
	char pw[2 * sizeof(raw) + 1];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return QT_INTERNAL;
	for (size_t i = 0; i < sizeof(raw); i++)
		pw[2 * i] = "0123456789abcdef"[raw[i] >> 4],
		pw[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
	pw[sizeof(pw) - 1] = '\0';
	return auth_hash_password(p, pw, out, out_len);
}

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

qt_status_t auth_token_new(char token_out[AUTH_TOKEN_LEN + 1],
                           uint8_t hash_out[AUTH_TOKEN_HASH_LEN])
{
	uint8_t raw[AUTH_TOKEN_BYTES + 1] = {0}; /* one pad byte: 33 = 11 * 3 */
	size_t o = 0;

	if (RAND_bytes(raw, AUTH_TOKEN_BYTES) != 1)
		return QT_INTERNAL;
	for (size_t i = 0; i < sizeof(raw); i += 3) {
		uint32_t v = ((uint32_t)raw[i] << 16) | ((uint32_t)raw[i + 1] << 8) | raw[i + 2];
		token_out[o++] = b64url[(v >> 18) & 63];
		token_out[o++] = b64url[(v >> 12) & 63];
		token_out[o++] = b64url[(v >> 6) & 63];
		token_out[o++] = b64url[v & 63];
	}
	/* 44 characters were produced; the last encodes only the pad byte. */
	token_out[AUTH_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return auth_token_hash(token_out, hash_out);
}

qt_status_t auth_token_hash(const char *token, uint8_t hash_out[AUTH_TOKEN_HASH_LEN])
{
	if (strlen(token) != AUTH_TOKEN_LEN || strspn(token, b64url) != AUTH_TOKEN_LEN)
		return QT_INVALID_ARGUMENT;
	SHA256((const unsigned char *)token, AUTH_TOKEN_LEN, hash_out);
	return QT_OK;
}
