/* `quartier audit`: the change log (Änderungsprotokoll), newest first;
 * `quartier audit verify`: the check of its hash chain (admins). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "output.h"

#define CMD "audit"

enum { OPT_ENTITY = 1, OPT_ID, OPT_LIMIT, OPT_ANCHOR };

static const args_opt_t cmd_audit_opts[] = {
	{ "entity", 1, OPT_ENTITY },
	{ "id", 1, OPT_ID },
	{ "limit", 1, OPT_LIMIT },
	{ NULL, 0, 0 },
};

static void cmd_audit_json(const qt_audit_entry_t *list, size_t n)
{
	out_json_t j;
	size_t i;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_key(&j, "entries");
	out_json_begin_array(&j);
	for (i = 0; i < n; i++) {
		out_json_begin_object(&j);
		out_json_kv_int(&j, "id", list[i].id);
		out_json_kv_int(&j, "at", list[i].at);
		out_json_kv_id(&j, "account_id", list[i].account_id);
		out_json_kv_str(&j, "action", list[i].action);
		out_json_kv_str(&j, "entity", list[i].entity);
		out_json_kv_int(&j, "entity_id", list[i].entity_id);
		/* Kept as strings: the CLI does not vouch for their syntax. */
		out_json_kv_str(&j, "before_json", list[i].before_json);
		out_json_kv_str(&j, "after_json", list[i].after_json);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int cmd_audit_table(const qt_audit_entry_t *list, size_t n)
{
	static const char *const headers[] = {
	    N_("ID"), N_("TIME"), N_("ACCOUNT"), N_("ACTION"), N_("ENTITY"), N_("ENTITY ID"),
	};
	char num[24], when[32], acct[24], eid[24];
	const char *row[6];
	out_table_t t;
	size_t i;
	int rc;

	out_table_init(&t, 6, headers, "rlrllr");
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%lld", (long long)list[i].id);
		snprintf(acct, sizeof(acct), "%lld", (long long)list[i].account_id);
		snprintf(eid, sizeof(eid), "%lld", (long long)list[i].entity_id);
		row[0] = num;
		row[1] = out_time(when, sizeof(when), list[i].at);
		row[2] = list[i].account_id != 0 ? acct : _("system");
		row[3] = list[i].action;
		row[4] = list[i].entity;
		row[5] = eid;
		out_table_add(&t, row);
	}
	rc = out_table_print(&t, stdout);
	out_table_free(&t);
	if (rc != 0) {
		fprintf(stderr, _("quartier: out of memory\n"));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

static const args_opt_t cmd_audit_verify_opts[] = {
	{ "anchor", 1, OPT_ANCHOR },
	{ NULL, 0, 0 },
};

/* What kind of damage, for people. */
static const char *cmd_audit_problem_text(qt_audit_problem_t p)
{
	switch (p) {
	case QT_AUDIT_INTACT: return _("intact");
	case QT_AUDIT_EDITED: return _("content edited");
	case QT_AUDIT_LINK_BROKEN: return _("chain link broken");
	case QT_AUDIT_DELETED: return _("rows deleted");
	case QT_AUDIT_INSERTED: return _("row inserted");
	case QT_AUDIT_REWRITTEN: return _("chain rewritten");
	}
	return _("damaged");
}

/* The token of a problem kind in JSON (not translated). */
static const char *cmd_audit_problem_token(qt_audit_problem_t p)
{
	switch (p) {
	case QT_AUDIT_INTACT: return "none";
	case QT_AUDIT_EDITED: return "edited";
	case QT_AUDIT_LINK_BROKEN: return "link_broken";
	case QT_AUDIT_DELETED: return "deleted";
	case QT_AUDIT_INSERTED: return "inserted";
	case QT_AUDIT_REWRITTEN: return "rewritten";
	}
	return "unknown";
}

static void cmd_audit_verify_json(const qt_audit_verify_t *v)
{
	out_json_t j;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_kv_bool(&j, "intact", v->problem == QT_AUDIT_INTACT);
	out_json_kv_int(&j, "checked", (int64_t)v->checked);
	out_json_kv_int(&j, "sealed", (int64_t)v->sealed);
	out_json_kv_int(&j, "pending", (int64_t)v->pending);
	out_json_kv_int(&j, "redacted", (int64_t)v->redacted);
	out_json_kv_int(&j, "head_position", v->head_position);
	out_json_kv_str(&j, "head_hash", v->head_hash);
	out_json_kv_str(&j, "problem", cmd_audit_problem_token(v->problem));
	out_json_kv_id(&j, "bad_id", v->bad_id);
	out_json_kv_id(&j, "bad_position", v->bad_position);
	out_json_kv_id(&j, "other_id", v->other_id);
	out_json_kv_id(&j, "other_position", v->other_position);
	out_json_kv_str(&j, "message", v->message);
	out_json_end_object(&j);
	out_json_finish(&j);
}

/* Prints the verdict; exit code 1 if the chain is damaged (as `quartier
 * sync --verify` for a difference). */
static int cmd_audit_verify_print(const qt_audit_verify_t *v)
{
	unsigned long long checked = v->checked;
	long long head = v->head_position, bad = v->bad_id, pos = v->bad_position;

	if (v->problem == QT_AUDIT_INTACT) {
		printf(_("Audit log intact: %llu rows checked (%llu sealed now, %llu pending, "
		         "%llu redacted).\n"),
		       checked, (unsigned long long)v->sealed, (unsigned long long)v->pending,
		       (unsigned long long)v->redacted);
		printf(_("Head: %lld:%s\n"), head, v->head_hash);
		return CLI_EXIT_OK;
	}
	if (v->bad_id != 0 && v->bad_position != 0)
		printf(_("Audit log DAMAGED (%s): first bad row %lld, chain position %lld.\n"),
		       cmd_audit_problem_text(v->problem), bad, pos);
	else if (v->bad_id != 0)
		printf(_("Audit log DAMAGED (%s): first bad row %lld, not in the chain.\n"),
		       cmd_audit_problem_text(v->problem), bad);
	else
		printf(_("Audit log DAMAGED (%s) at chain position %lld.\n"),
		       cmd_audit_problem_text(v->problem), pos);
	if (v->message != NULL)
		printf("  %s\n", v->message);
	printf(_("%llu rows checked; head: %lld:%s\n"), checked, head, v->head_hash);
	return CLI_EXIT_OTHER;
}

static int cmd_audit_verify(cli_t *cli, args_t *a)
{
	const char *val, *anchor = NULL;
	qt_audit_verify_t v;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, cmd_audit_verify_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == OPT_ANCHOR) {
			anchor = val;
			continue;
		}
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (!cli_start(cli, CMD, &rc))
		return rc;
	memset(&v, 0, sizeof(v));
	st = qt_audit_verify(cli->client, anchor, &v);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		cmd_audit_verify_json(&v);
		rc = v.problem == QT_AUDIT_INTACT ? CLI_EXIT_OK : CLI_EXIT_OTHER;
	} else {
		rc = cmd_audit_verify_print(&v);
	}
	qt_audit_verify_clear(&v);
	return rc;
}

int cmd_audit(cli_t *cli, args_t *a)
{
	const char *val, *entity = NULL;
	qt_audit_entry_t *list = NULL;
	int64_t entity_id = 0, limit = 0;
	size_t n = 0;
	qt_status_t st;
	int id, rc, listed = 0;

	while ((id = args_next(a, cmd_audit_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (id == ARGS_POSITIONAL && !listed && strcmp(val, "verify") == 0)
			return cmd_audit_verify(cli, a);
		listed |= id == OPT_ENTITY || id == OPT_ID || id == OPT_LIMIT;
		if (id == OPT_ENTITY)
			entity = val;
		else if (id == OPT_ID)
			rc = cli_parse_id(CMD, N_("id"), val, &entity_id);
		else if (id == OPT_LIMIT)
			rc = cli_parse_id(CMD, N_("limit"), val, &limit);
		else
			rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (limit > 100000)
		return cli_usage_error(CMD, _("limit too large"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_audit_list(cli->client, entity, entity_id, (uint32_t)limit, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		cmd_audit_json(list, n);
		rc = CLI_EXIT_OK;
	} else {
		rc = cmd_audit_table(list, n);
	}
	qt_audit_list_free(list, n);
	return rc;
}
