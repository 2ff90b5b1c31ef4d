/* Priority-prefixed line logging (see log.h).  Each line is formatted into
 * one buffer and written with a single write() so lines from the thread
 * pool never interleave. */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int log_level_parse(const char *name)
{
	if (strcmp(name, "error") == 0) return LOG_LVL_ERROR;
	if (strcmp(name, "warning") == 0) return LOG_LVL_WARNING;
	if (strcmp(name, "notice") == 0) return LOG_LVL_NOTICE;
	if (strcmp(name, "info") == 0) return LOG_LVL_INFO;
	if (strcmp(name, "debug") == 0) return LOG_LVL_DEBUG;
	return -1;
}

void log_write(const qlog_t *lg, int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n, m;

	if (lg != NULL && prio > lg->level)
		return;
	n = snprintf(line, sizeof(line), "<%d>", prio);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	/* A newline inside a message would break one-line-per-event. */
	for (int i = 3; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nowhere left to report this. */
	}
}
