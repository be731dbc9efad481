/*
 * queue.c - the last hop: the real qmail-queue and the commit point
 *
 * DESCRIPTION
 *	See queue.h.  This is the one file that writes an envelope to
 *	qmail-queue; the run calls queue_commit() only for an accept
 *	verdict reached with every stage judged.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "io.h"
#include "msg.h"
#include "queue.h"
#include "run.h"
#include "spawn.h"

void
queue_init(struct queue *q)
{
	q->pid = 0;
	q->done = q->committed = 0;
	q->status = 0;
	q->env = q->env_watch = -1;
	q->env_off = 0;
}

int
queue_start(struct queue *q, char *const argv[], char *const env[], int msg)
{
	int qe[2], rc;

	if (io_pipe(qe, RUN_PIPE_SIZE) == -1)
		return -1;
	rc = spawn_program(argv, env, msg, qe[0], -1, &q->pid);
	q->env_watch = qe[0];
	q->env = qe[1];
	if (rc != 0) {
		q->pid = 0;
		q->done = 1;
		return rc;
	}
	return io_set_nonblock(qe[1]);
}

int
queue_reap(struct queue *q)
{
	pid_t p;
	int st;

	if (q->pid <= 0 || q->done)
		return 0;
	while ((p = waitpid(q->pid, &st, WNOHANG)) == -1 && errno == EINTR)
		continue;
	if (p == -1)
		return -1;
	if (p != q->pid)
		return 0;
	q->done = 1;
	q->status = st;
	return 1;
}

pid_t
queue_pid(const struct queue *q)
{
	return q->pid > 0 ? q->pid : 0;
}

void
queue_commit(struct queue *q)
{
	q->committed = 1;
}

int
queue_envelope_fd(const struct queue *q)
{
	return q->committed ? q->env : -1;
}

/*
 * queue_write_envelope - the commit point, a piece at a time
 *
 * WARNING
 *	Once the last byte of the envelope is written, qmail-queue may queue
 *	the message.  Nothing writes here before queue_commit().
 */
void
queue_write_envelope(struct queue *q, const char *env, size_t len)
{
	ssize_t w;

	if (!q->committed || q->env == -1)
		return;
	while (q->env_off < len) {
		w = write(q->env, env + q->env_off, len - q->env_off);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			/* qmail-queue is gone; its exit code decides. */
			msg_warn_sys("write envelope to qmail-queue");
			(void)close(q->env);
			q->env = -1;
			return;
		}
		q->env_off += (size_t)w;
	}
	if (close(q->env) == -1)
		msg_warn_sys("close envelope pipe to qmail-queue");
	q->env = -1;
}

/* queue_abandon - never commit: qmail-queue sees EOF, removes its files */
void
queue_abandon(struct queue *q)
{
	if (q->env != -1 && close(q->env) == -1)
		msg_warn_sys("close qmail-queue envelope pipe");
	q->env = -1;
}

/* queue_took_envelope - all len bytes written, and none left unread */
int
queue_took_envelope(const struct queue *q, size_t len)
{
	int unread = 0;

	return q->env_off >= len &&
	    ioctl(q->env_watch, FIONREAD, &unread) != -1 && unread == 0;
}
