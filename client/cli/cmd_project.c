/* `quartier project ...`: quarter projects (Quartiersprojekte) — list with
 * filters and paging, show, create, partial update and lifecycle
 * transitions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
#include "output.h"

#define CMD "project"

enum {
	OPT_DISTRICT = 1,
	OPT_QUARTER,
	OPT_KIND,
	OPT_STATUS,
	OPT_LEAD_OFFICE,
	OPT_LIMIT,
	OPT_AFTER,
	OPT_ALL,
	OPT_NAME,
	OPT_CARRIER,
	OPT_NO_CARRIER,
	OPT_COORDINATOR,
	OPT_NO_COORDINATORS,
	OPT_START,
	OPT_NO_START,
	OPT_END,
	OPT_NO_END,
	OPT_DESCRIPTION,
	OPT_VERSION,
	OPT_REASON,
};

static const args_opt_t cmd_project_list_opts[] = {
	{ "district", 1, OPT_DISTRICT },
	{ "quarter", 1, OPT_QUARTER },
	{ "kind", 1, OPT_KIND },
	{ "status", 1, OPT_STATUS },
	{ "lead-office", 1, OPT_LEAD_OFFICE },
	{ "limit", 1, OPT_LIMIT },
	{ "after", 1, OPT_AFTER },
	{ "all", 0, OPT_ALL },
	{ NULL, 0, 0 },
};

/* Options of create and update; create refuses the update-only ones. */
static const args_opt_t cmd_project_edit_opts[] = {
	{ "name", 1, OPT_NAME },
	{ "kind", 1, OPT_KIND },
	{ "quarter", 1, OPT_QUARTER },
	{ "lead-office", 1, OPT_LEAD_OFFICE },
	{ "carrier", 1, OPT_CARRIER },
	{ "no-carrier", 0, OPT_NO_CARRIER },
	{ "coordinator", 1, OPT_COORDINATOR },
	{ "no-coordinators", 0, OPT_NO_COORDINATORS },
	{ "start", 1, OPT_START },
	{ "no-start", 0, OPT_NO_START },
	{ "end", 1, OPT_END },
	{ "no-end", 0, OPT_NO_END },
	{ "description", 1, OPT_DESCRIPTION },
	{ "version", 1, OPT_VERSION },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_project_transition_opts[] = {
	{ "reason", 1, OPT_REASON },
	{ "version", 1, OPT_VERSION },
	{ NULL, 0, 0 },
};

/* ------------------------------------------------------------ output */

static void cmd_project_json(out_json_t *j, const qt_project_t *p)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", p->id);
	out_json_kv_int(j, "version", p->version);
	out_json_kv_str(j, "name", p->name);
	out_json_kv_str(j, "kind", qt_project_kind_name(p->kind));
	out_json_kv_str(j, "status", qt_project_status_name(p->status));
	out_json_kv_ids(j, "quarter_ids", p->quarter_ids, p->n_quarter_ids);
	out_json_kv_strv(j, "quarter_names", p->quarter_names, p->n_quarter_names);
	out_json_kv_ids(j, "lead_office_ids", p->lead_office_ids,
	                p->n_lead_office_ids);
	out_json_kv_strv(j, "lead_office_names", p->lead_office_names,
	                 p->n_lead_office_names);
	out_json_kv_id(j, "carrier_id", p->carrier_id);
	out_json_kv_str(j, "carrier_name", p->carrier_name);
	out_json_kv_ids(j, "coordinator_ids", p->coordinator_ids,
	                p->n_coordinator_ids);
	out_json_kv_str(j, "start_date", p->start_date);
	out_json_kv_str(j, "end_date", p->end_date);
	out_json_kv_str(j, "description", p->description);
	out_json_kv_str(j, "district_names", p->district_names);
	out_json_kv_id(j, "created_at", p->created_at);
	out_json_kv_id(j, "updated_at", p->updated_at);
	out_json_end_object(j);
}

static int cmd_project_print(cli_t *cli, const qt_project_t *p)
{
	char num[24], ver[24], kind[96], status[64], t1[32], t2[32];
	char *quarters, *offices, *coords, *carrier = NULL;
	out_json_t j;
	int rc = CLI_EXIT_OK;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_project_json(&j, p);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	quarters = out_join(p->quarter_ids, p->n_quarter_ids, p->quarter_names,
	                    p->n_quarter_names, 1);
	offices = out_join(p->lead_office_ids, p->n_lead_office_ids,
	                   p->lead_office_names, p->n_lead_office_names, 1);
	coords = out_join(p->coordinator_ids, p->n_coordinator_ids, NULL, 0, 0);
	if (p->carrier_id != 0) {
		char *names[1] = { p->carrier_name };

		carrier = out_join(&p->carrier_id, 1, names,
		                   p->carrier_name != NULL ? 1 : 0, 1);
	}
	if (quarters == NULL || offices == NULL || coords == NULL ||
	    (p->carrier_id != 0 && carrier == NULL)) {
		fprintf(stderr, _("quartier: out of memory\n"));
		rc = CLI_EXIT_OTHER;
		goto out;
	}
	snprintf(num, sizeof(num), "%lld", (long long)p->id);
	snprintf(ver, sizeof(ver), "%lld", (long long)p->version);
	out_kv(stdout, 12, _("id"), num);
	out_kv(stdout, 12, _("name"), p->name);
	out_kv(stdout, 12, _("kind"),
	       label_pair(kind, sizeof(kind), LABEL_PROJECT_KIND, qt_project_kind_name(p->kind)));
	out_kv(stdout, 12, _("status"),
	       label_pair(status, sizeof(status), LABEL_PROJECT_STATUS,
	                  qt_project_status_name(p->status)));
	out_kv(stdout, 12, _("version"), ver);
	out_kv(stdout, 12, _("districts"), p->district_names);
	out_kv(stdout, 12, _("quarters"), quarters);
	out_kv(stdout, 12, _("lead offices"), offices);
	out_kv(stdout, 12, _("carrier"), carrier);
	out_kv(stdout, 12, _("coordinators"), coords);
	out_kv(stdout, 12, _("start"), p->start_date);
	out_kv(stdout, 12, _("end"), p->end_date);
	out_kv(stdout, 12, _("created"), out_time(t1, sizeof(t1), p->created_at));
	out_kv(stdout, 12, _("updated"), out_time(t2, sizeof(t2), p->updated_at));
	out_kv(stdout, 12, _("description"), p->description);
out:
	free(quarters);
	free(offices);
	free(coords);
	free(carrier);
	return rc;
}

static int cmd_project_table(const qt_project_t *list, size_t n)
{
	static const char *const headers[] = {
	    N_("ID"),       N_("NAME"),     N_("KIND"),        N_("STATUS"),
	    N_("DISTRICT"), N_("QUARTERS"), N_("LEAD OFFICE"), N_("CARRIER"),
	};
	const char *row[8];
	char id[24];
	char *quarters, *offices;
	out_table_t t;
	size_t i;
	int rc;

	out_table_init(&t, 8, headers, "rlllllll");
	for (i = 0; i < n; i++) {
		const qt_project_t *p = &list[i];

		quarters = out_join(p->quarter_ids, p->n_quarter_ids,
		                    p->quarter_names, p->n_quarter_names, 0);
		offices = out_join(p->lead_office_ids, p->n_lead_office_ids,
		                   p->lead_office_names, p->n_lead_office_names, 0);
		snprintf(id, sizeof(id), "%lld", (long long)p->id);
		row[0] = id;
		row[1] = p->name;
		row[2] = label(LABEL_PROJECT_KIND, qt_project_kind_name(p->kind));
		row[3] = label(LABEL_PROJECT_STATUS, qt_project_status_name(p->status));
		row[4] = p->district_names;
		row[5] = quarters;
		row[6] = offices;
		row[7] = p->carrier_name;
		if (quarters == NULL || offices == NULL)
			t.failed = 1;
		else
			out_table_add(&t, row);
		free(quarters);
		free(offices);
	}
	rc = out_table_print(&t, stdout);
	out_table_free(&t);
	if (rc != 0) {
		fprintf(stderr, _("quartier: out of memory\n"));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ parsing */

static int cmd_project_kind(const char *s, qt_project_kind_t *out)
{
	*out = qt_project_kind_parse(s);
	if (*out == QT_KIND_UNSPECIFIED)
		return cli_usage_error(
		    CMD, _("unknown project kind '%s' (comprehensive or focused)"), s);
	return CLI_EXIT_OK;
}

static int cmd_project_status(const char *s, qt_project_status_t *out)
{
	*out = qt_project_status_parse(s);
	if (*out == QT_PSTATUS_UNSPECIFIED)
		return cli_usage_error(CMD,
		                       _("unknown status '%s' (application, assessment, "
		                         "approved, running, evaluation, continued, ended)"),
		                       s);
	return CLI_EXIT_OK;
}

/* A version number: 0 or more. */
static int cmd_project_version(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return cli_usage_error(CMD, _("invalid version '%s'"), s);
	*out = (int64_t)v;
	return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ list */

/* Page fetcher and free function for cli_collect_pages(). */
static qt_status_t cmd_project_page(cli_t *cli, void *ctx, int64_t after, void **page,
                                    size_t *n, int64_t *next)
{
	qt_project_filter_t *f = ctx;

	f->after_id = after;
	return qt_project_list(cli->client, f, (qt_project_t **)page, n, next);
}

static void cmd_project_page_free(void *list, size_t n)
{
	qt_project_list_free(list, n);
}

static int cmd_project_list(cli_t *cli, args_t *a)
{
	qt_project_filter_t f;
	qt_project_t *all = NULL;
	size_t n_all = 0, i;
	int64_t next = 0, v;
	const char *val;
	int fetch_all = 0, id, rc;
	out_json_t j;

	memset(&f, 0, sizeof(f));
	while ((id = args_next(a, cmd_project_list_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_DISTRICT:
			/* A number is an id; anything else a name the server
			 * matches case-insensitively. */
			if (val[0] >= '0' && val[0] <= '9')
				rc = cli_parse_id(CMD, N_("district id"), val, &f.district_id);
			else
				f.district = val;
			break;
		case OPT_QUARTER:
			rc = cli_parse_id(CMD, N_("quarter id"), val, &f.quarter_id);
			break;
		case OPT_KIND:
			rc = cmd_project_kind(val, &f.kind);
			break;
		case OPT_STATUS:
			rc = cmd_project_status(val, &f.status);
			break;
		case OPT_LEAD_OFFICE:
			rc = cli_parse_id(CMD, N_("office id"), val, &f.lead_office_id);
			break;
		case OPT_LIMIT:
			rc = cli_parse_id(CMD, N_("limit"), val, &v);
			if (rc == CLI_EXIT_OK && v > 100000)
				rc = cli_usage_error(CMD, _("limit too large"));
			f.page_size = (uint32_t)v;
			break;
		case OPT_AFTER:
			rc = cli_parse_id(CMD, N_("project id"), val, &f.after_id);
			break;
		case OPT_ALL:
			fetch_all = 1;
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (!cli_start(cli, CMD, &rc))
		return rc;

	rc = cli_collect_pages(cli, cmd_project_page, &f, sizeof(*all), cmd_project_page_free,
	                       fetch_all, f.after_id, (void **)&all, &n_all, &next);
	if (rc != CLI_EXIT_OK)
		return rc;

	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "projects");
		out_json_begin_array(&j);
		for (i = 0; i < n_all; i++)
			cmd_project_json(&j, &all[i]);
		out_json_end_array(&j);
		out_json_kv_id(&j, "next_after_id", next);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else {
		rc = cmd_project_table(all, n_all);
		if (rc == CLI_EXIT_OK && next != 0)
			fprintf(stderr, _("More projects: add --after %lld, or --all.\n"),
			        (long long)next);
	}
	qt_project_list_free(all, n_all);
	return rc;
}

/* ------------------------------------------------------------ show */

/* Reads the one positional ID of show; returns an exit code. */
static int cmd_project_show(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL;
	qt_project_t p;
	int64_t pid = 0;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && ids == NULL) {
			ids = val;
			continue;
		}
		rc = cli_other(cli, a, id, val, CMD);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (ids == NULL)
		return cli_usage_error(CMD, _("missing project ID"));
	rc = cli_parse_id(CMD, N_("project id"), ids, &pid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_project_get(cli->client, pid, &p);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_project_print(cli, &p);
	qt_project_clear(&p);
	return rc;
}

/* ------------------------------------------------------------ create/update */

/* What create and update collect from the command line. */
typedef struct cmd_project_edit {
	const char *id;          /* update: the positional ID */
	const char *name;
	qt_project_kind_t kind;
	cli_ids_t quarters, offices, coordinators;
	int no_coordinators;
	const char *carrier;
	int no_carrier;
	const char *start, *end, *description;
	int no_start, no_end;
	const char *version;
} cmd_project_edit_t;

static int cmd_project_edit_parse(cli_t *cli, args_t *a, int update,
                                  cmd_project_edit_t *e)
{
	const char *val;
	int id, rc;

	while ((id = args_next(a, cmd_project_edit_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (!update && (id == OPT_NO_CARRIER || id == OPT_NO_COORDINATORS ||
		                id == OPT_NO_START || id == OPT_NO_END ||
		                id == OPT_VERSION))
			return cli_usage_error(CMD, _("--version and the --no-* options "
			                              "are only for project update"));
		switch (id) {
		case ARGS_POSITIONAL:
			if (update && e->id == NULL)
				e->id = val;
			else
				rc = cli_usage_error(CMD, _("unexpected argument '%s'"), val);
			break;
		case OPT_NAME:
			e->name = val;
			break;
		case OPT_KIND:
			rc = cmd_project_kind(val, &e->kind);
			break;
		case OPT_QUARTER:
			rc = cli_ids_add(&e->quarters, CMD, N_("quarter id"), val);
			break;
		case OPT_LEAD_OFFICE:
			rc = cli_ids_add(&e->offices, CMD, N_("office id"), val);
			break;
		case OPT_COORDINATOR:
			rc = cli_ids_add(&e->coordinators, CMD, N_("coordinator id"), val);
			break;
		case OPT_NO_COORDINATORS:
			e->no_coordinators = 1;
			break;
		case OPT_CARRIER:
			e->carrier = val;
			break;
		case OPT_NO_CARRIER:
			e->no_carrier = 1;
			break;
		case OPT_START:
			e->start = val;
			break;
		case OPT_NO_START:
			e->no_start = 1;
			break;
		case OPT_END:
			e->end = val;
			break;
		case OPT_NO_END:
			e->no_end = 1;
			break;
		case OPT_DESCRIPTION:
			e->description = val;
			break;
		case OPT_VERSION:
			e->version = val;
			break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (e->carrier != NULL && e->no_carrier)
		return cli_usage_error(CMD, _("--carrier and --no-carrier exclude each other"));
	if (e->start != NULL && e->no_start)
		return cli_usage_error(CMD, _("--start and --no-start exclude each other"));
	if (e->end != NULL && e->no_end)
		return cli_usage_error(CMD, _("--end and --no-end exclude each other"));
	if (e->coordinators.n > 0 && e->no_coordinators)
		return cli_usage_error(CMD, _("--coordinator and --no-coordinators "
		                              "exclude each other"));
	return CLI_EXIT_OK;
}

static void cmd_project_edit_free(cmd_project_edit_t *e)
{
	cli_ids_free(&e->quarters);
	cli_ids_free(&e->offices);
	cli_ids_free(&e->coordinators);
}

static int cmd_project_create(cli_t *cli, args_t *a)
{
	cmd_project_edit_t e;
	qt_project_new_t in;
	qt_project_t out;
	qt_status_t st;
	int rc;

	memset(&e, 0, sizeof(e));
	memset(&in, 0, sizeof(in));
	rc = cmd_project_edit_parse(cli, a, 0, &e);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->help) {
		cli_usage_command(CMD);
		goto out;
	}
	if (e.name == NULL)
		rc = cli_usage_error(CMD, _("missing --name"));
	else if (e.kind == QT_KIND_UNSPECIFIED)
		rc = cli_usage_error(CMD, _("missing --kind (comprehensive or focused)"));
	else if (e.quarters.n == 0)
		rc = cli_usage_error(CMD, _("missing --quarter (at least one quarter)"));
	else if (e.offices.n == 0)
		rc = cli_usage_error(CMD, _("missing --lead-office (at least one office)"));
	if (rc != CLI_EXIT_OK)
		goto out;
	if (e.carrier != NULL) {
		rc = cli_parse_id(CMD, N_("carrier id"), e.carrier, &in.carrier_id);
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	in.name = e.name;
	in.kind = e.kind;
	in.quarter_ids = e.quarters.v;
	in.n_quarter_ids = e.quarters.n;
	in.lead_office_ids = e.offices.v;
	in.n_lead_office_ids = e.offices.n;
	in.coordinator_ids = e.coordinators.v;
	in.n_coordinator_ids = e.coordinators.n;
	in.start_date = e.start;
	in.end_date = e.end;
	in.description = e.description;

	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	st = qt_project_create(cli->client, &in, &out);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	rc = cmd_project_print(cli, &out);
	qt_project_clear(&out);
out:
	cmd_project_edit_free(&e);
	return rc;
}

/* The version to send: --version if given, else the current one read from
 * the server (the server still refuses the change if another one lands in
 * between). */
static int cmd_project_expected(cli_t *cli, int64_t pid, const char *version,
                                int64_t *out)
{
	qt_project_t cur;
	qt_status_t st;

	if (version != NULL)
		return cmd_project_version(version, out);
	if (qt_client_is_offline(cli->client) && cli->store != NULL) {
		/* Offline, the change is based on the version the replica
		 * holds; if someone changed it meanwhile, the replay says
		 * conflict and `quartier outbox` shows both. */
		st = qt_store_project_get(cli->store, pid, &cur);
		if (st != QT_OK) {
			fprintf(stderr, "quartier: %s\n", qt_store_last_error(cli->store)->message);
			return cli_exit_code(st);
		}
		*out = cur.version;
		qt_project_clear(&cur);
		return CLI_EXIT_OK;
	}
	st = qt_project_get(cli->client, pid, &cur);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	*out = cur.version;
	qt_project_clear(&cur);
	return CLI_EXIT_OK;
}

static int cmd_project_update(cli_t *cli, args_t *a)
{
	cmd_project_edit_t e;
	qt_project_patch_t patch;
	qt_project_t out;
	qt_status_t st;
	int rc;

	memset(&e, 0, sizeof(e));
	memset(&patch, 0, sizeof(patch));
	rc = cmd_project_edit_parse(cli, a, 1, &e);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->help) {
		cli_usage_command(CMD);
		goto out;
	}
	if (e.id == NULL) {
		rc = cli_usage_error(CMD, _("missing project ID"));
		goto out;
	}
	rc = cli_parse_id(CMD, N_("project id"), e.id, &patch.id);
	if (rc == CLI_EXIT_OK && e.version != NULL)
		rc = cmd_project_version(e.version, &patch.expected_version);
	if (rc == CLI_EXIT_OK && e.carrier != NULL)
		rc = cli_parse_id(CMD, N_("carrier id"), e.carrier, &patch.carrier_id);
	if (rc != CLI_EXIT_OK)
		goto out;
	patch.name = e.name;
	patch.kind = e.kind;
	if (e.quarters.n > 0) {
		patch.set_quarter_ids = 1;
		patch.quarter_ids = e.quarters.v;
		patch.n_quarter_ids = e.quarters.n;
	}
	if (e.offices.n > 0) {
		patch.set_lead_office_ids = 1;
		patch.lead_office_ids = e.offices.v;
		patch.n_lead_office_ids = e.offices.n;
	}
	if (e.coordinators.n > 0 || e.no_coordinators) {
		patch.set_coordinator_ids = 1;
		patch.coordinator_ids = e.coordinators.v;
		patch.n_coordinator_ids = e.coordinators.n;
	}
	patch.set_carrier_id = e.carrier != NULL || e.no_carrier;
	patch.start_date = e.no_start ? "" : e.start;
	patch.end_date = e.no_end ? "" : e.end;
	patch.description = e.description;
	if (patch.name == NULL && patch.kind == QT_KIND_UNSPECIFIED &&
	    !patch.set_quarter_ids && !patch.set_lead_office_ids &&
	    !patch.set_coordinator_ids && !patch.set_carrier_id &&
	    patch.start_date == NULL && patch.end_date == NULL &&
	    patch.description == NULL) {
		rc = cli_usage_error(CMD, _("nothing to update"));
		goto out;
	}

	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (e.version == NULL) {
		rc = cmd_project_expected(cli, patch.id, NULL, &patch.expected_version);
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	st = qt_project_update(cli->client, &patch, &out);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	rc = cmd_project_print(cli, &out);
	qt_project_clear(&out);
out:
	cmd_project_edit_free(&e);
	return rc;
}

/* ------------------------------------------------------------ transition */

static int cmd_project_transition(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL, *status = NULL, *reason = NULL;
	const char *version = NULL;
	qt_project_status_t to = QT_PSTATUS_UNSPECIFIED;
	int64_t pid = 0, expected = 0;
	qt_project_t out;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, cmd_project_transition_opts, cli_global_opts,
	                       &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && ids == NULL) {
			ids = val;
		} else if (id == ARGS_POSITIONAL && status == NULL) {
			status = val;
		} else if (id == OPT_REASON) {
			reason = val;
		} else if (id == OPT_VERSION) {
			version = val;
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
	if (ids == NULL || status == NULL)
		return cli_usage_error(CMD, _("usage: quartier project transition ID STATUS"));
	rc = cli_parse_id(CMD, N_("project id"), ids, &pid);
	if (rc == CLI_EXIT_OK)
		rc = cmd_project_status(status, &to);
	if (rc == CLI_EXIT_OK && version != NULL)
		rc = cmd_project_version(version, &expected);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (version == NULL) {
		rc = cmd_project_expected(cli, pid, NULL, &expected);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	st = qt_project_transition(cli->client, pid, expected, to, reason, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_project_print(cli, &out);
	qt_project_clear(&out);
	return rc;
}

int cmd_project(cli_t *cli, args_t *a)
{
	static const struct {
		const char *name;
		int (*run)(cli_t *cli, args_t *a);
	} subs[] = {
		{ "list", cmd_project_list },
		{ "show", cmd_project_show },
		{ "create", cmd_project_create },
		{ "update", cmd_project_update },
		{ "transition", cmd_project_transition },
	};
	const char *val;
	size_t i;
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
		return cli_usage_error(CMD, _("missing subcommand "
		                              "(list, show, create, update or transition)"));
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, val) == 0)
			return subs[i].run(cli, a);
	return cli_usage_error(CMD, _("unknown subcommand '%s'"), val);
}
