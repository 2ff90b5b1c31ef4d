/* `quartier admin stats|person-export|person-erase`, for admins: the
 * server's own figures (the same as its Prometheus page) over the
 * protocol, and a person's data under the GDPR — the export of everything
 * stored about a person (Art. 15) and its erasure (Art. 17). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "output.h"

#define CMD "admin"

enum {
	OPT_OUTPUT = 1,
	OPT_REASON,
};

static const args_opt_t cmd_admin_export_opts[] = {
	{ "output", 1, OPT_OUTPUT },
	{ "o", 1, OPT_OUTPUT },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_admin_erase_opts[] = {
	{ "reason", 1, OPT_REASON },
	{ NULL, 0, 0 },
};

/* One "key value" line of the figures block (key already translated). */
static void admin_kv_u64(const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	out_kv(stdout, 20, key, buf);
}

static void admin_stats_json(const qt_admin_stats_t *s)
{
	out_json_t j;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_int(&j, "started_at", s->started_at);
	out_json_kv_bool(&j, "ready", s->ready);
	out_json_kv_int(&j, "conn_open", s->conn_open);
	out_json_kv_int(&j, "conn_accepted", (int64_t)s->conn_accepted);
	out_json_kv_int(&j, "conn_refused", (int64_t)s->conn_refused);
	out_json_kv_int(&j, "tls_handshakes", (int64_t)s->tls_handshakes);
	out_json_kv_int(&j, "tls_failures", (int64_t)s->tls_failures);
	out_json_kv_int(&j, "protocol_errors", (int64_t)s->protocol_errors);
	out_json_kv_int(&j, "logins_failed", (int64_t)s->logins_failed);
	out_json_kv_int(&j, "db_size", s->db_size);
	out_json_kv_int(&j, "db_connected", s->db_connected);
	out_json_kv_int(&j, "db_in_use", s->db_in_use);
	out_json_kv_int(&j, "db_waiting", s->db_waiting);
	out_json_kv_int(&j, "db_errors", (int64_t)s->db_errors);
	out_json_kv_int(&j, "db_reconnects", (int64_t)s->db_reconnects);
	out_json_kv_int(&j, "hash_running", s->hash_running);
	out_json_kv_int(&j, "hash_queued", s->hash_queued);
	out_json_key(&j, "latency_bounds");
	out_json_begin_array(&j);
	for (size_t k = 0; k < s->n_latency_bounds; k++)
		out_json_double(&j, s->latency_bounds[k]);
	out_json_end_array(&j);
	out_json_key(&j, "requests");
	out_json_begin_array(&j);
	for (size_t i = 0; i < s->n_requests; i++) {
		const qt_request_stats_t *t = &s->requests[i];
		out_json_begin_object(&j);
		out_json_kv_str(&j, "type", t->type);
		out_json_kv_int(&j, "count", (int64_t)t->count);
		out_json_key(&j, "seconds_sum");
		out_json_double(&j, t->seconds_sum);
		out_json_key(&j, "by_status");
		out_json_begin_object(&j);
		for (size_t st = 0; st < sizeof(t->by_status) / sizeof(t->by_status[0]); st++)
			if (t->by_status[st] > 0)
				out_json_kv_int(&j, qt_status_name((qt_status_t)st),
				                (int64_t)t->by_status[st]);
		out_json_end_object(&j);
		out_json_key(&j, "buckets");
		out_json_begin_array(&j);
		for (size_t k = 0; k < t->n_buckets; k++)
			out_json_int(&j, (int64_t)t->buckets[k]);
		out_json_end_array(&j);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int admin_stats_table(const qt_admin_stats_t *s)
{
	static const char *const headers[] = {N_("TYPE"), N_("COUNT"), N_("OK"), N_("FAILED"),
	                                      N_("MEAN MS")};
	char started[64], count[24], ok[24], failed[24], mean[24];
	const char *row[5];
	out_table_t t;
	int rc = CLI_EXIT_OK;

	out_kv(stdout, 20, _("started"), out_time(started, sizeof(started), s->started_at));
	out_kv(stdout, 20, _("ready"), s->ready ? _("yes") : _("no"));
	admin_kv_u64(_("connections open"), s->conn_open);
	admin_kv_u64(_("accepted"), s->conn_accepted);
	admin_kv_u64(_("refused"), s->conn_refused);
	admin_kv_u64(_("tls handshakes"), s->tls_handshakes);
	admin_kv_u64(_("tls failures"), s->tls_failures);
	admin_kv_u64(_("protocol errors"), s->protocol_errors);
	admin_kv_u64(_("failed logins"), s->logins_failed);
	admin_kv_u64(_("db pool size"), s->db_size);
	admin_kv_u64(_("db connected"), s->db_connected);
	admin_kv_u64(_("db in use"), s->db_in_use);
	admin_kv_u64(_("db waiting"), s->db_waiting);
	admin_kv_u64(_("db errors"), s->db_errors);
	admin_kv_u64(_("db reconnects"), s->db_reconnects);
	admin_kv_u64(_("hashes running"), s->hash_running);
	admin_kv_u64(_("hashes queued"), s->hash_queued);
	fputc('\n', stdout);
	out_table_init(&t, 5, headers, "lrrrr");
	for (size_t i = 0; i < s->n_requests; i++) {
		const qt_request_stats_t *r = &s->requests[i];
		snprintf(count, sizeof(count), "%" PRIu64, r->count);
		snprintf(ok, sizeof(ok), "%" PRIu64, r->by_status[QT_OK]);
		snprintf(failed, sizeof(failed), "%" PRIu64, r->count - r->by_status[QT_OK]);
		snprintf(mean, sizeof(mean), "%.2f",
		         r->count > 0 ? r->seconds_sum * 1000.0 / (double)r->count : 0.0);
		row[0] = r->type;
		row[1] = count;
		row[2] = ok;
		row[3] = failed;
		row[4] = mean;
		out_table_add(&t, row);
	}
	if (out_table_print(&t, stdout) != 0) {
		fprintf(stderr, _("quartier: out of memory\n"));
		rc = CLI_EXIT_OTHER;
	}
	out_table_free(&t);
	return rc;
}

static int cmd_admin_stats(cli_t *cli, args_t *a)
{
	qt_admin_stats_t s;
	const char *val;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (!cli_start(cli, CMD, &rc))
		return rc;
	st = qt_admin_stats(cli->client, &s);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json)
		admin_stats_json(&s);
	else
		rc = admin_stats_table(&s);
	qt_admin_stats_clear(&s);
	return rc;
}

/* ------------------------------------------------------------ GDPR */

/* Parses "ID [options]" of the person subcommands into *person and the
 * option values.  Returns CLI_EXIT_OK to go on, -1 once the help was
 * printed, or an exit code after a usage error. */
static int cmd_admin_person_args(cli_t *cli, args_t *a, const args_opt_t *opts,
                                 const char **output, const char **reason, int64_t *person)
{
	const char *val, *pid = NULL;
	int id, rc;

	while ((id = args_next(a, opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && pid == NULL) {
			pid = val;
			continue;
		}
		if (id == OPT_OUTPUT) {
			*output = val;
			continue;
		}
		if (id == OPT_REASON) {
			*reason = val;
			continue;
		}
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return -1;
	}
	if (pid == NULL)
		return cli_usage_error(CMD, _("missing person id"));
	return cli_parse_id(CMD, N_("person id"), pid, person);
}

static int cmd_admin_person_export(cli_t *cli, args_t *a)
{
	const char *output = NULL, *unused = NULL;
	char *json = NULL;
	int64_t person = 0;
	qt_status_t st;
	int rc;

	rc = cmd_admin_person_args(cli, a, cmd_admin_export_opts, &output, &unused, &person);
	if (rc != CLI_EXIT_OK)
		return rc < 0 ? CLI_EXIT_OK : rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_person_export(cli->client, person, &json);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (output == NULL || strcmp(output, "-") == 0) {
		if (fputs(json, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
			fprintf(stderr, _("quartier %s: writing the output failed\n"), CMD);
			rc = CLI_EXIT_OTHER;
		}
	} else if (config_write_file(output, json, 0600) != 0) {
		fprintf(stderr, "quartier %s: %s: %s\n", CMD, output, strerror(errno));
		rc = CLI_EXIT_OTHER;
	} else {
		/* Personal data: the file is readable by its owner only. */
		printf(_("Wrote everything stored about person %lld to %s (readable only by you).\n"),
		       (long long)person, output);
	}
	free(json);
	return rc;
}

static void cmd_admin_erasure_json(const qt_person_erasure_t *e)
{
	out_json_t j;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_int(&j, "id", e->person.id);
	out_json_kv_bool(&j, "already_erased", e->already_erased);
	out_json_kv_int(&j, "erased_at", e->erased_at);
	out_json_kv_int(&j, "audit_rows_redacted", e->audit_rows_redacted);
	out_json_kv_int(&j, "answers_cleared", e->answers_cleared);
	out_json_key(&j, "person");
	cli_json_person(&j, &e->person);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int cmd_admin_person_erase(cli_t *cli, args_t *a)
{
	const char *reason = NULL, *unused = NULL;
	qt_person_erasure_t e;
	char when[64];
	int64_t person = 0;
	qt_status_t st;
	int rc;

	rc = cmd_admin_person_args(cli, a, cmd_admin_erase_opts, &unused, &reason, &person);
	if (rc != CLI_EXIT_OK)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (reason == NULL || reason[0] == '\0')
		return cli_usage_error(CMD, _("missing --reason TEXT (why the person is erased, "
		                              "e.g. the request it answers)"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	memset(&e, 0, sizeof(e));
	st = qt_person_erase(cli->client, person, reason, &e);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		cmd_admin_erasure_json(&e);
	} else if (e.already_erased) {
		printf(_("Person %lld was already erased on %s; nothing changed.\n"),
		       (long long)e.person.id, out_time(when, sizeof(when), e.erased_at));
	} else {
		printf(_("Person %lld erased: the name is now \"%s\"; function, contact data and "
		         "account link are removed.\n"),
		       (long long)e.person.id, e.person.name);
		printf(_("Audit rows redacted: %u; stored answers cleared: %u.\n"),
		       e.audit_rows_redacted, e.answers_cleared);
	}
	qt_person_erasure_clear(&e);
	return CLI_EXIT_OK;
}

int cmd_admin(cli_t *cli, args_t *a)
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
		return cli_usage_error(CMD, _("missing subcommand (stats, person-export, "
		                              "person-erase)"));
	}
	if (strcmp(val, "stats") == 0)
		return cmd_admin_stats(cli, a);
	if (strcmp(val, "person-export") == 0)
		return cmd_admin_person_export(cli, a);
	if (strcmp(val, "person-erase") == 0)
		return cmd_admin_person_erase(cli, a);
	return cli_usage_error(CMD, _("unknown subcommand '%s'"), val);
}
