/* Output of the command line: aligned tables and "key  value" blocks for
 * people, JSON for scripts.  Widths count code points, so "Süd" lines up. */
#ifndef QUARTIER_CLI_OUTPUT_H
#define QUARTIER_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------ tables */

typedef struct out_table {
	size_t ncols;
	const char *const *headers; /* borrowed; ncols N_()/NC_() literals, printed translated */
	const char *align;          /* borrowed; 'r' right-aligns a column */
	char **cells;               /* owned; nrows * ncols strings */
	size_t nrows, cap;          /* rows used and allocated */
	int failed;                 /* an allocation failed */
} out_table_t;

/* headers and align (may be NULL) are borrowed until out_table_free(). */
void out_table_init(out_table_t *t, size_t ncols, const char *const *headers,
                    const char *align);

/* Appends a row of ncols strings (copied; NULL prints as "-").  Returns 0,
 * or -1 if memory ran out (the table remembers it). */
int out_table_add(out_table_t *t, const char *const *row);

/* Prints the table; on a terminal, wide cells are cut with "…".  Returns
 * -1 if an earlier allocation had failed (nothing printed), else 0. */
int out_table_print(const out_table_t *t, FILE *f);

void out_table_free(out_table_t *t);

/* Prints "key" padded to width, then the value; continuation lines of a
 * multi-line value are indented.  NULL or "" prints "-". */
void out_kv(FILE *f, int width, const char *key, const char *value);

/* The key column width of a key/value block: min, or more when one of the
 * n keys (N_() literals, measured in the user's language) is longer. */
int out_kv_width(int min, const char *const *keys, size_t n);

/* ------------------------------------------------------------ JSON */

#define OUT_JSON_DEPTH 16

typedef struct out_json {
	FILE *f;                     /* borrowed */
	int depth;                   /* open containers */
	int count[OUT_JSON_DEPTH];   /* members written per container */
	int after_key;               /* a key was written; its value is next */
} out_json_t;

void out_json_init(out_json_t *j, FILE *f);
void out_json_begin_object(out_json_t *j);
void out_json_end_object(out_json_t *j);
void out_json_begin_array(out_json_t *j);
void out_json_end_array(out_json_t *j);
void out_json_key(out_json_t *j, const char *key);
/* NULL is written as null; invalid UTF-8 becomes U+FFFD. */
void out_json_string(out_json_t *j, const char *s);
void out_json_int(out_json_t *j, int64_t v);
void out_json_bool(out_json_t *j, int v);
/* A finite number with up to nine significant digits. */
void out_json_double(out_json_t *j, double v);
void out_json_null(out_json_t *j);
/* Ends the document with a newline. */
void out_json_finish(out_json_t *j);

/* Shorthands for "key": value. */
void out_json_kv_str(out_json_t *j, const char *key, const char *s);
void out_json_kv_int(out_json_t *j, const char *key, int64_t v);
/* 0 is written as null: ids and times use 0 for "none". */
void out_json_kv_id(out_json_t *j, const char *key, int64_t v);
void out_json_kv_bool(out_json_t *j, const char *key, int v);
void out_json_kv_ids(out_json_t *j, const char *key, const int64_t *v, size_t n);
void out_json_kv_strv(out_json_t *j, const char *key, char *const *v, size_t n);

/* ------------------------------------------------------------ values */

/* Local time "YYYY-MM-DD HH:MM" of unix seconds t into buf; "-" for 0. */
const char *out_time(char *buf, size_t len, int64_t t);

/* Joins n ids with ", " into a new string (caller frees), "" for none;
 * NULL if memory ran out.  When names has n entries too, the names are
 * written instead, followed by " (id)" if with_ids. */
char *out_join(const int64_t *ids, size_t n, char *const *names,
               size_t n_names, int with_ids);

#endif
