#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/30-dkms.sh: load the vpm and vpmfs that
# DKMS installed for this kernel (the host's
# /lib/modules/<release>/updates/dkms, shipped as DIR; .ko, .ko.xz or
# .ko.zst), check that both are loaded and vpmfs is registered, unload.
# vmtest runs it with --no-load.
#
#   sh /opt/add/dkms-load.sh DIR
set -e
dir=$1

for m in vpm vpmfs; do
	f=$(ls "$dir"/$m.ko*)
	case $f in
	*.xz) xz -dc "$f" >/tmp/$m.ko; f=/tmp/$m.ko ;;
	*.zst) zstd -qdc "$f" >/tmp/$m.ko; f=/tmp/$m.ko ;;
	esac
	insmod "$f"
done
grep -c "^vpm" /proc/modules | grep -qx 2
echo "installed modules loaded on $(uname -r): vpm $(cat /sys/module/vpm/version)"
grep -q vpmfs /proc/filesystems
rmmod vpmfs vpm
