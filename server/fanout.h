/* A small pool of threads that writes frames to many connections at once
 * (the change feed's pushes).  The event loop hands it a batch of sends,
 * works on the batch itself and returns once every send of it is done:
 * while a batch runs, each connection's SSL object and socket are used by
 * exactly one thread, and the loop thread touches none of them, because
 * it is inside fanout_run().  The loop waits only for sends that other
 * threads have already begun, so a batch never takes longer than the loop
 * would alone. */
#ifndef QUARTIERD_FANOUT_H
#define QUARTIERD_FANOUT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct conn_send_job conn_send_job_t; /* conn.h */

typedef struct fanout {
	pthread_mutex_t mu;
	pthread_cond_t wake;        /* a batch is open, or quit */
	pthread_cond_t idle;        /* the last helper left a closed batch */
	pthread_t *threads;         /* owned, n_threads helpers */
	unsigned n_threads;
	/* under mu */
	uint64_t batch;             /* number of the last batch opened */
	int open;                   /* helpers may still join the batch */
	unsigned active;            /* helpers working on the batch */
	int quit;
	conn_send_job_t *jobs;      /* borrowed during fanout_run() */
	size_t n_jobs;
	size_t next;                /* first unclaimed job (atomic) */
} fanout_t;

/* Starts helper threads (0: every batch runs on the loop thread).  Fewer
 * may start if the system refuses threads; the caller logs how many run
 * (fo->n_threads). */
void fanout_init(fanout_t *fo, unsigned helpers);

/* Stops and joins the helpers.  No fanout_run() may be running. */
void fanout_close(fanout_t *fo);

/* Runs conn_send_detached() for jobs[0..n) (borrowed; each job names a
 * different connection) on the loop thread and the helpers, and returns
 * once all are done.  The caller finishes each with conn_send_attach(). */
void fanout_run(fanout_t *fo, conn_send_job_t *jobs, size_t n);

#endif
