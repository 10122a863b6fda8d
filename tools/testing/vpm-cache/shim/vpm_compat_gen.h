/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim for generated/vpm_compat_gen.h: the probe results of a
 * 6.7+ kernel as far as the cache is concerned (shrinker_alloc()).  Build
 * with -DSHIM_OLD_SHRINKER to take the register_shrinker() branch.
 */
#ifndef _SHIM_VPM_COMPAT_GEN_H
#define _SHIM_VPM_COMPAT_GEN_H

#ifndef SHIM_OLD_SHRINKER
#define HAVE_SHRINKER_ALLOC 1
#endif

#endif /* _SHIM_VPM_COMPAT_GEN_H */
