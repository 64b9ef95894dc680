// SPDX-License-Identifier: GPL-2.0
/*
 * raw_density.c - the lguest side of the density and per-guest memory
 * figures (tests/host/cases/bench-density.sh, bench-mem.sh): N raw guests
 * brought up through liblguest (lg_create, lg_set_mem, lg_run_raw of a
 * 4 KiB image that HLTs at once) and kept alive, from one process or N.
 * tests/tools/kvm_density.c does the same on plain KVM; the driver, the
 * timing and the report are density.h's.  Usage: density.h's.
 */
#include "liblguest.h"

#include "density.h"

static void density_up(long i, void **ram)
{
	struct lg_exit e;
	struct lg_vm *vm;

	if (lg_create(&vm) < 0)
		density_die(i, "lg_create", "out of memory");
	if (lg_set_mem(vm, density_mem) < 0)
		density_die(i, "lg_set_mem", lg_error(vm));
	if (lg_run_raw(vm, density_image, sizeof(density_image), &e) < 0)
		density_die(i, "lg_run_raw", lg_error(vm));
	if (e.reason != LG_EXIT_HLT)
		density_die(i, "the guest did not stop at HLT", e.message);
	/* Guest RAM is the module's, allocated when the guest is created. */
	*ram = NULL;
}

int main(int argc, char **argv)
{
	return density_main(argc, argv);
}
