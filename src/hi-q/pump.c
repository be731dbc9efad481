/*
 * pump.c - move bytes from one descriptor to others without blocking
 *
 * DESCRIPTION
 *	See pump.h.  Destinations are non-blocking and hi-q's alone.  The
 *	source may be hi-q's fd 0, which belongs to the caller, so its flags
 *	are never changed: the pump reads it only after poll(2) said it is
 *	readable, and splice is told SPLICE_F_NONBLOCK.
 *
 *	A pump never spins: it polls the source for POLLIN only while every
 *	destination has room, and otherwise only the destinations that are
 *	behind, for POLLOUT.
 *
 * ERRORS
 *	See pump.h.
 */
#include <sys/types.h>

#include <assert.h>
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
	p->owns_src = owns_src;
	p->eof = 0;
	p->draining = 0;
	p->use_splice = 1;
	p->dst[0].fd = dst;
	p->dst[0].off = 0;
	p->dst[0].full = 0;
	p->dst[0].taken = 0;
	p->ndst = 1;
	p->tap = NULL;
	p->tap_arg = NULL;
	p->buf = NULL;
	p->len = 0;
	p->err_dst = -1;
	p->in = p->out = p->dropped = 0;
}

size_t
pump_add_copy(struct pump *p, int fd)
{
	assert(p->ndst < PUMP_MAXDST);	/* plan.h bounds the checks */
	p->dst[p->ndst].fd = fd;
	p->dst[p->ndst].off = 0;
	p->dst[p->ndst].full = 0;
	p->dst[p->ndst].taken = 0;
	return p->ndst++;
}

/* pump_set_tap - show fn every byte read until it returns 0 */
void
pump_set_tap(struct pump *p, int (*fn)(void *, const char *, size_t),
    void *arg)
{
	p->tap = fn;
	p->tap_arg = arg;
}

static int
live_dsts(const struct pump *p)
{
	size_t i;
	int n = 0;

	for (i = 0; i < p->ndst; i++)
		if (p->dst[i].fd != -1)
			n++;
	return n;
}

/* pump_done - the source has ended and nothing is left to write */
int
pump_done(const struct pump *p)
{
	return p->eof && live_dsts(p) == 0;
}

/* spliceable - one live destination and nothing left to show the tap */
static int
spliceable(const struct pump *p)
{
	return p->use_splice && !p->draining && p->ndst == 1 &&
	    p->tap == NULL &&
	    p->len == 0;
}

static int
behind(const struct pump *p, size_t i)
{
	return p->dst[i].fd != -1 && (p->dst[i].full || p->dst[i].off < p->len);
}

/* pump_ended - the source has ended (or the pump was closed) */
int
pump_ended(const struct pump *p)
{
	return p->eof;
}

/*
 * pump_waiting - the pump holds bytes for destination i that it would
 * not take, or found it full
 */
int
pump_waiting(const struct pump *p, size_t i)
{
	return i < p->ndst && behind(p, i);
}

/* pump_taken - bytes destination i has taken so far */
unsigned long long
pump_taken(const struct pump *p, size_t i)
{
	return i < p->ndst ? p->dst[i].taken : 0;
}

/*
 * pump_events - fill pfd (room for PUMP_MAXPOLL) with what to wait for;
 * idx[k] is the destination pfd[k] stands for, -1 for the source
 */
size_t
pump_events(const struct pump *p, struct pollfd *pfd, int *idx)
{
	size_t i, n = 0;

	if (pump_done(p) || (p->eof && p->draining))
		return 0;
	for (i = 0; i < p->ndst; i++)
		if (behind(p, i)) {
			pfd[n].fd = p->dst[i].fd;
			pfd[n].events = POLLOUT;
			pfd[n].revents = 0;
			idx[n++] = (int)i;
		}
	if (n == 0 && !p->eof) {
		pfd[n].fd = p->src;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		idx[n++] = -1;
	}
	return n;
}

static int
close_dst(struct pump *p, size_t i)
{
	int fd = p->dst[i].fd;

	p->dst[i].fd = -1;
	p->dst[i].full = 0;
	if (fd != -1 && close(fd) == -1 && errno != EINTR) {
		p->err_dst = (int)i;
		return -1;
	}
	return 0;
}

static enum pump_result
end_of_source(struct pump *p)
{
	size_t i;
	int rc = 0;

	p->eof = 1;
	if (p->owns_src && p->src != -1) {
		(void)close(p->src);	/* a read end: nothing to lose */
		p->src = -1;
	}
	for (i = 0; i < p->ndst; i++)
		if (close_dst(p, i) == -1)
			rc = -1;
	return rc == -1 ? PUMP_ERROR : PUMP_EOF;
}

/* flush - write what the buffer holds to every destination behind */
static enum pump_result
flush(struct pump *p)
{
	struct pump_dst *d;
	ssize_t w;
	size_t i, done = 0;

	for (i = 0; i < p->ndst; i++) {
		d = &p->dst[i];
		d->full = 0;
		while (d->fd != -1 && d->off < p->len) {
			w = write(d->fd, p->buf + d->off, p->len - d->off);
			if (w == -1) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN)
					break;
				p->err_dst = (int)i;
				return PUMP_ERROR;
			}
			d->off += (size_t)w;
			d->taken += (unsigned long long)w;
			if (i == 0)
				p->out += (unsigned long long)w;
		}
		if (d->fd == -1 || d->off == p->len)
			done++;
	}
	if (done == p->ndst) {
		for (i = 0; i < p->ndst; i++)
			p->dst[i].off = 0;
		p->len = 0;
	}
	return PUMP_MOVED;
}

static enum pump_result
read_some(struct pump *p)
{
	ssize_t r;

	if (p->buf == NULL)
		p->buf = xmalloc(PUMP_BUFSIZE);
	r = io_read(p->src, p->buf, PUMP_BUFSIZE);
	if (r == -1) {
		if (errno == EAGAIN)
			return PUMP_IDLE;
		p->err_dst = -1;
		return PUMP_ERROR;
	}
	if (r == 0)
		return end_of_source(p);
	p->in += (unsigned long long)r;
	if (p->draining || live_dsts(p) == 0) {
		p->dropped += (unsigned long long)r;
		return PUMP_MOVED;
	}
	if (p->tap != NULL && !p->tap(p->tap_arg, p->buf, (size_t)r))
		p->tap = NULL;	/* it has seen enough: splice again */
	p->len = (size_t)r;
	return flush(p);
}

static enum pump_result
splice_some(struct pump *p)
{
	ssize_t n;

	do
		n = splice(p->src, NULL, p->dst[0].fd, NULL, SPLICE_CHUNK,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		if (errno == EINVAL || errno == ENOSYS) {
			p->use_splice = 0;
			return read_some(p);
		}
		if (errno == EAGAIN) {
			/* Either side may be the cause; look at dst next. */
			p->dst[0].full = 1;
			return PUMP_IDLE;
		}
		/*
		 * splice does not say which side failed (ENOSPC, EIO ...
		 * may be either).  A failed splice moved nothing: read and
		 * write the same bytes by hand, and the failure, if it comes
		 * again, names its side.
		 */
		p->use_splice = 0;
		return read_some(p);
	}
	if (n == 0)
		return end_of_source(p);
	p->in += (unsigned long long)n;
	p->out += (unsigned long long)n;
	p->dst[0].taken += (unsigned long long)n;
	return PUMP_MOVED;
}

/* pump_step - act on what poll reported for pump_events' descriptors */
enum pump_result
pump_step(struct pump *p, const struct pollfd *pfd, const int *idx, size_t n)
{
	size_t k;
	int ready = 0, src_ready = 0;

	for (k = 0; k < n; k++) {
		if (pfd[k].revents == 0)
			continue;
		ready = 1;
		if (idx[k] < 0)
			src_ready = 1;
	}
	if (!ready)
		return PUMP_IDLE;
	if (!src_ready)		/* POLLOUT, or POLLERR: a reader gone */
		return flush(p);
	if (p->draining || live_dsts(p) == 0 || !spliceable(p))
		return read_some(p);
	return splice_some(p);
}

/* pump_drop - stop writing to destination i, and close it */
int
pump_drop(struct pump *p, size_t i)
{
	int rc;

	rc = close_dst(p, i);
	if (p->len > 0 && !p->draining)
		(void)flush(p);	/* others may now be all caught up */
	return rc;
}

/*
 * pump_drain - stop feeding anyone; read the source to its end and drop it
 *
 *	Returns -1 if closing a destination failed (the bytes it held may be
 *	lost, but the caller is already giving up on them).
 */
int
pump_drain(struct pump *p)
{
	size_t i;
	int rc = 0;

	p->draining = 1;
	p->len = 0;
	for (i = 0; i < p->ndst; i++) {
		p->dst[i].off = 0;
		if (close_dst(p, i) == -1)
			rc = -1;
	}
	return rc;
}

/* pump_close - give up both ends now; for the end of the program */
int
pump_close(struct pump *p)
{
	int rc;

	rc = pump_drain(p);
	if (p->owns_src && p->src != -1) {
		(void)close(p->src);
		p->src = -1;
	}
	p->eof = 1;
	free(p->buf);
	p->buf = NULL;
	return rc;
}
