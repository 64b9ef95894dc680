// SPDX-License-Identifier: GPL-2.0
/*
 * lgexample.c - liblguest's example program.  "lgexample CMD [ARGS...]"
 * runs a command in a throwaway guest and exits with its status;
 * "lgexample --raw" calls a six-instruction function in a guest with no
 * kernel and prints what it left in guest memory.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "liblguest.h"

/*
 * The function: its argument is RDI, the RAM size (the --raw convention);
 * it stores RDI / 2 + 42 at 0x100800 and halts.
 *	mov rax, rdi; shr rax, 1; add rax, 42; mov [0x100800], rax; hlt
 */
static const uint8_t fn[] = {
	0x48, 0x89, 0xf8, 0x48, 0xd1, 0xe8, 0x48, 0x83, 0xc0, 0x2a,
	0x48, 0x89, 0x04, 0x25, 0x00, 0x08, 0x10, 0x00, 0xf4,
};

static int fail(struct lg_vm *vm, const char *what)
{
	fprintf(stderr, "lgexample: %s: %s\n", what, lg_error(vm));
	lg_destroy(vm);
	return 125;
}

static int run_raw(void)
{
	struct lg_exit e;
	struct lg_vm *vm;
	uint64_t result;

	if (lg_create(&vm) < 0)
		return 125;
	if (lg_set_mem(vm, 2 << 20) < 0)
		return fail(vm, "lg_set_mem");
	if (lg_run_raw(vm, fn, sizeof(fn), &e) < 0)
		return fail(vm, "lg_run_raw");
	if (e.reason != LG_EXIT_HLT) {
		fprintf(stderr, "lgexample: the guest ended with reason %d (%s), not HLT\n",
			e.reason, e.message);
		lg_destroy(vm);
		return 1;
	}
	if (lg_read_mem(vm, 0x100800, &result, sizeof(result)) < 0)
		return fail(vm, "lg_read_mem");
	printf("raw guest returned %llu\n", (unsigned long long)result);
	lg_destroy(vm);
	return 0;
}

int main(int argc, char **argv)
{
	struct lg_exit e;
	struct lg_vm *vm;

	if (argc < 2) {
		fprintf(stderr, "usage: lgexample CMD [ARGS...] | lgexample --raw\n");
		return 125;
	}
	if (!strcmp(argv[1], "--raw"))
		return run_raw();
	if (lg_create(&vm) < 0)
		return 125;
	if (lg_set_mem(vm, 128 << 20) < 0)
		return fail(vm, "lg_set_mem");
	if (lg_set_env(vm, "GREETING=hello from liblguest") < 0)
		return fail(vm, "lg_set_env");
	if (lg_run_command(vm, argv + 1) < 0)
		return fail(vm, "lg_run_command");
	if (lg_wait(vm, 120 * 1000, &e) < 0)
		return fail(vm, "lg_wait");
	lg_destroy(vm);
	if (e.reason != LG_EXIT_TEST) {
		fprintf(stderr, "lgexample: the guest ended with reason %d\n", e.reason);
		return 125;
	}
	return e.status;
}
