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
 *	Trust.  The directory is opened once and checked with fstat(2); every
 *	name in it is then reached through that descriptor (openat(2),
 *	renameat(2), unlinkat(2)), so the directory checked is the one used.
 *	A file is looked at with lstat first, so that a FIFO or a device is
 *	never opened; then it is opened with O_NOFOLLOW and O_NONBLOCK, and
 *	the descriptor's own fstat(2) decides: type, links, owner, mode.
 *	Only then are its lock and its number read, and a lock holder that
 *	is not the number recorded is refused (inspect).
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
#include "number.h"
#include "pidfile.h"

/* How long a starter waits for another one to leave PATH.tmp. */
#define PIDFILE_LOCK_WAIT_MS	5000

/* pidfile_wait polls: first after 1 ms, doubling up to this many. */
#define PIDFILE_POLL_MAX_MS	50

/* The directory is only searched and named, never read. */
#ifdef O_PATH
#define PIDFILE_DIR_OPEN	(O_PATH | O_DIRECTORY | O_CLOEXEC)
#else
#define PIDFILE_DIR_OPEN	(O_RDONLY | O_DIRECTORY | O_CLOEXEC)
#endif

/* Where a pidfile lives: its checked directory, and two names in it. */
struct place {
	int	 dfd;		/* the directory, opened and checked */
	char	*base;		/* PATH's last component */
	char	*tmp;		/* the same, with ".tmp" */
};

static int	 refuse(struct pidfile_refusal *, enum pidfile_fault, int,
		    long);
static int	 owner_ok(uid_t);
static int	 place_open(const char *, struct place *,
		    struct pidfile_refusal *);
static void	 place_close(struct place *);
static int	 file_trusted(int, int, struct pidfile_refusal *);
static int	 open_trusted(const struct place *, const char *, int, int,
		    struct pidfile_refusal *);
static int	 query_open(const char *, struct pidfile_refusal *);
static int	 tmp_lock(const struct place *, int, struct pidfile_refusal *);
static int	 lock_holder(int, pid_t *);
static int	 read_pid(int, pid_t *);
static int	 inspect(int, pid_t *, struct pidfile_refusal *);
static int	 path_held(const struct place *, pid_t *,
		    struct pidfile_refusal *);
static int	 guard(const struct place *, int, pid_t *,
		    struct pidfile_refusal *);
static void	 unguard(const struct place *, int);
static int	 signal_leader(int, pid_t, int);
static void	 close_keep_errno(int);
static int	 query_state(const char *, int *, pid_t *,
		    struct pidfile_refusal *);
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

/* refuse - record why a pidfile is not trusted; -1 with errno EPERM */
static int
refuse(struct pidfile_refusal *ref, enum pidfile_fault fault, int tmp,
    long value)
{
	ref->fault = fault;
	ref->tmp = tmp;
	ref->value = value;
	ref->recorded = 0;
	errno = EPERM;
	return -1;
}

/* owner_ok - may a file or directory owned by uid tell us whom to signal? */
static int
owner_ok(uid_t uid)
{
	return uid == geteuid() || uid == 0;
}

/*
 * place_open - open and check PATH's directory
 *
 *	Owned by us or root, and not writable by group or others unless
 *	sticky: in any other directory someone else could rename a file of
 *	his over PATH, or ours away, between two of our calls.
 */
static int
place_open(const char *path, struct place *pl, struct pidfile_refusal *ref)
{
	const char *slash, *base;
	struct stat sb;
	char *dir;
	size_t blen;

	pl->dfd = -1;
	pl->base = pl->tmp = NULL;
	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	if ((blen = strlen(base)) == 0) {
		errno = *path == '\0' ? ENOENT : EISDIR;
		return -1;
	}
	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL)
		return -1;
	pl->dfd = open(dir, PIDFILE_DIR_OPEN);
	free(dir);
	if (pl->dfd == -1)
		return -1;
	if ((pl->base = strdup(base)) == NULL ||
	    (pl->tmp = malloc(blen + sizeof(".tmp"))) == NULL ||
	    fstat(pl->dfd, &sb) == -1)
		goto fail;
	memcpy(pl->tmp, base, blen);
	memcpy(pl->tmp + blen, ".tmp", sizeof(".tmp"));
	if (!owner_ok(sb.st_uid)) {
		(void)refuse(ref, PIDFILE_FAULT_DIR_OWNER, 0, (long)sb.st_uid);
		goto fail;
	}
	if ((sb.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (sb.st_mode & S_ISVTX) == 0) {
		(void)refuse(ref, PIDFILE_FAULT_DIR_MODE, 0,
		    (long)(sb.st_mode & 07777));
		goto fail;
	}
	return 0;

fail:
	place_close(pl);
	return -1;
}

static void
place_close(struct place *pl)
{
	int saved = errno;

	if (pl->dfd != -1)
		(void)close(pl->dfd);
	free(pl->base);
	free(pl->tmp);
	pl->dfd = -1;
	pl->base = pl->tmp = NULL;
	errno = saved;
}

/*
 * file_trusted - 0 if the open file fd may tell us whom to signal: a
 * regular file with one link, owned by us or root, that nobody else may
 * write (sshd's StrictModes, Postfix's safe_open)
 */
static int
file_trusted(int fd, int tmp, struct pidfile_refusal *ref)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		return -1;
	if (!S_ISREG(sb.st_mode))
		return refuse(ref, PIDFILE_FAULT_TYPE, tmp,
		    (long)(sb.st_mode & S_IFMT));
	if (!owner_ok(sb.st_uid))
		return refuse(ref, PIDFILE_FAULT_OWNER, tmp, (long)sb.st_uid);
	if ((sb.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return refuse(ref, PIDFILE_FAULT_MODE, tmp,
		    (long)(sb.st_mode & 07777));
	if (sb.st_nlink != 1)
		return refuse(ref, PIDFILE_FAULT_LINKS, tmp,
		    (long)sb.st_nlink);
	return 0;
}

/*
 * open_trusted - open name in pl's directory, if file_trusted
 *
 *	flags is O_RDONLY, or O_RDWR | O_CREAT to make PATH.tmp.  lstat
 *	first, so that a FIFO (whose open would wait for a writer) or a
 *	device is never opened; the open itself follows no symbolic link
 *	and does not block, and the descriptor's fstat decides.
 */
static int
open_trusted(const struct place *pl, const char *name, int flags, int tmp,
    struct pidfile_refusal *ref)
{
	struct stat sb;
	int fd, fl;

	if (fstatat(pl->dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(sb.st_mode))
			return refuse(ref, PIDFILE_FAULT_SYMLINK, tmp, 0);
		if (!S_ISREG(sb.st_mode))
			return refuse(ref, PIDFILE_FAULT_TYPE, tmp,
			    (long)(sb.st_mode & S_IFMT));
	} else if (errno != ENOENT || (flags & O_CREAT) == 0)
		return -1;
	fd = openat(pl->dfd, name, flags | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC, 0644);
	if (fd == -1) {
		/* ELOOP, or EMLINK on FreeBSD: a symbolic link. */
		if (errno == ELOOP || errno == EMLINK)
			return refuse(ref, PIDFILE_FAULT_SYMLINK, tmp, 0);
		return -1;
	}
	if (file_trusted(fd, tmp, ref) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

/*
 * query_open - PATH, open for reading once trusted, or -1: ENOENT when
 * there is no pidfile (or no directory), EPERM when it is refused
 */
static int
query_open(const char *path, struct pidfile_refusal *ref)
{
	struct place pl;
	int fd;

	if (place_open(path, &pl, ref) == -1)
		return -1;
	fd = open_trusted(&pl, pl.base, O_RDONLY, 0, ref);
	place_close(&pl);
	return fd;
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
tmp_lock(const struct place *pl, int keep, struct pidfile_refusal *ref)
{
	struct flock fl;
	struct stat sfd, spath;
	unsigned long waited = 0, step = 1;
	int fd, hfd;

	for (;;) {
		fd = open_trusted(pl, pl->tmp, O_RDWR | O_CREAT, 1, ref);
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
			if (fstatat(pl->dfd, pl->tmp, &spath,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
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
 *	The one grammar for a PID: at most PIDFILE_MAX bytes, an integer of
 *	number.h that starts with a digit from 1 to 9, then one optional
 *	newline, nothing else (no sign, space or leading zero: "01" would be
 *	read as 1 by others), and a value from 2 to PIDFILE_PID_MAX.  0
 *	and 1 are not PIDs to act on: kill(2) reads -0 as the caller's own
 *	group and -1 as every process.
 *	Returns -1 with EINVAL for anything else.
 */
static int
read_pid(int fd, pid_t *pid)
{
	char text[PIDFILE_MAX + 1];
	unsigned long long v;
	size_t len = 0;
	ssize_t r;

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
	if (len == 0 || len > PIDFILE_MAX || text[0] < '1' || text[0] > '9') {
		errno = EINVAL;
		return -1;
	}
	if (text[len - 1] == '\n')
		len--;
	if (number_uint(text, len, PIDFILE_PID_MAX, &v) == -1 || v < 2) {
		errno = EINVAL;
		return -1;
	}
	*pid = (pid_t)v;
	return 0;
}

/*
 * inspect - what a trusted, open pidfile says
 *
 *	PIDFILE_RUNNING with *pid the lock holder, which must be the PID
 *	recorded: a lock that another program holds on a file it was given,
 *	or a holder we cannot name, proves nothing and is refused.
 *	PIDFILE_STALE with *pid the PID recorded, 0 if none.  -1 on error.
 */
static int
inspect(int fd, pid_t *pid, struct pidfile_refusal *ref)
{
	pid_t holder = 0, recorded = 0;
	int locked;

	if ((locked = lock_holder(fd, &holder)) == -1)
		return -1;
	if (read_pid(fd, &recorded) == -1) {
		if (errno != EINVAL)
			return -1;
		recorded = 0;
	}
	if (!locked) {
		*pid = recorded;
		return PIDFILE_STALE;
	}
	if (holder == 0 || holder != recorded) {
		(void)refuse(ref, PIDFILE_FAULT_HOLDER, 0, (long)holder);
		ref->recorded = (long)recorded;
		return -1;
	}
	*pid = holder;
	return PIDFILE_RUNNING;
}

/*
 * path_held - 1 if a running program holds the lock on PATH (its pid in
 * *holder), 0 if not or if PATH does not exist, -1 on error or refusal
 */
static int
path_held(const struct place *pl, pid_t *holder,
    struct pidfile_refusal *ref)
{
	pid_t pid = 0;
	int fd, state;

	if ((fd = open_trusted(pl, pl->base, O_RDONLY, 0, ref)) == -1)
		return errno == ENOENT ? 0 : -1;
	state = inspect(fd, &pid, ref);
	close_keep_errno(fd);
	if (state == -1)
		return -1;
	if (state != PIDFILE_RUNNING)
		return 0;
	*holder = pid;
	return 1;
}

/*
 * guard - the opening steps of create and remove: lock PATH.tmp (kept
 * open for the program if create), then make sure nobody holds PATH.
 * Returns the locked descriptor, or -1: EBUSY, with *holder set, when
 * the program runs.
 */
static int
guard(const struct place *pl, int create, pid_t *holder,
    struct pidfile_refusal *ref)
{
	pid_t other = 0;
	int fd, locked;

	if ((fd = tmp_lock(pl, create, ref)) == -1)
		return -1;
	/* Holding PATH.tmp's lock: nobody else can rename over PATH now. */
	if ((locked = path_held(pl, &other, ref)) == 0)
		return fd;
	if (locked > 0) {
		*holder = other;
		errno = EBUSY;
	}
	unguard(pl, fd);
	return -1;
}

/* unguard - give up guard()'s PATH.tmp, ours since we hold its lock */
static void
unguard(const struct place *pl, int fd)
{
	int saved = errno;

	(void)unlinkat(pl->dfd, pl->tmp, 0);
	(void)close(fd);
	errno = saved;
}

int
pidfile_create(const char *path, pid_t pid, pid_t *holder,
    struct pidfile_refusal *ref)
{
	struct place pl;
	char line[32];
	int fd, n, saved = errno;

	*holder = 0;
	memset(ref, 0, sizeof(*ref));
	/* A pidfile holding 1 (pido as a container's init) names everyone. */
	if (pid < 2 || pid > PIDFILE_PID_MAX)
		return refuse(ref, PIDFILE_FAULT_PID, 0, (long)pid);
	n = snprintf(line, sizeof(line), "%ld\n", (long)pid);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		errno = EINVAL;
		return -1;
	}
	if (place_open(path, &pl, ref) == -1)
		return -1;
	if ((fd = guard(&pl, 1, holder, ref)) == -1)
		goto out;
	if (ftruncate(fd, 0) == -1 || io_write_all(fd, line, (size_t)n) == -1 ||
	    fsync(fd) == -1 ||
	    renameat(pl.dfd, pl.tmp, pl.dfd, pl.base) == -1) {
		unguard(&pl, fd);
		fd = -1;
		goto out;
	}
	errno = saved;
out:
	place_close(&pl);
	return fd;
}

/*
 * query_state - what path says, for a question about it: PIDFILE_ABSENT
 * with *fd -1 when there is no such file, else inspect()'s state with *fd
 * the open pidfile; -1 on error, *fd closed
 */
static int
query_state(const char *path, int *fd, pid_t *pid,
    struct pidfile_refusal *ref)
{
	int state, saved = errno;

	*pid = 0;
	memset(ref, 0, sizeof(*ref));
	if ((*fd = query_open(path, ref)) == -1) {
		if (errno != ENOENT)
			return -1;
		errno = saved;
		return PIDFILE_ABSENT;
	}
	if ((state = inspect(*fd, pid, ref)) == -1) {
		close_keep_errno(*fd);
		*fd = -1;
	}
	return state;
}

int
pidfile_check(const char *path, pid_t *pid, struct pidfile_refusal *ref)
{
	int fd, state, saved = errno;

	if ((state = query_state(path, &fd, pid, ref)) == -1)
		return -1;
	if (fd != -1)
		(void)close(fd);
	errno = saved;
	return state;
}

int
pidfile_read(const char *path, pid_t *pid, struct pidfile_refusal *ref)
{
	int fd, r, saved = errno;

	memset(ref, 0, sizeof(*ref));
	if ((fd = query_open(path, ref)) == -1)
		return -1;
	if ((r = read_pid(fd, pid)) == -1 && errno == EINVAL)
		(void)refuse(ref, PIDFILE_FAULT_PID, 0, 0);
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

/*
 * pidfile_signal - see pidfile.h
 *
 *	Every number that reaches kill(2) here is a PID of the grammar (2 or
 *	more), negated for a group: inspect refuses a holder that is not the
 *	PID recorded, and a group is signalled only if the holder leads it
 *	or, with no holder, under the ID recorded.
 */
int
pidfile_signal(const char *path, int sig, int group, pid_t *pidp,
    struct pidfile_refusal *ref)
{
	pid_t pid, pgid;
	int fd, state, saved = errno;

	*pidp = 0;
	if ((state = query_state(path, &fd, &pid, ref)) == -1)
		return -1;
	if (fd == -1)
		return state;		/* PIDFILE_ABSENT */
	if (state == PIDFILE_RUNNING) {
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
	} else if (group && pid == 0) {
		/* Not refused, but no group to signal: say why. */
		ref->fault = PIDFILE_FAULT_PID;
	} else if (group) {
		/* What is left of the group of a leader that has exited. */
		if (kill(-pid, 0) == 0) {
			if (kill(-pid, sig) == -1)
				goto fail;
			*pidp = pid;
		} else if (errno != ESRCH)
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
pidfile_wait(const char *path, unsigned long msec,
    struct pidfile_refusal *ref)
{
	struct timespec now, deadline;
	unsigned long step = 1, left;
	pid_t pid;
	int fd, locked, saved = errno;

	memset(ref, 0, sizeof(*ref));
	if (clock_gettime(CLOCK_MONOTONIC, &deadline) == -1)
		return -1;
	deadline.tv_sec += (time_t)(msec / 1000);
	deadline.tv_nsec += (long)(msec % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if ((fd = query_open(path, ref)) == -1) {
		if (errno != ENOENT)
			return -1;
		errno = saved;
		return 0;
	}
	/* A lock that is not the program's is not waited for either. */
	if (inspect(fd, &pid, ref) == -1)
		goto fail;
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
pidfile_remove(const char *path, struct pidfile_refusal *ref)
{
	struct place pl;
	pid_t holder = 0;
	int fd, r = -1, saved = errno;

	memset(ref, 0, sizeof(*ref));
	if (place_open(path, &pl, ref) == -1)
		return -1;
	if ((fd = guard(&pl, 0, &holder, ref)) == -1)
		goto out;
	if (unlinkat(pl.dfd, pl.base, 0) == -1 && errno != ENOENT) {
		unguard(&pl, fd);
		goto out;
	}
	unguard(&pl, fd);
	errno = saved;
	r = 0;
out:
	place_close(&pl);
	return r;
}
