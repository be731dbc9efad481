/*
 * check_spool.c - unit tests for spool.c, the nameless file a message
 * waits in
 *
 * DESCRIPTION
 *	Both ways of making the file (spool_open(), O_TMPFILE where the
 *	filesystem has it, and spool_open_named(), made and unlinked) are
 *	checked for what hi-q relies on: the directory stays empty, the
 *	descriptor is close-on-exec and private (mode 0600), what is written
 *	reads back whole after spool_rewind(), and a second file is a new
 *	one.  The errors: a missing directory (ENOENT), a file given as the
 *	directory (ENOTDIR), and spool_rewind() on a pipe (ESPIPE).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "spool.h"

static char dir[] = "/tmp/check_spool.XXXXXX";

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	ck_assert_int_eq(rmdir(dir), 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

/* entries - how many names the directory holds, . and .. aside */
static int
entries(const char *path)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d = opendir(path));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	ck_assert_int_eq(closedir(d), 0);
	return n;
}

/* check_file - what hi-q needs from a spool file, whichever way made */
static void
check_file(int fd)
{
	static const char msg[] = "Subject: spool\n\nbody\n";
	char back[sizeof(msg)];
	struct stat st;
	int flags;

	ck_assert_msg(fd >= 0, "got fd %d (%s), want a descriptor", fd,
	    strerror(errno));
	ck_assert_msg(entries(dir) == 0, "got %d names in %s, want none",
	    entries(dir), dir);
	flags = fcntl(fd, F_GETFD);
	ck_assert_msg(flags != -1 && (flags & FD_CLOEXEC),
	    "got fd flags %#x, want FD_CLOEXEC", flags);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "got mode %04o, want 0600",
	    (unsigned)(st.st_mode & 07777));
	ck_assert_msg(st.st_nlink == 0, "got %lu links, want 0",
	    (unsigned long)st.st_nlink);
	ck_assert_int_eq(write(fd, msg, sizeof(msg) - 1), sizeof(msg) - 1);
	ck_assert_int_eq(spool_rewind(fd), 0);
	ck_assert_int_eq(read(fd, back, sizeof(back)), sizeof(msg) - 1);
	ck_assert_mem_eq(back, msg, sizeof(msg) - 1);
	ck_assert_int_eq(close(fd), 0);
}

START_TEST(test_open)
{
	int a, b;

	check_file(spool_open(dir));
	/* Two messages at once get two files. */
	a = spool_open(dir);
	b = spool_open(dir);
	ck_assert_int_ge(a, 0);
	ck_assert_int_ge(b, 0);
	ck_assert_int_eq(write(a, "a", 1), 1);
	ck_assert_int_eq(lseek(b, 0, SEEK_END), 0);
	ck_assert_int_eq(close(a), 0);
	ck_assert_int_eq(close(b), 0);
}
END_TEST

START_TEST(test_open_named)
{
	check_file(spool_open_named(dir));
}
END_TEST

/* expect_errno - both ways of making a spool in path fail with want */
static void
expect_errno(const char *path, int want)
{
	errno = 0;
	ck_assert_int_eq(spool_open(path), -1);
	ck_assert_msg(errno == want, "spool_open: got errno %d, want %d",
	    errno, want);
	errno = 0;
	ck_assert_int_eq(spool_open_named(path), -1);
	ck_assert_msg(errno == want, "spool_open_named: got errno %d, want %d",
	    errno, want);
}

START_TEST(test_missing_dir)
{
	char *path;

	ck_assert_int_ne(asprintf(&path, "%s/gone", dir), -1);
	expect_errno(path, ENOENT);
	free(path);
}
END_TEST

START_TEST(test_not_a_dir)
{
	char *path;
	int fd;

	ck_assert_int_ne(asprintf(&path, "%s/file", dir), -1);
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_CREAT, 0600), 0);
	ck_assert_int_eq(close(fd), 0);
	expect_errno(path, ENOTDIR);
	ck_assert_int_eq(unlink(path), 0);
	free(path);
}
END_TEST

START_TEST(test_rewind_pipe)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	errno = 0;
	ck_assert_int_eq(spool_rewind(p[0]), -1);
	ck_assert_msg(errno == ESPIPE, "got errno %d, want ESPIPE", errno);
	ck_assert_int_eq(close(p[0]), 0);
	ck_assert_int_eq(close(p[1]), 0);
}
END_TEST

Suite *
suite_spool(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("spool");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_open_named);
	tcase_add_test(tc, test_missing_dir);
	tcase_add_test(tc, test_not_a_dir);
	tcase_add_test(tc, test_rewind_pipe);
	suite_add_tcase(s, tc);
	return s;
}
