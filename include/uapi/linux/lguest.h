/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lguest.h - the user ABI of /dev/lguest: everything a launcher may ask of
 * the lguest hypervisor module.  Versioned: a launcher asks for the API
 * version first and refuses to go on if it is not the one it was built for.
 * Each later version only adds ioctls; none changes an existing one.
 */
#ifndef _UAPI_LINUX_LGUEST_H
#define _UAPI_LINUX_LGUEST_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * LGUEST_API_VERSION - the version of this ABI.
 *
 * Version 1: only %LGUEST_GET_API_VERSION.  The module proves it can own
 * AMD-V on every CPU; creating and running guests arrives with version 2.
 */
#define LGUEST_API_VERSION	1

/*
 * The ioctl "type" byte.  0xAE is KVM's and 0xAF vhost's; we take the next
 * free-looking one and keep all our numbers inside it.
 */
#define LGUEST_IOC_MAGIC	0xB8

/**
 * LGUEST_GET_API_VERSION - ask the module which ABI it speaks.
 *
 * No argument.  Returns %LGUEST_API_VERSION of the loaded module (a
 * non-negative int) as the ioctl's return value.  Always safe to call, by
 * any version of any launcher, on a freshly opened /dev/lguest.
 */
#define LGUEST_GET_API_VERSION	_IO(LGUEST_IOC_MAGIC, 0x00)

#endif /* _UAPI_LINUX_LGUEST_H */
