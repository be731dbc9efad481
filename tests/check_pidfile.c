/*
 * check_pidfile.c - unit tests for src/pidfile.c
 *
 * DESCRIPTION
 *	A pidfile's lock belongs to a process, and a process cannot see its
 *	own lock, so every lock here is held by a child ("holder") that the
 *	test starts and ends through pipes; the test process only queries.
 *	Each test gets a fresh temporary directory.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "pidfile.h"
#include "signame.h"

enum hold {
	HOLD_PLAIN,		/* lock, then wait for release */
	HOLD_PGRP,		/* the same, as a process group leader */
	HOLD_EXEC,		/* lock, then exec cat, reading the release */
	HOLD_GRANDCHILD		/* group leader with a child that pauses */
};

struct holder {
	pid_t	pid;
	int	release;	/* write end: closing it ends the holder */
	int	grandchild;	/* read end: EOF once the grandchild is gone */
};

static char dir[] = "/tmp/check_pidfile.XXXXXX";
static char path[sizeof(dir) + 16];
static char tmppath[sizeof(path) + 8];

static void	setup(void);
static void	teardown(void);
static void	write_file(const char *, const char *);
static char	*slurp(const char *);
static void	child_signals(void);
static void	holder_start(struct holder *, enum hold);
static int	holder_end(struct holder *);

static void
setup(void)
{
	strcpy(dir, "/tmp/check_pidfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.pid", dir);
	snprintf(tmppath, sizeof(tmppath), "%s.tmp", path);
}

static void
teardown(void)
{
	char sub[sizeof(dir) + 16];

	(void)unlink(path);
	(void)unlink(tmppath);
	snprintf(sub, sizeof(sub), "%s/file", dir);
	(void)unlink(sub);
	(void)rmdir(dir);
}

static void
write_file(const char *name, const char *text)
{
	FILE *f;

	f = fopen(name, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* slurp - the first bytes of a file, as a string (static buffer) */
static char *
slurp(const char *name)
{
	static char text[64];
	ssize_t n;
	int fd;

	fd = open(name, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, text, sizeof(text) - 1);
	ck_assert_int_ge(n, 0);
	text[n] = '\0';
	close(fd);
	return text;
}

/*
 * child_signals - default dispositions and an empty mask
 *
 *	Check's own handlers (its SIGTERM handler kills the whole process
 *	group) must not survive into a holder that a test signals.
 */
static void
child_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGALRM,
	    SIGTERM, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2 };
	sigset_t none;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)signal(sigs[i], SIG_DFL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * holder_start - fork a child that creates the pidfile and holds it
 *
 *	Returns once the child holds the lock (and, for HOLD_EXEC, has
 *	exec'd: the ready pipe is close-on-exec, so its EOF means exec).
 */
static void
holder_start(struct holder *h, enum hold how)
{
	int ready[2], rel[2], gc[2];
	pid_t other, g;
	char c;
	ssize_t n;
	int got = 0;

	ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe(rel), 0);
	ck_assert_int_eq(pipe(gc), 0);
	h->pid = fork();
	ck_assert_int_ne(h->pid, -1);
	if (h->pid == 0) {
		/* WARNING: child; ends with _exit, never returns. */
		child_signals();
		close(ready[0]);
		close(rel[1]);
		close(gc[0]);
		if (how != HOLD_PLAIN && how != HOLD_EXEC && setpgid(0, 0))
			_exit(1);
		if (pidfile_create(path, getpid(), &other) == -1)
			_exit(2);
		if (how == HOLD_GRANDCHILD) {
			if ((g = fork()) == -1)
				_exit(3);
			if (g == 0) {
				/* Keeps gc[1] open until it dies. */
				close(ready[1]);
				close(rel[0]);
				for (;;)
					pause();
			}
		}
		close(gc[1]);
		if (write(ready[1], "x", 1) != 1)
			_exit(4);
		if (how == HOLD_EXEC) {
			if (dup2(rel[0], 0) == -1)
				_exit(5);
			execl("/bin/cat", "cat", (char *)NULL);
			_exit(127);
		}
		close(ready[1]);
		while (read(rel[0], &c, 1) > 0)
			continue;
		_exit(0);
	}
	close(ready[1]);
	close(rel[0]);
	close(gc[1]);
	while ((n = read(ready[0], &c, 1)) != 0) {
		ck_assert_int_eq(n, 1);
		got = 1;
	}
	close(ready[0]);
	ck_assert_msg(got, "holder failed to create the pidfile");
	h->release = rel[1];
	h->grandchild = gc[0];
}

/* holder_end - let the holder exit; returns its wait status */
static int
holder_end(struct holder *h)
{
	int st;

	close(h->release);
	ck_assert_int_eq(waitpid(h->pid, &st, 0), h->pid);
	return st;
}

START_TEST(test_create_running)
{
	struct holder h;
	struct stat sb;
	pid_t pid = -1;
	char want[32];

	holder_start(&h, HOLD_PLAIN);
	snprintf(want, sizeof(want), "%ld\n", (long)h.pid);
	ck_assert_str_eq(slurp(path), want);
	ck_assert_int_eq(stat(tmppath, &sb), -1);
	ck_assert_int_eq(pidfile_check(path, &pid), PIDFILE_RUNNING);
	ck_assert_int_eq(pid, h.pid);
	ck_assert_int_eq(pidfile_read(path, &pid), 0);
	ck_assert_int_eq(pid, h.pid);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_check(path, &pid), PIDFILE_STALE);
	ck_assert_int_eq(pid, h.pid);
}
END_TEST

START_TEST(test_create_fd)
{
	pid_t holder = -1;
	int fd, flags;
	char want[32];

	/* A crash may leave PATH.tmp behind; it must not get in the way. */
	write_file(tmppath, "garbage");
	fd = pidfile_create(path, 4242, &holder);
	ck_assert_msg(fd >= PIDFILE_FD_MIN, "got fd %d, want >= %d", fd,
	    PIDFILE_FD_MIN);
	flags = fcntl(fd, F_GETFD);
	ck_assert_int_ne(flags, -1);
	ck_assert_msg((flags & FD_CLOEXEC) == 0, "got close-on-exec, "
	    "want an inheritable descriptor");
	ck_assert_int_eq(holder, 0);
	snprintf(want, sizeof(want), "%d\n", 4242);
	ck_assert_str_eq(slurp(path), want);
	ck_assert_int_eq(access(tmppath, F_OK), -1);
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

START_TEST(test_create_busy)
{
	struct holder h;
	pid_t holder = -1;
	char want[32];

	holder_start(&h, HOLD_PLAIN);
	snprintf(want, sizeof(want), "%ld\n", (long)h.pid);
	errno = 0;
	ck_assert_int_eq(pidfile_create(path, getpid(), &holder), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(holder, h.pid);
	ck_assert_str_eq(slurp(path), want);
	ck_assert_int_eq(access(tmppath, F_OK), -1);
	ck_assert_int_eq(holder_end(&h), 0);
}
END_TEST

START_TEST(test_create_stale)
{
	struct holder h;
	pid_t pid = -1;
	int fd;
	char want[32];

	holder_start(&h, HOLD_PLAIN);
	ck_assert_int_eq(kill(h.pid, SIGKILL), 0);
	ck_assert_int_eq(holder_end(&h) & 0x7f, SIGKILL);
	ck_assert_int_eq(pidfile_check(path, &pid), PIDFILE_STALE);
	ck_assert_int_eq(pid, h.pid);
	fd = pidfile_create(path, getpid(), &pid);
	ck_assert_int_ge(fd, 0);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	ck_assert_str_eq(slurp(path), want);
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

START_TEST(test_create_errors)
{
	char bad[sizeof(dir) + 32];
	pid_t holder;

	snprintf(bad, sizeof(bad), "%s/missing/x.pid", dir);
	errno = 0;
	ck_assert_int_eq(pidfile_create(bad, getpid(), &holder), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(pidfile_create("", getpid(), &holder), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_lock_survives_exec)
{
	struct holder h;
	pid_t pid = -1;

	holder_start(&h, HOLD_EXEC);
	ck_assert_int_eq(pidfile_check(path, &pid), PIDFILE_RUNNING);
	ck_assert_int_eq(pid, h.pid);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_check(path, &pid), PIDFILE_STALE);
}
END_TEST

START_TEST(test_check_absent_and_errors)
{
	char bad[sizeof(dir) + 32];
	pid_t pid = -1;

	errno = 1234;
	ck_assert_int_eq(pidfile_check(path, &pid), PIDFILE_ABSENT);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(errno, 1234);
	snprintf(bad, sizeof(bad), "%s/file", dir);
	write_file(bad, "1\n");
	snprintf(bad, sizeof(bad), "%s/file/x.pid", dir);
	errno = 0;
	ck_assert_int_eq(pidfile_check(bad, &pid), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	errno = 0;
	ck_assert_int_eq(pidfile_read(path, &pid), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_check_stale_garbage)
{
	pid_t pid = -1;

	write_file(path, "not a pid\n");
	ck_assert_int_eq(pidfile_check(path, &pid), PIDFILE_STALE);
	ck_assert_int_eq(pid, 0);
}
END_TEST

/* pidfile_read: file contents to result; expected values by hand. */
static const struct {
	const char	*text;
	int		 ret;
	pid_t		 pid;
} read_cases[] = {
	{ "123\n", 0, 123 },
	{ "123", 0, 123 },
	{ "1\n", 0, 1 },
	{ "2147483647\n", 0, 2147483647 },
	{ "", -1, 0 },
	{ "\n", -1, 0 },
	{ "abc\n", -1, 0 },
	{ "12a\n", -1, 0 },
	{ "-5\n", -1, 0 },
	{ "+5\n", -1, 0 },
	{ " 5\n", -1, 0 },
	{ "0\n", -1, 0 },
	{ "2147483648\n", -1, 0 },
	{ "5\n\n", -1, 0 },
	{ "5 \n", -1, 0 },
	{ "000000000000000000000000000000001\n", -1, 0 }
};

START_TEST(test_read_table)
{
	pid_t pid = 0;
	int r;

	write_file(path, read_cases[_i].text);
	errno = 0;
	r = pidfile_read(path, &pid);
	ck_assert_msg(r == read_cases[_i].ret, "\"%s\": got %d, want %d",
	    read_cases[_i].text, r, read_cases[_i].ret);
	if (r == 0)
		ck_assert_msg(pid == read_cases[_i].pid, "\"%s\": got pid %ld, "
		    "want %ld", read_cases[_i].text, (long)pid,
		    (long)read_cases[_i].pid);
	else
		ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static const struct {
	const char	*text;
	int		 ret;
	int		 sig;
} signal_cases[] = {
	{ "TERM", 0, SIGTERM },
	{ "SIGTERM", 0, SIGTERM },
	{ "term", 0, SIGTERM },
	{ "15", 0, 15 },
	{ "0", 0, 0 },
	{ "KILL", 0, SIGKILL },
	{ "HUP", 0, SIGHUP },
	{ "SIGALRM", 0, SIGALRM },
	{ "USR2", 0, SIGUSR2 },
	{ "", -1, 0 },
	{ "SIG", -1, 0 },
	{ "FOO", -1, 0 },
	{ "-1", -1, 0 },
	{ "15x", -1, 0 },
	{ "65", -1, 0 },
	{ "99999999999999999999", -1, 0 }
};

START_TEST(test_signal_parse_table)
{
	int sig = -1, r;

	errno = 0;
	r = signame_parse(signal_cases[_i].text, &sig);
	ck_assert_msg(r == signal_cases[_i].ret, "\"%s\": got %d, want %d",
	    signal_cases[_i].text, r, signal_cases[_i].ret);
	if (r == 0)
		ck_assert_msg(sig == signal_cases[_i].sig, "\"%s\": got "
		    "signal %d, want %d", signal_cases[_i].text, sig,
		    signal_cases[_i].sig);
	else
		ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_signal_running)
{
	struct holder h;
	pid_t pid = -1;
	int st;

	holder_start(&h, HOLD_PLAIN);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid),
	    PIDFILE_RUNNING);
	ck_assert_int_eq(pid, h.pid);
	st = holder_end(&h);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	    "got wait status %#x, want SIGTERM", st);
}
END_TEST

START_TEST(test_signal_not_running)
{
	struct holder h;
	pid_t pid = -1;

	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid),
	    PIDFILE_ABSENT);
	ck_assert_int_eq(pid, 0);
	holder_start(&h, HOLD_PLAIN);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid),
	    PIDFILE_STALE);
	ck_assert_int_eq(pid, 0);
	/* The group is empty: nothing to signal either. */
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid),
	    PIDFILE_STALE);
	ck_assert_int_eq(pid, 0);
}
END_TEST

START_TEST(test_signal_group_needs_leader)
{
	struct holder h;
	pid_t pid = -1;

	/* The holder is in our process group: a group kill would hit us. */
	holder_start(&h, HOLD_PLAIN);
	errno = 0;
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(holder_end(&h), 0);
}
END_TEST

START_TEST(test_signal_group)
{
	struct holder h;
	pid_t pid = -1;
	char c;
	int st;

	holder_start(&h, HOLD_GRANDCHILD);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid),
	    PIDFILE_RUNNING);
	ck_assert_int_eq(pid, h.pid);
	st = holder_end(&h);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	    "got wait status %#x, want SIGTERM", st);
	/* EOF: the grandchild died too. */
	ck_assert_int_eq(read(h.grandchild, &c, 1), 0);
	close(h.grandchild);
}
END_TEST

START_TEST(test_signal_group_leftovers)
{
	struct holder h;
	pid_t pid = -1;
	char c;

	holder_start(&h, HOLD_GRANDCHILD);
	ck_assert_int_eq(holder_end(&h), 0);	/* the leader is gone */
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid),
	    PIDFILE_STALE);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid),
	    PIDFILE_STALE);
	ck_assert_int_eq(pid, h.pid);
	ck_assert_int_eq(read(h.grandchild, &c, 1), 0);
	close(h.grandchild);
}
END_TEST

START_TEST(test_wait)
{
	struct holder h;

	errno = 1234;
	ck_assert_int_eq(pidfile_wait(path, 0), 0);	/* absent */
	ck_assert_int_eq(errno, 1234);
	holder_start(&h, HOLD_PLAIN);
	errno = 0;
	ck_assert_int_eq(pidfile_wait(path, 0), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	errno = 0;
	ck_assert_int_eq(pidfile_wait(path, 30), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_eq(kill(h.pid, SIGTERM), 0);
	ck_assert_int_eq(pidfile_wait(path, 10000), 0);
	(void)holder_end(&h);
	ck_assert_int_eq(pidfile_wait(path, 0), 0);	/* stale */
}
END_TEST

START_TEST(test_remove)
{
	struct holder h;

	ck_assert_int_eq(pidfile_remove(path), 0);	/* absent */
	holder_start(&h, HOLD_PLAIN);
	errno = 0;
	ck_assert_int_eq(pidfile_remove(path), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(access(tmppath, F_OK), -1);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_remove(path), 0);	/* stale */
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(access(tmppath, F_OK), -1);
}
END_TEST

Suite *
suite_pidfile(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("pidfile");

	tc = tcase_create("create");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_create_running);
	tcase_add_test(tc, test_create_fd);
	tcase_add_test(tc, test_create_busy);
	tcase_add_test(tc, test_create_stale);
	tcase_add_test(tc, test_create_errors);
	tcase_add_test(tc, test_lock_survives_exec);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_check_absent_and_errors);
	tcase_add_test(tc, test_check_stale_garbage);
	tcase_add_loop_test(tc, test_read_table, 0,
	    (int)(sizeof(read_cases) / sizeof(read_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("signal");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_signal_parse_table, 0,
	    (int)(sizeof(signal_cases) / sizeof(signal_cases[0])));
	tcase_add_test(tc, test_signal_running);
	tcase_add_test(tc, test_signal_not_running);
	tcase_add_test(tc, test_signal_group_needs_leader);
	tcase_add_test(tc, test_signal_group);
	tcase_add_test(tc, test_signal_group_leftovers);
	suite_add_tcase(s, tc);

	tc = tcase_create("wait_remove");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_wait);
	tcase_add_test(tc, test_remove);
	suite_add_tcase(s, tc);

	return s;
}
