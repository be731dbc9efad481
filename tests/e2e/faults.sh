# shellcheck shell=sh
# faults.sh - hi-q when the system fails under it: the queue's disk full
# (a small tmpfs in a private mount namespace), no descriptors left
# (ulimit -n), no processes left (RLIMIT_NPROC, as a user of its own), and
# a caller that dies mid-message.  Each must end in a temporary code
# (4xx), with nothing queued, nothing half-written left in the queue and
# no process of the message left running.  Signals to hi-q in each phase
# are in signals.sh.
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"
# A uid no process runs as: RLIMIT_NPROC counts every process of it.  It
# runs the caller, hi-q and the sink: copies it can reach.
NPROC_UID=42424
own_copies

# The stages are copies of cat whose path names $TMP, so that a stage left
# running would be found by left_running.
cp /bin/cat "$TMP/cat"
head -c 1000000 /dev/zero | tr '\0' x >"$TMP/big"
envelope a@example.org b@example.com >"$TMP/env"
chmod 711 "$TMP"
chmod 644 "$TMP/big" "$TMP/env"
conf <<EOF
stage one $TMP/cat
stage two $TMP/cat
check three $TMP/cat
EOF

# left_running - processes whose command line names $TMP (stages, sinks)
left_running() {
	_n=$(ps -e -o args= | awk -v t="$TMP" 'index($0, t) && !/awk/' |
	    wc -l)
	echo "left running: $_n"
}

# in_queue DIR - committed and half-written messages under DIR
in_queue() {
	_n=$(find "$1/new" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	_t=$(find "$1/tmp" -mindepth 1 2>/dev/null | wc -l)
	echo "queued $_n, left in tmp $_t"
}

# reply - the reply line of qq-caller's output, and only that
reply() {
	sed -n 's/^reply: //p'
}

echo "--- disk full under the queue: 451, nothing queued, nothing left"
mkdir "$Q"
# The queue directory is a 64 KiB tmpfs, seen only by this one command.
# In a chroot (tests/fresh-root) "/" is no mount point and cannot be made
# private: there the mounts keep their propagation, and the tmpfs is
# unmounted before the command ends, wherever it propagated.
# shellcheck disable=SC2016 # expanded by that shell
unshare --mount --propagation "$(mount_prop)" sh -c '
	mount -t tmpfs -o size=64k tmpfs "$1" || exit 1
	"$2" "$3" "$4" "$5" -c "$6" 2>"$7"
	find "$1/new" -mindepth 1 -maxdepth 1 | wc -l | sed "s/^/queued /"
	find "$1/tmp" -mindepth 1 | wc -l | sed "s/^/left in tmp /"
	umount "$1"
' sh "$Q" "$CALLER" "$TMP/big" "$TMP/env" "$HIQ" "$TMP/filters.conf" \
    "$TMP/stderr" | sed 's/^write: .*//; /^$/d'
grep -o 'No space left on device' "$TMP/stderr"
mask <"$TMP/stderr" | sed -n 's/.*\(verdict=[a-z]*\) \(code=[0-9]*\).*/\1 \2/p'
left_running

echo "--- no descriptors left (ulimit -n 3 to 12): 451 each, nothing queued"
for n in 3 4 5 6 7 8 9 10 11 12; do
	"$CALLER" "$TMP/big" "$TMP/env" /bin/sh -c \
	    "ulimit -n $n; exec \"\$0\" -c \"\$1\"" \
	    "$HIQ" "$TMP/filters.conf" 2>/dev/null | reply
done | sed 's/ .*//' | sort | uniq -c | sed 's/^ *//'
in_queue "$Q"
left_running

echo "--- with descriptors enough (ulimit -n 64) the same message is queued"
# shellcheck disable=SC2016 # expanded by that shell
"$CALLER" "$TMP/big" "$TMP/env" /bin/sh -c 'ulimit -n 64; exec "$0" -c "$1"' \
    "$HIQ" "$TMP/filters.conf" 2>/dev/null | reply
in_queue "$Q"
rm -rf "$Q"

echo "--- no processes left (RLIMIT_NPROC 1 to 4): 451 each, nothing queued"
# As a user of its own: root is not held to RLIMIT_NPROC.  The caller,
# hi-q and the three stages make five processes: the stages have all
# exited before qmail-queue starts, so five are enough.
mkdir "$Q"
chown "$NPROC_UID" "$Q"
chmod 644 "$TMP/filters.conf"
: >"$TMP/warnings"
for n in 1 2 3 4; do
	setpriv --reuid="$NPROC_UID" --regid="$NPROC_UID" --clear-groups \
	    "$CALLER" "$TMP/big" "$TMP/env" /usr/bin/prlimit \
	    --nproc="$n:$n" "$HIQ" -c "$TMP/filters.conf" \
	    2>>"$TMP/warnings" | reply
done | sed 's/ .*//' | sort | uniq -c | sed 's/^ *//'
echo "\"unable to run\" warnings: $(grep -c \
    '^hi-q: warning: unable to run .*: Resource temporarily unavailable$' \
    "$TMP/warnings")"
in_queue "$Q"
left_running

echo "--- with processes enough (RLIMIT_NPROC 16) the same message is queued"
setpriv --reuid="$NPROC_UID" --regid="$NPROC_UID" --clear-groups \
    "$CALLER" "$TMP/big" "$TMP/env" /usr/bin/prlimit --nproc=16:16 \
    "$HIQ" -c "$TMP/filters.conf" 2>/dev/null | reply
in_queue "$Q"
rm -rf "$Q"

# die_at WHAT - a caller that is killed (SIGKILL) after writing WHAT:
# "upload" half the message, "message" all of it but no envelope,
# "envelope" half the envelope.  hi-q's exit code is caught by a shell
# that is not the caller.
die_at() {
	rm -f "$TMP/m.fifo" "$TMP/e.fifo" "$TMP/rc"
	mkfifo "$TMP/m.fifo" "$TMP/e.fifo"
	sh -c '"$0" -c "$1" <"$2" 1<"$3" 2>/dev/null; echo "$?" >"$4"' \
	    "$HIQ" "$TMP/filters.conf" "$TMP/m.fifo" "$TMP/e.fifo" \
	    "$TMP/rc" &
	_waiter=$!
	# The shell that waits for it says "Killed": not here.
	(sh -c '
		exec 3>"$1" 4>"$2"
		case $3 in
		upload) head -c 500000 "$4" >&3 ;;
		message) cat "$4" >&3 ;;
		envelope) cat "$4" >&3; printf "Fa@example.org\0Tb@ex" >&4 ;;
		esac
		kill -9 $$
	' caller "$TMP/m.fifo" "$TMP/e.fifo" "$1" "$TMP/big"; :) 2>/dev/null
	wait "$_waiter"
	echo "hi-q exit $(cat "$TMP/rc")"
}

for at in upload message envelope; do
	echo "--- the caller dies during the $at: 54, nothing queued"
	die_at "$at"
	queued
	left_running
done
