# shellcheck shell=sh
# initd-defaults.sh - init.d/qmail with its default settings on a plain
# qmail host, one without stunnel4 and without checkpassword: start runs
# the services it can (send and smtp), says in one line what each other
# one lacks, and exits 0; status and stop agree.  Every service starts
# from a clean environment, tcpserver gets control/me's name as -l, and
# with no system log the lines go to files, with a word at start.
#
# qmail is not packaged, so QMAILHOME is a stand-in tree, $TMP: rc,
# bin/qmail-smtpd, qmail-popup and qmail-pop3d (tests/initd), bin/hi-q (a
# copy), bin/splogger (lines into a file) and control/me.  The settings
# change only what a test machine must: the paths of that tree, free
# ports on 127.0.0.1, nobody in qmaild's place, and the missing programs
# (STUNNEL and CHECKPASSWORD name paths that do not exist).
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
# shellcheck source=tests/initd/common.sh
. "$TOP/tests/initd/common.sh"
SYSLOG_SINK="$TOP/tests/tools/syslog-sink"

QH=$TMP
mkdir -p "$QH/bin" "$QH/control"
echo mail.example.test >"$QH/control/me"
cp "$TOP/tests/initd/responder.sh" "$TOP/tests/initd/send.sh" "$TOP/hi-q" \
    "$QH/bin/"
for p in qmail-smtpd:smtpd qmail-popup:popup qmail-pop3d:pop3d; do
	printf '#!/bin/sh\nexec %s %s\n' "$QH/bin/responder.sh" "${p#*:}" \
	    >"$QH/bin/${p%%:*}"
done
# rc is send.sh itself, so that its environment is the one init.d gave
ln -s bin/send.sh "$QH/rc"
cat >"$QH/bin/splogger" <<EOF
#!/bin/sh
# stands in for qmail's splogger: each line, after its tag, into a file
while IFS= read -r line; do
	printf '%s: %s\n' "\$1" "\$line"
done >>"$TMP/syslog"
EOF
chmod 755 "$QH/bin"/*
# nobody, in qmaild's place, runs the smtpd stand-in
chmod 711 "$TMP"

cat >"$TMP/default" <<EOF
QMAILHOME=$QH
PIDO=$TOP/pido
RUNDIR=$RUN
LOGDIR=$TMP/log
SYSLOG_SOCKET=$TMP/log.sock
STUNNEL=$TMP/none/stunnel4
CHECKPASSWORD=$TMP/none/checkpassword
SMTP_ADDR=127.0.0.1
POP3_ADDR=127.0.0.1
SMTP_PORT=$(free_port)
SMTPS_PORT=$(free_port)
POP3_PORT=$(free_port)
POP3S_PORT=$(free_port)
SMTP_USER=nobody
START_TIMEOUT=20
STOP_TIMEOUT=3
EOF
SMTP_PORT=$(sed -n 's/^SMTP_PORT=//p' "$TMP/default")

# q DEFAULTS ARGS... - the init script with the settings file DEFAULTS,
# while a system log is there (a socket at SYSLOG_SOCKET), and with more
# in its environment than a service should get, as a shell has
q() {
	_d=$1
	shift
	"$SYSLOG_SINK" "$TMP/log.sock" env HOME=/root OLDPWD=/tmp SHLVL=2 \
	    QMAIL_DEFAULTS="$_d" sh "$TOP/init.d/qmail" "$@" >"$TMP/out" 2>&1
	_rc=$?
	mask <"$TMP/out"
	echo "exit $_rc"
}

qmail() {
	q "$TMP/default" "$@"
}

# qmail_nolog ARGS... - the same with no system log
qmail_nolog() {
	initd qmail "$TMP/default" "$@"
}

# pid_of NAME - the PID of a running service
pid_of() {
	"$PIDO" -p "$RUN/$1.pid"
}

# env_names PID - the names in PID's environment, on one line
env_names() {
	tr '\0' '\n' <"/proc/$1/environ" | sed 's/=.*//' | sort | tr '\n' ' '
	echo
}

# kids_ready - send's child and grandchild have written their PIDs
kids_ready() {
	[ -f "$TMP/kids" ] && [ "$(wc -l <"$TMP/kids")" -ge 2 ]
}

echo "--- start with the defaults, without stunnel4 or checkpassword: send and"
echo "--- smtp start, one line names what each other service lacks; exit 0"
qmail start

echo "--- status: send and smtp run, the others lack the same; exit 0"
qmail status

echo "--- smtp answers; tcpserver gave control/me's name (-l), not 0"
# shellcheck disable=SC2016
timeout 20 tcpclient -RHl0 127.0.0.1 "$SMTP_PORT" sh -c \
    'IFS= read -r l <&6; printf "%s\n" "$l"; printf "QUIT\r\n" >&7' |
    tr -d '\r' | sed -e "s|$TMP/|TMP/|g"

echo "--- each service got a clean environment: PATH, and QMAILQUEUE for smtp"
echo "send: $(env_names "$(pid_of send)")"
echo "smtp: $(env_names "$(pid_of smtp)")"

echo "--- splogger has tcpserver's lines, tagged qmail-smtp"
poll 10 grep -q '^qmail-smtp: tcpserver: end ' "$TMP/syslog" ||
    echo "no end line from tcpserver"
grep -q '^qmail-smtp: tcpserver: status: 0/40$' "$TMP/syslog" &&
    echo "status line found"

echo "--- smtps named on the command line must run: it cannot, exit 5"
qmail start smtps

echo "--- the same with smtps=yes in the settings: exit 5"
{
	cat "$TMP/default"
	echo "smtps=yes"
} >"$TMP/default.yes"
q "$TMP/default.yes" start

echo "--- stop with the defaults stops what runs: exit 0"
poll 10 kids_ready || echo "send's children did not start"
qmail stop

echo "--- status: nothing runs; exit 3"
qmail status

echo "--- no system log (no socket at SYSLOG_SOCKET): start says so, and"
echo "--- smtp logs to LOGDIR instead of losing every line"
qmail_nolog start smtp
poll 10 grep -q '^tcpserver: status: 0/40$' "$TMP/log/qmail-smtp.log" &&
    echo "TMP/log/qmail-smtp.log has tcpserver's lines"
qmail_nolog stop smtp

echo "--- no control/me: smtp is not started, and says why; exit 6"
mv "$QH/control/me" "$QH/control/me.away"
qmail start smtp
mv "$QH/control/me.away" "$QH/control/me"

echo "--- SMTPD_ENV with a word that is not NAME=value: exit 6"
{
	cat "$TMP/default"
	echo 'SMTPD_ENV="DATABYTES=20000000 oops"'
} >"$TMP/default.env"
q "$TMP/default.env" start smtp

echo "--- no qmail at all (an empty QMAILHOME): start says what each service"
echo "--- lacks and exits 5, status 3"
{
	cat "$TMP/default"
	echo "QMAILHOME=$TMP/empty"
} >"$TMP/default.empty"
q "$TMP/default.empty" start
q "$TMP/default.empty" status
