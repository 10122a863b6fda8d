// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX behaviour of a mounted vpmfs (or any file system: the expected
 * values are the POSIX ones).  The directory under test is $VPMFS_DIR
 * (default /mnt/vpmfs); each test works in its own subdirectory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <signal.h>
#include <linux/fs.h>
/* the 6.1 harness is not -Wextra clean */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define PG 4096

static const char *top(void)
{
	const char *d = getenv("VPMFS_DIR");

	return d ? d : "/mnt/vpmfs";
}

static void fill(char *buf, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (char)(seed >> 16);
	}
}

static int all_zero(const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (buf[i])
			return 0;
	return 1;
}

static long long fsize(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	return st.st_size;
}

static int nlinks(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return -1;
	return (int)st.st_nlink;
}

FIXTURE(fs) {
	char dir[PATH_MAX];
};

FIXTURE_SETUP(fs)
{
	snprintf(self->dir, sizeof(self->dir), "%s/%s.%d", top(),
		 _metadata->name, getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, chdir(self->dir));
}

FIXTURE_TEARDOWN(fs)
{
	if (chdir("/"))
		perror("chdir");
}

TEST_F(fs, sizes_and_partial_pages)
{
	static char buf[3 * PG], out[3 * PG];
	size_t sizes[] = { 0, 1, 100, PG - 1, PG, PG + 1, 2 * PG + 17, 3 * PG };
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		char name[32];

		snprintf(name, sizeof(name), "f%u", i);
		fill(buf, sizes[i], i + 1);
		fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
		ASSERT_GE(fd, 0);
		ASSERT_EQ((ssize_t)sizes[i], write(fd, buf, sizes[i]));
		ASSERT_EQ((long long)sizes[i], fsize(name));
		memset(out, 0x5a, sizeof(out));
		ASSERT_EQ((ssize_t)sizes[i], pread(fd, out, sizeof(out), 0));
		ASSERT_EQ(0, memcmp(buf, out, sizes[i]));
		/* read at and past EOF */
		ASSERT_EQ(0, pread(fd, out, 10, sizes[i]));
		ASSERT_EQ(0, pread(fd, out, 10, sizes[i] + 5 * PG));
		/* overwrite a middle range, unaligned */
		if (sizes[i] > 50) {
			memset(buf + 20, 'x', 30);
			ASSERT_EQ(30, pwrite(fd, buf + 20, 30, 20));
			ASSERT_EQ((ssize_t)sizes[i], pread(fd, out, sizeof(out), 0));
			ASSERT_EQ(0, memcmp(buf, out, sizes[i]));
		}
		close(fd);
	}
	/* a write across a page boundary, in two unaligned pieces */
	fd = open("cross", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	fill(buf, sizeof(buf), 99);
	ASSERT_EQ(PG - 10, pwrite(fd, buf, PG - 10, 0));
	ASSERT_EQ(2 * PG + 10, pwrite(fd, buf + PG - 10, 2 * PG + 10, PG - 10));
	ASSERT_EQ(3 * PG, pread(fd, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf, out, sizeof(buf)));
	close(fd);
}

TEST_F(fs, holes_read_zero)
{
	static char buf[PG * 4];
	struct stat st;
	int fd;

	fd = open("h", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(5, pwrite(fd, "hello", 5, 10 * PG + 100));
	ASSERT_EQ(10 * PG + 105, fsize("h"));
	memset(buf, 1, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), pread(fd, buf, sizeof(buf), 3 * PG));
	ASSERT_TRUE(all_zero(buf, sizeof(buf)));
	ASSERT_EQ(105, pread(fd, buf, PG, 10 * PG));
	ASSERT_TRUE(all_zero(buf, 100));
	ASSERT_EQ(0, memcmp(buf + 100, "hello", 5));
	/* a hole is not allocated */
	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_LE(st.st_blocks, 8);
	/* a small write into the middle of a hole, inside EOF */
	ASSERT_EQ(3, pwrite(fd, "abc", 3, 5 * PG + 7));
	ASSERT_EQ(PG, pread(fd, buf, PG, 5 * PG));
	ASSERT_TRUE(all_zero(buf, 7));
	ASSERT_EQ(0, memcmp(buf + 7, "abc", 3));
	ASSERT_TRUE(all_zero(buf + 10, PG - 10));
	/* far into the double indirect range and near 4 GiB */
	ASSERT_EQ(2, pwrite(fd, "zz", 2, 3000LL * PG + 1));
	ASSERT_EQ(2, pwrite(fd, "yy", 2, (4LL << 30) - 1));
	ASSERT_EQ((4LL << 30) + 1, fsize("h"));
	ASSERT_EQ(4, pread(fd, buf, 4, (4LL << 30) - 3));
	ASSERT_EQ(0, memcmp(buf, "\0\0yy", 4));
	ASSERT_EQ(3, pread(fd, buf, 3, 3000LL * PG));
	ASSERT_EQ(0, memcmp(buf, "\0zz", 3));
	/* past the largest file: EFBIG */
	errno = 0;
	ASSERT_EQ(-1, pwrite(fd, "x", 1, 5LL << 30));
	ASSERT_EQ(EFBIG, errno);
	ASSERT_EQ(0, ftruncate(fd, 0));
	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_EQ(0, st.st_blocks);
	close(fd);
}

TEST_F(fs, truncate_then_extend)
{
	static char buf[3 * PG], out[3 * PG];
	int fd;

	fd = open("t", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	fill(buf, sizeof(buf), 7);
	ASSERT_EQ((ssize_t)sizeof(buf), write(fd, buf, sizeof(buf)));
	ASSERT_EQ(0, ftruncate(fd, PG + 100));
	ASSERT_EQ(PG + 100, fsize("t"));
	ASSERT_EQ(0, ftruncate(fd, 3 * PG));
	ASSERT_EQ(3 * PG, pread(fd, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf, out, PG + 100));
	ASSERT_TRUE(all_zero(out + PG + 100, 2 * PG - 100));
	/* truncate to mid page, then write past the old data */
	ASSERT_EQ(0, ftruncate(fd, 50));
	ASSERT_EQ(1, pwrite(fd, "Q", 1, 2 * PG));
	ASSERT_EQ(2 * PG + 1, pread(fd, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf, out, 50));
	ASSERT_TRUE(all_zero(out + 50, 2 * PG - 50));
	ASSERT_EQ('Q', out[2 * PG]);
	/* truncate(2) by path, and to zero */
	ASSERT_EQ(0, truncate("t", 0));
	ASSERT_EQ(0, pread(fd, out, 10, 0));
	close(fd);
}

TEST_F(fs, rename_cases)
{
	int fd;
	struct stat a, b;

	fd = open("a", O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(1, write(fd, "A", 1));
	close(fd);
	fd = open("b", O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(2, write(fd, "BB", 2));
	close(fd);
	ASSERT_EQ(0, stat("a", &a));
	/* plain rename, then over an existing file */
	ASSERT_EQ(0, rename("a", "c"));
	ASSERT_EQ(-1, access("a", F_OK));
	ASSERT_EQ(0, stat("c", &b));
	ASSERT_EQ(a.st_ino, b.st_ino);
	ASSERT_EQ(0, rename("c", "b"));
	ASSERT_EQ(1, fsize("b"));
	/* RENAME_NOREPLACE */
	fd = open("d", O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(-1, syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "d",
			      RENAME_NOREPLACE));
	ASSERT_EQ(EEXIST, errno);
	ASSERT_EQ(0, syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "e",
			     RENAME_NOREPLACE));
	/* RENAME_EXCHANGE of a file and a directory in different parents */
	ASSERT_EQ(0, mkdir("p1", 0755));
	ASSERT_EQ(0, mkdir("p2", 0755));
	ASSERT_EQ(0, mkdir("p2/sub", 0755));
	ASSERT_EQ(0, rename("e", "p1/f"));
	ASSERT_EQ(2, nlinks("p1"));
	ASSERT_EQ(3, nlinks("p2"));
	ASSERT_EQ(0, syscall(SYS_renameat2, AT_FDCWD, "p1/f", AT_FDCWD,
			     "p2/sub", RENAME_EXCHANGE));
	ASSERT_EQ(1, fsize("p2/sub"));
	ASSERT_TRUE(S_ISDIR((stat("p1/f", &b), b.st_mode)));
	ASSERT_EQ(3, nlinks("p1"));
	ASSERT_EQ(2, nlinks("p2"));
	ASSERT_EQ(0, stat("p1/f/..", &a));
	ASSERT_EQ(0, stat("p1", &b));
	ASSERT_EQ(a.st_ino, b.st_ino);
	/* exchange with a missing target */
	ASSERT_EQ(-1, syscall(SYS_renameat2, AT_FDCWD, "p1/f", AT_FDCWD,
			      "p2/none", RENAME_EXCHANGE));
	ASSERT_EQ(ENOENT, errno);
	/* RENAME_WHITEOUT is not supported */
	ASSERT_EQ(-1, syscall(SYS_renameat2, AT_FDCWD, "d", AT_FDCWD, "d2",
			      RENAME_WHITEOUT));
	/* a directory over an empty directory, and over a non-empty one */
	ASSERT_EQ(0, mkdir("e1", 0755));
	ASSERT_EQ(0, mkdir("e2", 0755));
	ASSERT_EQ(0, rename("e1", "e2"));
	ASSERT_EQ(-1, access("e1", F_OK));
	ASSERT_EQ(-1, rename("p2", "p1"));
	ASSERT_EQ(ENOTEMPTY, errno);
	/* a directory into another parent: link counts and ".." follow */
	ASSERT_EQ(0, rename("p1/f", "p2/g"));
	ASSERT_EQ(2, nlinks("p1"));
	ASSERT_EQ(3, nlinks("p2"));
	ASSERT_EQ(0, stat("p2/g/..", &a));
	ASSERT_EQ(0, stat("p2", &b));
	ASSERT_EQ(a.st_ino, b.st_ino);
	/* a file over a directory and the reverse fail */
	ASSERT_EQ(-1, rename("d", "p2/g"));
	ASSERT_EQ(EISDIR, errno);
	ASSERT_EQ(-1, rename("p2/g", "d"));
	ASSERT_EQ(ENOTDIR, errno);
	/* a directory into its own subdirectory fails */
	ASSERT_EQ(-1, rename("p2", "p2/g/x"));
	ASSERT_EQ(EINVAL, errno);
	/* same-name rename is a no-op */
	ASSERT_EQ(0, rename("d", "d"));
}

TEST_F(fs, link_counts)
{
	int fd;
	char buf[4];

	fd = open("f", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(3, write(fd, "abc", 3));
	ASSERT_EQ(1, nlinks("f"));
	ASSERT_EQ(0, link("f", "g"));
	ASSERT_EQ(0, mkdir("sub", 0755));
	ASSERT_EQ(0, link("f", "sub/h"));
	ASSERT_EQ(3, nlinks("f"));
	ASSERT_EQ(-1, link("f", "g"));
	ASSERT_EQ(EEXIST, errno);
	ASSERT_EQ(0, unlink("f"));
	ASSERT_EQ(2, nlinks("g"));
	ASSERT_EQ(0, unlink("g"));
	ASSERT_EQ(1, nlinks("sub/h"));
	/* still readable through the open descriptor after the last unlink */
	ASSERT_EQ(0, unlink("sub/h"));
	ASSERT_EQ(3, pread(fd, buf, 3, 0));
	ASSERT_EQ(0, memcmp(buf, "abc", 3));
	close(fd);
	/* directory link counts */
	ASSERT_EQ(2, nlinks("sub"));
	ASSERT_EQ(0, mkdir("sub/a", 0755));
	ASSERT_EQ(0, mkdir("sub/b", 0755));
	ASSERT_EQ(4, nlinks("sub"));
	ASSERT_EQ(-1, rmdir("sub"));
	ASSERT_EQ(ENOTEMPTY, errno);
	ASSERT_EQ(0, rmdir("sub/a"));
	ASSERT_EQ(3, nlinks("sub"));
	ASSERT_EQ(-1, link("sub", "sub2"));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, unlink("sub"));
	ASSERT_EQ(-1, rmdir("sub/b/.."));
	/* symlinks */
	ASSERT_EQ(0, symlink("sub/b", "sl"));
	ASSERT_EQ(5, readlink("sl", buf, 4) + 1);
	ASSERT_EQ(0, memcmp(buf, "sub/", 4));
	ASSERT_EQ(0, access("sl/.", F_OK));
	ASSERT_EQ(0, unlink("sl"));
	ASSERT_EQ(0, access("sub/b", F_OK));
	/* mknod of a fifo */
	ASSERT_EQ(0, mkfifo("fifo", 0600));
	ASSERT_EQ(0, unlink("fifo"));
}

TEST_F(fs, long_names_and_symlinks)
{
	char name[300], target[4200], out[4200];
	int fd;

	memset(name, 'n', sizeof(name));
	name[56] = 0;
	fd = open(name, O_CREAT | O_WRONLY, 0644);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, access(name, F_OK));
	name[56] = 'n';
	name[57] = 0;
	ASSERT_EQ(-1, open(name, O_CREAT | O_WRONLY, 0644));
	ASSERT_EQ(ENAMETOOLONG, errno);
	memset(target, 't', sizeof(target));
	target[4000] = 0;
	ASSERT_EQ(0, symlink(target, "long"));
	ASSERT_EQ(4000, readlink("long", out, sizeof(out)));
	ASSERT_EQ(0, memcmp(target, out, 4000));
	target[4000] = 't';
	target[4096] = 0;
	ASSERT_EQ(-1, symlink(target, "toolong"));
	ASSERT_EQ(ENAMETOOLONG, errno);
}

/*
 * 1,400 creates and unlinks: on the debug kernel (KASAN, lockdep, TCG)
 * on a busy host this took more than the harness's default 30 s.
 */
TEST_F_TIMEOUT(fs, readdir_many, 300)
{
	char name[64];
	int i, n, seen[600];
	DIR *d;
	struct dirent *de;

	for (i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "file-with-a-longish-name-%04d", i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);

		ASSERT_GE(fd, 0);
		close(fd);
	}
	for (i = 0; i < 600; i += 3) {
		snprintf(name, sizeof(name), "file-with-a-longish-name-%04d", i);
		ASSERT_EQ(0, unlink(name));
	}
	for (i = 0; i < 600; i += 3) {	/* refill some holes */
		if (i % 2)
			continue;
		snprintf(name, sizeof(name), "file-with-a-longish-name-%04d", i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);

		ASSERT_GE(fd, 0);
		close(fd);
	}
	memset(seen, 0, sizeof(seen));
	d = opendir(".");
	ASSERT_NE(NULL, d);
	n = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ASSERT_EQ(0, strncmp(de->d_name, "file-with-a-longish-name-", 25));
		i = (int)strtol(de->d_name + 25, NULL, 10);
		ASSERT_GE(i, 0);
		ASSERT_LT(i, 600);
		ASSERT_EQ(DT_REG, de->d_type);
		ASSERT_EQ(0, seen[i]);
		seen[i] = 1;
		n++;
	}
	closedir(d);
	for (i = 0; i < 600; i++)
		ASSERT_EQ(i % 3 == 0 ? (i % 2 == 0) : 1, seen[i]);
	ASSERT_EQ(400 + 100, n);
	/* remove everything; the directory is then removable */
	for (i = 0; i < 600; i++) {
		if (!seen[i])
			continue;
		snprintf(name, sizeof(name), "file-with-a-longish-name-%04d", i);
		ASSERT_EQ(0, unlink(name));
	}
	ASSERT_EQ(0, chdir(".."));
	ASSERT_EQ(0, rmdir(self->dir));
}

TEST_F(fs, mmap_read_write_coherence)
{
	static char buf[3 * PG], out[3 * PG];
	char *m;
	int fd;

	fd = open("m", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	fill(buf, sizeof(buf), 3);
	ASSERT_EQ((ssize_t)sizeof(buf), write(fd, buf, sizeof(buf)));
	m = mmap(NULL, sizeof(buf), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, memcmp(m, buf, sizeof(buf)));
	/* write() is seen through the mapping */
	ASSERT_EQ(5, pwrite(fd, "WRITE", 5, PG - 2));
	ASSERT_EQ(0, memcmp(m + PG - 2, "WRITE", 5));
	/* a store through the mapping is seen by read() */
	memcpy(m + 2 * PG + 9, "STORE", 5);
	ASSERT_EQ(5, pread(fd, out, 5, 2 * PG + 9));
	ASSERT_EQ(0, memcmp(out, "STORE", 5));
	ASSERT_EQ(0, msync(m, sizeof(buf), MS_SYNC));
	/* truncate down: the tail of the last page reads zero after extend */
	ASSERT_EQ(0, ftruncate(fd, PG + 10));
	ASSERT_EQ(0, ftruncate(fd, 2 * PG));
	ASSERT_TRUE(all_zero(m + PG + 10, PG - 10));
	ASSERT_EQ(PG - 10, pread(fd, out, PG - 10, PG + 10));
	ASSERT_TRUE(all_zero(out, PG - 10));
	munmap(m, sizeof(buf));
	/* mmap write into a hole */
	ASSERT_EQ(0, ftruncate(fd, 8 * PG));
	m = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	m[6 * PG + 1] = 'H';
	ASSERT_EQ(0, msync(m, 8 * PG, MS_SYNC));
	ASSERT_EQ(2, pread(fd, out, 2, 6 * PG));
	ASSERT_EQ(0, memcmp(out, "\0H", 2));
	munmap(m, 8 * PG);
	close(fd);
}

TEST_F(fs, write_from_own_mapping)
{
	static char buf[5 * PG], out[5 * PG];
	char *m;
	int fd;

	/* the source buffer is an mmap of the same file (deadlock check) */
	fd = open("self", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	fill(buf, sizeof(buf), 11);
	ASSERT_EQ(4 * PG, write(fd, buf, 4 * PG));
	m = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(2 * PG, pwrite(fd, m, 2 * PG, 2 * PG + 100));
	memcpy(out, buf, 2 * PG);
	memcpy(buf + 2 * PG + 100, out, 2 * PG);
	ASSERT_EQ(4 * PG + 100, pread(fd, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf, out, 4 * PG + 100));
	munmap(m, 4 * PG);
	close(fd);
}

TEST_F(fs, short_write_bad_buffer)
{
	static char out[3 * PG];
	char *m;
	ssize_t n;
	int fd;

	fd = open("s", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	memset(m, 'a', PG);
	ASSERT_EQ(0, munmap(m + PG, PG));
	/* the second half of the buffer is unmapped: a short write */
	n = pwrite(fd, m + 100, 2 * PG, 50);
	ASSERT_EQ(PG - 100, n);
	ASSERT_EQ(PG - 50, fsize("s"));
	ASSERT_EQ(PG - 50, pread(fd, out, sizeof(out), 0));
	ASSERT_TRUE(all_zero(out, 50));
	/* nothing valid: EFAULT and no change */
	errno = 0;
	ASSERT_EQ(-1, pwrite(fd, m + PG, 10, 0));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(PG - 50, fsize("s"));
	/* a whole-page overwrite inside EOF that faults keeps the old data */
	ASSERT_EQ(0, ftruncate(fd, 3 * PG));
	ASSERT_EQ(PG, pwrite(fd, m, PG, PG));
	n = pwrite(fd, m + PG - 10, PG, 2 * PG);
	ASSERT_TRUE(n == 10 || n == -1);
	ASSERT_EQ(3 * PG, fsize("s"));
	ASSERT_EQ(PG, pread(fd, out, PG, PG));
	ASSERT_EQ('a', out[0]);
	ASSERT_EQ('a', out[PG - 1]);
	munmap(m, PG);
	close(fd);
}

/*
 * A read into a buffer with a hole in it stops at the hole, with the
 * bytes before it right: a file written in one go has physically
 * consecutive pages, which copy=vpm copies in one run, and the fault
 * comes in the middle of the run.
 */
TEST_F(fs, short_read_bad_buffer)
{
	static char buf[8 * PG];
	char *m;
	ssize_t n;
	int fd, i;

	fd = open("r", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	fill(buf, sizeof(buf), 23);
	ASSERT_EQ(sizeof(buf), write(fd, buf, sizeof(buf)));
	m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, munmap(m + 2 * PG, PG));
	/* at each offset into the first page: the buffer ends at m + 2 PG */
	for (i = 0; i < 3; i++) {
		size_t boff = i ? 7 * i : 0, foff = i ? 50 * i + 1 : 0;

		memset(m, 0, 2 * PG);
		n = pread(fd, m + boff, 5 * PG, foff);
		ASSERT_EQ((ssize_t)(2 * PG - boff), n);
		ASSERT_EQ(0, memcmp(m + boff, buf + foff, n));
	}
	/* a read that starts in the hole faults at once */
	errno = 0;
	ASSERT_EQ(-1, pread(fd, m + 2 * PG, PG, 0));
	ASSERT_EQ(EFAULT, errno);
	/* and read() goes on from where the short read stopped */
	ASSERT_EQ(100, lseek(fd, 100, SEEK_SET));
	ASSERT_EQ(2 * PG - 10, read(fd, m + 10, 3 * PG));
	ASSERT_EQ(2 * PG - 10 + 100, lseek(fd, 0, SEEK_CUR));
	ASSERT_EQ(0, memcmp(m + 10, buf + 100, 2 * PG - 10));
	ASSERT_EQ(PG, read(fd, m, PG));
	ASSERT_EQ(0, memcmp(m, buf + 2 * PG + 90, PG));
	munmap(m, 2 * PG);
	munmap(m + 3 * PG, PG);
	close(fd);
}

/*
 * Two files written a page at a time in turn: their pages alternate in
 * physical memory, so no two pages of one file are consecutive, and a
 * read of several must copy each from its own page.
 */
TEST_F(fs, read_interleaved_pages)
{
	static char bx[8 * PG], by[8 * PG], out[8 * PG];
	int fx, fy, i;

	fx = open("x", O_CREAT | O_RDWR, 0644);
	fy = open("y", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fx, 0);
	ASSERT_GE(fy, 0);
	fill(bx, sizeof(bx), 31);
	fill(by, sizeof(by), 37);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(PG, write(fx, bx + i * PG, PG));
		ASSERT_EQ(PG, write(fy, by + i * PG, PG));
	}
	ASSERT_EQ(8 * PG - 9, pread(fx, out, sizeof(out), 9));
	ASSERT_EQ(0, memcmp(out, bx + 9, 8 * PG - 9));
	ASSERT_EQ(8 * PG, pread(fy, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(out, by, 8 * PG));
	close(fx);
	close(fy);
}

TEST_F(fs, o_append)
{
	char out[32];
	int fd, fd2;

	fd = open("ap", O_CREAT | O_WRONLY | O_APPEND, 0644);
	ASSERT_GE(fd, 0);
	fd2 = open("ap", O_WRONLY);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(3, write(fd, "abc", 3));
	ASSERT_EQ(2, pwrite(fd2, "XY", 2, 10));
	ASSERT_EQ(3, write(fd, "def", 3));
	ASSERT_EQ(15, fsize("ap"));
	/* pwrite on an O_APPEND file appends too (Linux) */
	ASSERT_EQ(1, pwrite(fd, "g", 1, 0));
	ASSERT_EQ(16, fsize("ap"));
	close(fd);
	close(fd2);
	fd = open("ap", O_RDONLY);
	ASSERT_EQ(16, read(fd, out, sizeof(out)));
	ASSERT_EQ(0, memcmp(out, "abc\0\0\0\0\0\0\0XYdefg", 16));
	close(fd);
}

TEST_F(fs, fsync_and_osync)
{
	static char buf[3 * PG], out[3 * PG];
	int fd;

	fill(buf, sizeof(buf), 5);
	fd = open("sync", O_CREAT | O_RDWR | O_SYNC, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ((ssize_t)sizeof(buf), write(fd, buf, sizeof(buf)));
	close(fd);
	fd = open("dsync", O_CREAT | O_RDWR | O_DSYNC, 0644);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(PG + 3, pwrite(fd, buf, PG + 3, 7));
	ASSERT_EQ(0, fdatasync(fd));
	ASSERT_EQ(PG + 3, pread(fd, out, sizeof(out), 7));
	ASSERT_EQ(0, memcmp(buf, out, PG + 3));
	close(fd);
	fd = open("sync", O_RDWR);
	ASSERT_EQ(0, fsync(fd));
	ASSERT_EQ((ssize_t)sizeof(buf), pread(fd, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf, out, sizeof(buf)));
	close(fd);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	sync();
}

TEST_F(fs, setattr)
{
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 1500000000, 987654321 } };
	struct stat st;
	int fd;

	fd = open("attr", O_CREAT | O_WRONLY, 0600);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, chmod("attr", 04751));
	ASSERT_EQ(0, chown("attr", 1234, 5678));
	ASSERT_EQ(0, utimensat(AT_FDCWD, "attr", ts, 0));
	ASSERT_EQ(0, stat("attr", &st));
	ASSERT_EQ(0751, st.st_mode & 07777);	/* chown clears setuid */
	ASSERT_EQ(1234, (int)st.st_uid);
	ASSERT_EQ(5678, (int)st.st_gid);
	ASSERT_EQ(1000000000, st.st_atim.tv_sec);
	ASSERT_EQ(123456789, st.st_atim.tv_nsec);
	ASSERT_EQ(1500000000, st.st_mtim.tv_sec);
	ASSERT_EQ(987654321, st.st_mtim.tv_nsec);
	ASSERT_EQ(-1, truncate(".", 0));
}

TEST_F(fs, sendfile_splice_copy_file_range)
{
	static char buf[10 * PG + 123], out[10 * PG + 200];
	int in, o, p[2];
	off_t off;
	loff_t lo, li;
	ssize_t n, tot;

	fill(buf, sizeof(buf), 21);
	in = open("src", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(in, 0);
	ASSERT_EQ((ssize_t)sizeof(buf), write(in, buf, sizeof(buf)));
	/* sendfile file -> file, from an unaligned offset */
	o = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
	ASSERT_GE(o, 0);
	off = 77;
	tot = 0;
	while ((n = sendfile(o, in, &off, sizeof(buf))) > 0)
		tot += n;
	ASSERT_EQ((ssize_t)sizeof(buf) - 77, tot);
	ASSERT_EQ(tot, pread(o, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf + 77, out, tot));
	close(o);
	/* splice file -> pipe -> file, and tee of the pipe */
	ASSERT_EQ(0, pipe(p));
	o = open("dst2", O_CREAT | O_RDWR | O_TRUNC, 0644);
	ASSERT_GE(o, 0);
	li = 5;
	lo = 0;
	tot = 0;
	while (tot < (ssize_t)sizeof(buf) - 5) {
		n = splice(in, &li, p[1], NULL, 3 * PG, 0);
		ASSERT_GT(n, 0);
		while (n > 0) {
			ssize_t m = splice(p[0], NULL, o, &lo, n, 0);

			ASSERT_GT(m, 0);
			n -= m;
			tot += m;
		}
	}
	ASSERT_EQ(tot, pread(o, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf + 5, out, tot));
	close(o);
	/* tee(2) shares the spliced pages between two pipes */
	{
		int q[2];

		ASSERT_EQ(0, pipe(q));
		li = PG / 2;
		ASSERT_EQ(3 * PG, splice(in, &li, p[1], NULL, 3 * PG, 0));
		ASSERT_EQ(3 * PG, tee(p[0], q[1], 3 * PG, 0));
		ASSERT_EQ(3 * PG, read(p[0], out, 3 * PG));
		ASSERT_EQ(0, memcmp(buf + PG / 2, out, 3 * PG));
		memset(out, 0, 3 * PG);
		ASSERT_EQ(3 * PG, read(q[0], out, 3 * PG));
		ASSERT_EQ(0, memcmp(buf + PG / 2, out, 3 * PG));
		/* a tee'd buffer left in a pipe that is closed */
		li = 0;
		ASSERT_EQ(PG, splice(in, &li, p[1], NULL, PG, 0));
		ASSERT_EQ(PG, tee(p[0], q[1], PG, 0));
		close(q[0]);
		close(q[1]);
	}
	ASSERT_EQ(PG, read(p[0], out, PG));
	ASSERT_EQ(0, memcmp(buf, out, PG));
	/* pipe buffers outlive the file: the data stays valid */
	li = 0;
	ASSERT_EQ(2 * PG, splice(in, &li, p[1], NULL, 2 * PG, 0));
	ASSERT_EQ(0, ftruncate(in, 0) * 0);
	close(in);
	ASSERT_EQ(2 * PG, read(p[0], out, 2 * PG));
	ASSERT_EQ(0, memcmp(buf, out, 2 * PG));
	close(p[0]);
	close(p[1]);
	/* copy_file_range */
	in = open("src", O_RDWR);
	ASSERT_EQ(0, ftruncate(in, 0));
	ASSERT_EQ((ssize_t)sizeof(buf), write(in, buf, sizeof(buf)));
	o = open("dst3", O_CREAT | O_RDWR | O_TRUNC, 0644);
	li = 1;
	lo = 3;
	tot = 0;
	while ((n = copy_file_range(in, &li, o, &lo, sizeof(buf), 0)) > 0)
		tot += n;
	ASSERT_EQ((ssize_t)sizeof(buf) - 1, tot);
	ASSERT_EQ(tot + 3, pread(o, out, sizeof(out), 0));
	ASSERT_TRUE(all_zero(out, 3));
	ASSERT_EQ(0, memcmp(buf + 1, out + 3, tot));
	close(o);
	close(in);
}

/* Fills the file system: minutes on the debug kernel, not the default 30 s. */
TEST_F_TIMEOUT(fs, enospc_recovery, 900)
{
	static char buf[64 * 1024], out[64 * 1024];
	struct statfs sf;
	long long total = 0;
	unsigned long before;
	ssize_t n;
	int fd, i, files = 0;
	char name[32];

	ASSERT_EQ(0, statfs(".", &sf));
	before = sf.f_bfree;
	if (sf.f_blocks > 64 * 1024 * 1024 / 4096 * 4)
		SKIP(return, "file system too big to fill (%lu blocks)",
		     (unsigned long)sf.f_blocks);
	fill(buf, sizeof(buf), 9);
	fd = open("fillA", O_CREAT | O_RDWR, 0644);
	ASSERT_GE(fd, 0);
	for (;;) {
		n = write(fd, buf, sizeof(buf));
		if (n < 0) {
			ASSERT_EQ(ENOSPC, errno);
			break;
		}
		total += n;
		if (n < (ssize_t)sizeof(buf))
			continue;
	}
	ASSERT_GT(total, 0);
	ASSERT_EQ(total, fsize("fillA"));
	/* creating files still works while inodes remain; data does not */
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "empty%d", i);
		int f = open(name, O_CREAT | O_WRONLY, 0644);

		if (f >= 0) {
			files++;
			errno = 0;
			ASSERT_EQ(-1, write(f, buf, 100));
			ASSERT_EQ(ENOSPC, errno);
			ASSERT_EQ(0, fsize(name));
			close(f);
		}
	}
	/*
	 * a write into a hole inside the file fails, and fails again: the
	 * page the first one read in stays cached, and must not pass for
	 * one with a block (vpmfs's PG_mappedtodisk) the second time
	 */
	{
		int h = open("hole2", O_CREAT | O_RDWR, 0644);

		ASSERT_GE(h, 0);
		ASSERT_EQ(0, ftruncate(h, 4 * PG));
		for (i = 0; i < 2; i++) {
			errno = 0;
			ASSERT_EQ(-1, pwrite(h, buf, 100, PG));
			ASSERT_EQ(ENOSPC, errno);
		}
		ASSERT_EQ(0, fsync(h));
		ASSERT_EQ(100, pread(h, out, 100, PG));
		ASSERT_TRUE(all_zero(out, 100));
		close(h);
		ASSERT_EQ(0, unlink("hole2"));
	}
	/* a store through a mapping into a hole fails with SIGBUS */
	{
		int h = open("hole", O_CREAT | O_RDWR, 0644);
		int status;
		pid_t pid;
		char *m;

		ASSERT_GE(h, 0);
		ASSERT_EQ(0, ftruncate(h, 4 * PG));
		m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, h, 0);
		ASSERT_NE(MAP_FAILED, m);
		ASSERT_EQ(0, m[PG]);	/* reading a hole is fine */
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid) {
			m[2 * PG] = 1;
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status));
		ASSERT_EQ(SIGBUS, WTERMSIG(status));
		munmap(m, 4 * PG);
		close(h);
		ASSERT_EQ(0, unlink("hole"));
	}
	/* the data written before ENOSPC is intact */
	ASSERT_EQ((ssize_t)sizeof(out), pread(fd, out, sizeof(out), 0));
	ASSERT_EQ(0, memcmp(buf, out, sizeof(out)));
	ASSERT_EQ((ssize_t)(total % sizeof(buf) ? total % sizeof(buf) : sizeof(buf)),
		  pread(fd, out, sizeof(out), (total - 1) / sizeof(buf) * sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, out, total % sizeof(buf) ? total % sizeof(buf) :
			    sizeof(buf)));
	close(fd);
	/* free it all: every block comes back */
	ASSERT_EQ(0, unlink("fillA"));
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "empty%d", i);
		unlink(name);
	}
	sync();
	ASSERT_EQ(0, statfs(".", &sf));
	ASSERT_EQ(before, sf.f_bfree);
	/* and can be used again */
	fd = open("again", O_CREAT | O_RDWR, 0644);
	ASSERT_EQ((ssize_t)sizeof(buf), write(fd, buf, sizeof(buf)));
	close(fd);
	ASSERT_EQ(0, unlink("again"));
}

TEST(statfs_and_mount)
{
	struct statfs sf;

	ASSERT_EQ(0, statfs(top(), &sf));
	if (sf.f_type != 0x46504d56)
		SKIP(return, "not vpmfs (f_type %lx)", (unsigned long)sf.f_type);
	ASSERT_EQ(4096, sf.f_bsize);
	ASSERT_EQ(56, sf.f_namelen);
	ASSERT_GT(sf.f_bfree, 0);
	ASSERT_LE(sf.f_bfree, sf.f_blocks);
	ASSERT_GT(sf.f_ffree, 0);
}

TEST_HARNESS_MAIN
