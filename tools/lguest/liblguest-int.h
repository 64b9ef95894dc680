/* SPDX-License-Identifier: GPL-2.0 */
/*
 * liblguest-int.h - liblguest's insides, shared by liblguest.c (the guest
 * and its threads) and runcmd.c (a command in a throwaway guest): the
 * object behind struct lg_vm and the steps one file calls in the other.
 */
#ifndef LIBLGUEST_INT_H
#define LIBLGUEST_INT_H

#include <pthread.h>
#include <stdarg.h>
#include <limits.h>
#include <stdbool.h>

#include "liblguest.h"
#include "launcher.h"
#include "output.h"

#define DEFAULT_CMDLINE		"console=ttyS0"

/* A --file or --dir: copied into the guest's extra initramfs. */
struct lg_file {
	const char *host, *guest;
};

struct lg_vm {
	struct launch l;		/* the machine asked for */
	struct guest g;			/* once set up */
	char err[LG_ERR_LEN];		/* lg_error() */
	unsigned int flags;		/* LG_F_ */
	bool prepared;			/* lg_prepare() ran: no more setters */
	bool log_set;			/* lg_set_log() was called */
	bool mem_set;			/* lg_set_mem() was called */
	bool serial_stdin;		/* lg_start(): ttyS0 reads stdin if no hvc0 */
	bool hv_error;			/* the last failure was the module's */
	int null_fd;			/* /dev/null, for output nobody wants */
	int ctl_w_tmp;			/* hvc2's output until it is handed over */
	int log_fd;			/* the serial port's output, or -1 */
	char cmdline[4096];		/* a command line built here */
	char **owned;			/* strings freed by lg_destroy() */
	unsigned int nowned;

	/* lg_run_command() (runcmd.c) */
	bool command;			/* the guest runs a command */
	struct lg_file *files;
	unsigned int nfiles;
	char *env;			/* NAME=VALUE\0 ... */
	size_t env_len;
	const char *workdir;
	int in_fd, out_fd, err_fd;	/* the command's stdio, here */
	uint8_t *extra;			/* the extra initramfs (a cpio) */
	uint64_t extra_len;
	int pump_w;			/* stdin frames go in here ... */
	int ctl_r;			/* ... once the guest says so here */
	pthread_t pump;
	bool pump_started;
	uint8_t *frame;			/* the pump's frame, FRAME_MAX + 2 bytes */
	const char *output_dir;		/* --output: the host's directory ... */
	int output_fd;			/* ... and the disk the guest fills */
	char output_dev[16];		/* that disk in the guest, /dev/vdX */
	struct output output;		/* the extractor (output.c) */
	bool output_started, output_done;
	char kernel_path[PATH_MAX];	/* the defaults of a command's guest */
	char initrd_path[PATH_MAX];

	/* the threads, and how the guest ended */
	pthread_t tid[LGUEST_MAX_VCPUS];
	struct lg_vcpu_arg { struct lg_vm *vm; unsigned int id; } args[LGUEST_MAX_VCPUS];
	unsigned int nthreads;
	bool destroying;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopped;
	struct lg_exit exit;
};

int lg_fail(struct lg_vm *vm, int e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *lg_strdup(struct lg_vm *vm, const char *s);
int lg_prepare(struct lg_vm *vm, struct lguest_console *con);
int lg_launch(struct lg_vm *vm);
int lg_start_pump(struct lg_vm *vm);
int lg_output_start(struct lg_vm *vm);
int lg_output_finish(struct lg_vm *vm, bool extract);
void lg_command_free(struct lg_vm *vm);
int lg_add_disk_arg(struct lg_vm *vm, const char *arg);
int lg_add_net_arg(struct lg_vm *vm, const char *arg);
const char *lg_datadir(void);
void lg_thread_signals(void);
bool lg_hv_error(const struct lg_vm *vm);

#endif
