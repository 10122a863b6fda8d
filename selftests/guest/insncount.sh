#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/insncount: fresh vpmfs on /dev/vda (copy=vpm,
# /mnt/a) and /dev/vdb (copy=generic, /mnt/b), a FILE_MIB file on each,
# read twice so that the page cache and the vpm cache hold it, then for
# each workload one warm-up loop on each side (over the whole file, so
# that an overwrite loop finds every page dirty) and ROUNDS rounds of
# vpmloop on a, b (b, a in every other round).  Before each vpmloop run
# it prints "@@LOOP <side> <workload> <calls> <bytes per call>", in
# order: the host matches the n-th line with the n-th loop's snapshot of
# the counting plugin.  Then the guest kernel's text symbols between
# @@KALLSYMS-BEGIN@@ and @@KALLSYMS-END@@.
#
#   sh /opt/add/insncount.sh CALLS ROUNDS FILE_MIB WORKLOAD...
#
# WORKLOAD: seqread-4k, randread-4k, pread-64b, overwrite-4k, seqread-1m,
# overwrite-1m.  The 1 MiB workloads make CALLS / 256 calls (at least 8).
set -e
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"

calls=$1
rounds=$2
mib=$3
shift 3

# No writeback while a loop runs: the flusher's instructions would be
# counted with the loop's, and dirty throttling would make them vary.
# The files are far below these limits, so an overwrite loop rewrites
# pages that stay dirty, for both sides.
echo 0 >/proc/sys/vm/dirty_writeback_centisecs
echo 80 >/proc/sys/vm/dirty_background_ratio
echo 90 >/proc/sys/vm/dirty_ratio

mkfs.vpmfs -q /dev/vda
mkfs.vpmfs -q /dev/vdb
mount_vpmfs /dev/vda /mnt/a copy=vpm
mount_vpmfs /dev/vdb /mnt/b copy=generic
for d in a b; do
	dd if=/dev/zero of=/mnt/$d/f bs=1M count="$mib" 2>/dev/null
done
sync
for d in a b a b; do
	cat /mnt/$d/f >/dev/null
done

# loop SIDE WORKLOAD MODE CALLS SIZE
loop() {
	echo "@@LOOP $1 $2 $4 $5"
	vpmloop "$3" "/mnt/$1/f" "$4" "$5"
}

for w in "$@"; do
	n=$calls
	case $w in
	seqread-4k) mode=seqread size=4096 ;;
	randread-4k) mode=randread size=4096 ;;
	pread-64b) mode=pread size=64 ;;
	overwrite-4k) mode=overwrite size=4096 ;;
	seqread-1m) mode=seqread size=1048576 n=$((calls / 256)) ;;
	overwrite-1m) mode=overwrite size=1048576 n=$((calls / 256)) ;;
	*) fail "unknown workload $w" ;;
	esac
	[ "$n" -ge 8 ] || n=8
	# the warm-up goes over the whole file (pread-64b: one page)
	warm=$((n / 4 + 1))
	[ "$size" -lt 4096 ] || warm=$((mib * 1048576 / size + 1))
	loop a "$w" "$mode" "$warm" "$size"
	loop b "$w" "$mode" "$warm" "$size"
	r=1
	while [ "$r" -le "$rounds" ]; do
		if [ $((r % 2)) = 1 ]; then
			loop a "$w" "$mode" "$n" "$size"
			loop b "$w" "$mode" "$n" "$size"
		else
			loop b "$w" "$mode" "$n" "$size"
			loop a "$w" "$mode" "$n" "$size"
		fi
		r=$((r + 1))
	done
done
umount /mnt/a /mnt/b
echo @@KALLSYMS-BEGIN@@
grep ' [tT] ' /proc/kallsyms
echo @@KALLSYMS-END@@
