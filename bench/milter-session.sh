#!/bin/sh
# shellcheck shell=sh source-path=SCRIPTDIR/..
# bench/milter-session.sh - what one milter session costs hi-q's side: CPU
# (user and system) and wall time per message of tests/tools/milter-probe (one
# session per message, the message read from a file, nothing spawned)
# against the trivial test
# milter (tests/milters/modify.py quiet: every step taken, nothing
# changed, accept), for a 4 KB and a 1 MB message.  The milter's own CPU is
# shown beside it.  Numbers are printed, never asserted.
#
#   sh bench/milter-session.sh [COUNT]     (COUNT sessions each, 500)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/common.sh"
. "$top/tests/lib/servers.sh"
count=${1:-500}
tmp=$(mktemp -d /tmp/hiq-bench-milter.XXXXXX)
trap 'srv_stop_all; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
make -C "$top" -s tests/tools/milter-probe

# message BYTES - a message of about BYTES bytes, in 72-byte lines
message() {
	printf 'Received: from client.example (HELO client.example) '
	printf '(192.0.2.1)\n  by mx.example.com with SMTP; 1 Jan 2026\n'
	printf 'From: a@example.org\nTo: b@example.com\nSubject: bench\n\n'
	yes 'The quick brown fox jumps over the lazy dog, again and again....' |
	    head -c "$1"
}
message 4096 >"$tmp/4k"
message 1048576 >"$tmp/1m"
printf 'Fa@example.org\0Tb@example.com\0\0' >"$tmp/env"

pymilter_start "$tmp/milter" "$top/tests/milters/modify.py" /dev/null quiet
spec="inet:$MILTER_PORT@127.0.0.1"

# ticks PID - user + system clock ticks PID has used so far
ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

hz=$(getconf CLK_TCK)
printf '%-6s %8s %12s %12s %12s %12s\n' size count probe-user probe-sys \
    wall milter-cpu
for size in 4k 1m; do
	m0=$(ticks "$MILTER_PID")
	t0=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$tmp/time" env TCPREMOTEIP=192.0.2.1 \
	    "$top/tests/tools/milter-probe" -q -H -n "$count" "$spec" \
	    "$tmp/$size" "$tmp/env"
	t1=$(date +%s%N)
	m1=$(ticks "$MILTER_PID")
	awk -v n="$count" -v w="$((t1 - t0))" -v m="$((m1 - m0))" \
	    -v hz="$hz" -v s="$size" '{
	    printf "%-6s %8d %9.1f us %9.1f us %9.1f us %9.1f us\n", s, n,
	        $1 * 1e6 / n, $2 * 1e6 / n, w / 1e3 / n, m * 1e6 / hz / n }' \
	    "$tmp/time"
done
