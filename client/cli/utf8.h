/* UTF-8 helpers for the command line: display width of table cells (in
 * code points), JSON-safe validation and a case-insensitive comparison that
 * also folds the Latin-1 letters of German names ("SÜD" = "süd"). */
#ifndef QUARTIER_CLI_UTF8_H
#define QUARTIER_CLI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s (at most len bytes).  Returns the number of
 * bytes used (at least 1 if len > 0); *cp is U+FFFD for invalid input. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Number of code points in s (invalid bytes count one each). */
size_t utf8_width(const char *s);

/* Byte length of the first max code points of s. */
size_t utf8_prefix(const char *s, size_t max);

/* Compares a and b ignoring case for ASCII and Latin-1 letters; 0 if equal. */
int utf8_casecmp(const char *a, const char *b);

#endif
