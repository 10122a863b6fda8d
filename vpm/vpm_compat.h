/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences are handled.
 *
 * Every HAVE_* macro comes from generated/vpm_compat_gen.h, written by
 * scripts/compat-gen from the probes in scripts/probes/ (one probe per API
 * change, named after it).  Code outside this header calls the vpm_*
 * wrappers below and never tests a kernel version.
 */
#ifndef _VPM_COMPAT_H
#define _VPM_COMPAT_H

#include <linux/fs.h>
#include <linux/shrinker.h>
#include "vpm_compat_gen.h"

/* ---- shrinker registration: shrinker_alloc() (6.7) or register_shrinker() ---- */

/**
 * vpm_shrinker_create() - allocate and register a shrinker
 * @count: the count_objects callback
 * @scan: the scan_objects callback
 * @name: name shown in /sys/kernel/debug/shrinker (where present)
 *
 * Return: the shrinker, or an ERR_PTR().
 */
static inline struct shrinker *
vpm_shrinker_create(unsigned long (*count)(struct shrinker *,
					   struct shrink_control *),
		    unsigned long (*scan)(struct shrinker *,
					  struct shrink_control *),
		    const char *name)
{
	struct shrinker *s;
#ifdef HAVE_SHRINKER_ALLOC
	s = shrinker_alloc(0, "%s", name);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	shrinker_register(s);
#else
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	err = register_shrinker(s, "%s", name);
	if (err) {
		kfree(s);
		return ERR_PTR(err);
	}
#endif
	return s;
}

/**
 * vpm_shrinker_destroy() - unregister and free a vpm_shrinker_create() one
 * @s: the shrinker
 */
static inline void vpm_shrinker_destroy(struct shrinker *s)
{
#ifdef HAVE_SHRINKER_ALLOC
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

/* ---- vpmfs section: file system API differences (owned by vpm/fs/) ---- */

#endif /* _VPM_COMPAT_H */
