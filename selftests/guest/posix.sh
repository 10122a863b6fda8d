#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/41-vpmfs-posix.sh: mount option checks,
# remount changing copy=, rmmod refused while mounted, then
# selftests/vpmfs_posix.c three times on one fresh vpmfs on DEV: copy=vpm,
# copy=generic, and copy=vpm with vpm loaded with vpm_enable=0.  The vpm
# counters must move under copy=vpm only; fsck.vpmfs must find the file
# system clean after each pass.  vpm is not loaded yet (vmtest --no-load).
#
#   sh /opt/add/posix.sh DEV
set -e
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
dev=$1

modprobe vpm
modprobe vpmfs
mkfs.vpmfs -q "$dev"
fsck.vpmfs "$dev" || fail "fsck after mkfs"
mkdir -p /mnt/vpmfs

# mount options
mount -t vpmfs -o copy=bogus "$dev" /mnt/vpmfs 2>/dev/null && fail "copy=bogus accepted"
mount -t vpmfs -o nosuchopt "$dev" /mnt/vpmfs 2>/dev/null && fail "unknown option accepted"
mount -t vpmfs -o copy=generic "$dev" /mnt/vpmfs
grep -q "vpmfs rw.*copy=generic" /proc/mounts || fail "copy=generic not shown"
mount -o remount,copy=vpm /mnt/vpmfs
grep -q "vpmfs rw.*copy=vpm" /proc/mounts || fail "remount copy=vpm not shown"
rmmod vpmfs 2>/dev/null && fail "rmmod vpmfs while mounted succeeded"
umount /mnt/vpmfs

pass() {	# pass OPTS EXPECT_VPM
	echo "# pass: -o $1, vpm_enable=$(cat /sys/module/vpm/parameters/vpm_enable)"
	echo 0 > /sys/kernel/debug/vpm/stats
	mount_vpmfs "$dev" /mnt/vpmfs "$1"
	VPMFS_DIR=/mnt/vpmfs vpmfs_posix || fail "vpmfs_posix -o $1"
	g=$(vpm_stat getmap) pc=$(vpm_stat pagecreate) zs=$(vpm_stat zerostart)
	umount /mnt/vpmfs
	fsck.vpmfs "$dev" || fail "fsck after -o $1"
	if [ "$2" = 1 ]; then
		# read/write/splice went through vpm, wrip used the create
		# path for whole or new pages and zerostart past EOF
		[ "$g" -gt 1000 ] || fail "copy=vpm but vpm getmap=$g"
		[ "$pc" -gt 100 ] || fail "copy=vpm but vpm pagecreate=$pc"
		[ "$zs" -gt 0 ] || fail "copy=vpm but vpm zerostart=$zs"
	else
		[ "$g" = 0 ] || fail "generic paths but vpm getmap=$g"
	fi
	echo "# vpm getmap=$g pagecreate=$pc zerostart=$zs"
}
pass copy=vpm 1
pass copy=generic 0
rmmod vpmfs
rmmod vpm
modprobe vpm vpm_enable=0
modprobe vpmfs
pass copy=vpm 0
echo "# all passes ok"
