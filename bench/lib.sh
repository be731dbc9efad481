# lib.sh - what bench/run.sh, reject.sh and flood.sh share, sourced by them:
# the test messages, the readers of qqbench's output, number formats,
# labels and the machine lines of a results file.  The caller sets T (its
# temporary directory; qqbench's output in $T/res/NAME), top (the tree)
# and me (its name, for step).

step() { printf '%s: %s\n' "$me" "$*" >&2; }

# paired_rounds: P, the rounds counted, and WARM, the warm-up rounds
# before them, for qqbench: 41 and 2, or 5 and 1 with QUICK=1
paired_rounds() {
	if [ "${QUICK:-0}" = 1 ]; then
		P=5 WARM=1
	else
		P=41 WARM=2
	fi
}

# need PROGRAM...: each one is there, or the script stops
need() {
	for p in "$@"; do
		[ -x "$p" ] || { echo "$me: $p missing; run make" >&2; exit 1; }
	done
}
# two_hiq RAW: the old hi-q and the new one, with the sink, copied into
# $T/bin so that a rebuild during the run cannot change one side halfway.
# The old one is BEFORE (a path) or, without it, the hi-q of git revision
# BEFORE_REV, built in $T/src; the new one is AFTER.  Also makes $T/res and
# an empty $out/RAW for the raw runs.  Sets HB, HA, SINK, raw and
# before_what.
two_hiq() {
	raw=$out/$1
	mkdir -p "$T/bin" "$T/res" "$raw"
	rm -f "$raw"/*.tsv
	if [ -z "${BEFORE:-}" ]; then
		brev=$(git -C "$top" rev-parse --short "$BEFORE_REV^{commit}")
		step "building hi-q at $BEFORE_REV ($brev)"
		mkdir "$T/src"
		git -C "$top" archive "$brev" | tar -x -C "$T/src"
		if ! make -C "$T/src" hi-q >"$T/build.log" 2>&1; then
			cat "$T/build.log" >&2
			exit 1
		fi
		BEFORE=$T/src/hi-q
		before_what="git $BEFORE_REV ($brev), built here"
	else
		before_what=$BEFORE
	fi
	cp "$BEFORE" "$T/bin/hi-q.before"
	cp "$AFTER" "$T/bin/hi-q.after"
	cp "$top/contrib/qq-sink" "$T/bin/"
	HB=$T/bin/hi-q.before
	HA=$T/bin/hi-q.after
	SINK=$T/bin/qq-sink
}

# two_hiq_head SCRIPT HOW: the lines of a results file after its title
# for two hi-q side by side: what wrote it, the machine, the load
# ($load_before, $load_after), the old and the new hi-q (with the
# AFTER_CONF it was given, if any)
two_hiq_head() {
	if [ "$AFTER" = "$top/hi-q" ]; then
		after_what="$after_what (tree $(tree_rev))"
	fi
	echo "Written by \`$2\` (bench/$1); the numbers are"
	echo "measurements of one run, not assertions.  Method: bench/README.md."
	echo
	machine "$load_before" "$load_after"
	echo "- before: $before_what, sha256 $(sha256sum "$HB" | cut -c1-16)..."
	echo "- after: $after_what, sha256 $(sha256sum "$HA" |
	    cut -c1-16)...${AFTER_CONF:+; with \"$AFTER_CONF\" in its filters.conf}"
}

# wrap_link: how bench/wrapper is linked; the Makefile says, in WRAP_LINK,
# whether it could link statically
wrap_link() {
	if [ "${WRAP_LINK:-}" = -static ]; then
		echo static
	else
		echo "dynamic (no libc.a found)"
	fi
}

# messages BODYBYTES: the envelope $T/env, and $T/head and $T/body
# (BODYBYTES random bytes in base64 lines) from which mkmsg cuts messages
# of up to about 1.35 × BODYBYTES.  Realistic headers, then base64 lines.
messages() {
	printf 'Fa@example.org\0Tb@example.com\0\0' >"$T/env"
	cat >"$T/head" <<'EOF'
Return-Path: <a@example.org>
Received: from mail.example.org (mail.example.org [192.0.2.1])
	by mx.example.com with SMTP; 25 Nov 2024 09:00:00 -0000
From: Alice <a@example.org>
To: Bob <b@example.com>
Subject: quarterly report
Date: Mon, 25 Nov 2024 09:00:00 +0000
Message-ID: <20241125090000.12345@mail.example.org>
MIME-Version: 1.0
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

EOF
	head -c "$1" /dev/urandom | base64 -w 76 >"$T/body"
	hlen=$(wc -c <"$T/head")
}

# mkmsg BYTES: $T/m.BYTES, exactly BYTES long
mkmsg() {
	if [ ! -e "$T/m.$1" ]; then
		{ cat "$T/head"; head -c $(($1 - hlen)) "$T/body"; } \
		    >"$T/m.$1"
	fi
}

# cats N: N filters.conf lines "stage catK /bin/cat", K from 1 to N
cats() {
	cn=1
	while [ "$cn" -le "$1" ]; do
		printf 'stage cat%d /bin/cat\n' "$cn"
		cn=$((cn + 1))
	done
}

# Readers of the results.  ratio FILE I J: cpu q1 q3 wall q1 q3
ratio() {
	awk -v i="$2" -v j="$3" '$1 == "ratio" && $2 == i && $3 == j {
	    print $5, $6, $7, $9, $10, $11 }' "$T/res/$1"
}
# cmdv FILE I: cpu_ms wall_ms tree_rss_kb out_kb (medians)
cmdv() {
	awk -v i="$2" '$1 == "cmd" && $2 == i { print $6, $10, $14, $19 }' \
	    "$T/res/$1"
}
f2() { printf '%.2f' "$1"; }
f1() { printf '%.1f' "$1"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
yn() { if le "$1" "$2"; then echo yes; else echo no; fi; }
# cw FILE I J: "CPU / wall" of the ratio I J
cw() {
	read -r a _ _ b _ _ <<EOF
$(ratio "$1" "$2" "$3")
EOF
	echo "$(f2 "$a") / $(f2 "$b")"
}

label() {
	case $1 in
	4096) echo "4 KB" ;;
	16384) echo "16 KB" ;;
	65536) echo "64 KB" ;;
	262144) echo "256 KB" ;;
	1048576) echo "1 MB" ;;
	4194304) echo "4 MB" ;;
	16777216) echo "16 MB" ;;
	20971520) echo "20 MB" ;;
	52428800) echo "50 MB" ;;
	209715200) echo "200 MB" ;;
	*) echo "$1 B" ;;
	esac
}
pipeline() {
	case $1 in
	c0) echo "0 stages" ;;
	c1) echo "1 cat" ;;
	c3) echo "3 cat" ;;
	c8) echo "8 cat" ;;
	zone) echo "zone stage" ;;
	esac
}

# tree_rev: the tree's git revision, "-dirty" if changed
tree_rev() {
	git -C "$top" --no-optional-locks describe --always --dirty \
	    2>/dev/null || echo unknown
}
# machine LOAD_BEFORE LOAD_AFTER: the date, machine and load lines
machine() {
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(nproc) CPUs," \
	    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
	    "kernel $(uname -r)," \
	    "$(awk '/^MemTotal/ { printf "%d MB", $2 / 1024 }' /proc/meminfo) RAM"
	echo "- load (/proc/loadavg) before: $1; after: $2"
}
