# SPDX-License-Identifier: GPL-2.0
# linux-two: two stock Linux guests at the same time in one test host.  Both
# reach init, stay up 5 s (lgtest=hold) and power off cleanly (exit 0), and
# their lives overlap: each reached init before the other one exited.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "two guests at once"
lg_run_stamped two1 "$LG_LAUNCHER" --kernel "$LG_GUEST_KERNEL" --initrd "$LG_LINUX_INITRD" \
	--mem 256M --append "$LG_LINUX_APPEND lgtest=hold" &
j1=$!
lg_run_stamped two2 "$LG_LAUNCHER" --kernel "$LG_GUEST_KERNEL" --initrd "$LG_LINUX_INITRD" \
	--mem 192M --append "$LG_LINUX_APPEND lgtest=hold" &
j2=$!
wait $j1
wait $j2
linux_show two1
linux_show two2
for t in two1 two2; do
	expect_linux_pass $t hold
done
i1=$(linux_at two1 "@@GUEST init reached") i2=$(linux_at two2 "@@GUEST init reached")
e1=$(linux_at two1 "@@EXIT ") e2=$(linux_at two2 "@@EXIT ")
lg_between "$(lg_secs "$i1" "$e2")" 0 1000 || fail "guest 2 had exited before guest 1 reached init"
lg_between "$(lg_secs "$i2" "$e1")" 0 1000 || fail "guest 1 had exited before guest 2 reached init"
echo "linux-two: both guests ran at once and powered off"
