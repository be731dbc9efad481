/*
 * milter_session.c - one message through one milter, inside a poll loop
 *
 * DESCRIPTION
 *	See milter_session.h.  The session walks a fixed list of steps
 *	(enum step).  For each it queues the step's packets in s->out, sends
 *	them as the socket takes them, and, when a reply is due, waits for
 *	it before the next step; "continue" moves on, the final replies end
 *	the session.  A step the milter asked not to get still sends its
 *	macros, as Postfix does.  Replies are read whenever poll says so,
 *	also while no reply is due, so a milter that speaks out of turn or
 *	hangs up is seen at once.
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
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "milter_codec.h"
#include "milter_head.h"
#include "milter_session.h"
#include "number.h"
#include "xalloc.h"

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

static enum milter_status	fail(struct milter_session *, const char *,
				    ...) __attribute__((format(printf, 2, 3)));
static void		conn_init(struct milter_session *,
			    const struct milter_params *);
static const char	*bare(const char *, size_t *);
static const char	*macro_value(const struct milter_session *,
			    const char *, size_t);
static int		put_stage_macros(struct milter_session *,
			    enum milter_stage, int);
static int		queue_step(struct milter_session *);
static int		queue_header(struct milter_session *);
static int		queue_body(struct milter_session *);
static int		do_write(struct milter_session *);
static int		do_read(struct milter_session *);
static void		handle(struct milter_session *,
			    const struct milter_packet *);
static void		negotiate(struct milter_session *,
			    const struct milter_reply *);
static void		final(struct milter_session *, enum milter_outcome);
static void		modify(struct milter_session *,
			    const struct milter_reply *);
static void		replace_body(struct milter_session *, const char *,
			    size_t);
static char		*reply_line(const char *, int);
static void		finish(struct milter_session *);

/*
 * fail - end the session: close the socket, say why
 */
static enum milter_status
fail(struct milter_session *s, const char *fmt, ...)
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

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
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
		return fail(s, "%s", err);
	s->hidden = milter_head_hidden(&s->head, s->hide_received);
	if (s->helo == NULL && s->hide_received)
		s->helo = milter_head_helo(&s->head);
	if (s->helo == NULL)
		s->helo = xstrdup(s->conn_name);
	s->body_pos = s->head.body_off;
	return MILTER_RUNNING;
}

/* queue_optneg - the first packet, and its reply is due */
static enum milter_status
queue_optneg(struct milter_session *s)
{
	if (milter_put_optneg(&s->out, MILTER_VERSION, MILTER_ACT_ALL,
	    SESSION_PROTOCOL) == -1)
		return fail(s, "cannot queue the option negotiation");
	s->step = STEP_OPTNEG;
	s->awaiting = 1;
	s->await_cmd = MILTER_CMD_OPTNEG;
	return MILTER_RUNNING;
}

enum milter_status
milter_session_start(struct milter_session *s)
{
	int fd;

	if (prepare(s) != MILTER_RUNNING)
		return s->status;
	fd = socket(s->addr.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return fail(s, "cannot make a socket: %s", strerror(errno));
	s->fd = fd;
	if (connect(fd, (struct sockaddr *)&s->addr.ss, s->addr.len) == 0)
		return queue_optneg(s);
	if (errno != EINPROGRESS && errno != EINTR)
		return fail(s, "cannot connect: %s", strerror(errno));
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
		return fail(s, "cannot make the socket non-blocking: %s",
		    strerror(errno));
	return queue_optneg(s);
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

/* bare - a macro name without its braces: *n bytes from the result */
static const char *
bare(const char *name, size_t *n)
{
	if (*n >= 2 && name[0] == '{' && name[*n - 1] == '}') {
		*n -= 2;
		return name + 1;
	}
	return name;
}

/*
 * macro_value - the value of macro name[0..n) (braces taken off), NULL
 * if it has none
 */
static const char *
macro_value(const struct milter_session *s, const char *name, size_t n)
{
	const char *m;
	size_t i, mn;

#define IS(lit)	(n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
	if (IS("client_addr"))
		return s->conn_addr;
	if (IS("client_name"))
		return s->mac_client_name;
	if (IS("client_port"))
		return s->mac_client_port;
	if (IS("mail_addr"))
		return s->sender;
	if (IS("rcpt_addr"))
		return s->step == STEP_RCPT && s->rcpt_i < s->nrcpts ?
		    s->rcpts[s->rcpt_i] : NULL;
#undef IS
	for (i = 0; i < s->nmacros; i++) {
		mn = strlen(s->macros[i].name);
		m = bare(s->macros[i].name, &mn);
		if (mn == n && memcmp(m, name, n) == 0)
			return s->macros[i].value;
	}
	return NULL;
}

/*
 * put_stage_macros - the D packet for a stage: the names listed for it
 * that have a value, and at connect the user's own macros too
 */
static int
put_stage_macros(struct milter_session *s, enum milter_stage stage, int cmd)
{
	static const char *const defaults[MILTER_STAGES] = {
		MILTER_MACROS_CONNECT, MILTER_MACROS_HELO, MILTER_MACROS_MAIL,
		MILTER_MACROS_RCPT, MILTER_MACROS_DATA, MILTER_MACROS_EOM,
		MILTER_MACROS_EOH
	};
	const char *list, *p, *name, *value, *b;
	const char **nv;
	char **own;
	size_t n, len, bn, i, j, cap;
	int rc, dup;

	list = s->symlist[stage] != NULL ? s->symlist[stage] :
	    defaults[stage];
	cap = 2 * (strlen(list) / 2 + 1 + s->nmacros);
	nv = xreallocarray(NULL, cap, sizeof(*nv));
	own = xreallocarray(NULL, cap / 2, sizeof(*own));
	n = 0;
	for (p = list; *p != '\0'; p += len) {
		p += strspn(p, " ");
		if ((len = strcspn(p, " ")) == 0)
			break;
		bn = len;
		name = bare(p, &bn);
		if ((value = macro_value(s, name, bn)) == NULL)
			continue;
		nv[2 * n] = own[n] = xasprintf("%.*s", (int)len, p);
		nv[2 * n + 1] = value;
		n++;
	}
	for (i = 0; stage == MILTER_STAGE_CONNECT && i < s->nmacros; i++) {
		if (!s->macros[i].user)
			continue;
		len = strlen(s->macros[i].name);
		name = bare(s->macros[i].name, &len);
		for (dup = 0, j = 0; j < n && !dup; j++) {
			bn = strlen(nv[2 * j]);
			b = bare(nv[2 * j], &bn);
			dup = bn == len && memcmp(b, name, len) == 0;
		}
		if (dup)
			continue;
		nv[2 * n] = own[n] = xstrdup(s->macros[i].name);
		nv[2 * n + 1] = s->macros[i].value;
		n++;
	}
	rc = n > 0 ? milter_put_macros(&s->out, cmd, nv, n) : 0;
	for (i = 0; i < n; i++)
		free(own[i]);
	free(own);
	free(nv);
	return rc;
}

/* address - "<addr>" for MAIL and RCPT, malloc'd */
static char *
address(const char *a)
{
	return xasprintf("<%s>", a);
}

/*
 * queue_header - the next header field the milter sees, as L: the
 * hidden one skipped, one leading space taken off the value unless the
 * milter wants it, the value's final LF dropped
 */
static int
queue_header(struct milter_session *s)
{
	const struct milter_field *f;
	const char *base, *v;
	size_t vlen;

	while (s->field_i < s->head.nfield &&
	    (long)s->field_i == s->hidden)
		s->field_i++;
	if (s->field_i >= s->head.nfield)
		return 0;
	f = &s->head.field[s->field_i++];
	base = s->head.block.data + f->off;
	v = base + f->value_off;
	vlen = f->len - f->value_off;
	if (vlen > 0 && v[vlen - 1] == '\n')
		vlen--;
	if (!(s->protocol & MILTER_P_HDR_LEADSPC) && vlen > 0 && v[0] == ' ') {
		v++;
		vlen--;
	}
	if (milter_put_header(&s->out, base, f->name_len, v, vlen) == -1)
		return -1;
	return 1;
}

/*
 * queue_body - the next body chunk as B, every LF as CRLF; 0 at the end
 * of the message
 */
static int
queue_body(struct milter_session *s)
{
	char *chunk;
	ssize_t r;
	size_t i, n;

	if (s->scratch == NULL)
		s->scratch = xmalloc(SESSION_SCRATCH);
	do
		r = pread(s->msgfd, s->scratch, SESSION_RAW, s->body_pos);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		return -1;
	if (r == 0)
		return 0;
	s->body_pos += r;
	chunk = s->scratch + SESSION_RAW;
	for (i = 0, n = 0; i < (size_t)r; i++) {
		if (s->scratch[i] == '\n')
			chunk[n++] = '\r';
		chunk[n++] = s->scratch[i];
	}
	if (milter_put_body(&s->out, chunk, n) == -1)
		return -1;
	return 1;
}

/*
 * queue_step - queue the packets of the next step; 0 when it queued a
 * step (or the session ended), -1 on a failure already recorded
 */
static int
queue_step(struct milter_session *s)
{
	static const struct {
		int		 cmd;
		uint32_t	 no;		/* SMFIP_NO* */
		uint32_t	 nr;		/* SMFIP_NR_* */
		int		 stage;		/* -1: no macros */
	} steps[] = {
		[STEP_CONNECT] = { MILTER_CMD_CONNECT, MILTER_P_NOCONNECT,
		    MILTER_P_NR_CONN, MILTER_STAGE_CONNECT },
		[STEP_HELO] = { MILTER_CMD_HELO, MILTER_P_NOHELO,
		    MILTER_P_NR_HELO, MILTER_STAGE_HELO },
		[STEP_MAIL] = { MILTER_CMD_MAIL, MILTER_P_NOMAIL,
		    MILTER_P_NR_MAIL, MILTER_STAGE_MAIL },
		[STEP_RCPT] = { MILTER_CMD_RCPT, MILTER_P_NORCPT,
		    MILTER_P_NR_RCPT, MILTER_STAGE_RCPT },
		[STEP_DATA] = { MILTER_CMD_DATA, MILTER_P_NODATA,
		    MILTER_P_NR_DATA, MILTER_STAGE_DATA },
		[STEP_HEADER] = { MILTER_CMD_HEADER, MILTER_P_NOHDRS,
		    MILTER_P_NR_HDR, -1 },
		[STEP_EOH] = { MILTER_CMD_EOH, MILTER_P_NOEOH,
		    MILTER_P_NR_EOH, MILTER_STAGE_EOH },
		[STEP_BODY] = { MILTER_CMD_BODY, MILTER_P_NOBODY,
		    MILTER_P_NR_BODY, -1 },
		[STEP_EOM] = { MILTER_CMD_EOM, 0, 0, MILTER_STAGE_EOM },
	};
	enum step st = s->step;
	char *arg;
	int rc, queued = 0;

	switch (st) {
	case STEP_CONNECTING:
	case STEP_OPTNEG:
	case STEP_END:
		return 0;
	case STEP_CONNECT:
	case STEP_HELO:
	case STEP_MAIL:
	case STEP_RCPT:
	case STEP_DATA:
	case STEP_HEADER:
	case STEP_EOH:
	case STEP_BODY:
	case STEP_EOM:
		break;
	}
	if (st == STEP_RCPT && s->rcpt_i >= s->nrcpts) {
		s->step = STEP_DATA;
		return 0;
	}
	if (steps[st].stage >= 0 && put_stage_macros(s,
	    (enum milter_stage)steps[st].stage, steps[st].cmd) == -1)
		goto toolong;
	if (!(s->protocol & steps[st].no)) {
		switch (st) {
		case STEP_CONNECT:
			rc = milter_put_connect(&s->out, s->conn_name,
			    s->family, s->port, s->conn_addr);
			break;
		case STEP_HELO:
			rc = milter_put_helo(&s->out, s->helo);
			break;
		case STEP_MAIL:
		case STEP_RCPT:
			arg = address(st == STEP_MAIL ? s->sender :
			    s->rcpts[s->rcpt_i]);
			rc = (st == STEP_MAIL ? milter_put_mail :
			    milter_put_rcpt)(&s->out,
			    (const char *const *)&arg, 1);
			free(arg);
			break;
		case STEP_HEADER:
			if ((rc = queue_header(s)) == 0) {
				s->step = STEP_EOH;
				return 0;
			}
			rc = rc == 1 ? 0 : -1;
			break;
		case STEP_BODY:
			if ((rc = queue_body(s)) == 0) {
				s->step = STEP_EOM;
				return 0;
			}
			if (rc == -1 && errno != EMSGSIZE) {
				fail(s, "cannot read the message: %s",
				    strerror(errno));
				return -1;
			}
			rc = rc == 1 ? 0 : -1;
			break;
		case STEP_DATA:
		case STEP_EOH:
		case STEP_EOM:
			rc = milter_put_cmd(&s->out, steps[st].cmd);
			break;
		case STEP_CONNECTING:
		case STEP_OPTNEG:
		case STEP_END:
		default:
			rc = -1;
			break;
		}
		if (rc == -1)
			goto toolong;
		queued = 1;
	} else if (st == STEP_HEADER || st == STEP_BODY) {
		/* Not sent at all: go past every field or chunk. */
		s->step = st == STEP_HEADER ? STEP_EOH : STEP_EOM;
		return 0;
	}
	if (queued && !(s->protocol & steps[st].nr)) {
		s->awaiting = 1;
		s->await_cmd = steps[st].cmd;
	}
	/*
	 * The step after this one, unless more of the same follow; after
	 * the end of the message only its final reply.
	 */
	if (st == STEP_RCPT)
		s->rcpt_i++;
	else if (st != STEP_HEADER && st != STEP_BODY && st != STEP_EOM)
		s->step = st + 1;
	return 0;
toolong:
	fail(s, "a packet too long for the milter protocol");
	return -1;
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
			fail(s, "cannot write to the milter: %s",
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
		fail(s, "cannot read from the milter: %s", strerror(errno));
		return -1;
	}
	if (r == 0) {
		fail(s, s->in.len > 0 ? "the milter closed the connection "
		    "in the middle of a packet" : "the milter closed the "
		    "connection before its final reply");
		return -1;
	}
	if (buf_append(&s->in, s->scratch, (size_t)r) == -1) {
		fail(s, "a packet longer than hi-q takes (1 MiB)");
		return -1;
	}
	for (off = 0; s->status == MILTER_RUNNING; off += pkt.used) {
		rc = milter_frame(s->in.data + off, s->in.len - off, &pkt,
		    &err);
		if (rc == -1) {
			fail(s, "the milter sent %s", err);
			return -1;
		}
		if (rc == 0)
			break;
		handle(s, &pkt);
	}
	if (s->status != MILTER_RUNNING)
		return -1;
	if (off > 0) {
		memmove(s->in.data, s->in.data + off, s->in.len - off);
		s->in.len -= off;
	}
	return 1;
}

/* negotiate - the O reply: what the milter may do, what it wants sent */
static void
negotiate(struct milter_session *s, const struct milter_reply *r)
{
	size_t i;

	if (r->version != MILTER_VERSION) {
		fail(s, "the milter speaks protocol version %lu, hi-q %d",
		    (unsigned long)r->version, MILTER_VERSION);
		return;
	}
	if (r->actions & ~(uint32_t)MILTER_ACT_ALL) {
		fail(s, "the milter asks for actions hi-q does not know "
		    "(0x%lx)", (unsigned long)r->actions);
		return;
	}
	s->actions = r->actions;
	/* Steps hi-q did not offer are ignored, as Postfix ignores them. */
	s->protocol = r->protocol & SESSION_PROTOCOL;
	s->mods.leadspc = (s->protocol & MILTER_P_HDR_LEADSPC) != 0;
	for (i = 0; i < MILTER_STAGES; i++)
		if (r->symlist[i] != NULL)
			s->symlist[i] = xstrdup(r->symlist[i]);
	s->awaiting = 0;
	s->step = STEP_CONNECT;
}

/* final - the milter's last word on the message */
static void
final(struct milter_session *s, enum milter_outcome o)
{
	size_t i;

	s->outcome = o;
	if (o != MILTER_ACCEPT && o != MILTER_QUARANTINE) {
		for (i = 0; i < s->mods.n; i++) {
			free(s->mods.mod[i].name);
			free(s->mods.mod[i].value);
		}
		s->mods.n = 0;
		s->mods.body = 0;
	}
	s->awaiting = 0;
	s->step = STEP_END;
	finish(s);
}

/* replace_body - a 'b' chunk into the body file, CRLF stored as LF */
static void
replace_body(struct milter_session *s, const char *p, size_t n)
{
	char *out, *o;
	size_t i;
	int fd;

	if (s->body_fd == -1) {
		fd = open(s->tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd == -1) {
			char *path = xasprintf("%s/hi-q-milter.XXXXXX",
			    s->tmpdir);

			fd = mkostemp(path, O_CLOEXEC);
			if (fd != -1)
				(void)unlink(path);
			free(path);
		}
		if (fd == -1) {
			fail(s, "cannot make a file for the replaced body: "
			    "%s", strerror(errno));
			return;
		}
		s->body_fd = fd;
		s->mods.body = 1;
	}
	if (n > s->body_max - s->body_len) {
		fail(s, "a replaced body longer than %llu bytes",
		    s->body_max);
		return;
	}
	s->body_len += n;
	o = out = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (s->body_cr && p[i] != '\n')
			*o++ = '\r';
		s->body_cr = p[i] == '\r';
		if (!s->body_cr)
			*o++ = p[i];
	}
	if (io_write_all(s->body_fd, out, (size_t)(o - out)) == -1)
		fail(s, "cannot write the replaced body: %s",
		    strerror(errno));
	free(out);
}

/* modify - a modification at the end of the message: check, keep */
static void
modify(struct milter_session *s, const struct milter_reply *r)
{
	static const struct {
		int		 cmd;
		uint32_t	 act;
	} need[] = {
		{ MILTER_REP_ADDHEADER, MILTER_ACT_ADDHDRS },
		{ MILTER_REP_INSHEADER, MILTER_ACT_ADDHDRS },
		{ MILTER_REP_CHGHEADER, MILTER_ACT_CHGHDRS },
		{ MILTER_REP_REPLBODY, MILTER_ACT_CHGBODY },
		{ MILTER_REP_ADDRCPT, MILTER_ACT_ADDRCPT },
		{ MILTER_REP_DELRCPT, MILTER_ACT_DELRCPT },
		{ MILTER_REP_ADDRCPT_PAR, MILTER_ACT_ADDRCPT_PAR },
		{ MILTER_REP_CHGFROM, MILTER_ACT_CHGFROM },
		{ MILTER_REP_QUARANTINE, MILTER_ACT_QUARANTINE },
	};
	struct milter_mod *m;
	size_t i, bytes;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (need[i].cmd == r->cmd)
			break;
	if (!(s->actions & need[i].act)) {
		fail(s, "the milter sent '%c', an action it did not "
		    "negotiate", r->cmd);
		return;
	}
	if (s->await_cmd != MILTER_CMD_EOM) {
		fail(s, "the milter sent '%c' before the end of the message",
		    r->cmd);
		return;
	}
	if (r->cmd == MILTER_REP_REPLBODY) {
		replace_body(s, r->data, r->len);
		return;
	}
	if (r->cmd == MILTER_REP_QUARANTINE) {
		free(s->why);
		s->why = reply_line(r->value, 0);
		return;
	}
	bytes = strlen(r->name) + (r->value ? strlen(r->value) : 0) + 2;
	if (s->mods.n >= MILTER_MODS_MAX ||
	    bytes > MILTER_MODS_BYTES - s->mods_bytes) {
		fail(s, "more modifications than hi-q takes (%d, %u bytes)",
		    MILTER_MODS_MAX, MILTER_MODS_BYTES);
		return;
	}
	s->mods_bytes += bytes;
	if (s->mods.n % 16 == 0)
		s->mods.mod = xreallocarray(s->mods.mod, s->mods.n + 16,
		    sizeof(*s->mods.mod));
	m = &s->mods.mod[s->mods.n++];
	m->cmd = r->cmd;
	m->index = r->index;
	m->name = xstrdup(r->name);
	m->value = dup_or_null(r->value);
}

/*
 * reply_line - a milter's text as one line, control bytes dropped, cut
 * to MILTER_TEXT_MAX bytes (not inside a UTF-8 character).  For a reply
 * code (code set): each line's text after its "NNN " or "NNN-", joined
 * by a space, "%%" read as "%" and a lone "%" dropped (Sendmail's format
 * rules, as Postfix reads them).
 */
static char *
reply_line(const char *text, int code)
{
	char *out, *o;
	const char *p = text;
	size_t n;
	int first = 1;

	o = out = xmalloc(strlen(text) + 1);
	while (*p != '\0') {
		if (code)
			p += strnlen(p, 4);
		if (!first && o > out && o[-1] != ' ')
			*o++ = ' ';
		first = 0;
		for (; *p != '\0'; p++) {
			if (code && p[0] == '\r' && p[1] == '\n') {
				p += 2;
				break;
			}
			if (code && *p == '%') {
				if (*++p == '\0')
					break;
			}
			if ((unsigned char)*p < 32 || *p == 127)
				continue;
			*o++ = *p;
		}
	}
	n = (size_t)(o - out);
	if (n > MILTER_TEXT_MAX) {
		n = MILTER_TEXT_MAX;
		while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80)
			n--;
	}
	out[n] = '\0';
	return out;
}

/* handle - one packet from the milter */
static void
handle(struct milter_session *s, const struct milter_packet *pkt)
{
	struct milter_reply r;
	const char *err;
	int connect_step;

	if (milter_decode(pkt, &r, &err) == -1) {
		fail(s, "the milter sent %s", err);
		return;
	}
	s->progress++;
	if (r.cmd == MILTER_REP_PROGRESS)
		return;
	if (!s->awaiting) {
		fail(s, "the milter sent '%c' where no reply was due", r.cmd);
		return;
	}
	if (s->await_cmd == MILTER_CMD_OPTNEG) {
		if (r.cmd != MILTER_REP_OPTNEG) {
			fail(s, "the milter sent '%c' in place of its option "
			    "negotiation", r.cmd);
			return;
		}
		negotiate(s, &r);
		return;
	}
	connect_step = s->await_cmd == MILTER_CMD_CONNECT ||
	    s->await_cmd == MILTER_CMD_HELO;
	switch (r.cmd) {
	case MILTER_REP_CONTINUE:
		if (s->await_cmd == MILTER_CMD_EOM)
			final(s, s->why != NULL ? MILTER_QUARANTINE :
			    MILTER_ACCEPT);
		else
			s->awaiting = 0;
		return;
	case MILTER_REP_ACCEPT:
		final(s, s->why != NULL && s->await_cmd == MILTER_CMD_EOM ?
		    MILTER_QUARANTINE : MILTER_ACCEPT);
		return;
	case MILTER_REP_REJECT:
		final(s, MILTER_REJECT);
		return;
	case MILTER_REP_TEMPFAIL:
	case MILTER_REP_SHUTDOWN:
		final(s, MILTER_TEMPFAIL);
		return;
	case MILTER_REP_DISCARD:
		if (connect_step) {
			fail(s, "the milter sent a discard at connect or "
			    "helo");
			return;
		}
		final(s, MILTER_DISCARD);
		return;
	case MILTER_REP_REPLYCODE:
		s->code = (int)r.index;
		s->reply = reply_line(r.value, 1);
		final(s, r.value[0] == '5' ? MILTER_REJECT : MILTER_TEMPFAIL);
		return;
	case MILTER_REP_SKIP:
		if (s->await_cmd != MILTER_CMD_BODY) {
			fail(s, "the milter sent a skip outside the body");
			return;
		}
		s->awaiting = 0;
		s->step = STEP_EOM;
		return;
	case MILTER_REP_ADDHEADER:
	case MILTER_REP_INSHEADER:
	case MILTER_REP_CHGHEADER:
	case MILTER_REP_REPLBODY:
	case MILTER_REP_ADDRCPT:
	case MILTER_REP_DELRCPT:
	case MILTER_REP_ADDRCPT_PAR:
	case MILTER_REP_CHGFROM:
	case MILTER_REP_QUARANTINE:
		modify(s, &r);
		return;
	default:
		fail(s, "the milter sent '%c' out of place", r.cmd);
		return;
	}
}

/*
 * finish - after the final reply: Q if nothing is half sent (the milter
 * hears the end either way), close, done
 */
static void
finish(struct milter_session *s)
{
	if (s->body_cr && s->body_fd != -1) {
		if (io_write_all(s->body_fd, "\r", 1) == -1) {
			fail(s, "cannot write the replaced body: %s",
			    strerror(errno));
			return;
		}
		s->body_cr = 0;
	}
	if (s->out_off == s->out.len) {
		s->out.len = s->out_off = 0;
		if (milter_put_cmd(&s->out, MILTER_CMD_QUIT) == 0)
			(void)send(s->fd, s->out.data, s->out.len,
			    MSG_NOSIGNAL);
	}
	(void)close(s->fd);
	s->fd = -1;
	s->status = MILTER_DONE;
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
		return fail(s, "cannot connect: %s", strerror(err));
	return queue_optneg(s);
}

enum milter_status
milter_session_step(struct milter_session *s, short revents)
{
	int round, moved, readable, w;

	if (s->status != MILTER_RUNNING)
		return s->status;
	if (revents & POLLNVAL)
		return fail(s, "the milter socket is not open");
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
		if (s->out_off < s->out.len) {
			if ((w = do_write(s)) == -1)
				return s->status;
			moved |= w;
			if (s->out_off < s->out.len)
				break;
		}
		if (!s->awaiting && s->step != STEP_END &&
		    s->step != STEP_OPTNEG && s->step != STEP_CONNECTING) {
			if (queue_step(s) == -1)
				return s->status;
			moved = 1;
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
