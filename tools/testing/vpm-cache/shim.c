// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line half of the user-space kernel shims the vpm cache
 * harness compiles vpm/core/vpm_cache.c against: tasks and fake CPUs,
 * printk and WARN, a small lockdep, kmalloc, folios and a fake page
 * cache, rhashtable, wait queues and shrinkers.
 *
 * Synchronisation inside the shims is kept to what the kernel objects
 * they stand for provide, so that ThreadSanitizer still sees the races
 * the kernel would have: relaxed atomics for bookkeeping, locks only
 * where the kernel takes one too.
 */
#include <pthread.h>
#include <sched.h>
#include "shim_harness.h"

/* ---- tasks, printk, WARN ---- */

static __thread struct task_struct shim_task;
long shim_nr_warns;
long shim_nr_errors;
long shim_nr_printk[8];
bool shim_verbose;
bool shim_quiet;
static pthread_mutex_t shim_log_lock = PTHREAD_MUTEX_INITIALIZER;
static char shim_log[64][256];
static unsigned int shim_log_n;

struct task_struct *shim_current(void)
{
	return &shim_task;
}

void shim_task_init(const char *name, int cpu)
{
	memset(&shim_task, 0, sizeof(shim_task));
	snprintf(shim_task.comm, sizeof(shim_task.comm), "%s", name);
	shim_task.cpu = cpu;
}

int shim_cpu(void)
{
	return shim_task.cpu;
}

void shim_set_cpu(unsigned int cpu)
{
	if (shim_task.preempt_count || shim_task.nheld)
		shim_bug(__FILE__, __LINE__, "migrating an atomic task");
	shim_task.cpu = cpu % (unsigned int)shim_nr_cpus;
}

void shim_kill(struct task_struct *t)
{
	__atomic_store_n(&t->killed, 1, __ATOMIC_RELEASE);
}

void shim_printk(int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&shim_nr_printk[level & 7], 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&shim_log_lock);
	snprintf(shim_log[shim_log_n++ % 64], sizeof(shim_log[0]), "%s", buf);
	pthread_mutex_unlock(&shim_log_lock);
	if (shim_verbose || (level <= SHIM_LOGLEVEL_ERR && !shim_quiet))
		fprintf(stderr, "<%d>%s", level, buf);
}

const char *shim_last_printk(void)
{
	return shim_log_n ? shim_log[(shim_log_n - 1) % 64] : "";
}

bool shim_printk_seen(const char *substr)
{
	unsigned int i, n = shim_log_n < 64 ? shim_log_n : 64;

	for (i = 0; i < n; i++)
		if (strstr(shim_log[i], substr))
			return true;
	return false;
}

void shim_printk_clear(void)
{
	shim_log_n = 0;
}

void shim_warn(const char *file, int line, const char *cond, bool *once)
{
	__atomic_fetch_add(&shim_nr_warns, 1, __ATOMIC_RELAXED);
	if (!__atomic_exchange_n(once, true, __ATOMIC_RELAXED) || shim_verbose)
		fprintf(stderr, "%sWARNING: %s:%d: WARN_ON_ONCE(%s) [%s]\n",
			shim_quiet ? "(expected) " : "", file, line, cond,
			shim_task.comm);
}

void shim_error(const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&shim_nr_errors, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "SHIM ERROR [%s]: ", shim_task.comm);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void shim_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG: %s:%d: %s [%s]\n", file, line, what,
		shim_task.comm);
	abort();
}

/* ---- lockdep ---- */

#define SHIM_MAX_CLASSES 32
static int shim_nclasses;
static const char *shim_class_name[SHIM_MAX_CLASSES];
static unsigned char shim_dep[SHIM_MAX_CLASSES][SHIM_MAX_CLASSES];

void shim_spin_lock_init(spinlock_t *lock, struct lock_class_key *key,
			 const char *name)
{
	int id = __atomic_load_n(&key->id, __ATOMIC_ACQUIRE);

	if (!id) {
		int want = __atomic_add_fetch(&shim_nclasses, 1,
					      __ATOMIC_RELAXED);
		int zero = 0;

		shim_assert(want < SHIM_MAX_CLASSES);
		shim_class_name[want] = name;
		if (__atomic_compare_exchange_n(&key->id, &zero, want, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			id = want;
		else
			id = zero;
	}
	pthread_mutex_init(&lock->mutex, NULL);
	__atomic_store_n(&lock->owner, NULL, __ATOMIC_RELAXED);
	lock->cls = id;
	lock->name = name;
}

static bool shim_dep_reaches(int from, int to, unsigned long *seen)
{
	int i;

	if (from == to)
		return true;
	if (*seen & (1UL << from))
		return false;
	*seen |= 1UL << from;
	for (i = 1; i <= shim_nclasses && i < SHIM_MAX_CLASSES; i++)
		if (__atomic_load_n(&shim_dep[from][i], __ATOMIC_RELAXED) &&
		    shim_dep_reaches(i, to, seen))
			return true;
	return false;
}

static void shim_lockdep_report(const char *what, spinlock_t *lock)
{
	int i;

	fprintf(stderr, "LOCKDEP [%s]: %s: taking %s (class %d)\n",
		shim_task.comm, what, lock->name, lock->cls);
	for (i = 0; i < shim_task.nheld; i++)
		fprintf(stderr, "  held: %s (class %d)%s\n",
			shim_task.held[i].lock->name, shim_task.held[i].cls,
			shim_task.held[i].trylock ? " [trylock]" : "");
	abort();
}

static void shim_lockdep_before(spinlock_t *lock)
{
	int i;

	if (!lock->cls)
		shim_lockdep_report("lock used before spin_lock_init", lock);
	if (shim_task.nheld >= SHIM_MAX_HELD)
		shim_lockdep_report("too many held locks", lock);
	for (i = 0; i < shim_task.nheld; i++) {
		int prev = shim_task.held[i].cls;
		unsigned long seen = 0;

		if (shim_task.held[i].lock == lock)
			shim_lockdep_report("self-deadlock", lock);
		if (prev == lock->cls)
			shim_lockdep_report("possible recursive locking", lock);
		if (__atomic_load_n(&shim_dep[prev][lock->cls],
				    __ATOMIC_RELAXED))
			continue;
		__atomic_store_n(&shim_dep[prev][lock->cls], 1,
				 __ATOMIC_RELAXED);
		if (shim_dep_reaches(lock->cls, prev, &seen)) {
			fprintf(stderr, "LOCKDEP: %s -> %s closes a cycle\n",
				shim_class_name[prev],
				shim_class_name[lock->cls]);
			shim_lockdep_report("possible circular locking", lock);
		}
	}
}

static void shim_lock_acquired(spinlock_t *lock, bool trylock)
{
	struct shim_held_lock *h = &shim_task.held[shim_task.nheld++];

	__atomic_store_n(&lock->owner, &shim_task, __ATOMIC_RELAXED);
	h->lock = lock;
	h->cls = lock->cls;
	h->trylock = trylock;
}

void spin_lock(spinlock_t *lock)
{
	shim_lockdep_before(lock);
	if (pthread_mutex_lock(&lock->mutex))
		shim_lockdep_report("pthread_mutex_lock failed", lock);
	shim_lock_acquired(lock, false);
}

int spin_trylock(spinlock_t *lock)
{
	if (!lock->cls)
		shim_lockdep_report("lock used before spin_lock_init", lock);
	if (shim_task.nheld >= SHIM_MAX_HELD)
		shim_lockdep_report("too many held locks", lock);
	if (pthread_mutex_trylock(&lock->mutex))
		return 0;
	shim_lock_acquired(lock, true);
	return 1;
}

void spin_unlock(spinlock_t *lock)
{
	int i;

	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != &shim_task)
		shim_lockdep_report("unlocking a lock not held", lock);
	for (i = shim_task.nheld - 1; i >= 0; i--)
		if (shim_task.held[i].lock == lock)
			break;
	shim_assert(i >= 0);
	memmove(&shim_task.held[i], &shim_task.held[i + 1],
		(shim_task.nheld - i - 1) * sizeof(shim_task.held[0]));
	shim_task.nheld--;
	__atomic_store_n(&lock->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock->mutex);
}

bool shim_lock_held(spinlock_t *lock)
{
	return !!__atomic_load_n(&lock->owner, __ATOMIC_RELAXED);
}

void shim_lockdep_assert_held(spinlock_t *lock, const char *file, int line)
{
	if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != &shim_task) {
		fprintf(stderr, "%s:%d: lockdep_assert_held(%s) fails\n",
			file, line, lock->name);
		shim_lockdep_report("lockdep_assert_held", lock);
	}
}

void shim_might_sleep(const char *file, int line)
{
	if (shim_task.nheld || shim_task.preempt_count) {
		fprintf(stderr,
			"BUG: sleeping function called from invalid context at %s:%d (%d locks held, preempt_count %d)\n",
			file, line, shim_task.nheld, shim_task.preempt_count);
		abort();
	}
}

void shim_cond_resched(const char *file, int line)
{
	shim_might_sleep(file, line);
	sched_yield();
}

/* ---- per-CPU areas and preemption ---- */

int shim_nr_cpus = 4;
static pthread_mutex_t shim_cpu_mutex[SHIM_MAX_CPUS] = {
	[0 ... SHIM_MAX_CPUS - 1] = PTHREAD_MUTEX_INITIALIZER
};

void *shim_alloc_percpu(size_t size, size_t align)
{
	size_t bytes = (size_t)shim_nr_cpus * SHIM_PCPU_UNIT;
	void *p;

	shim_assert(size <= SHIM_PCPU_UNIT && align <= SHIM_PCPU_UNIT);
	shim_might_sleep(__FILE__, __LINE__);
	if (shim_alloc_fail_in > 0 && --shim_alloc_fail_in == 0)
		return NULL;
	if (posix_memalign(&p, SHIM_PCPU_UNIT, bytes))
		return NULL;
	memset(p, 0, bytes);
	return p;
}

void free_percpu(void *ptr)
{
	free(ptr);
}

void preempt_disable(void)
{
	if (shim_task.preempt_count++ == 0) {
		shim_task.locked_cpu = shim_task.cpu;
		pthread_mutex_lock(&shim_cpu_mutex[shim_task.cpu]);
	}
}

void preempt_enable(void)
{
	shim_assert(shim_task.preempt_count > 0);
	if (--shim_task.preempt_count == 0) {
		shim_assert(shim_task.locked_cpu == shim_task.cpu);
		pthread_mutex_unlock(&shim_cpu_mutex[shim_task.locked_cpu]);
	}
}

/* ---- kmalloc ---- */

int shim_alloc_fail_in;

void *shim_kmalloc(size_t size, gfp_t gfp, const char *file, int line)
{
	void *p;

	if (gfp & GFP_KERNEL)
		shim_might_sleep(file, line);
	if (shim_alloc_fail_in > 0 && --shim_alloc_fail_in == 0)
		return NULL;
	if (!size)
		return (void *)16;	/* ZERO_SIZE_PTR */
	if (posix_memalign(&p, SMP_CACHE_BYTES, size))
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(p, 0, size);
	return p;
}

void kfree(const void *p)
{
	if (p != (void *)16)
		free((void *)p);
}

/* ---- folios and the fake page cache ---- */

unsigned long shim_totalram_pages = 1UL << 20;	/* 4 GiB */
static pthread_mutex_t shim_folio_lock = PTHREAD_MUTEX_INITIALIZER;
static struct folio shim_folios = {
	.shim_next = &shim_folios, .shim_prev = &shim_folios
};

static long shim_nr_folios;

static struct folio *shim_folio_alloc(struct address_space *mapping,
				      pgoff_t index, unsigned int nr)
{
	struct folio *f = calloc(1, sizeof(*f) + nr * sizeof(struct page));
	unsigned int i;

	shim_assert(f);
	f->shim_refcount = 1;		/* the page cache's reference */
	f->mapping = mapping;
	f->index = index;
	f->shim_nr = nr;
	f->shim_in_mapping = true;
	f->flags = 1UL << PG_uptodate;
	for (i = 0; i < nr; i++)
		f->shim_page[i].shim_folio = f;
	pthread_mutex_lock(&shim_folio_lock);
	f->shim_next = shim_folios.shim_next;
	f->shim_prev = &shim_folios;
	shim_folios.shim_next->shim_prev = f;
	shim_folios.shim_next = f;
	shim_nr_folios++;
	pthread_mutex_unlock(&shim_folio_lock);
	return f;
}

static void shim_folio_free(struct folio *f)
{
	pthread_mutex_lock(&shim_folio_lock);
	f->shim_prev->shim_next = f->shim_next;
	f->shim_next->shim_prev = f->shim_prev;
	shim_nr_folios--;
	pthread_mutex_unlock(&shim_folio_lock);
	free(f);
}

long shim_live_folios(void)
{
	long n;

	pthread_mutex_lock(&shim_folio_lock);
	n = shim_nr_folios;
	pthread_mutex_unlock(&shim_folio_lock);
	return n;
}

void shim_walk_folios(const struct shim_folio_walk *walk)
{
	struct folio *f;

	pthread_mutex_lock(&shim_folio_lock);
	for (f = shim_folios.shim_next; f != &shim_folios; f = f->shim_next)
		walk->fn(f, walk->arg);
	pthread_mutex_unlock(&shim_folio_lock);
}

void shim_folio_get(struct folio *folio, const char *file, int line)
{
	int old = __atomic_fetch_add(&folio->shim_refcount, 1,
				     __ATOMIC_RELAXED);

	if (old <= 0) {
		fprintf(stderr, "%s:%d: folio_get() on a folio with refcount %d\n",
			file, line, old);
		abort();
	}
}

void shim_folio_put(struct folio *folio, const char *file, int line)
{
	int new = __atomic_sub_fetch(&folio->shim_refcount, 1,
				     __ATOMIC_ACQ_REL);

	if (new < 0) {
		fprintf(stderr, "%s:%d: folio_put() underflow (refcount %d)\n",
			file, line, new);
		abort();
	}
	if (new == 0) {
		if (folio->shim_in_mapping) {
			fprintf(stderr, "%s:%d: last reference of a page-cache folio dropped\n",
				file, line);
			abort();
		}
		shim_folio_free(folio);
	}
}

static int shim_nr_mappings;

struct address_space *shim_mapping_create(unsigned long npages,
					  unsigned int large_every)
{
	struct address_space *m = calloc(1, sizeof(*m));
	unsigned long i, j, nr, k = 0;

	shim_assert(m);
	pthread_rwlock_init(&m->shim_lock, NULL);
	m->shim_npages = npages;
	m->shim_id = ++shim_nr_mappings;
	m->shim_folios = calloc(npages, sizeof(*m->shim_folios));
	shim_assert(m->shim_folios);
	for (i = 0; i < npages; i += nr) {
		struct folio *f;

		/* Every large_every-th folio is a 4-page one, aligned. */
		nr = 1;
		if (large_every && !(i & 3) && i + 4 <= npages &&
		    ++k % large_every == 0)
			nr = 4;
		f = shim_folio_alloc(m, i, nr);
		for (j = 0; j < nr; j++)
			m->shim_folios[i + j] = f;
	}
	return m;
}

void shim_mapping_destroy(struct address_space *m)
{
	unsigned long i = 0;

	while (i < m->shim_npages) {
		struct folio *f = m->shim_folios[i];

		if (!f) {
			i++;
			continue;
		}
		i = f->index + f->shim_nr;
		if (folio_ref_count(f) != 1)
			shim_error("mapping %d index %lu: refcount %d at teardown",
				   m->shim_id, i, folio_ref_count(f));
		f->shim_in_mapping = false;
		folio_put(f);
	}
	pthread_rwlock_destroy(&m->shim_lock);
	free(m->shim_folios);
	free(m);
}

struct folio *shim_find_get_folio(struct address_space *m, pgoff_t index)
{
	struct folio *f = NULL;

	pthread_rwlock_rdlock(&m->shim_lock);
	if (index < m->shim_npages) {
		f = m->shim_folios[index];
		if (f)
			folio_get(f);
	}
	pthread_rwlock_unlock(&m->shim_lock);
	return f;
}

/*
 * Remove the folio at @index from the page cache (truncation) and drop
 * the page cache's reference; with @refill put a new folio of the same
 * size in its place.  Returns the old folio, which may be freed already.
 */
struct folio *shim_truncate_folio(struct address_space *m, pgoff_t index,
				  bool refill)
{
	struct folio *f, *nf = NULL;
	unsigned long j;

	pthread_rwlock_wrlock(&m->shim_lock);
	f = m->shim_folios[index];
	if (!f) {
		pthread_rwlock_unlock(&m->shim_lock);
		return NULL;
	}
	if (refill)
		nf = shim_folio_alloc(m, f->index, f->shim_nr);
	for (j = 0; j < f->shim_nr; j++)
		m->shim_folios[f->index + j] = nf;
	f->shim_in_mapping = false;
	pthread_rwlock_unlock(&m->shim_lock);
	folio_put(f);
	return f;
}

unsigned int filemap_get_folios(struct address_space *m, pgoff_t *start,
				pgoff_t end, struct folio_batch *fbatch)
{
	unsigned long i = *start;

	might_sleep();
	pthread_rwlock_rdlock(&m->shim_lock);
	while (i < m->shim_npages && i <= end) {
		struct folio *f = m->shim_folios[i];

		if (!f) {
			i++;
			continue;
		}
		folio_get(f);
		i = f->index + f->shim_nr;
		if (!folio_batch_add(fbatch, f)) {
			*start = i;
			goto out;
		}
	}
	*start = end == (pgoff_t)-1 ? (pgoff_t)-1 : end + 1;
out:
	pthread_rwlock_unlock(&m->shim_lock);
	return folio_batch_count(fbatch);
}

/* ---- rhashtable ---- */

unsigned int shim_rht_insert_fail_every;
static unsigned int shim_rht_inserts;
static struct rhashtable *shim_rht_list;

static unsigned long shim_rht_hash(const void *key, unsigned int len)
{
	const unsigned char *p = key;
	unsigned long h = 1469598103934665603UL;
	unsigned int i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211UL;
	return h ^ (h >> 29);
}

static void shim_rht_check_params(struct rhashtable *ht,
				  const struct rhashtable_params *p)
{
	if (p->key_len != ht->p.key_len || p->key_offset != ht->p.key_offset ||
	    p->head_offset != ht->p.head_offset)
		shim_bug(__FILE__, __LINE__, "rhashtable params differ from init");
}

int rhashtable_init(struct rhashtable *ht,
		    const struct rhashtable_params *params)
{
	unsigned int i;

	memset(ht, 0, sizeof(*ht));
	if (!params->key_len || (!params->hashfn && params->obj_hashfn))
		return -EINVAL;
	ht->p = *params;
	ht->nbuckets = 256;
	ht->buckets = kcalloc(ht->nbuckets, sizeof(*ht->buckets), GFP_KERNEL);
	if (!ht->buckets)
		return -ENOMEM;
	for (i = 0; i < ht->nbuckets; i++)
		spin_lock_init(&ht->buckets[i].lock);
	ht->shim_next = shim_rht_list;
	shim_rht_list = ht;
	return 0;
}

void rhashtable_destroy(struct rhashtable *ht)
{
	struct rhashtable **pp;

	if (atomic_long_read(&ht->nelems))
		shim_error("destroying a hash table with %ld objects",
			   atomic_long_read(&ht->nelems));
	for (pp = &shim_rht_list; *pp; pp = &(*pp)->shim_next)
		if (*pp == ht) {
			*pp = ht->shim_next;
			break;
		}
	kfree(ht->buckets);
	ht->buckets = NULL;
}

struct rhashtable *shim_rht_first(void)
{
	return shim_rht_list;
}

#define OBJ_KEY(ht, obj)	((const char *)(obj) + (ht)->p.key_offset)
#define HEAD_OBJ(ht, he)	((void *)((char *)(he) - (ht)->p.head_offset))

/* The table's own hash and compare functions when it has them. */
static unsigned long shim_rht_keyhash(struct rhashtable *ht, const void *key)
{
	if (ht->p.hashfn)
		return ht->p.hashfn(key, ht->p.key_len, 0x5eed);
	return shim_rht_hash(key, ht->p.key_len);
}

static bool shim_rht_match(struct rhashtable *ht, struct rhash_head *he,
			   const void *key)
{
	struct rhashtable_compare_arg arg = { .ht = ht, .key = key };
	const void *obj = HEAD_OBJ(ht, he);
	bool same = !memcmp(OBJ_KEY(ht, obj), key, ht->p.key_len);

	if (ht->p.obj_cmpfn && !ht->p.obj_cmpfn(&arg, obj) != same)
		shim_bug(__FILE__, __LINE__, "obj_cmpfn disagrees with the key bytes");
	return same;
}

void *shim_rht_lookup(struct rhashtable *ht, const void *key,
		      const struct rhashtable_params *params)
{
	unsigned long h = shim_rht_keyhash(ht, key);
	struct shim_rht_bucket *b = &ht->buckets[h % ht->nbuckets];
	struct rhash_head *he;
	void *obj = NULL;

	shim_rht_check_params(ht, params);
	spin_lock(&b->lock);
	for (he = b->first; he; he = he->next) {
		if (shim_rht_match(ht, he, key)) {
			obj = HEAD_OBJ(ht, he);
			break;
		}
	}
	spin_unlock(&b->lock);
	return obj;
}

int shim_rht_insert(struct rhashtable *ht, struct rhash_head *obj,
		    const struct rhashtable_params *params)
{
	const void *key = OBJ_KEY(ht, HEAD_OBJ(ht, obj));
	unsigned long h = shim_rht_keyhash(ht, key);
	struct shim_rht_bucket *b = &ht->buckets[h % ht->nbuckets];
	unsigned int every = READ_ONCE(shim_rht_insert_fail_every);
	struct rhash_head *he;

	shim_rht_check_params(ht, params);
	if (every && __atomic_add_fetch(&shim_rht_inserts, 1,
					__ATOMIC_RELAXED) % every == 0)
		return -ENOMEM;
	spin_lock(&b->lock);
	if (obj->shim_in_table) {
		spin_unlock(&b->lock);
		shim_error("rhashtable: object %p inserted twice", obj);
		return -EEXIST;
	}
	for (he = b->first; he; he = he->next) {
		if (shim_rht_match(ht, he, key)) {
			spin_unlock(&b->lock);
			return -EEXIST;
		}
	}
	obj->shim_hash = h;
	obj->shim_in_table = true;
	obj->next = b->first;
	b->first = obj;
	atomic_long_inc(&ht->nelems);
	spin_unlock(&b->lock);
	return 0;
}

int shim_rht_remove(struct rhashtable *ht, struct rhash_head *obj,
		    const struct rhashtable_params *params)
{
	const void *key = OBJ_KEY(ht, HEAD_OBJ(ht, obj));
	unsigned long h = shim_rht_keyhash(ht, key);
	struct shim_rht_bucket *b = &ht->buckets[h % ht->nbuckets];
	struct rhash_head **pp;

	shim_rht_check_params(ht, params);
	spin_lock(&b->lock);
	for (pp = &b->first; *pp; pp = &(*pp)->next) {
		if (*pp == obj) {
			*pp = obj->next;
			obj->next = NULL;
			obj->shim_in_table = false;
			atomic_long_dec(&ht->nelems);
			spin_unlock(&b->lock);
			return 0;
		}
	}
	spin_unlock(&b->lock);
	shim_error("rhashtable: removing object %p not in its bucket (%s)",
		   obj, obj->shim_in_table ? "key changed while in the table" :
		   "not in the table");
	return -ENOENT;
}

/* Check a quiescent table; returns the number of objects in it. */
long shim_rht_check(struct rhashtable *ht,
		    bool (*obj_ok)(void *obj, void *arg), void *arg)
{
	long n = 0;
	unsigned int i;

	for (i = 0; i < ht->nbuckets; i++) {
		struct rhash_head *he;

		for (he = ht->buckets[i].first; he; he = he->next) {
			void *obj = HEAD_OBJ(ht, he);
			unsigned long h = shim_rht_keyhash(ht, OBJ_KEY(ht, obj));

			if (h != he->shim_hash || h % ht->nbuckets != i)
				shim_error("rhashtable: object %p's key changed while in the table",
					   obj);
			if (!he->shim_in_table)
				shim_error("rhashtable: object %p linked but not marked",
					   obj);
			if (obj_ok && !obj_ok(obj, arg))
				shim_error("rhashtable: bad object %p", obj);
			n++;
		}
	}
	if (n != atomic_long_read(&ht->nelems))
		shim_error("rhashtable: %ld objects linked, nelems %ld", n,
			   atomic_long_read(&ht->nelems));
	return n;
}

/* ---- wait queues ---- */

void init_waitqueue_head(wait_queue_head_t *wq)
{
	pthread_mutex_init(&wq->mutex, NULL);
	pthread_cond_init(&wq->cond, NULL);
	wq->seq = 0;
	wq->sleepers = 0;
}

void wake_up(wait_queue_head_t *wq)
{
	pthread_mutex_lock(&wq->mutex);
	wq->seq++;
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->mutex);
}

unsigned long shim_prepare_to_wait(wait_queue_head_t *wq)
{
	unsigned long seq;

	shim_might_sleep(__FILE__, __LINE__);
	pthread_mutex_lock(&wq->mutex);
	if (!shim_task.queued) {
		shim_task.queued = true;
		__atomic_fetch_add(&wq->sleepers, 1, __ATOMIC_SEQ_CST);
	}
	seq = wq->seq;
	pthread_mutex_unlock(&wq->mutex);
	smp_mb();	/* set_current_state() */
	return seq;
}

void shim_schedule_wait(wait_queue_head_t *wq, unsigned long seq)
{
	pthread_mutex_lock(&wq->mutex);
	while (wq->seq == seq && !fatal_signal_pending(&shim_task))
		pthread_cond_wait(&wq->cond, &wq->mutex);
	pthread_mutex_unlock(&wq->mutex);
}

void shim_finish_wait(wait_queue_head_t *wq)
{
	pthread_mutex_lock(&wq->mutex);
	if (shim_task.queued) {
		shim_task.queued = false;
		__atomic_fetch_sub(&wq->sleepers, 1, __ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&wq->mutex);
}

/* ---- shrinkers ---- */

#define SHIM_MAX_SHRINKERS 4
static struct shrinker *shim_shrinkers[SHIM_MAX_SHRINKERS];

static void shim_shrinker_add(struct shrinker *s)
{
	int i;

	for (i = 0; i < SHIM_MAX_SHRINKERS; i++)
		if (!shim_shrinkers[i]) {
			shim_shrinkers[i] = s;
			s->shim_registered = true;
			return;
		}
	shim_bug(__FILE__, __LINE__, "too many shrinkers");
}

static void shim_shrinker_del(struct shrinker *s)
{
	int i;

	if (__atomic_load_n(&s->shim_active, __ATOMIC_ACQUIRE))
		shim_error("shrinker %s freed while its callbacks run",
			   s->shim_name);
	for (i = 0; i < SHIM_MAX_SHRINKERS; i++)
		if (shim_shrinkers[i] == s) {
			shim_shrinkers[i] = NULL;
			s->shim_registered = false;
			return;
		}
	shim_error("shrinker %s was not registered", s->shim_name);
}

struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);
	va_list ap;

	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s->shim_name, sizeof(s->shim_name), fmt, ap);
	va_end(ap);
	s->flags = flags;
	s->shim_allocated = true;
	return s;
}

void shrinker_register(struct shrinker *s)
{
	if (!s->shim_allocated || !s->count_objects || !s->scan_objects)
		shim_error("registering a shrinker without callbacks");
	shim_shrinker_add(s);
}

void shrinker_free(struct shrinker *s)
{
	if (!s)
		return;
	if (s->shim_registered)
		shim_shrinker_del(s);
	kfree(s);
}

int register_shrinker(struct shrinker *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->shim_name, sizeof(s->shim_name), fmt, ap);
	va_end(ap);
	if (shim_alloc_fail_in > 0 && --shim_alloc_fail_in == 0)
		return -ENOMEM;
	shim_shrinker_add(s);
	return 0;
}

void unregister_shrinker(struct shrinker *s)
{
	shim_shrinker_del(s);
}

int shim_nr_shrinkers(void)
{
	int i, n = 0;

	for (i = 0; i < SHIM_MAX_SHRINKERS; i++)
		n += !!READ_ONCE(shim_shrinkers[i]);
	return n;
}

/*
 * One reclaim pass over the registered shrinkers: count, then scan up to
 * @nr_to_scan objects in batches as do_shrink_slab() does.  Returns the
 * objects freed; *@count gets the first count.
 */
unsigned long shim_shrink_all(unsigned long nr_to_scan, unsigned long *count)
{
	unsigned long freed = 0;
	int i;

	*count = 0;
	for (i = 0; i < SHIM_MAX_SHRINKERS; i++) {
		struct shrinker *s = READ_ONCE(shim_shrinkers[i]);
		struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
		unsigned long n, todo, ret;

		if (!s)
			continue;
		__atomic_fetch_add(&s->shim_active, 1, __ATOMIC_ACQ_REL);
		n = s->count_objects(s, &sc);
		*count += n == SHRINK_EMPTY ? 0 : n;
		todo = n == SHRINK_EMPTY ? 0 : min_t(unsigned long, n, nr_to_scan);
		while (todo) {
			sc.nr_to_scan = min_t(unsigned long, todo, 128);
			sc.nr_scanned = 0;
			ret = s->scan_objects(s, &sc);
			if (ret == SHRINK_STOP)
				break;
			if (sc.nr_scanned != sc.nr_to_scan)
				shim_error("shrinker: nr_scanned %lu for nr_to_scan %lu",
					   sc.nr_scanned, sc.nr_to_scan);
			freed += ret;
			todo -= sc.nr_to_scan;
		}
		__atomic_fetch_sub(&s->shim_active, 1, __ATOMIC_ACQ_REL);
	}
	return freed;
}
