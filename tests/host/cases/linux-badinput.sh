# SPDX-License-Identifier: GPL-2.0
# linux-badinput: with the module loaded, the launcher refuses bad input
# before it runs anything: exit status 2 and exactly one clear line on
# stderr starting "lguest: ", for each of: files that are no bzImage as
# the kernel, missing files, RAM too small (for the kernel and initrd; for
# an initrd alone, where the line must name the initrd), --mem 0 and a
# command line longer than the kernel takes.
. "$LG_TOP/tests/host/lib.sh"

load_lguest
k=$LG_LINUX_KERNEL i=$LG_LINUX_INITRD
step "files that are no bzImage"
expect_lguest_error "ELF as kernel" --kernel /bin/true --initrd "$i" --mem 128M
expect_lguest_error "initramfs as kernel" --kernel "$i" --mem 128M
expect_lguest_error "raw test guest as kernel" --kernel "$LG_GUESTS/hello.bin" --mem 128M
: > /tmp/empty
expect_lguest_error "empty file as kernel" --kernel /tmp/empty --mem 128M
step "missing files"
expect_lguest_error "no such kernel" --kernel /nonexistent/vmlinuz --mem 128M
expect_lguest_error "no such initrd" --kernel "$k" --initrd /nonexistent/initrd --mem 128M
step "too little RAM"
expect_lguest_error "--mem 8M" --kernel "$k" --initrd "$i" --mem 8M
# A sparse file: 160 MiB of initrd for 128 MiB of RAM, costing no memory.
rm -f /tmp/big.initrd
truncate -s 160M /tmp/big.initrd || fail "truncate"
expect_lguest_error "160M initrd in 128M" --kernel "$k" --initrd /tmp/big.initrd --mem 128M
case "$lguest_error" in
*[Ii]nitrd*|*[Ii]nitramfs*) ;;
*) fail "the error for an initrd larger than RAM does not name the initrd" ;;
esac
rm -f /tmp/big.initrd
expect_lguest_error "--mem 0" --kernel "$k" --initrd "$i" --mem 0
step "a command line longer than the kernel takes (2048)"
long=$(head -c 3000 /dev/zero | tr '\0' x)
expect_lguest_error "3000-byte command line" --kernel "$k" --initrd "$i" --mem 128M \
	--append "console=ttyS0 $long"
echo "linux-badinput: every bad input refused with one line"
