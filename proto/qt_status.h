/* Status codes of the Quartier protocol, shared by server, client library
 * and tests.  The table is the single source: the C enum, the names and the
 * retry hints are generated from it, and its numbers equal the wire enum
 * quartier.v1.Status (tests/test_status.c checks that). */
#ifndef QUARTIER_STATUS_H
#define QUARTIER_STATUS_H

/* X(NAME, value, "identifier", "text", retryable) */
#define QT_STATUS_MAP(X)                                                       \
	X(OK, 0, "ok", "ok", 0)                                                          \
	X(INVALID_ARGUMENT, 1, "invalid_argument", "invalid argument", 0)                              \
	X(NOT_FOUND, 2, "not_found", "not found", 0)                                            \
	X(CONFLICT, 3, "conflict", "conflict", 0)                                              \
	X(PERMISSION_DENIED, 4, "permission_denied", "permission denied", 0)                            \
	X(UNAUTHENTICATED, 5, "unauthenticated", "unauthenticated", 0)                                \
	X(RESOURCE_EXHAUSTED, 6, "resource_exhausted", "resource exhausted", 1)                          \
	X(UNAVAILABLE, 7, "unavailable", "unavailable", 1)                                        \
	X(INTERNAL, 8, "internal", "internal error", 0)                                        \
	X(FAILED_PRECONDITION, 9, "failed_precondition", "failed precondition", 0)                        \
	X(PROTOCOL_ERROR, 10, "protocol_error", "protocol error", 0)                                 \
	X(UNSUPPORTED_VERSION, 11, "unsupported_version", "unsupported protocol version", 0)              \
	/* Codes below 100 travel on the wire; the ones above are local to the     \
	 * client library (they never come from a server). */                      \
	X(IO, 100, "io", "connection failed", 1)                                         \
	X(TLS, 101, "tls", "TLS failure", 0)                                              \
	X(NOMEM, 102, "nomem", "out of memory", 1)

typedef enum {
#define QT_STATUS_ENUM_(name, value, ident, text, retry) QT_##name = value,
	QT_STATUS_MAP(QT_STATUS_ENUM_)
#undef QT_STATUS_ENUM_
} qt_status_t;

/* Highest status value that may appear on the wire. */
#define QT_STATUS_WIRE_MAX QT_UNSUPPORTED_VERSION

/* Static English text for a status; never NULL ("unknown status" for values
 * outside the table). */
const char *qt_status_str(qt_status_t st);

/* Stable lowercase identifier ("invalid_argument"), for logs and --json;
 * static storage, never NULL. */
const char *qt_status_name(qt_status_t st);

/* Whether an error of this status is worth retrying unchanged by default. */
int qt_status_retryable(qt_status_t st);

/* Whether a value received from the network is a known wire status. */
int qt_status_valid_wire(int value);

#endif
