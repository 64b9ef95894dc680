// SPDX-License-Identifier: GPL-2.0
/*
 * abi_probe.c - test helper run inside the test host: checks /dev/lguest's
 * ABI from user space the way a launcher meets it (version ioctl answers
 * LGUEST_API_VERSION, unknown ioctls are ENOTTY, reads are refused).
 * Prints one line per check and exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/lguest.h>

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	if (!ok)
		failed = 1;
}

int main(void)
{
	char buf[8];
	int fd, v;

	fd = open("/dev/lguest", O_RDWR);
	if (fd < 0) {
		printf("FAILED: open /dev/lguest: %s\n", strerror(errno));
		return 1;
	}
	v = ioctl(fd, LGUEST_GET_API_VERSION);
	printf("api version %d\n", v);
	check(v == LGUEST_API_VERSION, "LGUEST_GET_API_VERSION answers the header's version");
	errno = 0;
	check(ioctl(fd, _IO(LGUEST_IOC_MAGIC, 0x7f)) == -1 && errno == ENOTTY,
	      "unknown ioctl in our range is ENOTTY");
	errno = 0;
	check(ioctl(fd, _IOW(0xAE, 0x01, int), &v) == -1 && errno == ENOTTY,
	      "a KVM ioctl is ENOTTY");
	errno = 0;
	check(read(fd, buf, sizeof(buf)) == -1 && errno == EINVAL,
	      "read() is refused with EINVAL");
	close(fd);
	return failed;
}
