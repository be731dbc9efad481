/*
 * io.c - reads and writes that survive EINTR
 *
 * DESCRIPTION
 *	See io.h.
 *
 * ERRORS
 *	Each function returns -1 with errno set by the failing system call.
 *	io_write_all on a non-blocking descriptor may fail with EAGAIN after
 *	writing part of the data; hi-q only calls it on blocking ones.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/close_range.h>
#include <sys/syscall.h>
#endif

#include "io.h"
#include "number.h"

static int	set_nonblock(int, int);

ssize_t
io_read(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r == -1 && errno == EINTR);
	return r;
}

int
io_write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int
io_set_nonblock(int fd)
{
	return set_nonblock(fd, 1);
}

int
io_clear_nonblock(int fd)
{
	return set_nonblock(fd, 0);
}

/* set_nonblock - O_NONBLOCK on (on != 0) or off; no call if it is so */
static int
set_nonblock(int fd, int on)
{
	int fl, want;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	want = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	if (want == fl)
		return 0;
	return fcntl(fd, F_SETFL, want);
}

/*
 * io_cloexec_all - mark every descriptor >= lowfd close-on-exec
 *
 *	One close_range(2) call where the kernel has it (Linux 5.11), else a
 *	walk over /proc/self/fd.  Only the descriptor flag changes, so the
 *	caller's view of those files is untouched.
 */
int
io_cloexec_all(int lowfd)
{
	DIR *d;
	struct dirent *de;
	unsigned long long fd;
	int dfd, flags;

#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U,
	    CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
#endif
	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	dfd = dirfd(d);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (number_uint(de->d_name, strlen(de->d_name), INT_MAX,
		    &fd) == -1 || (long long)fd < lowfd || (long long)fd == dfd)
			continue;
		if ((flags = fcntl((int)fd, F_GETFD)) == -1 ||
		    fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC) == -1) {
			closedir(d);
			return -1;
		}
	}
	if (errno != 0) {
		closedir(d);
		return -1;
	}
	return closedir(d);
}

/*
 * io_pipe - a close-on-exec pipe, enlarged to size bytes where the kernel
 * allows (F_SETPIPE_SZ; best effort: it works at its default size too)
 */
int
io_pipe(int p[2], unsigned size)
{
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	(void)fcntl(p[1], F_SETPIPE_SZ, size);
	return 0;
}
