# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# selftests/lib/host.sh: helpers for the host side of the selftests
# (selftests/tests/*.sh, run by scripts/check or by hand).  Bash; sourced,
# never run:
#
#   # shellcheck source=selftests/lib/host.sh
#   . "$(dirname "$0")/../lib/host.sh"
#
# It sets top (the tree's top directory) and provides:
#
#   fail MESSAGE...        print "FAIL: MESSAGE..." and exit 1
#   need_tools             build the user-space tools (build/tools/)
#   workdir [-k] NAME      make a fresh directory build/check/NAME.XXXXXX
#                          in $work (make check may run in several trees
#                          and tests at once), removed when the test exits;
#                          -k: kept when the test fails, for a look
#   vmtest_guest [VMTEST OPTION...] -- SCRIPT [ARG...]
#                          run selftests/guest/SCRIPT in the test VM with
#                          scripts/vmtest: the script and
#                          selftests/guest/lib.sh are shipped with --add,
#                          the guest runs "bash|sh /opt/add/SCRIPT ARG..."
#                          (bash when the script's first line names bash);
#                          returns vmtest's status
#   fsck_every DIR         fsck.vpmfs -y on every DIR/*.img (damaged
#                          copies from vpmfs_mutate): exit 0, 1 or 8, and
#                          after a repair (1) clean for fsck.vpmfs -n;
#                          prints a "not ok" line for each copy that
#                          is not and a summary, returns 1 if any

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

fail() {
	echo "FAIL: $*"
	exit 1
}

need_tools() {
	make -s -C "$top" tools >/dev/null
}

work=
work_keep=0
# (called by the EXIT trap that workdir sets)
workdir_cleanup() {
	local rc=$?
	if [ -n "$work" ] && { [ "$work_keep" = 0 ] || [ "$rc" = 0 ]; }; then
		rm -rf "$work"
	fi
	return $rc
}

workdir() {
	if [ "$1" = -k ]; then
		work_keep=1
		shift
	fi
	mkdir -p "$top/build/check"
	work=$(mktemp -d "$top/build/check/$1.XXXXXX")
	trap workdir_cleanup EXIT
}

vmtest_guest() {
	local opts=() script cmd interp a

	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	if [ $# -lt 2 ]; then
		echo "vmtest_guest: usage: vmtest_guest [VMTEST OPTION...] -- SCRIPT [ARG...]" >&2
		return 125
	fi
	script=$top/selftests/guest/$2
	shift 2
	[ -f "$script" ] || { echo "vmtest_guest: no $script" >&2; return 125; }
	case $(head -n1 "$script") in
	*bash*) interp="bash" ;;
	*) interp="sh" ;;
	esac
	cmd="$interp /opt/add/${script##*/}"
	for a in "$@"; do
		cmd+=" $(printf %q "$a")"
	done
	"$top/scripts/vmtest" "${opts[@]}" --add "$top/selftests/guest/lib.sh" \
		--add "$script" -- "$cmd"
}

fsck_every() {
	local dir=$1 img rc n=0 bad=0 fixed=0 fsck=$top/build/tools/fsck.vpmfs

	for img in "$dir"/*.img; do
		[ -f "$img" ] || continue
		n=$((n + 1))
		rc=0
		timeout 30 "$fsck" -y "$img" >"$dir/fsck.out" 2>&1 || rc=$?
		case $rc in
		0|8) ;;
		1)
			fixed=$((fixed + 1))
			"$fsck" -n "$img" >"$dir/fsck2.out" 2>&1 && continue
			echo "not ok: ${img##*/} not clean after fsck -y"
			tail -n 8 "$dir/fsck.out" "$dir/fsck2.out" | sed 's/^/#   /'
			bad=$((bad + 1))
			;;
		*)
			echo "not ok: fsck -y ${img##*/} exit $rc"
			tail -n 3 "$dir/fsck.out" | sed 's/^/#   /'
			bad=$((bad + 1))
			;;
		esac
	done
	echo "# fsck -y on $n damaged images: $fixed repaired, $bad bad"
	[ "$bad" = 0 ]
}
