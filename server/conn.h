/* One client connection: TCP handle, TLS state, frame reader, the
 * protocol state machine and the output queue.  Bytes flow
 *   uv read -> rbio -> SSL_read -> frame reader -> conn_on_frame
 * and answers flow
 *   conn_send -> obuf (the loop turn's frames) -> SSL_write -> wbio ->
 *   send(), or uv_write behind what the socket did not take.
 * Input is read from TLS only as far as the frame reader needs, so a
 * connection can pause exactly at a frame boundary when it has too many
 * requests in flight or too many answers unsent (back-pressure).
 *
 * A connection is reference-counted: the socket holds one reference and
 * each request in flight holds one, so a request finishing after its
 * client left finds a live object and simply drops its answer. */
#ifndef QUARTIERD_CONN_H
#define QUARTIERD_CONN_H

#include <openssl/ssl.h>
#include <stdint.h>
#include <uv.h>

#include "envelope.h"
#include "frame.h"
#include "perm.h"
#include "server.h"
#include "tls.h"

#define CONN_MAGIC 0x436f6e6eu /* "Conn" */

/* States and their transitions:
 *   CONN_TLS_HANDSHAKE -> CONN_HELLO         handshake done
 *   CONN_HELLO         -> CONN_OPEN          hello accepted, welcome sent
 *   CONN_OPEN          -> CONN_AUTHENTICATED login or resume succeeded
 *   CONN_AUTHENTICATED -> CONN_OPEN          logout or session expired
 *   any                -> CONN_CLOSING       error, timeout, peer gone, shutdown */
typedef enum {
	CONN_TLS_HANDSHAKE,
	CONN_HELLO,
	CONN_OPEN,
	CONN_AUTHENTICATED,
	CONN_CLOSING,
} conn_state_t;

struct conn {
	uint32_t magic;              /* CONN_MAGIC while alive */
	server_t *srv;               /* borrowed */
	uint64_t id;
	conn_t *prev, *next;         /* server's connection list */
	uv_tcp_t tcp;
	int handle_closed;           /* uv_close called */
	int reading;                 /* uv_read_start active */
	int in_process;              /* conn_process on the stack */
	SSL *ssl;                    /* owned; owns rbio and wbio */
	BIO *rbio, *wbio;
	frame_reader_t reader;
	conn_state_t state;
	int refs;
	unsigned in_flight;          /* requests dispatched, not yet answered */
	unsigned held;               /* of those, requests that hold its input (a login) */
	size_t out_bytes;            /* bytes handed to uv_write, not yet written */
	uint8_t *obuf;               /* owned: frames of this loop turn not yet given to
	                              * TLS (conn_send), or NULL */
	size_t obuf_len, obuf_cap;
	conn_t *out_next;            /* srv->out_head list, while out_listed */
	int out_listed;              /* in that list (holds a reference) */
	uint64_t accepted_at;        /* uv_now() ms */
	uint64_t last_frame_at;      /* uv_now() ms */
	uint64_t closing_at;         /* uv_now() ms */
	actor_t actor;               /* valid in CONN_AUTHENTICATED */
	uint8_t session_hash[AUTH_TOKEN_HASH_LEN];
	int64_t session_expires;     /* unix seconds */
	char peer[64];               /* "address:port" */
	int cert;                    /* the client presented a certificate of tls_client_ca */
	char cert_ou[TLS_OU_MAX + 1]; /* its subject's OU ("" if none or unusable) */
	int64_t cert_office;         /* logged in: the office the certificate names (0: no
	                              * certificate); see perm_cert_login() */
	uint8_t addr_key[ADDRCOUNT_KEY_LEN]; /* counted in srv->per_addr while addr_counted */
	int addr_counted;
	char client_name[129];
	char instance_id[65];
	feed_sub_t *sub;             /* owned: change feed subscription, or NULL */
	struct person_memo *memo;    /* owned: persons of the snapshot being paged
	                              * through (person_memo.h), or NULL */
	uint64_t memo_gens;          /* generations of memos handed out so far */
};

/* Accepts a pending connection from the server's listener. */
void conn_accept(server_t *srv);

void conn_ref(conn_t *c);
/* Drops a reference; the last one frees the connection. */
void conn_unref(conn_t *c);

/* Sends one envelope (packed here; env is borrowed).  The frame waits in
 * c's obuf until the loop turn's I/O callbacks are done (a uv_check
 * handle; a uv_prepare handle for frames gathered later, before the loop
 * waits again; conn_output_init()), so that the answers one loop turn
 * produces for a connection, as pipelined requests do, become one TLS
 * record and one socket write.  Returns QT_OK, or an error if the
 * connection is closing or the envelope is too large; a TLS or socket
 * failure at the turn's end closes the connection. */
qt_status_t conn_send(conn_t *c, const qt_envelope_t *env);
/* Sets up and closes the loop handles (in srv, borrowed) that write out
 * the frames conn_send() gathered; close only once no connection is
 * left. */
void conn_output_init(server_t *srv);
void conn_output_close(server_t *srv);

/* Sends one frame already packed by envelope_pack() (frame: len bytes,
 * header included; borrowed for the call) at once, behind the frames
 * conn_send() gathered, so that one encoding can go to many connections.
 * Returns QT_OK, or QT_UNAVAILABLE if the connection is closing (or was
 * closed here because TLS or the socket failed). */
qt_status_t conn_send_frame(conn_t *c, const uint8_t *frame, size_t len);

/* One frame for one connection, sent in two steps so that the TLS and
 * socket work can run on another thread (fanout.c):
 *   conn_send_detach()   loop thread: checks the connection, fills the job
 *   conn_send_detached() any thread: SSL_write() and, while the socket has
 *                        nothing queued, send() straight to it
 *   conn_send_attach()   loop thread: queues what the socket did not take,
 *                        or closes the connection if TLS or the socket failed
 * Between detach and attach only conn_send_detached() may use the
 * connection's SSL object and socket, and the connection must stay
 * referenced. */
struct conn_send_job {
	conn_t *conn;               /* borrowed */
	const uint8_t *frame;       /* borrowed until attach */
	size_t len;
	int fd;                     /* the socket; -1: leave the output in the wbio */
	int failed;                 /* TLS or the socket failed */
	uint8_t *rest;              /* owned until attach: bytes the socket did not take */
	size_t rest_len;
};

/* Fills j for sending frame (len bytes, borrowed until conn_send_attach())
 * to c.  Returns QT_OK, or QT_UNAVAILABLE (j unused) if c is closing. */
qt_status_t conn_send_detach(conn_t *c, conn_send_job_t *j, const uint8_t *frame, size_t len);

/* The thread-independent part: touches only j's connection's SSL object,
 * its memory BIOs and its socket. */
void conn_send_detached(conn_send_job_t *j);

/* Finishes j on the loop thread; returns QT_OK, or QT_UNAVAILABLE if the
 * connection failed and was closed here. */
qt_status_t conn_send_attach(conn_send_job_t *j);

/* Closes the connection: if TLS is up and st/msg are given, a Goodbye with
 * that status goes out first; the socket closes once written (or at the
 * latest after a few seconds).  Safe to call more than once. */
void conn_close(conn_t *c, qt_status_t st, const char *msg);

/* Continues reading frames after back-pressure was released (a request
 * finished, output drained). */
void conn_process(conn_t *c);

/* Called once a second: enforces handshake, login and idle deadlines. */
void conn_sweep(server_t *srv, uint64_t now);

/* Whether the connection is logged in with an unexpired session (an
 * expired one is ended here). */
int conn_authenticated(conn_t *c);

/* Ends the connection's login (logout, expiry, a disabled account or
 * revoked sessions): back to CONN_OPEN with the pre-login frame limit.
 * Does nothing if the connection is not logged in. */
void conn_unauthenticate(conn_t *c);

#endif
