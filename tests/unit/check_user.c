/*
 * check_user.c - unit tests for user.c, the user the pipeline runs as
 *
 * DESCRIPTION
 *	user_lookup(): root and nobody as Debian lists them, and names that
 *	are not there (also a prefix and an extension of a real one).
 *	user_become(): in a forked child, as root: nobody afterwards, real
 *	and effective, with no way back; not as root: EPERM.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <unistd.h>

#include <check.h>

#include "check_suites.h"
#include "user.h"

struct lookup_case {
	const char	*name;
	int		 rc;
	uid_t		 uid;
	gid_t		 gid;
};

static const struct lookup_case lookup_cases[] = {
	{ "root", 0, 0, 0 },
	{ "nobody", 0, 65534, 65534 },
	{ "nobod", USER_UNKNOWN, 0, 0 },
	{ "nobodyx", USER_UNKNOWN, 0, 0 },
	{ "no-such-user-hiq", USER_UNKNOWN, 0, 0 },
	{ "", USER_UNKNOWN, 0, 0 },
};

START_TEST(test_lookup)
{
	const struct lookup_case *t = &lookup_cases[_i];
	uid_t uid = 4242;
	gid_t gid = 4242;
	int rc;

	rc = user_lookup(t->name, &uid, &gid);
	ck_assert_msg(rc == t->rc, "\"%s\": got %d, want %d", t->name, rc,
	    t->rc);
	if (rc != 0)
		return;
	ck_assert_msg(uid == t->uid && gid == t->gid, "\"%s\": got %lu:%lu, "
	    "want %lu:%lu", t->name, (unsigned long)uid, (unsigned long)gid,
	    (unsigned long)t->uid, (unsigned long)t->gid);
}
END_TEST

START_TEST(test_become)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		if (geteuid() != 0)
			_exit(user_become(65534, 65534) == -1 &&
			    errno == EPERM ? 0 : 1);
		if (user_become(65534, 65534) == -1)
			_exit(2);
		if (getuid() != 65534 || geteuid() != 65534 ||
		    getgid() != 65534 || getegid() != 65534)
			_exit(3);
		if (setuid(0) != -1 || getgroups(0, NULL) != 1)
			_exit(4);
		_exit(0);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "child: got status %#x, want exit 0", st);
}
END_TEST

Suite *
suite_user(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("user");
	tc = tcase_create("user");
	tcase_add_loop_test(tc, test_lookup, 0,
	    (int)(sizeof(lookup_cases) / sizeof(lookup_cases[0])));
	tcase_add_test(tc, test_become);
	suite_add_tcase(s, tc);
	return s;
}
