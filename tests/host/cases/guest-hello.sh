# SPDX-License-Identifier: GPL-2.0
# guest-hello: the smallest raw guest (tests/guests/hello.bin) runs under
# lguest: exactly its two lines reach stdout, byte for byte, it powers off
# with status 0, and the launcher exits 0 with nothing on stderr.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "hello.bin, 64M"
expect_guest_pass lguest hello --mem 64M
printf 'Hello from an lguest guest\nhello: PASS\n' | cmp - "$guest_out" ||
	fail "stdout is not exactly the guest's two lines"
rmmod lguest || fail "rmmod lguest failed"
echo "guest-hello: ok"
