/* Envelope helpers shared by server and client: packing an Envelope into a
 * ready-to-send frame, unpacking a received payload, and filling Error
 * messages from the status table.  No I/O. */
#ifndef QUARTIER_ENVELOPE_H
#define QUARTIER_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "quartier.pb-c.h"
#include "qt_status.h"

#define QT_PROTOCOL_VERSION 1u

typedef Quartier__V1__Envelope qt_envelope_t;

/* Serialises env behind a 4-byte length header into a new buffer of
 * *out_len bytes.  The caller owns *out and frees it with free().  Returns
 * QT_RESOURCE_EXHAUSTED (and writes nothing) if the payload would exceed
 * max bytes, QT_NOMEM if allocation fails. */
qt_status_t envelope_pack(const qt_envelope_t *env, uint32_t max,
                          uint8_t **out, size_t *out_len);

/* Parses one frame payload.  Returns a new envelope owned by the caller
 * (release with envelope_free()), or NULL if the bytes are not a valid
 * Envelope, name no known kind, or carry a NUL byte in a string field (C
 * strings would cut the text there).  data is only borrowed. */
qt_envelope_t *envelope_unpack(const uint8_t *data, size_t len);

/* Frees an envelope returned by envelope_unpack(); NULL is allowed. */
void envelope_free(qt_envelope_t *env);

/* Fills *err (embedded in a message the caller builds) for status st.  msg
 * and field are borrowed and must outlive the packing of the message; field
 * may be NULL.  The retry flag is taken from the status table. */
void envelope_error_set(Quartier__V1__Error *err, qt_status_t st,
                        const char *msg, const char *field);

/* Converts a wire status to the C enum; unknown values become
 * QT_PROTOCOL_ERROR. */
qt_status_t envelope_status_from_wire(int value);

#endif
