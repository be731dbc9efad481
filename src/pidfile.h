/*
 * pidfile.h - pido's atomic, locked pidfile
 *
 * DESCRIPTION
 *	A pidfile holds one line, the PID in decimal.  The process it names
 *	holds a POSIX record lock (fcntl F_SETLK, F_WRLCK) on it for as long
 *	as it runs.  The kernel drops that lock when the process exits, so
 *	the lock, not the number in the file, says whether the program is
 *	alive: PID reuse cannot fool a query.  The lock belongs to the
 *	process, not to the descriptor: it survives execve(2), is not
 *	inherited by children, and is lost if the process closes any
 *	descriptor it has on the file.
 *
 *	pidfile_create(path, pid, &holder) writes "pid\n" to PATH.tmp in the
 *	same directory, locks it, and renames it over PATH, so a reader never
 *	sees a half-written file.  Starters serialize on the lock of PATH.tmp.
 *	It returns the locked descriptor, numbered PIDFILE_FD_MIN or higher
 *	(out of the way of programs that dup2 onto low numbers, as qmail-start
 *	does onto 2 to 6) and deliberately NOT close-on-exec: the caller
 *	execs the program with it open, and the lock goes along.
 *
 *	pidfile_check(path, &pid) tells PIDFILE_RUNNING (someone holds the
 *	lock; pid is the holder, as the kernel reports it), PIDFILE_STALE (the
 *	file exists and nobody holds its lock; pid is the number recorded in
 *	it, or 0 if it holds none) or PIDFILE_ABSENT.
 *
 *	pidfile_read(path, &pid) parses the recorded PID.
 *
 *	pidfile_signal(path, sig, group, &pid) sends sig to the running
 *	program, or with group != 0 to its process group.  When the program
 *	is gone but its pidfile is left (stale), a group signal still reaches
 *	what is left of the group, whose ID is the recorded PID: this is how
 *	zap ends the children of a daemon that has already exited.  pid is
 *	set to what was signalled (a PID, or a process group ID), 0 if nothing.
 *
 *	pidfile_wait(path, msec) returns once nobody holds the lock of the
 *	file PATH named when it was called, or fails after msec milliseconds.
 *
 *	pidfile_remove(path) removes a pidfile nobody holds, under the same
 *	lock as pidfile_create, so it never removes the pidfile of a program
 *	that has just been started.
 *
 *	WARNING: a process must not query a pidfile it holds itself.  The
 *	queries open the file and close it again, and under POSIX record
 *	locks that close drops the caller's own lock.
 *
 * ERRORS
 *	Functions return -1 with errno set, and keep errno intact on success.
 *	pidfile_create: EBUSY when the program is already running (holder
 *	set to its PID), EAGAIN when another starter has held PATH.tmp for
 *	longer than a starter ever needs (5 s), else the errno of the failing
 *	system call (ENOENT for a missing directory).  pidfile_check and
 *	pidfile_read: open(2)'s errno; pidfile_read also EINVAL when the file
 *	does not hold a PID.  pidfile_signal: EINVAL for a group signal to a
 *	program that does not lead its own process group, ESRCH when the lock
 *	holder cannot be named, else kill(2)'s errno.  pidfile_wait:
 *	ETIMEDOUT.  pidfile_remove: EBUSY when the program runs, EAGAIN as
 *	for pidfile_create.  Nothing here exits: pido maps these to its exit
 *	codes (docs/pido.8).
 */
#ifndef HIQ_PIDFILE_H
#define HIQ_PIDFILE_H

#include <sys/types.h>

enum pidfile_state {
	PIDFILE_RUNNING,	/* a live process holds the lock */
	PIDFILE_STALE,		/* the file exists; nobody holds the lock */
	PIDFILE_ABSENT		/* there is no pidfile */
};

/* The lowest descriptor number pidfile_create() returns. */
#define PIDFILE_FD_MIN	10

/* The longest pidfile pidfile_read() accepts, in bytes. */
#define PIDFILE_MAX	32

int	pidfile_create(const char *, pid_t, pid_t *);
int	pidfile_check(const char *, pid_t *);
int	pidfile_read(const char *, pid_t *);
int	pidfile_signal(const char *, int, int, pid_t *);
int	pidfile_wait(const char *, unsigned long);
int	pidfile_remove(const char *);

#endif /* HIQ_PIDFILE_H */
