#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Corrupted images.  In the VM: make and populate a small vpmfs image,
# then selftests/vpmfs_mutate writes hundreds of damaged copies (superblock
# fields, inode fields, block pointers, directory entries, bitmaps, random
# bytes).  Each copy is mounted through a loop device; a refused mount
# must log a "vpmfs: " line; a mounted one is walked (stat, readdir, read,
# readlink), written (create, write, mkdir, rename, truncate, unlink,
# rm -rf) and unmounted, all within a timeout.  Then fsck.vpmfs -y on each
# original damaged copy must exit 0, 1 or 8 (never crash), and after a
# repair (exit 1) fsck.vpmfs -n must find the copy clean and the kernel
# must mount it and walk it.  vmtest fails the test on any BUG, WARNING,
# Oops or hang in the kernel log.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
seed=${VPMFS_SEED:-$(date +%s)}
# Each image costs about a second under TCG: by default a seed-chosen
# twentieth of them (VPMFS_CORRUPT_ALL=1: every one).
stride=20
[ "${VPMFS_CORRUPT_ALL:-0}" = 0 ] || stride=1
echo "# seed $seed, every ${stride}th image"

exec "$top/scripts/vmtest" --timeout 1800 -- "seed=$seed stride=$stride"'
set -u
# busybox applets only: binaries from the host /usr load over 9p, slowly
export PATH=/opt/vpm/bin:/bin:/sbin
fail() { echo "FAIL: $*"; exit 1; }
modprobe loop 2>/dev/null || true
mkdir -p /mnt/c /tmp/mut
truncate -s 2M /tmp/base.img
mkfs.vpmfs -q /tmp/base.img || fail mkfs
dev=$(losetup -f) && losetup $dev /tmp/base.img || fail losetup
mount -t vpmfs $dev /mnt/c || fail "mount base"
cd /mnt/c
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
losetup -d $dev
fsck.vpmfs /tmp/base.img || fail "base image not clean"
vpmfs_mutate /tmp/base.img /tmp/mut $seed 40 || fail mutate

cat > /tmp/exercise.sh <<\EOS
m=/mnt/c
ls -laR $m >/dev/null 2>&1
# (only the first MiB: a size turned into 4 GiB of holes reads slowly)
find $m -type f -exec head -c 1048576 {} \; >/dev/null 2>&1
find $m -type l -exec readlink {} + >/dev/null 2>&1
find $m -exec stat {} + >/dev/null 2>&1
for d in $(find $m -type d 2>/dev/null | head -n 12); do
	echo data > $d/new 2>/dev/null
	dd if=/dev/zero of=$d/big bs=4k count=8 2>/dev/null
	mkdir $d/nd 2>/dev/null
	mv $d/new $d/nd/ 2>/dev/null
	truncate -s 7000 $d/big 2>/dev/null
	rm -rf $d/nd $d/big 2>/dev/null
done
for f in $(find $m -type f 2>/dev/null | head -n 12); do
	echo x >> $f 2>/dev/null
	truncate -s 1 $f 2>/dev/null
done
rm -rf $m/* 2>/dev/null
sync
exit 0
EOS

n=0 mounted=0 refused=0 fixed=0 clean=0 operr=0 i=0
for img in /tmp/mut/*.img; do
	i=$((i + 1))
	# image 000 (bad magic) always: every run sees a refused mount
	[ $(((i + seed) % stride)) = 0 ] || [ $i = 1 ] || continue
	n=$((n + 1))
	name=$(basename $img .img)
	cp $img /tmp/work.img
	dev=$(losetup -f) && losetup $dev /tmp/work.img || fail "losetup $name"
	dmesg -c >/dev/null
	t0=$(date +%s)
	if mount -t vpmfs $dev /mnt/c 2>/dev/null; then
		mounted=$((mounted + 1))
		timeout 60 sh /tmp/exercise.sh ||
			fail "$name: exercise timed out or failed"
		umount /mnt/c || fail "$name: umount failed"
	else
		refused=$((refused + 1))
		dmesg | grep -q "vpmfs: " || fail "$name: mount refused without a vpmfs: message"
	fi
	losetup -d $dev
	# fsck: never a crash; a repaired image is clean and mounts
	rc=0
	timeout 60 fsck.vpmfs -y $img >/tmp/fsck.out 2>&1 || rc=$?
	case $rc in
	0) clean=$((clean + 1)) ;;
	1)
		fixed=$((fixed + 1))
		fsck.vpmfs -n $img >/tmp/fsck2.out 2>&1 ||
			{ cat /tmp/fsck.out /tmp/fsck2.out; fail "$name: not clean after fsck -y"; }
		dev=$(losetup -f) && losetup $dev $img
		mount -t vpmfs $dev /mnt/c || fail "$name: repaired image does not mount"
		ls -laR /mnt/c >/dev/null 2>&1
		find /mnt/c -type f -exec head -c 1048576 {} \; >/dev/null 2>&1
		umount /mnt/c
		losetup -d $dev
		fsck.vpmfs -n $img >/dev/null 2>&1 || fail "$name: repaired image damaged by the kernel"
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
[ $mounted -ge 1 ] && [ $refused -ge 1 ] && [ $fixed -ge 1 ] ||
	fail "suspicious counts: a path was never taken"
[ $stride != 1 ] || { [ $mounted -gt 100 ] && [ $refused -gt 40 ] &&
	[ $fixed -gt 100 ]; } || fail "suspicious counts"
'
