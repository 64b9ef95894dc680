// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_lifecycle.c - the KVM side of "make bench"'s raw-lifecycle figure
 * (tests/host/cases/bench-raw.sh): tests/tools/raw_lifecycle.c's throwaway
 * guest done by a minimal program on plain KVM, step for step.  Each
 * iteration: open /dev/kvm (and ask its API version, as liblguest asks
 * /dev/lguest's), KVM_CREATE_VM, 2 MiB of anonymous RAM as memory slot 0,
 * KVM_CREATE_VCPU and its kvm_run mapped, KVM_SET_CPUID2 (KVM wants long
 * mode in the guest's CPUID before it takes EFER.LME), the 4 KiB image
 * (HLT at offset 0) copied to 1 MiB with the --raw convention's tables and
 * entry state (include/uapi/linux/lguest.h; as tests/tools/kvm_peer.c lays
 * them out), KVM_RUN until KVM_EXIT_HLT (no in-kernel irqchip: HLT comes
 * back to us); then everything unmapped and closed.  Only the supported
 * CPUID list, a constant of the machine, is read once before the loop, as
 * any VMM does.  The timing and the report are raw_lifecycle.c's, word
 * for word.  Run with kvm_amd loaded (and best with a VM held open, lib.sh
 * kvm_hold, so that AMD-V is not switched on and off every iteration).
 *
 * Usage: kvm_lifecycle [--iters N] [--warmup N]
 * Prints one line for people and "@@LIFE <mean> <median> <min> <max>
 * <mean up> <mean down>" in microseconds.  Exit status 1, with a
 * "kvm_lifecycle: " line, if an iteration fails or the guest exits other
 * than by HLT; 2 for bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lguest.h>

#include "lifecycle.h"

#include "kvm_raw.h"

/*
 * Where KVM's time goes, summed over the timed iterations: open and
 * KVM_CREATE_VM; the RAM and its memory slot; the vCPU, its kvm_run and
 * CPUID; the image, tables and registers; KVM_RUN to HLT; then closing
 * the vCPU, closing the VM (KVM frees the guest here), the rest.
 */
enum { P_VM, P_MEM, P_VCPU, P_LOAD, P_RUN, P_CLOSE_VCPU, P_CLOSE_VM, P_REST, NPHASE };
static const char *const phase_name[NPHASE] = {
	"open+create VM", "RAM+slot", "vCPU+kvm_run+CPUID", "image+tables+regs",
	"KVM_RUN to HLT", "close vCPU", "close VM", "munmap RAM+close /dev/kvm",
};
static double phase[NPHASE];

/* lap: the time since the last lap into phase[p]. */
static void lap(int p, double *last)
{
	double now = life_now_us();

	phase[p] += now - *last;
	*last = now;
}

static void __attribute__((noreturn)) die(long i, const char *what)
{
	if (i < 0)
		fprintf(stderr, "kvm_lifecycle: %s: %s\n", what, strerror(errno));
	else
		fprintf(stderr, "kvm_lifecycle: iteration %ld: %s: %s\n", i, what,
			strerror(errno));
	exit(1);
}


/* one: a whole guest's life; adds its two parts' times to *up and *down. */
static void one(long i, double *up, double *down)
{
	struct kvm_userspace_memory_region region;
	struct kvm_run *run;
	double t0, t1, t2, last;
	int kvm, vm, vcpu;
	long run_size;
	uint8_t *ram;

	t0 = last = life_now_us();
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die(i, "open /dev/kvm");
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die(i, "KVM_GET_API_VERSION");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die(i, "KVM_CREATE_VM");
	lap(P_VM, &last);
	ram = mmap(NULL, LIFE_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die(i, "mmap guest RAM");
	region = (struct kvm_userspace_memory_region) {
		.slot = 0, .guest_phys_addr = 0, .memory_size = LIFE_MEM,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(i, "KVM_SET_USER_MEMORY_REGION");
	lap(P_MEM, &last);
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die(i, "KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*run))
		die(i, "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die(i, "mmap kvm_run");
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0)
		die(i, "KVM_SET_CPUID2");
	lap(P_VCPU, &last);
	memcpy(ram + LGUEST_RAW_LOAD, life_image, sizeof(life_image));
	build_tables(ram, LIFE_MEM);
	set_state(i, vcpu, LIFE_MEM);
	lap(P_LOAD, &last);
	while (ioctl(vcpu, KVM_RUN, 0) < 0)
		if (errno != EINTR && errno != EAGAIN)
			die(i, "KVM_RUN");
	lap(P_RUN, &last);
	t1 = last;
	if (run->exit_reason != KVM_EXIT_HLT) {
		fprintf(stderr, "kvm_lifecycle: iteration %ld: exit reason %u, not HLT\n",
			i, run->exit_reason);
		exit(1);
	}
	munmap(run, run_size);
	close(vcpu);
	lap(P_CLOSE_VCPU, &last);
	close(vm);
	lap(P_CLOSE_VM, &last);
	munmap(ram, LIFE_MEM);
	close(kvm);
	lap(P_REST, &last);
	t2 = last;
	*up += t1 - t0;
	*down += t2 - t1;
}

int main(int argc, char **argv)
{
	double up = 0, down = 0, t0, *t;
	struct life_opts o;
	long i;

	life_args(&o, argc, argv, 0);
	get_cpuid();
	t = calloc(o.iters, sizeof(*t));
	if (!t)
		die(-1, "calloc");
	for (i = 0; i < o.warmup; i++)
		one(i, &up, &down);
	up = down = 0;
	memset(phase, 0, sizeof(phase));
	for (i = 0; i < o.iters; i++) {
		t0 = life_now_us();
		one(o.warmup + i, &up, &down);
		t[i] = life_now_us() - t0;
	}
	life_report("kvm", t, o.iters, up, down);
	printf("kvm: mean per step:");
	for (i = 0; i < NPHASE; i++)
		printf("%s %s %.1f us", i ? "," : "", phase_name[i], phase[i] / o.iters);
	printf("\n");
	free(t);
	return 0;
}
