/*
 * io.h - reads and writes that survive EINTR
 *
 * DESCRIPTION
 *	io_read() is read(2) retried on EINTR.  io_write_all() writes every
 *	byte or fails.  io_set_nonblock() sets O_NONBLOCK on a descriptor that
 *	hi-q alone uses; io_clear_nonblock() clears it.  io_cloexec_all()
 *	marks every descriptor from lowfd up close-on-exec, so nothing hi-q
 *	was given leaks into a stage.  io_pipe() makes a close-on-exec pipe of
 *	a given size where it can.
 */
#ifndef HIQ_IO_H
#define HIQ_IO_H

#include <sys/types.h>

ssize_t	io_read(int, void *, size_t);
int	io_write_all(int, const void *, size_t);
int	io_set_nonblock(int);
int	io_clear_nonblock(int);
int	io_cloexec_all(int);
int	io_pipe(int [2], unsigned);

#endif /* HIQ_IO_H */
