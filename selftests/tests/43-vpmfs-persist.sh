#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence across VM reboots with a --disk image.
#  boot 1: build a tree (files of many sizes, a sparse file past 4 MiB,
#          directories, hard links, symlinks, modes, owners, times, a
#          fifo), fsync some, umount; print a manifest (names, sizes,
#          modes, links, owners, mtimes, md5 sums, link targets).
#  host:   fsck.vpmfs must find the image clean (exit 0).
#  boot 2: check the manifest, change things (rename, unlink, truncate,
#          append), print the new manifest, then sync and stop the VM
#          WITHOUT umount.
#  host:   fsck.vpmfs -n must find nothing wrong except the not-clean
#          state (exit 4 with only that message), -y fixes it (exit 1),
#          then exit 0.
#  boot 3: the manifest must match boot 2's.
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

# (kept when the test fails: the outputs of the boots)
workdir -k vpmfs-persist
out=$work
img=$out/disk.img
need_tools
"$top/build/tools/mkfs.vpmfs" -q -s 96M "$img"
fsck=$top/build/tools/fsck.vpmfs

vmtest_guest --no-build --disk "$img" --timeout 300 -- persist.sh build /dev/vda > "$out/boot1.out"
grep '^M ' "$out/boot1.out" > "$out/m1"
[ "$(wc -l < "$out/m1")" -gt 80 ] || { echo "boot 1 manifest too short"; cat "$out/boot1.out"; exit 1; }
"$fsck" "$img" || { echo "fsck after boot 1 failed"; exit 1; }

vmtest_guest --no-build --disk "$img" --timeout 300 -- persist.sh change /dev/vda > "$out/boot2.out"
sed -n '/^BEGIN-OLD/,/^END-OLD/p' "$out/boot2.out" | grep '^M ' > "$out/m1b"
diff "$out/m1" "$out/m1b" || { echo "boot 2 sees a different tree than boot 1 left"; exit 1; }
grep '^N ' "$out/boot2.out" | sed 's/^N /M /' > "$out/m2"
[ "$(wc -l < "$out/m2")" -gt 80 ] || { echo "boot 2 manifest too short"; exit 1; }

rc=0
"$fsck" -n "$img" > "$out/fsck-n.out" || rc=$?
cat "$out/fsck-n.out"
[ $rc = 4 ] || { echo "fsck -n after sync without umount: exit $rc, want 4"; exit 1; }
if grep -v -e 'not cleanly unmounted' -e 'state is not clean' "$out/fsck-n.out" | grep -q .; then
	echo "fsck found more than the unclean state after sync"; exit 1
fi
rc=0
"$fsck" -y "$img" || rc=$?
[ $rc = 1 ] || { echo "fsck -y: exit $rc, want 1"; exit 1; }
"$fsck" "$img" || { echo "fsck after -y not clean"; exit 1; }

vmtest_guest --no-build --disk "$img" --timeout 300 -- persist.sh check /dev/vda > "$out/boot3.out"
grep '^M ' "$out/boot3.out" > "$out/m3"
diff "$out/m2" "$out/m3" || { echo "boot 3 sees a different tree than boot 2 synced"; exit 1; }
"$fsck" "$img" || { echo "fsck after boot 3 failed"; exit 1; }
echo "# persistence ok: $(wc -l < "$out/m3") manifest lines"
