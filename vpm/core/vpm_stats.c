// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/vpm/: the statistics and the fault-injection knobs.
 *
 *   stats      one "name value" line per counter, summed over CPUs, then
 *              the cache's shape; writing anything resets the counters
 *   percpu     the counters of each CPU, a row per CPU
 *   freelists  the queue lengths and swaps of each freelist
 *   steals_mtbf, contend_mtbf   fault injection, 0 = off
 *   copy_faults  the next N S_WRITE page copies fault (and are retried)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "vpm_internal.h"

const char * const vpm_stat_names[VPM_STAT_NR] = {
	[VPM_STAT_HITS]			= "hits",
	[VPM_STAT_MISSES]		= "misses",
	[VPM_STAT_STEALS]		= "steals",
	[VPM_STAT_CONTEND]		= "contend",
	[VPM_STAT_GETPAGEFAILED]	= "getpagefailed",
	[VPM_STAT_ZEROSTART]		= "zerostart",
	[VPM_STAT_EMPTYFREELIST]	= "emptyfreelist",
	[VPM_STAT_NOFREEVPMS]		= "nofreevpms",
	[VPM_STAT_GETMAP]		= "getmap",
	[VPM_STAT_GETPAGE]		= "getpage",
	[VPM_STAT_PAGECREATE]		= "pagecreate",
	[VPM_STAT_UNMAP]		= "unmap",
	[VPM_STAT_RELEASE]		= "release",
	[VPM_STAT_REL_WRITE]		= "rel_write",
	[VPM_STAT_REL_ASYNC]		= "rel_async",
	[VPM_STAT_REL_FREE]		= "rel_free",
	[VPM_STAT_REL_ABORT]		= "rel_abort",
	[VPM_STAT_REL_DONTNEED]		= "rel_dontneed",
	[VPM_STAT_STALE]		= "stale",
	[VPM_STAT_COPY_RETRY]		= "copy_retry",
	[VPM_STAT_PAIRFULL]		= "pairfull",
};

unsigned int vpm_steals_mtbf;
unsigned int vpm_contend_mtbf;
unsigned int vpm_copy_faults;

static struct dentry *vpm_debugfs;

/**
 * vpm_stats_sum() - add up the per-CPU counters
 * @sum: array of VPM_STAT_NR counters to fill
 */
void vpm_stats_sum(unsigned long *sum)
{
	unsigned int cpu, i;

	memset(sum, 0, sizeof(*sum) * VPM_STAT_NR);
	for_each_possible_cpu(cpu) {
		struct vpm_cpu *c = per_cpu_ptr(vpmd.cpu, cpu);

		for (i = 0; i < VPM_STAT_NR; i++)
			sum[i] += READ_ONCE(c->vcpu_stat[i]);
	}
}

/**
 * vpm_stat_get() - read one statistic by the name it has in debugfs
 * @name: a counter name ("hits", "misses", ...) or one of "slots",
 *	"freelists", "buckets", "slots_hashed"
 *
 * For tests and monitoring from other modules.
 *
 * Return: the value, summed over CPUs; 0 for an unknown name.
 */
u64 vpm_stat_get(const char *name)
{
	unsigned long sum[VPM_STAT_NR];
	unsigned int i;

	for (i = 0; i < VPM_STAT_NR; i++) {
		if (!strcmp(name, vpm_stat_names[i])) {
			vpm_stats_sum(sum);
			return sum[i];
		}
	}
	if (!strcmp(name, "slots"))
		return vpmd.nslots;
	if (!strcmp(name, "freelists"))
		return vpmd.nslots ? vpmd.nfreelist : 0;
	if (!strcmp(name, "buckets"))
		return vpmd.nslots ? 1UL << vpmd.hashbits : 0;
	if (!strcmp(name, "slots_hashed"))
		return vpm_cache_hinted();
	return 0;
}
EXPORT_SYMBOL_GPL(vpm_stat_get);

static int vpm_stats_show(struct seq_file *m, void *v)
{
	static const char * const shape[] = {
		"slots", "freelists", "buckets", "slots_hashed",
	};
	unsigned long sum[VPM_STAT_NR];
	unsigned int i;

	vpm_stats_sum(sum);
	for (i = 0; i < VPM_STAT_NR; i++)
		seq_printf(m, "%s %lu\n", vpm_stat_names[i], sum[i]);
	for (i = 0; i < ARRAY_SIZE(shape); i++)
		seq_printf(m, "%s %llu\n", shape[i], vpm_stat_get(shape[i]));
	seq_printf(m, "slot_bytes %zu\n", sizeof(struct vpmap));
	seq_printf(m, "cache_bytes %zu\n",
		   vpmd.nslots ? vpmd.nslots * sizeof(struct vpmap) +
		   vpmd.nfreelist * sizeof(struct vpmfree) +
		   (sizeof(struct vpm_bucket) << vpmd.hashbits) : 0);
	return 0;
}

static int vpm_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, vpm_stats_show, NULL);
}

/* Any write resets every counter on every CPU. */
static ssize_t vpm_stats_write(struct file *file, const char __user *buf,
			       size_t len, loff_t *ppos)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct vpm_cpu *c = per_cpu_ptr(vpmd.cpu, cpu);

		memset(c->vcpu_stat, 0, sizeof(c->vcpu_stat));
	}
	return len;
}

static const struct file_operations vpm_stats_fops = {
	.owner		= THIS_MODULE,
	.open		= vpm_stats_open,
	.read		= seq_read,
	.write		= vpm_stats_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int vpm_percpu_show(struct seq_file *m, void *v)
{
	unsigned int cpu, i;

	seq_puts(m, "cpu");
	for (i = 0; i < VPM_STAT_NR; i++)
		seq_printf(m, " %s", vpm_stat_names[i]);
	seq_puts(m, "\n");
	for_each_possible_cpu(cpu) {
		struct vpm_cpu *c = per_cpu_ptr(vpmd.cpu, cpu);

		seq_printf(m, "%u", cpu);
		for (i = 0; i < VPM_STAT_NR; i++)
			seq_printf(m, " %lu", READ_ONCE(c->vcpu_stat[i]));
		seq_puts(m, "\n");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vpm_percpu);

static int vpm_freelists_show(struct seq_file *m, void *v)
{
	unsigned int i;
	u32 a, r;

	seq_puts(m, "list allocq releq swaps\n");
	for (i = 0; i < vpmd.nfreelist && vpmd.nslots; i++) {
		struct vpmfree *fl = &vpmd.free[i];

		vpm_freelist_counts(i, &a, &r);
		seq_printf(m, "%u %u %u %lu\n", i, a, r,
			   READ_ONCE(fl->vpm_swaps));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vpm_freelists);

/**
 * vpm_stats_init() - create /sys/kernel/debug/vpm/
 *
 * Return: 0; debugfs failures are not fatal, as for every debugfs user.
 */
int vpm_stats_init(void)
{
	vpm_debugfs = debugfs_create_dir("vpm", NULL);
	debugfs_create_file("stats", 0644, vpm_debugfs, NULL, &vpm_stats_fops);
	debugfs_create_file("percpu", 0444, vpm_debugfs, NULL,
			    &vpm_percpu_fops);
	debugfs_create_file("freelists", 0444, vpm_debugfs, NULL,
			    &vpm_freelists_fops);
	debugfs_create_u32("steals_mtbf", 0644, vpm_debugfs, &vpm_steals_mtbf);
	debugfs_create_u32("contend_mtbf", 0644, vpm_debugfs,
			   &vpm_contend_mtbf);
	debugfs_create_u32("copy_faults", 0644, vpm_debugfs, &vpm_copy_faults);
	return 0;
}

/**
 * vpm_stats_fini() - remove /sys/kernel/debug/vpm/
 */
void vpm_stats_fini(void)
{
	debugfs_remove(vpm_debugfs);
}
