#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side, no VM: the user-space harness of the vpm slot cache
# (tools/testing/vpm-cache).  vpm/core/vpm_cache.c is compiled unchanged
# against kernel shims and run under AddressSanitizer + UBSan and under
# ThreadSanitizer: unit tests (hits and misses, identity checks of stale
# hints, LRU, second chance, freelists, fault injection, sizing, init
# failures, the memory hotplug notifier), then multi-threaded stress with
# concurrent truncation, re-reads, splits and memory offlining.  The shims
# model the struct page pool (folios are never freed memory: stale hints
# point at reused pages), lockless page-cache lookups, RCU and a small
# lockdep; see tools/testing/vpm-cache/README.
#
# Any ThreadSanitizer report fails; the racing source lines are listed.
#
#   --no-build                 use the binaries already built
#   VPM_CACHE_TEST_SEED=N      seed (default: 1)
#   VPM_CACHE_TEST_SECS=S      seconds per stress configuration (default: 1)
#
# Exit: 0 pass, 1 fail, 4 skip (no C compiler).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
hdir=$top/tools/testing/vpm-cache
out=$top/build/vpm-cache
seed=${VPM_CACHE_TEST_SEED:-1}
secs=${VPM_CACHE_TEST_SECS:-1}

if ! command -v "${CC:-cc}" >/dev/null; then
	echo "no C compiler"
	exit 4
fi
if [ "${1:-}" != --no-build ]; then
	make -s -C "$hdir" O="$out" || { echo "FAIL: build"; exit 1; }
fi

fail=0

# ---- AddressSanitizer + UBSan ----
log=$out/asan.log
s=$(date +%s%N)
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$out/vpm_cache_test-asan" -s "$seed" -t "$secs" 2>"$log"
rc=$?
echo "# asan+ubsan: exit $rc, $(( ($(date +%s%N) - s) / 1000000 )) ms"
grep -E '^(FAIL|BUG|LOCKDEP|SHIM|KNOWN BUG|XPASS|WARNING: /)' "$log" | head -40
if [ "$rc" != 0 ]; then
	echo "FAIL: asan+ubsan variant (full log: $log)"
	grep -E -A25 -m1 'ERROR: (Address|Leak)Sanitizer|runtime error' "$log" |
		sed "s|$top/||g" | head -40
	fail=1
fi

# ---- ThreadSanitizer ----
log=$out/tsan.log
s=$(date +%s%N)
TSAN_OPTIONS="halt_on_error=0 exitcode=66 history_size=4 second_deadlock_stack=1" \
	"$out/vpm_cache_test-tsan" -s "$seed" -t "$secs" 2>"$log"
rc=$?
echo "# tsan: exit $rc, $(( ($(date +%s%N) - s) / 1000000 )) ms"
grep -E '^(FAIL|BUG|LOCKDEP|SHIM|WARNING: /)' "$log" | head -40

nreports=$(grep -c '^WARNING: ThreadSanitizer' "$log" || true)
if [ "$nreports" != 0 ]; then
	echo "FAIL: tsan variant: $nreports reports (full log: $log)"
	# the two accesses of each report: their top frames, with the line
	echo "# racing accesses (count, top frame):"
	grep -iE -A1 '^  (previous )?(atomic )?(read|write) of size' "$log" |
		grep -E '^    #0 ' | sed -E "s|^    #0 ||; s| \(.*\)$||; s|$top/||" |
		sort | uniq -c | sort -rn | head -20
	grep -n -A24 -m2 'WARNING: ThreadSanitizer' "$log" | sed "s|$top/||g" | head -60
	fail=1
elif [ "$rc" != 0 ]; then
	echo "FAIL: tsan variant exit $rc"
	tail -20 "$log"
	fail=1
fi

if [ "$fail" = 0 ]; then
	echo "PASS: vpm cache harness (asan+ubsan, tsan)"
fi
exit $fail
