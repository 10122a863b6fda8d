#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tier's leak check must be able to fail: build
# selftests/kmemleak/vpm_leak_check.ko (32 objects leaked on purpose)
# against the debug kernel, load it in the VM, and expect vmtest to exit 3
# with kmemleak's "unreferenced object" reports.  Then the same boot
# without the module must be clean (exit 0).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dk=${VPM_DEBUG_KERNEL_DIR:-$("$top/scripts/debug-kernel")}
out=$top/build/check/kmemleak-check
rm -rf "$out"
mkdir -p "$out"
cp "$top/selftests/kmemleak/vpm_leak_check.c" "$top/selftests/kmemleak/Kbuild" "$out/"
make -s -C "$dk/build" M="$out" modules
export VPM_DEBUG_KERNEL_DIR=$dk

rc=0
"$top/scripts/vmtest" --kernel debug --add "$out/vpm_leak_check.ko" -- \
	'insmod /opt/add/vpm_leak_check.ko' >"$out/leak.out" 2>&1 || rc=$?
if [ "$rc" != 3 ] || ! grep -q "unreferenced object" "$out/leak.out"; then
	cat "$out/leak.out"
	echo "FAIL: a module leaking 32 objects did not fail vmtest with kmemleak reports (exit $rc)"
	exit 1
fi
echo "leaking module: vmtest exit 3, $(grep -c "unreferenced object" "$out/leak.out") unreferenced objects reported"

"$top/scripts/vmtest" --kernel debug -- 'echo no leak' ||
	{ echo "FAIL: the same check without the module is not clean"; exit 1; }
echo "without it: clean"
