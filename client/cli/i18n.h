/* Messages of the command line in the user's language (gettext, text
 * domain "quartier"): the markers xgettext looks for, the setup main()
 * does first, and lookups of messages with a context. */
#ifndef QUARTIER_CLI_I18N_H
#define QUARTIER_CLI_I18N_H

#include <libintl.h>
#include <string.h>

#define CLI_TEXTDOMAIN "quartier"

/* _("text"): the translation of a literal, looked up now.
 * N_("text"): marks a literal for the catalogue without looking it up
 *   (static tables; translate with _() where it is printed).
 * C_("context", "text"): the translation of text in a context, for words
 *   that read differently in different places ("open" as a meeting's state
 *   or as a verb).
 * NC_("context", "text"): marks like N_(); the literal holds the context
 *   and look-ups go through cli_pgettext().
 * ngettext(one, many, n): singular or plural by n (libintl.h). */
#define _(s)        gettext(s)
#define N_(s)       s
#define NC_(ctx, s) ctx "\004" s
#define C_(ctx, s)  cli_pgettext(ctx "\004" s)

/* Sets the locale from the environment (LANG, LC_ALL, LC_MESSAGES,
 * LANGUAGE) for messages, character set, time and collation, but keeps
 * numbers in the C locale: JSON, CSV, iCalendar and decimal input must not
 * get a decimal comma.  Then binds the text domain to the catalogue
 * directory: $QUARTIER_LOCALEDIR if set, else the directory at the
 * installed (or built) executable's relative path to the locale directory
 * (../share/locale for bin/quartier), else the configured absolute one.
 * Call once, first thing in main(). */
void cli_i18n_init(void);

/* The translation of "context\004text" (from NC_() or C_()), or the text
 * after the \004 when there is none.  The result is borrowed: from the
 * catalogue, or from key itself.  Inline, so that the formatters the unit
 * tests link alone (report.c, ics.c) need nothing else. */
__attribute__((format_arg(1))) static inline const char *cli_pgettext(const char *key)
{
	const char *t = gettext(key);
	const char *sep;

	if (t != key)
		return t;
	sep = strchr(key, '\004');
	return sep != NULL ? sep + 1 : key;
}

#endif
