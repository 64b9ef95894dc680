// SPDX-License-Identifier: GPL-2.0
/*
 * lgtlb - a guest's TLB shootdowns under test: one thread pinned to each
 * online CPU, the first remapping and write-protecting memory the others
 * keep reading and writing.  A CPU left with a stale translation after
 * mremap() or mprotect() returned shows up as a page of the wrong
 * generation, or as a write that landed after write protection.  Built
 * static into the busybox guest as /bin/lgtlb; prints "@@TLB ..." lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES		16	/* the remapped window */
#define MAX_THREADS	64
#define SPIN_READS	64	/* a writer's reads between its checks */

static size_t pg;
static uint64_t *window;		/* PAGES pages, remapped each round */
static volatile uint64_t *slots;	/* one page, write-protected now and then */
static volatile uint64_t seq;		/* 2 * generation; odd while remapping */
static volatile int phase;		/* 0: remap, 1: protect, 2: done */
static volatile long failures;
static int nthreads;

static __thread sigjmp_buf fault_jmp;
static __thread volatile int fault_armed;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs("lgtlb: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A write to the protected page faults: back to the writer's loop. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	if (!fault_armed)
		_exit(3);	/* a fault anywhere else is a bug */
	siglongjmp(fault_jmp, 1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("pin to CPU %d: %s", cpu, strerror(errno));
}

/* Each page of the window is gen ^ word index, for one gen per page. */
static void fill(uint64_t *p, uint64_t gen)
{
	size_t i, words = PAGES * pg / 8;

	for (i = 0; i < words; i++)
		p[i] = gen ^ (i % (pg / 8));
}

/*
 * Check the window as a reader sees it.  A check that overlapped a remap
 * (seq odd, or moved) proves nothing and is dropped; any other must see
 * every page whole and of the generation the last completed mremap() put
 * there.  A CPU still translating through the old, freed pages fails it.
 */
static void check_window(int cpu)
{
	uint64_t s1 = __atomic_load_n(&seq, __ATOMIC_ACQUIRE), s2;
	uint64_t bad_gen = 0;
	size_t i, w, words = pg / 8, bad_page = 0, bad_word = 0;
	int bad = 0;

	if (s1 & 1)
		return;
	for (i = 0; i < PAGES && !bad; i++) {
		const volatile uint64_t *p = window + i * words;
		uint64_t gen = p[0];

		if (gen != s1 / 2) {
			bad = 1, bad_page = i, bad_word = 0, bad_gen = gen;
			break;
		}
		for (w = 1; w < words; w++)
			if (p[w] != (gen ^ w)) {
				bad = 1, bad_page = i, bad_word = w, bad_gen = p[w];
				break;
			}
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(&seq, __ATOMIC_RELAXED);
	if (!bad || s1 != s2)
		return;
	printf("@@TLB FAIL cpu %d: page %zu word %zu reads 0x%llx, after generation %llu was mapped\n",
	       cpu, bad_page, bad_word, (unsigned long long)bad_gen, (unsigned long long)(s1 / 2));
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

/* The other CPUs: read the window, then write their slot, until done. */
static void *reader(void *arg)
{
	int cpu = (int)(long)arg;
	uint64_t n = 0;

	pin(cpu);
	while (phase == 0)
		check_window(cpu);
	while (phase == 1) {
		if (sigsetjmp(fault_jmp, 1)) {
			fault_armed = 0;
			sched_yield();
			continue;
		}
		fault_armed = 1;
		slots[cpu] = ++n;
		fault_armed = 0;
	}
	return NULL;
}

/*
 * CPU 0: ROUNDS times, fill a fresh mapping with the next generation and
 * mremap() it over the window (the old pages are unmapped and freed: every
 * CPU must forget them); then ROUNDS times write-protect the slots page and
 * check that no CPU's write lands after mprotect() returned.
 */
static void writer(long rounds)
{
	uint64_t snap[MAX_THREADS];
	long r;
	int i, j;

	for (r = 1; r <= rounds; r++) {
		uint64_t *p = mmap(NULL, PAGES * pg, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap: %s", strerror(errno));
		fill(p, r);
		__atomic_store_n(&seq, 2 * r - 1, __ATOMIC_RELEASE);
		if (mremap(p, PAGES * pg, PAGES * pg, MREMAP_MAYMOVE | MREMAP_FIXED,
			   window) == MAP_FAILED)
			die("mremap: %s", strerror(errno));
		__atomic_store_n(&seq, 2 * r, __ATOMIC_RELEASE);
		for (i = 0; i < SPIN_READS; i++)
			check_window(0);
	}
	phase = 1;
	for (r = 1; r <= rounds; r++) {
		if (mprotect((void *)slots, pg, PROT_READ))
			die("mprotect read-only: %s", strerror(errno));
		memcpy(snap, (void *)slots, sizeof(snap));
		for (j = 0; j < 200; j++) {
			sched_yield();
			if (memcmp(snap, (void *)slots, sizeof(snap))) {
				for (i = 0; i < nthreads; i++)
					if (snap[i] != slots[i])
						printf("@@TLB FAIL cpu %d wrote its slot (%llu -> %llu) after mprotect(PROT_READ) returned\n",
						       i, (unsigned long long)snap[i],
						       (unsigned long long)slots[i]);
				failures++;
				break;
			}
		}
		if (mprotect((void *)slots, pg, PROT_READ | PROT_WRITE))
			die("mprotect read-write: %s", strerror(errno));
		for (j = 0; j < 100; j++)
			sched_yield();
	}
	phase = 2;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
	pthread_t tid[MAX_THREADS];
	long rounds;
	int i;

	if (argc != 2 || (rounds = atol(argv[1])) <= 0)
		die("usage: lgtlb ROUNDS");
	setvbuf(stdout, NULL, _IOLBF, 0);
	pg = sysconf(_SC_PAGESIZE);
	nthreads = sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1 || nthreads > MAX_THREADS)
		die("%d online CPUs", nthreads);
	sigaction(SIGSEGV, &sa, NULL);
	window = mmap(NULL, PAGES * pg, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	slots = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (window == MAP_FAILED || slots == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	fill(window, 0);
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&tid[i], NULL, reader, (void *)(long)i))
			die("pthread_create");
	pin(0);
	writer(rounds);
	for (i = 1; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	printf("@@TLB %s: %ld remaps and %ld write-protects on %d CPUs, %ld failures\n",
	       failures ? "FAIL" : "PASS", rounds, rounds, nthreads, failures);
	return failures ? 1 : 0;
}
