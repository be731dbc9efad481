/*
 * check_envelope.c - unit tests for envelope.c, the qmail-queue envelope
 *
 * DESCRIPTION
 *	Table-driven: envelope bytes to the code qmail-queue would exit with
 *	(QQ_OK, QQ_READ_ERROR for empty or truncated input, QQ_ENVELOPE_FORMAT
 *	for a bad tag, QQ_ADDR_TOO_LONG), and on success the sender, the
 *	recipient count and the bytes used.  Separate tables cover addresses
 *	at and past QQ_ADDR_MAX (1002 bytes), in the sender and in a
 *	recipient; one test reads 5000 recipients.  The expected values are
 *	those measured with notqmail's qmail-queue (docs/QMAIL-QUEUE.md).
 *
 *	envelope_more(): every table and long case, fed in growing prefixes
 *	(1 to 7 bytes more each time, the data copied anew each time, as a
 *	growing buffer moves), answers at every step what envelope_check()
 *	answers for that prefix, and ends with the same sender, count and
 *	bytes used.  A million recipients fed 4 KiB at a time, as qq-sink
 *	reads them, are counted whole.
 *
 *	envelope_take(), the reader of a qfilter's fd 4: each code with its
 *	words for the log, trailing bytes ignored.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "envelope.h"
#include "qq.h"

/* A string literal and its length, NUL bytes included. */
#define BYTES(s)	s, sizeof(s) - 1

struct env_case {
	const char	*data;
	size_t		 len;
	int		 code;
	const char	*sender;	/* on QQ_OK only */
	size_t		 sender_len;
	size_t		 rcpts;
	size_t		 used;
};

static const struct env_case env_cases[] = {
	/* Well formed. */
	{ BYTES("Fa@example.org\0Tb@example.com\0Tc@example.com\0\0"),
	    QQ_OK, "a@example.org", 13, 2, 46 },
	{ BYTES("Fa@example.org\0Tb@example.com\0\0"),
	    QQ_OK, "a@example.org", 13, 1, 31 },
	{ BYTES("F\0Tpostmaster@example.com\0\0"),
	    QQ_OK, "", 0, 1, 27 },
	{ BYTES("F\0T\0\0"), QQ_OK, "", 0, 1, 5 },
	/* No recipients: qmail-queue accepts it. */
	{ BYTES("F\0\0"), QQ_OK, "", 0, 0, 3 },
	{ BYTES("Fa@b\0\0"), QQ_OK, "a@b", 3, 0, 6 },
	/* What follows the final NUL is not part of the envelope. */
	{ BYTES("Fa@b\0Tc@d\0\0garbage"), QQ_OK, "a@b", 3, 1, 11 },
	{ BYTES("F\0\0\0\0"), QQ_OK, "", 0, 0, 3 },
	{ BYTES("Fa\0Tb\0\0Tc\0\0"), QQ_OK, "a", 1, 1, 7 },

	/* Empty or truncated: qmail-queue's read error. */
	{ "", 0, QQ_READ_ERROR, NULL, 0, 0, 0 },
	{ BYTES("F"), QQ_READ_ERROR, NULL, 0, 0, 0 },
	{ BYTES("Fa@example.org"), QQ_READ_ERROR, NULL, 0, 0, 0 },
	{ BYTES("Fa@example.org\0"), QQ_READ_ERROR, NULL, 0, 0, 0 },
	{ BYTES("Fa@example.org\0T"), QQ_READ_ERROR, NULL, 0, 0, 0 },
	{ BYTES("Fa@example.org\0Tb@example.com"), QQ_READ_ERROR,
	    NULL, 0, 0, 0 },
	/* The final NUL is missing. */
	{ BYTES("Fa@example.org\0Tb@example.com\0"), QQ_READ_ERROR,
	    NULL, 0, 0, 0 },
	{ BYTES("F\0"), QQ_READ_ERROR, NULL, 0, 0, 0 },

	/* No leading F, or a tag other than T. */
	{ BYTES("Ta@example.org\0\0"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	{ BYTES("\0"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	{ BYTES("f\0\0"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	{ BYTES("X"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	{ BYTES("Fa\0Xb\0\0"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	{ BYTES("Fa\0Tb\0Fc\0\0"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	{ BYTES("Fa\0tb\0\0"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	/* The bad tag is met before the data runs out. */
	{ BYTES("Fa\0Xb"), QQ_ENVELOPE_FORMAT, NULL, 0, 0, 0 },
	/* The first problem from the start decides. */
	{ BYTES("Fa\0Tb"), QQ_READ_ERROR, NULL, 0, 0, 0 },
};

static void	assert_pieces(const char *, size_t, int);

/*
 * assert_pieces - data[0..len) fed to envelope_more() step bytes more
 * each time, against envelope_check() of every prefix
 */
static void
assert_pieces(const char *data, size_t len, int n)
{
	struct envelope more, whole;
	size_t step, at;
	char *copy;
	int rm, rw;

	for (step = 1; step <= 7; step++) {
		memset(&more, 0, sizeof(more));
		rm = QQ_READ_ERROR;
		for (at = 0; rm == QQ_READ_ERROR; at += step) {
			if (at > len)
				at = len;
			/* A fresh copy each time: the data moves. */
			copy = malloc(at + 1);
			ck_assert_ptr_nonnull(copy);
			memcpy(copy, data, at);
			rm = envelope_more(copy, at, &more);
			rw = envelope_check(copy, at, &whole);
			ck_assert_msg(rm == rw, "case %d, %zu bytes in steps of "
			    "%zu: got code %d, want %d", n, at, step, rm, rw);
			if (rm == QQ_OK) {
				ck_assert_msg(more.rcpts == whole.rcpts &&
				    more.used == whole.used &&
				    more.sender_len == whole.sender_len &&
				    more.sender == copy + 1, "case %d, steps of "
				    "%zu: got rcpts %zu used %zu sender_len %zu, "
				    "want %zu %zu %zu", n, step, more.rcpts,
				    more.used, more.sender_len, whole.rcpts,
				    whole.used, whole.sender_len);
			}
			free(copy);
			if (at == len)
				break;
		}
	}
}

/*
 * assert_walk - envelope_rcpt() over a checked envelope gives env's count
 * of recipients, each inside the bytes env used
 */
static void
assert_walk(const struct envelope *env, const char *data, int i)
{
	const char *r;
	size_t n = 0;

	for (r = envelope_rcpt(env, NULL); r != NULL;
	    r = envelope_rcpt(env, r)) {
		ck_assert_msg(r > data && r + strlen(r) < data + env->used,
		    "case %d: recipient %zu outside the envelope", i, n);
		n++;
	}
	ck_assert_msg(n == env->rcpts, "case %d: walked %zu recipients, "
	    "want %zu", i, n, env->rcpts);
}

START_TEST(test_envelope_table)
{
	const struct env_case *t = &env_cases[_i];
	struct envelope env;
	int code;

	code = envelope_check(t->data, t->len, &env);
	ck_assert_msg(code == t->code, "case %d: got code %d, want %d",
	    _i, code, t->code);
	assert_pieces(t->data, t->len, _i);
	if (t->code != QQ_OK)
		return;
	ck_assert_msg(env.sender_len == t->sender_len,
	    "case %d: got sender_len %zu, want %zu", _i, env.sender_len,
	    t->sender_len);
	ck_assert_msg(env.sender == t->data + 1,
	    "case %d: got sender at offset %td, want 1", _i,
	    env.sender - t->data);
	ck_assert_msg(memcmp(env.sender, t->sender, t->sender_len) == 0,
	    "case %d: got sender \"%.*s\", want \"%s\"", _i,
	    (int)env.sender_len, env.sender, t->sender);
	ck_assert_msg(env.rcpts == t->rcpts,
	    "case %d: got rcpts %zu, want %zu", _i, env.rcpts, t->rcpts);
	ck_assert_msg(env.used == t->used,
	    "case %d: got used %zu, want %zu", _i, env.used, t->used);
	assert_walk(&env, t->data, _i);
}
END_TEST

/*
 * Walking the recipients: each past its T, in order, even an empty one;
 * the sender's bytes and what follows the final NUL never taken for one.
 */
START_TEST(test_envelope_rcpt)
{
	static const char data[] = "Fa@example.org\0Tb@example.com\0T\0"
	    "Tc@example.net\0\0Tnot@one\0\0";
	static const char none[] = "F\0\0";
	struct envelope env;
	const char *r;

	ck_assert_int_eq(envelope_check(BYTES(data), &env), QQ_OK);
	r = envelope_rcpt(&env, NULL);
	ck_assert_str_eq(r, "b@example.com");
	ck_assert_ptr_eq(r, data + 16);
	r = envelope_rcpt(&env, r);
	ck_assert_str_eq(r, "");
	r = envelope_rcpt(&env, r);
	ck_assert_str_eq(r, "c@example.net");
	ck_assert_ptr_null(envelope_rcpt(&env, r));
	/* qmail-queue takes no recipient at all; the walk gives none. */
	ck_assert_int_eq(envelope_check(BYTES(none), &env), QQ_OK);
	ck_assert_ptr_null(envelope_rcpt(&env, NULL));
}
END_TEST

/*
 * Long addresses, built at run time: in the sender ('F') or in the one
 * recipient ('T'), addr_len bytes, followed by the rest of a correct
 * envelope or, when not terminated, by nothing at all.
 */
struct long_case {
	char	 where;
	size_t	 addr_len;
	int	 terminated;
	int	 code;
	size_t	 used;		/* on QQ_OK */
};

static const struct long_case long_cases[] = {
	/* F + 1002 + \0, Tb\0, \0 */
	{ 'F', 1002, 1, QQ_OK, 1008 },
	{ 'F', 1003, 1, QQ_ADDR_TOO_LONG, 0 },
	{ 'F', 5000, 1, QQ_ADDR_TOO_LONG, 0 },
	/* qmail-queue gives up after 1003 bytes without a NUL... */
	{ 'F', 1003, 0, QQ_ADDR_TOO_LONG, 0 },
	/* ...but fewer than that is a read error. */
	{ 'F', 1002, 0, QQ_READ_ERROR, 0 },
	{ 'F', 500, 0, QQ_READ_ERROR, 0 },
	/* Fs\0, T + 1002 + \0, \0 */
	{ 'T', 1002, 1, QQ_OK, 1008 },
	{ 'T', 1003, 1, QQ_ADDR_TOO_LONG, 0 },
	{ 'T', 1003, 0, QQ_ADDR_TOO_LONG, 0 },
	{ 'T', 1002, 0, QQ_READ_ERROR, 0 },
};

START_TEST(test_envelope_long)
{
	const struct long_case *t = &long_cases[_i];
	struct envelope env;
	char *data;
	size_t len = 0;
	int code;

	data = malloc(t->addr_len + 16);
	ck_assert_ptr_nonnull(data);
	if (t->where == 'F') {
		data[len++] = 'F';
		memset(data + len, 'a', t->addr_len);
		len += t->addr_len;
		if (t->terminated) {
			memcpy(data + len, "\0Tb\0\0", 5);
			len += 5;
		}
	} else {
		memcpy(data, "Fs\0T", 4);
		len = 4;
		memset(data + len, 'b', t->addr_len);
		len += t->addr_len;
		if (t->terminated) {
			memcpy(data + len, "\0\0", 2);
			len += 2;
		}
	}
	code = envelope_check(data, len, &env);
	assert_pieces(data, len, _i);
	if (code == QQ_OK) {
		ck_assert_msg(env.used == t->used,
		    "case %d: got used %zu, want %zu", _i, env.used, t->used);
		ck_assert_msg(env.rcpts == 1, "case %d: got rcpts %zu, want 1",
		    _i, env.rcpts);
		if (t->where == 'F')
			ck_assert_msg(env.sender_len == 1002,
			    "case %d: got sender_len %zu, want 1002", _i,
			    env.sender_len);
	}
	free(data);
	ck_assert_msg(code == t->code, "case %d: got code %d, want %d",
	    _i, code, t->code);
}
END_TEST

/* 5000 recipients "Tr@x\0": 2 + 5000 * 5 + 1 bytes. */
START_TEST(test_envelope_many_rcpts)
{
	struct envelope env;
	char *data;
	size_t i, len = 0;
	int code;

	data = malloc(25003 + 10);
	ck_assert_ptr_nonnull(data);
	memcpy(data, "F\0", 2);
	len = 2;
	for (i = 0; i < 5000; i++) {
		memcpy(data + len, "Tr@x\0", 5);
		len += 5;
	}
	data[len++] = '\0';
	memcpy(data + len, "extra", 5);
	len += 5;
	code = envelope_check(data, len, &env);
	free(data);
	ck_assert_msg(code == QQ_OK, "got code %d, want QQ_OK", code);
	ck_assert_msg(env.rcpts == 5000, "got rcpts %zu, want 5000",
	    env.rcpts);
	ck_assert_msg(env.used == 25003, "got used %zu, want 25003",
	    env.used);
	ck_assert_msg(env.sender_len == 0, "got sender_len %zu, want 0",
	    env.sender_len);
}
END_TEST

/*
 * A million recipients "Tr@x\0", read as qq-sink reads them: 4 KiB more
 * each time, into a buffer that grows.
 */
START_TEST(test_envelope_million)
{
	struct envelope env;
	char *data;
	size_t i, len, at, n = 1000000;
	int code = QQ_READ_ERROR;

	len = 2 + n * 5 + 1;
	data = malloc(len);
	ck_assert_ptr_nonnull(data);
	memcpy(data, "F\0", 2);
	for (i = 0; i < n; i++)
		memcpy(data + 2 + i * 5, "Tr@x\0", 5);
	data[len - 1] = '\0';
	memset(&env, 0, sizeof(env));
	for (at = 0; code == QQ_READ_ERROR && at < len; ) {
		at = len - at > 4096 ? at + 4096 : len;
		code = envelope_more(data, at, &env);
	}
	free(data);
	ck_assert_msg(code == QQ_OK, "got code %d, want QQ_OK", code);
	ck_assert_msg(env.rcpts == n, "got rcpts %zu, want %zu", env.rcpts,
	    n);
	ck_assert_msg(env.used == len, "got used %zu, want %zu", env.used,
	    len);
}
END_TEST

/* A failed check leaves no stale count from an earlier call. */
START_TEST(test_envelope_reset)
{
	struct envelope env;
	int code;

	code = envelope_check(BYTES("Fa\0Tb\0Tc\0\0"), &env);
	ck_assert_msg(code == QQ_OK, "got code %d, want QQ_OK", code);
	ck_assert_msg(env.rcpts == 2, "got rcpts %zu, want 2", env.rcpts);
	code = envelope_check("", 0, &env);
	ck_assert_msg(code == QQ_READ_ERROR, "got code %d, want %d", code,
	    QQ_READ_ERROR);
	ck_assert_msg(env.rcpts == 0, "got rcpts %zu, want 0", env.rcpts);
	ck_assert_msg(env.used == 0, "got used %zu, want 0", env.used);
}
END_TEST

/* envelope_take(): the fd 4 reader's code and words for what is wrong. */
struct take_case {
	const char	*data;
	size_t		 len;
	int		 code;
	const char	*why;		/* NULL on QQ_OK */
	size_t		 rcpts;
};

static const struct take_case take_cases[] = {
	{ BYTES("Fa@b\0Tc@d\0Te@f\0\0"), QQ_OK, NULL, 2 },
	{ BYTES("F\0\0"), QQ_OK, NULL, 0 },
	{ BYTES("Fa@b\0Tc@d\0\0trailing"), QQ_OK, NULL, 1 },
	{ "", 0, QQ_READ_ERROR, "it is empty", 0 },
	{ BYTES("Fa@b\0Tc@d\0"), QQ_READ_ERROR,
	  "it ends before its final NUL", 0 },
	{ BYTES("Fa@b"), QQ_READ_ERROR, "it ends before its final NUL", 0 },
	{ BYTES("Ta@b\0\0"), QQ_ENVELOPE_FORMAT, "it does not start with F",
	  0 },
	{ BYTES("Fa@b\0Xc@d\0\0"), QQ_ENVELOPE_FORMAT,
	  "a recipient is not tagged T", 0 },
};

START_TEST(test_envelope_take)
{
	const struct take_case *t = &take_cases[_i];
	struct envelope env;
	const char *why;
	int code;

	code = envelope_take(t->data, t->len, &env, &why);
	ck_assert_msg(code == t->code, "case %d: got code %d, want %d", _i,
	    code, t->code);
	if (t->why == NULL) {
		ck_assert_ptr_null(why);
		ck_assert_uint_eq(env.rcpts, t->rcpts);
	} else
		ck_assert_str_eq(why, t->why);
}
END_TEST

START_TEST(test_envelope_take_long)
{
	char d[QQ_ADDR_MAX + 10];
	struct envelope env;
	const char *why;

	memset(d, 'a', sizeof(d));
	d[0] = 'F';
	ck_assert_int_eq(envelope_take(d, sizeof(d), &env, &why),
	    QQ_ADDR_TOO_LONG);
	ck_assert_str_eq(why, "an address is longer than 1002 bytes");
}
END_TEST

Suite *
suite_envelope(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("envelope");

	tc = tcase_create("table");
	tcase_add_loop_test(tc, test_envelope_table, 0,
	    (int)(sizeof(env_cases) / sizeof(env_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("long");
	tcase_add_loop_test(tc, test_envelope_long, 0,
	    (int)(sizeof(long_cases) / sizeof(long_cases[0])));
	tcase_add_test(tc, test_envelope_many_rcpts);
	tcase_add_test(tc, test_envelope_million);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_envelope_reset);
	tcase_add_test(tc, test_envelope_rcpt);
	suite_add_tcase(s, tc);

	tc = tcase_create("take");
	tcase_add_loop_test(tc, test_envelope_take, 0,
	    (int)(sizeof(take_cases) / sizeof(take_cases[0])));
	tcase_add_test(tc, test_envelope_take_long);
	suite_add_tcase(s, tc);

	return s;
}
