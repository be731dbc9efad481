/*
 * check_rule.c - unit tests for rule.c, a stage's end to its outcome
 *
 * DESCRIPTION
 *	rule_map() over hand-built rule lists and wait statuses written in
 *	the encoding the W* macros read (exit code n is n << 8, death by
 *	signal s is s, with 0x80 added for a core dump), taken apart as the
 *	run takes a stage's end apart: rules apply in the order written,
 *	ranges and lists match, "*" matches every exit code but no signal,
 *	"signal" matches every signal but no exit code, and a status no rule
 *	matches gets the default (exit 0 green, any other exit or signal
 *	tempfail).  Also rule_add_code()'s bitmap.
 */
#include <sys/wait.h>

#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "outcome.h"
#include "rule.h"

/* Wait statuses, spelled out rather than taken from the W* macros. */
#define EXITED(n)	((n) << 8)
#define KILLED(s)	(s)
#define CORE(s)		((s) | 0x80)

#define NRULES_MAX	4

/*
 * One rule, written compactly: codes is "*", "signal" or a list of
 * inclusive ranges lo-hi ending with -1.
 */
struct rule_spec {
	const char	*kind;		/* "exit", "*" or "signal" */
	int		 ranges[8];	/* lo, hi, lo, hi, ..., -1 */
	enum outcome	 outcome;
};

struct map_case {
	struct rule_spec rules[NRULES_MAX];
	size_t		 nrules;
	int		 wstatus;
	enum outcome	 want;
	int		 which;		/* the matching rule; -1: none */
};

static void	build_rules(const struct rule_spec *, size_t, struct rule *);
static enum outcome map(const struct rule *, size_t, int,
		    const struct rule **);

static const struct map_case map_cases[] = {
	/* No rules at all: the defaults. */
	{ { { NULL, { -1 }, 0 } }, 0, EXITED(0), OUTCOME_GREEN, -1 },
	{ { { NULL, { -1 }, 0 } }, 0, EXITED(1), OUTCOME_TEMPFAIL, -1 },
	{ { { NULL, { -1 }, 0 } }, 0, EXITED(255), OUTCOME_TEMPFAIL, -1 },
	{ { { NULL, { -1 }, 0 } }, 0, EXITED(126), OUTCOME_TEMPFAIL, -1 },
	{ { { NULL, { -1 }, 0 } }, 0, EXITED(127), OUTCOME_TEMPFAIL, -1 },
	{ { { NULL, { -1 }, 0 } }, 0, KILLED(9), OUTCOME_TEMPFAIL, -1 },
	{ { { NULL, { -1 }, 0 } }, 0, KILLED(15), OUTCOME_TEMPFAIL, -1 },
	{ { { NULL, { -1 }, 0 } }, 0, CORE(11), OUTCOME_TEMPFAIL, -1 },

	/* One exit code. */
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED } }, 1,
	    EXITED(1), OUTCOME_RED, 0 },
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED } }, 1,
	    EXITED(0), OUTCOME_GREEN, -1 },
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED } }, 1,
	    EXITED(2), OUTCOME_TEMPFAIL, -1 },
	/* Signal 1 is not exit code 1. */
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED } }, 1,
	    KILLED(1), OUTCOME_TEMPFAIL, -1 },
	/* A rule can turn exit 0 into something else. */
	{ { { "exit", { 0, 0, -1 }, OUTCOME_YELLOW } }, 1,
	    EXITED(0), OUTCOME_YELLOW, 0 },

	/* Ranges and lists: 1,3-5,64-78. */
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(1), OUTCOME_DISCARD, 0 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(2), OUTCOME_TEMPFAIL, -1 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(3), OUTCOME_DISCARD, 0 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(5), OUTCOME_DISCARD, 0 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(6), OUTCOME_TEMPFAIL, -1 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(63), OUTCOME_TEMPFAIL, -1 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(64), OUTCOME_DISCARD, 0 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(78), OUTCOME_DISCARD, 0 },
	{ { { "exit", { 1, 1, 3, 5, 64, 78, -1 }, OUTCOME_DISCARD } }, 1,
	    EXITED(79), OUTCOME_TEMPFAIL, -1 },
	{ { { "exit", { 0, 255, -1 }, OUTCOME_YELLOW } }, 1,
	    EXITED(255), OUTCOME_YELLOW, 0 },
	{ { { "exit", { 0, 255, -1 }, OUTCOME_YELLOW } }, 1,
	    KILLED(15), OUTCOME_TEMPFAIL, -1 },

	/* "*" matches every exit code, and no signal. */
	{ { { "*", { -1 }, OUTCOME_RED } }, 1,
	    EXITED(0), OUTCOME_RED, 0 },
	{ { { "*", { -1 }, OUTCOME_RED } }, 1,
	    EXITED(200), OUTCOME_RED, 0 },
	{ { { "*", { -1 }, OUTCOME_RED } }, 1,
	    KILLED(9), OUTCOME_TEMPFAIL, -1 },
	{ { { "*", { -1 }, OUTCOME_GREEN } }, 1,
	    CORE(6), OUTCOME_TEMPFAIL, -1 },

	/* "signal" matches every signal, and no exit code. */
	{ { { "signal", { -1 }, OUTCOME_GREEN } }, 1,
	    KILLED(9), OUTCOME_GREEN, 0 },
	{ { { "signal", { -1 }, OUTCOME_GREEN } }, 1,
	    KILLED(15), OUTCOME_GREEN, 0 },
	{ { { "signal", { -1 }, OUTCOME_RED } }, 1,
	    CORE(11), OUTCOME_RED, 0 },
	{ { { "signal", { -1 }, OUTCOME_RED } }, 1,
	    EXITED(1), OUTCOME_TEMPFAIL, -1 },
	{ { { "signal", { -1 }, OUTCOME_RED } }, 1,
	    EXITED(0), OUTCOME_GREEN, -1 },

	/* The first matching rule wins, in the order written. */
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED },
	    { "exit", { 0, 5, -1 }, OUTCOME_YELLOW },
	    { "*", { -1 }, OUTCOME_DISCARD },
	    { "signal", { -1 }, OUTCOME_GREEN } }, 4,
	    EXITED(1), OUTCOME_RED, 0 },
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED },
	    { "exit", { 0, 5, -1 }, OUTCOME_YELLOW },
	    { "*", { -1 }, OUTCOME_DISCARD },
	    { "signal", { -1 }, OUTCOME_GREEN } }, 4,
	    EXITED(2), OUTCOME_YELLOW, 1 },
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED },
	    { "exit", { 0, 5, -1 }, OUTCOME_YELLOW },
	    { "*", { -1 }, OUTCOME_DISCARD },
	    { "signal", { -1 }, OUTCOME_GREEN } }, 4,
	    EXITED(0), OUTCOME_YELLOW, 1 },
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED },
	    { "exit", { 0, 5, -1 }, OUTCOME_YELLOW },
	    { "*", { -1 }, OUTCOME_DISCARD },
	    { "signal", { -1 }, OUTCOME_GREEN } }, 4,
	    EXITED(6), OUTCOME_DISCARD, 2 },
	{ { { "exit", { 1, 1, -1 }, OUTCOME_RED },
	    { "exit", { 0, 5, -1 }, OUTCOME_YELLOW },
	    { "*", { -1 }, OUTCOME_DISCARD },
	    { "signal", { -1 }, OUTCOME_GREEN } }, 4,
	    KILLED(9), OUTCOME_GREEN, 3 },
	/* An earlier "*" hides a later exact code. */
	{ { { "*", { -1 }, OUTCOME_YELLOW },
	    { "exit", { 1, 1, -1 }, OUTCOME_RED } }, 2,
	    EXITED(1), OUTCOME_YELLOW, 0 },
	/* Overlapping lists: the earlier one decides. */
	{ { { "exit", { 10, 20, -1 }, OUTCOME_TEMPFAIL },
	    { "exit", { 15, 25, -1 }, OUTCOME_RED } }, 2,
	    EXITED(15), OUTCOME_TEMPFAIL, 0 },
	{ { { "exit", { 10, 20, -1 }, OUTCOME_TEMPFAIL },
	    { "exit", { 15, 25, -1 }, OUTCOME_RED } }, 2,
	    EXITED(21), OUTCOME_RED, 1 },
};

/* build_rules - struct rule from the compact specs of a table row */
static void
build_rules(const struct rule_spec *spec, size_t n, struct rule *rules)
{
	size_t i, k;
	int c;

	memset(rules, 0, n * sizeof(*rules));
	for (i = 0; i < n; i++) {
		rules[i].outcome = spec[i].outcome;
		rules[i].line = (unsigned)i + 1;
		if (strcmp(spec[i].kind, "*") == 0) {
			rules[i].kind = RULE_ANY;
			continue;
		}
		if (strcmp(spec[i].kind, "signal") == 0) {
			rules[i].kind = RULE_SIGNAL;
			continue;
		}
		rules[i].kind = RULE_EXIT;
		for (k = 0; spec[i].ranges[k] != -1; k += 2)
			for (c = spec[i].ranges[k]; c <= spec[i].ranges[k + 1];
			    c++)
				rule_add_code(&rules[i], (unsigned)c);
	}
}

/* map - rule_map() of a wait status, taken apart as the run does */
static enum outcome
map(const struct rule *rules, size_t n, int wstatus, const struct rule **which)
{
	if (WIFEXITED(wstatus))
		return rule_map(rules, n, 0, WEXITSTATUS(wstatus), which);
	return rule_map(rules, n, 1, WTERMSIG(wstatus), which);
}

START_TEST(test_map_table)
{
	const struct map_case *t = &map_cases[_i];
	struct rule rules[NRULES_MAX];
	const struct rule *which = &rules[0];
	enum outcome got;
	long idx;

	build_rules(t->rules, t->nrules, rules);
	got = map(rules, t->nrules, t->wstatus, &which);
	ck_assert_msg(got == t->want,
	    "case %d (status 0x%x): got %s, want %s", _i, t->wstatus,
	    outcome_name(got), outcome_name(t->want));
	idx = which == NULL ? -1 : (long)(which - rules);
	ck_assert_msg(idx == t->which,
	    "case %d (status 0x%x): got rule %ld, want %d", _i, t->wstatus,
	    idx, t->which);
	/* The same answer without asking which rule. */
	got = map(rules, t->nrules, t->wstatus, NULL);
	ck_assert_msg(got == t->want, "case %d, no which: got %s, want %s",
	    _i, outcome_name(got), outcome_name(t->want));
}
END_TEST

/*
 * A milter stage's end: its status word's rule, in the order written,
 * else the default; a timeout is a failure.  No exit rule matches it.
 */
struct reply_case {
	enum stage_status	 rules[3];	/* RULE_REPLY; */
	enum outcome		 outs[3];
	size_t			 nrules;
	enum stage_status	 st;
	enum outcome		 want;
	int			 which;
};

static const struct reply_case reply_cases[] = {
	{ { 0 }, { 0 }, 0, STATUS_ACCEPT, OUTCOME_GREEN, -1 },
	{ { 0 }, { 0 }, 0, STATUS_REJECT, OUTCOME_RED, -1 },
	{ { 0 }, { 0 }, 0, STATUS_TEMPFAIL, OUTCOME_TEMPFAIL, -1 },
	{ { 0 }, { 0 }, 0, STATUS_DISCARD, OUTCOME_DISCARD, -1 },
	{ { 0 }, { 0 }, 0, STATUS_QUARANTINE, OUTCOME_YELLOW, -1 },
	{ { 0 }, { 0 }, 0, STATUS_FAILURE, OUTCOME_TEMPFAIL, -1 },
	{ { 0 }, { 0 }, 0, STATUS_TIMEOUT, OUTCOME_TEMPFAIL, -1 },
	{ { STATUS_FAILURE }, { OUTCOME_GREEN }, 1,
	    STATUS_FAILURE, OUTCOME_GREEN, 0 },
	{ { STATUS_FAILURE }, { OUTCOME_GREEN }, 1,
	    STATUS_TIMEOUT, OUTCOME_GREEN, 0 },
	{ { STATUS_FAILURE }, { OUTCOME_GREEN }, 1,
	    STATUS_REJECT, OUTCOME_RED, -1 },
	{ { STATUS_QUARANTINE, STATUS_REJECT }, { OUTCOME_RED,
	    OUTCOME_TEMPFAIL }, 2, STATUS_REJECT, OUTCOME_TEMPFAIL, 1 },
	{ { STATUS_DISCARD, STATUS_DISCARD }, { OUTCOME_GREEN,
	    OUTCOME_RED }, 2, STATUS_DISCARD, OUTCOME_GREEN, 0 },
	{ { STATUS_ACCEPT }, { OUTCOME_YELLOW }, 1,
	    STATUS_ACCEPT, OUTCOME_YELLOW, 0 },
};

START_TEST(test_map_reply)
{
	const struct reply_case *t = &reply_cases[_i];
	struct rule rules[3];
	const struct rule *which = &rules[0];
	enum outcome got;
	size_t i;
	long idx;

	memset(rules, 0, sizeof(rules));
	for (i = 0; i < t->nrules; i++) {
		rules[i].kind = RULE_REPLY;
		rules[i].reply = t->rules[i];
		rules[i].outcome = t->outs[i];
	}
	got = rule_map_reply(rules, t->nrules, t->st, &which);
	ck_assert_msg(got == t->want, "case %d: got %s, want %s", _i,
	    outcome_name(got), outcome_name(t->want));
	idx = which == NULL ? -1 : (long)(which - rules);
	ck_assert_msg(idx == t->which, "case %d: got rule %ld, want %d", _i,
	    idx, t->which);
	/* An exit never matches a milter's rule. */
	ck_assert_int_eq(rule_map(rules, t->nrules, 0, 0, NULL),
	    OUTCOME_GREEN);
}
END_TEST

START_TEST(test_reply_parse)
{
	static const struct {
		const char		*word;
		int			 rc;
		enum stage_status	 st;
	} cases[] = {
		{ "accept", 0, STATUS_ACCEPT },
		{ "reject", 0, STATUS_REJECT },
		{ "tempfail", 0, STATUS_TEMPFAIL },
		{ "discard", 0, STATUS_DISCARD },
		{ "quarantine", 0, STATUS_QUARANTINE },
		{ "failure", 0, STATUS_FAILURE },
		{ "timeout", -1, STATUS_RUNNING },
		{ "exit0", -1, STATUS_RUNNING },
		{ "continue", -1, STATUS_RUNNING },
		{ "", -1, STATUS_RUNNING },
	};
	enum stage_status st;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		st = STATUS_RUNNING;
		ck_assert_msg(rule_reply_parse(cases[i].word, &st) ==
		    cases[i].rc && st == cases[i].st, "\"%s\": got %d",
		    cases[i].word, (int)st);
	}
}
END_TEST

/* The bitmap: bit n of the 256-bit map is code n. */
START_TEST(test_rule_add_code)
{
	static const unsigned char want[32] = {
		[0] = 0x03,	/* 0, 1 */
		[1] = 0x80,	/* 15 */
		[8] = 0x01,	/* 64 */
		[31] = 0x80,	/* 255 */
	};
	struct rule r;

	memset(&r, 0, sizeof(r));
	rule_add_code(&r, 0);
	rule_add_code(&r, 1);
	rule_add_code(&r, 15);
	rule_add_code(&r, 64);
	rule_add_code(&r, 255);
	rule_add_code(&r, 64);		/* twice is once */
	ck_assert_mem_eq(r.codes, want, sizeof(want));
}
END_TEST

Suite *
suite_rule(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("rule");
	tc = tcase_create("map");
	tcase_add_loop_test(tc, test_map_table, 0,
	    (int)(sizeof(map_cases) / sizeof(map_cases[0])));
	tcase_add_test(tc, test_rule_add_code);
	tcase_add_loop_test(tc, test_map_reply, 0,
	    (int)(sizeof(reply_cases) / sizeof(reply_cases[0])));
	tcase_add_test(tc, test_reply_parse);
	suite_add_tcase(s, tc);
	return s;
}
