/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the cache includes <linux/pagemap.h> but calls nothing
 * of it; the fake page cache is in <linux/fs.h> and shim_harness.h.
 */
#ifndef _SHIM_LINUX_PAGEMAP_H
#define _SHIM_LINUX_PAGEMAP_H

#include <linux/mm.h>

#endif /* _SHIM_LINUX_PAGEMAP_H */
