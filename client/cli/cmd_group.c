/* `quartier group ...`: the support group (Projektbegleitgruppe) of a
 * project — its members on a day or its whole history, adding a dated
 * membership and ending one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
#include "output.h"

#define CMD "group"
#define CMD_GROUP_ROLES "city_staff, district_head, carrier or civic"

enum {
	OPT_ON = 1,
	OPT_HISTORY,
	OPT_PERSON,
	OPT_ROLE,
	OPT_ON_BEHALF_OF,
	OPT_DEPUTY_OF,
	OPT_FROM,
	OPT_UNTIL,
};

static const args_opt_t cmd_group_members_opts[] = {
	{ "on", 1, OPT_ON },
	{ "history", 0, OPT_HISTORY },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_group_add_opts[] = {
	{ "person", 1, OPT_PERSON },
	{ "role", 1, OPT_ROLE },
	{ "on-behalf-of", 1, OPT_ON_BEHALF_OF },
	{ "deputy-of", 1, OPT_DEPUTY_OF },
	{ "from", 1, OPT_FROM },
	{ "until", 1, OPT_UNTIL },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_group_end_opts[] = {
	{ "until", 1, OPT_UNTIL },
	{ NULL, 0, 0 },
};

/* ------------------------------------------------------------ output */

static void cmd_group_json_membership(out_json_t *j, const qt_membership_t *m)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", m->id);
	out_json_kv_int(j, "project_id", m->project_id);
	out_json_kv_int(j, "person_id", m->person_id);
	out_json_kv_str(j, "role", qt_member_role_name(m->role));
	out_json_kv_id(j, "on_behalf_of_id", m->on_behalf_of_id);
	out_json_kv_str(j, "on_behalf_of_name", m->on_behalf_of_name);
	out_json_kv_id(j, "deputy_of_id", m->deputy_of_id);
	out_json_kv_str(j, "deputy_of_name", m->deputy_of_name);
	out_json_kv_str(j, "start_date", m->start_date);
	out_json_kv_str(j, "end_date", m->end_date);
	out_json_kv_bool(j, "active", m->active);
	out_json_key(j, "person");
	cli_json_person(j, &m->person);
	out_json_kv_id(j, "created_at", m->created_at);
	out_json_kv_id(j, "updated_at", m->updated_at);
	out_json_end_object(j);
}

static int cmd_group_print(cli_t *cli, const qt_membership_t *m)
{
	char num[24], pid[24], role[160], person[1024], behalf[1024], deputy[1024];
	char contact[512];
	out_json_t j;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_group_json_membership(&j, m);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), "%lld", (long long)m->id);
	snprintf(pid, sizeof(pid), "%lld", (long long)m->project_id);
	snprintf(person, sizeof(person), "%s (%lld)", m->person.name != NULL ? m->person.name : "",
	         (long long)m->person_id);
	snprintf(behalf, sizeof(behalf), "%s (%lld)",
	         m->on_behalf_of_name != NULL ? m->on_behalf_of_name : "",
	         (long long)m->on_behalf_of_id);
	snprintf(deputy, sizeof(deputy), "%s (%lld)",
	         m->deputy_of_name != NULL ? m->deputy_of_name : "", (long long)m->deputy_of_id);
	out_kv(stdout, 14, _("id"), num);
	out_kv(stdout, 14, _("project"), pid);
	out_kv(stdout, 14, _("person"), person);
	out_kv(stdout, 14, _("role"),
	       label_pair(role, sizeof(role), LABEL_MEMBER_ROLE, qt_member_role_name(m->role)));
	out_kv(stdout, 14, _("on behalf of"), m->on_behalf_of_id != 0 ? behalf : NULL);
	out_kv(stdout, 14, _("deputy of"), m->deputy_of_id != 0 ? deputy : NULL);
	out_kv(stdout, 14, _("from"), m->start_date);
	out_kv(stdout, 14, _("until"), m->end_date != NULL ? m->end_date : C_("end date", "open"));
	out_kv(stdout, 14, _("active today"), m->active ? _("yes") : _("no"));
	out_kv(stdout, 14, _("contact"), cli_person_contact(contact, sizeof(contact), &m->person));
	return CLI_EXIT_OK;
}

static int cmd_group_table(const qt_group_t *g, int history)
{
	static const char *const headers[] = {
	    N_("ID"),           N_("ROLE"),      N_("PERSON"), N_("OFFICE/ORGANISATION"),
	    N_("ON BEHALF OF"), N_("DEPUTY OF"), N_("FROM"),   N_("UNTIL"),
	    N_("CONTACT"),      N_("ACTIVE"),
	};
	const char *row[10];
	char id[24], contact[512];
	out_table_t t;
	int rc;

	if (history)
		printf(_("Support group (Projektbegleitgruppe) of project %lld, all periods; "
		         "ACTIVE on %s:\n"),
		       (long long)g->project_id, g->on_date);
	else
		printf(_("Support group (Projektbegleitgruppe) of project %lld, members on %s:\n"),
		       (long long)g->project_id, g->on_date);
	out_table_init(&t, history ? 10 : 9, headers, "rllllllll");
	for (size_t i = 0; i < g->n_members; i++) {
		const qt_membership_t *m = &g->members[i];

		snprintf(id, sizeof(id), "%lld", (long long)m->id);
		row[0] = id;
		row[1] = label(LABEL_MEMBER_ROLE, qt_member_role_name(m->role));
		row[2] = m->person.name;
		row[3] = cli_person_affiliation(&m->person);
		row[4] = m->on_behalf_of_name;
		row[5] = m->deputy_of_name;
		row[6] = m->start_date;
		row[7] = m->end_date != NULL ? m->end_date : C_("end date", "open");
		row[8] = cli_person_contact(contact, sizeof(contact), &m->person);
		row[9] = m->active ? _("yes") : _("no");
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

/* ------------------------------------------------------------ members */

static int cmd_group_members(cli_t *cli, args_t *a)
{
	const char *val, *project = NULL, *on = NULL;
	int64_t pid = 0;
	int history = 0, id, rc;
	qt_group_t g;
	qt_status_t st;
	out_json_t j;

	while ((id = args_next(a, cmd_group_members_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && project == NULL) {
			project = val;
		} else if (id == OPT_ON) {
			on = val;
		} else if (id == OPT_HISTORY) {
			history = 1;
		} else {
			rc = cli_other(cli, a, id, val, CMD);
			if (rc != CLI_EXIT_OK)
				return rc;
		}
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (project == NULL)
		return cli_usage_error(CMD, _("missing PROJECT (the project id)"));
	rc = cli_parse_id(CMD, N_("project id"), project, &pid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_group_members(cli->client, pid, on, history, &g);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_int(&j, "project_id", g.project_id);
		out_json_kv_str(&j, "on_date", g.on_date);
		out_json_key(&j, "memberships");
		out_json_begin_array(&j);
		for (size_t i = 0; i < g.n_members; i++)
			cmd_group_json_membership(&j, &g.members[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
	} else {
		rc = cmd_group_table(&g, history);
	}
	qt_group_clear(&g);
	return rc;
}

/* ------------------------------------------------------------ add */

static int cmd_group_add(cli_t *cli, args_t *a)
{
	const char *val, *project = NULL, *role = NULL;
	qt_membership_new_t in;
	qt_membership_t out;
	qt_status_t st;
	int id, rc;

	memset(&in, 0, sizeof(in));
	while ((id = args_next(a, cmd_group_add_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case ARGS_POSITIONAL:
			if (project == NULL)
				project = val;
			else
				rc = cli_usage_error(CMD, _("unexpected argument '%s'"), val);
			break;
		case OPT_PERSON:
			rc = cli_parse_id(CMD, N_("person id"), val, &in.person_id);
			break;
		case OPT_ROLE:
			role = val;
			break;
		case OPT_ON_BEHALF_OF:
			rc = cli_parse_id(CMD, N_("organisation id"), val, &in.on_behalf_of_id);
			break;
		case OPT_DEPUTY_OF:
			rc = cli_parse_id(CMD, N_("person id"), val, &in.deputy_of_id);
			break;
		case OPT_FROM:
			in.start_date = val;
			break;
		case OPT_UNTIL:
			in.end_date = val;
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
	if (project == NULL)
		return cli_usage_error(CMD, _("missing PROJECT (the project id)"));
	rc = cli_parse_id(CMD, N_("project id"), project, &in.project_id);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (in.person_id == 0)
		return cli_usage_error(CMD, _("missing --person"));
	if (role == NULL)
		return cli_usage_error(CMD, _("missing --role (%s)"), CMD_GROUP_ROLES);
	in.role = qt_member_role_parse(role);
	if (in.role == QT_MEMBER_UNSPECIFIED)
		return cli_usage_error(CMD, _("unknown role '%s' (%s)"), role, CMD_GROUP_ROLES);
	if (in.start_date == NULL)
		return cli_usage_error(CMD, _("missing --from YYYY-MM-DD"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_membership_add(cli->client, &in, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_group_print(cli, &out);
	qt_membership_clear(&out);
	return rc;
}

/* ------------------------------------------------------------ end */

static int cmd_group_end(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL, *until = NULL;
	qt_membership_t out;
	int64_t mid = 0;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, cmd_group_end_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && ids == NULL) {
			ids = val;
		} else if (id == OPT_UNTIL) {
			until = val;
		} else {
			rc = cli_other(cli, a, id, val, CMD);
			if (rc != CLI_EXIT_OK)
				return rc;
		}
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (ids == NULL)
		return cli_usage_error(CMD, _("missing MEMBERSHIP_ID"));
	rc = cli_parse_id(CMD, N_("membership id"), ids, &mid);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (until == NULL)
		return cli_usage_error(CMD, _("missing --until YYYY-MM-DD"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_membership_end(cli->client, mid, until, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_group_print(cli, &out);
	qt_membership_clear(&out);
	return rc;
}

int cmd_group(cli_t *cli, args_t *a)
{
	static const struct {
		const char *name;
		int (*run)(cli_t *cli, args_t *a);
	} subs[] = {
		{ "members", cmd_group_members },
		{ "add", cmd_group_add },
		{ "end", cmd_group_end },
	};
	const char *val;
	int id, rc;

	/* Global options may come before the subcommand. */
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
		return cli_usage_error(CMD, _("missing subcommand (members, add or end)"));
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, val) == 0)
			return subs[i].run(cli, a);
	return cli_usage_error(CMD, _("unknown subcommand '%s'"), val);
}
