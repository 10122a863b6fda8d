/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim for generated/vpm_compat_gen.h.  The core half of
 * vpm_compat.h (all the harness compiles, VPM_COMPAT_CORE_ONLY) tests only
 * HAVE_FOLIO_BATCH_H, left undefined: <linux/pagevec.h> is included.
 */
#ifndef _SHIM_VPM_COMPAT_GEN_H
#define _SHIM_VPM_COMPAT_GEN_H

#endif /* _SHIM_VPM_COMPAT_GEN_H */
