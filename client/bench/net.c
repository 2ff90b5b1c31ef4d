/* Non-blocking TLS connections on an epoll loop (see net.h). */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NET_READ_CHUNK 16384
#define NET_EVENTS_MAX 256
#define NET_FRAME_MAX (16u * 1024u * 1024u) /* bytes we accept from the server */

static void net_conn_fail(net_conn_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void net_conn_io(net_conn_t *c, uint32_t ev);

uint64_t net_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------ TLS context */

SSL_CTX *net_ssl_ctx_new(const char *ca_file, char *err, size_t err_len)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		snprintf(err, err_len, "cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
	                          SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* One read() takes whatever records arrived, instead of one for a
	 * record's header and one for its body: a generator that receives a
	 * push on each of thousands of connections spends less of the CPU it
	 * shares with the server.  net_read() reads until TLS wants more, so
	 * nothing stays buffered unseen. */
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			snprintf(err, err_len, "cannot load the CA file %s", ca_file);
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		snprintf(err, err_len, "cannot load the system's CA store");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* ------------------------------------------------------------ epoll */

static void net_watch(net_conn_t *c, uint32_t events)
{
	struct epoll_event ev;

	if (c->fd < 0 || c->events == events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = c;
	if (epoll_ctl(c->loop->ep, c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c->fd, &ev) != 0) {
		net_conn_fail(c, "epoll_ctl: %s", strerror(errno));
		return;
	}
	c->events = events;
}

/* ------------------------------------------------------------ lifetime */

static void net_conn_release(net_conn_t *c)
{
	net_loop_t *l = c->loop;

	if (c->state >= NET_CONNECTING && c->state <= NET_AUTH && l->opening > 0)
		l->opening--;
	if (c->state == NET_READY && l->ready > 0)
		l->ready--;
	if (c->fd >= 0) {
		struct linger lg = {1, 0};
		/* Abortive close: benchmarks open and close thousands of
		 * connections; none should linger in TIME_WAIT. */
		(void)setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		if (c->events != 0)
			(void)epoll_ctl(l->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
		c->events = 0;
	}
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	frame_reader_close(&c->reader);
	for (unsigned i = 0; i < c->depth; i++) {
		if (c->slots[i].busy && c->slots[i].result == NULL)
			c->slots[i].busy = 0;
	}
	c->inflight = 0;
	c->out_len = 0;
}

static void net_conn_fail(net_conn_t *c, const char *fmt, ...)
{
	va_list ap;

	if (c->state == NET_FAILED || c->state == NET_CLOSED)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	net_conn_release(c);
	c->state = NET_FAILED;
	c->loop->failed++;
	ERR_clear_error();
	if (c->loop->on_fail != NULL)
		c->loop->on_fail(c);
}

void net_conn_close(net_conn_t *c)
{
	if (c->state == NET_CLOSED || c->state == NET_FAILED || c->state == NET_IDLE) {
		c->state = c->state == NET_IDLE ? NET_CLOSED : c->state;
		return;
	}
	net_conn_release(c);
	c->state = NET_CLOSED;
}

int net_loop_init(net_loop_t *l, SSL_CTX *ctx, const net_opts_t *opts, unsigned n,
                  unsigned depth, char *err, size_t err_len)
{
	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
	l->opts = opts;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0) {
		snprintf(err, err_len, "epoll_create1: %s", strerror(errno));
		return -1;
	}
	if (depth < 1)
		depth = 1;
	if (depth > NET_DEPTH_MAX)
		depth = NET_DEPTH_MAX;
	l->n = n;
	l->conns = calloc(n > 0 ? n : 1, sizeof(*l->conns));
	if (l->conns == NULL) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		net_conn_t *c = &l->conns[i];
		c->loop = l;
		c->idx = i;
		c->fd = -1;
		c->depth = depth;
		c->slots = calloc(depth, sizeof(*c->slots));
		if (c->slots == NULL) {
			snprintf(err, err_len, "out of memory");
			return -1;
		}
	}
	return 0;
}

void net_loop_close(net_loop_t *l)
{
	for (unsigned i = 0; i < l->n; i++) {
		net_conn_t *c = &l->conns[i];
		net_conn_close(c);
		for (unsigned k = 0; k < c->depth; k++)
			envelope_free(c->slots[k].result);
		free(c->slots);
		free(c->out);
	}
	free(l->conns);
	if (l->ep >= 0)
		close(l->ep);
	memset(l, 0, sizeof(*l));
	l->ep = -1;
}

/* ------------------------------------------------------------ output */

static void net_mark_dirty(net_conn_t *c)
{
	if (!c->dirty) {
		c->dirty = 1;
		c->dirty_next = c->loop->dirty;
		c->loop->dirty = c;
	}
}

static int net_reserve(net_conn_t *c, size_t more)
{
	size_t cap = c->out_cap;

	if (c->out_len + more <= cap)
		return 0;
	if (cap == 0)
		cap = 4096;
	while (cap < c->out_len + more)
		cap *= 2;
	uint8_t *p = realloc(c->out, cap);
	if (p == NULL)
		return -1;
	c->out = p;
	c->out_cap = cap;
	return 0;
}

int net_send_envelope(net_conn_t *c, const qt_envelope_t *env)
{
	size_t n;

	if (c->ssl == NULL || c->state < NET_HELLO || c->state > NET_READY)
		return -1;
	n = quartier__v1__envelope__get_packed_size(env);
	if (net_reserve(c, FRAME_HEADER_SIZE + n) != 0)
		return -1;
	frame_put_header(c->out + c->out_len, (uint32_t)n);
	quartier__v1__envelope__pack(env, c->out + c->out_len + FRAME_HEADER_SIZE);
	c->out_len += FRAME_HEADER_SIZE + n;
	c->loop->bytes_out += FRAME_HEADER_SIZE + n;
	net_mark_dirty(c);
	return 0;
}

/* Hands queued frames to TLS; watches for writability while TLS cannot
 * take them all. */
static void net_flush(net_conn_t *c)
{
	uint32_t want = EPOLLIN;

	while (c->out_len > 0 && c->ssl != NULL) {
		int n, e;

		ERR_clear_error();
		n = SSL_write(c->ssl, c->out, (int)(c->out_len > 1u << 30 ? 1u << 30 : c->out_len));
		if (n > 0) {
			memmove(c->out, c->out + n, c->out_len - (size_t)n);
			c->out_len -= (size_t)n;
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		if (e == SSL_ERROR_WANT_WRITE) {
			want |= EPOLLOUT;
			break;
		}
		if (e == SSL_ERROR_WANT_READ)
			break;
		net_conn_fail(c, "TLS write failed (SSL error %d, %s)", e, strerror(errno));
		return;
	}
	if (c->fd >= 0)
		net_watch(c, want);
}

int net_conn_free_slot(const net_conn_t *c)
{
	unsigned limit = c->depth;

	if (c->max_in_flight > 0 && c->max_in_flight < limit)
		limit = c->max_in_flight;
	return c->state == NET_READY && c->inflight < limit;
}

static net_slot_t *net_send_any(net_conn_t *c, Quartier__V1__Request *rq, net_reply_cb cb, int op,
                                int64_t arg, uint64_t t_due)
{
	qt_envelope_t env = QUARTIER__V1__ENVELOPE__INIT;
	net_slot_t *s = NULL;
	unsigned k;

	for (k = 0; k < c->depth; k++) {
		if (!c->slots[k].busy) {
			s = &c->slots[k];
			break;
		}
	}
	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->busy = 1;
	s->id = (++c->seq << 9) | k; /* the slot is in the id's low bits */
	s->t_sent = net_now_ns();
	s->t_due = t_due != 0 ? t_due : s->t_sent;
	s->op = op;
	s->arg = arg;
	s->cb = cb;
	rq->id = s->id;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = rq;
	if (net_send_envelope(c, &env) != 0) {
		s->busy = 0;
		return NULL;
	}
	c->inflight++;
	return s;
}

net_slot_t *net_send(net_conn_t *c, Quartier__V1__Request *rq, net_reply_cb cb, int op,
                     int64_t arg, uint64_t t_due)
{
	if (!net_conn_free_slot(c))
		return NULL;
	return net_send_any(c, rq, cb, op, arg, t_due);
}

/* ------------------------------------------------------------ protocol */

static void net_resume_cb(net_conn_t *c, net_slot_t *s, const Quartier__V1__Response *resp,
                          uint64_t now_ns)
{
	net_loop_t *l = c->loop;

	(void)s;
	(void)now_ns;
	if (resp->error != NULL) {
		net_conn_fail(c, "%s: %s", l->opts->token != NULL ? "resume" : "login",
		              resp->error->message);
		return;
	}
	if (resp->body_case == QUARTIER__V1__RESPONSE__BODY_LOGIN && resp->login->token != NULL &&
	    resp->login->token[0] != '\0')
		snprintf(c->token, sizeof(c->token), "%s", resp->login->token);
	c->state = NET_READY;
	l->opening--;
	l->ready++;
	if (l->on_ready != NULL)
		l->on_ready(c);
}

static void net_on_welcome(net_conn_t *c, const Quartier__V1__Welcome *w)
{
	const net_opts_t *o = c->loop->opts;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest login = QUARTIER__V1__LOGIN_REQUEST__INIT;
	Quartier__V1__ResumeRequest resume = QUARTIER__V1__RESUME_REQUEST__INIT;

	c->max_in_flight = w->max_in_flight;
	c->state = NET_AUTH;
	if (o->token != NULL) {
		resume.token = (char *)o->token;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_RESUME;
		rq.resume = &resume;
	} else {
		login.login = (char *)o->login;
		login.password = (char *)o->password;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
		rq.login = &login;
	}
	if (net_send_any(c, &rq, net_resume_cb, 0, 0, 0) == NULL)
		net_conn_fail(c, "cannot queue the login");
}

static void net_on_frame(net_conn_t *c, const uint8_t *data, uint32_t len, uint64_t now)
{
	qt_envelope_t *env = envelope_unpack(data, len);

	if (env == NULL) {
		net_conn_fail(c, "the server sent a frame that is not an Envelope");
		return;
	}
	switch (env->kind_case) {
	case QUARTIER__V1__ENVELOPE__KIND_WELCOME:
		if (c->state != NET_HELLO)
			net_conn_fail(c, "unexpected welcome");
		else
			net_on_welcome(c, env->welcome);
		break;
	case QUARTIER__V1__ENVELOPE__KIND_RESPONSE: {
		unsigned k = (unsigned)(env->response->id & 511u);
		net_slot_t *s = k < c->depth ? &c->slots[k] : NULL;

		if (s == NULL || !s->busy || s->id != env->response->id) {
			net_conn_fail(c, "answer to unknown request id %llu",
			              (unsigned long long)env->response->id);
			break;
		}
		c->inflight--;
		if (s->cb == NULL) {
			/* A synchronous call: the caller takes the envelope. */
			s->result = env;
			s->done = 1;
			return;
		}
		{
			net_slot_t copy = *s;
			s->busy = 0;
			copy.cb(c, &copy, env->response, now);
		}
		break;
	}
	case QUARTIER__V1__ENVELOPE__KIND_EVENT:
		if (c->loop->on_event != NULL)
			c->loop->on_event(c, env->event, now);
		break;
	case QUARTIER__V1__ENVELOPE__KIND_PING: {
		qt_envelope_t pong_env = QUARTIER__V1__ENVELOPE__INIT;
		Quartier__V1__Pong pong = QUARTIER__V1__PONG__INIT;
		pong.has_nonce = env->ping->has_nonce;
		pong.nonce = env->ping->nonce;
		pong_env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PONG;
		pong_env.pong = &pong;
		(void)net_send_envelope(c, &pong_env);
		break;
	}
	case QUARTIER__V1__ENVELOPE__KIND_PONG:
		if (c->loop->on_event != NULL)
			c->loop->on_event(c, NULL, now); /* a pong: liveness checks */
		break;
	case QUARTIER__V1__ENVELOPE__KIND_GOODBYE:
		net_conn_fail(c, "the server said goodbye: %s", env->goodbye->error->message);
		break;
	default:
		net_conn_fail(c, "unexpected message kind %d", (int)env->kind_case);
		break;
	}
	envelope_free(env);
}

static void net_send_hello(net_conn_t *c)
{
	qt_envelope_t env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello h = QUARTIER__V1__HELLO__INIT;
	char inst[96];

	snprintf(inst, sizeof(inst), "%s-%u", c->loop->opts->instance_id, c->idx);
	h.protocol_version = QT_PROTOCOL_VERSION;
	h.client_name = (char *)c->loop->opts->client_name;
	h.client_instance_id = inst;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &h;
	c->state = NET_HELLO;
	/* Before the welcome only the pre-login limit matters; the reader is
	 * set up again with the announced limit. */
	frame_reader_init(&c->reader, NET_FRAME_MAX);
	if (net_send_envelope(c, &env) != 0)
		net_conn_fail(c, "cannot queue the hello");
}

/* Reads whatever TLS has and dispatches complete frames. */
static void net_read(net_conn_t *c)
{
	uint8_t buf[NET_READ_CHUNK];
	uint64_t now = 0;

	while (c->ssl != NULL && c->state >= NET_HELLO && c->state <= NET_READY) {
		int n, e;
		size_t off = 0;

		ERR_clear_error();
		n = SSL_read(c->ssl, buf, sizeof(buf));
		if (n <= 0) {
			e = SSL_get_error(c->ssl, n);
			if (e == SSL_ERROR_WANT_READ)
				return;
			if (e == SSL_ERROR_WANT_WRITE) {
				net_watch(c, EPOLLIN | EPOLLOUT);
				return;
			}
			if (e == SSL_ERROR_ZERO_RETURN ||
			    (e == SSL_ERROR_SSL &&
			     ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
			    (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0))
				net_conn_fail(c, "the server closed the connection");
			else
				net_conn_fail(c, "TLS read failed (SSL error %d)", e);
			return;
		}
		c->loop->bytes_in += (uint64_t)n;
		now = net_now_ns();
		while (off < (size_t)n && c->state >= NET_HELLO && c->state <= NET_READY) {
			const uint8_t *frame;
			uint32_t flen;
			size_t used;
			qt_status_t st = frame_reader_feed(&c->reader, buf + off, (size_t)n - off, &used,
			                                   &frame, &flen);
			if (st != QT_OK) {
				net_conn_fail(c, "bad frame from the server: %s", qt_status_str(st));
				return;
			}
			off += used;
			if (frame != NULL)
				net_on_frame(c, frame, flen, now);
		}
	}
}

static void net_handshake(net_conn_t *c)
{
	int n, e;

	ERR_clear_error();
	n = SSL_connect(c->ssl);
	if (n == 1) {
		long vr = SSL_get_verify_result(c->ssl);
		if (vr != X509_V_OK) {
			net_conn_fail(c, "certificate verification failed: %s",
			              X509_verify_cert_error_string(vr));
			return;
		}
		net_send_hello(c);
		return;
	}
	e = SSL_get_error(c->ssl, n);
	if (e == SSL_ERROR_WANT_READ)
		net_watch(c, EPOLLIN);
	else if (e == SSL_ERROR_WANT_WRITE)
		net_watch(c, EPOLLIN | EPOLLOUT);
	else {
		char ebuf[160] = "";
		unsigned long ee = ERR_peek_error();
		if (ee != 0)
			ERR_error_string_n(ee, ebuf, sizeof(ebuf));
		net_conn_fail(c, "TLS handshake failed: %s", ebuf[0] ? ebuf : strerror(errno));
	}
}

static int net_is_ip(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

/* Starts connecting c. */
static void net_open(net_conn_t *c)
{
	net_loop_t *l = c->loop;
	const net_opts_t *o = l->opts;
	struct addrinfo hints, *ai = NULL;
	char port[8];
	int one = 1, rc;

	l->opening++;
	c->state = NET_CONNECTING;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned)o->port);
	rc = getaddrinfo(o->host, port, &hints, &ai);
	if (rc != 0 || ai == NULL) {
		net_conn_fail(c, "cannot resolve %s: %s", o->host, gai_strerror(rc));
		return;
	}
	c->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		freeaddrinfo(ai);
		net_conn_fail(c, "socket: %s", strerror(errno));
		return;
	}
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	rc = connect(c->fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc != 0 && errno != EINPROGRESS) {
		net_conn_fail(c, "connect to %s port %u: %s", o->host, (unsigned)o->port, strerror(errno));
		return;
	}
	c->ssl = SSL_new(l->ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		net_conn_fail(c, "cannot create a TLS connection");
		return;
	}
	if (net_is_ip(o->host)) {
		if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), o->host) != 1) {
			net_conn_fail(c, "bad address %s", o->host);
			return;
		}
	} else if (SSL_set1_host(c->ssl, o->host) != 1 ||
	           SSL_set_tlsext_host_name(c->ssl, o->host) != 1) {
		net_conn_fail(c, "bad host name %s", o->host);
		return;
	}
	net_watch(c, EPOLLIN | EPOLLOUT);
}

static void net_conn_io(net_conn_t *c, uint32_t ev)
{
	if (c->state == NET_CONNECTING) {
		int soerr = 0;
		socklen_t len = sizeof(soerr);

		if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
			net_conn_fail(c, "connect to %s port %u: %s", c->loop->opts->host,
			              (unsigned)c->loop->opts->port, strerror(soerr ? soerr : errno));
			return;
		}
		c->state = NET_HANDSHAKE;
	}
	if (c->state == NET_HANDSHAKE) {
		net_handshake(c);
		if (c->state != NET_HELLO)
			return;
	}
	if (c->state < NET_HELLO || c->state > NET_READY)
		return;
	if (c->out_len > 0)
		net_flush(c);
	net_read(c);
}

/* ------------------------------------------------------------ loop */

int net_loop_turn(net_loop_t *l, int timeout_ms)
{
	struct epoll_event evs[NET_EVENTS_MAX];
	unsigned max_open = l->opts->max_handshakes > 0 ? l->opts->max_handshakes : 128;
	int n;

	while (l->next_open < l->n && l->opening < max_open) {
		net_conn_t *c = &l->conns[l->next_open++];
		if (c->state == NET_IDLE)
			net_open(c);
	}
	/* Anything queued outside I/O callbacks (a workload's timer) goes out
	 * before we wait. */
	while (l->dirty != NULL) {
		net_conn_t *c = l->dirty;
		l->dirty = c->dirty_next;
		c->dirty = 0;
		if (c->state >= NET_HELLO && c->state <= NET_READY)
			net_flush(c);
	}
	n = epoll_wait(l->ep, evs, NET_EVENTS_MAX, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++)
		net_conn_io(evs[i].data.ptr, evs[i].events);
	while (l->dirty != NULL) {
		net_conn_t *c = l->dirty;
		l->dirty = c->dirty_next;
		c->dirty = 0;
		if (c->state >= NET_HELLO && c->state <= NET_READY)
			net_flush(c);
	}
	return n;
}

qt_envelope_t *net_call(net_conn_t *c, Quartier__V1__Request *rq, unsigned timeout_ms)
{
	uint64_t deadline = net_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	net_slot_t *s;
	qt_envelope_t *env;

	if (c->state != NET_READY) {
		snprintf(c->err, sizeof(c->err), "the connection is not ready");
		return NULL;
	}
	s = net_send_any(c, rq, NULL, 0, 0, 0);
	if (s == NULL) {
		snprintf(c->err, sizeof(c->err), "no free request slot");
		return NULL;
	}
	while (!s->done) {
		if (c->state != NET_READY) {
			s->busy = 0;
			return NULL;
		}
		if (net_now_ns() > deadline) {
			snprintf(c->err, sizeof(c->err), "no answer within %u ms", timeout_ms);
			net_conn_fail(c, "no answer within %u ms", timeout_ms);
			s->busy = 0;
			return NULL;
		}
		if (net_loop_turn(c->loop, 50) < 0) {
			snprintf(c->err, sizeof(c->err), "epoll_wait: %s", strerror(errno));
			return NULL;
		}
	}
	env = s->result;
	s->result = NULL;
	s->busy = 0;
	s->done = 0;
	return env;
}
