#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/20-backports-6.12.sh, on Debian 12's 6.12
# kernel: test_vpm with the default and a tiny cache, then the vpmfs on
# DEV (made by the host) filled through vpm under copy=vpm and
# copy=generic, remounted, read back and checked with fsck.vpmfs.  vpm is
# not loaded yet (vmtest --no-load).
#
#   sh /opt/add/backports.sh DEV
set -e
dev=$1

uname -r
mkdir -p /mnt/r /mnt/v
mount -t ramfs none /mnt/r
for p in "" vpm_cache_slots=8; do
	# shellcheck disable=SC2086 # $p: no parameter or one word
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
	mount -t vpmfs -o copy=$c "$dev" /mnt/v
	cp /tmp/data /mnt/v/data.$c
	umount /mnt/v
	mount -t vpmfs -o copy=$c "$dev" /mnt/v
	cmp /tmp/data /mnt/v/data.$c
	umount /mnt/v
	echo "vpmfs copy=$c: 3000000 bytes written, remounted, read back equal"
done
grep -E "^(hits|misses) " /sys/kernel/debug/vpm/stats | paste -sd" "
rmmod vpmfs vpm
fsck.vpmfs "$dev"
