/* Replays inputs through a fuzz target as a unit test, without libFuzzer:
 * the target's seed corpus (tests/fuzz/corpus/<target>/) and its
 * regression inputs (tests/fuzz/regress/<target>/, inputs that once made
 * it fail), so that every build -- plain and sanitizer -- runs the code the
 * fuzzer found fault with.  The target aborts on a broken invariant; the
 * input being replayed is named on stderr when that happens. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_INPUT_DIRS
#error "FUZZ_INPUT_DIRS must list the input directories, separated by ':'"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char current[4096];

/* Names the input that was running when the target aborted. */
static void replay_abort_cb(int sig)
{
	static const char pre[] = "fuzz replay: the target aborted on ";
	(void)!write(2, pre, sizeof(pre) - 1);
	(void)!write(2, current, strlen(current));
	(void)!write(2, "\n", 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir through the target; returns how many. */
static size_t replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			cr_assert_not_null(names);
		}
		names[n] = strdup(e->d_name);
		cr_assert_not_null(names[n]);
		n++;
	}
	closedir(d);
	if (n == 0)
		return 0;
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		FILE *f;
		uint8_t *buf;
		long len;

		snprintf(current, sizeof(current), "%s/%s", dir, names[i]);
		f = fopen(current, "rb");
		cr_assert_not_null(f, "cannot open %s", current);
		cr_assert_eq(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		cr_assert_geq(len, 0);
		rewind(f);
		buf = malloc((size_t)len + 1);
		cr_assert_not_null(buf);
		cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len, "cannot read %s", current);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)len);
		free(buf);
		free(names[i]);
	}
	free(names);
	return n;
}

Test(fuzz_replay, corpus_and_regressions)
{
	char dirs[] = FUZZ_INPUT_DIRS;
	size_t total = 0;

	signal(SIGABRT, replay_abort_cb);
	for (char *save = NULL, *dir = strtok_r(dirs, ":", &save); dir != NULL;
	     dir = strtok_r(NULL, ":", &save))
		total += replay_dir(dir);
	signal(SIGABRT, SIG_DFL);
	cr_assert_gt(total, 0, "no inputs found in %s", FUZZ_INPUT_DIRS);
}
