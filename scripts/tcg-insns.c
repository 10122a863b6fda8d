// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin for scripts/insncount: counts the guest instructions
 * executed per translation block (TB), and writes the counts out as a
 * snapshot, then zeroes them, each time a TB starting at the guest
 * address mark= executes (the guest kernel's get_robust_list system
 * call, which tools/vpmloop makes before and after its loop).  A last
 * snapshot is written when QEMU exits.
 *
 *   -plugin build/insncount/tcg-insns.so,mark=HEXADDR,out=FILE[,last=FILE2]
 *
 * FILE gets, for each snapshot, a line "S <number>" and then a line
 * "<TB address, hex> <instructions in the TB> <executions> <lookups>" for
 * each TB that ran since the previous snapshot, where lookups counts the
 * TB's exits that TCG cannot chain to the next TB (see tcgi_exec()).
 * With last=FILE2, FILE2 gets each TB's address and last instruction as
 * it is translated, to check how exits are told apart.  A TB counts whole when it
 * starts, so one that an exception cuts short counts too many.  Counting
 * is slow (a callback per executed TB), so the VM has one vCPU and the
 * timings it prints are no guide.
 *
 * The plugin API is declared here, as far as it is used, rather than
 * taken from QEMU's qemu-plugin.h, which Debian does not package.  These
 * calls have not changed since plugin API version 1; this plugin declares
 * version 2, which QEMU 9.0 made the oldest it loads (8.x loads only 1).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

typedef uint64_t qemu_plugin_id_t;

#define TCGI_EXPORT __attribute__((visibility("default")))

TCGI_EXPORT int qemu_plugin_version = 2;

typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

typedef void (*tcgi_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*tcgi_exec_cb)(unsigned int vcpu, void *udata);
typedef void (*tcgi_exit_cb)(qemu_plugin_id_t id, void *udata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   tcgi_trans_cb cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  tcgi_exec_cb cb,
					  enum qemu_plugin_cb_flags flags,
					  void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
char *qemu_plugin_insn_disas(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, tcgi_exit_cb cb,
				    void *udata);

TCGI_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
				    const qemu_info_t *info, int argc,
				    char **argv);

/* One TB, by address and length (a TB translated again is the same). */
struct tcgi_tb {
	uint64_t key[2];	/* vaddr, instructions: the hash key */
	uint64_t count;		/* executions since the last snapshot */
	uint64_t lookups;	/* exits since then that were not chained */
	bool indirect;		/* ends in a return or an indirect branch */
	struct tcgi_tb *next;	/* every TB, for the snapshots */
};

static GHashTable *tcgi_table;
static GMutex tcgi_lock;
static struct tcgi_tb *tcgi_all;
static uint64_t tcgi_mark;
static FILE *tcgi_out;
static FILE *tcgi_last;		/* last=FILE: each TB's last instruction */
static unsigned int tcgi_snaps;

/* The TB each vCPU ran last, to tell how it left it. */
#define TCGI_MAX_VCPUS	64
static struct tcgi_tb *tcgi_prev[TCGI_MAX_VCPUS];

static guint tcgi_hash(gconstpointer p)
{
	const uint64_t *k = p;

	return g_int64_hash(&k[0]) ^ (guint)k[1];
}

static gboolean tcgi_equal(gconstpointer a, gconstpointer b)
{
	const uint64_t *x = a, *y = b;

	return x[0] == y[0] && x[1] == y[1];
}

/* Called with tcgi_lock held. */
static void tcgi_snapshot(void)
{
	struct tcgi_tb *t;

	if (!tcgi_out)		/* after the exit snapshot */
		return;
	fprintf(tcgi_out, "S %u\n", tcgi_snaps++);
	for (t = tcgi_all; t; t = t->next) {
		uint64_t c = __atomic_exchange_n(&t->count, 0, __ATOMIC_RELAXED);
		uint64_t l = __atomic_exchange_n(&t->lookups, 0, __ATOMIC_RELAXED);

		if (c || l)
			fprintf(tcgi_out, "%" PRIx64 " %" PRIu64 " %" PRIu64
				" %" PRIu64 "\n", t->key[0], t->key[1], c, l);
	}
	fflush(tcgi_out);
}

static void tcgi_exec(unsigned int vcpu, void *udata)
{
	struct tcgi_tb *t = udata, *p = NULL;

	__atomic_add_fetch(&t->count, 1, __ATOMIC_RELAXED);
	/*
	 * How the vCPU came here from its last TB.  TCG chains a TB's exit
	 * straight to the next TB only for a direct jump (or the fall
	 * through) to the page the TB started on; a return, an indirect
	 * branch or a jump to another page looks the next TB up in a hash
	 * table (helper_lookup_tb_ptr), which under TCG costs more than
	 * many instructions.  Interrupts and exceptions count here too.
	 */
	if (vcpu < TCGI_MAX_VCPUS) {
		p = tcgi_prev[vcpu];
		tcgi_prev[vcpu] = t;
	}
	if (p && (p->indirect || ((p->key[0] ^ t->key[0]) & ~(uint64_t)0xfff)))
		__atomic_add_fetch(&p->lookups, 1, __ATOMIC_RELAXED);
	if (t->key[0] == tcgi_mark) {
		g_mutex_lock(&tcgi_lock);
		tcgi_snapshot();
		g_mutex_unlock(&tcgi_lock);
	}
}

/*
 * Whether the TB's last instruction is a return or an indirect jump or
 * call, from its disassembly (AT&T or Intel syntax): "ret...", or a
 * "jmp"/"call" whose operand is not a plain address.
 */
static bool tcgi_indirect(const struct qemu_plugin_tb *tb, size_t n)
{
	char *d, *op;
	bool ind = false;

	if (!n)
		return false;
	d = qemu_plugin_insn_disas(qemu_plugin_tb_get_insn(tb, n - 1));
	if (!d)
		return false;
	if (tcgi_last)
		fprintf(tcgi_last, "%" PRIx64 " %s\n", qemu_plugin_tb_vaddr(tb), d);
	op = d + strspn(d, " \t");
	if (!strncmp(op, "ret", 3) || !strncmp(op, "iret", 4) ||
	    !strncmp(op, "sysret", 6)) {
		ind = true;
	} else if (!strncmp(op, "jmp", 3) || !strncmp(op, "call", 4)) {
		op += strcspn(op, " \t");
		op += strspn(op, " \t");
		ind = *op == '*' || strchr(op, '[') || strchr(op, '%') ||
		      strncmp(op, "0x", 2);
	}
	g_free(d);
	return ind;
}

static void tcgi_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t key[2] = { qemu_plugin_tb_vaddr(tb), qemu_plugin_tb_n_insns(tb) };
	struct tcgi_tb *t;

	(void)id;
	g_mutex_lock(&tcgi_lock);
	t = g_hash_table_lookup(tcgi_table, key);
	if (!t) {
		t = g_new0(struct tcgi_tb, 1);
		t->key[0] = key[0];
		t->key[1] = key[1];
		t->indirect = tcgi_indirect(tb, key[1]);
		t->next = tcgi_all;
		tcgi_all = t;
		g_hash_table_insert(tcgi_table, t->key, t);
	}
	g_mutex_unlock(&tcgi_lock);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tcgi_exec,
					     QEMU_PLUGIN_CB_NO_REGS, t);
}

static void tcgi_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	g_mutex_lock(&tcgi_lock);
	tcgi_snapshot();
	fclose(tcgi_out);
	tcgi_out = NULL;
	g_mutex_unlock(&tcgi_lock);
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	const char *out = NULL;
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "mark=", 5))
			tcgi_mark = strtoull(argv[i] + 5, NULL, 16);
		else if (!strncmp(argv[i], "out=", 4))
			out = argv[i] + 4;
		else if (!strncmp(argv[i], "last=", 5))
			tcgi_last = fopen(argv[i] + 5, "w");
	}
	if (!tcgi_mark || !out) {
		fprintf(stderr, "tcg-insns: need mark=HEXADDR and out=FILE\n");
		return -1;
	}
	tcgi_out = fopen(out, "w");
	if (!tcgi_out) {
		perror(out);
		return -1;
	}
	tcgi_table = g_hash_table_new(tcgi_hash, tcgi_equal);
	qemu_plugin_register_vcpu_tb_trans_cb(id, tcgi_trans);
	qemu_plugin_register_atexit_cb(id, tcgi_exit, NULL);
	return 0;
}
