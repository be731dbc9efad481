#!/bin/sh
# shellcheck shell=sh source-path=SCRIPTDIR/..
# bench/failover.sh - what a stopped scanner host costs a message: spamc
# -d HOST1,HOST2 against spamd on 127.0.0.1 and 127.0.0.2 (one port), and
# contrib/clamdscan-any against two clamd the same way, with HOST1 up
# (127.0.0.1) and with HOST1 an address where nothing listens (127.0.0.3:
# the connection is refused, as on a host whose spamd or clamd is not
# running).  The two cases alternate, run by run; the table gives
# medians and p90 of the wall time of one client run.  Writes bench/RESULTS-failover.md.  Run as root ("make
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
# The first host down: the same port on 127.0.0.3, where nothing listens.
sed 's/^TCPAddr .*/TCPAddr 127.0.0.3/' "$C1" >"$T/c3.conf" || exit 1
{
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <failover@example.org>\n'
	printf 'From: alice@example.org\nTo: bob@example.com\n'
	printf 'Subject: lunch\n\nShall we meet at noon?\n'
} >"$T/msg"

# ms CMD... - wall microseconds of one run of CMD on the message
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

# spamc_run FIRST, any_run CONF - the two clients, as ms runs them
spamc_run() {
	spamc -d "$1,127.0.0.2" -p "$PORT" -E
}
any_run() {
	"$top/contrib/clamdscan-any" "$1" "$C2"
}
# round - one run of each client with the first host up and down
round() {
	ms spamc_run 127.0.0.1 >>"$T/spamc.up"
	ms spamc_run 127.0.0.3 >>"$T/spamc.down"
	ms any_run "$C1" >>"$T/any.up"
	ms any_run "$T/c3.conf" >>"$T/any.down"
}
# Three rounds to warm up, then the measured ones.
i=0
while [ $i -lt 3 ]; do
	round
	i=$((i + 1))
done
: >"$T/spamc.up"
: >"$T/spamc.down"
: >"$T/any.up"
: >"$T/any.down"
i=0
while [ $i -lt "$ROUNDS" ]; do
	round
	i=$((i + 1))
done

{
	echo "# Failover to a second scanner host: the cost"
	echo
	echo "Written by \`make bench-failover\` (bench/failover.sh); one run's"
	echo "measurements, not assertions.  $ROUNDS runs of each, one small"
	echo "message, servers on 127.0.0.1 and 127.0.0.2; \"down\": the first"
	echo "host is 127.0.0.3, which refuses the connection.  Up and down"
	echo "alternate run by run."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), load: $(cat /proc/loadavg)"
	echo
	echo "| client | first host | median ms | p90 ms |"
	echo "|---|---|---|---|"
	echo "| spamc -d FIRST,127.0.0.2 | up (127.0.0.1) | $(stats "$T/spamc.up") |"
	echo "| spamc -d FIRST,127.0.0.2 | down (127.0.0.3) | $(stats "$T/spamc.down") |"
	echo "| clamdscan-any FIRST.conf c2.conf | up (127.0.0.1) | $(stats "$T/any.up") |"
	echo "| clamdscan-any FIRST.conf c2.conf | down (127.0.0.3) | $(stats "$T/any.down") |"
} >"$RESULTS"
cat "$RESULTS"
