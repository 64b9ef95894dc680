// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - the launcher's small helpers in one place.  Numbers are what
 * users type ("256M", "1G"), so everything is checked for overflow: a size
 * that wraps becomes a small guest and a confusing failure much later.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

/**
 * die() - the launcher's one way to fail: "lguest: " and one line on
 * stderr, then exit.
 * @status: the exit status (documented in --help).
 * @fmt: printf format of the line, without the newline.
 */
void die(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("lguest: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/**
 * errf() - write an error's text into a caller's buffer, for the parts of
 * the launcher that report rather than exit (so unit tests can see them).
 * @err: the buffer.
 * @len: its size.
 * @fmt: printf format.
 *
 * Return: -1, for "return errf(...)".
 */
int errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/**
 * errnof() - errf() for functions that return a negative errno.
 * @err: the buffer.
 * @len: its size.
 * @e: the errno to return, negated (0 becomes EIO: a failure is a failure).
 * @fmt: printf format.
 *
 * Return: -@e.
 */
int errnof(char *err, size_t len, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return e > 0 ? -e : -EIO;
}

/**
 * hexval() - the value of a hex digit, in either case.
 * @c: the character.
 *
 * Return: 0-15, or -1 if @c is not one of 0-9, a-f, A-F.
 */
int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/**
 * pread_full() - read exactly @len bytes at @off of a file.
 * @fd: the file.
 * @buf: where they go.
 * @len: how many.
 * @off: from where.
 *
 * Return: 0, or -1 with errno set (0 if the file ended first).
 */
int pread_full(int fd, void *buf, uint64_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = 0;
			return -1;
		}
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/**
 * put16() - store a little-endian 16-bit value at any alignment.
 * @p: where.
 * @v: the value.  put32() and put64() are the same for 32 and 64 bits.
 */
void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

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
