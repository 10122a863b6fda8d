#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tier's memory-pressure run: 15-vpm-mempressure (a vpm cache of
# half the guest's memory filled from vpmfs, then a memory hog larger than
# what is left; no OOM kill: the cache holds no pages) on the
# debug kernel, where KASAN's shadow and kmemleak's metadata leave less
# room still.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VMTEST_KERNEL=debug exec "$top/selftests/tests/15-vpm-mempressure.sh"
