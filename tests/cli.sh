#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cli.sh - the launcher's command line, on this machine (no module needed):
# --help and --version succeed; bad options, missing files, bad sizes and
# kernel problems (not a kernel, RAM, initrd, command line) get exactly
# one stderr line starting "lguest: " and exit status 2; so do bad device
# options (--disk, --net, --rng), which are all checked before /dev/lguest.
# Last, a stand-in /dev/lguest (LD_PRELOAD) records the devices added.
top=$(cd "$(dirname "$0")/.." && pwd)
lg=$top/tools/lguest/lguest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "not a kernel" > "$tmp/file"

# expect NAME STATUS STDERR-PREFIX ARGS...
expect() {
	name=$1 want_rc=$2 want=$3
	shift 3
	"$lg" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	why=
	[ $rc = "$want_rc" ] || why="exit status $rc, want $want_rc"
	if [ -n "$want" ]; then
		[ "$(wc -l < "$tmp/err")" = 1 ] || why="$why; want one stderr line, got $(wc -l < "$tmp/err")"
		case "$(cat "$tmp/err")" in
		"$want"*) ;;
		*) why="$why; stderr '$(cat "$tmp/err")' does not start with '$want'" ;;
		esac
	fi
	if [ -z "$why" ]; then
		echo "PASS cli/$name"
	else
		echo "FAIL cli/$name: $why"
	fi
}

# verbose_case NAME PATTERN... -- ARGS...: "lguest -v ARGS" prints a line
# matching each grep PATTERN, then fails (status 1) at the missing device.
verbose_case() {
	name=$1
	shift
	: > "$tmp/pats"
	while [ "$1" != -- ]; do
		printf '%s\n' "$1" >> "$tmp/pats"
		shift
	done
	shift
	"$lg" -v "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	why=
	[ $rc = 1 ] || why="exit status $rc, want 1; "
	while IFS= read -r pat; do
		grep -q -- "$pat" "$tmp/err" || why="${why}no line '$pat'; "
	done < "$tmp/pats"
	[ "$(tail -n 1 "$tmp/err")" = "lguest: /dev/lguest not found: load the module first (modprobe lguest)" ] ||
		why="${why}the last line is not the missing /dev/lguest; "
	if [ -z "$why" ]; then
		echo "PASS cli/$name"
	else
		echo "FAIL cli/$name: ${why}stderr: $(tr '\n' '|' < "$tmp/err")"
	fi
}

expect help 0 "" --help
grep -q '^Usage: lguest --kernel' "$tmp/out" || echo "FAIL cli/help-text: no usage line"
expect version 0 "" --version
grep -q '^lguest launcher .*, ABI [0-9]' "$tmp/out" || echo "FAIL cli/version-text: $(cat "$tmp/out")"
# lguest run: its own failures are status 125, one line, before any guest.
expect run-help 0 "" run --help
expect run-no-command 125 "lguest: no command: lguest run [OPTIONS] -- CMD" run
expect run-unknown-option 125 "lguest: unknown option '--frobnicate' (see lguest run --help)" run --frobnicate -- true
expect run-bad-timeout 125 "lguest: --timeout 1.5: want whole seconds" run --timeout 1.5 -- true
expect run-bad-env 125 "lguest: --env NOEQUALS: want NAME=VALUE" run --env NOEQUALS -- true
expect run-relative-workdir 125 "lguest: --workdir tmp: want an absolute path" run --workdir tmp -- true
expect run-missing-file 125 "lguest: --file $tmp/nope: No such file or directory" run --file "$tmp/nope" -- true
expect run-file-is-dir 125 "lguest: --file $tmp: not a regular file (use --dir" run --file "$tmp" -- true
expect run-dir-is-file 125 "lguest: --dir $tmp/file: not a directory (use --file)" run --dir "$tmp/file" -- true
expect run-missing-kernel 125 "lguest: cannot open kernel '$tmp/nope': No such file" run --kernel "$tmp/nope" -- true
expect run-no-module 125 "lguest: /dev/lguest not found: load the module first" run -- true
expect run-cpus-zero 125 "lguest: --cpus 0: a guest has 1 to" run --cpus 0 -- true
expect no-args 2 "lguest: give exactly one of --kernel or --raw"
expect both-modes 2 "lguest: give exactly one of --kernel or --raw" --kernel "$tmp/file" --raw "$tmp/file"
expect unknown-option 2 "lguest: unknown option '--frobnicate'" --frobnicate
expect missing-arg 2 "lguest: option --mem needs an argument" --raw "$tmp/file" --mem
expect stray-arg 2 "lguest: unexpected argument 'extra'" --raw "$tmp/file" extra
expect missing-kernel 2 "lguest: cannot open kernel '$tmp/nope': No such file or directory" --kernel "$tmp/nope"
expect missing-initrd 2 "lguest: cannot open initrd '$tmp/nope'" --kernel "$tmp/file" --initrd "$tmp/nope"
expect kernel-is-dir 2 "lguest: kernel '$tmp' is not a regular file" --kernel "$tmp"
expect mem-zero 2 "lguest: --mem 0: guest RAM must be at least 2M" --kernel "$tmp/file" --mem 0
expect mem-junk 2 "lguest: --mem lots: not a size" --kernel "$tmp/file" --mem lots
expect mem-overflow 2 "lguest: --mem 99999999999G: too large" --kernel "$tmp/file" --mem 99999999999G
expect mem-unaligned 2 "lguest: --mem 3000001: not a multiple of 4K" --kernel "$tmp/file" --mem 3000001
expect raw-mem-over-hole 2 "lguest: --mem: a guest has at most 3 GiB of RAM (devices sit above it)" --raw "$tmp/file" --mem 4G
expect initrd-with-raw 2 "lguest: --initrd and --append go with --kernel" --raw "$tmp/file" --initrd "$tmp/file"
expect kernel-passwd 2 "lguest: kernel '/etc/passwd' is not a bzImage" --kernel /etc/passwd
expect kernel-tiny 2 "lguest: kernel '$tmp/file' is not a bzImage, an ELF vmlinux or a Multiboot image" --kernel "$tmp/file"
printf '\177ELF\001\001\001' > "$tmp/elf32"
expect kernel-elf32 2 "lguest: kernel '$tmp/elf32' has no Multiboot header in its first 8 KiB" --kernel "$tmp/elf32"
# Devices: each bad one is refused before the kernel is even looked at.
truncate -s 1M "$tmp/disk.img"
expect disk-missing 2 "lguest: --disk '$tmp/nope': No such file or directory" \
	--kernel "$tmp/file" --disk "$tmp/nope"
expect disk-dir 2 "lguest: --disk '$tmp': not a regular file or block device" \
	--kernel "$tmp/file" --disk "$tmp"
expect disk-bad-option 2 "lguest: --disk $tmp/disk.img,foo: unknown option 'foo' (only ro)" \
	--kernel "$tmp/file" --disk "$tmp/disk.img,foo"
expect disk-no-file 2 "lguest: --disk ',ro': no file name" --kernel "$tmp/file" --disk ,ro
expect disk-twice-rw 2 "lguest: --disk '$tmp/disk.img': the same file as --disk '$tmp/disk.img'" \
	--kernel "$tmp/file" --disk "$tmp/disk.img" --disk "$tmp/disk.img,ro"
expect net-bad-mac 2 "lguest: --net lg0,mac=52:54:00:12:34: bad MAC '52:54:00:12:34'" \
	--kernel "$tmp/file" --net lg0,mac=52:54:00:12:34
expect net-multicast-mac 2 "lguest: --net lg0,mac=01:00:5e:00:00:01: MAC 01:00:5e:00:00:01 is a multicast address" \
	--kernel "$tmp/file" --net lg0,mac=01:00:5e:00:00:01
expect net-long-name 2 "lguest: --net 'sixteen-bytes-xx': interface name is 16 bytes, at most 15" \
	--kernel "$tmp/file" --net sixteen-bytes-xx
expect net-empty-name 2 "lguest: --net '': empty interface name" --kernel "$tmp/file" --net ''
expect net-bad-option 2 "lguest: --net lg0,foo: unknown option 'foo' (only mac=)" \
	--kernel "$tmp/file" --net lg0,foo
expect net-twice 2 "lguest: --net lg0: interface 'lg0' given twice" \
	--kernel "$tmp/file" --net lg0 --net lg0
expect disk-with-raw 2 "lguest: --disk/--net/--rng need --kernel" --raw "$tmp/file" --disk "$tmp/disk.img"
expect rng-with-raw 2 "lguest: --disk/--net/--rng need --kernel" --raw "$tmp/file" --rng
expect missing-disk-arg 2 "lguest: option --disk needs an argument" --kernel "$tmp/file" --disk
set -- --kernel "$tmp/file"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do
	set -- "$@" --disk "$tmp/disk.img,ro"
done
expect devices-17-disks 2 "lguest: too many devices: at most 16 --disk, --net and --rng in all" "$@"
set -- --kernel "$tmp/file" --rng
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	set -- "$@" --net "lg$i"
done
expect devices-16-nets-rng 2 "lguest: too many devices: at most 15 --disk, --net and --rng in all (one slot is the console's)" "$@"
set --
if "$lg" --help | grep -q -- '--disk FILE\[,ro\]' && "$lg" --help | grep -q -- '--net NAME\[,mac=' &&
   "$lg" --help | grep -q -- '--rng'; then
	echo "PASS cli/help-devices"
else
	echo "FAIL cli/help-devices: --help does not describe --disk, --net and --rng"
fi
if "$lg" --help | grep -q '3 guest rebooted, 4 guest kernel panicked'; then
	echo "PASS cli/help-exit-statuses"
else
	echo "FAIL cli/help-exit-statuses: --help does not document exit statuses 3 and 4"
fi
if [ ! -e /dev/lguest ]; then
	expect no-device 1 "lguest: /dev/lguest not found: load the module first" --raw "$tmp/file"
fi

# The real kernel the test host boots: its checks all happen before the
# launcher opens /dev/lguest, so they work on a machine without the module.
kernel=$(sed -n 's/^HOST_KERNEL := //p' "$top/build/config.mk" 2>/dev/null)
if [ ! -f "$kernel" ]; then
	echo "FAIL cli/host-kernel: no HOST_KERNEL in build/config.mk (run make)"
	exit 0
fi
truncate -s 100M "$tmp/big.img"
long=$(head -c 3000 /dev/zero | tr '\0' x)
expect kernel-mem-zero 2 "lguest: --mem 0: guest RAM must be at least 2M" --kernel "$kernel" --mem 0
expect kernel-mem-over-3g 2 "lguest: --mem: a guest has at most 3 GiB of RAM (devices sit above it)" --kernel "$kernel" --mem 4G
expect kernel-mem-too-small 2 "lguest: kernel '$kernel' needs 80 MiB of guest RAM" --kernel "$kernel" --mem 32M
expect initrd-too-big 2 "lguest: initrd '$tmp/big.img' (100 MiB) does not fit in 128 MiB of guest RAM with the kernel; use a larger --mem" \
	--kernel "$kernel" --initrd "$tmp/big.img" --mem 128M
expect append-too-long 2 "lguest: command line is 3000 bytes, the kernel takes at most 2047" \
	--kernel "$kernel" --append "$long"
if [ ! -e /dev/lguest ]; then
	expect kernel-no-device 1 "lguest: /dev/lguest not found: load the module first" --kernel "$kernel"
	# -v: the layout, then the missing device.
	verbose_case verbose-layout \
		"^lguest: kernel '$kernel': .* loaded at 0x1000000, " \
		"^lguest: initrd '$tmp/big.img': 0x9c00000-0x10000000 " \
		'^lguest: command line at 0x20000: "console=ttyS0 quiet"$' \
		-- --kernel "$kernel" --initrd "$tmp/big.img" --mem 256M --append "console=ttyS0 quiet"
	# -v with a Multiboot image (kvm-unit-tests' x86/msr.flat), if built:
	# its kind and layout, module 0 after it, its name first on the line.
	flat=${KUT_FLAT:-/tmp/kut/kvm-unit-tests/x86/msr.flat}
	if [ -f "$flat" ]; then
		printf 'TESTNAME=msr\n' > "$tmp/env"
		verbose_case verbose-multiboot \
			"^lguest: kernel '$flat': multiboot, [0-9]* bytes at 0x[0-9a-f]*-0x[0-9a-f]*, 32-bit entry 0x" \
			"^lguest: initrd '$tmp/env': module 0 at 0x[0-9a-f]*000-" \
			"^lguest: command line at 0x20000: \"$flat -x\"\$" \
			'^lguest: 32 MiB of RAM, Multiboot information at 0x7000, ACPI RSDP at 0xe0000$' \
			-- --kernel "$flat" --initrd "$tmp/env" --append "-x" --mem 32M
		expect multiboot-mem-too-small 2 "lguest: kernel '$flat' needs " --kernel "$flat" --mem 4M
	else
		echo "SKIP cli/verbose-multiboot: no $flat (kvm-unit-tests not built)"
	fi
	# -v: every device's slot, window and pin: disks, nets, then the rng.
	verbose_case verbose-devices \
		"^lguest: slot 0: disk '$tmp/disk.img' (read-only) at 0xd0000000, irq 5$" \
		"^lguest: slot 1: disk '$tmp/big.img' at 0xd0001000, irq 6$" \
		"^lguest: slot 2: net 'lg0' (mac 52:54:00:12:34:56) at 0xd0002000, irq 7$" \
		"^lguest: slot 3: net 'lg1' (random mac) at 0xd0003000, irq 8$" \
		"^lguest: slot 4: rng at 0xd0004000, irq 9$" \
		-- --kernel "$kernel" --rng --net lg0,mac=52:54:00:12:34:56 --disk "$tmp/disk.img,ro" \
		--net lg1 --disk "$tmp/big.img"
fi

# A stand-in /dev/lguest (LD_PRELOAD): the LGUEST_ADD_DEVICE calls the
# launcher makes, in slot order with their files, and the DSDT it wrote.
cat > "$tmp/fake.c" <<'END'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/lguest.h>

static int fake = -1, fake_vcpu = -1;

int open(const char *path, int flags, ...)
{
	static int (*real)(const char *, int, ...);
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	if (!real)
		real = dlsym(RTLD_NEXT, "open");
	if (strcmp(path, "/dev/lguest"))
		return real(path, flags, mode);
	fake = memfd_create("lguest", MFD_CLOEXEC);
	return fake;
}

static int add_device(const struct lguest_device_desc *d)
{
	int fl = d->fds[0] >= 0 ? fcntl(d->fds[0], F_GETFL) : -1;
	const char *fail = getenv("FAKE_LG_ENODEV");
	const char *fail_errno = getenv("FAKE_LG_ERRNO");
	FILE *f = fopen(getenv("FAKE_LG_LOG"), "a");

	fprintf(f, "type %u slot %u fd %s%s %d flags %u mac %02x:%02x:%02x:%02x:%02x:%02x name '%s'\n",
		d->type, d->slot,
		fl < 0 ? "none" : (fl & O_ACCMODE) == O_RDWR ? "rw" : "ro",
		fl >= 0 && (fl & O_NONBLOCK) ? ",nb" : "", d->fds[1], d->flags, d->mac[0], d->mac[1], d->mac[2], d->mac[3],
		d->mac[4], d->mac[5], d->name);
	fclose(f);
	if (fail && atoi(fail) == (int)d->slot) {
		errno = fail_errno ? atoi(fail_errno) : ENODEV;
		return -1;
	}
	return 0;
}

static int run(int fd, struct lguest_run *r)
{
	uint8_t *ram = mmap(NULL, 0x100000, PROT_READ, MAP_SHARED, fd, 0);
	FILE *f = fopen(getenv("FAKE_LG_ACPI"), "w");

	fwrite(ram + 0xe0000, 0x20000, 1, f);
	fclose(f);
	memset(r, 0, sizeof(*r));
	r->reason = getenv("FAKE_LG_QUIT") ? LGUEST_EXIT_QUIT : LGUEST_EXIT_POWEROFF;
	return 0;
}

/* The serial port's files: is stdin read there? */
static int set_console(const struct lguest_console *c)
{
	FILE *f = fopen(getenv("FAKE_LG_LOG"), "a");

	fprintf(f, "serial out %d in %d\n", c->out_fd, c->in_fd);
	fclose(f);
	return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = dlsym(RTLD_NEXT, "ioctl");
	if (fd != fake && fd != fake_vcpu)
		return real(fd, req, arg);
	switch (req) {
	case LGUEST_GET_API_VERSION:
		return LGUEST_API_VERSION;
	case LGUEST_CREATE:
		return ftruncate(fd, ((struct lguest_create *)arg)->mem_size);
	case LGUEST_CREATE_VCPU:	/* the same memfd: RUN maps the RAM */
		fake_vcpu = dup(fd);
		return fake_vcpu;
	case LGUEST_GET_SREGS:
		memset(arg, 0, sizeof(struct lguest_sregs));
		return 0;
	case LGUEST_ADD_DEVICE:
		return add_device(arg);
	case LGUEST_SET_CONSOLE:
		return set_console(arg);
	case LGUEST_RUN:
		return run(fd, arg);
	}
	return 0;
}
END
if ! ${CC:-cc} -shared -fPIC -I"$top/include/uapi" -o "$tmp/fake.so" "$tmp/fake.c" -ldl \
	2> "$tmp/cc.err"; then
	echo "FAIL cli/fake-lguest: cannot build a stand-in /dev/lguest: $(head -n 3 "$tmp/cc.err" | tr '\n' '|')"
	exit 0
fi
export FAKE_LG_LOG="$tmp/add.log" FAKE_LG_ACPI="$tmp/acpi.bin"

# windows_on: how many virtio-mmio windows the DSDT the launcher wrote
# turns on: Name (_STA, 0x0F) in AML.  Every window is there; the empty
# ones have _STA 0.
windows_on() {
	perl -0777 -ne 'print scalar(() = /\x08_STA\x0a\x0f/g)' "$FAKE_LG_ACPI" 2>/dev/null
}
: > "$FAKE_LG_LOG"
LD_PRELOAD="$tmp/fake.so" "$lg" --kernel "$kernel" --mem 128M --rng --net lg0,mac=52:54:00:12:34:56 \
	--disk "$tmp/disk.img,ro" --net lg1 --disk "$tmp/big.img" < /dev/null > "$tmp/out" 2> "$tmp/err"
rc=$?
cat > "$tmp/want" <<END
type 2 slot 0 fd ro -1 flags 1 mac 00:00:00:00:00:00 name ''
type 2 slot 1 fd rw -1 flags 0 mac 00:00:00:00:00:00 name ''
type 1 slot 2 fd none -1 flags 0 mac 52:54:00:12:34:56 name 'lg0'
type 1 slot 3 fd none -1 flags 0 mac 00:00:00:00:00:00 name 'lg1'
type 4 slot 4 fd none -1 flags 0 mac 00:00:00:00:00:00 name ''
type 3 slot 5 fd ro,nb 1 flags 2 mac 00:00:00:00:00:00 name ''
serial out 1 in -1
END
if [ $rc = 0 ] && [ ! -s "$tmp/err" ] && cmp -s "$tmp/want" "$FAKE_LG_LOG" &&
   [ "$(windows_on)" = 6 ]; then
	echo "PASS cli/add-devices"
else
	echo "FAIL cli/add-devices: exit status $rc, stderr '$(cat "$tmp/err")', calls: $(tr '\n' '|' < "$FAKE_LG_LOG")"
fi
: > "$FAKE_LG_LOG"
export FAKE_LG_ENODEV=1 LD_PRELOAD="$tmp/fake.so"
expect add-device-enodev 1 "lguest: cannot add rng: No such device: no backend serves it (is lguest_dev.ko loaded? modprobe lguest_dev)" \
	--kernel "$kernel" --mem 128M --disk "$tmp/disk.img" --rng < /dev/null
# A device type lguest_dev was built without (CONFIG_LGUEST_DEV_BLK=n ...).
FAKE_LG_ERRNO=$(printf '#include <errno.h>\nEOPNOTSUPP\n' | cpp -P - | tail -n 1)
export FAKE_LG_ERRNO FAKE_LG_ENODEV=0
expect add-device-notbuilt 1 "lguest: cannot add disk '$tmp/disk.img': Operation not supported: that device type is not built into lguest_dev" \
	--kernel "$kernel" --mem 128M --disk "$tmp/disk.img" --rng < /dev/null
unset FAKE_LG_ENODEV FAKE_LG_ERRNO LD_PRELOAD

# The virtio console: --console serial leaves it out and gives stdin to the
# UART; a missing backend drops the default one (stdin to the UART, the
# DSDT without it) but fails an explicit --console virtio; Ctrl-A x
# (LGUEST_EXIT_QUIT) is a clean exit.
# console_case NAME STATUS WANT_LOG WINDOWS_ON ARGS...: run with the stand-in.
console_case() {
	_n=$1 _rc=$2 _want=$3 _on=$4
	shift 4
	: > "$FAKE_LG_LOG"
	LD_PRELOAD="$tmp/fake.so" "$lg" --kernel "$kernel" --mem 128M "$@" \
		< /dev/null > "$tmp/out" 2> "$tmp/err"
	rc=$?
	got=$(tr '\n' '|' < "$FAKE_LG_LOG")
	on=$(windows_on)
	if [ $rc = "$_rc" ] && [ "$got" = "$_want" ] && { [ "$_on" = - ] || [ "$on" = "$_on" ]; }; then
		echo "PASS cli/$_n"
	else
		echo "FAIL cli/$_n: exit status $rc (want $_rc), calls '$got' (want '$_want'), $on windows on (want $_on), stderr '$(cat "$tmp/err")'"
	fi
}
rm -f "$FAKE_LG_ACPI"
console_case console-serial 0 "type 4 slot 0 fd none -1 flags 0 mac 00:00:00:00:00:00 name ''|serial out 1 in 0|" 1 \
	--rng --console serial
rm -f "$FAKE_LG_ACPI"
FAKE_LG_ENODEV=1 console_case console-fallback 0 "type 4 slot 0 fd none -1 flags 0 mac 00:00:00:00:00:00 name ''|type 3 slot 1 fd ro,nb 1 flags 2 mac 00:00:00:00:00:00 name ''|serial out 1 in 0|" 1 \
	--rng
rm -f "$FAKE_LG_ACPI"
FAKE_LG_ENODEV=1 FAKE_LG_ERRNO=$(printf '#include <errno.h>\nEOPNOTSUPP\n' | cpp -P - | tail -n 1) \
	console_case console-fallback-notbuilt 0 "type 4 slot 0 fd none -1 flags 0 mac 00:00:00:00:00:00 name ''|type 3 slot 1 fd ro,nb 1 flags 2 mac 00:00:00:00:00:00 name ''|serial out 1 in 0|" 1 \
	--rng
rm -f "$FAKE_LG_ACPI"
FAKE_LG_ENODEV=0 console_case console-explicit-enodev 1 "type 3 slot 0 fd ro,nb 1 flags 2 mac 00:00:00:00:00:00 name ''|" - \
	--console virtio
FAKE_LG_QUIT=1 console_case console-quit 0 "type 3 slot 0 fd ro,nb 1 flags 2 mac 00:00:00:00:00:00 name ''|serial out 1 in -1|" 1
: > "$FAKE_LG_LOG"
LD_PRELOAD="$tmp/fake.so" "$lg" -v --kernel "$kernel" --mem 128M --rng --mmio-cmdline \
	--append "console=ttyS0" < /dev/null > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q 'command line at 0x[0-9a-f]*: "console=ttyS0 virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0001000:6"$' "$tmp/err"; then
	echo "PASS cli/mmio-cmdline"
else
	echo "FAIL cli/mmio-cmdline: exit status $rc, stderr: $(tr '\n' '|' < "$tmp/err")"
fi
expect mmio-cmdline-raw 2 "lguest: --mmio-cmdline goes with --kernel" --raw "$kernel" --mmio-cmdline
expect console-bad 2 "lguest: --console tty: want virtio or serial" --kernel "$kernel" --console tty
expect console-raw 2 "lguest: --console goes with --kernel" --raw "$kernel" --console serial
expect paging-bad 2 "lguest: --paging ept: want auto, npt or shadow" --raw "$kernel" --paging ept
expect paging-missing 2 "lguest: option --paging needs an argument" --raw "$kernel" --paging
expect cpus-zero 2 "lguest: --cpus 0: want a number of vCPUs, 1 to 32" --raw "$kernel" --cpus 0
expect cpus-word 2 "lguest: --cpus two: want a number of vCPUs, 1 to 32" --raw "$kernel" --cpus two
expect cpus-negative 2 "lguest: --cpus -2: want a number of vCPUs, 1 to 32" --raw "$kernel" --cpus -2
expect cpus-limit 2 "lguest: --cpus 33: a guest has at most 32 vCPUs" --raw "$kernel" --cpus 33
# (Only on a machine with fewer than 32 CPUs, where 32 is too many.)
[ "$(nproc)" -ge 32 ] ||
	expect cpus-host 2 "lguest: --cpus 32: this host has only $(nproc) online CPUs" \
		--raw "$kernel" --cpus 32
