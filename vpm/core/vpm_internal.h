/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VPM_INTERNAL_H
#define _VPM_INTERNAL_H
#include <linux/module.h>
#include <vpm/vpm.h>
#endif
