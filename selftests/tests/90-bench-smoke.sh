#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench --smoke --boots 2: every benchmark workload once (one
# pair, tiny runs) in each of two VM boots, pooled, for breakage only.
# Checks that the JSON is well formed, that every workload has a positive
# vpm, generic, memcpy and ratio figure, and that the pooled figures are
# the two boots' pairs together.  Never fails on speed.
#
# Exit: 0 pass, 1 fail, 4 skip (no python3 or jq on the host to read JSON).
# check: alone (it measures: scripts/check runs it by itself)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
json=$top/build/check/bench-smoke.json
mkdir -p "$top/build/check"
rm -f "$json"

"$top/scripts/bench" --smoke --boots 2 --no-deps --json "$json"

if command -v python3 >/dev/null; then
	python3 - "$json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
meta = d.pop("meta")
targets = d.pop("targets")
boots = d.pop("boots")
assert "2 runs" in meta.get("pooled", ""), "meta.pooled: %r" % meta.get("pooled")
assert len(boots) == 2, "%d boots" % len(boots)
for b in boots:
    for k in ("kernel", "qemu", "host_cpu", "date"):
        assert b["meta"].get(k), "meta." + k + " missing"
    assert b["meta"]["vpm_cache"]["slot_bytes"] > 0 and b["meta"]["vpm_cache"]["cache_bytes"] > 0
assert len(d) >= 13, "only %d workloads: %s" % (len(d), sorted(d))
bad = []
for name, w in sorted(d.items()):
    for k in ("vpm", "generic", "memcpy", "ratio"):
        v = w.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0:
            bad.append("%s.%s=%r" % (name, k, v))
    # the pooled pairs are the boots' pairs, in boot order
    for side in ("vpm", "generic", "memcpy", "movsb", "ratio"):
        want = sum((b[name]["runs"][side] for b in boots), [])
        if w["runs"][side] != want:
            bad.append("%s.runs.%s=%r, boots have %r" % (name, side, w["runs"][side], want))
    r = sorted(w["runs"]["ratio"])
    med = (r[0] + r[1]) / 2
    if w["pairs"] != 2 or abs(w["ratio"] - med) > 1e-5 * med:
        bad.append("%s: pairs %r, ratio %r, pooled pairs' median %r" % (name, w["pairs"], w["ratio"], med))
    if w["boot_ratios"] != [b[name]["ratio"] for b in boots]:
        bad.append("%s.boot_ratios=%r" % (name, w["boot_ratios"]))
    print("# %-16s vpm %10.1f generic %10.1f ratio %.3f %s, boots %s" %
          (name, w["vpm"] or 0, w["generic"] or 0, w["ratio"] or 0, w["unit"],
           " ".join("%.3f" % x for x in w["boot_ratios"])))
for name, t in sorted(targets.items()):
    assert "met" in t and "value" in t, name
if bad:
    sys.exit("wrong: " + "; ".join(bad))
print("# %d workloads, all positive, 2 boots pooled" % len(d))
EOF
elif command -v jq >/dev/null; then
	jq -e '
		(.boots | length == 2) and (.boots[0].meta.kernel | length > 0) and
		(del(.meta, .targets, .boots) | length >= 13) and
		(del(.meta, .targets, .boots) | [.[] | .vpm, .generic, .memcpy, .ratio |
			(type == "number" and . > 0)] | all) and
		(del(.meta, .targets, .boots) | [.[] | .pairs == 2] | all)' "$json" >/dev/null ||
		{ echo "bad JSON or a non-positive figure in $json"; exit 1; }
	echo "# JSON checked with jq"
else
	echo "no python3 or jq to check $json"
	exit 4
fi
