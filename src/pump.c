/*
 * pump.c - move bytes from one descriptor to another without blocking
 *
 * DESCRIPTION
 *	See pump.h.  The destination is non-blocking and hi-q's alone.  The
 *	source may be hi-q's fd 0, which belongs to the caller, so its flags
 *	are never changed: the pump reads it only after poll(2) said it is
 *	readable, and splice is told SPLICE_F_NONBLOCK.
 *
 *	A pump polls one descriptor at a time, so it never spins: the source
 *	for POLLIN while the destination has room, the destination for
 *	POLLOUT after it was found full.
 *
 * ERRORS
 *	See pump.h.
 */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "io.h"
#include "pump.h"
#include "xalloc.h"

#define SPLICE_CHUNK	(1U << 20)

void
pump_init(struct pump *p, int src, int dst, int owns_src)
{
	p->src = src;
	p->dst = dst;
	p->owns_src = owns_src;
	p->eof = 0;
	p->draining = 0;
	p->dst_full = 0;
	p->use_splice = 1;
	p->buf = NULL;
	p->off = p->len = 0;
	p->in = p->out = p->dropped = 0;
}

/* pump_done - the source has ended and nothing is left to write */
int
pump_done(const struct pump *p)
{
	return p->eof && p->dst == -1;
}

/*
 * pump_events - what to poll: fill pfd and return 1, or return 0
 */
int
pump_events(const struct pump *p, struct pollfd *pfd)
{
	if (pump_done(p) || (p->eof && p->draining))
		return 0;
	if (p->dst != -1 && (p->dst_full || p->len > p->off)) {
		pfd->fd = p->dst;
		pfd->events = POLLOUT;
	} else if (!p->eof) {
		pfd->fd = p->src;
		pfd->events = POLLIN;
	} else
		return 0;
	pfd->revents = 0;
	return 1;
}

static int
close_dst(struct pump *p)
{
	int fd = p->dst;

	p->dst = -1;
	if (fd != -1 && close(fd) == -1 && errno != EINTR)
		return -1;
	return 0;
}

static int
end_of_source(struct pump *p)
{
	p->eof = 1;
	if (p->owns_src && p->src != -1) {
		(void)close(p->src);	/* read end: nothing to lose */
		p->src = -1;
	}
	if (p->draining)
		return 0;
	return close_dst(p);
}

/* flush - write what the fallback buffer holds */
static enum pump_result
flush(struct pump *p)
{
	ssize_t w;

	while (p->off < p->len) {
		w = write(p->dst, p->buf + p->off, p->len - p->off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return PUMP_IDLE;
			return PUMP_ERROR;
		}
		p->off += (size_t)w;
		p->out += (unsigned long long)w;
	}
	p->off = p->len = 0;
	return PUMP_MOVED;
}

static enum pump_result
read_some(struct pump *p)
{
	ssize_t r;

	if (p->buf == NULL)
		p->buf = xmalloc(PUMP_BUFSIZE);
	r = io_read(p->src, p->buf, PUMP_BUFSIZE);
	if (r == -1)
		return errno == EAGAIN ? PUMP_IDLE : PUMP_ERROR;
	if (r == 0)
		return end_of_source(p) == -1 ? PUMP_ERROR : PUMP_EOF;
	p->in += (unsigned long long)r;
	if (p->draining) {
		p->dropped += (unsigned long long)r;
		return PUMP_MOVED;
	}
	p->off = 0;
	p->len = (size_t)r;
	if (flush(p) == PUMP_ERROR)
		return PUMP_ERROR;
	return PUMP_MOVED;
}

static enum pump_result
splice_some(struct pump *p)
{
	ssize_t n;

	do
		n = splice(p->src, NULL, p->dst, NULL, SPLICE_CHUNK,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EINVAL || errno == ENOSYS) {
			p->use_splice = 0;
			return read_some(p);
		}
		if (errno == EAGAIN) {
			/* Either side may be the cause; look at dst next. */
			p->dst_full = 1;
			return PUMP_IDLE;
		}
		return PUMP_ERROR;
	}
	if (n == 0)
		return end_of_source(p) == -1 ? PUMP_ERROR : PUMP_EOF;
	p->in += (unsigned long long)n;
	p->out += (unsigned long long)n;
	return PUMP_MOVED;
}

/*
 * pump_step - act on what poll reported for the descriptor pump_events
 * asked about
 */
enum pump_result
pump_step(struct pump *p, short revents)
{
	if (revents == 0)
		return PUMP_IDLE;
	if (p->dst != -1 && (p->dst_full || p->len > p->off)) {
		/* POLLOUT, or POLLERR when the reader is gone. */
		p->dst_full = 0;
		if (p->len > p->off)
			return flush(p);
		return PUMP_IDLE;
	}
	if (p->draining || !p->use_splice)
		return read_some(p);
	return splice_some(p);
}

/*
 * pump_drain - stop feeding dst; read the source to its end and drop it
 *
 *	Returns -1 if closing dst failed (the bytes it held may be lost, but
 *	the caller is already giving up on them).
 */
int
pump_drain(struct pump *p)
{
	p->draining = 1;
	p->dst_full = 0;
	p->dropped += (unsigned long long)(p->len - p->off);
	p->off = p->len = 0;
	return close_dst(p);
}

/* pump_close - give up both ends now; for the end of the program */
int
pump_close(struct pump *p)
{
	int rc;

	rc = close_dst(p);
	if (p->owns_src && p->src != -1) {
		(void)close(p->src);
		p->src = -1;
	}
	p->eof = 1;
	free(p->buf);
	p->buf = NULL;
	return rc;
}
