#!/bin/sh
# flood.sh - what a header flood costs a zone stage, old hi-q beside new
#
# Run by "make bench-flood" (QUICK unset) or "make bench-flood-quick"
# (QUICK=1: few rounds) from the top of the tree, after the programs are
# built.  The message: 14,000 distinct X-Spam-Status fields (each
# "X-Spam-Status:" and three characters, so that all fit the zone's 256
# KiB header block), then a body that brings it to 1.3 MB, past spamc's
# -s 1000000.  Two zone stages, "zone X-Spam-Status margin 2 missing
# green":
#
#	spamc	the shipped spamc stage (/usr/bin/spamc -E -x -t 60 -s
#		1000000): over -s it passes the message on unscanned, every
#		field as the sender wrote it; hi-q exits 0
#	rewrite	sed changing the first character of every value; hi-q
#		exits 71 (14000 X-Spam-Status headers of the stage's own)
#
#	BEFORE=PATH	the old hi-q; without it, the script builds the hi-q of
#			git revision BEFORE_REV (default 85e6900, the last
#			commit before the zone read its input's values
#			into a sorted table) in its temporary directory
#	AFTER=PATH	the new hi-q (default: this tree's ./hi-q)
#
# Prints the table and writes bench/RESULTS-flood.md; raw per-run data
# goes to bench/out/raw-flood/.  See bench/README.md for the method.  The
# numbers are measurements: nothing here passes or fails on them.  The
# script fails only if a run does not end as it must (qqbench checks
# each: spamc exits 0 and queues the message, rewrite exits 71 and
# queues nothing).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$here/out
QUICK=${QUICK:-0}
BEFORE_REV=${BEFORE_REV:-85e6900}
after_what=${AFTER:-"this tree's hi-q"}
AFTER=${AFTER:-$top/hi-q}

me=bench-flood
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/hiq-flood.XXXXXX")
trap 'rm -rf "$T" "$here/RESULTS-flood.md.tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM
Q=$T/q

started=$(date +%s)
load_before=$(cat /proc/loadavg)

if [ "$QUICK" = 1 ]; then
	ROUNDS=2 PROBES=1 WARM=0
else
	ROUNDS=7 PROBES=3 WARM=1
fi

two_hiq raw-flood
QQB=$out/qqbench
SPAMC=/usr/bin/spamc
need "$HB" "$HA" "$SINK" "$QQB" "$SPAMC"

# --- the message and the envelope
awk 'BEGIN {
	d = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for (i = 0; i < 14000; i++)
		printf "X-Spam-Status:%s%s%s\n", substr(d, int(i / 3844) + 1, 1),
		    substr(d, int(i / 62) % 62 + 1, 1), substr(d, i % 62 + 1, 1)
	printf "\n"
	for (i = 0; i < 14000; i++)
		printf "%076d\n", i
}' >"$T/m"
printf 'Fa@example.org\0Tb@example.com\0\0' >"$T/env"
# qqbench looks into the folder after every run, a refused one first too.
mkdir -p "$Q/new" "$Q/tmp"
mb=$(wc -c <"$T/m" | awk '{ printf "%.2f MB", $1 / 1048576 }')

# --- configurations: conf NAME STAGE...
ul=
[ "$(id -u)" -ne 0 ] || ul="user root"
conf() {
	f=$T/$1.conf
	shift
	{
		[ -z "$ul" ] || echo "$ul"
		printf 'queue %s -d %s\n' "$SINK" "$Q"
		echo "stage s $*"
		echo "    on 0,1 green"
		echo "    zone X-Spam-Status margin 2 missing green"
	} >"$f"
	"$HA" --check -c "$f" >/dev/null
	"$HB" --check -c "$f" >/dev/null
}
conf spamc "$SPAMC" -E -x -t 60 -s 1000000
conf rewrite "$(command -v sed)" -e 's/^X-Spam-Status:./X-Spam-Status:-/'

# --- runs.  Commands: 0 the sink alone, 1 before spamc, 2 after spamc,
# 3 before rewrite, 4 after rewrite; all in the same rounds.
set -- "$SINK" -d "$Q" :: "$HB" -c "$T/spamc.conf" :: \
    "$HA" -c "$T/spamc.conf" :: "$HB" -c "$T/rewrite.conf" :: \
    "$HA" -c "$T/rewrite.conf"
step "$mb, 14,000 fields: $ROUNDS rounds, the whole tree"
"$QQB" -n "$ROUNDS" -w "$WARM" -m "$T/m" -e "$T/env" -q "$Q" \
    -x 3=71 -x 4=71 -o "$raw/tree.tsv" -- "$@" >"$T/res/tree"
step "the same, $PROBES probe rounds: hi-q's own CPU"
"$QQB" -P -n "$PROBES" -w 0 -m "$T/m" -e "$T/env" -q "$Q" \
    -x 3=71 -x 4=71 -o "$raw/probe.tsv" -- "$@" >"$T/res/probe"

load_after=$(cat /proc/loadavg)
elapsed=$(($(date +%s) - started))

# probe I: hi-q's own CPU ms (median)
own() {
	awk -v i="$1" '$1 == "probe" && $2 == i { print $9 }' "$T/res/probe"
}
table=$T/table
{
	echo "| stage | hi-q | exit | CPU ms, whole tree (median) |" \
	    "CPU ms, hi-q alone (median) | wall ms (median) |"
	echo "|---|---|---|---|---|---|"
	read -r c w _ <<EOF
$(cmdv tree 0)
EOF
	echo "| (the sink alone) | - | 0 | $(f1 "$c") | - | $(f1 "$w") |"
	for k in 1 2 3 4; do
		case $k in
		1 | 2) st=spamc code=0 ;;
		*) st=rewrite code=71 ;;
		esac
		case $k in
		1 | 3) side=before ;;
		*) side=after ;;
		esac
		read -r c w _ <<EOF
$(cmdv tree "$k")
EOF
		echo "| $st | $side | $code | $(f1 "$c") | $(f1 "$(own "$k")") |" \
		    "$(f1 "$w") |"
	done
} >"$table"
cat "$table"

if [ "$QUICK" = 1 ]; then how="make bench-flood-quick"
else how="make bench-flood"; fi
{
	echo "# hi-q: a header flood through a zone stage, before and after"
	echo
	two_hiq_head flood.sh "$how"
	echo "- rounds: $ROUNDS, after $WARM warm-up, and $PROBES probe" \
	    "rounds; took ${elapsed}s"
	echo
	echo "The message: $mb, 14,000 distinct X-Spam-Status"
	echo "fields in its header block, then a body past spamc's -s 1000000."
	echo "spamc passes it on unscanned, every field the sender's own, so"
	echo "the zone must find each in the stage's input; the rewrite stage"
	echo "(sed) changes every value, so none is found.  The whole tree is"
	echo "hi-q, the stage and the sink (wait4() rusage); hi-q alone is its"
	echo "own CPU clock at its exit (qqbench -P)."
	echo
	cat "$table"
} >"$here/RESULTS-flood.md.tmp"
mv -f "$here/RESULTS-flood.md.tmp" "$here/RESULTS-flood.md"
step "wrote bench/RESULTS-flood.md in ${elapsed}s; load before:" \
    "$load_before; after: $load_after"
