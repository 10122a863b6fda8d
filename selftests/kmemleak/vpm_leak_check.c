// SPDX-License-Identifier: GPL-2.0
/*
 * vpm_leak_check: a module that leaks on purpose, to prove that the debug
 * tier's kmemleak check (scripts/guest-init's scans after the command)
 * reports a leak.  Built and loaded only by
 * selftests/tests/73-debug-kmemleak-check.sh; never installed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

static int __init vpm_leak_check_init(void)
{
	int i;

	/*
	 * Many objects: kmemleak may find a stale copy of one pointer
	 * somewhere and keep it, never of all 32.
	 */
	for (i = 0; i < 32; i++) {
		if (!kmalloc(1024, GFP_KERNEL))
			return -ENOMEM;
	}
	pr_info("leaked 32 objects of 1024 bytes on purpose\n");
	return 0;
}
module_init(vpm_leak_check_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("leaks on purpose: a check of the debug tier's kmemleak scan");
