/* The request routing table (see dispatch.h). */
#include "dispatch.h"

#include "handlers.h"
#include "request.h"

typedef struct route {
	Quartier__V1__Request__BodyCase body;
	const char *name;        /* for logs */
	void (*handler)(req_t *r);
	int needs_session;
} route_t;

static const route_t routes[] = {
	{QUARTIER__V1__REQUEST__BODY_LOGIN, "login", session_login, 0},
	{QUARTIER__V1__REQUEST__BODY_RESUME, "resume", session_resume, 0},
	{QUARTIER__V1__REQUEST__BODY_LOGOUT, "logout", session_logout, 1},
	{QUARTIER__V1__REQUEST__BODY_WHOAMI, "whoami", session_whoami, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_CREATE, "account.create", account_create, 1},
	{QUARTIER__V1__REQUEST__BODY_ACCOUNT_LIST, "account.list", account_list, 1},
	{QUARTIER__V1__REQUEST__BODY_REFERENCE_LIST, "reference.list", reference_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_CREATE, "project.create", project_create, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_GET, "project.get", project_get, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_LIST, "project.list", project_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_UPDATE, "project.update", project_update, 1},
	{QUARTIER__V1__REQUEST__BODY_PROJECT_TRANSITION, "project.transition", project_transition, 1},
	{QUARTIER__V1__REQUEST__BODY_AUDIT_LIST, "audit.list", audit_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_CREATE, "person.create", person_create, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_GET, "person.get", person_get, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_LIST, "person.list", person_list, 1},
	{QUARTIER__V1__REQUEST__BODY_PERSON_UPDATE, "person.update", person_update, 1},
	{QUARTIER__V1__REQUEST__BODY_MEMBERSHIP_ADD, "membership.add", membership_add, 1},
	{QUARTIER__V1__REQUEST__BODY_MEMBERSHIP_END, "membership.end", membership_end, 1},
	{QUARTIER__V1__REQUEST__BODY_GROUP_MEMBERS, "group.members", group_members, 1},
};

void dispatch_request(conn_t *c, qt_envelope_t *env)
{
	req_t *r = req_new(c, env);
	const route_t *route = NULL;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (routes[i].body == r->rq->body_case) {
			route = &routes[i];
			break;
		}
	}
	if (route == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT, "unknown request type", "request.body");
		return;
	}
	r->type = route->name;
	if (route->needs_session) {
		if (!conn_authenticated(c)) {
			req_fail(r, QT_UNAUTHENTICATED, "log in first (or the session has expired)", NULL);
			return;
		}
		r->actor = c->actor;
	}
	route->handler(r);
}
