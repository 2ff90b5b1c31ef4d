/* admin_stats: the figures of the Prometheus page (metrics.c) over the
 * protocol, for admins — counters from srv->metrics and the gauges that a
 * scrape reads (server_gauges()). */
#include "handlers.h"

void admin_stats(req_t *r)
{
	const metrics_t *m = &r->srv->metrics;
	Quartier__V1__AdminStats *out;
	metrics_gauges_t g;
	qt_status_t st;

	if ((st = perm_admin(&r->actor)) != QT_OK) {
		req_fail(r, st, "only administrators see server statistics", NULL);
		return;
	}
	server_gauges(r->srv, &g);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__admin_stats__init(out);
	out->started_at = (int64_t)m->started_at;
	out->ready = g.ready != 0;
	out->conn_open = g.conn_open;
	out->conn_accepted = m->conn_accepted;
	out->conn_refused = m->conn_refused;
	out->tls_handshakes = m->tls_handshakes;
	out->tls_failures = m->tls_failures;
	out->protocol_errors = m->protocol_errors;
	out->logins_failed = m->logins_failed;
	out->db_size = g.db_size;
	out->db_connected = g.db_connected;
	out->db_in_use = g.db_in_use;
	out->db_waiting = g.db_waiting;
	out->db_errors = g.db_errors;
	out->db_reconnects = g.db_reconnects;
	out->hash_running = g.hash_running;
	out->hash_queued = g.hash_queued;
	out->n_latency_bounds = METRICS_BUCKETS;
	out->latency_bounds = req_alloc(r, METRICS_BUCKETS * sizeof(*out->latency_bounds));
	for (int k = 0; k < METRICS_BUCKETS; k++)
		out->latency_bounds[k] = metrics_bucket_bound(k);
	out->requests = req_alloc(r, (m->ntypes + 1) * sizeof(*out->requests));
	for (unsigned i = 0; i < m->ntypes; i++) {
		const metrics_type_t *t = &m->types[i];
		Quartier__V1__RequestTypeStats *ts = req_alloc(r, sizeof(*ts));
		size_t n = 0;

		quartier__v1__request_type_stats__init(ts);
		ts->type = (char *)t->name;
		ts->count = t->count;
		ts->seconds_sum = t->sum;
		ts->by_status = req_alloc(r, METRICS_NSTATUS * sizeof(*ts->by_status));
		for (int s = 0; s < METRICS_NSTATUS; s++) {
			Quartier__V1__StatusCount *sc;
			if (t->by_status[s] == 0)
				continue;
			sc = req_alloc(r, sizeof(*sc));
			quartier__v1__status_count__init(sc);
			sc->status = (Quartier__V1__Status)s;
			sc->count = t->by_status[s];
			ts->by_status[n++] = sc;
		}
		ts->n_by_status = n;
		ts->n_buckets = METRICS_BUCKETS;
		ts->buckets = req_alloc(r, METRICS_BUCKETS * sizeof(*ts->buckets));
		for (int k = 0; k < METRICS_BUCKETS; k++)
			ts->buckets[k] = t->buckets[k];
		out->requests[out->n_requests++] = ts;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ADMIN_STATS;
	r->resp.admin_stats = out;
	req_reply(r);
}
