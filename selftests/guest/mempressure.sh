#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of 15-vpm-mempressure: a vpm cache of half the VM's memory
# filled from a 420 MiB vpmfs file, then a memory hog larger than what is
# left.  The cache holds no pages, so reclaim must get them all: no OOM
# kill, the hog gets its memory, and the file reads back unchanged.
#
#   bash /opt/add/mempressure.sh DEV
set -euo pipefail
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
dev=$1

modprobe vpm vpm_cache_percent=50
modprobe vpmfs
mkdir -p /mnt/v
mount -t vpmfs "$dev" /mnt/v
dd if=/dev/zero of=/mnt/v/big bs=1M count=420 2>/dev/null
sync
# Reads of one page ask the cache and enter what it missed; the pages a
# write made and the pages of long reads are not entered.
dd if=/mnt/v/big of=/dev/null bs=4k 2>/dev/null
hashed=$(vpm_stat slots_hashed)
echo "slots $(vpm_stat slots), hashed after reading 420 MiB: $hashed"
[ "$hashed" -gt 50000 ] || { echo "the cache did not fill"; exit 1; }
grep -E "^(MemFree|MemAvailable|Cached):" /proc/meminfo | tr -s " " | paste -sd" "

# A hog of all but 240 MiB of the memory (745 MiB on the stock 1 GiB VM,
# less on the debug kernel, whose KASAN shadow takes an eighth): it only
# fits if the 420 MiB of cached pages go.  The hog is a file on a tmpfs
# of its own (unreclaimable without swap), written to the end whatever
# the speed of the kernel: a failed write or an OOM kill is the failure.
hog=$(($(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo) - 240))
echo "hog: $hog MiB"
mkdir -p /mnt/hog
mount -t tmpfs -o size=100% none /mnt/hog
dd if=/dev/zero of=/mnt/hog/f bs=1M count="$hog" 2>/dev/null ||
	{ echo "the hog could not get its memory"; exit 1; }
rm /mnt/hog/f
umount /mnt/hog
if dmesg | grep -iE "out of memory|oom-kill|invoked oom-killer"; then
	echo "OOM with the vpm cache full"
	exit 1
fi
[ "$(stat -c %s /mnt/v/big)" -eq $((420 << 20)) ] || { echo "size changed"; exit 1; }
cmp -n $((420 << 20)) /mnt/v/big /dev/zero || { echo "data changed"; exit 1; }
umount /mnt/v
rmmod vpmfs vpm
echo "ok: no OOM, the data is intact"
