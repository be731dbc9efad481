/*
 * zone_ref.c - the zone's pass-through rule, written the slow, obvious way
 *
 * DESCRIPTION
 *	See zone_ref.h.  The block is cut into lines first (a last line
 *	without its LF included); a line that starts with the name, any
 *	case, and a colon opens a field, and the lines after it that start
 *	with a space or a tab are its continuation, each joined with one
 *	space.  The reasons are the words of zone.h.  As zone_judge(), it
 *	reads the score from the value up to its first NUL, if it has one.
 *
 * ERRORS
 *	See zone_ref.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"
#include "zone.h"
#include "zone_ref.h"

struct ref_line {
	const char	*p;
	size_t		 len;		/* without its LF */
};

struct ref_value {
	char		*p;		/* malloc'd, NUL-terminated */
	size_t		 len;
};

static size_t	ref_lines(const struct buf *, struct ref_line **);
static size_t	ref_values(const struct buf *, const char *,
		    struct ref_value **);
static void	ref_free(struct ref_value *, size_t);

/* ref_lines - the lines of b, in order */
static size_t
ref_lines(const struct buf *b, struct ref_line **out)
{
	struct ref_line *l;
	size_t n = 0, start = 0, i;

	l = xreallocarray(NULL, b->len + 1, sizeof(*l));
	for (i = 0; i <= b->len; i++) {
		if (i < b->len && b->data[i] != '\n')
			continue;
		if (i == b->len && start == b->len)
			break;		/* nothing after the last LF */
		l[n].p = b->data + start;
		l[n].len = i - start;
		n++;
		start = i + 1;
	}
	*out = l;
	return n;
}

/* ref_values - the unfolded value of every field called name in b */
static size_t
ref_values(const struct buf *b, const char *name, struct ref_value **out)
{
	struct ref_line *l;
	struct ref_value *v;
	size_t nl, nv = 0, nlen = strlen(name), i, k, len;
	char *s;

	nl = ref_lines(b, &l);
	v = xreallocarray(NULL, nl + 1, sizeof(*v));
	for (i = 0; i < nl; i++) {
		if (l[i].len <= nlen || l[i].p[nlen] != ':' ||
		    strncasecmp(l[i].p, name, nlen) != 0)
			continue;
		len = l[i].len - nlen - 1;
		for (k = i + 1; k < nl && l[k].len > 0 &&
		    (l[k].p[0] == ' ' || l[k].p[0] == '\t'); k++)
			len += 1 + l[k].len;
		s = xmalloc(len + 1);
		v[nv].p = s;
		v[nv].len = len;
		memcpy(s, l[i].p + nlen + 1, l[i].len - nlen - 1);
		s += l[i].len - nlen - 1;
		for (k = i + 1; k < nl && l[k].len > 0 &&
		    (l[k].p[0] == ' ' || l[k].p[0] == '\t'); k++) {
			*s++ = ' ';
			memcpy(s, l[k].p, l[k].len);
			s += l[k].len;
		}
		*s = '\0';
		nv++;
		i = k - 1;
	}
	free(l);
	*out = v;
	return nv;
}

static void
ref_free(struct ref_value *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].p);
	free(v);
}

char *
zone_ref_reason(const struct zone_tap *out, const struct zone_tap *in,
    const char *name, int *have_score, double *score, double *required)
{
	struct ref_value *ov, *iv = NULL;
	size_t no, ni = 0, i, j;
	int count = 0, passed = 0, found;
	const struct ref_value *first = NULL;
	char *why = NULL;

	*have_score = 0;
	if (out->overflow || (!out->done && out->head.len == 0))
		return xasprintf("no message header block in the output");
	no = ref_values(&out->head, name, &ov);
	if (in != NULL)
		ni = ref_values(&in->head, name, &iv);
	for (i = 0; i < no; i++) {
		found = 0;
		for (j = 0; j < ni; j++)
			if (ov[i].len == iv[j].len &&
			    memcmp(ov[i].p, iv[j].p, ov[i].len) == 0)
				found = 1;
		if (found)
			passed++;
		else if (count++ == 0)
			first = &ov[i];
	}
	if (count == 0 && passed > 0)
		why = xasprintf("no %s header of its own, only its input's",
		    name);
	else if (count == 0)
		why = xasprintf("no %s header", name);
	else if (count > 1)
		why = xasprintf("%d %s headers", count, name);
	else if (zone_parse_status(first->p, strlen(first->p), score,
	    required) == -1)
		why = xasprintf("no plain decimal score= and required= in %s",
		    name);
	else
		*have_score = 1;
	ref_free(ov, no);
	if (in != NULL)
		ref_free(iv, ni);
	return why;
}
