/* Length-prefixed framing of the Quartier protocol: a 4-byte big-endian
 * length, then that many bytes of one Envelope.  Pure logic, no I/O: the
 * reader reassembles frames from arbitrary chunks and checks the length
 * against the limit before it allocates anything. */
#ifndef QUARTIER_FRAME_H
#define QUARTIER_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "qt_status.h"

#define FRAME_HEADER_SIZE 4
#define FRAME_MAX_DEFAULT (1024u * 1024u)  /* bytes, after login */
#define FRAME_MAX_PREAUTH_DEFAULT 8192u    /* bytes, before login */

typedef struct frame_reader {
	uint32_t max;          /* bytes; largest payload accepted, may change between calls */
	uint8_t hdr[FRAME_HEADER_SIZE];
	uint32_t hdr_have;     /* header bytes collected so far */
	uint8_t *buf;          /* owned; payload of a frame split across chunks */
	uint32_t need;         /* payload length of the current frame */
	uint32_t have;         /* payload bytes collected in buf */
	int failed;            /* set after an error; the stream is unusable */
} frame_reader_t;

/* Prepares a reader that accepts payloads of at most max bytes. */
void frame_reader_init(frame_reader_t *r, uint32_t max);

/* Releases the reader's partial-frame buffer.  The reader may be
 * initialised again afterwards. */
void frame_reader_close(frame_reader_t *r);

/* Consumes bytes from data[0..len) until one complete frame is available or
 * the input is used up.  *consumed is set to the number of bytes taken.
 *
 * Returns QT_OK; if a frame is complete, *frame and *frame_len describe its
 * payload, else *frame is NULL.  The payload is borrowed: it points into
 * data (when the frame lay whole in this chunk) or into the reader's buffer,
 * and stays valid until the next call on the reader or until data goes away,
 * whichever comes first.  Call again with the rest of the input for more
 * frames.
 *
 * Errors: QT_RESOURCE_EXHAUSTED if a length exceeds r->max (checked before
 * any allocation), QT_PROTOCOL_ERROR for a zero length, QT_NOMEM if the
 * partial-frame buffer cannot be allocated.  After an error the reader
 * keeps failing; the connection must be closed. */
qt_status_t frame_reader_feed(frame_reader_t *r, const uint8_t *data,
                              size_t len, size_t *consumed,
                              const uint8_t **frame, uint32_t *frame_len);

/* How many more bytes the reader needs to finish the header or payload it
 * is collecting (at least 1).  A caller that never offers more than this
 * can stop exactly at frame boundaries, e.g. to apply back-pressure. */
uint32_t frame_reader_want(const frame_reader_t *r);

/* Whether the reader holds the beginning of an incomplete frame (used to
 * tell a clean end of stream from a truncated frame). */
int frame_reader_partial(const frame_reader_t *r);

/* Writes the 4-byte big-endian header for a payload of len bytes. */
void frame_put_header(uint8_t out[FRAME_HEADER_SIZE], uint32_t len);

/* Reads a 4-byte big-endian length. */
uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_SIZE]);

#endif
