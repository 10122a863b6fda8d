#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of scripts/bench (make bench; selftests/tests/90-bench-smoke.sh
# runs it with --smoke): vpm reloaded with ARGS, fresh vpmfs on /dev/vda
# (copy=vpm, /mnt/a) and /dev/vdb (copy=generic, /mnt/b), then
# tools/vpmbench over both, with bench-reload.sh (shipped beside this
# script) as its steal phase.  With METHOD "one" (scripts/bench's
# default) only /mnt/a is used: vpmbench --one-dir runs both sides on its
# files and remounts it with each side's copy= before each run.  The JSON is printed between the lines
# @@VPMBENCH-JSON-BEGIN@@ and @@VPMBENCH-JSON-END@@, which scripts/bench
# looks for; the host facts come from /opt/add/bench-meta.
#
#   sh /opt/add/bench.sh "ARGS" "ONLY" PAIRS TARGET SIZE BIG STEAL_SLOTS METHOD "OPTS"
#
# ONLY: vpmbench's --only list, or empty for every workload.  OPTS: more
# vpmbench options (--aa, --verbose), or empty.
set -e
vpm_args=$1
only=$2
pairs=$3
target=$4
size=$5
big=$6
steal_slots=$7
method=$8
opts=$9

rmmod vpmfs vpm
# shellcheck disable=SC2086 # $vpm_args: the module parameters, one word each
modprobe vpm $vpm_args
modprobe vpmfs
mkfs.vpmfs -q /dev/vda
mkfs.vpmfs -q /dev/vdb
mkdir -p /mnt/a /mnt/b
mount -t vpmfs -o copy=vpm /dev/vda /mnt/a
mount -t vpmfs -o copy=generic /dev/vdb /mnt/b
if [ "$method" = one ]; then
	set -- --one-dir /mnt/a
else
	set -- --dir-a /mnt/a --dir-b /mnt/b
fi
if [ -n "$only" ]; then
	set -- "$@" --only "$only"
fi
# shellcheck disable=SC2086 # $opts: vpmbench options, one word each
vpmbench "$@" $opts --pairs "$pairs" --target "$target" \
	--size "$size" --big "$big" \
	--steal-cmd "sh ${0%/*}/bench-reload.sh $steal_slots \"$vpm_args\"" \
	--meta-file /opt/add/bench-meta --json /tmp/bench.json
echo @@VPMBENCH-JSON-BEGIN@@
cat /tmp/bench.json
echo @@VPMBENCH-JSON-END@@
umount /mnt/a /mnt/b
