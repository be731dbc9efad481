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
	wait "$_p"
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
