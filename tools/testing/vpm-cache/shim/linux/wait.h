/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: wait queues on a pthread mutex and condition variable.
 *
 * As in the kernel, a waiter registers itself (prepare_to_wait, a full
 * barrier) before it tests the condition, and a waker tests
 * wq_has_sleeper() (a full barrier, then the sleeper count) after making
 * the condition true, so a wakeup between the test and the sleep is not
 * lost: the sleep returns as soon as the queue's sequence number moved
 * past the one taken when the waiter registered.
 */
#ifndef _SHIM_LINUX_WAIT_H
#define _SHIM_LINUX_WAIT_H

#include <pthread.h>
#include <linux/kernel.h>
#include <linux/sched/signal.h>

struct wait_queue_head {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	unsigned long seq;
	int sleepers;			/* atomic */
};

#define wait_queue_head_t	struct wait_queue_head

void init_waitqueue_head(wait_queue_head_t *wq);
void wake_up(wait_queue_head_t *wq);
#define wake_up_all(wq)		wake_up(wq)
unsigned long shim_prepare_to_wait(wait_queue_head_t *wq);
void shim_schedule_wait(wait_queue_head_t *wq, unsigned long seq);
void shim_finish_wait(wait_queue_head_t *wq);

/* Lockless: callers order it with a barrier (wq_has_sleeper()). */
static inline bool waitqueue_active(wait_queue_head_t *wq)
{
	return __atomic_load_n(&wq->sleepers, __ATOMIC_RELAXED) > 0;
}

static inline bool wq_has_sleeper(wait_queue_head_t *wq)
{
	/* Pairs with the barrier after registering in prepare_to_wait. */
	smp_mb();
	/* Safe after the barrier, as in the kernel's wq_has_sleeper(). */
	return waitqueue_active(wq);
}

/*
 * The first test of @condition is the fast path; every later one comes
 * after shim_prepare_to_wait(), so a wakeup cannot fall between the test
 * and the sleep.  A fatal signal ends the wait with -ERESTARTSYS.
 */
#define wait_event_killable(wq_head, condition)				\
({									\
	wait_queue_head_t *__wq = &(wq_head);				\
	unsigned long __seq = 0;					\
	bool __queued = false;						\
	int __ret = 0;							\
									\
	might_sleep();							\
	for (;;) {							\
		if (condition)						\
			break;						\
		if (__queued) {						\
			if (fatal_signal_pending(current)) {		\
				__ret = -ERESTARTSYS;			\
				break;					\
			}						\
			shim_schedule_wait(__wq, __seq);		\
		}							\
		__seq = shim_prepare_to_wait(__wq);			\
		__queued = true;					\
	}								\
	if (__queued)							\
		shim_finish_wait(__wq);					\
	__ret;								\
})

#endif /* _SHIM_LINUX_WAIT_H */
