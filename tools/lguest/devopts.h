/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devopts.h - the launcher's device options (--disk, --net, --rng): their
 * parsing and checks, the disk files they open, and the virtio-mmio slot
 * each device gets.  No /dev/lguest in here, so tests/unit can run it.
 */
#ifndef LGUEST_TOOLS_DEVOPTS_H
#define LGUEST_TOOLS_DEVOPTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/lguest.h>

#include "acpi.h"

/* Room for a message from the functions below (without "lguest: "). */
#define DEVOPT_ERR_LEN		(PATH_MAX + 256)
#define DEVOPT_NAME_LEN		16	/* IFNAMSIZ, with the NUL */

/* One device the user asked for. */
struct devopt {
	uint32_t type;		/* LGUEST_DEV_BLOCK, _NET, _RNG, _CONSOLE */
	uint32_t flags;		/* LGUEST_DEV_F_ */
	uint32_t slot;		/* its MMIO window, from devopts_finish() */
	int fd;			/* block: the disk, from devopts_open(); console:
				 * the input, from devopts_console_fds(); else -1 */
	int fd_out;		/* console: the output (not ours to close); else -1 */
	const char *arg;	/* the option's argument as given, for messages */
	char path[PATH_MAX];	/* block: the file */
	uint8_t mac[6];		/* net: all zero for a random one */
	char name[DEVOPT_NAME_LEN];	/* net: the host interface */
};

/* All of them, in slot order once devopts_finish() has run. */
struct devopts {
	struct devopt dev[LGUEST_MMIO_MAX];
	unsigned int n;
	bool rng;		/* --rng: added by devopts_finish() */
	bool console;		/* a virtio console: added by devopts_finish() */
};

void devopts_init(struct devopts *d);
int parse_mac(const char *s, uint8_t mac[6]);
int devopts_add_disk(struct devopts *d, const char *arg, char *err);
int devopts_add_net(struct devopts *d, const char *arg, char *err);
int devopts_add_disk_fd(struct devopts *d, int fd, const char *name, char *err);
int devopts_add_console(struct devopts *d, int in_fd, int out_fd, char *err);
int devopts_finish(struct devopts *d, char *err);
int devopts_open(struct devopts *d, char *err);
void devopts_console_fds(struct devopts *d, int in_fd, int out_fd);
void devopts_close(struct devopts *d);
const char *devopt_kind(const struct devopt *o);
void devopt_desc(const struct devopt *o, struct lguest_device_desc *desc);
unsigned int devopts_mmio(const struct devopts *d, struct acpi_mmio_dev *out);
int devopts_cmdline(const struct devopts *d, char *buf, size_t len);

#endif
