/* Crash tests with real processes: quartierd killed with SIGKILL again and
 * again while eight clients write through their outboxes (libquartier's
 * durable queue of changes with client mutation ids), and PostgreSQL
 * stopped with `pg_ctl stop -m immediate` under writes and started again.
 * Every client keeps a history of its writes -- acknowledged, or queued
 * because the answer never came -- and at the end, after the outboxes have
 * been replayed, the database must hold each of them exactly once (project
 * names and fund bookings, whose sum is checked against the ledger too),
 * and nothing else.  While PostgreSQL is down no write may be
 * acknowledged, every answer must be a retryable STATUS_UNAVAILABLE, and
 * the server must serve again within 2 s of the database's return without
 * a restart.
 *
 * The ctest version kills the server 6 times and stops PostgreSQL 3 times;
 * QT_SOAK=1 (deploy/soak.sh) makes it 20 and 10, QT_CRASH_KILLS and
 * QT_CRASH_PG_CYCLES set them directly.  Each test prints a
 * `check <name> <figures> PASS|FAIL` line. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hostile_util.h"

TestSuite(crash, .fini = harness_fini, .timeout = 1800);

#define NWRITERS_MAX 8

/* ------------------------------------------------------------ histories */

typedef enum {
	W_PROJECT, /* project_create, name crash-w<i>-<seq> */
	W_BOOKING, /* fund_entry_add, an allocation of 1 cent, note crash-w<i>-<seq> */
} write_kind_t;

typedef enum {
	OUT_ACKED,  /* the server answered OK */
	OUT_QUEUED, /* no verdict (connection lost, database down): left in the outbox */
	OUT_BAD,    /* a verdict other than OK: a refusal the test does not expect */
} outcome_t;

typedef struct write_rec {
	uint32_t seq;
	write_kind_t kind;
	outcome_t outcome;
	qt_status_t status;
	int retryable;
	uint64_t sent_us, answered_us;
} write_rec_t;

typedef struct writer {
	int index;
	pthread_t thread;
	char store_path[PATH_MAX];
	char instance[64];
	int64_t fund_id;
	volatile int stop;
	/* history, appended by the thread; others read it under lock */
	pthread_mutex_t lock;
	write_rec_t *h;
	size_t n, cap;
	unsigned reconnects;
	char token[64];   /* session of the first login; reconnects resume it */
	unsigned drained; /* 1 once the outbox was replayed to the end */
	char bad[256];    /* the first unexpected event */
} writer_t;

/* The port of the running server; writers read it for every connect
 * (a restarted server listens on a new one). */
static volatile uint16_t g_port;

static void history_add(writer_t *w, const write_rec_t *r)
{
	pthread_mutex_lock(&w->lock);
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		write_rec_t *p = realloc(w->h, cap * sizeof(*p));
		if (p == NULL)
			abort();
		w->h = p;
		w->cap = cap;
	}
	w->h[w->n++] = *r;
	pthread_mutex_unlock(&w->lock);
}

static void write_name(char *buf, size_t len, int writer, uint32_t seq)
{
	snprintf(buf, len, "crash-w%d-%u", writer, seq);
}

/* ------------------------------------------------------------ a writer */

static qt_client_t *writer_connect(writer_t *w, qt_store_t *s)
{
	qt_connect_opts_t o;
	qt_client_t *c = NULL;

	harness_opts(&H, &o);
	o.port = __atomic_load_n(&g_port, __ATOMIC_SEQ_CST);
	o.instance_id = w->instance;
	o.timeout_ms = 10000;
	if (qt_client_connect(&o, &c, NULL, 0) != QT_OK)
		return NULL;
	/* The session outlives the server process: a reconnect resumes it
	 * instead of paying for a password hash. */
	if (w->token[0] != '\0') {
		if (qt_resume(c, w->token, NULL) != QT_OK) {
			qt_client_free(c);
			return NULL;
		}
	} else {
		char *token = NULL;
		if (qt_login(c, "admin", HARNESS_PASSWORD, &token, NULL) != QT_OK) {
			qt_client_free(c);
			return NULL;
		}
		snprintf(w->token, sizeof(w->token), "%s", token);
		free(token);
	}
	qt_client_set_store(c, s);
	w->reconnects++;
	return c;
}

/* One write through the outbox; records it.  Returns 0 if the connection
 * should be dropped (the outcome was left open). */
static int writer_write(writer_t *w, qt_client_t *c, uint32_t seq)
{
	write_rec_t r;
	char name[64];
	qt_status_t st;
	const qt_error_t *e;

	memset(&r, 0, sizeof(r));
	r.seq = seq;
	r.kind = seq % 2 == 0 ? W_PROJECT : W_BOOKING;
	write_name(name, sizeof(name), w->index, seq);
	r.sent_us = mono_us();
	if (r.kind == W_PROJECT) {
		int64_t qo[2];
		qt_project_new_t in;
		qt_project_t p;
		harness_project_in(&H, &in, name, qo);
		st = qt_project_create(c, &in, &p);
		if (st == QT_OK)
			qt_project_clear(&p);
	} else {
		qt_fund_entry_new_t in;
		memset(&in, 0, sizeof(in));
		in.fund_id = w->fund_id;
		in.kind = QT_FUND_ALLOCATION;
		in.amount_cents = 1;
		in.note = name;
		st = qt_fund_entry_add(c, &in, NULL);
	}
	r.answered_us = mono_us();
	e = qt_client_last_error(c);
	r.status = st;
	r.retryable = e->retryable;
	if (st == QT_OK)
		r.outcome = OUT_ACKED;
	else if (qt_client_queued(c) != 0)
		r.outcome = OUT_QUEUED;
	else
		r.outcome = OUT_BAD;
	if (r.outcome == OUT_BAD && w->bad[0] == '\0')
		snprintf(w->bad, sizeof(w->bad), "write %s refused: %s: %s", name,
		         qt_status_name(st), e->message != NULL ? e->message : "");
	history_add(w, &r);
	/* A connection that no longer answers a ping is dropped; one whose
	 * server answered (its database is down) is kept. */
	return st == QT_OK || qt_ping(c) == QT_OK;
}

static void *writer_main(void *arg)
{
	writer_t *w = arg;
	qt_store_t *s = NULL;
	qt_client_t *c = NULL;
	char err[256];
	uint32_t seq = 0;

	if (qt_store_open(w->store_path, 1, w->instance, &s, err, sizeof(err)) != QT_OK) {
		snprintf(w->bad, sizeof(w->bad), "store: %.200s", err);
		return NULL;
	}
	while (!w->stop) {
		if (c == NULL) {
			c = writer_connect(w, s);
			if (c == NULL) {
				harness_sleep_ms(20);
				continue;
			}
			/* What an earlier connection left open goes first. */
			if (qt_outbox_replay(c, s, NULL) != QT_OK &&
			    qt_client_last_error(c)->status != QT_UNAVAILABLE) {
				qt_client_free(c);
				c = NULL;
				continue;
			}
		}
		{
			size_t before = w->n;
			if (!writer_write(w, c, ++seq)) {
				qt_client_free(c);
				c = NULL;
			} else if (w->n > before && w->h[w->n - 1].outcome != OUT_ACKED) {
				harness_sleep_ms(20); /* the database is down: do not spin */
			}
		}
	}
	/* Drain: replay until nothing is queued (the server is up now). */
	for (int attempt = 0; attempt < 600 && !w->drained; attempt++) {
		qt_store_info_t info;
		if (c == NULL)
			c = writer_connect(w, s);
		if (c != NULL && qt_outbox_replay(c, s, NULL) == QT_OK &&
		    qt_store_info(s, &info) == QT_OK) {
			w->drained = info.outbox_queued == 0;
			if (info.outbox_conflicted + info.outbox_failed > 0 && w->bad[0] == '\0')
				snprintf(w->bad, sizeof(w->bad),
				         "%llu conflicted, %llu failed in the outbox",
				         (unsigned long long)info.outbox_conflicted,
				         (unsigned long long)info.outbox_failed);
			qt_store_info_clear(&info);
		} else if (c != NULL) {
			qt_client_free(c);
			c = NULL;
		}
		if (!w->drained)
			harness_sleep_ms(100);
	}
	qt_client_free(c);
	qt_store_close(s);
	return NULL;
}

static void writers_start(writer_t *ws, int n, int64_t fund, const char *tag)
{
	for (int i = 0; i < n; i++) {
		writer_t *w = &ws[i];
		memset(w, 0, sizeof(*w));
		pthread_mutex_init(&w->lock, NULL);
		w->index = i;
		w->fund_id = fund;
		snprintf(w->instance, sizeof(w->instance), "%s-writer-%d", tag, i);
		snprintf(w->store_path, sizeof(w->store_path), "%s/%s-%d.db", H.dir, tag, i);
		cr_assert_eq(pthread_create(&w->thread, NULL, writer_main, w), 0);
	}
}

static void writers_stop(writer_t *ws, int n)
{
	for (int i = 0; i < n; i++)
		ws[i].stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(ws[i].thread, NULL);
}

/* ------------------------------------------------------------ verification */

typedef struct tally {
	size_t writes, acked, queued, bad;
	size_t lost, dup, phantom;
	long long booked_cents, ledger_cents;
	char first[256]; /* the first lost or duplicated write */
} tally_t;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Counts, per name, the rows of sql (one text column) into a sorted list
 * of "name" strings (repeated for duplicates). */
static char **db_names(const char *sql, size_t *n)
{
	PGresult *res = PQexec(harness_pg(&H), sql);
	char **v;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
	*n = (size_t)PQntuples(res);
	v = calloc(*n + 1, sizeof(*v));
	cr_assert_not_null(v);
	for (size_t i = 0; i < *n; i++)
		v[i] = strdup(PQgetvalue(res, (int)i, 0));
	PQclear(res);
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static size_t count_in(char **v, size_t n, const char *name)
{
	size_t lo = 0, hi = n, c = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(v[mid], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + c < n && strcmp(v[lo + c], name) == 0)
		c++;
	return c;
}

/* Every write in every history exactly once in the database, and no row
 * that no history has. */
static void verify(writer_t *ws, int n, int64_t fund, tally_t *t)
{
	size_t np, nb;
	char **projects = db_names("SELECT name FROM project WHERE name LIKE 'crash-w%'", &np);
	char **bookings = db_names("SELECT note FROM fund_entry WHERE note LIKE 'crash-w%'", &nb);
	char name[64], fund_text[32];

	memset(t, 0, sizeof(*t));
	for (int i = 0; i < n; i++) {
		writer_t *w = &ws[i];
		for (size_t k = 0; k < w->n; k++) {
			const write_rec_t *r = &w->h[k];
			size_t c;
			t->writes++;
			t->acked += r->outcome == OUT_ACKED;
			t->queued += r->outcome == OUT_QUEUED;
			t->bad += r->outcome == OUT_BAD;
			if (r->outcome == OUT_BAD)
				continue;
			write_name(name, sizeof(name), i, r->seq);
			c = count_in(r->kind == W_PROJECT ? projects : bookings,
			             r->kind == W_PROJECT ? np : nb, name);
			if (r->kind == W_BOOKING)
				t->booked_cents++;
			if (c == 0)
				t->lost++;
			if (c > 1)
				t->dup++;
			if (c != 1 && t->first[0] == '\0')
				snprintf(t->first, sizeof(t->first),
				         "%s (%s, %s) is there %zu times", name,
				         r->outcome == OUT_ACKED ? "acknowledged" : "queued",
				         r->kind == W_PROJECT ? "project" : "booking", c);
		}
	}
	/* Rows nobody wrote: everything found minus everything expected. */
	t->phantom = np + nb - (t->writes - t->bad - t->lost) - t->dup;
	snprintf(fund_text, sizeof(fund_text), "%lld", (long long)fund);
	t->ledger_cents = harness_sql_int(&H,
	                                  "SELECT coalesce(sum(amount_cents), 0) FROM fund_entry "
	                                  "WHERE fund_id = $1 AND note LIKE "
	                                  "'crash-w%'",
	                                  1, fund_text, NULL, NULL);
	for (size_t i = 0; i < np; i++)
		free(projects[i]);
	for (size_t i = 0; i < nb; i++)
		free(bookings[i]);
	free(projects);
	free(bookings);
}

static void expect_clean(writer_t *ws, int n, const tally_t *t)
{
	for (int i = 0; i < n; i++) {
		cr_expect_str_empty(ws[i].bad, "writer %d: %s", i, ws[i].bad);
		cr_expect(ws[i].drained, "writer %d: its outbox did not drain", i);
	}
	cr_expect_eq(t->lost, 0, "%zu writes lost; first: %s", t->lost, t->first);
	cr_expect_eq(t->dup, 0, "%zu writes applied twice; first: %s", t->dup, t->first);
	cr_expect_eq(t->phantom, 0, "%zu rows no client wrote", t->phantom);
	cr_expect_eq(t->bad, 0, "%zu writes refused", t->bad);
	cr_expect_eq(t->ledger_cents, t->booked_cents,
	             "the ledger holds %lld cents, %lld were booked", t->ledger_cents,
	             t->booked_cents);
}

static int64_t make_fund(void)
{
	qt_client_t *c = harness_login(&H, "admin", HARNESS_PASSWORD);
	int64_t qo[2], id;
	qt_project_new_t in;
	qt_project_t p;
	qt_fund_t f;

	harness_project_in(&H, &in, "Absturz", qo);
	cr_assert_eq(qt_project_create(c, &in, &p), QT_OK, "%s", qt_client_last_error(c)->message);
	cr_assert_eq(qt_fund_create(c, p.id, 0, 2026, &f), QT_OK, "%s",
	             qt_client_last_error(c)->message);
	id = f.id;
	qt_fund_clear(&f);
	qt_project_clear(&p);
	qt_client_free(c);
	return id;
}


static unsigned rand_between(unsigned lo, unsigned hi)
{
	return lo + (unsigned)rand() % (hi - lo + 1);
}

/* ------------------------------------------------------------ kill -9 of the server */

Test(crash, server_killed_while_clients_write_through_outboxes)
{
	const unsigned kills = env_uint("QT_CRASH_KILLS", soak_mode() ? 20 : 6);
	const int nw = NWRITERS_MAX;
	writer_t ws[NWRITERS_MAX];
	int64_t fund;
	tally_t t;
	unsigned replayed;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	harness_standard(&H, NULL);
	fund = make_fund();
	__atomic_store_n(&g_port, H.port, __ATOMIC_SEQ_CST);
	writers_start(ws, nw, fund, "kill9");
	for (unsigned k = 0; k < kills; k++) {
		int status;

		harness_sleep_ms(rand_between(400, 1500));
		cr_assert_eq(kill(H.server_pid, SIGKILL), 0);
		cr_assert_eq(waitpid(H.server_pid, &status, 0), H.server_pid);
		cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		          "the server was not killed by the signal (status %d)", status);
		H.server_pid = 0;
		harness_sleep_ms(rand_between(0, 400));
		harness_server_start(&H, NULL);
		__atomic_store_n(&g_port, H.port, __ATOMIC_SEQ_CST);
	}
	harness_sleep_ms(1000);
	writers_stop(ws, nw);
	cr_assert(harness_server_alive(&H));

	verify(ws, nw, fund, &t);
	/* Queued writes the server had committed before it died: their
	 * replay was answered from the stored mutation id, not applied again. */
	replayed = harness_log_count(&H, "event=mutation_replayed");
	check_line("kill9-server",
	           t.lost == 0 && t.dup == 0 && t.phantom == 0 && t.bad == 0 &&
	               t.ledger_cents == t.booked_cents,
	           "kills=%u writers=%d writes=%zu acked=%zu queued=%zu replayed=%u lost=%zu "
	           "dup=%zu phantom=%zu",
	           kills, nw, t.writes, t.acked, t.queued, replayed, t.lost, t.dup, t.phantom);
	cr_log_info("kill -9: %u kills, %zu writes (%zu acknowledged, %zu left queued by a kill)",
	            kills, t.writes, t.acked, t.queued);
	for (int i = 0; i < nw; i++)
		cr_log_info("writer %d: %zu writes, %u connections", i, ws[i].n, ws[i].reconnects);
	expect_clean(ws, nw, &t);
	cr_expect_gt(t.queued, 0, "no kill interrupted a write: the test proved nothing");
	for (int i = 0; i < nw; i++)
		free(ws[i].h), pthread_mutex_destroy(&ws[i].lock);
	harness_finish(&H);
}

/* ------------------------------------------------------------ PostgreSQL stopped */

Test(crash, database_stopped_under_writes)
{
	const unsigned cycles = env_uint("QT_CRASH_PG_CYCLES", soak_mode() ? 10 : 3);
	const int nw = 4;
	writer_t ws[NWRITERS_MAX];
	int64_t fund;
	pid_t server;
	tally_t t;
	size_t acked_down = 0, not_unavailable = 0, unavailable = 0, hung = 0;
	uint64_t recovery_max_us = 0, down_from[32], down_to[32], up_at[32];
	char first_violation[256] = "";

	cr_assert_leq(cycles, 32);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	harness_begin(&H);
	harness_cluster_own(&H);
	harness_db_create(&H);
	harness_server_start(&H, "db_reconnect_ms = 200\n");
	harness_seed(&H);
	H.admin_id = harness_account(&H, "admin", "admin", 0, 0, HARNESS_PASSWORD);
	fund = make_fund();
	server = H.server_pid;
	/* The test's own connection must not be in the way of the stop. */
	PQfinish(H.db);
	H.db = NULL;
	__atomic_store_n(&g_port, H.port, __ATOMIC_SEQ_CST);
	writers_start(ws, nw, fund, "pgdown");

	for (unsigned k = 0; k < cycles; k++) {
		uint64_t deadline;
		int served = 0;

		harness_sleep_ms(rand_between(500, 1500));
		harness_cluster_stop(&H); /* pg_ctl stop -m immediate -w */
		down_from[k] = mono_us();
		harness_sleep_ms(rand_between(1000, 2500));
		down_to[k] = mono_us();
		harness_cluster_start(&H); /* waits until it accepts connections */
		up_at[k] = mono_us();
		cr_assert(harness_server_alive(&H) && H.server_pid == server,
		          "quartierd did not survive the database's absence");
		/* Served again: a write sent after the database came back is
		 * acknowledged, within 2 s. */
		deadline = up_at[k] + 10u * 1000000u;
		while (!served && mono_us() < deadline) {
			for (int i = 0; i < nw && !served; i++) {
				pthread_mutex_lock(&ws[i].lock);
				for (size_t j = ws[i].n; j-- > 0;) {
					const write_rec_t *r = &ws[i].h[j];
					if (r->sent_us < up_at[k])
						break;
					if (r->outcome == OUT_ACKED) {
						uint64_t rec = r->answered_us - up_at[k];
						served = 1;
						if (rec > recovery_max_us)
							recovery_max_us = rec;
						break;
					}
				}
				pthread_mutex_unlock(&ws[i].lock);
			}
			if (!served)
				harness_sleep_ms(10);
		}
		cr_expect(served,
		          "cycle %u: no write succeeded within 10 s of the database's return", k);
	}
	harness_sleep_ms(1000);
	writers_stop(ws, nw);
	cr_assert(harness_server_alive(&H) && H.server_pid == server);

	/* While the database was down (from the end of the stop to the start
	 * of the restart): nothing sent then was acknowledged, and every
	 * answer was a retryable UNAVAILABLE. */
	for (int i = 0; i < nw; i++) {
		for (size_t j = 0; j < ws[i].n; j++) {
			const write_rec_t *r = &ws[i].h[j];
			for (unsigned k = 0; k < cycles; k++) {
				if (r->sent_us < down_from[k] || r->answered_us > down_to[k])
					continue;
				if (r->outcome == OUT_ACKED) {
					acked_down++;
				} else if (r->status == QT_UNAVAILABLE && r->retryable) {
					unavailable++;
					continue;
				} else {
					not_unavailable++;
				}
				if (first_violation[0] == '\0')
					snprintf(first_violation, sizeof(first_violation),
					         "writer %d write %u: %s (retryable %d)", i, r->seq,
					         qt_status_name(r->status), r->retryable);
			}
		}
	}
	/* No write that overlapped an outage may hang: the client must hear
	 * UNAVAILABLE at once, not wait for the database to come back (or
	 * for its own timeout). */
	for (unsigned k = 0; k < cycles; k++) {
		size_t overlapped = 0;
		uint64_t longest = 0;
		for (int i = 0; i < nw; i++)
			for (size_t j = 0; j < ws[i].n; j++) {
				const write_rec_t *r = &ws[i].h[j];
				if (r->answered_us < down_from[k] || r->sent_us > down_to[k])
					continue;
				overlapped++;
				if (r->answered_us - r->sent_us > longest)
					longest = r->answered_us - r->sent_us;
				if (r->answered_us - r->sent_us > 2000000u) /* 2 s */
					hung++;
			}
		cr_log_info(
		    "outage %u: %llu ms, %zu writes overlapped it, the longest took %llu ms", k,
		    (unsigned long long)((down_to[k] - down_from[k]) / 1000u), overlapped,
		    (unsigned long long)(longest / 1000u));
	}
	verify(ws, nw, fund, &t);
	check_line("pg-crash",
	           t.lost == 0 && t.dup == 0 && t.phantom == 0 && acked_down == 0 &&
	               not_unavailable == 0 && hung == 0 && recovery_max_us <= 2000000u &&
	               t.ledger_cents == t.booked_cents,
	           "cycles=%u writes=%zu acked=%zu unavailable_while_down=%zu acked_while_down=%zu "
	           "other_errors=%zu hung=%zu recovery_max_ms=%llu lost=%zu dup=%zu",
	           cycles, t.writes, t.acked, unavailable, acked_down, not_unavailable, hung,
	           (unsigned long long)(recovery_max_us / 1000u), t.lost, t.dup);
	cr_expect_eq(acked_down, 0, "%zu writes acknowledged while the database was down (%s)",
	             acked_down, first_violation);
	cr_expect_eq(not_unavailable, 0,
	             "%zu answers while down were not a retryable UNAVAILABLE (%s)",
	             not_unavailable, first_violation);
	cr_expect_eq(hung, 0,
	             "%zu writes waited over 2 s for an answer during an outage instead of getting "
	             "UNAVAILABLE at once (a pool connection the outage left unwatched?)",
	             hung);
	cr_expect_gt(unavailable, 0, "no write was tried while the database was down");
	cr_expect_leq(recovery_max_us, 2000000u, "the server took %llu ms to serve again",
	              (unsigned long long)(recovery_max_us / 1000u));
	expect_clean(ws, nw, &t);
	for (int i = 0; i < nw; i++)
		free(ws[i].h), pthread_mutex_destroy(&ws[i].lock);
	harness_finish(&H);
}
