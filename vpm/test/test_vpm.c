// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
static int __init test_vpm_init(void) { return 0; }
module_init(test_vpm_init);
MODULE_LICENSE("GPL");
