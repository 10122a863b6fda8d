/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: compiler attributes and marked accesses.
 *
 * READ_ONCE()/WRITE_ONCE() are relaxed __atomic accesses, so that
 * ThreadSanitizer treats a race between two marked accesses as intended
 * while every plain access stays plain and a race on it is reported.
 */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#define __shim_attr(x)		__attribute__((x))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __aligned(x)		__shim_attr(__aligned__(x))
#define __printf(a, b)		__shim_attr(__format__(printf, a, b))
#define __must_check		__shim_attr(__warn_unused_result__)
#define __maybe_unused		__shim_attr(__unused__)
#define __percpu
#define __rcu
#define __user
#define __init
#define __exit
#define SMP_CACHE_BYTES		64
#define ____cacheline_aligned_in_smp	__aligned(SMP_CACHE_BYTES)
#define ____cacheline_aligned		__aligned(SMP_CACHE_BYTES)

/* (scalars and pointers; the value drops a const of its object) */
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)

#define WRITE_ONCE(x, val)						\
do {									\
	__typeof__(x) __wo_v = (val);					\
	__atomic_store(&(x), &__wo_v, __ATOMIC_RELAXED);		\
} while (0)

/*
 * The kernel's acquire and release (asm/barrier.h) as C11 orders, which
 * TSan follows: what the storer wrote before a release store is seen by
 * the reader after an acquire load that reads the stored value.
 */
#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)

/* (@p evaluated once, as the kernel's) */
#define smp_store_release(p, val)					\
do {									\
	__typeof__(p) __sr_p = (p);					\
	__typeof__(*__sr_p) __sr_v = (val);				\
	__atomic_store(__sr_p, &__sr_v, __ATOMIC_RELEASE);		\
} while (0)

static inline void barrier(void)
{
	__asm__ __volatile__("" : : : "memory");
}

#endif /* _SHIM_LINUX_COMPILER_H */
