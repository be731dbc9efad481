/*
 * stage-probe - a stage that reports what it inherited from hi-q
 *
 * DESCRIPTION
 *	stage-probe FILE writes to FILE the descriptors it has open, whether
 *	QMAILQUEUE is set, and which signals are ignored or blocked, then
 *	copies stdin to stdout like cat.  Written in C because a shell keeps
 *	descriptors of its own that would blur the answer.  Tests only.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t blocked;
	char buf[65536];
	ssize_t n;
	FILE *fp;
	int fd, sig, any;

	if (argc != 2)
		return 2;
	/* Look before opening FILE, which takes a descriptor itself. */
	char fds[4096];
	size_t len = 0;
	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			len += (size_t)snprintf(fds + len, sizeof(fds) - len,
			    " %d", fd);
	if ((fp = fopen(argv[1], "w")) == NULL)
		return 2;
	fprintf(fp, "fds:%s\n", fds);
	fprintf(fp, "QMAILQUEUE: %s\n", getenv("QMAILQUEUE") ? "set" : "unset");
	fputs("ignored:", fp);
	any = 0;
	for (sig = 1; sig < 32; sig++)
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN) {
			fprintf(fp, " %d", sig);
			any = 1;
		}
	fputs(any ? "\n" : " none\n", fp);
	sigprocmask(SIG_BLOCK, NULL, &blocked);
	fputs("blocked:", fp);
	any = 0;
	for (sig = 1; sig < 32; sig++)
		if (sigismember(&blocked, sig)) {
			fprintf(fp, " %d", sig);
			any = 1;
		}
	fputs(any ? "\n" : " none\n", fp);
	if (fclose(fp) == EOF)
		return 2;
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			return 2;
	return n == 0 ? 0 : 2;
}
