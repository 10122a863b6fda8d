#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Corrupted images (selftests/guest/corrupt.sh and corrupt-exercise.sh in
# the VM).  In the VM: make and populate a small vpmfs image, then
# selftests/vpmfs_mutate writes hundreds of damaged copies (superblock
# fields, inode fields, block pointers, directory entries, bitmaps, random
# bytes).  A seed-chosen twentieth of the copies is mounted through a
# loop device; a refused mount must log a "vpmfs: " line; a mounted one is
# walked (stat, readdir, read, readlink), written (create, write, mkdir,
# rename, truncate, unlink, rm -rf) and unmounted, all within a timeout.
# Then fsck.vpmfs -y on the sampled copy must exit 0, 1 or 8 (never
# crash), and after a repair (exit 1) fsck.vpmfs -n must find it clean
# and the kernel must mount it and walk it.  vmtest fails the test on any
# BUG, WARNING, Oops or hang in the kernel log.  Then, on the host,
# vpmfs_mutate damages the same populated image in every way again, with
# 400 random copies instead of 40, and fsck_every (selftests/lib/host.sh)
# checks fsck.vpmfs -y and -n on each copy (about 1,070).
#
#   VPMFS_SEED         seed (default: the time)
#   VPMFS_CORRUPT_ALL  1: every damaged image instead of a twentieth
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

seed=${VPMFS_SEED:-$(date +%s)}
# Each image costs about a second under TCG: by default a seed-chosen
# twentieth of them (VPMFS_CORRUPT_ALL=1: every one).
stride=20
[ "${VPMFS_CORRUPT_ALL:-0}" = 0 ] || stride=1
echo "# seed $seed, every ${stride}th image"

workdir -k vpmfs-corrupt
truncate -s 2M "$work/base.img"
vmtest_guest --disk "$work/base.img" --add "$top/selftests/guest/corrupt-exercise.sh" \
	--timeout 1800 -- corrupt.sh "$seed" "$stride" /dev/vda
need_tools
mkdir "$work/mut"
"$top/build/tools/vpmfs_mutate" "$work/base.img" "$work/mut" "$seed" 400 >/dev/null ||
	fail "vpmfs_mutate on the host"
fsck_every "$work/mut"
