/*
 * procfd.h - which process holds a pipe open, found through /proc
 *
 * DESCRIPTION
 *	procfd_pipe_writer(ino, skip) looks through the descriptors of
 *	every process this one may read (/proc/PID/fd: its own user's, or
 *	all of them for root) for one open for writing on the pipe whose
 *	inode is ino, and returns the first such PID that is not skip.
 *	procfd_name(pid) is that process's command name (/proc/PID/comm),
 *	with anything but letters, digits and ".-_+" shown as "?", malloc'd.
 *
 *	Only for a fault path, to name who kept a pipe open: the scan reads
 *	every process's descriptors, and what it finds may be gone, or its
 *	pid reused, a moment later, so the answer is for a log line only,
 *	never a process to signal.
 *
 * ERRORS
 *	procfd_pipe_writer() returns 0 when it finds none, /proc
 *	included; processes it may not read are passed over.
 *	procfd_name() returns NULL, errno set, when the name cannot be read
 *	(the process is gone); out of memory: die(QQ_OOM).
 */
#ifndef HIQ_PROCFD_H
#define HIQ_PROCFD_H

#include <sys/types.h>

pid_t	 procfd_pipe_writer(ino_t, pid_t);
char	*procfd_name(pid_t);

#endif /* HIQ_PROCFD_H */
