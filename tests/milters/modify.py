#!/usr/bin/python3
# tests/milters/modify.py - a test milter (Debian's python3-milter) that
# does what the message asks, for hi-q's milter tests.
#
#   modify.py SOCKET LOG [quiet]
#
# SOCKET is libmilter's (unix:/path, inet:PORT@127.0.0.1).  Every step it
# is given goes to the file LOG, one line each, so a test can show what
# hi-q sent: connect, helo, mail, rcpt, each header (value as Python
# writes bytes), end of headers, the body's bytes, end of message, and
# the macros it could read at each step.  With "quiet" it logs nothing
# and does nothing but accept: the trivial milter of bench/.
#
# What it answers:
#   - a sender or recipient whose local part is "reject-mail",
#     "tempfail-mail", "accept-mail", "discard-mail" (the sender) or
#     "reject-rcpt", "tempfail-rcpt", "accept-rcpt" (a recipient): that
#     reply at that step;
#   - at the end of the message, the words of its "X-Test:" header, in
#     order: the modifications addheader, fold (a folded field),
#     insheader0, insheader1, insheader99, chgsubject, delete (the first
#     X-Drop), chgpast (change X-Drop #5: adds it), chgreceived (change
#     Received #1), replacebody, addrcpt, addrcpt_par, delrcpt (the
#     first recipient), chgfrom, quarantine, progress; then the reply:
#     accept, continue (the default), reject, tempfail, discard,
#     reply550, reply451, replyml (a two-line 550); and skip (a SKIP
#     reply to the first body chunk).
import sys
import Milter

LOG = None
QUIET = False


def log(*words):
    if LOG is None:
        return
    with open(LOG, 'a') as f:
        f.write(' '.join(str(w) for w in words) + '\n')


MACROS = ['j', '_', 'v', 'i', '{daemon_name}', '{client_addr}',
          '{client_name}', '{client_port}', '{mail_addr}', '{rcpt_addr}',
          '{auth_authen}', '{my_macro}']


def macros(ctx, step):
    got = []
    for m in MACROS:
        v = ctx.getsymval(m)
        if v is not None:
            got.append('%s=%s' % (m, v))
    log('  macros', step + ':', ' '.join(got))


def local(addr):
    return addr.strip('<>').split('@')[0]


class Modify(Milter.Base):
    def __init__(self):
        self.test = []
        self.rcpts = []
        self.skipped = False

    def connect(self, hostname, family, hostaddr):
        log('connect', hostname, family, hostaddr)
        macros(self, 'connect')
        return Milter.CONTINUE

    def hello(self, name):
        log('helo', name)
        macros(self, 'helo')
        return Milter.CONTINUE

    def envfrom(self, f, *args):
        log('mail', f, *args)
        macros(self, 'mail')
        what = local(f)
        return {'reject-mail': Milter.REJECT,
                'tempfail-mail': Milter.TEMPFAIL,
                'accept-mail': Milter.ACCEPT,
                'discard-mail': Milter.DISCARD}.get(what, Milter.CONTINUE)

    def envrcpt(self, to, *args):
        log('rcpt', to, *args)
        macros(self, 'rcpt')
        self.rcpts.append(to)
        what = local(to)
        return {'reject-rcpt': Milter.REJECT,
                'tempfail-rcpt': Milter.TEMPFAIL,
                'accept-rcpt': Milter.ACCEPT}.get(what, Milter.CONTINUE)

    def data(self):
        log('data')
        macros(self, 'data')
        return Milter.CONTINUE

    def header(self, name, value):
        log('header', name, repr(value))
        if name.lower() == 'x-test':
            self.test += value.split()
        return Milter.CONTINUE

    def eoh(self):
        log('eoh')
        macros(self, 'eoh')
        return Milter.CONTINUE

    def body(self, chunk):
        log('body', repr(chunk))
        if 'skip' in self.test and not self.skipped:
            self.skipped = True
            return Milter.SKIP
        return Milter.CONTINUE

    def eom(self):
        log('eom')
        macros(self, 'eom')
        reply = Milter.CONTINUE
        for w in self.test:
            if w == 'addheader':
                self.addheader('X-Added', 'by the test milter')
            elif w == 'fold':
                self.addheader('X-Folded', 'first line\n\tsecond line')
            elif w == 'insheader0':
                self.addheader('X-Top', 'inserted at 0', 0)
            elif w == 'insheader1':
                self.addheader('X-Second', 'inserted at 1', 1)
            elif w == 'insheader99':
                self.addheader('X-Last', 'inserted at 99', 99)
            elif w == 'chgsubject':
                self.chgheader('Subject', 1, 'changed by the milter')
            elif w == 'delete':
                self.chgheader('X-Drop', 1, '')
            elif w == 'chgpast':
                self.chgheader('X-Drop', 5, 'past the last one')
            elif w == 'chgreceived':
                self.chgheader('Received', 1, 'changed')
            elif w == 'replacebody':
                self.replacebody(b'new body line 1\r\nnew body ')
                self.replacebody(b'line 2\r\n')
            elif w == 'addrcpt':
                self.addrcpt('<added@example.net>')
            elif w == 'addrcpt_par':
                self.addrcpt('added2@example.net', 'NOTIFY=NEVER')
            elif w == 'delrcpt':
                self.delrcpt(self.rcpts[0])
            elif w == 'chgfrom':
                self.chgfrom('<new-sender@example.net>')
            elif w == 'quarantine':
                self.quarantine('held for a look')
            elif w == 'progress':
                self.progress()
                self.progress()
            elif w == 'accept':
                reply = Milter.ACCEPT
            elif w == 'reject':
                reply = Milter.REJECT
            elif w == 'tempfail':
                reply = Milter.TEMPFAIL
            elif w == 'discard':
                reply = Milter.DISCARD
            elif w == 'reply550':
                self.setreply('550', '5.7.1', 'no thanks, 100%% sure')
                reply = Milter.REJECT
            elif w == 'reply451':
                self.setreply('451', '4.7.1', 'come back later')
                reply = Milter.TEMPFAIL
            elif w == 'replyml':
                self.setreply('550', '5.7.1', 'first line',
                              'second line')
                reply = Milter.REJECT
        return reply


class Quiet(Milter.Base):
    "Takes every step, changes nothing, accepts: the trivial milter."

    def connect(self, hostname, family, hostaddr):
        return Milter.CONTINUE

    def hello(self, name):
        return Milter.CONTINUE

    def envfrom(self, f, *args):
        return Milter.CONTINUE

    def envrcpt(self, to, *args):
        return Milter.CONTINUE

    def data(self):
        return Milter.CONTINUE

    def header(self, name, value):
        return Milter.CONTINUE

    def eoh(self):
        return Milter.CONTINUE

    def body(self, chunk):
        return Milter.CONTINUE

    def eom(self):
        return Milter.ACCEPT


def main():
    global LOG
    if len(sys.argv) < 3:
        sys.stderr.write('usage: modify.py SOCKET LOG [quiet]\n')
        sys.exit(100)
    if len(sys.argv) > 3 and sys.argv[3] == 'quiet':
        Milter.factory = Quiet
    else:
        LOG = sys.argv[2]
        Milter.factory = Modify
    Milter.runmilter('hiq-test', sys.argv[1], 60)


if __name__ == '__main__':
    main()
