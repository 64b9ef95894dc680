/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - the launcher's pure parsing helpers (sizes with K/M/G suffixes),
 * kept apart from lguest.c so the unit tests in tests/unit can link them.
 */
#ifndef LGUEST_TOOLS_PARSE_H
#define LGUEST_TOOLS_PARSE_H

#include <stdint.h>

int parse_size(const char *s, uint64_t *out);

#endif
