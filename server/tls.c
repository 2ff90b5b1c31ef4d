/* TLS context and per-connection SSL objects (see tls.h). */
#include "tls.h"

#include <openssl/err.h>
#include <stdio.h>

const char *tls_error_string(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0) {
		snprintf(buf, len, "unknown TLS error");
		return buf;
	}
	ERR_error_string_n(e, buf, len);
	return buf;
}

SSL_CTX *tls_ctx_new(const config_t *cfg, char *err, size_t err_len)
{
	SSL_CTX *ctx;
	char ebuf[256], cert[CONFIG_PATH_MAX], key[CONFIG_PATH_MAX];

	if (config_resolve_path("tls_cert_file", cfg->tls_cert_file, cert, sizeof(cert), err,
	                        err_len) != QT_OK ||
	    config_resolve_path("tls_key_file", cfg->tls_key_file, key, sizeof(key), err,
	                        err_len) != QT_OK)
		return NULL;
	ctx = SSL_CTX_new(TLS_server_method());

	ERR_clear_error();
	if (ctx == NULL) {
		snprintf(err, err_len, "cannot create TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* No renegotiation (a known DoS vector), no compression (CRIME);
	 * server order so the strongest shared cipher wins. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
	                         SSL_OP_CIPHER_SERVER_PREFERENCE);
	/* Idle connections give back their 34 KiB of record buffers. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_set_cipher_list(ctx, cfg->tls_ciphers) != 1) {
		snprintf(err, err_len, "tls_ciphers: no usable cipher in \"%s\"", cfg->tls_ciphers);
		goto fail;
	}
	if (SSL_CTX_set_ciphersuites(ctx, cfg->tls_ciphersuites) != 1) {
		snprintf(err, err_len, "tls_ciphersuites: no usable suite in \"%s\"", cfg->tls_ciphersuites);
		goto fail;
	}
	if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1) {
		snprintf(err, err_len, "cannot set TLS key exchange groups");
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(err, err_len, "tls_cert_file %s: %s", cert,
		         tls_error_string(ebuf, sizeof(ebuf)));
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		snprintf(err, err_len, "tls_key_file %s: %s", key,
		         tls_error_string(ebuf, sizeof(ebuf)));
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, err_len, "tls_key_file does not match tls_cert_file");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL *tls_conn_new(SSL_CTX *ctx, BIO **rbio, BIO **wbio)
{
	SSL *ssl = SSL_new(ctx);
	BIO *r, *w;

	if (ssl == NULL)
		return NULL;
	r = BIO_new(BIO_s_mem());
	w = BIO_new(BIO_s_mem());
	if (r == NULL || w == NULL) {
		BIO_free(r);
		BIO_free(w);
		SSL_free(ssl);
		return NULL;
	}
	/* An empty memory BIO means "try again", not end of file. */
	BIO_set_mem_eof_return(r, -1);
	BIO_set_mem_eof_return(w, -1);
	SSL_set_bio(ssl, r, w);
	SSL_set_accept_state(ssl);
	*rbio = r;
	*wbio = w;
	return ssl;
}
