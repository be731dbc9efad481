/*
 * check_milter_edit.c - unit tests for milter_edit.c, a milter's
 * modifications applied
 *
 * DESCRIPTION
 *	A table of cases: a message, an envelope, whether the first Received
 *	field is hidden and the milter negotiated leading spaces, a replaced
 *	body, and a list of modifications (written "cmd|field|field..."
 *	joined by "~"), to the exact message and envelope bytes that must
 *	come out, or to the error for what must be refused.  The rules are
 *	Postfix's (cleanup_milter.c): insert indexes count the hidden field,
 *	change indexes do not, a change past the last field adds one, an
 *	empty value deletes, addresses lose their <>.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "buf.h"
#include "check_suites.h"
#include "milter_edit.h"
#include "milter_session.h"

#define BYTES(s)	s, sizeof(s) - 1

#define MSG	"Received: from h (HELO x) (192.0.2.1)\n  by mx\n" \
		"Subject: hi\nX-Drop: 1\nX-Drop: 2\nTo: b@example.com\n\n" \
		"body\n"
#define HEAD_RCVD	"Received: from h (HELO x) (192.0.2.1)\n  by mx\n"
#define HEAD_REST	"Subject: hi\nX-Drop: 1\nX-Drop: 2\nTo: b@example.com\n"
#define ENV	"Fa@example.org\0Tb@example.com\0Tc@example.com\0\0"

struct edit_case {
	const char	*msg;		/* NULL: MSG */
	size_t		 msg_len;
	const char	*env;		/* NULL: ENV */
	size_t		 env_len;
	int		 hide;
	int		 leadspc;
	const char	*body;		/* a replaced body, or NULL */
	const char	*mods;
	const char	*want;		/* the message, or NULL: an error */
	size_t		 want_len;
	const char	*want_env;	/* NULL: ENV */
	size_t		 want_env_len;
	const char	*err;		/* in the error */
};

static const struct edit_case edit_cases[] = {
	/* 0 */
	{ .hide = 1, .mods = "", .want = BYTES(MSG) },
	{ .hide = 1, .mods = "h|X-A|v", .want = BYTES(HEAD_RCVD HEAD_REST
	    "X-A: v\n\nbody\n") },
	{ .hide = 1, .mods = "i|0|X-Top|t", .want = BYTES("X-Top: t\n"
	    HEAD_RCVD HEAD_REST "\nbody\n") },
	{ .hide = 1, .mods = "i|1|X-Second|s", .want = BYTES(HEAD_RCVD
	    "X-Second: s\n" HEAD_REST "\nbody\n") },
	{ .hide = 1, .mods = "i|99|X-Last|l", .want = BYTES(HEAD_RCVD
	    HEAD_REST "X-Last: l\n\nbody\n") },
	/* 5: change, by name in any case, from 1 (0 reads as 1). */
	{ .hide = 1, .mods = "m|1|subject|new", .want = BYTES(HEAD_RCVD
	    "subject: new\nX-Drop: 1\nX-Drop: 2\nTo: b@example.com\n\n"
	    "body\n") },
	{ .hide = 1, .mods = "m|0|Subject|new", .want = BYTES(HEAD_RCVD
	    "Subject: new\nX-Drop: 1\nX-Drop: 2\nTo: b@example.com\n\n"
	    "body\n") },
	{ .hide = 1, .mods = "m|2|X-Drop|", .want = BYTES(HEAD_RCVD
	    "Subject: hi\nX-Drop: 1\nTo: b@example.com\n\nbody\n") },
	{ .hide = 1, .mods = "m|1|X-Drop|~m|1|X-Drop|", .want =
	    BYTES(HEAD_RCVD "Subject: hi\nTo: b@example.com\n\nbody\n") },
	/* Past the last one: a value adds it, an empty one does nothing. */
	{ .hide = 1, .mods = "m|5|X-Drop|past", .want = BYTES(HEAD_RCVD
	    HEAD_REST "X-Drop: past\n\nbody\n") },
	/* 10 */
	{ .hide = 1, .mods = "m|3|X-Drop|", .want = BYTES(MSG) },
	/* The hidden field is not counted when changing... */
	{ .hide = 1, .mods = "m|1|Received|changed", .want = BYTES(HEAD_RCVD
	    HEAD_REST "Received: changed\n\nbody\n") },
	{ .hide = 1, .mods = "m|1|Received|", .want = BYTES(MSG) },
	/* ...but is when it is not hidden. */
	{ .hide = 0, .mods = "m|1|Received|changed", .want = BYTES(
	    "Received: changed\n" HEAD_REST "\nbody\n") },
	{ .hide = 0, .mods = "i|1|X-Second|s", .want = BYTES(HEAD_RCVD
	    "X-Second: s\n" HEAD_REST "\nbody\n") },
	/* 15: edits see the edits before them. */
	{ .hide = 1, .mods = "i|0|X-Top|t~i|1|X-Next|n~m|1|X-Top|",
	    .want = BYTES("X-Next: n\n" HEAD_RCVD HEAD_REST "\nbody\n") },
	{ .hide = 1, .mods = "h|X-A|1~h|X-A|2~m|2|X-A|two", .want =
	    BYTES(HEAD_RCVD HEAD_REST "X-A: 1\nX-A: two\n\nbody\n") },
	/* Folded values: CRLF as LF; a break must be a fold. */
	{ .hide = 1, .mods = "h|X-Fold|a\r\n\tb\n c", .want =
	    BYTES(HEAD_RCVD HEAD_REST "X-Fold: a\n\tb\n c\n\nbody\n") },
	{ .hide = 1, .mods = "h|X-A|a\nb", .err = "line break" },
	{ .hide = 1, .mods = "h|X-A|a\r\n", .err = "line break" },
	/* 20 */
	{ .hide = 1, .mods = "m|1|Subject|a\nX-Evil: 1", .err =
	    "line break" },
	{ .hide = 1, .mods = "h|X A|v", .err = "header name" },
	{ .hide = 1, .mods = "h|X:A|v", .err = "header name" },
	{ .hide = 1, .mods = "h||v", .err = "header name" },
	/* Leading spaces: the milter's own. */
	{ .hide = 1, .leadspc = 1, .mods = "h|X-A| v~h|X-B|w", .want =
	    BYTES(HEAD_RCVD HEAD_REST "X-A: v\nX-B:w\n\nbody\n") },
	/* 25: recipients and sender, with or without <>. */
	{ .hide = 1, .mods = "+|<d@example.net>~2|e@example.net|NOTIFY=NEVER",
	    .want = BYTES(MSG), .want_env = BYTES("Fa@example.org\0"
	    "Tb@example.com\0Tc@example.com\0Td@example.net\0"
	    "Te@example.net\0\0") },
	{ .hide = 1, .mods = "+|b@example.com~+|<c@example.com>",
	    .want = BYTES(MSG) },
	{ .hide = 1, .mods = "-|<b@example.com>~-|nobody@example.com",
	    .want = BYTES(MSG), .want_env = BYTES("Fa@example.org\0"
	    "Tc@example.com\0\0") },
	{ .hide = 1, .mods = "-|b@example.com~-|c@example.com~+|x@y~-|x@y",
	    .want = BYTES(MSG), .want_env = BYTES("Fa@example.org\0\0") },
	{ .hide = 1, .mods = "e|<new@example.net>|SIZE=1",
	    .want = BYTES(MSG), .want_env = BYTES("Fnew@example.net\0"
	    "Tb@example.com\0Tc@example.com\0\0") },
	/* 30 */
	{ .hide = 1, .mods = "e|<>", .want = BYTES(MSG), .want_env =
	    BYTES("F\0Tb@example.com\0Tc@example.com\0\0") },
	{ .hide = 1, .mods = "+|<>", .err = "empty recipient" },
	{ .hide = 1, .mods = "+|a\tb@c", .err = "control byte" },
	{ .hide = 1, .mods = "e|a\nb@c", .err = "control byte" },
	/* A replaced body; the fields are kept. */
	{ .hide = 1, .body = "new\nbody\n", .mods = "", .want =
	    BYTES(HEAD_RCVD HEAD_REST "\nnew\nbody\n") },
	/* 35: messages of other shapes. */
	{ .msg = BYTES("A: 1\nbody line\n"), .mods = "h|X|v", .want =
	    BYTES("A: 1\nX: v\nbody line\n") },
	{ .msg = BYTES("body only\n"), .mods = "h|X|v", .want =
	    BYTES("X: v\n\nbody only\n") },
	{ .msg = BYTES("A: 1"), .mods = "h|X|v", .want =
	    BYTES("A: 1\nX: v\n") },
	{ .msg = BYTES("A: 1\n\n"), .mods = "m|1|A|", .want = BYTES("\n") },
	{ .msg = BYTES("A: 1\n b\nB: 2\n\nx"), .mods = "m|1|a|new", .want =
	    BYTES("a: new\nB: 2\n\nx") },
	/* 40: an envelope qmail-queue would not take. */
	{ .env = BYTES("Tb@example.com\0\0"), .mods = "", .err =
	    "envelope" },
	{ .env = BYTES("Fa\0Tb"), .mods = "", .err = "envelope" },
};

/* mods_parse - "cmd|a|b~cmd|a" into mods; the strings are malloc'd */
static void
mods_parse(const char *text, struct milter_mods *m)
{
	char *copy, *rec, *next, *f[4];
	size_t nf;
	struct milter_mod *x;

	memset(m, 0, sizeof(*m));
	m->mod = calloc(64, sizeof(*m->mod));
	copy = strdup(text);
	for (rec = copy; *rec != '\0'; rec = next) {
		next = strchr(rec, '~');
		if (next != NULL)
			*next++ = '\0';
		else
			next = rec + strlen(rec);
		for (nf = 0; nf < 4; nf++) {
			f[nf] = rec;
			if ((rec = strchr(rec, '|')) == NULL) {
				nf++;
				break;
			}
			*rec++ = '\0';
		}
		x = &m->mod[m->n++];
		x->cmd = f[0][0];
		switch (x->cmd) {
		case 'i':
		case 'm':
			x->index = (uint32_t)strtoul(f[1], NULL, 10);
			x->name = strdup(f[2]);
			x->value = strdup(nf > 3 ? f[3] : "");
			break;
		case 'h':
			x->name = strdup(f[1]);
			x->value = strdup(nf > 2 ? f[2] : "");
			break;
		default:
			x->name = strdup(f[1]);
			x->value = nf > 2 ? strdup(f[2]) : NULL;
			break;
		}
	}
	free(copy);
}

static void
mods_free(struct milter_mods *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->mod[i].name);
		free(m->mod[i].value);
	}
	free(m->mod);
}

/* file_with - an unlinked temporary file holding p[0..n) */
static int
file_with(const char *p, size_t n)
{
	char path[] = "/tmp/check_milter_edit.XXXXXX";
	int fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	return fd;
}

START_TEST(test_edit_table)
{
	const struct edit_case *t = &edit_cases[_i];
	struct milter_mods m;
	struct buf env;
	const char *err = NULL, *want_env;
	char *got;
	size_t nr = 99, want_env_len;
	off_t len;
	int in, out, body = -1, rc;

	mods_parse(t->mods, &m);
	m.leadspc = t->leadspc;
	in = t->msg != NULL ? file_with(t->msg, t->msg_len) :
	    file_with(MSG, sizeof(MSG) - 1);
	if (t->body != NULL) {
		body = file_with(t->body, strlen(t->body));
		m.body = 1;
	}
	out = file_with("", 0);
	buf_init(&env, 1 << 16);
	rc = milter_edit_apply(in, &m, body, t->hide, t->env != NULL ?
	    t->env : ENV, t->env != NULL ? t->env_len : sizeof(ENV) - 1, out,
	    &env, &nr, &err);
	if (t->want == NULL) {
		ck_assert_msg(rc == -1, "case %d: got %d, want an error", _i,
		    rc);
		ck_assert_msg(err != NULL && strstr(err, t->err) != NULL,
		    "case %d: got error \"%s\", want \"%s\" in it", _i,
		    err ? err : "(none)", t->err);
		goto done;
	}
	ck_assert_msg(rc == 0, "case %d: got an error: %s", _i, err);
	len = lseek(out, 0, SEEK_END);
	got = malloc((size_t)len + 1);
	ck_assert_int_eq(pread(out, got, (size_t)len, 0), len);
	ck_assert_msg((size_t)len == t->want_len && memcmp(got, t->want,
	    t->want_len) == 0, "case %d: got\n%.*s\nwant\n%s", _i, (int)len,
	    got, t->want);
	free(got);
	want_env = t->want_env != NULL ? t->want_env : ENV;
	want_env_len = t->want_env != NULL ? t->want_env_len :
	    sizeof(ENV) - 1;
	ck_assert_msg(env.len == want_env_len && memcmp(env.data, want_env,
	    want_env_len) == 0, "case %d: wrong envelope", _i);
	/* The recipients it counted are the envelope's. */
	{
		size_t k, n = 0;

		for (k = 1; k < env.len; k++)
			if (env.data[k - 1] == '\0' && env.data[k] == 'T')
				n++;
		ck_assert_uint_eq(nr, n);
	}
done:
	buf_free(&env);
	mods_free(&m);
	close(in);
	close(out);
	if (body != -1)
		close(body);
}
END_TEST

START_TEST(test_edit_big)
{
	struct milter_mods m;
	struct buf env;
	const char *err;
	char *msg, *want, *got, *last;
	size_t nr, n, i, hlen, wlen;
	off_t len;
	int in, out;

	/*
	 * 2000 fields and a 3 MB body; the expected bytes are put together
	 * here: the inserted field first, the last field changed, the added
	 * one after it, the body whole.
	 */
	n = 3U << 20;
	msg = malloc(n);
	for (i = 0, hlen = 0; i < 2000; i++)
		hlen += (size_t)sprintf(msg + hlen, "X-%zu: value %zu\n", i,
		    i);
	msg[hlen] = '\n';
	for (i = hlen + 1; i < n; i++)
		msg[i] = i % 64 == 63 ? '\n' : 'b';
	want = malloc(n + 64);
	wlen = (size_t)sprintf(want, "X-Top: t\n");
	last = strstr(msg, "X-1999: ");
	memcpy(want + wlen, msg, (size_t)(last - msg));
	wlen += (size_t)(last - msg);
	wlen += (size_t)sprintf(want + wlen, "X-1999: last\nX-New: n\n");
	memcpy(want + wlen, msg + hlen, n - hlen);
	wlen += n - hlen;

	mods_parse("m|1|X-1999|last~h|X-New|n~i|0|X-Top|t", &m);
	in = file_with(msg, n);
	out = file_with("", 0);
	buf_init(&env, 1 << 16);
	ck_assert_int_eq(milter_edit_apply(in, &m, -1, 1, ENV,
	    sizeof(ENV) - 1, out, &env, &nr, &err), 0);
	len = lseek(out, 0, SEEK_END);
	ck_assert_int_eq(len, (off_t)wlen);
	got = malloc(wlen);
	ck_assert_int_eq(pread(out, got, wlen, 0), len);
	ck_assert(memcmp(got, want, wlen) == 0);
	ck_assert_uint_eq(nr, 2);
	free(got);
	free(want);
	free(msg);
	buf_free(&env);
	mods_free(&m);
	close(in);
	close(out);
}
END_TEST

START_TEST(test_edit_long_address)
{
	struct milter_mods m;
	struct buf env;
	const char *err = NULL;
	char *mods;
	size_t nr, i;
	int in, out, k;

	/* 1002 bytes is the longest qmail-queue takes; 1003 is refused. */
	mods = malloc(4 + 1004);
	for (k = 0; k < 2; k++) {
		memcpy(mods, "+|<", 3);
		for (i = 0; i < 1002 + (size_t)k; i++)
			mods[3 + i] = 'x';
		memcpy(mods + 3 + i, ">", 2);
		mods_parse(mods, &m);
		in = file_with(MSG, sizeof(MSG) - 1);
		out = file_with("", 0);
		buf_init(&env, 1 << 16);
		ck_assert_int_eq(milter_edit_apply(in, &m, -1, 1, ENV,
		    sizeof(ENV) - 1, out, &env, &nr, &err), k == 0 ? 0 : -1);
		if (k == 0)
			ck_assert_uint_eq(nr, 3);
		else
			ck_assert_ptr_nonnull(strstr(err,
			    "longer than qmail-queue takes"));
		buf_free(&env);
		mods_free(&m);
		close(in);
		close(out);
	}
	free(mods);
}
END_TEST

START_TEST(test_edit_write_error)
{
	struct milter_mods m;
	struct buf env;
	const char *err = NULL;
	size_t nr;
	int in, ro;

	mods_parse("h|X|v", &m);
	in = file_with(MSG, sizeof(MSG) - 1);
	buf_init(&env, 1 << 16);
	/* A descriptor open for reading only. */
	ck_assert_int_ne(ro = open("/dev/null", O_RDONLY | O_CLOEXEC), -1);
	ck_assert_int_eq(milter_edit_apply(in, &m, -1, 1, ENV,
	    sizeof(ENV) - 1, ro, &env, &nr, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot write"));
	/* A message that cannot be read. */
	ck_assert_int_eq(milter_edit_apply(-1, &m, -1, 1, ENV,
	    sizeof(ENV) - 1, in, &env, &nr, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read"));
	buf_free(&env);
	mods_free(&m);
	close(in);
	close(ro);
}
END_TEST

Suite *
suite_milter_edit(void)
{
	Suite *s = suite_create("milter_edit");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_edit_table, 0,
	    sizeof(edit_cases) / sizeof(edit_cases[0]));
	tcase_add_test(tc, test_edit_big);
	tcase_add_test(tc, test_edit_long_address);
	tcase_add_test(tc, test_edit_write_error);
	suite_add_tcase(s, tc);
	return s;
}
