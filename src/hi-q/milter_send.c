/*
 * milter_send.c - what a milter session sends, step by step
 *
 * DESCRIPTION
 *	milter_send_optneg() queues the first packet, the option
 *	negotiation; milter_send_step() queues the packets of the next step
 *	of the list milter_session.h gives: its macros in a D packet, then
 *	the step itself unless the milter asked not to get it (SMFIP_NO*),
 *	and marks its reply due unless the milter said it sends none
 *	(SMFIP_NR_*).  A step the milter asked not to get still sends its
 *	macros, as Postfix does.  Header fields go one per call, the body
 *	in chunks read from the message with every LF as CRLF.
 *
 * ERRORS
 *	A packet too long for the protocol, or a message that cannot be
 *	read, ends the session through milter_fail().
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "milter_codec.h"
#include "milter_head.h"
#include "milter_int.h"
#include "milter_session.h"
#include "xalloc.h"

static const char	*bare(const char *, size_t *);
static const char	*macro_value(const struct milter_session *,
			    const char *, size_t);
static int		put_stage_macros(struct milter_session *,
			    enum milter_stage, int);
static char		*address(const char *);
static int		queue_header(struct milter_session *);
static int		queue_body(struct milter_session *);
static int		put_step(struct milter_session *, enum step);

/* Each step's command, the protocol bits that spare it, its macros. */
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

/* milter_send_optneg - the first packet, and its reply is due */
enum milter_status
milter_send_optneg(struct milter_session *s)
{
	if (milter_put_optneg(&s->out, MILTER_VERSION, MILTER_ACT_ALL,
	    SESSION_PROTOCOL) == -1)
		return milter_fail(s, "cannot queue the option negotiation");
	s->step = STEP_OPTNEG;
	s->awaiting = 1;
	s->await_cmd = MILTER_CMD_OPTNEG;
	return MILTER_RUNNING;
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
 * put_step - the packet of step st, which the milter wants: 0 when it is
 * queued; 1 when the step has no more to send (the last header field or
 * body chunk went), and the session moved on; -1 on a failure recorded
 */
static int
put_step(struct milter_session *s, enum step st)
{
	char *arg;
	int rc;

	switch (st) {
	case STEP_CONNECT:
		rc = milter_put_connect(&s->out, s->conn_name, s->family,
		    s->port, s->conn_addr);
		break;
	case STEP_HELO:
		rc = milter_put_helo(&s->out, s->helo);
		break;
	case STEP_MAIL:
	case STEP_RCPT:
		arg = address(st == STEP_MAIL ? s->sender :
		    s->rcpts[s->rcpt_i]);
		rc = (st == STEP_MAIL ? milter_put_mail : milter_put_rcpt)(
		    &s->out, (const char *const *)&arg, 1);
		free(arg);
		break;
	case STEP_HEADER:
		if ((rc = queue_header(s)) == 0) {
			s->step = STEP_EOH;
			return 1;
		}
		rc = rc == 1 ? 0 : -1;
		break;
	case STEP_BODY:
		if ((rc = queue_body(s)) == 0) {
			s->step = STEP_EOM;
			return 1;
		}
		if (rc == -1 && errno != EMSGSIZE) {
			milter_fail(s, "cannot read the message: %s",
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
	if (rc == -1) {
		milter_fail(s, "a packet too long for the milter protocol");
		return -1;
	}
	return 0;
}

/*
 * milter_send_step - queue the packets of the next step; 0 when it
 * queued a step (or the session ended), -1 on a failure already recorded
 */
int
milter_send_step(struct milter_session *s)
{
	enum step st = s->step;
	int rc;

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
	    (enum milter_stage)steps[st].stage, steps[st].cmd) == -1) {
		milter_fail(s, "a packet too long for the milter protocol");
		return -1;
	}
	if (!(s->protocol & steps[st].no)) {
		if ((rc = put_step(s, st)) != 0)
			return rc == 1 ? 0 : -1;
		if (!(s->protocol & steps[st].nr)) {
			s->awaiting = 1;
			s->await_cmd = steps[st].cmd;
		}
	} else if (st == STEP_HEADER || st == STEP_BODY) {
		/* Not sent at all: go past every field or chunk. */
		s->step = st == STEP_HEADER ? STEP_EOH : STEP_EOM;
		return 0;
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
}
