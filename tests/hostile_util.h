/* Helpers shared by the hostile-input and crash tests: hand-written
 * protobuf wire bytes (for messages protobuf-c would refuse to produce),
 * a witness client that keeps making requests from its own thread and
 * counts failures, a checksum of every table, percentiles, and the
 * `check <name> <figure> PASS|FAIL` lines that deploy/soak.sh collects. */
#ifndef QUARTIER_TEST_HOSTILE_UTIL_H
#define QUARTIER_TEST_HOSTILE_UTIL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* ------------------------------------------------------------ wire bytes */

typedef struct bb {
	uint8_t *p; /* owned */
	size_t n, cap;
} bb_t;

void bb_put(bb_t *b, const void *data, size_t n);
void bb_free(bb_t *b);
void pb_varint(bb_t *b, uint64_t v);
void pb_tag(bb_t *b, unsigned field, unsigned wire_type);
/* field = varint v */
void pb_uint(bb_t *b, unsigned field, uint64_t v);
/* field = length-delimited bytes */
void pb_bytes(bb_t *b, unsigned field, const void *data, size_t n);
/* field = length-delimited, the contents of inner */
void pb_sub(bb_t *b, unsigned field, const bb_t *inner);
/* A frame: 4-byte big-endian length of payload, then payload. */
void pb_frame(bb_t *out, const bb_t *payload);

/* ------------------------------------------------------------ witness */

/* A logged-in client on its own thread that asks for one project every
 * few milliseconds for as long as it runs, and counts answers that are not
 * OK.  Its latency samples (microseconds) are kept while sampling is on. */
typedef struct witness {
	pthread_t thread;
	qt_client_t *c; /* owned by the thread */
	int64_t project_id;
	unsigned pause_us; /* between requests */
	volatile int stop;
	volatile unsigned long ok, failed;
	char last_error[256];
	pthread_mutex_t lock; /* guards the samples */
	int sampling;
	uint32_t *samples; /* microseconds */
	size_t nsamples, cap;
} witness_t;

/* Logs in as admin and starts the thread. */
void witness_start(witness_t *w, harness_t *h, int64_t project_id, unsigned pause_us);
/* Stops the thread and frees the client. */
void witness_stop(witness_t *w);
/* Waits up to timeout_ms until the witness has had `more` more successful
 * answers than `since`; returns whether it did. */
int witness_progress(witness_t *w, unsigned long since, unsigned long more, unsigned timeout_ms);

/* ------------------------------------------------------------ database */

/* "table=md5;..." over every table but session and feed_meta (caller
 * frees). */
char *db_checksum(harness_t *h);
/* The names of the tables whose checksum differs between a and b, comma
 * separated, into out. */
void db_changed_tables(const char *a, const char *b, char *out, size_t len);

/* ------------------------------------------------------------ figures */

uint64_t mono_us(void);
/* The p-th percentile (0..100) of n samples (sorted in place). */
uint32_t percentile(uint32_t *v, size_t n, double p);
/* Whether the long (soak) versions run: QT_SOAK=1 in the environment. */
int soak_mode(void);
/* An unsigned from the environment, or def. */
unsigned env_uint(const char *name, unsigned def);
/* Prints `check <name> <figure> PASS|FAIL` to stdout (and flushes). */
void check_line(const char *name, int pass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------ connections */


/* A plain TCP connection to the server from src (NULL: any); returns the
 * socket (asserts success). */
int tcp_open_from(harness_t *h, const char *src);

/* Sends a hello and reads the welcome; 0 on success, -1 otherwise. */
int raw_try_hello(raw_conn_t *r);

/* Logs in with login/password over r and returns 0 on success. */
int raw_login_as(raw_conn_t *r, const char *login, const char *password);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
uint16_t free_tcp_port(void);

/* The value of the metric line starting with name (followed by a space)
 * on the server's /metrics page at 127.0.0.1:port; -1 if absent. */
long long metric_value(uint16_t port, const char *name);

/* Resident memory of a process in KiB (VmRSS), or 0. */
unsigned long rss_kib(pid_t pid);

/* Raises RLIMIT_NOFILE's soft limit to want (or the hard limit); returns
 * the soft limit in force afterwards. */
unsigned long raise_nofile(unsigned long want);

#endif
