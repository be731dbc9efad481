/*
 * queue.h - the last hop: the real qmail-queue and the commit point
 *
 * DESCRIPTION
 *	queue_start(q, argv, env, msg) starts qmail-queue with msg as its
 *	fd 0 and a pipe on its fd 1 for the envelope.  msg is hi-q's own
 *	fd 0 when no stage runs (qmail-queue reads the caller's message
 *	itself), and otherwise the spool the last stage's output went to,
 *	rewound: qmail-queue runs only once the verdict is accept, and reads
 *	the message from the file without hi-q copying it again.  hi-q keeps
 *	qmail-queue's end of the envelope pipe too (never read): bytes still
 *	in it after qmail-queue exited mean it never read the envelope, so
 *	its 0 cannot mean "queued" (queue_took_envelope()).
 *
 *	queue_commit() marks the verdict accept; from then on
 *	queue_envelope_fd() is the descriptor to poll for POLLOUT, and
 *	queue_write_envelope() writes the envelope a piece at a time and
 *	closes the pipe after its last byte.  queue_abandon() closes the pipe
 *	unwritten instead: qmail-queue sees EOF and queues nothing.
 *
 *	queue_reap() collects qmail-queue if it has exited, and returns 1
 *	then (its wait status is q->status), 0 if it has not.
 *
 *	queue_pid() is qmail-queue's pid once it was started, reaped or not,
 *	and 0 when it never was: the pid qmail-send logs as "qp" for the
 *	message (hi-q(8), qq=).
 *
 * ERRORS
 *	queue_start returns 0 or spawn_program()'s errno value (the program
 *	could not be run; q->pid is 0); -1 with errno set when a pipe could
 *	not be made.  queue_reap returns -1 with errno set when waitpid
 *	fails.  A failed envelope write is logged and ends the write:
 *	qmail-queue's exit code decides.
 */
#ifndef HIQ_QUEUE_H
#define HIQ_QUEUE_H

#include <sys/types.h>

#include <stddef.h>

struct queue {
	pid_t			 pid;		/* 0: none */
	int			 done;		/* reaped */
	int			 status;	/* its wait status, once done */
	int			 env;		/* its fd 1, our end; -1 */
	int			 env_watch;	/* its fd 1, its end */
	int			 committed;	/* the envelope is being handed
						   over */
	size_t			 env_off;	/* envelope bytes written */
};

void	queue_init(struct queue *);
int	queue_start(struct queue *, char *const [], char *const [], int);
int	queue_reap(struct queue *);
pid_t	queue_pid(const struct queue *);
void	queue_commit(struct queue *);
int	queue_envelope_fd(const struct queue *);
void	queue_write_envelope(struct queue *, const char *, size_t);
void	queue_abandon(struct queue *);
int	queue_took_envelope(const struct queue *, size_t);

#endif /* HIQ_QUEUE_H */
