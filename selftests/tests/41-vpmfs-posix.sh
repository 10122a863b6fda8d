#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpmfs POSIX behaviour (selftests/vpmfs_posix.c) in the VM, three times on
# one fresh file system: copy=vpm, copy=generic, and copy=vpm with vpm
# loaded with vpm_enable=0 (the generic paths).  The vpm counters must
# move under copy=vpm only.  fsck.vpmfs must find the file system clean
# after each pass.  Also: mount option checks, remount changing copy=, and
# rmmod refused while mounted.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
img=$(mktemp "$top/build/check/vpmfs-posix.XXXXXX.img")
trap 'rm -f "$img"' EXIT
truncate -s 64M "$img"

"$top/scripts/vmtest" --no-load --disk "$img" --timeout 600 -- '
set -e
fail() { echo "FAIL: $*"; exit 1; }
vstat() { sed -n "s/^$1 //p" /sys/kernel/debug/vpm/stats; }
modprobe vpm
modprobe vpmfs
mkfs.vpmfs -q /dev/vda
fsck.vpmfs /dev/vda || fail "fsck after mkfs"
mkdir -p /mnt/vpmfs

# mount options
mount -t vpmfs -o copy=bogus /dev/vda /mnt/vpmfs 2>/dev/null && fail "copy=bogus accepted"
mount -t vpmfs -o nosuchopt /dev/vda /mnt/vpmfs 2>/dev/null && fail "unknown option accepted"
mount -t vpmfs -o copy=generic /dev/vda /mnt/vpmfs
grep -q "vpmfs rw.*copy=generic" /proc/mounts || fail "copy=generic not shown"
mount -o remount,copy=vpm /mnt/vpmfs
grep -q "vpmfs rw.*copy=vpm" /proc/mounts || fail "remount copy=vpm not shown"
rmmod vpmfs 2>/dev/null && fail "rmmod vpmfs while mounted succeeded"
umount /mnt/vpmfs

pass() {	# pass OPTS EXPECT_VPM
	echo "# pass: -o $1, vpm_enable=$(cat /sys/module/vpm/parameters/vpm_enable)"
	echo 0 > /sys/kernel/debug/vpm/stats
	mount -t vpmfs -o "$1" /dev/vda /mnt/vpmfs
	VPMFS_DIR=/mnt/vpmfs vpmfs_posix || fail "vpmfs_posix -o $1"
	g=$(vstat getmap) pc=$(vstat pagecreate) zs=$(vstat zerostart)
	umount /mnt/vpmfs
	fsck.vpmfs /dev/vda || fail "fsck after -o $1"
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
'
