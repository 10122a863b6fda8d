#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fio with --verify=crc32c (random and sequential buffered I/O, psync,
# vectored and mmap engines, O_SYNC writes) and stress-ng file system
# stressors on vpmfs, under copy=vpm and copy=generic; fsck.vpmfs clean
# after each (selftests/guest/fio-stress.sh in the VM).
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

workdir vpmfs-fio
img=$work/disk.img
truncate -s 256M "$img"

vmtest_guest --disk "$img" --timeout 900 -- fio-stress.sh /dev/vda
