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
