/* libFuzzer target for the envelope decoder (proto/envelope.c): every frame
 * payload a peer sends goes through envelope_unpack() first.  Whatever the
 * bytes, decoding must not crash or leak, and an envelope it accepts must
 * name a kind and pack again, refusing a limit below its size before it
 * allocates; and unless it carries fields this protocol version does not
 * know, it must survive a second round trip unchanged (pack -> unpack ->
 * pack gives the same bytes).  Unknown fields are exempt because
 * protobuf-c keeps some it cannot write back readably (field number 0,
 * which the server never sends on: it builds every message it sends).
 * Error statuses read from the wire map onto the status table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "frame.h"

#define FUZZ_ASSERT(cond) \
	do {                  \
		if (!(cond))      \
			abort();      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether m or any message inside it kept fields it did not know. */
static int has_unknown_fields(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	if (m->n_unknown_fields > 0)
		return 1;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *member = (const char *)m + f->offset;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		/* A oneof member is only there while the case names it. */
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
			ProtobufCMessage *const *v = *(ProtobufCMessage *const *const *)member;
			for (size_t k = 0; k < n; k++)
				if (has_unknown_fields(v[k]))
					return 1;
		} else {
			const ProtobufCMessage *sub = *(ProtobufCMessage *const *)member;
			if (sub != NULL && has_unknown_fields(sub))
				return 1;
		}
	}
	return 0;
}

static void check_error(const Quartier__V1__Error *err)
{
	qt_status_t st;

	if (err == NULL)
		return;
	st = envelope_status_from_wire((int)err->status);
	FUZZ_ASSERT(qt_status_valid_wire((int)st));
	FUZZ_ASSERT(qt_status_str(st) != NULL && qt_status_name(st) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	qt_envelope_t *env, *again;
	uint8_t *p1 = NULL, *p2 = NULL;
	size_t n1 = 0, n2 = 0;

	env = envelope_unpack(data, size);
	if (env == NULL)
		return 0;
	FUZZ_ASSERT(env->kind_case != QUARTIER__V1__ENVELOPE__KIND__NOT_SET);
	if (env->kind_case == QUARTIER__V1__ENVELOPE__KIND_RESPONSE)
		check_error(env->response->error);
	if (env->kind_case == QUARTIER__V1__ENVELOPE__KIND_GOODBYE)
		check_error(env->goodbye->error);

	FUZZ_ASSERT(envelope_pack(env, UINT32_MAX, &p1, &n1) == QT_OK);
	FUZZ_ASSERT(n1 > FRAME_HEADER_SIZE);
	FUZZ_ASSERT(frame_get_header(p1) == n1 - FRAME_HEADER_SIZE);

	again = envelope_unpack(p1 + FRAME_HEADER_SIZE, n1 - FRAME_HEADER_SIZE);
	if (!has_unknown_fields(&env->base)) {
		FUZZ_ASSERT(again != NULL);
		FUZZ_ASSERT(again->kind_case == env->kind_case);
		FUZZ_ASSERT(envelope_pack(again, UINT32_MAX, &p2, &n2) == QT_OK);
		FUZZ_ASSERT(n1 == n2 && memcmp(p1, p2, n1) == 0);
	}

	/* The limit is checked before anything is allocated or written. */
	{
		uint8_t *p3 = NULL;
		size_t n3 = 0;
		FUZZ_ASSERT(envelope_pack(env, (uint32_t)(n1 - FRAME_HEADER_SIZE - 1), &p3, &n3) ==
		            QT_RESOURCE_EXHAUSTED);
		FUZZ_ASSERT(p3 == NULL && n3 == 0);
	}

	free(p1);
	free(p2);
	envelope_free(again);
	envelope_free(env);
	return 0;
}
