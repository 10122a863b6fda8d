#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The same modules on Debian 12's 6.12 kernel (selftests/guest/backports.sh
# in the VM): test_vpm with the default and a tiny cache, then a vpmfs
# image made, mounted, filled through vpm, read back and checked, under
# copy=vpm and copy=generic.
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

workdir backports
img=$work/backports.img
need_tools
"$top/build/tools/mkfs.vpmfs" -q -s 128M "$img"

vmtest_guest --kernel backports --no-load --disk "$img" --timeout 600 -- \
	backports.sh /dev/vda
