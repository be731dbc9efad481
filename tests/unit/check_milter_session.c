/*
 * check_milter_session.c - unit tests for milter_session.c, one message
 * through one milter
 *
 * DESCRIPTION
 *	The session talks over a socketpair to a fake milter in this process
 *	that answers each command with the packets a case gives for it (by
 *	default "continue", or nothing where the case negotiated no reply),
 *	written here byte by byte.  A table of cases says what the milter
 *	negotiates and answers, and what must come of it: the commands the
 *	session sent (one letter each, D for macros), its status, outcome,
 *	reply text and code, or why it failed.  It covers every reply kind
 *	at the steps it may come, the steps a milter asks not to get or not
 *	to answer, a skip in the body, and each way of breaking the
 *	protocol.  Other tests look inside the packets sent (macros, connect,
 *	helo from the Received field, headers with the hidden one left out,
 *	the body as CRLF), at macro lists the milter names, at the
 *	modifications kept and the replaced body's file, and at a connect
 *	that fails.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "milter_codec.h"
#include "milter_session.h"

#define BYTES(s)	{ s, sizeof(s) - 1 }

/* Framed packets, by hand. */
#define P_CONTINUE	"\0\0\0\001c"
#define P_ACCEPT	"\0\0\0\001a"
#define P_REJECT	"\0\0\0\001r"
#define P_TEMPFAIL	"\0\0\0\001t"
#define P_DISCARD	"\0\0\0\001d"
#define P_SKIP		"\0\0\0\001s"
#define P_PROGRESS	"\0\0\0\001p"
#define P_SHUTDOWN	"\0\0\0\0014"

#define MESSAGE	"Received: from host.example (HELO helo.example) " \
		"(192.0.2.1)\n  by mx.example; 1 Jan 2026\n" \
		"Subject: hi\nX-Folded: a\n\tb\n\nline 1\nline 2\n"

#define NR_ALL	(MILTER_P_NR_CONN | MILTER_P_NR_HELO | MILTER_P_NR_MAIL | \
		MILTER_P_NR_RCPT | MILTER_P_NR_DATA | MILTER_P_NR_HDR | \
		MILTER_P_NR_EOH | MILTER_P_NR_BODY)
#define NO_ALL	(MILTER_P_NOCONNECT | MILTER_P_NOHELO | MILTER_P_NOMAIL | \
		MILTER_P_NORCPT | MILTER_P_NODATA | MILTER_P_NOHDRS | \
		MILTER_P_NOEOH | MILTER_P_NOBODY)

struct answer {
	const char	*p;
	size_t		 n;
};

struct sess_case {
	uint32_t		 actions;
	uint32_t		 protocol;
	uint32_t		 version;	/* 0: 6 */
	struct answer		 optneg;	/* in place of the O reply */
	struct answer		 after[128];	/* NULL: the default */
	int			 close_after;	/* hang up after it */
	int			 big;		/* a body of 2 chunks */
	enum milter_status	 status;
	enum milter_outcome	 outcome;
	const char		*sent;
	const char		*why;		/* in why, when FAILED */
	const char		*reply;
	int			 code;
};

static const struct sess_case sess_cases[] = {
	/* 0: continue everywhere, accept at the end. */
	{ .status = MILTER_DONE, .outcome = MILTER_ACCEPT,
	    .sent = "ODCHDMDRDRTLLNBEQ" },
	{ .after = { ['E'] = BYTES(P_ACCEPT) }, .status = MILTER_DONE,
	    .outcome = MILTER_ACCEPT, .sent = "ODCHDMDRDRTLLNBEQ" },
	{ .after = { ['E'] = BYTES(P_REJECT) }, .status = MILTER_DONE,
	    .outcome = MILTER_REJECT, .sent = "ODCHDMDRDRTLLNBEQ" },
	{ .after = { ['E'] = BYTES(P_TEMPFAIL) }, .status = MILTER_DONE,
	    .outcome = MILTER_TEMPFAIL, .sent = "ODCHDMDRDRTLLNBEQ" },
	{ .after = { ['E'] = BYTES(P_DISCARD) }, .status = MILTER_DONE,
	    .outcome = MILTER_DISCARD, .sent = "ODCHDMDRDRTLLNBEQ" },
	{ .after = { ['E'] = BYTES(P_SHUTDOWN) }, .status = MILTER_DONE,
	    .outcome = MILTER_TEMPFAIL, .sent = "ODCHDMDRDRTLLNBEQ" },
	/* 6: reply codes, one line and two, "%%" and a lone "%". */
	{ .after = { ['E'] = BYTES("\0\0\0\026y550 5.7.1 100%% sure\0") },
	    .status = MILTER_DONE, .outcome = MILTER_REJECT,
	    .sent = "ODCHDMDRDRTLLNBEQ", .reply = "5.7.1 100% sure",
	    .code = 550 },
	{ .after = { ['E'] = BYTES("\0\0\0\021y451 4.7.1 later\0") },
	    .status = MILTER_DONE, .outcome = MILTER_TEMPFAIL,
	    .sent = "ODCHDMDRDRTLLNBEQ", .reply = "4.7.1 later",
	    .code = 451 },
	{ .after = { ['E'] = BYTES("\0\0\0\037y550-5.7.1 one\r\n"
	    "550 5.7.1 two%\0") },
	    .status = MILTER_DONE, .outcome = MILTER_REJECT,
	    .sent = "ODCHDMDRDRTLLNBEQ", .reply = "5.7.1 one 5.7.1 two",
	    .code = 550 },
	/* 9: a final reply at an earlier step ends the message there. */
	{ .after = { ['C'] = BYTES(P_ACCEPT) }, .status = MILTER_DONE,
	    .outcome = MILTER_ACCEPT, .sent = "ODCQ" },
	{ .after = { ['C'] = BYTES(P_REJECT) }, .status = MILTER_DONE,
	    .outcome = MILTER_REJECT, .sent = "ODCQ" },
	{ .after = { ['H'] = BYTES(P_TEMPFAIL) }, .status = MILTER_DONE,
	    .outcome = MILTER_TEMPFAIL, .sent = "ODCHQ" },
	{ .after = { ['M'] = BYTES(P_DISCARD) }, .status = MILTER_DONE,
	    .outcome = MILTER_DISCARD, .sent = "ODCHDMQ" },
	{ .after = { ['M'] = BYTES(P_ACCEPT) }, .status = MILTER_DONE,
	    .outcome = MILTER_ACCEPT, .sent = "ODCHDMQ" },
	/* A recipient's reject is the message's. */
	{ .after = { ['R'] = BYTES(P_REJECT) }, .status = MILTER_DONE,
	    .outcome = MILTER_REJECT, .sent = "ODCHDMDRQ" },
	{ .after = { ['R'] = BYTES("\0\0\0\021y450 4.2.1 later\0") },
	    .status = MILTER_DONE, .outcome = MILTER_TEMPFAIL,
	    .sent = "ODCHDMDRQ", .reply = "4.2.1 later", .code = 450 },
	{ .after = { ['T'] = BYTES(P_REJECT) }, .status = MILTER_DONE,
	    .outcome = MILTER_REJECT, .sent = "ODCHDMDRDRTQ" },
	{ .after = { ['L'] = BYTES(P_REJECT) }, .status = MILTER_DONE,
	    .outcome = MILTER_REJECT, .sent = "ODCHDMDRDRTLQ" },
	{ .after = { ['N'] = BYTES(P_TEMPFAIL) }, .status = MILTER_DONE,
	    .outcome = MILTER_TEMPFAIL, .sent = "ODCHDMDRDRTLLNQ" },
	{ .after = { ['B'] = BYTES(P_DISCARD) }, .status = MILTER_DONE,
	    .outcome = MILTER_DISCARD, .sent = "ODCHDMDRDRTLLNBQ" },
	/* 20: steps not wanted: their macros still go. */
	{ .protocol = NO_ALL, .status = MILTER_DONE,
	    .outcome = MILTER_ACCEPT, .sent = "ODDDDEQ" },
	{ .protocol = MILTER_P_NOHDRS | MILTER_P_NOBODY, .status =
	    MILTER_DONE, .outcome = MILTER_ACCEPT, .sent = "ODCHDMDRDRTNEQ" },
	/* No replies but at the end. */
	{ .protocol = NR_ALL, .after = { ['C'] = { "", 0 }, ['H'] = { "",
	    0 }, ['M'] = { "", 0 }, ['R'] = { "", 0 }, ['T'] = { "", 0 },
	    ['L'] = { "", 0 }, ['N'] = { "", 0 }, ['B'] = { "", 0 } },
	    .status = MILTER_DONE, .outcome = MILTER_ACCEPT,
	    .sent = "ODCHDMDRDRTLLNBEQ" },
	/* Progress resets nothing here, and is no reply. */
	{ .after = { ['E'] = BYTES(P_PROGRESS P_PROGRESS P_ACCEPT) },
	    .status = MILTER_DONE, .outcome = MILTER_ACCEPT,
	    .sent = "ODCHDMDRDRTLLNBEQ" },
	/* A skip ends the body after the first of two chunks. */
	{ .big = 1, .after = { ['B'] = BYTES(P_SKIP) }, .status =
	    MILTER_DONE, .outcome = MILTER_ACCEPT,
	    .sent = "ODCHDMDRDRTLLNBEQ" },
	{ .big = 1, .status = MILTER_DONE, .outcome = MILTER_ACCEPT,
	    .sent = "ODCHDMDRDRTLLNBBEQ" },
	/* 26: broken: garbage, a short packet, a huge length, data where
	 * none belongs, an unknown reply. */
	{ .after = { ['C'] = BYTES("garbage!") }, .status = MILTER_FAILED,
	    .sent = "ODC", .why = "longer than hi-q takes" },
	{ .after = { ['C'] = BYTES("\0\0\0\0") }, .status = MILTER_FAILED,
	    .sent = "ODC", .why = "length 0" },
	{ .after = { ['H'] = BYTES("\x7f\xff\xff\xff") }, .status =
	    MILTER_FAILED, .sent = "ODCH", .why = "longer than hi-q takes" },
	{ .after = { ['M'] = BYTES("\0\0\0\002cx") }, .status =
	    MILTER_FAILED, .sent = "ODCHDM", .why = "data after a reply" },
	{ .after = { ['M'] = BYTES("\0\0\0\001Z") }, .status =
	    MILTER_FAILED, .sent = "ODCHDM", .why = "unknown reply" },
	/* 31: hang-ups: in the middle of a packet, and before a reply. */
	{ .after = { ['T'] = BYTES("\0\0\0\005y55") }, .close_after = 'T',
	    .status = MILTER_FAILED, .sent = "ODCHDMDRDRT",
	    .why = "middle of a packet" },
	{ .close_after = 'B', .after = { ['B'] = { "", 0 } }, .status =
	    MILTER_FAILED, .sent = "ODCHDMDRDRTLLNB",
	    .why = "before its final reply" },
	{ .close_after = 'O', .optneg = { "", 0 }, .status = MILTER_FAILED,
	    .sent = "O", .why = "before its final reply" },
	/* 34: out of place. */
	{ .after = { ['C'] = BYTES("\0\0\0\001s") }, .status = MILTER_FAILED,
	    .sent = "ODC", .why = "skip outside the body" },
	{ .after = { ['C'] = BYTES(P_DISCARD) }, .status = MILTER_FAILED,
	    .sent = "ODC", .why = "discard at connect" },
	{ .after = { ['M'] = BYTES("\0\0\0\005hX\0v\0" P_CONTINUE) },
	    .actions = MILTER_ACT_ALL, .status = MILTER_FAILED,
	    .sent = "ODCHDM", .why = "before the end of the message" },
	{ .after = { ['E'] = BYTES("\0\0\0\005hX\0v\0" P_ACCEPT) },
	    .actions = MILTER_ACT_CHGHDRS, .status = MILTER_FAILED,
	    .sent = "ODCHDMDRDRTLLNBE", .why = "did not negotiate" },
	{ .after = { ['C'] = BYTES(P_CONTINUE P_CONTINUE) }, .status =
	    MILTER_FAILED, .sent = "ODC", .why = "no reply was due" },
	{ .protocol = MILTER_P_NR_CONN, .after = { ['C'] =
	    BYTES(P_CONTINUE) }, .status = MILTER_FAILED, .why =
	    "no reply was due" },
	{ .after = { ['C'] = BYTES("\0\0\0\015O\0\0\0\006\0\0\0\0\0\0\0\0") },
	    .status = MILTER_FAILED, .sent = "ODC", .why = "out of place" },
	/* 41: the negotiation itself. */
	{ .optneg = BYTES(P_CONTINUE), .status = MILTER_FAILED, .sent = "O",
	    .why = "in place of its option negotiation" },
	{ .version = 2, .status = MILTER_FAILED, .sent = "O",
	    .why = "version 2" },
	{ .actions = 0x200, .status = MILTER_FAILED, .sent = "O",
	    .why = "actions hi-q does not know" },
	{ .optneg = BYTES("\0\0\0\011O\0\0\0\006\0\0\0\0"), .status =
	    MILTER_FAILED, .sent = "O", .why = "shorter than 12 bytes" },
	/* Steps hi-q did not offer are ignored. */
	{ .protocol = MILTER_P_RCPT_REJ | 0x800000, .status = MILTER_DONE,
	    .outcome = MILTER_ACCEPT, .sent = "ODCHDMDRDRTLLNBEQ" },
};

/* A packet the fake milter got. */
struct got {
	int	 cmd;
	char	*data;
	size_t	 len;
};

struct run {
	char			 dir[64];
	char			 path[128];
	int			 msgfd;
	struct milter_session	*s;
	enum milter_status	 status;
	char			 sent[256];
	struct got		 got[256];
	size_t			 ngot;
};

static const char *const rcpts[] = { "b@example.com", "c@example.com" };

/* put32 - a big-endian number */
static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
write_all(int fd, const void *p, size_t n)
{
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
}

/* answer - what the fake milter writes after getting cmd */
static int
answer(const struct sess_case *t, int peer, int cmd, const char *symlist,
    size_t symlen)
{
	static const uint32_t nr[128] = {
		['C'] = MILTER_P_NR_CONN, ['H'] = MILTER_P_NR_HELO,
		['M'] = MILTER_P_NR_MAIL, ['R'] = MILTER_P_NR_RCPT,
		['T'] = MILTER_P_NR_DATA, ['L'] = MILTER_P_NR_HDR,
		['N'] = MILTER_P_NR_EOH, ['B'] = MILTER_P_NR_BODY,
	};
	unsigned char o[17 + 256];

	if (cmd == 'O') {
		if (t->optneg.p != NULL) {
			if (t->optneg.n > 0)
				write_all(peer, t->optneg.p, t->optneg.n);
		} else {
			put32(o, (uint32_t)(13 + symlen));
			o[4] = 'O';
			put32(o + 5, t->version ? t->version : 6);
			put32(o + 9, t->actions);
			put32(o + 13, t->protocol);
			memcpy(o + 17, symlist, symlen);
			write_all(peer, o, 17 + symlen);
		}
	} else if (cmd > 0 && cmd < 128 && t->after[cmd].p != NULL) {
		if (t->after[cmd].n > 0)
			write_all(peer, t->after[cmd].p, t->after[cmd].n);
	} else if (strchr("CHMRTLNBE", cmd) != NULL && !(t->protocol &
	    nr[cmd]))
		write_all(peer, P_CONTINUE, 5);
	return cmd == t->close_after;
}

/* message - the test message in the run's directory */
static void
message(struct run *r, int big)
{
	static const char line[] = "a body line of the big message\n";
	size_t i;

	snprintf(r->dir, sizeof(r->dir), "/tmp/check_milter_session.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r->dir));
	snprintf(r->path, sizeof(r->path), "%s/msg", r->dir);
	r->msgfd = open(r->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ne(r->msgfd, -1);
	ck_assert_int_eq(unlink(r->path), 0);
	write_all(r->msgfd, MESSAGE, sizeof(MESSAGE) - 1);
	for (i = 0; big && i < 40000 / (sizeof(line) - 1); i++)
		write_all(r->msgfd, line, sizeof(line) - 1);
}

/*
 * run_case - the session against the fake milter, to its end; the
 * milter's macro lists in symlist (the bytes after its 12)
 */
static void
run_case(struct run *r, const struct sess_case *t,
    const struct milter_params *extra, const char *symlist, size_t symlen)
{
	struct milter_params p;
	struct pollfd pfd[2];
	char buf[1 << 16];
	char *in = NULL;
	size_t inlen = 0, k;
	uint32_t len;
	ssize_t n;
	int sv[2], rounds, closed = 0;

	memset(r->sent, 0, sizeof(r->sent));
	r->ngot = 0;
	message(r, t->big);
	if (extra != NULL)
		p = *extra;
	else {
		memset(&p, 0, sizeof(p));
		p.client_addr = "192.0.2.1";
		p.client_name = "host.example";
		p.client_port = "4567";
		p.sender = "a@example.org";
		p.rcpts = rcpts;
		p.nrcpts = 2;
		p.hide_received = 1;
	}
	p.msgfd = r->msgfd;
	p.tmpdir = r->dir;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	ck_assert_int_eq(fcntl(sv[1], F_SETFL, O_NONBLOCK), 0);
	r->s = milter_session_new(&p);
	r->status = milter_session_start_fd(r->s, sv[0]);
	for (rounds = 0; rounds < 100000 && (r->status == MILTER_RUNNING ||
	    !closed); rounds++) {
		milter_session_events(r->s, &pfd[0].fd, &pfd[0].events);
		pfd[0].revents = 0;
		pfd[1].fd = closed ? -1 : sv[1];
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		if (r->status != MILTER_RUNNING)
			pfd[0].fd = -1;
		ck_assert_int_ge(poll(pfd, 2, 5000), 1);
		if (pfd[1].revents) {
			n = read(sv[1], buf, sizeof(buf));
			if (n <= 0) {
				close(sv[1]);
				closed = 1;
			} else {
				in = realloc(in, inlen + (size_t)n);
				memcpy(in + inlen, buf, (size_t)n);
				inlen += (size_t)n;
			}
			/* Each whole packet: note it, answer it. */
			while (!closed && inlen >= 5) {
				len = (uint32_t)(unsigned char)in[0] << 24 |
				    (uint32_t)(unsigned char)in[1] << 16 |
				    (uint32_t)(unsigned char)in[2] << 8 |
				    (unsigned char)in[3];
				ck_assert_uint_ge(len, 1);
				if (inlen - 4 < len)
					break;
				k = strlen(r->sent);
				ck_assert_uint_lt(k, sizeof(r->sent) - 1);
				r->sent[k] = in[4];
				ck_assert_uint_lt(r->ngot, 256);
				r->got[r->ngot].cmd = in[4];
				r->got[r->ngot].len = len - 1;
				r->got[r->ngot].data = malloc(len);
				memcpy(r->got[r->ngot].data, in + 5, len - 1);
				r->ngot++;
				if (answer(t, sv[1], in[4], symlist, symlen)) {
					close(sv[1]);
					closed = 1;
				}
				memmove(in, in + 4 + len, inlen - 4 - len);
				inlen -= 4 + len;
			}
		}
		if (pfd[0].fd != -1 && pfd[0].revents)
			r->status = milter_session_step(r->s,
			    pfd[0].revents);
	}
	ck_assert_int_lt(rounds, 100000);
	free(in);
}

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->ngot; i++)
		free(r->got[i].data);
	milter_session_free(r->s);
	close(r->msgfd);
	ck_assert_int_eq(rmdir(r->dir), 0);
}

/*
 * The test program is linked with --wrap=send (Makefile): every send()
 * of the session is counted here, then made.
 */
ssize_t	__real_send(int, const void *, size_t, int);
ssize_t	__wrap_send(int, const void *, size_t, int);
static unsigned long sends;

ssize_t
__wrap_send(int fd, const void *buf, size_t n, int flags)
{
	sends++;
	return __real_send(fd, buf, n, flags);
}

START_TEST(test_session_table)
{
	const struct sess_case *t = &sess_cases[_i];
	struct run r;
	const char *why;

	run_case(&r, t, NULL, "", 0);
	ck_assert_msg(r.status == t->status, "case %d: got status %d, want "
	    "%d (%s)", _i, r.status, t->status,
	    milter_session_why(r.s) ? milter_session_why(r.s) : "");
	if (t->sent != NULL)
		ck_assert_msg(strcmp(r.sent, t->sent) == 0,
		    "case %d: sent %s, want %s", _i, r.sent, t->sent);
	if (t->status == MILTER_FAILED) {
		why = milter_session_why(r.s);
		ck_assert_msg(why != NULL && strstr(why, t->why) != NULL,
		    "case %d: got why \"%s\", want \"%s\" in it", _i,
		    why ? why : "(none)", t->why);
		run_free(&r);
		return;
	}
	ck_assert_msg(milter_session_outcome(r.s) == t->outcome,
	    "case %d: got outcome %d, want %d", _i,
	    milter_session_outcome(r.s), t->outcome);
	if (t->reply == NULL)
		ck_assert_ptr_null(milter_session_reply(r.s));
	else
		ck_assert_str_eq(milter_session_reply(r.s), t->reply);
	ck_assert_int_eq(milter_session_code(r.s), t->code);
	ck_assert_uint_eq(milter_session_mods(r.s)->n, 0);
	ck_assert_int_eq(milter_session_body_fd(r.s), -1);
	run_free(&r);
}
END_TEST

/* got_is - packet i is cmd with data want[0..n) */
static void
got_is(const struct run *r, size_t i, int cmd, const char *want, size_t n)
{
	ck_assert_uint_lt(i, r->ngot);
	ck_assert_msg(r->got[i].cmd == cmd, "packet %zu: got '%c', want '%c'",
	    i, r->got[i].cmd, cmd);
	ck_assert_msg(r->got[i].len == n && memcmp(r->got[i].data, want,
	    n) == 0, "packet %zu ('%c'): got \"%.*s\"", i, cmd,
	    (int)r->got[i].len, r->got[i].data);
}

#define GOT(r, i, cmd, s)	got_is(r, i, cmd, s, sizeof(s) - 1)

/*
 * A milter that replies only at the end of the message gets everything
 * from connect to end of message in one write, not one write a packet:
 * a burst of small writes waits on Nagle's rule and the milter's delayed
 * acknowledgement (40 ms a message on Linux).  Three writes in all:
 * option negotiation, the burst, quit.
 */
START_TEST(test_session_one_write)
{
	static const struct sess_case t = { .protocol = NR_ALL, .after = {
	    ['C'] = { "", 0 }, ['H'] = { "", 0 }, ['M'] = { "", 0 },
	    ['R'] = { "", 0 }, ['T'] = { "", 0 }, ['L'] = { "", 0 },
	    ['N'] = { "", 0 }, ['B'] = { "", 0 } }, .status = MILTER_DONE };
	struct run r;

	sends = 0;
	run_case(&r, &t, NULL, "", 0);
	ck_assert_str_eq(r.sent, "ODCHDMDRDRTLLNBEQ");
	ck_assert_int_eq(r.status, MILTER_DONE);
	ck_assert_uint_eq(sends, 3);
	run_free(&r);
}
END_TEST

START_TEST(test_session_packets)
{
	static const struct sess_case t = { .status = MILTER_DONE };
	struct run r;

	run_case(&r, &t, NULL, "", 0);
	ck_assert_str_eq(r.sent, "ODCHDMDRDRTLLNBEQ");
	GOT(&r, 0, 'O', "\0\0\0\006\0\0\001\377\0\037\367\377");
	GOT(&r, 1, 'D', "C{client_addr}\000192.0.2.1\0{client_name}\0"
	    "host.example\0{client_port}\0" "4567\0");
	GOT(&r, 2, 'C', "host.example\0" "4\021\327" "192.0.2.1\0");
	/* The HELO name from qmail-smtpd's Received field. */
	GOT(&r, 3, 'H', "helo.example\0");
	GOT(&r, 4, 'D', "M{mail_addr}\0a@example.org\0");
	GOT(&r, 5, 'M', "<a@example.org>\0");
	GOT(&r, 6, 'D', "R{rcpt_addr}\0b@example.com\0");
	GOT(&r, 7, 'R', "<b@example.com>\0");
	GOT(&r, 8, 'D', "R{rcpt_addr}\0c@example.com\0");
	GOT(&r, 9, 'R', "<c@example.com>\0");
	GOT(&r, 10, 'T', "");
	/* The Received field hidden; one space taken off; folds kept. */
	GOT(&r, 11, 'L', "Subject\0hi\0");
	GOT(&r, 12, 'L', "X-Folded\0a\n\tb\0");
	GOT(&r, 13, 'N', "");
	GOT(&r, 14, 'B', "line 1\r\nline 2\r\n");
	GOT(&r, 15, 'E', "");
	GOT(&r, 16, 'Q', "");
	run_free(&r);
}
END_TEST

START_TEST(test_session_leadspc_and_local)
{
	static const struct sess_case t = { .status = MILTER_DONE,
	    .protocol = MILTER_P_HDR_LEADSPC };
	static const struct milter_macro mac[] = {
		{ "j", "mx.example.org", 0 },
		{ "{daemon_name}", "ORIGINATING", 1 },
		{ "i", "QID1", 0 },
	};
	struct milter_params p;
	struct run r;

	/* Local mail: no client, no hiding; the Received field is seen. */
	memset(&p, 0, sizeof(p));
	p.sender = "";
	p.rcpts = rcpts;
	p.nrcpts = 1;
	p.macros = mac;
	p.nmacros = 3;
	run_case(&r, &t, &p, "", 0);
	ck_assert_str_eq(r.sent, "ODCHDMDRDTLLLDNBDEQ");
	GOT(&r, 1, 'D', "Cj\0mx.example.org\0{daemon_name}\0ORIGINATING\0"
	    "{client_addr}\000127.0.0.1\0{client_name}\0localhost\0"
	    "{client_port}\0" "0\0");
	GOT(&r, 2, 'C', "localhost\0" "4\0\0" "127.0.0.1\0");
	GOT(&r, 3, 'H', "localhost\0");
	GOT(&r, 4, 'D', "Mi\0QID1\0{mail_addr}\0\0");
	GOT(&r, 5, 'M', "<>\0");
	GOT(&r, 6, 'D', "Ri\0QID1\0{rcpt_addr}\0b@example.com\0");
	GOT(&r, 8, 'D', "Ti\0QID1\0");
	GOT(&r, 10, 'L', "Received\0 from host.example (HELO helo.example) "
	    "(192.0.2.1)\n  by mx.example; 1 Jan 2026\0");
	GOT(&r, 11, 'L', "Subject\0 hi\0");
	GOT(&r, 13, 'D', "Ni\0QID1\0");
	GOT(&r, 16, 'D', "Ei\0QID1\0");
	run_free(&r);
}
END_TEST

START_TEST(test_session_symlist)
{
	static const struct sess_case t = { .status = MILTER_DONE,
	    .actions = MILTER_ACT_SETSYMLIST };
	static const struct milter_macro mac[] = {
		{ "j", "mx.example.org", 0 },
		{ "{my_macro}", "mine", 1 },
		{ "{auth_authen}", "user", 0 },
	};
	/* Connect: "{client_addr} j {none}"; mail: "auth_authen". */
	static const char sym[] = "\0\0\0\0{client_addr} j {none}\0"
	    "\0\0\0\002auth_authen\0\0\0\0\003\0";
	struct milter_params p;
	struct run r;

	memset(&p, 0, sizeof(p));
	p.client_addr = "2001:db8::7";
	p.client_port = "99999";
	p.sender = "a@example.org";
	p.rcpts = rcpts;
	p.nrcpts = 1;
	p.macros = mac;
	p.nmacros = 3;
	p.helo = "given.example";
	run_case(&r, &t, &p, sym, sizeof(sym) - 1);
	ck_assert_str_eq(r.sent, "ODCHDMRTLLLNBEQ");
	/* Listed names that have a value, then the user's own. */
	GOT(&r, 1, 'D', "C{client_addr}\0" "2001:db8::7\0j\0mx.example.org\0"
	    "{my_macro}\0mine\0");
	GOT(&r, 2, 'C', "[2001:db8::7]\0" "6\0\0" "2001:db8::7\0");
	GOT(&r, 3, 'H', "given.example\0");
	/* A name listed without braces is sent as listed. */
	GOT(&r, 4, 'D', "Mauth_authen\0user\0");
	run_free(&r);
}
END_TEST

START_TEST(test_session_mods)
{
	static const struct sess_case t = { .status = MILTER_DONE,
	    .actions = MILTER_ACT_ALL, .after = { ['E'] = BYTES(
	    "\0\0\0\007hX-A\0v\0"
	    "\0\0\0\013i\0\0\0\002X-B\0w\0"
	    "\0\0\0\016m\0\0\0\001Subject\0\0"
	    "\0\0\0\021+<d@example.net>\0"
	    "\0\0\0\021-<b@example.com>\0"
	    "\0\0\0\0242<e@x>\0NOTIFY=NEVER\0"
	    "\0\0\0\007e<s@x>\0"
	    "\0\0\0\005bnew\r"
	    "\0\0\0\011b\nbody\r\n\r"
	    P_PROGRESS
	    "\0\0\0\005qwhy\0"
	    P_CONTINUE) } };
	const struct milter_mods *m;
	struct run r;
	char body[64];
	ssize_t n;

	run_case(&r, &t, NULL, "", 0);
	ck_assert_int_eq(r.status, MILTER_DONE);
	ck_assert_int_eq(milter_session_outcome(r.s), MILTER_QUARANTINE);
	ck_assert_str_eq(milter_session_why(r.s), "why");
	ck_assert_uint_gt(milter_session_progress(r.s), 15);
	m = milter_session_mods(r.s);
	ck_assert_uint_eq(m->n, 7);
	ck_assert_int_eq(m->body, 1);
	ck_assert_int_eq(m->leadspc, 0);
	ck_assert_int_eq(m->mod[0].cmd, 'h');
	ck_assert_str_eq(m->mod[0].name, "X-A");
	ck_assert_str_eq(m->mod[0].value, "v");
	ck_assert_int_eq(m->mod[1].cmd, 'i');
	ck_assert_uint_eq(m->mod[1].index, 2);
	ck_assert_int_eq(m->mod[2].cmd, 'm');
	ck_assert_str_eq(m->mod[2].value, "");
	ck_assert_int_eq(m->mod[3].cmd, '+');
	ck_assert_ptr_null(m->mod[3].value);
	ck_assert_int_eq(m->mod[4].cmd, '-');
	ck_assert_int_eq(m->mod[5].cmd, '2');
	ck_assert_str_eq(m->mod[5].value, "NOTIFY=NEVER");
	ck_assert_int_eq(m->mod[6].cmd, 'e');
	ck_assert_str_eq(m->mod[6].name, "<s@x>");
	/* CRLF split over two chunks, stored as LF; a last CR kept. */
	n = pread(milter_session_body_fd(r.s), body, sizeof(body), 0);
	ck_assert_int_eq(n, 10);
	ck_assert(memcmp(body, "new\nbody\n\r", 10) == 0);
	run_free(&r);
}
END_TEST

START_TEST(test_session_mods_limits)
{
	struct sess_case *t;
	struct run r;
	char *p;
	size_t i;

	/* MILTER_MODS_MAX + 1 added fields: refused. */
	t = calloc(1, sizeof(*t));
	p = malloc(9 * (MILTER_MODS_MAX + 1) + 5);
	for (i = 0; i <= MILTER_MODS_MAX; i++)
		memcpy(p + 9 * i, "\0\0\0\005hX\0v\0", 9);
	memcpy(p + 9 * i, P_ACCEPT, 5);
	t->actions = MILTER_ACT_ALL;
	t->after['E'].p = p;
	t->after['E'].n = 9 * (MILTER_MODS_MAX + 1) + 5;
	run_case(&r, t, NULL, "", 0);
	ck_assert_int_eq(r.status, MILTER_FAILED);
	ck_assert_ptr_nonnull(strstr(milter_session_why(r.s),
	    "more modifications"));
	run_free(&r);
	free(p);
	free(t);
}
END_TEST

START_TEST(test_session_body_max)
{
	static const struct sess_case t = { .actions = MILTER_ACT_CHGBODY,
	    .after = { ['E'] = BYTES("\0\0\0\006b12345\0\0\0\006b67890"
	    P_ACCEPT) } };
	struct milter_params p;
	struct run r;

	memset(&p, 0, sizeof(p));
	p.sender = "a@example.org";
	p.rcpts = rcpts;
	p.nrcpts = 1;
	p.body_max = 9;
	run_case(&r, &t, &p, "", 0);
	ck_assert_int_eq(r.status, MILTER_FAILED);
	ck_assert_ptr_nonnull(strstr(milter_session_why(r.s),
	    "longer than 9 bytes"));
	run_free(&r);
}
END_TEST

START_TEST(test_session_connect_fails)
{
	struct milter_params p;
	struct milter_session *s;
	const char *err;
	char dir[] = "/tmp/check_milter_session.XXXXXX", spec[128];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(spec, sizeof(spec), "%s/msg", dir);
	ck_assert_int_ne(fd = open(spec, O_RDWR | O_CREAT, 0600), -1);
	write_all(fd, MESSAGE, sizeof(MESSAGE) - 1);
	ck_assert_int_eq(unlink(spec), 0);
	memset(&p, 0, sizeof(p));
	snprintf(spec, sizeof(spec), "unix:%s/nobody-listens", dir);
	ck_assert_int_eq(milter_spec_parse(spec, &p.addr, &err), 0);
	p.sender = "";
	p.rcpts = rcpts;
	p.nrcpts = 1;
	p.msgfd = fd;
	s = milter_session_new(&p);
	ck_assert_int_eq(milter_session_start(s), MILTER_FAILED);
	ck_assert_ptr_nonnull(strstr(milter_session_why(s),
	    "cannot connect"));
	/* Once failed, it stays failed and wants nothing. */
	ck_assert_int_eq(milter_session_step(s, POLLIN), MILTER_FAILED);
	milter_session_free(s);

	/* An unreadable message fails before any connect. */
	close(fd);
	s = milter_session_new(&p);
	ck_assert_int_eq(milter_session_start(s), MILTER_FAILED);
	ck_assert_ptr_nonnull(strstr(milter_session_why(s),
	    "cannot read the message"));
	milter_session_free(s);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *
suite_milter_session(void)
{
	Suite *s = suite_create("milter_session");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_session_table, 0,
	    sizeof(sess_cases) / sizeof(sess_cases[0]));
	tcase_add_test(tc, test_session_packets);
	tcase_add_test(tc, test_session_one_write);
	tcase_add_test(tc, test_session_leadspc_and_local);
	tcase_add_test(tc, test_session_symlist);
	tcase_add_test(tc, test_session_mods);
	tcase_add_test(tc, test_session_mods_limits);
	tcase_add_test(tc, test_session_body_max);
	tcase_add_test(tc, test_session_connect_fails);
	suite_add_tcase(s, tc);
	return s;
}
