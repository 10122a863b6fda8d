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
# 937 s on the 2-core test machine while other VMs ran (2026-12-02); the
# VM's timeout (2400 s) is a guard against a hang.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
work=$(mktemp -d "$top/build/check/vpmfs-crash.XXXXXX")
trap 'rm -rf "$work"' EXIT

seed=${VPMFS_SEED:-$(date +%s)}
sample=${VPMFS_CRASH_SAMPLE:-40}
nsample=${VPMFS_CRASH_NOSYNC_SAMPLE:-20}
drop=${VPMFS_CRASH_DROP:-1}
[[ $seed =~ ^[0-9]+$ ]] || { echo "VPMFS_SEED: not a number: $seed"; exit 1; }
[[ $sample =~ ^[0-9]+$ ]] || { echo "VPMFS_CRASH_SAMPLE: not a number: $sample"; exit 1; }
[[ $nsample =~ ^[0-9]+$ ]] || { echo "VPMFS_CRASH_NOSYNC_SAMPLE: not a number: $nsample"; exit 1; }
[[ $drop =~ ^[01]$ ]] || { echo "VPMFS_CRASH_DROP: not 0 or 1: $drop"; exit 1; }
echo "# seed $seed, $sample two-operation and $nsample nosync workloads sampled"

# One pair of disks: the copy modes run one after the other (see
# "Crash tests" in Documentation/vpmfs.rst for why not side by side).
for d in data0 log0; do
	truncate -s 64M "$work/$d.img"
done
"$top/scripts/vmtest" --disk "$work/data0.img" --disk "$work/log0.img" \
	--add "$top/selftests/guest/crash.sh" --timeout 2400 -- \
	"CRASH_TIER='one two nosync' CRASH_TWO_SAMPLE=$sample \
	 CRASH_NOSYNC_SAMPLE=$nsample CRASH_SEED=$seed \
	 CRASH_SAMPLE=0 CRASH_DROP=$drop CRASH_MODES=vpm \
	 bash /opt/add/crash.sh /dev/vda /dev/vdb &&
	 CRASH_TIER=one CRASH_SAMPLE=0 CRASH_DROP=0 CRASH_MODES=generic \
	 bash /opt/add/crash.sh /dev/vda /dev/vdb"
