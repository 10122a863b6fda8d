#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of selftests/tests/30-deb.sh: use vpm-linux as the Debian
# packages installed it on the host.  vmtest runs it with --no-load,
# --no-tools and --modules /lib/modules/<release>/updates/dkms, so the
# only modules are those DKMS installed and the only tools those in the
# host's /usr/sbin (the guest's /usr).  /dev/vda is an empty disk.
#
#   sh /opt/add/deb.sh VERSION full    mkfs -t vpmfs, an fstab line
#                                      mounted by mount -a (the module
#                                      auto-loads), vpmstat, fsck -t vpmfs
#                                      and fsck -A on a clean and on a
#                                      dirty file system
#   sh /opt/add/deb.sh VERSION quick   mkfs, mount -a, vpmstat, umount
set -u
# shellcheck source=selftests/guest/lib.sh
. "${0%/*}/lib.sh"
ver=$1
mode=${2:-full}
dev=/dev/vda
mnt=/mnt/vpmfs

# expect RC CMD...: run CMD, fail unless it exits RC.
expect() {
	want=$1
	shift
	rc=0
	"$@" >/tmp/out 2>&1 || rc=$?
	sed 's/^/    /' /tmp/out
	[ "$rc" = "$want" ] || fail "$* exited $rc, expected $want"
	echo "ok: $* -> $rc"
}

# The installed tools, not the build tree's.
[ ! -e /opt/vpm/bin/mkfs.vpmfs ] || fail "/opt/vpm/bin has the build tree's tools"
for t in mkfs.vpmfs fsck.vpmfs vpmstat mkfs fsck mount; do
	p=$(command -v "$t") || fail "no $t in PATH"
	case $t in
	*vpm*) [ "$p" = "/usr/sbin/$t" ] || fail "$t is $p, not the package's /usr/sbin/$t" ;;
	esac
done
# mkfs(8), fsck(8) and mount(8) are util-linux's (the host's /usr),
# not busybox applets.
for t in mkfs fsck mount; do
	case $(readlink -f "$(command -v "$t")") in
	*busybox*) fail "$t is busybox's" ;;
	esac
done
# The DKMS modules, not the build tree's (which has test_vpm too).
! grep -q '^vpm' /proc/modules || fail "vpm loaded before the test"
! modprobe -n test_vpm 2>/dev/null || fail "test_vpm is available: these are not the DKMS modules"

expect 0 mkfs -t vpmfs -L debtest "$dev"

mkdir -p "$mnt"
echo "$dev $mnt vpmfs defaults 0 2" >/etc/fstab
expect 0 mount -a
grep -q " $mnt vpmfs " /proc/mounts || fail "mount -a did not mount vpmfs on $mnt"
grep -q '^vpmfs ' /proc/modules || fail "vpmfs was not auto-loaded"
v=$(cat /sys/module/vpm/version)
[ "$v" = "$ver" ] || fail "vpm version $v, expected $ver"
v=$(cat /sys/module/vpmfs/version)
[ "$v" = "$ver" ] || fail "vpmfs version $v, expected $ver"
echo "ok: mount -a loaded vpm and vpmfs $ver on $(uname -r)"

seq 1 20000 >"$mnt/data"
cat "$mnt/data" >/dev/null
sync
expect 0 vpmstat
vpmstat -a >/tmp/stats || fail "vpmstat -a failed"
g=$(awk '$1 == "getmap" { print $2 }' /tmp/stats)
[ "${g:-0}" -gt 0 ] || fail "vpmstat -a: getmap is '${g:-}' after a write through vpm"
echo "ok: vpmstat (getmap $g)"

if [ "$mode" = quick ]; then
	umount "$mnt" || fail "umount"
	exit 0
fi

# A dirty image: the disk as it is while mounted (CLEAN cleared).
dd if="$dev" of=/tmp/dirty.img bs=1M 2>/dev/null || fail "dd"
expect 0 umount "$mnt"

expect 0 fsck -t vpmfs -n "$dev"
expect 0 fsck -t vpmfs -C -p "$dev"
# -A: every fstab line with a non-zero pass number; -V shows the call.
expect 0 fsck -A -V -p
grep -q "fsck.vpmfs -p $dev" /tmp/out || fail "fsck -A did not run fsck.vpmfs -p $dev"

# The dirty file system: found (4), repaired by the preen (1), then clean.
dd if=/tmp/dirty.img of="$dev" bs=1M conv=fsync 2>/dev/null || fail "dd"
expect 4 fsck -t vpmfs -n "$dev"
expect 1 fsck -t vpmfs -p "$dev"
expect 0 fsck -t vpmfs -p "$dev"
# As at boot: fsck -A -a (systemd-fsck passes -a), then mount -a.
dd if=/tmp/dirty.img of="$dev" bs=1M conv=fsync 2>/dev/null || fail "dd"
expect 1 fsck -A -a
expect 0 mount -a
seq 1 20000 | cmp - "$mnt/data" || fail "data changed"
expect 0 umount "$mnt"
expect 0 fsck -t vpmfs -n "$dev"
# Usage errors are fsck(8)'s 16.
expect 16 fsck.vpmfs -n -y "$dev"
echo "deb: all checks passed"
