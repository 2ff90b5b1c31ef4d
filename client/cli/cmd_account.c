/* `quartier account create|list`: user accounts (Benutzerkonten), for
 * admins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "password.h"

#define CMD "account"
#define CMD_ACCOUNT_ROLES "admin, office, coordinator, district_head or viewer"

enum {
	OPT_LOGIN = 1,
	OPT_NAME,
	OPT_ROLE,
	OPT_OFFICE,
	OPT_ORGANISATION,
	OPT_DISTRICT,
	OPT_PASSWORD_STDIN,
};

static const args_opt_t cmd_account_create_opts[] = {
	{ "login", 1, OPT_LOGIN },
	{ "name", 1, OPT_NAME },
	{ "role", 1, OPT_ROLE },
	{ "office", 1, OPT_OFFICE },
	{ "organisation", 1, OPT_ORGANISATION },
	{ "organization", 1, OPT_ORGANISATION },
	{ "district", 1, OPT_DISTRICT },
	{ "password-stdin", 0, OPT_PASSWORD_STDIN },
	{ NULL, 0, 0 },
};

static int cmd_account_create(cli_t *cli, args_t *a)
{
	qt_account_new_t in;
	qt_account_t out;
	const char *val, *role = NULL;
	char *pw = NULL;
	int from_stdin = 0, id, rc;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	while ((id = args_next(a, cmd_account_create_opts, cli_global_opts,
	                       &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_LOGIN:
			in.login = val;
			break;
		case OPT_NAME:
			in.display_name = val;
			break;
		case OPT_ROLE:
			role = val;
			break;
		case OPT_OFFICE:
			rc = cli_parse_id(CMD, "office id", val, &in.office_id);
			break;
		case OPT_ORGANISATION:
			rc = cli_parse_id(CMD, "organisation id", val,
			                  &in.organisation_id);
			break;
		case OPT_DISTRICT:
			rc = cli_parse_id(CMD, "district id", val, &in.district_id);
			break;
		case OPT_PASSWORD_STDIN:
			from_stdin = 1;
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (in.login == NULL)
		return cli_usage_error(CMD, "missing --login");
	if (in.display_name == NULL)
		return cli_usage_error(CMD, "missing --name");
	if (role == NULL)
		return cli_usage_error(CMD, "missing --role (%s)", CMD_ACCOUNT_ROLES);
	in.role = qt_role_parse(role);
	if (in.role == QT_ROLE_UNSPECIFIED)
		return cli_usage_error(CMD, "unknown role '%s' (%s)", role,
		                       CMD_ACCOUNT_ROLES);

	if (password_read("Password for the new account: ", "Repeat the password: ",
	                  from_stdin, &pw) != 0)
		return CLI_EXIT_USAGE;
	in.password = pw;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	st = qt_account_create(cli->client, &in, &out);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	cli_print_account(cli, &out);
	qt_account_clear(&out);
	rc = CLI_EXIT_OK;
out:
	password_free(pw);
	return rc;
}

static int cmd_account_list(cli_t *cli, args_t *a)
{
	static const char *const headers[] = {
		"ID", "LOGIN", "NAME", "ROLE", "OFFICE", "ORGANISATION", "DISTRICT", "DISABLED",
	};
	qt_account_t *list = NULL;
	size_t n = 0, i;
	const char *val;
	const char *row[8];
	char num[24], office[24], org[24], district[24];
	out_table_t t;
	out_json_t j;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_account_list(cli->client, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "accounts");
		out_json_begin_array(&j);
		for (i = 0; i < n; i++)
			cli_json_account(&j, &list[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		out_table_init(&t, 8, headers, "rlllllll");
		for (i = 0; i < n; i++) {
			snprintf(num, sizeof(num), "%lld", (long long)list[i].id);
			snprintf(office, sizeof(office), "%lld",
			         (long long)list[i].office_id);
			snprintf(org, sizeof(org), "%lld",
			         (long long)list[i].organisation_id);
			snprintf(district, sizeof(district), "%lld",
			         (long long)list[i].district_id);
			row[0] = num;
			row[1] = list[i].login;
			row[2] = list[i].display_name;
			row[3] = qt_role_name(list[i].role);
			row[4] = list[i].office_id != 0 ? office : NULL;
			row[5] = list[i].organisation_id != 0 ? org : NULL;
			row[6] = list[i].district_id != 0 ? district : NULL;
			row[7] = list[i].disabled ? "yes" : "no";
			out_table_add(&t, row);
		}
		if (out_table_print(&t, stdout) != 0) {
			fprintf(stderr, "quartier: out of memory\n");
			rc = CLI_EXIT_OTHER;
		}
		out_table_free(&t);
	}
	qt_account_list_free(list, n);
	return rc;
}

int cmd_account(cli_t *cli, args_t *a)
{
	const char *val;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_POSITIONAL) {
		if (id == ARGS_END)
			break;
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (id == ARGS_END) {
		if (cli->help) {
			cli_usage_command(CMD);
			return CLI_EXIT_OK;
		}
		return cli_usage_error(CMD, "missing subcommand (create or list)");
	}
	if (strcmp(val, "create") == 0)
		return cmd_account_create(cli, a);
	if (strcmp(val, "list") == 0)
		return cmd_account_list(cli, a);
	return cli_usage_error(CMD, "unknown subcommand '%s'", val);
}
