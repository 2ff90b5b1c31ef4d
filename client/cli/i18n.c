/* Locale setup and context look-ups of the command line (see i18n.h). */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set by the build (client/CMakeLists.txt): the locale directory relative
 * to the executable's directory, and the absolute one of the configured
 * install prefix. */
#ifndef QT_CLI_LOCALEDIR_REL
#define QT_CLI_LOCALEDIR_REL "../share/locale"
#endif
#ifndef QT_CLI_LOCALEDIR
#define QT_CLI_LOCALEDIR "/usr/share/locale"
#endif

/* The catalogue directory next to the running executable in buf, or NULL
 * when /proc/self/exe cannot be read. */
static const char *cli_i18n_exe_localedir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;
	int w;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return NULL;
	*slash = '\0';
	w = snprintf(buf, len, "%s/%s", exe, QT_CLI_LOCALEDIR_REL);
	if (w < 0 || (size_t)w >= len)
		return NULL;
	return buf;
}

void cli_i18n_init(void)
{
	char buf[PATH_MAX + sizeof(QT_CLI_LOCALEDIR_REL) + 1];
	const char *dir = getenv("QUARTIER_LOCALEDIR");

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	if (dir == NULL || dir[0] == '\0') {
		if (QT_CLI_LOCALEDIR_REL[0] != '/')
			dir = cli_i18n_exe_localedir(buf, sizeof(buf));
		else
			dir = QT_CLI_LOCALEDIR_REL;
	}
	if (dir == NULL)
		dir = QT_CLI_LOCALEDIR;
	bindtextdomain(CLI_TEXTDOMAIN, dir);
	textdomain(CLI_TEXTDOMAIN);
}
