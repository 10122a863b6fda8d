/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: shrinkers, both the shrinker_alloc() API (6.7+) and
 * register_shrinker().  Registered shrinkers are kept so the harness can
 * play memory pressure (shim_shrink_all()).
 */
#ifndef _SHIM_LINUX_SHRINKER_H
#define _SHIM_LINUX_SHRINKER_H

#include <linux/kernel.h>

struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
};

#define SHRINK_STOP	(~0UL)
#define SHRINK_EMPTY	(~0UL - 1)
#define DEFAULT_SEEKS	2

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *s,
				       struct shrink_control *sc);
	unsigned long (*scan_objects)(struct shrinker *s,
				      struct shrink_control *sc);
	long batch;
	int seeks;
	unsigned int flags;
	void *private_data;
	char shim_name[32];
	bool shim_registered;
	int shim_active;		/* atomic: callbacks in flight */
	bool shim_allocated;		/* came from shrinker_alloc() */
};

__printf(2, 3) struct shrinker *shrinker_alloc(unsigned int flags,
					       const char *fmt, ...);
void shrinker_register(struct shrinker *s);
void shrinker_free(struct shrinker *s);
__printf(2, 3) int register_shrinker(struct shrinker *s, const char *fmt, ...);
void unregister_shrinker(struct shrinker *s);

/* Harness: call every registered shrinker as reclaim would. */
unsigned long shim_shrink_all(unsigned long nr_to_scan, unsigned long *count);
int shim_nr_shrinkers(void);

#endif /* _SHIM_LINUX_SHRINKER_H */
