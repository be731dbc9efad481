/*
 * pidfile.c - pido's atomic, locked pidfile
 *
 * DESCRIPTION
 *	See pidfile.h.  The protocol, for every program that uses it:
 *
 *	- A starter opens PATH.tmp (creating it), takes a write lock on it
 *	  and checks that PATH.tmp still names the inode it locked (another
 *	  starter may have renamed or removed it meanwhile; then it starts
 *	  over, as it does while another starter holds the lock for the
 *	  moment between its own lock and rename).  Holding that lock, it
 *	  looks at PATH: if someone holds PATH's lock, the program runs and
 *	  the starter gives up; otherwise it writes its PID, fsyncs, and
 *	  renames PATH.tmp over PATH.  The lock moves with the inode, so
 *	  from then on PATH is locked for as long as the starter, and the
 *	  program it execs, runs.
 *	- pidfile_remove takes the same PATH.tmp lock, so a pidfile is never
 *	  removed between a starter's check and its rename.
 *	- Queries only ever test for a lock (F_GETLK); they never take one,
 *	  so a query cannot make a program look alive.
 *
 *	The pid-reuse race: a lock cannot outlive its process, so "running"
 *	is always true when reported.  Between that answer and a kill(2) the
 *	process may exit and its PID be reused; where the kernel has pidfds,
 *	pidfile_signal closes that gap for a signal to the process itself.
 *	A signal to a process group whose leader has gone is sent to the
 *	group ID recorded in the file; the kernel does not reuse a PID while
 *	a process group of that ID has a member, so this is safe unless
 *	every member has exited and a new process has taken the PID and made
 *	itself a group leader.  docs/pido.8 (BUGS) states the same.
 *
 * ERRORS
 *	See pidfile.h.  No function exits or prints; errno is kept intact on
 *	success.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#include "io.h"
#include "pidfile.h"

/* How long a starter waits for another one to leave PATH.tmp. */
#define PIDFILE_LOCK_WAIT_MS	5000

/* pidfile_wait polls: first after 1 ms, doubling up to this many. */
#define PIDFILE_POLL_MAX_MS	50

static char	*tmp_name(const char *);
static int	 tmp_lock(const char *, int);
static int	 lock_holder(int, pid_t *);
static int	 path_held(const char *, pid_t *);
static int	 guard(const char *, int, char **, pid_t *);
static void	 unguard(int, char *);
static int	 read_pid(int, pid_t *);
static int	 signal_leader(int, pid_t, int);
static void	 close_keep_errno(int);
static void	 nap_ms(unsigned long);

static void
close_keep_errno(int fd)
{
	int saved = errno;

	(void)close(fd);
	errno = saved;
}

/* nap_ms - sleep about msec milliseconds; a signal may cut it short */
static void
nap_ms(unsigned long msec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(msec / 1000);
	ts.tv_nsec = (long)(msec % 1000) * 1000000L;
	(void)nanosleep(&ts, NULL);
}

/* tmp_name - PATH.tmp, in the same directory so rename(2) is atomic */
static char *
tmp_name(const char *path)
{
	size_t n = strlen(path);
	char *tmp;

	if (n == 0) {
		errno = ENOENT;
		return NULL;
	}
	if ((tmp = malloc(n + sizeof(".tmp"))) == NULL)
		return NULL;
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".tmp", sizeof(".tmp"));
	return tmp;
}

/*
 * tmp_lock - open PATH.tmp and hold its write lock
 *
 *	Returns a descriptor locked on the inode that PATH.tmp names at the
 *	time of return.  With keep != 0 the descriptor is numbered
 *	PIDFILE_FD_MIN or higher and is not close-on-exec: it is the one
 *	the program will hold.  It is moved before it is locked, because
 *	closing the original descriptor after locking would drop the lock.
 *
 *	The lock is tried, not waited for: the inode we opened may have been
 *	renamed to PATH meanwhile, and its lock then lasts as long as the
 *	program.  A busy PATH.tmp means another starter is between its lock
 *	and its rename, which takes a moment; we look again, for at most
 *	PIDFILE_LOCK_WAIT_MS.
 */
static int
tmp_lock(const char *tmp, int keep)
{
	struct flock fl;
	struct stat sfd, spath;
	unsigned long waited = 0, step = 1;
	int fd, hfd;

	for (;;) {
		fd = open(tmp, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY |
		    O_CLOEXEC, 0644);
		if (fd == -1)
			return -1;
		if (keep) {
			/* Deliberately not close-on-exec: see pidfile.h. */
			hfd = fcntl(fd, F_DUPFD, PIDFILE_FD_MIN);
			close_keep_errno(fd);
			if (hfd == -1)
				return -1;
			fd = hfd;
		}
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0) {
			if (fstat(fd, &sfd) == -1) {
				close_keep_errno(fd);
				return -1;
			}
			if (stat(tmp, &spath) == 0 &&
			    spath.st_dev == sfd.st_dev &&
			    spath.st_ino == sfd.st_ino)
				return fd;
			/* Renamed or removed before we locked it. */
		} else if (errno != EAGAIN && errno != EACCES) {
			close_keep_errno(fd);
			return -1;
		}
		(void)close(fd);
		if (waited >= PIDFILE_LOCK_WAIT_MS) {
			errno = EAGAIN;
			return -1;
		}
		nap_ms(step);
		waited += step;
		if ((step *= 2) > PIDFILE_POLL_MAX_MS)
			step = PIDFILE_POLL_MAX_MS;
	}
}

/*
 * lock_holder - does some process hold a lock on fd's file?
 *
 *	Returns 1 and the holder's PID (0 if the kernel cannot tell, as
 *	across PID namespaces), 0 if nobody does, -1 on error.
 */
static int
lock_holder(int fd, pid_t *pid)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == -1)
		return -1;
	if (fl.l_type == F_UNLCK)
		return 0;
	*pid = fl.l_pid > 0 ? fl.l_pid : 0;
	return 1;
}

/*
 * read_pid - parse "PID\n" from the start of fd
 *
 *	Digits, then one optional newline, nothing else, at most
 *	PIDFILE_MAX bytes, and a value from 1 to the largest pid_t.
 */
static int
read_pid(int fd, pid_t *pid)
{
	char text[PIDFILE_MAX + 1], *end;
	size_t len = 0;
	ssize_t r;
	long v;

	for (;;) {
		r = pread(fd, text + len, sizeof(text) - len, (off_t)len);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(text))
			break;
	}
	if (len == 0 || len > PIDFILE_MAX || text[0] < '0' || text[0] > '9') {
		errno = EINVAL;
		return -1;
	}
	if (text[len - 1] == '\n')
		len--;
	text[len] = '\0';
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || end != text + len || v < 1 || v > INT_MAX) {
		errno = EINVAL;
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

/*
 * path_held - 1 if a running program holds the lock on PATH (its pid in
 * *holder), 0 if not or if PATH does not exist, -1 on error
 */
static int
path_held(const char *path, pid_t *holder)
{
	int fd, locked;

	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	locked = lock_holder(fd, holder);
	close_keep_errno(fd);
	return locked;
}

/*
 * guard - the opening steps of create and remove: lock PATH.tmp (made if
 * create), then make sure nobody holds PATH.  Returns the locked
 * descriptor with *tmp set, or -1: EBUSY, with *holder set, when the
 * program runs.
 */
static int
guard(const char *path, int create, char **tmp, pid_t *holder)
{
	pid_t other;
	int fd, locked;

	if ((*tmp = tmp_name(path)) == NULL)
		return -1;
	if ((fd = tmp_lock(*tmp, create)) == -1) {
		free(*tmp);
		return -1;
	}
	/* Holding PATH.tmp's lock: nobody else can rename over PATH now. */
	if ((locked = path_held(path, &other)) == 0)
		return fd;
	if (locked > 0) {
		*holder = other;
		errno = EBUSY;
	}
	unguard(fd, *tmp);
	return -1;
}

/* unguard - give up guard()'s PATH.tmp, ours since we hold its lock */
static void
unguard(int fd, char *tmp)
{
	int saved = errno;

	(void)unlink(tmp);
	(void)close(fd);
	free(tmp);
	errno = saved;
}

int
pidfile_create(const char *path, pid_t pid, pid_t *holder)
{
	char line[32], *tmp;
	int fd, n, saved = errno;

	*holder = 0;
	if ((fd = guard(path, 1, &tmp, holder)) == -1)
		return -1;
	n = snprintf(line, sizeof(line), "%ld\n", (long)pid);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		errno = EINVAL;
		goto fail;
	}
	if (ftruncate(fd, 0) == -1 || io_write_all(fd, line, (size_t)n) == -1 ||
	    fsync(fd) == -1 || rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	errno = saved;
	return fd;

fail:
	unguard(fd, tmp);
	return -1;
}

int
pidfile_check(const char *path, pid_t *pid)
{
	int fd, locked, saved = errno;

	*pid = 0;
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			return -1;
		errno = saved;
		return PIDFILE_ABSENT;
	}
	if ((locked = lock_holder(fd, pid)) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	if (!locked || *pid == 0) {
		if (read_pid(fd, pid) == -1)
			*pid = 0;
	}
	(void)close(fd);
	errno = saved;
	return locked ? PIDFILE_RUNNING : PIDFILE_STALE;
}

int
pidfile_read(const char *path, pid_t *pid)
{
	int fd, r, saved = errno;

	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1)
		return -1;
	r = read_pid(fd, pid);
	close_keep_errno(fd);
	if (r == 0)
		errno = saved;
	return r;
}

/*
 * signal_leader - send sig to pid, which holds the lock on fd's file
 *
 *	Where the kernel has pidfds, the signal goes through a pidfd opened
 *	before the lock is checked a second time: if pid still holds the
 *	lock then, the pidfd names that very process, and no reuse of the
 *	number can redirect the signal.  Elsewhere it is a plain kill(2).
 */
static int
signal_leader(int fd, pid_t pid, int sig)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
	pid_t again = 0;
	int pfd, locked, r;

	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		if (errno != ENOSYS)
			return -1;
		return kill(pid, sig);
	}
	if ((locked = lock_holder(fd, &again)) != 1 || again != pid) {
		close_keep_errno(pfd);
		if (locked == -1)
			return -1;
		errno = ESRCH;
		return -1;
	}
	r = (int)syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0);
	close_keep_errno(pfd);
	return r;
#else
	(void)fd;
	return kill(pid, sig);
#endif
}

int
pidfile_signal(const char *path, int sig, int group, pid_t *pidp)
{
	pid_t pid = 0, pgid;
	int fd, locked, state, saved = errno;

	*pidp = 0;
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			return -1;
		errno = saved;
		return PIDFILE_ABSENT;
	}
	if ((locked = lock_holder(fd, &pid)) == -1)
		goto fail;
	if (locked) {
		state = PIDFILE_RUNNING;
		if (pid == 0) {		/* a holder we cannot name */
			errno = ESRCH;
			goto fail;
		}
		if (group) {
			/* Its group, only if it leads one: never ours. */
			if ((pgid = getpgid(pid)) == -1)
				goto fail;
			if (pgid != pid) {
				errno = EINVAL;
				goto fail;
			}
			if (kill(-pid, sig) == -1)
				goto fail;
		} else if (signal_leader(fd, pid, sig) == -1)
			goto fail;
		*pidp = pid;
	} else {
		state = PIDFILE_STALE;
		/* What is left of the group of a leader that has exited. */
		if (group && read_pid(fd, &pid) == 0 && kill(-pid, 0) == 0) {
			if (kill(-pid, sig) == -1)
				goto fail;
			*pidp = pid;
		} else if (group && pid > 0 && errno != ESRCH)
			goto fail;
	}
	(void)close(fd);
	errno = saved;
	return state;

fail:
	close_keep_errno(fd);
	return -1;
}

int
pidfile_wait(const char *path, unsigned long msec)
{
	struct timespec now, deadline;
	unsigned long step = 1, left;
	pid_t pid;
	int fd, locked, saved = errno;

	if (clock_gettime(CLOCK_MONOTONIC, &deadline) == -1)
		return -1;
	deadline.tv_sec += (time_t)(msec / 1000);
	deadline.tv_nsec += (long)(msec % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			return -1;
		errno = saved;
		return 0;
	}
	/*
	 * Polled: the only blocking wait for a lock is to take it, and a
	 * waiter holding even a read lock would look alive to a query.
	 */
	for (;;) {
		if ((locked = lock_holder(fd, &pid)) == -1)
			goto fail;
		if (!locked)
			break;
		if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
			goto fail;
		if (now.tv_sec > deadline.tv_sec ||
		    (now.tv_sec == deadline.tv_sec &&
		    now.tv_nsec >= deadline.tv_nsec)) {
			errno = ETIMEDOUT;
			goto fail;
		}
		left = (unsigned long)(deadline.tv_sec - now.tv_sec) * 1000UL +
		    (unsigned long)((deadline.tv_nsec - now.tv_nsec) /
		    1000000L);
		if (step > left)
			step = left > 0 ? left : 1;
		nap_ms(step);		/* cut short by a signal: look again */
		if ((step *= 2) > PIDFILE_POLL_MAX_MS)
			step = PIDFILE_POLL_MAX_MS;
	}
	(void)close(fd);
	errno = saved;
	return 0;

fail:
	close_keep_errno(fd);
	return -1;
}

int
pidfile_remove(const char *path)
{
	pid_t holder;
	char *tmp;
	int fd, saved = errno;

	if ((fd = guard(path, 0, &tmp, &holder)) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT) {
		unguard(fd, tmp);
		return -1;
	}
	unguard(fd, tmp);
	errno = saved;
	return 0;
}
