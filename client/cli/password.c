/* Password input (see password.h).  While echo is off, a signal handler
 * puts the terminal back before the process dies, so Ctrl-C does not leave
 * a silent shell behind; that handler needs the saved terminal state in a
 * file-local variable, the only such state in the program. */
#include "password.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"

static struct termios password_saved_tio;
static volatile sig_atomic_t password_echo_off;

static void password_restore_cb(int sig)
{
	if (password_echo_off)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &password_saved_tio);
	(void)!write(STDERR_FILENO, "\n", 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

void password_free(char *pw)
{
	if (pw == NULL)
		return;
	explicit_bzero(pw, strlen(pw));
	free(pw);
}

/* Reads one line from stdin without its line end into a new string. */
static int password_line(char **out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	errno = 0;
	n = getline(&line, &cap, stdin);
	if (n < 0) {
		if (errno != 0)
			fprintf(stderr, _("quartier: cannot read the password: %s\n"),
			        strerror(errno));
		else
			fprintf(stderr, _("quartier: no password given on standard input\n"));
		free(line);
		return -1;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*out = line;
	return 0;
}

/* Prompts on stderr and reads one line from the terminal without echo. */
static int password_tty(const char *prompt, char **out)
{
	struct sigaction sa, old_int, old_term, old_hup, old_quit;
	struct termios tio;
	int rc;

	if (tcgetattr(STDIN_FILENO, &password_saved_tio) != 0) {
		fprintf(stderr, _("quartier: cannot read the terminal: %s\n"), strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = password_restore_cb;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGQUIT, &sa, &old_quit);

	tio = password_saved_tio;
	tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tio.c_lflag |= ICANON;
	fputs(prompt, stderr);
	fflush(stderr);
	password_echo_off = 1;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio);
	rc = password_line(out);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &password_saved_tio);
	password_echo_off = 0;
	fputc('\n', stderr);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return rc;
}

int password_read(const char *prompt, const char *confirm, int from_stdin,
                  char **out)
{
	char *pw = NULL, *again = NULL;
	int rc = -1;

	if (from_stdin || !isatty(STDIN_FILENO)) {
		if (password_line(&pw) != 0)
			goto out;
	} else {
		if (password_tty(prompt, &pw) != 0)
			goto out;
		if (confirm != NULL) {
			if (password_tty(confirm, &again) != 0)
				goto out;
			if (strcmp(pw, again) != 0) {
				fprintf(stderr, _("quartier: the passwords do not match\n"));
				goto out;
			}
		}
	}
	if (pw[0] == '\0') {
		fprintf(stderr, _("quartier: empty password\n"));
		goto out;
	}
	*out = pw;
	pw = NULL;
	rc = 0;
out:
	password_free(pw);
	password_free(again);
	return rc;
}
