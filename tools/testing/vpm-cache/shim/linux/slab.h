/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: kmalloc and friends on the C heap (AddressSanitizer
 * reports leaks and misuse; the shim also counts live allocations so a
 * test can check for leaks under ThreadSanitizer).  Allocations are
 * cache-line aligned, as kmalloc's size classes are.  GFP_KERNEL
 * allocations may sleep and are checked against held spinlocks and RCU
 * read-side sections.  The harness can make the n-th fallible call fail
 * (shim_fail_in: every allocation, alloc_percpu() and
 * register_memory_notifier() count).
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <linux/kernel.h>

#define __GFP_ZERO	0x100u
#define __GFP_NOWARN	0x200u
#define GFP_ATOMIC	0x01u
#define GFP_NOWAIT	0x02u
#define GFP_KERNEL	0x10u

void *shim_kmalloc_array(size_t n, size_t size, gfp_t gfp,
			 const char *file, int line);
void kfree(const void *p);

#define kmalloc(size, gfp)						\
	shim_kmalloc_array(1, size, gfp, __FILE__, __LINE__)
#define kzalloc(size, gfp)	kmalloc(size, (gfp) | __GFP_ZERO)
#define kmalloc_array(n, size, gfp)					\
	shim_kmalloc_array(n, size, gfp, __FILE__, __LINE__)
#define kcalloc(n, size, gfp)	kmalloc_array(n, size, (gfp) | __GFP_ZERO)

#endif /* _SHIM_LINUX_SLAB_H */
