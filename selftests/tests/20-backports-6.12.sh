#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The same modules on Debian 12's 6.12 kernel: test_vpm with the default
# and a tiny cache, then a vpmfs image made, mounted, filled through vpm,
# read back and checked, under copy=vpm and copy=generic.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
img=$top/build/check/backports.img
rm -f "$img"
make -s -C "$top" tools
"$top/build/tools/mkfs.vpmfs" -q -s 128M "$img"

exec "$top/scripts/vmtest" --kernel backports --no-load --disk "$img" --timeout 600 -- '
set -e
uname -r
mkdir -p /mnt/r /mnt/v
mount -t ramfs none /mnt/r
for p in "" vpm_cache_slots=8; do
	modprobe vpm $p
	dmesg -c >/dev/null
	modprobe test_vpm path=/mnt/r/f || { dmesg | grep test_vpm; exit 1; }
	dmesg | grep "tests passed"
	rmmod test_vpm
	rmmod vpm
done
modprobe vpmfs
head -c 3000000 /dev/urandom > /tmp/data
for c in vpm generic; do
	mount -t vpmfs -o copy=$c /dev/vda /mnt/v
	cp /tmp/data /mnt/v/data.$c
	umount /mnt/v
	mount -t vpmfs -o copy=$c /dev/vda /mnt/v
	cmp /tmp/data /mnt/v/data.$c
	umount /mnt/v
	echo "vpmfs copy=$c: 3000000 bytes written, remounted, read back equal"
done
grep -E "^(hits|misses) " /sys/kernel/debug/vpm/stats | paste -sd" "
rmmod vpmfs vpm
fsck.vpmfs /dev/vda
'
