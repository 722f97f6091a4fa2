#!/usr/bin/env bash
# Import benchmark: the legacy sample copied 100 times (~957,000 records), imported into a fresh
# database by the release binary, then imported again (nothing to change) and exported.
# Prints records/s and peak RSS. Not part of `make test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COPIES="${COPIES:-100}"
WORK="${BENCH_DIR:-${TMPDIR:-/tmp}/switchboard-bench}"
BIN="$ROOT/target/release/switchboard"
DATA="$WORK/legacy-x$COPIES"

cargo build --release -p server --bin switchboard
if [ ! -f "$DATA/campaign-metrics.json" ]; then
  python3 "$ROOT/scripts/replicate-legacy.py" "$ROOT/server/tests/fixtures/legacy-sample" "$DATA" "$COPIES"
fi
rm -f "$WORK"/bench.db*
export DATABASE_URL="sqlite://$WORK/bench.db"
run() { # label, command...
  local label="$1"; shift
  /usr/bin/time -f "$label: wall %e s, peak RSS %M KiB" "$@" > "$WORK/out.txt"
  tail -n 1 "$WORK/out.txt"
}
run "first import" "$BIN" import-json "$DATA"
run "second import (nothing to change)" "$BIN" import-json "$DATA"
rm -rf "$WORK/export"
run "export" "$BIN" export-json "$WORK/export"
