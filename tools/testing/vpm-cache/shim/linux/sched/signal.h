/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: fatal signals are a flag the harness raises. */
#ifndef _SHIM_LINUX_SCHED_SIGNAL_H
#define _SHIM_LINUX_SCHED_SIGNAL_H

#include <linux/sched.h>

static inline bool fatal_signal_pending(struct task_struct *p)
{
	return __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE);
}

static inline bool signal_pending(struct task_struct *p)
{
	return fatal_signal_pending(p);
}

#endif /* _SHIM_LINUX_SCHED_SIGNAL_H */
