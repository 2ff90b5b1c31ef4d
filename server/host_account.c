/* quartierd account-list|account-disable|account-enable|
 * account-reset-password|account-revoke-sessions|account-lockouts|
 * account-unlock (see host_account.h). */
#include "host_account.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "auth.h"
#include "migrate.h"

typedef enum {
	HOST_LIST,
	HOST_DISABLE,
	HOST_ENABLE,
	HOST_RESET_PASSWORD,
	HOST_REVOKE_SESSIONS,
	HOST_LOCKOUTS,
	HOST_UNLOCK,
} host_cmd_t;

static const struct {
	const char *name;
	host_cmd_t cmd;
} host_cmds[] = {
	{"account-list", HOST_LIST},
	{"account-disable", HOST_DISABLE},
	{"account-enable", HOST_ENABLE},
	{"account-reset-password", HOST_RESET_PASSWORD},
	{"account-revoke-sessions", HOST_REVOKE_SESSIONS},
	{"account-lockouts", HOST_LOCKOUTS},
	{"account-unlock", HOST_UNLOCK},
};

#define HOST_NCMDS (sizeof(host_cmds) / sizeof(host_cmds[0]))

int host_account_is_cmd(const char *name)
{
	for (size_t i = 0; i < HOST_NCMDS; i++)
		if (strcmp(name, host_cmds[i].name) == 0)
			return 1;
	return 0;
}

void host_account_usage(FILE *out)
{
	fprintf(out, "       quartierd account-list -c FILE\n"
	             "       quartierd account-disable|account-enable -c FILE LOGIN\n"
	             "       quartierd account-reset-password -c FILE LOGIN   (password on stdin)\n"
	             "       quartierd account-revoke-sessions -c FILE LOGIN\n"
	             "       quartierd account-lockouts -c FILE\n"
	             "       quartierd account-unlock -c FILE LOGIN\n");
}

/* Prints the error of res (or of pg) for subcommand name; returns 1. */
static int host_fail(const char *name, PGconn *pg, PGresult *res)
{
	fprintf(stderr, "quartierd %s: %s", name,
	        res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(pg));
	return 1;
}

static int host_list(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT " PGROW_ACCOUNT_COLS " FROM account ORDER BY id");
	int n;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		host_fail("account-list", pg, res);
		PQclear(res);
		return 1;
	}
	n = PQntuples(res);
	printf("%-6s %-24s %-14s %-8s %s\n", "ID", "LOGIN", "ROLE", "DISABLED", "NAME");
	for (int i = 0; i < n; i++) {
		const char *scope = !PQgetisnull(res, i, 4)   ? "office"
		                    : !PQgetisnull(res, i, 5) ? "organisation"
		                    : !PQgetisnull(res, i, 7) ? "district"
		                                              : NULL;
		int col = !PQgetisnull(res, i, 4) ? 4 : !PQgetisnull(res, i, 5) ? 5 : 7;
		char role[64];

		if (scope != NULL)
			snprintf(role, sizeof(role), "%s(%s %s)", PQgetvalue(res, i, 3), scope,
			         PQgetvalue(res, i, col));
		else
			snprintf(role, sizeof(role), "%s", PQgetvalue(res, i, 3));
		printf("%-6s %-24s %-14s %-8s %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), role,
		       strcmp(PQgetvalue(res, i, 6), "t") == 0 ? "yes" : "no", PQgetvalue(res, i, 2));
	}
	PQclear(res);
	return 0;
}

/* Accounts whose login is locked or has failed attempts counted. */
static int host_lockouts(const config_t *cfg, PGconn *pg)
{
	char window[16];
	const char *p[1] = {window};
	PGresult *res;
	int n;

	snprintf(window, sizeof(window), "%u", cfg->login_failure_window);
	res = PQexecParams(pg, ACCOUNT_LOCKOUTS_SQL, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		host_fail("account-lockouts", pg, res);
		PQclear(res);
		return 1;
	}
	n = PQntuples(res);
	printf("%-6s %-24s %-8s %s\n", "ID", "LOGIN", "FAILURES", "LOCKED");
	for (int i = 0; i < n; i++) {
		const char *locked = "no";
		char until[64];

		if (strcmp(PQgetvalue(res, i, 5), "t") == 0) {
			locked = "until unlocked";
			if (!PQgetisnull(res, i, 4)) {
				time_t t = (time_t)strtoll(PQgetvalue(res, i, 4), NULL, 10);
				struct tm tm;
				strftime(until, sizeof(until), "until %Y-%m-%d %H:%M:%S %Z",
				         localtime_r(&t, &tm));
				locked = until;
			}
		}
		printf("%-6s %-24s %-8s %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		       PQgetvalue(res, i, 2), locked);
	}
	PQclear(res);
	return 0;
}

/* Reads the password from the first line of standard input into buf. */
static int host_read_password(const char *name, char *buf, size_t len)
{
	size_t n;

	if (fgets(buf, (int)len, stdin) == NULL) {
		fprintf(stderr, "quartierd %s: expected the password on standard input\n", name);
		return 2;
	}
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	if (n < AUTH_PASSWORD_MIN || n > AUTH_PASSWORD_MAX) {
		fprintf(stderr, "quartierd %s: the password must have 8 to 1024 bytes\n", name);
		return 2;
	}
	return 0;
}

/* Runs cmd on the account with login; returns the exit code. */
static int host_change(const config_t *cfg, PGconn *pg, const char *name, host_cmd_t cmd,
                       const char *login)
{
	char password[AUTH_PASSWORD_MAX + 2], encoded[AUTH_ENCODED_MAX], id[32];
	auth_params_t ap = {cfg->argon2_memory_kib, cfg->argon2_iterations, cfg->argon2_parallelism};
	const char *lp[1] = {login};
	PGresult *res = NULL;
	int rc = 1;

	password[0] = '\0';
	if (cmd == HOST_RESET_PASSWORD) {
		rc = host_read_password(name, password, sizeof(password));
		if (rc != 0)
			goto out;
		rc = 1;
		if (auth_hash_password(&ap, password, encoded, sizeof(encoded)) != QT_OK) {
			fprintf(stderr, "quartierd %s: cannot hash the password\n", name);
			goto out;
		}
	}
	res = PQexecParams(pg, "SELECT id FROM account WHERE login = $1", 1, NULL, lp, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = host_fail(name, pg, res);
		goto out;
	}
	if (PQntuples(res) != 1) {
		fprintf(stderr, "quartierd %s: no account with login \"%s\"\n", name, login);
		rc = 3;
		goto out;
	}
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);

	if (cmd == HOST_DISABLE || cmd == HOST_ENABLE) {
		const char *p[8] = {NULL, id, cmd == HOST_DISABLE ? "true" : "false",
		                    NULL, NULL, NULL, NULL, NULL};
		res = PQexecParams(pg, ACCOUNT_UPDATE_SQL, 8, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			rc = host_fail(name, pg, res);
			goto out;
		}
		if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
			fprintf(stderr, "quartierd %s: \"%s\" is the last enabled admin; enable or "
			                "appoint another admin first\n", name, login);
			rc = 3;
			goto out;
		}
		printf("%s account %s (id %s)\n", cmd == HOST_DISABLE ? "disabled" : "enabled", login,
		       id);
	} else if (cmd == HOST_RESET_PASSWORD) {
		const char *p[3] = {NULL, id, encoded};
		res = PQexecParams(pg, ACCOUNT_RESET_PASSWORD_SQL, 3, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			rc = host_fail(name, pg, res);
			goto out;
		}
		printf("set a new password for account %s (id %s)\n", login, id);
	} else if (cmd == HOST_UNLOCK) {
		const char *p[2] = {NULL, id};
		res = PQexecParams(pg, ACCOUNT_UNLOCK_SQL, 2, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
			rc = host_fail(name, pg, res);
			goto out;
		}
		if (strcmp(PQgetvalue(res, 0, 1), "t") == 0)
			printf("unlocked account %s (id %s); forgot %s failed login(s)\n", login, id,
			       PQgetvalue(res, 0, 2));
		else
			printf("account %s (id %s) was not locked; forgot %s failed login(s)\n", login, id,
			       PQgetvalue(res, 0, 2));
	} else {
		const char *p[2] = {NULL, id};
		res = PQexecParams(pg, ACCOUNT_REVOKE_SESSIONS_SQL, 2, NULL, p, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
			rc = host_fail(name, pg, res);
			goto out;
		}
		printf("revoked %s session(s) of account %s (id %s)\n", PQgetvalue(res, 0, 0), login,
		       id);
	}
	rc = 0;
out:
	OPENSSL_cleanse(password, sizeof(password));
	OPENSSL_cleanse(encoded, sizeof(encoded));
	if (res != NULL)
		PQclear(res);
	return rc;
}

int host_account_main(const config_t *cfg, const qlog_t *log, int argc, char **argv)
{
	const char *name = argv[0], *login = NULL;
	host_cmd_t cmd = HOST_LIST;
	PGconn *pg;
	int rc, listing;

	for (size_t i = 0; i < HOST_NCMDS; i++)
		if (strcmp(name, host_cmds[i].name) == 0)
			cmd = host_cmds[i].cmd;
	listing = cmd == HOST_LIST || cmd == HOST_LOCKOUTS;

	if (listing ? argc != 1 : argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "quartierd %s: %s\n", name,
		        listing ? "takes no arguments but -c FILE" : "expects one LOGIN");
		return 2;
	}
	login = listing ? NULL : argv[1];
	pg = PQconnectdb(cfg->db_conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "quartierd %s: cannot connect to the database: %s", name,
		        PQerrorMessage(pg));
		PQfinish(pg);
		return 1;
	}
	if (migrate_run(pg, log, cfg->auto_migrate) != QT_OK)
		rc = 1;
	else if (cmd == HOST_LIST)
		rc = host_list(pg);
	else if (cmd == HOST_LOCKOUTS)
		rc = host_lockouts(cfg, pg);
	else
		rc = host_change(cfg, pg, name, cmd, login);
	PQfinish(pg);
	return rc;
}
