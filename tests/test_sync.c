/* The change feed against a real PostgreSQL and real quartierd processes,
 * spoken through the raw protocol: no change is skipped while writers
 * commit out of order, mutation answers carry their feed position and a
 * replayed mutation is applied once, stale cursors get resync, a change
 * through one instance is pushed to a subscriber of another, losing
 * permission yields tombstones and drops contact data, a slow subscriber
 * is cut off with overflow instead of growing the server, records are
 * rendered as their get requests answer, a snapshot's memberships carry
 * the persons it rendered and a pull brings later changes to them, and
 * two snapshots pipelined on one connection both render correctly. */
#define _GNU_SOURCE /* memmem */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

TestSuite(sync, .fini = harness_fini, .timeout = 600);

/* ------------------------------------------------------------ a raw sync client */

typedef struct rec {
	int type;
	int64_t id;
	uint8_t *body;
	size_t len;
} rec_t;

typedef struct replica {
	rec_t *recs;
	size_t n, cap;
	char epoch[64];
	uint64_t xid, seq;
	int have_cursor;
} replica_t;

typedef struct sc {
	raw_conn_t raw;
	uint64_t next_id;
	replica_t rep;
	unsigned events, overflows;
} sc_t;

static rec_t *rep_find(replica_t *r, int type, int64_t id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->recs[i].type == type && r->recs[i].id == id)
			return &r->recs[i];
	return NULL;
}

static void rep_apply(replica_t *r, const Quartier__V1__Record *w)
{
	rec_t *x = rep_find(r, (int)w->type, w->id);

	if (w->has_deleted && w->deleted) {
		if (x != NULL) {
			free(x->body);
			*x = r->recs[--r->n];
		}
		return;
	}
	if (x == NULL) {
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 64;
			r->recs = realloc(r->recs, r->cap * sizeof(*r->recs));
			cr_assert(r->recs != NULL);
		}
		x = &r->recs[r->n++];
		x->type = (int)w->type;
		x->id = w->id;
	} else {
		free(x->body);
	}
	x->len = w->body.len;
	x->body = malloc(x->len + 1);
	memcpy(x->body, w->body.data, x->len);
}

static size_t rep_count(const replica_t *r, int type)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->recs[i].type == type;
	return n;
}

static void rep_cursor(replica_t *r, const Quartier__V1__Cursor *c)
{
	cr_assert(c != NULL, "an answer without cursor");
	snprintf(r->epoch, sizeof(r->epoch), "%s", c->epoch);
	r->xid = c->xid;
	r->seq = c->seq;
	r->have_cursor = 1;
}

static void rep_free(replica_t *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->recs[i].body);
	free(r->recs);
	memset(r, 0, sizeof(*r));
}

static void sc_handle_event(sc_t *c, const Quartier__V1__Event *ev)
{
	c->events++;
	if (ev->has_overflow && ev->overflow) {
		c->overflows++;
		return;
	}
	if (ev->changes != NULL && !ev->changes->resync) {
		for (size_t i = 0; i < ev->changes->n_records; i++)
			rep_apply(&c->rep, ev->changes->records[i]);
		rep_cursor(&c->rep, ev->changes->cursor);
	}
}

/* Sends rq and returns the answer (events on the way are applied). */
static qt_envelope_t *sc_call(sc_t *c, Quartier__V1__Request *rq)
{
	Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;

	rq->id = ++c->next_id;
	env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
	env.request = rq;
	cr_assert_eq(raw_send(&c->raw, &env), 0, "send failed");
	for (;;) {
		qt_envelope_t *in = NULL;
		int rc = raw_recv(&c->raw, 30000, &in);

		cr_assert_eq(rc, 1, "no answer (raw_recv %d)", rc);
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_RESPONSE && in->response->id == rq->id)
			return in;
		if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_EVENT)
			sc_handle_event(c, in->event);
		envelope_free(in);
	}
}

static int sc_status(const qt_envelope_t *in)
{
	return in->response->error != NULL ? (int)in->response->error->status : 0;
}

static void sc_open(harness_t *h, sc_t *c, const char *login)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest lg = QUARTIER__V1__LOGIN_REQUEST__INIT;
	qt_envelope_t *in;

	memset(c, 0, sizeof(*c));
	raw_open(h, &c->raw);
	raw_hello(&c->raw);
	lg.login = (char *)login;
	lg.password = HARNESS_PASSWORD;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	rq.login = &lg;
	in = sc_call(c, &rq);
	cr_assert_eq(sc_status(in), 0, "login as %s failed: %d %s", login, sc_status(in),
	             in->response->error != NULL ? in->response->error->message : "");
	envelope_free(in);
}

static void sc_close(sc_t *c)
{
	raw_close(&c->raw);
	rep_free(&c->rep);
}

/* Where a snapshot in pages stands. */
typedef struct snap {
	uint32_t limit;
	int started, done;
	Quartier__V1__RecordType after_type;
	int64_t after_id;
	/* the request of the next page (snap_request()) */
	Quartier__V1__Request rq;
	Quartier__V1__SyncSnapshotRequest body;
	Quartier__V1__Cursor cur;
} snap_t;

/* Fills sn->rq with the request for the next page of sn into rep; its id
 * is set by whoever sends it. */
static void snap_request(snap_t *sn, replica_t *rep)
{
	quartier__v1__request__init(&sn->rq);
	quartier__v1__sync_snapshot_request__init(&sn->body);
	quartier__v1__cursor__init(&sn->cur);
	sn->rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_SNAPSHOT;
	sn->rq.sync_snapshot = &sn->body;
	sn->body.has_limit = 1;
	sn->body.limit = sn->limit;
	if (sn->started) {
		sn->cur.epoch = rep->epoch;
		sn->cur.xid = rep->xid;
		sn->cur.seq = rep->seq;
		sn->body.cursor = &sn->cur;
		sn->body.has_after_type = sn->body.has_after_id = 1;
		sn->body.after_type = sn->after_type;
		sn->body.after_id = sn->after_id;
	}
}

/* Applies the answer in (freed here) to a page of sn to rep. */
static void snap_apply(snap_t *sn, replica_t *rep, qt_envelope_t *in)
{
	Quartier__V1__SyncSnapshotPage *pg;

	cr_assert_eq(sc_status(in), 0, "snapshot: %s",
	             in->response->error ? in->response->error->message : "");
	pg = in->response->sync_snapshot;
	for (size_t i = 0; i < pg->n_records; i++)
		rep_apply(rep, pg->records[i]);
	rep_cursor(rep, pg->cursor);
	sn->started = 1;
	sn->done = !pg->more;
	sn->after_type = pg->next_type;
	sn->after_id = pg->next_id;
	envelope_free(in);
}

/* The next page of the snapshot sn into rep, over c. */
static void sc_snapshot_page(sc_t *c, replica_t *rep, snap_t *sn)
{
	snap_request(sn, rep);
	snap_apply(sn, rep, sc_call(c, &sn->rq));
}

static void sc_snapshot_pages(sc_t *c, uint32_t limit);

static void sc_snapshot(sc_t *c)
{
	sc_snapshot_pages(c, 7); /* many pages */
}

/* A snapshot in pages of up to limit records, into c's replica. */
static void sc_snapshot_pages(sc_t *c, uint32_t limit)
{
	snap_t sn = {.limit = limit};

	rep_free(&c->rep);
	while (!sn.done)
		sc_snapshot_page(c, &c->rep, &sn);
}

/* One pull; returns the answer (caller frees). */
static qt_envelope_t *sc_pull_once(sc_t *c, uint32_t limit)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncPullRequest pl = QUARTIER__V1__SYNC_PULL_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;

	cur.epoch = c->rep.epoch;
	cur.xid = c->rep.xid;
	cur.seq = c->rep.seq;
	pl.cursor = &cur;
	pl.has_limit = 1;
	pl.limit = limit;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_PULL;
	rq.sync_pull = &pl;
	return sc_call(c, &rq);
}

/* The id the next transaction of the cluster will get: every change made
 * so far has a smaller one. */
static uint64_t next_xid(harness_t *h)
{
	return (uint64_t)harness_sql_int(h, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint",
	                                 0, NULL, NULL, NULL);
}

/* Waits until the oldest running transaction of the cluster is at least
 * xid: the feed serves everything written before.  (Tests of other suites
 * share the cluster and hold the horizon back for a moment.) */
static void wait_horizon(harness_t *h, uint64_t xid)
{
	for (int i = 0; i < 2000; i++) {
		if ((uint64_t)harness_sql_int(h,
		                              "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
		                              0, NULL, NULL, NULL) >= xid)
			return;
		harness_sleep_ms(5);
	}
	cr_assert_fail("the transaction horizon did not pass %" PRIu64 " within 10 s", xid);
}

static size_t sc_pull(sc_t *c);

/* Pulls until the replica's cursor has passed every change made so far. */
static size_t sc_pull_caught_up(harness_t *h, sc_t *c)
{
	uint64_t target = next_xid(h);
	size_t n = 0;

	for (int i = 0; i < 2000; i++) {
		n += sc_pull(c);
		if (c->rep.xid >= target)
			return n;
		harness_sleep_ms(5);
	}
	cr_assert_fail("the feed did not reach %" PRIu64 " within 10 s (cursor %" PRIu64 ")", target,
	               c->rep.xid);
	return n;
}

/* Pulls until the feed has nothing more; returns the records applied. */
static size_t sc_pull(sc_t *c)
{
	size_t applied = 0;

	for (;;) {
		qt_envelope_t *in = sc_pull_once(c, 5);
		Quartier__V1__SyncChanges *ch;

		cr_assert_eq(sc_status(in), 0, "pull: %s",
		             in->response->error ? in->response->error->message : "");
		ch = in->response->sync_changes;
		cr_assert(!ch->resync, "unexpected resync: %s", ch->reason ? ch->reason : "");
		for (size_t i = 0; i < ch->n_records; i++)
			rep_apply(&c->rep, ch->records[i]);
		applied += ch->n_records;
		rep_cursor(&c->rep, ch->cursor);
		if (!ch->more) {
			envelope_free(in);
			return applied;
		}
		envelope_free(in);
	}
}

/* ------------------------------------------------------------ fixtures */

static int64_t mk_project(harness_t *h, const char *name)
{
	char sql[512];
	int64_t id;

	snprintf(sql, sizeof(sql),
	         "WITH p AS (INSERT INTO project (name, kind) VALUES ('%s', 'focused') RETURNING id), "
	         "q AS (INSERT INTO project_quarter SELECT id, %" PRId64 " FROM p), "
	         "o AS (INSERT INTO project_lead_office SELECT id, %" PRId64 " FROM p) "
	         "SELECT id FROM p",
	         name, h->seed.quarter_heslach, h->seed.office_planning);
	id = harness_sql_int(h, sql, 0, NULL, NULL, NULL);
	return id;
}

/* The projects' (id, version, description) in the database must equal
 * those in the replica, record for record. */
static void expect_projects_equal(harness_t *h, replica_t *rep, int round)
{
	PGresult *res = PQexec(harness_pg(h), "SELECT id, version, description FROM project ORDER BY id");
	size_t in_replica = 0;
	int n;

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	n = PQntuples(res);
	for (size_t i = 0; i < rep->n; i++)
		if (rep->recs[i].type == QUARTIER__V1__RECORD_TYPE__RECORD_PROJECT)
			in_replica++;
	cr_assert_eq(in_replica, (size_t)n, "round %d: %zu projects in the replica, %d in the database",
	             round, in_replica, n);
	for (int i = 0; i < n; i++) {
		int64_t id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		int64_t version = strtoll(PQgetvalue(res, i, 1), NULL, 10);
		rec_t *x = rep_find(rep, QUARTIER__V1__RECORD_TYPE__RECORD_PROJECT, id);
		Quartier__V1__Project *p;

		cr_assert(x != NULL, "round %d: project %" PRId64 " missing from the replica", round, id);
		p = quartier__v1__project__unpack(NULL, x->len, x->body);
		cr_assert(p != NULL);
		cr_assert_eq(p->version, version,
		             "round %d: project %" PRId64 " at version %" PRId64 " in the replica, %" PRId64
		             " in the database",
		             round, id, p->version, version);
		cr_assert_str_eq(p->description ? p->description : "", PQgetvalue(res, i, 2));
		quartier__v1__project__free_unpacked(p, NULL);
	}
	PQclear(res);
}

/* ------------------------------------------------------------ writers */

typedef struct writer {
	harness_t *h;
	int64_t *projects;
	size_t n_projects;
	unsigned seed;
	int round;
	int txns;
	int failed;
} writer_t;

/* Each transaction updates one project (or creates one), then sleeps a
 * random 0-15 ms before committing: commits come out of order with
 * respect to the order the changes were written in. */
static void *writer_run(void *arg)
{
	writer_t *w = arg;
	PGconn *db = PQconnectdb(w->h->conninfo);

	if (PQstatus(db) != CONNECTION_OK) {
		w->failed = 1;
		PQfinish(db);
		return NULL;
	}
	for (int t = 0; t < w->txns; t++) {
		char sql[512];
		int64_t p = w->projects[(size_t)rand_r(&w->seed) % w->n_projects];
		unsigned ms = (unsigned)rand_r(&w->seed) % 16;
		PGresult *res;

		if (rand_r(&w->seed) % 10 == 0)
			snprintf(sql, sizeof(sql),
			         "BEGIN; WITH p AS (INSERT INTO project (name, kind, description) "
			         "VALUES ('new r%d', 'focused', 'created') RETURNING id), "
			         "q AS (INSERT INTO project_quarter SELECT id, %" PRId64 " FROM p) "
			         "INSERT INTO project_lead_office SELECT id, %" PRId64 " FROM p; "
			         "SELECT pg_sleep(%u / 1000.0); COMMIT",
			         w->round, w->h->seed.quarter_heslach, w->h->seed.office_planning, ms);
		else
			snprintf(sql, sizeof(sql),
			         "BEGIN; UPDATE project SET version = version + 1, "
			         "description = 'r%d t%d' WHERE id = %" PRId64 "; "
			         "SELECT pg_sleep(%u / 1000.0); COMMIT",
			         w->round, t, p, ms);
		res = PQexec(db, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
			w->failed = 1;
		PQclear(res);
	}
	PQfinish(db);
	return NULL;
}

/* ------------------------------------------------------------ tests */

Test(sync, no_change_is_skipped_while_writers_commit_out_of_order)
{
	harness_t *h = &H;
	int64_t projects[12];
	sc_t c;
	size_t pulled = 0;

	harness_standard(h, NULL);
	for (size_t i = 0; i < 12; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Projekt %zu", i);
		projects[i] = mk_project(h, name);
	}
	sc_open(h, &c, "admin");
	sc_snapshot(&c);
	expect_projects_equal(h, &c.rep, 0);
	for (int round = 1; round <= 50; round++) {
		pthread_t th[8];
		writer_t w[8];

		for (int i = 0; i < 8; i++) {
			w[i] = (writer_t){h, projects, 12, (unsigned)(round * 97 + i), round, 4, 0};
			cr_assert_eq(pthread_create(&th[i], NULL, writer_run, &w[i]), 0);
		}
		/* The client syncs continuously while they write. */
		for (int k = 0; k < 6; k++) {
			pulled += sc_pull(&c);
			harness_sleep_ms(3);
		}
		for (int i = 0; i < 8; i++) {
			pthread_join(th[i], NULL);
			cr_assert_eq(w[i].failed, 0, "writer %d failed", i);
		}
		pulled += sc_pull_caught_up(h, &c);
		expect_projects_equal(h, &c.rep, round);
	}
	cr_log_info("50 rounds of 8 writers x 4 transactions: %zu records pulled, replica equal each round",
	            pulled);
	sc_close(&c);
	harness_finish(h);
}

Test(sync, snapshot_taken_during_writes_continues_without_gaps)
{
	harness_t *h = &H;
	int64_t projects[6];
	sc_t c;

	harness_standard(h, NULL);
	for (size_t i = 0; i < 6; i++)
		projects[i] = mk_project(h, "Projekt");
	sc_open(h, &c, "admin");
	for (int round = 1; round <= 10; round++) {
		pthread_t th[8];
		writer_t w[8];

		for (int i = 0; i < 8; i++) {
			w[i] = (writer_t){h, projects, 6, (unsigned)(round * 31 + i), round, 5, 0};
			cr_assert_eq(pthread_create(&th[i], NULL, writer_run, &w[i]), 0);
		}
		sc_snapshot(&c); /* a fresh replica while they write */
		for (int i = 0; i < 8; i++)
			pthread_join(th[i], NULL);
		sc_pull_caught_up(h, &c);
		expect_projects_equal(h, &c.rep, round);
	}
	sc_close(&c);
	harness_finish(h);
}

Test(sync, bad_requests_name_the_field)
{
	harness_t *h = &H;
	sc_t c;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncPullRequest pl = QUARTIER__V1__SYNC_PULL_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;
	qt_envelope_t *in;

	harness_standard(h, NULL);
	sc_open(h, &c, "admin");
	sc_snapshot(&c);
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_PULL;
	rq.sync_pull = &pl;
	cur.epoch = "";
	pl.cursor = &cur;
	in = sc_call(&c, &rq);
	cr_assert_eq(sc_status(in), QUARTIER__V1__STATUS__STATUS_INVALID_ARGUMENT);
	cr_assert(harness_field_is(in->response->error->field, "cursor"));
	envelope_free(in);

	cur.epoch = c.rep.epoch;
	pl.has_limit = 1;
	pl.limit = 5000;
	in = sc_call(&c, &rq);
	cr_assert_eq(sc_status(in), QUARTIER__V1__STATUS__STATUS_INVALID_ARGUMENT);
	cr_assert(harness_field_is(in->response->error->field, "limit"));
	envelope_free(in);

	pl.limit = 10;
	scope.has_kind = 1;
	scope.kind = QUARTIER__V1__SCOPE_KIND__SCOPE_PROJECT;
	pl.scope = &scope;
	in = sc_call(&c, &rq);
	cr_assert_eq(sc_status(in), QUARTIER__V1__STATUS__STATUS_INVALID_ARGUMENT);
	cr_assert(harness_field_is(in->response->error->field, "scope.id"));
	envelope_free(in);
	sc_close(&c);
	harness_finish(h);
}

Test(sync, stale_or_foreign_cursor_gets_resync)
{
	harness_t *h = &H;
	sc_t c;
	qt_envelope_t *in;

	harness_standard(h, NULL);
	sc_open(h, &c, "admin");
	sc_snapshot(&c);
	/* A cursor of another database. */
	snprintf(c.rep.epoch, sizeof(c.rep.epoch), "0123456789abcdef");
	in = sc_pull_once(&c, 10);
	cr_assert_eq(sc_status(in), 0);
	cr_assert(in->response->sync_changes->resync);
	cr_assert_eq(in->response->sync_changes->n_records, 0);
	envelope_free(in);

	/* A cursor older than what the feed keeps. */
	sc_snapshot(&c);
	mk_project(h, "nach dem Schnappschuss");
	wait_horizon(h, next_xid(h));
	harness_sql_exec(h, "UPDATE change_log SET changed_at = now() - interval '40 days'");
	harness_sql_exec(h, "SELECT qt_feed_prune(interval '30 days', interval '30 days')");
	in = sc_pull_once(&c, 10);
	cr_assert_eq(sc_status(in), 0);
	cr_assert(in->response->sync_changes->resync, "a pruned cursor must get resync");
	cr_assert_str_neq(in->response->sync_changes->reason, "");
	envelope_free(in);
	sc_snapshot(&c);
	sc_pull_caught_up(h, &c);
	expect_projects_equal(h, &c.rep, 0);
	sc_close(&c);
	harness_finish(h);
}

static qt_envelope_t *update_project(sc_t *c, int64_t id, int64_t version, const char *descr,
                                     uint64_t mutation_seq)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectUpdateRequest up = QUARTIER__V1__PROJECT_UPDATE_REQUEST__INIT;

	up.id = id;
	up.expected_version = version;
	up.description = (char *)descr;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_UPDATE;
	rq.project_update = &up;
	if (mutation_seq > 0) {
		rq.has_mutation_seq = 1;
		rq.mutation_seq = mutation_seq;
	}
	return sc_call(c, &rq);
}

Test(sync, mutation_answer_carries_cursor_and_a_replay_is_applied_once)
{
	harness_t *h = &H;
	sc_t c;
	qt_envelope_t *a, *b, *x;
	int64_t p;
	char pid[32];

	harness_standard(h, NULL);
	p = mk_project(h, "Projekt");
	snprintf(pid, sizeof(pid), "%" PRId64, p);
	sc_open(h, &c, "admin");
	sc_snapshot(&c);

	a = update_project(&c, p, 1, "erste Fassung", 7);
	cr_assert_eq(sc_status(a), 0);
	cr_assert(a->response->cursor != NULL, "a mutation answer carries its feed position");
	cr_assert_str_eq(a->response->cursor->epoch, c.rep.epoch);
	cr_assert_eq(a->response->project->version, 2);
	/* The write comes back through the feed at or before that cursor. */
	sc_pull_caught_up(h, &c);
	cr_assert(c.rep.xid > a->response->cursor->xid ||
	              (c.rep.xid == a->response->cursor->xid && c.rep.seq >= a->response->cursor->seq),
	          "the feed passed the mutation's cursor");
	expect_projects_equal(h, &c.rep, 0);

	/* The same mutation again (its answer was "lost"): not applied again.
	 * An acknowledged mutation's answer is stored before it is sent, so
	 * the replay gets it at once. */
	b = update_project(&c, p, 1, "erste Fassung", 7);
	cr_assert_eq(sc_status(b), 0, "a replay answers like the original");
	cr_assert(b->response->replayed);
	cr_assert(b->response->project != NULL, "the replay carries the original answer");
	cr_assert_eq(b->response->project->version, 2);
	cr_assert_eq(harness_sql_int(h, "SELECT version FROM project WHERE id = $1", 1, pid, NULL, NULL),
	             2);
	cr_assert_eq(harness_sql_int(h,
	                             "SELECT count(*) FROM audit WHERE entity_id = $1 "
	                             "AND action = 'project.update'",
	                             1, pid, NULL, NULL),
	             1, "one audit row: applied once");

	/* The sequence number of another request type is refused. */
	{
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__ProjectTransitionRequest tr = QUARTIER__V1__PROJECT_TRANSITION_REQUEST__INIT;
		tr.id = p;
		tr.expected_version = 2;
		tr.to = QUARTIER__V1__PROJECT_STATUS__PROJECT_STATUS_ASSESSMENT;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_TRANSITION;
		rq.project_transition = &tr;
		rq.has_mutation_seq = 1;
		rq.mutation_seq = 7;
		x = sc_call(&c, &rq);
		cr_assert_eq(sc_status(x), QUARTIER__V1__STATUS__STATUS_INVALID_ARGUMENT);
		cr_assert(harness_field_is(x->response->error->field, "mutation_seq"));
		envelope_free(x);
	}
	/* A stale version under a new id is a conflict, and nothing is recorded. */
	x = update_project(&c, p, 1, "veraltet", 8);
	cr_assert_eq(sc_status(x), QUARTIER__V1__STATUS__STATUS_CONFLICT);
	envelope_free(x);
	x = update_project(&c, p, 2, "zweite Fassung", 8);
	cr_assert_eq(sc_status(x), 0, "after a conflict the same id may carry the rebased change");
	cr_assert(!x->response->replayed);
	cr_assert_eq(x->response->project->version, 3);
	envelope_free(x);
	envelope_free(a);
	envelope_free(b);
	sc_close(&c);
	harness_finish(h);
}

/* Waits until the subscriber has a project at version v (events applied
 * while waiting); returns milliseconds waited, or -1 after timeout_ms. */
static int wait_for_version(sc_t *c, int64_t project, int64_t v, unsigned timeout_ms)
{
	for (unsigned waited = 0; waited < timeout_ms; waited += 10) {
		qt_envelope_t *in = NULL;
		rec_t *x = rep_find(&c->rep, QUARTIER__V1__RECORD_TYPE__RECORD_PROJECT, project);

		if (x != NULL) {
			Quartier__V1__Project *p = quartier__v1__project__unpack(NULL, x->len, x->body);
			int64_t have = p != NULL ? p->version : 0;
			quartier__v1__project__free_unpacked(p, NULL);
			if (have >= v)
				return (int)waited;
		}
		if (raw_recv(&c->raw, 10, &in) == 1) {
			if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_EVENT)
				sc_handle_event(c, in->event);
			envelope_free(in);
		}
	}
	return -1;
}

/* Waits until the subscriber's cursor stands at or after (xid, seq), events
 * applied while waiting; returns milliseconds waited, or -1 after
 * timeout_ms.  A pushed record is rendered as it is when pushed, so a
 * record can show a later change than the rows its event covers; only the
 * cursor says that everything up to a change has arrived. */
static int wait_for_cursor(sc_t *c, uint64_t xid, uint64_t seq, unsigned timeout_ms)
{
	for (unsigned waited = 0; waited < timeout_ms; waited += 10) {
		qt_envelope_t *in = NULL;

		if (c->rep.xid > xid || (c->rep.xid == xid && c->rep.seq >= seq))
			return (int)waited;
		if (raw_recv(&c->raw, 10, &in) == 1) {
			if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_EVENT)
				sc_handle_event(c, in->event);
			envelope_free(in);
		}
	}
	return -1;
}

static void subscribe(sc_t *c, int kind, int64_t id)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__SyncSubscribeRequest sb = QUARTIER__V1__SYNC_SUBSCRIBE_REQUEST__INIT;
	Quartier__V1__Cursor cur = QUARTIER__V1__CURSOR__INIT;
	Quartier__V1__Scope scope = QUARTIER__V1__SCOPE__INIT;
	qt_envelope_t *in;

	cur.epoch = c->rep.epoch;
	cur.xid = c->rep.xid;
	cur.seq = c->rep.seq;
	sb.cursor = &cur;
	scope.has_kind = 1;
	scope.kind = (Quartier__V1__ScopeKind)kind;
	scope.has_id = kind != 0;
	scope.id = id;
	sb.scope = &scope;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_SYNC_SUBSCRIBE;
	rq.sync_subscribe = &sb;
	in = sc_call(c, &rq);
	cr_assert_eq(sc_status(in), 0, "subscribe failed");
	envelope_free(in);
}

Test(sync, a_change_through_one_instance_is_pushed_to_a_subscriber_of_another)
{
	harness_t *h = &H;
	harness_t h2;
	sc_t sub, sub_other_scope, writer;
	int64_t p, other;
	int ms;
	qt_envelope_t *x;

	harness_standard(h, NULL);
	p = mk_project(h, "Projekt");
	other = mk_project(h, "Anderes Projekt");
	/* A second quartierd on the same database. */
	h2 = *h;
	h2.server_pid = 0;
	h2.db = NULL;
	h2.own_cluster = 0;
	{
		size_t dl = strnlen(h->dir, sizeof(h->dir) - 8);
		memcpy(h2.dir, h->dir, dl);
		memcpy(h2.dir + dl, "/second", 8);
	}
	cr_assert_eq(mkdir(h2.dir, 0755), 0);
	snprintf(h2.config_path, sizeof(h2.config_path), "%s/quartierd.conf", h2.dir);
	snprintf(h2.log_path, sizeof(h2.log_path), "%s/server.log", h2.dir);
	harness_server_start(&h2, NULL);

	sc_open(&h2, &sub, "admin");
	sc_snapshot(&sub);
	subscribe(&sub, 0, 0);
	sc_open(&h2, &sub_other_scope, "admin");
	sc_snapshot(&sub_other_scope);
	subscribe(&sub_other_scope, QUARTIER__V1__SCOPE_KIND__SCOPE_PROJECT, other);

	sc_open(h, &writer, "admin");
	x = update_project(&writer, p, 1, "über Instanz A geändert", 0);
	cr_assert_eq(sc_status(x), 0);
	envelope_free(x);
	ms = wait_for_version(&sub, p, 2, 5000);
	cr_assert_geq(ms, 0, "the change written through instance A never reached B's subscriber");
	cr_log_info("pushed across instances after about %d ms", ms);
	/* The subscriber of another project's scope was not sent this one. */
	cr_assert_eq(wait_for_version(&sub_other_scope, p, 2, 300), -1,
	             "a project outside the subscription's scope was pushed");

	/* Same instance: pushed without waiting for the poll. */
	x = update_project(&writer, other, 1, "Bereich des zweiten Abos", 0);
	cr_assert_eq(sc_status(x), 0);
	envelope_free(x);
	cr_assert_geq(wait_for_version(&sub_other_scope, other, 2, 5000), 0);
	cr_assert_geq(wait_for_version(&sub, other, 2, 5000), 0);
	sc_close(&sub);
	sc_close(&sub_other_scope);
	sc_close(&writer);
	cr_assert_eq(harness_server_stop(&h2, 5000), 0, "second instance did not exit cleanly");
	harness_finish(h);
}

Test(sync, losing_permission_yields_tombstones_and_drops_contact_data)
{
	harness_t *h = &H;
	sc_t c;
	int64_t coord, p, person_c, person_q, update;
	char sql[1024];
	rec_t *x;
	Quartier__V1__Person *pq;

	harness_standard(h, NULL);
	coord = harness_account(h, "koordination", "coordinator", 0, h->seed.org_caritas,
	                        HARNESS_PASSWORD);
	p = mk_project(h, "Gemeinwesenarbeit");
	snprintf(sql, sizeof(sql), "INSERT INTO project_coordinator VALUES (%" PRId64 ", %" PRId64 ")", p,
	         coord);
	harness_sql_exec(h, sql);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO person (name, organisation_id, account_id) VALUES ('Koordinatorin', %" PRId64
	         ", %" PRId64 ") RETURNING id",
	         h->seed.org_caritas, coord);
	person_c = harness_sql_int(h, sql, 0, NULL, NULL, NULL);
	person_q = harness_sql_int(h,
	                           "INSERT INTO person (name, email, phone) VALUES ('Bewohnerin', "
	                           "'bewohnerin@example.org', '0711 1234') RETURNING id",
	                           0, NULL, NULL, NULL);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO membership (project_id, person_id, role, start_date) VALUES "
	         "(%" PRId64 ", %" PRId64 ", 'carrier', current_date - 30), "
	         "(%" PRId64 ", %" PRId64 ", 'civic', current_date - 30)",
	         p, person_c, p, person_q);
	harness_sql_exec(h, sql);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO progress_update (project_id, period_from, period_to, narrative, state, "
	         "submitted_by, last_submitted_by) VALUES (%" PRId64 ", '2026-01-01', '2026-06-30', "
	         "'Entwurf', 'submitted', %" PRId64 ", %" PRId64 ") RETURNING id",
	         p, coord, coord);
	update = harness_sql_int(h, sql, 0, NULL, NULL, NULL);

	sc_open(h, &c, "koordination");
	sc_snapshot(&c);
	x = rep_find(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PERSON, person_q);
	cr_assert(x != NULL);
	pq = quartier__v1__person__unpack(NULL, x->len, x->body);
	cr_assert_str_eq(pq->email, "bewohnerin@example.org", "a fellow member sees the contact data");
	quartier__v1__person__free_unpacked(pq, NULL);
	cr_assert(rep_find(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PROGRESS_UPDATE, update) != NULL,
	          "the coordinator sees the submitted update");

	/* The coordinator's own membership ended yesterday, and the account no
	 * longer coordinates the project. */
	snprintf(sql, sizeof(sql),
	         "UPDATE membership SET end_date = current_date - 1 WHERE person_id = %" PRId64, person_c);
	harness_sql_exec(h, sql);
	snprintf(sql, sizeof(sql), "DELETE FROM project_coordinator WHERE account_id = %" PRId64, coord);
	harness_sql_exec(h, sql);
	sc_pull_caught_up(h, &c);

	x = rep_find(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PERSON, person_q);
	cr_assert(x != NULL, "the person stays visible, without contact data");
	pq = quartier__v1__person__unpack(NULL, x->len, x->body);
	cr_assert(pq->email == NULL || pq->email[0] == '\0', "the e-mail address is still in the replica");
	cr_assert(pq->phone == NULL || pq->phone[0] == '\0', "the phone number is still in the replica");
	quartier__v1__person__free_unpacked(pq, NULL);
	for (size_t i = 0; i < c.rep.n; i++)
		cr_assert(c.rep.recs[i].len == 0 ||
		              memmem(c.rep.recs[i].body, c.rep.recs[i].len, "bewohnerin@example.org", 22) ==
		                  NULL,
		          "contact data left in record type %d id %" PRId64, c.rep.recs[i].type,
		          c.rep.recs[i].id);
	cr_assert(rep_find(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PROGRESS_UPDATE, update) == NULL,
	          "the update the account may no longer read must come as a tombstone");
	sc_close(&c);
	harness_finish(h);
}

Test(sync, a_slow_subscriber_is_told_to_resume_instead_of_growing_the_server)
{
	enum { SLOW = 4 }; /* one account's subscriptions share each round */
	harness_t *h = &H;
	sc_t slow[SLOW], other;
	char *big = malloc(19001);
	int64_t ids[60];

	/* Helper threads write the pushes whatever the machine's CPUs. */
	harness_standard(h, "feed_queue_max = 65536\npush_threads = 4\n");
	cr_assert_eq(harness_log_count(h, "event=push_threads threads=4"), 1);
	memset(big, 'x', 19000);
	big[19000] = '\0';
	for (int i = 0; i < 60; i++)
		ids[i] = mk_project(h, "Projekt");
	for (int k = 0; k < SLOW; k++) {
		sc_open(h, &slow[k], "admin");
		sc_snapshot(&slow[k]);
		subscribe(&slow[k], 0, 0);
	}
	sc_open(h, &other, "admin");
	/* The slow subscribers read nothing while rounds of 60 x 19 kB of
	 * changes pile up, until the server says it gave up on each.  How many
	 * rounds that takes depends on the kernel: the loopback socket's
	 * buffers can take megabytes before the server's queue fills. */
	for (int round = 0; harness_log_count(h, "event=feed_overflow") < SLOW; round++) {
		cr_assert_lt(round, 80, "not every subscriber overflowed after %d rounds of changes",
		             round);
		for (int i = 0; i < 60; i++) {
			char sql[160];
			PGresult *res;
			const char *pv[1] = {big};

			snprintf(sql, sizeof(sql),
			         "UPDATE project SET version = version + 1, description = $1 || '%d' "
			         "WHERE id = %" PRId64,
			         round, ids[i]);
			res = PQexecParams(harness_pg(h), sql, 1, NULL, pv, NULL, NULL, 0);
			cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK);
			PQclear(res);
		}
		harness_sleep_ms(150);
	}
	/* The server still answers others promptly. */
	sc_snapshot(&other);
	/* Now the slow ones read: each stream is intact (whatever part of it
	 * the socket did not take at once was queued in order), and somewhere
	 * in it is the overflow. */
	for (int k = 0; k < SLOW; k++) {
		int got_overflow = 0;

		while (!got_overflow) {
			qt_envelope_t *in = NULL;
			int rc = raw_recv(&slow[k].raw, 2000, &in);
			if (rc != 1)
				break;
			if (in->kind_case == QUARTIER__V1__ENVELOPE__KIND_EVENT)
				sc_handle_event(&slow[k], in->event);
			got_overflow = slow[k].overflows > 0;
			envelope_free(in);
		}
		cr_assert(got_overflow, "subscriber %d: no overflow event after %u events", k,
		          slow[k].events);
		/* Resuming from its cursor brings the replica level with the database. */
		sc_pull_caught_up(h, &slow[k]);
		expect_projects_equal(h, &slow[k].rep, 0);
	}
	free(big);
	for (int k = 0; k < SLOW; k++)
		sc_close(&slow[k]);
	sc_close(&other);
	harness_finish(h);
}

/* A change of an account's rights names no record in the feed, yet it
 * changes how every record looks to the account.  Its cursors carry the
 * generation of its rights: a connection whose server has not yet learnt
 * of the change is refused retryably, and the account's old cursor gets
 * resync, after which the new snapshot holds only what the new rights
 * show. */
Test(sync, a_change_of_the_accounts_rights_makes_its_replica_resync)
{
	harness_t *h = &H;
	sc_t c, adm;
	int64_t acct, p, person;
	char sql[1024], old_epoch[64];
	rec_t *x;
	Quartier__V1__Person *pe;
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountUpdateRequest au = QUARTIER__V1__ACCOUNT_UPDATE_REQUEST__INIT;
	qt_envelope_t *in;

	harness_standard(h, NULL);
	acct = harness_account(h, "planung", "office", h->seed.office_planning, 0, HARNESS_PASSWORD);
	p = mk_project(h, "Quartiersrat");
	person = harness_sql_int(h,
	                         "INSERT INTO person (name, email, phone) VALUES ('Bewohner', "
	                         "'bewohner@example.org', '0711 4321') RETURNING id",
	                         0, NULL, NULL, NULL);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO membership (project_id, person_id, role, start_date) VALUES "
	         "(%" PRId64 ", %" PRId64 ", 'civic', current_date - 10)",
	         p, person);
	harness_sql_exec(h, sql);

	sc_open(h, &c, "planung");
	sc_snapshot(&c);
	x = rep_find(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PERSON, person);
	cr_assert(x != NULL);
	pe = quartier__v1__person__unpack(NULL, x->len, x->body);
	cr_assert_str_eq(pe->email, "bewohner@example.org", "the lead office sees the contact data");
	quartier__v1__person__free_unpacked(pe, NULL);
	snprintf(old_epoch, sizeof(old_epoch), "%s", c.rep.epoch);

	/* Behind this server's back: with triggers off, no notification tells
	 * the server (as when it has not heard yet); its connection still holds
	 * the old office and must not sync with it. */
	snprintf(sql, sizeof(sql),
	         "SET session_replication_role = replica; "
	         "UPDATE account SET office_id = %" PRId64 " WHERE id = %" PRId64 "; "
	         "SET session_replication_role = origin",
	         h->seed.office_social, acct);
	harness_sql_exec(h, sql);
	in = sc_pull_once(&c, 50);
	cr_assert_eq(sc_status(in), QT_UNAVAILABLE, "a pull under rights the database no longer holds");
	cr_assert(in->response->error->retryable);
	envelope_free(in);
	sc_close(&c);

	/* Through the protocol: the server refreshes the account's
	 * connections, and the old cursor gets resync. */
	sc_open(h, &adm, "admin");
	au.id = acct;
	au.has_office_id = 1;
	au.office_id = h->seed.office_planning;
	au.has_role = 1;
	au.role = QUARTIER__V1__ROLE__ROLE_OFFICE;
	rq.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_UPDATE;
	rq.account_update = &au;
	sc_open(h, &c, "planung"); /* logged in under the social office */
	in = sc_call(&adm, &rq);
	cr_assert_eq(sc_status(in), 0, "account update: %s",
	             in->response->error ? in->response->error->message : "");
	envelope_free(in);
	au.office_id = h->seed.office_social;
	in = sc_call(&adm, &rq);
	cr_assert_eq(sc_status(in), 0);
	envelope_free(in);

	snprintf(c.rep.epoch, sizeof(c.rep.epoch), "%s", old_epoch);
	c.rep.have_cursor = 1;
	in = sc_pull_once(&c, 50);
	cr_assert_eq(sc_status(in), 0, "pull: %s",
	             in->response->error ? in->response->error->message : "");
	cr_assert(in->response->sync_changes->resync, "the old rights' cursor must get resync");
	cr_assert(strstr(in->response->sync_changes->reason, "rights") != NULL, "reason: %s",
	          in->response->sync_changes->reason);
	envelope_free(in);

	sc_snapshot(&c);
	cr_assert_str_neq(c.rep.epoch, old_epoch);
	x = rep_find(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PERSON, person);
	if (x != NULL) {
		pe = quartier__v1__person__unpack(NULL, x->len, x->body);
		cr_assert(pe->email == NULL || pe->email[0] == '\0',
		          "another office must not see the contact data");
		quartier__v1__person__free_unpacked(pe, NULL);
	}
	for (size_t i = 0; i < c.rep.n; i++)
		cr_assert(c.rep.recs[i].len == 0 ||
		              memmem(c.rep.recs[i].body, c.rep.recs[i].len, "bewohner@example.org", 20) ==
		                  NULL,
		          "contact data in record type %d id %" PRId64, c.rep.recs[i].type,
		          c.rep.recs[i].id);

	/* The new cursor goes on as usual. */
	in = update_project(&adm, p, 1, "neu", 0);
	cr_assert_eq(sc_status(in), 0);
	envelope_free(in);
	sc_pull_caught_up(h, &c);
	sc_close(&adm);
	sc_close(&c);
	harness_finish(h);
}

/* Returns the person's e-mail address in the replica ("" if none), freshly
 * allocated, or NULL if the person is not there. */
static char *rep_person_email(replica_t *rep, int64_t id)
{
	rec_t *x = rep_find(rep, QUARTIER__V1__RECORD_TYPE__RECORD_PERSON, id);
	Quartier__V1__Person *pe;
	char *out;

	if (x == NULL)
		return NULL;
	pe = quartier__v1__person__unpack(NULL, x->len, x->body);
	cr_assert(pe != NULL);
	out = strdup(pe->email != NULL ? pe->email : "");
	quartier__v1__person__free_unpacked(pe, NULL);
	return out;
}

/* Describes a person or membership record for a failure message: the
 * fields a change round moves (one of two static buffers). */
static const char *rec_describe(int type, const rec_t *x)
{
	static char buf[2][256];
	static int k;
	char *out = buf[k++ & 1];
	Quartier__V1__Person *pe = NULL;
	Quartier__V1__Membership *m = NULL;
	const Quartier__V1__Person *shown = NULL;

	if (type == QUARTIER__V1__RECORD_TYPE__RECORD_PERSON)
		shown = pe = quartier__v1__person__unpack(NULL, x->len, x->body);
	else if (type == QUARTIER__V1__RECORD_TYPE__RECORD_MEMBERSHIP &&
	         (m = quartier__v1__membership__unpack(NULL, x->len, x->body)) != NULL)
		shown = m->person;
	if (shown != NULL)
		snprintf(out, 256, "%zu bytes, person phone '%s' email '%s'", x->len,
		         shown->phone != NULL ? shown->phone : "-",
		         shown->email != NULL ? shown->email : "-");
	else
		snprintf(out, 256, "%zu bytes", x->len);
	if (pe != NULL)
		quartier__v1__person__free_unpacked(pe, NULL);
	if (m != NULL)
		quartier__v1__membership__free_unpacked(m, NULL);
	return out;
}

/* Subscriptions to everything share one render of a watcher round per
 * account.  Connections of three accounts with different sight of contact
 * data, and one that subscribes from an old cursor, follow a series of
 * changes; each replica must equal a fresh snapshot of its own account
 * record for record, and no account's render may reach another's
 * connection. */
Test(sync, subscribers_share_renders_per_account_and_each_sees_its_own)
{
	enum { PER_ACCOUNT = 6, ROUNDS = 10 };
	static const char *const logins[] = {"admin", "planung", "sozial"};
	harness_t *h = &H;
	sc_t subs[3 * PER_ACCOUNT + 1], writer, fresh;
	int64_t p, person;
	uint64_t last_xid = 0, last_seq = 0;
	char sql[512];
	qt_envelope_t *x;

	harness_standard(h, NULL);
	harness_account(h, "planung", "office", h->seed.office_planning, 0, HARNESS_PASSWORD);
	harness_account(h, "sozial", "office", h->seed.office_social, 0, HARNESS_PASSWORD);
	p = mk_project(h, "Stadtteilzentrum");
	person = harness_sql_int(h,
	                         "INSERT INTO person (name, email, phone) VALUES ('Nachbarin', "
	                         "'nachbarin@example.org', '0') RETURNING id",
	                         0, NULL, NULL, NULL);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO membership (project_id, person_id, role, start_date) VALUES "
	         "(%" PRId64 ", %" PRId64 ", 'civic', current_date - 10)",
	         p, person);
	harness_sql_exec(h, sql);

	for (int i = 0; i < 3 * PER_ACCOUNT + 1; i++) {
		sc_open(h, &subs[i], logins[i % 3]);
		sc_snapshot(&subs[i]);
		if (i < 3 * PER_ACCOUNT)
			subscribe(&subs[i], 0, 0);
	}
	sc_open(h, &writer, "admin");
	for (int round = 1; round <= ROUNDS; round++) {
		snprintf(sql, sizeof(sql), "UPDATE person SET phone = '0711 %d' WHERE id = %" PRId64,
		         round, person);
		harness_sql_exec(h, sql);
		snprintf(sql, sizeof(sql), "Runde %d", round);
		x = update_project(&writer, p, round, sql, 0);
		cr_assert_eq(sc_status(x), 0);
		cr_assert(x->response->cursor != NULL, "a mutation answer carries its feed position");
		last_xid = x->response->cursor->xid; /* after every change of the rounds */
		last_seq = x->response->cursor->seq;
		envelope_free(x);
		if (round == ROUNDS / 2)
			subscribe(&subs[3 * PER_ACCOUNT], 0, 0); /* from its old cursor */
	}

	for (int a = 0; a < 3; a++) {
		sc_open(h, &fresh, logins[a]);
		sc_snapshot(&fresh);
		for (int i = a; i < 3 * PER_ACCOUNT + 1; i += 3) {
			sc_t *c = &subs[i];
			char *email;

			/* Not "until the project shows the last round": the project
			 * rendered for round 9 may already show round 10, ahead of
			 * round 10's person change. */
			cr_assert_geq(wait_for_cursor(c, last_xid, last_seq, 10000), 0,
			              "subscriber %d (%s) never got the last change", i, logins[a]);
			cr_assert_eq(c->rep.n, fresh.rep.n, "subscriber %d (%s): %zu records, snapshot %zu", i,
			             logins[a], c->rep.n, fresh.rep.n);
			for (size_t k = 0; k < fresh.rep.n; k++) {
				rec_t *want = &fresh.rep.recs[k];
				rec_t *have = rep_find(&c->rep, want->type, want->id);
				cr_assert(have != NULL, "subscriber %d lacks record %d/%" PRId64, i, want->type,
				          want->id);
				cr_assert(have->len == want->len && memcmp(have->body, want->body, want->len) == 0,
				          "subscriber %d (%s): record %d/%" PRId64 " differs from the snapshot: "
				          "pushed %s, snapshot %s",
				          i, logins[a], want->type, want->id, rec_describe(want->type, have),
				          rec_describe(want->type, want));
			}
			email = rep_person_email(&c->rep, person);
			cr_assert(email != NULL);
			if (a == 2)
				cr_assert_str_empty(email, "another office's connection got contact data");
			else
				cr_assert_str_eq(email, "nachbarin@example.org");
			free(email);
		}
		sc_close(&fresh);
	}
	for (int i = 0; i < 3 * PER_ACCOUNT + 1; i++)
		sc_close(&subs[i]);
	sc_close(&writer);
	harness_finish(h);
}

/* ------------------------------------------------------------ batched rendering */

/* The packed body of the answer to rq (its message body_case), or of the
 * list element with id (list answers); NULL if it has none. */
static uint8_t *sc_get_packed(sc_t *c, Quartier__V1__Request *rq, int64_t id, size_t *len)
{
	qt_envelope_t *in = sc_call(c, rq);
	const Quartier__V1__Response *rs = in->response;
	const ProtobufCMessage *m = NULL;
	uint8_t *out = NULL;

	cr_assert_eq(sc_status(in), 0, "get %d: %s", (int)rq->body_case,
	             rs->error != NULL ? rs->error->message : "");
	switch (rs->body_case) {
	case QUARTIER__V1__RESPONSE__BODY_PROJECT: m = &rs->project->base; break;
	case QUARTIER__V1__RESPONSE__BODY_PERSON: m = &rs->person->base; break;
	case QUARTIER__V1__RESPONSE__BODY_FUND: m = &rs->fund->base; break;
	case QUARTIER__V1__RESPONSE__BODY_GOAL: m = &rs->goal->base; break;
	case QUARTIER__V1__RESPONSE__BODY_ASSESSMENT: m = &rs->assessment->base; break;
	case QUARTIER__V1__RESPONSE__BODY_MEETING:
		for (size_t i = 0; i < rs->meeting->n_handovers; i++)
			if (rs->meeting->handovers[i]->id == id)
				m = &rs->meeting->handovers[i]->base;
		break;
	case QUARTIER__V1__RESPONSE__BODY_PROGRESS_UPDATE: m = &rs->progress_update->base; break;
	case QUARTIER__V1__RESPONSE__BODY_GROUP_MEMBERS:
		for (size_t i = 0; i < rs->group_members->n_memberships; i++)
			if (rs->group_members->memberships[i]->id == id)
				m = &rs->group_members->memberships[i]->base;
		break;
	case QUARTIER__V1__RESPONSE__BODY_FUND_LEDGER:
		for (size_t i = 0; i < rs->fund_ledger->n_entries; i++)
			if (rs->fund_ledger->entries[i]->id == id)
				m = &rs->fund_ledger->entries[i]->base;
		break;
	case QUARTIER__V1__RESPONSE__BODY_AGENDA_LIST:
		for (size_t i = 0; i < rs->agenda_list->n_items; i++)
			if (rs->agenda_list->items[i]->id == id)
				m = &rs->agenda_list->items[i]->base;
		break;
	default: cr_assert_fail("unexpected answer %d", (int)rs->body_case);
	}
	if (m != NULL) {
		*len = protobuf_c_message_get_packed_size(m);
		out = malloc(*len + 1);
		protobuf_c_message_pack(m, out);
	}
	envelope_free(in);
	return out;
}

/* An int64 field (by name) of the record's body, decoded as a message of
 * descriptor d: the parent a record without a get request is listed by. */
static int64_t rec_body_i64(const rec_t *x, const ProtobufCMessageDescriptor *d, const char *field)
{
	const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(d, field);
	ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, x->len, x->body);
	int64_t v;

	cr_assert(fd != NULL && fd->type == PROTOBUF_C_TYPE_INT64, "%s.%s", d->name, field);
	cr_assert(m != NULL, "record %d/%" PRId64 " does not decode as %s", x->type, x->id, d->name);
	v = *(const int64_t *)((const char *)m + fd->offset);
	protobuf_c_message_free_unpacked(m, NULL);
	return v;
}

/* The record as the get request of its type answers it to c's account. */
static uint8_t *sc_get_record(sc_t *c, const rec_t *x, size_t *len)
{
	Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ProjectGetRequest pg = QUARTIER__V1__PROJECT_GET_REQUEST__INIT;
	Quartier__V1__PersonGetRequest pe = QUARTIER__V1__PERSON_GET_REQUEST__INIT;
	Quartier__V1__GroupMembersRequest gm = QUARTIER__V1__GROUP_MEMBERS_REQUEST__INIT;
	Quartier__V1__AgendaBacklogRequest ab = QUARTIER__V1__AGENDA_BACKLOG_REQUEST__INIT;
	Quartier__V1__FundGetRequest fg = QUARTIER__V1__FUND_GET_REQUEST__INIT;
	Quartier__V1__FundLedgerRequest fl = QUARTIER__V1__FUND_LEDGER_REQUEST__INIT;
	Quartier__V1__GoalGetRequest gg = QUARTIER__V1__GOAL_GET_REQUEST__INIT;
	Quartier__V1__ProgressGetRequest ug = QUARTIER__V1__PROGRESS_GET_REQUEST__INIT;
	Quartier__V1__AssessmentGetRequest ag = QUARTIER__V1__ASSESSMENT_GET_REQUEST__INIT;
	Quartier__V1__MeetingGetRequest mg = QUARTIER__V1__MEETING_GET_REQUEST__INIT;

	switch (x->type) {
	case QUARTIER__V1__RECORD_TYPE__RECORD_PROJECT:
		pg.id = x->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_GET;
		rq.project_get = &pg;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_PERSON:
		pe.id = x->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_PERSON_GET;
		rq.person_get = &pe;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_MEMBERSHIP:
		/* Memberships have no get: the group's whole history has it. */
		gm.project_id = rec_body_i64(x, &quartier__v1__membership__descriptor, "project_id");
		gm.has_include_history = gm.include_history = 1;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_GROUP_MEMBERS;
		rq.group_members = &gm;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_AGENDA_ITEM:
		ab.has_item_id = 1;
		ab.item_id = x->id;
		ab.has_all = ab.all = 1;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_AGENDA_BACKLOG;
		rq.agenda_backlog = &ab;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_FUND:
		fg.id = x->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_FUND_GET;
		rq.fund_get = &fg;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_FUND_ENTRY:
		/* Entries have no get: their fund's ledger has them. */
		fl.fund_id = rec_body_i64(x, &quartier__v1__fund_entry__descriptor, "fund_id");
		fl.has_page_size = 1;
		fl.page_size = 500;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_FUND_LEDGER;
		rq.fund_ledger = &fl;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_HANDOVER:
		/* Hand-overs have no get: the meeting that made them lists them. */
		mg.id = rec_body_i64(x, &quartier__v1__handover__descriptor, "meeting_id");
		rq.body_case = QUARTIER__V1__REQUEST__BODY_MEETING_GET;
		rq.meeting_get = &mg;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_ASSESSMENT:
		ag.id = x->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_ASSESSMENT_GET;
		rq.assessment_get = &ag;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_GOAL:
		gg.id = x->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_GOAL_GET;
		rq.goal_get = &gg;
		break;
	case QUARTIER__V1__RECORD_TYPE__RECORD_PROGRESS_UPDATE:
		ug.id = x->id;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_PROGRESS_GET;
		rq.progress_get = &ug;
		break;
	default:
		return NULL;
	}
	return sc_get_packed(c, &rq, x->id, len);
}

/* Every project, person, membership, fund, fund entry, assessment, agenda
 * item, hand-over, goal and progress update of the replica must be byte
 * for byte what the get request answers the
 * same account; returns
 * how many persons came with contact data and how many without. */
static void expect_records_as_get(sc_t *c, const char *what, int *with_contact,
                                  int *without_contact)
{
	size_t checked = 0;

	*with_contact = *without_contact = 0;
	for (size_t i = 0; i < c->rep.n; i++) {
		rec_t *x = &c->rep.recs[i];
		size_t len = 0;
		uint8_t *want = sc_get_record(c, x, &len);

		if (want == NULL && x->type != QUARTIER__V1__RECORD_TYPE__RECORD_MEMBERSHIP &&
		    x->type != QUARTIER__V1__RECORD_TYPE__RECORD_FUND_ENTRY &&
		    x->type != QUARTIER__V1__RECORD_TYPE__RECORD_HANDOVER)
			continue; /* a type rendered record by record */
		cr_assert(want != NULL, "%s: record %d/%" PRId64 " is not in its group or ledger", what,
		          (int)x->type, x->id);
		cr_assert(len == x->len && memcmp(want, x->body, len) == 0,
		          "%s: record %d/%" PRId64 " differs from its get answer (%zu/%zu bytes)", what,
		          x->type, x->id, x->len, len);
		free(want);
		checked++;
		if (x->type == QUARTIER__V1__RECORD_TYPE__RECORD_PERSON) {
			Quartier__V1__Person *pe = quartier__v1__person__unpack(NULL, x->len, x->body);
			cr_assert(pe != NULL);
			if (pe->contact_visible)
				++*with_contact;
			else
				++*without_contact;
			quartier__v1__person__free_unpacked(pe, NULL);
		}
	}
	cr_assert_gt(checked, 0, "%s: nothing to compare", what);
}

/* A page renders each record type with one query; the records must be the
 * ones the get requests answer, with each account's sight of contact data:
 * a coordinator sees fellow members of its group today and itself, not
 * others, an office the people of the groups it leads, the admin all. */
Test(sync, pages_render_records_as_their_get_requests_do)
{
	static const char *const logins[] = {"koordination", "planung", "sozial", "admin"};
	static const uint32_t limits[] = {1, 7, 1000};
	harness_t *h = &H;
	int64_t coord, p1, p2, me, fellow, former, other;
	char sql[2048];

	harness_standard(h, NULL);
	coord = harness_account(h, "koordination", "coordinator", 0, h->seed.org_caritas,
	                        HARNESS_PASSWORD);
	harness_account(h, "planung", "office", h->seed.office_planning, 0, HARNESS_PASSWORD);
	harness_account(h, "sozial", "office", h->seed.office_social, 0, HARNESS_PASSWORD);
	p1 = mk_project(h, "Quartiersladen");
	p2 = mk_project(h, "Spielplatz");
	/* p1 in two quarters and districts, led by two offices, coordinated. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO project_quarter VALUES (%" PRId64 ", %" PRId64 "); "
	         "INSERT INTO project_lead_office VALUES (%" PRId64 ", %" PRId64 "); "
	         "INSERT INTO project_coordinator VALUES (%" PRId64 ", %" PRId64 "); "
	         "UPDATE project SET carrier_id = %" PRId64 ", start_date = '2026-01-01', "
	         "description = 'Läden im Quartier' WHERE id = %" PRId64,
	         p1, h->seed.quarter_rot, p1, h->seed.office_social, p1, coord, h->seed.org_caritas, p1);
	harness_sql_exec(h, sql);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO person (name, organisation_id, account_id, email) VALUES "
	         "('Koordinatorin', %" PRId64 ", %" PRId64 ", 'ich@example.org') RETURNING id",
	         h->seed.org_caritas, coord);
	me = harness_sql_int(h, sql, 0, NULL, NULL, NULL);
	fellow = harness_sql_int(h,
	                         "INSERT INTO person (name, email, phone) VALUES ('Nachbar', "
	                         "'nachbar@example.org', '0711 1') RETURNING id",
	                         0, NULL, NULL, NULL);
	former = harness_sql_int(h,
	                         "INSERT INTO person (name, email, phone) VALUES ('Ehemalige', "
	                         "'ehemalige@example.org', '0711 2') RETURNING id",
	                         0, NULL, NULL, NULL);
	other = harness_sql_int(h,
	                        "INSERT INTO person (name, email, phone) VALUES ('Fremde', "
	                        "'fremde@example.org', '0711 3') RETURNING id",
	                        0, NULL, NULL, NULL);
	/* The coordinator and a neighbour in p1 today, a former member of p1,
	 * the other person only in p2 (on behalf of an organisation, deputy
	 * of the neighbour). */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO membership (project_id, person_id, role, start_date, end_date, "
	         "on_behalf_of_id, deputy_of_id) VALUES "
	         "(%" PRId64 ", %" PRId64 ", 'carrier', current_date - 30, NULL, NULL, NULL), "
	         "(%" PRId64 ", %" PRId64 ", 'civic', current_date - 30, NULL, NULL, NULL), "
	         "(%" PRId64 ", %" PRId64 ", 'civic', current_date - 300, current_date - 100, NULL, NULL), "
	         "(%" PRId64 ", %" PRId64 ", 'civic', current_date - 30, NULL, %" PRId64 ", %" PRId64 "), "
	         "(%" PRId64 ", %" PRId64 ", 'civic', current_date - 20, NULL, NULL, NULL)",
	         p1, me, p1, fellow, p1, former, p2, other, h->seed.org_initiative, fellow, p2, fellow);
	harness_sql_exec(h, sql);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO agenda_item (title, description, origin, origin_project_id, "
	         "requested_minutes) VALUES ('Ladenöffnung', 'Zeiten', 'bottom_up', %" PRId64 ", 20); "
	         "INSERT INTO agenda_item (title, origin, origin_office_id) VALUES "
	         "('Verkehr', 'top_down', %" PRId64 "); "
	         "INSERT INTO agenda_item_project SELECT id, %" PRId64 " FROM agenda_item; "
	         "INSERT INTO agenda_item_project SELECT id, %" PRId64 " FROM agenda_item "
	         "WHERE title = 'Verkehr'",
	         p1, h->seed.office_planning, p1, p2);
	harness_sql_exec(h, sql);
	/* Goals of both projects, one of them changed after its acceptance;
	 * an approved update of p1 and one of p2 still under review, which
	 * only p2's lead office (planning) and the admin may read. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO goal (project_id, version) VALUES (%" PRId64 ", 2), (%" PRId64 ", 1), "
	         "(%" PRId64 ", 1); "
	         "INSERT INTO goal_version (goal_id, version, statement, indicator, baseline, "
	         "target_value, unit, due_date, state, accepted_at) "
	         "SELECT id, 1, 'Treffpunkt', 'Besuche', 12.5, 40, 'Personen', '2027-06-30', "
	         "'accepted', now() FROM goal; "
	         "INSERT INTO goal_version (goal_id, version, statement, indicator, target_value, unit, "
	         "due_date, note, state) SELECT id, 2, 'Größerer Treffpunkt', 'Besuche', 60, "
	         "'Personen', '2027-12-31', 'mehr Andrang', 'proposed' FROM goal WHERE version = 2; "
	         "INSERT INTO progress_update (project_id, period_from, period_to, narrative, state, "
	         "reviewed_at) VALUES (%" PRId64 ", '2026-01-01', '2026-03-31', 'Erstes Quartal', "
	         "'approved', now()), (%" PRId64 ", '2026-01-01', '2026-03-31', 'Noch offen', "
	         "'submitted', NULL)",
	         p1, p2, p1, p1, p2);
	harness_sql_exec(h, sql);
	/* Funds of p1 for two years, one with an allocation and a commitment. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO fund (project_id, year) VALUES (%" PRId64 ", 2025), (%" PRId64 ", 2026); "
	         "INSERT INTO fund_entry (fund_id, kind, amount_cents, balance_after_cents) "
	         "SELECT id, 'allocation', 500000, 500000 FROM fund WHERE year = 2026; "
	         "INSERT INTO fund_entry (fund_id, kind, amount_cents, applicant, purpose, "
	         "balance_after_cents) SELECT id, 'commitment', 120000, 'Initiative', 'Fest', 500000 "
	         "FROM fund WHERE year = 2026",
	         p1, p1);
	harness_sql_exec(h, sql);
	/* Assessments of both projects in the latest catalogue, one of them
	 * with ratings (met, not met and not applicable), so that it lists
	 * what is met and what is missing. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO assessment (project_id, phase, catalogue_version, assessed_on, summary) "
	         "SELECT x, 'running', (SELECT max(version) FROM catalogue_version), '2026-05-04', "
	         "'Zwischenstand' FROM unnest(ARRAY[%" PRId64 ", %" PRId64 "]::bigint[]) x; "
	         "INSERT INTO assessment_rating (assessment_id, catalogue_version, criterion_id, rating, "
	         "note) SELECT a.id, a.catalogue_version, c.id, "
	         "CASE WHEN c.na_allowed THEN 'not_applicable' WHEN c.position = 1 THEN 'not_met' "
	         "ELSE 'met' END, 'Notiz ' || c.id "
	         "FROM assessment a JOIN criterion c ON c.version = a.catalogue_version "
	         "WHERE a.project_id = %" PRId64 " AND c.position <= 3",
	         p1, p2, p1);
	harness_sql_exec(h, sql);
	/* A meeting that handed the traffic item over to planning. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO meeting (title, status, starts_at, organiser_office_id) "
	         "VALUES ('AGSP Mai', 'closed', '2026-05-06 10:00+02', %" PRId64 "); "
	         "INSERT INTO agenda_item_history (item_id, meeting_id, position, outcome, outcome_text, "
	         "recorded_at) SELECT i.id, m.id, 1, 'hand_over', 'an die Planung', now() "
	         "FROM agenda_item i, meeting m WHERE i.title = 'Verkehr'; "
	         "INSERT INTO handover (history_id, item_id, meeting_id, lead_office_id, due_date, note) "
	         "SELECT id, item_id, meeting_id, %" PRId64 ", '2026-07-01', 'Verkehrsschau' "
	         "FROM agenda_item_history WHERE outcome = 'hand_over'; "
	         "INSERT INTO handover_office SELECT id, %" PRId64 " FROM handover",
	         h->seed.office_planning, h->seed.office_planning, h->seed.office_planning);
	harness_sql_exec(h, sql);

	for (size_t a = 0; a < sizeof(logins) / sizeof(logins[0]); a++) {
		for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
			sc_t c;
			char what[64];
			int with, without;

			snprintf(what, sizeof(what), "%s, pages of %u", logins[a], limits[l]);
			sc_open(h, &c, logins[a]);
			sc_snapshot_pages(&c, limits[l]);
			expect_records_as_get(&c, what, &with, &without);
			cr_assert_eq(rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_GOAL), 3, "%s: goals",
			             what);
			cr_assert_eq(rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_FUND), 2, "%s: funds",
			             what);
			cr_assert_eq(rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_FUND_ENTRY), 2,
			             "%s: fund entries", what);
			cr_assert_eq(rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_ASSESSMENT), 2,
			             "%s: assessments", what);
			cr_assert_eq(rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_HANDOVER), 1,
			             "%s: hand-overs", what);
			cr_assert_eq(rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PROGRESS_UPDATE),
			             a == 1 || a == 3 ? 2 : 1, "%s: progress updates", what);
			if (a == 0) {
				/* itself and the neighbour; not the former member nor
				 * the person of another group */
				cr_assert_eq(with, 2, "%s: %d persons with contact data", what, with);
				cr_assert_geq(without, 2, "%s: %d persons without", what, without);
			} else if (a == 3) {
				cr_assert_eq(without, 0, "%s: the admin lacks contact data", what);
			}
			if (a == 0 && l == 0) {
				/* The feed renders its pages the same way. */
				harness_sql_exec(h, "UPDATE person SET version = version + 1");
				harness_sql_exec(h, "UPDATE membership SET updated_at = now()");
				harness_sql_exec(h, "UPDATE project SET version = version + 1");
				harness_sql_exec(h, "UPDATE agenda_item SET version = version + 1");
				harness_sql_exec(h, "UPDATE goal SET updated_at = now()");
				harness_sql_exec(h, "UPDATE progress_update SET version = version + 1 "
				                    "WHERE state <> 'approved'"); /* approved ones never change */
				cr_assert_gt(sc_pull_caught_up(h, &c), 0);
				snprintf(what, sizeof(what), "%s, pulled", logins[a]);
				expect_records_as_get(&c, what, &with, &without);
				cr_assert_eq(with, 2, "%s: %d persons with contact data", what, with);
			}
			sc_close(&c);
		}
	}
	harness_finish(h);
}

/* Three persons, each a member of two projects; the memberships of the
 * first person are added last (highest ids).  Returns the first person. */
static int64_t memo_fixture(harness_t *h)
{
	int64_t p1 = mk_project(h, "Treffpunkt"), p2 = mk_project(h, "Gemeinschaftsgarten");
	int64_t first;
	char sql[1024];

	harness_sql_exec(h, "INSERT INTO person (name, email, phone) VALUES "
	                    "('Erste', 'erste@example.org', '0711 alt'), "
	                    "('Zweite', 'zweite@example.org', '0711 2'), "
	                    "('Dritte', 'dritte@example.org', '0711 3')");
	first = harness_sql_int(h, "SELECT id FROM person WHERE name = 'Erste'", 0, NULL, NULL, NULL);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO membership (project_id, person_id, role, start_date) "
	         "SELECT p, pe.id, 'civic', current_date - 5 FROM person pe, "
	         "unnest(ARRAY[%" PRId64 ", %" PRId64 "]::bigint[]) p "
	         "WHERE pe.name IN ('Zweite', 'Dritte') ORDER BY pe.id, p; "
	         "INSERT INTO membership (project_id, person_id, role, start_date) "
	         "SELECT p, %" PRId64 ", 'civic', current_date - 5 "
	         "FROM unnest(ARRAY[%" PRId64 ", %" PRId64 "]::bigint[]) p",
	         p1, p2, first, p1, p2);
	harness_sql_exec(h, sql);
	return first;
}

/* The phone of person in the membership records of rep that carry it;
 * NULL if none does (caller frees). */
static char *rep_membership_phone(replica_t *rep, int64_t person, size_t *n)
{
	char *phone = NULL;

	*n = 0;
	for (size_t i = 0; i < rep->n; i++) {
		Quartier__V1__Membership *m;

		if (rep->recs[i].type != QUARTIER__V1__RECORD_TYPE__RECORD_MEMBERSHIP)
			continue;
		m = quartier__v1__membership__unpack(NULL, rep->recs[i].len, rep->recs[i].body);
		cr_assert(m != NULL && m->person != NULL);
		if (m->person_id == person) {
			cr_assert(phone == NULL || strcmp(phone, m->person->phone) == 0,
			          "the memberships of one person disagree on it");
			free(phone);
			phone = strdup(m->person->phone != NULL ? m->person->phone : "");
			++*n;
		}
		quartier__v1__membership__free_unpacked(m, NULL);
	}
	return phone;
}

/* A snapshot takes the persons of its membership records from the persons
 * it rendered on its earlier pages (person_memo.h), which the database
 * renders only once.  A person changed after those pages is therefore
 * still the one of the snapshot in its memberships, and the pull that
 * follows the snapshot brings the change to them, as it brings every
 * change after the snapshot's horizon. */
Test(sync, a_person_changed_during_a_snapshot_reaches_its_memberships_through_the_pull)
{
	harness_t *h = &H;
	snap_t sn = {.limit = 2};
	int64_t first, persons;
	size_t n;
	char *phone;
	sc_t c;

	harness_standard(h, NULL);
	first = memo_fixture(h);
	persons = harness_sql_int(h, "SELECT count(*) FROM person", 0, NULL, NULL, NULL);
	sc_open(h, &c, "admin");
	while (!sn.done &&
	       rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_PERSON) < (size_t)persons)
		sc_snapshot_page(&c, &c.rep, &sn);
	cr_assert(!sn.done, "the memberships come after the persons");
	phone = rep_membership_phone(&c.rep, first, &n);
	cr_assert_eq(n, 0, "the first person's memberships are on later pages");
	harness_sql_exec(h, "UPDATE person SET phone = '0711 neu', version = version + 1 "
	                    "WHERE name = 'Erste'");
	while (!sn.done)
		sc_snapshot_page(&c, &c.rep, &sn);
	phone = rep_membership_phone(&c.rep, first, &n);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(phone, "0711 alt", "the memberships carry the person as the snapshot had it");
	free(phone);

	sc_pull_caught_up(h, &c);
	phone = rep_membership_phone(&c.rep, first, &n);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(phone, "0711 neu", "the pull brought the change to the memberships");
	free(phone);
	expect_records_as_get(&c, "after the pull", &(int){0}, &(int){0});
	sc_close(&c);
	harness_finish(h);
}

/* Two snapshots of different horizons paged through one connection at the
 * same time, their requests pipelined: each page replaces the memo of
 * the other snapshot, and both replicas still end with every record as
 * its get request answers it. */
Test(sync, two_snapshots_pipelined_on_one_connection_both_render_correctly)
{
	harness_t *h = &H;
	snap_t a = {.limit = 2}, b = {.limit = 3};
	replica_t other = {0}, mine;
	sc_t c;

	harness_standard(h, NULL);
	(void)memo_fixture(h);
	sc_open(h, &c, "admin");
	sc_snapshot_page(&c, &c.rep, &a);
	/* A change between the two starts gives the second another horizon. */
	harness_sql_exec(h, "UPDATE person SET version = version + 1 WHERE name = 'Zweite'");
	wait_horizon(h, next_xid(h));
	sc_snapshot_page(&c, &other, &b);
	cr_assert(other.xid != c.rep.xid, "the two snapshots have one horizon");
	while (!a.done || !b.done) {
		Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
		snap_t *sn[2] = {&a, &b};
		replica_t *rep[2] = {&c.rep, &other};
		uint64_t ids[2] = {0, 0};

		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
		for (int k = 0; k < 2; k++) {
			if (sn[k]->done)
				continue;
			snap_request(sn[k], rep[k]);
			sn[k]->rq.id = ids[k] = ++c.next_id;
			env.request = &sn[k]->rq;
			cr_assert_eq(raw_send(&c.raw, &env), 0);
		}
		for (int got = (ids[0] == 0) + (ids[1] == 0); got < 2;) {
			qt_envelope_t *in = NULL;

			cr_assert_eq(raw_recv(&c.raw, 30000, &in), 1, "no answer");
			cr_assert_eq(in->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
			for (int k = 0; k < 2; k++)
				if (ids[k] != 0 && in->response->id == ids[k]) {
					snap_apply(sn[k], rep[k], in);
					in = NULL;
					got++;
					break;
				}
			cr_assert_null(in, "an answer to no request");
		}
	}
	cr_assert_eq(rep_count(&other, QUARTIER__V1__RECORD_TYPE__RECORD_MEMBERSHIP), 6);
	cr_assert_eq(rep_count(&c.rep, QUARTIER__V1__RECORD_TYPE__RECORD_MEMBERSHIP), 6);
	expect_records_as_get(&c, "first snapshot", &(int){0}, &(int){0});
	mine = c.rep;
	c.rep = other;
	expect_records_as_get(&c, "second snapshot", &(int){0}, &(int){0});
	c.rep = mine;
	rep_free(&other);
	sc_close(&c);
	harness_finish(h);
}
