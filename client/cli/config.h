/* The client's files: the config file ($XDG_CONFIG_HOME/quartier/config,
 * "key = value" lines), the session token file (mode 0600) and the stable
 * instance id, all in one directory of mode 0700. */
#ifndef QUARTIER_CLI_CONFIG_H
#define QUARTIER_CLI_CONFIG_H

#include <sys/types.h>

#include "cli.h"

/* Fills cli->dir, cli->config_path, host, port and ca_file from the
 * defaults, the config file and the global options (in rising priority).
 * Idempotent.  Returns CLI_EXIT_OK or an exit code after printing why. */
int config_resolve(cli_t *cli);

/* Writes the config file (atomically, via a temporary file).  ca_file may
 * be NULL.  Returns CLI_EXIT_OK or an exit code after printing why. */
int config_write(cli_t *cli, const char *host, unsigned port,
                 const char *ca_file);

/* Prints the effective configuration (keys with their help text). */
void config_show(cli_t *cli);

/* The session token file's path (owned by cli; valid while cli lives) is
 * dir/session.  Reads the token into a new string (*token, caller frees).
 * Returns 0, 1 if there is no session, -1 after printing an error. */
int config_session_read(cli_t *cli, char **token);

/* Saves token with mode 0600, creating the directory (0700) if needed.
 * Returns 0 or -1 after printing an error. */
int config_session_write(cli_t *cli, const char *token);

/* Deletes the session file; a missing file is fine. */
void config_session_remove(cli_t *cli);

/* The stable id of this installation as a new string (caller frees),
 * created on first use if the directory exists; NULL if unavailable (the
 * library then picks a random one). */
char *config_instance_id(cli_t *cli);

/* The login of the saved session, kept beside it ("account") so that the
 * replica of that account is found without the server (offline).
 * config_account_read() returns a new string (caller frees) or NULL if
 * there is none; write and remove report failures on stderr and return
 * -1 (0 on success). */
char *config_account_read(cli_t *cli);
int config_account_write(cli_t *cli, const char *login);
void config_account_remove(cli_t *cli);

/* Writes data (a string) to path through path.tmp, fsync() and rename(),
 * so that path holds the old content or all of the new; the file gets mode
 * (also when it existed with a wider one).  Returns 0, or -1 with errno
 * set (nothing printed). */
int config_write_file(const char *path, const char *data, mode_t mode);

#endif
