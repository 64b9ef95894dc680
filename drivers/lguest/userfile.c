// SPDX-License-Identifier: GPL-2.0
/*
 * userfile.c - the one gate every file descriptor a launcher hands the
 * modules passes through (LGUEST_SET_CONSOLE, LGUEST_ADD_DEVICE).  It takes
 * only the kinds of file each use is documented to accept in
 * include/uapi/linux/lguest.h: files that can hold no reference to another
 * file (so nothing handed over can lead back to its own guest), and whose
 * contents do not depend on who reads them.
 */
#include "lg.h"

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/net.h>
#include <net/sock.h>

/*
 * Filesystems whose files no use accepts.  Anonymous inodes are epoll,
 * eventfd, io_uring (whose registered files are references: a cycle),
 * signalfd, timerfd, pidfd, userfaultfd, KVM and the like: none is a
 * console or a disk.  A FUSE daemon can leave a read unanswered forever,
 * and a worker (or a release waiting for one) with it.  What the kernel's
 * pseudo-filesystems show depends on who reads (kptr_restrict, %pK, and
 * checks of the reader's capabilities), and a kernel worker is not the
 * launcher.
 */
static const struct {
	unsigned long magic;
	const char *what;
} lg_fs_refused[] = {
	{ ANON_INODE_FS_MAGIC,	"an anonymous-inode file (epoll, eventfd, io_uring, ...)" },
	{ FUSE_SUPER_MAGIC,	"a file on FUSE" },
	{ PROC_SUPER_MAGIC,	"a /proc file" },
	{ SYSFS_MAGIC,		"a sysfs file" },
	{ DEBUGFS_MAGIC,	"a debugfs file" },
	{ TRACEFS_MAGIC,	"a tracefs file" },
	{ SECURITYFS_MAGIC,	"a securityfs file" },
	{ BPF_FS_MAGIC,		"a bpffs file" },
	{ CGROUP_SUPER_MAGIC,	"a cgroup file" },
	{ CGROUP2_SUPER_MAGIC,	"a cgroup2 file" },
	{ EFIVARFS_MAGIC,	"an efivarfs file" },
	{ PSTOREFS_MAGIC,	"a pstore file" },
};

/*
 * The character devices a console may use: terminals and the harmless
 * memory devices.  Other drivers may hold files of their own (vhost, KVM,
 * binder, /dev/lguest itself) or block in ways nobody bounds.
 */
static const struct {
	unsigned int major_lo, major_hi, minor_lo, minor_hi;
} lg_chr_ok[] = {
	{ MEM_MAJOR, MEM_MAJOR, 3, 3 },		/* /dev/null */
	{ MEM_MAJOR, MEM_MAJOR, 5, 5 },		/* /dev/zero */
	{ MEM_MAJOR, MEM_MAJOR, 7, 9 },		/* /dev/full, random, urandom */
	{ TTY_MAJOR, TTY_MAJOR, 0, 255 },	/* virtual consoles, ttyS */
	{ TTYAUX_MAJOR, TTYAUX_MAJOR, 0, 1 },	/* /dev/tty, /dev/console */
	{ UNIX98_PTY_SLAVE_MAJOR, UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT - 1,
	  0, MINORMASK },			/* /dev/pts/N */
	{ 204, 204, 0, 255 },			/* low-density serial (ttyAMA, ...) */
	{ 229, 229, 0, 255 },			/* hvc (a VM's virtio console) */
};

static const char *const lg_fd_use_name[] = {
	[LG_FD_CONSOLE_OUT]	= "console output",
	[LG_FD_CONSOLE_IN]	= "console input",
	[LG_FD_DISK]		= "disk",
};

static bool lg_chr_accepted(dev_t rdev)
{
	unsigned int i, ma = MAJOR(rdev), mi = MINOR(rdev);

	for (i = 0; i < ARRAY_SIZE(lg_chr_ok); i++)
		if (ma >= lg_chr_ok[i].major_lo && ma <= lg_chr_ok[i].major_hi &&
		    mi >= lg_chr_ok[i].minor_lo && mi <= lg_chr_ok[i].minor_hi)
			return true;
	return false;
}

static const char *lg_fs_refusal(const struct inode *inode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lg_fs_refused); i++)
		if (inode->i_sb->s_magic == lg_fs_refused[i].magic)
			return lg_fs_refused[i].what;
	return NULL;
}

/* Why @f is unfit for @use, or NULL if it is fit. */
static const char *lg_file_refusal(struct file *f, enum lg_fd_use use)
{
	struct inode *inode = file_inode(f);
	bool console = use != LG_FD_DISK;
	umode_t mode = inode->i_mode;
	struct socket *sock;
	const char *why;

	if (lg_is_guest_file(f))
		return "/dev/lguest";
	why = lg_fs_refusal(inode);
	/* A regular file on overlayfs does its I/O on the file beneath. */
	if (!why && S_ISREG(mode))
		why = lg_fs_refusal(d_real_inode(f->f_path.dentry));
	if (why)
		return why;
	if (S_ISREG(mode))
		return NULL;
	if (S_ISBLK(mode))
		return console ? "a block device" : NULL;
	if (!console)
		return "neither a regular file nor a block device";
	if (S_ISFIFO(mode))
		return NULL;
	if (S_ISCHR(mode) && !lg_chr_accepted(inode->i_rdev))
		return "a character device other than a terminal or /dev/null";
	if (S_ISCHR(mode))
		return NULL;
	if (S_ISSOCK(mode)) {
		/* A unix socket carries files in flight (SCM_RIGHTS). */
		sock = sock_from_file(f);
		if (!sock || !sock->sk || READ_ONCE(sock->sk->sk_family) == AF_UNIX)
			return "a unix socket";
		return NULL;
	}
	return S_ISDIR(mode) ? "a directory" : "not a file of a usable type";
}

/*
 * A console input that is a pipe, FIFO or terminal: our own open file of
 * it, with O_NONBLOCK, which fcntl() on the launcher's copy cannot clear
 * (and a tty's reads honour only O_NONBLOCK, not IOCB_NOWAIT).  The
 * launcher's reference is put.  Opening for reading with O_NONBLOCK never
 * waits: not for a FIFO's writer, not for a terminal's carrier.
 */
static struct file *lg_reopen_nonblock(struct file *f)
{
	struct file *own = dentry_open(&f->f_path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
				       O_LARGEFILE, current_cred());

	fput(f);
	return own;
}

/*T:230 Every file descriptor a launcher hands over comes through one gate,
 * lg_get_user_file().  The dangerous ones are those that can hold files
 * themselves: /dev/lguest given to its own guest as a console, or a unix
 * socket with the /dev/lguest fd in flight, or an io_uring with it
 * registered, would keep the guest's file open from inside the guest, so
 * closing the launcher's last descriptor would never free it.  The
 * kernel cannot see such a cycle, so the gate only lets through the kinds
 * of file that cannot hold another file, per use: regular files and block
 * devices for disks; regular files, pipes and FIFOs, terminals, /dev/null
 * and its kin and non-unix sockets for consoles.  A console input is also
 * made one the kernel can never sleep on: a pipe, FIFO or terminal is
 * reopened for the module's own use with O_NONBLOCK, which the launcher
 * cannot take back with fcntl() as it could on a shared open file. :*/
/**
 * lg_get_user_file() - take the launcher's file descriptor @fd for @use.
 * @fd: the descriptor.
 * @use: what it will be (the uapi header says which files each accepts).
 *
 * For %LG_FD_CONSOLE_IN, a pipe, FIFO or terminal comes back as the
 * module's own non-blocking open file of the same object.
 *
 * Return: a reference to the file, or ERR_PTR(-EBADF) if @fd is not an
 * open descriptor (O_PATH ones are not) or a console file lacks the
 * access mode it needs, ERR_PTR(-EINVAL) if its kind is not accepted for
 * @use (the log says why, rate-limited), or the error of reopening it.
 */
struct file *lg_get_user_file(int fd, enum lg_fd_use use)
{
	struct file *f = fget(fd);
	const char *why;

	if (!f)
		return ERR_PTR(-EBADF);
	why = lg_file_refusal(f, use);
	if (why) {
		pr_warn_ratelimited("pid %d: fd %d refused as %s: %s\n",
				    task_pid_nr(current), fd, lg_fd_use_name[use], why);
		fput(f);
		return ERR_PTR(-EINVAL);
	}
	if ((use == LG_FD_CONSOLE_OUT && !(f->f_mode & FMODE_WRITE)) ||
	    (use == LG_FD_CONSOLE_IN && !(f->f_mode & FMODE_READ))) {
		fput(f);
		return ERR_PTR(-EBADF);
	}
	if (use == LG_FD_CONSOLE_IN && (S_ISFIFO(file_inode(f)->i_mode) ||
					S_ISCHR(file_inode(f)->i_mode)))
		return lg_reopen_nonblock(f);
	return f;
}
