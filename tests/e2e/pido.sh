# shellcheck shell=sh
# pido.sh - the pido program as scripts use it: its exit codes, the pidfile
# it leaves, the lock that says "running", and signals to a program and to
# its process group.
# shellcheck disable=SC2016
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
# shellcheck source=tests/initd/common.sh
. "$TOP/tests/initd/common.sh"

# pido ARGS... - run pido; print its masked output and its exit status
pido() {
	"$PIDO" "$@" >"$TMP/out" 2>&1
	_rc=$?
	mask <"$TMP/out"
	echo "exit $_rc"
}

# nosyn - drop the SYNOPSIS that follows every usage error
nosyn() {
	grep -v -e '^usage: pido ' -e '^       pido '
}

# running PIDFILE - does someone hold PIDFILE's lock?
running() {
	"$PIDO" -c "$1"
}

echo "--- no arguments: the SYNOPSIS, exit 100"
pido

echo "--- an unknown option, a bad signal, bad seconds: usage, exit 100"
pido --bogus "$TMP/x.pid" true | nosyn
pido -k NOSUCH "$TMP/x.pid" | nosyn
pido -w soon "$TMP/x.pid" | nosyn

echo "--- two queries at once, or -G without -k: usage, exit 100"
pido -c -r "$TMP/x.pid" | nosyn
pido -G "$TMP/x.pid" | nosyn

echo "--- not running, no pidfile: -c and -p exit 3"
pido -c "$TMP/x.pid"
pido -p "$TMP/x.pid"

echo "--- options after PROGRAM belong to PROGRAM"
pido "$TMP/echo.pid" echo -c -k TERM --wait 5

echo "--- the exit status is PROGRAM's own, and its PID is in the pidfile"
pido "$TMP/self.pid" sh -c 'echo "$$" >"$1"; exit 7' sh "$TMP/self"
[ "$(cat "$TMP/self.pid")" = "$(cat "$TMP/self")" ] && echo "same pid"

echo "--- in a pipeline, the pidfile names that element, not the last one"
echo hello | "$PIDO" "$TMP/pipe.pid" sh -c 'echo "$$" >"$1"; cat' sh \
    "$TMP/self" | cat
[ "$(cat "$TMP/pipe.pid")" = "$(cat "$TMP/self")" ] && echo "same pid"

echo "--- after it exits, the pidfile is stale: -c exits 1"
pido -c "$TMP/pipe.pid"

echo "--- a missing program: exit 127, the pidfile left stale"
pido "$TMP/missing.pid" "$TMP/no-such-program"
pido -c "$TMP/missing.pid"

echo "--- a program that cannot be run: exit 126"
: >"$TMP/not-executable"
pido "$TMP/noexec.pid" "$TMP/not-executable"

echo "--- running: -c exits 0 and -p prints the PID, taken from the lock"
"$PIDO" -s "$TMP/run.pid" sh -c 'sleep 600 & echo "$!" >"$1"; exec sleep 601' \
    sh "$TMP/kid" &
leader=$!
poll 10 running "$TMP/run.pid" || echo "did not start"
poll 10 test -s "$TMP/kid" || echo "no child"
pido -c "$TMP/run.pid"
[ "$("$PIDO" -p "$TMP/run.pid")" = "$leader" ] && echo "pid is the leader's"
[ "$(cat "$TMP/run.pid")" = "$leader" ] && echo "pidfile holds it too"

echo "--- a second copy is refused: exit 2, the pidfile unchanged"
pido "$TMP/run.pid" true
[ "$(cat "$TMP/run.pid")" = "$leader" ] && echo "unchanged"

echo "--- -r will not remove the pidfile of a running program: exit 2"
pido -r "$TMP/run.pid"

echo "--- -w gives up at its time limit while it runs: exit 2"
pido -w 1 "$TMP/run.pid"

echo "--- -G -k TERM -w: the leader and its child are gone, exit 0"
pido -G -k TERM -w 10 "$TMP/run.pid"
wait "$leader"
echo "leader: wait status $?"
poll 10 pid_gone "$(cat "$TMP/kid")" && echo "child gone"

echo "--- gone: -k exits 1 with a stale pidfile, -r removes it, then 3"
pido -k TERM "$TMP/run.pid"
pido -r "$TMP/run.pid"
pido -k TERM "$TMP/run.pid"
pido -c "$TMP/run.pid"

echo "--- -G on a program that leads no group is refused: exit 111"
"$PIDO" "$TMP/plain.pid" sleep 600 &
plain=$!
poll 10 running "$TMP/plain.pid" || echo "did not start"
pido -G -k TERM "$TMP/plain.pid"
alive "$plain" && echo "still running"

echo "--- -k without -G signals the program only"
pido -k TERM -w 10 "$TMP/plain.pid"
wait "$plain"
echo "wait status $?"

echo "--- a pidfile in a missing directory: exit 111"
pido "$TMP/no/such/dir.pid" true
