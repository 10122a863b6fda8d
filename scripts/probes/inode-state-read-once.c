/* 7.2: inode->i_state is read with inode_state_read_once(). */
static int __maybe_unused t(struct inode *i)
{
	return inode_state_read_once(i) & I_NEW;
}
