#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The steal phase of scripts/bench, in the test VM: vpmbench runs it (its
# --steal-cmd, from selftests/guest/bench.sh) between its two phases.
# Unmounts both file systems, reloads vpm with a cache of SLOTS slots and
# the module parameters ARGS, and mounts them again.
#
#   sh /opt/add/bench-reload.sh SLOTS "ARGS"
set -e
umount /mnt/a /mnt/b
rmmod vpmfs vpm
# shellcheck disable=SC2086 # $2: the module parameters, one word each
modprobe vpm vpm_cache_slots="$1" $2
modprobe vpmfs
mount -t vpmfs -o copy=vpm /dev/vda /mnt/a
mount -t vpmfs -o copy=generic /dev/vdb /mnt/b
