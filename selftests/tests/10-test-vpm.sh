#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_vpm.ko in the VM (selftests/guest/test-vpm.sh), under each cache
# configuration, on ramfs and on ext2 (a real block file system with
# writeback): default cache, a tiny cache (steals, more mappings than
# slots), the cache off, and bad tunables (warned about and replaced,
# never a failed load).  Then 100 load/unload cycles.  Each load also
# runs the cache cases shared with tools/testing/vpm-cache ("cache/...",
# on test_vpm's private copy of the cache).
#
#   VPM_LOAD_CYCLES    load/unload cycles at the end (default 100; fewer
#                      on the debug kernel, where each costs seconds)
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

cycles=${VPM_LOAD_CYCLES:-100}
[[ $cycles =~ ^[1-9][0-9]*$ ]] || { echo "VPM_LOAD_CYCLES: not a number: $cycles"; exit 1; }

workdir test-vpm
img=$work/ext2.img
truncate -s 64M "$img"
mkfs.ext2 -q -F "$img"

vmtest_guest --no-load --disk "$img" --timeout 900 -- test-vpm.sh /dev/vda "$cycles"
