/* Fault injection for quartierd-fault, a test build of the server (see
 * fault.c): the Nth allocation or the Nth read/write of the server's own
 * code fails.  The test and the server share one control block in a file
 * named by QT_FAULT_CTL (mapped by both); the test arms it with a kind and
 * a count before a request path and reads afterwards whether it fired. */
#ifndef QUARTIER_TEST_FAULT_H
#define QUARTIER_TEST_FAULT_H

#include <stdint.h>

#define FAULT_MAGIC 0x46617574u /* "Faut" */

typedef enum {
	FAULT_NONE = 0,
	FAULT_ALLOC = 1, /* malloc, calloc, realloc, strdup */
	FAULT_IO = 2,    /* reads: SSL_read, BIO_write into the TLS input,
	                  * PQconsumeInput; writes: SSL_write, uv_write, PQflush,
	                  * PQsendQueryParams */
} fault_kind_t;

/* Shared between processes; every field is accessed atomically. */
typedef struct fault_ctl {
	uint32_t magic;    /* FAULT_MAGIC once initialised by the test */
	int32_t armed;     /* fault_kind_t; the server disarms it when it fires */
	int64_t countdown; /* calls of that kind left; the one that takes it to 0 fails */
	int64_t calls;     /* calls of the armed kind seen while armed */
	int64_t fired;     /* failures injected so far */
	char fired_at[32]; /* the call that failed last, e.g. "malloc" */
} fault_ctl_t;

#endif
