/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: module macros. */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#include <linux/kernel.h>

#define THIS_MODULE		NULL
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define module_param(name, type, perm)
#define MODULE_PARM_DESC(name, desc)

#endif /* _SHIM_LINUX_MODULE_H */
