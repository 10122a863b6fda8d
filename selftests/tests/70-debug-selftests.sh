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
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export VMTEST_KERNEL=debug
rc=0
# (test_vpm: 20 load/unload cycles instead of 100: each takes 6-7 s here)
export VPM_LOAD_CYCLES=20
# (the exerciser: 1000 operations per run instead of 2500)
export VPMFS_EXERCISER_OPS=1000
# (the race suite: every scenario under copy=vpm at 15 % of the stock
# kernel's sizes and durations, hole-fill 10 s at least; the copy=generic
# control runs on the stock and backports kernels, and both modes here
# would cost 20 minutes)
export VPMFS_RACE_SCALE=${VPMFS_RACE_SCALE:-15}
export VPMFS_RACE_ARGS=${VPMFS_RACE_ARGS:--m vpm}
# (the no-pin suite: copy=vpm, drop_caches only.  This kernel has no memcg
# and no NUMA, so those scenarios could only skip, and the pipes scenario's
# 300 MiB file made the suite take 11 minutes here; pipes run on the stock
# and backports kernels)
export VPM_NOPIN_MODES=${VPM_NOPIN_MODES:-vpm}
export VPM_NOPIN_TESTS=${VPM_NOPIN_TESTS:-drop-caches}
for t in 10-test-vpm 41-vpmfs-posix 42-vpmfs-exerciser 46-vpmfs-race \
	47-vpmfs-write-rules 48-vpm-nopin; do
	s=$(date +%s)
	if "$top/selftests/tests/$t.sh"; then
		echo "# debug: $t passed ($(($(date +%s) - s)) s)"
	else
		r=$?
		echo "# debug: $t FAILED (exit $r, $(($(date +%s) - s)) s)"
		rc=1
	fi
done
exit $rc
