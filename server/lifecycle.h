/* The lifecycle of a quarter project (Antrag -> Prüfung -> bewilligt ->
 * laufend -> Evaluation -> verstetigt | beendet).  Values equal the wire
 * enum ProjectStatus.  Allowed transitions:
 *
 *   application -> assessment | ended (withdrawn)
 *   assessment  -> approved | application (returned for rework) | ended (rejected)
 *   approved    -> running | ended
 *   running     -> evaluation | ended
 *   evaluation  -> continued | running (extended) | ended
 *   continued   -> ended
 *   ended       -> (none)
 *
 * Going back (assessment -> application, evaluation -> running) and ending
 * a project need a reason, which the audit log keeps. */
#ifndef QUARTIERD_LIFECYCLE_H
#define QUARTIERD_LIFECYCLE_H

#include <stddef.h>

typedef enum {
	LIFECYCLE_NONE = 0,
	LIFECYCLE_APPLICATION = 1,
	LIFECYCLE_ASSESSMENT = 2,
	LIFECYCLE_APPROVED = 3,
	LIFECYCLE_RUNNING = 4,
	LIFECYCLE_EVALUATION = 5,
	LIFECYCLE_CONTINUED = 6,
	LIFECYCLE_ENDED = 7,
} lifecycle_t;

/* "application", ... (the database's spelling); NULL for invalid values. */
const char *lifecycle_name(int s);

/* Parses the database spelling; LIFECYCLE_NONE if unknown. */
lifecycle_t lifecycle_parse(const char *s);

/* Returns NULL if from -> to is allowed with the given reason (NULL or ""
 * for none), else a static English sentence saying why not. */
const char *lifecycle_check(int from, int to, const char *reason);

#endif
