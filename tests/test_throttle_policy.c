/* Unit tests of the login throttling decisions (server/throttle.c): the
 * delay from the failures before an attempt (threshold, doubling, cap, no
 * overflow), the longer of login and address delay, when a failure locks,
 * and the failed logins per address (counting, taking back, forgetting
 * after the window, the bound on addresses remembered). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "throttle.h"

static throttle_policy_t policy(void)
{
	throttle_policy_t p;
	config_t cfg;

	config_init(&cfg);
	throttle_policy_from_config(&cfg, &p);
	config_free(&cfg);
	return p;
}

static void key4(const char *ip, uint8_t key[ADDRCOUNT_KEY_LEN])
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	cr_assert_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	addrcount_key((struct sockaddr *)&a, key);
}

Test(throttle, policy_follows_the_configuration)
{
	throttle_policy_t p = policy();

	cr_assert_eq(p.delay_after, 3);
	cr_assert_eq(p.address_delay_after, 10);
	cr_assert_eq(p.delay_ms, 1000);
	cr_assert_eq(p.delay_max_ms, 60000);
	cr_assert_eq(p.window_s, 900);
	cr_assert_eq(p.lockout_failures, 10);
	cr_assert_eq(p.lockout_s, 3600);
	cr_assert_eq(p.max_addresses, 65536);
	cr_assert_eq(p.max_waiting, 1000);
}

Test(throttle, delay_starts_at_the_threshold_and_doubles_to_the_cap)
{
	static const struct {
		uint32_t failures, want_ms;
	} rows[] = {
	    {0, 0},        {1, 0},         {2, 0},     /* below the threshold of 3 */
	    {3, 1000},     {4, 2000},      {5, 4000},  {6, 8000},
	    {7, 16000},    {8, 32000},     {9, 60000}, /* 64000 capped */
	    {10, 60000},   {40, 60000},    {1000, 60000},
	    {UINT32_MAX, 60000},                       /* no overflow, no endless loop */
	};
	throttle_policy_t p = policy();

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_assert_eq(throttle_delay_ms(&p, rows[i].failures, p.delay_after), rows[i].want_ms,
		             "failures=%u: %u ms, want %u", rows[i].failures,
		             throttle_delay_ms(&p, rows[i].failures, p.delay_after), rows[i].want_ms);
}

Test(throttle, delay_edge_settings)
{
	throttle_policy_t p = policy();

	/* No threshold: the first attempt after a failure already waits. */
	cr_assert_eq(throttle_delay_ms(&p, 0, 0), 1000);
	/* delay_ms 0 turns delays off. */
	p.delay_ms = 0;
	cr_assert_eq(throttle_delay_ms(&p, 50, 3), 0);
	/* A cap equal to the first delay: constant delays. */
	p.delay_ms = 500;
	p.delay_max_ms = 500;
	cr_assert_eq(throttle_delay_ms(&p, 3, 3), 500);
	cr_assert_eq(throttle_delay_ms(&p, 30, 3), 500);
	/* Large first delays do not overflow on doubling. */
	p.delay_ms = 3600000;
	p.delay_max_ms = 3600000;
	cr_assert_eq(throttle_delay_ms(&p, 100, 0), 3600000);
}

Test(throttle, attempt_waits_the_longer_of_login_and_address)
{
	throttle_policy_t p = policy();

	cr_assert_eq(throttle_attempt_delay_ms(&p, 0, 0), 0);
	cr_assert_eq(throttle_attempt_delay_ms(&p, 4, 0), 2000, "login only");
	cr_assert_eq(throttle_attempt_delay_ms(&p, 0, 10), 1000, "address only");
	cr_assert_eq(throttle_attempt_delay_ms(&p, 3, 12), 4000, "address longer");
	cr_assert_eq(throttle_attempt_delay_ms(&p, 7, 11), 16000, "login longer");
}

Test(throttle, lockout_after_the_configured_failures)
{
	throttle_policy_t p = policy();

	for (uint32_t f = 0; f < 10; f++)
		cr_assert_eq(throttle_locks(&p, f), 0, "%u failures do not lock", f);
	cr_assert_eq(throttle_locks(&p, 10), 1);
	cr_assert_eq(throttle_locks(&p, 11), 1, "a later failure locks if none did");
	p.lockout_failures = 0;
	cr_assert_eq(throttle_locks(&p, 1000000), 0, "0: never");
}

Test(throttle, address_counts_failures_not_attempts)
{
	throttle_policy_t p = policy();
	throttle_addr_t a;
	uint8_t k[ADDRCOUNT_KEY_LEN], other[ADDRCOUNT_KEY_LEN];

	throttle_addr_init(&a, 1);
	key4("192.0.2.7", k);
	key4("192.0.2.8", other);
	/* Looking does not count: many attempts at once see no failure. */
	for (int i = 0; i < 10; i++)
		cr_assert_eq(throttle_addr_failures(&a, &p, k, 1000), 0);
	cr_assert_eq(throttle_addr_count(&a), 0);
	cr_assert_eq(throttle_addr_failed(&a, &p, k, 1000), 0);
	cr_assert_eq(throttle_addr_failed(&a, &p, k, 2000), 1);
	cr_assert_eq(throttle_addr_failures(&a, &p, k, 2500), 2);
	cr_assert_eq(throttle_addr_failed(&a, &p, k, 3000), 2);
	cr_assert_eq(throttle_addr_failures(&a, &p, other, 3000), 0, "addresses are apart");
	cr_assert_eq(throttle_addr_count(&a), 1);
	throttle_addr_free(&a);
}

Test(throttle, address_failures_are_forgotten_after_the_window)
{
	throttle_policy_t p = policy();
	throttle_addr_t a;
	uint8_t k[ADDRCOUNT_KEY_LEN], old[ADDRCOUNT_KEY_LEN];
	uint64_t t0 = 5000000, window = (uint64_t)p.window_s * 1000;

	throttle_addr_init(&a, 2);
	key4("198.51.100.1", k);
	key4("198.51.100.2", old);
	for (int i = 0; i < 5; i++)
		throttle_addr_failed(&a, &p, k, t0 + (uint64_t)i);
	/* Within the window of the last attempt the count goes on ... */
	cr_assert_eq(throttle_addr_failed(&a, &p, k, t0 + 4 + window), 5);
	/* ... after it, it starts again. */
	cr_assert_eq(throttle_addr_failed(&a, &p, k, t0 + 5 + 2 * window + 1), 0);

	throttle_addr_failed(&a, &p, old, t0);
	cr_assert_eq(throttle_addr_count(&a), 2);
	cr_assert_eq(throttle_addr_expire(&a, &p, t0 + window + 1), 1, "only the old one");
	cr_assert_eq(throttle_addr_count(&a), 1);
	throttle_addr_free(&a);
}

Test(throttle, addresses_remembered_are_bounded)
{
	throttle_policy_t p = policy();
	throttle_addr_t a;
	uint8_t k[ADDRCOUNT_KEY_LEN], busy[ADDRCOUNT_KEY_LEN];
	char ip[32];

	p.max_addresses = 64;
	throttle_addr_init(&a, 3);
	key4("203.0.113.200", busy);
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", i / 65536, (i / 256) % 256, i % 256);
		key4(ip, k);
		throttle_addr_failed(&a, &p, k, 1000 + 2 * (uint64_t)i);
		/* One address keeps failing all along: always the most recent,
		 * so it is never the one forgotten. */
		throttle_addr_failed(&a, &p, busy, 1001 + 2 * (uint64_t)i);
		cr_assert_leq(throttle_addr_count(&a), 64);
	}
	cr_assert_eq(throttle_addr_failed(&a, &p, busy, 20000), 5000);
	throttle_addr_free(&a);
}
