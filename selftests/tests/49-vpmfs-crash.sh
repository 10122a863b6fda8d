#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crash consistency of vpmfs, the sampled tier (selftests/guest/crash.sh in
# the VM, with selftests/vpmfs_crash.c and selftests/vpmfs_logreplay.c),
# stock kernel, one boot: under copy=vpm, every one-operation workload, a
# seeded sample of the two-operation ones and of the "nosync" ones (a
# name made with no sync, then a rename, link or unlink that depends on
# it), each run over dm-log-writes
# and checked at every flush, FUA and mark of its log and, before every
# flush and mark, at every image that lacks one write not yet flushed
# (what a volatile disk cache may lose); then every one-operation
# workload under copy=generic, at the flushes, FUA writes and marks.  The
# copy mode changes how data gets into the page cache, not what reaches
# the disk in which order, so the control runs at the smaller size here;
# `make crashtest` (scripts/crashtest) runs every one- and two-operation
# workload in both modes.
#
#   VPMFS_SEED          seed of the two-operation sample (default: the
#                       time; printed)
#   VPMFS_CRASH_SAMPLE  two-operation workloads sampled (default 40)
#   VPMFS_CRASH_NOSYNC_SAMPLE  "nosync" workloads sampled (default 20)
#   VPMFS_CRASH_DROP    0: no images with a lost write (default 1)
#   VMTEST_KERNEL       as for scripts/vmtest (stock by default)
#
# scripts/crashtest runs each part in two VMs at a time (every other
# workload each).  284 s on the 2-core test machine while other VMs ran
# (2026-12-02; 436 s with one VM on a quiet host before); the
# VMs' timeouts are guards against a hang.
# check: alone (it runs two VMs of its own: scripts/check runs it by itself)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

seed=${VPMFS_SEED:-$(date +%s)}
sample=${VPMFS_CRASH_SAMPLE:-40}
nsample=${VPMFS_CRASH_NOSYNC_SAMPLE:-20}
drop=${VPMFS_CRASH_DROP:-1}
[[ $seed =~ ^[0-9]+$ ]] || { echo "VPMFS_SEED: not a number: $seed"; exit 1; }
[[ $drop =~ ^[01]$ ]] || { echo "VPMFS_CRASH_DROP: not 0 or 1: $drop"; exit 1; }
echo "# seed $seed, $sample two-operation and $nsample nosync workloads sampled"
dropopt=()
[ "$drop" = 0 ] || dropopt=(--drop)

"$top/scripts/crashtest" --tier "one two nosync" --two-sample "$sample" \
	--nosync-sample "$nsample" --seed "$seed" --sample 0 "${dropopt[@]}" \
	--modes vpm --timeout 1800
"$top/scripts/crashtest" --tier one --sample 0 --modes generic --timeout 1200
