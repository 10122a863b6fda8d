/* 6.6: generic_fillattr() takes a request_mask after the idmap. */
#include <linux/mnt_idmapping.h>
static void __maybe_unused t(struct inode *i, struct kstat *st)
{
	generic_fillattr(&nop_mnt_idmap, STATX_BASIC_STATS, i, st);
}
