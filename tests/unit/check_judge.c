/*
 * check_judge.c - unit tests for judge.c, what hi-q concludes
 *
 * DESCRIPTION
 *	Hand-written tables, nothing run.  judge_stage(): a stage's rules
 *	(from a filters.conf text) and how it ended to its outcome, whether
 *	that decides the message, the log reason and the SMTP text; a stage
 *	hi-q stopped is its kill status and tempfail whatever it returned; a
 *	stage that passes but left input unread is tempfail; a qfilter's
 *	defaults (0, 99, 11-40, 82 with each kind of reply text, others, a
 *	signal) and an "on" rule over them.  judge_unread(),
 *	the one rule for input left unread, on an ended or a running stage,
 *	red, stopped by hi-q, or after the verdict.  judge_zone():
 *	score headers to green, yellow, red or tempfail with the reasons and
 *	the first red rule's text.  judge_message(): outcomes and byte counts
 *	to the verdict (an emptied message is a fault, a discard is not).
 *	judge_code(): a decided code wins, qmail-queue's end counts only after
 *	the commit and its 0 only with the envelope taken.  judge_reply() and
 *	judge_unfinished().
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "conf.h"
#include "judge.h"
#include "qq.h"
#include "report.h"
#include "zone.h"

#define RULES	"stage s /bin/cat\n" \
		"    on 0 green\n" \
		"    on 1 red \"spam (#5.7.1)\"\n" \
		"    on 2 yellow\n" \
		"    on 3 discard\n" \
		"    on 4 tempfail\n" \
		"    on signal red\n"
#define ZONE	"stage s /bin/cat\n" \
		"    on 1 red \"spam (#5.7.1)\"\n" \
		"    zone X-Spam-Status margin 3\n"
#define ZONE_NOTEXT "stage s /bin/cat\n" \
		"    zone X-Spam-Status red 10 missing yellow\n"

static struct conf *judged(const char *, struct stage_report *,
		    enum stage_status, int);
static void	 assert_judged(int, const struct stage_report *, enum outcome,
		    const char *, const char *, const char *, const char *);

/* judged - the conf, and a report of a stage that ended as status/value */
static struct conf *
judged(const char *conf, struct stage_report *rep, enum stage_status status,
    int value)
{
	memset(rep, 0, sizeof(*rep));
	rep->status = status;
	rep->value = value;
	return check_conf_text(conf);
}

static void
assert_str(int i, const char *what, const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "case %d: %s \"%s\", want none", i,
		    what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		    "case %d: %s \"%s\", want \"%s\"", i, what,
		    got ? got : "(none)", want);
}

/* assert_judged - the outcome, the reason and the text case i wants */
static void
assert_judged(int i, const struct stage_report *rep, enum outcome want,
    const char *why, const char *want_why, const char *text,
    const char *want_text)
{
	ck_assert_msg(rep->outcome == want, "case %d: outcome %s, want %s", i,
	    outcome_name(rep->outcome), outcome_name(want));
	assert_str(i, "why", why, want_why);
	assert_str(i, "text", text, want_text);
}

struct stage_case {
	const char		*conf;
	enum stage_status	 status;	/* EXITED or SIGNALED */
	int			 value;
	enum stage_status	 kill_as;
	int			 unread;
	enum judge_step		 step;
	enum outcome		 outcome;
	enum stage_status	 want_status;
	const char		*why;
	const char		*text;
	const char		*said;		/* a qfilter's reply line */
};

#define QF	"qfilter q /bin/cat\n"

static const struct stage_case stage_cases[] = {
	{ RULES, STATUS_EXITED, 0, STATUS_RUNNING, 0, JUDGE_PASSES,
	  OUTCOME_GREEN, STATUS_EXITED, NULL, NULL, NULL },
	{ RULES, STATUS_EXITED, 2, STATUS_RUNNING, 0, JUDGE_PASSES,
	  OUTCOME_YELLOW, STATUS_EXITED, NULL, NULL, NULL },
	{ RULES, STATUS_EXITED, 3, STATUS_RUNNING, 0, JUDGE_PASSES,
	  OUTCOME_DISCARD, STATUS_EXITED, NULL, NULL, NULL },
	{ RULES, STATUS_EXITED, 1, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED, "spam (#5.7.1)", "spam (#5.7.1)", NULL },
	{ RULES, STATUS_EXITED, 4, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED, "stage s exited 4", NULL, NULL },
	{ RULES, STATUS_EXITED, 9, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED, "stage s exited 9", NULL, NULL },
	{ RULES, STATUS_SIGNALED, 9, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_SIGNALED, "stage s killed by signal 9", NULL,
	  NULL },
	{ "stage s /bin/cat\n", STATUS_SIGNALED, 15, STATUS_RUNNING, 0,
	  JUDGE_DECIDES, OUTCOME_TEMPFAIL, STATUS_SIGNALED,
	  "stage s killed by signal 15", NULL, NULL },
	/* Passing, but input left in the pipe. */
	{ RULES, STATUS_EXITED, 0, STATUS_RUNNING, 10, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED,
	  "stage s exited without reading all of its input", NULL, NULL },
	/* A red exit outranks the unread input. */
	{ RULES, STATUS_EXITED, 1, STATUS_RUNNING, 10, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED, "spam (#5.7.1)", "spam (#5.7.1)", NULL },
	/* hi-q stopped it: what it returned does not count. */
	{ RULES, STATUS_EXITED, 0, STATUS_TIMEOUT, 0, JUDGE_STOPPED,
	  OUTCOME_TEMPFAIL, STATUS_TIMEOUT, NULL, NULL, NULL },
	{ RULES, STATUS_SIGNALED, 15, STATUS_ABORTED, 0, JUDGE_STOPPED,
	  OUTCOME_TEMPFAIL, STATUS_ABORTED, NULL, NULL, NULL },
	/* A qfilter's defaults are qmail-qfilter's. */
	{ QF, STATUS_EXITED, 0, STATUS_RUNNING, 0, JUDGE_PASSES,
	  OUTCOME_GREEN, STATUS_EXITED, NULL, NULL, NULL },
	{ QF, STATUS_EXITED, 99, STATUS_RUNNING, 0, JUDGE_PASSES,
	  OUTCOME_DISCARD, STATUS_EXITED, NULL, NULL, NULL },
	{ QF, STATUS_EXITED, 31, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED, "stage q exited 31", NULL, NULL },
	{ QF, STATUS_EXITED, 11, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED, "stage q exited 11", NULL, NULL },
	{ QF, STATUS_EXITED, 40, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED, "stage q exited 40", NULL, NULL },
	{ QF, STATUS_EXITED, 41, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED, "stage q exited 41", NULL, NULL },
	{ QF, STATUS_EXITED, 71, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED, "stage q exited 71", NULL, NULL },
	{ QF, STATUS_SIGNALED, 11, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_SIGNALED, "stage q killed by signal 11",
	  NULL, NULL },
	{ QF, STATUS_EXITED, 82, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED, "no such user (#5.1.1)",
	  "no such user (#5.1.1)", "Dno such user (#5.1.1)" },
	{ QF, STATUS_EXITED, 82, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED, "greylisted (#4.7.1)",
	  "greylisted (#4.7.1)", "Zgreylisted (#4.7.1)" },
	{ QF, STATUS_EXITED, 82, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED, "busy", "busy", "Xbusy" },
	{ QF, STATUS_EXITED, 82, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED,
	  "qfilter q exited 82 without a reply text", NULL, "" },
	{ QF, STATUS_EXITED, 82, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED,
	  "qfilter q exited 82 with no usable reply text", NULL, "D" },
	{ QF, STATUS_EXITED, 82, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_RED, STATUS_EXITED,
	  "qfilter q exited 82 with no usable reply text", NULL,
	  "Dbell\a" },
	/* Not the reply channel's code: 82 without a said line. */
	{ QF, STATUS_EXITED, 82, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, STATUS_EXITED, "stage q exited 82", NULL, NULL },
	/* An "on" rule comes first, its text with it. */
	{ QF "    on 99 red \"dropped (#5.7.1)\"\n", STATUS_EXITED, 99,
	  STATUS_RUNNING, 0, JUDGE_DECIDES, OUTCOME_RED, STATUS_EXITED,
	  "dropped (#5.7.1)", "dropped (#5.7.1)", NULL },
	{ QF "    on 82 green\n", STATUS_EXITED, 82, STATUS_RUNNING, 0,
	  JUDGE_PASSES, OUTCOME_GREEN, STATUS_EXITED, NULL, NULL,
	  "Dno such user" },
};

START_TEST(test_stage)
{
	const struct stage_case *t = &stage_cases[_i];
	struct stage_report rep;
	struct conf *c;
	enum judge_step step;
	const char *text;
	char *why;

	c = judged(t->conf, &rep, t->status, t->value);
	step = judge_stage(&c->stages[0], &rep, t->kill_as, t->unread, 0,
	    t->said, &why, &text);
	ck_assert_msg(step == t->step, "case %d: step %d, want %d", _i, step,
	    t->step);
	ck_assert_int_eq(rep.status, t->want_status);
	assert_judged(_i, &rep, t->outcome, why, t->why, text, t->text);
	free(why);
	conf_free(c);
}
END_TEST

/* The unread rule, as the watch and a failed write ask it too. */
struct unread_case {
	int			 ended;
	enum outcome		 before;	/* rep->outcome */
	enum stage_status	 kill_as;
	int			 decided;
	enum judge_step		 step;
	enum outcome		 outcome;
	const char		*why;
};

#define UNREAD	"stage s exited without reading all of its input"

static const struct unread_case unread_cases[] = {
	/* Ended, passing: now tempfail, and the message with it. */
	{ 1, OUTCOME_GREEN, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, UNREAD },
	{ 1, OUTCOME_YELLOW, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, UNREAD },
	{ 1, OUTCOME_DISCARD, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_TEMPFAIL, UNREAD },
	/* Still running (EPIPE): the message, not yet the stage. */
	{ 0, OUTCOME_GREEN, STATUS_RUNNING, 0, JUDGE_DECIDES,
	  OUTCOME_GREEN, UNREAD },
	/* Its own red stands. */
	{ 1, OUTCOME_RED, STATUS_RUNNING, 0, JUDGE_PASSES, OUTCOME_RED,
	  NULL },
	/* Too late: the verdict is taken. */
	{ 1, OUTCOME_GREEN, STATUS_RUNNING, 1, JUDGE_PASSES, OUTCOME_GREEN,
	  NULL },
	{ 0, OUTCOME_GREEN, STATUS_RUNNING, 1, JUDGE_PASSES, OUTCOME_GREEN,
	  NULL },
	/* hi-q stopped it. */
	{ 1, OUTCOME_GREEN, STATUS_TIMEOUT, 1, JUDGE_STOPPED, OUTCOME_GREEN,
	  NULL },
	{ 0, OUTCOME_GREEN, STATUS_ABORTED, 1, JUDGE_STOPPED, OUTCOME_GREEN,
	  NULL },
};

START_TEST(test_unread)
{
	const struct unread_case *t = &unread_cases[_i];
	struct stage_report rep;
	struct conf *c;
	enum judge_step step;
	char *why;

	c = judged(RULES, &rep, STATUS_EXITED, 0);
	rep.outcome = t->before;
	step = judge_unread(&c->stages[0], &rep, t->ended, t->kill_as,
	    t->decided, &why);
	ck_assert_msg(step == t->step, "case %d: step %d, want %d", _i, step,
	    t->step);
	assert_judged(_i, &rep, t->outcome, why, t->why, NULL, NULL);
	free(why);
	conf_free(c);
}
END_TEST

struct zone_case {
	const char	*conf;
	const char	*output;	/* what the stage wrote */
	enum outcome	 outcome;
	int		 have_score;
	double		 red;		/* the red line, with a score */
	const char	*why;
	const char	*text;
};

static const struct zone_case zone_cases[] = {
	{ ZONE, "X-Spam-Status: No, score=1.0 required=5.0\n\nbody\n",
	  OUTCOME_GREEN, 1, 8.0, NULL, NULL },
	{ ZONE, "X-Spam-Status: Yes, score=6.0 required=4.5\n\nbody\n",
	  OUTCOME_YELLOW, 1, 7.5, NULL, NULL },
	{ ZONE, "X-Spam-Status: Yes, score=8.0 required=5.0\n\nbody\n",
	  OUTCOME_RED, 1, 8.0, "spam (#5.7.1)", "spam (#5.7.1)" },
	{ ZONE_NOTEXT, "X-Spam-Status: Yes, score=12.5 required=5.0\n\n",
	  OUTCOME_RED, 1, 10.0, "stage s scored 12.5, red from 10.0", NULL },
	{ ZONE_NOTEXT, "Subject: none\n\nbody\n", OUTCOME_YELLOW, 0, 0,
	  NULL, NULL },
	{ ZONE, "X-Spam-Status: No, score=1.0 required=5.0\n"
	  "X-Spam-Status: No, score=1.0 required=5.0\n\n", OUTCOME_TEMPFAIL,
	  0, 0, "stage s: 2 X-Spam-Status headers", NULL },
};

START_TEST(test_zone)
{
	const struct zone_case *t = &zone_cases[_i];
	struct stage_report rep;
	struct zone_tap tap;
	struct conf *c;
	enum judge_step step;
	const char *text;
	char *why;

	c = judged(t->conf, &rep, STATUS_EXITED, 0);
	zone_tap_init(&tap, &c->stages[0].zone);
	zone_tap_feed(&tap, t->output, strlen(t->output));
	step = judge_zone(&c->stages[0], &rep, &tap, &why, &text);
	ck_assert_int_eq(step, t->why != NULL ? JUDGE_DECIDES : JUDGE_PASSES);
	ck_assert_int_eq(rep.have_score, t->have_score);
	if (t->have_score)
		ck_assert_msg(rep.red == t->red, "case %d: got red from %g, "
		    "want %g", _i, rep.red, t->red);
	assert_judged(_i, &rep, t->outcome, why, t->why, text, t->text);
	free(why);
	zone_tap_free(&tap);
	conf_free(c);
}
END_TEST

struct message_case {
	enum outcome		 outcomes[3];
	size_t			 n;
	unsigned long long	 in, queued;
	enum outcome		 verdict;
	const char		*why;
};

static const struct message_case message_cases[] = {
	{ { 0 }, 0, 100, 100, OUTCOME_GREEN, NULL },
	{ { OUTCOME_GREEN, OUTCOME_YELLOW }, 2, 100, 120, OUTCOME_YELLOW,
	  NULL },
	{ { OUTCOME_YELLOW, OUTCOME_DISCARD }, 2, 100, 0, OUTCOME_DISCARD,
	  "discarded by configuration" },
	{ { OUTCOME_GREEN }, 1, 100, 0, OUTCOME_TEMPFAIL,
	  "the pipeline turned a 100-byte message into an empty one" },
	{ { OUTCOME_GREEN }, 1, 0, 0, OUTCOME_GREEN, NULL },
	{ { OUTCOME_GREEN, OUTCOME_RED, OUTCOME_TEMPFAIL }, 3, 10, 10,
	  OUTCOME_RED, NULL },
};

START_TEST(test_message)
{
	const struct message_case *t = &message_cases[_i];
	struct stage_report rep[3];
	enum outcome v;
	size_t i;
	char *why;

	memset(rep, 0, sizeof(rep));
	for (i = 0; i < t->n; i++)
		rep[i].outcome = t->outcomes[i];
	v = judge_message(rep, t->n, t->in, t->queued, &why);
	ck_assert_msg(v == t->verdict, "case %d: verdict %s, want %s", _i,
	    outcome_name(v), outcome_name(t->verdict));
	assert_str(_i, "why", why, t->why);
	free(why);
}
END_TEST

struct code_case {
	enum outcome		 verdict;
	int			 code;
	struct judge_queue	 q;
	const char		*reason;	/* before */
	int			 want;
	const char		*want_reason;
};

#define EXITED(n)	((n) << 8)
#define KILLED(s)	(s)

static const struct code_case code_cases[] = {
	/* Before the commit the verdict, or a decided code, stands. */
	{ OUTCOME_RED, -1, { 0, 0, 0, 0 }, NULL, QQ_PERM_REJECT, NULL },
	{ OUTCOME_TEMPFAIL, -1, { 0, 0, 0, 0 }, NULL, QQ_TEMP_REJECT, NULL },
	{ OUTCOME_GREEN, -1, { 0, 0, 0, 0 }, NULL, QQ_OK, NULL },
	{ OUTCOME_YELLOW, -1, { 0, 0, 0, 0 }, NULL, QQ_OK, NULL },
	{ OUTCOME_DISCARD, -1, { 0, 0, 0, 0 }, NULL, QQ_OK, NULL },
	{ OUTCOME_TEMPFAIL, -1, { 0, 1, EXITED(0), 0 }, NULL,
	  QQ_TEMP_REJECT, NULL },
	{ OUTCOME_DISCARD, -1, { 0, 1, EXITED(0), 0 }, NULL, QQ_OK, NULL },
	{ OUTCOME_TEMPFAIL, QQ_READ_ERROR, { 0, 0, 0, 0 }, "no envelope",
	  QQ_READ_ERROR, "no envelope" },
	/* After it, qmail-queue's own end. */
	{ OUTCOME_GREEN, -1, { 1, 1, EXITED(0), 1 }, NULL, QQ_OK, NULL },
	{ OUTCOME_GREEN, -1, { 1, 1, EXITED(53), 1 }, NULL, 53,
	  "qmail-queue exited 53" },
	{ OUTCOME_GREEN, -1, { 1, 1, EXITED(0), 0 }, NULL, QQ_TEMP_REJECT,
	  "qmail-queue exited 0 before reading the envelope" },
	{ OUTCOME_YELLOW, -1, { 1, 1, KILLED(9), 1 }, NULL, QQ_TEMP_REJECT,
	  "qmail-queue killed by signal 9" },
	{ OUTCOME_GREEN, QQ_TEMP_REJECT, { 1, 0, 0, 1 },
	  "qmail-queue did not exit", QQ_TEMP_REJECT,
	  "qmail-queue did not exit" },
};

START_TEST(test_code)
{
	const struct code_case *t = &code_cases[_i];
	char *reason;
	int code;

	reason = t->reason != NULL ? strdup(t->reason) : NULL;
	code = judge_code(t->verdict, t->code, &t->q, &reason);
	ck_assert_msg(code == t->want, "case %d: code %d, want %d", _i, code,
	    t->want);
	assert_str(_i, "reason", reason, t->want_reason);
	free(reason);
}
END_TEST

START_TEST(test_reply)
{
	struct stage_report rep;
	char *s;

	s = judge_reply(OUTCOME_RED, "spam (#5.7.1)");
	ck_assert_str_eq(s, "Dspam (#5.7.1)");
	free(s);
	s = judge_reply(OUTCOME_TEMPFAIL, "later (#4.3.0)");
	ck_assert_str_eq(s, "Zlater (#4.3.0)");
	free(s);
	ck_assert_ptr_null(judge_reply(OUTCOME_GREEN, "x"));
	ck_assert_ptr_null(judge_reply(OUTCOME_RED, NULL));

	memset(&rep, 0, sizeof(rep));
	judge_unfinished(&rep, STATUS_RUNNING);
	ck_assert_int_eq(rep.status, STATUS_ABORTED);
	ck_assert_int_eq(rep.outcome, OUTCOME_TEMPFAIL);
	judge_unfinished(&rep, STATUS_TIMEOUT);
	ck_assert_int_eq(rep.status, STATUS_TIMEOUT);
}
END_TEST

#define LOOP(tc, fn, cases) \
	tcase_add_loop_test(tc, fn, 0, sizeof(cases) / sizeof(cases[0]))

Suite *
suite_judge(void)
{
	Suite *s = suite_create("judge");
	TCase *tc = tcase_create("judge");

	LOOP(tc, test_stage, stage_cases);
	LOOP(tc, test_unread, unread_cases);
	LOOP(tc, test_zone, zone_cases);
	LOOP(tc, test_message, message_cases);
	LOOP(tc, test_code, code_cases);
	tcase_add_test(tc, test_reply);
	suite_add_tcase(s, tc);
	return s;
}
