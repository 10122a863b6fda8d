/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: struct address_space, the fake page cache.  It is an
 * array of folio pointers indexed by page index (a large folio fills
 * several entries).  Lookups are lockless, as the kernel's: load the
 * entry, folio_try_get(), check the entry still names the folio.  Adding,
 * truncating and splitting folios take the mapping's lock.
 */
#ifndef _SHIM_LINUX_FS_H
#define _SHIM_LINUX_FS_H

#include <pthread.h>
#include <linux/kernel.h>

struct folio;

struct address_space {
	pthread_mutex_t shim_lock;	/* writers of shim_slots */
	unsigned long shim_npages;
	struct folio **shim_slots;	/* atomic pointers */
	int shim_id;
};

#endif /* _SHIM_LINUX_FS_H */
