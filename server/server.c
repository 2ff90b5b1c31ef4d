/* Starting, reloading and stopping the server: TLS context, database
 * pool, listener, signals, the sweep timer and what the service manager
 * hears about them (see server.h). */
#include "server.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "handlers.h"
#include "notify.h"
#include "tls.h"

#define SERVER_SWEEP_MS 1000

static void server_listen_cb(uv_stream_t *s, int status)
{
	server_t *srv = s->data;

	if (status < 0) {
		log_warning(&srv->log, "event=accept_failed error=\"%s\"", uv_strerror(status));
		return;
	}
	conn_accept(srv);
}

static void server_handle_closed_cb(uv_handle_t *h)
{
	(void)h;
}

void server_gauges(server_t *srv, metrics_gauges_t *g)
{
	db_pool_stats_t st;

	memset(g, 0, sizeof(*g));

	g->conn_open = srv->n_conns;
	g->ready = srv->notify.ready;
	g->hash_running = srv->hash_running;
	g->hash_queued = srv->hash_queued;
	g->logins_waiting = srv->n_login_delays;
	g->project_cache_hits = srv->projects.hits;
	g->project_cache_misses = srv->projects.misses;
	g->project_cache_check_batches = srv->projects.check_batches;
	if (srv->db != NULL) {
		db_pool_stats(srv->db, &st);
		g->db_size = st.size;
		g->db_connected = st.connected;
		g->db_in_use = st.in_use;
		g->db_waiting = st.waiting;
		g->db_errors = st.errors;
		g->db_reconnects = st.reconnects;
	}
}

/* Fills the gauges of a metrics scrape. */
static void server_gauges_cb(void *arg, metrics_gauges_t *g)
{
	server_gauges(arg, g);
}

/* Ends the loop once no connection and no database work is left. */
static void server_maybe_finish(server_t *srv)
{
	if (!srv->shutting_down || srv->n_conns > 0 || srv->hash_running > 0)
		return;
	if (srv->db != NULL) {
		listen_close(srv->listen);
		srv->listen = NULL;
		session_check_close(&srv->session_check);
		feed_close(&srv->feed);
		project_checks_close(srv);
		conn_output_close(srv);
		audit_seal_close(&srv->audit_seal);
		db_pool_close(srv->db);
		srv->db = NULL;
		uv_timer_stop(&srv->sweep);
		uv_close((uv_handle_t *)&srv->sweep, server_handle_closed_cb);
		uv_close((uv_handle_t *)&srv->sig_term, server_handle_closed_cb);
		uv_close((uv_handle_t *)&srv->sig_int, server_handle_closed_cb);
		uv_close((uv_handle_t *)&srv->sig_hup, server_handle_closed_cb);
		if (srv->ready_check_open) {
			srv->ready_check_open = 0;
			uv_close((uv_handle_t *)&srv->ready_check, server_handle_closed_cb);
		}
		/* The watchdog pings until here: a drain that hangs gets noticed. */
		notify_close(&srv->notify);
		log_notice(&srv->log, "event=stopped");
	}
}

void server_conn_gone(server_t *srv)
{
	server_maybe_finish(srv);
}

/* The STATUS= line while serving. */
static void server_status(const server_t *srv, char *buf, size_t len, const char *extra)
{
	snprintf(buf, len, "serving on %s:%u, %u connection%s%s%s", srv->cfg.listen_addr,
	         srv->cfg.listen_port, srv->n_conns, srv->n_conns == 1 ? "" : "s",
	         extra != NULL ? "; " : "", extra != NULL ? extra : "");
}

/* Password hashes compute on pool threads, reading srv->auth: new Argon2
 * parameters from a reload take effect only while no hash runs. */
static void server_apply_auth(server_t *srv)
{
	if (!srv->auth_pending || srv->hash_running > 0)
		return;
	srv->auth = srv->auth_next;
	srv->auth_pending = 0;
	log_info(&srv->log, "event=argon2_params memory_kib=%u iterations=%u parallelism=%u",
	         srv->auth.memory_kib, srv->auth.iterations, srv->auth.parallelism);
}

static void server_sweep_cb(uv_timer_t *t)
{
	server_t *srv = t->data;

	/* A connection that could not be accepted for want of memory. */
	if (srv->accept_deferred && !srv->shutting_down) {
		srv->accept_deferred = 0;
		conn_accept(srv);
	}
	conn_sweep(srv, uv_now(srv->loop));
	server_apply_auth(srv);
	session_check_tick(&srv->session_check);
	session_throttle_tick(srv, uv_now(srv->loop));
	if (srv->notify.ready && !srv->shutting_down && srv->status_conns != srv->n_conns) {
		char status[256];
		srv->status_conns = srv->n_conns;
		server_status(srv, status, sizeof(status), NULL);
		notify_status(&srv->notify, status);
	}
	server_maybe_finish(srv);
}

/* Runs after every poll phase until the database pool has a connection
 * (the listener is already up), so READY=1 follows the first connection
 * within the same loop iteration; then it closes itself. */
static void server_ready_check_cb(uv_check_t *h)
{
	server_t *srv = h->data;
	char status[256];

	if (srv->shutting_down || srv->db == NULL || db_pool_connected(srv->db) == 0)
		return;
	srv->ready_check_open = 0;
	uv_close((uv_handle_t *)&srv->ready_check, server_handle_closed_cb);
	srv->status_conns = srv->n_conns;
	server_status(srv, status, sizeof(status), NULL);
	notify_ready(&srv->notify, status);
	log_notice(&srv->log, "event=ready");
}

void server_shutdown(server_t *srv)
{
	if (srv->shutting_down)
		return;
	srv->shutting_down = 1;
	srv->shutdown_deadline = uv_now(srv->loop) + srv->cfg.shutdown_timeout * 1000ull;
	log_notice(&srv->log, "event=shutdown connections=%u", srv->n_conns);
	{
		char status[128];
		snprintf(status, sizeof(status), "stopping: finishing %u connection%s", srv->n_conns,
		         srv->n_conns == 1 ? "" : "s");
		notify_stopping(&srv->notify, status);
	}
	if (srv->listening) {
		uv_close((uv_handle_t *)&srv->listener, server_handle_closed_cb);
		srv->listening = 0;
	}
	metrics_http_close(srv->metrics_http);
	srv->metrics_http = NULL;
	/* Logins waiting out a delay are answered now, not after it. */
	session_login_cancel_all(srv);
	/* Idle connections go now; busy ones when their last answer is out
	 * (checked by the sweep) or at the deadline. */
	conn_sweep(srv, uv_now(srv->loop));
	server_maybe_finish(srv);
}

static void server_signal_cb(uv_signal_t *h, int signum)
{
	server_t *srv = h->data;

	if (signum == SIGHUP) {
		(void)server_reload(srv);
		return;
	}
	server_shutdown(srv);
}

/* Copies msg for a quoted log field: double quotes become single ones. */
static const char *server_log_quote(const char *msg, char *buf, size_t len)
{
	snprintf(buf, len, "%s", msg);
	for (char *p = buf; *p != '\0'; p++)
		if (*p == '"')
			*p = '\'';
	return buf;
}

qt_status_t server_reload(server_t *srv)
{
	config_t next;
	SSL_CTX *ctx = NULL;
	auth_params_t ap;
	char err[512], quoted[512], reason[560], changed[256], status[768], dummy[AUTH_ENCODED_MAX];
	int loaded = 0, new_auth;
	unsigned nchanged;
	qt_status_t rc;

	if (srv->shutting_down) {
		log_notice(&srv->log, "event=reload status=ignored msg=\"the server is shutting down\"");
		return QT_UNAVAILABLE;
	}
	notify_reloading(&srv->notify);
	log_notice(&srv->log, "event=reload file=%s",
	           srv->config_path != NULL ? srv->config_path : "(none)");

	/* Everything is built aside; srv changes only once all of it worked. */
	rc = config_load(&next, srv->config_path, srv->overrides, srv->noverrides, err,
	                 sizeof(err));
	if (rc != QT_OK)
		goto refused;
	loaded = 1;
	rc = config_validate(&next, err, sizeof(err));
	if (rc != QT_OK)
		goto refused;
	nchanged = config_keep_restart_keys(&next, &srv->cfg, changed, sizeof(changed));
	ctx = tls_ctx_new(&next, err, sizeof(err));
	if (ctx == NULL) {
		rc = QT_INVALID_ARGUMENT;
		goto refused;
	}
	ap.memory_kib = next.argon2_memory_kib;
	ap.iterations = next.argon2_iterations;
	ap.parallelism = next.argon2_parallelism;
	new_auth = ap.memory_kib != srv->cfg.argon2_memory_kib ||
	           ap.iterations != srv->cfg.argon2_iterations ||
	           ap.parallelism != srv->cfg.argon2_parallelism;
	/* Unknown logins are verified against a hash made like real ones. */
	if (new_auth && auth_dummy_hash(&ap, dummy, sizeof(dummy)) != QT_OK) {
		snprintf(err, sizeof(err), "cannot compute the dummy password hash with the new argon2 parameters");
		rc = QT_INTERNAL;
		goto refused;
	}

	/* Commit.  Connections made before keep their SSL objects, which hold
	 * a reference on the old context, so freeing ours is safe. */
	if (nchanged > 0)
		log_warning(&srv->log,
		            "event=reload_restart_required keys=%s msg=\"changed keys that take effect "
		            "only at start keep their running values; restart to apply them\"",
		            changed);
	SSL_CTX_free(srv->ssl_ctx);
	srv->ssl_ctx = ctx;
	config_free(&srv->cfg);
	srv->cfg = next;
	srv->log.level = log_level_parse(srv->cfg.log_level);
	throttle_policy_from_config(&srv->cfg, &srv->throttle);
	if (new_auth) {
		memcpy(srv->dummy_hash, dummy, sizeof(srv->dummy_hash));
		srv->auth_next = ap;
		srv->auth_pending = 1;
		server_apply_auth(srv);
	}
	log_notice(&srv->log, "event=reload status=ok restart_required=%u", nchanged);
	server_status(srv, status, sizeof(status), "configuration reloaded");
	notify_reloaded(&srv->notify, status);
	return QT_OK;

refused:
	if (loaded)
		config_free(&next);
	log_error(&srv->log,
	          "event=reload status=refused error=\"%s\" msg=\"the running configuration stays in force\"",
	          server_log_quote(err, quoted, sizeof(quoted)));
	snprintf(reason, sizeof(reason), "reload refused: %s", err);
	server_status(srv, status, sizeof(status), reason);
	notify_reloaded(&srv->notify, status);
	return rc;
}

qt_status_t server_start(server_t *srv, uv_loop_t *loop, config_t *cfg,
                         const char *config_path, char *const *overrides, size_t noverrides,
                         char *err, size_t err_len)
{
	struct sockaddr_storage addr;
	db_pool_opts_t dbo;
	int rc;

	memset(srv, 0, sizeof(*srv));
	srv->loop = loop;
	{
		uint64_t seed = uv_hrtime();
		(void)RAND_bytes((unsigned char *)&seed, sizeof(seed)); /* else the clock */
		addrcount_init(&srv->per_addr, seed);
		throttle_addr_init(&srv->login_addr, seed ^ 0x9e3779b97f4a7c15ull);
	}
	srv->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg)); /* strings now belong to srv */
	srv->config_path = config_path != NULL ? strdup(config_path) : NULL;
	if (config_path != NULL && srv->config_path == NULL)
		abort();
	if (noverrides > 0) {
		srv->overrides = calloc(noverrides, sizeof(*srv->overrides));
		if (srv->overrides == NULL)
			abort();
		for (size_t i = 0; i < noverrides; i++)
			if ((srv->overrides[i] = strdup(overrides[i])) == NULL)
				abort();
		srv->noverrides = noverrides;
	}
	srv->log.level = log_level_parse(srv->cfg.log_level);
	throttle_policy_from_config(&srv->cfg, &srv->throttle);
	srv->auth.memory_kib = srv->cfg.argon2_memory_kib;
	srv->auth.iterations = srv->cfg.argon2_iterations;
	srv->auth.parallelism = srv->cfg.argon2_parallelism;
	if (auth_dummy_hash(&srv->auth, srv->dummy_hash, sizeof(srv->dummy_hash)) != QT_OK) {
		snprintf(err, err_len, "cannot compute the dummy password hash");
		return QT_INTERNAL;
	}

	/* Touched now, so that it is really there when malloc fails. */
	srv->oom_reserve = malloc(SERVER_OOM_RESERVE);
	if (srv->oom_reserve == NULL) {
		snprintf(err, err_len, "out of memory");
		return QT_INTERNAL;
	}
	memset(srv->oom_reserve, 0, SERVER_OOM_RESERVE);

	srv->ssl_ctx = tls_ctx_new(&srv->cfg, err, err_len);
	if (srv->ssl_ctx == NULL)
		return QT_INVALID_ARGUMENT;

	if (uv_ip4_addr(srv->cfg.listen_addr, (int)srv->cfg.listen_port, (struct sockaddr_in *)&addr) != 0 &&
	    uv_ip6_addr(srv->cfg.listen_addr, (int)srv->cfg.listen_port, (struct sockaddr_in6 *)&addr) != 0) {
		snprintf(err, err_len, "listen_addr: \"%s\" is not an IPv4 or IPv6 address", srv->cfg.listen_addr);
		return QT_INVALID_ARGUMENT;
	}
	uv_tcp_init(loop, &srv->listener);
	srv->listener.data = srv;
	rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&addr, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&srv->listener, 511, server_listen_cb);
	if (rc != 0) {
		snprintf(err, err_len, "cannot listen on %s:%u: %s", srv->cfg.listen_addr,
		         srv->cfg.listen_port, uv_strerror(rc));
		uv_close((uv_handle_t *)&srv->listener, NULL);
		return QT_UNAVAILABLE;
	}
	srv->listening = 1;

	memset(&dbo, 0, sizeof(dbo));
	dbo.conninfo = srv->cfg.db_conninfo;
	dbo.size = srv->cfg.db_pool_size;
	dbo.queue_max = srv->cfg.db_queue_max;
	dbo.reconnect_ms = srv->cfg.db_reconnect_ms;
	db_pool_new(loop, &srv->log, &dbo, &srv->db);
	feed_init(&srv->feed, srv);
	if (project_cache_init(&srv->projects) != 0)
		log_warning(&srv->log, "event=project_cache_off reason=\"no memory\"");
	project_checks_init(srv);
	conn_output_init(srv);
	audit_seal_init(&srv->audit_seal, srv);
	session_check_init(&srv->session_check, srv);
	{
		static const char *const channels[] = {SESSION_CHECK_CHANNEL, NULL};
		listen_opts_t lo;

		memset(&lo, 0, sizeof(lo));
		lo.conninfo = srv->cfg.db_conninfo;
		lo.reconnect_ms = srv->cfg.db_reconnect_ms;
		lo.channels = channels;
		lo.on_notify = session_check_notify_cb;
		lo.on_ready = session_check_ready_cb;
		lo.arg = &srv->session_check;
		listen_start(loop, &srv->log, &lo, &srv->listen);
	}

	srv->metrics.started_at = (uint64_t)time(NULL);
	if (srv->cfg.metrics_port != 0) {
		rc = metrics_http_start(loop, srv->cfg.metrics_addr, srv->cfg.metrics_port,
		                        &srv->metrics, server_gauges_cb, srv, &srv->metrics_http);
		if (rc != 0) {
			snprintf(err, err_len, "cannot serve metrics on %s:%u: %s", srv->cfg.metrics_addr,
			         srv->cfg.metrics_port, uv_strerror(rc));
			return QT_UNAVAILABLE;
		}
	}

	uv_timer_init(loop, &srv->sweep);
	srv->sweep.data = srv;
	uv_timer_start(&srv->sweep, server_sweep_cb, SERVER_SWEEP_MS, SERVER_SWEEP_MS);
	uv_signal_init(loop, &srv->sig_term);
	uv_signal_init(loop, &srv->sig_int);
	uv_signal_init(loop, &srv->sig_hup);
	srv->sig_term.data = srv->sig_int.data = srv->sig_hup.data = srv;
	uv_signal_start(&srv->sig_term, server_signal_cb, SIGTERM);
	uv_signal_start(&srv->sig_int, server_signal_cb, SIGINT);
	uv_signal_start(&srv->sig_hup, server_signal_cb, SIGHUP);
	notify_init(&srv->notify, loop, &srv->log);
	notify_status(&srv->notify, "waiting for the database");
	uv_check_init(loop, &srv->ready_check);
	srv->ready_check.data = srv;
	srv->ready_check_open = 1;
	uv_check_start(&srv->ready_check, server_ready_check_cb);

	log_notice(&srv->log, "event=listening addr=%s port=%u version=%s", srv->cfg.listen_addr,
	           srv->cfg.listen_port, QUARTIER_VERSION);
	return QT_OK;
}

void server_free(server_t *srv)
{
	session_check_free(&srv->session_check);
	project_cache_free(&srv->projects);

	addrcount_free(&srv->per_addr);
	throttle_addr_free(&srv->login_addr);
	SSL_CTX_free(srv->ssl_ctx);
	srv->ssl_ctx = NULL;
	free(srv->oom_reserve);
	srv->oom_reserve = NULL;
	config_free(&srv->cfg);
	free(srv->config_path);
	for (size_t i = 0; i < srv->noverrides; i++)
		free(srv->overrides[i]);
	free(srv->overrides);
}
