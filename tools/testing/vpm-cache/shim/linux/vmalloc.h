/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: kvmalloc family, the same heap as kmalloc. */
#ifndef _SHIM_LINUX_VMALLOC_H
#define _SHIM_LINUX_VMALLOC_H

#include <linux/slab.h>

#define kvmalloc(size, gfp)	kmalloc(size, gfp)
#define kvzalloc(size, gfp)	kzalloc(size, gfp)
#define kvcalloc(n, size, gfp)	kcalloc(n, size, gfp)
#define kvmalloc_array(n, size, gfp)	kmalloc_array(n, size, gfp)
#define vfree(p)		kfree(p)
#define kvfree(p)		kfree(p)

#endif /* _SHIM_LINUX_VMALLOC_H */
