#!/bin/sh
# run.sh - measure hi-q's cost side by side with the bare sink
#
# Run by "make bench" (QUICK unset) or "make bench-quick" (QUICK=1: few
# pairs, for development) from the top of the tree, after the programs are
# built.  Prints the main table and writes bench/RESULTS.md; raw per-run
# data goes to bench/out/raw/.  Messages, configurations and the sink's
# folder live in one temporary directory, removed at exit.  See
# bench/README.md for the method.
#
# The numbers are measurements: nothing here passes or fails on them.  The
# script fails only if a run does not deliver (qqbench checks each one).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$here/out
QUICK=${QUICK:-0}

me=bench
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/hiq-bench.XXXXXX")
trap 'rm -rf "$T" "$here/RESULTS.md.tmp"' EXIT
trap 'exit 130' HUP INT PIPE TERM

started=$(date +%s)
load_before=$(cat /proc/loadavg)

# Pairs (rounds) by message size, and warm-up rounds.  A run at 20 MB takes
# tens of milliseconds, so even the full set stays far below ten minutes.
if [ "$QUICK" = 1 ]; then
	P_SMALL=5 P_MID=3 P_HUGE=3 P_CURVE=5 P_PROBE=1 P_ZONE=2
	WARM=1
else
	P_SMALL=31 P_MID=21 P_HUGE=11 P_CURVE=21 P_PROBE=5 P_ZONE=5
	WARM=2
fi

# --- programs: snapshot them, so that a rebuild during the run cannot
# mix two versions in one table.
mkdir -p "$T/bin" "$T/res" "$out/raw"
rm -f "$out"/raw/*.tsv
cp "$top/hi-q" "$top/contrib/qq-sink" "$T/bin/"
HIQ=$T/bin/hi-q
SINK=$T/bin/qq-sink
QQB=$out/qqbench
WRAP=$out/wrapper
NULLQ=$out/nullq
TRIV=$out/trivial
Q=$T/q
need "$HIQ" "$SINK" "$QQB" "$WRAP" "$NULLQ" "$TRIV"
wrap_link=$(wrap_link)

# --- messages: cut from one body by mkmsg (lib.sh).
messages 39000000

# --- configurations
# conf NAME NSTAGES [QUEUE]: NSTAGES /bin/cat stages into the sink.  The
# bench runs as root, so each names root as the user to run the stages as.
conf() {
	{
		printf 'queue %s\nuser root\n' "${3:-$SINK -d $Q}"
		cats "$2"
	} >"$T/$1.conf"
}
# The zone stage: canned spamc output (the header block SpamAssassin 4.0.1
# writes, folded as it folds it), then the message, as spamc would.
cat >"$T/spamc.sh" <<'EOF'
printf 'X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-26) on mx.example.com\n'
printf 'X-Spam-Level: *\n'
printf 'X-Spam-Status: No, score=1.0 required=5.0 tests=MISSING_MID,\n\tNO_RECEIVED autolearn=no autolearn_force=no version=4.0.1\n'
exec cat
EOF
# zconf NAME ZONE? [QUEUE]: that stage, with the zone line if ZONE is 1
zconf() {
	{
		printf 'queue %s\nuser root\n' "${3:-$SINK -d $Q}"
		printf 'stage spamc /bin/sh %s\n' "$T/spamc.sh"
		[ "$2" = 1 ] && printf '    zone X-Spam-Status margin 2\n'
		:
	} >"$T/$1.conf"
}
i=0
while [ "$i" -le 16 ]; do
	conf "c$i" "$i"
	i=$((i + 1))
done
zconf zone 1
conf null0 0 "$NULLQ"
zconf nullcat 0 "$NULLQ"
zconf nullzone 1 "$NULLQ"
for c in c0 c3 c16 zone null0 nullcat nullzone; do
	"$HIQ" --check -c "$T/$c.conf" >/dev/null
done

# --- running qqbench
# qqb NAME ROUNDS BYTES [qqbench options] -- COMMANDS: results in
# $T/res/NAME, every run in out/raw/NAME.tsv
qqb() {
	name=$1 rounds=$2 bytes=$3
	shift 3
	mkmsg "$bytes"
	"$QQB" -n "$rounds" -w "$WARM" -m "$T/m.$bytes" -e "$T/env" \
	    -o "$out/raw/$name.tsv" "$@" >"$T/res/$name"
}
# sinkq NAME ROUNDS BYTES -- COMMANDS: runs that commit into $Q
sinkq() {
	name=$1 rounds=$2 bytes=$3
	shift 3
	qqb "$name" "$rounds" "$bytes" -q "$Q" "$@"
}
pairs() {
	if [ "$1" -le 1048576 ]; then
		echo "$P_SMALL"
	elif [ "$1" -le 20971520 ]; then
		echo "$P_MID"
	else
		echo "$P_HUGE"
	fi
}
# trio NAME ROUNDS BYTES CONF: the bare sink (command 0), the same
# processes run by the static wrapper (1: the floor), hi-q with CONF (2),
# side by side.
trio() {
	tn=$1 tr=$2 tb=$3 tc=$4
	set -- "$SINK" -d "$Q" :: "$WRAP"
	case $tc in
	zone)
		set -- "$@" /bin/sh "$T/spamc.sh" "|" ;;
	c*)
		tk=${tc#c}
		while [ "$tk" -gt 0 ]; do
			set -- "$@" /bin/cat "|"
			tk=$((tk - 1))
		done ;;
	esac
	set -- "$@" "$SINK" -d "$Q" :: "$HIQ" -c "$T/$tc.conf"
	sinkq "$tn" "$tr" "$tb" -- "$@"
}

# Readers of the results (the others are in lib.sh).
# probev FILE I: own_rss_kb own_cpu_ms tree_cpu_ms wall_ms (medians)
probev() {
	awk -v i="$2" '$1 == "probe" && $2 == i { print $6, $9, $13, $15 }' \
	    "$T/res/$1"
}
# iqr FILE I J: "CPU (q1-q3) | wall (q1-q3)" of the ratio I J
iqr() {
	read -r a a1 a3 b b1 b3 <<EOF
$(ratio "$1" "$2" "$3")
EOF
	echo "$(f2 "$a") ($(f2 "$a1")-$(f2 "$a3")) |" \
	    "$(f2 "$b") ($(f2 "$b1")-$(f2 "$b3"))"
}
# ms FILE I: "CPU / wall" ms of command I
ms() {
	read -r a b _ <<EOF
$(cmdv "$1" "$2")
EOF
	echo "$(f2 "$a") / $(f2 "$b")"
}

SIZES_M="4096 1048576 20971520"
SIZES_C="4096 16384 65536 262144 1048576 4194304 16777216 52428800"
CONFS_M="c0 c1 c3 c8 zone"

# --- 1. the matrix
for s in $SIZES_M; do
	n=$(pairs "$s")
	for c in $CONFS_M; do
		step "matrix $(label "$s"), $(pipeline "$c"): $n rounds"
		trio "m$c.$s" "$n" "$s" "$c"
		qqb "p$c.$s" "$P_PROBE" "$s" -q "$Q" -P -- \
		    "$HIQ" -c "$T/$c.conf"
	done
done

# --- 2. cost against the number of stages
for s in 4096 1048576; do
	step "stages 1..16 at $(label "$s"), $P_CURVE rounds each"
	i=1
	while [ "$i" -le 16 ]; do
		trio "n$i.$s" "$P_CURVE" "$s" "c$i"
		i=$((i + 1))
	done
done

# --- 3. cost and peak RSS against the size
for s in $SIZES_C; do
	n=$(pairs "$s")
	step "size $(label "$s"): 0 and 3 stages, $n rounds each"
	trio "s0.$s" "$n" "$s" c0
	trio "s3.$s" "$n" "$s" c3
	qqb "r.$s" "$P_PROBE" "$s" -q "$Q" -P -- "$HIQ" -c "$T/c0.conf" :: \
	    "$HIQ" -c "$T/c3.conf" :: "$HIQ" -c "$T/zone.conf"
done
step "peak RSS of trivial programs"
qqb triv 5 4096 -P -- "$TRIV" :: /bin/true :: "$WRAP" "$NULLQ" :: \
    "$SINK" -d "$Q"
rm -rf "$Q"

# --- 4. the zone tap's throughput, 200 MB into a sink that only reads
ZB=209715200
step "zone tap: $(label $ZB), $P_ZONE runs each"
{ cat "$T/head"; i=0; while [ "$i" -lt 6 ]; do cat "$T/body"; i=$((i + 1));
    done; } | head -c $ZB >"$T/m.$ZB"
qqb zone.tap "$P_ZONE" "$ZB" -P -S -b 1048576 -- \
    "$HIQ" -c "$T/null0.conf" :: "$HIQ" -c "$T/nullcat.conf" :: \
    "$HIQ" -c "$T/nullzone.conf" :: \
    /bin/sh -c "/bin/sh $T/spamc.sh | $NULLQ" :: "$NULLQ"
rm -f "$T/m.$ZB"

load_after=$(cat /proc/loadavg)
elapsed=$(($(date +%s) - started))

# --- the main table
tbl=$T/table
{
	echo "| size | pipeline | hi-q CPU × sink | hi-q wall × sink |" \
	    "floor × sink (CPU / wall) | hi-q × floor (CPU / wall) |" \
	    "hi-q own CPU ms | hi-q own peak RSS KB | target (× sink) | met |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$tbl"
for s in $SIZES_M; do
	for c in $CONFS_M; do
		read -r hc _ _ hw _ _ <<EOF
$(ratio "m$c.$s" 2 0)
EOF
		read -r hrss hcpu _ _ <<EOF
$(probev "p$c.$s" 0)
EOF
		tgt=- met=-
		case $c.$s in
		c0.4096) tgt=1.15 ;;
		c0.20971520) tgt=1.05 ;;
		c3.4096) tgt=1.9 ;;
		c3.20971520) tgt=1.3 ;;
		esac
		if [ "$tgt" != - ]; then
			met="CPU $(yn "$hc" "$tgt"), wall $(yn "$hw" "$tgt")"
			tgt="≤ $tgt"
		fi
		echo "| $(label "$s") | $(pipeline "$c") | $(f2 "$hc") |" \
		    "$(f2 "$hw") | $(cw "m$c.$s" 1 0) | $(cw "m$c.$s" 2 1) |" \
		    "$(f2 "$hcpu") | $hrss | $tgt | $met |" >>"$tbl"
	done
done
# The RSS target: hi-q's own peak against a trivial C program, the
# smaller of the dynamic one and the static wrapper.
read -r trss _ _ _ <<EOF
$(probev triv 0)
EOF
read -r wrss _ _ _ <<EOF
$(probev triv 2)
EOF
if [ "$wrss" -lt "$trss" ]; then trss=$wrss; fi
rmin=999999999 rmax=0
for s in $SIZES_C; do
	for k in 0 1 2; do
		read -r v _ _ _ <<EOF
$(probev "r.$s" "$k")
EOF
		if [ "$v" -lt "$rmin" ]; then rmin=$v; fi
		if [ "$v" -gt "$rmax" ]; then rmax=$v; fi
	done
done
over=$((rmax - trss))
spread=$((rmax - rmin))
if [ "$over" -lt 1024 ] && [ "$spread" -le 256 ]; then rss_met=yes
else rss_met=no; fi
echo "| 4 KB - 50 MB | hi-q own peak RSS (0, 3 cat, zone) | - | - | - | - |" \
    "- | $rmin - $rmax (trivial C: $trss) |" \
    "< trivial + 1024, spread ≤ 256 |" \
    "$rss_met ($(printf '%+d' "$over"), spread $spread) |" >>"$tbl"
# The zone target: see README.md for the method.
read -r _ c0cpu _ _ <<EOF
$(probev zone.tap 0)
EOF
read -r _ zcpu _ zwall <<EOF
$(probev zone.tap 2)
EOF
tap=$(awk -v b=$ZB -v z="$zcpu" -v p="$c0cpu" \
    'BEGIN { d = z - p; if (d <= 0) d = 0.001; printf "%.2f", b / d / 1e6 }')
both=$(awk -v b=$ZB -v z="$zcpu" 'BEGIN { printf "%.2f", b / z / 1e6 }')
zw=$(awk -v b=$ZB -v w="$zwall" 'BEGIN { printf "%.2f", b / w / 1e6 }')
echo "| 200 MB | zone tap (one zone stage, nullq) | - | - | - | - |" \
    "$(f1 "$zcpu") | - | ≥ 1 GB/s | $(yn 1 "$tap") ($tap GB/s alone;" \
    "$both with the input hop; pipeline wall $zw) |" >>"$tbl"

cat "$tbl"

# --- RESULTS.md
rev=$(tree_rev)
hsum=$(sha256sum "$HIQ" | cut -c1-16)
if [ "$QUICK" = 1 ]; then how="make bench-quick"; else how="make bench"; fi

stages_tbl() {
	s=$1
	echo "| stages | hi-q CPU / wall × sink | floor CPU / wall × sink |" \
	    "hi-q × floor | sink CPU ms | floor CPU / wall ms |" \
	    "hi-q CPU / wall ms |"
	echo "|---|---|---|---|---|---|---|"
	: >"$T/fit"
	i=1
	while [ "$i" -le 16 ]; do
		read -r sc _ _ <<EOF
$(cmdv "n$i.$s" 0)
EOF
		read -r fc fw _ <<EOF
$(cmdv "n$i.$s" 1)
EOF
		read -r hc hw _ <<EOF
$(cmdv "n$i.$s" 2)
EOF
		echo "$i $hc $hw $fc $fw" >>"$T/fit"
		echo "| $i | $(cw "n$i.$s" 2 0) | $(cw "n$i.$s" 1 0) |" \
		    "$(cw "n$i.$s" 2 1) | $(f2 "$sc") |" \
		    "$(f2 "$fc") / $(f2 "$fw") | $(f2 "$hc") / $(f2 "$hw") |"
		i=$((i + 1))
	done
	echo
	# Least squares over the 16 points: cost = a + b * stages.
	awk 'function fit(col, what,   b, a) {
		b = (n * sxy[col] - sx * sy[col]) / (n * sxx - sx * sx)
		a = (sy[col] - b * sx) / n
		printf "%s %.2f ms + %.2f ms per stage", what, a, b
	    }
	    { n++; sx += $1; sxx += $1 * $1
	      for (k = 2; k <= 5; k++) { sy[k] += $k; sxy[k] += $1 * $k } }
	    END {
		printf "Fitted (least squares, 1 to 16 stages): "
		fit(2, "hi-q CPU"); printf ", "; fit(3, "wall"); printf "; "
		fit(4, "floor CPU"); printf ", "; fit(5, "wall"); print "."
	    }' "$T/fit"
}

{
	echo "# hi-q benchmark results"
	echo
	echo "Written by \`$how\` (bench/run.sh); the numbers are"
	echo "measurements of one run, not assertions.  Method: bench/README.md."
	echo
	machine "$load_before" "$load_after"
	echo "- hi-q: tree $rev, binary sha256 $hsum...; wrapper: $wrap_link"
	echo "- rounds: $P_SMALL (up to 1 MB), $P_MID (up to 20 MB)," \
	    "$P_HUGE (50 MB), $P_CURVE (stage curve), $P_PROBE per probe," \
	    "after $WARM warm-up; took ${elapsed}s"
	echo "- reproduce: \`make bench\` (or \`make bench-quick\`), which runs"
	echo "  bench/run.sh; raw per-run data is left in bench/out/raw/.  One"
	echo "  measurement by hand (3 cat at 4 KB: sink, floor, hi-q):"
	echo
	echo "      bench/out/qqbench -n 31 -q Q -m MSG -e ENV -- \\"
	echo "          qq-sink -d Q :: \\"
	echo "          bench/out/wrapper /bin/cat '|' /bin/cat '|' /bin/cat '|' \\"
	echo "              qq-sink -d Q :: \\"
	echo "          hi-q -c c3.conf"
	echo
	echo "Ratios are medians, over the rounds, of one run divided by the"
	echo "bare sink's run next to it (or the floor's); CPU is user + system"
	echo "time of the whole process tree (hi-q, its stages, the sink).  The"
	echo "floor is bench/wrapper.c, static, running the same stages and"
	echo "sink with plain pipes and nothing else.  \"hi-q own\" columns come"
	echo "from separate probe runs that stop hi-q at its exit (ptrace) and"
	echo "read its own CPU clock and VmHWM, without its children."
	echo
	echo "What a rejected message costs against an accepted one, the hi-q"
	echo "from before issue 10 beside a newer one: RESULTS-reject.md"
	echo "(\`make bench-reject\`, bench/reject.sh)."
	echo
	echo "## Main table"
	echo
	cat "$tbl"
	echo
	echo "## The matrix in detail"
	echo
	echo "Medians with the interquartile range of the pairwise ratios;"
	echo "absolute medians in ms.  \"tree RSS\" is wait4's ru_maxrss of"
	echo "hi-q: the largest process of its tree (not hi-q's own)."
	echo
	echo "| size | pipeline | hi-q CPU × sink | hi-q wall × sink |" \
	    "hi-q CPU × floor | hi-q wall × floor | sink ms CPU / wall |" \
	    "floor ms | hi-q ms | tree RSS KB | rounds |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	for s in $SIZES_M; do
		for c in $CONFS_M; do
			f=m$c.$s
			read -r _ _ hr _ <<EOF
$(cmdv "$f" 2)
EOF
			echo "| $(label "$s") | $(pipeline "$c") |" \
			    "$(iqr "$f" 2 0) | $(iqr "$f" 2 1) |" \
			    "$(ms "$f" 0) | $(ms "$f" 1) | $(ms "$f" 2) |" \
			    "$hr | $(pairs "$s") |"
		done
	done
	echo
	echo "## Cost against the number of /bin/cat stages"
	echo
	echo "### 4 KB"
	echo
	stages_tbl 4096
	echo
	echo "### 1 MB"
	echo
	stages_tbl 1048576
	echo
	echo "## Cost and hi-q's own peak RSS against the message size"
	echo
	echo "| size | 0 stages: hi-q × sink | hi-q × floor |" \
	    "3 cat: hi-q × sink | hi-q × floor | sink ms CPU / wall |" \
	    "hi-q own RSS KB: 0 / 3 cat / zone |" \
	    "hi-q own CPU ms: 0 / 3 cat / zone |"
	echo "|---|---|---|---|---|---|---|---|"
	for s in $SIZES_C; do
		read -r r0 o0 _ _ <<EOF
$(probev "r.$s" 0)
EOF
		read -r r3 o3 _ _ <<EOF
$(probev "r.$s" 1)
EOF
		read -r rz oz _ _ <<EOF
$(probev "r.$s" 2)
EOF
		echo "| $(label "$s") | $(cw "s0.$s" 2 0) | $(cw "s0.$s" 2 1) |" \
		    "$(cw "s3.$s" 2 0) | $(cw "s3.$s" 2 1) | $(ms "s0.$s" 0) |" \
		    "$r0 / $r3 / $rz | $(f2 "$o0") / $(f2 "$o3") / $(f2 "$oz") |"
	done
	echo
	echo "Ratios given as CPU / wall."
	echo
	echo "## Peak RSS of reference programs (own VmHWM, same probe)"
	echo
	echo "| program | own peak RSS KB | own CPU ms |"
	echo "|---|---|---|"
	k=0
	for p in "trivial C program (bench/trivial.c, dynamic)" "/bin/true" \
	    "static wrapper (bench/wrapper.c, $wrap_link)" "qq-sink (4 KB)"; do
		read -r r o _ _ <<EOF
$(probev triv "$k")
EOF
		echo "| $p | $r | $(f2 "$o") |"
		k=$((k + 1))
	done
	echo
	echo "## Zone tap throughput ($(label $ZB), queue = bench/nullq)"
	echo
	echo "The message is spliced into hi-q's fd 0; hi-q's own CPU time is"
	echo "read at its exit.  The tap's rate is the bytes over the CPU hi-q"
	echo "spends beyond the 0-stage run (whose one hop is the zone run's"
	echo "input hop).  Wall rates are bounded by the pipes themselves: see"
	echo "nullq alone."
	echo
	echo "| pipeline | hi-q own CPU ms | whole tree CPU ms | wall ms |" \
	    "GB/s of wall | GB/s of hi-q CPU |"
	echo "|---|---|---|---|---|---|"
	k=0
	for p in "hi-q, 0 stages (one pump)" "hi-q, 1 stage, no zone" \
	    "hi-q, 1 stage with zone" "no hi-q: sh pipes the stage into nullq" \
	    "no hi-q: nullq alone"; do
		read -r _ o t w <<EOF
$(probev zone.tap "$k")
EOF
		if [ "$k" -le 2 ]; then
			g=$(awk -v b=$ZB -v o="$o" \
			    'BEGIN { printf "%.2f", b / o / 1e6 }')
			o=$(f2 "$o")
		else
			o=- g=-
		fi
		echo "| $p | $o | $(f1 "$t") | $(f1 "$w") |" \
		    "$(awk -v b=$ZB -v w="$w" \
		    'BEGIN { printf "%.2f", b / w / 1e6 }') | $g |"
		k=$((k + 1))
	done
	echo
	echo "Tap alone: $ZB bytes / ($(f2 "$zcpu") - $(f2 "$c0cpu")) ms" \
	    "= $tap GB/s."
	# The load and throughput figures (and what follows them) come from
	# "make check-load" and "make bench-smtp", not from this run.
	if [ -f "$here/RESULTS.md" ]; then
		sed -n '/^## Load (make check-load)/,$p' "$here/RESULTS.md" |
		    sed '1s/^/\n/'
	fi
} >"$here/RESULTS.md.tmp"
mv -f "$here/RESULTS.md.tmp" "$here/RESULTS.md"
step "wrote bench/RESULTS.md in ${elapsed}s; load before: $load_before;" \
    "after: $load_after"
