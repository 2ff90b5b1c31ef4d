/* The fault-injecting wrappers of quartierd-fault.  The executable is
 * linked from the same objects as quartierd with -Wl,--wrap=SYMBOL for
 * every call below, so each call our own code makes (server, protocol
 * library) comes here first; the libraries' internal calls (OpenSSL's,
 * libpq's, libuv's own allocations) are not counted.  While the control
 * block (fault.h, file named by QT_FAULT_CTL) is armed for a kind, calls of
 * that kind count down and the one that reaches zero fails the way the
 * real call fails (NULL/ENOMEM, -1, 0, UV_EPIPE) without doing anything;
 * then it disarms itself.  Without QT_FAULT_CTL nothing ever fails. */
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uv.h>

#include "fault.h"

/* The real functions, and the wrappers the linker routes our calls to. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
int __real_SSL_read(SSL *ssl, void *buf, int num);
int __real_SSL_write(SSL *ssl, const void *buf, int num);
int __real_BIO_write(BIO *b, const void *data, int dlen);
int __real_uv_write(uv_write_t *req, uv_stream_t *handle, const uv_buf_t bufs[],
                    unsigned int nbufs, uv_write_cb cb);
int __real_PQconsumeInput(PGconn *conn);
int __real_PQflush(PGconn *conn);
int __real_PQsendQueryParams(PGconn *conn, const char *command, int nParams,
                             const Oid *paramTypes, const char *const *paramValues,
                             const int *paramLengths, const int *paramFormats, int resultFormat);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
int __wrap_SSL_read(SSL *ssl, void *buf, int num);
int __wrap_SSL_write(SSL *ssl, const void *buf, int num);
int __wrap_BIO_write(BIO *b, const void *data, int dlen);
int __wrap_uv_write(uv_write_t *req, uv_stream_t *handle, const uv_buf_t bufs[],
                    unsigned int nbufs, uv_write_cb cb);
int __wrap_PQconsumeInput(PGconn *conn);
int __wrap_PQflush(PGconn *conn);
int __wrap_PQsendQueryParams(PGconn *conn, const char *command, int nParams,
                             const Oid *paramTypes, const char *const *paramValues,
                             const int *paramLengths, const int *paramFormats, int resultFormat);

static fault_ctl_t *fault_block;
static int fault_state; /* 0: not looked yet, 1: mapped, -1: none */

/* Maps the control block on first use.  Uses only system calls, so it may
 * run inside malloc. */
static fault_ctl_t *fault_ctl(void)
{
	int st = __atomic_load_n(&fault_state, __ATOMIC_ACQUIRE);
	const char *path;
	void *p;
	int fd;

	if (st == 1)
		return fault_block;
	if (st == -1)
		return NULL;
	path = getenv("QT_FAULT_CTL");
	fd = path != NULL ? open(path, O_RDWR | O_CLOEXEC) : -1;
	p = fd >= 0 ? mmap(NULL, sizeof(fault_ctl_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
	            : MAP_FAILED;
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED) {
		__atomic_store_n(&fault_state, -1, __ATOMIC_RELEASE);
		return NULL;
	}
	fault_block = p;
	__atomic_store_n(&fault_state, 1, __ATOMIC_RELEASE);
	return fault_block;
}

/* Whether this call (of kind, named what) is the one that fails. */
static int fault_hit(fault_kind_t kind, const char *what)
{
	fault_ctl_t *c = fault_ctl();

	if (c == NULL || __atomic_load_n(&c->armed, __ATOMIC_ACQUIRE) != (int32_t)kind)
		return 0;
	__atomic_add_fetch(&c->calls, 1, __ATOMIC_RELAXED);
	if (__atomic_sub_fetch(&c->countdown, 1, __ATOMIC_ACQ_REL) != 0)
		return 0;
	__atomic_store_n(&c->armed, FAULT_NONE, __ATOMIC_RELEASE);
	strncpy(c->fired_at, what, sizeof(c->fired_at) - 1);
	__atomic_add_fetch(&c->fired, 1, __ATOMIC_RELEASE);
	return 1;
}

/* ------------------------------------------------------------ allocation */

void *__wrap_malloc(size_t n)
{
	if (fault_hit(FAULT_ALLOC, "malloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (fault_hit(FAULT_ALLOC, "calloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fault_hit(FAULT_ALLOC, "realloc")) {
		errno = ENOMEM;
		return NULL; /* p stays valid, as with a real failure */
	}
	return __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	if (fault_hit(FAULT_ALLOC, "strdup")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

/* OpenSSL's own allocations (TLS records, handshakes, keys) are routed
 * through the same counter: TLS is part of every request's path, and its
 * failures must end as closed connections too. */
static void *fault_crypto_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	if (fault_hit(FAULT_ALLOC, "CRYPTO_malloc"))
		return NULL;
	return __real_malloc(n);
}

static void *fault_crypto_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	if (fault_hit(FAULT_ALLOC, "CRYPTO_realloc"))
		return NULL;
	return __real_realloc(p, n);
}

static void fault_crypto_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

__attribute__((constructor)) static void fault_init(void)
{
	/* Before main(), so before OpenSSL allocates anything. */
	CRYPTO_set_mem_functions(fault_crypto_malloc, fault_crypto_realloc, fault_crypto_free);
}

/* ------------------------------------------------------------ reads and writes */

int __wrap_SSL_read(SSL *ssl, void *buf, int num)
{
	if (fault_hit(FAULT_IO, "SSL_read")) {
		/* As a failing socket read shows itself: SSL_ERROR_SYSCALL. */
		ERR_raise(ERR_LIB_SYS, EIO);
		return -1;
	}
	return __real_SSL_read(ssl, buf, num);
}

int __wrap_SSL_write(SSL *ssl, const void *buf, int num)
{
	if (fault_hit(FAULT_IO, "SSL_write")) {
		ERR_raise(ERR_LIB_SYS, EIO);
		return -1;
	}
	return __real_SSL_write(ssl, buf, num);
}

int __wrap_BIO_write(BIO *b, const void *data, int dlen)
{
	if (fault_hit(FAULT_IO, "BIO_write"))
		return -1;
	return __real_BIO_write(b, data, dlen);
}

int __wrap_uv_write(uv_write_t *req, uv_stream_t *handle, const uv_buf_t bufs[],
                    unsigned int nbufs, uv_write_cb cb)
{
	if (fault_hit(FAULT_IO, "uv_write"))
		return UV_EPIPE;
	return __real_uv_write(req, handle, bufs, nbufs, cb);
}

int __wrap_PQconsumeInput(PGconn *conn)
{
	if (fault_hit(FAULT_IO, "PQconsumeInput"))
		return 0;
	return __real_PQconsumeInput(conn);
}

int __wrap_PQflush(PGconn *conn)
{
	if (fault_hit(FAULT_IO, "PQflush"))
		return -1;
	return __real_PQflush(conn);
}

int __wrap_PQsendQueryParams(PGconn *conn, const char *command, int nParams,
                             const Oid *paramTypes, const char *const *paramValues,
                             const int *paramLengths, const int *paramFormats, int resultFormat)
{
	if (fault_hit(FAULT_IO, "PQsendQueryParams"))
		return 0;
	return __real_PQsendQueryParams(conn, command, nParams, paramTypes, paramValues,
	                                paramLengths, paramFormats, resultFormat);
}
