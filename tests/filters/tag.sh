#!/bin/sh
# tag.sh TEXT - add the header "X-Tag: TEXT" and pass the message on.
printf 'X-Tag: %s\n' "${1:-tagged}"
exec cat
