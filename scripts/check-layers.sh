#!/usr/bin/env bash
# The adapters stay adapters: REST handlers (server/src/api/) and server functions
# (app/src/server_fns/) reach the application only through the services (`Services`), never a
# repository, the database, the executor, the webhook store, the notifier or the connectors directly.
# Run by `make lint`; prints each offending line and fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pattern='\bRepos?\b|\bRepoError\b|ssr::repos\(|state\.(repos|engine|hooks|notifier|live)\b|crate::db::|switchboard_core::ports::|\bsqlx::|Sqlite[A-Z][A-Za-z]*Repo'
if grep -nE "$pattern" -r server/src/api app/src/server_fns --include='*.rs'; then
  echo "check-layers: the lines above reach below the services from an adapter (see ARCHITECTURE.md)" >&2
  exit 1
fi
echo "check-layers: api/ and server_fns/ call services only"
