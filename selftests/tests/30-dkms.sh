#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS: add the tree as vpm-linux/<version>, build and install it for every
# installed Debian kernel that has headers, load the installed modules in
# the VM booted on that kernel (selftests/guest/dkms-load.sh), then remove
# it and check that nothing is left behind.  PACKAGE_VERSION must equal
# vpm's MODULE_VERSION.
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"
command -v dkms >/dev/null || { echo "dkms not installed"; exit 4; }

ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
modver=$(sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' "$top/vpm/core/vpm_main.c")
if [ -z "$ver" ] || [ "$ver" != "$modver" ]; then
	echo "dkms.conf PACKAGE_VERSION '$ver' != MODULE_VERSION '$modver'"
	exit 1
fi

src=/usr/src/vpm-linux-$ver
cleanup() {
	dkms remove -m vpm-linux -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}
trap cleanup EXIT
cleanup

mkdir -p "$src"
git -C "$top" ls-files -z | (cd "$top" && xargs -0 tar -c) | tar -x -C "$src"
dkms add -m vpm-linux -v "$ver"

n=0
for b in /lib/modules/*/build; do
	[ -e "$b/include/generated/utsrelease.h" ] || continue
	kver=$(basename "$(dirname "$b")")
	case $kver in
	6.1.*) name=stock ;;
	6.12.*) name=backports ;;
	*) echo "# $kver: no test VM kernel of that name; build only"; name= ;;
	esac
	dkms build -m vpm-linux -v "$ver" -k "$kver" >/dev/null
	dkms install -m vpm-linux -v "$ver" -k "$kver" >/dev/null
	dkms status -m vpm-linux -v "$ver" -k "$kver" | grep -q installed
	echo "dkms: built and installed for $kver"
	n=$((n + 1))
	[ -n "$name" ] || continue
	vmtest_guest --kernel "$name" --no-load --no-build \
		--add "/lib/modules/$kver/updates/dkms" --timeout 300 -- \
		dkms-load.sh /opt/add/dkms
done
[ "$n" -gt 0 ] || { echo "no kernel headers to build for"; exit 1; }

dkms remove -m vpm-linux -v "$ver" --all >/dev/null
if ls /lib/modules/*/updates/dkms/vpm*.ko* 2>/dev/null; then
	echo "modules left behind after dkms remove"
	exit 1
fi
[ -z "$(dkms status -m vpm-linux)" ] || { echo "dkms still lists vpm-linux"; exit 1; }
echo "dkms: removed, nothing left"
