/* Result-row conversions (see pgrow.h). */
#include "pgrow.h"

#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "perm.h"

int64_t pgrow_i64(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return 0;
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

int pgrow_null(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col);
}

char *pgrow_str(req_t *r, const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	return req_strdup(r, PQgetvalue(res, row, col));
}

int64_t *pgrow_i64_array(req_t *r, const char *text, size_t *n)
{
	size_t count = 0, cap = 1;
	int64_t *out;
	const char *p;

	for (p = text; *p; p++)
		if (*p == ',')
			cap++;
	out = req_alloc(r, cap * sizeof(*out));
	p = text;
	if (*p == '{')
		p++;
	while (*p && *p != '}') {
		char *end;
		long long v = strtoll(p, &end, 10);
		if (end == p)
			break;
		out[count++] = v;
		p = end;
		if (*p == ',')
			p++;
	}
	*n = count;
	return out;
}

char **pgrow_str_array(req_t *r, const char *text, size_t *n)
{
	size_t len = strlen(text), count = 0;
	char **out = req_alloc(r, (len / 2 + 1) * sizeof(*out));
	char *buf = req_alloc(r, len + 1);
	const char *p = text;

	if (*p == '{')
		p++;
	while (*p && *p != '}') {
		char *o = buf;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				*o++ = *p++;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != '}')
				*o++ = *p++;
		}
		*o++ = '\0';
		out[count++] = buf;
		buf = o;
		if (*p == ',')
			p++;
	}
	*n = count;
	return out;
}

const char *pgrow_hex(req_t *r, const uint8_t *bytes, size_t n)
{
	char *out = req_alloc(r, 2 * n + 1);

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

Quartier__V1__Account *pgrow_account(req_t *r, const PGresult *res, int row, int col)
{
	Quartier__V1__Account *a = req_alloc(r, sizeof(*a));

	quartier__v1__account__init(a);
	a->id = pgrow_i64(res, row, col);
	a->login = pgrow_str(r, res, row, col + 1);
	a->display_name = pgrow_str(r, res, row, col + 2);
	a->role = (Quartier__V1__Role)perm_role_parse(PQgetvalue(res, row, col + 3));
	if (!pgrow_null(res, row, col + 4)) {
		a->has_office_id = 1;
		a->office_id = pgrow_i64(res, row, col + 4);
	}
	if (!pgrow_null(res, row, col + 5)) {
		a->has_organisation_id = 1;
		a->organisation_id = pgrow_i64(res, row, col + 5);
	}
	a->has_disabled = 1;
	a->disabled = PQgetvalue(res, row, col + 6)[0] == 't';
	if (!pgrow_null(res, row, col + 7)) {
		a->has_district_id = 1;
		a->district_id = pgrow_i64(res, row, col + 7);
	}
	return a;
}

const char *pgrow_kind_name(int kind)
{
	switch (kind) {
	case QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_COMPREHENSIVE: return "comprehensive";
	case QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED: return "focused";
	}
	return NULL;
}

int pgrow_kind_parse(const char *s)
{
	if (strcmp(s, "comprehensive") == 0)
		return QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_COMPREHENSIVE;
	if (strcmp(s, "focused") == 0)
		return QUARTIER__V1__PROJECT_KIND__PROJECT_KIND_FOCUSED;
	return 0;
}

Quartier__V1__Project *pgrow_project(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__Project *p = req_alloc(r, sizeof(*p));

	quartier__v1__project__init(p);
	p->id = pgrow_i64(res, row, 0);
	p->version = pgrow_i64(res, row, 1);
	p->name = pgrow_str(r, res, row, 2);
	p->kind = (Quartier__V1__ProjectKind)pgrow_kind_parse(PQgetvalue(res, row, 3));
	p->status = (Quartier__V1__ProjectStatus)lifecycle_parse(PQgetvalue(res, row, 4));
	if (!pgrow_null(res, row, 5)) {
		p->has_carrier_id = 1;
		p->carrier_id = pgrow_i64(res, row, 5);
	}
	p->carrier_name = pgrow_str(r, res, row, 6);
	p->start_date = pgrow_str(r, res, row, 7);
	p->end_date = pgrow_str(r, res, row, 8);
	p->description = pgrow_str(r, res, row, 9);
	p->has_created_at = p->has_updated_at = 1;
	p->created_at = pgrow_i64(res, row, 10);
	p->updated_at = pgrow_i64(res, row, 11);
	p->quarter_ids = pgrow_i64_array(r, PQgetvalue(res, row, 12), &p->n_quarter_ids);
	p->quarter_names = pgrow_str_array(r, PQgetvalue(res, row, 13), &p->n_quarter_names);
	p->lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, row, 14), &p->n_lead_office_ids);
	p->lead_office_names = pgrow_str_array(r, PQgetvalue(res, row, 15), &p->n_lead_office_names);
	p->coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, row, 16), &p->n_coordinator_ids);
	p->district_names = pgrow_str(r, res, row, 17);
	return p;
}

Quartier__V1__Person *pgrow_person(req_t *r, const PGresult *res, int row, int col, int groups_col)
{
	Quartier__V1__Person *p = req_alloc(r, sizeof(*p));
	perm_person_t facts;

	quartier__v1__person__init(p);
	p->id = pgrow_i64(res, row, col);
	p->version = pgrow_i64(res, row, col + 1);
	p->name = pgrow_str(r, res, row, col + 2);
	p->function = pgrow_str(r, res, row, col + 3);
	if (!pgrow_null(res, row, col + 4)) {
		p->has_office_id = 1;
		p->office_id = pgrow_i64(res, row, col + 4);
	}
	p->office_name = pgrow_str(r, res, row, col + 5);
	if (!pgrow_null(res, row, col + 6)) {
		p->has_organisation_id = 1;
		p->organisation_id = pgrow_i64(res, row, col + 6);
	}
	p->organisation_name = pgrow_str(r, res, row, col + 7);
	if (!pgrow_null(res, row, col + 8)) {
		p->has_account_id = 1;
		p->account_id = pgrow_i64(res, row, col + 8);
	}
	p->has_created_at = p->has_updated_at = 1;
	p->created_at = pgrow_i64(res, row, col + 11);
	p->updated_at = pgrow_i64(res, row, col + 12);

	memset(&facts, 0, sizeof(facts));
	facts.account_id = p->has_account_id ? p->account_id : 0;
	facts.lead_office_ids =
	    pgrow_i64_array(r, PQgetvalue(res, row, col + 13), &facts.n_lead_office_ids);
	facts.group_ids = pgrow_i64_array(r, PQgetvalue(res, row, col + 14), &facts.n_group_ids);
	facts.actor_group_ids =
	    pgrow_i64_array(r, PQgetvalue(res, row, groups_col), &facts.n_actor_group_ids);
	p->has_contact_visible = 1;
	p->contact_visible = perm_person_contact(&r->actor, &facts) == QT_OK;
	if (p->contact_visible) {
		p->email = pgrow_str(r, res, row, col + 9);
		p->phone = pgrow_str(r, res, row, col + 10);
	}
	return p;
}

static const char *const pgrow_member_roles[] = {
    [QUARTIER__V1__MEMBERSHIP_ROLE__MEMBERSHIP_ROLE_CITY_STAFF] = "city_staff",
    [QUARTIER__V1__MEMBERSHIP_ROLE__MEMBERSHIP_ROLE_DISTRICT_HEAD] = "district_head",
    [QUARTIER__V1__MEMBERSHIP_ROLE__MEMBERSHIP_ROLE_CARRIER] = "carrier",
    [QUARTIER__V1__MEMBERSHIP_ROLE__MEMBERSHIP_ROLE_CIVIC] = "civic",
};

#define PGROW_NROLES (int)(sizeof(pgrow_member_roles) / sizeof(pgrow_member_roles[0]))

const char *pgrow_member_role_name(int role)
{
	return role > 0 && role < PGROW_NROLES ? pgrow_member_roles[role] : NULL;
}

int pgrow_member_role_parse(const char *s)
{
	for (int i = 1; i < PGROW_NROLES; i++)
		if (pgrow_member_roles[i] != NULL && strcmp(pgrow_member_roles[i], s) == 0)
			return i;
	return 0;
}

Quartier__V1__Membership *pgrow_membership_head(req_t *r, const PGresult *res, int row,
                                                int active_col)
{
	Quartier__V1__Membership *m = req_alloc(r, sizeof(*m));

	quartier__v1__membership__init(m);
	m->id = pgrow_i64(res, row, 0);
	m->project_id = pgrow_i64(res, row, 1);
	m->role = (Quartier__V1__MembershipRole)pgrow_member_role_parse(PQgetvalue(res, row, 2));
	if (!pgrow_null(res, row, 3)) {
		m->has_on_behalf_of_id = 1;
		m->on_behalf_of_id = pgrow_i64(res, row, 3);
	}
	m->on_behalf_of_name = pgrow_str(r, res, row, 4);
	if (!pgrow_null(res, row, 5)) {
		m->has_deputy_of_id = 1;
		m->deputy_of_id = pgrow_i64(res, row, 5);
	}
	m->deputy_of_name = pgrow_str(r, res, row, 6);
	m->start_date = pgrow_str(r, res, row, 7);
	m->end_date = pgrow_str(r, res, row, 8);
	m->has_created_at = m->has_updated_at = 1;
	m->created_at = pgrow_i64(res, row, 9);
	m->updated_at = pgrow_i64(res, row, 10);
	m->has_active = 1;
	m->active = PQgetvalue(res, row, active_col)[0] == 't';
	m->person_id = pgrow_i64(res, row, PGROW_MEMBERSHIP_PERSON_COL);
	return m;
}

Quartier__V1__Membership *pgrow_membership(req_t *r, const PGresult *res, int row, int active_col,
                                           int groups_col)
{
	Quartier__V1__Membership *m = pgrow_membership_head(r, res, row, active_col);

	m->person = pgrow_person(r, res, row, PGROW_MEMBERSHIP_PERSON_COL, groups_col);
	return m;
}
