# shellcheck shell=sh source-path=SCRIPTDIR/../..
# conffile.sh - what filters.conf may be: only the end of a regular file
# ends it, so a memory limit, a FIFO, a device, a file of NULs or a line
# past the limit is exit 55 with the reason (never a shorter pipeline, never
# a hang), with the caller drained and nothing queued; the programs --check
# accepts are the ones a message can run; and an error shows the bytes a
# terminal would hide.
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"
printf 'Subject: hello\n\nbody\n' >"$TMP/msg"
envelope a@example.org b@example.com >"$TMP/env"

# limited KB CMD... - CMD under an address-space limit of KB KiB.  A build
# with AddressSanitizer (make check-asan) cannot start under one, since its
# shadow memory alone is terabytes of address space: it runs CMD without,
# and the output is the same, as the limit is not what refuses the file.
if grep -q __asan_init "$HIQ"; then
	limited() { shift; "$@"; }
else
	# shellcheck disable=SC3045 # dash, which runs the tests, has -v
	limited() { (ulimit -v "$1" && shift && exec "$@"); }
fi

# via_caller CONF - qq-caller runs hi-q on CONF: what the client is told,
# and whether every byte it wrote was taken
via_caller() {
	"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$1" 2>&1 |
	    sed "s|$TMP|TMP|g"
}

# comment_above N FILE - a comment line of N bytes, then a stage that
# rejects the message: the stage must never be lost (the lines above the
# comment are what would be left, a pipeline of no stage)
comment_above() {
	{
		echo "queue $SINK -d $Q"
		echo "user root"
		printf '#'
		head -c $(($1 - 1)) /dev/zero | tr '\0' x
		printf '\nstage reject /bin/false\n    on 1 red\n'
	} >"$2"
}

echo "--- a 5 MB comment line above a rejecting stage, under ulimit -v 8000:"
echo "--- 55 with the line, the caller drained, nothing queued"
comment_above 5000000 "$TMP/5mb.conf"
limited 8000 "$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/5mb.conf" 2>&1 |
    sed "s|$TMP|TMP|g"
queued

echo "--- the same without a limit: the same 55"
via_caller "$TMP/5mb.conf"

echo "--- the same through --check under the limit: 55, no pipeline printed"
limited 8000 "$HIQ" --check -c "$TMP/5mb.conf" 2>&1 | sed "s|$TMP|TMP|g"
limited 8000 "$HIQ" --check -c "$TMP/5mb.conf" >/dev/null 2>&1
echo "exit $?"

echo "--- a line of 65536 bytes is read: under the limit the stage rejects"
comment_above 65536 "$TMP/64k.conf"
limited 8000 "$HIQ" -c "$TMP/64k.conf" <"$TMP/msg" 1<"$TMP/env" \
    2>"$TMP/stderr"
echo "exit $?"
mask <"$TMP/stderr"
queued

echo "--- 200 MB of NULs (a sparse file), under ulimit -v 8000: 55 at line 1"
truncate -s 200M "$TMP/nul.conf"
limited 8000 "$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/nul.conf" 2>&1 |
    sed "s|$TMP|TMP|g"
queued

echo "--- a file over 1 MiB in short lines: 55 at the line past the limit"
conf_to "$TMP/big.conf" <<EOF
stage first /bin/cat
EOF
i=0
while [ $i -lt 1100 ]; do
	printf '# %01021d\n' 0
	i=$((i + 1))
done >>"$TMP/big.conf"
via_caller "$TMP/big.conf"

# A FIFO, mode 0644, that nobody writes: an open(2) that waits for a
# writer would never return.  timeout turns such a hang into a failure;
# opening the FIFO read-write afterwards lets a hi-q stuck in open go, so
# that none outlives the test.
mkfifo -m 644 "$TMP/fifo.conf"
echo "--- filters.conf a FIFO: 55 at once, the caller's 10 MB drained"
head -c 1048576 /dev/zero | tr '\0' z >"$TMP/mb"
timeout 60 "$CALLER" -r 10 "$TMP/mb" "$TMP/env" "$HIQ" -c "$TMP/fifo.conf" \
    2>&1 | sed "s|$TMP|TMP|g"
: <>"$TMP/fifo.conf"
echo "--- --check of the FIFO: 55 at once"
timeout 60 "$HIQ" --check -c "$TMP/fifo.conf" 2>&1 | sed "s|$TMP|TMP|g"
timeout 60 "$HIQ" --check -c "$TMP/fifo.conf" >/dev/null 2>&1
echo "exit $?"
: <>"$TMP/fifo.conf"
echo "--- a symlink to the FIFO: the same"
ln -s "$TMP/fifo.conf" "$TMP/link.conf"
timeout 60 "$HIQ" --check -c "$TMP/link.conf" 2>&1 | sed "s|$TMP|TMP|g"
: <>"$TMP/fifo.conf"

# A character device that reads zeros for ever, owned by root and mode
# 0644 so that only its type is at fault (mknod needs root; a symlink to
# /dev/zero, mode 0666, is refused for its type first all the same).  The
# 1 GB limit only keeps a hi-q that reads it from taking the machine.
if ! mknod -m 644 "$TMP/zero.conf" c 1 5 2>/dev/null; then
	ln -s /dev/zero "$TMP/zero.conf"
fi
echo "--- filters.conf a device reading zeros: 55 at once, caller drained"
limited 1000000 timeout 60 "$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" \
    -c "$TMP/zero.conf" 2>&1 | sed "s|$TMP|TMP|g"
queued

echo "--- a directory as filters.conf: 55"
mkdir "$TMP/dir.conf"
via_caller "$TMP/dir.conf"

echo "--- --check: a directory as a stage and as the queue is an error, 55"
cat >"$TMP/progdir.conf" <<EOF
queue $TMP
user root
stage s1 /tmp
check c1 $TMP/
stage s2 /bin/cat
EOF
"$HIQ" --check -c "$TMP/progdir.conf" >"$TMP/out" 2>&1
echo "exit $?"
sed "s|$TMP|TMP|g" "$TMP/out"

echo "--- --check: a file without an x bit and a device, refused alike"
printf '#!/bin/sh\nexec cat\n' >"$TMP/noexec"
chmod 644 "$TMP/noexec"
conf_to "$TMP/prog.conf" <<EOF
stage s1 $TMP/noexec
stage s2 /dev/null
EOF
"$HIQ" --check -c "$TMP/prog.conf" >"$TMP/out" 2>&1
echo "exit $?"
sed "s|$TMP|TMP|g" "$TMP/out"

echo "--- a message meets the directory the same way: 71, nothing queued"
conf_to "$TMP/filters.conf" <<EOF
stage s1 /tmp
EOF
run_hiq "$TMP/msg" "$TMP/env"
queued

echo "--- a UTF-8 byte order mark is named"
printf '\357\273\277queue /bin/cat\n' >"$TMP/bom.conf"
"$HIQ" --check -c "$TMP/bom.conf" 2>&1 | sed "s|$TMP|TMP|g"
via_caller "$TMP/bom.conf"

echo "--- control and non-ASCII bytes in an error show as \\xHH"
printf 'queue /bin/cat\n\033[8mhidden\033[0m x\n' >"$TMP/esc.conf"
"$HIQ" --check -c "$TMP/esc.conf" 2>&1 | sed "s|$TMP|TMP|g"
{
	printf 'queue /bin/cat\nuser root\n'
	printf 'stage s1 "/nonexistent/caf\303\251\033[2J"\n'
} >"$TMP/escprog.conf"
"$HIQ" --check -c "$TMP/escprog.conf" 2>&1 | sed "s|$TMP|TMP|g"
