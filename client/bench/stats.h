/* Latency samples and their percentiles.  Every sample is kept (8 bytes
 * each: a minute at 50,000 requests/s is 24 MB), so percentiles are exact
 * rather than read off a histogram.  Pure logic, no I/O. */
#ifndef QUARTIER_BENCH_STATS_H
#define QUARTIER_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct stats {
	uint64_t *v;    /* owned: samples in nanoseconds */
	size_t n, cap;
} stats_t;

typedef struct stats_summary {
	size_t n;
	double mean_ms, p50_ms, p90_ms, p99_ms, p999_ms, max_ms;
} stats_summary_t;

void stats_init(stats_t *s);
void stats_free(stats_t *s);

/* Adds one sample (ns).  Returns 0, or -1 if memory ran out (the sample
 * is lost). */
int stats_add(stats_t *s, uint64_t ns);

/* Moves every sample of from into to (from is left empty).  Returns 0 or -1. */
int stats_merge(stats_t *to, stats_t *from);

/* Sorts the samples and fills out (nearest-rank percentiles; zeros when
 * there are no samples). */
void stats_summarise(stats_t *s, stats_summary_t *out);

#endif
