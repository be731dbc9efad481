# shellcheck shell=sh source-path=SCRIPTDIR/../..
# cli.sh - hi-q's command line and configuration errors: --check, --help,
# --version, where the configuration comes from, and a bad one deferring
# mail with 55 and a file:line message while nothing is lost or queued.
. "$TOP/tests/e2e/lib.sh"
CALLER="$TOP/tests/tools/qq-caller"
printf 'Subject: hello\n\nbody\n' >"$TMP/msg"
envelope a@example.org b@example.com >"$TMP/env"

echo "--- --version"
"$HIQ" --version >"$TMP/out"
echo "exit $?"
sed 's/[0-9][0-9.]*$/VERSION/' "$TMP/out"

echo "--- --help names the options"
"$HIQ" --help | grep -c -e '--config=FILE' -e '--check' -e '--version'

echo "--- an unknown option: 55 and a usage line"
"$HIQ" --bogus 2>&1 | head -1
"$HIQ" --bogus >/dev/null 2>&1
echo "exit $?"

echo "--- --check prints the pipeline it would build"
conf <<EOF2
timeout 120
stage spamc /bin/cat -u   # a comment
    on 0 green
    on 1 yellow
    on 2,64-78 tempfail "try later (#4.3.0)"
    on signal tempfail
    on * red "no (#5.7.1)"
    timeout 60
    skip-if-env RELAYCLIENT AUTHUSER=x
EOF2
"$HIQ" --check -c "$TMP/filters.conf" >"$TMP/out"
echo "exit $?"
sed "s|$TMP|TMP|g; s|$TOP/|TOP/|g" "$TMP/out"

echo "--- --check output is itself a valid configuration"
"$HIQ" --check -c "$TMP/filters.conf" >"$TMP/again.conf"
"$HIQ" --check -c "$TMP/again.conf" | grep -v '^ *#' >"$TMP/third.conf"
grep -v '^ *#' "$TMP/again.conf" | cmp - "$TMP/third.conf" &&
    echo "same pipeline"

echo "--- --check finds a stage program that cannot run"
conf <<EOF2
stage first /bin/cat
stage gone /nonexistent/filter
EOF2
"$HIQ" --check -c "$TMP/filters.conf" >"$TMP/out" 2>&1
echo "exit $?"
sed "s|$TMP|TMP|g" "$TMP/out"

echo "--- a configuration error: 55, file and line, nothing queued"
conf <<EOF2
stage spamc /bin/cat
    on 1 gren
EOF2
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
    sed "s|$TMP|TMP|g"
queued

echo "--- a missing configuration file: 55"
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/nonexistent.conf" 2>&1 |
    sed "s|$TMP|TMP|g"

echo "--- a configuration error while the caller still writes 10 MB"
head -c 1048576 /dev/zero | tr '\0' 'z' >"$TMP/mb"
"$CALLER" -r 10 "$TMP/mb" "$TMP/env" "$HIQ" -c "$TMP/filters.conf" 2>&1 |
    sed "s|$TMP|TMP|g"

echo "--- HIQ_CONFIG names the file when -c does not"
conf_to "$TMP/env.conf" <<EOF2
stage tagger $FILTERS/tag.sh from-env
EOF2
HIQ_CONFIG="$TMP/env.conf" "$HIQ" <"$TMP/msg" 1<"$TMP/env" 2>/dev/null
echo "exit $?"
head -1 "$Q"/new/*/message

echo "--- -c wins over HIQ_CONFIG"
HIQ_CONFIG="$TMP/nonexistent" "$HIQ" -c "$TMP/env.conf" --check >/dev/null
echo "exit $?"

echo "--- the default file is under QMAILHOME"
HIQ_CONFIG="" "$HIQ" --check >"$TMP/out" 2>&1
echo "exit $?"
sed 's|/[^ ]*/control/|QMAILHOME/control/|' "$TMP/out"

echo "--- a queue directive naming hi-q itself: 55, not an endless chain"
echo "queue $HIQ" >"$TMP/self.conf"
"$CALLER" "$TMP/msg" "$TMP/env" "$HIQ" -c "$TMP/self.conf" 2>&1 |
    sed "s|$TMP|TMP|g"
