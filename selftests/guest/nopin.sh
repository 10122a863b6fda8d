#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of selftests/tests/48-vpm-nopin.sh (issue #11): an idle slot
# of the vpm cache must not keep its page-cache page from being
# reclaimed, dropped or migrated.  Each scenario runs on a copy=vpm mount
# and on a copy=generic mount (the control) of two fresh file systems in
# the same boot; copy=generic must pass everywhere.
#
#   nopin.sh [-m MODES] [-p PARAMS] [-b SIZE] [-w SIZE] VPM_DEV GENERIC_DEV
#            [SCENARIO...]
#
#   -m MODES     copy modes, blank separated (default "vpm generic")
#   -b SIZE      size of the big file of memcg-read and pipes (default
#                300M; at least 96M)
#   -w SIZE      what memcg-write writes (default 200M).  Both must be
#                well over memory.max (64M): a cache that pinned the
#                pages it saw, up to its default size (12 % of RAM, 123
#                MiB in the 1 GiB VM), would then hold more than the
#                cgroup may (the debug tier uses 160M and 128M: it writes
#                a few MiB/s)
#   -p PARAMS    more vpm module parameters, blank separated, for every
#                load (e.g. vpm_cache_enable=0: copy=vpm without the cache)
#   VPM_DEV      disk for the copy=vpm mount, GENERIC_DEV for copy=generic;
#                both are made afresh with mkfs.vpmfs
#   SCENARIO     memcg-read memcg-write drop-caches migrate pipes
#                (default: all, in that order)
#
#   memcg-read   a 300 MiB file (-b), caches dropped, read with cat in a
#                cgroup v2 with memory.max=64M: exit 0, memory.events
#                oom_kill 0, data exact
#   memcg-write  200 MiB (-w) written in such a cgroup: no OOM kill; then
#                sync, the file's pages evicted (remount), read back exact
#   drop-caches  a 64 MiB file read twice and held open; one
#                `echo 3 > drop_caches` must leave at most 16 of its
#                pages in the page cache
#   migrate      a 16 MiB file read with read(2), mapped MAP_SHARED and
#                touched; move_pages(2) must move every page to the other
#                NUMA node (the VM needs two; skipped only when the kernel
#                has no NUMA or no migration)
#   pipes        vpm reloaded with vpm_cache_slots=2048; 16 pipes each
#                filled with 1 MiB of the big file by splice(2) and
#                left unread; then `timeout 60 dd` of 64 MiB elsewhere in
#                the file must finish with the right data, and the pipes
#                must read back exact
#
# The modules are loaded here (vmtest --no-load).  The two modes of
# memcg-read, memcg-write and pipes run at the same time (each on its own
# disk, mount and cgroup), which keeps the whole run within about four
# minutes even when copy=vpm fails slowly (a memcg can thrash for over a
# minute before its OOM kill; the stuck pipe fill and dd wait out their
# 20 s and 60 s).  Prints a TAP line per scenario and copy mode; exits 1
# if one failed, 2 on bad usage.
set -uo pipefail

modes="vpm generic"
all="memcg-read memcg-write drop-caches migrate pipes"
cgroot=/sys/fs/cgroup
vm=/proc/sys/vm
dbg=/sys/kernel/debug/vpm
limit=64M
max_left=16	# pages drop_caches may leave (per-CPU batches)

usage() {
	echo "usage: nopin.sh [-m MODES] [-p PARAMS] [-b SIZE] [-w SIZE] VPM_DEV GENERIC_DEV [SCENARIO...]" >&2
	exit 2
}

vparams=()
# Files: name, pattern seed (vpm_nopin gen), size.
declare -A fseed=([big]=1 [w]=2 [d64]=3 [e16]=4)
declare -A fsize=([big]=300M [w]=200M [d64]=64M [e16]=16M)

while getopts m:p:b:w: opt; do
	case $opt in
	m) modes=$OPTARG ;;
	p) read -r -a vparams <<<"$OPTARG" ;;
	b) fsize[big]=$OPTARG ;;
	w) fsize[w]=$OPTARG ;;
	*) usage ;;
	esac
done
for f in big w; do
	[[ ${fsize[$f]} =~ ^[1-9][0-9]*M$ ]] || { echo "nopin.sh: not a size in MiB (NNNM): ${fsize[$f]}" >&2; usage; }
done
[ "${fsize[big]%M}" -ge 96 ] || { echo "nopin.sh: -b: at least 96M" >&2; usage; }
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
declare -A dev mnt
dev[vpm]=$1 dev[generic]=$2
mnt[vpm]=/mnt/nopin-vpm mnt[generic]=/mnt/nopin-generic
shift 2
scenarios=${*:-$all}
for s in $scenarios; do
	case " $all " in *" $s "*) ;; *) echo "nopin.sh: unknown scenario $s" >&2; usage ;; esac
done
for m in $modes; do
	case $m in vpm | generic) ;; *) echo "nopin.sh: unknown copy mode $m" >&2; usage ;; esac
done

# ---- helpers ----

vstat() {
	sed -n "s/^$1 //p" "$dbg/stats" 2>/dev/null
}
vmstat() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}

mount_all() {
	local m
	for m in $modes; do
		mkdir -p "${mnt[$m]}"
		mount -t vpmfs -o "copy=$m" "${dev[$m]}" "${mnt[$m]}" || return 1
	done
}
umount_all() {
	local m rc=0
	for m in $modes; do
		if mountpoint -q "${mnt[$m]}"; then
			umount "${mnt[$m]}" || rc=1
		fi
	done
	return $rc
}

# load_modules [VPM_PARAM...]: (re)load vpm and vpmfs, mount both
load_modules() {
	umount_all || return 1
	if grep -q '^vpmfs ' /proc/modules; then rmmod vpmfs || return 1; fi
	if grep -q '^vpm ' /proc/modules; then rmmod vpm || return 1; fi
	set -- "${vparams[@]}" "$@"
	modprobe vpm "$@" && modprobe vpmfs || return 1
	echo "# vpm loaded${*:+ with $*}: $(vstat slots) slots"
	mount_all
}

# cold MODE: nothing of the mount's files in any cache: the umount
# evicts the inodes, which also makes vpm release its slots on their
# pages.  Global caches are dropped by the caller, between scenarios.
cold() {
	umount "${mnt[$1]}" && mount -t vpmfs -o "copy=$1" "${dev[$1]}" "${mnt[$1]}"
}

# need_file MODE NAME: the pattern file NAME on MODE's mount
need_file() {
	local f=${mnt[$1]}/$2 t0=$SECONDS
	[ "$(stat -c %s "$f" 2>/dev/null)" = "$(numfmt --from=iec "${fsize[$2]}")" ] &&
		return 0
	vpm_nopin gen "${fseed[$2]}" 0 "${fsize[$2]}" >"$f" && sync || return 1
	echo "#   wrote $f (${fsize[$2]}) in $((SECONDS - t0)) s"
}

# A cgroup v2 with memory.max=$limit (and no swap) per scenario and mode:
# cg_setup makes it (before the runs), cg_use names it in a run.
cg=
# true when the kernel has no memory cgroup controller (the debug kernel
# is built without CONFIG_MEMCG): the memcg scenarios are skipped
memcg_absent() {
	if [ ! -e $cgroot/cgroup.controllers ]; then
		mount -t cgroup2 none $cgroot 2>/dev/null || return 0
	fi
	! grep -qw memory $cgroot/cgroup.controllers
}
# memcg_skip: when memcg_absent, say why in $skip (for a scenario)
memcg_skip() {
	memcg_absent || return 1
	skip="kernel without the memory cgroup controller"
}
cg_setup() {
	if [ ! -e $cgroot/cgroup.controllers ]; then
		mount -t cgroup2 none $cgroot || return 1
	fi
	grep -qw memory $cgroot/cgroup.controllers || {
		echo "# no memory controller in $cgroot/cgroup.controllers"
		return 1
	}
	echo +memory >$cgroot/cgroup.subtree_control || return 1
	cg_use "$1"
	[ ! -d "$cg" ] || rmdir "$cg" || return 1
	mkdir "$cg" && echo $limit >"$cg/memory.max" || return 1
	if [ -e "$cg/memory.swap.max" ]; then
		echo 0 >"$cg/memory.swap.max" || return 1
	fi
}
cg_use() {
	cg=$cgroot/nopin-$1
	[ -e "$cg/memory.max" ]
}
cg_event() {
	awk -v k="$1" '$1 == k { print $2 }' "$cg/memory.events"
}
cg_usage() {
	local peak=""
	[ ! -e "$cg/memory.peak" ] || peak=", peak $(($(cat "$cg/memory.peak") >> 20)) MiB"
	echo "memory.current $(($(cat "$cg/memory.current") >> 20)) MiB$peak"
}
cg_done() {
	rmdir "$cg" 2>/dev/null
	cg=
}

# dirty limits low enough that a 64 MiB cgroup never holds much dirty
# data (vpmfs has no cgroup writeback), for memcg-write; dirty_restore
# puts the old ones back
dirty_save=()
dirty_low() {
	local k
	dirty_save=()
	for k in dirty_bytes dirty_background_bytes dirty_ratio dirty_background_ratio; do
		dirty_save+=("$k=$(cat $vm/$k)")
	done
	echo $((16 << 20)) >$vm/dirty_bytes
	echo $((4 << 20)) >$vm/dirty_background_bytes
}
dirty_restore() {
	local kv
	# a *_bytes of 0 means the *_ratio rules: write the non-zero ones
	for kv in "${dirty_save[@]}"; do
		[ "${kv#*=}" = 0 ] || echo "${kv#*=}" >"$vm/${kv%%=*}"
	done
}

# ---- scenarios ----
#
# prep_NAME MODE runs first for every mode, one mode after the other (it
# may write files and change global state), then the page cache is
# dropped once, then sc_NAME MODE for every mode, concurrently for the
# scenarios in $concurrent: each mode has its own disk, mount, cgroup and
# files, and a run must not touch global state (drop_caches, sysctls).
# A run sets why (failures, "; "-separated), note and skip; o is its
# scratch file.

concurrent="memcg-read memcg-write pipes"

prep_memcg_read() {
	memcg_absent || { need_file "$1" big && cold "$1" && cg_setup "read-$1"; }
}
sc_memcg_read() {
	local m=$1 f=${mnt[$1]}/big st t0=$SECONDS
	memcg_skip && return
	cg_use "read-$m" || { why="; no cgroup"; return; }
	( echo "$BASHPID" >"$cg/cgroup.procs" && exec cat "$f" ) |
		vpm_nopin check "${fseed[big]}" 0 "${fsize[big]}" >"$o" 2>&1
	st=("${PIPESTATUS[@]}")
	[ "${st[0]}" = 0 ] || why="$why; cat exit ${st[0]}"
	[ "$(cg_event oom_kill)" = 0 ] || why="$why; memory.events oom_kill $(cg_event oom_kill)"
	[ "${st[1]}" = 0 ] || why="$why; $(tr '\n' ' ' <"$o")"
	note="cat exit ${st[0]} after $((SECONDS - t0)) s, oom_kill $(cg_event oom_kill), $(cg_usage)"
	cg_done
}

prep_memcg_write() {
	memcg_absent || { rm -f "${mnt[$1]}/w" && sync && cg_setup "write-$1"; }
}
sc_memcg_write() {
	local m=$1 f=${mnt[$1]}/w st t0=$SECONDS
	memcg_skip && return
	cg_use "write-$m" || { why="; no cgroup"; return; }
	( echo "$BASHPID" >"$cg/cgroup.procs" &&
		exec vpm_nopin gen "${fseed[w]}" 0 "${fsize[w]}" ) >"$f"
	st=$?
	sync
	[ "$st" = 0 ] || why="$why; writer exit $st"
	[ "$(cg_event oom_kill)" = 0 ] || why="$why; memory.events oom_kill $(cg_event oom_kill)"
	note="writer exit $st after $((SECONDS - t0)) s, oom_kill $(cg_event oom_kill), $(cg_usage)"
	cg_done
	cold "$m" || { why="$why; remount failed"; return; }
	vpm_nopin check "${fseed[w]}" 0 "${fsize[w]}" <"$f" >"$o" 2>&1 ||
		why="$why; read back: $(tr '\n' ' ' <"$o")"
	rm -f "$f"
}

prep_drop_caches() {
	need_file "$1" d64 && cold "$1"
}
sc_drop_caches() {
	local m=$1 f=${mnt[$1]}/d64 fd left left2
	# held open: an inode in use is never evicted, only its pages
	# can be dropped
	exec {fd}<"$f"
	vpm_nopin check "${fseed[d64]}" 0 "${fsize[d64]}" <"$f" >"$o" 2>&1 ||
		why="$why; first read: $(tr '\n' ' ' <"$o")"
	cat "$f" >/dev/null || why="$why; second read failed"
	[ "$m" != vpm ] || note="vpm slots_hashed $(vstat slots_hashed); "
	echo 3 >$vm/drop_caches
	left=$(vpm_nopin resident "$f") || why="$why; vpm_nopin resident failed"
	echo 3 >$vm/drop_caches
	left2=$(vpm_nopin resident "$f")
	exec {fd}<&-
	note="$note${left:-?} after one drop_caches, ${left2:-?} after a second"
	left=${left#resident }
	[ "${left%% *}" -le $max_left ] 2>/dev/null ||
		why="$why; one drop_caches left ${left%% of*} pages (at most $max_left allowed)"
}

prep_migrate() {
	[ ! -d /sys/devices/system/node/node0 ] || { need_file "$1" e16 && cold "$1"; }
}
sc_migrate() {
	local m=$1 f=${mnt[$1]}/e16 ok0 fail0 rc
	if [ ! -d /sys/devices/system/node/node0 ]; then
		skip="kernel without NUMA (no /sys/devices/system/node)"
		return
	fi
	if [ "$(cat /sys/devices/system/node/has_memory)" != 0-1 ]; then
		why="; two NUMA nodes with memory needed, has_memory: $(cat /sys/devices/system/node/has_memory) (QEMU -numa nodes in VMTEST_QEMU_ARGS, or numa=fake=2 without ACPI: see 48-vpm-nopin.sh)"
		return
	fi
	ok0=$(vmstat pgmigrate_success) fail0=$(vmstat pgmigrate_fail)
	vpm_nopin migrate "$f" "${fseed[e16]}" >"$o" 2>&1
	rc=$?
	sed 's/^/#   /' "$o"
	note="pgmigrate_success +$(($(vmstat pgmigrate_success) - ok0)), pgmigrate_fail +$(($(vmstat pgmigrate_fail) - fail0))"
	case $rc in
	0) ;;
	4) skip=$(tail -n1 "$o") ;;
	*)
		# the count, the first reason, any error
		why="$why; $({ grep 'pages moved' "$o"; grep -m1 'not moved' "$o"
			grep -v -E '^migrate: (try|pages? [0-9]|[0-9]+ (pages|of))' "$o"; } |
			sed 's/^migrate: //' | paste -sd ';' | sed 's/;/; /g')"
		;;
	esac
}

prep_pipes() {
	need_file "$1" big && cold "$1"
}
sc_pipes() {
	local m=$1 f=${mnt[$1]}/big p=/tmp/nopin-pipes-$1.out pid i st t0 ms prc shown
	# pipe i holds bytes [i MiB, i+1 MiB); dd reads [32 MiB, 96 MiB)
	# a fill that makes no progress for 20 s is stuck, not slow
	vpm_nopin pipes "$f" "${fseed[big]}" 16 1M 20 >"$p" 2>&1 &
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		grep -q '^pipes: ' "$p" && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/#   /' "$p"
	shown=$(wc -l <"$p")
	grep -q '^pipes: filled ' "$p" ||
		why="$why; $(grep -m1 '^pipes: ' "$p" || echo 'vpm_nopin pipes: no report')"
	[ "$m" != vpm ] || echo "#   vpm: slots_hashed $(vstat slots_hashed) of $(vstat slots), nofreevpms $(vstat nofreevpms)"
	t0=$(date +%s%N)
	timeout 60 dd if="$f" bs=1M skip=32 count=64 status=none |
		vpm_nopin check "${fseed[big]}" 32M 64M >"$o" 2>&1
	st=("${PIPESTATUS[@]}")
	ms=$((($(date +%s%N) - t0) / 1000000))
	note="dd exit ${st[0]} after $((ms / 1000)).$((ms % 1000 / 100)) s"
	if [ "${st[0]}" = 124 ]; then
		why="$why; dd made no progress: killed by timeout 60 ($(tr '\n' ' ' <"$o"))"
	elif [ "${st[0]}" != 0 ]; then
		why="$why; dd exit ${st[0]}"
	fi
	[ "${st[0]}" = 124 ] || [ "${st[1]}" = 0 ] || why="$why; dd data: $(tr '\n' ' ' <"$o")"
	kill -USR1 $pid 2>/dev/null
	wait $pid
	prc=$?
	tail -n +$((shown + 1)) "$p" | sed 's/^/#   /'
	[ "$prc" = 0 ] || [ -n "$why" ] || why="; vpm_nopin pipes exit $prc"
}

# ---- main ----

n=0 failed=0
results=""
report() {	# report MODE SCENARIO SECONDS
	local line
	n=$((n + 1))
	if [ -n "$skip" ]; then
		line="ok $n - $2 copy=$1 # SKIP $skip"
	elif [ -z "$why" ]; then
		line="ok $n - $2 copy=$1 ($3 s): $note"
	else
		line="not ok $n - $2 copy=$1 ($3 s): ${why#; }"
		[ -z "$note" ] || line="$line [$note]"
		failed=$((failed + 1))
	fi
	echo "$line"
	results="$results
$line"
}

# run_one SCENARIO MODE: sc_SCENARIO with its output and results in
# /tmp/nopin-MODE.{log,res}
run_one() {
	local t0=$SECONDS why="" note="" skip="" o=/tmp/nopin-$2.out
	"sc_${1//-/_}" "$2" >"/tmp/nopin-$2.log" 2>&1
	printf '%s\n' "$why" "$note" "$skip" $((SECONDS - t0)) >"/tmp/nopin-$2.res"
}

# run_scenario SCENARIO: prep for each mode, drop caches, run for each
# mode (concurrently or not), print the output and a result per mode
run_scenario() {
	local s=$1 m t
	for m in $modes; do
		if ! "prep_${s//-/_}" "$m" >"/tmp/nopin-$m.prep" 2>&1; then
			printf '%s\n' "; set-up failed: $(tail -n 3 "/tmp/nopin-$m.prep" | tr '\n' ' ')" \
				"" "" 0 >"/tmp/nopin-$m.res"
			: >"/tmp/nopin-$m.log"
		else
			rm -f "/tmp/nopin-$m.res"
		fi
	done
	sync
	echo 3 >$vm/drop_caches
	[ "$s" != memcg-write ] || dirty_low
	for m in $modes; do
		[ ! -e "/tmp/nopin-$m.res" ] || continue
		case " $concurrent " in
		*" $s "*) run_one "$s" "$m" & ;;
		*) run_one "$s" "$m" ;;
		esac
	done
	wait
	[ "$s" != memcg-write ] || dirty_restore
	for m in $modes; do
		echo "# $s copy=$m"
		cat "/tmp/nopin-$m.prep" "/tmp/nopin-$m.log"
		{ IFS= read -r why; IFS= read -r note; IFS= read -r skip; IFS= read -r t; } <"/tmp/nopin-$m.res"
		report "$m" "$s" "$t"
	done
}

nm=$(echo "$modes" | wc -w) ns=$(echo "$scenarios" | wc -w)
echo "1..$((nm * ns))"
t_all=$SECONDS
for m in $modes; do
	mkfs.vpmfs -q "${dev[$m]}" || { echo "# mkfs.vpmfs ${dev[$m]} failed"; exit 1; }
done
echo "# $(uname -r), $(nproc) CPUs, $(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB," \
	"NUMA nodes with memory: $(cat /sys/devices/system/node/has_memory 2>/dev/null || echo none)"
load_modules || { echo "# cannot load vpm and vpmfs and mount"; exit 1; }

# the files the scenarios read, written to both disks at once
declare -A files
for s in $scenarios; do
	case $s in
	memcg-read | pipes) files[big]=1 ;;
	drop-caches) files[d64]=1 ;;
	migrate) files[e16]=1 ;;
	esac
done
for m in $modes; do
	for f in "${!files[@]}"; do
		need_file "$m" "$f" || echo "# cannot write ${mnt[$m]}/$f"
	done &
done
wait

# pipes last: it reloads vpm with a small cache
for s in $all; do
	case " $scenarios " in *" $s "*) ;; *) continue ;; esac
	if [ "$s" = pipes ]; then
		load_modules vpm_cache_slots=2048 || { echo "# cannot reload vpm"; exit 1; }
	fi
	run_scenario "$s"
done
umount_all
echo "# nopin.sh results:$results"
echo "# nopin.sh: $((n - failed)) of $n passed in $((SECONDS - t_all)) s"
[ "$failed" = 0 ]
