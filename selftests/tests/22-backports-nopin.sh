#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The no-pin reproductions of issue #11 (selftests/tests/48-vpm-nopin.sh:
# memcg read and write, one-pass drop_caches, page migration, pipes full
# of spliced pages) on Debian 12's 6.12 kernel, copy=vpm and copy=generic
# in one boot.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
export VMTEST_KERNEL=backports
exec "$top/selftests/tests/48-vpm-nopin.sh"
