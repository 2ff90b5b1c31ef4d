/* Unit tests of server/audit_chain.c: the findings of qt_audit_verify()
 * (each one the migration can return is known, with its problem kind and
 * a sentence naming the bad row), and the anchor syntax, table-driven. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_chain.h"

#ifndef QT_AUDIT_MIGRATION
#error "QT_AUDIT_MIGRATION must name server/migrations/0011_audit_chain.sql"
#endif

typedef struct finding_case {
	const char *name;
	audit_problem_t problem;
	int64_t bad_id, bad_pos, other_id, other_pos, head_pos;
	const char *must_hold[3]; /* substrings of the description */
} finding_case_t;

static const finding_case_t finding_cases[] = {
    {"edited", AUDIT_PROBLEM_EDITED, 17, 5, 0, 0, 9, {"row 17 ", "position 5)", "edited"}},
    {"seal", AUDIT_PROBLEM_EDITED, 17, 5, 0, 0, 9, {"row 17 ", "position 5)", "seal"}},
    {"link",
     AUDIT_PROBLEM_LINK_BROKEN,
     17,
     5,
     40,
     4,
     9,
     {"row 17 (chain position 5)", "row 40 at position 4", "inserted or replaced"}},
    {"head", AUDIT_PROBLEM_LINK_BROKEN, 17, 9, 0, 0, 9, {"row 17 ", "position 9)", "head"}},
    {"gap",
     AUDIT_PROBLEM_DELETED,
     17,
     8,
     12,
     5,
     9,
     {"positions 6 to 7 are missing", "row 12 (position 5)", "row 17 (position 8)"}},
    {"gap",
     AUDIT_PROBLEM_DELETED,
     17,
     3,
     0,
     0,
     9,
     {"positions 1 to 2", "row 17 (position 3)", NULL}},
    {"missing", AUDIT_PROBLEM_DELETED, 17, 5, 0, 0, 9, {"row 17 ", "position 5)", "deleted"}},
    {"truncated",
     AUDIT_PROBLEM_DELETED,
     0,
     8,
     12,
     7,
     9,
     {"head is position 9", "position 7", NULL}},
    {"truncated", AUDIT_PROBLEM_DELETED, 0, 1, 0, 0, 9, {"head is position 9", "no rows", NULL}},
    {"anchor_gone", AUDIT_PROBLEM_DELETED, 0, 4, 0, 0, 3, {"position 4", "anchor", NULL}},
    {"no_head", AUDIT_PROBLEM_DELETED, 0, 0, 0, 0, 0, {"audit_chain", NULL, NULL}},
    {"past_head",
     AUDIT_PROBLEM_INSERTED,
     21,
     10,
     0,
     0,
     9,
     {"row 21 inserted", "position 10", "(position 9)"}},
    {"unsealed", AUDIT_PROBLEM_INSERTED, 21, 0, 0, 0, 9, {"row 21 inserted", "not sealed", NULL}},
    {"anchor", AUDIT_PROBLEM_REWRITTEN, 3, 2, 0, 0, 9, {"rewritten", "row 3 ", "position 2"}},
};

Test(audit_chain, every_finding_has_its_problem_and_names_the_row)
{
	for (size_t i = 0; i < sizeof(finding_cases) / sizeof(finding_cases[0]); i++) {
		const finding_case_t *c = &finding_cases[i];
		audit_verdict_t v;
		char buf[512];
		size_t n;

		memset(&v, 0, sizeof(v));
		cr_assert_eq(audit_verdict_set_finding(&v, c->name), QT_OK, "%s", c->name);
		cr_expect_str_eq(v.finding, c->name);
		cr_expect_eq(v.problem, c->problem, "%s: problem %d", c->name, v.problem);
		v.bad_id = c->bad_id;
		v.bad_pos = c->bad_pos;
		v.other_id = c->other_id;
		v.other_pos = c->other_pos;
		v.head_pos = c->head_pos;
		n = audit_verdict_describe(&v, buf, sizeof(buf));
		cr_expect_eq(n, strlen(buf), "%s: length", c->name);
		for (int k = 0; k < 3 && c->must_hold[k] != NULL; k++)
			cr_expect_not_null(strstr(buf, c->must_hold[k]), "%s: \"%s\" lacks \"%s\"",
			                   c->name, buf, c->must_hold[k]);
		cr_expect_null(strstr(buf, "damaged ("), "%s fell through to the generic text",
		               c->name);
		cr_expect_null(strchr(buf, '{'), "%s: a placeholder is left: %s", c->name, buf);
	}
}

Test(audit_chain, intact_and_unknown)
{
	audit_verdict_t v;
	char buf[128];

	memset(&v, 0, sizeof(v));
	v.problem = AUDIT_PROBLEM_EDITED;
	cr_assert_eq(audit_verdict_set_finding(&v, NULL), QT_OK);
	cr_expect_null(v.finding);
	cr_expect_eq(v.problem, AUDIT_PROBLEM_NONE);
	cr_assert_eq(audit_verdict_set_finding(&v, ""), QT_OK);
	cr_expect_eq(v.problem, AUDIT_PROBLEM_NONE);
	v.checked = 1234;
	audit_verdict_describe(&v, buf, sizeof(buf));
	cr_expect_str_eq(buf, "the audit log is intact: 1234 rows checked");

	cr_expect_eq(audit_verdict_set_finding(&v, "made_up"), QT_INTERNAL);
	cr_expect_null(v.finding, "an unknown finding leaves the verdict alone");
	cr_expect_str_eq(audit_problem_name(AUDIT_PROBLEM_LINK_BROKEN), "link_broken");
	cr_expect_str_eq(audit_problem_name(AUDIT_PROBLEM_NONE), "none");
}

Test(audit_chain, describe_truncates_safely)
{
	audit_verdict_t v;
	char buf[16];
	size_t n;

	memset(&v, 0, sizeof(v));
	cr_assert_eq(audit_verdict_set_finding(&v, "link"), QT_OK);
	v.bad_id = 1;
	n = audit_verdict_describe(&v, buf, sizeof(buf));
	cr_expect_gt(n, sizeof(buf));
	cr_expect_eq(strlen(buf), sizeof(buf) - 1);
	cr_expect_eq(audit_verdict_describe(&v, NULL, 0), n);
}

/* Every finding the migration can return is one this build knows. */
Test(audit_chain, knows_every_finding_of_the_migration)
{
	FILE *f = fopen(QT_AUDIT_MIGRATION, "r");
	char *sql, *p;
	long len;
	unsigned found = 0;

	cr_assert_not_null(f, "%s", QT_AUDIT_MIGRATION);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	sql = calloc(1, (size_t)len + 1);
	cr_assert_not_null(sql);
	cr_assert_eq(fread(sql, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	p = strstr(sql, "CREATE FUNCTION qt_audit_verify");
	cr_assert_not_null(p);
	/* "finding := 'x'" and, in the chain walk, "THEN 'x'". */
	for (;;) {
		char *a = strstr(p, "finding := '"), *b = strstr(p, "THEN '"), *q, name[32];
		audit_verdict_t v;
		size_t n;

		if (a == NULL && b == NULL)
			break;
		q = a != NULL && (b == NULL || a < b) ? a + strlen("finding := '")
		                                      : b + strlen("THEN '");
		n = strcspn(q, "'");
		cr_assert_lt(n, sizeof(name));
		memcpy(name, q, n);
		name[n] = '\0';
		memset(&v, 0, sizeof(v));
		cr_expect_eq(audit_verdict_set_finding(&v, name), QT_OK, "finding '%s' is unknown",
		             name);
		found++;
		p = q + n;
	}
	cr_expect_geq(found, 12, "only %u findings in the migration", found);
	free(sql);
}

typedef struct anchor_case {
	const char *text;
	int ok;
	int64_t pos;
} anchor_case_t;

#define H64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static const anchor_case_t anchor_cases[] = {
    {"17:" H64, 1, 17},
    {"1:"
     "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF",
     1, 1},
    {"9223372036854775807:" H64, 1, INT64_MAX},
    {"0:" H64, 0, 0},
    {"-1:" H64, 0, 0},
    {"+1:" H64, 0, 0},
    {" 1:" H64, 0, 0},
    {"9223372036854775808:" H64, 0, 0},
    {"17" H64, 0, 0},
    {"17:" H64 "0", 0, 0},
    {"17:"
     "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef",
     0, 0},
    {"17:"
     "g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
     0, 0},
    {"17:"
     "0011223344556677 899aabbccddeeff00112233445566778899aabbccddeeff",
     0, 0},
    {"1x:" H64, 0, 0},
    {":" H64, 0, 0},
    {"", 0, 0},
    {NULL, 0, 0},
};

Test(audit_chain, anchor_syntax)
{
	for (size_t i = 0; i < sizeof(anchor_cases) / sizeof(anchor_cases[0]); i++) {
		const anchor_case_t *c = &anchor_cases[i];
		char hash[AUDIT_HASH_HEX + 1] = "untouched";
		int64_t pos = -5;
		qt_status_t st = audit_anchor_parse(c->text, &pos, hash);

		if (c->ok) {
			cr_expect_eq(st, QT_OK, "\"%s\"", c->text);
			cr_expect_eq(pos, c->pos, "\"%s\": %lld", c->text, (long long)pos);
			cr_expect_str_eq(hash, H64, "\"%s\": lowercase hash", c->text);
		} else {
			cr_expect_eq(st, QT_INVALID_ARGUMENT, "\"%s\" accepted",
			             c->text ? c->text : "NULL");
			cr_expect_eq(pos, -5, "\"%s\": output touched", c->text ? c->text : "NULL");
			cr_expect_str_eq(hash, "untouched");
		}
	}
}
