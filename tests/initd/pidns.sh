# shellcheck shell=sh
# tests/initd/pidns.sh - sourced first by every script that in_pidns
# (tests/initd/common.sh) runs as process 1 of a private PID namespace;
# not run.  Brings poll, alive and pid_gone, and:
#
#   unrelated   start a session that no pidfile of the case is meant to
#               name, and set $other to its PID; a hostile pidfile must
#               leave it running
#
# TOP, TMP and PIDO come from the environment.
# shellcheck source=tests/lib/common.sh
. "$TOP/tests/lib/common.sh"

# unrelated - a sleep that leads its own session (pido -s makes it the
# leader before it writes the pidfile, so once -c says it runs, it leads)
unrelated() {
	"$PIDO" -s "$TMP/ns/unrelated.pid" sleep 600 &
	# shellcheck disable=SC2034 # for the script that sourced this
	other=$!
	poll 10 "$PIDO" -c "$TMP/ns/unrelated.pid" ||
	    echo "the unrelated session did not start"
}
