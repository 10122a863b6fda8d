/* SPDX-License-Identifier: GPL-2.0 */
/* User-space shim: page-cache lookups in the fake page cache. */
#ifndef _SHIM_LINUX_PAGEMAP_H
#define _SHIM_LINUX_PAGEMAP_H

#include <linux/mm.h>
#include <linux/pagevec.h>

unsigned int filemap_get_folios(struct address_space *mapping,
				pgoff_t *start, pgoff_t end,
				struct folio_batch *fbatch);

#endif /* _SHIM_LINUX_PAGEMAP_H */
