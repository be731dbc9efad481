/*
 * check_lines.c - unit tests for lines.c
 *
 * DESCRIPTION
 *	A file of hand-written lines read back: empty lines, a last line
 *	without its newline, a line over LINES_MAX (skipped, flagged, the
 *	next line intact), and lines that straddle the reader's reads.
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
	lines_init(&l, fd);
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
	lines_init(&l, fd);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_uint_eq(len, 200000);
	for (i = 0; i < len && line[i] == 'a'; i++)
		continue;
	ck_assert_uint_eq(i, 200000);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_int_eq(flags, LINES_TOO_LONG);
	ck_assert_uint_eq(len, 0);
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
	lines_init(&l, fd);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 1);
	ck_assert_int_eq(flags, LINES_TOO_LONG | LINES_NO_NEWLINE);
	ck_assert_int_eq(lines_next(&l, &line, &len, &flags), 0);
	lines_free(&l);
	close(fd);
	free(text);
}
END_TEST

START_TEST(test_bad_fd)
{
	struct lines l;
	char *line;
	size_t len;
	int flags;

	lines_init(&l, -1);
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
	tcase_add_test(tc, test_bad_fd);
	suite_add_tcase(s, tc);
	return s;
}
