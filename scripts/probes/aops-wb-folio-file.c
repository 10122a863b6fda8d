/* 6.12: a_ops->write_begin takes struct folio ** (first argument still a file). */
static int t(struct file *f, struct address_space *m, loff_t p, unsigned int l,
	     struct folio **fp, void **d)
{
	return 0;
}

static const struct address_space_operations a __maybe_unused = { .write_begin = t };
