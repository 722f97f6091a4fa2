#!/usr/bin/env bash
# Property-based tests of the REST API against its own OpenAPI document, on a running server:
#  1. the document at /api/openapi.json validates as OpenAPI 3.1 (openapi-spec-validator);
#  2. schemathesis generates requests from it (valid and invalid) for every operation, authenticated
#     with an API key, and checks that no answer is a 5xx, that each status, content type, header and
#     body matches the document, that invalid input is refused, and that a missing key is refused.
# The server runs from the debug build (`cargo leptos build`) on a fresh demo database, with the
# site `make test` builds (E2E_SITE_ROOT, target/test-site by default).
# Usage: scripts/api-fuzz.sh [seconds]   (the time budget for schemathesis; 180 by default)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUDGET="${1:-180}"
BIN="$ROOT/target/debug/switchboard"
VENV="$ROOT/target/test-venv"
SITE_ROOT="${E2E_SITE_ROOT:-$ROOT/target/test-site}"
ADDR="127.0.0.1:${SWITCHBOARD_FUZZ_PORT:-3139}"
SCHEMATHESIS_VERSION="4.32.5"
VALIDATOR_VERSION="0.9.0"

log() { printf '\033[1;34m[api-fuzz]\033[0m %s\n' "$*"; }

if [ ! -x "$BIN" ]; then
  echo "api-fuzz: $BIN is missing; build first (cargo leptos build)" >&2
  exit 1
fi

# The Python tools, pinned, in a virtualenv under target/ (skipped when already there).
have_st="$("$VENV/bin/schemathesis" --version 2>/dev/null || true)"
have_validator="$("$VENV/bin/pip" show openapi-spec-validator 2>/dev/null || true)"
if [[ "$have_st" != *"$SCHEMATHESIS_VERSION"* ]] || [[ "$have_validator" != *"Version: $VALIDATOR_VERSION"* ]]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION and openapi-spec-validator $VALIDATOR_VERSION"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION" "openapi-spec-validator==$VALIDATOR_VERSION"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$WORK/switchboard.db?mode=rwc"
"$BIN" seed-demo >/dev/null
KEY="$("$BIN" api-key create --name api-fuzz 2>/dev/null)"

log "starting the server on $ADDR"
SWITCHBOARD_ADDR="$ADDR" SWITCHBOARD_SYNC_SCHEDULE=off SWITCHBOARD_RATE_LIMIT=1000000 SWITCHBOARD_TESTMODE_LATENCY=off \
  SWITCHBOARD_OWNER_PASSWORD="api-fuzz-owner-password" LEPTOS_SITE_ROOT="$SITE_ROOT" \
  RUST_LOG=warn "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://$ADDR/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

log "validating /api/openapi.json"
curl -fsS -H "Authorization: Bearer $KEY" "http://$ADDR/api/openapi.json" -o "$WORK/openapi.json"
"$VENV/bin/openapi-spec-validator" "$WORK/openapi.json"

# The two event streams never end by design (Server-Sent Events); their tests are in Rust.
# positive_data_acceptance is left out: some valid-looking input is refused for reasons a schema
# cannot state (a webhook address on a private network, a cron expression's fields, a workflow
# that does not exist), and the answer for those is a 4xx that names the field.
fuzz() {
  "$VENV/bin/schemathesis" run "http://$ADDR/api/openapi.json" \
    --header "Authorization: Bearer $KEY" \
    --exclude-path-regex 'events$' \
    --exclude-checks positive_data_acceptance \
    --max-time "$BUDGET" --max-examples 40 --workers 2 --request-timeout 20 \
    --seed 20261125 --warnings off --no-color 2>&1 | tee "$WORK/fuzz.log"
  return "${PIPESTATUS[0]}"
}

log "schemathesis for up to ${BUDGET} s"
status=0
fuzz || status=$?
# Schemathesis itself sometimes crashes while generating a case ("Runtime Error", a Hypothesis
# FlakyFailure inside its own generator, no request sent): that says nothing of the API, so such a
# run, with no failure of the API in it, is run once more. A failure of the API is never retried.
if [ "$status" != 0 ] && grep -q "^Errors:" "$WORK/fuzz.log" && ! grep -q "^Failures:" "$WORK/fuzz.log" \
  && ! grep -qv "Runtime Error" <(sed -n '/^Errors:/,/^$/p' "$WORK/fuzz.log" | grep "🚫"); then
  log "schemathesis crashed inside its own generator (no API failure); running it once more"
  status=0
  fuzz || status=$?
fi

if grep -q "panicked" "$WORK/server.log"; then
  echo "api-fuzz: the server panicked:" >&2
  grep -A5 "panicked" "$WORK/server.log" >&2
  status=1
fi
exit "$status"
