# SPDX-License-Identifier: GPL-2.0
# linux-timekeeping: the guest's clock keeps the host's pace.  The guest
# prints "@@T0 <uptime>", sleeps 10 s, prints "@@T1 <uptime>"; the host
# stamps both lines as they arrive.  The guest's span (uptime delta) must
# be within 1% of the host's span between the two stamps.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "timekeeping over 10 s"
run_linux tk timekeeping
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
