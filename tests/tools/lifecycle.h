/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lifecycle.h - what raw_lifecycle.c (liblguest) and kvm_lifecycle.c
 * (plain KVM) share for make bench's raw-lifecycle figure: the image, the
 * RAM, the clock, the arguments and the report, so the two sides differ
 * only in the hypervisor they drive.
 */
#ifndef LG_TESTS_LIFECYCLE_H
#define LG_TESTS_LIFECYCLE_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIFE_IMAGE_SIZE	4096
#define LIFE_MEM	(2ULL << 20)	/* 2 MiB: the image at 1 MiB fits */

static uint8_t life_image[LIFE_IMAGE_SIZE] = { 0xf4 };	/* hlt, then zeroes */

struct life_opts {
	const char *prog;
	long iters;
	long warmup;
	int shadow;
};

static double life_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long life_num(const char *prog, const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 1000000) {
		fprintf(stderr, "%s: %s %s: want a number 0-1000000\n", prog, opt, s);
		exit(2);
	}
	return v;
}

/* life_args: [--iters N] [--warmup N], and [--shadow] if @shadow_ok. */
static void life_args(struct life_opts *o, int argc, char **argv, int shadow_ok)
{
	int i;

	o->prog = argv[0];
	o->iters = 200;
	o->warmup = 5;
	o->shadow = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
			o->iters = life_num(o->prog, argv[i], argv[i + 1]);
			i++;
		} else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) {
			o->warmup = life_num(o->prog, argv[i], argv[i + 1]);
			i++;
		} else if (shadow_ok && !strcmp(argv[i], "--shadow")) {
			o->shadow = 1;
		} else {
			fprintf(stderr, "usage: %s [--iters N] [--warmup N]%s\n",
				o->prog, shadow_ok ? " [--shadow]" : "");
			exit(2);
		}
	}
	if (!o->iters) {
		fprintf(stderr, "%s: --iters must be at least 1\n", o->prog);
		exit(2);
	}
}

static int life_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* life_report: @n whole-iteration times (sorted here), the parts' sums. */
static void life_report(const char *who, double *t, long n, double up_sum,
			double down_sum)
{
	double sum = 0, median;
	long i;

	for (i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), life_cmp);
	median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	printf("%s: %ld iterations of create, load 4 KiB, run to HLT, destroy: "
	       "mean %.1f us, median %.1f us, min %.1f us, max %.1f us "
	       "(up to HLT %.1f us, teardown %.1f us)\n",
	       who, n, sum / n, median, t[0], t[n - 1], up_sum / n, down_sum / n);
	printf("@@LIFE %.1f %.1f %.1f %.1f %.1f %.1f\n", sum / n, median, t[0],
	       t[n - 1], up_sum / n, down_sum / n);
}

#endif
