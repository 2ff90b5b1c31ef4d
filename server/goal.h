/* Goals (Zielsteuerung, chapter 4) as rows of the view goal_version_v,
 * shared by the goal handlers (goal.c) and the annual report
 * (progress.c). */
#ifndef QUARTIERD_GOAL_H
#define QUARTIERD_GOAL_H

#include <libpq-fe.h>
#include <stddef.h>

#include "request.h"

/* The columns of goal_version_v, in the order goal_rows() reads them. */
#define GOAL_COLS                                                                                  \
	"goal_id, project_id, project_name, goal_version, retired_at, retired_by, retire_reason, " \
	"created_at, updated_at, version, statement, indicator, baseline, target_value, unit, "    \
	"due_date, note, state, proposed_by, proposed_by_name, proposed_at, accepted_by, "         \
	"accepted_by_name, accepted_at, is_current, is_accepted"

/* The lead offices and coordinators of the project whose id is the SQL
 * expression pid (two int8[] columns, for perm_project_t). */
#define GOAL_PERM_COLS(pid)                                                                        \
	"ARRAY(SELECT lo.office_id FROM project_lead_office lo WHERE lo.project_id = " pid         \
	" ORDER BY 1), ARRAY(SELECT pc.account_id FROM project_coordinator pc "                    \
	"WHERE pc.project_id = " pid " ORDER BY 1)"

/* Builds the goals of GOAL_COLS rows ordered by goal_id, version: each
 * with its current and accepted version and, if with_history, every
 * version of the rows.  Returns an arena array of *n goals. */
Quartier__V1__Goal **goal_rows(req_t *r, const PGresult *res, int with_history, size_t *n);

#endif
