#!/usr/bin/env bash
# A migration, once committed, is never changed: databases that already ran it would refuse to
# start (sqlx keeps each applied migration's checksum). Each file in migrations/ must match its line
# in migrations/released.sha256; a new migration is added there with
#   (cd migrations && sha256sum NEW.sql >> released.sha256)
# Run by `make lint`; names each changed or unlisted file and fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../migrations"

status=0
for file in *.sql; do
  want="$(awk -v f="$file" '$2 == f { print $1 }' released.sha256)"
  have="$(sha256sum "$file" | cut -d' ' -f1)"
  if [ -z "$want" ]; then
    echo "check-migrations: $file is not in migrations/released.sha256 (add it once it is final)" >&2
    status=1
  elif [ "$want" != "$have" ]; then
    echo "check-migrations: $file changed after it was released; add a new migration instead" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "check-migrations: every migration is as released"
exit "$status"
