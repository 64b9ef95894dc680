// SPDX-License-Identifier: GPL-2.0
/*
 * test_output.c - unit tests of "lguest run --output"'s extractor
 * (tools/lguest/output.c): archives made here (by hand, by cpio.c's
 * builder, by busybox and GNU cpio), good and hostile, unpacked into a
 * temporary directory and checked byte for byte, with nothing written
 * outside it; and the helper process, from output_start() to
 * output_finish(), the launcher's death and its lockdown.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/lguest/cpio.h"
#include "../../tools/lguest/lockdown.h"
#include "../../tools/lguest/output.h"
#include "unit.h"

#define MiB		(1024 * 1024)

static char root[] = "/tmp/test_output.XXXXXX";
static char err[OUTPUT_ERR_LEN];
static char elsewhere[PATH_MAX];	/* where a link planted in DIR points */

/* An archive being made by hand. */
struct arc {
	uint8_t *buf;
	size_t len, cap;
};

static void must(int ok, const char *what)
{
	if (!ok) {
		perror(what);
		exit(2);
	}
}

static void arc_raw(struct arc *a, const void *p, size_t n)
{
	if (!n)
		return;
	if (a->len + n > a->cap) {
		a->cap = (a->len + n) * 2 + 4096;
		a->buf = realloc(a->buf, a->cap);
		must(a->buf != NULL, "realloc");
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void arc_pad(struct arc *a)
{
	static const uint8_t zero[4];

	arc_raw(a, zero, (4 - a->len % 4) % 4);
}

/*
 * arc_ent_x() - an entry with every field as given: @namesize and
 * @filesize go in the header as they are, @name's @namelen bytes (a NUL
 * added by the caller or not) and @datalen bytes of @data after it.
 */
static void arc_ent_x(struct arc *a, const char *name, size_t namelen,
		      uint32_t namesize, uint32_t mode, uint32_t nlink,
		      uint32_t filesize, const void *data, size_t datalen)
{
	char h[111];

	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 (unsigned int)(a->len + 1), mode, 0, 0, nlink, 1000000000U,
		 filesize, 0, 0, 0, 0, namesize, 0);
	arc_raw(a, h, 110);
	arc_raw(a, name, namelen);
	arc_pad(a);
	arc_raw(a, data, datalen);
	arc_pad(a);
}

/* arc_ent() - a well-formed entry. */
static void arc_ent(struct arc *a, const char *name, uint32_t mode,
		    const void *data, size_t size)
{
	arc_ent_x(a, name, strlen(name) + 1, strlen(name) + 1, mode,
		  (mode & 0170000) == S_IFDIR ? 2 : 1, size, data, size);
}

static void arc_file(struct arc *a, const char *name, uint32_t perm, const char *s)
{
	arc_ent(a, name, S_IFREG | perm, s, strlen(s));
}

static void arc_dir(struct arc *a, const char *name, uint32_t perm)
{
	arc_ent(a, name, S_IFDIR | perm, NULL, 0);
}

/* The end, then zeros to 512 as busybox writes it. */
static void arc_trailer(struct arc *a)
{
	static const uint8_t zero[512];

	arc_ent(a, "TRAILER!!!", 0, NULL, 0);
	arc_raw(a, zero, (512 - a->len % 512) % 512);
}

static void arc_free(struct arc *a)
{
	free(a->buf);
	memset(a, 0, sizeof(*a));
}

/* The content of the test's files: every byte value, NULs included. */
static uint8_t *pattern(size_t n, unsigned int seed)
{
	uint8_t *p = malloc(n ? n : 1);
	size_t i;

	must(p != NULL, "malloc");
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8) * 13);
	return p;
}

/* path() - root/@a, in one of a few static buffers. */
static const char *path(const char *a)
{
	static char bufs[8][PATH_MAX];
	static int k;
	char *p = bufs[k++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", root, a);
	return p;
}

static bool exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

/* count_tree() - how many entries are below @p (not @p itself); -1: none. */
static int count_tree(const char *p)
{
	char sub[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir = opendir(p);
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		n++;
		snprintf(sub, sizeof(sub), "%s/%s", p, d->d_name);
		if (!lstat(sub, &st) && S_ISDIR(st.st_mode))
			n += count_tree(sub);
	}
	closedir(dir);
	return n;
}

/* check_file() - @p is a regular file of @n bytes @data and mode @mode. */
static void check_file(const char *p, const void *data, size_t n, mode_t mode)
{
	struct stat st;
	uint8_t *got;
	ssize_t r;
	int fd = open(p, O_RDONLY | O_NOFOLLOW);

	UNIT_CHECK(fd >= 0, "%s: not there (%s)", p, strerror(errno));
	if (fd < 0)
		return;
	must(fstat(fd, &st) == 0, "fstat");
	UNIT_CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == mode,
		   "%s: mode %o, want %o", p, st.st_mode, mode);
	got = malloc(n + 1);
	must(got != NULL, "malloc");
	r = read(fd, got, n + 1);
	UNIT_CHECK(r == (ssize_t)n && !memcmp(got, data, n),
		   "%s: %zd bytes, want %zu, or not the same bytes", p, r, n);
	free(got);
	close(fd);
}

static void check_dir(const char *p, mode_t mode)
{
	struct stat st;

	UNIT_CHECK(!lstat(p, &st) && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == mode,
		   "%s: not a directory of mode %o", p, mode);
}

static void write_file(const char *p, const char *s)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	must(fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s) && !close(fd), p);
}

/* disk() - a memfd as the output disk: @a, then zeros up to @size. */
static int disk(const struct arc *a, size_t size)
{
	int fd = unit_memfd(a->buf, a->len);

	if (size > a->len)
		must(ftruncate(fd, size) == 0, "ftruncate");
	return fd;
}

/*
 * extract() - a fresh DIR root/@name, and @a extracted into it from a
 * disk of @size bytes (0: the archive's own length), all of which
 * output_extract() is told to read.
 */
static int extract(const char *name, const struct arc *a, size_t size)
{
	int fd = disk(a, size), dfd, r;

	must(mkdir(path(name), 0755) == 0, path(name));
	dfd = open(path(name), O_RDONLY | O_DIRECTORY);
	must(dfd >= 0, path(name));
	r = output_extract(fd, size ? size : a->len, dfd, err);
	close(dfd);
	close(fd);
	return r;
}

/* A valid archive, as busybox writes it: "." then "./..." names. */
static void test_good(void)
{
	uint8_t *bin = pattern(301, 1), *big = pattern(3 * 65536 + 77, 2);
	struct arc a = { 0 };
	int r;

	arc_dir(&a, ".", 0755);
	arc_dir(&a, "./d", 0750);
	arc_ent(&a, "./d/bin.dat", S_IFREG | 0640, bin, 301);
	arc_ent(&a, "./d/empty", S_IFREG | 0600, NULL, 0);
	arc_dir(&a, "./d/sub", 0500);		/* we must write into it */
	arc_ent(&a, "./d/sub/big", S_IFREG | 0644, big, 3 * 65536 + 77);
	arc_file(&a, "./d/after", 0644, "back up in d\n");	/* not in d/sub */
	arc_file(&a, "./suid", 06755, "#!/bin/sh\n");
	arc_dir(&a, "./sticky", 01777);
	arc_file(&a, "./sticky/x", 0444, "read-only\n");
	arc_ent(&a, "./link", 0120777, "/etc/passwd", 11);	/* skipped */
	arc_ent(&a, "./fifo", 0010644, NULL, 0);		/* skipped */
	arc_ent(&a, "./null", 0020666, NULL, 0);		/* skipped */
	/* A hard link pair: data only with the last; two plain files here. */
	arc_ent_x(&a, "./h1", 5, 5, S_IFREG | 0644, 2, 0, NULL, 0);
	arc_ent_x(&a, "./h2", 5, 5, S_IFREG | 0644, 2, 5, "hello", 5);
	arc_file(&a, "./TRAILER!!!", 0644, "only a name\n");
	arc_file(&a, "./caf\xc3\xa9", 0644, "utf-8\n");
	arc_trailer(&a);
	/* Lower-case hex is hex too. */
	memcpy(a.buf + 6 + 8, "000041e8", 8);	/* "." as 040750 */

	r = extract("good", &a, MiB);
	UNIT_CHECK(r == 0, "good archive: %d: %s", r, err);
	UNIT_CHECK(strstr(err, "3 entries skipped") != NULL, "note: \"%s\"", err);
	check_dir(path("good/d"), 0750 & ~022);
	check_file(path("good/d/bin.dat"), bin, 301, 0640);
	check_file(path("good/d/empty"), "", 0, 0600);
	check_dir(path("good/d/sub"), 0700);
	check_file(path("good/d/sub/big"), big, 3 * 65536 + 77, 0644);
	check_file(path("good/d/after"), "back up in d\n", 13, 0644);
	check_file(path("good/suid"), "#!/bin/sh\n", 10, 0755);
	check_dir(path("good/sticky"), 0755);
	check_file(path("good/sticky/x"), "read-only\n", 10, 0444);
	check_file(path("good/h1"), "", 0, 0644);
	check_file(path("good/h2"), "hello", 5, 0644);
	check_file(path("good/TRAILER!!!"), "only a name\n", 12, 0644);
	check_file(path("good/caf\xc3\xa9"), "utf-8\n", 6, 0644);
	UNIT_CHECK(!exists(path("good/link")) && !exists(path("good/fifo")) &&
		   !exists(path("good/null")), "a symlink, FIFO or device was made");
	UNIT_CHECK(count_tree(path("good")) == 13, "good: %d entries, want 13",
		   count_tree(path("good")));

	/* The same archive, told its exact length: the trailer is enough. */
	r = extract("good-exact", &a, 0);
	UNIT_CHECK(r == 0 && count_tree(path("good-exact")) == 13,
		   "exact length: %d: %s", r, err);
	/* ...or told the disk is as large as can be: it stops at the trailer. */
	{
		int fd = disk(&a, 0), dfd;

		must(mkdir(path("good-huge"), 0755) == 0, "mkdir");
		dfd = open(path("good-huge"), O_RDONLY | O_DIRECTORY);
		r = output_extract(fd, UINT64_MAX, dfd, err);
		UNIT_CHECK(r == 0 && count_tree(path("good-huge")) == 13,
			   "len UINT64_MAX: %d: %s", r, err);
		close(dfd);
		close(fd);
	}
	/* Again into the same DIR: everything is there already. */
	{
		int fd = disk(&a, 0), dfd = open(path("good"), O_RDONLY | O_DIRECTORY);

		r = output_extract(fd, a.len, dfd, err);
		UNIT_CHECK(r == -EEXIST && strstr(err, "\"./d/bin.dat\""),
			   "second time: %d: %s", r, err);
		check_file(path("good/d/bin.dat"), bin, 301, 0640);
		close(dfd);
		close(fd);
	}
	arc_free(&a);
	free(bin);
	free(big);
}

/* Nothing written: a zero disk, an empty file, an archive of "." alone. */
static void test_empty(void)
{
	struct arc a = { 0 };
	int r;

	r = extract("empty0", &a, 0);
	UNIT_CHECK(r == 0 && count_tree(path("empty0")) == 0, "len 0: %d: %s", r, err);
	r = extract("zeros", &a, 4 * MiB);
	UNIT_CHECK(r == 0 && count_tree(path("zeros")) == 0 && strstr(err, "no archive"),
		   "zero disk: %d: %s", r, err);
	arc_raw(&a, "\0\0", 2);
	r = extract("zeros2", &a, 0);
	UNIT_CHECK(r == 0, "2 zero bytes: %d: %s", r, err);
	arc_free(&a);

	arc_dir(&a, ".", 0755);
	arc_trailer(&a);
	r = extract("dot", &a, MiB);
	UNIT_CHECK(r == 0 && !err[0] && count_tree(path("dot")) == 0,
		   "\".\" alone: %d: \"%s\"", r, err);
	arc_free(&a);

	/* What follows the trailer is not looked at. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./a", 0644, "a");
	arc_ent(&a, "TRAILER!!!", 0, NULL, 0);
	arc_raw(&a, "garbage, and 070701 of no use", 29);
	r = extract("after", &a, 0);
	UNIT_CHECK(r == 0 && count_tree(path("after")) == 1, "after trailer: %d: %s", r, err);
	arc_free(&a);

	/* A short file that starts with something is no empty archive. */
	arc_raw(&a, "0707", 4);
	r = extract("short", &a, 0);
	UNIT_CHECK(r == -EINVAL && strstr(err, "truncated"), "4 bytes: %d: %s", r, err);
	arc_free(&a);
}

/* Archives made by cpio.c's builder, which names entries without "./". */
static void test_builder(void)
{
	static const char conf[] = "key=value\n";
	struct cpio c;
	struct arc a = { 0 };
	int r;

	cpio_init(&c, 16 * MiB);
	r = cpio_add_parents(&c, "etc/lguest/x.conf", err);
	r |= cpio_add_bytes(&c, "etc/lguest/x.conf", conf, strlen(conf), 0640, err);
	r |= cpio_add_dir(&c, "tmp", 01777, err);
	r |= cpio_finish(&c, err);
	must(r == 0, "cpio builder");
	arc_raw(&a, c.buf, c.len);
	r = extract("builder", &a, 2 * MiB);
	UNIT_CHECK(r == 0, "builder archive: %d: %s", r, err);
	check_dir(path("builder/etc"), 0755);
	check_dir(path("builder/etc/lguest"), 0755);
	check_file(path("builder/etc/lguest/x.conf"), conf, strlen(conf), 0640);
	check_dir(path("builder/tmp"), 0755);
	UNIT_CHECK(count_tree(path("builder")) == 4, "builder: %d entries",
		   count_tree(path("builder")));
	arc_free(&a);
	cpio_free(&c);
}

/*
 * test_real() - what the guest's init really runs, "find . | cpio -o -H
 * newc", with busybox and GNU cpio if this host has them.
 */
static void test_real(const char *bin_name, const char *tool, const char *name)
{
	uint8_t *big = pattern(200000, 9);
	char cmd[3 * PATH_MAX];
	struct arc a = { 0 };
	struct stat st;
	int fd, r;

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", bin_name);
	if (system(cmd)) {
		printf("  (no %s here: its archives are not tried)\n", bin_name);
		free(big);
		return;
	}
	if (!exists(path("src"))) {
		must(mkdir(path("src"), 0755) == 0, "mkdir src");
		must(mkdir(path("src/d"), 0750) == 0 && chmod(path("src/d"), 0750) == 0, "d");
		write_file(path("src/d/f.txt"), "some text\n");
		must(chmod(path("src/d/f.txt"), 0640) == 0, "chmod");
		write_file(path("src/empty"), "");
		fd = open(path("src/d/big"), O_WRONLY | O_CREAT, 0600);
		must(fd >= 0 && write(fd, big, 200000) == 200000 && !close(fd), "big");
		must(mkdir(path("src/d/e"), 0755) == 0, "d/e");
		must(symlink("/etc/passwd", path("src/link")) == 0, "symlink");
		must(mkfifo(path("src/fifo"), 0644) == 0, "mkfifo");
	}
	snprintf(cmd, sizeof(cmd), "cd '%s' && find . | %s -o -H newc > '%s.cpio' 2>/dev/null",
		 path("src"), tool, path(name));
	UNIT_CHECK(system(cmd) == 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "%s.cpio", path(name));
	fd = open(cmd, O_RDONLY);
	must(fd >= 0 && fstat(fd, &st) == 0, cmd);
	a.buf = malloc(st.st_size);
	must(a.buf && read(fd, a.buf, st.st_size) == st.st_size, "read");
	a.len = a.cap = st.st_size;
	close(fd);
	r = extract(name, &a, 8 * MiB);
	UNIT_CHECK(r == 0 && strstr(err, "2 entries skipped"), "%s: %d: %s", tool, r, err);
	snprintf(cmd, sizeof(cmd), "%s/d/f.txt", name);
	check_file(path(cmd), "some text\n", 10, 0640);
	snprintf(cmd, sizeof(cmd), "%s/d/big", name);
	check_file(path(cmd), big, 200000, 0600);
	snprintf(cmd, sizeof(cmd), "%s/empty", name);
	check_file(path(cmd), "", 0, 0644);
	snprintf(cmd, sizeof(cmd), "%s/d", name);
	check_dir(path(cmd), 0750);
	UNIT_CHECK(count_tree(path(name)) == 5, "%s: %d entries, want 5", tool,
		   count_tree(path(name)));
	arc_free(&a);
	free(big);
}

/*
 * A hostile name: refused, with the entry named (quoted) in the message,
 * and nothing created at all, not even the good entry before it.
 */
static void hostile_name(const char *label, const char *bad, size_t badlen,
			 const char *shown)
{
	struct arc a = { 0 };
	char dir[64];
	int r;

	arc_dir(&a, ".", 0755);
	arc_file(&a, "./ok", 0644, "fine\n");
	arc_dir(&a, "./a", 0755);
	arc_ent_x(&a, bad, badlen + 1, badlen + 1, S_IFREG | 0644, 1, 5, "evil\n", 5);
	arc_trailer(&a);
	snprintf(dir, sizeof(dir), "name-%s", label);
	r = extract(dir, &a, MiB);
	UNIT_CHECK(r < 0, "%s: extracted (%d)", label, r);
	UNIT_CHECK(strstr(err, shown) != NULL, "%s: message \"%s\" does not show %s",
		   label, err, shown);
	UNIT_CHECK(!strchr(err, '\n') && !strchr(err, '\033'),
		   "%s: a control character in the message", label);
	UNIT_CHECK(count_tree(path(dir)) == 0, "%s: %d entries created", label,
		   count_tree(path(dir)));
	UNIT_CHECK(!exists(path("evil")) && !exists(path("x")) &&
		   !exists(path("abs-target")), "%s: written outside DIR", label);
	arc_free(&a);
}

static void test_names(void)
{
	char abs[PATH_MAX + 8], deep[4 * 70 + 8];
	struct arc a = { 0 };
	int i, r;

	snprintf(abs, sizeof(abs), "%s", path("abs-target"));
	hostile_name("dotdot", "../evil", 7, "\"../evil\"");
	hostile_name("dot-dotdot", "./../evil", 9, "\"./../evil\"");
	hostile_name("dotdot-alone", "..", 2, "\"..\"");
	hostile_name("abs", abs, strlen(abs), "abs-target");
	hostile_name("dot-abs", ".//x", 4, "\".//x\"");
	hostile_name("climb", "a/../../x", 9, "\"a/../../x\"");
	hostile_name("climb2", "./a/../../x", 11, "\"./a/../../x\"");
	hostile_name("dotdot-end", "./a/..", 6, "\"./a/..\"");
	hostile_name("dot-mid", "./a/./x", 7, "\"./a/./x\"");
	hostile_name("dot-dot-slash", "././x", 5, "\"././x\"");
	hostile_name("double-slash", "./a//x", 6, "\"./a//x\"");
	hostile_name("slash-end", "./a/x/", 6, "\"./a/x/\"");
	hostile_name("dot-slash", "./", 2, "\"./\"");
	hostile_name("empty", "", 0, "an empty name");
	hostile_name("newline", "./x\nfake message", 16, "\\x0afake");
	hostile_name("escape", "./\033[2J", 6, "\\x1b[2J");
	hostile_name("nul", "./ok\0../evil", 12, "\\x00");
	/* A name whose NUL is not where namesize says. */
	{
		arc_dir(&a, ".", 0755);
		arc_file(&a, "./ok", 0644, "fine\n");
		arc_ent_x(&a, "./abcd", 6, 6, S_IFREG | 0644, 1, 0, NULL, 0);
		arc_trailer(&a);
		r = extract("name-unterminated", &a, MiB);
		UNIT_CHECK(r == -EINVAL && strstr(err, "NUL") &&
			   count_tree(path("name-unterminated")) == 0,
			   "unterminated name: %d: %s", r, err);
		arc_free(&a);
	}

	/* 64 levels are fine; 65 are refused, and nothing made of the 64. */
	arc_dir(&a, ".", 0755);
	strcpy(deep, ".");
	for (i = 1; i <= 64; i++) {
		strcat(deep, "/d");
		arc_dir(&a, deep, 0755);
	}
	arc_file(&a, "./top", 0644, "top\n");
	arc_trailer(&a);
	r = extract("deep64", &a, MiB);
	UNIT_CHECK(r == 0 && count_tree(path("deep64")) == 65, "64 deep: %d: %s", r, err);
	arc_free(&a);
	arc_dir(&a, ".", 0755);
	strcpy(deep, ".");
	for (i = 1; i <= 65; i++) {
		strcat(deep, "/d");
		arc_dir(&a, deep, 0755);
	}
	arc_trailer(&a);
	r = extract("deep65", &a, MiB);
	UNIT_CHECK(r == -ELOOP && strstr(err, "levels deep") &&
		   count_tree(path("deep65")) == 0, "65 deep: %d: %s (%d made)", r, err,
		   count_tree(path("deep65")));
	arc_free(&a);

	/* A component longer than a file name can be: refused before anything. */
	arc_dir(&a, ".", 0755);
	arc_ent_x(&a, "./x", 4, 4, S_IFREG | 0644, 1, 0, NULL, 0);
	{
		char longc[NAME_MAX + 8] = "./";

		memset(longc + 2, 'n', NAME_MAX + 1);
		longc[NAME_MAX + 3] = '\0';
		arc_file(&a, longc, 0644, "");
	}
	arc_trailer(&a);
	r = extract("name-max", &a, MiB);
	UNIT_CHECK(r == -ENAMETOOLONG && count_tree(path("name-max")) == 0,
		   "component of NAME_MAX + 1: %d: %s", r, err);
	arc_free(&a);
}

/* A header with field @field (1-13) replaced by the 8 bytes @val. */
static int bad_field(const char *label, int field, const char *val, int want,
		     const char *msg)
{
	struct arc a = { 0 };
	char dir[64];
	size_t at;
	int r;

	arc_dir(&a, ".", 0755);
	at = a.len;
	arc_file(&a, "./f", 0644, "data\n");
	arc_trailer(&a);
	memcpy(a.buf + at + 6 + 8 * (field - 1), val, 8);
	snprintf(dir, sizeof(dir), "hdr-%s", label);
	r = extract(dir, &a, MiB);
	UNIT_CHECK(r == want && strstr(err, msg) && count_tree(path(dir)) == 0,
		   "%s: %d, want %d: %s", label, r, want, err);
	arc_free(&a);
	return r;
}

static void test_headers(void)
{
	struct arc a = { 0 };
	int r;

	bad_field("hex-g", 2, "000081g4", -EINVAL, "not 8 hex digits");
	bad_field("hex-space", 7, "       5", -EINVAL, "not 8 hex digits");
	bad_field("hex-0x", 7, "0x000005", -EINVAL, "not 8 hex digits");
	bad_field("hex-minus", 7, "-0000005", -EINVAL, "not 8 hex digits");
	bad_field("hex-nul", 13, "0000000\0", -EINVAL, "not 8 hex digits");
	bad_field("namesize-0", 12, "00000000", -ENAMETOOLONG, "a name of 0 bytes");
	bad_field("namesize-huge", 12, "FFFFFFFF", -ENAMETOOLONG, "a name of 4294967295");
	bad_field("namesize-pathmax", 12, "00001001", -ENAMETOOLONG, "a name of 4097");
	bad_field("filesize-huge", 7, "FFFFFFFF", -EINVAL, "past the archive's end");
	bad_field("filesize-past", 7, "00100001", -EINVAL, "past the archive's end");

	/* The magic: odc, newc-with-checksum, garbage. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./f", 0644, "x");
	arc_trailer(&a);
	memcpy(a.buf, "070702", 6);
	r = extract("magic-crc", &a, 0);
	UNIT_CHECK(r == -EINVAL && strstr(err, "not a newc"), "070702: %d: %s", r, err);
	memcpy(a.buf, "070707", 6);
	r = extract("magic-odc", &a, 0);
	UNIT_CHECK(r == -EINVAL && strstr(err, "not a newc"), "070707: %d: %s", r, err);
	memcpy(a.buf, "070701", 6);
	memcpy(a.buf + 112, "GARBAG", 6);	/* the second entry's magic */
	r = extract("magic-second", &a, 0);
	UNIT_CHECK(r == -EINVAL && strstr(err, "entry 2 at byte 112") &&
		   count_tree(path("magic-second")) == 0, "second magic: %d: %s", r, err);
	arc_free(&a);

	/* No trailer: the end of the file, or zeros on a larger disk. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./f", 0644, "data\n");
	r = extract("notrailer", &a, 0);
	UNIT_CHECK(r == -EINVAL && strstr(err, "truncated") &&
		   count_tree(path("notrailer")) == 0, "no trailer: %d: %s", r, err);
	r = extract("notrailer-zeros", &a, MiB);
	UNIT_CHECK(r == -EINVAL && strstr(err, "truncated") && strstr(err, "2 entries") &&
		   count_tree(path("notrailer-zeros")) == 0, "no trailer, zeros: %d: %s",
		   r, err);
	/* Cut inside a header, inside a name, inside the data. */
	{
		size_t full = a.len, cut[] = { 112 + 50, 112 + 112, 112 + 116, full - 1 };
		unsigned int i;
		char dir[64];

		for (i = 0; i < 4; i++) {
			a.len = cut[i];
			snprintf(dir, sizeof(dir), "cut-%u", i);
			r = extract(dir, &a, 0);
			UNIT_CHECK(r == -EINVAL && count_tree(path(dir)) == 0,
				   "cut at %zu: %d: %s", cut[i], r, err);
		}
	}
	arc_free(&a);

	/* Told of more bytes than its file has: an error, no crash. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./f", 0644, "data\n");
	{
		int fd = disk(&a, 0), dfd;

		must(mkdir(path("shortfile"), 0755) == 0, "mkdir");
		dfd = open(path("shortfile"), O_RDONLY | O_DIRECTORY);
		r = output_extract(fd, UINT64_MAX, dfd, err);
		UNIT_CHECK(r == -EIO && strstr(err, "ends at byte"),
			   "file shorter than len: %d: %s", r, err);
		r = output_extract(fd, a.len + 1000, dfd, err);
		UNIT_CHECK(r == -EIO && count_tree(path("shortfile")) == 0,
			   "file shorter than len: %d: %s", r, err);
		close(dfd);
		close(fd);
	}
	arc_free(&a);

	/* A directory with data. */
	arc_dir(&a, ".", 0755);
	arc_ent(&a, "./d", S_IFDIR | 0755, "xyz", 3);
	arc_trailer(&a);
	r = extract("dir-data", &a, 0);
	UNIT_CHECK(r == -EINVAL && strstr(err, "a directory with 3 bytes"),
		   "directory with data: %d: %s", r, err);
	arc_free(&a);
}

/* OUTPUT_MAX_ENTRIES entries, then one more: "." is cheap to repeat. */
static void test_limits(void)
{
	struct arc a = { 0 };
	unsigned int i;
	int r;

	for (i = 0; i < OUTPUT_MAX_ENTRIES; i++)
		arc_dir(&a, ".", 0755);
	arc_trailer(&a);
	r = extract("entries-max", &a, 0);
	UNIT_CHECK(r == 0, "%u entries: %d: %s", OUTPUT_MAX_ENTRIES, r, err);
	arc_free(&a);
	arc_file(&a, "./first", 0644, "1");
	for (i = 0; i < OUTPUT_MAX_ENTRIES; i++)
		arc_dir(&a, ".", 0755);
	arc_trailer(&a);
	r = extract("entries-over", &a, 0);
	UNIT_CHECK(r == -E2BIG && strstr(err, "more than 100000 entries") &&
		   count_tree(path("entries-over")) == 0, "%u entries: %d: %s",
		   OUTPUT_MAX_ENTRIES + 1, r, err);
	arc_free(&a);
}

/* What the host has in DIR already, and links: never followed or overwritten. */
static void test_host(void)
{
	struct arc a = { 0 };
	int r;

	/* A file the host had: not overwritten. */
	must(mkdir(path("host1"), 0755) == 0, "mkdir");
	write_file(path("host1/exists"), "host's\n");
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./exists", 0644, "guest's\n");
	arc_trailer(&a);
	{
		int fd = disk(&a, 0), dfd = open(path("host1"), O_RDONLY | O_DIRECTORY);

		r = output_extract(fd, a.len, dfd, err);
		UNIT_CHECK(r == -EEXIST && strstr(err, "\"./exists\"") &&
			   strstr(err, "not overwritten"), "host file: %d: %s", r, err);
		check_file(path("host1/exists"), "host's\n", 7, 0644);
		close(fd);
		close(dfd);
	}
	arc_free(&a);

	/* A directory the host had: used, its mode kept; a file there: no. */
	must(mkdir(path("host2"), 0755) == 0 && mkdir(path("host2/sub"), 0700) == 0, "mkdir");
	write_file(path("host2/file"), "host's\n");
	arc_dir(&a, ".", 0755);
	arc_dir(&a, "./sub", 0755);
	arc_file(&a, "./sub/new", 0644, "new\n");
	arc_dir(&a, "./file", 0755);
	arc_trailer(&a);
	{
		int fd = disk(&a, 0), dfd = open(path("host2"), O_RDONLY | O_DIRECTORY);

		r = output_extract(fd, a.len, dfd, err);
		UNIT_CHECK(r == -EEXIST && strstr(err, "\"./file\"") &&
			   strstr(err, "not as a directory"), "dir over a file: %d: %s", r, err);
		check_dir(path("host2/sub"), 0700);
		check_file(path("host2/sub/new"), "new\n", 4, 0644);
		check_file(path("host2/file"), "host's\n", 7, 0644);
		close(fd);
		close(dfd);
	}
	arc_free(&a);

	/* The same file twice in the archive: the second is refused. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./twice", 0644, "first\n");
	arc_file(&a, "./twice", 0644, "second\n");
	arc_trailer(&a);
	r = extract("twice", &a, 0);
	UNIT_CHECK(r == -EEXIST, "a name twice: %d: %s", r, err);
	check_file(path("twice/twice"), "first\n", 6, 0644);
	arc_free(&a);

	/* A directory missing from the archive. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./nodir/x", 0644, "x");
	arc_trailer(&a);
	r = extract("nodir", &a, 0);
	UNIT_CHECK(r == -ENOENT && strstr(err, "its directory is missing") &&
		   count_tree(path("nodir")) == 0, "missing directory: %d: %s", r, err);
	arc_free(&a);

	/* A file as a directory. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./f", 0644, "x");
	arc_file(&a, "./f/x", 0644, "x");
	arc_trailer(&a);
	r = extract("through-file", &a, 0);
	UNIT_CHECK(r == -ENOTDIR, "a file as a directory: %d: %s", r, err);
	arc_free(&a);
}

static void test_links(void)
{
	char target[PATH_MAX];
	struct arc a = { 0 };
	int fd, dfd, r;

	/* The archive's own symlink, then a file through it. */
	arc_dir(&a, ".", 0755);
	arc_ent(&a, "./link", 0120777, elsewhere, strlen(elsewhere));
	arc_file(&a, "./link/x", 0644, "through the link\n");
	arc_trailer(&a);
	r = extract("arc-link", &a, MiB);
	UNIT_CHECK(r < 0 && strstr(err, "\"./link/x\""), "file through the archive's link: %d: %s",
		   r, err);
	UNIT_CHECK(count_tree(elsewhere) == 0 && count_tree(path("arc-link")) == 0,
		   "written through the archive's link");
	arc_free(&a);

	/*
	 * Links planted in DIR before: to a directory outside ("link"), to a
	 * file outside ("flink"), and one that dangles ("dangle").
	 */
	must(mkdir(path("planted"), 0755) == 0, "mkdir");
	must(symlink(elsewhere, path("planted/link")) == 0, "symlink");
	snprintf(target, sizeof(target), "%s", path("target"));
	write_file(target, "target\n");
	must(symlink(target, path("planted/flink")) == 0, "symlink");
	must(symlink(path("dangled"), path("planted/dangle")) == 0, "symlink");
	dfd = open(path("planted"), O_RDONLY | O_DIRECTORY);

	arc_dir(&a, ".", 0755);
	arc_file(&a, "./link/x", 0644, "through the link\n");
	arc_trailer(&a);
	fd = disk(&a, MiB);
	r = output_extract(fd, MiB, dfd, err);
	UNIT_CHECK(r == -ENOTDIR && strstr(err, "\"./link/x\"") && strstr(err, "not followed"),
		   "file through a planted link: %d: %s", r, err);
	close(fd);
	arc_free(&a);

	arc_dir(&a, ".", 0755);
	arc_dir(&a, "./link", 0755);
	arc_file(&a, "./link/y", 0644, "through the link\n");
	arc_trailer(&a);
	fd = disk(&a, MiB);
	r = output_extract(fd, MiB, dfd, err);
	UNIT_CHECK(r == -EEXIST && strstr(err, "\"./link\""),
		   "directory over a planted link: %d: %s", r, err);
	close(fd);
	arc_free(&a);

	arc_dir(&a, ".", 0755);
	arc_file(&a, "./flink", 0644, "overwritten\n");
	arc_trailer(&a);
	fd = disk(&a, MiB);
	r = output_extract(fd, MiB, dfd, err);
	UNIT_CHECK(r == -EEXIST, "file over a planted link: %d: %s", r, err);
	close(fd);
	arc_free(&a);

	arc_dir(&a, ".", 0755);
	arc_file(&a, "./dangle", 0644, "created\n");
	arc_trailer(&a);
	fd = disk(&a, MiB);
	r = output_extract(fd, MiB, dfd, err);
	UNIT_CHECK(r == -EEXIST, "file over a dangling link: %d: %s", r, err);
	close(fd);
	arc_free(&a);
	close(dfd);

	UNIT_CHECK(count_tree(elsewhere) == 0, "written into %s", elsewhere);
	check_file(target, "target\n", 7, 0644);
	UNIT_CHECK(!exists(path("dangled")), "created through a dangling link");
	UNIT_CHECK(count_tree(path("planted")) == 3, "planted: %d entries, want the 3 links",
		   count_tree(path("planted")));
}

/* The extractor's files, from /proc: which are open, and what fd @fd is. */
static bool child_has_fd(pid_t pid, int fd, char *what, size_t n)
{
	char p[64];
	ssize_t r;

	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, fd);
	r = readlink(p, what, n - 1);
	if (r < 0)
		return false;
	what[r] = '\0';
	return true;
}

static int child_nfds(pid_t pid)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/fd", (int)pid);
	return count_tree(p);
}

/*
 * settled() - wait (5 seconds at most) for the extractor to be waiting:
 * down to its 7 files, so past PR_SET_PDEATHSIG and close_others().
 */
static bool settled(pid_t pid)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (child_nfds(pid) == 7)
			return true;
		usleep(10000);
	}
	return false;
}

/* reap() - how @pid ended, or -1 if it has not within 10 seconds. */
static int reap(pid_t pid)
{
	int st, i;

	for (i = 0; i < 1000; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0)
			return -2;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* A valid little archive for the extractor. */
static void small(struct arc *a)
{
	arc_dir(a, ".", 0755);
	arc_dir(a, "./d", 0755);
	arc_file(a, "./d/result.txt", 0644, "42\n");
	arc_ent(a, "./lnk", 0120777, "d", 1);
	arc_trailer(a);
}

static void test_helper(void)
{
	struct output o;
	struct arc a = { 0 };
	char what[PATH_MAX];
	int fd, st, r, unrelated[2];

	small(&a);
	fd = disk(&a, 4 * MiB);

	/* Extract: DIR made, the files there, and a note of the skipped link. */
	must(pipe(unrelated) == 0, "pipe");
	r = output_start(&o, path("e2e-out"), fd, err);
	UNIT_CHECK(r == 0 && o.pid > 0, "output_start: %d: %s", r, err);
	check_dir(path("e2e-out"), 0755);
	UNIT_CHECK(count_tree(path("e2e-out")) == 0, "extracted before being asked");
	/* Let it close what it does not keep: then look at what it has. */
	settled(o.pid);
	UNIT_CHECK(!child_has_fd(o.pid, unrelated[0], what, sizeof(what)) &&
		   !child_has_fd(o.pid, unrelated[1], what, sizeof(what)),
		   "the extractor kept a pipe of the launcher's");
	UNIT_CHECK(child_has_fd(o.pid, 0, what, sizeof(what)) && !strcmp(what, "/dev/null") &&
		   child_has_fd(o.pid, 1, what, sizeof(what)) && !strcmp(what, "/dev/null"),
		   "the extractor's stdin or stdout is not /dev/null");
	UNIT_CHECK(child_nfds(o.pid) == 7, "the extractor has %d files open, want 7",
		   child_nfds(o.pid));
	close(unrelated[0]);
	close(unrelated[1]);
	r = output_finish(&o, true, err);
	UNIT_CHECK(r == 0 && strstr(err, "1 entry skipped"), "output_finish: %d: %s", r, err);
	check_file(path("e2e-out/d/result.txt"), "42\n", 3, 0644);
	UNIT_CHECK(count_tree(path("e2e-out")) == 2, "e2e: %d entries",
		   count_tree(path("e2e-out")));
	st = reap(o.pid);
	UNIT_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "extractor ended with status %#x", st);
	UNIT_CHECK(o.go_w == -1 && o.go_r == -1 && o.done_r == -1, "files left in o");
	r = output_finish(&o, true, err);
	UNIT_CHECK(r == -EINVAL, "output_finish twice: %d", r);

	/* Told not to: it exits, DIR stays as it was. */
	r = output_start(&o, path("e2e-no"), fd, err);
	UNIT_CHECK(r == 0, "output_start: %d: %s", r, err);
	r = output_finish(&o, false, err);
	UNIT_CHECK(r == 0, "output_finish(false): %d: %s", r, err);
	st = reap(o.pid);
	UNIT_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "extractor ended with status %#x", st);
	UNIT_CHECK(count_tree(path("e2e-no")) == 0, "extracted without being asked");

	/* The launcher's ends closed without a word (as when it dies). */
	r = output_start(&o, path("e2e-eof"), fd, err);
	UNIT_CHECK(r == 0, "output_start: %d: %s", r, err);
	close(o.go_w);
	close(o.go_r);
	close(o.done_r);
	st = reap(o.pid);
	UNIT_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "extractor ended with status %#x", st);
	UNIT_CHECK(count_tree(path("e2e-eof")) == 0, "extracted on EOF");

	/* The extractor killed first: an error, no SIGPIPE, no hang. */
	r = output_start(&o, path("e2e-killed"), fd, err);
	UNIT_CHECK(r == 0, "output_start: %d: %s", r, err);
	kill(o.pid, SIGKILL);
	reap(o.pid);
	r = output_finish(&o, true, err);
	UNIT_CHECK(r == -ECHILD && strstr(err, "without an answer"),
		   "finish after the extractor died: %d: %s", r, err);
	UNIT_CHECK(count_tree(path("e2e-killed")) == 0, "extracted by a dead extractor");
	close(fd);
	arc_free(&a);

	/* A hostile archive: the extractor's sentence comes back. */
	arc_dir(&a, ".", 0755);
	arc_file(&a, "./../evil", 0644, "evil\n");
	arc_trailer(&a);
	fd = disk(&a, MiB);
	r = output_start(&o, path("e2e-bad"), fd, err);
	UNIT_CHECK(r == 0, "output_start: %d: %s", r, err);
	r = output_finish(&o, true, err);
	UNIT_CHECK(r == -EINVAL && strstr(err, "\"./../evil\"") && strstr(err, "component"),
		   "hostile archive: %d: %s", r, err);
	st = reap(o.pid);
	UNIT_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x", st);
	UNIT_CHECK(!exists(path("evil")) && count_tree(path("e2e-bad")) == 0,
		   "hostile archive written");
	close(fd);
	arc_free(&a);

	/* What output_start() refuses. */
	small(&a);
	fd = disk(&a, 0);
	write_file(path("a-file"), "x");
	r = output_start(&o, path("a-file"), fd, err);
	UNIT_CHECK(r == -ENOTDIR && o.pid == -1 && strstr(err, "not a directory"),
		   "DIR a file: %d: %s", r, err);
	r = output_start(&o, path("no/such"), fd, err);
	UNIT_CHECK(r == -ENOENT && o.pid == -1, "DIR's parent missing: %d: %s", r, err);
	r = output_start(&o, path("bad-fd"), 999, err);
	UNIT_CHECK(r == -EBADF && !exists(path("bad-fd")), "bad disk fd: %d: %s", r, err);
	/* DIR a symlink to a directory: followed, as the user named it. */
	must(mkdir(path("real-dir"), 0755) == 0 && symlink(path("real-dir"), path("dir-link")) == 0,
	     "dir-link");
	r = output_start(&o, path("dir-link"), fd, err);
	UNIT_CHECK(r == 0, "DIR a symlink: %d: %s", r, err);
	r = output_finish(&o, true, err);
	UNIT_CHECK(r == 0, "DIR a symlink: %d: %s", r, err);
	check_file(path("real-dir/d/result.txt"), "42\n", 3, 0644);
	reap(o.pid);
	close(fd);
	arc_free(&a);
}

/*
 * The launcher dies (here, a middle process that exits without a word):
 * the extractor goes too, by PR_SET_PDEATHSIG or EOF, without extracting.
 * We are a subreaper, so it becomes our child to wait for.
 */
static void orphan(bool holder)
{
	struct arc a = { 0 };
	struct output o;
	pid_t mid, xpid = -1, hpid = -1;
	int p[2], fd, st;

	small(&a);
	fd = disk(&a, MiB);
	must(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 && pipe(p) == 0, "subreaper");
	mid = fork();
	must(mid >= 0, "fork");
	if (mid == 0) {
		if (output_start(&o, path(holder ? "orphan-held" : "orphan"), fd, err) < 0)
			_exit(3);
		/*
		 * A holder: a process with a copy of the launcher's end of
		 * the pipe, so the extractor sees no EOF: only the death
		 * signal can end it.
		 */
		if (holder) {
			hpid = fork();
			if (hpid == 0) {
				pause();
				_exit(0);
			}
		}
		if (write(p[1], &o.pid, sizeof(o.pid)) != sizeof(o.pid) ||
		    write(p[1], &hpid, sizeof(hpid)) != sizeof(hpid))
			_exit(4);
		/* Die once it waits, not before it could know who we are. */
		_exit(settled(o.pid) ? 0 : 5);
	}
	close(p[1]);
	if (read(p[0], &xpid, sizeof(xpid)) != sizeof(xpid) ||
	    read(p[0], &hpid, sizeof(hpid)) != sizeof(hpid))
		xpid = -1;
	close(p[0]);
	st = reap(mid);
	UNIT_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "middle: %#x", st);
	UNIT_CHECK(xpid > 0, "no extractor pid");
	if (xpid > 0) {
		st = reap(xpid);
		if (holder)
			UNIT_CHECK(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
				   "orphaned extractor, pipe held: %#x (-1: still running)", st);
		else
			UNIT_CHECK(st >= 0 && ((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
					       (WIFEXITED(st) && WEXITSTATUS(st) == 0)),
				   "orphaned extractor: %#x (-1: still running)", st);
	}
	if (hpid > 0) {
		kill(hpid, SIGKILL);
		reap(hpid);
	}
	UNIT_CHECK(count_tree(path(holder ? "orphan-held" : "orphan")) == 0,
		   "an orphan extracted");
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	close(fd);
	arc_free(&a);
}

static void test_orphan(void)
{
	orphan(false);
	orphan(true);
}

#ifdef __x86_64__
/*
 * The point of the helper: output_finish() from a launcher locked down
 * (lockdown.c), which dies of SIGSYS on any call it should not make.
 */
static void test_lockdown(void)
{
	struct arc a = { 0 };
	char lerr[LOCKDOWN_ERR_LEN];
	struct output o;
	pid_t pid;
	int fd, st;

	small(&a);
	fd = disk(&a, MiB);
	must(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "subreaper");
	pid = fork();
	must(pid >= 0, "fork");
	if (pid == 0) {
		if (output_start(&o, path("locked"), fd, err) < 0)
			_exit(3);
		if (lockdown_apply(lerr) < 0) {
			fprintf(stderr, "  lockdown: %s\n", lerr);
			_exit(4);
		}
		/* _exit: exit() would run LeakSanitizer, whose helper is no thread. */
		_exit(output_finish(&o, true, err) == 0 && strstr(err, "1 entry") ? 0 : 5);
	}
	st = reap(pid);
	UNIT_CHECK(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		   "locked-down launcher: %#x (signal %d)", st, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	check_file(path("locked/d/result.txt"), "42\n", 3, 0644);
	/* Its extractor, orphaned to us. */
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	close(fd);
	arc_free(&a);
}
#endif

int main(void)
{
	char cmd[PATH_MAX + 16];

	/* The extractor's files are counted: no test file may be fd 0 or 1. */
	while (fcntl(STDIN_FILENO, F_GETFD) < 0 || fcntl(STDOUT_FILENO, F_GETFD) < 0)
		must(open("/dev/null", O_RDWR) >= 0, "/dev/null");
	setvbuf(stdout, NULL, _IONBF, 0);	/* children must not flush ours */
	umask(022);
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(elsewhere, sizeof(elsewhere), "%s", path("elsewhere"));
	must(mkdir(elsewhere, 0755) == 0, elsewhere);
	test_good();
	test_empty();
	test_builder();
	test_real("busybox", "busybox cpio", "real-busybox");
	test_real("cpio", "cpio --quiet", "real-gnu");
	test_names();
	test_headers();
	test_limits();
	test_host();
	test_links();
	test_helper();
	test_orphan();
#ifdef __x86_64__
	test_lockdown();
#endif
	UNIT_CHECK(count_tree(elsewhere) == 0, "something in %s", elsewhere);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
	return unit_summary("output");
}
