# SPDX-License-Identifier: GPL-2.0
# kvm-exclusive: lguest and KVM never share AMD-V.  While a KVM guest exists
# (kvm_amd has set EFER.SVME), loading lguest is refused with a clear line;
# while lguest is loaded, KVM cannot create a guest; each works after the
# other lets go.  (Documented in Documentation/usage.rst, "KVM and lguest".)
. "$LG_TOP/tests/host/lib.sh"

# A paused VM (-S) is enough: KVM enables SVM when the VM is created.
declare_kvm_vm() {
	echo "exec qemu-system-x86_64 -enable-kvm -M microvm -S -nodefaults" \
		"-display none -m 16 -nic none -no-user-config"
}

kmod kvm_amd || fail "cannot load kvm_amd"
[ -c /dev/kvm ] || fail "no /dev/kvm"

step "KVM holds AMD-V: lguest must refuse"
sh -c "$(declare_kvm_vm)" > /tmp/kvm.out 2>&1 &
qpid=$!
i=0
until efer_svme 0 && efer_svme 1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat /tmp/kvm.out; kill $qpid; fail "KVM never set EFER.SVME"; }
	sleep 0.2
done
if insmod "$LG_KO" 2>/tmp/insmod.err; then
	fail "lguest loaded while KVM held AMD-V"
fi
cat /tmp/insmod.err
dmesg | grep -q "lguest: AMD-V is already in use on CPU" ||
	fail "no clear 'already in use' line in the log"
[ -e /dev/lguest ] && fail "/dev/lguest exists after a refused load"
kill $qpid; wait $qpid 2>/dev/null

step "KVM let go: lguest loads"
i=0
while efer_svme 0 || efer_svme 1; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "KVM never released EFER.SVME"
	sleep 0.2
done
load_lguest

step "lguest holds AMD-V: KVM cannot create a guest"
# Created, the paused VM would sit there until the timeout (status 124).
timeout 20 sh -c "$(declare_kvm_vm)" > /tmp/kvm2.out 2>&1
rc=$?
cat /tmp/kvm2.out
[ $rc != 124 ] || fail "KVM created a guest while lguest held AMD-V"
grep -qi "kvm" /tmp/kvm2.out || fail "QEMU failed, but not at KVM (status $rc)"
rmmod lguest || fail "rmmod lguest failed"

step "lguest let go: KVM works again"
sh -c "$(declare_kvm_vm)" > /tmp/kvm3.out 2>&1 &
qpid=$!
i=0
until efer_svme 0; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat /tmp/kvm3.out; kill $qpid; fail "KVM did not start after lguest left"; }
	sleep 0.2
done
kill $qpid; wait $qpid 2>/dev/null
rmmod kvm_amd kvm
echo "kvm-exclusive: ok"
