/*
 * nullq - a qmail-queue that throws the message away, for throughput runs
 *
 * DESCRIPTION
 *	Reads fd 0 to its end, then fd 1 (the envelope) to its end, and exits
 *	0.  Nothing is written or fsynced, so a run through it measures what
 *	comes before it (hi-q's pumps, the zone tap, the stages) and not the
 *	disk.  Only for bench/: it checks nothing.
 *
 * ERRORS
 *	Exit 54 on a read error, as qmail-queue.
 */
#include <errno.h>
#include <unistd.h>

static char buf[1 << 20];

static int
drain(int fd)
{
	ssize_t r;

	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? 0 : -1;
	}
}

int
main(void)
{
	if (drain(0) == -1 || drain(1) == -1)
		return 54;
	return 0;
}
