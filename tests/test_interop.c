/* Acceptance test of the protocol description: a client written only from
 * proto/PROTOCOL.md and proto/quartier.proto with another protobuf
 * implementation (Python, Google's runtime; tests/interop/) logs in to the
 * real quartierd over real TLS and lists projects. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

TestSuite(interop, .fini = harness_fini, .timeout = 120);

Test(interop, python_client_logs_in_and_lists_projects)
{
	qt_client_t *c;
	qt_project_t p;
	int64_t quarters[1], offices[1];
	qt_project_new_t in;
	char cmd[16384], out_path[PATH_MAX + 32], line[512];
	FILE *f;
	int status, saw_project = 0;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	memset(&in, 0, sizeof(in));
	quarters[0] = H.seed.quarter_heslach;
	offices[0] = H.seed.office_social;
	in.name = "Interop – Quartiersprojekt";
	in.kind = QT_KIND_FOCUSED;
	in.quarter_ids = quarters;
	in.n_quarter_ids = 1;
	in.lead_office_ids = offices;
	in.n_lead_office_ids = 1;
	cr_assert_eq(qt_project_create(c, &in, &p), QT_OK, "%s", qt_client_last_error(c)->message);
	qt_project_clear(&p);
	qt_client_free(c);

	snprintf(out_path, sizeof(out_path), "%s/interop.out", H.dir);
	snprintf(cmd, sizeof(cmd),
	         "printf '%%s\\n' '%s' | /usr/bin/python3 '%s' --pb-dir '%s' --host 127.0.0.1 "
	         "--port %u --ca '%s' --login admin > '%s' 2>&1",
	         HARNESS_PASSWORD, QT_INTEROP_CLIENT, QT_INTEROP_PB_DIR, (unsigned)H.port, H.ca_file,
	         out_path);
	status = system(cmd);
	f = fopen(out_path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		fprintf(stderr, "interop: %s", line);
		if (strstr(line, "Interop – Quartiersprojekt") != NULL)
			saw_project = 1;
	}
	fclose(f);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the Python client failed (status %d)",
	          status);
	cr_assert(saw_project, "the Python client listed the project");
	harness_finish(&H);
}
