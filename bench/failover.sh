#!/bin/sh
# shellcheck shell=sh source-path=SCRIPTDIR/..
# bench/failover.sh - what a stopped scanner host costs a message: spamc
# -d 127.0.0.1,127.0.0.2 against two spamd (one port) with both up and
# with the first stopped, and contrib/clamdscan-any against two clamd the
# same way.  Runs alternate (up, down, up, down ...) on the same
# processes; the table gives medians and p90 of the wall time of one
# client run.  Writes bench/RESULTS-failover.md.  Run as root ("make
# bench-failover"); ROUNDS (default 41) pairs.  Not asserted by any test.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/servers.sh"
RESULTS="$top/bench/RESULTS-failover.md"
ROUNDS=${ROUNDS:-41}
T=$(mktemp -d /tmp/hiq-failover.XXXXXX) || exit 1
trap 'srv_stop_all; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
chmod 711 "$T"

PORT=$(srv_free_port) || exit 1
spamd_start_on "$T/s1" 127.0.0.1 "$PORT" || exit 1
spamd_start_on "$T/s2" 127.0.0.2 "$PORT" || exit 1
clamd_start "$T/c1" || exit 1
C1=$CLAMD_CONF
clamd_start "$T/c2" 127.0.0.2 "$CLAMD_PORT" || exit 1
C2=$CLAMD_CONF
{
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <failover@example.org>\n'
	printf 'From: alice@example.org\nTo: bob@example.com\n'
	printf 'Subject: lunch\n\nShall we meet at noon?\n'
} >"$T/msg"

# ms CMD... - wall milliseconds of one run of CMD on the message
ms() {
	_a=$(date +%s%N)
	"$@" <"$T/msg" >/dev/null 2>&1
	_b=$(date +%s%N)
	echo $(((_b - _a) / 1000))
}
# stats FILE - median and p90 of the microseconds in FILE, in ms
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
	    printf "%.1f | %.1f", v[int((NR + 1) / 2)] / 1000,
	        v[int(NR * 0.9 + 0.999999)] / 1000 }'
}

# spamc_run, any_run - the two clients, as ms runs them
spamc_run() {
	spamc -d 127.0.0.1,127.0.0.2 -p "$PORT" -E
}
any_run() {
	"$top/contrib/clamdscan-any" "$C1" "$C2"
}
# Warm up, then the rounds with both hosts up, then with the first one's
# servers stopped: its port refuses connections, as on a host where
# spamd or clamd is not running.
i=0
while [ $i -lt 3 ]; do
	ms spamc_run >/dev/null
	ms any_run >/dev/null
	i=$((i + 1))
done
# rounds WHICH - ROUNDS runs of each client, into $T/CLIENT.WHICH
rounds() {
	: >"$T/spamc.$1"
	: >"$T/any.$1"
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		ms spamc_run >>"$T/spamc.$1"
		ms any_run >>"$T/any.$1"
		i=$((i + 1))
	done
}
rounds up
spamd_stop "$T/s1" || exit 1
clamd_stop "$T/c1" || exit 1
rounds down

{
	echo "# Failover to a second scanner host: the cost"
	echo
	echo "Written by \`make bench-failover\` (bench/failover.sh); one run's"
	echo "measurements, not assertions.  $ROUNDS runs of each, one small"
	echo "message, servers on 127.0.0.1 and 127.0.0.2; \"down\" is the first"
	echo "host refusing connections (its server stopped)."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), load: $(cat /proc/loadavg)"
	echo
	echo "| client | first host | median ms | p90 ms |"
	echo "|---|---|---|---|"
	echo "| spamc -d 127.0.0.1,127.0.0.2 | up | $(stats "$T/spamc.up") |"
	echo "| spamc -d 127.0.0.1,127.0.0.2 | down | $(stats "$T/spamc.down") |"
	echo "| clamdscan-any c1.conf c2.conf | up | $(stats "$T/any.up") |"
	echo "| clamdscan-any c1.conf c2.conf | down | $(stats "$T/any.down") |"
} >"$RESULTS"
cat "$RESULTS"
