/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg.h - what the pieces of lguest.ko share: struct lguest (one guest
 * machine) and struct lg_vcpu (one of its CPUs), and the functions each
 * file offers the others.  lguest_user.c is /dev/lguest and the vCPU files,
 * vcpu.c a vCPU's life, run.c the run loop and exit dispatch, switcher.S
 * VMRUN; the rest each hold one concern, named in their first lines.  Not
 * for other modules: backends use <linux/lguest_backend.h>.
 */
#ifndef _LGUEST_LG_H
#define _LGUEST_LG_H

#ifndef pr_fmt
#define pr_fmt(fmt) "lguest: " fmt
#endif

#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/ratelimit_types.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/fpu/api.h>
#include <asm/svm.h>
#include <linux/spinlock.h>
#include <uapi/linux/lguest.h>

#include "uart.h"

/* Guest RAM comes in 2 MiB chunks, each ideally one contiguous allocation. */
#define LG_CHUNK_SHIFT		21
#define LG_CHUNK_SIZE		(1UL << LG_CHUNK_SHIFT)
#define LG_CHUNK_PAGES		(LG_CHUNK_SIZE >> PAGE_SHIFT)
#define LG_CHUNK_ORDER		(LG_CHUNK_SHIFT - PAGE_SHIFT)

struct lguest_backend;
struct lguest_device;
struct task_struct;

/**
 * struct lg_chunk - 2 MiB of guest RAM, allocated when first touched.
 * @base: first page of a physically contiguous chunk (split into order-0
 *	pages), or NULL if the chunk had to be built from single pages.
 * @pages: the single pages, when @base is NULL.
 * @mapped: in the nested page tables (set under &lguest.mem_lock, after
 *	the chunk's bit in &lguest.ram_ready; never cleared while the guest
 *	lives).
 */
struct lg_chunk {
	struct page *base;
	struct page **pages;
	bool mapped;
};

/*
 * ASID 0 is the host's; ASID 1 is shared by the guests beyond the CPU's
 * supply of ASIDs, and flushed on every entry.
 */
#define LG_SHARED_ASID		1

/**
 * struct lg_lapic - the guest's local APIC, x2APIC or xAPIC (lapic.c).
 * @irr: requested vectors; set from any context (atomic bitops).
 * @isr: vectors in service; vCPU thread only.
 * @tmr: level-triggered vectors; IOAPIC EOI broadcast goes to these.
 * @apic_base: MSR_IA32_APICBASE.
 * @tpr: task priority register.
 * @svr: spurious-interrupt vector register (bit 8: APIC software enable).
 * @lvt_timer: LVT timer entry.
 * @lvt_lint0: LVT LINT0 entry.
 * @lvt_lint1: LVT LINT1 entry.
 * @lvt_error: LVT error entry.
 * @lvt_thermal: LVT thermal sensor entry.
 * @lvt_pmc: LVT performance counter entry.
 * @esr: error status register.
 * @tdcr: timer divide configuration register.
 * @ldr: logical destination register, as xAPIC mode has it.
 * @dfr: destination format register, as xAPIC mode has it.
 * @icr: interrupt command register in x2APIC form (in xAPIC mode, ICR2's
 *	destination byte is its top byte).
 * @tmict: the timer's initial count.
 * @timer_start: when @tmict was written (ns).
 * @period_ns: the one-shot/periodic period @tmict stands for.
 * @tsc_deadline: IA32_TSC_DEADLINE as the guest wrote it (guest TSC).
 * @timer: the hrtimer behind all three timer modes.
 * @timer_fires: how often it has fired (debugfs "interrupts").
 */
struct lg_lapic {
	DECLARE_BITMAP(irr, 256);
	DECLARE_BITMAP(isr, 256);
	DECLARE_BITMAP(tmr, 256);
	u64 apic_base;
	u32 tpr, svr, lvt_timer, lvt_lint0, lvt_lint1, lvt_error;
	u32 lvt_thermal, lvt_pmc, esr, tdcr, ldr, dfr;
	u64 icr;
	u32 tmict;
	u64 timer_start, period_ns;
	u64 tsc_deadline;
	struct hrtimer timer;
	u64 timer_fires;
};

/**
 * struct lg_ioapic - the guest's IOAPIC (ioapic.c).
 * @lock: the state below is written by the vCPU and by devices raising
 *	lines from any context.
 * @ioregsel: the register-select register.
 * @id: the ID register.
 * @redir: the redirection table, as the guest wrote it (remote IRR and
 *	delivery status are ours).
 * @level: current line levels, one bit per pin.
 */
struct lg_ioapic {
	spinlock_t lock;
	u32 ioregsel;
	u32 id;
	u64 redir[LGUEST_IOAPIC_PINS];
	u32 level;
};

/**
 * struct lg_kvmclock - the KVM paravirtual clock the guest may enable.
 * @system_time: MSR_KVM_SYSTEM_TIME(_NEW) as written (gpa | enable bit).
 * @wall_clock: last MSR_KVM_WALL_CLOCK(_NEW) gpa written.
 * @cpu: host CPU the published tsc/time pair was taken on (-1: none).
 */
struct lg_kvmclock {
	u64 system_time;
	u64 wall_clock;
	int cpu;
};

#define LG_EXIT_HIST	16

struct seq_file;

/**
 * struct lg_exit_rec - one VMRUN and the exit that ended it.
 * @inj: EVENTINJ given to VMRUN.
 * @code: the exit code.
 * @intinfo: EXITINTINFO.
 * @int_state: the interrupt shadow after it.
 * @rip: the guest's RIP after it.
 * @rflags: the guest's RFLAGS after it.
 */
struct lg_exit_rec {
	u32 inj, code, intinfo, int_state;
	u64 rip, rflags;
};

/* The most vCPUs a guest may have (and the most the launcher's MADT lists). */
#define LG_MAX_VCPUS		LGUEST_MAX_VCPUS

/* x86 register numbers, the index into struct lg_vcpu.regs (SDM vol. 2, 2.1.5). */
enum lg_reg {
	LG_RAX, LG_RCX, LG_RDX, LG_RBX, LG_RSP, LG_RBP, LG_RSI, LG_RDI,
	LG_R8, LG_R9, LG_R10, LG_R11, LG_R12, LG_R13, LG_R14, LG_R15,
	LG_NR_REGS
};

/*
 * Bits of struct lg_vcpu.requests: work for the vCPU's own thread, asked
 * for by any context (set_bit(), then lg_kick_vcpu()), and done at one
 * point of the run loop, before VMRUN (lg_check_requests()).
 */
enum lg_request {
	LG_REQ_STOP,	/* the machine stopped (struct lguest.stop says why) */
	LG_REQ_INIT,	/* an INIT IPI: reset and wait for a SIPI */
	LG_REQ_SIPI,	/* a start-up IPI (its vector in sipi_vector) */
};

/* What a vCPU is doing, as far as the platform is concerned. */
enum lg_vcpu_state {
	LG_VCPU_RUNNABLE,	/* runs guest code (or sleeps in HLT) */
	LG_VCPU_WAIT_SIPI,	/* after INIT: nothing until a start-up IPI */
};

/*
 * struct lg_vcpu - one virtual CPU of a guest.
 *
 * Lifetime: created by LGUEST_CREATE_VCPU, freed with its machine (the
 * vCPU's file holds a reference to the machine, not the other way round).
 * Locking: everything is the vCPU thread's (the one inside LGUEST_RUN or a
 * register ioctl on the vCPU's file, serialised by @lock), except what is
 * marked "any context": @requests, @lapic.irr/@lapic.tmr, @nmi_pending,
 * @timer_fired and @task, written with atomics or WRITE_ONCE.
 *
 * @lg: the machine.  @id: the vCPU number, which is also its APIC ID.
 * @lock: serialises the vCPU file's ioctls.
 * @regs: the general registers by x86 number; RAX and RSP are copied to
 *	and from the VMCB around VMRUN (switcher.S loads the rest).
 * @vmcb: the VMCB (control area and guest save area), one page: what
 *	the CPU runs on AMD-V, the state image vmx.c translates on VT-x.
 * @hw: the backend's own per-vCPU structure (VT-x: the VMCS), or NULL.
 * @requests: enum lg_request bits (any context).
 * @state: enum lg_vcpu_state.  @sipi_vector: the vector of the last SIPI.
 * @shadow: the vCPU's shadow MMU (shadow.c), or NULL under nested paging.
 * @guest_cr0: @guest_cr3: @guest_efer: with @shadow, the guest's CR0, CR3
 *	and EFER as it sees them (the VMCB holds what the hardware runs with).
 * @gfpu: the guest's FPU/XSAVE state, kept apart from the host's.
 * @xcr0: the guest's XCR0.
 * @tsc_aux: the guest's MSR_TSC_AUX (RDTSCP, RDPID), in the CPU while it runs.
 * @dr: the guest's DR0-DR3 (DR6 and DR7 are in the VMCB).
 * @asid: this vCPU's address-space ID.
 * @last_cpu: the CPU it last ran on (-1: never), to know when to flush.
 * @npf_ram_gpa: 1 + the guest-physical address of the last nested page
 *	fault inside RAM (0: none), to tell a fault another vCPU's populating
 *	raced with from one that would repeat for ever.
 * @halted: the guest executed HLT and waits for an event.
 * @timer: the one-shot timer of %LGUEST_HC_SET_TIMER.
 * @timer_vector: vector the timer injects (0: only wakes HLT).
 * @timer_fired: the timer expired since the guest last halted.
 * @wq: where a halted (or SIPI-waiting) vCPU sleeps.
 * @lapic: the local APIC.  @kvmclock: its pvclock page.
 * @mtrr_def_type: @misc_enable: @hwcr: @tsc_adjust: the guest's values of
 *	those MSRs.
 * @task: the thread inside LGUEST_RUN (NULL outside), for kicks.
 * @last_event_inj: @last_event_inj_err: the event given to the last VMRUN.
 * @entry_rip: the guest RIP given to the last VMRUN (what a refused state
 *	is reported with: the VMCB may hold anything after VMEXIT_INVALID).
 * @this_exit: @prev_exit: the codes of the last two exits (for the log
 *	when a guest dies of a triple fault).
 * @virq_vec: the vector posted as the VMCB's virtual interrupt for this
 *	VMRUN (-1: none); out of IRR while posted, so a new request of it is
 *	a new interrupt; into ISR if the guest took it, else back to IRR.
 * @nmi_pending: an NMI waits (any context sets it).  @nmi_masked: one is
 *	in service: NMIs are blocked.  @nmi_iret: its IRET was intercepted
 *	at @nmi_iret_rip and may not have run yet.  @nmi_step: the guest is
 *	single-stepped over that IRET; @nmi_step_rflags: @nmi_step_dr6: its
 *	RFLAGS and DR6 before.
 * @hist: the last %LG_EXIT_HIST exits, oldest first from @hist_pos, for
 *	debugfs and for the log when a guest dies (exithist.c; only with
 *	CONFIG_LGUEST_EXIT_HISTORY).
 */
struct lg_vcpu {
	struct lguest *lg;
	unsigned int id;
	struct mutex lock;
	u64 regs[LG_NR_REGS];
	struct vmcb *vmcb;
	void *hw;
	unsigned long requests;
	int state;
	u8 sipi_vector;

	struct lg_shadow *shadow;
	u64 guest_cr0, guest_cr3, guest_efer;

	struct fpu_guest gfpu;
	u64 xcr0;
	u32 tsc_aux;
	u64 dr[4];
	unsigned int asid;
	int last_cpu;
	u64 npf_ram_gpa;

	bool halted;
	struct hrtimer timer;
	u8 timer_vector;
	bool timer_fired;
	wait_queue_head_t wq;

	struct lg_lapic lapic;
	struct lg_kvmclock kvmclock;
	u64 mtrr_def_type;
	u64 misc_enable;
	u64 hwcr;
	u64 tsc_adjust;

	struct task_struct *task;
	u32 last_event_inj, last_event_inj_err;
	u64 entry_rip;
	u32 this_exit, prev_exit;
	int virq_vec;
	bool nmi_pending, nmi_masked, nmi_iret, nmi_step;
	u64 nmi_iret_rip, nmi_step_rflags, nmi_step_dr6;
#if IS_ENABLED(CONFIG_LGUEST_EXIT_HISTORY)
	struct lg_exit_rec hist[LG_EXIT_HIST];
	unsigned int hist_pos;
#endif
};

/*
 * struct lguest - one guest machine: what it has once, whatever its number
 * of CPUs.
 *
 * Lifetime: made when /dev/lguest is opened, freed when the last of its
 * files (the machine's and its vCPUs') is closed (@refs).  Everything the
 * guest needs is allocated by LGUEST_CREATE and LGUEST_CREATE_VCPU, so a
 * guest that exists can always run, except its RAM: a 2 MiB chunk of that
 * is allocated when first touched, and a host out of memory then kills it.
 * Locking: @lock serialises the machine file's ioctls and vCPU creation.
 * @io_lock (a mutex: devices may sleep) serialises the guest's port I/O,
 * the UART, the console and device MMIO between vCPUs, so a device sees one
 * access at a time, as it did with one vCPU.  @stop_lock makes the first
 * stop reason the only one.  The IOAPIC has its own spinlock.  @mem_lock
 * serialises populating RAM; a chunk and its nested mapping, once there,
 * stay until the guest goes, and @vcpus[] never changes while a vCPU runs.
 *
 * @refs: the machine's file and one per vCPU file.
 * @lock: see above.  @created: set (release) once RAM and tables exist.
 * @mem_size: bytes of guest RAM, starting at guest-physical 0.
 * @nr_chunks: @mem_size / %LG_CHUNK_SIZE.  @chunks: the RAM.
 * @mem_lock: serialises populating chunks (and with them the nested page
 *	tables, which only ever gain entries while the guest lives).
 * @ram_ready: a bit per chunk, set once its pages exist and are zeroed
 *	(read with acquire, lg_chunk_ready(), before its @base or @pages);
 *	never cleared while the guest lives.
 * @memcg: the creator's memory cgroup, charged for every chunk whoever
 *	touches it first (a vCPU, a device's worker, the launcher's mmap).
 * @ram_chunks: chunks populated so far.
 * @npt_root: the nested page tables' top page (PML4).
 * @npt_pages: how many pages the nested page tables use.
 * @shadow_paging: vCPUs get a shadow MMU each instead of nested paging.
 * @tsc_offset: the TSC offset every vCPU starts with, so their TSCs agree.
 * @clock_host_tsc: @clock_epoch_ns: the host's TSC and ktime_get_ns() at
 *	creation, taken together: kvmclock time is host monotonic time since
 *	then, and with a stable TSC this one pair is every vCPU's.
 * @nr_vcpus: vCPUs created (@vcpus[0 .. nr_vcpus - 1], published with
 *	release ordering).
 * @io_lock: see above.
 * @console: file the guest's serial output goes to (or NULL).
 * @con_buf: serial output not yet written.  @con_len: its length.
 * @ioapic: @uart: the platform's shared devices.
 * @stop_lock: see above.  @stop: why the machine stopped (an
 *	%LGUEST_EXIT_ reason, 0 while it runs); @stop_status: the status of
 *	a poweroff or test exit; @kill_reason: why it was killed.
 * @debugfs: the guest's directory under /sys/kernel/debug/lguest (only
 *	with CONFIG_LGUEST_DEBUGFS).
 * @ran: LGUEST_RUN was called: no more devices may be added.
 * @devices: the device in each MMIO window (or NULL).
 * @device_backend: the backend that made it, pinned while it exists.
 */
struct lguest {
	refcount_t refs;
	struct mutex lock;
	bool created;
	u64 mem_size;
	unsigned long nr_chunks;
	struct lg_chunk *chunks;
	struct mutex mem_lock;
	unsigned long *ram_ready;
	struct mem_cgroup *memcg;
	atomic_long_t ram_chunks;

	struct page *npt_root;
	unsigned long npt_pages;
	bool shadow_paging;
	bool hlt_exit;		/* LGUEST_CREATE_HLT_EXIT: HLT stops the guest */
	u64 tsc_offset;
	u64 clock_host_tsc;
	u64 clock_epoch_ns;

	unsigned int nr_vcpus;
	struct lg_vcpu *vcpus[LG_MAX_VCPUS];

	struct mutex io_lock;
	struct file *console;
	char con_buf[128];
	unsigned int con_len;
	struct lg_ioapic ioapic;
	struct lg_uart uart;

	spinlock_t stop_lock;
	u32 stop;
	u32 stop_status;
	char kill_reason[LGUEST_KILL_REASON_MAX];

#if IS_ENABLED(CONFIG_LGUEST_DEBUGFS)
	struct dentry *debugfs;
#endif
	bool ran;
	struct lguest_device *devices[LGUEST_MMIO_MAX];
	struct lguest_backend *device_backend[LGUEST_MMIO_MAX];
};

/* Has the machine stopped (killed, powered off, ...)?  Any context. */
/* Is chunk @i of the guest's RAM populated?  If so its pages may be used. */
static inline bool lg_chunk_ready(const struct lguest *lg, unsigned long i)
{
	/* Pairs with the barrier before lg_chunk_populate()'s set_bit(). */
	return smp_load_acquire(&lg->ram_ready[BIT_WORD(i)]) & BIT_MASK(i);
}

static inline bool lg_stopped(const struct lguest *lg)
{
	return READ_ONCE(lg->stop) != 0;
}

/* The vCPUs that exist now, for (i = 0; i < lg_nr_vcpus(lg); i++). */
static inline unsigned int lg_nr_vcpus(const struct lguest *lg)
{
	/* Pairs with lg_create_vcpu(): each vcpus[i] counted is seen set. */
	return smp_load_acquire(&lg->nr_vcpus);
}

/* What an exit handler tells the run loop. */
enum lg_exit_action {
	LG_EXIT_CONTINUE,	/* handled: enter the guest again */
	LG_EXIT_TO_USER,	/* stop: the launcher has something to do */
};

/*T:135 What differs between AMD-V and Intel VT-x sits behind one table,
 * chosen when the module loads: taking the virtualization extensions on
 * every CPU, what a vCPU needs in hardware structures, how a pending
 * interrupt or NMI reaches the guest, the TLB tag flush, and the world
 * switch itself.  Everything else (the run loop, the exit handlers, the
 * platform, the shadow MMU, the devices) is shared and never asks which
 * backend it runs on: both present the guest's state as a VMCB image and
 * every exit as an AMD-V exit code (vmcb.c, T:335). :*/
/**
 * struct lg_hw_ops - one hardware backend (svm.c, vmx.c).
 * @name: what the log calls the extensions ("AMD-V", "VT-x").
 * @nrips: exits of intercepted instructions come with the next RIP in
 *	&vmcb_control_area.next_rip (AMD's nrip-save; VT-x always).
 * @decode_assists: CR and INVLPG exits say their operand in EXITINFO1
 *	(AMD's decode assists, APM 15.33; VT-x's exit qualification).
 * @nested_paging: the CPU can translate guest-physical addresses
 *	itself (AMD's NPT, Intel's EPT); without it only shadow paging.
 * @shadow_needs_npt: shadow-paged guests need the nested page tables
 *	too (VT-x runs real mode only with EPT: "unrestricted guest").
 * @npt_4k: map guest RAM with 4 KiB nested pages only (VT-x on CPUs
 *	with the iTLB multihit erratum, CVE-2018-12207: an executable huge
 *	page the guest splits can raise a machine check; or without 2 MiB
 *	EPT pages).
 * @npte_leaf: bits every leaf of the nested page tables carries besides
 *	the permissions (EPT's memory type; 0 for AMD's NPT).
 * @setup: take the extensions on every CPU (module load).
 * @teardown: give them back (module unload).
 * @vcpu_create: add the backend's part to a new vCPU (its VMCB exists).
 * @vcpu_free: free it (the vCPU runs nowhere).
 * @inject_nmi: before entry: inject a pending NMI if the guest can take it.
 * @flush_tlb: the guest's TLB tag must forget everything at next entry.
 * @flush_gva: the hardware TLB must forget the guest's translation of one
 *	guest-virtual address (shadow paging; preemptible context).
 * @vcpu_load: optional: before an entry, preemption off but interrupts
 *	on: make the vCPU's hardware state current on this CPU (VT-x:
 *	VMPTRLD, after a VMCLEAR where it last ran).  Nonzero: the vCPU
 *	cannot run (it was killed).
 * @events_off: the last step before the world switch, interrupts off
 *	(AMD-V: CLGI).
 * @run: enter the guest and return at its next exit, with the VMCB image
 *	and vcpu->regs[] up to date.
 * @events_on: undo @events_off, after the host's state is back.
 * @exit_decode: optional: finish the exit's translation with interrupts
 *	on, before its handler runs (VT-x: AMD's VMMCALL is #UD on Intel).
 */
struct lg_hw_ops {
	const char *name;
	bool nrips, decode_assists, nested_paging, shadow_needs_npt, npt_4k;
	u64 npte_leaf;
	int (*setup)(void);
	void (*teardown)(void);
	int (*vcpu_create)(struct lg_vcpu *vcpu);
	void (*vcpu_free)(struct lg_vcpu *vcpu);
	void (*inject_nmi)(struct lg_vcpu *vcpu);
	void (*flush_tlb)(struct lg_vcpu *vcpu);
	void (*flush_gva)(struct lg_vcpu *vcpu, u64 gva);
	int (*vcpu_load)(struct lg_vcpu *vcpu);
	void (*events_off)(struct lg_vcpu *vcpu);
	void (*run)(struct lg_vcpu *vcpu);
	void (*events_on)(struct lg_vcpu *vcpu);
	void (*exit_decode)(struct lg_vcpu *vcpu);
};

/* The backend this module runs on (core.c). */
extern const struct lg_hw_ops *lg_hw __ro_after_init;

/* svm.c, svm_cpu.c: AMD-V */
const struct lg_hw_ops *lg_svm_probe(int *err);
int lg_svm_check(void);
int lg_svm_init(void);
void lg_svm_exit(void);
u64 lg_host_save_pa(void);
unsigned int lg_svm_nr_asids(void);

/* vmx.c: Intel VT-x (CONFIG_LGUEST_VMX) */
#if IS_ENABLED(CONFIG_LGUEST_VMX)
const struct lg_hw_ops *lg_vmx_probe(int *err);
#else
static inline const struct lg_hw_ops *lg_vmx_probe(int *err)
{
	*err = 0;
	return NULL;
}
#endif

/* spec.c: speculation barriers between guests */
void lg_spec_enter(struct lg_vcpu *vcpu);
void lg_spec_forget(struct lguest *lg);
void lg_spec_show(struct seq_file *m);

/* lguest_user.c */
int lg_user_init(void);
void lg_user_exit(void);

/* guest_mem.c */
int lg_mem_alloc(struct lguest *lg, u64 size);
void lg_mem_free(struct lguest *lg);
bool lg_gpa_range_ok(const struct lguest *lg, u64 gpa, u64 len);
struct page *lg_gpa_page(const struct lguest *lg, u64 gpa);
int lg_copy_from_guest(struct lguest *lg, void *dst, u64 gpa, size_t len);
int lg_copy_to_guest(struct lguest *lg, u64 gpa, const void *src, size_t len);
int lg_mem_populate(struct lguest *lg, u64 gpa, u64 len);
int lg_mem_map(struct lguest *lg, u64 gpa);
int lg_mem_prealloc(struct lguest *lg);
int lg_read_guest_code(struct lg_vcpu *vcpu, u64 rip, void *dst, size_t len);
void lg_guest_walk_entries(struct lg_vcpu *vcpu, u64 gva, u64 e[4]);
int lg_read_guest_insn(struct lg_vcpu *vcpu, u64 rip, u8 *code, unsigned int max);
int lg_mmap(struct lguest *lg, struct vm_area_struct *vma);

/* npt.c */
int lg_npt_build(struct lguest *lg);
int lg_npt_map_chunk(struct lguest *lg, unsigned long c);
void lg_npt_free(struct lguest *lg);

/* shadow.c: the paging mode, and the shadow MMU without nested paging */
const char *lg_paging_name(int mode);
int lg_paging_mode(u32 flags);
void lg_shadow_init(void);
int lg_shadow_create(struct lg_vcpu *vcpu);
void lg_shadow_free(struct lg_vcpu *vcpu);
void lg_shadow_vmcb_init(struct lg_vcpu *vcpu);
bool lg_shadow_sregs_ok(struct lg_vcpu *vcpu, u64 cr0, u64 cr4, u64 efer);
void lg_shadow_load_cr(struct lg_vcpu *vcpu);
void lg_shadow_flush(struct lg_vcpu *vcpu);
void lg_shadow_set_efer(struct lg_vcpu *vcpu, u64 val);
unsigned long lg_shadow_pages(const struct lg_vcpu *vcpu);
struct seq_file;
void lg_shadow_show(struct lg_vcpu *vcpu, struct seq_file *m);
enum lg_exit_action lg_exit_pf(struct lg_vcpu *vcpu);
enum lg_exit_action lg_exit_invlpg(struct lg_vcpu *vcpu);
void lg_shadow_count_cr_exit(struct lg_vcpu *vcpu);
void lg_shadow_write_cr0(struct lg_vcpu *vcpu, u64 val);
void lg_shadow_write_cr3(struct lg_vcpu *vcpu, u64 val);
void lg_shadow_write_cr4(struct lg_vcpu *vcpu, u64 val);
u64 lg_guest_cr4(const struct lg_vcpu *vcpu);

/* nmi.c: the guest's NMIs */
void lg_nmi_raise(struct lg_vcpu *vcpu);
void lg_nmi_inject(struct lg_vcpu *vcpu);
void lg_nmi_after_exit(struct lg_vcpu *vcpu);
enum lg_exit_action lg_exit_iret(struct lg_vcpu *vcpu);
bool lg_nmi_db(struct lg_vcpu *vcpu);
u64 lg_nmi_rflags(const struct lg_vcpu *vcpu);
void lg_nmi_reset(struct lg_vcpu *vcpu);

/* cr.c: control-register exits, both paging modes */
enum lg_exit_action lg_exit_cr(struct lg_vcpu *vcpu);
void lg_cr_gp(struct lg_vcpu *vcpu, const char *what, u64 val);
unsigned int lg_read_rip_insn(struct lg_vcpu *vcpu, u8 *code);

/* The guest's CR0 and CR3 as it sees them, in either paging mode. */
static inline u64 lg_guest_cr0(const struct lg_vcpu *vcpu)
{
	return vcpu->shadow ? vcpu->guest_cr0 : vcpu->vmcb->save.cr0;
}

static inline u64 lg_guest_cr3(const struct lg_vcpu *vcpu)
{
	return vcpu->shadow ? vcpu->guest_cr3 : vcpu->vmcb->save.cr3;
}

static inline u64 lg_guest_efer(const struct lg_vcpu *vcpu)
{
	return vcpu->shadow ? vcpu->guest_efer : vcpu->vmcb->save.efer;
}

/* Is the CPU running the guest's code in 64-bit mode (EFER.LMA and CS.L)? */
static inline bool lg_code64(const struct vmcb_save_area *s)
{
	return (s->efer & EFER_LMA) && (s->cs.attrib & SVM_SELECTOR_L_MASK);
}

/* Does the CPU have TSC_AUX (for RDTSCP or RDPID)? */
static inline bool lg_has_tsc_aux(void)
{
	return boot_cpu_has(X86_FEATURE_RDTSCP) || boot_cpu_has(X86_FEATURE_RDPID);
}

/* vmcb.c */
u64 lg_cr4_allowed(void);
bool lg_lme_without_pae(u64 cr0, u64 cr4, u64 efer);
int lg_vmcb_alloc(struct lg_vcpu *vcpu);
void lg_vmcb_free(struct lg_vcpu *vcpu);
void lg_get_regs(struct lg_vcpu *vcpu, struct lguest_regs *regs);
void lg_set_regs(struct lg_vcpu *vcpu, const struct lguest_regs *regs);
void lg_get_sregs(struct lg_vcpu *vcpu, struct lguest_sregs *sregs);
int lg_set_sregs(struct lg_vcpu *vcpu, const struct lguest_sregs *sregs);

/* switcher.S */
/**
 * lg_vmrun() - run the guest until its next #VMEXIT.
 * @vcpu: the vCPU: guest registers in its regs[], and out again.
 * @vmcb_pa: physical address of the guest's VMCB.
 * @host_save_pa: physical address of this CPU's host VMSAVE page.
 *
 * Context: GIF clear and interrupts disabled; returns so.
 */
void lg_vmrun(struct lg_vcpu *vcpu, u64 vmcb_pa, u64 host_save_pa);

/* vcpu.c: creating vCPUs, and the INIT and start-up IPIs that reset them */
struct lg_vcpu *lg_vcpu_create(struct lguest *lg, unsigned int id);
void lg_vcpu_free(struct lg_vcpu *vcpu);
void lg_vcpu_init_signal(struct lg_vcpu *vcpu);
void lg_vcpu_sipi(struct lg_vcpu *vcpu, u8 vector);

/* run.c */
int lg_run(struct lg_vcpu *vcpu, struct lguest_run *run);
void lg_inject_exception(struct lg_vcpu *vcpu, u8 vector, bool has_err, u32 err);
void lg_raise_irq(struct lg_vcpu *vcpu, u8 vector);
void lg_kick_vcpu(struct lg_vcpu *vcpu);
void lg_advance_rip(struct lg_vcpu *vcpu, unsigned int len, bool nrip);
int lg_skip_insn(struct lg_vcpu *vcpu, const u8 *opcode, unsigned int len);
u64 lg_rip_linear(struct lg_vcpu *vcpu);
void lg_timer_init(struct lg_vcpu *vcpu);
__printf(2, 3) void kill_guest(struct lguest *lg, const char *fmt, ...);
bool lg_stop(struct lguest *lg, u32 reason, u32 status);
void lg_stop_vcpus(struct lguest *lg);
void lg_request(struct lg_vcpu *vcpu, enum lg_request req);
/* One rate limit for every report a dying guest puts in the kernel log. */
extern struct ratelimit_state lg_report_rs;

/* exithist.c: each vCPU's last exits (CONFIG_LGUEST_EXIT_HISTORY) */
#if IS_ENABLED(CONFIG_LGUEST_EXIT_HISTORY)
/*
 * lg_exit_record - note the exit just taken in the vCPU's history.  It runs
 * right after #VMEXIT with GIF clear and some guest state still loaded, so
 * it is inline: no call there that ftrace or a kprobe could hook.
 */
static __always_inline void lg_exit_record(struct lg_vcpu *vcpu)
{
	const struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct lg_exit_rec *r = &vcpu->hist[vcpu->hist_pos];

	r->inj = vcpu->last_event_inj;
	r->code = c->exit_code;
	r->intinfo = c->exit_int_info;
	r->int_state = c->int_state;
	r->rip = vcpu->vmcb->save.rip;
	r->rflags = vcpu->vmcb->save.rflags;
	vcpu->hist_pos = (vcpu->hist_pos + 1) % LG_EXIT_HIST;
}
void lg_exit_hist_show(struct lg_vcpu *vcpu, struct seq_file *m);
void lg_exit_hist_report(struct lg_vcpu *vcpu);
#else
static inline void lg_exit_record(struct lg_vcpu *vcpu) {}
static inline void lg_exit_hist_show(struct lg_vcpu *vcpu, struct seq_file *m) {}
static inline void lg_exit_hist_report(struct lg_vcpu *vcpu) {}
#endif

/* cpuid.c, msr.c, ports.c, hypercall.c, debugreg.c: the platform's exits */
enum lg_exit_action lg_exit_cpuid(struct lg_vcpu *vcpu);
enum lg_exit_action lg_exit_msr(struct lg_vcpu *vcpu);
enum lg_exit_action lg_exit_ioio(struct lg_vcpu *vcpu);
enum lg_exit_action lg_exit_vmmcall(struct lg_vcpu *vcpu);
enum lg_exit_action lg_exit_xsetbv(struct lg_vcpu *vcpu);
enum lg_exit_action lg_exit_dr(struct lg_vcpu *vcpu);
u64 lg_xcr0_supported(const struct lg_vcpu *vcpu);
bool lg_xcr0_valid(const struct lg_vcpu *vcpu, u64 xcr0);
void lg_console_flush(struct lguest *lg);
void lg_console_flush_locked(struct lguest *lg);
void lg_platform_init(struct lguest *lg);
void lg_platform_free(struct lguest *lg);
void lg_platform_vcpu_init(struct lg_vcpu *vcpu);
void lg_msr_init(struct lg_vcpu *vcpu);
void lg_platform_vcpu_free(struct lg_vcpu *vcpu);

/* lapic.c: the local APIC (x2APIC or xAPIC mode), and its timer */
void lg_lapic_init(struct lg_vcpu *vcpu);
int lg_lapic_mmio(struct lg_vcpu *vcpu, u64 gpa, bool write, unsigned int size, u64 *val);
void lg_lapic_free(struct lg_vcpu *vcpu);
bool lg_lapic_msr(struct lg_vcpu *vcpu, u32 msr, bool write, u64 *val, int *err);
void lg_lapic_set_irq(struct lg_vcpu *vcpu, u8 vector, bool level);
int lg_lapic_next_irq(struct lg_vcpu *vcpu);
void lg_lapic_post(struct lg_vcpu *vcpu, u8 vector);
void lg_lapic_ack(struct lg_vcpu *vcpu, u8 vector);
void lg_lapic_unpost(struct lg_vcpu *vcpu, u8 vector);
void lg_lapic_init_signal(struct lg_vcpu *vcpu);
void lg_apic_deliver(struct lguest *lg, struct lg_vcpu *src, u32 shorthand,
		     u32 dest, bool logical, u32 mode, u8 vector, bool level);

/* ioapic.c */
void lg_ioapic_init(struct lguest *lg);
void lg_ioapic_set_irq(struct lguest *lg, unsigned int pin, bool level);
void lg_ioapic_eoi(struct lguest *lg, u8 vector);
int lg_ioapic_mmio(struct lguest *lg, u64 gpa, bool write, unsigned int size, u64 *val);

/* kvmclock.c */
void lg_kvmclock_epoch(struct lguest *lg);
void lg_kvmclock_init(struct lg_vcpu *vcpu);
bool lg_kvmclock_msr(struct lg_vcpu *vcpu, u32 msr, bool write, u64 *val, int *err);
void lg_kvmclock_update(struct lg_vcpu *vcpu, int cpu);

/* uart.c: the 8250 at 0x3f8 (see uart.h) */

/* mmio.c: guest accesses to device memory (nested page faults outside RAM) */
enum lg_exit_action lg_mmio_exit(struct lg_vcpu *vcpu, u64 gpa);

/* devices.c: the virtio-mmio windows and the backend API */
int lg_add_device(struct lguest *lg, const struct lguest_device_desc __user *udesc);
void lg_devices_destroy(struct lguest *lg);
int lg_device_mmio(struct lguest *lg, u64 gpa, bool write, unsigned int size, u64 *val);

/* core.c */
struct lguest_backend *lg_backend_get(void);

/* userfile.c: the files a launcher hands over (uapi header: what each takes) */
enum lg_fd_use {
	LG_FD_NONE,		/* this descriptor must be -1 */
	LG_FD_CONSOLE_OUT,	/* written by the vCPU thread */
	LG_FD_CONSOLE_IN,	/* read when it polls readable */
	LG_FD_DISK,		/* read and written by a device's workers */
};
struct file *lg_get_user_file(int fd, enum lg_fd_use use);

/* lguest_user.c */
bool lg_is_guest_file(const struct file *f);

/* debugfs.c: /sys/kernel/debug/lguest (CONFIG_LGUEST_DEBUGFS) */
#define LG_COUNT_MOV_DR	32	/* lg_count_exception(): not a vector */
#if IS_ENABLED(CONFIG_LGUEST_DEBUGFS)
void lg_debugfs_init(void);
void lg_debugfs_exit(void);
void lg_debugfs_add(struct lguest *lg);
void lg_debugfs_remove(struct lguest *lg);
unsigned long lg_overhead_bytes(const struct lguest *lg);
void lg_count_exception(u8 vector);
#else
static inline void lg_debugfs_init(void) {}
static inline void lg_debugfs_exit(void) {}
static inline void lg_debugfs_add(struct lguest *lg) {}
static inline void lg_debugfs_remove(struct lguest *lg) {}
static inline void lg_count_exception(u8 vector) {}
#endif

/* Make the guest's TLB tag (ASID, VPID) forget what it cached, at next entry. */
static inline void lg_flush_guest_tlb(struct lg_vcpu *vcpu)
{
	lg_hw->flush_tlb(vcpu);
}

/* run.c: general registers by x86 number (0 = RAX ... 15 = R15) */
u64 lg_gpr_read(struct lg_vcpu *vcpu, unsigned int reg);
void lg_gpr_write(struct lg_vcpu *vcpu, unsigned int reg, u64 val);

#endif /* _LGUEST_LG_H */
