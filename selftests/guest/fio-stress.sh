#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/44-vpmfs-fio-stress.sh: fio with
# --verify=crc32c (random and sequential buffered I/O, psync, vectored and
# mmap engines, O_SYNC writes) and stress-ng file system stressors on a
# fresh vpmfs on DEV, under copy=vpm and copy=generic; fsck.vpmfs clean
# after each.  Skips (exit 4) without fio.
#
#   sh /opt/add/fio-stress.sh DEV
set -e
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
dev=$1

command -v fio >/dev/null || skip "no fio"
mkfs.vpmfs -q "$dev"
for mode in vpm generic; do
	mount_vpmfs "$dev" /mnt/v copy=$mode
	mkdir /mnt/v/fio
	fio --name=global --directory=/mnt/v/fio --size=24M --verify=crc32c \
	    --verify_fatal=1 --do_verify=1 --bsrange=1k-64k --end_fsync=1 \
	    --minimal --output=/tmp/fio.$mode \
	    --name=randrw --rw=randwrite --ioengine=psync \
	    --name=seq --rw=write --ioengine=pvsync2 --bs=12k \
	    --name=mmap --rw=randwrite --ioengine=mmap --bs=4k \
	    --name=osync --rw=randwrite --ioengine=psync --sync=1 --size=4M \
	    || { cat /tmp/fio.$mode; fail "fio copy=$mode"; }
	echo "# fio copy=$mode: ok ($(wc -l < /tmp/fio.$mode) jobs)"
	rm -rf /mnt/v/fio
	if command -v stress-ng >/dev/null; then
		mkdir /mnt/v/sng
		stress-ng --temp-path /mnt/v/sng --timeout 8s --verify \
		    --hdd 2 --hdd-bytes 4M --hdd-opts wr-rnd,rd-rnd \
		    --dir 1 --dentry 1 --link 1 --symlink 1 --rename 1 \
		    --seek 1 --seek-size 8M --chmod 1 --utime 1 \
		    --mmap 1 --mmap-file --mmap-bytes 4M \
		    --metrics-brief > /tmp/sng.$mode 2>&1 || rc=$?
		grep -E "successful|fail|error" /tmp/sng.$mode | sed "s/^/# /"
		[ "${rc:-0}" = 0 ] || { cat /tmp/sng.$mode; fail "stress-ng copy=$mode: exit $rc"; }
		rm -rf /mnt/v/sng
	fi
	umount /mnt/v
	fsck.vpmfs "$dev" || fail "fsck after copy=$mode"
done
