/*
 * deadline.h - every deadline of one message, as one table
 *
 * DESCRIPTION
 *	deadline_table(state, table) lists every deadline that holds in
 *	state, each as when (CLOCK_MONOTONIC seconds) and what happens then,
 *	in the order they are to fire.  The run uses the one table both to
 *	compute its next wake-up (deadline_next()) and to fire what is due,
 *	so no rule is written twice.  Pure: state is a copy of what the
 *	rules look at, -1 for a time that has not come.
 *
 *	Before the verdict:
 *	    DEADLINE_STAGE    a stage's own timeout after its input ended,
 *	                      or after its input pipe became full and it
 *	                      stopped reading (t_stall), whichever is first
 *	    DEADLINE_MESSAGE  the message's timeout after fd 0 ended
 *	    DEADLINE_INPUT    the message's timeout without progress, while
 *	                      fd 0 has not ended (none when direct)
 *	After it:
 *	    DEADLINE_KILL     the grace from SIGTERM to SIGKILL, while a
 *	                      stage has not ended
 *	    DEADLINE_REAP     the grace from SIGKILL to going without the
 *	                      stages that are still there (hi-q may not
 *	                      signal them, or they are stuck in the
 *	                      kernel), so that no wait for a stage is
 *	                      without a bound
 *	    DEADLINE_CALLER   the message's timeout without a byte from the
 *	                      caller, while its input has not ended
 *	    DEADLINE_QUEUE    the message's timeout after the verdict, while
 *	                      qmail-queue has not exited
 */
#ifndef HIQ_DEADLINE_H
#define HIQ_DEADLINE_H

#include <stddef.h>

#define DEADLINE_KILL_GRACE	2	/* seconds, TERM to KILL */
#define DEADLINE_REAP_GRACE	2	/* seconds, KILL to going without */

enum deadline_what {
	DEADLINE_STAGE,
	DEADLINE_MESSAGE,
	DEADLINE_INPUT,
	DEADLINE_KILL,
	DEADLINE_REAP,
	DEADLINE_CALLER,
	DEADLINE_QUEUE
};

/* A stage's clock. */
struct deadline_stage {
	int		 running;	/* not finished */
	unsigned	 timeout;	/* its own, seconds; 0: none */
	double		 t_in;		/* its input ended */
	double		 t_stall;	/* input pipe full and unread since */
};

struct deadline_state {
	unsigned		 limit;		/* the message's timeout */
	int			 decided;
	int			 direct;	/* qmail-queue reads fd 0 */
	double			 t_in_end;	/* fd 0 ended */
	double			 last_progress;
	double			 t_term;	/* SIGTERM sent */
	double			 t_decided;
	double			 t_kill;	/* SIGKILL sent */
	int			 stages_done;	/* each ended, or left */
	int			 inputs_done;	/* fd 0 and fd 1 ended */
	int			 queue_waiting;	/* qmail-queue not reaped,
						   still waited for */
	const struct deadline_stage *stages;
	size_t			 nstages;
};

struct deadline {
	double			 when;
	enum deadline_what	 what;
	size_t			 stage;		/* DEADLINE_STAGE */
};

/* Room for the table of n stages. */
#define DEADLINE_MAX(n)		((n) + 3)

size_t	deadline_table(const struct deadline_state *, struct deadline *);
double	deadline_next(const struct deadline *, size_t);

#endif /* HIQ_DEADLINE_H */
