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
 *	What is trusted.  A pidfile tells whom to signal, so every function
 *	here refuses one that someone else could have written or swapped,
 *	and says why in a struct pidfile_refusal:
 *
 *	- its directory must be owned by the effective user or by root, and
 *	  not writable by group or others unless it is sticky (as /tmp is);
 *	- PATH itself (and PATH.tmp when it is made) must not be a symbolic
 *	  link, must be a regular file with one link, owned by the effective
 *	  user or by root, and not writable by group or others.  These are
 *	  checked with fstat(2) on the descriptor that is then read, never
 *	  by name, and a FIFO or device is never opened;
 *	- the number must be a PID: canonical decimal (no sign, no leading
 *	  zero, no space), from 2 to PIDFILE_PID_MAX, then one optional
 *	  newline.  0 and 1 are refused because kill(2) reads them as "my
 *	  own group" and "every process";
 *	- while someone holds the lock, the holder must be the PID recorded.
 *	  A mismatch (a file another program locked, a holder in another PID
 *	  namespace) is refused, never acted on.
 *
 *	A pidfile nobody holds and that records no valid PID is stale, not
 *	refused: nothing runs under it and it names no group, so it can be
 *	replaced or removed (the refusal then says PIDFILE_FAULT_PID, as
 *	information).
 *
 *	pidfile_create(path, pid, &holder, &ref) writes "pid\n" to PATH.tmp
 *	in the same directory, locks it, and renames it over PATH, so a
 *	reader never sees a half-written file.  Starters serialize on the
 *	lock of PATH.tmp.  It returns the locked descriptor, numbered
 *	PIDFILE_FD_MIN or higher (out of the way of programs that dup2 onto
 *	low numbers, as qmail-start does onto 2 to 6) and deliberately NOT
 *	close-on-exec: the caller execs the program with it open, and the
 *	lock goes along.
 *
 *	pidfile_check(path, &pid, &ref) tells PIDFILE_RUNNING (someone holds
 *	the lock; pid is the holder, which is also the PID recorded),
 *	PIDFILE_STALE (the file exists and nobody holds its lock; pid is the
 *	PID recorded in it, the ID of the process group its children may
 *	still be in, or 0 if it records none) or PIDFILE_ABSENT.
 *
 *	pidfile_read(path, &pid, &ref) parses the recorded PID.
 *
 *	pidfile_signal(path, sig, group, &pid, &ref) sends sig to the running
 *	program, or with group != 0 to its process group, which it must
 *	lead.  When the program is gone but its pidfile is left (stale), a
 *	group signal still reaches what is left of the group, whose ID is
 *	the recorded PID: this is how zap ends the children of a daemon that
 *	has already exited.  pid is set to what was signalled (a PID, or a
 *	process group ID), 0 if nothing.
 *
 *	pidfile_wait(path, msec, &ref) returns once nobody holds the lock of
 *	the file PATH named when it was called, or fails after msec
 *	milliseconds.
 *
 *	pidfile_remove(path, &ref) removes a pidfile nobody holds, under the
 *	same lock as pidfile_create, so it never removes the pidfile of a
 *	program that has just been started.
 *
 *	WARNING: a process must not query a pidfile it holds itself.  The
 *	queries open the file and close it again, and under POSIX record
 *	locks that close drops the caller's own lock.
 *
 * ERRORS
 *	Functions return -1 with errno set, and keep errno intact on success.
 *	A refused pidfile: EPERM, with ref->fault saying why (it is
 *	PIDFILE_FAULT_NONE for every other failure).  pidfile_create: EBUSY
 *	when the program is already running (holder set to its PID), EAGAIN
 *	when another starter has held PATH.tmp for longer than a starter ever
 *	needs (5 s), EPERM when pid is not a PID it would record, else the
 *	errno of the failing system call (ENOENT for a missing directory).
 *	pidfile_check and pidfile_read: open(2)'s errno; pidfile_read also
 *	EPERM when the file does not hold a PID.  pidfile_signal: EINVAL for
 *	a group signal to a program that does not lead its own process group,
 *	else kill(2)'s errno.  pidfile_wait: ETIMEDOUT.  pidfile_remove: EBUSY
 *	when the program runs, EAGAIN as for pidfile_create.  Nothing here
 *	exits: pido maps these to its exit codes (docs/pido.8).
 */
#ifndef HIQ_PIDFILE_H
#define HIQ_PIDFILE_H

#include <sys/types.h>

enum pidfile_state {
	PIDFILE_RUNNING,	/* a live process holds the lock */
	PIDFILE_STALE,		/* the file exists; nobody holds the lock */
	PIDFILE_ABSENT		/* there is no pidfile */
};

/* Why a pidfile was refused; value is what the fault names. */
enum pidfile_fault {
	PIDFILE_FAULT_NONE,	/* not refused */
	PIDFILE_FAULT_DIR_OWNER, /* its directory's owner (value: uid) */
	PIDFILE_FAULT_DIR_MODE,	/* its directory is writable by others and
				   not sticky (value: mode) */
	PIDFILE_FAULT_SYMLINK,	/* a symbolic link */
	PIDFILE_FAULT_TYPE,	/* not a regular file (value: S_IFMT bits) */
	PIDFILE_FAULT_OWNER,	/* owned by someone else (value: uid) */
	PIDFILE_FAULT_MODE,	/* writable by group or others (value: mode) */
	PIDFILE_FAULT_LINKS,	/* more than one link (value: how many) */
	PIDFILE_FAULT_PID,	/* records no PID (value: the PID to record,
				   for pidfile_create; else 0) */
	PIDFILE_FAULT_HOLDER	/* the lock holder (value, 0 if it cannot be
				   named) is not the PID recorded */
};

struct pidfile_refusal {
	enum pidfile_fault	fault;
	int			tmp;	/* the fault is PATH.tmp's */
	long			value;	/* see enum pidfile_fault */
	long			recorded; /* FAULT_HOLDER: the PID recorded,
					     0 if none */
};

/* The lowest descriptor number pidfile_create() returns. */
#define PIDFILE_FD_MIN	10

/* The longest pidfile pidfile_read() accepts, in bytes. */
#define PIDFILE_MAX	32

/*
 * The largest PID accepted: Linux's PID_MAX_LIMIT (2^22) less one, above
 * any kernel.pid_max; other systems stay below it too.
 */
#define PIDFILE_PID_MAX	4194303L

int	pidfile_create(const char *, pid_t, pid_t *, struct pidfile_refusal *);
int	pidfile_check(const char *, pid_t *, struct pidfile_refusal *);
int	pidfile_read(const char *, pid_t *, struct pidfile_refusal *);
int	pidfile_signal(const char *, int, int, pid_t *,
	    struct pidfile_refusal *);
int	pidfile_wait(const char *, unsigned long, struct pidfile_refusal *);
int	pidfile_remove(const char *, struct pidfile_refusal *);

#endif /* HIQ_PIDFILE_H */
