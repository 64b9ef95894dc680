// SPDX-License-Identifier: GPL-2.0
/*
 * ioapic.c - the guest's one IOAPIC (82093AA-style, version 0x11, 24 pins)
 * at LGUEST_IOAPIC_BASE: the register window the guest programs through
 * MMIO, and the lines devices raise, turned into vectors at the local APIC
 * with edge and level semantics (remote IRR, re-delivery after EOI).
 */
#include "lg.h"

#include <linux/spinlock.h>
#include <asm/apicdef.h>

#define LG_IOAPIC_VERSION	0x11
#define LG_IOREGSEL		0x00
#define LG_IOWIN		0x10

#define LG_IOAPIC_REG_ID	0x00
#define LG_IOAPIC_REG_VER	0x01
#define LG_IOAPIC_REG_ARB	0x02
#define LG_IOAPIC_REG_REDIR	0x10

#define LG_RTE_VECTOR		0xffULL
#define LG_RTE_DELMODE		(7ULL << 8)
#define LG_RTE_DELMODE_FIXED	(0ULL << 8)
#define LG_RTE_DELMODE_LOWEST	(1ULL << 8)
#define LG_RTE_DESTMODE		BIT_ULL(11)	/* logical */
#define LG_RTE_DELIVS		BIT_ULL(12)
#define LG_RTE_REMOTE_IRR	BIT_ULL(14)
#define LG_RTE_LEVEL		BIT_ULL(15)
#define LG_RTE_MASKED		BIT_ULL(16)
#define LG_RTE_DEST_SHIFT	56
/* Bits the guest may write: all but delivery status and remote IRR. */
#define LG_RTE_WRITABLE		(~(LG_RTE_DELIVS | LG_RTE_REMOTE_IRR) & \
				 (GENMASK_ULL(16, 0) | GENMASK_ULL(63, 56)))

/* Send pin @pin's vector to the local APICs it names; with the lock held. */
static void lg_ioapic_deliver(struct lguest *lg, unsigned int pin)
{
	struct lg_ioapic *io = &lg->ioapic;
	u64 rte = io->redir[pin];
	u64 mode = rte & LG_RTE_DELMODE;

	/* Fixed and lowest priority only: no SMI, NMI, INIT or ExtINT pins. */
	if (mode != LG_RTE_DELMODE_FIXED && mode != LG_RTE_DELMODE_LOWEST)
		return;
	if (rte & LG_RTE_LEVEL)
		io->redir[pin] |= LG_RTE_REMOTE_IRR;
	lg_apic_deliver(lg, NULL, 0, rte >> LG_RTE_DEST_SHIFT,
			rte & LG_RTE_DESTMODE, mode == LG_RTE_DELMODE_LOWEST ?
			APIC_DM_LOWEST : APIC_DM_FIXED,
			rte & LG_RTE_VECTOR, rte & LG_RTE_LEVEL);
}

/* A level-triggered line still high, unmasked and not in service fires. */
static void lg_ioapic_recheck(struct lguest *lg, unsigned int pin)
{
	struct lg_ioapic *io = &lg->ioapic;
	u64 rte = io->redir[pin];

	if ((rte & LG_RTE_LEVEL) && !(rte & (LG_RTE_MASKED | LG_RTE_REMOTE_IRR)) &&
	    (io->level & BIT(pin)))
		lg_ioapic_deliver(lg, pin);
}

/*T:670 Devices do not inject vectors; they raise and lower lines, as on a
 * real board, and the IOAPIC decides what the guest sees.  An edge pin
 * fires on a rising edge; a level pin fires while high and then waits, with
 * "remote IRR" set, until the guest's EOI comes back from the local APIC,
 * so a device that is still asserting gets exactly one more interrupt.
 * Lines can be raised from any context (a timer, a device worker), hence
 * the spinlock. :*/
/**
 * lg_ioapic_set_irq() - set the level of one IOAPIC input line.
 * @lg: the guest.
 * @pin: 0 to %LGUEST_IOAPIC_PINS - 1; others are ignored.
 * @level: high (asserted) or low.
 *
 * Safe from any context.
 */
void lg_ioapic_set_irq(struct lguest *lg, unsigned int pin, bool level)
{
	struct lg_ioapic *io = &lg->ioapic;
	unsigned long flags;
	bool was;

	if (pin >= LGUEST_IOAPIC_PINS)
		return;
	spin_lock_irqsave(&io->lock, flags);
	was = io->level & BIT(pin);
	if (level)
		io->level |= BIT(pin);
	else
		io->level &= ~BIT(pin);
	if (io->redir[pin] & LG_RTE_LEVEL)
		lg_ioapic_recheck(lg, pin);
	else if (level && !was && !(io->redir[pin] & LG_RTE_MASKED))
		lg_ioapic_deliver(lg, pin);
	spin_unlock_irqrestore(&io->lock, flags);
}

/**
 * lg_ioapic_eoi() - the local APIC broadcasts the EOI of a level vector.
 * @lg: the guest.
 * @vector: the vector that ended.
 */
void lg_ioapic_eoi(struct lguest *lg, u8 vector)
{
	struct lg_ioapic *io = &lg->ioapic;
	unsigned long flags;
	unsigned int pin;

	spin_lock_irqsave(&io->lock, flags);
	for (pin = 0; pin < LGUEST_IOAPIC_PINS; pin++) {
		if ((io->redir[pin] & LG_RTE_VECTOR) != vector ||
		    !(io->redir[pin] & LG_RTE_REMOTE_IRR))
			continue;
		io->redir[pin] &= ~LG_RTE_REMOTE_IRR;
		lg_ioapic_recheck(lg, pin);
	}
	spin_unlock_irqrestore(&io->lock, flags);
}

static u32 lg_ioapic_read_reg(struct lg_ioapic *io, u32 reg)
{
	unsigned int pin;

	switch (reg) {
	case LG_IOAPIC_REG_ID:
		return io->id;
	case LG_IOAPIC_REG_VER:
		return LG_IOAPIC_VERSION | (LGUEST_IOAPIC_PINS - 1) << 16;
	case LG_IOAPIC_REG_ARB:
		return io->id;
	}
	pin = (reg - LG_IOAPIC_REG_REDIR) / 2;
	if (reg < LG_IOAPIC_REG_REDIR || pin >= LGUEST_IOAPIC_PINS)
		return 0;
	return reg & 1 ? io->redir[pin] >> 32 : (u32)io->redir[pin];
}

static void lg_ioapic_write_reg(struct lguest *lg, u32 reg, u32 val)
{
	struct lg_ioapic *io = &lg->ioapic;
	unsigned int pin;
	u64 rte;

	if (reg == LG_IOAPIC_REG_ID) {
		io->id = val & (0xfU << 24);
		return;
	}
	pin = (reg - LG_IOAPIC_REG_REDIR) / 2;
	if (reg < LG_IOAPIC_REG_REDIR || pin >= LGUEST_IOAPIC_PINS)
		return;		/* read-only or absent: ignored */
	rte = io->redir[pin];
	if (reg & 1)
		rte = (rte & 0xffffffffULL) | (u64)val << 32;
	else
		rte = (rte & ~0xffffffffULL) | val;
	io->redir[pin] = (rte & LG_RTE_WRITABLE) |
			 (io->redir[pin] & (LG_RTE_DELIVS | LG_RTE_REMOTE_IRR));
	/* An edge pin has no remote IRR; an unmasked level pin may fire now. */
	if (!(io->redir[pin] & LG_RTE_LEVEL))
		io->redir[pin] &= ~LG_RTE_REMOTE_IRR;
	lg_ioapic_recheck(lg, pin);
}

/**
 * lg_ioapic_mmio() - a guest access to the IOAPIC's page.
 * @lg: the guest (vCPU thread).
 * @gpa: the address, inside [%LGUEST_IOAPIC_BASE, + 4 KiB).
 * @write: store (of *@val) or load (into *@val).
 * @size: access size in bytes.
 * @val: the value.
 *
 * Only 32-bit accesses to IOREGSEL and IOWIN do anything; others read as
 * zero and are ignored, as on the chip.
 *
 * Return: 0.
 */
int lg_ioapic_mmio(struct lguest *lg, u64 gpa, bool write, unsigned int size, u64 *val)
{
	struct lg_ioapic *io = &lg->ioapic;
	u64 off = gpa - LGUEST_IOAPIC_BASE;
	unsigned long flags;

	if (!write)
		*val = 0;
	if (size != 4 || (off != LG_IOREGSEL && off != LG_IOWIN))
		return 0;
	spin_lock_irqsave(&io->lock, flags);
	if (off == LG_IOREGSEL) {
		if (write)
			io->ioregsel = *val & 0xff;
		else
			*val = io->ioregsel;
	} else if (write) {
		lg_ioapic_write_reg(lg, io->ioregsel, *val);
	} else {
		*val = lg_ioapic_read_reg(io, io->ioregsel);
	}
	spin_unlock_irqrestore(&io->lock, flags);
	return 0;
}

/**
 * lg_ioapic_init() - reset the IOAPIC: every pin masked, edge, all lines low.
 * @lg: the guest.
 */
void lg_ioapic_init(struct lguest *lg)
{
	struct lg_ioapic *io = &lg->ioapic;
	unsigned int pin;

	spin_lock_init(&io->lock);
	for (pin = 0; pin < LGUEST_IOAPIC_PINS; pin++)
		io->redir[pin] = LG_RTE_MASKED;
}
