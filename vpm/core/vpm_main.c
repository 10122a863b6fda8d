// SPDX-License-Identifier: GPL-2.0
/*
 * vpm.ko: module parameters (the illumos /etc/system tunables), load and
 * unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include "vpm_internal.h"

/*
 * vpm_enable: file systems use vpm only when this is set (illumos
 * callers test it and fall back to segmap; vpmfs falls back to the
 * generic Linux paths).  The interface itself works either way.
 */
int vpm_enable = 1;
EXPORT_SYMBOL_GPL(vpm_enable);
module_param(vpm_enable, int, 0444);
MODULE_PARM_DESC(vpm_enable, "Advise file systems to use vpm (default 1)");

/* vpm_cache_enable: 0 maps pages without the slot cache (illumos path). */
int vpm_cache_enable = 1;
EXPORT_SYMBOL_GPL(vpm_cache_enable);
module_param(vpm_cache_enable, int, 0444);
MODULE_PARM_DESC(vpm_cache_enable, "Use the vpm slot cache (default 1)");

/* vpm_cache_percent: cache size as a share of RAM, clamped 64 MiB..256 GiB. */
long vpm_cache_percent = 12;
module_param(vpm_cache_percent, long, 0444);
MODULE_PARM_DESC(vpm_cache_percent,
		 "Cache size in percent of RAM, 1..100 (default 12)");

/* vpm_nfreelist: number of freelists, 0 = one per possible CPU. */
int vpm_nfreelist;
module_param(vpm_nfreelist, int, 0444);
MODULE_PARM_DESC(vpm_nfreelist,
		 "Freelists, 0 = number of CPUs, rounded up to a power of two");

/* vpm_cachemode: 0 = LRU, the only mode illumos implemented. */
int vpm_cachemode = VPMCACHE_LRU;
module_param(vpm_cachemode, int, 0444);
MODULE_PARM_DESC(vpm_cachemode, "Slot reuse policy, 0 = LRU (only)");

/*
 * vpm_cache_slots: Linux addition for tests and experiments: an exact
 * number of slots, bypassing vpm_cache_percent and its clamps.
 */
unsigned long vpm_cache_slots;
module_param(vpm_cache_slots, ulong, 0444);
MODULE_PARM_DESC(vpm_cache_slots,
		 "Exact cache size in slots, 0 = from vpm_cache_percent");

static int __init vpm_module_init(void)
{
	int err;

	if (vpm_enable != 0 && vpm_enable != 1) {
		pr_warn("vpm_enable %d not 0 or 1, using 1\n", vpm_enable);
		vpm_enable = 1;
	}
	if (vpm_cache_enable != 0 && vpm_cache_enable != 1) {
		pr_warn("vpm_cache_enable %d not 0 or 1, using 1\n",
			vpm_cache_enable);
		vpm_cache_enable = 1;
	}

	err = vpm_cache_init();
	if (err)
		return err;
	err = vpm_stats_init();
	if (err) {
		vpm_cache_fini();
		return err;
	}
	return 0;
}

static void __exit vpm_module_exit(void)
{
	vpm_stats_fini();
	vpm_cache_fini();
}

module_init(vpm_module_init);
module_exit(vpm_module_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VPM: vnode page mappings, ported from illumos");
MODULE_VERSION(VPM_VERSION);
