/* Permission decisions, v1 matrix.  Pure functions of the actor (from the
 * authenticated session, never from the request) and the record as stored;
 * the request handlers call them and the unit tests enumerate them.
 *
 *   admin        everything
 *   office       reads all; creates and edits projects its office leads
 *   coordinator  reads all; edits descriptive fields of the projects it
 *                coordinates and submits their applications for assessment
 *   viewer       reads all
 */
#ifndef QUARTIERD_PERM_H
#define QUARTIERD_PERM_H

#include <stddef.h>
#include <stdint.h>

#include "qt_status.h"

typedef enum {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1,
	ROLE_OFFICE = 2,
	ROLE_COORDINATOR = 3,
	ROLE_VIEWER = 4,
} role_t;

typedef struct actor {
	int64_t account_id;
	role_t role;
	int64_t office_id;        /* ROLE_OFFICE, else 0 */
	int64_t organisation_id;  /* ROLE_COORDINATOR, else 0 */
} actor_t;

/* The parts of a stored project that permissions depend on (borrowed). */
typedef struct perm_project {
	const int64_t *lead_office_ids;
	size_t n_lead_office_ids;
	const int64_t *coordinator_ids;
	size_t n_coordinator_ids;
} perm_project_t;

/* What an update touches. */
typedef struct perm_change {
	int structural;  /* kind, lead offices, coordinators or carrier */
	int lead_office_ids_set;
	const int64_t *new_lead_office_ids;  /* borrowed, when lead_office_ids_set */
	size_t n_new_lead_office_ids;
} perm_change_t;

/* Maps "admin", "office", ... to a role (ROLE_NONE if unknown) and back. */
role_t perm_role_parse(const char *s);
const char *perm_role_name(role_t r);

/* Reading the registry (projects, reference data, project audit). */
qt_status_t perm_registry_read(const actor_t *a);

/* Creating a project led by the given offices. */
qt_status_t perm_project_create(const actor_t *a, const int64_t *lead_office_ids,
                                size_t n);

/* Changing fields of an existing project. */
qt_status_t perm_project_update(const actor_t *a, const perm_project_t *p,
                                const perm_change_t *ch);

/* Moving a project from one lifecycle status to another (the transition
 * itself is checked by lifecycle_check()). */
qt_status_t perm_project_transition(const actor_t *a, const perm_project_t *p,
                                    int from, int to);

/* Account administration and the full audit log. */
qt_status_t perm_admin(const actor_t *a);

#endif
