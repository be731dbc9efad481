/*
 * xalloc.h - allocation that never returns NULL
 *
 * DESCRIPTION
 *	Every allocation goes through these.  When memory runs out they call
 *	die() with the program's own code for it, msg_oom() (msg.h): hi-q
 *	exits 51 as qmail-queue does, so the caller answers 451 "qq out of
 *	memory" and the client tries again later; pido and hi-q-report exit
 *	111, as their pages promise.  This is the one place where a module
 *	may end the process.
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
