/* Translation of PostgreSQL errors into protocol statuses, done once at
 * the edge.  The project's own functions raise SQLSTATEs of class Q0 with
 * the field at fault in COLUMN; constraint violations are mapped through a
 * table of constraint names.  Unexpected errors become QT_INTERNAL with a
 * generic message, so no SQL detail leaks to clients. */
#include "db.h"

#include <string.h>

typedef struct db_constraint_map {
	const char *constraint;
	const char *field;
	const char *message;
} db_constraint_map_t;

static const db_constraint_map_t db_constraints[] = {
	{"account_login_key", "login", "an account with this login already exists"},
	{"account_office_id_fkey", "office_id", "unknown office"},
	{"account_organisation_id_fkey", "organisation_id", "unknown organisation"},
	{"account_office_required", "office_id", "office accounts need an office"},
	{"account_organisation_required", "organisation_id", "coordinator accounts need an organisation"},
	{"account_district_id_fkey", "district_id", "unknown district"},
	{"account_district_required", "district_id", "district head accounts need a district"},
	{"project_dates_ordered", "end_date", "end_date lies before start_date"},
	{"project_name_check", "name", "name must have 1 to 200 characters"},
	{"project_carrier_id_fkey", "carrier_id", "unknown organisation"},
	{"project_quarter_quarter_id_fkey", "quarter_ids", "unknown quarter"},
	{"project_lead_office_office_id_fkey", "lead_office_ids", "unknown office"},
	{"project_coordinator_account_id_fkey", "coordinator_ids", "unknown account"},
	{"person_name_check", "name", "name must have 1 to 200 characters"},
	{"person_office_or_organisation", "organisation_id",
	 "a person belongs to an office or to an organisation, not both"},
	{"person_account_key", "account_id", "this account is already linked to another person"},
	{"person_office_id_fkey", "office_id", "unknown office"},
	{"person_organisation_id_fkey", "organisation_id", "unknown organisation"},
	{"person_account_id_fkey", "account_id", "unknown account"},
	{"membership_project_id_fkey", "project_id", "unknown project"},
	{"membership_person_id_fkey", "person_id", "unknown person"},
	{"membership_on_behalf_of_id_fkey", "on_behalf_of_id", "unknown organisation"},
	{"membership_deputy_of_id_fkey", "deputy_of_id", "unknown person"},
	{"membership_role_check", "role", "unknown membership role"},
	{"membership_dates_ordered", "end_date", "end_date lies before start_date"},
	{"membership_not_own_deputy", "deputy_of_id", "a person cannot deputise for themselves"},
	{"membership_no_overlap", "start_date",
	 "the period overlaps another membership of this person in the support group"},
	/* quarter fund */
	{"fund_area_year_key", "year", "a fund for this area and year already exists"},
	{"fund_year_check", "year", "year must lie between 1900 and 2199"},
	{"fund_project_id_fkey", "project_id", "unknown project"},
	{"fund_quarter_id_fkey", "quarter_id", "unknown quarter"},
	{"fund_entry_amount_check", "amount_cents", "amount_cents is out of range for this kind"},
	{"fund_entry_balance_check", "amount_cents", "the balance of the fund would become negative"},
	/* inter-office coordination (AGSP) */
	{"meeting_title_check", "title", "title must have 1 to 200 characters"},
	{"meeting_place_check", "place", "place is longer than 200 characters"},
	{"meeting_times_ordered", "ends_at", "ends_at lies before starts_at"},
	{"meeting_organiser_office_id_fkey", "organiser_office_id", "unknown office"},
	{"meeting_quarter_quarter_id_fkey", "quarter_ids", "unknown quarter"},
	{"meeting_district_district_id_fkey", "district_ids", "unknown district"},
	{"meeting_project_project_id_fkey", "project_ids", "unknown project"},
	{"meeting_participant_office_id_fkey", "participant_office_ids", "unknown office"},
	{"meeting_participant_person_id_fkey", "participant_person_ids", "unknown person"},
	{"agenda_item_title_check", "title", "title must have 1 to 200 characters"},
	{"agenda_item_minutes_check", "requested_minutes", "requested_minutes must lie between 1 and 480"},
	{"agenda_item_origin_source", "origin",
	 "bottom-up items need an origin project, top-down items an origin office"},
	{"agenda_item_origin_project_id_fkey", "origin_project_id", "unknown project"},
	{"agenda_item_origin_quarter_id_fkey", "origin_quarter_id", "unknown quarter"},
	{"agenda_item_origin_office_id_fkey", "origin_office_id", "unknown office"},
	{"agenda_item_project_project_id_fkey", "project_ids", "unknown project"},
	{"agenda_item_history_once", "meeting_id", "the item was on this meeting already"},
	{"handover_lead_office_id_fkey", "lead_office_id", "unknown office"},
	{"handover_office_office_id_fkey", "office_ids", "unknown office"},
	{"handover_declined_reason", "reason", "declining a hand-over needs a reason"},
	/* coordinators' updates: goals and progress updates (0007) */
	{"goal_project_id_fkey", "project_id", "unknown project"},
	{"goal_retire_reason", "reason", "retiring a goal needs a reason"},
	{"goal_version_statement_check", "statement", "statement must have 1 to 2000 characters"},
	{"goal_version_indicator_check", "indicator", "indicator must have 1 to 500 characters"},
	{"goal_version_unit_check", "unit", "unit must have 1 to 50 characters"},
	{"goal_version_note_check", "note", "note is longer than 2000 characters"},
	{"progress_update_project_id_fkey", "project_id", "unknown project"},
	{"progress_update_period_ordered", "period_to", "period_to lies before period_from"},
	{"progress_update_narrative_check", "narrative",
	 "narrative must have 1 to 20000 characters"},
	{"progress_update_not_self_reviewed", "id",
	 "nobody approves or returns an update they submitted or revised"},
	{"progress_value_goal_id_fkey", "values.goal_id", "unknown goal"},
	{"progress_value_pkey", "values.goal_id", "a goal has one value per update"},
	/* request.c turns this one into a replay of the stored answer */
	{"client_mutation_pkey", "mutation_seq", "this mutation was applied before"},
};

void db_error_from_result(const PGresult *res, db_error_t *err)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);

	err->sqlstate = state;
	err->detail = PQresultErrorMessage(res);
	err->field = NULL;
	err->message = "internal database error";
	err->status = QT_INTERNAL;
	if (state == NULL || strlen(state) != 5)
		return;

	if (strncmp(state, "Q0", 2) == 0) {
		err->message = primary != NULL ? primary : "rejected by the database";
		err->field = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
		if (strcmp(state, "Q0400") == 0)
			err->status = QT_INVALID_ARGUMENT;
		else if (strcmp(state, "Q0404") == 0)
			err->status = QT_NOT_FOUND;
		else if (strcmp(state, "Q0409") == 0)
			err->status = QT_CONFLICT;
		else if (strcmp(state, "Q0412") == 0)
			err->status = QT_FAILED_PRECONDITION;
		else if (strcmp(state, "Q0403") == 0)
			err->status = QT_PERMISSION_DENIED;
		else if (strcmp(state, "Q0401") == 0)
			err->status = QT_UNAUTHENTICATED;
		return;
	}
	if (strncmp(state, "23", 2) == 0) {
		err->status = strcmp(state, "23505") == 0 ? QT_CONFLICT : QT_INVALID_ARGUMENT;
		err->message = err->status == QT_CONFLICT ? "a record with this key already exists"
		                                          : "the values violate a rule of the registry";
		for (size_t i = 0; constraint != NULL && i < sizeof(db_constraints) / sizeof(db_constraints[0]); i++) {
			if (strcmp(constraint, db_constraints[i].constraint) == 0) {
				err->field = db_constraints[i].field;
				err->message = db_constraints[i].message;
				break;
			}
		}
		return;
	}
	if (strncmp(state, "22", 2) == 0) {
		/* Data exceptions: a value out of range for its column. */
		err->status = QT_INVALID_ARGUMENT;
		err->message = "a value is out of range";
		return;
	}
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	    strncmp(state, "57P", 3) == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "25006") == 0) {
		err->status = QT_UNAVAILABLE;
		err->message = "the database is unavailable; try again";
		return;
	}
}
