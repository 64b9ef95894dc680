# SPDX-License-Identifier: GPL-2.0
# linux-sleep: "sleep 1" in the guest takes 1 s (+-5%), by the host's clock
# (stamps of the guest's "@@S0 n"/"@@S1 n" lines around each sleep) and by
# the guest's own uptime.  Three rounds each of "sleep 1" and "sleep 0"
# (@@Z0/@@Z1); the median "sleep 0", which is the cost of starting a
# process in the TCG test host, is taken off the median "sleep 1", which
# must then be within 5% of 1 s; and "sleep 1" as a whole within 10%.
. "$LG_TOP/tests/host/lib.sh"

# median_span MARK: set median to the median of the three MARK0..MARK1 spans.
median_span() {
	_lg_spans=
	for i in 1 2 3; do
		a=$(linux_at sl "@@${1}0 $i ") b=$(linux_at sl "@@${1}1 $i ")
		[ -n "$a" ] && [ -n "$b" ] || fail "the guest printed no @@${1}0/@@${1}1 pair for round $i"
		_lg_spans="$_lg_spans $(lg_secs "$a" "$b")"
	done
	echo "linux-sleep: $1 spans:$_lg_spans s"
	median=$(echo $_lg_spans | tr ' ' '\n' | sort -n | sed -n 2p)
}

load_lguest
step "sleep 0 and sleep 1, three times each"
run_linux sl sleep
expect_linux_init sl
median_span Z
zero=$median
median_span S
one=$median
net=$(lg_secs "$zero" "$one")
echo "linux-sleep: host clock: sleep 1 median $one s, sleep 0 median $zero s, timer $net s"
lg_between "$net" 0.95 1.05 || fail "sleep 1 took $net s beyond sleep 0 by the host's clock, want 1 +-5%"
lg_between "$one" 0.95 1.10 || fail "sleep 1 took $one s by the host's clock, want at most 1.10"
expect_linux_test sl sleep
expect_linux_rc sl 0
expect_linux_clean sl
