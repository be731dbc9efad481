/*
 * milter_reply.c - what a milter answers, and the session's end
 *
 * DESCRIPTION
 *	milter_reply_handle() takes one packet from the milter: progress
 *	counts, the option negotiation says what the milter may do and what
 *	it wants sent, "continue" lets the next step go, and the final
 *	replies end the session (accept, reject, tempfail, discard, a reply
 *	code).  Modifications are checked against what the milter negotiated
 *	and kept, counted, until the end of the message; a replaced body
 *	goes to a file, CRLF stored as LF.  At the end the session sends Q
 *	and closes.
 *
 * ERRORS
 *	A reply the milter had no right to send, or more modifications than
 *	hi-q takes, ends the session through milter_fail(); see
 *	milter_session.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "milter_codec.h"
#include "milter_int.h"
#include "milter_session.h"
#include "xalloc.h"

static char	*dup_or_null(const char *);
static void	 negotiate(struct milter_session *,
		    const struct milter_reply *);
static void	 final(struct milter_session *, enum milter_outcome);
static void	 replace_body(struct milter_session *, const char *, size_t);
static void	 modify(struct milter_session *, const struct milter_reply *);
static char	*reply_line(const char *, int);
static void	 answer(struct milter_session *, const struct milter_reply *);
static void	 finish(struct milter_session *);

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* negotiate - the O reply: what the milter may do, what it wants sent */
static void
negotiate(struct milter_session *s, const struct milter_reply *r)
{
	size_t i;

	if (r->version != MILTER_VERSION) {
		milter_fail(s, "the milter speaks protocol version %lu, "
		    "hi-q %d", (unsigned long)r->version, MILTER_VERSION);
		return;
	}
	if (r->actions & ~(uint32_t)MILTER_ACT_ALL) {
		milter_fail(s, "the milter asks for actions hi-q does not know "
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
			milter_fail(s, "cannot make a file for the replaced "
			    "body: %s", strerror(errno));
			return;
		}
		s->body_fd = fd;
		s->mods.body = 1;
	}
	if (n > s->body_max - s->body_len) {
		milter_fail(s, "a replaced body longer than %llu bytes",
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
		milter_fail(s, "cannot write the replaced body: %s",
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
		milter_fail(s, "the milter sent '%c', an action it did not "
		    "negotiate", r->cmd);
		return;
	}
	if (s->await_cmd != MILTER_CMD_EOM) {
		milter_fail(s, "the milter sent '%c' before the end of the "
		    "message", r->cmd);
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
		milter_fail(s, "more modifications than hi-q takes (%d, %u "
		    "bytes)", MILTER_MODS_MAX, MILTER_MODS_BYTES);
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

/* milter_reply_handle - one packet from the milter */
void
milter_reply_handle(struct milter_session *s, const struct milter_packet *pkt)
{
	struct milter_reply r;
	const char *err;

	if (milter_decode(pkt, &r, &err) == -1) {
		milter_fail(s, "the milter sent %s", err);
		return;
	}
	s->progress++;
	if (r.cmd == MILTER_REP_PROGRESS)
		return;
	if (!s->awaiting) {
		milter_fail(s, "the milter sent '%c' where no reply was due",
		    r.cmd);
		return;
	}
	if (s->await_cmd == MILTER_CMD_OPTNEG) {
		if (r.cmd != MILTER_REP_OPTNEG) {
			milter_fail(s, "the milter sent '%c' in place of its "
			    "option negotiation", r.cmd);
			return;
		}
		negotiate(s, &r);
		return;
	}
	answer(s, &r);
}

/* answer - a reply to the step awaited, other than the negotiation */
static void
answer(struct milter_session *s, const struct milter_reply *r)
{
	int connect_step = s->await_cmd == MILTER_CMD_CONNECT ||
	    s->await_cmd == MILTER_CMD_HELO;

	switch (r->cmd) {
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
		if (connect_step)
			milter_fail(s, "the milter sent a discard at connect "
			    "or helo");
		else
			final(s, MILTER_DISCARD);
		return;
	case MILTER_REP_REPLYCODE:
		s->code = (int)r->index;
		s->reply = reply_line(r->value, 1);
		final(s, r->value[0] == '5' ? MILTER_REJECT : MILTER_TEMPFAIL);
		return;
	case MILTER_REP_SKIP:
		if (s->await_cmd != MILTER_CMD_BODY) {
			milter_fail(s, "the milter sent a skip outside the "
			    "body");
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
		modify(s, r);
		return;
	default:
		milter_fail(s, "the milter sent '%c' out of place", r->cmd);
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
			milter_fail(s, "cannot write the replaced body: %s",
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
