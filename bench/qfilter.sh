#!/bin/sh
# qfilter.sh - hi-q's qfilter stages against bruceg's qmail-qfilter, and a
# plain streaming pipeline before and after the segments (issue 19)
#
# Run by "make bench-qfilter" (QUICK=1: few pairs) from the top of the
# tree, after the programs are built.
#
#	QMAIL_QFILTER=PATH	a qmail-qfilter 2.1 built outside this tree;
#				without it that table says "skipped"
#	BEFORE=PATH		the hi-q to compare the streaming pipeline
#				with; without it, the hi-q of git revision
#				BEFORE_REV (default 181336c, the last commit
#				before issue 19) is built here
#
# 1. hi-q with three "qfilter catN /bin/cat" stages against
#    "qmail-qfilter /bin/cat -- /bin/cat -- /bin/cat", both ending at the
#    same sink (qq-sink, its folder from QQ_SINK_DIR, which qmail-qfilter
#    finds through QQF_QMAILQUEUE), launched the same way by qqbench, at
#    4 KB and 1 MB.  2. Three "stage catN /bin/cat" stages, the old hi-q
#    beside the new, at 4 KB and 1 MB.  Writes bench/RESULTS-qfilter.md;
#    the numbers are measurements, nothing passes or fails on them.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$here/out
QUICK=${QUICK:-0}
BEFORE_REV=${BEFORE_REV:-181336c}
after_what="this tree's hi-q"
AFTER=$top/hi-q

me=bench-qfilter
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/hiq-qfilter.XXXXXX")
trap 'rm -rf "$T" "$here/RESULTS-qfilter.md.tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM

started=$(date +%s)
load_before=$(cat /proc/loadavg)
paired_rounds

two_hiq raw-qfilter
QQB=$out/qqbench
need "$HB" "$HA" "$SINK" "$QQB"
Q=$T/q
mkdir -p "$Q"
# Both sides find the sink's folder, and qmail-qfilter the sink, here.
QQ_SINK_DIR=$Q
QQF_QMAILQUEUE=$SINK
export QQ_SINK_DIR QQF_QMAILQUEUE

messages 2000000

user=
[ "$(id -u)" -ne 0 ] || user="user root"
{
	printf 'queue %s\n%s\n' "$SINK" "$user"
	for k in 1 2 3; do
		printf 'qfilter cat%d /bin/cat\n' "$k"
	done
} >"$T/qf.conf"
for side in before after; do
	{
		printf 'queue %s\n%s\n' "$SINK" "$user"
		cats 3
	} >"$T/c3.$side.conf"
done
"$HA" --check -c "$T/qf.conf" >/dev/null

qqb() {
	name=$1 bytes=$2
	shift 2
	mkmsg "$bytes"
	"$QQB" -n "$P" -w "$WARM" -m "$T/m.$bytes" -e "$T/env" -q "$Q" \
	    -o "$raw/$name.tsv" "$@" >"$T/res/$name"
}

SIZES="4096 1048576"
have_qqf=0
if [ -n "${QMAIL_QFILTER:-}" ] && [ -x "$QMAIL_QFILTER" ]; then
	have_qqf=1
fi
for s in $SIZES; do
	if [ "$have_qqf" = 1 ]; then
		step "3 qfilter cat against qmail-qfilter, $(label "$s"): $P rounds"
		qqb "qf.$s" "$s" -- "$SINK" :: "$QMAIL_QFILTER" /bin/cat -- \
		    /bin/cat -- /bin/cat :: "$HA" -c "$T/qf.conf"
	fi
	step "3 cat stages, before and after, $(label "$s"): $P rounds"
	qqb "st.$s" "$s" -- "$SINK" :: "$HB" -c "$T/c3.before.conf" :: \
	    "$HA" -c "$T/c3.after.conf"
done

load_after=$(cat /proc/loadavg)
elapsed=$(($(date +%s) - started))
# row FILE I J LABEL: "| LABEL | I's ms | J's ms | J / I |"
row() {
	read -r ic iw _ <<EOF
$(cmdv "$1" "$2")
EOF
	read -r jc jw _ <<EOF
$(cmdv "$1" "$3")
EOF
	echo "| $4 | $(f2 "$ic") / $(f2 "$iw") | $(f2 "$jc") / $(f2 "$jw") |" \
	    "$(cw "$1" "$3" "$2") |"
}
{
	echo "# hi-q's qfilter stages against qmail-qfilter; streaming before/after"
	echo
	two_hiq_head qfilter.sh "make bench-qfilter"
	echo "- qmail-qfilter: ${QMAIL_QFILTER:-none given}"
	echo "- $P rounds after $WARM warm-up rounds per table; $elapsed s in all"
	echo
	echo "Medians of the per-round ratios (CPU / wall), each run beside"
	echo "its partners in the same round."
	echo
	echo "## 1. Three cat qfilters against qmail-qfilter with three cat"
	echo
	if [ "$have_qqf" = 1 ]; then
		echo "| size | qmail-qfilter ms (CPU / wall) | hi-q ms |" \
		    "hi-q / qmail-qfilter |"
		echo "|---|---|---|---|"
		for s in $SIZES; do
			row "qf.$s" 1 2 "$(label "$s")"
		done
	else
		echo "skipped: no QMAIL_QFILTER given"
	fi
	echo
	echo "## 2. Three cat stages (streaming), before and after"
	echo
	echo "| size | before ms (CPU / wall) | after ms | after / before |"
	echo "|---|---|---|---|"
	for s in $SIZES; do
		row "st.$s" 1 2 "$(label "$s")"
	done
} >"$here/RESULTS-qfilter.md.tmp"
mv -f "$here/RESULTS-qfilter.md.tmp" "$here/RESULTS-qfilter.md"
cat "$here/RESULTS-qfilter.md"
