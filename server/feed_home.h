/* At start, before anything is served: whether the change feed's positions
 * belong to this database.  A database restored or copied without the
 * restore procedure (deploy/quartier-backup) still carries the positions
 * of the one it came from, which the cursors of replicas cannot be trusted
 * against; its feed gets a new epoch, so every replica starts again with a
 * snapshot instead of silently missing changes (migration 0012,
 * qt_feed_check()).  Synchronous libpq: runs before the event loop, like
 * the migrations. */
#ifndef QUARTIERD_FEED_HOME_H
#define QUARTIERD_FEED_HOME_H

#include <libpq-fe.h>

#include "log.h"
#include "qt_status.h"

/* Checks (and if need be renews) the feed's epoch on pg; logs a new epoch
 * as a warning.  QT_OK, or QT_UNAVAILABLE if the check could not run. */
qt_status_t feed_home_check(PGconn *pg, const qlog_t *log);

#endif
