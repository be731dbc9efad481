/*
 * check_lines.c - unit tests for lines.c
 *
 * DESCRIPTION
 *	A file of hand-written lines read back: empty lines, a last line
 *	without its newline, a line over LINES_MAX (flagged with its first
 *	LINES_MAX bytes, the rest skipped, the next line intact), and lines
 *	that straddle the reader's reads.  With a limit of 8, a table of
 *	inputs to the lines and flags at the edges (8 bytes, 9, a last line
 *	too long, one too long just before the end), and a pipe whose writer
 *	stays open: a line too long is reported before its end is known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "lines.h"

/* read_back - write text to a temporary file and open it for reading */
static int
read_back(const char *text, size_t len)
{
	char path[] = "/tmp/check_lines.XXXXXX";
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

START_TEST(test_short)
{
	static const char text[] = "one\n\nthree\nlast";
	struct lines l;
	char *line;
	size_t len;
	int fd, flags;

	fd = read_back(text, sizeof(text) - 1);
	lines_init(&l, fd, LINES_MAX);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_str_eq(line, "one");
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(flags, 0);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_str_eq(line, "");
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_str_eq(line, "three");
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_str_eq(line, "last");
	ck_assert_int_eq(flags, LINES_NO_NEWLINE);
	ck_assert_uint_eq(lines_number(&l), 4);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 0);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 0);
	lines_free(&l);
	close(fd);
}
END_TEST

START_TEST(test_long)
{
	size_t n = LINES_MAX + 100, i, len;
	struct lines l;
	char *text, *line;
	int fd, flags;

	/* a line of 200 000 bytes, one too long, then "ok" */
	text = malloc(200001 + n + 1 + 3);
	ck_assert_ptr_nonnull(text);
	memset(text, 'a', 200000);
	text[200000] = '\n';
	memset(text + 200001, 'b', n);
	text[200001 + n] = '\n';
	memcpy(text + 200002 + n, "ok\n", 3);
	fd = read_back(text, 200005 + n);
	lines_init(&l, fd, LINES_MAX);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_uint_eq(len, 200000);
	for (i = 0; i < len && line[i] == 'a'; i++)
		continue;
	ck_assert_uint_eq(i, 200000);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_int_eq(flags, LINES_TOO_LONG);
	ck_assert_uint_eq(len, LINES_MAX);
	for (i = 0; i < len && line[i] == 'b'; i++)
		continue;
	ck_assert_uint_eq(i, LINES_MAX);
	ck_assert_int_eq(line[len], '\0');
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_str_eq(line, "ok");
	ck_assert_int_eq(flags, 0);
	ck_assert_uint_eq(lines_number(&l), 3);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 0);
	lines_free(&l);
	close(fd);
	free(text);
}
END_TEST

START_TEST(test_long_last)
{
	size_t n = LINES_MAX + 1, len;
	struct lines l;
	char *text, *line;
	int fd, flags;

	text = malloc(n);
	ck_assert_ptr_nonnull(text);
	memset(text, 'c', n);
	fd = read_back(text, n);
	lines_init(&l, fd, LINES_MAX);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_int_eq(flags, LINES_TOO_LONG);
	ck_assert_uint_eq(len, LINES_MAX);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 0);
	lines_free(&l);
	close(fd);
	free(text);
}
END_TEST

/*
 * With lines of at most 8 bytes: input to the lines lines_next() returns,
 * each with its flags ("L" too long, "N" no newline), as "text/flags"
 * joined by "|".
 */
struct small_case {
	const char	*text;
	const char	*want;
};

static const struct small_case small_cases[] = {
	{ "", "" },
	{ "\n", "/|" },
	{ "01234567\n", "01234567/|" },
	{ "012345678\nok\n", "01234567/L|ok/|" },
	{ "0123456789abcdef0123\nok", "01234567/L|ok/N|" },
	{ "01234567", "01234567/N|" },
	{ "012345678", "01234567/L|" },
	{ "a\n\n0123456789\n\nb\n", "a/|/|01234567/L|/|b/|" },
	{ "0123456789", "01234567/L|" },
};

START_TEST(test_small_table)
{
	const struct small_case *t = &small_cases[_i];
	char got[256], *line;
	struct lines l;
	size_t len, n = 0;
	int fd, flags, rc;

	fd = read_back(t->text, strlen(t->text));
	lines_init(&l, fd, 8);
	got[0] = '\0';
	while ((rc = lines_next(&l, &line, &len, &flags)) == 1) {
		ck_assert_uint_eq(strlen(line), len);
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s/%s%s|",
		    line, flags & LINES_TOO_LONG ? "L" : "",
		    flags & LINES_NO_NEWLINE ? "N" : "");
		ck_assert_uint_lt(n, sizeof(got));
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strcmp(got, t->want) == 0, "case %d: got \"%s\", want "
	    "\"%s\"", _i, got, t->want);
	lines_free(&l);
	close(fd);
}
END_TEST

/*
 * A line too long is reported once its limit is passed, not at its end:
 * the writer of the pipe still holds it open, so waiting for the end
 * would never return (the test's timeout would fail it).
 */
START_TEST(test_too_long_early)
{
	struct lines l;
	char *line;
	size_t len;
	int p[2], flags;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "0123456789", 10), 10);
	lines_init(&l, p[0], 8);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_int_eq(flags, LINES_TOO_LONG);
	ck_assert_str_eq(line, "01234567");
	ck_assert_int_eq(write(p[1], "ab\nnext\n", 8), 8);
	ck_assert_int_eq(close(p[1]), 0);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_str_eq(line, "next");
	ck_assert_int_eq(flags, 0);
	ck_assert_uint_eq(lines_number(&l), 2);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 0);
	lines_free(&l);
	close(p[0]);
}
END_TEST

START_TEST(test_bad_fd)
{
	struct lines l;
	char *line;
	size_t len;
	int flags;

	lines_init(&l, -1, LINES_MAX);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), -1);
	lines_free(&l);
}
END_TEST

Suite *
suite_lines(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("lines");
	tc = tcase_create("read");
	tcase_add_test(tc, test_short);
	tcase_add_test(tc, test_long);
	tcase_add_test(tc, test_long_last);
	tcase_add_loop_test(tc, test_small_table, 0,
	    (int)(sizeof(small_cases) / sizeof(small_cases[0])));
	tcase_add_test(tc, test_too_long_early);
	tcase_add_test(tc, test_bad_fd);
	suite_add_tcase(s, tc);
	return s;
}
