# shellcheck shell=sh
# signals.sh - signals to hi-q.  Before the commit a signal stops the
# message: the stages are killed and reaped, the exit is 71 and nothing is
# queued.  After the commit qmail-queue may be queueing the message: hi-q
# goes on writing the envelope, waits for qmail-queue and exits with its
# code, never with a 0 of its own.  No fixed sleeps: the stages and the
# queue program create a file when they reach the point a case needs, and
# the test polls for it.
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
QW="$FILTERS/queue-wait.sh"

# The stage is a copy of cat whose path names $TMP, so that a stage left
# running would be found by left_running.
cp /bin/cat "$TMP/cat"
printf 'Subject: x\n\nhi\n' >"$TMP/msg"
envelope a@example.org b@example.com >"$TMP/env"

# left_running - processes whose command line names $TMP, once those on
# their way out are gone
left_running() {
	poll 10 none_running
	echo "left running: $(running | wc -l)"
}
running() {
	ps -e -o args= | awk -v t="$TMP" 'index($0, t) && !/awk/'
}
none_running() {
	[ -z "$(running)" ]
}

# reap PID - wait for hi-q and return its status; one that a signal
# stopped instead (TSTP, TTIN, TTOU at their default) is killed after 10 s
# and reported
reap() {
	if ! poll 10 pid_gone "$1"; then
		echo "hi-q (signalled) still there after 10 s"
		kill -KILL "$1"
	fi
	wait "$1"
}

# conf_queue QUEUE - $TMP/filters.conf from stdin, with QUEUE (a command
# line) as its queue program
conf_queue() {
	{
		echo "queue $1"
		cat
		echo "user root"
	} >"$TMP/filters.conf"
}

# after_commit SIG CODE [ENVELOPE [late]] - hi-q with a queue program that
# exits CODE once released; SIG arrives once the queue program has the
# message and the envelope (with "late": the envelope's first byte), then
# it is released
after_commit() {
	rm -rf "$TMP/qq"
	mkdir "$TMP/qq"
	conf_queue "$QW $TMP/qq $2 ${4:-}" <<EOF2
stage one $TMP/cat
EOF2
	"$HIQ" -c "$TMP/filters.conf" <"$TMP/msg" 1<"${3:-$TMP/env}" \
	    2>"$TMP/stderr" &
	_p=$!
	poll 20 test -e "$TMP/qq/started" || echo "the queue never started"
	kill -s "$1" "$_p"
	: >"$TMP/qq/go"
	reap "$_p"
	echo "$1: exit $?"
}

echo "--- TERM, HUP or INT after the commit: qmail-queue's code (53), not 0"
for sig in TERM HUP INT; do
	after_commit "$sig" 53
done
mask <"$TMP/stderr"
left_running

echo "--- after the commit, a 0 from qmail-queue is hi-q's 0"
after_commit TERM 0
cmp "$TMP/qq/message" "$TMP/msg" && echo "message whole"

echo "--- a 100,000-recipient envelope is written whole despite TERM"
{
	printf 'Fa@example.org\0'
	seq 100000 | sed 's/^/Tr/; s/$/@example.com/' | tr '\n' '\0'
	printf '\0'
} >"$TMP/env100k"
after_commit TERM 0 "$TMP/env100k" late
cmp "$TMP/qq/envelope" "$TMP/env100k" && echo "envelope whole"
left_running

echo "--- after the commit, a queue program that outlives the timeout: 71"
rm -rf "$TMP/qq"
mkdir "$TMP/qq"
conf_queue "$QW $TMP/qq 0" <<EOF2
timeout 1
stage one $TMP/cat
EOF2
"$HIQ" -c "$TMP/filters.conf" <"$TMP/msg" 1<"$TMP/env" 2>"$TMP/stderr" &
pid=$!
poll 20 test -e "$TMP/qq/started" || echo "the queue never started"
kill -s TERM "$pid"
wait "$pid"
echo "exit $?"
: >"$TMP/qq/go"
mask <"$TMP/stderr"
left_running

# Every signal hi-q can catch, but those it leaves at their default of
# ignoring them (URG, WINCH), SIGCONT, SIGCHLD (its own), and SIGPIPE
# (ignored).  16 is SIGSTKFLT, 32 and 33 the two the C library keeps for
# itself; the real-time signals between RTMIN and RTMAX are as those two.
SIGS="HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 ALRM TERM 16 TSTP
TTIN TTOU XCPU XFSZ VTALRM PROF IO PWR SYS 32 33 RTMIN RTMAX"
mkfifo "$TMP/fifo"

# stop_case PHASE SIG - hi-q with a stage that never ends, and SIG once the
# stage runs: in "upload" while the caller still holds fd 0 open, in
# "scan" after the caller sent all; then the exit, whether the stage is
# left running, and the queue
stop_case() {
	rm -f "$TMP/hang.pid"
	if [ "$1" = upload ]; then
		"$HIQ" -c "$TMP/filters.conf" <"$TMP/fifo" 1<"$TMP/env" \
		    2>"$TMP/stderr" &
		_p=$!
		exec 3>"$TMP/fifo"
		printf 'Subject: x\n\n' >&3
	else
		"$HIQ" -c "$TMP/filters.conf" <"$TMP/msg" 1<"$TMP/env" \
		    2>"$TMP/stderr" &
		_p=$!
	fi
	poll 20 test -s "$TMP/hang.pid" || echo "the stage never started"
	kill -"$2" "$_p"
	reap "$_p"
	_rc=$?
	exec 3>&-
	_left=0
	if alive "$(cat "$TMP/hang.pid")"; then
		_left=1
		kill -KILL "$(cat "$TMP/hang.pid")"
	fi
	echo "$2: exit $_rc, stage left running $_left, $(queued)"
}

echo "--- every signal during the upload: 71, the stage killed, not queued"
conf <<EOF2
stage one $FILTERS/hang.sh $TMP/hang.pid
EOF2
for sig in $SIGS; do
	stop_case upload "$sig"
done
# How much hi-q had read when the signal came is a race: the sender,
# recipients and bytes are left out of the line.
mask <"$TMP/stderr" | sed 's/ from=[^ ]* rcpts=[0-9]* bytes=[0-9]*//'
left_running

echo "--- every signal during the scan: 71, the stage killed, not queued"
conf <<EOF2
stage one $FILTERS/hang.sh $TMP/hang.pid read
EOF2
for sig in $SIGS; do
	stop_case scan "$sig"
done
mask <"$TMP/stderr" | sed 's/ from=[^ ]* rcpts=[0-9]* bytes=[0-9]*//'
left_running

echo "--- every signal after the commit: qmail-queue's code, 53"
for sig in $SIGS; do
	after_commit "$sig" 53
done
left_running

echo "--- PIPE, URG, WINCH and CONT are ignored: the message is queued"
conf <<EOF2
stage one $FILTERS/mark.sh $TMP/mark
EOF2
for sig in PIPE URG WINCH CONT; do
	rm -f "$TMP/mark"
	"$HIQ" -c "$TMP/filters.conf" <"$TMP/fifo" 1<"$TMP/env" \
	    2>"$TMP/stderr" &
	pid=$!
	exec 3>"$TMP/fifo"
	printf 'Subject: x\n\n' >&3
	poll 20 test -e "$TMP/mark" || echo "the stage never started"
	kill -"$sig" "$pid"
	printf 'hi\n' >&3
	exec 3>&-
	wait "$pid"
	echo "$sig: exit $?"
done
queued
left_running
