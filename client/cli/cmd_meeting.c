/* `quartier meeting|agenda|handover ...`: the inter-office coordination
 * (ämterübergreifende Kooperation, AGSP) — meetings and their lifecycle,
 * the agenda backlog, outcomes, hand-overs to the responsible office, and
 * the iCal and CSV exports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "csv.h"
#include "i18n.h"
#include "ics.h"
#include "label.h"
#include "output.h"

enum {
	OPT_TITLE = 1,
	OPT_START,
	OPT_END,
	OPT_PLACE,
	OPT_ORGANISER,
	OPT_QUARTER,
	OPT_DISTRICT,
	OPT_PROJECT,
	OPT_OFFICE,
	OPT_PERSON,
	OPT_STATUS,
	OPT_FROM,
	OPT_UNTIL,
	OPT_LIMIT,
	OPT_VERSION,
	OPT_OUTPUT,
	OPT_DESCRIPTION,
	OPT_LINK_PROJECT,
	OPT_MINUTES,
	OPT_MEETING,
	OPT_POSITION,
	OPT_BACKLOG,
	OPT_ALL,
	OPT_ITEM,
	OPT_KIND,
	OPT_TEXT,
	OPT_LEAD_OFFICE,
	OPT_DUE,
	OPT_MINE,
	OPT_REASON,
};

static const args_opt_t cmd_meeting_opts[] = {
	{ "title", 1, OPT_TITLE },
	{ "start", 1, OPT_START },
	{ "end", 1, OPT_END },
	{ "place", 1, OPT_PLACE },
	{ "organiser", 1, OPT_ORGANISER },
	{ "organizer", 1, OPT_ORGANISER },
	{ "quarter", 1, OPT_QUARTER },
	{ "district", 1, OPT_DISTRICT },
	{ "project", 1, OPT_PROJECT },
	{ "office", 1, OPT_OFFICE },
	{ "person", 1, OPT_PERSON },
	{ "status", 1, OPT_STATUS },
	{ "from", 1, OPT_FROM },
	{ "until", 1, OPT_UNTIL },
	{ "limit", 1, OPT_LIMIT },
	{ "version", 1, OPT_VERSION },
	{ "output", 1, OPT_OUTPUT },
	{ "o", 1, OPT_OUTPUT },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_agenda_opts[] = {
	{ "title", 1, OPT_TITLE },
	{ "description", 1, OPT_DESCRIPTION },
	{ "project", 1, OPT_PROJECT },
	{ "quarter", 1, OPT_QUARTER },
	{ "office", 1, OPT_OFFICE },
	{ "link-project", 1, OPT_LINK_PROJECT },
	{ "minutes", 1, OPT_MINUTES },
	{ "meeting", 1, OPT_MEETING },
	{ "position", 1, OPT_POSITION },
	{ "backlog", 0, OPT_BACKLOG },
	{ "status", 1, OPT_STATUS },
	{ "all", 0, OPT_ALL },
	{ "item", 1, OPT_ITEM },
	{ "kind", 1, OPT_KIND },
	{ "text", 1, OPT_TEXT },
	{ "lead-office", 1, OPT_LEAD_OFFICE },
	{ "due", 1, OPT_DUE },
	{ "limit", 1, OPT_LIMIT },
	{ "output", 1, OPT_OUTPUT },
	{ "o", 1, OPT_OUTPUT },
	{ NULL, 0, 0 },
};

static const args_opt_t cmd_handover_opts[] = {
	{ "mine", 0, OPT_MINE },
	{ "office", 1, OPT_OFFICE },
	{ "project", 1, OPT_PROJECT },
	{ "status", 1, OPT_STATUS },
	{ "meeting", 1, OPT_MEETING },
	{ "limit", 1, OPT_LIMIT },
	{ "version", 1, OPT_VERSION },
	{ "reason", 1, OPT_REASON },
	{ "report", 1, OPT_REASON },
	{ NULL, 0, 0 },
};

/* What any of the subcommands may collect; each uses its part. */
typedef struct cmd_meeting_args {
	const char *pos[16];  /* positionals after the subcommand */
	size_t n_pos;
	const char *title, *start, *end, *place, *status, *from, *until, *version, *output;
	const char *description, *kind, *text, *due, *reason;
	int64_t organiser, project, quarter, office, meeting, item, lead_office;
	uint32_t limit, minutes, position;
	int backlog, all, mine;
	cli_ids_t quarters, districts, projects, offices, persons, links;
} cmd_meeting_args_t;

static void cmd_meeting_args_free(cmd_meeting_args_t *x)
{
	cli_ids_free(&x->quarters);
	cli_ids_free(&x->districts);
	cli_ids_free(&x->projects);
	cli_ids_free(&x->offices);
	cli_ids_free(&x->persons);
	cli_ids_free(&x->links);
}

/* A count such as --limit or --minutes: 1 to max; what is an N_() literal. */
static int cmd_meeting_count(const char *cmd, const char *what, const char *s, uint32_t max,
                             uint32_t *out)
{
	int64_t v = 0;
	int rc = cli_parse_id(cmd, what, s, &v);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (v > (int64_t)max)
		return cli_usage_error(cmd, _("%s must not exceed %u"), _(what), max);
	*out = (uint32_t)v;
	return CLI_EXIT_OK;
}

/* Parses the options of cmd with table opts into x. */
static int cmd_meeting_parse(cli_t *cli, args_t *a, const char *cmd, const args_opt_t *opts,
                             cmd_meeting_args_t *x)
{
	const char *val;
	int id, rc;

	while ((id = args_next(a, opts, cli_global_opts, &val)) != ARGS_END) {
		rc = CLI_EXIT_OK;
		switch (id) {
		case ARGS_POSITIONAL:
			if (x->n_pos == sizeof(x->pos) / sizeof(x->pos[0]))
				return cli_usage_error(cmd, _("too many arguments"));
			x->pos[x->n_pos++] = val;
			break;
		case OPT_TITLE: x->title = val; break;
		case OPT_START: x->start = val; break;
		case OPT_END: x->end = val; break;
		case OPT_PLACE: x->place = val; break;
		case OPT_STATUS: x->status = val; break;
		case OPT_FROM: x->from = val; break;
		case OPT_UNTIL: x->until = val; break;
		case OPT_VERSION: x->version = val; break;
		case OPT_OUTPUT: x->output = val; break;
		case OPT_DESCRIPTION: x->description = val; break;
		case OPT_KIND: x->kind = val; break;
		case OPT_TEXT: x->text = val; break;
		case OPT_DUE: x->due = val; break;
		case OPT_REASON: x->reason = val; break;
		case OPT_BACKLOG: x->backlog = 1; break;
		case OPT_ALL: x->all = 1; break;
		case OPT_MINE: x->mine = 1; break;
		case OPT_ORGANISER:
			rc = cli_parse_id(cmd, N_("office id"), val, &x->organiser);
			break;
		case OPT_MEETING:
			rc = cli_parse_id(cmd, N_("meeting id"), val, &x->meeting);
			break;
		case OPT_ITEM:
			rc = cli_parse_id(cmd, N_("item id"), val, &x->item);
			break;
		case OPT_LEAD_OFFICE:
			rc = cli_parse_id(cmd, N_("office id"), val, &x->lead_office);
			break;
		case OPT_LIMIT:
			rc = cmd_meeting_count(cmd, N_("limit"), val, 500, &x->limit);
			break;
		case OPT_MINUTES:
			rc = cmd_meeting_count(cmd, N_("minutes"), val, 480, &x->minutes);
			break;
		case OPT_POSITION:
			rc = cmd_meeting_count(cmd, N_("position"), val, 100000, &x->position);
			break;
		case OPT_QUARTER:
			rc = cli_ids_add(&x->quarters, cmd, N_("quarter id"), val);
			if (rc == CLI_EXIT_OK)
				x->quarter = x->quarters.v[x->quarters.n - 1];
			break;
		case OPT_DISTRICT:
			rc = cli_ids_add(&x->districts, cmd, N_("district id"), val);
			break;
		case OPT_PROJECT:
			rc = cli_ids_add(&x->projects, cmd, N_("project id"), val);
			if (rc == CLI_EXIT_OK)
				x->project = x->projects.v[x->projects.n - 1];
			break;
		case OPT_OFFICE:
			rc = cli_ids_add(&x->offices, cmd, N_("office id"), val);
			if (rc == CLI_EXIT_OK)
				x->office = x->offices.v[x->offices.n - 1];
			break;
		case OPT_PERSON:
			rc = cli_ids_add(&x->persons, cmd, N_("person id"), val);
			break;
		case OPT_LINK_PROJECT:
			rc = cli_ids_add(&x->links, cmd, N_("project id"), val);
			break;
		default:
			rc = cli_other(cli, a, id, val, cmd);
			break;
		}
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	return CLI_EXIT_OK;
}

/* "YYYY-MM-DD HH:MM[:SS]" (or with 'T') in local time, the same with a
 * trailing 'Z' in UTC, or "YYYY-MM-DD" (local midnight).  what names the
 * value in a message: an N_() literal or an option. */
static int cmd_meeting_time(const char *cmd, const char *what, const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(s);
	int utc = len > 0 && s[len - 1] == 'Z';
	struct tm tm;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		goto bad;
	if ((size_t)n < len - (size_t)utc) {
		int m2 = 0;

		if ((s[10] != ' ' && s[10] != 'T') ||
		    (sscanf(s + 11, "%2d:%2d%n", &h, &mi, &m2) != 2 || m2 != 5))
			goto bad;
		n = 16;
		if (s[n] == ':') {
			if (sscanf(s + n + 1, "%2d%n", &sec, &m2) != 1 || m2 != 2)
				goto bad;
			n += 3;
		}
		if ((size_t)n != len - (size_t)utc)
			goto bad;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 || y < 1900)
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		goto bad;
	*out = (int64_t)t;
	return CLI_EXIT_OK;
bad:
	return cli_usage_error(cmd,
	                       _("invalid %s '%s' (use YYYY-MM-DD HH:MM, local time, or "
	                         "YYYY-MM-DDTHH:MMZ in UTC)"),
	                       _(what), s);
}

static int cmd_meeting_version(const char *cmd, const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return cli_usage_error(cmd, _("invalid version '%s'"), s);
	*out = (int64_t)v;
	return CLI_EXIT_OK;
}

/* Opens --output (or stdout); *f to close with cmd_meeting_close(). */
static int cmd_meeting_open_output(const char *cmd, const char *path, FILE **f)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		*f = stdout;
		return CLI_EXIT_OK;
	}
	*f = fopen(path, "wb");
	if (*f == NULL) {
		fprintf(stderr, "quartier %s: %s: %s\n", cmd, path, strerror(errno));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

static int cmd_meeting_close_output(const char *cmd, const char *path, FILE *f, int failed)
{
	int bad = failed || ferror(f);

	if (f != stdout && fclose(f) != 0)
		bad = 1;
	if (bad) {
		if (f == stdout || path == NULL)
			fprintf(stderr, _("quartier %s: writing the output failed\n"), cmd);
		else
			fprintf(stderr, _("quartier %s: writing %s failed\n"), cmd, path);
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

static int cmd_meeting_help(cli_t *cli, const char *cmd)
{
	cli_usage_command(cmd);
	(void)cli;
	return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ output */

static void cmd_meeting_json_entry(out_json_t *j, const qt_agenda_entry_t *e)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "meeting_id", e->meeting_id);
	out_json_kv_str(j, "meeting_title", e->meeting_title);
	out_json_kv_id(j, "meeting_starts_at", e->meeting_starts_at);
	out_json_kv_int(j, "item_id", e->item_id);
	out_json_kv_str(j, "item_title", e->item_title);
	out_json_kv_int(j, "position", e->position);
	out_json_kv_str(j, "origin", qt_agenda_origin_name(e->origin));
	out_json_kv_str(j, "origin_name", e->origin_name);
	out_json_kv_id(j, "requested_minutes", e->requested_minutes);
	out_json_kv_str(j, "outcome", e->outcome != QT_OUTCOME_NONE ? qt_outcome_name(e->outcome)
	                                                            : NULL);
	out_json_kv_str(j, "outcome_text", e->outcome_text);
	out_json_kv_id(j, "handover_id", e->handover_id);
	out_json_kv_id(j, "recorded_at", e->recorded_at);
	out_json_end_object(j);
}

static void cmd_meeting_json_handover(out_json_t *j, const qt_handover_t *h)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", h->id);
	out_json_kv_int(j, "version", h->version);
	out_json_kv_str(j, "status", qt_handover_status_name(h->status));
	out_json_kv_int(j, "item_id", h->item_id);
	out_json_kv_str(j, "item_title", h->item_title);
	out_json_kv_int(j, "meeting_id", h->meeting_id);
	out_json_kv_str(j, "meeting_title", h->meeting_title);
	out_json_kv_int(j, "lead_office_id", h->lead_office_id);
	out_json_kv_str(j, "lead_office_name", h->lead_office_name);
	out_json_kv_ids(j, "office_ids", h->office_ids, h->n_office_ids);
	out_json_kv_str(j, "due_date", h->due_date);
	out_json_kv_str(j, "note", h->note);
	out_json_kv_str(j, "reason", h->reason);
	out_json_kv_ids(j, "project_ids", h->project_ids, h->n_project_ids);
	out_json_kv_id(j, "acknowledged_by", h->acknowledged_by);
	out_json_kv_id(j, "acknowledged_at", h->acknowledged_at);
	out_json_kv_id(j, "closed_by", h->closed_by);
	out_json_kv_id(j, "closed_at", h->closed_at);
	out_json_end_object(j);
}

static void cmd_meeting_json(out_json_t *j, const qt_meeting_t *m, int full)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", m->id);
	out_json_kv_int(j, "version", m->version);
	out_json_kv_str(j, "title", m->title);
	out_json_kv_str(j, "status", qt_meeting_status_name(m->status));
	out_json_kv_int(j, "starts_at", m->starts_at);
	out_json_kv_id(j, "ends_at", m->ends_at);
	out_json_kv_str(j, "place", m->place);
	out_json_kv_int(j, "organiser_office_id", m->organiser_office_id);
	out_json_kv_str(j, "organiser_office_name", m->organiser_office_name);
	out_json_kv_ids(j, "quarter_ids", m->quarter_ids, m->n_quarter_ids);
	out_json_kv_ids(j, "district_ids", m->district_ids, m->n_district_ids);
	out_json_kv_ids(j, "project_ids", m->project_ids, m->n_project_ids);
	out_json_key(j, "participants");
	out_json_begin_array(j);
	for (size_t i = 0; i < m->n_participants; i++) {
		const qt_participant_t *p = &m->participants[i];

		out_json_begin_object(j);
		out_json_kv_id(j, "office_id", p->office_id);
		out_json_kv_id(j, "person_id", p->person_id);
		out_json_kv_str(j, "name", p->name);
		out_json_kv_bool(j, "attended", p->attended);
		out_json_end_object(j);
	}
	out_json_end_array(j);
	if (full) {
		out_json_key(j, "agenda");
		out_json_begin_array(j);
		for (size_t i = 0; i < m->n_agenda; i++)
			cmd_meeting_json_entry(j, &m->agenda[i]);
		out_json_end_array(j);
		out_json_key(j, "handovers");
		out_json_begin_array(j);
		for (size_t i = 0; i < m->n_handovers; i++)
			cmd_meeting_json_handover(j, &m->handovers[i]);
		out_json_end_array(j);
	}
	out_json_kv_id(j, "created_at", m->created_at);
	out_json_kv_id(j, "updated_at", m->updated_at);
	out_json_end_object(j);
}

static int cmd_meeting_table_done(out_table_t *t)
{
	int rc = out_table_print(t, stdout);

	out_table_free(t);
	if (rc != 0) {
		fprintf(stderr, _("quartier: out of memory\n"));
		return CLI_EXIT_OTHER;
	}
	return CLI_EXIT_OK;
}

static int cmd_meeting_handover_table(const qt_handover_t *v, size_t n)
{
	static const char *const headers[] = {
	    N_("ID"),   N_("STATUS"),  N_("DUE"),           N_("LEAD OFFICE"),
	    N_("ITEM"), N_("MEETING"), N_("NOTE / REASON"),
	};
	char id[24], item[24], meeting[24];
	const char *row[7];
	out_table_t t;

	out_table_init(&t, 7, headers, "rllllll");
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
		snprintf(item, sizeof(item), "%lld", (long long)v[i].item_id);
		snprintf(meeting, sizeof(meeting), "%lld", (long long)v[i].meeting_id);
		row[0] = id;
		row[1] = label(LABEL_HANDOVER, qt_handover_status_name(v[i].status));
		row[2] = v[i].due_date;
		row[3] = v[i].lead_office_name;
		row[4] = v[i].item_title != NULL ? v[i].item_title : item;
		row[5] = v[i].meeting_title != NULL ? v[i].meeting_title : meeting;
		row[6] = v[i].reason != NULL ? v[i].reason : v[i].note;
		out_table_add(&t, row);
	}
	return cmd_meeting_table_done(&t);
}

static int cmd_meeting_print(cli_t *cli, const qt_meeting_t *m)
{
	static const char *const headers[] = {
	    N_("POS"), N_("ITEM"),    N_("TITLE"), N_("ORIGIN"), NC_("agenda item origin", "FROM"),
	    N_("MIN"), N_("OUTCOME"), N_("TEXT"),
	};
	char num[24], ver[24], t1[32], t2[32], pos[16], item[24], min[16];
	char *joined = NULL;
	const char *row[8];
	out_table_t t;
	out_json_t j;
	int rc;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_meeting_json(&j, m, 1);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), "%lld", (long long)m->id);
	snprintf(ver, sizeof(ver), "%lld", (long long)m->version);
	out_kv(stdout, 14, _("id"), num);
	out_kv(stdout, 14, _("version"), ver);
	out_kv(stdout, 14, _("title"), m->title);
	out_kv(stdout, 14, _("status"), label(LABEL_MEETING, qt_meeting_status_name(m->status)));
	out_kv(stdout, 14, _("starts"), out_time(t1, sizeof(t1), m->starts_at));
	out_kv(stdout, 14, _("ends"),
	       m->ends_at != 0 ? out_time(t2, sizeof(t2), m->ends_at) : NULL);
	out_kv(stdout, 14, _("place"), m->place);
	out_kv(stdout, 14, _("organiser"), m->organiser_office_name);
	joined = out_join(m->project_ids, m->n_project_ids, NULL, 0, 0);
	out_kv(stdout, 14, _("projects"), joined);
	free(joined);
	joined = out_join(m->quarter_ids, m->n_quarter_ids, NULL, 0, 0);
	out_kv(stdout, 14, _("quarters"), joined);
	free(joined);
	joined = out_join(m->district_ids, m->n_district_ids, NULL, 0, 0);
	out_kv(stdout, 14, _("districts"), joined);
	free(joined);
	for (size_t i = 0; i < m->n_participants; i++) {
		char line[512];

		const qt_participant_t *pa = &m->participants[i];
		const char *name = pa->name != NULL ? pa->name : "";

		if (pa->office_id != 0)
			snprintf(line, sizeof(line),
			         pa->attended ? _("%s (office %lld), attended")
			                      : _("%s (office %lld)"),
			         name, (long long)pa->office_id);
		else
			snprintf(line, sizeof(line),
			         pa->attended ? _("%s (person %lld), attended")
			                      : _("%s (person %lld)"),
			         name, (long long)pa->person_id);
		out_kv(stdout, 14, i == 0 ? _("participants") : "", line);
	}
	printf(_("\nAgenda (Tagesordnung):\n"));
	out_table_init(&t, 8, headers, "rrllllrl");
	for (size_t i = 0; i < m->n_agenda; i++) {
		const qt_agenda_entry_t *e = &m->agenda[i];

		snprintf(pos, sizeof(pos), "%u", e->position);
		snprintf(item, sizeof(item), "%lld", (long long)e->item_id);
		snprintf(min, sizeof(min), "%u", e->requested_minutes);
		row[0] = pos;
		row[1] = item;
		row[2] = e->item_title;
		row[3] = label(LABEL_ORIGIN, qt_agenda_origin_name(e->origin));
		row[4] = e->origin_name;
		row[5] = e->requested_minutes > 0 ? min : NULL;
		row[6] = e->outcome != QT_OUTCOME_NONE
		             ? label(LABEL_OUTCOME, qt_outcome_name(e->outcome))
		             : _("(open)");
		row[7] = e->outcome_text;
		out_table_add(&t, row);
	}
	rc = cmd_meeting_table_done(&t);
	if (rc == CLI_EXIT_OK && m->n_handovers > 0) {
		printf(_("\nHand-overs (Übergaben):\n"));
		rc = cmd_meeting_handover_table(m->handovers, m->n_handovers);
	}
	return rc;
}

static void cmd_meeting_json_item(out_json_t *j, const qt_agenda_item_t *it)
{
	out_json_begin_object(j);
	out_json_kv_int(j, "id", it->id);
	out_json_kv_int(j, "version", it->version);
	out_json_kv_str(j, "title", it->title);
	out_json_kv_str(j, "description", it->description);
	out_json_kv_str(j, "origin", qt_agenda_origin_name(it->origin));
	out_json_kv_id(j, "origin_project_id", it->origin_project_id);
	out_json_kv_id(j, "origin_quarter_id", it->origin_quarter_id);
	out_json_kv_id(j, "origin_office_id", it->origin_office_id);
	out_json_kv_str(j, "origin_name", it->origin_name);
	out_json_kv_id(j, "proposed_by", it->proposed_by);
	out_json_kv_ids(j, "project_ids", it->project_ids, it->n_project_ids);
	out_json_kv_id(j, "requested_minutes", it->requested_minutes);
	out_json_kv_str(j, "status", qt_item_status_name(it->status));
	out_json_kv_id(j, "meeting_id", it->meeting_id);
	out_json_kv_id(j, "position", it->position);
	out_json_key(j, "history");
	out_json_begin_array(j);
	for (size_t i = 0; i < it->n_history; i++)
		cmd_meeting_json_entry(j, &it->history[i]);
	out_json_end_array(j);
	out_json_kv_id(j, "created_at", it->created_at);
	out_json_kv_id(j, "updated_at", it->updated_at);
	out_json_end_object(j);
}

static int cmd_meeting_item_print(cli_t *cli, const qt_agenda_item_t *it)
{
	char num[24], ver[24], min[16], where[64], line[1024], t1[32];
	out_json_t j;

	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_meeting_json_item(&j, it);
		out_json_finish(&j);
		return CLI_EXIT_OK;
	}
	snprintf(num, sizeof(num), "%lld", (long long)it->id);
	snprintf(ver, sizeof(ver), "%lld", (long long)it->version);
	snprintf(min, sizeof(min), "%u", it->requested_minutes);
	snprintf(where, sizeof(where), _("meeting %lld, position %u"), (long long)it->meeting_id,
	         it->position);
	out_kv(stdout, 14, _("id"), num);
	out_kv(stdout, 14, _("version"), ver);
	out_kv(stdout, 14, _("title"), it->title);
	out_kv(stdout, 14, _("status"), label(LABEL_ITEM, qt_item_status_name(it->status)));
	out_kv(stdout, 14, _("scheduled"), it->meeting_id != 0 ? where : NULL);
	out_kv(stdout, 14, _("origin"), label(LABEL_ORIGIN, qt_agenda_origin_name(it->origin)));
	out_kv(stdout, 14, C_("agenda item origin", "from"), it->origin_name);
	out_kv(stdout, 14, _("minutes"), it->requested_minutes > 0 ? min : NULL);
	out_kv(stdout, 14, _("description"), it->description);
	for (size_t i = 0; i < it->n_history; i++) {
		const qt_agenda_entry_t *e = &it->history[i];

		snprintf(line, sizeof(line), "%s %s (%lld): %s%s%s",
		         out_time(t1, sizeof(t1), e->meeting_starts_at),
		         e->meeting_title != NULL ? e->meeting_title : "", (long long)e->meeting_id,
		         e->outcome != QT_OUTCOME_NONE
		             ? label(LABEL_OUTCOME, qt_outcome_name(e->outcome))
		             : label(LABEL_ITEM, "scheduled"),
		         e->outcome_text != NULL ? " – " : "",
		         e->outcome_text != NULL ? e->outcome_text : "");
		out_kv(stdout, 14, i == 0 ? _("history") : "", line);
	}
	return CLI_EXIT_OK;
}

/* ------------------------------------------------------------ meeting */

#define CMD_M "meeting"

static int cmd_meeting_create(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_meeting_new_t in;
	qt_meeting_t out;
	qt_status_t st;
	int rc;

	memset(&in, 0, sizeof(in));
	if (x->title == NULL || x->start == NULL)
		return cli_usage_error(CMD_M, _("create needs --title and --start"));
	rc = cmd_meeting_time(CMD_M, N_("start"), x->start, &in.starts_at);
	if (rc == CLI_EXIT_OK && x->end != NULL)
		rc = cmd_meeting_time(CMD_M, N_("end"), x->end, &in.ends_at);
	if (rc != CLI_EXIT_OK)
		return rc;
	in.title = x->title;
	in.place = x->place;
	in.organiser_office_id = x->organiser;
	in.quarter_ids = x->quarters.v;
	in.n_quarter_ids = x->quarters.n;
	in.district_ids = x->districts.v;
	in.n_district_ids = x->districts.n;
	in.project_ids = x->projects.v;
	in.n_project_ids = x->projects.n;
	in.office_ids = x->offices.v;
	in.n_office_ids = x->offices.n;
	in.person_ids = x->persons.v;
	in.n_person_ids = x->persons.n;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_meeting_create(cli->client, &in, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_meeting_print(cli, &out);
	qt_meeting_clear(&out);
	return rc;
}

static int cmd_meeting_filter(cmd_meeting_args_t *x, qt_meeting_filter_t *f)
{
	int rc = CLI_EXIT_OK;

	memset(f, 0, sizeof(*f));
	if (x->status != NULL) {
		f->status = qt_meeting_status_parse(x->status);
		if (f->status == QT_MEETING_UNSPECIFIED)
			return cli_usage_error(CMD_M,
			                       _("unknown status '%s' (draft, open, in_progress, "
			                         "closed, minutes_approved)"),
			                       x->status);
	}
	f->organiser_office_id = x->organiser;
	f->project_id = x->project;
	f->limit = x->limit;
	if (x->from != NULL)
		rc = cmd_meeting_time(CMD_M, "--from", x->from, &f->from);
	if (rc == CLI_EXIT_OK && x->until != NULL)
		rc = cmd_meeting_time(CMD_M, "--until", x->until, &f->until);
	return rc;
}

static int cmd_meeting_list(cli_t *cli, cmd_meeting_args_t *x)
{
	static const char *const headers[] = {N_("ID"),    N_("STARTS"),    N_("STATUS"),
	                                      N_("TITLE"), N_("ORGANISER"), N_("PLACE")};
	qt_meeting_filter_t f;
	qt_meeting_t *list = NULL;
	const char *row[6];
	char id[24], t1[32];
	size_t n = 0;
	out_table_t t;
	out_json_t j;
	qt_status_t st;
	int rc;

	rc = cmd_meeting_filter(x, &f);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_meeting_list(cli->client, &f, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "meetings");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_meeting_json(&j, &list[i], 0);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else {
		out_table_init(&t, 6, headers, "rlllll");
		for (size_t i = 0; i < n; i++) {
			snprintf(id, sizeof(id), "%lld", (long long)list[i].id);
			row[0] = id;
			row[1] = out_time(t1, sizeof(t1), list[i].starts_at);
			row[2] = label(LABEL_MEETING, qt_meeting_status_name(list[i].status));
			row[3] = list[i].title;
			row[4] = list[i].organiser_office_name;
			row[5] = list[i].place;
			out_table_add(&t, row);
		}
		rc = cmd_meeting_table_done(&t);
	}
	qt_meeting_list_free(list, n);
	return rc;
}

static int cmd_meeting_show(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_meeting_t m;
	int64_t id = 0;
	qt_status_t st;
	int rc;

	if (x->n_pos != 1)
		return cli_usage_error(CMD_M, _("show needs one meeting ID"));
	rc = cli_parse_id(CMD_M, N_("meeting id"), x->pos[0], &id);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_meeting_get(cli->client, id, &m);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_meeting_print(cli, &m);
	qt_meeting_clear(&m);
	return rc;
}

static int cmd_meeting_move(cli_t *cli, cmd_meeting_args_t *x, qt_meeting_status_t to)
{
	qt_meeting_t m;
	int64_t id = 0, version = 0;
	qt_status_t st;
	int rc;

	if (x->n_pos != 1)
		return cli_usage_error(CMD_M, _("needs one meeting ID"));
	rc = cli_parse_id(CMD_M, N_("meeting id"), x->pos[0], &id);
	if (rc == CLI_EXIT_OK && x->version != NULL)
		rc = cmd_meeting_version(CMD_M, x->version, &version);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (x->version == NULL) {
		/* The current version; the server still refuses a change made
		 * on top of someone else's. */
		st = qt_meeting_get(cli->client, id, &m);
		if (st != QT_OK)
			return cli_fail(cli, st, NULL);
		version = m.version;
		qt_meeting_clear(&m);
	}
	st = qt_meeting_transition(cli->client, id, version, to, &m);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_meeting_print(cli, &m);
	qt_meeting_clear(&m);
	return rc;
}

static int cmd_meeting_attended(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_meeting_patch_t p;
	qt_meeting_t m;
	qt_status_t st;
	int rc;

	memset(&p, 0, sizeof(p));
	if (x->n_pos != 1)
		return cli_usage_error(CMD_M, _("attended needs one meeting ID"));
	rc = cli_parse_id(CMD_M, N_("meeting id"), x->pos[0], &p.id);
	if (rc == CLI_EXIT_OK && x->version != NULL)
		rc = cmd_meeting_version(CMD_M, x->version, &p.expected_version);
	if (rc != CLI_EXIT_OK)
		return rc;
	p.set_attended = 1;
	p.attended_office_ids = x->offices.v;
	p.n_attended_office_ids = x->offices.n;
	p.attended_person_ids = x->persons.v;
	p.n_attended_person_ids = x->persons.n;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (x->version == NULL) {
		st = qt_meeting_get(cli->client, p.id, &m);
		if (st != QT_OK)
			return cli_fail(cli, st, NULL);
		p.expected_version = m.version;
		qt_meeting_clear(&m);
	}
	st = qt_meeting_update(cli->client, &p, &m);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_meeting_print(cli, &m);
	qt_meeting_clear(&m);
	return rc;
}

/* The meetings named by positionals, or those the filters list, each
 * with its agenda.  *out is freed with qt_meeting_list_free(). */
static int cmd_meeting_fetch(cli_t *cli, cmd_meeting_args_t *x, const char *cmd,
                             qt_meeting_t **out, size_t *n_out)
{
	qt_meeting_filter_t f;
	qt_meeting_t *listed = NULL, *full = NULL;
	size_t n = 0, done = 0;
	int64_t *ids = NULL;
	qt_status_t st;
	int rc = CLI_EXIT_OK;

	if (x->n_pos > 0) {
		n = x->n_pos;
		ids = calloc(n, sizeof(*ids));
		if (ids == NULL)
			goto nomem;
		for (size_t i = 0; i < n && rc == CLI_EXIT_OK; i++)
			rc = cli_parse_id(cmd, N_("meeting id"), x->pos[i], &ids[i]);
		if (rc != CLI_EXIT_OK)
			goto out;
	} else {
		rc = cmd_meeting_filter(x, &f);
		if (rc != CLI_EXIT_OK)
			goto out;
	}
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (ids == NULL) {
		st = qt_meeting_list(cli->client, &f, &listed, &n);
		if (st != QT_OK) {
			rc = cli_fail(cli, st, NULL);
			goto out;
		}
		ids = calloc(n + 1, sizeof(*ids));
		if (ids == NULL)
			goto nomem;
		for (size_t i = 0; i < n; i++)
			ids[i] = listed[i].id;
	}
	full = calloc(n + 1, sizeof(*full));
	if (full == NULL)
		goto nomem;
	for (; done < n; done++) {
		st = qt_meeting_get(cli->client, ids[done], &full[done]);
		if (st != QT_OK) {
			rc = cli_fail(cli, st, NULL);
			goto out;
		}
	}
	*out = full;
	*n_out = n;
	full = NULL;
	goto out;
nomem:
	fprintf(stderr, _("quartier: out of memory\n"));
	rc = CLI_EXIT_OTHER;
out:
	qt_meeting_list_free(full, done);
	qt_meeting_list_free(listed, listed != NULL ? n : 0);
	free(ids);
	return rc;
}

static int cmd_meeting_export_ics(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_meeting_t *list = NULL;
	size_t n = 0;
	FILE *f = NULL;
	int rc;

	rc = cmd_meeting_fetch(cli, x, CMD_M, &list, &n);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cmd_meeting_open_output(CMD_M, x->output, &f);
	if (rc == CLI_EXIT_OK)
		rc = cmd_meeting_close_output(
		    CMD_M, x->output, f, ics_write(f, list, n, (int64_t)time(NULL), cli->host) != 0);
	qt_meeting_list_free(list, n);
	return rc;
}

int cmd_meeting(cli_t *cli, args_t *a)
{
	static const struct {
		const char *name;
		qt_meeting_status_t to;  /* lifecycle subcommands */
	} moves[] = {
		{ "open", QT_MEETING_OPEN },
		{ "start", QT_MEETING_IN_PROGRESS },
		{ "close", QT_MEETING_CLOSED },
		{ "approve", QT_MEETING_MINUTES_APPROVED },
	};
	cmd_meeting_args_t x;
	const char *sub;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = cmd_meeting_parse(cli, a, CMD_M, cmd_meeting_opts, &x);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->help) {
		rc = cmd_meeting_help(cli, CMD_M);
		goto out;
	}
	if (x.n_pos == 0) {
		rc =
		    cli_usage_error(CMD_M, _("missing subcommand (create, list, show, open, start, "
		                             "close, approve, attended or export-ics)"));
		goto out;
	}
	sub = x.pos[0];
	memmove(x.pos, x.pos + 1, (x.n_pos - 1) * sizeof(x.pos[0]));
	x.n_pos--;
	if (strcmp(sub, "create") == 0)
		rc = cmd_meeting_create(cli, &x);
	else if (strcmp(sub, "list") == 0)
		rc = cmd_meeting_list(cli, &x);
	else if (strcmp(sub, "show") == 0)
		rc = cmd_meeting_show(cli, &x);
	else if (strcmp(sub, "attended") == 0)
		rc = cmd_meeting_attended(cli, &x);
	else if (strcmp(sub, "export-ics") == 0)
		rc = cmd_meeting_export_ics(cli, &x);
	else {
		rc = -1;
		for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
			if (strcmp(sub, moves[i].name) == 0)
				rc = cmd_meeting_move(cli, &x, moves[i].to);
		if (rc == -1)
			rc = cli_usage_error(CMD_M, _("unknown subcommand '%s'"), sub);
	}
out:
	cmd_meeting_args_free(&x);
	return rc;
}

/* ------------------------------------------------------------ agenda */

#define CMD_A "agenda"

static int cmd_agenda_propose(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_agenda_new_t in;
	qt_agenda_item_t out;
	qt_status_t st;
	int rc;

	memset(&in, 0, sizeof(in));
	if (x->title == NULL)
		return cli_usage_error(CMD_A, _("propose needs --title"));
	if (x->project != 0 && x->office != 0)
		return cli_usage_error(CMD_A,
		                       _("an item comes from a project (bottom-up) or an office "
		                         "(top-down), not both"));
	if (x->projects.n > 1 || x->offices.n > 1)
		return cli_usage_error(
		    CMD_A, _("one origin only; link more projects with --link-project"));
	in.title = x->title;
	in.description = x->description;
	in.origin = x->project != 0 ? QT_ORIGIN_BOTTOM_UP : QT_ORIGIN_TOP_DOWN;
	in.origin_project_id = x->project;
	in.origin_quarter_id = x->quarter;
	in.origin_office_id = x->office;
	in.project_ids = x->links.v;
	in.n_project_ids = x->links.n;
	in.requested_minutes = x->minutes;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_agenda_propose(cli->client, &in, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_meeting_item_print(cli, &out);
	qt_agenda_item_clear(&out);
	return rc;
}

static int cmd_agenda_backlog(cli_t *cli, cmd_meeting_args_t *x)
{
	static const char *const headers[] = {
	    N_("ID"),    N_("STATUS"), N_("ORIGIN"),  NC_("agenda item origin", "FROM"),
	    N_("TITLE"), N_("MIN"),    N_("MEETING"), N_("HISTORY")};
	qt_agenda_filter_t f;
	qt_agenda_item_t *list = NULL;
	const char *row[8];
	char id[24], min[16], meeting[24], hist[24];
	size_t n = 0;
	out_table_t t;
	out_json_t j;
	qt_status_t st;
	int rc;

	memset(&f, 0, sizeof(f));
	if (x->status != NULL) {
		f.status = qt_item_status_parse(x->status);
		if (f.status == QT_ITEM_UNSPECIFIED)
			return cli_usage_error(
			    CMD_A, _("unknown status '%s' (backlog, scheduled, concluded)"),
			    x->status);
	}
	f.all = x->all;
	f.project_id = x->project;
	f.item_id = x->item;
	f.limit = x->limit;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_agenda_backlog(cli->client, &f, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (x->item != 0 && n == 1 && !cli->json) {
		rc = cmd_meeting_item_print(cli, &list[0]);
	} else if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "items");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_meeting_json_item(&j, &list[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else {
		out_table_init(&t, 8, headers, "rllllrrr");
		for (size_t i = 0; i < n; i++) {
			snprintf(id, sizeof(id), "%lld", (long long)list[i].id);
			snprintf(min, sizeof(min), "%u", list[i].requested_minutes);
			snprintf(meeting, sizeof(meeting), "%lld", (long long)list[i].meeting_id);
			snprintf(hist, sizeof(hist), "%zu", list[i].n_history);
			row[0] = id;
			row[1] = label(LABEL_ITEM, qt_item_status_name(list[i].status));
			row[2] = label(LABEL_ORIGIN, qt_agenda_origin_name(list[i].origin));
			row[3] = list[i].origin_name;
			row[4] = list[i].title;
			row[5] = list[i].requested_minutes > 0 ? min : NULL;
			row[6] = list[i].meeting_id != 0 ? meeting : NULL;
			row[7] = hist;
			out_table_add(&t, row);
		}
		rc = cmd_meeting_table_done(&t);
	}
	qt_agenda_item_list_free(list, n);
	return rc;
}

static int cmd_agenda_schedule(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_agenda_item_t out;
	int64_t item = 0;
	qt_status_t st;
	int rc;

	if (x->n_pos != 1)
		return cli_usage_error(CMD_A, _("schedule needs one ITEM id"));
	if ((x->meeting != 0) == (x->backlog != 0))
		return cli_usage_error(CMD_A, _("schedule needs --meeting ID or --backlog"));
	rc = cli_parse_id(CMD_A, N_("item id"), x->pos[0], &item);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_agenda_schedule(cli->client, item, x->meeting, x->position, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_meeting_item_print(cli, &out);
	qt_agenda_item_clear(&out);
	return rc;
}

static int cmd_agenda_outcome(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_agenda_outcome_t in;
	qt_agenda_item_t out;
	qt_status_t st;
	int rc;

	memset(&in, 0, sizeof(in));
	if (x->n_pos != 2)
		return cli_usage_error(CMD_A, _("outcome needs MEETING and ITEM ids"));
	if (x->kind == NULL)
		return cli_usage_error(CMD_A,
		                       _("outcome needs --kind (information, decision, deferral "
		                         "or hand_over)"));
	in.outcome = qt_outcome_parse(x->kind);
	if (in.outcome == QT_OUTCOME_NONE || in.outcome == QT_OUTCOME_CARRIED_OVER)
		return cli_usage_error(CMD_A,
		                       _("unknown --kind '%s' (information, decision, deferral "
		                         "or hand_over)"),
		                       x->kind);
	rc = cli_parse_id(CMD_A, N_("meeting id"), x->pos[0], &in.meeting_id);
	if (rc == CLI_EXIT_OK)
		rc = cli_parse_id(CMD_A, N_("item id"), x->pos[1], &in.item_id);
	if (rc != CLI_EXIT_OK)
		return rc;
	in.text = x->text;
	in.lead_office_id = x->lead_office;
	in.office_ids = x->offices.v;
	in.n_office_ids = x->offices.n;
	in.due_date = x->due;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_agenda_outcome(cli->client, &in, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	rc = cmd_meeting_item_print(cli, &out);
	qt_agenda_item_clear(&out);
	return rc;
}

static int cmd_agenda_export_csv(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_meeting_t *list = NULL;
	size_t n = 0;
	FILE *f = NULL;
	int rc;

	if (x->n_pos == 0)
		return cli_usage_error(CMD_A, _("export-csv needs one or more MEETING ids"));
	rc = cmd_meeting_fetch(cli, x, CMD_A, &list, &n);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cmd_meeting_open_output(CMD_A, x->output, &f);
	if (rc == CLI_EXIT_OK)
		rc = cmd_meeting_close_output(CMD_A, x->output, f,
		                              csv_write_agenda(f, list, n) != 0);
	qt_meeting_list_free(list, n);
	return rc;
}

int cmd_agenda(cli_t *cli, args_t *a)
{
	static const struct {
		const char *name;
		int (*run)(cli_t *cli, cmd_meeting_args_t *x);
	} subs[] = {
		{ "propose", cmd_agenda_propose },
		{ "backlog", cmd_agenda_backlog },
		{ "schedule", cmd_agenda_schedule },
		{ "outcome", cmd_agenda_outcome },
		{ "export-csv", cmd_agenda_export_csv },
	};
	cmd_meeting_args_t x;
	const char *sub;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = cmd_meeting_parse(cli, a, CMD_A, cmd_agenda_opts, &x);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->help) {
		rc = cmd_meeting_help(cli, CMD_A);
		goto out;
	}
	if (x.n_pos == 0) {
		rc = cli_usage_error(CMD_A,
		                     _("missing subcommand (propose, backlog, schedule, outcome "
		                       "or export-csv)"));
		goto out;
	}
	sub = x.pos[0];
	memmove(x.pos, x.pos + 1, (x.n_pos - 1) * sizeof(x.pos[0]));
	x.n_pos--;
	rc = -1;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(sub, subs[i].name) == 0)
			rc = subs[i].run(cli, &x);
	if (rc == -1)
		rc = cli_usage_error(CMD_A, _("unknown subcommand '%s'"), sub);
out:
	cmd_meeting_args_free(&x);
	return rc;
}

/* ------------------------------------------------------------ handover */

#define CMD_H "handover"

static int cmd_handover_list(cli_t *cli, cmd_meeting_args_t *x)
{
	qt_handover_filter_t f;
	qt_handover_t *list = NULL;
	size_t n = 0;
	out_json_t j;
	qt_status_t st;
	int rc;

	memset(&f, 0, sizeof(f));
	if (x->status != NULL) {
		f.status = qt_handover_status_parse(x->status);
		if (f.status == QT_HANDOVER_UNSPECIFIED)
			return cli_usage_error(CMD_H,
			                       _("unknown status '%s' (open, acknowledged, done, "
			                         "declined)"),
			                       x->status);
	}
	if (x->mine && x->office != 0)
		return cli_usage_error(CMD_H, _("--mine and --office exclude each other"));
	f.mine = x->mine;
	f.office_id = x->office;
	f.project_id = x->project;
	f.meeting_id = x->meeting;
	f.limit = x->limit;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	st = qt_handover_list(cli->client, &f, &list, &n);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		out_json_begin_object(&j);
		out_json_key(&j, "handovers");
		out_json_begin_array(&j);
		for (size_t i = 0; i < n; i++)
			cmd_meeting_json_handover(&j, &list[i]);
		out_json_end_array(&j);
		out_json_end_object(&j);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else {
		rc = cmd_meeting_handover_table(list, n);
	}
	qt_handover_list_free(list, n);
	return rc;
}

static int cmd_handover_move(cli_t *cli, cmd_meeting_args_t *x, qt_handover_status_t to)
{
	qt_handover_filter_t f;
	qt_handover_t *cur = NULL, out;
	int64_t id = 0, version = 0;
	size_t n = 0;
	out_json_t j;
	qt_status_t st;
	int rc;

	if (x->n_pos != 1)
		return cli_usage_error(CMD_H, _("needs one hand-over ID"));
	if (to == QT_HANDOVER_DECLINED && x->reason == NULL)
		return cli_usage_error(CMD_H, _("decline needs --reason"));
	rc = cli_parse_id(CMD_H, N_("hand-over id"), x->pos[0], &id);
	if (rc == CLI_EXIT_OK && x->version != NULL)
		rc = cmd_meeting_version(CMD_H, x->version, &version);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_connect(cli, 1);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (x->version == NULL) {
		memset(&f, 0, sizeof(f));
		f.id = id;
		st = qt_handover_list(cli->client, &f, &cur, &n);
		if (st != QT_OK)
			return cli_fail(cli, st, NULL);
		if (n != 1) {
			qt_handover_list_free(cur, n);
			fprintf(stderr, _("quartier: not found: no hand-over %lld\n"),
			        (long long)id);
			return CLI_EXIT_NOT_FOUND;
		}
		version = cur[0].version;
		qt_handover_list_free(cur, n);
	}
	st = qt_handover_update(cli->client, id, version, to, x->reason, &out);
	if (st != QT_OK)
		return cli_fail(cli, st, NULL);
	if (cli->json) {
		out_json_init(&j, stdout);
		cmd_meeting_json_handover(&j, &out);
		out_json_finish(&j);
		rc = CLI_EXIT_OK;
	} else {
		rc = cmd_meeting_handover_table(&out, 1);
	}
	qt_handover_clear(&out);
	return rc;
}

int cmd_handover(cli_t *cli, args_t *a)
{
	cmd_meeting_args_t x;
	const char *sub;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = cmd_meeting_parse(cli, a, CMD_H, cmd_handover_opts, &x);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->help) {
		rc = cmd_meeting_help(cli, CMD_H);
		goto out;
	}
	if (x.n_pos == 0) {
		rc = cli_usage_error(CMD_H, _("missing subcommand (list, ack, done or decline)"));
		goto out;
	}
	sub = x.pos[0];
	memmove(x.pos, x.pos + 1, (x.n_pos - 1) * sizeof(x.pos[0]));
	x.n_pos--;
	if (strcmp(sub, "list") == 0)
		rc = cmd_handover_list(cli, &x);
	else if (strcmp(sub, "ack") == 0 || strcmp(sub, "acknowledge") == 0)
		rc = cmd_handover_move(cli, &x, QT_HANDOVER_ACKNOWLEDGED);
	else if (strcmp(sub, "done") == 0)
		rc = cmd_handover_move(cli, &x, QT_HANDOVER_DONE);
	else if (strcmp(sub, "decline") == 0)
		rc = cmd_handover_move(cli, &x, QT_HANDOVER_DECLINED);
	else
		rc = cli_usage_error(CMD_H, _("unknown subcommand '%s'"), sub);
out:
	cmd_meeting_args_free(&x);
	return rc;
}
