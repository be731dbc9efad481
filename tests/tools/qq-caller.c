/*
 * qq-caller - call a qmail-queue program the way qmail-smtpd does
 *
 * DESCRIPTION
 *	qq-caller [-6] [-F] [-r REPEAT] [-x] MESSAGE ENVELOPE PROGRAM [ARGS...]
 *
 *	Starts PROGRAM with a pipe on fd 0 and one on fd 1 (and with -6 a
 *	third on fd 6, as notqmail gives it), writes MESSAGE (REPEAT times
 *	with -r) to fd 0, then ENVELOPE to fd 1, closes both, reads fd 6 to
 *	its end, and waits.  SIGPIPE is ignored, as in qmail-smtpd, so a write
 *	to a program that stopped reading fails instead of killing us.  With
 *	-x no envelope is written at all (qmail-smtpd's own refusals).  -F
 *	(implies -6) fills the fd 6 pipe to capacity before PROGRAM starts
 *	and reads it only once PROGRAM has exited: a reply channel that is
 *	full and that nobody reads (the pipe stays blocking for PROGRAM).
 *
 *	It prints what a client of qmail-smtpd would be told, using notqmail's
 *	table (docs/QMAIL-QUEUE.md), and whether its writes succeeded:
 *
 *	    write: ok
 *	    reply: 554 mail server permanently rejected message (#5.3.0)
 *
 *	Only for the tests; it is not installed.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *
reply_for(int code)
{
	switch (code) {
	case 0:
		return "250 ok";
	case 11:
		return "554 envelope address too long for qq (#5.1.3)";
	case 31:
		return "554 mail server permanently rejected message (#5.3.0)";
	case 51:
		return "451 qq out of memory (#4.3.0)";
	case 52:
		return "451 qq timeout (#4.3.0)";
	case 53:
		return "451 qq write error or disk full (#4.3.0)";
	case 54:
		return "451 qq read error (#4.3.0)";
	case 55:
		return "451 qq unable to read configuration (#4.3.0)";
	case 71:
		return "451 mail server temporarily rejected message (#4.3.0)";
	case 81:
	case 91:
		return "451 qq internal bug (#4.3.0)";
	}
	if (code >= 11 && code <= 40)
		return "554 qq permanent problem (#5.3.0)";
	return "451 qq temporary problem (#4.3.0)";
}

/* lift - move both ends of a pipe to descriptors 10 and up */
static int
lift(int p[2])
{
	int i, fd;

	for (i = 0; i < 2; i++) {
		if ((fd = fcntl(p[i], F_DUPFD, 10)) == -1)
			return -1;
		close(p[i]);
		p[i] = fd;
	}
	return 0;
}

static int
copy_file(const char *path, int to, int repeat)
{
	char buf[65536];
	ssize_t n, w, off;
	int fd, i, bad = 0;

	for (i = 0; i < repeat && !bad; i++) {
		if ((fd = open(path, O_RDONLY)) == -1) {
			perror(path);
			exit(2);
		}
		while (!bad && (n = read(fd, buf, sizeof(buf))) > 0)
			for (off = 0; off < n; off += w)
				if ((w = write(to, buf + off,
				    (size_t)(n - off))) == -1) {
					bad = 1;
					break;
				}
		close(fd);
	}
	return bad ? -1 : 0;
}

/*
 * fill_pipe - write to fd until its pipe is full; the fd is left blocking.
 * Returns the bytes written, or -1.
 */
static ssize_t
fill_pipe(int fd)
{
	char buf[4096];
	ssize_t w, n = 0;
	int fl;

	memset(buf, '.', sizeof(buf));
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return -1;
	while ((w = write(fd, buf, sizeof(buf))) > 0)
		n += w;
	if (w == -1 && errno != EAGAIN)
		return -1;
	/* Up to one byte per page may still fit: fill those too. */
	while ((w = write(fd, buf, 1)) > 0)
		n += w;
	if ((w == -1 && errno != EAGAIN) || fcntl(fd, F_SETFL, fl) == -1)
		return -1;
	return n;
}

/*
 * read_reply - read fd to its end, skipping its first skip bytes (the
 * filler of -F), the rest into text (NUL-terminated); its length
 */
static ssize_t
read_reply(int fd, char *text, size_t size, ssize_t skip)
{
	char junk[4096];
	ssize_t n, got = 0;

	while (skip > 0 && (n = read(fd, junk, (size_t)skip <
	    sizeof(junk) ? (size_t)skip : sizeof(junk))) > 0)
		skip -= n;
	while ((size_t)got < size - 1 &&
	    (n = read(fd, text + got, size - 1 - (size_t)got)) > 0)
		got += n;
	text[got] = '\0';
	return got;
}

int
main(int argc, char **argv)
{
	int m[2], e[2], six[2], opt, fd6 = 0, noenv = 0, repeat = 1, st;
	int werr = 0, fill = 0;
	char text[256], *end;
	ssize_t got = 0, filled = 0;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+6Fr:x")) != -1)
		switch (opt) {
		case '6':
			fd6 = 1;
			break;
		case 'F':
			fd6 = fill = 1;
			break;
		case 'r':
			repeat = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || repeat < 1) {
				fprintf(stderr, "qq-caller: bad -r\n");
				return 2;
			}
			break;
		case 'x':
			noenv = 1;
			break;
		default:
			fprintf(stderr, "usage: qq-caller [-6] [-F] [-r N] "
			    "[-x] MESSAGE ENVELOPE PROGRAM [ARGS...]\n");
			return 2;
		}
	if (argc - optind < 3) {
		fprintf(stderr, "qq-caller: too few arguments\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (pipe(m) == -1 || pipe(e) == -1 || (fd6 && pipe(six) == -1)) {
		perror("pipe");
		return 2;
	}
	/* Out of the way of 0, 1 and 6, so the child's dup2s cannot clash. */
	if (lift(m) == -1 || lift(e) == -1 || (fd6 && lift(six) == -1)) {
		perror("fcntl");
		return 2;
	}
	if (fill && (filled = fill_pipe(six[1])) == -1) {
		perror("fill fd 6");
		return 2;
	}
	if ((pid = fork()) == -1) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		if (dup2(m[0], 0) == -1 || dup2(e[0], 1) == -1 ||
		    (fd6 && dup2(six[1], 6) == -1))
			_exit(120);
		close(m[0]);
		close(m[1]);
		close(e[0]);
		close(e[1]);
		if (fd6) {
			close(six[0]);
			close(six[1]);
		}
		execv(argv[optind + 2], argv + optind + 2);
		_exit(120);
	}
	close(m[0]);
	close(e[0]);
	if (fd6)
		close(six[1]);
	if (copy_file(argv[optind], m[1], repeat) == -1)
		werr = 1;
	if (close(m[1]) == -1)
		werr = 1;
	if (!noenv && copy_file(argv[optind + 1], e[1], 1) == -1)
		werr = 1;
	if (close(e[1]) == -1)
		werr = 1;
	if (fd6 && !fill)
		got = read_reply(six[0], text, sizeof(text), 0);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			perror("waitpid");
			return 2;
		}
	if (fill)
		got = read_reply(six[0], text, sizeof(text), filled);
	if (fd6)
		close(six[0]);
	printf("write: %s\n", werr ? "error" : "ok");
	if (WIFSIGNALED(st))
		printf("reply: 451 qq crashed (#4.3.0)\n");
	else if (WEXITSTATUS(st) == 120)
		printf("reply: 451 unable to exec qq (#4.3.0)\n");
	else if (WEXITSTATUS(st) == 82 && fd6 && got > 2)
		printf("reply: %s %s\n", text[0] == 'D' ? "554" : "451",
		    text + 1);
	else if (WEXITSTATUS(st) == 0 && werr)
		printf("reply: 451 qq write error or disk full (#4.3.0)\n");
	else
		printf("reply: %s\n", reply_for(WEXITSTATUS(st)));
	return 0;
}
