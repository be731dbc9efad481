/*
 * signame.c - a signal named by the user: "TERM", "SIGTERM" or "15"
 *
 * DESCRIPTION
 *	See signame.h.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "number.h"
#include "signame.h"

static const struct {
	const char	*name;
	int		 sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "SYS", SIGSYS }
};

int
signame_parse(const char *text, int *sig)
{
	const char *name = text;
	unsigned long long v;
	size_t i;

	if (text[0] >= '0' && text[0] <= '9') {
		if (number_uint(text, strlen(text), NSIG - 1, &v) == -1) {
			errno = EINVAL;
			return -1;
		}
		*sig = (int)v;
		return 0;	/* errno untouched */
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(name, signals[i].name) == 0) {
			*sig = signals[i].sig;
			return 0;	/* errno untouched */
		}
	errno = EINVAL;
	return -1;
}
