// SPDX-License-Identifier: GPL-2.0
/*
 * raw_lifecycle.c - the lguest side of "make bench"'s raw-lifecycle figure
 * (tests/host/cases/bench-raw.sh): how long a whole throwaway guest takes
 * through liblguest, from nothing to its HLT and gone again.  Each
 * iteration: lg_create(), lg_set_mem(2 MiB) (and lg_set_paging() with
 * --shadow), lg_run_raw() of a 4 KiB image whose first instruction is HLT
 * (it opens /dev/lguest, creates the guest, maps its RAM, creates the
 * vCPU, copies the image, builds the --raw tables and entry state, runs
 * to the HLT exit), then lg_destroy() (unmaps, closes every file: the
 * module frees the guest).  tests/tools/kvm_lifecycle.c does the same
 * under plain KVM; the two share their timing and report, word for word.
 *
 * Usage: raw_lifecycle [--iters N] [--warmup N] [--shadow]
 * Defaults: 200 timed iterations after 5 untimed ones.  Prints one line
 * for people and "@@LIFE <mean> <median> <min> <max> <mean up> <mean
 * down>" in microseconds ("up": create to HLT; "down": lg_destroy()).
 * Exit status 1, with a "raw_lifecycle: " line, if an iteration fails or
 * the guest ends other than by HLT; 2 for bad arguments.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "liblguest.h"

#include "lifecycle.h"

static void __attribute__((noreturn)) die(struct lg_vm *vm, long i, const char *what)
{
	fprintf(stderr, "raw_lifecycle: iteration %ld: %s: %s\n", i, what,
		vm ? lg_error(vm) : "out of memory");
	exit(1);
}

/* one: a whole guest's life; adds its two parts' times to *up and *down. */
static void one(const struct life_opts *o, long i, double *up, double *down)
{
	struct lg_exit e;
	struct lg_vm *vm;
	double t0, t1, t2;

	t0 = life_now_us();
	if (lg_create(&vm) < 0)
		die(NULL, i, "lg_create");
	if (lg_set_mem(vm, LIFE_MEM) < 0)
		die(vm, i, "lg_set_mem");
	if (o->shadow && lg_set_paging(vm, LG_PAGING_SHADOW) < 0)
		die(vm, i, "lg_set_paging");
	if (lg_run_raw(vm, life_image, sizeof(life_image), &e) < 0)
		die(vm, i, "lg_run_raw");
	t1 = life_now_us();
	if (e.reason != LG_EXIT_HLT) {
		fprintf(stderr, "raw_lifecycle: iteration %ld: the guest ended with reason %d%s%s, not HLT\n",
			i, e.reason, e.message[0] ? ": " : "", e.message);
		exit(1);
	}
	lg_destroy(vm);
	t2 = life_now_us();
	*up += t1 - t0;
	*down += t2 - t1;
}

int main(int argc, char **argv)
{
	double up = 0, down = 0, t0, *t;
	struct life_opts o;
	long i;

	life_args(&o, argc, argv, 1);
	t = calloc(o.iters, sizeof(*t));
	if (!t)
		die(NULL, 0, "calloc");
	for (i = 0; i < o.warmup; i++)
		one(&o, i, &up, &down);
	up = down = 0;
	for (i = 0; i < o.iters; i++) {
		t0 = life_now_us();
		one(&o, o.warmup + i, &up, &down);
		t[i] = life_now_us() - t0;
	}
	life_report(o.shadow ? "lguest (shadow paging)" : "lguest (module's default paging)",
		    t, o.iters, up, down);
	free(t);
	return 0;
}
