#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/demo (make demo): mount the vpmfs on DEV, copy
# PAYLOAD in and back out through vpm, read it twice to show the vpm
# cache's misses then hits, compare, print the debugfs statistics and
# vpmstat, unmount.
#
#   sh /opt/add/demo.sh DEV PAYLOAD
set -e
dev=$1
payload=$2

echo "-- modules:"; grep "^vpm" /proc/modules | cut -d" " -f1-3
mkdir -p /mnt/vpmfs
mount -t vpmfs "$dev" /mnt/vpmfs
echo "-- mounted:"; grep vpmfs /proc/mounts
echo "-- copy in (write_iter: wrip over vpm_data_copy)"
cp "$payload" /mnt/vpmfs/payload
sync
echo 3 > /proc/sys/vm/drop_caches
echo reset > /sys/kernel/debug/vpm/stats
# 4 KiB reads: a read of more than two pages walks the page cache
# instead of asking the vpm cache (Documentation/vpm.rst, "The read path")
echo "-- copy out (read_iter: rdip over vpm_data_copy), first read, 4 KiB at a time"
dd if=/mnt/vpmfs/payload of=/tmp/out1 bs=4k 2>/dev/null
vpmstat -a | grep -E "^(hits|misses|getpage) "
echo "-- second read: the pages are in the vpm cache now"
echo reset > /sys/kernel/debug/vpm/stats
dd if=/mnt/vpmfs/payload of=/tmp/out2 bs=4k 2>/dev/null
vpmstat -a | grep -E "^(hits|misses|getpage) "
cmp "$payload" /tmp/out1
cmp "$payload" /tmp/out2
echo "-- sha256 read back: $(sha256sum /tmp/out2 | cut -d" " -f1)"
echo "-- df:"; df -h /mnt/vpmfs | tail -n1
echo "-- /sys/kernel/debug/vpm/stats:"
paste -sd" " /sys/kernel/debug/vpm/stats | fold -s -w 100
echo "-- vpmstat:"; vpmstat
umount /mnt/vpmfs
echo "-- unmounted; stopping the VM"
