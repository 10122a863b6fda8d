/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: the memory hotplug notifier chain.  The harness plays
 * memory hotplug on its struct page pool (shim_memory_offline() in
 * shim_harness.h): MEM_GOING_OFFLINE, isolation, truncation of the page
 * cache folios in the range and waiting for their last reference, then
 * MEM_OFFLINE, after which the struct pages of the range are gone: using
 * one aborts (and is an AddressSanitizer error in that build).
 * register_memory_notifier() is a fallible call (shim_fail_in).
 */
#ifndef _SHIM_LINUX_MEMORY_H
#define _SHIM_LINUX_MEMORY_H

#include <linux/notifier.h>

enum {
	MEM_ONLINE = 1 << 0,
	MEM_GOING_OFFLINE = 1 << 1,
	MEM_OFFLINE = 1 << 2,
	MEM_GOING_ONLINE = 1 << 3,
	MEM_CANCEL_ONLINE = 1 << 4,
	MEM_CANCEL_OFFLINE = 1 << 5,
};

struct memory_notify {
	unsigned long altmap_start_pfn;
	unsigned long altmap_nr_pages;
	unsigned long start_pfn;
	unsigned long nr_pages;
	int status_change_nid_normal;
	int status_change_nid;
};

int register_memory_notifier(struct notifier_block *nb);
void unregister_memory_notifier(struct notifier_block *nb);

#endif /* _SHIM_LINUX_MEMORY_H */
