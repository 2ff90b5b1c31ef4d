/* The configuration table and its parser (see config.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum { CF_STR, CF_UINT, CF_BOOL } cf_type_t;

typedef struct cf_key {
	const char *name;
	cf_type_t type;
	size_t offset;
	const char *def;
	uint32_t min, max;  /* for CF_UINT */
	int reloadable;     /* CF_RELOAD or CF_RESTART */
	const char *help;
} cf_key_t;

#define CF_OFF(f) offsetof(config_t, f)

/* Whether SIGHUP applies a changed value (CF_RELOAD) or the running server
 * keeps the value it started with until a restart (CF_RESTART): the
 * listener, the database pool and migrations are set up once at start. */
#define CF_RELOAD 1
#define CF_RESTART 0

/* Mozilla "intermediate" profile (TLS 1.2 ciphers; TLS 1.3 suites),
 * restricted to its ECDHE AEAD ciphers: the server sets no DH parameters,
 * so the profile's DHE-RSA ciphers could never be chosen anyway; saying so
 * keeps the configuration what a scan sees.  tls.c adds the groups
 * (X25519, P-256, P-384), TLS 1.2 as the minimum and server cipher order. */
#define QT_TLS12_CIPHERS                                                       \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"               \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"               \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define QT_TLS13_SUITES                                                        \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

static const cf_key_t cf_keys[] = {
	{"listen_addr", CF_STR, CF_OFF(listen_addr), "127.0.0.1", 0, 0, CF_RESTART,
	 "address to accept TLS connections on"},
	{"listen_port", CF_UINT, CF_OFF(listen_port), "7433", 1, 65535, CF_RESTART,
	 "TCP port to accept TLS connections on"},
	{"tls_cert_file", CF_STR, CF_OFF(tls_cert_file), "/etc/quartier/server.pem", 0, 0, CF_RELOAD,
	 "server certificate chain (PEM); credential:NAME reads $CREDENTIALS_DIRECTORY/NAME"},
	{"tls_key_file", CF_STR, CF_OFF(tls_key_file), "/etc/quartier/server.key", 0, 0, CF_RELOAD,
	 "server private key (PEM); credential:NAME reads $CREDENTIALS_DIRECTORY/NAME"},
	{"tls_ciphers", CF_STR, CF_OFF(tls_ciphers), QT_TLS12_CIPHERS, 0, 0, CF_RELOAD,
	 "OpenSSL cipher list for TLS 1.2 (Mozilla intermediate, ECDHE only)"},
	{"tls_ciphersuites", CF_STR, CF_OFF(tls_ciphersuites), QT_TLS13_SUITES, 0, 0, CF_RELOAD,
	 "OpenSSL cipher suites for TLS 1.3"},
	{"tls_client_ca", CF_STR, CF_OFF(tls_client_ca), "", 0, 0, CF_RELOAD,
	 "PEM file of the city CA that issues client certificates to office machines; a "
	 "certificate's subject OU names its office (office name or short name); empty: no "
	 "client certificates"},
	{"tls_client_cert", CF_STR, CF_OFF(tls_client_cert), "request", 0, 0, CF_RELOAD,
	 "with tls_client_ca: request (a client certificate is asked for and, if sent, must be "
	 "issued by that CA) or require (connections without one are refused)"},
	{"db_conninfo", CF_STR, CF_OFF(db_conninfo), "dbname=quartier", 0, 0, CF_RESTART,
	 "libpq connection string of the registry database"},
	{"db_pool_size", CF_UINT, CF_OFF(db_pool_size), "16", 1, 64, CF_RESTART,
	 "PostgreSQL connections kept open (concurrent commits share WAL flushes)"},
	{"db_queue_max", CF_UINT, CF_OFF(db_queue_max), "10000", 1, 1000000, CF_RESTART,
	 "queries that may wait for a free connection before new ones are refused"},
	{"db_reconnect_ms", CF_UINT, CF_OFF(db_reconnect_ms), "500", 10, 60000, CF_RESTART,
	 "milliseconds between attempts to reconnect to PostgreSQL"},
	{"auto_migrate", CF_BOOL, CF_OFF(auto_migrate), "yes", 0, 1, CF_RESTART,
	 "apply pending schema migrations at start"},
	{"max_frame", CF_UINT, CF_OFF(max_frame), "1048576", 1024, 64u * 1024 * 1024, CF_RELOAD,
	 "largest frame in bytes after login"},
	{"max_frame_preauth", CF_UINT, CF_OFF(max_frame_preauth), "8192", 256, 10000, CF_RELOAD,
	 "largest frame in bytes before login"},
	{"max_in_flight", CF_UINT, CF_OFF(max_in_flight), "64", 1, 100000, CF_RELOAD,
	 "requests one connection may have outstanding; further input waits"},
	{"max_connections", CF_UINT, CF_OFF(max_connections), "10000", 1, 1000000, CF_RELOAD,
	 "connections accepted at once; more are closed at accept"},
	{"max_connections_per_address", CF_UINT, CF_OFF(max_connections_per_address), "256", 1,
	 1000000, CF_RELOAD,
	 "connections accepted at once from one IPv4 address or IPv6 /64; more are closed at "
	 "accept (raise it for many clients behind one NAT)"},
	{"max_output_queue", CF_UINT, CF_OFF(max_output_queue), "4194304", 65536, 1u << 30, CF_RELOAD,
	 "bytes of answers queued for one connection before its input is paused"},
	{"feed_poll_ms", CF_UINT, CF_OFF(feed_poll_ms), "50", 5, 60000, CF_RELOAD,
	 "milliseconds between looks at the change feed for writes of other instances, while clients are subscribed"},
	{"feed_queue_max", CF_UINT, CF_OFF(feed_queue_max), "1048576", 65536, 1u << 30, CF_RELOAD,
	 "bytes of unsent answers above which a subscribed connection is told to catch up by pulling"},
	{"push_threads", CF_UINT, CF_OFF(push_threads), "0", 0, 64, CF_RESTART,
	 "threads that encrypt and send pushed changes, the event loop's own included (1: the "
	 "event loop alone); 0: one for each CPU, at most 8"},
	{"feed_retention_days", CF_UINT, CF_OFF(feed_retention_days), "30", 1, 3650, CF_RELOAD,
	 "days the change feed is kept; older cursors must resync"},
	{"mutation_retention_days", CF_UINT, CF_OFF(mutation_retention_days), "400", 1, 36500, CF_RELOAD,
	 "days applied client mutation ids are kept, so that an outbox replayed after a long absence is still applied once"},
	{"audit_seal_ms", CF_UINT, CF_OFF(audit_seal_ms), "1000", 0, 3600000, CF_RELOAD,
	 "milliseconds between rounds that append finished audit rows to the audit log's hash chain; 0 turns sealing off"},
	{"handshake_timeout", CF_UINT, CF_OFF(handshake_timeout), "10", 1, 3600, CF_RELOAD,
	 "seconds for the TLS handshake and the hello"},
	{"login_timeout", CF_UINT, CF_OFF(login_timeout), "60", 1, 3600, CF_RELOAD,
	 "seconds from accept until a login must have succeeded"},
	{"idle_timeout", CF_UINT, CF_OFF(idle_timeout), "300", 1, 86400, CF_RELOAD,
	 "seconds a connection may stay silent (clients ping to stay)"},
	{"shutdown_timeout", CF_UINT, CF_OFF(shutdown_timeout), "10", 1, 600, CF_RELOAD,
	 "seconds to finish in-flight requests after SIGTERM"},
	{"session_ttl", CF_UINT, CF_OFF(session_ttl), "43200", 60, 31u * 86400, CF_RELOAD,
	 "seconds a login token stays valid"},
	{"login_delay_after", CF_UINT, CF_OFF(login_delay_after), "3", 0, 1000000, CF_RELOAD,
	 "failed logins of one login name (within login_failure_window) after which its next "
	 "attempts wait before the password is checked"},
	{"login_address_delay_after", CF_UINT, CF_OFF(login_address_delay_after), "10", 0, 1000000,
	 CF_RELOAD,
	 "failed logins from one IPv4 address or IPv6 /64 after which its next attempts wait"},
	{"login_delay_ms", CF_UINT, CF_OFF(login_delay_ms), "1000", 0, 3600000, CF_RELOAD,
	 "milliseconds the first delayed attempt waits; each further failure doubles it; 0 turns "
	 "delays off"},
	{"login_delay_max_ms", CF_UINT, CF_OFF(login_delay_max_ms), "60000", 0, 3600000, CF_RELOAD,
	 "longest delay of a login attempt in milliseconds"},
	{"login_failure_window", CF_UINT, CF_OFF(login_failure_window), "900", 1, 31u * 86400,
	 CF_RELOAD, "seconds after the last attempt when failed logins are forgotten"},
	{"login_lockout_failures", CF_UINT, CF_OFF(login_lockout_failures), "10", 0, 1000000,
	 CF_RELOAD,
	 "failed logins of one login name in a row (each within login_failure_window of the last) "
	 "that lock it; 0: never lock"},
	{"login_lockout_seconds", CF_UINT, CF_OFF(login_lockout_seconds), "3600", 0, 366u * 86400,
	 CF_RELOAD,
	 "seconds a locked login stays locked (an admin may unlock it sooner); 0: until an admin "
	 "unlocks it"},
	{"login_throttle_addresses", CF_UINT, CF_OFF(login_throttle_addresses), "65536", 16,
	 16u * 1024 * 1024, CF_RELOAD,
	 "source addresses whose failed logins are remembered at once; beyond that the least "
	 "recently seen are forgotten"},
	{"login_waiting_max", CF_UINT, CF_OFF(login_waiting_max), "1000", 1, 1000000, CF_RELOAD,
	 "login attempts that may wait out their delay at once; further ones that would have to "
	 "wait are refused as retryable without checking the password"},
	{"argon2_memory_kib", CF_UINT, CF_OFF(argon2_memory_kib), "19456", 8, 4u * 1024 * 1024, CF_RELOAD,
	 "Argon2id memory per password hash in KiB (OWASP minimum 19456)"},
	{"argon2_iterations", CF_UINT, CF_OFF(argon2_iterations), "2", 1, 100, CF_RELOAD,
	 "Argon2id passes (OWASP minimum 2)"},
	{"argon2_parallelism", CF_UINT, CF_OFF(argon2_parallelism), "1", 1, 16, CF_RELOAD,
	 "Argon2id lanes"},
	{"hash_concurrency", CF_UINT, CF_OFF(hash_concurrency), "2", 1, 64, CF_RELOAD,
	 "password hashes computed at once in the thread pool"},
	{"hash_queue_max", CF_UINT, CF_OFF(hash_queue_max), "256", 1, 100000, CF_RELOAD,
	 "logins that may wait for a hash slot before new ones are refused"},
	{"metrics_addr", CF_STR, CF_OFF(metrics_addr), "127.0.0.1", 0, 0, CF_RESTART,
	 "address of the Prometheus endpoint (plain HTTP: keep it on loopback)"},
	{"metrics_port", CF_UINT, CF_OFF(metrics_port), "7434", 0, 65535, CF_RESTART,
	 "port of the Prometheus endpoint GET /metrics; 0 turns it off"},
	{"log_level", CF_STR, CF_OFF(log_level), "info", 0, 0, CF_RELOAD,
	 "error, warning, notice, info or debug"},
};

#define CF_NKEYS (sizeof(cf_keys) / sizeof(cf_keys[0]))

static const cf_key_t *cf_find(const char *name)
{
	for (size_t i = 0; i < CF_NKEYS; i++)
		if (strcmp(cf_keys[i].name, name) == 0)
			return &cf_keys[i];
	return NULL;
}

static int cf_parse_bool(const char *v, uint32_t *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static qt_status_t cf_apply(config_t *cfg, const cf_key_t *k, const char *value,
                            char *err, size_t err_len)
{
	char *base = (char *)cfg;

	switch (k->type) {
	case CF_STR: {
		char **slot = (char **)(base + k->offset);
		char *copy = strdup(value);
		if (copy == NULL)
			abort();
		free(*slot);
		*slot = copy;
		return QT_OK;
	}
	case CF_UINT: {
		char *end;
		unsigned long long v;
		errno = 0;
		if (!isdigit((unsigned char)value[0]))
			goto bad;
		v = strtoull(value, &end, 10);
		if (errno != 0 || *end != '\0' || v < k->min || v > k->max)
			goto bad;
		*(uint32_t *)(base + k->offset) = (uint32_t)v;
		return QT_OK;
	}
	case CF_BOOL: {
		uint32_t b;
		if (cf_parse_bool(value, &b) != 0)
			goto bad;
		*(uint32_t *)(base + k->offset) = b;
		return QT_OK;
	}
	}
bad:
	if (k->type == CF_UINT)
		snprintf(err, err_len, "%s: \"%s\" is not a number from %u to %u",
		         k->name, value, k->min, k->max);
	else
		snprintf(err, err_len, "%s: \"%s\" is not yes or no", k->name, value);
	return QT_INVALID_ARGUMENT;
}

void config_init(config_t *cfg)
{
	char err[128];

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < CF_NKEYS; i++)
		if (cf_apply(cfg, &cf_keys[i], cf_keys[i].def, err, sizeof(err)) != QT_OK)
			abort(); /* a default outside its own range is a bug */
}

void config_free(config_t *cfg)
{
	for (size_t i = 0; i < CF_NKEYS; i++) {
		if (cf_keys[i].type == CF_STR) {
			char **slot = (char **)((char *)cfg + cf_keys[i].offset);
			free(*slot);
			*slot = NULL;
		}
	}
}

qt_status_t config_set(config_t *cfg, const char *key, const char *value,
                       char *err, size_t err_len)
{
	const cf_key_t *k = cf_find(key);

	if (k == NULL) {
		snprintf(err, err_len, "unknown configuration key \"%s\"", key);
		return QT_INVALID_ARGUMENT;
	}
	return cf_apply(cfg, k, value, err, err_len);
}

static char *cf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

qt_status_t config_load_file(config_t *cfg, const char *path, char *err,
                             size_t err_len)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	char msg[256];
	unsigned lineno = 0;
	qt_status_t rc = QT_OK;

	if (f == NULL) {
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return QT_NOT_FOUND;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p, *eq, *key, *value;
		size_t vl;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, err_len, "%s:%u: line too long", path, lineno);
			rc = QT_INVALID_ARGUMENT;
			goto out;
		}
		p = cf_trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (eq == NULL) {
			snprintf(err, err_len, "%s:%u: expected key = value", path, lineno);
			rc = QT_INVALID_ARGUMENT;
			goto out;
		}
		*eq = '\0';
		key = cf_trim(p);
		value = cf_trim(eq + 1);
		/* Values may be quoted to keep spaces or '#'. */
		vl = strlen(value);
		if (vl >= 2 && (value[0] == '"' || value[0] == '\'') && value[vl - 1] == value[0]) {
			value[vl - 1] = '\0';
			value++;
		} else {
			char *hash = strchr(value, '#');
			if (hash != NULL) {
				*hash = '\0';
				value = cf_trim(value);
			}
		}
		rc = config_set(cfg, key, value, msg, sizeof(msg));
		if (rc != QT_OK) {
			snprintf(err, err_len, "%s:%u: %s", path, lineno, msg);
			goto out;
		}
	}
out:
	fclose(f);
	return rc;
}

qt_status_t config_load(config_t *cfg, const char *path, char *const *overrides,
                        size_t noverrides, char *err, size_t err_len)
{
	config_t next;
	qt_status_t rc = QT_OK;

	config_init(&next);
	if (path != NULL) {
		rc = config_load_file(&next, path, err, err_len);
		if (rc != QT_OK)
			goto out;
	}
	for (size_t i = 0; i < noverrides; i++) {
		const char *eq = strchr(overrides[i], '=');
		char key[64];

		if (eq == NULL || (size_t)(eq - overrides[i]) >= sizeof(key)) {
			snprintf(err, err_len, "option --%s needs =value", overrides[i]);
			rc = QT_INVALID_ARGUMENT;
			goto out;
		}
		memcpy(key, overrides[i], (size_t)(eq - overrides[i]));
		key[eq - overrides[i]] = '\0';
		rc = config_set(&next, key, eq + 1, err, err_len);
		if (rc != QT_OK)
			goto out;
	}
	*cfg = next;
	return QT_OK;
out:
	config_free(&next);
	return rc;
}

qt_status_t config_resolve_path(const char *key, const char *value, char *out, size_t out_len,
                                char *err, size_t err_len)
{
	static const char prefix[] = "credential:";
	const char *name, *dir;
	int n;

	if (strncmp(value, prefix, sizeof(prefix) - 1) != 0) {
		n = snprintf(out, out_len, "%s", value);
		goto check;
	}
	/* systemd's LoadCredential= puts secrets, readable only by the
	 * service, below $CREDENTIALS_DIRECTORY; a credential's name is a
	 * plain file name. */
	name = value + sizeof(prefix) - 1;
	if (name[0] == '\0' || strchr(name, '/') != NULL || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		snprintf(err, err_len, "%s: \"%s\" does not name a credential", key, value);
		return QT_INVALID_ARGUMENT;
	}
	dir = getenv("CREDENTIALS_DIRECTORY");
	if (dir == NULL || dir[0] == '\0') {
		snprintf(err, err_len,
		         "%s: \"%s\" needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=), "
		         "which is not set",
		         key, value);
		return QT_INVALID_ARGUMENT;
	}
	n = snprintf(out, out_len, "%s/%s", dir, name);
check:
	if (n < 0 || (size_t)n >= out_len) {
		snprintf(err, err_len, "%s: path too long", key);
		return QT_INVALID_ARGUMENT;
	}
	return QT_OK;
}

/* Whether the value of k differs between a and b. */
static int cf_differs(const cf_key_t *k, const config_t *a, const config_t *b)
{
	const char *pa = (const char *)a + k->offset, *pb = (const char *)b + k->offset;

	if (k->type == CF_STR)
		return strcmp(*(char *const *)pa, *(char *const *)pb) != 0;
	return *(const uint32_t *)pa != *(const uint32_t *)pb;
}

unsigned config_keep_restart_keys(config_t *next, const config_t *cur, char *changed,
                                  size_t changed_len)
{
	unsigned n = 0;
	size_t used = 0;

	if (changed_len > 0)
		changed[0] = '\0';
	for (size_t i = 0; i < CF_NKEYS; i++) {
		const cf_key_t *k = &cf_keys[i];
		char *dst = (char *)next + k->offset;
		const char *src = (const char *)cur + k->offset;

		if (k->reloadable || !cf_differs(k, next, cur))
			continue;
		if (k->type == CF_STR) {
			char *copy = strdup(*(char *const *)src);
			if (copy == NULL)
				abort();
			free(*(char **)dst);
			*(char **)dst = copy;
		} else {
			*(uint32_t *)dst = *(const uint32_t *)src;
		}
		if (used < changed_len) {
			int w = snprintf(changed + used, changed_len - used, "%s%s", n > 0 ? "," : "",
			                 k->name);
			used = w < 0 ? changed_len : used + (size_t)w;
		}
		n++;
	}
	return n;
}

qt_status_t config_validate(const config_t *cfg, char *err, size_t err_len)
{
	static const char *const levels[] = {"error", "warning", "notice", "info", "debug"};
	char path[CONFIG_PATH_MAX];
	int level_ok = 0;

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(cfg->log_level, levels[i]) == 0)
			level_ok = 1;
	if (!level_ok) {
		snprintf(err, err_len, "log_level: \"%s\" is not one of error, warning, notice, info, debug",
		         cfg->log_level);
		return QT_INVALID_ARGUMENT;
	}
	if (config_resolve_path("tls_cert_file", cfg->tls_cert_file, path, sizeof(path), err,
	                        err_len) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (access(path, R_OK) != 0) {
		snprintf(err, err_len, "tls_cert_file: %s: %s", path, strerror(errno));
		return QT_INVALID_ARGUMENT;
	}
	if (config_resolve_path("tls_key_file", cfg->tls_key_file, path, sizeof(path), err,
	                        err_len) != QT_OK)
		return QT_INVALID_ARGUMENT;
	if (access(path, R_OK) != 0) {
		snprintf(err, err_len, "tls_key_file: %s: %s", path, strerror(errno));
		return QT_INVALID_ARGUMENT;
	}
	if (strcmp(cfg->tls_client_cert, "request") != 0 &&
	    strcmp(cfg->tls_client_cert, "require") != 0) {
		snprintf(err, err_len, "tls_client_cert: \"%s\" is not request or require",
		         cfg->tls_client_cert);
		return QT_INVALID_ARGUMENT;
	}
	if (cfg->tls_client_ca[0] == '\0' && strcmp(cfg->tls_client_cert, "require") == 0) {
		snprintf(err, err_len, "tls_client_cert = require needs tls_client_ca");
		return QT_INVALID_ARGUMENT;
	}
	if (cfg->tls_client_ca[0] != '\0') {
		if (config_resolve_path("tls_client_ca", cfg->tls_client_ca, path, sizeof(path), err,
		                        err_len) != QT_OK)
			return QT_INVALID_ARGUMENT;
		if (access(path, R_OK) != 0) {
			snprintf(err, err_len, "tls_client_ca: %s: %s", path, strerror(errno));
			return QT_INVALID_ARGUMENT;
		}
	}
	if (cfg->login_delay_max_ms < cfg->login_delay_ms) {
		snprintf(err, err_len, "login_delay_max_ms (%u) is below login_delay_ms (%u)",
		         cfg->login_delay_max_ms, cfg->login_delay_ms);
		return QT_INVALID_ARGUMENT;
	}
	if (cfg->max_frame_preauth > cfg->max_frame) {
		snprintf(err, err_len, "max_frame_preauth (%u) exceeds max_frame (%u)",
		         cfg->max_frame_preauth, cfg->max_frame);
		return QT_INVALID_ARGUMENT;
	}
	return QT_OK;
}

void config_print_help(FILE *out)
{
	fprintf(out, "Configuration keys (file: key = value; flag: --key=value).  SIGHUP re-reads\n"
	             "the file and applies every key except those marked [restart]:\n");
	for (size_t i = 0; i < CF_NKEYS; i++) {
		const cf_key_t *k = &cf_keys[i];
		const char *def = k->def;
		if (k->offset == CF_OFF(tls_ciphers) || k->offset == CF_OFF(tls_ciphersuites))
			def = "(Mozilla intermediate)";
		else if (def[0] == '\0')
			def = "(none)";
		fprintf(out, "  %-20s %s [default: %s]%s\n", k->name, k->help, def,
		        k->reloadable ? "" : " [restart]");
	}
}

void config_print_example(FILE *out)
{
	fprintf(out, "# quartierd configuration (key = value; '#' starts a comment).\n"
	             "# Generated by `quartierd --print-example-config`; every key is shown\n"
	             "# with its default.  Values with spaces or '#' go in double quotes.\n"
	             "# SIGHUP (systemctl reload quartierd) applies changes to every key except\n"
	             "# those marked \"needs a restart\".\n");
	for (size_t i = 0; i < CF_NKEYS; i++) {
		const cf_key_t *k = &cf_keys[i];
		int quote = k->type == CF_STR && (k->def[0] == '\0' || strpbrk(k->def, " #") != NULL);
		fprintf(out, "\n# %s%s\n%s = %s%s%s\n", k->help,
		        k->reloadable ? "" : " (needs a restart)", k->name, quote ? "\"" : "", k->def,
		        quote ? "\"" : "");
	}
}
