// SPDX-License-Identifier: GPL-2.0
/*
 * platform.c - the machine's devices and a vCPU's MSRs put in their reset
 * state when a guest or a vCPU is made, and stopped when it goes.  The
 * platform itself lives in its own files: cpuid.c, msr.c, ports.c,
 * hypercall.c, debugreg.c, lapic.c, ioapic.c, kvmclock.c and uart.c.
 */
#include "lg.h"


/**
 * lg_platform_init() - put the machine's shared devices in their reset
 *	state: IOAPIC and UART.
 * @lg: the guest, being opened.
 */
void lg_platform_init(struct lguest *lg)
{
	lg_ioapic_init(lg);
	lg_uart_init(lg);
}

/**
 * lg_platform_free() - drop the UART's input file.
 * @lg: the guest, being destroyed.
 */
void lg_platform_free(struct lguest *lg)
{
	lg_uart_free(lg);
}

/**
 * lg_platform_vcpu_init() - a new vCPU's MSRs, local APIC and kvmclock in
 *	their reset state.
 * @vcpu: the vCPU, being created.
 */
void lg_platform_vcpu_init(struct lg_vcpu *vcpu)
{
	lg_msr_init(vcpu);
	lg_lapic_init(vcpu);
	lg_kvmclock_init(vcpu);
}

/**
 * lg_platform_vcpu_free() - stop the vCPU's APIC timer for good.
 * @vcpu: the vCPU, being destroyed.
 */
void lg_platform_vcpu_free(struct lg_vcpu *vcpu)
{
	lg_lapic_free(vcpu);
}
