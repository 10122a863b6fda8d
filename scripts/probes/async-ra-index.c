/* 6.1: page_cache_async_readahead() takes the index too; 6.11 drops it. */
#include <linux/pagemap.h>
void p(struct address_space *m, struct file_ra_state *ra, struct file *f,
       struct folio *fo);
void p(struct address_space *m, struct file_ra_state *ra, struct file *f,
       struct folio *fo)
{
	page_cache_async_readahead(m, ra, f, fo, 0, 1);
}
