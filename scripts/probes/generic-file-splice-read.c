/* 6.5: generic_file_splice_read() replaced by filemap_splice_read(). */
static const struct file_operations o __maybe_unused = {
	.splice_read = generic_file_splice_read,
};
