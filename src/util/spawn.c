/*
 * spawn.c - start one program with an fd plan, in a process group
 *
 * DESCRIPTION
 *	See spawn.h.  posix_spawn(3) does the work: glibc runs the child on
 *	the parent's memory until exec (clone with CLONE_VFORK), which is
 *	much cheaper than fork for each stage of each message, and it reports
 *	an exec failure as its return value.  Because the child side is
 *	glibc's, no code of ours runs between fork and exec.
 *
 * ERRORS
 *	See spawn.h.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"
#include "xalloc.h"

#if defined(__GLIBC__) && (__GLIBC__ > 2 || \
    (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
#define HAVE_ADDCLOSEFROM 1
#endif

static int	 out_of_way(const struct spawn_fd *, size_t, size_t);
static int	 valid_map(const struct spawn_fd *, size_t);
static int	 add_map(posix_spawn_file_actions_t *, const struct spawn_fd *,
		    size_t, int *);

/*
 * spawn_check - can path be run?  0, or the errno value that says why not
 *
 *	The one rule for both "hi-q --check" and every spawn: a regular file
 *	the effective user may execute.  execve(2) gives EACCES for any file
 *	that is not regular; a directory, which access(2) calls executable,
 *	is named as such (EISDIR), since that is the mistake a user makes.
 */
int
spawn_check(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		return errno;
	if (S_ISDIR(sb.st_mode))
		return EISDIR;
	if (!S_ISREG(sb.st_mode))
		return EACCES;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == -1)
		return errno;
	return 0;
}

/*
 * out_of_way - is our fd of entry i the target of another entry, which
 * would overwrite it before its own dup2?
 */
static int
out_of_way(const struct spawn_fd *map, size_t n, size_t i)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (j != i && map[j].target == map[i].fd)
			return 1;
	return 0;
}

/* valid_map - targets in range, each once */
static int
valid_map(const struct spawn_fd *map, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (map[i].target < 0 || map[i].target > SPAWN_TARGET_MAX ||
		    map[i].fd < 0)
			return 0;
		for (j = 0; j < i; j++)
			if (map[j].target == map[i].target)
				return 0;
	}
	return 1;
}

/*
 * add_map - the dup2s of map, our descriptors first moved above every
 * target where another entry's dup2 would overwrite them (moved[i],
 * which the caller set to -1 and closes after the spawn), then every
 * descriptor above the highest target closed
 */
static int
add_map(posix_spawn_file_actions_t *fa, const struct spawn_fd *map,
    size_t n, int *moved)
{
	size_t i;
	int rc, fd, top = 2;

	for (i = 0; i < n; i++) {
		if (map[i].target > top)
			top = map[i].target;
		if (map[i].fd != map[i].target && out_of_way(map, n, i) &&
		    (moved[i] = fcntl(map[i].fd, F_DUPFD_CLOEXEC,
		    SPAWN_TARGET_MAX + 1)) == -1)
			return errno;
	}
	for (i = 0; i < n; i++) {
		fd = moved[i] != -1 ? moved[i] : map[i].fd;
		if ((rc = posix_spawn_file_actions_adddup2(fa, fd,
		    map[i].target)) != 0)
			return rc;
	}
#ifdef HAVE_ADDCLOSEFROM
	/* Second guard: every fd of hi-q's is O_CLOEXEC already. */
	return posix_spawn_file_actions_addclosefrom_np(fa, top + 1);
#else
	(void)top;
	return 0;
#endif
}

int
spawn_fds(char *const argv[], char *const envp[], const struct spawn_fd *map,
    size_t n, pid_t pgid, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int moved[SPAWN_TARGET_MAX + 1];
	short flags;
	size_t i;
	int rc;

	if (!valid_map(map, n))
		return EINVAL;
	for (i = 0; i < n; i++)
		moved[i] = -1;
	if ((rc = spawn_check(argv[0])) != 0)
		return rc;
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		return rc;
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	sigemptyset(&none);
	/* spawn_signals_reset() left SIGPIPE the only one not at default. */
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
	if (pgid >= 0)
		flags |= POSIX_SPAWN_SETPGROUP;
	if ((rc = add_map(&fa, map, n, moved)) != 0 ||
	    (rc = posix_spawnattr_setflags(&attr, flags)) != 0 ||
	    (rc = posix_spawnattr_setsigmask(&attr, &none)) != 0 ||
	    (rc = posix_spawnattr_setsigdefault(&attr, &dfl)) != 0 ||
	    (pgid >= 0 &&
	    (rc = posix_spawnattr_setpgroup(&attr, pgid)) != 0))
		goto out;
	rc = posix_spawn(pid, argv[0], &fa, &attr, argv, envp);
out:
	for (i = 0; i < n; i++)
		if (moved[i] != -1)
			(void)close(moved[i]);	/* our spare copy */
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

int
spawn_program(char *const argv[], char *const envp[], int fd_in, int fd_out,
    pid_t pgid, pid_t *pid)
{
	const struct spawn_fd map[2] = { { 0, fd_in }, { 1, fd_out } };

	return spawn_fds(argv, envp, map, 2, pgid, pid);
}

/*
 * spawn_signals_reset - every signal to its default action, once
 *
 *	Ignored signals survive exec, and a caller may have ignored any of
 *	them (qmail-smtpd ignores SIGPIPE).  Resetting them here, once per
 *	message, spares every spawn a sigaction call per signal: afterwards
 *	only the signals hi-q itself ignores need resetting in the child.
 *	Signals the C library keeps for itself refuse the change; that is
 *	fine, it does not let them be ignored either.
 */
void
spawn_signals_reset(void)
{
	struct sigaction sa;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
}

char **
spawn_environ(char *const env[], const char *drop)
{
	char **copy;
	size_t n, i, j, len = strlen(drop);

	for (n = 0; env[n] != NULL; n++)
		continue;
	copy = xcalloc(n + 1, sizeof(*copy));
	for (i = j = 0; i < n; i++)
		if (strncmp(env[i], drop, len) != 0 || env[i][len] != '=')
			copy[j++] = env[i];
	copy[j] = NULL;
	return copy;
}
