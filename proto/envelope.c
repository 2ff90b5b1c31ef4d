/* Envelope packing and unpacking (see envelope.h). */
#include "envelope.h"

#include <stdlib.h>
#include <string.h>

#include "frame.h"

/* Deepest nesting of messages the NUL check follows; ours nest four deep. */
#define ENVELOPE_MAX_DEPTH 32

qt_status_t envelope_pack(const qt_envelope_t *env, uint32_t max,
                          uint8_t **out, size_t *out_len)
{
	size_t n = quartier__v1__envelope__get_packed_size(env);
	uint8_t *buf;

	if (n == 0 || n > max)
		return QT_RESOURCE_EXHAUSTED;
	buf = malloc(FRAME_HEADER_SIZE + n);
	if (buf == NULL)
		return QT_NOMEM;
	frame_put_header(buf, (uint32_t)n);
	quartier__v1__envelope__pack(env, buf + FRAME_HEADER_SIZE);
	*out = buf;
	*out_len = FRAME_HEADER_SIZE + n;
	return QT_OK;
}

/* Reads a varint at p (at most len bytes) into *v; returns its length, or
 * 0 if it is cut off or too long. */
static size_t envelope_varint(const uint8_t *p, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < len && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

/* Whether no string field of the serialized message (of type desc, and of
 * every message inside it) holds a NUL byte.  protobuf-c hands strings out
 * as C strings, so "ab\0cd" would silently arrive as "ab": such text is
 * refused as malformed instead.  Damage to the wire format itself is left
 * to the decoder, which has already accepted these bytes. */
static int envelope_strings_clean(const ProtobufCMessageDescriptor *desc, const uint8_t *p,
                                  size_t len, int depth)
{
	while (len > 0) {
		const ProtobufCFieldDescriptor *fd;
		uint64_t key, n;
		size_t used = envelope_varint(p, len, &key);

		if (used == 0)
			return 1;
		p += used;
		len -= used;
		switch (key & 7) {
		case 0: /* varint */
			used = envelope_varint(p, len, &n);
			if (used == 0)
				return 1;
			break;
		case 1: /* 64 bits */
			used = 8;
			break;
		case 5: /* 32 bits */
			used = 4;
			break;
		case 2: /* length-delimited */
			used = envelope_varint(p, len, &n);
			if (used == 0 || n > len - used)
				return 1;
			p += used;
			len -= used;
			fd = protobuf_c_message_descriptor_get_field(desc, (unsigned)(key >> 3));
			if (fd != NULL && fd->type == PROTOBUF_C_TYPE_STRING &&
			    memchr(p, 0, n) != NULL)
				return 0;
			if (fd != NULL && fd->type == PROTOBUF_C_TYPE_MESSAGE &&
			    (depth >= ENVELOPE_MAX_DEPTH ||
			     !envelope_strings_clean(fd->descriptor, p, n, depth + 1)))
				return 0;
			used = n;
			break;
		default:
			return 1;
		}
		if (used > len)
			return 1;
		p += used;
		len -= used;
	}
	return 1;
}

qt_envelope_t *envelope_unpack(const uint8_t *data, size_t len)
{
	qt_envelope_t *env = quartier__v1__envelope__unpack(NULL, len, data);

	if (env == NULL)
		return NULL;
	if (env->kind_case == QUARTIER__V1__ENVELOPE__KIND__NOT_SET ||
	    !envelope_strings_clean(&quartier__v1__envelope__descriptor, data, len, 0)) {
		quartier__v1__envelope__free_unpacked(env, NULL);
		return NULL;
	}
	return env;
}

void envelope_free(qt_envelope_t *env)
{
	if (env != NULL)
		quartier__v1__envelope__free_unpacked(env, NULL);
}

void envelope_error_set(Quartier__V1__Error *err, qt_status_t st,
                        const char *msg, const char *field)
{
	quartier__v1__error__init(err);
	err->status = (Quartier__V1__Status)st;
	err->message = (char *)(msg != NULL ? msg : qt_status_str(st));
	err->has_retryable = 1;
	err->retryable = qt_status_retryable(st) ? 1 : 0;
	err->field = (char *)field;
}

qt_status_t envelope_status_from_wire(int value)
{
	if (!qt_status_valid_wire(value))
		return QT_PROTOCOL_ERROR;
	return (qt_status_t)value;
}
