/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lguest.h - the user ABI of /dev/lguest: everything a launcher may ask of
 * the lguest hypervisor module, and the guest-to-launcher exit protocol.
 * Versioned: a launcher asks for the API version first and refuses to go on
 * if it is not the one it was built for.  One open file owns one guest;
 * it is destroyed, and its memory freed, when that file and the files of
 * all its vCPUs are closed.
 */
#ifndef _UAPI_LINUX_LGUEST_H
#define _UAPI_LINUX_LGUEST_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * LGUEST_API_VERSION - the version of this ABI.
 *
 * Version 1: only %LGUEST_GET_API_VERSION.
 * Version 2: create a guest, map its RAM, get/set its registers, run it.
 * Version 3: the PC-like platform a stock Linux kernel boots on (local
 *	x2APIC, IOAPIC, 8250 UART with input, kvmclock, ACPI sleep/reset
 *	registers, pvpanic); %LGUEST_EXIT_REBOOT and %LGUEST_EXIT_PANIC;
 *	&struct lguest_console.in_fd.
 * Version 4: %LGUEST_ADD_DEVICE, virtio-mmio devices served in the kernel.
 * Version 5: the virtio console (%LGUEST_DEV_CONSOLE), its escape
 *	(%LGUEST_DEV_F_ESCAPE) and %LGUEST_EXIT_QUIT.
 * Version 6: the paging mode in &struct lguest_create.flags
 *	(%LGUEST_PAGING_NPT, %LGUEST_PAGING_SHADOW, %LGUEST_PAGING_AUTO);
 *	%LGUEST_CREATE returns the mode it chose.
 * Version 7: hardened against hostile guests and launchers: guest RAM at
 *	most %LGUEST_MAX_MEM (below the device hole); file descriptors
 *	only of the kinds listed under "Files a launcher hands over";
 *	&struct lguest_device_desc.pad2 explicit and zero (one layout for
 *	32- and 64-bit launchers); %LGUEST_SET_SREGS refuses EFER.LME with
 *	neither CR0.PG nor CR4.PAE; hypercalls from guest CPL > 0 fail with
 *	-EPERM; the guest's XCR0, TSC_AUX and debug registers are its own.
 * Version 8: the test-exit port %LGUEST_TEST_EXIT_PORT and
 *	%LGUEST_EXIT_TEST; under shadow paging, %LGUEST_SET_SREGS also takes
 *	a state with paging off (and EFER.LME clear), as Multiboot enters.
 * Version 9: several vCPUs.  %LGUEST_CREATE_VCPU makes each, with a file
 *	of its own; the register ioctls and %LGUEST_RUN moved from the
 *	guest's file to the vCPU's.  vCPU 0 starts where the launcher sets
 *	it; the others wait for the INIT and start-up IPIs of vCPU 0, as the
 *	application processors of a PC do.  The test ports of
 *	%LGUEST_TEST_IRQ_PORT drive the IOAPIC's lines.
 * Version 10: %LGUEST_CREATE_HLT_EXIT and %LGUEST_EXIT_HLT, for flat
 *	images that finish by halting (a function call in a guest); the
 *	device node may be opened by a group (mode 0660, see udev/).
 * Version 11: guest RAM is allocated as the guest first touches it, 2 MiB
 *	at a time, and charged then; a guest whose RAM cannot be had is
 *	killed.  %LGUEST_CREATE_PREALLOC allocates it all at creation, as
 *	every version before did.
 */
#define LGUEST_API_VERSION	11

/*
 * The ioctl "type" byte.  0xAE is KVM's and 0xAF vhost's; we take the next
 * free-looking one and keep all our numbers inside it.
 */
#define LGUEST_IOC_MAGIC	0xB8

/**
 * LGUEST_GET_API_VERSION - ask the module which ABI it speaks.
 *
 * No argument.  Returns %LGUEST_API_VERSION of the loaded module (a
 * non-negative int) as the ioctl's return value.  Always safe to call, by
 * any version of any launcher, on a freshly opened /dev/lguest.
 */
#define LGUEST_GET_API_VERSION	_IO(LGUEST_IOC_MAGIC, 0x00)

/*
 * Guest RAM is a multiple of this, and at most LGUEST_MAX_MEM bytes: it
 * starts at guest-physical 0 and must end below the device hole at
 * %LGUEST_RAM_LIMIT (3 GiB), where the virtio-mmio windows and the IOAPIC
 * sit (see the machine's description below).
 */
#define LGUEST_MEM_ALIGN	(2ULL << 20)
#define LGUEST_MAX_MEM		0xc0000000ULL

/*
 * How the guest's addresses are translated: &struct lguest_create.flags
 * bits 0-1.  %LGUEST_PAGING_DEFAULT leaves it to the module's paging=
 * parameter (auto, npt or shadow; auto unless the administrator said
 * otherwise).  %LGUEST_PAGING_NPT: nested paging, the CPU walks the guest's
 * page tables (fails with %EOPNOTSUPP on a CPU without it).
 * %LGUEST_PAGING_SHADOW: no nested paging; the module keeps shadow page
 * tables built from the guest's own, which must be 4-level long-mode tables
 * (the guest is entered, and stays, in long mode with paging on).
 * %LGUEST_PAGING_AUTO: NPT if the CPU has it, else shadow.
 */
#define LGUEST_PAGING_DEFAULT	0
#define LGUEST_PAGING_NPT	1
#define LGUEST_PAGING_SHADOW	2
#define LGUEST_PAGING_AUTO	3
#define LGUEST_CREATE_PAGING_MASK	3
/*
 * A HLT on any vCPU stops the guest for good, as any other stop does:
 * every vCPU's %LGUEST_RUN returns %LGUEST_EXIT_HLT (the guest's registers
 * and RAM stay readable; the guest cannot be resumed).  For flat images
 * whose work ends with HLT, like KVM_EXIT_HLT without an in-kernel
 * interrupt controller; a kernel, whose idle loop halts, must not ask.
 */
#define LGUEST_CREATE_HLT_EXIT		(1U << 2)
/*
 * Allocate all of the guest's RAM now, so that %LGUEST_CREATE fails with
 * %ENOMEM rather than the guest being killed later, when it first touches
 * RAM the host (or the caller's memory cgroup) cannot give.  Without it,
 * RAM is allocated 2 MiB at a time as the guest, a device or the
 * launcher's mapping first touches it, and what the guest never touches
 * costs nothing.
 */
#define LGUEST_CREATE_PREALLOC		(1U << 3)

/**
 * struct lguest_create - argument of %LGUEST_CREATE.
 * @mem_size: bytes of guest RAM, a non-zero multiple of %LGUEST_MEM_ALIGN
 *	no larger than %LGUEST_MAX_MEM.  The RAM starts at guest-physical 0,
 *	reads as zeroes, and is charged to the caller's memory cgroup as it
 *	is allocated (when first touched, or here with
 *	%LGUEST_CREATE_PREALLOC).
 * @flags: bits 0-1 the paging mode (%LGUEST_PAGING_DEFAULT ...
 *	%LGUEST_PAGING_AUTO), bit 2 %LGUEST_CREATE_HLT_EXIT, bit 3
 *	%LGUEST_CREATE_PREALLOC; every other bit must be 0.
 * @reserved: must be 0.
 */
struct lguest_create {
	__u64 mem_size;
	__u32 flags;
	__u32 reserved;
};

/**
 * LGUEST_CREATE - create the guest of this open file (once per file).
 *
 * Returns the paging mode in use, %LGUEST_PAGING_NPT or
 * %LGUEST_PAGING_SHADOW (a positive int), as the ioctl's return value.
 * Errors: %EINVAL bad size (0 or not a multiple of %LGUEST_MEM_ALIGN),
 * unknown flags or non-zero reserved; %E2BIG size over %LGUEST_MAX_MEM (the
 * device hole); %EEXIST the file already has a guest; %EOPNOTSUPP
 * %LGUEST_PAGING_NPT on a CPU without nested paging; %ENOMEM more RAM than
 * the host has, or, with %LGUEST_CREATE_PREALLOC, than the caller's memory
 * cgroup allows (an allocation of guest RAM never invokes the OOM killer:
 * without the flag, the guest is killed when it touches RAM that cannot
 * be had); %EINTR a fatal signal came while it was being allocated.  After
 * success, mmap() of the file at offset 0 with length @mem_size (shared,
 * read/write) maps the guest's RAM into the launcher, so it can load images.
 */
#define LGUEST_CREATE		_IOW(LGUEST_IOC_MAGIC, 0x01, struct lguest_create)

/**
 * struct lguest_regs - the general registers, %LGUEST_GET_REGS/%LGUEST_SET_REGS.
 * @rax: RAX.
 * @rbx: RBX.
 * @rcx: RCX.
 * @rdx: RDX.
 * @rsi: RSI.
 * @rdi: RDI.
 * @rsp: RSP.
 * @rbp: RBP.
 * @r8: R8.
 * @r9: R9.
 * @r10: R10.
 * @r11: R11.
 * @r12: R12.
 * @r13: R13.
 * @r14: R14.
 * @r15: R15.
 * @rip: the instruction pointer, RIP.
 * @rflags: RFLAGS.
 */
struct lguest_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

/**
 * struct lguest_segment - one segment register, with its hidden part.
 * @base: segment base.
 * @limit: segment limit, in bytes (not pages).
 * @selector: the visible selector.
 * @attrib: attributes in the AMD VMCB layout (APM vol. 2, 15.5.1): bits
 *	0-3 type, 4 S, 5-6 DPL, 7 P, 8 AVL, 9 L, 10 D/B, 11 G.
 * @reserved: must be 0.
 */
struct lguest_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u16 attrib;
	__u64 reserved;
};

/**
 * struct lguest_dtable - a descriptor-table register (GDTR, IDTR).
 * @base: linear base address.
 * @limit: limit in bytes.
 * @reserved: must be 0.
 */
struct lguest_dtable {
	__u64 base;
	__u16 limit;
	__u16 reserved[3];
};

/**
 * struct lguest_sregs - segment, control and descriptor-table state,
 *	%LGUEST_GET_SREGS/%LGUEST_SET_SREGS.
 * @cs: CS.
 * @ds: DS.
 * @es: ES.
 * @fs: FS.
 * @gs: GS.
 * @ss: SS.
 * @tr: TR.
 * @ldt: LDTR.
 * @gdt: GDTR.
 * @idt: IDTR.
 * @cr0: CR0.
 * @cr2: CR2.
 * @cr3: CR3.
 * @cr4: CR4.
 * @efer: the guest's EFER as the guest sees it (SVME is the host's business
 *	and is neither shown nor accepted).
 * @reserved: must be 0.
 *
 * %LGUEST_SET_SREGS checks the state as VMRUN would (APM vol. 2, 15.5.1
 * "Canonicalization and Consistency Checks") and answers %EINVAL instead of
 * letting the CPU refuse it.  It also refuses EFER.LME with neither CR0.PG
 * nor CR4.PAE (long mode enabled, inactive, without PAE): legal, but a
 * state QEMU's TCG cannot leave a guest from (see lg_sregs_valid()).
 */
struct lguest_sregs {
	struct lguest_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct lguest_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, efer;
	__u64 reserved[8];
};

/**
 * LGUEST_MAX_VCPUS - the most vCPUs a guest may have.
 */
#define LGUEST_MAX_VCPUS	32

/**
 * LGUEST_CREATE_VCPU - add a vCPU to the guest; on the guest's file.
 *
 * Argument (by value): the vCPU's number, which must be the number of
 * vCPUs the guest has so far (0 first, then 1, ...) and below
 * %LGUEST_MAX_VCPUS; it is also the vCPU's APIC ID.  Returns a new file
 * descriptor (close-on-exec) for the vCPU, on which %LGUEST_GET_REGS,
 * %LGUEST_SET_REGS, %LGUEST_GET_SREGS, %LGUEST_SET_SREGS and %LGUEST_RUN
 * work; each vCPU is meant to be run by a thread of its own.  vCPU 0 is the
 * bootstrap processor: it runs from the state the launcher sets.  The
 * others are application processors: %LGUEST_RUN on them sleeps until the
 * guest starts them with INIT and start-up IPIs (SDM vol. 3, 9.4.4).
 * Errors: %ENOENT before %LGUEST_CREATE; %EINVAL for another number;
 * %EBUSY once the guest has run; %ENOMEM.  The vCPU's file keeps the guest
 * alive: the guest is destroyed when its file and every vCPU file are
 * closed.
 */
#define LGUEST_CREATE_VCPU	_IO(LGUEST_IOC_MAGIC, 0x08)

/* The register ioctls, on a vCPU's file (%ENOTTY on the guest's). */
#define LGUEST_GET_REGS		_IOR(LGUEST_IOC_MAGIC, 0x02, struct lguest_regs)
#define LGUEST_SET_REGS		_IOW(LGUEST_IOC_MAGIC, 0x03, struct lguest_regs)
#define LGUEST_GET_SREGS	_IOR(LGUEST_IOC_MAGIC, 0x04, struct lguest_sregs)
#define LGUEST_SET_SREGS	_IOW(LGUEST_IOC_MAGIC, 0x05, struct lguest_sregs)

/*
 * Files a launcher hands over (%LGUEST_SET_CONSOLE, %LGUEST_ADD_DEVICE).
 * The module keeps its own references until the guest dies, so it takes
 * only files that cannot hold references to other files (one that could
 * might hold the guest's own /dev/lguest and keep it alive forever), and
 * whose contents do not depend on who reads them.  Per use:
 *  - console output and input: a regular file, a pipe or FIFO, a terminal
 *    (virtual console, serial port, /dev/tty, /dev/console, /dev/pts/N,
 *    hvc), /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom, or
 *    a socket other than a unix one;
 *  - disk: a regular file or a block device.
 * Refused everywhere with %EINVAL: /dev/lguest itself, unix sockets (they
 * carry files in flight), anonymous-inode files (epoll, eventfd, io_uring,
 * signalfd, timerfd, pidfd, ...), directories, other character devices,
 * files on FUSE, and files of /proc, sysfs, debugfs, tracefs, securityfs,
 * bpffs, cgroupfs, efivarfs and pstore.  A descriptor that is not open
 * (O_PATH ones included) is %EBADF, as is a console file not open for the
 * direction it is used in.
 *
 * Nothing the launcher does to a file afterwards can make the kernel wait
 * on it forever.  Console input is read only when it polls readable, and
 * never waits: a pipe, FIFO or terminal is reopened by the module, for
 * itself, with O_NONBLOCK (so fcntl() on the launcher's copy changes
 * nothing); a socket is read with IOCB_NOWAIT.  (One wait remains: a pipe's
 * or socket's own lock, which another process can hold for as long as a
 * read it does on its side takes, e.g. splice() from a stalled FUSE file;
 * see Documentation/security.rst.)  Console output is written
 * by the vCPU thread, in %LGUEST_RUN, as the launcher's own write(2)
 * would be: it may wait for a full pipe or a stopped terminal, like a slow
 * serial line, but a signal ends the wait.  Disk I/O runs in the device's
 * own workers on regular files (never FUSE, whose daemon could stall it)
 * and block devices; a block device's driver is the administrator's
 * (nbd, a suspended device-mapper table: what stalls them stalls us).
 */

/**
 * struct lguest_console - argument of %LGUEST_SET_CONSOLE.
 * @out_fd: file descriptor the guest's serial output (port 0x3f8) is
 *	written to, by the kernel; -1 to discard it.  A console file (above).
 * @in_fd: file descriptor the serial port's receiver reads from (the
 *	launcher's stdin, say), by the kernel, only when it polls readable;
 *	-1 for a receiver that never receives.  A console file (above).
 */
struct lguest_console {
	__s32 out_fd;
	__s32 in_fd;
};

/**
 * LGUEST_SET_CONSOLE - hand the guest's console file descriptors over.
 * The module takes its own references; the launcher may close its copies.
 * Errors: %EBADF, %EINVAL (a file of a kind not accepted, see above).
 */
#define LGUEST_SET_CONSOLE	_IOW(LGUEST_IOC_MAGIC, 0x06, struct lguest_console)

/* Device types of %LGUEST_ADD_DEVICE: the virtio device IDs. */
#define LGUEST_DEV_NET		1
#define LGUEST_DEV_BLOCK	2
#define LGUEST_DEV_CONSOLE	3
#define LGUEST_DEV_RNG		4

/* &struct lguest_device_desc.flags */
#define LGUEST_DEV_F_READONLY	(1U << 0)	/* block: refuse writes */
/*
 * console: the input is a user's keyboard.  Ctrl-A x ends LGUEST_RUN with
 * %LGUEST_EXIT_QUIT; Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A followed by
 * anything else sends both.
 */
#define LGUEST_DEV_F_ESCAPE	(1U << 1)

#define LGUEST_DEVICE_FDS	2

/**
 * struct lguest_device_desc - argument of %LGUEST_ADD_DEVICE.
 * @type: %LGUEST_DEV_NET, %LGUEST_DEV_BLOCK, %LGUEST_DEV_CONSOLE or
 *	%LGUEST_DEV_RNG.
 * @slot: the MMIO window, 0 to %LGUEST_MMIO_MAX - 1, not already used:
 *	the device appears at %LGUEST_MMIO_BASE + slot * %LGUEST_MMIO_SIZE on
 *	IOAPIC pin %LGUEST_MMIO_IRQ_BASE + slot (the launcher's ACPI tables
 *	must say the same).
 * @fds: file descriptors the device uses, -1 for none; of the kinds
 *	each use accepts (see "Files a launcher hands over").  Block: fds[0] is
 *	the disk (a regular file or block device, open for reading, and for
 *	writing unless %LGUEST_DEV_F_READONLY).  Console: fds[0] input
 *	(-1 for none; any console file, O_NONBLOCK or not: see "Files a
 *	launcher hands over"); fds[1] output (required), written by the
 *	vCPU thread.  Net and rng: none.  The module takes its own
 *	references; the launcher may close its copies.
 * @flags: %LGUEST_DEV_F_ flags.
 * @mac: net: the guest's MAC address (all zero: a random local one).
 * @name: net: the host interface name, NUL-terminated (e.g. "lg0").
 * @pad: must be 0.
 * @pad2: must be 0.
 * @reserved: must be 0.  (@pad2 was once implicit padding,
 *	which a 32-bit launcher, whose __u64 is only 4-byte aligned, left
 *	out: its @reserved sat 4 bytes lower and its ioctl number differed.)
 *
 * Every structure of this ABI has the same layout for 32-bit and 64-bit
 * launchers: no pointers, and no padding the compiler would add.
 */
struct lguest_device_desc {
	__u32 type;
	__u32 slot;
	__s32 fds[LGUEST_DEVICE_FDS];
	__u32 flags;
	__u8 mac[6];
	__u8 pad[2];
	char name[16];
	__u32 pad2;
	__u64 reserved[4];
};

/**
 * LGUEST_ADD_DEVICE - give the guest a device, served by lguest_dev.ko.
 * Before the first %LGUEST_RUN.  Errors: %EINVAL bad description or a
 * file of a kind not accepted for its use, %EBUSY slot in use or the
 * guest has run, %EBADF a bad descriptor,
 * %ENODEV no backend loaded (modprobe lguest_dev) or the type unknown,
 * %EOPNOTSUPP the backend was built without that device type (its
 * CONFIG_LGUEST_DEV_ option was off; launchers of ABI 10 before these
 * options knew only %ENODEV, so treat both as "no such device here").
 */
#define LGUEST_ADD_DEVICE	_IOW(LGUEST_IOC_MAGIC, 0x07, struct lguest_device_desc)

/* Why %LGUEST_RUN returned (struct lguest_run.reason). */
#define LGUEST_EXIT_POWEROFF	1	/* the guest stopped itself: .status */
#define LGUEST_EXIT_KILLED	2	/* the guest was killed: .kill_reason */
#define LGUEST_EXIT_REBOOT	3	/* the guest wrote the ACPI reset register */
#define LGUEST_EXIT_PANIC	4	/* the guest's kernel panicked (pvpanic) */
#define LGUEST_EXIT_QUIT	5	/* the console's user typed Ctrl-A x */
#define LGUEST_EXIT_TEST	6	/* the guest wrote the test-exit port: .status */
#define LGUEST_EXIT_HLT		7	/* a vCPU halted, with LGUEST_CREATE_HLT_EXIT */

#define LGUEST_KILL_REASON_MAX	256

/**
 * struct lguest_run - what %LGUEST_RUN reports.
 * @reason: one of the %LGUEST_EXIT_ values.
 * @status: for %LGUEST_EXIT_POWEROFF, the status the guest gave.
 * @kill_reason: for %LGUEST_EXIT_KILLED, a NUL-terminated sentence with
 *	the offending values (e.g. "triple fault (shutdown) at rip 0x...").
 */
struct lguest_run {
	__u32 reason;
	__u32 status;
	char kill_reason[LGUEST_KILL_REASON_MAX];
};

/**
 * LGUEST_RUN - run a vCPU until the guest needs the launcher; on the
 *	vCPU's file.
 *
 * Everything the kernel can handle (hypercalls, CPUID, MSRs, ports, HLT,
 * IPIs, host interrupts) is handled without returning.  Returns 0 with
 * @reason filled in when the guest has stopped, or -1 with errno %EINTR when
 * a signal is pending (the guest is intact and %LGUEST_RUN may be called
 * again).  A guest stops as a whole: whichever vCPU powers it off, reboots
 * it or gets it killed, %LGUEST_RUN on every vCPU returns the same reason,
 * the first one, and every later call reports it again.
 */
#define LGUEST_RUN		_IOR(LGUEST_IOC_MAGIC, 0x10, struct lguest_run)

/*
 * The guest-to-host protocol.  A hypercall is VMMCALL (0f 01 d9) with the
 * call number in RAX and arguments in RBX, RCX, RDX, RSI; the result comes
 * back in RAX (negative errno values for errors, e.g. -38 for an unknown
 * call).  Only the guest's kernel may make them: from CPL 1-3 every call
 * returns -EPERM (-1) and does nothing.  The numbers are far from KVM's, so a guest that mistakes us for
 * KVM gets -ENOSYS rather than a surprise.
 */
#define LGUEST_HC_BASE		0x4c470000	/* "LG" */
/* Does nothing, returns 0: the exit round-trip probe. */
#define LGUEST_HC_NOP		(LGUEST_HC_BASE + 0)
/* Stop the guest; %LGUEST_RUN returns %LGUEST_EXIT_POWEROFF, status = RBX. */
#define LGUEST_HC_POWEROFF	(LGUEST_HC_BASE + 1)
/*
 * Arm the guest's one-shot timer: RBX = nanoseconds from now (0 disarms),
 * RCX = vector to inject when it fires (32-255), or 0 only to wake a HLT.
 * The vector arrives like any edge interrupt at the local APIC (even one
 * software-disabled): it stays in service, blocking its priority class,
 * until the guest writes EOI (x2APIC MSR 0x80b).
 */
#define LGUEST_HC_SET_TIMER	(LGUEST_HC_BASE + 2)

/*
 * MSRs the module defines for its guests (reads only; writes #GP).
 * LGUEST_MSR_SIGNATURE reads "lguest\0\0" as a little-endian u64;
 * LGUEST_MSR_API reads LGUEST_API_VERSION.
 */
#define LGUEST_MSR_SIGNATURE	0x4c470000
#define LGUEST_MSR_API		0x4c470001
#define LGUEST_SIGNATURE	0x000074736575676cULL

/*
 * CPUID: lguest's own hypervisor leaves sit at 0x40000100 (0x40000000 is
 * left for a KVM-compatible leaf).  0x40000100 returns EAX = 0x40000101 and
 * "LguestLguest" in EBX, ECX, EDX; 0x40000101 returns EAX = API version.
 */
#define LGUEST_CPUID_SIGNATURE	0x40000100
#define LGUEST_CPUID_FEATURES	0x40000101

/* The 8250 UART (COM1) the kernel serves, and its IOAPIC pin (ISA IRQ 4). */
#define LGUEST_SERIAL_PORT	0x3f8
#define LGUEST_SERIAL_IRQ	4

/*
 * The machine a --kernel guest sees, which the launcher's ACPI tables
 * describe and the module emulates.  RAM is at guest-physical 0 up to at
 * most %LGUEST_RAM_LIMIT; above it is the device hole:
 *  - %LGUEST_MMIO_BASE: virtio-mmio windows, %LGUEST_MMIO_SIZE each,
 *    device i at LGUEST_MMIO_BASE + i * LGUEST_MMIO_SIZE on IOAPIC pin
 *    %LGUEST_MMIO_IRQ_BASE + i;
 *  - %LGUEST_IOAPIC_BASE: one IOAPIC (ID 0, GSI base 0, %LGUEST_IOAPIC_PINS
 *    pins, pins 0-15 are the ISA IRQs, edge/active-high unless the guest
 *    programs otherwise);
 *  - each vCPU's local APIC starts enabled in x2APIC mode (APIC ID = the
 *    vCPU's number), with the TSC-deadline, one-shot and periodic timer
 *    modes.
 * I/O ports: the UART at %LGUEST_SERIAL_PORT; the ACPI hardware-reduced
 * sleep control register %LGUEST_PM_SLEEP_CTL (write SLP_TYP << 2 | SLP_EN,
 * SLP_EN = 0x20; SLP_TYP %LGUEST_PM_S5_TYP is soft-off, as the DSDT's _S5
 * says), sleep status %LGUEST_PM_SLEEP_STS, the FADT reset register
 * %LGUEST_PM_RESET (write %LGUEST_PM_RESET_VALUE), and a pvpanic port
 * (ACPI _HID "QEMU0001") at %LGUEST_PVPANIC_PORT.  A byte V written to
 * %LGUEST_TEST_EXIT_PORT ends the guest with %LGUEST_EXIT_TEST and status
 * (V << 1) | 1, QEMU's isa-debug-exit, through which test suites such as
 * kvm-unit-tests report (0 is never such a status, so it cannot pass for
 * a clean power-off).  A byte written to %LGUEST_TEST_IRQ_PORT + N (N below
 * %LGUEST_IOAPIC_PINS) sets IOAPIC pin N's line to its bit 0, as QEMU's
 * pc-testdev does, through which test suites (kvm-unit-tests' ioapic test)
 * raise and lower lines; only the guest's own interrupts are affected.
 * Every other port reads as all ones and ignores writes, as an empty bus
 * does.
 */
#define LGUEST_RAM_LIMIT	LGUEST_MAX_MEM
#define LGUEST_MMIO_BASE	0xd0000000ULL
#define LGUEST_MMIO_SIZE	0x1000ULL
#define LGUEST_MMIO_MAX		16
#define LGUEST_MMIO_IRQ_BASE	5
#define LGUEST_IOAPIC_BASE	0xfec00000ULL
#define LGUEST_IOAPIC_PINS	24
#define LGUEST_LAPIC_BASE	0xfee00000ULL
#define LGUEST_PM_SLEEP_CTL	0x600
#define LGUEST_PM_SLEEP_STS	0x601
#define LGUEST_PM_RESET		0x602
#define LGUEST_PM_RESET_VALUE	0x01
#define LGUEST_PM_S5_TYP	5
#define LGUEST_PVPANIC_PORT	0x505
#define LGUEST_TEST_EXIT_PORT	0xf4
#define LGUEST_TEST_IRQ_PORT	0x2000

/*
 * The --raw convention of tools/lguest (what a raw test guest may assume):
 * the image is loaded at guest-physical %LGUEST_RAW_LOAD and entered at its
 * first byte in 64-bit mode, CS = 0x08, DS = ES = SS = 0x10, FS = GS = 0,
 * with all RAM identity-mapped by 2 MiB pages (page tables from
 * %LGUEST_RAW_PML4), a GDT at %LGUEST_RAW_GDT, an empty IDT (limit 0),
 * RFLAGS = 0x2 (interrupts off), RSP = %LGUEST_RAW_LOAD (the stack grows
 * down below the image), RDI = RAM size in bytes, other GPRs 0,
 * CR0 = PE|MP|ET|NE|WP|PG, CR4 = PAE|OSFXSR|OSXMMEXCPT, EFER = LME|LMA|NXE.
 */
#define LGUEST_RAW_GDT		0x800
#define LGUEST_RAW_PML4		0x1000
#define LGUEST_RAW_LOAD		0x100000

#endif /* _UAPI_LINUX_LGUEST_H */
