/* 7.2 (removed after 6.12): a_ops->writepage, which mpage_writepages() of 6.1 falls back to. */
static int t(struct page *p, struct writeback_control *w)
{
	return 0;
}

static const struct address_space_operations a __maybe_unused = { .writepage = t };
