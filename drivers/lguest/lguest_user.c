// SPDX-License-Identifier: GPL-2.0
/*
 * lguest_user.c - /dev/lguest, the character device through which a launcher
 * talks to the hypervisor.  Every request is an ioctl defined, with its
 * arguments and errors, in include/uapi/linux/lguest.h.  One open file will
 * own one guest; the file's lifetime is the guest's.
 */
#include "lg.h"

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <uapi/linux/lguest.h>

static int lg_open(struct inode *inode, struct file *file)
{
	return stream_open(inode, file);
}

/*T:210 The launcher's first question is always "which ABI do you speak?".
 * Anything we do not know is -ENOTTY, the ioctl convention for "no such
 * request", so a newer launcher on an older module learns that at once
 * instead of having its argument misread. :*/
static long lg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case LGUEST_GET_API_VERSION:
		return LGUEST_API_VERSION;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lg_fops = {
	.owner		= THIS_MODULE,
	.open		= lg_open,
	.unlocked_ioctl	= lg_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*T:200 /dev/lguest is a misc device, created by devtmpfs as we register it.
 * It is root's alone (mode 0600): whoever can open it can make the kernel
 * allocate memory and run code in guest mode, which is an administrator's
 * decision, as with /dev/kvm's group. :*/
static struct miscdevice lg_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lguest",
	.fops	= &lg_fops,
	.mode	= 0600,
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
