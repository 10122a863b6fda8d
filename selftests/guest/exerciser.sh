#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/42-vpmfs-exerciser.sh: two randomized
# exercisers (selftests/vpmfs_exerciser.c) at once on the vpmfs on DEV
# under copy=vpm, each with a shadow copy on tmpfs, then remounts with
# copy=generic and copy=vpm, verifying and running more operations.
#
#   sh /opt/add/exerciser.sh DEV SEED OPS OPS2
#
# OPS operations per run of the first two exercisers, OPS2 per later run;
# their seeds are SEED, SEED + 1, ...
set -e
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
dev=$1
s=$2
ops=$3
ops2=$4

mkdir -p /tmp/sa /tmp/sb
mount_vpmfs "$dev" /mnt/v copy=vpm
mkdir /mnt/v/a /mnt/v/b
vpmfs_exerciser run /mnt/v/a /tmp/sa "$s" "$ops" > /tmp/outa 2>&1 &
pa=$!
vpmfs_exerciser run /mnt/v/b /tmp/sb $((s + 1)) "$ops" > /tmp/outb 2>&1 &
pb=$!
ra=0; rb=0
wait $pa || ra=$?
wait $pb || rb=$?
cat /tmp/outa /tmp/outb
if [ $ra != 0 ] || [ $rb != 0 ]; then
	fail "exerciser under copy=vpm"
fi
umount /mnt/v
mount_vpmfs "$dev" /mnt/v copy=generic
vpmfs_exerciser verify /mnt/v/a /tmp/sa || fail "verify a after remount"
vpmfs_exerciser verify /mnt/v/b /tmp/sb || fail "verify b after remount"
vpmfs_exerciser run /mnt/v/a /tmp/sa $((s + 2)) "$ops2" || fail "exerciser under copy=generic"
umount /mnt/v
mount_vpmfs "$dev" /mnt/v copy=vpm
vpmfs_exerciser verify /mnt/v/a /tmp/sa || fail "verify a after second remount"
vpmfs_exerciser run /mnt/v/b /tmp/sb $((s + 3)) "$ops2" || fail "exerciser under copy=vpm (2)"
umount /mnt/v
mount_vpmfs "$dev" /mnt/v
vpmfs_exerciser verify /mnt/v/b /tmp/sb || fail "verify b after third remount"
umount /mnt/v
