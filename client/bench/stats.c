/* Latency samples (see stats.h). */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

void stats_init(stats_t *s)
{
	memset(s, 0, sizeof(*s));
}

void stats_free(stats_t *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int stats_reserve(stats_t *s, size_t more)
{
	size_t cap = s->cap;
	uint64_t *p;

	if (s->n + more <= cap)
		return 0;
	if (cap == 0)
		cap = 4096;
	while (cap < s->n + more)
		cap *= 2;
	p = realloc(s->v, cap * sizeof(*p));
	if (p == NULL)
		return -1;
	s->v = p;
	s->cap = cap;
	return 0;
}

int stats_add(stats_t *s, uint64_t ns)
{
	if (stats_reserve(s, 1) != 0)
		return -1;
	s->v[s->n++] = ns;
	return 0;
}

int stats_merge(stats_t *to, stats_t *from)
{
	if (from->n == 0)
		return 0;
	if (stats_reserve(to, from->n) != 0)
		return -1;
	memcpy(to->v + to->n, from->v, from->n * sizeof(*from->v));
	to->n += from->n;
	from->n = 0;
	return 0;
}

static int stats_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The smallest sample with at least q of all samples at or below it. */
static double stats_rank(const stats_t *s, double q)
{
	size_t k = (size_t)(q * (double)s->n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > s->n)
		k = s->n;
	return (double)s->v[k - 1] / 1e6;
}

void stats_summarise(stats_t *s, stats_summary_t *out)
{
	double sum = 0;

	memset(out, 0, sizeof(*out));
	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), stats_cmp);
	for (size_t i = 0; i < s->n; i++)
		sum += (double)s->v[i];
	out->n = s->n;
	out->mean_ms = sum / (double)s->n / 1e6;
	out->p50_ms = stats_rank(s, 0.50);
	out->p90_ms = stats_rank(s, 0.90);
	out->p99_ms = stats_rank(s, 0.99);
	out->p999_ms = stats_rank(s, 0.999);
	out->max_ms = (double)s->v[s->n - 1] / 1e6;
}
