/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_vpm.ko: what test_vpm.c calls in test_vpm_cache.c, the kernel's
 * run of the cache cases shared with tools/testing/vpm-cache.
 */
#ifndef _TEST_VPM_H
#define _TEST_VPM_H

void test_vpm_cache_cases(const char *only, unsigned int *run,
			  unsigned int *passed);

#endif /* _TEST_VPM_H */
