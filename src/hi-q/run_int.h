/*
 * run_int.h - one message's run, shared by the files that make it up
 *
 * DESCRIPTION
 *	PRIVATE: only the run's own files include this header; every other
 *	module sees the run through run.h alone.
 *
 *	struct run is one message: its stages (struct stage_run, one per
 *	configured stage, in order), its segments (struct segment: plan.h's,
 *	each a stream of stages joined by hops, or a qfilter), the hops that
 *	join them (struct hop, plan.h's hops with a pump each when hi-q
 *	copies one), qmail-queue, the envelope read from fd 1, the message
 *	and the envelope as they stand (the last segment's spool, the last
 *	envelope a stage wrote), the clocks, and the verdict.  The poll loop
 *	(run_loop.c) owns it; each file below does one part of the run on it
 *	and is named by its functions' prefix:
 *
 *	    run_loop.c		run_message(), run_drain(): the poll loop,
 *				the deadlines' actions (fire_*), and when
 *				the next segment starts (advance())
 *	    run_start.c		lay out one message, start segment 0
 *	    run_signals.c	hi-q's own signals, on a signalfd
 *	    run_envread.c	the envelope from fd 1
 *	    run_hops.c		what a pump's move means: progress, ends,
 *				faults, stalls, and who holds an ended
 *				stage's output open
 *	    run_reap.c		stages and qmail-queue that end, and what
 *				they leave behind
 *	    run_finish.c	the verdict to the exit code: the commit
 *				point, the reply text, the log line
 *	    run.c		the core: the clock, the verdict, the stop
 *				of the stages, a zone's settling, the hop of
 *				a run without stages, the refusal of a
 *				message, and what die() cleans up
 *	    run_segment.c	the core's second file: the one place a
 *				segment starts and finishes, by its kind,
 *				and the message and envelope as they stand
 *	    run_milter.c	the core's third file: a milter's segment,
 *				its session polled by the loop
 *
 *	The calls form a tree, drawn from the files by a grep of each one's
 *	calls to the others' functions: the loop calls the parts, the parts
 *	call the core, and no part calls another part or back up into the
 *	loop (the loop reaps after reading the signals, and reaps the
 *	stragglers before finishing, so that no part has to); within the
 *	core, run_segment.c calls run.c and never the reverse:
 *
 *	                            run_loop.c
 *	                                |
 *	    +-----------+-----------+---+-------+-----------+-----------+
 *	    |           |           |           |           |           |
 *	run_start   run_signals run_envread  run_hops    run_reap   run_finish
 *	    |           |           |           |           |           |
 *	    +-----------+-----------+---+-------+-----------+-----------+
 *	                                |
 *	                          run_segment.c
 *	                                |
 *	                          run_milter.c
 *	                                |
 *	                              run.c
 *
 *	(run_loop.c calls the core too, run_milter.c's session steps and
 *	timeout among it, and a part may call any file of the core.)
 *
 * ERRORS
 *	None of its own: each file's header says what its functions die
 *	with, and run.h which exit codes the run ends in.
 */
#ifndef HIQ_RUN_INT_H
#define HIQ_RUN_INT_H

#include <sys/types.h>

#include <poll.h>
#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "deadline.h"
#include "envelope.h"
#include "outcome.h"
#include "pump.h"
#include "queue.h"
#include "report.h"
#include "zone.h"

struct hop;
struct milter_session;
struct segment;

struct stage_run {
	const struct stage_conf	*conf;
	struct segment		*seg;		/* NULL: skipped */
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
	char			*said;		/* a qfilter's reply line, a
						   milter's reply text */
	struct milter_session	*milter;	/* a milter's; NULL */
	unsigned long		 progress;	/* its packets, last seen */
	double			 t_start;	/* a milter's start */
	int			 pmilter;	/* its socket's pollfd; -1 */
	char			*note;		/* a milter's quarantine, or
						   its "on header" */
};

/*
 * A segment (plan.h): a part of the pipeline that ends with the whole
 * message in a file.  The kinds differ only in how a segment starts,
 * when it is complete and what it leaves (run_segment.c, and
 * run_milter.c for a milter).
 */
enum segment_kind {
	SEGMENT_STREAM,		/* hops: stages joined by pipes and pumps */
	SEGMENT_QFILTER,	/* one qfilter, files on its descriptors */
	SEGMENT_MILTER		/* one milter, its session in the loop */
};

enum segment_state {
	SEGMENT_WAITING,
	SEGMENT_RUNNING,
	SEGMENT_DONE
};

struct segment {
	enum segment_kind	 kind;
	enum segment_state	 state;
	size_t			 hop0;		/* a stream's hops */
	size_t			 nhops;
	size_t			 st0;		/* its stages, st0 up to */
	size_t			 st_end;	/* st_end */
	int			 out;		/* the new message's file */
	int			 env_out;	/* a qfilter's fd 4, */
	int			 qq_out;	/* fd 5, */
	int			 reply;		/* fd 6 (ours, a pipe), */
	int			 err;		/* fd 2 when it is read */
};

struct hop {
	int			 pumped;
	int			 caller;	/* its source is hi-q's fd 0 */
	struct stage_run	*src;		/* NULL: the caller, or the
						   message as it stands */
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
	struct hop		*hops;		/* every segment's, in order */
	size_t			 nhops;		/* those of the segments
						   started */
	size_t			 hops_cap;	/* planned */
	struct segment		*segs;
	size_t			 nsegs;		/* 0: direct */
	size_t			 seg;		/* the one running or next */
	int			 direct;	/* fd 0 is qmail-queue's */
	int			 msg;		/* the message as it stands:
						   the last segment's file;
						   -1 */
	unsigned long long	 msg_bytes;	/* its size */
	pid_t			 ppid;		/* the caller */
	struct queue		 q;
	struct pollfd		*pfd;		/* for step(): */
	int			*pidx;		/* pump_events' idx */
	struct deadline_stage	*clocks;	/* one per stage */
	struct deadline		*dl;		/* room for the table */

	pid_t			 leader;	/* the stages' group; 0 */
	int			 leader_reaped;

	struct buf		 envbuf;	/* the caller's envelope */
	int			 env_eof;
	struct envelope		 envelope;
	int			 env_code;
	struct buf		 newenv;	/* a stage's; len 0: none */
	struct envelope		 newenvelope;

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

/* run.c, the core */
double	 run_now(void);
void	 run_on_die(struct run *);
void	 run_decide(struct run *, enum outcome, int, char *);
void	 run_decide_stage(struct run *, const struct stage_run *, char *,
	    const char *);
void	 run_fail(struct run *, struct stage_run *, char *);
void	 run_stop(struct run *, enum stage_status);
void	 run_kill(struct run *, int);
void	 run_kill_now(struct run *);
int	 run_stages_done(const struct run *);
void	 run_settle_zone(struct run *, struct stage_run *);
void	 run_caller_hop(struct run *);
void	 run_caller_drain(struct run *);
void	 run_refuse(struct run *, int, char *);

/* run_segment.c, the core's second file */
void	 run_segment_start(struct run *, struct segment *);
int	 run_segment_complete(const struct run *, const struct segment *);
void	 run_segment_finish(struct run *, struct segment *);
int	 run_segment_discarded(const struct run *);
void	 run_segment_unreached(struct run *);
const char *run_segment_said(struct stage_run *);
const struct envelope *run_envelope_now(const struct run *, const char **);
unsigned long long run_segment_out(const struct run *);
void	 run_segment_close(struct run *);

/* run_milter.c, the core's third file, called by run_segment.c */
void	 run_milter_start(struct run *, struct segment *,
	    const struct envelope *);
int	 run_milter_events(const struct stage_run *, int *, short *);
void	 run_milter_step(struct run *, struct stage_run *, short);
void	 run_milter_timeout(struct run *, struct stage_run *);
void	 run_milter_finish(struct run *, struct segment *,
	    const struct envelope *, const char *);
char	*run_milter_note(const struct run *);
void	 run_milter_close(struct run *);

/* run_signals.c */
void	 run_signals_setup(struct run *);
void	 run_signals_read(struct run *);

/* run_envread.c */
void	 run_envread(struct run *);

/* run_start.c */
void	 run_start(struct run *);

/* run_reap.c */
void	 run_reap_queue(struct run *);
void	 run_reap_stages(struct run *);
void	 run_reap_check_watch(struct run *, struct stage_run *, int);
void	 run_reap_stragglers(struct run *);

/* run_finish.c */
int	 run_finish_reply_usable(int);
void	 run_finish_judge(struct run *);
int	 run_finish(struct run *);

/* run_hops.c */
void	 run_hops_handle(struct run *, struct hop *, enum pump_result);
void	 run_hops_watch_stalls(struct run *, double);
int	 run_hops_stuck(const struct hop *, struct stage_run **);
char	*run_hops_held(const struct run *);

#endif /* HIQ_RUN_INT_H */
