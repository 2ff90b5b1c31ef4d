/* Schema migrations (see migrate.h).  An advisory lock keeps two servers
 * starting at once from applying the same migration twice. */
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIGRATE_LOCK_KEY "7433001"

unsigned migrate_latest(void)
{
	return migrations_count > 0 ? migrations[migrations_count - 1].version : 0;
}

static int migrate_exec(PGconn *pg, const qlog_t *log, const char *sql,
                        const char *what)
{
	PGresult *res = PQexec(pg, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		log_error(log, "event=migrate step=\"%s\" error=\"%s\"", what,
		          PQresultErrorMessage(res));
	PQclear(res);
	return ok ? 0 : -1;
}

/* Whether version is among the n applied ones in res (one column of
 * versions). */
static int migrate_applied(const PGresult *res, int n, unsigned version)
{
	for (int i = 0; i < n; i++)
		if ((unsigned)strtoul(PQgetvalue(res, i, 0), NULL, 10) == version)
			return 1;
	return 0;
}

qt_status_t migrate_run(PGconn *pg, const qlog_t *log, int apply)
{
	PGresult *res = NULL;
	unsigned current = 0;
	qt_status_t rc = QT_OK;
	int locked = 0, napplied = 0;

	if (PQstatus(pg) != CONNECTION_OK)
		return QT_UNAVAILABLE;
	if (migrate_exec(pg, log, "SET client_min_messages = warning", "settings") != 0)
		return QT_UNAVAILABLE;
	if (migrate_exec(pg, log, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", "lock") != 0)
		return QT_UNAVAILABLE;
	locked = 1;
	if (migrate_exec(pg, log,
	                 "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                 " version integer PRIMARY KEY,"
	                 " name text NOT NULL,"
	                 " applied_at timestamptz NOT NULL DEFAULT now())",
	                 "schema_migrations") != 0) {
		rc = QT_INTERNAL;
		goto out;
	}
	res = PQexec(pg, "SELECT version FROM schema_migrations ORDER BY version");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error(log, "event=migrate error=\"%s\"", PQresultErrorMessage(res));
		rc = QT_INTERNAL;
		goto out;
	}
	napplied = PQntuples(res);
	if (napplied > 0)
		current = (unsigned)strtoul(PQgetvalue(res, napplied - 1, 0), NULL, 10);

	if (current > migrate_latest()) {
		log_error(log, "event=migrate status=refused schema_version=%u known_version=%u "
		          "msg=\"the database schema is newer than this quartierd; upgrade quartierd\"",
		          current, migrate_latest());
		rc = QT_FAILED_PRECONDITION;
		goto out;
	}
	for (unsigned i = 0; i < migrations_count; i++) {
		const migration_t *m = &migrations[i];
		char sql[256];

		if (migrate_applied(res, napplied, m->version))
			continue;
		if (!apply) {
			log_error(log, "event=migrate status=pending version=%u name=%s", m->version, m->name);
			rc = QT_FAILED_PRECONDITION;
			goto out;
		}
		if (migrate_exec(pg, log, "BEGIN", "begin") != 0) {
			rc = QT_INTERNAL;
			goto out;
		}
		if (migrate_exec(pg, log, m->sql, m->name) != 0) {
			migrate_exec(pg, log, "ROLLBACK", "rollback");
			rc = QT_INTERNAL;
			goto out;
		}
		snprintf(sql, sizeof(sql),
		         "INSERT INTO schema_migrations (version, name) VALUES (%u, '%s')",
		         m->version, m->name); /* both come from the build, not from users */
		if (migrate_exec(pg, log, sql, "record") != 0 ||
		    migrate_exec(pg, log, "COMMIT", "commit") != 0) {
			migrate_exec(pg, log, "ROLLBACK", "rollback");
			rc = QT_INTERNAL;
			goto out;
		}
		log_notice(log, "event=migrate status=applied version=%u name=%s", m->version, m->name);
	}
out:
	if (res != NULL)
		PQclear(res);
	if (locked)
		migrate_exec(pg, log, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", "unlock");
	return rc;
}
