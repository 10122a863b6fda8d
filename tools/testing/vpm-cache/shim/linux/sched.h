/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the current task.  Each thread has one; it carries the
 * fake CPU the thread runs on, the held-lock stack of the shim lockdep and
 * its RCU read-side nesting and reader record.
 */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

#include <linux/spinlock.h>

#define SHIM_MAX_HELD	16

struct shim_held_lock {
	spinlock_t *lock;	/* the lock held */
	int cls;
	bool trylock;
};

struct shim_rcu_reader;

struct task_struct {
	int cpu;
	int nheld;
	struct shim_held_lock held[SHIM_MAX_HELD];
	int rcu_nesting;
	struct shim_rcu_reader *rcu;	/* registered while the task lives */
	char comm[16];
};

struct task_struct *shim_current(void);
#define current		shim_current()

#endif /* _SHIM_LINUX_SCHED_H */
