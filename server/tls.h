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
 * config_resolve_path).  The caller owns the result (SSL_CTX_free).  On
 * failure returns NULL with a message in err.  A reload builds a new
 * context aside and swaps it in for new handshakes: every SSL object holds
 * a reference to the context it was made from. */
SSL_CTX *tls_ctx_new(const config_t *cfg, char *err, size_t err_len);

/* Creates a server-side SSL object reading from *rbio and writing to *wbio
 * (both owned by the SSL object).  Returns NULL on allocation failure. */
SSL *tls_conn_new(SSL_CTX *ctx, BIO **rbio, BIO **wbio);

/* The most recent OpenSSL error as text, for logs; static storage
 * overwritten by the next call on the same thread. */
const char *tls_error_string(char *buf, size_t len);

#endif
