// SPDX-License-Identifier: GPL-2.0
/*
 * vpmstat: print the vpm counters from /sys/kernel/debug/vpm/stats as
 * per-interval rates, in the manner of vmstat.
 *
 *   vpmstat            one line of totals since load (or the last reset)
 *   vpmstat 1          a line per second of rates; Ctrl-C stops
 *   vpmstat 1 5        five lines
 *   vpmstat -a         every counter, one "name value" line each
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXC 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct sample {
	int n;
	char name[MAXC][32];
	unsigned long long val[MAXC];
	struct timespec when;
};

static const char *stats_path = "/sys/kernel/debug/vpm/stats";

/* Columns of the rate display; gauges are printed as they are. */
static const struct {
	const char *name;
	const char *head;
	int gauge;
} cols[] = {
	{ "getmap", "maps/s", 0 },
	{ "hits", "hits/s", 0 },
	{ "misses", "miss/s", 0 },
	{ "getpage", "getpg/s", 0 },
	{ "pagecreate", "create/s", 0 },
	{ "steals", "steal/s", 0 },
	{ "stale", "stale/s", 0 },
	{ "release", "sync/s", 0 },
	{ "slots_hashed", "hashed", 1 },
};

static int read_sample(struct sample *s)
{
	FILE *f = fopen(stats_path, "r");
	char line[128];

	if (!f) {
		fprintf(stderr, "vpmstat: %s: %s (is vpm loaded and debugfs mounted?)\n",
			stats_path, strerror(errno));
		return -1;
	}
	s->n = 0;
	while (s->n < MAXC && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %llu", s->name[s->n], &s->val[s->n]) == 2)
			s->n++;
	}
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &s->when);
	return 0;
}

static unsigned long long get(const struct sample *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return s->val[i];
	return 0;
}

static void header(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cols); i++)
		printf("%10s", cols[i].head);
	printf("\n");
}

static void line(const struct sample *a, const struct sample *b)
{
	double dt = 1;
	size_t i;

	if (a)
		dt = (b->when.tv_sec - a->when.tv_sec) +
		     (b->when.tv_nsec - a->when.tv_nsec) / 1e9;

	for (i = 0; i < ARRAY_SIZE(cols); i++) {
		unsigned long long vb = get(b, cols[i].name);

		if (cols[i].gauge || !a)
			printf("%10llu", vb);
		else
			printf("%10.0f", (vb - get(a, cols[i].name)) / (dt > 0 ? dt : 1));
	}
	printf("\n");
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: vpmstat [-a] [interval [count]]\n"
		   "  Prints vpm counters from %s;\n"
		   "  with an interval, per-second rates every interval seconds.\n"
		   "  -a  print every counter as \"name value\" and exit\n",
		stats_path);
}

int main(int argc, char **argv)
{
	static struct sample s[2];
	long interval = 0, count = -1, i;
	int c, all = 0, cur = 0;

	while ((c = getopt(argc, argv, "ah")) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		interval = strtol(argv[optind++], NULL, 10);
		if (interval <= 0) {
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		count = strtol(argv[optind++], NULL, 10);
	if (getenv("VPMSTAT_FILE"))
		stats_path = getenv("VPMSTAT_FILE");

	if (read_sample(&s[cur]))
		return 1;
	if (all) {
		for (i = 0; i < s[cur].n; i++)
			printf("%s %llu\n", s[cur].name[i], s[cur].val[i]);
		return 0;
	}
	header();
	if (!interval) {
		line(NULL, &s[cur]);
		return 0;
	}
	for (i = 0; count < 0 || i < count; i++) {
		sleep(interval);
		if (read_sample(&s[!cur]))
			return 1;
		line(&s[cur], &s[!cur]);
		cur = !cur;
	}
	return 0;
}
