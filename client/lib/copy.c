/* Copying helpers for turning borrowed wire messages into the plain C
 * structures of the public API; every failure is QT_NOMEM and leaves
 * nothing allocated behind. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

qt_status_t copy_str(const char *s, char **out)
{
	char *d = NULL;

	if (s != NULL) {
		d = strdup(s);
		if (d == NULL)
			return QT_NOMEM;
	}
	*out = d;
	return QT_OK;
}

qt_status_t copy_opt_str(const char *s, char **out)
{
	return copy_str(s != NULL && s[0] != '\0' ? s : NULL, out);
}

qt_status_t copy_ids(const int64_t *ids, size_t n, int64_t **out)
{
	int64_t *d = NULL;

	if (n > 0) {
		d = malloc(n * sizeof(*d));
		if (d == NULL)
			return QT_NOMEM;
		memcpy(d, ids, n * sizeof(*d));
	}
	*out = d;
	return QT_OK;
}

qt_status_t copy_strv(char *const *v, size_t n, char ***out)
{
	char **d = NULL;
	size_t i;

	if (n > 0) {
		d = calloc(n, sizeof(*d));
		if (d == NULL)
			return QT_NOMEM;
		for (i = 0; i < n; i++) {
			if (copy_str(v[i] != NULL ? v[i] : "", &d[i]) != QT_OK) {
				copy_strv_free(d, i);
				return QT_NOMEM;
			}
		}
	}
	*out = d;
	return QT_OK;
}

void copy_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
