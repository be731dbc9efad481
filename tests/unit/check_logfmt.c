/*
 * check_logfmt.c - unit tests for logfmt.c, the one line per message
 *
 * DESCRIPTION
 *	logfmt_format() against hand-written lines: every field, an empty
 *	sender, a missing envelope (from=-), a sender that is not
 *	NUL-terminated, every stage status word (running exitN signalN
 *	skipped noexec timeout aborted), \xHH escapes in the sender (space,
 *	angle brackets, quotes, backslash, controls, non-ASCII) and in the
 *	quoted reason (which keeps spaces and angle brackets), and the
 *	program's name (msg_setup()) that starts the line.  logfmt_write()
 *	is checked by reading back what it wrote to fd 2.
 *
 *	The tables the writer and the readers share: every status word
 *	written by logfmt_status() and read back by logfmt_status_parse(),
 *	the words that are no status (a number past 255 or 127, a missing or
 *	signed number, a longer word), and logfmt_field() on every key, on
 *	a key of a later version and on a word without "=", and
 *	logfmt_part() on each part of a stage's field and on one it does not
 *	know.  The pids (qp=, qq=) are written when they are not 0, and a
 *	zone stage's red line after its score.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "logfmt.h"
#include "msg.h"
#include "qq.h"
#include "report.h"

/*
 * Report cases.  Stage names and reasons are plain strings; the sender
 * is given with its length, since the envelope does not terminate it.
 */
static const struct stage_report stages_spamc[] = {
	{ "spamc", STATUS_EXITED, 1, OUTCOME_RED, 0.25, 0, 0, 0, 0 },
};

static const struct stage_report stages_scored[] = {
	{ "spamc", STATUS_EXITED, 1, OUTCOME_YELLOW, 0.052, 1, 5.5, 5.0,
	    7.0 },
	{ "tag", STATUS_EXITED, 0, OUTCOME_GREEN, 0.001, 0, 0, 0, 0 },
};

static const struct stage_report stages_two_green[] = {
	{ "spamc", STATUS_EXITED, 0, OUTCOME_GREEN, 0.01, 0, 0, 0, 0 },
	{ "clamd", STATUS_EXITED, 0, OUTCOME_GREEN, 0.002, 0, 0, 0, 0 },
};

static const struct stage_report stages_every_status[] = {
	{ "a", STATUS_RUNNING, 0, OUTCOME_GREEN, 0.0, 0, 0, 0, 0 },
	{ "b", STATUS_EXITED, 3, OUTCOME_YELLOW, 1.5, 0, 0, 0, 0 },
	{ "c", STATUS_SIGNALED, 9, OUTCOME_TEMPFAIL, 2.25, 0, 0, 0, 0 },
	{ "d", STATUS_SKIPPED, 0, OUTCOME_GREEN, 0.0, 0, 0, 0, 0 },
	{ "e", STATUS_NOEXEC, ENOENT, OUTCOME_TEMPFAIL, 0.001, 0, 0, 0, 0 },
	{ "f", STATUS_TIMEOUT, 0, OUTCOME_TEMPFAIL, 30.0, 0, 0, 0, 0 },
	{ "g", STATUS_ABORTED, 0, OUTCOME_DISCARD, 0.125, 0, 0, 0, 0 },
};

struct report_case {
	struct report	 r;
	const char	*want;
};

static const struct report_case report_cases[] = {
	/* Rejected: hi-q's pid, but qmail-queue never started. */
	{ { OUTCOME_RED, QQ_PERM_REJECT, 1, "a@example.org", 13, 2, 10, 0,
	    0.5, stages_spamc, 1, "stage spamc said red", 0, 7052, 0 },
	    "hi-q: verdict=red code=31 from=<a@example.org> rcpts=2 "
	    "bytes=10 out=0 time=0.500 qp=7052 "
	    "stage=spamc:exit1:red:0.250 "
	    "reason=\"stage spamc said red\"\n" },
	/* A bounce: empty sender.  No reason.  Both pids. */
	{ { OUTCOME_GREEN, QQ_OK, 1, "", 0, 1, 4096, 4321, 0.012,
	    stages_two_green, 2, NULL, 0, 7052, 7054 },
	    "hi-q: verdict=green code=0 from=<> rcpts=1 bytes=4096 out=4321 "
	    "time=0.012 qp=7052 qq=7054 stage=spamc:exit0:green:0.010 "
	    "stage=clamd:exit0:green:0.002\n" },
	/* A zone stage: its score, required value and red line close its
	 * token. */
	{ { OUTCOME_YELLOW, QQ_OK, 1, "a@example.org", 13, 1, 900, 1100,
	    0.061, stages_scored, 2, NULL, 0, 2147483647, 1 },
	    "hi-q: verdict=yellow code=0 from=<a@example.org> rcpts=1 "
	    "bytes=900 out=1100 time=0.061 qp=2147483647 qq=1 "
	    "stage=spamc:exit1:yellow:0.052:score=5.5/5.0:red=7.0 "
	    "stage=tag:exit0:green:0.001\n" },
	/* qmail-queue read fd 0 itself: the byte counts are unknown. */
	{ { OUTCOME_GREEN, QQ_OK, 1, "a@example.org", 13, 1, 0, 0, 0.004,
	    NULL, 0, NULL, 1, 30, 31 },
	    "hi-q: verdict=green code=0 from=<a@example.org> rcpts=1 "
	    "bytes=- out=- time=0.004 qp=30 qq=31\n" },
	/* No envelope at all; the sender pointer is not looked at. */
	{ { OUTCOME_TEMPFAIL, QQ_READ_ERROR, 0, "ignored", 7, 0, 123, 0,
	    1.0, NULL, 0, "no envelope", 0, 0, 0 },
	    "hi-q: verdict=tempfail code=54 from=- rcpts=0 bytes=123 out=0 "
	    "time=1.000 reason=\"no envelope\"\n" },
	{ { OUTCOME_TEMPFAIL, QQ_TEMP_REJECT, 1, "x@y", 3, 3, 100, 0, 32.5,
	    stages_every_status, 7, "stage f timed out", 0, 0, 0 },
	    "hi-q: verdict=tempfail code=71 from=<x@y> rcpts=3 bytes=100 "
	    "out=0 time=32.500 stage=a:running:green:0.000 "
	    "stage=b:exit3:yellow:1.500 stage=c:signal9:tempfail:2.250 "
	    "stage=d:skipped:green:0.000 stage=e:noexec:tempfail:0.001 "
	    "stage=f:timeout:tempfail:30.000 "
	    "stage=g:aborted:discard:0.125 "
	    "reason=\"stage f timed out\"\n" },
	/* Every byte that could end the field, or confuse a reader. */
	{ { OUTCOME_YELLOW, QQ_OK, 1,
	    "a b<c>\"d\\e\x01\x7f\xe9" "f\t\n", 16, 1, 5, 5, 0.0,
	    NULL, 0, NULL, 0, 0, 0 },
	    "hi-q: verdict=yellow code=0 "
	    "from=<a\\x20b\\x3cc\\x3e\\x22d\\x5ce\\x01\\x7f\\xe9f\\x09\\x0a> "
	    "rcpts=1 bytes=5 out=5 time=0.000\n" },
	/* In the quoted reason spaces and <> stay; quotes and \ do not. */
	{ { OUTCOME_RED, QQ_PERM_REJECT, 1, "a@b", 3, 1, 1, 0, 0.25,
	    NULL, 0, "say \"hi\" \\ <x> caf\xc3\xa9\n", 0, 0, 0 },
	    "hi-q: verdict=red code=31 from=<a@b> rcpts=1 bytes=1 out=0 "
	    "time=0.250 reason=\"say \\x22hi\\x22 \\x5c <x> "
	    "caf\\xc3\\xa9\\x0a\"\n" },
	/* Only sender_len bytes of the sender; the biggest counts. */
	{ { OUTCOME_DISCARD, QQ_OK, 1, "a@b.cXYZ", 5, 2,
	    18446744073709551615ULL, 0, 0.0, NULL, 0, "", 0, 0, 0 },
	    "hi-q: verdict=discard code=0 from=<a@b.c> rcpts=2 "
	    "bytes=18446744073709551615 out=0 time=0.000 reason=\"\"\n" },
};

START_TEST(test_format_report)
{
	const struct report_case *t = &report_cases[_i];
	char *got;
	int same;

	got = logfmt_format(&t->r);
	ck_assert_ptr_nonnull(got);
	same = strcmp(got, t->want) == 0;
	ck_assert_msg(same, "case %d: got \"%s\", want \"%s\"", _i, got,
	    t->want);
	free(got);
}
END_TEST

START_TEST(test_logfmt_write)
{
	struct check_capture cap;
	char *got;
	int same;

	check_capture_start(&cap);
	logfmt_write(&report_cases[0].r);
	got = check_capture_end(&cap);
	same = strcmp(got, report_cases[0].want) == 0;
	ck_assert_msg(same, "got \"%s\", want \"%s\"", got,
	    report_cases[0].want);
	free(got);
}

/* The line starts with the program's name, as msg_setup() gave it. */
START_TEST(test_logfmt_prog)
{
	static const struct report r = {
		OUTCOME_GREEN, QQ_OK, 0, NULL, 0, 0, 0, 0, 0.0, NULL, 0, NULL,
		0, 0, 0
	};
	char *line;
	int same;

	msg_setup("qq-sink", QQ_OOM);
	line = logfmt_format(&r);
	msg_setup("hi-q", QQ_OOM);
	same = strcmp(line, "qq-sink: verdict=green code=0 from=- "
	    "rcpts=0 bytes=0 out=0 time=0.000\n") == 0;
	ck_assert_msg(same, "got \"%s\", want \"qq-sink: verdict=green "
	    "code=0 from=- rcpts=0 bytes=0 out=0 time=0.000\\n\"", line);
	free(line);
}
END_TEST

struct status_case {
	enum stage_status	 status;
	int			 value;
	const char		*word;
};

static const struct status_case status_cases[] = {
	{ STATUS_RUNNING, 0, "running" },
	{ STATUS_EXITED, 0, "exit0" },
	{ STATUS_EXITED, 255, "exit255" },
	{ STATUS_SIGNALED, 9, "signal9" },
	{ STATUS_SIGNALED, 127, "signal127" },
	{ STATUS_SKIPPED, 0, "skipped" },
	{ STATUS_NOEXEC, 0, "noexec" },
	{ STATUS_TIMEOUT, 0, "timeout" },
	{ STATUS_ABORTED, 0, "aborted" },
	{ STATUS_UNREACHED, 0, "unreached" },
	{ STATUS_ACCEPT, 0, "accept" },
	{ STATUS_REJECT, 0, "reject" },
	{ STATUS_TEMPFAIL, 0, "tempfail" },
	{ STATUS_DISCARD, 0, "discard" },
	{ STATUS_QUARANTINE, 0, "quarantine" },
	{ STATUS_FAILURE, 0, "failure" },
};

START_TEST(test_status_round_trip)
{
	const struct status_case *t = &status_cases[_i];
	char buf[LOGFMT_STATUS_MAX];
	enum stage_status st = STATUS_ABORTED;
	int value = -1;

	ck_assert_str_eq(logfmt_status(buf, t->status, t->value), t->word);
	ck_assert_int_eq(logfmt_status_parse(t->word, &st, &value), 0);
	ck_assert_msg(st == t->status && value == t->value, "\"%s\": got "
	    "%d/%d, want %d/%d", t->word, (int)st, value, (int)t->status,
	    t->value);
}
END_TEST

static const char *const bad_statuses[] = {
	"", "exit", "exit256", "exit-1", "exit+1", "exit1x", "signal",
	"signal128", "skippedx", "skip", "Exit1", "running ", "exit 1",
	"accepted", "Reject", "fail", "quarantine1",
};

START_TEST(test_status_rejects)
{
	enum stage_status st = STATUS_TIMEOUT;
	int value = 7, rc;

	rc = logfmt_status_parse(bad_statuses[_i], &st, &value);
	ck_assert_msg(rc == -1, "\"%s\": got %d, want -1", bad_statuses[_i],
	    rc);
	ck_assert_msg(st == STATUS_TIMEOUT, "\"%s\": the status was "
	    "touched", bad_statuses[_i]);
}
END_TEST

struct field_case {
	const char		*word;
	enum logfmt_field	 want;
	size_t			 at;
};

static const struct field_case field_cases[] = {
	{ "verdict=red", LOGFMT_VERDICT, 8 },
	{ "code=31", LOGFMT_CODE, 5 },
	{ "from=<a@b>", LOGFMT_FROM, 5 },
	{ "rcpts=2", LOGFMT_RCPTS, 6 },
	{ "bytes=-", LOGFMT_BYTES, 6 },
	{ "out=0", LOGFMT_OUT, 4 },
	{ "time=0.500", LOGFMT_TIME, 5 },
	{ "qp=7052", LOGFMT_QP, 3 },
	{ "qq=7054", LOGFMT_QQ, 3 },
	{ "qp=", LOGFMT_QP, 3 },
	{ "qpx=1", LOGFMT_OTHER, 4 },
	{ "q=1", LOGFMT_OTHER, 2 },
	{ "qp", LOGFMT_NONE, 0 },
	{ "stage=a:exit0:green:0.001", LOGFMT_STAGE, 6 },
	{ "reason=\"x\"", LOGFMT_REASON, 7 },
	{ "queue=abc", LOGFMT_OTHER, 6 },
	{ "code", LOGFMT_NONE, 0 },
	{ "=", LOGFMT_OTHER, 1 },
};

START_TEST(test_field_table)
{
	const struct field_case *t = &field_cases[_i];
	enum logfmt_field f;
	size_t at = 0;

	f = logfmt_field(t->word, strlen(t->word), &at);
	ck_assert_msg(f == t->want, "\"%s\": got field %d, want %d",
	    t->word, (int)f, (int)t->want);
	if (f != LOGFMT_NONE)
		ck_assert_msg(at == t->at, "\"%s\": value at %zu, want %zu",
		    t->word, at, t->at);
	if (f < LOGFMT_OTHER)
		ck_assert_int_eq(strncmp(t->word, logfmt_key(f), at), 0);
}
END_TEST

/* The parts of a stage's field after its SECONDS, in a NUL-ended word. */
static const struct {
	const char		*word;
	enum logfmt_part	 want;
	size_t			 at;
} part_cases[] = {
	{ "score=5.5/5.0", LOGFMT_SCORE, 6 },
	{ "red=7.0", LOGFMT_RED, 4 },
	{ "red=", LOGFMT_RED, 4 },
	{ "re", LOGFMT_PART_OTHER, 0 },
	{ "reds=1", LOGFMT_PART_OTHER, 0 },
	{ "later=x", LOGFMT_PART_OTHER, 0 },
	{ "", LOGFMT_PART_OTHER, 0 },
};

START_TEST(test_part_table)
{
	enum logfmt_part p;
	size_t at = 0;

	p = logfmt_part(part_cases[_i].word, &at);
	ck_assert_msg(p == part_cases[_i].want, "\"%s\": got part %d, want "
	    "%d", part_cases[_i].word, (int)p, (int)part_cases[_i].want);
	if (p == LOGFMT_PART_OTHER)
		return;
	ck_assert_uint_eq(at, part_cases[_i].at);
	ck_assert_int_eq(strncmp(part_cases[_i].word, logfmt_part_key(p),
	    at), 0);
}
END_TEST

Suite *
suite_logfmt(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("logfmt");
	tc = tcase_create("report");
	tcase_add_loop_test(tc, test_format_report, 0,
	    (int)(sizeof(report_cases) / sizeof(report_cases[0])));
	tcase_add_test(tc, test_logfmt_write);
	tcase_add_test(tc, test_logfmt_prog);
	suite_add_tcase(s, tc);
	tc = tcase_create("words");
	tcase_add_loop_test(tc, test_status_round_trip, 0,
	    (int)(sizeof(status_cases) / sizeof(status_cases[0])));
	tcase_add_loop_test(tc, test_status_rejects, 0,
	    (int)(sizeof(bad_statuses) / sizeof(bad_statuses[0])));
	tcase_add_loop_test(tc, test_field_table, 0,
	    (int)(sizeof(field_cases) / sizeof(field_cases[0])));
	tcase_add_loop_test(tc, test_part_table, 0,
	    (int)(sizeof(part_cases) / sizeof(part_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
