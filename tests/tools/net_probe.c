// SPDX-License-Identifier: GPL-2.0
/*
 * net_probe.c - test helper run inside the test host for lguest_dev's
 * network devices, with no guest booted:
 *   net_probe add NAME WANT [CMD]: create a guest and LGUEST_ADD_DEVICE a
 *	virtio-net device named NAME (its first 16 bytes, NUL-terminated only
 *	if shorter); WANT is "ok" or the errno expected (EPERM, EEXIST,
 *	EINVAL).  On success, CMD (sh -c) runs while the device exists and
 *	must succeed.
 *   net_probe flood IFNAME SECONDS: send broadcast Ethernet frames of 1514
 *	bytes on IFNAME through an AF_PACKET socket for SECONDS; prints how
 *	many the kernel took.
 * Prints one line "ok: ..." or "FAILED: ..."; exits non-zero on failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/lguest.h>

static const struct { int e; const char *name; } errnames[] = {
	{ 0, "ok" }, { EPERM, "EPERM" }, { EEXIST, "EEXIST" }, { EINVAL, "EINVAL" },
	{ ENODEV, "ENODEV" }, { EBUSY, "EBUSY" }, { ENOMEM, "ENOMEM" },
};

static const char *errname(int e)
{
	unsigned int i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	return strerror(e);
}

static int add(const char *name, const char *want, const char *cmd)
{
	struct lguest_create c = { .mem_size = 4 * LGUEST_MEM_ALIGN };
	struct lguest_device_desc d = { .type = LGUEST_DEV_NET, .fds = { -1, -1 } };
	int fd = open("/dev/lguest", O_RDWR), e = 0;

	if (fd < 0 || ioctl(fd, LGUEST_CREATE, &c) < 0) {
		printf("FAILED: open /dev/lguest and CREATE: %s\n", strerror(errno));
		return 1;
	}
	memcpy(d.name, name, strnlen(name, sizeof(d.name)));
	if (ioctl(fd, LGUEST_ADD_DEVICE, &d) < 0)
		e = errno;
	if (strcmp(errname(e), want)) {
		printf("FAILED: add net '%s' -> %s, want %s\n", name, errname(e), want);
		return 1;
	}
	if (!e && cmd && system(cmd)) {
		printf("FAILED: add net '%s': '%s' failed while it existed\n", name, cmd);
		return 1;
	}
	printf("ok: add net '%s' -> %s\n", name, want);
	close(fd);
	return 0;
}

static int flood(const char *ifname, int secs)
{
	int s = socket(AF_PACKET, SOCK_RAW, 0);
	struct sockaddr_ll a = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	unsigned char f[1514];
	long sent = 0, refused = 0;
	time_t end = time(NULL) + secs;

	a.sll_ifindex = if_nametoindex(ifname);
	if (s < 0 || !a.sll_ifindex) {
		printf("FAILED: flood %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	memset(f, 0x5a, sizeof(f));
	memset(f, 0xff, ETH_ALEN);			/* broadcast */
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	f[12] = 0x88;					/* local experimental */
	f[13] = 0xb5;
	while (time(NULL) < end) {
		if (sendto(s, f, sizeof(f), MSG_DONTWAIT, (struct sockaddr *)&a, sizeof(a)) < 0)
			refused++;
		else
			sent++;
	}
	printf("ok: flood %s: %ld frames sent, %ld refused in %d s\n", ifname, sent, refused, secs);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && argc <= 5 && !strcmp(argv[1], "add"))
		return add(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc == 4 && !strcmp(argv[1], "flood"))
		return flood(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: net_probe add NAME WANT [CMD] | flood IFNAME SECONDS\n");
	return 2;
}
