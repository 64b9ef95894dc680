# SPDX-License-Identifier: GPL-2.0
# guest-uart: the 16550A at 0x3f8 (tests/guests/uart.bin).  A line on the
# launcher's stdin, from a pipe and then from a regular file, reaches the
# guest's receiver and comes back as "uart: got: ping 42"; the registers
# Linux's 8250 driver probes behave (scratch, divisor latch, IIR FIFO bits,
# THRE interrupt, loopback, overrun); no byte sent in loopback (all >= 0x80)
# reaches stdout.
. "$LG_TOP/tests/host/lib.sh"

# uart_output_ok: the echoed line is there and stdout is plain ASCII.
uart_output_ok() {
	grep -qx "uart: got: ping 42" "$guest_out" ||
		fail "no 'uart: got: ping 42' line"
	[ "$(LC_ALL=C tr -d '\n -~' < "$guest_out" | wc -c)" = 0 ] ||
		fail "stdout holds bytes the guest sent in loopback"
}

load_lguest
step "uart.bin, 'ping 42' through a pipe on stdin"
rm -f /tmp/uart.fifo
mkfifo /tmp/uart.fifo || fail "mkfifo"
printf 'ping 42\n' > /tmp/uart.fifo &
expect_guest_pass lguest uart --mem 64M < /tmp/uart.fifo
wait
uart_output_ok

step "uart.bin, 'ping 42' from a regular file on stdin"
printf 'ping 42\n' > /tmp/uart.in
expect_guest_pass lguest uart --mem 64M < /tmp/uart.in
uart_output_ok

step "the module still runs hello.bin"
expect_guest_pass lguest hello --mem 16M
rmmod lguest || fail "rmmod lguest failed"
rm -f /tmp/uart.fifo /tmp/uart.in
echo "guest-uart: ok"
