/* Login, resume, logout and whoami, with login throttling.  Passwords are
 * checked with Argon2id in the thread pool (hash.c); an unknown login is
 * checked against a dummy hash so both take the same time.  A successful
 * login stores only the SHA-256 of the new token; the token itself goes to
 * the client once.
 *
 * Throttling (throttle.h, migration 0010): failed attempts are counted
 * for the login name (in PostgreSQL, shared by all instances, kept across
 * restarts) and the source address (in memory); an attempt after enough
 * failures waits on a libuv timer first, holding only its own connection
 * (which reads nothing more meanwhile).  Only failures count, never
 * attempts in progress: the staff of an office behind one address, or a
 * sync account's clients reconnecting at once after a restart, do not
 * delay each other, and a server killed mid-login leaves no count behind.
 * A login that is unknown, has a wrong password or is locked goes the same
 * way — look up, delay, hash, record the failure — and gets the same
 * answer, so neither answer nor timing tells them apart. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "hash.h"
#include "pgrow.h"
#include "validate.h"

#define BAD_LOGIN "invalid login or password (or the login is locked after too many failed attempts)"
#define SESSION_THROTTLE_MAINT_MS 60000 /* prune of forgotten login counts */

/* The office a client certificate's OU names, as a query expression of
 * parameter p: the office whose name or short name it is, NULL if none or
 * more than one. */
#define SESSION_CERT_OFFICE_SQL(p)                                                       \
	"(SELECT CASE WHEN count(*) = 1 THEN min(o.id) END FROM office o "                   \
	"WHERE o.name = " p " OR o.short_name = " p ")"

typedef struct login_ctx {
	Quartier__V1__Account *account;  /* in the arena; NULL if unknown login */
	const char *encoded;             /* the hash to verify against, in the arena */
	uint32_t failures;               /* of the login name, this attempt included */
	uint32_t address_failures;       /* of the source address, before this attempt */
	int locked;                      /* the login is locked */
	int64_t cert_office;             /* see conn.h */
	const char *refusal;             /* why the right password gets no session */
	char token[AUTH_TOKEN_LEN + 1];
	uint8_t token_hash[AUTH_TOKEN_HASH_LEN];
	const char *params[6];
} login_ctx_t;

/* A login waiting out its delay; freed in the timer's close callback. */
struct login_delay {
	uv_timer_t timer;
	req_t *r;                        /* the login; NULL once answered elsewhere */
	login_delay_t *prev, *next;      /* srv->login_delays */
};

/* The permission subject an account stands for. */
static void session_actor(const Quartier__V1__Account *a, actor_t *out)
{
	out->account_id = a->id;
	out->role = (role_t)a->role;
	out->office_id = a->has_office_id ? a->office_id : 0;
	out->organisation_id = a->has_organisation_id ? a->organisation_id : 0;
	out->district_id = a->has_district_id ? a->district_id : 0;
}

/* The office of the connection's certificate from column col of res (see
 * conn.h: 0 without a certificate, -1 if it names no office). */
static int64_t session_cert_office(const conn_t *c, const PGresult *res, int col)
{
	if (!c->cert)
		return 0;
	return pgrow_null(res, 0, col) ? -1 : pgrow_i64(res, 0, col);
}

/* Why account a may not be logged in over r's connection (its client
 * certificate), or NULL if it may.  Logs a refusal. */
static const char *session_cert_refusal(req_t *r, const Quartier__V1__Account *a,
                                        int64_t cert_office)
{
	actor_t actor;

	session_actor(a, &actor);
	if (perm_cert_login(cert_office, &actor) == QT_OK)
		return NULL;
	log_notice(&r->srv->log, "event=login_refused conn=%llu acct=%lld reason=client_cert",
	           (unsigned long long)r->conn->id, (long long)a->id);
	return cert_office < 0 ? "the client certificate names no office of the registry; "
	                         "no account may log in over it"
	                       : "this connection's client certificate belongs to another office; "
	                         "only that office's staff may log in over it";
}

/* Marks the request's connection as logged in as account. */
static void session_bind(req_t *r, const Quartier__V1__Account *a,
                         const uint8_t hash[AUTH_TOKEN_HASH_LEN], int64_t expires,
                         int64_t cert_office)
{
	conn_t *c = r->conn;

	if (c->state == CONN_CLOSING)
		return;
	session_actor(a, &c->actor);
	memcpy(c->session_hash, hash, AUTH_TOKEN_HASH_LEN);
	c->session_expires = expires;
	c->cert_office = cert_office;
	c->state = CONN_AUTHENTICATED;
	c->reader.max = r->srv->cfg.max_frame;
	r->actor = c->actor;
}

/* Wipes the password of r's login request. */
static void login_forget_password(req_t *r)
{
	char *pw = r->rq->login->password;

	OPENSSL_cleanse(pw, strlen(pw));
}

/* Ends a login that could not be judged (database, memory, shutdown). */
static void login_abort(req_t *r, qt_status_t st, const char *msg, const db_error_t *err)
{
	login_forget_password(r);
	if (err != NULL)
		req_fail_db(r, err);
	else
		req_fail(r, st, msg, NULL);
}

static void login_session_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;
	Quartier__V1__LoginResponse *out;

	if (err != NULL) {
		OPENSSL_cleanse(ctx->token, sizeof(ctx->token));
		req_fail_db(r, err);
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__login_response__init(out);
	out->token = req_strdup(r, ctx->token);
	OPENSSL_cleanse(ctx->token, sizeof(ctx->token));
	out->account = ctx->account;
	out->expires_at = pgrow_i64(res, 0, 0);
	session_bind(r, ctx->account, ctx->token_hash, out->expires_at, ctx->cert_office);
	log_notice(&r->srv->log, "event=login conn=%llu acct=%lld role=%s",
	           (unsigned long long)r->conn->id, (long long)ctx->account->id,
	           perm_role_name((role_t)ctx->account->role));
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_LOGIN;
	r->resp.login = out;
	req_reply(r);
}

/* The right password, but the account may not log in (here): the login's
 * failures are cleared all the same, and the refusal goes out. */
static void login_refused_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	(void)res;
	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	req_fail(r, QT_PERMISSION_DENIED, ((login_ctx_t *)r->ctx)->refusal, NULL);
}

static void login_failed_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	log_notice(&r->srv->log, "event=login_failed conn=%llu peer=%s failures=%u address_failures=%u",
	           (unsigned long long)r->conn->id, r->conn->peer, ctx->failures,
	           ctx->address_failures + 1);
	if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
		r->srv->metrics.login_lockouts++;
		/* The login itself is not logged (it may be a mistyped
		 * password); an account's id is. */
		if (ctx->account != NULL)
			log_warning(&r->srv->log,
			            "event=login_locked conn=%llu peer=%s acct=%lld failures=%u until=%s",
			            (unsigned long long)r->conn->id, r->conn->peer,
			            (long long)ctx->account->id, ctx->failures,
			            r->srv->throttle.lockout_s > 0 ? "expiry" : "unlock");
		else
			log_notice(&r->srv->log,
			           "event=login_locked conn=%llu peer=%s acct=none failures=%u",
			           (unsigned long long)r->conn->id, r->conn->peer, ctx->failures);
	}
	req_fail(r, QT_UNAUTHENTICATED, BAD_LOGIN, NULL);
}

/* A failed attempt (unknown login, wrong password, locked): its counts
 * stay, and the failure is recorded — locking the login when it is the
 * one too many.  The same statement runs for every failure. */
static void login_failed(req_t *r)
{
	login_ctx_t *ctx = r->ctx;
	const throttle_policy_t *p = &r->srv->throttle;
	int lock = !ctx->locked && throttle_locks(p, ctx->failures);

	r->srv->metrics.logins_failed++;
	(void)throttle_addr_failed(&r->srv->login_addr, p, r->conn->addr_key,
	                           uv_now(r->srv->loop));
	ctx->params[1] = lock ? "true" : "false";
	ctx->params[2] = req_printf(r, "%u", p->lockout_s);
	req_query(r, "SELECT qt_login_failed($1, $2::boolean, $3::int)", 3, ctx->params,
	          login_failed_cb);
}

static void login_verified_cb(qt_status_t st, const char *encoded, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;

	(void)encoded;
	if (st != QT_OK && st != QT_UNAUTHENTICATED) {
		login_abort(r, st, "cannot check the password now; try again", NULL);
		return;
	}
	/* The dummy hash matching by chance is still no login, and a locked
	 * login fails even with the right password. */
	if (st != QT_OK || ctx->account == NULL || ctx->locked) {
		login_failed(r);
		return;
	}
	ctx->refusal = ctx->account->disabled
	                   ? "this account is disabled"
	                   : session_cert_refusal(r, ctx->account, ctx->cert_office);
	if (ctx->refusal != NULL) {
		/* The password was right: the login's failures are cleared. */
		req_query(r, "DELETE FROM login_throttle WHERE login = $1", 1, ctx->params,
		          login_refused_cb);
		return;
	}
	if (auth_token_new(ctx->token, ctx->token_hash) != QT_OK) {
		req_fail(r, QT_INTERNAL, "cannot create a session token", NULL);
		return;
	}
	ctx->params[1] = pgrow_hex(r, ctx->token_hash, sizeof(ctx->token_hash));
	ctx->params[2] = req_i64(r, ctx->account->id);
	ctx->params[3] = req_printf(r, "%u", r->srv->cfg.session_ttl);
	ctx->params[4] = r->conn->client_name;
	ctx->params[5] = r->conn->instance_id;
	req_query(r,
	          "WITH ok AS (DELETE FROM login_throttle WHERE login = $1) "
	          "INSERT INTO session (token_hash, account_id, expires_at, client_name, instance_id) "
	          "VALUES (decode($2, 'hex'), $3, now() + make_interval(secs => $4::int), $5, $6) "
	          "RETURNING extract(epoch FROM expires_at)::bigint",
	          6, ctx->params, login_session_cb);
}

/* Checks the password (in the thread pool). */
static void login_check(req_t *r)
{
	login_ctx_t *ctx = r->ctx;
	qt_status_t st = hash_verify(r->srv, ctx->encoded, r->rq->login->password,
	                             login_verified_cb, r);

	if (st != QT_OK)
		login_abort(r, st, "too many logins at once; try again", NULL);
	else
		login_forget_password(r);
}

static void login_delay_closed_cb(uv_handle_t *h)
{
	free(h->data);
}

/* Takes d off the server's list and closes its timer; returns its login. */
static req_t *login_delay_end(server_t *srv, login_delay_t *d)
{
	req_t *r = d->r;

	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		srv->login_delays = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	srv->n_login_delays--;
	uv_timer_stop(&d->timer);
	uv_close((uv_handle_t *)&d->timer, login_delay_closed_cb);
	return r;
}

static void login_delay_cb(uv_timer_t *t)
{
	login_delay_t *d = t->data;

	login_check(login_delay_end(d->r->srv, d));
}

/* Checks the password after delay_ms; meanwhile only this connection
 * waits (its input is held by the login). */
static void login_delay(req_t *r, uint32_t delay_ms)
{
	server_t *srv = r->srv;
	login_delay_t *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		login_abort(r, QT_RESOURCE_EXHAUSTED, "the server is short of memory; try again", NULL);
		return;
	}
	srv->metrics.logins_delayed++;
	log_info(&srv->log, "event=login_delayed conn=%llu peer=%s delay_ms=%u",
	         (unsigned long long)r->conn->id, r->conn->peer, delay_ms);
	d->r = r;
	uv_timer_init(srv->loop, &d->timer);
	d->timer.data = d;
	d->next = srv->login_delays;
	if (d->next != NULL)
		d->next->prev = d;
	srv->login_delays = d;
	srv->n_login_delays++;
	uv_timer_start(&d->timer, login_delay_cb, delay_ms, 0);
}

void session_login_cancel_all(server_t *srv)
{
	while (srv->login_delays != NULL)
		login_abort(login_delay_end(srv, srv->login_delays), QT_UNAVAILABLE,
		            "the server is shutting down", NULL);
}

static void login_account_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;
	uint32_t delay;

	if (err != NULL) {
		login_abort(r, err->status, NULL, err);
		return;
	}
	if (PQntuples(res) != 1) {
		login_abort(r, QT_INTERNAL, "cannot count the login attempt", NULL);
		return;
	}
	if (!pgrow_null(res, 0, 0)) {
		ctx->account = pgrow_account(r, res, 0, 0);
		ctx->encoded = req_strdup(r, PQgetvalue(res, 0, PGROW_ACCOUNT_NCOLS));
	} else {
		/* A copy: a reload may replace the dummy during a delay. */
		ctx->encoded = req_strdup(r, r->srv->dummy_hash);
	}
	/* The login's failures so far, and this attempt should it fail. */
	ctx->failures = (uint32_t)pgrow_i64(res, 0, PGROW_ACCOUNT_NCOLS + 1) + 1;
	ctx->locked = strcmp(PQgetvalue(res, 0, PGROW_ACCOUNT_NCOLS + 2), "t") == 0;
	ctx->cert_office = session_cert_office(r->conn, res, PGROW_ACCOUNT_NCOLS + 3);
	delay = throttle_attempt_delay_ms(&r->srv->throttle,
	                                  ctx->failures > 0 ? ctx->failures - 1 : 0,
	                                  ctx->address_failures);
	if (delay == 0)
		login_check(r);
	else if (r->srv->n_login_delays >= r->srv->throttle.max_waiting)
		/* Memory for waiting logins is bounded; the password is not
		 * checked, so nothing is learnt from this answer. */
		login_abort(r, QT_RESOURCE_EXHAUSTED, "too many logins are waiting; try again later",
		            NULL);
	else
		login_delay(r, delay);
}

void session_login(req_t *r)
{
	Quartier__V1__LoginRequest *in = r->rq->login;
	login_ctx_t *ctx;
	validation_t v;

	if (validate_text(&v, "login", in->login, 1, 100, 0) != QT_OK) {
		login_forget_password(r);
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (strlen(in->password) == 0 || strlen(in->password) > AUTH_PASSWORD_MAX) {
		login_forget_password(r);
		req_fail(r, QT_INVALID_ARGUMENT, "password must have 1 to 1024 bytes", "password");
		return;
	}
	/* One login at a time per connection: pipelined attempts would each
	 * wait out their delay at once. */
	req_hold_input(r);
	r->ctx = ctx = req_alloc(r, sizeof(login_ctx_t));
	ctx->address_failures = throttle_addr_failures(&r->srv->login_addr, &r->srv->throttle,
	                                               r->conn->addr_key, uv_now(r->srv->loop));
	ctx->params[0] = in->login;
	ctx->params[1] = req_printf(r, "%u", r->srv->throttle.window_s);
	ctx->params[2] = r->conn->cert ? r->conn->cert_ou : NULL;
	req_query(r,
	          "SELECT a.id, a.login, a.display_name, a.role, a.office_id, a.organisation_id, "
	          "a.disabled, a.district_id, a.password_hash, t.failures, t.locked, "
	          SESSION_CERT_OFFICE_SQL("$3") " "
	          "FROM qt_login_attempt($1, $2::int) t LEFT JOIN account a ON a.login = $1",
	          3, ctx->params, login_account_cb);
}

/* ------------------------------------------------------------ throttle maintenance */

static void session_throttle_maint_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	server_t *srv = arg;

	srv->throttle_maint_running = 0;
	if (err != NULL) {
		log_warning(&srv->log, "event=login_throttle_prune status=%s msg=\"%s\"",
		            qt_status_name(err->status), err->message);
		return;
	}
	if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "0") != 0)
		log_info(&srv->log, "event=login_throttle_prune rows=%s", PQgetvalue(res, 0, 0));
}

void session_throttle_tick(server_t *srv, uint64_t now)
{
	const char *params[1];
	login_delay_t *next;

	/* A login whose client has gone waits no longer: so a client cannot
	 * pile up waiting logins by connecting, sending one and leaving.  Its
	 * failure stays counted for the login name. */
	for (login_delay_t *d = srv->login_delays; d != NULL; d = next) {
		next = d->next;
		if (d->r->conn->state == CONN_CLOSING)
			login_abort(login_delay_end(srv, d), QT_UNAVAILABLE, "the connection is closed",
			            NULL);
	}
	if (now < srv->throttle_maint_at || srv->shutting_down || srv->db == NULL)
		return;
	srv->throttle_maint_at = now + SESSION_THROTTLE_MAINT_MS;
	throttle_addr_expire(&srv->login_addr, &srv->throttle, now);
	if (srv->throttle_maint_running)
		return;
	snprintf(srv->throttle_maint_param, sizeof(srv->throttle_maint_param), "%u",
	         srv->throttle.window_s);
	params[0] = srv->throttle_maint_param;
	if (db_query(srv->db, "SELECT qt_login_throttle_prune($1::int)", 1, params,
	             session_throttle_maint_cb, srv) == QT_OK)
		srv->throttle_maint_running = 1;
}

static void resume_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;
	Quartier__V1__LoginResponse *out;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_UNAUTHENTICATED, "the session is unknown, expired or ended; log in again", NULL);
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__login_response__init(out);
	out->token = "";
	out->account = pgrow_account(r, res, 0, 0);
	out->expires_at = pgrow_i64(res, 0, PGROW_ACCOUNT_NCOLS);
	ctx->cert_office = session_cert_office(r->conn, res, PGROW_ACCOUNT_NCOLS + 1);
	if ((ctx->refusal = session_cert_refusal(r, out->account, ctx->cert_office)) != NULL) {
		req_fail(r, QT_PERMISSION_DENIED, ctx->refusal, NULL);
		return;
	}
	session_bind(r, out->account, ctx->token_hash, out->expires_at, ctx->cert_office);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_LOGIN;
	r->resp.login = out;
	req_reply(r);
}

void session_resume(req_t *r)
{
	login_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	const char **params;

	r->ctx = ctx;
	if (auth_token_hash(r->rq->resume->token, ctx->token_hash) != QT_OK) {
		req_fail(r, QT_UNAUTHENTICATED, "the session token is malformed; log in again", "token");
		return;
	}
	params = req_alloc(r, 2 * sizeof(*params));
	params[0] = pgrow_hex(r, ctx->token_hash, sizeof(ctx->token_hash));
	params[1] = r->conn->cert ? r->conn->cert_ou : NULL;
	req_query(r,
	          "SELECT a.id, a.login, a.display_name, a.role, a.office_id, a.organisation_id, "
	          "a.disabled, a.district_id, extract(epoch FROM s.expires_at)::bigint, "
	          SESSION_CERT_OFFICE_SQL("$2") " "
	          "FROM session s JOIN account a ON a.id = s.account_id "
	          "WHERE s.token_hash = decode($1, 'hex') AND s.revoked_at IS NULL "
	          "AND s.expires_at > now() AND NOT a.disabled",
	          2, params, resume_cb);
}

/* Ends the session on every connection of this server that uses it, so
 * a logout takes effect at once and not only on the next connect. */
static void session_unbind_all(server_t *srv, const uint8_t hash[AUTH_TOKEN_HASH_LEN])
{
	for (conn_t *c = srv->conns; c != NULL; c = c->next) {
		if (c->state == CONN_AUTHENTICATED &&
		    memcmp(c->session_hash, hash, AUTH_TOKEN_HASH_LEN) == 0)
			conn_unauthenticate(c);
	}
}

unsigned session_unbind_account(server_t *srv, int64_t account_id)
{
	unsigned n = 0;

	for (conn_t *c = srv->conns; c != NULL; c = c->next) {
		if (c->state != CONN_AUTHENTICATED || c->actor.account_id != account_id)
			continue;
		conn_unauthenticate(c);
		n++;
	}
	return n;
}

unsigned session_count_account(const server_t *srv, int64_t account_id)
{
	unsigned n = 0;

	for (const conn_t *c = srv->conns; c != NULL; c = c->next)
		n += c->state == CONN_AUTHENTICATED && c->actor.account_id == account_id;
	return n;
}

void session_refresh_account(server_t *srv, const Quartier__V1__Account *a)
{
	for (conn_t *c = srv->conns; c != NULL; c = c->next) {
		if (c->state != CONN_AUTHENTICATED || c->actor.account_id != a->id)
			continue;
		session_actor(a, &c->actor);
		session_cert_recheck(c);
	}
	/* A check running now may have read the account before this change;
	 * naming the account keeps its answer from undoing it
	 * (session_check_apply) and checks the account again after it. */
	session_check_account(&srv->session_check, a->id);
}

void session_cert_recheck(conn_t *c)
{
	if (c->state != CONN_AUTHENTICATED || perm_cert_login(c->cert_office, &c->actor) == QT_OK)
		return;
	log_notice(&c->srv->log,
	           "event=session_ended conn=%llu acct=%lld reason=\"the account no longer belongs "
	           "to the office of the client certificate\"",
	           (unsigned long long)c->id, (long long)c->actor.account_id);
	conn_unauthenticate(c);
}

static void logout_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	uint8_t hash[AUTH_TOKEN_HASH_LEN];

	(void)res;
	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	memcpy(hash, r->conn->session_hash, sizeof(hash));
	session_unbind_all(r->srv, hash);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_EMPTY;
	r->resp.empty = req_alloc(r, sizeof(Quartier__V1__Empty));
	quartier__v1__empty__init(r->resp.empty);
	req_reply(r);
}

void session_logout(req_t *r)
{
	const char **params = req_alloc(r, sizeof(*params));

	params[0] = pgrow_hex(r, r->conn->session_hash, AUTH_TOKEN_HASH_LEN);
	req_query(r, "UPDATE session SET revoked_at = now() "
	             "WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL",
	          1, params, logout_cb);
}

static void whoami_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_UNAUTHENTICATED, "the account no longer exists", NULL);
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ACCOUNT;
	r->resp.account = pgrow_account(r, res, 0, 0);
	req_reply(r);
}

void session_whoami(req_t *r)
{
	const char **params = req_alloc(r, sizeof(*params));

	params[0] = req_i64(r, r->actor.account_id);
	req_query(r, "SELECT " PGROW_ACCOUNT_COLS " FROM account WHERE id = $1", 1, params, whoami_cb);
}
