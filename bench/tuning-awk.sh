#!/bin/sh
# tuning-awk.sh - the awk recipe docs/TUNING.md gave before hi-q-report:
# "scores" and the messages per score band of one point, with the zone
# they fell in.  Reads hi-q log lines on standard input.  bench/report.sh
# times it beside hi-q-report.
scores() {
	awk '/hi-q: verdict=/ {
		v = ""; s = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^verdict=/) v = substr($i, 9)
			if ($i ~ /^stage=spamc:.*:score=/) { s = $i; sub(/.*:score=/, "", s) }
		}
		if (s != "") { split(s, p, "/"); print p[1], p[2], v }
	}'
}
scores | awk '{ b = ($1 < 0) ? "<0" : int($1); n[b " " $3]++ }
    END { for (k in n) print k, n[k] }' | sort -n
