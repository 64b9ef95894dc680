/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - the launcher's small helpers in one place: the one-line fatal
 * error, error text for a caller's buffer, size parsing, hex digits and
 * little-endian stores.  Pure C, so the unit tests in tests/unit link it.
 */
#ifndef LGUEST_TOOLS_UTIL_H
#define LGUEST_TOOLS_UTIL_H

#include <stddef.h>
#include <stdint.h>

void die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
int errf(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int errnof(char *err, size_t len, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int parse_size(const char *s, uint64_t *out);
int hexval(char c);
int pread_full(int fd, void *buf, uint64_t len, uint64_t off);
void put16(uint8_t *p, uint16_t v);
void put32(uint8_t *p, uint32_t v);
void put64(uint8_t *p, uint64_t v);

#endif
