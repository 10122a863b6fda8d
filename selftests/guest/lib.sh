# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# selftests/guest/lib.sh: helpers for the guest scripts of
# selftests/guest/, which run in the test VM of scripts/vmtest.  POSIX sh
# (the scripts run under the host's dash or under bash); sourced, never
# run.  The host side ships it beside the script (vmtest_guest of
# selftests/lib/host.sh: /opt/add/lib.sh), and a script reads it with
#
#   # shellcheck source=selftests/guest/lib.sh
#   . "${0%/*}/lib.sh"
#
#   fail MESSAGE...          print "FAIL: MESSAGE..." and exit 1
#   skip REASON...           print REASON... and exit 4 (a skip in
#                            make check)
#   vpm_stat NAME            one counter of /sys/kernel/debug/vpm/stats
#   mount_vpmfs DEV DIR [OPTIONS]
#                            mount vpmfs from DEV on DIR (made if missing),
#                            with -o OPTIONS if given

fail() {
	echo "FAIL: $*"
	exit 1
}

skip() {
	echo "$*"
	exit 4
}

vpm_stat() {
	awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/debug/vpm/stats
}

mount_vpmfs() {
	mkdir -p "$2"
	if [ -n "${3:-}" ]; then
		mount -t vpmfs -o "$3" "$1" "$2"
	else
		mount -t vpmfs "$1" "$2"
	fi
}
