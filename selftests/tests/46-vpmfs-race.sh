#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data-path races on vpmfs (selftests/vpmfs_race.c, run in the VM by
# selftests/guest/race.sh): appends against writeback, filling holes
# against readers (stale blocks), write() against mmap stores, truncation
# against readers, writers and faults, name space operations from several
# processes, and a seeded random mix; every byte is checked, fsck.vpmfs
# -n after each scenario, and the files are checked again after a
# remount.  All of it under copy=vpm and then copy=generic (the control),
# in one boot on a fresh 1 GiB sparse image.
#
#   VPMFS_SEED         seed (default: the time)
#   VPMFS_RACE_SCALE   percent of the default sizes and durations (100)
#   VPMFS_RACE_ARGS    more race.sh arguments, e.g. "-m vpm hole-fill"
#   VMTEST_KERNEL      as for scripts/vmtest (stock by default)
#
# The debug kernel (3-6x slower, ~30 s per scenario in mkfs/fsck/mount
# alone): VMTEST_KERNEL=debug VPMFS_RACE_SCALE=15 VPMFS_RACE_ARGS="-m vpm"
# takes about 6 minutes in the guest.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
img=$(mktemp "$top/build/check/vpmfs-race.XXXXXX.img")
trap 'rm -f "$img"' EXIT
truncate -s 1G "$img"

seed=${VPMFS_SEED:-$(date +%s)}
scale=${VPMFS_RACE_SCALE:-100}
extra=${VPMFS_RACE_ARGS:-}
[[ $seed =~ ^[0-9]+$ ]] || { echo "VPMFS_SEED: not a number: $seed"; exit 1; }
[[ $scale =~ ^[1-9][0-9]*$ ]] || { echo "VPMFS_RACE_SCALE: not a number: $scale"; exit 1; }
[[ $extra =~ ^[-a-z0-9\ ]*$ ]] || { echo "VPMFS_RACE_ARGS: unexpected characters: $extra"; exit 1; }
echo "# seed $seed, scale $scale%"

# About 4 minutes at scale 100 on the stock kernel; the timeout leaves
# room for a loaded machine and grows with the scale.
timeout=$((900 * (scale > 100 ? scale : 100) / 100))
"$top/scripts/vmtest" --disk "$img" --add "$top/selftests/guest/race.sh" \
	--timeout "$timeout" -- "sh /opt/add/race.sh -S $seed -s $scale $extra"
