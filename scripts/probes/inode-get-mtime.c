/* 6.7: inode_get_mtime()/inode_set_mtime_to_ts() accessors (split timestamps). */
static struct timespec64 __maybe_unused t(struct inode *i)
{
	inode_set_mtime_to_ts(i, inode_set_ctime_current(i));
	return inode_get_mtime(i);
}
