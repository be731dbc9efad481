/*
 * check_msg.c - unit tests for msg.c, diagnostics and die()
 *
 * DESCRIPTION
 *	msg_warn(), msg_warn_sys(), msg_error(), msg_error_sys() and the
 *	name msg_setup() gives are checked by reading back what they wrote
 *	to fd 2; all of them keep errno.  msg_visible() against a table.
 *
 *	die() and die_sys() are exit tests: the code they exit with, the
 *	cleanup registered with msg_cleanup() (run after the fatal line
 *	is written; it proves it ran by exiting with CLEANUP_RAN), and a
 *	cleanup that itself dies (no loop: the inner die's code wins).  An
 *	allocation that fails exits with the program's own code
 *	(msg_setup()'s, else MSG_OOM_DEFAULT).  Exit tests need a forked
 *	test process, so with CK_FORK=no (valgrind) they are not registered.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "msg.h"
#include "qq.h"
#include "xalloc.h"

/* Exit codes of the cleanups below; none is a qmail-queue code. */
#define CLEANUP_RAN		42
#define CLEANUP_BAD_LINE	43
/* An out-of-memory code no program uses, to see msg_setup()'s taken. */
#define OOM_OWN			77

static char	*read_fd(int);
static int	 forking(void);
static void	 stderr_to_tmp(void);
static void	 cleanup_nothing(void);
static void	 cleanup_check_die(void);
static void	 cleanup_check_die_sys(void);
static void	 cleanup_dies(void);
static void	 assert_line(const char *, const char *);

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

/* check_capture_start - fd 2 to a temporary file, for the suites */
void
check_capture_start(struct check_capture *cap)
{
	cap->fp = tmpfile();
	ck_assert_ptr_nonnull(cap->fp);
	cap->saved = dup(2);
	ck_assert_int_ne(cap->saved, -1);
	ck_assert_int_ne(dup2(fileno(cap->fp), 2), -1);
}

/* check_capture_end - put fd 2 back and return what was written to it */
char *
check_capture_end(struct check_capture *cap)
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

END_TEST

/* assert_line - what was captured is exactly want */
static void
assert_line(const char *got, const char *want)
{
	ck_assert_msg(strcmp(got, want) == 0, "got \"%s\", want \"%s\"", got,
	    want);
}

/* Each form of line, and errno as it was. */
START_TEST(test_msg_forms)
{
	static const struct {
		int		 form;	/* warn, warn_sys, error, error_sys */
		const char	*want;
	} t[] = {
		{ 0, "hi-q: warning: disk 3 of queue is full\n" },
		{ 1, "hi-q: warning: disk 3 of queue is full: No space left "
		    "on device\n" },
		{ 2, "hi-q: disk 3 of queue is full\n" },
		{ 3, "hi-q: disk 3 of queue is full: No space left on "
		    "device\n" },
	};
	struct check_capture cap;
	char *got;
	int saved;

	check_capture_start(&cap);
	errno = ENOSPC;
	switch (t[_i].form) {
	case 0:
		msg_warn("disk %d of %s is full", 3, "queue");
		break;
	case 1:
		msg_warn_sys("disk %d of %s is full", 3, "queue");
		break;
	case 2:
		msg_error("disk %d of %s is full", 3, "queue");
		break;
	default:
		msg_error_sys("disk %d of %s is full", 3, "queue");
		break;
	}
	saved = errno;
	got = check_capture_end(&cap);
	assert_line(got, t[_i].want);
	free(got);
	ck_assert_msg(saved == ENOSPC, "case %d: got errno %d, want ENOSPC "
	    "(%d)", _i, saved, ENOSPC);
}
END_TEST

/* msg_setup() names the program, and msg_prog() says the name. */
START_TEST(test_msg_setup)
{
	struct check_capture cap;
	char *warned;

	msg_setup("qq-sink", QQ_OOM);
	check_capture_start(&cap);
	msg_warn("hello");
	warned = check_capture_end(&cap);
	ck_assert_str_eq(msg_prog(), "qq-sink");
	ck_assert_int_eq(msg_oom(), QQ_OOM);
	msg_setup("hi-q", QQ_OOM);
	assert_line(warned, "qq-sink: warning: hello\n");
	free(warned);
}
END_TEST

/* msg_visible(): controls, non-ASCII and backslash as \xHH. */
START_TEST(test_msg_visible)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "", "" },
		{ "/usr/bin/spamc", "/usr/bin/spamc" },
		{ "\xef\xbb\xbfqueue", "\\xef\\xbb\\xbfqueue" },
		{ "a\\b \"c\"\t\x1b[2J\x7f",
		    "a\\x5cb \"c\"\\x09\\x1b[2J\\x7f" },
	};
	char *got;

	got = msg_visible(t[_i].in);
	ck_assert_msg(strcmp(got, t[_i].want) == 0, "case %d: got \"%s\", "
	    "want \"%s\"", _i, got, t[_i].want);
	free(got);
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
	msg_cleanup(cleanup_nothing);
	die(QQ_TEMP_REJECT, "temporary %s", "failure");
}
END_TEST

/* Exits QQ_TEMP_REJECT (71) with no cleanup at all. */
START_TEST(test_die_no_cleanup)
{
	stderr_to_tmp();
	msg_cleanup(NULL);
	die(QQ_TEMP_REJECT, "no cleanup");
}
END_TEST

/* Exits CLEANUP_RAN: the cleanup ran and saw the fatal line. */
START_TEST(test_die_cleanup_runs)
{
	stderr_to_tmp();
	msg_cleanup(cleanup_check_die);
	die(QQ_TEMP_REJECT, "spamc said %d", 7);
}
END_TEST

START_TEST(test_die_sys_cleanup_runs)
{
	stderr_to_tmp();
	msg_cleanup(cleanup_check_die_sys);
	errno = ENOENT;
	die_sys(QQ_READ_ERROR, "unable to read %s", "envelope");
}
END_TEST

/* Exits QQ_READ_ERROR (54). */
START_TEST(test_die_sys_code)
{
	stderr_to_tmp();
	msg_cleanup(cleanup_nothing);
	errno = EIO;
	die_sys(QQ_READ_ERROR, "read");
}
END_TEST

/* Exits QQ_OOM (51), the inner die's code, instead of recursing. */
START_TEST(test_die_cleanup_dies)
{
	stderr_to_tmp();
	msg_cleanup(cleanup_dies);
	die(QQ_TEMP_REJECT, "outer");
}
END_TEST

/* Exits OOM_OWN: out of memory is the program's own code. */
START_TEST(test_oom_own)
{
	stderr_to_tmp();
	msg_setup("hi-q-report", OOM_OWN);
	(void)xreallocarray(NULL, SIZE_MAX, 2);
}
END_TEST

Suite *
suite_msg(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("msg");

	tc = tcase_create("lines");
	tcase_add_loop_test(tc, test_msg_forms, 0, 4);
	tcase_add_test(tc, test_msg_setup);
	tcase_add_loop_test(tc, test_msg_visible, 0, 4);
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
		tcase_add_exit_test(tc, test_oom_own, OOM_OWN);
		suite_add_tcase(s, tc);
	}

	return s;
}
