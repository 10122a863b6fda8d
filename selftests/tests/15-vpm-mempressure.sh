#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory pressure (selftests/guest/mempressure.sh in the VM): a vpm cache
# of half the VM's memory, full of hints to a vpmfs file's pages, must not
# keep a memory hog from the memory those pages use.  The cache holds no
# page references, so there is nothing to shrink: reclaim frees the pages.
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

workdir mempressure
img=$work/disk.img
need_tools
"$top/build/tools/mkfs.vpmfs" -q -s 600M "$img"

vmtest_guest --no-load --mem 1024 --disk "$img" --timeout 600 -- \
	mempressure.sh /dev/vda
