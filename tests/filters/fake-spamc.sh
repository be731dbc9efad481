#!/bin/sh
# fake-spamc.sh SCORE [EXIT] - write what spamc -E writes for a message
# that SpamAssassin scored SCORE (required 5.0): its headers, the status
# folded over two lines as spamd folds it, then the message; exit EXIT
# (default: 1 at 5.0 and above, else 0).  For the zone tests that need no
# spamd; the real thing is tested in spamd.sh.
score=$1
flag=No
code=0
if awk -v s="$score" 'BEGIN { exit !(s + 0 >= 5.0) }'; then
	flag=Yes
	code=1
	printf 'X-Spam-Flag: YES\n'
fi
printf 'X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-25) on test\n'
printf 'X-Spam-Status: %s, score=%s required=5.0 tests=MSGID_SHORT,NO_RECEIVED,\n' \
    "$flag" "$score"
printf '\tNO_RELAYS autolearn=disabled version=4.0.1\n'
cat || exit 74
exit "${2:-$code}"
