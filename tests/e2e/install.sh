# shellcheck shell=sh source-path=SCRIPTDIR/../..
# install.sh - make install: DESTDIR and QMAILHOME are honoured, the path
# compiled into hi-q follows QMAILHOME, and an installed filters.conf is
# never overwritten.  Builds in a copy of the tree.
. "$TOP/tests/e2e/lib.sh"
mkdir "$TMP/src"
(cd "$TOP" && tar --exclude=./.git --exclude='./tests/e2e/*.out' -cf - .) |
    (cd "$TMP/src" && tar -xf -)
cd "$TMP/src" || exit 1
make -s clean >/dev/null 2>&1

echo "--- install into DESTDIR with another QMAILHOME"
make -s install DESTDIR="$TMP/root" QMAILHOME=/opt/qmail PREFIX=/usr \
    >"$TMP/out" 2>&1
echo "exit $?"
(cd "$TMP/root" && find . -type f | sort)

echo "--- the installed hi-q looks for its file under that QMAILHOME"
"$TMP/root/opt/qmail/bin/hi-q" --check 2>&1 | sed "s|$TMP|TMP|"

echo "--- a second install keeps the filters.conf the administrator edited"
echo "# edited by the administrator" >>"$TMP/root/opt/qmail/control/filters.conf"
make -s install DESTDIR="$TMP/root" QMAILHOME=/opt/qmail PREFIX=/usr 2>&1 |
    sed "s|$TMP|TMP|"
tail -1 "$TMP/root/opt/qmail/control/filters.conf"

echo "--- uninstall removes the programs and pages, not the configuration"
make -s uninstall DESTDIR="$TMP/root" QMAILHOME=/opt/qmail PREFIX=/usr 2>&1 |
    sed "s|$TMP|TMP|"
(cd "$TMP/root" && find . -type f | sort)

echo "--- the installed filters.conf names the queue under QMAILHOME"
rm -rf "$TMP/root"
make -s install DESTDIR="$TMP/root" QMAILHOME=/opt/qmail >/dev/null 2>&1
grep '^queue' "$TMP/root/opt/qmail/control/filters.conf"

echo "--- install-init puts hi-q-functions beside the scripts, not executable"
make -s install-init DESTDIR="$TMP/initroot" >/dev/null 2>&1
echo "exit $?"
(cd "$TMP/initroot" && find . -type f -exec stat -c '%a %n' {} + | sort -k2)

echo "--- the installed script, run through a symlink, finds it"
mkdir "$TMP/initroot/rc2.d"
ln -s ../etc/init.d/qmail "$TMP/initroot/rc2.d/S01qmail"
env QMAIL_DEFAULTS=/dev/null PIDO="$TOP/pido" RUNDIR="$TMP/run" \
    sh "$TMP/initroot/rc2.d/S01qmail" status send
echo "exit $?"

# The README's "On a qmail host", step by step as it writes them, on a
# stand-in host: qmail's tree in $TMP/qmail (QMAILHOME and PREFIX, which
# the README names, are set for make; the installed filters.conf's queue
# is qq-sink), and nobody in qmaild's place (QMAILD, which the README
# names too: the user "hi-q --check" run as root checks as).  The packages
# are this machine's: tests/fresh-root installs only those the README
# names, on a pristine Debian, before it follows the same steps.
readme_host_steps "$TOP/README.md" >"$TMP/steps"
QH="$TMP/qmail"
mkdir -p "$QH/bin" "$TMP/queue"
cp "$SINK" "$QH/bin/qmail-queue"
chmod 711 "$TMP"
chown nobody "$TMP/queue"
make -s clean >/dev/null 2>&1

echo "--- the README builds with the packages tests/install-deps names for it"
sed -n '1s/^apt-get install \([^#]*\).*/\1/p' "$TMP/steps" |
    tr ' ' '\n' | sed '/^$/d' | sort >"$TMP/readme.pkgs"
sed -n 's/^BUILD="\(.*\)"$/\1/p' "$TOP/tests/install-deps" | tr ' ' '\n' |
    sort >"$TMP/deps.pkgs"
tr '\n' ' ' <"$TMP/readme.pkgs"
echo
cmp -s "$TMP/readme.pkgs" "$TMP/deps.pkgs" && echo "the same in install-deps"

while IFS= read -r step; do
	echo "--- README: $step"
	case $step in
	"apt-get install "*)
		for p in $(echo "${step#apt-get install }" | sed 's/#.*//'); do
			dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			    grep -q '^install ok installed$' ||
			    echo "not installed here: $p"
		done
		echo "installed here"
		;;
	*)
		echo "$step" | sed -e "s|/var/qmail/|$QH/|g" \
		    -e 's/qmaild/nobody/g' >"$TMP/step"
		env QMAILHOME="$QH" PREFIX="$TMP/usr" QMAILD=nobody \
		    sh "$TMP/step" </dev/null >"$TMP/out" 2>&1
		echo "exit $?"
		case $step in
		make*) (cd "$TMP" && find qmail usr -type f | sort) ;;
		*) head -n 2 "$TMP/out" | sed "s|$TMP|TMP|g" ;;
		esac
		;;
	esac
done <"$TMP/steps"

# check_as_root FILE - the installed hi-q's --check of FILE, run as root
check_as_root() {
	"$QH/bin/hi-q" --check -c "$1" >"$TMP/out" 2>&1
	echo "exit $?"
	sed -n "/^# stage/q; s|$TMP|TMP|g; p" "$TMP/out"
}

echo "--- --check as root, without a user line, checks as qmail-smtpd's user:"
echo "--- a stage program only root may run is named, 55"
cp /bin/cat "$TMP/rootonly"
chmod 700 "$TMP/rootonly"
sed "s|^stage spamc /usr/bin/spamc |stage spamc $TMP/rootonly |" \
    "$QH/control/filters.conf" >"$TMP/own.conf"
check_as_root "$TMP/own.conf"

echo "--- ... and it reads the file as that user: one only root may read, 55"
cp "$QH/control/filters.conf" "$TMP/private.conf"
chmod 600 "$TMP/private.conf"
check_as_root "$TMP/private.conf"

echo "--- ... where the host has no such user, --check says so, 55"
make -s hi-q QMAILD=no-such-user-hiq >/dev/null 2>&1
./hi-q --check -c "$QH/control/filters.conf" 2>&1 | sed "s|$TMP|TMP|g"
./hi-q --check -c "$QH/control/filters.conf" >/dev/null 2>&1
echo "exit $?"

echo "--- a message through the installed hi-q, as qmail-smtpd runs it for a"
echo "--- relay client (RELAYCLIENT: the spamc stage is skipped): queued"
envelope a@example.org b@example.com >"$TMP/env"
printf 'Subject: hello\n\nHello, Bob.\n' >"$TMP/msg"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env - PATH=/usr/bin:/bin RELAYCLIENT= QQ_SINK_DIR="$TMP/queue" \
    "$QH/bin/hi-q" <"$TMP/msg" 1<"$TMP/env" 2>"$TMP/stderr"
echo "exit $?"
mask <"$TMP/stderr"
Q="$TMP/queue" queued
cmp "$TMP/msg" "$TMP"/queue/new/*/message && echo "message identical"
