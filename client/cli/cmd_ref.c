/* `quartier ref ...`: reference data — districts (Stadtbezirke), quarters
 * (Quartiere), offices (Ämter), organisations (Träger). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
#include "output.h"
#include "utf8.h"

enum { OPT_DISTRICT = 1 };

static const args_opt_t cmd_ref_opts[] = {
	{ "district", 1, OPT_DISTRICT },
	{ NULL, 0, 0 },
};

static const struct {
	const char *name;
	qt_ref_kind_t kind;
} cmd_ref_kinds[] = {
	{ "districts", QT_REF_DISTRICT },
	{ "quarters", QT_REF_QUARTER },
	{ "offices", QT_REF_OFFICE },
	{ "organisations", QT_REF_ORGANISATION },
	{ "organizations", QT_REF_ORGANISATION },
};

/* The name of district id in list, or NULL. */
static const char *cmd_ref_name(const qt_ref_t *list, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].id == id)
			return list[i].name;
	return NULL;
}

static void cmd_ref_json(const qt_ref_t *list, size_t n)
{
	out_json_t j;
	size_t i;

	out_json_init(&j, stdout);
	out_json_begin_object(&j);
	out_json_key(&j, "items");
	out_json_begin_array(&j);
	for (i = 0; i < n; i++) {
		out_json_begin_object(&j);
		out_json_kv_int(&j, "id", list[i].id);
		out_json_kv_str(&j, "name", list[i].name);
		out_json_kv_str(&j, "short_name", list[i].short_name);
		out_json_kv_id(&j, "district_id", list[i].district_id);
		out_json_kv_str(&j, "org_type", list[i].org_type);
		out_json_end_object(&j);
	}
	out_json_end_array(&j);
	out_json_end_object(&j);
	out_json_finish(&j);
}

static int cmd_ref_table(qt_ref_kind_t kind, const qt_ref_t *list, size_t n,
                         const qt_ref_t *districts, size_t n_districts)
{
	static const char *const h_short[] = {N_("ID"), N_("NAME"), N_("SHORT")};
	static const char *const h_quarter[] = {N_("ID"), N_("NAME"), N_("DISTRICT")};
	static const char *const h_org[] = {N_("ID"), N_("NAME"), N_("TYPE")};
	char id[24];
	const char *row[3];
	out_table_t t;
	size_t i;
	int rc;

	out_table_init(&t, 3, kind == QT_REF_QUARTER ? h_quarter :
	               kind == QT_REF_ORGANISATION ? h_org : h_short, "rll");
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%lld", (long long)list[i].id);
		row[0] = id;
		row[1] = list[i].name;
		if (kind == QT_REF_QUARTER)
			row[2] = cmd_ref_name(districts, n_districts,
			                      list[i].district_id);
		else if (kind == QT_REF_ORGANISATION)
			row[2] = list[i].org_type != NULL ? label(LABEL_ORG_TYPE, list[i].org_type)
			                                  : NULL;
		else
			row[2] = list[i].short_name;
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

int cmd_ref(cli_t *cli, args_t *a)
{
	const char *val, *sub = NULL, *district = NULL;
	qt_ref_t *list = NULL, *districts = NULL;
	size_t n = 0, n_districts = 0, i;
	int64_t district_id = 0;
	qt_ref_kind_t kind = 0;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, cmd_ref_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == ARGS_POSITIONAL && sub == NULL) {
			sub = val;
		} else if (id == OPT_DISTRICT) {
			district = val;
		} else {
			rc = cli_other(cli, a, id, val, "ref");
			if (rc != CLI_EXIT_OK)
				return rc;
		}
	}
	if (cli->help) {
		cli_usage_command("ref");
		return CLI_EXIT_OK;
	}
	if (sub == NULL)
		return cli_usage_error("ref", _("missing what to list "
		                                "(districts, quarters, offices or organisations)"));
	for (i = 0; i < sizeof(cmd_ref_kinds) / sizeof(cmd_ref_kinds[0]); i++)
		if (strcmp(cmd_ref_kinds[i].name, sub) == 0)
			kind = cmd_ref_kinds[i].kind;
	if (kind == 0)
		return cli_usage_error("ref", _("unknown reference list '%s'"), sub);
	if (district != NULL && kind != QT_REF_QUARTER)
		return cli_usage_error("ref", _("--district only applies to quarters"));
	if (district != NULL && district[0] >= '0' && district[0] <= '9') {
		rc = cli_parse_id("ref", N_("district id"), district, &district_id);
		if (rc != CLI_EXIT_OK)
			return rc;
	}

	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (kind == QT_REF_QUARTER) {
		/* For the DISTRICT column and to find a district by name. */
		st = qt_ref_list(cli->client, QT_REF_DISTRICT, 0, &districts,
		                 &n_districts);
		if (st != QT_OK) {
			rc = cli_fail(cli, st, NULL);
			goto out;
		}
		if (district != NULL && district_id == 0) {
			for (i = 0; i < n_districts; i++)
				if (utf8_casecmp(districts[i].name, district) == 0 ||
				    (districts[i].short_name != NULL &&
				     utf8_casecmp(districts[i].short_name, district) == 0))
					district_id = districts[i].id;
			if (district_id == 0) {
				fprintf(stderr,
				        _("quartier: not found: no district named "
				          "'%s' (see 'quartier ref districts')\n"),
				        district);
				rc = CLI_EXIT_NOT_FOUND;
				goto out;
			}
		}
	}
	st = qt_ref_list(cli->client, kind, district_id, &list, &n);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	if (cli->json) {
		cmd_ref_json(list, n);
		rc = CLI_EXIT_OK;
	} else {
		rc = cmd_ref_table(kind, list, n, districts, n_districts);
	}
out:
	qt_ref_list_free(list, n);
	qt_ref_list_free(districts, n_districts);
	return rc;
}
