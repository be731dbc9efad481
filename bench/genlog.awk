# genlog.awk - N hi-q log lines, as hi-q writes them, for bench/report.sh
#
#	awk -v n=1000000 -f bench/genlog.awk >log
#
# Fixed seed, so every run makes the same file: mostly ham scored -3 to 5,
# some yellow (5 to 7), red (7 to 30, a few GTUBE at 1000), relay clients
# skipped, messages over spamc's -s unscanned, deferrals while spamd is
# down, and a clamav check after spamc.
BEGIN {
	srand(42)
	for (i = 0; i < n; i++) {
		r = rand()
		t = sprintf("%.3f", 0.02 + rand() * 0.2)
		c = sprintf("%.3f", 0.001 + rand() * 0.01)
		from = "<user" int(rand() * 5000) "@example.org>"
		b = 1000 + int(rand() * 60000)
		qp = 1000 + int(rand() * 4000000)
		head = "hi-q: verdict=%s code=%d from=" from " rcpts=1 bytes=" b
		if (r < 0.05) {
			printf "hi-q: verdict=green code=0 from=" from " rcpts=1 " \
			    "bytes=- out=- time=%s qp=%d qq=%d " \
			    "stage=spamc:skipped:green:0.000\n", t, qp, qp + 1
			continue
		}
		if (r < 0.06) {
			printf head " out=0 time=2.0%02d qp=%d " \
			    "stage=spamc:exit69:tempfail:2.011 " \
			    "stage=clamav:aborted:tempfail:0.000 reason=\"spam " \
			    "filter unavailable, try later (#4.3.0)\"\n", "tempfail", 82,
			    int(rand() * 99), qp
			continue
		}
		if (r < 0.08) {
			printf head " out=%d time=%s qp=%d qq=%d " \
			    "stage=spamc:exit0:green:%s stage=clamav:exit0:green:%s\n",
			    "green", 0, b, t, qp, qp + 3, t, c
			continue
		}
		if (r < 0.80)
			s = -3 + rand() * 8
		else if (r < 0.88)
			s = 5 + rand() * 2
		else if (r < 0.995)
			s = 7 + rand() * 23
		else
			s = 1000
		s = sprintf("%.1f", s)
		if (s + 0 < 5)
			v = "green"
		else if (s + 0 < 7)
			v = "yellow"
		else
			v = "red"
		code = v == "red" ? 82 : 0
		ex = v == "green" ? 0 : 1
		if (v == "red")
			q = ""
		else
			q = " qq=" (qp + 3)
		printf head " out=%d time=%s qp=%d%s stage=spamc:exit%d:%s:%s:" \
		    "score=%s/5.0:red=7.0", v, code, b + 300, t, qp, q, ex, v, t, s
		if (v == "red")
			printf " stage=clamav:aborted:tempfail:0.000 reason=\"message " \
			    "looks like spam (#5.7.1)\"\n"
		else
			printf " stage=clamav:exit0:green:%s\n", c
	}
}
