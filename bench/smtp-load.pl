#!/usr/bin/perl
# smtp-load.pl - N concurrent SMTP clients for bench/throughput.sh
#
#     smtp-load.pl PORT SESSIONS COUNT TEMPLATES OUT
#
# Sends COUNT messages to 127.0.0.1:PORT over SESSIONS connections open at
# once (SESSIONS processes, each sending one message per SMTP session, one
# session after another).  Message i is the template TEMPLATES/TYPE, where
# TYPE cycles through the mix below, with "@ID@" replaced by a unique
# Message-ID local part, "TYPE.i".  Writes one line per message to OUT:
#
#     id  type  reply-code  latency-ms  session-ms
#
# latency: from sending the final dot to the reply (what the filters
# cost the client); session: from connect to the reply of QUIT.  A session
# that fails reports code 000.  Prints its own CPU seconds (user + system,
# itself and its children) on stdout at the end.
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes qw(time);
use POSIX qw(_exit);

my @MIX = qw(ham ham big ham yellow ham gtube ham virus big);

my ($port, $sessions, $count, $tdir, $out) = @ARGV;
die "usage: smtp-load.pl PORT SESSIONS COUNT TEMPLATES OUT\n"
    unless defined $out;

my %tpl;
for my $t (@MIX) {
	next if exists $tpl{$t};
	open(my $fh, '<', "$tdir/$t") or die "$tdir/$t: $!\n";
	local $/;
	my $body = <$fh>;
	close($fh);
	$body =~ s/\r?\n/\r\n/g;
	$body =~ s/^\./../mg;
	$tpl{$t} = $body;
}

# reply SOCKET - the last line of a (multi-line) reply, or "000"
sub reply {
	my ($s) = @_;
	while (defined(my $l = <$s>)) {
		return $l if $l =~ /^\d{3} /;
		return "000 $l" if $l !~ /^\d{3}-/;
	}
	return "000 connection closed";
}

# one ID TYPE - one SMTP session; returns the code and the two times
sub one {
	my ($id, $type) = @_;
	my $t0 = time;
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
	    PeerPort => $port, Timeout => 300) or return ('000', 0, 0);
	my $r = reply($s);
	return ('000', 0, 0) unless $r =~ /^220/;
	for my $cmd ('EHLO client.example.org', 'MAIL FROM:<alice@example.org>',
	    'RCPT TO:<bob@example.com>', 'DATA') {
		print $s "$cmd\r\n";
		$r = reply($s);
		return (substr($r, 0, 3), 0, 0) unless $r =~ /^(250|354)/;
	}
	(my $msg = $tpl{$type}) =~ s/\@ID\@/$id/g;
	print $s $msg;
	$s->flush;
	my $t1 = time;
	print $s ".\r\n";
	$s->flush;
	$r = reply($s);
	my $t2 = time;
	print $s "QUIT\r\n";
	reply($s);
	close($s);
	my $t3 = time;
	return (substr($r, 0, 3), ($t2 - $t1) * 1000, ($t3 - $t0) * 1000);
}

my @kids;
for my $k (0 .. $sessions - 1) {
	my $pid = fork;
	die "fork: $!\n" unless defined $pid;
	if ($pid == 0) {
		open(my $o, '>', "$out.$k") or die "$out.$k: $!\n";
		for (my $i = $k; $i < $count; $i += $sessions) {
			my $type = $MIX[$i % @MIX];
			my $id = "$type.$i";
			my ($code, $lat, $ses) = one($id, $type);
			printf $o "%s\t%s\t%s\t%.3f\t%.3f\n", $id, $type,
			    $code, $lat, $ses;
		}
		close($o) or die "$out.$k: $!\n";
		_exit(0);
	}
	push @kids, $pid;
}
my $bad = 0;
for my $pid (@kids) {
	waitpid($pid, 0);
	$bad = 1 if $? != 0;
}
open(my $o, '>', $out) or die "$out: $!\n";
for my $k (0 .. $sessions - 1) {
	open(my $i, '<', "$out.$k") or die "$out.$k: $!\n";
	print $o $_ while <$i>;
	close($i);
	unlink("$out.$k");
}
close($o) or die "$out: $!\n";
my @t = times;
printf "%.3f\n", $t[0] + $t[1] + $t[2] + $t[3];
exit $bad;
