/*
 * check_pump.c - unit tests for pump.c, one hop of the pipeline
 *
 * DESCRIPTION
 *	Each test builds a pump from a real pipe to real pipes (pipe2, the
 *	pump's ends non-blocking where hi-q makes them so) and drives it in
 *	this one process the way run_loop.c's step() does: pump_events() fills
 *	the front of a pollfd array, the test adds its own ends behind it
 *	(the write end of the source, the read ends of the destinations),
 *	one poll(), then pump_step() on the pump's part.  The test side
 *	writes and reads without blocking after every poll, so the pump
 *	always has something to wait for.
 *
 *	Covered: every byte arrives, with in and out counted, over splice
 *	(one destination, no tap) and over the buffer (copies, a tap), from
 *	a non-blocking and from a blocking source, and an empty message; the
 *	destinations are closed at the end of the source, so readers see
 *	EOF; copies get identical bytes; a tap sees the header block, also
 *	one longer than a pipe holds, and a one-destination pump with a tap
 *	moves every byte across its switch back to splice; pump_drop() of
 *	one destination lets the other go on; pump_drain() closes every
 *	destination and counts what it reads after as dropped; EPIPE on a
 *	destination with no reader is PUMP_ERROR with err_dst naming it, and
 *	an unreadable source is PUMP_ERROR with err_dst -1; while any
 *	destination is behind, pump_events() does not ask for the source,
 *	even though it is readable, so a poll on its set sleeps.
 *
 *	SIGPIPE is ignored for each test, as hi-q ignores it.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "outcome.h"
#include "pump.h"
#include "zone.h"

#define RIG_MAXDST	3
#define RIG_MAXPOLL	(PUMP_MAXPOLL + 1 + RIG_MAXDST)
#define RIG_POLL_MS	10000	/* a hang guard, not a timing */
#define RIG_ROUNDS	100000
#define BIG		((1U << 20) + 7)	/* more than any pipe holds */

struct rig {
	struct pump	 p;
	int		 src_w;			/* the test writes here */
	int		 dst_r[RIG_MAXDST];	/* and reads here */
	size_t		 ndst;
	int		 reading[RIG_MAXDST];	/* 0: leave it unread */
	const char	*msg;
	size_t		 msg_len;
	size_t		 msg_off;		/* bytes written */
	size_t		 msg_end;		/* write up to here */
	int		 close_at_end;		/* close src_w at msg_len */
	char		*got[RIG_MAXDST];
	size_t		 got_len[RIG_MAXDST];
	int		 got_eof[RIG_MAXDST];
	enum pump_result last;
	int		 last_errno;
};

static struct sigaction	old_pipe;

static void	setup(void);
static void	teardown(void);
static char	*make_msg(size_t);
static void	rig_init(struct rig *, size_t, const char *, size_t, int);
static void	rig_free(struct rig *);
static void	rig_test_side(struct rig *);
static enum pump_result rig_round(struct rig *);
static void	rig_run(struct rig *);
static int	rig_stuck(const struct rig *);
static void	rig_run_until_stuck(struct rig *);
static void	assert_got(const struct rig *, size_t, size_t);

static void
setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	ck_assert_int_eq(sigaction(SIGPIPE, &sa, &old_pipe), 0);
}

static void
teardown(void)
{
	ck_assert_int_eq(sigaction(SIGPIPE, &old_pipe, NULL), 0);
}

/* make_msg - len bytes that do not repeat in any short period */
static char *
make_msg(size_t len)
{
	uint32_t x = 2463534242U;
	char *m;
	size_t i;

	m = malloc(len + 1);
	ck_assert_ptr_nonnull(m);
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		m[i] = (char)(x >> 24);
	}
	m[len] = '\0';
	return m;
}

/*
 * rig_init - a pump from a pipe to ndst pipes; msg is written to the
 * source as the pump takes it, and the source closed after the last byte
 */
static void
rig_init(struct rig *r, size_t ndst, const char *msg, size_t len,
    int src_blocking)
{
	int fd[2];
	size_t i;

	ck_assert_uint_le(ndst, RIG_MAXDST);
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(pipe2(fd, O_CLOEXEC |
	    (src_blocking ? 0 : O_NONBLOCK)), 0);
	/* The test's end is non-blocking either way. */
	ck_assert_int_ne(fcntl(fd[1], F_SETFL, O_NONBLOCK), -1);
	r->src_w = fd[1];
	pump_init(&r->p, fd[0], -1, 1);
	for (i = 0; i < ndst; i++) {
		ck_assert_int_eq(pipe2(fd, O_CLOEXEC | O_NONBLOCK), 0);
		r->dst_r[i] = fd[0];
		if (i == 0)
			r->p.dst[0].fd = fd[1];
		else
			ck_assert_uint_eq(pump_add_copy(&r->p, fd[1]), i);
		r->reading[i] = 1;
		r->got[i] = malloc(len + PUMP_BUFSIZE + 1);
		ck_assert_ptr_nonnull(r->got[i]);
	}
	r->ndst = ndst;
	r->msg = msg;
	r->msg_len = len;
	r->msg_end = len;
	r->close_at_end = 1;
	r->last = PUMP_IDLE;
}

static void
rig_free(struct rig *r)
{
	size_t i;

	(void)pump_close(&r->p);
	if (r->src_w != -1)
		ck_assert_int_eq(close(r->src_w), 0);
	for (i = 0; i < r->ndst; i++) {
		if (r->dst_r[i] != -1)
			ck_assert_int_eq(close(r->dst_r[i]), 0);
		free(r->got[i]);
	}
}

/* rig_test_side - write what the source takes, read what is there */
static void
rig_test_side(struct rig *r)
{
	size_t i, room;
	ssize_t n;

	while (r->src_w != -1 && r->msg_off < r->msg_end) {
		n = write(r->src_w, r->msg + r->msg_off,
		    r->msg_end - r->msg_off);
		if (n == -1 && errno == EAGAIN)
			break;
		ck_assert_msg(n > 0, "write the source: got %zd (%s), want "
		    "bytes written", n, strerror(errno));
		r->msg_off += (size_t)n;
	}
	if (r->src_w != -1 && r->close_at_end && r->msg_off == r->msg_len) {
		ck_assert_int_eq(close(r->src_w), 0);
		r->src_w = -1;
	}
	for (i = 0; i < r->ndst; i++) {
		while (r->reading[i] && r->dst_r[i] != -1) {
			room = r->msg_len + PUMP_BUFSIZE - r->got_len[i];
			n = read(r->dst_r[i], r->got[i] + r->got_len[i],
			    room);
			if (n == -1 && errno == EAGAIN)
				break;
			ck_assert_msg(n >= 0, "read destination %zu: got "
			    "%s, want bytes or EOF", i, strerror(errno));
			if (n == 0) {
				r->got_eof[i] = 1;
				ck_assert_int_eq(close(r->dst_r[i]), 0);
				r->dst_r[i] = -1;
				break;
			}
			r->got_len[i] += (size_t)n;
			ck_assert_msg(r->got_len[i] <= r->msg_len,
			    "destination %zu: got %zu bytes, want at most "
			    "%zu", i, r->got_len[i], r->msg_len);
		}
	}
}

/* rig_round - one poll over the pump's descriptors and the test's */
static enum pump_result
rig_round(struct rig *r)
{
	struct pollfd pfd[RIG_MAXPOLL];
	int idx[RIG_MAXPOLL];
	size_t n, k, i;
	int rc;

	n = pump_events(&r->p, pfd, idx);
	k = n;
	if (r->src_w != -1 && r->msg_off < r->msg_end) {
		pfd[k].fd = r->src_w;
		pfd[k].events = POLLOUT;
		pfd[k++].revents = 0;
	}
	for (i = 0; i < r->ndst; i++)
		if (r->reading[i] && r->dst_r[i] != -1) {
			pfd[k].fd = r->dst_r[i];
			pfd[k].events = POLLIN;
			pfd[k++].revents = 0;
		}
	ck_assert_msg(k > 0, "nothing to wait for: pump_done %d",
	    pump_done(&r->p));
	do
		rc = poll(pfd, (nfds_t)k, RIG_POLL_MS);
	while (rc == -1 && errno == EINTR);
	ck_assert_msg(rc > 0, "poll: got %d (%s), want something ready "
	    "within %d ms", rc, rc == -1 ? strerror(errno) : "timeout",
	    RIG_POLL_MS);
	errno = 0;
	r->last = pump_step(&r->p, pfd, idx, n);
	r->last_errno = errno;
	if (r->last != PUMP_ERROR)
		rig_test_side(r);
	return r->last;
}

/* rig_run - rounds until the pump is done and every reader saw EOF */
static void
rig_run(struct rig *r)
{
	size_t i, rounds;
	int open;

	rig_test_side(r);
	for (rounds = 0; rounds < RIG_ROUNDS; rounds++) {
		open = 0;
		for (i = 0; i < r->ndst; i++)
			if (r->dst_r[i] != -1)
				open = 1;
		if (pump_done(&r->p) && !open && r->src_w == -1)
			return;
		ck_assert_msg(rig_round(r) != PUMP_ERROR,
		    "got PUMP_ERROR (err_dst %d: %s), want none",
		    r->p.err_dst, strerror(r->last_errno));
	}
	ck_abort_msg("got no end after %d rounds, want one", RIG_ROUNDS);
}

/*
 * rig_stuck - the pump waits only for room in the destinations the test
 * leaves unread (the test has read the others dry after every round)
 */
static int
rig_stuck(const struct rig *r)
{
	struct pollfd pfd[PUMP_MAXPOLL];
	int idx[PUMP_MAXPOLL];
	size_t n, k;

	n = pump_events(&r->p, pfd, idx);
	for (k = 0; k < n; k++)
		if (idx[k] < 0 || r->reading[idx[k]])
			return 0;
	return n > 0;
}

static void
rig_run_until_stuck(struct rig *r)
{
	size_t rounds;

	rig_test_side(r);
	for (rounds = 0; rounds < RIG_ROUNDS; rounds++) {
		if (rig_stuck(r))
			return;
		ck_assert_msg(rig_round(r) != PUMP_ERROR,
		    "got PUMP_ERROR (err_dst %d: %s), want none",
		    r->p.err_dst, strerror(r->last_errno));
	}
	ck_abort_msg("got no stop after %d rounds, want one", RIG_ROUNDS);
}

/* assert_got - destination i got exactly msg[0..len) and then EOF */
static void
assert_got(const struct rig *r, size_t i, size_t len)
{
	ck_assert_msg(r->got_len[i] == len,
	    "destination %zu: got %zu bytes, want %zu", i, r->got_len[i],
	    len);
	ck_assert_msg(memcmp(r->got[i], r->msg, len) == 0,
	    "destination %zu: got other bytes than were sent", i);
	ck_assert_msg(r->got_eof[i], "destination %zu: got no EOF, want one",
	    i);
}

/*
 * Moving, copying, counting
 */
struct move_case {
	size_t	 ndst;
	size_t	 len;
	int	 src_blocking;
};

static const struct move_case move_cases[] = {
	{ 1, BIG, 0 },		/* splice */
	{ 1, BIG, 1 },
	{ 1, 1, 0 },
	{ 1, 0, 0 },		/* an empty message */
	{ 2, BIG, 0 },		/* the buffer, two copies */
	{ 2, BIG, 1 },
	{ 3, BIG, 0 },
	{ 3, 0, 0 },
};

START_TEST(test_move)
{
	const struct move_case *t = &move_cases[_i];
	struct pollfd pfd[PUMP_MAXPOLL];
	int idx[PUMP_MAXPOLL];
	struct rig r;
	char *msg;
	size_t i, n;

	msg = make_msg(t->len);
	rig_init(&r, t->ndst, msg, t->len, t->src_blocking);
	rig_run(&r);
	for (i = 0; i < t->ndst; i++) {
		assert_got(&r, i, t->len);
		ck_assert_msg(r.p.dst[i].fd == -1,
		    "case %d: dst %zu: got fd %d, want -1 (closed)", _i, i,
		    r.p.dst[i].fd);
	}
	ck_assert_msg(r.p.in == t->len, "case %d: got in %llu, want %zu", _i,
	    r.p.in, t->len);
	ck_assert_msg(r.p.out == t->len, "case %d: got out %llu, want %zu",
	    _i, r.p.out, t->len);
	ck_assert_msg(r.p.dropped == 0, "case %d: got dropped %llu, want 0",
	    _i, r.p.dropped);
	ck_assert_msg(r.p.eof == 1, "case %d: got eof %d, want 1", _i,
	    r.p.eof);
	ck_assert_msg(r.p.src == -1, "case %d: got src %d, want -1 (the "
	    "pump owns and closed it)", _i, r.p.src);
	ck_assert_msg(r.last == PUMP_EOF, "case %d: got last result %d, "
	    "want PUMP_EOF", _i, (int)r.last);
	/* Done: nothing more to wait for. */
	n = pump_events(&r.p, pfd, idx);
	ck_assert_msg(n == 0, "case %d: got %zu events after the end, want 0",
	    _i, n);
	rig_free(&r);
	free(msg);
}
END_TEST

/*
 * The tap
 */
struct tap_case {
	size_t		 ndst;
	size_t		 filler;	/* bytes of an X-Filler header */
	const char	*status;
	enum outcome	 want;
};

static const struct tap_case tap_cases[] = {
	{ 1, 10, "Yes, score=7.5 required=5.0 tests=A", OUTCOME_RED },
	{ 1, 10, "No, score=0.2 required=5.0 tests=A", OUTCOME_GREEN },
	{ 2, 10, "Yes, score=6.0 required=5.0 tests=A", OUTCOME_YELLOW },
	/* A block longer than a pipe holds comes in several reads. */
	{ 1, 100000, "Yes, score=7.5 required=5.0 tests=A", OUTCOME_RED },
	{ 3, 100000, "No, score=-1.0 required=5.0", OUTCOME_GREEN },
};

START_TEST(test_tap)
{
	static char header[] = "X-Spam-Status";
	const struct tap_case *t = &tap_cases[_i];
	struct zone_conf zc;
	struct zone_tap tap;
	struct rig r;
	enum outcome o;
	char *msg, *why, *p;
	size_t len, hlen, i;

	/* Headers, the filler, then a body with a header in it. */
	len = BIG + t->filler;
	msg = make_msg(len);
	p = msg;
	p += sprintf(p, "Received: from x\nX-Spam-Status: %s\nX-Filler: ",
	    t->status);
	memset(p, 'f', t->filler);
	p += t->filler;
	p += sprintf(p, "\n\nX-Spam-Status: Yes, score=99 required=1\n\n");
	hlen = (size_t)(strchr(msg, '\n') - msg) + 1;
	hlen += strlen("X-Spam-Status: ") + strlen(t->status) + 1;
	hlen += strlen("X-Filler: ") + t->filler + 1;
	for (i = 0; i < len; i++)
		if (msg[i] == '\0')
			msg[i] = '.';

	memset(&zc, 0, sizeof(zc));
	zc.header = header;
	zc.margin = 2;
	zc.missing = OUTCOME_DISCARD;
	zone_tap_init(&tap, &zc);
	rig_init(&r, t->ndst, msg, len, 0);
	pump_set_tap(&r.p, zone_tap_take, &tap);
	rig_run(&r);
	for (i = 0; i < t->ndst; i++)
		assert_got(&r, i, len);
	ck_assert_msg(r.p.in == len, "case %d: got in %llu, want %zu", _i,
	    r.p.in, len);
	ck_assert_msg(r.p.out == len, "case %d: got out %llu, want %zu", _i,
	    r.p.out, len);
	ck_assert_msg(tap.done == 1, "case %d: got tap done %d, want 1", _i,
	    tap.done);
	ck_assert_msg(tap.head.len == hlen, "case %d: the tap kept %zu "
	    "bytes, want the %zu of the header block", _i, tap.head.len,
	    hlen);
	o = zone_judge(&tap, &why);
	ck_assert_msg(o == t->want, "case %d: got %s (%s), want %s", _i,
	    outcome_name(o), why, outcome_name(t->want));
	ck_assert_ptr_null(why);
	zone_tap_free(&tap);
	rig_free(&r);
	free(msg);
}
END_TEST

/*
 * Giving up on destinations
 */

/* Destination 1 is stuck and dropped; destination 0 gets everything. */
START_TEST(test_drop)
{
	struct rig r;
	char *msg;

	msg = make_msg(BIG);
	rig_init(&r, 2, msg, BIG, 0);
	r.reading[1] = 0;
	rig_run_until_stuck(&r);
	ck_assert_msg(r.p.out < BIG, "got out %llu before the drop, want "
	    "less than %u", r.p.out, BIG);
	ck_assert_int_eq(pump_drop(&r.p, 1), 0);
	ck_assert_msg(r.p.dst[1].fd == -1, "got dst 1 fd %d, want -1",
	    r.p.dst[1].fd);
	/* The dropped reader gets what was in its pipe, then EOF. */
	r.reading[1] = 1;
	rig_run(&r);
	assert_got(&r, 0, BIG);
	ck_assert_msg(r.got_eof[1], "dst 1: got no EOF, want one");
	ck_assert_msg(r.got_len[1] > 0 && r.got_len[1] < BIG,
	    "dst 1: got %zu bytes, want some but not all", r.got_len[1]);
	ck_assert_msg(memcmp(r.got[1], msg, r.got_len[1]) == 0,
	    "dst 1: got other bytes than were sent");
	ck_assert_msg(r.p.in == BIG, "got in %llu, want %u", r.p.in, BIG);
	ck_assert_msg(r.p.out == BIG, "got out %llu, want %u", r.p.out, BIG);
	ck_assert_msg(r.p.dropped == 0, "got dropped %llu, want 0",
	    r.p.dropped);
	rig_free(&r);
	free(msg);
}
END_TEST

/*
 * Every destination dropped (one alone, with no tap, goes the splice way):
 * the source is still read to its end, and what it held counts as dropped.
 */
static const size_t drop_all_ndst[] = { 1, 2 };

START_TEST(test_drop_all)
{
	struct rig r;
	size_t i, n = drop_all_ndst[_i];
	char *msg;

	msg = make_msg(BIG);
	rig_init(&r, n, msg, BIG, 0);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(pump_drop(&r.p, i), 0);
		r.reading[i] = 1;
	}
	rig_run(&r);
	ck_assert_msg(r.p.in == BIG, "got in %llu, want %u", r.p.in, BIG);
	ck_assert_msg(r.p.dropped == BIG, "got dropped %llu, want %u",
	    r.p.dropped, BIG);
	ck_assert_msg(r.p.out == 0, "got out %llu, want 0", r.p.out);
	rig_free(&r);
	free(msg);
}
END_TEST

/* Copy 1 is dropped before the first byte; the main one gets them all. */
START_TEST(test_drop_copy_first)
{
	struct rig r;
	char *msg;

	msg = make_msg(BIG);
	rig_init(&r, 2, msg, BIG, 0);
	ck_assert_int_eq(pump_drop(&r.p, 1), 0);
	rig_run(&r);
	assert_got(&r, 0, BIG);
	ck_assert_msg(r.got_len[1] == 0 && r.got_eof[1],
	    "dst 1: got %zu bytes and eof %d, want 0 and 1", r.got_len[1],
	    r.got_eof[1]);
	ck_assert_msg(r.p.out == BIG, "got out %llu, want %u", r.p.out, BIG);
	rig_free(&r);
	free(msg);
}
END_TEST

#define DRAIN_FIRST	100000U
#define DRAIN_REST	300001U

/* After pump_drain the source is read to its end and counted as dropped. */
START_TEST(test_drain)
{
	struct rig r;
	char *msg;
	size_t ndst = (size_t)_i + 1, i, rounds;

	msg = make_msg(DRAIN_FIRST + DRAIN_REST);
	rig_init(&r, ndst, msg, DRAIN_FIRST + DRAIN_REST, 0);
	r.msg_end = DRAIN_FIRST;
	rig_test_side(&r);
	for (rounds = 0; r.got_len[ndst - 1] < DRAIN_FIRST ||
	    r.got_len[0] < DRAIN_FIRST; rounds++) {
		ck_assert_uint_lt(rounds, RIG_ROUNDS);
		ck_assert_int_ne(rig_round(&r), PUMP_ERROR);
	}
	ck_assert_msg(r.p.in == DRAIN_FIRST, "got in %llu, want %u", r.p.in,
	    DRAIN_FIRST);
	ck_assert_int_eq(pump_drain(&r.p), 0);
	for (i = 0; i < ndst; i++)
		ck_assert_msg(r.p.dst[i].fd == -1,
		    "dst %zu: got fd %d after the drain, want -1", i,
		    r.p.dst[i].fd);
	r.msg_end = DRAIN_FIRST + DRAIN_REST;
	rig_run(&r);
	for (i = 0; i < ndst; i++)
		assert_got(&r, i, DRAIN_FIRST);
	ck_assert_msg(r.p.in == DRAIN_FIRST + DRAIN_REST,
	    "got in %llu, want %u", r.p.in, DRAIN_FIRST + DRAIN_REST);
	ck_assert_msg(r.p.out == DRAIN_FIRST, "got out %llu, want %u",
	    r.p.out, DRAIN_FIRST);
	ck_assert_msg(r.p.dropped == DRAIN_REST, "got dropped %llu, want %u",
	    r.p.dropped, DRAIN_REST);
	ck_assert_msg(r.p.eof == 1, "got eof %d, want 1", r.p.eof);
	ck_assert_msg(r.last == PUMP_EOF, "got last result %d, want "
	    "PUMP_EOF", (int)r.last);
	rig_free(&r);
	free(msg);
}
END_TEST

/* Drained before the first byte: everything is dropped. */
START_TEST(test_drain_at_once)
{
	struct rig r;
	char *msg;

	msg = make_msg(BIG);
	rig_init(&r, 2, msg, BIG, 0);
	ck_assert_int_eq(pump_drain(&r.p), 0);
	rig_run(&r);
	assert_got(&r, 0, 0);
	assert_got(&r, 1, 0);
	ck_assert_msg(r.p.in == BIG, "got in %llu, want %u", r.p.in, BIG);
	ck_assert_msg(r.p.dropped == BIG, "got dropped %llu, want %u",
	    r.p.dropped, BIG);
	ck_assert_msg(r.p.out == 0, "got out %llu, want 0", r.p.out);
	rig_free(&r);
	free(msg);
}
END_TEST

/*
 * Errors
 */
struct epipe_case {
	size_t	 ndst;
	int	 tap;		/* with a zone tap (no splice) */
	size_t	 gone;		/* the destination with no reader */
};

static const struct epipe_case epipe_cases[] = {
	{ 1, 0, 0 },		/* splice */
	{ 1, 1, 0 },		/* the buffer */
	{ 2, 0, 0 },
	{ 2, 0, 1 },
	{ 3, 1, 2 },
};

START_TEST(test_epipe)
{
	static char header[] = "X-Spam-Status";
	const struct epipe_case *t = &epipe_cases[_i];
	struct zone_conf zc;
	struct zone_tap tap;
	struct rig r;
	enum pump_result pr;
	char *msg;
	size_t i, rounds;

	msg = make_msg(BIG);
	memset(&zc, 0, sizeof(zc));
	zc.header = header;
	zone_tap_init(&tap, &zc);
	rig_init(&r, t->ndst, msg, BIG, 0);
	if (t->tap)
		pump_set_tap(&r.p, zone_tap_take, &tap);
	ck_assert_int_eq(close(r.dst_r[t->gone]), 0);
	r.dst_r[t->gone] = -1;
	r.got_eof[t->gone] = 1;
	rig_test_side(&r);
	for (rounds = 0; (pr = rig_round(&r)) != PUMP_ERROR; rounds++)
		ck_assert_msg(rounds < RIG_ROUNDS, "case %d: got no error, "
		    "want EPIPE", _i);
	ck_assert_msg(r.p.err_dst == (int)t->gone,
	    "case %d: got err_dst %d, want %zu", _i, r.p.err_dst, t->gone);
	ck_assert_msg(r.last_errno == EPIPE, "case %d: got %s, want EPIPE",
	    _i, strerror(r.last_errno));
	if (t->ndst > 1) {
		/* Without it, the others get everything. */
		ck_assert_int_eq(pump_drop(&r.p, t->gone), 0);
		rig_run(&r);
		for (i = 0; i < t->ndst; i++)
			if (i != t->gone)
				assert_got(&r, i, BIG);
	}
	zone_tap_free(&tap);
	rig_free(&r);
	free(msg);
}
END_TEST

/* A source that cannot be read: err_dst -1, over splice or the buffer. */
START_TEST(test_source_error)
{
	struct pollfd pfd[PUMP_MAXPOLL];
	int idx[PUMP_MAXPOLL];
	struct rig r;
	enum pump_result pr;
	size_t n;
	int wronly;

	rig_init(&r, (size_t)_i + 1, "", 0, 0);
	wronly = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ck_assert_int_ne(wronly, -1);
	ck_assert_int_eq(close(r.p.src), 0);
	r.p.src = wronly;
	n = pump_events(&r.p, pfd, idx);
	ck_assert_msg(n == 1 && idx[0] == -1 && pfd[0].fd == wronly &&
	    pfd[0].events == POLLIN, "got %zu events, want POLLIN on the "
	    "source", n);
	pfd[0].revents = POLLIN;	/* as if poll said so */
	errno = 0;
	pr = pump_step(&r.p, pfd, idx, n);
	ck_assert_msg(pr == PUMP_ERROR, "got result %d, want PUMP_ERROR",
	    (int)pr);
	ck_assert_msg(r.p.err_dst == -1, "got err_dst %d, want -1",
	    r.p.err_dst);
	ck_assert_msg(errno == EBADF, "got %s, want EBADF", strerror(errno));
	rig_free(&r);
}
END_TEST

/* Nothing reported by poll: nothing happens. */
START_TEST(test_step_idle)
{
	struct pollfd pfd[PUMP_MAXPOLL];
	int idx[PUMP_MAXPOLL];
	struct rig r;
	enum pump_result pr;
	size_t n;

	rig_init(&r, 2, "", 0, 0);
	n = pump_events(&r.p, pfd, idx);
	ck_assert_uint_eq(n, 1);
	pr = pump_step(&r.p, pfd, idx, n);
	ck_assert_msg(pr == PUMP_IDLE, "got result %d, want PUMP_IDLE",
	    (int)pr);
	ck_assert_msg(r.p.in == 0 && r.p.eof == 0,
	    "got in %llu eof %d, want 0 0", r.p.in, r.p.eof);
	rig_free(&r);
}
END_TEST

/*
 * No spinning: while a destination is behind, the source is not polled
 * even though it has bytes, and the pump's poll set sleeps.
 */
START_TEST(test_no_spin)
{
	struct pollfd pfd[PUMP_MAXPOLL], sp;
	int idx[PUMP_MAXPOLL];
	size_t ndst = (size_t)_i + 1, n, k, stuck = ndst - 1;
	struct rig r;
	char *msg;

	msg = make_msg(BIG);
	rig_init(&r, ndst, msg, BIG, 0);
	r.reading[stuck] = 0;
	rig_run_until_stuck(&r);

	/* The source has bytes waiting ... */
	sp.fd = r.p.src;
	sp.events = POLLIN;
	sp.revents = 0;
	ck_assert_int_eq(poll(&sp, 1, 0), 1);
	ck_assert_msg(sp.revents & POLLIN, "got source revents %#x, want "
	    "POLLIN", (unsigned)sp.revents);
	/* ... but only the stuck destination is asked about, for room. */
	n = pump_events(&r.p, pfd, idx);
	ck_assert_msg(n == 1, "got %zu events, want 1", n);
	ck_assert_msg(idx[0] == (int)stuck, "got event for %d, want %zu",
	    idx[0], stuck);
	ck_assert_msg(pfd[0].fd == r.p.dst[stuck].fd &&
	    pfd[0].events == POLLOUT, "got fd %d events %#x, want fd %d "
	    "POLLOUT", pfd[0].fd, (unsigned)pfd[0].events,
	    r.p.dst[stuck].fd);
	/* A poll on that set would sleep; the pump does nothing meanwhile. */
	ck_assert_int_eq(poll(pfd, (nfds_t)n, 0), 0);
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(pump_step(&r.p, pfd, idx, n), PUMP_IDLE);

	/* Once the reader is back, everything arrives. */
	r.reading[stuck] = 1;
	rig_run(&r);
	for (k = 0; k < ndst; k++)
		assert_got(&r, k, BIG);
	rig_free(&r);
	free(msg);
}
END_TEST

Suite *
suite_pump(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("pump");

	tc = tcase_create("move");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_move, 0,
	    (int)(sizeof(move_cases) / sizeof(move_cases[0])));
	tcase_add_loop_test(tc, test_tap, 0,
	    (int)(sizeof(tap_cases) / sizeof(tap_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("give_up");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_drop);
	tcase_add_test(tc, test_drop_copy_first);
	tcase_add_loop_test(tc, test_drop_all, 0,
	    (int)(sizeof(drop_all_ndst) / sizeof(drop_all_ndst[0])));
	tcase_add_loop_test(tc, test_drain, 0, 2);
	tcase_add_test(tc, test_drain_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_epipe, 0,
	    (int)(sizeof(epipe_cases) / sizeof(epipe_cases[0])));
	tcase_add_loop_test(tc, test_source_error, 0, 2);
	tcase_add_test(tc, test_step_idle);
	suite_add_tcase(s, tc);

	tc = tcase_create("no_spin");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_no_spin, 0, 2);
	suite_add_tcase(s, tc);

	return s;
}
