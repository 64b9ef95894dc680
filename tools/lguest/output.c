// SPDX-License-Identifier: GPL-2.0
/*
 * output.c - "lguest run --output DIR": unpack the newc cpio archive the
 * guest's init left on its output disk into DIR on the host.  The guest is
 * hostile, so nothing in the archive may reach outside DIR, follow a
 * symbolic link, overwrite a file, or make anything but files and
 * directories.  A helper process does it: the launcher itself is locked
 * down by then (lockdown.c) and may open nothing.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* O_PATH, pipe2(), strerrordesc_np() */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "output.h"
#include "util.h"

#define CPIO_MAGIC	"070701"	/* newc; not 070702 (newc with checksums) */
#define HDR_LEN		110		/* the magic and 13 fields of 8 hex digits */
#define TRAILER		"TRAILER!!!"
#define COPY_CHUNK	(64 * 1024)
#define NAME_SHOWN	200		/* bytes of a name quoted in a message */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A disk past 2 GiB must not wrap pread()'s offset (m32: -D_FILE_OFFSET_BITS=64). */
_Static_assert(sizeof(off_t) == 8, "output.c needs a 64-bit off_t");

/* What output_finish() writes to the extractor: extract, then exit. */
#define GO_EXTRACT	'x'

/* Header fields, by their place after the magic. */
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR,
	F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, F_COUNT };

/* One output_extract(): the archive, where it goes, and a pass over it. */
struct extract {
	int afd, dir_fd;
	uint64_t len;
	char *err;
	bool apply;			/* this pass creates; the first only checks */
	unsigned int entries, skipped;
	char raw[PATH_MAX];		/* the entry's name, as the archive has it */
	char shown[NAME_SHOWN * 4 + 8];	/* ...quoted for messages */
	const char *name;		/* ...without its "./" */
	/* The directory of the last entry: the next one is likely in it too. */
	char cached[PATH_MAX];
	size_t cached_len;
	int cached_fd;
	uint8_t *buf;			/* COPY_CHUNK bytes for the data */
};

/* The reason, in the caller's OUTPUT_ERR_LEN buffer; returns -@e (util.c). */
#define fail(err, e, ...)	errnof(err, OUTPUT_ERR_LEN, e, __VA_ARGS__)

/* The zero bytes that take @n up to a multiple of 4. */
static uint64_t pad4(uint64_t n)
{
	return (4 - (n & 3)) & 3;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * quote() - a name from the archive, fit to print: the guest chose its
 * bytes, and a newline or an escape sequence in a message would speak to
 * the user's terminal, or end output_finish()'s one-line answer early.
 * Bytes outside printable ASCII become \xNN; past NAME_SHOWN, "...".
 */
static void quote(char *out, const char *in, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < NAME_SHOWN; i++) {
		unsigned char c = in[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = c;
		else
			o += sprintf(out + o, "\\x%02x", c);
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/*
 * read_at() - @n bytes at @off of the archive.  The caller checked that
 * they are within its @len; a file shorter than that is an error too.
 */
static int read_at(struct extract *x, uint64_t off, void *p, size_t n)
{
	uint8_t *q = p;

	while (n) {
		ssize_t r = pread(x->afd, q, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(x->err, errno, "cannot read the archive at byte %llu: %s",
				    (unsigned long long)off, strerror(errno));
		if (r == 0)
			return fail(x->err, EIO,
				    "the archive's file ends at byte %llu, before its %llu bytes",
				    (unsigned long long)off, (unsigned long long)x->len);
		q += r;
		off += r;
		n -= r;
	}
	return 0;
}

/* write_all() - all @n bytes of @p to @fd, or -errno. */
static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *q = p;

	while (n) {
		ssize_t r = write(fd, q, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		q += r;
		n -= r;
	}
	return 0;
}

/* hex8() - a header field: exactly 8 hex digits, nothing else (no "0x"). */
static bool hex8(const uint8_t *p, uint32_t *v)
{
	int i, d;

	*v = 0;
	for (i = 0; i < 8; i++) {
		d = hexval(p[i]);
		if (d < 0)
			return false;
		*v = *v << 4 | d;
	}
	return true;
}

static void drop_cache(struct extract *x)
{
	if (x->cached_fd >= 0)
		close(x->cached_fd);
	x->cached_fd = -1;
	x->cached_len = 0;
}

/*
 * check_name() - decide what the entry's name means: 1 for ".", the
 * archive's top (busybox writes it first; DIR is already there), else 0
 * with x->name set, or an error.  busybox's "find ." gives "./a/b": the
 * "./" goes.  What is left must be a plain relative path: no "/" in
 * front, no "." or ".." component, no empty one ("a//b", "a/"), no
 * control character (a newline or an escape in a file name is there to
 * fool a shell or a terminal later), at most OUTPUT_MAX_DEPTH components.
 * Refused rather than cleaned up: an archive busybox wrote never has
 * them, so one that does is an attack, and the whole archive goes.
 */
static int check_name(struct extract *x)
{
	const char *n = x->raw, *p, *q;
	unsigned int depth = 0;
	size_t len, i;

	if (!strcmp(n, "."))
		return 1;
	if (n[0] == '.' && n[1] == '/')
		n += 2;
	if (*n == '/')
		return fail(x->err, EINVAL, "entry \"%s\": an absolute name", x->shown);
	if (!*n)
		return fail(x->err, EINVAL, "entry \"%s\": an empty name", x->shown);
	for (p = n; ; p = q + 1) {
		q = strchr(p, '/');
		len = q ? (size_t)(q - p) : strlen(p);
		if (!len)
			return fail(x->err, EINVAL,
				    "entry \"%s\": an empty component (\"//\" or a \"/\" at the end)",
				    x->shown);
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return fail(x->err, EINVAL, "entry \"%s\": a \".\" or \"..\" component",
				    x->shown);
		if (len > NAME_MAX)
			return fail(x->err, ENAMETOOLONG,
				    "entry \"%s\": a component longer than %d bytes",
				    x->shown, NAME_MAX);
		for (i = 0; i < len; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return fail(x->err, EINVAL,
					    "entry \"%s\": a control character in the name",
					    x->shown);
		if (++depth > OUTPUT_MAX_DEPTH)
			return fail(x->err, ELOOP,
				    "entry \"%s\": more than %d levels deep", x->shown,
				    OUTPUT_MAX_DEPTH);
		if (!q)
			break;
	}
	x->name = n;
	return 0;
}

/*
 * parent() - the directory the entry goes in, and its last component.
 * Walked one component at a time from DIR, each opened O_NOFOLLOW and
 * O_DIRECTORY: a symbolic link anywhere, even one the host had in DIR
 * before (planted by someone), stops it, as does a file.  With no ".."
 * (check_name()) and no link followed, the walk cannot leave DIR.
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) would do the same in one
 * call, but only from Linux 5.6; one way for every kernel is less to get
 * wrong.  O_PATH: no read permission is needed to pass through.  The
 * directory must exist: busybox lists a directory before what is in it,
 * so a missing one is refused rather than made up.
 */
static int parent(struct extract *x, int *pfd, const char **leaf)
{
	const char *slash = strrchr(x->name, '/');
	char path[PATH_MAX], *p, *q;
	size_t plen;
	int fd, nfd, e;

	if (!slash) {
		*pfd = x->dir_fd;
		*leaf = x->name;
		return 0;
	}
	*leaf = slash + 1;
	plen = slash - x->name;
	if (x->cached_fd >= 0 && plen == x->cached_len &&
	    !memcmp(x->cached, x->name, plen)) {
		*pfd = x->cached_fd;
		return 0;
	}
	drop_cache(x);
	memcpy(path, x->name, plen);
	path[plen] = '\0';
	fd = x->dir_fd;
	for (p = path; p; p = q) {
		q = strchr(p, '/');
		if (q)
			*q++ = '\0';
		nfd = openat(fd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		if (fd != x->dir_fd)
			close(fd);
		if (nfd < 0) {
			if (e == ENOENT)
				return fail(x->err, ENOENT,
					    "entry \"%s\": its directory is missing (the archive must list a directory before what is in it)",
					    x->shown);
			if (e == ENOTDIR || e == ELOOP)
				return fail(x->err, ENOTDIR,
					    "entry \"%s\": a symbolic link or a non-directory on its way (not followed)",
					    x->shown);
			return fail(x->err, e, "entry \"%s\": cannot open its directory: %s",
				    x->shown, strerror(e));
		}
		fd = nfd;
	}
	memcpy(x->cached, x->name, plen);
	x->cached_len = plen;
	x->cached_fd = fd;
	*pfd = fd;
	return 0;
}

/*
 * make_dir() - a directory entry.  Only its permission bits, never
 * set-id or sticky; and always rwx for its owner, us, or we could not put
 * its files in it (GNU cpio would fix the mode up at the end; nothing in
 * a guest's results needs a directory we cannot write).  One that DIR
 * has already is used as it is, mode unchanged: it is the host's; but a
 * symbolic link or a file of that name is an error.
 */
static int make_dir(struct extract *x, uint32_t mode)
{
	const char *leaf;
	int pfd, fd, r;

	r = parent(x, &pfd, &leaf);
	if (r)
		return r;
	if (mkdirat(pfd, leaf, (mode & 0777) | 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return fail(x->err, errno, "entry \"%s\": cannot make the directory: %s",
			    x->shown, strerror(errno));
	fd = openat(pfd, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(x->err, EEXIST,
			    "entry \"%s\": already on the host, and not as a directory",
			    x->shown);
	close(fd);
	return 0;
}

/*
 * make_file() - a regular file entry: created O_EXCL | O_NOFOLLOW, so
 * nothing already there is ever overwritten or followed (a file the host
 * had, an earlier entry of the same name, a link planted in DIR), then
 * its @size bytes copied from @data in the archive.  Permission bits
 * only, under the umask.  Hard links are not made: newc keeps the data
 * with the last link, so the earlier ones come out as empty files.
 */
static int make_file(struct extract *x, uint32_t mode, uint64_t data,
		     uint32_t size)
{
	const char *leaf;
	int pfd, fd, r;

	r = parent(x, &pfd, &leaf);
	if (r)
		return r;
	fd = openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    mode & 0777);
	if (fd < 0) {
		if (errno == EEXIST)
			return fail(x->err, EEXIST,
				    "entry \"%s\": already on the host: not overwritten",
				    x->shown);
		return fail(x->err, errno, "entry \"%s\": cannot create the file: %s",
			    x->shown, strerror(errno));
	}
	while (size) {
		size_t n = size < COPY_CHUNK ? size : COPY_CHUNK;

		r = read_at(x, data, x->buf, n);
		if (r)
			break;
		r = write_all(fd, x->buf, n);
		if (r) {
			r = fail(x->err, -r, "entry \"%s\": cannot write the file: %s",
				 x->shown, strerror(-r));
			break;
		}
		data += n;
		size -= n;
	}
	if (close(fd) < 0 && !r)
		r = fail(x->err, errno, "entry \"%s\": cannot write the file: %s",
			 x->shown, strerror(errno));
	return r;
}

/* One entry whose header, name and data are known to be within the archive. */
static int entry(struct extract *x, uint32_t mode, uint64_t data, uint32_t size)
{
	int r = check_name(x);

	if (r)
		return r < 0 ? r : 0;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		if (size)
			return fail(x->err, EINVAL,
				    "entry \"%s\": a directory with %u bytes of data",
				    x->shown, size);
		return x->apply ? make_dir(x, mode) : 0;
	case S_IFREG:
		return x->apply ? make_file(x, mode, data, size) : 0;
	}
	/* Symbolic links, devices, FIFOs, sockets: nothing a result needs. */
	if (x->apply)
		x->skipped++;
	return 0;
}

/* An archive that stops before its "TRAILER!!!" entry. */
static int truncated(struct extract *x, uint64_t off)
{
	return fail(x->err, EINVAL,
		    "the archive is truncated: it stops at byte %llu, after %u entries, without its end marker (" TRAILER ")",
		    (unsigned long long)off, x->entries);
}

/*
 * walk() - one pass over the archive, from its start to its trailer.
 * Every offset is checked against @len by subtraction before it is used,
 * and every step stays below @len, so none of the sums can wrap: off +
 * HDR_LEN + namesize <= len, then each padding and the data.
 */
static int walk(struct extract *x)
{
	uint8_t h[HDR_LEN];
	uint32_t f[F_COUNT], namesize, size;
	uint64_t off = 0, data, next;
	int i, r;

	x->entries = 0;
	x->skipped = 0;
	for (;;) {
		if (x->len - off < HDR_LEN)
			return truncated(x, off);
		r = read_at(x, off, h, HDR_LEN);
		if (r)
			return r;
		/* busybox writes onto a zeroed disk: zeros are where it stopped. */
		if (all_zero(h, HDR_LEN))
			return truncated(x, off);
		if (memcmp(h, CPIO_MAGIC, 6))
			return fail(x->err, EINVAL,
				    "entry %u at byte %llu: not a newc cpio header (no \"" CPIO_MAGIC "\")",
				    x->entries + 1, (unsigned long long)off);
		for (i = 0; i < F_COUNT; i++)
			if (!hex8(h + 6 + 8 * i, &f[i]))
				return fail(x->err, EINVAL,
					    "entry %u at byte %llu: header field %d is not 8 hex digits",
					    x->entries + 1, (unsigned long long)off, i + 1);
		namesize = f[F_NAMESIZE];
		if (namesize == 0 || namesize > PATH_MAX)
			return fail(x->err, ENAMETOOLONG,
				    "entry %u at byte %llu: a name of %u bytes (1 to %d allowed)",
				    x->entries + 1, (unsigned long long)off, namesize, PATH_MAX);
		if (x->len - off - HDR_LEN < namesize)
			return truncated(x, off);
		r = read_at(x, off + HDR_LEN, x->raw, namesize);
		if (r)
			return r;
		if (x->raw[namesize - 1] || strlen(x->raw) != namesize - 1) {
			quote(x->shown, x->raw, namesize);
			return fail(x->err, EINVAL,
				    "entry %u at byte %llu: \"%s\": a NUL inside the name, or none at its end",
				    x->entries + 1, (unsigned long long)off, x->shown);
		}
		if (!strcmp(x->raw, TRAILER))
			return 0;
		quote(x->shown, x->raw, namesize - 1);
		if (++x->entries > OUTPUT_MAX_ENTRIES)
			return fail(x->err, E2BIG, "more than %u entries in the archive",
				    OUTPUT_MAX_ENTRIES);
		data = off + HDR_LEN + namesize;
		if (x->len - data < pad4(data))
			return truncated(x, off);
		data += pad4(data);
		size = f[F_FILESIZE];
		if (x->len - data < size)
			return fail(x->err, EINVAL,
				    "entry \"%s\": %u bytes of data, past the archive's end",
				    x->shown, size);
		next = data + size;
		if (x->len - next < pad4(next))
			return truncated(x, next);
		next += pad4(next);
		r = entry(x, f[F_MODE], data, size);
		if (r)
			return r;
		off = next;
	}
}

/**
 * output_extract() - unpack a newc cpio archive the guest wrote into a
 *	directory, trusting none of it.
 * @archive_fd: the archive, read with pread() only (the offset is left).
 * @len: how many bytes of it to look at (the disk's size); a file shorter
 *	than that is an error once a read reaches its end.
 * @dir_fd: the directory to fill (DIR); nothing outside it is touched.
 * @err: %OUTPUT_ERR_LEN bytes: the reason of a failure; after a success,
 *	a note for the user, or "" when there is none.
 *
 * Two passes: the first only checks the whole archive (headers, names,
 * limits, the trailer), so an archive with one bad entry creates nothing
 * at all; the second checks it again (the file is not trusted to stay
 * the same) and creates directories and regular files.  Other entries
 * (symbolic links, devices, FIFOs, sockets) are skipped, and counted in
 * the note.  An error in the second pass ("exists", a planted symbolic
 * link, a full disk) stops it there, and what was created before stays:
 * a partial result, not a wrong one.  Every name is refused, not cleaned
 * up, if it is absolute, has a "." or ".." or empty component, a control
 * character, or more than %OUTPUT_MAX_DEPTH components; the archive may
 * hold %OUTPUT_MAX_ENTRIES entries.  Nothing is overwritten; no symbolic
 * link is followed, even one that was in DIR before; owners, set-id bits
 * and times are not kept.  An archive whose first header is all zeros (or
 * @len 0) means the guest wrote none: nothing to do, a success.
 *
 * Return: 0, or a negative errno with a sentence in @err: -EINVAL for a
 * malformed, truncated or hostile archive (-ENAMETOOLONG, -ELOOP, -E2BIG
 * for the limits), -EEXIST for a name the host has already, -ENOTDIR for
 * a link or file in the way, -ENOENT for a missing directory, -EIO for a
 * file shorter than @len, or what creating and writing the files gave.
 */
int output_extract(int archive_fd, uint64_t len, int dir_fd, char *err)
{
	struct extract x = {
		.afd = archive_fd, .dir_fd = dir_fd, .len = len, .err = err,
		.cached_fd = -1,
	};
	uint8_t head[HDR_LEN];
	size_t n = len < HDR_LEN ? len : HDR_LEN;
	int r;

	err[0] = '\0';
	r = read_at(&x, 0, head, n);
	if (r)
		return r;
	if (all_zero(head, n)) {
		snprintf(err, OUTPUT_ERR_LEN, "the guest wrote no archive: nothing to bring back");
		return 0;
	}
	x.buf = malloc(COPY_CHUNK);
	if (!x.buf)
		return fail(err, ENOMEM, "out of memory");
	r = walk(&x);
	if (!r) {
		x.apply = true;
		r = walk(&x);
	}
	drop_cache(&x);
	free(x.buf);
	if (!r && x.skipped)
		snprintf(err, OUTPUT_ERR_LEN,
			 "%u entr%s skipped: only regular files and directories are brought back (not symbolic links, devices, FIFOs or sockets)",
			 x.skipped, x.skipped == 1 ? "y" : "ies");
	return r;
}

/*
 * close_others() - close every file but @keep (@n of them, sorted here):
 * the extractor must not hold what the launcher opens for the guest (a
 * pipe's write end kept open here would keep its reader from ever seeing
 * the end).  close_range() from Linux 5.9; before it, one by one.
 */
static void close_others(int *keep, int n)
{
	unsigned int lo = 0, fd, max;
	long open_max;
	int i, j, t;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
#ifdef SYS_close_range
	for (i = 0; i <= n; i++) {
		unsigned int hi = i < n ? (unsigned int)keep[i] : ~0U;

		if (hi > lo && syscall(SYS_close_range, lo, hi - 1, 0) < 0)
			break;
		if (i < n)
			lo = keep[i] + 1;
	}
	if (i > n)
		return;
	lo = 0;
#endif
	open_max = sysconf(_SC_OPEN_MAX);
	max = open_max > 0 && open_max < (1L << 20) ? (unsigned int)open_max : 1U << 20;
	for (fd = lo; fd < max; fd++) {
		for (i = 0; i < n && keep[i] != (int)fd; i++)
			;
		if (i == n)
			close(fd);
	}
}

/*
 * extractor() - the helper process: wait for output_finish(), extract,
 * answer with a status byte (0 or an errno) and a line, and _exit (no
 * atexit handler of the launcher's, no stdio buffers flushed twice).  It
 * dies with the thread that forked it (PR_SET_PDEATHSIG), and exits
 * without extracting if the launcher goes away without a word (EOF).
 */
static void __attribute__((noreturn)) extractor(pid_t launcher, int go_r,
						 int done_w, int dir_fd,
						 int disk_fd)
{
	static char msg[OUTPUT_ERR_LEN + 2];
	int keep[] = { STDERR_FILENO, go_r, done_w, dir_fd, disk_fd };
	struct sigaction sa;
	sigset_t none;
	off_t size;
	size_t len;
	ssize_t n;
	char c;
	int r, sig, fd;

	/* The launcher may have gone before the request was made. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != launcher)
		_exit(1);
	/*
	 * The launcher's handlers (the console's, which restore the
	 * terminal) are not ours to run; what it ignores stays ignored.
	 * SIGPIPE too: a launcher gone is an error from write(), not death.
	 */
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
			signal(sig, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/*
	 * No stdin or stdout: /dev/null in their place, so that no file we
	 * create is fd 0 or 1, where a stray printf could write into it.
	 */
	close_others(keep, ARRAY_SIZE(keep));
	for (fd = 0; fd < 2; fd++) {
		int nul = open("/dev/null", O_RDWR);

		if (nul > 1)
			close(nul);
		if (nul < 0 || nul > 1)
			break;
	}

	do
		n = read(go_r, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || c != GO_EXTRACT)
		_exit(0);

	size = lseek(disk_fd, 0, SEEK_END);
	if (size < 0)
		r = fail(msg + 1, errno, "cannot size the output disk: %s", strerror(errno));
	else
		r = output_extract(disk_fd, size, dir_fd, msg + 1);
	msg[0] = r < 0 && r >= -255 ? -r : r ? EIO : 0;
	len = strlen(msg + 1);
	msg[1 + len] = '\n';
	write_all(done_w, msg, len + 2);
	_exit(r ? 1 : 0);
}

/**
 * output_start() - open the output directory and start the extractor.
 * @o: filled in, for output_finish().
 * @dir: DIR: made (mode 0755, as mkdir would, not its parents) if it
 *	does not exist.  A symbolic link as DIR itself is followed: the user
 *	named it; nothing below it will be.
 * @disk_fd: the output disk's file (a memfd), given to the guest as a raw
 *	virtio disk; its whole size is read as the archive.
 * @err: %OUTPUT_ERR_LEN bytes for the reason of a failure.
 *
 * The extractor is forked now because the launcher, locked down, will not
 * be able to: it keeps DIR and the disk open, closes every other file of
 * the launcher's, and waits.  Call it from the only thread (the child of a
 * threaded fork() may not malloc), before lockdown_apply(), and best
 * before the guest's files are opened (the child closes them anyway).
 * The child dies with the thread that called this one (PR_SET_PDEATHSIG):
 * call it from the thread that lives until output_finish().  Nobody reaps
 * it: after output_finish() it is a zombie until the launcher exits (the
 * locked-down launcher may not wait4()), which costs nothing.
 *
 * Return: 0, or a negative errno with a sentence in @err; nothing is left
 * running or open then.
 */
int output_start(struct output *o, const char *dir, int disk_fd, char *err)
{
	int go[2], done[2], dir_fd, e;
	pid_t launcher = getpid(), pid;
	struct stat st;

	o->pid = -1;
	o->go_w = o->go_r = o->done_r = -1;
	err[0] = '\0';
	if (fstat(disk_fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return fail(err, EBADF, "the output disk is not an open file");
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail(err, errno, "output directory %s: cannot make it: %s", dir,
			    strerror(errno));
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return fail(err, errno, "output directory %s: %s", dir,
			    errno == ENOTDIR ? "not a directory" : strerror(errno));
	if (pipe2(go, O_CLOEXEC) < 0) {
		e = errno;
		close(dir_fd);
		return fail(err, e, "cannot make a pipe: %s", strerror(e));
	}
	if (pipe2(done, O_CLOEXEC) < 0) {
		e = errno;
		close(go[0]);
		close(go[1]);
		close(dir_fd);
		return fail(err, e, "cannot make a pipe: %s", strerror(e));
	}
	pid = fork();
	if (pid == 0)
		extractor(launcher, go[0], done[1], dir_fd, disk_fd);
	e = errno;
	close(done[1]);
	close(dir_fd);
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		close(done[0]);
		return fail(err, e, "cannot start the output extractor: %s", strerror(e));
	}
	o->pid = pid;
	o->go_w = go[1];
	o->go_r = go[0];
	o->done_r = done[0];
	return 0;
}

static void close_output(struct output *o)
{
	close(o->go_w);
	close(o->go_r);
	close(o->done_r);
	o->go_w = o->go_r = o->done_r = -1;
}

/**
 * output_finish() - have the extractor unpack the output disk into DIR,
 *	or send it away.
 * @o: from output_start(); its files are -1 afterwards, whatever the
 *	result (@o->pid stays, for a caller that can wait for it).
 * @extract: true to extract and wait for the answer; false to let it exit
 *	without touching DIR (no wait).
 * @err: %OUTPUT_ERR_LEN bytes: the extractor's sentence, a failure's
 *	reason or, after a success, its note ("" if none).
 *
 * Only read(), write() and close(): it works in a locked-down launcher.
 * The wait is as long as the extraction, which the disk's size bounds.
 * If the extractor is gone (killed), its pipe says so and this fails; no
 * SIGPIPE, as @o->go_r keeps the pipe it writes to open.  The extractor
 * is not reaped (see output_start()).
 *
 * Return: 0, or a negative errno with a sentence in @err: the extractor's
 * (see output_extract()), or -ECHILD if it ended without answering.
 */
int output_finish(struct output *o, bool extract, char *err)
{
	static const char go = GO_EXTRACT;
	char buf[OUTPUT_ERR_LEN + 2];	/* status, OUTPUT_ERR_LEN - 1, '\n', spare */
	size_t got = 0, i;
	char *nl = NULL;
	ssize_t n;
	int status;

	err[0] = '\0';
	if (o->go_w < 0)
		return fail(err, EINVAL, "the output extractor is not running");
	if (!extract) {
		/* The end of its pipe, with nothing in it: it exits. */
		close_output(o);
		return 0;
	}
	do
		n = write(o->go_w, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1) {
		status = n < 0 ? errno : EIO;
		close_output(o);
		return fail(err, status, "cannot ask the output extractor: %s",
			    strerrordesc_np(status));
	}
	/* A status byte and a line; the extractor is ours, its input is not. */
	while (!nl && got < sizeof(buf) - 1) {
		n = read(o->done_r, buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got + n > 1)
			nl = memchr(buf + (got ? got : 1), '\n', got + n - (got ? got : 1));
		got += n;
	}
	close_output(o);
	if (!nl)
		return fail(err, ECHILD,
			    "the output extractor (pid %d) ended without an answer (killed?)",
			    (int)o->pid);
	status = (unsigned char)buf[0];
	for (i = 0; buf + 1 + i < nl && i < OUTPUT_ERR_LEN - 1; i++)
		err[i] = buf[1 + i] >= 0x20 && buf[1 + i] < 0x7f ? buf[1 + i] : '?';
	err[i] = '\0';
	return -status;
}
