/* `quartier person ...`: persons (Personen) with or without an account —
 * list, show, create and partial update.  Contact data is shown only
 * when the server sent it; otherwise the table says "(hidden)" and JSON
 * leaves the fields out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "output.h"

#define CMD "person"

enum {
	OPT_NAME = 1,
	OPT_FUNCTION,
	OPT_NO_FUNCTION,
	OPT_OFFICE,
	OPT_NO_OFFICE,
	OPT_ORGANISATION,
	OPT_NO_ORGANISATION,
	OPT_EMAIL,
	OPT_NO_EMAIL,
	OPT_PHONE,
	OPT_NO_PHONE,
	OPT_ACCOUNT,
	OPT_NO_ACCOUNT,
	OPT_VERSION,
	OPT_LIMIT,
	OPT_AFTER,
	OPT_ALL,
};

static const args_opt_t cmd_person_list_opts[] = {
	{ "name", 1, OPT_NAME },
	{ "office", 1, OPT_OFFICE },
	{ "organisation", 1, OPT_ORGANISATION },
	{ "organization", 1, OPT_ORGANISATION },
	{ "limit", 1, OPT_LIMIT },
	{ "after", 1, OPT_AFTER },
	{ "all", 0, OPT_ALL },
	{ NULL, 0, 0 },
};

/* Options of create and update; create refuses the update-only ones. */
static const args_opt_t cmd_person_edit_opts[] = {
	{ "name", 1, OPT_NAME },
	{ "function", 1, OPT_FUNCTION },
	{ "no-function", 0, OPT_NO_FUNCTION },
	{ "office", 1, OPT_OFFICE },
	{ "no-office", 0, OPT_NO_OFFICE },
	{ "organisation", 1, OPT_ORGANISATION },
	{ "organization", 1, OPT_ORGANISATION },
	{ "no-organisation", 0, OPT_NO_ORGANISATION },
	{ "email", 1, OPT_EMAIL },
	{ "no-email", 0, OPT_NO_EMAIL },
	{ "phone", 1, OPT_PHONE },
	{ "no-phone", 0, OPT_NO_PHONE },
	{ "account", 1, OPT_ACCOUNT },
	{ "no-account", 0, OPT_NO_ACCOUNT },
	{ "version", 1, OPT_VERSION },
	{ NULL, 0, 0 },
};

/* ------------------------------------------------------------ output */

void cli_json_person(struct out_json *j, const qt_person_t *p)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", p->id);
	out_json_kv_int(j, "version", p->version);
	out_json_kv_str(j, "name", p->name);
	out_json_kv_str(j, "function", p->function);
	out_json_kv_id(j, "office_id", p->office_id);
	out_json_kv_str(j, "office_name", p->office_name);
	out_json_kv_id(j, "organisation_id", p->organisation_id);
	out_json_kv_str(j, "organisation_name", p->organisation_name);
	out_json_kv_id(j, "account_id", p->account_id);
	out_json_kv_bool(j, "contact_visible", p->contact_visible);
	/* Like the protocol: contact fields only when they were shown. */
	if (p->contact_visible) {
		out_json_kv_str(j, "email", p->email);
		out_json_kv_str(j, "phone", p->phone);
	}
	out_json_kv_id(j, "created_at", p->created_at);
	out_json_kv_id(j, "updated_at", p->updated_at);
	out_json_end_object(j);
}

const char *cli_person_contact(char *buf, size_t len, const qt_person_t *p)
{
	if (!p->contact_visible)
		return _("(hidden)");
	if (p->email == NULL && p->phone == NULL)
		return NULL;
	snprintf(buf, len, "%s%s%s", p->email != NULL ? p->email : "",
	         p->email != NULL && p->phone != NULL ? ", " : "",
	         p->phone != NULL ? p->phone : "");
	return buf;
}

const char *cli_person_affiliation(const qt_person_t *p)
{
	return p->office_name != NULL ? p->office_name : p->organisation_name;
}

static int cmd_person_print(cli_t *cli, const qt_person_t *p)
{
	char num[24], ver[24], acct[24], office[1024], org[1024], t1[32], t2[32];
	const char *hidden = p->contact_visible ? NULL : _("(hidden)");
	out_json_t j;

	if (cli->json) {
		out_json_init(&j, stdout);
		cli_json_person(&j, p);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), "%lld", (long long)p->id);
	snprintf(ver, sizeof(ver), "%lld", (long long)p->version);
	snprintf(acct, sizeof(acct), "%lld", (long long)p->account_id);
	snprintf(office, sizeof(office), "%s (%lld)", p->office_name != NULL ? p->office_name : "",
	         (long long)p->office_id);
	snprintf(org, sizeof(org), "%s (%lld)",
	         p->organisation_name != NULL ? p->organisation_name : "",
	         (long long)p->organisation_id);
	out_kv(stdout, 14, _("id"), num);
	out_kv(stdout, 14, _("name"), p->name);
	out_kv(stdout, 14, _("function"), p->function);
	out_kv(stdout, 14, _("office"), p->office_id != 0 ? office : NULL);
	out_kv(stdout, 14, _("organisation"), p->organisation_id != 0 ? org : NULL);
	out_kv(stdout, 14, _("account"), p->account_id != 0 ? acct : NULL);
	out_kv(stdout, 14, _("email"), hidden != NULL ? hidden : p->email);
	out_kv(stdout, 14, _("phone"), hidden != NULL ? hidden : p->phone);
	out_kv(stdout, 14, _("version"), ver);
	out_kv(stdout, 14, _("created"), out_time(t1, sizeof(t1), p->created_at));
	out_kv(stdout, 14, _("updated"), out_time(t2, sizeof(t2), p->updated_at));
	return CLI_EXIT_OK;
}

static int cmd_person_table(const qt_person_t *list, size_t n)
{
	static const char *const headers[] = {
	    N_("ID"),      N_("NAME"),    N_("FUNCTION"), N_("OFFICE/ORGANISATION"),
	    N_("ACCOUNT"), N_("CONTACT"),
	};
	const char *row[6];
	char id[24], acct[24], contact[512];
	out_table_t t;
	int rc;

	out_table_init(&t, 6, headers, "rlllrl");
	for (size_t i = 0; i < n; i++) {
		const qt_person_t *p = &list[i];

		snprintf(id, sizeof(id), "%lld", (long long)p->id);
		snprintf(acct, sizeof(acct), "%lld", (long long)p->account_id);
		row[0] = id;
		row[1] = p->name;
		row[2] = p->function;
		row[3] = cli_person_affiliation(p);
		row[4] = p->account_id != 0 ? acct : NULL;
		row[5] = cli_person_contact(contact, sizeof(contact), p);
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

/* ------------------------------------------------------------ list */

/* Page fetcher and free function for cli_collect_pages(). */
static qt_status_t cmd_person_page(cli_t *cli, void *ctx, int64_t after, void **page,
                                  size_t *n, int64_t *next)
{
	qt_person_filter_t *f = ctx;

	f->after_id = after;
	return qt_person_list(cli->client, f, (qt_person_t **)page, n, next);
}

static void cmd_person_page_free(void *list, size_t n)
{
	qt_person_list_free(list, n);
}

static int cmd_person_list(cli_t *cli, args_t *a)
{
	qt_person_filter_t f;
	qt_person_t *all = NULL;
	size_t n_all = 0;
	int64_t next = 0, v;
	const char *val;
	int fetch_all = 0, id, rc;
	out_json_t j;

	memset(&f, 0, sizeof(f));
	while ((id = args_next(a, cmd_person_list_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case OPT_NAME:
			f.name = val;
			break;
		case OPT_OFFICE:
			rc = cli_parse_id(CMD, N_("office id"), val, &f.office_id);
			break;
		case OPT_ORGANISATION:
			rc = cli_parse_id(CMD, N_("organisation id"), val, &f.organisation_id);
			break;
		case OPT_LIMIT:
			rc = cli_parse_id(CMD, N_("limit"), val, &v);
			if (rc == CLI_EXIT_OK && v > 100000)
				rc = cli_usage_error(CMD, _("limit too large"));
			f.page_size = (uint32_t)v;
			break;
		case OPT_AFTER:
			rc = cli_parse_id(CMD, N_("person id"), val, &f.after_id);
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
	rc = cli_collect_pages(cli, cmd_person_page, &f, sizeof(*all), cmd_person_page_free,
	                       fetch_all, f.after_id, (void **)&all, &n_all, &next);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "persons");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n_all; i++)
			cli_json_person(&j, &all[i]);
		out_json_end_array(&j);
		out_json_kv_id(&j, "next_after_id", fetch_all ? 0 : next);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else {
		rc = cmd_person_table(all, n_all);
		if (rc == CLI_EXIT_OK && !fetch_all && next != 0)
			fprintf(stderr, _("More persons: add --after %lld, or --all.\n"),
			        (long long)next);
	}
	qt_person_list_free(all, n_all);
	return rc;
}

/* ------------------------------------------------------------ show */

static int cmd_person_show(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL;
	qt_person_t p;
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
		return cli_usage_error(CMD, _("missing person ID"));
	rc = cli_parse_id(CMD, N_("person id"), ids, &pid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_person_get(cli->client, pid, &p);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_person_print(cli, &p);
	qt_person_clear(&p);
	return rc;
}

/* ------------------------------------------------------------ create/update */

/* What create and update collect from the command line. */
typedef struct cmd_person_edit {
	const char *id;        /* update: the positional ID */
	const char *name, *function, *email, *phone, *version;
	const char *office, *organisation, *account;
	int no_function, no_office, no_organisation, no_email, no_phone, no_account;
} cmd_person_edit_t;

static int cmd_person_edit_parse(cli_t *cli, args_t *a, int update, cmd_person_edit_t *e)
{
	const char *val;
	int id, rc;

	while ((id = args_next(a, cmd_person_edit_opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		if (!update && (id == OPT_NO_FUNCTION || id == OPT_NO_OFFICE ||
		                id == OPT_NO_ORGANISATION || id == OPT_NO_EMAIL ||
		                id == OPT_NO_PHONE || id == OPT_NO_ACCOUNT || id == OPT_VERSION))
			return cli_usage_error(CMD, _("--version and the --no-* options "
			                              "are only for person update"));
		switch (id) {
		case ARGS_POSITIONAL:
			if (update && e->id == NULL)
				e->id = val;
			else
				rc = cli_usage_error(CMD, _("unexpected argument '%s'"), val);
			break;
		case OPT_NAME: e->name = val; break;
		case OPT_FUNCTION: e->function = val; break;
		case OPT_NO_FUNCTION: e->no_function = 1; break;
		case OPT_OFFICE: e->office = val; break;
		case OPT_NO_OFFICE: e->no_office = 1; break;
		case OPT_ORGANISATION: e->organisation = val; break;
		case OPT_NO_ORGANISATION: e->no_organisation = 1; break;
		case OPT_EMAIL: e->email = val; break;
		case OPT_NO_EMAIL: e->no_email = 1; break;
		case OPT_PHONE: e->phone = val; break;
		case OPT_NO_PHONE: e->no_phone = 1; break;
		case OPT_ACCOUNT: e->account = val; break;
		case OPT_NO_ACCOUNT: e->no_account = 1; break;
		case OPT_VERSION: e->version = val; break;
		default:
			rc = cli_other(cli, a, id, val, CMD);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if ((e->function != NULL && e->no_function) || (e->office != NULL && e->no_office) ||
	    (e->organisation != NULL && e->no_organisation) ||
	    (e->email != NULL && e->no_email) || (e->phone != NULL && e->no_phone) ||
	    (e->account != NULL && e->no_account))
		return cli_usage_error(CMD, _("an option and its --no-* form exclude each other"));
	return CLI_EXIT_OK;
}

static int cmd_person_create(cli_t *cli, args_t *a)
{
	cmd_person_edit_t e;
	qt_person_new_t in;
	qt_person_t out;
	qt_status_t st;
	int rc;

	memset(&e, 0, sizeof(e));
	memset(&in, 0, sizeof(in));
	rc = cmd_person_edit_parse(cli, a, 0, &e);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (e.name == NULL)
		return cli_usage_error(CMD, _("missing --name"));
	if (e.office != NULL)
		rc = cli_parse_id(CMD, N_("office id"), e.office, &in.office_id);
	if (rc == CLI_EXIT_OK && e.organisation != NULL)
		rc = cli_parse_id(CMD, N_("organisation id"), e.organisation, &in.organisation_id);
	if (rc == CLI_EXIT_OK && e.account != NULL)
		rc = cli_parse_id(CMD, N_("account id"), e.account, &in.account_id);
	if (rc != CLI_EXIT_OK)
		return rc;
	in.name = e.name;
	in.function = e.function;
	in.email = e.email;
	in.phone = e.phone;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_person_create(cli->client, &in, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_person_print(cli, &out);
	qt_person_clear(&out);
	return rc;
}

/* A version number: 0 or more. */
static int cmd_person_version(const char *s, int64_t *out)
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

/* An id option of update: --x ID sets it, --no-x clears it (0). */
static int cmd_person_patch_id(const char *val, int clear, const char *what, int *set,
                               int64_t *id)
{
	*set = val != NULL || clear;
	if (val == NULL)
		return CLI_EXIT_OK;
	return cli_parse_id(CMD, what, val, id);
}

static int cmd_person_update(cli_t *cli, args_t *a)
{
	cmd_person_edit_t e;
	qt_person_patch_t patch;
	qt_person_t out, cur;
	qt_status_t st;
	int rc;

	memset(&e, 0, sizeof(e));
	memset(&patch, 0, sizeof(patch));
	rc = cmd_person_edit_parse(cli, a, 1, &e);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (cli->help) {
		cli_usage_command(CMD);
		return CLI_EXIT_OK;
	}
	if (e.id == NULL)
		return cli_usage_error(CMD, _("missing person ID"));
	rc = cli_parse_id(CMD, N_("person id"), e.id, &patch.id);
	if (rc == CLI_EXIT_OK && e.version != NULL)
		rc = cmd_person_version(e.version, &patch.expected_version);
	if (rc == CLI_EXIT_OK)
		rc = cmd_person_patch_id(e.office, e.no_office, N_("office id"),
		                         &patch.set_office_id, &patch.office_id);
	if (rc == CLI_EXIT_OK)
		rc = cmd_person_patch_id(e.organisation, e.no_organisation, N_("organisation id"),
		                         &patch.set_organisation_id, &patch.organisation_id);
	if (rc == CLI_EXIT_OK)
		rc = cmd_person_patch_id(e.account, e.no_account, N_("account id"),
		                         &patch.set_account_id, &patch.account_id);
	if (rc != CLI_EXIT_OK)
		return rc;
	patch.name = e.name;
	patch.function = e.no_function ? "" : e.function;
	patch.email = e.no_email ? "" : e.email;
	patch.phone = e.no_phone ? "" : e.phone;
	if (patch.name == NULL && patch.function == NULL && patch.email == NULL &&
	    patch.phone == NULL && !patch.set_office_id && !patch.set_organisation_id &&
	    !patch.set_account_id)
		return cli_usage_error(CMD, _("nothing to update"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (e.version == NULL) {
		/* The current version; the server still refuses a change made
		 * on top of someone else's. */
		st = qt_person_get(cli->client, patch.id, &cur);
		if (st != QT_OK)
			return cli_fail(cli, st, NULL);
		patch.expected_version = cur.version;
		qt_person_clear(&cur);
	}
	st = qt_person_update(cli->client, &patch, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_person_print(cli, &out);
	qt_person_clear(&out);
	return rc;
}

int cmd_person(cli_t *cli, args_t *a)
{
	static const struct {
		const char *name;
		int (*run)(cli_t *cli, args_t *a);
	} subs[] = {
		{ "list", cmd_person_list },
		{ "show", cmd_person_show },
		{ "create", cmd_person_create },
		{ "update", cmd_person_update },
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
		return cli_usage_error(CMD, _("missing subcommand (list, show, create or update)"));
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, val) == 0)
			return subs[i].run(cli, a);
	return cli_usage_error(CMD, _("unknown subcommand '%s'"), val);
}
