/*
 * check_deadline.c - unit tests for deadline.c, the one table of deadlines
 *
 * DESCRIPTION
 *	deadline_table() over hand-written states, each case with the table it
 *	must give, in firing order, and deadline_next() with its earliest
 *	entry.  Before the verdict: a stage's timeout from the end of its
 *	input or from a stall, whichever comes first, none for a finished
 *	stage or one without a timeout (a milter's counts from its last
 *	packet); the message's timeout from the end
 *	of fd 0, or from the last progress while fd 0 flows, and no stall
 *	limit when qmail-queue reads fd 0.  After it: the kill grace only
 *	while stages run and SIGKILL has not been sent, then the reap grace
 *	from SIGKILL while a stage is still there (never both, and neither
 *	once every stage has ended or been left), the caller only while its
 *	input has not ended, qmail-queue only while waited for.
 */
#include <check.h>

#include "check_suites.h"
#include "deadline.h"

#define NO	(-1.0)

struct dl_case {
	struct deadline_state	 state;
	struct deadline_stage	 stages[2];
	size_t			 nstages;
	struct deadline		 want[5];
	size_t			 nwant;
	double			 next;
};

static const struct dl_case dl_cases[] = {
	/* fd 0 still flowing: only the stall limit. */
	{ { 30, 0, 0, NO, 100, NO, NO, NO, 0, 0, 0, NULL, 0 },
	  { { 1, 0, NO, NO } }, 1,
	  { { 130, DEADLINE_INPUT, 0 } }, 1, 130 },
	/* ... but none when qmail-queue reads fd 0 itself. */
	{ { 30, 0, 1, NO, 100, NO, NO, NO, 0, 0, 1, NULL, 0 },
	  { { 0, 0, 0, 0 } }, 0, { { 0, 0, 0 } }, 0, NO },
	/* A stage stuck on a full pipe: its own 2 s, not the 30. */
	{ { 30, 0, 0, NO, 100, NO, NO, NO, 0, 0, 0, NULL, 0 },
	  { { 1, 2, NO, 105 } }, 1,
	  { { 107, DEADLINE_STAGE, 0 }, { 130, DEADLINE_INPUT, 0 } }, 2,
	  107 },
	/* Input ended: the earlier of end and stall; a done stage none. */
	{ { 30, 0, 0, 110, 110, NO, NO, NO, 0, 0, 0, NULL, 0 },
	  { { 1, 5, 110, 103 }, { 0, 5, 110, NO } }, 2,
	  { { 108, DEADLINE_STAGE, 0 }, { 140, DEADLINE_MESSAGE, 0 } }, 2,
	  108 },
	/* No timeout of its own: only the message's. */
	{ { 30, 0, 0, 110, 110, NO, NO, NO, 0, 0, 0, NULL, 0 },
	  { { 1, 0, 110, 103 } }, 1,
	  { { 140, DEADLINE_MESSAGE, 0 } }, 1, 140 },
	/*
	 * A milter: its clock restarts with each packet it sends, by t_in
	 * (the run moves it), so its silence limit counts from the last.
	 */
	{ { 300, 0, 0, 110, 110, NO, NO, NO, 0, 1, 0, NULL, 0 },
	  { { 1, 2, 150, NO } }, 1,
	  { { 152, DEADLINE_STAGE, 0 }, { 410, DEADLINE_MESSAGE, 0 } }, 2,
	  152 },
	/* Decided: grace, caller, qmail-queue. */
	{ { 30, 1, 0, NO, 120, 121, 121, NO, 0, 0, 1, NULL, 0 },
	  { { 1, 2, NO, 105 } }, 1,
	  { { 123, DEADLINE_KILL, 0 }, { 150, DEADLINE_CALLER, 0 },
	    { 151, DEADLINE_QUEUE, 0 } }, 3, 123 },
	/* KILL sent at 123, a stage still there: the reap grace, no KILL. */
	{ { 30, 1, 0, 110, 120, 121, 121, 123, 0, 1, 0, NULL, 0 },
	  { { 1, 2, NO, NO } }, 1,
	  { { 125, DEADLINE_REAP, 0 } }, 1, 125 },
	/* A signal to hi-q: TERM and KILL at once; the grace from there. */
	{ { 30, 1, 0, NO, 120, 121, 121, 121, 0, 0, 1, NULL, 0 },
	  { { 1, 2, NO, NO } }, 1,
	  { { 123, DEADLINE_REAP, 0 }, { 150, DEADLINE_CALLER, 0 },
	    { 151, DEADLINE_QUEUE, 0 } }, 3, 123 },
	/* KILL sent, every stage ended (or left), inputs ended: nothing. */
	{ { 30, 1, 0, 110, 120, 121, 121, 123, 1, 1, 0, NULL, 0 },
	  { { 1, 2, NO, NO } }, 1, { { 0, 0, 0 } }, 0, NO },
	/* Decided and every stage done: no grace to wait for. */
	{ { 30, 1, 0, 110, 120, 121, 121, NO, 1, 1, 1, NULL, 0 },
	  { { 0, 0, 0, 0 } }, 0,
	  { { 151, DEADLINE_QUEUE, 0 } }, 1, 151 },
};

START_TEST(test_table)
{
	const struct dl_case *t = &dl_cases[_i];
	struct deadline_state st = t->state;
	struct deadline got[DEADLINE_MAX(2)];
	size_t i, n;

	st.stages = t->stages;
	st.nstages = t->nstages;
	n = deadline_table(&st, got);
	ck_assert_msg(n == t->nwant, "case %d: %zu entries, want %zu", _i, n,
	    t->nwant);
	for (i = 0; i < n; i++) {
		ck_assert_msg(got[i].what == t->want[i].what &&
		    got[i].when == t->want[i].when &&
		    got[i].stage == t->want[i].stage, "case %d, entry %zu: "
		    "%d at %.1f (stage %zu), want %d at %.1f (stage %zu)", _i,
		    i, got[i].what, got[i].when, got[i].stage,
		    t->want[i].what, t->want[i].when, t->want[i].stage);
	}
	ck_assert_msg(deadline_next(got, n) == t->next, "case %d: next %.1f, "
	    "want %.1f", _i, deadline_next(got, n), t->next);
}
END_TEST

Suite *
suite_deadline(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc = tcase_create("deadline");

	tcase_add_loop_test(tc, test_table, 0,
	    sizeof(dl_cases) / sizeof(dl_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
