// SPDX-License-Identifier: GPL-2.0
/*
 * ports.c - the guest's I/O ports: the UART, the ACPI sleep and reset
 * registers, pvpanic and the test-exit port; every other port is an empty
 * bus.  One vCPU at a time (the machine's io_lock).
 */
#include "lg.h"

#include <linux/kernel.h>
#include <asm/trapnr.h>

/* pvpanic (QEMU's docs/specs/pvpanic.rst): the events a guest may report. */
#define LG_PVPANIC_PANICKED	BIT(0)
#define LG_PVPANIC_CRASH_LOADED	BIT(1)
/* ACPI sleep control register: SLP_TYP in bits 4:2, SLP_EN is bit 5. */
#define LG_SLP_TYP(val)		(((val) >> 2) & 7)
#define LG_SLP_EN		BIT(5)

/* A one-byte port write: the UART, the ACPI registers, pvpanic. */
static void lg_port_write(struct lg_vcpu *vcpu, u16 port, u8 val)
{
	switch (port) {
	case LGUEST_PM_SLEEP_CTL:
		/* Only S5 is offered (the DSDT has no other _Sx). */
		if ((val & LG_SLP_EN) && LG_SLP_TYP(val) == LGUEST_PM_S5_TYP)
			lg_stop(vcpu->lg, LGUEST_EXIT_POWEROFF, 0);
		return;
	case LGUEST_PM_RESET:
		if (val == LGUEST_PM_RESET_VALUE)
			lg_stop(vcpu->lg, LGUEST_EXIT_REBOOT, 0);
		return;
	case LGUEST_PVPANIC_PORT:
		/* The panicking vCPU's last exits go to the log (rate-limited). */
		if ((val & LG_PVPANIC_PANICKED) &&
		    lg_stop(vcpu->lg, LGUEST_EXIT_PANIC, 0))
			lg_exit_hist_report(vcpu);
		return;
	case LGUEST_TEST_EXIT_PORT:
		lg_stop(vcpu->lg, LGUEST_EXIT_TEST, (val << 1) | 1);
		return;
	case LGUEST_TEST_IRQ_PORT ... LGUEST_TEST_IRQ_PORT + LGUEST_IOAPIC_PINS - 1:
		/* pc-testdev's IRQ lines: the guest drives its own IOAPIC pins. */
		lg_ioapic_set_irq(vcpu->lg, port - LGUEST_TEST_IRQ_PORT, val & 1);
		return;
	}
	lg_uart_io(vcpu->lg, port, false, &val);
}

static u8 lg_port_read(struct lg_vcpu *vcpu, u16 port)
{
	u8 val = 0xff;

	switch (port) {
	case LGUEST_PM_SLEEP_STS:
		return 0;
	case LGUEST_PVPANIC_PORT:
		return LG_PVPANIC_PANICKED | LG_PVPANIC_CRASH_LOADED;
	}
	lg_uart_io(vcpu->lg, port, true, &val);
	return val;
}

/*T:620 An IN or OUT exits with everything decoded in EXITINFO1 (port,
 * size, direction) and the next RIP in EXITINFO2, even without nrip-save
 * (APM vol. 2, 15.10.2), so port I/O never needs the instruction decoder.
 * The ports are few: the 8250 UART, the hardware-reduced ACPI sleep and
 * reset registers the launcher's FADT points at, a pvpanic port, and for
 * test suites a test-exit port and pc-testdev's IRQ-line ports.  All
 * are byte-wide; a wider access is done byte by byte, as on an 8-bit bus.
 * Other ports read as all ones and swallow writes, like an empty bus. :*/
/**
 * lg_exit_ioio() - handle IN/OUT.
 * @vcpu: the guest.
 *
 * Return: %LG_EXIT_CONTINUE.
 */
enum lg_exit_action lg_exit_ioio(struct lg_vcpu *vcpu)
{
	struct vmcb_control_area *c = &vcpu->vmcb->control;
	struct vmcb_save_area *s = &vcpu->vmcb->save;
	u32 info = c->exit_info_1;
	u16 port = info >> 16;
	unsigned int size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	unsigned int i;
	u64 mask, val = 0;

	if (info & SVM_IOIO_STR_MASK) {
		kill_guest(vcpu->lg, "string I/O (INS/OUTS) on port 0x%x is not supported (rip 0x%llx)",
			   port, s->rip);
		return LG_EXIT_CONTINUE;
	}
	/* SZ8, SZ16 and SZ32 are one-hot bits 4, 5 and 6. */
	size = size == 1 ? 1 : size == 2 ? 2 : 4;
	mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;

	/*
	 * One vCPU at a time on the bus: the UART is not reentrant.  The
	 * holder may be blocked writing the console; a signal ends our wait,
	 * and the instruction runs again after it (RIP has not moved).
	 */
	if (mutex_lock_interruptible(&vcpu->lg->io_lock))
		return LG_EXIT_CONTINUE;
	if (info & SVM_IOIO_TYPE_MASK) {
		for (i = 0; i < size; i++)
			val |= (u64)lg_port_read(vcpu, port + i) << (i * 8);
		/* A 32-bit IN zero-extends into RAX; narrower ones merge. */
		vcpu->regs[LG_RAX] = size == 4 ? val : (vcpu->regs[LG_RAX] & ~mask) | val;
	} else {
		for (i = 0; i < size; i++)
			lg_port_write(vcpu, port + i, vcpu->regs[LG_RAX] >> (i * 8));
	}
	/*
	 * vCPU 0 reads the UART's input (run.c): if this access made room
	 * for more (the receiver drained, the FIFO reset), wake it.
	 */
	if (vcpu->id && (u16)(port - LGUEST_SERIAL_PORT) < 8 && lg_uart_has_event(vcpu->lg))
		wake_up(&vcpu->lg->vcpus[0]->wq);
	mutex_unlock(&vcpu->lg->io_lock);
	/* EXITINFO2 holds the next RIP (APM vol. 2, 15.10.2). */
	lg_advance_rip(vcpu, c->exit_info_2 - s->rip, false);
	return LG_EXIT_CONTINUE;
}
