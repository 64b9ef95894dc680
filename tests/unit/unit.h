/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit.h - the smallest test framework that does the job: UNIT_CHECK prints
 * each failure with its values; unit_summary() prints "PASS name" or
 * "FAIL name" (what tests/run-all.sh counts) and gives the exit status.
 */
#ifndef LGUEST_UNIT_H
#define LGUEST_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int unit_checks, unit_failures;

#define UNIT_CHECK(cond, fmt, ...) do {					\
	unit_checks++;							\
	if (!(cond)) {							\
		unit_failures++;					\
		printf("  %s:%d: " fmt "\n", __FILE__, __LINE__,	\
		       ##__VA_ARGS__);					\
	}								\
} while (0)

/* unit_memfd: a file (a memfd) holding @n bytes from @p; exits if it cannot. */
static inline int unit_memfd(const void *p, size_t n)
{
	int fd = memfd_create("unit", MFD_CLOEXEC);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n) {
		perror("memfd");
		exit(2);
	}
	return fd;
}

static inline int unit_summary(const char *name)
{
	if (unit_failures)
		printf("FAIL unit/%s: %d of %d checks failed\n", name,
		       unit_failures, unit_checks);
	else
		printf("PASS unit/%s (%d checks)\n", name, unit_checks);
	return unit_failures != 0;
}

#endif
