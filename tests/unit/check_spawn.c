/*
 * check_spawn.c - unit tests for spawn.c and io.c
 *
 * DESCRIPTION
 *	spawn_program() over a table of programs: an exit status comes back
 *	through waitpid, a missing program is ENOENT, a directory EISDIR and
 *	a file that is not a program (a device, a file without an x bit)
 *	EACCES, all from spawn_program itself and never as an exit code; and
 *	spawn_check(), which "hi-q --check" uses, gives each program of the
 *	table what spawn_program gave.  The fd plan carries bytes from stdin
 *	to stdout; pgid 0 makes the child lead a group of its own.
 *	spawn_fds(): ours on 3 and 4 crossed onto the child's 4 and 3 (each
 *	moved out of the other's way), and a map with a target twice or out
 *	of range refused with EINVAL.
 *	spawn_environ() drops QMAILQUEUE and keeps the rest in order.  io:
 *	io_write_all() and io_read() over a pipe, EPIPE from a pipe with no
 *	reader, EAGAIN after io_set_nonblock(), io_clear_nonblock() and
 *	io_set_nonblock() each changing the flag, and io_cloexec_all()
 *	marking a descriptor.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "io.h"
#include "spawn.h"

struct run_case {
	const char	*argv[4];	/* NULL-terminated */
	int		 rc;		/* spawn_program's */
	int		 code;		/* the exit code, when rc is 0 */
};

static const struct run_case run_cases[] = {
	{ { "/bin/sh", "-c", "exit 0", NULL }, 0, 0 },
	{ { "/bin/sh", "-c", "exit 3", NULL }, 0, 3 },
	{ { "/bin/true", NULL }, 0, 0 },
	{ { "/nonexistent/program", NULL }, ENOENT, 0 },
	{ { "/tmp", NULL }, EISDIR, 0 },
	{ { "/tmp/", NULL }, EISDIR, 0 },
	{ { "/dev/null", NULL }, EACCES, 0 },
	{ { "/etc/passwd", NULL }, EACCES, 0 },	/* no x bit, root or not */
	{ { "/etc/passwd/x", NULL }, ENOTDIR, 0 },
};

static char *const empty_env[] = { NULL };

/* argv_dup - a writable copy of a constant argv, for spawn_program() */
static char **
argv_dup(const char *const *src)
{
	char **v;
	size_t i, n;

	for (n = 0; src[n] != NULL; n++)
		continue;
	v = calloc(n + 1, sizeof(*v));
	ck_assert_ptr_nonnull(v);
	for (i = 0; i < n; i++)
		ck_assert_ptr_nonnull(v[i] = strdup(src[i]));
	return v;
}

static void
argv_free(char **v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * under_valgrind - valgrind runs posix_spawn()'s child without
 * CLONE_VFORK, so an exec failure cannot come back as its return value
 */
static int
under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p != NULL && strstr(p, "vgpreload") != NULL;
}

/* wait_code - the exit code of pid; fails the test for a signal */
static int
wait_code(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "killed by signal %d", WTERMSIG(st));
	return WEXITSTATUS(st);
}

START_TEST(test_run)
{
	const struct run_case *t = &run_cases[_i];
	char **argv = argv_dup(t->argv);
	pid_t pid = 0;
	int rc;

	rc = spawn_program(argv, empty_env, 0, 1, -1, &pid);
	argv_free(argv);
	if (t->rc != 0 && rc == 0 && under_valgrind()) {
		/* Its posix_spawn child cannot report: glibc's exit 127. */
		ck_assert_int_eq(wait_code(pid), 127);
		return;
	}
	ck_assert_msg(rc == t->rc, "case %d: got %s, want %s", _i,
	    strerror(rc), strerror(t->rc));
	if (rc == 0)
		ck_assert_int_eq(wait_code(pid), t->code);
}
END_TEST

/*
 * spawn_check() - what --check says of each program is what a spawn of it
 * returns (the table above)
 */
START_TEST(test_check)
{
	const struct run_case *t = &run_cases[_i];
	int rc;

	rc = spawn_check(t->argv[0]);
	ck_assert_msg(rc == t->rc, "case %d: %s: got %s, want %s", _i,
	    t->argv[0], strerror(rc), strerror(t->rc));
}
END_TEST

START_TEST(test_plumbing)
{
	const char *cat[] = { "/bin/cat", NULL };
	char **argv = argv_dup(cat);
	int in[2], out[2];
	char got[16];
	pid_t pid;

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	ck_assert_int_eq(spawn_program(argv, empty_env, in[0], out[1], 0,
	    &pid), 0);
	argv_free(argv);
	ck_assert_int_eq(getpgid(pid), pid);
	ck_assert_int_eq(close(in[0]), 0);
	ck_assert_int_eq(close(out[1]), 0);
	ck_assert_int_eq(io_write_all(in[1], "hello", 5), 0);
	ck_assert_int_eq(close(in[1]), 0);
	ck_assert_int_eq(io_read(out[0], got, sizeof(got)), 5);
	ck_assert_int_eq(memcmp(got, "hello", 5), 0);
	ck_assert_int_eq(io_read(out[0], got, sizeof(got)), 0);
	ck_assert_int_eq(close(out[0]), 0);
	ck_assert_int_eq(wait_code(pid), 0);
}
END_TEST

/* read_all - what a pipe's read end gives until its end, as a string */
static void
read_all(int fd, char *buf, size_t size)
{
	ssize_t n, len = 0;

	while ((n = io_read(fd, buf + len, size - 1 - (size_t)len)) > 0)
		len += n;
	ck_assert_int_ge(n, 0);
	buf[len] = '\0';
}

START_TEST(test_crossed)
{
	struct spawn_fd map[4], bad[2];
	char ta[4], tb[4], got[32];
	char **argv;
	int a[2], b[2], nul;
	pid_t pid;

	ck_assert_int_eq(pipe2(a, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(b, O_CLOEXEC), 0);
	ck_assert_int_ne(nul = open("/dev/null", O_RDWR | O_CLOEXEC), -1);
	ck_assert_int_le(a[1], SPAWN_TARGET_MAX);
	ck_assert_int_le(b[1], SPAWN_TARGET_MAX);
	/*
	 * Our a[1] becomes the child's b[1] and our b[1] its a[1]: the
	 * child writes "to-a" on b[1]'s number and "to-b" on a[1]'s.
	 */
	snprintf(ta, sizeof(ta), "%d", a[1]);
	snprintf(tb, sizeof(tb), "%d", b[1]);
	{
		const char *v[] = { "/bin/sh", "-c",
		    "echo to-a >&$1; echo to-b >&$2", "sh", tb, ta, NULL };

		argv = argv_dup(v);
	}
	map[0] = (struct spawn_fd){ 0, nul };
	map[1] = (struct spawn_fd){ 1, nul };
	map[2] = (struct spawn_fd){ b[1], a[1] };
	map[3] = (struct spawn_fd){ a[1], b[1] };
	ck_assert_int_eq(spawn_fds(argv, empty_env, map, 4, -1, &pid), 0);
	ck_assert_int_eq(close(a[1]), 0);
	ck_assert_int_eq(close(b[1]), 0);
	ck_assert_int_eq(wait_code(pid), 0);
	read_all(a[0], got, sizeof(got));
	ck_assert_str_eq(got, "to-a\n");
	read_all(b[0], got, sizeof(got));
	ck_assert_str_eq(got, "to-b\n");
	bad[0] = (struct spawn_fd){ 3, nul };
	bad[1] = (struct spawn_fd){ 3, nul };
	ck_assert_int_eq(spawn_fds(argv, empty_env, bad, 2, -1, &pid),
	    EINVAL);
	bad[1] = (struct spawn_fd){ SPAWN_TARGET_MAX + 1, nul };
	ck_assert_int_eq(spawn_fds(argv, empty_env, bad, 2, -1, &pid),
	    EINVAL);
	argv_free(argv);
	ck_assert_int_eq(close(a[0]), 0);
	ck_assert_int_eq(close(b[0]), 0);
	ck_assert_int_eq(close(nul), 0);
}
END_TEST

START_TEST(test_environ)
{
	const char *given[] = { "A=1", "QMAILQUEUE=/var/qmail/bin/hi-q",
	    "QMAILQUEUEX=kept", "B=2", NULL };
	const char *want[] = { "A=1", "QMAILQUEUEX=kept", "B=2", NULL };
	char **env = argv_dup(given), **got;
	size_t i;

	got = spawn_environ(env, "QMAILQUEUE");
	for (i = 0; want[i] != NULL; i++) {
		ck_assert_ptr_nonnull(got[i]);
		ck_assert_str_eq(got[i], want[i]);
	}
	ck_assert_ptr_null(got[i]);
	free(got);
	argv_free(env);
}
END_TEST

START_TEST(test_io)
{
	struct sigaction ign, old;
	char got[8];
	int p[2], fl;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(io_set_nonblock(p[0]), 0);
	ck_assert_int_eq(io_read(p[0], got, sizeof(got)), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(io_clear_nonblock(p[0]), 0);
	ck_assert_int_ne((fl = fcntl(p[0], F_GETFL)), -1);
	ck_assert(!(fl & O_NONBLOCK));
	ck_assert_int_eq(io_clear_nonblock(p[0]), 0);
	ck_assert_int_eq(io_set_nonblock(p[0]), 0);
	ck_assert_int_ne((fl = fcntl(p[0], F_GETFL)), -1);
	ck_assert(fl & O_NONBLOCK);
	ck_assert_int_eq(io_cloexec_all(p[0]), 0);
	ck_assert_int_ne((fl = fcntl(p[1], F_GETFD)), -1);
	ck_assert(fl & FD_CLOEXEC);
	ck_assert_int_eq(io_write_all(p[1], "abc", 3), 0);
	ck_assert_int_eq(io_read(p[0], got, sizeof(got)), 3);

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	ck_assert_int_eq(sigaction(SIGPIPE, &ign, &old), 0);
	ck_assert_int_eq(close(p[0]), 0);
	ck_assert_int_eq(io_write_all(p[1], "abc", 3), -1);
	ck_assert_int_eq(errno, EPIPE);
	ck_assert_int_eq(sigaction(SIGPIPE, &old, NULL), 0);
	ck_assert_int_eq(close(p[1]), 0);
}
END_TEST

Suite *
suite_spawn(void)
{
	Suite *s = suite_create("spawn");
	TCase *tc = tcase_create("spawn");

	tcase_add_loop_test(tc, test_run, 0,
	    sizeof(run_cases) / sizeof(run_cases[0]));
	tcase_add_loop_test(tc, test_check, 0,
	    sizeof(run_cases) / sizeof(run_cases[0]));
	tcase_add_test(tc, test_plumbing);
	tcase_add_test(tc, test_crossed);
	tcase_add_test(tc, test_environ);
	tcase_add_test(tc, test_io);
	suite_add_tcase(s, tc);
	return s;
}
