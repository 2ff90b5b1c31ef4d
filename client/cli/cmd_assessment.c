/* `quartier criteria`, `quartier assess`, `quartier assessment ...` and
 * `quartier continuation ...`: the criteria catalogue of the annex
 * Bewertungskriterien, recording and reading quality assessments of
 * projects, and continuation plans (Verstetigung) with the projects whose
 * funding ends without one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "label.h"
#include "output.h"

#define CMD_CRITERIA     "criteria"
#define CMD_ASSESS       "assess"
#define CMD_ASSESSMENT   "assessment"
#define CMD_CONTINUATION "continuation"
#define CMD_FILE_MAX     (4u * 1024u * 1024u) /* bytes of a ratings file */

enum {
	OPT_VERSION = 1,
	OPT_SECTION,
	OPT_PHASE,
	OPT_RATE,
	OPT_FILE,
	OPT_DATE,
	OPT_SUMMARY,
	OPT_CATALOGUE_VERSION,
	OPT_RATINGS,
	OPT_FUNDING_ENDS,
	OPT_NO_FUNDING_END,
	OPT_NO_SUMMARY,
	OPT_BLOCK,
	OPT_RESPONSIBLE,
	OPT_TASKS,
	OPT_RESOURCES,
	OPT_NO_BLOCKS,
	OPT_MONTHS,
};

static const args_opt_t cmd_criteria_opts[] = {
	{ "version", 1, OPT_VERSION },
	{ "section", 1, OPT_SECTION },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_assess_opts[] = {
	{ "phase", 1, OPT_PHASE },
	{ "rate", 1, OPT_RATE },
	{ "file", 1, OPT_FILE },
	{ "date", 1, OPT_DATE },
	{ "summary", 1, OPT_SUMMARY },
	{ "catalogue-version", 1, OPT_CATALOGUE_VERSION },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_assessment_show_opts[] = {
	{ "ratings", 0, OPT_RATINGS },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_continuation_set_opts[] = {
	{ "version", 1, OPT_VERSION },
	{ "funding-ends", 1, OPT_FUNDING_ENDS },
	{ "no-funding-end", 0, OPT_NO_FUNDING_END },
	{ "summary", 1, OPT_SUMMARY },
	{ "no-summary", 0, OPT_NO_SUMMARY },
	{ "block", 1, OPT_BLOCK },
	{ "responsible", 1, OPT_RESPONSIBLE },
	{ "tasks", 1, OPT_TASKS },
	{ "resources", 1, OPT_RESOURCES },
	{ "no-blocks", 0, OPT_NO_BLOCKS },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_continuation_due_opts[] = {
	{ "months", 1, OPT_MONTHS },
	{ NULL, 0, 0 },
};

/* ------------------------------------------------------------ helpers */

static int cmd_oom(void)
{
	fprintf(stderr, _("quartier: out of memory\n"));
	return CLI_EXIT_OTHER;
}

/* Prints and frees a table; returns the exit code. */
static int cmd_table_done(out_table_t *t)
{
	int rc = out_table_print(t, stdout);

	out_table_free(t);
	return rc != 0 ? cmd_oom() : CLI_EXIT_OK;
}

/* Parses a positive number of at most max; what is an N_() literal. */
static int cmd_parse_u32(const char *command, const char *what, const char *s, uint32_t max,
                         uint32_t *out)
{
	int64_t v = 0;
	int rc = cli_parse_id(command, what, s, &v);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (v > (int64_t)max)
		return cli_usage_error(command, _("%s must be at most %u"), _(what), max);
	*out = (uint32_t)v;
	return CLI_EXIT_OK;
}

/* Handles the positional and the options every subcommand shares:
 * exactly one positional (*pos); other options go to cli_other(). */
static int cmd_positional(cli_t *cli, args_t *a, int id, const char *val, const char **pos,
                          const char *command)
{
	if (id == ARGS_POSITIONAL && *pos == NULL) {
		*pos = val;
		return CLI_EXIT_OK;
	}
	return cli_other(cli, a, id, val, command);
}

/* The criterion text with the annex heading it continues, in buf. */
static const char *cmd_criterion_text(char *buf, size_t len, const qt_criterion_t *c)
{
	size_t l;

	if (c->lead_in == NULL)
		return c->text;
	l = strlen(c->lead_in);
	snprintf(buf, len, "%s%s%s", c->lead_in,
	         l > 0 && (c->lead_in[l - 1] == ':' || c->lead_in[l - 1] == '.') ? " " : ": ",
	         c->text);
	return buf;
}

/* "required" or "enhancing" in the user's language. */
static const char *cmd_criterion_type(const qt_criterion_t *c)
{
	return c->required ? C_("criterion type", "required") : C_("criterion type", "enhancing");
}

static void cmd_json_criterion(out_json_t *j, const qt_criterion_t *c)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", c->id);
	out_json_kv_int(j, "version", c->version);
	out_json_kv_int(j, "section", c->section);
	out_json_kv_str(j, "column", qt_criterion_column_name(c->column));
	out_json_kv_bool(j, "required", c->required);
	out_json_kv_int(j, "position", c->position);
	out_json_kv_str(j, "lead_in", c->lead_in);
	out_json_kv_str(j, "text", c->text);
	out_json_kv_bool(j, "na_allowed", c->na_allowed);
	out_json_kv_id(j, "one_of", c->one_of);
	out_json_end_object(j);
}

/* ------------------------------------------------------------ criteria */

static int cmd_criteria_print(cli_t *cli, const qt_catalogue_t *cat, uint32_t section)
{
	static const char *const headers[] = {N_("ID"), N_("COLUMN"), N_("TYPE"), N_("CRITERION")};
	char text[4096];
	const char *row[4];
	char id[24];
	out_json_t j;
	int rc = CLI_EXIT_OK;

	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_int(&j, "version", cat->version);
		out_json_kv_str(&j, "title", cat->title);
		out_json_kv_str(&j, "source", cat->source);
		out_json_key(&j, "versions");
		out_json_begin_array(&j);
		for (size_t i = 0; i < cat->n_versions; i++)
			out_json_int(&j, cat->versions[i]);
		out_json_end_array(&j);
		out_json_key(&j, "sections");
		out_json_begin_array(&j);
		for (size_t i = 0; i < cat->n_sections; i++) {
			out_json_begin_object(&j);
			out_json_kv_int(&j, "section", cat->sections[i].section);
			out_json_kv_str(&j, "title", cat->sections[i].title);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_key(&j, "criteria");
		out_json_begin_array(&j);
		for (size_t i = 0; i < cat->n_criteria; i++)
			if (section == 0 || cat->criteria[i].section == section)
				cmd_json_criterion(&j, &cat->criteria[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	printf(_("%s (catalogue version %u)\n"), cat->title, cat->version);
	if (cat->source != NULL)
		printf(_("Source: %s\n"), cat->source);
	printf(
	    _("TYPE required: a basic requirement for every project (printed plain in the annex);\n"
	      "     enhancing: quality-enhancing, mainly for comprehensive developments "
	      "(italic).\n"));
	for (size_t s = 0; s < cat->n_sections && rc == CLI_EXIT_OK; s++) {
		out_table_t t;

		if (section != 0 && cat->sections[s].section != section)
			continue;
		printf("\n%u. %s\n", cat->sections[s].section, cat->sections[s].title);
		out_table_init(&t, 4, headers, "rlll");
		for (size_t i = 0; i < cat->n_criteria; i++) {
			const qt_criterion_t *c = &cat->criteria[i];

			if (c->section != cat->sections[s].section)
				continue;
			snprintf(id, sizeof(id), "%lld", (long long)c->id);
			row[0] = id;
			row[1] = label(LABEL_COLUMN, qt_criterion_column_name(c->column));
			row[2] = cmd_criterion_type(c);
			row[3] = cmd_criterion_text(text, sizeof(text), c);
			out_table_add(&t, row);
		}
		rc = cmd_table_done(&t);
	}
	return rc;
}

int cmd_criteria(cli_t *cli, args_t *a)
{
	const char *val;
	uint32_t version = 0, section = 0;
	qt_catalogue_t cat;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, cmd_criteria_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == OPT_VERSION)
			rc = cmd_parse_u32(CMD_CRITERIA, N_("version"), val, 1000000, &version);
		else if (id == OPT_SECTION)
			rc = cmd_parse_u32(CMD_CRITERIA, N_("section"), val, 7, &section);
		else
			rc = cli_other(cli, a, id, val, CMD_CRITERIA);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_CRITERIA);
		return CLI_EXIT_OK;
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_criteria_list(cli->client, version, &cat);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_criteria_print(cli, &cat, section);
	qt_catalogue_clear(&cat);
	return rc;
}

/* ------------------------------------------------------------ assessment output */

static void cmd_json_assessment(out_json_t *j, const qt_assessment_t *x, int full)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", x->id);
	out_json_kv_int(j, "project_id", x->project_id);
	out_json_kv_str(j, "project_name", x->project_name);
	out_json_kv_str(j, "phase", qt_assessment_phase_name(x->phase));
	out_json_kv_int(j, "catalogue_version", x->catalogue_version);
	out_json_kv_id(j, "assessor_id", x->assessor_id);
	out_json_kv_str(j, "assessor_name", x->assessor_name);
	out_json_kv_str(j, "assessed_on", x->assessed_on);
	out_json_kv_str(j, "summary", x->summary);
	out_json_kv_id(j, "created_at", x->created_at);
	out_json_kv_bool(j, "required_met", x->required_met);
	out_json_kv_ids(j, "missing_ids", x->missing_ids, x->n_missing_ids);
	out_json_kv_int(j, "required_total", x->required_total);
	out_json_kv_int(j, "enhancing_total", x->enhancing_total);
	out_json_kv_int(j, "enhancing_met", x->enhancing_met);
	out_json_kv_int(j, "rated", x->rated);
	if (full) {
		out_json_key(j, "ratings");
		out_json_begin_array(j);
		for (size_t i = 0; i < x->n_ratings; i++) {
			out_json_begin_object(j);
			out_json_kv_int(j, "criterion_id", x->ratings[i].criterion_id);
			out_json_kv_str(j, "rating", qt_rating_name(x->ratings[i].rating));
			out_json_kv_str(j, "note", x->ratings[i].note);
			out_json_end_object(j);
		}
		out_json_end_array(j);
		out_json_key(j, "missing");
		out_json_begin_array(j);
		for (size_t i = 0; i < x->n_missing; i++)
			cmd_json_criterion(j, &x->missing[i]);
		out_json_end_array(j);
	}
	out_json_end_object(j);
}

static const qt_rating_entry_t *cmd_rating_of(const qt_assessment_t *x, int64_t criterion)
{
	for (size_t i = 0; i < x->n_ratings; i++)
		if (x->ratings[i].criterion_id == criterion)
			return &x->ratings[i];
	return NULL;
}

/* "all required criteria met" or "N required criteria missing". */
static const char *cmd_result(char *buf, size_t len, const qt_assessment_t *x)
{
	if (x->required_met)
		snprintf(buf, len, "%s", _("all required criteria met"));
	else
		snprintf(buf, len,
		         ngettext("%zu required criterion not met", "%zu required criteria not met",
		                  x->n_missing_ids),
		         x->n_missing_ids);
	return buf;
}

/* Prints an assessment; cat (may be NULL) gives the texts of all ratings. */
static int cmd_assessment_print(cli_t *cli, const qt_assessment_t *x, const qt_catalogue_t *cat)
{
	static const char *const mheaders[] = {N_("ID"),     N_("§"),         N_("COLUMN"),
	                                       N_("RATING"), N_("CRITERION"), N_("NOTE")};
	static const char *const rheaders[] = {
	    N_("ID"), N_("§"), N_("COLUMN"), N_("TYPE"), N_("RATING"), N_("CRITERION"), N_("NOTE")};
	char buf[4096], num[24], sec[8], project[1024], by[1024], result[160], counts[160];
	const char *row[7];
	out_table_t t;
	out_json_t j;
	int rc;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_json_assessment(&j, x, 1);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), "%lld", (long long)x->id);
	snprintf(project, sizeof(project), "%s (%lld)", x->project_name != NULL ? x->project_name : "",
	         (long long)x->project_id);
	if (x->assessor_id != 0)
		snprintf(by, sizeof(by), "%s (%lld)", x->assessor_name != NULL ? x->assessor_name : "",
		         (long long)x->assessor_id);
	else
		snprintf(by, sizeof(by), "%s", _("(recorded on the host)"));
	snprintf(counts, sizeof(counts),
	         _("%u of %u required fulfilled; quality-enhancing %u of %u met; %u rated"),
	         x->required_total - (uint32_t)x->n_missing_ids, x->required_total,
	         x->enhancing_met, x->enhancing_total, x->rated);
	snprintf(buf, sizeof(buf), "%u", x->catalogue_version);
	out_kv(stdout, 12, _("id"), num);
	out_kv(stdout, 12, _("project"), project);
	out_kv(stdout, 12, _("phase"), label(LABEL_PHASE, qt_assessment_phase_name(x->phase)));
	out_kv(stdout, 12, _("assessed on"), x->assessed_on);
	out_kv(stdout, 12, _("assessor"), by);
	out_kv(stdout, 12, _("catalogue"), buf);
	out_kv(stdout, 12, _("result"), cmd_result(result, sizeof(result), x));
	out_kv(stdout, 12, _("counts"), counts);
	out_kv(stdout, 12, _("summary"), x->summary);
	if (x->n_missing > 0) {
		printf(_("\nRequired criteria not met (Grundvoraussetzungen):\n"));
		out_table_init(&t, 6, mheaders, "rrllll");
		for (size_t i = 0; i < x->n_missing; i++) {
			const qt_criterion_t *c = &x->missing[i];
			const qt_rating_entry_t *e = cmd_rating_of(x, c->id);

			snprintf(num, sizeof(num), "%lld", (long long)c->id);
			snprintf(sec, sizeof(sec), "%u", c->section);
			row[0] = num;
			row[1] = sec;
			row[2] = label(LABEL_COLUMN, qt_criterion_column_name(c->column));
			row[3] = e != NULL ? label(LABEL_RATING, qt_rating_name(e->rating))
			                   : _("not rated");
			row[4] = cmd_criterion_text(buf, sizeof(buf), c);
			row[5] = e != NULL ? e->note : NULL;
			out_table_add(&t, row);
		}
		rc = cmd_table_done(&t);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cat == NULL)
		return CLI_EXIT_OK;
	printf(_("\nRatings:\n"));
	out_table_init(&t, 7, rheaders, "rrllllll");
	for (size_t i = 0; i < cat->n_criteria; i++) {
		const qt_criterion_t *c = &cat->criteria[i];
		const qt_rating_entry_t *e = cmd_rating_of(x, c->id);

		snprintf(num, sizeof(num), "%lld", (long long)c->id);
		snprintf(sec, sizeof(sec), "%u", c->section);
		row[0] = num;
		row[1] = sec;
		row[2] = label(LABEL_COLUMN, qt_criterion_column_name(c->column));
		row[3] = cmd_criterion_type(c);
		row[4] = e != NULL ? label(LABEL_RATING, qt_rating_name(e->rating)) : "-";
		row[5] = cmd_criterion_text(buf, sizeof(buf), c);
		row[6] = e != NULL ? e->note : NULL;
		out_table_add(&t, row);
	}
	return cmd_table_done(&t);
}

/* ------------------------------------------------------------ assess */

/* The ratings given on the command line or in a file. */
typedef struct cmd_rates {
	qt_rating_new_t *v;  /* owned; notes borrowed from argv or buf */
	size_t n, cap;
	char *buf;           /* owned: the ratings file, split in place */
} cmd_rates_t;

static void cmd_rates_free(cmd_rates_t *r)
{
	free(r->v);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* Parses "ID=RATING[:NOTE]" and appends it (the note points into s);
 * where names the source for messages ("--rate", "FILE line N"). */
static int cmd_rates_add(cmd_rates_t *r, const char *s, const char *where)
{
	char idbuf[32], rbuf[32];
	const char *eq = strchr(s, '='), *colon;
	qt_rating_new_t e;
	size_t l;
	int64_t id = 0;
	int rc;

	if (eq == NULL || (size_t)(eq - s) >= sizeof(idbuf))
		return cli_usage_error(
		    CMD_ASSESS, _("%s: expected ID=met|not_met|na[:note], got '%s'"), where, s);
	memcpy(idbuf, s, (size_t)(eq - s));
	idbuf[eq - s] = '\0';
	rc = cli_parse_id(CMD_ASSESS, N_("criterion id"), idbuf, &id);
	if (rc != CLI_EXIT_OK)
		return rc;
	colon = strchr(eq + 1, ':');
	l = colon != NULL ? (size_t)(colon - eq - 1) : strlen(eq + 1);
	if (l >= sizeof(rbuf))
		l = sizeof(rbuf) - 1;
	memcpy(rbuf, eq + 1, l);
	rbuf[l] = '\0';
	memset(&e, 0, sizeof(e));
	e.criterion_id = id;
	e.rating = qt_rating_parse(rbuf);
	if (e.rating == QT_RATING_UNSPECIFIED)
		return cli_usage_error(CMD_ASSESS, _("%s: rating '%s' is not met, not_met or na"),
		                       where, rbuf);
	e.note = colon != NULL ? colon + 1 : NULL;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		qt_rating_new_t *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return cmd_oom();
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = e;
	return CLI_EXIT_OK;
}

/* Reads a ratings file ("-": standard input): one ID=RATING[:NOTE] per
 * line; empty lines and lines starting with '#' are skipped. */
static int cmd_rates_file(cmd_rates_t *r, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	size_t len = 0, got;
	char where[64], *line, *next;
	unsigned lineno = 0;
	int rc = CLI_EXIT_OK;

	if (f == NULL) {
		fprintf(stderr, "quartier: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if (r->buf != NULL) {
		rc = cli_usage_error(CMD_ASSESS, _("--file may be given once"));
		goto out;
	}
	r->buf = malloc(CMD_FILE_MAX + 1);
	if (r->buf == NULL) {
		rc = cmd_oom();
		goto out;
	}
	while ((got = fread(r->buf + len, 1, CMD_FILE_MAX - len, f)) > 0)
		len += got;
	if (ferror(f)) {
		fprintf(stderr, _("quartier: %s: read error\n"), path);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (len == CMD_FILE_MAX) {
		rc = cli_usage_error(CMD_ASSESS, _("%s is larger than 4 MiB"), path);
		goto out;
	}
	r->buf[len] = '\0';
	for (line = r->buf; line != NULL && rc == CLI_EXIT_OK; line = next) {
		char *end;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		end = line + strlen(line);
		while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		snprintf(where, sizeof(where), _("%s line %u"), path, lineno);
		rc = cmd_rates_add(r, line, where);
	}
out:
	if (f != stdin)
		fclose(f);
	return rc;
}

int cmd_assess(cli_t *cli, args_t *a)
{
	const char *val, *project = NULL;
	qt_assessment_new_t in;
	qt_assessment_t out;
	cmd_rates_t rates;
	qt_status_t st;
	int id, rc = CLI_EXIT_OK;

	memset(&in, 0, sizeof(in));
	memset(&rates, 0, sizeof(rates));
	while ((id = args_next(a, cmd_assess_opts, cli_global_opts, &val)) != ARGS_END) {
		switch (id) {
		case OPT_PHASE:
			in.phase = qt_assessment_phase_parse(val);
			if (in.phase == QT_PHASE_UNSPECIFIED)
				rc = cli_usage_error(CMD_ASSESS, _("phase must be application, "
				                                   "continued_funding or running"));
			break;
		case OPT_RATE:
			rc = cmd_rates_add(&rates, val, "--rate");
			break;
		case OPT_FILE:
			rc = cmd_rates_file(&rates, val);
			break;
		case OPT_DATE:
			in.assessed_on = val;
			break;
		case OPT_SUMMARY:
			in.summary = val;
			break;
		case OPT_CATALOGUE_VERSION:
			rc = cmd_parse_u32(CMD_ASSESS, N_("catalogue version"), val, 1000000,
			                   &in.catalogue_version);
			break;
		default:
			rc = cmd_positional(cli, a, id, val, &project, CMD_ASSESS);
			break;
		}
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	if (cli->help) {
		cli_usage_command(CMD_ASSESS);
		goto out;
	}
	if (project == NULL) {
		rc = cli_usage_error(CMD_ASSESS, _("missing PROJECT (the project id)"));
		goto out;
	}
	rc = cli_parse_id(CMD_ASSESS, N_("project id"), project, &in.project_id);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (in.phase == QT_PHASE_UNSPECIFIED) {
		rc = cli_usage_error(CMD_ASSESS, _("missing --phase"));
		goto out;
	}
	if (rates.n == 0) {
		rc = cli_usage_error(CMD_ASSESS,
		                     _("no ratings: give --rate ID=RATING or --file FILE"));
		goto out;
	}
	in.ratings = rates.v;
	in.n_ratings = rates.n;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	st = qt_assessment_create(cli->client, &in, &out);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	rc = cmd_assessment_print(cli, &out, NULL);
	qt_assessment_clear(&out);
out:
	cmd_rates_free(&rates);
	return rc;
}

/* ------------------------------------------------------------ assessment show|list */

static int cmd_assessment_show(cli_t *cli, args_t *a)
{
	const char *val, *ids = NULL;
	int all = 0, id, rc;
	qt_assessment_t x;
	qt_catalogue_t cat;
	int64_t aid = 0;
	qt_status_t st;

	while ((id = args_next(a, cmd_assessment_show_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == OPT_RATINGS) {
			all = 1;
			continue;
		}
		rc = cmd_positional(cli, a, id, val, &ids, CMD_ASSESSMENT);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_ASSESSMENT);
		return CLI_EXIT_OK;
	}
	if (ids == NULL)
		return cli_usage_error(CMD_ASSESSMENT, _("missing assessment ID"));
	rc = cli_parse_id(CMD_ASSESSMENT, N_("assessment id"), ids, &aid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_assessment_get(cli->client, aid, &x);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	memset(&cat, 0, sizeof(cat));
	if (all && !cli->json) {
		/* The texts of every criterion of the assessment's version. */
		st = qt_criteria_list(cli->client, x.catalogue_version, &cat);
		if (st != QT_OK) {
			rc = cli_fail(cli, st, NULL);
			goto out;
		}
	}
	rc = cmd_assessment_print(cli, &x, all && !cli->json ? &cat : NULL);
out:
	qt_catalogue_clear(&cat);
	qt_assessment_clear(&x);
	return rc;
}

static int cmd_assessment_list(cli_t *cli, args_t *a)
{
	static const char *const headers[] = {N_("ID"),           N_("PHASE"),    N_("ASSESSED ON"),
	                                      N_("CATALOGUE"),    N_("ASSESSOR"), N_("RESULT"),
	                                      N_("ENHANCING MET")};
	const char *val, *project = NULL, *row[7];
	char num[24], ver[24], result[160], enh[48];
	qt_assessment_t *list = NULL;
	size_t n = 0;
	int64_t pid = 0;
	qt_status_t st;
	out_table_t t;
	out_json_t j;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cmd_positional(cli, a, id, val, &project, CMD_ASSESSMENT);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_ASSESSMENT);
		return CLI_EXIT_OK;
	}
	if (project == NULL)
		return cli_usage_error(CMD_ASSESSMENT, _("missing PROJECT (the project id)"));
	rc = cli_parse_id(CMD_ASSESSMENT, N_("project id"), project, &pid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_assessment_list(cli->client, pid, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_int(&j, "project_id", pid);
		out_json_key(&j, "assessments");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_json_assessment(&j, &list[i], 0);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
		goto out;
	}
	out_table_init(&t, 7, headers, "rllrlll");
	for (size_t i = 0; i < n; i++) {
		const qt_assessment_t *x = &list[i];

		snprintf(num, sizeof(num), "%lld", (long long)x->id);
		snprintf(ver, sizeof(ver), "%u", x->catalogue_version);
		snprintf(enh, sizeof(enh), _("%u of %u"), x->enhancing_met, x->enhancing_total);
		row[0] = num;
		row[1] = label(LABEL_PHASE, qt_assessment_phase_name(x->phase));
		row[2] = x->assessed_on;
		row[3] = ver;
		row[4] = x->assessor_id != 0 ? x->assessor_name : _("(host)");
		row[5] = cmd_result(result, sizeof(result), x);
		row[6] = enh;
		out_table_add(&t, row);
	}
	rc = cmd_table_done(&t);
out:
	qt_assessment_list_free(list, n);
	return rc;
}

/* Runs the subcommand named next in a from subs; names lists them for a
 * message (translated). */
typedef struct cmd_sub {
	const char *name;
	int (*run)(cli_t *cli, args_t *a);
} cmd_sub_t;

static int cmd_dispatch(cli_t *cli, args_t *a, const char *command, const cmd_sub_t *subs,
                        size_t n, const char *names)
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

int cmd_assessment(cli_t *cli, args_t *a)
{
	static const cmd_sub_t subs[] = {
		{ "show", cmd_assessment_show },
		{ "list", cmd_assessment_list },
	};

	return cmd_dispatch(cli, a, CMD_ASSESSMENT, subs, sizeof(subs) / sizeof(subs[0]),
	                    _("show or list"));
}

/* ------------------------------------------------------------ continuation */

static int cmd_continuation_print(cli_t *cli, const qt_continuation_t *p)
{
	static const char *const headers[] = {N_("BLOCK"), N_("RESPONSIBLE"), N_("TASKS"),
	                                      N_("RESOURCES")};
	char num[24], ver[24], by[24], project[1024], block[160], t1[32];
	const char *row[4];
	out_table_t t;
	out_json_t j;

	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_int(&j, "project_id", p->project_id);
		out_json_kv_str(&j, "project_name", p->project_name);
		out_json_kv_str(&j, "project_end_date", p->project_end_date);
		out_json_kv_int(&j, "version", p->version);
		out_json_kv_str(&j, "status", qt_continuation_status_name(p->status));
		out_json_kv_str(&j, "funding_ends_on", p->funding_ends_on);
		out_json_kv_str(&j, "summary", p->summary);
		out_json_key(&j, "blocks");
		out_json_begin_array(&j);
		for (size_t i = 0; i < p->n_blocks; i++) {
			out_json_begin_object(&j);
			out_json_kv_str(&j, "block", qt_continuation_block_name(p->blocks[i].block));
			out_json_kv_str(&j, "responsible", p->blocks[i].responsible);
			out_json_kv_str(&j, "tasks", p->blocks[i].tasks);
			out_json_kv_str(&j, "resources", p->blocks[i].resources);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_kv_id(&j, "updated_by", p->updated_by);
		out_json_kv_id(&j, "updated_at", p->updated_at);
		out_json_end_object(&j);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), "%lld", (long long)p->project_id);
	snprintf(project, sizeof(project), "%s (%s)", p->project_name != NULL ? p->project_name : "",
	         num);
	snprintf(ver, sizeof(ver), "%lld", (long long)p->version);
	snprintf(by, sizeof(by), "%lld", (long long)p->updated_by);
	out_kv(stdout, 16, _("project"), project);
	if (p->version == 0) {
		out_kv(stdout, 16, _("plan"), _("none yet (Verstetigungsstrategie fehlt)"));
		out_kv(stdout, 16, _("project ends"), p->project_end_date);
		return CLI_EXIT_OK;
	}
	out_kv(stdout, 16, _("status"),
	       label(LABEL_CONTINUATION, qt_continuation_status_name(p->status)));
	out_kv(stdout, 16, _("funding ends"), p->funding_ends_on);
	out_kv(stdout, 16, _("project ends"), p->project_end_date);
	out_kv(stdout, 16, _("summary"), p->summary);
	out_kv(stdout, 16, _("version"), ver);
	out_kv(stdout, 16, _("updated by"), p->updated_by != 0 ? by : NULL);
	out_kv(stdout, 16, _("updated"), out_time(t1, sizeof(t1), p->updated_at));
	if (p->n_blocks == 0) {
		printf(_("\nNo building blocks (Bausteine) chosen yet.\n"));
		return CLI_EXIT_OK;
	}
	printf(_("\nBuilding blocks (Bausteine der Verstetigung):\n"));
	out_table_init(&t, 4, headers, "llll");
	for (size_t i = 0; i < p->n_blocks; i++) {
		row[0] = label_pair(block, sizeof(block), LABEL_BLOCK,
		                    qt_continuation_block_name(p->blocks[i].block));
		row[1] = p->blocks[i].responsible;
		row[2] = p->blocks[i].tasks;
		row[3] = p->blocks[i].resources;
		out_table_add(&t, row);
	}
	return cmd_table_done(&t);
}

static int cmd_continuation_show(cli_t *cli, args_t *a)
{
	const char *val, *project = NULL;
	qt_continuation_t p;
	int64_t pid = 0;
	qt_status_t st;
	int id, rc;

	while ((id = args_next(a, NULL, cli_global_opts, &val)) != ARGS_END) {
		rc = cmd_positional(cli, a, id, val, &project, CMD_CONTINUATION);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_CONTINUATION);
		return CLI_EXIT_OK;
	}
	if (project == NULL)
		return cli_usage_error(CMD_CONTINUATION, _("missing PROJECT (the project id)"));
	rc = cli_parse_id(CMD_CONTINUATION, N_("project id"), project, &pid);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_continuation_get(cli->client, pid, &p);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_continuation_print(cli, &p);
	qt_continuation_clear(&p);
	return rc;
}

/* The building blocks given with --block, each followed by its
 * --responsible, --tasks and --resources. */
typedef struct cmd_blocks {
	qt_block_plan_new_t v[16];
	size_t n;
} cmd_blocks_t;

static int cmd_continuation_set(cli_t *cli, args_t *a)
{
	const char *val, *project = NULL, *version = NULL, *ends = NULL, *summary = NULL;
	int no_end = 0, no_summary = 0, no_blocks = 0, id, rc = CLI_EXIT_OK;
	qt_continuation_new_t in;
	qt_continuation_t cur, out;
	cmd_blocks_t b;
	qt_block_plan_new_t *kept = NULL;
	qt_status_t st;

	memset(&in, 0, sizeof(in));
	memset(&b, 0, sizeof(b));
	memset(&cur, 0, sizeof(cur));
	while ((id = args_next(a, cmd_continuation_set_opts, cli_global_opts, &val)) != ARGS_END) {
		switch (id) {
		case OPT_VERSION: version = val; break;
		case OPT_FUNDING_ENDS: ends = val; break;
		case OPT_NO_FUNDING_END: no_end = 1; break;
		case OPT_SUMMARY: summary = val; break;
		case OPT_NO_SUMMARY: no_summary = 1; break;
		case OPT_NO_BLOCKS: no_blocks = 1; break;
		case OPT_BLOCK:
			if (b.n == sizeof(b.v) / sizeof(b.v[0]))
				return cli_usage_error(CMD_CONTINUATION,
				                       _("too many --block options"));
			b.v[b.n].block = qt_continuation_block_parse(val);
			if (b.v[b.n].block == QT_BLOCK_UNSPECIFIED)
				return cli_usage_error(CMD_CONTINUATION,
				                       _("unknown building block '%s'"), val);
			b.n++;
			break;
		case OPT_RESPONSIBLE:
		case OPT_TASKS:
		case OPT_RESOURCES:
			if (b.n == 0)
				return cli_usage_error(
				    CMD_CONTINUATION,
				    _("--responsible, --tasks and --resources follow "
				      "the --block they belong to"));
			if (id == OPT_RESPONSIBLE)
				b.v[b.n - 1].responsible = val;
			else if (id == OPT_TASKS)
				b.v[b.n - 1].tasks = val;
			else
				b.v[b.n - 1].resources = val;
			break;
		default:
			rc = cmd_positional(cli, a, id, val, &project, CMD_CONTINUATION);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_CONTINUATION);
		return CLI_EXIT_OK;
	}
	if (project == NULL)
		return cli_usage_error(CMD_CONTINUATION, _("missing PROJECT (the project id)"));
	if ((ends != NULL && no_end) || (summary != NULL && no_summary) || (b.n > 0 && no_blocks))
		return cli_usage_error(CMD_CONTINUATION,
		                       _("an option and its --no-* form exclude each other"));
	for (size_t i = 0; i < b.n; i++)
		if (b.v[i].responsible == NULL || b.v[i].tasks == NULL)
			return cli_usage_error(CMD_CONTINUATION,
			                       _("--block %s needs --responsible and --tasks"),
			                       qt_continuation_block_name(b.v[i].block));
	rc = cli_parse_id(CMD_CONTINUATION, N_("project id"), project, &in.project_id);
	if (rc == CLI_EXIT_OK && version != NULL) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(version, &end, 10);
		if (errno != 0 || end == version || *end != '\0' || v < 0)
			rc = cli_usage_error(CMD_CONTINUATION, _("invalid version '%s'"), version);
		in.expected_version = (int64_t)v;
	}
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	/* The plan is replaced as a whole: what the command line leaves out
	 * is taken from the current plan. */
	st = qt_continuation_get(cli->client, in.project_id, &cur);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (version == NULL)
		in.expected_version = cur.version;
	in.funding_ends_on = no_end ? NULL : ends != NULL ? ends : cur.funding_ends_on;
	in.summary = no_summary ? NULL : summary != NULL ? summary : cur.summary;
	if (b.n > 0 || no_blocks) {
		in.blocks = b.v;
		in.n_blocks = b.n;
	} else if (cur.n_blocks > 0) {
		kept = calloc(cur.n_blocks, sizeof(*kept));
		if (kept == NULL) {
			rc = cmd_oom();
			goto out;
		}
		for (size_t i = 0; i < cur.n_blocks; i++) {
			kept[i].block = cur.blocks[i].block;
			kept[i].responsible = cur.blocks[i].responsible;
			kept[i].tasks = cur.blocks[i].tasks;
			kept[i].resources = cur.blocks[i].resources;
		}
		in.blocks = kept;
		in.n_blocks = cur.n_blocks;
	}
	st = qt_continuation_set(cli->client, &in, &out);
	if (st != QT_OK) {
		rc = cli_fail(cli, st, NULL);
		goto out;
	}
	rc = cmd_continuation_print(cli, &out);
	qt_continuation_clear(&out);
out:
	free(kept);
	qt_continuation_clear(&cur);
	return rc;
}

static int cmd_continuation_due(cli_t *cli, args_t *a)
{
	static const char *const headers[] = {N_("PROJECT"),      N_("NAME"),         N_("STATUS"),
	                                      N_("FUNDING ENDS"), N_("LEAD OFFICES"), N_("PLAN")};
	const char *val, *row[6];
	char num[24];
	uint32_t months = 0;
	qt_continuation_due_list_t l;
	qt_status_t st;
	out_table_t t;
	out_json_t j;
	int id, rc;

	while ((id = args_next(a, cmd_continuation_due_opts, cli_global_opts, &val)) != ARGS_END) {
		if (id == OPT_MONTHS)
			rc = cmd_parse_u32(CMD_CONTINUATION, N_("months"), val, 120, &months);
		else
			rc = cli_other(cli, a, id, val, CMD_CONTINUATION);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	if (cli->help) {
		cli_usage_command(CMD_CONTINUATION);
		return CLI_EXIT_OK;
	}
	if (months == 0)
		return cli_usage_error(CMD_CONTINUATION, _("missing --months N"));
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_continuation_due(cli->client, months, &l);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_kv_str(&j, "from_date", l.from_date);
		out_json_kv_str(&j, "until_date", l.until_date);
		out_json_key(&j, "projects");
		out_json_begin_array(&j);
		for (size_t i = 0; i < l.n_projects; i++) {
			const qt_continuation_due_t *d = &l.projects[i];

			out_json_begin_object(&j);
			out_json_kv_int(&j, "project_id", d->project_id);
			out_json_kv_str(&j, "project_name", d->project_name);
			out_json_kv_str(&j, "status", qt_project_status_name(d->status));
			out_json_kv_str(&j, "funding_ends_on", d->funding_ends_on);
			out_json_kv_strv(&j, "lead_office_names", d->lead_office_names,
			                 d->n_lead_office_names);
			out_json_kv_bool(&j, "has_plan_record", d->has_plan_record);
			out_json_end_object(&j);
		}
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
		goto out;
	}
	printf(_("Funding ends %s .. %s, no continuation plan (Verstetigung):\n"), l.from_date,
	       l.until_date);
	out_table_init(&t, 6, headers, "rlllll");
	for (size_t i = 0; i < l.n_projects; i++) {
		const qt_continuation_due_t *d = &l.projects[i];
		char *offices = out_join(NULL, d->n_lead_office_names, d->lead_office_names,
		                         d->n_lead_office_names, 0);

		snprintf(num, sizeof(num), "%lld", (long long)d->project_id);
		row[0] = num;
		row[1] = d->project_name;
		row[2] = label(LABEL_PROJECT_STATUS, qt_project_status_name(d->status));
		row[3] = d->funding_ends_on;
		row[4] = offices;
		row[5] = d->has_plan_record ? _("no blocks") : _("none");
		out_table_add(&t, row);
		free(offices);
	}
	rc = cmd_table_done(&t);
out:
	qt_continuation_due_list_clear(&l);
	return rc;
}

int cmd_continuation(cli_t *cli, args_t *a)
{
	static const cmd_sub_t subs[] = {
		{ "show", cmd_continuation_show },
		{ "set", cmd_continuation_set },
		{ "due", cmd_continuation_due },
	};

	return cmd_dispatch(cli, a, CMD_CONTINUATION, subs, sizeof(subs) / sizeof(subs[0]),
	                    _("show, set or due"));
}
