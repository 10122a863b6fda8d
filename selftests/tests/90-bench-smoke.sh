#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench --smoke: every benchmark workload once (one pair, tiny
# runs) in the VM, for breakage only.  Checks that the JSON is well formed
# and that every workload has a positive vpm, generic, memcpy and ratio
# figure.  Never fails on speed.
#
# Exit: 0 pass, 1 fail, 4 skip (no python3 or jq on the host to read JSON).
# check: alone (it measures: scripts/check runs it by itself)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
json=$top/build/check/bench-smoke.json
mkdir -p "$top/build/check"
rm -f "$json"

"$top/scripts/bench" --smoke --no-deps --json "$json"

if command -v python3 >/dev/null; then
	python3 - "$json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
meta = d.pop("meta")
targets = d.pop("targets")
for k in ("kernel", "qemu", "host_cpu", "date"):
    assert meta.get(k), "meta." + k + " missing"
assert meta["vpm_cache"]["slot_bytes"] > 0 and meta["vpm_cache"]["cache_bytes"] > 0
assert len(d) >= 13, "only %d workloads: %s" % (len(d), sorted(d))
bad = []
for name, w in sorted(d.items()):
    for k in ("vpm", "generic", "memcpy", "ratio"):
        v = w.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0:
            bad.append("%s.%s=%r" % (name, k, v))
    print("# %-16s vpm %10.1f generic %10.1f ratio %.3f %s" %
          (name, w["vpm"] or 0, w["generic"] or 0, w["ratio"] or 0, w["unit"]))
for name, t in sorted(targets.items()):
    assert "met" in t and "value" in t, name
if bad:
    sys.exit("not positive: " + ", ".join(bad))
print("# %d workloads, all positive" % len(d))
EOF
elif command -v jq >/dev/null; then
	jq -e '
		(.meta.kernel | length > 0) and (.meta.vpm_cache.slot_bytes > 0) and
		(del(.meta, .targets) | length >= 13) and
		(del(.meta, .targets) | [.[] | .vpm, .generic, .memcpy, .ratio |
			(type == "number" and . > 0)] | all)' "$json" >/dev/null ||
		{ echo "bad JSON or a non-positive figure in $json"; exit 1; }
	echo "# JSON checked with jq"
else
	echo "no python3 or jq to check $json"
	exit 4
fi
