/* Quality assessment (annex Bewertungskriterien): the versioned criteria
 * catalogue, and assessments of a project at a phase — one snapshot with
 * all ratings, recorded in one call of a SQL function together with its
 * audit row.  Which required criteria are missing is computed by the
 * database from immutable rows (see migrations/0004_assessment.sql for
 * the rule); this file validates, decides permission on the project as
 * stored and turns rows into messages. */
#include <string.h>

#include "handlers.h"
#include "pgrow.h"
#include "validate.h"

#define ASSESSMENT_RATINGS_MAX 500
#define ASSESSMENT_NOTE_MAX    2000
#define ASSESSMENT_SUMMARY_MAX 4000

/* The columns of assessment_v (alias a), in its order. */
#define ASSESSMENT_COLS(a)                                                                         \
	a ".id, " a ".project_id, " a ".project_name, " a ".phase, " a ".catalogue_version, " a    \
	  ".assessor_id, " a ".assessor_name, " a ".assessed_on, " a ".summary, " a                \
	  ".created_at, " a ".required_total, " a ".enhancing_total, " a ".enhancing_met, " a      \
	  ".rated, " a ".missing_ids"
#define ASSESSMENT_NCOLS 15

/* A criterion's columns (alias a; its version column named v). */
#define ASSESSMENT_CRITERION_COLS(a, v)                                                            \
	a ".criterion_id, " a "." v ", " a ".section, " a ".col, " a ".required, " a               \
	  ".position, " a ".lead_in, " a ".na_allowed, " a ".one_of, " a ".text"
#define ASSESSMENT_CRITERION_NCOLS 10

/* assessment_detail_v: the assessment, one criterion, its rating, note
 * and whether it is missing. */
#define ASSESSMENT_DETAIL_COLS                                                                     \
	ASSESSMENT_COLS("d")                                                                       \
	", " ASSESSMENT_CRITERION_COLS("d", "catalogue_version") ", d.rating, d.note, d.missing"
#define ASSESSMENT_RATING_COL (ASSESSMENT_NCOLS + ASSESSMENT_CRITERION_NCOLS)

/* ------------------------------------------------------------ names */

static const char *const assessment_phases[] = {
    [QUARTIER__V1__ASSESSMENT_PHASE__ASSESSMENT_PHASE_APPLICATION] = "application",
    [QUARTIER__V1__ASSESSMENT_PHASE__ASSESSMENT_PHASE_CONTINUED_FUNDING] = "continued_funding",
    [QUARTIER__V1__ASSESSMENT_PHASE__ASSESSMENT_PHASE_RUNNING] = "running",
};

static const char *const assessment_ratings[] = {
    [QUARTIER__V1__RATING__RATING_MET] = "met",
    [QUARTIER__V1__RATING__RATING_NOT_MET] = "not_met",
    [QUARTIER__V1__RATING__RATING_NOT_APPLICABLE] = "not_applicable",
};

static const char *const assessment_columns[] = {
    [QUARTIER__V1__CRITERION_COLUMN__CRITERION_COLUMN_KONZEPT] = "konzept",
    [QUARTIER__V1__CRITERION_COLUMN__CRITERION_COLUMN_PROZESS] = "prozess",
};

#define ASSESSMENT_COUNT(t) (int)(sizeof(t) / sizeof((t)[0]))

/* The database spelling of wire value v in table t; NULL if invalid. */
static const char *assessment_name(const char *const *t, int n, int v)
{
	return v > 0 && v < n ? t[v] : NULL;
}

/* The wire value of a database spelling; 0 if unknown. */
static int assessment_parse(const char *const *t, int n, const char *s)
{
	for (int i = 1; i < n; i++)
		if (t[i] != NULL && strcmp(t[i], s) == 0)
			return i;
	return 0;
}

#define PHASE_NAME(v)  assessment_name(assessment_phases, ASSESSMENT_COUNT(assessment_phases), (v))
#define PHASE_PARSE(s) assessment_parse(assessment_phases, ASSESSMENT_COUNT(assessment_phases), (s))
#define RATING_NAME(v)                                                                             \
	assessment_name(assessment_ratings, ASSESSMENT_COUNT(assessment_ratings), (v))
#define RATING_PARSE(s)                                                                            \
	assessment_parse(assessment_ratings, ASSESSMENT_COUNT(assessment_ratings), (s))
#define COLUMN_PARSE(s)                                                                            \
	assessment_parse(assessment_columns, ASSESSMENT_COUNT(assessment_columns), (s))

/* ------------------------------------------------------------ rows */

static int assessment_bool(const PGresult *res, int row, int col)
{
	return !pgrow_null(res, row, col) && PQgetvalue(res, row, col)[0] == 't';
}

/* A criterion from ASSESSMENT_CRITERION_NCOLS columns starting at col. */
static Quartier__V1__Criterion *assessment_criterion(req_t *r, const PGresult *res, int row,
                                                     int col)
{
	Quartier__V1__Criterion *c = req_alloc(r, sizeof(*c));

	quartier__v1__criterion__init(c);
	c->id = pgrow_i64(res, row, col);
	c->version = (uint32_t)pgrow_i64(res, row, col + 1);
	c->section = (uint32_t)pgrow_i64(res, row, col + 2);
	c->column = (Quartier__V1__CriterionColumn)COLUMN_PARSE(PQgetvalue(res, row, col + 3));
	c->required = assessment_bool(res, row, col + 4);
	c->position = (uint32_t)pgrow_i64(res, row, col + 5);
	c->lead_in = pgrow_str(r, res, row, col + 6);
	c->has_na_allowed = 1;
	c->na_allowed = assessment_bool(res, row, col + 7);
	if (!pgrow_null(res, row, col + 8)) {
		c->has_one_of = 1;
		c->one_of = (uint32_t)pgrow_i64(res, row, col + 8);
	}
	c->text = pgrow_str(r, res, row, col + 9);
	return c;
}

/* The assessment's own columns (ASSESSMENT_COLS at column 0). */
static Quartier__V1__Assessment *assessment_header(req_t *r, const PGresult *res, int row)
{
	Quartier__V1__Assessment *a = req_alloc(r, sizeof(*a));

	quartier__v1__assessment__init(a);
	a->id = pgrow_i64(res, row, 0);
	a->project_id = pgrow_i64(res, row, 1);
	a->project_name = pgrow_str(r, res, row, 2);
	a->phase = (Quartier__V1__AssessmentPhase)PHASE_PARSE(PQgetvalue(res, row, 3));
	a->catalogue_version = (uint32_t)pgrow_i64(res, row, 4);
	if (!pgrow_null(res, row, 5)) {
		a->has_assessor_id = 1;
		a->assessor_id = pgrow_i64(res, row, 5);
	}
	a->assessor_name = pgrow_str(r, res, row, 6);
	a->assessed_on = pgrow_str(r, res, row, 7);
	a->summary = pgrow_str(r, res, row, 8);
	a->has_created_at = 1;
	a->created_at = pgrow_i64(res, row, 9);
	a->has_required_total = a->has_enhancing_total = a->has_enhancing_met = a->has_rated = 1;
	a->required_total = (uint32_t)pgrow_i64(res, row, 10);
	a->enhancing_total = (uint32_t)pgrow_i64(res, row, 11);
	a->enhancing_met = (uint32_t)pgrow_i64(res, row, 12);
	a->rated = (uint32_t)pgrow_i64(res, row, 13);
	a->missing_ids = pgrow_i64_array(r, PQgetvalue(res, row, 14), &a->n_missing_ids);
	a->required_met = a->n_missing_ids == 0;
	return a;
}

/* The assessment in rows first..end-1 of res, its ASSESSMENT_DETAIL_COLS
 * rows (one per criterion of its version, in catalogue order). */
static Quartier__V1__Assessment *assessment_detail(req_t *r, const PGresult *res, int first,
                                                   int end)
{
	Quartier__V1__Assessment *a = assessment_header(r, res, first);

	a->ratings = req_alloc(r, (size_t)(end - first) * sizeof(*a->ratings));
	a->missing = req_alloc(r, (size_t)(end - first) * sizeof(*a->missing));
	for (int i = first; i < end; i++) {
		if (!pgrow_null(res, i, ASSESSMENT_RATING_COL)) {
			Quartier__V1__CriterionRating *cr = req_alloc(r, sizeof(*cr));

			quartier__v1__criterion_rating__init(cr);
			cr->criterion_id = pgrow_i64(res, i, ASSESSMENT_NCOLS);
			cr->rating = (Quartier__V1__Rating)RATING_PARSE(
			    PQgetvalue(res, i, ASSESSMENT_RATING_COL));
			cr->note = pgrow_str(r, res, i, ASSESSMENT_RATING_COL + 1);
			a->ratings[a->n_ratings++] = cr;
		}
		if (assessment_bool(res, i, ASSESSMENT_RATING_COL + 2))
			a->missing[a->n_missing++] =
			    assessment_criterion(r, res, i, ASSESSMENT_NCOLS);
	}
	return a;
}

/* Answers with the assessment in ASSESSMENT_DETAIL_COLS rows. */
static void assessment_detail_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	if (n < 1) {
		req_fail(r, QT_NOT_FOUND, "no such assessment", "id");
		return;
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ASSESSMENT;
	r->resp.assessment = assessment_detail(r, res, 0, n);
	req_reply(r);
}

/* ------------------------------------------------------------ catalogue */

static void criteria_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__Catalogue *out;
	int64_t *numbers, *versions;
	char **titles;
	size_t n_numbers, n_titles, n_versions;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	if (n < 1) {
		req_fail(r, QT_NOT_FOUND, "no such catalogue version", "version");
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__catalogue__init(out);
	out->version = (uint32_t)pgrow_i64(res, 0, 0);
	out->title = pgrow_str(r, res, 0, 1);
	out->source = pgrow_str(r, res, 0, 2);
	numbers = pgrow_i64_array(r, PQgetvalue(res, 0, 3), &n_numbers);
	titles = pgrow_str_array(r, PQgetvalue(res, 0, 4), &n_titles);
	if (n_titles < n_numbers)
		n_numbers = n_titles;
	out->sections = req_alloc(r, (n_numbers + 1) * sizeof(*out->sections));
	for (size_t i = 0; i < n_numbers; i++) {
		Quartier__V1__CatalogueSection *s = req_alloc(r, sizeof(*s));

		quartier__v1__catalogue_section__init(s);
		s->section = (uint32_t)numbers[i];
		s->title = titles[i];
		out->sections[out->n_sections++] = s;
	}
	versions = pgrow_i64_array(r, PQgetvalue(res, 0, 5), &n_versions);
	out->versions = req_alloc(r, (n_versions + 1) * sizeof(*out->versions));
	for (size_t i = 0; i < n_versions; i++)
		out->versions[out->n_versions++] = (uint32_t)versions[i];
	out->criteria = req_alloc(r, (size_t)n * sizeof(*out->criteria));
	for (int i = 0; i < n; i++)
		if (!pgrow_null(res, i, 6)) /* a version without criteria has one NULL row */
			out->criteria[out->n_criteria++] = assessment_criterion(r, res, i, 6);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_CATALOGUE;
	r->resp.catalogue = out;
	req_reply(r);
}

void criteria_list(req_t *r)
{
	Quartier__V1__CriteriaListRequest *in = r->rq->criteria_list;
	const char **p = req_alloc(r, sizeof(*p));

	if (in->has_version && in->version == 0) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "version must be positive (or absent for the latest)", "version");
		return;
	}
	p[0] = in->has_version ? req_printf(r, "%u", in->version) : NULL;
	/* One row per criterion (one NULL row for a version without any),
	 * each with the version's columns. */
	req_query(r,
	          "SELECT cv.version, cv.title, cv.source, "
	          "  ARRAY(SELECT s.section FROM catalogue_section s "
	          "        WHERE s.version = cv.version ORDER BY s.section), "
	          "  ARRAY(SELECT s.title FROM catalogue_section s "
	          "        WHERE s.version = cv.version ORDER BY s.section), "
	          "  ARRAY(SELECT version FROM catalogue_version ORDER BY "
	          "version), " ASSESSMENT_CRITERION_COLS(
	              "c", "version") " "
	                              "FROM catalogue_version cv "
	                              "LEFT JOIN (SELECT id AS criterion_id, * FROM criterion) c "
	                              "  ON c.version = cv.version "
	                              "WHERE cv.version = coalesce($1::int, (SELECT max(version) "
	                              "FROM catalogue_version)) "
	                              "ORDER BY c.section, c.col, c.position",
	          1, p, criteria_list_cb);
}

/* ------------------------------------------------------------ create */

typedef struct create_ctx {
	const char *params[9];
} create_ctx_t;

static void assessment_create_loaded_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	create_ctx_t *ctx = r->ctx;
	Quartier__V1__AssessmentCreateRequest *in = r->rq->assessment_create;
	perm_project_t pp;
	int64_t *criteria;
	const char **ratings, **notes;
	qt_status_t st;
	const char **p = ctx->params;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	if (PQntuples(res) != 1) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "unknown project %lld", (long long)in->project_id),
		         "project_id");
		return;
	}
	memset(&pp, 0, sizeof(pp));
	pp.lead_office_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 0), &pp.n_lead_office_ids);
	pp.coordinator_ids = pgrow_i64_array(r, PQgetvalue(res, 0, 1), &pp.n_coordinator_ids);
	st = perm_assessment_create(&r->actor, &pp);
	if (st != QT_OK) {
		req_fail(r, st,
		         r->actor.role == ROLE_OFFICE
		             ? "you may assess only projects your office leads"
		             : "only administrators and the lead offices assess projects",
		         "project_id");
		return;
	}
	criteria = req_alloc(r, in->n_ratings * sizeof(*criteria) + 1);
	ratings = req_alloc(r, in->n_ratings * sizeof(*ratings) + 1);
	notes = req_alloc(r, in->n_ratings * sizeof(*notes) + 1);
	for (size_t i = 0; i < in->n_ratings; i++) {
		criteria[i] = in->ratings[i]->criterion_id;
		ratings[i] = RATING_NAME(in->ratings[i]->rating);
		notes[i] = in->ratings[i]->note;
	}
	p[0] = req_i64(r, r->actor.account_id);
	p[1] = req_i64(r, in->project_id);
	p[2] = PHASE_NAME(in->phase);
	p[3] = in->has_catalogue_version ? req_printf(r, "%u", in->catalogue_version) : NULL;
	p[4] = in->assessed_on != NULL && in->assessed_on[0] != '\0' ? in->assessed_on : NULL;
	p[5] = in->summary;
	p[6] = req_id_array(r, criteria, in->n_ratings);
	p[7] = req_text_array(r, ratings, in->n_ratings);
	p[8] = req_text_array(r, notes, in->n_ratings);
	req_mutate(r,
	          "SELECT " ASSESSMENT_DETAIL_COLS
	          " FROM qt_assessment_create($1, $2, $3, $4::int, "
	          "$5::date, $6, $7::bigint[], $8::text[], $9::text[]) d",
	          9, p, assessment_detail_cb);
}

/* Checks one rating; i counts from 0. */
static int assessment_check_rating(req_t *r, const Quartier__V1__AssessmentCreateRequest *in,
                                   size_t i)
{
	const Quartier__V1__CriterionRating *cr = in->ratings[i];
	validation_t v;

	if (cr->criterion_id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "rating %zu: criterion_id must be a positive id", i + 1),
		         "ratings.criterion_id");
		return -1;
	}
	if (RATING_NAME(cr->rating) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r,
		                    "rating %zu (criterion %lld): rating must be met, not_met or "
		                    "not_applicable",
		                    i + 1, (long long)cr->criterion_id),
		         "ratings.rating");
		return -1;
	}
	if (validate_text(&v, "ratings.note", cr->note, 0, ASSESSMENT_NOTE_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         req_printf(r, "rating %zu (criterion %lld): %s", i + 1,
		                    (long long)cr->criterion_id, v.message),
		         v.field);
		return -1;
	}
	for (size_t k = 0; k < i; k++) {
		if (in->ratings[k]->criterion_id == cr->criterion_id) {
			req_fail(r, QT_INVALID_ARGUMENT,
			         req_printf(r,
			                    "criterion %lld is rated twice (ratings %zu and %zu)",
			                    (long long)cr->criterion_id, k + 1, i + 1),
			         "ratings.criterion_id");
			return -1;
		}
	}
	return 0;
}

void assessment_create(req_t *r)
{
	Quartier__V1__AssessmentCreateRequest *in = r->rq->assessment_create;
	create_ctx_t *ctx = req_alloc(r, sizeof(*ctx));
	const char *on =
	    in->assessed_on != NULL && in->assessed_on[0] != '\0' ? in->assessed_on : NULL;
	int32_t days;
	validation_t v;

	r->ctx = ctx;
	if (validate_id(&v, "project_id", in->project_id) != QT_OK ||
	    (on != NULL && validate_date(&v, "assessed_on", on, &days) != QT_OK) ||
	    validate_text(&v, "summary", in->summary, 0, ASSESSMENT_SUMMARY_MAX, 1) != QT_OK) {
		req_fail(r, QT_INVALID_ARGUMENT, v.message, v.field);
		return;
	}
	if (PHASE_NAME(in->phase) == NULL) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "phase must be application, continued_funding or running", "phase");
		return;
	}
	if (in->has_catalogue_version && in->catalogue_version == 0) {
		req_fail(r, QT_INVALID_ARGUMENT,
		         "catalogue_version must be positive (or absent for the latest)",
		         "catalogue_version");
		return;
	}
	if (in->n_ratings < 1 || in->n_ratings > ASSESSMENT_RATINGS_MAX) {
		req_fail(r, QT_INVALID_ARGUMENT, "an assessment rates 1 to 500 criteria",
		         "ratings");
		return;
	}
	for (size_t i = 0; i < in->n_ratings; i++)
		if (assessment_check_rating(r, in, i) != 0)
			return;
	ctx->params[0] = req_i64(r, in->project_id);
	req_query(r, "SELECT lead_office_ids, coordinator_ids FROM project_v WHERE id = $1", 1,
	          ctx->params, assessment_create_loaded_cb);
}

/* ------------------------------------------------------------ get */

void assessment_get(req_t *r)
{
	const char **p = req_alloc(r, sizeof(*p));

	if (r->rq->assessment_get->id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "id must be a positive id", "id");
		return;
	}
	p[0] = req_i64(r, r->rq->assessment_get->id);
	req_query(r,
	          "SELECT " ASSESSMENT_DETAIL_COLS " FROM assessment_detail_v d WHERE d.id = $1 "
	          "ORDER BY d.section, d.col, d.position",
	          1, p, assessment_detail_cb);
}

/* ------------------------------------------------------------ sync */

/* Answers with the assessments in ASSESSMENT_DETAIL_COLS rows ordered by
 * id, each whole, as an assessment list. */
static void assessment_many_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AssessmentList *out;
	int n, end;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	out = req_alloc(r, sizeof(*out));
	quartier__v1__assessment_list__init(out);
	out->assessments = req_alloc(r, ((size_t)n + 1) * sizeof(*out->assessments));
	for (int i = 0; i < n; i = end) {
		int64_t id = pgrow_i64(res, i, 0);

		for (end = i + 1; end < n && pgrow_i64(res, end, 0) == id; end++)
			;
		out->assessments[out->n_assessments++] = assessment_detail(r, res, i, end);
	}
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ASSESSMENT_LIST;
	r->resp.assessment_list = out;
	req_reply(r);
}

void assessment_load_many(req_t *r, const int64_t *ids, size_t n)
{
	const char **p = req_alloc(r, sizeof(*p));

	p[0] = req_id_array(r, ids, n);
	req_query(r,
	          "SELECT " ASSESSMENT_DETAIL_COLS " FROM assessment_detail_v d "
	          "WHERE d.id = ANY ($1::bigint[]) ORDER BY d.id, d.section, d.col, d.position",
	          1, p, assessment_many_cb);
}

/* ------------------------------------------------------------ list */

static void assessment_list_cb(const PGresult *res, const db_error_t *err, void *arg)
{
	req_t *r = arg;
	Quartier__V1__AssessmentList *out;
	int n;

	if (err != NULL) {
		req_fail_db(r, err);
		return;
	}
	n = PQntuples(res);
	if (n < 1) {
		req_fail(r, QT_NOT_FOUND, "no such project", "project_id");
		return;
	}
	out = req_alloc(r, sizeof(*out));
	quartier__v1__assessment_list__init(out);
	out->assessments = req_alloc(r, (size_t)n * sizeof(*out->assessments));
	for (int i = 0; i < n; i++)
		if (!pgrow_null(res, i, 0)) /* a project without assessments has one NULL row */
			out->assessments[out->n_assessments++] = assessment_header(r, res, i);
	r->resp.body_case = QUARTIER__V1__RESPONSE__BODY_ASSESSMENT_LIST;
	r->resp.assessment_list = out;
	req_reply(r);
}

void assessment_list(req_t *r)
{
	const char **p = req_alloc(r, sizeof(*p));

	if (r->rq->assessment_list->project_id <= 0) {
		req_fail(r, QT_INVALID_ARGUMENT, "project_id must be a positive id", "project_id");
		return;
	}
	p[0] = req_i64(r, r->rq->assessment_list->project_id);
	req_query(r,
	          "SELECT " ASSESSMENT_COLS("a") " FROM project p "
	                                         "LEFT JOIN assessment_v a ON a.project_id = p.id "
	                                         "WHERE p.id = $1 "
	                                         "ORDER BY a.assessed_on DESC, a.id DESC",
	          1, p, assessment_list_cb);
}
