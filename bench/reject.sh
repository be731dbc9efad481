#!/bin/sh
# reject.sh - what a rejected message costs against an accepted one, with
# two hi-q binaries side by side in the same rounds
#
# Run by "make bench-reject" (QUICK unset) or "make bench-reject-quick"
# (QUICK=1: few pairs, for development) from the top of the tree, after
# the programs are built.  Issue 10 moved the start of qmail-queue after
# the verdict; this compares the hi-q from before ("before") with the one
# after ("after"):
#
#	BEFORE=PATH	the old hi-q; without it, the script builds the hi-q of
#			git revision BEFORE_REV (default 9a34506, the last
#			commit before issue 10) in its temporary directory
#	AFTER=PATH	the new hi-q (default: this tree's ./hi-q)
#	AFTER_CONF=TEXT	lines added to every filters.conf the new hi-q
#			reads (a directive the old one does not know)
#	QPARENT=DIR	where the sink's queue folder is made (default: the
#			temporary directory), e.g. on the disk to measure
#
# Prints the tables and writes bench/RESULTS-reject.md; raw per-run data
# goes to bench/out/raw-reject/.  See bench/README.md for the method.
# The numbers are measurements: nothing here passes or fails on them.  The
# script fails only if a run does not end as it must (qqbench checks each:
# red exits 31 and queues nothing, green exits 0 and queues the message).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$here/out
QUICK=${QUICK:-0}
BEFORE_REV=${BEFORE_REV:-9a34506}
after_what=${AFTER:-"this tree's hi-q"}
AFTER=${AFTER:-$top/hi-q}
AFTER_CONF=${AFTER_CONF:-}

me=bench-reject
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/hiq-reject.XXXXXX")
trap 'rm -rf "$T" "${Q:-}" "$here/RESULTS-reject.md.tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM
Q=$(mktemp -d "${QPARENT:-$T}/q.XXXXXX")

started=$(date +%s)
load_before=$(cat /proc/loadavg)

if [ "$QUICK" = 1 ]; then
	P_RG=5 P_LAT=5 WARM=1
else
	P_RG=41 P_LAT=41 WARM=2
fi

# --- programs: the two hi-q, snapshotted like everything else, so that a
# rebuild during the run cannot change one side halfway.
two_hiq raw-reject
QQB=$out/qqbench
WRAP=$out/wrapper
JUDGE=$out/judge
need "$HB" "$HA" "$SINK" "$QQB" "$WRAP" "$JUDGE"
if ! "$SINK" --help 2>&1 | grep -q -- --journal; then
	echo "$me: $SINK has no --journal" >&2
	exit 1
fi
command -v strace >/dev/null || {
	echo "$me: strace missing (tests/install-deps)" >&2
	exit 1
}
wrap_link=$(wrap_link)

# --- messages: cut from one body by mkmsg (lib.sh).
messages 16000000

# --- configurations, one per side, so that each side's sink can keep
# its own journal and the new hi-q can get AFTER_CONF.
# conf NAME SIDE NSTAGES JUDGE [JOURNAL]: NSTAGES /bin/cat stages, then
# (JUDGE not "-") a check that exits JUDGE, 1 mapped to red.
# user_line HIQ: "user root" if we run as root and HIQ knows the directive
# (a hi-q started as root runs its stages only as a named user; one from
# before that rule does not know the word)
user_line() {
	[ "$(id -u)" -eq 0 ] || return 0
	printf 'queue /bin/true\nuser root\n' >"$T/probe.conf"
	if "$1" --check -c "$T/probe.conf" >/dev/null 2>&1; then
		echo "user root"
	fi
}
UL_before=$(user_line "$HB")
UL_after=$(user_line "$HA")
conf() {
	f=$T/$1.$2.conf
	{
		if [ "$2" = before ]; then
			[ -z "$UL_before" ] || echo "$UL_before"
		else
			[ -z "$UL_after" ] || echo "$UL_after"
		fi
		if [ -n "${5:-}" ]; then
			printf 'queue %s -d %s -j %s\n' "$SINK" "$Q" "$5"
		else
			printf 'queue %s -d %s\n' "$SINK" "$Q"
		fi
		if [ "$2" = after ] && [ -n "$AFTER_CONF" ]; then
			printf '%s\n' "$AFTER_CONF"
		fi
		cats "$3"
		if [ "$4" != - ]; then
			printf 'check judge %s %s\n    on 1 red\n' "$JUDGE" "$4"
		fi
	} >"$f"
	if [ "$2" = before ]; then h=$HB; else h=$HA; fi
	"$h" --check -c "$f" >/dev/null
}
for side in before after; do
	conf red "$side" 1 1 "$T/j.red.$side"
	conf green "$side" 1 0 "$T/j.green.$side"
	for n in 0 1 3; do
		conf "c$n" "$side" "$n" -
	done
done

# --- running qqbench
# qqb NAME ROUNDS BYTES [qqbench options] -- COMMANDS: results in
# $T/res/NAME, every run in $raw/NAME.tsv
qqb() {
	name=$1 rounds=$2 bytes=$3
	shift 3
	mkmsg "$bytes"
	"$QQB" -n "$rounds" -w "$WARM" -m "$T/m.$bytes" -e "$T/env" -q "$Q" \
	    -o "$raw/$name.tsv" "$@" >"$T/res/$name"
}
# rmed NAME EXPR: the median over the rounds of EXPR, an awk expression of
# c[I] and w[I], the CPU and wall ms of command I in the same round
rmed() {
	awk "{ c[\$1, \$2] = \$3 / 1000; w[\$1, \$2] = \$4 / 1000
	    if (\$1 + 1 > n) n = \$1 + 1 }
	END {
		for (r = 0; r < n; r++)
			v[r] = $(echo "$2" | sed 's/\([cw]\)\[/\1[r, /g')
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		if (n % 2) m = v[(n - 1) / 2]
		else m = (v[n / 2 - 1] + v[n / 2]) / 2
		printf \"%.2f\", m
	}" "$raw/$1.tsv"
}
# journal FILE RUNS: sink starts, bytes written, fsyncs per message, and
# how the sinks ended ("commit", "abort", ... or "-": never started)
journal() {
	if [ ! -e "$1" ]; then
		echo "0 0 0 -"
		return
	fi
	awk -v runs="$2" '
	    $1 == "start" { s++; next }
	    { for (k = 2; k <= NF; k++) {
		split($k, kv, "=")
		if (kv[1] == "written") b += kv[2]
		if (kv[1] == "fsyncs") f += kv[2]
	      }
	      if (!($1 in seen)) { seen[$1] = 1; how = how sep $1; sep = "," } }
	    END { if (how == "") how = "-"
		printf "%g %g %g %s\n", s / runs, b / runs, f / runs, how }' \
	    "$1"
}
# traced NAME CODE COMMAND...: one run of COMMAND under strace -c -f,
# which must exit CODE; "fsync+fdatasync write" calls of the whole tree
traced() {
	tn=$1 tcode=$2
	shift 2
	mkmsg 65536
	"$QQB" -n 1 -w 0 -m "$T/m.65536" -e "$T/env" -q "$Q" -x "0=$tcode" \
	    -- "$(command -v strace)" -f -c -o "$T/st.$tn" \
	    -e trace=fsync,fdatasync,write "$@" >/dev/null
	awk '$NF == "fsync" || $NF == "fdatasync" { f += $4 }
	    $NF == "write" { w += $4 }
	    END { printf "%d %d\n", f, w }' "$T/st.$tn"
}
# --- 1. red against green, 64 KB, one cat stage and the judge.  Commands:
# 0 the sink alone, 1 before red, 2 after red, 3 before green, 4 after
# green, all in the same rounds.
RG=65536
step "red and green at $(label $RG), before and after: $P_RG rounds"
rm -f "$T"/j.*
qqb rg "$P_RG" "$RG" -x 1=31 -x 2=31 -- \
    "$SINK" -d "$Q" -j "$T/j.sink" :: \
    "$HB" -c "$T/red.before.conf" :: "$HA" -c "$T/red.after.conf" :: \
    "$HB" -c "$T/green.before.conf" :: "$HA" -c "$T/green.after.conf"
runs=$((P_RG + WARM))
journal "$T/j.sink" "$runs" >"$T/jr.sink"
for v in red green; do
	for side in before after; do
		journal "$T/j.$v.$side" "$runs" >"$T/jr.$v.$side"
	done
done
step "the same five under strace -c -f, one message each"
traced sink 0 "$SINK" -d "$Q" >"$T/tr.sink"
for side in before after; do
	if [ "$side" = before ]; then h=$HB; else h=$HA; fi
	traced "red.$side" 31 "$h" -c "$T/red.$side.conf" >"$T/tr.red.$side"
	traced "green.$side" 0 "$h" -c "$T/green.$side.conf" \
	    >"$T/tr.green.$side"
done

# --- 2. green latency: 0, 1, 3 cat stages at 4 KB, 1 MB, 20 MB.
# Commands: 0 the sink, 1 the floor (bench/wrapper), 2 before, 3 after.
SIZES="4096 1048576 20971520"
CONFS="c0 c1 c3"
for s in $SIZES; do
	for c in $CONFS; do
		step "green $(label "$s"), $(pipeline "$c"): $P_LAT rounds"
		set -- "$SINK" -d "$Q" :: "$WRAP"
		k=${c#c}
		while [ "$k" -gt 0 ]; do
			set -- "$@" /bin/cat "|"
			k=$((k - 1))
		done
		set -- "$@" "$SINK" -d "$Q" :: "$HB" -c "$T/$c.before.conf" :: \
		    "$HA" -c "$T/$c.after.conf"
		qqb "lat.$c.$s" "$P_LAT" "$s" -- "$@"
	done
done

load_after=$(cat /proc/loadavg)
elapsed=$(($(date +%s) - started))

# --- tables
rgt=$T/rg.table
{
	echo "| per message ($(label $RG)) | sink alone | before red |" \
	    "after red | before green | after green |"
	echo "|---|---|---|---|---|---|"
	row() {
		printf '| %s |' "$1"
		shift
		for x in "$@"; do printf ' %s |' "$x"; done
		echo
	}
	set --
	for k in 0 1 2 3 4; do
		read -r a b _ <<EOF
$(cmdv rg "$k")
EOF
		set -- "$@" "$(f2 "$a") / $(f2 "$b")"
	done
	row "CPU / wall ms (median)" "$@"
	set --
	for k in 0 1 2 3 4; do
		read -r _ _ _ a <<EOF
$(cmdv rg "$k")
EOF
		set -- "$@" "$a"
	done
	row "KB the tree wrote to files on disk (ru_oublock, median)" "$@"
	set --
	for k in 1 2 3 4; do
		read -r a _ _ b _ _ <<EOF
$(ratio rg "$k" 0)
EOF
		set -- "$@" "$(f2 "$a") / $(f2 "$b")"
	done
	row "CPU / wall × sink" - "$@"
	for what in starts bytes fsyncs ends; do
		set --
		for j in sink red.before red.after green.before green.after; do
			read -r js jb jf je <"$T/jr.$j"
			case $what in
			starts) set -- "$@" "$js" ;;
			bytes) set -- "$@" "$jb" ;;
			fsyncs) set -- "$@" "$jf" ;;
			ends) set -- "$@" "$je" ;;
			esac
		done
		case $what in
		starts) row "sink starts (journal)" "$@" ;;
		bytes) row "bytes written under the queue folder" "$@" ;;
		fsyncs) row "fsyncs by the sink (journal)" "$@" ;;
		ends) row "how the sink ended" "$@" ;;
		esac
	done
	set --
	for j in sink red.before red.after green.before green.after; do
		read -r tf tw <"$T/tr.$j"
		set -- "$@" "$tf / $tw"
	done
	row "fsync+fdatasync / write calls, whole tree (strace, 1 run)" "$@"
} >"$rgt"

# The targets of issue 10, each from paired rounds.
read -r brs _ _ _ <"$T/jr.red.before"
read -r ars arb arf _ <"$T/jr.red.after"
read -r atf _ <"$T/tr.red.after"
mb=$(rmed rg 'c[3] - c[1] - c[0]')
ma=$(rmed rg 'c[4] - c[2] - c[0]')
gw=$(rmed rg 'w[4] - w[3] - w[0]')
read -r gcr _ _ gwr _ _ <<EOF
$(ratio rg 4 3)
EOF
read -r rcr _ _ rwr _ _ <<EOF
$(ratio rg 2 1)
EOF
tgt=$T/targets
{
	echo "| target (issue 10) | before | after | met (after) |"
	echo "|---|---|---|---|"
	echo "| red: sink starts | $brs | $ars | $(yn "$ars" 0) |"
	echo "| red: fsyncs (journal / strace, whole tree) |" \
	    "$(cut -d' ' -f3 "$T/jr.red.before") / $(cut -d' ' -f1 \
	    "$T/tr.red.before") | $arf / $atf |" \
	    "$(if le "$arf" 0 && le "$atf" 0; then echo yes; else echo no; fi) |"
	echo "| red: bytes under the queue folder |" \
	    "$(cut -d' ' -f2 "$T/jr.red.before") | $arb | $(yn "$arb" 0) |"
	echo "| red CPU ≤ green CPU − sink CPU: median of (green − red −" \
	    "sink) per round, ms | $mb | $ma | $(yn 0 "$ma") |"
	echo "| green CPU after / before (≤ 1.1) | - | $(f2 "$gcr") |" \
	    "$(yn "$gcr" 1.1) |"
	echo "| green wall ≤ before + sink: median of (after − before −" \
	    "sink) per round, ms | - | $gw (after / before: $(f2 "$gwr")) |" \
	    "$(yn "$gw" 0) |"
	echo "| red after / before, CPU / wall | - |" \
	    "$(f2 "$rcr") / $(f2 "$rwr") | - |"
} >"$tgt"

latt=$T/lat.table
{
	echo "| size | pipeline | after / before CPU / wall |" \
	    "before × sink | after × sink | floor × sink | after × floor |" \
	    "after − before − sink, wall ms | sink / before / after" \
	    "wall ms | met: CPU ≤ 1.1, wall |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for s in $SIZES; do
		for c in $CONFS; do
			f=lat.$c.$s
			read -r lc _ _ _ _ _ <<EOF
$(ratio "$f" 3 2)
EOF
			d=$(rmed "$f" 'w[3] - w[2] - w[0]')
			sw=$(cmdv "$f" 0 | cut -d' ' -f2)
			bw=$(cmdv "$f" 2 | cut -d' ' -f2)
			aw=$(cmdv "$f" 3 | cut -d' ' -f2)
			echo "| $(label "$s") | $(pipeline "$c") |" \
			    "$(cw "$f" 3 2) | $(cw "$f" 2 0) |" \
			    "$(cw "$f" 3 0) | $(cw "$f" 1 0) |" \
			    "$(cw "$f" 3 1) | $d |" \
			    "$(f2 "$sw") / $(f2 "$bw") / $(f2 "$aw") |" \
			    "$(yn "$lc" 1.1), $(yn "$d" 0) |"
		done
	done
} >"$latt"

cat "$rgt"
echo
cat "$tgt"
echo
cat "$latt"

# --- RESULTS-reject.md
qfs=$(stat -f -c %T "$Q")
if [ "$QUICK" = 1 ]; then how="make bench-reject-quick"
else how="make bench-reject"; fi
{
	echo "# hi-q: a rejected message against an accepted one, before and after"
	echo
	two_hiq_head reject.sh "$how"
	echo "- queue folder on $qfs${QPARENT:+ (under $QPARENT)}; wrapper:" \
	    "$wrap_link"
	echo "- rounds: $P_RG (red/green), $P_LAT (latency), after $WARM" \
	    "warm-up; took ${elapsed}s"
	echo
	echo "The disk: qq-sink fsyncs the message and the envelope and the"
	echo "folder it renames them into (3 fsyncs per queued message).  On"
	echo "tmpfs an fsync costs nothing; on a real disk it waits for the"
	echo "device, and a red message that still reaches the queue pays it too."
	echo "Set QPARENT to a folder on the disk to measure that disk."
	echo
	echo "## Red against green ($(label $RG), one cat stage and a check)"
	echo
	echo "The check is bench/judge.c: it reads the whole message and exits"
	echo "1 (red, \`on 1 red\`) or 0 (green).  hi-q exits 31 for red and"
	echo "must queue nothing; 0 for green with the message queued (qqbench"
	echo "checks every run).  CPU is the whole tree's (hi-q, the stages,"
	echo "the sink); bytes and fsyncs per message are summed from the"
	echo "sink's --journal over every run, warm-up included, and divided"
	echo "by the runs.  The strace row is one more run of each, traced."
	echo
	cat "$rgt"
	echo
	cat "$tgt"
	echo
	echo "## Green latency: before against after, the sink and the floor"
	echo
	echo "Medians over the rounds of one run divided by the other in the"
	echo "same round, given as CPU / wall.  The floor is bench/wrapper.c"
	echo "running the same stages and sink with plain pipes.  The wall"
	echo "target is met when the new hi-q is no slower than the old one"
	echo "plus the sink's own run, median of that difference per round."
	echo
	cat "$latt"
} >"$here/RESULTS-reject.md.tmp"
mv -f "$here/RESULTS-reject.md.tmp" "$here/RESULTS-reject.md"
step "wrote bench/RESULTS-reject.md in ${elapsed}s; load before:" \
    "$load_before; after: $load_after"
