/* iCalendar export (RFC 5545) of meetings of the inter-office
 * coordination: one VCALENDAR with a VEVENT per meeting.  Pure formatting
 * into a FILE: CRLF line ends, content lines folded at 75 octets (never
 * inside a UTF-8 sequence or an escape), TEXT values escaped, times in
 * UTC. */
#ifndef QUARTIER_CLI_ICS_H
#define QUARTIER_CLI_ICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "quartier/quartier.h"

#define ICS_LINE_MAX 75 /* octets per physical line, without CRLF */

/* "YYYYMMDDTHHMMSSZ" of unix seconds t into buf (at least 17 bytes). */
const char *ics_utc(char *buf, size_t len, int64_t t);

/* Writes one content line "NAME:value" to f; value is TEXT and escaped
 * (backslash, ';', ',' and line breaks as \n; other control characters are
 * dropped).  Returns 0, or -1 if writing failed. */
int ics_text_line(FILE *f, const char *name, const char *value);

/* Writes a calendar with the meetings (borrowed; their agenda and
 * hand-overs go into DESCRIPTION).  dtstamp is the time of the export,
 * uid_host names the installation in each UID
 * ("quartier-meeting-<id>@<uid_host>", stable across exports).  Returns 0,
 * or -1 if writing failed. */
int ics_write(FILE *f, const qt_meeting_t *meetings, size_t n, int64_t dtstamp,
              const char *uid_host);

#endif
