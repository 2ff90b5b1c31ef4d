/* quartierd configuration: one table row per key (name, type, default,
 * reloadable, help), read from a `key = value` file and overridden by command-line
 * flags.  --help, the example config and the README are generated from or
 * checked against the same table. */
#ifndef QUARTIERD_CONFIG_H
#define QUARTIERD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "qt_status.h"

/* Longest file path a setting resolves to (config_resolve_path). */
#define CONFIG_PATH_MAX 4096

typedef struct config {
	char *listen_addr;          /* owned */
	uint32_t listen_port;
	char *tls_cert_file;        /* owned, PEM chain */
	char *tls_key_file;         /* owned, PEM key */
	char *tls_ciphers;          /* owned, TLS 1.2 cipher list */
	char *tls_ciphersuites;     /* owned, TLS 1.3 suites */
	char *tls_client_ca;        /* owned, PEM CA of client certificates; "" = none */
	char *tls_client_cert;      /* owned: "request" or "require" (with tls_client_ca) */
	char *db_conninfo;          /* owned, libpq connection string */
	uint32_t db_pool_size;      /* connections */
	uint32_t db_queue_max;      /* queries waiting for a connection */
	uint32_t db_reconnect_ms;   /* delay between reconnect attempts */
	uint32_t auto_migrate;      /* bool: apply migrations at start */
	uint32_t max_frame;         /* bytes, after login */
	uint32_t max_frame_preauth; /* bytes, before login */
	uint32_t max_in_flight;     /* requests per connection */
	uint32_t max_connections;   /* overall */
	uint32_t max_connections_per_address; /* from one IPv4 address or IPv6 /64 */
	uint32_t max_output_queue;  /* bytes queued per connection before reading pauses */
	uint32_t feed_poll_ms;      /* change feed poll interval while subscribed */
	uint32_t feed_queue_max;    /* unsent bytes before a subscriber overflows */
	uint32_t push_threads;      /* threads writing pushes, the loop's included; 0 = one per CPU */
	uint32_t feed_retention_days; /* feed rows kept */
	uint32_t mutation_retention_days; /* applied client mutation ids kept */
	uint32_t audit_seal_ms;     /* milliseconds between audit sealing rounds; 0 = off */
	uint32_t handshake_timeout; /* seconds for TLS + hello */
	uint32_t login_timeout;     /* seconds from accept to successful login */
	uint32_t idle_timeout;      /* seconds without a frame */
	uint32_t shutdown_timeout;  /* seconds to finish in-flight requests on SIGTERM */
	uint32_t session_ttl;       /* seconds a login token stays valid */
	uint32_t login_delay_after; /* failed logins of one login name before delays */
	uint32_t login_address_delay_after; /* failed logins from one address before delays */
	uint32_t login_delay_ms;    /* first delay, doubling per further failure; 0 = none */
	uint32_t login_delay_max_ms; /* longest delay */
	uint32_t login_failure_window; /* seconds after which failures are forgotten */
	uint32_t login_lockout_failures; /* failures of one login that lock it; 0 = never */
	uint32_t login_lockout_seconds; /* how long a lock lasts; 0 = until unlocked */
	uint32_t login_throttle_addresses; /* source addresses remembered at once */
	uint32_t login_waiting_max; /* logins waiting out a delay at once */
	uint32_t argon2_memory_kib; /* KiB per password hash */
	uint32_t argon2_iterations;
	uint32_t argon2_parallelism;
	uint32_t hash_concurrency;  /* password hashes running at once */
	uint32_t hash_queue_max;    /* logins waiting for a hash slot */
	char *metrics_addr;         /* owned; HTTP address of /metrics */
	uint32_t metrics_port;      /* 0 = no metrics endpoint */
	char *log_level;            /* owned: error, warning, notice, info, debug */
} config_t;

/* Fills cfg with the defaults; release with config_free(). */
void config_init(config_t *cfg);

/* Frees the strings owned by cfg. */
void config_free(config_t *cfg);

/* Sets one key from its text form.  On failure writes a message to err
 * (err_len bytes) and leaves cfg unchanged. */
qt_status_t config_set(config_t *cfg, const char *key, const char *value,
                       char *err, size_t err_len);

/* Reads a `key = value` file ('#' starts a comment) into cfg.  Unknown keys
 * and bad values are errors naming file and line. */
qt_status_t config_load_file(config_t *cfg, const char *path, char *err,
                             size_t err_len);

/* Builds a configuration from the defaults, the file at path (none if
 * NULL) and overrides: "key=value" strings applied in order after the
 * file (borrowed).  On success *cfg holds the result (release with
 * config_free()); on failure *cfg is untouched and err says why. */
qt_status_t config_load(config_t *cfg, const char *path, char *const *overrides,
                        size_t noverrides, char *err, size_t err_len);

/* Resolves the value of a file setting (key names it in messages): a value
 * "credential:NAME" names a systemd credential (LoadCredential=) and
 * becomes $CREDENTIALS_DIRECTORY/NAME; any other value is the path itself.
 * Writes the path to out (out_len bytes, CONFIG_PATH_MAX is enough); fails
 * if the credential name is not a plain file name or the variable is not
 * set. */
qt_status_t config_resolve_path(const char *key, const char *value, char *out, size_t out_len,
                                char *err, size_t err_len);

/* For a reload: every key that takes effect only at start and whose value
 * in next differs from cur gets cur's value back in next.  Returns how
 * many were changed and lists their names, comma-separated, in changed
 * (truncated to changed_len bytes). */
unsigned config_keep_restart_keys(config_t *next, const config_t *cur, char *changed,
                                  size_t changed_len);

/* Checks cross-key rules (files readable, limits consistent). */
qt_status_t config_validate(const config_t *cfg, char *err, size_t err_len);

/* Prints every key with its default and help text (for --help). */
void config_print_help(FILE *out);

/* Prints a complete example configuration file: every key, commented
 * with its help text, set to its default (--print-example-config). */
void config_print_example(FILE *out);

#endif
