/*
 * signame.h - a signal named by the user: "TERM", "SIGTERM" or "15"
 *
 * DESCRIPTION
 *	signame_parse(text, &sig) reads a signal name, with or without its
 *	"SIG" and in any case, or a number below NSIG.
 *
 * ERRORS
 *	EINVAL for anything else; errno is kept intact on success.
 */
#ifndef HIQ_SIGNAME_H
#define HIQ_SIGNAME_H

int	signame_parse(const char *, int *);

#endif /* HIQ_SIGNAME_H */
