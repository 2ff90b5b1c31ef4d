/* quartierd: command line, subcommands, and the wiring of the modules.
 *
 *   quartierd [-c FILE] [--key=value ...]       run the server
 *   quartierd --check-config -c FILE            validate a configuration
 *   quartierd migrate -c FILE                   apply schema migrations
 *   quartierd account-create -c FILE ...        create an account (bootstrap)
 *   quartierd account-list|account-disable|...  administer accounts (host_account.c)
 *   quartierd audit verify -c FILE               verify the audit log (host_audit.c)
 */
#include <getopt.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#include "auth.h"
#include "config.h"
#include "feed_home.h"
#include "host_account.h"
#include "host_audit.h"
#include "log.h"
#include "migrate.h"
#include "perm.h"
#include "server.h"
#include "tls.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: quartierd [-c FILE] [--KEY=VALUE ...]\n"
	        "       quartierd --check-config -c FILE\n"
	        "       quartierd migrate -c FILE\n"
	        "       quartierd account-create -c FILE --login LOGIN --name NAME --role ROLE\n"
	        "                 [--office-id ID] [--organisation-id ID] [--district-id ID]\n"
	        "                 [--if-not-exists]\n");
	host_account_usage(out);
	host_audit_usage(out);
	fprintf(out,
	        "\n"
	        "The Quartier registry server: quarter projects (Quartiersprojekte) of the city's\n"
	        "social neighbourhood development, served over TLS to libquartier clients.\n"
	        "\n"
	        "  -c, --config FILE   configuration file (key = value)\n"
	        "  --check-config      validate the configuration and exit\n"
	        "  --print-example-config  print a configuration file with every key\n"
	        "  -h, --help          this help\n"
	        "  -V, --version       print the version\n"
	        "\n"
	        "account-create reads the password from the first line of standard input.\n"
	        "ROLE is admin, office (needs --office-id), coordinator (needs\n"
	        "--organisation-id), district_head (Bezirksvorsteher*in; needs --district-id)\n"
	        "or viewer.  account-reset-password reads the new password the same way.\n"
	        "account-disable also revokes the account's sessions; the last enabled\n"
	        "admin is neither disabled nor demoted (exit status 3, as for an unknown\n"
	        "LOGIN).  account-lockouts lists the accounts with failed logins counted or\n"
	        "a locked login; account-unlock lifts the lock and forgets the failures.\n"
	        "audit verify seals the audit rows of finished transactions and recomputes\n"
	        "the audit log's hash chain: exit status 0 intact, 3 damaged (the first bad\n"
	        "row is named), 1 if it could not be checked.\n\n");
	config_print_help(out);
}

/* Loads defaults, the file (if any) and overrides ("key=value", from the
 * command line's --key=value). */
static int load_config(config_t *cfg, const char *path, int noverrides, char **overrides)
{
	char err[512];

	if (config_load(cfg, path, overrides, (size_t)noverrides, err, sizeof(err)) != QT_OK) {
		config_init(cfg); /* the caller frees cfg either way */
		fprintf(stderr, "quartierd: %s\n", err);
		return -1;
	}
	return 0;
}

static PGconn *connect_db(const config_t *cfg)
{
	PGconn *pg = PQconnectdb(cfg->db_conninfo);

	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "quartierd: cannot connect to the database: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return NULL;
	}
	return pg;
}

static int cmd_migrate(config_t *cfg, const qlog_t *log)
{
	PGconn *pg = connect_db(cfg);
	qt_status_t st;

	if (pg == NULL)
		return 1;
	st = migrate_run(pg, log, 1);
	PQfinish(pg);
	if (st == QT_OK)
		printf("schema is at version %u\n", migrate_latest());
	return st == QT_OK ? 0 : 1;
}

static int cmd_account_create(config_t *cfg, const qlog_t *log, int argc, char **argv)
{
	static const struct option opts[] = {
		{"login", required_argument, NULL, 'l'},
		{"name", required_argument, NULL, 'n'},
		{"role", required_argument, NULL, 'r'},
		{"office-id", required_argument, NULL, 'o'},
		{"organisation-id", required_argument, NULL, 'g'},
		{"district-id", required_argument, NULL, 'd'},
		{"if-not-exists", no_argument, NULL, 'x'},
		{NULL, 0, NULL, 0},
	};
	const char *login = NULL, *name = NULL, *office = NULL, *org = NULL, *district = NULL;
	role_t role = ROLE_NONE;
	int if_not_exists = 0, c, rc = 1;
	char password[AUTH_PASSWORD_MAX + 2], encoded[AUTH_ENCODED_MAX];
	auth_params_t ap = {cfg->argon2_memory_kib, cfg->argon2_iterations, cfg->argon2_parallelism};
	PGconn *pg = NULL;
	PGresult *res = NULL;
	size_t len;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': login = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = perm_role_parse(optarg); break;
		case 'o': office = optarg; break;
		case 'g': org = optarg; break;
		case 'd': district = optarg; break;
		case 'x': if_not_exists = 1; break;
		default: return 2;
		}
	}
	if (login == NULL || role == ROLE_NONE) {
		fprintf(stderr, "quartierd account-create: --login and --role (admin, office, coordinator, district_head, viewer) are required\n");
		return 2;
	}
	if ((role == ROLE_DISTRICT_HEAD) != (district != NULL)) {
		fprintf(stderr, "quartierd account-create: --district-id is required for district_head "
		                "and only for it\n");
		return 2;
	}
	if (name == NULL)
		name = login;
	if (fgets(password, sizeof(password), stdin) == NULL) {
		fprintf(stderr, "quartierd account-create: expected the password on standard input\n");
		return 2;
	}
	len = strcspn(password, "\r\n");
	password[len] = '\0';
	if (len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX) {
		fprintf(stderr, "quartierd account-create: the password must have 8 to 1024 bytes\n");
		goto out;
	}
	pg = connect_db(cfg);
	if (pg == NULL)
		goto out;
	if (migrate_run(pg, log, cfg->auto_migrate) != QT_OK)
		goto out;
	if (auth_hash_password(&ap, password, encoded, sizeof(encoded)) != QT_OK) {
		fprintf(stderr, "quartierd account-create: cannot hash the password\n");
		goto out;
	}
	{
		const char *params[7] = {login, name, perm_role_name(role), office, org, encoded,
		                         district};
		res = PQexecParams(pg,
		                   "WITH a AS (INSERT INTO account (login, display_name, role, office_id, "
		                   "organisation_id, password_hash, district_id) "
		                   "VALUES ($1, $2, $3, $4, $5, $6, $7) "
		                   "ON CONFLICT (login) DO NOTHING RETURNING *), "
		                   "au AS (INSERT INTO audit (account_id, action, entity, entity_id, after) "
		                   "SELECT NULL, 'account.create', 'account', a.id, jsonb_build_object("
		                   "'login', a.login, 'role', a.role, 'via', 'quartierd account-create') FROM a) "
		                   "SELECT id FROM a",
		                   7, NULL, params, NULL, NULL, 0);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "quartierd account-create: %s", PQresultErrorMessage(res));
		goto out;
	}
	if (PQntuples(res) == 0) {
		fprintf(stderr, "quartierd account-create: an account with login \"%s\" already exists\n", login);
		rc = if_not_exists ? 0 : 3;
		goto out;
	}
	printf("created account %s (id %s, role %s)\n", login, PQgetvalue(res, 0, 0), perm_role_name(role));
	rc = 0;
out:
	OPENSSL_cleanse(password, sizeof(password));
	if (res != NULL)
		PQclear(res);
	if (pg != NULL)
		PQfinish(pg);
	return rc;
}

static int run_server(config_t *cfg, const char *config_path, char **overrides, int noverrides,
                      const qlog_t *log)
{
	uv_loop_t loop;
	server_t *srv;
	char err[512];
	struct rlimit rl;
	PGconn *pg;
	qt_status_t st;
	int rc;

	/* Many idle clients need many descriptors; systemd's soft limit is 1024. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);

	/* The schema is checked (and migrated), and the change feed's home,
	 * before the loop runs. */
	pg = connect_db(cfg);
	if (pg == NULL)
		return 1;
	st = migrate_run(pg, log, cfg->auto_migrate);
	if (st != QT_OK) {
		PQfinish(pg);
		fprintf(stderr, "quartierd: the database schema does not match this version (%s)\n",
		        qt_status_str(st));
		return 1;
	}
	st = feed_home_check(pg, log);
	PQfinish(pg);
	if (st != QT_OK) {
		fprintf(stderr, "quartierd: cannot check the change feed (%s)\n", qt_status_str(st));
		return 1;
	}

	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return 1;
	uv_loop_init(&loop);
	if (server_start(srv, &loop, cfg, config_path, overrides, (size_t)noverrides, err,
	                 sizeof(err)) != QT_OK) {
		fprintf(stderr, "quartierd: %s\n", err);
		uv_run(&loop, UV_RUN_NOWAIT);
		server_free(srv);
		free(srv);
		return 1;
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	rc = srv->exit_code;
	server_free(srv);
	free(srv);
	if (uv_loop_close(&loop) != 0)
		log_warning(log, "event=exit msg=\"handles left open at exit\"");
	return rc;
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	const char *sub = NULL;
	int check = 0, sub_index = -1;
	char **overrides;
	int noverrides = 0, rc;
	config_t cfg;
	qlog_t log = {LOG_LVL_INFO};

	overrides = calloc((size_t)argc + 1, sizeof(*overrides));
	if (overrides == NULL)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (sub != NULL && strcmp(sub, "migrate") != 0)
			break; /* account-create, account-*, audit parse their own options */
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			free(overrides);
			return 0;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("quartierd %s (protocol 1, schema %u)\n", QUARTIER_VERSION, migrate_latest());
			free(overrides);
			return 0;
		} else if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			if (++i >= argc) {
				fprintf(stderr, "quartierd: %s needs a file\n", a);
				free(overrides);
				return 2;
			}
			config_path = argv[i];
		} else if (!strncmp(a, "--config=", 9)) {
			config_path = a + 9;
		} else if (!strcmp(a, "--print-example-config")) {
			config_print_example(stdout);
			free(overrides);
			return 0;
		} else if (!strcmp(a, "--check-config")) {
			check = 1;
		} else if (!strncmp(a, "--", 2) && strchr(a, '=') != NULL) {
			overrides[noverrides++] = argv[i] + 2;
		} else if (sub == NULL && (!strcmp(a, "migrate") || !strcmp(a, "account-create") ||
		                           host_account_is_cmd(a) || host_audit_is_cmd(a))) {
			sub = a;
			sub_index = i;
		} else {
			fprintf(stderr, "quartierd: unknown argument \"%s\" (see --help)\n", a);
			free(overrides);
			return 2;
		}
	}
	if (load_config(&cfg, config_path, noverrides, overrides) != 0) {
		free(overrides);
		config_free(&cfg);
		return 2;
	}
	log.level = log_level_parse(cfg.log_level) > 0 ? log_level_parse(cfg.log_level) : LOG_LVL_INFO;

	if (sub != NULL && !strcmp(sub, "migrate")) {
		rc = cmd_migrate(&cfg, &log);
	} else if (sub != NULL) {
		/* account-*, audit: the rest of argv holds its own options (and may
		 * hold -c FILE after the subcommand). */
		int sargc = argc - sub_index;
		char **sargv = argv + sub_index;
		for (int i = 1; i + 1 < sargc; i++) {
			if (!strcmp(sargv[i], "-c") || !strcmp(sargv[i], "--config")) {
				char err[512];
				config_free(&cfg);
				config_init(&cfg);
				if (config_load_file(&cfg, sargv[i + 1], err, sizeof(err)) != QT_OK) {
					fprintf(stderr, "quartierd: %s\n", err);
					rc = 2;
					goto out;
				}
				/* Drop -c FILE from what getopt sees. */
				memmove(&sargv[i], &sargv[i + 2], (size_t)(sargc - i - 2) * sizeof(*sargv));
				sargc -= 2;
				break;
			}
		}
		if (!strcmp(sub, "account-create"))
			rc = cmd_account_create(&cfg, &log, sargc, sargv);
		else if (host_audit_is_cmd(sub))
			rc = host_audit_main(&cfg, &log, sargc, sargv);
		else
			rc = host_account_main(&cfg, &log, sargc, sargv);
	} else {
		char err[512];
		if (config_validate(&cfg, err, sizeof(err)) != QT_OK) {
			fprintf(stderr, "quartierd: %s\n", err);
			rc = 2;
			goto out;
		}
		if (check) {
			SSL_CTX *ctx;
			ctx = tls_ctx_new(&cfg, err, sizeof(err));
			if (ctx == NULL) {
				fprintf(stderr, "quartierd: %s\n", err);
				rc = 2;
				goto out;
			}
			SSL_CTX_free(ctx);
			printf("configuration %s is valid\n", config_path != NULL ? config_path : "(defaults)");
			rc = 0;
			goto out;
		}
		rc = run_server(&cfg, config_path, overrides, noverrides, &log);
	}
out:
	free(overrides);
	config_free(&cfg);
	return rc;
}
