/*
 * check_pidfile.c - unit tests for src/pido/pidfile.c
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
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
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
static struct pidfile_refusal ref;	/* what the last call refused */

static void	setup(void);
static void	teardown(void);
static void	write_file(const char *, const char *);
static char	*slurp(const char *);
static void	child_signals(void);
static void	holder_start(struct holder *, enum hold);
static int	holder_end(struct holder *);
static int	rm_one(const char *, const struct stat *, int, struct FTW *);
static uid_t	nobody(void);
static const char *trust_setup(int);

static void
setup(void)
{
	strcpy(dir, "/tmp/check_pidfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.pid", dir);
	snprintf(tmppath, sizeof(tmppath), "%s.tmp", path);
}

/* rm_one - nftw's callback for teardown: remove what it is shown */
static int
rm_one(const char *name, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	(void)remove(name);
	return 0;
}

/* teardown - the temporary directory, whatever a test left in it */
static void
teardown(void)
{
	(void)nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
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
		if (pidfile_create(path, getpid(), &other, &ref) == -1)
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
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_RUNNING);
	ck_assert_int_eq(pid, h.pid);
	ck_assert_int_eq(pidfile_read(path, &pid, &ref), 0);
	ck_assert_int_eq(pid, h.pid);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_STALE);
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
	fd = pidfile_create(path, 4242, &holder, &ref);
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
	ck_assert_int_eq(pidfile_create(path, getpid(), &holder, &ref), -1);
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
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_STALE);
	ck_assert_int_eq(pid, h.pid);
	fd = pidfile_create(path, getpid(), &pid, &ref);
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
	ck_assert_int_eq(pidfile_create(bad, getpid(), &holder, &ref), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(pidfile_create("", getpid(), &holder, &ref), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_lock_survives_exec)
{
	struct holder h;
	pid_t pid = -1;

	holder_start(&h, HOLD_EXEC);
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_RUNNING);
	ck_assert_int_eq(pid, h.pid);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_STALE);
}
END_TEST

START_TEST(test_check_absent_and_errors)
{
	char bad[sizeof(dir) + 32];
	pid_t pid = -1;

	errno = 1234;
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_ABSENT);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(errno, 1234);
	snprintf(bad, sizeof(bad), "%s/file", dir);
	write_file(bad, "1\n");
	snprintf(bad, sizeof(bad), "%s/file/x.pid", dir);
	errno = 0;
	ck_assert_int_eq(pidfile_check(bad, &pid, &ref), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	errno = 0;
	ck_assert_int_eq(pidfile_read(path, &pid, &ref), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_check_stale_garbage)
{
	pid_t pid = -1;

	write_file(path, "not a pid\n");
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_STALE);
	ck_assert_int_eq(pid, 0);
}
END_TEST

/*
 * The one grammar for a PID, as pidfile_read and pidfile_check see a
 * file's contents; expected values by hand.  0 and 1 are not PIDs to act
 * on (kill(2) reads -0 as our group, -1 as every process), nor is any
 * spelling of them; the largest is Linux's PID_MAX_LIMIT less one.
 */
static const struct {
	const char	*text;
	int		 ret;
	pid_t		 pid;
} read_cases[] = {
	{ "123\n", 0, 123 },
	{ "123", 0, 123 },
	{ "2\n", 0, 2 },
	{ "10\n", 0, 10 },
	{ "4194303\n", 0, 4194303 },
	{ "", -1, 0 },
	{ "\n", -1, 0 },
	{ "0\n", -1, 0 },
	{ "0", -1, 0 },
	{ "1\n", -1, 0 },
	{ "1", -1, 0 },
	{ "01\n", -1, 0 },
	{ "00000001\n", -1, 0 },
	{ "0123\n", -1, 0 },
	{ "-1\n", -1, 0 },
	{ "-5\n", -1, 0 },
	{ "+5\n", -1, 0 },
	{ "4194304\n", -1, 0 },
	{ "4194305\n", -1, 0 },
	{ "2147483647\n", -1, 0 },
	{ "2147483648\n", -1, 0 },
	{ "99999999999999999999\n", -1, 0 },
	{ "000000000000000000000000000000001\n", -1, 0 },
	{ " 5\n", -1, 0 },
	{ "5 \n", -1, 0 },
	{ "5\t\n", -1, 0 },
	{ "5\r\n", -1, 0 },
	{ "5\n\n", -1, 0 },
	{ "5\n6\n", -1, 0 },
	{ "12a\n", -1, 0 },
	{ "abc\n", -1, 0 },
	{ "0x10\n", -1, 0 },
	{ "1e3\n", -1, 0 }
};

START_TEST(test_read_table)
{
	pid_t pid = 0;
	int r;

	write_file(path, read_cases[_i].text);
	errno = 0;
	r = pidfile_read(path, &pid, &ref);
	ck_assert_msg(r == read_cases[_i].ret, "\"%s\": got %d, want %d",
	    read_cases[_i].text, r, read_cases[_i].ret);
	if (r == 0)
		ck_assert_msg(pid == read_cases[_i].pid, "\"%s\": got pid %ld, "
		    "want %ld", read_cases[_i].text, (long)pid,
		    (long)read_cases[_i].pid);
	else {
		ck_assert_int_eq(errno, EPERM);
		ck_assert_int_eq(ref.fault, PIDFILE_FAULT_PID);
	}
}
END_TEST

/* The same table through pidfile_check: stale, and no PID unless valid. */
START_TEST(test_check_table)
{
	pid_t pid = -1;

	write_file(path, read_cases[_i].text);
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_STALE);
	ck_assert_msg(pid == read_cases[_i].pid, "\"%s\": got pid %ld, want "
	    "%ld", read_cases[_i].text, (long)pid, (long)read_cases[_i].pid);
}
END_TEST

/*
 * A stale pidfile that records no PID names no group: signal 0 (harmless
 * even if it went to kill(-1) or kill(0)) reaches nothing, and the
 * refusal says why.
 */
START_TEST(test_signal_group_no_pid)
{
	static const char *const texts[] = { "0\n", "1\n", "01\n",
	    "00000001\n", "-1\n" };
	pid_t pid = -1;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		write_file(path, texts[i]);
		ck_assert_int_eq(pidfile_signal(path, 0, 1, &pid, &ref),
		    PIDFILE_STALE);
		ck_assert_msg(pid == 0, "\"%s\": got pid %ld signalled, want "
		    "none", texts[i], (long)pid);
		ck_assert_int_eq(ref.fault, PIDFILE_FAULT_PID);
	}
}
END_TEST

/* pidfile_create records only a PID of the grammar. */
START_TEST(test_create_bad_pid)
{
	static const pid_t pids[] = { -1, 0, 1, 4194304 };
	pid_t holder = -1;
	size_t i;

	for (i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		errno = 0;
		ck_assert_int_eq(pidfile_create(path, pids[i], &holder, &ref),
		    -1);
		ck_assert_int_eq(errno, EPERM);
		ck_assert_int_eq(ref.fault, PIDFILE_FAULT_PID);
		ck_assert_int_eq(ref.value, (long)pids[i]);
		ck_assert_int_eq(access(path, F_OK), -1);
		ck_assert_int_eq(access(tmppath, F_OK), -1);
	}
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

/* nobody - the uid of "nobody", another user than the tests' */
static uid_t
nobody(void)
{
	struct passwd *pw;

	pw = getpwnam("nobody");
	ck_assert_ptr_nonnull(pw);
	return pw->pw_uid;
}

/*
 * What pidfile.c refuses (pidfile.h, "What is trusted"): each case makes
 * a pidfile that records a valid PID (123) but that someone else could
 * have written or swapped, and every call must refuse it for the reason
 * given, never read it.  The ones with PIDFILE_FAULT_NONE are trusted:
 * stale, recording 123.
 */
enum trust_case {
	TRUST_PLAIN,		/* ours, 0644 */
	TRUST_READONLY,		/* ours, 0400 */
	TRUST_SYMLINK,		/* a link to a trusted file beside it */
	TRUST_DANGLING,		/* a link to nothing */
	TRUST_FIFO,		/* whose open would block */
	TRUST_DIRECTORY,
	TRUST_MODE_666,
	TRUST_MODE_620,		/* writable by its group */
	TRUST_MODE_602,		/* writable by others */
	TRUST_OWNER,		/* owned by nobody */
	TRUST_LINKS,		/* a second hard link elsewhere */
	TRUST_DIR_777,		/* in a directory anyone may rename in */
	TRUST_DIR_770,		/* in one its group may rename in */
	TRUST_DIR_1777,		/* sticky, as /tmp: trusted */
	TRUST_DIR_OWNER		/* in a directory owned by nobody */
};

static const struct {
	enum trust_case		how;
	enum pidfile_fault	fault;
	int			root;	/* needs root to chown */
} trust_cases[] = {
	{ TRUST_PLAIN, PIDFILE_FAULT_NONE, 0 },
	{ TRUST_READONLY, PIDFILE_FAULT_NONE, 0 },
	{ TRUST_SYMLINK, PIDFILE_FAULT_SYMLINK, 0 },
	{ TRUST_DANGLING, PIDFILE_FAULT_SYMLINK, 0 },
	{ TRUST_FIFO, PIDFILE_FAULT_TYPE, 0 },
	{ TRUST_DIRECTORY, PIDFILE_FAULT_TYPE, 0 },
	{ TRUST_MODE_666, PIDFILE_FAULT_MODE, 0 },
	{ TRUST_MODE_620, PIDFILE_FAULT_MODE, 0 },
	{ TRUST_MODE_602, PIDFILE_FAULT_MODE, 0 },
	{ TRUST_OWNER, PIDFILE_FAULT_OWNER, 1 },
	{ TRUST_LINKS, PIDFILE_FAULT_LINKS, 0 },
	{ TRUST_DIR_777, PIDFILE_FAULT_DIR_MODE, 0 },
	{ TRUST_DIR_770, PIDFILE_FAULT_DIR_MODE, 0 },
	{ TRUST_DIR_1777, PIDFILE_FAULT_NONE, 0 },
	{ TRUST_DIR_OWNER, PIDFILE_FAULT_DIR_OWNER, 1 }
};

/* trust_setup - make trust case how; returns the pidfile's path */
static const char *
trust_setup(int how)
{
	static char name[sizeof(dir) + 32];
	char other[sizeof(dir) + 32];

	snprintf(name, sizeof(name), "%s", path);
	snprintf(other, sizeof(other), "%s/other", dir);
	switch ((enum trust_case)how) {
	case TRUST_PLAIN:
		write_file(path, "123\n");
		break;
	case TRUST_READONLY:
		write_file(path, "123\n");
		ck_assert_int_eq(chmod(path, 0400), 0);
		break;
	case TRUST_SYMLINK:
		write_file(other, "123\n");
		ck_assert_int_eq(symlink("other", path), 0);
		break;
	case TRUST_DANGLING:
		ck_assert_int_eq(symlink("nowhere", path), 0);
		break;
	case TRUST_FIFO:
		ck_assert_int_eq(mkfifo(path, 0644), 0);
		break;
	case TRUST_DIRECTORY:
		ck_assert_int_eq(mkdir(path, 0755), 0);
		break;
	case TRUST_MODE_666:
	case TRUST_MODE_620:
	case TRUST_MODE_602:
		write_file(path, "123\n");
		ck_assert_int_eq(chmod(path, how == TRUST_MODE_666 ? 0666 :
		    how == TRUST_MODE_620 ? 0620 : 0602), 0);
		break;
	case TRUST_OWNER:
		write_file(path, "123\n");
		ck_assert_int_eq(chown(path, nobody(), (gid_t)-1), 0);
		break;
	case TRUST_LINKS:
		write_file(path, "123\n");
		ck_assert_int_eq(link(path, other), 0);
		break;
	case TRUST_DIR_777:
	case TRUST_DIR_770:
	case TRUST_DIR_1777:
	case TRUST_DIR_OWNER:
		snprintf(name, sizeof(name), "%s/sub/x.pid", dir);
		snprintf(other, sizeof(other), "%s/sub", dir);
		ck_assert_int_eq(mkdir(other, 0755), 0);
		write_file(name, "123\n");
		if (how == TRUST_DIR_OWNER)
			ck_assert_int_eq(chown(other, nobody(), (gid_t)-1), 0);
		else
			ck_assert_int_eq(chmod(other, how == TRUST_DIR_777 ?
			    0777 : how == TRUST_DIR_770 ? 0770 : 01777), 0);
		break;
	}
	return name;
}

/* refused - the last call failed for trust_cases[i]'s reason */
#define refused(call, i) do {						\
	int r_ = (call), e_ = errno;					\
									\
	ck_assert_msg(r_ == -1 && e_ == EPERM &&			\
	    ref.fault == trust_cases[i].fault && ref.tmp == 0,		\
	    "case %d, %s: got %d, errno %d, fault %d, want -1, EPERM, "	\
	    "fault %d", (i), #call, r_, e_, (int)ref.fault,		\
	    (int)trust_cases[i].fault);					\
} while (0)

START_TEST(test_trust_table)
{
	const char *name;
	pid_t pid = -1, holder = -1;
	int fd;

	if (trust_cases[_i].root && geteuid() != 0)
		return;		/* only root can give a file away */
	name = trust_setup(_i);
	if (trust_cases[_i].fault == PIDFILE_FAULT_NONE) {
		ck_assert_int_eq(pidfile_check(name, &pid, &ref),
		    PIDFILE_STALE);
		ck_assert_int_eq(pid, 123);
		ck_assert_int_eq(pidfile_read(name, &pid, &ref), 0);
		ck_assert_int_eq(pidfile_wait(name, 0, &ref), 0);
		ck_assert_int_eq(pidfile_remove(name, &ref), 0);
		ck_assert_int_eq(access(name, F_OK), -1);
		return;
	}
	errno = 0;
	refused(pidfile_check(name, &pid, &ref), _i);
	errno = 0;
	refused(pidfile_read(name, &pid, &ref), _i);
	errno = 0;
	refused(pidfile_signal(name, 0, 1, &pid, &ref), _i);
	ck_assert_int_eq(pid, 0);
	errno = 0;
	refused(pidfile_wait(name, 0, &ref), _i);
	errno = 0;
	refused(pidfile_remove(name, &ref), _i);
	errno = 0;
	fd = pidfile_create(name, 4242, &holder, &ref);
	refused(fd, _i);
	/* Nothing was replaced or removed. */
	ck_assert_int_eq(faccessat(AT_FDCWD, name, F_OK, AT_SYMLINK_NOFOLLOW),
	    0);
}
END_TEST

/*
 * A starter refuses a PATH.tmp it did not make: through a symbolic link
 * it would write our PID into another file, and one that others may
 * write would become the pidfile.
 */
START_TEST(test_trust_tmp)
{
	char other[sizeof(dir) + 32];
	pid_t holder = -1;
	int fd;

	snprintf(other, sizeof(other), "%s/other", dir);
	write_file(other, "keep\n");
	ck_assert_int_eq(symlink("other", tmppath), 0);
	errno = 0;
	fd = pidfile_create(path, 4242, &holder, &ref);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ref.fault, PIDFILE_FAULT_SYMLINK);
	ck_assert_int_eq(ref.tmp, 1);
	ck_assert_str_eq(slurp(other), "keep\n");
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(unlink(tmppath), 0);

	write_file(tmppath, "");
	ck_assert_int_eq(chmod(tmppath, 0666), 0);
	errno = 0;
	ck_assert_int_eq(pidfile_create(path, 4242, &holder, &ref), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ref.fault, PIDFILE_FAULT_MODE);
	ck_assert_int_eq(ref.tmp, 1);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

/*
 * A lock held by a process that is not the PID recorded is refused, and
 * that process is not signalled: the pidfile may be a file it locked for
 * its own reasons, given to us by name.
 */
START_TEST(test_trust_holder)
{
	struct holder h;
	pid_t pid = -1;

	holder_start(&h, HOLD_PGRP);
	write_file(path, "4242\n");	/* same inode: the lock stays */
	errno = 0;
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ref.fault, PIDFILE_FAULT_HOLDER);
	ck_assert_int_eq(ref.value, (long)h.pid);
	ck_assert_int_eq(ref.recorded, 4242);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid, &ref), -1);
	ck_assert_int_eq(ref.fault, PIDFILE_FAULT_HOLDER);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid, &ref), -1);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(pidfile_wait(path, 0, &ref), -1);
	ck_assert_int_eq(ref.fault, PIDFILE_FAULT_HOLDER);
	write_file(path, "1\n");	/* as a container's init would */
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), -1);
	ck_assert_int_eq(ref.fault, PIDFILE_FAULT_HOLDER);
	ck_assert_int_eq(ref.recorded, 0);
	ck_assert_int_eq(pidfile_signal(path, 0, 1, &pid, &ref), -1);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(holder_end(&h), 0);	/* not signalled */
}
END_TEST

/* A symbolic link to a locked pidfile does not reach its holder. */
START_TEST(test_trust_symlink_to_held)
{
	char link[sizeof(dir) + 32];
	struct holder h;
	pid_t pid = -1;

	holder_start(&h, HOLD_PGRP);
	snprintf(link, sizeof(link), "%s/link.pid", dir);
	ck_assert_int_eq(symlink("x.pid", link), 0);
	errno = 0;
	ck_assert_int_eq(pidfile_signal(link, SIGTERM, 1, &pid, &ref), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(ref.fault, PIDFILE_FAULT_SYMLINK);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(pidfile_check(link, &pid, &ref), -1);
	ck_assert_int_eq(pidfile_check(path, &pid, &ref), PIDFILE_RUNNING);
	ck_assert_int_eq(holder_end(&h), 0);	/* not signalled */
}
END_TEST

START_TEST(test_signal_running)
{
	struct holder h;
	pid_t pid = -1;
	int st;

	holder_start(&h, HOLD_PLAIN);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid, &ref),
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

	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid, &ref),
	    PIDFILE_ABSENT);
	ck_assert_int_eq(pid, 0);
	holder_start(&h, HOLD_PLAIN);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid, &ref),
	    PIDFILE_STALE);
	ck_assert_int_eq(pid, 0);
	/* The group is empty: nothing to signal either. */
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid, &ref),
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
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid, &ref), -1);
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
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid, &ref),
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
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 0, &pid, &ref),
	    PIDFILE_STALE);
	ck_assert_int_eq(pid, 0);
	ck_assert_int_eq(pidfile_signal(path, SIGTERM, 1, &pid, &ref),
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
	ck_assert_int_eq(pidfile_wait(path, 0, &ref), 0);	/* absent */
	ck_assert_int_eq(errno, 1234);
	holder_start(&h, HOLD_PLAIN);
	errno = 0;
	ck_assert_int_eq(pidfile_wait(path, 0, &ref), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	errno = 0;
	ck_assert_int_eq(pidfile_wait(path, 30, &ref), -1);
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_int_eq(kill(h.pid, SIGTERM), 0);
	ck_assert_int_eq(pidfile_wait(path, 10000, &ref), 0);
	(void)holder_end(&h);
	ck_assert_int_eq(pidfile_wait(path, 0, &ref), 0);	/* stale */
}
END_TEST

START_TEST(test_remove)
{
	struct holder h;

	ck_assert_int_eq(pidfile_remove(path, &ref), 0);	/* absent */
	holder_start(&h, HOLD_PLAIN);
	errno = 0;
	ck_assert_int_eq(pidfile_remove(path, &ref), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(access(tmppath, F_OK), -1);
	ck_assert_int_eq(holder_end(&h), 0);
	ck_assert_int_eq(pidfile_remove(path, &ref), 0);	/* stale */
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
	tcase_add_loop_test(tc, test_check_table, 0,
	    (int)(sizeof(read_cases) / sizeof(read_cases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("trust");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_trust_table, 0,
	    (int)(sizeof(trust_cases) / sizeof(trust_cases[0])));
	tcase_add_test(tc, test_trust_tmp);
	tcase_add_test(tc, test_trust_holder);
	tcase_add_test(tc, test_trust_symlink_to_held);
	tcase_add_test(tc, test_create_bad_pid);
	tcase_add_test(tc, test_signal_group_no_pid);
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
