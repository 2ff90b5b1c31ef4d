/* Frame reassembly for the Quartier protocol (see frame.h).  Complete frames
 * inside one chunk are handed out without copying; only a frame that spans
 * chunks is collected in a buffer sized to its announced length. */
#include "frame.h"

#include <stdlib.h>
#include <string.h>

void frame_reader_init(frame_reader_t *r, uint32_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void frame_reader_close(frame_reader_t *r)
{
	free(r->buf);
	r->buf = NULL;
	r->need = r->have = r->hdr_have = 0;
}

void frame_put_header(uint8_t out[FRAME_HEADER_SIZE], uint32_t len)
{
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
}

uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_SIZE])
{
	return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) |
	       ((uint32_t)in[2] << 8) | (uint32_t)in[3];
}

uint32_t frame_reader_want(const frame_reader_t *r)
{
	if (r->hdr_have < FRAME_HEADER_SIZE)
		return FRAME_HEADER_SIZE - r->hdr_have;
	if (r->buf != NULL && r->have == r->need)
		return FRAME_HEADER_SIZE; /* the frame was handed out */
	return r->need - r->have;
}

int frame_reader_partial(const frame_reader_t *r)
{
	return r->hdr_have > 0;
}

qt_status_t frame_reader_feed(frame_reader_t *r, const uint8_t *data,
                              size_t len, size_t *consumed,
                              const uint8_t **frame, uint32_t *frame_len)
{
	size_t pos = 0;
	qt_status_t rc = QT_OK;

	*frame = NULL;
	*frame_len = 0;
	if (r->failed) {
		rc = QT_PROTOCOL_ERROR;
		goto out;
	}

	/* A frame collected in buf was handed out by the previous call. */
	if (r->buf != NULL && r->have == r->need) {
		free(r->buf);
		r->buf = NULL;
		r->need = r->have = 0;
	}

	while (r->hdr_have < FRAME_HEADER_SIZE) {
		if (pos == len)
			goto out;
		r->hdr[r->hdr_have++] = data[pos++];
		if (r->hdr_have < FRAME_HEADER_SIZE)
			continue;
		r->need = frame_get_header(r->hdr);
		if (r->need == 0) {
			rc = QT_PROTOCOL_ERROR;
			goto out;
		}
		if (r->need > r->max) {
			rc = QT_RESOURCE_EXHAUSTED;
			goto out;
		}
		r->have = 0;
	}

	/* Fast path: the whole payload is in this chunk. */
	if (r->buf == NULL && len - pos >= r->need) {
		*frame = data + pos;
		*frame_len = r->need;
		pos += r->need;
		r->hdr_have = 0;
		r->need = 0;
		goto out;
	}

	if (r->buf == NULL) {
		r->buf = malloc(r->need);
		if (r->buf == NULL) {
			rc = QT_NOMEM;
			goto out;
		}
	}
	{
		size_t take = r->need - r->have;
		if (take > len - pos)
			take = len - pos;
		memcpy(r->buf + r->have, data + pos, take);
		r->have += (uint32_t)take;
		pos += take;
	}
	if (r->have == r->need) {
		*frame = r->buf;
		*frame_len = r->need;
		r->hdr_have = 0;
		/* buf is freed at the start of the next call. */
	}

out:
	if (rc != QT_OK)
		r->failed = 1;
	*consumed = pos;
	return rc;
}
