/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: RCU, minimally but honestly.
 *
 * Every task has a reader record.  The outermost rcu_read_lock() stores
 * the current grace-period number in it (then a full barrier), and
 * rcu_read_unlock() clears it (a release store).  synchronize_rcu() starts
 * a new grace period and waits until no record still holds an older
 * number: every reader that might have seen the state before the call has
 * left its critical section.  It may sleep, so it aborts inside a
 * read-side section or with a spinlock held, as might_sleep() does.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/kernel.h>

void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
bool rcu_read_lock_held(void);

#endif /* _SHIM_LINUX_RCUPDATE_H */
