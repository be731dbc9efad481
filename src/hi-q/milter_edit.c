/*
 * milter_edit.c - apply a milter's modifications to a message and envelope
 *
 * DESCRIPTION
 *	See milter_edit.h.  The header block becomes a list of entries, each
 *	an original field (by its place in the block) or a new one (its
 *	text); the modifications change the list in order, and the list is
 *	written out, then the body is copied.  The envelope becomes a list
 *	of addresses the same way.  Each modification costs at most one
 *	pass over the list, and a session holds at most MILTER_MODS_MAX.
 *
 * ERRORS
 *	See milter_edit.h.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "envelope.h"
#include "io.h"
#include "milter_codec.h"
#include "milter_edit.h"
#include "milter_head.h"
#include "qq.h"
#include "xalloc.h"

#define EDIT_IO		(64U << 10)

/* A field of the new header block. */
struct entry {
	long	 field;		/* the original's index, or -1 */
	char	*text;		/* a new field's bytes, LF-terminated */
	size_t	 len;
	int	 hidden;
};

struct edit {
	const struct milter_head	*head;
	struct entry			*e;
	size_t				 n;
	size_t				 cap;
	int				 leadspc;
	char				*sender;
	char				**rcpt;
	size_t				 nrcpt;
	size_t				 rcap;
	const char			*err;
};

static int	 entry_name_is(const struct edit *, const struct entry *,
		    const char *, size_t);
static int	 new_field(struct edit *, const char *, const char *,
		    struct entry *);
static void	 insert(struct edit *, size_t, struct entry *);
static int	 header_mod(struct edit *, const struct milter_mod *);
static char	*address(struct edit *, const char *);
static int	 rcpt_mod(struct edit *, const struct milter_mod *);
static int	 env_read(struct edit *, const char *, size_t);
static int	 flush(int, struct buf *, size_t);
static int	 emit(int, struct buf *, const char *, size_t);
static int	 copy(int, off_t, int, struct buf *);
static int	 apply_mods(struct edit *, const struct milter_mods *, long);
static int	 write_head(const struct edit *, int, struct buf *);
static int	 write_envelope(const struct edit *, struct buf *);

/* entry_name_is - is the entry a field called name[0..n), in any case? */
static int
entry_name_is(const struct edit *ed, const struct entry *en,
    const char *name, size_t n)
{
	if (en->field >= 0)
		return milter_head_name_is(ed->head, (size_t)en->field, name,
		    n);
	return milter_head_name_len(en->text, en->len) == n &&
	    strncasecmp(en->text, name, n) == 0;
}

/*
 * new_field - the text of a new field, "NAME: VALUE\n", each CRLF in
 * VALUE as LF; refuse what would not be one field
 */
static int
new_field(struct edit *ed, const char *name, const char *value,
    struct entry *en)
{
	size_t i, nlen = strlen(name);
	char *t;

	for (i = 0; i < nlen; i++)
		if ((unsigned char)name[i] < 33 ||
		    (unsigned char)name[i] > 126 || name[i] == ':')
			break;
	if (nlen == 0 || i < nlen) {
		ed->err = "the milter gave a header name that is not one";
		return -1;
	}
	t = xmalloc(nlen + strlen(value) + 4);
	memcpy(t, name, nlen);
	en->len = nlen;
	t[en->len++] = ':';
	if (!ed->leadspc)
		t[en->len++] = ' ';
	for (i = 0; value[i] != '\0'; i++) {
		if (value[i] == '\r' && value[i + 1] == '\n')
			continue;
		if (value[i] == '\n' && value[i + 1] != ' ' &&
		    value[i + 1] != '\t') {
			free(t);
			ed->err = "the milter gave a header value with a line "
			    "break that ends the field";
			return -1;
		}
		t[en->len++] = value[i];
	}
	t[en->len++] = '\n';
	en->text = t;
	en->field = -1;
	en->hidden = 0;
	return 0;
}

/* insert - put en at position at of the list (at == n: last) */
static void
insert(struct edit *ed, size_t at, struct entry *en)
{
	if (ed->n == ed->cap) {
		ed->cap = ed->cap ? 2 * ed->cap : 32;
		ed->e = xreallocarray(ed->e, ed->cap, sizeof(*ed->e));
	}
	memmove(ed->e + at + 1, ed->e + at, (ed->n - at) * sizeof(*ed->e));
	ed->e[at] = *en;
	ed->n++;
}

/* header_mod - h, i or m */
static int
header_mod(struct edit *ed, const struct milter_mod *m)
{
	struct entry en;
	size_t i, k, nlen;

	if (m->cmd == MILTER_REP_CHGHEADER) {
		nlen = strlen(m->name);
		k = m->index == 0 ? 1 : m->index;
		for (i = 0; i < ed->n; i++) {
			if (ed->e[i].hidden ||
			    !entry_name_is(ed, &ed->e[i], m->name, nlen))
				continue;
			if (--k == 0)
				break;
		}
		if (i < ed->n) {
			if (m->value[0] == '\0') {
				free(ed->e[i].text);
				memmove(ed->e + i, ed->e + i + 1,
				    (ed->n - i - 1) * sizeof(*ed->e));
				ed->n--;
				return 0;
			}
			if (new_field(ed, m->name, m->value, &en) == -1)
				return -1;
			free(ed->e[i].text);
			ed->e[i] = en;
			return 0;
		}
		/* No such field: a value adds it, as Postfix does. */
		if (m->value[0] == '\0')
			return 0;
	}
	if (new_field(ed, m->name, m->value, &en) == -1)
		return -1;
	if (m->cmd == MILTER_REP_INSHEADER && m->index < ed->n)
		insert(ed, m->index, &en);
	else
		insert(ed, ed->n, &en);
	return 0;
}

/*
 * address - an address from the milter without its <>, checked as
 * qmail-queue would take it; malloc'd
 */
static char *
address(struct edit *ed, const char *a)
{
	size_t i, n = strlen(a);

	if (n >= 2 && a[0] == '<' && a[n - 1] == '>') {
		a++;
		n -= 2;
	}
	if (n > QQ_ADDR_MAX) {
		ed->err = "the milter gave an address longer than qmail-queue "
		    "takes";
		return NULL;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)a[i] < 32 || a[i] == 127) {
			ed->err = "the milter gave an address with a control "
			    "byte";
			return NULL;
		}
	return xasprintf("%.*s", (int)n, a);
}

/* rcpt_mod - + 2 - e */
static int
rcpt_mod(struct edit *ed, const struct milter_mod *m)
{
	char *a;
	size_t i, j;

	if ((a = address(ed, m->name)) == NULL)
		return -1;
	if (m->cmd == MILTER_REP_CHGFROM) {
		free(ed->sender);
		ed->sender = a;
		return 0;
	}
	if (a[0] == '\0') {
		free(a);
		ed->err = "the milter gave an empty recipient";
		return -1;
	}
	if (m->cmd == MILTER_REP_DELRCPT) {
		for (i = j = 0; i < ed->nrcpt; i++)
			if (strcmp(ed->rcpt[i], a) == 0)
				free(ed->rcpt[i]);
			else
				ed->rcpt[j++] = ed->rcpt[i];
		ed->nrcpt = j;
		free(a);
		return 0;
	}
	for (i = 0; i < ed->nrcpt; i++)
		if (strcmp(ed->rcpt[i], a) == 0) {
			free(a);
			return 0;
		}
	if (ed->nrcpt == ed->rcap) {
		ed->rcap = ed->rcap ? 2 * ed->rcap : 16;
		ed->rcpt = xreallocarray(ed->rcpt, ed->rcap, sizeof(*ed->rcpt));
	}
	ed->rcpt[ed->nrcpt++] = a;
	return 0;
}

/* env_read - the envelope into ed's sender and recipients */
static int
env_read(struct edit *ed, const char *env, size_t len)
{
	struct envelope e;
	const char *p;

	if (envelope_check(env, len, &e) != QQ_OK) {
		ed->err = "the envelope is not one qmail-queue takes";
		return -1;
	}
	ed->sender = xasprintf("%.*s", (int)e.sender_len, e.sender);
	ed->rcap = e.rcpts + 1;
	ed->rcpt = xreallocarray(NULL, ed->rcap, sizeof(*ed->rcpt));
	for (p = envelope_rcpt(&e, NULL); p != NULL; p = envelope_rcpt(&e, p))
		ed->rcpt[ed->nrcpt++] = xstrdup(p);
	return 0;
}

/* flush - write out b once it holds at least min bytes */
static int
flush(int fd, struct buf *b, size_t min)
{
	if (b->len < min || b->len == 0)
		return 0;
	if (io_write_all(fd, b->data, b->len) == -1)
		return -1;
	b->len = 0;
	return 0;
}

/*
 * emit - p[0..n) to out through b: small writes gather in b, a field
 * larger than b goes straight out
 */
static int
emit(int out, struct buf *b, const char *p, size_t n)
{
	if (n > b->limit - b->len && flush(out, b, 1) == -1)
		return -1;
	if (n > b->limit)
		return io_write_all(out, p, n);
	/* Cannot fail: the room was made above. */
	if (buf_append(b, p, n) == -1)
		return -1;
	return flush(out, b, EDIT_IO);
}

/*
 * copy - in from off to its end, after what b holds, to out; -1 when in
 * cannot be read, -2 when out cannot be written
 */
static int
copy(int in, off_t off, int out, struct buf *b)
{
	char *chunk;
	ssize_t r;
	int rc = 0;

	if (flush(out, b, 1) == -1)
		return -2;
	chunk = xmalloc(EDIT_IO);
	for (;;) {
		do
			r = pread(in, chunk, EDIT_IO, off);
		while (r == -1 && errno == EINTR);
		if (r == -1)
			rc = -1;
		if (r <= 0)
			break;
		off += r;
		if (io_write_all(out, chunk, (size_t)r) == -1) {
			rc = -2;
			break;
		}
	}
	free(chunk);
	return rc;
}

/*
 * apply_mods - the message's fields as entries (the hidden one marked),
 * then each modification in the order sent; -1 with ed->err
 */
static int
apply_mods(struct edit *ed, const struct milter_mods *mods, long hidden)
{
	struct entry en;
	size_t i;

	for (i = 0; i < ed->head->nfield; i++) {
		memset(&en, 0, sizeof(en));
		en.field = (long)i;
		en.hidden = (long)i == hidden;
		insert(ed, ed->n, &en);
	}
	for (i = 0; i < mods->n; i++) {
		switch (mods->mod[i].cmd) {
		case MILTER_REP_ADDHEADER:
		case MILTER_REP_INSHEADER:
		case MILTER_REP_CHGHEADER:
			if (header_mod(ed, &mods->mod[i]) == -1)
				return -1;
			break;
		default:
			if (rcpt_mod(ed, &mods->mod[i]) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

/*
 * write_head - the header block, each field ending in LF (a last line
 * without one gets it); then the separator, which is needed too when
 * fields now come before a body that had none.  -1: out cannot be written
 */
static int
write_head(const struct edit *ed, int out, struct buf *w)
{
	const struct milter_head *head = ed->head;
	const struct milter_field *f;
	const struct entry *x;
	size_t i;

	for (i = 0; i < ed->n; i++) {
		x = &ed->e[i];
		if (x->field >= 0) {
			f = &head->field[x->field];
			if (emit(out, w, head->block.data + f->off,
			    f->len) == -1 ||
			    (head->block.data[f->off + f->len - 1] != '\n' &&
			    emit(out, w, "\n", 1) == -1))
				return -1;
		} else if (emit(out, w, x->text, x->len) == -1)
			return -1;
	}
	if ((head->sep || (head->nfield == 0 && ed->n > 0)) &&
	    emit(out, w, "\n", 1) == -1)
		return -1;
	return 0;
}

/* write_envelope - the new envelope into b; -1 past b's limit */
static int
write_envelope(const struct edit *ed, struct buf *b)
{
	size_t i;

	if (buf_append(b, "F", 1) == -1 ||
	    buf_append(b, ed->sender, strlen(ed->sender) + 1) == -1)
		return -1;
	for (i = 0; i < ed->nrcpt; i++)
		if (buf_append(b, "T", 1) == -1 ||
		    buf_append(b, ed->rcpt[i], strlen(ed->rcpt[i]) + 1) == -1)
			return -1;
	return buf_append(b, "", 1);
}

int
milter_edit_apply(int in, const struct milter_mods *mods, int body_fd,
    int hide_received, const char *env, size_t envlen, int out,
    struct buf *newenv, size_t *nrcpts, const char **err)
{
	struct milter_head head;
	struct edit ed;
	struct buf w;
	size_t i;
	int rc = -1;

	memset(&ed, 0, sizeof(ed));
	milter_head_init(&head);
	buf_init(&w, 2 * EDIT_IO);
	ed.head = &head;
	ed.leadspc = mods->leadspc;
	if (milter_head_read(in, &head, &ed.err) == -1 ||
	    env_read(&ed, env, envlen) == -1 ||
	    apply_mods(&ed, mods, milter_head_hidden(&head,
	    hide_received)) == -1)
		goto done;
	if (write_head(&ed, out, &w) == -1)
		rc = -2;
	else if (mods->body && body_fd != -1)
		rc = copy(body_fd, 0, out, &w);
	else
		rc = copy(in, head.body_off, out, &w);
	if (rc == -1)
		ed.err = "cannot read the message";
	else if (rc == -2)
		ed.err = "cannot write the new message";
	else if (write_envelope(&ed, newenv) == -1) {
		ed.err = "the new envelope is longer than hi-q takes";
		rc = -1;
	} else
		*nrcpts = ed.nrcpt;
done:
	if (rc != 0) {
		*err = ed.err;
		rc = -1;
	}
	for (i = 0; i < ed.n; i++)
		free(ed.e[i].text);
	free(ed.e);
	free(ed.sender);
	for (i = 0; i < ed.nrcpt; i++)
		free(ed.rcpt[i]);
	free(ed.rcpt);
	buf_free(&w);
	milter_head_free(&head);
	return rc;
}
