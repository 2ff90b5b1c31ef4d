/* quartier-bench: what one run is (configuration, the registry data the
 * workloads pick from, the shared run control) and the per-thread
 * workers that generate load.  main.c parses options, prepares the data
 * over a control connection and prints results; workload.c runs the
 * workloads on the threads. */
#ifndef QUARTIER_BENCH_BENCH_H
#define QUARTIER_BENCH_BENCH_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "stats.h"

typedef enum {
	WL_GET,
	WL_LIST,
	WL_UPDATE,
	WL_CREATE,
	WL_MIXED,
	WL_SYNC_INITIAL,
	WL_FANOUT,
	WL_IDLE,
} workload_kind_t;

typedef struct bench_cfg {
	workload_kind_t kind;
	const char *workload;   /* its name */
	net_opts_t net;         /* login/password for the control connection */
	unsigned clients;       /* connections (fanout: subscribers) */
	unsigned threads;       /* event loops */
	unsigned depth;         /* requests in flight per connection */
	double duration_s;      /* measured time (idle: holding time) */
	double warmup_s;        /* unmeasured time before it */
	uint64_t requests;      /* total operations instead of a duration; 0 = by duration */
	double rate;            /* operations/s over all clients (open loop); 0 = closed loop */
	double read_fraction;   /* mixed: share of gets */
	unsigned payload;       /* bytes of the description written by update/create */
	unsigned page_size;     /* list and sync-initial pages */
	int mutation_ids;       /* changes carry client mutation ids (as libquartier's outbox does) */
	int json;
	uint64_t seed;
	/* fanout */
	unsigned writes;        /* changes the writer makes */
	unsigned interval_ms;   /* between them */
	int scope_project;      /* subscribers follow the written project, not everything */
	double drain_s;         /* how long to wait for the last push */
	int64_t project_id;     /* the project written; 0 = the first one */
	/* idle */
	long server_pid;        /* whose VmRSS to read */
	double settle_s;        /* wait after the connections are up before reading it */
} bench_cfg_t;

/* The part of the registry the workloads address, read over the control
 * connection before the run. */
typedef struct bench_data {
	int64_t *ids;           /* project ids, ascending */
	int64_t *versions;      /* their versions; updated atomically by the workers */
	size_t n;
	int64_t *quarters;      /* quarter ids (create) */
	size_t n_quarters;
	int64_t *offices;       /* office ids (create) */
	size_t n_offices;
	char cursor_epoch[40];  /* fanout: the feed position subscribers start at */
	uint64_t cursor_xid, cursor_seq;
	int64_t fanout_project; /* fanout: the project written */
} bench_data_t;

/* One fanout receipt: a subscriber saw versions (prev, version] of the
 * written project at t_recv. */
typedef struct fan_sample {
	int64_t prev, version;
	uint64_t t_recv;        /* ns */
} fan_sample_t;

typedef struct bench bench_t;

typedef struct worker {
	bench_t *b;             /* borrowed */
	unsigned index;
	pthread_t thread;
	net_loop_t loop;
	net_opts_t net;         /* copy with the token */
	unsigned first_client;  /* global index of its first connection */
	uint64_t rng;
	stats_t lat;            /* measured latencies */
	/* counters (measured window) */
	uint64_t ok, errors, conflicts, reads, writes, records;
	uint64_t ok_total;      /* including warm-up, for the request budget */
	uint64_t last_done_ns;
	/* open loop */
	double rate;            /* this worker's share, ops/s */
	uint64_t next_k;        /* next scheduled operation to issue */
	unsigned rr;            /* round robin over connections */
	/* fanout */
	fan_sample_t *fan;      /* owned */
	size_t n_fan, cap_fan;
	uint64_t overflows, events;
	unsigned subscribed, complete;
	int64_t final_seen;     /* fan_final at this worker's last full check */
	/* idle */
	unsigned pongs;
	char first_error[256];
	int failed_setup;
} worker_t;

struct bench {
	const bench_cfg_t *cfg;   /* borrowed */
	bench_data_t *data;       /* borrowed */
	SSL_CTX *ctx;             /* borrowed */
	worker_t *workers;        /* owned, cfg->threads entries */
	char instance[48];        /* client instance id prefix, unique per run */
	/* run control, written by the main thread, read by the workers */
	volatile int go;          /* start sending */
	volatile int stop;        /* stop sending, drain */
	volatile int quit;        /* leave the loop (idle, fanout) */
	volatile int ping;        /* idle: ping every connection now */
	uint64_t t_go;            /* ns: load starts */
	uint64_t t_start, t_end;  /* ns: the measured window */
	uint64_t issued;          /* operations started (atomic), for cfg->requests */
	/* fanout, published by the main thread */
	volatile int64_t fan_final; /* version after the last write; 0 until then */
	unsigned ready_threads;   /* atomic */
};

/* Runs the workers' threads for the workload; returns once they are
 * started.  Returns 0 or -1 (message in err). */
int workload_start(bench_t *b, char *err, size_t err_len);

/* Waits for every worker thread to end. */
void workload_join(bench_t *b);

/* Frees the workers (after workload_join). */
void workload_free(bench_t *b);

/* Connections logged in over all workers (a snapshot while they run). */
unsigned workload_ready(const bench_t *b);

/* A description text of len bytes for changes (printable ASCII, varies with n). */
void workload_payload(char *out, size_t len, uint64_t n);

#endif
