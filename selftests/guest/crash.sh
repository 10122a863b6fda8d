#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# crash.sh: the guest half of the vpmfs crash-consistency tests
# (selftests/tests/49-vpmfs-crash.sh, scripts/crashtest).  Each workload
# of selftests/vpmfs_crash.c runs on a fresh vpmfs over a dm-log-writes
# device; the log is then replayed (vpmfs_logreplay run) to every FLUSH
# entry, FUA entry and mark after the set-up, and to CRASH_SAMPLE points
# between two of them, and each crash point is checked on a copy
# (fsck.vpmfs, mount, vpmfs_crash check).  Shipped with
# `scripts/vmtest --add selftests/guest/crash.sh`:
#
#   bash /opt/add/crash.sh DATA_DEV LOG_DEV [DATA_DEV2 LOG_DEV2]
#
# DATA_DEV: at least 1 MiB (the file system); LOG_DEV: the log (64 MiB is
# plenty).  With a second pair, two copy modes run at the same time; the
# tests do not do that (Documentation/vpmfs.rst, "Crash tests": one file
# system's sync(2) flushes the other's device, and dm-log-writes then can
# log a flush's writes after later marks).
#
# Environment:
#   CRASH_TIER     one: every one-operation workload (default)
#                  two: every two-operation workload of the core set
#                  two-all: every two-operation workload
#                  nosync: a mkdir, creat-many or link with no sync,
#                  then each rename, link or unlink workload
#                  random: CRASH_COUNT random workloads from CRASH_SEED
#                  ids: the workloads in CRASH_IDS
#                  Several, blank separated, run in turn.
#   CRASH_TWO_SAMPLE  with "two": a seeded sample of this many (default: all)
#   CRASH_NOSYNC_SAMPLE  the same for "nosync"
#   CRASH_SEED     seed of the random workloads and of the sample (1)
#   CRASH_COUNT    random workloads (10)
#   CRASH_IDS      workload ids for CRASH_TIER=ids
#   CRASH_MODES    copy modes (default "vpm generic"), all in this boot
#   CRASH_SAMPLE   crash points sampled between two flush/FUA/mark
#                  points (default 1)
#   CRASH_DROP     1: also, before every flush, mark and the end, each
#                  image that lacks one write not yet flushed (what a
#                  volatile write cache may lose; vpmfs_logreplay -d)
#   CRASH_SHARD    K/N: only every N-th workload from the K-th (0 <= K
#                  < N), for N test VMs sharing the work (scripts/crashtest
#                  --jobs, 49-vpmfs-crash)
#   CRASH_VERBOSE  1: print every failure line (default: the first 3
#                  of each workload; all, and fsck's repairs, go to
#                  /tmp/crash/failures)
#
# Prints a "# " line per workload with failures (and one per 25 passing
# ones), a summary per copy mode, and last "workloads W, crash points P,
# failures F (in N workloads)".  Exit 1 if any check failed, 2 on set-up
# errors.
set -uo pipefail

usage="usage: crash.sh DATA_DEV LOG_DEV [DATA_DEV2 LOG_DEV2]"
data=${1:?$usage}
logdev=${2:?$usage}
data2=${3:-}
logdev2=${4:-}
tiers=${CRASH_TIER:-one}
modes=${CRASH_MODES:-vpm generic}
seed=${CRASH_SEED:-1}
count=${CRASH_COUNT:-10}
nsample=${CRASH_SAMPLE:-1}
verbose=${CRASH_VERBOSE:-0}
drop=${CRASH_DROP:-0}
two_sample=${CRASH_TWO_SAMPLE:-}
nosync_sample=${CRASH_NOSYNC_SAMPLE:-}

# 1 MiB file system (256 blocks, 64 inodes) over a dm-log-writes
# device; replay and check images in /tmp (tmpfs)
work=/tmp/crash
mkdir -p "$work"
: >"$work/failures"

die() {
	echo "crash.sh: $*"
	exit 2
}

grep -q '^dm_log_writes ' /proc/modules || modprobe dm-log-writes ||
	die "no dm-log-writes module"
[ -e /dev/mapper/control ] || dmsetup mknodes || die "no /dev/mapper/control"
dmsetup targets | grep -q '^log-writes' || die "dm-log-writes target not registered"
# scratch devices for the checked copies: RAM disks (a loop device over
# tmpfs costs twice as much per crash point under TCG)
grep -q '^brd ' /proc/modules || modprobe brd rd_nr=2 rd_size=1024 ||
	die "no brd module"

ids() {
	local t
	for t in $tiers; do
		case $t in
		one) vpmfs_crash ids one ;;
		two)
			if [ -n "$two_sample" ]; then
				vpmfs_crash ids two -k "$two_sample" -S "$seed"
			else
				vpmfs_crash ids two
			fi
			;;
		two-all) vpmfs_crash ids two -a ;;
		nosync)
			if [ -n "$nosync_sample" ]; then
				vpmfs_crash ids nosync -k "$nosync_sample" -S "$seed"
			else
				vpmfs_crash ids nosync
			fi
			;;
		random) vpmfs_crash ids random "$seed" "$count" ;;
		ids) tr -s ' ' '\n' <<<"${CRASH_IDS:-}" ;;
		*) die "unknown tier $t" ;;
		esac
	done
}

ids >"$work/ids" || exit 2
if [ -n "${CRASH_SHARD:-}" ]; then
	if ! [[ $CRASH_SHARD =~ ^([0-9]+)/([1-9][0-9]*)$ ]] ||
		[ "${BASH_REMATCH[1]}" -ge "${BASH_REMATCH[2]}" ]; then
		die "CRASH_SHARD: not K/N with K < N: $CRASH_SHARD"
	fi
	awk -v k="${BASH_REMATCH[1]}" -v n="${BASH_REMATCH[2]}" \
		'(NR - 1) % n == k' "$work/ids" >"$work/ids.shard" &&
		mv "$work/ids.shard" "$work/ids" || exit 2
fi
nids=$(grep -c . "$work/ids")
[ "$nids" -gt 0 ] || die "no workloads"
echo "# tiers: $tiers${CRASH_SHARD:+ (shard $CRASH_SHARD)}; $nids workloads; copy modes: $modes; $nsample sampled points per interval; drop points: $drop"

# vpmfs_crash batch, per workload: zero the log's super block, create
# the dm-log-writes device (DM ioctls: "dmsetup create" is a dynamic
# binary read over 9p, ~0.5 s a call under TCG), run it, remove the
# device, then vpmfs_logreplay run ... -- vpmfs_crash check ...
# With a second pair of disks, two copy modes run at a time (the VM has
# two CPUs).
opts=(-s "$nsample")
[ "$verbose" = 1 ] && opts+=(-v)
[ "$drop" = 1 ] && opts+=(-D)
read -r -a modelist <<<"$modes"
tw=0 tp=0 tf=0 tfw=0
# summarize MODE: add a finished batch's totals
summarize() {
	local sum
	sum=$(tail -n 1 "$work/out.$1")
	if ! [[ $sum =~ ^workloads\ ([0-9]+),\ crash\ points\ ([0-9]+),\ failures\ ([0-9]+)\ \(in\ ([0-9]+) ]]; then
		die "copy=$1: batch did not finish: $sum"
	fi
	tw=$((tw + BASH_REMATCH[1]))
	tp=$((tp + BASH_REMATCH[2]))
	tf=$((tf + BASH_REMATCH[3]))
	tfw=$((tfw + BASH_REMATCH[4]))
}
i=0
while [ "$i" -lt "${#modelist[@]}" ]; do
	m1=${modelist[$i]}
	m2=
	if [ -n "$data2" ] && [ $((i + 1)) -lt "${#modelist[@]}" ]; then
		m2=${modelist[$((i + 1))]}
	fi
	mkdir -p "$work/$m1"
	if [ -n "$m2" ]; then
		mkdir -p "$work/$m2"
		vpmfs_crash batch "${opts[@]}" -d "$work/$m2" -n "crash-$m2" \
			"$data2" "$logdev2" /dev/ram1 "$m2" <"$work/ids" \
			>"$work/out.$m2" 2>&1 &
	fi
	vpmfs_crash batch "${opts[@]}" -d "$work/$m1" -n "crash-$m1" \
		"$data" "$logdev" /dev/ram0 "$m1" <"$work/ids" >"$work/out.$m1" 2>&1
	wait
	for m in $m1 $m2; do
		grep -v '^workloads ' "$work/out.$m"
		summarize "$m"
		cat "$work/$m/failures" >>"$work/failures"
	done
	i=$((i + (${#m2} ? 2 : 1)))
done
# the logs of failing workloads (vpmfs_crash batch keeps their listing)
for f in "$work"/*/w*.log-list; do
	[ -e "$f" ] || continue
	echo "# log of ${f#"$work"/}:"
	sed 's/^/#   /' "$f"
done
repairs=$(grep '^REPAIR ' "$work/failures" | sed 's/^\(REPAIR w[0-9]* entry [0-9]*\).*copy=\([a-z]*\).*/\1 \2/' | sort -u | grep -c .)
echo "# fsck -y repaired more than the unclean state at $repairs crash point(s) (see $work/failures)"
echo "workloads $tw, crash points $tp, failures $tf (in $tfw workloads)"
[ "$tf" = 0 ] || exit 1
exit 0
