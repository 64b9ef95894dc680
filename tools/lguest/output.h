/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - "lguest run --output DIR": bring a throwaway guest's /output
 * back to the host.  The guest leaves a newc cpio archive on a raw disk;
 * a helper process, forked before the launcher locks itself down, unpacks
 * it into DIR, trusting none of it.
 */
#ifndef LGUEST_TOOLS_OUTPUT_H
#define LGUEST_TOOLS_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Room for a message from the functions below (without "lguest: "). */
#define OUTPUT_ERR_LEN		(PATH_MAX + 256)

/* output_extract() refuses an archive with more entries than this... */
#define OUTPUT_MAX_ENTRIES	100000U
/* ...or a name of more components than this ("a/b/c" has 3). */
#define OUTPUT_MAX_DEPTH	64

/*
 * The extractor, as output_start() left it for output_finish().  @go_w
 * tells it what to do; @go_r, the read end of the same pipe, is kept only
 * so that writing to @go_w never raises SIGPIPE, even if the extractor is
 * dead; @done_r brings its answer.  All -1 once output_finish() ran.
 */
struct output {
	pid_t pid;
	int go_w, go_r;
	int done_r;
};

int output_start(struct output *o, const char *dir, int disk_fd, char *err);
int output_finish(struct output *o, bool extract, char *err);
int output_extract(int archive_fd, uint64_t len, int dir_fd, char *err);

#endif
