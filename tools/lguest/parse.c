// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - parsing of the launcher's numeric arguments.  "256M" and "1G"
 * are what users type; everything is checked for overflow because a size
 * that wraps becomes a small guest and a confusing failure much later.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>

#include "parse.h"

/**
 * parse_size() - parse a byte count with an optional K, M or G suffix.
 * @s: the text, e.g. "512M"; suffixes are powers of 1024, either case,
 *     and an optional trailing "B"/"iB" is accepted ("512MiB").
 * @out: where the value goes on success.
 *
 * Return: 0, or -EINVAL for malformed text, -ERANGE if it overflows 64 bits.
 */
int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int d = *p - '0';

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	switch (*p) {
	case 'k': case 'K': mult = 1ULL << 10; p++; break;
	case 'm': case 'M': mult = 1ULL << 20; p++; break;
	case 'g': case 'G': mult = 1ULL << 30; p++; break;
	}
	if (mult > 1 && *p == 'i')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}
