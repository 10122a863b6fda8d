/* 7.2: a_ops->write_begin takes const struct kiocb * and struct folio **. */
static int t(const struct kiocb *k, struct address_space *m, loff_t p,
	     unsigned int l, struct folio **fp, void **d)
{
	return 0;
}

static const struct address_space_operations a __maybe_unused = { .write_begin = t };
