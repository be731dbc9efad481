/*
 * pump.h - move bytes from one descriptor to others without blocking
 *
 * DESCRIPTION
 *	hi-q copies message bytes only on the hops it must watch: from its
 *	caller to the first stage (to see the end of the input and count it),
 *	from the last stage to qmail-queue (to count what is queued), out of
 *	a stage with a "zone" (to read its score header), and wherever a
 *	"check" needs its own copy of the message.  A pump does one such hop
 *	inside hi-q's poll loop.
 *
 *	dst[0] is the main destination: the next stage, or qmail-queue.
 *	pump_add_copy() adds another (a check's stdin), which gets the same
 *	bytes.  With one destination and no tap, the pump uses splice(2), so
 *	the bytes are not copied through user space; otherwise (or where
 *	splice is not supported) it reads into a buffer and writes that to
 *	every destination, reading more only when all of them took it all.
 *	A tap (pump_set_tap(), a function and its argument; zone.h has one)
 *	sees every byte read until it returns 0; after that a
 *	one-destination pump goes back to splice.
 *
 *	pump_events() fills the pollfds to wait on; pump_step() acts on what
 *	poll reported.  At the end of the source the pump closes every
 *	destination (checked), which is how consumers see the end of the
 *	message.  pump_drop() gives up one destination; pump_drain() gives up
 *	all and from then on reads and discards the source to its end,
 *	counting what it drops: that is how hi-q keeps its caller from
 *	blocking.  pump_close() gives up both ends at once.
 *
 *	pump_ended() says whether the source has ended; pump_waiting(p, i)
 *	whether the pump holds bytes destination i has not taken (its pipe
 *	is full), and pump_taken(p, i) how many bytes it took so far: with
 *	both, the caller can tell a stage that stopped reading from one that
 *	is slow.  The counters in, out and dropped are for reading.
 *
 * ERRORS
 *	pump_step returns PUMP_ERROR with errno set when the source cannot be
 *	read or a destination cannot be written or closed (EPIPE: its reader
 *	is gone); err_dst says which destination (-1: the source).  The pump
 *	keeps its state; the caller decides what the failure means.
 */
#ifndef HIQ_PUMP_H
#define HIQ_PUMP_H

#include <poll.h>
#include <stddef.h>

#define PUMP_BUFSIZE	(64U << 10)	/* touched only for checks, zone heads */
#define PUMP_MAXDST	16
#define PUMP_MAXPOLL	(PUMP_MAXDST + 1)

struct pump_dst {
	int	 fd;		/* -1: closed or dropped */
	size_t	 off;		/* bytes of the buffer it has taken */
	int	 full;		/* splice found it full: wait for POLLOUT */
	unsigned long long taken;	/* bytes it has taken */
};

struct pump {
	int			 src;
	int			 owns_src;	/* close src at its end */
	int			 eof;		/* the source has ended */
	int			 draining;
	int			 use_splice;
	struct pump_dst		 dst[PUMP_MAXDST];
	size_t			 ndst;
	int			(*tap)(void *, const char *, size_t);
	void			*tap_arg;
	char			*buf;
	size_t			 len;		/* bytes in buf */
	int			 err_dst;
	unsigned long long	 in;		/* bytes read from src */
	unsigned long long	 out;		/* bytes written to dst[0] */
	unsigned long long	 dropped;	/* bytes read while draining */
};

enum pump_result {
	PUMP_IDLE,		/* nothing happened */
	PUMP_MOVED,		/* bytes moved or dropped */
	PUMP_EOF,		/* the source ended; every dst is closed */
	PUMP_ERROR
};

void		 pump_init(struct pump *, int, int, int);
size_t		 pump_add_copy(struct pump *, int);
void		 pump_set_tap(struct pump *, int (*)(void *, const char *,
		    size_t), void *);
size_t		 pump_events(const struct pump *, struct pollfd *, int *);
enum pump_result pump_step(struct pump *, const struct pollfd *,
		    const int *, size_t);
int		 pump_drop(struct pump *, size_t);
int		 pump_drain(struct pump *);
int		 pump_close(struct pump *);
int		 pump_done(const struct pump *);
int		 pump_ended(const struct pump *);
int		 pump_waiting(const struct pump *, size_t);
unsigned long long pump_taken(const struct pump *, size_t);

#endif /* HIQ_PUMP_H */
