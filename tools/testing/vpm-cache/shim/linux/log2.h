/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: power-of-two helpers. */
#ifndef _SHIM_LINUX_LOG2_H
#define _SHIM_LINUX_LOG2_H

#include <linux/kernel.h>

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* Undefined for 0 in the kernel; the shim stops there. */
static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	shim_assert(n != 0 && n <= (1UL << 63));
	if (n == 1)
		return 1;
	return 1UL << (64 - __builtin_clzl(n - 1));
}

/* Undefined for 0 in the kernel; the shim stops there. */
static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	shim_assert(n != 0);
	return 1UL << (63 - __builtin_clzl(n));
}

/* ilog2(0) is undefined in the kernel (-1 at run time); stop there. */
static inline int ilog2(unsigned long n)
{
	shim_assert(n != 0);
	return 63 - __builtin_clzl(n);
}

#endif /* _SHIM_LINUX_LOG2_H */
