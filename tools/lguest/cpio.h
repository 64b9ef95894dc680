/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpio.h - an in-memory builder of "newc" cpio archives, the format the
 * kernel's initramfs unpacker reads, for the sandbox command's extra
 * initramfs (the user's files and a few config files).  Pure C, no
 * /dev/lguest, so tests/unit can run it.
 */
#ifndef LGUEST_TOOLS_CPIO_H
#define LGUEST_TOOLS_CPIO_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a message from the functions below (without "lguest: "). */
#define CPIO_ERR_LEN		(PATH_MAX + 256)

/* cpio_add_host() goes no deeper than this many directories below its top. */
#define CPIO_MAX_DEPTH		64
/* ...and looks at no more than this many entries (skipped ones too). */
#define CPIO_MAX_ENTRIES	(1U << 20)

/*
 * An archive being built: @len bytes of @buf (@cap allocated) are written,
 * and @len never passes @limit.  @ino numbers the entries.  Every function
 * that fails leaves the archive as it was before the call.
 */
struct cpio {
	uint8_t *buf;
	size_t len, cap, limit;
	unsigned int ino;
};

void cpio_init(struct cpio *c, size_t limit);
int cpio_add_bytes(struct cpio *c, const char *guest_path, const void *data,
		   size_t len, unsigned int mode, char *err);
int cpio_add_dir(struct cpio *c, const char *guest_path, unsigned int mode,
		 char *err);
int cpio_add_parents(struct cpio *c, const char *guest_path, char *err);
int cpio_add_host(struct cpio *c, const char *host_path,
		  const char *guest_path, char *err);
int cpio_finish(struct cpio *c, char *err);
void cpio_free(struct cpio *c);

#endif
