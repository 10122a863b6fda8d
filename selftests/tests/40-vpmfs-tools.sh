#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkfs.vpmfs and fsck.vpmfs on the host (no VM): options, sizes, exit
# codes (0 clean, 1 corrected, 4 uncorrected, 8 operational error), and
# repair of damaged copies of a fresh image made by vpmfs_mutate.
set -uo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"
need_tools || exit 1
t=$top/build/tools
# (kept when the test fails)
workdir -k vpmfs-tools
d=$work
mkdir -p "$d/mut"
fails=0
check() {	# check WANT_RC DESCRIPTION CMD...
	local want=$1 what=$2 rc=0
	shift 2
	"$@" >"$d/out" 2>&1 || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "not ok: $what: exit $rc, want $want"
		sed 's/^/#   /' "$d/out" | tail -n 5
		fails=$((fails + 1))
	else
		echo "ok: $what"
	fi
}

check 0 "mkfs --help" "$t/mkfs.vpmfs" --help
check 0 "fsck --help" "$t/fsck.vpmfs" --help
check 1 "mkfs without a device" "$t/mkfs.vpmfs"
check 1 "mkfs -b 1024 refused" "$t/mkfs.vpmfs" -b 1024 -s 8M "$d/a.img"
check 1 "mkfs too small" "$t/mkfs.vpmfs" -s 32K "$d/small.img"
check 0 "mkfs -s 10M creates the image" "$t/mkfs.vpmfs" -q -b 4096 -s 10M "$d/a.img"
[ "$(stat -c %s "$d/a.img")" = 10485760 ] || { echo "not ok: image size"; fails=$((fails + 1)); }
check 0 "fsck of a fresh image" "$t/fsck.vpmfs" -f "$d/a.img"
check 0 "mkfs BLOCKS and -N -L" "$t/mkfs.vpmfs" -q -N 100 -L lbl "$d/b.img" 1000
[ "$(stat -c %s "$d/b.img")" = 4096000 ] || { echo "not ok: BLOCKS size"; fails=$((fails + 1)); }
check 0 "fsck -v of the BLOCKS image" "$t/fsck.vpmfs" -v "$d/b.img"
grep -q "128 inodes\|, 128 inodes" "$d/out" || grep -q "of 128 inodes" "$d/out" ||
	{ echo "not ok: -N 100 should give 128 inodes"; cat "$d/out"; fails=$((fails + 1)); }
check 0 "mkfs on an existing file uses its size" "$t/mkfs.vpmfs" -q "$d/b.img"
check 8 "fsck of a missing file" "$t/fsck.vpmfs" "$d/none.img"
truncate -s 1M "$d/zero.img"
check 8 "fsck of a non-vpmfs image" "$t/fsck.vpmfs" "$d/zero.img"

# damaged copies: -n reports (4), -y repairs (1), then clean (0)
check 0 "vpmfs_mutate" "$t/vpmfs_mutate" "$d/a.img" "$d/mut" 1 30
for name in sb-field8-2 sb-field9-2 sb-field18-1 ino1-links-max ino1-size-plus1 \
	    ino1-blk0-zero ino1-bitmap-free bbitmap-zero bbitmap-full ibitmap-zero \
	    dir1-slot0-ino0 dir1-slot1-ino-range dir1-slot0-len57 \
	    dir1-slot5-in-empty-slot sb-bad-checksum; do
	img=$(find "$d/mut" -name "*-$name.img" | LC_ALL=C sort | head -n1)
	[ -n "$img" ] || { echo "not ok: no $name image"; fails=$((fails + 1)); continue; }
	check 4 "$name: fsck -n finds it" "$t/fsck.vpmfs" -n "$img"
	check 1 "$name: fsck -y repairs it" "$t/fsck.vpmfs" -y "$img"
	check 0 "$name: clean after repair" "$t/fsck.vpmfs" "$img"
done
check 8 "sb-zero is not a file system" "$t/fsck.vpmfs" -y "$(ls "$d"/mut/*-sb-zero.img)"
# every damaged copy: fsck -y never crashes, and what it repairs is clean
fsck_every "$d/mut" || fails=$((fails + 1))
n=$(find "$d/mut" -name '*.img' | wc -l)
[ "$n" -gt 150 ] || { echo "not ok: only $n images"; fails=$((fails + 1)); }
echo "# $fails failures"
[ "$fails" = 0 ] || exit 1
