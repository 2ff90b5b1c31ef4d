/* quartierd audit verify (see host_audit.h). */
#include "host_audit.h"

#include <getopt.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <string.h>

#include "audit_seal.h"
#include "migrate.h"

int host_audit_is_cmd(const char *name)
{
	return strcmp(name, "audit") == 0;
}

void host_audit_usage(FILE *out)
{
	fprintf(out, "       quartierd audit verify -c FILE [--anchor POSITION:HASH]\n");
}

/* Prints the verdict as `quartier audit verify` does; returns the exit code. */
static int host_audit_print(const audit_verdict_t *v)
{
	char msg[512];

	audit_verdict_describe(v, msg, sizeof(msg));
	if (v->problem == AUDIT_PROBLEM_NONE) {
		printf("audit log OK: %" PRIu64 " rows checked (%" PRIu64 " sealed now, %" PRIu64
		       " pending, %" PRIu64 " redacted)\n",
		       v->checked, v->sealed, v->pending, v->redacted);
		printf("head %" PRId64 ":%s\n", v->head_pos, v->head_hash);
		return 0;
	}
	printf("audit log BROKEN (%s): %s\n", audit_problem_name(v->problem), msg);
	if (v->bad_id != 0 && v->bad_pos != 0)
		printf("first bad row: id %" PRId64 ", chain position %" PRId64 "\n", v->bad_id,
		       v->bad_pos);
	else if (v->bad_id != 0)
		printf("first bad row: id %" PRId64 ", not in the chain\n", v->bad_id);
	else if (v->bad_pos != 0)
		printf("first bad chain position: %" PRId64 "\n", v->bad_pos);
	printf("%" PRIu64 " rows checked\n", v->checked);
	printf("head %" PRId64 ":%s\n", v->head_pos, v->head_hash);
	return 3;
}

int host_audit_main(const config_t *cfg, const qlog_t *log, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"anchor", required_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	const char *anchor = NULL, *params[2] = {NULL, NULL};
	char hash[AUDIT_HASH_HEX + 1], pos_text[24];
	audit_verdict_t v;
	PGconn *pg = NULL;
	PGresult *res = NULL;
	int64_t pos;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'a')
			return 2;
		anchor = optarg;
	}
	if (optind != argc - 1 || strcmp(argv[optind], "verify") != 0) {
		fprintf(stderr, "quartierd audit: expects the subcommand verify\n");
		return 2;
	}
	if (anchor != NULL) {
		if (audit_anchor_parse(anchor, &pos, hash) != QT_OK) {
			fprintf(stderr, "quartierd audit verify: --anchor must be POSITION:HASH, a "
			                "position and 64 hex digits\n");
			return 2;
		}
		snprintf(pos_text, sizeof(pos_text), "%" PRId64, pos);
		params[0] = pos_text;
		params[1] = hash;
	}
	pg = PQconnectdb(cfg->db_conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "quartierd audit verify: cannot connect to the database: %s",
		        PQerrorMessage(pg));
		goto out;
	}
	if (migrate_run(pg, log, cfg->auto_migrate) != QT_OK)
		goto out;
	res = PQexecParams(pg, AUDIT_VERIFY_SQL, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "quartierd audit verify: %s", PQresultErrorMessage(res));
		goto out;
	}
	if (audit_verdict_from_result(res, &v) != QT_OK) {
		fprintf(stderr, "quartierd audit verify: unexpected result of qt_audit_verify()\n");
		goto out;
	}
	rc = host_audit_print(&v);
	if (rc != 0)
		log_error(log,
		          "event=audit_chain_broken via=host problem=%s finding=%s id=%" PRId64
		          " position=%" PRId64,
		          audit_problem_name(v.problem), v.finding, v.bad_id, v.bad_pos);
out:
	if (res != NULL)
		PQclear(res);
	PQfinish(pg);
	return rc;
}
