# shellcheck shell=sh
# initd-spamd.sh - init.d/spamd starts Debian's spamd under pido, says
# "started" only once spamd answers, and stops it with all its children;
# spamc checks a message in between.  spamd listens on a free port of
# 127.0.0.1, with a private site configuration and no network rules.
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
# shellcheck source=tests/initd/common.sh
. "$TOP/tests/initd/common.sh"

PORT=$(free_port)
# As root, spamd's children run as nobody and must read the configuration.
user=
[ "$(id -u)" -ne 0 ] || user=nobody
chmod 711 "$TMP"
mkdir "$TMP/site"
cp /etc/spamassassin/*.pre "$TMP/site/"
cat >"$TMP/site/local.cf" <<EOF
use_bayes 0
score ALL_TRUSTED 0
EOF
chmod -R a+rX "$TMP/site"

# OPTIONS as in Debian's /etc/default/spamd, with its --max-children, and
# the test's own; no system log, so the default LOGGER cannot be used.
cat >"$TMP/default" <<EOF
PIDO=$TOP/pido
PIDFILE=$RUN/spamd.pid
SPAMD_LISTEN=127.0.0.1:$PORT
SPAMD_USER=$user
SPAMD_SITECONFIG=$TMP/site
OPTIONS="--create-prefs --max-children 1 --helper-home-dir --syslog=stderr --nouser-config"
SYSLOG_SOCKET=$TMP/no-log
LOGDIR=$TMP/log
START_TIMEOUT=120
STOP_TIMEOUT=30
EOF
{
	cat "$TMP/default"
	echo 'OPTIONS="--syslog=stderr -d"'
} >"$TMP/default.daemonize"

cat >"$TMP/gtube" <<'EOF'
Subject: test
From: a@example.org
To: b@example.com

XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X
EOF

cat >"$TMP/ham" <<'EOF'
Date: Wed, 25 Nov 2026 08:00:00 +0000
Message-ID: <hiq-initd-test@example.org>
Subject: lunch on Friday
From: Alice <alice@example.org>
To: Bob <bob@example.com>

Shall we meet at noon, at the usual place?
Alice
EOF

spamd() {
	initd spamd "$TMP/default" "$@" | sed -e "s/:$PORT\$/:PORT/"
}

echo "--- start returns once spamd answers; with no system log, it says so"
spamd start
spamc -d 127.0.0.1 -p "$PORT" -K
echo "exit $?"

echo "--- --max-children comes once, from Debian's OPTIONS; the log is a file"
tr '\0' ' ' <"/proc/$("$PIDO" -p "$RUN/spamd.pid")/cmdline" |
    grep -o -e '--max-children[= ][0-9]*' -e ' -m *[0-9]*'
grep -c 'spamd: server started on' "$TMP/log/spamd.log" |
    sed 's/^/start lines in spamd.log: /'

echo "--- status: running, exit 0"
spamd status

echo "--- start twice does not start a second copy"
pid=$("$PIDO" -p "$RUN/spamd.pid")
spamd start
[ "$("$PIDO" -p "$RUN/spamd.pid")" = "$pid" ] && echo "same pid"

echo "--- spamc checks a message through it: GTUBE is spam (-E: 1)"
spamc -d 127.0.0.1 -p "$PORT" -E <"$TMP/gtube" >"$TMP/checked"
echo "exit $?"
grep '^X-Spam-Flag:' "$TMP/checked"

echo "--- and a plain message is not (-E: 0)"
spamc -d 127.0.0.1 -p "$PORT" -E <"$TMP/ham" >"$TMP/checked"
echo "exit $?"
grep -c '^X-Spam-Flag:' "$TMP/checked"

echo "--- stop ends spamd and its children; status 3"
spamd stop
poll 30 group_gone "$pid" || echo "timed out"
echo "left in the group: $(group_left "$pid")"
listening "$PORT" || echo "port closed"
spamd status

echo "--- OPTIONS with -d is refused: pido would lose spamd"
initd spamd "$TMP/default.daemonize" start
[ -e "$RUN/spamd.pid" ] || echo "nothing started"

echo "--- SPAMD_CHILDREN beside OPTIONS's --max-children is refused"
{
	cat "$TMP/default"
	echo "SPAMD_CHILDREN=3"
} >"$TMP/default.twice"
initd spamd "$TMP/default.twice" start
[ -e "$RUN/spamd.pid" ] || echo "nothing started"

echo "--- so is --listen in OPTIONS: start asks spamd at SPAMD_LISTEN"
{
	cat "$TMP/default"
	echo 'OPTIONS="--listen=127.0.0.1:1 --syslog=stderr"'
} >"$TMP/default.listen"
initd spamd "$TMP/default.listen" start

echo "--- a spamd that cannot listen is reported as failed"
"$PIDO" "$TMP/taken.pid" tcpserver 127.0.0.1 "$PORT" true &
poll 10 listening "$PORT" || echo "not listening"
spamd start
spamd status
"$PIDO" -k TERM -w 10 "$TMP/taken.pid"
wait
