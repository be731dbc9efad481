#!/bin/sh
# report.sh - hi-q-report beside the awk recipe it replaces
#
# Run by "make bench" (QUICK unset: 41 pairs) or "make bench-quick" (5
# pairs) from bench/, after run.sh.  Makes one million log lines with
# genlog.awk, then times, in pairs and in alternating order, hi-q-report
# (every figure) and tuning-awk.sh (the score histogram recipe docs/
# TUNING.md gave) on the same file, both started the same way: under
# /usr/bin/time, through sh -c, output to /dev/null, the file in the page
# cache.  Wall time is date +%s%N around each run; CPU (user + system of
# the whole pipeline) and peak RSS come from /usr/bin/time.  Prints the
# table and appends it to RESULTS.md in place of an older one.
#
# The numbers are measurements: nothing here passes or fails on them.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then PAIRS=5; else PAIRS=41; fi
LINES=1000000

T=$(mktemp -d "${TMPDIR:-/tmp}/hiq-bench-report.XXXXXX")
trap 'rm -rf "$T" "$here/RESULTS.md.tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM
[ -x /usr/bin/time ] || { echo "report.sh: needs /usr/bin/time (Debian: time)" >&2; exit 1; }
cp "$top/hi-q-report" "$T/hi-q-report"
cp "$here/tuning-awk.sh" "$T/tuning-awk.sh"
awk -v n=$LINES -f "$here/genlog.awk" >"$T/log"
awk -v n=10000 -f "$here/genlog.awk" >"$T/log10k"
cat "$T/log" >/dev/null
load=$(cat /proc/loadavg)

# run NAME CMD - one timed run: "wall_ms cpu_ms rss_kb" appended to NAME
run() {
	_t0=$(date +%s%N)
	/usr/bin/time -f '%U %S %M' -o "$T/time" sh -c "$2"
	_t1=$(date +%s%N)
	read -r _u _s _m <"$T/time"
	echo "$(( (_t1 - _t0) / 1000000 )) $(echo "$_u $_s" |
	    awk '{ printf "%d", ($1 + $2) * 1000 }') $_m" >>"$T/$1"
}

R="$T/hi-q-report $T/log >/dev/null"
A="sh $T/tuning-awk.sh <$T/log >/dev/null"
run warm "$R"
run warm "$A"
i=1
while [ $i -le $PAIRS ]; do
	if [ $((i % 2)) = 1 ]; then
		run report "$R"
		run awk "$A"
	else
		run awk "$A"
		run report "$R"
	fi
	i=$((i + 1))
done
run small "$T/hi-q-report $T/log10k >/dev/null"

# median FILE COLUMN
median() {
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 }
	    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# ratio COLUMN - median over the pairs of awk / report
ratio() {
	paste -d' ' "$T/awk" "$T/report" | awk -v c="$1" -v n=3 '
	    { r[NR] = $c / ($(c + n) > 0 ? $(c + n) : 1) }
	    END { m = asort_(r, NR); print m }
	    function asort_(a, k,   i, j, t) {
		for (i = 2; i <= k; i++) { t = a[i]
		    for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
		    a[j + 1] = t }
		return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	    }' | awk '{ printf "%.1f", $1 }'
}

rw=$(median "$T/report" 1) rc=$(median "$T/report" 2) rm=$(median "$T/report" 3)
aw=$(median "$T/awk" 1) ac=$(median "$T/awk" 2) am=$(median "$T/awk" 3)
sm=$(cut -d' ' -f3 "$T/small")
size=$(wc -c <"$T/log")
{
	echo "## hi-q-report against the awk recipe"
	echo
	echo "Written by bench/report.sh ($(date -u '+%Y-%m-%d %H:%M UTC'),"
	echo "tree $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'),"
	echo "$(nproc) CPUs, /proc/loadavg before: $load)."
	echo "$LINES lines from bench/genlog.awk ($size bytes, in the page"
	echo "cache), $PAIRS pairs in alternating order, medians.  awk is"
	echo "$(readlink -f "$(command -v awk)"); the recipe is bench/tuning-awk.sh,"
	echo "the score histogram docs/TUNING.md gave before hi-q-report;"
	echo "hi-q-report computes every figure (verdicts, stages, percentiles,"
	echo "histogram, what-if).  CPU is user + system of the whole pipeline."
	echo
	echo "| | wall ms | CPU ms | peak RSS KB |"
	echo "|---|---|---|---|"
	echo "| awk recipe | $aw | $ac | $am |"
	echo "| hi-q-report | $rw | $rc | $rm |"
	echo "| awk / hi-q-report (median of the pairs' ratios) | $(ratio 1) | $(ratio 2) | - |"
	echo
	echo "hi-q-report's peak RSS on 10 000 lines of the same kind: $sm KB"
	echo "(on $LINES: $rm KB): memory does not grow with the log."
} >"$T/section"
cat "$T/section"
if [ -f "$here/RESULTS.md" ]; then
	sed '/^## hi-q-report against the awk recipe$/,$d' "$here/RESULTS.md" |
	    sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$here/RESULTS.md.tmp"
	echo >>"$here/RESULTS.md.tmp"
else
	: >"$here/RESULTS.md.tmp"
fi
cat "$T/section" >>"$here/RESULTS.md.tmp"
mv -f "$here/RESULTS.md.tmp" "$here/RESULTS.md"
