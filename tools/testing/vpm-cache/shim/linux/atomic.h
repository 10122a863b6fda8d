/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: cmpxchg(), the only atomic the cache uses, on the
 * __atomic builtins.  As in the kernel it is fully ordered and returns the
 * value found, so success is "returned == old".
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

#define cmpxchg(ptr, old, new)						\
({									\
	__typeof__(ptr) __cx_ptr = (ptr);				\
	__typeof__(*__cx_ptr) __cx_old = (old);				\
	__atomic_compare_exchange_n(__cx_ptr, &__cx_old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__cx_old;							\
})

#endif /* _SHIM_LINUX_ATOMIC_H */
