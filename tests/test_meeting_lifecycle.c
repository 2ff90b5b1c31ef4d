/* Unit tests of server/meeting_lifecycle.c: the meeting lifecycle and the
 * hand-over state machine enumerated exhaustively, the agenda rules per
 * meeting status, outcome corrections, and the names. */
#include <criterion/criterion.h>
#include <string.h>

#include "meeting_lifecycle.h"

#define M_N 6 /* MEETING_NONE .. MEETING_MINUTES_APPROVED */
#define H_N 5 /* HANDOVER_NONE .. HANDOVER_DECLINED */

Test(meeting_lifecycle, meeting_table_6x6)
{
	/* allowed[from][to]; everything else is refused with a reason. */
	static const int allowed[M_N][M_N] = {
		[MEETING_DRAFT][MEETING_OPEN] = 1,
		[MEETING_OPEN][MEETING_IN_PROGRESS] = 1,
		[MEETING_IN_PROGRESS][MEETING_CLOSED] = 1,
		[MEETING_CLOSED][MEETING_MINUTES_APPROVED] = 1,
	};
	int n_allowed = 0;

	for (int from = 0; from < M_N + 1; from++) {
		for (int to = 0; to < M_N + 1; to++) {
			const char *why = meeting_lifecycle_check(from, to);
			int want = from < M_N && to < M_N && allowed[from][to];

			if (want) {
				cr_expect_null(why, "%d -> %d should be allowed: %s", from, to, why);
				n_allowed++;
			} else {
				cr_expect_not_null(why, "%d -> %d should be refused", from, to);
				if (why != NULL)
					cr_expect_gt(strlen(why), 10, "a sentence, not a code");
			}
		}
	}
	cr_assert_eq(n_allowed, 4);
	cr_expect_not_null(strstr(meeting_lifecycle_check(MEETING_MINUTES_APPROVED, MEETING_CLOSED),
	                          "approved"));
}

Test(meeting_lifecycle, agenda_rules_per_status)
{
	/* [status] = {schedulable, unschedulable, records outcomes} */
	static const int rules[M_N][3] = {
		[MEETING_NONE] = {0, 0, 0},
		[MEETING_DRAFT] = {1, 1, 0},
		[MEETING_OPEN] = {1, 1, 0},
		[MEETING_IN_PROGRESS] = {1, 0, 1},
		[MEETING_CLOSED] = {0, 0, 1},
		[MEETING_MINUTES_APPROVED] = {0, 0, 0}, /* locked */
	};

	for (int s = 0; s < M_N; s++) {
		cr_expect_eq(meeting_lifecycle_schedulable(s), rules[s][0], "schedulable(%d)", s);
		cr_expect_eq(meeting_lifecycle_unschedulable(s), rules[s][1], "unschedulable(%d)", s);
		cr_expect_eq(meeting_lifecycle_records_outcomes(s), rules[s][2], "outcomes(%d)", s);
	}
	cr_expect_not(meeting_lifecycle_schedulable(99));
	cr_expect_not(meeting_lifecycle_records_outcomes(-1));
}

Test(meeting_lifecycle, outcome_corrections)
{
	/* [previous outcome][item status] -> allowed */
	static const int allowed[6][4] = {
		[OUTCOME_NONE] = {1, 1, 1, 1},
		[OUTCOME_INFORMATION] = {1, 1, 1, 1},
		[OUTCOME_DECISION] = {1, 1, 1, 1},
		[OUTCOME_DEFERRAL] = {0, 1, 0, 0},     /* only while in the backlog */
		[OUTCOME_HAND_OVER] = {0, 0, 0, 0},    /* the hand-over stays */
		[OUTCOME_CARRIED_OVER] = {0, 1, 0, 0},
	};

	for (int prev = 0; prev < 6; prev++)
		for (int item = 0; item < 4; item++)
			cr_expect_eq(meeting_lifecycle_outcome_check(prev, item) == NULL,
			             allowed[prev][item], "previous %d, item %d", prev, item);
	cr_expect_not_null(meeting_lifecycle_outcome_check(42, ITEM_BACKLOG));
}

Test(meeting_lifecycle, handover_table_with_and_without_reason)
{
	static const int allowed[H_N][H_N] = {
		[HANDOVER_OPEN][HANDOVER_ACKNOWLEDGED] = 1,
		[HANDOVER_ACKNOWLEDGED][HANDOVER_DONE] = 1,
		[HANDOVER_ACKNOWLEDGED][HANDOVER_DECLINED] = 1,
	};

	for (int from = 0; from < H_N + 1; from++) {
		for (int to = 0; to < H_N + 1; to++) {
			int want = from < H_N && to < H_N && allowed[from][to];
			const char *with = meeting_lifecycle_handover_check(from, to, "weil");
			const char *without = meeting_lifecycle_handover_check(from, to, NULL);
			const char *empty = meeting_lifecycle_handover_check(from, to, "");

			cr_expect_eq(with == NULL, want, "%d -> %d with a reason", from, to);
			/* Declining needs a reason; everything else does not. */
			cr_expect_eq(without == NULL, want && to != HANDOVER_DECLINED,
			             "%d -> %d without a reason", from, to);
			cr_expect_eq(empty == NULL, want && to != HANDOVER_DECLINED,
			             "%d -> %d with an empty reason", from, to);
		}
	}
	cr_expect_not_null(strstr(meeting_lifecycle_handover_check(HANDOVER_ACKNOWLEDGED,
	                                                           HANDOVER_DECLINED, NULL),
	                          "reason"));
}

Test(meeting_lifecycle, names_round_trip)
{
	for (int s = 1; s < M_N; s++)
		cr_expect_eq(meeting_lifecycle_parse(meeting_lifecycle_name(s)), s);
	for (int s = 1; s < H_N; s++)
		cr_expect_eq(meeting_lifecycle_handover_parse(meeting_lifecycle_handover_name(s)), s);
	for (int o = 1; o <= OUTCOME_CARRIED_OVER; o++)
		cr_expect_eq(meeting_lifecycle_outcome_parse(meeting_lifecycle_outcome_name(o)), o);
	for (int s = 1; s <= ITEM_CONCLUDED; s++)
		cr_expect_eq(meeting_lifecycle_item_parse(meeting_lifecycle_item_name(s)), s);
	for (int o = 1; o <= 2; o++)
		cr_expect_eq(meeting_lifecycle_origin_parse(meeting_lifecycle_origin_name(o)), o);
	cr_expect_str_eq(meeting_lifecycle_name(MEETING_IN_PROGRESS), "in_progress");
	cr_expect_str_eq(meeting_lifecycle_outcome_name(OUTCOME_HAND_OVER), "hand_over");
	cr_expect_null(meeting_lifecycle_name(0));
	cr_expect_null(meeting_lifecycle_name(M_N));
	cr_expect_null(meeting_lifecycle_handover_name(-1));
	cr_expect_eq(meeting_lifecycle_parse("Draft"), MEETING_NONE, "database spelling only");
	cr_expect_eq(meeting_lifecycle_parse(NULL), MEETING_NONE);
	cr_expect_eq(meeting_lifecycle_origin_parse("sideways"), 0);
}
