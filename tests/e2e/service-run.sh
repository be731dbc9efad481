# shellcheck shell=sh
# service-run.sh - contrib/service's run scripts give tcpserver the name in
# control/me as -l, which qmail-smtpd writes into its Received: lines ("by
# NAME", never "by 0"), and qmail-popup its host name; without control/me
# a script says why and exits 1, so the supervisor's log has the reason.
# The scripts name /var/qmail, port 25 or 110, qmaild and
# /etc/tcp.smtp.cdb: each runs from a copy with those replaced by a
# stand-in tree in $TMP (tests/initd/responder.sh as qmail-smtpd and
# qmail-popup), a free port of 127.0.0.1, nobody and a cdb made here.
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
# shellcheck source=tests/initd/common.sh
. "$TOP/tests/initd/common.sh"

QH="$TMP/qmail"
mkdir -p "$QH/bin" "$QH/control"
echo mail.example.test >"$QH/control/me"
cp "$TOP/tests/initd/responder.sh" "$QH/bin/"
printf '#!/bin/sh\nexec %s smtpd\n' "$QH/bin/responder.sh" \
    >"$QH/bin/qmail-smtpd"
# qmail-popup's stand-in greets with the host name it was given
# shellcheck disable=SC2016
printf '#!/bin/sh\nexec %s "popup:$1"\n' "$QH/bin/responder.sh" \
    >"$QH/bin/qmail-popup"
chmod 755 "$QH/bin"/*
# nobody, in qmaild's place, runs the smtpd stand-in
chmod 711 "$TMP"
echo ':allow' | tcprules "$TMP/tcp.smtp.cdb" "$TMP/tcp.smtp.tmp"

# here NAME PORT - contrib/service/NAME/run as $TMP/NAME.run, on PORT
here() {
	sed -e "s|/var/qmail/|$QH/|g" -e "s|/etc/tcp.smtp.cdb|$TMP/tcp.smtp.cdb|" \
	    -e 's/qmaild/nobody/g' -e "s/ 0 \(25\|110\) / 127.0.0.1 $2 /" \
	    "$TOP/contrib/service/$1/run" >"$TMP/$1.run"
}

# greet NAME PORT - run NAME's script under pido, print the greeting of
# what listens, then stop it
greet() {
	"$PIDO" -s "$TMP/$1.pid" sh "$TMP/$1.run" >"$TMP/$1.log" 2>&1 &
	poll 20 listening "$2" || { echo "not listening"; cat "$TMP/$1.log"; }
	# shellcheck disable=SC2016
	timeout 20 tcpclient -RHl0 127.0.0.1 "$2" sh -c \
	    'IFS= read -r l <&6; printf "%s\n" "$l"; printf "QUIT\r\n" >&7' |
	    tr -d '\r' | sed -e "s|$TMP/|TMP/|g"
	"$PIDO" -k TERM -w 10 "$TMP/$1.pid"
	wait
}

for s in qmail-smtpd qmail-pop3d; do
	port=$(free_port)
	here "$s" "$port"
	echo "--- $s/run: tcpserver -l (and qmail-popup) get control/me's name"
	greet "$s" "$port"
done

echo "--- without control/me each says why and exits 1"
mv "$QH/control/me" "$QH/control/me.away"
for s in qmail-smtpd qmail-smtpsd qmail-pop3d qmail-pop3sd; do
	here "$s" "$(free_port)"
	# A script that starts its server all the same is stopped (124).
	timeout 20 sh "$TMP/$s.run" >"$TMP/out" 2>&1
	echo "exit $?"
	sed -e "s|$TMP/|TMP/|g" -e 's/^head: .*/head: (why)/' "$TMP/out"
done

echo "--- nothing shipped gives tcpserver -l 0"
(cd "$TOP" && grep -rln -e '-l 0' init.d contrib docs README.md) ||
    echo "none"
