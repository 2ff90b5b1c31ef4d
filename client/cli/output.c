/* Tables, key/value blocks and JSON for the command line (see output.h). */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "utf8.h"

#define OUT_CELL_MAX 48 /* code points per cell on a terminal */

/* ------------------------------------------------------------ tables */

void out_table_init(out_table_t *t, size_t ncols, const char *const *headers,
                    const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->headers = headers;
	t->align = align;
}

int out_table_add(out_table_t *t, const char *const *row)
{
	char **grown;
	size_t i, base;

	if (t->failed)
		return -1;
	if (t->nrows == t->cap) {
		size_t ncap = t->cap != 0 ? t->cap * 2 : 16;

		grown = realloc(t->cells, ncap * t->ncols * sizeof(*grown));
		if (grown == NULL)
			goto fail;
		t->cells = grown;
		t->cap = ncap;
	}
	base = t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		t->cells[base + i] = strdup(row[i] != NULL && row[i][0] != '\0' ?
		                            row[i] : "-");
		if (t->cells[base + i] == NULL) {
			while (i-- > 0)
				free(t->cells[base + i]);
			goto fail;
		}
	}
	t->nrows++;
	return 0;
fail:
	t->failed = 1;
	return -1;
}

/* Prints s in a column of width w (code points), cut to w if longer. */
static void out_cell(FILE *f, const char *s, size_t w, int right, int last)
{
	size_t sw = utf8_width(s);
	size_t pad;

	if (sw > w) {
		fwrite(s, 1, utf8_prefix(s, w - 1), f);
		fputs("\xe2\x80\xa6", f); /* … */
		sw = w;
	} else if (right) {
		for (pad = sw; pad < w; pad++)
			fputc(' ', f);
		fputs(s, f);
		sw = w;
	} else {
		fputs(s, f);
	}
	if (last)
		return;
	for (pad = sw; pad < w; pad++)
		fputc(' ', f);
	fputs("  ", f);
}

/* A column header in the user's language; N_() or NC_() literals ("" stays
 * "": gettext("") is the catalogue's header entry). */
static const char *out_header(const char *h)
{
	return h[0] != '\0' ? cli_pgettext(h) : h;
}

int out_table_print(const out_table_t *t, FILE *f)
{
	size_t widths[32];
	size_t r, i, w, limit;

	if (t->failed || t->ncols > sizeof(widths) / sizeof(widths[0]))
		return -1;
	limit = isatty(fileno(f)) ? OUT_CELL_MAX : SIZE_MAX;
	for (i = 0; i < t->ncols; i++) {
		widths[i] = utf8_width(out_header(t->headers[i]));
		for (r = 0; r < t->nrows; r++) {
			w = utf8_width(t->cells[r * t->ncols + i]);
			if (w > widths[i])
				widths[i] = w;
		}
		if (widths[i] > limit)
			widths[i] = limit;
	}
	for (i = 0; i < t->ncols; i++)
		out_cell(f, out_header(t->headers[i]), widths[i],
		         t->align != NULL && t->align[i] == 'r', i + 1 == t->ncols);
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++)
			out_cell(f, t->cells[r * t->ncols + i], widths[i],
			         t->align != NULL && t->align[i] == 'r',
			         i + 1 == t->ncols);
		fputc('\n', f);
	}
	return 0;
}

void out_table_free(out_table_t *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

void out_kv(FILE *f, int width, const char *key, const char *value)
{
	size_t kw = utf8_width(key);
	const char *p, *nl;
	int i;

	fputs(key, f);
	for (i = (int)kw; i < width; i++)
		fputc(' ', f);
	fputs("  ", f);
	if (value == NULL || value[0] == '\0') {
		fputs("-\n", f);
		return;
	}
	for (p = value;; p = nl + 1) {
		nl = strchr(p, '\n');
		if (p != value)
			fprintf(f, "%*s  ", width, "");
		if (nl == NULL) {
			fprintf(f, "%s\n", p);
			break;
		}
		fwrite(p, 1, (size_t)(nl - p) + 1, f);
	}
}

int out_kv_width(int min, const char *const *keys, size_t n)
{
	size_t i, w;
	int width = min;

	for (i = 0; i < n; i++) {
		w = utf8_width(_(keys[i]));
		if (w > (size_t)width)
			width = (int)w;
	}
	return width;
}

/* ------------------------------------------------------------ JSON */

void out_json_init(out_json_t *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void out_json_indent(out_json_t *j, int depth)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < depth; i++)
		fputs("  ", j->f);
}

/* Writes what goes before a value: nothing after a key, else a comma if
 * needed and the indentation of a new member. */
static void out_json_value(out_json_t *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	if (j->depth <= OUT_JSON_DEPTH && j->count[j->depth - 1]++ > 0)
		fputc(',', j->f);
	out_json_indent(j, j->depth);
}

static void out_json_open(out_json_t *j, char c)
{
	out_json_value(j);
	fputc(c, j->f);
	if (j->depth < OUT_JSON_DEPTH)
		j->count[j->depth] = 0;
	j->depth++;
}

static void out_json_close(out_json_t *j, char c)
{
	j->depth--;
	if (j->depth < OUT_JSON_DEPTH && j->count[j->depth] > 0)
		out_json_indent(j, j->depth);
	fputc(c, j->f);
}

void out_json_begin_object(out_json_t *j)
{
	out_json_open(j, '{');
}

void out_json_end_object(out_json_t *j)
{
	out_json_close(j, '}');
}

void out_json_begin_array(out_json_t *j)
{
	out_json_open(j, '[');
}

void out_json_end_array(out_json_t *j)
{
	out_json_close(j, ']');
}

static void out_json_quoted(FILE *f, const char *s)
{
	size_t len = strlen(s), pos = 0, n;
	uint32_t cp;

	fputc('"', f);
	while (pos < len) {
		n = utf8_decode(s + pos, len - pos, &cp);
		switch (cp) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (cp < 0x20 || cp == 0x7f)
				fprintf(f, "\\u%04x", (unsigned)cp);
			else if (cp == 0xfffd && n == 1)
				fputs("\xef\xbf\xbd", f); /* invalid byte */
			else
				fwrite(s + pos, 1, n, f);
			break;
		}
		pos += n;
	}
	fputc('"', f);
}

void out_json_key(out_json_t *j, const char *key)
{
	out_json_value(j);
	out_json_quoted(j->f, key);
	fputs(": ", j->f);
	j->after_key = 1;
}

void out_json_string(out_json_t *j, const char *s)
{
	if (s == NULL) {
		out_json_null(j);
		return;
	}
	out_json_value(j);
	out_json_quoted(j->f, s);
}

void out_json_int(out_json_t *j, int64_t v)
{
	out_json_value(j);
	fprintf(j->f, "%" PRId64, v);
}

void out_json_double(out_json_t *j, double v)
{
	out_json_value(j);
	fprintf(j->f, "%.9g", v);
}

void out_json_bool(out_json_t *j, int v)
{
	out_json_value(j);
	fputs(v ? "true" : "false", j->f);
}

void out_json_null(out_json_t *j)
{
	out_json_value(j);
	fputs("null", j->f);
}

void out_json_finish(out_json_t *j)
{
	fputc('\n', j->f);
}

void out_json_kv_str(out_json_t *j, const char *key, const char *s)
{
	out_json_key(j, key);
	out_json_string(j, s);
}

void out_json_kv_int(out_json_t *j, const char *key, int64_t v)
{
	out_json_key(j, key);
	out_json_int(j, v);
}

void out_json_kv_id(out_json_t *j, const char *key, int64_t v)
{
	out_json_key(j, key);
	if (v == 0)
		out_json_null(j);
	else
		out_json_int(j, v);
}

void out_json_kv_bool(out_json_t *j, const char *key, int v)
{
	out_json_key(j, key);
	out_json_bool(j, v);
}

void out_json_kv_ids(out_json_t *j, const char *key, const int64_t *v, size_t n)
{
	size_t i;

	out_json_key(j, key);
	out_json_begin_array(j);
	for (i = 0; i < n; i++)
		out_json_int(j, v[i]);
	out_json_end_array(j);
}

void out_json_kv_strv(out_json_t *j, const char *key, char *const *v, size_t n)
{
	size_t i;

	out_json_key(j, key);
	out_json_begin_array(j);
	for (i = 0; i < n; i++)
		out_json_string(j, v[i]);
	out_json_end_array(j);
}

/* ------------------------------------------------------------ values */

const char *out_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "-");
	return buf;
}

char *out_join(const int64_t *ids, size_t n, char *const *names,
               size_t n_names, int with_ids)
{
	int use_names = names != NULL && n_names == n;
	size_t i, len = 1;
	char *s, *p;

	for (i = 0; i < n; i++)
		len += 2 + 24 + (use_names ? strlen(names[i]) + 3 : 0);
	s = malloc(len);
	if (s == NULL)
		return NULL;
	p = s;
	*p = '\0';
	for (i = 0; i < n; i++) {
		const char *sep = i > 0 ? ", " : "";

		if (use_names && with_ids)
			p += sprintf(p, "%s%s (%" PRId64 ")", sep, names[i], ids[i]);
		else if (use_names)
			p += sprintf(p, "%s%s", sep, names[i]);
		else
			p += sprintf(p, "%s%" PRId64, sep, ids[i]);
	}
	return s;
}
