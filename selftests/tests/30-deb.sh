#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages: make deb builds vpm-linux-dkms and vpmfs-tools;
# lintian finds no error in them; apt installs them on this host, where
# DKMS builds and installs vpm and vpmfs for every kernel with headers
# (never loaded here); the installed files are checked; the VM boots the
# stock kernel with the modules DKMS installed for it and the tools in
# /usr/sbin only (vmtest --modules, --no-tools) and runs
# selftests/guest/deb.sh: mkfs -t vpmfs, an fstab line mounted by
# mount -a, vpmstat, fsck -t vpmfs and fsck -A on a clean and a dirty
# file system; the backports kernel's VM mounts and unmounts.  Then apt
# purges both and nothing may be left: dkms status, /usr/src,
# /lib/modules/*/updates, /var/lib/dkms.  The packages are purged on any
# exit.
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

for t in dpkg-buildpackage dh dh_dkms lintian dkms apt-get mandoc; do
	command -v "$t" >/dev/null || { echo "no $t (scripts/deps installs it)"; exit 4; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (apt install)"; exit 4; }

ver=$("$top/scripts/version-check") || fail "the version numbers disagree"
pkgs=(vpm-linux-dkms vpmfs-tools)
tools=(mkfs.vpmfs fsck.vpmfs vpmstat)
export DEBIAN_FRONTEND=noninteractive

# The packages, /usr/src/vpm-linux-<version> and the DKMS registration are
# the host's, shared by every tree: one run at a time.
exec {lockfd}>/run/lock/vpm-linux-30-deb.lock
flock "$lockfd"

workdir -k deb
t0=$SECONDS
step() {
	echo "== $* ($((SECONDS - t0)) s)"
}

# Nothing of vpm-linux may stay on the host: purge the packages, and
# whatever a by-hand DKMS install of this version left.
purge() {
	local p installed=()
	for p in "${pkgs[@]}"; do
		if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^.[^n]'; then
			installed+=("$p")
		fi
	done
	if ((${#installed[@]})); then
		apt-get purge -y -q "${installed[@]}" >"$work/purge.log" 2>&1 ||
			{ cat "$work/purge.log"; return 1; }
	fi
}
host_clean() {
	purge || true
	if [ -n "$(dkms status -m vpm-linux 2>/dev/null)" ]; then
		dkms remove -m vpm-linux -v "$ver" --all >/dev/null 2>&1 || true
	fi
	rm -rf "/usr/src/vpm-linux-$ver"
}
cleanup() {
	local rc=$?
	host_clean
	(exit $rc)
	workdir_cleanup
}
trap cleanup EXIT
host_clean

step "make deb"
make -C "$top" deb >"$work/deb.log" 2>&1 || { tail -n 40 "$work/deb.log"; fail "make deb"; }
debs=()
for p in "${pkgs[@]}"; do
	f=$(compgen -G "$top/build/deb/${p}_${ver}_*.deb") || fail "make deb made no $p $ver"
	debs+=("$f")
done
n=$(find "$top/build/deb" -name '*.deb' | wc -l)
[ "$n" = 2 ] || fail "make deb made $n packages, expected 2: $(ls "$top/build/deb")"

step "lintian"
rc=0
lintian --fail-on error "$top"/build/deb/*.changes >"$work/lintian.out" 2>&1 || rc=$?
grep -v 'root privileges' "$work/lintian.out" || true
[ "$rc" = 0 ] || fail "lintian reports errors (exit $rc)"

step "package contents"
dpkg-deb -c "${debs[0]}" | awk '{ print $6 }' >"$work/dkms.list"
dpkg-deb -c "${debs[1]}" | awk '{ print $6 }' >"$work/tools.list"
for f in dkms.conf Kbuild Makefile VERSION scripts/build-modules scripts/compat-gen \
	vpm/core/vpm_main.c vpm/fs/super.c include/vpm/vpm.h; do
	grep -qx "./usr/src/vpm-linux-$ver/$f" "$work/dkms.list" ||
		fail "vpm-linux-dkms lacks /usr/src/vpm-linux-$ver/$f"
done
! grep -q test_vpm "$work/dkms.list" || fail "vpm-linux-dkms ships test_vpm"
grep -qx ./usr/share/man/man4/vpm.4.gz "$work/dkms.list" || fail "vpm-linux-dkms lacks vpm(4)"
for f in "${tools[@]}"; do
	grep -qx "./usr/sbin/$f" "$work/tools.list" || fail "vpmfs-tools lacks /usr/sbin/$f"
	grep -qx "./usr/share/man/man8/$f.8.gz" "$work/tools.list" || fail "vpmfs-tools lacks $f(8)"
done
grep -qx ./usr/share/man/man5/vpmfs.5.gz "$work/tools.list" || fail "vpmfs-tools lacks vpmfs(5)"

step "apt install (DKMS builds for every kernel with headers)"
apt-get install -y -q "${debs[@]}" >"$work/install.log" 2>&1 ||
	{ tail -n 40 "$work/install.log"; fail "apt install"; }
grep -E 'Building for|DKMS: install completed|Error|error' "$work/install.log" || true

step "installed files"
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" | grep -q 'install ok installed' || fail "$p is not installed"
done
for f in "${tools[@]}"; do
	[ -x "/usr/sbin/$f" ] || fail "no /usr/sbin/$f"
	man -w "$f" >/dev/null || fail "man $f: not found"
done
man -w 5 vpmfs >/dev/null || fail "man 5 vpmfs: not found"
man -w 4 vpm >/dev/null || fail "man 4 vpm: not found"
# The installed pages render, and mandoc finds no error or warning.
for p in 4/vpm 5/vpmfs 8/mkfs.vpmfs 8/fsck.vpmfs 8/vpmstat; do
	f=$(man -w "${p%/*}" "${p#*/}")
	mandoc -Tlint -W warning "$f" || fail "mandoc -Tlint: $f"
	out=$(MANWIDTH=80 man -l "$f" 2>&1) || fail "man -l $f"
	grep -q "^NAME" <<<"$out" || fail "man -l $f: no NAME section"
done
[ -f "/usr/src/vpm-linux-$ver/dkms.conf" ] || fail "no /usr/src/vpm-linux-$ver/dkms.conf"
# The tools work on this host (dynamically linked, from the package).
/usr/sbin/mkfs.vpmfs -q -s 16M "$work/host.img" || fail "installed mkfs.vpmfs"
/usr/sbin/fsck.vpmfs -n "$work/host.img" >/dev/null || fail "installed fsck.vpmfs on a new image"

declare -A kmod=()
for b in /lib/modules/*/build; do
	[ -e "$b/include/generated/utsrelease.h" ] || continue
	kver=$(basename "$(dirname "$b")")
	dkms status -m vpm-linux -v "$ver" -k "$kver" | grep -q ': installed' ||
		fail "DKMS did not install vpm-linux $ver for $kver: $(dkms status -m vpm-linux)"
	d=/lib/modules/$kver/updates/dkms
	for m in vpm vpmfs; do
		f=$(compgen -G "$d/$m.ko*") || fail "no $d/$m.ko*"
		v=$(modinfo -F version "$f")
		[ "$v" = "$ver" ] || fail "$f: version '$v', expected $ver"
	done
	! compgen -G "/lib/modules/$kver/updates/dkms/test_vpm*" >/dev/null ||
		fail "DKMS installed test_vpm for $kver"
	echo "dkms: vpm and vpmfs $ver installed for $kver"
	kmod[$kver]=$d
done
((${#kmod[@]})) || fail "no kernel headers: DKMS built nothing"

# The VM boots a kernel with the modules DKMS installed for it (nothing
# from build/), the tools from the host's /usr/sbin only.
vm() {
	local name=$1 pattern=$2 mode=$3 kver=
	for k in "${!kmod[@]}"; do
		# shellcheck disable=SC2254 # $pattern is a glob
		case $k in $pattern) kver=$k ;; esac
	done
	[ -n "$kver" ] || fail "no $name kernel ($pattern) with headers"
	step "VM: $name ($kver), $mode"
	rm -f "$work/$name.img"
	VMTEST_DISK_SIZE=64M vmtest_guest --kernel "$name" --no-load --no-build --no-tools \
		--modules "${kmod[$kver]}" --disk "$work/$name.img" --timeout 300 -- \
		deb.sh "$ver" "$mode" || fail "the $name VM with the installed packages (exit $?)"
}
vm stock '6.1.*' full
vm backports '6.12.*' quick

step "apt purge"
purge || fail "apt purge"
left=$(dkms status -m vpm-linux)
[ -z "$left" ] || fail "dkms still lists: $left"
! compgen -G "/usr/src/vpm-linux*" >/dev/null || fail "left behind: $(echo /usr/src/vpm-linux*)"
! compgen -G "/lib/modules/*/updates/dkms/vpm*" >/dev/null ||
	fail "modules left behind: $(echo /lib/modules/*/updates/dkms/vpm*)"
[ ! -e /var/lib/dkms/vpm-linux ] || fail "left behind: /var/lib/dkms/vpm-linux"
for f in "${tools[@]}"; do
	[ ! -e "/usr/sbin/$f" ] || fail "left behind: /usr/sbin/$f"
done
for p in "${pkgs[@]}"; do
	! dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^.[^n]' ||
		fail "$p still known to dpkg: $(dpkg-query -W -f='${db:Status-Abbrev}' "$p")"
done
step "purged, nothing left"
# CPU time (user, system: this shell, then its children), to compare runs
# on a host busy with other VMs.
times
