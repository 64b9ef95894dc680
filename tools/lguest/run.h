/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - "lguest run": one command in a throwaway guest, its exit status
 * ours (run.c), called from the launcher's main().
 */
#ifndef LGUEST_TOOLS_RUN_H
#define LGUEST_TOOLS_RUN_H

int run_main(int argc, char **argv);

#endif
