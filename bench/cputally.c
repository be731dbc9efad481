/*
 * cputally - run a program and add the CPU time it took to a tally file
 *
 * DESCRIPTION
 *	cputally LABEL FILE PROGRAM [ARGS...]
 *
 *	Runs PROGRAM with ARGS (found on PATH), with cputally's own file
 *	descriptors, environment and signal dispositions, waits for it, and
 *	appends one line "LABEL<tab>MICROSECONDS\n" to FILE (O_APPEND, one
 *	write, so concurrent tallies do not mix): the user and system time of
 *	this process and of every child it reaped, i.e. PROGRAM, whatever
 *	PROGRAM reaped, and cputally's own start.  It then exits as PROGRAM
 *	did: its exit code, or the same signal.
 *
 *	bench/throughput.sh puts it in front of hi-q and of each of hi-q's
 *	stages, so that hi-q's own CPU time is its tally less its stages'.
 *	Only for the benchmarks; it is not installed.
 *
 * ERRORS
 *	111 when PROGRAM cannot be started or waited for (the tally is
 *	then not written), 127 or 126 from the child when exec fails; a
 *	failed tally write is reported on stderr and does not change the
 *	exit status.
 */

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long long	tv_us(const struct timeval *);
static void		tally(const char *, const char *);

/* tv_us - a timeval in microseconds */
static long long
tv_us(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* tally - append LABEL and the CPU time of this process and its reaped
 * children to FILE */
static void
tally(const char *label, const char *file)
{
	struct rusage	self, kids;
	char		line[256];
	int		fd, n;

	if (getrusage(RUSAGE_SELF, &self) == -1 ||
	    getrusage(RUSAGE_CHILDREN, &kids) == -1) {
		fprintf(stderr, "cputally: getrusage: %s\n", strerror(errno));
		return;
	}
	n = snprintf(line, sizeof(line), "%s\t%lld\n", label,
	    tv_us(&self.ru_utime) + tv_us(&self.ru_stime) +
	    tv_us(&kids.ru_utime) + tv_us(&kids.ru_stime));
	if (n < 0 || (size_t)n >= sizeof(line)) {
		fprintf(stderr, "cputally: label too long\n");
		return;
	}
	if ((fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1) {
		fprintf(stderr, "cputally: open %s: %s\n", file,
		    strerror(errno));
		return;
	}
	if (write(fd, line, (size_t)n) != n)
		fprintf(stderr, "cputally: write %s: %s\n", file,
		    strerror(errno));
	if (close(fd) == -1)
		fprintf(stderr, "cputally: close %s: %s\n", file,
		    strerror(errno));
}

int
main(int argc, char *argv[])
{
	pid_t	pid;
	int	st;

	if (argc < 4) {
		fprintf(stderr, "usage: cputally LABEL FILE PROGRAM [ARGS...]\n");
		return 100;
	}
	if ((pid = fork()) == -1) {
		fprintf(stderr, "cputally: fork: %s\n", strerror(errno));
		return 111;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "cputally: waitpid: %s\n",
			    strerror(errno));
			return 111;
		}
	}
	tally(argv[1], argv[2]);
	if (WIFSIGNALED(st)) {
		signal(WTERMSIG(st), SIG_DFL);
		raise(WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}
