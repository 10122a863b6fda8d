#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpmfs POSIX behaviour (selftests/vpmfs_posix.c, run in the VM by
# selftests/guest/posix.sh), three times on one fresh file system:
# copy=vpm, copy=generic, and copy=vpm with vpm loaded with vpm_enable=0
# (the generic paths).  The vpm counters must move under copy=vpm only.
# fsck.vpmfs must find the file system clean after each pass.  Also:
# mount option checks, remount changing copy=, and rmmod refused while
# mounted.
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

workdir vpmfs-posix
img=$work/disk.img
truncate -s 64M "$img"

vmtest_guest --no-load --disk "$img" --timeout 600 -- posix.sh /dev/vda
