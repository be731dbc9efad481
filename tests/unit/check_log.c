/*
 * check_log.c - unit tests for log.c, diagnostics, die() and the log line
 *
 * DESCRIPTION
 *	log_format_report() against hand-written lines: every field, an empty
 *	sender, a missing envelope (from=-), a sender that is not
 *	NUL-terminated, every stage status word (running exitN signalN
 *	skipped noexec timeout aborted), \xHH escapes in the sender (space,
 *	angle brackets, quotes, backslash, controls, non-ASCII) and in the
 *	quoted reason (which keeps spaces and angle brackets).  log_report(),
 *	log_warn(), log_warn_sys() and log_set_prog() are checked by reading
 *	back what they wrote to fd 2; the warnings keep errno.
 *
 *	die() and die_sys() are exit tests: the code they exit with, the
 *	cleanup registered with die_set_cleanup() (run after the fatal line
 *	is written; it proves it ran by exiting with CLEANUP_RAN), and a
 *	cleanup that itself dies (no loop: the inner die's code wins).  Exit
 *	tests need a forked test process, so with CK_FORK=no (valgrind) they
 *	are not registered.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "log.h"
#include "qq.h"

/* Exit codes of the cleanups below; none is a qmail-queue code. */
#define CLEANUP_RAN		42
#define CLEANUP_BAD_LINE	43

struct capture {
	int	 saved;		/* the real fd 2 */
	FILE	*fp;		/* where fd 2 points meanwhile */
};

static void	 capture_start(struct capture *);
static char	*capture_end(struct capture *);
static char	*read_fd(int);
static int	 forking(void);
static void	 stderr_to_tmp(void);
static void	 cleanup_nothing(void);
static void	 cleanup_check_die(void);
static void	 cleanup_check_die_sys(void);
static void	 cleanup_dies(void);

/* The fd 2 of an exit test, kept for its cleanup to read back. */
static int die_err_fd = -1;

/* read_fd - everything in the regular file fd, as a string */
static char *
read_fd(int fd)
{
	struct stat st;
	char *text;
	ssize_t n;

	if (fstat(fd, &st) == -1 || lseek(fd, 0, SEEK_SET) == -1)
		return NULL;
	if ((text = malloc((size_t)st.st_size + 1)) == NULL)
		return NULL;
	n = read(fd, text, (size_t)st.st_size);
	if (n != (ssize_t)st.st_size) {
		free(text);
		return NULL;
	}
	text[n] = '\0';
	return text;
}

static void
capture_start(struct capture *cap)
{
	cap->fp = tmpfile();
	ck_assert_ptr_nonnull(cap->fp);
	cap->saved = dup(2);
	ck_assert_int_ne(cap->saved, -1);
	ck_assert_int_ne(dup2(fileno(cap->fp), 2), -1);
}

/* capture_end - put fd 2 back and return what was written to it */
static char *
capture_end(struct capture *cap)
{
	char *text;

	ck_assert_int_ne(dup2(cap->saved, 2), -1);
	ck_assert_int_eq(close(cap->saved), 0);
	text = read_fd(fileno(cap->fp));
	ck_assert_int_eq(fclose(cap->fp), 0);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* forking - does Check run each test in its own process (its rule)? */
static int
forking(void)
{
	const char *env;

	env = getenv("CK_FORK");
	return env == NULL || strcmp(env, "no") != 0;
}

/*
 * Report cases.  Stage names and reasons are plain strings; the sender
 * is given with its length, since the envelope does not terminate it.
 */
static const struct stage_report stages_spamc[] = {
	{ "spamc", STATUS_EXITED, 1, OUTCOME_RED, 0.25, 0, 0, 0 },
};

static const struct stage_report stages_scored[] = {
	{ "spamc", STATUS_EXITED, 1, OUTCOME_YELLOW, 0.052, 1, 5.5, 5.0 },
	{ "tag", STATUS_EXITED, 0, OUTCOME_GREEN, 0.001, 0, 0, 0 },
};

static const struct stage_report stages_two_green[] = {
	{ "spamc", STATUS_EXITED, 0, OUTCOME_GREEN, 0.01, 0, 0, 0 },
	{ "clamd", STATUS_EXITED, 0, OUTCOME_GREEN, 0.002, 0, 0, 0 },
};

static const struct stage_report stages_every_status[] = {
	{ "a", STATUS_RUNNING, 0, OUTCOME_GREEN, 0.0, 0, 0, 0 },
	{ "b", STATUS_EXITED, 3, OUTCOME_YELLOW, 1.5, 0, 0, 0 },
	{ "c", STATUS_SIGNALED, 9, OUTCOME_TEMPFAIL, 2.25, 0, 0, 0 },
	{ "d", STATUS_SKIPPED, 0, OUTCOME_GREEN, 0.0, 0, 0, 0 },
	{ "e", STATUS_NOEXEC, ENOENT, OUTCOME_TEMPFAIL, 0.001, 0, 0, 0 },
	{ "f", STATUS_TIMEOUT, 0, OUTCOME_TEMPFAIL, 30.0, 0, 0, 0 },
	{ "g", STATUS_ABORTED, 0, OUTCOME_DISCARD, 0.125, 0, 0, 0 },
};

struct report_case {
	struct report	 r;
	const char	*want;
};

static const struct report_case report_cases[] = {
	{ { OUTCOME_RED, QQ_PERM_REJECT, 1, "a@example.org", 13, 2, 10, 0,
	    0.5, stages_spamc, 1, "stage spamc said red", 0 },
	    "hi-q: verdict=red code=31 from=<a@example.org> rcpts=2 "
	    "bytes=10 out=0 time=0.500 stage=spamc:exit1:red:0.250 "
	    "reason=\"stage spamc said red\"\n" },
	/* A bounce: empty sender.  No reason. */
	{ { OUTCOME_GREEN, QQ_OK, 1, "", 0, 1, 4096, 4321, 0.012,
	    stages_two_green, 2, NULL, 0 },
	    "hi-q: verdict=green code=0 from=<> rcpts=1 bytes=4096 out=4321 "
	    "time=0.012 stage=spamc:exit0:green:0.010 "
	    "stage=clamd:exit0:green:0.002\n" },
	/* A zone stage: its score and required value close its token. */
	{ { OUTCOME_YELLOW, QQ_OK, 1, "a@example.org", 13, 1, 900, 1100,
	    0.061, stages_scored, 2, NULL, 0 },
	    "hi-q: verdict=yellow code=0 from=<a@example.org> rcpts=1 "
	    "bytes=900 out=1100 time=0.061 "
	    "stage=spamc:exit1:yellow:0.052:score=5.5/5.0 "
	    "stage=tag:exit0:green:0.001\n" },
	/* qmail-queue read fd 0 itself: the byte counts are unknown. */
	{ { OUTCOME_GREEN, QQ_OK, 1, "a@example.org", 13, 1, 0, 0, 0.004,
	    NULL, 0, NULL, 1 },
	    "hi-q: verdict=green code=0 from=<a@example.org> rcpts=1 "
	    "bytes=- out=- time=0.004\n" },
	/* No envelope at all; the sender pointer is not looked at. */
	{ { OUTCOME_TEMPFAIL, QQ_READ_ERROR, 0, "ignored", 7, 0, 123, 0,
	    1.0, NULL, 0, "no envelope", 0 },
	    "hi-q: verdict=tempfail code=54 from=- rcpts=0 bytes=123 out=0 "
	    "time=1.000 reason=\"no envelope\"\n" },
	{ { OUTCOME_TEMPFAIL, QQ_TEMP_REJECT, 1, "x@y", 3, 3, 100, 0, 32.5,
	    stages_every_status, 7, "stage f timed out", 0 },
	    "hi-q: verdict=tempfail code=71 from=<x@y> rcpts=3 bytes=100 "
	    "out=0 time=32.500 stage=a:running:green:0.000 "
	    "stage=b:exit3:yellow:1.500 stage=c:signal9:tempfail:2.250 "
	    "stage=d:skipped:green:0.000 stage=e:noexec:tempfail:0.001 "
	    "stage=f:timeout:tempfail:30.000 "
	    "stage=g:aborted:discard:0.125 "
	    "reason=\"stage f timed out\"\n" },
	/* Every byte that could end the field, or confuse a reader. */
	{ { OUTCOME_YELLOW, QQ_OK, 1,
	    "a b<c>\"d\\e\x01\x7f\xe9" "f\t\n", 16, 1, 5, 5, 0.0,
	    NULL, 0, NULL, 0 },
	    "hi-q: verdict=yellow code=0 "
	    "from=<a\\x20b\\x3cc\\x3e\\x22d\\x5ce\\x01\\x7f\\xe9f\\x09\\x0a> "
	    "rcpts=1 bytes=5 out=5 time=0.000\n" },
	/* In the quoted reason spaces and <> stay; quotes and \ do not. */
	{ { OUTCOME_RED, QQ_PERM_REJECT, 1, "a@b", 3, 1, 1, 0, 0.25,
	    NULL, 0, "say \"hi\" \\ <x> caf\xc3\xa9\n", 0 },
	    "hi-q: verdict=red code=31 from=<a@b> rcpts=1 bytes=1 out=0 "
	    "time=0.250 reason=\"say \\x22hi\\x22 \\x5c <x> "
	    "caf\\xc3\\xa9\\x0a\"\n" },
	/* Only sender_len bytes of the sender; the biggest counts. */
	{ { OUTCOME_DISCARD, QQ_OK, 1, "a@b.cXYZ", 5, 2,
	    18446744073709551615ULL, 0, 0.0, NULL, 0, "", 0 },
	    "hi-q: verdict=discard code=0 from=<a@b.c> rcpts=2 "
	    "bytes=18446744073709551615 out=0 time=0.000 reason=\"\"\n" },
};

START_TEST(test_format_report)
{
	const struct report_case *t = &report_cases[_i];
	char *got;
	int same;

	got = log_format_report(&t->r);
	ck_assert_ptr_nonnull(got);
	same = strcmp(got, t->want) == 0;
	ck_assert_msg(same, "case %d: got \"%s\", want \"%s\"", _i, got,
	    t->want);
	free(got);
}
END_TEST

START_TEST(test_log_report)
{
	struct capture cap;
	char *got;
	int same;

	capture_start(&cap);
	log_report(&report_cases[0].r);
	got = capture_end(&cap);
	same = strcmp(got, report_cases[0].want) == 0;
	ck_assert_msg(same, "got \"%s\", want \"%s\"", got,
	    report_cases[0].want);
	free(got);
}
END_TEST

START_TEST(test_log_warn)
{
	struct capture cap;
	char *got;
	int same, saved;

	capture_start(&cap);
	errno = EAGAIN;
	log_warn("disk %d of %s is full", 3, "queue");
	saved = errno;
	got = capture_end(&cap);
	same = strcmp(got, "hi-q: warning: disk 3 of queue is full\n") == 0;
	ck_assert_msg(same, "got \"%s\", want \"hi-q: warning: disk 3 of "
	    "queue is full\\n\"", got);
	free(got);
	ck_assert_msg(saved == EAGAIN, "got errno %d, want EAGAIN (%d)",
	    saved, EAGAIN);
}
END_TEST

START_TEST(test_log_warn_sys)
{
	struct capture cap;
	char *got;
	int same, saved;

	capture_start(&cap);
	errno = ENOSPC;
	log_warn_sys("unable to write %s", "qf");
	saved = errno;
	got = capture_end(&cap);
	same = strcmp(got, "hi-q: warning: unable to write qf: No space "
	    "left on device\n") == 0;
	ck_assert_msg(same, "got \"%s\", want \"hi-q: warning: unable to "
	    "write qf: No space left on device\\n\"", got);
	free(got);
	ck_assert_msg(saved == ENOSPC, "got errno %d, want ENOSPC (%d)",
	    saved, ENOSPC);
}
END_TEST

START_TEST(test_log_set_prog)
{
	static const struct report r = {
		OUTCOME_GREEN, QQ_OK, 0, NULL, 0, 0, 0, 0, 0.0, NULL, 0, NULL, 0
	};
	struct capture cap;
	char *warned, *line;
	int same_warned, same_line;

	log_set_prog("qq-sink");
	capture_start(&cap);
	log_warn("hello");
	warned = capture_end(&cap);
	line = log_format_report(&r);
	log_set_prog("hi-q");
	same_warned = strcmp(warned, "qq-sink: warning: hello\n") == 0;
	same_line = strcmp(line, "qq-sink: verdict=green code=0 from=- "
	    "rcpts=0 bytes=0 out=0 time=0.000\n") == 0;
	ck_assert_msg(same_warned, "got \"%s\", want \"qq-sink: warning: "
	    "hello\\n\"", warned);
	ck_assert_msg(same_line, "got \"%s\", want \"qq-sink: verdict=green "
	    "code=0 from=- rcpts=0 bytes=0 out=0 time=0.000\\n\"", line);
	free(warned);
	free(line);
}
END_TEST

/* stderr_to_tmp - point fd 2 at a temporary file, for the cleanups */
static void
stderr_to_tmp(void)
{
	FILE *fp;

	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ne(dup2(fileno(fp), 2), -1);
	die_err_fd = 2;
}

static void
cleanup_nothing(void)
{
}

/* cleanup_check_die - runs after die() wrote its line; reports by exit */
static void
cleanup_check_die(void)
{
	char *text;
	int same;

	text = read_fd(die_err_fd);
	same = text != NULL &&
	    strcmp(text, "hi-q: fatal: spamc said 7\n") == 0;
	free(text);
	_exit(same ? CLEANUP_RAN : CLEANUP_BAD_LINE);
}

static void
cleanup_check_die_sys(void)
{
	char *text;
	int same;

	text = read_fd(die_err_fd);
	same = text != NULL && strcmp(text, "hi-q: fatal: unable to read "
	    "envelope: No such file or directory\n") == 0;
	free(text);
	_exit(same ? CLEANUP_RAN : CLEANUP_BAD_LINE);
}

/* A cleanup that dies must not run itself again. */
static void
cleanup_dies(void)
{
	die(QQ_OOM, "out of memory in the cleanup");
}

/* Exits QQ_TEMP_REJECT (71), after a cleanup that returns. */
START_TEST(test_die_code)
{
	stderr_to_tmp();
	die_set_cleanup(cleanup_nothing);
	die(QQ_TEMP_REJECT, "temporary %s", "failure");
}
END_TEST

/* Exits QQ_TEMP_REJECT (71) with no cleanup at all. */
START_TEST(test_die_no_cleanup)
{
	stderr_to_tmp();
	die_set_cleanup(NULL);
	die(QQ_TEMP_REJECT, "no cleanup");
}
END_TEST

/* Exits CLEANUP_RAN: the cleanup ran and saw the fatal line. */
START_TEST(test_die_cleanup_runs)
{
	stderr_to_tmp();
	die_set_cleanup(cleanup_check_die);
	die(QQ_TEMP_REJECT, "spamc said %d", 7);
}
END_TEST

START_TEST(test_die_sys_cleanup_runs)
{
	stderr_to_tmp();
	die_set_cleanup(cleanup_check_die_sys);
	errno = ENOENT;
	die_sys(QQ_READ_ERROR, "unable to read %s", "envelope");
}
END_TEST

/* Exits QQ_READ_ERROR (54). */
START_TEST(test_die_sys_code)
{
	stderr_to_tmp();
	die_set_cleanup(cleanup_nothing);
	errno = EIO;
	die_sys(QQ_READ_ERROR, "read");
}
END_TEST

/* Exits QQ_OOM (51), the inner die's code, instead of recursing. */
START_TEST(test_die_cleanup_dies)
{
	stderr_to_tmp();
	die_set_cleanup(cleanup_dies);
	die(QQ_TEMP_REJECT, "outer");
}
END_TEST

Suite *
suite_log(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("log");

	tc = tcase_create("report");
	tcase_add_loop_test(tc, test_format_report, 0,
	    (int)(sizeof(report_cases) / sizeof(report_cases[0])));
	tcase_add_test(tc, test_log_report);
	suite_add_tcase(s, tc);

	tc = tcase_create("warn");
	tcase_add_test(tc, test_log_warn);
	tcase_add_test(tc, test_log_warn_sys);
	tcase_add_test(tc, test_log_set_prog);
	suite_add_tcase(s, tc);

	/* die() ends the process: only testable in a forked test. */
	if (forking()) {
		tc = tcase_create("die");
		tcase_add_exit_test(tc, test_die_code, QQ_TEMP_REJECT);
		tcase_add_exit_test(tc, test_die_no_cleanup, QQ_TEMP_REJECT);
		tcase_add_exit_test(tc, test_die_cleanup_runs, CLEANUP_RAN);
		tcase_add_exit_test(tc, test_die_sys_cleanup_runs,
		    CLEANUP_RAN);
		tcase_add_exit_test(tc, test_die_sys_code, QQ_READ_ERROR);
		tcase_add_exit_test(tc, test_die_cleanup_dies, QQ_OOM);
		suite_add_tcase(s, tc);
	}

	return s;
}
