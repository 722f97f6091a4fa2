#!/usr/bin/env python3
"""Makes a legacy JSON folder N times larger by copying every record N times with rewritten ids
(proj_0001 -> proj_0001x7 in copy 7), so references stay consistent and each copy is distinct.

usage: replicate-legacy.py SRC_DIR OUT_DIR N

Used for the import benchmark (`make bench-import`): 100 copies of the shared sample hold ~957,000
records. (gen_legacy_json.py --scale multiplies every dimension at once, so --scale 100 would mean
billions of metric rows.)
"""
import json
import os
import sys

ID_KEYS = ("id", "projectId", "campaignId", "workflowId", "executionId")


def rewrite(record, copy):
    if copy == 0:
        return record
    out = dict(record)
    for key in ID_KEYS:
        value = out.get(key)
        if isinstance(value, str):
            out[key] = f"{value}x{copy}"
    if isinstance(out.get("externalId"), str):
        out["externalId"] = f"{out['externalId']}{copy:03d}"
    meta = out.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("executionId"), str):
        out["meta"] = dict(meta, executionId=f"{meta['executionId']}x{copy}")
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(dst, exist_ok=True)
    counts = {}
    for name in sorted(os.listdir(src)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as fh:
            records = json.load(fh)
        with open(os.path.join(dst, name), "w", encoding="utf-8") as out:
            out.write("[")
            first = True
            for copy in range(n):
                for record in records:
                    out.write("\n " if first else ",\n ")
                    json.dump(rewrite(record, copy), out, ensure_ascii=False)
                    first = False
            out.write("\n]\n")
        counts[name] = len(records) * n
    print(json.dumps(counts), "total", sum(counts.values()))


if __name__ == "__main__":
    main()
