/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the multiplicative hashes of <linux/hash.h>, 64-bit
 * (hash_long() is hash_64() and GOLDEN_RATIO_PRIME is GOLDEN_RATIO_64).
 */
#ifndef _SHIM_LINUX_HASH_H
#define _SHIM_LINUX_HASH_H

#include <linux/kernel.h>

#define GOLDEN_RATIO_32		0x61C88647
#define GOLDEN_RATIO_64		0x61C8864680B583EBull
#define GOLDEN_RATIO_PRIME	GOLDEN_RATIO_64

static_assert(sizeof(long) == 8, "the harness models a 64-bit kernel");

static inline u32 hash_64(u64 val, unsigned int bits)
{
	/* the kernel's is undefined for 0 and > 32 bits too */
	shim_assert(bits >= 1 && bits <= 32);
	return (u32)((val * GOLDEN_RATIO_64) >> (64 - bits));
}

#define hash_long(val, bits)	hash_64(val, bits)

static inline u32 hash_ptr(const void *ptr, unsigned int bits)
{
	return hash_long((unsigned long)ptr, bits);
}

#endif /* _SHIM_LINUX_HASH_H */
