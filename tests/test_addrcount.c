/* Unit tests of the per-address counts (server/addrcount.c): keys of IPv4
 * and IPv6 peers, counting up and down, growth of the table, freeing of
 * entries that reach zero, and the stamps of tables that forget (expiry,
 * removal, eviction of the least recently stamped). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "addrcount.h"

static void key4(const char *ip, uint8_t key[ADDRCOUNT_KEY_LEN])
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(1234);
	cr_assert_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	addrcount_key((struct sockaddr *)&a, key);
}

static void key6(const char *ip, uint8_t key[ADDRCOUNT_KEY_LEN])
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(1234);
	cr_assert_eq(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
	addrcount_key((struct sockaddr *)&a, key);
}

Test(addrcount, keys)
{
	uint8_t a[ADDRCOUNT_KEY_LEN], b[ADDRCOUNT_KEY_LEN];

	/* IPv4 counts per address; the port does not matter. */
	key4("192.0.2.1", a);
	key4("192.0.2.2", b);
	cr_expect_neq(memcmp(a, b, sizeof(a)), 0);
	/* An IPv4 peer on a dual-stack socket is the same address. */
	key6("::ffff:192.0.2.1", b);
	cr_expect_eq(memcmp(a, b, sizeof(a)), 0);
	/* IPv6 counts per /64: the host part does not matter ... */
	key6("2001:db8:1:2::1", a);
	key6("2001:db8:1:2:ffff:ffff:ffff:ffff", b);
	cr_expect_eq(memcmp(a, b, sizeof(a)), 0);
	/* ... the network does. */
	key6("2001:db8:1:3::1", b);
	cr_expect_neq(memcmp(a, b, sizeof(a)), 0);
}

Test(addrcount, counts_up_and_down)
{
	addrcount_t t;
	uint8_t a[ADDRCOUNT_KEY_LEN], b[ADDRCOUNT_KEY_LEN];

	addrcount_init(&t, 42);
	key4("198.51.100.7", a);
	key4("198.51.100.8", b);
	cr_expect_eq(addrcount_get(&t, a), 0);
	cr_expect_eq(addrcount_add(&t, a), 1);
	cr_expect_eq(addrcount_add(&t, a), 2);
	cr_expect_eq(addrcount_add(&t, b), 1);
	cr_expect_eq(t.n, 2);
	addrcount_del(&t, a);
	cr_expect_eq(addrcount_get(&t, a), 1);
	addrcount_del(&t, a);
	cr_expect_eq(addrcount_get(&t, a), 0);
	cr_expect_eq(t.n, 1, "an entry at zero is freed");
	cr_expect_eq(addrcount_get(&t, b), 1);
	addrcount_free(&t);
}

Test(addrcount, many_addresses_grow_the_table)
{
	enum { N = 20000 };
	addrcount_t t;
	uint8_t k[ADDRCOUNT_KEY_LEN];
	char ip[32];

	addrcount_init(&t, 7);
	for (unsigned i = 0; i < N; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		key4(ip, k);
		cr_assert_eq(addrcount_add(&t, k), 1);
		cr_assert_eq(addrcount_add(&t, k), 2);
	}
	cr_expect_eq(t.n, N);
	cr_expect_geq(t.nbuckets, N, "the table grows with its keys");
	for (unsigned i = 0; i < N; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		key4(ip, k);
		cr_assert_eq(addrcount_get(&t, k), 2, "%s", ip);
		addrcount_del(&t, k);
		addrcount_del(&t, k);
	}
	cr_expect_eq(t.n, 0);
	addrcount_free(&t);
}

Test(addrcount, stamps_expire_and_remove)
{
	addrcount_t t;
	uint8_t a[ADDRCOUNT_KEY_LEN], b[ADDRCOUNT_KEY_LEN], c[ADDRCOUNT_KEY_LEN];

	addrcount_init(&t, 42);
	key4("192.0.2.1", a);
	key4("192.0.2.2", b);
	key6("2001:db8::1", c);
	cr_assert_eq(addrcount_add_at(&t, a, 100), 1);
	cr_assert_eq(addrcount_add_at(&t, a, 150), 2);
	cr_assert_eq(addrcount_stamp(&t, a), 150, "the last add stamps");
	cr_assert_eq(addrcount_add_at(&t, b, 200), 1);
	cr_assert_eq(addrcount_add_at(&t, c, 300), 1);
	cr_assert_eq(addrcount_stamp(&t, c), 300);
	cr_assert_eq(addrcount_stamp(&t, (const uint8_t[ADDRCOUNT_KEY_LEN]){0}), 0);

	cr_assert_eq(addrcount_expire(&t, 200), 1, "only a is stamped before 200");
	cr_assert_eq(addrcount_get(&t, a), 0);
	cr_assert_eq(addrcount_get(&t, b), 1);
	cr_assert_eq(t.n, 2);

	addrcount_remove(&t, c);
	addrcount_remove(&t, c); /* absent: nothing */
	cr_assert_eq(addrcount_get(&t, c), 0);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(addrcount_expire(&t, 1000), 1);
	cr_assert_eq(t.n, 0);
	addrcount_free(&t);
}

Test(addrcount, eviction_takes_an_old_entry)
{
	addrcount_t t;
	uint64_t rng = 0x1234567;
	uint8_t k[ADDRCOUNT_KEY_LEN], newest[ADDRCOUNT_KEY_LEN];
	char ip[32];

	addrcount_init(&t, 7);
	addrcount_evict_sampled(&t, 8, &rng); /* empty: nothing */
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "10.0.%u.%u", i / 256, i % 256);
		key4(ip, k);
		addrcount_add_at(&t, k, 1000 + i);
	}
	key4("10.0.3.231", newest); /* i = 999 */
	for (unsigned i = 0; i < 500; i++) {
		addrcount_evict_sampled(&t, 8, &rng);
		cr_assert_eq(t.n, 999 - i);
		/* The newest is evicted only when it is all the samples hold,
		 * which with hundreds of older entries left does not happen
		 * (the sampling is deterministic for this seed). */
		cr_assert_eq(addrcount_get(&t, newest), 1, "evicted the newest after %u", i);
	}
	while (t.n > 0)
		addrcount_evict_sampled(&t, 8, &rng);
	cr_assert_eq(addrcount_get(&t, newest), 0);
	addrcount_free(&t);
}
