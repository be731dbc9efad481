#!/bin/sh
# milter.sh - rspamd through a milter stage against rspamd through
# contrib/rspamc-exit, and what the milter stage itself costs (issue 20)
#
# Run by "make bench-milter" (QUICK=1, "make bench-milter-quick": few
# rounds) from the top of the tree, after the programs are built.
#
# One rspamd (tests/lib/servers.sh: Debian's rules, the tests' local.d,
# its normal worker and its proxy worker in milter mode, self-scanning) on
# free ports of 127.0.0.1.  Three hi-q, launched the same way by qqbench
# (the message on fd 0, the envelope on fd 1, no client variables: local
# mail), all ending at the same qq-sink:
#
#   0  no stage: the floor
#   1  "stage rspamd contrib/rspamc-exit -h ...": rspamd's normal worker,
#      asked by rspamc (a shell script and rspamc per message)
#   2  "milter rspamd inet:...": rspamd's proxy worker, asked by hi-q itself
#
# qqbench's CPU is user + system of hi-q and of everything it started
# (rspamc-exit, rspamc, the sink), not rspamd's: that is hi-q's side.  The
# milter stage's own cost is run 2 minus run 0 of the same round (median
# over the rounds); the milter's work is rspamd's own CPU per message (its
# processes' clock ticks over a run of command 2 alone), beside it.
# Writes bench/RESULTS-milter.md; the numbers are measurements, nothing
# passes or fails on them.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$here/out
QUICK=${QUICK:-0}
me=bench-milter
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR/.. source=../tests/lib/common.sh
. "$top/tests/lib/common.sh"
# shellcheck source-path=SCRIPTDIR/.. source=../tests/lib/servers.sh
. "$top/tests/lib/servers.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/hiq-milter.XXXXXX")
trap 'srv_stop_all; rm -rf "$T" "$here/RESULTS-milter.md.tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM
chmod 711 "$T"

started=$(date +%s)
load_before=$(cat /proc/loadavg)
paired_rounds

QQB=$out/qqbench
HIQ=$top/hi-q
need "$QQB" "$HIQ" "$top/contrib/qq-sink" "$top/contrib/rspamc-exit"
raw=$out/raw-milter
mkdir -p "$T/bin" "$T/res" "$raw"
rm -f "$raw"/*.tsv
cp "$HIQ" "$top/contrib/qq-sink" "$top/contrib/rspamc-exit" "$T/bin/"
SINK=$T/bin/qq-sink
Q=$T/q
mkdir -p "$Q"

step "starting rspamd (its normal and proxy workers)"
rspamd_start "$T/rspamd" milter

user=
[ "$(id -u)" -ne 0 ] || user="user root"
printf 'queue %s -d %s\n%s\n' "$SINK" "$Q" "$user" >"$T/none.conf"
{
	cat "$T/none.conf"
	echo "stage rspamd $T/bin/rspamc-exit -h 127.0.0.1:$RSPAMD_PORT"
	echo "    on 0        green"
	echo "    on 1        yellow"
	echo "    on 2        red \"message looks like spam (#5.7.1)\""
	echo "    on 3        tempfail \"try again later (#4.7.1)\""
	echo "    on *        tempfail \"spam filter unavailable (#4.3.0)\""
} >"$T/rspamc.conf"
{
	cat "$T/none.conf"
	echo "milter rspamd inet:$RSPAMD_MILTER_PORT@127.0.0.1"
	echo "    on reject   red \"message looks like spam (#5.7.1)\""
} >"$T/milter.conf"
for c in none rspamc milter; do
	"$T/bin/hi-q" --check -c "$T/$c.conf" >/dev/null
done

messages 2000000

# rspamd_ticks - user + system clock ticks of rspamd and its workers
rspamd_ticks() {
	# shellcheck disable=SC2046 # a list of PIDs
	for p in "$RSPAMD_PID" $(ps -o pid= --ppid "$RSPAMD_PID"); do
		awk '{ print $14 + $15 }' "/proc/$p/stat"
	done | awk '{ t += $1 } END { print t }'
}

SIZES="4096 1048576"
hz=$(getconf CLK_TCK)
for s in $SIZES; do
	mkmsg "$s"
	step "none, rspamc-exit and milter, $(label "$s"): $P rounds"
	"$QQB" -n "$P" -w "$WARM" -m "$T/m.$s" -e "$T/env" -q "$Q" \
	    -o "$raw/all.$s.tsv" -- "$T/bin/hi-q" -c "$T/none.conf" :: \
	    "$T/bin/hi-q" -c "$T/rspamc.conf" :: \
	    "$T/bin/hi-q" -c "$T/milter.conf" >"$T/res/all.$s"
	# rspamd's own CPU per message, each way alone
	for c in rspamc milter; do
		step "rspamd's CPU through $c, $(label "$s"): $P runs"
		t0=$(rspamd_ticks)
		"$QQB" -n "$P" -w 0 -m "$T/m.$s" -e "$T/env" -q "$Q" -- \
		    "$T/bin/hi-q" -c "$T/$c.conf" >/dev/null
		t1=$(rspamd_ticks)
		awk -v t="$((t1 - t0))" -v hz="$hz" -v n="$P" \
		    'BEGIN { printf "%.2f\n", t * 1000 / hz / n }' \
		    >"$T/res/rspamd.$c.$s"
	done
done

load_after=$(cat /proc/loadavg)
elapsed=$(($(date +%s) - started))

# ms FILE I: "CPU / wall" of command I, medians in ms
ms() {
	cmdv "$1" "$2" | awk '{ printf "%.2f / %.2f\n", $1, $2 }'
}

# over FILE I J FIELD: the median over the rounds of run I's FIELD minus
# run J's (FIELD 3 CPU, 4 wall; microseconds in the file), in ms
over() {
	awk -v i="$2" -v j="$3" -v f="$4" '
	    { v[$1, $2] = $f; r[$1] = 1 }
	    END {
		n = 0
		for (k in r)
			d[++n] = v[k, i] - v[k, j]
		for (a = 2; a <= n; a++)
			for (b = a; b > 1 && d[b - 1] > d[b]; b--) {
				t = d[b]; d[b] = d[b - 1]; d[b - 1] = t
			}
		m = n % 2 ? d[(n + 1) / 2] : (d[n / 2] + d[n / 2 + 1]) / 2
		printf "%.2f\n", m / 1000
	    }' "$raw/$1.tsv"
}
{
	echo "# rspamd through a milter stage against rspamd through rspamc-exit"
	echo
	echo "Written by \`make bench-milter\` (bench/milter.sh); the numbers are"
	echo "measurements of one run, not assertions.  Method: bench/README.md"
	echo "and the head of bench/milter.sh."
	echo
	machine "$load_before" "$load_after"
	echo "- hi-q: this tree ($(tree_rev)); rspamd $(rspamd --version 2>/dev/null |
	    sed -n 's/.*[Vv]ersion[: ]*\([0-9][0-9.]*\).*/\1/p' | head -n 1)"
	echo "- $P rounds after $WARM warm-up rounds per size; $elapsed s in all"
	echo
	echo "hi-q's side: CPU (user + system) of hi-q and every process it"
	echo "started, medians over the rounds, in ms per message; rspamd's own"
	echo "CPU is not in it.  Ratios are medians of the per-round ratios."
	echo
	echo "| size | no stage ms (CPU / wall) | rspamc-exit ms | milter ms |" \
	    "milter / rspamc-exit (CPU / wall) |"
	echo "|---|---|---|---|---|"
	for s in $SIZES; do
		echo "| $(label "$s") | $(ms "all.$s" 0) | $(ms "all.$s" 1) |" \
		    "$(ms "all.$s" 2) | $(cw "all.$s" 2 1) |"
	done
	echo
	echo "The milter stage's own cost: the milter run minus the no-stage run"
	echo "of the same round (median), beside rspamd's own CPU per message"
	echo "(its clock ticks over $P runs of each alone, 1/$hz s each).  The"
	echo "wall time includes the wait for rspamd's answer."
	echo
	echo "| size | milter stage CPU ms | milter stage wall ms |" \
	    "rspamd CPU ms, as a milter | rspamd CPU ms, for rspamc |" \
	    "stage CPU / rspamd's |"
	echo "|---|---|---|---|---|---|"
	for s in $SIZES; do
		oc=$(over "all.$s" 2 0 3)
		ow=$(over "all.$s" 2 0 4)
		rm_=$(cat "$T/res/rspamd.milter.$s")
		rc=$(cat "$T/res/rspamd.rspamc.$s")
		echo "| $(label "$s") | $oc | $ow | $rm_ | $rc |" \
		    "$(awk -v a="$oc" -v b="$rm_" 'BEGIN {
		        if (b > 0) printf "%.2f", a / b; else print "-" }') |"
	done
} >"$here/RESULTS-milter.md.tmp"
mv -f "$here/RESULTS-milter.md.tmp" "$here/RESULTS-milter.md"
cat "$here/RESULTS-milter.md"
