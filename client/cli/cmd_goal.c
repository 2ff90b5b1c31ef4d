/* `quartier goal ...`, `quartier update ...` and `quartier report`: the
 * coordinators' updates (Zielsteuerung) — goals with their versions,
 * proposals and acceptance; progress updates with submission, review and
 * revision; the annual report (Jahresbericht) as Markdown or HTML
 * (report.c).  Figures are passed as decimal text and never converted to
 * floating point. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
#include "output.h"
#include "report.h"

#define CMD_GOAL       "goal"
#define CMD_UPDATE     "update"
#define CMD_REPORT     "report"
#define CMD_VALUES_MAX 100

enum {
	OPT_PROJECT = 1,
	OPT_ALL,
	OPT_VERSION,
	OPT_STATEMENT,
	OPT_INDICATOR,
	OPT_BASELINE,
	OPT_NO_BASELINE,
	OPT_TARGET,
	OPT_UNIT,
	OPT_DUE,
	OPT_NOTE,
	OPT_REASON,
	OPT_FROM,
	OPT_TO,
	OPT_NARRATIVE,
	OPT_EVENTS,
	OPT_PARTICIPATION,
	OPT_TOPICS,
	OPT_VALUE,
	OPT_NO_VALUES,
	OPT_COMMENT,
	OPT_STATE,
	OPT_YEAR,
	OPT_LIMIT,
	OPT_HTML,
	OPT_OUTPUT,
};

static const args_opt_t cmd_goal_list_opts[] = {
    {"all", 0, OPT_ALL},
    {NULL, 0, 0},
};

static const args_opt_t cmd_goal_write_opts[] = {
    {"project", 1, OPT_PROJECT},
    {"version", 1, OPT_VERSION},
    {"statement", 1, OPT_STATEMENT},
    {"indicator", 1, OPT_INDICATOR},
    {"baseline", 1, OPT_BASELINE},
    {"no-baseline", 0, OPT_NO_BASELINE},
    {"target", 1, OPT_TARGET},
    {"unit", 1, OPT_UNIT},
    {"due", 1, OPT_DUE},
    {"note", 1, OPT_NOTE},
    {NULL, 0, 0},
};

static const args_opt_t cmd_goal_accept_opts[] = {
    {"version", 1, OPT_VERSION},
    {"reason", 1, OPT_REASON},
    {NULL, 0, 0},
};

static const args_opt_t cmd_update_write_opts[] = {
    {"version", 1, OPT_VERSION},
    {"from", 1, OPT_FROM},
    {"to", 1, OPT_TO},
    {"narrative", 1, OPT_NARRATIVE},
    {"events", 1, OPT_EVENTS},
    {"participation", 1, OPT_PARTICIPATION},
    {"topics", 1, OPT_TOPICS},
    {"value", 1, OPT_VALUE},
    {"no-values", 0, OPT_NO_VALUES},
    {NULL, 0, 0},
};

static const args_opt_t cmd_update_review_opts[] = {
    {"version", 1, OPT_VERSION},
    {"comment", 1, OPT_COMMENT},
    {NULL, 0, 0},
};

static const args_opt_t cmd_update_list_opts[] = {
    {"project", 1, OPT_PROJECT},
    {"state", 1, OPT_STATE},
    {"year", 1, OPT_YEAR},
    {"limit", 1, OPT_LIMIT},
    {NULL, 0, 0},
};

static const args_opt_t cmd_report_opts[] = {
    {"year", 1, OPT_YEAR},
    {"html", 0, OPT_HTML},
    {"output", 1, OPT_OUTPUT},
    {NULL, 0, 0},
};

/* ------------------------------------------------------------ helpers */

static int cmd_oom(void)
{
	fprintf(stderr, _("quartier: out of memory\n"));
	return CLI_EXIT_OTHER;
}

static int cmd_table_done(out_table_t *t)
{
	int rc = out_table_print(t, stdout);

	out_table_free(t);
	return rc != 0 ? cmd_oom() : CLI_EXIT_OK;
}

/* Takes the first positional into *pos, hands everything else to
 * cli_other(). */
static int cmd_positional(cli_t *cli, args_t *a, int id, const char *val, const char **pos,
                          const char *command)
{
	if (id == ARGS_POSITIONAL && *pos == NULL) {
		*pos = val;
		return CLI_EXIT_OK;
	}
	return cli_other(cli, a, id, val, command);
}

/* --version V: a non-negative version. */
static int cmd_version(const char *command, const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1)
		return cli_usage_error(command, _("invalid version '%s'"), s);
	*out = (int64_t)v;
	return CLI_EXIT_OK;
}

static int cmd_year(const char *command, const char *s, int32_t *out)
{
	int64_t v;
	int rc = cli_parse_id(command, N_("year"), s, &v);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (v > 9999)
		return cli_usage_error(command, _("invalid year '%s'"), s);
	*out = (int32_t)v;
	return CLI_EXIT_OK;
}

/* Turns a decimal comma ("12,5", as German users write it) into a point
 * when s has no point and one comma.  The server checks the rest. */
static void cmd_decimal_comma(char *s)
{
	char *comma = strchr(s, ',');

	if (strchr(s, '.') == NULL && comma != NULL && strchr(comma + 1, ',') == NULL)
		*comma = '.';
}

/* A figure as the user typed it, in a new string (caller frees), with
 * cmd_decimal_comma() applied; NULL if memory ran out. */
static char *cmd_decimal(const char *s)
{
	char *d = strdup(s);

	if (d != NULL)
		cmd_decimal_comma(d);
	return d;
}

/* "12.5 Personen"; "-" for none. */
static const char *cmd_amount(char *buf, size_t len, const char *value, const char *unit)
{
	if (value == NULL)
		return NULL;
	snprintf(buf, len, "%s %s", value, unit != NULL ? unit : "");
	return buf;
}

/* ------------------------------------------------------------ goals: output */

static void cmd_goal_json_version(out_json_t *j, const qt_goal_version_t *v)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "version", v->version);
	out_json_kv_str(j, "statement", v->statement);
	out_json_kv_str(j, "indicator", v->indicator);
	out_json_kv_str(j, "baseline", v->baseline);
	out_json_kv_str(j, "target_value", v->target_value);
	out_json_kv_str(j, "unit", v->unit);
	out_json_kv_str(j, "due_date", v->due_date);
	out_json_kv_str(j, "note", v->note);
	out_json_kv_str(j, "state", qt_goal_state_name(v->state));
	out_json_kv_id(j, "proposed_by", v->proposed_by);
	out_json_kv_str(j, "proposed_by_name", v->proposed_by_name);
	out_json_kv_id(j, "proposed_at", v->proposed_at);
	out_json_kv_id(j, "accepted_by", v->accepted_by);
	out_json_kv_str(j, "accepted_by_name", v->accepted_by_name);
	out_json_kv_id(j, "accepted_at", v->accepted_at);
	out_json_end_object(j);
}

static void cmd_goal_json(out_json_t *j, const qt_goal_t *g)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", g->id);
	out_json_kv_int(j, "project_id", g->project_id);
	out_json_kv_str(j, "project_name", g->project_name);
	out_json_kv_int(j, "version", g->version);
	out_json_key(j, "current");
	cmd_goal_json_version(j, &g->current);
	out_json_key(j, "accepted");
	if (g->has_accepted)
		cmd_goal_json_version(j, &g->accepted);
	else
		out_json_null(j);
	out_json_kv_bool(j, "retired", g->retired);
	out_json_kv_id(j, "retired_at", g->retired_at);
	out_json_kv_str(j, "retire_reason", g->retire_reason);
	if (g->n_history > 0) {
		out_json_key(j, "history");
		out_json_begin_array(j);
		for (size_t i = 0; i < g->n_history; i++)
			cmd_goal_json_version(j, &g->history[i]);
		out_json_end_array(j);
	}
	out_json_kv_id(j, "created_at", g->created_at);
	out_json_kv_id(j, "updated_at", g->updated_at);
	out_json_end_object(j);
}

/* The keys of a goal's key/value block: its column is as wide as the
 * longest of them in the user's language. */
static const char *const cmd_goal_keys[] = {
    N_("goal"),        N_("project"),      N_("versions"),      N_("retired"),  N_("  version"),
    N_("  statement"), N_("  indicator"),  N_("  baseline"),    N_("  target"), N_("  due"),
    N_("  note"),      N_("  written by"), N_("  accepted by"),
};

static void cmd_goal_print_version(const char *title, const qt_goal_version_t *v, int w)
{
	char num[64], amount[256], who[512], t[32];

	printf("%s\n", title);
	snprintf(num, sizeof(num), "%lld (%s)", (long long)v->version,
	         label(LABEL_GOAL, qt_goal_state_name(v->state)));
	out_kv(stdout, w, _("  version"), num);
	out_kv(stdout, w, _("  statement"), v->statement);
	out_kv(stdout, w, _("  indicator"), v->indicator);
	out_kv(stdout, w, _("  baseline"),
	       cmd_amount(amount, sizeof(amount), v->baseline, v->unit));
	out_kv(stdout, w, _("  target"),
	       cmd_amount(amount, sizeof(amount), v->target_value, v->unit));
	out_kv(stdout, w, _("  due"), v->due_date);
	out_kv(stdout, w, _("  note"), v->note);
	snprintf(who, sizeof(who), "%s, %s",
	         v->proposed_by_name != NULL ? v->proposed_by_name : _("host"),
	         out_time(t, sizeof(t), v->proposed_at));
	out_kv(stdout, w, _("  written by"), who);
	if (v->state == QT_GOAL_ACCEPTED) {
		snprintf(who, sizeof(who), "%s, %s",
		         v->accepted_by_name != NULL ? v->accepted_by_name : _("host"),
		         out_time(t, sizeof(t), v->accepted_at));
		out_kv(stdout, w, _("  accepted by"), who);
	}
}

static int cmd_goal_print(cli_t *cli, const qt_goal_t *g)
{
	char num[32], project[512], t[32];
	out_json_t j;
	int w;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_goal_json(&j, g);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	w = out_kv_width(13, cmd_goal_keys, sizeof(cmd_goal_keys) / sizeof(cmd_goal_keys[0]));
	snprintf(num, sizeof(num), "%lld", (long long)g->id);
	snprintf(project, sizeof(project), "%s (%lld)",
	         g->project_name != NULL ? g->project_name : "", (long long)g->project_id);
	out_kv(stdout, w, _("goal"), num);
	out_kv(stdout, w, _("project"), project);
	snprintf(num, sizeof(num), "%lld", (long long)g->version);
	out_kv(stdout, w, _("versions"), num);
	if (g->retired) {
		snprintf(project, sizeof(project), "%s: %s", out_time(t, sizeof(t), g->retired_at),
		         g->retire_reason != NULL ? g->retire_reason : "");
		out_kv(stdout, w, _("retired"), project);
	}
	if (g->has_accepted)
		cmd_goal_print_version(_("Accepted version (counts):"), &g->accepted, w);
	else
		printf(_("No accepted version yet.\n"));
	if (!g->has_accepted || g->accepted.version != g->current.version)
		cmd_goal_print_version(_("Newest version (proposed, waits for acceptance):"),
		                       &g->current, w);
	return CLI_EXIT_OK;
}

static int cmd_goal_history_table(const qt_goal_t *g)
{
	static const char *const headers[] = {
	    N_("V"),      N_("STATE"), N_("STATEMENT"),  N_("INDICATOR"), N_("BASELINE"),
	    N_("TARGET"), N_("DUE"),   N_("WRITTEN BY"), N_("ACCEPTED"),  N_("NOTE")};
	char v[24], base[256], target[256], who[256], acc[256], t[32];
	const char *row[10];
	out_table_t tab;

	out_table_init(&tab, 10, headers, "rllllrllll");
	for (size_t i = 0; i < g->n_history; i++) {
		const qt_goal_version_t *x = &g->history[i];

		snprintf(v, sizeof(v), "%lld", (long long)x->version);
		snprintf(who, sizeof(who), "%s %s",
		         x->proposed_by_name != NULL ? x->proposed_by_name : _("host"),
		         out_time(t, sizeof(t), x->proposed_at));
		snprintf(acc, sizeof(acc), "%s %s",
		         x->accepted_by_name != NULL ? x->accepted_by_name : _("host"),
		         out_time(t, sizeof(t), x->accepted_at));
		row[0] = v;
		row[1] = label(LABEL_GOAL, qt_goal_state_name(x->state));
		row[2] = x->statement;
		row[3] = x->indicator;
		row[4] = cmd_amount(base, sizeof(base), x->baseline, x->unit);
		row[5] = cmd_amount(target, sizeof(target), x->target_value, x->unit);
		row[6] = x->due_date;
		row[7] = who;
		row[8] = x->state == QT_GOAL_ACCEPTED ? acc : NULL;
		row[9] = x->note;
		out_table_add(&tab, row);
	}
	return cmd_table_done(&tab);
}

/* ------------------------------------------------------------ goals: commands */

static int cmd_goal_id_arg(const char *s, int64_t *out)
{
	if (s == NULL)
		return cli_usage_error(CMD_GOAL, _("missing ID (the goal id)"));
	return cli_parse_id(CMD_GOAL, N_("goal id"), s, out);
}

static int cmd_goal_list(cli_t *cli, args_t *a)
{
	static const char *const headers[] = {N_("ID"),     N_("STATEMENT"), N_("INDICATOR"),
	                                      N_("TARGET"), N_("DUE"),       N_("ACCEPTED"),
	                                      N_("NEWEST"), N_("RETIRED")};
	const char *val, *project = NULL;
	int64_t pid = 0;
	int all = 0, id, rc;
	qt_goal_t *list = NULL;
	size_t n = 0;
	qt_status_t st;
	out_json_t j;
	out_table_t t;

	while ((id = args_next(a, cmd_goal_list_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == OPT_ALL) {
			all = 1;
			continue;
		}
		rc = cmd_positional(cli, a, id, val, &project, CMD_GOAL);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_GOAL);
		return CLI_EXIT_OK;
	}
	if (project == NULL)
		return cli_usage_error(CMD_GOAL, _("missing PROJECT (the project id)"));
	rc = cli_parse_id(CMD_GOAL, N_("project id"), project, &pid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_goal_list(cli->client, pid, all, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "goals");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_goal_json(&j, &list[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		qt_goal_list_free(list, n);
		return CLI_EXIT_OK;
	}
	out_table_init(&t, 8, headers, "rllrlrll");
	for (size_t i = 0; i < n; i++) {
		const qt_goal_t *g = &list[i];
		const qt_goal_version_t *v = g->has_accepted ? &g->accepted : &g->current;
		char num[24], target[256], acc[24], newest[48];
		const char *row[8];

		snprintf(num, sizeof(num), "%lld", (long long)g->id);
		snprintf(acc, sizeof(acc), "v%lld", (long long)g->accepted.version);
		snprintf(newest, sizeof(newest), "v%lld %s", (long long)g->current.version,
		         label(LABEL_GOAL, qt_goal_state_name(g->current.state)));
		row[0] = num;
		row[1] = v->statement;
		row[2] = v->indicator;
		row[3] = cmd_amount(target, sizeof(target), v->target_value, v->unit);
		row[4] = v->due_date;
		row[5] = g->has_accepted ? acc : NULL;
		row[6] = newest;
		row[7] = g->retired ? _("yes") : NULL;
		out_table_add(&t, row);
	}
	qt_goal_list_free(list, n);
	return cmd_table_done(&t);
}

/* show and history: one goal with every version. */
static int cmd_goal_show_or_history(cli_t *cli, args_t *a, int history)
{
	const char *val, *ids = NULL;
	int64_t gid = 0;
	qt_goal_t g;
	qt_status_t st;
	out_json_t j;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cmd_positional(cli, a, id, val, &ids, CMD_GOAL);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_GOAL);
		return CLI_EXIT_OK;
	}
	rc = cmd_goal_id_arg(ids, &gid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_goal_get(cli->client, gid, &g);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_goal_json(&j, &g);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else if (history) {
		printf(
		    _("Goal %lld: every version, oldest first (the newest accepted one counts)\n"),
		    (long long)g.id);
		rc = cmd_goal_history_table(&g);
	} else {
		rc = cmd_goal_print(cli, &g);
	}
	qt_goal_clear(&g);
	return rc;
}

static int cmd_goal_show(cli_t *cli, args_t *a)
{
	return cmd_goal_show_or_history(cli, a, 0);
}

static int cmd_goal_history(cli_t *cli, args_t *a)
{
	return cmd_goal_show_or_history(cli, a, 1);
}

/* set and propose: a new goal (--project) or a new version of goal ID. */
static int cmd_goal_write(cli_t *cli, args_t *a, int propose)
{
	const char *val, *ids = NULL, *version = NULL, *baseline = NULL, *target = NULL;
	const char *statement = NULL, *indicator = NULL, *unit = NULL, *due = NULL, *note = NULL;
	const char *cmd = propose ? "goal propose" : "goal set";
	char *base_d = NULL, *target_d = NULL;
	int no_baseline = 0, id, rc;
	int64_t project = 0, gid = 0;
	qt_goal_t out, cur;
	qt_status_t st;

	memset(&cur, 0, sizeof(cur));
	while ((id = args_next(a, cmd_goal_write_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_PROJECT:
			rc = cli_parse_id(CMD_GOAL, N_("project id"), val, &project);
			break;
		case OPT_VERSION:
			version = val;
			break;
		case OPT_STATEMENT:
			statement = val;
			break;
		case OPT_INDICATOR:
			indicator = val;
			break;
		case OPT_BASELINE:
			baseline = val;
			break;
		case OPT_NO_BASELINE:
			no_baseline = 1;
			break;
		case OPT_TARGET:
			target = val;
			break;
		case OPT_UNIT:
			unit = val;
			break;
		case OPT_DUE:
			due = val;
			break;
		case OPT_NOTE:
			note = val;
			break;
		default:
			rc = cmd_positional(cli, a, id, val, &ids, CMD_GOAL);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_GOAL);
		return CLI_EXIT_OK;
	}
	if ((ids == NULL) == (project == 0))
		return cli_usage_error(CMD_GOAL,
		                       _("%s: name either --project (a new goal) or the "
		                         "goal ID (a new version of it)"),
		                       cmd);
	if (baseline != NULL && no_baseline)
		return cli_usage_error(CMD_GOAL,
		                       _("--baseline and --no-baseline exclude each other"));
	if (ids != NULL) {
		rc = cmd_goal_id_arg(ids, &gid);
		if (rc == CLI_EXIT_OK && version != NULL)
			rc = cmd_version(CMD_GOAL, version, &cur.version);
		if (rc != CLI_EXIT_OK)
			return rc;
	} else if (statement == NULL || indicator == NULL || target == NULL || unit == NULL ||
	           due == NULL) {
		return cli_usage_error(CMD_GOAL, _("a new goal needs --statement, --indicator, "
		                                   "--target, --unit and --due (SMART)"));
	}
	if ((baseline != NULL && (base_d = cmd_decimal(baseline)) == NULL) ||
	    (target != NULL && (target_d = cmd_decimal(target)) == NULL)) {
		rc = cmd_oom();
		goto out;
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (ids == NULL) {
		qt_goal_new_t in = {project, statement, indicator, base_d, target_d,
		                    unit,    due,       note,      propose};

		st = qt_goal_create(cli->client, &in, &out);
	} else {
		qt_goal_patch_t in;

		memset(&in, 0, sizeof(in));
		in.id = gid;
		in.expected_version = cur.version;
		if (version == NULL) {
			/* Without --version the newest version is read first; the
			 * server still refuses a change made on top of another. */
			st = qt_goal_get(cli->client, gid, &cur);
			if (st != QT_OK) {
				rc = cli_fail(cli, st, NULL);
				goto out;
			}
			in.expected_version = cur.version;
		}
		in.statement = statement;
		in.indicator = indicator;
		in.baseline = no_baseline ? "" : base_d;
		in.target_value = target_d;
		in.unit = unit;
		in.due_date = due;
		in.note = note;
		in.propose = propose;
		st = qt_goal_change(cli->client, &in, &out);
	}
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	rc = cmd_goal_print(cli, &out);
	qt_goal_clear(&out);
out:
	qt_goal_clear(&cur);
	free(base_d);
	free(target_d);
	return rc;
}

static int cmd_goal_set(cli_t *cli, args_t *a)
{
	return cmd_goal_write(cli, a, 0);
}

static int cmd_goal_propose(cli_t *cli, args_t *a)
{
	return cmd_goal_write(cli, a, 1);
}

/* accept and retire. */
static int cmd_goal_decide(cli_t *cli, args_t *a, int retire)
{
	const char *val, *ids = NULL, *version = NULL, *reason = NULL;
	int64_t gid = 0, expected = 0;
	qt_goal_t cur, out;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, cmd_goal_accept_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (id == OPT_VERSION)
			version = val;
		else if (id == OPT_REASON && retire)
			reason = val;
		else
			rc = cmd_positional(cli, a, id, val, &ids, CMD_GOAL);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_GOAL);
		return CLI_EXIT_OK;
	}
	rc = cmd_goal_id_arg(ids, &gid);
	if (rc == CLI_EXIT_OK && version != NULL)
		rc = cmd_version(CMD_GOAL, version, &expected);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (retire && reason == NULL)
		return cli_usage_error(CMD_GOAL, _("goal retire needs --reason"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (version == NULL) {
		st = qt_goal_get(cli->client, gid, &cur);
		if (st != QT_OK)
			return cli_fail(cli, st, NULL);
		expected = cur.version;
		qt_goal_clear(&cur);
	}
	st = retire ? qt_goal_retire(cli->client, gid, expected, reason, &out)
	            : qt_goal_accept(cli->client, gid, expected, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_goal_print(cli, &out);
	qt_goal_clear(&out);
	return rc;
}

static int cmd_goal_accept(cli_t *cli, args_t *a)
{
	return cmd_goal_decide(cli, a, 0);
}

static int cmd_goal_retire(cli_t *cli, args_t *a)
{
	return cmd_goal_decide(cli, a, 1);
}

/* ------------------------------------------------------------ updates: output */

static void cmd_update_json(out_json_t *j, const qt_progress_update_t *u)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", u->id);
	out_json_kv_int(j, "project_id", u->project_id);
	out_json_kv_str(j, "project_name", u->project_name);
	out_json_kv_int(j, "version", u->version);
	out_json_kv_str(j, "period_from", u->period_from);
	out_json_kv_str(j, "period_to", u->period_to);
	out_json_kv_str(j, "state", qt_progress_state_name(u->state));
	out_json_kv_str(j, "narrative", u->narrative);
	out_json_kv_str(j, "events", u->events);
	out_json_kv_str(j, "participation", u->participation);
	out_json_kv_str(j, "topics", u->topics);
	out_json_key(j, "values");
	out_json_begin_array(j);
	for (size_t i = 0; i < u->n_values; i++) {
		const qt_progress_value_t *v = &u->values[i];

		out_json_begin_object(j);
		out_json_kv_int(j, "goal_id", v->goal_id);
		out_json_kv_int(j, "goal_version", v->goal_version);
		out_json_kv_str(j, "indicator", v->indicator);
		out_json_kv_str(j, "actual_value", v->actual_value);
		out_json_kv_str(j, "target_value", v->target_value);
		out_json_kv_str(j, "unit", v->unit);
		out_json_kv_str(j, "note", v->note);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	out_json_kv_id(j, "submitted_by", u->submitted_by);
	out_json_kv_str(j, "submitted_by_name", u->submitted_by_name);
	out_json_kv_id(j, "submitted_at", u->submitted_at);
	out_json_kv_id(j, "reviewed_by", u->reviewed_by);
	out_json_kv_str(j, "reviewed_by_name", u->reviewed_by_name);
	out_json_kv_id(j, "reviewed_at", u->reviewed_at);
	out_json_kv_str(j, "review_comment", u->review_comment);
	out_json_key(j, "history");
	out_json_begin_array(j);
	for (size_t i = 0; i < u->n_history; i++) {
		const qt_progress_event_t *e = &u->history[i];

		out_json_begin_object(j);
		out_json_kv_str(j, "action", qt_progress_action_name(e->action));
		out_json_kv_id(j, "account_id", e->account_id);
		out_json_kv_str(j, "account_name", e->account_name);
		out_json_kv_id(j, "at", e->at);
		out_json_kv_str(j, "comment", e->comment);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	out_json_end_object(j);
}

static int cmd_update_print(cli_t *cli, const qt_progress_update_t *u)
{
	static const char *const vh[] = {N_("GOAL"), N_("INDICATOR"), N_("ACTUAL"), N_("TARGET"),
	                                 N_("NOTE")};
	static const char *const hh[] = {N_("WHEN"), N_("WHAT"), N_("WHO"), N_("COMMENT")};
	char num[48], project[512], period[64];
	out_json_t j;
	out_table_t t;
	int rc;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_update_json(&j, u);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), _("%lld (version %lld)"), (long long)u->id,
	         (long long)u->version);
	snprintf(project, sizeof(project), "%s (%lld)",
	         u->project_name != NULL ? u->project_name : "", (long long)u->project_id);
	snprintf(period, sizeof(period), "%s – %s", u->period_from, u->period_to);
	out_kv(stdout, 15, _("update"), num);
	out_kv(stdout, 15, _("project"), project);
	out_kv(stdout, 15, _("period"), period);
	out_kv(stdout, 15, _("state"), label(LABEL_UPDATE, qt_progress_state_name(u->state)));
	out_kv(stdout, 15, _("narrative"), u->narrative);
	out_kv(stdout, 15, _("events"), u->events);
	out_kv(stdout, 15, _("participation"), u->participation);
	out_kv(stdout, 15, _("topics"), u->topics);
	out_kv(stdout, 15, _("review comment"), u->review_comment);
	if (u->n_values > 0) {
		printf(_("\nValues (Ist-Werte):\n"));
		out_table_init(&t, 5, vh, "rlrrl");
		for (size_t i = 0; i < u->n_values; i++) {
			const qt_progress_value_t *v = &u->values[i];
			char g[24], act[256], tgt[256];
			const char *row[5];

			snprintf(g, sizeof(g), "%lld", (long long)v->goal_id);
			row[0] = g;
			row[1] = v->indicator;
			row[2] = cmd_amount(act, sizeof(act), v->actual_value, v->unit);
			row[3] = cmd_amount(tgt, sizeof(tgt), v->target_value, v->unit);
			row[4] = v->note;
			out_table_add(&t, row);
		}
		rc = cmd_table_done(&t);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	printf(_("\nHistory:\n"));
	out_table_init(&t, 4, hh, "llll");
	for (size_t i = 0; i < u->n_history; i++) {
		const qt_progress_event_t *e = &u->history[i];
		char when[32];
		const char *row[4];

		row[0] = out_time(when, sizeof(when), e->at);
		row[1] = label(LABEL_ACTION, qt_progress_action_name(e->action));
		row[2] = e->account_name != NULL ? e->account_name : _("host");
		row[3] = e->comment;
		out_table_add(&t, row);
	}
	return cmd_table_done(&t);
}

/* ------------------------------------------------------------ updates: commands */

static int cmd_update_id_arg(const char *s, int64_t *out)
{
	if (s == NULL)
		return cli_usage_error(CMD_UPDATE, _("missing ID (the update id)"));
	return cli_parse_id(CMD_UPDATE, N_("update id"), s, out);
}

/* The --value options: GOAL=VALUE[:NOTE], parsed into new strings. */
typedef struct cmd_values {
	qt_progress_value_new_t v[CMD_VALUES_MAX];
	char *own[CMD_VALUES_MAX]; /* owned copies: "VALUE\0NOTE" */
	size_t n;
} cmd_values_t;

static void cmd_values_free(cmd_values_t *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->own[i]);
	vs->n = 0;
}

static int cmd_values_add(cmd_values_t *vs, const char *s)
{
	const char *eq = strchr(s, '=');
	char goal[24], *copy, *colon;
	int64_t gid;
	int rc;

	if (vs->n == CMD_VALUES_MAX)
		return cli_usage_error(CMD_UPDATE, _("at most %d --value options"), CMD_VALUES_MAX);
	if (eq == NULL || (size_t)(eq - s) >= sizeof(goal))
		return cli_usage_error(CMD_UPDATE,
		                       _("--value wants GOAL=VALUE[:NOTE], e.g. 3=17.5"));
	memcpy(goal, s, (size_t)(eq - s));
	goal[eq - s] = '\0';
	rc = cli_parse_id(CMD_UPDATE, N_("goal id"), goal, &gid);
	if (rc != CLI_EXIT_OK)
		return rc;
	copy = strdup(eq + 1);
	if (copy == NULL)
		return cmd_oom();
	colon = strchr(copy, ':');
	if (colon != NULL)
		*colon = '\0';
	cmd_decimal_comma(copy); /* the value only, not the note */
	vs->own[vs->n] = copy;
	vs->v[vs->n].goal_id = gid;
	vs->v[vs->n].actual_value = copy;
	vs->v[vs->n].note = colon != NULL ? colon + 1 : NULL;
	vs->n++;
	return CLI_EXIT_OK;
}

typedef struct cmd_update_opts {
	const char *ids, *version, *from, *to, *narrative, *events, *participation, *topics;
	int no_values;
	cmd_values_t values;
} cmd_update_opts_t;

static int cmd_update_parse(cli_t *cli, args_t *a, cmd_update_opts_t *o)
{
	const char *val;
	int id, rc;

	while ((id = args_next(a, cmd_update_write_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_VERSION:
			o->version = val;
			break;
		case OPT_FROM:
			o->from = val;
			break;
		case OPT_TO:
			o->to = val;
			break;
		case OPT_NARRATIVE:
			o->narrative = val;
			break;
		case OPT_EVENTS:
			o->events = val;
			break;
		case OPT_PARTICIPATION:
			o->participation = val;
			break;
		case OPT_TOPICS:
			o->topics = val;
			break;
		case OPT_VALUE:
			rc = cmd_values_add(&o->values, val);
			break;
		case OPT_NO_VALUES:
			o->no_values = 1;
			break;
		default:
			rc = cmd_positional(cli, a, id, val, &o->ids, CMD_UPDATE);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (o->no_values && o->values.n > 0)
		return cli_usage_error(CMD_UPDATE, _("--value and --no-values exclude each other"));
	return CLI_EXIT_OK;
}

static int cmd_update_submit(cli_t *cli, args_t *a)
{
	cmd_update_opts_t o;
	qt_progress_new_t in;
	qt_progress_update_t out;
	qt_status_t st;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&in, 0, sizeof(in));
	rc = cmd_update_parse(cli, a, &o);
	if (rc != CLI_EXIT_OK || cli->help) {
		if (cli->help)
			cli_usage_command(CMD_UPDATE);
		goto out;
	}
	if (o.ids == NULL) {
		rc = cli_usage_error(CMD_UPDATE, _("missing PROJECT (the project id)"));
		goto out;
	}
	rc = cli_parse_id(CMD_UPDATE, N_("project id"), o.ids, &in.project_id);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (o.version != NULL || o.no_values) {
		rc = cli_usage_error(CMD_UPDATE, _("--version and --no-values belong to revise"));
		goto out;
	}
	if (o.from == NULL || o.to == NULL || o.narrative == NULL) {
		rc = cli_usage_error(CMD_UPDATE, _("submit needs --from, --to and --narrative"));
		goto out;
	}
	in.period_from = o.from;
	in.period_to = o.to;
	in.narrative = o.narrative;
	in.events = o.events;
	in.participation = o.participation;
	in.topics = o.topics;
	in.values = o.values.v;
	in.n_values = o.values.n;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	st = qt_progress_submit(cli->client, &in, &out);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	rc = cmd_update_print(cli, &out);
	qt_progress_update_clear(&out);
out:
	cmd_values_free(&o.values);
	return rc;
}

static int cmd_update_revise(cli_t *cli, args_t *a)
{
	cmd_update_opts_t o;
	qt_progress_new_t in;
	qt_progress_update_t cur, out;
	qt_progress_value_new_t *kept = NULL;
	qt_status_t st;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&in, 0, sizeof(in));
	memset(&cur, 0, sizeof(cur));
	rc = cmd_update_parse(cli, a, &o);
	if (rc != CLI_EXIT_OK || cli->help) {
		if (cli->help)
			cli_usage_command(CMD_UPDATE);
		goto out;
	}
	rc = cmd_update_id_arg(o.ids, &in.id);
	if (rc == CLI_EXIT_OK && o.version != NULL)
		rc = cmd_version(CMD_UPDATE, o.version, &in.expected_version);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	/* The update is replaced as a whole: what the command line leaves out
	 * is taken from the update as it stands. */
	st = qt_progress_get(cli->client, in.id, &cur);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	if (o.version == NULL)
		in.expected_version = cur.version;
	in.period_from = o.from != NULL ? o.from : cur.period_from;
	in.period_to = o.to != NULL ? o.to : cur.period_to;
	in.narrative = o.narrative != NULL ? o.narrative : cur.narrative;
	in.events = o.events != NULL ? o.events : cur.events;
	in.participation = o.participation != NULL ? o.participation : cur.participation;
	in.topics = o.topics != NULL ? o.topics : cur.topics;
	if (o.values.n > 0 || o.no_values) {
		in.values = o.values.v;
		in.n_values = o.values.n;
	} else if (cur.n_values > 0) {
		kept = calloc(cur.n_values, sizeof(*kept));
		if (kept == NULL) {
			rc = cmd_oom();
			goto out;
		}
		for (size_t i = 0; i < cur.n_values; i++) {
			kept[i].goal_id = cur.values[i].goal_id;
			kept[i].actual_value = cur.values[i].actual_value;
			kept[i].note = cur.values[i].note;
		}
		in.values = kept;
		in.n_values = cur.n_values;
	}
	st = qt_progress_revise(cli->client, &in, &out);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	rc = cmd_update_print(cli, &out);
	qt_progress_update_clear(&out);
out:
	free(kept);
	qt_progress_update_clear(&cur);
	cmd_values_free(&o.values);
	return rc;
}

/* approve and return. */
static int cmd_update_review(cli_t *cli, args_t *a, qt_review_decision_t decision)
{
	const char *val, *ids = NULL, *version = NULL, *comment = NULL;
	int64_t uid = 0, expected = 0;
	qt_progress_update_t cur, out;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, cmd_update_review_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (id == OPT_VERSION)
			version = val;
		else if (id == OPT_COMMENT)
			comment = val;
		else
			rc = cmd_positional(cli, a, id, val, &ids, CMD_UPDATE);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_UPDATE);
		return CLI_EXIT_OK;
	}
	rc = cmd_update_id_arg(ids, &uid);
	if (rc == CLI_EXIT_OK && version != NULL)
		rc = cmd_version(CMD_UPDATE, version, &expected);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (decision == QT_REVIEW_RETURN && comment == NULL)
		return cli_usage_error(CMD_UPDATE,
		                       _("update return needs --comment (what to change)"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (version == NULL) {
		st = qt_progress_get(cli->client, uid, &cur);
		if (st != QT_OK)
			return cli_fail(cli, st, NULL);
		expected = cur.version;
		qt_progress_update_clear(&cur);
	}
	st = qt_progress_review(cli->client, uid, expected, decision, comment, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_update_print(cli, &out);
	qt_progress_update_clear(&out);
	return rc;
}

static int cmd_update_approve(cli_t *cli, args_t *a)
{
	return cmd_update_review(cli, a, QT_REVIEW_APPROVE);
}

static int cmd_update_return(cli_t *cli, args_t *a)
{
	return cmd_update_review(cli, a, QT_REVIEW_RETURN);
}

static int cmd_update_show(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL;
	int64_t uid = 0;
	qt_progress_update_t u;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cmd_positional(cli, a, id, val, &ids, CMD_UPDATE);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_UPDATE);
		return CLI_EXIT_OK;
	}
	rc = cmd_update_id_arg(ids, &uid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_progress_get(cli->client, uid, &u);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_update_print(cli, &u);
	qt_progress_update_clear(&u);
	return rc;
}

static int cmd_update_list(cli_t *cli, args_t *a)
{
	static const char *const headers[] = {N_("ID"),         N_("PROJECT"), N_("PERIOD"),
	                                      N_("STATE"),      N_("VALUES"),  N_("SUBMITTED BY"),
	                                      N_("REVIEWED BY")};
	const char *val;
	qt_progress_filter_t f;
	qt_progress_update_t *list = NULL;
	size_t n = 0;
	qt_status_t st;
	out_json_t j;
	out_table_t t;
	int id, rc;

	memset(&f, 0, sizeof(f));
	while ((id = args_next(a, cmd_update_list_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_PROJECT:
			rc = cli_parse_id(CMD_UPDATE, N_("project id"), val, &f.project_id);
			break;
		case OPT_STATE:
			f.state = qt_progress_state_parse(val);
			if (f.state == QT_PROGRESS_UNSPECIFIED)
				rc = cli_usage_error(CMD_UPDATE,
				                     _("unknown state '%s' (submitted, "
				                       "approved or returned)"),
				                     val);
			break;
		case OPT_YEAR:
			rc = cmd_year(CMD_UPDATE, val, &f.year);
			break;
		case OPT_LIMIT: {
			int64_t v;

			rc = cli_parse_id(CMD_UPDATE, N_("limit"), val, &v);
			if (rc == CLI_EXIT_OK && v > 100000)
				rc = cli_usage_error(CMD_UPDATE, _("limit too large"));
			f.limit = (uint32_t)v;
			break;
		}
		default:
			rc = cli_other(cli, a, id, val, CMD_UPDATE);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_UPDATE);
		return CLI_EXIT_OK;
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_progress_list(cli->client, &f, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "updates");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_update_json(&j, &list[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		qt_progress_list_free(list, n);
		return CLI_EXIT_OK;
	}
	out_table_init(&t, 7, headers, "rlllrll");
	for (size_t i = 0; i < n; i++) {
		const qt_progress_update_t *u = &list[i];
		char num[24], period[64], nv[24];
		const char *row[7];

		snprintf(num, sizeof(num), "%lld", (long long)u->id);
		snprintf(period, sizeof(period), "%s – %s", u->period_from, u->period_to);
		snprintf(nv, sizeof(nv), "%zu", u->n_values);
		row[0] = num;
		row[1] = u->project_name;
		row[2] = period;
		row[3] = label(LABEL_UPDATE, qt_progress_state_name(u->state));
		row[4] = nv;
		row[5] = u->submitted_by_name;
		row[6] = u->reviewed_by_name;
		out_table_add(&t, row);
	}
	qt_progress_list_free(list, n);
	return cmd_table_done(&t);
}

/* ------------------------------------------------------------ entry points */

typedef struct cmd_sub {
	const char *name;
	int (*run)(cli_t *cli, args_t *a);
} cmd_sub_t;

static int cmd_dispatch(cli_t *cli, args_t *a, const char *command, const cmd_sub_t *subs, size_t n,
                        const char *names)
{
	const char *val;
	int id, rc;

	/* Global options may come before the subcommand. */
	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_POSITIONAL) {
		if (id == ARGS_END)
			break;
		rc = cli_other(cli, a, id, val, command);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (id == ARGS_END) {
		if (cli->help) {
			cli_usage_command(command);
			return CLI_EXIT_OK;
		}
		return cli_usage_error(command, _("missing subcommand (%s)"), names);
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(subs[i].name, val) == 0)
			return subs[i].run(cli, a);
	return cli_usage_error(command, _("unknown subcommand '%s'"), val);
}

int cmd_goal(cli_t *cli, args_t *a)
{
	static const cmd_sub_t subs[] = {
	    {"list", cmd_goal_list},       {"show", cmd_goal_show},
	    {"history", cmd_goal_history}, {"set", cmd_goal_set},
	    {"propose", cmd_goal_propose}, {"accept", cmd_goal_accept},
	    {"retire", cmd_goal_retire},
	};

	return cmd_dispatch(cli, a, CMD_GOAL, subs, sizeof(subs) / sizeof(subs[0]),
	                    _("list, show, history, set, propose, accept or retire"));
}

int cmd_update(cli_t *cli, args_t *a)
{
	static const cmd_sub_t subs[] = {
	    {"submit", cmd_update_submit}, {"show", cmd_update_show},
	    {"list", cmd_update_list},     {"approve", cmd_update_approve},
	    {"return", cmd_update_return}, {"revise", cmd_update_revise},
	};

	return cmd_dispatch(cli, a, CMD_UPDATE, subs, sizeof(subs) / sizeof(subs[0]),
	                    _("submit, show, list, approve, return or revise"));
}

static void cmd_report_json(out_json_t *j, const qt_annual_report_t *r)
{
	const qt_continuation_t *c = &r->continuation;

	out_json_begin_object(j);
	out_json_kv_int(j, "year", r->year);
	out_json_key(j, "project");
	out_json_begin_object(j);
	out_json_kv_int(j, "id", r->project.id);
	out_json_kv_str(j, "name", r->project.name);
	out_json_kv_str(j, "kind", qt_project_kind_name(r->project.kind));
	out_json_kv_str(j, "status", qt_project_status_name(r->project.status));
	out_json_kv_str(j, "district_names", r->project.district_names);
	out_json_kv_strv(j, "quarter_names", r->project.quarter_names, r->project.n_quarter_names);
	out_json_kv_strv(j, "lead_office_names", r->project.lead_office_names,
	                 r->project.n_lead_office_names);
	out_json_kv_str(j, "carrier_name", r->project.carrier_name);
	out_json_end_object(j);
	out_json_key(j, "goals");
	out_json_begin_array(j);
	for (size_t i = 0; i < r->n_goals; i++)
		cmd_goal_json(j, &r->goals[i]);
	out_json_end_array(j);
	out_json_key(j, "updates");
	out_json_begin_array(j);
	for (size_t i = 0; i < r->n_updates; i++)
		cmd_update_json(j, &r->updates[i]);
	out_json_end_array(j);
	out_json_key(j, "funds");
	out_json_begin_array(j);
	for (size_t i = 0; i < r->n_funds; i++) {
		const qt_fund_t *f = &r->funds[i];

		out_json_begin_object(j);
		out_json_kv_int(j, "id", f->id);
		out_json_kv_id(j, "quarter_id", f->quarter_id);
		out_json_kv_str(j, "quarter_name", f->quarter_name);
		out_json_kv_int(j, "allocated_cents", f->allocated_cents);
		out_json_kv_int(j, "committed_cents", f->committed_cents);
		out_json_kv_int(j, "paid_cents", f->paid_cents);
		out_json_kv_int(j, "balance_cents", f->balance_cents);
		out_json_kv_int(j, "available_cents", f->available_cents);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	out_json_key(j, "continuation");
	out_json_begin_object(j);
	out_json_kv_int(j, "version", c->version);
	out_json_kv_str(j, "status",
	                c->version > 0 ? qt_continuation_status_name(c->status) : NULL);
	out_json_kv_str(j, "funding_ends_on", c->funding_ends_on);
	out_json_kv_str(j, "summary", c->summary);
	out_json_key(j, "blocks");
	out_json_begin_array(j);
	for (size_t i = 0; i < c->n_blocks; i++) {
		out_json_begin_object(j);
		out_json_kv_str(j, "block", qt_continuation_block_name(c->blocks[i].block));
		out_json_kv_str(j, "responsible", c->blocks[i].responsible);
		out_json_kv_str(j, "tasks", c->blocks[i].tasks);
		out_json_kv_str(j, "resources", c->blocks[i].resources);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	out_json_end_object(j);
	out_json_kv_id(j, "generated_at", r->generated_at);
	out_json_end_object(j);
}

int cmd_report(cli_t *cli, args_t *a)
{
	const char *val, *project = NULL, *output = NULL;
	int64_t pid = 0;
	int32_t year = 0;
	int html = 0, id, rc, failed;
	qt_annual_report_t r;
	qt_status_t st;
	out_json_t j;
	FILE *f = stdout;

	while ((id = args_next(a, cmd_report_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_YEAR:
			rc = cmd_year(CMD_REPORT, val, &year);
			break;
		case OPT_HTML:
			html = 1;
			break;
		case OPT_OUTPUT:
			output = val;
			break;
		default:
			rc = cmd_positional(cli, a, id, val, &project, CMD_REPORT);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_REPORT);
		return CLI_EXIT_OK;
	}
	if (project == NULL)
		return cli_usage_error(CMD_REPORT, _("missing PROJECT (the project id)"));
	rc = cli_parse_id(CMD_REPORT, N_("project id"), project, &pid);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (year == 0)
		return cli_usage_error(CMD_REPORT, _("missing --year YYYY"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_annual_report(cli->client, pid, year, &r);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (output != NULL) {
		f = fopen(output, "wb");
		if (f == NULL) {
			fprintf(stderr, "quartier: %s: %s\n", output, strerror(errno));
			qt_annual_report_clear(&r);
			return CLI_EXIT_OTHER;
		}
	}
	if (cli->json) {
		out_json_init(&j, f);
		cmd_report_json(&j, &r);
		out_json_finish(&j);
		failed = ferror(f);
	} else {
		failed = (html ? report_html(f, &r) : report_markdown(f, &r)) != 0;
	}
	if (f != stdout && fclose(f) != 0)
		failed = 1;
	qt_annual_report_clear(&r);
	if (failed) {
		if (output != NULL)
			fprintf(stderr, _("quartier: writing %s failed\n"), output);
		else
			fprintf(stderr, _("quartier: writing the report failed\n"));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}
