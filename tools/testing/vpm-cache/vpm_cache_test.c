// SPDX-License-Identifier: GPL-2.0
/*
 * User-space test of the vpm slot cache (vpm/core/vpm_cache.c, compiled
 * unchanged against the shims in shim/).  The cache holds no folio
 * references: a slot is a hint (folio, mapping, index) that
 * vpm_cache_lookup() verifies with a speculative reference.  So the tests
 * free, reuse, split and offline folios under the cache's feet:
 *
 * - the unit tests shared with test_vpm.ko (vpm/test/vpm_cache_cases.c,
 *   run here over the shims through the backend below): miss then hit,
 *   one reference per hit and none taken by enter; a stale hint after
 *   truncation; LRU order, second chance, queue swaps; the freelists and
 *   the CPU rotor; CONTEND; fault injection; sizing by vpm_cache_slots
 *   and vpm_nfreelist;
 * - the unit tests only the shims' model allows: a lookup returns only a
 *   folio whose own identity matches (a freed folio, one reused for
 *   another mapping or index, as a tail or after a split, one in the
 *   middle of its insertion); second chance with the release queue lock
 *   busy; sizing from the size of memory and kvmalloc()'s limits; init
 *   failures; the memory hotplug notifier and its grace period;
 * - stress: lookups and enters on shared pages while other threads
 *   truncate, re-read, split, migrate and offline memory, checking every
 *   folio a lookup returns.
 *
 * After every test the cache is checked at rest (freelists, hash table,
 * every hint still live is found) and so is every page of the pool (each
 * page-cache folio has exactly the page cache's reference; everything
 * else is free).
 *
 * Usage: vpm_cache_test [-v] [-q] [-s SEED] [-t SECONDS-PER-STRESS]
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include "shim_harness.h"
#include "vpm_internal.h"
#include "../../../vpm/test/vpm_cache_cases.h"

static long nchecks, nfail;
static const char *cur_test = "-";
static unsigned int seed = 1;
static double stress_secs = 1.0;
static bool quiet;

/* Failures printed per test; the rest are counted (see set_test()). */
#define MAX_PRINTED	20
static long test_fail, test_printed;

#define CHECK(cond, fmt, ...)						\
({									\
	bool __ok = !!(cond);						\
	__atomic_fetch_add(&nchecks, 1, __ATOMIC_RELAXED);		\
	if (!__ok) {							\
		__atomic_fetch_add(&nfail, 1, __ATOMIC_RELAXED);	\
		__atomic_fetch_add(&test_fail, 1, __ATOMIC_RELAXED);	\
		if (__atomic_fetch_add(&test_printed, 1,		\
				       __ATOMIC_RELAXED) < MAX_PRINTED)	\
			fprintf(stderr, "FAIL %s:%d [%s]: %s: " fmt "\n", \
				__func__, __LINE__, cur_test, #cond,	\
				##__VA_ARGS__);				\
	}								\
	__ok;								\
})

/* Between tests (no other thread runs): sum up the last one. */
static void set_test(const char *name)
{
	if (test_fail)
		fprintf(stderr, "FAIL [%s]: %ld checks failed%s\n", cur_test,
			test_fail, test_fail > MAX_PRINTED ?
			" (the first ones printed)" : "");
	test_fail = 0;
	test_printed = 0;
	cur_test = name;
}

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

static int ref(struct folio *f)
{
	return folio_ref_count(f);
}

static int page_state(struct folio *f)
{
	return __atomic_load_n(&f->shim_state, __ATOMIC_ACQUIRE);
}

static struct folio *page_at(unsigned long n)
{
	return &shim_pages[n];
}

/* ---- the backend of the shared cases (vpm/test/vpm_cache_cases.h) ---- */

/* (the cache's tunables are in vpm_cache_cases.c) */
static void tvc_backend_knobs_reset(void)
{
	shim_fail_in = 0;
}

static bool tvc_check(bool ok, const char *fn, int line, const char *cond,
		      const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&nchecks, 1, __ATOMIC_RELAXED);
	if (ok)
		return true;
	__atomic_fetch_add(&nfail, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&test_fail, 1, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&test_printed, 1, __ATOMIC_RELAXED) < MAX_PRINTED) {
		fprintf(stderr, "FAIL %s:%d [%s]: %s: ", fn, line, cur_test, cond);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	return false;
}

static struct address_space *tvc_mapping_create(unsigned long npages)
{
	return shim_mapping_create(npages);
}

static void tvc_mapping_destroy(struct address_space *m)
{
	if (m)
		shim_mapping_destroy(m);
}

static unsigned long tvc_mapping_pages(struct address_space *m)
{
	return m->shim_npages;
}

static struct folio *tvc_folio_read(struct address_space *m, pgoff_t index,
				    unsigned int order)
{
	return shim_pc_read(m, index, order);
}

static struct folio *tvc_folio_get(struct address_space *m, pgoff_t index)
{
	return shim_pc_get(m, index);
}

static bool tvc_truncate(struct address_space *m, pgoff_t index)
{
	return shim_pc_truncate(m, index);
}

static int tvc_folio_refs(struct folio *f)
{
	return folio_ref_count(f);
}

static bool tvc_lock_held(spinlock_t *lock)
{
	return shim_lock_held(lock);
}

/* The pool, RCU and the notifier chain, while nobody is inside the cache. */
static void tvc_at_rest(const char *when)
{
	CHECK(shim_rcu_readers() == 0, "%s: RCU readers left", when);
	CHECK(shim_pool_check() == 0, "%s: pool pages in a bad state", when);
	CHECK(shim_nr_memory_notifiers() == !!vpmd.nslots,
	      "%s: %d memory notifiers, %u slots", when,
	      shim_nr_memory_notifiers(), vpmd.nslots);
}

/* vpm_cache_fini() prints no error, warns about nothing, frees all. */
static void tvc_cache_event(enum tvc_event ev)
{
	static long allocs_before, errs, warns;

	switch (ev) {
	case TVC_BEFORE_INIT:
		allocs_before = shim_live_allocs();
		break;
	case TVC_BEFORE_FINI:
		errs = shim_nr_printk[3];
		warns = shim_nr_warns;
		break;
	case TVC_AFTER_FINI:
		CHECK(shim_nr_printk[3] == errs, "fini printed an error: %s",
		      shim_last_printk());
		CHECK(shim_nr_warns == warns, "fini warned (a slot off its queue?)");
		CHECK(shim_nr_memory_notifiers() == 0,
		      "memory notifier left registered");
		CHECK(shim_live_allocs() == allocs_before, "%ld allocations leaked",
		      shim_live_allocs() - allocs_before);
		break;
	}
}

/* The next test needs every page free: a leaked reference stops the run. */
static void tvc_case_end(void)
{
	if (!CHECK(shim_pool_check() == 0, "pool at the end of the test")) {
		fprintf(stderr,
			"FAIL [%s]: pages left referenced (a leaked folio reference?): stopping\n",
			cur_test);
		set_test("-");
		abort();
	}
	shim_pool_reset(SHIM_NR_PAGES);
}

/* The shared cases, then those only this harness can run. */
#include "../../../vpm/test/vpm_cache_cases.c"

/* ---- harness-only unit tests ---- */

/*
 * A hint outlives its folio: freed, reused for another mapping or index,
 * as a tail, as the head of a large folio, split, truncated.  A lookup
 * returns a folio only if it is page @index of @mapping now.
 */
static void test_identity(void)
{
	struct address_space *m = shim_mapping_create(512);
	struct address_space *m2 = shim_mapping_create(64);
	struct folio *F = page_at(9), *H = page_at(8), *G = page_at(12), *f;
	unsigned long stale;
	struct tvc_picker pk;
	pgoff_t a, other, x, t;

	/*
	 * Hints at a, at x + 1 (in block x, between blocks x - 4 and
	 * x + 4), at x - 4 and x - 2, and at t: distinct buckets.
	 */
	tvc_picker_init(&pk, m, 16);
	a = tvc_pick(&pk, 0, 1);
	for (x = 8; x + 8 <= m->shim_npages; x += 4)
		if (pk.tab && tvc_picker_free(&pk, x + 1) && tvc_picker_free(&pk, x - 4) &&
		    tvc_picker_free(&pk, x - 2) && pk.tab[x + 1] != pk.tab[x - 4] &&
		    pk.tab[x + 1] != pk.tab[x - 2] && pk.tab[x - 4] != pk.tab[x - 2] &&
		    a + 4 < x - 4)
			break;
	if (!CHECK(x + 8 <= m->shim_npages, "no block of free buckets"))
		x = 8;
	tvc_picker_take(&pk, x + 1);
	tvc_picker_take(&pk, x - 4);
	tvc_picker_take(&pk, x - 2);
	t = tvc_pick(&pk, x + 8, 1);
	other = a + 1;
	tvc_picker_done(&pk);
	if (!tvc_cache_up(16, 1))
		goto out;
	CHECK(shim_pc_add(m, a, 0, F) == F, "set up F");
	vpm_cache_enter(F, a);
	CHECK(tvc_hit(m, a, F), "hint for F");

	/* freed: folio_try_get() fails, nothing is counted */
	shim_pc_truncate(m, a);
	CHECK(page_state(F) == SHIM_PAGE_FREE && ref(F) == 0, "F freed");
	stale = TVC_STAT(STALE);
	CHECK(tvc_hit(m, a, NULL), "lookup returned a freed folio");
	CHECK(ref(F) == 0, "freed folio refcount %d", ref(F));
	CHECK(TVC_STAT(STALE) == stale, "a failed try_get counted as stale");

	/* reused for another mapping: rejected, counted, no reference kept */
	CHECK(shim_pc_add(m2, a % 64, 0, F) == F, "F reused by m2");
	CHECK(tvc_hit(m, a, NULL), "folio of another mapping returned");
	CHECK(TVC_STAT(STALE) == stale + 1, "stale %lu", TVC_STAT(STALE));
	CHECK(ref(F) == 1, "rejected folio refcount %d", ref(F));
	CHECK(tvc_hit(m2, a % 64, NULL), "m2's page found through m's hint");

	/* reused for another index of the same mapping */
	shim_pc_truncate(m2, a % 64);
	CHECK(shim_pc_add(m, other, 0, F) == F, "F reused at another index");
	CHECK(tvc_hit(m, a, NULL), "folio of another index returned");
	CHECK(TVC_STAT(STALE) == stale + 2 && ref(F) == 1, "stale %lu refcount %d",
	      TVC_STAT(STALE), ref(F));

	/* reused as a tail page: refcount 0, try_get fails */
	shim_pc_truncate(m, other);
	CHECK(shim_pc_add(m2, 0, 2, H) == H && page_state(F) == SHIM_PAGE_TAIL,
	      "F is a tail of H");
	CHECK(tvc_hit(m, a, NULL) && ref(F) == 0, "tail page returned");
	CHECK(TVC_STAT(STALE) == stale + 2, "try_get on a tail counted as stale");

	/* reused for the same mapping and index: a correct hit */
	shim_pc_truncate(m2, 0);
	CHECK(shim_pc_add(m, a, 0, F) == F, "F back at a");
	CHECK(tvc_hit(m, a, F), "the same page in the same folio not found");
	CHECK(ref(F) == 1, "refcount %d", ref(F));

	/* G, first order-0 at x + 1, then the head of large folios */
	CHECK(shim_pc_add(m, x + 1, 0, G) == G, "set up G");
	vpm_cache_enter(G, x + 1);
	shim_pc_truncate(m, x + 1);
	CHECK(shim_pc_add(m, x, 2, G) == G, "G heads x..x+3");
	CHECK(tvc_hit(m, x + 1, G), "page x + 1 inside G not found");
	shim_pc_truncate(m, x);
	CHECK(shim_pc_add(m, x + 4, 2, G) == G, "G heads x+4..x+7");
	CHECK(tvc_hit(m, x + 1, NULL), "G (x+4..x+7) returned for x + 1");
	shim_pc_truncate(m, x + 4);
	CHECK(shim_pc_add(m, x - 4, 2, G) == G, "G heads x-4..x-1");
	CHECK(tvc_hit(m, x + 1, NULL), "G (x-4..x-1) returned for x + 1");
	CHECK(TVC_STAT(STALE) == stale + 4, "stale %lu", TVC_STAT(STALE));
	CHECK(ref(G) == 1, "refcount %d", ref(G));

	/* split: the head keeps only its own page */
	vpm_cache_enter(G, x - 4);
	vpm_cache_enter(G, x - 2);
	CHECK(tvc_hit(m, x - 4, G) && tvc_hit(m, x - 2, G), "hints into G");
	CHECK(shim_pc_split(m, x - 4), "split");
	CHECK(tvc_hit(m, x - 4, G), "head after split");
	CHECK(tvc_hit(m, x - 2, NULL), "head returned for a page split off");
	CHECK(TVC_STAT(STALE) == stale + 5, "stale %lu", TVC_STAT(STALE));
	f = shim_pc_get(m, x - 2);
	if (!CHECK(f == page_at(14), "page x - 2 after split") || !f)
		goto down;
	vpm_cache_enter(f, x - 2);
	folio_put(f);
	CHECK(tvc_hit(m, x - 2, page_at(14)), "new hint after split");

	/* truncated while someone holds it: try_get works, mapping is NULL */
	f = shim_pc_read(m, t, 0);
	if (!CHECK(f, "read"))
		goto down;
	vpm_cache_enter(f, t);
	shim_pc_truncate(m, t);
	CHECK(ref(f) == 1, "refcount %d", ref(f));
	CHECK(tvc_hit(m, t, NULL), "truncated folio returned");
	CHECK(TVC_STAT(STALE) == stale + 6 && ref(f) == 1, "stale %lu refcount %d",
	      TVC_STAT(STALE), ref(f));
	folio_put(f);
	CHECK(tvc_hit(m, t, NULL), "freed folio returned");
	CHECK(TVC_STAT(STALE) == stale + 6, "stale %lu", TVC_STAT(STALE));
down:
	tvc_cache_down();
out:
	shim_mapping_destroy(m);
	shim_mapping_destroy(m2);
	tvc_case_end();
}

/*
 * A lookup in the middle of __filemap_add_folio(): the folio, hinted as
 * page a, is being inserted as page b of the same file; it is referenced
 * and its ->mapping is set, its ->index still says a.
 */
struct mid_add {
	struct address_space *m;
	pgoff_t a;
	struct folio *got;
	int calls;
};

static void mid_add_hook(struct folio *f, void *arg)
{
	struct mid_add *x = arg;

	x->calls++;
	x->got = tvc_lookup(x->m, x->a);
	if (x->got)
		folio_put(x->got);
}

static void test_insert_window(void)
{
	struct address_space *m = shim_mapping_create(64);
	struct mid_add x = { .m = m };
	struct folio *F = page_at(20);
	struct tvc_picker pk;
	pgoff_t b;

	tvc_picker_init(&pk, m, 8);
	x.a = tvc_pick(&pk, 0, 1);
	b = tvc_pick(&pk, 0, 1);
	tvc_picker_done(&pk);
	if (!tvc_cache_up(8, 1))
		goto out;
	CHECK(shim_pc_add(m, x.a, 0, F) == F, "set up F");
	vpm_cache_enter(F, x.a);
	shim_pc_truncate(m, x.a);
	shim_add_hook = mid_add_hook;
	shim_add_hook_arg = &x;
	CHECK(shim_pc_add(m, b, 0, F) == F, "F inserted at b");
	shim_add_hook = NULL;
	CHECK(x.calls == 1, "hook calls %d", x.calls);
	CHECK(!x.got,
	      "lookup(m, %lu) returned folio F while __filemap_add_folio() made it page %lu (->mapping set, ->index not yet)",
	      x.a, b);
	CHECK(tvc_hit(m, x.a, NULL) && tvc_hit(m, b, NULL), "after the insertion");
	tvc_cache_down();
out:
	shim_mapping_destroy(m);
	tvc_case_end();
}

/*
 * A hit marks its bucket referenced only if the bucket still holds the
 * key it read: between the lookup's read of the key and its reference on
 * the folio, another thread gives the bucket to page c.  A plain store of
 * the old key with the bit set would put back the old page's tag over c's
 * folio, and c would miss until the bucket is refilled.
 */
struct mid_hit {
	struct address_space *m;
	pgoff_t c;
	struct folio *fc;
};

static void mid_hit_hook(struct folio *f, void *arg)
{
	struct mid_hit *x = arg;

	shim_try_get_hook = NULL;	/* once; the enter reads a folio too */
	x->fc = tvc_enter(x->m, x->c);
}

static void test_hit_refill_race(void)
{
	struct address_space *m = shim_mapping_create(64);
	struct mid_hit x = { .m = m };
	struct folio *fa, *fb, *got;
	pgoff_t a = 0, b = 0, i, j;
	u32 *tab = NULL;
	int n;

	if (!CHECK(m, "mapping"))
		goto out;
	/* three pages on one pair of a cache of 8 slots (8 pairs) */
	tab = tvc_bucket_table(m, 8);
	for (i = 0, n = 0; tab && i < 64 && n < 3; i++) {
		for (j = i + 1, n = 1; j < 64 && n < 3; j++) {
			if ((tab[j] >> 1) != (tab[i] >> 1))
				continue;
			if (n++ == 1) {
				a = i;
				b = j;
			} else {
				x.c = j;
			}
		}
	}
	kfree(tab);
	if (!CHECK(n == 3, "no three pages of a pair") || !tvc_cache_up(8, 1))
		goto out;
	fa = tvc_enter(m, a);		/* the pair's first bucket */
	fb = tvc_enter(m, b);		/* its second */
	CHECK(tvc_peek(m, a, fa) && tvc_peek(m, b, fb), "a and b entered");
	shim_try_get_hook = mid_hit_hook;
	shim_try_get_hook_arg = &x;
	got = tvc_lookup(m, b);		/* c takes b's unreferenced bucket */
	shim_try_get_hook = NULL;
	if (got)
		folio_put(got);
	CHECK(x.fc && tvc_peek(m, x.c, x.fc),
	      "page %lu, entered while a hit on page %lu was under way, is not found: the hit put back the key it had read",
	      x.c, b);
	tvc_check_cache("after a refill under a hit");
	tvc_cache_down();
out:
	shim_mapping_destroy(m);
	tvc_case_end();
}

/* The release queue lock busy: the allocator passes referenced slots. */
struct lock_holder {
	pthread_t th;
	spinlock_t *lock;	/* the queue lock to hold */
	int locked;		/* atomic */
	int saw_waiter;		/* atomic */
};

static void *lock_holder_fn(void *arg)
{
	struct lock_holder *h = arg;
	int t;

	shim_task_init("holder", 1);
	spin_lock(h->lock);
	__atomic_store_n(&h->locked, 1, __ATOMIC_RELEASE);
	/* until the allocator blocks on it (freeing its slot), or 5 s */
	for (t = 0; t < 5000 && !shim_lock_waiters(h->lock); t++)
		usleep(1000);
	__atomic_store_n(&h->saw_waiter, shim_lock_waiters(h->lock) > 0,
			 __ATOMIC_RELEASE);
	spin_unlock(h->lock);
	shim_task_exit();
	return NULL;
}

static void test_second_chance_busy(void)
{
	struct address_space *m = shim_mapping_create(256);
	struct lock_holder h = { 0 };
	struct folio *pg[8];
	struct vpmfree *fl;
	struct tvc_picker pk;
	pgoff_t p[7];
	int i;

	tvc_picker_init(&pk, m, 4);
	for (i = 0; i < 7; i++)
		p[i] = tvc_pick(&pk, 0, 1);
	tvc_picker_done(&pk);
	if (!tvc_cache_up(4, 1))
		goto out;
	fl = &vpmd.free[0];
	for (i = 0; i < 5; i++)
		pg[i] = tvc_enter(m, p[i]);	/* slots 1-4, then page 4 in slot 1 */
	CHECK(tvc_hit(m, p[1], pg[1]) && tvc_hit(m, p[2], pg[2]), "hits on slots 2, 3");
	h.lock = &fl->vpm_releq->vpmq_lock;
	pthread_create(&h.th, NULL, lock_holder_fn, &h);
	while (!__atomic_load_n(&h.locked, __ATOMIC_ACQUIRE))
		usleep(100);
	/* trylocks fail: slots 2 and 3 are passed over, slot 4 refilled */
	pg[5] = tvc_enter(m, p[5]);
	pthread_join(h.th, NULL);
	CHECK(__atomic_load_n(&h.saw_waiter, __ATOMIC_ACQUIRE),
	      "the enter did not wait for the release queue lock");
	CHECK(tvc_slot_of(pg[5], p[5]) == VPMP(4) && tvc_hit(m, p[3], NULL),
	      "slot 4 (page 3) refilled");
	CHECK(!tvc_referenced(VPMP(2)) && !tvc_referenced(VPMP(3)),
	      "passed-over slots still referenced");
	{
		static const u32 alloc[] = { 2, 3 }, rel[] = { 1, 4 };

		CHECK(tvc_queue_is(fl->vpm_allocq, alloc, 2) &&
		      tvc_queue_is(fl->vpm_releq, rel, 2), "queues after passing");
	}
	CHECK(tvc_peek(m, p[1], pg[1]) && tvc_peek(m, p[2], pg[2]),
	      "passed-over pages evicted");
	pg[6] = tvc_enter(m, p[6]);
	CHECK(tvc_slot_of(pg[6], p[6]) == VPMP(2) && tvc_hit(m, p[1], NULL),
	      "slot 2 refilled next");
	tvc_cache_down();
out:
	shim_mapping_destroy(m);
	tvc_case_end();
}

/* Tunables: nfreelist rounding and clamping, cache sizing from RAM. */
static void test_sizing(void)
{
	static const struct {
		int ncpus, in, want;
		bool warn;
	} fl[] = {
		{ 4, 1, 1 }, { 4, 2, 2 }, { 4, 3, 4 }, { 4, 4, 4 }, { 4, 0, 4 },
		{ 4, 5, 8 }, { 4, 8, 8 }, { 4, 9, 8, true }, { 4, -3, 8, true },
		{ 3, 0, 4 }, { 3, 6, 8 }, { 3, 7, 8, true }, { 1, 0, 1 },
		{ 1, 2, 2 }, { 1, 3, 2, true },
	};
	const struct shim_kv_req *kv;
	long warns, allocs;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		tvc_knobs_reset();
		shim_nr_cpus = fl[i].ncpus;
		vpm_cache_slots = 16;
		vpm_nfreelist = fl[i].in;
		shim_printk_clear();
		err = vpm_cache_init();
		CHECK(!err && vpmd.nfreelist == (unsigned int)fl[i].want &&
		      vpmd.freemsk == vpmd.nfreelist - 1,
		      "%d cpus, nfreelist %d -> %u, want %d", fl[i].ncpus,
		      fl[i].in, vpmd.nfreelist, fl[i].want);
		CHECK(shim_printk_seen("vpm_nfreelist") == fl[i].warn,
		      "%d cpus, nfreelist %d: warning", fl[i].ncpus, fl[i].in);
		tvc_check_cache("sizing");
		vpm_cache_fini();
	}
	shim_nr_cpus = 4;

	/* vpm_cache_slots wins; the table has two buckets a slot */
	tvc_knobs_reset();
	vpm_cache_slots = 5;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == 5 && vpmd.hashbits == 4, "5 slots: %u, %u bits",
	      vpmd.nslots, vpmd.hashbits);
	vpm_cache_fini();
	tvc_knobs_reset();
	vpm_cache_slots = 1;
	err = vpm_cache_init();
	/* at least two pairs of buckets: vpm_hash() takes hashbits - 1 */
	CHECK(!err && vpmd.nslots == 1 && vpmd.hashbits == 2, "1 slot: %u, %u bits",
	      vpmd.nslots, vpmd.hashbits);
	vpm_cache_fini();

	/* 256 MiB of RAM: 12% is below the 64 MiB minimum, which is used. */
	tvc_knobs_reset();
	shim_totalram_pages = (256UL << 20) >> PAGE_SHIFT;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == (64UL << 20) >> PAGE_SHIFT, "256M: %u slots",
	      vpmd.nslots);
	vpm_cache_fini();
	/* 64 MiB: never more than half of memory. */
	tvc_knobs_reset();
	shim_totalram_pages = (64UL << 20) >> PAGE_SHIFT;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == (32UL << 20) >> PAGE_SHIFT, "64M: %u slots",
	      vpmd.nslots);
	vpm_cache_fini();
	/* 1 GiB at 25%: 256 MiB. */
	tvc_knobs_reset();
	shim_totalram_pages = (1UL << 30) >> PAGE_SHIFT;
	vpm_cache_percent = 25;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == (256UL << 20) >> PAGE_SHIFT, "1G/25%%: %u slots",
	      vpmd.nslots);
	vpm_cache_fini();
	/* Out-of-range percentages and cache modes: warned about, replaced. */
	{
		static const long bad[] = { 500, 101, 0, -5 };

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			tvc_knobs_reset();
			shim_totalram_pages = (1UL << 30) >> PAGE_SHIFT;
			vpm_cache_percent = bad[i];
			vpm_cachemode = i ? VPMCACHE_LRU : 7;
			shim_printk_clear();
			err = vpm_cache_init();
			CHECK(!err && vpm_cache_percent == 12 &&
			      vpm_cachemode == VPMCACHE_LRU, "bad percent %ld", bad[i]);
			CHECK(shim_printk_seen("vpm_cache_percent") &&
			      shim_printk_seen("out of range"), "percent %ld: no warning",
			      bad[i]);
			CHECK(shim_printk_seen("vpm_cachemode 7 not supported") == !i,
			      "cachemode warning");
			CHECK(vpmd.nslots == ((1UL << 30) * 12 / 100) >> PAGE_SHIFT,
			      "1G/12%%: %u", vpmd.nslots);
			vpm_cache_fini();
		}
	}
	tvc_knobs_reset();
	vpm_cache_percent = 100;
	shim_totalram_pages = (1UL << 30) >> PAGE_SHIFT;
	err = vpm_cache_init();
	CHECK(!err && vpmd.nslots == (512UL << 20) >> PAGE_SHIFT, "1G/100%%: %u",
	      vpmd.nslots);
	vpm_cache_fini();

	/*
	 * 4 TiB at 12%: more than VPMAP_MAXCACHE (256 GiB, 2^26 slots), and
	 * clamped further to 2^25 slots so that the table (2^26 buckets of
	 * 16 bytes, 1 GiB) stays within kvmalloc()'s INT_MAX.  The harness
	 * allows 1 GiB here: the table (never touched) is allocated; the
	 * slot array cannot be, and init must fail cleanly -- but without
	 * kvmalloc()'s WARN, which fires above INT_MAX bytes.
	 */
	tvc_knobs_reset();
	shim_totalram_pages = (4UL << 40) >> PAGE_SHIFT;
	shim_kv_limit = 1UL << 30;
	allocs = shim_live_allocs();
	warns = shim_nr_warns;
	shim_kv_log_clear();
	shim_quiet = true;
	shim_printk_clear();
	err = vpm_cache_init();
	shim_quiet = false;
	shim_kv_limit = 64UL << 20;
	{
		const struct shim_kv_req *hash = NULL, *slots = NULL;

		for (i = 0; (kv = shim_kv_last(i)); i++) {
			if (kv->size == sizeof(struct vpm_bucket))
				hash = kv;
			else if (kv->size == sizeof(struct vpmap))
				slots = kv;
		}
		CHECK(shim_printk_seen("too large"), "4T: no clamp warning");
		CHECK(hash && hash->n == (1UL << 26) && hash->ok &&
		      hash->n * hash->size <= INT_MAX,
		      "4T: a table of %zu buckets", hash ? hash->n : 0);
		CHECK(slots && slots->n == (1UL << 25) && !slots->ok,
		      "4T: %zu slots", slots ? slots->n : 0);
		CHECK(shim_nr_warns == warns && slots &&
		      slots->n * slots->size <= INT_MAX,
		      "4 TiB of RAM: vpm_cache_init() asks kvcalloc() for %zu slots x %zu bytes = %zu bytes > INT_MAX: kvmalloc() WARNs and fails",
		      slots ? slots->n : 0, sizeof(struct vpmap),
		      slots ? slots->n * slots->size : 0);
	}
	CHECK(err == -ENOMEM && !vpmd.cpu && !vpmd.nslots &&
	      shim_live_allocs() == allocs &&
	      shim_printk_seen("cannot set up the cache: -12"), "4T: unwinding (%d)",
	      err);
	shim_nr_warns = warns;
	shim_totalram_pages = 1UL << 20;

	/* More than 2^30 slots asked for: clamped, with a warning. */
	tvc_knobs_reset();
	vpm_cache_slots = (1UL << 30) + 1;
	allocs = shim_live_allocs();
	warns = shim_nr_warns;
	shim_kv_log_clear();
	shim_printk_clear();
	shim_quiet = true;
	err = vpm_cache_init();
	shim_quiet = false;
	kv = shim_kv_last(0);
	CHECK(shim_printk_seen("too large"), "no clamp warning");
	CHECK(err == -ENOMEM && kv && kv->n <= (1UL << 31), "2^30 slots: %d, %zu",
	      err, kv ? kv->n : 0);
	CHECK(!vpmd.cpu && !vpmd.nslots && shim_live_allocs() == allocs,
	      "2^30 slots: unwinding");
	CHECK(shim_nr_warns == warns && kv && kv->n * kv->size <= INT_MAX,
	      "vpm_cache_slots > 2^30: the clamped cache asks kvcalloc() for %zu x %zu bytes > INT_MAX: kvmalloc() WARNs",
	      kv ? kv->n : 0, kv ? kv->size : 0);
	shim_nr_warns = warns;

	/* The cache off: init succeeds, nothing is cached or registered. */
	for (i = 0; i < 2; i++) {
		struct address_space *m = shim_mapping_create(4);
		struct folio *f = shim_pc_read(m, 0, 0);

		tvc_knobs_reset();
		allocs = shim_live_allocs();
		if (i)
			vpm_enable = 0;
		else
			vpm_cache_enable = 0;
		err = vpm_cache_init();
		CHECK(!err && vpmd.nslots == 0 && vpmd.cpu &&
		      shim_nr_memory_notifiers() == 0, "cache off");
		vpm_cache_enter(f, 0);
		CHECK(!tvc_lookup(m, 0) && vpm_cache_hinted() == 0 && ref(f) == 2,
		      "lookup with the cache off");
		vpm_cache_fini();
		CHECK(!vpmd.cpu && shim_live_allocs() == allocs, "cache off: fini");
		folio_put(f);
		shim_mapping_destroy(m);
	}
	tvc_knobs_reset();
	tvc_case_end();
}

/* Every fallible call of vpm_cache_init() failing in turn: no leak. */
static void test_init_failures(void)
{
	long allocs = shim_live_allocs();
	int k, err, failed = 0;

	for (k = 1; k < 20; k++) {
		tvc_knobs_reset();
		vpm_cache_slots = 64;
		vpm_nfreelist = 2;
		shim_fail_in = k;
		shim_quiet = true;
		shim_printk_clear();
		err = vpm_cache_init();
		shim_quiet = false;
		if (shim_fail_in > 0) {		/* every call done */
			CHECK(err == 0, "init: %d", err);
			shim_fail_in = 0;
			tvc_check_cache("init after failures");
			vpm_cache_fini();
			break;
		}
		failed++;
		CHECK(err == -ENOMEM, "call %d failing: init %d", k, err);
		CHECK(!vpmd.cpu && !vpmd.vpmap && !vpmd.free && !vpmd.hash &&
		      !vpmd.nslots && shim_nr_memory_notifiers() == 0,
		      "call %d failing: state left", k);
		CHECK(shim_live_allocs() == allocs, "call %d failing: %ld leaked", k,
		      shim_live_allocs() - allocs);
		/* (a per-CPU failure returns before anything is set up) */
		CHECK(k == 1 || shim_printk_seen("cannot set up the cache: -12"),
		      "call %d failing: no error printed", k);
	}
	/* per-CPU, freelists, hash, slots, memory notifier */
	CHECK(failed == 5, "%d fallible calls in init", failed);
	CHECK(shim_live_allocs() == allocs, "leaked");
	tvc_knobs_reset();
}

/* The memory notifier clears exactly the hints in the offlined range. */
static void test_memory_notifier(void)
{
	struct address_space *m = shim_mapping_create(1024);
	struct folio *pg[16], *big, *f;
	unsigned long start = SHIM_PFN_BASE + 16, nr = 24, stale;
	static const unsigned long acts[] = {
		MEM_GOING_OFFLINE, MEM_CANCEL_OFFLINE, MEM_GOING_ONLINE,
		MEM_ONLINE, MEM_CANCEL_ONLINE,
	};
	struct tvc_picker pk;
	pgoff_t p[16], q[16], b;
	unsigned int i;
	int k;

	tvc_picker_init(&pk, m, 32);
	for (k = 0; k < 16; k++)
		p[k] = tvc_pick(&pk, 0, 1);
	for (b = 0; b + 4 <= m->shim_npages; b += 4)
		if (pk.tab && pk.tab[b + 1] != pk.tab[b + 3] &&
		    tvc_picker_free(&pk, b + 1) && tvc_picker_free(&pk, b + 3) &&
		    tvc_picker_free(&pk, b) && tvc_picker_free(&pk, b + 2))
			break;
	if (!CHECK(b + 4 <= m->shim_npages, "no block of free buckets"))
		b = 0;
	for (k = 0; k < 4; k++)		/* the whole block stays free */
		if (tvc_picker_free(&pk, b + k))
			tvc_picker_take(&pk, b + k);
	for (k = 0; k < 16; k++)
		q[k] = tvc_pick(&pk, 0, 1);
	tvc_picker_done(&pk);
	if (!tvc_cache_up(32, 2))
		goto out;
	for (k = 0; k < 16; k++) {		/* pfns base + 0, 4, ... 60 */
		pg[k] = shim_pc_add(m, p[k], 0, page_at(4 * k));
		if (!CHECK(pg[k], "set up page %d", k))
			goto down;
		vpm_cache_enter(pg[k], p[k]);
	}
	big = shim_pc_add(m, b, 2, page_at(64));	/* pfns 64-67 */
	if (!CHECK(big, "set up the large folio"))
		goto down;
	vpm_cache_enter(big, b + 1);
	vpm_cache_enter(big, b + 3);
	CHECK(vpm_cache_hinted() == 18, "hinted %lu", vpm_cache_hinted());

	for (i = 0; i < ARRAY_SIZE(acts); i++)
		CHECK(shim_memory_notify(acts[i], start, nr) == NOTIFY_OK &&
		      tvc_slot_of(pg[5], p[5]), "action %lu cleared hints", acts[i]);
	stale = TVC_STAT(STALE);
	CHECK(shim_memory_notify(MEM_OFFLINE, start, nr) == NOTIFY_OK, "MEM_OFFLINE");
	for (k = 0; k < 16; k++) {
		bool in = 4 * k >= 16 && 4 * k < 40;	/* k = 4..9 */

		CHECK(!!tvc_slot_of(pg[k], p[k]) == !in, "page %d (pfn +%d) hint %s", k,
		      4 * k, in ? "kept" : "cleared");
		CHECK(tvc_hit(m, p[k], in ? NULL : pg[k]), "lookup of page %d", k);
	}
	CHECK(tvc_hit(m, b + 1, big) && tvc_hit(m, b + 3, big),
	      "large folio outside the range");
	CHECK(TVC_STAT(STALE) == stale, "cleared hints counted as stale");
	/* the slots stay published, with no folio */
	CHECK(vpm_cache_hinted() == 18, "hinted %lu", vpm_cache_hinted());
	shim_memory_notify(MEM_OFFLINE, SHIM_PFN_BASE + 64, 4);
	CHECK(!tvc_slot_of(big, b + 1) && !tvc_slot_of(big, b + 3) && tvc_hit(m, b + 1, NULL),
	      "large folio's hints");
	for (k = 4; k < 10; k++) {
		vpm_cache_enter(pg[k], p[k]);
		CHECK(tvc_hit(m, p[k], pg[k]), "page %d entered again", k);
	}

	/*
	 * Really take pfns 128-191 offline with hints into them: the pages
	 * go away, the lookups must not touch them.
	 */
	for (k = 0; k < 16; k++) {
		f = shim_pc_add(m, q[k], 0, page_at(128 + 4 * k));
		if (!CHECK(f, "set up page q%d", k))
			goto down;
		vpm_cache_enter(f, q[k]);
		CHECK(tvc_hit(m, q[k], f), "page q%d", k);
	}
	CHECK(shim_memory_offline(SHIM_PFN_BASE + 128, 64) == 0, "offline");
	for (k = 0; k < 16; k++)
		CHECK(tvc_hit(m, q[k], NULL), "page q%d after offline", k);
	for (k = 0; k < 16; k++) {
		f = shim_pc_read(m, q[k], 0);
		if (!CHECK(f && folio_pfn(f) - SHIM_PFN_BASE < 128,
			   "read into offline memory"))
			continue;
		vpm_cache_enter(f, q[k]);
		folio_put(f);
		CHECK(tvc_hit(m, q[k], f), "page q%d read again", k);
	}
	tvc_check_cache("offline");
	shim_memory_online(SHIM_PFN_BASE + 128, 64);
	tvc_check_cache("online");
down:
	tvc_cache_down();
out:
	shim_mapping_destroy(m);
	tvc_case_end();
}

/* MEM_OFFLINE waits for the lookups that may have read a cleared hint. */
struct rcu_reader {
	pthread_t th;
	struct address_space *m;
	struct folio *got;
	int in, leave, out;	/* atomic */
};

static void *rcu_reader_fn(void *arg)
{
	struct rcu_reader *r = arg;

	shim_task_init("reader", 1);
	rcu_read_lock();
	r->got = vpm_cache_lookup(r->m, 0);
	if (r->got)
		folio_put(r->got);
	__atomic_store_n(&r->in, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->leave, __ATOMIC_ACQUIRE))
		usleep(1000);
	rcu_read_unlock();
	__atomic_store_n(&r->out, 1, __ATOMIC_RELEASE);
	shim_task_exit();
	return NULL;
}

struct offliner {
	pthread_t th;
	unsigned long pfn;
	int done;		/* atomic */
};

static void *offliner_fn(void *arg)
{
	struct offliner *o = arg;

	shim_task_init("offliner", 2);
	shim_memory_notify(MEM_OFFLINE, o->pfn, 4);
	__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
	shim_task_exit();
	return NULL;
}

static void test_memory_notifier_rcu(void)
{
	struct address_space *m = shim_mapping_create(8);
	struct rcu_reader r = { .m = m };
	struct offliner o = { .pfn = SHIM_PFN_BASE + 20 };
	struct vpmap *v;
	struct folio *f;
	int t, cleared_at = -1, done_early = 0;

	if (!tvc_cache_up(8, 1))
		goto out;
	f = shim_pc_add(m, 0, 0, page_at(20));
	vpm_cache_enter(f, 0);
	v = tvc_slot_of(f, 0);
	pthread_create(&r.th, NULL, rcu_reader_fn, &r);
	while (!__atomic_load_n(&r.in, __ATOMIC_ACQUIRE))
		usleep(100);
	CHECK(r.got == f, "reader's lookup");
	pthread_create(&o.th, NULL, offliner_fn, &o);
	for (t = 0; t < 10000; t++) {
		if (cleared_at < 0 && v && !tvc_slot_folio(v))
			cleared_at = t;
		done_early |= __atomic_load_n(&o.done, __ATOMIC_ACQUIRE);
		if (cleared_at >= 0 && t >= cleared_at + 50)
			break;
		usleep(1000);
	}
	CHECK(cleared_at >= 0, "the notifier did not clear the hint");
	CHECK(!done_early, "MEM_OFFLINE returned while a reader was inside");
	__atomic_store_n(&r.leave, 1, __ATOMIC_RELEASE);
	pthread_join(r.th, NULL);
	pthread_join(o.th, NULL);
	CHECK(o.done, "notifier done");
	tvc_cache_down();
out:
	shim_mapping_destroy(m);
	tvc_case_end();
}

/* ---- stress ---- */

struct stress_cfg {
	const char *name;
	u32 nslots;
	int nfreelist;
	int ncpus;
	int nworkers;
	int nchurn;
	int nmaps;
	unsigned long npages;	/* per mapping */
	unsigned long pool;	/* pool pages (a multiple of 64) */
	unsigned int large;	/* 1 in @large reads makes a 4-page folio */
	int hold;		/* references a worker may keep */
	unsigned int steals, contend;
	bool split, hotplug, knobs;
};

struct stress {
	const struct stress_cfg *c;
	struct address_space *maps[8];
	int stop;		/* atomic */
	long progress;		/* atomic */
};

struct worker {
	pthread_t th;
	int id;
	struct stress *s;
	unsigned int seed;
	long lookups, hits, enters, wrong;
	long truncs, reads, splits, offlines;
	struct folio *held[32];
	int nheld;
};

static void keep_or_put(struct worker *w, struct folio *f)
{
	int k;

	if (w->nheld < w->s->c->hold && rnd(&w->seed) % 2) {
		w->held[w->nheld++] = f;
		return;
	}
	folio_put(f);
	if (w->nheld && !(rnd(&w->seed) % 3)) {
		k = rnd(&w->seed) % w->nheld;
		folio_put(w->held[k]);
		w->held[k] = w->held[--w->nheld];
	}
}

/* Lookups that returned a folio whose identity was being set (must be 0). */
static long nflux;

/*
 * A folio a lookup of (@m, @index) begun at page cache time @seq
 * returned: it is that page, referenced, and was not truncated before
 * the lookup began (it would have seen the cleared mapping).  Its
 * identity is read once the insertion that set it is over (uptodate, as
 * the callers test, or truncated).  A folio whose insertion ended after
 * the lookup began may have been returned on a half-set identity
 * (->mapping set, ->index not yet): counted apart; must never happen.
 */
static void check_hit(struct worker *w, struct folio *f,
		      struct address_space *m, pgoff_t index, unsigned long seq)
{
	unsigned long ts, as;
	bool ok = true, same;
	int state, spin;

	for (spin = 0; !folio_test_uptodate(f) &&
	     !__atomic_load_n(&f->shim_trunc_seq, __ATOMIC_ACQUIRE); spin++) {
		if (!CHECK(spin < 1000000, "folio never settled"))
			return;
		sched_yield();
	}
	state = page_state(f);
	as = __atomic_load_n(&f->shim_add_seq, __ATOMIC_ACQUIRE);
	same = f->shim_owner == m && index - f->index < f->shim_nr;
	if (!same && f->shim_owner == m && as > seq) {
		__atomic_fetch_add(&nflux, 1, __ATOMIC_RELAXED);
		w->wrong++;
		return;
	}
	ok &= CHECK(same, "lookup(m%d, %lu) returned page %lu-%lu of m%d",
		    m->shim_id, index, f->index, f->index + f->shim_nr - 1,
		    f->shim_owner ? f->shim_owner->shim_id : 0);
	ok &= CHECK(ref(f) >= 1 && (state == SHIM_PAGE_CACHE ||
				    state == SHIM_PAGE_TRUNC),
		    "lookup(m%d, %lu) returned a folio with refcount %d, state %d",
		    m->shim_id, index, ref(f), state);
	if (!READ_ONCE(f->mapping)) {
		ts = __atomic_load_n(&f->shim_trunc_seq, __ATOMIC_ACQUIRE);
		ok &= CHECK(!ts || ts > seq,
			    "lookup(m%d, %lu) begun at %lu returned a folio truncated at %lu",
			    m->shim_id, index, seq, ts);
	}
	if (!ok)
		w->wrong++;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	const struct stress_cfg *c = s->c;
	char name[16];

	snprintf(name, sizeof(name), "worker%d", w->id);
	shim_task_init(name, w->id % c->ncpus);
	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		struct address_space *m = s->maps[rnd(&w->seed) % c->nmaps];
		unsigned long base = rnd(&w->seed) % c->npages, seq;
		int n = 1 + rnd(&w->seed) % 4, i;
		struct folio *got[4], *missed[4];
		u32 miss = 0;
		/* the misses of a run entered together, as vpm_read_cached() */
		bool batch = base + n <= c->npages && rnd(&w->seed) % 2;

		if (c->ncpus < c->nworkers && !(rnd(&w->seed) % 8))
			shim_set_cpu(rnd(&w->seed));	/* migrate */
		/*
		 * A run of pages in one read-side section, as
		 * vpm_find_batch(): it disables preemption, which the
		 * kernel's synchronize_rcu() waits for as it waits for
		 * rcu_read_lock(); the shim models only the latter.
		 */
		seq = shim_seq_now();
		rcu_read_lock();
		for (i = 0; i < n; i++)
			got[i] = vpm_cache_lookup(m, (base + i) % c->npages);
		rcu_read_unlock();
		for (i = 0; i < n; i++) {
			pgoff_t idx = (base + i) % c->npages;
			struct folio *f = got[i];

			w->lookups++;
			if (f) {
				w->hits++;
				check_hit(w, f, m, idx, seq);
				keep_or_put(w, f);
				continue;
			}
			/* the miss path: the page cache, then enter */
			if (rnd(&w->seed) % 4) {
				f = shim_pc_read(m, idx, c->large &&
						 !(rnd(&w->seed) % c->large) ? 2 : 0);
			} else {
				f = shim_pc_get(m, idx);
			}
			if (!f)
				continue;
			w->enters++;
			if (batch) {
				missed[i] = f;
				miss |= BIT(i);
				continue;
			}
			vpm_cache_enter(f, idx);
			if (!(rnd(&w->seed) % 16))
				vpm_cache_enter(f, idx);	/* CONTEND */
			keep_or_put(w, f);
		}
		if (miss) {
			vpm_cache_enter_pages(m, missed, base, miss);
			if (!(rnd(&w->seed) % 16))	/* CONTEND */
				vpm_cache_enter_pages(m, missed, base, miss);
			for (i = 0; i < n; i++)
				if (miss & BIT(i))
					keep_or_put(w, missed[i]);
		}
		if (!(rnd(&w->seed) % 32))
			sched_yield();
		__atomic_fetch_add(&s->progress, 1, __ATOMIC_RELAXED);
	}
	while (w->nheld)
		folio_put(w->held[--w->nheld]);
	shim_task_exit();
	return NULL;
}

/* Truncate, re-read, split, migrate; debugfs reads; knob writes. */
static void *churn_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	const struct stress_cfg *c = s->c;
	unsigned int k;
	u32 qa, qr;
	char name[16];

	snprintf(name, sizeof(name), "churn%d", w->id);
	shim_task_init(name, w->id % c->ncpus);
	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		struct address_space *m = s->maps[rnd(&w->seed) % c->nmaps];
		pgoff_t idx = rnd(&w->seed) % c->npages;
		struct folio *f;

		switch (rnd(&w->seed) % 16) {
		case 0: case 1: case 2: case 3:
			w->truncs += shim_pc_truncate(m, idx);
			break;
		case 4:				/* a range */
			for (k = 0; k < 8; k++)
				w->truncs += shim_pc_truncate(m, (idx + k) % c->npages);
			break;
		case 5: case 6: case 7: case 8: case 9:	/* re-read */
			w->reads += !!shim_pc_add(m, idx, c->large &&
						  !(rnd(&w->seed) % 3) ? 2 : 0, NULL);
			break;
		case 10:
			if (c->split)
				w->splits += shim_pc_split(m, idx);
			break;
		case 11:			/* migrate: a new folio */
			f = shim_pc_get(m, idx);
			if (!f)
				break;
			w->truncs += shim_pc_truncate(m, idx);
			folio_put(f);
			w->reads += !!shim_pc_add(m, idx, 0, NULL);
			break;
		case 12:			/* debugfs */
			for (k = 0; k < vpmd.nfreelist; k++)
				vpm_freelist_counts(k, &qa, &qr);
			(void)vpm_cache_hinted();
			break;
		case 13:			/* debugfs knob writes */
			if (!c->knobs)
				break;
			WRITE_ONCE(vpm_contend_mtbf, rnd(&w->seed) & 1 ? 7 : 0);
			WRITE_ONCE(vpm_steals_mtbf, rnd(&w->seed) & 1 ? 3 : 0);
			break;
		default:
			sched_yield();
		}
		if (!(rnd(&w->seed) % 8))
			usleep(rnd(&w->seed) % 100);
	}
	shim_task_exit();
	return NULL;
}

/* Memory hotplug: offline a 64-page block of the pool, online it again. */
static void *hotplug_fn(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	const struct stress_cfg *c = s->c;

	shim_task_init("hotplug", w->id % c->ncpus);
	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		unsigned long pfn = SHIM_PFN_BASE +
			64 * (rnd(&w->seed) % (c->pool / 64));

		if (shim_memory_offline(pfn, 64) == 0) {
			w->offlines++;
			usleep(200 + rnd(&w->seed) % 2000);
			shim_memory_online(pfn, 64);
		}
		usleep(rnd(&w->seed) % 1000);
	}
	shim_task_exit();
	return NULL;
}

static void stress(const struct stress_cfg *c)
{
	struct stress s = { .c = c };
	int nthreads = c->nworkers + c->nchurn + !!c->hotplug;
	struct worker *w = calloc(nthreads, sizeof(*w));
	bool *joined = calloc(nthreads, sizeof(*joined));
	long lookups = 0, hits = 0, enters = 0, wrong = 0, last = -1;
	long truncs = 0, reads = 0, splits = 0, offlines = 0;
	double t0 = now(), limit = stress_secs * 30 + 60;
	int i, k;

	set_test(c->name);
	shim_nr_cpus = c->ncpus;
	shim_pool_reset(c->pool);
	for (k = 0; k < c->nmaps; k++)
		s.maps[k] = shim_mapping_create(c->npages);
	if (!tvc_cache_up(c->nslots, c->nfreelist))
		goto out;
	vpm_steals_mtbf = c->steals;
	vpm_contend_mtbf = c->contend;
	for (i = 0; i < nthreads; i++) {
		void *(*fn)(void *) = i < c->nworkers ? worker_fn :
			i < c->nworkers + c->nchurn ? churn_fn : hotplug_fn;

		w[i].id = i;
		w[i].s = &s;
		w[i].seed = seed * 7919 + i * 104729 + 1;
		pthread_create(&w[i].th, NULL, fn, &w[i]);
	}
	while (now() - t0 < stress_secs)
		usleep(20000);
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
	/* Watchdog: every thread must finish its current step. */
	for (;;) {
		long p = __atomic_load_n(&s.progress, __ATOMIC_RELAXED);
		int alive = 0;

		for (i = 0; i < nthreads; i++) {
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
			fprintf(stderr, "FAIL [%s]: %d threads stuck (deadlock?)\n",
				c->name, alive);
			abort();
		}
		last = p;
		usleep(20000);
	}
	vpm_steals_mtbf = 0;
	vpm_contend_mtbf = 0;
	for (i = 0; i < nthreads; i++) {
		lookups += w[i].lookups;
		hits += w[i].hits;
		enters += w[i].enters;
		wrong += w[i].wrong;
		truncs += w[i].truncs;
		reads += w[i].reads;
		splits += w[i].splits;
		offlines += w[i].offlines;
	}
	CHECK(nflux == 0,
	      "%ld lookups returned a folio for an index it was not getting: its ->index was read while __filemap_add_folio() was setting it (vpm_cache_lookup(): the reference does not freeze the identity of a folio being inserted)",
	      nflux);
	CHECK(wrong - nflux == 0, "%ld wrong folios returned", wrong - nflux);
	nflux = 0;
	CHECK(hits > 0 && enters > 0, "no hits (%ld) or no enters (%ld)", hits, enters);
	CHECK(!c->hotplug || offlines > 0, "no memory went offline");
	tvc_check_cache(c->name);
	if (!quiet) {
		printf("#   %-18s %4.2fs lookups %ld: hit %ld enter %ld",
		       c->name, now() - t0, lookups, hits, enters);
		printf(" stale %lu steal %lu contend %lu nofree %lu emptyfl %lu",
		       TVC_STAT(STALE), TVC_STAT(STEALS), TVC_STAT(CONTEND),
		       TVC_STAT(NOFREEVPMS), TVC_STAT(EMPTYFREELIST));
		printf(" | trunc %ld read %ld split %ld offline %ld\n",
		       truncs, reads, splits, offlines);
	}
	tvc_cache_down();
out:
	for (k = 0; k < c->nmaps; k++)
		shim_mapping_destroy(s.maps[k]);
	/* every reference taken was put: all pages are free again */
	CHECK(shim_pool_free() == c->pool, "%lu of %lu pool pages free",
	      shim_pool_free(), c->pool);
	tvc_case_end();
	shim_nr_cpus = 4;
	free(w);
	free(joined);
}

static const struct stress_cfg stress_cfgs[] = {
	/*
	 * name            slots fl cpu wk ch maps pages pool large hold
	 *                 steals contend split hotplug knobs
	 */
	{ "stress-churn",     64, 0, 4, 10, 2, 3,  96, 512, 4, 4,
	  0, 0, true, false, false },
	{ "stress-tiny",       4, 4, 4,  8, 1, 1,  24, 128, 0, 2,
	  0, 0, false, false, false },
	{ "stress-1-list",    48, 1, 2,  8, 2, 2,  64, 256, 3, 3,
	  0, 0, true, false, false },
	{ "stress-hotplug",   96, 0, 4,  8, 1, 2, 100, 512, 4, 3,
	  0, 0, true, true, false },
	{ "stress-inject",    40, 2, 4,  8, 2, 2,  60, 256, 5, 3,
	  1, 3, true, false, true },
	{ "stress-hot-pages", 128, 8, 16, 12, 1, 1,  8,  64, 0, 2,
	  0, 0, false, false, false },
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

	/* the cases shared with test_vpm.ko (vpm/test/vpm_cache_cases.c) */
	for (i = 0; i < (int)ARRAY_SIZE(tvc_cases); i++) {
		set_test(tvc_cases[i].name);
		tvc_cases[i].fn(tvc_cases[i].arg);
	}
	/* those only the shims' model allows */
	set_test("identity");
	test_identity();
	set_test("insert-window");
	test_insert_window();
	set_test("hit-refill-race");
	test_hit_refill_race();
	set_test("second-chance-busy");
	test_second_chance_busy();
	set_test("sizing-limits");
	test_sizing();
	set_test("init-failures");
	test_init_failures();
	set_test("memory-notifier");
	test_memory_notifier();
	set_test("memory-notifier-rcu");
	test_memory_notifier_rcu();
	if (!quiet)
		printf("# unit tests: %ld checks, %ld failed (%.2fs)\n", nchecks,
		       nfail, now() - t0);
	for (i = 0; i < (int)ARRAY_SIZE(stress_cfgs); i++)
		stress(&stress_cfgs[i]);

	set_test("end");
	CHECK(shim_nr_warns == 0, "%ld WARN_ON_ONCE hits", shim_nr_warns);
	CHECK(shim_nr_errors == 0, "%ld shim errors", shim_nr_errors);
	printf("vpm-cache-test: %s: %ld checks, %ld failed, %ld warnings",
	       nfail || shim_nr_warns || shim_nr_errors ? "FAIL" : "PASS",
	       nchecks, nfail, shim_nr_warns);
	printf(", %ld shim errors, seed %u, %.2fs\n",
	       shim_nr_errors, seed, now() - t0);
	shim_task_exit();
	return nfail || shim_nr_warns || shim_nr_errors ? 1 : 0;
}
