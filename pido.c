/*
 * pido - run a program with a locked pidfile, and ask about it later
 *
 * DESCRIPTION
 *	"pido [-g | -s] PIDFILE PROGRAM [ARG ...]" records the PID that
 *	PROGRAM will run as in PIDFILE (written to PIDFILE.tmp, then renamed),
 *	locks PIDFILE, and execs PROGRAM in its own place: same PID, same
 *	descriptors, so it works at any position of a shell pipeline, where
 *	the shell's $! would name another element.  The lock lasts exactly as
 *	long as PROGRAM runs.  pido refuses to start a second copy while the
 *	pidfile's lock is held.  -g makes PROGRAM the leader of a new process
 *	group, -s of a new session, so that its whole group can be signalled.
 *
 *	The other forms answer init scripts from the lock, never from a
 *	guess at a PID: -c is it running, -p its PID, -k send it (or with -G
 *	its group) a signal, -w wait until it is gone, -r remove a stale
 *	pidfile.  See pido(8).
 *
 *	Every form refuses a pidfile that someone else could have written or
 *	swapped, or whose number is not a PID of the program's
 *	(src/pido/pidfile.h says what is trusted, pido(8) SECURITY says why),
 *	and names the reason: a pidfile decides whom a signal reaches.
 *
 *	This file reads the options and turns results into exit codes;
 *	src/pido/pidfile.c does the work.
 *
 * ERRORS
 *	The exit codes are below (PIDO_EXIT_*) and in pido(8): 100 usage,
 *	111 system failure or a refused pidfile, 126 and 127 when PROGRAM
 *	cannot be run, 1 to 3 for the state of a program that is not (or
 *	still) running.  Once PROGRAM runs, the exit status is its own.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <popt.h>

#include "msg.h"
#include "number.h"
#include "pidfile.h"
#include "signame.h"
#include "version.h"

/* pido's exit codes (docs/pido.8, EXIT STATUS); after exec, the program's. */
enum {
	PIDO_EXIT_OK = 0,	/* done; for --check: running */
	PIDO_EXIT_DEAD = 1,	/* not running, pidfile left (LSB 1) */
	PIDO_EXIT_RUNNING = 2,	/* running: start or remove refused, or
				   still running at the --wait limit */
	PIDO_EXIT_ABSENT = 3,	/* not running, no pidfile (LSB 3) */
	PIDO_EXIT_USAGE = 100,	/* bad options or arguments */
	PIDO_EXIT_SYSTEM = 111,	/* a system call failed, or the pidfile
				   was refused */
	PIDO_EXIT_NOEXEC = 126,	/* PROGRAM found but not runnable */
	PIDO_EXIT_NOTFOUND = 127 /* PROGRAM not found */
};

/* The longest --wait, in seconds (a year is plenty for any shutdown). */
#define PIDO_WAIT_MAX	31536000UL

static void	usage(void) __attribute__((noreturn));
static int	state_code(int);
static const char *refusal_text(const struct pidfile_refusal *, char *,
		    size_t);
static void	die_refused(const char *, const struct pidfile_refusal *)
		    __attribute__((noreturn));
static void	run(const char *, char *const [], int, int)
		    __attribute__((noreturn));
static int	do_check(const char *, int);
static int	do_remove(const char *);
static int	do_signal(const char *, int, int);
static int	do_wait(const char *, unsigned long);
static int	check_options(const char **, int *, unsigned long long *);

/* usage - print the SYNOPSIS of pido(8), exactly, and exit 100 */
static void
usage(void)
{
	fputs("usage: pido [-g | -s] pidfile program [arg ...]\n"
	    "       pido -c pidfile\n"
	    "       pido -p pidfile\n"
	    "       pido [-G] -k signal [-w seconds] pidfile\n"
	    "       pido -w seconds pidfile\n"
	    "       pido -r pidfile\n"
	    "       pido -V\n", stderr);
	exit(PIDO_EXIT_USAGE);
}

/* state_code - a pidfile state as an exit code (LSB-compatible 0, 1, 3) */
static int
state_code(int state)
{
	switch ((enum pidfile_state)state) {
	case PIDFILE_RUNNING:
		return PIDO_EXIT_OK;
	case PIDFILE_STALE:
		return PIDO_EXIT_DEAD;
	case PIDFILE_ABSENT:
		return PIDO_EXIT_ABSENT;
	}
	return PIDO_EXIT_SYSTEM;
}

/*
 * refusal_text - why pidfile was refused, in words, into buf
 *
 *	The reason names numbers only (an owner, a mode, a PID), never the
 *	bytes of the file: they may be anyone's.
 */
static const char *
refusal_text(const struct pidfile_refusal *ref, char *buf, size_t size)
{
	const char *who = ref->tmp ? "its .tmp file" : "it";
	char me[48];

	if (geteuid() == 0)
		snprintf(me, sizeof(me), "root");
	else
		snprintf(me, sizeof(me), "uid %ld or root", (long)geteuid());

	switch (ref->fault) {
	case PIDFILE_FAULT_NONE:
		snprintf(buf, size, "no reason");
		break;
	case PIDFILE_FAULT_DIR_OWNER:
		snprintf(buf, size, "its directory is owned by uid %ld, not by "
		    "%s", ref->value, me);
		break;
	case PIDFILE_FAULT_DIR_MODE:
		snprintf(buf, size, "its directory is writable by others "
		    "(mode %04lo) and not sticky, so its files can be "
		    "replaced", ref->value);
		break;
	case PIDFILE_FAULT_SYMLINK:
		snprintf(buf, size, "%s is a symbolic link", who);
		break;
	case PIDFILE_FAULT_TYPE:
		snprintf(buf, size, "%s is not a regular file", who);
		break;
	case PIDFILE_FAULT_OWNER:
		snprintf(buf, size, "%s is owned by uid %ld, not by %s", who,
		    ref->value, me);
		break;
	case PIDFILE_FAULT_MODE:
		snprintf(buf, size, "%s is writable by group or others "
		    "(mode %04lo)", who, ref->value);
		break;
	case PIDFILE_FAULT_LINKS:
		snprintf(buf, size, "%s has %ld hard links, not 1", who,
		    ref->value);
		break;
	case PIDFILE_FAULT_PID:
		if (ref->value == 1)
			snprintf(buf, size, "pido runs as process 1, and a "
			    "pidfile holding 1 would make -G signal every "
			    "process");
		else if (ref->value != 0)
			snprintf(buf, size, "process %ld is out of the range "
			    "recorded (2 to %ld)", ref->value,
			    PIDFILE_PID_MAX);
		else
			snprintf(buf, size, "it records no pid (one line: a "
			    "decimal from 2 to %ld, no sign, no leading zero)",
			    PIDFILE_PID_MAX);
		break;
	case PIDFILE_FAULT_HOLDER:
		if (ref->value == 0)
			snprintf(buf, size, "its lock holder's pid is not "
			    "visible here (another PID namespace?)");
		else if (ref->recorded == 0)
			snprintf(buf, size, "pid %ld holds its lock, but it "
			    "records no pid", ref->value);
		else
			snprintf(buf, size, "pid %ld holds its lock, but it "
			    "records pid %ld", ref->value, ref->recorded);
		break;
	}
	return buf;
}

/* die_refused - "refusing PIDFILE: why", exit 111 */
static void
die_refused(const char *pidfile, const struct pidfile_refusal *ref)
{
	char why[160];

	die(PIDO_EXIT_SYSTEM, "refusing %s: %s", pidfile,
	    refusal_text(ref, why, sizeof(why)));
}

/*
 * run - record our PID, lock the pidfile, become PROGRAM
 *
 *	The group or session comes first, so that a failure there leaves no
 *	pidfile behind.  setsid(2) and setpgid(2) both refuse a session
 *	leader, which already leads its own group and session: that is
 *	accepted as it is.  If PROGRAM cannot be run, the pidfile stays, its
 *	lock gone with us: a stale pidfile is how an init script learns that
 *	the start failed.
 */
static void
run(const char *pidfile, char *const argv[], int pgrp, int session)
{
	struct pidfile_refusal ref;
	pid_t holder;

	/* A session leader (under a supervisor) leads both already. */
	if ((session || pgrp) && getsid(0) == getpid())
		session = pgrp = 0;
	if (session && setsid() == -1)
		die_sys(PIDO_EXIT_SYSTEM, "unable to start a new session "
		    "(is pido already a process group leader? try -g)");
	if (pgrp && !session && setpgid(0, 0) == -1)
		die_sys(PIDO_EXIT_SYSTEM, "unable to start a new process "
		    "group");
	if (pidfile_create(pidfile, getpid(), &holder, &ref) == -1) {
		if (errno == EBUSY)
			die(PIDO_EXIT_RUNNING, "%s: already running as pid %ld",
			    pidfile, (long)holder);
		if (ref.fault != PIDFILE_FAULT_NONE)
			die_refused(pidfile, &ref);
		die_sys(PIDO_EXIT_SYSTEM, "unable to write %s", pidfile);
	}
	/* The pidfile's descriptor is inherited on purpose: see pidfile.h. */
	execvp(argv[0], argv);
	die_sys(errno == ENOENT || errno == ENOTDIR ? PIDO_EXIT_NOTFOUND :
	    PIDO_EXIT_NOEXEC, "unable to run %s", argv[0]);
}

/*
 * do_check - the state (exit 0 running, 1 stale, 3 absent); with print,
 * also the running program's PID, or the one a stale pidfile records, the
 * ID of the group its children may be in
 */
static int
do_check(const char *pidfile, int print)
{
	struct pidfile_refusal ref;
	pid_t pid;
	int state;

	if ((state = pidfile_check(pidfile, &pid, &ref)) == -1) {
		if (ref.fault != PIDFILE_FAULT_NONE)
			die_refused(pidfile, &ref);
		die_sys(PIDO_EXIT_SYSTEM, "unable to check %s", pidfile);
	}
	if (print && pid != 0 && (printf("%ld\n", (long)pid) < 0 ||
	    fflush(stdout) == EOF))
		die_sys(PIDO_EXIT_SYSTEM, "unable to write the pid");
	return state_code(state);
}

static int
do_remove(const char *pidfile)
{
	struct pidfile_refusal ref;

	if (pidfile_remove(pidfile, &ref) == 0)
		return PIDO_EXIT_OK;
	if (errno == EBUSY)
		die(PIDO_EXIT_RUNNING, "%s: still running, not removed",
		    pidfile);
	if (ref.fault != PIDFILE_FAULT_NONE)
		die_refused(pidfile, &ref);
	die_sys(PIDO_EXIT_SYSTEM, "unable to remove %s", pidfile);
}

/* do_signal - 0 if something was signalled, else the state's code */
static int
do_signal(const char *pidfile, int sig, int group)
{
	struct pidfile_refusal ref;
	pid_t pid;
	int state;

	if ((state = pidfile_signal(pidfile, sig, group, &pid, &ref)) == -1) {
		if (ref.fault != PIDFILE_FAULT_NONE)
			die_refused(pidfile, &ref);
		if (errno == EINVAL)
			die(PIDO_EXIT_SYSTEM, "%s: the program does not lead a "
			    "process group (start it with pido -g or -s)",
			    pidfile);
		die_sys(PIDO_EXIT_SYSTEM, "unable to signal the program of %s",
		    pidfile);
	}
	if (pid != 0)
		return PIDO_EXIT_OK;
	if (ref.fault == PIDFILE_FAULT_PID)
		msg_warn("%s records no pid: no process group signalled",
		    pidfile);
	return state_code(state);
}

static int
do_wait(const char *pidfile, unsigned long seconds)
{
	struct pidfile_refusal ref;

	if (pidfile_wait(pidfile, seconds * 1000UL, &ref) == 0)
		return PIDO_EXIT_OK;
	if (errno == ETIMEDOUT)
		return PIDO_EXIT_RUNNING;
	if (ref.fault != PIDFILE_FAULT_NONE)
		die_refused(pidfile, &ref);
	die_sys(PIDO_EXIT_SYSTEM, "unable to wait for %s", pidfile);
}

/* The options, bound by popt. */
static struct {
	int	 pgrp, session, check, print, drop, group, version;
	char	*signame, *waittext;
} o;

static struct poptOption options[] = {
	{ "pgrp", 'g', POPT_ARG_NONE, &o.pgrp, 0,
	  "run PROGRAM as the leader of a new process group", NULL },
	{ "session", 's', POPT_ARG_NONE, &o.session, 0,
	  "run PROGRAM as the leader of a new session", NULL },
	{ "check", 'c', POPT_ARG_NONE, &o.check, 0,
	  "exit 0 if running, 1 if dead with a pidfile, 3 if not running",
	  NULL },
	{ "print", 'p', POPT_ARG_NONE, &o.print, 0,
	  "print the PID of the running program", NULL },
	{ "signal", 'k', POPT_ARG_STRING, &o.signame, 0,
	  "send SIGNAL (TERM, SIGTERM or 15) to the running program",
	  "SIGNAL" },
	{ "group", 'G', POPT_ARG_NONE, &o.group, 0,
	  "with -k: send it to the program's process group", NULL },
	{ "wait", 'w', POPT_ARG_STRING, &o.waittext, 0,
	  "wait up to SECONDS for the program to exit", "SECONDS" },
	{ "remove", 'r', POPT_ARG_NONE, &o.drop, 0,
	  "remove the pidfile unless the program runs", NULL },
	{ "version", 'V', POPT_ARG_NONE, &o.version, 0,
	  "print the version and exit", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/*
 * check_options - the signal and the seconds the options name, and which
 * form they ask for, with the arguments it needs: 1 to run PROGRAM (a
 * pidfile and a program), 0 for one of the questions about one pidfile;
 * anything else is the usage and exit 100
 */
static int
check_options(const char **args, int *sig, unsigned long long *seconds)
{
	int nargs, queries;

	if (o.signame != NULL && signame_parse(o.signame, sig) == -1) {
		msg_error("unknown signal: %s", o.signame);
		usage();
	}
	if (o.waittext != NULL && number_uint(o.waittext, strlen(o.waittext),
	    PIDO_WAIT_MAX, seconds) == -1) {
		msg_error("bad number of seconds: %s", o.waittext);
		usage();
	}
	for (nargs = 0; args != NULL && args[nargs] != NULL; nargs++)
		continue;
	queries = o.check + o.print + o.drop +
	    (o.signame != NULL || o.waittext != NULL);
	if (queries > 1 || (o.group && o.signame == NULL))
		usage();
	if (queries == 0) {
		if (nargs < 2)
			usage();
		return 1;
	}
	if (nargs != 1 || o.pgrp || o.session)
		usage();
	return 0;
}

/*
 * main - options, then one of: run, check, print, signal and/or wait,
 * remove
 *
 *	POPT_CONTEXT_POSIXMEHARDER stops option parsing at the first
 *	argument, so everything after PIDFILE belongs to PROGRAM.
 */
int
main(int argc, char **argv)
{
	unsigned long long seconds = 0;
	const char **args;
	poptContext pc;
	int rc, sig = 0, code;

	msg_setup("pido", PIDO_EXIT_SYSTEM);
	pc = poptGetContext("pido", argc, (const char **)(void *)argv, options,
	    POPT_CONTEXT_POSIXMEHARDER);
	poptSetOtherOptionHelp(pc, "[OPTION...] pidfile [program [arg ...]]");
	if ((rc = poptGetNextOpt(pc)) < -1) {
		msg_error("%s: %s", poptBadOption(pc,
		    POPT_BADOPTION_NOALIAS), poptStrerror(rc));
		usage();
	}
	if (o.version) {
		printf("pido %s\n", HIQ_VERSION);
		poptFreeContext(pc);
		return PIDO_EXIT_OK;
	}
	args = poptGetArgs(pc);
	if (check_options(args, &sig, &seconds))
		/* args stays valid: the context is never freed before exec. */
		run(args[0], (char *const *)(void *)(args + 1), o.pgrp,
		    o.session);

	if (o.check || o.print)
		code = do_check(args[0], o.print);
	else if (o.drop)
		code = do_remove(args[0]);
	else {
		code = PIDO_EXIT_OK;
		if (o.signame != NULL)
			code = do_signal(args[0], sig, o.group);
		if (code == PIDO_EXIT_OK && o.waittext != NULL)
			code = do_wait(args[0], (unsigned long)seconds);
	}
	poptFreeContext(pc);
	free(o.signame);
	free(o.waittext);
	return code;
}
