/* CSV export (RFC 4180) of meeting agendas and their outcomes, for
 * spreadsheets: a header row, then one record per agenda entry.  Pure
 * formatting into a FILE: CRLF record ends, fields quoted when they hold a
 * comma, a double quote, CR or LF, quotes doubled.  A field that starts
 * with = + - @ TAB or CR is written as text ("'=…") so spreadsheets do not
 * evaluate it (CSV injection). */
#ifndef QUARTIER_CLI_CSV_H
#define QUARTIER_CLI_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "quartier/quartier.h"

/* Writes one field (NULL as empty), preceded by a comma unless first. */
void csv_field(FILE *f, const char *s, int first);

/* Ends a record. */
void csv_end(FILE *f);

/* Writes the agendas of the meetings (borrowed), each entry with its
 * outcome and, for a hand-over, the lead office, due date and status.
 * Returns 0, or -1 if writing failed. */
int csv_write_agenda(FILE *f, const qt_meeting_t *meetings, size_t n);

#endif
