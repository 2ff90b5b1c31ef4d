/* TLS context and per-connection SSL objects (see tls.h). */
#include "tls.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "validate.h"

/* The session id context: any constant will do, but OpenSSL refuses to
 * resume sessions of a context that verifies clients without one. */
#define TLS_SESSION_CONTEXT "quartierd"

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

/* Client certificates: only the city CA of tls_client_ca is trusted for
 * them (not the system store), its name is sent in the certificate
 * request, and a certificate must be meant for client authentication
 * (extended key usage clientAuth, if it names any). */
static qt_status_t tls_ctx_client_ca(SSL_CTX *ctx, const config_t *cfg, char *err, size_t err_len)
{
	char ca[CONFIG_PATH_MAX], ebuf[256];
	STACK_OF(X509_NAME) *names;
	int mode = SSL_VERIFY_PEER;

	if (config_resolve_path("tls_client_ca", cfg->tls_client_ca, ca, sizeof(ca), err, err_len) !=
	    QT_OK)
		return QT_INVALID_ARGUMENT;
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		snprintf(err, err_len, "tls_client_ca %s: %s", ca, tls_error_string(ebuf, sizeof(ebuf)));
		return QT_INVALID_ARGUMENT;
	}
	names = SSL_load_client_CA_file(ca);
	if (names == NULL) {
		snprintf(err, err_len, "tls_client_ca %s: no CA certificate in it", ca);
		return QT_INVALID_ARGUMENT;
	}
	SSL_CTX_set_client_CA_list(ctx, names); /* takes names */
	if (strcmp(cfg->tls_client_cert, "require") == 0)
		mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	SSL_CTX_set_verify(ctx, mode, NULL);
	SSL_CTX_set_verify_depth(ctx, 4);
	if (X509_VERIFY_PARAM_set_purpose(SSL_CTX_get0_param(ctx), X509_PURPOSE_SSL_CLIENT) != 1) {
		snprintf(err, err_len, "cannot require client certificates for client authentication");
		return QT_INTERNAL;
	}
	return QT_OK;
}

int tls_client_identity(SSL *ssl, char ou[TLS_OU_MAX + 1], char fp[65])
{
	X509 *x = SSL_get0_peer_certificate(ssl);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509_NAME *subject;
	int idx;

	ou[0] = '\0';
	fp[0] = '\0';
	if (x == NULL || SSL_get_verify_result(ssl) != X509_V_OK)
		return 0;
	if (X509_digest(x, EVP_sha256(), md, &mdlen) == 1) {
		for (unsigned i = 0; i < mdlen && i < 32; i++)
			snprintf(fp + 2 * i, 3, "%02x", md[i]);
	}
	subject = X509_get_subject_name(x);
	idx = subject != NULL ? X509_NAME_get_index_by_NID(subject, NID_organizationalUnitName, -1) : -1;
	if (idx >= 0) {
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)));
		validation_t v;

		if (n > 0 && n <= TLS_OU_MAX) {
			memcpy(ou, utf8, (size_t)n);
			ou[n] = '\0';
			/* The same rules as any text from a client: printable UTF-8. */
			if (strlen(ou) != (size_t)n || validate_text(&v, "ou", ou, 1, TLS_OU_MAX, 0) != QT_OK)
				ou[0] = '\0';
		}
		OPENSSL_free(utf8);
	}
	return 1;
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
	if (SSL_CTX_set_session_id_context(ctx, (const unsigned char *)TLS_SESSION_CONTEXT,
	                                   sizeof(TLS_SESSION_CONTEXT) - 1) != 1) {
		snprintf(err, err_len, "cannot set the TLS session id context");
		goto fail;
	}
	if (cfg->tls_client_ca[0] != '\0' && tls_ctx_client_ca(ctx, cfg, err, err_len) != QT_OK)
		goto fail;
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
