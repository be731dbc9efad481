/*
 * check_procfd.c - unit tests for procfd.c
 *
 * DESCRIPTION
 *	A child (sleep, started with spawn_program()) that holds the write
 *	end of a pipe on its stdout is found by the pipe's inode, and named
 *	"sleep"; the test itself, which holds only the read end, is not a
 *	writer; skip passes over the child; a pipe nobody else holds gives 0.
 *	procfd_name() of a child that has been reaped is NULL.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "io.h"
#include "procfd.h"
#include "spawn.h"

static char sleep_prog[] = "/bin/sleep", sleep_secs[] = "60";
static char *sleep_argv[] = { sleep_prog, sleep_secs, NULL };
static char *const empty_env[] = { NULL };

/* pipe_ino - the inode /proc names the pipe of fd by */
static ino_t
pipe_ino(int fd)
{
	struct stat sb;

	ck_assert_int_eq(fstat(fd, &sb), 0);
	return sb.st_ino;
}

/* holder - a sleep whose stdout is the write end of a new pipe p */
static pid_t
holder(int p[2])
{
	pid_t pid;
	int rc;

	ck_assert_int_eq(io_pipe(p, 0), 0);
	rc = spawn_program(sleep_argv, empty_env, p[0], p[1], -1, &pid);
	ck_assert_msg(rc == 0, "spawn sleep: %s", strerror(rc));
	ck_assert_int_eq(close(p[1]), 0);
	return pid;
}

static void
reap(pid_t pid)
{
	int st;

	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	while (waitpid(pid, &st, 0) == -1)
		ck_assert_int_eq(errno, EINTR);
}

START_TEST(test_writer_found)
{
	char *name;
	pid_t pid, got;
	int p[2];

	pid = holder(p);
	got = procfd_pipe_writer(pipe_ino(p[0]), getpid());
	ck_assert_msg(got == pid, "got pid %ld, want %ld", (long)got,
	    (long)pid);
	name = procfd_name(pid);
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, "sleep");
	free(name);
	/* Passed over when it is the one to skip. */
	ck_assert_int_eq(procfd_pipe_writer(pipe_ino(p[0]), pid), 0);
	reap(pid);
	ck_assert_ptr_null(procfd_name(pid));
	ck_assert_int_eq(close(p[0]), 0);
}
END_TEST

START_TEST(test_no_writer)
{
	int p[2];
	ino_t ino;

	ck_assert_int_eq(io_pipe(p, 0), 0);
	ino = pipe_ino(p[0]);
	/* Only this process holds it, and it is skipped. */
	ck_assert_int_eq(procfd_pipe_writer(ino, getpid()), 0);
	ck_assert_int_eq(close(p[1]), 0);
	/* Not skipped, but it holds only the read end now. */
	ck_assert_int_eq(procfd_pipe_writer(ino, 0), 0);
	ck_assert_int_eq(close(p[0]), 0);
}
END_TEST

Suite *
suite_procfd(void)
{
	Suite *s = suite_create("procfd");
	TCase *tc = tcase_create("procfd");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_writer_found);
	tcase_add_test(tc, test_no_writer);
	suite_add_tcase(s, tc);
	return s;
}
