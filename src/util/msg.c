/*
 * msg.c - diagnostics, die(), and the one cleanup
 *
 * DESCRIPTION
 *	See msg.h.  Every message is formatted in memory first and written
 *	with a single write(2), so a line is never split by another writer.
 *
 * ERRORS
 *	See msg.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "io.h"
#include "msg.h"

static const char *prog;
static int oom = MSG_OOM_DEFAULT;
static void (*cleanup)(void);

static void	vmsg(const char *, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

void
msg_setup(const char *name, int oom_code)
{
	prog = name;
	oom = oom_code;
}

/* msg_prog - the program's name: msg_setup()'s, else the one it ran by */
const char *
msg_prog(void)
{
	return prog != NULL ? prog : program_invocation_short_name;
}

int
msg_oom(void)
{
	return oom;
}

void
msg_cleanup(void (*fn)(void))
{
	cleanup = fn;
}

/*
 * vmsg - "prog: level: text[: strerror]\n" in one write; without a level,
 * "prog: text[: strerror]\n"
 *
 *	err is the errno to append, or 0.  Out of memory, the line says so
 *	from a buffer of its own instead.
 */
static void
vmsg(const char *level, int err, const char *fmt, va_list ap)
{
	char *text, *line, fallback[128];
	int rc;

	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	if (text == NULL)
		rc = -1;
	else if (level != NULL && err != 0)
		rc = asprintf(&line, "%s: %s: %s: %s\n", msg_prog(), level,
		    text, strerror(err));
	else if (level != NULL)
		rc = asprintf(&line, "%s: %s: %s\n", msg_prog(), level, text);
	else if (err != 0)
		rc = asprintf(&line, "%s: %s: %s\n", msg_prog(), text,
		    strerror(err));
	else
		rc = asprintf(&line, "%s: %s\n", msg_prog(), text);
	if (rc < 0) {
		line = NULL;
		(void)snprintf(fallback, sizeof(fallback),
		    "%s: out of memory\n", msg_prog());
	}
	if (line != NULL)
		(void)io_write_all(2, line, strlen(line));
	else
		(void)io_write_all(2, fallback, strlen(fallback));
	free(text);
	free(line);
}

/*
 * msg_say - a line at level (NULL: none), with strerror(errno) when sys;
 * errno is kept
 */
void
msg_say(const char *level, int sys, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vmsg(level, sys ? saved : 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

/*
 * msg_die - the fatal line, with strerror(errno) when sys; then the
 * cleanup, once, and _exit(code)
 */
void
msg_die(int code, int sys, const char *fmt, ...)
{
	void (*fn)(void) = cleanup;
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vmsg("fatal", sys ? saved : 0, fmt, ap);
	va_end(ap);
	cleanup = NULL;		/* a cleanup that dies must not loop */
	if (fn != NULL)
		fn();
	_exit(code);
}

/*
 * msg_visible - s as a diagnostic may print it, malloc'd
 *
 *	Words from a file or a command line can hold bytes that a terminal
 *	hides or acts on (a byte order mark, an escape sequence): each of
 *	them shows as \xHH instead, and so does a backslash, so that \xHH
 *	always means a byte.
 */
char *
msg_visible(const char *s)
{
	struct buf b;
	size_t n = strlen(s);
	char nul = '\0';

	buf_init(&b, 4 * n + 1);	/* room for the worst: all \xHH */
	(void)buf_append_visible(&b, s, n, "");
	(void)buf_append(&b, &nul, 1);
	return b.data;
}
