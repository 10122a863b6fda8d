/* 7.2 (6.15): inode_operations->mkdir returns struct dentry *. */
static struct dentry *t(struct mnt_idmap *m, struct inode *d, struct dentry *de,
			umode_t mo)
{
	return NULL;
}

static const struct inode_operations o __maybe_unused = { .mkdir = t };
