/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - shared by the in-tree fuzzers (tests/fuzz/): a seeded PRNG, so a
 * run is replayed by its seed, and the option parsing, progress lines and
 * time keeping every fuzzer has.  Header-only; each fuzzer is one binary.
 */
#ifndef LGUEST_FUZZ_H
#define LGUEST_FUZZ_H

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * splitmix64: a tiny, well-mixed generator.  Each run, each worker and
 * each guest derive their own state from the run's seed, so one number
 * replays the whole run (up to the timing of threads and signals).
 */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	r->s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	rng_next(r);
}

/* rng_below: uniform in [0, n), n > 0 (the bias is irrelevant here). */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

/* rng_chance: true with probability 1/n. */
static inline bool rng_chance(struct rng *r, unsigned int n)
{
	return rng_below(r, n) == 0;
}

/* rng_pick: one element of a table of u64. */
#define rng_pick(r, tab)	((tab)[rng_below(r, ARRAY_SIZE(tab))])

/*
 * rng_interesting: a value from the edges of the integer types, a power
 * of two or its neighbours, or plain random: what breaks range checks.
 */
static inline uint64_t rng_interesting(struct rng *r)
{
	static const uint64_t edge[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL,
		0xffffffffffffffffULL, 0xfffffffffffff000ULL,
		0x0000800000000000ULL, 0x00007ffffffff000ULL,
		0xffff800000000000ULL,
	};
	uint64_t b;

	switch (rng_below(r, 4)) {
	case 0:
		return rng_pick(r, edge);
	case 1:
		b = 1ULL << rng_below(r, 64);
		return b + rng_below(r, 3) - 1;
	case 2:
		return rng_below(r, 0x1000);
	default:
		return rng_next(r);
	}
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The seed of a run when none is given: time and pid, printed for replay. */
static inline uint64_t fuzz_default_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec << 20) ^ ts.tv_nsec ^ ((uint64_t)getpid() << 40);
}

/* A command-line option: a flag (sets an int to 1) or one with a value. */
enum fuzz_opt_kind { OPT_FLAG, OPT_U64, OPT_UINT, OPT_LONG, OPT_DOUBLE, OPT_STR };

struct fuzz_opt {
	const char *name;
	enum fuzz_opt_kind kind;
	void *var;
};

/*
 * fuzz_parse_args: set the variables of @opts (ended by a NULL name) from
 * argv; messages start with @prog.  Returns 0, or 2 (the exit status) after a line naming the fault.
 */
static inline int fuzz_parse_args(const char *prog, int argc, char **argv,
				  const struct fuzz_opt *opts)
{
	const struct fuzz_opt *o;
	int i;

	for (i = 1; i < argc; i++) {
		for (o = opts; o->name && strcmp(o->name, argv[i]); o++)
			;
		if (!o->name) {
			fprintf(stderr, "%s: unknown option %s\n", prog, argv[i]);
			return 2;
		}
		if (o->kind == OPT_FLAG) {
			*(int *)o->var = 1;
			continue;
		}
		if (++i == argc) {
			fprintf(stderr, "%s: %s needs a value (see the header of %s.c)\n",
				prog, o->name, prog);
			return 2;
		}
		switch (o->kind) {
		case OPT_U64:
			*(uint64_t *)o->var = strtoull(argv[i], NULL, 0);
			break;
		case OPT_UINT:
			*(unsigned int *)o->var = strtoul(argv[i], NULL, 0);
			break;
		case OPT_LONG:
			*(long *)o->var = strtol(argv[i], NULL, 0);
			break;
		case OPT_DOUBLE:
			*(double *)o->var = atof(argv[i]);
			break;
		default:
			*(const char **)o->var = argv[i];
			break;
		}
	}
	return 0;
}

/* fuzz_skip: is finding NAME in the comma-separated --skip list? */
static inline bool fuzz_skip(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/*
 * fuzz_dump_stacks: print where every thread of @pid is, kernel side (the
 * test host runs as root): what a stuck launcher is waiting for.
 */
static inline void fuzz_dump_stacks(int pid)
{
	char path[300], line[256];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		printf("FINDING-STACK task %s:\n", de->d_name);
		while (fgets(line, sizeof(line), f))
			printf("FINDING-STACK   %s", line);
		fclose(f);
	}
	closedir(d);
}

#endif /* LGUEST_FUZZ_H */
