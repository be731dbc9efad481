/*
 * run_signals.c - hi-q's own signals, read from a signalfd
 *
 * DESCRIPTION
 *	run_signals_setup(r) ignores SIGPIPE, blocks every signal hi-q can
 *	catch but a few (stop_mask()), and opens r->sigfd to read them;
 *	the poll loop polls it first.  run_signals_read(r) reads what came:
 *	SIGCHLD only wakes the loop, which then reaps (run_reap.c); any other
 *	signal stops the message unless the envelope is committed.  No
 *	handler runs: the work is done in the loop.
 *
 * ERRORS
 *	run_signals_setup() dies QQ_INTERNAL when the mask cannot be set and
 *	QQ_TEMP_REJECT without a signalfd; run_signals_read() dies QQ_INTERNAL
 *	when the signalfd cannot be read.
 */
#include <sys/signalfd.h>
#include <sys/syscall.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "qq.h"
#include "run_int.h"
#include "spawn.h"
#include "xalloc.h"

static uint64_t	 stop_mask(void);
static void	 got_signal(struct run *, unsigned);

/*
 * stop_mask - the kernel's mask of every signal hi-q reads from its
 * signalfd: all that can be caught but SIGPIPE (ignored: a write to a
 * stage that is gone fails with EPIPE), SIGURG and SIGWINCH (ignored by
 * default) and SIGCONT (it resumes hi-q whatever is done with it).
 *
 *	It is built by hand and given to the kernel directly because glibc's
 *	sigfillset() and sigaddset() leave out signals 32 and 33, which it
 *	keeps for threads: hi-q has no thread, and by default they kill.
 */
_Static_assert(NSIG == 65, "stop_mask() knows Linux's 64 signals");

static uint64_t
stop_mask(void)
{
	uint64_t m = 0;
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGPIPE &&
		    sig != SIGURG && sig != SIGWINCH && sig != SIGCONT)
			m |= (uint64_t)1 << (sig - 1);
	return m;
}

/*
 * run_signals_setup - the one place hi-q's own signals are handled: every
 * signal of stop_mask() is blocked and read from a signalfd in step(),
 * so that none kills hi-q and leaves its stages behind: SIGCHLD to reap,
 * the rest as got_signal() says.  A fault hi-q itself raises (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL) still kills it, blocked or not.
 */
void
run_signals_setup(struct run *r)
{
	struct sigaction sa;
	uint64_t mask = stop_mask();

	spawn_signals_reset();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		die_sys(QQ_INTERNAL, "sigaction");
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &mask, NULL,
	    sizeof(mask)) == -1)
		die_sys(QQ_INTERNAL, "sigprocmask");
	if ((r->sigfd = (int)syscall(SYS_signalfd4, -1, &mask, sizeof(mask),
	    SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		die_sys(QQ_TEMP_REJECT, "signalfd");
}

/*
 * got_signal - a signal to hi-q stops the message, unless the envelope is
 * already committed: qmail-queue may then be queueing it, and only its
 * exit code can say whether it did, so hi-q goes on writing the envelope
 * and waits for that code (bounded by DEADLINE_QUEUE).  Stopped, hi-q no
 * longer waits for its caller, and the stages get SIGKILL at once.
 */
static void
got_signal(struct run *r, unsigned signo)
{
	if (r->q.committed) {
		msg_warn("got signal %u after the commit; waiting for "
		    "qmail-queue", signo);
		return;
	}
	run_decide(r, OUTCOME_TEMPFAIL, QQ_TEMP_REJECT,
	    xasprintf("hi-q got signal %u", signo));
	r->gave_up = 1;
	/* No grace: what does not die goes within DEADLINE_REAP_GRACE. */
	run_kill_now(r);
}

/* run_signals_read - what arrived on the signalfd */
void
run_signals_read(struct run *r)
{
	struct signalfd_siginfo ssi;
	ssize_t got;

	while ((got = read(r->sigfd, &ssi, sizeof(ssi))) ==
	    (ssize_t)sizeof(ssi)) {
		if (ssi.ssi_signo != SIGCHLD)
			got_signal(r, ssi.ssi_signo);
	}
	if (got == -1 && errno != EAGAIN && errno != EINTR)
		die_sys(QQ_INTERNAL, "read signalfd");
}
