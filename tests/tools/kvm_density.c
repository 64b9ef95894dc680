// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_density.c - the KVM side of the density and per-guest memory
 * figures (tests/host/cases/bench-density.sh, bench-mem.sh):
 * tests/tools/raw_density.c's raw guests on plain KVM, step for step as
 * tests/tools/kvm_lifecycle.c brings one up (KVM_CREATE_VM, 2 MiB of
 * anonymous RAM as slot 0, one vCPU with CPUID, the --raw tables and entry
 * state, KVM_RUN to the HLT exit), and kept alive.  One /dev/kvm file per
 * process, as a VMM has.  Run with kvm_amd loaded.  Usage: density.h's.
 */
#include <fcntl.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>
#include <linux/lguest.h>

#include "density.h"

#include "kvm_raw.h"

static int kvm_fd = -1;

static void __attribute__((noreturn)) die(long i, const char *what)
{
	density_die(i, what, strerror(errno));
}


static void density_up(long i, void **ram_out)
{
	struct kvm_userspace_memory_region region;
	struct kvm_run *run;
	int vm, vcpu;
	long run_size;
	uint8_t *ram;

	if (kvm_fd < 0) {
		get_cpuid();
		kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm_fd < 0)
			die(i, "open /dev/kvm");
		if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
			die(i, "KVM_GET_API_VERSION");
	}
	vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		die(i, "KVM_CREATE_VM");
	ram = mmap(NULL, density_mem, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die(i, "mmap guest RAM");
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0, .memory_size = density_mem,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(i, "KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die(i, "KVM_CREATE_VCPU");
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*run))
		die(i, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die(i, "mmap kvm_run");
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0)
		die(i, "KVM_SET_CPUID2");
	memcpy(ram + LGUEST_RAW_LOAD, density_image, sizeof(density_image));
	build_tables(ram, density_mem);
	set_state(i, vcpu, density_mem);
	while (ioctl(vcpu, KVM_RUN, 0) < 0)
		if (errno != EINTR && errno != EAGAIN)
			die(i, "KVM_RUN");
	if (run->exit_reason != KVM_EXIT_HLT) {
		errno = 0;
		density_die(i, "KVM_RUN", "the guest did not stop at HLT");
	}
	*ram_out = ram;
}

int main(int argc, char **argv)
{
	return density_main(argc, argv);
}
