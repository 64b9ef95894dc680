# SPDX-License-Identifier: GPL-2.0
# Top Makefile: builds lguest out of tree against a kernel's headers (by
# default the Debian kernel the QEMU test host boots), the launcher, the
# guest initramfs and disk image, and runs the tests.  Entry points:
#   make            build everything (installs dependencies first)
#   make check      unit tests + test-host tests; last line "N passed, N failed"
#   make fuzz       the fuzzers in one test-host boot: DURATION=seconds
#                   (default 240), SEED=n (default: from the clock),
#                   SKIP=known+findings (tests/host/cases/fuzz.sh)
#   make demo       boot the test host, load the modules, boot the busybox
#                   guest with a shell on the console (the host's shell after)
#   make bench      side-by-side figures, ours against KVM + QEMU microvm
#   make check-vmx  the raw-guest cases (both paging modes) and a Linux guest
#                   on Intel VMX, in one boot of the Bochs test host; CASES=
#                   a subset (scripts/check-vmx.sh)
#   make check-kconfig  lguest built into Debian's kernel, =y and =m, and
#                   random settings of its options (scripts/check-kconfig.sh)
#   make kut        kvm-unit-tests (x86-64) on lguest, both paging modes
#   make tour       regenerate Documentation/lguest.rst from /*T:NNN :*/ comments
#   make modules KDIR=/lib/modules/$(uname -r)/build   build for your own kernel
#                   (what dkms.conf runs; make modules-clean KDIR=... cleans)
#   make deb        lguest and lguest-dkms packages in build/deb (scripts/mkdeb.sh)
#   make check-deb  make deb, then install them in the test host and boot a guest
#   make modules CONFIG_LGUEST_DEV_NET=n   leave an option out (all default
#                   to y out of tree; make kconfig-options lists them)

TOP := $(CURDIR)
BUILD := $(TOP)/build

# A KDIR given on the command line means "my own kernel": build the modules
# and launcher only, touch no package manager.
ifeq ($(origin KDIR),command line)
OWN_KERNEL := 1
else
include $(BUILD)/config.mk
KDIR := /usr/src/linux-headers-$(KVER)
endif

KMAKE := $(MAKE) -C $(KDIR)
LGUEST_SYMVERS := $(TOP)/drivers/lguest/Module.symvers

# The guest initramfs for the second guest kernel (Debian trixie's 6.12,
# GUEST2_* in build/config.mk): the same init and tests, that kernel's modules.
GUEST2_INITRAMFS := $(BUILD)/initramfs-guest2.cpio.gz

# The initramfs of "lguest run -- CMD": lgrun as /init (initramfs/mkrunfs.sh).
RUN_INITRAMFS := $(BUILD)/run/initramfs.cpio

all: modules launcher test-progs initramfs initramfs2 run-initramfs image vmlinux host-initrd

ifndef OWN_KERNEL
# Make rebuilds this included file first: deps.sh installs the packages and
# fetches the test-host kernel, then names them in build/config.mk.
$(BUILD)/config.mk: scripts/deps.sh
	@mkdir -p $(BUILD)
	sh scripts/deps.sh

deps:
	sh scripts/deps.sh
endif

# Our Kconfig options (drivers/*/Kconfig) out of tree: each is y unless
# given on the command line, which make passes down to Kbuild, where
# drivers/lguest/options.mk turns them into CONFIG_X and -DCONFIG_X=1.
include drivers/lguest/options.mk

kconfig-options:
	@echo $(LGUEST_KCONFIG_OPTIONS)

# Kbuild does not see lguest.ko's exported symbol versions change under
# lguest_dev.ko (KBUILD_EXTRA_SYMBOLS is not a dependency): relink it then,
# or it would load with stale versions and be refused.
modules:
	$(KMAKE) M=$(TOP)/drivers/lguest CONFIG_LGUEST=m modules
	if [ $(LGUEST_SYMVERS) -nt drivers/lguest_dev/lguest_dev.ko ]; then \
		$(KMAKE) M=$(TOP)/drivers/lguest_dev clean; fi
	$(KMAKE) M=$(TOP)/drivers/lguest_dev CONFIG_LGUEST_DEV=m \
		KBUILD_EXTRA_SYMBOLS=$(LGUEST_SYMVERS) modules

launcher:
	$(MAKE) -C tools/lguest

test-progs:
	$(MAKE) -C tests/tools
	@if echo 'int main(void) { return 0; }' | \
		$(CC) -m32 -static -x c -o /dev/null - 2>/dev/null; then \
		$(MAKE) -C tools/lguest lguest32 && $(MAKE) -C tests/tools abi_probe32; \
	else echo "lguest: no gcc -m32 (gcc-multilib): no 32-bit launcher to test"; fi
	$(MAKE) -C tests/fuzz
	$(MAKE) -C tests/guests
	$(KMAKE) M=$(TOP)/tests/modules/lg_warn modules
	$(MAKE) -C tests/unit

initramfs: $(BUILD)/initramfs.cpio.gz
initramfs2: $(GUEST2_INITRAMFS)
run-initramfs: $(RUN_INITRAMFS)
image: $(BUILD)/test.ext4
vmlinux: $(BUILD)/vmlinux
host-initrd: $(BUILD)/host-initrd.cpio.gz

# mkinitramfs.sh builds lgio (initramfs/lgio.c) into each initramfs; the
# test host runs this copy of it for the host's end of the bench's TCP runs.
$(BUILD)/lgio: initramfs/lgio.c
	@mkdir -p $(BUILD)
	$(CC) -static -O2 -Wall -o $@ $<

$(BUILD)/initramfs.cpio.gz: initramfs/mkinitramfs.sh initramfs/init initramfs/lgtest.sh initramfs/lgio.c \
		$(wildcard initramfs/tests/*.sh) scripts/modlist.sh $(BUILD)/config.mk \
		$(BUILD)/lgio
	sh initramfs/mkinitramfs.sh $(HOST_MODULES) $(KVER) $@

$(GUEST2_INITRAMFS): initramfs/mkinitramfs.sh initramfs/init initramfs/lgtest.sh initramfs/lgio.c \
		$(wildcard initramfs/tests/*.sh) scripts/modlist.sh $(BUILD)/config.mk \
		$(BUILD)/lgio
	sh initramfs/mkinitramfs.sh $(GUEST2_MODULES) $(GUEST2_KVER) $@

$(RUN_INITRAMFS): initramfs/mkrunfs.sh initramfs/lgrun.c scripts/modlist.sh \
		$(BUILD)/config.mk
	@mkdir -p $(dir $@)
	sh initramfs/mkrunfs.sh $(HOST_MODULES) $(KVER) $@

# The test kernel unpacked: most Linux test guests boot it, which skips
# the seconds its decompressor takes in the TCG test host.
$(BUILD)/vmlinux: scripts/vmlinux.py $(BUILD)/config.mk $(HOST_KERNEL)
	python3 scripts/vmlinux.py $(HOST_KERNEL) $@

$(BUILD)/test.ext4: images/mkimage.sh
	sh images/mkimage.sh $@ 64M

$(BUILD)/host-initrd.cpio.gz: tests/host/mkhostinitrd.sh tests/host/init \
		scripts/modlist.sh $(BUILD)/config.mk
	sh tests/host/mkhostinitrd.sh $(HOST_MODULES) $(KVER) $@

check: all kut-build
	sh tests/run-all.sh

# make check-vmx: the Bochs test host (VMX with EPT, scripts/bochs-host.sh)
# runs vmx-cpu, every raw-guest case with npt and then shadow paging, and
# linux-disk-ro, in one boot; CASES="..." runs those instead (NAME:npt,
# NAME:shadow, @guest...).  Not part of make check; deps-vmx.sh installs
# Bochs.
CASES ?=
check-vmx: modules launcher test-progs initramfs image vmlinux
	sh scripts/deps-vmx.sh
	CASES="$(CASES)" sh scripts/check-vmx.sh

# The case's own limit: the fuzzing time plus the checks and the modules.
DURATION ?= 240
SEED ?= $(shell date +%s)
SKIP ?=
fuzz: modules launcher test-progs host-initrd
	sh tests/host/run.sh --suite fuzz --timeout $$(($(DURATION) + 120)) \
		--fuzz $(DURATION),$(SEED)$(if $(SKIP),$(comma)$(SKIP)) fuzz

comma := ,

# make check-debug: the hostile cases under a debug test-host kernel (KASAN,
# KMEMLEAK, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP ...) built from Debian's
# linux-source of the headers' version (scripts/debug-kernel.sh: 30-60+
# minutes on 2 CPUs the first time, cached in build/debug/ after), with the
# modules rebuilt for it in build/debug/src (scripts/check-debug.sh).
# Not part of make check.  DEBUG_CASES: the cases; DEBUG_PAGING: the
# paging= defaults to run them under, one test-host boot each.
DEBUG_CASES ?= $(shell awk -F'\t' '$$1 ~ /^hostile-/ && !s[$$1]++ { print "guest-" $$1 }' tests/guests/cases.tsv) \
	linux-hostile-rings module-reload $(if $(wildcard tests/host/cases/fuzz.sh),fuzz)
DEBUG_PAGING ?= auto shadow

check-debug: all
	DEBUG_PAGING="$(DEBUG_PAGING)" sh scripts/check-debug.sh $(DEBUG_CASES)

debug-kernel: $(BUILD)/config.mk
	sh scripts/debug-kernel.sh

# make check-kconfig: lguest in a kernel tree (scripts/intree.sh) with
# Debian's config: =y booted as the test host for the guest tests, =m, the
# patch, and SEEDS (default 20) random settings of our options
# (scripts/check-kconfig.sh; an hour or more the first time, cached in
# build/intree/ after).  Not part of make check.
check-kconfig: all
	sh scripts/check-kconfig.sh

# make guest-kernel: a small guest kernel, build/guest-kernel/vmlinux, from
# Debian's linux-source: tinyconfig + configs/lguest_guest.config, no
# modules (scripts/guest-kernel.sh; cached by the hash of its inputs).
guest-kernel: $(BUILD)/config.mk
	sh scripts/guest-kernel.sh

demo: all
	sh tests/host/run.sh --mode demo

# make bench: every figure of tests/bench/cases.tsv, lguest and the peer,
# in LG_BENCH_ROUNDS rounds (default 5) in one test-host boot; prints
# medians and spreads and writes bench/report/bench.json.  make
# bench-report draws that file as bench/report/bench.svg.
bench: all
	sh tests/bench/run.sh

bench-report:
	@test -f bench/report/bench.json || { echo "lguest: no bench/report/bench.json: run make bench first" >&2; exit 1; }
	python3 tests/bench/report.py chart bench/report/bench.json bench/report/bench.svg
	@echo "bench/report/bench.svg"

# kvm-unit-tests, unpacked and built from ../shared/third_party into
# build/kut (an external suite: nothing of it enters our tree); make kut
# runs it all (tests/kut/run.sh), make check a passing subset.
kut-build:
	sh scripts/kut-build.sh

kut: all kut-build
	sh tests/kut/run.sh

# The peer's column of Documentation/kvm-unit-tests.rst: every entry on
# KVM + QEMU in the test host, as the suite's own x86/run runs it.
kut-kvm: all kut-build
	KUT_MODES=kvm sh tests/kut/run.sh

tour:
	perl scripts/tour.pl > Documentation/lguest.rst.tmp
	mv Documentation/lguest.rst.tmp Documentation/lguest.rst

# The two modules' objects only: DKMS's CLEAN, in a tree that has no tools.
modules-clean:
	-$(KMAKE) M=$(TOP)/drivers/lguest clean
	-$(KMAKE) M=$(TOP)/drivers/lguest_dev clean

# The Debian packages, built from a copy of this tree in build/deb/src
# (this tree's build/ and objects are left alone); lintian after.
deb:
	sh scripts/mkdeb.sh

# The packages installed in the test host (dpkg -i, DKMS, modprobe, a
# guest from the installed launcher: tests/host/cases/deb-install.sh,
# 70-100 s of test host): not part of make check; make check-kconfig
# runs it too.
check-deb: deb vmlinux run-initramfs host-initrd
	sh tests/host/run.sh --suite host-deb --timeout 300 deb-install

clean: modules-clean
	-$(KMAKE) M=$(TOP)/tests/modules/lg_warn clean
	$(MAKE) -C tools/lguest clean
	$(MAKE) -C tests/tools clean
	$(MAKE) -C tests/fuzz clean
	$(MAKE) -C tests/guests clean
	$(MAKE) -C tests/unit clean
	rm -f $(BUILD)/*.cpio.gz $(BUILD)/test.ext4
	rm -rf $(BUILD)/logs

.PHONY: all deps modules modules-clean deb check-deb kconfig-options launcher test-progs initramfs initramfs2 image vmlinux host-initrd \
	check check-debug check-kconfig check-vmx debug-kernel guest-kernel fuzz demo bench bench-report kut kut-build kut-kvm tour clean
