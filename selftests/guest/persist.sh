#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/43-vpmfs-persist.sh: one of its three
# boots on the vpmfs of DEV.  A manifest is one "M ..." line per file
# (name, size, mode, links, owner, mtime) plus its md5 sum or link target.
#
#   sh /opt/add/persist.sh build DEV    boot 1: build a tree, sync,
#                                       umount, remount copy=generic and
#                                       print its manifest
#   sh /opt/add/persist.sh change DEV   boot 2: print the manifest between
#                                       BEGIN-OLD and END-OLD, change the
#                                       tree, print the new one with "N "
#                                       lines, sync, and leave it mounted
#   sh /opt/add/persist.sh check DEV    boot 3: print the manifest
set -e
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
step=$1
dev=$2

manifest() {
	cd /mnt/v
	find . | LC_ALL=C sort | while read -r f; do
		echo "M $(stat -c "%n %s %f %h %u %g %Y" "$f")"
		if [ -L "$f" ]; then echo "M link $(readlink "$f")"
		elif [ -f "$f" ]; then echo "M md5 $(md5sum < "$f")"; fi
	done
	cd /
}

case $step in
build)
	mount_vpmfs "$dev" /mnt/v
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
	for i in $(seq 1 150); do echo "$i" > "d1/d2/d3/n$i"; done
	rm d1/d2/d3/n1*
	sync
	cd /
	umount /mnt/v
	mount -t vpmfs -o copy=generic "$dev" /mnt/v
	manifest
	umount /mnt/v
	;;
change)
	mount_vpmfs "$dev" /mnt/v
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
	# no umount: the VM stops with the file system mounted
	;;
check)
	mount_vpmfs "$dev" /mnt/v
	manifest
	umount /mnt/v
	;;
*)
	fail "persist.sh: unknown step $step"
	;;
esac
