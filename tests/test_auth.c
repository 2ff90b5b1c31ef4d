/* Unit tests of server/auth.c: Argon2id hashing and verification, the
 * encoded parameter string, session token shape and token hashing.  Small
 * Argon2 parameters keep most tests fast; one uses the OWASP defaults. */
#include <criterion/criterion.h>
#include <openssl/sha.h>
#include <string.h>

#include "auth.h"

static const auth_params_t small = {.memory_kib = 256, .iterations = 1, .parallelism = 1};
static const auth_params_t owasp = {.memory_kib = 19456, .iterations = 2, .parallelism = 1};

static int is_b64url(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

Test(auth, hash_and_verify_small_params)
{
	char enc[AUTH_ENCODED_MAX];

	cr_assert_eq(auth_hash_password(&small, "correct horse battery", enc, sizeof(enc)), QT_OK);
	cr_assert_eq(strncmp(enc, "$argon2id$v=19$m=256,t=1,p=1$", 29), 0, "encoded: %s", enc);
	cr_assert_eq(auth_verify_password(enc, "correct horse battery"), QT_OK);
	cr_assert_eq(auth_verify_password(enc, "correct horse batterY"), QT_UNAUTHENTICATED);
	cr_assert_eq(auth_verify_password(enc, ""), QT_UNAUTHENTICATED);
	cr_assert_eq(auth_verify_password(enc, "correct horse battery "), QT_UNAUTHENTICATED);
}

Test(auth, owasp_defaults, .timeout = 60)
{
	char enc[AUTH_ENCODED_MAX];

	cr_assert_eq(auth_hash_password(&owasp, "S\u00fcdstadt-2024!", enc, sizeof(enc)), QT_OK);
	cr_assert_eq(strncmp(enc, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0, "encoded: %s", enc);
	cr_assert_lt(strlen(enc), AUTH_ENCODED_MAX);
	cr_assert_eq(auth_verify_password(enc, "S\u00fcdstadt-2024!"), QT_OK);
	cr_assert_eq(auth_verify_password(enc, "Sudstadt-2024!"), QT_UNAUTHENTICATED);
}

Test(auth, salt_is_fresh)
{
	char a[AUTH_ENCODED_MAX], b[AUTH_ENCODED_MAX];

	cr_assert_eq(auth_hash_password(&small, "same password", a, sizeof(a)), QT_OK);
	cr_assert_eq(auth_hash_password(&small, "same password", b, sizeof(b)), QT_OK);
	cr_assert_str_neq(a, b, "two hashes of one password must differ (random salt)");
	cr_assert_eq(auth_verify_password(a, "same password"), QT_OK);
	cr_assert_eq(auth_verify_password(b, "same password"), QT_OK);
}

Test(auth, long_and_non_ascii_passwords)
{
	char enc[AUTH_ENCODED_MAX];
	char pw[AUTH_PASSWORD_MAX + 1];

	memset(pw, 'x', AUTH_PASSWORD_MAX);
	pw[AUTH_PASSWORD_MAX] = '\0';
	cr_assert_eq(auth_hash_password(&small, pw, enc, sizeof(enc)), QT_OK);
	cr_assert_eq(auth_verify_password(enc, pw), QT_OK);
	pw[AUTH_PASSWORD_MAX - 1] = 'y';
	cr_assert_eq(auth_verify_password(enc, pw), QT_UNAUTHENTICATED);
}

Test(auth, unusable_stored_hash)
{
	cr_assert_eq(auth_verify_password("", "pw"), QT_INTERNAL);
	cr_assert_eq(auth_verify_password("plaintext", "plaintext"), QT_INTERNAL);
	cr_assert_eq(auth_verify_password("$argon2i$v=19$m=256,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "pw"),
	             QT_INTERNAL, "only argon2id hashes are accepted");
	cr_assert_eq(auth_verify_password("$argon2id$garbage", "pw"), QT_INTERNAL);
}

Test(auth, small_output_buffer_fails)
{
	char enc[20];

	cr_assert_neq(auth_hash_password(&small, "password", enc, sizeof(enc)), QT_OK);
}

Test(auth, dummy_hash_matches_nothing_simple)
{
	char enc[AUTH_ENCODED_MAX];

	cr_assert_eq(auth_dummy_hash(&small, enc, sizeof(enc)), QT_OK);
	cr_assert_eq(strncmp(enc, "$argon2id$v=19$m=256,t=1,p=1$", 29), 0, "encoded: %s", enc);
	cr_assert_eq(auth_verify_password(enc, ""), QT_UNAUTHENTICATED);
	cr_assert_eq(auth_verify_password(enc, "password"), QT_UNAUTHENTICATED);
}

Test(auth, token_shape)
{
	char t1[AUTH_TOKEN_LEN + 1], t2[AUTH_TOKEN_LEN + 1];
	uint8_t h1[AUTH_TOKEN_HASH_LEN], h2[AUTH_TOKEN_HASH_LEN], again[AUTH_TOKEN_HASH_LEN];
	uint8_t sha[SHA256_DIGEST_LENGTH];

	cr_assert_eq(AUTH_TOKEN_LEN, 43);
	cr_assert_eq(auth_token_new(t1, h1), QT_OK);
	cr_assert_eq(auth_token_new(t2, h2), QT_OK);
	cr_assert_eq(strlen(t1), 43);
	cr_assert_eq(strlen(t2), 43);
	for (int i = 0; i < 43; i++)
		cr_assert(is_b64url(t1[i]), "token character %d is '%c'", i, t1[i]);
	/* 32 bytes are 256 bits: the last character carries only 4 of them
	 * (unpadded base64url), so its low two bits are zero. */
	cr_assert_not_null(strchr("AEIMQUYcgkosw048", t1[42]), "last character '%c'", t1[42]);
	cr_assert_str_neq(t1, t2);
	cr_assert_neq(memcmp(h1, h2, sizeof(h1)), 0);

	/* The hash is SHA-256 of the token text and is what token_hash gives. */
	SHA256((const unsigned char *)t1, 43, sha);
	cr_assert_eq(memcmp(h1, sha, sizeof(sha)), 0);
	cr_assert_eq(auth_token_hash(t1, again), QT_OK);
	cr_assert_eq(memcmp(h1, again, sizeof(again)), 0);
}

Test(auth, tokens_are_distinct)
{
	enum { N = 200 };
	static char tokens[N][AUTH_TOKEN_LEN + 1];
	uint8_t h[AUTH_TOKEN_HASH_LEN];

	for (int i = 0; i < N; i++) {
		cr_assert_eq(auth_token_new(tokens[i], h), QT_OK);
		for (int j = 0; j < i; j++)
			cr_assert_str_neq(tokens[i], tokens[j]);
	}
}

Test(auth, token_hash_rejects_malformed)
{
	static const char *const bad[] = {
	    "",
	    "abc",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",   /* 42 */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* 44 */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",  /* standard base64 */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ",
	    " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xc3\xbc", /* 41 + 2 bytes of UTF-8 */
	    "AAAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAA",
	};
	uint8_t h[AUTH_TOKEN_HASH_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(auth_token_hash(bad[i], h), QT_INVALID_ARGUMENT, "case %zu: \"%s\"", i,
		             bad[i]);
	cr_assert_eq(auth_token_hash("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-", h), QT_OK);
	cr_assert_eq(auth_token_hash("abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOP", h), QT_OK);
}
