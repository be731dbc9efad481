# shellcheck shell=sh source-path=SCRIPTDIR/../..
# envelope.sh - stages that see the envelope, against real programs: a
# qfilter's 82 text reaches an SMTP client through real qpsmtpd
# (contrib/qpsmtpd/queue-hi-q) and swaks; Debian's spamd with each
# recipient's own required score through "spamc -u" (contrib/with-rcpt,
# no shell, so a recipient with shell words in it runs nothing); and
# DKIM signing by Debian's opendkim-testmsg as a qfilter, only for a relay
# client, checked by opendkim's own verifier.
. "$TOP/tests/e2e/lib.sh"
. "$TOP/tests/lib/servers.sh"
with_servers
BIN="$TMP/bin"
srv_install "$BIN" "$HIQ" "$SINK" "$TOP/tests/qfilters/say" \
    "$TOP/contrib/with-rcpt"
srv_install "$TMP/qpsmtpd/plugins" "$TOP/contrib/qpsmtpd/queue-hi-q"
SINK="$BIN/qq-sink"

# fresh_queue - an empty queue folder that the qpsmtpd user may write
fresh_queue() {
	rm -rf "$Q"
	mkdir "$Q" && chown "$SRV_USER" "$Q"
}

echo "--- a qfilter's D text on fd 6 with 82: swaks hears 554 and the text"
fresh_queue
conf <<EOF2
qfilter say $BIN/say 82 "Dno such mailbox here (#5.1.1)"
EOF2
chmod 644 "$TMP/filters.conf"
qpsmtpd_start "$TMP/qpsmtpd" \
    "queue-hi-q $BIN/hi-q -c $TMP/filters.conf" || exit 1
smtp_send "$QPSMTPD_PORT" "$TMP/swaks" --from a@example.org \
    --to b@example.com
echo "exit $?"
queued
echo "--- the same with a Z text: 451 and the text"
conf <<EOF2
qfilter say $BIN/say 82 "Zgreylisted, come back later (#4.7.1)"
EOF2
smtp_send "$QPSMTPD_PORT" "$TMP/swaks" --from a@example.org \
    --to b@example.com
echo "exit $?"
queued

# Recipient a@ has required_score 3, b@ 8; the marked subject scores 5.5.
mkdir -p "$TMP/users/a@example.com" "$TMP/users/b@example.com"
echo "required_score 3" >"$TMP/users/a@example.com/user_prefs"
echo "required_score 8" >"$TMP/users/b@example.com/user_prefs"
chmod -R a+rX "$TMP/users"
spamd_start "$TMP/spamd" --virtual-config-dir="$TMP/users/%u" || exit 1
message y "yellowtest lunch on Friday" >"$TMP/y"
conf <<EOF2
stage spamc $BIN/with-rcpt -u /usr/bin/spamc -d 127.0.0.1 -p $SPAMD_PORT -E -x
    on 0 green
    on 1 red "message looks like spam (#5.7.1)"
    on * tempfail
    envelope
EOF2
for r in a@example.com b@example.com; do
	echo "--- spamc -u per recipient: $r alone"
	envelope alice@example.org "$r" >"$TMP/env"
	run_hiq "$TMP/y" "$TMP/env"
	queued
	rm -rf "$Q"
done
echo "--- both recipients: no HIQ_RCPT, spamd's own threshold (5.0)"
envelope alice@example.org a@example.com b@example.com >"$TMP/env"
run_hiq "$TMP/y" "$TMP/env"
echo "--- a recipient with shell words in it: one argument, nothing runs"
envelope alice@example.org "x;touch\${IFS}$TMP/pwned;@example.com" \
    >"$TMP/env"
run_hiq "$TMP/y" "$TMP/env" | sed 's/from=.*rcpts/from=... rcpts/'
[ -e "$TMP/pwned" ] && echo "a command ran" || echo "nothing ran"

# DKIM: a key made here, its public half where opendkim's test mode finds
# it instead of DNS.
mkdir "$TMP/dkim"
opendkim-genkey -D "$TMP/dkim" -d example.org -s hiq || exit 1
tr -d '\n\t"' <"$TMP/dkim/hiq.txt" |
    sed 's/^\([^ ]*\) *IN *TXT *( *\(.*\) *) *;.*/\1.example.org \2/' |
    sed 's/ h=sha256;//' >"$TMP/dkim/keys"
printf 'Mode v\nTestPublicKeys %s\nSyslog no\n' "$TMP/dkim/keys" \
    >"$TMP/dkim/verify.conf"
message d "the quarterly figures" >"$TMP/d"
envelope alice@example.org b@example.com >"$TMP/env"
conf <<EOF2
qfilter dkim /usr/sbin/opendkim-testmsg -d example.org -k $TMP/dkim/hiq.private -s hiq
    only-if-env RELAYCLIENT SMTPAUTHUSER
EOF2
# verify - opendkim's verdict on the queued message
verify() {
	cp "$Q"/new/*/message "$TMP/queued"
	opendkim -x "$TMP/dkim/verify.conf" -t "$TMP/queued" 2>&1 |
	    sed "s|$TMP/queued|queued|"
	rm -rf "$Q"
}
echo "--- DKIM for a relay client: signed, and the signature verifies"
RELAYCLIENT='' "$HIQ" -c "$TMP/filters.conf" <"$TMP/d" 1<"$TMP/env" \
    2>"$TMP/stderr"
echo "exit $?"
# The signature's size is the key's, not the test's to pin.
mask <"$TMP/stderr" | sed 's/ out=[0-9]*/ out=N/'
verify
echo "--- from outside: not signed"
run_hiq "$TMP/d" "$TMP/env"
verify
