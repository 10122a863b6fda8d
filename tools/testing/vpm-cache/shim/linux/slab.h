/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: kmalloc and friends on the C heap (AddressSanitizer
 * reports leaks and misuse).  Allocations are cache-line aligned, as
 * kmalloc's size classes are.  GFP_KERNEL allocations may sleep and are
 * checked against held spinlocks.  The harness can make the n-th
 * allocation fail (shim_alloc_fail_in).
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <linux/kernel.h>

#define __GFP_ZERO	0x100u
#define __GFP_NOWARN	0x200u
#define GFP_ATOMIC	0x01u
#define GFP_NOWAIT	0x02u
#define GFP_KERNEL	0x10u

extern int shim_alloc_fail_in;	/* > 0: the n-th allocation from now fails */
void *shim_kmalloc(size_t size, gfp_t gfp, const char *file, int line);
void kfree(const void *p);

static inline void *shim_kmalloc_array(size_t n, size_t size, gfp_t gfp,
				       const char *file, int line)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return shim_kmalloc(n * size, gfp, file, line);
}

#define kmalloc(size, gfp)	shim_kmalloc(size, gfp, __FILE__, __LINE__)
#define kzalloc(size, gfp)	kmalloc(size, (gfp) | __GFP_ZERO)
#define kmalloc_array(n, size, gfp)					\
	shim_kmalloc_array(n, size, gfp, __FILE__, __LINE__)
#define kcalloc(n, size, gfp)	kmalloc_array(n, size, (gfp) | __GFP_ZERO)

#endif /* _SHIM_LINUX_SLAB_H */
