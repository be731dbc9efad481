/*
 * run.h - one message's run, shared by the files that make it up
 *
 * DESCRIPTION
 *	PRIVATE: only the run's own files include this header (loop.c,
 *	start.c, hops.c, envread.c, reap.c, finish.c, signals.c); every
 *	other module sees the run through loop.h alone.
 *
 *	struct run is one message: its stages (struct stage_run, one per
 *	configured stage, in order), the hops that join them (struct hop,
 *	plan.h's hops with a pump each when hi-q copies one), qmail-queue,
 *	the envelope read from fd 1, the clocks, and the verdict.  The
 *	poll loop (loop.c) owns it; each file below does one part of the
 *	run on it and is named by its functions' prefix:
 *
 *	    loop.c	the poll loop, the deadlines' actions, the verdict
 *			(run_decide) and the stop of the stages (run_kill)
 *	    start.c	lay out and start one message
 *	    hops.c	what a pump's move means: progress, ends, faults,
 *			stalls, and who holds an ended stage's output open
 *	    envread.c	the envelope from fd 1
 *	    reap.c	stages and qmail-queue that end, and what they
 *			leave behind
 *	    finish.c	the verdict to the exit code: the commit point,
 *			the reply text, the log line
 *	    signals.c	hi-q's own signals, on a signalfd
 *
 * ERRORS
 *	None of its own: each file's header says what its functions die
 *	with, and loop.h which exit codes the run ends in.
 */
#ifndef HIQ_RUN_H
#define HIQ_RUN_H

#include <sys/types.h>

#include <poll.h>
#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "deadline.h"
#include "envelope.h"
#include "pump.h"
#include "queue.h"
#include "report.h"
#include "verdict.h"
#include "zone.h"

struct hop;

struct stage_run {
	const struct stage_conf	*conf;
	struct stage_report	 rep;
	pid_t			 pid;		/* 0: not running */
	int			 done;		/* status known; reaped but
						   the leader */
	int			 left;		/* still there after
						   SIGKILL: hi-q goes
						   without it */
	int			 named;		/* warned of, as one that
						   refuses signals or left
						   the group */
	ino_t			 out_ino;	/* its stdout's pipe; 0 */
	int			 fd_in;		/* its stdin; our watch */
	int			 pwatch;	/* fd_in's pollfd; -1 */
	int			 fd_out;	/* its stdout, until spawned */
	struct hop		*in;		/* the hop that feeds it */
	size_t			 dst;		/* its place in that hop */
	struct hop		*out;		/* the hop it feeds; NULL */
	struct deadline_stage	*clock;		/* t_in, t_stall: its input
						   ended, or is stuck */
	double			 t_exit;
	unsigned long long	 taken;		/* bytes taken at t_stall */
	enum stage_status	 kill_as;	/* if hi-q kills it */
	struct zone_tap		 tap;		/* its output's header block */
	struct zone_tap		 tap_in;	/* its input's, for a zone */
	int			 zone_pending;	/* exited; score not read */
};

struct hop {
	int			 pumped;
	struct stage_run	*src;		/* NULL: the caller */
	struct stage_run	*dst[PUMP_MAXDST];	/* [0] NULL: qq */
	size_t			 ndst;
	struct pump		 pump;
	size_t			 pfirst;	/* its pollfds in step() */
	size_t			 pcnt;
};

struct run {
	const struct conf	*conf;
	char *const		*env;
	struct stage_run	*st;		/* one per conf stage */
	size_t			 n;
	struct hop		*hops;
	size_t			 nhops;
	int			 direct;	/* fd 0 is qmail-queue's */
	int			 spool;		/* the last hop's file; -1 */
	struct queue		 q;
	struct pollfd		*pfd;		/* for step(): */
	int			*pidx;		/* pump_events' idx */
	struct deadline_stage	*clocks;	/* one per stage */
	struct deadline		*dl;		/* room for the table */

	pid_t			 leader;	/* the stages' group; 0 */
	int			 leader_reaped;

	struct buf		 envbuf;
	int			 env_eof;
	struct envelope		 envelope;
	int			 env_code;

	int			 sigfd;
	int			 reply_ok;
	double			 t0;
	double			 t_in_end;	/* fd 0 ended; -1 */
	double			 last_progress;
	double			 t_decided;
	double			 t_term;	/* SIGTERM sent; -1 */
	double			 t_kill;	/* SIGKILL sent; -1 */

	int			 decided;
	enum outcome		 verdict;
	int			 code;		/* exit code; -1: verdict's */
	char			*reason;
	const char		*reply_text;
	int			 gave_up;	/* stop waiting, go */
};

/* loop.c */
double	 run_now(void);
void	 run_decide(struct run *, enum outcome, int, char *);
void	 run_kill(struct run *, int);
void	 run_kill_now(struct run *);
int	 run_stages_done(const struct run *);

/* signals.c */
void	 signals_setup(struct run *);
void	 signals_read(struct run *);

/* envread.c */
void	 envread(struct run *);

/* start.c */
void	 start_message(struct run *);

/* reap.c */
void	 reap_queue(struct run *);
void	 reap_stages(struct run *);
void	 reap_check_watch(struct run *, struct stage_run *, int);
void	 reap_settle_zone(struct run *, struct stage_run *);
void	 reap_stragglers(struct run *);

/* finish.c */
int	 finish_reply_usable(int);
void	 finish_judge(struct run *);
int	 finish_run(struct run *);

/* hops.c */
void	 hops_handle(struct run *, struct hop *, enum pump_result);
void	 hops_watch_stalls(struct run *, double);
int	 hops_stuck(const struct hop *, struct stage_run **);
char	*hops_held(const struct run *);

#endif /* HIQ_RUN_H */
