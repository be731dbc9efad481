/*
 * msg.h - diagnostics, die(), and the one cleanup
 *
 * DESCRIPTION
 *	Every line a program writes about itself goes to stderr through
 *	these, as "prog: warning: ...", "prog: fatal: ..." or, for what a
 *	program reports before it exits with its own code, "prog: ...": the
 *	forms qmail's and skarnet's programs use.  Each line is formatted in
 *	memory and written with one write(2), so lines from concurrent
 *	processes never interleave.
 *
 *	msg_setup(prog, oom) names the program and sets the exit code for
 *	an allocation that fails (xalloc.h): each program's own, since its
 *	caller reads it (hi-q answers as qmail-queue does, 51; pido and
 *	hi-q-report, whose pages promise 0, 100 and 111, say 111).  Until
 *	it is called the name is the one the program was run by and the code
 *	MSG_OOM_DEFAULT.  msg_prog() and msg_oom() return them.
 *
 *	msg_warn() and msg_warn_sys() warn and go on; msg_error() and
 *	msg_error_sys() say what went wrong, for a caller that then exits
 *	with its own code.  The _sys forms append strerror(errno); all of
 *	them keep errno.  die() and die_sys() write a fatal line, run the
 *	cleanup registered with msg_cleanup() (once: a cleanup that dies
 *	does not run again) and _exit with the code given.  Each is msg_say()
 *	or msg_die() with its level and whether to append the error, so that
 *	every line is made in one place.
 *
 *	msg_visible() returns a copy of a string with every control byte,
 *	non-ASCII byte and backslash written as \xHH, for a diagnostic that
 *	quotes words the program did not write itself.
 *
 * ERRORS
 *	Diagnostics never fail: a write error on stderr is ignored (there is
 *	nowhere left to report it).  msg_visible() dies msg_oom() when out
 *	of memory.
 */
#ifndef HIQ_MSG_H
#define HIQ_MSG_H

#define MSG_OOM_DEFAULT	111	/* a system failure, as daemontools says */

void	 msg_setup(const char *, int);
const char *msg_prog(void);
int	 msg_oom(void);
void	 msg_cleanup(void (*)(void));
void	 msg_say(const char *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 msg_die(int, int, const char *, ...)
	    __attribute__((format(printf, 3, 4), noreturn));
char	*msg_visible(const char *);

#define msg_warn(...)		msg_say("warning", 0, __VA_ARGS__)
#define msg_warn_sys(...)	msg_say("warning", 1, __VA_ARGS__)
#define msg_error(...)		msg_say(NULL, 0, __VA_ARGS__)
#define msg_error_sys(...)	msg_say(NULL, 1, __VA_ARGS__)
#define die(code, ...)		msg_die((code), 0, __VA_ARGS__)
#define die_sys(code, ...)	msg_die((code), 1, __VA_ARGS__)

#endif /* HIQ_MSG_H */
