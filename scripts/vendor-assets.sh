#!/usr/bin/env bash
# Copies the front-end files that come from npm packages into public/vendor/, which cargo-leptos
# copies into the site. Nothing is loaded from a CDN.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/public/vendor"
mkdir -p "$DEST"

copy() { # source-in-node_modules destination-name
  local src="$ROOT/node_modules/$1" dst="$DEST/$2"
  if [ ! -f "$src" ]; then
    echo "vendor-assets: $src is missing; run scripts/setup.sh (npm ci)" >&2
    exit 1
  fi
  if [ ! -f "$dst" ] || ! cmp -s "$src" "$dst"; then
    cp "$src" "$dst"
  fi
}

copy echarts/dist/echarts.min.js echarts.min.js
# Swagger UI for the interactive API docs at /api/docs.
mkdir -p "$DEST/swagger-ui"
copy swagger-ui-dist/swagger-ui-bundle.js swagger-ui/swagger-ui-bundle.js
copy swagger-ui-dist/swagger-ui.css swagger-ui/swagger-ui.css
copy swagger-ui-dist/LICENSE swagger-ui/LICENSE
