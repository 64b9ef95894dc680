// SPDX-License-Identifier: GPL-2.0
/*
 * lguest_user.c - /dev/lguest, the character device through which a launcher
 * talks to the hypervisor, and the files of its vCPUs.  Every request is an
 * ioctl defined, with its arguments and errors, in
 * include/uapi/linux/lguest.h.  One open file owns one guest: created by
 * LGUEST_CREATE, destroyed when it and its vCPUs' files are closed.
 */
#include "lg.h"

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

static int lg_open(struct inode *inode, struct file *file)
{
	struct lguest *lg;

	lg = kzalloc(sizeof(*lg), GFP_KERNEL_ACCOUNT);
	if (!lg)
		return -ENOMEM;
	refcount_set(&lg->refs, 1);
	mutex_init(&lg->lock);
	mutex_init(&lg->io_lock);
	mutex_init(&lg->mem_lock);
	spin_lock_init(&lg->stop_lock);
	lg_platform_init(lg);
	file->private_data = lg;
	return stream_open(inode, file);
}

/* Free the guest and its vCPUs, in reverse; safe on a half-built guest. */
static void lg_destroy(struct lguest *lg)
{
	unsigned int i;

	lg_debugfs_remove(lg);
	lg_spec_forget(lg);
	lg_devices_destroy(lg);
	/* The UART's input wakes vCPU 0: stop listening before it goes. */
	lg_platform_free(lg);
	for (i = 0; i < lg->nr_vcpus; i++)
		lg_vcpu_free(lg->vcpus[i]);
	lg_npt_free(lg);
	lg_mem_free(lg);
	if (lg->console)
		fput(lg->console);
	kfree(lg);
}

/*
 * The guest lives while its file or any vCPU's file is open: a vCPU's
 * thread may still be inside LGUEST_RUN after the launcher closed the
 * guest's file.  Devices never hold these files (lg_is_guest_file()), so
 * no guest can keep itself alive.
 */
static void lg_put(struct lguest *lg)
{
	if (refcount_dec_and_test(&lg->refs))
		lg_destroy(lg);
}

static int lg_release(struct inode *inode, struct file *file)
{
	lg_put(file->private_data);
	return 0;
}

/*T:220 Creating a guest allocates everything the machine will need up
 * front but its RAM: the table of its RAM's chunks, the top of the nested
 * page tables.  Each vCPU then brings its own VMCB, FPU state and, with
 * shadow paging, its bounded pool of shadow page tables
 * (LGUEST_CREATE_VCPU).  RAM comes as the guest touches it (T:305), and is
 * the one thing an exit may have to allocate; a host that cannot give it
 * kills the guest, never itself.  The answer is the paging mode chosen. :*/
static int lg_create(struct lguest *lg, const struct lguest_create __user *uarg)
{
	struct lguest_create arg;
	int err, mode;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if ((arg.flags & ~(LGUEST_CREATE_PAGING_MASK | LGUEST_CREATE_HLT_EXIT |
			   LGUEST_CREATE_PREALLOC)) || arg.reserved || !arg.mem_size ||
	    arg.mem_size % LGUEST_MEM_ALIGN)
		return -EINVAL;
	if (arg.mem_size > LGUEST_MAX_MEM)
		return -E2BIG;
	if (lg->chunks)
		return -EEXIST;
	mode = lg_paging_mode(arg.flags & LGUEST_CREATE_PAGING_MASK);
	if (mode < 0)
		return mode;

	err = lg_mem_alloc(lg, arg.mem_size);
	if (err)
		goto free_mem;
	lg->shadow_paging = mode == LGUEST_PAGING_SHADOW;
	lg->hlt_exit = arg.flags & LGUEST_CREATE_HLT_EXIT;
	if (!lg->shadow_paging || lg_hw->shadow_needs_npt) {
		err = lg_npt_build(lg);
		if (err)
			goto free_npt;
	}
	if (arg.flags & LGUEST_CREATE_PREALLOC) {
		err = lg_mem_prealloc(lg);
		if (err)
			goto free_npt;
	}
	lg_kvmclock_epoch(lg);
	/* From here RAM's size never changes until release: mmap may look. */
	smp_store_release(&lg->created, true);
	lg_debugfs_add(lg);
	return mode;

free_npt:
	lg_npt_free(lg);
free_mem:
	lg_mem_free(lg);
	return err;
}

static const struct file_operations lg_vcpu_fops;

/*T:225 Each vCPU is a file of its own, as in KVM: the launcher runs one
 * thread per vCPU, each in LGUEST_RUN on its own file, and the vCPU's
 * lock serialises only that file's ioctls, so the vCPUs really run at the
 * same time.  vCPUs are made in order, 0 first, before the guest first
 * runs; after that the array never changes, so the interrupt paths can
 * walk it without a lock. :*/
static int lg_create_vcpu(struct lguest *lg, unsigned long id)
{
	struct lg_vcpu *vcpu;
	struct file *file;
	int fd;

	if (!lg->created)
		return -ENOENT;
	if (id != lg->nr_vcpus || id >= LG_MAX_VCPUS)
		return -EINVAL;
	if (READ_ONCE(lg->ran))
		return -EBUSY;
	vcpu = lg_vcpu_create(lg, id);
	if (IS_ERR(vcpu))
		return PTR_ERR(vcpu);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto free_vcpu;
	file = anon_inode_getfile("lguest-vcpu", &lg_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto free_vcpu;
	}
	/* Published before the file is reachable, and never taken back. */
	refcount_inc(&lg->refs);
	lg->vcpus[id] = vcpu;
	/* Pairs with lg_nr_vcpus(): vcpus[id] is set before it is counted. */
	smp_store_release(&lg->nr_vcpus, id + 1);
	fd_install(fd, file);
	return fd;

free_vcpu:
	lg_vcpu_free(vcpu);
	return fd;
}

static int lg_set_console(struct lguest *lg, const struct lguest_console __user *uarg)
{
	struct lguest_console arg;
	struct file *out = NULL, *in = NULL;
	int err;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.out_fd != -1) {
		out = lg_get_user_file(arg.out_fd, LG_FD_CONSOLE_OUT);
		if (IS_ERR(out))
			return PTR_ERR(out);
		/*
		 * What kernel_write() insists on, or it would log a warning
		 * at every line (a launcher's stdout on /dev/null): such a
		 * file is taken as no console, as lg_uart_set_input() does.
		 */
		if (!(out->f_mode & FMODE_CAN_WRITE) || !out->f_op->write_iter ||
		    out->f_op->write) {
			fput(out);
			out = NULL;
		}
	}
	if (arg.in_fd != -1) {
		in = lg_get_user_file(arg.in_fd, LG_FD_CONSOLE_IN);
		if (IS_ERR(in)) {
			err = PTR_ERR(in);
			goto put_out;
		}
	}
	/* The vCPUs may be running: the UART and console are io_lock's. */
	if (mutex_lock_killable(&lg->io_lock)) {
		err = -EINTR;
		if (in)
			fput(in);
		goto put_out;
	}
	/* The UART owns @in from here, even on failure. */
	err = lg_uart_set_input(lg, in);
	if (err) {
		mutex_unlock(&lg->io_lock);
		goto put_out;
	}
	lg_console_flush(lg);
	swap(lg->console, out);
	mutex_unlock(&lg->io_lock);
	if (out)
		fput(out);
	return 0;

put_out:
	if (out)
		fput(out);
	return err;
}

/* A vCPU file's ioctls, with the vCPU's lock held. */
static long lg_vcpu_ioctl_locked(struct lg_vcpu *vcpu, unsigned int cmd,
				 void __user *uarg)
{
	struct lguest_sregs sregs;
	struct lguest_regs regs;
	struct lguest_run run;
	int err;

	switch (cmd) {
	case LGUEST_GET_REGS:
		lg_get_regs(vcpu, &regs);
		return copy_to_user(uarg, &regs, sizeof(regs)) ? -EFAULT : 0;
	case LGUEST_SET_REGS:
		if (copy_from_user(&regs, uarg, sizeof(regs)))
			return -EFAULT;
		lg_set_regs(vcpu, &regs);
		return 0;
	case LGUEST_GET_SREGS:
		lg_get_sregs(vcpu, &sregs);
		return copy_to_user(uarg, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	case LGUEST_SET_SREGS:
		if (copy_from_user(&sregs, uarg, sizeof(sregs)))
			return -EFAULT;
		return lg_set_sregs(vcpu, &sregs);
	case LGUEST_RUN:
		err = lg_run(vcpu, &run);
		if (err)
			return err;
		return copy_to_user(uarg, &run, sizeof(run)) ? -EFAULT : 0;
	}
	return -ENOTTY;
}

static long lg_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lg_vcpu *vcpu = file->private_data;
	long ret;

	switch (cmd) {
	case LGUEST_GET_REGS: case LGUEST_SET_REGS: case LGUEST_GET_SREGS:
	case LGUEST_SET_SREGS: case LGUEST_RUN:
		break;
	default:
		return -ENOTTY;
	}
	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	ret = lg_vcpu_ioctl_locked(vcpu, cmd, (void __user *)arg);
	mutex_unlock(&vcpu->lock);
	return ret;
}

static int lg_vcpu_release(struct inode *inode, struct file *file)
{
	struct lg_vcpu *vcpu = file->private_data;

	lg_put(vcpu->lg);
	return 0;
}

static const struct file_operations lg_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= lg_vcpu_release,
	.unlocked_ioctl	= lg_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*T:210 The launcher's first question is always "which ABI do you speak?".
 * Anything we do not know is -ENOTTY, the ioctl convention for "no such
 * request", so a newer launcher on an older module learns that at once
 * instead of having its argument misread.  Everything else takes the
 * guest's lock: one thread at a time may change the machine. :*/
static long lg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lguest *lg = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	if (cmd == LGUEST_GET_API_VERSION)
		return LGUEST_API_VERSION;
	switch (cmd) {
	case LGUEST_CREATE: case LGUEST_SET_CONSOLE: case LGUEST_ADD_DEVICE:
	case LGUEST_CREATE_VCPU:
		break;
	default:
		return -ENOTTY;
	}
	if (mutex_lock_killable(&lg->lock))
		return -EINTR;
	if (cmd == LGUEST_CREATE)
		ret = lg_create(lg, uarg);
	else if (!lg->created)
		ret = -ENOENT;
	else if (cmd == LGUEST_CREATE_VCPU)
		ret = lg_create_vcpu(lg, arg);
	else if (cmd == LGUEST_SET_CONSOLE)
		ret = lg_set_console(lg, uarg);
	else
		ret = lg_add_device(lg, uarg);
	mutex_unlock(&lg->lock);
	return ret;
}

/*
 * No lg->lock here: mmap() runs under the mmap lock, and the ioctls take
 * the mmap lock (faulting on their user buffers) under lg->lock.  The RAM's
 * size and chunk table are fixed once "created" is seen, so none is needed;
 * a fault populates a chunk under lg->mem_lock, taken inside the mmap lock
 * and never the other way round.
 */
static int lg_mmap_file(struct file *file, struct vm_area_struct *vma)
{
	struct lguest *lg = file->private_data;

	/* Pairs with LGUEST_CREATE's release: the chunk table is there. */
	if (!smp_load_acquire(&lg->created))
		return -ENOENT;
	return lg_mmap(lg, vma);
}

/*T:215 A 32-bit launcher (on a kernel with IA32 emulation) speaks the
 * same ABI through compat_ptr_ioctl(): its structures hold no pointers, and
 * every __u64 in them already sits at a multiple of 8 with no padding the
 * compiler adds, so i386's 4-byte alignment of __u64 lays them out exactly
 * as x86-64 does and the ioctl numbers, which encode the sizes, agree.
 * The sizes below are the x86-64 ones; tests/tools/abi_probe asserts the
 * same numbers built with -m32 and drives a guest from a 32-bit launcher.
 * Guest RAM (at most 3 GiB) fits a 32-bit launcher's address space. :*/
static_assert(sizeof(struct lguest_create) == 16);
static_assert(sizeof(struct lguest_regs) == 144);
static_assert(sizeof(struct lguest_sregs) == 328);
static_assert(sizeof(struct lguest_console) == 8);
static_assert(sizeof(struct lguest_device_desc) == 80);
static_assert(offsetof(struct lguest_device_desc, reserved) == 48);
static_assert(sizeof(struct lguest_run) == 264);

static const struct file_operations lg_fops = {
	.owner		= THIS_MODULE,
	.open		= lg_open,
	.release	= lg_release,
	.unlocked_ioctl	= lg_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= lg_mmap_file,
	.llseek		= noop_llseek,
};

/**
 * lg_is_guest_file() - is @f an open /dev/lguest, or one of its vCPUs?
 * @f: any file.
 *
 * Return: true if it is (userfile.c never hands one to a guest).
 */
bool lg_is_guest_file(const struct file *f)
{
	return f->f_op == &lg_fops || f->f_op == &lg_vcpu_fops;
}

/*T:200 /dev/lguest is a misc device, created by devtmpfs as we register it.
 * Its mode is 0660: root and one group.  Whoever can open it can make the
 * kernel allocate memory (charged to their memory cgroup) and run code in
 * guest mode, so which group that is stays the administrator's decision,
 * as /dev/kvm's group "kvm" is: udev/60-lguest.rules names group "lguest".
 * Nothing behind the node trusts its opener more than its guest. :*/
static struct miscdevice lg_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lguest",
	.fops	= &lg_fops,
	.mode	= 0660,
};

/**
 * lg_user_init() - create /dev/lguest.
 *
 * Return: 0 or the misc_register() error.
 */
int lg_user_init(void)
{
	return misc_register(&lg_miscdev);
}

/**
 * lg_user_exit() - remove /dev/lguest.  Open files pin the module, so none
 * can be left when this runs.
 */
void lg_user_exit(void)
{
	misc_deregister(&lg_miscdev);
}
