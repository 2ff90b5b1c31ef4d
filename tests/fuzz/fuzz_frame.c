/* libFuzzer target for the frame reader (proto/frame.c), the code that
 * reassembles length-prefixed frames from whatever chunks TLS hands the
 * server.  The input is a limit, a way to cut, and a byte stream; the
 * frames the reader hands out, cut after cut, must be exactly the frames a
 * one-pass reference parse of the whole stream finds, and it must fail
 * exactly where the reference meets a zero or over-limit length.
 *
 * Input: byte 0-1 the limit (1..65536 bytes, big-endian + 1), byte 2 the
 * cutting mode (bit 0: offer only frame_reader_want() bytes, as the
 * server does; otherwise pseudo-random chunk sizes from the seed in bits
 * 1-7), then the stream. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define FUZZ_ASSERT(cond) \
	do {                  \
		if (!(cond))      \
			abort();      \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the reference parse expects at frame index i. */
typedef struct ref_frame {
	size_t off;   /* payload offset in the stream */
	uint32_t len; /* payload length */
} ref_frame_t;

typedef struct ref_parse {
	ref_frame_t *frames; /* owned */
	size_t n;
	qt_status_t end;     /* QT_OK, QT_PROTOCOL_ERROR or QT_RESOURCE_EXHAUSTED */
	int partial;         /* the stream ends inside a header or payload */
} ref_parse_t;

static void ref_parse(const uint8_t *s, size_t len, uint32_t max, ref_parse_t *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	out->frames = malloc((len / (FRAME_HEADER_SIZE + 1) + 1) * sizeof(*out->frames));
	FUZZ_ASSERT(out->frames != NULL);
	while (pos < len) {
		uint32_t n;

		if (len - pos < FRAME_HEADER_SIZE) {
			out->partial = 1;
			return;
		}
		n = frame_get_header(s + pos);
		if (n == 0) {
			out->end = QT_PROTOCOL_ERROR;
			return;
		}
		if (n > max) {
			out->end = QT_RESOURCE_EXHAUSTED;
			return;
		}
		if (len - pos - FRAME_HEADER_SIZE < n) {
			out->partial = 1;
			return;
		}
		out->frames[out->n].off = pos + FRAME_HEADER_SIZE;
		out->frames[out->n].len = n;
		out->n++;
		pos += FRAME_HEADER_SIZE + (size_t)n;
	}
}

/* xorshift32: chunk sizes that vary but repeat for the same input. */
static uint32_t next_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	frame_reader_t r;
	ref_parse_t ref;
	const uint8_t *s;
	size_t len, pos = 0, got = 0;
	uint32_t max, seed;
	int follow_want;
	qt_status_t end = QT_OK;

	if (size < 3)
		return 0;
	max = (((uint32_t)data[0] << 8) | data[1]) + 1;
	follow_want = data[2] & 1;
	seed = 0x9e3779b9u ^ data[2];
	s = data + 3;
	len = size - 3;

	ref_parse(s, len, max, &ref);
	frame_reader_init(&r, max);
	while (pos < len && end == QT_OK) {
		size_t chunk, off = 0;

		if (follow_want)
			chunk = frame_reader_want(&r);
		else
			chunk = 1 + next_rand(&seed) % (next_rand(&seed) % 4 == 0 ? 4096 : 17);
		FUZZ_ASSERT(chunk >= 1);
		if (chunk > len - pos)
			chunk = len - pos;
		/* A copy of its own, so that ASan sees a read past the chunk. */
		uint8_t *buf = malloc(chunk);
		FUZZ_ASSERT(buf != NULL);
		memcpy(buf, s + pos, chunk);
		while (off < chunk) {
			const uint8_t *frame;
			uint32_t flen;
			size_t used = 0;
			qt_status_t st = frame_reader_feed(&r, buf + off, chunk - off, &used, &frame, &flen);

			FUZZ_ASSERT(used <= chunk - off);
			if (st != QT_OK) {
				end = st;
				FUZZ_ASSERT(frame == NULL);
				break;
			}
			if (frame != NULL) {
				FUZZ_ASSERT(got < ref.n);
				FUZZ_ASSERT(flen == ref.frames[got].len);
				FUZZ_ASSERT(memcmp(frame, s + ref.frames[got].off, flen) == 0);
				got++;
			} else {
				/* No frame: the reader must have taken the whole rest. */
				FUZZ_ASSERT(used == chunk - off);
			}
			off += used;
		}
		free(buf);
		pos += chunk;
	}
	FUZZ_ASSERT(end == ref.end);
	FUZZ_ASSERT(got == ref.n);
	if (end == QT_OK) {
		FUZZ_ASSERT(frame_reader_partial(&r) == ref.partial);
	} else {
		/* After an error the reader stays failed. */
		const uint8_t *frame;
		uint32_t flen;
		size_t used;
		static const uint8_t one_frame[] = {0, 0, 0, 1, 'x'};
		FUZZ_ASSERT(frame_reader_feed(&r, one_frame, sizeof(one_frame), &used, &frame, &flen) !=
		            QT_OK);
		FUZZ_ASSERT(frame == NULL);
	}
	frame_reader_close(&r);
	free(ref.frames);
	return 0;
}
