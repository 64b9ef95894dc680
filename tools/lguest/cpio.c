// SPDX-License-Identifier: GPL-2.0
/*
 * cpio.c - builds a "newc" cpio archive in memory, the format the kernel's
 * initramfs unpacker reads (Documentation/driver-api/early-userspace/
 * buffer-format.rst).  The sandbox command appends one after the base
 * initramfs to put the user's files and a few config files into the guest.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpio.h"
#include "util.h"

#define CPIO_MAGIC	"070701"
#define CPIO_HDR_LEN	110		/* the magic and 13 fields of 8 hex digits */
#define CPIO_TRAILER	"TRAILER!!!"
#define CPIO_BLOCK	512		/* what cpio_finish() pads the archive to */
#define CPIO_MIN_CAP	(64 * 1024)
#define MiB		(1024 * 1024)

/* Header fields, by their place after the magic. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
	F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK };

/*
 * The permission bits a host file keeps: everything is root's in the guest,
 * so a user's set-id program would be a set-id-root one there.
 */
#define HOST_PERM(m)	((m) & 07777 & ~(S_ISUID | S_ISGID))

/* The reason, in the caller's CPIO_ERR_LEN buffer; returns -@e (util.c). */
#define fail(err, e, ...)	errnof(err, CPIO_ERR_LEN, e, __VA_ARGS__)

/* The zero bytes that take @n up to a multiple of 4. */
static size_t pad4(uint64_t n)
{
	return (4 - (n & 3)) & 3;
}

/* The header's 32-bit fields: a time before 1970 or after 2106 is clamped. */
static uint32_t mtime32(time_t t)
{
	if (t < 0)
		return 0;
	if ((uint64_t)t > UINT32_MAX)
		return UINT32_MAX;
	return t;
}

/* An archive that would pass its limit; @what names the file to blame. */
static int too_big(const struct cpio *c, const char *what, char *err)
{
	if (c->limit % MiB == 0)
		return fail(err, EFBIG,
			    "%s: the guest's initramfs would be more than %zu MiB",
			    what, c->limit / MiB);
	return fail(err, EFBIG,
		    "%s: the guest's initramfs would be more than %zu bytes",
		    what, c->limit);
}

/*
 * Room for @n more bytes, growing the buffer by doubling (so a tree of many
 * files costs few reallocs) but never past the limit.  The caller has
 * checked that @n fits under the limit.
 */
static int reserve(struct cpio *c, size_t n, const char *what, char *err)
{
	size_t cap;
	uint8_t *p;

	if (n <= c->cap - c->len)
		return 0;
	cap = c->cap ? c->cap : CPIO_MIN_CAP;
	while (cap - c->len < n)
		cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
	if (cap > c->limit)
		cap = c->limit;
	p = realloc(c->buf, cap);
	if (!p)
		return fail(err, ENOMEM, "%s: no memory for a %zu-byte initramfs",
			    what, cap);
	c->buf = p;
	c->cap = cap;
	return 0;
}

/*
 * entry_begin() - make room for a whole entry at the end of the archive and
 * write all of it but the data: the header, the name with its NUL and
 * padding, and the padding after the data.  *@data is where the @size bytes
 * of data go; entry_commit() then adds the entry to the archive, so one
 * that fails in between (a file that cannot be read) leaves nothing behind.
 * @what names the file for messages.
 */
static int entry_begin(struct cpio *c, const char *name, unsigned int mode,
		       unsigned int nlink, uint32_t mtime, uint64_t size,
		       const char *what, char *err, uint8_t **data, size_t *total)
{
	char hdr[CPIO_HDR_LEN + 1];
	size_t namesize = strlen(name) + 1;
	uint64_t head, all;
	uint8_t *p;
	int r;

	/* The kernel takes no name longer than PATH_MAX, its NUL included. */
	if (namesize > PATH_MAX)
		return fail(err, ENAMETOOLONG,
			    "%s: its path in the guest would be longer than %d bytes",
			    what, PATH_MAX - 1);
	if (size > UINT32_MAX)
		return fail(err, EFBIG,
			    "%s: %llu bytes, more than a cpio entry can hold (4 GiB)",
			    what, (unsigned long long)size);
	/* No overflow: namesize <= PATH_MAX and size < 4 GiB. */
	head = CPIO_HDR_LEN + namesize;
	head += pad4(head);
	all = head + size + pad4(size);
	if (all > c->limit - c->len)
		return too_big(c, what, err);
	r = reserve(c, all, what, err);
	if (r)
		return r;

	snprintf(hdr, sizeof(hdr),
		 CPIO_MAGIC "%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->ino + 1, mode, 0, 0, nlink, mtime, (uint32_t)size,
		 0, 0, 0, 0, (uint32_t)namesize, 0);
	p = c->buf + c->len;
	memcpy(p, hdr, CPIO_HDR_LEN);
	memcpy(p + CPIO_HDR_LEN, name, namesize);
	memset(p + CPIO_HDR_LEN + namesize, 0, head - CPIO_HDR_LEN - namesize);
	memset(p + head + size, 0, pad4(size));
	*data = p + head;
	*total = all;
	return 0;
}

/* entry_commit() - the entry entry_begin() wrote is now part of the archive. */
static void entry_commit(struct cpio *c, size_t total)
{
	c->len += total;
	c->ino++;
}

/* A whole entry whose data is in memory: a file, a directory, a symlink. */
static int add_entry(struct cpio *c, const char *name, unsigned int mode,
		     unsigned int nlink, uint32_t mtime, const void *src,
		     size_t size, const char *what, char *err)
{
	uint8_t *data;
	size_t total;
	int r;

	r = entry_begin(c, name, mode, nlink, mtime, size, what, err,
			&data, &total);
	if (r)
		return r;
	if (size)
		memcpy(data, src, size);
	entry_commit(c, total);
	return 0;
}

/*
 * guest_name() - check a path in the guest and write it as the archive
 * spells it into @out (PATH_MAX bytes): no leading or trailing "/", no "//",
 * no "." components.  ".." is refused rather than resolved, so nothing a
 * caller builds from user input can climb out of where it was meant to go;
 * and "TRAILER!!!", which would end the archive early for GNU cpio.
 */
static int guest_name(const char *in, char *out, char *err)
{
	const char *p = in, *q;
	size_t n = 0, len;

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		q = strchr(p, '/');
		if (!q)
			q = p + strlen(p);
		len = q - p;
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return fail(err, EINVAL,
				    "guest path \"%s\": \"..\" is not allowed", in);
		if (!(len == 1 && p[0] == '.')) {
			if (n + !!n + len >= PATH_MAX)
				return fail(err, EINVAL,
					    "guest path \"%.64s...\": longer than %d bytes",
					    in, PATH_MAX - 1);
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p = q;
	}
	out[n] = '\0';
	if (!n)
		return fail(err, EINVAL, "guest path \"%s\": names no file", in);
	if (!strcmp(out, CPIO_TRAILER))
		return fail(err, EINVAL,
			    "guest path \"%s\": the name of the archive's end marker",
			    in);
	return 0;
}

/* The value of header field @i of the entry at @h (which we wrote). */
static uint32_t field(const uint8_t *h, int i)
{
	const uint8_t *p = h + 6 + 8 * i;
	uint32_t v = 0;
	int k;

	for (k = 0; k < 8; k++) {
		uint8_t d = p[k];

		v = v << 4 | (d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
	}
	return v;
}

/*
 * has_dir() - whether the archive already holds the directory @name.
 * cpio_add_parents() asks, so that adding "a/b/x" after "a/b" does not put
 * "a/b" in again: the kernel would chmod the directory back to 0755, and a
 * caller that added "tmp" as 01777 wants it to stay that way.  A walk of the
 * archive rather than a table: one walk per cpio_add_parents(), and struct
 * cpio stays a plain buffer.
 */
static bool has_dir(const struct cpio *c, const char *name)
{
	size_t off = 0, namesize = strlen(name) + 1;

	while (c->len - off >= CPIO_HDR_LEN) {
		const uint8_t *h = c->buf + off;
		uint32_t mode = field(h, F_MODE), size = field(h, F_FILESIZE);
		uint32_t hn = field(h, F_NAMESIZE);
		size_t head = CPIO_HDR_LEN + hn;

		if (memcmp(h, CPIO_MAGIC, 6))
			break;
		if (S_ISDIR(mode) && hn == namesize &&
		    !memcmp(h + CPIO_HDR_LEN, name, namesize))
			return true;
		off += head + pad4(head) + size + pad4(size);
	}
	return false;
}

/**
 * cpio_init() - start an empty archive.
 * @c: the archive.
 * @limit: the most bytes it may grow to, padding and trailer included; an
 *	addition that would pass it fails with -EFBIG.  The guest unpacks the
 *	archive into RAM, so the caller sets this from the guest's memory.
 */
void cpio_init(struct cpio *c, size_t limit)
{
	memset(c, 0, sizeof(*c));
	c->limit = limit;
}

/**
 * cpio_add_bytes() - add a regular file with the given contents.
 * @c: the archive.
 * @guest_path: where it goes in the guest ("/etc/x" and "etc/x" alike).
 * @data: its contents (may be NULL if @len is 0).
 * @len: their size.
 * @mode: its permission bits (& 07777); owner root, mtime now.
 * @err: CPIO_ERR_LEN bytes for the reason of a failure.
 *
 * Its parent directories must be in the guest already (the base initramfs
 * or an earlier entry): call cpio_add_parents() first if they may not be.
 *
 * Return: 0, -EINVAL for a bad @guest_path, -EFBIG past the limit, -ENOMEM.
 */
int cpio_add_bytes(struct cpio *c, const char *guest_path, const void *data,
		   size_t len, unsigned int mode, char *err)
{
	char name[PATH_MAX];
	int r;

	r = guest_name(guest_path, name, err);
	if (r)
		return r;
	if (!data && len)
		return fail(err, EINVAL, "%s: no data for %zu bytes", guest_path, len);
	return add_entry(c, name, S_IFREG | (mode & 07777), 1, mtime32(time(NULL)),
			 data, len, guest_path, err);
}

/**
 * cpio_add_dir() - add a directory.
 * @c: the archive.
 * @guest_path: where it goes in the guest.
 * @mode: its permission bits (& 07777); owner root, mtime now.
 * @err: CPIO_ERR_LEN bytes for the reason of a failure.
 *
 * If the directory exists in the guest already (from the base initramfs),
 * the kernel's unpacker gives it @mode and root as owner.
 *
 * Return: 0, -EINVAL for a bad @guest_path, -EFBIG past the limit, -ENOMEM.
 */
int cpio_add_dir(struct cpio *c, const char *guest_path, unsigned int mode,
		 char *err)
{
	char name[PATH_MAX];
	int r;

	r = guest_name(guest_path, name, err);
	if (r)
		return r;
	return add_entry(c, name, S_IFDIR | (mode & 07777), 2,
			 mtime32(time(NULL)), NULL, 0, guest_path, err);
}

/**
 * cpio_add_parents() - "mkdir -p" the directories above a path in the guest.
 * @c: the archive.
 * @guest_path: the path; each of its components but the last is added as a
 *	directory of mode 0755, unless the archive has it already.
 * @err: CPIO_ERR_LEN bytes for the reason of a failure.
 *
 * The kernel's unpacker creates each entry with one mkdir or open, so a
 * file's directory must come before it.  Beware that a directory the base
 * initramfs has already (say /tmp, 01777) gets mode 0755 this way: add it
 * with cpio_add_dir() and its real mode first.
 *
 * Return: 0, -EINVAL for a bad @guest_path, -EFBIG past the limit, -ENOMEM;
 * on failure the archive is as it was.
 */
int cpio_add_parents(struct cpio *c, const char *guest_path, char *err)
{
	size_t len = c->len;
	unsigned int ino = c->ino;
	uint32_t now = mtime32(time(NULL));
	char name[PATH_MAX], *slash;
	int r;

	r = guest_name(guest_path, name, err);
	if (r)
		return r;
	for (slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		r = 0;
		if (!has_dir(c, name))
			r = add_entry(c, name, S_IFDIR | 0755, 2, now, NULL, 0,
				      guest_path, err);
		*slash = '/';
		if (r) {
			c->len = len;
			c->ino = ino;
			return r;
		}
	}
	return 0;
}

/* Where cpio_add_host() is in its walk. */
struct walk {
	struct cpio *c;
	char *err;
	unsigned int entries;		/* seen so far, skipped ones too */
	char guest[PATH_MAX];		/* the archive's name for this entry */
	char host[2 * PATH_MAX];	/* and the host's, for messages */
};

/* Go down into @name: append it to both paths; their old lengths in @gl, @hl. */
static int walk_push(struct walk *w, const char *name, size_t *gl, size_t *hl)
{
	size_t n = strlen(name);

	*gl = strlen(w->guest);
	*hl = strlen(w->host);
	if (*gl + 1 + n >= sizeof(w->guest) || *hl + 1 + n >= sizeof(w->host))
		return fail(w->err, ENAMETOOLONG,
			    "%s/%s: its path in the guest would be longer than %d bytes",
			    w->host, name, PATH_MAX - 1);
	w->guest[*gl] = '/';
	memcpy(w->guest + *gl + 1, name, n + 1);
	w->host[*hl] = '/';
	memcpy(w->host + *hl + 1, name, n + 1);
	return 0;
}

static void walk_pop(struct walk *w, size_t gl, size_t hl)
{
	w->guest[gl] = '\0';
	w->host[hl] = '\0';
}

/*
 * The file we opened must be the one we looked at: else the tree changed
 * between the two, and what we would copy is not what we checked.
 */
static int same_file(struct walk *w, const struct stat *st,
		     const struct stat *want)
{
	if (st->st_dev != want->st_dev || st->st_ino != want->st_ino ||
	    (st->st_mode & S_IFMT) != (want->st_mode & S_IFMT))
		return fail(w->err, EAGAIN, "%s: changed while being copied",
			    w->host);
	return 0;
}

/*
 * copy_file() - the regular file open at @fd.  Exactly the size fstat()
 * gives is read, straight into the archive: a file that grows meanwhile
 * is cut at that size (the header already says it), one that shrinks is an
 * error rather than a file padded with bytes it never had.
 */
static int copy_file(struct walk *w, int fd, const struct stat *want)
{
	struct stat st;
	uint8_t *data;
	size_t total, got = 0;
	ssize_t n;
	int r;

	if (fstat(fd, &st))
		return fail(w->err, errno, "%s: %s", w->host, strerror(errno));
	r = same_file(w, &st, want);
	if (r)
		return r;
	r = entry_begin(w->c, w->guest, S_IFREG | HOST_PERM(st.st_mode), 1,
			mtime32(st.st_mtime), st.st_size, w->host, w->err,
			&data, &total);
	if (r)
		return r;
	while (got < (size_t)st.st_size) {
		n = read(fd, data + got, st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(w->err, errno, "%s: %s", w->host,
				    strerror(errno));
		if (n == 0)
			return fail(w->err, EIO,
				    "%s: shrank from %lld to %zu bytes while being read",
				    w->host, (long long)st.st_size, got);
		got += n;
	}
	entry_commit(w->c, total);
	return 0;
}

/* copy_symlink() - the symlink @name in @dfd, as a symlink: not followed. */
static int copy_symlink(struct walk *w, int dfd, const char *name,
			const struct stat *st)
{
	char target[PATH_MAX];
	ssize_t n;

	n = readlinkat(dfd, name, target, sizeof(target));
	if (n < 0)
		return fail(w->err, errno == EINVAL ? EAGAIN : errno, "%s: %s",
			    w->host, errno == EINVAL ?
			    "changed while being copied" : strerror(errno));
	/* The kernel skips a symlink whose target is longer than PATH_MAX. */
	if (n == sizeof(target))
		return fail(w->err, ENAMETOOLONG, "%s: its target is too long",
			    w->host);
	return add_entry(w->c, w->guest, S_IFLNK | (st->st_mode & 07777), 1,
			 mtime32(st->st_mtime), target, n, w->host, w->err);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/*
 * read_names() - the names in directory @d but "." and "..", sorted, so an
 * archive of the same tree comes out the same.  NULL-terminated, in *@out.
 */
static int read_names(struct walk *w, DIR *d, char ***out)
{
	char **names = NULL, **p;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int e = 0;

	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			e = errno;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++w->entries > CPIO_MAX_ENTRIES) {
			e = E2BIG;
			break;
		}
		if (n + 1 >= cap) {
			cap = cap ? 2 * cap : 16;
			p = realloc(names, cap * sizeof(*names));
			if (!p) {
				e = ENOMEM;
				break;
			}
			names = p;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			e = ENOMEM;
			break;
		}
		names[++n] = NULL;
	}
	if (e) {
		while (n)
			free(names[--n]);
		free(names);
		if (e == E2BIG)
			return fail(w->err, e, "%s: more than %u files to copy",
				    w->host, CPIO_MAX_ENTRIES);
		return fail(w->err, e, "%s: %s", w->host, strerror(e));
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	return 0;
}

static int copy_dir(struct walk *w, int fd, const struct stat *want,
		    unsigned int depth);

/*
 * copy_child() - entry @name of the directory open at @dfd.  Looked at
 * without following a symlink, and opened relative to @dfd with O_NOFOLLOW:
 * a symlink put in its place meanwhile fails the open instead of taking us
 * somewhere else on the host.  Devices, fifos and sockets are skipped: the
 * guest has its own, and a fifo's open would wait for a writer.
 */
static int copy_child(struct walk *w, int dfd, const char *name,
		      unsigned int depth)
{
	struct stat st;
	int fd, r;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		/* Gone since readdir(): as if we had come a moment later. */
		if (errno == ENOENT)
			return 0;
		return fail(w->err, errno, "%s: %s", w->host, strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return copy_symlink(w, dfd, name, &st);
	if (S_ISREG(st.st_mode)) {
		/* O_NONBLOCK: should it be a fifo by now, the open won't hang. */
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			    O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return fail(w->err, errno, "%s: %s", w->host,
				    strerror(errno));
		r = copy_file(w, fd, &st);
		close(fd);
		return r;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth >= CPIO_MAX_DEPTH)
			return fail(w->err, ELOOP,
				    "%s: more than %d directories deep",
				    w->host, CPIO_MAX_DEPTH);
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd < 0)
			return fail(w->err, errno, "%s: %s", w->host,
				    strerror(errno));
		return copy_dir(w, fd, &st, depth + 1);
	}
	return 0;
}

/*
 * copy_dir() - the directory open at @fd (which this closes) and all below
 * it; @depth is how far below the top it is.  Its own entry comes first:
 * the kernel makes each entry with one mkdir or open.
 */
static int copy_dir(struct walk *w, int fd, const struct stat *want,
		    unsigned int depth)
{
	struct stat st;
	char **names = NULL;
	size_t gl, hl;
	DIR *d;
	int r, i;

	if (fstat(fd, &st)) {
		r = fail(w->err, errno, "%s: %s", w->host, strerror(errno));
		close(fd);
		return r;
	}
	r = same_file(w, &st, want);
	if (!r)
		r = add_entry(w->c, w->guest, S_IFDIR | HOST_PERM(st.st_mode), 2,
			      mtime32(st.st_mtime), NULL, 0, w->host, w->err);
	if (r) {
		close(fd);
		return r;
	}
	d = fdopendir(fd);
	if (!d) {
		r = fail(w->err, errno, "%s: %s", w->host, strerror(errno));
		close(fd);
		return r;
	}
	r = read_names(w, d, &names);
	if (r) {
		closedir(d);
		return r;
	}
	for (i = 0; names && names[i]; i++) {
		if (!r) {
			r = walk_push(w, names[i], &gl, &hl);
			if (!r) {
				r = copy_child(w, dirfd(d), names[i], depth);
				walk_pop(w, gl, hl);
			}
		}
		free(names[i]);
	}
	free(names);
	closedir(d);
	return r;
}

/**
 * cpio_add_host() - copy a host file, or a directory and all below it.
 * @c: the archive.
 * @host_path: the file or directory; a symlink here is followed, one below
 *	a directory is copied as a symlink.
 * @guest_path: where it goes in the guest; its parent directories are
 *	added first (cpio_add_parents()).
 * @err: CPIO_ERR_LEN bytes for the reason of a failure, which names the
 *	host path.
 *
 * Regular files, directories and symlinks are copied with their permission
 * bits but set-uid and set-gid, owned by root, with their mtimes; devices,
 * fifos and sockets below a directory are skipped.  Hard links become
 * separate files.  The walk goes through directory fds and never follows a
 * symlink below @host_path, so a tree changed meanwhile cannot send it
 * elsewhere on the host; it goes at most CPIO_MAX_DEPTH directories deep
 * and looks at CPIO_MAX_ENTRIES entries.
 *
 * Return: 0 or -errno (-ENOENT for a missing @host_path, -EINVAL for a bad
 * @guest_path or a @host_path that is neither a file nor a directory,
 * -EFBIG past the limit, -ELOOP too deep); on failure the archive is as
 * it was.
 */
int cpio_add_host(struct cpio *c, const char *host_path,
		  const char *guest_path, char *err)
{
	size_t len = c->len, hl;
	unsigned int ino = c->ino;
	struct walk *w;
	struct stat st;
	int fd, r;

	w = calloc(1, sizeof(*w));
	if (!w)
		return fail(err, ENOMEM, "%s: %s", host_path, strerror(ENOMEM));
	w->c = c;
	w->err = err;
	r = guest_name(guest_path, w->guest, err);
	if (r)
		goto out;
	hl = strlen(host_path);
	if (hl >= PATH_MAX) {
		r = fail(err, ENAMETOOLONG, "%.64s...: %s", host_path,
			 strerror(ENAMETOOLONG));
		goto out;
	}
	/* Messages say "dir/x", not "dir//x", for a "dir/" argument. */
	while (hl > 1 && host_path[hl - 1] == '/')
		hl--;
	memcpy(w->host, host_path, hl);

	if (stat(host_path, &st)) {
		r = fail(err, errno, "%s: %s", host_path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		r = fail(err, EINVAL, "%s: not a regular file or a directory",
			 host_path);
		goto out;
	}
	r = cpio_add_parents(c, w->guest, err);
	if (r)
		goto out;
	if (S_ISDIR(st.st_mode)) {
		fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			r = fail(err, errno, "%s: %s", host_path, strerror(errno));
			goto out;
		}
		r = copy_dir(w, fd, &st, 0);
	} else {
		fd = open(host_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			r = fail(err, errno, "%s: %s", host_path, strerror(errno));
			goto out;
		}
		r = copy_file(w, fd, &st);
		close(fd);
	}
out:
	if (r) {
		c->len = len;
		c->ino = ino;
	}
	free(w);
	return r;
}

/**
 * cpio_finish() - end the archive: the "TRAILER!!!" entry, then zeros up
 * to a multiple of 512 bytes.
 * @c: the archive; nothing may be added after this.
 * @err: CPIO_ERR_LEN bytes for the reason of a failure.
 *
 * The kernel wants the next archive after this one at a multiple of 4 from
 * the start of the initrd (it skips the zeros between); 512 makes that so
 * for whatever follows this one, and is what GNU cpio writes.  The caller
 * must still start this archive at such an offset: padding the base
 * initramfs to a multiple of 4 (or 512) does it.
 *
 * Return: 0, -EFBIG past the limit, -ENOMEM.
 */
int cpio_finish(struct cpio *c, char *err)
{
	uint8_t *data;
	size_t total, pad;
	int r;

	r = entry_begin(c, CPIO_TRAILER, 0, 1, 0, 0, "the archive's end", err,
			&data, &total);
	if (r)
		return r;
	pad = (CPIO_BLOCK - (c->len + total) % CPIO_BLOCK) % CPIO_BLOCK;
	if (pad > c->limit - c->len - total)
		return too_big(c, "the archive's end", err);
	r = reserve(c, total + pad, "the archive's end", err);
	if (r)
		return r;
	/* reserve() may have moved the buffer entry_begin() wrote in. */
	memset(c->buf + c->len + total, 0, pad);
	c->len += total + pad;
	return 0;
}

/**
 * cpio_free() - free an archive's buffer; cpio_init() may start it again.
 * @c: the archive.
 */
void cpio_free(struct cpio *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}
