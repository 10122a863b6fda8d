#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence across VM reboots with a --disk image.
#  boot 1: build a tree (files of many sizes, a sparse file past 4 MiB,
#          directories, hard links, symlinks, modes, owners, times, a
#          fifo), fsync some, umount; print a manifest (names, sizes,
#          modes, links, owners, mtimes, md5 sums, link targets).
#  host:   fsck.vpmfs must find the image clean (exit 0).
#  boot 2: check the manifest, change things (rename, unlink, truncate,
#          append), print the new manifest, then sync and power off
#          WITHOUT umount.
#  host:   fsck.vpmfs -n must find nothing wrong except the not-clean
#          state (exit 4 with only that message), -y fixes it (exit 1),
#          then exit 0.
#  boot 3: the manifest must match boot 2's.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
out=$(mktemp -d "$top/build/check/vpmfs-persist.XXXXXX")
img=$out/disk.img
make -C "$top" tools >/dev/null
"$top/build/tools/mkfs.vpmfs" -q -s 96M "$img"
fsck=$top/build/tools/fsck.vpmfs

manifest='
manifest() {
	cd /mnt/v
	find . | LC_ALL=C sort | while read -r f; do
		echo "M $(stat -c "%n %s %f %h %u %g %Y" "$f")"
		if [ -L "$f" ]; then echo "M link $(readlink "$f")"
		elif [ -f "$f" ]; then echo "M md5 $(md5sum < "$f")"; fi
	done
	cd /
}
'

"$top/scripts/vmtest" --no-build --disk "$img" --timeout 300 -- "$manifest"'
set -e
mkdir -p /mnt/v
mount -t vpmfs /dev/vda /mnt/v
cd /mnt/v
mkdir -p d1/d2/d3 empty
for s in 0 1 4095 4096 4097 65536 100000 1048576 3000000; do
	head -c $s /dev/urandom > d1/f$s
done
dd if=/dev/urandom of=sparse bs=4096 count=3 seek=1100 2>/dev/null
dd if=/dev/urandom of=sparse bs=1 count=77 seek=9000000 conv=notrunc 2>/dev/null
ln d1/f4096 d1/d2/hard
ln d1/f4096 hard2
ln -s d1/f100000 sym
ln -s /nonexistent/target dangling
chmod 4755 d1/f1; chown 123:456 d1/f1
touch -d "2001-02-03 04:05:06" d1/f0
mkfifo fifo
for i in $(seq 1 150); do echo $i > d1/d2/d3/n$i; done
rm d1/d2/d3/n1*
sync
cd /
umount /mnt/v
mount -t vpmfs -o copy=generic /dev/vda /mnt/v
manifest
umount /mnt/v
' > "$out/boot1.out"
grep '^M ' "$out/boot1.out" > "$out/m1"
[ "$(wc -l < "$out/m1")" -gt 80 ] || { echo "boot 1 manifest too short"; cat "$out/boot1.out"; exit 1; }
"$fsck" "$img" || { echo "fsck after boot 1 failed"; exit 1; }

"$top/scripts/vmtest" --no-build --disk "$img" --timeout 300 -- "$manifest"'
set -e
mkdir -p /mnt/v
mount -t vpmfs /dev/vda /mnt/v
echo BEGIN-OLD
manifest
echo END-OLD
cd /mnt/v
mv d1/d2 moved
rm d1/f65536 hard2
truncate -s 5000 d1/f1048576
truncate -s 20000000 d1/f1
echo appended >> d1/f4097
head -c 200000 /dev/urandom > new
cd /
manifest | sed "s/^M /N /"
sync
# no umount: the guest powers off with the file system mounted
' > "$out/boot2.out"
sed -n '/^BEGIN-OLD/,/^END-OLD/p' "$out/boot2.out" | grep '^M ' > "$out/m1b"
diff "$out/m1" "$out/m1b" || { echo "boot 2 sees a different tree than boot 1 left"; exit 1; }
grep '^N ' "$out/boot2.out" | sed 's/^N /M /' > "$out/m2"
[ "$(wc -l < "$out/m2")" -gt 80 ] || { echo "boot 2 manifest too short"; exit 1; }

rc=0
"$fsck" -n "$img" > "$out/fsck-n.out" || rc=$?
cat "$out/fsck-n.out"
[ $rc = 4 ] || { echo "fsck -n after sync without umount: exit $rc, want 4"; exit 1; }
if grep -v -e 'not cleanly unmounted' -e 'state is not clean' "$out/fsck-n.out" | grep -q .; then
	echo "fsck found more than the unclean state after sync"; exit 1
fi
rc=0
"$fsck" -y "$img" || rc=$?
[ $rc = 1 ] || { echo "fsck -y: exit $rc, want 1"; exit 1; }
"$fsck" "$img" || { echo "fsck after -y not clean"; exit 1; }

"$top/scripts/vmtest" --no-build --disk "$img" --timeout 300 -- "$manifest"'
set -e
mkdir -p /mnt/v
mount -t vpmfs /dev/vda /mnt/v
manifest
umount /mnt/v
' > "$out/boot3.out"
grep '^M ' "$out/boot3.out" > "$out/m3"
diff "$out/m2" "$out/m3" || { echo "boot 3 sees a different tree than boot 2 synced"; exit 1; }
"$fsck" "$img" || { echo "fsck after boot 3 failed"; exit 1; }
echo "# persistence ok: $(wc -l < "$out/m3") manifest lines"
rm -rf "$out"
