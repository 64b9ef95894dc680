# SPDX-License-Identifier: GPL-2.0
# guest-sleep: a guest halted for 2 s (wake-only timer, interrupts off,
# tests/guests/sleep.S) costs the host almost no CPU: the launcher's user
# + system time for sleep.bin exceeds that of hello.bin (the cost of
# starting and ending a guest, a few hundred ms under TCG) by less than
# 0.5 s; and the sleep really lasts about 2 s.
. "$LG_TOP/tests/host/lib.sh"

hz=$(getconf CLK_TCK)

# launcher_cpu NAME: run NAME.bin (64M) in a shell of its own whose only
# child is the launcher; set cpu_ms (the launcher's user + system time,
# as the kernel totals it for the reaped child), wall_ms and rc.
launcher_cpu() {
	t0=$(date +%s%N)
	stat=$(sh -c '"$@" >/tmp/cpu.out 2>/tmp/cpu.err
		echo $? >/tmp/cpu.rc
		read -r l </proc/$$/stat
		echo "$l"' sh timeout 30 "$LG_LAUNCHER" --raw "$LG_GUESTS/$1.bin" --mem 64M)
	wall_ms=$((($(date +%s%N) - t0) / 1000000))
	rc=$(cat /tmp/cpu.rc)
	cpu_ms=$(echo "$stat" | awk -v hz="$hz" '{ print int(($16 + $17) * 1000 / hz) }')
	echo "$1: exit status $rc, wall $wall_ms ms, launcher CPU $cpu_ms ms"
	sed 's/^/  out: /' /tmp/cpu.out
	sed 's/^/  err: /' /tmp/cpu.err
	[ "$rc" = 0 ] || fail "launcher exit status $rc for $1, want 0"
	grep -q "^$1: PASS" /tmp/cpu.out || fail "no '$1: PASS' line"
	[ -n "$cpu_ms" ] || fail "cannot read the launcher's CPU time"
}

load_lguest
step "hello.bin: what starting and ending a guest costs"
launcher_cpu hello
base=$cpu_ms
step "sleep.bin: 2 s of HLT"
launcher_cpu sleep
echo "sleeping 2 s cost $((cpu_ms - base)) ms of CPU more than hello"
[ $wall_ms -ge 1900 ] || fail "the 2 s sleep took only $wall_ms ms"
[ $wall_ms -le 15000 ] || fail "the 2 s sleep took $wall_ms ms"
[ $((cpu_ms - base)) -lt 500 ] ||
	fail "the launcher used $((cpu_ms - base)) ms of CPU more than for hello.bin"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-sleep: ok"
