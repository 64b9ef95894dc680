/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lg.h - what the pieces of lguest.ko share with each other: the per-CPU
 * AMD-V bring-up (svm_cpu.c), the /dev/lguest character device
 * (lguest_user.c) and module init (core.c).  Not for other modules: device
 * backends use <linux/lguest_backend.h>.
 */
#ifndef _LGUEST_LG_H
#define _LGUEST_LG_H

#ifndef pr_fmt
#define pr_fmt(fmt) "lguest: " fmt
#endif

#include <linux/types.h>

/* svm_cpu.c */
int lg_svm_check(void);
int lg_svm_init(void);
void lg_svm_exit(void);

/* lguest_user.c */
int lg_user_init(void);
void lg_user_exit(void);

#endif /* _LGUEST_LG_H */
