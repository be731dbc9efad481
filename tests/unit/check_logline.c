/*
 * check_logline.c - unit tests for logline.c
 *
 * DESCRIPTION
 *	Hand-written log lines in every form hi-q's line is kept in (bare,
 *	multilog @tai64n, syslog, journalctl short and short-iso, a logger's
 *	own prefix), each malformed and truncated case, and the odd scores
 *	(nan, inf, -0.0, what "%.1f" makes of 1e20), against the record,
 *	kind and day written by hand.  Numbers outside the one grammar of
 *	number.h ("0x10", "1e308", "+5", "Infinity") in time=, a stage's
 *	time and a score make the line malformed, with the reason.  The
 *	pids (qp=, qq=) and a stage's red line (:red=) are read where they
 *	are and 0 where a line from before them has none.  One case formats
 *	a line with logfmt_format() and reads it back, so writer and reader
 *	cannot drift apart.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "check_suites.h"
#include "logfmt.h"
#include "logline.h"

#define L_GREEN	"hi-q: verdict=green code=0 from=<a@example.org> rcpts=1 " \
		"bytes=21 out=21 time=0.003 stage=cat:exit0:green:0.001"
#define SPAMC	"stage=spamc:exit1:yellow:0.042:score="

static char	*parse_as(struct logline_parser *, struct logline_rec *,
		    const char *, enum logline_kind, const char *, int);

struct line_case {
	const char		*tz;
	const char		*line;
	enum logline_kind	 kind;
	enum logline_form	 form;
	const char		*day;
	enum outcome		 verdict;
	int			 code;
	long long		 ms;
	size_t			 nstages;
	/* the last stage */
	enum stage_status	 status;
	int			 value;
	enum outcome		 outcome;
	long long		 stage_ms;
	enum logline_score	 score;
	long long		 score10;
	long long		 required10;
	int			 negzero;
};

#define MSG	LOGLINE_MESSAGE
#define G	OUTCOME_GREEN
#define Y	OUTCOME_YELLOW
#define R	OUTCOME_RED
#define T	OUTCOME_TEMPFAIL
#define EX	STATUS_EXITED
#define OK	LOGLINE_SCORE_OK
#define NONE	LOGLINE_SCORE_NONE

static const struct line_case cases[] = {
	/* 0: bare, the man page's first example */
	{ "UTC0", L_GREEN, MSG, LOGLINE_BARE, "", G, 0, 3, 1,
	  EX, 0, G, 1, NONE, 0, 0, 0 },
	/* 1: multilog, the last second of a day in UTC */
	{ "UTC0", "@400000006b0f5f8900000000 " L_GREEN, MSG,
	  LOGLINE_MULTILOG, "2026-12-01", G, 0, 3, 1,
	  EX, 0, G, 1, NONE, 0, 0, 0 },
	/* 2: the next second is the next day */
	{ "UTC0", "@400000006b0f5f8a3b9ac9ff " L_GREEN, MSG,
	  LOGLINE_MULTILOG, "2026-12-02", G, 0, 3, 1,
	  EX, 0, G, 1, NONE, 0, 0, 0 },
	/* 3: the same second in Kathmandu, 5:45 ahead */
	{ "NPT-5:45", "@400000006b0f5f8900000000 " L_GREEN, MSG,
	  LOGLINE_MULTILOG, "2026-12-02", G, 0, 3, 1,
	  EX, 0, G, 1, NONE, 0, 0, 0 },
	/* 4: syslog, the form "log syslog" gives, with a padded day */
	{ "UTC0", "Dec  1 23:45:00 mx hi-q[4711]: verdict=yellow code=0 "
	  "from=<> rcpts=1 bytes=1 out=1 time=0.100 " SPAMC "6.9/5.0",
	  MSG, LOGLINE_SYSLOG, "Dec 01", Y, 0, 100, 1,
	  EX, 1, Y, 42, OK, 69, 50, 0 },
	/* 5: journalctl short, qmail-smtpd's stderr in the journal */
	{ "UTC0", "Dec 11 23:45:00 mx qmail-smtpd[99]: hi-q: verdict=red "
	  "code=82 from=<a@b> rcpts=2 bytes=5 out=5 time=0.050 "
	  "stage=spamc:exit1:red:0.047:score=1000.0/5.0 "
	  "reason=\"message looks like spam (#5.7.1)\"",
	  MSG, LOGLINE_SYSLOG, "Dec 11", R, 82, 50, 1,
	  EX, 1, R, 47, OK, 10000, 50, 0 },
	/* 6: journalctl -o short-iso */
	{ "UTC0", "2026-12-01T23:45:00+0000 mx hi-q[1]: verdict=green "
	  "code=0 from=<> rcpts=1 bytes=1 out=1 time=0.100 "
	  "stage=spamc:exit0:green:0.040:score=-0.3/5.0",
	  MSG, LOGLINE_ISO, "2026-12-01", G, 0, 100, 1,
	  EX, 0, G, 40, OK, -3, 50, 0 },
	/* 7: qpsmtpd's log: a prefix of its own, no day */
	{ "UTC0", "4242 (queue) queue-hi-q: hi-q: verdict=tempfail code=71 "
	  "from=<a@b> rcpts=1 bytes=272 out=0 time=2.013 "
	  "stage=spamc:exit69:tempfail:2.011 reason=\"stage spamc exited 69\"",
	  MSG, LOGLINE_OTHER, "", T, 71, 2013, 1,
	  EX, 69, T, 2011, NONE, 0, 0, 0 },
	/* 8: two stages, unknown fields and parts skipped */
	{ "UTC0", "hi-q: verdict=red code=31 from=<a\\x20b@c> rcpts=1 "
	  "bytes=- out=- time=0.004 new=1 stage=spam:exit1:red:0.001 "
	  "stage=virus:signal9:tempfail:1.5:later=x:score=7.5/5.0:more",
	  MSG, LOGLINE_BARE, "", R, 31, 4, 2,
	  STATUS_SIGNALED, 9, T, 1500, OK, 75, 50, 0 },
	/* 9-12: the odd scores */
	{ "UTC0", "hi-q: verdict=green code=0 from=- rcpts=0 bytes=1 out=1 "
	  "time=0.1 " SPAMC "-0.0/5.0", MSG, LOGLINE_BARE, "", G, 0, 100, 1,
	  EX, 1, Y, 42, OK, 0, 50, 1 },
	{ "UTC0", "hi-q: verdict=green code=0 from=- rcpts=0 bytes=1 out=1 "
	  "time=0.1 " SPAMC "nan/5.0", MSG, LOGLINE_BARE, "", G, 0, 100, 1,
	  EX, 1, Y, 42, LOGLINE_SCORE_NAN, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 from=- rcpts=0 bytes=1 out=1 "
	  "time=0.1 " SPAMC "inf/5.0", MSG, LOGLINE_BARE, "", G, 0, 100, 1,
	  EX, 1, Y, 42, LOGLINE_SCORE_HIGH, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 from=- rcpts=0 bytes=1 out=1 "
	  "time=0.1 " SPAMC "-inf/5.0", MSG, LOGLINE_BARE, "", G, 0, 100, 1,
	  EX, 1, Y, 42, LOGLINE_SCORE_LOW, 0, 0, 0 },
	/* 13: a required score of inf gives no threshold: unusable */
	{ "UTC0", "hi-q: verdict=green code=0 from=- rcpts=0 bytes=1 out=1 "
	  "time=0.1 " SPAMC "6.0/inf", MSG, LOGLINE_BARE, "", G, 0, 100, 1,
	  EX, 1, Y, 42, LOGLINE_SCORE_NAN, 60, 0, 0 },
	/* 14: what "%.1f" makes of 1e20 */
	{ "UTC0", "hi-q: verdict=red code=31 from=- rcpts=0 bytes=1 out=1 "
	  "time=0.1 " SPAMC "100000000000000000000.0/5.0", MSG, LOGLINE_BARE,
	  "", R, 31, 100, 1, EX, 1, Y, 42, LOGLINE_SCORE_HIGH, 0, 0, 0 },
	/* 15-17: other lines */
	{ "UTC0", "hi-q: warning: caller sent nothing for 300s",
	  LOGLINE_DIAG, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "UTC0", "@400000006b0f5f8900000000 tcpserver: status: 1/20",
	  LOGLINE_FOREIGN, 0, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "UTC0", "not-hi-q: verdict=green code=0", LOGLINE_FOREIGN, 0, "",
	  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	/* 18-23: malformed */
	{ "UTC0", "hi-q: verdict=blue code=0 from=- time=0.1",
	  LOGLINE_MALFORMED, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 0 },
	{ "UTC0", "hi-q: verdict=green code=x from=- time=0.1",
	  LOGLINE_MALFORMED, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 time=0.1 stage=a:exit0:green "
	  "rcpts=1", LOGLINE_MALFORMED, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0,
	  0, 0, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 time=0.1 stage=a:exit256:green:0 "
	  "rcpts=1", LOGLINE_MALFORMED, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0,
	  0, 0, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 time=0.1 "
	  "stage=a:exit0:green:0.1:score=x/5.0 rcpts=1", LOGLINE_MALFORMED,
	  LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 time=-1 rcpts=1",
	  LOGLINE_MALFORMED, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 0 },
	/* 24-28: truncated */
	{ "UTC0", "hi-q: verdict=green code=0 from=<a@exa",
	  LOGLINE_TRUNCATED, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 from=<> rcpts=1 bytes=1 out=1 "
	  "time=0.1 stage=spamc:exit0:gr", LOGLINE_TRUNCATED, LOGLINE_BARE,
	  "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=red code=31 from=<> rcpts=1 bytes=1 out=1 "
	  "time=0.1 stage=s:exit1:red:0.1 reason=\"spam (#5.7",
	  LOGLINE_TRUNCATED, LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 0 },
	{ "UTC0", "hi-q: verd", LOGLINE_TRUNCATED, LOGLINE_BARE, "", 0, 0, 0,
	  0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 from=<> rcpts=1 bytes=1 out=1 "
	  "time=0.1 stage=spamc:exit0:green:0.1:score=6.", LOGLINE_TRUNCATED,
	  LOGLINE_BARE, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	/* 29-30: the words printf(3) writes, and longer plain decimals */
	{ "UTC0", "hi-q: verdict=green code=0 from=- rcpts=0 bytes=1 out=1 "
	  "time=0.1 " SPAMC "-nan/5.0", MSG, LOGLINE_BARE, "", G, 0, 100, 1,
	  EX, 1, Y, 42, LOGLINE_SCORE_NAN, 0, 0, 0 },
	{ "UTC0", "hi-q: verdict=green code=0 from=- rcpts=0 bytes=1 out=1 "
	  "time=12.3456 " SPAMC "-1.25/5.00", MSG, LOGLINE_BARE, "", G, 0,
	  12346, 1, EX, 1, Y, 42, OK, -13, 50, 0 },
};

START_TEST(test_line_table)
{
	const struct line_case *c = &cases[_i];
	const struct logline_stage *st;
	struct logline_parser p;
	struct logline_rec rec;
	enum logline_kind kind;
	char *line;

	ck_assert_int_eq(setenv("TZ", c->tz, 1), 0);
	tzset();
	line = strdup(c->line);
	ck_assert_ptr_nonnull(line);
	logline_init(&p);
	kind = logline_parse(&p, line, strlen(line), &rec);
	ck_assert_msg(kind == c->kind, "case %d: got kind %d (%s), want %d",
	    _i, kind, rec.why ? rec.why : "-", c->kind);
	if (kind == LOGLINE_MALFORMED || kind == LOGLINE_TRUNCATED)
		ck_assert_msg(rec.why != NULL && *rec.why != '\0',
		    "case %d: no reason", _i);
	if (kind == LOGLINE_FOREIGN)
		goto out;
	ck_assert_msg(rec.form == c->form, "case %d: got form %d, want %d",
	    _i, rec.form, c->form);
	if (kind != LOGLINE_MESSAGE)
		goto out;
	ck_assert_str_eq(rec.day, c->day);
	ck_assert_int_eq(rec.verdict, c->verdict);
	ck_assert_int_eq(rec.code, c->code);
	ck_assert_int_eq(rec.ms, c->ms);
	ck_assert_uint_eq(rec.nstages, c->nstages);
	st = &rec.stages[rec.nstages - 1];
	ck_assert_int_eq(st->status, c->status);
	ck_assert_int_eq(st->value, c->value);
	ck_assert_int_eq(st->outcome, c->outcome);
	ck_assert_int_eq(st->ms, c->stage_ms);
	ck_assert_msg(st->score == c->score, "case %d: got score kind %d, "
	    "want %d", _i, st->score, c->score);
	if (c->score == OK) {
		ck_assert_int_eq(st->score10, c->score10);
		ck_assert_int_eq(st->required10, c->required10);
	}
	ck_assert_int_eq(st->negzero, c->negzero);
out:
	logline_free(&p);
	free(line);
}
END_TEST

/*
 * The pids (qp=, qq=) and the red line (a stage's :red=): read where they
 * are, 0 where they are not (a line from before them still reads), and a
 * bad one makes the line malformed, or truncated where it ends it.
 */
struct field_case {
	const char		*line;
	enum logline_kind	 kind;
	const char		*why;
	long long		 qp, qq;
	int			 have_red;
	long long		 red10;
};

#define F_HEAD	"hi-q: verdict=yellow code=0 from=<> rcpts=1 bytes=1 out=1 " \
		"time=0.1"

static const struct field_case field_cases[] = {
	/* 0: queued: both pids, the red line after the score */
	{ F_HEAD " qp=7052 qq=7054 " SPAMC "6.9/5.0:red=7.0", MSG, NULL,
	  7052, 7054, 1, 70 },
	/* 1: a line from before them: none of the three */
	{ F_HEAD " " SPAMC "6.9/5.0", MSG, NULL, 0, 0, 0, 0 },
	/* 2: rejected: qmail-queue never started; in any order */
	{ F_HEAD " " SPAMC "6.9/5.0:red=-1.5 qp=1", MSG, NULL, 1, 0, 1,
	  -15 },
	{ F_HEAD " qq=2147483647 stage=s:exit1:red:0.1:red=7.3:score=8.0/5.0",
	  MSG, NULL, 0, 2147483647, 1, 73 },
	/* 4: a red line that is no number of tenths is none */
	{ F_HEAD " " SPAMC "6.9/5.0:red=inf", MSG, NULL, 0, 0, 0, 0 },
	{ F_HEAD " " SPAMC "6.9/5.0:red=nan", MSG, NULL, 0, 0, 0, 0 },
	/* 6-12: malformed */
	{ F_HEAD " qp=0 rcpts=1", LOGLINE_MALFORMED, "bad pid", 0, 0, 0, 0 },
	{ F_HEAD " qp=-1 rcpts=1", LOGLINE_MALFORMED, "bad pid", 0, 0, 0, 0 },
	{ F_HEAD " qq=2147483648 rcpts=1", LOGLINE_MALFORMED, "bad pid", 0, 0,
	  0, 0 },
	{ F_HEAD " qq=0x10 rcpts=1", LOGLINE_MALFORMED, "bad pid", 0, 0, 0,
	  0 },
	{ F_HEAD " qp= rcpts=1", LOGLINE_MALFORMED, "bad pid", 0, 0, 0, 0 },
	{ F_HEAD " " SPAMC "6.9/5.0:red=x rcpts=1", LOGLINE_MALFORMED,
	  "bad red line", 0, 0, 0, 0 },
	{ F_HEAD " " SPAMC "6.9/5.0:red=7.0/5.0 rcpts=1", LOGLINE_MALFORMED,
	  "bad red line", 0, 0, 0, 0 },
	/* 13: cut inside the last pid */
	{ F_HEAD " qp=", LOGLINE_TRUNCATED, "line ends inside a field", 0, 0,
	  0, 0 },
};

/*
 * parse_as - a copy of text read by p into rec, of kind want and, if why
 * is not NULL, for that reason (case i); the copy, which rec points into,
 * is the caller's to free
 */
static char *
parse_as(struct logline_parser *p, struct logline_rec *rec, const char *text,
    enum logline_kind want, const char *why, int i)
{
	enum logline_kind kind;
	char *line;

	line = strdup(text);
	ck_assert_ptr_nonnull(line);
	logline_init(p);
	kind = logline_parse(p, line, strlen(line), rec);
	ck_assert_msg(kind == want, "case %d: got kind %d (%s), want %d", i,
	    kind, rec->why ? rec->why : "-", want);
	if (why != NULL)
		ck_assert_msg(rec->why != NULL && strcmp(rec->why, why) == 0,
		    "case %d: got reason \"%s\", want \"%s\"", i,
		    rec->why != NULL ? rec->why : "(none)", why);
	return line;
}

START_TEST(test_fields)
{
	const struct field_case *c = &field_cases[_i];
	const struct logline_stage *st;
	struct logline_parser p;
	struct logline_rec rec;
	char *line;

	line = parse_as(&p, &rec, c->line, c->kind, c->why, _i);
	if (c->kind == LOGLINE_MESSAGE) {
		ck_assert_int_eq(rec.qp, c->qp);
		ck_assert_int_eq(rec.qq, c->qq);
		st = &rec.stages[rec.nstages - 1];
		ck_assert_int_eq(st->have_red, c->have_red);
		if (c->have_red)
			ck_assert_int_eq(st->red10, c->red10);
	}
	logline_free(&p);
	free(line);
}
END_TEST

/*
 * Numbers outside the one grammar (number.h): the line is malformed, with
 * the reason.  strtod(3) read "0x10" as 16 and "1e308" as a score.
 */
struct number_case {
	const char	*line;
	const char	*why;
};

#define NUM_HEAD	"hi-q: verdict=green code=0 from=- "

static const struct number_case number_cases[] = {
	{ NUM_HEAD "time=0x10 rcpts=1", "bad time" },
	{ NUM_HEAD "time=1e1 rcpts=1", "bad time" },
	{ NUM_HEAD "time=+1.0 rcpts=1", "bad time" },
	{ NUM_HEAD "time=0.1 stage=a:exit0:green:0x10 rcpts=1",
	    "bad stage time" },
	{ NUM_HEAD "time=0.1 " SPAMC "0x10/5.0", "bad score" },
	{ NUM_HEAD "time=0.1 " SPAMC "6.0/0x10", "bad score" },
	{ NUM_HEAD "time=0.1 " SPAMC "1e308/5.0", "bad score" },
	{ NUM_HEAD "time=0.1 " SPAMC "+6.0/5.0", "bad score" },
	{ NUM_HEAD "time=0.1 " SPAMC "Infinity/5.0", "bad score" },
	{ NUM_HEAD "time=0.1 " SPAMC "NAN/5.0", "bad score" },
	{ NUM_HEAD "time=0.1 " SPAMC "5nan/5.0", "bad score" },
	{ NUM_HEAD "time=0.1 " SPAMC "6.0/5.0:red=1e1", "bad red line" },
	{ NUM_HEAD "time=0.1 " SPAMC "6.0/5.0:red=+7.0", "bad red line" },
	{ NUM_HEAD "time=0.1 qp=1e3 rcpts=1", "bad pid" },
	{ NUM_HEAD "time=0.1 qq=+5 rcpts=1", "bad pid" },
};

START_TEST(test_numbers)
{
	const struct number_case *c = &number_cases[_i];
	struct logline_parser p;
	struct logline_rec rec;
	char *line;

	line = parse_as(&p, &rec, c->line, LOGLINE_MALFORMED, c->why, _i);
	logline_free(&p);
	free(line);
}
END_TEST

/* What logfmt.c writes, logline.c reads: every status, a score, a reason. */
START_TEST(test_round_trip)
{
	struct stage_report sr[7] = {
		{ "a", STATUS_EXITED, 1, OUTCOME_YELLOW, 0.042, 1, 6.9, 5.0,
		    7.3 },
		{ "b", STATUS_SIGNALED, 9, OUTCOME_TEMPFAIL, 1.0, 0, 0, 0, 0 },
		{ "c", STATUS_SKIPPED, 0, OUTCOME_GREEN, 0, 0, 0, 0, 0 },
		{ "d", STATUS_NOEXEC, 2, OUTCOME_TEMPFAIL, 0, 0, 0, 0, 0 },
		{ "e", STATUS_TIMEOUT, 0, OUTCOME_TEMPFAIL, 120, 0, 0, 0, 0 },
		{ "f", STATUS_ABORTED, 0, OUTCOME_TEMPFAIL, 0.5, 0, 0, 0, 0 },
		{ "g", STATUS_RUNNING, 0, OUTCOME_TEMPFAIL, 0, 1, -0.04, 5,
		    -1 },
	};
	static const enum stage_status want[7] = {
		STATUS_EXITED, STATUS_SIGNALED, STATUS_SKIPPED, STATUS_NOEXEC,
		STATUS_TIMEOUT, STATUS_ABORTED, STATUS_RUNNING
	};
	struct report r;
	struct logline_parser p;
	struct logline_rec rec;
	char *line;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.verdict = OUTCOME_TEMPFAIL;
	r.code = 71;
	r.have_envelope = 1;
	r.sender = "x y\"z@a";
	r.sender_len = strlen(r.sender);
	r.rcpts = 3;
	r.seconds = 121.5;
	r.stages = sr;
	r.nstages = 7;
	r.reason = "stage e timed out \"after\" 120s";
	r.qp = 7052;
	r.qq = 7054;
	line = logfmt_format(&r);
	line[strlen(line) - 1] = '\0';		/* the newline */
	logline_init(&p);
	ck_assert_int_eq(logline_parse(&p, line, strlen(line), &rec),
	    LOGLINE_MESSAGE);
	ck_assert_int_eq(rec.verdict, OUTCOME_TEMPFAIL);
	ck_assert_int_eq(rec.code, 71);
	ck_assert_int_eq(rec.ms, 121500);
	ck_assert_int_eq(rec.qp, 7052);
	ck_assert_int_eq(rec.qq, 7054);
	ck_assert_uint_eq(rec.nstages, 7);
	for (i = 0; i < 7; i++) {
		ck_assert_str_eq(rec.stages[i].name, sr[i].name);
		ck_assert_int_eq(rec.stages[i].status, want[i]);
		ck_assert_int_eq(rec.stages[i].outcome, sr[i].outcome);
	}
	ck_assert_int_eq(rec.stages[0].score10, 69);
	ck_assert_int_eq(rec.stages[0].have_red, 1);
	ck_assert_int_eq(rec.stages[0].red10, 73);
	ck_assert_int_eq(rec.stages[1].have_red, 0);
	ck_assert_int_eq(rec.stages[6].have_red, 1);
	ck_assert_int_eq(rec.stages[6].red10, -10);
	ck_assert_int_eq(rec.stages[4].ms, 120000);
	/* -0.04 prints as "-0.0": a negative zero */
	ck_assert_int_eq(rec.stages[6].score10, 0);
	ck_assert_int_eq(rec.stages[6].negzero, 1);
	logline_free(&p);
	free(line);
}
END_TEST

Suite *
suite_logline(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("logline");
	tc = tcase_create("lines");
	tcase_add_loop_test(tc, test_line_table, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_loop_test(tc, test_fields, 0,
	    (int)(sizeof(field_cases) / sizeof(field_cases[0])));
	tcase_add_test(tc, test_round_trip);
	tcase_add_loop_test(tc, test_numbers, 0,
	    (int)(sizeof(number_cases) / sizeof(number_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
