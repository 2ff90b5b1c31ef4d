/* Client connections (see conn.h): TLS through memory BIOs, framing,
 * hello/ping handling, back-pressure and closing. */
#include "conn.h"

#include <assert.h>
#include <errno.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "dispatch.h"
#include "person_memo.h"
#include "tls.h"
#include "validate.h"

#define CONN_CLOSE_GRACE_MS 3000   /* time to deliver a goodbye before a hard close */
#define CONN_READ_CHUNK 16384      /* plaintext bytes taken from TLS at once */
#define CONN_HELD_READ_MAX 16384   /* bytes read ahead while a login holds the input */
#define CONN_WRITE_CHUNK 16384     /* TLS output moved to the socket at once */
#define CONN_OBUF_MAX 262144       /* gathered frames given to TLS before the turn ends */

typedef struct conn_write {
	uv_write_t req;
	conn_t *conn;
	size_t len;
	char data[];
} conn_write_t;

static void conn_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void conn_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* ------------------------------------------------------------ lifetime */

void conn_ref(conn_t *c)
{
	assert(c->magic == CONN_MAGIC);
	c->refs++;
}

void conn_unref(conn_t *c)
{
	assert(c->magic == CONN_MAGIC && c->refs > 0);
	if (--c->refs > 0)
		return;
	c->magic = 0;
	free(c->obuf);
	feed_sub_free(c->sub);
	person_memo_drop(c);
	SSL_free(c->ssl);
	frame_reader_close(&c->reader);
	free(c);
}

static void conn_close_cb(uv_handle_t *h)
{
	conn_t *c = h->data;
	server_t *srv = c->srv;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->n_conns--;
	if (c->addr_counted)
		addrcount_del(&srv->per_addr, c->addr_key);
	log_debug(&srv->log, "event=close conn=%llu", (unsigned long long)c->id);
	conn_unref(c);
	server_conn_gone(srv);
}

static void conn_close_handle(conn_t *c)
{
	if (c->handle_closed)
		return;
	c->handle_closed = 1;
	c->state = CONN_CLOSING;
	if (c->reading)
		uv_read_stop((uv_stream_t *)&c->tcp);
	c->reading = 0;
	uv_close((uv_handle_t *)&c->tcp, conn_close_cb);
}

/* ------------------------------------------------------------ output */

static void conn_write_cb(uv_write_t *req, int status)
{
	conn_write_t *w = (conn_write_t *)req;
	conn_t *c = w->conn;

	c->out_bytes -= w->len;
	free(w);
	if (status < 0 && c->state != CONN_CLOSING)
		conn_close(c, QT_OK, NULL);
	if (c->state == CONN_CLOSING) {
		if (c->out_bytes == 0)
			conn_close_handle(c);
	} else if (!c->reading && c->out_bytes < c->srv->cfg.max_output_queue / 2) {
		/* Input was paused for this output; take it up again. */
		conn_process(c);
	}
	conn_unref(c);
}

/* Queues len bytes of data (copied) behind the socket's pending writes;
 * 0, or -1 if that failed (the caller closes the connection). */
static int conn_queue_write(conn_t *c, const uint8_t *data, size_t len)
{
	conn_write_t *w = malloc(sizeof(*w) + len);
	uv_buf_t b;

	if (w == NULL)
		return -1;
	memcpy(w->data, data, len);
	w->conn = c;
	w->len = len;
	b = uv_buf_init(w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, conn_write_cb) != 0) {
		free(w);
		return -1;
	}
	conn_ref(c);
	c->out_bytes += len;
	return 0;
}

/* Moves TLS output from c's wbio straight to the socket fd until the wbio
 * is empty or the socket takes no more.  What the socket did not take of
 * the chunk in hand comes back in *rest (malloc'd, the caller's; NULL if
 * none); the rest of the output stays in the wbio.  Any thread, while it
 * alone uses c's SSL object and socket.  Returns 0, or -1 if the socket
 * failed or memory ran out. */
static int conn_wbio_send(conn_t *c, int fd, uint8_t **rest, size_t *rest_len)
{
	uint8_t chunk[CONN_WRITE_CHUNK];

	*rest = NULL;
	*rest_len = 0;
	for (;;) {
		size_t pending = BIO_ctrl_pending(c->wbio);
		ssize_t k;
		int n;

		if (pending == 0)
			return 0;
		n = BIO_read(c->wbio, chunk, (int)(pending < sizeof(chunk) ? pending : sizeof(chunk)));
		if (n <= 0)
			return -1;
		do
			k = send(fd, chunk, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
		while (k < 0 && errno == EINTR);
		if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (k < 0)
			k = 0;
		if (k < n) {
			*rest = malloc((size_t)(n - k));
			if (*rest == NULL)
				return -1;
			memcpy(*rest, chunk + k, (size_t)(n - k));
			*rest_len = (size_t)(n - k);
			return 0;
		}
	}
}

/* Moves whatever TLS produced (handshake records, application data,
 * tickets, alerts) to the socket.  While libuv has nothing queued on the
 * socket the bytes go straight to it (conn_wbio_send); only what the
 * socket does not take is copied into queued writes, behind which the
 * order on the wire is kept.  A write request costs an allocation, a
 * callback and an epoll update on the next loop turn, which is most of
 * the price of pushing one small event. */
static int conn_flush_tls(conn_t *c)
{
	uint8_t chunk[CONN_WRITE_CHUNK];
	uv_os_fd_t fd;

	if (c->handle_closed)
		return 0;
	if (c->tcp.write_queue_size == 0 && uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0) {
		uint8_t *rest;
		size_t rest_len;
		int rc = conn_wbio_send(c, fd, &rest, &rest_len);

		if (rc == 0 && rest != NULL)
			rc = conn_queue_write(c, rest, rest_len);
		free(rest);
		if (rc != 0)
			return -1; /* the caller closes the connection */
	}
	for (;;) {
		size_t pending = BIO_ctrl_pending(c->wbio);
		int n;

		if (pending == 0)
			return 0;
		n = BIO_read(c->wbio, chunk, (int)(pending < sizeof(chunk) ? pending : sizeof(chunk)));
		if (n <= 0 || conn_queue_write(c, chunk, (size_t)n) != 0)
			return -1;
	}
}

/* Gives the frames gathered in c's obuf to TLS (the obuf is emptied
 * either way).  Returns SSL_write()'s result, 1 if there was nothing. */
static int conn_obuf_write(conn_t *c)
{
	uint8_t *buf = c->obuf;
	int n;

	if (buf == NULL)
		return 1;
	c->obuf = NULL;
	ERR_clear_error();
	/* obuf_len <= CONN_OBUF_MAX + one frame, which fits an int. */
	n = SSL_write(c->ssl, buf, (int)c->obuf_len);
	c->obuf_len = c->obuf_cap = 0;
	free(buf);
	return n;
}

/* Gives the frames gathered in c's obuf to TLS and moves TLS's output
 * to the socket; a failure closes the connection.  Returns 0, or -1 if
 * c was closed here. */
static int conn_output_flush(conn_t *c)
{
	if (c->obuf == NULL)
		return 0;
	if (c->handle_closed || c->state == CONN_TLS_HANDSHAKE || c->state == CONN_CLOSING) {
		/* Nothing goes out after the close alert. */
		free(c->obuf);
		c->obuf = NULL;
		c->obuf_len = c->obuf_cap = 0;
		return 0;
	}
	if (conn_obuf_write(c) <= 0 || conn_flush_tls(c) != 0) {
		conn_close(c, QT_OK, NULL);
		return -1;
	}
	return 0;
}

/* Writes out every connection that gathered frames in this loop turn. */
static void conn_output_flush_all(server_t *srv)
{
	while (srv->out_head != NULL) {
		conn_t *c = srv->out_head;

		srv->out_head = c->out_next;
		c->out_next = NULL;
		c->out_listed = 0;
		/* Input paused for these frames (they count against
		 * max_output_queue) is taken up again once the socket took
		 * them; had it not, its write callback does that. */
		if (conn_output_flush(c) == 0 && !c->reading && !c->handle_closed &&
		    c->state != CONN_CLOSING)
			conn_process(c);
		conn_unref(c);
	}
	uv_check_stop(&srv->out_tick);
	uv_prepare_stop(&srv->out_guard);
}

/* After the poll phase's callbacks, where most answers come from. */
static void conn_out_tick_cb(uv_check_t *h)
{
	conn_output_flush_all(h->data);
}

/* Before the loop waits for I/O: frames gathered by timer, idle and
 * check callbacks after out_tick ran never wait for the next event. */
static void conn_out_guard_cb(uv_prepare_t *h)
{
	conn_output_flush_all(h->data);
}

void conn_output_init(server_t *srv)
{
	uv_check_init(srv->loop, &srv->out_tick);
	uv_prepare_init(srv->loop, &srv->out_guard);
	srv->out_tick.data = srv->out_guard.data = srv;
	srv->out_tick_open = 1;
	srv->out_head = NULL;
}

void conn_output_close(server_t *srv)
{
	if (!srv->out_tick_open)
		return;
	conn_output_flush_all(srv);
	srv->out_tick_open = 0;
	uv_close((uv_handle_t *)&srv->out_tick, NULL);
	uv_close((uv_handle_t *)&srv->out_guard, NULL);
}

/* Appends frame (len bytes, malloc'd; taken over) to c's obuf and lists
 * c for the turn's end.  Returns QT_OK, or QT_UNAVAILABLE if memory ran
 * out (c is closed then: an answer it waits for cannot go out). */
static qt_status_t conn_output_add(conn_t *c, uint8_t *frame, size_t len)
{
	server_t *srv = c->srv;

	if (c->obuf != NULL && c->obuf_len + len > CONN_OBUF_MAX && conn_output_flush(c) != 0) {
		free(frame);
		return QT_UNAVAILABLE;
	}
	if (c->obuf == NULL) {
		c->obuf = frame;
		c->obuf_len = c->obuf_cap = len;
	} else {
		if (c->obuf_len + len > c->obuf_cap) {
			size_t cap = 2 * c->obuf_cap > c->obuf_len + len ? 2 * c->obuf_cap : c->obuf_len + len;
			uint8_t *nb = realloc(c->obuf, cap);

			if (nb == NULL) {
				free(frame);
				conn_close(c, QT_OK, NULL);
				return QT_UNAVAILABLE;
			}
			c->obuf = nb;
			c->obuf_cap = cap;
		}
		memcpy(c->obuf + c->obuf_len, frame, len);
		c->obuf_len += len;
		free(frame);
	}
	if (!c->out_listed && srv->out_tick_open) {
		c->out_listed = 1;
		c->out_next = srv->out_head;
		srv->out_head = c;
		conn_ref(c);
		uv_check_start(&srv->out_tick, conn_out_tick_cb);
		uv_prepare_start(&srv->out_guard, conn_out_guard_cb);
	} else if (!c->out_listed) {
		/* The server is past its loop handles: write at once. */
		return conn_output_flush(c) == 0 ? QT_OK : QT_UNAVAILABLE;
	}
	return QT_OK;
}

qt_status_t conn_send(conn_t *c, const qt_envelope_t *env)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	qt_status_t rc;

	if (c->handle_closed || c->state == CONN_TLS_HANDSHAKE)
		return QT_UNAVAILABLE;
	rc = envelope_pack(env, c->srv->cfg.max_frame, &buf, &len);
	if (rc == QT_NOMEM) {
		/* A missing answer would leave the peer waiting: end the stream
		 * (without a goodbye, which would need memory too). */
		conn_close(c, QT_OK, NULL);
		return QT_UNAVAILABLE;
	}
	if (rc != QT_OK)
		return rc;
	return conn_output_add(c, buf, len);
}

qt_status_t conn_send_frame(conn_t *c, const uint8_t *frame, size_t len)
{
	conn_send_job_t j;

	if (conn_send_detach(c, &j, frame, len) != QT_OK)
		return QT_UNAVAILABLE;
	conn_send_detached(&j);
	return conn_send_attach(&j);
}

qt_status_t conn_send_detach(conn_t *c, conn_send_job_t *j, const uint8_t *frame, size_t len)
{
	uv_os_fd_t fd;

	if (c->handle_closed || c->state == CONN_TLS_HANDSHAKE)
		return QT_UNAVAILABLE;
	/* Frames gathered before this one go first. */
	if (conn_output_flush(c) != 0)
		return QT_UNAVAILABLE;
	memset(j, 0, sizeof(*j));
	j->conn = c;
	j->frame = frame;
	j->len = len;
	/* Straight to the socket only while libuv has nothing queued on it,
	 * so the bytes keep their order. */
	j->fd = c->tcp.write_queue_size == 0 && uv_fileno((uv_handle_t *)&c->tcp, &fd) == 0 ? fd : -1;
	return QT_OK;
}

void conn_send_detached(conn_send_job_t *j)
{
	ERR_clear_error();
	if (SSL_write(j->conn->ssl, j->frame, (int)j->len) <= 0 ||
	    (j->fd >= 0 && conn_wbio_send(j->conn, j->fd, &j->rest, &j->rest_len) != 0))
		j->failed = 1;
}

qt_status_t conn_send_attach(conn_send_job_t *j)
{
	conn_t *c = j->conn;
	int rc = j->failed ? -1 : 0;

	if (rc == 0 && j->rest != NULL)
		rc = conn_queue_write(c, j->rest, j->rest_len);
	free(j->rest);
	j->rest = NULL;
	if (rc == 0)
		rc = conn_flush_tls(c);
	if (rc != 0) {
		conn_close(c, QT_OK, NULL);
		return QT_UNAVAILABLE;
	}
	return QT_OK;
}

void conn_close(conn_t *c, qt_status_t st, const char *msg)
{
	if (c->state == CONN_CLOSING)
		return;
	if (st == QT_PROTOCOL_ERROR || st == QT_RESOURCE_EXHAUSTED || st == QT_UNSUPPORTED_VERSION)
		c->srv->metrics.protocol_errors++;
	if (msg != NULL && c->state != CONN_TLS_HANDSHAKE && !c->handle_closed) {
		Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
		Quartier__V1__Goodbye bye = QUARTIER__V1__GOODBYE__INIT;
		Quartier__V1__Error err;

		envelope_error_set(&err, st, msg, NULL);
		bye.error = &err;
		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_GOODBYE;
		env.goodbye = &bye;
		(void)conn_send(c, &env);
		log_info(&c->srv->log, "event=goodbye conn=%llu status=%s msg=\"%s\"",
		         (unsigned long long)c->id, qt_status_name(st), msg);
	}
	if (!c->handle_closed) {
		/* Tell the peer TLS is over, after the answers and goodbye gathered
		 * so far; ignore failure, we close anyway. */
		if (c->state != CONN_TLS_HANDSHAKE) {
			(void)conn_obuf_write(c);
			ERR_clear_error();
			SSL_shutdown(c->ssl);
			(void)conn_flush_tls(c);
		}
	}
	c->state = CONN_CLOSING;
	feed_unsubscribe(&c->srv->feed, c);
	person_memo_drop(c);
	c->closing_at = uv_now(c->srv->loop);
	if (c->reading && !c->handle_closed) {
		uv_read_stop((uv_stream_t *)&c->tcp);
		c->reading = 0;
	}
	if (c->out_bytes == 0)
		conn_close_handle(c);
}

void conn_unauthenticate(conn_t *c)
{
	if (c->state != CONN_AUTHENTICATED)
		return;
	c->state = CONN_OPEN;
	c->cert_office = 0;
	feed_unsubscribe(&c->srv->feed, c);
	person_memo_drop(c);
	c->reader.max = c->srv->cfg.max_frame_preauth;
	memset(&c->actor, 0, sizeof(c->actor));
	memset(c->session_hash, 0, sizeof(c->session_hash));
}

int conn_authenticated(conn_t *c)
{
	if (c->state != CONN_AUTHENTICATED)
		return 0;
	if ((int64_t)time(NULL) >= c->session_expires) {
		conn_unauthenticate(c);
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ frames */

static void conn_on_hello(conn_t *c, const Quartier__V1__Hello *h)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Welcome w = QUARTIER__V1__WELCOME__INIT;
	validation_t v;
	char msg[128];

	if (h->protocol_version != QT_PROTOCOL_VERSION) {
		snprintf(msg, sizeof(msg), "protocol version %u is not supported; this server speaks version %u",
		         h->protocol_version, QT_PROTOCOL_VERSION);
		conn_close(c, QT_UNSUPPORTED_VERSION, msg);
		return;
	}
	if (validate_text(&v, "hello.client_name", h->client_name, 1, 128, 0) != QT_OK ||
	    validate_text(&v, "hello.client_instance_id", h->client_instance_id, 1, 64, 0) != QT_OK) {
		conn_close(c, QT_INVALID_ARGUMENT, v.message);
		return;
	}
	snprintf(c->client_name, sizeof(c->client_name), "%s", h->client_name);
	snprintf(c->instance_id, sizeof(c->instance_id), "%s", h->client_instance_id);
	w.protocol_version = QT_PROTOCOL_VERSION;
	w.server_name = SERVER_NAME;
	w.max_frame = c->srv->cfg.max_frame;
	w.max_frame_preauth = c->srv->cfg.max_frame_preauth;
	w.max_in_flight = c->srv->cfg.max_in_flight;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_WELCOME;
	env.welcome = &w;
	c->state = CONN_OPEN;
	(void)conn_send(c, &env);
}

static void conn_on_ping(conn_t *c, const Quartier__V1__Ping *p)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Pong pong = QUARTIER__V1__PONG__INIT;

	pong.has_nonce = p->has_nonce;
	pong.nonce = p->nonce;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PONG;
	env.pong = &pong;
	(void)conn_send(c, &env);
}

static void conn_on_frame(conn_t *c, const uint8_t *data, uint32_t len)
{
	qt_envelope_t *env = envelope_unpack(data, len);

	c->last_frame_at = uv_now(c->srv->loop);
	if (env == NULL) {
		conn_close(c, QT_PROTOCOL_ERROR, "the frame is not a valid Envelope message");
		return;
	}
	if (c->state == CONN_HELLO && env->kind_case != QUARTIER__V1__ENVELOPE__KIND_HELLO) {
		envelope_free(env);
		conn_close(c, QT_PROTOCOL_ERROR, "the first message must be a hello");
		return;
	}
	switch (env->kind_case) {
	case QUARTIER__V1__ENVELOPE__KIND_HELLO:
		if (c->state != CONN_HELLO)
			conn_close(c, QT_PROTOCOL_ERROR, "hello was already sent");
		else
			conn_on_hello(c, env->hello);
		break;
	case QUARTIER__V1__ENVELOPE__KIND_PING:
		conn_on_ping(c, env->ping);
		break;
	case QUARTIER__V1__ENVELOPE__KIND_PONG:
		break;
	case QUARTIER__V1__ENVELOPE__KIND_REQUEST:
		dispatch_request(c, env); /* takes env */
		return;
	default:
		conn_close(c, QT_PROTOCOL_ERROR, "clients may not send this kind of message");
		break;
	}
	envelope_free(env);
}

/* ------------------------------------------------------------ input */

/* Starts (or resumes, after back-pressure) reading from the socket.  A
 * connection that cannot read any more would hang its client: close it. */
static void conn_start_reading(conn_t *c)
{
	int rc = uv_read_start((uv_stream_t *)&c->tcp, conn_alloc_cb, conn_read_cb);

	if (rc == 0) {
		c->reading = 1;
		return;
	}
	log_warning(&c->srv->log, "event=read_failed conn=%llu peer=%s error=\"%s\"",
	            (unsigned long long)c->id, c->peer, uv_strerror(rc));
	conn_close(c, QT_INTERNAL, "the server cannot read from this connection");
}

/* Whether the connection's frames wait (back-pressure, or a login that
 * holds its input). */
static int conn_input_paused(const conn_t *c)
{
	return c->in_flight >= c->srv->cfg.max_in_flight || c->held > 0 ||
	       c->out_bytes + c->obuf_len >= c->srv->cfg.max_output_queue ||
	       c->srv->shutting_down;
}

/* Whether the socket is left unread.  While only a login holds the input,
 * up to CONN_HELD_READ_MAX bytes are still taken in (not processed), so
 * that a client leaving during a login's delay is noticed and the login
 * given up (session_throttle_tick()). */
static int conn_read_paused(const conn_t *c)
{
	if (!conn_input_paused(c))
		return 0;
	if (c->held > 0 && c->in_flight < c->srv->cfg.max_in_flight &&
	    c->out_bytes + c->obuf_len < c->srv->cfg.max_output_queue && !c->srv->shutting_down)
		return BIO_ctrl_pending(c->rbio) >= CONN_HELD_READ_MAX;
	return 1;
}

static void conn_tls_failed(conn_t *c, int ssl_err, const char *stage)
{
	char ebuf[256];
	unsigned long e = ERR_peek_last_error();

	if (ssl_err == SSL_ERROR_ZERO_RETURN ||
	    (ssl_err == SSL_ERROR_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
		log_debug(&c->srv->log, "event=peer_closed conn=%llu", (unsigned long long)c->id);
	} else {
		c->srv->metrics.tls_failures++;
		log_info(&c->srv->log, "event=tls_error conn=%llu peer=%s stage=%s error=\"%s\"",
		         (unsigned long long)c->id, c->peer, stage, tls_error_string(ebuf, sizeof(ebuf)));
	}
	/* A TLS failure leaves no channel to say goodbye on. */
	if (c->state == CONN_TLS_HANDSHAKE) {
		(void)conn_flush_tls(c); /* deliver the alert, if any */
		c->state = CONN_CLOSING;
		c->closing_at = uv_now(c->srv->loop);
		if (c->out_bytes == 0)
			conn_close_handle(c);
		return;
	}
	conn_close(c, QT_OK, NULL);
}

/* Notes the client certificate, if one was presented (it verified, or
 * the handshake would have failed). */
static void conn_client_cert(conn_t *c)
{
	char fp[65], ou[TLS_OU_MAX + 1];

	c->cert = tls_client_identity(c->ssl, c->cert_ou, fp);
	if (!c->cert)
		return;
	/* The OU goes into a quoted log field: no double quotes in it. */
	snprintf(ou, sizeof(ou), "%s", c->cert_ou);
	for (char *p = ou; *p != '\0'; p++)
		if (*p == '"')
			*p = '\'';
	log_info(&c->srv->log, "event=client_cert conn=%llu peer=%s sha256=%s ou=\"%s\"",
	         (unsigned long long)c->id, c->peer, fp, ou);
}

void conn_process(conn_t *c)
{
	uint8_t buf[CONN_READ_CHUNK];

	if (c->in_process || c->handle_closed)
		return;
	c->in_process = 1;
	conn_ref(c);
	while (c->state != CONN_CLOSING) {
		int n, e;

		if (c->state == CONN_TLS_HANDSHAKE) {
			ERR_clear_error();
			n = SSL_do_handshake(c->ssl);
			if (conn_flush_tls(c) != 0) {
				conn_close(c, QT_OK, NULL);
				break;
			}
			if (n == 1) {
				c->state = CONN_HELLO;
				c->srv->metrics.tls_handshakes++;
				log_debug(&c->srv->log, "event=tls_ready conn=%llu version=%s cipher=%s",
				          (unsigned long long)c->id, SSL_get_version(c->ssl),
				          SSL_get_cipher_name(c->ssl));
				conn_client_cert(c);
				continue;
			}
			e = SSL_get_error(c->ssl, n);
			if (e == SSL_ERROR_WANT_READ)
				break;
			conn_tls_failed(c, e, "handshake");
			break;
		}
		if (conn_input_paused(c))
			break;
		{
			uint32_t want = frame_reader_want(&c->reader);
			const uint8_t *frame;
			uint32_t flen;
			size_t used;
			qt_status_t st;

			if (want > sizeof(buf))
				want = sizeof(buf);
			ERR_clear_error();
			n = SSL_read(c->ssl, buf, (int)want);
			/* SSL_read can produce output (key updates, tickets). */
			if (conn_flush_tls(c) != 0) {
				conn_close(c, QT_OK, NULL);
				break;
			}
			if (n <= 0) {
				e = SSL_get_error(c->ssl, n);
				if (e == SSL_ERROR_WANT_READ)
					break;
				conn_tls_failed(c, e, "read");
				break;
			}
			st = frame_reader_feed(&c->reader, buf, (size_t)n, &used, &frame, &flen);
			if (st == QT_RESOURCE_EXHAUSTED) {
				char msg[128];
				snprintf(msg, sizeof(msg), "frame length %u exceeds the limit of %u bytes%s",
				         frame_get_header(c->reader.hdr), c->reader.max,
				         c->state == CONN_AUTHENTICATED ? "" : " before login");
				conn_close(c, st, msg);
				break;
			}
			if (st == QT_NOMEM) {
				/* QT_NOMEM is local to this process; the wire knows RESOURCE_EXHAUSTED. */
				conn_close(c, QT_RESOURCE_EXHAUSTED, "the server is short of memory");
				break;
			}
			if (st != QT_OK) {
				conn_close(c, st, st == QT_PROTOCOL_ERROR ? "a frame of length 0 is not allowed"
				                                         : qt_status_str(st));
				break;
			}
			if (frame != NULL)
				conn_on_frame(c, frame, flen);
		}
	}
	/* Read from the socket only while frames can be processed (or a
	 * little ahead, while a login holds them). */
	if (!c->handle_closed && c->state != CONN_CLOSING) {
		int paused = c->state != CONN_TLS_HANDSHAKE && conn_read_paused(c);
		if (paused && c->reading) {
			uv_read_stop((uv_stream_t *)&c->tcp);
			c->reading = 0;
		} else if (!paused && !c->reading) {
			conn_start_reading(c);
		}
	}
	c->in_process = 0;
	conn_unref(c);
}

static void conn_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	conn_t *c = h->data;

	(void)suggested;
	/* One loop-wide buffer: read_cb copies every byte into the rbio before
	 * the next read can start. */
	*buf = uv_buf_init(c->srv->read_buf, sizeof(c->srv->read_buf));
}

static void conn_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	conn_t *c = s->data;

	if (nread == 0)
		return;
	if (nread < 0) {
		if (frame_reader_partial(&c->reader))
			log_info(&c->srv->log, "event=truncated_frame conn=%llu peer=%s",
			         (unsigned long long)c->id, c->peer);
		else
			log_debug(&c->srv->log, "event=eof conn=%llu", (unsigned long long)c->id);
		/* The peer is gone: nothing more can be said to it. */
		c->state = CONN_CLOSING;
		conn_close_handle(c);
		return;
	}
	if (BIO_write(c->rbio, buf->base, (int)nread) != (int)nread) {
		conn_close(c, QT_INTERNAL, "out of memory");
		return;
	}
	conn_process(c);
}

/* ------------------------------------------------------------ accept */

static void conn_peer_name(conn_t *c)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	char host[48] = "?";
	int port = 0;

	if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) == 0) {
		addrcount_key((const struct sockaddr *)&ss, c->addr_key);
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			uv_ip4_name(a, host, sizeof(host));
			port = ntohs(a->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			uv_ip6_name(a, host, sizeof(host));
			port = ntohs(a->sin6_port);
		}
	}
	snprintf(c->peer, sizeof(c->peer), "%s:%d", host, port);
}

void conn_accept(server_t *srv)
{
	conn_t *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		/* libuv holds the new socket and pauses the listener until it is
		 * accepted: the sweep timer tries again. */
		if (!srv->accept_deferred)
			log_warning(&srv->log, "event=out_of_memory stage=accept");
		srv->accept_deferred = 1;
		return;
	}
	c->magic = CONN_MAGIC;
	c->srv = srv;
	c->refs = 1; /* the socket's reference, dropped in conn_close_cb */
	c->id = ++srv->next_conn_id;
	c->state = CONN_TLS_HANDSHAKE;
	c->accepted_at = c->last_frame_at = uv_now(srv->loop);
	frame_reader_init(&c->reader, srv->cfg.max_frame_preauth);
	uv_tcp_init(srv->loop, &c->tcp);
	c->tcp.data = c;
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	srv->n_conns++;

	if (uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)&c->tcp) != 0) {
		conn_close_handle(c);
		return;
	}
	conn_peer_name(c);
	/* Refusals cost nothing: no TLS, no goodbye, the socket just closes
	 * (a client sees the connection end during its handshake). */
	if (srv->n_conns > srv->cfg.max_connections || srv->shutting_down) {
		srv->metrics.conn_refused++;
		log_warning(&srv->log, "event=refused peer=%s reason=%s", c->peer,
		            srv->shutting_down ? "shutting_down" : "max_connections");
		conn_close_handle(c);
		return;
	}
	if (addrcount_get(&srv->per_addr, c->addr_key) >= srv->cfg.max_connections_per_address) {
		srv->metrics.conn_refused++;
		srv->metrics.conn_refused_per_address++;
		log_warning(&srv->log, "event=refused peer=%s reason=max_connections_per_address limit=%u",
		            c->peer, srv->cfg.max_connections_per_address);
		conn_close_handle(c);
		return;
	}
	addrcount_add(&srv->per_addr, c->addr_key);
	c->addr_counted = 1;
	c->ssl = tls_conn_new(srv->ssl_ctx, &c->rbio, &c->wbio);
	if (c->ssl == NULL) {
		conn_close_handle(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	srv->metrics.conn_accepted++;
	log_debug(&srv->log, "event=accept conn=%llu peer=%s", (unsigned long long)c->id, c->peer);
	conn_start_reading(c);
}

/* ------------------------------------------------------------ deadlines */

void conn_sweep(server_t *srv, uint64_t now)
{
	conn_t *c = srv->conns;

	while (c != NULL) {
		conn_t *next = c->next;
		const config_t *cfg = &srv->cfg;

		if (c->handle_closed) {
			/* waiting for its close callback */
		} else if (c->state == CONN_CLOSING) {
			if (now - c->closing_at > CONN_CLOSE_GRACE_MS)
				conn_close_handle(c);
		} else if ((c->state == CONN_TLS_HANDSHAKE || c->state == CONN_HELLO) &&
		           now - c->accepted_at > cfg->handshake_timeout * 1000ull) {
			log_info(&srv->log, "event=timeout conn=%llu peer=%s stage=handshake",
			         (unsigned long long)c->id, c->peer);
			conn_close(c, QT_UNAUTHENTICATED, "handshake timeout");
		} else if (c->state == CONN_OPEN && c->in_flight == 0 &&
		           now - c->accepted_at > cfg->login_timeout * 1000ull) {
			conn_close(c, QT_UNAUTHENTICATED, "login timeout");
		} else if (c->in_flight == 0 && now - c->last_frame_at > cfg->idle_timeout * 1000ull) {
			conn_close(c, QT_UNAVAILABLE, "idle timeout");
		} else if (srv->shutting_down && c->in_flight == 0) {
			conn_close(c, QT_UNAVAILABLE, "the server is shutting down");
		} else if (srv->shutting_down && now >= srv->shutdown_deadline) {
			conn_close(c, QT_UNAVAILABLE, "the server is shutting down");
		}
		c = next;
	}
}
