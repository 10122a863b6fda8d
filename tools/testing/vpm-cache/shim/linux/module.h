/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: module macros. */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include <linux/kernel.h>

#define THIS_MODULE		NULL
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define module_param(name, type, perm)
#define MODULE_PARM_DESC(name, desc)

/* Exports: nothing to do in a single program. */
#define EXPORT_SYMBOL(x)
/* (one comment each: checkpatch takes two in a row for misplaced exports) */
#define EXPORT_SYMBOL_GPL(x)

#endif /* _SHIM_LINUX_MODULE_H */
