// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/debugfs.h>
#include "vpm_internal.h"

static struct dentry *vpm_debugfs;

static int __init vpm_init(void)
{
	vpm_debugfs = debugfs_create_dir("vpm", NULL);
	return 0;
}

static void __exit vpm_exit(void)
{
	debugfs_remove(vpm_debugfs);
}

module_init(vpm_init);
module_exit(vpm_exit);
MODULE_LICENSE("GPL");
