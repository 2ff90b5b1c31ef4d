/* Smoke test of quartier-bench: every workload runs for a moment against
 * the real server (TLS, PostgreSQL) and does what it says — the changes it
 * reports are in the database, audited, with their answers stored for
 * replays; a snapshot has every record; every subscriber gets every push;
 * idle connections stay up.  Correctness only: no timing is asserted
 * (deploy/bench.sh measures). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#ifndef QUARTIER_BENCH_PATH
#error "QUARTIER_BENCH_PATH must name the quartier-bench binary"
#endif

TestSuite(bench, .fini = harness_fini, .timeout = 240);

/* Runs quartier-bench with args (NULL-terminated) and --json against the
 * harness's server as admin; returns its exit status and its output (the
 * caller frees it). */
static int bench_run(char **out, const char *const *args)
{
	char port[16], pw_path[PATH_MAX + 16], out_path[PATH_MAX + 16], err_path[PATH_MAX + 16];
	const char *argv[64];
	int k = 0, status, fd;
	pid_t pid;
	FILE *f;

	snprintf(port, sizeof(port), "%u", (unsigned)H.port);
	snprintf(pw_path, sizeof(pw_path), "%s/bench-password", H.dir);
	snprintf(out_path, sizeof(out_path), "%s/bench.out", H.dir);
	snprintf(err_path, sizeof(err_path), "%s/bench.err", H.dir);
	f = fopen(pw_path, "w");
	cr_assert_not_null(f);
	fprintf(f, "%s\n", HARNESS_PASSWORD);
	fclose(f);
	argv[k++] = QUARTIER_BENCH_PATH;
	argv[k++] = "-p";
	argv[k++] = port;
	argv[k++] = "--ca-file";
	argv[k++] = H.ca_file;
	argv[k++] = "-U";
	argv[k++] = "admin";
	argv[k++] = "--password-file";
	argv[k++] = pw_path;
	argv[k++] = "--json";
	for (size_t i = 0; args[i] != NULL && k < 63; i++)
		argv[k++] = args[i];
	argv[k] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execv(QUARTIER_BENCH_PATH, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*out = harness_read_file(out_path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char line[512];
		f = fopen(err_path, "r");
		fprintf(stderr, "quartier-bench %s exited with %d; output: %s\n", args[0],
		        WIFEXITED(status) ? WEXITSTATUS(status) : -1, *out);
		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			fputs(line, stderr);
		if (f != NULL)
			fclose(f);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The number after "key": in the JSON output (the first occurrence). */
static double jnum(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	cr_assert_not_null(p, "no \"%s\" in %s", key, json);
	return strtod(p + strlen(pat), NULL);
}

/* Runs a workload that must succeed; returns its JSON (caller frees). */
static char *bench_ok(const char *const *args)
{
	char *out = NULL;
	int rc = bench_run(&out, args);

	cr_assert_eq(rc, 0, "quartier-bench %s failed (exit %d): %s", args[0], rc, out);
	cr_assert_eq(jnum(out, "errors"), 0, "%s", out);
	return out;
}

static int64_t sql_int(const char *sql)
{
	return harness_sql_int(&H, sql, 0, NULL, NULL, NULL);
}

/* A server with n projects made by the create workload. */
static void setup(int n)
{
	char count[16];
	char *out;

	harness_standard(&H, NULL);
	snprintf(count, sizeof(count), "%d", n);
	out = bench_ok((const char *const[]){"create", "-c", "3", "-n", count, NULL});
	cr_assert_eq(jnum(out, "ok"), n, "%s", out);
	free(out);
	cr_assert_eq(sql_int("SELECT count(*) FROM project WHERE version = 1"), n);
	cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE action = 'project.create'"), n);
}

/* Stored answers are written after the answer goes out: wait for them. */
static void wait_stored_answers(int64_t want)
{
	for (int i = 0; i < 100; i++) {
		if (sql_int("SELECT count(*) FROM client_mutation WHERE response IS NOT NULL") >= want)
			break;
		harness_sleep_ms(100);
	}
	cr_assert_eq(sql_int("SELECT count(*) FROM client_mutation"), want);
	cr_assert_eq(sql_int("SELECT count(*) FROM client_mutation WHERE response IS NOT NULL"), want);
}

Test(bench, updates_are_applied_once_audited_and_replayable)
{
	char *out;
	double mixed_writes;

	setup(20);
	/* 4 clients on 20 projects: conflicts happen and are retried. */
	out = bench_ok((const char *const[]){"update", "-c", "4", "-d", "2", "-n", "200", NULL});
	cr_assert_eq(jnum(out, "ok"), 200, "%s", out);
	free(out);
	cr_assert_eq(sql_int("SELECT sum(version - 1) FROM project"), 200);
	cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE action = 'project.update'"), 200);
	out = bench_ok((const char *const[]){"mixed", "-c", "4", "-n", "200", NULL});
	cr_assert_eq(jnum(out, "ok"), 200, "%s", out);
	mixed_writes = jnum(out, "writes");
	cr_assert_eq(jnum(out, "reads") + mixed_writes, 200, "%s", out);
	free(out);
	cr_assert_eq(sql_int("SELECT sum(version - 1) FROM project"), 200 + (int64_t)mixed_writes);
	/* Every change carried a mutation id; each is recorded once with its answer. */
	wait_stored_answers(20 + 200 + (int64_t)mixed_writes);
	harness_finish(&H);
}

Test(bench, reads_run_without_errors)
{
	char *out;

	setup(12);
	out = bench_ok((const char *const[]){"get", "-c", "4", "-j", "2", "-d", "4", "-T", "1", "-W", "0.2", NULL});
	cr_assert_gt(jnum(out, "ok"), 0, "%s", out);
	cr_assert_gt(jnum(out, "p99"), 0, "%s", out);
	free(out);
	out = bench_ok((const char *const[]){"list", "-c", "2", "--page-size", "5", "-T", "1", "-W", "0.2", NULL});
	cr_assert_gt(jnum(out, "ok"), 0, "%s", out);
	cr_assert_geq(jnum(out, "records"), jnum(out, "ok"), "%s", out);
	free(out);
	/* Open loop: the schedule is kept. */
	out = bench_ok((const char *const[]){"get", "-c", "2", "-R", "50", "-n", "25", NULL});
	cr_assert_eq(jnum(out, "ok"), 25, "%s", out);
	free(out);
	harness_finish(&H);
}

Test(bench, sync_initial_sees_every_record)
{
	char *out;
	int64_t n;

	setup(15);
	n = sql_int("SELECT (SELECT count(*) FROM district) + (SELECT count(*) FROM quarter) + "
	            "(SELECT count(*) FROM office) + (SELECT count(*) FROM organisation) + "
	            "(SELECT count(*) FROM project)");
	out = bench_ok((const char *const[]){"sync-initial", "-c", "2", "--page-size", "7", NULL});
	cr_assert_eq(jnum(out, "ok"), 2, "%s", out);
	/* Each snapshot has every record (a change may come twice, none is missed). */
	cr_assert_geq(jnum(out, "records"), 2 * n, "%s", out);
	free(out);
	harness_finish(&H);
}

Test(bench, fanout_reaches_every_subscriber)
{
	char *out;

	setup(3);
	out = bench_ok((const char *const[]){"fanout", "-c", "20", "-j", "2", "--writes", "3",
	                                     "--interval-ms", "200", "--drain", "30", NULL});
	cr_assert_eq(jnum(out, "writes"), 3, "%s", out);
	cr_assert_eq(jnum(out, "missed"), 0, "%s", out);
	cr_assert_eq(jnum(out, "n"), 60, "%s", out); /* 3 writes x 20 subscribers */
	free(out);
	out = bench_ok((const char *const[]){"fanout", "-c", "5", "--scope", "project", "--writes", "2",
	                                     "--interval-ms", "100", NULL});
	cr_assert_eq(jnum(out, "missed"), 0, "%s", out);
	free(out);
	cr_assert_eq(sql_int("SELECT count(*) FROM audit WHERE action = 'project.update'"), 5);
	harness_finish(&H);
}

Test(bench, idle_connections_stay_up)
{
	char pid[16], *out;

	setup(1);
	snprintf(pid, sizeof(pid), "%ld", (long)H.server_pid);
	out = bench_ok((const char *const[]){"idle", "-c", "60", "-j", "2", "-T", "1", "--settle", "0.5",
	                                     "--server-pid", pid, NULL});
	cr_assert_eq(jnum(out, "held"), 60, "%s", out);
	cr_assert_gt(jnum(out, "rss_before_kib"), 0, "%s", out);
	cr_assert_gt(jnum(out, "rss_after_kib"), 0, "%s", out);
	free(out);
	harness_finish(&H);
}

Test(bench, bad_usage_and_wrong_password_fail)
{
	char *out = NULL;

	harness_standard(&H, NULL);
	cr_assert_eq(bench_run(&out, (const char *const[]){"no-such-workload", NULL}), 2);
	free(out);
	cr_assert_eq(bench_run(&out, (const char *const[]){"get", "-U", "nobody", NULL}), 2);
	free(out);
	/* An empty registry: nothing to get. */
	cr_assert_eq(bench_run(&out, (const char *const[]){"get", "-T", "1", NULL}), 2);
	free(out);
	harness_finish(&H);
}
