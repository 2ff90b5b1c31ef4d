/* Counts per source address: a hash table from an address key to a count
 * (and a time stamp).  The server keeps its open connections per address
 * in one, for max_connections_per_address, and its failed logins per
 * address in another (throttle.c).  IPv4 addresses count one by one; IPv6
 * addresses by their /64 network, because one host is usually handed a
 * whole /64 and could otherwise open connections from as many addresses
 * as it likes.  Pure logic, no I/O; owned by the server. */
#ifndef QUARTIERD_ADDRCOUNT_H
#define QUARTIERD_ADDRCOUNT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDRCOUNT_KEY_LEN 16

typedef struct addrcount_entry addrcount_entry_t;

typedef struct addrcount {
	addrcount_entry_t **buckets; /* owned; nbuckets chains */
	size_t nbuckets;
	size_t n;      /* distinct keys with a count above 0 */
	uint64_t seed; /* per table, so that colliding keys cannot be planned */
} addrcount_t;

/* Prepares an empty table; release with addrcount_free(). */
void addrcount_init(addrcount_t *t, uint64_t seed);
void addrcount_free(addrcount_t *t);

/* The key of a peer address (AF_INET or AF_INET6; any other family gets
 * the all-zero key).  sa is borrowed. */
void addrcount_key(const struct sockaddr *sa, uint8_t key[ADDRCOUNT_KEY_LEN]);

/* The count of key (0 if none). */
unsigned addrcount_get(const addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN]);

/* Increments the count of key and returns the new count.  Aborts on
 * out-of-memory, like the rest of the server. */
unsigned addrcount_add(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN]);

/* Decrements the count of key (which must be above 0); an entry that
 * reaches 0 is freed. */
void addrcount_del(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN]);

/* Tables that forget: every entry carries the stamp of its last
 * addrcount_add_at() (any clock of the caller's, e.g. milliseconds). */

/* Like addrcount_add(), and sets the entry's stamp. */
unsigned addrcount_add_at(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t stamp);

/* Like addrcount_add_at(), but without memory for a new entry it counts
 * nothing and returns 0 instead of aborting. */
unsigned addrcount_try_add_at(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t stamp);

/* The stamp of key (0 if none). */
uint64_t addrcount_stamp(const addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN]);

/* Removes key whatever its count (nothing if absent). */
void addrcount_remove(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN]);

/* Removes every entry stamped before `before`; returns how many. */
size_t addrcount_expire(addrcount_t *t, uint64_t before);

/* Removes the least recently stamped of up to `samples` entries taken
 * from pseudo-random buckets (*rng is the caller's xorshift64 state, not
 * 0), so that a full table makes room in constant time.  Nothing if the
 * table is empty. */
void addrcount_evict_sampled(addrcount_t *t, unsigned samples, uint64_t *rng);

#endif
