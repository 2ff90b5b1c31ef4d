/* Names of the public enums (roles, project kinds and statuses, support
 * group roles) as used on the command line and in JSON output, and their
 * parsers. */
#include "internal.h"

#include <strings.h>

static const char *const names_role[] = {
	[QT_ROLE_ADMIN] = "admin",
	[QT_ROLE_OFFICE] = "office",
	[QT_ROLE_COORDINATOR] = "coordinator",
	[QT_ROLE_VIEWER] = "viewer",
	[QT_ROLE_DISTRICT_HEAD] = "district_head",
};

static const char *const names_kind[] = {
	[QT_KIND_COMPREHENSIVE] = "comprehensive",
	[QT_KIND_FOCUSED] = "focused",
};

static const char *const names_status[] = {
	[QT_PSTATUS_APPLICATION] = "application",
	[QT_PSTATUS_ASSESSMENT] = "assessment",
	[QT_PSTATUS_APPROVED] = "approved",
	[QT_PSTATUS_RUNNING] = "running",
	[QT_PSTATUS_EVALUATION] = "evaluation",
	[QT_PSTATUS_CONTINUED] = "continued",
	[QT_PSTATUS_ENDED] = "ended",
};

static const char *const names_member_role[] = {
	[QT_MEMBER_CITY_STAFF] = "city_staff",
	[QT_MEMBER_DISTRICT_HEAD] = "district_head",
	[QT_MEMBER_CARRIER] = "carrier",
	[QT_MEMBER_CIVIC] = "civic",
};

#define NAMES_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The name of value v in table t, or "unspecified". */
static const char *names_get(const char *const *t, size_t n, int v)
{
	if (v <= 0 || (size_t)v >= n || t[v] == NULL)
		return "unspecified";
	return t[v];
}

/* The value named s (ASCII case-insensitive) in table t, or 0. */
static int names_find(const char *const *t, size_t n, const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 1; i < n; i++)
		if (t[i] != NULL && strcasecmp(t[i], s) == 0)
			return (int)i;
	return 0;
}

const char *qt_role_name(qt_role_t r)
{
	return names_get(names_role, NAMES_COUNT(names_role), (int)r);
}

qt_role_t qt_role_parse(const char *s)
{
	return (qt_role_t)names_find(names_role, NAMES_COUNT(names_role), s);
}

const char *qt_project_kind_name(qt_project_kind_t k)
{
	return names_get(names_kind, NAMES_COUNT(names_kind), (int)k);
}

qt_project_kind_t qt_project_kind_parse(const char *s)
{
	return (qt_project_kind_t)names_find(names_kind, NAMES_COUNT(names_kind), s);
}

const char *qt_project_status_name(qt_project_status_t s)
{
	return names_get(names_status, NAMES_COUNT(names_status), (int)s);
}

qt_project_status_t qt_project_status_parse(const char *s)
{
	return (qt_project_status_t)names_find(names_status,
	                                       NAMES_COUNT(names_status), s);
}

const char *qt_member_role_name(qt_member_role_t r)
{
	return names_get(names_member_role, NAMES_COUNT(names_member_role), (int)r);
}

qt_member_role_t qt_member_role_parse(const char *s)
{
	return (qt_member_role_t)names_find(names_member_role, NAMES_COUNT(names_member_role), s);
}
