/*
 * check_milter_head.c - unit tests for milter_head.c, the header block
 * as the milter code sees it
 *
 * DESCRIPTION
 *	A table of messages, each to the fields it has ("name|bytes" each),
 *	where its body starts and whether an empty line separated the two:
 *	folded fields, a blank before the colon, a block ended by a line
 *	that is no field (the body, as Postfix reads it), a first line that
 *	is a continuation, no body, no LF at the end, CRLF lines.  Each
 *	message is parsed whole, fed one byte at a time, and read from a
 *	file (milter_head_read()); all three must agree with the table.
 *	Then which field is hidden, the HELO name in qmail-smtpd's Received
 *	field, and the limit: a block over MILTER_HEAD_MAX is refused, a
 *	long first body line is not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "milter_head.h"

#define BYTES(s)	s, sizeof(s) - 1

struct head_case {
	const char	*msg;
	size_t		 len;
	const char	*fields;	/* "name|bytes" joined by "~" */
	int		 sep;
	long		 body_off;
};

static const struct head_case head_cases[] = {
	{ BYTES("Subject: hi\nFrom: a@b\n\nbody\n"),
	    "Subject|Subject: hi\n~From|From: a@b\n", 1, 23 },
	{ BYTES("Subject: a\n b\n\tc\nTo: x\n\nbody"),
	    "Subject|Subject: a\n b\n\tc\n~To|To: x\n", 1, 24 },
	{ BYTES("Subject : spaced\n\n"), "Subject|Subject : spaced\n", 1,
	    18 },
	{ BYTES("X:\n\n"), "X|X:\n", 1, 4 },
	/* A line that is no field starts the body, without a separator. */
	{ BYTES("A: 1\nnot a field\nB: 2\n"), "A|A: 1\n", 0, 5 },
	{ BYTES("A: 1\nFrom a@b Mon\n"), "A|A: 1\n", 0, 5 },
	{ BYTES("A: 1\n:colon first\n"), "A|A: 1\n", 0, 5 },
	/* CRLF: "\r" is no field and no empty line: the body. */
	{ BYTES("A: 1\r\n\r\nbody\r\n"), "A|A: 1\r\n", 0, 6 },
	{ BYTES("\nbody\n"), "", 1, 1 },
	{ BYTES("body only\n"), "", 0, 0 },
	{ BYTES(" starts folded\nA: 1\n"), "", 0, 0 },
	{ BYTES(""), "", 0, 0 },
	/* No body, and no LF at the end. */
	{ BYTES("A: 1\nB: 2\n"), "A|A: 1\n~B|B: 2\n", 0, 10 },
	{ BYTES("A: 1\nB: 2"), "A|A: 1\n~B|B: 2", 0, 9 },
	{ BYTES("A: 1\n b"), "A|A: 1\n b", 0, 7 },
	{ BYTES("A: 1\n\n"), "A|A: 1\n", 1, 6 },
	/* A name is bytes 33 to 126 but ':'; a NUL or a space ends it. */
	{ BYTES("A\001B: 1\n\n"), "", 0, 0 },
	{ BYTES("A B: 1\n\n"), "", 0, 0 },
	{ BYTES("!#$: 1\n\n"), "!#$|!#$: 1\n", 1, 8 },
};

/* check_fields - h against the table's case t */
static void
check_fields(int i, const struct head_case *t, const struct milter_head *h,
    const char *how)
{
	char *want, *w, *bar, *tilde;
	size_t k = 0, nlen, blen;
	const struct milter_field *f;

	ck_assert_msg(h->done, "case %d (%s): not done", i, how);
	want = strdup(t->fields);
	for (w = want; *w != '\0';
	    w = tilde != NULL ? tilde + 1 : w + strlen(w)) {
		tilde = strchr(w, '~');
		if (tilde != NULL)
			*tilde = '\0';
		bar = strchr(w, '|');
		nlen = (size_t)(bar - w);
		blen = strlen(bar + 1);
		ck_assert_msg(k < h->nfield, "case %d (%s): got %zu fields, "
		    "want more", i, how, h->nfield);
		f = &h->field[k];
		ck_assert_msg(f->name_len == nlen && memcmp(h->block.data +
		    f->off, w, nlen) == 0,
		    "case %d (%s): field %zu: wrong name", i, how, k);
		ck_assert_msg(f->len == blen && memcmp(h->block.data + f->off,
		    bar + 1, blen) == 0,
		    "case %d (%s): field %zu: got \"%.*s\"", i, how, k,
		    (int)f->len, h->block.data + f->off);
		ck_assert_msg(h->block.data[f->off + f->value_off - 1] == ':',
		    "case %d (%s): field %zu: value_off", i, how, k);
		k++;
		if (tilde == NULL)
			break;
	}
	free(want);
	ck_assert_msg(k == h->nfield, "case %d (%s): got %zu fields, want %zu",
	    i, how, h->nfield, k);
	ck_assert_msg(h->sep == t->sep, "case %d (%s): got sep %d, want %d",
	    i, how, h->sep, t->sep);
	ck_assert_msg(h->body_off == t->body_off, "case %d (%s): got body_off "
	    "%ld, want %ld", i, how, (long)h->body_off, t->body_off);
}

START_TEST(test_head_table)
{
	const struct head_case *t = &head_cases[_i];
	struct milter_head h;
	char path[] = "/tmp/check_milter_head.XXXXXX";
	const char *err;
	size_t k;
	int fd, rc = 0;

	milter_head_init(&h);
	ck_assert_int_eq(milter_head_parse(&h, t->msg, t->len, 1), 1);
	check_fields(_i, t, &h, "whole");
	milter_head_free(&h);

	milter_head_init(&h);
	for (k = 0; k < t->len && rc == 0; k++)
		rc = milter_head_parse(&h, t->msg + k, 1, 0);
	if (rc == 0)
		rc = milter_head_parse(&h, "", 0, 1);
	ck_assert_int_eq(rc, 1);
	check_fields(_i, t, &h, "byte by byte");
	milter_head_free(&h);

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(write(fd, t->msg, t->len), (ssize_t)t->len);
	milter_head_init(&h);
	ck_assert_int_eq(milter_head_read(fd, &h, &err), 0);
	check_fields(_i, t, &h, "file");
	milter_head_free(&h);
	close(fd);
}
END_TEST

/* The hidden field and the HELO name, for a first field. */
struct helo_case {
	const char	*msg;
	int		 hide;
	long		 hidden;
	const char	*helo;
};

static const struct helo_case helo_cases[] = {
	{ "Received: from host.example (HELO helo.example) (1.2.3.4)\n"
	    "  by mx.example with SMTP; 1 Jan 2026\nA: 1\n\n", 1, 0,
	    "helo.example" },
	{ "Received: from host.example (1.2.3.4)\n  by mx\n\n", 1, 0,
	    "host.example" },
	{ "Received: from unknown (HELO x) (user@1.2.3.4)\n\n", 1, 0, "x" },
	{ "received: from h (HELO y) (1.2.3.4)\n\n", 1, 0, "y" },
	{ "Received: from h (HELO y) (1.2.3.4)\n\n", 0, -1, "y" },
	/* Not qmail-smtpd's form: no HELO name from it. */
	{ "Received: (qmail 123 invoked by uid 0); 1 Jan 2026\n\n", 1, 0,
	    NULL },
	{ "Received: from h (HELO ) (1.2.3.4)\n\n", 1, 0, NULL },
	{ "Received: from h (HELO y\n\n", 1, 0, NULL },
	{ "Received: from h\n\n", 1, 0, NULL },
	{ "Received:from h (1.2.3.4)\n\n", 1, 0, NULL },
	{ "Subject: x\nReceived: from h (1.2.3.4)\n\n", 1, -1, NULL },
	{ "\nReceived: from h (1.2.3.4)\n", 1, -1, NULL },
};

START_TEST(test_helo_table)
{
	const struct helo_case *t = &helo_cases[_i];
	struct milter_head h;
	char *helo;

	milter_head_init(&h);
	ck_assert_int_eq(milter_head_parse(&h, t->msg, strlen(t->msg), 1), 1);
	ck_assert_msg(milter_head_hidden(&h, t->hide) == t->hidden,
	    "case %d: got hidden %ld, want %ld", _i,
	    milter_head_hidden(&h, t->hide), t->hidden);
	helo = milter_head_helo(&h);
	if (t->helo == NULL)
		ck_assert_msg(helo == NULL, "case %d: got helo \"%s\", want "
		    "none", _i, helo);
	else
		ck_assert_msg(helo != NULL && strcmp(helo, t->helo) == 0,
		    "case %d: got helo \"%s\", want \"%s\"", _i,
		    helo ? helo : "(none)", t->helo);
	free(helo);
	milter_head_free(&h);
}
END_TEST

START_TEST(test_head_limit)
{
	struct milter_head h;
	char *big;
	size_t n = MILTER_HEAD_MAX + 200, i;
	int rc = 0;

	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	/* Fields of 100 bytes each, past the limit: refused. */
	for (i = 0; i < n; i++)
		big[i] = i % 100 == 99 ? '\n' : i % 100 == 0 ? 'X' :
		    i % 100 == 1 ? ':' : 'a';
	milter_head_init(&h);
	for (i = 0; i < n && rc == 0; i += 4096)
		rc = milter_head_parse(&h, big + i, n - i < 4096 ? n - i : 4096,
		    0);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	milter_head_free(&h);

	/*
	 * One field, then a body line longer than the limit: fine, once a
	 * byte shows it is no field name.
	 */
	memset(big, 'b', n);
	memcpy(big, "A: 1\n", 5);
	big[9] = ' ';
	milter_head_init(&h);
	ck_assert_int_eq(milter_head_parse(&h, big, 65536, 0), 1);
	ck_assert_uint_eq(h.nfield, 1);
	ck_assert_int_eq(h.body_off, 5);
	milter_head_free(&h);

	/* A field name as long as the limit, its colon never seen. */
	memset(big, 'n', n);
	milter_head_init(&h);
	rc = 0;
	for (i = 0; i < n && rc == 0; i += 65536)
		rc = milter_head_parse(&h, big + i, n - i < 65536 ? n - i :
		    65536, 0);
	ck_assert_int_eq(rc, -1);
	milter_head_free(&h);
	free(big);
}
END_TEST

START_TEST(test_head_read_error)
{
	struct milter_head h;
	const char *err = NULL;

	milter_head_init(&h);
	ck_assert_int_eq(milter_head_read(-1, &h, &err), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_ptr_nonnull(err);
	milter_head_free(&h);
}
END_TEST

Suite *
suite_milter_head(void)
{
	Suite *s = suite_create("milter_head");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_head_table, 0,
	    sizeof(head_cases) / sizeof(head_cases[0]));
	tcase_add_loop_test(tc, test_helo_table, 0,
	    sizeof(helo_cases) / sizeof(helo_cases[0]));
	tcase_add_test(tc, test_head_limit);
	tcase_add_test(tc, test_head_read_error);
	suite_add_tcase(s, tc);
	return s;
}
