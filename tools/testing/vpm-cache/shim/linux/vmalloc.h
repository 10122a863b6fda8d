/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the kvmalloc family.  As the kernel's, it refuses
 * (with a WARN, unless __GFP_NOWARN) any size over INT_MAX; besides, the
 * harness fails sizes over shim_kv_limit (an allocation failure, no WARN)
 * and records every request so a test can see what was asked for.
 */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <linux/slab.h>

void *shim_kvmalloc_array(size_t n, size_t size, gfp_t gfp,
			  const char *file, int line);

#define kvmalloc(size, gfp)						\
	shim_kvmalloc_array(1, size, gfp, __FILE__, __LINE__)
#define kvzalloc(size, gfp)	kvmalloc(size, (gfp) | __GFP_ZERO)
#define kvmalloc_array(n, size, gfp)					\
	shim_kvmalloc_array(n, size, gfp, __FILE__, __LINE__)
#define kvcalloc(n, size, gfp)	kvmalloc_array(n, size, (gfp) | __GFP_ZERO)
#define kvfree(p)		kfree(p)

#endif /* _SHIM_LINUX_VMALLOC_H */
