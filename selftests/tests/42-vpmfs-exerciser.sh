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

"$top/scripts/vmtest" --disk "$img" --timeout 900 -- "
set -e
s=$seed
"'
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p /mnt/v /tmp/sa /tmp/sb
mount -t vpmfs -o copy=vpm /dev/vda /mnt/v
mkdir /mnt/v/a /mnt/v/b
vpmfs_exerciser run /mnt/v/a /tmp/sa $s 2500 > /tmp/outa 2>&1 &
pa=$!
vpmfs_exerciser run /mnt/v/b /tmp/sb $((s + 1)) 2500 > /tmp/outb 2>&1 &
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
vpmfs_exerciser run /mnt/v/a /tmp/sa $((s + 2)) 1500 || fail "exerciser under copy=generic"
umount /mnt/v
mount -t vpmfs -o copy=vpm /dev/vda /mnt/v
vpmfs_exerciser verify /mnt/v/a /tmp/sa || fail "verify a after second remount"
vpmfs_exerciser run /mnt/v/b /tmp/sb $((s + 3)) 1500 || fail "exerciser under copy=vpm (2)"
umount /mnt/v
mount -t vpmfs /dev/vda /mnt/v
vpmfs_exerciser verify /mnt/v/b /tmp/sb || fail "verify b after third remount"
umount /mnt/v
'
"$top/build/tools/fsck.vpmfs" "$img"
