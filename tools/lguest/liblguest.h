/* SPDX-License-Identifier: GPL-2.0 */
/*
 * liblguest.h - run guests on lguest from a program: boot a Linux kernel
 * (or run one command in a throwaway guest and get its exit status), or
 * run a flat image to HLT and read its results from guest memory.  The
 * lguest launcher is built on this; so can anything that wants a sandbox.
 */
#ifndef LIBLGUEST_H
#define LIBLGUEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The API's version.  Functions are only ever added; a program built
 * against version N runs with any library of version N or later.
 */
#define LG_API_VERSION		1

/* lg_set_paging(): the module's choices (uapi LGUEST_PAGING_*). */
#define LG_PAGING_DEFAULT	0	/* the module's paging= parameter */
#define LG_PAGING_NPT		1
#define LG_PAGING_SHADOW	2
#define LG_PAGING_AUTO		3

/* lg_add_disk() flags. */
#define LG_DISK_READONLY	(1U << 0)

/* lg_set_flags(). */
#define LG_F_VERBOSE		(1U << 0) /* say what is done, on stderr */
#define LG_F_LOCKDOWN		(1U << 1) /* seccomp and no capabilities once set up */
#define LG_F_MMIO_CMDLINE	(1U << 2) /* devices on the kernel command line too */
#define LG_F_SERIAL_CONSOLE	(1U << 3) /* lg_start(): stdin to ttyS0, no hvc0 */
#define LG_F_CONSOLE_GIVEN	(1U << 4) /* lg_start(): the console was asked for */
#define LG_F_PREALLOC		(1U << 5) /* all guest RAM allocated at creation */

/* Why a guest stopped (struct lg_exit.reason); the uapi's LGUEST_EXIT_*. */
#define LG_EXIT_POWEROFF	1	/* it powered itself off (.status) */
#define LG_EXIT_KILLED		2	/* the module killed it (.message) */
#define LG_EXIT_REBOOT		3	/* it rebooted */
#define LG_EXIT_PANIC		4	/* its kernel panicked */
#define LG_EXIT_QUIT		5	/* Ctrl-A x on the console */
#define LG_EXIT_TEST		6	/* exit port; lg_run_command(): the command ended */
#define LG_EXIT_HLT		7	/* lg_run_raw(): the image executed HLT */

/* The error a function returned, as a sentence (lg_error()). */
#define LG_ERR_LEN		4352

/**
 * struct lg_exit - how a guest ended (lg_wait(), lg_run_raw()).
 * @reason: an LG_EXIT_ value.
 * @status: for %LG_EXIT_TEST after lg_run_command(), the command's exit
 *	status as a shell reports it (0-255: 128 + N for death by signal N,
 *	126 not executable, 127 not found, 125 the guest could not run it);
 *	for %LG_EXIT_POWEROFF the status the guest gave; else 0.
 * @message: for %LG_EXIT_KILLED, the module's sentence; else "".
 */
struct lg_exit {
	int reason;
	int status;
	char message[256];
};

struct lg_vm;

/* Every int function returns 0 or a negative errno, and lg_error() says why. */
int lg_create(struct lg_vm **vmp);
void lg_destroy(struct lg_vm *vm);
const char *lg_error(const struct lg_vm *vm);

/* The machine (before lg_start(), lg_run_command() or lg_run_raw()). */
int lg_set_mem(struct lg_vm *vm, uint64_t bytes);
int lg_set_cpus(struct lg_vm *vm, unsigned int n);
int lg_set_paging(struct lg_vm *vm, unsigned int paging);
int lg_set_flags(struct lg_vm *vm, unsigned int flags);
int lg_set_kernel(struct lg_vm *vm, const char *kernel, const char *initrd,
		  const char *cmdline);
int lg_add_disk(struct lg_vm *vm, const char *path, unsigned int flags);
int lg_add_net(struct lg_vm *vm, const char *ifname, const char *mac);
int lg_add_rng(struct lg_vm *vm);
int lg_set_log(struct lg_vm *vm, int fd);
int lg_set_raw(struct lg_vm *vm, const char *path);

/* A command in a throwaway guest. */
int lg_add_file(struct lg_vm *vm, const char *host_path, const char *guest_path);
int lg_set_env(struct lg_vm *vm, const char *name_value);
int lg_set_workdir(struct lg_vm *vm, const char *dir);
int lg_set_stdio(struct lg_vm *vm, int in_fd, int out_fd, int err_fd);
int lg_set_output(struct lg_vm *vm, const char *dir);
int lg_run_command(struct lg_vm *vm, char *const argv[]);

/* A kernel booted as set, its console on the launcher's stdin and stdout. */
int lg_start(struct lg_vm *vm);
int lg_wait(struct lg_vm *vm, int timeout_ms, struct lg_exit *exit);
int lg_dump_ram(struct lg_vm *vm, const char *path);

/* A flat 64-bit image (the --raw convention), run to HLT in this thread. */
int lg_run_raw(struct lg_vm *vm, const void *image, size_t len,
	       struct lg_exit *exit);
int lg_read_mem(struct lg_vm *vm, uint64_t gpa, void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
