/* Prometheus metrics (see metrics.h): recording, rendering, and the HTTP
 * endpoint.  A scrape connection reads at most one request head (8 KiB),
 * answers, and closes; a timer ends scrapes that stall. */
#include "metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double metrics_bounds[METRICS_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
};

#define METRICS_HTTP_HEAD_MAX 8192
#define METRICS_HTTP_TIMEOUT_MS 5000

void metrics_request(metrics_t *m, const char *type, qt_status_t st, double seconds)
{
	metrics_type_t *t = NULL;

	for (unsigned i = 0; i < m->ntypes; i++) {
		if (m->types[i].name == type || strcmp(m->types[i].name, type) == 0) {
			t = &m->types[i];
			break;
		}
	}
	if (t == NULL) {
		if (m->ntypes == METRICS_MAX_TYPES)
			return;
		t = &m->types[m->ntypes++];
		t->name = type;
	}
	if ((int)st >= 0 && (int)st < METRICS_NSTATUS)
		t->by_status[st]++;
	for (int b = 0; b < METRICS_BUCKETS; b++)
		if (seconds <= metrics_bounds[b])
			t->buckets[b]++;
	t->count++;
	t->sum += seconds;
}

/* ------------------------------------------------------------ rendering */

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf_t;

static void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)(n > 0 ? n : 64);
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
}

static void sb_metric(sbuf_t *b, const char *name, const char *type, const char *help)
{
	sb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

double metrics_bucket_bound(int k)
{
	return metrics_bounds[k];
}

char *metrics_render(const metrics_t *m, const metrics_gauges_t *g, size_t *len)
{
	sbuf_t b = {NULL, 0, 4096};

	b.p = malloc(b.cap);
	if (b.p == NULL)
		abort();
	b.p[0] = '\0';

	sb_metric(&b, "quartier_up", "gauge", "1 once the server is ready (listener up, database reached)");
	sb_printf(&b, "quartier_up %d\n", g->ready ? 1 : 0);
	sb_metric(&b, "quartier_start_time_seconds", "gauge", "Unix time the server started");
	sb_printf(&b, "quartier_start_time_seconds %llu\n", (unsigned long long)m->started_at);

	sb_metric(&b, "quartier_connections_open", "gauge", "Client connections open now");
	sb_printf(&b, "quartier_connections_open %u\n", g->conn_open);
	sb_metric(&b, "quartier_connections_accepted_total", "counter", "Client connections accepted");
	sb_printf(&b, "quartier_connections_accepted_total %llu\n", (unsigned long long)m->conn_accepted);
	sb_metric(&b, "quartier_connections_refused_total", "counter",
	          "Client connections closed at accept (connection limit, shutdown)");
	sb_printf(&b, "quartier_connections_refused_total %llu\n", (unsigned long long)m->conn_refused);
	sb_metric(&b, "quartier_connections_refused_per_address_total", "counter",
	          "Client connections closed at accept because their source address had "
	          "max_connections_per_address open");
	sb_printf(&b, "quartier_connections_refused_per_address_total %llu\n",
	          (unsigned long long)m->conn_refused_per_address);
	sb_metric(&b, "quartier_protocol_errors_total", "counter",
	          "Connections closed because of protocol errors or limits");
	sb_printf(&b, "quartier_protocol_errors_total %llu\n", (unsigned long long)m->protocol_errors);

	sb_metric(&b, "quartier_tls_handshakes_total", "counter", "Completed TLS handshakes");
	sb_printf(&b, "quartier_tls_handshakes_total %llu\n", (unsigned long long)m->tls_handshakes);
	sb_metric(&b, "quartier_tls_failures_total", "counter", "Failed TLS handshakes and TLS errors");
	sb_printf(&b, "quartier_tls_failures_total %llu\n", (unsigned long long)m->tls_failures);
	sb_metric(&b, "quartier_logins_failed_total", "counter", "Logins refused for a wrong login or password");
	sb_printf(&b, "quartier_logins_failed_total %llu\n", (unsigned long long)m->logins_failed);
	sb_metric(&b, "quartier_logins_delayed_total", "counter",
	          "Login attempts made to wait after failed logins of their login name or address");
	sb_printf(&b, "quartier_logins_delayed_total %llu\n", (unsigned long long)m->logins_delayed);
	sb_metric(&b, "quartier_logins_waiting", "gauge", "Login attempts waiting out their delay now");
	sb_printf(&b, "quartier_logins_waiting %u\n", g->logins_waiting);
	sb_metric(&b, "quartier_login_lockouts_total", "counter",
	          "Logins locked after too many failed attempts");
	sb_printf(&b, "quartier_login_lockouts_total %llu\n", (unsigned long long)m->login_lockouts);

	sb_metric(&b, "quartier_audit_sealed_total", "counter",
	          "Audit rows this server appended to the audit log's hash chain");
	sb_printf(&b, "quartier_audit_sealed_total %llu\n", (unsigned long long)m->audit_sealed);
	sb_metric(&b, "quartier_audit_seal_failures_total", "counter", "Audit sealing rounds that failed");
	sb_printf(&b, "quartier_audit_seal_failures_total %llu\n",
	          (unsigned long long)m->audit_seal_failures);
	sb_metric(&b, "quartier_audit_chain_breaks_total", "counter",
	          "Breaks of the audit log's hash chain found by the sealer or a verification");
	sb_printf(&b, "quartier_audit_chain_breaks_total %llu\n", (unsigned long long)m->audit_breaks);
	sb_metric(&b, "quartier_sync_person_memo_hits_total", "counter",
	          "Persons of membership records a snapshot took from its person memo");
	sb_printf(&b, "quartier_sync_person_memo_hits_total %llu\n",
	          (unsigned long long)m->sync_person_memo_hits);
	sb_metric(&b, "quartier_sync_person_memo_misses_total", "counter",
	          "Persons of membership records the database rendered (no memo, or not in it)");
	sb_printf(&b, "quartier_sync_person_memo_misses_total %llu\n",
	          (unsigned long long)m->sync_person_memo_misses);

	sb_metric(&b, "quartier_requests_total", "counter", "Requests answered, by type and status");
	for (unsigned i = 0; i < m->ntypes; i++)
		for (int s = 0; s < METRICS_NSTATUS; s++)
			if (m->types[i].by_status[s] > 0)
				sb_printf(&b, "quartier_requests_total{type=\"%s\",status=\"%s\"} %llu\n",
				          m->types[i].name, qt_status_name((qt_status_t)s),
				          (unsigned long long)m->types[i].by_status[s]);

	sb_metric(&b, "quartier_request_duration_seconds", "histogram",
	          "Time from dispatch to answer, by request type");
	for (unsigned i = 0; i < m->ntypes; i++) {
		const metrics_type_t *t = &m->types[i];
		for (int k = 0; k < METRICS_BUCKETS; k++)
			sb_printf(&b, "quartier_request_duration_seconds_bucket{type=\"%s\",le=\"%g\"} %llu\n",
			          t->name, metrics_bounds[k], (unsigned long long)t->buckets[k]);
		sb_printf(&b, "quartier_request_duration_seconds_bucket{type=\"%s\",le=\"+Inf\"} %llu\n",
		          t->name, (unsigned long long)t->count);
		sb_printf(&b, "quartier_request_duration_seconds_sum{type=\"%s\"} %.6f\n", t->name, t->sum);
		sb_printf(&b, "quartier_request_duration_seconds_count{type=\"%s\"} %llu\n", t->name,
		          (unsigned long long)t->count);
	}

	sb_metric(&b, "quartier_db_pool_size", "gauge", "PostgreSQL connections configured");
	sb_printf(&b, "quartier_db_pool_size %u\n", g->db_size);
	sb_metric(&b, "quartier_db_pool_connected", "gauge", "PostgreSQL connections established");
	sb_printf(&b, "quartier_db_pool_connected %u\n", g->db_connected);
	sb_metric(&b, "quartier_db_pool_in_use", "gauge", "PostgreSQL connections running a query");
	sb_printf(&b, "quartier_db_pool_in_use %u\n", g->db_in_use);
	sb_metric(&b, "quartier_db_pool_waiting", "gauge", "Queries waiting for a free connection");
	sb_printf(&b, "quartier_db_pool_waiting %u\n", g->db_waiting);
	sb_metric(&b, "quartier_db_errors_total", "counter", "Queries that failed in the database or with the connection");
	sb_printf(&b, "quartier_db_errors_total %llu\n", (unsigned long long)g->db_errors);
	sb_metric(&b, "quartier_db_reconnects_total", "counter", "PostgreSQL connections re-established after a loss");
	sb_printf(&b, "quartier_db_reconnects_total %llu\n", (unsigned long long)g->db_reconnects);

	sb_metric(&b, "quartier_project_cache_hits_total", "counter",
	          "Project reads answered from the cache after their stamp was checked");
	sb_printf(&b, "quartier_project_cache_hits_total %llu\n", (unsigned long long)g->project_cache_hits);
	sb_metric(&b, "quartier_project_cache_misses_total", "counter",
	          "Project reads that rendered the row (no entry, or a stale one)");
	sb_printf(&b, "quartier_project_cache_misses_total %llu\n", (unsigned long long)g->project_cache_misses);
	sb_metric(&b, "quartier_project_cache_check_batches_total", "counter",
	          "Statements that read the stamps of waiting cache hits (several hits each under load)");
	sb_printf(&b, "quartier_project_cache_check_batches_total %llu\n",
	          (unsigned long long)g->project_cache_check_batches);

	sb_metric(&b, "quartier_password_hashes_running", "gauge", "Argon2id jobs in the thread pool");
	sb_printf(&b, "quartier_password_hashes_running %u\n", g->hash_running);
	sb_metric(&b, "quartier_password_hashes_waiting", "gauge", "Logins waiting for a hash slot");
	sb_printf(&b, "quartier_password_hashes_waiting %u\n", g->hash_queued);

	*len = b.len;
	return b.p;
}

/* ------------------------------------------------------------ HTTP */

struct metrics_http {
	uv_tcp_t listener;
	uv_loop_t *loop;
	const metrics_t *m;
	metrics_gauges_cb gauges;
	void *arg;
	int closing;
	unsigned open;        /* listener + scrapes not yet closed */
	struct metrics_scrape *scrapes; /* open scrapes, closed with the listener */
};

typedef struct metrics_scrape {
	struct metrics_scrape *prev, *next;
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_write_t wr;
	metrics_http_t *h;
	char head[METRICS_HTTP_HEAD_MAX];
	size_t have;
	char *out;            /* owned response */
	int handles;          /* open handles of this scrape */
	int answered;
} metrics_scrape_t;

static void metrics_http_release(metrics_http_t *h)
{
	if (--h->open == 0 && h->closing)
		free(h);
}

static void scrape_closed_cb(uv_handle_t *hd)
{
	metrics_scrape_t *s = hd->data;
	metrics_http_t *h = s->h;

	if (--s->handles > 0)
		return;
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		h->scrapes = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	free(s->out);
	free(s);
	metrics_http_release(h);
}

static void scrape_close(metrics_scrape_t *s)
{
	if (!uv_is_closing((uv_handle_t *)&s->tcp))
		uv_close((uv_handle_t *)&s->tcp, scrape_closed_cb);
	if (!uv_is_closing((uv_handle_t *)&s->timer))
		uv_close((uv_handle_t *)&s->timer, scrape_closed_cb);
}

static void scrape_written_cb(uv_write_t *w, int status)
{
	(void)status;
	scrape_close(w->data);
}

static void scrape_answer(metrics_scrape_t *s)
{
	metrics_http_t *h = s->h;
	const char *status = "404 Not Found";
	char *body = NULL;
	size_t blen = 0, n;
	uv_buf_t buf;

	s->answered = 1;
	uv_read_stop((uv_stream_t *)&s->tcp);
	if (strncmp(s->head, "GET /metrics ", 13) == 0 || strncmp(s->head, "GET /metrics?", 13) == 0) {
		metrics_gauges_t g;
		memset(&g, 0, sizeof(g));
		h->gauges(h->arg, &g);
		body = metrics_render(h->m, &g, &blen);
		status = "200 OK";
	} else if (strncmp(s->head, "GET ", 4) != 0 && strncmp(s->head, "HEAD ", 5) != 0) {
		status = "405 Method Not Allowed";
	}
	if (body == NULL) {
		body = strdup("not found; try /metrics\n");
		if (body == NULL)
			abort();
		blen = strlen(body);
	}
	n = (size_t)snprintf(NULL, 0,
	                     "HTTP/1.1 %s\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	                     status, blen);
	s->out = malloc(n + blen + 1);
	if (s->out == NULL)
		abort();
	snprintf(s->out, n + 1,
	         "HTTP/1.1 %s\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
	         "Content-Length: %zu\r\nConnection: close\r\n\r\n",
	         status, blen);
	memcpy(s->out + n, body, blen);
	free(body);
	buf = uv_buf_init(s->out, (unsigned)(n + blen));
	s->wr.data = s;
	if (uv_write(&s->wr, (uv_stream_t *)&s->tcp, &buf, 1, scrape_written_cb) != 0)
		scrape_close(s);
}

static void scrape_alloc_cb(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
	metrics_scrape_t *s = hd->data;

	(void)suggested;
	*buf = uv_buf_init(s->head + s->have, (unsigned)(sizeof(s->head) - 1 - s->have));
}

static void scrape_read_cb(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	metrics_scrape_t *s = st->data;

	(void)buf;
	if (nread < 0) {
		scrape_close(s);
		return;
	}
	s->have += (size_t)nread;
	s->head[s->have] = '\0';
	if (strstr(s->head, "\r\n\r\n") != NULL || strstr(s->head, "\n\n") != NULL) {
		scrape_answer(s);
		return;
	}
	if (s->have >= sizeof(s->head) - 1)
		scrape_close(s); /* a request head this long is not a scrape */
}

static void scrape_timeout_cb(uv_timer_t *t)
{
	scrape_close(t->data);
}

static void metrics_listen_cb(uv_stream_t *srv, int status)
{
	metrics_http_t *h = srv->data;
	metrics_scrape_t *s;

	if (status < 0 || h->closing)
		return;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		abort();
	s->h = h;
	uv_tcp_init(h->loop, &s->tcp);
	uv_timer_init(h->loop, &s->timer);
	s->tcp.data = s->timer.data = s;
	s->handles = 2;
	h->open++;
	s->next = h->scrapes;
	if (h->scrapes != NULL)
		h->scrapes->prev = s;
	h->scrapes = s;
	if (uv_accept(srv, (uv_stream_t *)&s->tcp) != 0 ||
	    uv_read_start((uv_stream_t *)&s->tcp, scrape_alloc_cb, scrape_read_cb) != 0) {
		scrape_close(s);
		return;
	}
	uv_timer_start(&s->timer, scrape_timeout_cb, METRICS_HTTP_TIMEOUT_MS, 0);
}

static void metrics_listener_closed_cb(uv_handle_t *hd)
{
	metrics_http_release(hd->data);
}

int metrics_http_start(uv_loop_t *loop, const char *addr, unsigned port,
                       const metrics_t *m, metrics_gauges_cb gauges, void *arg,
                       metrics_http_t **out)
{
	struct sockaddr_storage sa;
	metrics_http_t *h;
	int rc;

	if (uv_ip4_addr(addr, (int)port, (struct sockaddr_in *)&sa) != 0 &&
	    uv_ip6_addr(addr, (int)port, (struct sockaddr_in6 *)&sa) != 0)
		return UV_EINVAL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		abort();
	h->loop = loop;
	h->m = m;
	h->gauges = gauges;
	h->arg = arg;
	h->open = 1;
	uv_tcp_init(loop, &h->listener);
	h->listener.data = h;
	rc = uv_tcp_bind(&h->listener, (const struct sockaddr *)&sa, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&h->listener, 64, metrics_listen_cb);
	if (rc != 0) {
		h->closing = 1;
		uv_close((uv_handle_t *)&h->listener, metrics_listener_closed_cb);
		return rc;
	}
	*out = h;
	return 0;
}

void metrics_http_close(metrics_http_t *h)
{
	if (h == NULL || h->closing)
		return;
	h->closing = 1;
	uv_close((uv_handle_t *)&h->listener, metrics_listener_closed_cb);
	for (metrics_scrape_t *s = h->scrapes; s != NULL; s = s->next)
		scrape_close(s);
}
