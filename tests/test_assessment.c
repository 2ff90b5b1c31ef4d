/* Integration tests of quality assessment (annex Bewertungskriterien) and
 * continuation (Verstetigung) through libquartier against a real quartierd
 * and PostgreSQL: the catalogue matches the annex of the seed, an
 * assessment lists exactly the required criteria not met, a new catalogue
 * version leaves old results alone, permissions (a refused request changes
 * nothing, not even the audit table), bad input names the field and stores
 * nothing, and the list of projects whose funding ends without a plan. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

TestSuite(assessment, .fini = harness_fini, .timeout = 120);

/* ------------------------------------------------------------ helpers */

static const char *err_field(qt_client_t *c)
{
	const char *f = qt_client_last_error(c)->field;

	return f != NULL ? f : "(none)";
}

static int64_t count_rows(const char *table)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return harness_sql_int(&H, sql, 0, NULL, NULL, NULL);
}

/* Counts of the tables a refused request must leave alone. */
typedef struct snapshot {
	int64_t audit, assessment, rating, continuation, block, criterion;
} snapshot_t;

static snapshot_t snap(void)
{
	snapshot_t s = {count_rows("audit"),
	                count_rows("assessment"),
	                count_rows("assessment_rating"),
	                count_rows("continuation"),
	                count_rows("continuation_block"),
	                count_rows("criterion")};

	return s;
}

static void expect_unchanged(const snapshot_t *before, const char *what)
{
	snapshot_t now = snap();

	cr_expect_eq(now.audit, before->audit, "%s: audit rows %lld -> %lld", what,
	             (long long)before->audit, (long long)now.audit);
	cr_expect_eq(now.assessment, before->assessment, "%s: assessments changed", what);
	cr_expect_eq(now.rating, before->rating, "%s: ratings changed", what);
	cr_expect_eq(now.continuation, before->continuation, "%s: plans changed", what);
	cr_expect_eq(now.block, before->block, "%s: plan blocks changed", what);
	cr_expect_eq(now.criterion, before->criterion, "%s: criteria changed", what);
}

/* The first column of the first row of a query as text (static buffer). */
static const char *sql_text(const char *sql)
{
	static char buf[256];
	PGresult *res = PQexec(harness_pg(&H), sql);

	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s: %s", sql,
	             PQresultErrorMessage(res));
	cr_assert(PQntuples(res) == 1 && !PQgetisnull(res, 0, 0), "%s: no value", sql);
	snprintf(buf, sizeof(buf), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return buf;
}

/* The server's today plus days, "YYYY-MM-DD", copied into out. */
static char *day(int days, char *out, size_t len)
{
	char sql[96];

	snprintf(sql, sizeof(sql), "SELECT (current_date + %d)::text", days);
	snprintf(out, len, "%s", sql_text(sql));
	return out;
}

/* A project led by office with coordinator (0: none) and end date (NULL:
 * none). */
static int64_t project(qt_client_t *c, const char *name, int64_t office, int64_t coordinator,
                       const char *end)
{
	int64_t quarters[1] = {H.seed.quarter_heslach};
	int64_t offices[1] = {office};
	int64_t coords[1] = {coordinator};
	qt_project_new_t in;
	qt_project_t p;
	qt_status_t st;
	int64_t id;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.kind = QT_KIND_COMPREHENSIVE;
	in.quarter_ids = quarters;
	in.n_quarter_ids = 1;
	in.lead_office_ids = offices;
	in.n_lead_office_ids = 1;
	in.coordinator_ids = coords;
	in.n_coordinator_ids = coordinator != 0 ? 1 : 0;
	in.start_date = "2020-01-01";
	in.end_date = end;
	memset(&p, 0, sizeof(p));
	st = qt_project_create(c, &in, &p);
	cr_assert_eq(st, QT_OK, "project %s: %s: %s", name, qt_status_name(st),
	             qt_client_last_error(c)->message);
	id = p.id;
	qt_project_clear(&p);
	return id;
}

static void catalogue(qt_client_t *c, uint32_t version, qt_catalogue_t *cat)
{
	qt_status_t st;

	memset(cat, 0, sizeof(*cat));
	st = qt_criteria_list(c, version, cat);
	cr_assert_eq(st, QT_OK, "criteria list: %s: %s", qt_status_name(st),
	             qt_client_last_error(c)->message);
}

/* The criterion of cat with exactly this text. */
static const qt_criterion_t *by_text(const qt_catalogue_t *cat, const char *text)
{
	for (size_t i = 0; i < cat->n_criteria; i++)
		if (strcmp(cat->criteria[i].text, text) == 0)
			return &cat->criteria[i];
	cr_assert_fail("no criterion \"%s\"", text);
	return NULL;
}

/* The criterion at section, column and position. */
static const qt_criterion_t *at(const qt_catalogue_t *cat, uint32_t section,
                                qt_criterion_column_t col, uint32_t pos)
{
	for (size_t i = 0; i < cat->n_criteria; i++)
		if (cat->criteria[i].section == section && cat->criteria[i].column == col &&
		    cat->criteria[i].position == pos)
			return &cat->criteria[i];
	cr_assert_fail("no criterion %u/%s/%u", section, qt_criterion_column_name(col), pos);
	return NULL;
}

static qt_status_t assess(qt_client_t *c, int64_t proj, const qt_rating_new_t *r, size_t n,
                          uint32_t version, qt_assessment_t *out)
{
	qt_assessment_new_t in;

	memset(&in, 0, sizeof(in));
	in.project_id = proj;
	in.phase = QT_PHASE_RUNNING;
	in.ratings = r;
	in.n_ratings = n;
	in.catalogue_version = version;
	memset(out, 0, sizeof(*out));
	return qt_assessment_create(c, &in, out);
}

/* "1,2,3" of n ids. */
static char *ids_str(char *buf, size_t len, const int64_t *ids, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%lld", i ? "," : "",
		         (long long)ids[i]);
	return buf;
}

/* ------------------------------------------------------------ the catalogue */

/* Derived from the annex of seeds/002_bf38faa5a5cebe2f.txt: per section,
 * the checkboxes of column Konzept and Prozess, plain (required) and
 * italic (quality-enhancing). */
static const struct {
	unsigned konzept_req, konzept_enh, prozess_req, prozess_enh;
	const char *title;
} annex[8] = {
    [1] = {1, 7, 0, 0, "Ausgangslage/Sozialraumanalyse"},
    [2] = {5, 0, 2, 0, "Zielsteuerung"},
    [3] = {1, 0, 4, 4, "Evaluation"},
    [4] = {2, 0, 24, 0, "Quartierskoordination (falls vorhanden)"},
    [5] = {2, 0, 4, 1, "Partizipation"},
    [6] = {1, 0, 5, 1, "Gesellschaftliches Engagement"},
    [7] = {2, 0, 3, 0, "Verstetigung"},
};

Test(assessment, catalogue_matches_the_annex)
{
	qt_client_t *c;
	qt_catalogue_t cat;
	unsigned count[8][3][2];
	unsigned required = 0, enhancing = 0, last_pos[8][3];
	const qt_criterion_t *k;
	qt_status_t st;

	harness_standard(&H, NULL);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	c = harness_login(&H, "leser", HARNESS_PASSWORD);
	catalogue(c, 0, &cat);

	cr_assert_eq(cat.version, 1);
	cr_assert_str_eq(
	    cat.title,
	    "Bewertungskriterien für Quartiersprojekte und soziale Quartiersentwicklungen");
	cr_assert_eq(cat.n_versions, 1);
	cr_assert_eq(cat.versions[0], 1);
	cr_assert_eq(cat.n_sections, 7);
	for (uint32_t s = 1; s <= 7; s++) {
		cr_expect_eq(cat.sections[s - 1].section, s);
		cr_expect_str_eq(cat.sections[s - 1].title, annex[s].title);
	}

	memset(count, 0, sizeof(count));
	memset(last_pos, 0, sizeof(last_pos));
	for (size_t i = 0; i < cat.n_criteria; i++) {
		const qt_criterion_t *x = &cat.criteria[i];

		cr_assert(x->section >= 1 && x->section <= 7, "section %u", x->section);
		cr_assert(x->column == QT_COLUMN_KONZEPT || x->column == QT_COLUMN_PROZESS);
		cr_expect_eq(x->version, 1);
		count[x->section][x->column][x->required]++;
		if (x->required)
			required++;
		else
			enhancing++;
		/* Catalogue order: by section, Konzept before Prozess, positions
		 * 1, 2, 3 ... without gaps. */
		cr_expect_eq(x->position, last_pos[x->section][x->column] + 1,
		             "criterion %lld: position %u after %u", (long long)x->id, x->position,
		             last_pos[x->section][x->column]);
		last_pos[x->section][x->column] = x->position;
		if (i > 0) {
			const qt_criterion_t *p = &cat.criteria[i - 1];
			cr_expect(p->section < x->section ||
			              (p->section == x->section && p->column <= x->column),
			          "criterion %lld out of order", (long long)x->id);
		}
		/* Only section 4 ("falls vorhanden") admits not applicable. */
		cr_expect_eq(x->na_allowed, x->section == 4, "criterion %lld na_allowed",
		             (long long)x->id);
		cr_expect_eq(x->one_of != 0, x->section == 7 && x->column == QT_COLUMN_KONZEPT,
		             "criterion %lld one_of", (long long)x->id);
	}
	for (uint32_t s = 1; s <= 7; s++) {
		cr_expect_eq(count[s][QT_COLUMN_KONZEPT][1], annex[s].konzept_req,
		             "section %u konzept required: %u", s, count[s][QT_COLUMN_KONZEPT][1]);
		cr_expect_eq(count[s][QT_COLUMN_KONZEPT][0], annex[s].konzept_enh,
		             "section %u konzept enhancing: %u", s, count[s][QT_COLUMN_KONZEPT][0]);
		cr_expect_eq(count[s][QT_COLUMN_PROZESS][1], annex[s].prozess_req,
		             "section %u prozess required: %u", s, count[s][QT_COLUMN_PROZESS][1]);
		cr_expect_eq(count[s][QT_COLUMN_PROZESS][0], annex[s].prozess_enh,
		             "section %u prozess enhancing: %u", s, count[s][QT_COLUMN_PROZESS][0]);
	}
	cr_expect_eq(required, 56);
	cr_expect_eq(enhancing, 13);
	cr_expect_eq(cat.n_criteria, 69);

	/* A few exact texts, with their place in the annex. */
	k = at(&cat, 1, QT_COLUMN_KONZEPT, 1);
	cr_expect_str_eq(k->text, "Es liegt eine Bestandsaufnahme vor, welche die soziale Lage, "
	                          "Strukturen und Herausforderungen und Chancen im Quartier "
	                          "abbildet.");
	cr_expect(k->required);
	k = at(&cat, 1, QT_COLUMN_KONZEPT, 8);
	cr_expect_str_eq(k->text, "Bedarfsabschätzung und Prioritätensetzung");
	cr_expect_not(k->required, "italic in the annex");
	cr_expect_str_eq(k->lead_in, "Diese umfasst:");
	k = by_text(&cat, "Sie sind messbar.");
	cr_expect(k->section == 2 && k->column == QT_COLUMN_KONZEPT && k->position == 2 &&
	          k->required);
	k = by_text(&cat, "Darstellung der Übertragbarkeit der „guten Ideen“ auf andere Quartiere "
	                  "im Abschlussbericht.");
	cr_expect(k->section == 3 && k->column == QT_COLUMN_PROZESS && !k->required);
	k = by_text(&cat, "Analyse und Bewertung des gesamten Prozesses.");
	cr_expect(k->section == 3 && k->required);
	cr_expect_str_eq(k->lead_in, "Die Evaluation beinhaltet:");
	k = by_text(&cat, "Verwaltung eines Quartiersfonds");
	cr_expect(k->section == 4 && k->column == QT_COLUMN_PROZESS && k->position == 11 &&
	          k->required && k->na_allowed);
	cr_expect_str_eq(k->lead_in, "Die Quartierskoordination übernimmt folgende Aufgaben:");
	k = at(&cat, 4, QT_COLUMN_PROZESS, 24);
	cr_expect_str_eq(k->text, "Öffentlichkeitsarbeit");
	cr_expect_str_eq(k->lead_in, "Qualifikationen der Quartierskoordination");
	k = by_text(&cat, "Die Umsetzung der Partizipation wird evaluiert und Erkenntnisse auf "
	                  "andere Prozesse übertragen.");
	cr_expect(k->section == 5 && !k->required);
	k = at(&cat, 7, QT_COLUMN_KONZEPT, 1);
	cr_expect_str_eq(k->text, "ohne öffentliche Förderung oder");
	cr_expect_eq(k->one_of, at(&cat, 7, QT_COLUMN_KONZEPT, 2)->one_of);
	k = at(&cat, 7, QT_COLUMN_PROZESS, 3);
	cr_expect_str_eq(k->text,
	                 "Strategien zur Verstetigung werden in den Jahresberichten dargestellt.");
	qt_catalogue_clear(&cat);

	/* Explicitly version 1; an unknown version is not found. */
	catalogue(c, 1, &cat);
	cr_expect_eq(cat.n_criteria, 69);
	qt_catalogue_clear(&cat);
	st = qt_criteria_list(c, 2, &cat);
	cr_expect_eq(st, QT_NOT_FOUND, "version 2: %s", qt_status_name(st));
	cr_expect(harness_field_is(qt_client_last_error(c)->field, "version"), "field %s",
	          err_field(c));
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ missing criteria */

Test(assessment, lists_exactly_the_required_criteria_not_met)
{
	qt_client_t *admin, *office;
	qt_catalogue_t cat;
	qt_rating_new_t r[80];
	qt_assessment_t a, g, b;
	qt_assessment_t *list = NULL;
	size_t n = 0, nl = 0, met_enh = 0;
	int64_t proj, office_acct, want[8];
	size_t n_want = 0;
	const qt_criterion_t *messbar, *fonds, *nichtbet, *engagement, *ohne, *mit, *jahresber;
	const char *note = "Ziel \u201eA\u201c \"x\" \\ {a,b}\nzweite Zeile; ä";
	char got_s[512], want_s[512];
	int64_t audit0;
	qt_status_t st;

	harness_standard(&H, NULL);
	office_acct =
	    harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	proj = project(admin, "KUGEL", H.seed.office_social, 0, NULL);
	catalogue(office, 0, &cat);

	messbar = by_text(&cat, "Sie sind messbar.");
	fonds = by_text(&cat, "Verwaltung eines Quartiersfonds");
	nichtbet = by_text(&cat, "Das Recht auf Nichtbeteiligung wird akzeptiert.");
	engagement = at(&cat, 6, QT_COLUMN_KONZEPT, 1);
	ohne = at(&cat, 7, QT_COLUMN_KONZEPT, 1);
	mit = at(&cat, 7, QT_COLUMN_KONZEPT, 2);
	jahresber = at(&cat, 7, QT_COLUMN_PROZESS, 3);

	/* Required criteria: met, except "messbar" (not met, with a note),
	 * "Nichtbeteiligung" and "Jahresberichte" (not rated), Engagement
	 * konzept (not applicable where the annex does not allow it).
	 * Section 4 is not applicable ("falls vorhanden"), except the fund,
	 * which is not met.  Section 7: "ohne Förderung" not met, "mit
	 * Förderung" met — alternatives, so neither is missing.  Enhancing
	 * criteria: met, not met, not applicable or not rated, never missing. */
	for (size_t i = 0; i < cat.n_criteria; i++) {
		const qt_criterion_t *k = &cat.criteria[i];
		qt_rating_new_t *e = &r[n];

		if (k == nichtbet || k == jahresber)
			continue;
		memset(e, 0, sizeof(*e));
		e->criterion_id = k->id;
		if (!k->required) {
			if (k->position % 4 == 0)
				continue; /* not rated */
			e->rating = (qt_rating_t)(1 + k->position % 3);
			if (e->rating == QT_RATING_MET)
				met_enh++;
		} else if (k == messbar) {
			e->rating = QT_RATING_NOT_MET;
			e->note = note;
		} else if (k == engagement) {
			e->rating = QT_RATING_NOT_APPLICABLE;
		} else if (k == fonds || k == ohne) {
			e->rating = QT_RATING_NOT_MET;
		} else if (k->section == 4) {
			e->rating = QT_RATING_NOT_APPLICABLE;
		} else {
			e->rating = QT_RATING_MET;
		}
		n++;
	}
	/* In catalogue order. */
	want[n_want++] = messbar->id;
	want[n_want++] = fonds->id;
	want[n_want++] = nichtbet->id;
	want[n_want++] = engagement->id;
	want[n_want++] = jahresber->id;

	audit0 = count_rows("audit");
	st = assess(office, proj, r, n, 0, &a);
	cr_assert_eq(st, QT_OK, "%s: %s (field %s)", qt_status_name(st),
	             qt_client_last_error(office)->message, err_field(office));
	cr_assert_not(a.required_met);
	cr_assert_str_eq(ids_str(got_s, sizeof(got_s), a.missing_ids, a.n_missing_ids),
	                 ids_str(want_s, sizeof(want_s), want, n_want));
	cr_assert_eq(a.n_missing, n_want);
	for (size_t i = 0; i < n_want; i++) {
		cr_expect_eq(a.missing[i].id, want[i]);
		cr_expect(a.missing[i].required);
	}
	cr_expect_str_eq(a.missing[0].text, "Sie sind messbar.");
	cr_expect_eq(a.catalogue_version, 1);
	cr_expect_eq(a.project_id, proj);
	cr_expect_str_eq(a.project_name, "KUGEL");
	cr_expect_eq(a.phase, QT_PHASE_RUNNING);
	cr_expect_eq(a.assessor_id, office_acct);
	cr_expect_str_eq(a.assessed_on, sql_text("SELECT current_date::text"));
	cr_expect_eq(a.n_ratings, n);
	cr_expect_eq(a.rated, n);
	cr_expect_eq(a.required_total, 56);
	cr_expect_eq(a.enhancing_total, 13);
	cr_expect_eq(a.enhancing_met, met_enh);
	/* The note survives the round trip through a text[] literal. */
	for (size_t i = 0; i < a.n_ratings; i++)
		if (a.ratings[i].criterion_id == messbar->id) {
			cr_expect_eq(a.ratings[i].rating, QT_RATING_NOT_MET);
			cr_expect_str_eq(a.ratings[i].note, note);
		}
	cr_expect_eq(count_rows("audit"), audit0 + 1, "one audit row");
	cr_expect_eq(harness_sql_int(&H,
	                             "SELECT count(*) FROM audit WHERE entity = 'assessment' "
	                             "AND action = 'assessment.create' AND entity_id = $1::bigint",
	                             1, sql_text("SELECT max(id)::text FROM assessment"), NULL,
	                             NULL),
	             1);

	/* get: the same result. */
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_assessment_get(admin, a.id, &g), QT_OK);
	cr_expect_str_eq(ids_str(got_s, sizeof(got_s), g.missing_ids, g.n_missing_ids), want_s);
	cr_expect_eq(g.n_ratings, n);
	cr_expect_eq(g.n_missing, n_want);
	qt_assessment_clear(&g);

	/* All required met (section 7 by the second alternative alone):
	 * complete. */
	n = 0;
	for (size_t i = 0; i < cat.n_criteria; i++) {
		const qt_criterion_t *k = &cat.criteria[i];

		if (!k->required || k == ohne)
			continue;
		r[n].criterion_id = k->id;
		r[n].rating =
		    k->section == 4 && k->position % 2 ? QT_RATING_NOT_APPLICABLE : QT_RATING_MET;
		r[n].note = NULL;
		n++;
	}
	st = assess(admin, proj, r, n, 0, &b);
	cr_assert_eq(st, QT_OK, "%s: %s", qt_status_name(st), qt_client_last_error(admin)->message);
	cr_expect(b.required_met, "missing %s",
	          ids_str(got_s, sizeof(got_s), b.missing_ids, b.n_missing_ids));
	cr_expect_eq(b.n_missing_ids, 0);
	cr_expect_eq(b.enhancing_met, 0);
	qt_assessment_clear(&b);

	/* Neither alternative of section 7 met: both are missing. */
	for (size_t i = 0; i < n; i++)
		if (r[i].criterion_id == mit->id)
			r[i].rating = QT_RATING_NOT_MET;
	st = assess(admin, proj, r, n, 0, &b);
	cr_assert_eq(st, QT_OK);
	want[0] = ohne->id;
	want[1] = mit->id;
	cr_expect_str_eq(ids_str(got_s, sizeof(got_s), b.missing_ids, b.n_missing_ids),
	                 ids_str(want_s, sizeof(want_s), want, 2));

	/* The list: newest first, without ratings. */
	cr_assert_eq(qt_assessment_list(admin, proj, &list, &nl), QT_OK);
	cr_assert_eq(nl, 3);
	cr_expect_eq(list[0].id, b.id);
	cr_expect_eq(list[2].id, a.id);
	cr_expect(list[1].required_met);
	cr_expect_eq(list[2].n_missing_ids, 5);
	cr_expect_eq(list[2].n_ratings, 0);
	qt_assessment_list_free(list, nl);
	qt_assessment_clear(&b);
	cr_expect_eq(qt_assessment_list(admin, 999999, &list, &nl), QT_NOT_FOUND);
	cr_expect_eq(qt_assessment_get(admin, 999999, &g), QT_NOT_FOUND);
	/* A project without assessments: an empty list. */
	cr_assert_eq(qt_assessment_list(
	                 admin, project(admin, "Leer", H.seed.office_social, 0, NULL), &list, &nl),
	             QT_OK);
	cr_expect_eq(nl, 0);
	qt_assessment_list_free(list, nl);

	qt_assessment_clear(&a);
	qt_catalogue_clear(&cat);
	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ versions */

Test(assessment, a_new_catalogue_version_keeps_old_results)
{
	qt_client_t *c;
	qt_catalogue_t cat, cat2;
	qt_rating_new_t r[2];
	qt_assessment_t a, g, b;
	int64_t proj;
	char before_s[1024], after_s[1024];
	qt_status_t st;
	PGresult *res;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Alt", H.seed.office_social, 0, NULL);
	catalogue(c, 0, &cat);
	memset(r, 0, sizeof(r));
	r[0].criterion_id = at(&cat, 1, QT_COLUMN_KONZEPT, 1)->id;
	r[0].rating = QT_RATING_MET;
	r[1].criterion_id = at(&cat, 2, QT_COLUMN_KONZEPT, 1)->id;
	r[1].rating = QT_RATING_NOT_MET;
	cr_assert_eq(assess(c, proj, r, 2, 0, &a), QT_OK, "%s", qt_client_last_error(c)->message);
	cr_assert_eq(a.n_missing_ids, 55, "56 required, 1 met");
	ids_str(before_s, sizeof(before_s), a.missing_ids, a.n_missing_ids);

	/* Version 2: every criterion of version 1 required, and one more. */
	harness_sql_exec(
	    &H, "INSERT INTO catalogue_version (version, title, source) "
	        "VALUES (2, 'Bewertungskriterien (überarbeitet)', 'Test');"
	        "INSERT INTO catalogue_section (version, section, title) "
	        "SELECT 2, section, title FROM catalogue_section WHERE version = 1;"
	        "INSERT INTO criterion (version, section, col, required, position, "
	        "lead_in, na_allowed, one_of, text) "
	        "SELECT 2, section, col, true, position, lead_in, na_allowed, one_of, text "
	        "FROM criterion WHERE version = 1;"
	        "INSERT INTO criterion (version, section, col, required, position, text) "
	        "VALUES (2, 2, 'prozess', true, 3, 'Neues Kriterium.')");
	catalogue(c, 0, &cat2);
	cr_expect_eq(cat2.version, 2);
	cr_expect_eq(cat2.n_criteria, 70);
	cr_expect_eq(cat2.n_versions, 2);

	/* The old assessment: same version, same ratings, same result. */
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_assessment_get(c, a.id, &g), QT_OK);
	cr_expect_eq(g.catalogue_version, 1);
	cr_expect_eq(g.required_total, 56);
	cr_expect_eq(g.enhancing_total, 13);
	cr_expect_eq(g.n_ratings, 2);
	cr_expect_str_eq(ids_str(after_s, sizeof(after_s), g.missing_ids, g.n_missing_ids),
	                 before_s);
	qt_assessment_clear(&g);

	/* A new assessment uses version 2, where version 1's ids are unknown. */
	st = assess(c, proj, r, 2, 0, &b);
	cr_expect_eq(st, QT_INVALID_ARGUMENT, "v1 ids against v2: %s", qt_status_name(st));
	cr_expect(harness_field_is(qt_client_last_error(c)->field, "ratings.criterion_id"),
	          "field %s", err_field(c));
	r[0].criterion_id = at(&cat2, 1, QT_COLUMN_KONZEPT, 1)->id;
	r[1].criterion_id = at(&cat2, 2, QT_COLUMN_KONZEPT, 1)->id;
	cr_assert_eq(assess(c, proj, r, 2, 0, &b), QT_OK, "%s", qt_client_last_error(c)->message);
	cr_expect_eq(b.catalogue_version, 2);
	cr_expect_eq(b.required_total, 70);
	cr_expect_eq(b.n_missing_ids, 69);
	qt_assessment_clear(&b);
	/* An older version may still be named explicitly. */
	r[0].criterion_id = at(&cat, 1, QT_COLUMN_KONZEPT, 1)->id;
	r[1].criterion_id = at(&cat, 2, QT_COLUMN_KONZEPT, 1)->id;
	cr_assert_eq(assess(c, proj, r, 2, 1, &b), QT_OK, "%s", qt_client_last_error(c)->message);
	cr_expect_eq(b.catalogue_version, 1);
	cr_expect_str_eq(ids_str(after_s, sizeof(after_s), b.missing_ids, b.n_missing_ids),
	                 before_s);
	qt_assessment_clear(&b);

	/* Catalogues and assessments are written once. */
	res = PQexec(harness_pg(&H), "UPDATE criterion SET text = 'geändert' WHERE version = 1");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	cr_expect_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "Q0412");
	PQclear(res);
	res = PQexec(harness_pg(&H), "DELETE FROM assessment_rating");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	res = PQexec(harness_pg(&H), "TRUNCATE assessment_rating, assessment");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	memset(&g, 0, sizeof(g));
	cr_assert_eq(qt_assessment_get(c, a.id, &g), QT_OK);
	cr_expect_str_eq(ids_str(after_s, sizeof(after_s), g.missing_ids, g.n_missing_ids),
	                 before_s);
	qt_assessment_clear(&g);

	qt_assessment_clear(&a);
	qt_catalogue_clear(&cat2);
	qt_catalogue_clear(&cat);
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ permissions */

Test(assessment, permissions_and_nothing_changes_when_refused)
{
	qt_client_t *admin, *office, *other_office, *coord, *other_coord, *viewer;
	int64_t proj, coord_acct, other_coord_acct;
	qt_catalogue_t cat;
	qt_rating_new_t r[1];
	qt_assessment_t a;
	qt_assessment_t *list = NULL;
	size_t nl = 0;
	qt_continuation_new_t plan;
	qt_block_plan_new_t blk[1];
	qt_continuation_t p;
	snapshot_t before;
	qt_status_t st;

	harness_standard(&H, NULL);
	harness_account(&H, "sozialamt", "office", H.seed.office_social, 0, HARNESS_PASSWORD);
	harness_account(&H, "planung", "office", H.seed.office_planning, 0, HARNESS_PASSWORD);
	coord_acct = harness_account(&H, "koordination", "coordinator", 0, H.seed.org_caritas,
	                             HARNESS_PASSWORD);
	other_coord_acct = harness_account(&H, "koordination2", "coordinator", 0,
	                                   H.seed.org_initiative, HARNESS_PASSWORD);
	harness_account(&H, "leser", "viewer", 0, 0, HARNESS_PASSWORD);
	admin = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(admin, "KUGEL", H.seed.office_social, coord_acct, "2030-12-31");
	project(admin, "Anderes", H.seed.office_planning, other_coord_acct, NULL);
	office = harness_login(&H, "sozialamt", HARNESS_PASSWORD);
	other_office = harness_login(&H, "planung", HARNESS_PASSWORD);
	coord = harness_login(&H, "koordination", HARNESS_PASSWORD);
	other_coord = harness_login(&H, "koordination2", HARNESS_PASSWORD);
	viewer = harness_login(&H, "leser", HARNESS_PASSWORD);
	catalogue(viewer, 0, &cat);
	memset(r, 0, sizeof(r));
	r[0].criterion_id = cat.criteria[0].id;
	r[0].rating = QT_RATING_MET;
	memset(blk, 0, sizeof(blk));
	blk[0].block = QT_BLOCK_STANDING_FACILITY;
	blk[0].responsible = "Stadtteilhaus Süd";
	blk[0].tasks = "Offener Treff, Moderation des Netzwerks";
	blk[0].resources = "0,5 Stelle";
	memset(&plan, 0, sizeof(plan));
	plan.project_id = proj;
	plan.funding_ends_on = "2030-12-31";
	plan.blocks = blk;
	plan.n_blocks = 1;

	before = snap();
	{
		struct {
			qt_client_t *c;
			const char *who;
			int may_propose;
		} refused[] = {
		    {coord, "the project's coordinator", 1},
		    {other_coord, "coordinator of another project", 0},
		    {other_office, "another office", 0},
		    {viewer, "viewer", 0},
		};
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			st = assess(refused[i].c, proj, r, 1, 0, &a);
			cr_expect_eq(st, QT_PERMISSION_DENIED, "%s assesses: %s", refused[i].who,
			             qt_status_name(st));
			expect_unchanged(&before, refused[i].who);
			if (refused[i].may_propose)
				continue;
			memset(&p, 0, sizeof(p));
			st = qt_continuation_set(refused[i].c, &plan, &p);
			cr_expect_eq(st, QT_PERMISSION_DENIED, "%s sets the plan: %s",
			             refused[i].who, qt_status_name(st));
			expect_unchanged(&before, refused[i].who);
		}
	}

	/* Everyone reads. */
	cr_expect_eq(qt_assessment_list(viewer, proj, &list, &nl), QT_OK);
	qt_assessment_list_free(list, nl);
	memset(&p, 0, sizeof(p));
	cr_assert_eq(qt_continuation_get(viewer, proj, &p), QT_OK);
	cr_expect_eq(p.version, 0, "no plan yet");
	cr_expect_eq(p.status, QT_CONTINUATION_NONE);
	cr_expect_eq(p.n_blocks, 0);
	cr_expect_str_eq(p.project_end_date, "2030-12-31");
	qt_continuation_clear(&p);

	/* The lead office assesses; the coordinator proposes a plan, the lead
	 * office agrees to it by setting it. */
	st = assess(office, proj, r, 1, 0, &a);
	cr_assert_eq(st, QT_OK, "lead office assesses: %s: %s", qt_status_name(st),
	             qt_client_last_error(office)->message);
	qt_assessment_clear(&a);
	memset(&p, 0, sizeof(p));
	st = qt_continuation_set(coord, &plan, &p);
	cr_assert_eq(st, QT_OK, "coordinator proposes: %s: %s", qt_status_name(st),
	             qt_client_last_error(coord)->message);
	cr_expect_eq(p.version, 1);
	cr_expect_eq(p.status, QT_CONTINUATION_PROPOSED);
	cr_expect_eq(p.updated_by, coord_acct);
	cr_expect_str_eq(p.funding_ends_on, "2030-12-31");
	cr_assert_eq(p.n_blocks, 1);
	cr_expect_eq(p.blocks[0].block, QT_BLOCK_STANDING_FACILITY);
	cr_expect_str_eq(p.blocks[0].responsible, "Stadtteilhaus Süd");
	cr_expect_str_eq(p.blocks[0].resources, "0,5 Stelle");
	qt_continuation_clear(&p);
	plan.expected_version = 1;
	memset(&p, 0, sizeof(p));
	st = qt_continuation_set(office, &plan, &p);
	cr_assert_eq(st, QT_OK, "lead office sets: %s", qt_status_name(st));
	cr_expect_eq(p.version, 2);
	cr_expect_eq(p.status, QT_CONTINUATION_AGREED);
	qt_continuation_clear(&p);
	cr_expect_eq(count_rows("audit"), before.audit + 3, "one audit row per change");

	/* A stale version conflicts and changes nothing. */
	before = snap();
	st = qt_continuation_set(coord, &plan, &p);
	cr_expect_eq(st, QT_CONFLICT, "stale version: %s", qt_status_name(st));
	cr_expect(harness_field_is(qt_client_last_error(coord)->field, "expected_version"),
	          "field %s", err_field(coord));
	plan.expected_version = 0;
	st = qt_continuation_set(admin, &plan, &p);
	cr_expect_eq(st, QT_CONFLICT, "version 0 on an existing plan: %s", qt_status_name(st));
	expect_unchanged(&before, "stale versions");
	memset(&p, 0, sizeof(p));
	cr_assert_eq(qt_continuation_get(coord, proj, &p), QT_OK);
	cr_expect_eq(p.version, 2);
	cr_expect_eq(p.status, QT_CONTINUATION_AGREED);
	qt_continuation_clear(&p);

	qt_catalogue_clear(&cat);
	qt_client_free(viewer);
	qt_client_free(other_coord);
	qt_client_free(coord);
	qt_client_free(other_office);
	qt_client_free(office);
	qt_client_free(admin);
	harness_finish(&H);
}

/* ------------------------------------------------------------ bad input */

typedef struct assess_case {
	const char *what;
	int project; /* 0: the project; -1: unknown */
	qt_assessment_phase_t phase;
	int n;            /* ratings: 0..2 */
	int64_t id0, id1; /* criterion ids; 0 = the catalogue's first/second; -1 unknown */
	qt_rating_t rating;
	const char *note, *summary, *date;
	uint32_t version;
	const char *field;
} assess_case_t;

typedef struct plan_case {
	const char *what;
	int project; /* -1: unknown */
	int64_t expected;
	const char *ends;
	qt_continuation_block_t b0, b1; /* b1 UNSPECIFIED: one block */
	const char *responsible, *tasks, *resources;
	qt_status_t status;
	const char *field;
} plan_case_t;

Test(assessment, bad_input_names_the_field_and_stores_nothing)
{
	static char long_note[2 * 2001 + 1], long_tasks[4002];
	const assess_case_t acases[] = {
	    {"unknown criterion", 0, QT_PHASE_RUNNING, 1, -1, 0, QT_RATING_MET, NULL, NULL, NULL, 0,
	     "ratings.criterion_id"},
	    {"criterion id 0", 0, QT_PHASE_RUNNING, 1, -2, 0, QT_RATING_MET, NULL, NULL, NULL, 0,
	     "ratings.criterion_id"},
	    {"duplicate rating", 0, QT_PHASE_RUNNING, 2, 0, -3, QT_RATING_MET, NULL, NULL, NULL, 0,
	     "ratings.criterion_id"},
	    {"no phase", 0, QT_PHASE_UNSPECIFIED, 1, 0, 0, QT_RATING_MET, NULL, NULL, NULL, 0,
	     "phase"},
	    {"unknown phase", 0, (qt_assessment_phase_t)9, 1, 0, 0, QT_RATING_MET, NULL, NULL, NULL,
	     0, "phase"},
	    {"no rating value", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_UNSPECIFIED, NULL, NULL,
	     NULL, 0, "ratings.rating"},
	    {"unknown rating value", 0, QT_PHASE_RUNNING, 1, 0, 0, (qt_rating_t)7, NULL, NULL, NULL,
	     0, "ratings.rating"},
	    {"note too long", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, long_note, NULL, NULL, 0,
	     "ratings.note"},
	    {"note invalid UTF-8", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, "gut \xc3\x28",
	     NULL, NULL, 0, "ratings.note"},
	    {"note control character", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, "a\x1b", NULL,
	     NULL, 0, "ratings.note"},
	    {"summary invalid UTF-8", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, NULL, "\xff",
	     NULL, 0, "summary"},
	    {"no ratings", 0, QT_PHASE_RUNNING, 0, 0, 0, QT_RATING_MET, NULL, NULL, NULL, 0,
	     "ratings"},
	    {"no such day", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, NULL, NULL, "2026-02-30",
	     0, "assessed_on"},
	    {"in the future", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, NULL, NULL, "2199-01-01",
	     0, "assessed_on"},
	    {"unknown project", -1, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, NULL, NULL, NULL, 0,
	     "project_id"},
	    {"unknown catalogue version", 0, QT_PHASE_RUNNING, 1, 0, 0, QT_RATING_MET, NULL, NULL,
	     NULL, 99, "catalogue_version"},
	};
	const plan_case_t pcases[] = {
	    {"no block", 0, 0, NULL, QT_BLOCK_UNSPECIFIED, QT_BLOCK_UNSPECIFIED, "X", "Y", NULL,
	     QT_INVALID_ARGUMENT, "blocks.block"},
	    {"unknown block", 0, 0, NULL, (qt_continuation_block_t)9, QT_BLOCK_UNSPECIFIED, "X",
	     "Y", NULL, QT_INVALID_ARGUMENT, "blocks.block"},
	    {"duplicate block", 0, 0, NULL, QT_BLOCK_DISTRICT_HEAD, QT_BLOCK_DISTRICT_HEAD, "X",
	     "Y", NULL, QT_INVALID_ARGUMENT, "blocks.block"},
	    {"empty responsible", 0, 0, NULL, QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED, "", "Y",
	     NULL, QT_INVALID_ARGUMENT, "blocks.responsible"},
	    {"responsible invalid UTF-8", 0, 0, NULL, QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED,
	     "Amt \xe2\x82", "Y", NULL, QT_INVALID_ARGUMENT, "blocks.responsible"},
	    {"empty tasks", 0, 0, NULL, QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED, "X", "", NULL,
	     QT_INVALID_ARGUMENT, "blocks.tasks"},
	    {"tasks too long", 0, 0, NULL, QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED, "X",
	     long_tasks, NULL, QT_INVALID_ARGUMENT, "blocks.tasks"},
	    {"resources invalid UTF-8", 0, 0, NULL, QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED,
	     "X", "Y", "\xc0\xaf", QT_INVALID_ARGUMENT, "blocks.resources"},
	    {"bad funding end", 0, 0, "2026-13-01", QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED,
	     "X", "Y", NULL, QT_INVALID_ARGUMENT, "funding_ends_on"},
	    {"negative version", 0, -1, NULL, QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED, "X",
	     "Y", NULL, QT_INVALID_ARGUMENT, "expected_version"},
	    {"unknown project", -1, 0, NULL, QT_BLOCK_CITY_SERVICES, QT_BLOCK_UNSPECIFIED, "X", "Y",
	     NULL, QT_NOT_FOUND, "project_id"},
	};
	qt_client_t *c;
	qt_catalogue_t cat;
	int64_t proj;
	snapshot_t before;
	qt_continuation_due_list_t due;

	for (int i = 0; i < 2001; i++)
		memcpy(long_note + 2 * i, "\xc3\xa4", 2);
	long_note[4002] = '\0';
	memset(long_tasks, 'x', 4001);
	long_tasks[4001] = '\0';
	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	proj = project(c, "Projekt", H.seed.office_social, 0, NULL);
	catalogue(c, 0, &cat);
	before = snap();

	for (size_t i = 0; i < sizeof(acases) / sizeof(acases[0]); i++) {
		const assess_case_t *k = &acases[i];
		qt_rating_new_t r[2];
		qt_assessment_new_t in;
		qt_assessment_t out;
		qt_status_t st;

		memset(r, 0, sizeof(r));
		for (int j = 0; j < 2; j++) {
			int64_t want = j == 0 ? k->id0 : k->id1;

			r[j].criterion_id = want == -1   ? 999999
			                    : want == -2 ? 0
			                    : want == -3 ? cat.criteria[0].id
			                                 : cat.criteria[j].id;
			r[j].rating = k->rating;
			r[j].note = k->note;
		}
		memset(&in, 0, sizeof(in));
		in.project_id = k->project < 0 ? 999999 : proj;
		in.phase = k->phase;
		in.ratings = r;
		in.n_ratings = (size_t)k->n;
		in.summary = k->summary;
		in.assessed_on = k->date;
		in.catalogue_version = k->version;
		memset(&out, 0, sizeof(out));
		st = qt_assessment_create(c, &in, &out);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "assessment %s: got %s (%s)", k->what,
		             qt_status_name(st), qt_client_last_error(c)->message);
		cr_expect(harness_field_is(qt_client_last_error(c)->field, k->field),
		          "assessment %s: field %s, expected %s", k->what, err_field(c), k->field);
		if (st == QT_OK)
			qt_assessment_clear(&out);
	}
	expect_unchanged(&before, "bad assessments");

	for (size_t i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const plan_case_t *k = &pcases[i];
		qt_block_plan_new_t b[2];
		qt_continuation_new_t in;
		qt_continuation_t out;
		qt_status_t st;

		memset(b, 0, sizeof(b));
		for (int j = 0; j < 2; j++) {
			b[j].block = j == 0 ? k->b0 : k->b1;
			b[j].responsible = k->responsible;
			b[j].tasks = k->tasks;
			b[j].resources = k->resources;
		}
		memset(&in, 0, sizeof(in));
		in.project_id = k->project < 0 ? 999999 : proj;
		in.expected_version = k->expected;
		in.funding_ends_on = k->ends;
		in.blocks = b;
		in.n_blocks = k->b1 != QT_BLOCK_UNSPECIFIED ? 2 : 1;
		memset(&out, 0, sizeof(out));
		st = qt_continuation_set(c, &in, &out);
		cr_expect_eq(st, k->status, "plan %s: got %s (%s)", k->what, qt_status_name(st),
		             qt_client_last_error(c)->message);
		cr_expect(harness_field_is(qt_client_last_error(c)->field, k->field),
		          "plan %s: field %s, expected %s", k->what, err_field(c), k->field);
		if (st == QT_OK)
			qt_continuation_clear(&out);
	}
	expect_unchanged(&before, "bad plans");

	/* Unknown records and bad numbers in the reads. */
	{
		qt_continuation_t p;
		qt_status_t st;

		st = qt_continuation_get(c, 999999, &p);
		cr_expect_eq(st, QT_NOT_FOUND, "unknown project's plan: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "project_id"));
		st = qt_continuation_due(c, 0, &due);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "0 months: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "months"));
		st = qt_continuation_due(c, 121, &due);
		cr_expect_eq(st, QT_INVALID_ARGUMENT, "121 months: %s", qt_status_name(st));
		cr_expect(harness_field_is(qt_client_last_error(c)->field, "months"));
	}
	qt_catalogue_clear(&cat);
	qt_client_free(c);
	harness_finish(&H);
}

/* ------------------------------------------------------------ continuation due */

static void set_plan(qt_client_t *c, int64_t proj, int64_t version, const char *ends,
                     int with_block)
{
	qt_block_plan_new_t b;
	qt_continuation_new_t in;
	qt_continuation_t out;
	qt_status_t st;

	memset(&b, 0, sizeof(b));
	b.block = QT_BLOCK_ESTABLISHED_NETWORK;
	b.responsible = "Netzwerk Heslach";
	b.tasks = "Vernetzung der Akteur*innen";
	memset(&in, 0, sizeof(in));
	in.project_id = proj;
	in.expected_version = version;
	in.funding_ends_on = ends;
	in.blocks = with_block ? &b : NULL;
	in.n_blocks = with_block ? 1 : 0;
	memset(&out, 0, sizeof(out));
	st = qt_continuation_set(c, &in, &out);
	cr_assert_eq(st, QT_OK, "plan for %lld: %s: %s", (long long)proj, qt_status_name(st),
	             qt_client_last_error(c)->message);
	cr_assert_eq(out.version, version + 1);
	qt_continuation_clear(&out);
}

static void expect_due(qt_client_t *c, uint32_t months, const int64_t *want, size_t n_want)
{
	qt_continuation_due_list_t l;
	char got_s[256], want_s[256], sql[128];
	int64_t got[16];
	qt_status_t st;

	memset(&l, 0, sizeof(l));
	st = qt_continuation_due(c, months, &l);
	cr_assert_eq(st, QT_OK, "due %u: %s: %s", months, qt_status_name(st),
	             qt_client_last_error(c)->message);
	cr_assert_lt(l.n_projects, 16);
	for (size_t i = 0; i < l.n_projects; i++)
		got[i] = l.projects[i].project_id;
	cr_expect_str_eq(ids_str(got_s, sizeof(got_s), got, l.n_projects),
	                 ids_str(want_s, sizeof(want_s), want, n_want), "within %u months", months);
	cr_expect_str_eq(l.from_date, sql_text("SELECT current_date::text"));
	snprintf(sql, sizeof(sql),
	         "SELECT (current_date + make_interval(months => %u))::date::text", months);
	cr_expect_str_eq(l.until_date, sql_text(sql));
	qt_continuation_due_list_clear(&l);
}

Test(assessment, projects_whose_funding_ends_without_a_plan)
{
	qt_client_t *c;
	int64_t soon, planned, later, plan_date, ended, moved;
	qt_continuation_due_list_t l;
	qt_project_t p;
	char d20[16], d40[16], d60[16], d400[16], d500[16], dm10[16];
	qt_status_t st;

	harness_standard(&H, NULL);
	c = harness_login(&H, "admin", HARNESS_PASSWORD);
	day(20, d20, sizeof(d20));
	day(40, d40, sizeof(d40));
	day(60, d60, sizeof(d60));
	day(400, d400, sizeof(d400));
	day(500, d500, sizeof(d500));
	day(-10, dm10, sizeof(dm10));

	soon = project(c, "Endet bald", H.seed.office_social, 0, d20);
	planned = project(c, "Mit Plan", H.seed.office_social, 0, d40);
	later = project(c, "Später", H.seed.office_social, 0, d400);
	plan_date = project(c, "Förderende nur im Plan", H.seed.office_planning, 0, NULL);
	ended = project(c, "Beendet", H.seed.office_social, 0, d20);
	project(c, "Vorbei", H.seed.office_social, 0, dm10); /* ended already: not due */
	moved = project(c, "Förderung verlängert", H.seed.office_social, 0, d20);

	set_plan(c, planned, 0, NULL, 1);  /* a plan with a block: not due */
	set_plan(c, plan_date, 0, d60, 0); /* the plan's date, but no block: due */
	set_plan(c, moved, 0, d500, 0);    /* the plan's date wins over the project's */
	memset(&p, 0, sizeof(p));
	st = qt_project_transition(c, ended, 1, QT_PSTATUS_ENDED, "zurückgezogen", &p);
	cr_assert_eq(st, QT_OK, "%s", qt_client_last_error(c)->message);
	qt_project_clear(&p);

	expect_due(c, 12, (int64_t[]){soon, plan_date}, 2);
	expect_due(c, 24, (int64_t[]){soon, plan_date, later, moved}, 4);
	expect_due(c, 1, (int64_t[]){soon}, 1);

	memset(&l, 0, sizeof(l));
	cr_assert_eq(qt_continuation_due(c, 12, &l), QT_OK);
	cr_assert_eq(l.n_projects, 2);
	cr_expect_str_eq(l.projects[0].project_name, "Endet bald");
	cr_expect_str_eq(l.projects[0].funding_ends_on, d20);
	cr_expect_eq(l.projects[0].status, QT_PSTATUS_APPLICATION);
	cr_expect_not(l.projects[0].has_plan_record);
	cr_assert_eq(l.projects[0].n_lead_office_names, 1);
	cr_expect_str_eq(l.projects[0].lead_office_names[0], "Sozialamt");
	cr_expect_str_eq(l.projects[1].funding_ends_on, d60);
	cr_expect(l.projects[1].has_plan_record);
	qt_continuation_due_list_clear(&l);

	/* A plan for the first: it leaves the list. */
	set_plan(c, soon, 0, NULL, 1);
	expect_due(c, 12, (int64_t[]){plan_date}, 1);
	qt_client_free(c);
	harness_finish(&H);
}
