/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the assorted helpers of <linux/kernel.h>, printk and
 * WARN_ON.  Messages are recorded and warnings counted; the harness fails
 * on any warning it did not expect.
 */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <assert.h>		/* static_assert(), as <linux/build_bug.h> */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME "vpm"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#ifndef offsetof
#define offsetof(t, m)	__builtin_offsetof(t, m)
#endif
#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

#define BITS_PER_LONG	(__SIZEOF_LONG__ * 8)
#define BIT(nr)		(1UL << (nr))
#define min_t(type, a, b)						\
	({ type __a = (a), __b = (b); __a < __b ? __a : __b; })
#define max_t(type, a, b)						\
	({ type __a = (a), __b = (b); __a > __b ? __a : __b; })
#define clamp_t(type, v, lo, hi)					\
	({ type __v = (v), __lo = (lo), __hi = (hi);			\
	   __v < __lo ? __lo : __v > __hi ? __hi : __v; })

/* <linux/bitops.h>: the lowest set bit; undefined for 0, as there */
static inline unsigned long __ffs(unsigned long word)
{
	return __builtin_ctzl(word);
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

/* printk: every message goes through shim_printk(), which records it. */
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
__printf(2, 3) void shim_printk(int level, const char *fmt, ...);
#define SHIM_LOGLEVEL_ERR	3
#define SHIM_LOGLEVEL_WARN	4
#define pr_err(fmt, ...)	shim_printk(3, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	shim_printk(4, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	shim_printk(5, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(6, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	shim_printk(7, pr_fmt(fmt), ##__VA_ARGS__)

/* WARN_ON*: printed once per site, counted every time. */
void shim_warn(const char *file, int line, const char *cond, bool *once);
#define WARN_ON_ONCE(cond)						\
({									\
	static bool __warned;						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		shim_warn(__FILE__, __LINE__, #cond, &__warned);	\
	__c;								\
})
#define WARN_ON(cond)		WARN_ON_ONCE(cond)

/* The shims' own consistency checks: print and abort. */
void shim_bug(const char *file, int line, const char *what);
#define shim_assert(cond)						\
do {									\
	if (unlikely(!(cond)))						\
		shim_bug(__FILE__, __LINE__, #cond);			\
} while (0)

/*
 * Sleeping: aborts with a spinlock held or inside an RCU read-side
 * critical section; cond_resched() also yields the CPU.
 */
void shim_might_sleep(const char *file, int line);
#define might_sleep()	shim_might_sleep(__FILE__, __LINE__)
void shim_cond_resched(const char *file, int line);
#define cond_resched()	shim_cond_resched(__FILE__, __LINE__)
/* <linux/preempt.h>: threads here are always preemptible; nothing to do */
#define preempt_disable()	do { } while (0)
#define preempt_enable()	do { } while (0)

#endif /* _SHIM_LINUX_KERNEL_H */
