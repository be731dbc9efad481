# shellcheck shell=sh
# tests/lib/common.sh - what every test helper needs, written once: waiting
# for a condition, telling whether a process has gone, finding a free port
# and stopping a server by its PID.  Sourced (tests/e2e/lib.sh sources it
# for the tests, demo/run itself), not run.
#
#   poll SECONDS CMD...   run CMD until it succeeds; 1 at the limit
#   pid_gone PID          true once PID has exited (a zombie has: it only
#                         waits for its parent)
#   alive PID             true while PID has not exited
#   free_port             print a TCP port of 127.0.0.1 the kernel just
#                         handed out and nobody listens on
#   stop_pid PID NAME     SIGTERM, up to 20 s, then SIGKILL; true once gone
#   mount_prop            the --propagation for "unshare --mount": private,
#                         or unchanged where "/" cannot be made private
#   readme_host_steps README
#                         the commands of README's "On a qmail host", one a
#                         line, as the README writes them
#
# Nothing here sleeps to synchronise: poll looks at a condition ten times a
# second.  The functions work under "set -e" as well as without it.

# poll SECONDS CMD... - run CMD until it succeeds, for at most SECONDS
poll() {
	_cm_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$_cm_end" ] || return 1
		sleep 0.1
	done
}

# pid_gone PID - has PID exited?
pid_gone() {
	_cm_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
	    "/proc/$1/status" 2>/dev/null)
	[ -z "$_cm_st" ] || [ "$_cm_st" = Z ]
}

# alive PID - has PID not exited yet?
alive() {
	! pid_gone "$1"
}

# free_port - another program could take the port before the caller does;
# the server that gets it then fails to start, loudly
free_port() {
	perl -MIO::Socket::INET -e '
	    my $s = IO::Socket::INET->new(Listen => 1, Proto => "tcp",
	        LocalAddr => "127.0.0.1", LocalPort => 0) or die "$!\n";
	    print $s->sockport, "\n";'
}

# stop_pid PID NAME - stop PID, named NAME in the warning if it resists
stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || :
	poll 20 pid_gone "$1" && return 0
	echo "tests: $2 (pid $1) ignored SIGTERM; killing it" >&2
	kill -KILL "$1" 2>/dev/null || :
	poll 5 pid_gone "$1"
}

# mount_prop - "private" for unshare --mount, so that what a test mounts
# is seen by no one else; "unchanged" where / is no mount point and cannot
# be made private: in a chroot such as tests/fresh-root's, whose own mount
# namespace is private already, so nothing leaves it either way
mount_prop() {
	if unshare --mount --propagation private true 2>/dev/null; then
		echo private
	else
		echo unchanged
	fi
}

# readme_host_steps README - the commands of README's "On a qmail host": its
# first block of indented lines, without the indent; tests/e2e/install.sh
# and tests/fresh-root follow them as written
readme_host_steps() {
	sed -n '/^## On a qmail host$/,/^## [^O]/p' "$1" |
	    awk '/^    / { b = 1; print substr($0, 5); next } b { exit }'
}
