// SPDX-License-Identifier: GPL-2.0
/*
 * test_cpio.c - unit tests of the launcher's cpio builder
 * (tools/lguest/cpio.c): archives made from bytes and from a host tree, read
 * back by a parser here that checks the newc layout the kernel wants and by
 * the system's GNU cpio; and the paths, limits and files it must refuse.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "../../tools/lguest/cpio.h"
#include "unit.h"

#define MiB		(1024 * 1024)
#define MAX_ENTS	256
#define OLD_MTIME	1000000000	/* 2001-09-09: not "now" by accident */
#define SYSFS_SHORT	"/sys/kernel/uevent_seqnum"

static char root[] = "/tmp/test_cpio.XXXXXX";
static char err[CPIO_ERR_LEN];
static int have_cpio;

/* One entry of an archive, as parse() read it. */
struct ent {
	char name[PATH_MAX];
	uint32_t ino, mode, uid, gid, nlink, mtime, size;
	const uint8_t *data;
};

static struct ent ents[MAX_ENTS];
static int nents;

/* The content of the test's files: every byte value, NULs included. */
static uint8_t *pattern(size_t n, unsigned int seed)
{
	uint8_t *p = malloc(n ? n : 1);
	size_t i;

	if (!p)
		exit(2);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8) * 13);
	return p;
}

static uint32_t hex8(const uint8_t *p, int *bad)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		int d = p[i];

		if (d >= '0' && d <= '9')
			d -= '0';
		else if (d >= 'a' && d <= 'f')
			d -= 'a' - 10;
		else if (d >= 'A' && d <= 'F')
			d -= 'A' - 10;
		else
			*bad = 1;
		v = v << 4 | (d & 15);
	}
	return v;
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* The entry called @name, or an empty one (mode 0) that fails the checks. */
static struct ent none;

static struct ent *find(const char *name)
{
	int i;

	for (i = 0; i < nents; i++)
		if (!strcmp(ents[i].name, name))
			return &ents[i];
	return &none;
}

/* Whether @name's directory came earlier, as a directory, than entry @k. */
static int parent_before(const char *name, int k)
{
	const char *slash = strrchr(name, '/');
	int i;

	if (!slash)
		return 1;
	for (i = 0; i < k; i++)
		if (S_ISDIR(ents[i].mode) &&
		    strlen(ents[i].name) == (size_t)(slash - name) &&
		    !memcmp(ents[i].name, name, slash - name))
			return 1;
	return 0;
}

/*
 * parse() - read an archive into ents[] the way the kernel's unpacker walks
 * it, and check what it and the format need: the magic, 4-byte alignment of
 * headers and data, zero padding, a NUL-terminated name of at most PATH_MAX
 * bytes, no "/" in front or ".." in it, root as owner, distinct inodes,
 * each parent directory before what is in it, the trailer last, then only
 * zeros up to a multiple of 512.  Returns the number of problems.
 */
static int parse(const uint8_t *buf, size_t len)
{
	int problems = unit_failures, trailer = 0, i;
	size_t off = 0;

	nents = 0;
	UNIT_CHECK(len % 512 == 0, "archive of %zu bytes, not a multiple of 512", len);
	while (!trailer) {
		struct ent *e = &ents[nents];
		uint32_t namesize, f[13];
		size_t data;
		int bad = 0;

		if (len - off < 110 || nents == MAX_ENTS) {
			UNIT_CHECK(0, "no trailer: entry %d at %zu of %zu", nents, off, len);
			break;
		}
		UNIT_CHECK(off % 4 == 0, "entry %d at %zu: not 4-aligned", nents, off);
		if (memcmp(buf + off, "070701", 6)) {
			UNIT_CHECK(0, "entry %d at %zu: magic %.6s", nents, off, buf + off);
			break;
		}
		for (i = 0; i < 13; i++)
			f[i] = hex8(buf + off + 6 + 8 * i, &bad);
		UNIT_CHECK(!bad, "entry %d: a header field that is not hex", nents);
		e->ino = f[0];
		e->mode = f[1];
		e->uid = f[2];
		e->gid = f[3];
		e->nlink = f[4];
		e->mtime = f[5];
		e->size = f[6];
		namesize = f[11];
		UNIT_CHECK(!f[7] && !f[8] && !f[9] && !f[10] && !f[12],
			   "entry %d: devices or check not 0", nents);
		if (namesize < 2 || namesize > PATH_MAX ||
		    len - off - 110 < namesize) {
			UNIT_CHECK(0, "entry %d: namesize %u", nents, namesize);
			break;
		}
		UNIT_CHECK(buf[off + 110 + namesize - 1] == 0 &&
			   strlen((const char *)buf + off + 110) == namesize - 1,
			   "entry %d: name not NUL-terminated at namesize %u",
			   nents, namesize);
		memcpy(e->name, buf + off + 110, namesize);
		e->name[namesize - 1] = 0;
		data = off + 110 + namesize;
		UNIT_CHECK(all_zero(buf + data, (4 - data % 4) % 4),
			   "%s: name padding not zero", e->name);
		data += (4 - data % 4) % 4;
		if (len - data < e->size + (4 - e->size % 4) % 4) {
			UNIT_CHECK(0, "%s: %u bytes of data past the end", e->name, e->size);
			break;
		}
		e->data = buf + data;
		UNIT_CHECK(all_zero(buf + data + e->size, (4 - e->size % 4) % 4),
			   "%s: data padding not zero", e->name);
		off = data + e->size + (4 - e->size % 4) % 4;
		nents++;
		if (!strcmp(e->name, "TRAILER!!!")) {
			trailer = 1;
			break;
		}
		UNIT_CHECK(e->name[0] != '/' && !strstr(e->name, "//") &&
			   strcmp(e->name, "..") && strncmp(e->name, "../", 3) &&
			   !strstr(e->name, "/../") &&
			   (strlen(e->name) < 3 ||
			    strcmp(e->name + strlen(e->name) - 3, "/..")),
			   "%s: not a clean relative name", e->name);
		UNIT_CHECK(e->uid == 0 && e->gid == 0, "%s: owner %u:%u",
			   e->name, e->uid, e->gid);
		UNIT_CHECK(S_ISREG(e->mode) || S_ISDIR(e->mode) || S_ISLNK(e->mode),
			   "%s: mode %o", e->name, e->mode);
		UNIT_CHECK(S_ISREG(e->mode) || S_ISLNK(e->mode) || e->size == 0,
			   "%s: a directory with %u bytes of data", e->name, e->size);
		UNIT_CHECK(!S_ISREG(e->mode) || e->nlink == 1,
			   "%s: nlink %u (the kernel would look for hard links)",
			   e->name, e->nlink);
		UNIT_CHECK(parent_before(e->name, nents - 1),
			   "%s: its directory is not before it", e->name);
		for (i = 0; i < nents - 1; i++)
			UNIT_CHECK(ents[i].ino != e->ino, "%s: inode %u also %s's",
				   e->name, e->ino, ents[i].name);
	}
	UNIT_CHECK(trailer && off <= len && all_zero(buf + off, len - off),
		   "not only zeros after the trailer (at %zu of %zu)", off, len);
	return unit_failures - problems;
}

/* Unpack @len bytes at @buf with "cpio -idm" in @dir; its exit status. */
static int extract(const uint8_t *buf, size_t len, const char *dir)
{
	char cmd[PATH_MAX + 64];
	FILE *f;
	int st;

	if (mkdir(dir, 0755))
		return -1;
	snprintf(cmd, sizeof(cmd), "cd '%s' && exec cpio -idm --quiet", dir);
	f = popen(cmd, "w");
	if (!f)
		return -1;
	fwrite(buf, 1, len, f);
	st = pclose(f);
	return st;
}

static void write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || fchmod(fd, mode) ||
	    close(fd)) {
		perror(path);
		exit(2);
	}
}

static void must(int r, const char *what)
{
	if (r) {
		perror(what);
		exit(2);
	}
}

/* The file @path has @n bytes @p and permission bits @mode. */
static void check_file(const char *path, const void *p, size_t n, mode_t mode)
{
	struct stat st;
	uint8_t *got;
	int fd = open(path, O_RDONLY);
	ssize_t r;

	UNIT_CHECK(fd >= 0, "%s: not extracted", path);
	if (fd < 0)
		return;
	fstat(fd, &st);
	UNIT_CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == mode,
		   "%s: mode %o, want %o", path, st.st_mode, mode);
	got = malloc(n + 1);
	r = read(fd, got, n + 1);
	UNIT_CHECK(r == (ssize_t)n && !memcmp(got, p, n),
		   "%s: %zd bytes, want %zu, or not the same bytes", path, r, n);
	free(got);
	close(fd);
}

static void check_dir(const char *path, mode_t mode)
{
	struct stat st;

	UNIT_CHECK(!lstat(path, &st) && S_ISDIR(st.st_mode) &&
		   (st.st_mode & 07777) == mode,
		   "%s: not a directory of mode %o", path, mode);
}

/* Entry @name is a regular file of @n bytes @p and mode @mode. */
static void check_ent(const char *name, const void *p, size_t n, mode_t mode)
{
	struct ent *e = find(name);

	UNIT_CHECK(e->mode == (S_IFREG | mode) && e->size == n &&
		   !memcmp(e->data, p, n),
		   "%s: mode %o, %u bytes (mode 0: missing)", name, e->mode, e->size);
}

static void test_bytes(void)
{
	static const char conf[] = "console=hvc0\nmem=256M\n";
	uint8_t *bin = pattern(301, 1);
	char out[PATH_MAX];
	struct cpio c;
	size_t len;
	int r;

	cpio_init(&c, 16 * MiB);
	r = cpio_add_parents(&c, "/etc/lguest/sandbox.conf", err);
	UNIT_CHECK(r == 0, "cpio_add_parents = %d: %s", r, err);
	r = cpio_add_bytes(&c, "/etc/lguest/sandbox.conf", conf,
			   strlen(conf), 0644, err);
	UNIT_CHECK(r == 0, "cpio_add_bytes = %d: %s", r, err);
	r = cpio_add_bytes(&c, "etc//lguest/./bin.dat/", bin, 301, 0600, err);
	UNIT_CHECK(r == 0, "cpio_add_bytes(bin) = %d: %s", r, err);
	r = cpio_add_bytes(&c, "etc/lguest/empty", NULL, 0, 0640, err);
	UNIT_CHECK(r == 0, "cpio_add_bytes(empty) = %d: %s", r, err);
	r = cpio_add_dir(&c, "tmp", 01777, err);
	UNIT_CHECK(r == 0, "cpio_add_dir(tmp) = %d: %s", r, err);

	/* Directories the archive has are not added again. */
	len = c.len;
	r = cpio_add_parents(&c, "etc/lguest/more/x", err);
	UNIT_CHECK(r == 0 && c.len > len, "cpio_add_parents(more) = %d: %s", r, err);
	len = c.len;
	r = cpio_add_parents(&c, "tmp/x", err);
	UNIT_CHECK(r == 0 && c.len == len, "cpio_add_parents(tmp/x) = %d, %zu bytes more",
		   r, c.len - len);
	r = cpio_add_parents(&c, "etc/lguest/more/y", err);
	UNIT_CHECK(r == 0 && c.len == len, "cpio_add_parents(more/y) = %d, %zu bytes more",
		   r, c.len - len);
	r = cpio_add_parents(&c, "top-level", err);
	UNIT_CHECK(r == 0 && c.len == len, "cpio_add_parents(top-level) = %d", r);

	r = cpio_finish(&c, err);
	UNIT_CHECK(r == 0, "cpio_finish = %d: %s", r, err);
	if (!parse(c.buf, c.len)) {
		static const char * const order[] = {
			"etc", "etc/lguest", "etc/lguest/sandbox.conf",
			"etc/lguest/bin.dat", "etc/lguest/empty", "tmp",
			"etc/lguest/more", "TRAILER!!!",
		};
		unsigned int i;

		UNIT_CHECK(nents == 8, "%d entries, want 8", nents);
		for (i = 0; i < 8 && i < (unsigned int)nents; i++)
			UNIT_CHECK(!strcmp(ents[i].name, order[i]),
				   "entry %u is %s, want %s", i, ents[i].name, order[i]);
		check_ent("etc/lguest/sandbox.conf", conf, strlen(conf), 0644);
		check_ent("etc/lguest/bin.dat", bin, 301, 0600);
		check_ent("etc/lguest/empty", "", 0, 0640);
		UNIT_CHECK(find("etc")->mode == (S_IFDIR | 0755) &&
			   find("tmp")->mode == (S_IFDIR | 01777),
			   "directory modes %o %o", find("etc")->mode,
			   find("tmp")->mode);
	}

	if (have_cpio) {
		snprintf(out, sizeof(out), "%s/out-bytes", root);
		r = extract(c.buf, c.len, out);
		UNIT_CHECK(r == 0, "cpio -i: status %d", r);
		snprintf(out, sizeof(out), "%s/out-bytes/etc/lguest/sandbox.conf", root);
		check_file(out, conf, strlen(conf), 0644);
		snprintf(out, sizeof(out), "%s/out-bytes/etc/lguest/bin.dat", root);
		check_file(out, bin, 301, 0600);
		snprintf(out, sizeof(out), "%s/out-bytes/etc/lguest/empty", root);
		check_file(out, "", 0, 0640);
		snprintf(out, sizeof(out), "%s/out-bytes/tmp", root);
		check_dir(out, 01777);
	}
	cpio_free(&c);
	UNIT_CHECK(!c.buf && !c.len, "cpio_free left %p, %zu", (void *)c.buf, c.len);
	free(bin);
}

/* The host tree test_tree() copies, under root/src. */
static uint8_t *bin, *big;
#define BIN_LEN		4099
#define BIG_LEN		MiB

static void make_tree(void)
{
	struct timespec old[2] = { { OLD_MTIME, 0 }, { OLD_MTIME, 0 } };
	char p[PATH_MAX];

	bin = pattern(BIN_LEN, 3);
	big = pattern(BIG_LEN, 5);
	snprintf(p, sizeof(p), "%s/src", root);
	must(mkdir(p, 0750), p);
	must(chmod(p, 0750), p);
	snprintf(p, sizeof(p), "%s/src/bin.dat", root);
	write_file(p, bin, BIN_LEN, 0640);
	must(utimensat(AT_FDCWD, p, old, 0), p);
	snprintf(p, sizeof(p), "%s/src/empty", root);
	write_file(p, "", 0, 0600);
	snprintf(p, sizeof(p), "%s/src/big", root);
	write_file(p, big, BIG_LEN, 0644);
	snprintf(p, sizeof(p), "%s/src/suid", root);
	write_file(p, "#!/bin/sh\n", 10, 04755);
	snprintf(p, sizeof(p), "%s/src/sub", root);
	must(mkdir(p, 0755), p);
	must(chmod(p, 02750), p);
	snprintf(p, sizeof(p), "%s/src/sub/inner.txt", root);
	write_file(p, "inner\n", 6, 0755);
	snprintf(p, sizeof(p), "%s/src/sub/deeper", root);
	must(mkdir(p, 0700), p);
	snprintf(p, sizeof(p), "%s/src/link", root);
	must(symlink("sub/inner.txt", p), p);
	snprintf(p, sizeof(p), "%s/src/etc-link", root);
	must(symlink("/etc", p), p);
	snprintf(p, sizeof(p), "%s/src/fifo", root);
	must(mkfifo(p, 0644), p);
}

static void test_tree(void)
{
	char src[PATH_MAX], p[PATH_MAX], out[128], t[64];
	const char *top = "home/user/proj";
	struct ent *e;
	struct cpio c;
	struct stat st;
	ssize_t n;
	int r;

	make_tree();
	snprintf(src, sizeof(src), "%s/src", root);
	cpio_init(&c, 64 * MiB);
	r = cpio_add_host(&c, src, "/home/user/proj/", err);
	UNIT_CHECK(r == 0, "cpio_add_host(src) = %d: %s", r, err);
	snprintf(p, sizeof(p), "%s/src/bin.dat", root);
	r = cpio_add_host(&c, p, "opt/one.dat", err);
	UNIT_CHECK(r == 0, "cpio_add_host(bin.dat) = %d: %s", r, err);
	r = cpio_finish(&c, err);
	UNIT_CHECK(r == 0, "cpio_finish = %d: %s", r, err);

	if (!parse(c.buf, c.len)) {
		static const char * const order[] = {
			"home", "home/user", "home/user/proj",
			"home/user/proj/big", "home/user/proj/bin.dat",
			"home/user/proj/empty", "home/user/proj/etc-link",
			"home/user/proj/link", "home/user/proj/sub",
			"home/user/proj/sub/deeper",
			"home/user/proj/sub/inner.txt", "home/user/proj/suid",
			"opt", "opt/one.dat", "TRAILER!!!",
		};
		unsigned int i;

		UNIT_CHECK(nents == 15, "%d entries, want 15", nents);
		for (i = 0; i < 15 && i < (unsigned int)nents; i++)
			UNIT_CHECK(!strcmp(ents[i].name, order[i]),
				   "entry %u is %s, want %s", i, ents[i].name, order[i]);
		UNIT_CHECK(find("home/user/proj/fifo") == &none, "the fifo is in the archive");
		UNIT_CHECK(find("home")->mode == (S_IFDIR | 0755) &&
			   find("home/user/proj")->mode == (S_IFDIR | 0750),
			   "directory modes %o %o", find("home")->mode,
			   find("home/user/proj")->mode);
		e = find("home/user/proj/sub");
		UNIT_CHECK(e->mode == (S_IFDIR | 0750), "sub: mode %o, want 40750 (no setgid)",
			   e->mode);
		check_ent("home/user/proj/bin.dat", bin, BIN_LEN, 0640);
		check_ent("home/user/proj/big", big, BIG_LEN, 0644);
		check_ent("home/user/proj/empty", "", 0, 0600);
		check_ent("home/user/proj/suid", "#!/bin/sh\n", 10, 0755);
		check_ent("home/user/proj/sub/inner.txt", "inner\n", 6, 0755);
		check_ent("opt/one.dat", bin, BIN_LEN, 0640);
		UNIT_CHECK(find("home/user/proj/bin.dat")->mtime == OLD_MTIME &&
			   find("opt/one.dat")->mtime == OLD_MTIME,
			   "bin.dat: mtime %u, want %u",
			   find("home/user/proj/bin.dat")->mtime, OLD_MTIME);
		e = find("home/user/proj/link");
		UNIT_CHECK(S_ISLNK(e->mode) && e->size == 13 &&
			   !memcmp(e->data, "sub/inner.txt", 13),
			   "link: mode %o, %u bytes", e->mode, e->size);
		e = find("home/user/proj/etc-link");
		UNIT_CHECK(S_ISLNK(e->mode) && e->size == 4 && !memcmp(e->data, "/etc", 4),
			   "etc-link: mode %o, %u bytes (followed?)", e->mode, e->size);
	}

	if (have_cpio) {
		snprintf(out, sizeof(out), "%s/out-tree", root);
		r = extract(c.buf, c.len, out);
		UNIT_CHECK(r == 0, "cpio -i: status %d", r);
		snprintf(p, sizeof(p), "%s/%s/bin.dat", out, top);
		check_file(p, bin, BIN_LEN, 0640);
		UNIT_CHECK(!stat(p, &st) && st.st_mtime == OLD_MTIME,
			   "%s: mtime %ld", p, (long)st.st_mtime);
		snprintf(p, sizeof(p), "%s/%s/big", out, top);
		check_file(p, big, BIG_LEN, 0644);
		snprintf(p, sizeof(p), "%s/%s/empty", out, top);
		check_file(p, "", 0, 0600);
		snprintf(p, sizeof(p), "%s/%s/suid", out, top);
		check_file(p, "#!/bin/sh\n", 10, 0755);
		snprintf(p, sizeof(p), "%s/%s/sub/inner.txt", out, top);
		check_file(p, "inner\n", 6, 0755);
		snprintf(p, sizeof(p), "%s/opt/one.dat", out);
		check_file(p, bin, BIN_LEN, 0640);
		snprintf(p, sizeof(p), "%s/%s", out, top);
		check_dir(p, 0750);
		snprintf(p, sizeof(p), "%s/%s/sub", out, top);
		check_dir(p, 0750);
		snprintf(p, sizeof(p), "%s/%s/sub/deeper", out, top);
		check_dir(p, 0700);
		snprintf(p, sizeof(p), "%s/%s/link", out, top);
		n = readlink(p, t, sizeof(t));
		UNIT_CHECK(n == 13 && !memcmp(t, "sub/inner.txt", 13),
			   "%s: readlink = %zd", p, n);
		snprintf(p, sizeof(p), "%s/%s/etc-link", out, top);
		n = readlink(p, t, sizeof(t));
		UNIT_CHECK(n == 4 && !memcmp(t, "/etc", 4), "%s: readlink = %zd", p, n);
		snprintf(p, sizeof(p), "%s/%s/fifo", out, top);
		UNIT_CHECK(lstat(p, &st) && errno == ENOENT, "%s: extracted", p);
	}
	cpio_free(&c);
}

/* A guest path that every function refuses with -EINVAL. */
static void expect_bad_guest(struct cpio *c, const char *g)
{
	char src[PATH_MAX];
	size_t len = c->len;
	int r;

	snprintf(src, sizeof(src), "%s/src", root);
	err[0] = 0;
	r = cpio_add_bytes(c, g, "x", 1, 0644, err);
	UNIT_CHECK(r == -EINVAL && err[0], "cpio_add_bytes(\"%.40s\") = %d", g, r);
	r = cpio_add_dir(c, g, 0755, err);
	UNIT_CHECK(r == -EINVAL, "cpio_add_dir(\"%.40s\") = %d", g, r);
	r = cpio_add_host(c, src, g, err);
	UNIT_CHECK(r == -EINVAL, "cpio_add_host(\"%.40s\") = %d", g, r);
	UNIT_CHECK(c->len == len, "\"%.40s\": the archive grew by %zu", g, c->len - len);
}

/* A chain of @n directories "d" under root/@name. */
static void make_deep(const char *name, int n)
{
	char p[PATH_MAX];
	int i;

	snprintf(p, sizeof(p), "%s/%s", root, name);
	must(mkdir(p, 0755), p);
	for (i = 0; i < n; i++) {
		strcat(p, "/d");
		must(mkdir(p, 0755), p);
	}
	strcat(p, "/leaf");
	write_file(p, "x", 1, 0644);
}

static void test_errors(void)
{
	static const char * const bad[] = {
		"..", "/..", "a/../b", "a/..", "../a", "", "/", "//", ".", "./",
		"TRAILER!!!", "/TRAILER!!!",
	};
	char src[PATH_MAX], p[PATH_MAX], *longp;
	struct stat st;
	struct cpio c;
	size_t len;
	unsigned int i, ino;
	int r;

	snprintf(src, sizeof(src), "%s/src", root);
	cpio_init(&c, 64 * MiB);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad_guest(&c, bad[i]);
	r = cpio_add_parents(&c, "a/../b", err);
	UNIT_CHECK(r == -EINVAL && strstr(err, "a/../b"),
		   "cpio_add_parents(a/../b) = %d: %s", r, err);
	UNIT_CHECK(c.len == 0, "the archive grew to %zu", c.len);

	/* PATH_MAX bytes with the NUL is the most the kernel takes. */
	longp = malloc(PATH_MAX + 1);
	memset(longp, 'a', PATH_MAX);
	longp[PATH_MAX] = 0;
	expect_bad_guest(&c, longp);
	longp[PATH_MAX - 1] = 0;
	r = cpio_add_bytes(&c, longp, "x", 1, 0644, err);
	UNIT_CHECK(r == 0, "cpio_add_bytes(%d bytes) = %d: %s", PATH_MAX - 1, r, err);
	free(longp);
	/* Nor, below a directory copied, a name that grows past it. */
	memset(p, 'b', PATH_MAX - 8);
	p[PATH_MAX - 8] = 0;
	len = c.len;
	r = cpio_add_host(&c, src, p, err);
	UNIT_CHECK(r == -ENAMETOOLONG && strstr(err, src) && c.len == len,
		   "cpio_add_host(long) = %d: %s", r, err);
	cpio_free(&c);

	/* The limit. */
	cpio_init(&c, MiB);
	err[0] = 0;
	r = cpio_add_bytes(&c, "too/big", big, BIG_LEN, 0644, err);
	UNIT_CHECK(r == -EFBIG && strstr(err, "more than 1 MiB") && c.len == 0,
		   "cpio_add_bytes(1 MiB, limit 1 MiB) = %d: %s", r, err);
	r = cpio_add_bytes(&c, "small", "x", 1, 0644, err);
	UNIT_CHECK(r == 0, "cpio_add_bytes(small) = %d: %s", r, err);
	len = c.len;
	ino = c.ino;
	err[0] = 0;
	r = cpio_add_host(&c, src, "proj", err);
	UNIT_CHECK(r == -EFBIG && strstr(err, "more than 1 MiB") &&
		   strstr(err, "/src/big"),
		   "cpio_add_host(limit 1 MiB) = %d: %s", r, err);
	UNIT_CHECK(c.len == len && c.ino == ino,
		   "a failed cpio_add_host left %zu bytes, inode %u (was %zu, %u)",
		   c.len, c.ino, len, ino);
	r = cpio_finish(&c, err);
	UNIT_CHECK(r == 0, "cpio_finish = %d: %s", r, err);
	if (!parse(c.buf, c.len))
		UNIT_CHECK(nents == 2 && !strcmp(ents[0].name, "small"),
			   "%d entries after a failed cpio_add_host", nents);
	UNIT_CHECK(c.len <= MiB, "%zu bytes, limit 1 MiB", c.len);
	cpio_free(&c);

	/* Even the padding counts. */
	cpio_init(&c, 300);
	r = cpio_finish(&c, err);
	UNIT_CHECK(r == -EFBIG && strstr(err, "more than 300 bytes") && c.len == 0,
		   "cpio_finish(limit 300) = %d: %s", r, err);
	cpio_free(&c);
	cpio_init(&c, 512);
	r = cpio_finish(&c, err);
	UNIT_CHECK(r == 0 && c.len == 512, "cpio_finish(limit 512) = %d, %zu bytes: %s",
		   r, c.len, err);
	if (!r)
		parse(c.buf, c.len);
	cpio_free(&c);

	/* Host paths that are not there, or not files. */
	cpio_init(&c, 64 * MiB);
	snprintf(p, sizeof(p), "%s/no-such-file", root);
	err[0] = 0;
	r = cpio_add_host(&c, p, "x", err);
	UNIT_CHECK(r == -ENOENT && strstr(err, p) && c.len == 0,
		   "cpio_add_host(missing) = %d: %s", r, err);
	snprintf(p, sizeof(p), "%s/src/fifo", root);
	r = cpio_add_host(&c, p, "x", err);
	UNIT_CHECK(r == -EINVAL && strstr(err, p) && c.len == 0,
		   "cpio_add_host(fifo) = %d: %s", r, err);

	/* Depth: CPIO_MAX_DEPTH directories below the top, and no more. */
	make_deep("deep-ok", CPIO_MAX_DEPTH);
	make_deep("deep-bad", CPIO_MAX_DEPTH + 1);
	snprintf(p, sizeof(p), "%s/deep-ok", root);
	r = cpio_add_host(&c, p, "deep", err);
	UNIT_CHECK(r == 0, "cpio_add_host(%d deep) = %d: %s", CPIO_MAX_DEPTH, r, err);
	len = c.len;
	snprintf(p, sizeof(p), "%s/deep-bad", root);
	r = cpio_add_host(&c, p, "deep2", err);
	UNIT_CHECK(r == -ELOOP && strstr(err, p) && c.len == len,
		   "cpio_add_host(%d deep) = %d: %s", CPIO_MAX_DEPTH + 1, r, err);

	/*
	 * Exactly the size fstat() gives is read.  sysfs files say 4096 bytes
	 * and have fewer: one that shrank.  procfs files say 0 and have more:
	 * one that grew, of which nothing is taken.
	 */
	len = c.len;
	if (!stat(SYSFS_SHORT, &st) && st.st_size == 4096) {
		r = cpio_add_host(&c, SYSFS_SHORT, "seq", err);
		UNIT_CHECK(r == -EIO && strstr(err, SYSFS_SHORT) &&
			   strstr(err, "shrank") && c.len == len,
			   "cpio_add_host(%s) = %d: %s", SYSFS_SHORT, r, err);
	} else {
		printf("  (no %s of 4096 bytes: no test of a file that shrinks)\n",
		       SYSFS_SHORT);
	}
	/* 120: the header, "status", its NUL and padding; no data. */
	r = cpio_add_host(&c, "/proc/self/status", "status", err);
	UNIT_CHECK(r == 0 && c.len - len == 120,
		   "cpio_add_host(/proc/self/status) = %d, %zu bytes: %s",
		   r, c.len - len, err);
	len = c.len;

	/* A file we may not read names itself (root may read anything). */
	if (geteuid()) {
		snprintf(p, sizeof(p), "%s/secret", root);
		write_file(p, "x", 1, 0);
		r = cpio_add_host(&c, p, "x", err);
		UNIT_CHECK(r == -EACCES && strstr(err, p) && c.len == len,
			   "cpio_add_host(unreadable) = %d: %s", r, err);
	}
	cpio_free(&c);
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 2;
	}
	have_cpio = !system("command -v cpio >/dev/null 2>&1");
	if (!have_cpio)
		printf("  (no cpio here: the archives are only parsed, not unpacked)\n");
	test_bytes();
	test_tree();
	test_errors();
	free(bin);
	free(big);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
	return unit_summary("cpio");
}
