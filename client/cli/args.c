/* Command line option parsing (see args.h). */
#include "args.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

void args_init(args_t *a, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->argc = argc;
	a->argv = argv;
}

static const args_opt_t *args_find(const args_opt_t *t, const char *name,
                                   size_t len)
{
	if (t == NULL)
		return NULL;
	for (; t->name != NULL; t++)
		if (strlen(t->name) == len && strncmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

int args_next(args_t *a, const args_opt_t *opts, const args_opt_t *more,
              const char **val)
{
	const args_opt_t *o;
	const char *arg, *name, *eq;
	size_t len;

	*val = NULL;
	if (a->pos >= a->argc)
		return ARGS_END;
	arg = a->argv[a->pos++];
	if (a->only_pos || arg[0] != '-' || arg[1] == '\0') {
		*val = arg;
		return ARGS_POSITIONAL;
	}
	if (strcmp(arg, "--") == 0) {
		a->only_pos = 1;
		return args_next(a, opts, more, val);
	}
	if (arg[1] != '-') {
		/* Short options: one letter ("-h", "-o FILE") named by a table
		 * entry of that letter; a negative number is not an option we
		 * know either, so report it plainly. */
		if (arg[2] != '\0' || (args_find(opts, arg + 1, 1) == NULL &&
		                        args_find(more, arg + 1, 1) == NULL)) {
			snprintf(a->error, sizeof(a->error), _("unknown option %s"), arg);
			return ARGS_ERROR;
		}
		name = arg + 1;
		len = 1;
		eq = NULL;
	} else {
		name = arg + 2;
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
	}
	o = args_find(opts, name, len);
	if (o == NULL)
		o = args_find(more, name, len);
	if (o == NULL) {
		snprintf(a->error, sizeof(a->error), _("unknown option %.*s"),
		         (int)(len + (size_t)(name - arg)), arg);
		return ARGS_ERROR;
	}
	if (!o->has_arg) {
		if (eq != NULL) {
			snprintf(a->error, sizeof(a->error), _("option --%s takes no value"),
			         o->name);
			return ARGS_ERROR;
		}
		return o->id;
	}
	if (eq != NULL) {
		*val = eq + 1;
		return o->id;
	}
	if (a->pos >= a->argc) {
		snprintf(a->error, sizeof(a->error), _("option --%s needs a value"), o->name);
		return ARGS_ERROR;
	}
	*val = a->argv[a->pos++];
	return o->id;
}
