#!/usr/bin/env bash
# Idempotent set-up for Switchboard on a fresh Debian machine with rustup, node and npm.
# Usage: scripts/setup.sh [--tests]   (--tests also installs Chromium for the browser tests)
# Every step checks first and skips what is already installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.11"
WITH_TESTS=0
for arg in "$@"; do
  case "$arg" in
    --tests) WITH_TESTS=1 ;;
    *) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

# 1. The wasm target for the hydrate build.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Unpacks a crate's published source into a scratch copy (used where the published lock file
# needs one pin to build on this rustc).
crate_source() { # name version -> prints a writable copy of the source dir
  local name="$1" version="$2" src dst
  (cd /tmp && cargo info "$name@$version" >/dev/null 2>&1) || true
  src="$(ls -d "$HOME"/.cargo/registry/src/*/"$name-$version" 2>/dev/null | head -n1)"
  if [ -z "$src" ]; then
    echo "setup.sh: could not fetch the source of $name $version from crates.io" >&2
    exit 1
  fi
  dst="$(mktemp -d)/$name-$version"
  cp -r "$src" "$dst"
  echo "$dst"
}

# 2. cargo-leptos, without its downloader (this machine only reaches package registries).
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 14 minutes on 2 cores)"
  dir="$(crate_source cargo-leptos "$CARGO_LEPTOS_VERSION")"
  (cd "$dir" && cargo update -p cargo-util-schemas --precise 0.14.1 \
     && cargo install --path . --locked --features no_downloads)
fi

# 3. wasm-bindgen-cli of exactly the version in Cargo.lock.
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' "$ROOT/Cargo.lock")"
if [ -z "$WB_VERSION" ]; then
  echo "setup.sh: no wasm-bindgen in Cargo.lock" >&2; exit 1
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WB_VERSION"; then
  log "installing wasm-bindgen-cli $WB_VERSION"
  dir="$(crate_source wasm-bindgen-cli "$WB_VERSION")"
  (cd "$dir" && { cargo update -p webpki-roots --precise 1.0.10 2>/dev/null || true; } \
     && cargo install --path . --locked --bin wasm-bindgen)
fi

# 4. Front-end packages (sass, binaryen's wasm-opt, echarts, swagger-ui, playwright) from the lock file.
if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  log "installing npm packages"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
fi

# 5. Chromium for the browser tests (Debian's build; Playwright cannot download its own here).
if [ "$WITH_TESTS" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

# 6. The shell tools the webhook test runs its sample command with (curl, openssl).
if [ "$WITH_TESTS" = 1 ] && { ! command -v curl >/dev/null || ! command -v openssl >/dev/null; }; then
  log "installing curl and openssl"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q curl openssl
fi

# 7. Python with venv for the API tests (schemathesis is installed from PyPI by scripts/api-fuzz.sh).
if [ "$WITH_TESTS" = 1 ] && ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  log "installing python3-venv"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3 python3-venv
fi

log "ready"
