/* Sessions and accounts: login, resume, logout, whoami, account creation
 * and listing, and the conversion of wire accounts to qt_account_t. */
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
