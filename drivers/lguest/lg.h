/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg.h - what the pieces of lguest.ko share: struct lguest (one guest, one
 * vCPU for now), and the functions each file offers the others.  The files:
 * core.c (module init), svm_cpu.c (AMD-V per CPU), lguest_user.c
 * (/dev/lguest), guest_mem.c (RAM and the checked guest-memory helpers),
 * npt.c (nested page tables), vmcb.c (guest state), switcher.S (VMRUN),
 * run.c (the run loop and exit dispatch), platform.c (CPUID, MSRs, ports,
 * hypercalls).  Not for other modules: backends use <linux/lguest_backend.h>.
 */
#ifndef _LGUEST_LG_H
#define _LGUEST_LG_H

#ifndef pr_fmt
#define pr_fmt(fmt) "lguest: " fmt
#endif

#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/fpu/api.h>
#include <asm/svm.h>
#include <uapi/linux/lguest.h>

/* Guest RAM comes in 2 MiB chunks, each ideally one contiguous allocation. */
#define LG_CHUNK_SHIFT		21
#define LG_CHUNK_SIZE		(1UL << LG_CHUNK_SHIFT)
#define LG_CHUNK_PAGES		(LG_CHUNK_SIZE >> PAGE_SHIFT)
#define LG_CHUNK_ORDER		(LG_CHUNK_SHIFT - PAGE_SHIFT)

/**
 * struct lg_chunk - 2 MiB of guest RAM.
 * @base: first page of a physically contiguous chunk (split into order-0
 *	pages), or NULL if the chunk had to be built from single pages.
 * @pages: the single pages, when @base is NULL.
 */
struct lg_chunk {
	struct page *base;
	struct page **pages;
};

/*
 * ASID 0 is the host's; ASID 1 is shared by the guests beyond the CPU's
 * supply of ASIDs, and flushed on every entry.
 */
#define LG_SHARED_ASID		1

/* The general registers VMRUN does not load from the VMCB (RAX and RSP are there). */
struct lg_gprs {
	u64 rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
};

/**
 * struct lguest - one guest: its memory, its vCPU state and why it stopped.
 * @lock: serialises ioctls on the guest (one runner at a time).
 * @created: set (release) once RAM, tables and VMCB all exist.
 * @mem_size: bytes of guest RAM, starting at guest-physical 0.
 * @nr_chunks: @mem_size / %LG_CHUNK_SIZE.
 * @chunks: the RAM.
 * @npt_root: the nested page tables' top page (PML4).
 * @npt_pages: how many pages the nested page tables use.
 * @vmcb: the VMCB (control area and guest save area), one page.
 * @gprs: guest registers the switcher saves and restores.
 * @gfpu: the guest's FPU/XSAVE state, kept apart from the host's.
 * @xcr0: the guest's XCR0.
 * @asid: this guest's address-space ID.
 * @last_cpu: the CPU it last ran on (-1: never), to know when to flush.
 * @halted: the guest executed HLT and waits for an event.
 * @pending_irq: vectors waiting to be injected.
 * @timer: the one-shot timer of %LGUEST_HC_SET_TIMER.
 * @timer_vector: vector the timer injects (0: only wakes HLT).
 * @timer_fired: the timer expired since the guest last halted.
 * @wq: where a halted guest sleeps.
 * @console: file the guest's serial output goes to (or NULL).
 * @con_buf: serial output not yet written.  @con_len: its length.
 * @dead: the guest was killed; @kill_reason says why.
 * @poweroff: the guest stopped itself; @poweroff_status is its status.
 */
struct lguest {
	struct mutex lock;
	bool created;
	u64 mem_size;
	unsigned long nr_chunks;
	struct lg_chunk *chunks;

	struct page *npt_root;
	unsigned long npt_pages;

	struct vmcb *vmcb;
	struct lg_gprs gprs;
	struct fpu_guest gfpu;
	u64 xcr0;
	unsigned int asid;
	int last_cpu;

	bool halted;
	DECLARE_BITMAP(pending_irq, 256);
	struct hrtimer timer;
	u8 timer_vector;
	bool timer_fired;
	wait_queue_head_t wq;

	struct file *console;
	char con_buf[128];
	unsigned int con_len;

	bool dead;
	char kill_reason[LGUEST_KILL_REASON_MAX];
	bool poweroff;
	u32 poweroff_status;
};

/* What an exit handler tells the run loop. */
enum lg_exit_action {
	LG_EXIT_CONTINUE,	/* handled: enter the guest again */
	LG_EXIT_TO_USER,	/* stop: the launcher has something to do */
};

/* svm_cpu.c */
int lg_svm_check(void);
int lg_svm_init(void);
void lg_svm_exit(void);
u64 lg_host_save_pa(void);
unsigned int lg_svm_nr_asids(void);

/* lguest_user.c */
int lg_user_init(void);
void lg_user_exit(void);

/* guest_mem.c */
int lg_mem_alloc(struct lguest *lg, u64 size);
void lg_mem_free(struct lguest *lg);
bool lg_gpa_range_ok(const struct lguest *lg, u64 gpa, u64 len);
struct page *lg_gpa_page(const struct lguest *lg, u64 gpa);
int lg_copy_from_guest(struct lguest *lg, void *dst, u64 gpa, size_t len);
int lg_read_guest_code(struct lguest *lg, u64 rip, void *dst, size_t len);
int lg_mmap(struct lguest *lg, struct vm_area_struct *vma);

/* npt.c */
int lg_npt_build(struct lguest *lg);
void lg_npt_free(struct lguest *lg);

/* vmcb.c */
int lg_vmcb_init(void);
void lg_vmcb_exit(void);
int lg_vmcb_alloc(struct lguest *lg);
void lg_vmcb_free(struct lguest *lg);
void lg_get_regs(struct lguest *lg, struct lguest_regs *regs);
void lg_set_regs(struct lguest *lg, const struct lguest_regs *regs);
void lg_get_sregs(struct lguest *lg, struct lguest_sregs *sregs);
int lg_set_sregs(struct lguest *lg, const struct lguest_sregs *sregs);

/* switcher.S */
void lg_vmrun(struct lg_gprs *gprs, u64 vmcb_pa, u64 host_save_pa);

/* run.c */
int lg_run(struct lguest *lg, struct lguest_run *run);
void lg_inject_exception(struct lguest *lg, u8 vector, bool has_err, u32 err);
void lg_raise_irq(struct lguest *lg, u8 vector);
int lg_skip_insn(struct lguest *lg, const u8 *opcode, unsigned int len);
void lg_timer_init(struct lguest *lg);
__printf(2, 3) void kill_guest(struct lguest *lg, const char *fmt, ...);

/* platform.c */
enum lg_exit_action lg_exit_cpuid(struct lguest *lg);
enum lg_exit_action lg_exit_msr(struct lguest *lg);
enum lg_exit_action lg_exit_ioio(struct lguest *lg);
enum lg_exit_action lg_exit_vmmcall(struct lguest *lg);
enum lg_exit_action lg_exit_xsetbv(struct lguest *lg);
void lg_console_flush(struct lguest *lg);

#endif /* _LGUEST_LG_H */
