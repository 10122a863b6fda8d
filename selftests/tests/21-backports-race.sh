#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The two races of issue #9 on Debian 12's 6.12 kernel: appends against
# writeback and hole filling against readers (selftests/tests/46-vpmfs-race.sh
# with only those scenarios, half the stock sizes), under copy=vpm and
# copy=generic in one boot.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export VMTEST_KERNEL=backports
export VPMFS_RACE_SCALE=${VPMFS_RACE_SCALE:-50}
export VPMFS_RACE_ARGS="append-wb hole-fill"
exec "$top/selftests/tests/46-vpmfs-race.sh"
