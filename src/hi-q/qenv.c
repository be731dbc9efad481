/*
 * qenv.c - the environment of a stage that sees the envelope
 *
 * DESCRIPTION
 *	See qenv.h.
 *
 * ERRORS
 *	See qenv.h.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "qenv.h"
#include "xalloc.h"

/* The names qenv_make() sets or unsets, taken out of the base first. */
static const char *const names[] = {
	"QMAILUSER", "QMAILHOST", "QMAILRCPTS", "NUMRCPTS", "MSGSIZE",
	"ENVSIZE", "QMAILPPID", "HIQ_RCPT", "QMAILNAME"
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

static int	 ours(const char *);
static void	 add(struct qenv *, const char *, const char *, size_t);

/* ours - is the "NAME=VALUE" string s one of names[]? */
static int
ours(const char *s)
{
	size_t i, n;

	for (i = 0; i < NNAMES; i++) {
		n = strlen(names[i]);
		if (strncmp(s, names[i], n) == 0 && s[n] == '=')
			return 1;
	}
	return 0;
}

/* add - "name=" and len bytes of value, as the next variable */
static void
add(struct qenv *qe, const char *name, const char *value, size_t len)
{
	char *v;
	size_t n = strlen(name);

	v = xmalloc(n + 1 + len + 1);
	memcpy(v, name, n);
	v[n] = '=';
	memcpy(v + n + 1, value, len);
	v[n + 1 + len] = '\0';
	qe->vars[qe->nvars++] = v;
}

int
qenv_make(struct qenv *qe, char *const base[], const struct envelope *e,
    unsigned long long msgsize, pid_t ppid, char **why)
{
	const char *at, *r, *one = NULL;
	char *rcpts, num[32];
	size_t i, n, len, total = 0;

	memset(qe, 0, sizeof(*qe));
	*why = NULL;
	for (r = envelope_rcpt(e, NULL); r != NULL; r = envelope_rcpt(e, r)) {
		total += strlen(r) + 1;
		one = r;
	}
	if (total > QENV_VALUE_MAX) {
		*why = xasprintf("QMAILRCPTS would hold %zu bytes, more than "
		    "the %u an environment value may hold", total,
		    QENV_VALUE_MAX);
		return -1;
	}
	at = e->sender_len > 0 ? memrchr(e->sender, '@', e->sender_len) :
	    NULL;
	len = at != NULL ? (size_t)(at - e->sender) : e->sender_len;
	add(qe, "QMAILUSER", e->sender, len);
	add(qe, "QMAILHOST", at != NULL ? at + 1 : "", at != NULL ?
	    e->sender_len - len - 1 : 0);
	rcpts = xmalloc(total + 1);
	len = 0;
	for (r = envelope_rcpt(e, NULL); r != NULL; r = envelope_rcpt(e, r)) {
		n = strlen(r);
		memcpy(rcpts + len, r, n);
		rcpts[len + n] = '\n';
		len += n + 1;
	}
	add(qe, "QMAILRCPTS", rcpts, len);
	free(rcpts);
	(void)snprintf(num, sizeof(num), "%zu", e->rcpts);
	add(qe, "NUMRCPTS", num, strlen(num));
	(void)snprintf(num, sizeof(num), "%llu", msgsize);
	add(qe, "MSGSIZE", num, strlen(num));
	(void)snprintf(num, sizeof(num), "%zu", e->used);
	add(qe, "ENVSIZE", num, strlen(num));
	(void)snprintf(num, sizeof(num), "%ld", (long)ppid);
	add(qe, "QMAILPPID", num, strlen(num));
	if (e->rcpts == 1)
		add(qe, "HIQ_RCPT", one, strlen(one));

	for (n = 0; base[n] != NULL; n++)
		continue;
	qe->env = xcalloc(n + qe->nvars + 1, sizeof(*qe->env));
	for (i = len = 0; i < n; i++)
		if (!ours(base[i]))
			qe->env[len++] = base[i];
	for (i = 0; i < qe->nvars; i++)
		qe->env[len++] = qe->vars[i];
	qe->env[len] = NULL;
	return 0;
}

void
qenv_free(struct qenv *qe)
{
	size_t i;

	for (i = 0; i < qe->nvars; i++)
		free(qe->vars[i]);
	free(qe->env);
	memset(qe, 0, sizeof(*qe));
}
