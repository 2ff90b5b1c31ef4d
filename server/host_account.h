/* The quartierd subcommands that administer accounts on the host, for
 * bootstrap and recovery without a running server or an admin login:
 * account-list, account-disable, account-enable, account-reset-password,
 * account-revoke-sessions, account-lockouts and account-unlock.  They use synchronous libpq and the same
 * statements as the protocol (account.h); audit rows carry no account. */
#ifndef QUARTIERD_HOST_ACCOUNT_H
#define QUARTIERD_HOST_ACCOUNT_H

#include <stdio.h>

#include "config.h"
#include "log.h"

/* Whether name is one of these subcommands. */
int host_account_is_cmd(const char *name);

/* Runs the subcommand argv[0] with its arguments (the configuration
 * options are already taken out).  Messages go to stdout and stderr.
 * Returns the exit code: 0 done, 1 failure (database, hashing), 2 usage,
 * 3 refused (no such login; the last enabled admin). */
int host_account_main(const config_t *cfg, const qlog_t *log, int argc, char **argv);

/* The usage lines for quartierd --help. */
void host_account_usage(FILE *out);

#endif
