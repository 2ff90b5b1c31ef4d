/* Meeting, agenda and hand-over state machines (see meeting_lifecycle.h). */
#include "meeting_lifecycle.h"

#include <string.h>

#define ML_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define B(s) (1u << (s))

static const char *const ml_meeting_names[] = {
	NULL, "draft", "open", "in_progress", "closed", "minutes_approved",
};

static const char *const ml_handover_names[] = {
	NULL, "open", "acknowledged", "done", "declined",
};

static const char *const ml_outcome_names[] = {
	NULL, "information", "decision", "deferral", "hand_over", "carried_over",
};

static const char *const ml_item_names[] = {
	NULL, "backlog", "scheduled", "concluded",
};

static const char *const ml_origin_names[] = {
	NULL, "bottom_up", "top_down",
};

/* allowed[from] is a bit set of the states reachable from it. */
static const unsigned ml_meeting_allowed[] = {
	[MEETING_DRAFT] = B(MEETING_OPEN),
	[MEETING_OPEN] = B(MEETING_IN_PROGRESS),
	[MEETING_IN_PROGRESS] = B(MEETING_CLOSED),
	[MEETING_CLOSED] = B(MEETING_MINUTES_APPROVED),
	[MEETING_MINUTES_APPROVED] = 0,
};

static const unsigned ml_handover_allowed[] = {
	[HANDOVER_OPEN] = B(HANDOVER_ACKNOWLEDGED),
	[HANDOVER_ACKNOWLEDGED] = B(HANDOVER_DONE) | B(HANDOVER_DECLINED),
	[HANDOVER_DONE] = 0,
	[HANDOVER_DECLINED] = 0,
};

static const char *ml_name(const char *const *t, int n, int v)
{
	return v > 0 && v < n ? t[v] : NULL;
}

static int ml_parse(const char *const *t, int n, const char *s)
{
	for (int i = 1; s != NULL && i < n; i++)
		if (strcmp(s, t[i]) == 0)
			return i;
	return 0;
}

const char *meeting_lifecycle_name(int s)
{
	return ml_name(ml_meeting_names, ML_COUNT(ml_meeting_names), s);
}

meeting_status_t meeting_lifecycle_parse(const char *s)
{
	return (meeting_status_t)ml_parse(ml_meeting_names, ML_COUNT(ml_meeting_names), s);
}

const char *meeting_lifecycle_handover_name(int s)
{
	return ml_name(ml_handover_names, ML_COUNT(ml_handover_names), s);
}

handover_status_t meeting_lifecycle_handover_parse(const char *s)
{
	return (handover_status_t)ml_parse(ml_handover_names, ML_COUNT(ml_handover_names), s);
}

const char *meeting_lifecycle_outcome_name(int o)
{
	return ml_name(ml_outcome_names, ML_COUNT(ml_outcome_names), o);
}

outcome_t meeting_lifecycle_outcome_parse(const char *s)
{
	return (outcome_t)ml_parse(ml_outcome_names, ML_COUNT(ml_outcome_names), s);
}

const char *meeting_lifecycle_item_name(int s)
{
	return ml_name(ml_item_names, ML_COUNT(ml_item_names), s);
}

item_status_t meeting_lifecycle_item_parse(const char *s)
{
	return (item_status_t)ml_parse(ml_item_names, ML_COUNT(ml_item_names), s);
}

const char *meeting_lifecycle_origin_name(int o)
{
	return ml_name(ml_origin_names, ML_COUNT(ml_origin_names), o);
}

int meeting_lifecycle_origin_parse(const char *s)
{
	return ml_parse(ml_origin_names, ML_COUNT(ml_origin_names), s);
}

const char *meeting_lifecycle_check(int from, int to)
{
	if (meeting_lifecycle_name(from) == NULL || meeting_lifecycle_name(to) == NULL)
		return "unknown meeting status";
	if (from == to)
		return "the meeting already has this status";
	if (from == MEETING_MINUTES_APPROVED)
		return "the minutes are approved; the meeting can no longer change";
	if (ml_meeting_allowed[from] & B(to))
		return NULL;
	switch (from) {
	case MEETING_DRAFT: return "a draft can only be opened (agenda published)";
	case MEETING_OPEN: return "an open meeting can only start (in_progress)";
	case MEETING_IN_PROGRESS: return "a meeting in progress can only be closed";
	case MEETING_CLOSED: return "a closed meeting can only have its minutes approved";
	}
	return "transition not allowed";
}

int meeting_lifecycle_schedulable(int s)
{
	return s == MEETING_DRAFT || s == MEETING_OPEN || s == MEETING_IN_PROGRESS;
}

int meeting_lifecycle_unschedulable(int s)
{
	return s == MEETING_DRAFT || s == MEETING_OPEN;
}

int meeting_lifecycle_records_outcomes(int s)
{
	return s == MEETING_IN_PROGRESS || s == MEETING_CLOSED;
}

const char *meeting_lifecycle_outcome_check(int prev, int item)
{
	switch (prev) {
	case OUTCOME_NONE:
	case OUTCOME_INFORMATION:
	case OUTCOME_DECISION:
		return NULL;
	case OUTCOME_HAND_OVER:
		return "the item was handed over already; the hand-over stays";
	case OUTCOME_DEFERRAL:
	case OUTCOME_CARRIED_OVER:
		return item == ITEM_BACKLOG ? NULL
		                            : "the item has been put on another agenda since";
	}
	return "unknown outcome";
}

const char *meeting_lifecycle_handover_check(int from, int to, const char *reason)
{
	if (meeting_lifecycle_handover_name(from) == NULL ||
	    meeting_lifecycle_handover_name(to) == NULL)
		return "unknown hand-over status";
	if (from == to)
		return "the hand-over already has this status";
	if (!(ml_handover_allowed[from] & B(to))) {
		switch (from) {
		case HANDOVER_OPEN: return "an open hand-over is acknowledged first";
		case HANDOVER_ACKNOWLEDGED: return "an acknowledged hand-over ends as done or declined";
		}
		return "the hand-over is finished";
	}
	if (to == HANDOVER_DECLINED && (reason == NULL || reason[0] == '\0'))
		return "declining a hand-over needs a reason";
	return NULL;
}
