#!/bin/sh
# slow-read.sh BYTES SECONDS - pass the message on unchanged, BYTES at a
# time with a pause of SECONDS before each: a slow stage that keeps moving.
while :; do
	sleep "$2"
	# dd reads exactly one block; its "records in" says if any came.
	got=$(dd bs="$1" count=1 iflag=fullblock 2>&1 >&3 |
	    sed -n 's/^\([0-9]*\)+\([0-9]*\) records in$/\1\2/p')
	[ "$got" = 00 ] && exit 0
	[ -n "$got" ] || exit 1
done 3>&1
