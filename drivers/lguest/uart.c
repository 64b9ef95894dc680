// SPDX-License-Identifier: GPL-2.0
/*
 * uart.c - the guest's serial port: a 16550A at 0x3f8 on IOAPIC pin 4, good
 * enough for Linux's 8250 driver (autoconfig, startup tests, console) and
 * for raw guests that only poll LSR.  Transmission is instantaneous, into
 * lg->console; the receiver reads the launcher's input file when it polls
 * readable, without ever making the vCPU wait for it.
 */
#include "lg.h"

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/serial_reg.h>
#include <linux/wait.h>

#define LG_UART_NR_PORTS	8
#define LG_UART_IIR_FIFOS	0xc0	/* IIR: FIFOs on (16550A) */

/* The modem lines a host end that is "there" shows when not looping back. */
#define LG_UART_MSR_IDLE	(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

/* What in the input file's wake-up key means "maybe readable". */
#define LG_UART_IN_EVENTS	(EPOLLIN | EPOLLRDNORM | EPOLLHUP | EPOLLERR)

/* --- The transmitter: buffered output to lg->console. --- */

/**
 * lg_console_flush() - write buffered serial output to the console file.
 * @lg: the guest, with its io_lock held.
 *
 * Called when a line is complete or the buffer full, when the guest halts
 * and when LGUEST_RUN returns.  A short or failed write loses the output,
 * never the guest.
 */
void lg_console_flush(struct lguest *lg)
{
	struct file *f = lg->console;
	loff_t *ppos;

	if (!lg->con_len)
		return;
	if (f) {
		ppos = (f->f_mode & FMODE_STREAM) ? NULL : &f->f_pos;
		kernel_write(f, lg->con_buf, lg->con_len, ppos);
	}
	lg->con_len = 0;
}

/**
 * lg_console_flush_locked() - lg_console_flush(), taking the guest's
 *	io_lock (which every other caller holds already).
 * @lg: the guest.
 */
void lg_console_flush_locked(struct lguest *lg)
{
	/* A signal first: the output waits in the buffer for the next flush. */
	if (mutex_lock_interruptible(&lg->io_lock))
		return;
	lg_console_flush(lg);
	mutex_unlock(&lg->io_lock);
}

static void lg_console_put(struct lguest *lg, u8 ch)
{
	lg->con_buf[lg->con_len++] = ch;
	if (ch == '\n' || lg->con_len == sizeof(lg->con_buf))
		lg_console_flush(lg);
}

/* --- The registers. --- */

static bool lg_uart_fifo_on(const struct lg_uart *u)
{
	return u->fcr & UART_FCR_ENABLE_FIFO;
}

static unsigned int lg_uart_rx_room(const struct lg_uart *u)
{
	unsigned int size = lg_uart_fifo_on(u) ? LG_UART_FIFO_SIZE : 1;

	return u->rx_count < size ? size - u->rx_count : 0;
}

static unsigned int lg_uart_rx_trigger(const struct lg_uart *u)
{
	static const u8 level[] = { 1, 4, 8, 14 };

	return level[(u->fcr & UART_FCR_TRIGGER_MASK) >> 6];
}

/*
 * A byte reaches the receiver.  With the FIFOs off the holding register
 * is overwritten; with them on, a byte finding the FIFO full is lost.
 * Either way that is an overrun.
 */
static void lg_uart_rx_push(struct lg_uart *u, u8 ch)
{
	if (!lg_uart_fifo_on(u)) {
		if (u->rx_count)
			u->lsr |= UART_LSR_OE;
		u->rx_head = 0;
		u->rx[0] = ch;
		u->rx_count = 1;
		return;
	}
	if (u->rx_count >= LG_UART_FIFO_SIZE) {
		u->lsr |= UART_LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % LG_UART_FIFO_SIZE] = ch;
	u->rx_count++;
}

static u8 lg_uart_rx_pop(struct lg_uart *u)
{
	if (u->rx_count) {
		u->rbr = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % LG_UART_FIFO_SIZE;
		u->rx_count--;
	}
	return u->rbr;
}

static void lg_uart_rx_clear(struct lg_uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/*
 * The modem inputs: in loopback DTR, RTS, OUT1 and OUT2 come back as DSR,
 * CTS, RI and DCD; otherwise the host end is always ready.  A change sets
 * the delta bits (RI only on its trailing edge), as the 16550 does.
 */
static void lg_uart_update_msr(struct lg_uart *u)
{
	u8 old = u->msr, lines = LG_UART_MSR_IDLE, delta = 0;

	if (u->mcr & UART_MCR_LOOP) {
		lines = 0;
		if (u->mcr & UART_MCR_DTR)
			lines |= UART_MSR_DSR;
		if (u->mcr & UART_MCR_RTS)
			lines |= UART_MSR_CTS;
		if (u->mcr & UART_MCR_OUT1)
			lines |= UART_MSR_RI;
		if (u->mcr & UART_MCR_OUT2)
			lines |= UART_MSR_DCD;
	}
	if ((old ^ lines) & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if ((old ^ lines) & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	if ((old ^ lines) & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	u->msr = lines | (old & UART_MSR_ANY_DELTA) | delta;
}

static u8 lg_uart_lsr(const struct lg_uart *u)
{
	/* Transmission is instantaneous: always empty, always idle. */
	return u->lsr | (u->rx_count ? UART_LSR_DR : 0) |
	       UART_LSR_THRE | UART_LSR_TEMT;
}

/*
 * The interrupt the IIR reports, by the 16550's priorities.  Received data
 * below the FIFO trigger level is reported as a character timeout at once:
 * our characters take no time, so four of them have passed.
 */
static u8 lg_uart_iir_id(const struct lg_uart *u)
{
	if ((u->ier & UART_IER_RLSI) && (u->lsr & UART_LSR_BRK_ERROR_BITS))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count) {
		if (lg_uart_fifo_on(u) && u->rx_count < lg_uart_rx_trigger(u))
			return UART_IIR_RX_TIMEOUT;
		return UART_IIR_RDI;
	}
	if ((u->ier & UART_IER_THRI) && u->thri_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_ANY_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/*
 * The line to the IOAPIC.  On a PC the UART's interrupt output is gated by
 * OUT2, and loopback disconnects OUT2 from its pin: no interrupt then.
 */
static void lg_uart_update_irq(struct lguest *lg)
{
	struct lg_uart *u = &lg->uart;
	u8 gate = u->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP);
	bool level = gate == UART_MCR_OUT2 &&
		     lg_uart_iir_id(u) != UART_IIR_NO_INT;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	lg_ioapic_set_irq(lg, LGUEST_SERIAL_IRQ, level);
}

static u8 lg_uart_read(struct lguest *lg, unsigned int reg)
{
	struct lg_uart *u = &lg->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 val;

	switch (reg) {
	case UART_RX:
		return dlab ? u->dll : lg_uart_rx_pop(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		val = lg_uart_iir_id(u);
		/* Reading the IIR that reports it clears a THRE interrupt. */
		if (val == UART_IIR_THRI)
			u->thri_pending = false;
		return val | (lg_uart_fifo_on(u) ? LG_UART_IIR_FIFOS : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		val = lg_uart_lsr(u);
		u->lsr &= ~UART_LSR_BRK_ERROR_BITS;
		return val;
	case UART_MSR:
		val = u->msr;
		u->msr &= ~UART_MSR_ANY_DELTA;
		return val;
	default:	/* UART_SCR */
		return u->scr;
	}
}

static void lg_uart_write_fcr(struct lg_uart *u, u8 val)
{
	/* The other bits are only programmed together with FIFO enable. */
	if (!(val & UART_FCR_ENABLE_FIFO))
		val = 0;
	/* Switching the FIFOs on or off empties them. */
	if ((val ^ u->fcr) & UART_FCR_ENABLE_FIFO)
		val |= UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT;
	if (val & UART_FCR_CLEAR_RCVR)
		lg_uart_rx_clear(u);
	/* The transmitter FIFO is always empty already. */
	u->fcr = val & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT |
			UART_FCR_TRIGGER_MASK);
}

static void lg_uart_write(struct lguest *lg, unsigned int reg, u8 val)
{
	struct lg_uart *u = &lg->uart;
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 changed;

	switch (reg) {
	case UART_TX:
		if (dlab) {
			u->dll = val;
			break;
		}
		/* Sent at once: THR is empty again, a new THRE interrupt. */
		if (u->mcr & UART_MCR_LOOP)
			lg_uart_rx_push(u, val);
		else
			lg_console_put(lg, val);
		u->thri_pending = true;
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = val;
			break;
		}
		val &= UART_IER_MSI | UART_IER_RLSI | UART_IER_THRI |
		       UART_IER_RDI;
		changed = u->ier ^ val;
		u->ier = val;
		/*
		 * Enabling the THRE interrupt with THR empty (it always is)
		 * makes it pending again, even if an IIR read cleared it:
		 * Linux's 8250 startup tests exactly that.
		 */
		if (changed & UART_IER_THRI)
			u->thri_pending = val & UART_IER_THRI;
		break;
	case UART_FCR:
		lg_uart_write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & (UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_OUT1 |
				UART_MCR_RTS | UART_MCR_DTR);
		lg_uart_update_msr(u);
		break;
	case UART_LSR:
	case UART_MSR:
		break;		/* factory test / read-only: ignored */
	default:	/* UART_SCR */
		u->scr = val;
	}
}

/**
 * lg_uart_io() - a one-byte IN or OUT on one of the UART's ports.
 * @lg: the guest, with its lock held (vCPU thread).
 * @port: the I/O port.
 * @in: true for IN (the value goes to @val), false for OUT (from @val).
 * @val: the byte.
 *
 * Return: false if @port is not one of the UART's eight, true if handled.
 */
bool lg_uart_io(struct lguest *lg, u16 port, bool in, u8 *val)
{
	unsigned int reg = port - LGUEST_SERIAL_PORT;

	if (port < LGUEST_SERIAL_PORT || reg >= LG_UART_NR_PORTS)
		return false;
	if (in)
		*val = lg_uart_read(lg, reg);
	else
		lg_uart_write(lg, reg, *val);
	lg_uart_update_irq(lg);
	return true;
}

/* --- The receiver: the launcher's input file. --- */

/*
 * input.c calls this from the input file's wait queue, maybe in interrupt
 * context: only note that input may be there and wake the vCPU, which
 * reads it itself before its next entry.
 */
static void lg_uart_ready(struct lguest_input *in)
{
	struct lg_uart *u = container_of(in, struct lg_uart, in);
	struct lguest *lg = container_of(u, struct lguest, uart);

	set_bit(LG_UART_IN_READY, &u->in_flags);
	/* vCPU 0 serves the UART's input (lg_run()). */
	if (lg_nr_vcpus(lg))
		wake_up(&lg->vcpus[0]->wq);
}

/* Stop listening and let the file go. */
static void lg_uart_drop_input(struct lg_uart *u)
{
	lguest_input_stop(&u->in);
	clear_bit(LG_UART_IN_READY, &u->in_flags);
}

/*
 * The receiver takes input only while the guest asserts RTS and is not
 * looping back: the host end does RTS flow control.  So nothing typed or
 * piped ahead is lost to the FIFO clear of the guest driver's startup,
 * since Linux raises RTS only once the port is open.
 */
static bool lg_uart_rx_wanted(const struct lg_uart *u)
{
	return (u->mcr & (UART_MCR_RTS | UART_MCR_LOOP)) == UART_MCR_RTS &&
	       lg_uart_rx_room(u);
}

/*T:625 The guest's console is a real 16550A UART, which a stock kernel
 * drives with its ordinary 8250 driver.  Both directions are
 * served here, in the kernel, rather than by the launcher: the vCPU runs
 * inside the LGUEST_RUN ioctl and only comes out when the guest stops, so
 * a launcher that had to read its stdin and feed the UART would need an
 * exit to userspace for every keystroke and a second thread to notice the
 * keystroke at all.  Instead LGUEST_SET_CONSOLE hands us the launcher's
 * stdin, and we hang an entry on its wait queue, as vhost and epoll do.
 * When the tty or pipe has input, the entry's wake function sets a flag
 * and wakes the vCPU, even from HLT; before its next entry the vCPU reads
 * what fits in the FIFO, never waiting (lguest_input_read()), and
 * raises IRQ 4.  The file is read only when it polls
 * readable and the guest has room and RTS up, so the vCPU never waits on
 * it and no input is taken that the guest cannot hold; end of file just
 * ends the input. :*/
/**
 * lg_uart_set_input() - give the receiver a file to read (LGUEST_SET_CONSOLE).
 * @lg: the guest, with its lock held.
 * @in: the file, or NULL for none.  Its reference becomes ours, whatever
 *	the result.
 *
 * The previous input, if any, is dropped first.  A file the kernel cannot
 * read (one with a ->read method, like /dev/null) is taken as one at end
 * of file: the receiver never receives.
 *
 * Return: 0, or -EBADF if @in is not open for reading (then dropped).
 */
int lg_uart_set_input(struct lguest *lg, struct file *in)
{
	struct lg_uart *u = &lg->uart;

	lg_uart_drop_input(u);
	if (!in)
		return 0;
	if (!(in->f_mode & FMODE_READ)) {
		fput(in);
		return -EBADF;
	}
	/* What kernel_read() insists on, or it would only warn later. */
	if (!(in->f_mode & FMODE_CAN_READ) || !in->f_op->read_iter ||
	    in->f_op->read) {
		fput(in);
		return 0;
	}
	/* Look once in any case: input may be waiting, or never wake us. */
	set_bit(LG_UART_IN_READY, &u->in_flags);
	lguest_input_start(&u->in, in, LG_UART_IN_EVENTS, lg_uart_ready);
	return 0;
}

/**
 * lg_uart_has_event() - does the receiver want lg_uart_poll() called?
 * @lg: the guest (vCPU thread).
 *
 * Return: true if the input may have become readable since we last looked
 * and the guest can take some of it now.
 */
bool lg_uart_has_event(struct lguest *lg)
{
	struct lg_uart *u = &lg->uart;

	return u->in.file && test_bit(LG_UART_IN_READY, &u->in_flags) &&
	       lg_uart_rx_wanted(u);
}

/**
 * lg_uart_poll() - move readable input into the receiver FIFO.
 * @lg: the guest, with its lock held (vCPU thread, before guest entry).
 *
 * Reads only when the input polls readable, and at most what the FIFO
 * has room for.  End of file or an error ends the input for good; a read
 * cut short by a signal is tried again next time.
 */
void lg_uart_poll(struct lguest *lg)
{
	struct lg_uart *u = &lg->uart;
	u8 buf[LG_UART_FIFO_SIZE];
	unsigned int room, i;
	struct file *f = u->in.file;
	ssize_t n;

	if (!f || !lg_uart_rx_wanted(u) ||
	    !test_and_clear_bit(LG_UART_IN_READY, &u->in_flags))
		goto out;
	if (!(vfs_poll(f, NULL) & LG_UART_IN_EVENTS))
		goto out;
	room = lg_uart_rx_room(u);
	n = lguest_input_read(&u->in, buf, room);
	if (n > 0) {
		for (i = 0; i < n && i < room; i++)
			lg_uart_rx_push(u, buf[i]);
		/* There may be more: look again when there is room. */
		set_bit(LG_UART_IN_READY, &u->in_flags);
	} else if (n == -EINTR || n == -ERESTARTSYS || n == -ERESTARTNOINTR ||
		   n == -ERESTARTNOHAND) {
		set_bit(LG_UART_IN_READY, &u->in_flags);
	} else if (n != -EAGAIN) {
		lg_uart_drop_input(u);
	}
out:
	lg_uart_update_irq(lg);
}

/**
 * lg_uart_init() - reset the UART (at open).
 * @lg: the guest.
 */
void lg_uart_init(struct lguest *lg)
{
	struct lg_uart *u = &lg->uart;

	memset(u, 0, sizeof(*u));
	u->dll = 12;			/* 9600 baud */
	u->msr = LG_UART_MSR_IDLE;
}

/**
 * lg_uart_free() - let go of the input file (at release).
 * @lg: the guest.
 */
void lg_uart_free(struct lguest *lg)
{
	lg_uart_drop_input(&lg->uart);
}
