/*
 * milter_session.c - one message through one milter, inside a poll loop
 *
 * DESCRIPTION
 *	See milter_session.h.  The session walks a fixed list of steps
 *	(enum step, milter_int.h).  For each it queues the step's packets in
 *	s->out (milter_send.c), sends them as the socket takes them, and,
 *	when a reply is due, waits for it before the next step; "continue"
 *	moves on, the final replies end the session (milter_reply.c).
 *	Replies are read whenever poll says so, also while no reply is due,
 *	so a milter that speaks out of turn or hangs up is seen at once.
 *
 *	Memory is bounded: s->in holds at most one packet and one read,
 *	s->out one step's packets, s->head the header block; modifications
 *	are counted and a replaced body goes to a file.
 *
 * ERRORS
 *	See milter_session.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "milter_codec.h"
#include "milter_head.h"
#include "milter_int.h"
#include "milter_session.h"
#include "number.h"
#include "xalloc.h"

static void		conn_init(struct milter_session *,
			    const struct milter_params *);
static enum milter_status prepare(struct milter_session *);
static int		do_write(struct milter_session *);
static int		do_read(struct milter_session *);
static enum milter_status connected(struct milter_session *);

/*
 * milter_fail - end the session: close the socket, say why
 */
enum milter_status
milter_fail(struct milter_session *s, const char *fmt, ...)
{
	va_list ap;

	if (s->status != MILTER_RUNNING)
		return s->status;
	va_start(ap, fmt);
	free(s->why);
	s->why = xvasprintf(fmt, ap);
	va_end(ap);
	if (s->fd != -1)
		(void)close(s->fd);
	s->fd = -1;
	s->status = MILTER_FAILED;
	s->step = STEP_END;
	return s->status;
}

/*
 * conn_init - what the C packet and the client macros say: the caller's
 * client, or for local mail what Postfix says, localhost at 127.0.0.1
 */
static void
conn_init(struct milter_session *s, const struct milter_params *p)
{
	struct in6_addr a6;
	unsigned long long port;
	const char *c;

	if (p->client_addr == NULL || p->client_addr[0] == '\0') {
		s->conn_addr = xstrdup("127.0.0.1");
		s->conn_name = xstrdup("localhost");
		s->mac_client_name = xstrdup("localhost");
		s->family = MILTER_FAMILY_INET;
		s->mac_client_port = xstrdup("0");
		return;
	}
	s->conn_addr = xstrdup(p->client_addr);
	if (strchr(p->client_addr, ':') != NULL)
		s->family = inet_pton(AF_INET6, p->client_addr, &a6) == 1 ?
		    MILTER_FAMILY_INET6 : MILTER_FAMILY_UNKNOWN;
	else
		s->family = inet_pton(AF_INET, p->client_addr, &a6) == 1 ?
		    MILTER_FAMILY_INET : MILTER_FAMILY_UNKNOWN;
	if (p->client_name != NULL && p->client_name[0] != '\0') {
		s->conn_name = xstrdup(p->client_name);
		s->mac_client_name = xstrdup(p->client_name);
	} else {
		s->conn_name = xasprintf("[%s]", p->client_addr);
		s->mac_client_name = xstrdup("unknown");
	}
	/* TCPREMOTEPORT: 1 to 5 digits, at most 65535, else 0. */
	c = p->client_port != NULL ? p->client_port : "";
	if (strlen(c) <= 5 && number_uint(c, strlen(c), 65535, &port) == 0)
		s->port = (unsigned)port;
	s->mac_client_port = xasprintf("%u", s->port);
}

struct milter_session *
milter_session_new(const struct milter_params *p)
{
	struct milter_session *s;
	size_t i;

	s = xcalloc(1, sizeof(*s));
	s->addr = p->addr;
	conn_init(s, p);
	s->helo = p->helo != NULL && p->helo[0] != '\0' ? xstrdup(p->helo) :
	    NULL;
	s->nmacros = p->nmacros;
	s->macros = xreallocarray(NULL, p->nmacros, sizeof(*s->macros));
	for (i = 0; i < p->nmacros; i++) {
		s->macros[i].name = xstrdup(p->macros[i].name);
		s->macros[i].value = xstrdup(p->macros[i].value);
		s->macros[i].user = p->macros[i].user;
	}
	s->sender = xstrdup(p->sender != NULL ? p->sender : "");
	s->nrcpts = p->nrcpts;
	s->rcpts = xreallocarray(NULL, p->nrcpts, sizeof(*s->rcpts));
	for (i = 0; i < p->nrcpts; i++)
		s->rcpts[i] = xstrdup(p->rcpts[i]);
	s->msgfd = p->msgfd;
	s->hide_received = p->hide_received;
	s->tmpdir = xstrdup(p->tmpdir != NULL ? p->tmpdir : "/tmp");
	s->body_max = p->body_max ? p->body_max : MILTER_BODY_MAX;
	s->status = MILTER_RUNNING;
	s->step = STEP_CONNECTING;
	s->fd = -1;
	s->body_fd = -1;
	s->hidden = -1;
	buf_init(&s->out, MILTER_HEAD_MAX + SESSION_READ);
	buf_init(&s->in, MILTER_PACKET_MAX + 4 + SESSION_READ);
	milter_head_init(&s->head);
	return s;
}

void
milter_session_free(struct milter_session *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->fd != -1)
		(void)close(s->fd);
	if (s->body_fd != -1)
		(void)close(s->body_fd);
	free(s->conn_name);
	free(s->conn_addr);
	free(s->mac_client_name);
	free(s->mac_client_port);
	free(s->helo);
	for (i = 0; i < s->nmacros; i++) {
		free(s->macros[i].name);
		free(s->macros[i].value);
	}
	free(s->macros);
	free(s->sender);
	for (i = 0; i < s->nrcpts; i++)
		free(s->rcpts[i]);
	free(s->rcpts);
	free(s->tmpdir);
	buf_free(&s->out);
	buf_free(&s->in);
	free(s->scratch);
	milter_head_free(&s->head);
	for (i = 0; i < MILTER_STAGES; i++)
		free(s->symlist[i]);
	free(s->reply);
	free(s->why);
	for (i = 0; i < s->mods.n; i++) {
		free(s->mods.mod[i].name);
		free(s->mods.mod[i].value);
	}
	free(s->mods.mod);
	free(s);
}

/*
 * prepare - what both starts do first: read the header block, find the
 * HELO name
 */
static enum milter_status
prepare(struct milter_session *s)
{
	const char *err;

	if (milter_head_read(s->msgfd, &s->head, &err) == -1)
		return milter_fail(s, "%s", err);
	s->hidden = milter_head_hidden(&s->head, s->hide_received);
	if (s->helo == NULL && s->hide_received)
		s->helo = milter_head_helo(&s->head);
	if (s->helo == NULL)
		s->helo = xstrdup(s->conn_name);
	s->body_pos = s->head.body_off;
	return MILTER_RUNNING;
}

enum milter_status
milter_session_start(struct milter_session *s)
{
	static const int one = 1;
	int fd;

	if (prepare(s) != MILTER_RUNNING)
		return s->status;
	fd = socket(s->addr.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return milter_fail(s, "cannot make a socket: %s",
		    strerror(errno));
	s->fd = fd;
	/* hi-q writes a burst at a time (SESSION_BATCH): send it at once. */
	if (s->addr.ss.ss_family != AF_UNIX && setsockopt(fd, IPPROTO_TCP,
	    TCP_NODELAY, &one, sizeof(one)) == -1)
		return milter_fail(s, "cannot set TCP_NODELAY: %s",
		    strerror(errno));
	if (connect(fd, (struct sockaddr *)&s->addr.ss, s->addr.len) == 0)
		return milter_send_optneg(s);
	if (errno != EINPROGRESS && errno != EINTR)
		return milter_fail(s, "cannot connect: %s", strerror(errno));
	s->step = STEP_CONNECTING;
	return MILTER_RUNNING;
}

enum milter_status
milter_session_start_fd(struct milter_session *s, int fd)
{
	s->fd = fd;
	if (prepare(s) != MILTER_RUNNING)
		return s->status;
	if (io_set_nonblock(fd) == -1)
		return milter_fail(s, "cannot make the socket non-blocking: %s",
		    strerror(errno));
	return milter_send_optneg(s);
}

void
milter_session_events(const struct milter_session *s, int *fd,
    short *events)
{
	*fd = s->fd;
	*events = 0;
	if (s->status != MILTER_RUNNING)
		return;
	if (s->step == STEP_CONNECTING) {
		*events = POLLOUT;
		return;
	}
	*events = POLLIN;
	/* Bytes to send, or the next step to queue: POLLOUT comes at once
	 * while the socket has room. */
	if (s->out_off < s->out.len || (!s->awaiting && s->step != STEP_OPTNEG))
		*events |= POLLOUT;
}

/* do_write - send what is queued; 1 if bytes went, 0 if none could */
static int
do_write(struct milter_session *s)
{
	ssize_t w;
	int moved = 0;

	while (s->out_off < s->out.len) {
		w = send(s->fd, s->out.data + s->out_off,
		    s->out.len - s->out_off, MSG_NOSIGNAL);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			milter_fail(s, "cannot write to the milter: %s",
			    strerror(errno));
			return -1;
		}
		s->out_off += (size_t)w;
		moved = 1;
	}
	if (s->out_off == s->out.len)
		s->out.len = s->out_off = 0;
	return moved;
}

/*
 * do_read - read what the socket has, and handle each whole packet;
 * 1 if bytes came, 0 if none
 */
static int
do_read(struct milter_session *s)
{
	struct milter_packet pkt;
	const char *err;
	ssize_t r;
	size_t off;
	int rc;

	if (s->scratch == NULL)
		s->scratch = xmalloc(SESSION_SCRATCH);
	do
		r = recv(s->fd, s->scratch, SESSION_READ, 0);
	while (r == -1 && errno == EINTR);
	if (r == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		milter_fail(s, "cannot read from the milter: %s",
		    strerror(errno));
		return -1;
	}
	if (r == 0) {
		milter_fail(s, s->in.len > 0 ? "the milter closed the "
		    "connection in the middle of a packet" :
		    "the milter closed the connection before its final reply");
		return -1;
	}
	if (buf_append(&s->in, s->scratch, (size_t)r) == -1) {
		milter_fail(s, "a packet longer than hi-q takes (1 MiB)");
		return -1;
	}
	for (off = 0; s->status == MILTER_RUNNING; off += pkt.used) {
		rc = milter_frame(s->in.data + off, s->in.len - off, &pkt,
		    &err);
		if (rc == -1) {
			milter_fail(s, "the milter sent %s", err);
			return -1;
		}
		if (rc == 0)
			break;
		milter_reply_handle(s, &pkt);
	}
	if (s->status != MILTER_RUNNING)
		return -1;
	if (off > 0) {
		memmove(s->in.data, s->in.data + off, s->in.len - off);
		s->in.len -= off;
	}
	return 1;
}

/* connected - the non-blocking connect ended: how? */
static enum milter_status
connected(struct milter_session *s)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0)
		return milter_fail(s, "cannot connect: %s", strerror(err));
	return milter_send_optneg(s);
}

enum milter_status
milter_session_step(struct milter_session *s, short revents)
{
	int round, moved, readable, w;

	if (s->status != MILTER_RUNNING)
		return s->status;
	if (revents & POLLNVAL)
		return milter_fail(s, "the milter socket is not open");
	if (s->step == STEP_CONNECTING) {
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return MILTER_RUNNING;
		if (connected(s) != MILTER_RUNNING)
			return s->status;
	}
	readable = (revents & (POLLIN | POLLERR | POLLHUP)) != 0;
	for (round = 0; round < SESSION_ROUNDS; round++) {
		moved = 0;
		if (readable) {
			readable = 0;
			if (do_read(s) == -1 || s->status != MILTER_RUNNING)
				return s->status;
			moved = 1;
		}
		/* Queue the steps up to the next reply, then write them. */
		while (!s->awaiting && s->step != STEP_END &&
		    s->step != STEP_OPTNEG && s->step != STEP_CONNECTING &&
		    s->out.len - s->out_off < SESSION_BATCH) {
			if (milter_send_step(s) == -1)
				return s->status;
			moved = 1;
		}
		if (s->out_off < s->out.len) {
			if ((w = do_write(s)) == -1)
				return s->status;
			moved |= w;
			if (s->out_off < s->out.len)
				break;
		}
		if (!moved)
			break;
	}
	return s->status;
}

unsigned long
milter_session_progress(const struct milter_session *s)
{
	return s->progress;
}

enum milter_outcome
milter_session_outcome(const struct milter_session *s)
{
	return s->outcome;
}

const char *
milter_session_reply(const struct milter_session *s)
{
	return s->reply;
}

int
milter_session_code(const struct milter_session *s)
{
	return s->code;
}

const char *
milter_session_why(const struct milter_session *s)
{
	return s->why;
}

const struct milter_mods *
milter_session_mods(const struct milter_session *s)
{
	return &s->mods;
}

int
milter_session_body_fd(const struct milter_session *s)
{
	return s->mods.body ? s->body_fd : -1;
}
