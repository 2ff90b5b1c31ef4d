/* Shared state and helpers of the `quartier` command line: the run context,
 * global options, exit codes, connecting (with the saved session) and error
 * reporting.  Each command lives in a cmd_*.c file. */
#ifndef QUARTIER_CLI_CLI_H
#define QUARTIER_CLI_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "args.h"
#include "quartier/quartier.h"

#ifndef QT_CLI_VERSION
#define QT_CLI_VERSION QT_LIBRARY_VERSION
#endif

/* Exit codes; scripts rely on them, so they never change meaning. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_OTHER = 1,        /* internal or unexpected errors */
	CLI_EXIT_USAGE = 2,        /* bad command line */
	CLI_EXIT_NOT_FOUND = 3,
	CLI_EXIT_AUTH = 4,         /* not logged in, or not allowed */
	CLI_EXIT_CONFLICT = 5,     /* stale version, duplicate, wrong lifecycle state */
	CLI_EXIT_INVALID = 6,      /* the server rejected a value */
	CLI_EXIT_UNAVAILABLE = 7,  /* no connection, TLS failure, server unavailable */
	CLI_EXIT_QUEUED = 8,       /* server unreachable: the change waits in the outbox */
};

/* Ids of the global options (command tables use ids below 100). */
enum {
	CLI_OPT_HOST = 100,
	CLI_OPT_PORT,
	CLI_OPT_CA,
	CLI_OPT_CONFIG,
	CLI_OPT_JSON,
	CLI_OPT_HELP,
	CLI_OPT_VERSION,
	CLI_OPT_OFFLINE,
};

typedef struct cli {
	const char *opt_host;     /* borrowed from argv; overrides the config */
	const char *opt_port;     /* borrowed from argv */
	const char *opt_ca;       /* borrowed from argv */
	const char *opt_config;   /* borrowed from argv; config file path */
	int json;                 /* --json */
	int help;                 /* --help seen after the command */
	char *dir;                /* owned; $XDG_CONFIG_HOME/quartier */
	char *config_path;        /* owned */
	char *host;               /* owned; resolved by config_resolve() */
	uint16_t port;
	char *ca_file;            /* owned, or NULL for the system CA store */
	char *cert_file;          /* owned, or NULL: no client certificate */
	char *key_file;           /* owned, or NULL: the key is in cert_file */
	qt_client_t *client;      /* owned; open after cli_connect() */
	qt_account_t me;          /* the account of the resumed session */
	int offline;              /* --offline: answer reads from the replica */
	qt_store_t *store;        /* owned; replica and outbox of the session's account */
	char *unreachable;        /* owned; why the server could not be reached, when
	                           * cli_connect() fell back to an offline handle */
} cli_t;

/* The global options, accepted before and after the command. */
extern const args_opt_t cli_global_opts[];

/* Applies a global option returned by args_next(); returns 1 if id was one,
 * 0 if not, -1 after printing a usage error (invalid value). */
int cli_global(cli_t *cli, int id, const char *val);

/* Handles what a command's option loop does not: parse errors, global
 * options, stray positionals.  Returns CLI_EXIT_OK to go on, or an exit
 * code after printing a usage error. */
int cli_other(cli_t *cli, const args_t *a, int id, const char *val,
              const char *command);

/* Prints an account as a key/value block or JSON object (own document). */
void cli_print_account(cli_t *cli, const qt_account_t *acct);

/* Writes an account as a JSON object into an open document. */
struct out_json;
void cli_json_account(struct out_json *j, const qt_account_t *acct);

/* Writes a person as a JSON object into an open document; email and phone
 * only when the server showed them (cmd_person.c). */
void cli_json_person(struct out_json *j, const qt_person_t *p);

/* "email, phone" of a person in buf (at most len bytes), "(hidden)" when
 * the server withheld them, NULL when there are none (cmd_person.c). */
const char *cli_person_contact(char *buf, size_t len, const qt_person_t *p);

/* The person's office or organisation name, or NULL (borrowed from p). */
const char *cli_person_affiliation(const qt_person_t *p);

/* Prints "quartier: msg" and a hint to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Maps a status to the exit code documented in --help. */
int cli_exit_code(qt_status_t st);

/* The status in the user's language ("not found", "nicht gefunden"). */
const char *cli_status_text(qt_status_t st);

/* Prints the last error of cli->client (or msg if there is no client) as
 * "quartier: <status text>: <message> (field: X)"; returns the exit code. */
int cli_fail(cli_t *cli, qt_status_t st, const char *msg);

/* Connects to the configured server.  With resume, the saved session is
 * resumed first (exit 4 with a hint if there is none).  Returns
 * CLI_EXIT_OK or an exit code after printing the error. */
int cli_connect(cli_t *cli, int resume);

/* After a command's options: prints cmd's usage if --help was given, else
 * resumes the saved session (cli_connect(cli, 1)).  Returns 1 if the
 * command goes on, or 0 with *rc the exit code to return. */
int cli_start(cli_t *cli, const char *cmd, int *rc);

/* Opens cli->store, the replica and outbox of the session's account
 * (`quartier login` records it), creating it if create is set.  Returns
 * CLI_EXIT_OK, or an exit code after printing why (quiet: print nothing). */
int cli_store_open(cli_t *cli, int create, int quiet);

/* Prints to stderr how old the replica is ("offline: data as of
 * 2026-11-21 10:04, 3 h old"). */
void cli_offline_notice(cli_t *cli);

/* Parses a positive decimal id; returns 0, or a usage error code after
 * printing "invalid <what>".  what is an N_() literal (translated here). */
int cli_parse_id(const char *command, const char *what, const char *s,
                 int64_t *out);

/* A growing list of ids for repeated options. */
typedef struct cli_ids {
	int64_t *v;   /* owned */
	size_t n, cap;
} cli_ids_t;

/* Parses s as an id and appends it; returns 0 or an exit code. */
int cli_ids_add(cli_ids_t *ids, const char *command, const char *what,
                const char *s);
void cli_ids_free(cli_ids_t *ids);

/* Fetches one page of a keyset-paged list: the entries after `after`
 * into *page (a new array of *n entries of the caller's type) and the
 * after-id of the following page into *next (0: none). */
typedef qt_status_t (*cli_page_fn)(cli_t *cli, void *ctx, int64_t after, void **page,
                                   size_t *n, int64_t *next);
/* Frees an array returned by a cli_page_fn. */
typedef void (*cli_page_free_fn)(void *list, size_t n);

/* Collects one page, or every page when fetch_all, starting after `after`,
 * into *out (a new array of *n entries of elem_size bytes, freed with
 * free_list) and sets *next to the after-id of the page that follows
 * (0 when there is none or all pages were fetched).  All pages are
 * collected before anything is printed, so an error half way never leaves
 * a truncated table or invalid JSON behind.  Prints the error and returns
 * an exit code on failure (then *out is untouched). */
int cli_collect_pages(cli_t *cli, cli_page_fn fetch, void *ctx, size_t elem_size,
                      cli_page_free_fn free_list, int fetch_all, int64_t after, void **out,
                      size_t *n, int64_t *next);

/* Commands: each parses the rest of a and returns an exit code. */
int cmd_config(cli_t *cli, args_t *a);
int cmd_login(cli_t *cli, args_t *a);
int cmd_logout(cli_t *cli, args_t *a);
int cmd_whoami(cli_t *cli, args_t *a);
int cmd_ref(cli_t *cli, args_t *a);
int cmd_project(cli_t *cli, args_t *a);
int cmd_account(cli_t *cli, args_t *a);
int cmd_audit(cli_t *cli, args_t *a);
int cmd_admin(cli_t *cli, args_t *a);
int cmd_person(cli_t *cli, args_t *a);
int cmd_group(cli_t *cli, args_t *a);
int cmd_fund(cli_t *cli, args_t *a);
int cmd_criteria(cli_t *cli, args_t *a);
int cmd_assess(cli_t *cli, args_t *a);
int cmd_assessment(cli_t *cli, args_t *a);
int cmd_continuation(cli_t *cli, args_t *a);
int cmd_meeting(cli_t *cli, args_t *a);   /* cmd_meeting.c: inter-office coordination */
int cmd_agenda(cli_t *cli, args_t *a);
int cmd_handover(cli_t *cli, args_t *a);
int cmd_goal(cli_t *cli, args_t *a);     /* cmd_goal.c: coordinators' updates */
int cmd_update(cli_t *cli, args_t *a);
int cmd_report(cli_t *cli, args_t *a);
int cmd_sync(cli_t *cli, args_t *a);     /* cmd_sync.c: replica, live push, outbox */
int cmd_watch(cli_t *cli, args_t *a);
int cmd_outbox(cli_t *cli, args_t *a);

/* Usage texts, printed by --help. */
void cli_usage_main(void);
void cli_usage_command(const char *command);

#endif
