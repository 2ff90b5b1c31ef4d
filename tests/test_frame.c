/* Unit tests of proto/frame.c: reassembly of length-prefixed frames from
 * arbitrary chunks, the limit check before any allocation, and the error
 * states that make a stream unusable. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

/* Builds header + payload of len bytes (payload byte i = i & 0xff) into a
 * new buffer of FRAME_HEADER_SIZE + len bytes. */
static uint8_t *make_frame(uint32_t len)
{
	uint8_t *b = malloc(FRAME_HEADER_SIZE + (size_t)len);

	cr_assert_not_null(b);
	frame_put_header(b, len);
	for (uint32_t i = 0; i < len; i++)
		b[FRAME_HEADER_SIZE + i] = (uint8_t)(i & 0xff);
	return b;
}

static void check_payload(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		cr_assert_eq(p[i], (uint8_t)(i & 0xff), "payload byte %u differs", i);
}

Test(frame, header_round_trip)
{
	static const uint32_t values[] = {
	    0, 1, 255, 256, 65535, 65536, 0x01020304u, 0x7fffffffu, 0x80000000u, 0xffffffffu};
	uint8_t h[FRAME_HEADER_SIZE];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		frame_put_header(h, values[i]);
		cr_assert_eq(frame_get_header(h), values[i]);
	}
	frame_put_header(h, 0x01020304u);
	cr_assert(h[0] == 1 && h[1] == 2 && h[2] == 3 && h[3] == 4, "header must be big-endian");
}

Test(frame, whole_frame_in_one_chunk_is_borrowed)
{
	frame_reader_t r;
	uint8_t *b = make_frame(100);
	const uint8_t *f;
	uint32_t flen;
	size_t used;

	frame_reader_init(&r, 1000);
	cr_assert_eq(frame_reader_feed(&r, b, 104, &used, &f, &flen), QT_OK);
	cr_assert_eq(used, 104);
	cr_assert_eq(flen, 100);
	cr_assert_eq(f, b + FRAME_HEADER_SIZE, "a frame lying whole in the chunk is not copied");
	check_payload(f, flen);
	cr_assert_not(frame_reader_partial(&r));
	cr_assert_eq(frame_reader_want(&r), FRAME_HEADER_SIZE);
	frame_reader_close(&r);
	free(b);
}

Test(frame, two_frames_in_one_chunk)
{
	frame_reader_t r;
	uint8_t buf[4 + 3 + 4 + 5];
	const uint8_t *f;
	uint32_t flen;
	size_t used, pos = 0;

	frame_put_header(buf, 3);
	memcpy(buf + 4, "abc", 3);
	frame_put_header(buf + 7, 5);
	memcpy(buf + 11, "defgh", 5);
	frame_reader_init(&r, 64);

	cr_assert_eq(frame_reader_feed(&r, buf, sizeof(buf), &used, &f, &flen), QT_OK);
	cr_assert_eq(used, 7, "the reader stops after the first complete frame");
	cr_assert_eq(flen, 3);
	cr_assert_eq(memcmp(f, "abc", 3), 0);
	pos += used;
	cr_assert_eq(frame_reader_feed(&r, buf + pos, sizeof(buf) - pos, &used, &f, &flen), QT_OK);
	cr_assert_eq(used, 9);
	cr_assert_eq(flen, 5);
	cr_assert_eq(memcmp(f, "defgh", 5), 0);
	pos += used;
	cr_assert_eq(pos, sizeof(buf));
	cr_assert_eq(frame_reader_feed(&r, buf + pos, 0, &used, &f, &flen), QT_OK);
	cr_assert_null(f);
	cr_assert_eq(used, 0);
	frame_reader_close(&r);
}

Test(frame, split_one_byte_at_a_time)
{
	frame_reader_t r;
	uint8_t *b = make_frame(300);
	const uint8_t *f = NULL;
	uint32_t flen = 0;
	size_t used;
	int frames = 0;

	frame_reader_init(&r, 1000);
	for (size_t i = 0; i < 304; i++) {
		cr_assert_eq(frame_reader_want(&r) >= 1, 1);
		cr_assert_eq(frame_reader_feed(&r, b + i, 1, &used, &f, &flen), QT_OK);
		cr_assert_eq(used, 1);
		if (i < 303) {
			cr_assert_null(f, "frame complete too early at byte %zu", i);
			cr_assert(frame_reader_partial(&r),
			          "reader must report a partial frame at byte %zu", i);
			if (i >= 3)
				cr_assert_eq(frame_reader_want(&r), 303 - i);
			else
				cr_assert_eq(frame_reader_want(&r), 3 - i);
		} else if (f != NULL) {
			frames++;
		}
	}
	cr_assert_eq(frames, 1);
	cr_assert_eq(flen, 300);
	check_payload(f, flen);
	cr_assert_not(frame_reader_partial(&r));
	/* The next frame after a buffered one works as well. */
	cr_assert_eq(frame_reader_feed(&r, b, 304, &used, &f, &flen), QT_OK);
	cr_assert_eq(flen, 300);
	check_payload(f, flen);
	frame_reader_close(&r);
	free(b);
}

Test(frame, split_at_every_position)
{
	uint8_t *b = make_frame(50);

	for (size_t cut = 1; cut < 54; cut++) {
		frame_reader_t r;
		const uint8_t *f;
		uint32_t flen;
		size_t used;

		frame_reader_init(&r, 50);
		cr_assert_eq(frame_reader_feed(&r, b, cut, &used, &f, &flen), QT_OK);
		cr_assert_eq(used, cut);
		cr_assert_null(f);
		cr_assert_eq(frame_reader_feed(&r, b + cut, 54 - cut, &used, &f, &flen), QT_OK);
		cr_assert_eq(used, 54 - cut);
		cr_assert_not_null(f, "cut at %zu", cut);
		cr_assert_eq(flen, 50);
		check_payload(f, flen);
		frame_reader_close(&r);
	}
	free(b);
}

Test(frame, zero_length_is_protocol_error)
{
	frame_reader_t r;
	uint8_t h[4] = {0, 0, 0, 0};
	const uint8_t *f;
	uint32_t flen;
	size_t used;

	frame_reader_init(&r, 100);
	cr_assert_eq(frame_reader_feed(&r, h, 4, &used, &f, &flen), QT_PROTOCOL_ERROR);
	cr_assert_null(f);
	cr_assert(r.failed);
	frame_reader_close(&r);
}

Test(frame, over_limit_checked_before_allocation)
{
	static const uint32_t lens[] = {101, 9000, 0x7fffffffu, 0xffffffffu};

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		frame_reader_t r;
		uint8_t h[5];
		const uint8_t *f;
		uint32_t flen;
		size_t used;

		frame_put_header(h, lens[i]);
		h[4] = 'x';
		frame_reader_init(&r, 100);
		/* Header delivered in two parts, then a payload byte. */
		cr_assert_eq(frame_reader_feed(&r, h, 2, &used, &f, &flen), QT_OK);
		cr_assert_eq(frame_reader_feed(&r, h + 2, 3, &used, &f, &flen),
		             QT_RESOURCE_EXHAUSTED, "length %u", lens[i]);
		cr_assert_null(f);
		cr_assert_null(r.buf, "nothing may be allocated for an oversized frame");
		frame_reader_close(&r);
	}
}

Test(frame, exactly_max_is_accepted)
{
	frame_reader_t r;
	uint8_t *b = make_frame(100);
	const uint8_t *f;
	uint32_t flen;
	size_t used;

	frame_reader_init(&r, 100);
	cr_assert_eq(frame_reader_feed(&r, b, 50, &used, &f, &flen), QT_OK);
	cr_assert_eq(frame_reader_feed(&r, b + 50, 54, &used, &f, &flen), QT_OK);
	cr_assert_eq(flen, 100);
	check_payload(f, flen);
	frame_reader_close(&r);
	free(b);
}

Test(frame, limit_may_change_between_frames)
{
	frame_reader_t r;
	uint8_t *b = make_frame(500);
	const uint8_t *f;
	uint32_t flen;
	size_t used;

	frame_reader_init(&r, 100);
	r.max = 1000; /* e.g. after login */
	cr_assert_eq(frame_reader_feed(&r, b, 504, &used, &f, &flen), QT_OK);
	cr_assert_eq(flen, 500);
	r.max = 100;
	cr_assert_eq(frame_reader_feed(&r, b, 504, &used, &f, &flen), QT_RESOURCE_EXHAUSTED);
	frame_reader_close(&r);
	free(b);
}

Test(frame, failed_reader_keeps_failing)
{
	frame_reader_t r;
	uint8_t zero[4] = {0};
	uint8_t *b = make_frame(10);
	const uint8_t *f;
	uint32_t flen;
	size_t used;

	frame_reader_init(&r, 100);
	cr_assert_eq(frame_reader_feed(&r, zero, 4, &used, &f, &flen), QT_PROTOCOL_ERROR);
	cr_assert_neq(frame_reader_feed(&r, b, 14, &used, &f, &flen), QT_OK);
	cr_assert_null(f);
	cr_assert_eq(used, 0);
	frame_reader_close(&r);
	free(b);
}

Test(frame, truncated_frame_is_partial)
{
	frame_reader_t r;
	uint8_t *b = make_frame(20);
	const uint8_t *f;
	uint32_t flen;
	size_t used;

	frame_reader_init(&r, 100);
	cr_assert_not(frame_reader_partial(&r));
	cr_assert_eq(frame_reader_feed(&r, b, 2, &used, &f, &flen), QT_OK);
	cr_assert(frame_reader_partial(&r), "half a header is a partial frame");
	cr_assert_eq(frame_reader_feed(&r, b + 2, 10, &used, &f, &flen), QT_OK);
	cr_assert(frame_reader_partial(&r));
	cr_assert_eq(frame_reader_want(&r), 12);
	/* Closing with a partial frame releases its buffer; the reader can be
	 * initialised again. */
	frame_reader_close(&r);
	cr_assert_null(r.buf);
	frame_reader_init(&r, 100);
	cr_assert_eq(frame_reader_feed(&r, b, 24, &used, &f, &flen), QT_OK);
	cr_assert_eq(flen, 20);
	frame_reader_close(&r);
	free(b);
}

Test(frame, many_frames_random_chunks)
{
	/* 200 frames of varying sizes, fed in chunks of pseudo-random sizes. */
	enum { N = 200 };
	size_t total = 0, pos = 0;
	uint8_t *stream;
	uint32_t lens[N];
	unsigned seed = 12345;
	int got = 0;
	frame_reader_t r;

	for (int i = 0; i < N; i++) {
		lens[i] = 1 + (uint32_t)((i * 37) % 700);
		total += FRAME_HEADER_SIZE + lens[i];
	}
	stream = malloc(total);
	cr_assert_not_null(stream);
	for (int i = 0; i < N; i++) {
		frame_put_header(stream + pos, lens[i]);
		memset(stream + pos + FRAME_HEADER_SIZE, (uint8_t)i, lens[i]);
		pos += FRAME_HEADER_SIZE + lens[i];
	}
	frame_reader_init(&r, 700);
	pos = 0;
	while (pos < total) {
		size_t chunk, off = 0;
		seed = seed * 1103515245u + 12345u;
		chunk = 1 + (seed >> 16) % 1500;
		if (chunk > total - pos)
			chunk = total - pos;
		while (off < chunk) {
			const uint8_t *f;
			uint32_t flen;
			size_t used;
			cr_assert_eq(frame_reader_feed(&r, stream + pos + off, chunk - off, &used,
			                               &f, &flen),
			             QT_OK);
			off += used;
			if (f != NULL) {
				cr_assert_lt(got, N);
				cr_assert_eq(flen, lens[got], "frame %d", got);
				for (uint32_t k = 0; k < flen; k++)
					cr_assert_eq(f[k], (uint8_t)got);
				got++;
			}
		}
		pos += chunk;
	}
	cr_assert_eq(got, N);
	frame_reader_close(&r);
	free(stream);
}
