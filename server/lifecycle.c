/* Project lifecycle transitions (see lifecycle.h). */
#include "lifecycle.h"

#include <string.h>

static const char *const lifecycle_names[] = {
	NULL, "application", "assessment", "approved", "running",
	"evaluation", "continued", "ended",
};

#define LC_N ((int)(sizeof(lifecycle_names) / sizeof(lifecycle_names[0])))

/* allowed[from] is a bit set of the states reachable from it. */
#define B(s) (1u << (s))
static const unsigned lifecycle_allowed[LC_N] = {
	[LIFECYCLE_APPLICATION] = B(LIFECYCLE_ASSESSMENT) | B(LIFECYCLE_ENDED),
	[LIFECYCLE_ASSESSMENT] = B(LIFECYCLE_APPROVED) | B(LIFECYCLE_APPLICATION) | B(LIFECYCLE_ENDED),
	[LIFECYCLE_APPROVED] = B(LIFECYCLE_RUNNING) | B(LIFECYCLE_ENDED),
	[LIFECYCLE_RUNNING] = B(LIFECYCLE_EVALUATION) | B(LIFECYCLE_ENDED),
	[LIFECYCLE_EVALUATION] = B(LIFECYCLE_CONTINUED) | B(LIFECYCLE_RUNNING) | B(LIFECYCLE_ENDED),
	[LIFECYCLE_CONTINUED] = B(LIFECYCLE_ENDED),
};

const char *lifecycle_name(int s)
{
	return s > 0 && s < LC_N ? lifecycle_names[s] : NULL;
}

lifecycle_t lifecycle_parse(const char *s)
{
	for (int i = 1; s != NULL && i < LC_N; i++)
		if (strcmp(s, lifecycle_names[i]) == 0)
			return (lifecycle_t)i;
	return LIFECYCLE_NONE;
}

const char *lifecycle_check(int from, int to, const char *reason)
{
	int has_reason = reason != NULL && reason[0] != '\0';

	if (lifecycle_name(from) == NULL || lifecycle_name(to) == NULL)
		return "unknown project status";
	if (from == to)
		return "the project already has this status";
	if (from == LIFECYCLE_ENDED)
		return "an ended project cannot change its status";
	if (!(lifecycle_allowed[from] & B(to))) {
		switch (from) {
		case LIFECYCLE_APPLICATION: return "an application can only go to assessment or be ended";
		case LIFECYCLE_ASSESSMENT: return "an assessment ends in approved, application (rework) or ended";
		case LIFECYCLE_APPROVED: return "an approved project can only start running or be ended";
		case LIFECYCLE_RUNNING: return "a running project can only go to evaluation or be ended";
		case LIFECYCLE_EVALUATION: return "an evaluation ends in continued, running (extension) or ended";
		case LIFECYCLE_CONTINUED: return "a continued project can only be ended";
		}
		return "transition not allowed";
	}
	if (!has_reason && (to == LIFECYCLE_ENDED ||
	                    (from == LIFECYCLE_ASSESSMENT && to == LIFECYCLE_APPLICATION) ||
	                    (from == LIFECYCLE_EVALUATION && to == LIFECYCLE_RUNNING)))
		return "this transition needs a reason";
	return NULL;
}
