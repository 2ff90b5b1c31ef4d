/* UTF-8 decoding, width and case folding for the command line (see
 * utf8.h).  Only what tables, JSON and name matching need. */
#include "utf8.h"

#include <string.h>

size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t n, i;

	if (len == 0) {
		*cp = 0;
		return 0;
	}
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		goto invalid;
	}
	if (n > len)
		goto invalid;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto invalid;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are invalid. */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto invalid;
	*cp = c;
	return n;
invalid:
	*cp = 0xfffd;
	return 1;
}

size_t utf8_width(const char *s)
{
	size_t len = strlen(s), pos = 0, w = 0;
	uint32_t cp;

	while (pos < len) {
		pos += utf8_decode(s + pos, len - pos, &cp);
		w++;
	}
	return w;
}

size_t utf8_prefix(const char *s, size_t max)
{
	size_t len = strlen(s), pos = 0, w = 0;
	uint32_t cp;

	while (pos < len && w < max) {
		pos += utf8_decode(s + pos, len - pos, &cp);
		w++;
	}
	return pos;
}

/* Lower case for ASCII and the Latin-1 supplement (À-Þ without ×). */
static uint32_t utf8_fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 32;
	return c;
}

int utf8_casecmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), pa = 0, pb = 0;
	uint32_t ca, cb;

	while (pa < la && pb < lb) {
		pa += utf8_decode(a + pa, la - pa, &ca);
		pb += utf8_decode(b + pb, lb - pb, &cb);
		ca = utf8_fold(ca);
		cb = utf8_fold(cb);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (pa < la)
		return 1;
	if (pb < lb)
		return -1;
	return 0;
}
