/* TLS with OpenSSL memory BIOs: the context (TLS 1.2 minimum, 1.3
 * preferred, Mozilla "intermediate" ciphers, no renegotiation, released
 * buffers for idle connections) and one SSL object per connection whose
 * bytes the connection moves to and from libuv itself. */
#ifndef QUARTIERD_TLS_H
#define QUARTIERD_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "config.h"
#include "qt_status.h"

/* Builds a server context from the certificate, key and cipher settings in
 * cfg (file settings may name systemd credentials, see
 * config_resolve_path).  With tls_client_ca, clients are asked for a
 * certificate issued by that CA (only by it), and with tls_client_cert =
 * require a handshake without one fails.  The caller owns the result (SSL_CTX_free).  On
 * failure returns NULL with a message in err.  A reload builds a new
 * context aside and swaps it in for new handshakes: every SSL object holds
 * a reference to the context it was made from. */
SSL_CTX *tls_ctx_new(const config_t *cfg, char *err, size_t err_len);

/* Creates a server-side SSL object reading from *rbio and writing to *wbio
 * (both owned by the SSL object).  Returns NULL on allocation failure. */
SSL *tls_conn_new(SSL_CTX *ctx, BIO **rbio, BIO **wbio);

/* Longest subject OU of a client certificate, in bytes of UTF-8 (X.520
 * allows 64 characters). */
#define TLS_OU_MAX 256

/* After a completed handshake: whether the client presented a certificate
 * that verified against tls_client_ca (the handshake fails on one that
 * does not).  If so, writes the first organizational unit (OU) of its
 * subject to ou (TLS_OU_MAX + 1 bytes; "" when it has none, or one that is
 * too long or not printable UTF-8) and the SHA-256 fingerprint in hex to
 * fp (65 bytes), for logs. */
int tls_client_identity(SSL *ssl, char ou[TLS_OU_MAX + 1], char fp[65]);

/* The most recent OpenSSL error as text, for logs; static storage
 * overwritten by the next call on the same thread. */
const char *tls_error_string(char *buf, size_t len);

#endif
