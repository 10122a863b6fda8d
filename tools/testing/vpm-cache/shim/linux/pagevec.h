/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: vpm_compat.h includes <linux/pagevec.h> for struct
 * folio_batch; the cache does not use one.
 */
#ifndef _SHIM_LINUX_PAGEVEC_H
#define _SHIM_LINUX_PAGEVEC_H

#include <linux/mm.h>

struct folio_batch;

#endif /* _SHIM_LINUX_PAGEVEC_H */
