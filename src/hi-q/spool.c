/*
 * spool.c - the file a message waits in until its verdict
 *
 * DESCRIPTION
 *	See spool.h.
 *
 * ERRORS
 *	See spool.h.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "spool.h"
#include "xalloc.h"

#define SPOOL_MODE	0600		/* the message is nobody else's */

int
spool_open(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, SPOOL_MODE)) != -1)
		return fd;
	/*
	 * Filesystems without O_TMPFILE say EOPNOTSUPP; kernels without it
	 * see O_DIRECTORY | O_RDWR and say EISDIR.  Anything else (ENOENT,
	 * EACCES, ENOSPC) is the directory's own problem: report it.
	 */
	if (errno != EOPNOTSUPP && errno != EISDIR)
		return -1;
	return spool_open_named(dir);
}

int
spool_open_named(const char *dir)
{
	char *path;
	int fd, saved;

	path = xasprintf("%s/hi-q.spool.XXXXXX", dir);
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1) {
		saved = errno;
		free(path);
		errno = saved;
		return -1;
	}
	if (unlink(path) == -1) {
		saved = errno;
		(void)close(fd);
		free(path);
		errno = saved;
		return -1;
	}
	free(path);
	return fd;
}

int
spool_rewind(int fd)
{
	return lseek(fd, 0, SEEK_SET) == -1 ? -1 : 0;
}

int
spool_reopen(int fd)
{
	char path[40];
	int nfd, saved;

	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((nfd = open(path, O_RDONLY | O_CLOEXEC)) != -1 || errno != ENOENT)
		return nfd;
	if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	if (lseek(nfd, 0, SEEK_SET) == -1) {
		saved = errno;
		(void)close(nfd);
		errno = saved;
		return -1;
	}
	return nfd;
}
