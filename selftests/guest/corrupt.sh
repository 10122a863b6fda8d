#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/45-vpmfs-corrupt.sh: make and populate a
# small vpmfs image, have vpmfs_mutate write hundreds of damaged copies,
# and for every STRIDEth of them (chosen with SEED; the first always)
# mount it through a loop device (a refused mount must log a "vpmfs: "
# line; a mounted one goes through corrupt-exercise.sh within 60 s).
# fsck.vpmfs -y runs on every copy (exit 0, 1 or 8, never a crash); a
# repaired copy must be clean for fsck.vpmfs -n, and a sampled one must
# also mount and walk.
#
#   sh /opt/add/corrupt.sh SEED STRIDE
set -u
# busybox applets only: binaries from the host /usr load over 9p, slowly
export PATH=/opt/vpm/bin:/bin:/sbin
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
seed=$1
stride=$2
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
vpmfs_mutate /tmp/base.img /tmp/mut "$seed" 40 || fail mutate

n=0 all=0 mounted=0 refused=0 fixed=0 clean=0 operr=0 i=0
for img in /tmp/mut/*.img; do
	i=$((i + 1))
	all=$((all + 1))
	name=$(basename "$img" .img)
	t0=$(date +%s)
	# the kernel: image 000 (bad magic) always, so that every run sees a
	# refused mount, and a seed-chosen STRIDEth of the others
	sampled=0
	if [ $(((i + seed) % stride)) = 0 ] || [ $i = 1 ]; then
		sampled=1
		n=$((n + 1))
		cp "$img" /tmp/work.img
		dev=$(losetup -f) || fail "losetup $name"
		losetup "$dev" /tmp/work.img || fail "losetup $name"
		dmesg -c >/dev/null
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
		rm -f /tmp/work.img
	fi
	# fsck, on every image (it takes milliseconds): never a crash, and
	# what -y repairs is clean for -n in one run; a sampled repaired
	# image must also mount and walk, and stay clean
	rc=0
	timeout 60 fsck.vpmfs -y "$img" >/tmp/fsck.out 2>&1 || rc=$?
	case $rc in
	0) clean=$((clean + 1)) ;;
	1)
		fixed=$((fixed + 1))
		fsck.vpmfs -n "$img" >/tmp/fsck2.out 2>&1 ||
			{ cat /tmp/fsck.out /tmp/fsck2.out; fail "$name: not clean after fsck -y"; }
		[ $sampled = 1 ] || continue
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
	[ $sampled = 0 ] || echo "# $name $(($(date +%s) - t0))s"
done
echo "# kernel: $n images, $mounted mounted, $refused refused"
echo "# fsck -y: $all images, $clean clean, $fixed repaired, $operr unusable"
[ "$all" -gt 600 ] || fail "too few images"
# every path taken at least once; the full run also checks proportions
if [ $mounted -lt 1 ] || [ $refused -lt 1 ] || [ $fixed -lt 1 ]; then
	fail "suspicious counts: a path was never taken"
fi
if [ "$stride" = 1 ] && { [ $mounted -le 100 ] || [ $refused -le 40 ] ||
	[ $fixed -le 100 ]; }; then
	fail "suspicious counts"
fi
