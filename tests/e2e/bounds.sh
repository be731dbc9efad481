# shellcheck shell=sh source-path=SCRIPTDIR/../..
# bounds.sh - every wait of hi-q's ends.  A stage that left the stages'
# process group (setsid) is stopped by its own pid, at the message's
# deadline and on SIGTERM to hi-q; a stage that hi-q may not signal (a
# setuid helper changed its real uid) is named and left behind, and hi-q
# exits 71 all the same; a reply channel that is full and unread gives the
# plain code; a child that holds a stage's output open is named in the
# reason.  A wait without end must fail the test, not hang it: each hi-q
# runs under timeout(1), which ends it with 124 or 137 instead.
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"
GUARD="timeout -k 10 30"
# Two uids no process runs as: hi-q's, and the one its stage changes to.
HIQ_UID=42430
STAGE_UID=42431

# The long-lived processes run a copy of sleep whose path names $TMP.
cp /bin/sleep "$TMP/sleep"
printf 'Subject: x\n\nhi\n' >"$TMP/msg"
envelope a@example.org b@example.com >"$TMP/env"
mkfifo "$TMP/fifo"
# Stages running as other users write their pids here.
mkdir "$TMP/pids"
chmod 1777 "$TMP/pids"
chmod 711 "$TMP"
chmod 644 "$TMP/msg" "$TMP/env"

# A first stage that says its pid, then passes the message on.
ONE="/bin/sh -c 'echo \$\$ >$TMP/pids/one; exec cat'"
# A second stage that leaves the group, reads all, then never ends.
SETSID="/usr/bin/setsid /bin/sh -c 'echo \$\$ >$TMP/pids/two; cat; exec $TMP/sleep 100000'"

# upload [SIG] [AS...] - hi-q (as AS..., if given) on a message that comes
# through $TMP/fifo; once stage two has written its pid, SIG (if not "-")
# goes to hi-q, and once hi-q has stopped stage one (which reads until the
# message ends: it must not end first), the message ends.  Stage two's pid
# is kept for lib.sh's cleanup.  Prints hi-q's exit.
upload() {
	_sig=${1:--}
	[ $# -gt 0 ] && shift
	rm -f "$TMP/pids/one" "$TMP/pids/two"
	$GUARD "$@" "$HIQ" -c "$TMP/filters.conf" <"$TMP/fifo" 1<"$TMP/env" \
	    2>"$TMP/stderr" &
	_p=$!
	exec 3>"$TMP/fifo"
	cat "$TMP/msg" >&3
	poll 20 test -s "$TMP/pids/two" || echo "stage two never started"
	poll 20 test -s "$TMP/pids/one" || echo "stage one never started"
	PIDS="$PIDS $(cat "$TMP/pids/two")"
	if [ "$_sig" != - ]; then
		kill -s "$_sig" "$_p"
		poll 20 pid_gone "$(cat "$TMP/pids/one")" ||
		    echo "stage one still runs"
	fi
	exec 3>&-
	wait "$_p"
	echo "exit $?"
}

echo "--- a second stage that left the group: killed by its pid at the deadline"
conf <<EOF
timeout 2
stage one $ONE
stage two $SETSID
EOF
upload
mask <"$TMP/stderr"
queued
echo "stage two: $(gone "$TMP/pids/two")"

echo "--- the same, under timeout 2 (SIGTERM to hi-q): 71, the stage killed"
conf <<EOF
stage one $ONE
stage two $SETSID
EOF
rm -f "$TMP/pids/two"
$GUARD timeout --preserve-status 2 "$HIQ" -c "$TMP/filters.conf" \
    <"$TMP/msg" 1<"$TMP/env" 2>"$TMP/stderr"
echo "exit $?"
[ -s "$TMP/pids/two" ] && PIDS="$PIDS $(cat "$TMP/pids/two")"
mask <"$TMP/stderr"
queued
echo "stage two: $(gone "$TMP/pids/two")"

# How much hi-q had read when the signal came is a race: the sender,
# recipients and bytes are left out of the line.
nobytes() {
	mask | sed 's/ from=[^ ]* rcpts=[0-9]* bytes=[0-9]*//'
}

echo "--- SIGTERM to hi-q while that stage runs: 71, the stage killed"
upload TERM
nobytes <"$TMP/stderr"
queued
echo "stage two: $(gone "$TMP/pids/two")"

# A copy of setpriv, setuid root: as a helper such as sudo, it lets the
# stage change its real uid, and then hi-q, which runs as a user of its
# own, may not signal it (kill() fails with EPERM).
cp /usr/bin/setpriv "$TMP/setpriv"
chmod 4755 "$TMP/setpriv"
conf <<EOF
timeout 2
stage one $ONE
stage two $TMP/setpriv --reuid=$STAGE_UID --regid=$STAGE_UID --clear-groups /bin/sh -c 'echo \$\$ >$TMP/pids/two; cat; exec $TMP/sleep 100000'
EOF
chmod 644 "$TMP/filters.conf"
AS_HIQ="setpriv --reuid=$HIQ_UID --regid=$HIQ_UID --clear-groups"

# unkillable - stage two is still there, running as the other user; it is
# killed here, as root
unkillable() {
	_two=$(cat "$TMP/pids/two")
	echo "stage two runs as $(ps -o ruid= -p "$_two" | tr -d ' '), after hi-q"
	kill -KILL "$_two"
	echo "stage two, killed by root: $(gone "$TMP/pids/two")"
}

echo "--- a stage hi-q may not signal: named, left behind, 71 at the deadline"
# shellcheck disable=SC2086 # AS_HIQ is a command line
upload - $AS_HIQ
mask <"$TMP/stderr"
queued
unkillable

echo "--- the same stage, and SIGTERM to hi-q: named, left behind, 71"
# shellcheck disable=SC2086 # AS_HIQ is a command line
upload TERM $AS_HIQ
nobytes <"$TMP/stderr"
queued
unkillable

echo "--- a reply channel that is full and unread: the plain code, a warning"
conf <<EOF
stage one /bin/sh -c 'cat >/dev/null; exit 1'
    on 1 red "no thanks (#5.7.1)"
EOF
$GUARD "$CALLER" -F "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" \
    2>"$TMP/stderr"
echo "exit $?"
mask <"$TMP/stderr"
queued

echo "--- a child that holds a stage's output open is named in the reason"
conf <<EOF
timeout 2
stage one /bin/sh -c '$TMP/sleep 100000 & echo \$! >$TMP/pids/child; exec cat'
EOF
$GUARD "$HIQ" -c "$TMP/filters.conf" <"$TMP/msg" 1<"$TMP/env" \
    2>"$TMP/stderr"
echo "exit $?"
mask <"$TMP/stderr"
queued
echo "the child: $(gone "$TMP/pids/child")"
