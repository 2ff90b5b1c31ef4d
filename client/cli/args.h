/* A small option parser for the command line: long options from a table
 * ("--name value", "--name=value", "-h"), positionals in between, "--"
 * ends the options.  Unlike getopt it keeps no global state, so each
 * command parses its own part of argv with its own table. */
#ifndef QUARTIER_CLI_ARGS_H
#define QUARTIER_CLI_ARGS_H

#define ARGS_END 0         /* no arguments left */
#define ARGS_POSITIONAL -1 /* *val is a positional argument */
#define ARGS_ERROR -2      /* unknown option or missing value; see a->error */

typedef struct args_opt {
	const char *name;  /* without the leading "--"; a one-letter name such as
	                    * "h" or "o" also matches "-h", "-o" */
	int has_arg;       /* the option takes a value */
	int id;            /* returned by args_next(), > 0 */
} args_opt_t;

typedef struct args {
	int argc;
	char **argv;       /* borrowed */
	int pos;           /* next argument to look at */
	int only_pos;      /* "--" was seen */
	char error[160];   /* message after ARGS_ERROR */
} args_t;

void args_init(args_t *a, int argc, char **argv);

/* Returns the next option's id (with *val its value or NULL), a
 * positional (*val), ARGS_END or ARGS_ERROR.  opts is searched first,
 * then more (may be NULL; used for the global options); both tables end
 * with an entry whose name is NULL.  Values are borrowed from argv. */
int args_next(args_t *a, const args_opt_t *opts, const args_opt_t *more,
              const char **val);

#endif
