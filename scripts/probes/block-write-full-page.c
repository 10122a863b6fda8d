/* 6.6: block_write_full_page() removed (block_write_full_folio() is not exported). */
#include <linux/buffer_head.h>
static int __maybe_unused t(struct page *p, get_block_t *gb, struct writeback_control *w)
{
	return block_write_full_page(p, gb, w);
}
