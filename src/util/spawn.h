/*
 * spawn.h - start one program with an fd plan, in a process group
 *
 * DESCRIPTION
 *	spawn_fds(argv, envp, map, n, pgid, &pid) runs argv[0] (an absolute
 *	path; no shell, no PATH search) with the descriptors of map and
 *	nothing else: map[i].fd of ours becomes the child's map[i].target
 *	(targets distinct, each at most SPAWN_TARGET_MAX); the child keeps
 *	our stderr when no entry targets 2, and every other descriptor is
 *	closed in it.  Our descriptors may be any numbers, the targets'
 *	included: one that another entry's target would overwrite is moved
 *	out of the way first.  spawn_program(argv, envp, fd_in, fd_out,
 *	pgid, &pid) is the common case: fd_in as stdin, fd_out as stdout.  Its signal mask is empty and every
 *	signal is at its default action, whatever hi-q or its caller set
 *	(ignored signals survive exec) provided spawn_signals_reset() ran
 *	once before and hi-q ignores no signal but SIGPIPE.  pgid < 0 leaves
 *	it in hi-q's process group, 0 makes it the leader of a new group,
 *	> 0 puts it in that group.
 *
 *	spawn_check(path) says whether spawn_program() would run path: only
 *	a regular file that the effective user may execute.  spawn_program()
 *	calls it first, and "hi-q --check" calls it for every program, so
 *	the two refuse the same programs with the same reason; a check
 *	started as root first becomes the user who will run hi-q, so that
 *	the effective user is that one.
 *
 *	spawn_environ(env, name) returns a copy of an environment without the
 *	variable name (hi-q drops QMAILQUEUE, which names hi-q itself: a
 *	stage that injects mail must reach the real queue, not hi-q again).
 *	The strings are env's; only the array is new.
 *
 * ERRORS
 *	spawn_fds and spawn_program return 0, or an errno value when the
 *	program could not be started (ENOENT for a missing program, EACCES,
 *	ENOMEM, EAGAIN for fork, EMFILE when a descriptor could not be moved;
 *	EINVAL for a map with a target out of range or twice).  The failure of exec itself is reported here, not through an
 *	exit code, so a missing stage can never pass for an exit status.
 *	spawn_check returns 0 or the errno value: stat(2)'s or access(2)'s,
 *	EISDIR for a directory, EACCES for any other file that is not
 *	regular.
 */
#ifndef HIQ_SPAWN_H
#define HIQ_SPAWN_H

#include <sys/types.h>

#include <stddef.h>

#define SPAWN_TARGET_MAX	9	/* the highest descriptor a map sets */

/* One descriptor of the child: its number there, and ours. */
struct spawn_fd {
	int	 target;
	int	 fd;
};

int	 spawn_check(const char *);
int	 spawn_fds(char *const [], char *const [], const struct spawn_fd *,
	    size_t, pid_t, pid_t *);
int	 spawn_program(char *const [], char *const [], int, int, pid_t,
	    pid_t *);
char	**spawn_environ(char *const [], const char *);
void	 spawn_signals_reset(void);

#endif /* HIQ_SPAWN_H */
