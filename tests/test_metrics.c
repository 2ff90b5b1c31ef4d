/* Integration test of the Prometheus endpoint: the page parses as the
 * Prometheus text format (checked line by line against the format's
 * grammar), and the request counters and histograms move with load. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

TestSuite(metrics, .fini = harness_fini, .timeout = 120);

static unsigned pick_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* GET path over plain HTTP; returns the whole response (caller frees). */
static char *http_get(unsigned port, const char *path)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char req[256];
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "connect to the metrics port");
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

/* Checks one sample line: name{label="value",...} number */
static int sample_line_ok(const char *l)
{
	const char *p = l;

	if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':'))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
		p++;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (!(isalpha((unsigned char)*p) || *p == '_'))
				return 0;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			if (*p++ != '=' || *p++ != '"')
				return 0;
			while (*p && *p != '"') {
				if (*p == '\\')
					p++;
				p++;
			}
			if (*p++ != '"')
				return 0;
			if (*p == ',')
				p++;
		}
		p++;
	}
	if (*p++ != ' ')
		return 0;
	if (strcmp(p, "+Inf") == 0 || strcmp(p, "-Inf") == 0 || strcmp(p, "NaN") == 0)
		return 1;
	{
		char *end;
		strtod(p, &end);
		return end != p && *end == '\0';
	}
}

/* Parses the body; fails the test on any malformed line.  Returns the
 * value of the sample whose text before the value equals key, or -1. */
static double parse_page(char *page, const char *key)
{
	char *body = strstr(page, "\r\n\r\n");
	double found = -1;
	char *line, *save = NULL;

	cr_assert_not_null(body, "an HTTP response");
	cr_assert(strncmp(page, "HTTP/1.1 200", 12) == 0, "status line: %.40s", page);
	cr_assert_not_null(strstr(page, "text/plain; version=0.0.4"), "Prometheus content type");
	body += 4;
	for (line = strtok_r(body, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') {
			cr_assert(strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0,
			          "comment line: %s", line);
			continue;
		}
		cr_assert(sample_line_ok(line), "malformed sample line: \"%s\"", line);
		if (key != NULL && strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ' ')
			found = strtod(line + strlen(key) + 1, NULL);
	}
	return found;
}

Test(metrics, page_parses_and_counters_move)
{
	unsigned mport = pick_port();
	char extra[64];
	qt_client_t *c;
	char *page;
	double before, after, hist;
	qt_project_filter_t f;
	qt_project_t *list;
	size_t n;
	int64_t next;

	snprintf(extra, sizeof(extra), "metrics_port = %u\n", mport);
	harness_standard(&H, extra);

	page = http_get(mport, "/metrics");
	before = parse_page(page, "quartier_requests_total{type=\"project.list\",status=\"ok\"}");
	free(page);
	if (before < 0)
		before = 0;

	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 25; i++) {
		cr_assert_eq(qt_project_list(c, &f, &list, &n, &next), QT_OK);
		qt_project_list_free(list, n);
	}
	qt_client_free(c);

	page = http_get(mport, "/metrics");
	after = parse_page(page, "quartier_requests_total{type=\"project.list\",status=\"ok\"}");
	free(page);
	cr_assert_eq(after, before + 25, "project.list ok counter: %g -> %g", before, after);

	page = http_get(mport, "/metrics");
	hist = parse_page(page, "quartier_request_duration_seconds_count{type=\"project.list\"}");
	free(page);
	cr_assert_geq(hist, 25, "histogram count %g", hist);

	page = http_get(mport, "/metrics");
	cr_assert_geq(parse_page(page, "quartier_db_pool_connected"), 1);
	free(page);
	page = http_get(mport, "/metrics");
	cr_assert_eq(parse_page(page, "quartier_up"), 1);
	free(page);

	/* Anything but /metrics is not served. */
	page = http_get(mport, "/");
	cr_assert(strncmp(page, "HTTP/1.1 404", 12) == 0, "got %.40s", page);
	free(page);
	harness_finish(&H);
}
