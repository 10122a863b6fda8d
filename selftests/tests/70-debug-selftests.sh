#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tier (issue #6): on the lockdep/KASAN/kmemleak/DEBUG_VM/
# DEBUG_PAGEALLOC/UBSAN kernel of scripts/debug-kernel (Debian's newest
# linux-source, 7.2), run test_vpm under every cache configuration, the
# vpmfs POSIX suite, the randomized exerciser, the concurrency suite, the
# write rules and the no-pin suite.  vmtest unmounts vpmfs,
# rmmods the modules and runs a kmemleak scan after each command, and
# fails on any report in the kernel log.
# check: alone (it runs two VMs of its own: scripts/check runs it by itself)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export VMTEST_KERNEL=debug
rc=0
# (test_vpm: 20 load/unload cycles instead of 100: each takes 6-7 s here;
# too few for its MemAvailable check, which needs 50)
export VPM_LOAD_CYCLES=20
# (the exerciser: 1000 operations per run instead of 2500)
export VPMFS_EXERCISER_OPS=1000
# (the race suite: every scenario under copy=vpm at 15 % of the stock
# kernel's sizes and durations, hole-fill 10 s at least; the copy=generic
# control runs on the stock and backports kernels, and both modes here
# would cost 20 minutes)
export VPMFS_RACE_SCALE=${VPMFS_RACE_SCALE:-15}
export VPMFS_RACE_ARGS=${VPMFS_RACE_ARGS:--m vpm}
# (the no-pin suite: every scenario, copy=vpm only (the copy=generic
# control runs on the stock and backports kernels), with a 160 MiB file
# to read and 128 MiB to write instead of 300 and 200: a pinning cache
# (123 MiB by default here) would still hold more than the cgroup's 64
# MiB)
export VPM_NOPIN_MODES=${VPM_NOPIN_MODES:-vpm}
export VPM_NOPIN_BIG=${VPM_NOPIN_BIG:-160M}
export VPM_NOPIN_WRITE=${VPM_NOPIN_WRITE:-128M}
# Two lanes of VMs at a time (a VM that keeps one of its two vCPUs busy
# leaves a host CPU idle; see scripts/check).  Each lane runs its tests
# in turn; the tests' output is printed test by test at the end, then the
# summary, then the tail of each failed test's output again (make check
# shows the last 120 lines of a failed step).
mkdir -p "$top/build/check"
work=$(mktemp -d "$top/build/check/debug-lanes.XXXXXX")
trap 'rm -rf "$work"' EXIT
# lane TEST...: run the tests in turn, each one's output to $work/TEST.out
# and its result line to $work/TEST.res; exit 1 if one failed
lane() {
	local t s r rc=0
	for t in "$@"; do
		s=$(date +%s)
		if "$top/selftests/tests/$t.sh" >"$work/$t.out" 2>&1; then
			echo "# debug: $t passed ($(($(date +%s) - s)) s)" >"$work/$t.res"
		else
			r=$?
			echo "# debug: $t FAILED (exit $r, $(($(date +%s) - s)) s)" >"$work/$t.res"
			rc=1
		fi
	done
	return $rc
}
lane_a=(48-vpm-nopin 41-vpmfs-posix)
lane_b=(10-test-vpm 42-vpmfs-exerciser 46-vpmfs-race 47-vpmfs-write-rules)
lane "${lane_a[@]}" &
pa=$!
lane "${lane_b[@]}" &
pb=$!
rc=0
wait $pa || rc=1
wait $pb || rc=1
for t in "${lane_a[@]}" "${lane_b[@]}"; do
	echo "# ---- debug: $t"
	cat "$work/$t.out" 2>/dev/null || true
done
cat "$work"/*.res
for t in "${lane_a[@]}" "${lane_b[@]}"; do
	grep -q FAILED "$work/$t.res" 2>/dev/null || continue
	echo "# ---- debug: $t failed; the end of its output:"
	tail -n 90 "$work/$t.out"
done
exit $rc
