/* The connection of a client handle: TCP connect with a timeout, TLS on a
 * non-blocking socket (every wait is a poll() bounded by the call's
 * deadline) and frame I/O.  The socket BIO is our own so that writes use
 * MSG_NOSIGNAL: a server that goes away never raises SIGPIPE in the
 * application. */
#include "internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Our BIO type; the index only has to differ from OpenSSL's own. */
#define CONN_BIO_TYPE ((BIO_TYPE_START + 17) | BIO_TYPE_SOURCE_SINK)

uint64_t conn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t conn_deadline(const qt_client_t *c)
{
	return conn_now_ms() + c->timeout_ms;
}

/* Waits until fd is ready for events or the deadline passes.  Returns
 * QT_OK when ready; records QT_IO on timeout or poll failure. */
static qt_status_t conn_wait(qt_client_t *c, short events, uint64_t deadline,
                             const char *what)
{
	struct pollfd p;
	uint64_t now;
	int n;

	for (;;) {
		now = conn_now_ms();
		if (now >= deadline)
			return client_error(c, QT_IO, NULL,
			                    "timed out after %u ms while %s",
			                    c->timeout_ms, what);
		p.fd = c->fd;
		p.events = events;
		p.revents = 0;
		n = poll(&p, 1, (int)(deadline - now > 60000 ? 60000 : deadline - now));
		if (n > 0)
			return QT_OK; /* errors and hang-ups surface in the next I/O */
		if (n < 0 && errno != EINTR)
			return client_error(c, QT_IO, NULL, "poll: %s", strerror(errno));
	}
}

/* ------------------------------------------------------------ socket BIO */

static int conn_bio_write(BIO *b, const char *data, int len)
{
	qt_client_t *c = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	do
		n = send(c->fd, data, (size_t)len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		BIO_set_retry_write(b);
	return (int)n;
}

static int conn_bio_read(BIO *b, char *data, int len)
{
	qt_client_t *c = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	do
		n = recv(c->fd, data, (size_t)len, 0);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		c->eof = 1;
	else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		BIO_set_retry_read(b);
	return (int)n;
}

static long conn_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	qt_client_t *c = BIO_get_data(b);

	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_EOF:
		return c != NULL && c->eof;
	default:
		return 0;
	}
}

static int conn_bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/* ------------------------------------------------------------ TCP */

static int conn_connect_one(qt_client_t *c, const struct addrinfo *ai,
                            uint64_t deadline, int *err)
{
	socklen_t len = sizeof(*err);
	int fd;
	int one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	            ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto connected;
	if (errno != EINPROGRESS) {
		*err = errno;
		goto fail;
	}
	c->fd = fd;
	if (conn_wait(c, POLLOUT, deadline, "connecting") != QT_OK) {
		*err = ETIMEDOUT;
		c->fd = -1;
		goto fail;
	}
	c->fd = -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) != 0) {
		*err = errno;
		goto fail;
	}
	if (*err != 0)
		goto fail;
connected:
	/* Frames are small and answered at once; do not wait for Nagle. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	close(fd);
	return -1;
}

static qt_status_t conn_tcp(qt_client_t *c, const char *host, uint16_t port,
                            uint64_t deadline)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[8];
	int err = 0;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* No AI_ADDRCONFIG: it hides ::1 and 127.0.0.1 on hosts without
	 * an external address of that family; we try every address anyway. */
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0)
		return client_error(c, QT_IO, NULL, "cannot resolve %s: %s", host,
		                    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		c->fd = conn_connect_one(c, ai, deadline, &err);
		if (c->fd >= 0)
			break;
		if (err == ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (c->fd < 0) {
		if (err == ETIMEDOUT)
			return client_error(c, QT_IO, NULL,
			                    "connect to %s port %u: timed out after %u ms",
			                    host, (unsigned)port, c->timeout_ms);
		return client_error(c, QT_IO, NULL, "connect to %s port %u: %s",
		                    host, (unsigned)port, strerror(err));
	}
	return QT_OK;
}

/* ------------------------------------------------------------ TLS */

/* The text of the oldest queued OpenSSL error, or fallback. */
static const char *conn_ssl_reason(char *buf, size_t len, const char *fallback)
{
	unsigned long e = ERR_peek_error();
	const char *reason;

	if (e == 0)
		return fallback;
	reason = ERR_reason_error_string(e);
	if (reason != NULL)
		return reason;
	ERR_error_string_n(e, buf, len);
	return buf;
}

/* Records the failure of an SSL call that returned ret; peer closes and
 * truncation count as I/O errors, everything else as TLS errors. */
static qt_status_t conn_ssl_failure(qt_client_t *c, int ret, const char *what)
{
	char buf[256];
	int e = SSL_get_error(c->ssl, ret);
	int saved = errno;
	qt_status_t rc;

	c->broken = 1;
	switch (e) {
	case SSL_ERROR_ZERO_RETURN:
		rc = client_error(c, QT_IO, NULL, "server closed the connection");
		break;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() != 0)
			rc = client_error(c, QT_TLS, NULL, "%s: %s", what,
			                  conn_ssl_reason(buf, sizeof(buf), "error"));
		else if (c->eof || saved == 0)
			rc = client_error(c, QT_IO, NULL,
			                  "server closed the connection");
		else
			rc = client_error(c, QT_IO, NULL, "%s: %s", what,
			                  strerror(saved));
		break;
	case SSL_ERROR_SSL:
		if (ERR_GET_REASON(ERR_peek_error()) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			rc = client_error(c, QT_IO, NULL,
			                  "server closed the connection");
			break;
		}
		rc = client_error(c, QT_TLS, NULL, "%s: %s", what,
		                  conn_ssl_reason(buf, sizeof(buf), "TLS error"));
		break;
	default:
		rc = client_error(c, QT_TLS, NULL, "%s: SSL error %d", what, e);
		break;
	}
	ERR_clear_error();
	return rc;
}

/* Whether host is an IPv4 or IPv6 literal (certificate checks differ). */
static int conn_is_ip(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 ||
	       inet_pton(AF_INET6, host, addr) == 1;
}

/* Loads the client certificate (chain) and its key, for servers that ask
 * for one. */
static qt_status_t conn_tls_client_cert(qt_client_t *c, const char *cert_file,
                                        const char *key_file)
{
	char buf[256];

	if (key_file == NULL)
		key_file = cert_file;
	if (access(cert_file, R_OK) != 0)
		return client_error(c, QT_TLS, "cert_file", "cannot read certificate file %s: %s",
		                    cert_file, strerror(errno));
	if (access(key_file, R_OK) != 0)
		return client_error(c, QT_TLS, "key_file", "cannot read key file %s: %s", key_file,
		                    strerror(errno));
	if (SSL_CTX_use_certificate_chain_file(c->ssl_ctx, cert_file) != 1) {
		client_error(c, QT_TLS, "cert_file", "cannot load the certificate from %s: %s",
		             cert_file, conn_ssl_reason(buf, sizeof(buf), "unreadable"));
		ERR_clear_error();
		return QT_TLS;
	}
	if (SSL_CTX_use_PrivateKey_file(c->ssl_ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c->ssl_ctx) != 1) {
		client_error(c, QT_TLS, "key_file", "the key in %s does not fit the certificate: %s",
		             key_file, conn_ssl_reason(buf, sizeof(buf), "unreadable"));
		ERR_clear_error();
		return QT_TLS;
	}
	return QT_OK;
}

static qt_status_t conn_tls_setup(qt_client_t *c, const char *host,
                                  const char *ca_file, const char *cert_file,
                                  const char *key_file)
{
	BIO *bio = NULL;
	char buf[256];

	ERR_clear_error();
	c->ssl_ctx = SSL_CTX_new(TLS_client_method());
	if (c->ssl_ctx == NULL)
		goto ssl_fail;
	if (SSL_CTX_set_min_proto_version(c->ssl_ctx, TLS1_2_VERSION) != 1)
		goto ssl_fail;
	SSL_CTX_set_options(c->ssl_ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_verify(c->ssl_ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file != NULL) {
		if (access(ca_file, R_OK) != 0)
			return client_error(c, QT_TLS, "ca_file",
			                    "cannot read CA file %s: %s", ca_file,
			                    strerror(errno));
		if (SSL_CTX_load_verify_locations(c->ssl_ctx, ca_file, NULL) != 1) {
			client_error(c, QT_TLS, "ca_file",
			             "cannot load CA certificates from %s: %s", ca_file,
			             conn_ssl_reason(buf, sizeof(buf), "unreadable"));
			ERR_clear_error();
			return QT_TLS;
		}
	} else if (SSL_CTX_set_default_verify_paths(c->ssl_ctx) != 1) {
		goto ssl_fail;
	}
	if (cert_file != NULL && conn_tls_client_cert(c, cert_file, key_file) != QT_OK)
		return QT_TLS;

	c->ssl = SSL_new(c->ssl_ctx);
	if (c->ssl == NULL)
		goto ssl_fail;
	if (conn_is_ip(host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) != 1)
			goto ssl_fail;
	} else {
		if (SSL_set1_host(c->ssl, host) != 1 ||
		    SSL_set_tlsext_host_name(c->ssl, host) != 1)
			goto ssl_fail;
	}

	c->bio_method = BIO_meth_new(CONN_BIO_TYPE, "quartier socket");
	if (c->bio_method == NULL ||
	    BIO_meth_set_write(c->bio_method, conn_bio_write) != 1 ||
	    BIO_meth_set_read(c->bio_method, conn_bio_read) != 1 ||
	    BIO_meth_set_ctrl(c->bio_method, conn_bio_ctrl) != 1 ||
	    BIO_meth_set_create(c->bio_method, conn_bio_create) != 1)
		goto ssl_fail;
	bio = BIO_new(c->bio_method);
	if (bio == NULL)
		goto ssl_fail;
	BIO_set_data(bio, c);
	SSL_set_bio(c->ssl, bio, bio); /* the SSL owns the one reference */
	return QT_OK;

ssl_fail:
	/* Setting up a context fails only for lack of memory in practice. */
	client_error(c, QT_TLS, NULL, "TLS setup: %s",
	             conn_ssl_reason(buf, sizeof(buf), "out of memory"));
	ERR_clear_error();
	return QT_TLS;
}

static qt_status_t conn_tls_handshake(qt_client_t *c, const char *host,
                                      uint64_t deadline)
{
	char buf[256];
	long vr;
	int ret, e;
	qt_status_t rc;

	for (;;) {
		ERR_clear_error();
		ret = SSL_connect(c->ssl);
		if (ret == 1)
			return QT_OK;
		e = SSL_get_error(c->ssl, ret);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			rc = conn_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
			               deadline, "in the TLS handshake");
			if (rc != QT_OK) {
				c->broken = 1;
				return rc;
			}
			continue;
		}
		break;
	}
	vr = SSL_get_verify_result(c->ssl);
	if (vr != X509_V_OK) {
		c->broken = 1;
		ERR_clear_error();
		return client_error(c, QT_TLS, NULL,
		                    "certificate of %s not accepted: %s", host,
		                    X509_verify_cert_error_string(vr));
	}
	snprintf(buf, sizeof(buf), "TLS handshake with %s", host);
	rc = conn_ssl_failure(c, ret, buf);
	if (rc == QT_IO) {
		/* A server that drops us during the handshake usually
		 * refused TLS (not a TLS port, no common version/cipher). */
		char *m = c->err_message;

		c->err_message = NULL;
		if (m != NULL && strncmp(m, buf, strlen(buf)) == 0)
			client_error(c, QT_TLS, NULL, "%s", m);
		else
			client_error(c, QT_TLS, NULL, "%s failed: %s", buf,
			             m != NULL ? m : "connection closed");
		free(m);
	}
	return QT_TLS;
}

qt_status_t conn_open(qt_client_t *c, const qt_connect_opts_t *opts, uint16_t port,
                      uint64_t deadline)
{
	const char *host = opts->host;
	qt_status_t rc;

	rc = conn_tls_setup(c, host, opts->ca_file, opts->cert_file, opts->key_file);
	if (rc != QT_OK)
		goto out;
	rc = conn_tcp(c, host, port, deadline);
	if (rc != QT_OK)
		goto out;
	rc = conn_tls_handshake(c, host, deadline);
out:
	if (rc != QT_OK) {
		c->broken = 1;
		conn_close(c);
	}
	return rc;
}

void conn_close(qt_client_t *c)
{
	if (c->ssl != NULL) {
		if (!c->broken && c->fd >= 0) {
			/* One non-blocking attempt at close_notify; the
			 * server does not depend on it. */
			ERR_clear_error();
			SSL_shutdown(c->ssl);
			ERR_clear_error();
		}
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	BIO_meth_free(c->bio_method);
	c->bio_method = NULL;
	SSL_CTX_free(c->ssl_ctx);
	c->ssl_ctx = NULL;
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	c->broken = 1;
}

/* ------------------------------------------------------------ frames */

static qt_status_t conn_check(qt_client_t *c)
{
	if (c->offline)
		return client_error(c, QT_UNAVAILABLE, NULL, "not connected (working offline)");
	if (c->broken || c->ssl == NULL)
		return client_error(c, QT_IO, NULL,
		                    "the connection was closed after an earlier error; reconnect");
	return QT_OK;
}

qt_status_t conn_write(qt_client_t *c, const uint8_t *buf, size_t len,
                       uint64_t deadline)
{
	size_t done = 0;
	int chunk, ret, e;
	qt_status_t rc;

	rc = conn_check(c);
	if (rc != QT_OK)
		return rc;
	while (done < len) {
		chunk = len - done > (size_t)1 << 30 ? 1 << 30 : (int)(len - done);
		ERR_clear_error();
		/* Without partial writes, a retry after WANT_* must repeat the
		 * same buffer and length, which this loop does. */
		ret = SSL_write(c->ssl, buf + done, chunk);
		if (ret > 0) {
			done += (size_t)ret;
			continue;
		}
		e = SSL_get_error(c->ssl, ret);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			rc = conn_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
			               deadline, "sending");
			if (rc != QT_OK) {
				c->broken = 1;
				return rc;
			}
			continue;
		}
		return conn_ssl_failure(c, ret, "send");
	}
	return QT_OK;
}

qt_status_t conn_send(qt_client_t *c, const qt_envelope_t *env,
                      uint64_t deadline)
{
	uint32_t max = c->authenticated ? c->max_frame : c->max_frame_preauth;
	uint8_t *buf = NULL;
	size_t len = 0;
	qt_status_t rc;

	rc = envelope_pack(env, max, &buf, &len);
	if (rc == QT_RESOURCE_EXHAUSTED) {
		rc = client_error(c, rc, NULL,
		                  "request larger than the server accepts (%u bytes%s)",
		                  max, c->authenticated ? "" : " before login");
		goto out;
	}
	if (rc != QT_OK) {
		rc = client_error(c, rc, NULL, "out of memory");
		goto out;
	}
	rc = conn_write(c, buf, len, deadline);
out:
	free(buf);
	return rc;
}

/* Reads what TLS has for us into rbuf. */
static qt_status_t conn_fill(qt_client_t *c, uint64_t deadline)
{
	int ret, e;
	qt_status_t rc;

	for (;;) {
		ERR_clear_error();
		ret = SSL_read(c->ssl, c->rbuf, (int)sizeof(c->rbuf));
		if (ret > 0) {
			c->rpos = 0;
			c->rlen = (size_t)ret;
			return QT_OK;
		}
		e = SSL_get_error(c->ssl, ret);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			rc = conn_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
			               deadline, "waiting for the server");
			if (rc != QT_OK) {
				c->broken = 1;
				return rc;
			}
			continue;
		}
		rc = conn_ssl_failure(c, ret, "receive");
		if (rc == QT_IO && frame_reader_partial(&c->reader))
			client_error(c, QT_IO, NULL,
			             "server closed the connection in the middle of a frame");
		return rc;
	}
}

qt_status_t conn_recv(qt_client_t *c, uint64_t deadline, qt_envelope_t **out)
{
	const uint8_t *frame;
	uint32_t flen;
	size_t used;
	qt_envelope_t *env;
	qt_status_t rc;

	rc = conn_check(c);
	if (rc != QT_OK)
		return rc;
	for (;;) {
		if (c->rpos == c->rlen) {
			rc = conn_fill(c, deadline);
			if (rc != QT_OK)
				return rc;
		}
		rc = frame_reader_feed(&c->reader, c->rbuf + c->rpos,
		                       c->rlen - c->rpos, &used, &frame, &flen);
		c->rpos += used;
		if (rc == QT_RESOURCE_EXHAUSTED) {
			c->broken = 1;
			return client_error(c, QT_PROTOCOL_ERROR, NULL,
			                    "server sent a frame larger than %u bytes",
			                    c->reader.max);
		}
		if (rc == QT_NOMEM) {
			c->broken = 1;
			return client_error(c, rc, NULL, "out of memory");
		}
		if (rc != QT_OK) {
			c->broken = 1;
			return client_error(c, QT_PROTOCOL_ERROR, NULL,
			                    "server sent an invalid frame");
		}
		if (frame == NULL)
			continue;
		/* The payload is borrowed from rbuf or the reader; unpack
		 * copies it before anything else touches either.  Not
		 * envelope_unpack(): it refuses kinds it does not know, and
		 * PROTOCOL.md asks clients to ignore those (a newer server). */
		env = quartier__v1__envelope__unpack(NULL, flen, frame);
		if (env == NULL) {
			c->broken = 1;
			/* protobuf-c fails alike for garbage and no memory; a
			 * frame that fits in memory is almost surely garbage. */
			return client_error(c, QT_PROTOCOL_ERROR, NULL,
			                    "server sent an undecodable message");
		}
		if (env->kind_case == QUARTIER__V1__ENVELOPE__KIND__NOT_SET) {
			envelope_free(env);
			continue;
		}
		*out = env;
		return QT_OK;
	}
}

int conn_poll_input(qt_client_t *c, unsigned timeout_ms)
{
	struct pollfd p;
	int n;

	if (c->broken || c->ssl == NULL)
		return -(int)client_error(c, QT_IO, NULL, "the connection is closed");
	if (c->rpos < c->rlen || SSL_pending(c->ssl) > 0)
		return 1;
	p.fd = c->fd;
	p.events = POLLIN;
	p.revents = 0;
	n = poll(&p, 1, (int)timeout_ms);
	if (n > 0)
		return 1;
	if (n == 0 || errno == EINTR)
		return 0;
	return -(int)client_error(c, QT_IO, NULL, "poll: %s", strerror(errno));
}
