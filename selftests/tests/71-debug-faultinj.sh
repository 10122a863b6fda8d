#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tier's fault-injection run, on the debug kernel:
#  1. failslab, fail_page_alloc and fail_usercopy are limited to call
#     chains through vpm.ko or vpmfs.ko (require-start/require-end over
#     their text, from /proc/kallsyms), sleeping and highmem allocations
#     included;
#  2. selftests/vpmfs_faultinj.c sweeps /proc/thread-self/fail-nth over
#     each of its operations (reads, writes of every kind, truncates,
#     sendfile, copy_file_range, create/unlink), then runs random
#     operations with a 3% failure probability on its own task
#     (task-filter, make-it-fail); every failed syscall must fail with
#     ENOMEM, EIO or EFAULT, and the files must always equal its model;
#  3. after a umount, fsck.vpmfs must find the file system clean, and
#     after a remount the files must equal the model.
# The counts of faults injected and errors seen are printed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
img=$(mktemp "$top/build/check/faultinj.XXXXXX.img")
trap 'rm -f "$img"' EXIT
make -s -C "$top" tools
"$top/build/tools/mkfs.vpmfs" -q -s 64M "$img"
seed=${VPMFS_SEED:-$(date +%s)}
echo "# seed $seed"

exec "$top/scripts/vmtest" --kernel debug --disk "$img" --timeout 900 -- "seed=$seed"'
set -e
fail() { echo "FAIL: $*"; exit 1; }
d=/sys/kernel/debug
attrs="failslab fail_page_alloc fail_usercopy"
for a in $attrs; do
	[ -d $d/$a ] || fail "no $d/$a: the kernel lacks fault injection"
done
[ -e /proc/thread-self/fail-nth ] || fail "no fail-nth"
mkdir -p /mnt/v /tmp/mnth /tmp/mrnd
mount -t vpmfs /dev/vda /mnt/v
mkdir /mnt/v/nth /mnt/v/rnd

# The text of vpm and vpmfs: the lowest and highest text symbol (+ 64 KiB
# for the last function; only our modules live in the module area).
range=$(awk "\$4 == \"[vpm]\" || \$4 == \"[vpmfs]\" { if (\$2 ~ /^[tT]$/) print \$1 }" /proc/kallsyms | sort)
[ -n "$range" ] || fail "no text symbols of vpm/vpmfs in /proc/kallsyms"
start=0x$(echo "$range" | head -n1)
hi=$(echo "$range" | tail -n1)
# (busybox sh: dash clamps 64-bit arithmetic instead of wrapping)
end=$(busybox sh -c "printf 0x%x \$((0x$hi + 65536))")
echo "fault sites: call chains through $start..$end"
for a in $attrs; do
	echo 0 > $d/$a/verbose
	echo 0 > $d/$a/probability
	echo 1 > $d/$a/interval
	echo -1 > $d/$a/times
	echo 0 > $d/$a/space
	echo N > $d/$a/task-filter
	echo 32 > $d/$a/stacktrace-depth
	echo $start > $d/$a/require-start
	echo $end > $d/$a/require-end
done
echo N > $d/failslab/ignore-gfp-wait
echo N > $d/fail_page_alloc/ignore-gfp-wait
echo N > $d/fail_page_alloc/ignore-gfp-highmem
echo 0 > $d/fail_page_alloc/min-order

echo "== fail-nth sweeps"
vpmfs_faultinj nth /mnt/v/nth /tmp/mnth || fail "fail-nth sweep"

echo "== random failures, probability 3%"
for a in $attrs; do
	echo Y > $d/$a/task-filter
	echo 3 > $d/$a/probability
	echo 1000000 > $d/$a/times
done
vpmfs_faultinj random /mnt/v/rnd /tmp/mrnd $seed 4000 || fail "random run"
for a in $attrs; do
	echo "$a: $((1000000 - $(cat $d/$a/times))) faults injected"
	echo 0 > $d/$a/probability
	echo -1 > $d/$a/times
done

umount /mnt/v
fsck.vpmfs -n /dev/vda || fail "fsck.vpmfs after the fault-injection runs"
mount -t vpmfs /dev/vda /mnt/v
for f in /tmp/mnth/* /tmp/mrnd/*; do
	sub=${f%/*}; sub=${sub#/tmp/m}
	cmp $f /mnt/v/$sub/${f##*/} || fail "$sub/${f##*/} differs from the model after a remount"
done
echo "after a remount the files equal the model"
umount /mnt/v
'
