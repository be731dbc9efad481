# shellcheck shell=sh
# initd-qmail.sh - init.d/qmail runs, finds, stops and zaps real tcpserver
# and stunnel4 servers.  qmail is not packaged, so the services run stand-ins
# (tests/initd: a responder for smtpd and pop3, a forking "send" daemon),
# configured through a settings file in a temporary root, on free ports of
# 127.0.0.1.
# shellcheck source=tests/e2e/lib.sh
. "$TOP/tests/e2e/lib.sh"
# shellcheck source=tests/initd/common.sh
. "$TOP/tests/initd/common.sh"
STANDIN="$TOP/tests/initd"

SMTP_PORT=$(free_port)
SMTPS_PORT=$(free_port)
POP3_PORT=$(free_port)
POP3S_PORT=$(free_port)
mkdir "$TMP/tls"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
    -keyout "$TMP/tls/key.pem" -out "$TMP/tls/cert.pem" 2>/dev/null ||
    echo "openssl req failed"

# control/me: the host name tcpserver gets with -l
mkdir "$TMP/control"
echo mail.example.test >"$TMP/control/me"

cat >"$TMP/default" <<EOF
QMAILHOME=$TMP
PIDO=$TOP/pido
RUNDIR=$RUN
LOGGER=
LOGDIR=$TMP/log
START_TIMEOUT=20
STOP_TIMEOUT=3
ZAP_GRACE=1
SMTPD_QMAILQUEUE=$TOP/hi-q
SEND_CMD="$STANDIN/send.sh $TMP/kids"
SMTP_CMD="$STANDIN/responder.sh smtpd"
POP3_CMD="$STANDIN/responder.sh pop3d"
SMTP_ADDR=127.0.0.1
POP3_ADDR=127.0.0.1
SMTP_PORT=$SMTP_PORT
SMTPS_PORT=$SMTPS_PORT
POP3_PORT=$POP3_PORT
POP3S_PORT=$POP3S_PORT
SMTP_USER=
SMTPS_CERT=$TMP/tls/cert.pem
SMTPS_KEY=$TMP/tls/key.pem
EOF
# The same system, with a send that ignores SIGTERM, or dies at start.
{
	cat "$TMP/default"
	echo "SEND_CMD=\"$STANDIN/send.sh $TMP/kids stubborn\""
} >"$TMP/default.stubborn"
{
	cat "$TMP/default"
	echo "SEND_CMD=\"$STANDIN/send.sh $TMP/kids fail\""
} >"$TMP/default.fail"

qmail() {
	initd qmail "$TMP/default" "$@"
}

# hello PORT - the greeting of a plain server, after which it says QUIT
hello() {
	# shellcheck disable=SC2016
	timeout 20 tcpclient -RHl0 127.0.0.1 "$1" sh -c \
	    'IFS= read -r l <&6; printf "%s\n" "$l"; printf "QUIT\r\n" >&7' |
	    tr -d '\r' | sed -e "s|$TOP/|TOP/|g"
}

# pid_of NAME - the PID of a running service
pid_of() {
	"$PIDO" -p "$RUN/$1.pid"
}

# kids_ready - send's child and grandchild have written their PIDs
kids_ready() {
	[ -f "$TMP/kids" ] && [ "$(wc -l <"$TMP/kids")" -ge 2 ]
}

# all_gone PID... - how many of these processes are still alive
all_gone() {
	_n=0
	for _p in "$@"; do
		! alive "$_p" || _n=$((_n + 1))
	done
	echo "still alive: $_n"
}

echo "--- start brings every service up and waits until each listens"
qmail start
listening "$SMTP_PORT" && echo "smtp listening"
listening "$SMTPS_PORT" && echo "smtps listening"
listening "$POP3_PORT" && echo "pop3 listening"
listening "$POP3S_PORT" && echo "pop3s listening"

echo "--- status: all five running, exit 0"
qmail status

echo "--- smtp answers; qmail-smtpd gets QMAILQUEUE=hi-q, and control/me as -l"
hello "$SMTP_PORT"
echo "exit $?"

echo "--- pop3 answers, without QMAILQUEUE"
hello "$POP3_PORT"
echo "exit $?"

echo "--- smtps answers TLS with the certificate made here (stunnel4)"
printf 'QUIT\r\n' | timeout 20 openssl s_client -quiet -connect \
    "127.0.0.1:$SMTPS_PORT" -CAfile "$TMP/tls/cert.pem" \
    -verify_hostname localhost -verify_return_error 2>"$TMP/s_client" |
    tr -d '\r' | sed -e "s|$TOP/|TOP/|g"
echo "exit $?"
grep -q '^verify return:1' "$TMP/s_client" && echo "certificate verified"

echo "--- pop3s answers TLS too"
printf 'QUIT\r\n' | timeout 20 openssl s_client -quiet -connect \
    "127.0.0.1:$POP3S_PORT" -CAfile "$TMP/tls/cert.pem" \
    -verify_return_error 2>/dev/null | tr -d '\r'
echo "exit $?"

echo "--- start twice does not start a second copy"
before=$(pid_of smtp)
qmail start smtp
[ "$(pid_of smtp)" = "$before" ] && echo "same pid"
[ "$(ss -Hltn "sport = :$SMTP_PORT" | wc -l)" -eq 1 ] && echo "one listener"

echo "--- stop leaves no process and status 3"
pid=$(pid_of smtp)
qmail stop smtp
alive "$pid" || echo "smtp's tcpserver is gone"
listening "$SMTP_PORT" || echo "port closed"
[ -e "$RUN/smtp.pid" ] || echo "pidfile removed"
qmail status smtp

echo "--- stop again: not running, exit 0"
qmail stop smtp

echo "--- restart starts a new copy"
qmail start smtp >/dev/null
before=$(pid_of smtp)
qmail restart smtp
[ "$(pid_of smtp)" != "$before" ] && echo "new pid"
hello "$SMTP_PORT"

echo "--- kill -9 leaves a stale pidfile: status 1"
pid=$(pid_of pop3)
kill -9 "$pid"
"$PIDO" -w 10 "$RUN/pop3.pid"
qmail status pop3

echo "--- start detects the stale pidfile and replaces it"
qmail start pop3
[ "$(pid_of pop3)" != "$pid" ] && echo "new pid"
hello "$POP3_PORT"

echo "--- zap kills send's group, grandchildren included"
poll 10 kids_ready || echo "send's children did not start"
leader=$(pid_of send)
# shellcheck disable=SC2046
set -- "$leader" $(cat "$TMP/kids")
qmail zap send
poll 10 group_gone "$leader" || echo "timed out"
echo "left in the group: $(group_left "$leader")"
all_gone "$@"
qmail status send

echo "--- stop of a send that ignores SIGTERM fails and says so"
rm -f "$TMP/kids"
initd qmail "$TMP/default.stubborn" start send
poll 10 kids_ready || echo "send's children did not start"
leader=$(pid_of send)
# shellcheck disable=SC2046
set -- "$leader" $(cat "$TMP/kids")
initd qmail "$TMP/default.stubborn" stop send
alive "$leader" && echo "still running"

echo "--- zap kills it after the grace period, with all its children"
initd qmail "$TMP/default.stubborn" zap send
poll 10 group_gone "$leader" || echo "timed out"
echo "left in the group: $(group_left "$leader")"
all_gone "$@"

echo "--- a send that dies at start is reported as failed"
rm -f "$TMP/kids"
initd qmail "$TMP/default.fail" start send
cat "$TMP/log/qmail-send.log"
qmail status send

echo "--- smtp on a port that is taken is reported as failed"
qmail stop smtp >/dev/null
"$PIDO" "$TMP/taken.pid" tcpserver 127.0.0.1 "$SMTP_PORT" true &
poll 10 listening "$SMTP_PORT" || echo "not listening"
: >"$TMP/log/qmail-smtp.log"
qmail start smtp
sed -e "s/$SMTP_PORT/PORT/" "$TMP/log/qmail-smtp.log"
"$PIDO" -k TERM -w 10 "$TMP/taken.pid"
wait

echo "--- start again: the stale send is replaced, the rest run already"
qmail start

echo "--- stop stops everything; status 3"
set --
for s in send smtp smtps pop3 pop3s; do
	set -- "$@" "$(pid_of "$s")"
done
qmail stop
all_gone "$@"
ls "$RUN"/*.pid 2>/dev/null
qmail status

# qmail_n ARGS... - qmail, with the count of processes left masked: the
# one send was sleeping in when it was killed may not have started yet
qmail_n() {
	qmail "$@" | sed 's/[0-9][0-9]* process(es)/N process(es)/'
}

# start_send - start send afresh, and wait for its children; their PIDs
# in $TMP/kids
start_send() {
	rm -f "$TMP/kids"
	qmail start send
	poll 10 kids_ready || echo "send's children did not start"
}

# crash_send - kill -9 the running send, leaving its children running
crash_send() {
	kill -9 "$(pid_of send)"
	"$PIDO" -w 10 "$RUN/send.pid"
}

echo "--- send killed by kill -9 while its deliveries run: status 1, they run"
start_send
# shellcheck disable=SC2046
set -- $(cat "$TMP/kids")
crash_send
qmail_n status send
all_gone "$@"

echo "--- start does not start a second send beside them; the pidfile stays"
qmail_n start send
"$PIDO" -c "$RUN/send.pid"
echo "pido -c: $?"
echo "children recorded: $(wc -l <"$TMP/kids")"

echo "--- stop ends them (SIGTERM, then SIGKILL), then removes the pidfile"
qmail_n stop send
all_gone "$@"
[ -e "$RUN/send.pid" ] || echo "pidfile removed"
qmail status send

echo "--- after the same crash, zap still reaches them"
start_send
# shellcheck disable=SC2046
set -- $(cat "$TMP/kids")
crash_send
qmail zap send
all_gone "$@"
qmail status send

echo "--- a send that exits on SIGTERM but leaves its children: stop ends them"
start_send
# shellcheck disable=SC2046
set -- $(cat "$TMP/kids")
qmail stop send
all_gone "$@"
qmail status send

# Hostile pidfiles: each case runs in a private PID namespace (in_pidns),
# where a regression that signals every process (kill -1) or the kernel's
# group 0 reaches only what the case started.  The services there keep
# their pidfiles and their children's PIDs in $TMP/ns, never in $RUN or
# $TMP/kids, which the cleanup acts on outside.
{
	cat "$TMP/default"
	echo "RUNDIR=$TMP/ns/run"
	echo "SEND_CMD=\"$STANDIN/send.sh $TMP/ns/kids\""
} >"$TMP/default.ns"

# ns ARGS... - in_pidns with q (the init script on default.ns, then its
# exit status) defined, its output masked
ns() {
	_script=$1
	_lead=
	if [ "$_script" = -s ]; then
		_lead=-s
		_script=$2
	fi
	# shellcheck disable=SC2016
	in_pidns $_lead 'q() {
		env QMAIL_DEFAULTS="$TMP/default.ns" sh "$TOP/init.d/qmail" "$@"
		echo "exit $?"
	}
	mkdir "$TMP/ns/run"
	'"$_script" >"$TMP/out" 2>&1
	mask <"$TMP/out" | sed -e "s|$TOP/|TOP/|g"
}

echo "--- a send.pid holding 1 where group 1 is process 1's (a container's"
echo "--- init): stop and zap signal nothing and remove it; an unrelated"
echo "--- session, and the script, run on"
# shellcheck disable=SC2016 # expanded by in_pidns's shell
ns -s '
	unrelated
	echo 1 >"$TMP/ns/run/send.pid"
	q stop send
	echo 1 >"$TMP/ns/run/send.pid"
	q zap send
	[ -e "$TMP/ns/run/send.pid" ] || echo "pidfile removed"
	alive "$other" && echo "the unrelated session runs on"'

echo "--- a send.pid holding 0 counts no process as its group: status 1,"
echo "--- stop removes it, start replaces it"
# shellcheck disable=SC2016 # expanded by in_pidns's shell
ns '
	echo 0 >"$TMP/ns/run/send.pid"
	q status send
	q stop send
	echo 0 >"$TMP/ns/run/send.pid"
	q start send
	poll 10 test -s "$TMP/ns/kids" || echo "no children"
	q zap send'

echo "--- a send.pid that is a symbolic link to another program's locked"
echo "--- pidfile: status unknown (4), stop, zap and start fail and never"
echo "--- say stopped; that program runs on"
# shellcheck disable=SC2016 # expanded by in_pidns's shell
ns '
	"$PIDO" -s "$TMP/ns/other.pid" sleep 600 &
	poll 10 "$PIDO" -c "$TMP/ns/other.pid" || echo "did not start"
	ln -s ../other.pid "$TMP/ns/run/send.pid"
	q status send
	q stop send
	q zap send
	q start send
	"$PIDO" -c "$TMP/ns/other.pid" && echo "the other program runs on"'
