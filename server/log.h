/* Logging to stderr with syslog priority prefixes (<3> error ... <7>
 * debug) so journald files each line by level.  One line per event,
 * lowercase key=value fields; callers never pass passwords, tokens or
 * personal contact data. */
#ifndef QUARTIERD_LOG_H
#define QUARTIERD_LOG_H

#include <stdarg.h>

enum {
	LOG_LVL_ERROR = 3,
	LOG_LVL_WARNING = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

typedef struct qlog {
	int level;  /* lines with a higher (less important) priority are dropped */
} qlog_t;

/* Maps "error" ... "debug" to a level; -1 if unknown. */
int log_level_parse(const char *name);

#if defined(__GNUC__)
#define QT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define QT_PRINTF(a, b)
#endif

/* Writes one line "<prio>text" to stderr if prio passes lg->level. */
void log_write(const qlog_t *lg, int prio, const char *fmt, ...) QT_PRINTF(3, 4);

#define log_error(lg, ...) log_write((lg), LOG_LVL_ERROR, __VA_ARGS__)
#define log_warning(lg, ...) log_write((lg), LOG_LVL_WARNING, __VA_ARGS__)
#define log_notice(lg, ...) log_write((lg), LOG_LVL_NOTICE, __VA_ARGS__)
#define log_info(lg, ...) log_write((lg), LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(lg, ...) log_write((lg), LOG_LVL_DEBUG, __VA_ARGS__)

#endif
