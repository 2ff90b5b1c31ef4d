/* The load generator's network side: one epoll loop per thread driving
 * many non-blocking TLS connections that speak the Quartier protocol
 * directly (frames of protobuf Envelopes), so that a connection can have
 * several requests in flight (pipelining) and ten thousand connections
 * need no thread each.
 *
 * A connection goes CONNECTING -> HANDSHAKE -> HELLO -> AUTH -> READY; on
 * READY the loop's on_ready callback hands it to the workload, which sends
 * requests with net_send().  Requests queued while a loop turn runs are
 * written together (one SSL_write, so several frames share TLS records and
 * a system call) at the end of the turn. */
#ifndef QUARTIER_BENCH_NET_H
#define QUARTIER_BENCH_NET_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

#include "envelope.h"
#include "frame.h"

#define NET_DEPTH_MAX 256 /* requests in flight per connection */

typedef struct net_loop net_loop_t;
typedef struct net_conn net_conn_t;
typedef struct net_slot net_slot_t;

/* Called with the answer to a request; resp is borrowed for the call.
 * The slot is free again once the callback returns (it may send). */
typedef void (*net_reply_cb)(net_conn_t *c, net_slot_t *s, const Quartier__V1__Response *resp,
                             uint64_t now_ns);

/* One request in flight. */
struct net_slot {
	int busy;
	uint64_t id;            /* request id on the wire */
	uint64_t t_due;         /* ns: when the operation was due (first send, or its schedule) */
	uint64_t t_sent;        /* ns: when this request went out */
	int op;                 /* workload's operation code */
	int64_t arg;            /* workload's argument (e.g. a project index) */
	int retries;            /* conflicts retried so far */
	net_reply_cb cb;
	qt_envelope_t *result;  /* synchronous calls: the answer, owned by the caller */
	int done;               /* synchronous calls: answered */
};

/* States and their transitions:
 *   NET_CONNECTING -> NET_HANDSHAKE   TCP connected
 *   NET_HANDSHAKE  -> NET_HELLO       TLS done, hello sent
 *   NET_HELLO      -> NET_AUTH        welcome received, login or resume sent
 *   NET_AUTH       -> NET_READY       logged in
 *   any            -> NET_FAILED      error (err says why)
 *   any            -> NET_CLOSED      net_conn_close() */
typedef enum {
	NET_IDLE,
	NET_CONNECTING,
	NET_HANDSHAKE,
	NET_HELLO,
	NET_AUTH,
	NET_READY,
	NET_FAILED,
	NET_CLOSED,
} net_state_t;

struct net_conn {
	net_loop_t *loop;        /* borrowed */
	unsigned idx;            /* position in the loop's list */
	int fd;
	SSL *ssl;                /* owned */
	net_state_t state;
	uint32_t events;         /* epoll interest */
	frame_reader_t reader;
	uint8_t *out;            /* owned: plaintext frames not yet taken by SSL_write */
	size_t out_len, out_cap;
	int dirty;               /* on the loop's flush list */
	net_conn_t *dirty_next;
	net_slot_t *slots;       /* owned, depth entries */
	unsigned depth, inflight;
	uint64_t seq;            /* request counter */
	uint32_t max_in_flight;  /* from the server's welcome */
	char token[128];         /* session token (control connection after login) */
	void *user;              /* the workload's per-connection state */
	char err[200];
};

typedef struct net_opts {
	const char *host;        /* numeric address or name */
	uint16_t port;
	const char *ca_file;     /* CA that signed the server certificate */
	const char *login;       /* login with password (control connection) ... */
	const char *password;
	const char *token;       /* ... or resume with this token (all others) */
	const char *client_name;
	const char *instance_id; /* prefix; the connection index is appended */
	unsigned max_handshakes; /* connections being set up at once */
} net_opts_t;

struct net_loop {
	int ep;                  /* epoll descriptor */
	SSL_CTX *ctx;            /* borrowed */
	const net_opts_t *opts;  /* borrowed */
	net_conn_t *conns;       /* owned, n entries */
	unsigned n;
	unsigned next_open;      /* connections opened so far */
	unsigned opening;        /* in CONNECTING..AUTH */
	unsigned ready, failed;
	net_conn_t *dirty;       /* connections with output to flush */
	void (*on_ready)(net_conn_t *c);
	void (*on_event)(net_conn_t *c, const Quartier__V1__Event *ev, uint64_t now_ns);
	void (*on_fail)(net_conn_t *c);
	void *user;
	uint64_t bytes_in, bytes_out; /* plaintext */
};

/* Monotonic clock in nanoseconds. */
uint64_t net_now_ns(void);

/* A client TLS context that verifies the server against ca_file (TLS 1.2+,
 * released buffers for idle connections).  NULL on failure, with a
 * message in err.  The caller frees it with SSL_CTX_free(). */
SSL_CTX *net_ssl_ctx_new(const char *ca_file, char *err, size_t err_len);

/* Sets up a loop with n connections of depth slots each (nothing is
 * connected yet).  Returns 0, or -1 with a message in err. */
int net_loop_init(net_loop_t *l, SSL_CTX *ctx, const net_opts_t *opts, unsigned n,
                  unsigned depth, char *err, size_t err_len);

/* Closes every connection and frees what the loop owns. */
void net_loop_close(net_loop_t *l);

/* Runs one turn: opens connections while fewer than max_handshakes are
 * being set up, waits up to timeout_ms for I/O, handles it and writes
 * what was queued.  Returns the number of descriptors that were ready. */
int net_loop_turn(net_loop_t *l, int timeout_ms);

/* Queues a request on c (rq's id is set here; rq is borrowed and packed
 * at once).  t_due is the time the operation was due (0: now).  Returns
 * the slot, or NULL if c has no free slot or is not usable. */
net_slot_t *net_send(net_conn_t *c, Quartier__V1__Request *rq, net_reply_cb cb, int op,
                     int64_t arg, uint64_t t_due);

/* Queues any envelope (ping, ...) on c.  Returns 0 or -1. */
int net_send_envelope(net_conn_t *c, const qt_envelope_t *env);

/* Sends rq on c and runs the loop until the answer arrives or timeout_ms
 * pass.  Returns the answer envelope (caller frees with envelope_free()),
 * or NULL with a message in c->err. */
qt_envelope_t *net_call(net_conn_t *c, Quartier__V1__Request *rq, unsigned timeout_ms);

/* Closes c (abortive: no TIME_WAIT is left behind on the client). */
void net_conn_close(net_conn_t *c);

/* Whether c can take one more request. */
int net_conn_free_slot(const net_conn_t *c);

#endif
