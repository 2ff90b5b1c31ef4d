/* `quartier account create|list|disable|enable|role|rename|
 * reset-password|revoke-sessions|lockouts|unlock`: user accounts
 * (Benutzerkonten), for admins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
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
			rc = cli_parse_id(CMD, N_("office id"), val, &in.office_id);
			break;
		case OPT_ORGANISATION:
			rc = cli_parse_id(CMD, N_("organisation id"), val, &in.organisation_id);
			break;
		case OPT_DISTRICT:
			rc = cli_parse_id(CMD, N_("district id"), val, &in.district_id);
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
		return cli_usage_error(CMD, _("missing --login"));
	if (in.display_name == NULL)
		return cli_usage_error(CMD, _("missing --name"));
	if (role == NULL)
		return cli_usage_error(CMD, _("missing --role (%s)"), CMD_ACCOUNT_ROLES);
	in.role = qt_role_parse(role);
	if (in.role == QT_ROLE_UNSPECIFIED)
		return cli_usage_error(CMD, _("unknown role '%s' (%s)"), role, CMD_ACCOUNT_ROLES);

	if (password_read(_("Password for the new account: "), _("Repeat the password: "),
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
	    N_("ID"),     N_("LOGIN"),        N_("NAME"),     N_("ROLE"),
	    N_("OFFICE"), N_("ORGANISATION"), N_("DISTRICT"), N_("DISABLED"),
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
	if (!cli_start(cli, CMD, &rc))
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
			row[3] = label(LABEL_ROLE, qt_role_name(list[i].role));
			row[4] = list[i].office_id != 0 ? office : NULL;
			row[5] = list[i].organisation_id != 0 ? org : NULL;
			row[6] = list[i].district_id != 0 ? district : NULL;
			row[7] = list[i].disabled ? _("yes") : _("no");
			out_table_add(&t, row);
		}
		if (out_table_print(&t, stdout) != 0) {
			fprintf(stderr, _("quartier: out of memory\n"));
			rc = CLI_EXIT_OTHER;
		}
		out_table_free(&t);
	}
	qt_account_list_free(list, n);
	return rc;
}

/* Resolves ACCOUNT, an id or a login, to an id (a login through the
 * account list).  Needs a connection.  Returns CLI_EXIT_OK or an exit
 * code after printing why. */
static int cmd_account_target(cli_t *cli, const char *s, int64_t *out)
{
	qt_account_t *list = NULL;
	size_t n = 0, i;
	qt_status_t st;
	int rc = CLI_EXIT_USAGE;

	if (s[0] != '\0' && strspn(s, "0123456789") == strlen(s))
		return cli_parse_id(CMD, N_("account id"), s, out);
	st = qt_account_list(cli->client, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].login, s) == 0) {
			*out = list[i].id;
			rc = CLI_EXIT_OK;
			break;
		}
	}
	qt_account_list_free(list, n);
	if (rc != CLI_EXIT_OK)
		return cli_fail(cli, QT_NOT_FOUND, _("no account with this login"));
	return rc;
}

/* Parses the options of disable, enable, role, rename, reset-password and
 * revoke-sessions: one positional ACCOUNT (id or login), and for role
 * --role/--office/--organisation/--district, for rename --name, for
 * reset-password --password-stdin. */
typedef struct account_admin_args {
	const char *target;
	const char *role;
	int from_stdin;
	qt_account_change_t change;
} account_admin_args_t;

static int cmd_account_admin_args(cli_t *cli, args_t *a, account_admin_args_t *out)
{
	const char *val;
	int id, rc;

	while ((id = args_next(a, cmd_account_create_opts, cli_global_opts,
	                       &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case ARGS_POSITIONAL:
			if (out->target != NULL)
				return cli_usage_error(CMD, _("unexpected argument '%s'"), val);
			out->target = val;
			break;
		case OPT_NAME:
			out->change.display_name = val;
			break;
		case OPT_ROLE:
			out->role = val;
			break;
		case OPT_OFFICE:
			rc = cli_parse_id(CMD, N_("office id"), val, &out->change.office_id);
			break;
		case OPT_ORGANISATION:
			rc = cli_parse_id(CMD, N_("organisation id"), val,
			                  &out->change.organisation_id);
			break;
		case OPT_DISTRICT:
			rc = cli_parse_id(CMD, N_("district id"), val, &out->change.district_id);
			break;
		case OPT_PASSWORD_STDIN:
			out->from_stdin = 1;
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help)
		return CLI_EXIT_OK;
	if (out->target == NULL)
		return cli_usage_error(CMD, _("missing ACCOUNT (id or login)"));
	return CLI_EXIT_OK;
}

/* disable, enable, role and rename: one qt_account_update(). */
static int cmd_account_update(cli_t *cli, args_t *a, const char *sub)
{
	account_admin_args_t in;
	qt_account_t out;
	qt_status_t st;
	int rc;

	memset(&in, 0, sizeof(in));
	rc = cmd_account_admin_args(cli, a, &in);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
		in.change.set_disabled = 1;
		in.change.disabled = strcmp(sub, "disable") == 0;
	} else if (strcmp(sub, "role") == 0) {
		if (in.role == NULL)
			return cli_usage_error(CMD, _("missing --role (%s)"), CMD_ACCOUNT_ROLES);
		in.change.role = qt_role_parse(in.role);
		if (in.change.role == QT_ROLE_UNSPECIFIED)
			return cli_usage_error(CMD, _("unknown role '%s' (%s)"), in.role,
			                       CMD_ACCOUNT_ROLES);
	} else if (in.change.display_name == NULL) {
		return cli_usage_error(CMD, _("missing --name"));
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cmd_account_target(cli, in.target, &in.change.id);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_account_update(cli->client, &in.change, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	cli_print_account(cli, &out);
	qt_account_clear(&out);
	return CLI_EXIT_OK;
}

static int cmd_account_reset_password(cli_t *cli, args_t *a)
{
	account_admin_args_t in;
	qt_account_t out;
	char *pw = NULL;
	qt_status_t st;
	int64_t target;
	int rc;

	memset(&in, 0, sizeof(in));
	rc = cmd_account_admin_args(cli, a, &in);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (password_read(_("New password: "), _("Repeat the password: "), in.from_stdin, &pw) != 0)
		return CLI_EXIT_USAGE;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cmd_account_target(cli, in.target, &target);
	if (rc != CLI_EXIT_OK)
		goto out;
	st = qt_account_reset_password(cli->client, target, pw, &out);
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

/* For subcommands that take just ACCOUNT: parses the arguments, and
 * unless --help was asked for (*target stays 0), connects and resolves
 * ACCOUNT to *target.  Returns CLI_EXIT_OK or an exit code after printing
 * why. */
static int cmd_account_connect_target(cli_t *cli, args_t *a, int64_t *target)
{
	account_admin_args_t in;
	int rc;

	*target = 0;
	memset(&in, 0, sizeof(in));
	rc = cmd_account_admin_args(cli, a, &in);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (!cli_start(cli, CMD, &rc))
		return rc;
	return cmd_account_target(cli, in.target, target);
}

static int cmd_account_revoke_sessions(cli_t *cli, args_t *a)
{
	uint32_t sessions = 0, conns = 0;
	qt_status_t st;
	int64_t target;
	out_json_t j;
	int rc;

	rc = cmd_account_connect_target(cli, a, &target);
	if (rc != CLI_EXIT_OK || target == 0)
		return rc;
	st = qt_account_revoke_sessions(cli->client, target, &sessions, &conns);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_id(&j, "account_id", target);
		out_json_kv_int(&j, "sessions", sessions);
		out_json_kv_int(&j, "connections", conns);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		printf(ngettext("revoked %u session of account %lld",
		                "revoked %u sessions of account %lld", sessions),
		       sessions, (long long)target);
		printf(ngettext(" (%u connection logged out)\n", " (%u connections logged out)\n",
		                conns),
		       conns);
	}
	return CLI_EXIT_OK;
}

/* The accounts whose login has failed attempts counted or is locked. */
static int cmd_account_lockouts(cli_t *cli, args_t *a)
{
	static const char *const headers[] = {
	    N_("ID"), N_("LOGIN"), N_("FAILURES"), N_("LAST ATTEMPT"), N_("LOCKED"),
	};
	qt_account_lockout_t *list = NULL;
	size_t n = 0;
	const char *val, *row[5];
	char num[24], failures[24], last[64], until[64];
	out_table_t t;
	out_json_t j;
	qt_status_t st;
	int id, rc = CLI_EXIT_OK;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (!cli_start(cli, CMD, &rc))
		return rc;
	st = qt_account_lockouts(cli->client, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "accounts");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++) {
			out_json_begin_object(&j);
			out_json_kv_id(&j, "account_id", list[i].account_id);
			out_json_kv_str(&j, "login", list[i].login);
			out_json_kv_int(&j, "failures", list[i].failures);
			out_json_kv_int(&j, "last_attempt_at", list[i].last_attempt_at);
			out_json_kv_bool(&j, "locked", list[i].locked);
			if (list[i].locked_until != 0)
				out_json_kv_int(&j, "locked_until", list[i].locked_until);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		out_table_init(&t, 5, headers, "rlrll");
		for (size_t i = 0; i < n; i++) {
			snprintf(num, sizeof(num), "%lld", (long long)list[i].account_id);
			snprintf(failures, sizeof(failures), "%u", list[i].failures);
			row[0] = num;
			row[1] = list[i].login;
			row[2] = failures;
			row[3] = out_time(last, sizeof(last), list[i].last_attempt_at);
			if (!list[i].locked)
				row[4] = _("no");
			else if (list[i].locked_until == 0)
				row[4] = _("until unlocked");
			else
				row[4] = out_time(until, sizeof(until), list[i].locked_until);
			out_table_add(&t, row);
		}
		if (out_table_print(&t, stdout) != 0) {
			fprintf(stderr, _("quartier: out of memory\n"));
			rc = CLI_EXIT_OTHER;
		}
		out_table_free(&t);
	}
	qt_account_lockouts_free(list, n);
	return rc;
}

static int cmd_account_unlock(cli_t *cli, args_t *a)
{
	uint32_t failures = 0;
	int was_locked = 0;
	qt_status_t st;
	int64_t target;
	out_json_t j;
	int rc;

	rc = cmd_account_connect_target(cli, a, &target);
	if (rc != CLI_EXIT_OK || target == 0)
		return rc;
	st = qt_account_unlock(cli->client, target, &was_locked, &failures);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_id(&j, "account_id", target);
		out_json_kv_bool(&j, "was_locked", was_locked);
		out_json_kv_int(&j, "failures", failures);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		printf(was_locked ? _("unlocked account %lld") : _("account %lld was not locked"),
		       (long long)target);
		printf(ngettext(" (%u failed login forgotten)\n", " (%u failed logins forgotten)\n",
		                failures),
		       failures);
	}
	return CLI_EXIT_OK;
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
		return cli_usage_error(CMD, _("missing subcommand (create, list, disable, "
		                              "enable, role, rename, reset-password, "
		                              "revoke-sessions, lockouts or unlock)"));
	}
	if (strcmp(val, "create") == 0)
		return cmd_account_create(cli, a);
	if (strcmp(val, "list") == 0)
		return cmd_account_list(cli, a);
	if (strcmp(val, "disable") == 0 || strcmp(val, "enable") == 0 ||
	    strcmp(val, "role") == 0 || strcmp(val, "rename") == 0)
		return cmd_account_update(cli, a, val);
	if (strcmp(val, "reset-password") == 0)
		return cmd_account_reset_password(cli, a);
	if (strcmp(val, "revoke-sessions") == 0)
		return cmd_account_revoke_sessions(cli, a);
	if (strcmp(val, "lockouts") == 0)
		return cmd_account_lockouts(cli, a);
	if (strcmp(val, "unlock") == 0)
		return cmd_account_unlock(cli, a);
	return cli_usage_error(CMD, _("unknown subcommand '%s'"), val);
}
