/* Starting and stopping the server: TLS context, database pool, listener,
 * signals and the sweep timer (see server.h). */
#include "server.h"

#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
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

/* Ends the loop once no connection and no database work is left. */
static void server_maybe_finish(server_t *srv)
{
	if (!srv->shutting_down || srv->n_conns > 0 || srv->hash_running > 0)
		return;
	if (srv->db != NULL) {
		db_pool_close(srv->db);
		srv->db = NULL;
		uv_timer_stop(&srv->sweep);
		uv_close((uv_handle_t *)&srv->sweep, server_handle_closed_cb);
		uv_close((uv_handle_t *)&srv->sig_term, server_handle_closed_cb);
		uv_close((uv_handle_t *)&srv->sig_int, server_handle_closed_cb);
		uv_close((uv_handle_t *)&srv->sig_hup, server_handle_closed_cb);
		log_notice(&srv->log, "event=stopped");
	}
}

void server_conn_gone(server_t *srv)
{
	server_maybe_finish(srv);
}

static void server_sweep_cb(uv_timer_t *t)
{
	server_t *srv = t->data;

	conn_sweep(srv, uv_now(srv->loop));
	server_maybe_finish(srv);
}

void server_shutdown(server_t *srv)
{
	if (srv->shutting_down)
		return;
	srv->shutting_down = 1;
	srv->shutdown_deadline = uv_now(srv->loop) + srv->cfg.shutdown_timeout * 1000ull;
	log_notice(&srv->log, "event=shutdown connections=%u", srv->n_conns);
	if (srv->listening) {
		uv_close((uv_handle_t *)&srv->listener, server_handle_closed_cb);
		srv->listening = 0;
	}
	/* Idle connections go now; busy ones when their last answer is out
	 * (checked by the sweep) or at the deadline. */
	conn_sweep(srv, uv_now(srv->loop));
	server_maybe_finish(srv);
}

static void server_signal_cb(uv_signal_t *h, int signum)
{
	server_t *srv = h->data;

	if (signum == SIGHUP) {
		log_notice(&srv->log, "event=sighup msg=\"configuration reload is not supported yet; restart to apply changes\"");
		return;
	}
	server_shutdown(srv);
}

qt_status_t server_start(server_t *srv, uv_loop_t *loop, config_t *cfg,
                         const char *config_path, char *err, size_t err_len)
{
	struct sockaddr_storage addr;
	db_pool_opts_t dbo;
	int rc;

	memset(srv, 0, sizeof(*srv));
	srv->loop = loop;
	srv->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg)); /* strings now belong to srv */
	srv->config_path = config_path != NULL ? strdup(config_path) : NULL;
	srv->log.level = log_level_parse(srv->cfg.log_level);
	srv->auth.memory_kib = srv->cfg.argon2_memory_kib;
	srv->auth.iterations = srv->cfg.argon2_iterations;
	srv->auth.parallelism = srv->cfg.argon2_parallelism;
	if (auth_dummy_hash(&srv->auth, srv->dummy_hash, sizeof(srv->dummy_hash)) != QT_OK) {
		snprintf(err, err_len, "cannot compute the dummy password hash");
		return QT_INTERNAL;
	}

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

	dbo.conninfo = srv->cfg.db_conninfo;
	dbo.size = srv->cfg.db_pool_size;
	dbo.queue_max = srv->cfg.db_queue_max;
	dbo.reconnect_ms = srv->cfg.db_reconnect_ms;
	db_pool_new(loop, &srv->log, &dbo, &srv->db);

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

	log_notice(&srv->log, "event=listening addr=%s port=%u version=%s", srv->cfg.listen_addr,
	           srv->cfg.listen_port, QUARTIER_VERSION);
	return QT_OK;
}

void server_free(server_t *srv)
{
	SSL_CTX_free(srv->ssl_ctx);
	srv->ssl_ctx = NULL;
	config_free(&srv->cfg);
	free(srv->config_path);
}
