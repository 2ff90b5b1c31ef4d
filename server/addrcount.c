/* Connection counts per source address (see addrcount.h). */
#include "addrcount.h"

#include <assert.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define ADDRCOUNT_MIN_BUCKETS 64

struct addrcount_entry {
	addrcount_entry_t *next;
	uint8_t key[ADDRCOUNT_KEY_LEN];
	unsigned count;
	uint64_t stamp; /* of the last addrcount_add_at() */
};

/* FNV-1a over the seed and the key, finished with a 64-bit mixer. */
static uint64_t addrcount_hash(const addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN])
{
	uint64_t h = 0xcbf29ce484222325ull ^ t->seed;

	for (size_t i = 0; i < ADDRCOUNT_KEY_LEN; i++) {
		h ^= key[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

void addrcount_init(addrcount_t *t, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	t->seed = seed;
	t->nbuckets = ADDRCOUNT_MIN_BUCKETS;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->buckets == NULL)
		abort();
}

void addrcount_free(addrcount_t *t)
{
	for (size_t i = 0; i < t->nbuckets; i++) {
		addrcount_entry_t *e = t->buckets[i];
		while (e != NULL) {
			addrcount_entry_t *next = e->next;
			free(e);
			e = next;
		}
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

void addrcount_key(const struct sockaddr *sa, uint8_t key[ADDRCOUNT_KEY_LEN])
{
	memset(key, 0, ADDRCOUNT_KEY_LEN);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
		/* ::ffff:a.b.c.d, as the kernel shows IPv4 on a dual-stack socket */
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &a->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
		static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(a->sin6_addr.s6_addr, v4mapped, sizeof(v4mapped)) == 0)
			memcpy(key, a->sin6_addr.s6_addr, ADDRCOUNT_KEY_LEN);
		else
			memcpy(key, a->sin6_addr.s6_addr, 8); /* the /64 network */
	}
}

static addrcount_entry_t **addrcount_slot(const addrcount_t *t,
                                          const uint8_t key[ADDRCOUNT_KEY_LEN])
{
	addrcount_entry_t **p = &t->buckets[addrcount_hash(t, key) & (t->nbuckets - 1)];

	while (*p != NULL && memcmp((*p)->key, key, ADDRCOUNT_KEY_LEN) != 0)
		p = &(*p)->next;
	return p;
}

unsigned addrcount_get(const addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN])
{
	addrcount_entry_t **p = addrcount_slot(t, key);

	return *p != NULL ? (*p)->count : 0;
}

/* Doubles the bucket array once there are more keys than buckets (if there
 * is memory for it). */
static void addrcount_grow(addrcount_t *t)
{
	size_t nb = t->nbuckets * 2;
	addrcount_entry_t **b = calloc(nb, sizeof(*b));

	if (b == NULL)
		return; /* no memory: the chains grow longer instead */
	for (size_t i = 0; i < t->nbuckets; i++) {
		addrcount_entry_t *e = t->buckets[i];
		while (e != NULL) {
			addrcount_entry_t *next = e->next;
			size_t k = addrcount_hash(t, e->key) & (nb - 1);
			e->next = b[k];
			b[k] = e;
			e = next;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
}

unsigned addrcount_try_add_at(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t stamp)
{
	addrcount_entry_t **p = addrcount_slot(t, key);
	addrcount_entry_t *e = *p;

	if (e != NULL) {
		e->stamp = stamp;
		return ++e->count;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return 0;
	memcpy(e->key, key, ADDRCOUNT_KEY_LEN);
	e->count = 1;
	e->stamp = stamp;
	*p = e;
	if (++t->n > t->nbuckets)
		addrcount_grow(t);
	return 1;
}

unsigned addrcount_add_at(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t stamp)
{
	unsigned n = addrcount_try_add_at(t, key, stamp);

	if (n == 0)
		abort();
	return n;
}

unsigned addrcount_add(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN])
{
	return addrcount_add_at(t, key, 0);
}

uint64_t addrcount_stamp(const addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN])
{
	addrcount_entry_t **p = addrcount_slot(t, key);

	return *p != NULL ? (*p)->stamp : 0;
}

void addrcount_remove(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN])
{
	addrcount_entry_t **p = addrcount_slot(t, key);
	addrcount_entry_t *e = *p;

	if (e == NULL)
		return;
	*p = e->next;
	free(e);
	t->n--;
}

size_t addrcount_expire(addrcount_t *t, uint64_t before)
{
	size_t removed = 0;

	for (size_t i = 0; i < t->nbuckets; i++) {
		addrcount_entry_t **p = &t->buckets[i];
		while (*p != NULL) {
			addrcount_entry_t *e = *p;
			if (e->stamp < before) {
				*p = e->next;
				free(e);
				t->n--;
				removed++;
			} else {
				p = &e->next;
			}
		}
	}
	return removed;
}

void addrcount_evict_sampled(addrcount_t *t, unsigned samples, uint64_t *rng)
{
	addrcount_entry_t **victim = NULL, *e;
	unsigned seen = 0;

	if (t->n == 0)
		return;
	/* Some buckets are empty: look at up to 4x as many as samples wanted. */
	for (unsigned tries = 0; seen < samples && tries < 4 * samples; tries++) {
		uint64_t x = *rng;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*rng = x;
		for (addrcount_entry_t **p = &t->buckets[x & (t->nbuckets - 1)]; *p != NULL;
		     p = &(*p)->next) {
			if (victim == NULL || (*p)->stamp < (*victim)->stamp)
				victim = p;
			seen++;
		}
	}
	if (victim == NULL) {
		/* Unlucky sampling of a sparse table: take the first entry. */
		for (size_t i = 0; i < t->nbuckets && victim == NULL; i++)
			if (t->buckets[i] != NULL)
				victim = &t->buckets[i];
	}
	e = *victim;
	*victim = e->next;
	free(e);
	t->n--;
}

void addrcount_del(addrcount_t *t, const uint8_t key[ADDRCOUNT_KEY_LEN])
{
	addrcount_entry_t **p = addrcount_slot(t, key);
	addrcount_entry_t *e = *p;

	assert(e != NULL && e->count > 0);
	if (--e->count > 0)
		return;
	*p = e->next;
	free(e);
	t->n--;
}
