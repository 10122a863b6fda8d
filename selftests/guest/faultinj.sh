#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/71-debug-faultinj.sh, on the debug
# kernel: failslab, fail_page_alloc and fail_usercopy limited to call
# chains through vpm.ko and vpmfs.ko; selftests/vpmfs_faultinj.c's
# fail-nth sweeps, then its random run with a 3% failure probability on
# its own task; then umount, fsck.vpmfs, remount and compare the files
# with the model.
#
#   sh /opt/add/faultinj.sh DEV SEED
set -e
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
dev=$1
seed=$2

d=/sys/kernel/debug
attrs="failslab fail_page_alloc fail_usercopy"
for a in $attrs; do
	[ -d "$d/$a" ] || fail "no $d/$a: the kernel lacks fault injection"
done
[ -e /proc/thread-self/fail-nth ] || fail "no fail-nth"
mkdir -p /tmp/mnth /tmp/mrnd
mount_vpmfs "$dev" /mnt/v
mkdir /mnt/v/nth /mnt/v/rnd

# The text of vpm and vpmfs: the lowest and highest text symbol (+ 64 KiB
# for the last function; only our modules live in the module area).
range=$(awk '$4 == "[vpm]" || $4 == "[vpmfs]" { if ($2 ~ /^[tT]$/) print $1 }' /proc/kallsyms | sort)
[ -n "$range" ] || fail "no text symbols of vpm/vpmfs in /proc/kallsyms"
start=0x$(echo "$range" | head -n1)
hi=$(echo "$range" | tail -n1)
# (busybox sh: dash clamps 64-bit arithmetic instead of wrapping)
# shellcheck disable=SC2016 # $((...)) is for busybox sh to expand
end=$(busybox sh -c "printf 0x%x \$((0x$hi + 65536))")
echo "fault sites: call chains through $start..$end"
for a in $attrs; do
	echo 0 > "$d/$a/verbose"
	echo 0 > "$d/$a/probability"
	echo 1 > "$d/$a/interval"
	echo -1 > "$d/$a/times"
	echo 0 > "$d/$a/space"
	echo N > "$d/$a/task-filter"
	echo 32 > "$d/$a/stacktrace-depth"
	echo "$start" > "$d/$a/require-start"
	echo "$end" > "$d/$a/require-end"
done
echo N > $d/failslab/ignore-gfp-wait
echo N > $d/fail_page_alloc/ignore-gfp-wait
echo N > $d/fail_page_alloc/ignore-gfp-highmem
echo 0 > $d/fail_page_alloc/min-order

echo "== fail-nth sweeps"
vpmfs_faultinj nth /mnt/v/nth /tmp/mnth || fail "fail-nth sweep"

echo "== random failures, probability 3%"
for a in $attrs; do
	echo Y > "$d/$a/task-filter"
	echo 3 > "$d/$a/probability"
	echo 1000000 > "$d/$a/times"
done
vpmfs_faultinj random /mnt/v/rnd /tmp/mrnd "$seed" 4000 || fail "random run"
for a in $attrs; do
	echo "$a: $((1000000 - $(cat "$d/$a/times"))) faults injected"
	echo 0 > "$d/$a/probability"
	echo -1 > "$d/$a/times"
done

umount /mnt/v
fsck.vpmfs -n "$dev" || fail "fsck.vpmfs after the fault-injection runs"
mount_vpmfs "$dev" /mnt/v
for f in /tmp/mnth/* /tmp/mrnd/*; do
	sub=${f%/*}; sub=${sub#/tmp/m}
	cmp "$f" "/mnt/v/$sub/${f##*/}" || fail "$sub/${f##*/} differs from the model after a remount"
done
echo "after a remount the files equal the model"
umount /mnt/v
