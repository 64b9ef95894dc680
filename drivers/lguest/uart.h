/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uart.h - the 16550A-compatible serial port (COM1, 0x3f8, IRQ 4) of uart.c:
 * its state inside struct lguest and the calls the rest of lguest.ko makes.
 * The receiver reads the launcher's input file, the transmitter writes
 * lg->console through the buffer lg_console_flush() empties.
 */
#ifndef _LGUEST_UART_H
#define _LGUEST_UART_H

#include <linux/lguest_backend.h>
#include <linux/types.h>

struct lguest;
struct file;

/* The receiver FIFO's depth, as on a 16550A. */
#define LG_UART_FIFO_SIZE	16
/**
 * struct lg_uart - state of the guest's 16550A UART.
 * @in: the file the receiver reads from (@in.file, or NULL), listened to
 *	through input.c.
 * @in_flags: %LG_UART_IN_READY: @in may have become readable since the
 *	vCPU last looked.  The only field touched outside the vCPU thread.
 * @rx: the receiver FIFO (one byte deep with the FIFOs off), a ring of
 *	@rx_count bytes from @rx_head.
 * @rx_head: index in @rx of the oldest byte.
 * @rx_count: bytes in @rx.
 * @rbr: the byte last read from the receiver (what an empty one returns).
 * @ier: interrupt enable register.
 * @lcr: line control register.
 * @mcr: modem control register.
 * @scr: scratch register.
 * @dll: divisor latch, low byte.
 * @dlm: divisor latch, high byte.
 * @fcr: FIFO enable, DMA mode and receiver trigger bits last programmed.
 * @lsr: the error bits of the line status register (OE); the rest of the
 *	LSR is computed.
 * @msr: modem status: input lines (high nibble) and their deltas.
 * @thri_pending: the "transmitter holding register empty" interrupt is
 *	pending (not yet cleared by an IIR read or a THR write).
 * @irq_level: the level last given to the IOAPIC pin.
 *
 * All but @in_flags is the vCPU thread's, with lg->lock held.
 */
struct lg_uart {
	struct lguest_input in;
	unsigned long in_flags;

	u8 rx[LG_UART_FIFO_SIZE];
	u8 rx_head, rx_count;
	u8 rbr;
	u8 ier, lcr, mcr, scr, dll, dlm, fcr, lsr, msr;
	bool thri_pending;
	bool irq_level;
};

/* Bits of struct lg_uart.in_flags. */
#define LG_UART_IN_READY	0

void lg_uart_init(struct lguest *lg);
void lg_uart_free(struct lguest *lg);
int lg_uart_set_input(struct lguest *lg, struct file *in);
bool lg_uart_io(struct lguest *lg, u16 port, bool in, u8 *val);
bool lg_uart_has_event(struct lguest *lg);
void lg_uart_poll(struct lguest *lg);

#endif /* _LGUEST_UART_H */
