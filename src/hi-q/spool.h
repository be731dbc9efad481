/*
 * spool.h - the file a message waits in until its verdict
 *
 * DESCRIPTION
 *	hi-q does not start qmail-queue until every stage has been judged, so
 *	the pipeline's output has to wait somewhere.  spool_open(dir) makes
 *	that place: a file in dir that has no name, opened for reading and
 *	writing.  It is never fsynced (qmail-queue makes the copy that must
 *	survive a crash) and it vanishes with its last descriptor, so nothing
 *	is left behind when hi-q dies, however it dies.  Its pages live in
 *	the page cache, not in hi-q's memory: a message of any size costs
 *	hi-q the same.
 *
 *	Where the filesystem knows O_TMPFILE (ext4, xfs, btrfs, tmpfs), the
 *	file never has a name.  Elsewhere spool_open_named() is used: a file
 *	made with O_EXCL under a fresh name and unlinked at once, which leaves
 *	a name behind only if hi-q dies between those two calls.
 *
 *	spool_rewind(fd) sets the offset back to the start, for the reader:
 *	qmail-queue gets the descriptor itself as its fd 0.
 *
 *	spool_reopen(fd) opens the same file again for reading, with an
 *	offset of its own at the start (through /proc/self/fd), so that a
 *	reader that seeks, such as a qfilter, cannot move hi-q's; where
 *	/proc is not mounted it is a copy of fd, rewound, whose offset the
 *	run rewinds again before each use.
 *
 * ERRORS
 *	Each returns -1 with errno set: ENOENT, EACCES, ENOSPC, EDQUOT ...
 *	from open(2), unlink(2) or lseek(2).  hi-q answers a spool it cannot
 *	make or write with a tempfail, and logs why.
 */
#ifndef HIQ_SPOOL_H
#define HIQ_SPOOL_H

#define SPOOL_DIR	"/tmp"		/* the default; "spool" directive */

int	spool_open(const char *);
int	spool_open_named(const char *);
int	spool_rewind(int);
int	spool_reopen(int);

#endif /* HIQ_SPOOL_H */
