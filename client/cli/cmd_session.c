/* `quartier login|logout|whoami`: the session, whose token is kept in the
 * session file between runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "label.h"
#include "output.h"
#include "password.h"

enum { OPT_USER = 1, OPT_PASSWORD_STDIN };

static const args_opt_t cmd_login_opts[] = {
	{ "user", 1, OPT_USER },
	{ "password-stdin", 0, OPT_PASSWORD_STDIN },
	{ NULL, 0, 0 },
};

int cmd_login(cli_t *cli, args_t *a)
{
	const char *val, *user = NULL;
	char prompt[160];
	char *pw = NULL, *token = NULL;
	int from_stdin = 0, id, rc;
	qt_account_t acct;
	qt_status_t st;
	out_json_t j;

	memset(&acct, 0, sizeof(acct));
	while ((id = args_next(a, cmd_login_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == OPT_USER) {
			user = val;
		} else if (id == OPT_PASSWORD_STDIN) {
			from_stdin = 1;
		} else {
			rc = cli_other(cli, a, id, val, "login");
			if (rc != CLI_EXIT_OK)
				return rc;
		}
	}
	if (cli->help) {
		cli_usage_command("login");
		return CLI_EXIT_OK;
	}
	if (user == NULL || user[0] == '\0')
		return cli_usage_error("login", _("missing --user LOGIN"));

	/* Ask before connecting: a server does not wait for slow typists. */
	snprintf(prompt, sizeof(prompt), _("Password for %s: "), user);
	if (password_read(prompt, NULL, from_stdin, &pw) != 0)
		return CLI_EXIT_USAGE;
	rc = cli_connect(cli, 0);
	if (rc != CLI_EXIT_OK)
		goto out;
	st = qt_login(cli->client, user, pw, &token, &acct);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	if (config_session_write(cli, token) != 0) {
		rc = CLI_EXIT_OTHER;
		goto out;
	}
	/* Which account the session is: the replica and outbox of that
	 * account are found by it, also offline. */
	config_account_write(cli, acct.login);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "account");
		cli_json_account(&j, &acct);
		out_json_kv_str(&j, "server", qt_client_server_name(cli->client));
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		printf(_("Logged in as %s (%s, role %s).\n"), acct.login, acct.display_name,
		       label(LABEL_ROLE, qt_role_name(acct.role)));
	}
	rc = CLI_EXIT_OK;
out:
	password_free(pw);
	password_free(token);
	qt_account_clear(&acct);
	return rc;
}

/* Parses a command without options of its own. */
static int cmd_session_noargs(cli_t *cli, args_t *a, const char *command)
{
	const char *val;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cli_other(cli, a, id, val, command);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	return CLI_EXIT_OK;
}

int cmd_logout(cli_t *cli, args_t *a)
{
	qt_status_t st;
	int rc;

	rc = cmd_session_noargs(cli, a, "logout");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->help) {
		cli_usage_command("logout");
		return CLI_EXIT_OK;
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_logout(cli->client);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	config_session_remove(cli);
	config_account_remove(cli);
	if (cli->json)
		printf("{\"logged_out\": true}\n");
	else
		printf(_("Logged out.\n"));
	return CLI_EXIT_OK;
}

int cmd_whoami(cli_t *cli, args_t *a)
{
	qt_account_t acct;
	qt_status_t st;
	int rc;

	rc = cmd_session_noargs(cli, a, "whoami");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->help) {
		cli_usage_command("whoami");
		return CLI_EXIT_OK;
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_whoami(cli->client, &acct);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	cli_print_account(cli, &acct);
	if (!cli->json)
		out_kv(stdout, 12, _("server"), qt_client_server_name(cli->client));
	qt_account_clear(&acct);
	return CLI_EXIT_OK;
}
