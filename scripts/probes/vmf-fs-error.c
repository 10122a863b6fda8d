/* 6.8: block_page_mkwrite_return() replaced by vmf_fs_error(). */
static vm_fault_t __maybe_unused t(int e)
{
	return vmf_fs_error(e);
}
