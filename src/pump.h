/*
 * pump.h - move bytes from one descriptor to another without blocking
 *
 * DESCRIPTION
 *	hi-q copies message bytes only on the hops it must watch: from its
 *	caller to the first stage (to see the end of the input and count it)
 *	and from the last stage to qmail-queue (to count what is queued).
 *	A pump does one such hop inside hi-q's poll loop.  It uses splice(2)
 *	between pipes, so the bytes are not copied through user space, and
 *	falls back to read and write where splice is not supported.
 *
 *	pump_events() tells which descriptor to poll and for what;
 *	pump_step() does what poll reported.  At the end of the source the
 *	pump closes its destination (checked), which is how the consumer sees
 *	the end of the message.  pump_drain() gives up the destination and
 *	from then on reads and discards the source to its end, counting what
 *	it drops: that is how hi-q keeps its caller from blocking.
 *
 * ERRORS
 *	pump_step returns PUMP_ERROR with errno set when the source cannot be
 *	read or the destination cannot be written or closed (EPIPE: the
 *	consumer is gone).  The pump keeps its state; the caller decides.
 */
#ifndef HIQ_PUMP_H
#define HIQ_PUMP_H

#include <poll.h>

#define PUMP_BUFSIZE	65536

struct pump {
	int			 src;
	int			 dst;		/* -1: closed or draining */
	int			 owns_src;	/* close src at its end */
	int			 eof;		/* the source has ended */
	int			 draining;
	int			 dst_full;	/* wait for dst to drain */
	int			 use_splice;
	char			*buf;		/* read/write fallback */
	size_t			 off;
	size_t			 len;
	unsigned long long	 in;		/* bytes read from src */
	unsigned long long	 out;		/* bytes written to dst */
	unsigned long long	 dropped;	/* bytes read while draining */
};

enum pump_result {
	PUMP_IDLE,		/* nothing happened */
	PUMP_MOVED,		/* bytes moved or dropped */
	PUMP_EOF,		/* the source ended; dst is closed */
	PUMP_ERROR
};

void		 pump_init(struct pump *, int, int, int);
int		 pump_events(const struct pump *, struct pollfd *);
enum pump_result pump_step(struct pump *, short);
int		 pump_drain(struct pump *);
int		 pump_close(struct pump *);
int		 pump_done(const struct pump *);

#endif /* HIQ_PUMP_H */
