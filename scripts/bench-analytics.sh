#!/usr/bin/env bash
# Analytics benchmark: 3,000 campaigns x 730 days (~2.2M rows) served by the release build and
# timed per endpoint, then the same aggregates in DuckDB (from PyPI, in a virtualenv under target/).
# Not part of `make test`. ITERATIONS=200 by default.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_DIR:-${TMPDIR:-/tmp}/switchboard-bench-analytics}"
ITERATIONS="${ITERATIONS:-200}"
VENV="$ROOT/target/bench-venv"

mkdir -p "$WORK"
cargo build --release -p server --example bench_analytics
/usr/bin/time -f "bench_analytics: wall %e s, peak RSS %M KiB" \
  "$ROOT/target/release/examples/bench_analytics" --iterations "$ITERATIONS" --csv "$WORK/csv"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet "duckdb>=1.1,<2"
fi
"$VENV/bin/python" "$ROOT/scripts/bench_analytics_duckdb.py" "$WORK/csv" --iterations "$ITERATIONS"
rm -rf "$WORK/csv"
