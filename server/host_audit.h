/* `quartierd audit verify`: verifies the audit log's hash chain on the
 * host, without a running server or an admin login (synchronous libpq,
 * the same statement as the audit_verify request). */
#ifndef QUARTIERD_HOST_AUDIT_H
#define QUARTIERD_HOST_AUDIT_H

#include <stdio.h>

#include "config.h"
#include "log.h"

/* Whether name is this subcommand ("audit"). */
int host_audit_is_cmd(const char *name);

/* Runs `audit verify [--anchor POSITION:HASH]` (argv[0] is "audit"; the
 * configuration options are already taken out).  Prints the verdict on
 * stdout, errors on stderr.  Returns the exit code: 0 intact, 1 failure
 * (database), 2 usage, 3 the chain is damaged. */
int host_audit_main(const config_t *cfg, const qlog_t *log, int argc, char **argv);

/* The usage lines for quartierd --help. */
void host_audit_usage(FILE *out);

#endif
