/*
 * xalloc.h - allocation that never returns NULL
 *
 * DESCRIPTION
 *	Every allocation in hi-q goes through these.  When memory runs out
 *	they call die(QQ_OOM), as qmail-queue does: the caller answers 451
 *	"qq out of memory" and the client tries again later.  This is the one
 *	place where a module may end the process.
 */
#ifndef HIQ_XALLOC_H
#define HIQ_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list)
	    __attribute__((format(printf, 1, 0)));
void	 die_oom(void) __attribute__((noreturn));

#endif /* HIQ_XALLOC_H */
