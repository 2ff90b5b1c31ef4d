/* The state machines of the inter-office coordination (AGSP), pure logic
 * without I/O.  Values equal the wire enums.
 *
 * Meetings (MeetingStatus):
 *
 *   draft            -> open (agenda published)
 *   open             -> in_progress
 *   in_progress      -> closed (items not reached are carried over)
 *   closed           -> minutes_approved
 *   minutes_approved -> (none: read-only)
 *
 * Items go on an agenda while the meeting is draft, open or in progress,
 * come off it (or move to another meeting) only before it starts, and get
 * an outcome while it is in progress or closed.  Nothing of an approved
 * meeting changes.
 *
 * Hand-overs (HandoverStatus):
 *
 *   open         -> acknowledged
 *   acknowledged -> done | declined (needs a reason)
 *   done, declined -> (none)
 */
#ifndef QUARTIERD_MEETING_LIFECYCLE_H
#define QUARTIERD_MEETING_LIFECYCLE_H

typedef enum {
	MEETING_NONE = 0,
	MEETING_DRAFT = 1,
	MEETING_OPEN = 2,
	MEETING_IN_PROGRESS = 3,
	MEETING_CLOSED = 4,
	MEETING_MINUTES_APPROVED = 5,
} meeting_status_t;

typedef enum {
	HANDOVER_NONE = 0,
	HANDOVER_OPEN = 1,
	HANDOVER_ACKNOWLEDGED = 2,
	HANDOVER_DONE = 3,
	HANDOVER_DECLINED = 4,
} handover_status_t;

typedef enum {
	OUTCOME_NONE = 0,
	OUTCOME_INFORMATION = 1,
	OUTCOME_DECISION = 2,
	OUTCOME_DEFERRAL = 3,
	OUTCOME_HAND_OVER = 4,
	OUTCOME_CARRIED_OVER = 5,
} outcome_t;

typedef enum {
	ITEM_NONE = 0,
	ITEM_BACKLOG = 1,
	ITEM_SCHEDULED = 2,
	ITEM_CONCLUDED = 3,
} item_status_t;

/* Database spellings ("draft", "in_progress", ...) by wire value; NULL
 * for invalid values.  The parsers return 0 (the NONE value) if unknown. */
const char *meeting_lifecycle_name(int s);
meeting_status_t meeting_lifecycle_parse(const char *s);
const char *meeting_lifecycle_handover_name(int s);
handover_status_t meeting_lifecycle_handover_parse(const char *s);
const char *meeting_lifecycle_outcome_name(int o);
outcome_t meeting_lifecycle_outcome_parse(const char *s);
const char *meeting_lifecycle_item_name(int s);
item_status_t meeting_lifecycle_item_parse(const char *s);
/* "bottom_up" (1), "top_down" (2). */
const char *meeting_lifecycle_origin_name(int o);
int meeting_lifecycle_origin_parse(const char *s);

/* Returns NULL if a meeting may go from -> to, else a static English
 * sentence saying why not. */
const char *meeting_lifecycle_check(int from, int to);

/* Whether items may be put on the agenda of a meeting in status s. */
int meeting_lifecycle_schedulable(int s);

/* Whether an item may be taken off (or moved away from) the agenda of a
 * meeting in status s: only before the meeting starts. */
int meeting_lifecycle_unschedulable(int s);

/* Whether outcomes may be recorded in a meeting in status s. */
int meeting_lifecycle_records_outcomes(int s);

/* Returns NULL if an outcome may be recorded for an item whose row on the
 * meeting has outcome prev (OUTCOME_NONE: not dealt with) and whose
 * status is now item, else why not.  Outcomes may be corrected before
 * approval, except a hand-over, and a carried-over or deferred item only
 * while it is on no other agenda. */
const char *meeting_lifecycle_outcome_check(int prev, int item);

/* Returns NULL if a hand-over may go from -> to with the given reason
 * (NULL or "" for none), else why not. */
const char *meeting_lifecycle_handover_check(int from, int to, const char *reason);

#endif
