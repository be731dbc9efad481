#!/bin/sh
# tests/initd/responder.sh NAME - stands in for qmail-smtpd or qmail-popup
# behind tcpserver (and stunnel) in the init script tests: it greets with
# its name, the QMAILQUEUE it was given, so a test sees that hi-q is set
# for smtpd and for nothing else, and the local host name tcpserver gave it
# (-l), which qmail-smtpd writes into its Received: line; then it answers
# QUIT.
printf '220 %s QMAILQUEUE=%s TCPLOCALHOST=%s\r\n' "$1" \
    "${QMAILQUEUE:-unset}" "${TCPLOCALHOST:-unset}"
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
