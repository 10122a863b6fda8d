#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of selftests/tests/47-vpmfs-write-rules.sh: rules of the vpm
# write path and of remount that one thread can check.
#
#   write-rules.sh DATA_DEV ROCOMPAT_DEV
#
# DATA_DEV is made a fresh vpmfs; ROCOMPAT_DEV holds a vpmfs whose
# superblock carries an unknown ro_compat feature bit.
set -euo pipefail
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"

dev=$1
rodev=$2
mnt=/mnt/rules
dbg=/sys/kernel/debug/vpm

mkdir -p "$mnt"

# ---- vpm_data_copy retries a copy the buffer faulted in, however often ----
# copy_faults makes the next N page copies of a write copy nothing, as
# when the buffer's page is reclaimed between fault-in and copy.  A valid
# buffer must still be written whole: before the fix, two passes without
# progress ended the write with -EFAULT.
mkfs.vpmfs -q "$dev"
mount -t vpmfs -o copy=vpm "$dev" "$mnt"
head -c 16384 /dev/urandom >/tmp/src1
head -c 16384 /dev/urandom >/tmp/src2
for case in create fetch; do
	src=/tmp/src1
	[ "$case" = create ] || src=/tmp/src2
	echo 0 >"$dbg/stats"
	echo 8 >"$dbg/copy_faults"
	# one write(2) of 4 pages: new pages (create path), then
	# cached pages (fetch path)
	dd if="$src" of="$mnt/f" bs=16384 count=1 conv=notrunc 2>/tmp/dd.err ||
		fail "$case: write with 8 injected copy faults: $(cat /tmp/dd.err)"
	cmp "$src" "$mnt/f" || fail "$case: data differs after injected faults"
	left=$(cat "$dbg/copy_faults")
	[ "$left" = 0 ] || fail "$case: $left injected faults unused"
	retries=$(vpm_stat copy_retry)
	[ "$retries" -ge 8 ] || fail "$case: copy_retry $retries, expected >= 8"
	echo "# $case path: 8 injected copy faults, $retries retries, data exact"
done
# A 4 KiB overwrite of a page the vpm cache knows (read first: the miss
# enters it) skips the mapping list; its faults are retried and counted
# the same way.
head -c 4096 /dev/urandom >/tmp/src3
cp /tmp/src2 /tmp/exp
dd if=/tmp/src3 of=/tmp/exp bs=4096 seek=1 conv=notrunc 2>/dev/null
dd if="$mnt/f" of=/dev/null bs=4096 skip=1 count=1 2>/dev/null
echo 0 >"$dbg/stats"
echo 8 >"$dbg/copy_faults"
dd if=/tmp/src3 of="$mnt/f" bs=4096 seek=1 count=1 conv=notrunc 2>/tmp/dd.err ||
	fail "overwrite: write with 8 injected copy faults: $(cat /tmp/dd.err)"
cmp /tmp/exp "$mnt/f" || fail "overwrite: data differs after injected faults"
left=$(cat "$dbg/copy_faults")
[ "$left" = 0 ] || fail "overwrite: $left injected faults unused"
retries=$(vpm_stat copy_retry)
hits=$(vpm_stat hits)
[ "$hits" -ge 1 ] || fail "overwrite: the page was not found through the cache"
[ "$retries" -ge 8 ] || fail "overwrite: copy_retry $retries, expected >= 8"
echo "# one-page overwrite: 8 injected copy faults, $retries retries, data exact"
umount "$mnt"
mount -t vpmfs -o copy=vpm "$dev" "$mnt"
cmp /tmp/exp "$mnt/f" || fail "data differs after remount"
umount "$mnt"
fsck.vpmfs -n "$dev" || fail "fsck after the copy-fault writes"

# ---- unknown ro_compat features: read-only, also across remount ----
if mount -t vpmfs "$rodev" "$mnt" 2>/dev/null; then
	umount "$mnt"
	fail "read-write mount with an unknown ro_compat feature"
fi
mount -t vpmfs -o ro "$rodev" "$mnt" || fail "read-only mount refused"
if mount -o remount,rw "$mnt" 2>/tmp/remount.err; then
	umount "$mnt"
	fail "remount read-write with an unknown ro_compat feature"
fi
grep -q "^$rodev $mnt vpmfs ro[,\ ]" /proc/mounts || fail "no longer read-only after the refused remount"
if touch "$mnt/x" 2>/dev/null; then
	fail "created a file after the refused remount"
fi
umount "$mnt"
echo "# unknown ro_compat: rw mount and remount,rw refused"
echo "# write rules: all passed"
