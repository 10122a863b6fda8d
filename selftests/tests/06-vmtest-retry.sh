#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vmtest boots the guest once more when QEMU crashes before the
# command started (QEMU 10.0's TCG aborted once in 145 boots on
# 2026-12-03), and never after it.  A stand-in qemu-system-x86_64 first on
# PATH runs the real one, but:
#   early:  kills itself with SIGABRT on its first boot, before QEMU runs
#           -> the command's output, exit 0, two boots
#   always: the same on every boot -> exit 125 after two boots
#   late:   runs QEMU until the guest reports VMTEST_START, then kills it
#           and itself with SIGABRT -> exit 125, one boot
# Host side only; each case boots the stock kernel at most twice (the
# first vmtest builds the modules if they are not built yet).
set -euo pipefail
# shellcheck source=selftests/lib/host.sh
. "$(dirname "$0")/../lib/host.sh"

workdir vmtest-retry
real=$(command -v qemu-system-x86_64) || { echo "no qemu-system-x86_64 (scripts/deps)"; exit 1; }
mkdir -p "$work/bin"
cat >"$work/bin/qemu-system-x86_64" <<'EOF'
#!/bin/bash
# The stand-in QEMU of selftests/tests/06-vmtest-retry.sh.
ulimit -c 0
case " $* " in
*" --version "*) exec "$FAKEQ_REAL" "$@" ;;
esac
n=$(($(cat "$FAKEQ_STATE/boots" 2>/dev/null || echo 0) + 1))
echo "$n" >"$FAKEQ_STATE/boots"
case $FAKEQ_MODE in
early) [ "$n" != 1 ] || kill -ABRT $$ ;;
always) kill -ABRT $$ ;;
late)
	ctl=
	for a in "$@"; do
		case $a in
		file,id=vtctl,path=*) ctl=${a#file,id=vtctl,path=}; ctl=${ctl%,append=on} ;;
		esac
	done
	"$FAKEQ_REAL" "$@" &
	q=$!
	until grep -q '^VMTEST_START' "$ctl" 2>/dev/null; do
		kill -0 "$q" 2>/dev/null || exit 1
		sleep 0.2
	done
	sleep 1
	kill -KILL "$q"
	wait "$q"
	kill -ABRT $$
	;;
esac
exec "$FAKEQ_REAL" "$@"
EOF
chmod +x "$work/bin/qemu-system-x86_64"

fails=0
# run MODE WANT_RC WANT_BOOTS WANT_RETRY(0/1) WANT_OUTPUT(0/1)
run() {
	local mode=$1 want_rc=$2 want_boots=$3 want_retry=$4 want_out=$5 rc=0 boots retried=0 out=0

	mkdir -p "$work/$mode"
	PATH=$work/bin:$PATH FAKEQ_REAL=$real FAKEQ_STATE=$work/$mode FAKEQ_MODE=$mode \
		"$top/scripts/vmtest" --no-load --timeout 300 -- \
		'echo vmtest-retry-command-ran; sleep 3' >"$work/$mode/out" 2>"$work/$mode/err" || rc=$?
	boots=$(cat "$work/$mode/boots" 2>/dev/null || echo 0)
	grep -q 'booting again' "$work/$mode/err" && retried=1
	grep -q '^vmtest-retry-command-ran' "$work/$mode/out" && out=1
	if [ "$rc" = "$want_rc" ] && [ "$boots" = "$want_boots" ] &&
		[ "$retried" = "$want_retry" ] && [ "$out" = "$want_out" ]; then
		echo "ok: $mode: exit $rc, $boots boots, retried $retried, output $out"
	else
		echo "FAIL: $mode: exit $rc (want $want_rc), $boots boots (want $want_boots)," \
			"retried $retried (want $want_retry), output $out (want $want_out)"
		sed 's/^/  stderr: /' "$work/$mode/err" | tail -n 15
		fails=$((fails + 1))
	fi
}

run early 0 2 1 1
run always 125 2 1 0
run late 125 1 0 1
[ "$fails" = 0 ]
