/* 7.x: shmem_file_setup() takes vma_flags_t (mk_vma_flags()), not VM_* bits. */
#include <linux/shmem_fs.h>
static struct file * __maybe_unused t(void)
{
	return shmem_file_setup("t", 0, mk_vma_flags(VMA_NORESERVE_BIT));
}
