/*
 * check_zone.c - unit tests for zone.c, the outcome from a score header
 *
 * DESCRIPTION
 *	zone_tap_feed() and zone_judge(): a table of stage outputs to the
 *	outcome, the reason and the score read.  Every case is fed whole, a
 *	byte at a time, and split in two at every offset, and must give the
 *	same answer each way, so an empty line ("\n\n", "\r\n\r\n", a leading
 *	"\n" or "\r\n") is found wherever the reads cut it.  The table covers
 *	the header block ending at the first empty line (a header after it
 *	does not count), folded headers, names matched without regard to
 *	case but never as a prefix, the zones for "margin 2" and "red 10"
 *	around their edges, negative scores, sums such as 3.1 + 0.2 that are
 *	not exact in binary, a missing header (the configured outcome), two
 *	headers, no score= or required=, an empty header block, nothing fed
 *	at all, and a message that is only headers.
 *
 *	The limit: a block that ends within ZONE_HEAD_MAX bytes is judged,
 *	one that does not is TEMPFAIL, whole or in pieces, and so is a
 *	headers-only output of exactly ZONE_HEAD_MAX bytes.  The tap keeps
 *	the block only, and nothing fed after its end.
 *
 *	zone_parse_status(): a table of values to scores or failure, among
 *	them "score=" inside another word, which must not count.
 *
 *	zone_red_from(): the red line the log gives, the lowest score of one
 *	decimal that is red, for margins and "red" values in tenths and
 *	between them, sums not exact in binary, and never -0.0.
 *
 *	The stage's input (zone_tap_set_input()): a field already there,
 *	byte for byte, does not count, whoever wrote it; one the stage added
 *	beside it, or in its place, does.  Each table case, 600 generated
 *	pairs of blocks (fields copied, dropped, added, folded, in another
 *	case, with CRLF, an input cut short, both fed in random pieces) and
 *	two floods of thousands of fields are also held to the naive rule
 *	of zone_ref.c, every output field against every input field: the
 *	same reason and score.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "check_suites.h"
#include "outcome.h"
#include "zone.h"
#include "zone_ref.h"

#define HDR	"X-Spam-Status"

static char	hdr_name[] = HDR;	/* zone_conf.header is not const */

/* A message around one status line. */
#define MSG(status) \
    "Return-Path: <a@example.org>\n" \
    "X-Spam-Status: " status "\n" \
    "Subject: test\n" \
    "\n" \
    "body\n"

#define NO_REASON	NULL

struct judge_case {
	const char	*msg;
	const char	*header;	/* zone_conf.header */
	int		 absolute;
	double		 margin;
	double		 red_at;
	enum outcome	 missing;
	enum outcome	 want;
	const char	*why;		/* NULL: no reason */
	int		 have_score;
	double		 score;
	double		 required;
};

struct judged {
	enum outcome	 outcome;
	char		*why;
	int		 have_score;
	double		 score;
	double		 required;
};

static void	judge_split(const struct judge_case *, size_t, size_t,
		    struct judged *);
static void	assert_judged(const struct judge_case *, int,
		    const struct judged *, const char *, size_t);
static char	*big_block(size_t, const char *);
static void	assert_as_ref(const struct zone_tap *,
		    const struct zone_tap *, const char *, const char *,
		    unsigned);
static unsigned	rnd(unsigned *, unsigned);
static void	feed_cut(struct zone_tap *, const char *, size_t,
		    unsigned *);
static void	gen_field(struct buf *, unsigned *);
static void	gen_pair(struct buf *, struct buf *, unsigned *);
static char	*flood(unsigned, int);

static const struct judge_case judge_cases[] = {
	/* 0-5: margin 2 over required 5.0. */
	{ MSG("No, score=-0.3 required=5.0 tests=ALL_TRUSTED"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, -0.3, 5.0 },
	{ MSG("No, score=4.9 required=5.0 tests=A"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, 4.9, 5.0 },
	{ MSG("Yes, score=5.0 required=5.0 tests=A"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 5.0, 5.0 },
	{ MSG("Yes, score=6.9 required=5.0 tests=A"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 6.9, 5.0 },
	{ MSG("Yes, score=7.0 required=5.0 tests=A"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 7.0, 5.0 },
	{ MSG("Yes, score=1000 required=5.0 tests=A"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 1000, 5.0 },
	/* 6-8: red 10, whatever required says about the margin. */
	{ MSG("Yes, score=9.9 required=5.0 tests=A"), HDR, 1, 0, 10,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 9.9, 5.0 },
	{ MSG("Yes, score=10.0 required=5.0 tests=A"), HDR, 1, 0, 10,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 10.0, 5.0 },
	{ MSG("No, score=4.9 required=5.0 tests=A"), HDR, 1, 0, 10,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, 4.9, 5.0 },
	/* 9-12: negative scores and a negative required. */
	{ MSG("No, score=-5.0 required=-2.0"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, -5.0, -2.0 },
	{ MSG("Yes, score=-1.0 required=-2.0"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, -1.0, -2.0 },
	{ MSG("Yes, score=0.0 required=-2.0"), HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 0.0, -2.0 },
	{ MSG("Yes, score=-0.5 required=-3.0"), HDR, 1, 0, -1,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, -0.5, -3.0 },
	/* 13-16: required + margin is not exact in binary; the edge holds. */
	{ MSG("Yes, score=3.3 required=3.1"), HDR, 0, 0.2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 3.3, 3.1 },
	{ MSG("Yes, score=3.2 required=3.1"), HDR, 0, 0.2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 3.2, 3.1 },
	{ MSG("Yes, score=7.3 required=6.2"), HDR, 0, 1.1, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 7.3, 6.2 },
	{ MSG("Yes, score=2.9 required=0.7"), HDR, 0, 2.2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 2.9, 0.7 },
	/* 17: margin 0: nothing is yellow. */
	{ MSG("Yes, score=5.0 required=5.0"), HDR, 0, 0, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 5.0, 5.0 },
	/* 18-21: folded, with a tab or a space, LF or CRLF. */
	{ "From: a\n"
	  "X-Spam-Status: Yes, score=5.5 required=5.0 tests=A,B,\n"
	  "\tC autolearn=no version=4.0.1\n"
	  "\n"
	  "body\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 5.5, 5.0 },
	{ "X-Spam-Status: Yes, score=8.0\n"
	  "\trequired=5.0 tests=A\n"
	  "Subject: x\n"
	  "\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 8.0, 5.0 },
	{ "X-Spam-Status: No,\n"
	  " score=1.0\n"
	  "  required=5.0\n"
	  "\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, 1.0, 5.0 },
	{ "From: a\r\n"
	  "X-Spam-Status: Yes, score=6.0\r\n"
	  "\trequired=5.0 tests=A\r\n"
	  "\r\n"
	  "body\r\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 6.0, 5.0 },
	/* 22-23: a folded line of another header is not a field. */
	{ "Subject: one\n"
	  "\tX-Spam-Status: Yes, score=9.0 required=5.0\n"
	  "\n", HDR, 0, 2, 0,
	    OUTCOME_YELLOW, OUTCOME_YELLOW, "no X-Spam-Status header",
	    0, 0, 0 },
	{ "Subject: one\n"
	  " more\n"
	  "X-Spam-Status: No, score=0.1 required=5.0\n"
	  "\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, 0.1, 5.0 },
	/* 24-26: the block ends at the first empty line, LF or CRLF. */
	{ "From: a\n"
	  "\n"
	  "X-Spam-Status: Yes, score=9.0 required=5.0\n"
	  "\n", HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_GREEN, "no X-Spam-Status header",
	    0, 0, 0 },
	{ "From: a\r\n"
	  "X-Spam-Status: No, score=1.0 required=5.0\r\n"
	  "\r\n"
	  "X-Spam-Status: Yes, score=99 required=5.0\r\n"
	  "\r\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, 1.0, 5.0 },
	{ MSG("No, score=1.0 required=5.0")
	  "X-Spam-Status: Yes, score=99 required=5.0\n"
	  "\n\n\r\n\x01\xff garbage\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_GREEN, NO_REASON, 1, 1.0, 5.0 },
	/* 27-29: names match without regard to case. */
	{ MSG("Yes, score=5.5 required=5.0"), "x-spam-status", 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 5.5, 5.0 },
	{ "X-SPAM-STATUS: Yes, score=7.5 required=5.0\n\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 7.5, 5.0 },
	{ "x-spam-status: Yes, SCORE=7.5 REQUIRED=5.0\n\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 7.5, 5.0 },
	/* 30-31: ... but never as a prefix, either way. */
	{ "X-Spam-Status-Old: Yes, score=9.0 required=5.0\n\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_TEMPFAIL, "no X-Spam-Status header",
	    0, 0, 0 },
	{ "X-Spam-Statu: Yes, score=9.0 required=5.0\n\n", HDR, 0, 2, 0,
	    OUTCOME_RED, OUTCOME_RED, "no X-Spam-Status header", 0, 0, 0 },
	/* 32-34: missing: whatever the configuration says, with a reason. */
	{ "From: a\nSubject: b\n\nbody\n", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_TEMPFAIL, "no X-Spam-Status header",
	    0, 0, 0 },
	{ "From: a\nSubject: b\n\nbody\n", HDR, 1, 0, 10,
	    OUTCOME_GREEN, OUTCOME_GREEN, "no X-Spam-Status header",
	    0, 0, 0 },
	{ "From: a\nSubject: b\n\nbody\n", "X-Other", 0, 2, 0,
	    OUTCOME_DISCARD, OUTCOME_DISCARD, "no X-Other header", 0, 0, 0 },
	/* 35-37: more than one header. */
	{ "X-Spam-Status: No, score=1.0 required=5.0\n"
	  "X-Spam-Status: No, score=1.0 required=5.0\n"
	  "\n", HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL, "2 X-Spam-Status headers",
	    0, 0, 0 },
	{ "X-Spam-Status: No, score=1.0 required=5.0\n"
	  "Subject: x\n"
	  "x-spam-status: Yes, score=9.0 required=5.0\n"
	  "\n", HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL, "2 X-Spam-Status headers",
	    0, 0, 0 },
	{ "X-Spam-Status: a\nX-Spam-Status: b\nX-Spam-Status: c\n\n",
	    HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL, "3 X-Spam-Status headers",
	    0, 0, 0 },
	/* 38-42: no usable score. */
	{ MSG("Yes, required=5.0 tests=A"), HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	{ MSG("Yes, score=5.5 tests=A"), HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	{ "X-Spam-Status:\n\n", HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	{ MSG("Yes, score=abc required=5.0"), HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	{ MSG("Yes, xscore=9.0 required=5.0"), HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	/* A score that only starts like a number is none, not a small one. */
	{ MSG("No, score=1e308 required=5.0"), HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	{ MSG("No, score=0x10 required=5.0"), HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	{ MSG("Yes, score=12,5 required=5.0"), HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no plain decimal score= and required= in X-Spam-Status", 0, 0, 0 },
	/* 43-44: only headers, no empty line: judged on what came. */
	{ "Subject: x\nX-Spam-Status: Yes, score=9.0 required=5.0\n",
	    HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_RED, NO_REASON, 1, 9.0, 5.0 },
	{ "X-Spam-Status: Yes, score=6.0 required=5.0", HDR, 0, 2, 0,
	    OUTCOME_TEMPFAIL, OUTCOME_YELLOW, NO_REASON, 1, 6.0, 5.0 },
	/* 45-46: an empty header block: the header is missing. */
	{ "\nX-Spam-Status: Yes, score=9.0 required=5.0\n\n", HDR, 0, 2, 0,
	    OUTCOME_YELLOW, OUTCOME_YELLOW, "no X-Spam-Status header",
	    0, 0, 0 },
	{ "\r\nX-Spam-Status: Yes, score=9.0 required=5.0\r\n\r\n",
	    HDR, 0, 2, 0,
	    OUTCOME_YELLOW, OUTCOME_YELLOW, "no X-Spam-Status header",
	    0, 0, 0 },
	/* 47-48: nothing at all, or a lone CR: no header block. */
	{ "", HDR, 0, 2, 0,
	    OUTCOME_GREEN, OUTCOME_TEMPFAIL,
	    "no message header block in the output", 0, 0, 0 },
	{ "\r", HDR, 0, 2, 0,
	    OUTCOME_YELLOW, OUTCOME_YELLOW, "no X-Spam-Status header",
	    0, 0, 0 },
};

/*
 * judge_split - feed t->msg as msg[0..cut) then the rest in pieces of at
 * most piece bytes (0: in one), and judge
 */
static void
judge_split(const struct judge_case *t, size_t cut, size_t piece,
    struct judged *out)
{
	struct zone_conf zc;
	struct zone_tap tap;
	size_t len = strlen(t->msg), off, n;

	memset(&zc, 0, sizeof(zc));
	zc.header = strdup(t->header);
	ck_assert_ptr_nonnull(zc.header);
	zc.absolute = t->absolute;
	zc.margin = t->margin;
	zc.red_at = t->red_at;
	zc.missing = t->missing;
	zone_tap_init(&tap, &zc);
	zone_tap_feed(&tap, t->msg, cut);
	for (off = cut; off < len; off += n) {
		n = len - off;
		if (piece > 0 && n > piece)
			n = piece;
		zone_tap_feed(&tap, t->msg + off, n);
	}
	out->outcome = zone_judge(&tap, &out->why);
	out->have_score = tap.have_score;
	out->score = tap.score;
	out->required = tap.required;
	zone_tap_free(&tap);
	free(zc.header);
}

static void
assert_judged(const struct judge_case *t, int i, const struct judged *j,
    const char *how, size_t at)
{
	ck_assert_msg(j->outcome == t->want,
	    "case %d, %s %zu: got %s, want %s", i, how, at,
	    outcome_name(j->outcome), outcome_name(t->want));
	if (t->why == NULL)
		ck_assert_msg(j->why == NULL,
		    "case %d, %s %zu: got reason \"%s\", want none", i, how,
		    at, j->why);
	else
		ck_assert_msg(j->why != NULL && strcmp(j->why, t->why) == 0,
		    "case %d, %s %zu: got reason \"%s\", want \"%s\"", i, how,
		    at, j->why, t->why);
	ck_assert_msg(j->have_score == t->have_score,
	    "case %d, %s %zu: got have_score %d, want %d", i, how, at,
	    j->have_score, t->have_score);
	if (t->have_score) {
		ck_assert_msg(j->score == t->score,
		    "case %d, %s %zu: got score %g, want %g", i, how, at,
		    j->score, t->score);
		ck_assert_msg(j->required == t->required,
		    "case %d, %s %zu: got required %g, want %g", i, how, at,
		    j->required, t->required);
	}
}

START_TEST(test_judge_whole)
{
	const struct judge_case *t = &judge_cases[_i];
	struct judged j;

	judge_split(t, strlen(t->msg), 0, &j);
	assert_judged(t, _i, &j, "whole", strlen(t->msg));
	free(j.why);
}
END_TEST

START_TEST(test_judge_bytewise)
{
	const struct judge_case *t = &judge_cases[_i];
	struct judged j;

	judge_split(t, 0, 1, &j);
	assert_judged(t, _i, &j, "piece size", (size_t)1);
	free(j.why);
}
END_TEST

/* Two reads, cut at every offset: an empty line may be cut anywhere. */
START_TEST(test_judge_two_reads)
{
	const struct judge_case *t = &judge_cases[_i];
	struct judged j;
	size_t cut;

	for (cut = 1; cut < strlen(t->msg); cut++) {
		judge_split(t, cut, 0, &j);
		assert_judged(t, _i, &j, "cut at", cut);
		free(j.why);
	}
}
END_TEST

/*
 * The limit
 */

/*
 * big_block - a status header, then one long header, len bytes in all
 * (each line ending in LF), then tail
 */
static char *
big_block(size_t len, const char *tail)
{
	static const char status[] =
	    "X-Spam-Status: Yes, score=9.0 required=5.0\n";
	static const char filler[] = "X-Filler: ";
	size_t tlen = strlen(tail), off;
	char *s;

	ck_assert_uint_gt(len, sizeof(status) + sizeof(filler));
	s = malloc(len + tlen + 1);
	ck_assert_ptr_nonnull(s);
	off = 0;
	memcpy(s, status, sizeof(status) - 1);
	off += sizeof(status) - 1;
	memcpy(s + off, filler, sizeof(filler) - 1);
	off += sizeof(filler) - 1;
	memset(s + off, 'a', len - 1 - off);
	s[len - 1] = '\n';
	memcpy(s + len, tail, tlen + 1);
	return s;
}

struct limit_case {
	size_t		 block;		/* bytes before the tail */
	const char	*tail;
	enum outcome	 want;
	int		 overflow;
};

static const struct limit_case limit_cases[] = {
	/* The empty line is the last byte kept: judged. */
	{ ZONE_HEAD_MAX - 1, "\nbody\n", OUTCOME_RED, 0 },
	{ ZONE_HEAD_MAX - 2, "\r\nbody\n", OUTCOME_RED, 0 },
	/* One byte later: no end within the limit. */
	{ ZONE_HEAD_MAX, "\nbody\n", OUTCOME_TEMPFAIL, 1 },
	{ ZONE_HEAD_MAX + 1000, "\nbody\n", OUTCOME_TEMPFAIL, 1 },
	/* Only headers: one byte short of the limit is judged ... */
	{ ZONE_HEAD_MAX - 1, "", OUTCOME_RED, 0 },
	/* ... the limit itself is not. */
	{ ZONE_HEAD_MAX, "", OUTCOME_TEMPFAIL, 1 },
};

/* Each limit case fed whole, in 4096-byte reads and in 1000-byte ones. */
START_TEST(test_limit)
{
	static const size_t pieces[] = { 0, 4096, 1000 };
	const struct limit_case *t = &limit_cases[_i];
	struct zone_conf zc;
	struct zone_tap tap;
	enum outcome o;
	size_t k, len, off, n;
	char *msg, *why;

	memset(&zc, 0, sizeof(zc));
	zc.header = hdr_name;
	zc.margin = 2;
	zc.missing = OUTCOME_GREEN;
	msg = big_block(t->block, t->tail);
	len = strlen(msg);
	for (k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
		zone_tap_init(&tap, &zc);
		for (off = 0; off < len; off += n) {
			n = len - off;
			if (pieces[k] > 0 && n > pieces[k])
				n = pieces[k];
			zone_tap_feed(&tap, msg + off, n);
		}
		ck_assert_msg(tap.overflow == t->overflow,
		    "case %d, pieces of %zu: got overflow %d, want %d", _i,
		    pieces[k], tap.overflow, t->overflow);
		ck_assert_msg(tap.head.len <= ZONE_HEAD_MAX,
		    "case %d, pieces of %zu: got %zu bytes kept, want at "
		    "most %u", _i, pieces[k], tap.head.len, ZONE_HEAD_MAX);
		o = zone_judge(&tap, &why);
		ck_assert_msg(o == t->want,
		    "case %d, pieces of %zu: got %s, want %s", _i, pieces[k],
		    outcome_name(o), outcome_name(t->want));
		if (t->overflow)
			ck_assert_msg(why != NULL && strcmp(why,
			    "no message header block in the output") == 0,
			    "case %d, pieces of %zu: got reason \"%s\", want "
			    "\"no message header block in the output\"", _i,
			    pieces[k], why);
		else
			ck_assert_msg(why == NULL,
			    "case %d, pieces of %zu: got reason \"%s\", want "
			    "none", _i, pieces[k], why);
		free(why);
		zone_tap_free(&tap);
	}
	free(msg);
}
END_TEST

/* The tap keeps the block up to its last LF, and nothing after it. */
START_TEST(test_tap_keeps_block)
{
	static const char msg[] = "A: 1\nB: 2\n\nX-Spam-Status: x\n\n";
	struct zone_conf zc;
	struct zone_tap tap;

	memset(&zc, 0, sizeof(zc));
	zc.header = hdr_name;
	zone_tap_init(&tap, &zc);
	zone_tap_feed(&tap, msg, 7);
	ck_assert_msg(tap.done == 0, "got done %d, want 0", tap.done);
	ck_assert_msg(tap.head.len == 7, "got %zu bytes kept, want 7",
	    tap.head.len);
	zone_tap_feed(&tap, msg + 7, sizeof(msg) - 1 - 7);
	ck_assert_msg(tap.done == 1, "got done %d, want 1", tap.done);
	ck_assert_msg(tap.head.len == 10, "got %zu bytes kept, want 10",
	    tap.head.len);
	ck_assert_mem_eq(tap.head.data, "A: 1\nB: 2\n", 10);
	zone_tap_feed(&tap, "more\n\n", 6);
	ck_assert_msg(tap.head.len == 10, "got %zu bytes kept after the "
	    "block, want 10", tap.head.len);
	ck_assert_msg(tap.overflow == 0, "got overflow %d, want 0",
	    tap.overflow);
	zone_tap_free(&tap);
}
END_TEST

/*
 * The stage's input: a table of input and output header blocks
 */
struct input_case {
	const char	*in;
	const char	*out;
	enum outcome	 want;		/* with "red 7 missing tempfail" */
};

#define FORGED	HDR ": No, score=-5.0 required=5.0\n"
#define OWN	HDR ": Yes, score=9.0 required=5.0 tests=X\n"

static const struct input_case input_cases[] = {
	/* Passed through unscanned: the sender's field is no score. */
	{ FORGED "Subject: x\n\nbody\n", FORGED "Subject: x\n\nbody\n",
	    OUTCOME_TEMPFAIL },
	/* The same folded the same way, and in another case. */
	{ HDR ": No, score=-5.0\n\trequired=5.0\n\n",
	    HDR ": No, score=-5.0\n\trequired=5.0\n\n", OUTCOME_TEMPFAIL },
	{ FORGED "\n", "x-spam-status: No, score=-5.0 required=5.0\n\n",
	    OUTCOME_TEMPFAIL },
	/* Two forged, both passed through: none added. */
	{ FORGED FORGED "\n", FORGED FORGED "\n", OUTCOME_TEMPFAIL },
	/* Replaced, as spamd does: the new one counts. */
	{ FORGED "Subject: x\n\n", OWN "Subject: x\n\n", OUTCOME_RED },
	/* Added beside the forged one: the new one counts. */
	{ FORGED "\n", OWN FORGED "\n", OUTCOME_RED },
	{ FORGED "\n", FORGED OWN "\n", OUTCOME_RED },
	/* A forged one in the body of the input is no field of it. */
	{ "Subject: x\n\n" FORGED, FORGED "Subject: x\n\n", OUTCOME_GREEN },
	/* No input at all, and added twice. */
	{ "", OWN "\n", OUTCOME_RED },
	{ "\n", OWN OWN "\n", OUTCOME_TEMPFAIL },
};

START_TEST(test_input)
{
	const struct input_case *t = &input_cases[_i];
	struct zone_conf zc;
	struct zone_tap in, out;
	enum outcome o;
	char *why;

	memset(&zc, 0, sizeof(zc));
	zc.header = hdr_name;
	zc.absolute = 1;
	zc.red_at = 7;
	zc.missing = OUTCOME_TEMPFAIL;
	zone_tap_init(&in, &zc);
	zone_tap_init(&out, &zc);
	zone_tap_set_input(&out, &in);
	zone_tap_feed(&in, t->in, strlen(t->in));
	zone_tap_feed(&out, t->out, strlen(t->out));
	o = zone_judge(&out, &why);
	ck_assert_msg(o == t->want, "case %d: got %s (%s), want %s", _i,
	    outcome_name(o), why != NULL ? why : "", outcome_name(t->want));
	assert_as_ref(&out, &in, why, "table case", (unsigned)_i);
	free(why);
	zone_tap_free(&in);
	zone_tap_free(&out);
}
END_TEST

/*
 * assert_as_ref - the reason and score zone_judge() gave (why, and what
 * it left in out) are those of the naive rule (zone_ref.c)
 */
static void
assert_as_ref(const struct zone_tap *out, const struct zone_tap *in,
    const char *why, const char *what, unsigned n)
{
	double score = 0, required = 0;
	int have;
	char *want;

	want = zone_ref_reason(out, in, hdr_name, &have, &score, &required);
	ck_assert_msg((why == NULL) == (want == NULL) && (why == NULL ||
	    strcmp(why, want) == 0), "%s %u: got reason \"%s\", want \"%s\"",
	    what, n, why != NULL ? why : "(none)",
	    want != NULL ? want : "(none)");
	ck_assert_msg(out->have_score == have, "%s %u: got have_score %d, "
	    "want %d", what, n, out->have_score, have);
	if (have)
		ck_assert_msg(out->score == score &&
		    out->required == required, "%s %u: got score %g/%g, "
		    "want %g/%g", what, n, out->score, out->required, score,
		    required);
	free(want);
}

/* rnd - the next number of a fixed sequence (an LCG), below n */
static unsigned
rnd(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245U + 12345U;
	return (*seed >> 8) % n;
}

/* feed_cut - s into t in pieces of 1 to 40 bytes, or whole */
static void
feed_cut(struct zone_tap *t, const char *s, size_t len, unsigned *seed)
{
	size_t off, n;

	for (off = 0; off < len; off += n) {
		n = rnd(seed, 4) == 0 ? len - off : 1 + rnd(seed, 40);
		if (n > len - off)
			n = len - off;
		zone_tap_feed(t, s + off, n);
	}
}

/*
 * gen_field - one field, from few enough words that an output often
 * holds one of its input's fields again, or nearly
 */
static void
gen_field(struct buf *b, unsigned *seed)
{
	static const char *const names[] = { HDR, "x-spam-status",
	    "X-SPAM-STATUS", HDR "-Old", "Subject", " " HDR };
	static const char *const values[] = { "", " a", " a\r", "a",
	    "\ta", " a ", " score=1.0 required=5.0",
	    " Yes, score=9.0 required=5.0", " No, score=-5.0 required=5.0",
	    " score=1.0", " score=1.0 required=5.0\r" };
	static const char *const folds[] = { "\n\trequired=5.0",
	    "\n a", "\n\ta", "\r\n a" };
	const char *s;

	s = names[rnd(seed, sizeof(names) / sizeof(names[0]))];
	ck_assert_int_eq(buf_append(b, s, strlen(s)), 0);
	ck_assert_int_eq(buf_append(b, ":", 1), 0);
	s = values[rnd(seed, sizeof(values) / sizeof(values[0]))];
	ck_assert_int_eq(buf_append(b, s, strlen(s)), 0);
	if (rnd(seed, 4) == 0) {
		s = folds[rnd(seed, sizeof(folds) / sizeof(folds[0]))];
		ck_assert_int_eq(buf_append(b, s, strlen(s)), 0);
	}
	s = rnd(seed, 3) == 0 ? "\r\n" : "\n";
	ck_assert_int_eq(buf_append(b, s, strlen(s)), 0);
}

/*
 * gen_pair - an input block and an output made from it: each of the
 * input's fields copied, dropped or replaced, and new ones added
 */
static void
gen_pair(struct buf *in, struct buf *out, unsigned *seed)
{
	struct buf f[8];
	size_t nf, i, k;

	nf = rnd(seed, 8);
	for (i = 0; i < nf; i++) {
		buf_init(&f[i], 4096);
		gen_field(&f[i], seed);
		ck_assert_int_eq(buf_append(in, f[i].data, f[i].len), 0);
	}
	for (k = rnd(seed, 10); k > 0; k--) {
		i = rnd(seed, 8);
		if (i < nf && rnd(seed, 3) != 0)
			ck_assert_int_eq(buf_append(out, f[i].data, f[i].len),
			    0);
		else
			gen_field(out, seed);
	}
	for (i = 0; i < nf; i++)
		buf_free(&f[i]);
	/* Mostly a whole block, sometimes one that never ends. */
	if (rnd(seed, 5) != 0)
		ck_assert_int_eq(buf_append(in, "\nbody\n", 6), 0);
	if (rnd(seed, 5) != 0)
		ck_assert_int_eq(buf_append(out, "\nbody\n", 6), 0);
}

/*
 * Generated pairs, fed in random pieces; a quarter of the inputs cut
 * short, as when the stage wrote before it had read its input's block.
 */
START_TEST(test_input_generated)
{
	struct zone_conf zc;
	struct zone_tap in, out;
	struct buf bin, bout;
	unsigned seed = 1, n;
	size_t inlen;
	char *why;

	memset(&zc, 0, sizeof(zc));
	zc.header = hdr_name;
	zc.margin = 2;
	zc.missing = OUTCOME_GREEN;
	for (n = 0; n < 600; n++) {
		buf_init(&bin, 65536);
		buf_init(&bout, 65536);
		gen_pair(&bin, &bout, &seed);
		inlen = bin.len;
		if (rnd(&seed, 4) == 0 && inlen > 0)
			inlen = rnd(&seed, (unsigned)inlen);
		zone_tap_init(&in, &zc);
		zone_tap_init(&out, &zc);
		zone_tap_set_input(&out, &in);
		feed_cut(&in, bin.data, inlen, &seed);
		feed_cut(&out, bout.data, bout.len, &seed);
		(void)zone_judge(&out, &why);
		assert_as_ref(&out, &in, why, "generated pair", n);
		free(why);
		zone_tap_free(&in);
		zone_tap_free(&out);
		buf_free(&bin);
		buf_free(&bout);
	}
}
END_TEST

/*
 * flood - nf distinct HDR fields, a Subject, the end of the block; with
 * rewrite, every third value is changed and every fifth field dropped,
 * and one field of the stage's own is added
 */
static char *
flood(unsigned nf, int rewrite)
{
	struct buf b;
	char line[64];
	unsigned i;
	int n;

	buf_init(&b, ZONE_HEAD_MAX);
	for (i = 0; i < nf; i++) {
		if (rewrite && i % 5 == 0)
			continue;
		n = snprintf(line, sizeof(line), "%s: No, score=%u.%u "
		    "required=5.0 id=%u%s\n", HDR, i % 7, i % 10, i,
		    rewrite && i % 3 == 0 ? "x" : "");
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(buf_append(&b, line, (size_t)n), 0);
	}
	if (rewrite) {
		n = snprintf(line, sizeof(line), "%s: Yes, score=9.0 "
		    "required=5.0\n", HDR);
		ck_assert_int_eq(buf_append(&b, line, (size_t)n), 0);
	}
	ck_assert_int_eq(buf_append(&b, "Subject: x\n\nbody\n", 17), 0);
	ck_assert_int_eq(buf_append(&b, "", 1), 0);
	return b.data;
}

struct flood_case {
	unsigned	 fields;
	int		 rewrite;
	const char	*why;
};

static const struct flood_case flood_cases[] = {
	/* Passed through unscanned: none of them counts. */
	{ 4000, 0, "no " HDR " header of its own, only its input's" },
	/* Rewritten: one in three is the stage's, and its own besides. */
	{ 4000, 1, "1068 " HDR " headers" },
};

/* A flood of fields, judged as the naive rule judges it. */
START_TEST(test_input_flood)
{
	const struct flood_case *t = &flood_cases[_i];
	struct zone_conf zc;
	struct zone_tap in, out;
	char *msg_in, *msg_out, *why;

	memset(&zc, 0, sizeof(zc));
	zc.header = hdr_name;
	zc.margin = 2;
	zc.missing = OUTCOME_GREEN;
	msg_in = flood(t->fields, 0);
	msg_out = flood(t->fields, t->rewrite);
	zone_tap_init(&in, &zc);
	zone_tap_init(&out, &zc);
	zone_tap_set_input(&out, &in);
	zone_tap_feed(&in, msg_in, strlen(msg_in));
	zone_tap_feed(&out, msg_out, strlen(msg_out));
	ck_assert_msg(in.done && out.done, "case %d: got done %d/%d, want 1/1",
	    _i, in.done, out.done);
	(void)zone_judge(&out, &why);
	ck_assert_msg(why != NULL && strcmp(why, t->why) == 0,
	    "case %d: got reason \"%s\", want \"%s\"", _i, why, t->why);
	assert_as_ref(&out, &in, why, "flood case", (unsigned)_i);
	free(why);
	zone_tap_free(&in);
	zone_tap_free(&out);
	free(msg_in);
	free(msg_out);
}
END_TEST

/*
 * zone_parse_status
 */
struct status_case {
	const char	*value;
	size_t		 len;		/* 0: strlen(value) */
	int		 rc;
	double		 score;
	double		 required;
};

#define DIGITS10	"1234567890"

static const struct status_case status_cases[] = {
	{ "Yes, score=5.5 required=5.0 tests=X", 0, 0, 5.5, 5.0 },
	{ "No, score=-0.0 required=5.0", 0, 0, -0.0, 5.0 },
	{ "No, score=-12.7 required=5.0 tests=A,B autolearn=ham", 0, 0,
	    -12.7, 5.0 },
	{ " score=3 required=-1", 0, 0, 3, -1 },
	/* A comma before the key is a word break too ... */
	{ "Yes,score=7.1 required=6.0", 0, 0, 7.1, 6.0 },
	/* ... but a number runs to white space: "7.1," is no number. */
	{ "Yes,score=7.1,required=6.0", 0, -1, 0, 0 },
	/* The keys in either order, and in upper case. */
	{ "required=2.0 score=1.0", 0, 0, 1.0, 2.0 },
	{ "SCORE=1.5 Required=2.5", 0, 0, 1.5, 2.5 },
	/* "score=" inside another word does not count ... */
	{ "xscore=1 required=2", 0, -1, 0, 0 },
	{ "No, score=1 notrequired=2", 0, -1, 0, 0 },
	/* ... and the real one after it does. */
	{ "xscore=1 score=3 required=2", 0, 0, 3, 2 },
	/* Values that are not decimal numbers. */
	{ "score=abc required=5.0", 0, -1, 0, 0 },
	{ "score= required=5.0", 0, -1, 0, 0 },
	{ "score=1.2.3 required=5.0", 0, -1, 0, 0 },
	{ "score=1-2 required=5.0", 0, -1, 0, 0 },
	{ "score=inf required=5.0", 0, -1, 0, 0 },
	{ "score=nan required=5.0", 0, -1, 0, 0 },
	{ "score=5.0 required=", 0, -1, 0, 0 },
	/* Only a plain decimal, never the number a prefix would give. */
	{ "score=1e308 required=5.0", 0, -1, 0, 0 },
	{ "score=1E3 required=5.0", 0, -1, 0, 0 },
	{ "score=9e9 required=5.0", 0, -1, 0, 0 },
	{ "score=0x10 required=5.0", 0, -1, 0, 0 },
	{ "score=12,5 required=5.0", 0, -1, 0, 0 },
	{ "score=9.0abc required=5.0", 0, -1, 0, 0 },
	{ "score=+3 required=5.0", 0, -1, 0, 0 },
	{ "score=.5 required=5.0", 0, -1, 0, 0 },
	{ "score=5.0 required=5.0x", 0, -1, 0, 0 },
	{ "score=5.0 required=1e1", 0, -1, 0, 0 },
	/* White space of any kind ends it, a CR from CRLF too. */
	{ "score=5.0\trequired=4.0\r", 0, 0, 5.0, 4.0 },
	/* One key missing. */
	{ "Yes, score=5.5 tests=X", 0, -1, 0, 0 },
	{ "Yes, required=5.0", 0, -1, 0, 0 },
	{ "", 0, -1, 0, 0 },
	/* Only len bytes are read. */
	{ "score=5.5 required=5.0", 19, -1, 0, 0 },
	{ "score=5.5 required=5.0", 20, 0, 5.5, 5.0 },
	{ "score=5.5 required=5.0", 22, 0, 5.5, 5.0 },
	/* Long numbers are numbers; a double holds them. */
	{ "score=" DIGITS10 DIGITS10 DIGITS10 "1 required=1", 0, 0,
	    1234567890123456789012345678901.0, 1 },
};

/* The red line in the log's tenths: { absolute, margin or red, required } */
static const struct {
	int		 absolute;
	double		 at;
	double		 required;
	const char	*want;
} red_cases[] = {
	{ 0, 2, 5.0, "7.0" },
	{ 0, 0.2, 3.1, "3.3" },		/* 3.1 + 0.2 > 3.3 in binary */
	{ 0, 0.25, 5.0, "5.3" },	/* 5.25: 5.2 is not red, 5.3 is */
	{ 0, 2, -1.0, "1.0" },
	{ 0, 0, 5.0, "5.0" },
	{ 1, 7, 5.0, "7.0" },
	{ 1, 7.25, 5.0, "7.3" },
	{ 1, 0.0000000000000000001, 5.0, "0.1" },
	{ 1, -0.05, 5.0, "0.0" },	/* not "-0.0" */
	{ 1, -0.15, 5.0, "-0.1" },
};

START_TEST(test_red_from)
{
	struct zone_conf zc;
	char got[64];

	memset(&zc, 0, sizeof(zc));
	zc.absolute = red_cases[_i].absolute;
	if (zc.absolute)
		zc.red_at = red_cases[_i].at;
	else
		zc.margin = red_cases[_i].at;
	(void)snprintf(got, sizeof(got), "%.1f",
	    zone_red_from(&zc, red_cases[_i].required));
	ck_assert_msg(strcmp(got, red_cases[_i].want) == 0, "case %d: got "
	    "%s, want %s", _i, got, red_cases[_i].want);
}
END_TEST

START_TEST(test_parse_status)
{
	const struct status_case *t = &status_cases[_i];
	double score = -99, required = -99;
	size_t len;
	int rc;

	len = t->len > 0 ? t->len : strlen(t->value);
	rc = zone_parse_status(t->value, len, &score, &required);
	ck_assert_msg(rc == t->rc, "case %d \"%.*s\": got rc %d, want %d", _i,
	    (int)len, t->value, rc, t->rc);
	if (rc == -1)
		return;
	ck_assert_msg(score == t->score, "case %d \"%s\": got score %g, "
	    "want %g", _i, t->value, score, t->score);
	ck_assert_msg(required == t->required, "case %d \"%s\": got required "
	    "%g, want %g", _i, t->value, required, t->required);
}
END_TEST

Suite *
suite_zone(void)
{
	Suite *s;
	TCase *tc;
	int n;

	s = suite_create("zone");

	n = (int)(sizeof(judge_cases) / sizeof(judge_cases[0]));
	tc = tcase_create("judge");
	tcase_add_loop_test(tc, test_judge_whole, 0, n);
	tcase_add_loop_test(tc, test_judge_bytewise, 0, n);
	tcase_add_loop_test(tc, test_judge_two_reads, 0, n);
	suite_add_tcase(s, tc);

	tc = tcase_create("limit");
	tcase_add_loop_test(tc, test_limit, 0,
	    (int)(sizeof(limit_cases) / sizeof(limit_cases[0])));
	tcase_add_test(tc, test_tap_keeps_block);
	suite_add_tcase(s, tc);

	tc = tcase_create("input");
	tcase_add_loop_test(tc, test_input, 0,
	    (int)(sizeof(input_cases) / sizeof(input_cases[0])));
	tcase_add_test(tc, test_input_generated);
	tcase_add_loop_test(tc, test_input_flood, 0,
	    (int)(sizeof(flood_cases) / sizeof(flood_cases[0])));
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("status");
	tcase_add_loop_test(tc, test_parse_status, 0,
	    (int)(sizeof(status_cases) / sizeof(status_cases[0])));
	tcase_add_loop_test(tc, test_red_from, 0,
	    (int)(sizeof(red_cases) / sizeof(red_cases[0])));
	suite_add_tcase(s, tc);

	return s;
}
