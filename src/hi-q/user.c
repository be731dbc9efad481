/*
 * user.c - who runs the pipeline when hi-q starts as root
 *
 * DESCRIPTION
 *	See user.h.
 *
 * ERRORS
 *	See user.h.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user.h"

int
user_lookup(const char *name, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	FILE *fp;
	int rc = USER_UNKNOWN, saved;

	if ((fp = fopen(USER_PASSWD, "re")) == NULL)
		return -1;
	/* fgetpwent() returns NULL at the end and on errors alike. */
	errno = 0;
	while ((pw = fgetpwent(fp)) != NULL) {
		if (strcmp(pw->pw_name, name) == 0) {
			*uid = pw->pw_uid;
			*gid = pw->pw_gid;
			rc = 0;
			break;
		}
		errno = 0;
	}
	if (rc != 0 && ferror(fp))
		rc = -1;
	saved = errno;
	if (fclose(fp) == EOF && rc == -1)
		return -1;
	errno = saved;
	return rc;
}

int
user_become(uid_t uid, gid_t gid)
{
	if (setgroups(1, &gid) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1)
		return -1;
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || (uid != 0 && setuid(0) != -1)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
