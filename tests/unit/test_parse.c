// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - unit tests of the launcher's size parser (--mem): suffixes,
 * rejection of junk, and overflow at the edge of 64 bits.
 */
#include <errno.h>
#include <stdint.h>

#include "../../tools/lguest/util.h"
#include "unit.h"

static void expect_size(const char *s, uint64_t want)
{
	uint64_t got = 0;
	int err = parse_size(s, &got);

	UNIT_CHECK(err == 0 && got == want, "parse_size(\"%s\") = %llu (err %d), want %llu",
		   s, (unsigned long long)got, err, (unsigned long long)want);
}

static void expect_err(const char *s, int want)
{
	uint64_t got = 12345;
	int err = parse_size(s, &got);

	UNIT_CHECK(err == want && got == 12345, "parse_size(\"%s\") err %d, want %d, value untouched",
		   s, err, want);
}

int main(void)
{
	expect_size("0", 0);
	expect_size("4096", 4096);
	expect_size("1k", 1024);
	expect_size("256M", 256ULL << 20);
	expect_size("256MiB", 256ULL << 20);
	expect_size("2G", 2ULL << 30);
	expect_size("3gb", 3ULL << 30);
	expect_size("18446744073709551615", UINT64_MAX);
	expect_size("17179869183G", 17179869183ULL << 30);
	expect_err("", -EINVAL);
	expect_err("M", -EINVAL);
	expect_err("-1", -EINVAL);
	expect_err("12x", -EINVAL);
	expect_err("1.5G", -EINVAL);
	expect_err("1 G", -EINVAL);
	expect_err("1GG", -EINVAL);
	expect_err("12iB", -EINVAL);
	expect_err("18446744073709551616", -ERANGE);
	expect_err("17179869184G", -ERANGE);
	expect_err("99999999999999999999999", -ERANGE);
	return unit_summary("parse_size");
}
