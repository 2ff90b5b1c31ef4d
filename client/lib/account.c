/* Sessions and accounts: login, resume, logout, whoami, account creation,
 * listing and administration (update, password reset, session
 * revocation), the server statistics for admins, and the conversion of
 * wire accounts to qt_account_t. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void qt_account_clear(qt_account_t *a)
{
	if (a == NULL)
		return;
	free(a->login);
	free(a->display_name);
	memset(a, 0, sizeof(*a));
}

qt_status_t account_from_wire(const Quartier__V1__Account *w, qt_account_t *out)
{
	memset(out, 0, sizeof(*out));
	out->id = w->id;
	out->role = (qt_role_t)w->role;
	out->office_id = w->has_office_id ? w->office_id : 0;
	out->organisation_id = w->has_organisation_id ? w->organisation_id : 0;
	out->disabled = w->has_disabled && w->disabled;
	out->district_id = w->has_district_id ? w->district_id : 0;
	if (copy_str(w->login != NULL ? w->login : "", &out->login) != QT_OK ||
	    copy_str(w->display_name != NULL ? w->display_name : "",
	             &out->display_name) != QT_OK) {
		qt_account_clear(out);
		return QT_NOMEM;
	}
	return QT_OK;
}

/* Converts w for the caller's optional out-parameter; records OOM on c. */
static qt_status_t account_out(qt_client_t *c, const Quartier__V1__Account *w,
                               qt_account_t *out)
{
	if (w == NULL)
		return client_error(c, QT_PROTOCOL_ERROR, NULL,
		                    "server sent no account");
	if (account_from_wire(w, out) != QT_OK)
		return client_error(c, QT_NOMEM, NULL, "out of memory");
	return QT_OK;
}

/* Shared by login and resume: both are answered with a LoginResponse. */
static qt_status_t account_session(qt_client_t *c, Quartier__V1__Request *req,
                                   char **token_out, qt_account_t *acct)
{
	qt_envelope_t *in = NULL;
	const Quartier__V1__LoginResponse *lr;
	qt_account_t a;
	char *token = NULL;
	qt_status_t rc;

	memset(&a, 0, sizeof(a));
	rc = call_request(c, req, QUARTIER__V1__RESPONSE__BODY_LOGIN, &in);
	if (rc != QT_OK)
		goto out;
	lr = in->response->login;
	if (token_out != NULL) {
		if (lr->token == NULL || lr->token[0] == '\0') {
			rc = client_error(c, QT_PROTOCOL_ERROR, NULL,
			                  "server sent no session token");
			goto out;
		}
		if (copy_str(lr->token, &token) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	if (acct != NULL) {
		rc = account_out(c, lr->account, &a);
		if (rc != QT_OK)
			goto out;
	}
	c->authenticated = 1;
	if (token_out != NULL) {
		*token_out = token;
		token = NULL;
	}
	if (acct != NULL)
		*acct = a;
	rc = QT_OK;
out:
	if (token != NULL) {
		memset(token, 0, strlen(token));
		free(token);
	}
	envelope_free(in);
	return rc;
}

qt_status_t qt_login(qt_client_t *c, const char *login, const char *password,
                     char **token_out, qt_account_t *acct)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LoginRequest body = QUARTIER__V1__LOGIN_REQUEST__INIT;

	client_begin(c);
	if (login == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "login", "login missing");
	if (password == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "password",
		                    "password missing");
	body.login = (char *)login;
	body.password = (char *)password;
	req.body_case = QUARTIER__V1__REQUEST__BODY_LOGIN;
	req.login = &body;
	return account_session(c, &req, token_out, acct);
}

qt_status_t qt_resume(qt_client_t *c, const char *token, qt_account_t *acct)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__ResumeRequest body = QUARTIER__V1__RESUME_REQUEST__INIT;

	client_begin(c);
	if (token == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "token", "token missing");
	body.token = (char *)token;
	req.body_case = QUARTIER__V1__REQUEST__BODY_RESUME;
	req.resume = &body;
	return account_session(c, &req, NULL, acct);
}

qt_status_t qt_logout(qt_client_t *c)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__LogoutRequest body = QUARTIER__V1__LOGOUT_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	req.body_case = QUARTIER__V1__REQUEST__BODY_LOGOUT;
	req.logout = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_EMPTY, &in);
	if (rc == QT_OK)
		c->authenticated = 0;
	envelope_free(in);
	return rc;
}

qt_status_t qt_whoami(qt_client_t *c, qt_account_t *acct)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__WhoAmIRequest body = QUARTIER__V1__WHO_AM_IREQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	req.body_case = QUARTIER__V1__REQUEST__BODY_WHOAMI;
	req.whoami = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ACCOUNT, &in);
	if (rc == QT_OK && acct != NULL)
		rc = account_out(c, in->response->account, acct);
	envelope_free(in);
	return rc;
}

qt_status_t qt_account_create(qt_client_t *c, const qt_account_new_t *a,
                              qt_account_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountCreateRequest body =
		QUARTIER__V1__ACCOUNT_CREATE_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	if (a == NULL || a->login == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "account.login",
		                    "login missing");
	if (a->display_name == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "account.display_name",
		                    "display name missing");
	if (a->password == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "account.password",
		                    "password missing");
	body.login = (char *)a->login;
	body.display_name = (char *)a->display_name;
	body.password = (char *)a->password;
	body.role = (Quartier__V1__Role)a->role;
	body.has_office_id = a->office_id != 0;
	body.office_id = a->office_id;
	body.has_organisation_id = a->organisation_id != 0;
	body.organisation_id = a->organisation_id;
	body.has_district_id = a->district_id != 0;
	body.district_id = a->district_id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_CREATE;
	req.account_create = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ACCOUNT, &in);
	if (rc == QT_OK && out != NULL)
		rc = account_out(c, in->response->account, out);
	envelope_free(in);
	return rc;
}

void qt_account_list_free(qt_account_t *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		qt_account_clear(&list[i]);
	free(list);
}

qt_status_t qt_account_list(qt_client_t *c, qt_account_t **out, size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountListRequest body =
		QUARTIER__V1__ACCOUNT_LIST_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__AccountList *al;
	qt_account_t *list = NULL;
	size_t i, count = 0;
	qt_status_t rc;

	client_begin(c);
	req.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_LIST;
	req.account_list = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ACCOUNT_LIST, &in);
	if (rc != QT_OK)
		goto out;
	al = in->response->account_list;
	if (al->n_accounts > 0) {
		list = calloc(al->n_accounts, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < al->n_accounts; i++) {
		rc = account_from_wire(al->accounts[i], &list[i]);
		if (rc != QT_OK) {
			rc = client_error(c, rc, NULL, "out of memory");
			goto out;
		}
		count++;
	}
	*out = list;
	*n = count;
	list = NULL;
out:
	qt_account_list_free(list, count);
	envelope_free(in);
	return rc;
}

/* ------------------------------------------------------------ administration */

qt_status_t qt_account_update(qt_client_t *c, const qt_account_change_t *a,
                              qt_account_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountUpdateRequest body =
		QUARTIER__V1__ACCOUNT_UPDATE_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	if (a == NULL || a->id <= 0)
		return client_error(c, QT_INVALID_ARGUMENT, "id", "account id missing");
	body.id = a->id;
	body.has_disabled = a->set_disabled != 0;
	body.disabled = a->disabled != 0;
	body.display_name = (char *)a->display_name;
	if (a->role != QT_ROLE_UNSPECIFIED) {
		body.has_role = 1;
		body.role = (Quartier__V1__Role)a->role;
		body.has_office_id = a->office_id != 0;
		body.office_id = a->office_id;
		body.has_organisation_id = a->organisation_id != 0;
		body.organisation_id = a->organisation_id;
		body.has_district_id = a->district_id != 0;
		body.district_id = a->district_id;
	}
	req.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_UPDATE;
	req.account_update = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ACCOUNT, &in);
	if (rc == QT_OK && out != NULL)
		rc = account_out(c, in->response->account, out);
	envelope_free(in);
	return rc;
}

qt_status_t qt_account_reset_password(qt_client_t *c, int64_t id,
                                      const char *password, qt_account_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountResetPasswordRequest body =
		QUARTIER__V1__ACCOUNT_RESET_PASSWORD_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	if (password == NULL)
		return client_error(c, QT_INVALID_ARGUMENT, "password",
		                    "password missing");
	body.id = id;
	body.password = (char *)password;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_RESET_PASSWORD;
	req.account_reset_password = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ACCOUNT, &in);
	if (rc == QT_OK && out != NULL)
		rc = account_out(c, in->response->account, out);
	envelope_free(in);
	return rc;
}

qt_status_t qt_account_revoke_sessions(qt_client_t *c, int64_t id,
                                       uint32_t *sessions, uint32_t *connections)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountRevokeSessionsRequest body =
		QUARTIER__V1__ACCOUNT_REVOKE_SESSIONS_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_REVOKE_SESSIONS;
	req.account_revoke_sessions = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_SESSIONS_REVOKED, &in);
	if (rc == QT_OK) {
		if (sessions != NULL)
			*sessions = in->response->sessions_revoked->sessions;
		if (connections != NULL)
			*connections = in->response->sessions_revoked->connections;
	}
	envelope_free(in);
	return rc;
}

qt_status_t qt_account_unlock(qt_client_t *c, int64_t id, int *was_locked,
                              uint32_t *failures)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountUnlockRequest body = QUARTIER__V1__ACCOUNT_UNLOCK_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_status_t rc;

	client_begin(c);
	body.id = id;
	req.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_UNLOCK;
	req.account_unlock = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ACCOUNT_UNLOCKED, &in);
	if (rc == QT_OK) {
		if (was_locked != NULL)
			*was_locked = in->response->account_unlocked->was_locked != 0;
		if (failures != NULL)
			*failures = in->response->account_unlocked->failures;
	}
	envelope_free(in);
	return rc;
}

void qt_account_lockouts_free(qt_account_lockout_t *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(list[i].login);
	free(list);
}

qt_status_t qt_account_lockouts(qt_client_t *c, qt_account_lockout_t **out, size_t *n)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AccountLockoutsRequest body = QUARTIER__V1__ACCOUNT_LOCKOUTS_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	const Quartier__V1__AccountLockouts *w;
	qt_account_lockout_t *list = NULL;
	size_t count = 0;
	qt_status_t rc;

	client_begin(c);
	req.body_case = QUARTIER__V1__REQUEST__BODY_ACCOUNT_LOCKOUTS;
	req.account_lockouts = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ACCOUNT_LOCKOUTS, &in);
	if (rc != QT_OK)
		goto out;
	w = in->response->account_lockouts;
	if (w->n_accounts > 0) {
		list = calloc(w->n_accounts, sizeof(*list));
		if (list == NULL) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < w->n_accounts; i++) {
		const Quartier__V1__AccountLockout *e = w->accounts[i];
		qt_account_lockout_t *o = &list[i];

		o->account_id = e->account_id;
		o->failures = e->failures;
		o->last_attempt_at = e->last_attempt_at;
		o->locked = e->locked != 0;
		o->locked_until = e->has_locked_until ? e->locked_until : 0;
		count++;
		if (copy_str(e->login != NULL ? e->login : "", &o->login) != QT_OK) {
			rc = client_error(c, QT_NOMEM, NULL, "out of memory");
			goto out;
		}
	}
	*out = list;
	*n = count;
	list = NULL;
out:
	qt_account_lockouts_free(list, count);
	envelope_free(in);
	return rc;
}

void qt_admin_stats_clear(qt_admin_stats_t *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_requests; i++) {
		free(s->requests[i].type);
		free(s->requests[i].buckets);
	}
	free(s->requests);
	free(s->latency_bounds);
	memset(s, 0, sizeof(*s));
}

/* Copies the wire statistics into *s (zeroed by the caller). */
static qt_status_t admin_stats_from_wire(const Quartier__V1__AdminStats *w,
                                         qt_admin_stats_t *s)
{
	s->started_at = w->started_at;
	s->ready = w->ready;
	s->conn_open = w->conn_open;
	s->conn_accepted = w->conn_accepted;
	s->conn_refused = w->conn_refused;
	s->tls_handshakes = w->tls_handshakes;
	s->tls_failures = w->tls_failures;
	s->protocol_errors = w->protocol_errors;
	s->logins_failed = w->logins_failed;
	s->db_size = w->db_size;
	s->db_connected = w->db_connected;
	s->db_in_use = w->db_in_use;
	s->db_waiting = w->db_waiting;
	s->db_errors = w->db_errors;
	s->db_reconnects = w->db_reconnects;
	s->hash_running = w->hash_running;
	s->hash_queued = w->hash_queued;
	if (w->n_latency_bounds > 0) {
		s->latency_bounds = calloc(w->n_latency_bounds, sizeof(double));
		if (s->latency_bounds == NULL)
			return QT_NOMEM;
		memcpy(s->latency_bounds, w->latency_bounds,
		       w->n_latency_bounds * sizeof(double));
		s->n_latency_bounds = w->n_latency_bounds;
	}
	if (w->n_requests > 0) {
		s->requests = calloc(w->n_requests, sizeof(*s->requests));
		if (s->requests == NULL)
			return QT_NOMEM;
	}
	for (size_t i = 0; i < w->n_requests; i++) {
		const Quartier__V1__RequestTypeStats *t = w->requests[i];
		qt_request_stats_t *o = &s->requests[i];

		s->n_requests = i + 1;
		if (copy_str(t->type != NULL ? t->type : "", &o->type) != QT_OK)
			return QT_NOMEM;
		o->count = t->count;
		o->seconds_sum = t->seconds_sum;
		for (size_t k = 0; k < t->n_by_status; k++) {
			unsigned st = (unsigned)t->by_status[k]->status;
			if (st < sizeof(o->by_status) / sizeof(o->by_status[0]))
				o->by_status[st] += t->by_status[k]->count;
		}
		if (t->n_buckets > 0) {
			o->buckets = calloc(t->n_buckets, sizeof(uint64_t));
			if (o->buckets == NULL)
				return QT_NOMEM;
			memcpy(o->buckets, t->buckets, t->n_buckets * sizeof(uint64_t));
			o->n_buckets = t->n_buckets;
		}
	}
	return QT_OK;
}

qt_status_t qt_admin_stats(qt_client_t *c, qt_admin_stats_t *out)
{
	Quartier__V1__Request req = QUARTIER__V1__REQUEST__INIT;
	Quartier__V1__AdminStatsRequest body = QUARTIER__V1__ADMIN_STATS_REQUEST__INIT;
	qt_envelope_t *in = NULL;
	qt_admin_stats_t s;
	qt_status_t rc;

	client_begin(c);
	memset(&s, 0, sizeof(s));
	req.body_case = QUARTIER__V1__REQUEST__BODY_ADMIN_STATS;
	req.admin_stats = &body;
	rc = call_request(c, &req, QUARTIER__V1__RESPONSE__BODY_ADMIN_STATS, &in);
	if (rc != QT_OK)
		goto out;
	if (admin_stats_from_wire(in->response->admin_stats, &s) != QT_OK) {
		qt_admin_stats_clear(&s);
		rc = client_error(c, QT_NOMEM, NULL, "out of memory");
		goto out;
	}
	if (out != NULL)
		*out = s;
	else
		qt_admin_stats_clear(&s);
out:
	envelope_free(in);
	return rc;
}
