/* Internals of libquartier shared by its files: the client handle, the
 * connection layer (conn.c: socket, TLS, frames), the call layer (call.c:
 * request/response, ping/pong, goodbye), error bookkeeping (client.c) and
 * copying helpers (copy.c).  Nothing here is part of the public API. */
#ifndef QUARTIER_CLIENT_INTERNAL_H
#define QUARTIER_CLIENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "envelope.h"
#include "frame.h"
#include "quartier/quartier.h"

#define CLIENT_MAGIC 0x51434c54u          /* "QCLT": a live handle */
#define CLIENT_RBUF_SIZE 16384u           /* bytes read from TLS at once */
#define CLIENT_RECV_MAX (16u * 1024u * 1024u) /* bytes; largest frame accepted */
#define CLIENT_DEFAULT_PORT 7433
#define CLIENT_DEFAULT_TIMEOUT_MS 10000u

struct qt_client {
	uint32_t magic;             /* CLIENT_MAGIC while the handle is valid */
	int fd;                     /* TCP socket, non-blocking; -1 if none */
	SSL_CTX *ssl_ctx;           /* owned */
	SSL *ssl;                   /* owned; owns the BIO */
	BIO_METHOD *bio_method;     /* owned; must outlive ssl */
	int eof;                    /* the peer closed its side of the socket */
	int broken;                 /* stream unusable (I/O error, timeout, goodbye) */
	unsigned timeout_ms;        /* per connect and per call */
	uint64_t next_request_id;   /* last id used; ids start at 1 */
	uint64_t next_nonce;        /* last ping nonce used */
	int authenticated;          /* after a successful login/resume */
	char *server_name;          /* owned; from the welcome */
	uint32_t max_frame;         /* bytes we may send after login */
	uint32_t max_frame_preauth; /* bytes we may send before login */
	uint32_t max_in_flight;     /* requests the server accepts at once */
	frame_reader_t reader;      /* reassembles incoming frames */
	size_t rpos, rlen;          /* unconsumed bytes are rbuf[rpos..rlen) */
	qt_error_t err;             /* last error; strings point to err_* */
	char *err_message;          /* owned, or NULL */
	char *err_field;            /* owned, or NULL */
	char *instance_id;          /* owned; the client instance id of the hello */
	qt_store_t *store;          /* borrowed; the outbox (and replica) if attached */
	int offline;                /* qt_client_offline(): no connection at all */
	int serve_reads;            /* offline: answer reads from the replica */
	int64_t queued;             /* outbox entry the last call left queued; 0 none */
	/* While a subscription is open (sync.c), pushed events go here instead
	 * of being skipped; a failure is returned by the call that read it. */
	qt_status_t (*event_cb)(qt_client_t *c, const Quartier__V1__Event *ev, void *arg);
	void *event_arg;
	uint8_t rbuf[CLIENT_RBUF_SIZE];
};

/* ------------------------------------------------------------ client.c */

/* Checks the handle (a programming error aborts) and resets its last
 * error to QT_OK; every public call starts with it. */
void client_begin(qt_client_t *c);

/* Records an error on c and returns st.  field may be NULL; the message is
 * formatted like printf.  On out-of-memory the status text is used. */
qt_status_t client_error(qt_client_t *c, qt_status_t st, const char *field,
                         const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Records an error received from the server (e is borrowed) and returns
 * its status; a wire status OK is reported as QT_PROTOCOL_ERROR. */
qt_status_t client_error_wire(qt_client_t *c, const Quartier__V1__Error *e);

/* ------------------------------------------------------------ conn.c */

/* Milliseconds of a monotonic clock. */
uint64_t conn_now_ms(void);

/* The deadline of an operation that starts now. */
uint64_t conn_deadline(const qt_client_t *c);

/* Opens the TCP connection to opts->host and port and completes the TLS
 * handshake, verifying the server certificate against opts->ca_file
 * (system defaults when NULL) and the host, and offering the client
 * certificate of opts->cert_file/key_file if set.  On failure the error
 * is recorded on c and everything opened is closed. */
qt_status_t conn_open(qt_client_t *c, const qt_connect_opts_t *opts, uint16_t port,
                      uint64_t deadline);

/* Sends close_notify if the stream is healthy and releases socket and TLS
 * state; safe to call more than once. */
void conn_close(qt_client_t *c);

/* Writes len bytes of buf (borrowed) completely before deadline. */
qt_status_t conn_write(qt_client_t *c, const uint8_t *buf, size_t len,
                       uint64_t deadline);

/* Packs env (borrowed) into one frame, checked against the server's limit
 * for the current state, and writes it. */
qt_status_t conn_send(qt_client_t *c, const qt_envelope_t *env,
                      uint64_t deadline);

/* Reads the next envelope.  On QT_OK *out is owned by the caller (release
 * with envelope_free()).  Any failure leaves the stream broken. */
qt_status_t conn_recv(qt_client_t *c, uint64_t deadline, qt_envelope_t **out);

/* ------------------------------------------------------------ call.c */

/* Reads the next envelope the caller has to look at: answers pings, skips
 * events and turns a goodbye into an error (the stream is broken then).
 * On QT_OK *out is owned by the caller (envelope_free()). */
qt_status_t call_next(qt_client_t *c, uint64_t deadline, qt_envelope_t **out);

/* Reads one envelope: pings, events and goodbyes are handled as by
 * call_next() and leave *out NULL; anything else is handed over in *out
 * (caller frees with envelope_free()). */
qt_status_t call_poll_one(qt_client_t *c, uint64_t deadline, qt_envelope_t **out);

/* Sends req (borrowed; its id is assigned here) and waits for the matching
 * response.  On QT_OK *out is an envelope owned by the caller (release with
 * envelope_free()) whose response body is of case want (or not set, if
 * want is EMPTY).  A response carrying an error is recorded on c and its
 * status returned. */
qt_status_t call_request(qt_client_t *c, Quartier__V1__Request *req,
                         Quartier__V1__Response__BodyCase want,
                         qt_envelope_t **out);

/* Like call_request(), but never through the outbox: the request is sent
 * as it is (with its mutation_seq, if set).  A replayed answer without a
 * body (the original was lost in a crash) counts as success. */
qt_status_t call_request_raw(qt_client_t *c, Quartier__V1__Request *req,
                             Quartier__V1__Response__BodyCase want,
                             qt_envelope_t **out);

/* Whether the connection has input waiting, or gets some within
 * timeout_ms.  Never breaks the stream: 1 ready, 0 not yet, or a status
 * (negative) on poll failure. */
int conn_poll_input(qt_client_t *c, unsigned timeout_ms);

/* ------------------------------------------------------------ outbox.c */

/* The outbox path of call_request() for mutations when a store is
 * attached (see quartier.h); returns 0 from outbox_applies() for requests
 * that do not go through it. */
int outbox_applies(const qt_client_t *c, const Quartier__V1__Request *req);
qt_status_t outbox_call(qt_client_t *c, Quartier__V1__Request *req,
                        Quartier__V1__Response__BodyCase want, qt_envelope_t **out);

/* Offline handles: answers a read from the replica (c->serve_reads), or
 * fails with QT_UNAVAILABLE. */
qt_status_t offline_read(qt_client_t *c, const Quartier__V1__Request *req,
                         Quartier__V1__Response__BodyCase want, qt_envelope_t **out);

/* ------------------------------------------------------------ copy.c */

/* Duplicates s into *out (NULL stays NULL).  QT_NOMEM on failure. */
qt_status_t copy_str(const char *s, char **out);

/* Like copy_str(), but an empty string also becomes NULL: optional wire
 * strings that the server left empty mean "none". */
qt_status_t copy_opt_str(const char *s, char **out);

/* Duplicates n ids into a new array (*out NULL when n is 0). */
qt_status_t copy_ids(const int64_t *ids, size_t n, int64_t **out);

/* Duplicates n strings into a new array of new strings (NULL when n is 0);
 * free with copy_strv_free(). */
qt_status_t copy_strv(char *const *v, size_t n, char ***out);
void copy_strv_free(char **v, size_t n);

/* --------------------------------------------------- domain conversions */

/* Fill *out (zeroed first) from a wire message (borrowed).  On QT_NOMEM
 * *out holds nothing that needs freeing. */
qt_status_t account_from_wire(const Quartier__V1__Account *w, qt_account_t *out);
qt_status_t project_from_wire(const Quartier__V1__Project *w, qt_project_t *out);
qt_status_t fund_from_wire(const Quartier__V1__Fund *w, qt_fund_t *out);
qt_status_t continuation_from_wire(const Quartier__V1__Continuation *w, qt_continuation_t *out);

#endif
