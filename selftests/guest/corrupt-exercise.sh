#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/45-vpmfs-corrupt.sh, run by
# selftests/guest/corrupt.sh under `timeout 60 sh` for each damaged image
# that mounted on /mnt/c: walk it (stat, readdir, read, readlink), write
# it (create, write, mkdir, rename, truncate, unlink, rm -rf) and sync.
# Errors are expected and ignored; only a hang or a kernel report (which
# vmtest catches) fails.
#
#   sh /opt/add/corrupt-exercise.sh
m=/mnt/c
ls -laR $m >/dev/null 2>&1
# (only the first MiB: a size turned into 4 GiB of holes reads slowly)
find $m -type f -exec head -c 1048576 {} \; >/dev/null 2>&1
find $m -type l -exec readlink {} + >/dev/null 2>&1
find $m -exec stat {} + >/dev/null 2>&1
for d in $(find $m -type d 2>/dev/null | head -n 12); do
	echo data > "$d/new" 2>/dev/null
	dd if=/dev/zero of="$d/big" bs=4k count=8 2>/dev/null
	mkdir "$d/nd" 2>/dev/null
	mv "$d/new" "$d/nd/" 2>/dev/null
	truncate -s 7000 "$d/big" 2>/dev/null
	rm -rf "$d/nd" "$d/big" 2>/dev/null
done
for f in $(find $m -type f 2>/dev/null | head -n 12); do
	echo x >> "$f" 2>/dev/null
	truncate -s 1 "$f" 2>/dev/null
done
rm -rf ${m:?}/* 2>/dev/null
sync
exit 0
