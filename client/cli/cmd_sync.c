/* `quartier sync`, `quartier watch` and `quartier outbox`: the local
 * replica (catch-up, verification, live push) and the changes waiting to
 * be sent or refused by the server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
#include "output.h"

enum {
	OPT_SCOPE = 1,
	OPT_VERIFY,
	OPT_RESYNC,
	OPT_ALL,
	OPT_REBASE,
};

static const args_opt_t cmd_sync_opts[] = {
	{ "scope", 1, OPT_SCOPE },
	{ "verify", 0, OPT_VERIFY },
	{ "resync", 0, OPT_RESYNC },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_watch_opts[] = {
	{ "scope", 1, OPT_SCOPE },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_outbox_opts[] = {
	{ "all", 0, OPT_ALL },
	{ "rebase", 0, OPT_REBASE },
	{ NULL, 0, 0 },
};

/* Connects for a command that needs the server itself. */
static int cmd_sync_online(cli_t *cli, const char *command)
{
	int rc;

	if (cli->offline)
		return cli_usage_error(command,
		                       _("needs the server; --offline is not possible here"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (qt_client_is_offline(cli->client)) {
		fprintf(stderr, _("quartier: server unreachable: %s\n"),
		        cli->unreachable != NULL ? cli->unreachable : _("not connected"));
		return CLI_EXIT_UNAVAILABLE;
	}
	if (cli->store == NULL) {
		fprintf(stderr, _("quartier: no replica available\n"));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

static int cmd_sync_scope(const char *command, const char *val, qt_scope_t *sc)
{
	if (qt_scope_parse(val, sc) != QT_OK)
		return cli_usage_error(command,
		                       _("invalid scope '%s' (all, project:N, quarter:N, "
		                         "district:N or office:N)"),
		                       val);
	return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ sync */

typedef struct cmd_sync_bar {
	int shown;            /* something was drawn; a newline ends it */
	time_t started;
} cmd_sync_bar_t;

/* A one-line progress display on a terminal: the count grows, the total
 * is not known in advance, so it shows a spinner and a rate. */
static void cmd_sync_progress(const qt_sync_progress_t *p, void *arg)
{
	static const char spin[] = "|/-\\";
	cmd_sync_bar_t *b = arg;
	long secs = (long)(time(NULL) - b->started);

	fprintf(stderr, "\r%c ", spin[p->records / 500 % 4]);
	if (p->snapshot)
		fprintf(stderr, _("snapshot: %llu records"), (unsigned long long)p->records);
	else
		fprintf(stderr, _("changes: %llu records"), (unsigned long long)p->records);
	if (secs > 0)
		fprintf(stderr, _(" (%llu/s)   "),
		        (unsigned long long)(p->records / (unsigned long)secs));
	b->shown = 1;
}

static int cmd_sync_verify(cli_t *cli)
{
	static const char *const headers[] = {
	    N_("TYPE"), N_("LOCAL"), N_("SERVER"), N_("LOCAL SUM"), N_("SERVER SUM"), "",
	};
	qt_verify_sum_t *sums = NULL;
	size_t n = 0, bad = 0, i;
	int settled = 0, rc = CLI_EXIT_OK;
	char lc[24], sc[24], ls[24], ss[24];
	const char *row[6];
	out_table_t t;
	out_json_t j;
	qt_status_t st;

	st = qt_verify(cli->client, cli->store, &sums, &n, &bad, &settled);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_bool(&j, "settled", settled);
		out_json_kv_int(&j, "diverged", (int64_t)bad);
		out_json_key(&j, "types");
		out_json_begin_array(&j);
		for (i = 0; i < n; i++) {
			out_json_begin_object(&j);
			out_json_kv_str(&j, "type", qt_record_type_name(sums[i].type));
			out_json_kv_int(&j, "local_count", (int64_t)sums[i].local_count);
			out_json_kv_int(&j, "server_count", (int64_t)sums[i].server_count);
			snprintf(ls, sizeof(ls), "%016llx", (unsigned long long)sums[i].local_checksum);
			snprintf(ss, sizeof(ss), "%016llx", (unsigned long long)sums[i].server_checksum);
			out_json_kv_str(&j, "local_checksum", ls);
			out_json_kv_str(&j, "server_checksum", ss);
			out_json_kv_bool(&j, "ok", sums[i].local_count == sums[i].server_count &&
			                               sums[i].local_checksum == sums[i].server_checksum);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		out_table_init(&t, 6, headers, "lrrlll");
		for (i = 0; i < n; i++) {
			int ok = sums[i].local_count == sums[i].server_count &&
			         sums[i].local_checksum == sums[i].server_checksum;

			snprintf(lc, sizeof(lc), "%llu", (unsigned long long)sums[i].local_count);
			snprintf(sc, sizeof(sc), "%llu", (unsigned long long)sums[i].server_count);
			snprintf(ls, sizeof(ls), "%016llx", (unsigned long long)sums[i].local_checksum);
			snprintf(ss, sizeof(ss), "%016llx", (unsigned long long)sums[i].server_checksum);
			row[0] = label(LABEL_RECORD, qt_record_type_name(sums[i].type));
			row[1] = lc;
			row[2] = sc;
			row[3] = ls;
			row[4] = ss;
			row[5] = ok ? C_("verify", "ok") : C_("verify", "DIFFERS");
			out_table_add(&t, row);
		}
		out_table_print(&t, stdout);
		out_table_free(&t);
	}
	if (!settled)
		fprintf(stderr, _("quartier: the registry kept changing while it was compared; "
		                  "run `quartier sync --verify` again\n"));
	if (bad > 0) {
		fprintf(
		    stderr,
		    ngettext("quartier: the replica differs from the server in %zu record type; "
		             "`quartier sync --resync` takes a new snapshot\n",
		             "quartier: the replica differs from the server in %zu record types; "
		             "`quartier sync --resync` takes a new snapshot\n",
		             bad),
		    bad);
		rc = CLI_EXIT_OTHER;
	} else if (!cli->json) {
		printf(_("The replica matches the server.\n"));
	}
	free(sums);
	return rc;
}

int cmd_sync(cli_t *cli, args_t *a)
{
	qt_scope_t scope, *scope_p = NULL;
	qt_sync_stats_t stats;
	qt_store_info_t info;
	cmd_sync_bar_t bar;
	const char *val;
	char sbuf[64];
	int id, rc, verify = 0, resync = 0;
	qt_status_t st;
	out_json_t j;

	memset(&stats, 0, sizeof(stats));
	memset(&bar, 0, sizeof(bar));
	while ((id = args_next(a, cmd_sync_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (id == OPT_SCOPE) {
			rc = cmd_sync_scope("sync", val, &scope);
			scope_p = &scope;
		} else if (id == OPT_VERIFY) {
			verify = 1;
		} else if (id == OPT_RESYNC) {
			resync = 1;
		} else {
			rc = cli_other(cli, a, id, val, "sync");
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command("sync");
		return CLI_EXIT_OK;
	}
	/* Connecting sends the outbox first (cli_connect). */
	rc = cmd_sync_online(cli, "sync");
	if (rc != CLI_EXIT_OK)
		return rc;
	if (resync && qt_store_reset(cli->store) != QT_OK) {
		fprintf(stderr, "quartier: %s\n", qt_store_last_error(cli->store)->message);
		return CLI_EXIT_OTHER;
	}
	bar.started = time(NULL);
	st = qt_sync(cli->client, cli->store, scope_p,
	             isatty(STDERR_FILENO) && !cli->json ? cmd_sync_progress : NULL, &bar, &stats);
	if (bar.shown)
		fputc('\n', stderr);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		if (stats.snapshot_records + stats.changed + stats.deleted > 0)
			fprintf(stderr, _("quartier: what arrived is kept; the next sync goes on "
			                  "from there\n"));
		goto out;
	}
	if (stats.resync)
		fprintf(stderr, _("quartier: the server asked for a new snapshot%s%s\n"),
		        stats.resync_reason != NULL ? ": " : "",
		        stats.resync_reason != NULL ? stats.resync_reason : "");
	if (qt_store_info(cli->store, &info) != QT_OK) {
		fprintf(stderr, "quartier: %s\n", qt_store_last_error(cli->store)->message);
		rc = CLI_EXIT_OTHER;
		goto out;
	}
	if (cli->json && !verify) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_str(&j, "replica", info.path);
		out_json_kv_str(&j, "scope", qt_scope_format(&info.scope, sbuf, sizeof(sbuf)));
		out_json_kv_str(&j, "cursor", info.cursor);
		out_json_kv_bool(&j, "snapshot", stats.snapshot);
		out_json_kv_int(&j, "snapshot_records", (int64_t)stats.snapshot_records);
		out_json_kv_int(&j, "changed", (int64_t)stats.changed);
		out_json_kv_int(&j, "deleted", (int64_t)stats.deleted);
		out_json_kv_int(&j, "records", (int64_t)info.records);
		out_json_kv_int(&j, "outbox_queued", (int64_t)info.outbox_queued);
		out_json_kv_int(&j, "outbox_conflicted", (int64_t)info.outbox_conflicted);
		out_json_kv_int(&j, "outbox_failed", (int64_t)info.outbox_failed);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else if (!cli->json) {
		if (stats.snapshot)
			printf(_("Snapshot: %llu records.\n"),
			       (unsigned long long)stats.snapshot_records);
		printf(_("Synced %s: %llu records (%llu changed, %llu removed since the last "
		         "sync).\n"),
		       qt_scope_format(&info.scope, sbuf, sizeof(sbuf)),
		       (unsigned long long)info.records, (unsigned long long)stats.changed,
		       (unsigned long long)stats.deleted);
		if (info.outbox_queued + info.outbox_conflicted + info.outbox_failed > 0)
			printf(_("Outbox: %llu queued, %llu conflicted, %llu failed "
			         "(see `quartier outbox`).\n"),
			       (unsigned long long)info.outbox_queued,
			       (unsigned long long)info.outbox_conflicted,
			       (unsigned long long)info.outbox_failed);
	}
	qt_store_info_clear(&info);
	rc = verify ? cmd_sync_verify(cli) : CLI_EXIT_OK;
out:
	qt_sync_stats_clear(&stats);
	return rc;
}

/* ------------------------------------------------------------ watch */

/* One line per applied record: time, cursor, type, id, what happened. */
static int cmd_watch_page(const qt_watch_page_t *p, void *arg)
{
	cli_t *cli = arg;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if (p->overflow)
		fprintf(stderr, _("quartier: fell behind; caught up from the last cursor\n"));
	for (i = 0; i < p->n; i++) {
		if (cli->json)
			printf("{\"at\": \"%s\", \"type\": \"%s\", \"id\": %lld, \"deleted\": %s, "
			       "\"cursor\": \"%s\"}\n",
			       when, qt_record_type_name(p->records[i].type),
			       (long long)p->records[i].id, p->deleted[i] ? "true" : "false", p->cursor);
		else
			printf(p->deleted[i] ? _("%s  %s %lld removed\n")
			                     : _("%s  %s %lld changed\n"),
			       when, label(LABEL_RECORD, qt_record_type_name(p->records[i].type)),
			       (long long)p->records[i].id);
	}
	fflush(stdout);
	return 0;
}

int cmd_watch(cli_t *cli, args_t *a)
{
	qt_scope_t scope, *scope_p = NULL;
	unsigned backoff = 1;
	const char *val;
	int id, rc;
	qt_status_t st;

	while ((id = args_next(a, cmd_watch_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (id == OPT_SCOPE) {
			rc = cmd_sync_scope("watch", val, &scope);
			scope_p = &scope;
		} else {
			rc = cli_other(cli, a, id, val, "watch");
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command("watch");
		return CLI_EXIT_OK;
	}
	for (;;) {
		rc = cmd_sync_online(cli, "watch");
		if (rc == CLI_EXIT_USAGE || rc == CLI_EXIT_AUTH)
			return rc;
		if (rc == CLI_EXIT_OK) {
			fprintf(stderr, _("quartier: watching (Ctrl-C ends)\n"));
			st = qt_watch(cli->client, cli->store, scope_p, cmd_watch_page, cli, NULL);
			if (st == QT_OK)
				return CLI_EXIT_OK;
			if (st == QT_UNAUTHENTICATED || st == QT_PERMISSION_DENIED ||
			    st == QT_INVALID_ARGUMENT)
				return cli_fail(cli, st, NULL);
			fprintf(stderr, _("quartier: connection lost: %s\n"),
			        qt_client_last_error(cli->client)->message);
			backoff = 1; /* it was up: start the pauses afresh */
		}
		/* Reconnect with growing pauses; the replica stays as it is. */
		qt_client_free(cli->client);
		cli->client = NULL;
		free(cli->unreachable);
		cli->unreachable = NULL;
		qt_account_clear(&cli->me);
		fprintf(stderr, _("quartier: reconnecting in %u s\n"), backoff);
		sleep(backoff);
		backoff = backoff * 2 > 60 ? 60 : backoff * 2;
	}
}

/* ------------------------------------------------------------ outbox */

static void cmd_outbox_json(cli_t *cli, out_json_t *j, const qt_outbox_entry_t *e,
                            const char *current)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", e->id);
	out_json_kv_int(j, "seq", (int64_t)e->seq);
	out_json_kv_str(j, "state", qt_outbox_state_name(e->state));
	out_json_kv_str(j, "request_type", e->request_type);
	out_json_kv_str(j, "target_type", e->target_type != QT_RECORD_UNSPECIFIED ?
	                                  qt_record_type_name(e->target_type) : NULL);
	out_json_kv_id(j, "target_id", e->target_id);
	if (e->expected_version >= 0)
		out_json_kv_int(j, "expected_version", e->expected_version);
	out_json_kv_int(j, "queued_at", e->queued_at);
	out_json_kv_id(j, "sent_at", e->sent_at);
	out_json_kv_int(j, "attempts", e->attempts);
	out_json_kv_str(j, "cursor", e->cursor);
	if (e->error_status != QT_OK) {
		out_json_kv_str(j, "error_status", qt_status_name(e->error_status));
		out_json_kv_str(j, "error_message", e->error_message);
		out_json_kv_str(j, "error_field", e->error_field);
	}
	/* The change and the current record are JSON already: write them
	 * as strings (a consumer parses them), keeping out_json simple. */
	out_json_kv_str(j, "change", e->change_json);
	out_json_kv_str(j, "current", current);
	(void)cli;
}

/* The replica's record the entry addresses as JSON (new string), or NULL. */
static char *cmd_outbox_current(cli_t *cli, const qt_outbox_entry_t *e)
{
	qt_record_t r;
	char *json = NULL;

	if (e->target_id == 0 || e->target_type == QT_RECORD_UNSPECIFIED)
		return NULL;
	if (qt_store_get(cli->store, e->target_type, e->target_id, &r) != QT_OK)
		return NULL;
	if (qt_record_json(&r, &json) != QT_OK)
		json = NULL;
	qt_record_clear(&r);
	return json;
}

static int cmd_outbox_list(cli_t *cli, int all)
{
	qt_outbox_entry_t *list = NULL;
	qt_store_info_t info;
	size_t n = 0, i;
	char when[32], num[24], target[64], ver[24];
	char *current;
	out_json_t j;

	if (qt_outbox_list(cli->store, all, &list, &n) != QT_OK) {
		fprintf(stderr, "quartier: %s\n", qt_store_last_error(cli->store)->message);
		return CLI_EXIT_OTHER;
	}
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "entries");
		out_json_begin_array(&j);
	}
	for (i = 0; i < n; i++) {
		const qt_outbox_entry_t *e = &list[i];

		current = e->state == QT_OUTBOX_CONFLICTED || e->state == QT_OUTBOX_FAILED ?
		          cmd_outbox_current(cli, e) : NULL;
		if (cli->json) {
			cmd_outbox_json(cli, &j, e, current);
			free(current);
			continue;
		}
		snprintf(num, sizeof(num), "#%lld", (long long)e->id);
		if (e->target_id != 0)
			snprintf(target, sizeof(target), "%s %lld",
			         label(LABEL_RECORD, qt_record_type_name(e->target_type)),
			         (long long)e->target_id);
		else
			snprintf(target, sizeof(target), _("new %s"),
			         label(LABEL_RECORD, qt_record_type_name(e->target_type)));
		printf("%-6s %-10s %-20s %s", num,
		       label(LABEL_OUTBOX, qt_outbox_state_name(e->state)), e->request_type,
		       target);
		if (e->expected_version >= 0) {
			snprintf(ver, sizeof(ver), "%lld", (long long)e->expected_version);
			printf(_(" (based on version %s)"), ver);
		}
		printf("\n");
		out_kv(stdout, 10, _("  queued"), out_time(when, sizeof(when), e->queued_at));
		if (e->attempts > 0) {
			snprintf(num, sizeof(num), "%u", e->attempts);
			out_kv(stdout, 10, _("  attempts"), num);
		}
		if (e->cursor != NULL)
			out_kv(stdout, 10, _("  applied"), e->cursor);
		if (e->error_status != QT_OK && e->error_message != NULL) {
			char msg[1024];

			if (e->error_field != NULL)
				snprintf(msg, sizeof(msg), _("%s: %s (field: %s)"),
				         cli_status_text(e->error_status), e->error_message,
				         e->error_field);
			else
				snprintf(msg, sizeof(msg), "%s: %s",
				         cli_status_text(e->error_status), e->error_message);
			out_kv(stdout, 10,
			       e->state == QT_OUTBOX_QUEUED ? _("  last try") : _("  refused"),
			       msg);
		}
		out_kv(stdout, 10, _("  yours"), e->change_json);
		if (e->state == QT_OUTBOX_CONFLICTED || e->state == QT_OUTBOX_FAILED)
			out_kv(stdout, 10, _("  server"),
			       current != NULL ? current
			                       : _("(not in the replica; run `quartier sync`)"));
		free(current);
	}
	if (cli->json) {
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else if (n == 0) {
		printf(_("The outbox is empty.\n"));
	} else if (qt_store_info(cli->store, &info) == QT_OK) {
		if (info.outbox_conflicted + info.outbox_failed > 0) {
			printf(_("\n'server' is the record as of the last sync (%s).\n"),
			       info.last_sync != 0 ? out_time(when, sizeof(when), info.last_sync)
			                           : _("never"));
			printf(_(
			    "Resolve with `quartier outbox retry N --rebase` (apply yours on top)\n"
			    "or `quartier outbox discard N` (keep the server's).\n"));
		}
		qt_store_info_clear(&info);
	}
	qt_outbox_list_free(list, n);
	return CLI_EXIT_OK;
}

int cmd_outbox(cli_t *cli, args_t *a)
{
	const char *val, *sub = NULL, *num = NULL;
	int id, rc, all = 0, rebase = 0;
	int64_t n = 0;
	qt_outbox_entry_t e;
	qt_sync_stats_t stats;
	qt_status_t st;

	while ((id = args_next(a, cmd_outbox_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (id == ARGS_POSITIONAL && sub == NULL)
			sub = val;
		else if (id == ARGS_POSITIONAL && num == NULL)
			num = val;
		else if (id == OPT_ALL)
			all = 1;
		else if (id == OPT_REBASE)
			rebase = 1;
		else
			rc = cli_other(cli, a, id, val, "outbox");
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command("outbox");
		return CLI_EXIT_OK;
	}
	if (sub == NULL)
		sub = "list";
	if (strcmp(sub, "list") == 0) {
		if (num != NULL || rebase)
			return cli_usage_error("outbox", _("list takes only --all"));
		rc = cli_store_open(cli, 0, 0);
		if (rc == CLI_EXIT_NOT_FOUND) {
			printf(_("The outbox is empty.\n"));
			return CLI_EXIT_OK;
		}
		return rc != CLI_EXIT_OK ? rc : cmd_outbox_list(cli, all);
	}
	if (strcmp(sub, "discard") != 0 && strcmp(sub, "retry") != 0)
		return cli_usage_error("outbox",
		                       _("unknown subcommand '%s' (list, discard or retry)"), sub);
	if (num == NULL)
		return cli_usage_error("outbox", _("missing entry number N"));
	rc = cli_parse_id("outbox", N_("entry number"), num[0] == '#' ? num + 1 : num, &n);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (strcmp(sub, "discard") == 0) {
		if (rebase || all)
			return cli_usage_error("outbox", _("discard takes no options"));
		rc = cli_store_open(cli, 0, 0);
		if (rc != CLI_EXIT_OK)
			return rc;
		if (qt_outbox_get(cli->store, n, &e) != QT_OK) {
			fprintf(stderr, "quartier: %s\n", qt_store_last_error(cli->store)->message);
			return cli_exit_code(qt_store_last_error(cli->store)->status);
		}
		st = qt_outbox_discard(cli->store, n);
		if (st != QT_OK) {
			qt_outbox_entry_clear(&e);
			fprintf(stderr, "quartier: %s\n", qt_store_last_error(cli->store)->message);
			return cli_exit_code(st);
		}
		printf(_("Discarded #%lld (%s).\n"), (long long)n, e.request_type);
		if (e.state == QT_OUTBOX_QUEUED && e.attempts > 0)
			fprintf(stderr,
			        _("quartier: note: #%lld was sent before without an answer; "
			          "the server may have applied it\n"),
			        (long long)n);
		qt_outbox_entry_clear(&e);
		return CLI_EXIT_OK;
	}
	/* retry: sync first, so that the replica holds the server's current
	 * version to rebase on (connecting sends the rest of the outbox). */
	if (all)
		return cli_usage_error("outbox", _("retry takes only --rebase"));
	rc = cmd_sync_online(cli, "outbox");
	if (rc != CLI_EXIT_OK)
		return rc;
	memset(&stats, 0, sizeof(stats));
	if (rebase) {
		st = qt_sync(cli->client, cli->store, NULL, NULL, NULL, &stats);
		qt_sync_stats_clear(&stats);
		if (st != QT_OK)
			return cli_fail(cli, st, NULL);
	}
	st = qt_outbox_retry(cli->client, cli->store, n, rebase);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		if (st == QT_CONFLICT)
			fprintf(stderr,
			        _("quartier: #%lld is still conflicted; `quartier outbox` shows "
			          "both versions, `--rebase` applies yours on the current one\n"),
			        (long long)n);
		return rc;
	}
	if (qt_outbox_get(cli->store, n, &e) == QT_OK) {
		if (rebase)
			printf(_("Applied #%lld (%s, rebased on the current version).\n"),
			       (long long)n, e.request_type);
		else
			printf(_("Applied #%lld (%s).\n"), (long long)n, e.request_type);
		qt_outbox_entry_clear(&e);
	}
	/* Bring the replica up to the change just made. */
	st = qt_sync(cli->client, cli->store, NULL, NULL, NULL, &stats);
	qt_sync_stats_clear(&stats);
	if (st != QT_OK)
		fprintf(stderr, _("quartier: warning: the replica was not updated: %s\n"),
		        qt_client_last_error(cli->client)->message);
	return CLI_EXIT_OK;
}
