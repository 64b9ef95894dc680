# SPDX-License-Identifier: GPL-2.0
# guest-fpu: the guest's FPU/SSE registers survive the host.  fpu.bin fills
# XMM0-XMM15 and checks them millions of times: alone, then pinned to one
# CPU with a busy awk (whose arithmetic is SSE) pinned beside it, so the
# launcher's thread is switched out and back many times mid-guest.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "fpu.bin alone"
expect_guest_pass lguest fpu --mem 16M

step "fpu.bin sharing CPU 1 with a task that uses SSE"
taskset -c 1 awk 'BEGIN { while (1) x = x * 1.000001 + 0.5 }' &
hog=$!
lg_pin_launcher 1
expect_guest_pass lguest fpu --mem 16M
kill $hog
lg_unpin_launcher
rmmod lguest || fail "rmmod lguest failed"
echo "guest-fpu: ok"
