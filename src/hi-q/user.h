/*
 * user.h - who runs the pipeline when hi-q starts as root
 *
 * DESCRIPTION
 *	user_lookup(name, &uid, &gid) finds name in /etc/passwd, read as a
 *	file: hi-q is linked statically, and the system's name services
 *	(NSS modules) cannot be loaded into a static program.
 *	user_become(uid, gid) gives up root for good, as setuidgid(8)
 *	does: the one group gid (no supplementary groups), then gid, then
 *	uid, real and effective alike; it checks that root cannot be had
 *	back.
 *
 * ERRORS
 *	user_lookup returns 0, USER_UNKNOWN when no such user is listed, or
 *	-1 with errno set when /etc/passwd could not be read.  user_become
 *	returns 0, or -1 with errno set (EPERM when hi-q is not root).
 */
#ifndef HIQ_USER_H
#define HIQ_USER_H

#include <sys/types.h>

#define USER_UNKNOWN	(-2)
#define USER_PASSWD	"/etc/passwd"

int	 user_lookup(const char *, uid_t *, gid_t *);
int	 user_become(uid_t, gid_t);

#endif /* HIQ_USER_H */
