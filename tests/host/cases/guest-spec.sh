# SPDX-License-Identifier: GPL-2.0
# guest-spec: speculation hygiene (Documentation/security.rst).
# Prints what the host kernel mitigates and what lguest does at guest entry
# and exit (/sys/kernel/debug/lguest/spec); spec.bin checks that a guest sees
# no SPEC_CTRL/IBPB/SSBD in CPUID and gets #GP from those MSRs; then two
# spec.bin guests pinned to CPU 0 take turns on it, and every switch from one
# to the other must have asked for an IBPB (ibpb_guest_switches grows).
. "$LG_TOP/tests/host/lib.sh"

spec=/sys/kernel/debug/lguest/spec
# spec_val KEY: the value of KEY in $spec.
spec_val() {
	sed -n "s/^$1 //p" "$spec"
}

load_lguest
lg_debugfs
[ -r "$spec" ] || fail "no $spec"
step "host: /sys/devices/system/cpu/vulnerabilities"
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	echo "  ${f##*/}: $(cat "$f")"
done
step "lguest: $spec"
sed 's/^/  /' "$spec"
for k in verw_before_vmrun rsb_fill_on_vmexit untrain_ret_on_vmexit \
	ibpb_on_vmexit ibpb_guest_switch ibpb_exit_to_user spec_ctrl \
	ibpb_guest_switches; do
	[ -n "$(spec_val $k)" ] || fail "$spec has no '$k' line"
done

step "spec.bin alone: CPUID and MSR policy"
expect_guest_pass lguest spec --mem 16M

step "two spec.bin guests taking turns on CPU 0"
before=$(spec_val ibpb_guest_switches)
for i in 1 2; do
	taskset -c 0 timeout -k 2 120 "$LG_LAUNCHER" --raw "$LG_GUESTS/spec.bin" \
		--mem 16M >/tmp/spec.$i.out 2>/tmp/spec.$i.err &
	eval pid$i=$!
done
for i in 1 2; do
	eval wait "\$pid$i"
	rc=$?
	echo "guest $i: exit status $rc: $(tail -n 2 /tmp/spec.$i.out | tr '\n' ' ')$(cat /tmp/spec.$i.err)"
	[ $rc = 0 ] || fail "guest $i exit status $rc"
	grep -qx "spec: PASS" /tmp/spec.$i.out || fail "guest $i did not pass"
done
after=$(spec_val ibpb_guest_switches)
echo "ibpb_guest_switches: $before -> $after"
# Each guest's first entry counts once; taking turns must add many more.
[ $((after - before)) -ge 10 ] ||
	fail "only $((after - before)) guest switches asked for an IBPB, want >= 10"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-spec: ok"
