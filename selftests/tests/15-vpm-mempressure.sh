#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory pressure (selftests/guest/mempressure.sh in the VM): a vpm cache
# of half the VM's memory, full of hints to a vpmfs file's pages, must not
# keep a memory hog from the memory those pages use.  The cache holds no
# page references, so there is nothing to shrink: reclaim frees the pages.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/check"
img=$top/build/check/mempressure.img
rm -f "$img"
make -s -C "$top" tools
"$top/build/tools/mkfs.vpmfs" -q -s 600M "$img"

exec "$top/scripts/vmtest" --no-load --mem 1024 --disk "$img" \
	--add "$top/selftests/guest/mempressure.sh" --timeout 600 -- \
	'bash /opt/add/mempressure.sh /dev/vda'
