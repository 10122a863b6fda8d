/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: rhashtable types.  The table is a fixed array of
 * buckets, each a shim spinlock (a lockdep class of its own) and a chain
 * of struct rhash_head; the key is read from the object at
 * params.key_offset, as the kernel's table does.
 */
#ifndef _SHIM_LINUX_RHASHTABLE_TYPES_H
#define _SHIM_LINUX_RHASHTABLE_TYPES_H

#include <linux/spinlock.h>
#include <linux/atomic.h>

struct rhash_head {
	struct rhash_head *next;
	unsigned long shim_hash;	/* hash of the key when inserted */
	bool shim_in_table;
};

struct rhashtable;

struct rhashtable_compare_arg {
	struct rhashtable *ht;
	const void *key;
};

struct rhashtable_params {
	u16 nelem_hint;
	u16 key_len;
	u16 key_offset;
	u16 head_offset;
	unsigned int max_size;
	u16 min_size;
	bool automatic_shrinking;
	u32 (*hashfn)(const void *data, u32 len, u32 seed);
	u32 (*obj_hashfn)(const void *data, u32 len, u32 seed);
	int (*obj_cmpfn)(struct rhashtable_compare_arg *arg, const void *obj);
};

struct shim_rht_bucket {
	spinlock_t lock;	/* protects the chain */
	struct rhash_head *first;
};

struct rhashtable {
	struct rhashtable_params p;
	unsigned int nbuckets;
	struct shim_rht_bucket *buckets;
	atomic_long_t nelems;
	struct rhashtable *shim_next;	/* registry of live tables */
};

#endif /* _SHIM_LINUX_RHASHTABLE_TYPES_H */
