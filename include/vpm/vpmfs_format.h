/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpmfs on-disk format, shared by vpmfs.ko, mkfs.vpmfs and fsck.vpmfs.
 * See Documentation/vpmfs.rst for the description of every field.
 *
 * All multi-byte fields are little endian; static_assert (C11
 * _Static_assert) pins the size of every on-disk structure.
 * Layout, in 4 KiB blocks:
 *
 *   0                    superblock (struct vpmfs_super_block at offset 0)
 *   ibitmap_start ...    inode allocation bitmap (bit n = inode n)
 *   bbitmap_start ...    block allocation bitmap (bit n = block n)
 *   itable_start ...     inode table (32 inodes of 128 bytes per block)
 *   data_start ...       data, directory and indirect blocks
 */
#ifndef _VPM_VPMFS_FORMAT_H
#define _VPM_VPMFS_FORMAT_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/build_bug.h>	/* static_assert() */
#else
#include <assert.h>
#endif

#define VPMFS_MAGIC		0x46504d56	/* "VMPF" little endian */
#define VPMFS_VERSION		1
#define VPMFS_BLOCK_SHIFT	12
#define VPMFS_BLOCK_SIZE	4096U

/* Feature flags: a kernel or tool refuses any bit it does not know. */
#define VPMFS_FEATURE_COMPAT_SUPP	0x0U
#define VPMFS_FEATURE_INCOMPAT_SUPP	0x0U
#define VPMFS_FEATURE_RO_COMPAT_SUPP	0x0U

/* s_state */
#define VPMFS_STATE_CLEAN	0x0001	/* cleanly unmounted */
#define VPMFS_STATE_ERROR	0x0002	/* errors were detected */

#define VPMFS_ROOT_INO		1	/* inode 0 is reserved, never used */
#define VPMFS_MIN_BLOCKS	16
#define VPMFS_MAX_BLOCKS	0xfffffff0U	/* block numbers are 32 bit */
#define VPMFS_MAX_INODES	0x7fffffffU

/* Block map of an inode: 12 direct, 1 single and 1 double indirect. */
#define VPMFS_NDIR		12
#define VPMFS_IND		12
#define VPMFS_DIND		13
#define VPMFS_NBLOCKS		15	/* i_block[14] is reserved, 0 */
#define VPMFS_PTRS_PER_BLOCK	(VPMFS_BLOCK_SIZE / 4)
#define VPMFS_MAX_FILE_BLOCKS	((__u64)VPMFS_NDIR + VPMFS_PTRS_PER_BLOCK + \
				 (__u64)VPMFS_PTRS_PER_BLOCK * VPMFS_PTRS_PER_BLOCK)
#define VPMFS_MAX_FILE_SIZE	(VPMFS_MAX_FILE_BLOCKS << VPMFS_BLOCK_SHIFT)

/* Longest name in a directory entry (no terminating NUL on disk). */
#define VPMFS_NAME_LEN		56
/* Longest symlink target (stored in one data block). */
#define VPMFS_SYMLINK_MAX	(VPMFS_BLOCK_SIZE - 1)
#define VPMFS_MAX_LINKS		32000

/**
 * struct vpmfs_super_block - block 0, offset 0
 * @s_magic: VPMFS_MAGIC
 * @s_version: VPMFS_VERSION
 * @s_feature_compat: features an older kernel may ignore
 * @s_feature_incompat: features an older kernel must refuse
 * @s_feature_ro_compat: features an older kernel may only mount read-only
 * @s_block_size: bytes per block, always VPMFS_BLOCK_SIZE
 * @s_blocks_count: blocks in the file system, metadata included
 * @s_inodes_count: inodes in the inode table, inode 0 included
 * @s_free_blocks: free blocks (advisory; fsck recomputes it)
 * @s_free_inodes: free inodes (advisory; fsck recomputes it)
 * @s_ibitmap_start: first block of the inode bitmap
 * @s_ibitmap_blocks: blocks of the inode bitmap
 * @s_bbitmap_start: first block of the block bitmap
 * @s_bbitmap_blocks: blocks of the block bitmap
 * @s_itable_start: first block of the inode table
 * @s_itable_blocks: blocks of the inode table
 * @s_data_start: first data block; blocks below it are metadata
 * @s_root_ino: VPMFS_ROOT_INO
 * @s_state: VPMFS_STATE_* flags
 * @s_mount_count: times mounted since mkfs
 * @s_pad0: zero
 * @s_mkfs_time: seconds since the epoch of mkfs
 * @s_mount_time: seconds since the epoch of the last mount
 * @s_write_time: seconds since the epoch of the last superblock write
 * @s_uuid: random identifier
 * @s_label: volume label, NUL padded
 * @s_reserved: zero
 * @s_checksum: crc32c (seed ~0, final ~) of the first 252 bytes
 */
struct vpmfs_super_block {
	__le32	s_magic;
	__le32	s_version;
	__le32	s_feature_compat;
	__le32	s_feature_incompat;
	__le32	s_feature_ro_compat;
	__le32	s_block_size;
	__le32	s_blocks_count;
	__le32	s_inodes_count;
	__le32	s_free_blocks;
	__le32	s_free_inodes;
	__le32	s_ibitmap_start;
	__le32	s_ibitmap_blocks;
	__le32	s_bbitmap_start;
	__le32	s_bbitmap_blocks;
	__le32	s_itable_start;
	__le32	s_itable_blocks;
	__le32	s_data_start;
	__le32	s_root_ino;
	__le32	s_state;
	__le32	s_mount_count;
	__le64	s_mkfs_time;
	__le64	s_mount_time;
	__le64	s_write_time;
	__u8	s_uuid[16];
	char	s_label[32];
	__le32	s_reserved[25];
	__le32	s_checksum;
};

static_assert(sizeof(struct vpmfs_super_block) == 256, "vpmfs sb size");

#define VPMFS_SB_CSUM_LEN	252	/* offsetof(s_checksum) */

/**
 * struct vpmfs_inode - one 128-byte slot of the inode table
 * @i_mode: file type and permission bits; 0 means the slot is free
 * @i_links: hard link count
 * @i_uid: owner
 * @i_gid: group
 * @i_flags: zero (reserved)
 * @i_size: size in bytes
 * @i_atime: access time, seconds
 * @i_mtime: modification time, seconds
 * @i_ctime: change time, seconds
 * @i_atime_ns: nanoseconds of @i_atime
 * @i_mtime_ns: nanoseconds of @i_mtime
 * @i_ctime_ns: nanoseconds of @i_ctime
 * @i_blocks: blocks owned, data and indirect
 * @i_block: 12 direct pointers, single indirect, double indirect, zero
 * @i_generation: NFS-style generation number
 */
struct vpmfs_inode {
	__le16	i_mode;
	__le16	i_links;
	__le32	i_uid;
	__le32	i_gid;
	__le32	i_flags;
	__le64	i_size;
	__le64	i_atime;
	__le64	i_mtime;
	__le64	i_ctime;
	__le32	i_atime_ns;
	__le32	i_mtime_ns;
	__le32	i_ctime_ns;
	__le32	i_blocks;
	__le32	i_block[VPMFS_NBLOCKS];
	__le32	i_generation;
};

static_assert(sizeof(struct vpmfs_inode) == 128, "vpmfs inode size");

#define VPMFS_INODE_SIZE	128
#define VPMFS_INODES_PER_BLOCK	(VPMFS_BLOCK_SIZE / VPMFS_INODE_SIZE)

/* d_type values (the DT_* numbering) */
#define VPMFS_FT_UNKNOWN	0
#define VPMFS_FT_FIFO		1
#define VPMFS_FT_CHR		2
#define VPMFS_FT_DIR		4
#define VPMFS_FT_BLK		6
#define VPMFS_FT_REG		8
#define VPMFS_FT_LNK		10
#define VPMFS_FT_SOCK		12

/**
 * struct vpmfs_dirent - one 64-byte directory slot
 * @d_ino: inode number, 0 for a free slot
 * @d_name_len: bytes of @d_name used, 1..VPMFS_NAME_LEN
 * @d_type: VPMFS_FT_* of the inode
 * @d_pad: zero
 * @d_name: name, no NUL, no '/', zero padded
 *
 * A directory is a whole number of blocks of dirents.  Slot 0 of block 0
 * is ".", slot 1 is "..".  A free slot is all zeroes.
 */
struct vpmfs_dirent {
	__le32	d_ino;
	__u8	d_name_len;
	__u8	d_type;
	__le16	d_pad;
	char	d_name[VPMFS_NAME_LEN];
};

static_assert(sizeof(struct vpmfs_dirent) == 64, "vpmfs dirent size");

#define VPMFS_DIRENT_SIZE	64
#define VPMFS_DIRENTS_PER_BLOCK	(VPMFS_BLOCK_SIZE / VPMFS_DIRENT_SIZE)

/**
 * vpmfs_crc32c() - CRC-32C (Castagnoli), bitwise, no tables
 * @crc: running value (start with ~0U)
 * @buf: data
 * @len: bytes
 *
 * Small and slow; only the superblock is checksummed.  Used by the kernel
 * and the tools alike so both agree without a crypto dependency.
 *
 * Return: the updated running value (the caller inverts it at the end).
 */
static inline __u32 vpmfs_crc32c(__u32 crc, const void *buf, unsigned long len)
{
	const unsigned char *p = buf;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & (0U - (crc & 1)));
	}
	return crc;
}

/**
 * vpmfs_sb_csum() - the checksum stored in s_checksum
 * @sb: superblock in its on-disk form
 *
 * Return: the value (CPU order) that s_checksum must hold.
 */
static inline __u32 vpmfs_sb_csum(const struct vpmfs_super_block *sb)
{
	return ~vpmfs_crc32c(~0U, sb, VPMFS_SB_CSUM_LEN);
}

/**
 * struct vpmfs_layout - where the metadata regions lie, derived from the
 *	block and inode counts alone
 * @ibitmap_start: first inode bitmap block (always 1)
 * @ibitmap_blocks: inode bitmap blocks
 * @bbitmap_start: first block bitmap block
 * @bbitmap_blocks: block bitmap blocks
 * @itable_start: first inode table block
 * @itable_blocks: inode table blocks
 * @data_start: first data block
 */
struct vpmfs_layout {
	__u32 ibitmap_start, ibitmap_blocks;
	__u32 bbitmap_start, bbitmap_blocks;
	__u32 itable_start, itable_blocks;
	__u32 data_start;
};

#define VPMFS_BITS_PER_BLOCK	(VPMFS_BLOCK_SIZE * 8)

/**
 * vpmfs_compute_layout() - the one layout mkfs writes and the kernel and
 *	fsck accept
 * @blocks: s_blocks_count
 * @inodes: s_inodes_count
 * @l: filled in
 *
 * Return: 0, or -1 if the counts cannot make a file system with at least
 * one free data block.
 */
static inline int vpmfs_compute_layout(__u32 blocks, __u32 inodes,
				       struct vpmfs_layout *l)
{
	__u64 end;

	if (blocks < VPMFS_MIN_BLOCKS || blocks > VPMFS_MAX_BLOCKS ||
	    inodes < 2 || inodes > VPMFS_MAX_INODES ||
	    inodes % VPMFS_INODES_PER_BLOCK)
		return -1;
	l->ibitmap_start = 1;
	l->ibitmap_blocks = (inodes + VPMFS_BITS_PER_BLOCK - 1) /
			    VPMFS_BITS_PER_BLOCK;
	l->bbitmap_start = l->ibitmap_start + l->ibitmap_blocks;
	l->bbitmap_blocks = (blocks + VPMFS_BITS_PER_BLOCK - 1) /
			    VPMFS_BITS_PER_BLOCK;
	l->itable_start = l->bbitmap_start + l->bbitmap_blocks;
	l->itable_blocks = inodes / VPMFS_INODES_PER_BLOCK;
	end = (__u64)l->itable_start + l->itable_blocks;
	if (end + 2 > blocks)
		return -1;
	l->data_start = (__u32)end;
	return 0;
}

/* d_type for a mode */
static inline __u8 vpmfs_mode_to_ft(unsigned int mode)
{
	switch (mode & 0170000) {
	case 0100000: return VPMFS_FT_REG;
	case 0040000: return VPMFS_FT_DIR;
	case 0120000: return VPMFS_FT_LNK;
	case 0020000: return VPMFS_FT_CHR;
	case 0060000: return VPMFS_FT_BLK;
	case 0010000: return VPMFS_FT_FIFO;
	case 0140000: return VPMFS_FT_SOCK;
	}
	return VPMFS_FT_UNKNOWN;
}

#endif /* _VPM_VPMFS_FORMAT_H */
