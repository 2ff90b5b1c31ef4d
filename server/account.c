/* Account administration over the protocol (admins only): create, list,
 * update (disable, enable, role, name), reset a password, revoke
 * sessions, and list and lift login lockouts.  Passwords are hashed in the thread pool; every change and its
 * audit row are written by one statement (account.h). */
#include <openssl/crypto.h>
#include <string.h>

#include "account.h"
#include "handlers.h"
#include "hash.h"
#include "pgrow.h"
#include "validate.h"

static void account_created_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ACCOUNT;
	r->resp.account = pgrow_account(r, res, 0, 0);
	req_reply(r);
}

static void account_hashed_cb(qt_status_t st, const char *encoded, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AccountCreateRequest *in = r->rq->account_create;
	const char **p;

	if (st != QT_OK) {
		req_fail(r, st, "cannot hash the password now; try again", NULL);
		return;
	}
	p = req_alloc(r, 8 * sizeof(*p));
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = in->login;
	p[2] = in->display_name;
	p[3] = perm_role_name((role_t)in->role);
	p[4] = in->has_office_id ? req_i64(r, in->office_id) : NULL;
	p[5] = in->has_organisation_id ? req_i64(r, in->organisation_id) : NULL;
	p[6] = req_strdup(r, encoded);
	p[7] = in->has_district_id ? req_i64(r, in->district_id) : NULL;
	req_query(r,
	          "WITH a AS (INSERT INTO account (login, display_name, role, office_id, "
	          "organisation_id, password_hash, district_id) "
	          "VALUES ($2, $3, $4, $5, $6, $7, $8) RETURNING *), "
	          "au AS (INSERT INTO audit (account_id, action, entity, entity_id, after) "
	          "SELECT $1, 'account.create', 'account', a.id, jsonb_build_object('login', a.login, "
	          "'role', a.role, 'office_id', a.office_id, 'organisation_id', a.organisation_id, "
	          "'district_id', a.district_id) FROM a) "
	          "SELECT " PGROW_ACCOUNT_COLS " FROM a",
	          8, p, account_created_cb);
}

void account_create(req_t *r)
{
	Quartier__V1__AccountCreateRequest *in = r->rq->account_create;
	validation_t v;
	qt_status_t st;
	size_t pwlen = strlen(in->password);

	if ((st = perm_admin(&r->actor)) != QT_OK) {
		req_fail(r, st, "only administrators manage accounts", NULL);
		return;
	}
	if (validate_text(&v, "login", in->login, 1, 100, 0) != QT_OK ||
	    validate_text(&v, "display_name", in->display_name, 1, 200, 0) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (strspn(in->login, "abcdefghijklmnopqrstuvwxyz0123456789._-@") != strlen(in->login)) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "login may hold lowercase letters, digits and . _ - @ only", "login");
		return;
	}
	if (pwlen < AUTH_PASSWORD_MIN || pwlen > AUTH_PASSWORD_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "password must have 8 to 1024 bytes", "password");
		return;
	}
	if (in->role < QUARTIER__V1__ROLE__ROLE_ADMIN ||
	    in->role > QUARTIER__V1__ROLE__ROLE_DISTRICT_HEAD) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown role", "role");
		return;
	}
	if (in->role == QUARTIER__V1__ROLE__ROLE_OFFICE && !(in->has_office_id && in->office_id > 0)) {
		req_fail(r, QT_INVALID_ARGUMENT, "office accounts need an office", "office_id");
		return;
	}
	if (in->role == QUARTIER__V1__ROLE__ROLE_COORDINATOR &&
	    !(in->has_organisation_id && in->organisation_id > 0)) {
		req_fail(r, QT_INVALID_ARGUMENT, "coordinator accounts need an organisation", "organisation_id");
		return;
	}
	/* The district decides what a district head may propose, so it is
	 * never left to chance: required for them, refused for the others. */
	if (in->role == QUARTIER__V1__ROLE__ROLE_DISTRICT_HEAD &&
	    !(in->has_district_id && in->district_id > 0)) {
		req_fail(r, QT_INVALID_ARGUMENT, "district head accounts need a district", "district_id");
		return;
	}
	if (in->role != QUARTIER__V1__ROLE__ROLE_DISTRICT_HEAD && in->has_district_id) {
		req_fail(r, QT_INVALID_ARGUMENT, "only district head accounts have a district",
		         "district_id");
		return;
	}
	st = hash_new(r->srv, in->password, account_hashed_cb, r);
	OPENSSL_cleanse(in->password, pwlen);
	if (st != QT_OK)
		req_fail(r, st, "the server is busy hashing passwords; try again", NULL);
}

static void account_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AccountList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__account_list__init(out);
	out->accounts = req_alloc(r, (size_t)n * sizeof(*out->accounts) + 1);
	for (int i = 0; i < n; i++)
		out->accounts[i] = pgrow_account(r, res, i, 0);
	out->n_accounts = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ACCOUNT_LIST;
	r->resp.account_list = out;
	req_reply(r);
}

void account_list(req_t *r)
{
	qt_status_t st = perm_admin(&r->actor);

	if (st != QT_OK) {
		req_fail(r, st, "only administrators manage accounts", NULL);
		return;
	}
	req_query(r, "SELECT " PGROW_ACCOUNT_COLS " FROM account ORDER BY id", 0, NULL, account_list_cb);
}

/* ------------------------------------------------------------ administration */

/* Whether res holds the one row of an existing account; if not, answers r
 * (the database error, or no such account). */
static int account_found(req_t *r, const PGresult *res, const db_error_t *err)
{
	if (err != NULL) {
		req_fail_db(r, err);
		return 0;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_NOT_FOUND, "no such account", "id");
		return 0;
	}
	return 1;
}

/* Checks a new role and its scope as account_create does, but strictly:
 * each scope id only with its own role.  Returns QT_OK or answers r. */
static qt_status_t account_check_role(req_t *r, const Quartier__V1__AccountUpdateRequest *in)
{
	static const struct {
		Quartier__V1__Role role;
		const char *field, *what;
	} scope[] = {
		{QUARTIER__V1__ROLE__ROLE_OFFICE, "office_id", "office accounts need an office"},
		{QUARTIER__V1__ROLE__ROLE_COORDINATOR, "organisation_id",
		 "coordinator accounts need an organisation"},
		{QUARTIER__V1__ROLE__ROLE_DISTRICT_HEAD, "district_id",
		 "district head accounts need a district"},
	};
	const int has[3] = {in->has_office_id, in->has_organisation_id, in->has_district_id};
	const int64_t id[3] = {in->office_id, in->organisation_id, in->district_id};

	if (!in->has_role) {
		for (int i = 0; i < 3; i++) {
			if (has[i]) {
				req_fail(r, QT_INVALID_ARGUMENT, "a scope is only given with a new role",
				         scope[i].field);
				return QT_INVALID_ARGUMENT;
			}
		}
		return QT_OK;
	}
	if (in->role < QUARTIER__V1__ROLE__ROLE_ADMIN ||
	    in->role > QUARTIER__V1__ROLE__ROLE_DISTRICT_HEAD) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown role", "role");
		return QT_INVALID_ARGUMENT;
	}
	for (int i = 0; i < 3; i++) {
		if (in->role == scope[i].role && !(has[i] && id[i] > 0)) {
			req_fail(r, QT_INVALID_ARGUMENT, scope[i].what, scope[i].field);
			return QT_INVALID_ARGUMENT;
		}
		if (in->role != scope[i].role && has[i]) {
			req_fail(r, QT_INVALID_ARGUMENT, "this scope does not belong to the role",
			         scope[i].field);
			return QT_INVALID_ARGUMENT;
		}
	}
	return QT_OK;
}

static void account_updated_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__Account *a;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1 || pgrow_i64(res, 0, PGROW_ACCOUNT_NCOLS) == 0) {
		req_fail(r, QT_NOT_FOUND, "no such account", "id");
		return;
	}
	if (pgrow_null(res, 0, 0)) {
		req_fail(r, QT_FAILED_PRECONDITION,
		         "this is the last enabled admin; enable or appoint another admin first", NULL);
		return;
	}
	a = pgrow_account(r, res, 0, 0);
	/* Connections of this server follow at once: a disabled account's
	 * connections are logged out, the others get the new role. */
	if (a->disabled)
		session_unbind_account(r->srv, a->id);
	else
		session_refresh_account(r->srv, a);
	log_notice(&r->srv->log, "event=account_update conn=%llu acct=%lld target=%lld role=%s disabled=%d",
	           (unsigned long long)r->conn->id, (long long)r->actor.account_id, (long long)a->id,
	           perm_role_name((role_t)a->role), a->disabled ? 1 : 0);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ACCOUNT;
	r->resp.account = a;
	req_reply(r);
}

void account_update(req_t *r)
{
	Quartier__V1__AccountUpdateRequest *in = r->rq->account_update;
	validation_t v;
	qt_status_t st;
	const char **p;

	if ((st = perm_admin(&r->actor)) != QT_OK) {
		req_fail(r, st, "only administrators manage accounts", NULL);
		return;
	}
	if (in->display_name != NULL &&
	    validate_text(&v, "display_name", in->display_name, 1, 200, 0) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (account_check_role(r, in) != QT_OK)
		return;
	if (!in->has_disabled && in->display_name == NULL && !in->has_role) {
		req_fail(r, QT_INVALID_ARGUMENT, "nothing to change: give disabled, display_name or role",
		         NULL);
		return;
	}
	p = req_alloc(r, 8 * sizeof(*p));
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->id);
	p[2] = in->has_disabled ? (in->disabled ? "true" : "false") : NULL;
	p[3] = in->display_name;
	p[4] = in->has_role ? perm_role_name((role_t)in->role) : NULL;
	p[5] = in->has_office_id ? req_i64(r, in->office_id) : NULL;
	p[6] = in->has_organisation_id ? req_i64(r, in->organisation_id) : NULL;
	p[7] = in->has_district_id ? req_i64(r, in->district_id) : NULL;
	req_query(r, ACCOUNT_UPDATE_SQL, 8, p, account_updated_cb);
}

static void account_password_set_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;

	if (!account_found(r, res, err))
		return;
	log_notice(&r->srv->log, "event=account_reset_password conn=%llu acct=%lld target=%lld",
	           (unsigned long long)r->conn->id, (long long)r->actor.account_id,
	           (long long)r->rq->account_reset_password->id);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ACCOUNT;
	r->resp.account = pgrow_account(r, res, 0, 0);
	req_reply(r);
}

static void account_password_hashed_cb(qt_status_t st, const char *encoded, void *arg)
{
	req_t *r = arg;
	const char **p;

	if (st != QT_OK) {
		req_fail(r, st, "cannot hash the password now; try again", NULL);
		return;
	}
	p = req_alloc(r, 3 * sizeof(*p));
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, r->rq->account_reset_password->id);
	p[2] = req_strdup(r, encoded);
	req_query(r, ACCOUNT_RESET_PASSWORD_SQL, 3, p, account_password_set_cb);
}

void account_reset_password(req_t *r)
{
	Quartier__V1__AccountResetPasswordRequest *in = r->rq->account_reset_password;
	size_t pwlen = strlen(in->password);
	qt_status_t st;

	if ((st = perm_admin(&r->actor)) != QT_OK) {
		OPENSSL_cleanse(in->password, pwlen);
		req_fail(r, st, "only administrators manage accounts", NULL);
		return;
	}
	if (pwlen < AUTH_PASSWORD_MIN || pwlen > AUTH_PASSWORD_MAX) {
		OPENSSL_cleanse(in->password, pwlen);
		req_fail(r, QT_INVALID_ARGUMENT, "password must have 8 to 1024 bytes", "password");
		return;
	}
	st = hash_new(r->srv, in->password, account_password_hashed_cb, r);
	OPENSSL_cleanse(in->password, pwlen);
	if (st != QT_OK)
		req_fail(r, st, "the server is busy hashing passwords; try again", NULL);
}

static void account_revoked_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__SessionsRevoked *out;
	int64_t id = r->rq->account_revoke_sessions->id;

	if (!account_found(r, res, err))
		return;
	out = req_alloc(r, sizeof(*out));
	quartier__v1__sessions_revoked__init(out);
	out->account_id = id;
	out->sessions = (uint32_t)pgrow_i64(res, 0, 0);
	/* The revocation is announced to every instance, this one included:
	 * its listener may have logged them out before this answer, so the
	 * count is of those logged in when the request came. */
	out->connections = session_unbind_account(r->srv, id);
	if (out->connections < *(unsigned *)r->ctx)
		out->connections = *(unsigned *)r->ctx;
	log_notice(&r->srv->log,
	           "event=account_revoke_sessions conn=%llu acct=%lld target=%lld sessions=%u "
	           "connections=%u",
	           (unsigned long long)r->conn->id, (long long)r->actor.account_id, (long long)id,
	           out->sessions, out->connections);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_SESSIONS_REVOKED;
	r->resp.sessions_revoked = out;
	req_reply(r);
}

/* The parameters of a statement of account.h on account id: $1 the
 * acting admin, $2 the account.  NULL after answering r if its actor is
 * no admin. */
static const char **account_admin_params(req_t *r, int64_t id)
{
	qt_status_t st = perm_admin(&r->actor);
	const char **p;

	if (st != QT_OK) {
		req_fail(r, st, "only administrators manage accounts", NULL);
		return NULL;
	}
	p = req_alloc(r, 2 * sizeof(*p));
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, id);
	return p;
}

void account_revoke_sessions(req_t *r)
{
	const char **p = account_admin_params(r, r->rq->account_revoke_sessions->id);

	if (p == NULL)
		return;
	r->ctx = req_alloc(r, sizeof(unsigned));
	*(unsigned *)r->ctx = session_count_account(r->srv, r->rq->account_revoke_sessions->id);
	req_query(r, ACCOUNT_REVOKE_SESSIONS_SQL, 2, p, account_revoked_cb);
}

/* ------------------------------------------------------------ login lockouts */

static void account_unlocked_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AccountUnlocked *out;

	if (!account_found(r, res, err))
		return;
	out = req_alloc(r, sizeof(*out));
	quartier__v1__account_unlocked__init(out);
	out->account_id = pgrow_i64(res, 0, 0);
	out->was_locked = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
	out->failures = (uint32_t)pgrow_i64(res, 0, 2);
	log_notice(&r->srv->log,
	           "event=account_unlock conn=%llu acct=%lld target=%lld was_locked=%d failures=%u",
	           (unsigned long long)r->conn->id, (long long)r->actor.account_id,
	           (long long)out->account_id, out->was_locked ? 1 : 0, out->failures);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ACCOUNT_UNLOCKED;
	r->resp.account_unlocked = out;
	req_reply(r);
}

void account_unlock(req_t *r)
{
	const char **p = account_admin_params(r, r->rq->account_unlock->id);

	if (p != NULL)
		req_query(r, ACCOUNT_UNLOCK_SQL, 2, p, account_unlocked_cb);
}

static void account_lockouts_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AccountLockouts *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__account_lockouts__init(out);
	out->accounts = req_alloc(r, (size_t)n * sizeof(*out->accounts) + 1);
	for (int i = 0; i < n; i++) {
		Quartier__V1__AccountLockout *e = req_alloc(r, sizeof(*e));

		quartier__v1__account_lockout__init(e);
		e->account_id = pgrow_i64(res, i, 0);
		e->login = req_strdup(r, PQgetvalue(res, i, 1));
		e->failures = (uint32_t)pgrow_i64(res, i, 2);
		e->last_attempt_at = pgrow_i64(res, i, 3);
		e->locked = strcmp(PQgetvalue(res, i, 5), "t") == 0;
		e->has_locked_until = e->locked && !pgrow_null(res, i, 4);
		e->locked_until = e->has_locked_until ? pgrow_i64(res, i, 4) : 0;
		out->accounts[i] = e;
	}
	out->n_accounts = (size_t)n;
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ACCOUNT_LOCKOUTS;
	r->resp.account_lockouts = out;
	req_reply(r);
}

void account_lockouts(req_t *r)
{
	qt_status_t st = perm_admin(&r->actor);
	const char **p;

	if (st != QT_OK) {
		req_fail(r, st, "only administrators manage accounts", NULL);
		return;
	}
	p = req_alloc(r, sizeof(*p));
	p[0] = req_printf(r, "%u", r->srv->throttle.window_s);
	req_query(r, ACCOUNT_LOCKOUTS_SQL, 1, p, account_lockouts_cb);
}
