// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_peer.c - test helper run inside the test host: runs one raw test guest
 * (tests/guests/NAME.bin) under plain KVM, laid out exactly as "lguest --raw"
 * lays it out (the convention in include/uapi/linux/lguest.h).  It checks
 * the guests themselves before lguest can run them, and gives the KVM side
 * of the exit round-trip figures.
 *
 * Usage: kvm_peer [--mem SIZE] [--dump-ram FILE] FILE.bin
 *        kvm_peer --hold
 *
 * Bytes the guest writes to port 0x3f8 go to stdout; other port writes are
 * dropped and port reads return all ones.  The run ends at the guest's
 * first HLT: a guest's poweroff hypercall returns under KVM and it halts
 * with the status still in RBX, so RBX becomes the exit status (255 if it
 * does not fit).  A triple fault, or a touch of guest-physical memory
 * outside RAM, ends it with exit status 1 and one stderr line
 * "kvm_peer: guest killed: <why>", the form lguest uses.  Bad arguments
 * exit 2; KVM refusing to set up exits 1 with a "kvm_peer: " line.
 *
 * --hold creates an empty VM, says "kvm_peer: holding a VM" on stdout and
 * waits to be killed.  While it lives, kvm_amd keeps AMD-V on instead of
 * turning it on and off around every run: in the TCG test host, many of
 * those on/off cycles in a row have been seen to livelock the whole host.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/lguest.h>

#define DEFAULT_MEM	(64ULL << 20)

#define CR0_PE		(1ULL << 0)
#define CR0_MP		(1ULL << 1)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_WP		(1ULL << 16)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define CR4_OSFXSR	(1ULL << 9)
#define CR4_OSXMMEXCPT	(1ULL << 10)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)
#define EFER_NXE	(1ULL << 11)

#define PTE_P		(1ULL << 0)
#define PTE_W		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

#define GDT_CODE64	0x00af9b000000ffffULL	/* 0x08 */
#define GDT_DATA	0x00cf93000000ffffULL	/* 0x10 */

static void __attribute__((format(printf, 2, 3), noreturn))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("kvm_peer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* parse_size: "64M", "1G", "2097152"; 0 on success. */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

/*
 * The --raw layout: PML4 at LGUEST_RAW_PML4, the PDPT after it, one PD per
 * GiB after that, all RAM identity-mapped by 2 MiB pages; the GDT at
 * LGUEST_RAW_GDT with null, 64-bit code (0x08) and data (0x10).
 */
static void build_tables(uint8_t *ram, uint64_t mem)
{
	uint64_t *pml4 = (uint64_t *)(ram + LGUEST_RAW_PML4);
	uint64_t *pdpt = (uint64_t *)(ram + LGUEST_RAW_PML4 + 0x1000);
	uint64_t *pd = (uint64_t *)(ram + LGUEST_RAW_PML4 + 0x2000);
	uint64_t *gdt = (uint64_t *)(ram + LGUEST_RAW_GDT);
	uint64_t i, gib = (mem + (1ULL << 30) - 1) >> 30;

	pml4[0] = (LGUEST_RAW_PML4 + 0x1000) | PTE_P | PTE_W;
	for (i = 0; i < gib; i++)
		pdpt[i] = (LGUEST_RAW_PML4 + 0x2000 + i * 0x1000) | PTE_P | PTE_W;
	for (i = 0; i < mem >> 21; i++)
		pd[i] = (i << 21) | PTE_P | PTE_W | PTE_PS;
	gdt[0] = 0;
	gdt[1] = GDT_CODE64;
	gdt[2] = GDT_DATA;
}

static void load_image(const char *path, uint8_t *ram, uint64_t mem)
{
	uint64_t room = mem - LGUEST_RAW_LOAD, done = 0;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(2, "cannot open raw image '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		die(2, "raw image '%s' is not a non-empty regular file", path);
	if ((uint64_t)st.st_size > room)
		die(2, "raw image '%s' (%lld bytes) does not fit in RAM above 0x%x",
		    path, (long long)st.st_size, LGUEST_RAW_LOAD);
	while (done < (uint64_t)st.st_size) {
		n = read(fd, ram + LGUEST_RAW_LOAD + done, st.st_size - done);
		if (n <= 0)
			die(2, "cannot read raw image '%s': %s", path,
			    n ? strerror(errno) : "short file");
		done += n;
	}
	close(fd);
}

static void set_cpuid(int kvm, int vcpu)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	int nent = 64;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die(1, "out of memory");
		cpuid->nent = nent;
		if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			break;
		if (errno != E2BIG)
			die(1, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		free(cpuid);
		nent *= 2;
	}
	/* What any VMM adds: leaf 1 ECX bit 31, "running under a hypervisor". */
	for (i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 1)
			cpuid->entries[i].ecx |= 1U << 31;
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid) < 0)
		die(1, "KVM_SET_CPUID2: %s", strerror(errno));
	free(cpuid);
}

static void set_state(int vcpu, uint64_t mem)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11,
		.present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 3,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_segment null = { .selector = 0, .unusable = 1 };
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		die(1, "KVM_GET_SREGS: %s", strerror(errno));
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.ss = data;
	sregs.fs = sregs.gs = null;
	sregs.gdt.base = LGUEST_RAW_GDT;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs.cr3 = LGUEST_RAW_PML4;
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs.efer = EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		die(1, "KVM_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof(regs));
	regs.rip = LGUEST_RAW_LOAD;
	regs.rsp = LGUEST_RAW_LOAD;
	regs.rdi = mem;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		die(1, "KVM_SET_REGS: %s", strerror(errno));
}

static void dump_ram(const char *path, const uint8_t *ram, uint64_t mem)
{
	uint64_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(1, "cannot create RAM dump '%s': %s", path, strerror(errno));
	while (done < mem) {
		n = write(fd, ram + done, mem - done);
		if (n <= 0)
			die(1, "cannot write RAM dump '%s': %s", path,
			    n ? strerror(errno) : "short write");
		done += n;
	}
	if (close(fd) < 0)
		die(1, "cannot write RAM dump '%s': %s", path, strerror(errno));
}

static void __attribute__((noreturn)) hold(void)
{
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die(1, "cannot open /dev/kvm: %s", strerror(errno));
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die(1, "KVM_CREATE_VM: %s", strerror(errno));
	printf("kvm_peer: holding a VM\n");
	fflush(stdout);
	for (;;)
		pause();
}

static uint64_t guest_rip(int vcpu)
{
	struct kvm_regs regs;

	if (ioctl(vcpu, KVM_GET_REGS, &regs) < 0)
		return ~0ULL;
	return regs.rip;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mem",	required_argument, NULL, 'm' },
		{ "dump-ram",	required_argument, NULL, 'd' },
		{ "hold",	no_argument,	   NULL, 'H' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ }
	};
	const char *dump = NULL;
	char why[256] = "";
	uint64_t mem = DEFAULT_MEM;
	struct kvm_userspace_memory_region region;
	struct kvm_run *run;
	struct kvm_regs regs;
	uint8_t *ram, *data;
	int kvm, vm, vcpu, c, status = -1;
	long run_size;

	while ((c = getopt_long(argc, argv, "m:d:Hh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &mem))
				die(2, "--mem %s: not a size (try 64M)", optarg);
			break;
		case 'd':
			dump = optarg;
			break;
		case 'H':
			hold();
		case 'h':
			printf("Usage: kvm_peer [--mem SIZE] [--dump-ram FILE] FILE.bin\n"
			       "       kvm_peer --hold\n");
			return 0;
		default:
			die(2, "usage: kvm_peer [--mem SIZE] [--dump-ram FILE] FILE.bin");
		}
	}
	if (optind != argc - 1)
		die(2, "usage: kvm_peer [--mem SIZE] [--dump-ram FILE] FILE.bin");
	if (!mem || mem % LGUEST_MEM_ALIGN || mem > LGUEST_MAX_MEM ||
	    mem <= LGUEST_RAW_LOAD)
		die(2, "--mem: RAM must be a multiple of 2M, at least 2M, at most 64G");

	ram = mmap(NULL, mem, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die(1, "cannot allocate %" PRIu64 " bytes of guest RAM: %s",
		    mem, strerror(errno));
	load_image(argv[optind], ram, mem);
	build_tables(ram, mem);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die(1, "cannot open /dev/kvm: %s", strerror(errno));
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die(1, "/dev/kvm speaks another API version");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die(1, "KVM_CREATE_VM: %s", strerror(errno));
	region = (struct kvm_userspace_memory_region) {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die(1, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die(1, "KVM_CREATE_VCPU: %s", strerror(errno));
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*run))
		die(1, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die(1, "cannot map the vCPU's kvm_run: %s", strerror(errno));
	set_cpuid(kvm, vcpu);
	set_state(vcpu, mem);

	while (status < 0 && !why[0]) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die(1, "KVM_RUN: %s", strerror(errno));
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			data = (uint8_t *)run + run->io.data_offset;
			if (run->io.direction == KVM_EXIT_IO_IN)
				memset(data, 0xff, run->io.size * run->io.count);
			else if (run->io.port == LGUEST_SERIAL_PORT &&
				 write(STDOUT_FILENO, data,
				       run->io.size * run->io.count) < 0)
				die(1, "cannot write the guest's output: %s",
				    strerror(errno));
			break;
		case KVM_EXIT_HLT:
			if (ioctl(vcpu, KVM_GET_REGS, &regs) < 0)
				die(1, "KVM_GET_REGS: %s", strerror(errno));
			status = regs.rbx > 255 ? 255 : (int)regs.rbx;
			break;
		case KVM_EXIT_SHUTDOWN:
			/* KVM has reset the vCPU by now: no RIP worth giving. */
			snprintf(why, sizeof(why), "shutdown (triple fault)");
			break;
		case KVM_EXIT_MMIO:
			snprintf(why, sizeof(why),
				 "%s guest-physical 0x%llx outside RAM at rip 0x%" PRIx64,
				 run->mmio.is_write ? "write to" : "read of",
				 (unsigned long long)run->mmio.phys_addr,
				 guest_rip(vcpu));
			break;
		case KVM_EXIT_FAIL_ENTRY:
			snprintf(why, sizeof(why),
				 "VM entry failed, hardware reason 0x%llx",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			break;
		case KVM_EXIT_INTERNAL_ERROR:
			snprintf(why, sizeof(why),
				 "KVM internal error, suberror %u at rip 0x%" PRIx64,
				 run->internal.suberror, guest_rip(vcpu));
			break;
		default:
			snprintf(why, sizeof(why),
				 "unexpected KVM exit reason %u at rip 0x%" PRIx64,
				 run->exit_reason, guest_rip(vcpu));
			break;
		}
	}
	if (dump)
		dump_ram(dump, ram, mem);
	if (why[0])
		die(1, "guest killed: %s", why);
	return status;
}
