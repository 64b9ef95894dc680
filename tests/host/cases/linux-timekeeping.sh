# SPDX-License-Identifier: GPL-2.0
# linux-timekeeping: the guest's clock keeps the host's pace.  The guest
# prints "@@T0 <uptime>", sleeps 10 s, prints "@@T1 <uptime>"; the host
# stamps both lines as they arrive.  The guest's span (uptime delta) must
# be within 1% of the host's span between the two stamps.  Meanwhile the
# launcher (the vCPU thread) is moved between the test host's two CPUs
# every half second, so kvmclock must stay right across migration.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "timekeeping over 10 s, the vCPU moving between CPUs"
: > /tmp/tk.moves
(
	i=0
	while [ $i -lt 120 ]; do
		pid=$(pgrep -f "^$LG_LAUNCHER .*lgtest=timekeeping" | head -n 1)
		if [ -n "$pid" ] && taskset -pc $((i % 2)) "$pid" >/dev/null 2>&1; then
			echo "$i" >> /tmp/tk.moves
		fi
		i=$((i + 1))
		sleep 0.5
	done
) &
mover=$!
run_linux tk timekeeping
kill "$mover" 2>/dev/null
wait "$mover" 2>/dev/null
moves=$(wc -l < /tmp/tk.moves)
echo "linux-timekeeping: the launcher was moved between CPUs $moves times"
[ "$moves" -ge 10 ] || fail "the launcher was moved only $moves times, want at least 10"
expect_linux_init tk
h0=$(linux_at tk "@@T0 ") h1=$(linux_at tk "@@T1 ")
[ -n "$h0" ] && [ -n "$h1" ] || fail "the guest printed no @@T0/@@T1 pair"
g0=$(linux_text tk "@@T0 ") g1=$(linux_text tk "@@T1 ")
host=$(lg_secs "$h0" "$h1")
guest=$(lg_secs "${g0#@@T0 }" "${g1#@@T1 }")
err=$(awk -v h="$host" -v g="$guest" 'BEGIN { printf "%.2f", (g - h) * 100 / h }')
echo "linux-timekeeping: host ${host} s, guest ${guest} s: guest off by ${err}%"
# Output that arrives all at once (a buffering launcher) shows up here.
lg_between "$host" 5 60 || fail "the host saw ${host} s between @@T0 and @@T1, want about 10"
lg_between "$err" -1 1 || fail "the guest clock is off by ${err}% over ${host} s, want within 1%"
expect_linux_test tk timekeeping
expect_linux_rc tk 0
expect_linux_clean tk
