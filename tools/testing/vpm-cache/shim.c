// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-line half of the user-space kernel shims the vpm cache
 * harness compiles vpm/core/vpm_cache.c against: tasks and fake CPUs,
 * printk and WARN, a small lockdep, kmalloc and kvmalloc, RCU, the struct
 * page pool with its folios, a fake page cache and memory hotplug.
 *
 * Synchronisation inside the shims is kept to what the kernel objects
 * they stand for provide, so that ThreadSanitizer still sees the races
 * the kernel would have: relaxed atomics for bookkeeping, locks only
 * where the kernel takes one too.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sanitizer/asan_interface.h>
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

static void shim_rcu_register(struct task_struct *t);
static void shim_rcu_unregister(struct task_struct *t);

struct task_struct *shim_current(void)
{
	return &shim_task;
}

void shim_task_init(const char *name, int cpu)
{
	struct shim_rcu_reader *r = shim_task.rcu;

	if (shim_task.nheld || shim_task.rcu_nesting)
		shim_bug(__FILE__, __LINE__, "task re-initialised while atomic");
	memset(&shim_task, 0, sizeof(shim_task));
	snprintf(shim_task.comm, sizeof(shim_task.comm), "%s", name);
	shim_task.cpu = cpu % shim_nr_cpus;
	shim_task.rcu = r;
	if (!r)
		shim_rcu_register(&shim_task);
}

void shim_task_exit(void)
{
	if (shim_task.nheld)
		shim_bug(__FILE__, __LINE__, "task exits holding a spinlock");
	if (shim_task.rcu_nesting)
		shim_bug(__FILE__, __LINE__, "task exits inside rcu_read_lock()");
	shim_rcu_unregister(&shim_task);
}

int shim_cpu(void)
{
	return shim_task.cpu;
}

void shim_set_cpu(unsigned int cpu)
{
	if (shim_task.nheld || shim_task.rcu_nesting)
		shim_bug(__FILE__, __LINE__, "migrating an atomic task");
	shim_task.cpu = cpu % (unsigned int)shim_nr_cpus;
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

/* shim_bug() with a printf-style description. */
static __printf(3, 4) void shim_bugf(const char *file, int line,
				     const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	shim_bug(file, line, what);
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
	__atomic_store_n(&lock->waiters, 0, __ATOMIC_RELAXED);
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
	__atomic_fetch_add(&lock->waiters, 1, __ATOMIC_RELAXED);
	if (pthread_mutex_lock(&lock->mutex))
		shim_lockdep_report("pthread_mutex_lock failed", lock);
	__atomic_fetch_sub(&lock->waiters, 1, __ATOMIC_RELAXED);
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

int shim_lock_waiters(spinlock_t *lock)
{
	return __atomic_load_n(&lock->waiters, __ATOMIC_RELAXED);
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
	if (shim_task.nheld || shim_task.rcu_nesting) {
		fprintf(stderr,
			"BUG: sleeping function called from invalid context at %s:%d (%d locks held, RCU nesting %d) [%s]\n",
			file, line, shim_task.nheld, shim_task.rcu_nesting,
			shim_task.comm);
		abort();
	}
}

void shim_cond_resched(const char *file, int line)
{
	shim_might_sleep(file, line);
	sched_yield();
}

/* ---- allocations: kmalloc, kvmalloc, per-CPU ---- */

int shim_fail_in;
size_t shim_kv_limit = 64UL << 20;
static long shim_nr_allocs;		/* atomic: live allocations */
static struct shim_kv_req shim_kv_log[8];
static unsigned int shim_kv_n;

static bool shim_fail_now(void)
{
	return shim_fail_in > 0 && --shim_fail_in == 0;
}

long shim_live_allocs(void)
{
	return __atomic_load_n(&shim_nr_allocs, __ATOMIC_RELAXED);
}

/*
 * Large allocations (hash tables of big caches) are anonymous mappings:
 * zero without being touched, so sizing tests stay cheap.
 */
#define SHIM_BIG	BIT(20)
static struct {
	void *p;
	size_t len;
} shim_big[16];
static pthread_mutex_t shim_big_lock = PTHREAD_MUTEX_INITIALIZER;

static void *shim_heap_alloc(size_t bytes, gfp_t gfp)
{
	void *p;
	int i;

	if (!bytes)
		return (void *)16;	/* ZERO_SIZE_PTR */
	if (bytes >= SHIM_BIG) {
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		pthread_mutex_lock(&shim_big_lock);
		for (i = 0; i < 16 && shim_big[i].p; i++)
			;
		shim_assert(i < 16);
		shim_big[i].p = p;
		shim_big[i].len = bytes;
		pthread_mutex_unlock(&shim_big_lock);
	} else {
		if (posix_memalign(&p, SMP_CACHE_BYTES, bytes))
			return NULL;
		if (gfp & __GFP_ZERO)
			memset(p, 0, bytes);
	}
	__atomic_fetch_add(&shim_nr_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void *shim_kmalloc_array(size_t n, size_t size, gfp_t gfp,
			 const char *file, int line)
{
	if (gfp & GFP_KERNEL)
		shim_might_sleep(file, line);
	if (size && n > SIZE_MAX / size)
		return NULL;
	if (shim_fail_now())
		return NULL;
	/* beyond KMALLOC_MAX_SIZE the page allocator warns and fails */
	if (n * size > (4UL << 20)) {
		static bool warned;

		shim_warn(file, line, "kmalloc: size > KMALLOC_MAX_SIZE", &warned);
		return NULL;
	}
	return shim_heap_alloc(n * size, gfp);
}

void *shim_kvmalloc_array(size_t n, size_t size, gfp_t gfp,
			  const char *file, int line)
{
	static bool warned;
	struct shim_kv_req *r = &shim_kv_log[shim_kv_n++ % 8];
	size_t bytes;

	if (gfp & GFP_KERNEL)
		shim_might_sleep(file, line);
	r->n = n;
	r->size = size;
	r->ok = false;
	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	/* mm/util.c: "Don't even allow crazy sizes" */
	if (bytes > INT_MAX) {
		if (!(gfp & __GFP_NOWARN))
			shim_warn(file, line, "kvmalloc: size > INT_MAX", &warned);
		return NULL;
	}
	if (shim_fail_now() || bytes > shim_kv_limit)
		return NULL;
	r->ok = true;
	return shim_heap_alloc(bytes, gfp);
}

const struct shim_kv_req *shim_kv_last(unsigned int back)
{
	if (back >= 8 || back >= shim_kv_n)
		return NULL;
	return &shim_kv_log[(shim_kv_n - 1 - back) % 8];
}

void shim_kv_log_clear(void)
{
	shim_kv_n = 0;
}

void kfree(const void *p)
{
	int i;

	if (!p || p == (void *)16)
		return;
	__atomic_fetch_sub(&shim_nr_allocs, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&shim_big_lock);
	for (i = 0; i < 16 && shim_big[i].p != p; i++)
		;
	if (i < 16) {
		munmap(shim_big[i].p, shim_big[i].len);
		shim_big[i].p = NULL;
	}
	pthread_mutex_unlock(&shim_big_lock);
	if (i == 16)
		free((void *)p);
}

int shim_nr_cpus = 4;

void *shim_alloc_percpu(size_t size, size_t align)
{
	size_t bytes = (size_t)shim_nr_cpus * SHIM_PCPU_UNIT;
	void *p;

	shim_assert(size <= SHIM_PCPU_UNIT && align <= SHIM_PCPU_UNIT);
	shim_might_sleep(__FILE__, __LINE__);
	if (shim_fail_now())
		return NULL;
	if (posix_memalign(&p, SHIM_PCPU_UNIT, bytes))
		return NULL;
	memset(p, 0, bytes);
	__atomic_fetch_add(&shim_nr_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void free_percpu(void *ptr)
{
	if (!ptr)
		return;
	__atomic_fetch_sub(&shim_nr_allocs, 1, __ATOMIC_RELAXED);
	free(ptr);
}

/* ---- RCU ---- */

#define SHIM_MAX_TASKS	256

struct shim_rcu_reader {
	unsigned long ctr;	/* atomic: grace period seen, 0 outside */
	bool in_use;		/* shim_rcu_lock */
} __aligned(64);

static struct shim_rcu_reader shim_rcu_rec[SHIM_MAX_TASKS];
static pthread_mutex_t shim_rcu_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long shim_rcu_gp = 1;	/* atomic */

static void shim_rcu_register(struct task_struct *t)
{
	int i;

	pthread_mutex_lock(&shim_rcu_lock);
	for (i = 0; i < SHIM_MAX_TASKS; i++)
		if (!shim_rcu_rec[i].in_use)
			break;
	shim_assert(i < SHIM_MAX_TASKS);
	shim_rcu_rec[i].in_use = true;
	__atomic_store_n(&shim_rcu_rec[i].ctr, 0, __ATOMIC_RELAXED);
	t->rcu = &shim_rcu_rec[i];
	pthread_mutex_unlock(&shim_rcu_lock);
}

static void shim_rcu_unregister(struct task_struct *t)
{
	if (!t->rcu)
		return;
	pthread_mutex_lock(&shim_rcu_lock);
	t->rcu->in_use = false;
	t->rcu = NULL;
	pthread_mutex_unlock(&shim_rcu_lock);
}

void rcu_read_lock(void)
{
	shim_assert(shim_task.rcu);
	if (shim_task.rcu_nesting++)
		return;
	/*
	 * A seq_cst read-modify-write (a full barrier, as the smp_mb() of
	 * user-space RCU; ThreadSanitizer does not take fences): the
	 * reader's loads stay after its announcement.
	 */
	(void)__atomic_exchange_n(&shim_task.rcu->ctr,
				  __atomic_load_n(&shim_rcu_gp, __ATOMIC_SEQ_CST),
				  __ATOMIC_SEQ_CST);
}

void rcu_read_unlock(void)
{
	if (shim_task.rcu_nesting <= 0)
		shim_bugf(__FILE__, __LINE__, "%s() without lock", __func__);
	if (--shim_task.rcu_nesting)
		return;
	/* everything the reader did happens before the grace period ends */
	__atomic_store_n(&shim_task.rcu->ctr, 0, __ATOMIC_RELEASE);
}

bool rcu_read_lock_held(void)
{
	return shim_task.rcu_nesting > 0;
}

void synchronize_rcu(void)
{
	unsigned long gp, c;
	int i;

	shim_might_sleep(__FILE__, __LINE__);
	pthread_mutex_lock(&shim_rcu_lock);
	gp = __atomic_add_fetch(&shim_rcu_gp, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < SHIM_MAX_TASKS; i++) {
		if (!shim_rcu_rec[i].in_use)
			continue;
		while ((c = __atomic_load_n(&shim_rcu_rec[i].ctr,
					    __ATOMIC_SEQ_CST)) && c < gp)
			usleep(50);
		/* pairs with the release in rcu_read_unlock() */
		(void)__atomic_load_n(&shim_rcu_rec[i].ctr,
				      __ATOMIC_ACQUIRE);
	}
	pthread_mutex_unlock(&shim_rcu_lock);
}

int shim_rcu_readers(void)
{
	int i, n = 0;

	pthread_mutex_lock(&shim_rcu_lock);
	for (i = 0; i < SHIM_MAX_TASKS; i++)
		n += shim_rcu_rec[i].in_use &&
		     __atomic_load_n(&shim_rcu_rec[i].ctr, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(&shim_rcu_lock);
	return n;
}

/* ---- the memory hotplug notifier chain ---- */

#define SHIM_MAX_NOTIFIERS 4
static struct notifier_block *shim_mem_nb[SHIM_MAX_NOTIFIERS];
static pthread_rwlock_t shim_mem_nb_lock = PTHREAD_RWLOCK_INITIALIZER;

int register_memory_notifier(struct notifier_block *nb)
{
	int i, err = -ENOMEM;

	shim_might_sleep(__FILE__, __LINE__);
	if (shim_fail_now())
		return -ENOMEM;
	pthread_rwlock_wrlock(&shim_mem_nb_lock);
	for (i = 0; i < SHIM_MAX_NOTIFIERS; i++)
		if (shim_mem_nb[i] == nb) {
			shim_error("memory notifier %p registered twice", nb);
			err = -EEXIST;
			goto out;
		}
	for (i = 0; i < SHIM_MAX_NOTIFIERS; i++)
		if (!shim_mem_nb[i]) {
			shim_mem_nb[i] = nb;
			err = 0;
			break;
		}
out:
	pthread_rwlock_unlock(&shim_mem_nb_lock);
	return err;
}

void unregister_memory_notifier(struct notifier_block *nb)
{
	int i;

	shim_might_sleep(__FILE__, __LINE__);
	pthread_rwlock_wrlock(&shim_mem_nb_lock);
	for (i = 0; i < SHIM_MAX_NOTIFIERS; i++)
		if (shim_mem_nb[i] == nb)
			break;
	if (i < SHIM_MAX_NOTIFIERS)
		shim_mem_nb[i] = NULL;
	pthread_rwlock_unlock(&shim_mem_nb_lock);
	if (i == SHIM_MAX_NOTIFIERS)
		shim_error("unregistering memory notifier %p not registered", nb);
}

int shim_nr_memory_notifiers(void)
{
	int i, n = 0;

	pthread_rwlock_rdlock(&shim_mem_nb_lock);
	for (i = 0; i < SHIM_MAX_NOTIFIERS; i++)
		n += !!shim_mem_nb[i];
	pthread_rwlock_unlock(&shim_mem_nb_lock);
	return n;
}

/* A blocking notifier chain: callbacks may sleep; an rwsem is held. */
int shim_memory_notify(unsigned long action, unsigned long start_pfn,
		       unsigned long nr_pages)
{
	struct memory_notify mn = {
		.start_pfn = start_pfn,
		.nr_pages = nr_pages,
		.status_change_nid = -1,
		.status_change_nid_normal = -1,
	};
	int i, ret = NOTIFY_DONE;

	shim_might_sleep(__FILE__, __LINE__);
	pthread_rwlock_rdlock(&shim_mem_nb_lock);
	for (i = 0; i < SHIM_MAX_NOTIFIERS; i++) {
		if (!shim_mem_nb[i])
			continue;
		ret = shim_mem_nb[i]->notifier_call(shim_mem_nb[i], action, &mn);
		if (shim_task.nheld || shim_task.rcu_nesting)
			shim_bug(__FILE__, __LINE__,
				 "memory notifier returned atomic");
		if (ret & NOTIFY_STOP_MASK)
			break;
	}
	pthread_rwlock_unlock(&shim_mem_nb_lock);
	return ret;
}

/* ---- the struct page pool ---- */

unsigned long shim_totalram_pages = 1UL << 20;	/* 4 GiB */
struct folio shim_pages[SHIM_NR_PAGES] __aligned(64);
/* outside the pages, so reading it is legal while they are poisoned */
static unsigned char shim_offline[SHIM_NR_PAGES];
static pthread_mutex_t shim_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static int shim_free_head = -1;		/* most recently freed first */
static unsigned long shim_nr_free;
static unsigned long shim_pool_limit;
static unsigned long shim_seq;		/* atomic: the truncation clock */

static inline int shim_page_nr(const struct folio *f)
{
	return (int)(f - shim_pages);
}

static struct folio *shim_pool_page(const struct folio *f, const char *file,
				    int line)
{
	uintptr_t p = (uintptr_t)f, b = (uintptr_t)shim_pages;

	if (p < b || p >= (uintptr_t)&shim_pages[SHIM_NR_PAGES] ||
	    (p - b) % sizeof(*f)) {
		fprintf(stderr, "%s:%d: %p is not a struct page of the pool\n",
			file, line, f);
		abort();
	}
	return (struct folio *)f;
}

static void shim_page_gone(const struct folio *f, const char *what,
			   const char *file, int line)
{
	if (__atomic_load_n(&shim_offline[shim_page_nr(f)], __ATOMIC_ACQUIRE)) {
		fprintf(stderr,
			"BUG: %s:%d: %s on the struct page of pfn %#lx, whose memory is offline [%s]\n",
			file, line, what, SHIM_PFN_BASE + shim_page_nr(f),
			shim_task.comm);
		abort();
	}
}

unsigned long shim_folio_pfn(const struct folio *f, const char *file,
			     int line)
{
	return SHIM_PFN_BASE + shim_page_nr(shim_pool_page(f, file, line));
}

bool shim_page_offline(unsigned long i)
{
	return __atomic_load_n(&shim_offline[i], __ATOMIC_ACQUIRE);
}

/* Pool lock held. */
static void shim_free_unlink(struct folio *f)
{
	if (!f->shim_listed)
		return;		/* beyond the pool limit */
	f->shim_listed = 0;
	if (f->shim_prev_free >= 0)
		shim_pages[f->shim_prev_free].shim_next_free = f->shim_next_free;
	else
		shim_free_head = f->shim_next_free;
	if (f->shim_next_free >= 0)
		shim_pages[f->shim_next_free].shim_prev_free = f->shim_prev_free;
	f->shim_prev_free = -1;
	f->shim_next_free = -1;
	shim_nr_free--;
}

static void shim_free_push(struct folio *f)
{
	int n = shim_page_nr(f);

	if ((unsigned long)n >= shim_pool_limit)
		return;		/* not used by this test */
	f->shim_listed = 1;
	f->shim_prev_free = -1;
	f->shim_next_free = shim_free_head;
	if (shim_free_head >= 0)
		shim_pages[shim_free_head].shim_prev_free = n;
	shim_free_head = n;
	shim_nr_free++;
}

static int shim_state(const struct folio *f)
{
	return __atomic_load_n(&f->shim_state, __ATOMIC_ACQUIRE);
}

static void shim_set_state(struct folio *f, int state)
{
	__atomic_store_n(&f->shim_state, state, __ATOMIC_RELEASE);
}

void shim_pool_reset(unsigned long npages)
{
	long i;

	shim_assert(npages >= 4 && npages <= SHIM_NR_PAGES);
	pthread_mutex_lock(&shim_pool_lock);
	shim_free_head = -1;
	shim_nr_free = 0;
	for (i = SHIM_NR_PAGES - 1; i >= 0; i--) {
		struct folio *f = &shim_pages[i];

		if (shim_offline[i] || shim_state(f) != SHIM_PAGE_FREE ||
		    folio_ref_count(f))
			shim_bug(__FILE__, __LINE__, "pool reset with pages in use");
		f->shim_prev_free = -1;
		f->shim_next_free = -1;
		f->shim_listed = 0;
	}
	shim_pool_limit = npages;
	for (i = npages - 1; i >= 0; i--)
		shim_free_push(&shim_pages[i]);
	pthread_mutex_unlock(&shim_pool_lock);
}

unsigned long shim_pool_free(void)
{
	unsigned long n;

	pthread_mutex_lock(&shim_pool_lock);
	n = shim_nr_free;
	pthread_mutex_unlock(&shim_pool_lock);
	return n;
}

/* Take 1 << order free pages (at @at if given); NULL if none. */
static struct folio *shim_pool_alloc(unsigned int order, struct folio *at)
{
	unsigned long nr = 1UL << order, i, j;
	struct folio *f = NULL;

	pthread_mutex_lock(&shim_pool_lock);
	if (at) {
		i = shim_page_nr(at);
		if (i % nr || i + nr > SHIM_NR_PAGES)
			shim_bug(__FILE__, __LINE__, "misaligned folio");
		for (j = 0; j < nr; j++)
			if (shim_offline[i + j] || at[j].shim_isolate ||
			    shim_state(at + j) != SHIM_PAGE_FREE)
				goto out;
		f = at;
	} else if (!order) {
		if (shim_free_head >= 0)
			f = &shim_pages[shim_free_head];
	} else {
		for (i = 0; i + nr <= shim_pool_limit && !f; i += nr) {
			for (j = 0; j < nr; j++)
				if (shim_offline[i + j] ||
				    shim_pages[i + j].shim_isolate ||
				    shim_state(&shim_pages[i + j]) != SHIM_PAGE_FREE)
					break;
			if (j == nr)
				f = &shim_pages[i];
		}
	}
	if (!f)
		goto out;
	for (j = 0; j < nr; j++) {
		shim_free_unlink(f + j);
		/* not FREE any more: nobody else takes it */
		shim_set_state(f + j, j ? SHIM_PAGE_TAIL : SHIM_PAGE_CACHE);
	}
out:
	pthread_mutex_unlock(&shim_pool_lock);
	return f;
}

/* The last reference is gone: give the pages back. */
static void shim_folio_free(struct folio *f, const char *file, int line)
{
	unsigned long nr = f->shim_nr, j;

	if (READ_ONCE(f->mapping) || shim_state(f) != SHIM_PAGE_TRUNC) {
		fprintf(stderr,
			"BUG: %s:%d: last reference of a page-cache folio (pfn %#lx) dropped [%s]\n",
			file, line, folio_pfn(f), shim_task.comm);
		abort();
	}
	pthread_mutex_lock(&shim_pool_lock);
	/* tails first, so the head is the next page allocated */
	for (j = nr; j-- > 0;) {
		struct folio *p = f + j;

		p->shim_nr = 1;
		if (p->shim_isolate) {
			shim_set_state(p, SHIM_PAGE_ISOLATED);
		} else {
			shim_set_state(p, SHIM_PAGE_FREE);
			shim_free_push(p);
		}
	}
	pthread_mutex_unlock(&shim_pool_lock);
}

void (*shim_try_get_hook)(struct folio *folio, void *arg);
void *shim_try_get_hook_arg;

bool shim_folio_try_get(struct folio *f, const char *file, int line)
{
	int old;

	if (shim_try_get_hook)
		shim_try_get_hook(f, shim_try_get_hook_arg);
	shim_pool_page(f, file, line);
	shim_page_gone(f, "folio_try_get()", file, line);
	old = __atomic_load_n(&f->shim_refcount, __ATOMIC_RELAXED);
	do {
		if (old < 0) {
			fprintf(stderr, "%s:%d: folio_try_get(): refcount %d\n",
				file, line, old);
			abort();
		}
		if (!old)
			return false;
	} while (!__atomic_compare_exchange_n(&f->shim_refcount, &old, old + 1,
					      false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return true;
}

void shim_folio_get(struct folio *f, const char *file, int line)
{
	int old;

	shim_pool_page(f, file, line);
	shim_page_gone(f, "folio_get()", file, line);
	old = __atomic_fetch_add(&f->shim_refcount, 1, __ATOMIC_RELAXED);
	if (old <= 0) {
		fprintf(stderr,
			"BUG: %s:%d: folio_get() on a folio with refcount %d (free, tail or frozen) [%s]\n",
			file, line, old, shim_task.comm);
		abort();
	}
}

void shim_folio_put(struct folio *f, const char *file, int line)
{
	int new;

	shim_pool_page(f, file, line);
	shim_page_gone(f, "folio_put()", file, line);
	new = __atomic_sub_fetch(&f->shim_refcount, 1, __ATOMIC_ACQ_REL);
	if (new < 0) {
		fprintf(stderr,
			"BUG: %s:%d: folio_put() underflow: refcount %d (a put without a reference) [%s]\n",
			file, line, new, shim_task.comm);
		abort();
	}
	if (!new)
		shim_folio_free(f, file, line);
}

/* ---- the fake page cache ---- */

#define SHIM_MAX_MAPPINGS 16
static struct address_space *shim_mappings[SHIM_MAX_MAPPINGS];
static pthread_mutex_t shim_mappings_lock = PTHREAD_MUTEX_INITIALIZER;
static int shim_nr_mappings_made;

struct address_space *shim_mapping_create(unsigned long npages)
{
	struct address_space *m = calloc(1, sizeof(*m));
	int i;

	shim_assert(m);
	pthread_mutex_init(&m->shim_lock, NULL);
	m->shim_npages = npages;
	m->shim_slots = calloc(npages, sizeof(*m->shim_slots));
	shim_assert(m->shim_slots);
	pthread_mutex_lock(&shim_mappings_lock);
	m->shim_id = ++shim_nr_mappings_made;
	for (i = 0; i < SHIM_MAX_MAPPINGS; i++)
		if (!shim_mappings[i])
			break;
	shim_assert(i < SHIM_MAX_MAPPINGS);
	shim_mappings[i] = m;
	pthread_mutex_unlock(&shim_mappings_lock);
	return m;
}

void shim_mapping_destroy(struct address_space *m)
{
	unsigned long i;

	for (i = 0; i < m->shim_npages; i++)
		shim_pc_truncate(m, i);
	pthread_mutex_lock(&shim_mappings_lock);
	for (i = 0; i < SHIM_MAX_MAPPINGS; i++)
		if (shim_mappings[i] == m)
			shim_mappings[i] = NULL;
	pthread_mutex_unlock(&shim_mappings_lock);
	pthread_mutex_destroy(&m->shim_lock);
	free(m->shim_slots);
	free(m);
}

static struct folio *shim_slot(struct address_space *m, pgoff_t index)
{
	return __atomic_load_n(&m->shim_slots[index], __ATOMIC_ACQUIRE);
}

static void shim_set_slot(struct address_space *m, pgoff_t index,
			  struct folio *f)
{
	__atomic_store_n(&m->shim_slots[index], f, __ATOMIC_RELEASE);
}

struct folio *shim_pc_get(struct address_space *m, pgoff_t index)
{
	struct folio *f;

	if (index >= m->shim_npages)
		return NULL;
	/*
	 * As filemap_get_entry(): inside an RCU read-side section, which
	 * memory offlining waits for before the struct pages go away (a
	 * slot read just before the folio was truncated and its memory
	 * offlined would otherwise be a struct page of offline memory).
	 */
	rcu_read_lock();
	for (;;) {
		f = shim_slot(m, index);
		if (!f)
			break;
		if (!folio_try_get(f)) {	/* freed or frozen: look again */
			sched_yield();
			continue;
		}
		if (shim_slot(m, index) == f)
			break;
		folio_put(f);
	}
	rcu_read_unlock();
	return f;
}

/*
 * The page allocator hands out a page taken from the pool: flags clear,
 * refcount 1 (from now on folio_try_get() on a stale pointer succeeds);
 * ->mapping is NULL and ->index what the last use left.
 */
static void shim_folio_alloced(struct folio *f, unsigned long nr)
{
	unsigned long j;

	for (j = 1; j < nr; j++) {
		WRITE_ONCE(f[j].mapping, NULL);
		__atomic_store_n(&f[j].flags, 0, __ATOMIC_RELAXED);
	}
	f->shim_nr = nr;
	f->shim_gen++;
	__atomic_store_n(&f->flags, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&f->shim_trunc_seq, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&f->shim_add_seq, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&f->shim_refcount, 1, __ATOMIC_RELEASE);
}

unsigned int shim_add_preempt = 8;
void (*shim_add_hook)(struct folio *folio, void *arg);
void *shim_add_hook_arg;
static __thread unsigned int shim_add_rnd = 2463534242u;

/*
 * __filemap_add_folio(), mapping lock held: the page cache takes a
 * reference, ->mapping is set, then ->index (plain stores in the kernel;
 * ->mapping's is marked here, as KCSAN assumes an aligned word store is).
 * The allocator's reference is the reader's until the read is done.
 */
static void shim_folio_add(struct folio *f, struct address_space *m,
			   pgoff_t index)
{
	/* folio_ref_add(): the page cache's, besides the allocator's */
	__atomic_fetch_add(&f->shim_refcount, 1, __ATOMIC_RELAXED);
	f->shim_owner = m;
	WRITE_ONCE(f->mapping, m);
	if (shim_add_hook)
		shim_add_hook(f, shim_add_hook_arg);
	if (shim_add_preempt) {
		shim_add_rnd ^= shim_add_rnd << 13;
		shim_add_rnd ^= shim_add_rnd >> 17;
		shim_add_rnd ^= shim_add_rnd << 5;
		if (!(shim_add_rnd % shim_add_preempt))
			sched_yield();
	}
	f->index = index;
	shim_set_state(f, SHIM_PAGE_CACHE);
	__atomic_store_n(&f->shim_add_seq,
			 __atomic_add_fetch(&shim_seq, 1, __ATOMIC_SEQ_CST),
			 __ATOMIC_RELEASE);
}

struct folio *shim_pc_add(struct address_space *m, pgoff_t index,
			  unsigned int order, struct folio *at)
{
	unsigned long nr = 1UL << order, j;
	struct folio *f = NULL;

	shim_assert(order == 0 || order == 2);
	index &= ~(nr - 1);
	if (index + nr > m->shim_npages)
		return NULL;
	pthread_mutex_lock(&m->shim_lock);
	for (j = 0; j < nr; j++)
		if (shim_slot(m, index + j))
			goto out;
	f = shim_pool_alloc(order, at);
	if (!f)
		goto out;
	shim_folio_alloced(f, nr);
	shim_folio_add(f, m, index);
	for (j = 0; j < nr; j++)
		shim_set_slot(m, index + j, f);
out:
	pthread_mutex_unlock(&m->shim_lock);
	if (f) {
		/* ->read_folio() done; the reader drops its reference */
		folio_mark_uptodate(f);
		folio_put(f);
	}
	return f;
}

struct folio *shim_pc_read(struct address_space *m, pgoff_t index,
			   unsigned int order)
{
	struct folio *f = shim_pc_get(m, index);

	if (f)
		return f;
	shim_pc_add(m, index, order, NULL);
	return shim_pc_get(m, index);
}

/* Mapping lock held: take @f out; the caller drops the reference. */
static void shim_pc_remove(struct address_space *m, struct folio *f)
{
	unsigned long j;

	for (j = 0; j < f->shim_nr; j++)
		shim_set_slot(m, f->index + j, NULL);
	WRITE_ONCE(f->mapping, NULL);
	shim_set_state(f, SHIM_PAGE_TRUNC);
	__atomic_store_n(&f->shim_trunc_seq,
			 __atomic_add_fetch(&shim_seq, 1, __ATOMIC_SEQ_CST),
			 __ATOMIC_RELEASE);
}

bool shim_pc_truncate(struct address_space *m, pgoff_t index)
{
	struct folio *f;

	if (index >= m->shim_npages)
		return false;
	pthread_mutex_lock(&m->shim_lock);
	f = shim_slot(m, index);
	if (f)
		shim_pc_remove(m, f);
	pthread_mutex_unlock(&m->shim_lock);
	if (f)
		folio_put(f);		/* the page cache's reference */
	return f;
}

bool shim_pc_split(struct address_space *m, pgoff_t index)
{
	struct folio *f;
	unsigned long j;
	int one = 1;
	bool done = false;

	if (index >= m->shim_npages)
		return false;
	pthread_mutex_lock(&m->shim_lock);
	f = shim_slot(m, index);
	if (!f || f->shim_nr == 1)
		goto out;
	/* folio_ref_freeze(): only the page cache may hold it */
	if (!__atomic_compare_exchange_n(&f->shim_refcount, &one, 0, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		goto out;
	/* __split_huge_page_tail(): set up while frozen, then unfrozen */
	for (j = 1; j < f->shim_nr; j++) {
		struct folio *t = f + j;

		t->index = f->index + j;
		t->shim_nr = 1;
		t->shim_owner = m;
		t->shim_gen++;
		__atomic_store_n(&t->shim_trunc_seq, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&t->shim_add_seq, f->shim_add_seq, __ATOMIC_RELAXED);
		__atomic_store_n(&t->flags,
				 __atomic_load_n(&f->flags, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		WRITE_ONCE(t->mapping, m);
		shim_set_state(t, SHIM_PAGE_CACHE);
		__atomic_store_n(&t->shim_refcount, 1, __ATOMIC_RELEASE);
		shim_set_slot(m, f->index + j, t);
	}
	f->shim_nr = 1;
	__atomic_store_n(&f->shim_refcount, 1, __ATOMIC_RELEASE);
	done = true;
out:
	pthread_mutex_unlock(&m->shim_lock);
	return done;
}

unsigned long shim_seq_now(void)
{
	return __atomic_load_n(&shim_seq, __ATOMIC_SEQ_CST);
}

long shim_pool_check(void)
{
	long bad = 0;
	unsigned long i, j;

#define SHIM_BAD(fmt, ...)						\
	do {								\
		if (bad++ < 5)						\
			fprintf(stderr, "pool: pfn %#lx: " fmt "\n",	\
				SHIM_PFN_BASE + i, ##__VA_ARGS__);	\
	} while (0)

	for (i = 0; i < SHIM_NR_PAGES; i++) {
		struct folio *f = &shim_pages[i];
		int ref, state;

		if (shim_page_offline(i))
			continue;
		ref = folio_ref_count(f);
		state = shim_state(f);
		switch (state) {
		case SHIM_PAGE_FREE:
		case SHIM_PAGE_ISOLATED:
			if (ref || f->mapping || f->shim_nr != 1)
				SHIM_BAD("free page: refcount %d mapping %p",
					 ref, f->mapping);
			if (state == SHIM_PAGE_ISOLATED)
				SHIM_BAD("isolated at rest");
			break;
		case SHIM_PAGE_CACHE:
			if (ref != 1)
				SHIM_BAD("cached folio (mapping %d index %lu): refcount %d, want 1",
					 f->shim_owner->shim_id, f->index, ref);
			if (f->mapping != f->shim_owner)
				SHIM_BAD("mapping %p, owner %p", f->mapping,
					 f->shim_owner);
			for (j = 0; j < f->shim_nr; j++)
				if (f->mapping && f->mapping->shim_slots[f->index + j] != f)
					SHIM_BAD("not in its page cache at %lu",
						 f->index + j);
			break;
		case SHIM_PAGE_TRUNC:
			SHIM_BAD("truncated folio referenced (refcount %d): a reference leaked",
				 ref);
			break;
		case SHIM_PAGE_TAIL:
			if (ref)
				SHIM_BAD("tail page with refcount %d", ref);
			break;
		default:
			SHIM_BAD("state %d", state);
		}
	}
#undef SHIM_BAD
	return bad;
}

/* ---- memory hotplug ---- */

static bool shim_range_ok(unsigned long start_pfn, unsigned long nr)
{
	return start_pfn >= SHIM_PFN_BASE && nr && !(nr % 4) &&
	       !((start_pfn - SHIM_PFN_BASE) % 4) &&
	       start_pfn - SHIM_PFN_BASE + nr <= SHIM_NR_PAGES;
}

/*
 * offline_pages(): isolate the range, get every page in it free (here by
 * truncating the page cache folios there: no migration), then
 * MEM_OFFLINE; after it the struct pages are gone.
 */
int shim_memory_offline(unsigned long start_pfn, unsigned long nr)
{
	unsigned long first = start_pfn - SHIM_PFN_BASE, i, idx;
	struct timespec t0, t;
	bool busy;
	int k, ret;

	shim_assert(shim_range_ok(start_pfn, nr));
	ret = shim_memory_notify(MEM_GOING_OFFLINE, start_pfn, nr);
	if (ret & NOTIFY_STOP_MASK) {
		shim_memory_notify(MEM_CANCEL_OFFLINE, start_pfn, nr);
		return -EBUSY;
	}
	pthread_mutex_lock(&shim_pool_lock);
	for (i = first; i < first + nr; i++) {
		struct folio *f = &shim_pages[i];

		shim_assert(!shim_offline[i]);
		f->shim_isolate = 1;
		if (shim_state(f) == SHIM_PAGE_FREE) {
			shim_free_unlink(f);
			shim_set_state(f, SHIM_PAGE_ISOLATED);
		}
	}
	pthread_mutex_unlock(&shim_pool_lock);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		/* truncate the page cache folios in the range */
		for (k = 0; k < SHIM_MAX_MAPPINGS; k++) {
			struct address_space *m;

			pthread_mutex_lock(&shim_mappings_lock);
			m = shim_mappings[k];
			pthread_mutex_unlock(&shim_mappings_lock);
			if (!m)
				continue;
			for (idx = 0; idx < m->shim_npages; idx++) {
				struct folio *f;

				pthread_mutex_lock(&m->shim_lock);
				f = shim_slot(m, idx);
				if (f && (f - shim_pages < (long)first ||
					  f - shim_pages >= (long)(first + nr)))
					f = NULL;
				if (f)
					shim_pc_remove(m, f);
				pthread_mutex_unlock(&m->shim_lock);
				if (f)
					folio_put(f);
			}
		}
		busy = false;
		for (i = first; i < first + nr && !busy; i++)
			busy = shim_state(&shim_pages[i]) != SHIM_PAGE_ISOLATED;
		if (!busy)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 60) {
			shim_error("offline: pfn %#lx still in use after 60 s",
				   SHIM_PFN_BASE + i - 1);
			abort();
		}
		usleep(100);
	}
	shim_memory_notify(MEM_OFFLINE, start_pfn, nr);
	/* page-cache lookups that read a slot before the truncation */
	synchronize_rcu();
	/* the struct pages go away (the pool scans them under its lock) */
	pthread_mutex_lock(&shim_pool_lock);
	for (i = first; i < first + nr; i++) {
		shim_set_state(&shim_pages[i], SHIM_PAGE_OFFLINE);
		__atomic_store_n(&shim_offline[i], 1, __ATOMIC_RELEASE);
	}
	ASAN_POISON_MEMORY_REGION(&shim_pages[first], nr * sizeof(shim_pages[0]));
	pthread_mutex_unlock(&shim_pool_lock);
	return 0;
}

void shim_memory_online(unsigned long start_pfn, unsigned long nr)
{
	unsigned long first = start_pfn - SHIM_PFN_BASE, i;

	shim_assert(shim_range_ok(start_pfn, nr));
	shim_memory_notify(MEM_GOING_ONLINE, start_pfn, nr);
	pthread_mutex_lock(&shim_pool_lock);
	ASAN_UNPOISON_MEMORY_REGION(&shim_pages[first],
				    nr * sizeof(shim_pages[0]));
	for (i = first + nr; i-- > first;) {
		struct folio *f = &shim_pages[i];

		shim_assert(shim_offline[i]);
		/* a new memory map: nothing of the old pages survives */
		memset(f, 0, sizeof(*f));
		f->shim_nr = 1;
		f->shim_state = SHIM_PAGE_FREE;
		__atomic_store_n(&shim_offline[i], 0, __ATOMIC_RELEASE);
		shim_free_push(f);
	}
	pthread_mutex_unlock(&shim_pool_lock);
	shim_memory_notify(MEM_ONLINE, start_pfn, nr);
}

/* Every page starts free, refcount 0, a single page. */
__attribute__((constructor)) static void shim_pool_init(void)
{
	int i;

	for (i = 0; i < SHIM_NR_PAGES; i++) {
		shim_pages[i].shim_nr = 1;
		shim_pages[i].shim_prev_free = -1;
		shim_pages[i].shim_next_free = -1;
	}
	shim_pool_reset(SHIM_NR_PAGES);
}
