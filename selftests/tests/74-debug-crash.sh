#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The crash-consistency tests (selftests/tests/49-vpmfs-crash.sh) on the
# debug kernel, a small seeded sample: two-operation and "nosync"
# workloads, under copy=vpm and copy=generic, each checked at every
# flush, FUA and mark of its dm-log-writes log and at every image that
# lacks one write not yet flushed.  KASAN, lockdep and kmemleak watch
# the file system through every workload, its unmount and the replays'
# mounts; a workload costs about a minute here.
#
#   VPMFS_SEED                 seed of the sample (default: the time)
#   VPMFS_CRASH_SAMPLE         two-operation workloads (default 2)
#   VPMFS_CRASH_NOSYNC_SAMPLE  "nosync" workloads (default 1)
# check: alone (it runs two VMs of its own: scripts/check runs it by itself)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

seed=${VPMFS_SEED:-$(date +%s)}
echo "# seed $seed"
VMTEST_KERNEL=debug exec "$top/scripts/crashtest" --tier "two nosync" \
	--two-sample "${VPMFS_CRASH_SAMPLE:-2}" \
	--nosync-sample "${VPMFS_CRASH_NOSYNC_SAMPLE:-1}" --seed "$seed" \
	--sample 0 --drop --modes "vpm generic" --timeout 1800
