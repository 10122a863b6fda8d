/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: <vpm/vpm.h> only passes struct iov_iter by pointer. */
#ifndef _SHIM_LINUX_UIO_H
#define _SHIM_LINUX_UIO_H

#include <linux/types.h>

struct iov_iter;

#endif /* _SHIM_LINUX_UIO_H */
