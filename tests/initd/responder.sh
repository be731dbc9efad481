#!/bin/sh
# tests/initd/responder.sh NAME - stands in for qmail-smtpd or qmail-popup
# behind tcpserver (and stunnel) in the init script tests: it greets with
# its name and the QMAILQUEUE it was given, so a test sees that hi-q is set
# for smtpd and for nothing else, then answers QUIT.
printf '220 %s QMAILQUEUE=%s\r\n' "$1" "${QMAILQUEUE:-unset}"
while IFS= read -r line; do
	case $line in
	QUIT*|quit*)
		printf '221 bye\r\n'
		exit 0
		;;
	*)
		printf '502 stand-in\r\n'
		;;
	esac
done
