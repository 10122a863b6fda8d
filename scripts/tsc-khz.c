// SPDX-License-Identifier: GPL-2.0
/*
 * scripts/tsc-khz: print the host's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW over 200 ms.  Built and run by scripts/vmtest for
 * the debug kernel's tsc_early_khz= (see there).
 *
 * Each end of the interval is an rdtsc between two clock reads; the
 * narrowest of 50 tries is kept, so that being preempted while reading
 * costs accuracy only if every try is.  Exit 1 when the clocks disagree
 * (no TSC that counts, or a bracket never narrower than 20 us).
 */
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One end: the TSC and the midpoint of the narrowest clock bracket. */
static int sample(unsigned long long *tsc, long long *ns)
{
	long long best = LLONG_MAX;
	int i;

	for (i = 0; i < 50; i++) {
		long long a = now_ns();
		unsigned long long t = __rdtsc();
		long long b = now_ns();

		if (b - a < best) {
			best = b - a;
			*tsc = t;
			*ns = a + (b - a) / 2;
		}
	}
	return best < 20000 ? 0 : -1;
}

int main(void)
{
	struct timespec gap = { 0, 200000000 };
	unsigned long long t0, t1;
	long long n0, n1;

	if (sample(&t0, &n0))
		return 1;
	nanosleep(&gap, NULL);
	if (sample(&t1, &n1) || n1 <= n0 || t1 <= t0)
		return 1;
	printf("%llu\n", (t1 - t0) * 1000000 / (unsigned long long)(n1 - n0));
	return 0;
}
