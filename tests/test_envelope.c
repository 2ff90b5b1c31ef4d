/* Unit tests of proto/envelope.c: packing into a frame and unpacking again,
 * refusal of bytes that are not an Envelope, and the Error helper. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "frame.h"

/* Packs env, checks the frame header and returns the unpacked copy. */
static qt_envelope_t *round_trip(const qt_envelope_t *env)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	qt_envelope_t *out;

	cr_assert_eq(envelope_pack(env, FRAME_MAX_DEFAULT, &buf, &len), QT_OK);
	cr_assert_gt(len, FRAME_HEADER_SIZE);
	cr_assert_eq(frame_get_header(buf), len - FRAME_HEADER_SIZE,
	             "the header must give the payload length");
	out = envelope_unpack(buf + FRAME_HEADER_SIZE, len - FRAME_HEADER_SIZE);
	free(buf);
	cr_assert_not_null(out);
	return out;
}

Test(envelope, ping_round_trip)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Ping ping = QUARTIER__V1__PING__INIT;
	qt_envelope_t *out;

	ping.has_nonce = 1;
	ping.nonce = 0xfedcba9876543210ull;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_PING;
	env.ping = &ping;
	out = round_trip(&env);
	cr_assert_eq(out->kind_case, QUARTIER__V1__ENVELOPE__KIND_PING);
	cr_assert(out->ping->has_nonce);
	cr_assert_eq(out->ping->nonce, 0xfedcba9876543210ull);
	envelope_free(out);
}

Test(envelope, hello_round_trip)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
	qt_envelope_t *out;

	hello.protocol_version = QT_PROTOCOL_VERSION;
	hello.client_name = "test/1";
	hello.client_instance_id = "0123456789abcdef";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	out = round_trip(&env);
	cr_assert_eq(out->kind_case, QUARTIER__V1__ENVELOPE__KIND_HELLO);
	cr_assert_eq(out->hello->protocol_version, QT_PROTOCOL_VERSION);
	cr_assert_str_eq(out->hello->client_name, "test/1");
	cr_assert_str_eq(out->hello->client_instance_id, "0123456789abcdef");
	envelope_free(out);
}

Test(envelope, request_round_trip)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectCreateRequest pc = QUARTIER__V1__PROJECT_CREATE_REQUEST__INIT;
	int64_t quarters[] = {3, 1, 4};
	int64_t offices[] = {50};
	qt_envelope_t *out;
	const Quartier__V1__ProjectCreateRequest *o;

	pc.name = "Quartiersarbeit Heslach \u2013 S\u00fcd";
	pc.kind = QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
	pc.n_quarter_ids = 3;
	pc.quarter_ids = quarters;
	pc.n_lead_office_ids = 1;
	pc.lead_office_ids = offices;
	pc.start_date = "2024-01-01";
	req.id = 77;
	req.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE;
	req.project_create = &pc;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = &req;

	out = round_trip(&env);
	cr_assert_eq(out->kind_case, QUARTIER__V1__ENVELOPE__KIND_REQUEST);
	cr_assert_eq(out->request->id, 77);
	cr_assert_eq(out->request->body_case, QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE);
	o = out->request->project_create;
	cr_assert_str_eq(o->name, pc.name);
	cr_assert_eq(o->kind, QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED);
	cr_assert_eq(o->n_quarter_ids, 3);
	cr_assert(o->quarter_ids[0] == 3 && o->quarter_ids[1] == 1 && o->quarter_ids[2] == 4);
	cr_assert_eq(o->n_lead_office_ids, 1);
	cr_assert_eq(o->lead_office_ids[0], 50);
	cr_assert_str_eq(o->start_date, "2024-01-01");
	cr_assert_null(o->end_date);
	cr_assert_null(o->description);
	envelope_free(out);
}

Test(envelope, response_with_error_round_trip)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Response resp = QUARTIER__V1__RESPONSE__INIT;
	Quartier__V1__Error err;
	qt_envelope_t *out;

	envelope_error_set(&err, QT_INVALID_ARGUMENT, "name must not be empty", "name");
	resp.id = 5;
	resp.error = &err;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_RESPONSE;
	env.response = &resp;
	out = round_trip(&env);
	cr_assert_eq(out->response->id, 5);
	cr_assert_not_null(out->response->error);
	cr_assert_eq(envelope_status_from_wire((int)out->response->error->status),
	             QT_INVALID_ARGUMENT);
	cr_assert_str_eq(out->response->error->message, "name must not be empty");
	cr_assert_str_eq(out->response->error->field, "name");
	cr_assert(out->response->error->has_retryable);
	cr_assert_not(out->response->error->retryable);
	envelope_free(out);
}

Test(envelope, garbage_is_null)
{
	static const uint8_t garbage[][8] = {
	    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	    {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T'},
	    {0x0a, 0x7f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06}, /* hello claims 127 bytes */
	    {0x07, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07}, /* wire type 7 does not exist */
	};

	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		cr_assert_null(envelope_unpack(garbage[i], sizeof(garbage[i])), "garbage %zu", i);
}

Test(envelope, empty_kind_is_null)
{
	/* A zero-length payload and an envelope with only an unknown field
	 * are valid protobuf, but name no kind. */
	static const uint8_t unknown_field[] = {0x78, 0x01}; /* field 15, varint 1 */
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	uint8_t *buf = NULL;
	size_t len = 0;

	cr_assert_null(envelope_unpack((const uint8_t *)"", 0));
	cr_assert_null(envelope_unpack(unknown_field, sizeof(unknown_field)));
	/* An envelope without a kind packs to nothing, which is not a frame. */
	cr_assert_neq(envelope_pack(&env, FRAME_MAX_DEFAULT, &buf, &len), QT_OK);
	cr_assert_null(buf);
}

Test(envelope, missing_required_field_is_null)
{
	/* A hello (field 1, length 2) holding only protocol_version = 1: the
	 * required client_name and client_instance_id are missing. */
	static const uint8_t partial_hello[] = {0x0a, 0x02, 0x08, 0x01};

	cr_assert_null(envelope_unpack(partial_hello, sizeof(partial_hello)));
}

Test(envelope, nul_byte_in_text_is_null)
{
	/* A hello whose client_name is "ab\0cd": protobuf-c would hand out
	 * "ab".  The same hello with "abxcd" decodes; so does a NUL inside an
	 * unknown (future) length-delimited field, which no one reads as text. */
	static const uint8_t nul_name[] = {0x0a, 0x0d, 0x08, 0x01, 0x12, 0x05, 'a', 'b',  0x00,
	                                   'c',  'd',  0x1a, 0x02, 'i',  'd'};
	static const uint8_t plain_name[] = {0x0a, 0x0d, 0x08, 0x01, 0x12, 0x05, 'a', 'b', 'x',
	                                     'c',  'd',  0x1a, 0x02, 'i',  'd'};
	static const uint8_t nul_unknown[] = {0x0a, 0x0f, 0x08, 0x01, 0x12, 0x01, 'a',  0x1a, 0x01,
	                                      'i',  0xa2, 0x06, 0x04, 'x',  0x00, 'y', 'z'};
	qt_envelope_t *env;

	cr_assert_null(envelope_unpack(nul_name, sizeof(nul_name)));
	env = envelope_unpack(plain_name, sizeof(plain_name));
	cr_assert_not_null(env);
	cr_assert_str_eq(env->hello->client_name, "abxcd");
	envelope_free(env);
	env = envelope_unpack(nul_unknown, sizeof(nul_unknown));
	cr_assert_not_null(env);
	cr_assert_str_eq(env->hello->client_name, "a");
	envelope_free(env);
}

Test(envelope, pack_respects_max)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
	Quartier__V1__Hello hello = QUARTIER__V1__HELLO__INIT;
	char name[300];
	uint8_t *buf = NULL;
	size_t len = 0;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	hello.protocol_version = 1;
	hello.client_name = name;
	hello.client_instance_id = "x";
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_HELLO;
	env.hello = &hello;
	cr_assert_eq(envelope_pack(&env, 100, &buf, &len), QT_RESOURCE_EXHAUSTED);
	cr_assert_null(buf);
	cr_assert_eq(len, 0);
	cr_assert_eq(envelope_pack(&env, 1000, &buf, &len), QT_OK);
	cr_assert_not_null(buf);
	free(buf);
}

Test(envelope, error_set_fills_retry_flag_from_table)
{
	Quartier__V1__Error err;

	envelope_error_set(&err, QT_UNAVAILABLE, "database down", NULL);
	cr_assert_eq((int)err.status, QT_UNAVAILABLE);
	cr_assert_str_eq(err.message, "database down");
	cr_assert(err.has_retryable);
	cr_assert_eq(err.retryable, 1);
	cr_assert_null(err.field);

	envelope_error_set(&err, QT_RESOURCE_EXHAUSTED, "busy", NULL);
	cr_assert_eq(err.retryable, 1);

	envelope_error_set(&err, QT_INVALID_ARGUMENT, NULL, "end_date");
	cr_assert(err.has_retryable);
	cr_assert_eq(err.retryable, 0);
	cr_assert_str_eq(err.message, qt_status_str(QT_INVALID_ARGUMENT),
	                 "without a message the status text is used");
	cr_assert_str_eq(err.field, "end_date");

	for (int st = 0; st <= (int)QT_STATUS_WIRE_MAX; st++) {
		envelope_error_set(&err, (qt_status_t)st, "m", NULL);
		cr_assert_eq(err.retryable, qt_status_retryable((qt_status_t)st) ? 1 : 0);
	}
}

Test(envelope, status_from_wire)
{
	for (int v = 0; v <= (int)QT_STATUS_WIRE_MAX; v++)
		cr_assert_eq((int)envelope_status_from_wire(v), v);
	cr_assert_eq(envelope_status_from_wire(-1), QT_PROTOCOL_ERROR);
	cr_assert_eq(envelope_status_from_wire((int)QT_STATUS_WIRE_MAX + 1), QT_PROTOCOL_ERROR);
	cr_assert_eq(envelope_status_from_wire(QT_IO), QT_PROTOCOL_ERROR,
	             "local statuses never come from the wire");
	cr_assert_eq(envelope_status_from_wire(QT_TLS), QT_PROTOCOL_ERROR);
	envelope_free(NULL); /* allowed */
}
