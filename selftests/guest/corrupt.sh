#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/45-vpmfs-corrupt.sh: make and populate a
# small vpmfs image, have vpmfs_mutate write hundreds of damaged copies,
# and for every STRIDEth of them (chosen with SEED; the first always)
# mount it through a loop device (a refused mount must log a "vpmfs: "
# line; a mounted one goes through corrupt-exercise.sh within 60 s), then
# fsck.vpmfs -y it (exit 0, 1 or 8, never a crash); a repaired image must
# be clean for fsck.vpmfs -n and mount and walk.  The populated image is
# also copied to DEV, for the host to damage and fsck every way (fsck
# takes milliseconds on the host, a tenth of a second here).
#
#   sh /opt/add/corrupt.sh SEED STRIDE DEV
set -u
# busybox applets only: binaries from the host /usr load over 9p, slowly
export PATH=/opt/vpm/bin:/bin:/sbin
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
seed=$1
stride=$2
out=$3
exercise=${0%/*}/corrupt-exercise.sh

modprobe loop 2>/dev/null || true
mkdir -p /mnt/c /tmp/mut
truncate -s 2M /tmp/base.img
mkfs.vpmfs -q /tmp/base.img || fail mkfs
dev=$(losetup -f) || fail losetup
losetup "$dev" /tmp/base.img || fail losetup
mount -t vpmfs "$dev" /mnt/c || fail "mount base"
cd /mnt/c || fail "cd /mnt/c"
mkdir -p a/b/c e
echo hello > a/f1
head -c 100000 /dev/urandom > a/b/f2
dd if=/dev/urandom of=sparse bs=1 count=10 seek=5000000 2>/dev/null
ln a/f1 a/b/c/hard
ln -s a/b/f2 sym
mkfifo a/fifo
for i in 1 2 3 4 5; do echo $i > e/n$i; done
cd /
umount /mnt/c
losetup -d "$dev"
fsck.vpmfs /tmp/base.img || fail "base image not clean"
dd if=/tmp/base.img of="$out" bs=64k conv=fsync 2>/dev/null || fail "copy to $out"
vpmfs_mutate /tmp/base.img /tmp/mut "$seed" 40 || fail mutate

n=0 mounted=0 refused=0 fixed=0 clean=0 operr=0 i=0
for img in /tmp/mut/*.img; do
	i=$((i + 1))
	# image 000 (bad magic) always: every run sees a refused mount
	[ $(((i + seed) % stride)) = 0 ] || [ $i = 1 ] || continue
	n=$((n + 1))
	name=$(basename "$img" .img)
	cp "$img" /tmp/work.img
	dev=$(losetup -f) || fail "losetup $name"
	losetup "$dev" /tmp/work.img || fail "losetup $name"
	dmesg -c >/dev/null
	t0=$(date +%s)
	if mount -t vpmfs "$dev" /mnt/c 2>/dev/null; then
		mounted=$((mounted + 1))
		timeout 60 sh "$exercise" ||
			fail "$name: exercise timed out or failed"
		umount /mnt/c || fail "$name: umount failed"
	else
		refused=$((refused + 1))
		dmesg | grep -q "vpmfs: " || fail "$name: mount refused without a vpmfs: message"
	fi
	losetup -d "$dev"
	# fsck: never a crash; a repaired image is clean and mounts
	rc=0
	timeout 60 fsck.vpmfs -y "$img" >/tmp/fsck.out 2>&1 || rc=$?
	case $rc in
	0) clean=$((clean + 1)) ;;
	1)
		fixed=$((fixed + 1))
		fsck.vpmfs -n "$img" >/tmp/fsck2.out 2>&1 ||
			{ cat /tmp/fsck.out /tmp/fsck2.out; fail "$name: not clean after fsck -y"; }
		dev=$(losetup -f) && losetup "$dev" "$img"
		mount -t vpmfs "$dev" /mnt/c || fail "$name: repaired image does not mount"
		ls -laR /mnt/c >/dev/null 2>&1
		find /mnt/c -type f -exec head -c 1048576 {} \; >/dev/null 2>&1
		umount /mnt/c
		losetup -d "$dev"
		fsck.vpmfs -n "$img" >/dev/null 2>&1 || fail "$name: repaired image damaged by the kernel"
		;;
	8) operr=$((operr + 1)) ;;
	*) cat /tmp/fsck.out; fail "$name: fsck.vpmfs -y exit $rc" ;;
	esac
	rm -f /tmp/work.img
	echo "# $name $(($(date +%s) - t0))s"
done
echo "# $n images: $mounted mounted, $refused refused; fsck: $clean clean, $fixed repaired, $operr unusable"
[ $((n * stride)) -gt 600 ] || fail "too few images"
# every path taken at least once; the full run also checks proportions
if [ $mounted -lt 1 ] || [ $refused -lt 1 ] || [ $fixed -lt 1 ]; then
	fail "suspicious counts: a path was never taken"
fi
if [ "$stride" = 1 ] && { [ $mounted -le 100 ] || [ $refused -le 40 ] ||
	[ $fixed -le 100 ]; }; then
	fail "suspicious counts"
fi
