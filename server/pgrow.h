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
 * disabled" starting at column col. */
#define PGROW_ACCOUNT_COLS "id, login, display_name, role, office_id, organisation_id, disabled"
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

#endif
