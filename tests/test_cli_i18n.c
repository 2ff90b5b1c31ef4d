/* The command line client in German and English: the real `quartier`
 * binary of the build tree (which finds its message catalogue beside
 * itself) against a real quartierd, PostgreSQL and TLS, run with
 * LANG=de_DE.UTF-8 and with LANG=C.UTF-8.  Tables, key/value blocks, the
 * server's statuses, usage errors and help are German in the one and
 * English in the other; --json output, exit codes and numbers are the same
 * in both. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#ifndef QUARTIER_CLI_PATH
#error "QUARTIER_CLI_PATH must name the quartier binary of the build tree"
#endif

TestSuite(cli_i18n, .fini = harness_fini, .timeout = 180);

#define DE "de_DE.UTF-8"
#define EN "C.UTF-8"

/* What one run of the CLI printed. */
typedef struct cli_run {
	int exit_code; /* -1 if it did not exit normally */
	char *out;     /* standard output, NUL-terminated */
	char *err;     /* standard error */
} cli_run_t;

static void cli_run_clear(cli_run_t *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Runs quartier with args (NULL-terminated) in a clean environment: the
 * test's own HOME and XDG directories, LANG=lang and no other locale
 * variable, QUARTIER_LOCALEDIR=localedir if not NULL; input (may be NULL)
 * on standard input.  Connection options point at the test's server. */
static cli_run_t cli(const char *lang, const char *localedir, const char *input,
                     const char *const *args)
{
	char out_path[PATH_MAX + 16], err_path[PATH_MAX + 16], port[16];
	char home[PATH_MAX + 64], cfg[PATH_MAX + 64], data[PATH_MAX + 64], langvar[64];
	char localevar[PATH_MAX + 32];
	const char *argv[48], *envp[8];
	int in_pipe[2], status = 0, k = 0, e = 0;
	cli_run_t r;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	snprintf(out_path, sizeof(out_path), "%s/cli.out", H.dir);
	snprintf(err_path, sizeof(err_path), "%s/cli.err", H.dir);
	snprintf(port, sizeof(port), "%u", (unsigned)H.port);
	snprintf(home, sizeof(home), "HOME=%s/home", H.dir);
	snprintf(cfg, sizeof(cfg), "XDG_CONFIG_HOME=%s/config", H.dir);
	snprintf(data, sizeof(data), "XDG_DATA_HOME=%s/data", H.dir);
	snprintf(langvar, sizeof(langvar), "LANG=%s", lang);
	envp[e++] = "PATH=/usr/bin:/bin";
	envp[e++] = home;
	envp[e++] = cfg;
	envp[e++] = data;
	envp[e++] = langvar;
	if (localedir != NULL) {
		snprintf(localevar, sizeof(localevar), "QUARTIER_LOCALEDIR=%s", localedir);
		envp[e++] = localevar;
	}
	envp[e] = NULL;
	argv[k++] = QUARTIER_CLI_PATH;
	argv[k++] = "--host";
	argv[k++] = "127.0.0.1";
	argv[k++] = "--port";
	argv[k++] = port;
	argv[k++] = "--ca";
	argv[k++] = H.ca_file;
	for (size_t i = 0; args[i] != NULL && k < 47; i++)
		argv[k++] = args[i];
	argv[k] = NULL;

	cr_assert_eq(pipe(in_pipe), 0);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in_pipe[0], 0);
		close(in_pipe[0]);
		close(in_pipe[1]);
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execve(argv[0], (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	close(in_pipe[0]);
	if (input != NULL) {
		size_t len = strlen(input), off = 0;

		while (off < len) {
			ssize_t n = write(in_pipe[1], input + off, len - off);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
	}
	close(in_pipe[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	cr_assert_neq(r.exit_code, 127, "cannot execute %s", QUARTIER_CLI_PATH);
	r.out = harness_read_file(out_path);
	r.err = harness_read_file(err_path);
	return r;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Asserts that the run printed needle to stdout (or stderr). */
#define expect_out(r, needle)                                                                      \
	cr_expect(strstr((r).out, (needle)) != NULL, "stdout lacks \"%s\":\n%s\nstderr:\n%s",      \
	          (needle), (r).out, (r).err)
#define expect_err(r, needle)                                                                      \
	cr_expect(strstr((r).err, (needle)) != NULL, "stderr lacks \"%s\":\n%s", (needle), (r).err)

/* Whether s holds a digit, a comma and a digit: a decimal comma where the
 * output must keep the C locale's decimal point. */
static int has_decimal_comma(const char *s)
{
	for (const char *p = strchr(s, ','); p != NULL; p = strchr(p + 1, ','))
		if (p > s && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9')
			return 1;
	return 0;
}

/* Whether s holds a digit, a point and a digit. */
static int has_decimal_point(const char *s)
{
	for (const char *p = strchr(s, '.'); p != NULL; p = strchr(p + 1, '.'))
		if (p > s && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' && p[1] <= '9')
			return 1;
	return 0;
}

/* A server with seed data, an admin and one project; the CLI logged in. */
static int64_t setup(void)
{
	int64_t quarter[1], office[1];
	qt_project_new_t in;
	qt_project_t p;
	qt_client_t *c;
	cli_run_t r;
	int64_t id;

	/* The German runs need the locale itself, not only the catalogue:
	 * deploy/lib.sh (qt_install_deps) generates it on a fresh system. */
	cr_assert_not_null(setlocale(LC_ALL, DE),
	                   "locale " DE " is not installed; run deploy/test.sh, whose "
	                   "qt_install_deps generates it (QT_LOCALES in deploy/lib.sh)");
	setlocale(LC_ALL, "C");
	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	quarter[0] = H.seed.quarter_heslach;
	office[0] = H.seed.office_social;
	memset(&in, 0, sizeof(in));
	in.name = "Stadtteilarbeit Heslach";
	in.kind = QT_KIND_COMPREHENSIVE;
	in.quarter_ids = quarter;
	in.n_quarter_ids = 1;
	in.lead_office_ids = office;
	in.n_lead_office_ids = 1;
	in.carrier_id = H.seed.org_caritas;
	memset(&p, 0, sizeof(p));
	cr_assert_eq(qt_project_create(c, &in, &p), QT_OK, "%s", qt_client_last_error(c)->message);
	id = p.id;
	qt_project_clear(&p);
	qt_client_free(c);

	r = cli(DE, NULL, HARNESS_PASSWORD "\n",
	        ARGS("login", "--user", "admin", "--password-stdin"));
	cr_assert_eq(r.exit_code, 0, "login: %s", r.err);
	expect_out(r, "Angemeldet als admin");
	cli_run_clear(&r);
	return id;
}

Test(cli_i18n, project_list_and_show_in_german_and_english)
{
	char ids[24];
	cli_run_t de, en;
	int64_t id = setup();

	de = cli(DE, NULL, NULL, ARGS("project", "list"));
	en = cli(EN, NULL, NULL, ARGS("project", "list"));
	cr_assert_eq(de.exit_code, 0, "%s", de.err);
	cr_assert_eq(en.exit_code, 0, "%s", en.err);
	/* Headers and enum labels in the user's language; data as stored. */
	expect_out(de, "ART");
	expect_out(de, "STADTBEZIRK");
	expect_out(de, "QUARTIERE");
	expect_out(de, "FEDERFÜHRENDES AMT");
	expect_out(de, "TRÄGER");
	expect_out(de, "umfassend");
	expect_out(de, "Antrag");
	expect_out(de, "Stadtteilarbeit Heslach");
	expect_out(de, "Caritasverband Stuttgart");
	expect_out(en, "KIND");
	expect_out(en, "DISTRICT");
	expect_out(en, "QUARTERS");
	expect_out(en, "LEAD OFFICE");
	expect_out(en, "CARRIER");
	expect_out(en, "comprehensive");
	expect_out(en, "application");
	expect_out(en, "Stadtteilarbeit Heslach");
	cr_expect(strstr(en.out, "QUARTIERE") == NULL && strstr(en.out, "Antrag") == NULL,
	          "German in the English table:\n%s", en.out);
	cli_run_clear(&de);
	cli_run_clear(&en);

	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	de = cli(DE, NULL, NULL, ARGS("project", "show", ids));
	en = cli(EN, NULL, NULL, ARGS("project", "show", ids));
	cr_assert_eq(de.exit_code, 0, "%s", de.err);
	cr_assert_eq(en.exit_code, 0, "%s", en.err);
	expect_out(de, "Status        Antrag (application)\n");
	expect_out(de, "Art           umfassend (comprehensive)\n");
	expect_out(de, "Federführung  Sozialamt");
	expect_out(de, "Beschreibung  -\n");
	expect_out(en, "status        application (Antrag)\n");
	expect_out(en, "kind          comprehensive (umfassende soziale Quartiersentwicklung)\n");
	expect_out(en, "lead offices  Sozialamt");
	cli_run_clear(&de);
	cli_run_clear(&en);
}

Test(cli_i18n, json_is_the_same_in_every_language)
{
	cli_run_t de, en;

	setup();
	de = cli(DE, NULL, NULL, ARGS("--json", "project", "list"));
	en = cli(EN, NULL, NULL, ARGS("--json", "project", "list"));
	cr_assert_eq(de.exit_code, 0, "%s", de.err);
	cr_assert_eq(en.exit_code, 0, "%s", en.err);
	cr_expect_str_eq(de.out, en.out);
	cr_expect(strstr(de.out, "\"status\": \"application\"") != NULL, "%s", de.out);
	cli_run_clear(&de);
	cli_run_clear(&en);

	/* Numbers keep the decimal point: LC_NUMERIC stays "C" in German. */
	de = cli(DE, NULL, NULL, ARGS("--json", "admin", "stats"));
	cr_assert_eq(de.exit_code, 0, "%s", de.err);
	cr_expect(!has_decimal_comma(de.out), "decimal comma in JSON:\n%s", de.out);
	cli_run_clear(&de);
	de = cli(DE, NULL, NULL, ARGS("admin", "stats"));
	cr_assert_eq(de.exit_code, 0, "%s", de.err);
	expect_out(de, "MITTEL MS");
	/* "0.02" or "47.61": some figure with a decimal point. */
	cr_expect(has_decimal_point(de.out), "no decimal point in the table:\n%s", de.out);
	cr_expect(!has_decimal_comma(de.out), "decimal comma in the table:\n%s", de.out);
	cli_run_clear(&de);
}

Test(cli_i18n, server_errors_usage_errors_and_help)
{
	cli_run_t de, en;

	setup();
	/* A status from the server: described in the user's language, the
	 * server's own (English) message as the detail, the same exit code. */
	de = cli(DE, NULL, NULL, ARGS("project", "show", "999999"));
	en = cli(EN, NULL, NULL, ARGS("project", "show", "999999"));
	cr_expect_eq(de.exit_code, 3, "%s", de.err);
	cr_expect_eq(en.exit_code, 3, "%s", en.err);
	cr_expect(strncmp(de.err, "quartier: nicht gefunden", 24) == 0, "%s", de.err);
	cr_expect(strncmp(en.err, "quartier: not found", 19) == 0, "%s", en.err);
	cli_run_clear(&de);
	cli_run_clear(&en);

	/* A value the server refuses (invalid argument, with its field). */
	de = cli(DE, NULL, NULL,
	         ARGS("project", "create", "--name", "", "--kind", "focused", "--quarter", "1",
	              "--lead-office", "1"));
	cr_expect_eq(de.exit_code, 6, "%s", de.err);
	expect_err(de, "quartier: ungültige Angabe");
	expect_err(de, "(Feld: ");
	cli_run_clear(&de);

	/* Usage errors come from the CLI itself. */
	de = cli(DE, NULL, NULL, ARGS("project", "list", "--bogus"));
	en = cli(EN, NULL, NULL, ARGS("project", "list", "--bogus"));
	cr_expect_eq(de.exit_code, 2);
	cr_expect_eq(en.exit_code, 2);
	cr_expect_str_eq(de.err, "quartier: unbekannte Option --bogus\n"
	                         "Hilfe: „quartier project --help“.\n");
	cr_expect_str_eq(en.err, "quartier: unknown option --bogus\n"
	                         "Try 'quartier project --help'.\n");
	cli_run_clear(&de);
	cli_run_clear(&en);

	de = cli(DE, NULL, NULL, ARGS("project", "show", "abc"));
	cr_expect_eq(de.exit_code, 2);
	expect_err(de, "quartier: Projekt-ID „abc“ ist ungültig (eine Zahl wird erwartet)");
	cli_run_clear(&de);

	de = cli(DE, NULL, NULL, ARGS("--help"));
	en = cli(EN, NULL, NULL, ARGS("--help"));
	cr_expect(strncmp(de.out, "Aufruf: quartier [globale Optionen] BEFEHL", 42) == 0, "%s",
	          de.out);
	cr_expect(strncmp(en.out, "Usage: quartier [global options] COMMAND", 40) == 0, "%s",
	          en.out);
	expect_out(de, "Projektbegleitgruppen");
	cli_run_clear(&de);
	cli_run_clear(&en);

	/* After logout: the hint in German. */
	de = cli(DE, NULL, NULL, ARGS("logout"));
	cr_expect_eq(de.exit_code, 0, "%s", de.err);
	expect_out(de, "Abgemeldet.");
	cli_run_clear(&de);
	de = cli(DE, NULL, NULL, ARGS("whoami"));
	cr_expect_eq(de.exit_code, 4);
	expect_err(de, "quartier: nicht angemeldet; bitte anmelden: quartier login --user NAME");
	cli_run_clear(&de);
}

Test(cli_i18n, quartier_localedir_overrides_the_catalogue)
{
	char empty[PATH_MAX + 16];
	cli_run_t de;

	setup();
	/* A directory without catalogues: German locale, English messages. */
	snprintf(empty, sizeof(empty), "%s/no-locale", H.dir);
	cr_assert_eq(mkdir(empty, 0755), 0, "%s", strerror(errno));
	de = cli(DE, empty, NULL, ARGS("project", "list", "--bogus"));
	cr_expect_eq(de.exit_code, 2);
	expect_err(de, "quartier: unknown option --bogus");
	cli_run_clear(&de);
}

/* `account lockouts` and `account unlock` (a lock made as the server makes
 * it after too many failed logins; test_throttle checks how it comes). */
Test(cli_i18n, account_lockouts_and_unlock)
{
	char id[32], line[128];
	cli_run_t r;

	setup();
	snprintf(id, sizeof(id), "%lld",
	         (long long)harness_account(&H, "lena", "viewer", 0, 0, HARNESS_PASSWORD));
	harness_sql_exec(&H, "INSERT INTO login_throttle (login, failures, last_attempt_at, locked_at) "
	                     "VALUES ('lena', 10, now(), now())");

	r = cli(DE, NULL, NULL, ARGS("account", "lockouts"));
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	expect_out(r, "FEHLVERSUCHE");
	expect_out(r, "lena");
	expect_out(r, "bis zur Entsperrung");
	cli_run_clear(&r);
	r = cli(EN, NULL, NULL, ARGS("--json", "account", "lockouts"));
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	expect_out(r, "\"login\": \"lena\"");
	expect_out(r, "\"locked\": true");
	cli_run_clear(&r);

	r = cli(EN, NULL, NULL, ARGS("account", "unlock", "lena"));
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	snprintf(line, sizeof(line), "unlocked account %s (10 failed logins forgotten)", id);
	expect_out(r, line);
	cli_run_clear(&r);
	cr_expect_eq(harness_sql_int(&H, "SELECT count(*) FROM login_throttle WHERE login = 'lena'", 0,
	                             NULL, NULL, NULL),
	             0);
	r = cli(DE, NULL, NULL, ARGS("account", "unlock", "lena"));
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	snprintf(line, sizeof(line), "Konto %s war nicht gesperrt", id);
	expect_out(r, line);
	cli_run_clear(&r);
	harness_finish(&H);
}

/* `quartier admin person-export|person-erase` (GDPR): the export goes to a
 * file only its owner may read and is valid JSON; the erasure reports the
 * pseudonym in German, a second one says that nothing changed, and a
 * missing reason is a usage error. */
Test(cli_i18n, admin_person_export_and_erase)
{
	char ids[24], path[PATH_MAX + 32], cmd[PATH_MAX + 256], want[128];
	qt_person_new_t in;
	qt_person_t p;
	qt_client_t *c;
	struct stat sb;
	cli_run_t de, en;

	setup();
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	memset(&in, 0, sizeof(in));
	in.name = "Gülsüm Öztürk";
	in.email = "guelsuem@example.org";
	memset(&p, 0, sizeof(p));
	cr_assert_eq(qt_person_create(c, &in, &p), QT_OK, "%s", qt_client_last_error(c)->message);
	snprintf(ids, sizeof(ids), "%lld", (long long)p.id);
	qt_person_clear(&p);
	qt_client_free(c);

	snprintf(path, sizeof(path), "%s/auskunft.json", H.dir);
	de = cli(DE, NULL, NULL, ARGS("admin", "person-export", ids, "-o", path));
	cr_assert_eq(de.exit_code, 0, "%s", de.err);
	expect_out(de, "nur für Sie lesbar");
	cli_run_clear(&de);
	cr_assert_eq(stat(path, &sb), 0, "%s", strerror(errno));
	cr_expect_eq(sb.st_mode & 0777, 0600, "mode %o", (unsigned)(sb.st_mode & 0777));
	snprintf(cmd, sizeof(cmd),
	         "python3 -c 'import json, sys; d = json.load(open(sys.argv[1], encoding=\"utf-8\")); "
	         "assert d[\"person\"][\"email\"] == \"guelsuem@example.org\"' '%s'",
	         path);
	cr_expect_eq(system(cmd), 0, "the exported file is not the person as JSON");

	de = cli(DE, NULL, NULL, ARGS("admin", "person-erase", ids));
	cr_expect_eq(de.exit_code, 2, "%s", de.err);
	expect_err(de, "--reason TEXT fehlt");
	cli_run_clear(&de);

	de = cli(DE, NULL, NULL, ARGS("admin", "person-erase", ids, "--reason", "Antrag vom 1.3."));
	cr_assert_eq(de.exit_code, 0, "%s", de.err);
	snprintf(want, sizeof(want), "der Name lautet jetzt „Person %s (gelöscht)“", ids);
	expect_out(de, want);
	expect_out(de, "Geschwärzte Einträge im Änderungsprotokoll: ");
	cli_run_clear(&de);
	en = cli(EN, NULL, NULL, ARGS("admin", "person-erase", ids, "--reason", "again"));
	cr_assert_eq(en.exit_code, 0, "%s", en.err);
	snprintf(want, sizeof(want), "Person %s was already erased on ", ids);
	expect_out(en, want);
	cli_run_clear(&en);
}

Test(cli_i18n, audit_verify_in_german_and_english)
{
	char want[160], sql[256];
	cli_run_t de, en, dj, ej;
	int64_t rows, id;

	setup();
	rows = harness_wait_audit_sealed(&H, 60000);
	de = cli(DE, NULL, NULL, ARGS("audit", "verify"));
	en = cli(EN, NULL, NULL, ARGS("audit", "verify"));
	cr_expect_eq(de.exit_code, 0, "%s", de.err);
	cr_expect_eq(en.exit_code, 0, "%s", en.err);
	snprintf(want, sizeof(want), "Änderungsprotokoll unversehrt: %lld Einträge geprüft",
	         (long long)rows);
	expect_out(de, want);
	expect_out(de, "Kettenende: ");
	snprintf(want, sizeof(want), "Audit log intact: %lld rows checked", (long long)rows);
	expect_out(en, want);
	expect_out(en, "Head: ");
	cli_run_clear(&de);
	cli_run_clear(&en);

	/* An entry edited behind the server's back. */
	id = harness_sql_int(&H, "SELECT audit_id FROM audit_seal WHERE pos = 1", 0, NULL, NULL, NULL);
	snprintf(sql, sizeof(sql),
	         "SET session_replication_role = replica; UPDATE audit SET action = 'forged' "
	         "WHERE id = %lld; RESET session_replication_role",
	         (long long)id);
	harness_sql_exec(&H, sql);
	de = cli(DE, NULL, NULL, ARGS("audit", "verify"));
	en = cli(EN, NULL, NULL, ARGS("audit", "verify"));
	cr_expect_eq(de.exit_code, 1, "%s", de.err);
	cr_expect_eq(en.exit_code, 1, "%s", en.err);
	snprintf(want, sizeof(want),
	         "Änderungsprotokoll BESCHÄDIGT (Inhalt geändert): erster fehlerhafter Eintrag "
	         "%lld, Kettenposition 1.",
	         (long long)id);
	expect_out(de, want);
	snprintf(want, sizeof(want),
	         "Audit log DAMAGED (content edited): first bad row %lld, chain position 1.",
	         (long long)id);
	expect_out(en, want);
	/* The server's description stays English in both. */
	snprintf(want, sizeof(want), "row %lld (chain position 1) was edited", (long long)id);
	expect_out(de, want);
	expect_out(en, want);
	dj = cli(DE, NULL, NULL, ARGS("--json", "audit", "verify"));
	ej = cli(EN, NULL, NULL, ARGS("--json", "audit", "verify"));
	cr_expect_eq(dj.exit_code, 1);
	cr_expect_str_eq(dj.out, ej.out, "--json differs by language");
	expect_out(dj, "\"problem\": \"edited\"");
	cli_run_clear(&de);
	cli_run_clear(&en);
	cli_run_clear(&dj);
	cli_run_clear(&ej);
}
