/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the current task.  Each thread has one; it carries the
 * fake CPU the thread runs on, the held-lock stack of the shim lockdep,
 * the preempt count and a "fatal signal" flag the harness can raise.
 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <linux/spinlock.h>

#define SHIM_MAX_HELD	16

struct shim_held_lock {
	spinlock_t *lock;	/* the lock held */
	int cls;
	bool trylock;
	const char *file;
};

struct task_struct {
	int cpu;
	int preempt_count;
	int locked_cpu;
	int nheld;
	struct shim_held_lock held[SHIM_MAX_HELD];
	int killed;			/* atomic */
	bool queued;			/* on a wait queue */
	char comm[16];
};

struct task_struct *shim_current(void);
#define current		shim_current()

#endif /* _SHIM_LINUX_SCHED_H */
