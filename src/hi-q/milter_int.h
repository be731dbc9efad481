/*
 * milter_int.h - one milter session's state, shared by its three files
 *
 * DESCRIPTION
 *	PRIVATE to milter_session.c (the session's life: its start, its
 *	socket, the step loop, what it ends with), milter_send.c (what is
 *	sent to the milter, step by step) and milter_reply.c (what the
 *	milter answers, and the session's end); every other module sees
 *	milter_session.h alone.
 *
 *	The session walks a fixed list of steps (enum step).  For each,
 *	milter_send_step() queues the step's packets in s->out, and, when a
 *	reply is due, the session waits for it before the next step;
 *	milter_reply_handle() takes each packet the milter sends.
 *	milter_fail() ends the session with a reason, once.
 *
 * ERRORS
 *	See milter_session.h.
 */
#ifndef HIQ_MILTER_INT_H
#define HIQ_MILTER_INT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "milter_codec.h"
#include "milter_head.h"
#include "milter_session.h"

/*
 * Bytes per read from the socket; raw body bytes per B packet, which
 * hold at most twice as many (each LF becomes CRLF).  The scratch buffer
 * serves both: a read, or the raw bytes and their B packet's.
 */
#define SESSION_READ	(64U << 10)
#define SESSION_RAW	(MILTER_CHUNK_MAX / 2)
#define SESSION_SCRATCH	(3 * SESSION_RAW > SESSION_READ ? 3 * SESSION_RAW : \
			SESSION_READ)
/* Rounds of reading and writing in one milter_session_step() call. */
#define SESSION_ROUNDS	64
/*
 * Bytes of packets queued before they are written: the steps the milter
 * sends no reply to go out together, in one write, not one small write
 * each (a burst of small writes meets Nagle's rule and the milter's
 * delayed acknowledgement: 40 ms per message on Linux).
 */
#define SESSION_BATCH	(64U << 10)
/* What hi-q offers: every step but RCPT_REJ (it has no rejected ones). */
#define SESSION_PROTOCOL	(MILTER_P_ALL & ~MILTER_P_RCPT_REJ)

/* A macro of the caller's, copied. */
struct macro {
	char	*name;
	char	*value;
	int	 user;
};

enum step {
	STEP_CONNECTING,
	STEP_OPTNEG,
	STEP_CONNECT,
	STEP_HELO,
	STEP_MAIL,
	STEP_RCPT,
	STEP_DATA,
	STEP_HEADER,
	STEP_EOH,
	STEP_BODY,
	STEP_EOM,
	STEP_END
};

struct milter_session {
	/* What the milter is told; copies. */
	struct milter_addr	 addr;
	char			*conn_name;	/* in the C packet */
	char			*conn_addr;
	int			 family;
	unsigned		 port;
	char			*mac_client_name;
	char			*mac_client_port;
	char			*helo;
	struct macro		*macros;
	size_t			 nmacros;
	char			*sender;
	char			**rcpts;
	size_t			 nrcpts;
	int			 msgfd;
	int			 hide_received;
	char			*tmpdir;
	unsigned long long	 body_max;

	enum milter_status	 status;
	enum step		 step;
	size_t			 rcpt_i;
	size_t			 field_i;
	off_t			 body_pos;
	int			 awaiting;	/* a reply is due */
	int			 await_cmd;	/* to this command */
	int			 fd;
	struct buf		 out;
	size_t			 out_off;	/* bytes of out sent */
	struct buf		 in;
	char			*scratch;
	struct milter_head	 head;
	long			 hidden;
	uint32_t		 actions;
	uint32_t		 protocol;
	char			*symlist[MILTER_STAGES];
	unsigned long		 progress;

	enum milter_outcome	 outcome;
	char			*reply;
	int			 code;
	char			*why;
	struct milter_mods	 mods;
	size_t			 mods_bytes;
	int			 body_fd;
	unsigned long long	 body_len;
	int			 body_cr;	/* a CR ended the last chunk */
};

enum milter_status milter_fail(struct milter_session *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* milter_send.c */
enum milter_status milter_send_optneg(struct milter_session *);
int		 milter_send_step(struct milter_session *);

/* milter_reply.c */
void		 milter_reply_handle(struct milter_session *,
		    const struct milter_packet *);

#endif /* HIQ_MILTER_INT_H */
