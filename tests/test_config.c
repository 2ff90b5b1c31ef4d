/* Unit tests of server/config.c: defaults, the key = value file format
 * (comments, quotes, blank lines), errors that name file, line and key,
 * range checks and the cross-key rules. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "frame.h"

static char tmp_path[64];

/* Writes text to a new temporary file whose name is left in tmp_path. */
static const char *write_tmp(const char *text)
{
	int fd;
	FILE *f;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/qt-config-test.XXXXXX");
	fd = mkstemp(tmp_path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fputs(text, f) >= 0, 1);
	cr_assert_eq(fclose(f), 0);
	return tmp_path;
}

static void remove_tmp(void)
{
	if (tmp_path[0] != '\0')
		unlink(tmp_path);
	tmp_path[0] = '\0';
}

TestSuite(config, .fini = remove_tmp);

Test(config, defaults)
{
	config_t c;

	config_init(&c);
	cr_assert_str_eq(c.listen_addr, "127.0.0.1");
	cr_assert_eq(c.listen_port, 7433);
	cr_assert_str_eq(c.tls_cert_file, "/etc/quartier/server.pem");
	cr_assert_str_eq(c.tls_key_file, "/etc/quartier/server.key");
	cr_assert_not_null(strstr(c.tls_ciphers, "ECDHE-ECDSA-AES128-GCM-SHA256"));
	cr_assert_not_null(strstr(c.tls_ciphersuites, "TLS_AES_128_GCM_SHA256"));
	cr_assert_str_eq(c.db_conninfo, "dbname=quartier");
	cr_assert_eq(c.db_pool_size, 16);
	cr_assert_eq(c.db_queue_max, 10000);
	cr_assert_eq(c.db_reconnect_ms, 500);
	cr_assert_eq(c.auto_migrate, 1);
	cr_assert_eq(c.max_frame, 1048576);
	cr_assert_eq(c.max_frame_preauth, 8192);
	cr_assert_eq(c.max_frame, FRAME_MAX_DEFAULT, "server and protocol defaults agree");
	cr_assert_eq(c.max_frame_preauth, FRAME_MAX_PREAUTH_DEFAULT);
	cr_assert_eq(c.max_in_flight, 64);
	cr_assert_eq(c.max_connections, 10000);
	cr_assert_eq(c.max_connections_per_address, 256);
	cr_assert_eq(c.max_output_queue, 4194304);
	cr_assert_eq(c.handshake_timeout, 10);
	cr_assert_eq(c.login_timeout, 60);
	cr_assert_eq(c.idle_timeout, 300);
	cr_assert_eq(c.shutdown_timeout, 10);
	cr_assert_eq(c.session_ttl, 43200);
	cr_assert_eq(c.argon2_memory_kib, 19456);
	cr_assert_eq(c.argon2_iterations, 2);
	cr_assert_eq(c.argon2_parallelism, 1);
	cr_assert_eq(c.hash_concurrency, 2);
	cr_assert_eq(c.hash_queue_max, 256);
	cr_assert_str_eq(c.log_level, "info");
	/* Client certificates are off until a CA is named; throttling is on. */
	cr_assert_str_eq(c.tls_client_ca, "");
	cr_assert_str_eq(c.tls_client_cert, "request");
	cr_assert_eq(c.login_delay_after, 3);
	cr_assert_eq(c.login_address_delay_after, 10);
	cr_assert_eq(c.login_delay_ms, 1000);
	cr_assert_eq(c.login_delay_max_ms, 60000);
	cr_assert_eq(c.login_failure_window, 900);
	cr_assert_eq(c.login_lockout_failures, 10);
	cr_assert_eq(c.login_lockout_seconds, 3600);
	cr_assert_eq(c.login_throttle_addresses, 65536);
	cr_assert_eq(c.login_waiting_max, 1000);
	config_free(&c);
	cr_assert_null(c.listen_addr, "config_free clears the pointers");
	config_free(&c); /* twice is harmless */
}

Test(config, file_with_comments_and_quotes)
{
	config_t c;
	char err[512] = "";
	const char *path = write_tmp(
	    "# quartierd test configuration\n"
	    "\n"
	    "   # an indented comment\n"
	    "listen_addr = 0.0.0.0\n"
	    "listen_port=7500   # inline comment\n"
	    "\tdb_pool_size\t=\t8\t\n"
	    "db_conninfo = \"host=/run/postgresql dbname=quartier application_name='q #1'\"\n"
	    "tls_cert_file = '/etc/quartier/with space.pem'\n"
	    "auto_migrate = no\n"
	    "log_level = debug\n"
	    "argon2_memory_kib = 65536\n"
	    "\n");

	config_init(&c);
	cr_assert_eq(config_load_file(&c, path, err, sizeof(err)), QT_OK, "%s", err);
	cr_assert_str_eq(c.listen_addr, "0.0.0.0");
	cr_assert_eq(c.listen_port, 7500);
	cr_assert_eq(c.db_pool_size, 8);
	cr_assert_str_eq(c.db_conninfo,
	                 "host=/run/postgresql dbname=quartier application_name='q #1'");
	cr_assert_str_eq(c.tls_cert_file, "/etc/quartier/with space.pem");
	cr_assert_eq(c.auto_migrate, 0);
	cr_assert_str_eq(c.log_level, "debug");
	cr_assert_eq(c.argon2_memory_kib, 65536);
	/* Keys not in the file keep their defaults. */
	cr_assert_eq(c.max_frame, 1048576);
	cr_assert_str_eq(c.tls_key_file, "/etc/quartier/server.key");
	config_free(&c);
}

Test(config, booleans)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	config_t c;
	char err[256];

	config_init(&c);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(config_set(&c, "auto_migrate", no[i], err, sizeof(err)), QT_OK);
		cr_assert_eq(c.auto_migrate, 0);
		cr_assert_eq(config_set(&c, "auto_migrate", yes[i], err, sizeof(err)), QT_OK);
		cr_assert_eq(c.auto_migrate, 1);
	}
	cr_assert_eq(config_set(&c, "auto_migrate", "maybe", err, sizeof(err)),
	             QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "auto_migrate"), "%s", err);
	cr_assert_eq(c.auto_migrate, 1);
	config_free(&c);
}

Test(config, unknown_key_names_file_and_line)
{
	config_t c;
	char err[512] = "";
	const char *path = write_tmp("# comment\n"
	                             "listen_port = 7500\n"
	                             "\n"
	                             "listen_prot = 7501\n"
	                             "log_level = debug\n");

	config_init(&c);
	cr_assert_eq(config_load_file(&c, path, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, path), "error must name the file: %s", err);
	cr_assert_not_null(strstr(err, ":4:"), "error must name line 4: %s", err);
	cr_assert_not_null(strstr(err, "listen_prot"), "error must name the key: %s", err);
	config_free(&c);
}

typedef struct range_case {
	const char *key, *value;
} range_case_t;

Test(config, out_of_range_numbers)
{
	static const range_case_t cases[] = {
	    {"listen_port", "0"},
	    {"listen_port", "65536"},
	    {"listen_port", "-1"},
	    {"listen_port", "+80"},
	    {"listen_port", "80x"},
	    {"listen_port", ""},
	    {"listen_port", " 80"},
	    {"db_pool_size", "0"},
	    {"db_pool_size", "65"},
	    {"max_frame_preauth", "255"},
	    {"max_frame_preauth", "10001"},
	    {"argon2_memory_kib", "7"},
	    {"argon2_iterations", "0"},
	    {"session_ttl", "59"},
	    {"max_frame", "99999999999999999999999"},
	    {"max_frame", "4294967296"}, /* would wrap to 0 in 32 bits */
	};
	config_t c;
	char err[256];

	config_init(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(config_set(&c, cases[i].key, cases[i].value, err, sizeof(err)),
		             QT_INVALID_ARGUMENT, "%s = \"%s\" must be refused", cases[i].key,
		             cases[i].value);
		cr_assert_not_null(strstr(err, cases[i].key), "%s", err);
	}
	/* Nothing changed. */
	cr_assert_eq(c.listen_port, 7433);
	cr_assert_eq(c.db_pool_size, 16);
	cr_assert_eq(c.max_frame, 1048576);
	cr_assert_eq(c.max_frame_preauth, 8192);
	/* Bounds themselves are fine. */
	cr_assert_eq(config_set(&c, "listen_port", "1", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_set(&c, "listen_port", "65535", err, sizeof(err)), QT_OK);
	cr_assert_eq(c.listen_port, 65535);
	config_free(&c);
}

Test(config, out_of_range_in_file_names_line_and_range)
{
	config_t c;
	char err[512] = "";
	const char *path = write_tmp("listen_port = 7500\n"
	                             "db_pool_size = 1000\n");

	config_init(&c);
	cr_assert_eq(config_load_file(&c, path, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, ":2:"), "%s", err);
	cr_assert_not_null(strstr(err, "db_pool_size"), "%s", err);
	cr_assert_not_null(strstr(err, "1000"), "%s", err);
	cr_assert_not_null(strstr(err, "64"), "the allowed range is named: %s", err);
	config_free(&c);
}

Test(config, malformed_lines)
{
	config_t c;
	char err[512] = "";
	const char *path = write_tmp("listen_port 7500\n");

	config_init(&c);
	cr_assert_eq(config_load_file(&c, path, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, ":1:"), "%s", err);
	config_free(&c);
}

Test(config, missing_file)
{
	config_t c;
	char err[512] = "";

	config_init(&c);
	cr_assert_neq(config_load_file(&c, "/nonexistent/quartierd.conf", err, sizeof(err)), QT_OK);
	cr_assert_not_null(strstr(err, "/nonexistent/quartierd.conf"), "%s", err);
	config_free(&c);
}

Test(config, unknown_key_via_set)
{
	config_t c;
	char err[256] = "";

	config_init(&c);
	cr_assert_eq(config_set(&c, "no_such_key", "1", err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "no_such_key"), "%s", err);
	config_free(&c);
}

Test(config, validate_cross_key_rules)
{
	config_t c;
	char err[512] = "";
	const char *path = write_tmp("not a real certificate, but readable\n");

	config_init(&c);
	cr_assert_eq(config_set(&c, "tls_cert_file", path, err, sizeof(err)), QT_OK);
	cr_assert_eq(config_set(&c, "tls_key_file", path, err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_OK, "%s", err);

	cr_assert_eq(config_set(&c, "log_level", "verbose", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "log_level"), "%s", err);
	cr_assert_eq(config_set(&c, "log_level", "warning", err, sizeof(err)), QT_OK);

	cr_assert_eq(config_set(&c, "max_frame", "2048", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_set(&c, "max_frame_preauth", "4096", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "max_frame_preauth"), "%s", err);
	cr_assert_eq(config_set(&c, "max_frame_preauth", "2048", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_OK, "%s", err);

	/* Client certificates: request or require, require only with a CA,
	 * and the CA file must be readable. */
	cr_assert_eq(config_set(&c, "tls_client_cert", "sometimes", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "tls_client_cert"), "%s", err);
	cr_assert_eq(config_set(&c, "tls_client_cert", "require", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "tls_client_ca"), "%s", err);
	cr_assert_eq(config_set(&c, "tls_client_ca", "/nonexistent/ca.pem", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "tls_client_ca"), "%s", err);
	cr_assert_eq(config_set(&c, "tls_client_ca", path, err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_OK, "%s", err);

	/* The longest login delay cannot be shorter than the first. */
	cr_assert_eq(config_set(&c, "login_delay_ms", "5000", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_set(&c, "login_delay_max_ms", "4000", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "login_delay_max_ms"), "%s", err);
	cr_assert_eq(config_set(&c, "login_delay_max_ms", "5000", err, sizeof(err)), QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_OK, "%s", err);

	cr_assert_eq(config_set(&c, "tls_key_file", "/nonexistent/server.key", err, sizeof(err)),
	             QT_OK);
	cr_assert_eq(config_validate(&c, err, sizeof(err)), QT_INVALID_ARGUMENT);
	cr_assert_not_null(strstr(err, "tls_key_file"), "%s", err);
	config_free(&c);
}

Test(config, help_lists_every_key)
{
	static const char *const keys[] = {
	    "listen_addr",       "listen_port",       "tls_cert_file",     "tls_key_file",
	    "tls_ciphers",       "tls_ciphersuites",  "db_conninfo",       "db_pool_size",
	    "db_queue_max",      "db_reconnect_ms",   "auto_migrate",      "max_frame",
	    "max_frame_preauth", "max_in_flight",     "max_connections",   "max_output_queue",
	    "max_connections_per_address",
	    "handshake_timeout", "login_timeout",     "idle_timeout",      "shutdown_timeout",
	    "session_ttl",       "argon2_memory_kib", "argon2_iterations", "argon2_parallelism",
	    "hash_concurrency",  "hash_queue_max",    "log_level",
	    "tls_client_ca",     "tls_client_cert",   "login_delay_after",
	    "login_address_delay_after", "login_delay_ms", "login_delay_max_ms",
	    "login_failure_window", "login_lockout_failures", "login_lockout_seconds",
	    "login_throttle_addresses", "login_waiting_max",
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	config_print_help(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_assert_not_null(strstr(text, keys[i]), "--help lacks %s", keys[i]);
	free(text);
}
