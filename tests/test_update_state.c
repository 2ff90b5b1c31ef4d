/* Unit tests of server/update_state.c: the state machine of progress
 * updates, enumerated exhaustively (every state x every action), and the
 * check of exact decimal figures as the protocol sends them. */
#include <criterion/criterion.h>
#include <string.h>

#include "update_state.h"

/* clang-format off */
/* next[from][action]: the resulting state, or NONE if refused. */
static const update_state_t next[4][5] = {
	/*                          -, submit,                 revise,                 approve,               return */
	[UPDATE_STATE_NONE]      = {0, UPDATE_STATE_SUBMITTED, 0,                      0,                     0},
	[UPDATE_STATE_SUBMITTED] = {0, 0,                      0,                      UPDATE_STATE_APPROVED, UPDATE_STATE_RETURNED},
	[UPDATE_STATE_APPROVED]  = {0, 0,                      0,                      0,                     0},
	[UPDATE_STATE_RETURNED]  = {0, 0,                      UPDATE_STATE_SUBMITTED, 0,                     0},
};
/* clang-format on */

Test(update_state, every_transition)
{
	for (int from = UPDATE_STATE_NONE; from <= UPDATE_STATE_RETURNED; from++) {
		for (int act = UPDATE_ACTION_NONE; act <= UPDATE_ACTION_RETURN; act++) {
			update_state_t to = (update_state_t)42;
			const char *msg = NULL;
			qt_status_t st = update_state_next((update_state_t)from,
			                                   (update_action_t)act, &to, &msg);

			if (next[from][act] != UPDATE_STATE_NONE) {
				cr_expect_eq(st, QT_OK, "%d --%d--> allowed", from, act);
				cr_expect_eq(to, next[from][act], "%d --%d--> %d, got %d", from,
				             act, next[from][act], to);
			} else {
				cr_expect_eq(st, QT_FAILED_PRECONDITION, "%d --%d--> refused", from,
				             act);
				cr_expect_eq(to, (update_state_t)42, "refused: *to untouched");
				cr_expect(msg != NULL && strlen(msg) > 10, "refused with a reason");
			}
		}
	}
}

Test(update_state, approved_is_final_and_return_loops)
{
	update_state_t s = UPDATE_STATE_NONE;
	const update_action_t path[] = {UPDATE_ACTION_SUBMIT, UPDATE_ACTION_RETURN,
	                                UPDATE_ACTION_REVISE, UPDATE_ACTION_RETURN,
	                                UPDATE_ACTION_REVISE, UPDATE_ACTION_APPROVE};

	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++)
		cr_assert_eq(update_state_next(s, path[i], &s, NULL), QT_OK, "step %zu", i);
	cr_assert_eq(s, UPDATE_STATE_APPROVED);
	for (int act = UPDATE_ACTION_SUBMIT; act <= UPDATE_ACTION_RETURN; act++)
		cr_assert_eq(update_state_next(s, (update_action_t)act, &s, NULL),
		             QT_FAILED_PRECONDITION);
	cr_assert_eq(update_state_next((update_state_t)9, UPDATE_ACTION_SUBMIT, &s, NULL),
	             QT_FAILED_PRECONDITION);
}

Test(update_state, names_round_trip)
{
	for (int s = UPDATE_STATE_SUBMITTED; s <= UPDATE_STATE_RETURNED; s++)
		cr_assert_eq(update_state_parse(update_state_name((update_state_t)s)), s);
	for (int a = UPDATE_ACTION_SUBMIT; a <= UPDATE_ACTION_RETURN; a++)
		cr_assert_eq(update_action_parse(update_action_name((update_action_t)a)), a);
	cr_assert_str_eq(update_state_name(UPDATE_STATE_RETURNED), "returned");
	cr_assert_str_eq(update_action_name(UPDATE_ACTION_APPROVE), "approve");
	cr_assert_null(update_state_name(UPDATE_STATE_NONE));
	cr_assert_null(update_state_name((update_state_t)4));
	cr_assert_eq(update_state_parse("Submitted"), UPDATE_STATE_NONE);
	cr_assert_eq(update_state_parse(NULL), UPDATE_STATE_NONE);
	cr_assert_eq(update_action_parse("reject"), UPDATE_ACTION_NONE);
}

Test(decimal, accepts_exact_decimals)
{
	const char *ok[] = {"0",       "12",      "12.5",           "-3",
	                    "-0.0001", "1000.25", "99999999999999", "99999999999999.9999",
	                    "007"};
	validation_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_expect_eq(update_decimal_check(&v, "target_value", ok[i]), QT_OK, "'%s'", ok[i]);
}

Test(decimal, refuses_everything_else_naming_the_field)
{
	const char *bad[] = {
	    "",    "-",       ".5",   "12.", "1e3", "12,5", "+1",       " 1",
	    "1 ",  "1.2.3",   "0x10", "NaN", "inf", "--1",  "12.34567", "123456789012345",
	    "1\n", "\xc3\xa4"};
	validation_t v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&v, 0, sizeof(v));
		cr_expect_eq(update_decimal_check(&v, "values.actual_value", bad[i]),
		             QT_INVALID_ARGUMENT, "'%s'", bad[i]);
		cr_expect_str_eq(v.field, "values.actual_value");
		cr_expect(strlen(v.message) > 10);
	}
	cr_expect_eq(update_decimal_check(&v, "baseline", NULL), QT_INVALID_ARGUMENT);
}
