// SPDX-License-Identifier: GPL-2.0
/*
 * test_devopts.c - unit tests of the launcher's device options
 * (tools/lguest/devopts.c): --disk and --net syntax, MAC addresses, the
 * device limit, slot order, the disk files it opens and refuses, and the
 * LGUEST_ADD_DEVICE descriptions and DSDT windows it gives.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tools/lguest/devopts.h"
#include "unit.h"

static struct devopts d;
static char err[DEVOPT_ERR_LEN];
static char dir[] = "/tmp/test_devopts.XXXXXX";

static void expect_mac(const char *s, const uint8_t *want)
{
	uint8_t mac[6] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
	int r = parse_mac(s, mac);

	if (want)
		UNIT_CHECK(r == 0 && !memcmp(mac, want, 6), "parse_mac(\"%s\") = %d", s, r);
	else
		UNIT_CHECK(r < 0 && mac[0] == 0xee && mac[5] == 0xee,
			   "parse_mac(\"%s\") = %d, want an error, mac untouched", s, r);
}

static void test_mac(void)
{
	static const uint8_t m[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

	expect_mac("52:54:00:ab:cd:ef", m);
	expect_mac("52:54:00:AB:CD:EF", m);
	expect_mac("", NULL);
	expect_mac("52:54:00:ab:cd", NULL);
	expect_mac("52:54:00:ab:cd:", NULL);
	expect_mac("52:54:00:ab:cd:e", NULL);
	expect_mac("52:54:00:ab:cd:efa", NULL);
	expect_mac("52:54:00:ab:cd:ef:", NULL);
	expect_mac("52-54-00-ab-cd-ef", NULL);
	expect_mac("5254.00ab.cdef", NULL);
	expect_mac("52:54:00:ab:cd:eg", NULL);
	expect_mac("2:54:00:ab:cd:ef1", NULL);
	expect_mac(" 52:54:00:ab:cd:e", NULL);
}

/* add: one --disk ('d') or --net ('n'); @want_err is the message, or NULL. */
static void add(char kind, const char *arg, const char *want_err)
{
	int r;

	err[0] = '\0';
	r = kind == 'd' ? devopts_add_disk(&d, arg, err) : devopts_add_net(&d, arg, err);
	if (want_err)
		UNIT_CHECK(r < 0 && !strcmp(err, want_err),
			   "--%s %s: %d '%s', want '%s'", kind == 'd' ? "disk" : "net",
			   arg, r, err, want_err);
	else
		UNIT_CHECK(r == 0, "--%s %s: %s", kind == 'd' ? "disk" : "net", arg, err);
}

static void test_syntax(void)
{
	devopts_init(&d);
	add('d', "a.img", NULL);
	add('d', "b.img,ro", NULL);
	add('d', "c.img,ro,ro", NULL);
	add('d', "a.img,foo", "--disk a.img,foo: unknown option 'foo' (only ro)");
	add('d', "a.img,ro,rw", "--disk a.img,ro,rw: unknown option 'rw' (only ro)");
	add('d', "a.img,", "--disk a.img,: unknown option '' (only ro)");
	add('d', "a.img,ro=1", "--disk a.img,ro=1: unknown option 'ro=1' (only ro)");
	add('d', "", "--disk '': no file name (--disk FILE[,ro])");
	add('d', ",ro", "--disk ',ro': no file name (--disk FILE[,ro])");
	UNIT_CHECK(d.n == 3, "%u disks, want 3", d.n);
	UNIT_CHECK(!strcmp(d.dev[0].path, "a.img") && d.dev[0].flags == 0 &&
		   d.dev[0].type == LGUEST_DEV_BLOCK && d.dev[0].fd == -1,
		   "disk 0: '%s' flags %u", d.dev[0].path, d.dev[0].flags);
	UNIT_CHECK(!strcmp(d.dev[1].path, "b.img") && d.dev[1].flags == LGUEST_DEV_F_READONLY &&
		   !strcmp(d.dev[1].arg, "b.img,ro"), "disk 1: '%s' flags %u",
		   d.dev[1].path, d.dev[1].flags);
	UNIT_CHECK(!strcmp(d.dev[2].path, "c.img") && d.dev[2].flags == LGUEST_DEV_F_READONLY,
		   "disk 2: '%s' flags %u", d.dev[2].path, d.dev[2].flags);

	devopts_init(&d);
	add('n', "lg0", NULL);
	add('n', "tap-with-15-chr,mac=52:54:00:12:34:56", NULL);
	add('n', "", "--net '': empty interface name (--net NAME[,mac=xx:xx:xx:xx:xx:xx])");
	add('n', ",mac=52:54:00:12:34:57",
	    "--net ',mac=52:54:00:12:34:57': empty interface name (--net NAME[,mac=xx:xx:xx:xx:xx:xx])");
	add('n', "tap-with-16-chrs", "--net 'tap-with-16-chrs': interface name is 16 bytes, at most 15");
	add('n', ".", "--net '.': '.' is not an interface name");
	add('n', "..,mac=52:54:00:12:34:57", "--net '..,mac=52:54:00:12:34:57': '..' is not an interface name");
	add('n', "a b", "--net 'a b': an interface name has no '/', ':' or spaces");
	add('n', "a:1", "--net 'a:1': an interface name has no '/', ':' or spaces");
	add('n', "lg1,mac=52:54:00:12:34", "--net lg1,mac=52:54:00:12:34: bad MAC '52:54:00:12:34' (want xx:xx:xx:xx:xx:xx)");
	add('n', "lg1,mac=", "--net lg1,mac=: bad MAC '' (want xx:xx:xx:xx:xx:xx)");
	add('n', "lg1,mac=01:00:5e:00:00:01", "--net lg1,mac=01:00:5e:00:00:01: MAC 01:00:5e:00:00:01 is a multicast address");
	add('n', "lg1,mac=ff:ff:ff:ff:ff:ff", "--net lg1,mac=ff:ff:ff:ff:ff:ff: MAC ff:ff:ff:ff:ff:ff is a multicast address");
	add('n', "lg1,mac=00:00:00:00:00:00",
	    "--net lg1,mac=00:00:00:00:00:00: MAC 00:00:00:00:00:00 is not an address (leave mac= out for a random one)");
	add('n', "lg1,mac=52:54:00:12:34:57,mac=52:54:00:12:34:58",
	    "--net lg1,mac=52:54:00:12:34:57,mac=52:54:00:12:34:58: mac= given twice");
	add('n', "lg1,ro", "--net lg1,ro: unknown option 'ro' (only mac=)");
	add('n', "lg1,macaddr=52:54:00:12:34:57", "--net lg1,macaddr=52:54:00:12:34:57: unknown option 'macaddr=52:54:00:12:34:57' (only mac=)");
	add('n', "lg0,mac=52:54:00:12:34:57", "--net lg0,mac=52:54:00:12:34:57: interface 'lg0' given twice");
	add('n', "lg1,mac=52:54:00:12:34:56",
	    "--net lg1,mac=52:54:00:12:34:56: the same MAC as --net tap-with-15-chr,mac=52:54:00:12:34:56");
	add('n', "lg1", NULL);
	UNIT_CHECK(d.n == 3, "%u nets, want 3", d.n);
	UNIT_CHECK(!strcmp(d.dev[0].name, "lg0") && d.dev[0].type == LGUEST_DEV_NET &&
		   !memcmp(d.dev[0].mac, "\0\0\0\0\0\0", 6), "net 0: '%s'", d.dev[0].name);
	UNIT_CHECK(!strcmp(d.dev[1].name, "tap-with-15-chr") &&
		   !memcmp(d.dev[1].mac, "\x52\x54\x00\x12\x34\x56", 6), "net 1: '%s'",
		   d.dev[1].name);
}

static void test_limit(void)
{
	char names[LGUEST_MMIO_MAX + 1][8];
	unsigned int i;

	devopts_init(&d);
	for (i = 0; i < LGUEST_MMIO_MAX; i++) {
		snprintf(names[i], sizeof(names[i]), "lg%u", i);
		add(i & 1 ? 'n' : 'd', names[i], NULL);
	}
	add('d', "x.img", "too many devices: at most 16 --disk, --net and --rng in all");
	add('n', "lgx", "too many devices: at most 16 --disk, --net and --rng in all");
	UNIT_CHECK(d.n == LGUEST_MMIO_MAX, "%u devices", d.n);
	UNIT_CHECK(devopts_finish(&d, err) == 0, "16 devices: %s", err);
	d.rng = true;
	err[0] = '\0';
	UNIT_CHECK(devopts_finish(&d, err) < 0 &&
		   !strcmp(err, "too many devices: at most 16 --disk, --net and --rng in all"),
		   "16 devices and --rng: '%s'", err);

	devopts_init(&d);
	for (i = 0; i < LGUEST_MMIO_MAX - 1; i++)
		add('n', names[i], NULL);
	d.rng = true;
	UNIT_CHECK(devopts_finish(&d, err) == 0 && d.n == LGUEST_MMIO_MAX &&
		   d.dev[LGUEST_MMIO_MAX - 1].type == LGUEST_DEV_RNG,
		   "15 devices and --rng: %s", err);

	/* The console takes the last slot, after the rng, and counts. */
	devopts_init(&d);
	for (i = 0; i < LGUEST_MMIO_MAX - 2; i++)
		add('n', names[i], NULL);
	d.rng = true;
	d.console = true;
	UNIT_CHECK(devopts_finish(&d, err) == 0 && d.n == LGUEST_MMIO_MAX &&
		   d.dev[LGUEST_MMIO_MAX - 2].type == LGUEST_DEV_RNG &&
		   d.dev[LGUEST_MMIO_MAX - 1].type == LGUEST_DEV_CONSOLE &&
		   d.dev[LGUEST_MMIO_MAX - 1].flags == LGUEST_DEV_F_ESCAPE,
		   "14 devices, --rng and the console: %s", err);
	devopts_init(&d);
	for (i = 0; i < LGUEST_MMIO_MAX - 1; i++)
		add('n', names[i], NULL);
	d.rng = true;
	d.console = true;
	err[0] = '\0';
	UNIT_CHECK(devopts_finish(&d, err) < 0 &&
		   !strcmp(err, "too many devices: at most 15 --disk, --net and --rng in all (one slot is the console's)"),
		   "15 devices, --rng and the console: '%s'", err);
}

/* Disks, then nets, in the order given, then the rng. */
static void test_order(void)
{
	static const char *const want[] = { "x", "y", "a", "b", "" };
	struct acpi_mmio_dev mmio[LGUEST_MMIO_MAX];
	struct lguest_device_desc desc;
	unsigned int i, n;

	devopts_init(&d);
	d.rng = true;
	add('n', "a,mac=52:54:00:00:00:01", NULL);
	add('d', "x,ro", NULL);
	add('n', "b", NULL);
	add('d', "y", NULL);
	UNIT_CHECK(devopts_finish(&d, err) == 0 && d.n == 5, "finish: %s (%u devices)", err, d.n);
	for (i = 0; i < d.n && i < 5; i++) {
		const struct devopt *o = &d.dev[i];
		const char *name = o->type == LGUEST_DEV_BLOCK ? o->path : o->name;

		UNIT_CHECK(o->slot == i && !strcmp(name, want[i]),
			   "slot %u: %s '%s' in slot %u, want '%s'", i, devopt_kind(o),
			   name, o->slot, want[i]);
	}
	UNIT_CHECK(d.dev[4].type == LGUEST_DEV_RNG && !strcmp(devopt_kind(&d.dev[4]), "rng"),
		   "slot 4 is a %s", devopt_kind(&d.dev[4]));

	n = devopts_mmio(&d, mmio);
	UNIT_CHECK(n == 5, "%u windows", n);
	for (i = 0; i < n; i++)
		UNIT_CHECK(mmio[i].base == 0xd0000000ULL + i * 0x1000 && mmio[i].irq == 5 + i,
			   "window %u at 0x%llx irq %u", i, (unsigned long long)mmio[i].base,
			   mmio[i].irq);

	d.dev[0].fd = 42;	/* as devopts_open() would */
	devopt_desc(&d.dev[0], &desc);
	UNIT_CHECK(desc.type == LGUEST_DEV_BLOCK && desc.slot == 0 && desc.fds[0] == 42 &&
		   desc.fds[1] == -1 && desc.flags == LGUEST_DEV_F_READONLY &&
		   !desc.name[0] && !desc.mac[0] && !desc.reserved[0] && !desc.reserved[3],
		   "disk desc: type %u slot %u fds %d %d flags %u", desc.type, desc.slot,
		   desc.fds[0], desc.fds[1], desc.flags);
	d.dev[0].fd = -1;
	devopt_desc(&d.dev[2], &desc);
	UNIT_CHECK(desc.type == LGUEST_DEV_NET && desc.slot == 2 && desc.fds[0] == -1 &&
		   desc.fds[1] == -1 && desc.flags == 0 && !strcmp(desc.name, "a") &&
		   !memcmp(desc.mac, "\x52\x54\x00\x00\x00\x01", 6) && !desc.pad[0],
		   "net desc: type %u slot %u fds %d %d name '%.16s'", desc.type, desc.slot,
		   desc.fds[0], desc.fds[1], desc.name);
	devopt_desc(&d.dev[4], &desc);
	UNIT_CHECK(desc.type == LGUEST_DEV_RNG && desc.slot == 4 && desc.fds[0] == -1 &&
		   desc.fds[1] == -1 && !desc.name[0], "rng desc: type %u slot %u fds %d",
		   desc.type, desc.slot, desc.fds[0]);

	/* A console after them all, with the files it is given. */
	devopts_init(&d);
	d.console = true;
	add('d', "x", NULL);
	UNIT_CHECK(devopts_finish(&d, err) == 0 && d.n == 2 &&
		   d.dev[1].type == LGUEST_DEV_CONSOLE && d.dev[1].slot == 1,
		   "disk and console: %s", err);
	devopts_console_fds(&d, 7, 1);
	devopt_desc(&d.dev[1], &desc);
	UNIT_CHECK(desc.type == LGUEST_DEV_CONSOLE && desc.slot == 1 && desc.fds[0] == 7 &&
		   desc.fds[1] == 1 && desc.flags == LGUEST_DEV_F_ESCAPE &&
		   !strcmp(devopt_kind(&d.dev[1]), "console"),
		   "console desc: type %u slot %u fds %d %d flags %u", desc.type, desc.slot,
		   desc.fds[0], desc.fds[1], desc.flags);
	d.dev[1].fd = -1;

	/* The same windows as kernel parameters (--mmio-cmdline). */
	{
		char line[256], tiny[40];

		UNIT_CHECK(devopts_cmdline(&d, line, sizeof(line)) == 0 &&
			   !strcmp(line, " virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0001000:6"),
			   "cmdline '%s'", line);
		UNIT_CHECK(devopts_cmdline(&d, tiny, sizeof(tiny)) < 0, "a short buffer is refused");
	}
}

static char *path(const char *name)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* try_open: the disks @args (NULL-terminated) opened; @want_err or NULL. */
static void try_open(const char *want_err, const char *const *args)
{
	int r;

	devopts_init(&d);
	for (; *args; args++)
		add('d', *args, NULL);
	devopts_finish(&d, err);
	err[0] = '\0';
	r = devopts_open(&d, err);
	if (want_err)
		UNIT_CHECK(r < 0 && !strcmp(err, want_err), "open %s: %d '%s', want '%s'",
			   d.dev[0].arg, r, err, want_err);
	else
		UNIT_CHECK(r == 0, "open %s: %s", d.dev[0].arg, err);
}

static void test_open(void)
{
	char msg[DEVOPT_ERR_LEN], full[256], full_ro[300];
	int fd, fl;

	if (!mkdtemp(dir)) {
		UNIT_CHECK(0, "mkdtemp failed");
		return;
	}
	fd = open(path("disk.img"), O_WRONLY | O_CREAT, 0644);
	UNIT_CHECK(fd >= 0 && ftruncate(fd, 1 << 20) == 0, "cannot make disk.img");
	close(fd);
	close(open(path("empty.img"), O_WRONLY | O_CREAT, 0644));
	UNIT_CHECK(mkfifo(path("fifo"), 0644) == 0, "mkfifo failed");
	snprintf(full, sizeof(full), "%s", path("disk.img"));
	snprintf(full_ro, sizeof(full_ro), "%s,ro", full);

	try_open(NULL, (const char *[]){ full, NULL });
	fl = fcntl(d.dev[0].fd, F_GETFL);
	UNIT_CHECK(d.dev[0].fd >= 0 && (fl & O_ACCMODE) == O_RDWR &&
		   (fcntl(d.dev[0].fd, F_GETFD) & FD_CLOEXEC), "rw disk: fd %d flags 0x%x",
		   d.dev[0].fd, fl);
	devopts_close(&d);
	UNIT_CHECK(d.dev[0].fd == -1, "devopts_close left fd %d", d.dev[0].fd);

	try_open(NULL, (const char *[]){ full_ro, full_ro, NULL });
	fl = fcntl(d.dev[1].fd, F_GETFL);
	UNIT_CHECK(d.dev[1].fd >= 0 && (fl & O_ACCMODE) == O_RDONLY &&
		   (fcntl(d.dev[1].fd, F_GETFD) & FD_CLOEXEC), "ro disk: fd %d flags 0x%x",
		   d.dev[1].fd, fl);
	devopts_close(&d);

	snprintf(msg, sizeof(msg), "--disk '%s': the same file as --disk '%s', and one of them writable",
		 full, full);
	try_open(msg, (const char *[]){ full_ro, full, NULL });
	devopts_close(&d);

	snprintf(msg, sizeof(msg), "--disk '%s': No such file or directory", path("nope"));
	try_open(msg, (const char *[]){ path("nope"), NULL });
	snprintf(msg, sizeof(msg), "--disk '%s': not a regular file or block device", dir);
	try_open(msg, (const char *[]){ dir, NULL });
	/* A FIFO is refused without being opened (which would block). */
	snprintf(msg, sizeof(msg), "--disk '%s': not a regular file or block device", path("fifo"));
	try_open(msg, (const char *[]){ path("fifo"), NULL });
	snprintf(msg, sizeof(msg), "--disk '%s': the file is empty", path("empty.img"));
	try_open(msg, (const char *[]){ path("empty.img"), NULL });
	devopts_close(&d);

	if (geteuid() != 0) {
		chmod(full, 0444);
		snprintf(msg, sizeof(msg), "--disk '%s': Permission denied (add ,ro to use it read-only)",
			 full);
		try_open(msg, (const char *[]){ full, NULL });
		try_open(NULL, (const char *[]){ full_ro, NULL });
		devopts_close(&d);
	}

	unlink(path("disk.img"));
	unlink(path("empty.img"));
	unlink(path("fifo"));
	rmdir(dir);
}

int main(void)
{
	test_mac();
	test_syntax();
	test_limit();
	test_order();
	test_open();
	return unit_summary("devopts");
}
