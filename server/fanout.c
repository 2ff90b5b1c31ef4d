/* The push thread pool (see fanout.h). */
#include "fanout.h"

#include <stdlib.h>

#include "conn.h"

#define FANOUT_MIN_JOBS 4 /* smaller batches are not worth waking a helper */
#define FANOUT_CHUNK 2    /* jobs one thread claims at once: few, so that the loop
                           * seldom waits for a helper the scheduler preempted */

/* Claims and runs chunks of the open batch until none is left. */
static void fanout_work(fanout_t *fo)
{
	for (;;) {
		size_t i = __atomic_fetch_add(&fo->next, FANOUT_CHUNK, __ATOMIC_RELAXED);
		size_t end = i + FANOUT_CHUNK < fo->n_jobs ? i + FANOUT_CHUNK : fo->n_jobs;

		if (i >= fo->n_jobs)
			return;
		for (; i < end; i++)
			conn_send_detached(&fo->jobs[i]);
	}
}

static void *fanout_main(void *arg)
{
	fanout_t *fo = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&fo->mu);
	for (;;) {
		while (!fo->quit && !(fo->open && fo->batch != seen))
			pthread_cond_wait(&fo->wake, &fo->mu);
		if (fo->quit)
			break;
		seen = fo->batch;
		fo->active++;
		pthread_mutex_unlock(&fo->mu);
		fanout_work(fo);
		pthread_mutex_lock(&fo->mu);
		if (--fo->active == 0 && !fo->open)
			pthread_cond_signal(&fo->idle);
	}
	pthread_mutex_unlock(&fo->mu);
	return NULL;
}

void fanout_init(fanout_t *fo, unsigned helpers)
{
	fo->threads = NULL;
	fo->n_threads = 0;
	fo->batch = 0;
	fo->open = fo->quit = 0;
	fo->active = 0;
	fo->jobs = NULL;
	fo->n_jobs = fo->next = 0;
	pthread_mutex_init(&fo->mu, NULL);
	pthread_cond_init(&fo->wake, NULL);
	pthread_cond_init(&fo->idle, NULL);
	if (helpers == 0)
		return;
	fo->threads = calloc(helpers, sizeof(*fo->threads));
	if (fo->threads == NULL)
		return; /* no helpers: every batch runs on the loop thread */
	while (fo->n_threads < helpers &&
	       pthread_create(&fo->threads[fo->n_threads], NULL, fanout_main, fo) == 0)
		fo->n_threads++;
}

void fanout_close(fanout_t *fo)
{
	pthread_mutex_lock(&fo->mu);
	fo->quit = 1;
	pthread_cond_broadcast(&fo->wake);
	pthread_mutex_unlock(&fo->mu);
	for (unsigned i = 0; i < fo->n_threads; i++)
		pthread_join(fo->threads[i], NULL);
	free(fo->threads);
	fo->threads = NULL;
	fo->n_threads = 0;
	pthread_cond_destroy(&fo->idle);
	pthread_cond_destroy(&fo->wake);
	pthread_mutex_destroy(&fo->mu);
}

void fanout_run(fanout_t *fo, conn_send_job_t *jobs, size_t n)
{
	if (fo->n_threads == 0 || n < FANOUT_MIN_JOBS) {
		for (size_t i = 0; i < n; i++)
			conn_send_detached(&jobs[i]);
		return;
	}
	pthread_mutex_lock(&fo->mu);
	fo->jobs = jobs;
	fo->n_jobs = n;
	__atomic_store_n(&fo->next, 0, __ATOMIC_RELAXED);
	fo->batch++;
	fo->open = 1;
	pthread_cond_broadcast(&fo->wake);
	pthread_mutex_unlock(&fo->mu);
	fanout_work(fo);
	/* Every job is claimed; wait for those that helpers are still on.  A
	 * helper that wakes later finds the batch closed. */
	pthread_mutex_lock(&fo->mu);
	fo->open = 0;
	while (fo->active > 0)
		pthread_cond_wait(&fo->idle, &fo->mu);
	fo->jobs = NULL;
	fo->n_jobs = 0;
	pthread_mutex_unlock(&fo->mu);
}
