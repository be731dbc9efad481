#!/bin/sh
# write-more.sh BYTES - write BYTES of header lines before reading the
# message, then pass the message on: more out than in, and output before
# input, which must not deadlock the pipeline.
n=${1:-300000}
head -c "$n" /dev/zero | tr '\0' 'x' | fold -w 70 | sed 's/^/X-Pad: /' |
    head -c "$n"
printf '\n'
exec cat
