// SPDX-License-Identifier: GPL-2.0
/*
 * User-space test of the vpm slot cache (vpm/core/vpm_cache.c, compiled
 * unchanged against the shims in shim/): unit tests of the cache and its
 * freelists, then multi-threaded stress with concurrent shrinking,
 * release_range, truncation and fault injection.  After every test the
 * cache's structures are checked at rest (freelists, page-to-slot table,
 * counters) and so is every page's reference count; vpm_cache_fini()
 * must leave each page with only the page cache's reference.
 *
 * Usage: vpm_cache_test [-v] [-q] [-s SEED] [-t SECONDS-PER-STRESS]
 * Environment: VPM_CACHE_TEST_KNOB_RACE=1 also changes the fault
 * injection knobs while the stress runs, as a debugfs write would.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include "shim_harness.h"
#include "vpm_internal.h"

/* The module parameters and globals vpm_cache.c uses but does not own. */
int vpm_enable = 1;
int vpm_cache_enable = 1;
long vpm_cache_percent = 12;
int vpm_nfreelist;
int vpm_cachemode;
unsigned long vpm_cache_slots;
unsigned int vpm_steals_mtbf;
unsigned int vpm_contend_mtbf;

static long nchecks, nfail;
static const char *cur_test = "-";
static unsigned int seed = 1;
static double stress_secs = 1.0;
static bool quiet;

#define CHECK(cond, fmt, ...)						\
({									\
	bool __ok = !!(cond);						\
	__atomic_fetch_add(&nchecks, 1, __ATOMIC_RELAXED);		\
	if (!__ok) {							\
		__atomic_fetch_add(&nfail, 1, __ATOMIC_RELAXED);	\
		fprintf(stderr, "FAIL %s:%d [%s]: %s: " fmt "\n",	\
			__func__, __LINE__, cur_test, #cond,		\
			##__VA_ARGS__);					\
	}								\
	__ok;								\
})

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int rnd(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static unsigned long stat_sum(enum vpm_stat_item item)
{
	unsigned long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += __atomic_load_n(&per_cpu_ptr(vpmd.cpu, cpu)->vcpu_stat[item],
				       __ATOMIC_RELAXED);
	return sum;
}

#define STAT(x)	stat_sum(VPM_STAT_##x)

static struct page *page_at(struct folio *f, pgoff_t index)
{
	return folio_page(f, index - f->index);
}

/* ---- checks at rest ---- */

struct page_count {
	int slots;
};

static int slots_caching_folio(struct folio *f)
{
	u32 i;
	int n = 0;

	for (i = 0; i < vpmd.nslots; i++)
		if (vpmd.vpmap[i].vpm_pp &&
		    page_folio(vpmd.vpmap[i].vpm_pp) == f)
			n++;
	return n;
}

static void check_folio(struct folio *f, void *arg)
{
	int want = (f->shim_in_mapping ? 1 : 0) + slots_caching_folio(f);
	int *bad = arg;

	if (folio_ref_count(f) != want) {
		if ((*bad)++ < 5)
			CHECK(folio_ref_count(f) == want,
			      "folio %p (mapping %d index %lu%s): refcount %d, want %d",
			      f, f->mapping->shim_id, f->index,
			      f->shim_in_mapping ? "" : ", truncated",
			      folio_ref_count(f), want);
		else
			__atomic_fetch_add(&nfail, 1, __ATOMIC_RELAXED);
	}
	if (!f->shim_in_mapping && want == 0)
		CHECK(0, "folio %p kept alive by nobody", f);
}

/* Every live folio's refcount: the page cache's + one per caching slot. */
static void check_pages(void)
{
	int bad = 0;
	struct shim_folio_walk walk = { .fn = check_folio, .arg = &bad };

	shim_walk_folios(&walk);
	nchecks++;
}

static bool slot_obj_ok(void *obj, void *arg)
{
	struct vpmap *v = obj;

	return vpm_is_slot(v) && v->vpm_pp;
}

/*
 * The cache at rest.  @mapped: number of slots expected with a non-zero
 * vpm_refcnt (-1: any).
 */
static void check_cache(const char *when, long mapped)
{
	u32 n = vpmd.nslots, i, id, cnt;
	unsigned char *seen;
	long cached = 0, busy = 0, hashed;
	unsigned int f, q;

	if (!n)
		return;
	seen = calloc(n + 1, 1);
	for (f = 0; f < vpmd.nfreelist; f++) {
		struct vpmfree *fl = &vpmd.free[f];

		CHECK(fl->vpm_magic == VPMFREE_MAGIC, "%s: freelist %u magic", when, f);
		CHECK((fl->vpm_allocq == &fl->vpm_freeq[0] &&
		       fl->vpm_releq == &fl->vpm_freeq[1]) ||
		      (fl->vpm_allocq == &fl->vpm_freeq[1] &&
		       fl->vpm_releq == &fl->vpm_freeq[0]),
		      "%s: freelist %u queue pointers", when, f);
		CHECK(atomic_read(&fl->vpm_want) == 0, "%s: freelist %u want %d",
		      when, f, atomic_read(&fl->vpm_want));
		for (q = 0; q < 2; q++) {
			struct vpm_freeq *fq = &fl->vpm_freeq[q];

			CHECK(!shim_lock_held(&fq->vpmq_lock), "%s: queue lock held", when);
			cnt = 0;
			id = fq->vpmq_free;
			if (!id) {
				CHECK(fq->vpmq_count == 0, "%s: list %u/%u empty, count %u",
				      when, f, q, fq->vpmq_count);
				continue;
			}
			do {
				struct vpmap *v;

				if (!CHECK(id >= 1 && id <= n, "%s: list %u/%u id %u",
					   when, f, q, id))
					break;
				v = VPMP(id);
				if (!CHECK(cnt <= n, "%s: list %u/%u does not close",
					   when, f, q))
					break;
				CHECK(!seen[id], "%s: slot %u on two lists or twice", when, id);
				seen[id]++;
				CHECK(v->vpm_free_ndx == f && v->vpm_ndxflg == q,
				      "%s: slot %u on list %u/%u says %u/%u", when, id,
				      f, q, v->vpm_free_ndx, v->vpm_ndxflg);
				CHECK(v->vpm_next >= 1 && v->vpm_next <= n &&
				      VPMP(v->vpm_next)->vpm_prev == id,
				      "%s: slot %u next %u back link", when, id, v->vpm_next);
				cnt++;
				id = v->vpm_next;
			} while (id != fq->vpmq_free && id >= 1 && id <= n);
			CHECK(cnt == fq->vpmq_count, "%s: list %u/%u walks %u, count %u",
			      when, f, q, cnt, fq->vpmq_count);
		}
	}
	for (i = 1; i <= n; i++) {
		struct vpmap *v = VPMP(i);

		CHECK(v->vpm_magic == VPMAP_MAGIC, "%s: slot %u magic", when, i);
		CHECK(!shim_lock_held(&v->vpm_lock), "%s: slot %u lock held", when, i);
		CHECK(v->vpm_free_ndx == ((i - 1) & vpmd.freemsk),
		      "%s: slot %u freelist %u", when, i, v->vpm_free_ndx);
		/* A mapped slot may still be on its freelist (a hit). */
		CHECK(seen[i] == !!v->vpm_next && seen[i] <= 1 &&
		      !v->vpm_next == !v->vpm_prev,
		      "%s: slot %u on %u freelists, links %u/%u", when, i,
		      seen[i], v->vpm_next, v->vpm_prev);
		if (v->vpm_refcnt) {
			busy++;
		} else {
			CHECK(seen[i] == 1,
			      "%s: idle slot %u on %u freelists", when, i, seen[i]);
			CHECK(!v->vpm_referenced || v->vpm_next,
			      "%s: idle slot %u referenced off a list", when, i);
		}
		if (v->vpm_pp) {
			struct folio *fo = page_folio(v->vpm_pp);

			cached++;
			CHECK(vpm_cache_lookup(v->vpm_pp) == v,
			      "%s: slot %u page not found in the table", when, i);
			CHECK(v->vpm_hnode.shim_in_table, "%s: slot %u not hashed", when, i);
			CHECK(v->vpm_mapping == fo->mapping &&
			      v->vpm_index == fo->index + folio_page_idx(fo, v->vpm_pp),
			      "%s: slot %u mapping/index", when, i);
		} else {
			CHECK(!v->vpm_hnode.shim_in_table, "%s: empty slot %u hashed",
			      when, i);
			CHECK(!v->vpm_refcnt, "%s: slot %u mapped with no page", when, i);
		}
	}
	hashed = shim_rht_check(shim_rht_first(), slot_obj_ok, NULL);
	CHECK(hashed == cached, "%s: table has %ld, %ld slots cache a page",
	      when, hashed, cached);
	CHECK(atomic_long_read(&vpmd.ncached) == cached, "%s: ncached %ld, counted %ld",
	      when, atomic_long_read(&vpmd.ncached), cached);
	/* At rest: no thread is running, so no barrier is needed. */
	CHECK(!waitqueue_active(&vpmd.free_wq), "%s: waiters left", when);
	if (mapped >= 0)
		CHECK(busy == mapped, "%s: %ld slots mapped, want %ld", when, busy, mapped);
	free(seen);
	check_pages();
}

/* ---- set-up ---- */

static void reset_knobs(void)
{
	vpm_enable = 1;
	vpm_cache_enable = 1;
	vpm_cache_percent = 12;
	vpm_nfreelist = 0;
	vpm_cachemode = VPMCACHE_LRU;
	vpm_cache_slots = 0;
	vpm_steals_mtbf = 0;
	vpm_contend_mtbf = 0;
	shim_rht_insert_fail_every = 0;
	shim_alloc_fail_in = 0;
}

static bool cache_up(u32 nslots, int nfreelist)
{
	int err;

	reset_knobs();
	vpm_cache_slots = nslots;
	vpm_nfreelist = nfreelist;
	err = vpm_cache_init();
	if (!CHECK(err == 0, "vpm_cache_init: %d", err))
		return false;
	CHECK(vpmd.nslots == nslots, "nslots %u", vpmd.nslots);
	CHECK(shim_nr_shrinkers() == 1, "shrinkers %d", shim_nr_shrinkers());
	check_cache("after init", 0);
	return true;
}

static void cache_down(void)
{
	long errs = shim_nr_printk[3];

	check_cache("before fini", 0);
	vpm_cache_fini();
	CHECK(shim_nr_printk[3] == errs, "fini printed an error: %s",
	      shim_last_printk());
	CHECK(shim_nr_shrinkers() == 0, "shrinker left registered");
	CHECK(!vpmd.cpu && !vpmd.vpmap && !vpmd.free && !vpmd.nslots,
	      "fini left state");
	check_pages();		/* now: page cache reference only */
}

/*
 * Get the slot of page @index of @m as vpm_map_pages() does: take a
 * page reference, get the slot, drop the reference if the slot did not
 * take it.  Returns the slot or an ERR_PTR (the reference is dropped).
 */
static struct vpmap *get_idx(struct address_space *m, pgoff_t index,
			     struct vpmap *hint, bool may_wait, bool *ref_taken)
{
	struct folio *f = shim_find_get_folio(m, index);
	struct vpmap *v;
	bool rt;

	if (!f)
		return ERR_PTR(-ENOENT);
	v = vpm_get_vpmap(page_at(f, index), hint, may_wait, &rt);
	if (IS_ERR(v) || !rt)
		folio_put(f);
	if (!IS_ERR(v))
		CHECK(v->vpm_pp == page_at(f, index),	/* stable while mapped */
		      "slot %u does not map index %lu", VPMID(v), index);
	if (ref_taken)
		*ref_taken = rt;
	return v;
}

/* get + put: leave the page cached in an idle slot. */
static struct vpmap *touch(struct address_space *m, pgoff_t index)
{
	struct vpmap *v = get_idx(m, index, NULL, true, NULL);

	if (!IS_ERR(v))
		vpm_put_vpmap(v);
	return v;
}

static struct vpmap *cached_slot(struct address_space *m, pgoff_t index)
{
	struct folio *f = shim_find_get_folio(m, index);
	struct vpmap *v = vpm_cache_lookup(page_at(f, index));

	folio_put(f);
	return v;
}

/* ---- unit tests ---- */

static void test_miss_hit(int nfl)
{
	struct address_space *m = shim_mapping_create(8, 0);
	struct vpmap *v, *v2;
	struct folio *f;
	long warns;
	bool rt;

	if (!cache_up(8, nfl))
		goto out;
	f = shim_find_get_folio(m, 0);
	v = vpm_get_vpmap(page_at(f, 0), NULL, true, &rt);
	CHECK(!IS_ERR(v) && rt, "first get: a miss taking the reference");
	CHECK(STAT(MISSES) == 1 && STAT(HITS) == 0, "misses %lu", STAT(MISSES));
	CHECK(folio_ref_count(f) == 2, "refcount %d", folio_ref_count(f));
	CHECK(v->vpm_refcnt == 1 && v->vpm_pp == page_at(f, 0), "slot state");
	CHECK(vpm_cache_lookup(page_at(f, 0)) == v, "lookup");
	check_cache("one mapped", 1);

	/* A second mapping of the same page: a hit on the same slot. */
	folio_get(f);
	v2 = vpm_get_vpmap(page_at(f, 0), v, true, &rt);
	CHECK(v2 == v && !rt && v->vpm_refcnt == 2, "hit with hint");
	folio_put(f);
	vpm_put_vpmap(v2);
	CHECK(v->vpm_refcnt == 1, "refcnt");
	vpm_put_vpmap(v);
	check_cache("idle", 0);
	CHECK(folio_ref_count(f) == 2, "idle slot keeps its reference");

	/* Hit without a hint. */
	folio_get(f);
	v2 = vpm_get_vpmap(page_at(f, 0), NULL, true, &rt);
	CHECK(v2 == v && !rt, "hit");
	folio_put(f);
	CHECK(STAT(HITS) == 2 && STAT(MISSES) == 1, "hits %lu", STAT(HITS));
	vpm_put_vpmap(v2);

	/* A stale hint (another page's slot) is not trusted. */
	v2 = get_idx(m, 1, v, true, &rt);
	CHECK(!IS_ERR(v2) && v2 != v && rt, "stale hint: a miss elsewhere");
	vpm_put_vpmap(v2);

	/* A put too many warns and changes nothing. */
	warns = shim_nr_warns;
	shim_quiet = true;
	vpm_put_vpmap(v);
	shim_quiet = false;
	CHECK(shim_nr_warns == warns + 1, "extra put did not warn");
	shim_nr_warns = warns;
	check_cache("after extra put", 0);
	cache_down();
out:
	shim_mapping_destroy(m);
}

/* N slots, N + 1 pages: the least recently freed slot is reused. */
static void test_lru(int nfl)
{
	const int n = 8;
	struct address_space *m = shim_mapping_create(n + 2, 0);
	struct vpmap *slot[16];
	int i, gone;

	if (!cache_up(n, nfl))
		goto out;
	for (i = 0; i < n; i++)
		slot[i] = touch(m, i);
	check_cache("full", 0);
	CHECK(atomic_long_read(&vpmd.ncached) == n, "ncached");
	for (i = 0; i < n; i++)
		CHECK(cached_slot(m, i) == slot[i], "page %d cached", i);

	touch(m, n);			/* page n evicts the oldest */
	gone = -1;
	for (i = 0; i < n; i++)
		if (!cached_slot(m, i)) {
			CHECK(gone < 0, "two pages evicted");
			gone = i;
		}
	if (nfl == 1)
		CHECK(gone == 0 && cached_slot(m, n) == slot[0],
		      "LRU: evicted %d", gone);
	else
		CHECK(gone >= 0 && gone < nfl, "LRU: evicted %d", gone);
	CHECK(STAT(MISSES) == (unsigned long)n + 1 && STAT(HITS) == 0, "stats");
	check_cache("after eviction", 0);

	/* Touch the rest again: hits, then one more miss evicts the next. */
	for (i = 0; i < n; i++)
		if (i != gone)
			touch(m, i);
	CHECK(STAT(HITS) == (unsigned long)n - 1, "hits %lu", STAT(HITS));
	touch(m, n + 1);
	CHECK(!cached_slot(m, n) || nfl > 1, "LRU order after hits");
	check_cache("after second eviction", 0);
	cache_down();
out:
	shim_mapping_destroy(m);
}

static void test_release_range(void)
{
	struct address_space *m = shim_mapping_create(24, 0);
	struct address_space *other = shim_mapping_create(4, 0);
	struct address_space *big = shim_mapping_create(16, 1);
	struct vpmap *held[3];
	unsigned long dropped;
	int i;

	if (!cache_up(32, 2))
		goto out;
	for (i = 0; i < 12; i++)
		touch(m, i);
	for (i = 0; i < 4; i++)
		touch(other, i);
	held[0] = get_idx(m, 3, NULL, true, NULL);
	held[1] = get_idx(m, 5, NULL, true, NULL);
	held[2] = get_idx(m, 11, NULL, true, NULL);
	check_cache("set up", 3);

	dropped = STAT(DROPPED);
	vpm_cache_release_range(m, 2, 9);
	CHECK(STAT(DROPPED) - dropped == 6, "dropped %lu", STAT(DROPPED) - dropped);
	for (i = 0; i < 12; i++) {
		bool want = i < 2 || i > 9 || i == 3 || i == 5;

		CHECK(!!cached_slot(m, i) == want, "page %d cached %d", i, !want);
	}
	for (i = 0; i < 4; i++)
		CHECK(cached_slot(other, i), "other mapping untouched");
	check_cache("after range", 3);

	/* A range past the end and an empty one: nothing. */
	vpm_cache_release_range(m, 100, 200);
	vpm_cache_release_range(m, 12, 23);
	check_cache("after empty ranges", 3);

	for (i = 0; i < 3; i++)
		vpm_put_vpmap(held[i]);
	vpm_cache_release_range(m, 0, (pgoff_t)-1);
	for (i = 0; i < 12; i++)
		CHECK(!cached_slot(m, i), "page %d still cached", i);
	CHECK(atomic_long_read(&vpmd.ncached) == 4, "ncached %ld",
	      atomic_long_read(&vpmd.ncached));
	check_cache("after whole file", 0);

	/* Large folios: each page has its own slot; a folio goes whole. */
	for (i = 0; i < 16; i++)
		touch(big, i);
	check_cache("large folios cached", 0);
	vpm_cache_release_range(big, 5, 5);
	for (i = 0; i < 16; i++) {
		struct folio *f = shim_find_get_folio(big, i);
		bool in = i == 5 || (f->shim_nr > 1 && f->index == 4);

		CHECK(!!cached_slot(big, i) == !in, "large: page %d", i);
		folio_put(f);
	}
	check_cache("large folio range", 0);

	/* Truncated pages are not found by release_range, only by reuse. */
	touch(m, 20);
	shim_truncate_folio(m, 20, true);
	vpm_cache_release_range(m, 0, (pgoff_t)-1);
	CHECK(atomic_long_read(&vpmd.ncached) >= 1, "orphan page dropped");
	check_cache("orphan", 0);
	cache_down();
out:
	shim_mapping_destroy(m);
	shim_mapping_destroy(other);
	shim_mapping_destroy(big);
	CHECK(shim_live_folios() == 0, "%ld folios leaked", shim_live_folios());
}

static void test_shrink(int nfl)
{
	struct address_space *m = shim_mapping_create(64, 0);
	struct vpmap *held[4];
	unsigned long count, freed, total;
	int i;

	if (!cache_up(48, nfl))
		goto out;
	freed = shim_shrink_all(100, &count);
	CHECK(count == 0 && freed == 0, "empty cache: count %lu freed %lu",
	      count, freed);
	for (i = 0; i < 40; i++)
		touch(m, i);
	for (i = 0; i < 4; i++)
		held[i] = get_idx(m, i * 7, NULL, true, NULL);
	check_cache("40 cached", 4);

	freed = vpm_cache_shrink(3);
	CHECK(freed == 3, "shrink(3) freed %lu", freed);
	CHECK(atomic_long_read(&vpmd.ncached) == 37, "ncached %ld",
	      atomic_long_read(&vpmd.ncached));
	check_cache("after shrink(3)", 4);

	/*
	 * Everything idle goes, in as many calls as it takes; the mapped
	 * slots stay.  (One call frees at most 16 a queue.)
	 */
	total = 0;
	for (i = 0; i < 20; i++) {
		freed = vpm_cache_shrink(1000);
		if (!freed)
			break;
		total += freed;
	}
	CHECK(total == 33, "shrink freed %lu of 33 idle", total);
	CHECK(atomic_long_read(&vpmd.ncached) == 4, "ncached %ld",
	      atomic_long_read(&vpmd.ncached));
	for (i = 0; i < 4; i++)
		CHECK(held[i]->vpm_pp && held[i]->vpm_refcnt == 1,
		      "mapped slot %d shrunk", i);
	check_cache("after shrink all", 4);
	CHECK(STAT(SHRUNK) == 36, "SHRUNK %lu", STAT(SHRUNK));

	/* Through the shrinker interface. */
	for (i = 0; i < 4; i++)
		vpm_put_vpmap(held[i]);
	for (i = 40; i < 48; i++)
		touch(m, i);
	freed = shim_shrink_all(5, &count);
	CHECK(count == 12 && freed == 5, "shrinker: count %lu freed %lu", count, freed);
	for (i = 0; i < 10 && shim_shrink_all(1000, &count); i++)
		;
	CHECK(atomic_long_read(&vpmd.ncached) == 0, "ncached %ld",
	      atomic_long_read(&vpmd.ncached));
	freed = shim_shrink_all(1000, &count);
	CHECK(count == 0 && freed == 0, "empty again");
	check_cache("shrunk to nothing", 0);
	cache_down();
out:
	shim_mapping_destroy(m);
}

/* Fault injection, single-threaded: the contention and steal paths. */
static void test_inject(void)
{
	struct address_space *m = shim_mapping_create(16, 0);
	struct vpmap *v, *v2;
	struct folio *f;
	bool rt;
	int i;

	if (!cache_up(8, 1))
		goto out;
	v = touch(m, 0);

	/*
	 * contend_mtbf=1: every other get skips the lookup and finds the
	 * page's slot through the table refusing a second one (-EEXIST).
	 */
	vpm_contend_mtbf = 1;
	for (i = 0; i < 2; i++) {
		v2 = get_idx(m, 0, NULL, true, &rt);
		CHECK(v2 == v && !rt, "get %d: the page's slot", i);
		vpm_put_vpmap(v2);
	}
	CHECK(STAT(CONTEND) == 1 && STAT(HITS) == 1, "CONTEND %lu HITS %lu",
	      STAT(CONTEND), STAT(HITS));
	check_cache("after contention", 0);

	/* With steals_mtbf=1 the contention path steals the slot instead. */
	vpm_steals_mtbf = 1;
	for (i = 0; i < 8; i++) {
		v2 = get_idx(m, 0, NULL, true, &rt);
		CHECK(!IS_ERR(v2), "get %d", i);
		vpm_put_vpmap(v2);
	}
	CHECK(STAT(STEALS) >= 1, "STEALS %lu", STAT(STEALS));
	check_cache("after steals", 0);
	vpm_steals_mtbf = 0;
	vpm_contend_mtbf = 0;

	/* The table refusing the page: -EAGAIN, the caller keeps its ref. */
	touch(m, 1);
	shim_rht_insert_fail_every = 1;
	f = shim_find_get_folio(m, 2);
	v2 = vpm_get_vpmap(page_at(f, 2), NULL, true, &rt);
	CHECK(v2 == ERR_PTR(-EAGAIN) && !rt, "-EAGAIN: %ld", PTR_ERR(v2));
	CHECK(folio_ref_count(f) == 2, "refcount %d", folio_ref_count(f));
	folio_put(f);
	check_cache("after -EAGAIN", 0);
	v = cached_slot(m, 0);
	v2 = get_idx(m, 0, NULL, true, &rt);		/* hits still work */
	CHECK(v && v2 == v && !rt, "hit with a failing table");
	vpm_put_vpmap(v2);
	shim_rht_insert_fail_every = 0;
	for (i = 0; i < 16; i++)
		touch(m, i);
	check_cache("after all", 0);
	cache_down();
out:
	shim_mapping_destroy(m);
}

/* Tunables: nfreelist rounding and clamping, cache sizing from RAM. */
static void test_sizing(void)
{
	static const struct {
		int in, want;
		bool warn;
	} fl[] = {
		{ 1, 1 }, { 2, 2 }, { 3, 4 }, { 4, 4 }, { 0, 4 }, { 8, 8 },
		{ 9, 8, true }, { -3, 8, true },
	};
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		reset_knobs();
		vpm_cache_slots = 16;
		vpm_nfreelist = fl[i].in;
		shim_printk_clear();
		err = vpm_cache_init();
		CHECK(!err && vpmd.nfreelist == (unsigned int)fl[i].want,
		      "nfreelist %d -> %u, want %d", fl[i].in, vpmd.nfreelist,
		      fl[i].want);
		CHECK(shim_printk_seen("out of range") == fl[i].warn,
		      "nfreelist %d warning", fl[i].in);
		check_cache("sizing", 0);
		vpm_cache_fini();
	}

	/* 256 MiB of RAM: 12% is below the 64 MiB minimum, which is used. */
	reset_knobs();
	shim_totalram_pages = (256UL << 20) >> PAGE_SHIFT;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == (64UL << 20) >> PAGE_SHIFT, "256M: %u slots",
	      vpmd.nslots);
	vpm_cache_fini();
	/* 64 MiB: never more than half of memory. */
	reset_knobs();
	shim_totalram_pages = (64UL << 20) >> PAGE_SHIFT;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == (32UL << 20) >> PAGE_SHIFT, "64M: %u slots",
	      vpmd.nslots);
	vpm_cache_fini();
	/* 1 GiB at 25%: 256 MiB. Bad percentage: 12%. */
	reset_knobs();
	shim_totalram_pages = (1UL << 30) >> PAGE_SHIFT;
	vpm_cache_percent = 25;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == (256UL << 20) >> PAGE_SHIFT, "1G/25%%: %u slots",
	      vpmd.nslots);
	vpm_cache_fini();
	reset_knobs();
	shim_totalram_pages = (1UL << 30) >> PAGE_SHIFT;
	vpm_cache_percent = 500;
	vpm_cachemode = 7;
	shim_printk_clear();
	err = vpm_cache_init();
	CHECK(!err && vpm_cache_percent == 12 && vpm_cachemode == VPMCACHE_LRU,
	      "bad tunables replaced");
	CHECK(shim_printk_seen("vpm_cache_percent 500 out of range") &&
	      shim_printk_seen("vpm_cachemode 7 not supported"), "warnings");
	CHECK(vpmd.nslots == ((1UL << 30) * 12 / 100) >> PAGE_SHIFT, "1G/12%%: %u",
	      vpmd.nslots);
	vpm_cache_fini();
	shim_totalram_pages = 1UL << 20;

	/* The cache off: init succeeds, nothing is cached or registered. */
	reset_knobs();
	vpm_cache_enable = 0;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == 0 && vpmd.cpu && shim_nr_shrinkers() == 0,
	      "cache off");
	CHECK(!vpm_cache_lookup((struct page *)&err), "lookup with the cache off");
	vpm_cache_fini();
	reset_knobs();
}

/* Every allocation of vpm_cache_init() failing in turn: no leak. */
static void test_init_failures(void)
{
	int k, err, failed = 0;

	shim_quiet = true;
	for (k = 1; k < 20; k++) {
		reset_knobs();
		vpm_cache_slots = 64;
		vpm_nfreelist = 2;
		shim_alloc_fail_in = k;
		err = vpm_cache_init();
		if (shim_alloc_fail_in > 0) {	/* all allocations done */
			CHECK(err == 0, "init: %d", err);
			shim_alloc_fail_in = 0;
			check_cache("init after failures", 0);
			vpm_cache_fini();
			break;
		}
		failed++;
		CHECK(err == -ENOMEM, "allocation %d failing: init %d", k, err);
		CHECK(!vpmd.cpu && !vpmd.vpmap && !vpmd.free && !vpmd.nslots &&
		      shim_nr_shrinkers() == 0, "allocation %d: state left", k);
	}
	CHECK(failed >= 4, "only %d allocations in init", failed);
	CHECK(shim_printk_seen("cannot set up the cache: -12"), "no error printed");
	shim_alloc_fail_in = 0;
	shim_quiet = false;
}

/* ---- waiting for a slot ---- */

struct waiter {
	pthread_t th;
	struct address_space *m;
	pgoff_t index;
	int cpu;
	struct task_struct *task;
	struct vpmap *got;
	int done;			/* atomic */
	bool release;			/* atomic: put the slot and leave */
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct vpmap *v;

	shim_task_init("waiter", w->cpu);
	__atomic_store_n(&w->task, current, __ATOMIC_RELEASE);
	v = get_idx(w->m, w->index, NULL, true, NULL);
	w->got = v;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	while (!IS_ERR(v) && !__atomic_load_n(&w->release, __ATOMIC_ACQUIRE))
		usleep(1000);
	if (!IS_ERR(v))
		vpm_put_vpmap(v);
	return NULL;
}

static int waiters_done(struct waiter *w, int n)
{
	int i, d = 0;

	for (i = 0; i < n; i++)
		d += __atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE);
	return d;
}

/* Wait up to @ms for @want getters to return, then a bit for more. */
static int wait_done(struct waiter *w, int n, int want, int ms)
{
	int t;

	for (t = 0; t < ms && waiters_done(w, n) < want; t++)
		usleep(1000);
	usleep(20000);
	return waiters_done(w, n);
}

/* All slots mapped: getters sleep, a put wakes one, a kill ends one. */
static void test_wait_kill(void)
{
	const int ns = 4, nw = 3;
	struct address_space *m = shim_mapping_create(16, 0);
	struct vpmap *held[4];
	struct waiter w[3];
	unsigned long nofree;
	int i, d;

	if (!cache_up(ns, 2))
		goto out;
	for (i = 0; i < ns; i++)
		held[i] = get_idx(m, i, NULL, true, NULL);
	check_cache("all mapped", ns);
	nofree = STAT(NOFREEVPMS);
	memset(w, 0, sizeof(w));
	for (i = 0; i < nw; i++) {
		w[i].m = m;
		w[i].index = 8 + i;
		w[i].cpu = i + 1;
		pthread_create(&w[i].th, NULL, waiter_fn, &w[i]);
	}
	d = wait_done(w, nw, nw, 100);
	CHECK(d == 0, "%d getters did not wait", d);
	CHECK(STAT(NOFREEVPMS) - nofree >= (unsigned long)nw, "NOFREEVPMS %lu",
	      STAT(NOFREEVPMS) - nofree);

	/* A request holding slots does not wait: -EAGAIN, no slot. */
	{
		struct folio *f = shim_find_get_folio(m, 12);
		struct vpmap *v;
		bool rt = true;

		v = vpm_get_vpmap(page_at(f, 12), NULL, false, &rt);
		CHECK(v == ERR_PTR(-EAGAIN) && !rt, "no wait: %ld", PTR_ERR(v));
		CHECK(folio_ref_count(f) == 2, "no wait: refcount %d",
		      folio_ref_count(f));
		folio_put(f);
	}

	/* A hit needs no free slot. */
	CHECK(touch(m, 1) == held[1], "hit while all slots are mapped");
	CHECK(waiters_done(w, nw) == 0, "a hit woke a getter");

	vpm_put_vpmap(held[0]);
	d = wait_done(w, nw, 1, 5000);
	CHECK(d == 1, "one put, %d getters got a slot", d);

	/* Kill the other two: -EINTR, no slot, no page reference kept. */
	for (i = 0; i < nw; i++) {
		struct task_struct *t = __atomic_load_n(&w[i].task, __ATOMIC_ACQUIRE);

		if (!__atomic_load_n(&w[i].done, __ATOMIC_ACQUIRE))
			shim_kill(t);
	}
	wake_up(&vpmd.free_wq);	/* signal_wake_up() */
	d = wait_done(w, nw, nw, 5000);
	CHECK(d == nw, "killed getters still waiting: %d done", d);
	for (i = 0; i < nw; i++) {
		__atomic_store_n(&w[i].release, true, __ATOMIC_RELEASE);
		pthread_join(w[i].th, NULL);
	}
	d = 0;
	for (i = 0; i < nw; i++)
		d += w[i].got == ERR_PTR(-EINTR);
	CHECK(d == nw - 1, "%d getters got -EINTR", d);
	for (i = 1; i < ns; i++)
		vpm_put_vpmap(held[i]);
	check_cache("after waiters", 0);
	cache_down();
out:
	shim_mapping_destroy(m);
}

/* ---- stress ---- */

struct stress_cfg {
	const char *name;
	u32 nslots;
	int nfreelist;
	int nthreads;
	int ncpus;
	unsigned long npages;
	unsigned int large_every;
	int hold;		/* most slots a worker holds at once */
	int hog;		/* worker 0 holds up to this many (0: none) */
	unsigned int steals, contend, rht_fail;
	bool truncate;
};

struct worker {
	pthread_t th;
	int id;
	const struct stress_cfg *cfg;
	struct address_space *m;
	unsigned int seed;
	int hold;
	long gets, taken, hits, uncached;
};

static int stress_stop;			/* atomic */
static long stress_progress;		/* atomic */

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	const struct stress_cfg *c = w->cfg;
	struct vpmap *held[64];
	struct folio *unc[64];
	char name[16];

	snprintf(name, sizeof(name), "worker%d", w->id);
	shim_task_init(name, w->id % c->ncpus);
	while (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED)) {
		int n = 1 + rnd(&w->seed) % w->hold, nh = 0, nu = 0, i;
		unsigned long base = rnd(&w->seed) % c->npages;
		bool run = rnd(&w->seed) & 1;

		if (c->ncpus < c->nthreads && !(rnd(&w->seed) % 8))
			shim_set_cpu(rnd(&w->seed));	/* migrate */
		for (i = 0; i < n; i++) {
			pgoff_t idx = run ? (base + i) % c->npages :
				rnd(&w->seed) % c->npages;
			struct folio *f = shim_find_get_folio(w->m, idx);
			struct page *page;
			struct vpmap *v, *hint = NULL;
			bool rt;

			if (!f)
				continue;
			page = page_at(f, idx);
			switch (rnd(&w->seed) % 4) {
			case 1:
				hint = vpm_cache_lookup(page);
				break;
			case 2:		/* a stale hint */
				hint = VPMP(1 + rnd(&w->seed) % c->nslots);
				break;
			}
			/* As vpm_map_pages(): wait only while holding none. */
			v = vpm_get_vpmap(page, hint, nh == 0, &rt);
			w->gets++;
			if (IS_ERR(v)) {
				CHECK(PTR_ERR(v) == -EAGAIN, "get: %ld", PTR_ERR(v));
				unc[nu++] = f;
				w->uncached++;
				continue;
			}
			/* Stable while we map the slot; vpm_refcnt is not. */
			CHECK(v->vpm_pp == page &&
			      v->vpm_index == idx && v->vpm_mapping == w->m,
			      "slot %u does not map the page", VPMID(v));
			if (rt)
				w->taken++;
			else
				folio_put(f);
			held[nh++] = v;
		}
		switch (rnd(&w->seed) % 16) {
		case 0:
			usleep(rnd(&w->seed) % 100);
			break;
		case 1:
		case 2:
			sched_yield();
			break;
		}
		while (nh)
			vpm_put_vpmap(held[--nh]);
		while (nu)
			folio_put(unc[--nu]);
		__atomic_fetch_add(&stress_progress, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

struct bg {
	pthread_t th;
	int id;
	const struct stress_cfg *cfg;
	struct address_space *m;
	unsigned int seed;
	long ops;
};

static void *bg_fn(void *arg)
{
	struct bg *b = arg;
	const struct stress_cfg *c = b->cfg;
	bool knob_race = getenv("VPM_CACHE_TEST_KNOB_RACE");
	unsigned long count, a, e;
	u32 qa, qr;
	unsigned int i;

	shim_task_init(b->id ? "reclaim1" : "reclaim0", b->id % c->ncpus);
	while (!__atomic_load_n(&stress_stop, __ATOMIC_RELAXED)) {
		a = rnd(&b->seed) % c->npages;
		e = a + rnd(&b->seed) % 16;
		switch (rnd(&b->seed) % 8) {
		case 0:
			shim_shrink_all(1 + rnd(&b->seed) % 64, &count);
			break;
		case 1:
			vpm_cache_shrink(1 + rnd(&b->seed) % 8);
			break;
		case 2:
			vpm_cache_release_range(b->m, a, e);
			break;
		case 3:
			if (!(rnd(&b->seed) % 8))
				vpm_cache_release_range(b->m, 0, (pgoff_t)-1);
			break;
		case 4:		/* the debugfs stats file */
			for (i = 0; i < vpmd.nfreelist; i++)
				vpm_freelist_counts(i, &qa, &qr);
			break;
		case 5:
			if (!c->truncate)
				break;
			/* truncate_inode_pages() and vpm_release_mapping(),
			 * in either order
			 */
			if (rnd(&b->seed) & 1)
				vpm_cache_release_range(b->m, a & ~3UL, a | 3);
			shim_truncate_folio(b->m, a, true);
			break;
		case 6:
			/* A debugfs write; the readers use READ_ONCE(). */
			if (knob_race)
				WRITE_ONCE(vpm_contend_mtbf,
					   rnd(&b->seed) & 1 ? 3 : 0);
			break;
		}
		b->ops++;
		if (rnd(&b->seed) & 1)
			usleep(rnd(&b->seed) % 200);
	}
	return NULL;
}

static void stress(const struct stress_cfg *c)
{
	struct address_space *m = shim_mapping_create(c->npages, c->large_every);
	struct worker w[32];
	struct bg bg[2];
	bool joined[32] = { false };
	long gets = 0, taken = 0, uncached = 0, last = -1;
	double t0 = now(), limit = stress_secs * 30 + 30;
	int i, hold;

	cur_test = c->name;
	shim_nr_cpus = c->ncpus;
	if (!cache_up(c->nslots, c->nfreelist))
		goto out;
	vpm_steals_mtbf = c->steals;
	vpm_contend_mtbf = c->contend;
	shim_rht_insert_fail_every = c->rht_fail;
	/*
	 * A worker waits for a slot only while it holds none (as
	 * vpm_map_pages() does; with more, it gets -EAGAIN), so any number
	 * held is deadlock free, and the hog may hold every slot.
	 */
	hold = c->hold;
	__atomic_store_n(&stress_stop, 0, __ATOMIC_RELAXED);
	memset(w, 0, sizeof(w));
	for (i = 0; i < c->nthreads; i++) {
		w[i].id = i;
		w[i].cfg = c;
		w[i].m = m;
		w[i].seed = seed * 7919 + i * 104729 + 1;
		w[i].hold = hold;
		if (i == 0 && c->hog)
			w[i].hold = min_t(int, 64, c->nslots);
		pthread_create(&w[i].th, NULL, worker_fn, &w[i]);
	}
	for (i = 0; i < 2; i++) {
		bg[i].id = i;
		bg[i].cfg = c;
		bg[i].m = m;
		bg[i].seed = seed * 31 + i + 17;
		bg[i].ops = 0;
		pthread_create(&bg[i].th, NULL, bg_fn, &bg[i]);
	}
	while (now() - t0 < stress_secs)
		usleep(20000);
	__atomic_store_n(&stress_stop, 1, __ATOMIC_RELAXED);
	/* Watchdog: the workers must finish their current batch. */
	for (;;) {
		long p = __atomic_load_n(&stress_progress, __ATOMIC_RELAXED);
		int alive = 0;

		for (i = 0; i < c->nthreads; i++) {
			if (joined[i])
				continue;
			if (!pthread_tryjoin_np(w[i].th, NULL))
				joined[i] = true;
			else
				alive++;
		}
		if (!alive)
			break;
		if (now() - t0 > limit && p == last) {
			fprintf(stderr, "FAIL [%s]: %d workers stuck (lost wakeup or deadlock)\n",
				c->name, alive);
			for (i = 0; i < (int)vpmd.nfreelist; i++)
				fprintf(stderr, "  freelist %d: want %d\n", i,
					atomic_read(&vpmd.free[i].vpm_want));
			abort();
		}
		last = p;
		usleep(50000);
	}
	for (i = 0; i < 2; i++)
		pthread_join(bg[i].th, NULL);
	shim_task_init("main", 0);
	vpm_steals_mtbf = 0;
	vpm_contend_mtbf = 0;
	shim_rht_insert_fail_every = 0;
	for (i = 0; i < c->nthreads; i++) {
		gets += w[i].gets;
		taken += w[i].taken;
		uncached += w[i].uncached;
	}
	CHECK(STAT(HITS) + STAT(MISSES) + uncached == (unsigned long)gets,
	      "hits %lu + misses %lu + uncached %ld != gets %ld", STAT(HITS),
	      STAT(MISSES), uncached, gets);
	CHECK(STAT(MISSES) >= (unsigned long)taken, "misses %lu < taken %ld",
	      STAT(MISSES), taken);
	check_cache(c->name, 0);
	if (!quiet) {
		printf("#   %-17s %4.2fs gets %ld: hit %lu miss %lu steal %lu contend %lu",
		       c->name, now() - t0, gets, STAT(HITS), STAT(MISSES),
		       STAT(STEALS), STAT(CONTEND));
		printf(" wait %lu released %lu uncached %ld bg-ops %ld\n",
		       STAT(NOFREEVPMS), STAT(SHRUNK) + STAT(DROPPED), uncached,
		       bg[0].ops + bg[1].ops);
	}
	cache_down();
out:
	shim_mapping_destroy(m);
	CHECK(shim_live_folios() == 0, "%ld folios leaked", shim_live_folios());
	shim_nr_cpus = 4;
}

static const struct stress_cfg stress_cfgs[] = {
	/* name              slots fl thr cpu pages large hold hog st ct rf trunc */
	{ "stress-big-set",     64, 0, 12,  4,  400,  4,  6,  0, 0, 0, 0, true },
	{ "stress-small-set",  128, 2, 16, 16,   48,  0,  8,  0, 0, 0, 0, false },
	{ "stress-1-list-hog",  48, 1,  8,  4,  200,  0,  4,  1, 0, 0, 0, true },
	{ "stress-4-lists",     32, 4, 16,  4,  300,  3,  2,  0, 0, 0, 0, false },
	{ "stress-inject",      40, 2, 10,  4,  120,  5,  3,  0, 1, 3, 0, true },
	{ "stress-inject-hog",  24, 4,  8,  8,   64,  0,  2,  1, 1, 3, 7, true },
};

int main(int argc, char **argv)
{
	double t0 = now();
	int opt, i;

	while ((opt = getopt(argc, argv, "vqs:t:")) != -1) {
		switch (opt) {
		case 'v':
			shim_verbose = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		case 't':
			stress_secs = strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: %s [-v] [-q] [-s seed] [-t secs]\n",
				argv[0]);
			return 2;
		}
	}
	if (!seed)
		seed = 1;
	shim_task_init("main", 0);

	for (i = 1; i <= 4; i *= 2) {
		cur_test = i == 1 ? "miss-hit/1" : i == 2 ? "miss-hit/2" : "miss-hit/4";
		test_miss_hit(i);
		cur_test = i == 1 ? "lru/1" : i == 2 ? "lru/2" : "lru/4";
		test_lru(i);
		cur_test = i == 1 ? "shrink/1" : i == 2 ? "shrink/2" : "shrink/4";
		test_shrink(i);
	}
	cur_test = "release-range";
	test_release_range();
	cur_test = "inject";
	test_inject();
	cur_test = "sizing";
	test_sizing();
	cur_test = "init-failures";
	test_init_failures();
	cur_test = "wait-kill";
	test_wait_kill();
	if (!quiet)
		printf("# unit tests: %ld checks, %ld failed (%.2fs)\n", nchecks,
		       nfail, now() - t0);
	for (i = 0; i < (int)ARRAY_SIZE(stress_cfgs); i++)
		stress(&stress_cfgs[i]);

	cur_test = "end";
	CHECK(shim_live_folios() == 0, "%ld folios leaked", shim_live_folios());
	CHECK(shim_nr_warns == 0, "%ld WARN_ON_ONCE hits", shim_nr_warns);
	CHECK(shim_nr_errors == 0, "%ld shim errors", shim_nr_errors);
	printf("vpm-cache-test: %s: %ld checks, %ld failed, %ld warnings",
	       nfail || shim_nr_warns || shim_nr_errors ? "FAIL" : "PASS",
	       nchecks, nfail, shim_nr_warns);
	printf(", %ld shim errors, seed %u, %.2fs\n", shim_nr_errors, seed,
	       now() - t0);
	return nfail || shim_nr_warns || shim_nr_errors ? 1 : 0;
}
