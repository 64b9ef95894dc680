/* SPDX-License-Identifier: GPL-2.0 */
/*
 * launcher.h - what the launcher's files share: its exit statuses, the
 * user's wishes (struct launch), the guest as the launcher sees it, and
 * the functions main() calls in guest.c and console.c.
 */
#ifndef LGUEST_TOOLS_LAUNCHER_H
#define LGUEST_TOOLS_LAUNCHER_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/lguest.h>

#include "boot.h"
#include "devopts.h"

/* Exit statuses, documented in --help. */
enum {
	EXIT_GUEST_OK	= 0,	/* the guest powered itself off */
	EXIT_FAILURE_RT	= 1,	/* the guest was killed, or could not run */
	EXIT_USAGE	= 2,	/* bad arguments or files */
	EXIT_REBOOT	= 3,	/* the guest rebooted itself */
	EXIT_PANIC	= 4,	/* the guest's kernel panicked */
};

struct launch {
	const char *raw;	/* --raw: flat 64-bit image, entered at 1 MiB */
	const char *kernel;	/* --kernel: bzImage, vmlinux or Multiboot */
	const char *initrd;	/* --initrd */
	const char *append;	/* --append: kernel command line */
	const char *dump_ram;	/* --dump-ram: write guest RAM here at the end */
	uint64_t mem;		/* --mem: guest RAM in bytes */
	int verbose;
	bool serial_console;	/* --console serial: stdin to ttyS0, no hvc0 */
	bool console_given;	/* --console was given (else we may fall back) */
	bool mmio_cmdline;	/* --mmio-cmdline: devices on the command line too */
	unsigned int paging;	/* --paging: an LGUEST_PAGING_ value */
	unsigned int cpus;	/* --cpus: vCPUs, 1 to LGUEST_MAX_VCPUS */
	struct devopts devs;	/* --disk, --net, --rng, in slot order */
};

/* The guest: its /dev/lguest file, its vCPUs' files, its RAM as we see it. */
struct guest {
	int fd;
	unsigned int ncpus;
	int vcpu_fd[LGUEST_MAX_VCPUS];
	uint8_t *ram;
	uint64_t mem;
};

void create_guest(struct guest *g, int lg_fd, uint64_t mem, const struct launch *l);
uint64_t load_file(struct guest *g, int fd, const char *what, const char *path,
		   uint64_t gpa);
void setup_raw(struct guest *g);
int run_guest(struct guest *g, const struct launch *l);
void plan_kernel(const struct launch *l, const struct kernel_image *bz,
		 struct boot_layout *lay, int kernel_fd, int initrd_fd);
void print_devices(const struct launch *l);
void add_devices(struct guest *g, struct launch *l);
void setup_kernel(struct guest *g, const struct launch *l,
		  const struct kernel_image *bz, const struct boot_layout *lay,
		  int kernel_fd, int initrd_fd);
void console_raw(bool keep_signals);
void console_fds(struct devopts *d);

#endif
