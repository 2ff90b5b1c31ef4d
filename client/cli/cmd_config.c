/* `quartier config init|show`: writing and showing the connection
 * settings.  Works without a server. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"

static int cmd_config_init(cli_t *cli)
{
	char ca_abs[PATH_MAX];
	int rc;

	/* --host/--port/--ca are the global options; resolving applies them
	 * over the existing file and the defaults. */
	rc = config_resolve(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->ca_file != NULL && realpath(cli->ca_file, ca_abs) == NULL) {
		fprintf(stderr, _("quartier: CA file %s: %s\n"), cli->ca_file, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	rc = config_write(cli, cli->host, cli->port,
	                  cli->ca_file != NULL ? ca_abs : NULL);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (!cli->json)
		printf(_("Wrote %s.\n"), cli->config_path);
	if (cli->ca_file != NULL) {
		free(cli->ca_file);
		cli->ca_file = strdup(ca_abs);
	}
	if (cli->json)
		config_show(cli);
	return CLI_EXIT_OK;
}

int cmd_config(cli_t *cli, args_t *a)
{
	const char *val, *sub = NULL;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && sub == NULL) {
			sub = val;
			continue;
		}
		rc = cli_other(cli, a, id, val, "config");
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command("config");
		return CLI_EXIT_OK;
	}
	if (sub == NULL)
		return cli_usage_error("config", _("missing subcommand (init or show)"));
	if (strcmp(sub, "init") == 0)
		return cmd_config_init(cli);
	if (strcmp(sub, "show") == 0) {
		rc = config_resolve(cli);
		if (rc != CLI_EXIT_OK)
			return rc;
		config_show(cli);
		return CLI_EXIT_OK;
	}
	return cli_usage_error("config", _("unknown subcommand '%s'"), sub);
}
