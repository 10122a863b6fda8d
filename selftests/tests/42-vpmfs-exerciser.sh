#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Randomized data exerciser (selftests/vpmfs_exerciser.c) on vpmfs with a
# shadow copy on tmpfs, compared byte for byte: two exercisers at once
# under copy=vpm, then remount with copy=generic and verify, more random
# operations, remount copy=vpm and verify again.  Then fsck.vpmfs on the
# host must find the image clean.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
img=$(mktemp "$top/build/check/vpmfs-exerciser.XXXXXX.img")
trap 'rm -f "$img"' EXIT
"$top/build/tools/mkfs.vpmfs" -q -s 128M "$img" 2>/dev/null || {
	make -C "$top" tools >/dev/null && "$top/build/tools/mkfs.vpmfs" -q -s 128M "$img"
}
seed=${VPMFS_SEED:-$(date +%s)}
echo "# seed $seed"

# Operations per exerciser run (the later runs do 3/5 of it): 2500, fewer
# on the debug kernel (VPMFS_EXERCISER_OPS).
ops=${VPMFS_EXERCISER_OPS:-2500}
[[ $ops =~ ^[1-9][0-9]*$ ]] || { echo "VPMFS_EXERCISER_OPS: not a number: $ops"; exit 1; }
ops2=$((ops * 3 / 5))

"$top/scripts/vmtest" --disk "$img" --timeout 900 -- "
set -e
s=$seed
ops=$ops
ops2=$ops2
"'
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p /mnt/v /tmp/sa /tmp/sb
mount -t vpmfs -o copy=vpm /dev/vda /mnt/v
mkdir /mnt/v/a /mnt/v/b
vpmfs_exerciser run /mnt/v/a /tmp/sa $s $ops > /tmp/outa 2>&1 &
pa=$!
vpmfs_exerciser run /mnt/v/b /tmp/sb $((s + 1)) $ops > /tmp/outb 2>&1 &
pb=$!
ra=0; rb=0
wait $pa || ra=$?
wait $pb || rb=$?
cat /tmp/outa /tmp/outb
[ $ra = 0 ] && [ $rb = 0 ] || fail "exerciser under copy=vpm"
umount /mnt/v
mount -t vpmfs -o copy=generic /dev/vda /mnt/v
vpmfs_exerciser verify /mnt/v/a /tmp/sa || fail "verify a after remount"
vpmfs_exerciser verify /mnt/v/b /tmp/sb || fail "verify b after remount"
vpmfs_exerciser run /mnt/v/a /tmp/sa $((s + 2)) $ops2 || fail "exerciser under copy=generic"
umount /mnt/v
mount -t vpmfs -o copy=vpm /dev/vda /mnt/v
vpmfs_exerciser verify /mnt/v/a /tmp/sa || fail "verify a after second remount"
vpmfs_exerciser run /mnt/v/b /tmp/sb $((s + 3)) $ops2 || fail "exerciser under copy=vpm (2)"
umount /mnt/v
mount -t vpmfs /dev/vda /mnt/v
vpmfs_exerciser verify /mnt/v/b /tmp/sb || fail "verify b after third remount"
umount /mnt/v
'
"$top/build/tools/fsck.vpmfs" "$img"
