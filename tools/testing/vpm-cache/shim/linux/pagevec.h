/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: struct folio_batch. */
#ifndef _SHIM_LINUX_PAGEVEC_H
#define _SHIM_LINUX_PAGEVEC_H

#include <linux/mm.h>

#define PAGEVEC_SIZE	15

struct folio_batch {
	unsigned char nr;
	bool percpu_pvec_drained;
	struct folio *folios[PAGEVEC_SIZE];
};

static inline void folio_batch_init(struct folio_batch *fbatch)
{
	fbatch->nr = 0;
	fbatch->percpu_pvec_drained = false;
}

static inline unsigned int folio_batch_count(struct folio_batch *fbatch)
{
	return fbatch->nr;
}

static inline unsigned int folio_batch_space(struct folio_batch *fbatch)
{
	return PAGEVEC_SIZE - fbatch->nr;
}

static inline unsigned int folio_batch_add(struct folio_batch *fbatch,
					   struct folio *folio)
{
	fbatch->folios[fbatch->nr++] = folio;
	return folio_batch_space(fbatch);
}

static inline void folio_batch_release(struct folio_batch *fbatch)
{
	unsigned int i;

	for (i = 0; i < fbatch->nr; i++)
		folio_put(fbatch->folios[i]);
	folio_batch_init(fbatch);
}

#endif /* _SHIM_LINUX_PAGEVEC_H */
