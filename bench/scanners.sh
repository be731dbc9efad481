#!/bin/sh
# shellcheck shell=sh source-path=SCRIPTDIR/..
# bench/scanners.sh - two questions about the scanners, timed:
#
# 1. What a stopped scanner host costs a message: spamc -d HOST1,HOST2
#    against spamd on 127.0.0.1 and 127.0.0.2 (one port), and
#    contrib/clamdscan-any against two clamd the same way, with HOST1 up
#    (127.0.0.1) and with HOST1 an address where nothing listens
#    (127.0.0.3: the connection is refused, as on a host whose spamd or
#    clamd is not running).
# 2. Whether the clamav check and the spamc stage overlap: hi-q with the
#    shipped check above the spamc stage, with it below, and with each
#    alone, on a message with a 100 KB attachment (hi-q's queue program is
#    bench/out/nullq).
#
# The cases alternate, run by run; the tables give medians and p90 of the
# wall time of one run.  Writes bench/RESULTS-scanners.md.  Run as root
# ("make bench-scanners"); ROUNDS (default 41) runs of each.  Not asserted
# by any test.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/common.sh"
. "$top/tests/lib/servers.sh"
RESULTS="$top/bench/RESULTS-scanners.md"
ROUNDS=${ROUNDS:-41}
T=$(mktemp -d /tmp/hiq-scanners.XXXXXX) || exit 1
trap 'srv_stop_all; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP
chmod 711 "$T"

PORT=$(free_port) || exit 1
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
{
	printf 'Date: Wed, 25 Nov 2026 08:00:00 +0000\n'
	printf 'Message-ID: <parallel@example.org>\n'
	printf 'From: alice@example.org\nTo: bob@example.com\n'
	printf 'Subject: minutes\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
	printf -- '--b1\nContent-Type: text/plain\n\nThe minutes.\n'
	printf -- '--b1\nContent-Type: application/octet-stream\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	head -c 100000 /dev/zero | tr '\0' 'x' | base64
	printf -- '--b1--\n'
} >"$T/big"
printf 'Falice@example.org\0Tbob@example.com\0\0' >"$T/env"

# The pipelines: the shipped check and spamc stage, in either order, and
# each alone.
check() {
	sed -n '/^#check clamav /,/^$/s/^#//p' "$top/filters.conf" |
	    sed "s|^check clamav /usr/bin/clamdscan |&-c $C1 |"
}
stage() {
	sed -n '/^stage spamc /,$p' "$top/filters.conf" |
	    sed "s|^stage spamc /usr/bin/spamc |&-d 127.0.0.1 -p $PORT |"
}
# hi-q runs as root here, and runs its stages as root only when told so.
queue="queue $top/bench/out/nullq
user root"
{ echo "$queue"; check; stage; } >"$T/before.conf"
{ echo "$queue"; stage; check; } >"$T/after.conf"
{ echo "$queue"; check; } >"$T/check.conf"
{ echo "$queue"; stage; } >"$T/stage.conf"
for c in before after check stage; do
	"$top/hi-q" --check -c "$T/$c.conf" >/dev/null || exit 1
done

# ms MSG CMD... - wall microseconds of one run of CMD on the file MSG
ms() {
	_m=$1
	shift
	_a=$(date +%s%N)
	"$@" <"$_m" >/dev/null 2>&1
	_b=$(date +%s%N)
	echo $(((_b - _a) / 1000))
}
# hiq CONF - hi-q with T/CONF.conf, the envelope on fd 1
hiq() {
	"$top/hi-q" -c "$T/$1.conf" 1<"$T/env"
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
	ms "$T/msg" spamc_run 127.0.0.1 >>"$T/spamc.up"
	ms "$T/msg" spamc_run 127.0.0.3 >>"$T/spamc.down"
	ms "$T/msg" any_run "$C1" >>"$T/any.up"
	ms "$T/msg" any_run "$T/c3.conf" >>"$T/any.down"
	for c in before after check stage; do
		ms "$T/big" hiq "$c" >>"$T/hiq.$c"
	done
}
# Three rounds to warm up, then the measured ones.
i=0
while [ $i -lt 3 ]; do
	round
	i=$((i + 1))
done
for f in spamc.up spamc.down any.up any.down hiq.before hiq.after \
    hiq.check hiq.stage; do
	: >"$T/$f"
done
i=0
while [ $i -lt "$ROUNDS" ]; do
	round
	i=$((i + 1))
done

{
	echo "# The scanners: failover, and the check beside spamc"
	echo
	echo "Written by \`make bench-scanners\` (bench/scanners.sh); one run's"
	echo "measurements, not assertions.  $ROUNDS runs of each, the cases"
	echo "alternating run by run; spamd and clamd (one test signature) on"
	echo "127.0.0.1 and 127.0.0.2."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), load: $(cat /proc/loadavg)"
	echo
	echo "## A stopped first host"
	echo
	echo "One small message; \"down\": the first host is 127.0.0.3, which"
	echo "refuses the connection."
	echo
	echo "| client | first host | median ms | p90 ms |"
	echo "|---|---|---|---|"
	echo "| spamc -d FIRST,127.0.0.2 | up (127.0.0.1) | $(stats "$T/spamc.up") |"
	echo "| spamc -d FIRST,127.0.0.2 | down (127.0.0.3) | $(stats "$T/spamc.down") |"
	echo "| clamdscan-any FIRST.conf c2.conf | up (127.0.0.1) | $(stats "$T/any.up") |"
	echo "| clamdscan-any FIRST.conf c2.conf | down (127.0.0.3) | $(stats "$T/any.down") |"
	echo
	echo "## The clamav check beside the spamc stage"
	echo
	echo "hi-q on a message with a 100 KB attachment, the shipped check and"
	echo "spamc stage (queue: bench/out/nullq), wall time of the whole run."
	echo
	echo "| pipeline | median ms | p90 ms |"
	echo "|---|---|---|"
	echo "| the check alone | $(stats "$T/hiq.check") |"
	echo "| the spamc stage alone | $(stats "$T/hiq.stage") |"
	echo "| the check above the stage (shipped) | $(stats "$T/hiq.before") |"
	echo "| the check below the stage | $(stats "$T/hiq.after") |"
} >"$RESULTS"
cat "$RESULTS"
