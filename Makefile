# hi-q - see README.md.  A plain Makefile: "make", "make check",
# "make install".  Paths compiled into the programs come from PREFIX and
# QMAILHOME; DESTDIR is only for staging an install.

VERSION		= 0.1.0

CC		?= cc
CFLAGS		?= -O2 -g
LDFLAGS		?=
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
QMAILHOME	?= /var/qmail
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
ALL_CFLAGS	= $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -MMD -MP -iquote src \
		  -DHIQ_QMAILHOME='"$(QMAILHOME)"' \
		  -DHIQ_VERSION='"$(VERSION)"' $(POPT_CFLAGS)

LIB_OBJS	= src/buf.o src/conf.o src/envelope.o src/io.o src/log.o \
		  src/loop.o src/pidfile.o src/pump.o src/spawn.o \
		  src/verdict.o src/xalloc.o src/zone.o
PROGS		= hi-q pido contrib/qq-sink
TEST_OBJS	= tests/check_main.o tests/check_buf.o tests/check_conf.o \
		  tests/check_envelope.o tests/check_verdict.o \
		  tests/check_log.o tests/check_pidfile.o tests/check_zone.o \
		  tests/check_pump.o
TEST_PROG	= tests/check_hiq
TEST_TOOLS	= tests/qq-caller tests/stage-probe
MANS		= docs/hi-q.8 docs/filters.conf.5 contrib/qq-sink.8 docs/pido.8
SHELL_SCRIPTS	= tests/e2e/*.sh tests/filters/*.sh demo/run .ci/run \
		  tests/lib/*.sh init.d/qmail init.d/spamd tests/initd/*.sh \
		  contrib/default/qmail contrib/default/spamd \
		  contrib/service/*/run contrib/service/*/log/run

all: $(PROGS)

src/libhiq.a: $(LIB_OBJS)
	rm -f $@.tmp
	$(AR) rcs $@.tmp $(LIB_OBJS)
	mv -f $@.tmp $@

%.o: %.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tests/%.o: tests/%.c
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

# hi-q runs once per message: linked statically (as a position-independent
# executable, so ASLR stays) it starts without the dynamic loader, which
# bench/ measured as a good part of its cost.  STATIC=no links it like
# everything else.
STATIC		?= yes
HIQ_LDSTATIC	= $(if $(filter yes,$(STATIC)),-static-pie,)

hi-q: hi-q.o src/libhiq.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(HIQ_LDSTATIC) -o $@.tmp hi-q.o \
	    src/libhiq.a $(POPT_LIBS)
	mv -f $@.tmp $@

pido: pido.o src/libhiq.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp pido.o src/libhiq.a $(POPT_LIBS)
	mv -f $@.tmp $@

contrib/qq-sink: contrib/qq-sink.o src/libhiq.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp contrib/qq-sink.o src/libhiq.a \
	    $(POPT_LIBS)
	mv -f $@.tmp $@

$(TEST_PROG): $(TEST_OBJS) src/libhiq.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp $(TEST_OBJS) src/libhiq.a \
	    $(CHECK_LIBS) $(POPT_LIBS)
	mv -f $@.tmp $@

tests/qq-caller: tests/qq-caller.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp tests/qq-caller.c
	mv -f $@.tmp $@

tests/stage-probe: tests/stage-probe.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@.tmp tests/stage-probe.c
	mv -f $@.tmp $@

# check: the unit suites, then the end-to-end tests; stops at the first
# failure.  CK_RUN_SUITE / CK_RUN_CASE pick a subset of the unit tests.
check: all $(TEST_PROG) $(TEST_TOOLS)
	./$(TEST_PROG)
	sh tests/e2e/run

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
	for m in $(MANS); do mandoc -T lint -W warning $$m || exit 1; done
	shellcheck -x $(SHELL_SCRIPTS)
	perl -MQpsmtpd::Constants -wc contrib/qpsmtpd/queue-hi-q
	podchecker contrib/qpsmtpd/queue-hi-q

install: all
	$(INSTALL) -d $(DESTDIR)$(QMAILHOME)/bin $(DESTDIR)$(QMAILHOME)/control \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 755 hi-q $(DESTDIR)$(QMAILHOME)/bin/hi-q
	$(INSTALL) -m 644 docs/hi-q.8 $(DESTDIR)$(MANDIR)/man8/hi-q.8
	$(INSTALL) -m 644 docs/filters.conf.5 \
	    $(DESTDIR)$(MANDIR)/man5/filters.conf.5
	$(INSTALL) -d $(DESTDIR)$(SBINDIR)
	$(INSTALL) -m 755 pido $(DESTDIR)$(SBINDIR)/pido
	$(INSTALL) -m 644 docs/pido.8 $(DESTDIR)$(MANDIR)/man8/pido.8
	@if [ -e $(DESTDIR)$(QMAILHOME)/control/filters.conf ]; then \
	    echo "keeping $(DESTDIR)$(QMAILHOME)/control/filters.conf;" \
	        "the new default is filters.conf in this directory"; \
	else \
	    $(INSTALL) -m 644 filters.conf \
	        $(DESTDIR)$(QMAILHOME)/control/filters.conf; \
	fi

uninstall:
	rm -f $(DESTDIR)$(QMAILHOME)/bin/hi-q \
	    $(DESTDIR)$(MANDIR)/man8/hi-q.8 \
	    $(DESTDIR)$(MANDIR)/man5/filters.conf.5
	rm -f $(DESTDIR)$(SBINDIR)/pido $(DESTDIR)$(MANDIR)/man8/pido.8
	@echo "left $(DESTDIR)$(QMAILHOME)/control/filters.conf in place"

# install-init: the init scripts and their settings, for hosts that boot
# with /etc/init.d (docs/INSTALL-init.md).  Settings files that exist are
# kept, and so is a spamd script that Debian's spamd package installed.
install-init:
	$(INSTALL) -d $(DESTDIR)$(INITDIR) $(DESTDIR)$(SYSCONFDIR)/default
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
	@echo "left $(DESTDIR)$(INITDIR)/spamd and" \
	    "$(DESTDIR)$(SYSCONFDIR)/default/qmail, spamd in place"

clean:
	rm -f $(PROGS) $(TEST_PROG) $(TEST_TOOLS) src/libhiq.a *.o src/*.o tests/*.o \
	    contrib/*.o hi-q.d pido.d src/*.d tests/*.d contrib/*.d *.tmp src/*.tmp \
	    tests/*.tmp contrib/*.tmp

.PHONY: install-init uninstall-init
.PHONY: all check check-unit check-e2e check-valgrind check-asan lint \
	install uninstall clean

-include $(wildcard $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) hi-q.d pido.d \
    contrib/qq-sink.d)
