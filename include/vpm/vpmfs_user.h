/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space helpers shared by mkfs.vpmfs and fsck.vpmfs (static
 * functions only: each tool is one .c file that includes this).
 */
#ifndef _VPM_VPMFS_USER_H
#define _VPM_VPMFS_USER_H

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/fs.h>
#include "vpm/vpmfs_format.h"

#define le16(x)	le16toh(x)
#define le32(x)	le32toh(x)
#define le64(x)	le64toh(x)
#define cle16(x) htole16(x)
#define cle32(x) htole32(x)
#define cle64(x) htole64(x)

/* Parse "123", "4k", "64M", "2G" into bytes; -1 on error. */
static inline long long vpmfs_parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	case 't':
	case 'T':
		v <<= 40;
		end++;
		break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end || v > (1ULL << 62))
		return -1;
	return (long long)v;
}

/* Size in bytes of a block device or regular file; -1 on error. */
static inline long long vpmfs_dev_size(int fd)
{
	struct stat st;
	unsigned long long sz;

	if (fstat(fd, &st))
		return -1;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &sz))
			return -1;
		return (long long)sz;
	}
	return st.st_size;
}

static inline int vpmfs_read_block(int fd, __u32 blk, void *buf)
{
	ssize_t n = pread(fd, buf, VPMFS_BLOCK_SIZE,
			  (off_t)blk << VPMFS_BLOCK_SHIFT);

	if (n == VPMFS_BLOCK_SIZE)
		return 0;
	if (n >= 0) {
		/* a truncated image reads as zeroes past its end */
		memset((char *)buf + n, 0, VPMFS_BLOCK_SIZE - n);
		return 0;
	}
	return -1;
}

static inline int vpmfs_write_block(int fd, __u32 blk, const void *buf)
{
	return pwrite(fd, buf, VPMFS_BLOCK_SIZE,
		      (off_t)blk << VPMFS_BLOCK_SHIFT) == VPMFS_BLOCK_SIZE ?
		0 : -1;
}

static inline int vpmfs_test_bit(const __u8 *map, __u64 n)
{
	return (map[n >> 3] >> (n & 7)) & 1;
}

static inline void vpmfs_set_bit(__u8 *map, __u64 n)
{
	map[n >> 3] |= (__u8)(1U << (n & 7));
}

static inline void vpmfs_clear_bit(__u8 *map, __u64 n)
{
	map[n >> 3] &= (__u8)~(1U << (n & 7));
}

#endif /* _VPM_VPMFS_USER_H */
