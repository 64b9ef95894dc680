# SPDX-License-Identifier: GPL-2.0
# run-files: the guest of "lguest run" sees exactly what it is given:
# --file and --dir copies (contents and modes), --env, --workdir; not a
# host file it was not given, and no network card without --net; --output
# brings its /output back (no links, nothing overwritten).
. "$LG_TOP/tests/host/lib.sh"

L=$LG_LAUNCHER
load_lguest dev
rm -rf /tmp/rf && mkdir -p /tmp/rf/tree/sub
head -c 300000 /dev/urandom > /tmp/rf/blob
printf 'top\n' > /tmp/rf/tree/a.txt
printf 'deep\n' > /tmp/rf/tree/sub/b.txt
printf '#!/bin/sh\necho script ran with "$@"\n' > /tmp/rf/tree/run.sh
chmod 755 /tmp/rf/tree/run.sh
echo "host secret $$" > /tmp/rf/secret

step "--file round trip"
want=$(sha256sum < /tmp/rf/blob | cut -d' ' -f1)
got=$(timeout 120 "$L" run --file /tmp/rf/blob:/data/blob -- sh -c 'sha256sum < /data/blob' </dev/null)
[ "${got%% *}" = "$want" ] || fail "--file: the guest's checksum is '$got', want $want"
step "--dir round trip, modes kept, relative to --workdir"
got=$(timeout 120 "$L" run --dir /tmp/rf/tree:in --workdir /work -- \
	sh -c 'cat in/a.txt in/sub/b.txt && ./in/run.sh x y && pwd' </dev/null)
[ "$got" = "$(printf 'top\ndeep\nscript ran with x y\n/work')" ] ||
	fail "--dir: the guest said '$got'"
step "--env"
got=$(timeout 120 "$L" run --env GREETING=hi --env 'SPACED=a b' -- sh -c 'echo "$GREETING/$SPACED/$PATH"' </dev/null)
case "$got" in
"hi/a b/"*/bin*) ;;
*) fail "--env: the guest said '$got'" ;;
esac
step "a host file it was not given"
timeout 120 "$L" run -- cat /tmp/rf/secret </dev/null >/tmp/rf.out 2>/tmp/rf.err
rc=$?
echo "cat of the host's file: status $rc, stderr '$(cat /tmp/rf.err)'"
[ $rc != 0 ] || fail "the guest read a host file it was not given"
grep -q "host secret" /tmp/rf.out && fail "the host's file reached the guest's output"
step "no network card without --net"
got=$(timeout 120 "$L" run -- ls /sys/class/net </dev/null)
[ "$(echo $got)" = lo ] || fail "without --net the guest has interfaces: '$got'"
step "--net: a network card (the net modules come with it)"
got=$(timeout 120 "$L" run --net lgrun0 -- ls /sys/class/net </dev/null)
[ "$(echo $got)" = "eth0 lo" ] || fail "with --net the guest has '$got', want eth0 and lo"
step "--output brings the guest's /output back: files and directories, no links"
rm -rf /tmp/rf/out
got=$(timeout 120 "$L" run --output /tmp/rf/out -- sh -c 'echo result > /output/r.txt &&
	mkdir /output/d && head -c 100000 /dev/urandom > /output/d/bin &&
	ln -s /etc/passwd /output/link && sha256sum < /output/d/bin; exit 3' </dev/null)
rc=$?
[ $rc = 3 ] || fail "--output: status $rc, want the command's 3"
[ "$(cat /tmp/rf/out/r.txt)" = result ] || fail "--output: r.txt is '$(cat /tmp/rf/out/r.txt)'"
[ "$(sha256sum < /tmp/rf/out/d/bin | cut -d' ' -f1)" = "${got%% *}" ] ||
	fail "--output: d/bin differs from the guest's"
[ ! -e /tmp/rf/out/link ] && [ ! -L /tmp/rf/out/link ] || fail "--output brought a symlink back"
step "--output never overwrites a host file"
timeout 120 "$L" run --output /tmp/rf/out -- sh -c 'echo evil > /output/r.txt' </dev/null 2>/tmp/rf.err
rc=$?
echo "second run into the same directory: status $rc, '$(cat /tmp/rf.err)'"
[ $rc = 125 ] && grep -q "^lguest: --output /tmp/rf/out: .*r.txt" /tmp/rf.err ||
	fail "--output over an existing file: status $rc"
[ "$(cat /tmp/rf/out/r.txt)" = result ] || fail "--output overwrote r.txt"
step "bad paths: 125"
timeout 60 "$L" run --file /nonexistent -- true </dev/null 2>/tmp/rf.err
[ $? = 125 ] && grep -q "^lguest: --file /nonexistent: No such file" /tmp/rf.err ||
	fail "--file /nonexistent: $(cat /tmp/rf.err)"
timeout 60 "$L" run --file /tmp/rf/blob:../x -- true </dev/null 2>/tmp/rf.err
[ $? = 125 ] || fail "--file to ../x was accepted: $(cat /tmp/rf.err)"
echo "run-files: the guest saw what it was given, and only that"
