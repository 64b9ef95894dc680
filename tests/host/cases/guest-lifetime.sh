# SPDX-License-Identifier: GPL-2.0
# guest-lifetime: 100 guests (hello.bin, 64M each) come and go, then the
# module is unloaded; guests must not leak.  Two measures:
#  - every launcher runs in a memory cgroup of its own, and everything a
#    guest makes the module allocate is charged there (GFP_KERNEL_ACCOUNT):
#    with the launchers gone and the caches dropped, the cgroup may keep at
#    most 320 KiB more than before (dead tasks' leftovers come and go by up
#    to ~180 KiB; a page per guest would be 400 KiB);
#  - MemFree (caches dropped), for what is not charged: within 2 MiB of
#    where it was.  The whole machine's figure moves by a few MiB as slab
#    caches grow and deferred frees land (a single warm-up guest and one
#    reading each once failed this with 2.7 MiB), so ten warm-up guests
#    run first and each reading waits for two that agree.
. "$LG_TOP/tests/host/lib.sh"

cg=/sys/fs/cgroup
grep -q " $cg cgroup2 " /proc/mounts || mount -t cgroup2 none $cg || fail "cannot mount cgroup2"
echo +memory > $cg/cgroup.subtree_control || fail "no memory controller"
mkdir -p $cg/lglife || fail "cannot make a cgroup"

# life N: run hello.bin N times, each launcher in the lglife cgroup.
life() {
	_i=0
	while [ $_i -lt "$1" ]; do
		timeout 30 sh -c 'echo $$ > '$cg'/lglife/cgroup.procs && exec "$@"' sh \
			"$LG_LAUNCHER" --raw "$LG_GUESTS/hello.bin" --mem 64M >/tmp/life.out 2>&1 ||
			fail "run $_i: exit status $?: $(cat /tmp/life.out)"
		grep -q "^hello: PASS" /tmp/life.out || fail "run $_i: no PASS: $(cat /tmp/life.out)"
		_i=$((_i + 1))
	done
}

# memfree_settled: MemFree (caches dropped) once two readings 1 s apart
# agree within 256 kB (at most 6 tries).
memfree_settled() {
	_a=$(memfree_kb)
	for _t in 1 2 3 4 5; do
		sleep 1
		_b=$(memfree_kb)
		[ $((_b - _a)) -le 256 ] && [ $((_a - _b)) -le 256 ] && break
		_a=$_b
	done
	echo "$_b"
}

step "warm-up: 10 guests"
load_lguest
life 10
rmmod lguest || fail "rmmod lguest failed"
before=$(memfree_settled)
cg_before=$(cat $cg/lglife/memory.current)

step "100 guests"
load_lguest
t0=$(date +%s%N)
life 100
echo "100 runs in $((($(date +%s%N) - t0) / 1000000)) ms"
rmmod lguest || fail "rmmod lguest failed"
after=$(memfree_settled)
cg_after=$(cat $cg/lglife/memory.current)
echo "cgroup lglife: $cg_before bytes charged before, $cg_after after"
echo "MemFree before $before kB, after $after kB, lost $((before - after)) kB"
rmdir $cg/lglife 2>/dev/null
[ $((cg_after - cg_before)) -le 327680 ] ||
	fail "the launchers' cgroup kept $((cg_after - cg_before)) bytes over 100 guests"
[ $((before - after)) -le 2048 ] || fail "lost $((before - after)) kB over 100 guests"
echo "guest-lifetime: ok"
