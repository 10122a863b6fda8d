#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Randomized data exerciser (selftests/vpmfs_exerciser.c, run in the VM by
# selftests/guest/exerciser.sh) on vpmfs with a shadow copy on tmpfs,
# compared byte for byte: two exercisers at once under copy=vpm, then
# remount with copy=generic and verify, more random operations, remount
# copy=vpm and verify again.  Then fsck.vpmfs on the host must find the
# image clean.
#
#   VPMFS_SEED           seed (default: the time)
#   VPMFS_EXERCISER_OPS  operations per exerciser run (default 2500; the
#                        later runs do 3/5 of it; fewer on the debug kernel)
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

workdir vpmfs-exerciser
img=$work/disk.img
"$top/build/tools/mkfs.vpmfs" -q -s 128M "$img" 2>/dev/null || {
	need_tools && "$top/build/tools/mkfs.vpmfs" -q -s 128M "$img"
}
seed=${VPMFS_SEED:-$(date +%s)}
echo "# seed $seed"

ops=${VPMFS_EXERCISER_OPS:-2500}
[[ $ops =~ ^[1-9][0-9]*$ ]] || { echo "VPMFS_EXERCISER_OPS: not a number: $ops"; exit 1; }
ops2=$((ops * 3 / 5))

vmtest_guest --disk "$img" --timeout 900 -- exerciser.sh /dev/vda "$seed" "$ops" "$ops2"
"$top/build/tools/fsck.vpmfs" "$img"
