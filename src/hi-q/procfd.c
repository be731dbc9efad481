/*
 * procfd.c - which process holds a pipe open, found through /proc
 *
 * DESCRIPTION
 *	See procfd.h.  Every file is opened relative to a descriptor of
 *	/proc (openat), so no path is built from what a process chose; what
 *	is read from /proc goes into buffers of a fixed size because the
 *	kernel bounds it (a "pipe:[N]" link, an fdinfo file, a 16-byte
 *	command name), and a longer read is only cut short.
 *
 * ERRORS
 *	See procfd.h.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "number.h"
#include "procfd.h"
#include "xalloc.h"

#define PROCFD_SMALL	256	/* an fdinfo file or a comm, at most */

static pid_t	 pid_of(const char *);
static ssize_t	 read_small(int, const char *, char *, size_t);
static int	 holds(int, pid_t, const char *);
static int	 writes(int, pid_t, const char *);

/* pid_of - a /proc entry's name as a pid; 0 when it is not a pid */
static pid_t
pid_of(const char *name)
{
	unsigned long long v;

	if (name[0] < '1' || name[0] > '9' ||
	    number_uint(name, strlen(name), INT_MAX, &v) == -1)
		return 0;
	return (pid_t)v;
}

/*
 * read_small - the start of file at, relative to dir, NUL-terminated in
 * p[n]; its length, or -1
 */
static ssize_t
read_small(int dir, const char *at, char *p, size_t n)
{
	ssize_t got;
	int fd, saved;

	if ((fd = openat(dir, at, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	got = io_read(fd, p, n - 1);
	saved = errno;
	(void)close(fd);	/* read only */
	errno = saved;
	if (got == -1)
		return -1;
	p[got] = '\0';
	return got;
}

/*
 * holds - does process pid hold the pipe named want ("pipe:[INODE]") open
 * for writing?  proc is a descriptor of /proc.
 */
static int
holds(int proc, pid_t pid, const char *want)
{
	struct dirent *e;
	DIR *fds;
	char path[64], link[64];
	ssize_t n;
	int dfd, found = 0;

	(void)snprintf(path, sizeof(path), "%ld/fd", (long)pid);
	if ((dfd = openat(proc, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return 0;	/* not ours to read, or gone */
	if ((fds = fdopendir(dfd)) == NULL) {
		(void)close(dfd);	/* a directory */
		return 0;
	}
	while (!found && (e = readdir(fds)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dfd, e->d_name, link, sizeof(link) - 1);
		if (n <= 0 || (size_t)n >= sizeof(link) - 1)
			continue;
		link[n] = '\0';
		if (strcmp(link, want) == 0 && writes(proc, pid, e->d_name))
			found = 1;
	}
	(void)closedir(fds);	/* a directory */
	return found;
}

/*
 * writes - is descriptor fd (its name in /proc/PID/fd) of process pid
 * open for writing?  The "flags:" line of its fdinfo says, in octal.
 */
static int
writes(int proc, pid_t pid, const char *fd)
{
	char path[64], info[PROCFD_SMALL], *at, *end;
	unsigned long flags;

	if (snprintf(path, sizeof(path), "%ld/fdinfo/%s", (long)pid, fd) >=
	    (int)sizeof(path))
		return 0;
	if (read_small(proc, path, info, sizeof(info)) == -1 ||
	    (at = strstr(info, "flags:")) == NULL)
		return 0;
	/* The kernel's octal field, not a number anyone writes: strtoul. */
	errno = 0;
	flags = strtoul(at + 6, &end, 8);
	if (errno != 0 || end == at + 6)
		return 0;
	return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
}

pid_t
procfd_pipe_writer(ino_t ino, pid_t skip)
{
	struct dirent *e;
	DIR *proc;
	char want[64];
	pid_t pid, found = 0;

	(void)snprintf(want, sizeof(want), "pipe:[%ju]", (uintmax_t)ino);
	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while (found == 0 && (e = readdir(proc)) != NULL)
		if ((pid = pid_of(e->d_name)) != 0 && pid != skip &&
		    holds(dirfd(proc), pid, want))
			found = pid;
	(void)closedir(proc);	/* a directory */
	return found;
}

char *
procfd_name(pid_t pid)
{
	char path[64], comm[PROCFD_SMALL];
	ssize_t n, i;

	(void)snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if ((n = read_small(AT_FDCWD, path, comm, sizeof(comm))) == -1)
		return NULL;
	if (n > 0 && comm[n - 1] == '\n')
		comm[--n] = '\0';
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-_+", comm[i]) == NULL || comm[i] == '\0')
			comm[i] = '?';
	return xstrdup(comm);
}
