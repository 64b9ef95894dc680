// SPDX-License-Identifier: GPL-2.0
/*
 * devopts.c - the device options of the launcher, kvmtool/Firecracker style:
 * "--disk FILE[,ro]", "--net NAME[,mac=xx:xx:xx:xx:xx:xx]" and "--rng".
 * Everything is checked here, disk files included, before the launcher
 * opens /dev/lguest; slots go to disks, then nets, then the rng, then the
 * virtio console.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devopts.h"
#include "util.h"

/* The reason for a refusal goes to the caller's DEVOPT_ERR_LEN buffer. */
#define fail(err, ...)	errf(err, DEVOPT_ERR_LEN, __VA_ARGS__)

void devopts_init(struct devopts *d)
{
	memset(d, 0, sizeof(*d));
}

/**
 * parse_mac() - parse a MAC address written as six hex pairs with colons.
 * @s: the text, e.g. "52:54:00:12:34:56" (either case, nothing else).
 * @mac: where the six bytes go on success.
 *
 * Return: 0, or -EINVAL (and @mac untouched) for anything else.
 */
int parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t v[6];
	int i, hi, lo;

	for (i = 0; i < 6; i++, s += 3) {
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0 || s[2] != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		v[i] = hi << 4 | lo;
	}
	memcpy(mac, v, 6);
	return 0;
}

/* new_dev: the next free entry, or NULL with @err set if there is none. */
static struct devopt *new_dev(struct devopts *d, uint32_t type,
			      const char *arg, char *err)
{
	struct devopt *o;

	if (d->n >= LGUEST_MMIO_MAX) {
		fail(err, "too many devices: at most %u --disk, --net and --rng in all%s",
		     (unsigned int)LGUEST_MMIO_MAX - d->console,
		     d->console ? " (one slot is the console's)" : "");
		return NULL;
	}
	o = &d->dev[d->n];
	memset(o, 0, sizeof(*o));
	o->type = type;
	o->fd = -1;
	o->fd_out = -1;
	o->arg = arg;
	return o;
}

/**
 * devopts_add_disk() - take one "--disk FILE[,ro]".
 * @d: the devices so far.
 * @arg: the option's argument; it must outlive @d (argv does).
 * @err: %DEVOPT_ERR_LEN bytes for the reason on failure.
 *
 * Only the syntax is checked here; devopts_open() opens the file.  FILE
 * ends at the first comma, so it cannot contain one.
 *
 * Return: 0, or -1 with @err set.
 */
int devopts_add_disk(struct devopts *d, const char *arg, char *err)
{
	const char *comma = strchr(arg, ','), *opt, *end;
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	uint32_t flags = 0;
	struct devopt *o;

	if (!len)
		return fail(err, "--disk '%s': no file name (--disk FILE[,ro])", arg);
	if (len >= PATH_MAX)
		return fail(err, "--disk: file name longer than %d bytes", PATH_MAX - 1);
	for (opt = comma; opt; opt = end) {
		opt++;
		end = strchr(opt, ',');
		len = end ? (size_t)(end - opt) : strlen(opt);
		if (len == 2 && !strncmp(opt, "ro", 2))
			flags |= LGUEST_DEV_F_READONLY;
		else
			return fail(err, "--disk %s: unknown option '%.*s' (only ro)",
				    arg, (int)len, opt);
	}
	o = new_dev(d, LGUEST_DEV_BLOCK, arg, err);
	if (!o)
		return -1;
	memcpy(o->path, arg, comma ? (size_t)(comma - arg) : strlen(arg));
	o->flags = flags;
	d->n++;
	return 0;
}

/* The rules of the kernel's dev_valid_name(), and IFNAMSIZ. */
static int check_ifname(const char *arg, const char *name, size_t len, char *err)
{
	size_t i;

	if (!len)
		return fail(err, "--net '%s': empty interface name (--net NAME[,mac=xx:xx:xx:xx:xx:xx])",
			    arg);
	if (len >= DEVOPT_NAME_LEN)
		return fail(err, "--net '%s': interface name is %zu bytes, at most %d",
			    arg, len, DEVOPT_NAME_LEN - 1);
	if ((len == 1 && name[0] == '.') || (len == 2 && !strncmp(name, "..", 2)))
		return fail(err, "--net '%s': '%.*s' is not an interface name",
			    arg, (int)len, name);
	for (i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == ':' || isspace((unsigned char)name[i]))
			return fail(err, "--net '%s': an interface name has no '/', ':' or spaces",
				    arg);
	return 0;
}

/**
 * devopts_add_net() - take one "--net NAME[,mac=xx:xx:xx:xx:xx:xx]".
 * @d: the devices so far.
 * @arg: the option's argument; it must outlive @d (argv does).
 * @err: %DEVOPT_ERR_LEN bytes for the reason on failure.
 *
 * NAME is the host interface (at most 15 bytes, as Linux allows); without
 * mac= the guest gets a random locally administered address.  A name or a
 * MAC may not be used twice.
 *
 * Return: 0, or -1 with @err set.
 */
int devopts_add_net(struct devopts *d, const char *arg, char *err)
{
	static const uint8_t zero[6];
	const char *comma = strchr(arg, ','), *opt, *end;
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	uint8_t mac[6] = { 0 };
	bool have_mac = false;
	struct devopt *o;
	unsigned int i;

	if (check_ifname(arg, arg, len, err) < 0)
		return -1;
	for (opt = comma; opt; opt = end) {
		char text[32];
		size_t vlen;

		opt++;
		end = strchr(opt, ',');
		len = end ? (size_t)(end - opt) : strlen(opt);
		if (len < 4 || strncmp(opt, "mac=", 4))
			return fail(err, "--net %s: unknown option '%.*s' (only mac=)",
				    arg, (int)len, opt);
		if (have_mac)
			return fail(err, "--net %s: mac= given twice", arg);
		vlen = len - 4;
		snprintf(text, sizeof(text), "%.*s", (int)vlen, opt + 4);
		if (vlen >= sizeof(text) || parse_mac(text, mac) < 0)
			return fail(err, "--net %s: bad MAC '%.*s' (want xx:xx:xx:xx:xx:xx)",
				    arg, (int)vlen, opt + 4);
		if (!memcmp(mac, zero, 6))
			return fail(err, "--net %s: MAC %s is not an address (leave mac= out for a random one)",
				    arg, text);
		if (mac[0] & 1)
			return fail(err, "--net %s: MAC %s is a multicast address",
				    arg, text);
		have_mac = true;
	}
	len = comma ? (size_t)(comma - arg) : strlen(arg);
	for (i = 0; i < d->n; i++) {
		const struct devopt *p = &d->dev[i];

		if (p->type != LGUEST_DEV_NET)
			continue;
		if (strlen(p->name) == len && !strncmp(p->name, arg, len))
			return fail(err, "--net %s: interface '%s' given twice",
				    arg, p->name);
		if (have_mac && !memcmp(p->mac, mac, 6))
			return fail(err, "--net %s: the same MAC as --net %s",
				    arg, p->arg);
	}
	o = new_dev(d, LGUEST_DEV_NET, arg, err);
	if (!o)
		return -1;
	memcpy(o->name, arg, len);
	memcpy(o->mac, mac, 6);
	d->n++;
	return 0;
}

/**
 * devopts_add_disk_fd() - a writable disk on a file the caller opened.
 * @d: the devices.
 * @fd: the file (a regular one); devopts_close() closes it.
 * @name: what messages call it.
 * @err: %DEVOPT_ERR_LEN bytes for the reason on failure.
 *
 * Return: 0, or -1 with @err set (too many devices).
 */
int devopts_add_disk_fd(struct devopts *d, int fd, const char *name, char *err)
{
	struct devopt *o = new_dev(d, LGUEST_DEV_BLOCK, name, err);

	if (!o)
		return -1;
	snprintf(o->path, sizeof(o->path), "%s", name);
	o->fd = fd;
	d->n++;
	return 0;
}

/**
 * devopts_add_console() - a virtio console on files of the caller's.
 * @d: the devices.
 * @in_fd: its input, or -1; devopts_close() closes it.
 * @out_fd: its output (not closed here), or -1 to discard it.
 * @err: %DEVOPT_ERR_LEN bytes for the reason on failure.
 *
 * Consoles take the last slots, in the order they were added: the guest
 * calls them hvc0, hvc1 ... in that order.
 *
 * Return: 0, or -1 with @err set (too many devices).
 */
int devopts_add_console(struct devopts *d, int in_fd, int out_fd, char *err)
{
	struct devopt *o = new_dev(d, LGUEST_DEV_CONSOLE, "", err);

	if (!o)
		return -1;
	o->fd = in_fd;
	o->fd_out = out_fd;
	d->n++;
	return 0;
}

static int rank(uint32_t type)
{
	switch (type) {
	case LGUEST_DEV_BLOCK:	return 0;
	case LGUEST_DEV_NET:	return 1;
	case LGUEST_DEV_RNG:	return 2;
	default:		return 3;
	}
}

/*T:046 Devices are given kvmtool-style: "--disk FILE[,ro]" and "--net
 * NAME[,mac=...]" as often as wanted, and "--rng".  The launcher checks
 * each, opens the disk files, and hands out the virtio-mmio windows: disks
 * first, then network interfaces, in the order given, then the rng, then
 * the virtio console, so the guest normally sees the first --disk as vda.  Slot i is the window at
 * LGUEST_MMIO_BASE + i * 4 KiB on IOAPIC pin LGUEST_MMIO_IRQ_BASE + i; the
 * DSDT names each as an "LNRO0005" device, which Linux's virtio-mmio driver
 * binds to.  Once the guest exists, LGUEST_ADD_DEVICE gives each one to the
 * module with its file; the launcher itself never touches a virtqueue. :*/

/**
 * devopts_finish() - add the rng and the console if asked, and give every
 *	device its slot.
 * @d: the devices from devopts_add_disk() and devopts_add_net().
 * @err: %DEVOPT_ERR_LEN bytes for the reason on failure.
 *
 * Slots go to the disks, then the nets, each in command-line order, then
 * the rng, then the console.
 *
 * Return: 0, or -1 with @err set (too many devices).
 */
int devopts_finish(struct devopts *d, char *err)
{
	unsigned int i, j;

	if (d->rng) {
		if (!new_dev(d, LGUEST_DEV_RNG, "", err))
			return -1;
		d->n++;
	}
	if (d->console) {
		struct devopt *o = new_dev(d, LGUEST_DEV_CONSOLE, "", err);

		if (!o)
			return -1;
		o->flags = LGUEST_DEV_F_ESCAPE;
		d->n++;
	}
	/* A stable insertion sort by kind. */
	for (i = 1; i < d->n; i++) {
		struct devopt tmp = d->dev[i];

		for (j = i; j > 0 && rank(d->dev[j - 1].type) > rank(tmp.type); j--)
			d->dev[j] = d->dev[j - 1];
		d->dev[j] = tmp;
	}
	for (i = 0; i < d->n; i++)
		d->dev[i].slot = i;
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	if (S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode))
		return a->st_rdev == b->st_rdev;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* open_disk: open one disk file the way its options say, and check it. */
static int open_disk(struct devopts *d, struct devopt *o, char *err)
{
	bool ro = o->flags & LGUEST_DEV_F_READONLY;
	struct stat st, fst;
	unsigned int i;
	int flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	/* Look before opening: opening a FIFO would wait for a writer. */
	if (stat(o->path, &st) < 0)
		return fail(err, "--disk '%s': %s", o->path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return fail(err, "--disk '%s': not a regular file or block device",
			    o->path);
	/* A block device written to must not be mounted or used elsewhere. */
	if (S_ISBLK(st.st_mode) && !ro)
		flags |= O_EXCL;
	o->fd = open(o->path, flags);
	if (o->fd < 0) {
		int e = errno;

		return fail(err, "--disk '%s': %s%s", o->path, strerror(e),
			    !ro && (e == EACCES || e == EROFS || e == EPERM) ?
			    " (add ,ro to use it read-only)" :
			    e == EBUSY ? " (in use: mounted?)" : "");
	}
	if (fstat(o->fd, &fst) < 0)
		return fail(err, "--disk '%s': %s", o->path, strerror(errno));
	if (!same_file(&st, &fst) || (st.st_mode & S_IFMT) != (fst.st_mode & S_IFMT))
		return fail(err, "--disk '%s': the file changed while being opened",
			    o->path);
	if (S_ISREG(fst.st_mode) && fst.st_size == 0)
		return fail(err, "--disk '%s': the file is empty", o->path);
	for (i = 0; i < d->n; i++) {
		const struct devopt *p = &d->dev[i];

		if (p == o || p->type != LGUEST_DEV_BLOCK || p->fd < 0 ||
		    fstat(p->fd, &st) < 0 || !same_file(&st, &fst))
			continue;
		if (ro && (p->flags & LGUEST_DEV_F_READONLY))
			continue;
		return fail(err, "--disk '%s': the same file as --disk '%s', and one of them writable",
			    o->path, p->path);
	}
	return 0;
}

/**
 * devopts_open() - open every disk file, O_CLOEXEC, writable unless ",ro".
 * @d: the devices.
 * @err: %DEVOPT_ERR_LEN bytes for the reason on failure.
 *
 * A disk must be a non-empty regular file or a block device (opened
 * O_EXCL when writable); the same file twice is only allowed read-only.
 *
 * Return: 0, or -1 with @err set; devopts_close() closes what was opened.
 */
int devopts_open(struct devopts *d, char *err)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (d->dev[i].type == LGUEST_DEV_BLOCK && d->dev[i].fd < 0 &&
		    open_disk(d, &d->dev[i], err) < 0)
			return -1;
	return 0;
}

/**
 * devopts_console_fds() - give the console its files.
 * @d: the devices, after devopts_finish().
 * @in_fd: the input, open O_NONBLOCK, or -1; devopts_close() closes it.
 * @out_fd: the output; left open.
 */
void devopts_console_fds(struct devopts *d, int in_fd, int out_fd)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		if (d->dev[i].type != LGUEST_DEV_CONSOLE)
			continue;
		d->dev[i].fd = in_fd;
		d->dev[i].fd_out = out_fd;
	}
}

/* devopts_close() - close the launcher's copies of the disk files. */
void devopts_close(struct devopts *d)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		if (d->dev[i].fd >= 0)
			close(d->dev[i].fd);
		d->dev[i].fd = -1;
	}
}

/* devopt_kind() - "disk", "net" or "rng", for messages. */
const char *devopt_kind(const struct devopt *o)
{
	switch (o->type) {
	case LGUEST_DEV_BLOCK:	return "disk";
	case LGUEST_DEV_NET:	return "net";
	case LGUEST_DEV_RNG:	return "rng";
	case LGUEST_DEV_CONSOLE: return "console";
	}
	return "device";
}

/**
 * devopt_desc() - the %LGUEST_ADD_DEVICE argument for one device.
 * @o: the device, after devopts_finish() (and devopts_open() for a disk).
 * @desc: filled in; unused fields are 0 and unused fds -1.
 */
void devopt_desc(const struct devopt *o, struct lguest_device_desc *desc)
{
	memset(desc, 0, sizeof(*desc));
	desc->type = o->type;
	desc->slot = o->slot;
	desc->fds[0] = o->type == LGUEST_DEV_BLOCK || o->type == LGUEST_DEV_CONSOLE ? o->fd : -1;
	desc->fds[1] = o->type == LGUEST_DEV_CONSOLE ? o->fd_out : -1;
	desc->flags = o->flags;
	if (o->type == LGUEST_DEV_NET) {
		memcpy(desc->mac, o->mac, sizeof(desc->mac));
		memcpy(desc->name, o->name, sizeof(desc->name));
	}
}

/**
 * devopts_mmio() - the windows for the DSDT, one per device, in slot order.
 * @d: the devices, after devopts_finish().
 * @out: %LGUEST_MMIO_MAX entries.
 *
 * Return: how many were written (@d->n).
 */
unsigned int devopts_mmio(const struct devopts *d, struct acpi_mmio_dev *out)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		out[i].base = LGUEST_MMIO_BASE + d->dev[i].slot * LGUEST_MMIO_SIZE;
		out[i].irq = LGUEST_MMIO_IRQ_BASE + d->dev[i].slot;
	}
	return d->n;
}

/**
 * devopts_cmdline() - the devices as kernel parameters, for kernels built
 *	with CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES (which find them without ACPI).
 * @d: the devices, after devopts_finish().
 * @buf: filled with " virtio_mmio.device=4K@0xBASE:IRQ" per device, in slot
 *	order (empty if there are none).
 * @len: its size.
 *
 * Return: 0, or -1 if @buf is too small.
 */
int devopts_cmdline(const struct devopts *d, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (i = 0; i < d->n; i++) {
		int n = snprintf(buf + used, len - used, " virtio_mmio.device=%lluK@0x%llx:%u",
				 LGUEST_MMIO_SIZE >> 10,
				 LGUEST_MMIO_BASE + d->dev[i].slot * LGUEST_MMIO_SIZE,
				 (unsigned int)LGUEST_MMIO_IRQ_BASE + d->dev[i].slot);

		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += n;
	}
	return 0;
}
