/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the rhashtable calls vpm_cache.c makes.
 *
 * Besides the kernel's semantics (-EEXIST on a duplicate key), the shim
 * checks that an object is not inserted twice and that a removed object is
 * found where its key says (a key changed while in the table, or a double
 * remove, is an error the harness reports).  The harness can make
 * insertions fail with -ENOMEM (shim_rht_insert_fail_every).
 */
#ifndef _SHIM_LINUX_RHASHTABLE_H
#define _SHIM_LINUX_RHASHTABLE_H

#include <linux/rhashtable-types.h>

extern unsigned int shim_rht_insert_fail_every;

int rhashtable_init(struct rhashtable *ht,
		    const struct rhashtable_params *params);
void rhashtable_destroy(struct rhashtable *ht);
void *shim_rht_lookup(struct rhashtable *ht, const void *key,
		      const struct rhashtable_params *params);
int shim_rht_insert(struct rhashtable *ht, struct rhash_head *obj,
		    const struct rhashtable_params *params);
int shim_rht_remove(struct rhashtable *ht, struct rhash_head *obj,
		    const struct rhashtable_params *params);

static inline void *rhashtable_lookup_fast(struct rhashtable *ht,
					   const void *key,
					   const struct rhashtable_params params)
{
	return shim_rht_lookup(ht, key, &params);
}

/* The kernel's needs the caller's RCU read lock; the shim's table locks. */
static inline void *rhashtable_lookup(struct rhashtable *ht, const void *key,
				      const struct rhashtable_params params)
{
	return shim_rht_lookup(ht, key, &params);
}

static inline int
rhashtable_lookup_insert_fast(struct rhashtable *ht, struct rhash_head *obj,
			      const struct rhashtable_params params)
{
	return shim_rht_insert(ht, obj, &params);
}

static inline int rhashtable_remove_fast(struct rhashtable *ht,
					 struct rhash_head *obj,
					 const struct rhashtable_params params)
{
	return shim_rht_remove(ht, obj, &params);
}

#endif /* _SHIM_LINUX_RHASHTABLE_H */
