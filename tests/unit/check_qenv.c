/*
 * check_qenv.c - unit tests for qenv.c, the environment of a stage that
 * sees the envelope
 *
 * DESCRIPTION
 *	A table of envelopes, checked by envelope_check() as the run checks
 *	them, to the variables qenv_make() sets: the sender split at its
 *	last "@" (none, one, several, <>), the recipients each with a
 *	newline, their number, HIQ_RCPT for exactly one, the sizes and the
 *	parent's pid.  The base environment keeps its other variables and
 *	loses the caller's values of ours and QMAILNAME.  Recipients of
 *	exactly QENV_VALUE_MAX bytes pass; one byte more is refused, with
 *	the size and the limit in the reason, and nothing made.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "envelope.h"
#include "qenv.h"
#include "qq.h"

#define BYTES(s)	s, sizeof(s) - 1

struct qenv_case {
	const char	*data;
	size_t		 len;
	const char	*want[10];	/* NAME=VALUE, in the order set */
};

static const struct qenv_case qenv_cases[] = {
	{ BYTES("Falice@example.org\0Tb@example.com\0\0"),
	  { "QMAILUSER=alice", "QMAILHOST=example.org",
	    "QMAILRCPTS=b@example.com\n", "NUMRCPTS=1", "MSGSIZE=1234",
	    "ENVSIZE=35", "QMAILPPID=4711", "HIQ_RCPT=b@example.com",
	    NULL } },
	/* The last "@" splits; <> gives both empty. */
	{ BYTES("F\"a@b\"@example.org\0Tb@x\0Tc@y\0\0"),
	  { "QMAILUSER=\"a@b\"", "QMAILHOST=example.org",
	    "QMAILRCPTS=b@x\nc@y\n", "NUMRCPTS=2", "MSGSIZE=1234",
	    "ENVSIZE=30", "QMAILPPID=4711", NULL } },
	{ BYTES("F\0Tpostmaster@example.com\0\0"),
	  { "QMAILUSER=", "QMAILHOST=", "QMAILRCPTS=postmaster@example.com\n",
	    "NUMRCPTS=1", "MSGSIZE=1234", "ENVSIZE=27", "QMAILPPID=4711",
	    "HIQ_RCPT=postmaster@example.com", NULL } },
	/* No "@": all of it the user. */
	{ BYTES("Flocaluser\0Tb@x\0\0"),
	  { "QMAILUSER=localuser", "QMAILHOST=", "QMAILRCPTS=b@x\n",
	    "NUMRCPTS=1", "MSGSIZE=1234", "ENVSIZE=17", "QMAILPPID=4711",
	    "HIQ_RCPT=b@x", NULL } },
	{ BYTES("Fa@\0\0"),
	  { "QMAILUSER=a", "QMAILHOST=", "QMAILRCPTS=", "NUMRCPTS=0",
	    "MSGSIZE=1234", "ENVSIZE=5", "QMAILPPID=4711", NULL } },
};

static char b0[] = "PATH=/usr/bin", b1[] = "QMAILUSER=eve",
    b2[] = "HIQ_RCPT=evil@example.com", b3[] = "QMAILNAME=Eve",
    b4[] = "RELAYCLIENT=", b5[] = "QMAILHOSTX=kept";
static char *base[] = { b0, b1, b2, b3, b4, b5, NULL };

/* has - is s in env? */
static int
has(char **env, const char *s)
{
	size_t i;

	for (i = 0; env[i] != NULL; i++)
		if (strcmp(env[i], s) == 0)
			return 1;
	return 0;
}

START_TEST(test_qenv)
{
	const struct qenv_case *t = &qenv_cases[_i];
	struct envelope e;
	struct qenv qe;
	char *why;
	size_t i, n;

	ck_assert_int_eq(envelope_check(t->data, t->len, &e), QQ_OK);
	ck_assert_int_eq(qenv_make(&qe, base, &e, 1234, 4711, &why), 0);
	ck_assert_ptr_null(why);
	for (n = 0; t->want[n] != NULL; n++)
		ck_assert_msg(has(qe.env, t->want[n]), "case %d: no \"%s\"",
		    _i, t->want[n]);
	/* PATH, RELAYCLIENT, QMAILHOSTX kept; nothing else of the base. */
	ck_assert(has(qe.env, "PATH=/usr/bin"));
	ck_assert(has(qe.env, "RELAYCLIENT="));
	ck_assert(has(qe.env, "QMAILHOSTX=kept"));
	for (i = 0; qe.env[i] != NULL; i++)
		ck_assert_msg(strncmp(qe.env[i], "QMAILNAME=", 10) != 0 &&
		    strcmp(qe.env[i], "QMAILUSER=eve") != 0 &&
		    strcmp(qe.env[i], "HIQ_RCPT=evil@example.com") != 0,
		    "case %d: got \"%s\"", _i, qe.env[i]);
	ck_assert_uint_eq(i, n + 3);
	qenv_free(&qe);
}
END_TEST

/* envelope_of - "Fa@b\0", then recipients of len bytes each, to total */
static char *
envelope_of(size_t total, size_t len, size_t *size)
{
	char *d, *p;
	size_t n = total / (len + 1), i;

	ck_assert_uint_eq(n * (len + 1), total);
	d = malloc(6 + n * (len + 2) + 1);
	ck_assert_ptr_nonnull(d);
	memcpy(d, "Fa@b", 5);
	p = d + 5;
	for (i = 0; i < n; i++) {
		*p++ = 'T';
		memset(p, 'r', len);
		p[len - 2] = '@';
		p += len;
		*p++ = '\0';
	}
	*p++ = '\0';
	*size = (size_t)(p - d);
	return d;
}

START_TEST(test_qenv_limit)
{
	struct envelope e;
	struct qenv qe;
	size_t size;
	char *d, *why;

	/* 1024 recipients of 63 bytes and a newline: the limit, exactly. */
	d = envelope_of(QENV_VALUE_MAX, 63, &size);
	ck_assert_int_eq(envelope_check(d, size, &e), QQ_OK);
	ck_assert_int_eq(qenv_make(&qe, base, &e, 1, 1, &why), 0);
	qenv_free(&qe);
	free(d);
	/* One recipient longer by a byte: past it. */
	d = envelope_of(QENV_VALUE_MAX, 63, &size);
	d = realloc(d, size + 1);
	ck_assert_ptr_nonnull(d);
	d[size - 2] = 'x';
	d[size - 1] = '\0';
	d[size] = '\0';
	ck_assert_int_eq(envelope_check(d, size + 1, &e), QQ_OK);
	ck_assert_int_eq(qenv_make(&qe, base, &e, 1, 1, &why), -1);
	ck_assert_str_eq(why, "QMAILRCPTS would hold 65537 bytes, more than "
	    "the 65536 an environment value may hold");
	ck_assert_ptr_null(qe.env);
	free(why);
	free(d);
}
END_TEST

Suite *
suite_qenv(void)
{
	Suite *s = suite_create("qenv");
	TCase *tc = tcase_create("qenv");

	tcase_add_loop_test(tc, test_qenv, 0,
	    sizeof(qenv_cases) / sizeof(qenv_cases[0]));
	tcase_add_test(tc, test_qenv_limit);
	suite_add_tcase(s, tc);
	return s;
}
