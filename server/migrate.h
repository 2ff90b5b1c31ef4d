/* Versioned schema migrations.  The SQL files in server/migrations/ are
 * compiled into the binary; each pending one is applied in its own
 * transaction together with its row in schema_migrations.  Pending means
 * not recorded there, not only above the newest recorded version: numbers
 * are handed out to work done side by side, so a database may have
 * 0012 and still lack 0010 (each migration relies only on those below its
 * number).  A database whose schema is newer than this binary knows is
 * refused.  This runs
 * synchronously, before the event loop starts (or in `quartierd
 * migrate`), never on the running loop. */
#ifndef QUARTIERD_MIGRATE_H
#define QUARTIERD_MIGRATE_H

#include <libpq-fe.h>

#include "log.h"
#include "qt_status.h"

typedef struct migration {
	unsigned version;
	const char *name;
	const char *sql;
} migration_t;

extern const migration_t migrations[];   /* generated, ascending versions */
extern const unsigned migrations_count;

/* Brings the schema on pg up to date (apply != 0) or only checks it.
 * Returns QT_OK when the schema matches this binary, QT_FAILED_PRECONDITION
 * if the database is newer than the binary or (check only) older,
 * QT_UNAVAILABLE or QT_INTERNAL on database errors.  Messages go to log. */
qt_status_t migrate_run(PGconn *pg, const qlog_t *log, int apply);

/* The newest schema version this binary knows. */
unsigned migrate_latest(void);

#endif
