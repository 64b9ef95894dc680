# SPDX-License-Identifier: GPL-2.0
# guest-concurrent: four memory.bin guests run at once on the test host's
# two CPUs, so guests share CPUs, migrate between them and use different
# ASIDs; each fills and verifies all of its RAM, which a TLB entry left
# over from another guest (or from this guest on another CPU) would break.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
pids=
for i in 1 2 3 4; do
	timeout 120 "$LG_LAUNCHER" --raw "$LG_GUESTS/memory.bin" --mem 32M \
		>/tmp/conc.$i.out 2>/tmp/conc.$i.err &
	pids="$pids $!"
done
i=1
for p in $pids; do
	wait "$p"
	rc=$?
	echo "guest $i: exit status $rc: $(cat /tmp/conc.$i.out /tmp/conc.$i.err | tr '\n' ' ')"
	[ $rc = 0 ] || fail "guest $i exit status $rc"
	grep -qx "memory: PASS 31457280 bytes" /tmp/conc.$i.out || fail "guest $i did not pass"
	i=$((i + 1))
done
rmmod lguest || fail "rmmod lguest failed"
echo "guest-concurrent: ok"
