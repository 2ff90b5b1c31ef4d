/* The TLS profile as an outside scanner sees it: testssl (Debian package
 * testssl.sh) scans a real quartierd that trusts nothing but the test CA
 * and writes its findings as JSON.  No finding may be of severity MEDIUM
 * or worse (testssl's exit status says little: it is 7 for strong and weak
 * servers alike), SSLv2, SSLv3, TLS 1.0 and TLS 1.1 must be refused and
 * TLS 1.2 and 1.3 offered.  Under deploy/soak.sh the result is quoted as
 * "check testssl ...".
 *
 * One finding is exempt, by name: cert_revocation ("Neither CRL nor OCSP
 * URI provided", HIGH) judges the certificate's issuer, not the server.
 * The throwaway test CA runs no revocation service, and a URI pointing
 * nowhere would only hide the fact; certificates of the city's CA carry
 * its CRL or OCSP address. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(tls, .fini = harness_fini, .timeout = 900);

#define TESTSSL "testssl"

/* Findings about the issuing CA rather than the server (see above). */
static const char *const exempt_ids[] = {"cert_revocation"};

static int exempt(const char *id)
{
	for (size_t i = 0; i < sizeof(exempt_ids) / sizeof(exempt_ids[0]); i++)
		if (strcmp(id, exempt_ids[i]) == 0)
			return 1;
	return 0;
}

/* One finding of the flat JSON output. */
typedef struct finding {
	char id[64];
	char severity[16];
	char text[512];
} finding_t;

/* Copies the string value of "key" from a line of the JSON file into
 * out; returns 0 if the line does not hold the key.  testssl writes one
 * "key" : "value" pair per line; escapes are copied as they are. */
static int json_field(const char *line, const char *key, char *out, size_t len)
{
	char pat[80];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(line, pat);
	if (p == NULL)
		return 0;
	p = strchr(p + strlen(pat), '"');
	if (p == NULL)
		return 0;
	for (p++; *p != '\0' && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1] != '\0')
			out[n++] = *p++;
		out[n++] = *p;
	}
	out[n] = '\0';
	return 1;
}

static int severity_rank(const char *s)
{
	static const char *const order[] = {"OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(s, order[i]) == 0)
			return (int)i;
	return -1; /* WARN, DEBUG, FATAL: scanner trouble, not findings */
}

/* Runs testssl against the harness's server; its console output goes to
 * log_path, its findings to json_path.  Returns the wait status. */
static int run_testssl(const char *json_path, const char *log_path)
{
	char target[64];
	pid_t pid;
	int status;

	snprintf(target, sizeof(target), "127.0.0.1:%u", (unsigned)H.port);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		fd = open("/dev/null", O_RDONLY);
		dup2(fd, 0);
		/* The server speaks its own protocol, not HTTP: no header checks.
		 * Everything else of a default run: protocols, cipher
		 * categories, server preferences and defaults, forward secrecy,
		 * vulnerabilities. */
		execlp(TESTSSL, TESTSSL, "--quiet", "--color", "0", "--warnings", "off",
		       "--add-ca", H.ca_file, "--jsonfile", json_path, "--connect-timeout", "10",
		       "--openssl-timeout", "10", "-p", "-s", "-P", "-S", "-f", "-U", target,
		       (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", TESTSSL, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

Test(tls, testssl_finds_nothing_medium_or_worse_and_old_protocols_refused)
{
	char json[PATH_MAX + 32], log[PATH_MAX + 32], line[4096], bad[4096] = "";
	int status, n_findings = 0, n_bad = 0, n_exempt = 0;
	int tls10_refused = 0, tls11_refused = 0, ssl2_refused = 0, ssl3_refused = 0;
	int tls12_offered = 0, tls13_offered = 0;
	finding_t fd;
	FILE *f;

	harness_standard(&H, NULL);
	snprintf(json, sizeof(json), "%s/testssl.json", H.dir);
	snprintf(log, sizeof(log), "%s/testssl.log", H.dir);
	status = run_testssl(json, log);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 127,
	          "testssl did not run (install the Debian package testssl.sh)");
	cr_assert(harness_server_alive(&H), "quartierd died during the scan");

	f = fopen(json, "r");
	cr_assert_not_null(f, "testssl wrote no %s; its output is in %s", json, log);
	memset(&fd, 0, sizeof(fd));
	while (fgets(line, sizeof(line), f) != NULL) {
		/* One "key" : "value" per line, objects closed by "}". */
		json_field(line, "id", fd.id, sizeof(fd.id));
		json_field(line, "severity", fd.severity, sizeof(fd.severity));
		json_field(line, "finding", fd.text, sizeof(fd.text));
		if (strchr(line, '}') == NULL)
			continue;
		if (fd.id[0] == '\0' || fd.severity[0] == '\0') {
			memset(&fd, 0, sizeof(fd));
			continue;
		}
		n_findings++;
		cr_assert(strcmp(fd.severity, "FATAL") != 0, "testssl failed: %s: %s", fd.id, fd.text);
		if (severity_rank(fd.severity) >= 3 && exempt(fd.id)) {
			n_exempt++;
		} else if (severity_rank(fd.severity) >= 3) {
			size_t used = strlen(bad);
			snprintf(bad + used, sizeof(bad) - used, "  %s %s: %s\n", fd.severity, fd.id,
			         fd.text);
			n_bad++;
		}
		if (strcmp(fd.id, "SSLv2") == 0)
			ssl2_refused = strstr(fd.text, "not offered") != NULL;
		else if (strcmp(fd.id, "SSLv3") == 0)
			ssl3_refused = strstr(fd.text, "not offered") != NULL;
		else if (strcmp(fd.id, "TLS1") == 0)
			tls10_refused = strstr(fd.text, "not offered") != NULL;
		else if (strcmp(fd.id, "TLS1_1") == 0)
			tls11_refused = strstr(fd.text, "not offered") != NULL;
		else if (strcmp(fd.id, "TLS1_2") == 0)
			tls12_offered = strncmp(fd.text, "offered", 7) == 0;
		else if (strcmp(fd.id, "TLS1_3") == 0)
			tls13_offered = strncmp(fd.text, "offered", 7) == 0;
		memset(&fd, 0, sizeof(fd));
	}
	fclose(f);

	cr_assert_gt(n_findings, 20, "testssl reported only %d findings; see %s", n_findings, log);
	cr_assert_eq(n_bad, 0, "testssl findings of severity MEDIUM or worse:\n%s", bad);
	cr_assert(ssl2_refused && ssl3_refused, "SSLv2/SSLv3 are not reported as refused");
	cr_assert(tls10_refused, "TLS 1.0 is not reported as refused");
	cr_assert(tls11_refused, "TLS 1.1 is not reported as refused");
	cr_assert(tls12_offered && tls13_offered, "TLS 1.2 and 1.3 must both be offered");
	harness_finish(&H);

	{
		const char *path = getenv("QT_SOAK_REPORT");
		if (path != NULL && path[0] != '\0') {
			FILE *r = fopen(path, "a");
			cr_assert_not_null(r, "%s", path);
			fprintf(r,
			        "check testssl findings=%d medium_or_worse=0 exempt=%d(cert_revocation) "
			        "tls1.0=refused tls1.1=refused PASS\n",
			        n_findings, n_exempt);
			fclose(r);
		}
	}
}
