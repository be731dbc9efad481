#!/usr/bin/python3
# tests/milters/broken.py - a milter that breaks the protocol, for hi-q's
# milter tests: it speaks the milter protocol by hand (no libmilter, which
# would not misbehave), negotiates properly, then breaks it one way.
#
#   broken.py inet:PORT@127.0.0.1 MODE...
#
# Listens on 127.0.0.1:PORT (libmilter's syntax, as the other test
# milters take it); the Nth session (from 1; a connection that
# sends nothing, such as a test's "is it up?", is none) gets MODE number N
# (the last one again once they run out):
#   garbage    bytes that are no packet, answering the connect
#   short      a packet cut short (its length says more), then hang up
#   huge       a length of 2 GiB, answering the connect
#   silence    reads everything, answers nothing after the negotiation
#   close      hangs up in the middle of the message (after the headers)
#   badreply   a reply code that is not 4xx or 5xx at the end
#   accept     no breakage: continue to everything, accept at the end
import socket
import struct
import sys


def packet(cmd, data=b''):
    return struct.pack('>I', len(data) + 1) + cmd + data


def read_packet(f):
    head = f.read(4)
    if len(head) < 4:
        return None, None
    (n,) = struct.unpack('>I', head)
    body = f.read(n)
    if len(body) < n:
        return None, None
    return body[:1], body[1:]


def serve(conn, next_mode):
    f = conn.makefile('rb')
    mode = None
    while True:
        cmd, data = read_packet(f)
        if cmd is None:
            return
        if mode is None:
            mode = next_mode()
        if cmd == b'O':
            # Version 6, every action, no protocol steps left out.
            conn.sendall(packet(b'O', struct.pack('>III', 6, 0x1ff, 0)))
            continue
        if cmd in (b'D', b'Q', b'A'):
            continue
        if mode == 'garbage' and cmd == b'C':
            conn.sendall(b'this is not a milter packet\r\n')
            continue
        if mode == 'huge' and cmd == b'C':
            conn.sendall(struct.pack('>I', 0x80000000) + b'c')
            continue
        if mode == 'short' and cmd == b'H':
            conn.sendall(struct.pack('>I', 100) + b'y550 5.7.1 cut')
            conn.shutdown(socket.SHUT_WR)
            continue
        if mode == 'silence' and cmd != b'O':
            continue
        if mode == 'close' and cmd == b'N':
            conn.close()
            return
        if cmd == b'E':
            if mode == 'badreply':
                conn.sendall(packet(b'y', b'250 2.0.0 fine\0'))
            else:
                conn.sendall(packet(b'a'))
            continue
        conn.sendall(packet(b'c'))


def main():
    if len(sys.argv) < 3:
        sys.stderr.write('usage: broken.py inet:PORT@127.0.0.1 MODE...\n')
        sys.exit(100)
    spec = sys.argv[1]
    if not spec.startswith('inet:') or not spec.endswith('@127.0.0.1'):
        sys.stderr.write('broken.py: want inet:PORT@127.0.0.1\n')
        sys.exit(100)
    port = int(spec[len('inet:'):-len('@127.0.0.1')])
    modes = sys.argv[2:]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', port))
    s.listen(8)
    count = [0]

    def next_mode():
        count[0] += 1
        return modes[min(count[0], len(modes)) - 1]

    while True:
        conn, _ = s.accept()
        try:
            serve(conn, next_mode)
        except OSError:
            pass
        try:
            conn.close()
        except OSError:
            pass


if __name__ == '__main__':
    main()
