/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space shim: per-CPU data on a few fake CPUs.
 *
 * Each thread runs "on" a fake CPU (current->cpu, set by the harness,
 * which may migrate it between operations).  A per-CPU area is one unit
 * per possible CPU at a fixed stride, so per_cpu_ptr() and the this_cpu_*
 * operations add a CPU offset to the address, as the kernel does.  The
 * this_cpu_* operations are relaxed atomics: they are preemption and
 * interrupt safe in the kernel, and several threads may share a fake CPU.
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#include <linux/kernel.h>

#define SHIM_MAX_CPUS		64
#define SHIM_PCPU_UNIT		4096

extern int shim_nr_cpus;
int shim_cpu(void);
void *shim_alloc_percpu(size_t size, size_t align);
void free_percpu(void *ptr);

#define alloc_percpu(type)						\
	((type *)shim_alloc_percpu(sizeof(type), __alignof__(type)))
#define per_cpu_ptr(ptr, cpu)						\
	((__typeof__(ptr))((char *)(ptr) + (size_t)(cpu) * SHIM_PCPU_UNIT))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, shim_cpu())
#define raw_cpu_ptr(ptr)	this_cpu_ptr(ptr)
#define smp_processor_id()	shim_cpu()
#define raw_smp_processor_id()	shim_cpu()

#define this_cpu_add(pcp, n)						\
	((void)__atomic_fetch_add(this_cpu_ptr(&(pcp)), (n), __ATOMIC_RELAXED))
#define this_cpu_inc(pcp)	this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)	this_cpu_add(pcp, -1)
#define this_cpu_add_return(pcp, n)					\
	__atomic_add_fetch(this_cpu_ptr(&(pcp)), (n), __ATOMIC_RELAXED)
#define this_cpu_inc_return(pcp)	this_cpu_add_return(pcp, 1)
#define this_cpu_read(pcp)						\
	__atomic_load_n(this_cpu_ptr(&(pcp)), __ATOMIC_RELAXED)

#define num_possible_cpus()	((unsigned int)shim_nr_cpus)
#define num_online_cpus()	num_possible_cpus()
#define nr_cpu_ids		num_possible_cpus()
static inline unsigned int *shim_cpu_first(unsigned int *cpu)
{
	*cpu = 0;
	return cpu;
}

#define for_each_possible_cpu(cpu)					\
	for (unsigned int *__cpu = shim_cpu_first(&(cpu));		\
	     *__cpu < num_possible_cpus(); (*__cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)

#endif /* _SHIM_LINUX_PERCPU_H */
