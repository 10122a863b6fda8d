// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/fs.h>

static struct file_system_type vpmfs_type = {
	.owner = THIS_MODULE,
	.name = "vpmfs",
	.kill_sb = kill_block_super,
	.fs_flags = FS_REQUIRES_DEV,
};

static int __init vpmfs_init(void)
{
	return register_filesystem(&vpmfs_type);
}

static void __exit vpmfs_exit(void)
{
	unregister_filesystem(&vpmfs_type);
}

module_init(vpmfs_init);
module_exit(vpmfs_exit);
MODULE_LICENSE("GPL");
MODULE_ALIAS_FS("vpmfs");
