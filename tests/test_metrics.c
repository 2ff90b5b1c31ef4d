/* Integration test of the Prometheus endpoint: the page parses as the
 * Prometheus text format (checked line by line against the format's
 * grammar), and the request counters and histograms move with load. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "hostile_util.h"

TestSuite(metrics, .fini = harness_fini, .timeout = 120);

static unsigned pick_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* GET path over plain HTTP; returns the whole response (caller frees). */
static char *http_get(unsigned port, const char *path)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char req[256];
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "connect to the metrics port");
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

/* Checks one sample line: name{label="value",...} number */
static int sample_line_ok(const char *l)
{
	const char *p = l;

	if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':'))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
		p++;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (!(isalpha((unsigned char)*p) || *p == '_'))
				return 0;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (*p++ != '=' || *p++ != '"')
				return 0;
			while (*p && *p != '"') {
				if (*p == '\\')
					p++;
				p++;
			}
			if (*p++ != '"')
				return 0;
			if (*p == ',')
				p++;
		}
		p++;
	}
	if (*p++ != ' ')
		return 0;
	if (strcmp(p, "+Inf") == 0 || strcmp(p, "-Inf") == 0 || strcmp(p, "NaN") == 0)
		return 1;
	{
		char *end;
		strtod(p, &end);
		return end != p && *end == '\0';
	}
}

/* Parses the body; fails the test on any malformed line.  Returns the
 * value of the sample whose text before the value equals key, or -1. */
static double parse_page(char *page, const char *key)
{
	char *body = strstr(page, "\r\n\r\n");
	double found = -1;
	char *line, *save = NULL;

	cr_assert_not_null(body, "an HTTP response");
	cr_assert(strncmp(page, "HTTP/1.1 200", 12) == 0, "status line: %.40s", page);
	cr_assert_not_null(strstr(page, "text/plain; version=0.0.4"), "Prometheus content type");
	body += 4;
	for (line = strtok_r(body, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			cr_assert(strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0,
			          "comment line: %s", line);
			continue;
		}
		cr_assert(sample_line_ok(line), "malformed sample line: \"%s\"", line);
		if (key != NULL && strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ' ')
			found = strtod(line + strlen(key) + 1, NULL);
	}
	return found;
}

Test(metrics, page_parses_and_counters_move)
{
	unsigned mport = pick_port();
	char extra[64];
	qt_client_t *c;
	char *page;
	double before, after, hist;
	qt_project_filter_t f;
	qt_project_t *list;
	size_t n;
	int64_t next;

	snprintf(extra, sizeof(extra), "metrics_port = %u\n", mport);
	harness_standard(&H, extra);

	page = http_get(mport, "/metrics");
	before = parse_page(page, "quartier_requests_total{type=\"project.list\",status=\"ok\"}");
	free(page);
	if (before < 0)
		before = 0;

	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 25; i++) {
		cr_assert_eq(qt_project_list(c, &f, &list, &n, &next), QT_OK);
		qt_project_list_free(list, n);
	}
	qt_client_free(c);

	page = http_get(mport, "/metrics");
	after = parse_page(page, "quartier_requests_total{type=\"project.list\",status=\"ok\"}");
	free(page);
	cr_assert_eq(after, before + 25, "project.list ok counter: %g -> %g", before, after);

	page = http_get(mport, "/metrics");
	hist = parse_page(page, "quartier_request_duration_seconds_count{type=\"project.list\"}");
	free(page);
	cr_assert_geq(hist, 25, "histogram count %g", hist);

	page = http_get(mport, "/metrics");
	cr_assert_geq(parse_page(page, "quartier_db_pool_connected"), 1);
	free(page);
	page = http_get(mport, "/metrics");
	cr_assert_eq(parse_page(page, "quartier_up"), 1);
	free(page);

	/* Anything but /metrics is not served. */
	page = http_get(mport, "/");
	cr_assert(strncmp(page, "HTTP/1.1 404", 12) == 0, "got %.40s", page);
	free(page);
	harness_finish(&H);
}

/* The cache counters of the page. */
static void cache_counters(unsigned mport, double *hits, double *misses)
{
	char *page = http_get(mport, "/metrics");

	*hits = parse_page(page, "quartier_project_cache_hits_total");
	free(page);
	page = http_get(mport, "/metrics");
	*misses = parse_page(page, "quartier_project_cache_misses_total");
	free(page);
	cr_assert(*hits >= 0 && *misses >= 0, "the page has the project cache counters");
}

/* Gets project id and checks that the answer came from the cache (hit)
 * or from project_v (miss), by the counters. */
static qt_project_t cached_get(qt_client_t *c, unsigned mport, int64_t id, int want_hit)
{
	double h0, m0, h1, m1;
	qt_project_t p;
	qt_status_t st;

	cache_counters(mport, &h0, &m0);
	memset(&p, 0, sizeof(p));
	st = qt_project_get(c, id, &p);
	cr_assert_eq(st, QT_OK, "get: %s: %s", qt_status_name(st), qt_client_last_error(c)->message);
	cache_counters(mport, &h1, &m1);
	cr_assert_eq(h1 - h0, want_hit ? 1 : 0, "hits %.0f -> %.0f", h0, h1);
	cr_assert_eq(m1 - m0, want_hit ? 0 : 1, "misses %.0f -> %.0f", m0, m1);
	return p;
}

/* Runs fmt with id (one %lld) as SQL past the server. */
static void by_hand(const char *fmt, int64_t id)
{
	char sql[160];

	snprintf(sql, sizeof(sql), fmt, (long long)id);
	harness_sql_exec(&H, sql);
}

/* project_get answers from its cache only what project_v says now: after
 * an update through the server, a write by hand that bypasses it, and
 * renames of the office, quarter and district whose names the row
 * carries, the next get renders the row again and shows the change. */
Test(metrics, project_cache_answers_only_current_rows)
{
	unsigned mport = pick_port();
	char extra[64];
	qt_client_t *c;
	qt_project_new_t in;
	qt_project_patch_t patch;
	qt_project_t p, g, u;
	int64_t qo[2];
	qt_status_t st;

	snprintf(extra, sizeof(extra), "metrics_port = %u\n", mport);
	harness_standard(&H, extra);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	harness_project_in(&H, &in, "Stadtteilcafé", qo);
	memset(&p, 0, sizeof(p));
	st = qt_project_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "%s", qt_client_last_error(c)->message);

	g = cached_get(c, mport, p.id, 0);
	qt_project_clear(&g);
	g = cached_get(c, mport, p.id, 1);
	cr_assert_str_eq(g.name, "Stadtteilcafé");
	cr_assert_eq(g.version, 1);
	qt_project_clear(&g);

	/* An update through the server. */
	memset(&patch, 0, sizeof(patch));
	patch.id = p.id;
	patch.expected_version = 1;
	patch.name = "Stadtteilcafé Heslach";
	memset(&u, 0, sizeof(u));
	st = qt_project_update(c, &patch, &u);
	cr_assert_eq(st, QT_OK, "%s", qt_client_last_error(c)->message);
	qt_project_clear(&u);
	g = cached_get(c, mport, p.id, 0);
	cr_assert_str_eq(g.name, "Stadtteilcafé Heslach");
	cr_assert_eq(g.version, 2);
	qt_project_clear(&g);
	g = cached_get(c, mport, p.id, 1);
	cr_assert_eq(g.version, 2);
	qt_project_clear(&g);

	/* A write by hand, past the server (the version stays). */
	by_hand("UPDATE project SET description = 'von Hand' WHERE id = %lld", p.id);
	g = cached_get(c, mport, p.id, 0);
	cr_assert_str_eq(g.description, "von Hand");
	cr_assert_eq(g.version, 2);
	qt_project_clear(&g);

	/* The names the row carries. */
	by_hand("UPDATE office SET name = 'Sozialamt (neu)' WHERE id = %lld", H.seed.office_social);
	g = cached_get(c, mport, p.id, 0);
	cr_assert_eq(g.n_lead_office_names, 1);
	cr_assert_str_eq(g.lead_office_names[0], "Sozialamt (neu)");
	qt_project_clear(&g);
	by_hand("UPDATE quarter SET name = 'Heslach-Mitte' WHERE id = %lld", H.seed.quarter_heslach);
	g = cached_get(c, mport, p.id, 0);
	cr_assert_eq(g.n_quarter_names, 1);
	cr_assert_str_eq(g.quarter_names[0], "Heslach-Mitte");
	qt_project_clear(&g);
	by_hand("UPDATE district SET name = 'Süd-West' WHERE id = %lld", H.seed.district_sued);
	g = cached_get(c, mport, p.id, 0);
	cr_assert_str_eq(g.district_names, "Süd-West");
	qt_project_clear(&g);
	g = cached_get(c, mport, p.id, 1);
	cr_assert_str_eq(g.district_names, "Süd-West");
	cr_assert_str_eq(g.description, "von Hand");
	qt_project_clear(&g);

	/* A project that does not exist is not found, cached or not. */
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_project_get(c, p.id + 1000, &g), QT_NOT_FOUND);

	qt_project_clear(&p);
	qt_client_free(c);
	harness_end(&H);
}

/* A counter of the page. */
static double counter(unsigned mport, const char *name)
{
	char *page = http_get(mport, "/metrics");
	double v = parse_page(page, name);

	free(page);
	cr_assert(v >= 0, "the page has %s", name);
	return v;
}

#define BATCH_PROJECTS 6
#define BATCH_GETS 48

/* Cache hits that arrive together are checked together: gets sent in one
 * write reach the server in one loop turn, and their stamps are read by a
 * few statements instead of one each.  Every answer is still the row as
 * it is now: the batch holds an entry that a write by hand made stale
 * (answered with the new row), one whose project was deleted by hand
 * (not found), duplicates, and current entries. */
Test(metrics, project_cache_checks_hits_in_batches)
{
	unsigned mport = pick_port();
	char extra[64];
	qt_client_t *c;
	qt_project_new_t in;
	qt_project_t p;
	int64_t qo[2], ids[BATCH_PROJECTS];
	raw_conn_t r;
	uint8_t *frame;
	size_t frame_len;
	bb_t all = {0};
	double hits0, batches0, hits1, batches1;
	int seen[BATCH_GETS] = {0};
	const int stale = 2, gone = 4;

	snprintf(extra, sizeof(extra), "metrics_port = %u\n", mport);
	harness_standard(&H, extra);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	for (int i = 0; i < BATCH_PROJECTS; i++) {
		char name[64];

		snprintf(name, sizeof(name), "Quartiersprojekt %d", i);
		harness_project_in(&H, &in, name, qo);
		memset(&p, 0, sizeof(p));
		cr_assert_eq(qt_project_create(c, &in, &p), QT_OK, "%s", qt_client_last_error(c)->message);
		ids[i] = p.id;
		qt_project_clear(&p);
		/* Twice: the first get fills the cache, the second hits. */
		for (int k = 0; k < 2; k++) {
			memset(&p, 0, sizeof(p));
			cr_assert_eq(qt_project_get(c, ids[i], &p), QT_OK);
			qt_project_clear(&p);
		}
	}
	qt_client_free(c);

	by_hand("UPDATE project SET description = 'von Hand' WHERE id = %lld", ids[stale]);
	by_hand("DELETE FROM project_quarter WHERE project_id = %lld", ids[gone]);
	by_hand("DELETE FROM project_lead_office WHERE project_id = %lld", ids[gone]);
	by_hand("DELETE FROM project_coordinator WHERE project_id = %lld", ids[gone]);
	by_hand("DELETE FROM project WHERE id = %lld", ids[gone]);

	raw_open(&H, &r);
	raw_hello(&r);
	cr_assert_eq(raw_login_as(&r, "admin", HARNESS_PASSWORD), 0);
	for (int i = 0; i < BATCH_GETS; i++) {
		Quartier__V1__Envelope env = QUARTIER__V1__ENVELOPE__INIT;
		Quartier__V1__Request rq = QUARTIER__V1__REQUEST__INIT;
		Quartier__V1__ProjectGetRequest g = QUARTIER__V1__PROJECT_GET_REQUEST__INIT;

		g.id = ids[i % BATCH_PROJECTS];
		rq.id = 100 + (uint64_t)i;
		rq.body_case = QUARTIER__V1__REQUEST__BODY_PROJECT_GET;
		rq.project_get = &g;
		env.kind_case = QUARTIER__V1__ENVELOPE__KIND_REQUEST;
		env.request = &rq;
		raw_pack(&env, &frame, &frame_len);
		bb_put(&all, frame, frame_len);
		free(frame);
	}
	hits0 = counter(mport, "quartier_project_cache_hits_total");
	batches0 = counter(mport, "quartier_project_cache_check_batches_total");
	cr_assert_eq(raw_write(&r, all.p, all.n), 0);
	bb_free(&all);

	for (int n = 0; n < BATCH_GETS; n++) {
		qt_envelope_t *e = NULL;
		const Quartier__V1__Response *resp;
		int i, k;

		cr_assert_eq(raw_recv(&r, 20000, &e), 1, "answer %d of %d", n + 1, BATCH_GETS);
		cr_assert_eq(e->kind_case, QUARTIER__V1__ENVELOPE__KIND_RESPONSE);
		resp = e->response;
		cr_assert(resp->id >= 100 && resp->id < 100 + BATCH_GETS, "response id %llu",
		          (unsigned long long)resp->id);
		i = (int)(resp->id - 100);
		cr_assert_eq(seen[i], 0, "request %d answered twice", i);
		seen[i] = 1;
		k = i % BATCH_PROJECTS;
		if (k == gone) {
			cr_assert_not_null(resp->error, "the deleted project is not found (request %d)", i);
			cr_assert_eq(resp->error->status, QT_NOT_FOUND);
		} else {
			char name[64];

			cr_assert_null(resp->error, "request %d: %s", i,
			               resp->error != NULL ? resp->error->message : "");
			cr_assert_eq(resp->body_case, QUARTIER__V1__RESPONSE__BODY_PROJECT);
			cr_assert_eq(resp->project->id, ids[k]);
			snprintf(name, sizeof(name), "Quartiersprojekt %d", k);
			cr_assert_str_eq(resp->project->name, name);
			if (k == stale)
				cr_assert_str_eq(resp->project->description, "von Hand", "request %d", i);
			else
				cr_assert_str_neq(resp->project->description, "von Hand", "request %d", i);
		}
		envelope_free(e);
	}
	raw_close(&r);

	/* The four current projects hit every time; the stale one hits only
	 * if some of its gets were checked after the first rendered it anew
	 * (in a later batch).  The batches that checked them were fewer than
	 * the hits. */
	hits1 = counter(mport, "quartier_project_cache_hits_total");
	batches1 = counter(mport, "quartier_project_cache_check_batches_total");
	cr_assert(hits1 - hits0 >= 4 * (BATCH_GETS / BATCH_PROJECTS) &&
	          hits1 - hits0 < 5 * (BATCH_GETS / BATCH_PROJECTS),
	          "hits %.0f -> %.0f", hits0, hits1);
	cr_assert_lt(batches1 - batches0, (hits1 - hits0) / 4, "%.0f batches for %.0f hits",
	             batches1 - batches0, hits1 - hits0);
	harness_end(&H);
}

#define MEMO_PROJECTS 300 /* small groups: a membership re-feeds its group's persons */
#define MEMO_PERSONS 600
#define MEMO_MEMBERSHIPS (2 * MEMO_PERSONS)

/* Whether every membership record of the replica carries, byte for byte,
 * the person record of its person. */
static void expect_memberships_carry_their_persons(qt_store_t *s)
{
	qt_record_t *list = NULL;
	size_t n = 0;

	cr_assert_eq(qt_store_list(s, QT_RECORD_MEMBERSHIP, &list, &n), QT_OK);
	cr_assert_eq(n, MEMO_MEMBERSHIPS, "%zu membership records", n);
	for (size_t i = 0; i < n; i++) {
		Quartier__V1__Membership *m =
		    quartier__v1__membership__unpack(NULL, list[i].body_len, list[i].body);
		qt_record_t pr;
		uint8_t *packed;
		size_t len;

		cr_assert_not_null(m);
		cr_assert_not_null(m->person, "membership %lld without its person",
		                   (long long)list[i].id);
		cr_assert_eq(m->person->id, m->person_id);
		cr_assert_eq(qt_store_get(s, QT_RECORD_PERSON, m->person_id, &pr), QT_OK);
		len = quartier__v1__person__get_packed_size(m->person);
		packed = malloc(len + 1);
		quartier__v1__person__pack(m->person, packed);
		cr_assert(len == pr.body_len && memcmp(packed, pr.body, len) == 0,
		          "membership %lld carries another person %lld than the person record",
		          (long long)list[i].id, (long long)m->person_id);
		free(packed);
		qt_record_clear(&pr);
		quartier__v1__membership__free_unpacked(m, NULL);
	}
	qt_record_list_free(list, n);
}

/* A snapshot renders each person once: the person of a membership record
 * comes from the connection's memo of the snapshot's persons (a hit),
 * unless the person is rendered in the same page (a miss).  A pull has no
 * memo and renders them in the database (a miss each).  Whatever their
 * way, membership records carry the person as the person record has it,
 * and the replica verifies against the server (whose verify keeps a memo
 * of its own) without a difference. */
Test(metrics, snapshot_takes_the_persons_of_memberships_from_its_memo)
{
	unsigned mport = pick_port();
	char extra[64], sql[1024], path[512], err[256];
	const char *tmp = getenv("QT_TEST_TMPDIR");
	double hits0, misses0, hits1, misses1, hits2, misses2;
	qt_client_t *c;
	qt_store_t *s = NULL;
	qt_sync_stats_t st;
	qt_verify_sum_t *sums = NULL;
	size_t nsums = 0, diverged = 1;
	int settled = 0;
	int64_t changed;

	snprintf(extra, sizeof(extra), "metrics_port = %u\n", mport);
	harness_standard(&H, extra);
	/* Persons and memberships enough for pages of persons before pages of
	 * memberships (the client asks for 500 records a page). */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO project (name, kind) SELECT 'Projekt ' || g, 'focused' "
	         "FROM generate_series(1, %d) g; "
	         "INSERT INTO project_quarter SELECT id, %lld FROM project; "
	         "INSERT INTO person (name, email, phone) SELECT 'Person ' || g, "
	         "'p' || g || '@example.org', '0711 ' || g FROM generate_series(1, %d) g; "
	         "INSERT INTO membership (project_id, person_id, role, start_date) "
	         "SELECT pr.id, pe.id, 'civic', current_date - 10 "
	         "FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM project) pr, "
	         "(SELECT id, row_number() OVER (ORDER BY id) AS i FROM person) pe "
	         "WHERE pr.k = pe.i %% %d OR pr.k = (pe.i + 7) %% %d",
	         MEMO_PROJECTS, (long long)H.seed.quarter_heslach, MEMO_PERSONS, MEMO_PROJECTS,
	         MEMO_PROJECTS);
	harness_sql_exec(&H, sql);
	cr_assert_eq(harness_sql_int(&H, "SELECT count(*) FROM membership", 0, NULL, NULL, NULL),
	             MEMO_MEMBERSHIPS);

	snprintf(path, sizeof(path), "%s/metrics-memo-%d.db", tmp != NULL ? tmp : "/tmp",
	         (int)getpid());
	unlink(path);
	cr_assert_eq(qt_store_open(path, 1, "test-metrics-memo-01", &s, err, sizeof(err)), QT_OK,
	             "%s", err);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);

	hits0 = counter(mport, "quartier_sync_person_memo_hits_total");
	misses0 = counter(mport, "quartier_sync_person_memo_misses_total");
	memset(&st, 0, sizeof(st));
	cr_assert_eq(qt_sync(c, s, NULL, NULL, NULL, &st), QT_OK);
	cr_assert(st.snapshot);
	qt_sync_stats_clear(&st);
	hits1 = counter(mport, "quartier_sync_person_memo_hits_total");
	misses1 = counter(mport, "quartier_sync_person_memo_misses_total");
	/* Each membership record counts once; all but those of the page the
	 * persons end in find their person in the memo. */
	cr_assert_eq((hits1 - hits0) + (misses1 - misses0), MEMO_MEMBERSHIPS,
	             "hits %.0f -> %.0f, misses %.0f -> %.0f", hits0, hits1, misses0, misses1);
	cr_assert_geq(hits1 - hits0, MEMO_MEMBERSHIPS - 500, "hits %.0f -> %.0f", hits0, hits1);
	expect_memberships_carry_their_persons(s);

	/* A change of a person reaches its memberships through a pull, which
	 * renders their persons in the database. */
	changed = harness_sql_int(&H,
	                          "UPDATE person SET phone = '0711 neu', version = version + 1 "
	                          "WHERE id = (SELECT min(id) FROM person WHERE name LIKE 'Person %') "
	                          "RETURNING id",
	                          0, NULL, NULL, NULL);
	cr_assert_gt(changed, 0);
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < 100 && st.changed == 0; i++) { /* until the feed's horizon passes it */
		qt_sync_stats_clear(&st);
		memset(&st, 0, sizeof(st));
		cr_assert_eq(qt_sync(c, s, NULL, NULL, NULL, &st), QT_OK);
		if (st.changed == 0)
			usleep(50 * 1000);
	}
	cr_assert_eq(st.changed, 3, "the person and its two memberships: %llu",
	             (unsigned long long)st.changed);
	qt_sync_stats_clear(&st);
	hits2 = counter(mport, "quartier_sync_person_memo_hits_total");
	misses2 = counter(mport, "quartier_sync_person_memo_misses_total");
	cr_assert_eq(hits2, hits1, "a pull has no memo");
	cr_assert_eq(misses2 - misses1, 2, "misses %.0f -> %.0f", misses1, misses2);
	expect_memberships_carry_their_persons(s);

	cr_assert_eq(qt_verify(c, s, &sums, &nsums, &diverged, &settled), QT_OK);
	cr_assert_eq(diverged, 0, "the replica differs from the server in %zu types", diverged);
	cr_assert(settled);
	free(sums);

	qt_client_free(c);
	qt_store_close(s);
	unlink(path);
	harness_end(&H);
}
