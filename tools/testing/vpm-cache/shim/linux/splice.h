/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: nothing of it is used by the cache. */
#ifndef _SHIM_LINUX_SPLICE_H
#define _SHIM_LINUX_SPLICE_H

#include <linux/fs.h>

#endif /* _SHIM_LINUX_SPLICE_H */
