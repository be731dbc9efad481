/*
 * judge - a check that reads the whole message and exits with a set code
 *
 * DESCRIPTION
 *	judge CODE
 *
 *	Reads fd 0 to its end (hi-q wants every stage to read all its
 *	input) and exits CODE (0 to 255), so that the same program decides
 *	green (0) or, with "on 1 red", red (1).  One process, no shell: what
 *	it costs is the same in both verdicts and as small as a check can be.
 *	Only for bench/.
 *
 * ERRORS
 *	Exit 111 on a usage or read error.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static char buf[1 << 16];

int
main(int argc, char **argv)
{
	char *end;
	long code;
	ssize_t r;

	if (argc != 2)
		return 111;
	errno = 0;
	code = strtol(argv[1], &end, 10);
	if (errno != 0 || end == argv[1] || *end != '\0' || code < 0 ||
	    code > 255)
		return 111;
	for (;;) {
		r = read(0, buf, sizeof(buf));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return 111;
		if (r == 0)
			return (int)code;
	}
}
