/*
 * qqbench - run qmail-queue-like commands side by side and time them
 *
 * DESCRIPTION
 *	qqbench [-n ROUNDS] [-w WARMUP] [-b CHUNK] [-q QDIR] [-s MINSIZE]
 *	    [-o FILE] [-x I=CODE]... [-P] [-S] [-v] -m MESSAGE -e ENVELOPE
 *	    -- CMD [ARGS] [:: CMD [ARGS]] ...
 *
 *	Each command is run the way qmail-smtpd runs qmail-queue: with a
 *	pipe on fd 0 and a pipe on fd 1; qqbench writes the whole message
 *	(CHUNK bytes per write, default 65536) into the first, closes it,
 *	writes the envelope into the second, closes it, and waits.  stderr
 *	goes to /dev/null unless -v.  With -S the message is spliced from
 *	its file into the pipe instead (page references, no copy), so that a
 *	throughput run is not limited by qqbench's own copying.
 *
 *	The commands run in rounds, one run of each per round, command 0
 *	first in even rounds and last in odd ones (A B, B A, A B, ...), so
 *	that every run has its partners next to it in time and neither side
 *	always goes first.  The first WARMUP rounds (default 2) are not
 *	counted.  Per run it measures:
 *
 *	  wall	CLOCK_MONOTONIC from just before the spawn to the return of
 *		wait4() for the command;
 *	  cpu	user + system time from wait4()'s rusage of the command: its
 *		own and that of every descendant it reaped.  qqbench is a
 *		child subreaper, so a descendant left running is reaped here
 *		and its time added too (and reported as an orphan);
 *	  rss	ru_maxrss from the same rusage.  Linux reports there the
 *		largest of the command's own peak and its reaped children's
 *		peaks (not their sum), and a process's peak includes what
 *		it had mapped before its exec (for a vfork child: qqbench's
 *		own).  So it is the peak of the biggest process in the tree;
 *	  out	ru_oublock from the same rusage, in KB (512-byte blocks / 2):
 *		what the tree wrote into the page cache of block-backed file
 *		systems (counted when a page is dirtied, so also what was
 *		unlinked before it reached the disk; 0 on tmpfs and pipes).
 *
 *	-P (probe) runs each command under ptrace(2) instead, stops it at
 *	its exit (PTRACE_O_TRACEEXIT, its children are not traced), and
 *	reads its own VmHWM from /proc (the peak resident set of the
 *	program after its exec, without its children) and its own CPU time
 *	(its process CPU clock, ns, without its children).  A separate
 *	feeder process writes the message and the envelope.  Probe runs are
 *	slowed by the tracing; their wall times are not comparisons.
 *
 *	With -q QDIR (the folder a qq-sink commits into), every run must
 *	leave exactly one message in QDIR/new, at least MINSIZE bytes long
 *	(default: the size of MESSAGE); after the run, outside the timed
 *	part, QDIR/new and QDIR/tmp are emptied.  Every command must exit 0.
 *	Any failure stops qqbench with exit 1: a run that did not deliver
 *	is not a measurement.
 *
 *	-x I=CODE says that command I (0 for the first) must exit CODE
 *	instead: a rejection is then the expected outcome (hi-q exits 31 for
 *	red).  A command expected to exit other than 0 must leave nothing in
 *	QDIR/new (with -q), since a rejected message is never queued; what
 *	it left in QDIR/tmp is emptied like any other run's.
 *
 * OUTPUT
 *	One line per command, then one per pair of commands I > J:
 *
 *	  cmd I n N cpu_ms MED Q1 Q3 wall_ms MED Q1 Q3 rss_kb MED MAX
 *	      orphans K out_kb MED
 *	  ratio I J cpu MED Q1 Q3 wall MED Q1 Q3
 *
 *	where a ratio is the median (and quartiles) over the rounds of run
 *	I's value divided by run J's value in the same round.  With -P:
 *
 *	  probe I n N own_rss_kb MED MAX own_cpu_ms MED Q1 Q3 cpu_ms MED
 *	      wall_ms MED rss_kb MED
 *
 *	With -o FILE, every run is also appended to FILE as a line
 *	"round cmd cpu_us wall_us rss_kb own_rss_kb own_cpu_us out_kb"
 *	(own_rss_kb and own_cpu_us are -1 without -P).
 *
 * ERRORS
 *	Exit 1 on a failed run or a system error, 2 on a usage error.
 */
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD		32
#define ENV_MAX		(1U << 20)

extern char **environ;

struct sample {
	double	cpu_ms;
	double	wall_ms;
	long	rss_kb;
	long	out_kb;			/* ru_oublock / 2 */
	long	own_rss_kb;		/* -P only */
	double	own_cpu_ms;		/* -P only */
};

struct cmd {
	char		**argv;
	struct sample	 *s;		/* one per counted round */
	unsigned long	  orphans;
	int		  want;		/* exit status; -x, default 0 */
};

static struct cmd	 cmds[MAXCMD];
static int		 ncmd;
static const char	*msgpath;
static char		*envdata;
static size_t		 envlen;
static size_t		 chunk = 65536;
static const char	*qdir;
static long long	 minsize = -1;
static int		 verbose;
static int		 splice_feed;
static FILE		*raw;

static void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	 usage(void) __attribute__((noreturn));
static long	 num(const char *, long, long);
static double	 now_ms(void);
static double	 tv_ms(const struct timeval *);
static int	 expect(const char *);
static void	 read_envelope(const char *);
static int	 write_all(int, const char *, size_t);
static int	 feed(int, int);
static double	 reap_orphans(unsigned long *);
static void	 check_and_clean(int);
static void	 check_status(int, int);
static void	 run_timed(struct cmd *, struct sample *);
static long	 status_kb(pid_t, const char *);
static void	 run_probe(struct cmd *, struct sample *);
static int	 cmp_double(const void *, const void *);
static void	 quartiles(double *, size_t, double *, double *, double *);

static void
fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("qqbench: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
usage(void)
{
	fputs("usage: qqbench [-n ROUNDS] [-w WARMUP] [-b CHUNK] [-q QDIR] "
	    "[-s MINSIZE] [-o FILE] [-x I=CODE]... [-P] [-S] [-v]\n"
	    "    -m MESSAGE -e ENVELOPE -- CMD [ARGS] [:: CMD [ARGS]] ...\n",
	    stderr);
	exit(2);
}

static long
num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "qqbench: bad number: %s\n", s);
		usage();
	}
	return v;
}

static double
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime: %s", strerror(errno));
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

/*
 * expect - -x I=CODE: command I must exit CODE; returns I.  The commands
 * are not known yet, so main() checks I against their number.
 */
static int
expect(const char *arg)
{
	char idx[16];
	const char *eq;
	size_t n;
	int i;

	if ((eq = strchr(arg, '=')) == NULL ||
	    (n = (size_t)(eq - arg)) >= sizeof(idx)) {
		fprintf(stderr, "qqbench: -x wants I=CODE: %s\n", arg);
		usage();
	}
	memcpy(idx, arg, n);
	idx[n] = '\0';
	i = (int)num(idx, 0, MAXCMD - 1);
	cmds[i].want = (int)num(eq + 1, 0, 255);
	return i;
}

static void
read_envelope(const char *path)
{
	int fd;
	ssize_t r;

	if ((envdata = malloc(ENV_MAX)) == NULL)
		fatal("out of memory");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		fatal("open %s: %s", path, strerror(errno));
	for (;;) {
		r = read(fd, envdata + envlen, ENV_MAX - envlen);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			fatal("read %s: %s", path, strerror(errno));
		if (r == 0)
			break;
		envlen += (size_t)r;
		if (envlen == ENV_MAX)
			fatal("%s: envelope over %u bytes", path, ENV_MAX);
	}
	(void)close(fd);
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * feed - write the message into mfd and the envelope into efd, close both
 *
 *	The message is read from its file CHUNK bytes at a time, so that
 *	qqbench itself stays small whatever the size: a vfork child's peak
 *	RSS includes its parent's.  Returns -1 if the reader went away (the
 *	command exited early), which the exit status will explain.
 */
static int
feed(int mfd, int efd)
{
	static char *buf;
	ssize_t r;
	int fd, rc = 0;

	if (buf == NULL && (buf = malloc(chunk)) == NULL)
		fatal("out of memory");
	if ((fd = open(msgpath, O_RDONLY | O_CLOEXEC)) == -1)
		fatal("open %s: %s", msgpath, strerror(errno));
	for (;;) {
		if (splice_feed)
			r = splice(fd, NULL, mfd, NULL, chunk, SPLICE_F_MOVE);
		else
			r = read(fd, buf, chunk);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && splice_feed && errno == EINVAL) {
			splice_feed = 0;	/* not from this file system */
			continue;
		}
		if (r == -1 && splice_feed) {
			rc = -1;	/* EPIPE: the reader is gone */
			break;
		}
		if (r == -1)
			fatal("read %s: %s", msgpath, strerror(errno));
		if (r == 0)
			break;
		if (!splice_feed && write_all(mfd, buf, (size_t)r) == -1) {
			rc = -1;
			break;
		}
	}
	(void)close(fd);
	if (close(mfd) == -1)
		rc = -1;
	if (rc == 0 && write_all(efd, envdata, envlen) == -1)
		rc = -1;
	if (close(efd) == -1)
		rc = -1;
	return rc;
}

/*
 * reap_orphans - wait for every descendant left over; their CPU time (ms)
 */
static double
reap_orphans(unsigned long *count)
{
	struct rusage ru;
	double ms = 0;
	pid_t pid;
	int st;

	for (;;) {
		pid = wait4(-1, &st, __WALL, &ru);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid == -1) {
			if (errno != ECHILD)
				fatal("wait4: %s", strerror(errno));
			return ms;
		}
		ms += tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
		(*count)++;
	}
}

/*
 * check_and_clean - the run delivered one message; empty QDIR for the next
 */
static void
check_and_clean(int ci)
{
	static const char *const subs[] = { "new", "tmp" };
	char path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int i, dfd, found = 0;

	if (qdir == NULL)
		return;
	for (i = 0; i < 2; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", qdir, subs[i]);
		if ((d = opendir(path)) == NULL)
			fatal("opendir %s: %s", path, strerror(errno));
		while ((errno = 0, de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if ((dfd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_CLOEXEC)) == -1)
				fatal("open %s/%s: %s", path, de->d_name,
				    strerror(errno));
			if (i == 0) {
				if (fstatat(dfd, "message", &sb, 0) == -1)
					fatal("%s/%s/message: %s", path,
					    de->d_name, strerror(errno));
				if (sb.st_size < minsize)
					fatal("command %d: %s/%s/message: %lld "
					    "bytes, want at least %lld", ci,
					    path, de->d_name,
					    (long long)sb.st_size, minsize);
				found++;
			}
			if ((unlinkat(dfd, "message", 0) == -1 &&
			    errno != ENOENT) ||
			    (unlinkat(dfd, "envelope", 0) == -1 &&
			    errno != ENOENT))
				fatal("unlink in %s/%s: %s", path, de->d_name,
				    strerror(errno));
			(void)close(dfd);
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) == -1)
				fatal("rmdir %s/%s: %s", path, de->d_name,
				    strerror(errno));
		}
		if (errno != 0)
			fatal("readdir %s: %s", path, strerror(errno));
		(void)closedir(d);
	}
	if (found != (cmds[ci].want == 0))
		fatal("command %d: %d messages in %s/new, want %d", ci, found,
		    qdir, cmds[ci].want == 0);
}

static void
check_status(int ci, int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == cmds[ci].want)
		return;
	if (WIFEXITED(st))
		fatal("command %d (%s) exited %d, want %d", ci,
		    cmds[ci].argv[0], WEXITSTATUS(st), cmds[ci].want);
	fatal("command %d (%s) killed by signal %d", ci, cmds[ci].argv[0],
	    WIFSIGNALED(st) ? WTERMSIG(st) : -1);
}

/*
 * run_timed - one run of c, fed like qmail-smtpd feeds qmail-queue
 */
static void
run_timed(struct cmd *c, struct sample *s)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int mp[2], ep[2], st, e;

	if (pipe2(mp, O_CLOEXEC) == -1 || pipe2(ep, O_CLOEXEC) == -1)
		fatal("pipe: %s", strerror(errno));
	if (mp[0] < 3 || ep[0] < 3)
		fatal("fd 0, 1 and 2 must be open");
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, mp[0], 0) != 0 ||
	    posix_spawn_file_actions_adddup2(&fa, ep[0], 1) != 0 ||
	    (!verbose && posix_spawn_file_actions_addopen(&fa, 2,
	    "/dev/null", O_WRONLY, 0) != 0) ||
	    posix_spawnattr_init(&at) != 0 ||
	    posix_spawnattr_setsigmask(&at, &none) != 0 ||
	    posix_spawnattr_setsigdefault(&at, &def) != 0 ||
	    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF) != 0)
		fatal("posix_spawn setup failed");

	t0 = now_ms();
	if ((e = posix_spawn(&pid, c->argv[0], &fa, &at, c->argv,
	    environ)) != 0)
		fatal("spawn %s: %s", c->argv[0], strerror(e));
	(void)close(mp[0]);
	(void)close(ep[0]);
	(void)feed(mp[1], ep[1]);
	while (wait4(pid, &st, 0, &ru) == -1)
		if (errno != EINTR)
			fatal("wait4: %s", strerror(errno));
	t1 = now_ms();

	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	s->wall_ms = t1 - t0;
	s->cpu_ms = tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
	s->cpu_ms += reap_orphans(&c->orphans);
	s->rss_kb = ru.ru_maxrss;
	s->out_kb = ru.ru_oublock / 2;
	s->own_rss_kb = -1;
	s->own_cpu_ms = -1;
	check_status((int)(c - cmds), st);
}

/* status_kb - a "Name:  N kB" field of /proc/PID/status */
static long
status_kb(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t n = strlen(name);
	long v = -1;
	FILE *f;

	(void)snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "re")) == NULL)
		fatal("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	(void)fclose(f);
	if (v < 0)
		fatal("%s: no %s", path, name);
	return v;
}

/*
 * run_probe - one run of c under ptrace, read at its exit
 */
static void
run_probe(struct cmd *c, struct sample *s)
{
	struct rusage ru;
	struct timespec ts;
	clockid_t cid;
	double t0, t1;
	pid_t pid, fpid;
	int mp[2], ep[2], st, fst, sig, seen = 0;

	if (pipe2(mp, O_CLOEXEC) == -1 || pipe2(ep, O_CLOEXEC) == -1)
		fatal("pipe: %s", strerror(errno));
	t0 = now_ms();
	if ((pid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		/* WARNING: child; async-signal-safe calls only. */
		sigset_t none;

		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)signal(SIGPIPE, SIG_DFL);
		if (dup2(mp[0], 0) == -1 || dup2(ep[0], 1) == -1)
			_exit(126);
		if (!verbose) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd == -1 || dup2(fd, 2) == -1)
				_exit(126);
		}
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1)
			_exit(126);
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	(void)close(mp[0]);
	(void)close(ep[0]);
	/* The exec stop. */
	while (waitpid(pid, &st, __WALL) == -1)
		if (errno != EINTR)
			fatal("waitpid: %s", strerror(errno));
	if (!WIFSTOPPED(st))
		check_status((int)(c - cmds), st);
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
	    (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)) == -1)
		fatal("ptrace: %s", strerror(errno));
	if ((fpid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (fpid == 0)
		_exit(feed(mp[1], ep[1]) == 0 ? 0 : 1);
	(void)close(mp[1]);
	(void)close(ep[1]);
	if (ptrace(PTRACE_CONT, pid, NULL, NULL) == -1)
		fatal("ptrace: %s", strerror(errno));
	for (;;) {
		if (wait4(pid, &st, __WALL, &ru) == -1) {
			if (errno == EINTR)
				continue;
			fatal("wait4: %s", strerror(errno));
		}
		if (!WIFSTOPPED(st))
			break;
		sig = WSTOPSIG(st);
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			s->own_rss_kb = status_kb(pid, "VmHWM");
			if (clock_getcpuclockid(pid, &cid) != 0 ||
			    clock_gettime(cid, &ts) == -1)
				fatal("process CPU clock: %s",
				    strerror(errno));
			s->own_cpu_ms = (double)ts.tv_sec * 1e3 +
			    (double)ts.tv_nsec / 1e6;
			seen = 1;
			sig = 0;
		} else if (sig == SIGTRAP)
			sig = 0;
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) == -1 &&
		    errno != ESRCH)
			fatal("ptrace: %s", strerror(errno));
	}
	t1 = now_ms();
	while (waitpid(fpid, &fst, 0) == -1)
		if (errno != EINTR)
			fatal("waitpid: %s", strerror(errno));
	s->wall_ms = t1 - t0;
	s->cpu_ms = tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
	s->cpu_ms += reap_orphans(&c->orphans);
	s->rss_kb = ru.ru_maxrss;
	s->out_kb = ru.ru_oublock / 2;
	check_status((int)(c - cmds), st);
	if (!seen)
		fatal("command %d: no exit stop", (int)(c - cmds));
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* quartiles - of v[0..n), which is sorted in place; linear interpolation */
static void
quartiles(double *v, size_t n, double *q1, double *med, double *q3)
{
	double *q[3] = { q1, med, q3 };
	double pos;
	size_t i, k;

	qsort(v, n, sizeof(*v), cmp_double);
	for (k = 0; k < 3; k++) {
		pos = (double)(k + 1) / 4 * (double)(n - 1);
		i = (size_t)pos;
		if (i + 1 < n)
			*q[k] = v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
		else
			*q[k] = v[i];
	}
}

int
main(int argc, char **argv)
{
	const char *envpath = NULL, *rawpath = NULL;
	long rounds = 15, warmup = 2, r, n;
	double *v, *w, q1, med, q3, a1, am, a3, b1, bm, b3;
	int opt, probe = 0, maxwant = -1, i, j, k;
	struct stat sb;
	struct sample *s;
	long maxrss, maxown;

	while ((opt = getopt(argc, argv, "+n:w:b:q:s:o:m:e:x:PSv")) != -1)
		switch (opt) {
		case 'n':
			rounds = num(optarg, 1, 100000);
			break;
		case 'w':
			warmup = num(optarg, 0, 100000);
			break;
		case 'b':
			chunk = (size_t)num(optarg, 1, 64L << 20);
			break;
		case 'q':
			qdir = optarg;
			break;
		case 's':
			minsize = num(optarg, 0, LONG_MAX);
			break;
		case 'o':
			rawpath = optarg;
			break;
		case 'm':
			msgpath = optarg;
			break;
		case 'e':
			envpath = optarg;
			break;
		case 'x':
			if ((i = expect(optarg)) > maxwant)
				maxwant = i;
			break;
		case 'P':
			probe = 1;
			break;
		case 'S':
			splice_feed = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	if (msgpath == NULL || envpath == NULL || optind >= argc)
		usage();
	for (i = optind; i < argc; i++) {
		if (ncmd == MAXCMD)
			fatal("more than %d commands", MAXCMD);
		cmds[ncmd++].argv = &argv[i];
		while (i < argc && strcmp(argv[i], "::") != 0)
			i++;
		if (i < argc)
			argv[i] = NULL;	/* argv[argc] is NULL already */
		if (cmds[ncmd - 1].argv[0] == NULL)
			usage();
	}
	if (maxwant >= ncmd)
		fatal("-x: no command %d", maxwant);
	if (stat(msgpath, &sb) == -1)
		fatal("%s: %s", msgpath, strerror(errno));
	if (minsize < 0)
		minsize = (long long)sb.st_size;
	read_envelope(envpath);
	if (rawpath != NULL && (raw = fopen(rawpath, "ae")) == NULL)
		fatal("open %s: %s", rawpath, strerror(errno));
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal: %s", strerror(errno));
	/* Descendants a command leaves behind come back to us. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		fatal("prctl: %s", strerror(errno));
	for (i = 0; i < ncmd; i++)
		if ((cmds[i].s = calloc((size_t)rounds,
		    sizeof(struct sample))) == NULL)
			fatal("out of memory");

	for (r = -warmup; r < rounds; r++)
		for (k = 0; k < ncmd; k++) {
			struct sample tmp;

			/* A B, B A: reverse every other round. */
			i = ((r % 2) + 2) % 2 == 0 ? k : ncmd - 1 - k;
			s = r >= 0 ? &cmds[i].s[r] : &tmp;
			if (probe)
				run_probe(&cmds[i], s);
			else
				run_timed(&cmds[i], s);
			check_and_clean(i);
			if (raw != NULL && r >= 0)
				fprintf(raw, "%ld %d %.0f %.0f %ld %ld %.0f "
				    "%ld\n", r, i, s->cpu_ms * 1e3,
				    s->wall_ms * 1e3, s->rss_kb,
				    s->own_rss_kb, s->own_cpu_ms * 1e3,
				    s->out_kb);
		}
	if (raw != NULL && fclose(raw) == EOF)
		fatal("write %s: %s", rawpath, strerror(errno));

	n = rounds;
	if ((v = calloc((size_t)n, sizeof(double))) == NULL ||
	    (w = calloc((size_t)n, sizeof(double))) == NULL)
		fatal("out of memory");
	for (i = 0; i < ncmd; i++) {
		s = cmds[i].s;
		maxrss = maxown = 0;
		for (r = 0; r < n; r++) {
			if (s[r].rss_kb > maxrss)
				maxrss = s[r].rss_kb;
			if (s[r].own_rss_kb > maxown)
				maxown = s[r].own_rss_kb;
		}
		if (probe) {
			for (r = 0; r < n; r++)
				v[r] = (double)s[r].own_rss_kb;
			quartiles(v, (size_t)n, &q1, &med, &q3);
			printf("probe %d n %ld own_rss_kb %.0f %ld", i, n, med,
			    maxown);
			for (r = 0; r < n; r++)
				v[r] = s[r].own_cpu_ms;
			quartiles(v, (size_t)n, &q1, &med, &q3);
			printf(" own_cpu_ms %.4f %.4f %.4f", med, q1, q3);
			for (r = 0; r < n; r++)
				v[r] = s[r].cpu_ms;
			quartiles(v, (size_t)n, &q1, &med, &q3);
			printf(" cpu_ms %.4f", med);
			for (r = 0; r < n; r++)
				v[r] = s[r].wall_ms;
			quartiles(v, (size_t)n, &q1, &med, &q3);
			printf(" wall_ms %.4f", med);
			for (r = 0; r < n; r++)
				v[r] = (double)s[r].rss_kb;
			quartiles(v, (size_t)n, &q1, &med, &q3);
			printf(" rss_kb %.0f orphans %lu\n", med,
			    cmds[i].orphans);
			continue;
		}
		for (r = 0; r < n; r++) {
			v[r] = s[r].cpu_ms;
			w[r] = s[r].wall_ms;
		}
		quartiles(v, (size_t)n, &a1, &am, &a3);
		quartiles(w, (size_t)n, &b1, &bm, &b3);
		for (r = 0; r < n; r++)
			v[r] = (double)s[r].rss_kb;
		quartiles(v, (size_t)n, &q1, &med, &q3);
		printf("cmd %d n %ld cpu_ms %.4f %.4f %.4f wall_ms %.4f %.4f "
		    "%.4f rss_kb %.0f %ld orphans %lu", i, n, am, a1, a3, bm,
		    b1, b3, med, maxrss, cmds[i].orphans);
		for (r = 0; r < n; r++)
			v[r] = (double)s[r].out_kb;
		quartiles(v, (size_t)n, &q1, &med, &q3);
		printf(" out_kb %.0f\n", med);
	}
	for (i = 0; !probe && i < ncmd; i++)
		for (j = 0; j < i; j++) {
			for (r = 0; r < n; r++) {
				v[r] = cmds[i].s[r].cpu_ms /
				    (cmds[j].s[r].cpu_ms > 0 ?
				    cmds[j].s[r].cpu_ms : 1e-3);
				w[r] = cmds[i].s[r].wall_ms /
				    cmds[j].s[r].wall_ms;
			}
			quartiles(v, (size_t)n, &a1, &am, &a3);
			quartiles(w, (size_t)n, &b1, &bm, &b3);
			printf("ratio %d %d cpu %.4f %.4f %.4f wall %.4f %.4f "
			    "%.4f\n", i, j, am, a1, a3, bm, b1, b3);
		}
	if (fflush(stdout) == EOF || ferror(stdout))
		fatal("write error: %s", strerror(errno));
	return 0;
}
