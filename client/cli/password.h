/* Reading passwords for login and account creation: from the terminal
 * without echo, or one line from standard input (--password-stdin, or when
 * stdin is not a terminal). */
#ifndef QUARTIER_CLI_PASSWORD_H
#define QUARTIER_CLI_PASSWORD_H

/* Reads a password.  prompt is shown on stderr when reading from a
 * terminal; confirm (may be NULL) asks a second time and requires both to
 * match.  On success *out is a new string (release with password_free()).
 * Returns 0, or -1 after printing why to stderr. */
int password_read(const char *prompt, const char *confirm, int from_stdin,
                  char **out);

/* Overwrites and frees a password; NULL is allowed. */
void password_free(char *pw);

#endif
