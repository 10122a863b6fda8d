/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: atomic_t and atomic_long_t on __atomic builtins, with
 * the kernel's ordering: plain ops and reads relaxed, value-returning
 * read-modify-writes fully ordered.
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

struct shim_atomic {
	int counter;
};

struct shim_atomic_long {
	long counter;
};

#define atomic_t	struct shim_atomic
#define atomic_long_t	struct shim_atomic_long

#define ATOMIC_INIT(i)		{ (i) }

#define __shim_rd(v)		__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define __shim_wr(v, i)		__atomic_store_n(&(v)->counter, (i), __ATOMIC_RELAXED)
#define __shim_add(v, i)	((void)__atomic_fetch_add(&(v)->counter, (i), __ATOMIC_RELAXED))
#define __shim_add_ret(v, i)	__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST)

#define atomic_read(v)		__shim_rd(v)
#define atomic_set(v, i)	__shim_wr(v, i)
#define atomic_inc(v)		__shim_add(v, 1)
#define atomic_dec(v)		__shim_add(v, -1)
#define atomic_add(i, v)	__shim_add(v, i)
#define atomic_sub(i, v)	__shim_add(v, -(i))
#define atomic_inc_return(v)	__shim_add_ret(v, 1)
#define atomic_dec_return(v)	__shim_add_ret(v, -1)
#define atomic_dec_and_test(v)	(__shim_add_ret(v, -1) == 0)

#define atomic_long_read(v)	__shim_rd(v)
#define atomic_long_set(v, i)	__shim_wr(v, (long)(i))
#define atomic_long_inc(v)	__shim_add(v, 1L)
#define atomic_long_dec(v)	__shim_add(v, -1L)
#define atomic_long_add(i, v)	__shim_add(v, (long)(i))
#define atomic_long_sub(i, v)	__shim_add(v, -(long)(i))
#define atomic_long_inc_return(v)	__shim_add_ret(v, 1L)
#define atomic_long_dec_return(v)	__shim_add_ret(v, -1L)

#endif /* _SHIM_LINUX_ATOMIC_H */
