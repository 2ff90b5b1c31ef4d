/* Envelope packing and unpacking (see envelope.h). */
#include "envelope.h"

#include <stdlib.h>

#include "frame.h"

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

qt_envelope_t *envelope_unpack(const uint8_t *data, size_t len)
{
	qt_envelope_t *env = quartier__v1__envelope__unpack(NULL, len, data);

	if (env == NULL)
		return NULL;
	if (env->kind_case == QUARTIER__V1__ENVELOPE__KIND__NOT_SET) {
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
