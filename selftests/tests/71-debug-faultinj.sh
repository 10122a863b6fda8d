#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tier's fault-injection run, on the debug kernel:
#  1. failslab, fail_page_alloc and fail_usercopy are limited to call
#     chains through vpm.ko or vpmfs.ko (require-start/require-end over
#     their text, from /proc/kallsyms), sleeping and highmem allocations
#     included;
#  2. selftests/vpmfs_faultinj.c sweeps /proc/thread-self/fail-nth over
#     each of its operations (reads, writes of every kind, truncates,
#     sendfile, copy_file_range, create/unlink), then runs random
#     operations with a 3% failure probability on its own task
#     (task-filter, make-it-fail); every failed syscall must fail with
#     ENOMEM, EIO or EFAULT, and the files must always equal its model;
#  3. after a umount, fsck.vpmfs must find the file system clean, and
#     after a remount the files must equal the model.
# The counts of faults injected and errors seen are printed
# (selftests/guest/faultinj.sh in the VM).
#
#   VPMFS_SEED         seed of the random run (default: the time)
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

workdir faultinj
img=$work/disk.img
need_tools
"$top/build/tools/mkfs.vpmfs" -q -s 64M "$img"
seed=${VPMFS_SEED:-$(date +%s)}
echo "# seed $seed"

vmtest_guest --kernel debug --disk "$img" --timeout 900 -- faultinj.sh /dev/vda "$seed"
