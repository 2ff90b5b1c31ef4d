/* The client handle: qt_client_connect() with the protocol handshake
 * (hello -> welcome or goodbye), qt_client_free(), and the per-handle error
 * record behind qt_client_last_error(). */
#include "internal.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

void client_begin(qt_client_t *c)
{
	assert(c != NULL && c->magic == CLIENT_MAGIC);
	free(c->err_message);
	free(c->err_field);
	c->err_message = NULL;
	c->err_field = NULL;
	c->err.status = QT_OK;
	c->err.message = qt_status_str(QT_OK);
	c->err.field = NULL;
	c->err.retryable = 0;
}

static void client_error_store(qt_client_t *c, qt_status_t st, char *msg,
                               char *field, int retryable)
{
	free(c->err_message);
	free(c->err_field);
	c->err_message = msg;
	c->err_field = field;
	c->err.status = st;
	c->err.message = msg != NULL ? msg : qt_status_str(st);
	c->err.field = field;
	c->err.retryable = retryable;
}

qt_status_t client_error(qt_client_t *c, qt_status_t st, const char *field,
                         const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	char *fcopy = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		msg = malloc((size_t)n + 1);
		if (msg != NULL) {
			va_start(ap, fmt);
			vsnprintf(msg, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
	}
	if (field != NULL)
		fcopy = strdup(field);
	client_error_store(c, st, msg, fcopy, qt_status_retryable(st));
	return st;
}

qt_status_t client_error_wire(qt_client_t *c, const Quartier__V1__Error *e)
{
	qt_status_t st = envelope_status_from_wire((int)e->status);
	char *msg = NULL;
	char *field = NULL;
	int retryable;

	if (st == QT_OK)
		return client_error(c, QT_PROTOCOL_ERROR, NULL,
		                    "server reported an error with status ok");
	if (e->message != NULL && e->message[0] != '\0')
		msg = strdup(e->message);
	if (e->field != NULL && e->field[0] != '\0')
		field = strdup(e->field);
	retryable = e->has_retryable ? (e->retryable != 0) : qt_status_retryable(st);
	client_error_store(c, st, msg, field, retryable);
	return st;
}

/* Writes a random hex id of 32 characters to out (33 bytes). */
static qt_status_t client_random_id(char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];
	size_t i;

	if (RAND_bytes(raw, (int)sizeof(raw)) != 1)
		return QT_INTERNAL;
	for (i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0x0f];
	}
	out[32] = '\0';
	return QT_OK;
}

/* Sends the hello and waits for the welcome; a goodbye (e.g. unsupported
 * version) comes back as its status with the server's message. */
static qt_status_t client_handshake(qt_client_t *c, const qt_connect_opts_t *opts,
                                    uint64_t deadline)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__Welcome *w;
	char idbuf[33];
	qt_status_t rc;

	hello.protocol_version = opts->protocol_version != 0 ?
	                         opts->protocol_version : QT_PROTOCOL_VERSION;
	hello.client_name = (char *)(opts->client_name != NULL ?
	                             opts->client_name : "libquartier");
	if (opts->instance_id != NULL) {
		hello.client_instance_id = (char *)opts->instance_id;
	} else {
		if (client_random_id(idbuf) != QT_OK) {
			rc = client_error(c, QT_INTERNAL, NULL,
			                  "no randomness for the instance id");
			goto out;
		}
		hello.client_instance_id = idbuf;
	}
	c->instance_id = strdup(hello.client_instance_id);
	if (c->instance_id == NULL) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;

	rc = conn_send(c, &env, deadline);
	if (rc != QT_OK)
		goto out;
	rc = call_next(c, deadline, &in);
	if (rc != QT_OK)
		goto out;
	if (in->kind_case != QUARTIER__V1__ENVELOPE__KIND_WELCOME) {
		c->broken = 1;
		rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
		                  "server answered the hello with envelope kind %d",
		                  (int)in->kind_case);
		goto out;
	}
	w = in->welcome;
	c->server_name = strdup(w->server_name != NULL ? w->server_name : "");
	if (c->server_name == NULL) {
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	c->max_frame = w->max_frame != 0 ? w->max_frame : FRAME_MAX_DEFAULT;
	c->max_frame_preauth = w->max_frame_preauth != 0 ?
	                       w->max_frame_preauth : FRAME_MAX_PREAUTH_DEFAULT;
	c->max_in_flight = w->max_in_flight;
	c->reader.max = c->max_frame > CLIENT_RECV_MAX ? c->max_frame : CLIENT_RECV_MAX;
	rc = QT_OK;

out:
	envelope_free(in);
	return rc;
}

static void client_release(qt_client_t *c)
{
	conn_close(c);
	frame_reader_close(&c->reader);
	free(c->server_name);
	free(c->instance_id);
	free(c->err_message);
	free(c->err_field);
	c->magic = 0;
	free(c);
}

qt_status_t qt_client_connect(const qt_connect_opts_t *opts, qt_client_t **out,
                              char *err_buf, size_t err_len)
{
	qt_client_t *c = NULL;
	uint64_t deadline;
	qt_status_t rc;

	if (err_buf != NULL && err_len > 0)
		err_buf[0] = '\0';
	if (opts == NULL || opts->host == NULL || opts->host[0] == '\0' ||
	    out == NULL) {
		if (err_buf != NULL && err_len > 0)
			snprintf(err_buf, err_len, "no host given");
		return QT_INVALID_ARGUMENT;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		if (err_buf != NULL && err_len > 0)
			snprintf(err_buf, err_len, "out of memory");
		return QT_NOMEM;
	}
	c->magic = CLIENT_MAGIC;
	c->fd = -1;
	c->timeout_ms = opts->timeout_ms != 0 ? opts->timeout_ms :
	                CLIENT_DEFAULT_TIMEOUT_MS;
	c->max_frame = FRAME_MAX_DEFAULT;
	c->max_frame_preauth = FRAME_MAX_PREAUTH_DEFAULT;
	frame_reader_init(&c->reader, CLIENT_RECV_MAX);
	client_begin(c);

	deadline = conn_deadline(c);
	rc = conn_open(c, opts, opts->port != 0 ? opts->port : CLIENT_DEFAULT_PORT, deadline);
	if (rc != QT_OK)
		goto out;
	rc = client_handshake(c, opts, deadline);
	if (rc != QT_OK)
		goto out;
	client_begin(c);
	*out = c;
	c = NULL;

out:
	if (c != NULL) {
		if (err_buf != NULL && err_len > 0)
			snprintf(err_buf, err_len, "%s", c->err.message);
		client_release(c);
	}
	return rc;
}

void qt_client_free(qt_client_t *c)
{
	if (c == NULL)
		return;
	assert(c->magic == CLIENT_MAGIC);
	client_release(c);
}

const qt_error_t *qt_client_last_error(const qt_client_t *c)
{
	assert(c != NULL && c->magic == CLIENT_MAGIC);
	return &c->err;
}

const char *qt_client_server_name(const qt_client_t *c)
{
	assert(c != NULL && c->magic == CLIENT_MAGIC);
	return c->server_name;
}

uint32_t qt_client_max_frame(const qt_client_t *c)
{
	assert(c != NULL && c->magic == CLIENT_MAGIC);
	return c->max_frame;
}

qt_status_t qt_client_offline(qt_store_t *s, int serve_reads, qt_client_t **out)
{
	qt_client_t *c;

	if (s == NULL || out == NULL)
		return QT_INVALID_ARGUMENT;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return QT_NOMEM;
	c->magic = CLIENT_MAGIC;
	c->fd = -1;
	c->broken = 1;
	c->offline = 1;
	c->serve_reads = serve_reads;
	c->store = s;
	c->timeout_ms = CLIENT_DEFAULT_TIMEOUT_MS;
	c->max_frame = FRAME_MAX_DEFAULT;
	c->max_frame_preauth = FRAME_MAX_PREAUTH_DEFAULT;
	frame_reader_init(&c->reader, CLIENT_RECV_MAX);
	client_begin(c);
	*out = c;
	return QT_OK;
}
