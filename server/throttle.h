/* Login throttling decisions: how long an attempt waits before its
 * password is checked, and when failures lock a login — from the failures
 * counted for the login name (kept in PostgreSQL, migration 0010) and for
 * the source address (kept here, in memory).  Pure logic, no I/O and no
 * event loop; session.c runs the timers and queries.
 *
 * An attempt is counted before its password is checked and taken back
 * when it succeeds, so that attempts sent at once see each other.  The
 * delay grows with the failures before the attempt: none up to the
 * threshold, then delay_ms, doubling with every further failure up to
 * delay_max_ms. */
#ifndef QUARTIERD_THROTTLE_H
#define QUARTIERD_THROTTLE_H

#include <stdint.h>

#include "addrcount.h"
#include "config.h"

typedef struct throttle_policy {
	uint32_t delay_after;         /* failures of one login before its attempts wait */
	uint32_t address_delay_after; /* failures from one address before its attempts wait */
	uint32_t delay_ms;            /* the first delay; doubles per further failure */
	uint32_t delay_max_ms;        /* the longest delay */
	uint32_t window_s;            /* failures this long before the last attempt are forgotten */
	uint32_t lockout_failures;    /* failures of one login in a row that lock it; 0 = never */
	uint32_t lockout_s;           /* how long a lock lasts; 0 = until an admin lifts it */
	uint32_t max_addresses;       /* source addresses remembered at once */
	uint32_t max_waiting;         /* attempts waiting out a delay at once */
} throttle_policy_t;

/* The policy of a configuration (cfg is borrowed). */
void throttle_policy_from_config(const config_t *cfg, throttle_policy_t *out);

/* The delay in milliseconds after `failures` failures when delays start
 * after `after` of them: 0 below, then delay_ms * 2^(failures - after),
 * at most delay_max_ms. */
uint32_t throttle_delay_ms(const throttle_policy_t *p, uint32_t failures, uint32_t after);

/* The delay of one attempt: the longer of the login's and the address's,
 * from the failures counted before this attempt. */
uint32_t throttle_attempt_delay_ms(const throttle_policy_t *p, uint32_t login_failures,
                                   uint32_t address_failures);

/* Whether a failed attempt that brought the login's failures to
 * `failures` (this one included) locks it, when it is not locked yet. */
int throttle_locks(const throttle_policy_t *p, uint32_t failures);

/* Failed logins per source address (IPv4 address or IPv6 /64, the keys of
 * addrcount.h), remembered for window_s after the last one and for at most
 * max_addresses addresses at once: beyond that the least recently seen of
 * a few sampled addresses is forgotten (approximate LRU, as Redis evicts
 * keys), which costs constant time per attempt. */
typedef struct throttle_addr {
	addrcount_t t;       /* count = failures, stamp = the last one */
	uint64_t rng;        /* xorshift state for sampling */
} throttle_addr_t;

void throttle_addr_init(throttle_addr_t *a, uint64_t seed);
void throttle_addr_free(throttle_addr_t *a);

/* The failures counted from key (forgotten ones excluded) at now_ms (any
 * monotonic milliseconds).  Attempts in progress do not count: many users
 * behind one address logging in at once are not delayed by each other. */
uint32_t throttle_addr_failures(throttle_addr_t *a, const throttle_policy_t *p,
                                const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t now_ms);

/* Counts a failed attempt from key at now_ms and returns the failures
 * counted before it. */
uint32_t throttle_addr_failed(throttle_addr_t *a, const throttle_policy_t *p,
                              const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t now_ms);

/* Forgets addresses whose last attempt lies more than window_s before
 * now_ms; returns how many. */
size_t throttle_addr_expire(throttle_addr_t *a, const throttle_policy_t *p, uint64_t now_ms);

/* Addresses remembered now. */
size_t throttle_addr_count(const throttle_addr_t *a);

#endif
