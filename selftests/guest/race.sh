#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# race.sh: the vpmfs_race scenarios (selftests/vpmfs_race.c) in the test
# VM, under copy=vpm and then copy=generic (the control) in the same boot.
# Shipped with `scripts/vmtest --add selftests/guest/race.sh`; see
# selftests/tests/46-vpmfs-race.sh.
#
#   sh /opt/add/race.sh [-m MODES] [-s SCALE] [-S SEED] [-D DEV] [SCENARIO...]
#
#   -m MODES   copy modes, blank separated (default "vpm generic")
#   -s SCALE   percent of the default sizes and durations (default 100;
#              e.g. 15 on the debug kernel; hole-fill runs 10 s at least)
#   -S SEED    seed for every run (default: the time)
#   -D DEV     the disk to mkfs (default /dev/vda); it is made afresh
#              for each copy mode
#   SCENARIO   append-wb hole-fill mmap-write truncate namespace mix
#              (default: all)
#
# For each copy mode and scenario: mount, run, umount, fsck.vpmfs -n;
# then mount again and `vpmfs_race verify` what the scenario left, delete
# it, umount and fsck again.  Low dirty limits make the flusher write
# back often.  Prints "PASS|FAIL copy=MODE SCENARIO" lines and a summary;
# exits 1 if anything failed, 2 on bad usage.
set -u

modes="vpm generic"
scale=100
seed=$(date +%s)
dev=/dev/vda
mnt=/mnt/race
all="append-wb hole-fill mmap-write truncate namespace mix"

usage() {
	echo "usage: race.sh [-m MODES] [-s SCALE] [-S SEED] [-D DEV] [SCENARIO...]" >&2
	exit 2
}

while getopts m:s:S:D: opt; do
	case $opt in
	m) modes=$OPTARG ;;
	s) scale=$OPTARG ;;
	S) seed=$OPTARG ;;
	D) dev=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
scenarios=${*:-$all}
case $scale in '' | *[!0-9]*) usage ;; esac
[ "$scale" -gt 0 ] || usage
for s in $scenarios; do
	case " $all " in *" $s "*) ;; *) echo "race.sh: unknown scenario $s" >&2; usage ;; esac
done
for m in $modes; do
	case $m in vpm | generic) ;; *) echo "race.sh: unknown copy mode $m" >&2; usage ;; esac
done

# sc BASE [MIN]: BASE (tenths) scaled, at least MIN (tenths, default 1),
# as a decimal number
sc() {
	v=$(($1 * scale / 100))
	[ "$v" -ge "${2:-1}" ] || v=${2:-1}
	echo "$((v / 10)).$((v % 10))"
}


persistent() {
	[ "$1" != namespace ]
}

# Writeback: the flusher wakes every 0.5 s, writes what is older than
# 1 s, and writers are throttled past 4 MiB of dirty data.
vm=/proc/sys/vm
old_db=$(cat $vm/dirty_bytes) old_dbb=$(cat $vm/dirty_background_bytes)
old_dr=$(cat $vm/dirty_ratio) old_dbr=$(cat $vm/dirty_background_ratio)
old_de=$(cat $vm/dirty_expire_centisecs) old_dw=$(cat $vm/dirty_writeback_centisecs)
echo 1048576 > $vm/dirty_background_bytes
echo 4194304 > $vm/dirty_bytes
echo 100 > $vm/dirty_expire_centisecs
echo 50 > $vm/dirty_writeback_centisecs

mkdir -p $mnt
out=/tmp/race.out
passed=0 failed=0 results=""
t_all=$(date +%s)
kerr0=$(dmesg | grep -c 'vpmfs.*error')

# fsck_n WHEN: fsck.vpmfs -n must find the file system clean
fsck_n() {
	if ! fsck.vpmfs -n "$dev" > /tmp/fsck.out 2>&1; then
		sed 's/^/    /' /tmp/fsck.out | head -n 20
		why="$why; fsck.vpmfs -n $1 failed"
	fi
}

run_one() {
	mode=$1 s=$2 why=""
	t0=$(date +%s)
	d=$mnt/$s
	# the arguments at this scale: -d seconds, -m MiB
	case $s in
	append-wb) set -- -m "$(sc 960)" ;;
	# a race that needs time whatever the scale: 10 s at least
	hole-fill) set -- -m "$(sc 160)" -d "$(sc 150 100)" ;;
	mmap-write | truncate) set -- -d "$(sc 80)" ;;
	namespace) set -- -d "$(sc 60)" ;;
	mix) set -- -d "$(sc 120)" ;;
	esac
	echo "# copy=$mode $s: vpmfs_race -s $seed $* $s $d"
	if ! mount -t vpmfs -o "copy=$mode" "$dev" $mnt; then
		why="mount failed"
	else
		rm -rf "$d"
		mkdir "$d"
		vpmfs_race -s "$seed" "$@" "$s" "$d" > $out 2>&1
		rc=$?
		sed 's/^/    /' $out
		[ $rc = 0 ] || why="vpmfs_race exit $rc"
		umount $mnt || why="$why; umount failed"
		fsck_n "after $s"
		if mount -t vpmfs -o "copy=$mode" "$dev" $mnt; then
			if persistent "$s"; then
				vpmfs_race verify "$d" > $out 2>&1 ||
					why="$why; verify after remount failed"
				sed 's/^/    /' $out
			fi
			rm -rf "$d"
			umount $mnt || why="$why; umount failed"
			fsck_n "after remount and rm"
		else
			why="$why; remount failed"
		fi
	fi
	kerr=$(dmesg | grep -c 'vpmfs.*error')
	if [ "$kerr" != "$kerr0" ]; then
		dmesg | grep 'vpmfs.*error' | tail -n 5 | sed 's/^/    /'
		why="$why; vpmfs logged errors"
		kerr0=$kerr
	fi
	t=$(($(date +%s) - t0))
	if [ -z "$why" ]; then
		line="PASS copy=$mode $s (${t}s)"
		passed=$((passed + 1))
	else
		line="FAIL copy=$mode $s (${t}s): ${why#; }"
		failed=$((failed + 1))
	fi
	echo "$line"
	results="$results
$line"
}

echo "# race.sh: seed $seed, scale $scale%, copy modes: $modes; scenarios: $scenarios"
for mode in $modes; do
	if ! mkfs.vpmfs -q "$dev"; then
		echo "FAIL copy=$mode: mkfs.vpmfs $dev failed"
		failed=$((failed + 1))
		continue
	fi
	for s in $scenarios; do
		run_one "$mode" "$s"
	done
done

# the old limits back (a *_bytes of 0 means the *_ratio rules)
if [ "$old_db" = 0 ]; then echo "$old_dr" > $vm/dirty_ratio; else echo "$old_db" > $vm/dirty_bytes; fi
if [ "$old_dbb" = 0 ]; then
	echo "$old_dbr" > $vm/dirty_background_ratio
else
	echo "$old_dbb" > $vm/dirty_background_bytes
fi
echo "$old_de" > $vm/dirty_expire_centisecs
echo "$old_dw" > $vm/dirty_writeback_centisecs

echo "# race.sh results (seed $seed, scale $scale%):$results"
echo "# race.sh: $passed passed, $failed failed in $(($(date +%s) - t_all))s"
[ "$failed" = 0 ]
