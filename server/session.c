/* Login, resume, logout and whoami.  Passwords are checked with Argon2id
 * in the thread pool (hash.c); an unknown login is checked against a dummy
 * hash so both take the same time.  A successful login stores only the
 * SHA-256 of the new token; the token itself goes to the client once. */
#include <openssl/crypto.h>
#include <string.h>

#include "handlers.h"
#include "hash.h"
#include "pgrow.h"
#include "validate.h"

#define BAD_LOGIN "invalid login or password"

typedef struct login_ctx {
	Quartier__V1__Account *account;  /* in the arena; NULL if unknown login */
	char token[AUTH_TOKEN_LEN + 1];
	uint8_t token_hash[AUTH_TOKEN_HASH_LEN];
	const char *params[5];
} login_ctx_t;

/* The permission subject an account stands for. */
static void session_actor(const Quartier__V1__Account *a, actor_t *out)
{
	out->account_id = a->id;
	out->role = (role_t)a->role;
	out->office_id = a->has_office_id ? a->office_id : 0;
	out->organisation_id = a->has_organisation_id ? a->organisation_id : 0;
	out->district_id = a->has_district_id ? a->district_id : 0;
}

/* Marks the request's connection as logged in as account. */
static void session_bind(req_t *r, const Quartier__V1__Account *a,
                         const uint8_t hash[AUTH_TOKEN_HASH_LEN], int64_t expires)
{
	conn_t *c = r->conn;

	if (c->state == CONN_CLOSING)
		return;
	session_actor(a, &c->actor);
	memcpy(c->session_hash, hash, AUTH_TOKEN_HASH_LEN);
	c->session_expires = expires;
	c->state = CONN_AUTHENTICATED;
	c->reader.max = r->srv->cfg.max_frame;
	r->actor = c->actor;
}

static void login_session_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;
	Quartier__V1__LoginResponse *out;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__login_response__init(out);
	out->token = req_strdup(r, ctx->token);
	OPENSSL_cleanse(ctx->token, sizeof(ctx->token));
	out->account = ctx->account;
	out->expires_at = pgrow_i64(res, 0, 0);
	session_bind(r, ctx->account, ctx->token_hash, out->expires_at);
	log_notice(&r->srv->log, "event=login conn=%llu acct=%lld role=%s",
	           (unsigned long long)r->conn->id, (long long)ctx->account->id,
	           perm_role_name((role_t)ctx->account->role));
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_LOGIN;
	r->resp.login = out;
	req_reply(r);
}

static void login_verified_cb(qt_status_t st, const char *encoded, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;

	(void)encoded;
	if (st == QT_OK && ctx->account == NULL)
		st = QT_UNAUTHENTICATED; /* the dummy hash matched by chance: still no */
	if (st == QT_UNAUTHENTICATED) {
		r->srv->metrics.logins_failed++;
		log_notice(&r->srv->log, "event=login_failed conn=%llu peer=%s",
		           (unsigned long long)r->conn->id, r->conn->peer);
		req_fail(r, QT_UNAUTHENTICATED, BAD_LOGIN, NULL);
		return;
	}
	if (st != QT_OK) {
		req_fail(r, st, "cannot check the password now; try again", NULL);
		return;
	}
	if (ctx->account->disabled) {
		req_fail(r, QT_PERMISSION_DENIED, "this account is disabled", NULL);
		return;
	}
	if (auth_token_new(ctx->token, ctx->token_hash) != QT_OK) {
		req_fail(r, QT_INTERNAL, "cannot create a session token", NULL);
		return;
	}
	ctx->params[0] = pgrow_hex(r, ctx->token_hash, sizeof(ctx->token_hash));
	ctx->params[1] = req_i64(r, ctx->account->id);
	ctx->params[2] = req_printf(r, "%u", r->srv->cfg.session_ttl);
	ctx->params[3] = r->conn->client_name;
	ctx->params[4] = r->conn->instance_id;
	req_query(r,
	          "INSERT INTO session (token_hash, account_id, expires_at, client_name, instance_id) "
	          "VALUES (decode($1, 'hex'), $2, now() + make_interval(secs => $3::int), $4, $5) "
	          "RETURNING extract(epoch FROM expires_at)::bigint",
	          5, ctx->params, login_session_cb);
}

static void login_account_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	login_ctx_t *ctx = r->ctx;
	const char *encoded = r->srv->dummy_hash;
	Quartier__V1__LoginRequest *in = r->rq->login;
	qt_status_t st;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) == 1) {
		ctx->account = pgrow_account(r, res, 0, 0);
		encoded = PQgetvalue(res, 0, PGROW_ACCOUNT_NCOLS);
	}
	st = hash_verify(r->srv, encoded, in->password, login_verified_cb, r);
	OPENSSL_cleanse(in->password, strlen(in->password));
	if (st != QT_OK)
		req_fail(r, st, "too many logins at once; try again", NULL);
}

void session_login(req_t *r)
{
	Quartier__V1__LoginRequest *in = r->rq->login;
	validation_t v;
	const char **params;

	if (validate_text(&v, "login", in->login, 1, 100, 0) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (strlen(in->password) == 0 || strlen(in->password) > AUTH_PASSWORD_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "password must have 1 to 1024 bytes", "password");
		return;
	}
	r->ctx = req_alloc(r, sizeof(login_ctx_t));
	params = req_alloc(r, sizeof(*params));
	params[0] = in->login;
	req_query(r, "SELECT " PGROW_ACCOUNT_COLS ", password_hash FROM account WHERE login = $1",
	          1, params, login_account_cb);
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
	session_bind(r, out->account, ctx->token_hash, out->expires_at);
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
	params = req_alloc(r, sizeof(*params));
	params[0] = pgrow_hex(r, ctx->token_hash, sizeof(ctx->token_hash));
	req_query(r,
	          "SELECT a.id, a.login, a.display_name, a.role, a.office_id, a.organisation_id, "
	          "a.disabled, a.district_id, extract(epoch FROM s.expires_at)::bigint "
	          "FROM session s JOIN account a ON a.id = s.account_id "
	          "WHERE s.token_hash = decode($1, 'hex') AND s.revoked_at IS NULL "
	          "AND s.expires_at > now() AND NOT a.disabled",
	          1, params, resume_cb);
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
	}
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
