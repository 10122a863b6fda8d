/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: spinlocks with a small lockdep.
 *
 * A spinlock is a pthread mutex (ThreadSanitizer understands it) plus the
 * owning task.  Each spin_lock_init() call site is a lock class, as with
 * lockdep; the shim records "class A held while class B is taken"
 * dependencies and aborts on a cycle, on recursive locking of one class,
 * on unlocking a lock the caller does not hold, and on
 * lockdep_assert_held() of a lock the caller does not hold.  Trylocks add
 * no dependency, as in lockdep.  The number of tasks blocked in
 * spin_lock() is kept, so a test can wait until one is.
 */
#ifndef _SHIM_LINUX_SPINLOCK_H
#define _SHIM_LINUX_SPINLOCK_H

#include <pthread.h>
#include <linux/kernel.h>
#include <linux/atomic.h>

struct lock_class_key {
	int id;
};

struct shim_spinlock {
	pthread_mutex_t mutex;
	void *owner;		/* struct task_struct *, relaxed atomic */
	int waiters;		/* atomic: tasks inside spin_lock() */
	int cls;
	const char *name;
};

#define spinlock_t	struct shim_spinlock

void shim_spin_lock_init(spinlock_t *lock, struct lock_class_key *key,
			 const char *name);
void spin_lock(spinlock_t *lock);
int spin_trylock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
bool shim_lock_held(spinlock_t *lock);
int shim_lock_waiters(spinlock_t *lock);
void shim_lockdep_assert_held(spinlock_t *lock, const char *file, int line);

#define spin_lock_init(lock)						\
do {									\
	static struct lock_class_key __key;				\
	shim_spin_lock_init(lock, &__key, #lock);			\
} while (0)

#define lockdep_assert_held(lock)					\
	shim_lockdep_assert_held(lock, __FILE__, __LINE__)

#endif /* _SHIM_LINUX_SPINLOCK_H */
