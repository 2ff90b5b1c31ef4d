/* Helpers every command uses (see cli.h): global options, exit codes,
 * error messages and connecting with the saved session. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "i18n.h"
#include "label.h"
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
	{ "offline", 0, CLI_OPT_OFFLINE },
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
	case CLI_OPT_OFFLINE:
		cli->offline = 1;
		return 1;
	case CLI_OPT_VERSION:
		cli_usage_error(NULL, _("--version goes before the command"));
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
		return cli_usage_error(command, _("unexpected argument '%s'"), val);
	r = cli_global(cli, id, val);
	if (r > 0)
		return CLI_EXIT_OK;
	if (r < 0)
		return CLI_EXIT_USAGE;
	return cli_usage_error(command, _("option not allowed here"));
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fputs("quartier: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (command != NULL)
		fprintf(stderr, _("\nTry 'quartier %s --help'.\n"), command);
	else
		fputs(_("\nTry 'quartier --help'.\n"), stderr);
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

/* A change that could not be sent waits in the outbox: say so.  Returns
 * 1 if it did. */
static int cli_queued(cli_t *cli)
{
	int64_t n;

	if (cli->client == NULL || (n = qt_client_queued(cli->client)) == 0)
		return 0;
	if (cli->unreachable != NULL)
		fprintf(stderr, _("quartier: server unreachable (%s)\n"), cli->unreachable);
	else
		fprintf(stderr, "quartier: %s\n", qt_client_last_error(cli->client)->message);
	fprintf(stderr, _("quartier: queued as #%lld; will be sent on the next `quartier sync`\n"),
	        (long long)n);
	if (cli->json)
		printf("{\"queued\": %lld}\n", (long long)n);
	return 1;
}

const char *cli_status_text(qt_status_t st)
{
	/* One entry per status of QT_STATUS_MAP (qt_status.h), in English the
	 * same words as qt_status_str(). */
	switch (st) {
	case QT_OK:
		return C_("status", "ok");
	case QT_INVALID_ARGUMENT:
		return C_("status", "invalid argument");
	case QT_NOT_FOUND:
		return C_("status", "not found");
	case QT_CONFLICT:
		return C_("status", "conflict");
	case QT_PERMISSION_DENIED:
		return C_("status", "permission denied");
	case QT_UNAUTHENTICATED:
		return C_("status", "unauthenticated");
	case QT_RESOURCE_EXHAUSTED:
		return C_("status", "resource exhausted");
	case QT_UNAVAILABLE:
		return C_("status", "unavailable");
	case QT_INTERNAL:
		return C_("status", "internal error");
	case QT_FAILED_PRECONDITION:
		return C_("status", "failed precondition");
	case QT_PROTOCOL_ERROR:
		return C_("status", "protocol error");
	case QT_UNSUPPORTED_VERSION:
		return C_("status", "unsupported protocol version");
	case QT_IO:
		return C_("status", "connection failed");
	case QT_TLS:
		return C_("status", "TLS failure");
	case QT_NOMEM:
		return C_("status", "out of memory");
	}
	return qt_status_str(st);
}

int cli_fail(cli_t *cli, qt_status_t st, const char *msg)
{
	const qt_error_t *e = NULL;
	const char *text = cli_status_text(st);

	if (cli_queued(cli))
		return CLI_EXIT_QUEUED;
	if (cli->client != NULL && cli->unreachable != NULL && st == QT_UNAVAILABLE) {
		fprintf(stderr,
		        _("quartier: server unreachable: %s\n"
		          "quartier: `--offline` answers reads from the local replica\n"),
		        cli->unreachable);
		return CLI_EXIT_UNAVAILABLE;
	}
	if (cli->client != NULL) {
		e = qt_client_last_error(cli->client);
		if (e->status == st)
			msg = e->message;
		else
			e = NULL;
	}
	/* The status in the user's language; the message (the server's, in
	 * English) follows as the detail. */
	if (msg == NULL || msg[0] == '\0' || strcmp(msg, text) == 0 ||
	    strcmp(msg, qt_status_str(st)) == 0)
		fprintf(stderr, "quartier: %s", text);
	else
		fprintf(stderr, "quartier: %s: %s", text, msg);
	if (e != NULL && e->field != NULL)
		fprintf(stderr, _(" (field: %s)"), e->field);
	fputc('\n', stderr);
	return cli_exit_code(st);
}

static int cli_not_logged_in(void)
{
	fprintf(stderr, _("quartier: not logged in; run: quartier login --user NAME\n"));
	return CLI_EXIT_AUTH;
}

int cli_store_open(cli_t *cli, int create, int quiet)
{
	char err[512];
	char *login = NULL, *path = NULL, *instance = NULL;
	qt_status_t st;
	int rc = CLI_EXIT_OTHER;

	if (cli->store != NULL)
		return CLI_EXIT_OK;
	rc = config_resolve(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	login = cli->me.login != NULL ? strdup(cli->me.login) : config_account_read(cli);
	if (login == NULL) {
		if (!quiet)
			fprintf(stderr,
			        _("quartier: not logged in; run: quartier login --user NAME\n"));
		rc = CLI_EXIT_AUTH;
		goto out;
	}
	st = qt_store_default_path(cli->host, cli->port, login, create, &path);
	if (st != QT_OK) {
		if (!quiet)
			fprintf(stderr,
			        _("quartier: cannot find or create the data directory "
			          "(set XDG_DATA_HOME or HOME): %s\n"),
			        cli_status_text(st));
		rc = CLI_EXIT_OTHER;
		goto out;
	}
	instance = config_instance_id(cli);
	st = qt_store_open(path, create, instance, &cli->store, err, sizeof(err));
	if (st != QT_OK) {
		if (!quiet)
			fprintf(stderr, "quartier: %s\n", err);
		rc = st == QT_NOT_FOUND ? CLI_EXIT_NOT_FOUND : CLI_EXIT_OTHER;
		goto out;
	}
	rc = CLI_EXIT_OK;
out:
	free(login);
	free(path);
	free(instance);
	return rc;
}

void cli_offline_notice(cli_t *cli)
{
	qt_store_info_t info;
	char when[32];
	int64_t age;

	if (cli->store == NULL || qt_store_info(cli->store, &info) != QT_OK)
		return;
	if (info.last_sync == 0) {
		fprintf(stderr, _("offline: the replica was never synced completely; "
		                  "run `quartier sync` when online\n"));
		qt_store_info_clear(&info);
		return;
	}
	out_time(when, sizeof(when), info.last_sync);
	age = (int64_t)time(NULL) - info.last_sync;
	if (age < 0)
		age = 0;
	if (age < 3600)
		fprintf(stderr, _("offline: data as of %s, %lld min old\n"), when,
		        (long long)(age / 60));
	else if (age < 2 * 86400)
		fprintf(stderr, _("offline: data as of %s, %lld h old\n"), when,
		        (long long)(age / 3600));
	else
		fprintf(stderr, _("offline: data as of %s, %lld days old\n"), when,
		        (long long)(age / 86400));
	qt_store_info_clear(&info);
}

/* Works from the replica without a server: reads from it when serve_reads
 * (--offline), changes go to the outbox. */
static int cli_go_offline(cli_t *cli, int serve_reads, int quiet)
{
	qt_status_t st;
	int rc;

	rc = cli_store_open(cli, 0, quiet);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_client_offline(cli->store, serve_reads, &cli->client);
	if (st != QT_OK) {
		fprintf(stderr, "quartier: %s\n", cli_status_text(st));
		return CLI_EXIT_OTHER;
	}
	if (serve_reads)
		cli_offline_notice(cli);
	return CLI_EXIT_OK;
}

/* Sends what waits in the outbox before the command's own requests, so
 * that changes reach the server in the order they were made. */
static void cli_replay(cli_t *cli)
{
	qt_store_info_t info;
	qt_replay_stats_t rs;
	qt_status_t st;

	if (qt_store_info(cli->store, &info) != QT_OK)
		return;
	if (info.outbox_queued > 0) {
		st = qt_outbox_replay(cli->client, cli->store, &rs);
		if (rs.done > 0)
			fprintf(stderr,
			        ngettext("quartier: sent %u queued change from the outbox\n",
			                 "quartier: sent %u queued changes from the outbox\n",
			                 rs.done),
			        rs.done);
		if (rs.conflicted + rs.failed > 0)
			fprintf(
			    stderr,
			    ngettext("quartier: %u queued change refused; see `quartier outbox`\n",
			             "quartier: %u queued changes refused; see `quartier outbox`\n",
			             rs.conflicted + rs.failed),
			    rs.conflicted + rs.failed);
		if (st != QT_OK)
			fprintf(stderr,
			        _("quartier: the outbox could not be sent completely: %s\n"),
			        qt_client_last_error(cli->client)->message);
	}
	qt_store_info_clear(&info);
}

int cli_start(cli_t *cli, const char *cmd, int *rc)
{
	if (cli->help) {
		cli_usage_command(cmd);
		*rc = CLI_EXIT_OK;
		return 0;
	}
	*rc = cli_connect(cli, 1);
	return *rc == CLI_EXIT_OK;
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
	if (resume && cli->offline)
		return cli_go_offline(cli, 1, 0);
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
	opts.cert_file = cli->cert_file;
	opts.key_file = cli->key_file;
	opts.client_name = "quartier-cli/" QT_CLI_VERSION;
	opts.instance_id = instance;
	st = qt_client_connect(&opts, &cli->client, err, sizeof(err));
	free(instance);
	if (st != QT_OK) {
		/* Unreachable (not a TLS or protocol refusal): changes can
		 * still be queued in the account's outbox. */
		if (resume && (st == QT_IO || st == QT_UNAVAILABLE) &&
		    cli_go_offline(cli, 0, 1) == CLI_EXIT_OK) {
			cli->unreachable = strdup(err);
			rc = CLI_EXIT_OK;
			goto out;
		}
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
		config_account_write(cli, cli->me.login);
		/* The outbox: every change goes through it. */
		if (cli_store_open(cli, 1, 0) == CLI_EXIT_OK) {
			qt_client_set_store(cli->client, cli->store);
			cli_replay(cli);
		} else {
			fprintf(stderr, _("quartier: warning: no outbox; changes are sent without "
			                  "being kept for a retry\n"));
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
		return cli_usage_error(command, _("invalid %s '%s' (expected a number)"), _(what),
		                       s);
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
			fprintf(stderr, _("quartier: out of memory\n"));
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
	out_kv(stdout, 12, _("id"), id);
	out_kv(stdout, 12, _("login"), acct->login);
	out_kv(stdout, 12, _("name"), acct->display_name);
	out_kv(stdout, 12, _("role"), label(LABEL_ROLE, qt_role_name(acct->role)));
	out_kv(stdout, 12, _("office"), acct->office_id != 0 ? office : NULL);
	out_kv(stdout, 12, _("organisation"), acct->organisation_id != 0 ? org : NULL);
	out_kv(stdout, 12, _("district"), acct->district_id != 0 ? district : NULL);
	if (acct->disabled)
		out_kv(stdout, 12, _("disabled"), _("yes"));
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
				fprintf(stderr, _("quartier: out of memory\n"));
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
			fprintf(stderr, _("quartier: protocol error: "
			                  "the server's next page does not advance\n"));
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
