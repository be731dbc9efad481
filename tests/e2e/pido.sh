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

# The cases below give pido pidfiles it must refuse, or whose number names
# every process (kill -1) or an unrelated group.  Each runs in a private
# PID namespace (in_pidns), so that a regression kills only what the case
# started; an unrelated session there must survive.
# ns ARGS... - in_pidns, its output masked; returns its exit status
ns() {
	in_pidns "$@" >"$TMP/out" 2>&1
	_rc=$?
	mask <"$TMP/out" | sed 's/uid [0-9][0-9]*,/uid U,/'
	return $_rc
}

echo "--- a stale pidfile holding 1, 01, 00000001 or 0 names no group:"
echo "--- -G -k signals nothing (exit 1), an unrelated session runs on"
ns -s '
	unrelated
	for n in 1 01 00000001 0; do
		echo "$n" >"$TMP/ns/x.pid"
		"$PIDO" -G -k TERM "$TMP/ns/x.pid"
		echo "$n: exit $?"
	done
	alive "$other" && echo "the unrelated session runs on"
	"$PIDO" -p "$TMP/ns/x.pid"
	echo "-p: exit $?"'

echo "--- pido as process 1 (a container's init) records no pid 1: exit 111"
ns 'exec "$PIDO" -s "$TMP/ns/init.pid" true'
echo "exit $?"
[ -e "$TMP/ns/init.pid" ] || echo "no pidfile"

echo "--- a symbolic link to another program's locked pidfile: every form"
echo "--- refuses it (exit 111); that program runs on"
ns '
	"$PIDO" -s "$TMP/ns/other.pid" sleep 600 &
	poll 10 "$PIDO" -c "$TMP/ns/other.pid" || echo "did not start"
	ln -s other.pid "$TMP/ns/link.pid"
	for q in -c -p "-k TERM" "-G -k KILL" "-w 1" -r; do
		# shellcheck disable=SC2086
		"$PIDO" $q "$TMP/ns/link.pid"
		echo "$q: exit $?"
	done
	"$PIDO" "$TMP/ns/link.pid" true
	echo "start: exit $?"
	"$PIDO" -c "$TMP/ns/other.pid" && echo "the other program runs on"'

echo "--- a pidfile owned by nobody in a sticky 1777 directory is refused:"
echo "--- exit 111, and the group it names runs on"
ns '
	mkdir -m 1777 "$TMP/ns/pub"
	unrelated
	echo "$other" >"$TMP/ns/pub/x.pid"
	chown nobody "$TMP/ns/pub/x.pid"
	"$PIDO" -G -k TERM "$TMP/ns/pub/x.pid"
	echo "exit $?"
	alive "$other" && echo "the group runs on"'

echo "--- one others may write (0666), or in a directory others may rename"
echo "--- in (0777, not sticky), is refused too: exit 111"
ns '
	unrelated
	echo "$other" >"$TMP/ns/w.pid"
	chmod 666 "$TMP/ns/w.pid"
	"$PIDO" -G -k TERM "$TMP/ns/w.pid"
	echo "exit $?"
	mkdir -m 777 "$TMP/ns/open"
	echo "$other" >"$TMP/ns/open/x.pid"
	"$PIDO" -G -k TERM "$TMP/ns/open/x.pid"
	echo "exit $?"
	alive "$other" && echo "the group runs on"'

echo "--- a FIFO is refused at once, not opened: exit 111"
mkfifo "$TMP/ns/fifo.pid"
timeout 10 "$PIDO" -c "$TMP/ns/fifo.pid" >"$TMP/out" 2>&1
rc=$?
mask <"$TMP/out"
echo "exit $rc"

echo "--- a lock held by another pid than the one recorded is refused:"
echo "--- exit 111; neither the holder nor the pid recorded is signalled"
ns '
	"$PIDO" -s "$TMP/ns/held.pid" sleep 600 &
	holder=$!
	poll 10 "$PIDO" -c "$TMP/ns/held.pid" || echo "did not start"
	unrelated
	echo "$other" >"$TMP/ns/held.pid"
	"$PIDO" -G -k TERM "$TMP/ns/held.pid"
	echo "exit $?"
	"$PIDO" -k TERM "$TMP/ns/held.pid" 2>/dev/null
	echo "exit $?"
	alive "$holder" && echo "the holder runs on"
	alive "$other" && echo "the pid recorded runs on"'
