#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Single-threaded rules of the vpm write path and of remount
# (selftests/guest/write-rules.sh in the VM): a write whose copies keep
# faulting (debugfs copy_faults) is retried to the end, on new and on
# cached pages; an unknown ro_compat feature keeps the file system
# read-only on mount and on remount.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tools=$top/build/tools
mkdir -p "$top/build/check"
work=$(mktemp -d "$top/build/check/write-rules.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -x "$tools/vpmfs_mutate" ] || make -C "$top" -s tools

truncate -s 64M "$work/data.img"
"$tools/mkfs.vpmfs" -q -s 16M "$work/base.img"
# superblock field 4 (s_feature_ro_compat) set to 0x80000000, checksum kept
mkdir "$work/mut"
"$tools/vpmfs_mutate" "$work/base.img" "$work/mut" 1 0 >/dev/null
ro=$(ls "$work"/mut/*-sb-field4-3.img)
mv "$ro" "$work/rocompat.img"
rm -rf "$work/mut"

"$top/scripts/vmtest" --disk "$work/data.img" --disk "$work/rocompat.img" \
	--add "$top/selftests/guest/lib.sh" \
	--add "$top/selftests/guest/write-rules.sh" --timeout 300 -- \
	'bash /opt/add/write-rules.sh /dev/vda /dev/vdb'
