# hi-q - see README.md.  A plain Makefile: "make", "make check",
# "make install".  Paths compiled into the programs come from PREFIX and
# QMAILHOME, and the name of the user qmail-smtpd runs as from QMAILD (as
# qmail's conf-users has it); DESTDIR is only for staging an install.

VERSION		= 0.1.0

CC		?= cc
CFLAGS		?= -O2 -g
LDFLAGS		?=
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
QMAILHOME	?= /var/qmail
QMAILD		?= qmaild
SYSCONFDIR	?= /etc
INITDIR		?= $(SYSCONFDIR)/init.d
INSTALL		?= install

WARN		= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		  -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wformat=2 \
		  -Wwrite-strings
POPT_CFLAGS	:= $(shell pkg-config --cflags popt)
POPT_LIBS	:= $(shell pkg-config --libs popt || echo -lpopt)
CHECK_CFLAGS	= $(shell pkg-config --cflags check)
CHECK_LIBS	= $(shell pkg-config --libs check)
ALL_CFLAGS	= $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -MMD -MP \
		  $(POPT_CFLAGS)

# One directory per program over two shared layers (README.md, "The
# tree"): src/util knows no mail, src/global holds hi-q's words that two
# programs share, and src/hi-q, src/pido and src/report are the programs'
# own.  Each directory compiles with its own include path, its own headers
# and the layers below it, so the compiler keeps each program in its room.
# "make check-layers" (part of "make check") holds every #include to it.
INC_util	= -iquote src/util
INC_global	= -iquote src/global $(INC_util)
INC_hiq		= -iquote src/hi-q $(INC_global)
INC_pido	= -iquote src/pido $(INC_util)
INC_report	= -iquote src/report $(INC_global)
INC_tests	= -iquote tests/unit -iquote src/hi-q -iquote src/pido \
		  -iquote src/report $(INC_global)

UTIL_OBJS	= src/util/buf.o src/util/io.o src/util/lines.o \
		  src/util/msg.o src/util/number.o src/util/signame.o \
		  src/util/spawn.o src/util/xalloc.o
GLOBAL_OBJS	= src/global/envelope.o src/global/logfmt.o \
		  src/global/outcome.o
HIQ_OBJS	= src/hi-q/conf.o src/hi-q/conf_top.o src/hi-q/conf_stage.o \
		  src/hi-q/conf_write.o src/hi-q/rule.o src/hi-q/plan.o \
		  src/hi-q/judge.o src/hi-q/deadline.o src/hi-q/pump.o \
		  src/hi-q/zone.o src/hi-q/queue.o src/hi-q/spool.o \
		  src/hi-q/user.o src/hi-q/procfd.o src/hi-q/qenv.o \
		  src/hi-q/run.o src/hi-q/run_segment.o \
		  src/hi-q/run_loop.o src/hi-q/run_start.o \
		  src/hi-q/run_signals.o src/hi-q/run_envread.o \
		  src/hi-q/run_hops.o src/hi-q/run_reap.o \
		  src/hi-q/run_finish.o src/hi-q/run_milter.o \
		  src/hi-q/milter_codec.o src/hi-q/milter_head.o \
		  src/hi-q/milter_session.o src/hi-q/milter_send.o \
		  src/hi-q/milter_reply.o src/hi-q/milter_edit.o
PIDO_OBJS	= src/pido/pidfile.o
REPORT_OBJS	= src/report/logline.o src/report/tally.o src/report/bands.o \
		  src/report/rtext.o src/report/rjson.o src/report/rsvg.o
LIB_OBJS	= $(UTIL_OBJS) $(GLOBAL_OBJS) $(HIQ_OBJS) $(PIDO_OBJS) \
		  $(REPORT_OBJS)
LIBS		= src/util/libutil.a src/global/libglobal.a src/hi-q/libhiq.a \
		  src/pido/libpido.a src/report/libreport.a
PROGS		= hi-q pido hi-q-report contrib/qq-sink
TEST_OBJS	= tests/unit/check_main.o \
		  tests/unit/check_buf.o tests/unit/check_lines.o \
		  tests/unit/check_msg.o tests/unit/check_number.o \
		  tests/unit/check_spawn.o \
		  tests/unit/check_envelope.o tests/unit/check_logfmt.o \
		  tests/unit/check_outcome.o \
		  tests/unit/check_conf.o tests/unit/check_rule.o \
		  tests/unit/check_plan.o tests/unit/check_judge.o \
		  tests/unit/check_deadline.o tests/unit/check_pump.o \
		  tests/unit/check_zone.o tests/unit/zone_ref.o \
		  tests/unit/check_spool.o tests/unit/check_user.o \
		  tests/unit/check_procfd.o tests/unit/check_milter_codec.o \
		  tests/unit/check_milter_head.o \
		  tests/unit/check_milter_session.o \
		  tests/unit/check_milter_edit.o tests/unit/check_qenv.o \
		  tests/unit/check_pidfile.o \
		  tests/unit/check_logline.o tests/unit/check_tally.o
TEST_PROG	= tests/unit/check_hiq
TEST_TOOLS	= tests/tools/qq-caller tests/tools/stage-probe \
		  tests/tools/syslog-sink tests/tools/milter-probe
MANS		= docs/hi-q.8 docs/filters.conf.5 contrib/qq-sink.8 docs/pido.8 \
		  docs/hi-q-report.8
SHELL_SCRIPTS	= contrib/clamdscan-any contrib/rspamc-exit contrib/with-rcpt \
		  tests/e2e/*.sh tests/filters/*.sh demo/run .ci/run \
		  tests/qfilters/drop tests/qfilters/sender-header \
		  tests/qfilters/nothing tests/qfilters/say \
		  tests/qfilters/queue-elsewhere tests/qfilters/bad-envelope \
		  tests/qfilters/dump-env \
		  tests/run tests/install-deps tests/fresh-root tests/layers \
		  contrib/spamc-zap.test \
		  tests/lib/*.sh init.d/qmail init.d/spamd init.d/hi-q-functions \
		  tests/initd/*.sh tests/load/run \
		  contrib/default/qmail contrib/default/spamd \
		  contrib/service/*/run contrib/service/*/log/run

all: $(PROGS)

# src/util/version.h (the version, for every program) and
# src/global/paths.h (the paths hi-q compiles in, and qmail-smtpd's user,
# whom "hi-q --check" checks for) are written by the Makefile, and
# rewritten only when a value changed, so "make install
# QMAILHOME=/opt/qmail" rebuilds exactly what depends on it.
src/util/version.h: FORCE
	@printf '%s\n' '/* Generated by the Makefile; do not edit. */' \
	    '#define HIQ_VERSION "$(VERSION)"' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

src/global/paths.h: FORCE
	@printf '%s\n' '/* Generated by the Makefile; do not edit. */' \
	    '#define HIQ_QMAILHOME "$(QMAILHOME)"' \
	    '#define HIQ_QMAILD "$(QMAILD)"' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

hi-q.o pido.o hi-q-report.o src/hi-q/run_milter.o: src/util/version.h
hi-q.o src/hi-q/conf.o tests/unit/check_conf.o src/hi-q/run_milter.o: \
    src/global/paths.h

# One archive per directory; a program links its own and the layers.
src/util/libutil.a: $(UTIL_OBJS)
src/global/libglobal.a: $(GLOBAL_OBJS)
src/hi-q/libhiq.a: $(HIQ_OBJS)
src/pido/libpido.a: $(PIDO_OBJS)
src/report/libreport.a: $(REPORT_OBJS)
$(LIBS):
	rm -f $@.tmp
	$(AR) rcs $@.tmp $^
	mv -f $@.tmp $@

src/util/%.o: src/util/%.c
	$(CC) $(ALL_CFLAGS) $(INC_util) -c -o $@ $<

src/global/%.o: src/global/%.c
	$(CC) $(ALL_CFLAGS) $(INC_global) -c -o $@ $<

src/hi-q/%.o: src/hi-q/%.c
	$(CC) $(ALL_CFLAGS) $(INC_hiq) -c -o $@ $<

src/pido/%.o: src/pido/%.c
	$(CC) $(ALL_CFLAGS) $(INC_pido) -c -o $@ $<

src/report/%.o: src/report/%.c
	$(CC) $(ALL_CFLAGS) $(INC_report) -c -o $@ $<

hi-q.o: hi-q.c
	$(CC) $(ALL_CFLAGS) $(INC_hiq) -c -o $@ $<

pido.o: pido.c
	$(CC) $(ALL_CFLAGS) $(INC_pido) -c -o $@ $<

hi-q-report.o: hi-q-report.c
	$(CC) $(ALL_CFLAGS) $(INC_report) -c -o $@ $<

contrib/qq-sink.o: contrib/qq-sink.c
	$(CC) $(ALL_CFLAGS) $(INC_global) -c -o $@ $<

tests/unit/%.o: tests/unit/%.c
	$(CC) $(ALL_CFLAGS) $(INC_tests) $(CHECK_CFLAGS) -c -o $@ $<

tests/tools/%.o: tests/tools/%.c
	$(CC) $(ALL_CFLAGS) $(INC_hiq) -c -o $@ $<

# hi-q runs once per message: linked statically (as a position-independent
# executable, so ASLR stays) it starts without the dynamic loader, which
# bench/ measured as a good part of its cost.  STATIC=no links it like
# everything else.
STATIC		?= yes
HIQ_LDSTATIC	= $(if $(filter yes,$(STATIC)),-static-pie,)
LAYER_LIBS	= src/global/libglobal.a src/util/libutil.a
HIQ_LIBS	= src/hi-q/libhiq.a $(LAYER_LIBS)
PIDO_LIBS	= src/pido/libpido.a src/util/libutil.a
REPORT_LIBS	= src/report/libreport.a $(LAYER_LIBS)
SINK_LIBS	= $(LAYER_LIBS)

hi-q: hi-q.o $(HIQ_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) $(HIQ_LDSTATIC) -o $@.tmp hi-q.o \
	    $(HIQ_LIBS) $(POPT_LIBS) -lm
	mv -f $@.tmp $@

pido: pido.o $(PIDO_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp pido.o $(PIDO_LIBS) $(POPT_LIBS)
	mv -f $@.tmp $@

hi-q-report: hi-q-report.o $(REPORT_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp hi-q-report.o $(REPORT_LIBS) \
	    $(POPT_LIBS) -lm
	mv -f $@.tmp $@

contrib/qq-sink: contrib/qq-sink.o $(SINK_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp contrib/qq-sink.o $(SINK_LIBS) \
	    $(POPT_LIBS)
	mv -f $@.tmp $@

# --wrap=send: check_milter_session.c counts the session's writes.
$(TEST_PROG): $(TEST_OBJS) $(LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--wrap=send -o $@.tmp $(TEST_OBJS) \
	    src/hi-q/libhiq.a \
	    src/report/libreport.a src/pido/libpido.a $(LAYER_LIBS) \
	    $(CHECK_LIBS) $(POPT_LIBS) -lm
	mv -f $@.tmp $@

# The helper programs of the tests: the warning set like everything else.
tests/tools/qq-caller: tests/tools/qq-caller.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp tests/tools/qq-caller.o
	mv -f $@.tmp $@

tests/tools/stage-probe: tests/tools/stage-probe.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp tests/tools/stage-probe.o
	mv -f $@.tmp $@

tests/tools/syslog-sink: tests/tools/syslog-sink.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp tests/tools/syslog-sink.o
	mv -f $@.tmp $@

tests/tools/milter-probe: tests/tools/milter-probe.o $(HIQ_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp tests/tools/milter-probe.o \
	    $(HIQ_LIBS) $(POPT_LIBS)
	mv -f $@.tmp $@

# check: the unit suites, then the end-to-end tests; stops at the first
# failure.  CK_RUN_SUITE / CK_RUN_CASE pick a subset of the unit tests.
check: all $(TEST_PROG) $(TEST_TOOLS)
	sh tests/layers
	./$(TEST_PROG)
	sh tests/e2e/run

# check-layers: every #include in its room or a layer below (tests/layers)
check-layers:
	sh tests/layers

check-unit: $(TEST_PROG)
	./$(TEST_PROG)

check-e2e: all $(TEST_TOOLS)
	sh tests/e2e/run

check-valgrind: $(TEST_PROG)
	CK_FORK=no valgrind --error-exitcode=1 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect ./$(TEST_PROG)

# Rebuilds everything with the sanitizers, runs every test, and cleans up.
check-asan:
	$(MAKE) clean
	$(MAKE) CFLAGS='-O1 -g -fsanitize=address,undefined \
	    -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' STATIC=no check
	$(MAKE) clean

lint:
	for m in $(MANS); do mandoc -T lint -W style $$m || exit 1; done
	@for m in $(MANS); do mandoc -T ascii -O width=80 $$m | col -b | \
	    awk -v m=$$m 'length > 80 { print m ": wider than 80: " $$0; \
	    bad = 1 } END { exit bad }' || exit 1; done
	shellcheck -x $(SHELL_SCRIPTS)
	perl -MQpsmtpd::Constants -wc contrib/qpsmtpd/queue-hi-q
	podchecker contrib/qpsmtpd/queue-hi-q

install: all
	$(INSTALL) -d $(DESTDIR)$(QMAILHOME)/bin $(DESTDIR)$(QMAILHOME)/control \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 755 hi-q $(DESTDIR)$(QMAILHOME)/bin/hi-q
	$(INSTALL) -m 644 docs/hi-q.8 $(DESTDIR)$(MANDIR)/man8/hi-q.8
	$(INSTALL) -m 755 hi-q-report $(DESTDIR)$(QMAILHOME)/bin/hi-q-report
	$(INSTALL) -m 644 docs/hi-q-report.8 \
	    $(DESTDIR)$(MANDIR)/man8/hi-q-report.8
	$(INSTALL) -m 644 docs/filters.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/filters.conf.5
	$(INSTALL) -d $(DESTDIR)$(SBINDIR)
	$(INSTALL) -m 755 pido $(DESTDIR)$(SBINDIR)/pido
	$(INSTALL) -m 644 docs/pido.8 $(DESTDIR)$(MANDIR)/man8/pido.8
	@if [ -e $(DESTDIR)$(QMAILHOME)/control/filters.conf ]; then \
	    echo "keeping $(DESTDIR)$(QMAILHOME)/control/filters.conf;" \
	        "the new default is filters.conf in this directory"; \
	else \
	    sed 's|/var/qmail/|$(QMAILHOME)/|g' filters.conf >filters.conf.tmp \
	    && $(INSTALL) -m 644 filters.conf.tmp \
	        $(DESTDIR)$(QMAILHOME)/control/filters.conf \
	    && rm -f filters.conf.tmp; \
	fi

uninstall:
	rm -f $(DESTDIR)$(QMAILHOME)/bin/hi-q \
	    $(DESTDIR)$(MANDIR)/man8/hi-q.8 \
	    $(DESTDIR)$(QMAILHOME)/bin/hi-q-report \
	    $(DESTDIR)$(MANDIR)/man8/hi-q-report.8 \
	    $(DESTDIR)$(MANDIR)/man5/filters.conf.5
	rm -f $(DESTDIR)$(SBINDIR)/pido $(DESTDIR)$(MANDIR)/man8/pido.8
	@echo "left $(DESTDIR)$(QMAILHOME)/control/filters.conf in place"

# install-init: the init scripts and their settings, for hosts that boot
# with /etc/init.d (docs/INSTALL-init.md).  Settings files that exist are
# kept, and so is a spamd script that Debian's spamd package installed.
# hi-q-functions, which both scripts source from their own directory, is
# not executable, so boot tools do not take it for a script.
install-init:
	$(INSTALL) -d $(DESTDIR)$(INITDIR) $(DESTDIR)$(SYSCONFDIR)/default
	$(INSTALL) -m 644 init.d/hi-q-functions \
	    $(DESTDIR)$(INITDIR)/hi-q-functions
	$(INSTALL) -m 755 init.d/qmail $(DESTDIR)$(INITDIR)/qmail
	@for f in $(INITDIR)/spamd $(SYSCONFDIR)/default/qmail \
	    $(SYSCONFDIR)/default/spamd; do \
	    case $$f in */default/*) m=644 s=contrib/default ;; \
	    *) m=755 s=init.d ;; esac; \
	    if [ -e $(DESTDIR)$$f ]; then \
	        echo "keeping $(DESTDIR)$$f; hi-q's is $$s/$${f##*/}"; \
	    else \
	        echo "$(INSTALL) -m $$m $$s/$${f##*/} $(DESTDIR)$$f"; \
	        $(INSTALL) -m $$m $$s/$${f##*/} $(DESTDIR)$$f || exit 1; \
	    fi; \
	done

uninstall-init:
	rm -f $(DESTDIR)$(INITDIR)/qmail
	@if grep -q hi-q-functions $(DESTDIR)$(INITDIR)/spamd 2>/dev/null; \
	then \
	    echo "left $(DESTDIR)$(INITDIR)/hi-q-functions for" \
	        "$(DESTDIR)$(INITDIR)/spamd"; \
	else \
	    rm -f $(DESTDIR)$(INITDIR)/hi-q-functions; \
	fi
	@echo "left $(DESTDIR)$(INITDIR)/spamd and" \
	    "$(DESTDIR)$(SYSCONFDIR)/default/qmail, spamd in place"

clean:
	rm -f $(FUZZERS) tests/fuzz/*.tmp tests/fuzz/*.d
	rm -f $(PROGS) $(TEST_PROG) $(TEST_TOOLS) $(LIBS) src/global/paths.h \
	    src/util/version.h
	rm -f *.o hi-q.d pido.d hi-q-report.d *.tmp contrib/*.o contrib/*.d \
	    contrib/*.tmp
	rm -f src/*/*.o src/*/*.d src/*/*.tmp
	rm -f tests/unit/*.o tests/unit/*.d tests/unit/*.tmp
	rm -f tests/tools/*.o tests/tools/*.d tests/tools/*.tmp

# fuzz: libFuzzer harnesses (tests/fuzz/) for the config parser, the
# envelope check, the zone reader and what a milter sends, built with
# clang under ASan and UBSan and each run for FUZZ_SECONDS from its seed
# corpus in tests/fuzz/corpus/.
# tests/fuzz/NAME.dict, where there is one, gives libFuzzer the words of
# the format.  New inputs go to a temporary directory; a failing input is
# written as tests/fuzz/crash-* (or leak-*, timeout-*) and the target
# fails.
FUZZ_CC		?= clang-14
FUZZ_SECONDS	?= 60
FUZZ_CFLAGS	= -g -O1 -fsanitize=fuzzer,address,undefined \
		  -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZERS		= tests/fuzz/fuzz-conf tests/fuzz/fuzz-envelope \
		  tests/fuzz/fuzz-zone tests/fuzz/fuzz-milter

# Each harness is built from the modules it tests and src/util, no more;
# the compiler lists the headers they read into tests/fuzz/fuzz-NAME.d.
# fuzz-zone holds zone.c to the naive rule of tests/unit/zone_ref.c.
FUZZ_UTIL	= $(UTIL_OBJS:.o=.c)
FUZZ_SRCS_conf	= src/hi-q/conf.c src/hi-q/conf_top.c src/hi-q/conf_stage.c \
		  src/hi-q/conf_write.c src/hi-q/rule.c src/global/outcome.c \
		  src/global/logfmt.c src/hi-q/milter_codec.c
FUZZ_SRCS_envelope = src/global/envelope.c
FUZZ_SRCS_zone	= src/hi-q/zone.c src/global/outcome.c tests/unit/zone_ref.c
FUZZ_SRCS_milter = src/hi-q/milter_codec.c src/hi-q/milter_head.c \
		  src/hi-q/milter_session.c src/hi-q/milter_send.c \
		  src/hi-q/milter_reply.c src/hi-q/milter_edit.c \
		  src/global/envelope.c

tests/fuzz/fuzz-conf: $(FUZZ_SRCS_conf) src/global/paths.h
tests/fuzz/fuzz-envelope: $(FUZZ_SRCS_envelope)
tests/fuzz/fuzz-zone: $(FUZZ_SRCS_zone)
tests/fuzz/fuzz-milter: $(FUZZ_SRCS_milter)

tests/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_UTIL)
	$(FUZZ_CC) $(INC_tests) -MM -MP -MT $@ $< $(FUZZ_SRCS_$*) \
	    $(FUZZ_UTIL) >$@.d.tmp
	mv -f $@.d.tmp $@.d
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
	    $(INC_tests) $(POPT_CFLAGS) -o $@.tmp $< \
	    $(FUZZ_SRCS_$*) $(FUZZ_UTIL) $(POPT_LIBS) -lm
	mv -f $@.tmp $@

fuzz-build: $(FUZZERS)

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
	    n=$${f##*/fuzz-}; \
	    w=$$(mktemp -d "$${TMPDIR:-/tmp}/hiq-fuzz-$$n.XXXXXX") || exit 1; \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	    d=; [ ! -f tests/fuzz/$$n.dict ] || d=-dict=tests/fuzz/$$n.dict; \
	    ./$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 $$d \
	        -print_final_stats=1 -artifact_prefix=tests/fuzz/ \
	        "$$w" tests/fuzz/corpus/$$n >"$$w.log" 2>&1; \
	    rc=$$?; \
	    grep -E '^stat::number_of_executed_units|^Done' "$$w.log"; \
	    if [ $$rc -ne 0 ]; then \
	        tail -40 "$$w.log"; rm -rf "$$w" "$$w.log"; \
	        echo "fuzz: $$n FAILED"; exit 1; \
	    fi; \
	    rm -rf "$$w" "$$w.log"; \
	done

# check-load: 1,000 messages through hi-q (50 at a time) and 200 SMTP
# sessions at once through qpsmtpd, green, red and tempfail mixed; fails if
# a message is lost, queued when rejected, or a process or temp file is
# left (tests/load/run).  It takes minutes on a busy machine, so it is not
# part of "make check".
check-load: all $(TEST_TOOLS)
	sh tests/load/run

# bench: hi-q's cost next to the bare sink, measured, never asserted
# (bench/README.md); bench-quick takes few pairs, for development.
# bench-reject: a red message against a green one, hi-q at BEFORE_REV (or
# BEFORE=path) beside this tree's (or AFTER=path); bench-reject-quick
# takes few pairs.  bench-flood: a header flood through a zone stage, old
# hi-q beside new, the same way.  bench-milter: rspamd through a milter
# stage against rspamd through contrib/rspamc-exit.
bench bench-quick bench-reject bench-reject-quick bench-smtp \
    bench-scanners bench-flood bench-flood-quick bench-qfilter \
    bench-qfilter-quick bench-milter bench-milter-quick: all
	$(MAKE) -C bench $@

.PHONY: bench bench-quick bench-reject bench-reject-quick bench-smtp \
    bench-qfilter bench-qfilter-quick bench-milter bench-milter-quick \
	bench-scanners bench-flood bench-flood-quick fuzz fuzz-build check-load
.PHONY: install-init uninstall-init
.PHONY: FORCE all check check-unit check-e2e check-layers check-valgrind \
	check-asan lint \
	install uninstall clean

-include $(wildcard $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) hi-q.d pido.d \
    hi-q-report.d tests/tools/*.d contrib/qq-sink.d tests/fuzz/*.d)
FORCE:
