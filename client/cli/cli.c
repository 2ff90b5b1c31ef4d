/* Helpers every command uses (see cli.h): global options, exit codes,
 * error messages and connecting with the saved session. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "output.h"

const args_opt_t cli_global_opts[] = {
	{ "host", 1, CLI_OPT_HOST },
	{ "port", 1, CLI_OPT_PORT },
	{ "ca", 1, CLI_OPT_CA },
	{ "config", 1, CLI_OPT_CONFIG },
	{ "json", 0, CLI_OPT_JSON },
	{ "help", 0, CLI_OPT_HELP },
	{ "h", 0, CLI_OPT_HELP },
	{ "version", 0, CLI_OPT_VERSION },
	{ NULL, 0, 0 },
};

int cli_global(cli_t *cli, int id, const char *val)
{
	switch (id) {
	case CLI_OPT_HOST:
		cli->opt_host = val;
		return 1;
	case CLI_OPT_PORT:
		cli->opt_port = val;
		return 1;
	case CLI_OPT_CA:
		cli->opt_ca = val;
		return 1;
	case CLI_OPT_CONFIG:
		cli->opt_config = val;
		return 1;
	case CLI_OPT_JSON:
		cli->json = 1;
		return 1;
	case CLI_OPT_HELP:
		cli->help = 1;
		return 1;
	case CLI_OPT_VERSION:
		cli_usage_error(NULL, "--version goes before the command");
		return -1;
	default:
		return 0;
	}
}

int cli_other(cli_t *cli, const args_t *a, int id, const char *val,
              const char *command)
{
	int r;

	if (id == ARGS_ERROR)
		return cli_usage_error(command, "%s", a->error);
	if (id == ARGS_POSITIONAL)
		return cli_usage_error(command, "unexpected argument '%s'", val);
	r = cli_global(cli, id, val);
	if (r > 0)
		return CLI_EXIT_OK;
	if (r < 0)
		return CLI_EXIT_USAGE;
	return cli_usage_error(command, "option not allowed here");
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fputs("quartier: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (command != NULL)
		fprintf(stderr, "\nTry 'quartier %s --help'.\n", command);
	else
		fputs("\nTry 'quartier --help'.\n", stderr);
	return CLI_EXIT_USAGE;
}

int cli_exit_code(qt_status_t st)
{
	switch (st) {
	case QT_OK:
		return CLI_EXIT_OK;
	case QT_NOT_FOUND:
		return CLI_EXIT_NOT_FOUND;
	case QT_UNAUTHENTICATED:
	case QT_PERMISSION_DENIED:
		return CLI_EXIT_AUTH;
	case QT_CONFLICT:
	case QT_FAILED_PRECONDITION:
		return CLI_EXIT_CONFLICT;
	case QT_INVALID_ARGUMENT:
		return CLI_EXIT_INVALID;
	case QT_UNAVAILABLE:
	case QT_IO:
	case QT_TLS:
		return CLI_EXIT_UNAVAILABLE;
	default:
		return CLI_EXIT_OTHER;
	}
}

int cli_fail(cli_t *cli, qt_status_t st, const char *msg)
{
	const qt_error_t *e = NULL;
	const char *text = qt_status_str(st);

	if (cli->client != NULL) {
		e = qt_client_last_error(cli->client);
		if (e->status == st)
			msg = e->message;
		else
			e = NULL;
	}
	if (msg == NULL || msg[0] == '\0' || strcmp(msg, text) == 0)
		fprintf(stderr, "quartier: %s", text);
	else
		fprintf(stderr, "quartier: %s: %s", text, msg);
	if (e != NULL && e->field != NULL)
		fprintf(stderr, " (field: %s)", e->field);
	fputc('\n', stderr);
	return cli_exit_code(st);
}

static int cli_not_logged_in(void)
{
	fprintf(stderr, "quartier: not logged in; run: quartier login --user NAME\n");
	return CLI_EXIT_AUTH;
}

int cli_connect(cli_t *cli, int resume)
{
	qt_connect_opts_t opts;
	char err[512];
	char *token = NULL, *instance = NULL;
	qt_status_t st;
	int rc;

	rc = config_resolve(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (resume) {
		rc = config_session_read(cli, &token);
		if (rc < 0)
			return CLI_EXIT_OTHER;
		if (rc > 0)
			return cli_not_logged_in();
	}
	instance = config_instance_id(cli);
	memset(&opts, 0, sizeof(opts));
	opts.host = cli->host;
	opts.port = cli->port;
	opts.ca_file = cli->ca_file;
	opts.client_name = "quartier-cli/" QT_CLI_VERSION;
	opts.instance_id = instance;
	st = qt_client_connect(&opts, &cli->client, err, sizeof(err));
	free(instance);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, err);
		goto out;
	}
	if (resume) {
		st = qt_resume(cli->client, token, &cli->me);
		if (st == QT_UNAUTHENTICATED) {
			/* The token expired or was revoked: it is of no
			 * further use, and the hint below says what to do. */
			config_session_remove(cli);
			cli_fail(cli, st, NULL);
			rc = cli_not_logged_in();
			goto out;
		}
		if (st != QT_OK) {
			rc = cli_fail(cli, st, NULL);
			goto out;
		}
	}
	rc = CLI_EXIT_OK;
out:
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return rc;
}

int cli_parse_id(const char *command, const char *what, const char *s,
                 int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0 || s[0] == '+')
		return cli_usage_error(command, "invalid %s '%s' (expected a number)",
		                       what, s);
	*out = (int64_t)v;
	return CLI_EXIT_OK;
}

int cli_ids_add(cli_ids_t *ids, const char *command, const char *what,
                const char *s)
{
	int64_t v, *grown;
	int rc;

	rc = cli_parse_id(command, what, s, &v);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (ids->n == ids->cap) {
		size_t ncap = ids->cap != 0 ? ids->cap * 2 : 4;

		grown = realloc(ids->v, ncap * sizeof(*grown));
		if (grown == NULL) {
			fprintf(stderr, "quartier: out of memory\n");
			return CLI_EXIT_OTHER;
		}
		ids->v = grown;
		ids->cap = ncap;
	}
	ids->v[ids->n++] = v;
	return CLI_EXIT_OK;
}

void cli_ids_free(cli_ids_t *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

void cli_json_account(struct out_json *j, const qt_account_t *acct)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", acct->id);
	out_json_kv_str(j, "login", acct->login);
	out_json_kv_str(j, "display_name", acct->display_name);
	out_json_kv_str(j, "role", qt_role_name(acct->role));
	out_json_kv_id(j, "office_id", acct->office_id);
	out_json_kv_id(j, "organisation_id", acct->organisation_id);
	out_json_kv_id(j, "district_id", acct->district_id);
	out_json_kv_bool(j, "disabled", acct->disabled);
	out_json_end_object(j);
}

void cli_print_account(cli_t *cli, const qt_account_t *acct)
{
	char office[24], org[24], district[24], id[24];
	out_json_t j;

	if (cli->json) {
		out_json_init(&j, stdout);
		cli_json_account(&j, acct);
		out_json_finish(&j);
		return;
	}
	snprintf(id, sizeof(id), "%lld", (long long)acct->id);
	snprintf(office, sizeof(office), "%lld", (long long)acct->office_id);
	snprintf(org, sizeof(org), "%lld", (long long)acct->organisation_id);
	snprintf(district, sizeof(district), "%lld", (long long)acct->district_id);
	out_kv(stdout, 12, "id", id);
	out_kv(stdout, 12, "login", acct->login);
	out_kv(stdout, 12, "name", acct->display_name);
	out_kv(stdout, 12, "role", qt_role_name(acct->role));
	out_kv(stdout, 12, "office", acct->office_id != 0 ? office : NULL);
	out_kv(stdout, 12, "organisation", acct->organisation_id != 0 ? org : NULL);
	out_kv(stdout, 12, "district", acct->district_id != 0 ? district : NULL);
	if (acct->disabled)
		out_kv(stdout, 12, "disabled", "yes");
}

int cli_collect_pages(cli_t *cli, cli_page_fn fetch, void *ctx, size_t elem_size,
                      cli_page_free_fn free_list, int fetch_all, int64_t after, void **out,
                      size_t *n, int64_t *next)
{
	char *all = NULL, *grown;
	void *page = NULL;
	size_t n_all = 0, n_page = 0;
	int64_t nx = 0;
	qt_status_t st;
	int rc = CLI_EXIT_OK;

	for (;;) {
		st = fetch(cli, ctx, after, &page, &n_page, &nx);
		if (st != QT_OK) {
			rc = cli_fail(cli, st, NULL);
			goto out;
		}
		if (n_page > 0) {
			grown = realloc(all, (n_all + n_page) * elem_size);
			if (grown == NULL) {
				fprintf(stderr, "quartier: out of memory\n");
				rc = CLI_EXIT_OTHER;
				goto out;
			}
			all = grown;
			memcpy(all + n_all * elem_size, page, n_page * elem_size);
			n_all += n_page;
		}
		free(page); /* its contents moved to all */
		page = NULL;
		n_page = 0;
		if (!fetch_all || nx == 0)
			break;
		if (nx <= after) {
			fprintf(stderr, "quartier: protocol error: "
			                "the server's next page does not advance\n");
			rc = CLI_EXIT_OTHER;
			goto out;
		}
		after = nx;
	}
	*out = all;
	*n = n_all;
	*next = fetch_all ? 0 : nx;
	all = NULL;
	n_all = 0;
out:
	free_list(page, n_page);
	free_list(all, n_all);
	return rc;
}
