/*
 * check_outcome.c - unit tests for outcome.c, the five outcomes
 *
 * DESCRIPTION
 *	outcome_combine() over all 25 pairs (red > tempfail > discard >
 *	yellow > green) and folded over a pipeline; outcome_name() and
 *	outcome_parse() both ways, the words that are not outcomes, and a
 *	value that is none.
 */
#include <check.h>

#include "check_suites.h"
#include "outcome.h"

struct combine_case {
	enum outcome	a, b, want;
};

static const struct combine_case combine_cases[] = {
	{ OUTCOME_GREEN, OUTCOME_GREEN, OUTCOME_GREEN },
	{ OUTCOME_GREEN, OUTCOME_YELLOW, OUTCOME_YELLOW },
	{ OUTCOME_GREEN, OUTCOME_DISCARD, OUTCOME_DISCARD },
	{ OUTCOME_GREEN, OUTCOME_TEMPFAIL, OUTCOME_TEMPFAIL },
	{ OUTCOME_GREEN, OUTCOME_RED, OUTCOME_RED },
	{ OUTCOME_YELLOW, OUTCOME_GREEN, OUTCOME_YELLOW },
	{ OUTCOME_YELLOW, OUTCOME_YELLOW, OUTCOME_YELLOW },
	{ OUTCOME_YELLOW, OUTCOME_DISCARD, OUTCOME_DISCARD },
	{ OUTCOME_YELLOW, OUTCOME_TEMPFAIL, OUTCOME_TEMPFAIL },
	{ OUTCOME_YELLOW, OUTCOME_RED, OUTCOME_RED },
	{ OUTCOME_DISCARD, OUTCOME_GREEN, OUTCOME_DISCARD },
	{ OUTCOME_DISCARD, OUTCOME_YELLOW, OUTCOME_DISCARD },
	{ OUTCOME_DISCARD, OUTCOME_DISCARD, OUTCOME_DISCARD },
	{ OUTCOME_DISCARD, OUTCOME_TEMPFAIL, OUTCOME_TEMPFAIL },
	{ OUTCOME_DISCARD, OUTCOME_RED, OUTCOME_RED },
	{ OUTCOME_TEMPFAIL, OUTCOME_GREEN, OUTCOME_TEMPFAIL },
	{ OUTCOME_TEMPFAIL, OUTCOME_YELLOW, OUTCOME_TEMPFAIL },
	{ OUTCOME_TEMPFAIL, OUTCOME_DISCARD, OUTCOME_TEMPFAIL },
	{ OUTCOME_TEMPFAIL, OUTCOME_TEMPFAIL, OUTCOME_TEMPFAIL },
	{ OUTCOME_TEMPFAIL, OUTCOME_RED, OUTCOME_RED },
	{ OUTCOME_RED, OUTCOME_GREEN, OUTCOME_RED },
	{ OUTCOME_RED, OUTCOME_YELLOW, OUTCOME_RED },
	{ OUTCOME_RED, OUTCOME_DISCARD, OUTCOME_RED },
	{ OUTCOME_RED, OUTCOME_TEMPFAIL, OUTCOME_RED },
	{ OUTCOME_RED, OUTCOME_RED, OUTCOME_RED },
};

START_TEST(test_combine_table)
{
	const struct combine_case *t = &combine_cases[_i];
	enum outcome got;

	got = outcome_combine(t->a, t->b);
	ck_assert_msg(got == t->want, "combine(%s, %s): got %s, want %s",
	    outcome_name(t->a), outcome_name(t->b), outcome_name(got),
	    outcome_name(t->want));
}
END_TEST

/* Folding a pipeline's outcomes: one red anywhere decides. */
START_TEST(test_combine_fold)
{
	static const enum outcome stages[] = {
		OUTCOME_GREEN, OUTCOME_YELLOW, OUTCOME_RED, OUTCOME_TEMPFAIL,
		OUTCOME_DISCARD, OUTCOME_GREEN
	};
	enum outcome v = OUTCOME_GREEN;
	size_t i;

	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
		v = outcome_combine(v, stages[i]);
	ck_assert_msg(v == OUTCOME_RED, "got %s, want red", outcome_name(v));
}
END_TEST

struct name_case {
	enum outcome	 o;
	const char	*name;
};

static const struct name_case name_cases[] = {
	{ OUTCOME_GREEN, "green" },
	{ OUTCOME_YELLOW, "yellow" },
	{ OUTCOME_DISCARD, "discard" },
	{ OUTCOME_TEMPFAIL, "tempfail" },
	{ OUTCOME_RED, "red" },
};

START_TEST(test_name_round_trip)
{
	const struct name_case *t = &name_cases[_i];
	enum outcome o = OUTCOME_RED;

	ck_assert_str_eq(outcome_name(t->o), t->name);
	if (t->o == OUTCOME_RED)
		o = OUTCOME_GREEN;
	ck_assert_int_eq(outcome_parse(t->name, &o), 0);
	ck_assert_msg(o == t->o, "parse(\"%s\"): got %d, want %d", t->name,
	    (int)o, (int)t->o);
}
END_TEST

static const char *const bad_names[] = {
	"gren", "", "Green", "RED", "red ", " red", "redx", "temp", "?",
};

START_TEST(test_parse_rejects)
{
	enum outcome o = OUTCOME_YELLOW;
	int rc;

	rc = outcome_parse(bad_names[_i], &o);
	ck_assert_msg(rc == -1, "parse(\"%s\"): got %d, want -1",
	    bad_names[_i], rc);
	ck_assert_msg(o == OUTCOME_YELLOW,
	    "parse(\"%s\") changed the outcome to %d", bad_names[_i], (int)o);
}
END_TEST

START_TEST(test_name_out_of_range)
{
	ck_assert_str_eq(outcome_name((enum outcome)5), "?");
	ck_assert_str_eq(outcome_name((enum outcome)-1), "?");
}
END_TEST

Suite *
suite_outcome(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("outcome");

	tc = tcase_create("combine");
	tcase_add_loop_test(tc, test_combine_table, 0,
	    (int)(sizeof(combine_cases) / sizeof(combine_cases[0])));
	tcase_add_test(tc, test_combine_fold);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_name_round_trip, 0,
	    (int)(sizeof(name_cases) / sizeof(name_cases[0])));
	tcase_add_loop_test(tc, test_parse_rejects, 0,
	    (int)(sizeof(bad_names) / sizeof(bad_names[0])));
	tcase_add_test(tc, test_name_out_of_range);
	suite_add_tcase(s, tc);

	return s;
}
