# SPDX-License-Identifier: GPL-2.0
# run-stdio: "lguest run" carries the command's stdout and stderr apart,
# binary-clean (10 MiB of random bytes through stdout, checked against the
# guest's own checksum sent on stderr), its stdin in and the end of it
# (wc -c of a pipe ends; 1 MiB round trip), and keeps the kernel's
# messages out of both unless --log asks for them.
. "$LG_TOP/tests/host/lib.sh"

L=$LG_LAUNCHER
load_lguest dev

step "stdout and stderr apart"
timeout 120 "$L" run -- sh -c 'echo to-out; echo to-err >&2; echo more-out' \
	</dev/null >/tmp/so.out 2>/tmp/so.err
rc=$?
[ $rc = 0 ] || fail "status $rc"
[ "$(cat /tmp/so.out)" = "$(printf 'to-out\nmore-out')" ] ||
	fail "stdout is '$(head -c 300 /tmp/so.out)'"
[ "$(cat /tmp/so.err)" = "to-err" ] || fail "stderr is '$(head -c 300 /tmp/so.err)'"

step "10 MiB of random bytes through stdout, binary-clean"
timeout 300 "$L" run -- sh -c 'head -c 10485760 /dev/urandom > /tmp/r &&
	sha256sum < /tmp/r >&2 && cat /tmp/r' </dev/null >/tmp/big.out 2>/tmp/big.err
rc=$?
[ $rc = 0 ] || fail "status $rc, stderr $(head -c 300 /tmp/big.err)"
size=$(stat -c %s /tmp/big.out)
[ "$size" = 10485760 ] || fail "stdout has $size bytes, want 10485760"
want=$(cut -d' ' -f1 /tmp/big.err)
got=$(sha256sum < /tmp/big.out | cut -d' ' -f1)
echo "guest sha256 $want, host sha256 $got"
[ -n "$want" ] && [ "$want" = "$got" ] || fail "stdout's checksum differs from the guest's"
rm -f /tmp/big.out

step "stdin's end reaches the command"
got=$(printf 'abc' | timeout 120 "$L" run -- wc -c)
[ "$(echo $got)" = 3 ] || fail "wc -c of 'abc' said '$got'"
got=$(timeout 120 "$L" run -- wc -c </dev/null)
[ "$(echo $got)" = 0 ] || fail "wc -c of /dev/null said '$got'"
got=$(timeout 120 "$L" run -- wc -c <&-)
[ "$(echo $got)" = 0 ] || fail "wc -c of a closed stdin said '$got'"

step "1 MiB of binary stdin, round trip"
head -c 1048576 /dev/urandom > /tmp/in.bin
timeout 200 "$L" run -- cat < /tmp/in.bin > /tmp/in.out
rc=$?
[ $rc = 0 ] || fail "cat: status $rc"
cmp /tmp/in.bin /tmp/in.out || fail "stdin came back different ($(stat -c %s /tmp/in.out) bytes)"

step "the kernel's messages: only in --log"
timeout 120 "$L" run --log /tmp/run.log -- true </dev/null >/tmp/k.out 2>/tmp/k.err ||
	fail "--log run failed"
[ ! -s /tmp/k.out ] && [ ! -s /tmp/k.err ] || fail "output on stdout/stderr: $(head -c 200 /tmp/k.out /tmp/k.err)"
grep -q "Linux version" /tmp/run.log || fail "--log FILE has no kernel messages"
grep -q "Run /init as init process" /tmp/run.log || fail "--log FILE does not show init starting"
echo "run-stdio: stdout, stderr and stdin carried apart and whole"
