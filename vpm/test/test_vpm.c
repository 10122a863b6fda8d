// SPDX-License-Identifier: GPL-2.0
/*
 * test_vpm.ko: drives the vpm interface on a real page cache and checks
 * exact counter deltas, in the manner of lib/test_xarray.c; then runs the
 * cache cases shared with the user-space harness (test_vpm_cache.c, on a
 * private copy of the cache: "cache/lru", ...).
 *
 *   modprobe test_vpm path=/mnt/x/test_vpm.dat
 *
 * The file is created (truncated) on whatever file system holds it; it
 * must have ->read_folio (ramfs, ext2/ext4, vpmfs; not tmpfs).  Loading
 * prints "test_vpm: N of M tests passed" and fails with -EINVAL unless
 * every test passed.  Tests that need a tiny cache (vpm_cache_slots <= 64)
 * or the cache turned off check what they can for the configuration
 * loaded; run the module under each configuration.  Nothing here tells
 * the vpm cache about truncation or eviction: the cache must not need it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/pagemap.h>
#include <linux/backing-dev.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/mman.h>
#include <linux/fadvise.h>
#include <linux/uaccess.h>
#include <vpm/vpm.h>
#include "test_vpm.h"

static char *path;
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "File to create and test on (required)");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "Run only the test of this name (\"cache\": the shared cache cases)");

/*
 * S_WRITE mappings dirty page-cache pages directly, which only a file
 * system built for it accepts (vpmfs, ramfs); ext4, for one, wants its
 * write_begin to have run first.  readonly=1 skips the S_WRITE tests.
 */
static bool readonly;
module_param(readonly, bool, 0444);
MODULE_PARM_DESC(readonly, "Skip the S_WRITE tests (file system without vpm write support)");

static bool bench;
module_param(bench, bool, 0444);
MODULE_PARM_DESC(bench, "Print the per-page cost of hits (and misses, with vpm_cache_slots <= 1024), run no tests");

static unsigned int nthreads_per_cpu = 2;
module_param(nthreads_per_cpu, uint, 0444);
MODULE_PARM_DESC(nthreads_per_cpu, "Stress threads per online CPU");

static bool expect_contend;
module_param(expect_contend, bool, 0444);
MODULE_PARM_DESC(expect_contend, "contend_mtbf is 1: contend_miss must see misses");

#define TV_PAGES	64	/* file size in pages for most tests */

static unsigned int tests_run;
static unsigned int tests_passed;
static struct file *tv_file;
static struct address_space *tv_mapping;

static bool tv_bad(bool bad, const char *fn, int line, const char *what)
{
	if (bad)
		pr_err("%s:%d: check failed: %s\n", fn, line, what);
	return bad;
}

static bool tv_ne(long long a, long long b, const char *fn, int line,
		  const char *what)
{
	if (a != b)
		pr_err("%s:%d: %s: %lld, expected %lld\n", fn, line, what, a, b);
	return a != b;
}

/* True (and logged) when a check fails; the caller returns -EINVAL. */
#define TV_BAD(cond)	tv_bad(!(cond), __func__, __LINE__, #cond)
#define TV_NE(a, b)	tv_ne((a), (b), __func__, __LINE__, #a " == " #b)

struct tv_snap {
	u64 hits, misses, getpage, pagecreate, zerostart, nofreevpms;
	u64 getmap, release, stale, pairfull, contend;
};

static void tv_snap(struct tv_snap *s)
{
	s->hits = vpm_stat_get("hits");
	s->misses = vpm_stat_get("misses");
	s->getpage = vpm_stat_get("getpage");
	s->pagecreate = vpm_stat_get("pagecreate");
	s->zerostart = vpm_stat_get("zerostart");
	s->nofreevpms = vpm_stat_get("nofreevpms");
	s->getmap = vpm_stat_get("getmap");
	s->release = vpm_stat_get("release");
	s->stale = vpm_stat_get("stale");
	s->pairfull = vpm_stat_get("pairfull");
	s->contend = vpm_stat_get("contend");
}

static bool tv_cache_on(void)
{
	return vpm_cache_enable && vpm_stat_get("slots") > 0;
}

/* The byte the test file holds at @pos. */
static u8 tv_pattern(loff_t pos)
{
	return (u8)((pos >> PAGE_SHIFT) * 7 + (pos & 0xff) + 1);
}

/* Rewrite the test file with the pattern, @npages long, all cached. */
static int tv_fill(int npages)
{
	u8 *buf;
	loff_t pos = 0;
	int i, ret = 0;

	ret = vfs_truncate(&tv_file->f_path, 0);
	if (ret)
		return ret;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < npages && !ret; i++) {
		int j;

		for (j = 0; j < PAGE_SIZE; j++)
			buf[j] = tv_pattern(pos + j);
		if (kernel_write(tv_file, buf, PAGE_SIZE, &pos) != PAGE_SIZE)
			ret = -EIO;
	}
	kfree(buf);
	return ret;
}

static int tv_check_page(const struct vmap *vm, loff_t pagepos)
{
	const u8 *p = vm->vs_addr;
	int j;

	for (j = 0; j < PAGE_SIZE; j += 61)
		if (p[j] != tv_pattern(pagepos + j)) {
			pr_err("data mismatch at %lld: %u != %u\n", pagepos + j,
			       p[j], tv_pattern(pagepos + j));
			return -EINVAL;
		}
	return 0;
}

static int tv_count(const struct vmap *vml)
{
	int n = 0;

	while (vml[n].vs_data)
		n++;
	return n;
}

/* Miss on the first mapping of a page, hit on the next. */
static int test_hit_miss(void)
{
	struct vmap vml[MINVMAPS];
	struct tv_snap a, b, c;
	int ret;

	if (TV_NE(tv_fill(4), 0))
		return -EINVAL;
	tv_snap(&a);
	ret = vpm_map_pages(tv_mapping, 0, PAGE_SIZE, VPM_FETCHPAGE, vml,
			    MINVMAPS, NULL, S_READ);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(tv_count(vml), 1))
		return -EINVAL;
	if (TV_NE(tv_check_page(&vml[0], 0), 0))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);
	if (TV_BAD(!vml[0].vs_data && !vml[0].vs_addr))
		return -EINVAL;
	tv_snap(&b);
	if (TV_NE(b.getmap - a.getmap, 1))
		return -EINVAL;
	/* In the page cache already: no getpage, with or without a slot. */
	if (TV_NE(b.getpage - a.getpage, 0))
		return -EINVAL;
	if (tv_cache_on()) {
		/* Not in the vpm cache yet: a miss. */
		if (TV_NE(b.misses - a.misses, 1))
			return -EINVAL;
		if (TV_NE(b.hits - a.hits, 0))
			return -EINVAL;
		/*
		 * A tiny cache that an earlier run left full of hit hints
		 * may not remember the page: when both hints of its pair
		 * were hit, the miss ages the two (pairfull); when every
		 * slot was, the allocator gives each its second chance and
		 * may find none left (nofreevpms).  Either way the next
		 * miss enters it.  Nothing else may keep it out.
		 */
		if (b.pairfull != a.pairfull || b.nofreevpms != a.nofreevpms) {
			pr_info("hit_miss: page 0 not remembered (pairfull %llu, nofreevpms %llu), mapping it again\n",
				b.pairfull - a.pairfull,
				b.nofreevpms - a.nofreevpms);
			ret = vpm_map_pages(tv_mapping, 0, PAGE_SIZE,
					    VPM_FETCHPAGE, vml, MINVMAPS, NULL,
					    S_READ);
			if (TV_NE(ret, 0))
				return -EINVAL;
			vpm_unmap_pages(vml, S_READ);
			a = b;
			tv_snap(&b);
			if (TV_NE(b.misses - a.misses, 1) ||
			    TV_NE(b.pairfull - a.pairfull, 0) ||
			    TV_NE(b.nofreevpms - a.nofreevpms, 0))
				return -EINVAL;
		}
		if (TV_NE(b.contend - a.contend, 0))
			return -EINVAL;
	} else {
		if (TV_NE(b.misses - a.misses, 0))
			return -EINVAL;
	}

	ret = vpm_map_pages(tv_mapping, 0, PAGE_SIZE, VPM_FETCHPAGE, vml,
			    MINVMAPS, NULL, S_READ);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(tv_check_page(&vml[0], 0), 0))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);
	vpm_unmap_pages(vml, S_READ);	/* second call is a no-op */
	tv_snap(&c);
	if (TV_NE(c.getpage - b.getpage, 0))
		return -EINVAL;
	if (TV_NE(c.misses - b.misses, 0))
		return -EINVAL;
	if (TV_NE(c.hits - b.hits, tv_cache_on() ? 1 : 0))
		return -EINVAL;
	/* A page not in the page cache goes through getpage (zeroes: past EOF). */
	tv_snap(&a);
	ret = vpm_map_pages(tv_mapping, 10 * PAGE_SIZE, PAGE_SIZE,
			    VPM_FETCHPAGE, vml, MINVMAPS, NULL, S_READ);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_BAD(!memchr_inv(vml[0].vs_addr, 0, PAGE_SIZE)))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);
	tv_snap(&b);
	if (TV_NE(b.getpage - a.getpage, 1))
		return -EINVAL;
	return 0;
}

/* Every clamp of vpm_map_pages() and the terminator entry. */
static int test_clamps(void)
{
	struct vmap vml[MAXVMAPS + 1];
	int ret, i;

	if (TV_NE(tv_fill(TV_PAGES), 0))
		return -EINVAL;

	/* Clamped to VPMMAXPGS. */
	ret = vpm_map_pages(tv_mapping, 0, 64 * PAGE_SIZE, VPM_FETCHPAGE, vml,
			    MAXVMAPS, NULL, S_READ);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(tv_count(vml), VPMMAXPGS))
		return -EINVAL;
	if (TV_BAD(!vml[VPMMAXPGS].vs_addr))
		return -EINVAL;
	for (i = 0; i < VPMMAXPGS; i++) {
		if (TV_NE(vml[i].vs_len, PAGE_SIZE))
			return -EINVAL;
		if (TV_NE(tv_check_page(&vml[i], (loff_t)i << PAGE_SHIFT), 0))
			return -EINVAL;
	}
	vpm_unmap_pages(vml, S_READ);

	/* Clamped to nseg - 1. */
	ret = vpm_map_pages(tv_mapping, 0, 10 * PAGE_SIZE, VPM_FETCHPAGE, vml,
			    5, NULL, S_READ);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(tv_count(vml), 4))
		return -EINVAL;
	if (TV_BAD(!vml[4].vs_addr))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);

	/* An unaligned range is rounded out to whole pages. */
	ret = vpm_map_pages(tv_mapping, 100, PAGE_SIZE, VPM_FETCHPAGE, vml,
			    MINVMAPS, NULL, S_READ);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(tv_count(vml), 2))
		return -EINVAL;
	if (TV_NE(tv_check_page(&vml[1], PAGE_SIZE), 0))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);

	/* A mid-file start. */
	ret = vpm_map_pages(tv_mapping, 5 * PAGE_SIZE + 1, 1, VPM_FETCHPAGE,
			    vml, MINVMAPS, NULL, S_READ);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(tv_count(vml), 1))
		return -EINVAL;
	if (TV_NE(tv_check_page(&vml[0], 5 * PAGE_SIZE), 0))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);

	/* Bad arguments: -EINVAL and an empty list. */
	vml[0].vs_data = (void *)1;
	if (TV_NE(vpm_map_pages(tv_mapping, 0, PAGE_SIZE, VPM_FETCHPAGE,
				vml, MINVMAPS - 1, NULL, S_READ), -EINVAL))
		return -EINVAL;
	if (TV_BAD(!vml[0].vs_data))
		return -EINVAL;
	if (TV_NE(vpm_map_pages(tv_mapping, 0, PAGE_SIZE, VPM_FETCHPAGE,
				vml, MAXVMAPS + 1, NULL, S_READ), -EINVAL))
		return -EINVAL;
	if (TV_NE(vpm_map_pages(tv_mapping, -1, PAGE_SIZE, VPM_FETCHPAGE,
				vml, MINVMAPS, NULL, S_READ), -EINVAL))
		return -EINVAL;
	if (TV_BAD(!vml[0].vs_data))
		return -EINVAL;
	return 0;
}

/* The create path: new pages locked, *newpage set, never cleared. */
static int test_create_path(void)
{
	struct vmap vml[MINVMAPS];
	struct tv_snap a, b;
	struct folio *folio;
	int newpage = 0, ret;

	if (TV_NE(tv_fill(2), 0))
		return -EINVAL;
	tv_snap(&a);
	/* Pages 4 and 5 are beyond EOF: created. */
	ret = vpm_map_pages(tv_mapping, 4 * PAGE_SIZE, 2 * PAGE_SIZE, 0, vml,
			    MINVMAPS, &newpage, S_WRITE);
	if (ret == -EOPNOTSUPP)
		return 0;	/* large folios: S_WRITE not offered */
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(newpage, 1))
		return -EINVAL;
	if (TV_NE(tv_count(vml), 2))
		return -EINVAL;
	folio = page_folio(virt_to_page(vml[0].vs_addr));
	if (TV_BAD(folio_test_locked(folio)))
		return -EINVAL;
	if (TV_BAD(!folio_test_uptodate(folio)))
		return -EINVAL;
	memset(vml[0].vs_addr, 0xa5, PAGE_SIZE);
	memset(vml[1].vs_addr, 0x5a, PAGE_SIZE);
	folio_get(folio);
	vpm_unmap_pages(vml, S_WRITE);
	if (TV_BAD(!folio_test_locked(folio)))
		return -EINVAL;
	if (TV_BAD(folio_test_uptodate(folio)))
		return -EINVAL;
	if (TV_BAD(folio_test_dirty(folio)))
		return -EINVAL;
	folio_put(folio);
	tv_snap(&b);
	if (TV_NE(b.pagecreate - a.pagecreate, 2))
		return -EINVAL;

	/* Existing pages: newpage is left as the caller set it. */
	newpage = 0;
	ret = vpm_map_pages(tv_mapping, 0, PAGE_SIZE, 0, vml, MINVMAPS,
			    &newpage, S_WRITE);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(newpage, 0))
		return -EINVAL;
	if (TV_NE(tv_check_page(&vml[0], 0), 0))
		return -EINVAL;
	vpm_unmap_pages(vml, S_WRITE);
	newpage = 1;
	ret = vpm_map_pages(tv_mapping, 0, PAGE_SIZE, 0, vml, MINVMAPS,
			    &newpage, S_WRITE);
	if (TV_NE(ret, 0))
		return -EINVAL;
	if (TV_NE(newpage, 1))
		return -EINVAL;
	vpm_unmap_pages(vml, S_WRITE);
	tv_snap(&a);
	if (TV_NE(a.pagecreate - b.pagecreate, 0))
		return -EINVAL;
	return 0;
}

/*
 * The create path with S_READ (fetchpage == 0): the pages come back
 * unlocked, as every S_READ mapping does (illumos unlocks in
 * vpm_unmap_pages() whatever @rw was), and a page the call created reads
 * as zeroes, not as the allocator's leftovers.  A page left locked would
 * hang the next reader of the file.
 */
static int test_read_create(void)
{
	pgoff_t index = TV_PAGES + 8;	/* past EOF: not in the cache */
	struct vmap vml[MINVMAPS];
	struct folio *folio;
	int newpage = 0, ret = -EINVAL;
	bool locked;
	u8 *p;

	if (TV_NE(tv_fill(2), 0))
		return -EINVAL;
	/*
	 * The create path locks each page it makes: a file system with large
	 * folios (ext4 since 6.16) gets -EOPNOTSUPP instead, and no page.
	 */
	if (mapping_large_folio_support(tv_mapping)) {
		if (TV_NE(vpm_map_pages(tv_mapping, (loff_t)index << PAGE_SHIFT,
					PAGE_SIZE, 0, vml, MINVMAPS, &newpage,
					S_READ), -EOPNOTSUPP))
			return -EINVAL;
		folio = filemap_get_folio(tv_mapping, index);
		if (TV_BAD(IS_ERR_OR_NULL(folio))) {
			folio_put(folio);
			return -EINVAL;
		}
		return 0;
	}
	if (TV_NE(vpm_map_pages(tv_mapping, (loff_t)index << PAGE_SHIFT,
				PAGE_SIZE, 0, vml, MINVMAPS, &newpage, S_READ), 0))
		return -EINVAL;
	p = vml[0].vs_addr;
	if (!TV_NE(newpage, 1) && !TV_NE(tv_count(vml), 1) &&
	    !TV_BAD(!memchr_inv(p, 0, PAGE_SIZE)))
		ret = 0;
	vpm_unmap_pages(vml, S_READ);

	folio = filemap_get_folio(tv_mapping, index);
	if (TV_BAD(!IS_ERR_OR_NULL(folio)))
		return -EINVAL;
	locked = !folio_trylock(folio);
	if (TV_BAD(!locked))
		ret = -EINVAL;
	/* unlock it either way, so that a failure does not hang the rest */
	folio_unlock(folio);
	folio_put(folio);
	vpm_sync_pages(tv_mapping, (loff_t)index << PAGE_SHIFT, PAGE_SIZE,
		       SM_DESTROY);
	return ret;
}

static int tv_read_back(loff_t pos, u8 *buf, size_t len)
{
	ssize_t n = kernel_read(tv_file, buf, len, &pos);

	return n == len ? 0 : -EIO;
}

/* vpm_data_copy(): zerostart, zeroing of new pages, newpage, reads. */
static int test_data_copy(void)
{
	u8 *src, *dst;
	struct kvec kv;
	struct iov_iter iter;
	struct tv_snap a, b;
	int newpage = -1, ret = 0, i;

	src = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	dst = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	if (!src || !dst) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		src[i] = (u8)(i * 13 + 5);

	ret = tv_fill(0);
	if (ret)
		goto out;

	/* New page, zerostart: [0,100) zero, data, zero to page end. */
	tv_snap(&a);
	kv.iov_base = src;
	kv.iov_len = 200;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 200);
	ret = vpm_data_copy(tv_mapping, 100, 200, &iter, 0, &newpage, 1,
			    S_WRITE);
	if (ret == -EOPNOTSUPP) {
		ret = 0;
		goto out;
	}
	ret = -EINVAL;
	if (vpm_data_copy(tv_mapping, 0, 0, &iter, 0, NULL, 0, S_WRITE))
		goto out;
	tv_snap(&b);
	if (newpage != 1 || iov_iter_count(&iter) != 0 ||
	    b.zerostart - a.zerostart != 1) {
		pr_err("create copy: newpage %d left %zu zerostart %llu\n",
		       newpage, iov_iter_count(&iter), b.zerostart - a.zerostart);
		goto out;
	}
	i_size_write(tv_mapping->host, 300);
	if (tv_read_back(0, dst, 300))
		goto out;
	for (i = 0; i < 300; i++)
		if (dst[i] != (i < 100 ? 0 : src[i - 100])) {
			pr_err("create copy: byte %d is %u\n", i, dst[i]);
			goto out;
		}
	i_size_write(tv_mapping->host, PAGE_SIZE);
	if (tv_read_back(0, dst, PAGE_SIZE))
		goto out;
	for (i = 300; i < PAGE_SIZE; i++)
		if (dst[i]) {
			pr_err("tail not zeroed at %d\n", i);
			goto out;
		}

	/* A new page without zerostart still gets no garbage (Linux). */
	kv.iov_base = src;
	kv.iov_len = 10;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 10);
	newpage = 0;
	if (vpm_data_copy(tv_mapping, 3 * PAGE_SIZE + 50, 10, &iter, 0,
			  &newpage, 0, S_WRITE) || newpage != 1)
		goto out;
	i_size_write(tv_mapping->host, 4 * PAGE_SIZE);
	if (tv_read_back(3 * PAGE_SIZE, dst, PAGE_SIZE))
		goto out;
	for (i = 0; i < PAGE_SIZE; i++)
		if (dst[i] != (i >= 50 && i < 60 ? src[i - 50] : 0)) {
			pr_err("new page byte %d is %u\n", i, dst[i]);
			goto out;
		}

	/* An existing page, create path, no zerostart: head kept. */
	kv.iov_base = src;
	kv.iov_len = 8;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 8);
	newpage = 0;
	if (vpm_data_copy(tv_mapping, 3 * PAGE_SIZE + 52, 8, &iter, 0,
			  &newpage, 0, S_WRITE) || newpage != 0)
		goto out;
	if (tv_read_back(3 * PAGE_SIZE, dst, PAGE_SIZE))
		goto out;
	if (dst[50] != src[0] || dst[51] != src[1] || dst[52] != src[0] ||
	    dst[59] != src[7] || dst[60] != 0)
		goto out;

	/* Fetch path write then read across a page boundary. */
	kv.iov_base = src;
	kv.iov_len = 1000;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, 1000);
	if (vpm_data_copy(tv_mapping, PAGE_SIZE - 500, 1000, &iter,
			  VPM_FETCHPAGE, NULL, 0, S_WRITE))
		goto out;
	kv.iov_base = dst;
	kv.iov_len = 1000;
	memset(dst, 0, 1000);
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, 1000);
	if (vpm_data_copy(tv_mapping, PAGE_SIZE - 500, 1000, &iter,
			  VPM_FETCHPAGE, NULL, 0, S_READ) ||
	    iov_iter_count(&iter) || memcmp(src, dst, 1000)) {
		pr_err("fetch path copy mismatch\n");
		goto out;
	}
	ret = 0;
out:
	kfree(src);
	kfree(dst);
	return ret;
}

/*
 * S_WRITE from a user buffer of which only the first 100 bytes can be
 * faulted in (the next page is unmapped), in the modprobe process's own
 * address space: the create path into a new page keeps nothing and
 * returns -EFAULT (it must not retry forever); the fetch path keeps the
 * 100 bytes, then returns -EFAULT.
 */
static int test_user_fault(void)
{
	unsigned long ubuf;
	struct iovec iov;
	struct iov_iter iter;
	u8 *kbuf;
	int ret = -EINVAL, err, i;

	if (!current->mm)
		return 0;
	if (TV_NE(tv_fill(0), 0))
		return -EINVAL;
	kbuf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	memset(kbuf, 0x77, PAGE_SIZE);
	ubuf = vm_mmap(NULL, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(ubuf)) {
		kfree(kbuf);
		return (int)ubuf;
	}
	if (copy_to_user((void __user *)ubuf, kbuf, PAGE_SIZE) ||
	    vm_munmap(ubuf + PAGE_SIZE, PAGE_SIZE))
		goto out;

	iov.iov_base = (void __user *)(ubuf + PAGE_SIZE - 100);
	iov.iov_len = PAGE_SIZE;
	iov_iter_init(&iter, ITER_SOURCE, &iov, 1, PAGE_SIZE);
	err = vpm_data_copy(tv_mapping, 0, PAGE_SIZE, &iter, 0, NULL, 0,
			    S_WRITE);
	if (err == -EOPNOTSUPP) {
		ret = 0;
		goto out;
	}
	if (err != -EFAULT || iov_iter_count(&iter) != PAGE_SIZE) {
		pr_err("create path: %d, %zu left\n", err, iov_iter_count(&iter));
		goto out;
	}

	iov_iter_init(&iter, ITER_SOURCE, &iov, 1, PAGE_SIZE);
	err = vpm_data_copy(tv_mapping, 0, PAGE_SIZE, &iter, VPM_FETCHPAGE,
			    NULL, 0, S_WRITE);
	if (err != -EFAULT || iov_iter_count(&iter) != PAGE_SIZE - 100) {
		pr_err("fetch path: %d, %zu left\n", err, iov_iter_count(&iter));
		goto out;
	}
	i_size_write(tv_mapping->host, PAGE_SIZE);
	if (tv_read_back(0, kbuf, PAGE_SIZE))
		goto out;
	for (i = 0; i < PAGE_SIZE; i++)
		if (kbuf[i] != (i < 100 ? 0x77 : 0)) {
			pr_err("byte %d is %u\n", i, kbuf[i]);
			goto out;
		}
	ret = 0;
out:
	vm_munmap(ubuf, PAGE_SIZE);
	kfree(kbuf);
	return ret;
}

/* vpm_sync_pages(): the no-op cases, SM_DESTROY, SM_WRITE, SM_ASYNC. */
static int test_sync(void)
{
	struct vmap vml[MINVMAPS];
	struct tv_snap a, b;
	struct folio *folio;

	if (TV_NE(tv_fill(8), 0))
		return -EINVAL;
	tv_snap(&a);
	if (TV_NE(vpm_sync_pages(tv_mapping, 0, PAGE_SIZE, 0), 0))
		return -EINVAL;
	if (TV_NE(vpm_sync_pages(tv_mapping, 0, PAGE_SIZE, SM_DONTNEED), 0))
		return -EINVAL;
	tv_snap(&b);
	if (TV_NE(b.release - a.release, 0))
		return -EINVAL;

	/* SM_DESTROY discards the pages. */
	if (TV_NE(vpm_map_pages(tv_mapping, 6 * PAGE_SIZE, PAGE_SIZE,
				VPM_FETCHPAGE, vml, MINVMAPS, NULL, S_READ), 0))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);
	tv_snap(&a);
	if (TV_NE(vpm_sync_pages(tv_mapping, 6 * PAGE_SIZE, PAGE_SIZE,
				 SM_DESTROY), 0))
		return -EINVAL;
	tv_snap(&b);
	if (TV_NE(b.release - a.release, 1))
		return -EINVAL;
	folio = filemap_get_folio(tv_mapping, 6);
	if (TV_BAD(IS_ERR_OR_NULL(folio)))
		return -EINVAL;
	/* The cache's hint names the discarded folio: it must not be used. */
	tv_snap(&a);
	if (TV_NE(vpm_map_pages(tv_mapping, 6 * PAGE_SIZE, PAGE_SIZE,
				VPM_FETCHPAGE, vml, MINVMAPS, NULL, S_READ), 0))
		return -EINVAL;
	vpm_unmap_pages(vml, S_READ);
	tv_snap(&b);
	if (TV_NE(b.hits - a.hits, 0))
		return -EINVAL;

	/* SM_WRITE, SM_ASYNC: write back, keep the pages. */
	if (TV_NE(vpm_sync_pages(tv_mapping, 0, 2 * PAGE_SIZE, SM_WRITE), 0))
		return -EINVAL;
	if (TV_NE(vpm_sync_pages(tv_mapping, 0, 0, SM_WRITE | SM_ASYNC), 0))
		return -EINVAL;
	folio = filemap_get_folio(tv_mapping, 0);
	if (TV_BAD(!IS_ERR_OR_NULL(folio)))
		return -EINVAL;
	folio_put(folio);
	return 0;
}

struct tv_unmap_work {
	struct vmap vml[MINVMAPS];
	struct completion done;
};

/* Check @len bytes read from @pos: the pattern, or zeroes in page @hole. */
static int tv_check_read(const u8 *buf, loff_t pos, size_t len, pgoff_t hole)
{
	size_t j;

	for (j = 0; j < len; j += 31) {
		loff_t at = pos + j;
		u8 want = at >> PAGE_SHIFT == hole ? 0 : tv_pattern(at);

		if (buf[j] != want) {
			pr_err("read mismatch at %lld: %u != %u\n", at, buf[j],
			       want);
			return -EINVAL;
		}
	}
	return 0;
}

/* vpm_data_copy() of [@pos, @pos + @len) into @buf with @fetch. */
static int tv_copy_in(u8 *buf, loff_t pos, size_t len, int fetch,
		      size_t *copied)
{
	struct iov_iter iter;
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	int ret;

	memset(buf, 0xee, len);
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	ret = vpm_data_copy(tv_mapping, pos, len, &iter, fetch, NULL, 0,
			    S_READ);
	*copied = len - iov_iter_count(&iter);
	return ret;
}

/*
 * One-page reads under injected contention.  A lookup that the injection
 * fails (contend_mtbf) must end as a miss, the page found in the page
 * cache and entered again, not be asked of the cache a second time.
 * With expect_contend (the guest script sets contend_mtbf to 1, so every
 * other lookup fails) at least a quarter of 64 reads of a cached page
 * must miss: a read path that probes the hash again after a failed
 * probe, as vpm_find_batch() once did, hits every time.
 */
static int test_contend_miss(void)
{
	struct tv_snap a, b;
	struct iov_iter iter;
	struct kvec kv;
	u8 *buf;
	int ret, i;

	if (!tv_cache_on())
		return 0;
	ret = tv_fill(1);
	if (ret)
		return ret;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	tv_snap(&a);
	for (i = 0; i < 64; i++) {
		kv.iov_base = buf;
		kv.iov_len = PAGE_SIZE;
		iov_iter_kvec(&iter, ITER_DEST, &kv, 1, PAGE_SIZE);
		ret = vpm_data_copy(tv_mapping, 0, PAGE_SIZE, &iter,
				    VPM_FETCHPAGE, NULL, 0, S_READ);
		if (ret || iov_iter_count(&iter) ||
		    tv_check_read(buf, 0, PAGE_SIZE, -1)) {
			pr_err("contend_miss: read %d: %d, %zu left\n", i, ret,
			       iov_iter_count(&iter));
			ret = -EINVAL;
			goto out;
		}
	}
	tv_snap(&b);
	pr_info("contend_miss: %llu hits, %llu misses in 64 reads\n",
		b.hits - a.hits, b.misses - a.misses);
	ret = -EINVAL;
	if (TV_BAD(b.hits - a.hits + b.misses - a.misses >= 64))
		goto out;
	if (expect_contend && TV_BAD(b.misses - a.misses >= 16))
		goto out;
	ret = 0;
out:
	kfree(buf);
	return ret;
}

/*
 * The read fast path and VPM_CACHEDONLY: a cached-only copy stops, with
 * no error, before a page that is not cached (a hole, page 2) and before
 * one marked for readahead, and copies no byte of either; VPM_FETCHPAGE
 * copies on past both (reading the hole as zeroes); S_WRITE is refused.
 */
static int test_cached_only(void)
{
	size_t len = 4 * PAGE_SIZE, copied;
	loff_t pos = 3 * PAGE_SIZE;
	struct iov_iter iter;
	struct kvec kv;
	struct folio *f;
	u8 *buf, *page;
	int ret, j;

	buf = kvmalloc(len, GFP_KERNEL);
	page = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf || !page) {
		ret = -ENOMEM;
		goto out;
	}
	/* pages 0, 1 and 3; page 2 a hole that nobody has read */
	ret = tv_fill(2);
	for (j = 0; !ret && j < PAGE_SIZE; j++)
		page[j] = tv_pattern(pos + j);
	if (!ret && kernel_write(tv_file, page, PAGE_SIZE, &pos) != PAGE_SIZE)
		ret = -EIO;
	if (ret)
		goto out;

	/* from 100 bytes in: the part of page 0 and page 1, not the hole */
	ret = tv_copy_in(buf, 100, len - 100, VPM_CACHEDONLY, &copied);
	if (TV_NE(ret, 0) || TV_NE(copied, 2 * PAGE_SIZE - 100) ||
	    tv_check_read(buf, 100, copied, ULONG_MAX) ||
	    TV_NE(buf[copied], 0xee)) {
		ret = -EINVAL;
		goto out;
	}
	ret = tv_copy_in(buf, 0, len, VPM_FETCHPAGE, &copied);
	if (TV_NE(ret, 0) || TV_NE(copied, len) ||
	    tv_check_read(buf, 0, len, 2)) {
		ret = -EINVAL;
		goto out;
	}

	/* page 1 marked for readahead: the cached-only copy stops there */
	f = filemap_get_folio(tv_mapping, 1);
	if (TV_BAD(!IS_ERR_OR_NULL(f))) {
		ret = -EINVAL;
		goto out;
	}
	folio_set_readahead(f);
	ret = tv_copy_in(buf, 0, len, VPM_CACHEDONLY, &copied);
	if (TV_NE(ret, 0) || TV_NE(copied, PAGE_SIZE))
		ret = -EINVAL;
	if (!ret) {
		ret = tv_copy_in(buf, 0, len, VPM_FETCHPAGE, &copied);
		if (TV_NE(ret, 0) || TV_NE(copied, len) ||
		    tv_check_read(buf, 0, len, 2))
			ret = -EINVAL;
	}
	folio_clear_readahead(f);
	folio_put(f);
	if (ret)
		goto out;

	/* cached-only is for reads */
	kv.iov_base = buf;
	kv.iov_len = PAGE_SIZE;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, PAGE_SIZE);
	ret = vpm_data_copy(tv_mapping, 0, PAGE_SIZE, &iter, VPM_CACHEDONLY,
			    NULL, 0, S_WRITE);
	if (TV_NE(ret, -EINVAL) || TV_NE(iov_iter_count(&iter), PAGE_SIZE)) {
		ret = -EINVAL;
		goto out;
	}
	ret = 0;
out:
	kvfree(buf);
	kfree(page);
	return ret;
}

static int tv_unmap_thread(void *arg)
{
	struct tv_unmap_work *w = arg;

	vpm_unmap_pages(w->vml, S_READ);
	complete(&w->done);
	return 0;
}

/* The references on page @index, less the one this call takes. */
static int tv_refs(pgoff_t index)
{
	struct folio *folio = filemap_get_folio(tv_mapping, index);
	int n;

	if (IS_ERR_OR_NULL(folio))
		return -1;
	n = folio_ref_count(folio) - 1;
	folio_put(folio);
	return n;
}

/*
 * A mapping made here is released by another thread.  The pages are
 * written back first, so that the flusher takes no reference of its own
 * while the counts are read, and a count that moved anyway (a per-CPU
 * LRU batch drained meanwhile) is read again: up to TV_REF_TRIES times.
 * A mapping that does not hold its page, or an unmap that does not drop
 * it, is wrong on every try.
 */
#define TV_REF_TRIES	5

static int test_cross_thread_unmap(void)
{
	struct tv_unmap_work *w;
	struct task_struct *t;
	int ret = -EINVAL, refs, mapped, unmapped, try;

	if (TV_NE(tv_fill(4), 0) ||
	    TV_NE(filemap_write_and_wait(tv_mapping), 0))
		return -EINVAL;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	for (try = 1; try <= TV_REF_TRIES; try++) {
		init_completion(&w->done);
		refs = tv_refs(1);
		if (TV_NE(vpm_map_pages(tv_mapping, 0, 2 * PAGE_SIZE,
					VPM_FETCHPAGE, w->vml, MINVMAPS, NULL,
					S_READ), 0))
			goto out;
		/* a mapping holds one reference on its page */
		mapped = tv_refs(1);
		t = kthread_run(tv_unmap_thread, w, "test_vpm_unmap");
		if (TV_BAD(!IS_ERR(t))) {
			vpm_unmap_pages(w->vml, S_READ);
			goto out;
		}
		wait_for_completion(&w->done);
		unmapped = tv_refs(1);
		if (mapped == refs + 1 && unmapped == refs) {
			ret = 0;
			goto out;
		}
		pr_info("cross_thread_unmap: try %d: %d references, %d mapped, %d unmapped\n",
			try, refs, mapped, unmapped);
	}
	pr_err("cross_thread_unmap: references wrong on %d tries\n",
	       TV_REF_TRIES);
out:
	kfree(w);
	return ret;
}

/* Map and unmap pages 0-7 one by one: 0 if no reference count moved. */
static int tv_map_keeps_refs(struct vmap *vml)
{
	int i, refs[8], now;

	for (i = 0; i < 8; i++)
		refs[i] = tv_refs(i);
	for (i = 0; i < 8; i++) {
		if (TV_NE(vpm_map_pages(tv_mapping, (loff_t)i << PAGE_SHIFT,
					PAGE_SIZE, VPM_FETCHPAGE, vml,
					MINVMAPS, NULL, S_READ), 0))
			return -EINVAL;
		vpm_unmap_pages(vml, S_READ);
	}
	for (i = 0; i < 8; i++) {
		now = tv_refs(i);
		if (now != refs[i]) {
			pr_info("no_pin: page %d: %d references, %d after\n",
				i, refs[i], now);
			return -EAGAIN;
		}
	}
	return 0;
}

/*
 * The cache pins nothing: a page that was mapped and unmapped (a hint in
 * the cache) has the references it had before, invalidation can drop the
 * clean pages, and mappings after that read the data back correctly.
 */
static int test_no_pin(void)
{
	struct vmap vml[MINVMAPS];
	struct tv_snap a, b;
	int i, try, ret, gone;
	struct folio *folio;

	if (TV_NE(tv_fill(8), 0))
		return -EINVAL;
	if (TV_NE(filemap_write_and_wait(tv_mapping), 0))
		return -EINVAL;
	/* counts that moved for another reason are read again */
	for (try = 1; try <= TV_REF_TRIES; try++) {
		ret = tv_map_keeps_refs(vml);
		if (ret != -EAGAIN)
			break;
	}
	if (ret == -EAGAIN)
		pr_err("no_pin: references wrong on %d tries\n", TV_REF_TRIES);
	if (ret)
		return -EINVAL;
	/* ramfs pages cannot be dropped (no writeback): that is ramfs */
	if (!mapping_can_writeback(tv_mapping))
		return 0;
	/*
	 * POSIX_FADV_DONTNEED drains the per-CPU LRU batches (whose
	 * references would keep a page) and drops the clean pages that
	 * nobody holds: a cache that pins them keeps them all.
	 */
	if (TV_NE(vfs_fadvise(tv_file, 0, 8 * PAGE_SIZE, POSIX_FADV_DONTNEED),
		  0))
		return -EINVAL;
	for (gone = 0, i = 0; i < 8; i++) {
		folio = filemap_get_folio(tv_mapping, i);
		if (IS_ERR_OR_NULL(folio))
			gone++;
		else
			folio_put(folio);
	}
	if (TV_BAD(gone >= 1))
		return -EINVAL;
	tv_snap(&a);
	for (i = 0; i < 8; i++) {
		if (TV_NE(vpm_map_pages(tv_mapping, (loff_t)i << PAGE_SHIFT,
					PAGE_SIZE, VPM_FETCHPAGE, vml,
					MINVMAPS, NULL, S_READ), 0))
			return -EINVAL;
		if (TV_NE(tv_check_page(&vml[0], (loff_t)i << PAGE_SHIFT), 0)) {
			vpm_unmap_pages(vml, S_READ);
			return -EINVAL;
		}
		vpm_unmap_pages(vml, S_READ);
	}
	tv_snap(&b);
	/*
	 * Hits are possible: readahead may have been given the very
	 * folios freed above for the same indices, and then the hints are
	 * right.  What matters is the data (checked above) and that the
	 * first page had to be read.
	 */
	if (TV_NE((b.hits - a.hits) + (b.misses - a.misses),
		  tv_cache_on() ? 8 : 0))
		return -EINVAL;
	if (TV_BAD(b.getpage - a.getpage >= 1))
		return -EINVAL;
	return 0;
}

/*
 * Tiny cache only: slots are refilled oldest first, and mappings hold no
 * slots, so more pages than slots can be mapped at once without anyone
 * waiting, and a mapping made then still finds a slot to remember it.
 */
static int test_tiny_cache(void)
{
	u64 nslots = vpm_stat_get("slots");
	struct vmap (*held)[MINVMAPS];
	struct tv_snap a, b;
	int i, ret = -EINVAL;
	u64 nheld = 0;

	if (!tv_cache_on() || nslots > 64 || nslots < 2)
		return 0;	/* needs vpm_cache_slots <= 64 */

	if (TV_NE(tv_fill(5 * nslots + 8), 0))
		return -EINVAL;
	held = kcalloc(nslots + 4, sizeof(*held), GFP_KERNEL);
	if (!held)
		return -ENOMEM;

	/*
	 * Refill every slot with pages past the ones tested: earlier tests
	 * on this file left hints that the folios of this fill may match
	 * (freed folios are reused for the same index, and then a hint is
	 * right), which would turn the misses below into hits.
	 */
	for (i = nslots + 8; i < 5 * nslots + 8; i++) {
		if (vpm_map_pages(tv_mapping, (loff_t)i << PAGE_SHIFT, 1,
				  VPM_FETCHPAGE, held[0], MINVMAPS, NULL, S_READ))
			goto out;
		vpm_unmap_pages(held[0], S_READ);
	}

	/* Steal: map nslots + 1 pages one by one; page 0 loses its slot. */
	for (i = 0; i <= nslots; i++) {
		if (vpm_map_pages(tv_mapping, (loff_t)i << PAGE_SHIFT, 1,
				  VPM_FETCHPAGE, held[0], MINVMAPS, NULL, S_READ))
			goto out;
		vpm_unmap_pages(held[0], S_READ);
	}
	tv_snap(&a);
	if (vpm_map_pages(tv_mapping, 0, 1, VPM_FETCHPAGE, held[0], MINVMAPS,
			  NULL, S_READ))
		goto out;
	vpm_unmap_pages(held[0], S_READ);
	tv_snap(&b);
	if (b.misses - a.misses != 1) {
		pr_err("steal: misses +%llu\n", b.misses - a.misses);
		goto out;
	}

	/* Hold more pages mapped than there are slots: nobody waits. */
	tv_snap(&a);
	for (i = 0; i < nslots + 4; i++) {
		if (vpm_map_pages(tv_mapping, (loff_t)i << PAGE_SHIFT, 1,
				  VPM_FETCHPAGE, held[i], MINVMAPS, NULL, S_READ))
			goto out_release;
		nheld++;
	}
	tv_snap(&b);
	if (TV_NE(b.nofreevpms - a.nofreevpms, 0))
		goto out_release;
	if (TV_NE((b.hits - a.hits) + (b.misses - a.misses), nslots + 4))
		goto out_release;
	/* the last page mapped is remembered: a hit */
	tv_snap(&a);
	vpm_unmap_pages(held[--nheld], S_READ);
	if (vpm_map_pages(tv_mapping, (loff_t)nheld << PAGE_SHIFT, 1,
			  VPM_FETCHPAGE, held[nheld], MINVMAPS, NULL, S_READ))
		goto out_release;
	nheld++;
	tv_snap(&b);
	if (TV_NE(b.hits - a.hits, 1))
		goto out_release;
	ret = 0;
out_release:
	while (nheld)
		vpm_unmap_pages(held[--nheld], S_READ);
out:
	kfree(held);
	return ret;
}

struct tv_stress {
	struct completion done;
	unsigned long maps;
	int ret;
	u32 seed;
};

static int tv_stress_thread(void *arg)
{
	struct tv_stress *s = arg;
	struct vmap vml[5];
	int i, j;

	for (i = 0; i < 2000 && !s->ret; i++) {
		u32 r = s->seed = s->seed * 1103515245 + 12345;
		int first = (r >> 8) % (TV_PAGES - 4);
		int n;

		s->ret = vpm_map_pages(tv_mapping, (loff_t)first << PAGE_SHIFT,
				       4 * PAGE_SIZE, VPM_FETCHPAGE, vml, 5,
				       NULL, S_READ);
		if (s->ret)
			break;
		n = tv_count(vml);
		s->maps += n;
		for (j = 0; j < n && !s->ret; j++)
			s->ret = tv_check_page(&vml[j],
					       (loff_t)(first + j) << PAGE_SHIFT);
		vpm_unmap_pages(vml, S_READ);
		if (!(i & 63))
			cond_resched();
	}
	complete(&s->done);
	return 0;
}

/* Concurrent readers on every online CPU, checked data and counters. */
static int test_concurrent(void)
{
	unsigned int n = num_online_cpus() * nthreads_per_cpu, i, cpu;
	struct tv_stress *s;
	struct tv_snap a, b;
	unsigned long maps = 0;
	int ret = 0;

	if (TV_NE(tv_fill(TV_PAGES), 0))
		return -EINVAL;
	s = kcalloc(n, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	tv_snap(&a);
	i = 0;
	for_each_online_cpu(cpu) {
		unsigned int k;

		for (k = 0; k < nthreads_per_cpu; k++, i++) {
			struct task_struct *t;

			init_completion(&s[i].done);
			s[i].seed = get_random_u32();
			t = kthread_create(tv_stress_thread, &s[i],
					   "test_vpm_%u_%u", cpu, k);
			if (IS_ERR(t)) {
				s[i].ret = PTR_ERR(t);
				complete(&s[i].done);
				continue;
			}
			kthread_bind(t, cpu);
			wake_up_process(t);
		}
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&s[i].done);
		if (s[i].ret && !ret)
			ret = s[i].ret;
		maps += s[i].maps;
	}
	tv_snap(&b);
	kfree(s);
	if (ret) {
		pr_err("stress thread failed: %d\n", ret);
		return ret;
	}
	if (tv_cache_on())
		if (TV_NE((b.hits - a.hits) + (b.misses - a.misses), maps))
			return -EINVAL;
	return 0;
}

/* ns per page of @rounds passes of vpm_map_pages() over pages [0, @npg). */
static u64 tv_bench_vpm(int rounds, int npg)
{
	struct vmap vml[MINVMAPS];
	u64 t0 = ktime_get_ns();
	int r, i;

	for (r = 0; r < rounds; r++)
		for (i = 0; i < npg; i++)
			if (!vpm_map_pages(tv_mapping, (loff_t)i << PAGE_SHIFT,
					   1, VPM_FETCHPAGE, vml, MINVMAPS,
					   NULL, S_READ))
				vpm_unmap_pages(vml, S_READ);
	return div_u64(ktime_get_ns() - t0, rounds * npg);
}

/*
 * ns per page of @rounds passes of 64-byte reads of pages [0, @npg):
 * vpm_data_copy() (@vpm), or what filemap_read() does per folio at the
 * least (a lookup, the copy, the put).
 */
static u64 tv_bench_copy(int rounds, int npg, bool vpm)
{
	char buf[64];
	u64 t0 = ktime_get_ns();
	struct iov_iter iter;
	struct kvec kv;
	int r, i;

	for (r = 0; r < rounds; r++)
		for (i = 0; i < npg; i++) {
			loff_t off = ((loff_t)i << PAGE_SHIFT) + 1024;
			struct folio *f;

			kv.iov_base = buf;
			kv.iov_len = sizeof(buf);
			iov_iter_kvec(&iter, ITER_DEST, &kv, 1, sizeof(buf));
			if (vpm) {
				vpm_data_copy(tv_mapping, off, sizeof(buf),
					      &iter, VPM_FETCHPAGE, NULL, 0,
					      S_READ);
				continue;
			}
			f = filemap_get_folio(tv_mapping, i);
			if (IS_ERR_OR_NULL(f))
				continue;
			copy_page_to_iter(folio_page(f, 0), 1024, sizeof(buf),
					  &iter);
			folio_put(f);
		}
	return div_u64(ktime_get_ns() - t0, rounds * npg);
}

/* "name N ns/page (R.RRx)" against @base */
static void tv_bench_print(const char *name, u64 ns, u64 base)
{
	pr_info("bench: %s %llu ns/page (%llu.%02llux)\n", name, ns,
		div_u64(ns, base ?: 1), div_u64(ns * 100, base ?: 1) % 100);
}

/*
 * Per-page cost of a vpm hit and miss against filemap_get_folio() +
 * folio_put() on the same pages: vpm_map_pages() + vpm_unmap_pages() of
 * one page, and a 64-byte vpm_data_copy() (the read fast path) against a
 * lookup, the same copy and the put.  A measurement, not a test: it
 * prints.  Misses are measured by cycling through eight times as many
 * pages as there are slots, so only with a small cache (vpm_cache_slots
 * <= 1024).
 */
static void tv_bench(void)
{
	u64 nslots = vpm_stat_get("slots");
	int rounds = 2000, npg = 64, r, i;
	u64 t0, base, hit, miss = 0, cbase, chit, cmiss = 0;

	if (nslots && nslots <= 1024)
		npg = 8 * nslots;
	rounds = max(2, 128000 / npg);
	if (tv_fill(npg))
		return;
	tv_bench_vpm(1, npg);	/* warm up */

	t0 = ktime_get_ns();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < npg; i++) {
			struct folio *f = filemap_get_folio(tv_mapping, i);

			if (!IS_ERR_OR_NULL(f))
				folio_put(f);
		}
	base = div_u64(ktime_get_ns() - t0, rounds * npg);

	if (npg > 64)
		miss = tv_bench_vpm(rounds, npg);
	hit = tv_bench_vpm(rounds, min(npg, 64));
	pr_info("bench: %llu slots: filemap_get_folio+folio_put %llu ns/page, vpm hit %llu ns/page (%llu.%02llux)\n",
		nslots, base, hit, div_u64(hit, base ?: 1),
		div_u64(hit * 100, base ?: 1) % 100);
	if (miss)
		tv_bench_print("vpm miss", miss, base);

	cbase = tv_bench_copy(rounds, min(npg, 64), false);
	if (npg > 64)
		cmiss = tv_bench_copy(rounds, npg, true);
	chit = tv_bench_copy(rounds, min(npg, 64), true);
	pr_info("bench: filemap_get_folio+64 B copy+folio_put %llu ns/page\n",
		cbase);
	tv_bench_print("vpm_data_copy 64 B hit", chit, cbase);
	if (cmiss)
		tv_bench_print("vpm_data_copy 64 B miss", cmiss, cbase);
}

static void tv_run(const char *name, int (*fn)(void))
{
	int ret;

	if (only && strcmp(only, name))
		return;
	tests_run++;
	ret = fn();
	if (ret) {
		pr_err("FAIL %s: %d\n", name, ret);
		return;
	}
	pr_info("ok %s\n", name);
	tests_passed++;
}

static int __init test_vpm_init(void)
{
	if (!path) {
		pr_err("path= is required\n");
		return -EINVAL;
	}
	tv_file = filp_open(path, O_RDWR | O_CREAT | O_TRUNC | O_LARGEFILE,
			    0600);
	if (IS_ERR(tv_file)) {
		pr_err("cannot open %s: %ld\n", path, PTR_ERR(tv_file));
		return PTR_ERR(tv_file);
	}
	tv_mapping = tv_file->f_mapping;

	if (bench) {
		tv_bench();
		goto out;
	}

	tv_run("hit_miss", test_hit_miss);
	tv_run("clamps", test_clamps);
	tv_run("read_create", test_read_create);
	if (!readonly) {
		tv_run("create_path", test_create_path);
		tv_run("data_copy", test_data_copy);
		tv_run("user_fault", test_user_fault);
	}
	tv_run("cached_only", test_cached_only);
	tv_run("contend_miss", test_contend_miss);
	tv_run("sync", test_sync);
	tv_run("cross_thread_unmap", test_cross_thread_unmap);
	tv_run("no_pin", test_no_pin);
	tv_run("tiny_cache", test_tiny_cache);
	tv_run("concurrent", test_concurrent);
	/* the cache cases shared with tools/testing/vpm-cache */
	if (!only || !strncmp(only, "cache", 5))
		test_vpm_cache_cases(only, &tests_run, &tests_passed);
out:
	fput(tv_file);
	pr_info("%u of %u tests passed (cache %s, %llu slots)\n",
		tests_passed, tests_run, tv_cache_on() ? "on" : "off",
		vpm_stat_get("slots"));
	return tests_passed == tests_run ? 0 : -EINVAL;
}

static void __exit test_vpm_exit(void)
{
}

module_init(test_vpm_init);
module_exit(test_vpm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Tests of the vpm interface");
