/* Login throttling decisions and failed logins per address (see
 * throttle.h). */
#include "throttle.h"

#define THROTTLE_EVICT_SAMPLES 8

void throttle_policy_from_config(const config_t *cfg, throttle_policy_t *out)
{
	out->delay_after = cfg->login_delay_after;
	out->address_delay_after = cfg->login_address_delay_after;
	out->delay_ms = cfg->login_delay_ms;
	out->delay_max_ms = cfg->login_delay_max_ms;
	out->window_s = cfg->login_failure_window;
	out->lockout_failures = cfg->login_lockout_failures;
	out->lockout_s = cfg->login_lockout_seconds;
	out->max_addresses = cfg->login_throttle_addresses;
	out->max_waiting = cfg->login_waiting_max;
}

uint32_t throttle_delay_ms(const throttle_policy_t *p, uint32_t failures, uint32_t after)
{
	uint64_t d = p->delay_ms;

	if (failures < after || p->delay_ms == 0)
		return 0;
	/* Doubling stops at the cap: from 2^32 on any delay_ms exceeds it. */
	for (uint32_t n = failures - after; n > 0 && d < p->delay_max_ms; n--)
		d *= 2;
	return d < p->delay_max_ms ? (uint32_t)d : p->delay_max_ms;
}

uint32_t throttle_attempt_delay_ms(const throttle_policy_t *p, uint32_t login_failures,
                                   uint32_t address_failures)
{
	uint32_t a = throttle_delay_ms(p, login_failures, p->delay_after);
	uint32_t b = throttle_delay_ms(p, address_failures, p->address_delay_after);

	return a > b ? a : b;
}

int throttle_locks(const throttle_policy_t *p, uint32_t failures)
{
	return p->lockout_failures > 0 && failures >= p->lockout_failures;
}

/* ------------------------------------------------------------ per address */

void throttle_addr_init(throttle_addr_t *a, uint64_t seed)
{
	addrcount_init(&a->t, seed);
	a->rng = seed | 1; /* xorshift must not start at 0 */
}

void throttle_addr_free(throttle_addr_t *a)
{
	addrcount_free(&a->t);
}

uint32_t throttle_addr_failures(throttle_addr_t *a, const throttle_policy_t *p,
                                const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t now_ms)
{
	unsigned before = addrcount_get(&a->t, key);
	uint64_t window_ms = (uint64_t)p->window_s * 1000u;

	if (before > 0 && now_ms - addrcount_stamp(&a->t, key) > window_ms) {
		addrcount_remove(&a->t, key);
		before = 0;
	}
	return before;
}

uint32_t throttle_addr_failed(throttle_addr_t *a, const throttle_policy_t *p,
                              const uint8_t key[ADDRCOUNT_KEY_LEN], uint64_t now_ms)
{
	unsigned before = throttle_addr_failures(a, p, key, now_ms);

	if (before == 0) {
		/* A new address: make room first, so the table never holds more
		 * than max_addresses. */
		while (a->t.n >= p->max_addresses && a->t.n > 0)
			addrcount_evict_sampled(&a->t, THROTTLE_EVICT_SAMPLES, &a->rng);
	}
	/* A login is a request: without memory for the address's entry the
	 * attempt goes uncounted rather than the server down. */
	(void)addrcount_try_add_at(&a->t, key, now_ms);
	return before;
}

size_t throttle_addr_expire(throttle_addr_t *a, const throttle_policy_t *p, uint64_t now_ms)
{
	uint64_t window_ms = (uint64_t)p->window_s * 1000u;

	if (now_ms <= window_ms)
		return 0;
	return addrcount_expire(&a->t, now_ms - window_ms);
}

size_t throttle_addr_count(const throttle_addr_t *a)
{
	return a->t.n;
}
