# SPDX-License-Identifier: GPL-2.0
# guest-lifetime: 100 guests (hello.bin, 64M each) come and go, then the
# module is unloaded: MemFree (caches dropped) must come back to within
# 1 MiB of where it was, or guests leak.  A warm-up run first, so one-off
# allocations (page cache of the binaries, slabs) are not counted.
. "$LG_TOP/tests/host/lib.sh"

step "warm-up"
load_lguest
expect_guest_pass lguest hello --mem 64M
rmmod lguest || fail "rmmod lguest failed"
before=$(memfree_kb)

step "100 guests"
load_lguest
t0=$(date +%s%N)
i=0
while [ $i -lt 100 ]; do
	timeout 30 "$LG_LAUNCHER" --raw "$LG_GUESTS/hello.bin" --mem 64M >/tmp/life.out 2>&1 ||
		fail "run $i: exit status $?: $(cat /tmp/life.out)"
	grep -q "^hello: PASS" /tmp/life.out || fail "run $i: no PASS: $(cat /tmp/life.out)"
	i=$((i + 1))
done
echo "100 runs in $((($(date +%s%N) - t0) / 1000000)) ms"
rmmod lguest || fail "rmmod lguest failed"
after=$(memfree_kb)
echo "MemFree before $before kB, after $after kB, lost $((before - after)) kB"
[ $((before - after)) -le 1024 ] || fail "lost $((before - after)) kB over 100 guests"
echo "guest-lifetime: ok"
