/* The start-up check of the change feed's home (see feed_home.h). */
#include "feed_home.h"

#include <string.h>

qt_status_t feed_home_check(PGconn *pg, const qlog_t *log)
{
	PGresult *res = PQexec(pg, "SELECT qt_feed_check(), (SELECT epoch FROM feed_meta)");
	qt_status_t rc = QT_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		size_t len = strcspn(PQresultErrorMessage(res), "\n");
		log_error(log, "event=feed_check error=\"%.*s\"", (int)len, PQresultErrorMessage(res));
		rc = QT_UNAVAILABLE;
		goto out;
	}
	if (!PQgetisnull(res, 0, 0))
		log_warning(log,
		            "event=feed_new_epoch epoch=%s msg=\"the change feed belonged to another "
		            "database or cluster: this one was restored or copied without "
		            "quartier-backup; every replica starts again with a snapshot\"",
		            PQgetvalue(res, 0, 0));
out:
	PQclear(res);
	return rc;
}
