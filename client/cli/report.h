/* The annual report (Jahresbericht) of a project as a document: Markdown,
 * or a self-contained HTML page (inline style, no external resources).
 * Pure formatting into a FILE from the assembled report of libquartier:
 * project, goals with the version that counts, approved progress updates,
 * the year's fund figures and the continuation plan.  Every text from the
 * registry is escaped for the format (Markdown: punctuation that would
 * start markup; HTML: & < > " '). */
#ifndef QUARTIER_CLI_REPORT_H
#define QUARTIER_CLI_REPORT_H

#include <stdio.h>

#include "quartier/quartier.h"

/* Writes the report as Markdown (CommonMark with GFM tables).  r is
 * borrowed.  Returns 0, or -1 if writing failed. */
int report_markdown(FILE *f, const qt_annual_report_t *r);

/* Writes the report as one HTML5 page.  Returns 0, or -1 if writing
 * failed. */
int report_html(FILE *f, const qt_annual_report_t *r);

/* The latest value of goal_id among the approved updates of r (by the end
 * of their period); NULL if none.  *update receives the update (borrowed
 * from r) when not NULL. */
const qt_progress_value_t *report_latest_value(const qt_annual_report_t *r, int64_t goal_id,
                                               const qt_progress_update_t **update);

#endif
