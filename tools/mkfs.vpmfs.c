// SPDX-License-Identifier: GPL-2.0
/*
 * mkfs.vpmfs - make a vpmfs file system on a block device or image file.
 *
 * mkfs.vpmfs [-b 4096] [-s SIZE] [-N INODES] [-L LABEL] [-q] DEVICE [BLOCKS]
 */
#include <getopt.h>
#include <time.h>
#include "vpm/vpmfs_user.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mkfs.vpmfs [options] DEVICE [BLOCKS]\n"
		"Make a vpmfs file system on DEVICE (a block device or an image file).\n\n"
		"  -b, --block-size N   block size in bytes (only 4096 is supported)\n"
		"  -s, --size SIZE      file system size (suffix K, M, G); an image file\n"
		"                       is created or extended to this size\n"
		"  -N, --inodes N       number of inodes (default: one per 16 KiB)\n"
		"  -L, --label LABEL    volume label (up to 31 bytes)\n"
		"  -q, --quiet          print nothing on success\n"
		"  -h, --help           this text\n\n"
		"BLOCKS, if given, is the size in blocks (like mke2fs).  Without -s or\n"
		"BLOCKS the whole device or file is used.\n");
}

static void die(const char *msg)
{
	fprintf(stderr, "mkfs.vpmfs: %s\n", msg);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "block-size", required_argument, NULL, 'b' },
		{ "size", required_argument, NULL, 's' },
		{ "inodes", required_argument, NULL, 'N' },
		{ "label", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	long long size = -1, inodes = 0, v;
	const char *label = "", *dev;
	int c, fd, quiet = 0;
	struct vpmfs_layout l;
	struct vpmfs_super_block *sb;
	struct vpmfs_inode *ino;
	struct vpmfs_dirent *de;
	static uint8_t buf[VPMFS_BLOCK_SIZE];
	uint32_t blocks, b, ninodes, root_blk;
	uint64_t bit;
	struct stat st;
	time_t now = time(NULL);

	while ((c = getopt_long(argc, argv, "b:s:N:L:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			v = vpmfs_parse_size(optarg);
			if (v != VPMFS_BLOCK_SIZE)
				die("only a block size of 4096 is supported");
			break;
		case 's':
			size = vpmfs_parse_size(optarg);
			if (size < 0)
				die("bad size");
			break;
		case 'N':
			inodes = vpmfs_parse_size(optarg);
			if (inodes <= 0)
				die("bad inode count");
			break;
		case 'L':
			if (strlen(optarg) > 31)
				die("label longer than 31 bytes");
			label = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return 1;
	}
	dev = argv[optind];
	if (argc - optind == 2) {
		v = vpmfs_parse_size(argv[optind + 1]);
		if (v <= 0)
			die("bad block count");
		size = v * VPMFS_BLOCK_SIZE;
	}

	fd = open(dev, O_RDWR | (size >= 0 ? O_CREAT : 0), 0644);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	if (fstat(fd, &st))
		die("cannot stat the device");
	if (size < 0) {
		size = vpmfs_dev_size(fd);
		if (size < 0)
			die("cannot get the device size");
	} else if (S_ISREG(st.st_mode) && st.st_size < size) {
		if (ftruncate(fd, size))
			die("cannot extend the image file");
	} else if (vpmfs_dev_size(fd) < size) {
		die("device is smaller than the requested size");
	}
	if (size / VPMFS_BLOCK_SIZE > VPMFS_MAX_BLOCKS)
		size = (long long)VPMFS_MAX_BLOCKS * VPMFS_BLOCK_SIZE;
	blocks = (uint32_t)(size / VPMFS_BLOCK_SIZE);
	if (blocks < VPMFS_MIN_BLOCKS)
		die("device too small (need at least 64 KiB)");
	if (!inodes)
		inodes = blocks / 4;
	if (inodes < VPMFS_INODES_PER_BLOCK)
		inodes = VPMFS_INODES_PER_BLOCK;
	if (inodes > VPMFS_MAX_INODES - VPMFS_INODES_PER_BLOCK)
		inodes = VPMFS_MAX_INODES - VPMFS_INODES_PER_BLOCK;
	ninodes = (uint32_t)((inodes + VPMFS_INODES_PER_BLOCK - 1) /
			     VPMFS_INODES_PER_BLOCK * VPMFS_INODES_PER_BLOCK);
	if (vpmfs_compute_layout(blocks, ninodes, &l))
		die("too many inodes for this size");

	/* zero every metadata block and the root directory block */
	memset(buf, 0, sizeof(buf));
	for (b = 0; b <= l.data_start; b++)
		if (vpmfs_write_block(fd, b, buf))
			die("write error");

	/* inode bitmap: inode 0 (reserved) and 1 (root), bits past the end */
	for (b = 0; b < l.ibitmap_blocks; b++) {
		memset(buf, 0, sizeof(buf));
		for (bit = 0; bit < VPMFS_BITS_PER_BLOCK; bit++) {
			uint64_t n = (uint64_t)b * VPMFS_BITS_PER_BLOCK + bit;

			if (n <= VPMFS_ROOT_INO || n >= ninodes)
				vpmfs_set_bit(buf, bit);
		}
		if (vpmfs_write_block(fd, l.ibitmap_start + b, buf))
			die("write error");
	}
	/* block bitmap: metadata, the root directory block, bits past the end */
	root_blk = l.data_start;
	for (b = 0; b < l.bbitmap_blocks; b++) {
		memset(buf, 0, sizeof(buf));
		for (bit = 0; bit < VPMFS_BITS_PER_BLOCK; bit++) {
			uint64_t n = (uint64_t)b * VPMFS_BITS_PER_BLOCK + bit;

			if (n <= root_blk || n >= blocks)
				vpmfs_set_bit(buf, bit);
		}
		if (vpmfs_write_block(fd, l.bbitmap_start + b, buf))
			die("write error");
	}

	/* root inode, in the first inode table block */
	memset(buf, 0, sizeof(buf));
	ino = (struct vpmfs_inode *)buf + VPMFS_ROOT_INO;
	ino->i_mode = cle16(040755);
	ino->i_links = cle16(2);
	ino->i_uid = cle32(getuid());
	ino->i_gid = cle32(getgid());
	ino->i_size = cle64(VPMFS_BLOCK_SIZE);
	ino->i_atime = cle64((uint64_t)now);
	ino->i_mtime = ino->i_atime;
	ino->i_ctime = ino->i_atime;
	ino->i_blocks = cle32(1);
	ino->i_block[0] = cle32(root_blk);
	if (vpmfs_write_block(fd, l.itable_start, buf))
		die("write error");

	/* root directory block: "." and ".." */
	memset(buf, 0, sizeof(buf));
	de = (struct vpmfs_dirent *)buf;
	de[0].d_ino = cle32(VPMFS_ROOT_INO);
	de[0].d_name_len = 1;
	de[0].d_type = VPMFS_FT_DIR;
	de[0].d_name[0] = '.';
	de[1].d_ino = cle32(VPMFS_ROOT_INO);
	de[1].d_name_len = 2;
	de[1].d_type = VPMFS_FT_DIR;
	memcpy(de[1].d_name, "..", 2);
	if (vpmfs_write_block(fd, root_blk, buf))
		die("write error");

	/* superblock last, so a failed mkfs leaves no valid file system */
	memset(buf, 0, sizeof(buf));
	sb = (struct vpmfs_super_block *)buf;
	sb->s_magic = cle32(VPMFS_MAGIC);
	sb->s_version = cle32(VPMFS_VERSION);
	sb->s_block_size = cle32(VPMFS_BLOCK_SIZE);
	sb->s_blocks_count = cle32(blocks);
	sb->s_inodes_count = cle32(ninodes);
	sb->s_free_blocks = cle32(blocks - root_blk - 1);
	sb->s_free_inodes = cle32(ninodes - 2);
	sb->s_ibitmap_start = cle32(l.ibitmap_start);
	sb->s_ibitmap_blocks = cle32(l.ibitmap_blocks);
	sb->s_bbitmap_start = cle32(l.bbitmap_start);
	sb->s_bbitmap_blocks = cle32(l.bbitmap_blocks);
	sb->s_itable_start = cle32(l.itable_start);
	sb->s_itable_blocks = cle32(l.itable_blocks);
	sb->s_data_start = cle32(l.data_start);
	sb->s_root_ino = cle32(VPMFS_ROOT_INO);
	sb->s_state = cle32(VPMFS_STATE_CLEAN);
	sb->s_mkfs_time = cle64((uint64_t)now);
	sb->s_write_time = cle64((uint64_t)now);
	srand((unsigned int)now ^ (unsigned int)getpid());
	for (b = 0; b < sizeof(sb->s_uuid); b++)
		sb->s_uuid[b] = (uint8_t)rand();
	strncpy(sb->s_label, label, sizeof(sb->s_label) - 1);
	sb->s_checksum = cle32(vpmfs_sb_csum(sb));
	if (vpmfs_write_block(fd, 0, buf))
		die("write error");
	if (fsync(fd))
		die("fsync failed");
	close(fd);
	if (!quiet)
		printf("vpmfs: %u blocks of %u bytes, %u inodes, data from block %u\n",
		       blocks, VPMFS_BLOCK_SIZE, ninodes, l.data_start);
	return 0;
}
