/* Reading PostgreSQL text-format results into protocol messages: numbers,
 * nullable strings copied into the request arena, and array literals.
 * Also the row layouts shared by several handlers (accounts, projects). */
#ifndef QUARTIERD_PGROW_H
#define QUARTIERD_PGROW_H

#include <libpq-fe.h>
#include <stdint.h>

#include "request.h"

/* Integer value of a cell; 0 for NULL or non-numeric text. */
int64_t pgrow_i64(const PGresult *res, int row, int col);

/* Whether a cell is NULL. */
int pgrow_null(const PGresult *res, int row, int col);

/* Copy of a cell in r's arena; NULL for SQL NULL. */
char *pgrow_str(req_t *r, const PGresult *res, int row, int col);

/* Parses an int8[] literal ("{1,2}") into an arena array; *n its length. */
int64_t *pgrow_i64_array(req_t *r, const char *text, size_t *n);

/* Parses a text[] literal ('{a,"b c"}') into an arena array of strings. */
char **pgrow_str_array(req_t *r, const char *text, size_t *n);

/* Hex form of bytes for decode($n, 'hex'), in r's arena. */
const char *pgrow_hex(req_t *r, const uint8_t *bytes, size_t n);

/* Accounts: "id, login, display_name, role, office_id, organisation_id,
 * disabled, district_id" (PGROW_ACCOUNT_NCOLS columns) starting at column
 * col. */
#define PGROW_ACCOUNT_COLS \
	"id, login, display_name, role, office_id, organisation_id, disabled, district_id"
#define PGROW_ACCOUNT_NCOLS 8
Quartier__V1__Account *pgrow_account(req_t *r, const PGresult *res, int row, int col);

/* Projects: every column of the view project_v, in its order. */
#define PGROW_PROJECT_COLS                                                      \
	"id, version, name, kind, status, carrier_id, carrier_name, start_date, "   \
	"end_date, description, created_at, updated_at, quarter_ids, "              \
	"quarter_names, lead_office_ids, lead_office_names, coordinator_ids, "      \
	"district_names"
Quartier__V1__Project *pgrow_project(req_t *r, const PGresult *res, int row);

/* Spellings of kinds in the database, by wire value; NULL if invalid. */
const char *pgrow_kind_name(int kind);
int pgrow_kind_parse(const char *s);

/* Persons: the columns of the view person_v (table alias a) in its order.
 * membership_v carries the same columns prefixed "person_". */
#define PGROW_PERSON_COLS(a)                                                     \
	a ".id, " a ".version, " a ".name, " a ".function, " a ".office_id, " a       \
	".office_name, " a ".organisation_id, " a ".organisation_name, " a            \
	".account_id, " a ".email, " a ".phone, " a ".created_at, " a ".updated_at, " \
	a ".contact_office_ids, " a ".group_ids"
#define PGROW_PERSON_NCOLS 15

/* A person from the PGROW_PERSON_NCOLS columns starting at col, as the
 * request's actor may see it: email and phone are left out unless
 * perm_person_contact() allows them.  groups_col holds the actor's own
 * support groups today (qt_account_group_ids()).  Persons are read only
 * through this function, so no handler can forget the rule. */
Quartier__V1__Person *pgrow_person(req_t *r, const PGresult *res, int row, int col,
                                   int groups_col);

/* Persons $1 (an id array) for sync, as PGROW_PERSON_COLS followed by the
 * groups of account $2, for pgrow_person(r, res, row, 0,
 * PGROW_PERSON_NCOLS).  The actor's groups are read once, not once per
 * person. */
#define PGROW_SYNC_PERSONS_SQL                                                     \
	"SELECT " PGROW_PERSON_COLS("v") ", g.ids FROM qt_sync_persons($1::bigint[]) v, " \
	"qt_account_group_ids($2) g(ids)"

/* Memberships: the columns of membership_v but its period, alias a; the
 * person's columns follow at PGROW_MEMBERSHIP_PERSON_COL.  The head is
 * the membership's own columns and the person's id. */
#define PGROW_MEMBERSHIP_HEAD_COLS(a)                                             \
	a ".id, " a ".project_id, " a ".role, " a ".on_behalf_of_id, " a              \
	".on_behalf_of_name, " a ".deputy_of_id, " a ".deputy_of_name, " a            \
	".start_date, " a ".end_date, " a ".created_at, " a ".updated_at, " a          \
	".person_id"
#define PGROW_MEMBERSHIP_COLS(a)                                                  \
	PGROW_MEMBERSHIP_HEAD_COLS(a) ", " a ".person_version, " a ".person_name, " a  \
	".person_function, "                                                          \
	a ".person_office_id, " a ".person_office_name, " a ".person_organisation_id, " \
	a ".person_organisation_name, " a ".person_account_id, " a ".person_email, " a  \
	".person_phone, " a ".person_created_at, " a ".person_updated_at, " a           \
	".person_contact_office_ids, " a ".person_group_ids"
#define PGROW_MEMBERSHIP_PERSON_COL 11
#define PGROW_MEMBERSHIP_NCOLS (PGROW_MEMBERSHIP_PERSON_COL + PGROW_PERSON_NCOLS)

/* A membership from PGROW_MEMBERSHIP_COLS at column 0; active_col holds
 * whether it is active on the day asked, groups_col as for pgrow_person. */
Quartier__V1__Membership *pgrow_membership(req_t *r, const PGresult *res, int row,
                                           int active_col, int groups_col);

/* The same without its person, from PGROW_MEMBERSHIP_HEAD_COLS at column
 * 0; the caller sets m->person, rendered by pgrow_person() (possibly for
 * an earlier page of a snapshot: person_memo.h). */
Quartier__V1__Membership *pgrow_membership_head(req_t *r, const PGresult *res, int row,
                                                int active_col);

/* Spellings of membership roles in the database, by wire value; NULL if
 * invalid, 0 if unknown. */
const char *pgrow_member_role_name(int role);
int pgrow_member_role_parse(const char *s);

#endif
