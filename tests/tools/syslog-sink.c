/*
 * syslog-sink - catch what a command sends to syslog
 *
 * DESCRIPTION
 *	syslog-sink PATH COMMAND [ARGS...] binds a datagram socket at PATH
 *	(the test puts it at /dev/log inside a private mount namespace), runs
 *	COMMAND, waits for it, then prints every datagram waiting on the
 *	socket, one per line, and exits with COMMAND's exit code (or 2 when
 *	something failed).  syslog(3) has handed its datagram to the kernel
 *	when it returns, so nothing is waited for by time.  Tests only.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char buf[65536];
	ssize_t n;
	pid_t pid;
	int fd, st;

	if (argc < 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fputs("usage: syslog-sink PATH COMMAND [ARGS...]\n", stderr);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, argv[1]);
	(void)unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("syslog-sink: bind");
		return 2;
	}
	if ((pid = fork()) == -1) {
		perror("syslog-sink: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("syslog-sink: exec");
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			perror("syslog-sink: waitpid");
			return 2;
		}
	while ((n = recv(fd, buf, sizeof(buf), 0)) >= 0 || errno == EINTR)
		if (n >= 0)
			printf("%.*s\n", (int)n, buf);
	if (errno != EAGAIN) {
		perror("syslog-sink: recv");
		return 2;
	}
	(void)unlink(argv[1]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
