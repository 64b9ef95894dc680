/* SPDX-License-Identifier: GPL-2.0 */
/*
 * launcher.h - what liblguest's files and the lguest command share: the
 * command's exit statuses, the machine asked for (struct launch), the
 * guest as user space sees it, and the steps of guest.c and console.c,
 * each of which returns a negative errno and a sentence rather than exit.
 */
#ifndef LGUEST_TOOLS_LAUNCHER_H
#define LGUEST_TOOLS_LAUNCHER_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/lguest.h>

#include "boot.h"
#include "devopts.h"

/* Exit statuses of the lguest command, documented in --help. */
enum {
	EXIT_GUEST_OK	= 0,	/* the guest powered itself off */
	EXIT_FAILURE_RT	= 1,	/* the guest was killed, or could not run */
	EXIT_USAGE	= 2,	/* bad arguments or files */
	EXIT_REBOOT	= 3,	/* the guest rebooted itself */
	EXIT_PANIC	= 4,	/* the guest's kernel panicked */
};

/* The machine a program asked liblguest for (lg_set_*(), lg_add_*()). */
struct launch {
	const char *raw;	/* --raw: flat 64-bit image, entered at 1 MiB */
	const char *kernel;	/* --kernel: bzImage, vmlinux or Multiboot */
	const char *initrd;	/* --initrd */
	const char *append;	/* --append: kernel command line */
	uint64_t mem;		/* --mem: guest RAM in bytes */
	int verbose;
	bool serial_console;	/* --console serial: stdin to ttyS0, no hvc0 */
	bool console_given;	/* --console was given (else we may fall back) */
	bool mmio_cmdline;	/* --mmio-cmdline: devices on the command line too */
	bool hlt_exit;		/* a flat image that ends with HLT */
	bool prealloc;		/* --prealloc: all RAM allocated at creation */
	unsigned int paging;	/* --paging: an LGUEST_PAGING_ value */
	unsigned int cpus;	/* --cpus: vCPUs, 1 to LGUEST_MAX_VCPUS */
	struct devopts devs;	/* --disk, --net, --rng, consoles, in slot order */
};

/* The guest: its /dev/lguest file, its vCPUs' files, its RAM as we see it. */
struct guest {
	int fd;
	unsigned int ncpus;
	int vcpu_fd[LGUEST_MAX_VCPUS];
	uint8_t *ram;
	uint64_t mem;
};

/* Room for any message below (a path and a sentence). */
#define GUEST_ERR_LEN	DEVOPT_ERR_LEN

int open_lguest(char *err);
int create_guest(struct guest *g, int lg_fd, const struct launch *l, char *err);
void guest_close(struct guest *g);
int load_file(struct guest *g, int fd, const char *what, const char *path,
	      uint64_t gpa, char *err);
int setup_raw(struct guest *g, char *err);
int plan_kernel(const struct launch *l, const struct kernel_image *bz,
		struct boot_layout *lay, uint64_t initrd_size, char *err);
void print_devices(const struct launch *l);
int add_devices(struct guest *g, struct launch *l, char *err);
int setup_kernel(struct guest *g, const struct launch *l,
		 const struct kernel_image *bz, const struct boot_layout *lay,
		 int kernel_fd, int initrd_fd, char *err);
int dump_ram(struct guest *g, const char *path, char *err);
void console_raw(bool keep_signals);
int console_fds(struct devopts *d, char *err);

#endif
